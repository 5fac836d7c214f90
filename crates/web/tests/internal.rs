//! Internal contests on both databases (SPEC §3.9): huyện Hòa An runs its own contest
//! under the provincial one and forwards its winner, which then counts toward the
//! district's minimum in the provincial contest and keeps its internal result.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::{Value, json};

const PARENT: i64 = 1;
/// 21/10/2021 09:00 Vietnam time: the internal contest has closed, the provincial one is
/// open until 31/10/2021.
const OCT_21: i64 = 1_634_781_600;
const PARENT_DEADLINE: i64 = 1_635_699_599;

fn internal_contest() -> Value {
    json!({
        "title": "Cuộc thi sáng kiến cải cách hành chính huyện Hòa An năm 2021", "year": 2021,
        "plan": {"number": "45/KH-UBND", "date": "2021-10-01", "signer": "Chủ tịch UBND huyện"},
        "organizer_unit_code": "HHA", "participant_unit_codes": ["HHA"], "min_entries_per_unit": 1,
        "topics": [{"code": "TTHC", "name": "Cải cách thủ tục hành chính", "group": "Các lĩnh vực CCHC"}],
        "forms": ["outline", "scheme", "project"],
        "opens_at": "2021-10-01", "submission_deadline": "2021-10-20", "evaluation_ends_at": "2021-10-25",
        "criteria": [{"code": "novelty", "name": "Tính mới", "description": "", "max_points": 50},
                     {"code": "effectiveness", "name": "Hiệu quả", "description": "", "max_points": 50}],
        "tie_break": ["effectiveness"], "aggregation": "mean", "award_min_score": 50,
        "prizes": [{"tier": "first", "count": 1, "amount_vnd": 2000000}, {"tier": "second", "count": 1, "amount_vnd": 1000000}],
        "parent_contest_id": PARENT,
    })
}

async fn entry(app: &TestApp, token: &str, contest: i64, title: &str) -> i64 {
    let body = json!({
        "title": title, "topic_code": "TTHC", "form": "scheme",
        "authors": [{"full_name": "Hoàng Thị Mai", "birth_date": "1985-01-02", "workplace": "UBND xã Dân Chủ",
                     "position": "Công chức văn phòng", "qualification": "Cử nhân", "contribution_percent": 100}],
        "field_of_application": "Một cửa cấp xã", "first_applied_on": "2021-03-01", "implementation_status": "implemented",
        "description": {"current_situation": "Người dân đi lại nhiều lần.", "solution": "Tiếp nhận qua Zalo.",
                        "novelty": "Lần đầu ở huyện.", "conditions": "Điện thoại thông minh.",
                        "benefits": "Giảm thời gian.", "replication_scope": "Các xã trong huyện."},
    });
    app.submitted_entry(token, contest, body).await
}

fn hha_coverage(body: &Value) -> Value {
    body["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit_code"] == "HHA")
        .unwrap()
        .clone()
}

#[tokio::test]
async fn a_district_contest_forwards_its_winner_to_the_provincial_contest() {
    let app = TestApp::new().await;
    let district = app.login("hoaan.tochuc").await;
    // A district organizer does not see or run the provincial contest.
    let res = app
        .get(&format!("/api/v1/contests/{PARENT}"), &district)
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let mut wrong = internal_contest();
    wrong["organizer_unit_code"] = json!("SNV");
    let res = app.post("/api/v1/contests", &district, wrong).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(TestApp::fields(&res).contains(&"organizer_unit_code".to_string()));
    let mut wrong = internal_contest();
    wrong["parent_contest_id"] = json!(999);
    let res = app.post("/api/v1/contests", &district, wrong).await;
    assert!(
        TestApp::fields(&res).contains(&"parent_contest_id".to_string()),
        "{}",
        res.text
    );

    let res = app
        .post("/api/v1/contests", &district, internal_contest())
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let inner = res.body["id"].as_i64().unwrap();
    assert_eq!(
        app.transition(&district, inner, "open").await.status,
        StatusCode::OK
    );
    let list = app.get("/api/v1/contests", &district).await;
    let ids: Vec<i64> = list.body["contests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![inner]);

    // The district's own staff take part; the district withdraws its demo entry from the
    // provincial contest, so it is below the provincial minimum.
    let focal = app.login("hoaan.daumoi").await;
    let winner = entry(
        &app,
        &focal,
        inner,
        "Tiếp nhận hồ sơ một cửa qua Zalo ở xã Dân Chủ",
    )
    .await;
    let runner_up = entry(
        &app,
        &focal,
        inner,
        "Sổ theo dõi hồ sơ điện tử ở xã Hồng Việt",
    )
    .await;
    let low = entry(&app, &focal, inner, "Bảng tin thủ tục ở nhà văn hóa xóm").await;
    let org = app.organizer().await;
    let parent_entries = app
        .get(&format!("/api/v1/contests/{PARENT}/entries"), &org)
        .await;
    let hha_entry = parent_entries.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["unit_code"] == "HHA" && e["status"] == "submitted")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let res = app
        .post(
            &format!("/api/v1/entries/{hha_entry}/withdraw"),
            &focal,
            json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let cov = app
        .get(&format!("/api/v1/contests/{PARENT}/coverage"), &org)
        .await;
    assert_eq!(
        hha_coverage(&cov.body)["meets_minimum"],
        false,
        "{}",
        cov.text
    );

    // The district judges and approves.
    app.set_now(OCT_21);
    let district = app.login("hoaan.tochuc").await;
    assert_eq!(
        app.transition(&district, inner, "closed").await.status,
        StatusCode::OK
    );
    app.prepare_judging(&district, inner).await;
    assert_eq!(
        app.transition(&district, inner, "judging").await.status,
        StatusCode::OK
    );
    for judge in ["hd.vpubnd", "hd.snv", "hd.stc"] {
        let t = app.login(judge).await;
        for (id, p) in [(winner, 45.0), (runner_up, 30.0), (low, 20.0)] {
            let body = json!({"points": {"novelty": p, "effectiveness": p}});
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
                json!({}),
            )
            .await;
        }
    }
    // Forwarding before approval is refused.
    let res = app
        .post(
            &format!("/api/v1/contests/{inner}/forward"),
            &district,
            json!({"entry_ids": [winner]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    assert_eq!(
        app.transition(&district, inner, "deliberation")
            .await
            .status,
        StatusCode::OK
    );
    app.post(
        &format!("/api/v1/contests/{inner}/awards/propose"),
        &district,
        json!({}),
    )
    .await;
    app.council_votes(&district, inner).await;
    // The district's chair approves its contest; the province's approver may not.
    let decision = json!({"decision": {"number": "310", "date": "2021-10-21", "signer": "Chủ tịch UBND huyện"}});
    let province = app.login("ubnd.pheduyet").await;
    let res = app
        .post(
            &format!("/api/v1/contests/{inner}/awards/approve"),
            &province,
            decision.clone(),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text);
    assert_eq!(res.body["error"]["code"], "approver_of_another_unit");
    assert!(res.text.contains("Hòa An"), "{}", res.text);
    let approver = app.login("hoaan.pheduyet").await;
    let res = app
        .post(
            &format!("/api/v1/contests/{inner}/awards/approve"),
            &approver,
            decision,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);

    // Only winners are forwarded; the winner becomes a submitted entry of Hòa An.
    let res = app
        .post(
            &format!("/api/v1/contests/{inner}/forward"),
            &district,
            json!({"entry_ids": [low]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    let res = app
        .post(
            &format!("/api/v1/contests/{inner}/forward"),
            &district,
            json!({"entry_ids": [winner]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let copy = res.body["forwarded"][0]["entry_id"].as_i64().unwrap();
    let org = app.organizer().await;
    let e = app.get(&format!("/api/v1/entries/{copy}"), &org).await;
    assert_eq!(e.body["contest_id"], PARENT);
    assert_eq!(e.body["unit_code"], "HHA");
    assert_eq!(e.body["status"], "submitted");
    assert_eq!(
        e.body["title"],
        "Tiếp nhận hồ sơ một cửa qua Zalo ở xã Dân Chủ"
    );
    assert_eq!(e.body["origin"]["entry_id"], winner);
    assert_eq!(e.body["origin"]["contest_id"], inner);
    assert_eq!(e.body["origin"]["tier"], "first");
    assert_eq!(e.body["origin"]["score"], json!(90.0));
    assert_eq!(e.body["attachments"].as_array().unwrap().len(), 1);
    let cov = app
        .get(&format!("/api/v1/contests/{PARENT}/coverage"), &org)
        .await;
    assert_eq!(
        hha_coverage(&cov.body)["meets_minimum"],
        true,
        "{}",
        cov.text
    );
    assert_eq!(hha_coverage(&cov.body)["submitted"], 1);

    // Twice is refused; after the provincial deadline too.
    let res = app
        .post(
            &format!("/api/v1/contests/{inner}/forward"),
            &district,
            json!({"entry_ids": [winner]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.body["error"]["code"], "already_forwarded");
    app.set_now(PARENT_DEADLINE + 60);
    let district = app.login("hoaan.tochuc").await;
    let res = app
        .post(
            &format!("/api/v1/contests/{inner}/forward"),
            &district,
            json!({"entry_ids": [runner_up]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
}
