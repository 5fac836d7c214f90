//! The council's meeting on the proposed awards (TT 18/2013 Điều 8): its date, the
//! members present and the votes in favour. The organizer records it in deliberation;
//! approval needs two thirds of the council's voting members in favour.

use sangkien_domain::{account::Role, contest::ContestState, judging::council as rules, time};
use sangkien_storage::{
    Conn, Store,
    account::Account,
    audit::Actor,
    judging::{self as store, Meeting, Member},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::wrong_state;
use crate::json::{ToJson, json_serialize};
use crate::{App, Error, Result, contest};

/// The meeting as recorded by the organizer.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct MeetingInput {
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub present: Vec<String>,
    #[serde(default)]
    pub votes_for: i64,
}

/// A contest's meeting (or none yet) with what the vote means for approval.
#[derive(Debug, Clone)]
pub struct MeetingView {
    pub meeting: Option<Meeting>,
    /// The council, chair first.
    pub members: Vec<Member>,
    /// Members of the council who vote (every role but the clerk).
    pub voting_members: usize,
}

impl MeetingView {
    /// The fewest votes in favour that pass.
    pub fn needed(&self) -> usize {
        rules::votes_needed(self.voting_members)
    }

    /// Whether a recorded vote reaches two thirds.
    pub fn passed(&self) -> bool {
        self.meeting.as_ref().is_some_and(|m| {
            rules::vote_passes(
                self.voting_members,
                usize::try_from(m.votes_for).unwrap_or(0),
            )
        })
    }

    /// Why the awards cannot be approved yet, if the vote is missing or short.
    pub fn approval_blocker(&self) -> Option<Error> {
        match &self.meeting {
            None => Some(Error::conflict(
                "council_vote_missing",
                "Chưa có biểu quyết của Hội đồng: Ban Tổ chức cần ghi kết quả cuộc họp Hội đồng (ngày họp, thành viên có mặt, số phiếu tán thành) trước khi phê duyệt.",
            )),
            Some(m) if !self.passed() => Some(Error::conflict(
                "council_vote_insufficient",
                format!(
                    "Danh sách khen thưởng chưa được Hội đồng thông qua: {} trên {} thành viên có quyền biểu quyết tán thành, cần ít nhất {} (hai phần ba, Thông tư 18/2013/TT-BKHCN Điều 8).",
                    m.votes_for,
                    self.voting_members,
                    self.needed()
                ),
            )),
            Some(_) => None,
        }
    }
}

impl ToJson for MeetingView {
    fn to_json(&self) -> Value {
        let base = json!({"voting_members": self.voting_members, "votes_needed": self.needed(),
                          "passed": self.passed()});
        let Some(m) = &self.meeting else {
            return json!({"meeting": null, "vote": base});
        };
        json!({
            "meeting": {
                "held_on": m.held_on,
                "present": m.present.iter().map(|p| json!({"username": p.username, "full_name": p.full_name,
                    "role": p.role, "role_label": rules::role_label(&p.role)})).collect::<Vec<_>>(),
                "votes_for": m.votes_for,
                "recorded_by": m.recorded_by,
                "recorded_at": time::rfc3339_vn(m.recorded_at),
            },
            "vote": base,
        })
    }
}

json_serialize!(MeetingView);

/// The meeting and the council's voting strength, read in the caller's transaction.
pub async fn view(conn: &mut Conn, contest_id: i64) -> Result<MeetingView> {
    let members = store::members(conn, contest_id).await?;
    let voting_members = members
        .iter()
        .filter(|m| rules::role_scores(&m.role))
        .count();
    Ok(MeetingView {
        meeting: store::meeting(conn, contest_id).await?,
        members,
        voting_members,
    })
}

/// The meeting of a contest: for the organizer, the approver and the council.
pub async fn get(app: &App, user: &Account, id: i64) -> Result<MeetingView> {
    let mut conn = app.store.reader().await?;
    contest::visible(&mut conn, user, id).await?;
    if !matches!(user.role, Role::Organizer | Role::Approver)
        && super::membership(&mut conn, id, user).await?.is_none()
    {
        return Err(Error::forbidden());
    }
    view(&mut conn, id).await
}

/// Records the council's meeting (organizers, in deliberation). Recording again
/// replaces it: a correction, kept in the audit log.
pub async fn put(
    app: &App,
    organizer: &Account,
    id: i64,
    input: &MeetingInput,
) -> Result<MeetingView> {
    if organizer.role != Role::Organizer {
        return Err(Error::forbidden());
    }
    let mut tx = app.store.begin().await?;
    let contest = contest::visible(&mut tx, organizer, id).await?;
    if contest.state != ContestState::Deliberation {
        return Err(wrong_state(
            contest.state,
            "deliberation",
            "Chỉ ghi cuộc họp Hội đồng khi đang xét giải (sau khi chấm xong, trước khi phê duyệt).",
        ));
    }
    let members = store::members(&mut tx, id).await?;
    let mut present = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut e = sangkien_domain::ValidationErrors::new();
    for (i, username) in input.present.iter().enumerate() {
        let username = username.trim();
        match members.iter().find(|m| m.username == username) {
            Some(m) if seen.insert(m.account_id) => present.push(m),
            Some(_) => {}
            None => e.add(
                format!("present[{i}]"),
                format!("«{username}» không phải thành viên Hội đồng của cuộc thi."),
            ),
        }
    }
    let voting_present = present
        .iter()
        .filter(|m| rules::role_scores(&m.role))
        .count();
    let names: Vec<String> = present.iter().map(|m| m.username.clone()).collect();
    let final_at = sangkien_storage::audit::last_transition_at(&mut tx, id, "deliberation").await?;
    let held_on = match rules::validate_meeting(
        &input.held_on,
        &names,
        voting_present,
        input.votes_for,
        final_at.map(time::date_vn),
        time::date_vn(app.now()),
    ) {
        Ok(d) if e.fields.is_empty() => d,
        Ok(_) => return Err(e.into()),
        Err(more) => {
            e.fields.extend(more.fields);
            return Err(e.into());
        }
    };
    let ids: Vec<i64> = present.iter().map(|m| m.account_id).collect();
    store::put_meeting(
        &mut tx,
        &Actor::user(&organizer.username, app.now()),
        id,
        &held_on.to_string(),
        &ids,
        input.votes_for,
    )
    .await?;
    let v = view(&mut tx, id).await?;
    Store::commit(tx).await?;
    Ok(v)
}
