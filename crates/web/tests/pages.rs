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

#[tokio::test]
async fn a_failed_entry_save_shows_every_error_and_keeps_what_was_typed() {
    let app = TestApp::new().await;
    let s = web_login(&app, "hoaan.daumoi").await;
    let cookie = format!("sk_session={s}");
    let new = page(&app, "/contests/1/entries/new", Some(&s)).await;
    assert_eq!(new.status, StatusCode::OK);
    let csrf = hidden(&new.text, "csrf");
    let body = encode(&[
        ("csrf", &csrf),
        ("title", "Ứng dụng Zalo trả lời phản ánh của người dân"),
        ("topic_code", "TTHC"),
        ("first_applied_on", "2021-02-30"),
        ("a0_full_name", "Nông Văn Hải"),
        ("a0_contribution_percent", "năm mươi"),
        (
            "description.solution",
            "Lập nhóm Zalo của từng xóm; cán bộ trả lời trong 24 giờ.",
        ),
        ("p0_full_name", "Hoàng Thị Én"),
    ]);
    let res = form(&app, "/contests/1/entries/new", &cookie, &body).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("Chưa lưu được"));
    assert!(res.text.contains("Tỷ lệ đóng góp phải là một số"));
    assert!(
        res.text
            .contains("Ngày áp dụng lần đầu phải là một ngày có thật")
    );
    // Everything typed is still there.
    for typed in [
        "Ứng dụng Zalo trả lời phản ánh của người dân",
        "2021-02-30",
        "Nông Văn Hải",
        "năm mươi",
        "Lập nhóm Zalo của từng xóm; cán bộ trả lời trong 24 giờ.",
        "Hoàng Thị Én",
    ] {
        assert!(res.text.contains(typed), "lost: {typed}");
    }
    assert!(res.text.contains("value=\"TTHC\" selected"));
    // Fixed, the draft saves and the entry page lists what a submission still needs.
    let body = encode(&[
        ("csrf", &csrf),
        ("title", "Ứng dụng Zalo trả lời phản ánh của người dân"),
        ("topic_code", "TTHC"),
        ("a0_full_name", "Nông Văn Hải"),
        ("a0_contribution_percent", "100"),
    ]);
    let res = form(&app, "/contests/1/entries/new", &cookie, &body).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let location = res.headers["location"].to_str().unwrap().to_string();
    assert!(location.ends_with("?done=created"), "{location}");
    let entry = page(&app, &location, Some(&s)).await;
    assert!(entry.text.contains("Cần bổ sung trước khi nộp"));
    assert!(entry.text.contains("Chưa tải lên văn bản sáng kiến"));
    assert!(!entry.text.contains(">Nộp sáng kiến<"));
    // An upload without the form token is refused; with it, the file is recorded.
    let id = location
        .trim_start_matches("/entries/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let pdf = sangkien_files::sample_pdf(&["Zalo"]);
    let path = format!("/entries/{id}/attachments");
    let res = multipart_page(&app, &path, &s, None, &pdf).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = multipart_page(&app, &path, &s, Some("sai"), &pdf).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = multipart_page(&app, &path, &s, Some(&csrf), &pdf).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let entry = page(&app, &format!("/entries/{id}"), Some(&s)).await;
    assert!(entry.text.contains("van-ban.pdf"));
    // Another unit's focal user cannot see the page.
    let other = web_login(&app, "stp.daumoi").await;
    assert_eq!(
        page(&app, &format!("/entries/{id}"), Some(&other))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_coverage_dashboard_draws_the_chart_and_downloads_csv() {
    let app = TestApp::new().await;
    let s = web_login(&app, "snv.tochuc").await;
    let res = page(&app, "/contests/1/coverage", Some(&s)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(res.text.contains("<svg class=\"chart\""));
    assert!(res.text.contains("4/"), "{}", res.text);
    assert!(res.text.contains("huyện Bảo Lâm"));
    assert!(res.text.len() < 100_000, "page is {} bytes", res.text.len());
    let csv = page(&app, "/contests/1/coverage.csv", Some(&s)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.text.starts_with('\u{feff}'));
    assert!(csv.text.contains("HHA,huyện Hòa An,1,1,Có"), "{}", csv.text);
    // Reminders and an extension from the page.
    let csrf = hidden(&res.text, "csrf");
    let cookie = format!("sk_session={s}");
    let r = form(
        &app,
        "/contests/1/reminders",
        &cookie,
        &format!("csrf={csrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let bad = form(
        &app,
        "/contests/1/extensions",
        &cookie,
        &encode(&[
            ("csrf", &csrf),
            ("unit_code", "HTK"),
            ("until", "2021-11-05"),
            ("reason", ""),
        ]),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ok = form(
        &app,
        "/contests/1/extensions",
        &cookie,
        &encode(&[
            ("csrf", &csrf),
            ("unit_code", "HTK"),
            ("until", "2021-11-05"),
            ("reason", "Lũ quét chia cắt huyện"),
        ]),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
    let res = page(&app, "/contests/1/coverage", Some(&s)).await;
    assert!(res.text.contains("05/11/2021 23:59"));
    let outbox = page(&app, "/contests/1/outbox", Some(&s)).await;
    assert_eq!(outbox.status, StatusCode::OK);
    // A focal user has no dashboard.
    let focal = web_login(&app, "hoaan.daumoi").await;
    assert_eq!(
        page(&app, "/contests/1/coverage", Some(&focal))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_organizer_sets_up_the_council_declares_a_conflict_and_assigns_from_the_page() {
    let app = TestApp::new().await;
    app.set_now(1_635_699_599 + 3600);
    let s = web_login(&app, "snv.tochuc").await;
    let cookie = format!("sk_session={s}");
    let page_res = page(&app, "/contests/1", Some(&s)).await;
    let csrf = hidden(&page_res.text, "csrf");
    let closed = form(
        &app,
        "/contests/1/transition",
        &cookie,
        &format!("csrf={csrf}&to=closed"),
    )
    .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    let council = page(&app, "/contests/1/council", Some(&s)).await;
    assert_eq!(council.status, StatusCode::OK, "{}", council.text);
    // Two chairs: refused, and the typed decision number stays.
    let bad = form(
        &app,
        "/contests/1/council",
        &cookie,
        &encode(&[
            ("csrf", &csrf),
            ("number", "2950/QĐ-UBND"),
            ("date", "2021-11-01"),
            ("m0_username", "hd.vpubnd"),
            ("m0_role", "chair"),
            ("m1_username", "hd.snv"),
            ("m1_role", "chair"),
        ]),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("đúng một Chủ tịch"));
    assert!(bad.text.contains("value=\"2950/QĐ-UBND\""));
    let ok = form(
        &app,
        "/contests/1/council",
        &cookie,
        &encode(&[
            ("csrf", &csrf),
            ("number", "2950/QĐ-UBND"),
            ("date", "2021-11-01"),
            ("m0_username", "hd.vpubnd"),
            ("m0_role", "chair"),
            ("m1_username", "hd.snv"),
            ("m1_role", "member"),
            ("m2_username", "hd.stp"),
            ("m2_role", "member"),
        ]),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
    let conflict = form(
        &app,
        "/contests/1/conflicts",
        &cookie,
        &encode(&[
            ("csrf", &csrf),
            ("username", "hd.snv"),
            ("entry_id", "1"),
            ("reason", "Anh trai là tác giả"),
        ]),
    )
    .await;
    assert_eq!(conflict.status, StatusCode::SEE_OTHER, "{}", conflict.text);
    let assign = form(
        &app,
        "/contests/1/assignments",
        &cookie,
        &encode(&[("csrf", &csrf), ("mode", "balanced"), ("per_entry", "2")]),
    )
    .await;
    assert_eq!(assign.status, StatusCode::SEE_OTHER, "{}", assign.text);
    let after = page(&app, "/contests/1/council", Some(&s)).await;
    assert!(after.text.contains("Anh trai là tác giả"));
    assert!(
        after.text.contains("Tự động"),
        "STP's member conflicts with STP's entry"
    );
    assert!(
        after.text.contains("8 lượt chấm đã phân công"),
        "{}",
        after.text
    );
    let started = form(
        &app,
        "/contests/1/transition",
        &cookie,
        &format!("csrf={csrf}&to=judging"),
    )
    .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.text);
    for path in [
        "/contests/1/progress",
        "/contests/1/ranking",
        "/contests/1/progress.csv",
        "/contests/1/ranking.csv",
    ] {
        let res = page(&app, path, Some(&s)).await;
        assert_eq!(res.status, StatusCode::OK, "{path}");
    }
    // A member's list shows their assigned entries; a focal user has no council page.
    let judge = web_login(&app, "hd.stp").await;
    let list = page(&app, "/contests/1/judging", Some(&judge)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text.contains("Chưa chấm"));
    let focal = web_login(&app, "hoaan.daumoi").await;
    assert_eq!(
        page(&app, "/contests/1/council", Some(&focal)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_bad_page_number_on_the_entry_list_gets_an_error_page() {
    let app = TestApp::new().await;
    let s = web_login(&app, "snv.tochuc").await;
    let res = page(&app, "/contests/1/entries?page=abc", Some(&s)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("<html"), "{}", res.text);
    assert!(res.text.contains("page"));
    let ok = page(&app, "/contests/1/entries?page=1", Some(&s)).await;
    assert_eq!(ok.status, StatusCode::OK);
}

#[tokio::test]
async fn the_organizer_decides_a_tie_on_the_awards_page_and_a_failed_save_keeps_the_choices() {
    let app = TestApp::new().await;
    app.set_now(1_635_699_599 + 3600);
    let org = app.organizer().await;
    assert_eq!(
        app.transition(&org, 1, "closed").await.status,
        StatusCode::OK
    );
    app.prepare_judging(&org, 1).await;
    assert_eq!(
        app.transition(&org, 1, "judging").await.status,
        StatusCode::OK
    );
    let list = app.get("/api/v1/contests/1/entries", &org).await;
    let ids: Vec<i64> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["status"] == "submitted")
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    // The first two tie on everything, across the first/second boundary.
    for judge in ["hd.vpubnd", "hd.snv", "hd.stc"] {
        let t = app.login(judge).await;
        for (k, id) in ids.iter().enumerate() {
            let p = if k < 2 { 25.0 } else { 20.0 - k as f64 };
            let body = serde_json::json!({"points": {"novelty": p, "effectiveness": p, "applicability": p, "presentation": 8}});
            let r = app
                .call(
                    Method::PUT,
                    &format!("/api/v1/entries/{id}/scores/mine"),
                    Some(&t),
                    Some(body),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            app.post(
                &format!("/api/v1/entries/{id}/scores/mine/submit"),
                &t,
                serde_json::json!({}),
            )
            .await;
        }
    }
    assert_eq!(
        app.transition(&org, 1, "deliberation").await.status,
        StatusCode::OK
    );
    let session = web_login(&app, "snv.tochuc").await;
    let cookie = format!("sk_session={session}");
    let res = page(&app, "/contests/1/awards", Some(&session)).await;
    let csrf = hidden(&res.text, "csrf");
    let res = form(
        &app,
        "/contests/1/awards/propose",
        &cookie,
        &format!("csrf={csrf}"),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let res = page(&app, "/contests/1/awards", Some(&session)).await;
    assert!(res.text.contains("Hội đồng quyết định"), "{}", res.text);
    // Rows are in ranking order; the tied pair is rows 0 and 1.
    let row_id = |i: usize| hidden(&res.text, &format!("e{i}_id"));
    let mut pairs = vec![("csrf".to_string(), csrf.clone())];
    for i in 0..ids.len() {
        pairs.push((format!("e{i}_id"), row_id(i)));
    }
    pairs.push(("e0_tier".into(), "first".into()));
    pairs.push(("e1_tier".into(), "second".into()));
    pairs.push(("e2_tier".into(), "second".into()));
    pairs.push(("e3_tier".into(), "third".into()));
    let body = |pairs: &[(String, String)]| {
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect::<Vec<_>>()
            .join("&")
    };
    let res = form(&app, "/contests/1/awards", &cookie, &body(&pairs)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("cần ghi rõ lý do"), "{}", res.text);
    assert!(
        res.text.contains(r#"<option value="first" selected>"#),
        "the choice is kept"
    );
    pairs.push(("e0_reason".into(), "Hội đồng biểu quyết 3/3".into()));
    pairs.push(("e1_reason".into(), "Hội đồng biểu quyết 3/3".into()));
    let res = form(&app, "/contests/1/awards", &cookie, &body(&pairs)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let res = page(&app, "/contests/1/awards", Some(&session)).await;
    assert!(res.text.contains("✓ Đã quyết định"), "{}", res.text);
    assert!(res.text.contains("/contests/1/exports/memo.docx"));
    let memo = page(&app, "/contests/1/exports/memo.docx", Some(&session)).await;
    assert_eq!(memo.status, StatusCode::OK);
    assert!(memo.bytes.starts_with(b"PK"));
}

#[tokio::test]
async fn login_gives_a_new_session_id_and_logout_ends_it_on_the_server() {
    let app = TestApp::new().await;
    let first = web_login(&app, "snv.tochuc").await;
    assert_eq!(page(&app, "/", Some(&first)).await.status, StatusCode::OK);

    // Logging in again (or over a session planted in the browser) rotates the id: the
    // old one is dead on the server, not just replaced in the browser.
    let second = login_with(&app, "snv.tochuc", Some(&first)).await;
    assert_ne!(first, second);
    let old = page(&app, "/", Some(&first)).await;
    assert_eq!(old.status, StatusCode::SEE_OTHER);
    assert!(
        old.headers[header::LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );
    assert_eq!(page(&app, "/", Some(&second)).await.status, StatusCode::OK);

    // Logging out deletes the session: replaying the cookie afterwards gets nothing.
    let home = page(&app, "/", Some(&second)).await;
    let csrf = hidden(&home.text, "csrf");
    let out = form(
        &app,
        "/logout",
        &format!("sk_session={second}"),
        &format!("csrf={csrf}"),
    )
    .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(cookie_value(&out, "sk_session").unwrap().is_empty());
    assert_eq!(
        page(&app, "/", Some(&second)).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn behind_tls_the_session_cookie_is_secure() {
    let mut app = TestApp::new().await;
    let mut state = app.state.clone();
    state.config = std::sync::Arc::new(sangkien_web::WebConfig {
        secure_cookies: true,
        ..sangkien_web::WebConfig::default()
    });
    app.router = sangkien_web::app(state);
    let login = page(&app, "/login", None).await;
    let csrf = hidden(&login.text, "csrf");
    let cookie = format!(
        "sk_login_csrf={}",
        cookie_value(&login, "sk_login_csrf").unwrap()
    );
    let res = form(
        &app,
        "/login",
        &cookie,
        &format!("username=snv.tochuc&password=CaoBang%402021&csrf={csrf}&next=%2F"),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let session = res
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("sk_session="))
        .unwrap();
    for part in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(session.contains(part), "{session}");
    }
}
