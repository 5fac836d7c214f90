//! Entries, their immutable versions, attachments, per-unit extensions and screening.
//! The working copy lives in `entry`; every submission (and every change after the
//! first one) writes a new `entry_version` row that is never updated afterwards.

use std::collections::HashSet;

use crate::sql::{self, Conn};
use sangkien_domain::entry::{EntryContent, EntryStatus};
use serde::Serialize;
use serde_json::json;

use crate::{
    Result, StorageError,
    audit::{self, Actor, Event},
    unit,
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

#[derive(Debug, Clone, Serialize)]
pub struct AttachmentRecord {
    pub id: i64,
    pub entry_id: i64,
    pub kind: String,
    pub filename: String,
    pub size: i64,
    pub sha256: String,
    pub content_type: String,
    pub created_by: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct VersionRecord {
    pub version: i64,
    pub content: EntryContent,
    pub attachments: serde_json::Value,
    pub submitted_at: i64,
    pub submitted_by: String,
}

/// The columns [`from_row`] reads, and the tables they come from.
macro_rules! entry_select {
    () => {
        "select e.entry_id, e.contest_id, u.code, u.name, e.status, e.content, e.version, \
         e.submitted_at, e.eligible, e.screening_reason, e.created_by, e.created_at, e.updated_at, \
         (select x.until from extension x where x.contest_id = e.contest_id and x.unit_id = e.unit_id)"
    };
}
macro_rules! entry_from {
    () => {
        " from entry e join unit u on u.unit_id = e.unit_id"
    };
}
const SELECT: &str = concat!(entry_select!(), entry_from!());
/// How many columns [`from_row`] reads.
const COLUMNS: usize = 14;

fn corrupt(what: impl std::fmt::Display) -> StorageError {
    StorageError::Corrupt(what.to_string())
}

fn from_row(r: &sql::Row) -> Result<EntryRecord> {
    let id: i64 = r.try_get(0)?;
    let status: String = r.try_get(4)?;
    let content: String = r.try_get(5)?;
    Ok(EntryRecord {
        id,
        contest_id: r.try_get(1)?,
        unit_code: r.try_get(2)?,
        unit_name: r.try_get(3)?,
        status: EntryStatus::parse(&status)
            .ok_or_else(|| corrupt(format!("entry {id} status {status}")))?,
        content: serde_json::from_str(&content)
            .map_err(|e| corrupt(format!("entry {id} content: {e}")))?,
        version: r.try_get(6)?,
        submitted_at: r.try_get(7)?,
        eligible: r.try_get::<Option<i64>, _>(8)?.map(crate::flag),
        screening_reason: r.try_get(9)?,
        created_by: r.try_get(10)?,
        created_at: r.try_get(11)?,
        updated_at: r.try_get(12)?,
        extension: r.try_get(13)?,
    })
}

fn content_json(c: &EntryContent) -> String {
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
    let Some(r) = sql::query(&sql).bind(id).fetch_optional(conn).await? else {
        return Ok(None);
    };
    Ok(Some((
        from_row(&r)?,
        crate::contest::record_from_row(&r, COLUMNS)?,
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

/// [`list`] as lines: the topic and form are taken out of the stored content by the
/// database, so a page of 50 entries does not carry 50 whole initiatives to be parsed.
pub async fn list_lines(
    conn: &mut Conn,
    contest_id: i64,
    unit_code: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<EntryLine>, i64)> {
    let postgres = conn.is_postgres();
    let field = |name: &str| {
        if postgres {
            format!("coalesce(cast(e.content as json) ->> '{name}', '')")
        } else {
            format!("coalesce(json_extract(e.content, '$.{name}'), '')")
        }
    };
    let select = format!(
        "select e.entry_id, u.code, u.name, e.title, {}, {}, e.status, e.version, e.submitted_at, \
         e.eligible, e.updated_at from entry e join unit u on u.unit_id = e.unit_id",
        field("topic_code"),
        field("form")
    );
    page(conn, &select, contest_id, unit_code, limit, offset, |r| {
        let id: i64 = r.try_get(0)?;
        let status: String = r.try_get(6)?;
        Ok(EntryLine {
            id,
            unit_code: r.try_get(1)?,
            unit_name: r.try_get(2)?,
            title: r.try_get(3)?,
            topic_code: r.try_get(4)?,
            form: r.try_get(5)?,
            status: EntryStatus::parse(&status)
                .ok_or_else(|| corrupt(format!("entry {id} status {status}")))?,
            version: r.try_get(7)?,
            submitted_at: r.try_get(8)?,
            eligible: r.try_get::<Option<i64>, _>(9)?.map(crate::flag),
            updated_at: r.try_get(10)?,
        })
    })
    .await
}

/// One page of `select` (which joins `entry e` and `unit u`) over a contest's entries,
/// optionally of one unit, ordered by unit then id; with the total count. The list and
/// its lines share the filter, the order and the count.
async fn page<T>(
    conn: &mut Conn,
    select: &str,
    contest_id: i64,
    unit_code: Option<&str>,
    limit: i64,
    offset: i64,
    row: impl Fn(&sql::Row) -> Result<T>,
) -> Result<(Vec<T>, i64)> {
    let unit = unit_code.unwrap_or("");
    let sql =
        format!("{select} where {LIST_FILTER} order by u.code, e.entry_id limit $3 offset $4");
    let items = sql::query(&sql)
        .bind(contest_id)
        .bind(unit)
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(row)
        .collect::<Result<Vec<_>>>()?;
    let total = count(conn, contest_id, unit).await?;
    Ok((items, total))
}

const LIST_FILTER: &str = "e.contest_id = $1 and ($2 = '' or u.code = $2)";

async fn count(conn: &mut Conn, contest_id: i64, unit: &str) -> Result<i64> {
    sql::query(&format!(
        "select cast(count(*) as bigint) from entry e join unit u on u.unit_id = e.unit_id where {LIST_FILTER}"
    ))
    .bind(contest_id)
    .bind(unit)
    .fetch_one(conn)
    .await?
    .try_get(0)
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
    page(conn, SELECT, contest_id, unit_code, limit, offset, from_row).await
}

/// The id, contest and content of every entry of the given statuses, for the
/// duplicate check.
pub async fn texts(conn: &mut Conn) -> Result<Vec<(i64, i64, String, EntryContent)>> {
    sql::query(
        "select e.entry_id, e.contest_id, u.code, e.content from entry e join unit u on u.unit_id = e.unit_id \
         where e.status = 'submitted'",
    )
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        let id: i64 = r.try_get(0)?;
        let content: String = r.try_get(3)?;
        Ok((
            id,
            r.try_get(1)?,
            r.try_get(2)?,
            serde_json::from_str(&content)
                .map_err(|e| corrupt(format!("entry {id} content: {e}")))?,
        ))
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
         where x.contest_id = $1 and x.unit_id = u.unit_id) from unit u where u.code = $2",
    )
    .bind(contest_id)
    .bind(code)
    .fetch_optional(conn)
    .await?
    .map(|r| {
        Ok(EntryUnit {
            id: r.try_get(0)?,
            code: code.to_string(),
            name: r.try_get(1)?,
            extension: r.try_get(2)?,
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
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
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

/// Writes the next immutable version of an entry from its current working copy and
/// attachments, and marks it submitted. Returns the new version number.
pub async fn write_version(conn: &mut Conn, actor: &Actor, entry_id: i64) -> Result<i64> {
    let entry = get(conn, entry_id)
        .await?
        .ok_or_else(|| corrupt(format!("entry {entry_id} vanished")))?;
    let attachments = list_attachments(conn, entry_id).await?;
    Ok(write_version_of(conn, actor, &entry, &attachments)
        .await?
        .version)
}

/// [`write_version`] for a caller that has just read, in its transaction, the entry's
/// working copy and current attachments; returns the entry as it now is.
pub async fn write_version_of(
    conn: &mut Conn,
    actor: &Actor,
    entry: &EntryRecord,
    attachments: &[AttachmentRecord],
) -> Result<EntryRecord> {
    let attachments: Vec<serde_json::Value> = attachments
        .iter()
        .map(|a| {
            json!({"id": a.id, "kind": a.kind, "filename": a.filename, "size": a.size,
                   "sha256": a.sha256, "content_type": a.content_type})
        })
        .collect();
    let version = entry.version + 1;
    let by = actor.name();
    sql::query(
        "insert into entry_version (entry_id, version, content, attachments, submitted_at, submitted_by) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(entry.id)
    .bind(version)
    .bind(content_json(&entry.content))
    .bind(serde_json::Value::Array(attachments.clone()).to_string())
    .bind(actor.at)
    .bind(&by)
    .execute(&mut *conn)
    .await?;
    sql::query(
        "update entry set status = 'submitted', version = $1, submitted_at = $2, updated_at = $2 where entry_id = $3",
    )
    .bind(version)
    .bind(actor.at)
    .bind(entry.id)
    .execute(&mut *conn)
    .await?;
    audit::append(
        conn,
        actor,
        Event {
            action: "entry.submit",
            object_type: "entry",
            object_id: entry.id.to_string(),
            contest_id: Some(entry.contest_id),
            before: Some(json!({"status": entry.status.as_str(), "version": entry.version})),
            after: Some(json!({"status": "submitted", "version": version,
                               "attachments": attachments.iter().map(|a| a["sha256"].clone()).collect::<Vec<_>>()})),
        },
    )
    .await?;
    Ok(EntryRecord {
        status: EntryStatus::Submitted,
        version,
        submitted_at: Some(actor.at),
        updated_at: actor.at,
        ..entry.clone()
    })
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

pub async fn versions(conn: &mut Conn, entry_id: i64) -> Result<Vec<VersionRecord>> {
    sql::query(
        "select version, content, attachments, submitted_at, submitted_by from entry_version \
         where entry_id = $1 order by version",
    )
    .bind(entry_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        let content: String = r.try_get(1)?;
        let attachments: String = r.try_get(2)?;
        Ok(VersionRecord {
            version: r.try_get(0)?,
            content: serde_json::from_str(&content)
                .map_err(|e| corrupt(format!("entry {entry_id} version content: {e}")))?,
            attachments: serde_json::from_str(&attachments)
                .map_err(|e| corrupt(format!("entry {entry_id} version attachments: {e}")))?,
            submitted_at: r.try_get(3)?,
            submitted_by: r.try_get(4)?,
        })
    })
    .collect()
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

const ATTACHMENT: &str = "select attachment_id, entry_id, kind, filename, size, sha256, content_type, created_by, created_at \
                          from attachment";

fn attachment_row(r: &sql::Row) -> Result<AttachmentRecord> {
    Ok(AttachmentRecord {
        id: r.try_get(0)?,
        entry_id: r.try_get(1)?,
        kind: r.try_get(2)?,
        filename: r.try_get(3)?,
        size: r.try_get(4)?,
        sha256: r.try_get(5)?,
        content_type: r.try_get(6)?,
        created_by: r.try_get(7)?,
        created_at: r.try_get(8)?,
    })
}

/// The current attachments of an entry (main first).
pub async fn list_attachments(conn: &mut Conn, entry_id: i64) -> Result<Vec<AttachmentRecord>> {
    let sql = format!(
        "{ATTACHMENT} where entry_id = $1 and detached_at is null order by case when kind = 'main' then 0 else 1 end, attachment_id"
    );
    sql::query(&sql)
        .bind(entry_id)
        .fetch_all(conn)
        .await?
        .iter()
        .map(attachment_row)
        .collect()
}

/// An attachment of an entry, current or kept by an earlier version.
pub async fn get_attachment(
    conn: &mut Conn,
    entry_id: i64,
    attachment_id: i64,
) -> Result<Option<AttachmentRecord>> {
    let sql = format!("{ATTACHMENT} where entry_id = $1 and attachment_id = $2");
    sql::query(&sql)
        .bind(entry_id)
        .bind(attachment_id)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(attachment_row)
        .transpose()
}

/// A new attachment. A new `main` file replaces the current one, which stays only in
/// the versions that had it.
pub async fn add_attachment(
    conn: &mut Conn,
    actor: &Actor,
    entry: &EntryRecord,
    a: &NewAttachment<'_>,
) -> Result<AttachmentRecord> {
    if a.kind == "main" {
        sql::query(
            "update attachment set detached_at = $1 where entry_id = $2 and kind = 'main' and detached_at is null",
        )
        .bind(actor.at)
        .bind(entry.id)
        .execute(&mut *conn)
        .await?;
    }
    let by = actor.name();
    let id: i64 = sql::query(
        "insert into attachment (entry_id, kind, filename, size, sha256, content_type, created_by, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning attachment_id",
    )
    .bind(entry.id)
    .bind(a.kind)
    .bind(a.filename)
    .bind(a.size)
    .bind(a.sha256)
    .bind(a.content_type)
    .bind(&by)
    .bind(actor.at)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    audit::append(
        conn,
        actor,
        Event {
            action: "attachment.add",
            object_type: "attachment",
            object_id: id.to_string(),
            contest_id: Some(entry.contest_id),
            before: None,
            after: Some(
                json!({"entry_id": entry.id, "kind": a.kind, "filename": a.filename,
                               "size": a.size, "sha256": a.sha256}),
            ),
        },
    )
    .await?;
    Ok(AttachmentRecord {
        id,
        entry_id: entry.id,
        kind: a.kind.to_string(),
        filename: a.filename.to_string(),
        size: a.size,
        sha256: a.sha256.to_string(),
        content_type: a.content_type.to_string(),
        created_by: by,
        created_at: actor.at,
    })
}

pub struct NewAttachment<'a> {
    pub kind: &'a str,
    pub filename: &'a str,
    pub size: i64,
    pub sha256: &'a str,
    pub content_type: &'a str,
}

/// Deletes an attachment of a never-submitted draft. Its file stays until a sweep
/// finds that nothing refers to it.
pub async fn delete_attachment(
    conn: &mut Conn,
    actor: &Actor,
    entry: &EntryRecord,
    a: &AttachmentRecord,
) -> Result<()> {
    sql::query("delete from attachment where attachment_id = $1")
        .bind(a.id)
        .execute(&mut *conn)
        .await?;
    audit::append(
        conn,
        actor,
        Event {
            action: "attachment.delete",
            object_type: "attachment",
            object_id: a.id.to_string(),
            contest_id: Some(entry.contest_id),
            before: Some(json!({"entry_id": entry.id, "filename": a.filename, "sha256": a.sha256})),
            after: None,
        },
    )
    .await?;
    Ok(())
}

/// Bytes taken by the current attachments of an entry.
pub async fn attachment_bytes(conn: &mut Conn, entry_id: i64) -> Result<i64> {
    sql::query(
        "select cast(coalesce(sum(size), 0) as bigint) from attachment where entry_id = $1 and detached_at is null",
    )
    .bind(entry_id)
    .fetch_one(conn)
    .await?
    .try_get(0)
}

/// Every SHA-256 any row refers to — attachments and adoption evidence (for the sweep
/// of orphaned files).
pub async fn all_sha256(conn: &mut Conn) -> Result<HashSet<String>> {
    sql::query(
        "select sha256 from attachment union \
         select evidence_sha256 from adoption where evidence_sha256 is not null",
    )
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| r.try_get::<String, _>(0))
    .collect()
}

/// Every attachment row: id, entry and SHA-256 (for integrity checks).
pub async fn all_attachments(conn: &mut Conn) -> Result<Vec<(i64, i64, String)>> {
    sql::query("select attachment_id, entry_id, sha256 from attachment order by attachment_id")
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect()
}

/// A unit's extension of a contest deadline.
#[derive(Debug, Clone, Serialize)]
pub struct Extension {
    pub unit_code: String,
    pub until: i64,
    pub reason: String,
    pub granted_by: String,
    pub granted_at: i64,
}

pub async fn extensions(conn: &mut Conn, contest_id: i64) -> Result<Vec<Extension>> {
    sql::query(
        "select u.code, x.until, x.reason, x.granted_by, x.granted_at from extension x \
         join unit u on u.unit_id = x.unit_id where x.contest_id = $1 order by u.code",
    )
    .bind(contest_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        Ok(Extension {
            unit_code: r.try_get(0)?,
            until: r.try_get(1)?,
            reason: r.try_get(2)?,
            granted_by: r.try_get(3)?,
            granted_at: r.try_get(4)?,
        })
    })
    .collect()
}

async fn extension_until(conn: &mut Conn, contest_id: i64, unit_code: &str) -> Result<Option<i64>> {
    sql::query(
        "select x.until from extension x join unit u on u.unit_id = x.unit_id \
         where x.contest_id = $1 and u.code = $2",
    )
    .bind(contest_id)
    .bind(unit_code)
    .fetch_optional(conn)
    .await?
    .map(|r| r.try_get(0))
    .transpose()
}

/// Grants (or replaces) a unit's extension.
pub async fn put_extension(
    conn: &mut Conn,
    actor: &Actor,
    contest_id: i64,
    unit_code: &str,
    until: i64,
    reason: &str,
) -> Result<()> {
    let unit_id = unit::id_of(conn, unit_code)
        .await?
        .ok_or_else(|| corrupt(format!("unit {unit_code} vanished")))?;
    let before = extension_until(conn, contest_id, unit_code).await?;
    sql::query("delete from extension where contest_id = $1 and unit_id = $2")
        .bind(contest_id)
        .bind(unit_id)
        .execute(&mut *conn)
        .await?;
    let by = actor.name();
    sql::query(
        "insert into extension (contest_id, unit_id, until, reason, granted_by, granted_at) values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(contest_id)
    .bind(unit_id)
    .bind(until)
    .bind(reason)
    .bind(&by)
    .bind(actor.at)
    .execute(&mut *conn)
    .await?;
    audit::append(
        conn,
        actor,
        Event {
            action: "contest.extension",
            object_type: "extension",
            object_id: format!("{contest_id}/{unit_code}"),
            contest_id: Some(contest_id),
            before: before.map(|u| json!({"until": u})),
            after: Some(json!({"unit_code": unit_code, "until": until, "reason": reason})),
        },
    )
    .await?;
    Ok(())
}

/// One line of the coverage view.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageRow {
    pub unit_code: String,
    pub unit_name: String,
    pub submitted: i64,
    pub drafts: i64,
    pub last_reminded_at: Option<i64>,
}

/// Submitted entries and drafts of every participating unit, with the last reminder, in
/// Vietnamese alphabetical order of unit name.
pub async fn coverage(conn: &mut Conn, contest_id: i64) -> Result<Vec<CoverageRow>> {
    let mut rows: Vec<CoverageRow> = sql::query(
        "select u.code, u.name, \
           cast(coalesce(sum(case when e.status = 'submitted' then 1 else 0 end), 0) as bigint), \
           cast(coalesce(sum(case when e.status = 'draft' then 1 else 0 end), 0) as bigint) \
         from contest_participant p join unit u on u.unit_id = p.unit_id \
         left join entry e on e.contest_id = p.contest_id and e.unit_id = p.unit_id \
         where p.contest_id = $1 group by u.code, u.name order by u.code",
    )
    .bind(contest_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(CoverageRow {
            unit_code: r.try_get(0)?,
            unit_name: r.try_get(1)?,
            submitted: r.try_get(2)?,
            drafts: r.try_get(3)?,
            last_reminded_at: None,
        })
    })
    .collect::<Result<_>>()?;
    let reminded: Vec<(String, i64)> = sql::query(
        "select u.code, max(m.created_at) from message m join unit u on u.unit_id = m.unit_id \
         where m.contest_id = $1 and m.kind = 'reminder' group by u.code",
    )
    .bind(contest_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
    .collect::<Result<_>>()?;
    for row in &mut rows {
        row.last_reminded_at = reminded
            .iter()
            .find(|(c, _)| *c == row.unit_code)
            .map(|(_, at)| *at);
    }
    sangkien_domain::collate::sort_by_vi(&mut rows, |r| &r.unit_name);
    Ok(rows)
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
        "select e.entry_id, u.code, u.name, e.title from entry e join unit u on u.unit_id = e.unit_id \
         where e.contest_id = $1 and {JUDGED} order by u.code, e.entry_id"
    );
    sql::query(&sql)
        .bind(contest_id)
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| {
            Ok(EntrySummary {
                id: r.try_get(0)?,
                unit_code: r.try_get(1)?,
                unit_name: r.try_get(2)?,
                title: r.try_get(3)?,
            })
        })
        .collect()
}

/// Where a forwarded entry comes from: an awarded entry of an internal contest.
#[derive(Debug, Clone, Serialize)]
pub struct Origin {
    pub entry_id: i64,
    pub contest_id: i64,
    pub tier: Option<String>,
    /// Hundredths of a point.
    pub score: i64,
    pub forwarded_by: String,
    pub forwarded_at: i64,
}

/// Records the origin of a forwarded entry, audited.
pub async fn set_origin(
    conn: &mut Conn,
    actor: &Actor,
    entry: &EntryRecord,
    origin: &Origin,
) -> Result<()> {
    sql::query(
        "insert into entry_origin (entry_id, origin_entry_id, origin_contest_id, origin_tier, origin_score, \
         forwarded_by, forwarded_at) values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(entry.id)
    .bind(origin.entry_id)
    .bind(origin.contest_id)
    .bind(&origin.tier)
    .bind(origin.score)
    .bind(actor.name())
    .bind(actor.at)
    .execute(&mut *conn)
    .await?;
    audit::append(
        conn,
        actor,
        Event {
            action: "entry.forward",
            object_type: "entry",
            object_id: entry.id.to_string(),
            contest_id: Some(entry.contest_id),
            before: None,
            after: Some(
                json!({"origin_entry_id": origin.entry_id, "origin_contest_id": origin.contest_id,
                               "origin_tier": origin.tier, "origin_score": origin.score}),
            ),
        },
    )
    .await?;
    Ok(())
}

/// The origin of an entry, if it was forwarded.
pub async fn origin(conn: &mut Conn, entry_id: i64) -> Result<Option<Origin>> {
    sql::query(
        "select origin_entry_id, origin_contest_id, origin_tier, origin_score, forwarded_by, forwarded_at \
         from entry_origin where entry_id = $1",
    )
    .bind(entry_id)
    .fetch_optional(conn)
    .await?
    .map(|r| {
        Ok(Origin {
            entry_id: r.try_get(0)?,
            contest_id: r.try_get(1)?,
            tier: r.try_get(2)?,
            score: r.try_get(3)?,
            forwarded_by: r.try_get(4)?,
            forwarded_at: r.try_get(5)?,
        })
    })
    .transpose()
}

/// The entry an internal entry was forwarded as, if it was.
pub async fn forwarded_as(conn: &mut Conn, origin_entry_id: i64) -> Result<Option<i64>> {
    sql::query("select entry_id from entry_origin where origin_entry_id = $1")
        .bind(origin_entry_id)
        .fetch_optional(conn)
        .await?
        .map(|r| r.try_get(0))
        .transpose()
}
