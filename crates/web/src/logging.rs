//! Request logs: one line per request with its id (`x-request-id`, taken from the
//! proxy when it sent one, made here otherwise and returned to the caller), method,
//! route pattern, status and time. Never the path itself or the query: they may hold
//! user names or search words.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::{
    extract::MatchedPath,
    http::{Request, Response},
};
use tower_http::{
    classify::{ServerErrorsAsFailures, SharedClassifier},
    request_id::{MakeRequestId, RequestId},
    trace::{MakeSpan, OnResponse, TraceLayer},
};
use tracing::Span;

/// Request ids: a random prefix per process and a counter, so ids from several
/// processes on one database do not collide and stay short in logs.
#[derive(Clone)]
pub struct RequestIds {
    prefix: String,
    next: std::sync::Arc<AtomicU64>,
}

impl Default for RequestIds {
    fn default() -> Self {
        let mut bytes = [0u8; 4];
        // Without randomness the ids are still unique within the process.
        let _ = getrandom::getrandom(&mut bytes);
        RequestIds {
            prefix: hex::encode(bytes),
            next: std::sync::Arc::new(AtomicU64::new(1)),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        format!("{}-{n}", self.prefix)
            .parse()
            .ok()
            .map(RequestId::new)
    }
}

#[derive(Clone, Copy)]
pub struct Spans;

impl<B> MakeSpan<B> for Spans {
    fn make_span(&mut self, req: &Request<B>) -> Span {
        let id = req
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        let route = req
            .extensions()
            .get::<MatchedPath>()
            .map(MatchedPath::as_str)
            .unwrap_or("-");
        tracing::info_span!("request", id, method = %req.method(), route)
    }
}

#[derive(Clone, Copy)]
pub struct Responses;

impl<B> OnResponse<B> for Responses {
    fn on_response(self, res: &Response<B>, latency: std::time::Duration, _: &Span) {
        tracing::info!(
            status = res.status().as_u16(),
            ms = (latency.as_secs_f64() * 100_000.0).round() / 100.0,
            "answered"
        );
    }
}

pub type Trace = TraceLayer<SharedClassifier<ServerErrorsAsFailures>, Spans, (), Responses>;

pub fn trace_layer() -> Trace {
    TraceLayer::new_for_http()
        .make_span_with(Spans)
        .on_request(())
        .on_response(Responses)
}
