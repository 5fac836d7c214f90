//! Where connections come from. PostgreSQL: one sqlx pool for reads and writes. SQLite:
//! one write connection and a few read connections, each held through a mutex of our
//! own rather than a sqlx pool. sqlx's pool tests every connection given back with a
//! round trip to SQLite's thread, from a task it spawns, before anyone may have it again;
//! for a file on the same machine that test finds nothing, and on SQLite's single writer
//! it sat between one write transaction and the next (docs/DECISIONS.md).

use std::sync::Arc;
use std::time::Duration;

use sqlx::{AnyConnection, AnyPool, Connection, any::AnyPoolOptions};
use tokio::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};

use crate::{
    Result, Shared, StorageError,
    sql::{Conn, Link},
};

/// How long a request waits for a read connection before it is told the database is
/// unavailable.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a statement waits for another process's write lock before it fails.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Prepared statements SQLite's write connection keeps (every storage function's few).
const STATEMENT_CACHE: usize = 256;

/// How to open a SQLite connection, and what the store's connections share.
#[derive(Clone)]
pub(crate) struct SqliteTarget {
    url: String,
    synchronous: &'static str,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for SqliteTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteTarget")
            .field("url", &self.url)
            .finish()
    }
}

impl SqliteTarget {
    /// `url` as given to `Store::connect`; a missing file is created.
    pub(crate) fn new(url: &str, synchronous: &'static str, shared: Arc<Shared>) -> SqliteTarget {
        let url = if url.contains('?') {
            url.to_string()
        } else {
            format!("{url}?mode=rwc")
        };
        SqliteTarget {
            url,
            synchronous,
            shared,
        }
    }

    /// A new connection run in place, with the store's shared state.
    fn open_conn(&self) -> Result<Conn> {
        Ok(Conn::new(
            Link::Lite(self.open_lite()?),
            self.shared.clone(),
        ))
    }

    /// The pragmas every connection of ours runs with: the write-ahead log, foreign keys,
    /// waiting for another process's write instead of failing, and how often to flush.
    fn pragmas(&self) -> String {
        format!(
            "pragma journal_mode = wal; pragma foreign_keys = on; \
             pragma busy_timeout = {}; pragma synchronous = {};",
            BUSY_TIMEOUT.as_millis(),
            self.synchronous
        )
    }

    /// A new sqlx connection (migrations).
    async fn open(&self) -> Result<AnyConnection> {
        let mut conn = AnyConnection::connect(&self.url).await?;
        sqlx::Executor::execute(&mut conn, sqlx::raw_sql(&self.pragmas())).await?;
        Ok(conn)
    }

    /// A connection run in place (see the `sql` module). `sqlite://path?mode=…`
    /// becomes SQLite's own URI `file:path?mode=…`, which names the same database as sqlx
    /// opens (a file, or a shared in-memory database).
    fn open_lite(&self) -> Result<rusqlite::Connection> {
        use rusqlite::OpenFlags;
        let rest = self.url.strip_prefix("sqlite:").unwrap_or(&self.url);
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        // A URI's path is percent-encoded: only these matter in a file name.
        let path = path
            .replace('%', "%25")
            .replace('?', "%3f")
            .replace('#', "%23");
        let uri = if query.is_empty() {
            format!("file:{path}")
        } else {
            format!("file:{path}?{query}")
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = rusqlite::Connection::open_with_flags(uri, flags)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        conn.execute_batch(&self.pragmas())?;
        Ok(conn)
    }
}

// ---------- writes ----------

/// Where write transactions come from.
#[derive(Clone)]
pub(crate) enum Writer {
    /// PostgreSQL: the shared pool.
    Pooled(AnyPool, Arc<Shared>),
    /// SQLite: the one write connection; `None` once the store is closed.
    Sole(Arc<Mutex<Option<SoleWriter>>>),
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Writer::Pooled(..) => "Writer::Pooled",
            Writer::Sole(_) => "Writer::Sole",
        })
    }
}

/// The connection a write transaction runs on.
pub(crate) enum TxConn {
    /// PostgreSQL: a transaction on a connection of the shared pool (`Link::PgTx`).
    Pooled(Conn),
    /// SQLite: the one write connection, held until the commit.
    Sole(SoleTx),
}

impl Writer {
    pub(crate) fn open_sqlite(target: SqliteTarget) -> Result<Writer> {
        Ok(Writer::Sole(Arc::new(Mutex::new(Some(SoleWriter {
            conn: target.open_conn()?,
            open: false,
            target,
        })))))
    }

    /// Waits for the write connection and begins a transaction on it.
    pub(crate) async fn begin(&self) -> Result<TxConn> {
        Ok(match self {
            Writer::Pooled(pool, shared) => {
                TxConn::Pooled(Conn::new(Link::PgTx(pool.begin().await?), shared.clone()))
            }
            Writer::Sole(writer) => {
                let held =
                    OwnedMutexGuard::try_map(writer.clone().lock_owned().await, Option::as_mut)
                        .map_err(|_| sqlx::Error::PoolClosed)?;
                let mut tx = SoleTx { held };
                tx.held.ready()?;
                // Marked first: a `begin` that fails halfway is rolled back (and a
                // connection that cannot roll back replaced) like any other.
                tx.held.open = true;
                // The write lock is taken at once: this is the one writer of the process,
                // and a transaction that read first and then found another process's
                // write would fail instead of waiting.
                tx.held.lite()?.execute_batch("begin immediate")?;
                TxConn::Sole(tx)
            }
        })
    }

    /// Runs `f` on the write connection outside any transaction (statements that cannot
    /// run in one, raw SQL in tests).
    pub(crate) async fn with<T>(&self, f: impl AsyncFnOnce(&mut Conn) -> Result<T>) -> Result<T> {
        match self {
            Writer::Pooled(pool, shared) => {
                f(&mut Conn::new(
                    Link::Pooled(pool.acquire().await?),
                    shared.clone(),
                ))
                .await
            }
            Writer::Sole(w) => {
                let mut w = w.lock().await;
                let w = w.as_mut().ok_or(sqlx::Error::PoolClosed)?;
                w.ready()?;
                f(&mut w.conn).await
            }
        }
    }

    /// Runs `f` on a sqlx connection that may write, while no write transaction runs
    /// (migrations: sqlx's migrator wants one of its own connections).
    pub(crate) async fn with_sqlx<T>(
        &self,
        f: impl AsyncFnOnce(&mut AnyConnection) -> Result<T>,
    ) -> Result<T> {
        match self {
            Writer::Pooled(pool, _) => f(&mut *pool.acquire().await?).await,
            Writer::Sole(w) => {
                let mut w = w.lock().await;
                let w = w.as_mut().ok_or(sqlx::Error::PoolClosed)?;
                w.ready()?;
                let mut conn = w.target.open().await?;
                let result = f(&mut conn).await;
                // The write connection reads before the other one closes: it then holds
                // the log open, so the other's close is not the last one, which would
                // checkpoint the log into the database and delete it.
                w.lite()?
                    .query_row("select count(*) from sqlite_master", [], |_| Ok(()))?;
                let _ = conn.close().await;
                result
            }
        }
    }

    /// 1 when no transaction holds the write connection.
    pub(crate) fn idle(&self) -> usize {
        match self {
            Writer::Pooled(pool, _) => pool.num_idle(),
            Writer::Sole(w) => usize::from(w.try_lock().is_ok()),
        }
    }

    pub(crate) async fn close(&self) {
        match self {
            Writer::Pooled(pool, _) => pool.close().await,
            Writer::Sole(w) => {
                // Dropped: rusqlite closes the connection.
                w.lock().await.take();
            }
        }
    }
}

impl TxConn {
    pub(crate) fn conn(&mut self) -> &mut Conn {
        match self {
            TxConn::Pooled(c) => c,
            TxConn::Sole(t) => &mut t.held.conn,
        }
    }

    pub(crate) fn conn_ref(&self) -> &Conn {
        match self {
            TxConn::Pooled(c) => c,
            TxConn::Sole(t) => &t.held.conn,
        }
    }

    /// Commits; on SQLite the next writer may begin as soon as this returns.
    pub(crate) async fn commit(self) -> Result<()> {
        match self {
            TxConn::Pooled(c) => match c.into_link() {
                Link::PgTx(t) => t.commit().await?,
                _ => return Err(StorageError::Corrupt("not a transaction".into())),
            },
            TxConn::Sole(mut t) => {
                t.held.lite()?.execute_batch("commit")?;
                t.held.open = false;
            }
        }
        Ok(())
    }
}

/// SQLite's one write connection.
pub(crate) struct SoleWriter {
    /// Always `Link::Lite`.
    conn: Conn,
    /// A transaction was begun and neither committed nor rolled back.
    open: bool,
    target: SqliteTarget,
}

impl SoleWriter {
    fn lite(&mut self) -> Result<&mut rusqlite::Connection> {
        match self.conn.link() {
            Link::Lite(c) => Ok(c),
            _ => Err(StorageError::Corrupt(
                "the write connection is not SQLite's".into(),
            )),
        }
    }

    /// Rolls back a transaction left open; a connection that cannot roll back is
    /// replaced.
    fn ready(&mut self) -> Result<()> {
        if self.open {
            if let Err(e) = self.lite()?.execute_batch("rollback") {
                tracing::warn!(error = %e, "rolling back on the write connection failed; reopening it");
                self.conn = self.target.open_conn()?;
            }
            self.open = false;
        }
        Ok(())
    }
}

/// A transaction on SQLite's write connection.
pub(crate) struct SoleTx {
    held: OwnedMappedMutexGuard<Option<SoleWriter>, SoleWriter>,
}

impl Drop for SoleTx {
    /// Not committed: rolled back at once (it runs in place), so a failed request does not
    /// keep the database locked. A rollback that fails is tried again, or the connection
    /// replaced, by the next `begin`.
    fn drop(&mut self) {
        if self.held.open
            && let Ok(c) = self.held.lite()
            && c.execute_batch("rollback").is_ok()
        {
            self.held.open = false;
        }
    }
}

// ---------- reads ----------

/// Where read connections come from.
#[derive(Clone)]
pub(crate) enum Readers {
    /// PostgreSQL: the shared pool.
    Pooled(AnyPool, Arc<Shared>),
    /// SQLite: a few connections, opened when first needed.
    Slots(Arc<ReadSlots>),
}

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Readers::Pooled(..) => "Readers::Pooled",
            Readers::Slots(_) => "Readers::Slots",
        })
    }
}

/// SQLite's read connections, rusqlite ones run in place like the write connection
/// (docs/DECISIONS.md, "SQLite's reads run in place too"): one permit per slot, so a
/// request holding a permit always finds a free slot.
pub(crate) struct ReadSlots {
    slots: Vec<Arc<Mutex<Option<Conn>>>>,
    permits: Arc<Semaphore>,
    target: SqliteTarget,
}

/// A read connection, given back when dropped.
pub enum ReadConn {
    /// PostgreSQL: a pooled connection (`Link::Pooled`).
    Pooled(Conn),
    Slot {
        conn: OwnedMappedMutexGuard<Option<Conn>, Conn>,
        /// Released after the slot (fields drop in order).
        _permit: OwnedSemaphorePermit,
    },
}

impl std::ops::Deref for ReadConn {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        match self {
            ReadConn::Pooled(c) => c,
            ReadConn::Slot { conn, .. } => conn,
        }
    }
}

impl std::ops::DerefMut for ReadConn {
    fn deref_mut(&mut self) -> &mut Conn {
        match self {
            ReadConn::Pooled(c) => c,
            ReadConn::Slot { conn, .. } => conn,
        }
    }
}

impl Readers {
    pub(crate) fn sqlite(target: SqliteTarget, count: usize) -> Readers {
        Readers::Slots(Arc::new(ReadSlots {
            slots: (0..count).map(|_| Arc::new(Mutex::new(None))).collect(),
            permits: Arc::new(Semaphore::new(count)),
            target,
        }))
    }

    pub(crate) async fn acquire(&self) -> Result<ReadConn> {
        match self {
            Readers::Pooled(pool, shared) => Ok(ReadConn::Pooled(Conn::new(
                Link::Pooled(pool.acquire().await?),
                shared.clone(),
            ))),
            Readers::Slots(r) => {
                let permit = tokio::time::timeout(READ_TIMEOUT, r.permits.clone().acquire_owned())
                    .await
                    .map_err(|_| sqlx::Error::PoolTimedOut)?
                    .map_err(|_| sqlx::Error::PoolClosed)?;
                let mut slot = r
                    .slots
                    .iter()
                    .find_map(|s| s.clone().try_lock_owned().ok())
                    .ok_or(sqlx::Error::PoolTimedOut)?;
                if slot.is_none() {
                    *slot = Some(r.target.open_conn()?);
                }
                let conn = OwnedMutexGuard::try_map(slot, Option::as_mut)
                    .map_err(|_| sqlx::Error::PoolClosed)?;
                Ok(ReadConn::Slot {
                    conn,
                    _permit: permit,
                })
            }
        }
    }

    /// (connections open, of which idle).
    pub(crate) fn stats(&self) -> (u32, usize) {
        match self {
            Readers::Pooled(pool, _) => (pool.size(), pool.num_idle()),
            Readers::Slots(r) => {
                r.slots
                    .iter()
                    .fold((0, 0), |(open, idle), s| match s.try_lock() {
                        Ok(c) if c.is_some() => (open + 1, idle + 1),
                        Ok(_) => (open, idle),
                        Err(_) => (open + 1, idle),
                    })
            }
        }
    }

    /// Closes every connection; later requests are refused.
    pub(crate) async fn close(&self) {
        match self {
            Readers::Pooled(pool, _) => pool.close().await,
            Readers::Slots(r) => {
                r.permits.close();
                for slot in &r.slots {
                    // Dropped: rusqlite closes the connection.
                    slot.lock().await.take();
                }
            }
        }
    }
}

/// The pool of a PostgreSQL database, for reads and writes.
pub(crate) async fn postgres_pool(url: &str) -> Result<AnyPool> {
    Ok(AnyPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await?)
}
