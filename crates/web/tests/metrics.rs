//! `/metrics` and request ids: who may read the metrics, what they count (route
//! patterns, not paths), and the `x-request-id` every answer carries.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use common::TestApp;
use http_body_util::BodyExt;
use sangkien_web::WebConfig;
use tower::ServiceExt;

async fn get(
    router: &axum::Router,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut req = Request::builder().uri(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = router
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).to_string())
}

/// The app's state and router configured with a metrics `token`, as a remote monitoring
/// system reaches them (the test router has no peer address, so never counts as loopback).
fn monitored(app: &TestApp, token: &str) -> (sangkien_web::AppState, axum::Router) {
    let mut state = app.state.clone();
    state.config = Arc::new(WebConfig {
        metrics_token: Some(token.into()),
        ..WebConfig::default()
    });
    let router = sangkien_web::app(state.clone());
    (state, router)
}

#[tokio::test]
async fn metrics_count_requests_by_route_pattern_for_the_monitoring_system_only() {
    let app = TestApp::new().await;
    let (state, router) = monitored(&app, "giam-sat-bi-mat");

    // Not from loopback, no token: refused, in Vietnamese.
    let (status, _, body) = get(&router, "/metrics", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("hệ thống giám sát"), "{body}");
    let (status, _, _) = get(&router, "/metrics", &[("authorization", "Bearer sai")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let org = app.organizer().await;
    let bearer = format!("Bearer {org}");
    for path in ["/api/v1/entries/1", "/api/v1/entries/3", "/api/v1/units"] {
        let (status, _, _) = get(&router, path, &[("authorization", &bearer)]).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    let (status, _, _) = get(&router, "/khong-co", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    sangkien_web::jobs::tick(&state, "test").await.unwrap();

    let (status, headers, body) = get(
        &router,
        "/metrics",
        &[("authorization", "Bearer giam-sat-bi-mat")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("openmetrics-text")
    );
    assert!(
        body.contains(r#"sangkien_http_requests_total{method="GET",route="/api/v1/entries/{id}",status="200"} 2"#),
        "{body}"
    );
    assert!(
        body.contains(r#"route="/api/v1/units",status="200"} 1"#),
        "{body}"
    );
    assert!(
        !body.contains("/entries/1") && !body.contains("khong-co"),
        "{body}"
    );
    assert!(
        body.contains("sangkien_http_request_duration_seconds_bucket"),
        "{body}"
    );
    assert!(body.contains("sangkien_db_pool_connections{"), "{body}");
    // SQLite's group commit: the demo's and the logins' commits, each waited for.
    let commits = body
        .lines()
        .find_map(|l| l.strip_prefix(r#"sangkien_db_group_commit{count="commits"} "#))
        .and_then(|n| n.parse::<u64>().ok());
    match sangkien_storage::testing::backend_from_env() {
        sangkien_storage::Backend::Sqlite => {
            assert!(commits.is_some_and(|n| n > 0), "{body}");
            assert!(
                body.contains(r#"sangkien_db_group_commit{count="log_flushes"} "#),
                "{body}"
            );
        }
        sangkien_storage::Backend::Postgres => assert_eq!(commits, None, "{body}"),
    }
    // The login's Argon2 memory, kept for the next hash (given back after 30 s idle).
    let kept = body
        .lines()
        .find_map(|l| l.strip_prefix("sangkien_password_hash_memory_bytes "))
        .and_then(|n| n.parse::<u64>().ok());
    assert_eq!(kept, Some(19 * 1024 * 1024), "{body}");
    assert!(
        body.contains(r#"sangkien_job_runs_total{job="reminders",outcome="ok"} 1"#),
        "{body}"
    );
    assert!(
        body.contains(r#"sangkien_job_runs_total{job="mail",outcome="ok"} 1"#),
        "{body}"
    );
    assert!(body.contains("# EOF"), "{body}");

    // Messages in the outbox show up by state.
    let mut tx = app.store.begin().await.unwrap();
    let account_id = sangkien_storage::account::get(&mut tx, "stp.daumoi")
        .await
        .unwrap()
        .unwrap()
        .id;
    let message = sangkien_storage::message::NewMessage {
        contest_id: Some(1),
        unit_code: Some("STP".into()),
        account_id: Some(account_id),
        kind: "reminder",
        subject: "Nhắc nộp sáng kiến".into(),
        body: "Kính gửi".into(),
        email: Some("daumoi@stp.caobang.gov.vn".into()),
    };
    sangkien_storage::message::queue(&mut tx, app.clock_now(), &message)
        .await
        .unwrap();
    sangkien_storage::Store::commit(tx).await.unwrap();
    let (_, _, body) = get(
        &router,
        "/metrics",
        &[("authorization", "Bearer giam-sat-bi-mat")],
    )
    .await;
    assert!(
        body.contains(r#"sangkien_outbox_messages{status="queued"} 1"#),
        "{body}"
    );
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_keeps_the_proxys() {
    let app = TestApp::new().await;
    let (_, a, _) = get(&app.router, "/public/contests", &[]).await;
    let (_, b, _) = get(&app.router, "/api/v1/units", &[]).await;
    let (ia, ib) = (
        a["x-request-id"].to_str().unwrap(),
        b["x-request-id"].to_str().unwrap(),
    );
    assert!(!ia.is_empty() && ia != ib, "{ia} {ib}");
    let (_, c, _) = get(
        &app.router,
        "/public/contests",
        &[("x-request-id", "nginx-42")],
    )
    .await;
    assert_eq!(c["x-request-id"], "nginx-42");
}

/// The count of a histogram series in a metrics page, `None` when it is not there.
fn count(body: &str, series: &str) -> Option<u64> {
    body.lines()
        .find_map(|l| l.strip_prefix(&format!("{series} ")))
        .and_then(|n| n.parse().ok())
}

#[tokio::test]
async fn metrics_time_write_transactions_and_each_phase_of_an_upload() {
    let app = TestApp::new().await;
    let (_, monitor) = monitored(&app, "giam-sat");
    let token = [("authorization", "Bearer giam-sat")];
    let org = app.organizer().await;
    let before = get(&monitor, "/metrics", &token).await.2;
    assert_eq!(
        count(
            &before,
            r#"sangkien_upload_phase_seconds_count{phase="receive"}"#
        ),
        None,
        "{before}"
    );
    let holds_before =
        count(&before, r#"sangkien_db_write_seconds_count{phase="hold"}"#).unwrap_or(0);

    // An entry created, given its PDF and submitted: three write transactions, one upload.
    let entry = serde_json::json!({
        "unit_code": "STP", "title": "Một cửa liên thông cấp huyện", "topic_code": "TTHC", "form": "scheme",
        "authors": [{"full_name": "Nguyễn Văn Bình", "workplace": "STP", "position": "Chuyên viên",
                     "qualification": "Cử nhân", "contribution_percent": 100}],
        "field_of_application": "Cải cách thủ tục hành chính", "first_applied_on": "2021-03-01",
        "implementation_status": "implemented",
        "description": {"current_situation": "Người dân phải đi lại nhiều lần.",
                        "solution": "Tiếp nhận và trả kết quả tại một nơi.", "novelty": "Lần đầu áp dụng.",
                        "conditions": "Có mạng Internet.", "benefits": "Tiết kiệm thời gian.",
                        "replication_scope": "Toàn tỉnh."},
    });
    app.submitted_entry(&org, 1, entry).await;

    let (status, _, body) = get(&monitor, "/metrics", &token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for phase in ["receive", "store_file", "record"] {
        assert_eq!(
            count(
                &body,
                &format!(r#"sangkien_upload_phase_seconds_count{{phase="{phase}"}}"#)
            ),
            Some(1),
            "{phase}: {body}"
        );
    }
    let holds = count(&body, r#"sangkien_db_write_seconds_count{phase="hold"}"#).unwrap();
    assert!(
        holds >= holds_before + 3,
        "{holds_before} → {holds}: {body}"
    );
    // Every transaction begun waited; those rolled back held nothing worth timing.
    let waits = count(&body, r#"sangkien_db_write_seconds_count{phase="wait"}"#).unwrap();
    assert!(waits >= holds, "{waits} {holds}: {body}");
    // Only SQLite in a file waits for its log to reach the disk.
    let durable = count(&body, r#"sangkien_db_write_seconds_count{phase="durable"}"#);
    match sangkien_storage::testing::backend_from_env() {
        sangkien_storage::Backend::Sqlite => assert_eq!(durable, Some(holds), "{body}"),
        sangkien_storage::Backend::Postgres => assert_eq!(durable, None, "{body}"),
    }
}
