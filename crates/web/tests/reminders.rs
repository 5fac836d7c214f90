//! Reminders (SPEC §3.3) on both databases: only units below the minimum, once per
//! offset even with two server processes, the outbox and inbox, and delivery to a real
//! SMTP server started by the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::TestApp;
use sangkien_storage::Store;
use sangkien_web::jobs;
use serde_json::{Value, json};

const DEADLINE: i64 = 1_635_699_599;
const DAY: i64 = 86_400;
const CONTEST: i64 = 1;

/// Adds a focal user with an e-mail address to a unit.
async fn focal(app: &TestApp, username: &str, unit: &str, email: &str) {
    let admin = app.admin().await;
    let res = app
        .post(
            "/api/v1/users",
            &admin,
            json!({"username": username, "full_name": "Đầu Mối Thử", "password": common::PASSWORD,
                   "role": "focal", "unit_code": unit, "email": email}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
}

fn recipients(res: &Value) -> Vec<String> {
    let mut r: Vec<String> = res["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["username"].as_str().unwrap().to_string())
        .collect();
    r.sort();
    r
}

#[tokio::test]
async fn reminders_go_only_to_units_below_the_minimum() {
    let app = TestApp::new().await;
    focal(&app, "htk.daumoi", "HTK", "htk@caobang.gov.vn").await;
    focal(&app, "hha.phu", "HHA", "hha2@caobang.gov.vn").await;
    let org = app.organizer().await;
    let res = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/reminders"),
            &org,
            json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    // HTK has only a draft; HHA and STP have submitted entries.
    assert_eq!(recipients(&res.body), vec!["htk.daumoi"]);
    let m = &res.body["messages"][0];
    assert_eq!(m["state"], "queued");
    assert_eq!(m["unit_code"], "HTK");
    assert!(m["body"].as_str().unwrap().contains("31/10/2021 23:59"));
    assert!(
        m["subject"]
            .as_str()
            .unwrap()
            .starts_with("Nhắc nộp sáng kiến")
    );
    // Units below the minimum without a focal user are reported, not silently skipped.
    let unreachable = res.body["unreachable_units"].as_array().unwrap();
    assert!(unreachable.iter().any(|u| u == "HBLAM"));
    // The coverage view shows when each unit was last reminded; the inbox shows it.
    let cov = app
        .get(&format!("/api/v1/contests/{CONTEST}/coverage"), &org)
        .await;
    let htk = cov.body["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit_code"] == "HTK")
        .unwrap();
    assert_eq!(htk["last_reminded_at"], "2021-10-15T10:00:00+07:00");
    let htk_token = app.login("htk.daumoi").await;
    let inbox = app.get("/api/v1/notifications", &htk_token).await;
    assert_eq!(inbox.body["total"], 1);
    let hoaan = app.login("hoaan.daumoi").await;
    assert_eq!(
        app.get("/api/v1/notifications", &hoaan).await.body["total"],
        0
    );
    // Only organizers send reminders, only while the contest is open.
    assert_eq!(
        app.post(
            &format!("/api/v1/contests/{CONTEST}/reminders"),
            &hoaan,
            json!({})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let outbox = app
        .get(&format!("/api/v1/contests/{CONTEST}/outbox"), &org)
        .await;
    assert_eq!(outbox.body["total"], 1);
}

#[tokio::test]
async fn automatic_reminders_fire_once_per_offset_even_with_two_processes() {
    let app = TestApp::new().await;
    focal(&app, "htk.daumoi", "HTK", "htk@caobang.gov.vn").await;
    focal(&app, "hbl.daumoi", "HBLAM", "hbl@caobang.gov.vn").await;
    // A second "process": its own connection pool on the same database.
    let other = Store::connect(&app.db_url).await.unwrap();
    let both = |now: i64| {
        let (a, b) = (app.store.clone(), other.clone());
        async move {
            let (x, y) = tokio::join!(
                jobs::run_due_reminders(&a, now),
                jobs::run_due_reminders(&b, now)
            );
            x.unwrap() + y.unwrap()
        }
    };
    // Eight days before: nothing is due.
    assert_eq!(both(DEADLINE - 8 * DAY).await, 0);
    // Seven days before: one message to each of the two units' focal users, in total.
    assert_eq!(both(DEADLINE - 7 * DAY + 3600).await, 2);
    assert_eq!(both(DEADLINE - 7 * DAY + 7200).await, 0);
    assert_eq!(both(DEADLINE - 3 * DAY).await, 2);
    // After HBLAM submits, the 1-day reminder goes to HTK only.
    app.set_now(DEADLINE - 2 * DAY);
    let hbl = app.login("hbl.daumoi").await;
    let mut body = json!({
        "title": "Sáng kiến của huyện Bảo Lâm về một cửa", "topic_code": "TTHC", "form": "scheme",
        "authors": [{"full_name": "Vi Văn D", "workplace": "UBND huyện Bảo Lâm", "position": "Chuyên viên",
                     "qualification": "Cử nhân", "contribution_percent": 100}],
        "field_of_application": "Một cửa", "first_applied_on": "2021-05-01", "implementation_status": "in_progress",
        "description": {"current_situation": "a", "solution": "b", "novelty": "c", "conditions": "d",
                        "benefits": "e", "replication_scope": "f"}
    });
    let id = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/entries"),
            &hbl,
            body.take(),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let up = app
        .upload_kind(
            &format!("/api/v1/entries/{id}/attachments"),
            &hbl,
            "main",
            "a.pdf",
            &sangkien_files::sample_pdf(&["Bao Lam"]),
        )
        .await;
    assert_eq!(up.status, StatusCode::CREATED);
    assert_eq!(
        app.post(
            &format!("/api/v1/entries/{id}/submit"),
            &hbl,
            json!({"sworn": true})
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(both(DEADLINE - DAY + 60).await, 1);
    // After the deadline nothing more.
    assert_eq!(both(DEADLINE + 60).await, 0);
    app.set_now(DEADLINE - 2 * DAY);
    let org = app.organizer().await;
    let outbox = app
        .get(
            &format!("/api/v1/contests/{CONTEST}/outbox?per_page=200"),
            &org,
        )
        .await;
    let per_user = |u: &str| {
        outbox.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["username"] == u && m["kind"] == "reminder")
            .count()
    };
    assert_eq!(per_user("htk.daumoi"), 3);
    assert_eq!(per_user("hbl.daumoi"), 2);
    other.close().await;
}

#[tokio::test]
async fn queued_messages_are_delivered_by_smtp_and_marked_sent() {
    let sink = common::smtp_sink().await;
    let app = TestApp::new().await;
    focal(&app, "htk.daumoi", "HTK", "htk@caobang.gov.vn").await;
    let admin = app.admin().await;
    let res = app
        .call(
            axum::http::Method::PUT,
            "/api/v1/settings",
            Some(&admin),
            Some(json!({"smtp": {"host": "127.0.0.1", "port": sink.port, "security": "none",
                                  "from_address": "sangkien@caobang.gov.vn", "from_name": "Sở Nội vụ Cao Bằng"}})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let org = app.organizer().await;
    app.post(
        &format!("/api/v1/contests/{CONTEST}/reminders"),
        &org,
        json!({}),
    )
    .await;
    let (sent, failed) = jobs::deliver(&app.store, "test-worker", common::OCT_15_2021)
        .await
        .unwrap();
    assert_eq!((sent, failed), (1, 0));
    // A second worker finds nothing left to send.
    assert_eq!(
        jobs::deliver(&app.store, "other-worker", common::OCT_15_2021)
            .await
            .unwrap(),
        (0, 0)
    );
    let mail = common::received(&sink);
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert!(mail[0].contains("htk@caobang.gov.vn"), "{}", mail[0]);
    assert!(
        mail[0].contains("Nhắc nộp sáng kiến: Cuộc thi Sáng kiến"),
        "{}",
        mail[0]
    );
    assert!(
        mail[0].contains("huyện Trùng Khánh đã nộp 0 sáng kiến"),
        "{}",
        mail[0]
    );
    let outbox = app
        .get(&format!("/api/v1/contests/{CONTEST}/outbox"), &org)
        .await;
    assert_eq!(outbox.body["items"][0]["state"], "sent");
    // A dead server: the attempt is recorded with its error and the message is retried.
    drop(sink);
    app.post(
        &format!("/api/v1/contests/{CONTEST}/reminders"),
        &org,
        json!({}),
    )
    .await;
    let (sent, failed) = jobs::deliver(&app.store, "test-worker", common::OCT_15_2021)
        .await
        .unwrap();
    assert_eq!((sent, failed), (0, 1));
    let outbox = app
        .get(&format!("/api/v1/contests/{CONTEST}/outbox"), &org)
        .await;
    let latest = &outbox.body["items"][0];
    assert_eq!(latest["state"], "queued");
    assert_eq!(latest["attempts"], 1);
    assert!(!latest["last_error"].as_str().unwrap().is_empty());
}

/// A unit with no focal user but an address of its own gets its reminder there (by
/// e-mail, with the unit as addressee); only units with neither are reported.
#[tokio::test]
async fn a_unit_without_focal_user_is_reminded_at_its_own_address() {
    let sink = common::smtp_sink().await;
    let app = TestApp::new().await;
    let admin = app.admin().await;
    // A bad address is refused in Vietnamese and nothing changes.
    let bad = app
        .call(
            axum::http::Method::PATCH,
            "/api/v1/units/HBLAM",
            Some(&admin),
            Some(json!({"email": "vanthu@"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    assert!(bad.text.contains("Địa chỉ thư điện tử không hợp lệ"));
    let res = app
        .call(
            axum::http::Method::PATCH,
            "/api/v1/units/HBLAM",
            Some(&admin),
            Some(json!({"email": " vanthu@baolam.caobang.gov.vn "})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["email"], "vanthu@baolam.caobang.gov.vn");
    let res = app
        .call(
            axum::http::Method::PUT,
            "/api/v1/settings",
            Some(&admin),
            Some(json!({"smtp": {"host": "127.0.0.1", "port": sink.port, "security": "none",
                                  "from_address": "sangkien@caobang.gov.vn", "from_name": "Sở Nội vụ Cao Bằng"}})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let org = app.organizer().await;
    let res = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/reminders"),
            &org,
            json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let to_unit: Vec<&Value> = res.body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["unit_code"] == "HBLAM")
        .collect();
    assert_eq!(to_unit.len(), 1, "{}", res.text);
    assert_eq!(to_unit[0]["username"], Value::Null);
    assert_eq!(to_unit[0]["email"], "vanthu@baolam.caobang.gov.vn");
    assert!(
        to_unit[0]["body"]
            .as_str()
            .unwrap()
            .starts_with("Kính gửi huyện Bảo Lâm,"),
        "{}",
        to_unit[0]["body"]
    );
    let unreachable = res.body["unreachable_units"].as_array().unwrap();
    assert!(!unreachable.iter().any(|u| u == "HBLAM"), "{unreachable:?}");
    assert!(unreachable.iter().any(|u| u == "HTK"), "{unreachable:?}");
    let cov = app
        .get(&format!("/api/v1/contests/{CONTEST}/coverage"), &org)
        .await;
    let reachable = |code: &str| {
        cov.body["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit_code"] == code)
            .unwrap()["reachable"]
            .clone()
    };
    assert_eq!(reachable("HBLAM"), true);
    assert_eq!(reachable("HTK"), false);
    let (sent, failed) = jobs::deliver(&app.store, "test-worker", common::OCT_15_2021)
        .await
        .unwrap();
    assert_eq!((sent, failed), (1, 0));
    let mail = common::received(&sink);
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert!(
        mail[0].contains("vanthu@baolam.caobang.gov.vn"),
        "{}",
        mail[0]
    );
    // What happens to the contest reaches the unit there too: it is closed.
    app.set_now(DEADLINE + 60);
    let org = app.organizer().await;
    let res = app.transition(&org, CONTEST, "closed").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let outbox = app
        .get(&format!("/api/v1/contests/{CONTEST}/outbox"), &org)
        .await;
    let closed = outbox.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["unit_code"] == "HBLAM" && m["kind"] != "reminder")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        closed["email"], "vanthu@baolam.caobang.gov.vn",
        "{}",
        outbox.text
    );
    assert_eq!(closed["username"], Value::Null);
}

/// Housekeeping goes by the application's clock: with the clock set in 2021 (as
/// `--clock-start` does), a session opened "now" survives it, and one past its expiry
/// does not.
#[tokio::test]
async fn housekeeping_uses_the_application_clock() {
    let app = TestApp::new().await;
    let token = app.login("hoaan.daumoi").await;
    jobs::housekeeping(&app.state).await.unwrap();
    assert_eq!(app.get("/api/v1/me", &token).await.status, StatusCode::OK);
    app.set_now(common::OCT_15_2021 + 2 * DAY);
    jobs::housekeeping(&app.state).await.unwrap();
    app.set_now(common::OCT_15_2021);
    assert_eq!(
        app.get("/api/v1/me", &token).await.status,
        StatusCode::UNAUTHORIZED
    );
}

/// The subjects in an account's inbox, newest first.
async fn subjects(app: &TestApp, username: &str) -> Vec<String> {
    let t = app.login(username).await;
    app.get("/api/v1/notifications", &t).await.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            format!(
                "{} | {}",
                m["subject"].as_str().unwrap(),
                m["body"].as_str().unwrap()
            )
        })
        .collect()
}

fn has(list: &[String], text: &str) -> bool {
    list.iter().any(|m| m.contains(text))
}

#[tokio::test]
async fn units_and_judges_are_told_what_happens_to_the_contest() {
    let app = TestApp::new().await;
    app.set_now(DEADLINE - DAY);
    let org = app.organizer().await;
    let res = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/extensions"),
            &org,
            json!({"unit_code": "STP", "until": "2021-11-05", "reason": "Lũ lụt"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let stp = subjects(&app, "stp.daumoi").await;
    assert!(has(&stp, "Gia hạn nộp bài đến 05/11/2021"), "{stp:?}");
    assert!(has(&stp, "Lý do: Lũ lụt"));
    assert!(
        !has(&subjects(&app, "hoaan.daumoi").await, "Gia hạn"),
        "only the unit granted"
    );

    app.set_now(DEADLINE + 3600);
    let org = app.organizer().await;
    let res = app.transition(&org, CONTEST, "closed").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    for focal in ["stp.daumoi", "hoaan.daumoi"] {
        assert!(
            has(&subjects(&app, focal).await, "Hết hạn nộp bài"),
            "{focal}"
        );
    }
    let list = app
        .get(&format!("/api/v1/contests/{CONTEST}/entries"), &org)
        .await;
    let hha = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["unit_code"] == "HHA" && e["status"] == "submitted")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let res = app
        .post(
            &format!("/api/v1/entries/{hha}/screening"),
            &org,
            json!({"eligible": false, "reason": "Không thuộc lĩnh vực cải cách hành chính"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let hoaan = subjects(&app, "hoaan.daumoi").await;
    assert!(has(&hoaan, "Kết quả xét điều kiện"), "{hoaan:?}");
    assert!(has(
        &hoaan,
        "Lý do: Không thuộc lĩnh vực cải cách hành chính"
    ));
    assert!(!has(
        &subjects(&app, "stp.daumoi").await,
        "Kết quả xét điều kiện"
    ));

    // The extension of STP runs to 05/11: judging starts after it.
    app.set_now(DEADLINE + 6 * DAY);
    let org = app.organizer().await;
    app.prepare_judging(&org, CONTEST).await;
    let res = app.transition(&org, CONTEST, "judging").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    for judge in ["hd.vpubnd", "hd.snv", "hd.stc"] {
        assert!(
            has(&subjects(&app, judge).await, "Bắt đầu chấm điểm"),
            "{judge}"
        );
    }
    assert!(
        !has(&subjects(&app, "hd.stp").await, "Bắt đầu chấm điểm"),
        "not on this council"
    );
}
