//! The administrator's pages: users and units added and changed without the API.

use super::*;

#[tokio::test]
async fn the_administrator_adds_changes_and_locks_a_user_from_the_pages() {
    let app = TestApp::new().await;
    let admin = web_login(&app, "quantri").await;
    let cookie = format!("sk_session={admin}");
    let res = page(&app, "/users/new", Some(&admin)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let csrf = hidden(&res.text, "csrf");
    let fields = |username: &str, password: &str, role: &str| {
        encode(&[
            ("csrf", &csrf),
            ("username", username),
            ("full_name", "Đinh Thị Lan"),
            ("role", role),
            ("unit_code", "HHA"),
            ("email", "lan.hoaan@caobang.gov.vn"),
            ("position", "Chuyên viên"),
            ("password", password),
        ])
    };
    // A short password and no role: refused, and what was typed stays.
    let res = form(
        &app,
        "/users/new",
        &cookie,
        &fields("hoaan.lan", "ngan1", ""),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("ít nhất 10 ký tự"), "{}", res.text);
    assert!(res.text.contains("value=\"Đinh Thị Lan\""), "{}", res.text);
    assert!(res.text.contains("value=\"hoaan.lan\""), "{}", res.text);
    assert!(
        !res.text.contains("ngan1"),
        "passwords are never typed back"
    );
    let res = form(
        &app,
        "/users/new",
        &cookie,
        &fields("hoaan.lan", "Lan-HoaAn-2026", "focal"),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(
        res.headers[header::LOCATION],
        "/users/hoaan.lan?done=created"
    );
    let lan = app.login_with("hoaan.lan", "Lan-HoaAn-2026").await;
    assert_eq!(
        app.get("/api/v1/me", &lan).await.body["user"]["role"],
        "focal"
    );

    // The administrator locks the account: its sessions end and it cannot sign in.
    let res = page(&app, "/users/hoaan.lan", Some(&admin)).await;
    assert!(res.text.contains("name=\"active\" checked"), "{}", res.text);
    let res = form(
        &app,
        "/users/hoaan.lan",
        &cookie,
        &encode(&[
            ("csrf", &csrf),
            ("full_name", "Đinh Thị Lan"),
            ("role", "focal"),
            ("unit_code", "HHA"),
            ("email", ""),
            ("position", "Phó Chánh Văn phòng"),
        ]),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(
        app.get("/api/v1/me", &lan).await.status,
        StatusCode::UNAUTHORIZED
    );
    let users = page(&app, "/users", Some(&admin)).await;
    assert!(users.text.contains("Đã khóa"), "{}", users.text);
    // A new password for another account.
    let res = form(
        &app,
        "/users/hoaan.daumoi/password",
        &cookie,
        &encode(&[("csrf", &csrf), ("password", "Mat-khau-moi-2026")]),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    app.login_with("hoaan.daumoi", "Mat-khau-moi-2026").await;

    // Nobody else manages users.
    let focal = web_login(&app, "stp.daumoi").await;
    assert_eq!(
        page(&app, "/users/new", Some(&focal)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_administrator_adds_a_unit_and_deactivates_it_from_the_pages() {
    let app = TestApp::new().await;
    let admin = web_login(&app, "quantri").await;
    let cookie = format!("sk_session={admin}");
    let res = page(&app, "/units/new", Some(&admin)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let csrf = hidden(&res.text, "csrf");
    let unit = |code: &str, kind: &str| {
        encode(&[
            ("csrf", &csrf),
            ("code", code),
            ("name", "Trung tâm Chuyển đổi số tỉnh"),
            ("kind", kind),
            ("parent_code", ""),
        ])
    };
    // An existing code: refused, and the name typed stays.
    let res = form(&app, "/units/new", &cookie, &unit("STP", "department")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("đã tồn tại"), "{}", res.text);
    assert!(res.text.contains("value=\"Trung tâm Chuyển đổi số tỉnh\""));
    let res = form(&app, "/units/new", &cookie, &unit("TTCDS", "department")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(res.headers[header::LOCATION], "/units/TTCDS?done=created");
    let res = page(&app, "/units/TTCDS?done=created", Some(&admin)).await;
    assert!(res.text.contains("Đã thêm đơn vị."), "{}", res.text);
    // Deactivated (no «active» box ticked), with the unit's own e-mail; a bad address
    // is refused first and what was typed stays.
    let edit = |email: &str| {
        encode(&[
            ("csrf", &csrf),
            ("name", "Trung tâm Chuyển đổi số"),
            ("kind", "department"),
            ("parent_code", ""),
            ("email", email),
        ])
    };
    let res = form(&app, "/units/TTCDS", &cookie, &edit("vanthu.cds")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("Địa chỉ thư điện tử không hợp lệ"));
    assert!(res.text.contains("value=\"vanthu.cds\""));
    assert!(res.text.contains("value=\"Trung tâm Chuyển đổi số\""));
    let res = form(
        &app,
        "/units/TTCDS",
        &cookie,
        &edit("vanthu@cds.caobang.gov.vn"),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let org = app.organizer().await;
    let got = app.get("/api/v1/units/TTCDS", &org).await;
    assert_eq!(got.body["name"], "Trung tâm Chuyển đổi số", "{}", got.text);
    assert_eq!(got.body["active"], false);
    assert_eq!(got.body["email"], "vanthu@cds.caobang.gov.vn");
    let list = page(&app, "/units", Some(&admin)).await;
    assert!(list.text.contains("vanthu@cds.caobang.gov.vn"));
    // Nobody else manages units.
    let focal = web_login(&app, "stp.daumoi").await;
    assert_eq!(
        page(&app, "/units/new", Some(&focal)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_administrator_sets_the_agency_and_smtp_and_sends_a_test_mail() {
    let app = TestApp::new().await;
    let admin = web_login(&app, "quantri").await;
    let cookie = format!("sk_session={admin}");
    let res = page(&app, "/settings", Some(&admin)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(
        res.text.contains("ỦY BAN NHÂN DÂN TỈNH CAO BẰNG"),
        "{}",
        res.text
    );
    let csrf = hidden(&res.text, "csrf");
    // Before any SMTP server is set, a test mail says so.
    let test = |to: &'static str| encode(&[("csrf", &csrf), ("to", to)]);
    let res = form(
        &app,
        "/settings/test-mail",
        &cookie,
        &test("lan@caobang.gov.vn"),
    )
    .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    assert!(
        res.text.contains("Chưa cấu hình máy chủ thư"),
        "{}",
        res.text
    );
    let settings = |port: &str, from: &str| {
        encode(&[
            ("csrf", &csrf),
            ("agency", "ỦY BAN NHÂN DÂN TỈNH CAO BẰNG"),
            ("place", "Cao Bằng"),
            ("decision_code", "QĐ-UBND"),
            ("signing_authority", "KT. CHỦ TỊCH"),
            ("signer_title", "PHÓ CHỦ TỊCH"),
            ("recipients", "Như Điều 3;\r\nLưu: VT, NC."),
            (
                "legal_bases",
                "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
            ),
            ("smtp_host", "127.0.0.1"),
            ("smtp_port", port),
            ("smtp_security", "none"),
            ("smtp_username", ""),
            ("smtp_from_address", from),
            ("smtp_from_name", "Ban Tổ chức"),
        ])
    };
    // A port that is not a number and a bad sender: refused, each named, the rest kept.
    let res = form(
        &app,
        "/settings",
        &cookie,
        &settings("cổng", "khong-phai-thu"),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(
        res.text.contains("Cổng SMTP phải từ 1 đến 65535."),
        "{}",
        res.text
    );
    assert!(res.text.contains("Địa chỉ gửi phải là"), "{}", res.text);
    assert!(
        res.text.contains("ngày 15 tháng 6 năm 2022"),
        "{}",
        res.text
    );
    // Port 1 on this machine refuses connections: the test mail reports it.
    let res = form(
        &app,
        "/settings",
        &cookie,
        &settings("1", "sangkien@caobang.gov.vn"),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let stored = app.get("/api/v1/settings", &app.admin().await).await;
    assert_eq!(stored.body["smtp"]["port"], 1, "{}", stored.text);
    assert_eq!(stored.body["recipients"][1], "Lưu: VT, NC.");
    let res = form(
        &app,
        "/settings/test-mail",
        &cookie,
        &test("lan@caobang.gov.vn"),
    )
    .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    assert!(
        res.text.contains("Máy chủ thư không nhận thư"),
        "{}",
        res.text
    );
    assert!(res.text.contains("value=\"lan@caobang.gov.vn\""));
    // A real SMTP server: the test mail goes out and arrives.
    let sink = common::smtp_sink().await;
    let port = sink.port.to_string();
    let res = form(
        &app,
        "/settings",
        &cookie,
        &settings(&port, "sangkien@caobang.gov.vn"),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let res = form(
        &app,
        "/settings/test-mail",
        &cookie,
        &test("lan@caobang.gov.vn"),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(
        res.text.contains(
            "Máy chủ thư đã nhận thư thử gửi tới lan@caobang.gov.vn. Trả lời của máy chủ: OK"
        ),
        "the server's answer is reported: {}",
        res.text
    );
    let mut got = Vec::new();
    for _ in 0..50 {
        got = common::received(&sink);
        if !got.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains("<lan@caobang.gov.vn> | Thư thử"), "{got:?}");
    // Only administrators.
    let org = web_login(&app, "snv.tochuc").await;
    assert_eq!(
        page(&app, "/settings", Some(&org)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_administrator_reads_filters_downloads_and_checks_the_whole_audit_log() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let res = app
        .post(
            "/api/v1/users",
            &admin,
            serde_json::json!({"username": "kt.moi", "full_name": "Kiểm Tra Mới",
                "password": common::PASSWORD, "role": "viewer", "unit_code": "SNV"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let organizer = web_login(&app, "snv.tochuc").await;
    assert_eq!(
        page(&app, "/audit", Some(&organizer)).await.status,
        StatusCode::FORBIDDEN
    );
    let session = web_login(&app, "quantri").await;
    let home = page(&app, "/", Some(&session)).await;
    assert!(home.text.contains("href=\"/audit\""));
    let all = page(&app, "/audit", Some(&session)).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    assert!(
        all.text.contains("<td>Tạo tài khoản</td>"),
        "account changes belong to no contest"
    );
    assert!(all.text.contains("Trang sau"), "the demo's log spans pages");

    let only = page(
        &app,
        "/audit?actor=quantri&action=account.create",
        Some(&session),
    )
    .await;
    assert!(
        only.text.contains("id=\"audit-total\">1 bản ghi"),
        "{}",
        only.text
    );
    assert!(only.text.contains("kt.moi"));
    // The demo and this account were made on 15/10/2021 (the test's clock).
    let that_day = page(
        &app,
        "/audit?action=account.create&from=2021-10-15&to=2021-10-15",
        Some(&session),
    )
    .await;
    assert!(
        that_day.text.contains("id=\"audit-total\">15 bản ghi"),
        "{}",
        that_day.text
    );
    let next_day = page(
        &app,
        "/audit?action=account.create&from=2021-10-16",
        Some(&session),
    )
    .await;
    assert!(
        next_day.text.contains("id=\"audit-total\">0 bản ghi"),
        "{}",
        next_day.text
    );
    let bad = page(&app, "/audit?from=hom-qua", Some(&session)).await;
    assert!(
        bad.text.contains("Từ ngày phải là một ngày"),
        "{}",
        bad.text
    );
    let of_contest = page(&app, "/audit?contest=1", Some(&session)).await;
    assert!(!of_contest.text.contains("<td>Tạo tài khoản</td>"));
    assert!(
        of_contest.text.contains("<td>Tạo cuộc thi</td>"),
        "{}",
        of_contest.text
    );

    let file = page(&app, "/audit.csv?actor=quantri", Some(&session)).await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(
        file.text.contains("Thời điểm,Người thực hiện,Hành động"),
        "{}",
        file.text
    );
    assert!(file.text.contains("Tạo tài khoản"));

    let checked = page(&app, "/audit?verify=1", Some(&session)).await;
    assert!(
        checked.text.contains("Nhật ký nguyên vẹn"),
        "{}",
        checked.text
    );
}

#[tokio::test]
async fn the_administrator_imports_users_and_units_from_files_all_or_nothing() {
    let app = TestApp::new().await;
    let session = web_login(&app, "quantri").await;
    let users = page(&app, "/users", Some(&session)).await;
    assert!(users.text.contains("href=\"/users/import\""));
    let form = page(&app, "/users/import", Some(&session)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text);
    let csrf = hidden(&form.text, "csrf");

    // Two bad rows: nothing is made, each is named by its line.
    let bad = "username,full_name,role,unit_code,email\n\
               nk.moi,Nông Khánh Mới,focal,HHA,nk@caobang.gov.vn\n\
               snv.tochuc,Trùng Tên,focal,HHA,\n\
               x,Không Vai Trò,truong-phong,KHONG-CO,\n";
    let res = multipart_page(&app, "/users/import", &session, Some(&csrf), bad.as_bytes()).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(
        res.text
            .contains("Không nhập người dùng nào: 2 dòng có lỗi"),
        "{}",
        res.text
    );
    assert!(
        res.text
            .contains("<td class=\"num\">3</td><td>snv.tochuc</td>"),
        "{}",
        res.text
    );
    assert!(res.text.contains("đã được dùng"));
    assert!(res.text.contains("<td class=\"num\">4</td>"));
    let admin = app.admin().await;
    let list = app.get("/api/v1/users", &admin).await;
    assert!(!list.text.contains("nk.moi"), "all or nothing");

    let good = "username,full_name,role,unit_code,email,position\n\
                nk.moi,Nông Khánh Mới,focal,HHA,nk@caobang.gov.vn,Chuyên viên\n\
                lt.hoa,Lã Thị Hoa,viewer,SNV,,\n";
    let res = multipart_page(
        &app,
        "/users/import",
        &session,
        Some(&csrf),
        good.as_bytes(),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(res.text.contains("Đã tạo 2 tài khoản."), "{}", res.text);
    let password = res
        .text
        .split("<td>nk.moi</td><td>Nông Khánh Mới</td><td><code>")
        .nth(1)
        .unwrap()
        .split("</code>")
        .next()
        .unwrap()
        .to_string();
    assert_eq!(password.len(), 14, "{password}");
    app.login_with("nk.moi", &password).await;
    let res = multipart_page(
        &app,
        "/users/import",
        &session,
        Some("sai"),
        good.as_bytes(),
    )
    .await;
    assert_eq!(
        res.status,
        StatusCode::FORBIDDEN,
        "the form's token is checked"
    );

    // Units: a bad parent refuses the file; a good file creates and updates.
    let form = page(&app, "/units/import", Some(&session)).await;
    let bad = "code,name,kind,parent_code\nXBT,xã Bế Triều,commune,KHONG-CO\n";
    let res = multipart_page(
        &app,
        "/units/import",
        &session,
        Some(&hidden(&form.text, "csrf")),
        bad.as_bytes(),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(
        res.text.contains("<td class=\"num\">2</td><td>XBT</td>"),
        "{}",
        res.text
    );
    let good = "code,name,kind,parent_code\nXBT,xã Bế Triều,commune,HHA\n";
    let res = multipart_page(
        &app,
        "/units/import",
        &session,
        Some(&csrf),
        good.as_bytes(),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let to = res.headers[header::LOCATION].to_str().unwrap().to_string();
    assert_eq!(to, "/units?done=imported&created=1&updated=0");
    let units = page(&app, &to, Some(&session)).await;
    assert!(units.text.contains("1 đơn vị mới"));
    assert!(units.text.contains("xã Bế Triều"));
    let organizer = web_login(&app, "snv.tochuc").await;
    assert_eq!(
        page(&app, "/users/import", Some(&organizer)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_administrator_dates_a_unit_and_the_organizer_imports_earlier_years() {
    let app = TestApp::new().await;
    let admin = web_login(&app, "quantri").await;
    let cookie = format!("sk_session={admin}");
    let res = page(&app, "/units/HTK", Some(&admin)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    // The demo's 2025 data: the district ended on 30/06/2025.
    assert!(res.text.contains("value=\"2025-06-30\""), "{}", res.text);
    let csrf = hidden(&res.text, "csrf");
    let edit = |to: &str| {
        encode(&[
            ("csrf", &csrf),
            ("name", "huyện Trùng Khánh"),
            ("kind", "district"),
            ("parent_code", ""),
            ("valid_from", ""),
            ("valid_to", to),
            ("successor_code", "P-TANGIANG"),
            ("active", "on"),
        ])
    };
    // A merger needs the last day; what was typed stays.
    let res = form(&app, "/units/HTK", &cookie, &edit("")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(
        res.text.contains("phải có ngày hết hiệu lực"),
        "{}",
        res.text
    );
    assert!(
        res.text.contains("value=\"P-TANGIANG\" selected"),
        "{}",
        res.text
    );
    let res = form(&app, "/units/HTK", &cookie, &edit("2025-06-30")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let list = page(&app, "/units", Some(&admin)).await;
    assert!(
        list.text
            .contains("… – 30/06/2025, sáp nhập vào phường Tân Giang"),
        "{}",
        list.text
    );
    assert!(list.text.contains("01/07/2025 – nay"), "{}", list.text);

    // The organizer's archive: a bad file names its rows, a good one fills the list.
    let session = web_login(&app, "snv.tochuc").await;
    let home = page(&app, "/", Some(&session)).await;
    assert!(home.text.contains("href=\"/archive\""), "{}", home.text);
    let form_page = page(&app, "/archive", Some(&session)).await;
    assert_eq!(form_page.status, StatusCode::OK, "{}", form_page.text);
    let csrf = hidden(&form_page.text, "csrf");
    let bad = "year,unit_code,title,summary,tier\n2019,HTK,,,\n";
    let res = multipart_page(
        &app,
        "/archive/import",
        &session,
        Some(&csrf),
        bad.as_bytes(),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(
        res.text.contains("<td class=\"num\">2</td><td>HTK</td>"),
        "{}",
        res.text
    );
    let good =
        "year,unit_code,title,summary,tier\n2019,HTK,Bản đồ số du lịch Trùng Khánh,,Giải Ba\n";
    let res = multipart_page(
        &app,
        "/archive/import",
        &session,
        Some(&csrf),
        good.as_bytes(),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let to = res.headers[header::LOCATION].to_str().unwrap().to_string();
    let list = page(&app, &to, Some(&session)).await;
    assert!(list.text.contains("1 sáng kiến mới"), "{}", list.text);
    assert!(list.text.contains("Bản đồ số du lịch Trùng Khánh"));
    assert!(list.text.contains("Giải Ba"));
    // Units do not see the archive.
    let focal = web_login(&app, "stp.daumoi").await;
    assert_eq!(
        page(&app, "/archive", Some(&focal)).await.status,
        StatusCode::FORBIDDEN
    );
}
