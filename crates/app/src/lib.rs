//! The application layer: one module per noun, one public function per action. Each
//! takes the caller (an [`Account`]), a typed input and the [`App`]; opens the
//! transaction; decides who may act (here, or in the domain where it is a rule); asks
//! the domain; writes through storage and the audit; and returns a typed result. The
//! JSON API, the pages, the CLI and the background jobs all call these functions, so a
//! rule is enforced the same way whichever door a request comes through.
//!
//! Result types serialise to the API's JSON (SPEC §4), so the API only passes them on.

pub mod archive;
pub mod audit_log;
pub mod award;
pub mod contest;
pub mod coverage;
pub mod demo;
pub mod entry;
mod error;
pub mod export;
pub mod heavy;
pub mod idem;
pub mod import;
pub mod internal;
pub mod jobs;
pub mod json;
pub mod judging;
pub mod library;
pub mod mail;
pub mod notify;
pub mod password;
pub mod publication;
pub mod session;
pub mod setting;
pub mod unit;
pub mod user;

use std::{
    sync::{Arc, Mutex, OnceLock},
    time::{Duration, Instant},
};

use sangkien_domain::account::Role;
use sangkien_files::FileStore;
use sangkien_storage::{Store, account::Account};

pub use error::{Error, ErrorKind, Result};

/// The current time; tests and demos replace it to move across deadlines.
pub trait Clock: Send + Sync {
    /// UTC seconds.
    fn now(&self) -> i64;
}

/// The wall clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        sangkien_domain::time::now_seconds()
    }
}

/// A clock that stays where it is put.
pub struct FixedClock(pub i64);

impl Clock for FixedClock {
    fn now(&self) -> i64 {
        self.0
    }
}

/// The phases of an upload, for whoever measures them (`/metrics`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadPhase {
    /// Reading the body and writing it to a staged file.
    Receive,
    /// Syncing and renaming the file to its content address.
    StoreFile,
    /// The transaction that records it.
    Record,
}

type UploadObserver = Arc<dyn Fn(UploadPhase, Duration) + Send + Sync>;

/// What every operation works with: the database, the attachments on disk, the clock,
/// and what is kept between requests (computed rankings, the library's version).
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub files: FileStore,
    clock: Arc<dyn Clock>,
    rankings: Arc<Mutex<judging::ranking::Cache>>,
    /// The library's change counter as last read: (version, this process's commits then,
    /// when); see [`App::library_version`].
    library_seen: Arc<Mutex<Option<(i64, u64, Instant)>>>,
    uploads: Arc<OnceLock<UploadObserver>>,
    /// The published contests, with the (count, latest publication) they were read at.
    publications: Arc<Mutex<Option<publication::Kept>>>,
}

impl App {
    pub fn new(store: Store, files: FileStore, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            files,
            clock,
            rankings: Arc::default(),
            library_seen: Arc::default(),
            uploads: Arc::default(),
            publications: Arc::default(),
        }
    }

    /// UTC seconds by the application's clock.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Tells `observe` how long each phase of every upload took (set once).
    pub fn observe_uploads(&self, observe: impl Fn(UploadPhase, Duration) + Send + Sync + 'static) {
        let _ = self.uploads.set(Arc::new(observe));
    }

    fn upload_phase(&self, phase: UploadPhase, took: Duration) {
        if let Some(observe) = self.uploads.get() {
            observe(phase, took);
        }
    }

    /// The library's change counter, which keys cached public library pages. Read from
    /// the database at most once a second while this process commits nothing: a change made
    /// here shows at once, one made by another server process within a second (the pages
    /// are sent with `max-age=300` anyway). Saves the public entry page a database round
    /// trip on almost every request.
    pub async fn library_version(&self) -> Result<i64> {
        const FRESH_FOR: Duration = Duration::from_secs(1);
        let commits = self.store.local_commits();
        if let Ok(seen) = self.library_seen.lock()
            && let Some((version, at_commits, at)) = *seen
            && at_commits == commits
            && at.elapsed() < FRESH_FOR
        {
            return Ok(version);
        }
        let mut conn = self.store.reader().await?;
        let version = sangkien_storage::library::version(&mut conn).await?;
        if let Ok(mut seen) = self.library_seen.lock() {
            *seen = Some((version, commits, Instant::now()));
        }
        Ok(version)
    }
}

/// 403 unless the caller has one of `roles`.
pub fn require(user: &Account, roles: &[Role]) -> Result<()> {
    if roles.contains(&user.role) {
        Ok(())
    } else {
        Err(Error::forbidden())
    }
}

/// A page of a list: 1-based, with its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Paging {
    pub fn offset(self) -> i64 {
        (self.page - 1) * self.per_page
    }
}

impl Default for Paging {
    fn default() -> Self {
        Self {
            page: 1,
            per_page: 50,
        }
    }
}

/// One page of a list, with the total over every page.
#[derive(Debug, Clone)]
pub struct Listed<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub paging: Paging,
}
