//! Contests: settings stored as one validated JSON document, with the columns that
//! lists and joins need (title, year, state, dates, organizer, participants).

use crate::sql::{self, Conn};
use sangkien_domain::contest::{self, ContestInput, ContestSettings, ContestState};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::{
    Result, Shared, StorageError,
    audit::{self, Actor, Event},
    unit,
};

#[derive(Debug, Clone)]
pub struct ContestRecord {
    pub id: i64,
    pub state: ContestState,
    pub settings: ContestSettings,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A line of the contest list.
#[derive(Debug, Clone, Serialize)]
pub struct ContestSummary {
    pub id: i64,
    pub title: String,
    pub year: i64,
    pub state: ContestState,
    pub organizer_unit_code: String,
    pub opens_at: i64,
    pub submission_deadline: i64,
}

fn state_of(s: &str) -> Result<ContestState> {
    ContestState::parse(s).ok_or_else(|| StorageError::Corrupt(format!("contest state {s}")))
}

fn summary(r: &sql::Row) -> Result<ContestSummary> {
    Ok(ContestSummary {
        id: r.get("contest_id")?,
        title: r.get("title")?,
        year: r.get("year")?,
        state: state_of(&r.get::<String>("state")?)?,
        organizer_unit_code: r.get("organizer_unit_code")?,
        opens_at: r.get("opens_at")?,
        submission_deadline: r.get("submission_deadline")?,
    })
}

const SUMMARY: &str = "select c.contest_id, c.title, c.year, c.state, u.code as organizer_unit_code, \
                       c.opens_at, c.submission_deadline \
                       from contest c join unit u on u.unit_id = c.organizer_unit_id";

/// All contests, newest first.
pub async fn list(conn: &mut Conn) -> Result<Vec<ContestSummary>> {
    let sql = format!("{SUMMARY} order by c.year desc, c.contest_id desc");
    sql::query(&sql)
        .fetch_all(conn)
        .await?
        .iter()
        .map(summary)
        .collect()
}

/// Contests a unit takes part in, past the draft stage, newest first.
pub async fn list_for_participant(conn: &mut Conn, unit_code: &str) -> Result<Vec<ContestSummary>> {
    let sql = format!(
        "{SUMMARY} join contest_participant p on p.contest_id = c.contest_id \
         join unit pu on pu.unit_id = p.unit_id \
         where pu.code = $1 and c.state <> 'draft' order by c.year desc, c.contest_id desc"
    );
    sql::query(&sql)
        .bind(unit_code)
        .fetch_all(conn)
        .await?
        .iter()
        .map(summary)
        .collect()
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<ContestRecord>> {
    let row = sql::query(&format!(
        "select {RECORD} from contest c where c.contest_id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.as_ref()
        .map(|r| record_from_row(conn.shared(), r))
        .transpose()
}

/// The columns of a [`ContestRecord`], of a contest aliased `c`, for [`record_from_row`]
/// (named apart from the other table's columns of a join).
pub(crate) const RECORD: &str = "c.contest_id as c_contest_id, c.state as c_state, \
     c.settings as c_settings, c.created_at as c_created_at, c.updated_at as c_updated_at";

/// A [`ContestRecord`] from a row with the [`RECORD`] columns.
pub(crate) fn record_from_row(shared: &Shared, r: &sql::Row) -> Result<ContestRecord> {
    let id: i64 = r.get("c_contest_id")?;
    let json: String = r.get("c_settings")?;
    Ok(ContestRecord {
        id,
        state: state_of(&r.get::<String>("c_state")?)?,
        settings: settings_of(&shared.parsed, id, json)?,
        created_at: r.get("c_created_at")?,
        updated_at: r.get("c_updated_at")?,
    })
}

/// The settings last read of each contest, with the stored text they came from (one per
/// store). Parsing and validating that text was about a tenth of a score save's CPU, and
/// every request about an entry or a sheet reads its contest. A kept value is used only
/// while the stored text is byte for byte the same, so a change made by any process
/// (PostgreSQL serves several) is seen at the next read.
#[derive(Default)]
pub(crate) struct Parsed(Mutex<BTreeMap<i64, (String, ContestSettings)>>);

/// Contests kept in [`Parsed`]: a province runs a few a year; past this, it starts again.
const PARSED_MAX: usize = 64;

/// Contest `id`'s settings from their stored JSON text.
fn settings_of(kept: &Parsed, id: i64, json: String) -> Result<ContestSettings> {
    let parsed = || {
        kept.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    };
    if let Some((text, settings)) = parsed().get(&id)
        && *text == json
    {
        return Ok(settings.clone());
    }
    let corrupt =
        |e: &dyn std::fmt::Display| StorageError::Corrupt(format!("contest {id} settings: {e}"));
    let input: ContestInput = serde_json::from_str(&json).map_err(|e| corrupt(&e))?;
    let settings = contest::from_stored(&input).map_err(|e| corrupt(&e))?;
    let mut kept = parsed();
    if kept.len() >= PARSED_MAX {
        kept.clear();
    }
    kept.insert(id, (json, settings.clone()));
    Ok(settings)
}

/// Whether a unit takes part in a contest.
pub async fn is_participant(conn: &mut Conn, id: i64, unit_code: &str) -> Result<bool> {
    Ok(sql::query(
        "select 1 from contest_participant p join unit u on u.unit_id = p.unit_id where p.contest_id = $1 and u.code = $2",
    )
    .bind(id)
    .bind(unit_code)
    .fetch_optional(conn)
    .await?
    .is_some())
}

fn settings_json(s: &ContestSettings) -> serde_json::Value {
    serde_json::to_value(s.to_input()).unwrap_or_default()
}

async fn organizer_id(conn: &mut Conn, s: &ContestSettings) -> Result<i64> {
    unit::id_of(conn, &s.organizer_unit_code)
        .await?
        .ok_or_else(|| StorageError::Corrupt(format!("unit {} vanished", s.organizer_unit_code)))
}

async fn write_participants(conn: &mut Conn, id: i64, s: &ContestSettings) -> Result<()> {
    sql::query("delete from contest_participant where contest_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for code in &s.participant_unit_codes {
        let unit_id = unit::id_of(conn, code)
            .await?
            .ok_or_else(|| StorageError::Corrupt(format!("unit {code} vanished")))?;
        sql::query("insert into contest_participant (contest_id, unit_id) values ($1, $2)")
            .bind(id)
            .bind(unit_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Creates a contest in `draft`.
pub async fn create(conn: &mut Conn, actor: &Actor, s: &ContestSettings) -> Result<ContestRecord> {
    let organizer = organizer_id(conn, s).await?;
    let json = settings_json(s);
    let id: i64 = sql::query(
        "insert into contest (title, year, organizer_unit_id, state, opens_at, submission_deadline, settings, created_at, updated_at) \
         values ($1, $2, $3, 'draft', $4, $5, $6, $7, $7) returning contest_id",
    )
    .bind(&s.title)
    .bind(s.year)
    .bind(organizer)
    .bind(s.opens_at)
    .bind(s.submission_deadline)
    .bind(json.to_string())
    .bind(actor.at)
    .fetch_scalar(&mut *conn)
    .await?;
    write_participants(conn, id, s).await?;
    audit::append(
        conn,
        actor,
        Event {
            action: "contest.create",
            object_type: "contest",
            object_id: id.to_string(),
            contest_id: Some(id),
            before: None,
            after: Some(json),
        },
    )
    .await?;
    Ok(ContestRecord {
        id,
        state: ContestState::Draft,
        settings: s.clone(),
        created_at: actor.at,
        updated_at: actor.at,
    })
}

/// Replaces a contest's settings.
pub async fn update(
    conn: &mut Conn,
    actor: &Actor,
    before: &ContestRecord,
    after: &ContestSettings,
) -> Result<()> {
    let organizer = organizer_id(conn, after).await?;
    let json = settings_json(after);
    sql::query(
        "update contest set title = $1, year = $2, organizer_unit_id = $3, opens_at = $4, submission_deadline = $5, \
         settings = $6, updated_at = $7 where contest_id = $8",
    )
    .bind(&after.title)
    .bind(after.year)
    .bind(organizer)
    .bind(after.opens_at)
    .bind(after.submission_deadline)
    .bind(json.to_string())
    .bind(actor.at)
    .bind(before.id)
    .execute(&mut *conn)
    .await?;
    write_participants(conn, before.id, after).await?;
    audit::append(
        conn,
        actor,
        Event {
            action: "contest.update",
            object_type: "contest",
            object_id: before.id.to_string(),
            contest_id: Some(before.id),
            before: Some(settings_json(&before.settings)),
            after: Some(json),
        },
    )
    .await?;
    Ok(())
}

/// Moves a contest from `from` to `to`. The update only matches while the contest is
/// still in `from`, so two racing transitions cannot both succeed; returns false when
/// the state had already changed.
pub async fn set_state(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
    from: ContestState,
    to: ContestState,
    reason: Option<&str>,
) -> Result<bool> {
    let done = sql::query(
        "update contest set state = $1, updated_at = $2 where contest_id = $3 and state = $4",
    )
    .bind(to.as_str())
    .bind(actor.at)
    .bind(id)
    .bind(from.as_str())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if done == 0 {
        return Ok(false);
    }
    let mut after = serde_json::json!({"state": to.as_str()});
    if let Some(r) = reason.map(str::trim).filter(|r| !r.is_empty()) {
        after["reason"] = serde_json::Value::String(r.to_string());
    }
    audit::append(
        conn,
        actor,
        Event {
            action: "contest.transition",
            object_type: "contest",
            object_id: id.to_string(),
            contest_id: Some(id),
            before: Some(serde_json::json!({"state": from.as_str()})),
            after: Some(after),
        },
    )
    .await?;
    Ok(true)
}
