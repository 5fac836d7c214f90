//! The outbox and in-app inbox: every message is kept with its state (`queued`,
//! `sending`, `sent`, `failed`). Delivery workers claim messages one at a time with a
//! conditional update, so several server processes never send the same message twice.
//! Automatic reminder runs are recorded per contest and offset under a primary key, so
//! each offset fires once however many processes look at it.

use crate::sql::{self, Conn};
use serde::Serialize;

use crate::Result;

/// A message to queue for one account, or for a unit's own mailbox (no account).
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub contest_id: Option<i64>,
    pub unit_code: Option<String>,
    pub account_id: Option<i64>,
    pub kind: &'static str,
    pub subject: String,
    pub body: String,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MessageRecord {
    pub id: i64,
    pub contest_id: Option<i64>,
    pub unit_code: Option<String>,
    /// The addressee's account; none for a message to a unit's own mailbox.
    pub username: Option<String>,
    /// The addressee's name, or the unit's for a message to its mailbox.
    pub full_name: String,
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub email: Option<String>,
    pub state: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    /// When its addressee first saw it in the inbox.
    pub read_at: Option<i64>,
}

const SELECT: &str = "select m.message_id, m.contest_id, u.code as unit_code, a.username, \
     coalesce(a.full_name, u.name, '') as full_name, m.kind, m.subject, m.body, \
     m.email, m.state, m.attempts, m.last_error, m.created_at, m.sent_at, m.read_at \
     from message m left join account a on a.account_id = m.account_id left join unit u on u.unit_id = m.unit_id";

fn from_row(r: &sql::Row) -> Result<MessageRecord> {
    Ok(MessageRecord {
        id: r.get("message_id")?,
        contest_id: r.get("contest_id")?,
        unit_code: r.get("unit_code")?,
        username: r.get("username")?,
        full_name: r.get("full_name")?,
        kind: r.get("kind")?,
        subject: r.get("subject")?,
        body: r.get("body")?,
        email: r.get("email")?,
        state: r.get("state")?,
        attempts: r.get("attempts")?,
        last_error: r.get("last_error")?,
        created_at: r.get("created_at")?,
        sent_at: r.get("sent_at")?,
        read_at: r.get("read_at")?,
    })
}

pub async fn queue(conn: &mut Conn, at: i64, m: &NewMessage) -> Result<i64> {
    let unit_id = match &m.unit_code {
        Some(code) => crate::unit::id_of(conn, code).await?,
        None => None,
    };
    sql::query(
        "insert into message (contest_id, unit_id, account_id, kind, subject, body, email, state, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, 'queued', $8) returning message_id",
    )
    .bind(m.contest_id)
    .bind(unit_id)
    .bind(m.account_id)
    .bind(m.kind)
    .bind(&m.subject)
    .bind(&m.body)
    .bind(&m.email)
    .bind(at)
    .fetch_scalar(conn)
    .await
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<MessageRecord>> {
    let sql = format!("{SELECT} where m.message_id = $1");
    sql::query(&sql)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Whose messages to list.
#[derive(Debug, Clone, Copy)]
pub enum Mailbox {
    /// Everything a contest sent (the organizer's outbox).
    Contest(i64),
    /// What one account received (the in-app inbox).
    Account(i64),
}

/// A page of messages, newest first, with the total.
pub async fn list(
    conn: &mut Conn,
    mailbox: Mailbox,
    limit: i64,
    offset: i64,
) -> Result<(Vec<MessageRecord>, i64)> {
    let (column, id) = match mailbox {
        Mailbox::Contest(id) => ("contest_id", id),
        Mailbox::Account(id) => ("account_id", id),
    };
    let sql =
        format!("{SELECT} where m.{column} = $1 order by m.message_id desc limit $2 offset $3");
    let items = sql::query(&sql)
        .bind(id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(from_row)
        .collect::<Result<Vec<_>>>()?;
    let total: i64 = sql::query(&format!(
        "select cast(count(*) as bigint) from message where {column} = $1"
    ))
    .bind(id)
    .fetch_scalar(conn)
    .await?;
    Ok((items, total))
}

/// Marks every unread message of an account as read at `at` (the inbox was opened).
pub async fn mark_read(conn: &mut Conn, account_id: i64, at: i64) -> Result<()> {
    sql::query("update message set read_at = $1 where account_id = $2 and read_at is null")
        .bind(at)
        .bind(account_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Claims the oldest queued message that has an address, for sending by `worker`.
/// Messages left in `sending` by a worker that died (claimed before `stale_before`) go
/// back to the queue first; a message whose last attempt failed waits until
/// `retry_before`. Returns `None` when there is nothing to send, or when another worker
/// claimed the same message at the same moment.
pub async fn claim(
    conn: &mut Conn,
    worker: &str,
    now: i64,
    stale_before: i64,
    retry_before: i64,
    max_attempts: i64,
) -> Result<Option<MessageRecord>> {
    sql::query("update message set state = 'queued' where state = 'sending' and claimed_at < $1")
        .bind(stale_before)
        .execute(&mut *conn)
        .await?;
    let claimed = sql::query(
        "update message set state = 'sending', claimed_by = $1, claimed_at = $2, attempts = attempts + 1 \
         where message_id = (select message_id from message where state = 'queued' and email is not null \
                             and attempts < $3 and coalesce(claimed_at, 0) <= $4 order by message_id limit 1) \
         and state = 'queued' returning message_id",
    )
    .bind(worker)
    .bind(now)
    .bind(max_attempts)
    .bind(retry_before)
    .fetch_optional_scalar(&mut *conn)
    .await?;
    match claimed {
        Some(id) => get(conn, id).await,
        None => Ok(None),
    }
}

/// Records the outcome of a delivery attempt: sent, or back to the queue with the
/// error (or `failed` once out of attempts).
pub async fn finish(
    conn: &mut Conn,
    id: i64,
    now: i64,
    error: Option<&str>,
    max_attempts: i64,
) -> Result<()> {
    match error {
        None => {
            sql::query(
                "update message set state = 'sent', sent_at = $1, last_error = null where message_id = $2",
            )
            .bind(now)
            .bind(id)
            .execute(conn)
            .await?;
        }
        Some(e) => {
            sql::query(
                "update message set state = case when attempts >= $1 then 'failed' else 'queued' end, \
                 last_error = $2 where message_id = $3",
            )
            .bind(max_attempts)
            .bind(e)
            .bind(id)
            .execute(conn)
            .await?;
        }
    }
    Ok(())
}

/// Which automatic reminders: to units before the submission deadline, or to judges
/// before the end of the evaluation window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run {
    Units,
    Judges,
}

impl Run {
    fn table(self) -> &'static str {
        match self {
            Run::Units => "reminder_run",
            Run::Judges => "judge_reminder_run",
        }
    }
}

/// Records that the reminder of `offset_days` ran for a contest. Returns false when
/// it had already run (in this or another process): the caller then sends nothing.
pub async fn claim_reminder_run(
    conn: &mut Conn,
    run: Run,
    contest_id: i64,
    offset_days: i64,
    at: i64,
) -> Result<bool> {
    Ok(sql::query(&format!(
        "insert into {} (contest_id, offset_days, ran_at, messages) values ($1, $2, $3, 0) \
         on conflict do nothing",
        run.table()
    ))
    .bind(contest_id)
    .bind(offset_days)
    .bind(at)
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

pub async fn set_reminder_run_count(
    conn: &mut Conn,
    run: Run,
    contest_id: i64,
    offset_days: i64,
    messages: i64,
) -> Result<()> {
    sql::query(&format!(
        "update {} set messages = $1 where contest_id = $2 and offset_days = $3",
        run.table()
    ))
    .bind(messages)
    .bind(contest_id)
    .bind(offset_days)
    .execute(conn)
    .await?;
    Ok(())
}

/// Offsets already run for a contest.
pub async fn reminder_runs(conn: &mut Conn, run: Run, contest_id: i64) -> Result<Vec<i64>> {
    sql::query(&format!(
        "select offset_days from {} where contest_id = $1",
        run.table()
    ))
    .bind(contest_id)
    .fetch_column(conn)
    .await
}

/// Who receives what is sent to a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The focal user's account; none for the unit's own mailbox.
    pub account_id: Option<i64>,
    /// The person's name, or the unit's.
    pub name: String,
    /// Where the e-mail goes, if anywhere.
    pub email: Option<String>,
}

/// Who receives what is sent to a unit: its active focal users, or, when it has none,
/// its own mailbox. Empty when the unit has neither: nothing can reach it.
pub async fn unit_recipients(conn: &mut Conn, unit_code: &str) -> Result<Vec<Recipient>> {
    let focal = sql::query(
        "select a.account_id, a.full_name, a.email from account a join unit u on u.unit_id = a.unit_id \
         where u.code = $1 and a.role = 'focal' and a.active = 1 order by a.username",
    )
    .bind(unit_code)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        let email: Option<String> = r.get("email")?;
        Ok(Recipient {
            account_id: Some(r.get("account_id")?),
            name: r.get("full_name")?,
            email: email.filter(|e| !e.trim().is_empty()),
        })
    })
    .collect::<Result<Vec<_>>>()?;
    if !focal.is_empty() {
        return Ok(focal);
    }
    let unit = sql::query("select name, email from unit where code = $1 and email is not null")
        .bind(unit_code)
        .fetch_optional(conn)
        .await?;
    unit.map(|r| {
        Ok(Recipient {
            account_id: None,
            name: r.get("name")?,
            email: Some(r.get("email")?),
        })
    })
    .into_iter()
    .collect()
}

/// How many messages are in each state (queued, sending, sent, failed…).
pub async fn count_by_status(conn: &mut Conn) -> Result<Vec<(String, i64)>> {
    sql::query("select state, count(*) as messages from message group by state order by state")
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| Ok((r.get("state")?, r.get("messages")?)))
        .collect()
}
