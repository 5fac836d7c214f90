//! Judging (SPEC §3.4, §3.5): the council (`council`) and its meeting (`meeting`), who
//! scores what (`assignment`),
//! score sheets (`sheet`), and the ranking and progress views (`ranking`). Conflicts of
//! interest are here: computed when automatic (the member's unit is the entry's, or the
//! member is an author), stored when declared.

pub mod assignment;
pub mod council;
pub mod meeting;
pub mod ranking;
pub mod sheet;

use std::collections::{BTreeMap, HashSet};

use sangkien_domain::{
    account::Role,
    contest::ContestState,
    judging::{EntrySheets, Sheet, council as rules},
    labels::Label,
};
use sangkien_storage::{
    Conn, Store,
    account::Account,
    audit::Actor,
    contest::ContestRecord,
    entry::{self as entries, EntryRecord, EntrySummary},
    judging::{self as store, Member, SheetRecord},
};
use serde::{Deserialize, Serialize};

use crate::{App, Error, Result, contest};

/// The council member record of an account in a contest, if any.
pub async fn membership(
    conn: &mut Conn,
    contest_id: i64,
    account: &Account,
) -> Result<Option<Member>> {
    Ok(store::member(conn, contest_id, account.id).await?)
}

/// The entries that take part in judging: submitted and not screened out.
pub async fn eligible_entries(conn: &mut Conn, contest_id: i64) -> Result<Vec<EntryRecord>> {
    Ok(entries::judged(conn, contest_id).await?)
}

/// Every (entry, username) pair in conflict, with its reason: automatic (same unit,
/// author) and declared.
pub async fn conflicts(
    conn: &mut Conn,
    contest_id: i64,
    list: &[EntryRecord],
    members: &[Member],
) -> Result<BTreeMap<(i64, String), String>> {
    let mut out = BTreeMap::new();
    for e in list {
        let authors: Vec<&str> = e
            .content
            .authors
            .iter()
            .map(|a| a.full_name.as_str())
            .collect();
        for m in members {
            if let Some(reason) =
                rules::automatic_conflict(&m.unit_code, &m.full_name, &e.unit_code, &authors)
            {
                out.insert((e.id, m.username.clone()), reason.to_string());
            }
        }
    }
    for d in store::declared_conflicts(conn, contest_id).await? {
        out.entry((d.entry_id, d.username)).or_insert(d.reason);
    }
    Ok(out)
}

/// A declaration that a member is in conflict with an entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewConflict {
    pub username: String,
    pub entry_id: i64,
    pub reason: String,
}

/// A conflict of interest as listed.
#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    pub entry_id: i64,
    pub username: String,
    pub reason: String,
    /// `automatic` or `declared` (absent from the answer to a declaration).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
}

/// Declares a conflict: by an organizer for any member, or by a member for themself. The
/// member's assignment to the entry and any draft sheet go.
pub async fn declare_conflict(
    app: &App,
    caller: &Account,
    id: i64,
    body: &NewConflict,
) -> Result<Conflict> {
    let mut tx = app.store.begin().await?;
    let contest = contest::visible(&mut tx, caller, id).await?;
    let me = membership(&mut tx, id, caller).await?;
    let declaring_for_self = me.as_ref().is_some_and(|m| m.username == body.username);
    if caller.role != Role::Organizer && !declaring_for_self {
        return Err(Error::forbidden());
    }
    let mut e = sangkien_domain::ValidationErrors::new();
    let reason = sangkien_domain::text::check(&mut e, "reason", "Lý do", &body.reason, 1, 1000);
    e.into_result(())?;
    let judge = store::members(&mut tx, id)
        .await?
        .into_iter()
        .find(|m| m.username == body.username)
        .ok_or_else(|| {
            Error::field(
                "username",
                "Người này không có trong Hội đồng của cuộc thi.",
            )
        })?;
    let entry = entries::get(&mut tx, body.entry_id)
        .await?
        .filter(|e| e.contest_id == contest.id)
        .ok_or_else(|| Error::not_found("sáng kiến"))?;
    store::declare_conflict(
        &mut tx,
        &Actor::user(&caller.username, app.now()),
        id,
        entry.id,
        judge.account_id,
        &reason,
    )
    .await?;
    Store::commit(tx).await?;
    Ok(Conflict {
        entry_id: entry.id,
        username: judge.username,
        reason,
        kind: None,
    })
}

/// A member declares their own conflict on an entry (from its score sheet). Returns the
/// entry's contest with the conflict.
pub async fn declare_own_conflict(
    app: &App,
    caller: &Account,
    entry_id: i64,
    reason: &str,
) -> Result<(i64, Conflict)> {
    let contest_id = {
        let mut conn = app.store.reader().await?;
        entries::get(&mut conn, entry_id)
            .await?
            .map(|e| e.contest_id)
            .ok_or_else(|| Error::not_found("sáng kiến"))?
    };
    let body = NewConflict {
        username: caller.username.clone(),
        entry_id,
        reason: reason.to_string(),
    };
    let conflict = declare_conflict(app, caller, contest_id, &body).await?;
    Ok((contest_id, conflict))
}

/// The conflicts of a contest: all of them for organizers, a member's own for a member.
pub async fn list_conflicts(app: &App, caller: &Account, id: i64) -> Result<Vec<Conflict>> {
    let mut conn = app.store.reader().await?;
    contest::visible(&mut conn, caller, id).await?;
    let me = membership(&mut conn, id, caller).await?;
    if caller.role != Role::Organizer && me.is_none() {
        return Err(Error::forbidden());
    }
    let members = store::members(&mut conn, id).await?;
    let list = eligible_entries(&mut conn, id).await?;
    let declared: HashSet<(i64, String)> = store::declared_conflicts(&mut conn, id)
        .await?
        .into_iter()
        .map(|d| (d.entry_id, d.username))
        .collect();
    Ok(conflicts(&mut conn, id, &list, &members)
        .await?
        .into_iter()
        // A judge sees only their own conflicts.
        .filter(|((_, u), _)| {
            caller.role == Role::Organizer || me.as_ref().is_some_and(|m| &m.username == u)
        })
        .map(|((entry_id, username), reason)| {
            let kind = if declared.contains(&(entry_id, username.clone())) {
                "declared"
            } else {
                "automatic"
            };
            Conflict {
                entry_id,
                username,
                reason,
                kind: Some(kind),
            }
        })
        .collect())
}

/// What the ranking and progress views work from: the entries the caller may see (the
/// chair never sees those they are in conflict with), every sheet of them, and the
/// submitted sheets per entry.
pub struct Scores {
    pub contest: ContestRecord,
    pub entries: Vec<EntrySummary>,
    pub sheets: Vec<SheetRecord>,
    pub submitted: Vec<EntrySheets>,
    pub members: Vec<Member>,
    /// (entry, judge) of every assignment: the sheets each entry should get.
    pub assigned: Vec<(i64, String)>,
}

/// Who may see a contest's scores, and from which stage on: organizers and the chair
/// from judging, approvers (when `approver_too`) from deliberation. A refusal because of
/// the stage says so.
pub(crate) fn may_see_scores(
    caller: &Account,
    is_chair: bool,
    approver_too: bool,
    contest: &ContestRecord,
) -> Result<()> {
    let from = match caller.role {
        Role::Organizer => ContestState::Judging,
        Role::Approver if approver_too => ContestState::Deliberation,
        _ if is_chair => ContestState::Judging,
        _ => return Err(Error::forbidden()),
    };
    if contest.state < from {
        return Err(Error::wrong_state(
            contest.state.as_str(),
            from.as_str(),
            format!(
                "Cuộc thi đang ở giai đoạn «{}»: điểm chấm và xếp hạng chỉ xem được từ giai đoạn «{}».",
                contest.state.vi(),
                from.vi()
            ),
        ));
    }
    Ok(())
}

/// Loads [`Scores`] for organizers (from judging), the council chair (from judging) and,
/// with `approver_too`, approvers (from deliberation); 403 for anyone else.
pub async fn scores_for(
    conn: &mut Conn,
    caller: &Account,
    id: i64,
    approver_too: bool,
) -> Result<Scores> {
    let contest = contest::visible(conn, caller, id).await?;
    let me = membership(conn, id, caller).await?;
    let is_chair = me.as_ref().is_some_and(|m| m.role == "chair");
    may_see_scores(caller, is_chair, approver_too, &contest)?;
    let list = entries::judged_summaries(conn, id).await?;
    let members = store::members(conn, id).await?;
    let hidden: HashSet<i64> = if is_chair && caller.role != Role::Organizer {
        let full = eligible_entries(conn, id).await?;
        conflicts(conn, id, &full, &members)
            .await?
            .into_keys()
            .filter(|(_, u)| me.as_ref().is_some_and(|m| &m.username == u))
            .map(|(e, _)| e)
            .collect()
    } else {
        HashSet::new()
    };
    let entries: Vec<EntrySummary> = list
        .into_iter()
        .filter(|e| !hidden.contains(&e.id))
        .collect();
    let sheets: Vec<SheetRecord> = store::sheets(conn, id)
        .await?
        .into_iter()
        .filter(|s| !hidden.contains(&s.entry_id))
        .collect();
    let mut by_entry: BTreeMap<i64, Vec<Sheet>> = BTreeMap::new();
    for s in sheets.iter().filter(|s| s.state == "submitted") {
        by_entry.entry(s.entry_id).or_default().push(Sheet {
            judge: s.username.clone(),
            points: s.points.clone(),
        });
    }
    let submitted = entries
        .iter()
        .map(|e| EntrySheets {
            entry_id: e.id,
            sheets: by_entry.remove(&e.id).unwrap_or_default(),
        })
        .collect();
    let assigned = store::assignments(conn, id).await?;
    Ok(Scores {
        contest,
        entries,
        sheets,
        submitted,
        members,
        assigned,
    })
}

/// The error of an action the contest's state does not allow.
pub(crate) fn wrong_state(state: ContestState, needs: &str, message: &str) -> Error {
    Error::wrong_state(state.as_str(), needs, message)
}
