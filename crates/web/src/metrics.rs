//! `/metrics` in the Prometheus (OpenMetrics) text format: requests and latencies by
//! route, the database pools, background jobs and the outbox.
//!
//! Routes are labelled by their pattern (`/entries/{id}`), never by the path a caller
//! sent, so the label set stays small and no identifier lands in a metric. The page is
//! for the monitoring system on the same machine: it answers requests from loopback that
//! did not come through a proxy, or requests carrying the configured token.

use std::{
    net::SocketAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

use axum::{
    extract::{ConnectInfo, MatchedPath, Request, State},
    http::{HeaderMap, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{
        counter::Counter,
        family::Family,
        gauge::Gauge,
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};

use sangkien_storage::WritePhase;

use crate::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    pool: String,
    state: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    job: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct GroupCommitLabels {
    count: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PhaseLabels {
    phase: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: String,
}

/// The metrics of one server process.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    pool: Family<PoolLabels, Gauge>,
    jobs: Family<JobLabels, Counter>,
    outbox: Family<StatusLabels, Gauge>,
    group_commit: Family<GroupCommitLabels, Gauge>,
    hash_memory: Gauge,
    write_phase: Family<PhaseLabels, Histogram>,
    upload_phase: Family<PhaseLabels, Histogram>,
    /// Serializes encoding (the gauges are set just before).
    encoding: Mutex<()>,
}

fn latency_histogram() -> Histogram {
    // 0.5 ms … about 8 s.
    Histogram::new(exponential_buckets(0.0005, 2.0, 15))
}

fn write_histogram() -> Histogram {
    // 50 µs … about 6.5 s: a transaction holds the write connection for well under a
    // millisecond, a writer queued in a rush waits seconds.
    Histogram::new(exponential_buckets(0.00005, 2.0, 18))
}

pub use sangkien_app::UploadPhase;

/// A family of histograms by `L`, each made by `make`, registered under `name`.
fn histograms<L>(
    registry: &mut Registry,
    name: &str,
    help: &str,
    make: fn() -> Histogram,
) -> Family<L, Histogram>
where
    L: Clone + std::fmt::Debug + std::hash::Hash + Eq + EncodeLabelSet + Send + Sync + 'static,
{
    let family = Family::<L, Histogram>::new_with_constructor(make);
    registry.register(name, help, family.clone());
    family
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("sangkien");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route pattern and status",
            requests.clone(),
        );
        let latency = histograms(
            &mut registry,
            "http_request_duration_seconds",
            "Time to answer, by method and route pattern",
            latency_histogram,
        );
        let pool = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Database connections by pool (read, write) and state (idle, busy)",
            pool.clone(),
        );
        let jobs = Family::<JobLabels, Counter>::default();
        registry.register(
            "job_runs",
            "Background job runs by job and outcome",
            jobs.clone(),
        );
        let outbox = Family::<StatusLabels, Gauge>::default();
        registry.register(
            "outbox_messages",
            "Messages in the outbox by status",
            outbox.clone(),
        );
        let group_commit = Family::<GroupCommitLabels, Gauge>::default();
        registry.register(
            "db_group_commit",
            "SQLite: commits that waited for the disk (commits), flushes of the log (log_flushes) and of the database file (database_flushes)",
            group_commit.clone(),
        );
        let hash_memory = Gauge::default();
        registry.register(
            "password_hash_memory_bytes",
            format!(
                "Argon2 working memory kept between password hashes (given back after {} s without one)",
                sangkien_app::password::MEMORY_IDLE.as_secs()
            ),
            hash_memory.clone(),
        );
        let write_phase = histograms(
            &mut registry,
            "db_write_seconds",
            "Write transactions: waiting for the write connection and beginning (wait, every transaction), holding it until the commit (hold, committed ones), waiting for the SQLite log to reach the disk (durable)",
            write_histogram,
        );
        let upload_phase = histograms(
            &mut registry,
            "upload_phase_seconds",
            "Accepted attachment uploads: reading the body (receive), syncing the file to disk (store_file), recording it in the database (record)",
            latency_histogram,
        );
        Metrics {
            registry,
            requests,
            latency,
            pool,
            jobs,
            outbox,
            group_commit,
            hash_memory,
            write_phase,
            upload_phase,
            encoding: Mutex::new(()),
        }
    }
}

impl Metrics {
    /// Counts one run of a background job.
    pub fn job_run(&self, job: &str, ok: bool) {
        self.jobs
            .get_or_create(&JobLabels {
                job: job.into(),
                outcome: if ok { "ok" } else { "error" }.into(),
            })
            .inc();
    }

    /// Times one phase of a write transaction (see
    /// [`sangkien_storage::Store::observe_writes`]).
    pub fn write_phase(&self, phase: WritePhase, took: Duration) {
        self.write_phase
            .get_or_create(&PhaseLabels {
                phase: phase.as_str(),
            })
            .observe(took.as_secs_f64());
    }

    /// Times one phase of an accepted upload.
    pub fn upload_phase(&self, phase: UploadPhase, took: Duration) {
        let phase = match phase {
            UploadPhase::Receive => "receive",
            UploadPhase::StoreFile => "store_file",
            UploadPhase::Record => "record",
        };
        self.upload_phase
            .get_or_create(&PhaseLabels { phase })
            .observe(took.as_secs_f64());
    }

    fn record(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.into(),
                route: route.into(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                method: method.into(),
                route: route.into(),
            })
            .observe(seconds);
    }
}

/// Middleware: times every request and counts it under its route pattern.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "(không có)".into());
    let method = req.method().as_str().to_string();
    let started = Instant::now();
    let res = next.run(req).await;
    state.metrics.record(
        &method,
        &route,
        res.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    res
}

/// Whether the caller may read the metrics: loopback without a proxy in between, or
/// the configured token.
fn allowed(state: &AppState, headers: &HeaderMap, peer: Option<SocketAddr>) -> bool {
    if let Some(token) = state.config.metrics_token.as_deref() {
        let sent = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if sent.is_some_and(|s| sangkien_app::session::same_secret(s.trim(), token)) {
            return true;
        }
    }
    let proxied = headers.contains_key("x-forwarded-for") || headers.contains_key("forwarded");
    !proxied && peer.is_some_and(|p| p.ip().is_loopback())
}

/// `GET /metrics`.
pub async fn page(State(state): State<AppState>, req: Request) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    if !allowed(&state, req.headers(), peer) {
        return (
            StatusCode::FORBIDDEN,
            "Chỉ hệ thống giám sát trên cùng máy chủ (hoặc có mã truy cập) mới xem được số liệu vận hành.\n",
        )
            .into_response();
    }
    let m = &state.metrics;
    for (pool, size, idle) in state.store.pool_stats() {
        let (size, idle) = (i64::from(size), idle as i64);
        for (s, n) in [("idle", idle), ("busy", (size - idle).max(0))] {
            m.pool
                .get_or_create(&PoolLabels {
                    pool: pool.into(),
                    state: s.into(),
                })
                .set(n);
        }
    }
    if let Some(f) = state.store.flush_stats() {
        for (count, n) in [
            ("commits", f.commits),
            ("log_flushes", f.log_flushes),
            ("database_flushes", f.database_flushes),
        ] {
            m.group_commit
                .get_or_create(&GroupCommitLabels {
                    count: count.into(),
                })
                .set(i64::try_from(n).unwrap_or(i64::MAX));
        }
    }
    m.hash_memory
        .set(i64::try_from(sangkien_app::password::kept_hash_memory()).unwrap_or(i64::MAX));
    if let Ok(mut conn) = state.store.reader().await
        && let Ok(counts) = sangkien_storage::message::count_by_status(&mut conn).await
    {
        for (status, n) in counts {
            m.outbox.get_or_create(&StatusLabels { status }).set(n);
        }
    }
    let mut body = String::new();
    let encoded = {
        let _guard = m.encoding.lock();
        prometheus_client::encoding::text::encode(&mut body, &m.registry)
    };
    if encoded.is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        body,
    )
        .into_response()
}
