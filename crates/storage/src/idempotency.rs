//! Stored responses of POST requests sent with an `Idempotency-Key`, so a retried or
//! double-clicked request returns the first result instead of doing the work twice.

use crate::sql::{self, Conn};

use crate::{Result, StorageError};

/// A response kept for a key.
#[derive(Debug, Clone)]
pub struct Stored {
    /// What the key was first used for (method and path, plus a body digest).
    pub request: String,
    pub status: i64,
    pub body: String,
}

pub async fn find(conn: &mut Conn, account_id: i64, key: &str) -> Result<Option<Stored>> {
    sql::query("select request, status, body from idempotency where account_id = $1 and key = $2")
        .bind(account_id)
        .bind(key)
        .fetch_optional(conn)
        .await?
        .map(|r| {
            Ok(Stored {
                request: r.get("request")?,
                status: r.get("status")?,
                body: r.get("body")?,
            })
        })
        .transpose()
}

/// Keeps the response, in the same transaction as the work. A concurrent request with
/// the same key that committed first makes this fail with `Duplicate("idempotency_key")`.
pub async fn save(
    conn: &mut Conn,
    account_id: i64,
    key: &str,
    stored: &Stored,
    at: i64,
) -> Result<()> {
    sql::query(
        "insert into idempotency (account_id, key, request, status, body, created_at) values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(account_id)
    .bind(key)
    .bind(&stored.request)
    .bind(stored.status)
    .bind(&stored.body)
    .bind(at)
    .execute(conn)
    .await
    .map_err(|e| {
        if e.is_unique_violation() {
            StorageError::Duplicate("idempotency_key")
        } else {
            e
        }
    })?;
    Ok(())
}

/// Forgets keys older than `before` (UTC seconds).
pub async fn purge(conn: &mut Conn, before: i64) -> Result<u64> {
    Ok(sql::query("delete from idempotency where created_at < $1")
        .bind(before)
        .execute(conn)
        .await?
        .rows_affected())
}
