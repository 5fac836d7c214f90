//! Withdrawal belongs to the entry's unit; a withdrawn entry comes back by a new
//! submission; every submission leaves the unit a receipt.

use super::*;

#[tokio::test]
async fn only_the_entry_s_own_unit_withdraws_it() {
    let app = TestApp::new().await;
    let t = app.login("hoaan.daumoi").await;
    let id = new_entry(&app, &t, "Sáng kiến chỉ đơn vị rút được").await;
    assert_eq!(upload_main(&app, &t, id).await.status, StatusCode::CREATED);
    let res = app
        .post(
            &format!("/api/v1/entries/{id}/submit"),
            &t,
            json!({"sworn": true}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    // The organizer refuses an entry by screening it, not by withdrawing it.
    let org = app.organizer().await;
    let res = app
        .post(&format!("/api/v1/entries/{id}/withdraw"), &org, json!({}))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text);
    assert_eq!(res.body["error"]["code"], "withdraw_by_own_unit");
    assert!(
        res.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("xét điều kiện")
    );
    let entry = app.get(&format!("/api/v1/entries/{id}"), &t).await;
    assert_eq!(entry.body["status"], "submitted");
    let res = app
        .post(&format!("/api/v1/entries/{id}/withdraw"), &t, json!({}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["status"], "withdrawn");
}

#[tokio::test]
async fn a_withdrawn_entry_is_edited_and_submitted_again_before_the_deadline() {
    let app = TestApp::new().await;
    let t = app.login("hoaan.daumoi").await;
    let id = new_entry(&app, &t, "Sáng kiến rút rồi nộp lại").await;
    assert_eq!(upload_main(&app, &t, id).await.status, StatusCode::CREATED);
    let path = |action: &str| format!("/api/v1/entries/{id}/{action}");
    assert_eq!(
        app.post(&path("submit"), &t, json!({"sworn": true}))
            .await
            .body["version"],
        1
    );
    let res = app.post(&path("withdraw"), &t, json!({})).await;
    assert_eq!(res.body["status"], "withdrawn", "{}", res.text);
    let edit = app
        .patch(
            &format!("/api/v1/entries/{id}"),
            &t,
            json!({"title": "Sáng kiến rút rồi nộp lại (bản sửa)"}),
        )
        .await;
    assert_eq!(edit.status, StatusCode::OK, "{}", edit.text);
    assert_eq!(edit.body["status"], "withdrawn");
    let again = app.post(&path("submit"), &t, json!({"sworn": true})).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.body["status"], "submitted");
    assert_eq!(again.body["version"], 2);
    assert_eq!(again.body["title"], "Sáng kiến rút rồi nộp lại (bản sửa)");
}

#[tokio::test]
async fn each_submission_leaves_a_receipt_with_the_version_and_the_second() {
    let app = TestApp::new().await;
    let t = app.login("hoaan.daumoi").await;
    let id = new_entry(&app, &t, "Sáng kiến có biên nhận").await;
    assert_eq!(upload_main(&app, &t, id).await.status, StatusCode::CREATED);
    let before = app.get("/api/v1/notifications", &t).await.body["total"]
        .as_i64()
        .unwrap();
    // 15/10/2021 10:07:42 in Vietnam.
    app.set_now(1_634_267_262);
    let res = app
        .post(
            &format!("/api/v1/entries/{id}/submit"),
            &t,
            json!({"sworn": true}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    // A double click makes no second receipt.
    app.post(
        &format!("/api/v1/entries/{id}/submit"),
        &t,
        json!({"sworn": true}),
    )
    .await;
    let inbox = app.get("/api/v1/notifications", &t).await;
    assert_eq!(inbox.body["total"].as_i64().unwrap(), before + 1);
    let receipt = &inbox.body["items"][0];
    assert_eq!(receipt["kind"], "receipt", "{}", inbox.text);
    let body = receipt["body"].as_str().unwrap();
    assert!(body.contains("Sáng kiến có biên nhận"), "{body}");
    assert!(body.contains("phiên bản 1"), "{body}");
    assert!(body.contains("15/10/2021 10:07:42"), "{body}");
}
