#![recursion_limit = "256"]
//! The HTTP layer: the JSON API under `/api/v1` and the Vietnamese pages, over the
//! same domain functions and storage. Handlers parse, authorize, call the domain, then
//! storage in one transaction, and render.

pub mod api;
mod auth;
pub mod demo;
mod error;
mod extract;
mod heavy;
mod idem;
pub mod jobs;
pub mod logging;
mod mail;
pub mod metrics;
mod pages;
mod security;

use std::sync::Arc;

use axum::Router;
use sangkien_files::FileStore;
use sangkien_storage::Store;

pub use error::ApiError;

/// The current time; tests replace it to move across deadlines.
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

/// Settings of the web layer.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Mark session cookies `Secure` (when served behind TLS).
    pub secure_cookies: bool,
    /// A token that lets a remote monitoring system read `/metrics` (Bearer); without
    /// it only local, unproxied requests may.
    pub metrics_token: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` is believed (for the login limits per
    /// address); empty: the peer address is the client's.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// Shared state of every request.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub files: FileStore,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<WebConfig>,
    /// Computed rankings by contest, with the (judging version, contest change time) they
    /// were computed at; see `api::judging::ranking_for`.
    pub rankings: Arc<std::sync::Mutex<RankingCache>>,
    /// Rendered public pages by key, with the version they were rendered at: published
    /// results (which never change, version 0) and library entries (the library's change
    /// counter); see `public_cache`.
    pub public: Arc<std::sync::RwLock<std::collections::HashMap<String, (i64, PublicBody)>>>,
    pub metrics: Arc<metrics::Metrics>,
    /// The library's change counter as last read: (version, this process's commits then,
    /// when); see `library_version`.
    pub library_seen: Arc<std::sync::Mutex<Option<(i64, u64, std::time::Instant)>>>,
}

/// A cached public response: content type and bytes.
pub type PublicBody = (&'static str, bytes::Bytes);

/// contest id → (judging version, contest `updated_at`, ranking JSON).
pub type RankingCache = std::collections::HashMap<i64, (i64, i64, Arc<serde_json::Value>)>;

impl AppState {
    pub fn new(store: Store, files: FileStore, clock: Arc<dyn Clock>, config: WebConfig) -> Self {
        let metrics = Arc::<metrics::Metrics>::default();
        let observed = Arc::clone(&metrics);
        store.observe_writes(Arc::new(move |phase, took| {
            observed.write_phase(phase, took)
        }));
        Self {
            store,
            files,
            clock,
            config: Arc::new(config),
            rankings: Arc::default(),
            public: Arc::default(),
            metrics,
            library_seen: Arc::default(),
        }
    }

    /// The library's change counter, which keys the cached public library pages. Read from
    /// the database at most once a second while this process commits nothing: a change made
    /// here shows at once, one made by another server process within a second (the pages
    /// are sent with `max-age=300` anyway). Saves the public entry page a database round
    /// trip on almost every request.
    pub async fn library_version(&self) -> Result<i64, ApiError> {
        const FRESH_FOR: std::time::Duration = std::time::Duration::from_secs(1);
        let commits = sangkien_storage::local_commits();
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
            *seen = Some((version, commits, std::time::Instant::now()));
        }
        Ok(version)
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }
}

/// Answers from the cache of public pages when it holds `key` at `version`, or builds,
/// stores (replacing another version) and answers. Only successful builds are kept (a
/// contest not yet published stays a 404 until it is).
pub async fn public_cache<F>(
    state: &AppState,
    key: String,
    version: i64,
    build: F,
) -> axum::response::Response
where
    F: std::future::Future<Output = Result<PublicBody, error::ApiError>>,
{
    use axum::response::IntoResponse;
    let hit = state.public.read().ok().and_then(|c| {
        c.get(&key)
            .filter(|(v, _)| *v == version)
            .map(|(_, b)| b.clone())
    });
    let (content_type, body) = match hit {
        Some(v) => v,
        None => match build.await {
            Ok(v) => {
                if let Ok(mut c) = state.public.write() {
                    c.insert(key, (version, v.clone()));
                }
                v
            }
            Err(e) => return e.into_response(),
        },
    };
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type),
            (axum::http::header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}

/// The whole application: API, pages, static files, security headers.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(api::router())
        .merge(pages::router())
        .route("/metrics", axum::routing::get(metrics::page))
        .fallback(error::fallback)
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            error::panic_response,
        ))
        .layer(logging::trace_layer())
        .layer(tower_http::request_id::PropagateRequestIdLayer::x_request_id())
        .layer(tower_http::request_id::SetRequestIdLayer::x_request_id(
            logging::RequestIds::default(),
        ))
        .with_state(state)
}
