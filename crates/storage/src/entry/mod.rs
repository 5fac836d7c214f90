//! Entries: the working copy of each initiative (`entry`), read and listed, created,
//! changed, withdrawn and screened. What else an entry has is stored beside it: its
//! immutable versions (`version`), files (`attachment`), its unit's deadline extensions
//! (`extension`), the participation figures (`coverage`) and where a forwarded entry
//! comes from (`origin`).

mod attachment;
mod coverage;
mod extension;
mod origin;
mod version;

pub use attachment::*;
pub use coverage::*;
pub use extension::*;
pub use origin::*;
pub use version::*;

use crate::sql::{self, Conn};
use sangkien_domain::entry::{EntryContent, EntryStatus};
use serde::Serialize;
use serde_json::json;

use crate::{
    Result, StorageError,
    audit::{self, Actor, Event},
};

#[derive(Debug, Clone, Serialize)]
pub struct EntryRecord {
    pub id: i64,
    pub contest_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub status: EntryStatus,
    pub content: EntryContent,
    /// The number of the last version written, 0 before the first submission.
    pub version: i64,
    pub submitted_at: Option<i64>,
    pub eligible: Option<bool>,
    pub screening_reason: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// The deadline its unit was extended to in its contest (UTC seconds), if it was:
    /// read with the entry, as every change checks it.
    pub extension: Option<i64>,
}

/// The columns [`from_row`] reads, and the tables they come from.
macro_rules! entry_select {
    () => {
        "select e.entry_id, e.contest_id, u.code as unit_code, u.name as unit_name, e.status, \
         e.content, e.version, e.submitted_at, e.eligible, e.screening_reason, e.created_by, \
         e.created_at, e.updated_at, (select x.until from extension x \
         where x.contest_id = e.contest_id and x.unit_id = e.unit_id) as extension"
    };
}
macro_rules! entry_from {
    () => {
        " from entry e join unit u on u.unit_id = e.unit_id"
    };
}
const SELECT: &str = concat!(entry_select!(), entry_from!());

pub(crate) fn corrupt(what: impl std::fmt::Display) -> StorageError {
    StorageError::Corrupt(what.to_string())
}

fn from_row(r: &sql::Row) -> Result<EntryRecord> {
    let id: i64 = r.get("entry_id")?;
    let status: String = r.get("status")?;
    let content: String = r.get("content")?;
    Ok(EntryRecord {
        id,
        contest_id: r.get("contest_id")?,
        unit_code: r.get("unit_code")?,
        unit_name: r.get("unit_name")?,
        status: EntryStatus::parse(&status)
            .ok_or_else(|| corrupt(format!("entry {id} status {status}")))?,
        content: serde_json::from_str(&content)
            .map_err(|e| corrupt(format!("entry {id} content: {e}")))?,
        version: r.get("version")?,
        submitted_at: r.get("submitted_at")?,
        eligible: r.get::<Option<i64>>("eligible")?.map(crate::flag),
        screening_reason: r.get("screening_reason")?,
        created_by: r.get("created_by")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
        extension: r.get("extension")?,
    })
}

pub(crate) fn content_json(c: &EntryContent) -> String {
    serde_json::to_string(c).unwrap_or_default()
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<EntryRecord>> {
    let sql = format!("{SELECT} where e.entry_id = $1");
    sql::query(&sql)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// An entry and its contest, in one query.
pub async fn get_with_contest(
    conn: &mut Conn,
    id: i64,
) -> Result<Option<(EntryRecord, crate::contest::ContestRecord)>> {
    let sql = format!(
        "{}, {}{} join contest c on c.contest_id = e.contest_id where e.entry_id = $1",
        entry_select!(),
        crate::contest::RECORD,
        entry_from!()
    );
    let Some(r) = sql::query(&sql).bind(id).fetch_optional(&mut *conn).await? else {
        return Ok(None);
    };
    Ok(Some((
        from_row(&r)?,
        crate::contest::record_from_row(conn.shared(), &r)?,
    )))
}

/// The entries of a contest assigned to one judge, by id: one query however many.
pub async fn assigned_to(
    conn: &mut Conn,
    contest_id: i64,
    account_id: i64,
) -> Result<Vec<EntryRecord>> {
    let sql = format!(
        "{SELECT} join assignment s on s.entry_id = e.entry_id \
         where s.contest_id = $1 and s.account_id = $2 order by e.entry_id"
    );
    sql::query(&sql)
        .bind(contest_id)
        .bind(account_id)
        .fetch_all(conn)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// A line of a contest's entry list: what the list shows, without the content.
#[derive(Debug, Clone, Serialize)]
pub struct EntryLine {
    pub id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub title: String,
    pub topic_code: String,
    pub form: String,
    pub status: EntryStatus,
    pub version: i64,
    pub submitted_at: Option<i64>,
    pub eligible: Option<bool>,
    pub updated_at: i64,
}

/// Which entries of a contest a list shows; `None` lets all through.
#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    pub unit_code: Option<String>,
    pub status: Option<EntryStatus>,
    pub topic_code: Option<String>,
    /// Screened or not: `Some(None)` not yet, `Some(Some(eligible))` with that result.
    pub screened: Option<Option<bool>>,
}

impl EntryFilter {
    /// Only one unit's entries (a focal user's list).
    pub fn unit(code: &str) -> EntryFilter {
        EntryFilter {
            unit_code: Some(code.to_string()),
            ..EntryFilter::default()
        }
    }
}

/// The topic code inside the stored content, as the database reads it.
fn content_field(postgres: bool, name: &str) -> String {
    if postgres {
        format!("coalesce(cast(e.content as json) ->> '{name}', '')")
    } else {
        format!("coalesce(json_extract(e.content, '$.{name}'), '')")
    }
}

/// [`list`] as lines: the topic and form are taken out of the stored content by the
/// database, so a page of 50 entries does not carry 50 whole initiatives to be parsed.
pub async fn list_lines(
    conn: &mut Conn,
    contest_id: i64,
    filter: &EntryFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<EntryLine>, i64)> {
    let postgres = conn.is_postgres();
    let select = format!(
        "select e.entry_id, u.code as unit_code, u.name as unit_name, e.title, {} as topic_code, \
         {} as form, e.status, e.version, e.submitted_at, e.eligible, e.updated_at \
         from entry e join unit u on u.unit_id = e.unit_id",
        content_field(postgres, "topic_code"),
        content_field(postgres, "form")
    );
    page(conn, &select, contest_id, filter, limit, offset, |r| {
        let id: i64 = r.get("entry_id")?;
        let status: String = r.get("status")?;
        Ok(EntryLine {
            id,
            unit_code: r.get("unit_code")?,
            unit_name: r.get("unit_name")?,
            title: r.get("title")?,
            topic_code: r.get("topic_code")?,
            form: r.get("form")?,
            status: EntryStatus::parse(&status)
                .ok_or_else(|| corrupt(format!("entry {id} status {status}")))?,
            version: r.get("version")?,
            submitted_at: r.get("submitted_at")?,
            eligible: r.get::<Option<i64>>("eligible")?.map(crate::flag),
            updated_at: r.get("updated_at")?,
        })
    })
    .await
}

/// One page of `select` (which joins `entry e` and `unit u`) over a contest's entries
/// that `filter` lets through, ordered by unit then id; with the total count. The list
/// and its lines share the filter, the order and the count.
async fn page<T>(
    conn: &mut Conn,
    select: &str,
    contest_id: i64,
    filter: &EntryFilter,
    limit: i64,
    offset: i64,
    row: impl Fn(&sql::Row) -> Result<T>,
) -> Result<(Vec<T>, i64)> {
    let clause = list_filter(conn.is_postgres());
    let sql = format!("{select} where {clause} order by u.code, e.entry_id limit $6 offset $7");
    let items = bind_filter(sql::query(&sql), contest_id, filter)
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(row)
        .collect::<Result<Vec<_>>>()?;
    let count = format!(
        "select cast(count(*) as bigint) from entry e join unit u on u.unit_id = e.unit_id where {clause}"
    );
    let total = bind_filter(sql::query(&count), contest_id, filter)
        .fetch_scalar(conn)
        .await?;
    Ok((items, total))
}

/// The list's condition: `$1` the contest, then unit, status and topic (empty: any), and
/// screening (-1 any, 2 not yet, 1 eligible, 0 not eligible).
fn list_filter(postgres: bool) -> String {
    format!(
        "e.contest_id = $1 and ($2 = '' or u.code = $2) and ($3 = '' or e.status = $3) \
         and ($4 = '' or {} = $4) \
         and ($5 = -1 or ($5 = 2 and e.eligible is null) or e.eligible = $5)",
        content_field(postgres, "topic_code")
    )
}

fn bind_filter<'q>(q: sql::Query<'q>, contest_id: i64, f: &EntryFilter) -> sql::Query<'q> {
    let screened: i64 = match f.screened {
        None => -1,
        Some(None) => 2,
        Some(Some(true)) => 1,
        Some(Some(false)) => 0,
    };
    q.bind(contest_id)
        .bind(f.unit_code.clone().unwrap_or_default())
        .bind(f.status.map(|s| s.as_str()).unwrap_or_default())
        .bind(f.topic_code.clone().unwrap_or_default())
        .bind(screened)
}

/// A page of a contest's entries, optionally of one unit, ordered by unit then id;
/// with the total count.
pub async fn list(
    conn: &mut Conn,
    contest_id: i64,
    unit_code: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<EntryRecord>, i64)> {
    let filter = unit_code.map(EntryFilter::unit).unwrap_or_default();
    page(conn, SELECT, contest_id, &filter, limit, offset, from_row).await
}

/// A submitted entry's text for the duplicate check, with its contest's year.
#[derive(Debug, Clone)]
pub struct EntryText {
    pub id: i64,
    pub contest_id: i64,
    pub year: i64,
    pub unit_code: String,
    pub content: EntryContent,
}

/// Every submitted entry's text (the duplicate check compares with them).
pub async fn texts(conn: &mut Conn) -> Result<Vec<EntryText>> {
    sql::query(
        "select e.entry_id, e.contest_id, c.year, u.code as unit_code, e.content from entry e \
         join unit u on u.unit_id = e.unit_id join contest c on c.contest_id = e.contest_id \
         where e.status = 'submitted'",
    )
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        let id: i64 = r.get("entry_id")?;
        let content: String = r.get("content")?;
        Ok(EntryText {
            id,
            contest_id: r.get("contest_id")?,
            year: r.get("year")?,
            unit_code: r.get("unit_code")?,
            content: serde_json::from_str(&content)
                .map_err(|e| corrupt(format!("entry {id} content: {e}")))?,
        })
    })
    .collect()
}

/// A unit as a new entry of a contest needs it: which row, its name, and its deadline
/// extension in that contest.
#[derive(Debug, Clone)]
pub struct EntryUnit {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub extension: Option<i64>,
}

/// The unit with this code and its extension in the contest, in one query.
pub async fn entry_unit(conn: &mut Conn, contest_id: i64, code: &str) -> Result<Option<EntryUnit>> {
    sql::query(
        "select u.unit_id, u.name, (select x.until from extension x \
         where x.contest_id = $1 and x.unit_id = u.unit_id) as extension from unit u where u.code = $2",
    )
    .bind(contest_id)
    .bind(code)
    .fetch_optional(conn)
    .await?
    .map(|r| {
        Ok(EntryUnit {
            id: r.get("unit_id")?,
            code: code.to_string(),
            name: r.get("name")?,
            extension: r.get("extension")?,
        })
    })
    .transpose()
}

/// Creates a draft entry for a unit (read by [`entry_unit`] for the same contest).
pub async fn create(
    conn: &mut Conn,
    actor: &Actor,
    contest_id: i64,
    unit: &EntryUnit,
    content: &EntryContent,
) -> Result<EntryRecord> {
    let by = actor.name();
    let id: i64 = sql::query(
        "insert into entry (contest_id, unit_id, status, title, content, version, created_by, created_at, updated_at) \
         values ($1, $2, 'draft', $3, $4, 0, $5, $6, $6) returning entry_id",
    )
    .bind(contest_id)
    .bind(unit.id)
    .bind(&content.title)
    .bind(content_json(content))
    .bind(&by)
    .bind(actor.at)
    .fetch_scalar(&mut *conn)
    .await?;
    audit::append(
        conn,
        actor,
        Event {
            action: "entry.create",
            object_type: "entry",
            object_id: id.to_string(),
            contest_id: Some(contest_id),
            before: None,
            after: Some(json!({"unit_code": unit.code, "title": content.title})),
        },
    )
    .await?;
    Ok(EntryRecord {
        id,
        contest_id,
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        status: EntryStatus::Draft,
        content: content.clone(),
        version: 0,
        submitted_at: None,
        eligible: None,
        screening_reason: None,
        created_by: by,
        created_at: actor.at,
        updated_at: actor.at,
        extension: unit.extension,
    })
}

/// Replaces the working copy of an entry.
pub async fn update_content(
    conn: &mut Conn,
    actor: &Actor,
    entry: &EntryRecord,
    content: &EntryContent,
) -> Result<()> {
    sql::query("update entry set title = $1, content = $2, updated_at = $3 where entry_id = $4")
        .bind(&content.title)
        .bind(content_json(content))
        .bind(actor.at)
        .bind(entry.id)
        .execute(&mut *conn)
        .await?;
    audit::append(
        conn,
        actor,
        Event {
            action: "entry.update",
            object_type: "entry",
            object_id: entry.id.to_string(),
            contest_id: Some(entry.contest_id),
            before: Some(json!({"title": entry.content.title})),
            after: Some(json!({"title": content.title})),
        },
    )
    .await?;
    Ok(())
}

/// Sets the status of an entry (withdrawal).
pub async fn set_status(
    conn: &mut Conn,
    actor: &Actor,
    entry: &EntryRecord,
    to: EntryStatus,
) -> Result<()> {
    sql::query("update entry set status = $1, updated_at = $2 where entry_id = $3")
        .bind(to.as_str())
        .bind(actor.at)
        .bind(entry.id)
        .execute(&mut *conn)
        .await?;
    audit::append(
        conn,
        actor,
        Event {
            action: "entry.status",
            object_type: "entry",
            object_id: entry.id.to_string(),
            contest_id: Some(entry.contest_id),
            before: Some(json!({"status": entry.status.as_str()})),
            after: Some(json!({"status": to.as_str()})),
        },
    )
    .await?;
    Ok(())
}

/// Records a screening decision.
pub async fn screen(
    conn: &mut Conn,
    actor: &Actor,
    entry: &EntryRecord,
    eligible: bool,
    reason: &str,
) -> Result<()> {
    sql::query(
        "update entry set eligible = $1, screening_reason = $2, updated_at = $3 where entry_id = $4",
    )
    .bind(i64::from(eligible))
    .bind(reason)
    .bind(actor.at)
    .bind(entry.id)
    .execute(&mut *conn)
    .await?;
    audit::append(
        conn,
        actor,
        Event {
            action: "entry.screen",
            object_type: "entry",
            object_id: entry.id.to_string(),
            contest_id: Some(entry.contest_id),
            before: Some(json!({"eligible": entry.eligible, "reason": entry.screening_reason})),
            after: Some(json!({"eligible": eligible, "reason": reason})),
        },
    )
    .await?;
    Ok(())
}

/// What lists and rankings need of an entry, without its content document.
#[derive(Debug, Clone, Serialize)]
pub struct EntrySummary {
    pub id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub title: String,
}

/// The rule for the entries that take part in judging: submitted and not screened out.
const JUDGED: &str = "e.status = 'submitted' and (e.eligible is null or e.eligible = 1)";

/// The entries of a contest that take part in judging, with their content.
pub async fn judged(conn: &mut Conn, contest_id: i64) -> Result<Vec<EntryRecord>> {
    let sql = format!("{SELECT} where e.contest_id = $1 and {JUDGED} order by u.code, e.entry_id");
    sql::query(&sql)
        .bind(contest_id)
        .fetch_all(conn)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// The entries of a contest that take part in judging, without their content: one
/// query however many there are.
pub async fn judged_summaries(conn: &mut Conn, contest_id: i64) -> Result<Vec<EntrySummary>> {
    let sql = format!(
        "select e.entry_id, u.code as unit_code, u.name as unit_name, e.title from entry e \
         join unit u on u.unit_id = e.unit_id \
         where e.contest_id = $1 and {JUDGED} order by u.code, e.entry_id"
    );
    sql::query(&sql)
        .bind(contest_id)
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| {
            Ok(EntrySummary {
                id: r.get("entry_id")?,
                unit_code: r.get("unit_code")?,
                unit_name: r.get("unit_name")?,
                title: r.get("title")?,
            })
        })
        .collect()
}
