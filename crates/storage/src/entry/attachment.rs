//! An entry's files: the rows that name them by content (the files are in `sangkien-files`).

use std::collections::HashSet;

use crate::sql::{self, Conn};
use serde::Serialize;
use serde_json::json;

use super::EntryRecord;
use crate::{
    Result,
    audit::{self, Actor, Event},
};

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

const ATTACHMENT: &str = "select attachment_id, entry_id, kind, filename, size, sha256, content_type, created_by, created_at \
                          from attachment";

fn attachment_row(r: &sql::Row) -> Result<AttachmentRecord> {
    Ok(AttachmentRecord {
        id: r.get("attachment_id")?,
        entry_id: r.get("entry_id")?,
        kind: r.get("kind")?,
        filename: r.get("filename")?,
        size: r.get("size")?,
        sha256: r.get("sha256")?,
        content_type: r.get("content_type")?,
        created_by: r.get("created_by")?,
        created_at: r.get("created_at")?,
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
    .fetch_scalar(&mut *conn)
    .await?;
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
    .fetch_scalar(conn)
    .await
}

/// Every SHA-256 any row refers to — attachments and adoption evidence (for the sweep
/// of orphaned files).
pub async fn all_sha256(conn: &mut Conn) -> Result<HashSet<String>> {
    sql::query(
        "select sha256 from attachment union \
         select evidence_sha256 from adoption where evidence_sha256 is not null",
    )
    .fetch_column::<String>(conn)
    .await
    .map(|all| all.into_iter().collect())
}

/// Every attachment row: id, entry and SHA-256 (for integrity checks).
pub async fn all_attachments(conn: &mut Conn) -> Result<Vec<(i64, i64, String)>> {
    sql::query("select attachment_id, entry_id, sha256 from attachment order by attachment_id")
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.get("attachment_id")?,
                r.get("entry_id")?,
                r.get("sha256")?,
            ))
        })
        .collect()
}
