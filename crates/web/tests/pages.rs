//! The Vietnamese pages in-process: login with CSRF, dashboard, contest page and its
//! transition buttons, lists by role. (The browser test in e2e/ drives real Chromium.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use common::TestApp;

fn cookie_value(res: &common::Response, name: &str) -> Option<String> {
    res.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap()[name.len() + 1..].to_string())
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("hidden field") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

async fn page(app: &TestApp, path: &str, session: Option<&str>) -> common::Response {
    let mut req = Request::builder().uri(path);
    if let Some(s) = session {
        req = req.header(header::COOKIE, format!("sk_session={s}"));
    }
    app.send(req.body(Body::empty()).unwrap()).await
}

async fn form(app: &TestApp, path: &str, cookie: &str, body: &str) -> common::Response {
    let req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_string()))
        .unwrap();
    app.send(req).await
}

/// Logs in through the login form; returns the session cookie value.
async fn web_login(app: &TestApp, username: &str) -> String {
    let login = page(app, "/login", None).await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(login.text.contains("Đăng nhập"));
    let csrf = hidden(&login.text, "csrf");
    let cookie = format!(
        "sk_login_csrf={}",
        cookie_value(&login, "sk_login_csrf").unwrap()
    );
    let res = form(
        app,
        "/login",
        &cookie,
        &format!("username={username}&password=CaoBang%402021&csrf={csrf}&next=%2F"),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let set = res
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect::<Vec<_>>();
    assert!(set.iter().any(|c| c.starts_with("sk_session=")
        && c.contains("HttpOnly")
        && c.contains("SameSite=Lax")));
    cookie_value(&res, "sk_session").unwrap()
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_the_login_page() {
    let app = TestApp::new().await;
    let res = page(&app, "/contests/1", None).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers.get(header::LOCATION).unwrap(),
        "/login?next=/contests/1"
    );
}

#[tokio::test]
async fn a_login_without_the_form_token_is_refused() {
    let app = TestApp::new().await;
    let res = form(
        &app,
        "/login",
        "",
        "username=snv.tochuc&password=CaoBang%402021&csrf=abc",
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.text.contains("hết hạn"));
    let res = page(&app, "/login", None).await;
    let csrf = hidden(&res.text, "csrf");
    let cookie = format!(
        "sk_login_csrf={}",
        cookie_value(&res, "sk_login_csrf").unwrap()
    );
    let res = form(
        &app,
        "/login",
        &cookie,
        &format!("username=snv.tochuc&password=sai&csrf={csrf}"),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(res.text.contains("Tên đăng nhập hoặc mật khẩu không đúng"));
    assert!(
        res.text.contains("value=\"snv.tochuc\""),
        "the typed username is kept"
    );
}

#[tokio::test]
async fn the_organizer_sees_the_contest_and_moves_it_with_a_button() {
    let app = TestApp::new().await;
    app.set_now(1_635_699_600);
    let session = web_login(&app, "snv.tochuc").await;
    let home = page(&app, "/", Some(&session)).await;
    assert!(
        home.text.contains(
            "Cuộc thi Sáng kiến, giải pháp về cải cách hành chính tỉnh Cao Bằng năm 2021"
        )
    );
    assert!(home.text.contains("Đang nhận bài"));
    assert!(home.text.len() < 100_000);

    let contest = page(&app, "/contests/1", Some(&session)).await;
    assert!(contest.text.contains("31/10/2021 23:59"));
    assert!(contest.text.contains("5.000.000 đ"));
    assert!(contest.text.contains("thiết lập ví dụ"));
    assert!(contest.text.contains("Đóng nhận bài"));
    let csrf = hidden(&contest.text, "csrf");

    // Without the token nothing changes.
    let cookie = format!("sk_session={session}");
    let res = form(
        &app,
        "/contests/1/transition",
        &cookie,
        "to=closed&csrf=wrong",
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    let res = form(
        &app,
        "/contests/1/transition",
        &cookie,
        &format!("to=closed&csrf={csrf}"),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let after = page(
        &app,
        res.headers.get(header::LOCATION).unwrap().to_str().unwrap(),
        Some(&session),
    )
    .await;
    assert!(
        after
            .text
            .contains("Đã chuyển cuộc thi sang trạng thái «Đã hết hạn nộp (sơ loại)»")
    );
    assert!(after.text.contains("Bắt đầu chấm điểm"));

    // A refused transition shows the reason on the page.
    let res = form(
        &app,
        "/contests/1/transition",
        &cookie,
        &format!("to=published&csrf={csrf}"),
    )
    .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.text.contains("Không thể chuyển cuộc thi"));
}

#[tokio::test]
async fn lists_follow_roles() {
    let app = TestApp::new().await;
    let admin = web_login(&app, "quantri").await;
    let users = page(&app, "/users", Some(&admin)).await;
    assert_eq!(users.status, StatusCode::OK);
    assert!(users.text.contains("Hoàng Thị Thu"));
    let units = page(&app, "/units", Some(&admin)).await;
    assert!(units.text.contains("huyện Quảng Hòa"));

    let focal = web_login(&app, "hoaan.daumoi").await;
    assert_eq!(
        page(&app, "/users", Some(&focal)).await.status,
        StatusCode::FORBIDDEN
    );
    let contest = page(&app, "/contests/1", Some(&focal)).await;
    assert_eq!(contest.status, StatusCode::OK);
    assert!(
        !contest.text.contains("Đóng nhận bài"),
        "a focal user gets no transition buttons"
    );
}
