//! What the logs say about a request: its id and route pattern, never a password, a
//! user name, an e-mail address or a search. Alone in its test binary: `tracing` caches
//! per call site whether anyone listens, and other tests running on other threads without
//! a subscriber would race with this one's.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_carry_request_ids_and_routes_but_no_personal_data() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = TestApp::new().await;
    let secret_password = "Mat-Khau-Rieng-2026";
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(serde_json::json!({"username": "snv.tochuc", "password": secret_password})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let admin = app.admin().await;
    let user = serde_json::json!({"username": "nong.thi.rieng", "full_name": "Nông Thị Riêng",
        "password": secret_password, "role": "focal", "unit_code": "STP",
        "email": "rieng.nt@caobang.gov.vn", "position": "Chuyên viên"});
    let res = app.post("/api/v1/users", &admin, user).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let res = app
        .patch(
            "/api/v1/users/nong.thi.rieng",
            &admin,
            serde_json::json!({"position": "Phó Chánh Văn phòng"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let res = app
        .call(
            Method::GET,
            "/api/v1/public/library?q=Nông%20Thị%20Riêng",
            None,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("answered") && logs.contains("route=\"/api/v1/users/{username}\""),
        "{logs}"
    );
    assert!(logs.contains("id=\""), "{logs}");
    for private in [
        secret_password,
        "nong.thi.rieng",
        "Nông Thị Riêng",
        "Riêng",
        "rieng.nt@caobang.gov.vn",
        "snv.tochuc",
        "Bearer",
    ] {
        assert!(
            !logs.contains(private),
            "the logs contain «{private}»:\n{logs}"
        );
    }
}
