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

#[tokio::test]
async fn the_header_counts_unread_messages_until_the_inbox_is_opened() {
    let app = TestApp::new().await;
    app.set_now(common::OCT_15_2021);
    let admin = app.admin().await;
    let res = app
        .post(
            "/api/v1/users",
            &admin,
            serde_json::json!({"username": "htk.daumoi", "full_name": "Đầu Mối Thử",
                "password": common::PASSWORD, "role": "focal", "unit_code": "HTK"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let unit = web_login(&app, "htk.daumoi").await;
    let home = page(&app, "/", Some(&unit)).await;
    assert!(!home.text.contains("id=\"unread\""), "nothing yet");
    let org = app.organizer().await;
    let res = app
        .post("/api/v1/contests/1/reminders", &org, serde_json::json!({}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let home = page(&app, "/", Some(&unit)).await;
    assert!(
        home.text
            .contains("id=\"unread\">1<span class=\"visually-hidden\"> thư chưa đọc"),
        "{}",
        home.text
    );
    let inbox = page(&app, "/notifications", Some(&unit)).await;
    assert_eq!(inbox.status, StatusCode::OK);
    assert!(inbox.text.contains("class=\"unread\""), "shown as new once");
    assert!(inbox.text.contains("Nhắc nộp sáng kiến"));
    assert!(!inbox.text.contains("id=\"unread\""), "read now");
    let home = page(&app, "/", Some(&unit)).await;
    assert!(!home.text.contains("id=\"unread\""));
    let inbox = page(&app, "/notifications", Some(&unit)).await;
    assert!(!inbox.text.contains("class=\"unread\""));
}

/// A form of the signed-out pages: its token, and the cookie that goes with it.
async fn signed_out_form(app: &TestApp, path: &str) -> (String, String) {
    let res = page(app, path, None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let cookie = format!(
        "sk_login_csrf={}",
        cookie_value(&res, "sk_login_csrf").unwrap()
    );
    (hidden(&res.text, "csrf"), cookie)
}

#[tokio::test]
async fn a_forgotten_password_is_reset_through_a_single_use_link() {
    let app = TestApp::new().await;
    let login = page(&app, "/login", None).await;
    assert!(login.text.contains("href=\"/password/forgot\""));
    // Without SMTP no link can be sent, and the page says whom to ask.
    let res = page(&app, "/password/forgot", None).await;
    assert!(
        res.text.contains("id=\"reset-unavailable\""),
        "{}",
        res.text
    );

    let admin = app.admin().await;
    let res = app
        .call(
            Method::PUT,
            "/api/v1/settings",
            Some(&admin),
            Some(
                serde_json::json!({"smtp": {"host": "127.0.0.1", "port": 2525, "security": "none",
                "from_address": "sangkien@caobang.gov.vn", "from_name": "Sở Nội vụ Cao Bằng"}}),
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let res = app
        .post(
            "/api/v1/users",
            &admin,
            serde_json::json!({"username": "htk.daumoi", "full_name": "Đầu Mối Thử",
                "password": common::PASSWORD, "role": "focal", "unit_code": "HTK",
                "email": "HTK@caobang.gov.vn"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);

    // The same answer whether or not the account exists.
    let ask = |who: &'static str| {
        let app = &app;
        async move {
            let (csrf, cookie) = signed_out_form(app, "/password/forgot").await;
            form(
                app,
                "/password/forgot",
                &cookie,
                &encode(&[("csrf", &csrf), ("who", who)]),
            )
            .await
        }
    };
    let nobody = ask("khong.co.ai").await;
    let someone = ask("htk@caobang.gov.vn").await;
    assert_eq!(nobody.status, StatusCode::OK);
    assert_eq!(someone.status, StatusCode::OK);
    let sent = |t: &str| {
        t[t.find("id=\"reset-sent\"").expect("sent")..]
            .split("</p>")
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(sent(&nobody.text), sent(&someone.text));
    let res = form(&app, "/password/forgot", "", "csrf=x&who=htk.daumoi").await;
    assert_eq!(
        res.status,
        StatusCode::FORBIDDEN,
        "the form's token is checked"
    );

    let api = app.login("htk.daumoi").await;
    let inbox = app.get("/api/v1/notifications", &api).await;
    let mail = inbox.body["items"][0].clone();
    assert_eq!(mail["subject"], "Đặt lại mật khẩu", "{}", inbox.text);
    let body = mail["body"].as_str().unwrap();
    let token = body
        .split("/password/reset?token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let path = format!("/password/reset?token={token}");
    let res = page(&app, &path, None).await;
    assert!(
        res.text.contains("Đầu Mối Thử (htk.daumoi)"),
        "{}",
        res.text
    );
    let (csrf, cookie) = signed_out_form(&app, &path).await;
    let post = |new: &str, again: &str| {
        encode(&[
            ("csrf", &csrf),
            ("token", &token),
            ("new_password", new),
            ("new_password_again", again),
        ])
    };
    let res = form(
        &app,
        "/password/reset",
        &cookie,
        &post("Mat-khau-moi-2026", "khac-hoan-toan"),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("không giống nhau"));
    let res = form(
        &app,
        "/password/reset",
        &cookie,
        &post("Mat-khau-moi-2026", "Mat-khau-moi-2026"),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(res.headers[header::LOCATION], "/login?reset=done");
    assert!(
        page(&app, "/login?reset=done", None)
            .await
            .text
            .contains("Đã đặt mật khẩu mới")
    );
    // Every session ended; the old password no longer works, the new one does.
    assert_eq!(
        app.get("/api/v1/me", &api).await.status,
        StatusCode::UNAUTHORIZED
    );
    let res = app
        .post(
            "/api/v1/auth/login",
            "",
            serde_json::json!({"username": "htk.daumoi", "password": common::PASSWORD}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    app.login_with("htk.daumoi", "Mat-khau-moi-2026").await;
    // The link is spent.
    let res = form(
        &app,
        "/password/reset",
        &cookie,
        &post("Mat-khau-khac-2026", "Mat-khau-khac-2026"),
    )
    .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    assert!(res.text.contains("đã hết hạn hoặc đã được dùng"));

    // A new link expires after 30 minutes.
    let (csrf, cookie) = signed_out_form(&app, "/password/forgot").await;
    form(
        &app,
        "/password/forgot",
        &cookie,
        &encode(&[("csrf", &csrf), ("who", "htk.daumoi")]),
    )
    .await;
    let api = app.login_with("htk.daumoi", "Mat-khau-moi-2026").await;
    let inbox = app.get("/api/v1/notifications", &api).await;
    let body = inbox.body["items"][0]["body"].as_str().unwrap().to_string();
    let token = body
        .split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    app.set_now(app.clock_now() + 31 * 60);
    let res = page(&app, &format!("/password/reset?token={token}"), None).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.text.contains("Yêu cầu liên kết mới"));
}
