//! The Vietnamese pages in-process: login with CSRF, dashboard, contest page and its
//! transition buttons, lists by role. (The browser test in e2e/ drives real Chromium.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod account;
mod admin;
#[path = "../common/mod.rs"]
mod common;
mod contest_form;
mod council;
mod forms;
mod screening;
mod workflow;

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
    login_with(app, username, None).await
}

/// The login form, with the browser holding `old` as its session cookie when given.
async fn login_with(app: &TestApp, username: &str, old: Option<&str>) -> String {
    let login = page(app, "/login", None).await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(login.text.contains("Đăng nhập"));
    let csrf = hidden(&login.text, "csrf");
    let mut cookie = format!(
        "sk_login_csrf={}",
        cookie_value(&login, "sk_login_csrf").unwrap()
    );
    if let Some(old) = old {
        cookie.push_str(&format!("; sk_session={old}"));
    }
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

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

async fn multipart_page(
    app: &TestApp,
    path: &str,
    session: &str,
    csrf: Option<&str>,
    bytes: &[u8],
) -> common::Response {
    let boundary = "----page-upload";
    let mut body = Vec::new();
    if let Some(c) = csrf {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{c}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nmain\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"van-ban.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::COOKIE, format!("sk_session={session}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    app.send(req).await
}
