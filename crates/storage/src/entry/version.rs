//! An entry's immutable versions: written at every submission (and every change after
//! the first one), never updated afterwards.

use sangkien_domain::entry::{EntryContent, EntryStatus};

use super::{AttachmentRecord, content_json, get, list_attachments};
use crate::sql::{self, Conn};
use serde::Serialize;
use serde_json::json;

use super::{EntryRecord, corrupt};
use crate::{
    Result,
    audit::{self, Actor, Event},
};

#[derive(Debug, Clone, Serialize)]
pub struct VersionRecord {
    pub version: i64,
    pub content: EntryContent,
    pub attachments: serde_json::Value,
    pub submitted_at: i64,
    pub submitted_by: String,
    /// The sworn statement as ticked when the version was submitted (none for versions
    /// written before the rule).
    pub sworn: Option<String>,
}

/// The sworn statement a version records: the one just ticked at a submission, or,
/// for a change after it, the previous version's.
#[derive(Debug, Clone, Copy)]
pub enum Sworn<'a> {
    Ticked(&'a str),
    AsBefore,
}

/// Writes the next immutable version of an entry from its current working copy and
/// attachments, and marks it submitted. Returns the new version number.
pub async fn write_version(
    conn: &mut Conn,
    actor: &Actor,
    entry_id: i64,
    sworn: Sworn<'_>,
) -> Result<i64> {
    let entry = get(conn, entry_id)
        .await?
        .ok_or_else(|| corrupt(format!("entry {entry_id} vanished")))?;
    let attachments = list_attachments(conn, entry_id).await?;
    Ok(write_version_of(conn, actor, &entry, &attachments, sworn)
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
    sworn: Sworn<'_>,
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
        "insert into entry_version (entry_id, version, content, attachments, submitted_at, submitted_by, sworn) \
         values ($1, $2, $3, $4, $5, $6, coalesce($7, \
           (select p.sworn from entry_version p where p.entry_id = $1 and p.version = $2 - 1)))",
    )
    .bind(entry.id)
    .bind(version)
    .bind(content_json(&entry.content))
    .bind(serde_json::Value::Array(attachments.clone()).to_string())
    .bind(actor.at)
    .bind(&by)
    .bind(match sworn {
        Sworn::Ticked(s) => Some(s),
        Sworn::AsBefore => None,
    })
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

pub async fn versions(conn: &mut Conn, entry_id: i64) -> Result<Vec<VersionRecord>> {
    sql::query(
        "select version, content, attachments, submitted_at, submitted_by, sworn from entry_version \
         where entry_id = $1 order by version",
    )
    .bind(entry_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        let content: String = r.get("content")?;
        let attachments: String = r.get("attachments")?;
        Ok(VersionRecord {
            version: r.get("version")?,
            content: serde_json::from_str(&content)
                .map_err(|e| corrupt(format!("entry {entry_id} version content: {e}")))?,
            attachments: serde_json::from_str(&attachments)
                .map_err(|e| corrupt(format!("entry {entry_id} version attachments: {e}")))?,
            submitted_at: r.get("submitted_at")?,
            submitted_by: r.get("submitted_by")?,
            sworn: r.get("sworn")?,
        })
    })
    .collect()
}

/// The sworn statement recorded with one version, if any.
pub async fn sworn_of(conn: &mut Conn, entry_id: i64, version: i64) -> Result<Option<String>> {
    Ok(
        sql::query("select sworn from entry_version where entry_id = $1 and version = $2")
            .bind(entry_id)
            .bind(version)
            .fetch_optional_scalar::<Option<String>>(conn)
            .await?
            .flatten(),
    )
}
