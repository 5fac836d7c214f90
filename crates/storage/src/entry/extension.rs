//! Per-unit extensions of a contest's deadline.

use super::corrupt;
use crate::sql::{self, Conn};
use serde::Serialize;
use serde_json::json;

use crate::{
    Result,
    audit::{self, Actor, Event},
    unit,
};

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
        "select u.code as unit_code, x.until, x.reason, x.granted_by, x.granted_at from extension x \
         join unit u on u.unit_id = x.unit_id where x.contest_id = $1 order by u.code",
    )
    .bind(contest_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        Ok(Extension {
            unit_code: r.get("unit_code")?,
            until: r.get("until")?,
            reason: r.get("reason")?,
            granted_by: r.get("granted_by")?,
            granted_at: r.get("granted_at")?,
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
    .fetch_optional_scalar(conn)
    .await
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
