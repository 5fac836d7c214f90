//! Units: listing, creating, updating, importing, and reference checks.

use std::collections::{HashMap, HashSet};

use crate::sql::{self, Conn};
use sangkien_domain::unit::{NewUnit, UnitKind, Validity};
use serde::Serialize;

use crate::{
    Result, StorageError,
    audit::{self, Actor, Event},
    flag, map_unique,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unit {
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub parent_code: Option<String>,
    pub active: bool,
    /// The unit's own mailbox (reminders go there when it has no focal user).
    pub email: Option<String>,
    /// `valid_from`, `valid_to` and `successor_code`.
    #[serde(flatten)]
    pub validity: Validity,
}

const SELECT: &str = "select u.code, u.name, u.kind, p.code as parent_code, u.active, u.email, \
                      u.valid_from, u.valid_to, s.code as successor_code from unit u \
                      left join unit p on p.unit_id = u.parent_id \
                      left join unit s on s.unit_id = u.successor_id";

/// A stored `YYYY-MM-DD`.
fn day(r: &sql::Row, column: &str) -> Result<Option<jiff::civil::Date>> {
    r.get::<Option<String>>(column)?
        .map(|d| {
            sangkien_domain::time::parse_date(&d)
                .ok_or_else(|| StorageError::Corrupt(format!("unit {column} {d}")))
        })
        .transpose()
}

fn day_text(d: Option<jiff::civil::Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn from_row(r: &sql::Row) -> Result<Unit> {
    let kind: String = r.get("kind")?;
    Ok(Unit {
        code: r.get("code")?,
        name: r.get("name")?,
        kind: UnitKind::parse(&kind)
            .ok_or_else(|| StorageError::Corrupt(format!("unit kind {kind}")))?,
        parent_code: r.get("parent_code")?,
        active: flag(r.get("active")?),
        email: r.get("email")?,
        validity: Validity {
            valid_from: day(r, "valid_from")?,
            valid_to: day(r, "valid_to")?,
            successor_code: r.get("successor_code")?,
        },
    })
}

/// Every unit, in Vietnamese alphabetical order of name (SPEC §5), then by code.
pub async fn list(conn: &mut Conn) -> Result<Vec<Unit>> {
    let sql = format!("{SELECT} order by u.code");
    let mut units = sql::query(&sql)
        .fetch_all(conn)
        .await?
        .iter()
        .map(from_row)
        .collect::<Result<Vec<_>>>()?;
    sangkien_domain::collate::sort_by_vi(&mut units, |u| &u.name);
    Ok(units)
}

pub async fn get(conn: &mut Conn, code: &str) -> Result<Option<Unit>> {
    let sql = format!("{SELECT} where u.code = $1");
    sql::query(&sql)
        .bind(code)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Codes of active units (for validating references).
pub async fn active_codes(conn: &mut Conn) -> Result<HashSet<String>> {
    Ok(sql::query("select code from unit where active = 1")
        .fetch_column::<String>(conn)
        .await?
        .into_iter()
        .collect())
}

/// Every unit's parent, by code (for cycle checks).
pub async fn parent_map(conn: &mut Conn) -> Result<HashMap<String, Option<String>>> {
    Ok(list(conn)
        .await?
        .into_iter()
        .map(|u| (u.code, u.parent_code))
        .collect())
}

/// Every unit's successor, by code (for cycle checks and «nay là …»).
pub async fn successor_map(conn: &mut Conn) -> Result<HashMap<String, Option<String>>> {
    Ok(list(conn)
        .await?
        .into_iter()
        .map(|u| (u.code, u.validity.successor_code))
        .collect())
}

pub(crate) async fn id_of(conn: &mut Conn, code: &str) -> Result<Option<i64>> {
    sql::query("select unit_id from unit where code = $1")
        .bind(code)
        .fetch_optional_scalar(conn)
        .await
}

/// The row of a unit another one names (its parent or successor).
async fn other_id(conn: &mut Conn, code: Option<&str>) -> Result<Option<i64>> {
    match code {
        None => Ok(None),
        Some(code) => id_of(conn, code)
            .await?
            .map(Some)
            .ok_or_else(|| StorageError::Corrupt(format!("unit {code} vanished"))),
    }
}

fn json(u: &Unit) -> serde_json::Value {
    serde_json::to_value(u).unwrap_or_default()
}

pub async fn create(conn: &mut Conn, actor: &Actor, unit: &NewUnit) -> Result<Unit> {
    let parent = other_id(conn, unit.parent_code.as_deref()).await?;
    let successor = other_id(conn, unit.validity.successor_code.as_deref()).await?;
    sql::query(
        "insert into unit (code, name, kind, parent_id, active, created_at, email, valid_from, valid_to, successor_id) \
         values ($1, $2, $3, $4, 1, $5, $6, $7, $8, $9)",
    )
    .bind(&unit.code)
    .bind(&unit.name)
    .bind(unit.kind.as_str())
    .bind(parent)
    .bind(actor.at)
    .bind(&unit.email)
    .bind(day_text(unit.validity.valid_from))
    .bind(day_text(unit.validity.valid_to))
    .bind(successor)
    .execute(&mut *conn)
    .await
    .map_err(map_unique)?;
    let created = Unit {
        code: unit.code.clone(),
        name: unit.name.clone(),
        kind: unit.kind,
        parent_code: unit.parent_code.clone(),
        active: true,
        email: unit.email.clone(),
        validity: unit.validity.clone(),
    };
    audit::append(
        conn,
        actor,
        Event {
            action: "unit.create",
            object_type: "unit",
            object_id: unit.code.clone(),
            contest_id: None,
            before: None,
            after: Some(json(&created)),
        },
    )
    .await?;
    Ok(created)
}

/// Replaces a unit's name, kind, parent, active flag, e-mail and dates; records before
/// and after.
pub async fn update(conn: &mut Conn, actor: &Actor, before: &Unit, after: &Unit) -> Result<()> {
    let parent = other_id(conn, after.parent_code.as_deref()).await?;
    let successor = other_id(conn, after.validity.successor_code.as_deref()).await?;
    sql::query(
        "update unit set name = $1, kind = $2, parent_id = $3, active = $4, email = $5, \
         valid_from = $6, valid_to = $7, successor_id = $8 where code = $9",
    )
    .bind(&after.name)
    .bind(after.kind.as_str())
    .bind(parent)
    .bind(i64::from(after.active))
    .bind(&after.email)
    .bind(day_text(after.validity.valid_from))
    .bind(day_text(after.validity.valid_to))
    .bind(successor)
    .bind(&before.code)
    .execute(&mut *conn)
    .await?;
    crate::library::bump(conn).await?;
    audit::append(
        conn,
        actor,
        Event {
            action: "unit.update",
            object_type: "unit",
            object_id: before.code.clone(),
            contest_id: None,
            before: Some(json(before)),
            after: Some(json(after)),
        },
    )
    .await?;
    Ok(())
}

/// How many rows point at the unit: child units, accounts, contests (as organizer or
/// participant). A referenced unit is deactivated, never deleted.
pub async fn reference_count(conn: &mut Conn, code: &str) -> Result<i64> {
    let count = sql::query(
        "select \
           (select count(*) from unit c where c.parent_id = u.unit_id) \
         + (select count(*) from account a where a.unit_id = u.unit_id) \
         + (select count(*) from contest k where k.organizer_unit_id = u.unit_id) \
         + (select count(*) from contest_participant p where p.unit_id = u.unit_id) \
         from unit u where u.code = $1",
    )
    .bind(code)
    .fetch_optional_scalar::<i64>(conn)
    .await?;
    Ok(count.unwrap_or(0))
}

pub async fn delete(conn: &mut Conn, actor: &Actor, unit: &Unit) -> Result<()> {
    sql::query("delete from unit where code = $1")
        .bind(&unit.code)
        .execute(&mut *conn)
        .await?;
    audit::append(
        conn,
        actor,
        Event {
            action: "unit.delete",
            object_type: "unit",
            object_id: unit.code.clone(),
            contest_id: None,
            before: Some(json(unit)),
            after: None,
        },
    )
    .await?;
    Ok(())
}

/// Creates or updates every unit of an import in one transaction (the caller's).
/// Rows are written without parents first, then parents are set, so a row may name a
/// parent that comes later in the file. Returns (created, updated); unchanged rows
/// count as neither and write no audit record. A row without an e-mail, dates or a
/// successor keeps the unit's (an import never erases one).
pub async fn import(conn: &mut Conn, actor: &Actor, rows: &[NewUnit]) -> Result<(usize, usize)> {
    let mut befores = Vec::with_capacity(rows.len());
    for row in rows {
        let before = get(conn, &row.code).await?;
        match &before {
            Some(_) => {
                sql::query(
                    "update unit set name = $1, kind = $2, email = coalesce($3, email), \
                     valid_from = coalesce($4, valid_from), valid_to = coalesce($5, valid_to) where code = $6",
                )
                .bind(&row.name)
                .bind(row.kind.as_str())
                .bind(&row.email)
                .bind(day_text(row.validity.valid_from))
                .bind(day_text(row.validity.valid_to))
                .bind(&row.code)
                .execute(&mut *conn)
                .await?;
            }
            None => {
                sql::query(
                    "insert into unit (code, name, kind, parent_id, active, created_at, email, valid_from, valid_to) \
                     values ($1, $2, $3, null, 1, $4, $5, $6, $7)",
                )
                .bind(&row.code)
                .bind(&row.name)
                .bind(row.kind.as_str())
                .bind(actor.at)
                .bind(&row.email)
                .bind(day_text(row.validity.valid_from))
                .bind(day_text(row.validity.valid_to))
                .execute(&mut *conn)
                .await
                .map_err(map_unique)?;
            }
        }
        befores.push(before);
    }
    crate::library::bump(conn).await?;
    let (mut created, mut updated) = (0, 0);
    for (row, before) in rows.iter().zip(befores) {
        let parent = other_id(conn, row.parent_code.as_deref()).await?;
        let successor = other_id(conn, row.validity.successor_code.as_deref()).await?;
        sql::query("update unit set parent_id = $1, successor_id = coalesce($2, successor_id) where code = $3")
            .bind(parent)
            .bind(successor)
            .bind(&row.code)
            .execute(&mut *conn)
            .await?;
        let after = get(conn, &row.code).await?;
        if before == after {
            continue;
        }
        let action = if before.is_none() {
            created += 1;
            "unit.create"
        } else {
            updated += 1;
            "unit.update"
        };
        audit::append(
            conn,
            actor,
            Event {
                action,
                object_type: "unit",
                object_id: row.code.clone(),
                contest_id: None,
                before: before.as_ref().map(json),
                after: after.as_ref().map(json),
            },
        )
        .await?;
    }
    Ok((created, updated))
}
