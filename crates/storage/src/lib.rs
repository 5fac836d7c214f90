//! All SQL of sangkien. One code path for SQLite and PostgreSQL: lower-case portable SQL
//! with `$n` placeholders, integers for instants (UTC seconds) and flags, text for JSON,
//! run through [`sql`] on sqlx's `Any` driver or, on SQLite's write connection, in place
//! with rusqlite. See docs/DECISIONS.md.

pub mod account;
pub mod archive;
pub mod audit;
pub mod award;
pub mod backup;
mod conns;
pub mod contest;
mod durable;
pub mod entry;
pub mod idempotency;
pub mod judging;
pub mod library;
pub mod message;
pub mod migrations;
pub mod schema;
pub mod setting;
pub mod sql;
pub mod testing;
pub mod unit;

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

pub use conns::ReadConn;
use conns::{Readers, SqliteTarget, TxConn, Writer};

pub use durable::FlushStats;
pub use sql::Conn;

/// What a store keeps between statements, for all its connections: the contests'
/// settings as last parsed, the audit chain's head as this store last appended to it,
/// and how many write transactions it committed.
#[derive(Default)]
pub(crate) struct Shared {
    pub(crate) parsed: contest::Parsed,
    pub(crate) head: audit::HeadGuess,
    commits: std::sync::atomic::AtomicU64,
}

/// A write transaction. Everything a request changes, and its audit records, is
/// written in one of these; [`Store::commit`] returns once it is on disk. Dropped without
/// a commit, it is rolled back.
pub struct Tx {
    conn: TxConn,
    group: Option<Arc<durable::GroupCommit>>,
    /// When it began (after [`WritePhase::Wait`]), and whom to tell how long it took.
    begun: Instant,
    observer: Option<WriteObserver>,
}

/// The parts of a write transaction's time that [`Store::observe_writes`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WritePhase {
    /// Waiting for a write connection (SQLite has one, PostgreSQL a pool) and beginning.
    Wait,
    /// From beginning to the end of the commit: the write connection is held all along.
    Hold,
    /// SQLite in a file: from the commit to the log being on disk (see `durable`).
    Durable,
}

impl WritePhase {
    pub fn as_str(self) -> &'static str {
        match self {
            WritePhase::Wait => "wait",
            WritePhase::Hold => "hold",
            WritePhase::Durable => "durable",
        }
    }
}

/// Told the duration of each [`WritePhase`] of a write transaction: the wait of every one,
/// the others of those committed.
pub type WriteObserver = Arc<dyn Fn(WritePhase, Duration) + Send + Sync>;

/// The observer a store and its clones share, settable after they were made.
#[derive(Clone, Default)]
struct Observers(Arc<RwLock<Option<WriteObserver>>>);

impl std::fmt::Debug for Observers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Observers")
    }
}

impl Observers {
    fn get(&self) -> Option<WriteObserver> {
        self.0.read().ok().and_then(|o| o.clone())
    }
}

impl std::ops::Deref for Tx {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        self.conn.conn_ref()
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Conn {
        self.conn.conn()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// An error of SQLite's write connection (see the `sql` module).
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A unique constraint refused the row; the payload names the field.
    #[error("duplicate value for {0}")]
    Duplicate(&'static str),
    /// Stored data that cannot be read back (a bug or a hand edit).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The operating system gave no random bytes (tokens cannot be made safely).
    #[error("no randomness available: {0}")]
    Randomness(String),
    #[error("unsupported database URL (use sqlite:// or postgres://)")]
    UnsupportedUrl,
    /// The SQLite log could not be flushed to disk: the write may not survive a power cut.
    #[error("flushing the database to disk failed: {0}")]
    Flush(String),
}

impl StorageError {
    /// The database could not be reached, or went away during the request (a restart, a
    /// network cut, every connection busy for too long): worth trying again shortly.
    pub fn is_unavailable(&self) -> bool {
        let e = match self {
            StorageError::Database(e) => e,
            // Locked by another process for longer than the busy timeout, or the disk.
            StorageError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => {
                return matches!(
                    f.code,
                    rusqlite::ErrorCode::DatabaseBusy
                        | rusqlite::ErrorCode::DatabaseLocked
                        | rusqlite::ErrorCode::SystemIoFailure
                        | rusqlite::ErrorCode::CannotOpen
                        | rusqlite::ErrorCode::DiskFull
                );
            }
            _ => return false,
        };
        match e {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => true,
            // PostgreSQL: 57P01–57P03 (shutting down, crashed, not yet accepting
            // connections), class 08 (connection exceptions).
            sqlx::Error::Database(d) => d
                .code()
                .is_some_and(|c| c.starts_with("57P") || c.starts_with("08")),
            _ => false,
        }
    }
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database: a pool for reads and a writer. On SQLite the writer is a single
/// connection, so writers queue for it instead of failing with `SQLITE_BUSY`; on
/// PostgreSQL both are the same pool.
#[derive(Clone, Debug)]
pub struct Store {
    read: Readers,
    write: Writer,
    backend: Backend,
    /// SQLite: the flusher every commit waits for (see the `durable` module).
    group: Option<Arc<durable::GroupCommit>>,
    observers: Observers,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Shared")
    }
}

impl Store {
    /// Connects to `sqlite://…` or `postgres://…`. Does not migrate.
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        if url.starts_with("sqlite:") {
            // A database in a file commits in groups (`durable`); one in memory has
            // nothing to flush.
            let file = sqlite_file(url);
            let synchronous = if file.is_some() { "normal" } else { "full" };
            let shared = Arc::<Shared>::default();
            let target = SqliteTarget::new(url, synchronous, shared.clone());
            let read = Readers::sqlite(target.clone(), 4);
            let write = Writer::open_sqlite(target)?;
            let group = match file {
                Some(path) => Some(Arc::new(
                    durable::GroupCommit::start(&path)
                        .map_err(|e| StorageError::Flush(e.to_string()))?,
                )),
                None => None,
            };
            Ok(Store {
                read,
                write,
                backend: Backend::Sqlite,
                group,
                observers: Observers::default(),
                shared,
            })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = conns::postgres_pool(url).await?;
            let shared = Arc::<Shared>::default();
            Ok(Store {
                read: Readers::Pooled(pool.clone(), shared.clone()),
                write: Writer::Pooled(pool, shared.clone()),
                backend: Backend::Postgres,
                group: None,
                observers: Observers::default(),
                shared,
            })
        } else {
            Err(StorageError::UnsupportedUrl)
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies the embedded migrations not yet applied.
    pub async fn migrate(&self) -> Result<()> {
        let migrator = migrations::migrator(self.backend);
        self.write
            .with_sqlx(async |conn| Ok(migrator.run(conn).await?))
            .await?;
        if let Some(group) = &self.group {
            group.durable().await?;
        }
        Ok(())
    }

    /// Starts a write transaction.
    pub async fn begin(&self) -> Result<Tx> {
        let asked = Instant::now();
        let conn = self.write.begin().await?;
        let begun = Instant::now();
        let observer = self.observers.get();
        if let Some(o) = &observer {
            o(WritePhase::Wait, begun - asked);
        }
        Ok(Tx {
            conn,
            group: self.group.clone(),
            begun,
            observer,
        })
    }

    /// Commits a write transaction, counts it in [`Store::local_commits`] and returns
    /// once it is on disk.
    pub async fn commit(tx: Tx) -> Result<()> {
        let Tx {
            conn,
            group,
            begun,
            observer,
        } = tx;
        let shared = conn.conn_ref().shared_arc();
        // On SQLite the next writer may begin from here.
        conn.commit().await?;
        shared
            .commits
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        let committed = Instant::now();
        if let Some(o) = &observer {
            o(WritePhase::Hold, committed - begun);
        }
        if let Some(group) = group {
            group.durable().await?;
            if let Some(o) = &observer {
                o(WritePhase::Durable, committed.elapsed());
            }
        }
        Ok(())
    }

    /// Reports how long every write transaction of this store (and its clones) waited for
    /// the write connection and, once committed, held it and waited for the disk; replaces
    /// the observer set before. For the metrics: it runs inside every write, so it must be quick.
    pub fn observe_writes(&self, observer: WriteObserver) {
        if let Ok(mut o) = self.observers.0.write() {
            *o = Some(observer);
        }
    }

    /// A connection for reading.
    pub async fn reader(&self) -> Result<ReadConn> {
        self.read.acquire().await
    }

    /// SQLite in a file: the commits that waited for the disk and the flushes that put
    /// them there (see the `durable` module).
    pub fn flush_stats(&self) -> Option<FlushStats> {
        self.group.as_ref().map(|g| g.stats())
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        match self.reader().await {
            Ok(mut conn) => sql::query("select 1").execute(&mut conn).await.is_ok(),
            Err(_) => false,
        }
    }

    /// (pool, connections open, of which idle) for each pool: `read` and `write` on
    /// SQLite, one `shared` pool on PostgreSQL.
    pub fn pool_stats(&self) -> Vec<(&'static str, u32, usize)> {
        match self.backend {
            Backend::Sqlite => {
                let (open, idle) = self.read.stats();
                vec![("read", open, idle), ("write", 1, self.write.idle())]
            }
            Backend::Postgres => {
                let (open, idle) = self.read.stats();
                vec![("shared", open, idle)]
            }
        }
    }

    /// How many write transactions this process has committed through this store (and
    /// its clones). A value read from the database stays true until this number changes,
    /// as far as this process's own writes go; read it before the value it guards.
    pub fn local_commits(&self) -> u64 {
        self.shared
            .commits
            .load(std::sync::atomic::Ordering::Acquire)
    }

    /// How many audit appends of this store inserted on the head it guessed, and how many
    /// guesses were wrong and went the long way (see `audit::append`).
    pub fn head_guesses(&self) -> (u64, u64) {
        self.shared.head.counts()
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }

    /// Runs one statement outside any transaction on the write connection.
    pub(crate) async fn execute_on_writer(&self, sql: &str) -> Result<u64> {
        let done = self
            .write
            .with(async |conn| sql::query(sql).execute(conn).await)
            .await?;
        Ok(done.rows_affected())
    }
}

/// The file of a `sqlite://path?…` (or `sqlite:path`) URL; `None` for a database in memory.
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" || query.split('&').any(|p| p == "mode=memory") {
        return None;
    }
    Some(std::path::PathBuf::from(path))
}

/// Turns a unique-constraint violation into [`StorageError::Duplicate`] naming the
/// field, using the constraint names of the migrations (PostgreSQL reports the
/// constraint, SQLite the `table.column`).
pub(crate) fn map_unique(err: StorageError) -> StorageError {
    const KNOWN: [(&str, &str, &str); 2] = [
        ("unit_code_unique", "unit.code", "code"),
        ("account_username_unique", "account.username", "username"),
    ];
    let Some((constraint, message)) = err.unique_violation() else {
        return err;
    };
    for (name, column, field) in KNOWN {
        if constraint == name || message.contains(column) {
            return StorageError::Duplicate(field);
        }
    }
    err
}

/// SQLite's extended codes for a unique index or primary key refusing a row.
fn is_unique_code(extended: std::ffi::c_int) -> bool {
    extended == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
        || extended == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
}

impl StorageError {
    /// A unique index or primary key refused the row.
    pub(crate) fn is_unique_violation(&self) -> bool {
        self.unique_violation().is_some()
    }

    /// The constraint (PostgreSQL; empty on SQLite) and the database's message of a unique
    /// index or primary key refusing the row.
    fn unique_violation(&self) -> Option<(&str, &str)> {
        match self {
            StorageError::Database(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                Some((db.constraint().unwrap_or(""), db.message()))
            }
            StorageError::Sqlite(rusqlite::Error::SqliteFailure(f, message))
                if is_unique_code(f.extended_code) =>
            {
                Some(("", message.as_deref().unwrap_or("")))
            }
            _ => None,
        }
    }
}

/// Rows in one multi-row insert of [`insert_many`]: 300 rows of a few columns stay far
/// below both databases' limits on arguments (32,766 for SQLite, 65,535 for PostgreSQL).
const ROWS_PER_INSERT: usize = 300;

/// Inserts `rows` with `head` (`insert into t (a, b, c)`) and `columns` arguments per row,
/// bound by `bind` in the order of `head`'s columns, a few hundred rows per statement: each
/// statement is a round trip (to SQLite's thread, or PostgreSQL's server), and a balanced
/// assignment of 300 entries to 3 judges each was 900 of them (issue 7).
pub(crate) async fn insert_many<R>(
    conn: &mut Conn,
    head: &str,
    columns: usize,
    rows: &[R],
    bind: impl for<'q> Fn(sql::Query<'q>, &R) -> sql::Query<'q>,
) -> Result<()> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let tuples: Vec<String> = (0..chunk.len())
            .map(|row| {
                let args: Vec<String> = (1..=columns)
                    .map(|c| format!("${}", row * columns + c))
                    .collect();
                format!("({})", args.join(", "))
            })
            .collect();
        let sql = format!("{head} values {}", tuples.join(", "));
        let query = chunk.iter().fold(sql::query(&sql), &bind);
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Reads an integer flag column.
pub(crate) fn flag(v: i64) -> bool {
    v != 0
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::{sql, sqlite_file};

    #[test]
    fn the_file_of_a_sqlite_url_is_the_one_whose_log_gets_flushed() {
        let file = |url| sqlite_file(url);
        assert_eq!(
            file("sqlite:///srv/sangkien/sangkien.db?mode=rwc"),
            Some(PathBuf::from("/srv/sangkien/sangkien.db"))
        );
        assert_eq!(
            file("sqlite://dữ liệu/a.db"),
            Some(PathBuf::from("dữ liệu/a.db"))
        );
        assert_eq!(file("sqlite:a.db"), Some(PathBuf::from("a.db")));
        assert_eq!(file("sqlite::memory:"), None);
        assert_eq!(file("sqlite://a.db?cache=shared&mode=memory"), None);
        assert_eq!(file("postgres://localhost/test"), None);
    }

    /// Rows past one statement's worth go into the next statement, every one of them once,
    /// each column bound to its own placeholder.
    #[tokio::test]
    async fn many_rows_are_inserted_in_several_statements_all_of_them() {
        #![allow(clippy::expect_used)]
        let db = crate::testing::fresh(crate::testing::backend_from_env())
            .await
            .expect("fresh database");
        let store = super::Store::connect(&db.url).await.expect("connect");
        let rows: Vec<(i64, String)> = (0..2 * super::ROWS_PER_INSERT as i64 + 7)
            .map(|i| (i, format!("dòng {i}")))
            .collect();
        let (count, sum, last) = store
            .write
            .with(async |conn| {
                sql::query("create table many (n bigint primary key, label text not null)")
                    .execute(&mut *conn)
                    .await?;
                super::insert_many(conn, "insert into many (n, label)", 2, &rows, |q, r| {
                    q.bind(r.0).bind(r.1.clone())
                })
                .await?;
                let row = sql::query(
                    "select count(*), cast(sum(n) as bigint), max(label) from many where label = 'dòng ' || n",
                )
                .fetch_one(&mut *conn)
                .await?;
                Ok((
                    row.try_get::<i64, _>(0)?,
                    row.try_get::<i64, _>(1)?,
                    row.try_get::<String, _>(2)?,
                ))
            })
            .await
            .expect("insert");
        let n = rows.len() as i64;
        assert_eq!((count, sum), (n, n * (n - 1) / 2));
        assert_eq!(last, "dòng 99");
        store.close().await;
    }
}
