//! The council's meeting and the organizer's memo on the awards page: what the page
//! shows of them, and the two forms that record them.

use super::*;

/// The council's meeting as the page shows it, and its form.
pub struct MeetingCard {
    /// `dd/mm/yyyy`, when recorded.
    pub held_on: Option<String>,
    /// Names of the members present, with their council role.
    pub present: Vec<String>,
    pub votes_for: i64,
    pub voting_members: usize,
    pub needed: usize,
    pub passed: bool,
    /// The organizer may record it now (deliberation).
    pub can_record: bool,
    /// The form: every council member (username, name and role, ticked), the date
    /// (`YYYY-MM-DD`) and the votes as typed or recorded.
    pub members: Vec<(String, String, bool)>,
    pub typed_held_on: String,
    pub typed_votes: String,
}

pub(super) fn meeting_card(
    v: &meeting::MeetingView,
    role: Role,
    st: ContestState,
    today: &str,
) -> MeetingCard {
    let m = v.meeting.as_ref();
    let label = |name: &str, role: &str| {
        format!(
            "{name} ({})",
            sangkien_domain::judging::council::role_label(role)
        )
    };
    MeetingCard {
        held_on: m.map(|m| crate::pages::date_vi(&m.held_on)),
        present: m
            .map(|m| {
                m.present
                    .iter()
                    .map(|p| label(&p.full_name, &p.role))
                    .collect()
            })
            .unwrap_or_default(),
        votes_for: m.map_or(0, |m| m.votes_for),
        voting_members: v.voting_members,
        needed: v.needed(),
        passed: v.passed(),
        can_record: role == Role::Organizer && st == ContestState::Deliberation,
        members: v
            .members
            .iter()
            .map(|x| {
                let ticked = m.is_none_or(|m| m.present.iter().any(|p| p.username == x.username));
                (x.username.clone(), label(&x.full_name, &x.role), ticked)
            })
            .collect(),
        typed_held_on: m.map_or_else(|| today.to_string(), |m| m.held_on.clone()),
        typed_votes: m.map(|m| m.votes_for.to_string()).unwrap_or_default(),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(super) struct MemoForm {
    csrf: String,
    number: String,
    date: String,
}

crate::pages::form::csrf_field!(MemoForm);

pub(super) async fn record_memo(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Posted(f): Posted<MemoForm>,
) -> Response {
    let input = MemoInput {
        number: f.number.clone(),
        date: f.date.clone(),
    };
    match award::record_memo(&state, user.account(), id, &input).await {
        Ok(_) => {
            axum::response::Redirect::to(&format!("/contests/{id}/awards?done=memo#memo-heading"))
                .into_response()
        }
        Err(e) => match view(&state, &user, id).await {
            Ok(p) => {
                let p = AwardsPage {
                    field_errors: e.fields().into_iter().map(|(_, m)| m).collect(),
                    error: Some(e.message.clone()),
                    typed_memo: (f.number, f.date),
                    ..p
                };
                render_status(status(e.kind), &p)
            }
            Err(_) => page_error(e),
        },
    }
}

/// The council's meeting as posted: the date, the members ticked present, the votes.
#[derive(Default)]
pub struct MeetingForm {
    csrf: String,
    held_on: String,
    present: Vec<String>,
    votes_for: String,
}

crate::pages::form::csrf_field!(MeetingForm);

impl FromPairs for MeetingForm {
    fn from_pairs(p: &Pairs) -> Self {
        MeetingForm {
            csrf: p.get("csrf"),
            held_on: p.get("held_on"),
            present: p.all("present"),
            votes_for: p.get("votes_for"),
        }
    }
}

pub(super) async fn record_meeting(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Rows(f): Rows<MeetingForm>,
) -> Response {
    let result = match f.votes_for.trim().parse::<i64>() {
        Ok(votes_for) => {
            let input = MeetingInput {
                held_on: f.held_on.clone(),
                present: f.present.clone(),
                votes_for,
            };
            meeting::put(&state, user.account(), id, &input)
                .await
                .map(|_| ())
        }
        Err(_) => Err(Error::field(
            "votes_for",
            "Số phiếu tán thành phải là một số nguyên, ví dụ 5.",
        )),
    };
    match result {
        Ok(()) => axum::response::Redirect::to(&format!(
            "/contests/{id}/awards?done=meeting#meeting-heading"
        ))
        .into_response(),
        Err(e) => match view(&state, &user, id).await {
            Ok(mut p) => {
                if let Some(m) = &mut p.meeting {
                    m.typed_held_on = f.held_on;
                    m.typed_votes = f.votes_for;
                    for (username, _, ticked) in &mut m.members {
                        *ticked = f.present.contains(username);
                    }
                }
                p.field_errors = e.fields().into_iter().map(|(_, m)| m).collect();
                p.error = Some(e.message.clone());
                render_status(status(e.kind), &p)
            }
            Err(_) => page_error(e),
        },
    }
}
