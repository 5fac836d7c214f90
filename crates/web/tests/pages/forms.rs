use super::*;

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

#[tokio::test]
async fn the_user_and_unit_lists_download_as_csv() {
    let app = TestApp::new().await;
    let admin = web_login(&app, "quantri").await;
    let users = page(&app, "/users.csv", Some(&admin)).await;
    assert_eq!(users.status, StatusCode::OK, "{}", users.text);
    assert!(
        users.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        users.text.contains("Tên đăng nhập,Họ và tên,Vai trò"),
        "{}",
        users.text
    );
    assert!(users.text.contains("snv.tochuc"), "{}", users.text);
    let focal = web_login(&app, "hoaan.daumoi").await;
    assert_eq!(
        page(&app, "/users.csv", Some(&focal)).await.status,
        StatusCode::FORBIDDEN
    );
    let units = page(&app, "/units.csv", Some(&focal)).await;
    assert_eq!(units.status, StatusCode::OK, "{}", units.text);
    assert!(units.text.contains("STP,Sở Tư pháp"), "{}", units.text);
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
        ("p0_birth_date", "1991-13-01"),
        ("p0_qualification", "Cử nhân Luật"),
        ("investor", "UBND huyện Hòa An"),
        (
            "trial_benefits",
            "Xóm Nà Rụa trả lời đúng hẹn mọi phản ánh.",
        ),
    ]);
    let res = form(&app, "/contests/1/entries/new", &cookie, &body).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(
        res.text.contains("Ngày sinh phải là một ngày có thật"),
        "{}",
        res.text
    );
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
        "1991-13-01",
        "Cử nhân Luật",
        "UBND huyện Hòa An",
        "Xóm Nà Rụa trả lời đúng hẹn mọi phản ánh.",
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
        ("a0_birth_date", "1979-04-12"),
        ("a0_contribution_percent", "100"),
        ("p0_full_name", "Hoàng Thị Én"),
        ("p0_birth_date", "1991-12-01"),
        ("p0_qualification", "Cử nhân Luật"),
        ("investor", "UBND huyện Hòa An"),
        (
            "trial_benefits",
            "Xóm Nà Rụa trả lời đúng hẹn mọi phản ánh.",
        ),
    ]);
    let res = form(&app, "/contests/1/entries/new", &cookie, &body).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let location = res.headers["location"].to_str().unwrap().to_string();
    assert!(location.ends_with("?done=created"), "{location}");
    let entry = page(&app, &location, Some(&s)).await;
    // The entry page shows every field entered, birth dates included.
    for shown in [
        "12/04/1979",
        "01/12/1991",
        "Cử nhân Luật",
        "UBND huyện Hòa An",
        "Xóm Nà Rụa trả lời đúng hẹn mọi phản ánh.",
    ] {
        assert!(entry.text.contains(shown), "not shown: {shown}");
    }
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
    // «Thêm dòng thành viên»: one more blank row, what was typed kept, nothing saved.
    let more = form(
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
            ("op", "add"),
        ]),
    )
    .await;
    assert_eq!(more.status, StatusCode::OK, "{}", more.text);
    assert!(more.text.contains("name=\"m4_username\""), "{}", more.text);
    assert!(!more.text.contains("name=\"m5_username\""));
    assert!(more.text.contains("value=\"2950/QĐ-UBND\""));
    let org = app.organizer().await;
    let council = app.get("/api/v1/contests/1/council", &org).await;
    assert_eq!(
        council.body["members"],
        serde_json::json!([]),
        "nothing saved: {}",
        council.text
    );
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
    let council_page = page(&app, "/contests/1/council", Some(&s)).await;
    assert!(
        council_page
            .text
            .contains("/contests/1/exports/council-decision.docx"),
        "{}",
        council_page.text
    );
    let docx = page(&app, "/contests/1/exports/council-decision.docx", Some(&s)).await;
    assert_eq!(docx.status, StatusCode::OK);
    assert!(docx.bytes.starts_with(b"PK"));
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
