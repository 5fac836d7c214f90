//! «Tài khoản của tôi»: a user changes their own password; the current one is needed,
//! and every other session of the account ends.

use super::*;

#[tokio::test]
async fn a_user_changes_their_password_and_their_other_sessions_end() {
    let app = TestApp::new().await;
    let here = web_login(&app, "hoaan.daumoi").await;
    let elsewhere = web_login(&app, "hoaan.daumoi").await;
    let api = app.login("hoaan.daumoi").await;
    let cookie = format!("sk_session={here}");
    let res = page(&app, "/account", Some(&here)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(res.text.contains("Đổi mật khẩu"), "{}", res.text);
    assert!(
        res.text.contains("href=\"/account\""),
        "the header links to it"
    );
    let csrf = hidden(&res.text, "csrf");
    let change = |current: &str, new: &str, again: &str| {
        encode(&[
            ("csrf", &csrf),
            ("current_password", current),
            ("new_password", new),
            ("new_password_again", again),
        ])
    };
    let new = "Mat-khau-moi-2026";
    let res = form(
        &app,
        "/account/password",
        &cookie,
        &change("sai-roi-123", new, new),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(
        res.text.contains("Mật khẩu hiện tại không đúng."),
        "{}",
        res.text
    );
    assert!(!res.text.contains(new), "passwords are never typed back");
    let res = form(
        &app,
        "/account/password",
        &cookie,
        &change("CaoBang@2021", new, "Mat-khau-khac-2026"),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("không giống nhau"), "{}", res.text);
    let res = form(
        &app,
        "/account/password",
        &cookie,
        &change("CaoBang@2021", "ngan1", "ngan1"),
    )
    .await;
    assert!(res.text.contains("ít nhất 10 ký tự"), "{}", res.text);

    let res = form(
        &app,
        "/account/password",
        &cookie,
        &change("CaoBang@2021", new, new),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(res.headers[header::LOCATION], "/account?done=password");
    // This session goes on; the others are over.
    let res = page(&app, "/account?done=password", Some(&here)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.text.contains("Đã đổi mật khẩu."), "{}", res.text);
    assert_eq!(
        page(&app, "/account", Some(&elsewhere)).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.get("/api/v1/me", &api).await.status,
        StatusCode::UNAUTHORIZED
    );
    // The new password signs in; the old one no longer does.
    let old = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(serde_json::json!({"username": "hoaan.daumoi", "password": "CaoBang@2021"})),
        )
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED, "{}", old.text);
    let fresh = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(serde_json::json!({"username": "hoaan.daumoi", "password": new})),
        )
        .await;
    assert_eq!(fresh.status, StatusCode::OK, "{}", fresh.text);
}
