//! Bad input always gets a 4xx with the SPEC error body, never a 500 or a panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{TestApp, contest_body};
use serde_json::json;

fn assert_error_body(res: &common::Response, status: StatusCode, code: &str) {
    assert_eq!(res.status, status, "{}", res.text);
    assert_eq!(res.body["error"]["code"], code, "{}", res.text);
    let message = res.body["error"]["message"].as_str().unwrap_or("");
    assert!(!message.is_empty(), "message missing: {}", res.text);
}

#[tokio::test]
async fn malformed_requests_get_clear_4xx_errors() {
    let app = TestApp::new().await;
    let org = app.organizer().await;
    let json_ct = "application/json";

    let res = app
        .raw(
            Method::POST,
            "/api/v1/contests",
            &org,
            json_ct,
            b"{\"title\": ".to_vec(),
        )
        .await;
    assert_error_body(&res, StatusCode::BAD_REQUEST, "malformed_json");
    let res = app
        .raw(
            Method::POST,
            "/api/v1/contests",
            &org,
            json_ct,
            b"{\"title\": \"\xff\xfe\"}".to_vec(),
        )
        .await;
    assert_error_body(&res, StatusCode::BAD_REQUEST, "invalid_utf8");
    let res = app
        .raw(
            Method::POST,
            "/api/v1/contests",
            &org,
            "text/plain",
            b"{}".to_vec(),
        )
        .await;
    assert_error_body(
        &res,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );

    let mut wrong_type = contest_body();
    wrong_type["year"] = json!("hai nghìn");
    let res = app.post("/api/v1/contests", &org, wrong_type).await;
    assert_error_body(&res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(TestApp::fields(&res), vec!["year"]);

    let mut nested = contest_body();
    nested["criteria"][1]["max_points"] = json!("mười");
    let res = app.post("/api/v1/contests", &org, nested).await;
    assert_eq!(TestApp::fields(&res), vec!["criteria[1].max_points"]);

    let mut unknown = contest_body();
    unknown["criteria"][0]["weight"] = json!(2);
    let res = app.post("/api/v1/contests", &org, unknown).await;
    assert_eq!(TestApp::fields(&res), vec!["criteria[0].weight"]);

    let mut long = contest_body();
    long["topics"][0]["name"] = json!("Chủ đề ".repeat(100));
    let res = app.post("/api/v1/contests", &org, long).await;
    assert_eq!(TestApp::fields(&res), vec!["topics[0].name"]);

    let res = app.post("/api/v1/contests", &org, json!([1, 2, 3])).await;
    assert_error_body(&res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let res = app
        .patch("/api/v1/contests/1", &org, json!("không phải đối tượng"))
        .await;
    assert_error_body(&res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    let huge = vec![b' '; 3 * 1024 * 1024];
    let res = app
        .raw(Method::POST, "/api/v1/contests", &org, json_ct, huge)
        .await;
    assert_error_body(&res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");

    assert_error_body(
        &app.get("/api/v1/contests/abc", &org).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error_body(
        &app.get("/api/v1/contests/99999999999999999999", &org).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error_body(
        &app.get("/api/v1/contests/4242", &org).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error_body(
        &app.get("/api/v1/nowhere", &org).await,
        StatusCode::NOT_FOUND,
        "route_not_found",
    );
    assert_error_body(
        &app.get("/api/v1/contests/1/audit?page=0", &org).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );

    let res = app
        .upload(
            "/api/v1/units/import",
            &app.admin().await,
            "x.csv",
            b"code,name\nA,S\xe1",
        )
        .await;
    assert_error_body(&res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_file");
    let res = app
        .raw(
            Method::POST,
            "/api/v1/units/import",
            &app.admin().await,
            "multipart/form-data; boundary=x",
            b"garbage".to_vec(),
        )
        .await;
    assert!(res.status.is_client_error(), "{}", res.status);

    let res = app
        .call(Method::GET, "/api/v1/me", Some("not-a-token"), None)
        .await;
    assert_error_body(&res, StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn health_openapi_and_security_headers() {
    let app = TestApp::new().await;
    let res = app.call(Method::GET, "/health", None, None).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body["database"], "ok");
    let csp = res
        .headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"));
    assert_eq!(
        res.headers.get("x-content-type-options").unwrap(),
        "nosniff"
    );
    assert_eq!(res.headers.get("referrer-policy").unwrap(), "same-origin");
    assert_eq!(res.headers.get("x-frame-options").unwrap(), "DENY");

    // Every operation the OpenAPI document lists is routed (an unrouted one would
    // answer route_not_found or 405).
    let doc = app
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .body;
    assert_eq!(doc["openapi"], "3.1.0");
    let admin = app.admin().await;
    let mut count = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            let concrete = path
                .replace("{id}", "1")
                .replace("{aid}", "1")
                .replace("{code}", "SNV")
                .replace("{username}", "quantri");
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let res = app
                .call(m, &format!("/api/v1{concrete}"), Some(&admin), None)
                .await;
            assert_ne!(
                res.status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
            assert_ne!(
                res.body["error"]["code"], "route_not_found",
                "{method} {path}"
            );
            count += 1;
        }
    }
    assert_eq!(count, sangkien_web::api::openapi::operations().count());
}

#[tokio::test]
async fn a_database_that_went_away_gets_a_clear_503_not_a_500() {
    let app = TestApp::new().await;
    let token = app.organizer().await;
    app.store.close().await;
    for path in ["/api/v1/contests", "/api/v1/me"] {
        let res = app.get(path, &token).await;
        assert_eq!(
            res.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{path}: {}",
            res.text
        );
        assert_eq!(res.body["error"]["code"], "database_unavailable");
        assert!(
            res.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("Cơ sở dữ liệu tạm thời không phản hồi")
        );
    }
    let health = app.call(Method::GET, "/health", None, None).await;
    assert_eq!(health.status, StatusCode::SERVICE_UNAVAILABLE);
}
