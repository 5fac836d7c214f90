//! The council (TT 18/2013 Điều 8): the decision that sets it up and its members with
//! their roles, set by the organizer before judging starts.

use sangkien_domain::{account::Role, contest::ContestState, judging::council as rules};
use sangkien_storage::{
    Store,
    account::{self, Account},
    audit::Actor,
    judging::{self as store, Council},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::wrong_state;
use crate::json::{ToJson, json_serialize};
use crate::{App, Error, Result, contest};

/// The decision that sets up the council.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub number: String,
    pub date: String,
}

/// A member and their council role (`chair`, `vice_chair`, `member`, `secretary`, `clerk`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    pub username: String,
    pub role: String,
}

/// A council as set up.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CouncilInput {
    pub decision: DecisionInput,
    pub members: Vec<MemberInput>,
}

/// A contest's council, or none yet; serialises as SPEC §4's council.
#[derive(Debug, Clone)]
pub struct CouncilView(pub Option<Council>);

impl ToJson for CouncilView {
    fn to_json(&self) -> Value {
        match &self.0 {
            None => json!({"decision": null, "members": []}),
            Some(c) => json!({
                "decision": {"number": c.decision_number, "date": c.decision_date},
                "members": c.members.iter().map(|m| json!({
                    "username": m.username, "full_name": m.full_name, "unit_code": m.unit_code,
                    "role": m.role, "role_label": rules::role_label(&m.role)})).collect::<Vec<_>>(),
            }),
        }
    }
}

json_serialize!(CouncilView);

/// Sets up (or replaces) a contest's council before judging.
pub async fn set(
    app: &App,
    organizer: &Account,
    id: i64,
    input: &CouncilInput,
) -> Result<CouncilView> {
    if organizer.role != Role::Organizer {
        return Err(Error::forbidden());
    }
    let pairs: Vec<(String, String)> = input
        .members
        .iter()
        .map(|m| (m.username.trim().to_string(), m.role.trim().to_string()))
        .collect();
    let (number, date) = rules::validate(&input.decision.number, &input.decision.date, &pairs)?;
    let mut tx = app.store.begin().await?;
    let contest = contest::visible(&mut tx, organizer, id).await?;
    if contest.state >= ContestState::Judging {
        return Err(wrong_state(
            contest.state,
            "draft|open|closed",
            "Chỉ thành lập hoặc thay đổi Hội đồng trước khi bắt đầu chấm điểm.",
        ));
    }
    let mut members = Vec::new();
    let mut e = sangkien_domain::ValidationErrors::new();
    for (i, (username, role)) in pairs.iter().enumerate() {
        match account::get(&mut tx, username).await? {
            Some(a) if a.active => members.push((a.id, role.clone())),
            _ => e.add(
                format!("members[{i}].username"),
                format!("Không có người dùng đang hoạt động «{username}»."),
            ),
        }
    }
    e.into_result(())?;
    store::put_council(
        &mut tx,
        &Actor::user(&organizer.username, app.now()),
        id,
        &number,
        &date,
        &members,
    )
    .await?;
    let council = store::council(&mut tx, id).await?;
    Store::commit(tx).await?;
    Ok(CouncilView(council))
}

/// The council of a contest the caller may see.
pub async fn get(app: &App, user: &Account, id: i64) -> Result<CouncilView> {
    let mut conn = app.store.reader().await?;
    contest::visible(&mut conn, user, id).await?;
    Ok(CouncilView(store::council(&mut conn, id).await?))
}

/// What the organizer's council page shows: the council, its members, the entries to
/// judge with every conflict (and which were declared), the assignments, and the active
/// accounts that may be chosen as members.
pub struct CouncilPage {
    pub contest: sangkien_storage::contest::ContestRecord,
    pub council: Option<Council>,
    pub members: Vec<sangkien_storage::judging::Member>,
    pub entries: Vec<sangkien_storage::entry::EntryRecord>,
    /// (entry, username) → (reason, declared).
    pub conflicts: Vec<((i64, String), String, bool)>,
    pub assignments: Vec<(i64, String)>,
    pub accounts: Vec<Account>,
}

/// The council page's facts (organizers).
pub async fn page(app: &App, organizer: &Account, id: i64) -> Result<CouncilPage> {
    if organizer.role != Role::Organizer {
        return Err(Error::forbidden());
    }
    let mut conn = app.store.reader().await?;
    let contest = contest::visible(&mut conn, organizer, id).await?;
    let council = store::council(&mut conn, id).await?;
    let members = store::members(&mut conn, id).await?;
    let entries = super::eligible_entries(&mut conn, id).await?;
    let declared: std::collections::HashSet<(i64, String)> =
        store::declared_conflicts(&mut conn, id)
            .await?
            .into_iter()
            .map(|d| (d.entry_id, d.username))
            .collect();
    let conflicts = super::conflicts(&mut conn, id, &entries, &members)
        .await?
        .into_iter()
        .map(|(pair, reason)| {
            let was_declared = declared.contains(&pair);
            (pair, reason, was_declared)
        })
        .collect();
    let assignments = store::assignments(&mut conn, id).await?;
    let accounts = account::list(&mut conn)
        .await?
        .into_iter()
        .filter(|a| a.active)
        .collect();
    Ok(CouncilPage {
        contest,
        council,
        members,
        entries,
        conflicts,
        assignments,
        accounts,
    })
}
