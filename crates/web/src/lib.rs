#![recursion_limit = "256"]
//! HTTP: two faces of the application layer (`sangkien-app`) that never import each
//! other. `api` reads JSON, calls one app operation and writes its result as JSON;
//! `pages` reads a typed form, calls the same operation and renders a typed view. What
//! both need (who is calling, reading bodies and uploads, sending files) is beside them.

pub mod api;
mod auth;
mod download;
mod error;
mod extract;
pub mod jobs;
pub mod logging;
pub mod metrics;
mod pages;
mod security;
mod upload;

use std::sync::Arc;

use axum::Router;
use sangkien_app::App;
use sangkien_files::FileStore;
use sangkien_storage::Store;

pub use error::ApiError;
pub use sangkien_app::{Clock, SystemClock, demo};

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

/// Shared state of every request: the application, and what only HTTP needs.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub config: Arc<WebConfig>,
    /// Rendered public pages by key, with the version they were rendered at: published
    /// results (which never change, version 0) and library entries (the library's change
    /// counter); see `public_cache`.
    pub public: Arc<std::sync::RwLock<std::collections::HashMap<String, (i64, PublicBody)>>>,
    pub metrics: Arc<metrics::Metrics>,
}

impl std::ops::Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
    }
}

/// A cached public response: content type and bytes.
pub type PublicBody = (&'static str, bytes::Bytes);

impl AppState {
    pub fn new(store: Store, files: FileStore, clock: Arc<dyn Clock>, config: WebConfig) -> Self {
        let metrics = Arc::<metrics::Metrics>::default();
        let writes = Arc::clone(&metrics);
        store.observe_writes(Arc::new(move |phase, took| writes.write_phase(phase, took)));
        let app = App::new(store, files, clock);
        let uploads = Arc::clone(&metrics);
        app.observe_uploads(move |phase, took| uploads.upload_phase(phase, took));
        Self {
            app,
            config: Arc::new(config),
            public: Arc::default(),
            metrics,
        }
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
) -> Result<axum::response::Response, sangkien_app::Error>
where
    F: std::future::Future<Output = Result<PublicBody, sangkien_app::Error>>,
{
    use axum::response::IntoResponse;
    let hit = state.public.read().ok().and_then(|c| {
        c.get(&key)
            .filter(|(v, _)| *v == version)
            .map(|(_, b)| b.clone())
    });
    let (content_type, body) = match hit {
        Some(v) => v,
        None => {
            let v = build.await?;
            if let Ok(mut c) = state.public.write() {
                c.insert(key, (version, v.clone()));
            }
            v
        }
    };
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, content_type),
            (axum::http::header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response())
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
