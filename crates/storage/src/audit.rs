//! The audit log: appended in the caller's transaction, hash-chained.

use sangkien_domain::audit::{self as chain, AuditContent, ChainError, StoredRecord};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::sql::{self, Conn};
use serde::Serialize;

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

/// The head this store last appended to, `(seq, hash)`: on SQLite the next append
/// guesses it is still the database's head and inserts on top of it in one statement,
/// which checks the guess against the head row; a wrong guess (another process wrote, a
/// transaction rolled back, another store on the same database) inserts nothing and costs
/// one statement before the append is done the long way. Each statement is a round trip
/// to SQLite's thread while the one write connection is held (issue 7). With how many
/// appends used the guess and how many guesses were wrong.
#[derive(Default)]
pub(crate) struct HeadGuess {
    head: std::sync::Mutex<Option<(i64, String)>>,
    guessed: AtomicU64,
    missed: AtomicU64,
}

impl HeadGuess {
    fn get(&self) -> Option<(i64, String)> {
        self.head
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn remember(&self, seq: i64, hash: &str) {
        *self
            .head
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((seq, hash.to_string()));
    }

    /// (appends that inserted on the guessed head, guesses that were wrong).
    pub(crate) fn counts(&self) -> (u64, u64) {
        (
            self.guessed.load(Ordering::Relaxed),
            self.missed.load(Ordering::Relaxed),
        )
    }
}

const INSERT_COLUMNS: &str = "audit_record_id, at, actor, action, object_type, object_id, \
     contest_id, before, after, prev_hash, hash";

/// Appends a record to the chain inside the caller's transaction.
///
/// The long way updates the head row first, which takes its row lock on PostgreSQL (and
/// SQLite's write lock), so concurrent transactions append one after another and never
/// fork the chain; the record's insert then gives the head its hash and seq by a trigger
/// (migrations 0012 and 0013). On SQLite, where the one write connection already makes
/// appends one after another, the insert is tried first on the head this process last
/// appended to, guarded by the head row's seq and hash in the same statement.
pub async fn append(conn: &mut Conn, actor: &Actor, event: Event<'_>) -> Result<i64> {
    let content = |seq: i64| AuditContent {
        seq,
        at: actor.at,
        actor: actor.username.clone(),
        action: event.action.to_string(),
        object_type: event.object_type.to_string(),
        object_id: event.object_id.clone(),
        contest_id: event.contest_id,
        before: event.before.as_ref().map(|v| v.to_string()),
        after: event.after.as_ref().map(|v| v.to_string()),
    };
    if !conn.is_postgres()
        && let Some((head_seq, head_hash)) = conn.shared().head.get()
    {
        let guessed = content(head_seq + 1);
        let hash = chain::record_hash(&head_hash, &guessed);
        let sql = format!(
            "insert into audit_record ({INSERT_COLUMNS}) \
             select $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 \
             where exists (select 1 from audit_head where audit_head_id = 1 and seq = $12 and hash = $10)"
        );
        let inserted = bind_record(sql::query(&sql), guessed, &head_hash, &hash)
            .bind(head_seq)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        let guesses = &conn.shared().head;
        if inserted == 1 {
            guesses.guessed.fetch_add(1, Ordering::Relaxed);
            guesses.remember(head_seq + 1, &hash);
            return Ok(head_seq + 1);
        }
        guesses.missed.fetch_add(1, Ordering::Relaxed);
    }
    let head = sql::query(
        "update audit_head set seq = seq + 1 where audit_head_id = 1 returning seq, hash",
    )
    .fetch_one(&mut *conn)
    .await?;
    let seq: i64 = head.get("seq")?;
    let prev_hash: String = head.get("hash")?;
    let content = content(seq);
    let hash = chain::record_hash(&prev_hash, &content);
    let sql = format!(
        "insert into audit_record ({INSERT_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    );
    bind_record(sql::query(&sql), content, &prev_hash, &hash)
        .execute(&mut *conn)
        .await?;
    conn.shared().head.remember(seq, &hash);
    Ok(seq)
}

/// Binds a record's eleven columns, in [`INSERT_COLUMNS`]' order, as `$1`…`$11`.
fn bind_record<'q>(
    query: sql::Query<'q>,
    content: AuditContent,
    prev_hash: &str,
    hash: &str,
) -> sql::Query<'q> {
    query
        .bind(content.seq)
        .bind(content.at)
        .bind(content.actor)
        .bind(content.action)
        .bind(content.object_type)
        .bind(content.object_id)
        .bind(content.contest_id)
        .bind(content.before)
        .bind(content.after)
        .bind(prev_hash.to_string())
        .bind(hash.to_string())
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

fn stored(r: &sql::Row) -> Result<StoredRecord> {
    Ok(StoredRecord {
        content: AuditContent {
            seq: r.get("audit_record_id")?,
            at: r.get("at")?,
            actor: r.get("actor")?,
            action: r.get("action")?,
            object_type: r.get("object_type")?,
            object_id: r.get("object_id")?,
            contest_id: r.get("contest_id")?,
            before: r.get("before")?,
            after: r.get("after")?,
        },
        prev_hash: r.get("prev_hash")?,
        hash: r.get("hash")?,
    })
}

/// When a contest last moved to `state`, from its audit records; `None` if it never did.
pub async fn last_transition_at(
    conn: &mut Conn,
    contest_id: i64,
    state: &str,
) -> Result<Option<i64>> {
    sql::query(
        "select at from audit_record where contest_id = $1 and action = 'contest.transition' \
         and after like $2 order by audit_record_id desc limit 1",
    )
    .bind(contest_id)
    .bind(format!("%\"state\":\"{state}\"%"))
    .fetch_optional_scalar(conn)
    .await
}

/// Which records to list; every field left `None` lets all through.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub contest_id: Option<i64>,
    pub actor: Option<String>,
    pub action: Option<String>,
    /// From this instant, inclusive (UTC seconds).
    pub from: Option<i64>,
    /// Before this instant (UTC seconds).
    pub until: Option<i64>,
}

impl AuditFilter {
    /// The `where` clause and its values, numbered from `$1`.
    fn clause(&self) -> (String, Vec<Value>) {
        let mut conds = Vec::new();
        let mut values = Vec::new();
        let mut add = |cond: &str, v: Value| {
            values.push(v);
            conds.push(cond.replace('?', &format!("${}", values.len())));
        };
        if let Some(c) = self.contest_id {
            add("contest_id = ?", Value::Int(c));
        }
        if let Some(a) = &self.actor {
            add("actor = ?", Value::Text(a.clone()));
        }
        if let Some(a) = &self.action {
            add("action = ?", Value::Text(a.clone()));
        }
        if let Some(f) = self.from {
            add("at >= ?", Value::Int(f));
        }
        if let Some(u) = self.until {
            add("at < ?", Value::Int(u));
        }
        let clause = if conds.is_empty() {
            String::new()
        } else {
            format!("where {}", conds.join(" and "))
        };
        (clause, values)
    }
}

enum Value {
    Int(i64),
    Text(String),
}

fn bind_all<'q>(mut q: sql::Query<'q>, values: &[Value]) -> sql::Query<'q> {
    for v in values {
        q = match v {
            Value::Int(i) => q.bind(*i),
            Value::Text(t) => q.bind(t.clone()),
        };
    }
    q
}

/// The records a filter lets through, one page at a time, oldest first (`newest_first`:
/// the other way); with the total count.
pub async fn list(
    conn: &mut Conn,
    filter: &AuditFilter,
    newest_first: bool,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AuditView>, i64)> {
    let (clause, values) = filter.clause();
    let count = format!("select cast(count(*) as bigint) from audit_record {clause}");
    let total: i64 = bind_all(sql::query(&count), &values)
        .fetch_scalar(&mut *conn)
        .await?;
    let n = values.len();
    let order = if newest_first { "desc" } else { "asc" };
    let sql = format!(
        "select {COLUMNS} from audit_record {clause} order by audit_record_id {order} limit ${} offset ${}",
        n + 1,
        n + 2
    );
    let rows = bind_all(sql::query(&sql), &values)
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

/// The records of one contest, oldest first, one page at a time; with the total count.
pub async fn list_for_contest(
    conn: &mut Conn,
    contest_id: i64,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AuditView>, i64)> {
    let filter = AuditFilter {
        contest_id: Some(contest_id),
        ..AuditFilter::default()
    };
    list(conn, &filter, false, limit, offset).await
}

/// Every action the log holds, for a filter's choices.
pub async fn actions(conn: &mut Conn) -> Result<Vec<String>> {
    sql::query("select distinct action from audit_record order by action")
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| r.get("action"))
        .collect()
}

/// Verifies the whole chain, reading it in pages so memory stays flat.
/// `Ok(Ok(n))`: n records intact; `Ok(Err(e))`: the first broken record.
pub async fn verify(conn: &mut Conn) -> Result<Result<i64, ChainError>> {
    let head = sql::query("select seq, hash from audit_head where audit_head_id = 1")
        .fetch_one(&mut *conn)
        .await?;
    let head_seq: i64 = head.get("seq")?;
    let head_hash: String = head.get("hash")?;
    let mut verifier = chain::ChainVerifier::new();
    let mut after = 0i64;
    let sql = format!(
        "select {COLUMNS} from audit_record where audit_record_id > $1 order by audit_record_id limit 5000"
    );
    loop {
        let rows = sql::query(&sql).bind(after).fetch_all(&mut *conn).await?;
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
