//! Score sheets: a judge's points per criterion, draft then submitted, reopened by the
//! chair; and what a judge's own sheet needs, read in one query.

use std::collections::BTreeMap;

use crate::sql::{self, Conn};
use sangkien_domain::points::Points;
use serde::Serialize;
use serde_json::json;

use super::{MEMBER_COLUMNS, Member, corrupt, member_from_row};
use crate::{
    Result,
    audit::{self, Actor, Event},
};

/// What a judge's own score sheet needs, read in one query on every save: the entry's
/// contest, the judge's place on its council, and the sheet as stored.
#[derive(Debug, Clone)]
pub struct SheetContext {
    pub contest: crate::contest::ContestRecord,
    pub member: Member,
    /// `None` before the first save.
    pub sheet: Option<SheetRecord>,
}

/// The [`SheetContext`] of a judge assigned to an entry; `None` when the entry, the
/// assignment or the council place is missing.
pub async fn assigned_context(
    conn: &mut Conn,
    entry_id: i64,
    account_id: i64,
) -> Result<Option<SheetContext>> {
    let sql = format!(
        "select {}, {MEMBER_COLUMNS}, {SHEET_COLUMNS} \
         from assignment s \
         join entry e on e.entry_id = s.entry_id join contest c on c.contest_id = e.contest_id \
         join council_member m on m.account_id = s.account_id and m.contest_id = s.contest_id \
         join account a on a.account_id = m.account_id join unit u on u.unit_id = a.unit_id \
         left join score_sheet sh on sh.entry_id = s.entry_id and sh.account_id = s.account_id \
         where s.entry_id = $1 and s.account_id = $2 and s.contest_id = e.contest_id",
        crate::contest::RECORD
    );
    let Some(r) = sql::query(&sql)
        .bind(entry_id)
        .bind(account_id)
        .fetch_optional(conn)
        .await?
    else {
        return Ok(None);
    };
    let sheet = match r.get::<Option<i64>>("sheet_entry_id")? {
        Some(_) => Some(sheet_row(&r)?),
        None => None,
    };
    Ok(Some(SheetContext {
        contest: crate::contest::record_from_row(conn.shared(), &r)?,
        member: member_from_row(&r)?,
        sheet,
    }))
}

#[derive(Debug, Clone, Serialize)]
pub struct SheetRecord {
    pub entry_id: i64,
    pub username: String,
    pub points: BTreeMap<String, Points>,
    pub comments: BTreeMap<String, String>,
    pub comment: String,
    /// `draft` or `submitted`.
    pub state: String,
    pub submitted_at: Option<i64>,
    pub updated_at: i64,
}

impl SheetRecord {
    /// The sum of the criterion points.
    pub fn total(&self) -> Points {
        Points(self.points.values().map(|p| p.0).sum())
    }
}

/// A sheet's columns, as [`sheet_row`] reads them (`sh` the sheet, `a` its judge), named
/// apart from the other tables' columns of a join.
macro_rules! sheet_columns {
    () => {
        "sh.entry_id as sheet_entry_id, a.username as sheet_username, sh.points as sheet_points, \
         sh.comments as sheet_comments, sh.comment as sheet_comment, sh.state as sheet_state, \
         sh.submitted_at as sheet_submitted_at, sh.updated_at as sheet_updated_at"
    };
}
const SHEET_COLUMNS: &str = sheet_columns!();
const SHEET: &str = concat!(
    "select ",
    sheet_columns!(),
    " from score_sheet sh join account a on a.account_id = sh.account_id"
);

/// A [`SheetRecord`] from a row with the [`SHEET_COLUMNS`].
fn sheet_row(r: &sql::Row) -> Result<SheetRecord> {
    let entry_id: i64 = r.get("sheet_entry_id")?;
    let points: String = r.get("sheet_points")?;
    let comments: String = r.get("sheet_comments")?;
    let points: BTreeMap<String, i64> = serde_json::from_str(&points)
        .map_err(|e| corrupt(format!("sheet of entry {entry_id}: {e}")))?;
    Ok(SheetRecord {
        entry_id,
        username: r.get("sheet_username")?,
        points: points.into_iter().map(|(k, v)| (k, Points(v))).collect(),
        comments: serde_json::from_str(&comments)
            .map_err(|e| corrupt(format!("sheet of entry {entry_id}: {e}")))?,
        comment: r.get("sheet_comment")?,
        state: r.get("sheet_state")?,
        submitted_at: r.get("sheet_submitted_at")?,
        updated_at: r.get("sheet_updated_at")?,
    })
}

/// Every sheet of a contest (drafts too), by entry then judge.
pub async fn sheets(conn: &mut Conn, contest_id: i64) -> Result<Vec<SheetRecord>> {
    let sql = format!("{SHEET} where sh.contest_id = $1 order by sh.entry_id, a.username");
    sql::query(&sql)
        .bind(contest_id)
        .fetch_all(conn)
        .await?
        .iter()
        .map(sheet_row)
        .collect()
}

/// One judge's sheets in a contest (drafts too), by entry.
pub async fn sheets_of_judge(
    conn: &mut Conn,
    contest_id: i64,
    account_id: i64,
) -> Result<Vec<SheetRecord>> {
    let sql =
        format!("{SHEET} where sh.contest_id = $1 and sh.account_id = $2 order by sh.entry_id");
    sql::query(&sql)
        .bind(contest_id)
        .bind(account_id)
        .fetch_all(conn)
        .await?
        .iter()
        .map(sheet_row)
        .collect()
}

/// The entries assigned to one judge, by id, each with the judge's sheet if any: two
/// queries however many entries.
pub async fn assigned_with_sheets(
    conn: &mut Conn,
    contest_id: i64,
    account_id: i64,
) -> Result<Vec<(crate::entry::EntryRecord, Option<SheetRecord>)>> {
    let entries = crate::entry::assigned_to(conn, contest_id, account_id).await?;
    let mut sheets: BTreeMap<i64, SheetRecord> = sheets_of_judge(conn, contest_id, account_id)
        .await?
        .into_iter()
        .map(|s| (s.entry_id, s))
        .collect();
    Ok(entries
        .into_iter()
        .map(|e| {
            let sheet = sheets.remove(&e.id);
            (e, sheet)
        })
        .collect())
}

/// The submitted sheets of one entry, by judge.
pub async fn submitted_sheets_of_entry(conn: &mut Conn, entry_id: i64) -> Result<Vec<SheetRecord>> {
    let sql =
        format!("{SHEET} where sh.entry_id = $1 and sh.state = 'submitted' order by a.username");
    sql::query(&sql)
        .bind(entry_id)
        .fetch_all(conn)
        .await?
        .iter()
        .map(sheet_row)
        .collect()
}

/// Saves a sheet as a draft or submits it, in one statement whether or not a draft
/// exists; returns the sheet as saved, or `None` (nothing written) when the stored
/// sheet is already submitted. The judge is the actor.
#[allow(clippy::too_many_arguments)]
pub async fn save_sheet(
    conn: &mut Conn,
    actor: &Actor,
    contest_id: i64,
    entry_id: i64,
    account_id: i64,
    points: &BTreeMap<String, Points>,
    comments: &BTreeMap<String, String>,
    comment: &str,
    submit: bool,
) -> Result<Option<SheetRecord>> {
    let points_json = json!(
        points
            .iter()
            .map(|(k, v)| (k.clone(), v.0))
            .collect::<BTreeMap<_, _>>()
    )
    .to_string();
    let comments_json = json!(comments).to_string();
    let state = if submit { "submitted" } else { "draft" };
    let submitted_at = submit.then_some(actor.at);
    let written = sql::query(
        "insert into score_sheet (entry_id, account_id, contest_id, points, comments, comment, state, submitted_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         on conflict (entry_id, account_id) do update set points = excluded.points, comments = excluded.comments, \
         comment = excluded.comment, state = excluded.state, submitted_at = excluded.submitted_at, \
         updated_at = excluded.updated_at where score_sheet.state = 'draft'",
    )
    .bind(entry_id)
    .bind(account_id)
    .bind(contest_id)
    .bind(&points_json)
    .bind(&comments_json)
    .bind(comment)
    .bind(state)
    .bind(submitted_at)
    .bind(actor.at)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if written == 0 {
        return Ok(None);
    }
    // The judging version was bumped by a trigger (migration 0012).
    if submit {
        audit::append(
            conn,
            actor,
            Event {
                action: "sheet.submit",
                object_type: "score_sheet",
                object_id: format!("{entry_id}/{account_id}"),
                contest_id: Some(contest_id),
                before: None,
                after: Some(json!({"entry_id": entry_id, "points": serde_json::from_str::<serde_json::Value>(&points_json).unwrap_or_default()})),
            },
        )
        .await?;
    }
    Ok(Some(SheetRecord {
        entry_id,
        username: actor.name(),
        points: points.clone(),
        comments: comments.clone(),
        comment: comment.to_string(),
        state: state.to_string(),
        submitted_at,
        updated_at: actor.at,
    }))
}

/// Reopens a submitted sheet (chair, with a reason; audited). False when it was not
/// submitted.
pub async fn unlock_sheet(
    conn: &mut Conn,
    actor: &Actor,
    contest_id: i64,
    entry_id: i64,
    account_id: i64,
    reason: &str,
) -> Result<bool> {
    let done = sql::query(
        "update score_sheet set state = 'draft', submitted_at = null, updated_at = $1 \
         where entry_id = $2 and account_id = $3 and state = 'submitted'",
    )
    .bind(actor.at)
    .bind(entry_id)
    .bind(account_id)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if done {
        // The judging version was bumped by a trigger (migration 0012).
        audit::append(
            conn,
            actor,
            Event {
                action: "sheet.unlock",
                object_type: "score_sheet",
                object_id: format!("{entry_id}/{account_id}"),
                contest_id: Some(contest_id),
                before: Some(json!({"state": "submitted"})),
                after: Some(json!({"state": "draft", "reason": reason})),
            },
        )
        .await?;
    }
    Ok(done)
}
