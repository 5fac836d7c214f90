//! Who scores which entry: every scoring member on every entry (`all`), or a number per
//! entry spread evenly (`balanced`, by max-flow in the domain); never a member in
//! conflict. Judging cannot start while an eligible entry has no judge.

use std::collections::{BTreeMap, HashSet};

use sangkien_domain::{
    account::Role,
    contest::ContestState,
    judging::{
        assign::{self, AssignError, Instance},
        council as rules,
    },
};
use sangkien_storage::{
    Conn, Store,
    account::Account,
    audit::Actor,
    contest::ContestRecord,
    entry as entries,
    judging::{self as store, Member, SheetRecord},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{conflicts, eligible_entries, membership, wrong_state};
use crate::json::{ToJson, json_serialize};
use crate::{App, Error, Result, contest, require};

/// How to assign: `all`, or `balanced` with a number of judges per entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignInput {
    pub mode: String,
    #[serde(default)]
    pub per_entry: Option<usize>,
}

/// The (entry, judge) pairs, with each judge's load.
#[derive(Debug, Clone)]
pub struct Assignments(pub Vec<(i64, String)>);

impl Assignments {
    /// Entries per judge, by username.
    pub fn loads(&self) -> BTreeMap<&str, usize> {
        let mut loads: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, j) in &self.0 {
            *loads.entry(j.as_str()).or_default() += 1;
        }
        loads
    }
}

impl ToJson for Assignments {
    fn to_json(&self) -> Value {
        json!({"assignments": self.0.iter().map(|(e, j)| json!({"entry_id": e, "username": j})).collect::<Vec<_>>(),
               "loads": self.loads()})
    }
}

json_serialize!(Assignments);

/// Assigns the council's scoring members to the eligible entries, replacing any earlier
/// assignment, once submissions are closed.
pub async fn assign(
    app: &App,
    organizer: &Account,
    id: i64,
    input: &AssignInput,
) -> Result<Assignments> {
    if organizer.role != Role::Organizer {
        return Err(Error::forbidden());
    }
    let mut tx = app.store.begin().await?;
    let contest = contest::visible(&mut tx, organizer, id).await?;
    if contest.state != ContestState::Closed {
        return Err(wrong_state(
            contest.state,
            "closed",
            "Phân công chấm khi đã hết hạn nộp bài và trước khi bắt đầu chấm (trạng thái closed).",
        ));
    }
    let members = store::members(&mut tx, id).await?;
    let judges: Vec<&Member> = members
        .iter()
        .filter(|m| rules::role_scores(&m.role))
        .collect();
    if judges.is_empty() {
        return Err(Error::conflict(
            "no_council",
            "Chưa có Hội đồng (hoặc Hội đồng chưa có thành viên chấm điểm).",
        ));
    }
    let list = eligible_entries(&mut tx, id).await?;
    let conflict_pairs: HashSet<(i64, String)> = conflicts(&mut tx, id, &list, &members)
        .await?
        .into_keys()
        .collect();
    let entry_ids: Vec<i64> = list.iter().map(|e| e.id).collect();
    let names: Vec<String> = judges.iter().map(|m| m.username.clone()).collect();
    let inst = Instance {
        entries: &entry_ids,
        judges: &names,
        conflicts: &conflict_pairs,
    };
    let result = match input.mode.as_str() {
        "all" => assign::all(&inst, 1),
        "balanced" => match input.per_entry {
            Some(k) if k >= 1 && k <= names.len() => assign::balanced(&inst, k),
            _ => {
                return Err(Error::field(
                    "per_entry",
                    format!("Số người chấm mỗi sáng kiến phải từ 1 đến {}.", names.len()),
                ));
            }
        },
        _ => {
            return Err(Error::field(
                "mode",
                "Cách phân công phải là all hoặc balanced.",
            ));
        }
    };
    let pairs = match result {
        Ok(p) => p,
        Err(AssignError::Infeasible(short)) => {
            return Err(Error::conflict(
                "assignment_infeasible",
                format!(
                    "Không phân công được: {} sáng kiến không đủ thành viên Hội đồng không xung đột lợi ích.",
                    short.len()
                ),
            )
            .with_details(json!({"entries": short.iter().map(|s| json!({
                "entry_id": s.entry_id, "available": s.available, "needed": s.needed})).collect::<Vec<_>>()})));
        }
    };
    let by_name: BTreeMap<&str, i64> = judges
        .iter()
        .map(|m| (m.username.as_str(), m.account_id))
        .collect();
    let rows: Vec<(i64, i64)> = pairs
        .iter()
        .filter_map(|(e, j)| by_name.get(j.as_str()).map(|a| (*e, *a)))
        .collect();
    store::replace_assignments(
        &mut tx,
        &Actor::user(&organizer.username, app.now()),
        id,
        &input.mode,
        &rows,
    )
    .await?;
    Store::commit(tx).await?;
    Ok(Assignments(pairs))
}

/// The assignments of a contest (organizers).
pub async fn list(app: &App, organizer: &Account, id: i64) -> Result<Assignments> {
    require(organizer, &[Role::Organizer])?;
    let mut conn = app.store.reader().await?;
    contest::visible(&mut conn, organizer, id).await?;
    Ok(Assignments(store::assignments(&mut conn, id).await?))
}

/// Before judging starts: every eligible entry has at least one judge assigned.
pub async fn check_ready_for_judging(conn: &mut Conn, contest: &ContestRecord) -> Result<()> {
    let list = entries::judged_summaries(conn, contest.id).await?;
    let assigned: HashSet<i64> = store::assignments(conn, contest.id)
        .await?
        .into_iter()
        .map(|(e, _)| e)
        .collect();
    let missing: Vec<i64> = list
        .iter()
        .map(|e| e.id)
        .filter(|e| !assigned.contains(e))
        .collect();
    if list.is_empty() || !missing.is_empty() {
        return Err(Error::conflict(
            "entries_without_judges",
            if list.is_empty() {
                "Không có sáng kiến hợp lệ nào để chấm.".to_string()
            } else {
                format!(
                    "Chưa thể bắt đầu chấm: {} sáng kiến chưa được phân công người chấm (số {}).",
                    missing.len(),
                    missing
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
        )
        .with_details(json!({"entry_ids": missing})));
    }
    Ok(())
}

/// An entry assigned to the caller, with their sheet (if any).
#[derive(Debug, Clone)]
pub struct Assigned {
    pub entry: sangkien_storage::entry::EntryRecord,
    pub sheet: Option<SheetRecord>,
}

/// What a council member sees of their work in a contest.
#[derive(Debug, Clone)]
pub struct MyAssignments {
    pub contest: ContestRecord,
    pub member: Member,
    /// Empty before judging starts.
    pub items: Vec<Assigned>,
}

impl ToJson for MyAssignments {
    fn to_json(&self) -> Value {
        let items: Vec<serde_json::Value> = self
            .items
            .iter()
            .map(|a| {
                let e = &a.entry;
                let mut v = json!({"entry_id": e.id, "title": e.content.title, "topic_code": e.content.topic_code,
                                   "sheet": super::sheet::sheet_json(a.sheet.as_ref())});
                if self.contest.settings.judges_see_unit_names {
                    v["unit_code"] = json!(e.unit_code);
                    v["unit_name"] = json!(e.unit_name);
                }
                v
            })
            .collect();
        json!({"items": items})
    }
}

json_serialize!(MyAssignments);

/// The entries assigned to the caller, with their sheets (council members).
pub async fn mine(app: &App, user: &Account, id: i64) -> Result<MyAssignments> {
    let mut conn = app.store.reader().await?;
    let contest = contest::visible(&mut conn, user, id).await?;
    let member = membership(&mut conn, id, user)
        .await?
        .ok_or_else(Error::forbidden)?;
    let items = if contest.state < ContestState::Judging {
        Vec::new()
    } else {
        store::assigned_with_sheets(&mut conn, id, user.id)
            .await?
            .into_iter()
            .map(|(entry, sheet)| Assigned { entry, sheet })
            .collect()
    };
    Ok(MyAssignments {
        contest,
        member,
        items,
    })
}
