use super::*;

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
    // The list can be saved from the start, before any proposal is stored.
    assert!(res.text.contains("id=\"save-awards\""), "{}", res.text);
    let csrf = hidden(&res.text, "csrf");
    // The council's meeting: a vote that is not a number is refused and what was
    // typed stays (the date, who was ticked); a good one is recorded.
    let today = sangkien_domain::time::date_vn(app.clock_now()).to_string();
    let meeting = |votes: &str| {
        encode(&[
            ("csrf", &csrf),
            ("held_on", &today),
            ("present", "hd.vpubnd"),
            ("present", "hd.snv"),
            ("votes_for", votes),
        ])
    };
    let res = form(&app, "/contests/1/meeting", &cookie, &meeting("hai")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(
        res.text
            .contains("Số phiếu tán thành phải là một số nguyên")
    );
    assert!(res.text.contains(&format!("value=\"{today}\"")));
    assert!(res.text.contains("value=\"hai\""));
    assert!(
        res.text.contains("value=\"hd.snv\" checked"),
        "{}",
        res.text
    );
    assert!(
        !res.text.contains("value=\"hd.stc\" checked"),
        "{}",
        res.text
    );
    let res = form(&app, "/contests/1/meeting", &cookie, &meeting("2")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let res = page(&app, "/contests/1/awards?done=meeting", Some(&session)).await;
    assert!(
        res.text
            .contains("2 trên 3 thành viên có quyền biểu quyết tán thành"),
        "{}",
        res.text
    );
    assert!(res.text.contains("danh sách được thông qua"));
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
    // The memo's number and date: the form starts from the proposal's date; a missing
    // number is refused and the date typed stays; then it is recorded.
    assert!(
        res.text
            .contains(&format!("name=\"date\" type=\"date\" value=\"{today}\""))
    );
    let memo_form = |number: &str| encode(&[("csrf", &csrf), ("number", number), ("date", &today)]);
    let res = form(&app, "/contests/1/awards/memo", &cookie, &memo_form("")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("Số tờ trình"), "{}", res.text);
    assert!(res.text.contains(&format!("value=\"{today}\"")));
    let res = form(
        &app,
        "/contests/1/awards/memo",
        &cookie,
        &memo_form("45/TTr-SNV"),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let res = page(&app, "/contests/1/awards?done=memo", Some(&session)).await;
    assert!(
        res.text.contains("Tờ trình số 45/TTr-SNV ngày"),
        "{}",
        res.text
    );
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
    let old = page(&app, "/contests/1", Some(&first)).await;
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
        page(&app, "/contests/1", Some(&second)).await.status,
        StatusCode::SEE_OTHER
    );
    // `/` is then the public start page, not the signed-in one.
    let after = page(&app, "/", Some(&second)).await;
    assert_eq!(after.status, StatusCode::OK);
    assert!(after.text.contains("href=\"/login\""), "{}", after.text);
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

#[tokio::test]
async fn the_ranking_page_rounds_every_score_half_up_as_the_documents_do() {
    let app = TestApp::new().await;
    app.set_now(1_635_699_599 + 3600);
    let org = app.organizer().await;
    assert_eq!(
        app.transition(&org, 1, "closed").await.status,
        StatusCode::OK
    );
    // Two judges, so the mean of their totals can end in a half hundredth.
    let council = serde_json::json!({"decision": {"number": "2950/QĐ-UBND", "date": "2021-11-01"},
        "members": [{"username": "hd.vpubnd", "role": "chair"}, {"username": "hd.snv", "role": "member"}]});
    let res = app
        .call(
            Method::PUT,
            "/api/v1/contests/1/council",
            Some(&org),
            Some(council),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let res = app
        .post(
            "/api/v1/contests/1/assignments",
            &org,
            serde_json::json!({"mode": "all"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(
        app.transition(&org, 1, "judging").await.status,
        StatusCode::OK
    );
    let list = app.get("/api/v1/contests/1/entries", &org).await;
    let id = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["status"] == "submitted")
        .map(|e| e["id"].as_i64().unwrap())
        .unwrap();
    // 88,5 and 88,75: the mean is exactly 88,625, which rounds half up to 88,63.
    for (judge, applicability) in [("hd.vpubnd", 28.5), ("hd.snv", 28.75)] {
        let t = app.login(judge).await;
        let points = serde_json::json!({"novelty": 25, "effectiveness": 25,
            "applicability": applicability, "presentation": 10});
        app.score(&t, id, points).await;
    }
    let session = web_login(&app, "snv.tochuc").await;
    let res = page(&app, "/contests/1/ranking", Some(&session)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(res.text.contains("88,63"), "{}", res.text);
    assert!(
        !res.text.contains("88,62"),
        "one rounding rule: {}",
        res.text
    );
    // The other entries have no sheet yet: not final, and not tied at zero.
    assert!(res.text.contains("2/2"), "{}", res.text);
    assert!(res.text.contains("0/2"), "{}", res.text);
    assert!(res.text.contains("(chưa đủ phiếu)"), "{}", res.text);
    assert!(!res.text.contains("(bằng điểm)"), "{}", res.text);
    assert!(!res.text.contains("id=\"ties\""), "{}", res.text);
}

#[tokio::test]
async fn the_coverage_page_names_the_units_no_reminder_can_reach() {
    let app = TestApp::new().await;
    app.set_now(common::OCT_15_2021);
    // Trùng Khánh has no focal user but an address of its own: it is reachable.
    let admin = app.admin().await;
    let res = app
        .patch(
            "/api/v1/units/HTK",
            &admin,
            serde_json::json!({"email": "vanthu@trungkhanh.caobang.gov.vn"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let session = web_login(&app, "snv.tochuc").await;
    let res = page(&app, "/contests/1/coverage", Some(&session)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let unreachable = res
        .text
        .split("id=\"unreachable\"")
        .nth(1)
        .expect("listed")
        .split("</div>")
        .next()
        .unwrap()
        .to_string();
    assert!(unreachable.contains("huyện Bảo Lâm"), "{unreachable}");
    assert!(!unreachable.contains("huyện Trùng Khánh"), "{unreachable}");
    assert!(
        !unreachable.contains("huyện Hòa An"),
        "HHA has a focal user and enough entries"
    );
    let csrf = hidden(&res.text, "csrf");
    let res = form(
        &app,
        "/contests/1/reminders",
        &format!("sk_session={session}"),
        &format!("csrf={csrf}"),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let to = res.headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(to.contains("done=reminded&sent="), "{to}");
    let shown = page(&app, &to, Some(&session)).await;
    assert!(
        shown.text.contains(
            "không có đầu mối cũng không có thư điện tử trong hệ thống nên không nhận được thư"
        ),
        "{}",
        shown.text
    );
    // The reminder to Trùng Khánh went to its own address, shown in the outbox.
    let outbox = page(&app, "/contests/1/outbox", Some(&session)).await;
    assert!(
        outbox
            .text
            .contains("huyện Trùng Khánh &#60;vanthu@trungkhanh.caobang.gov.vn&#62;"),
        "{}",
        outbox.text
    );
}

#[tokio::test]
async fn outbox_conflicts_and_library_results_download_as_csv() {
    let app = TestApp::new().await;
    app.set_now(common::OCT_15_2021);
    // A unit below the minimum with a focal user, so that a reminder goes out.
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
    let org = app.organizer().await;
    let res = app
        .post("/api/v1/contests/1/reminders", &org, serde_json::json!({}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let session = web_login(&app, "snv.tochuc").await;
    let outbox = page(&app, "/contests/1/outbox", Some(&session)).await;
    assert!(outbox.text.contains("href=\"/contests/1/outbox.csv\""));
    let file = page(&app, "/contests/1/outbox.csv", Some(&session)).await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(
        file.text
            .contains("Thời điểm,Người nhận,Đơn vị,Tiêu đề,Trạng thái"),
        "{}",
        file.text
    );
    assert!(file.text.contains("Nhắc nộp sáng kiến"), "{}", file.text);
    let file = page(&app, "/contests/1/conflicts.csv", Some(&session)).await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(
        file.text
            .contains("Mã sáng kiến,Sáng kiến,Thành viên,Loại,Lý do")
    );
    let focal = web_login(&app, "hoaan.daumoi").await;
    assert_eq!(
        page(&app, "/contests/1/outbox.csv", Some(&focal))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let library = page(&app, "/public/library?q=ho+tich", None).await;
    assert!(
        library
            .text
            .contains("href=\"/public/library.csv?q=ho%20tich")
            || library
                .text
                .contains("href=\"/public/library.csv?q=ho+tich"),
        "{}",
        library.text
    );
    let file = page(&app, "/public/library.csv?q=ho+tich", None).await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.text.contains("Mã,Sáng kiến,Đơn vị,Năm,Giải"));
}
