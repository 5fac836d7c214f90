//! Judging: the council of a contest, declared conflicts, assignments, and the judging
//! version every change bumps. Score sheets are in `sheet`.

mod sheet;

pub use sheet::*;

use crate::sql::{self, Conn};
use serde::Serialize;
use serde_json::json;

use crate::{
    Result, StorageError,
    audit::{self, Actor, Event},
};

pub(crate) fn corrupt(what: impl std::fmt::Display) -> StorageError {
    StorageError::Corrupt(what.to_string())
}

#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub account_id: i64,
    pub username: String,
    pub full_name: String,
    pub unit_code: String,
    pub role: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Council {
    pub decision_number: String,
    pub decision_date: String,
    pub members: Vec<Member>,
}

/// The council of a contest, if one was set up.
pub async fn council(conn: &mut Conn, contest_id: i64) -> Result<Option<Council>> {
    let Some(row) =
        sql::query("select decision_number, decision_date from council where contest_id = $1")
            .bind(contest_id)
            .fetch_optional(&mut *conn)
            .await?
    else {
        return Ok(None);
    };
    Ok(Some(Council {
        decision_number: row.get("decision_number")?,
        decision_date: row.get("decision_date")?,
        members: members(conn, contest_id).await?,
    }))
}

/// The members of a contest's council, chair first, then by username.
pub async fn members(conn: &mut Conn, contest_id: i64) -> Result<Vec<Member>> {
    let sql = format!(
        "{MEMBER} where m.contest_id = $1 \
         order by case when m.role = 'chair' then 0 else 1 end, a.username"
    );
    sql::query(&sql)
        .bind(contest_id)
        .fetch_all(conn)
        .await?
        .iter()
        .map(member_from_row)
        .collect()
}

/// One account's place on a contest's council, if it has one.
pub async fn member(conn: &mut Conn, contest_id: i64, account_id: i64) -> Result<Option<Member>> {
    let sql = format!("{MEMBER} where m.contest_id = $1 and m.account_id = $2");
    sql::query(&sql)
        .bind(contest_id)
        .bind(account_id)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(member_from_row)
        .transpose()
}

/// A member's columns (`a` the account, `u` its unit, `m` the council place).
macro_rules! member_columns {
    () => {
        "a.account_id, a.username, a.full_name, u.code as unit_code, m.role"
    };
}
pub(crate) const MEMBER_COLUMNS: &str = member_columns!();
const MEMBER: &str = concat!(
    "select ",
    member_columns!(),
    " from council_member m join account a on a.account_id = m.account_id \
     join unit u on u.unit_id = a.unit_id"
);

/// A [`Member`] from a row with the [`MEMBER_COLUMNS`].
pub(crate) fn member_from_row(r: &sql::Row) -> Result<Member> {
    Ok(Member {
        account_id: r.get("account_id")?,
        username: r.get("username")?,
        full_name: r.get("full_name")?,
        unit_code: r.get("unit_code")?,
        role: r.get("role")?,
    })
}

/// Replaces the council: decision and members (account id, role).
pub async fn put_council(
    conn: &mut Conn,
    actor: &Actor,
    contest_id: i64,
    decision_number: &str,
    decision_date: &str,
    members: &[(i64, String)],
) -> Result<()> {
    let before = council(conn, contest_id).await?;
    sql::query("delete from council_member where contest_id = $1")
        .bind(contest_id)
        .execute(&mut *conn)
        .await?;
    sql::query("delete from council where contest_id = $1")
        .bind(contest_id)
        .execute(&mut *conn)
        .await?;
    sql::query(
        "insert into council (contest_id, decision_number, decision_date, updated_at) values ($1, $2, $3, $4)",
    )
    .bind(contest_id)
    .bind(decision_number)
    .bind(decision_date)
    .bind(actor.at)
    .execute(&mut *conn)
    .await?;
    crate::insert_many(
        conn,
        "insert into council_member (contest_id, account_id, role)",
        3,
        members,
        |q, (account_id, role)| q.bind(contest_id).bind(*account_id).bind(role.clone()),
    )
    .await?;
    bump_version(conn, contest_id).await?;
    let after = council(conn, contest_id).await?;
    let view = |c: &Option<Council>| {
        c.as_ref().map(|c| {
            json!({"decision": {"number": c.decision_number, "date": c.decision_date},
                   "members": c.members.iter().map(|m| json!({"username": m.username, "role": m.role})).collect::<Vec<_>>()})
        })
    };
    audit::append(
        conn,
        actor,
        Event {
            action: "council.put",
            object_type: "council",
            object_id: contest_id.to_string(),
            contest_id: Some(contest_id),
            before: view(&before),
            after: view(&after),
        },
    )
    .await?;
    Ok(())
}

/// A declared conflict.
#[derive(Debug, Clone, Serialize)]
pub struct Declared {
    pub entry_id: i64,
    pub username: String,
    pub reason: String,
    pub declared_by: String,
    pub declared_at: i64,
}

pub async fn declared_conflicts(conn: &mut Conn, contest_id: i64) -> Result<Vec<Declared>> {
    sql::query(
        "select c.entry_id, a.username, c.reason, c.declared_by, c.declared_at from conflict c \
         join account a on a.account_id = c.account_id where c.contest_id = $1 order by c.entry_id, a.username",
    )
    .bind(contest_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        Ok(Declared {
            entry_id: r.get("entry_id")?,
            username: r.get("username")?,
            reason: r.get("reason")?,
            declared_by: r.get("declared_by")?,
            declared_at: r.get("declared_at")?,
        })
    })
    .collect()
}

/// Declares a conflict (idempotent: a second declaration keeps the first reason).
/// Any assignment of that judge to that entry is removed, with its draft sheet.
pub async fn declare_conflict(
    conn: &mut Conn,
    actor: &Actor,
    contest_id: i64,
    entry_id: i64,
    account_id: i64,
    reason: &str,
) -> Result<bool> {
    let added = sql::query(
        "insert into conflict (entry_id, account_id, contest_id, reason, declared_by, declared_at) \
         values ($1, $2, $3, $4, $5, $6) on conflict do nothing",
    )
    .bind(entry_id)
    .bind(account_id)
    .bind(contest_id)
    .bind(reason)
    .bind(actor.name())
    .bind(actor.at)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if added {
        bump_version(conn, contest_id).await?;
        for table in ["assignment", "score_sheet"] {
            sql::query(&format!(
                "delete from {table} where entry_id = $1 and account_id = $2"
            ))
            .bind(entry_id)
            .bind(account_id)
            .execute(&mut *conn)
            .await?;
        }
        audit::append(
            conn,
            actor,
            Event {
                action: "conflict.declare",
                object_type: "conflict",
                object_id: format!("{entry_id}/{account_id}"),
                contest_id: Some(contest_id),
                before: None,
                after: Some(
                    json!({"entry_id": entry_id, "account_id": account_id, "reason": reason}),
                ),
            },
        )
        .await?;
    }
    Ok(added)
}

/// Replaces all assignments of a contest.
pub async fn replace_assignments(
    conn: &mut Conn,
    actor: &Actor,
    contest_id: i64,
    mode: &str,
    pairs: &[(i64, i64)],
) -> Result<()> {
    sql::query("delete from assignment where contest_id = $1")
        .bind(contest_id)
        .execute(&mut *conn)
        .await?;
    crate::insert_many(
        conn,
        "insert into assignment (entry_id, account_id, contest_id)",
        3,
        pairs,
        |q, (entry_id, account_id)| q.bind(*entry_id).bind(*account_id).bind(contest_id),
    )
    .await?;
    audit::append(
        conn,
        actor,
        Event {
            action: "assignment.replace",
            object_type: "contest",
            object_id: contest_id.to_string(),
            contest_id: Some(contest_id),
            before: None,
            after: Some(json!({"mode": mode, "pairs": pairs.len()})),
        },
    )
    .await?;
    Ok(())
}

/// (entry id, username) of every assignment of a contest.
pub async fn assignments(conn: &mut Conn, contest_id: i64) -> Result<Vec<(i64, String)>> {
    sql::query(
        "select s.entry_id, a.username from assignment s join account a on a.account_id = s.account_id \
         where s.contest_id = $1 order by s.entry_id, a.username",
    )
    .bind(contest_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| Ok((r.get("entry_id")?, r.get("username")?)))
    .collect()
}

pub async fn is_assigned(conn: &mut Conn, entry_id: i64, account_id: i64) -> Result<bool> {
    Ok(
        sql::query("select 1 from assignment where entry_id = $1 and account_id = $2")
            .bind(entry_id)
            .bind(account_id)
            .fetch_optional(conn)
            .await?
            .is_some(),
    )
}

/// A score sheet as stored.
/// Marks that something the ranking depends on changed for a contest.
pub async fn bump_version(conn: &mut Conn, contest_id: i64) -> Result<()> {
    let updated =
        sql::query("update judging_version set version = version + 1 where contest_id = $1")
            .bind(contest_id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    if updated == 0 {
        sql::query(
            "insert into judging_version (contest_id, version) values ($1, 1) on conflict do nothing",
        )
        .bind(contest_id)
        .execute(conn)
        .await?;
    }
    Ok(())
}

/// The current judging version of a contest (0 before anything was judged).
pub async fn version(conn: &mut Conn, contest_id: i64) -> Result<i64> {
    Ok(
        sql::query("select version from judging_version where contest_id = $1")
            .bind(contest_id)
            .fetch_optional_scalar(conn)
            .await?
            .unwrap_or(0),
    )
}

/// The council's meeting on the proposed awards.
#[derive(Debug, Clone, Serialize)]
pub struct Meeting {
    /// `YYYY-MM-DD`.
    pub held_on: String,
    /// The members present, in the council's order.
    pub present: Vec<Member>,
    pub votes_for: i64,
    pub recorded_by: String,
    pub recorded_at: i64,
}

/// The meeting of a contest's council, if one was recorded.
pub async fn meeting(conn: &mut Conn, contest_id: i64) -> Result<Option<Meeting>> {
    let Some(row) = sql::query(
        "select held_on, votes_for, recorded_by, recorded_at from council_meeting where contest_id = $1",
    )
    .bind(contest_id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let present: Vec<i64> =
        sql::query("select account_id from council_meeting_present where contest_id = $1")
            .bind(contest_id)
            .fetch_column(&mut *conn)
            .await?;
    let present = members(conn, contest_id)
        .await?
        .into_iter()
        .filter(|m| present.contains(&m.account_id))
        .collect();
    Ok(Some(Meeting {
        held_on: row.get("held_on")?,
        present,
        votes_for: row.get("votes_for")?,
        recorded_by: row.get("recorded_by")?,
        recorded_at: row.get("recorded_at")?,
    }))
}

/// Records (or corrects) the council's meeting: date, members present (account ids),
/// votes in favour.
pub async fn put_meeting(
    conn: &mut Conn,
    actor: &Actor,
    contest_id: i64,
    held_on: &str,
    present: &[i64],
    votes_for: i64,
) -> Result<()> {
    let before = meeting(conn, contest_id).await?;
    sql::query("delete from council_meeting_present where contest_id = $1")
        .bind(contest_id)
        .execute(&mut *conn)
        .await?;
    sql::query("delete from council_meeting where contest_id = $1")
        .bind(contest_id)
        .execute(&mut *conn)
        .await?;
    sql::query(
        "insert into council_meeting (contest_id, held_on, votes_for, recorded_by, recorded_at) \
         values ($1, $2, $3, $4, $5)",
    )
    .bind(contest_id)
    .bind(held_on)
    .bind(votes_for)
    .bind(actor.name())
    .bind(actor.at)
    .execute(&mut *conn)
    .await?;
    crate::insert_many(
        conn,
        "insert into council_meeting_present (contest_id, account_id)",
        2,
        present,
        |q, account_id| q.bind(contest_id).bind(*account_id),
    )
    .await?;
    let after = meeting(conn, contest_id).await?;
    let view = |m: &Option<Meeting>| {
        m.as_ref().map(|m| {
            json!({"held_on": m.held_on, "votes_for": m.votes_for,
                   "present": m.present.iter().map(|p| p.username.clone()).collect::<Vec<_>>()})
        })
    };
    audit::append(
        conn,
        actor,
        Event {
            action: "council.meeting",
            object_type: "council",
            object_id: contest_id.to_string(),
            contest_id: Some(contest_id),
            before: view(&before),
            after: view(&after),
        },
    )
    .await?;
    Ok(())
}
