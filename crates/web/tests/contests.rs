//! Contests through the API: creation and validation, the state machine, visibility.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{TestApp, contest_body};
use serde_json::json;

/// 31/10/2021 23:59:59 Vietnam time: the demo contest's deadline.
const DEADLINE: i64 = 1_635_699_599;

#[tokio::test]
async fn organizer_creates_a_contest_and_reads_it_back() {
    let app = TestApp::new().await;
    let org = app.organizer().await;
    let res = app.post("/api/v1/contests", &org, contest_body()).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    assert_eq!(res.body["state"], "draft");
    assert_eq!(res.body["submission_deadline"], "2021-12-31T23:59:59+07:00");
    assert_eq!(res.body["rubric_total"], 100.0);
    let id = res.body["id"].as_i64().unwrap();
    let got = app.get(&format!("/api/v1/contests/{id}"), &org).await;
    assert_eq!(got.body["title"], "Cuộc thi sáng kiến thử nghiệm");
    assert_eq!(got.body["participant_unit_codes"], json!(["STP", "HHA"]));
}

/// Each rule of §3.1, broken one at a time, is refused with 422 naming the field and a
/// Vietnamese message.
#[tokio::test]
async fn every_validation_rule_names_its_field() {
    let app = TestApp::new().await;
    let org = app.organizer().await;
    let cases: Vec<(&str, serde_json::Value, &str)> = vec![
        ("title", json!({"title": "  "}), "title"),
        ("title too long", json!({"title": "x".repeat(501)}), "title"),
        ("year", json!({"year": 1990}), "year"),
        (
            "plan number",
            json!({"plan": {"number": "", "date": "2021-09-01"}}),
            "plan.number",
        ),
        (
            "plan date",
            json!({"plan": {"number": "1/KH", "date": "2021-02-30"}}),
            "plan.date",
        ),
        (
            "organizer",
            json!({"organizer_unit_code": "KHONGCO"}),
            "organizer_unit_code",
        ),
        (
            "participant missing",
            json!({"participant_unit_codes": ["STP", "XYZ"]}),
            "participant_unit_codes[1]",
        ),
        (
            "participant twice",
            json!({"participant_unit_codes": ["STP", "STP"]}),
            "participant_unit_codes[1]",
        ),
        (
            "minimum",
            json!({"min_entries_per_unit": -1}),
            "min_entries_per_unit",
        ),
        (
            "topic code twice",
            json!({"topics": [{"code": "A", "name": "a"}, {"code": "A", "name": "b"}]}),
            "topics[1].code",
        ),
        ("form", json!({"forms": ["video"]}), "forms[0]"),
        (
            "deadline before opening",
            json!({"opens_at": "2021-12-31", "submission_deadline": "2021-10-01"}),
            "submission_deadline",
        ),
        (
            "deadline format",
            json!({"submission_deadline": "31/12/2021"}),
            "submission_deadline",
        ),
        (
            "evaluation before deadline",
            json!({"evaluation_ends_at": "2021-11-01"}),
            "evaluation_ends_at",
        ),
        (
            "criterion points zero",
            json!({"criteria": [{"code": "a", "name": "A", "max_points": 0}]}),
            "criteria[0].max_points",
        ),
        (
            "criterion points negative",
            json!({"criteria": [{"code": "a", "name": "A", "max_points": -5}]}),
            "criteria[0].max_points",
        ),
        (
            "criterion points not quarter",
            json!({"criteria": [{"code": "a", "name": "A", "max_points": 10.1}]}),
            "criteria[0].max_points",
        ),
        (
            "band above max",
            json!({"criteria": [{"code": "a", "name": "A", "max_points": 10, "bands": [{"label": "x", "min": 5, "max": 11}]}]}),
            "criteria[0].bands[0].max",
        ),
        (
            "tie break unknown",
            json!({"tie_break": ["beauty"]}),
            "tie_break[0]",
        ),
        (
            "aggregation",
            json!({"aggregation": "median"}),
            "aggregation",
        ),
        (
            "award minimum above total",
            json!({"award_min_score": 101}),
            "award_min_score",
        ),
        (
            "prize count negative",
            json!({"prizes": [{"tier": "first", "count": -1, "amount_vnd": 0}]}),
            "prizes[0].count",
        ),
        (
            "prize amount negative",
            json!({"prizes": [{"tier": "first", "count": 1, "amount_vnd": -10}]}),
            "prizes[0].amount_vnd",
        ),
        (
            "prize tier",
            json!({"prizes": [{"tier": "gold", "count": 1, "amount_vnd": 0}]}),
            "prizes[0].tier",
        ),
        (
            "prize tier twice",
            json!({"prizes": [{"tier": "first", "count": 1, "amount_vnd": 0}, {"tier": "first", "count": 1, "amount_vnd": 0}]}),
            "prizes[1].tier",
        ),
    ];
    for (name, change, field) in cases {
        let mut body = contest_body();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let res = app.post("/api/v1/contests", &org, body).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}: {}",
            res.text
        );
        assert_eq!(res.body["error"]["code"], "validation_failed", "{name}");
        assert!(
            TestApp::fields(&res).contains(&field.to_string()),
            "{name}: expected {field} in {}",
            res.text
        );
        let message = res.body["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with("Dữ liệu chưa hợp lệ"),
            "{name}: {message}"
        );
    }
}

#[tokio::test]
async fn the_demo_contest_walks_its_lifecycle_with_the_right_roles() {
    let app = TestApp::new().await;

    // Open: closing before the deadline is refused, even at the last second.
    app.set_now(DEADLINE);
    let org = app.organizer().await;
    let approver = app.login("ubnd.pheduyet").await;
    let res = app.transition(&org, 1, "closed").await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.body["error"]["code"], "deadline_not_passed");
    app.set_now(DEADLINE + 1);
    assert_eq!(
        app.transition(&org, 1, "closed").await.status,
        StatusCode::OK
    );

    // Skipping a state is refused and names the state it needs.
    let res = app.transition(&org, 1, "deliberation").await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.body["error"]["code"], "invalid_transition");
    assert_eq!(res.body["error"]["details"]["required_state"], "judging");
    assert!(
        res.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Đang chấm điểm")
    );

    // Judging needs a council and judges for every entry.
    let res = app.transition(&org, 1, "judging").await;
    assert_eq!(res.body["error"]["code"], "entries_without_judges");
    app.prepare_judging(&org, 1).await;
    assert_eq!(
        app.transition(&org, 1, "judging").await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.transition(&org, 1, "deliberation").await.status,
        StatusCode::OK
    );

    // Reopening judging needs a reason.
    let res = app.transition(&org, 1, "judging").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .post(
            "/api/v1/contests/1/transition",
            &org,
            json!({"to": "judging", "reason": "Hội đồng chấm lại hai bài"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(
        app.transition(&org, 1, "deliberation").await.status,
        StatusCode::OK
    );

    // Only the approver approves; only the organizer publishes.
    assert_eq!(
        app.transition(&org, 1, "approved").await.status,
        StatusCode::FORBIDDEN
    );
    // Approval goes through the award decision, with its number, date and signer.
    let res = app.transition(&approver, 1, "approved").await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.body["error"]["code"], "decision_required");
    let res = app
        .post("/api/v1/contests/1/awards/propose", &org, json!({}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    app.council_votes(&org, 1).await;
    let res = app
        .post(
            "/api/v1/contests/1/awards/approve",
            &approver,
            json!({"decision": {"number": "12", "date": "2021-11-01", "signer": "Lê Hải Hòa"}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(
        app.transition(&approver, 1, "published").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.transition(&org, 1, "published").await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.transition(&org, 1, "archived").await.status,
        StatusCode::OK
    );

    // Nothing goes backwards, and unknown states are invalid data.
    let res = app.transition(&org, 1, "open").await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.body["error"]["details"]["allowed"], json!([]));
    assert_eq!(
        app.transition(&org, 1, "finished").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Every transition is in the contest's audit log, with the reason.
    let log = app.get("/api/v1/contests/1/audit?per_page=200", &org).await;
    let transitions: Vec<_> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["action"] == "contest.transition")
        .collect();
    assert_eq!(transitions.len(), 9, "the demo's opening and eight here");
    assert!(
        transitions
            .iter()
            .any(|r| r["after"]["reason"] == "Hội đồng chấm lại hai bài")
    );
}

#[tokio::test]
async fn opening_is_refused_after_the_deadline_or_when_incomplete() {
    let app = TestApp::new().await;
    let org = app.organizer().await;
    let mut body = contest_body();
    body["topics"] = json!([]);
    let id = app.post("/api/v1/contests", &org, body).await.body["id"]
        .as_i64()
        .unwrap();
    let res = app.transition(&org, id, "open").await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.body["error"]["code"], "contest_incomplete");
    assert_eq!(res.body["error"]["details"]["missing"], json!(["topics"]));

    let id = app
        .post("/api/v1/contests", &org, contest_body())
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    app.set_now(1_700_000_000);
    let late = app.organizer().await;
    let res = app.transition(&late, id, "open").await;
    assert_eq!(res.body["error"]["code"], "deadline_passed");
    app.set_now(common::OCT_15_2021);
    assert_eq!(
        app.transition(&org, id, "open").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn roles_and_visibility() {
    let app = TestApp::new().await;
    let org = app.organizer().await;
    let focal = app.login("hoaan.daumoi").await;
    let viewer = app.login("theodoi").await;

    // Anonymous: 401; a focal user or a viewer cannot create or change contests: 403.
    let anon = app
        .call(axum::http::Method::GET, "/api/v1/contests", None, None)
        .await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anon.body["error"]["code"], "unauthenticated");
    assert_eq!(
        app.post("/api/v1/contests", &focal, contest_body())
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post("/api/v1/contests", &viewer, contest_body())
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.patch("/api/v1/contests/1", &viewer, json!({"title": "X"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.transition(&focal, 1, "closed").await.status,
        StatusCode::FORBIDDEN
    );

    // A draft contest is hidden from focal users (404, and absent from the list), even
    // when their unit takes part; open ones of their unit are visible.
    let draft = app
        .post("/api/v1/contests", &org, contest_body())
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        app.get(&format!("/api/v1/contests/{draft}"), &focal)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let list = app.get("/api/v1/contests", &focal).await;
    let ids: Vec<i64> = list.body["contests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![1]);
    assert_eq!(
        app.get(&format!("/api/v1/contests/{draft}"), &viewer)
            .await
            .status,
        StatusCode::OK
    );

    // A focal user of a unit that does not take part sees nothing.
    let res = app
        .patch(
            "/api/v1/contests/1",
            &org,
            json!({"participant_unit_codes": ["STP"]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(
        app.get("/api/v1/contests/1", &focal).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/contests/1/audit", &focal).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn patch_merges_fields_and_locks_the_rubric_once_judging_starts() {
    let app = TestApp::new().await;
    let org = app.organizer().await;
    let res = app
        .patch(
            "/api/v1/contests/1",
            &org,
            json!({"min_entries_per_unit": 2}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body["min_entries_per_unit"], 2);
    assert_eq!(res.body["criteria"].as_array().unwrap().len(), 4);

    app.set_now(DEADLINE + 1);
    let org = app.organizer().await;
    app.transition(&org, 1, "closed").await;
    app.prepare_judging(&org, 1).await;
    assert_eq!(
        app.transition(&org, 1, "judging").await.status,
        StatusCode::OK
    );
    let res = app
        .patch(
            "/api/v1/contests/1",
            &org,
            json!({"tie_break": ["novelty"]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.body["error"]["code"], "rubric_locked");
    let res = app
        .patch(
            "/api/v1/contests/1",
            &org,
            json!({"title": "Tên mới của cuộc thi"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);

    let res = app
        .patch("/api/v1/contests/1", &org, json!({"colour": "red"}))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(TestApp::fields(&res), vec!["colour"]);
}

#[tokio::test]
async fn the_example_flag_goes_once_the_organizer_edits_the_settings() {
    let app = TestApp::new().await;
    let org = app.organizer().await;
    let res = app.get("/api/v1/contests/1", &org).await;
    assert_eq!(res.body["example_settings"], true, "{}", res.text);
    let min = res.body["min_entries_per_unit"].clone();
    // Sending back what is there changes nothing, and keeps the flag.
    let res = app
        .patch(
            "/api/v1/contests/1",
            &org,
            json!({"min_entries_per_unit": min}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["example_settings"], true);
    let res = app
        .patch(
            "/api/v1/contests/1",
            &org,
            json!({"min_entries_per_unit": 2}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["example_settings"], false);
}
