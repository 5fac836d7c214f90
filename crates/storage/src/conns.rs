//! Where connections come from. PostgreSQL: one sqlx pool for reads and writes. SQLite:
//! one write connection and a few read connections, each held through a mutex of our
//! own rather than a sqlx pool. sqlx's pool tests every connection given back with a
//! round trip to SQLite's thread, from a task it spawns, before anyone may have it again;
//! for a file on the same machine that test finds nothing, and on SQLite's single writer
//! it sat between one write transaction and the next (docs/DECISIONS.md).

use std::sync::Arc;
use std::time::Duration;

use futures_core::Stream;
use sqlx::{
    AnyConnection, AnyPool, Connection,
    any::{Any, AnyPoolOptions},
    pool::PoolConnection,
};
use tokio::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};

use crate::Result;

/// How long a request waits for a read connection before it is told the database is
/// unavailable.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How to open a SQLite connection.
#[derive(Debug, Clone)]
pub(crate) struct SqliteTarget {
    url: String,
    synchronous: &'static str,
}

impl SqliteTarget {
    /// `url` as given to `Store::connect`; a missing file is created.
    pub(crate) fn new(url: &str, synchronous: &'static str) -> SqliteTarget {
        let url = if url.contains('?') {
            url.to_string()
        } else {
            format!("{url}?mode=rwc")
        };
        SqliteTarget { url, synchronous }
    }

    /// A new connection with the pragmas every one of ours runs with: the write-ahead
    /// log, foreign keys, waiting for another process's write instead of failing, and how
    /// often to flush.
    async fn open(&self) -> Result<AnyConnection> {
        let mut conn = AnyConnection::connect(&self.url).await?;
        for pragma in [
            "pragma journal_mode = wal",
            "pragma foreign_keys = on",
            "pragma busy_timeout = 10000",
        ] {
            sqlx::query(pragma).execute(&mut conn).await?;
        }
        let pragma = format!("pragma synchronous = {}", self.synchronous);
        sqlx::query(&pragma).execute(&mut conn).await?;
        Ok(conn)
    }
}

// ---------- writes ----------

/// Where write transactions come from.
#[derive(Clone)]
pub(crate) enum Writer {
    /// PostgreSQL: the shared pool.
    Pooled(AnyPool),
    /// SQLite: the one write connection; `None` once the store is closed.
    Sole(Arc<Mutex<Option<SoleWriter>>>),
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Writer::Pooled(_) => "Writer::Pooled",
            Writer::Sole(_) => "Writer::Sole",
        })
    }
}

/// The connection a write transaction runs on.
pub(crate) enum TxConn {
    /// PostgreSQL: a transaction on a connection of the shared pool.
    Pooled(sqlx::Transaction<'static, Any>),
    /// SQLite: the one write connection, held until the commit.
    Sole(SoleTx),
}

impl Writer {
    pub(crate) async fn open_sqlite(target: SqliteTarget) -> Result<Writer> {
        Ok(Writer::Sole(Arc::new(Mutex::new(Some(SoleWriter {
            conn: target.open().await?,
            state: TxState::Autocommit,
            target,
        })))))
    }

    /// Waits for the write connection and begins a transaction on it.
    pub(crate) async fn begin(&self) -> Result<TxConn> {
        Ok(match self {
            Writer::Pooled(pool) => TxConn::Pooled(pool.begin().await?),
            Writer::Sole(writer) => {
                let held =
                    OwnedMutexGuard::try_map(writer.clone().lock_owned().await, Option::as_mut)
                        .map_err(|_| sqlx::Error::PoolClosed)?;
                let mut tx = SoleTx {
                    held,
                    writer: writer.clone(),
                };
                tx.held.ready().await?;
                // Marked first: a `begin` that fails or is abandoned halfway is rolled back
                // (and a connection that cannot roll back replaced) like any other.
                let waiting = tx.held.state == TxState::Waiting;
                tx.held.state = TxState::Open;
                if !waiting {
                    sqlx::query("begin").execute(&mut tx.held.conn).await?;
                }
                TxConn::Sole(tx)
            }
        })
    }

    /// Runs `f` on the write connection outside any transaction (migrations, raw SQL in
    /// tests).
    pub(crate) async fn with<T>(
        &self,
        f: impl AsyncFnOnce(&mut AnyConnection) -> Result<T>,
    ) -> Result<T> {
        match self {
            Writer::Pooled(pool) => f(&mut *pool.acquire().await?).await,
            Writer::Sole(w) => {
                let mut w = w.lock().await;
                let w = w.as_mut().ok_or(sqlx::Error::PoolClosed)?;
                f(w.outside_tx().await?).await
            }
        }
    }

    /// 1 when no transaction holds the write connection.
    pub(crate) fn idle(&self) -> usize {
        match self {
            Writer::Pooled(pool) => pool.num_idle(),
            Writer::Sole(w) => usize::from(w.try_lock().is_ok()),
        }
    }

    pub(crate) async fn close(&self) {
        match self {
            Writer::Pooled(pool) => pool.close().await,
            Writer::Sole(w) => {
                if let Some(w) = w.lock().await.take() {
                    let _ = w.conn.close().await;
                }
            }
        }
    }
}

impl TxConn {
    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        match self {
            TxConn::Pooled(t) => t,
            TxConn::Sole(t) => &mut t.held.conn,
        }
    }

    pub(crate) fn conn_ref(&self) -> &AnyConnection {
        match self {
            TxConn::Pooled(t) => t,
            TxConn::Sole(t) => &t.held.conn,
        }
    }

    /// Commits; on SQLite the next writer may begin as soon as this returns.
    ///
    /// On SQLite the next transaction's `begin` is sent with the `commit`, in the same
    /// round trip to SQLite's thread: a deferred `begin` takes no lock and no snapshot
    /// until the first statement after it, so the connection waits inside it exactly as
    /// it would outside one, and the next writer saves a round trip while it holds the
    /// one write connection (docs/DECISIONS.md).
    pub(crate) async fn commit(self) -> Result<()> {
        match self {
            TxConn::Pooled(t) => t.commit().await?,
            TxConn::Sole(mut t) => {
                let w = &mut *t.held;
                let mut results = sqlx::raw_sql("commit; begin").execute_many(&mut w.conn);
                match next(&mut results).await {
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Err(e.into()),
                    None => return Err(sqlx::Error::WorkerCrashed.into()),
                }
                // Committed, whatever happens to the `begin`.
                w.state = match next(&mut results).await {
                    Some(Ok(_)) => TxState::Waiting,
                    _ => {
                        tracing::warn!(
                            "the write connection's next transaction could not be begun early; it will be begun when needed"
                        );
                        TxState::Autocommit
                    }
                };
            }
        }
        Ok(())
    }
}

/// The next item of a stream of sqlx's.
async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| std::pin::Pin::new(&mut *stream).poll_next(cx)).await
}

/// SQLite's one write connection.
pub(crate) struct SoleWriter {
    conn: AnyConnection,
    state: TxState,
    target: SqliteTarget,
}

/// Where the write connection stands between statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TxState {
    /// No transaction.
    Autocommit,
    /// A deferred `begin` was sent with the last commit and no statement has run since:
    /// the next transaction starts without one (see [`TxConn::commit`]).
    Waiting,
    /// A transaction was begun and neither committed nor rolled back.
    Open,
}

impl SoleWriter {
    /// Makes sure no transaction is left open: a transaction dropped without a commit is
    /// rolled back here, by the next user of the connection, if its own rollback has not
    /// run yet. A connection that cannot roll back is replaced.
    async fn ready(&mut self) -> Result<&mut AnyConnection> {
        if self.state == TxState::Open {
            if let Err(e) = sqlx::query("rollback").execute(&mut self.conn).await {
                tracing::warn!(error = %e, "rolling back on the write connection failed; reopening it");
                self.conn = self.target.open().await?;
            }
            self.state = TxState::Autocommit;
        }
        Ok(&mut self.conn)
    }

    /// The connection outside any transaction, for statements that cannot run in one
    /// (migrations, pragmas): the `begin` sent with the last commit is ended first.
    async fn outside_tx(&mut self) -> Result<&mut AnyConnection> {
        self.ready().await?;
        if self.state == TxState::Waiting {
            sqlx::query("rollback").execute(&mut self.conn).await?;
            self.state = TxState::Autocommit;
        }
        Ok(&mut self.conn)
    }
}

/// A transaction on SQLite's write connection.
pub(crate) struct SoleTx {
    held: OwnedMappedMutexGuard<Option<SoleWriter>, SoleWriter>,
    writer: Arc<Mutex<Option<SoleWriter>>>,
}

impl Drop for SoleTx {
    /// Not committed: rolled back as soon as the connection is free (see
    /// [`SoleWriter::ready`]), so a failed request does not keep the database locked.
    /// Without a runtime, by the next `begin`.
    fn drop(&mut self) {
        if self.held.state == TxState::Open
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            let writer = self.writer.clone();
            runtime.spawn(async move {
                if let Some(w) = writer.lock().await.as_mut()
                    && let Err(e) = w.ready().await
                {
                    tracing::warn!(error = %e, "the write connection could not be reopened");
                }
            });
        }
    }
}

// ---------- reads ----------

/// Where read connections come from.
#[derive(Clone)]
pub(crate) enum Readers {
    /// PostgreSQL: the shared pool.
    Pooled(AnyPool),
    /// SQLite: a few connections, opened when first needed.
    Slots(Arc<ReadSlots>),
}

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Readers::Pooled(_) => "Readers::Pooled",
            Readers::Slots(_) => "Readers::Slots",
        })
    }
}

/// SQLite's read connections: one permit per slot, so a request holding a permit always
/// finds a free slot.
pub(crate) struct ReadSlots {
    slots: Vec<Arc<Mutex<Option<AnyConnection>>>>,
    permits: Arc<Semaphore>,
    target: SqliteTarget,
}

/// A read connection, given back when dropped.
pub enum ReadConn {
    Pooled(PoolConnection<Any>),
    Slot {
        conn: OwnedMappedMutexGuard<Option<AnyConnection>, AnyConnection>,
        /// Released after the slot (fields drop in order).
        _permit: OwnedSemaphorePermit,
    },
}

impl std::ops::Deref for ReadConn {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        match self {
            ReadConn::Pooled(c) => c,
            ReadConn::Slot { conn, .. } => conn,
        }
    }
}

impl std::ops::DerefMut for ReadConn {
    fn deref_mut(&mut self) -> &mut AnyConnection {
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
            Readers::Pooled(pool) => Ok(ReadConn::Pooled(pool.acquire().await?)),
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
                    *slot = Some(r.target.open().await?);
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
            Readers::Pooled(pool) => (pool.size(), pool.num_idle()),
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
            Readers::Pooled(pool) => pool.close().await,
            Readers::Slots(r) => {
                r.permits.close();
                for slot in &r.slots {
                    if let Some(conn) = slot.lock().await.take() {
                        let _ = conn.close().await;
                    }
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
