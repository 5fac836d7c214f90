//! The organizer submits the list to the approver, who is told; the approver returns it
//! with a reason, which the organizer is told and sees; a returned list cannot be
//! approved until it is submitted again.

use super::*;

async fn inbox(app: &TestApp, username: &str) -> Vec<Value> {
    let t = app.login(username).await;
    app.get("/api/v1/notifications", &t).await.body["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn the_approver_is_told_returns_the_list_with_a_reason_then_approves() {
    let app = TestApp::new().await;
    let (org, ids) = deliberation(&app).await;
    let path = |a: &str| format!("/api/v1/contests/{CONTEST}/awards/{a}");
    let approver = app.login("ubnd.pheduyet").await;
    // Nothing to submit or return before there is a list.
    assert_eq!(
        app.post(&path("submit"), &org, json!({})).await.status,
        StatusCode::CONFLICT
    );
    let res = app
        .post(&path("return"), &approver, json!({"reason": "Xem lại"}))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    assert_eq!(
        app.post(&path("propose"), &org, json!({})).await.status,
        StatusCode::OK
    );
    // The tie at the boundary is still open: the list is not ready to submit.
    let res = app.post(&path("submit"), &org, json!({})).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    let res = app
        .call(
            Method::PUT,
            &format!("/api/v1/contests/{CONTEST}/awards"),
            Some(&org),
            Some(resolved_list(&ids)),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    // Only the organizer submits.
    assert_eq!(
        app.post(&path("submit"), &approver, json!({})).await.status,
        StatusCode::FORBIDDEN
    );
    let res = app.post(&path("submit"), &org, json!({})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["review"]["status"], "submitted");
    let told = inbox(&app, "ubnd.pheduyet").await;
    assert!(
        told.iter()
            .any(|m| m["subject"] == "Đề nghị phê duyệt khen thưởng"),
        "{told:?}"
    );
    assert!(
        inbox(&app, "hoaan.pheduyet").await.is_empty(),
        "another unit's approver is not told"
    );
    assert_eq!(
        app.post(&path("submit"), &org, json!({})).await.status,
        StatusCode::CONFLICT
    );

    // A return needs a reason, from an approver of the organizer's unit.
    let res = app
        .post(&path("return"), &approver, json!({"reason": "  "}))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    let other = app.login("hoaan.pheduyet").await;
    let res = app
        .post(&path("return"), &other, json!({"reason": "Không đồng ý"}))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text);
    assert_eq!(
        app.post(&path("return"), &org, json!({"reason": "x"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let reason = "Đề nghị xem lại giải Nhì thứ hai: chưa có biên bản biểu quyết.";
    let res = app
        .post(&path("return"), &approver, json!({"reason": reason}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["review"]["status"], "returned");
    assert_eq!(res.body["review"]["reason"], reason);
    let c = app.get(&format!("/api/v1/contests/{CONTEST}"), &org).await;
    assert_eq!(c.body["state"], "deliberation");
    let told = inbox(&app, "snv.tochuc").await;
    let note = told
        .iter()
        .find(|m| m["subject"] == "Danh sách khen thưởng bị trả lại")
        .expect("the organizer is told");
    assert!(note["body"].as_str().unwrap().contains(reason), "{note}");

    // A returned list is not approved until it is submitted again; an edit keeps the reason.
    let decision = json!({"number": "2345", "date": "2021-11-01", "signer": "Lê Hải Hòa"});
    let res = approve(&app, &approver, decision.clone()).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    assert_eq!(res.body["error"]["code"], "awards_returned", "{}", res.text);
    let res = app
        .call(
            Method::PUT,
            &format!("/api/v1/contests/{CONTEST}/awards"),
            Some(&org),
            Some(resolved_list(&ids)),
        )
        .await;
    assert_eq!(res.body["review"]["status"], "returned", "{}", res.text);
    assert_eq!(
        app.post(&path("submit"), &org, json!({})).await.status,
        StatusCode::OK
    );
    // A change after submitting withdraws the submission.
    let res = app
        .call(
            Method::PUT,
            &format!("/api/v1/contests/{CONTEST}/awards"),
            Some(&org),
            Some(resolved_list(&ids)),
        )
        .await;
    assert!(res.body["review"].is_null(), "{}", res.text);
    assert_eq!(
        app.post(&path("submit"), &org, json!({})).await.status,
        StatusCode::OK
    );
    let res = approve(&app, &approver, decision).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let audit = app
        .get(
            &format!("/api/v1/contests/{CONTEST}/exports/audit.csv"),
            &org,
        )
        .await;
    assert!(
        audit.text.contains("awards.return"),
        "the return is audited"
    );
    // Publishing tells every participating unit, and the winners' units what they won.
    let res = app.transition(&org, CONTEST, "published").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let first = app.get(&format!("/api/v1/entries/{}", ids[0]), &org).await;
    let focal = match first.body["unit_code"].as_str().unwrap() {
        "STP" => "stp.daumoi",
        "HHA" => "hoaan.daumoi",
        other => panic!("no focal user in the demo for {other}"),
    };
    let told = inbox(&app, focal).await;
    let said = |text: &str| {
        told.iter().any(|m| {
            m["subject"].as_str().unwrap().contains(text)
                || m["body"].as_str().unwrap().contains(text)
        })
    };
    assert!(said("Công bố kết quả"), "{told:?}");
    assert!(said("đạt Giải Nhất"), "{told:?}");
}
