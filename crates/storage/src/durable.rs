//! Group commit for SQLite (docs/DECISIONS.md).
//!
//! The connections run with `synchronous = normal`: a commit writes its frames to the
//! write-ahead log and releases the write lock without waiting for the disk. Before a
//! commit is reported to the caller, one thread calls `fdatasync` on the log, once for
//! every commit made before that call started — so a burst of writers shares one flush
//! instead of queueing behind one flush each, and nothing is acknowledged that a power cut
//! could take back. The log only grows at its end and SQLite's recovery keeps a prefix of
//! it, so a flush that covers a commit covers every commit before it.
//!
//! When the log has just been created (SQLite deletes it when the last connection
//! closes), the directory holding it is flushed too, so the file itself survives. When
//! it is gone, its content was checkpointed into the database file, which SQLite flushed;
//! the database file and directory are flushed again to be sure.

use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use tokio::sync::watch;

use crate::{Result, StorageError};

/// One database file's flusher; the thread stops when the last handle is dropped.
#[derive(Debug)]
pub(crate) struct GroupCommit {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    /// How many commits are known to be on disk, or the error that stopped the flushing.
    flushed: watch::Sender<Flushed>,
    /// Flushes of the log, and of the database file when there was no log.
    log_flushes: AtomicU64,
    database_flushes: AtomicU64,
}

/// What the flusher has done so far (for the operations metrics and the tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlushStats {
    /// Commits that waited for a flush.
    pub commits: u64,
    /// `fdatasync` calls on the log: fewer than the commits when they came together.
    pub log_flushes: u64,
    /// Flushes of the database file because the log had been checkpointed and removed.
    pub database_flushes: u64,
}

#[derive(Debug, Default)]
struct State {
    /// Commits made so far (each waits until `flushed` reaches its number).
    committed: u64,
    stop: bool,
}

#[derive(Debug, Clone)]
enum Flushed {
    Upto(u64),
    /// A flush failed: after that, nothing written can be said to be on disk (the
    /// kernel may have dropped the pages it could not write), so every later commit is
    /// reported as failed until the server is restarted.
    Failed(String),
}

impl GroupCommit {
    /// Starts the flusher for the SQLite database at `database` (its log is
    /// `<database>-wal`).
    pub(crate) fn start(database: &Path) -> std::io::Result<GroupCommit> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
            flushed: watch::Sender::new(Flushed::Upto(0)),
            log_flushes: AtomicU64::new(0),
            database_flushes: AtomicU64::new(0),
        });
        let files = Files::of(database);
        let thread = shared.clone();
        std::thread::Builder::new()
            .name("sqlite-flush".into())
            .spawn(move || flusher(&thread, files))?;
        Ok(GroupCommit { shared })
    }

    pub(crate) fn stats(&self) -> FlushStats {
        FlushStats {
            commits: lock(&self.shared.state).committed,
            log_flushes: self.shared.log_flushes.load(Ordering::Relaxed),
            database_flushes: self.shared.database_flushes.load(Ordering::Relaxed),
        }
    }

    /// Waits until every commit made before this call is on disk.
    pub(crate) async fn durable(&self) -> Result<()> {
        let mine = {
            let mut state = lock(&self.shared.state);
            state.committed += 1;
            self.shared.wake.notify_one();
            state.committed
        };
        let mut flushed = self.shared.flushed.subscribe();
        let reached = flushed
            .wait_for(|f| !matches!(f, Flushed::Upto(n) if *n < mine))
            .await
            .map_err(|_| StorageError::Flush("the flushing thread stopped".into()))?;
        match &*reached {
            Flushed::Upto(_) => Ok(()),
            Flushed::Failed(e) => Err(StorageError::Flush(e.clone())),
        }
    }
}

impl Drop for GroupCommit {
    fn drop(&mut self) {
        lock(&self.shared.state).stop = true;
        self.shared.wake.notify_one();
    }
}

fn lock(m: &Mutex<State>) -> MutexGuard<'_, State> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

struct Files {
    database: PathBuf,
    wal: PathBuf,
    directory: PathBuf,
}

impl Files {
    fn of(database: &Path) -> Files {
        let mut wal = database.as_os_str().to_owned();
        wal.push("-wal");
        let directory = match database.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Files {
            database: database.to_path_buf(),
            wal: PathBuf::from(wal),
            directory,
        }
    }
}

fn flusher(shared: &Shared, files: Files) {
    let mut done = 0;
    // The log file last flushed (device, inode): a new one needs its directory flushed.
    let mut known = None;
    loop {
        let target = {
            let mut state = lock(&shared.state);
            while state.committed == done && !state.stop {
                state = shared
                    .wake
                    .wait(state)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
            }
            if state.committed == done {
                return;
            }
            state.committed
        };
        match flush(&files, &mut known) {
            Ok(log) => {
                let counter = if log {
                    &shared.log_flushes
                } else {
                    &shared.database_flushes
                };
                counter.fetch_add(1, Ordering::Relaxed);
                done = target;
                shared.flushed.send_replace(Flushed::Upto(done));
            }
            Err(e) => {
                tracing::error!(error = %e, file = %files.wal.display(), "flushing the SQLite log failed; every later write will be refused");
                shared.flushed.send_replace(Flushed::Failed(e.to_string()));
                return;
            }
        }
    }
}

/// Flushes the log (true), or the database file when there is no log (false).
fn flush(files: &Files, known: &mut Option<(u64, u64)>) -> std::io::Result<bool> {
    match File::open(&files.wal) {
        Ok(wal) => {
            wal.sync_data()?;
            let meta = wal.metadata()?;
            let id = Some((meta.dev(), meta.ino()));
            if *known != id {
                File::open(&files.directory)?.sync_all()?;
                *known = id;
            }
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            File::open(&files.database)?.sync_data()?;
            File::open(&files.directory)?.sync_all()?;
            *known = None;
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_waiter_returns_once_the_log_is_flushed() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        std::fs::write(&db, b"").unwrap();
        std::fs::write(dir.path().join("x.db-wal"), b"frames").unwrap();
        let group = Arc::new(GroupCommit::start(&db).unwrap());
        let waiters: Vec<_> = (0..50)
            .map(|_| {
                let g = group.clone();
                tokio::spawn(async move { g.durable().await })
            })
            .collect();
        for w in waiters {
            w.await.unwrap().unwrap();
        }
        let stats = group.stats();
        assert_eq!(stats.commits, 50);
        assert!((1..=50).contains(&stats.log_flushes), "{stats:?}");
        assert_eq!(stats.database_flushes, 0);
        // Without a log the database file is flushed instead.
        std::fs::remove_file(dir.path().join("x.db-wal")).unwrap();
        group.durable().await.unwrap();
        assert_eq!(group.stats().database_flushes, 1);
    }

    #[tokio::test]
    async fn a_failed_flush_fails_this_and_every_later_commit() {
        let dir = tempfile::tempdir().unwrap();
        // Neither the log nor the database exists: the flush cannot happen.
        let group = GroupCommit::start(&dir.path().join("missing.db")).unwrap();
        assert!(matches!(group.durable().await, Err(StorageError::Flush(_))));
        assert!(matches!(group.durable().await, Err(StorageError::Flush(_))));
    }
}
