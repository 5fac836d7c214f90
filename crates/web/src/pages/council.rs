//! The organizer's council page: the council and its members, conflicts of interest,
//! and the assignment of judges. Each form posts to its own action.

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    response::Response,
    routing::{get, post},
};
use sangkien_app::{
    Error,
    judging::{
        self, NewConflict,
        assignment::{self, AssignInput},
        council::{self, CouncilInput},
    },
};
use sangkien_domain::contest::ContestState;

use super::{
    DoneQuery, Nav, PageUser, after,
    form::{FromPairs, Pairs, Posted, Rows},
    page,
};
use crate::{AppState, extract::Id};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/contests/{id}/council",
            get(council_page).post(save_council),
        )
        .route("/contests/{id}/conflicts", post(declare_conflict))
        .route("/contests/{id}/conflicts.csv", get(conflicts_csv))
        .route("/contests/{id}/assignments", post(assign))
}

struct MemberRow {
    username: String,
    role: String,
}

struct ConflictRow {
    entry_id: i64,
    title: String,
    full_name: String,
    reason: String,
    kind: &'static str,
}

#[derive(Template)]
#[template(path = "council.html")]
struct CouncilView {
    nav: Option<Nav>,
    csrf: String,
    contest_id: i64,
    contest_title: String,
    editable: bool,
    can_assign: bool,
    number: String,
    date: String,
    rows: Vec<MemberRow>,
    accounts: Vec<(String, String)>,
    roles: Vec<(&'static str, &'static str)>,
    members: Vec<(String, String)>,
    entries: Vec<(i64, String)>,
    conflicts: Vec<ConflictRow>,
    loads: Vec<(String, usize)>,
    assigned_pairs: usize,
    error: Option<String>,
    done: Option<String>,
}

async fn council_view(
    state: &AppState,
    user: &PageUser,
    id: i64,
    typed: Option<(String, String, Vec<MemberRow>)>,
    error: Option<String>,
    done: Option<String>,
) -> Result<CouncilView, Error> {
    let council::CouncilPage {
        contest,
        council,
        members,
        entries: list,
        conflicts: all_conflicts,
        assignments: assigned,
        accounts,
    } = council::page(state, user.account(), id).await?;
    let accounts = accounts
        .into_iter()
        .map(|a| {
            (
                a.username.clone(),
                // A person is known by name and title; the unit code is kept last to
                // tell apart two people of the same name.
                match a
                    .position
                    .as_deref()
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                {
                    Some(p) => format!("{} — {p}", a.full_name),
                    None => format!("{} ({})", a.full_name, a.unit_code),
                },
            )
        })
        .collect();
    let (number, date, mut rows) = match typed {
        Some(t) => t,
        None => (
            council
                .as_ref()
                .map(|c| c.decision_number.clone())
                .unwrap_or_default(),
            council
                .as_ref()
                .map(|c| c.decision_date.clone())
                .unwrap_or_default(),
            members
                .iter()
                .map(|m| MemberRow {
                    username: m.username.clone(),
                    role: m.role.clone(),
                })
                .collect(),
        ),
    };
    // One blank row after the members (three rows for a new council), plus any blank
    // row «Thêm dòng thành viên» added.
    let filled = rows.iter().filter(|r| !r.username.is_empty()).count();
    let blanks = rows.len() - filled + 3usize.saturating_sub(filled).max(1);
    while rows.len() < filled + blanks {
        rows.push(MemberRow {
            username: String::new(),
            role: "member".into(),
        });
    }
    let mut loads: BTreeMap<String, usize> = BTreeMap::new();
    for (_, u) in &assigned {
        *loads.entry(u.clone()).or_default() += 1;
    }
    let name_of = |u: &str| {
        members
            .iter()
            .find(|m| m.username == u)
            .map(|m| m.full_name.clone())
            .unwrap_or_else(|| u.to_string())
    };
    Ok(CouncilView {
        nav: user.nav(),
        csrf: user.session.csrf_token.clone(),
        contest_id: id,
        contest_title: contest.settings.title.clone(),
        editable: contest.state < ContestState::Judging,
        can_assign: contest.state == ContestState::Closed,
        number,
        date,
        rows,
        accounts,
        roles: sangkien_domain::judging::council::ROLES
            .iter()
            .map(|(r, l, _)| (*r, *l))
            .collect(),
        members: members
            .iter()
            .map(|m| (m.username.clone(), m.full_name.clone()))
            .collect(),
        entries: list
            .iter()
            .map(|e| (e.id, e.content.title.clone()))
            .collect(),
        conflicts: all_conflicts
            .into_iter()
            .map(|((entry_id, username), reason, declared)| ConflictRow {
                entry_id,
                title: list
                    .iter()
                    .find(|e| e.id == entry_id)
                    .map(|e| e.content.title.clone())
                    .unwrap_or_default(),
                kind: if declared {
                    "Khai báo"
                } else {
                    "Tự động"
                },
                full_name: name_of(&username),
                reason,
            })
            .collect(),
        assigned_pairs: assigned.len(),
        loads: loads.into_iter().map(|(u, n)| (name_of(&u), n)).collect(),
        error,
        done,
    })
}

/// The conflicts of interest of a contest as CSV.
async fn conflicts_csv(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    let view = match council_view(&state, &user, id, None, None, None).await {
        Ok(v) => v,
        Err(e) => return super::page_error(e),
    };
    let mut rows = vec![
        ["Mã sáng kiến", "Sáng kiến", "Thành viên", "Loại", "Lý do"]
            .map(String::from)
            .to_vec(),
    ];
    rows.extend(view.conflicts.into_iter().map(|c| {
        vec![
            c.entry_id.to_string(),
            c.title,
            c.full_name,
            c.kind.to_string(),
            c.reason,
        ]
    }));
    super::csv(&format!("xung-dot-loi-ich-{id}.csv"), rows)
}

async fn council_page(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Query(q): Query<DoneQuery>,
) -> Response {
    let done = match q.done.as_str() {
        "council" => Some("Đã lưu Hội đồng.".to_string()),
        "conflict" => Some("Đã ghi nhận xung đột lợi ích.".to_string()),
        "assigned" => Some("Đã phân công chấm.".to_string()),
        _ => None,
    };
    page(council_view(&state, &user, id, None, None, done).await)
}

/// Back to the council page after a form, or the page with the error (and what was typed).
async fn back(
    state: &AppState,
    user: &PageUser,
    id: i64,
    result: Result<&str, Error>,
    typed: Option<(String, String, Vec<MemberRow>)>,
) -> Response {
    let result = result.map(|done| format!("/contests/{id}/council?done={done}"));
    after(result, |e| {
        let message = e.field_messages().join(" ");
        council_view(state, user, id, typed, Some(message), None)
    })
    .await
}

/// The council as posted: the decision and the numbered member rows.
pub struct CouncilForm {
    csrf: String,
    number: String,
    date: String,
    rows: Vec<MemberRow>,
    /// `add`: one more member row, nothing saved.
    op: String,
}

super::form::csrf_field!(CouncilForm);

impl FromPairs for CouncilForm {
    fn from_pairs(p: &Pairs) -> Self {
        CouncilForm {
            csrf: p.get("csrf"),
            number: p.get("number"),
            date: p.get("date"),
            op: p.get("op"),
            rows: (0..40)
                .map(|i| MemberRow {
                    username: p.get(&format!("m{i}_username")),
                    role: p.get(&format!("m{i}_role")),
                })
                .filter(|r| !r.username.is_empty())
                .collect(),
        }
    }
}

async fn save_council(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Rows(mut f): Rows<CouncilForm>,
) -> Response {
    if f.op == "add" {
        f.rows.push(MemberRow {
            username: String::new(),
            role: "member".into(),
        });
        let typed = Some((f.number, f.date, f.rows));
        return page(council_view(&state, &user, id, typed, None, None).await);
    }
    let input = CouncilInput {
        decision: council::DecisionInput {
            number: f.number.clone(),
            date: f.date.clone(),
        },
        members: f
            .rows
            .iter()
            .map(|r| council::MemberInput {
                username: r.username.clone(),
                role: r.role.clone(),
            })
            .collect(),
    };
    let result = council::set(&state, user.account(), id, &input)
        .await
        .map(|_| "council");
    back(&state, &user, id, result, Some((f.number, f.date, f.rows))).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ConflictForm {
    csrf: String,
    username: String,
    entry_id: String,
    reason: String,
}

super::form::csrf_field!(ConflictForm);

async fn declare_conflict(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Posted(f): Posted<ConflictForm>,
) -> Response {
    let body = NewConflict {
        username: f.username,
        entry_id: f.entry_id.parse().unwrap_or_default(),
        reason: f.reason,
    };
    let result = judging::declare_conflict(&state, user.account(), id, &body)
        .await
        .map(|_| "conflict");
    back(&state, &user, id, result, None).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct AssignForm {
    csrf: String,
    mode: String,
    per_entry: String,
}

super::form::csrf_field!(AssignForm);

async fn assign(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Posted(f): Posted<AssignForm>,
) -> Response {
    let input = AssignInput {
        mode: f.mode,
        per_entry: f.per_entry.parse().ok(),
    };
    let result = assignment::assign(&state, user.account(), id, &input)
        .await
        .map(|_| "assigned");
    back(&state, &user, id, result, None).await
}
