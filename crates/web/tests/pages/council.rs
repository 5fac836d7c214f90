//! The council's and the units' actions from the pages: confirming a submission or a
//! withdrawal, a member's own conflict, the chair reopening a sheet, and reminding judges.

use super::*;

#[tokio::test]
async fn submitting_and_withdrawing_ask_first_and_only_the_unit_withdraws() {
    let app = TestApp::new().await;
    let org = app.organizer().await;
    let list = app.get("/api/v1/contests/1/entries", &org).await;
    let id = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["unit_code"] == "HHA" && e["status"] == "submitted")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let path = format!("/entries/{id}");
    // The organizer sees no withdrawal: a unit's entry is refused by screening.
    let o = web_login(&app, "snv.tochuc").await;
    let res = page(&app, &path, Some(&o)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(!res.text.contains("confirm=withdraw"), "{}", res.text);

    let s = web_login(&app, "hoaan.daumoi").await;
    let res = page(&app, &path, Some(&s)).await;
    assert!(
        res.text.contains(&format!("{path}?confirm=withdraw")),
        "{}",
        res.text
    );
    assert!(!res.text.contains(&format!("action=\"{path}/withdraw\"")));
    let res = page(&app, &format!("{path}?confirm=withdraw"), Some(&s)).await;
    assert!(res.text.contains("Xác nhận rút"), "{}", res.text);
    assert!(res.text.contains(&format!("action=\"{path}/withdraw\"")));
    let csrf = hidden(&res.text, "csrf");
    let cookie = format!("sk_session={s}");
    let res = form(
        &app,
        &format!("{path}/withdraw"),
        &cookie,
        &format!("csrf={csrf}"),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    // Withdrawn, it can be submitted again before the deadline, after a confirmation.
    let res = page(&app, &format!("{path}?done=withdrawn"), Some(&s)).await;
    assert!(res.text.contains("Đã rút sáng kiến."), "{}", res.text);
    assert!(
        res.text.contains(&format!("{path}?confirm=submit")),
        "{}",
        res.text
    );
    assert!(res.text.contains(&format!("{path}/edit")));
    let res = page(&app, &format!("{path}?confirm=submit"), Some(&s)).await;
    assert!(res.text.contains("Xác nhận nộp"), "{}", res.text);
    assert!(res.text.contains("xin cam đoan"), "{}", res.text);
    // Without the authors' statement ticked: refused, the confirmation still open.
    let res = form(
        &app,
        &format!("{path}/submit"),
        &cookie,
        &format!("csrf={csrf}"),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(
        res.text.contains("Hãy đánh dấu lời cam đoan"),
        "{}",
        res.text
    );
    assert!(res.text.contains("id=\"confirm-submit\""), "{}", res.text);
    let res = form(
        &app,
        &format!("{path}/submit"),
        &cookie,
        &format!("csrf={csrf}&sworn=on"),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let res = page(&app, &path, Some(&s)).await;
    assert!(res.text.contains("phiên bản 2, nộp lúc"), "{}", res.text);
    // The organizer sees the statement recorded with each version.
    let org = web_login(&app, "snv.tochuc").await;
    let res = page(&app, &path, Some(&org)).await;
    assert!(res.text.contains("Đã cam đoan"), "{}", res.text);
}

#[tokio::test]
async fn a_member_declares_their_own_conflict_from_the_score_sheet() {
    let app = TestApp::new().await;
    let (_, ids) = app.start_judging().await;
    let s = web_login(&app, "hd.snv").await;
    let cookie = format!("sk_session={s}");
    let sheet = page(&app, &format!("/entries/{}/score", ids[0]), Some(&s)).await;
    assert_eq!(sheet.status, StatusCode::OK, "{}", sheet.text);
    assert!(
        sheet.text.contains("Khai báo xung đột lợi ích"),
        "{}",
        sheet.text
    );
    let csrf = hidden(&sheet.text, "csrf");
    let action = format!("/entries/{}/conflict", ids[0]);
    // No reason: refused, on the sheet again.
    let res = form(&app, &action, &cookie, &format!("csrf={csrf}&reason=")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("Lý do"), "{}", res.text);
    assert!(res.text.contains("role=\"alert\""));
    let reason = "Tác giả là em ruột của tôi";
    let res = form(
        &app,
        &action,
        &cookie,
        &encode(&[("csrf", &csrf), ("reason", reason)]),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(res.headers["location"], "/contests/1/judging?done=conflict");
    let list = page(&app, "/contests/1/judging?done=conflict", Some(&s)).await;
    assert!(
        list.text.contains("Đã khai báo xung đột lợi ích"),
        "{}",
        list.text
    );
    assert!(
        !list.text.contains(&format!("/entries/{}/score\"", ids[0])),
        "{}",
        list.text
    );
    // The organizer sees the declared conflict with its reason.
    let org = app.organizer().await;
    let conflicts = app.get("/api/v1/contests/1/conflicts", &org).await;
    assert!(conflicts.text.contains(reason), "{}", conflicts.text);
}

#[tokio::test]
async fn the_chair_reopens_a_submitted_sheet_with_a_reason_and_the_member_is_told() {
    let app = TestApp::new().await;
    let (org, ids) = app.start_judging().await;
    let judge = app.login("hd.stc").await;
    let id = ids[0];
    let points = serde_json::json!({"novelty": 20, "effectiveness": 20, "applicability": 20, "presentation": 8});
    app.score(&judge, id, points).await;

    // The organizer reads the sheets but does not reopen them.
    let o = web_login(&app, "snv.tochuc").await;
    let res = page(&app, &format!("/entries/{id}/sheets"), Some(&o)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(
        res.text.contains("Tính mới, tính sáng tạo"),
        "criteria by name"
    );
    assert!(!res.text.contains("Mở lại phiếu chấm"));

    let s = web_login(&app, "hd.vpubnd").await;
    let cookie = format!("sk_session={s}");
    let res = page(&app, &format!("/entries/{id}/sheets"), Some(&s)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(res.text.contains("Mở lại phiếu chấm"), "{}", res.text);
    let csrf = hidden(&res.text, "csrf");
    let action = format!("/entries/{id}/sheets/hd.stc/unlock");
    let res = form(&app, &action, &cookie, &format!("csrf={csrf}&reason=")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("Lý do mở lại"), "{}", res.text);
    let reason = "Điểm tính mới vượt khung";
    let res = form(
        &app,
        &action,
        &cookie,
        &encode(&[("csrf", &csrf), ("reason", reason)]),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let mine = app
        .get(&format!("/api/v1/entries/{id}/scores/mine"), &judge)
        .await;
    assert_eq!(mine.body["state"], "draft", "{}", mine.text);
    let inbox = app.get("/api/v1/notifications", &judge).await;
    let told = &inbox.body["items"][0];
    assert_eq!(told["kind"], "sheet_unlocked", "{}", inbox.text);
    assert!(told["body"].as_str().unwrap().contains(reason));
    // A member who is not the chair cannot.
    let m = web_login(&app, "hd.snv").await;
    let res = form(
        &app,
        &action,
        &format!("sk_session={m}"),
        &encode(&[
            (
                "csrf",
                &hidden(
                    &page(&app, "/contests/1/judging", Some(&m)).await.text,
                    "csrf",
                ),
            ),
            ("reason", reason),
        ]),
    )
    .await;
    assert!(res.status.is_client_error(), "{}", res.text);
    let _ = org;
}

#[tokio::test]
async fn the_organizer_reminds_judges_with_unfinished_sheets_from_the_progress_page() {
    let app = TestApp::new().await;
    let (org, _) = app.start_judging().await;
    let s = web_login(&app, "snv.tochuc").await;
    let res = page(&app, "/contests/1/progress", Some(&s)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(
        res.text
            .contains("Nhắc các thành viên còn phiếu chưa nộp (3)"),
        "{}",
        res.text
    );
    let csrf = hidden(&res.text, "csrf");
    let res = form(
        &app,
        "/contests/1/progress/remind",
        &format!("sk_session={s}"),
        &format!("csrf={csrf}"),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(
        res.headers["location"],
        "/contests/1/progress?done=reminded"
    );
    let outbox = app.get("/api/v1/contests/1/outbox", &org).await;
    let reminders = outbox.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "judge_reminder")
        .count();
    assert_eq!(reminders, 3, "{}", outbox.text);
}
