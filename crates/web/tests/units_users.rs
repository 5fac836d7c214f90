//! Units (CRUD, import) and users (admin) through the API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::{Value, json};

#[tokio::test]
async fn admin_manages_units_and_referenced_units_are_only_deactivated() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let res = app
        .post(
            "/api/v1/units",
            &admin,
            json!({"code": "XTL", "name": "xã Trà Lĩnh", "kind": "commune", "parent_code": "HTK"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let res = app
        .post(
            "/api/v1/units",
            &admin,
            json!({"code": "XTL", "name": "Trùng", "kind": "commune"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(TestApp::fields(&res), vec!["code"]);

    // A parent cannot become its own descendant.
    let res = app
        .patch("/api/v1/units/HTK", &admin, json!({"parent_code": "XTL"}))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(TestApp::fields(&res), vec!["parent_code"]);

    // HTK has a child and takes part in the demo contest: it cannot be deleted.
    let res = app
        .call(Method::DELETE, "/api/v1/units/HTK", Some(&admin), None)
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.body["error"]["code"], "unit_in_use");
    let res = app
        .patch("/api/v1/units/HTK", &admin, json!({"active": false}))
        .await;
    assert_eq!(res.body["active"], false);
    // The leaf commune can be deleted.
    assert_eq!(
        app.call(Method::DELETE, "/api/v1/units/XTL", Some(&admin), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get("/api/v1/units/XTL", &admin).await.status,
        StatusCode::NOT_FOUND
    );

    // Any signed-in user reads units; only the admin changes them.
    let focal = app.login("hoaan.daumoi").await;
    assert_eq!(
        app.get("/api/v1/units", &focal).await.body["units"]
            .as_array()
            .unwrap()
            .len(),
        38,
        "the 30 units of 2021 and the 8 new ones of 2025"
    );
    let res = app
        .post(
            "/api/v1/units",
            &focal,
            json!({"code": "A1", "name": "A", "kind": "other"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.body["error"]["code"], "forbidden");
}

#[tokio::test]
async fn an_import_with_bad_rows_imports_nothing_and_lists_every_bad_row() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let csv = "code,name,kind,parent_code\n\
               XA1,xã Hồng Việt,commune,HHA\n\
               XA 2,xã Bạch Đằng,commune,HHA\n\
               XA3,,commune,HHA\n\
               XA4,xã Dân Chủ,province,HHA\n\
               XA5,xã Nam Tuấn,commune,KHONGCO\n\
               XA1,xã Hồng Việt (lặp),commune,HHA\n";
    let res = app
        .upload("/api/v1/units/import", &admin, "xa.csv", csv.as_bytes())
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert_eq!(res.body["error"]["code"], "import_rejected");
    let lines: Vec<u64> = res.body["error"]["details"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![3, 4, 5, 6, 7]);
    assert_eq!(
        app.get("/api/v1/units/XA1", &admin).await.status,
        StatusCode::NOT_FOUND
    );

    // The good file imports, children before their parents included.
    let csv = "code,name,kind,parent_code\nTHON1,thôn Nà Cáp,other,XA1\nXA1,xã Hồng Việt,commune,HHA\nHHA,huyện Hòa An,district,\n";
    let res = app
        .upload("/api/v1/units/import", &admin, "xa.csv", csv.as_bytes())
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(
        res.body,
        json!({"created": 2, "updated": 0, "unchanged": 1})
    );
    assert_eq!(
        app.get("/api/v1/units/THON1", &admin).await.body["parent_code"],
        "XA1"
    );

    // An optional e-mail column: a bad address names its line; a blank cell keeps the
    // unit's address, a filled one sets it.
    let csv = "code,name,kind,parent_code,email\nXA1,xã Hồng Việt,commune,HHA,vanthu@\n";
    let res = app
        .upload("/api/v1/units/import", &admin, "xa.csv", csv.as_bytes())
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(
        res.text.contains("Địa chỉ thư điện tử không hợp lệ"),
        "{}",
        res.text
    );
    let csv = "code,name,kind,parent_code,email\n\
               XA1,xã Hồng Việt,commune,HHA,vanthu@hongviet.caobang.gov.vn\n\
               THON1,thôn Nà Cáp,other,XA1,\n";
    let res = app
        .upload("/api/v1/units/import", &admin, "xa.csv", csv.as_bytes())
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(
        res.body,
        json!({"created": 0, "updated": 1, "unchanged": 1})
    );
    let csv = "code,name,kind,parent_code,email\nXA1,xã Hồng Việt,commune,HHA,\n";
    app.upload("/api/v1/units/import", &admin, "xa.csv", csv.as_bytes())
        .await;
    let xa1 = app.get("/api/v1/units/XA1", &admin).await;
    assert_eq!(xa1.body["email"], "vanthu@hongviet.caobang.gov.vn");
    assert_eq!(
        app.get("/api/v1/units/THON1", &admin).await.body["email"],
        Value::Null
    );
}

#[tokio::test]
async fn units_import_from_xlsx_recognised_by_content() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in [
        ["code", "name", "kind", "parent_code"],
        ["PTG", "phường Tân Giang", "commune", "TPCB"],
    ]
    .iter()
    .enumerate()
    {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    let bytes = book.save_to_buffer().unwrap();
    let res = app
        .upload("/api/v1/units/import", &admin, "donvi.csv", &bytes)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(
        app.get("/api/v1/units/PTG", &admin).await.body["name"],
        "phường Tân Giang"
    );

    let res = app
        .upload(
            "/api/v1/units/import",
            &admin,
            "donvi.xlsx",
            b"PK\x03\x04not really a workbook",
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.body["error"]["code"], "invalid_file");
}

#[tokio::test]
async fn admin_creates_users_with_password_rules_and_deactivation_ends_sessions() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let body = json!({"username": "hqh.daumoi", "full_name": "Lục Văn Bình", "password": "ngan1", "role": "focal", "unit_code": "HQH"});
    let res = app.post("/api/v1/users", &admin, body.clone()).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(TestApp::fields(&res), vec!["password"]);
    assert!(
        res.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("ít nhất 10 ký tự")
    );

    let mut ok = body.clone();
    ok["password"] = json!(common::PASSWORD);
    let res = app.post("/api/v1/users", &admin, ok.clone()).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    assert!(res.body.get("password").is_none() && res.body.get("password_hash").is_none());
    let res = app.post("/api/v1/users", &admin, ok).await;
    assert_eq!(TestApp::fields(&res), vec!["username"]);

    let token = app.login("hqh.daumoi").await;
    assert_eq!(
        app.get("/api/v1/me", &token).await.body["user"]["unit_code"],
        "HQH"
    );

    // A new password set by the admin: checked by the same rules, then the old one stops
    // working and the new one works (the hash is made before the write transaction).
    let res = app
        .patch(
            "/api/v1/users/hqh.daumoi",
            &admin,
            json!({"password": "ngan2"}),
        )
        .await;
    assert_eq!(TestApp::fields(&res), vec!["password"]);
    let renewed = "Mat-khau-moi-2021";
    let res = app
        .patch(
            "/api/v1/users/hqh.daumoi",
            &admin,
            json!({"password": renewed}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let login = |password: &str| {
        app.call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "hqh.daumoi", "password": password})),
        )
    };
    assert_eq!(
        login(common::PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(login(renewed).await.status, StatusCode::OK);
    let res = app
        .patch("/api/v1/users/hqh.daumoi", &admin, json!({"active": false}))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        app.get("/api/v1/me", &token).await.status,
        StatusCode::UNAUTHORIZED
    );

    // Only admins see users; the last admin cannot be removed.
    let org = app.organizer().await;
    assert_eq!(
        app.get("/api/v1/users", &org).await.status,
        StatusCode::FORBIDDEN
    );
    let res = app
        .patch("/api/v1/users/quantri", &admin, json!({"role": "viewer"}))
        .await;
    assert_eq!(res.body["error"]["code"], "last_admin");
}

#[tokio::test]
async fn login_is_rate_limited_per_account_and_logout_ends_the_token() {
    let app = TestApp::new().await;
    let wrong = json!({"username": "snv.tochuc", "password": "sai-mat-khau-1"});
    for _ in 0..5 {
        let res = app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(wrong.clone()),
            )
            .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert_eq!(res.body["error"]["code"], "invalid_credentials");
    }
    let right = json!({"username": "snv.tochuc", "password": common::PASSWORD});
    let res = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(right.clone()),
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    // Another account from the same address is not blocked yet.
    assert_eq!(app.login("quantri").await.len(), 64);
    // After the window the right password works again.
    app.set_now(common::OCT_15_2021 + 16 * 60);
    let token = app.login("snv.tochuc").await;
    assert_eq!(
        app.call(Method::POST, "/api/v1/auth/logout", Some(&token), None)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.get("/api/v1/me", &token).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn units_are_listed_in_vietnamese_alphabetical_order() {
    let app = TestApp::new().await;
    let token = app.organizer().await;
    let res = app.get("/api/v1/units", &token).await;
    let names: Vec<String> = res.body["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap().to_string())
        .collect();
    let pos = |n: &str| names.iter().position(|x| x == n).unwrap();
    assert!(pos("huyện Bảo Lạc") < pos("huyện Bảo Lâm"), "{names:?}");
    assert!(pos("Ban Dân tộc") < pos("Sở Nội vụ"));
    let mut sorted = names.clone();
    sorted.sort_by(|a, b| sangkien_domain::collate::cmp_vi(a, b));
    assert_eq!(names, sorted);
}

#[tokio::test]
async fn users_are_imported_through_the_api_with_their_first_passwords() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let csv = "username,full_name,role,unit_code,password\n\
               dm.moi,Đầu Mối Mới,focal,STP,Mat-khau-rieng-2026\n\
               xem.moi,Người Xem,viewer,SNV,\n";
    let res = app
        .upload(
            "/api/v1/users/import",
            &admin,
            "nguoi-dung.csv",
            csv.as_bytes(),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["created"], 2);
    let users = res.body["users"].as_array().unwrap();
    assert!(users[0]["initial_password"].is_null(), "the file gave one");
    let made = users[1]["initial_password"].as_str().unwrap();
    app.login_with("dm.moi", "Mat-khau-rieng-2026").await;
    app.login_with("xem.moi", made).await;
    let again = app
        .upload(
            "/api/v1/users/import",
            &admin,
            "nguoi-dung.csv",
            csv.as_bytes(),
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        again.text
    );
    assert_eq!(again.body["error"]["details"]["rows"][0]["line"], 2);
    let focal = app.login("stp.daumoi").await;
    let res = app
        .upload(
            "/api/v1/users/import",
            &focal,
            "nguoi-dung.csv",
            csv.as_bytes(),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn units_are_dated_and_a_contest_takes_only_units_of_its_opening_day() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    // Dates as a spreadsheet shows them or as ISO; a successor later in the file; bad
    // dates and a merger without an end are named by line.
    let bad = "code,name,kind,parent_code,valid_from,valid_to,successor_code\n\
               XA1,xã Hồng Việt,commune,,01/07/2025,30/02/2026,\n\
               XA2,xã Bạch Đằng,commune,,2025-07-01,2025-06-01,\n\
               XA3,xã Dân Chủ,commune,,,,XA4\n";
    let res = app
        .upload("/api/v1/units/import", &admin, "xa.csv", bad.as_bytes())
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    let rows = res.body["error"]["details"]["rows"].as_array().unwrap();
    let lines: Vec<u64> = rows.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, vec![2, 3, 4], "{}", res.text);
    let csv = "code,name,kind,parent_code,valid_from,valid_to,successor_code\n\
               HTK,huyện Trùng Khánh,district,,,30/06/2025,XTK\n\
               XTK,xã Trùng Khánh,commune,,01/07/2025,,\n";
    let res = app
        .upload("/api/v1/units/import", &admin, "xa.csv", csv.as_bytes())
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let htk = app.get("/api/v1/units/HTK", &admin).await.body;
    assert_eq!(
        (&htk["valid_from"], &htk["valid_to"], &htk["successor_code"]),
        (&json!(null), &json!("2025-06-30"), &json!("XTK"))
    );
    // A 2026 contest refuses the district, names it and what it became; takes the commune.
    let org = app.organizer().await;
    let mut body = common::contest_body();
    body["year"] = json!(2026);
    body["opens_at"] = json!("2026-03-01");
    body["submission_deadline"] = json!("2026-10-31");
    body["evaluation_ends_at"] = json!("2026-11-30");
    body["participant_unit_codes"] = json!(["STP", "HTK"]);
    let res = app.post("/api/v1/contests", &org, body.clone()).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    let field = &res.body["error"]["details"]["fields"][0];
    assert_eq!(field["field"], "participant_unit_codes[1]");
    let message = field["message"].as_str().unwrap();
    assert!(
        message.contains("huyện Trùng Khánh") && message.contains("30/06/2025"),
        "{message}"
    );
    assert!(message.contains("nay là «xã Trùng Khánh»"), "{message}");
    // Nor a commune before it exists.
    body["participant_unit_codes"] = json!(["STP", "XTK"]);
    body["opens_at"] = json!("2025-03-01");
    let res = app.post("/api/v1/contests", &org, body.clone()).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(
        res.text.contains("chỉ tồn tại từ ngày 01/07/2025"),
        "{}",
        res.text
    );
    body["opens_at"] = json!("2026-03-01");
    let res = app.post("/api/v1/contests", &org, body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    // The 2021 contest, opened while the district existed, keeps it.
    let res = app
        .patch(
            "/api/v1/contests/1",
            &org,
            json!({"description": "Mục đích, yêu cầu đã sửa."}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
}
