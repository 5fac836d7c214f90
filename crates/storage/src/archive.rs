//! The archive of earlier years (migration 0021): past entries and their prizes,
//! imported read-only.

use sangkien_domain::archive::ArchiveRow;
use serde::Serialize;

use crate::sql::{self, Conn};
use crate::{
    Result, StorageError,
    audit::{self, Actor, Event},
};

/// A past entry as stored, with its unit's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArchiveEntry {
    pub id: i64,
    pub year: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub title: String,
    pub summary: String,
    /// The prize's code (`first` …), if it won one.
    pub tier: Option<String>,
}

const SELECT: &str = "select a.archive_id, a.year, u.code as unit_code, u.name as unit_name, \
                      a.title, a.summary, a.tier from archive_entry a \
                      join unit u on u.unit_id = a.unit_id";

fn from_row(r: &sql::Row) -> Result<ArchiveEntry> {
    Ok(ArchiveEntry {
        id: r.get("archive_id")?,
        year: r.get("year")?,
        unit_code: r.get("unit_code")?,
        unit_name: r.get("unit_name")?,
        title: r.get("title")?,
        summary: r.get("summary")?,
        tier: r.get("tier")?,
    })
}

/// Every past entry up to a year (all when `None`), oldest year first, then by unit
/// and title.
pub async fn list(conn: &mut Conn, up_to_year: Option<i64>) -> Result<Vec<ArchiveEntry>> {
    let sql = format!("{SELECT} where a.year <= $1 order by a.year, u.code, a.title, a.archive_id");
    sql::query(&sql)
        .bind(up_to_year.unwrap_or(i64::MAX))
        .fetch_all(conn)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// The past entries that won a prize, newest year first.
pub async fn winners(conn: &mut Conn) -> Result<Vec<ArchiveEntry>> {
    let sql = format!("{SELECT} where a.tier is not null order by a.year desc, a.tier, a.title");
    sql::query(&sql)
        .fetch_all(conn)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Whether the same past entry (year, unit, title) is already kept.
async fn exists(conn: &mut Conn, row: &ArchiveRow) -> Result<bool> {
    Ok(sql::query(
        "select count(*) from archive_entry a join unit u on u.unit_id = a.unit_id \
         where a.year = $1 and u.code = $2 and a.title = $3",
    )
    .bind(row.year)
    .bind(&row.unit_code)
    .bind(&row.title)
    .fetch_scalar::<i64>(conn)
    .await?
        > 0)
}

/// Adds every row of an import in the caller's transaction; a row already kept (same
/// year, unit and title) is left as it is. Returns how many were added.
pub async fn import(conn: &mut Conn, actor: &Actor, rows: &[ArchiveRow]) -> Result<usize> {
    let mut added = 0;
    for row in rows {
        if exists(conn, row).await? {
            continue;
        }
        let unit_id = crate::unit::id_of(conn, &row.unit_code)
            .await?
            .ok_or_else(|| StorageError::Corrupt(format!("unit {} vanished", row.unit_code)))?;
        let tier = row.tier.map(|t| t.as_str());
        sql::query(
            "insert into archive_entry (year, unit_id, title, summary, tier, imported_at, imported_by) \
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(row.year)
        .bind(unit_id)
        .bind(&row.title)
        .bind(&row.summary)
        .bind(tier)
        .bind(actor.at)
        .bind(actor.name())
        .execute(&mut *conn)
        .await?;
        added += 1;
    }
    if added > 0 {
        audit::append(
            conn,
            actor,
            Event {
                action: "archive.import",
                object_type: "archive",
                object_id: String::new(),
                contest_id: None,
                before: None,
                after: Some(serde_json::json!({"added": added, "rows": rows.len()})),
            },
        )
        .await?;
        crate::library::bump(conn).await?;
    }
    Ok(added)
}
