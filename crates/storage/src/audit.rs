//! The audit log: appended in the caller's transaction, hash-chained.

use sangkien_domain::audit::{self as chain, AuditContent, ChainError, StoredRecord};
use serde::Serialize;
use sqlx::{AnyConnection, Row};

use crate::Result;

/// Who acted and when; passed to every storage function that changes something.
#[derive(Debug, Clone)]
pub struct Actor {
    /// Username, or `None` for the system itself (demo loader, migrations, jobs).
    pub username: Option<String>,
    /// UTC seconds.
    pub at: i64,
}

impl Actor {
    pub fn system(at: i64) -> Actor {
        Actor { username: None, at }
    }
    /// The username, or `system` for the system itself.
    pub fn name(&self) -> String {
        self.username.clone().unwrap_or_else(|| "system".into())
    }
    pub fn user(username: &str, at: i64) -> Actor {
        Actor {
            username: Some(username.to_string()),
            at,
        }
    }
}

/// One change to record.
pub struct Event<'a> {
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: String,
    pub contest_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Appends a record to the chain inside the caller's transaction. The head row is
/// updated first (and given the record's hash by a trigger), which takes its row lock on PostgreSQL (and SQLite's write lock),
/// so concurrent transactions append one after another and never fork the chain.
pub async fn append(conn: &mut AnyConnection, actor: &Actor, event: Event<'_>) -> Result<i64> {
    let head = sqlx::query(
        "update audit_head set seq = seq + 1 where audit_head_id = 1 returning seq, hash",
    )
    .fetch_one(&mut *conn)
    .await?;
    let seq: i64 = head.try_get(0)?;
    let prev_hash: String = head.try_get(1)?;
    let content = AuditContent {
        seq,
        at: actor.at,
        actor: actor.username.clone(),
        action: event.action.to_string(),
        object_type: event.object_type.to_string(),
        object_id: event.object_id,
        contest_id: event.contest_id,
        before: event.before.map(|v| v.to_string()),
        after: event.after.map(|v| v.to_string()),
    };
    let hash = chain::record_hash(&prev_hash, &content);
    sqlx::query(
        "insert into audit_record (audit_record_id, at, actor, action, object_type, object_id, \
         contest_id, before, after, prev_hash, hash) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(seq)
    .bind(content.at)
    .bind(content.actor)
    .bind(content.action)
    .bind(content.object_type)
    .bind(content.object_id)
    .bind(content.contest_id)
    .bind(content.before)
    .bind(content.after)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    // The head takes the new hash from a trigger (migration 0012).
    Ok(seq)
}

/// A record as shown to organizers.
#[derive(Debug, Clone, Serialize)]
pub struct AuditView {
    pub seq: i64,
    pub at: i64,
    pub actor: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub contest_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub hash: String,
}

const COLUMNS: &str = "audit_record_id, at, actor, action, object_type, object_id, contest_id, before, after, prev_hash, hash";

fn stored(r: &sqlx::any::AnyRow) -> Result<StoredRecord> {
    Ok(StoredRecord {
        content: AuditContent {
            seq: r.try_get(0)?,
            at: r.try_get(1)?,
            actor: r.try_get(2)?,
            action: r.try_get(3)?,
            object_type: r.try_get(4)?,
            object_id: r.try_get(5)?,
            contest_id: r.try_get(6)?,
            before: r.try_get(7)?,
            after: r.try_get(8)?,
        },
        prev_hash: r.try_get(9)?,
        hash: r.try_get(10)?,
    })
}

/// The records of one contest, oldest first, one page at a time; with the total count.
pub async fn list_for_contest(
    conn: &mut AnyConnection,
    contest_id: i64,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AuditView>, i64)> {
    let total: i64 = sqlx::query("select count(*) from audit_record where contest_id = $1")
        .bind(contest_id)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    let sql = format!(
        "select {COLUMNS} from audit_record where contest_id = $1 order by audit_record_id limit $2 offset $3"
    );
    let rows = sqlx::query(&sql)
        .bind(contest_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await?;
    let parse = |s: Option<String>| s.and_then(|t| serde_json::from_str(&t).ok());
    let items = rows
        .iter()
        .map(|r| {
            let s = stored(r)?;
            Ok(AuditView {
                seq: s.content.seq,
                at: s.content.at,
                actor: s.content.actor,
                action: s.content.action,
                object_type: s.content.object_type,
                object_id: s.content.object_id,
                contest_id: s.content.contest_id,
                before: parse(s.content.before),
                after: parse(s.content.after),
                hash: s.hash,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((items, total))
}

/// Verifies the whole chain, reading it in pages so memory stays flat.
/// `Ok(Ok(n))`: n records intact; `Ok(Err(e))`: the first broken record.
pub async fn verify(conn: &mut AnyConnection) -> Result<Result<i64, ChainError>> {
    let head = sqlx::query("select seq, hash from audit_head where audit_head_id = 1")
        .fetch_one(&mut *conn)
        .await?;
    let head_seq: i64 = head.try_get(0)?;
    let head_hash: String = head.try_get(1)?;
    let mut verifier = chain::ChainVerifier::new();
    let mut after = 0i64;
    let sql = format!(
        "select {COLUMNS} from audit_record where audit_record_id > $1 order by audit_record_id limit 5000"
    );
    loop {
        let rows = sqlx::query(&sql).bind(after).fetch_all(&mut *conn).await?;
        if rows.is_empty() {
            break;
        }
        for r in &rows {
            let s = stored(r)?;
            after = s.content.seq;
            if let Err(e) = verifier.push(s) {
                return Ok(Err(e));
            }
        }
    }
    Ok(verifier.finish((head_seq, &head_hash)))
}
