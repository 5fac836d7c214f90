//! Where a forwarded entry comes from (SPEC §3.9).

use crate::sql::{self, Conn};
use serde::Serialize;
use serde_json::json;

use super::EntryRecord;
use crate::{
    Result,
    audit::{self, Actor, Event},
};

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
            entry_id: r.get("origin_entry_id")?,
            contest_id: r.get("origin_contest_id")?,
            tier: r.get("origin_tier")?,
            score: r.get("origin_score")?,
            forwarded_by: r.get("forwarded_by")?,
            forwarded_at: r.get("forwarded_at")?,
        })
    })
    .transpose()
}

/// The entry an internal entry was forwarded as, if it was.
pub async fn forwarded_as(conn: &mut Conn, origin_entry_id: i64) -> Result<Option<i64>> {
    sql::query("select entry_id from entry_origin where origin_entry_id = $1")
        .bind(origin_entry_id)
        .fetch_optional_scalar(conn)
        .await
}
