//! An extension still running keeps judging from starting: starting it would end the
//! extension without a word.

use super::*;

#[tokio::test]
async fn judging_waits_for_a_running_extension_and_names_its_unit() {
    let app = TestApp::new().await;
    app.set_now(DEADLINE + 60);
    let org = app.organizer().await;
    let ext = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/extensions"),
            &org,
            json!({"unit_code": "STP", "until": "2021-11-03", "reason": "Mất điện diện rộng ngày 31/10"}),
        )
        .await;
    assert_eq!(ext.status, StatusCode::CREATED, "{}", ext.text);
    assert_eq!(
        app.transition(&org, CONTEST, "closed").await.status,
        StatusCode::OK
    );
    app.prepare_judging(&org, CONTEST).await;
    let res = app.transition(&org, CONTEST, "judging").await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    assert_eq!(res.body["error"]["code"], "extension_running");
    let message = res.body["error"]["message"].as_str().unwrap();
    assert!(message.contains("Sở Tư pháp"), "{message}");
    assert!(message.contains("03/11/2021 23:59"), "{message}");
    // Once it is over, judging starts.
    app.set_now(1_635_958_800); // 04/11/2021 00:00 in Vietnam
    let org = app.organizer().await;
    let res = app.transition(&org, CONTEST, "judging").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
}
