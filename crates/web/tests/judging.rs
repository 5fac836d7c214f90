//! Judging through the API on both databases: the council, conflicts that hide entries,
//! assignment, the start of judging, score sheets and the ranking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::{Value, json};

const DEADLINE: i64 = 1_635_699_599;
const CONTEST: i64 = 1;

fn council() -> Value {
    json!({"decision": {"number": "2950/QĐ-UBND", "date": "2021-11-01"},
           "members": [{"username": "hd.vpubnd", "role": "chair"}, {"username": "hd.snv", "role": "member"},
                       {"username": "hd.stp", "role": "member"}, {"username": "hd.stc", "role": "member"},
                       {"username": "hd.skhcn", "role": "secretary"}]})
}

/// The demo after the deadline: closed, the council set up. Demo entries: HHA (1),
/// STP (3), TPCB (4), SYT (5) submitted.
async fn closed_with_council(app: &TestApp) -> String {
    app.set_now(DEADLINE + 3600);
    let org = app.organizer().await;
    assert_eq!(
        app.transition(&org, CONTEST, "closed").await.status,
        StatusCode::OK
    );
    let res = app
        .call(
            Method::PUT,
            &format!("/api/v1/contests/{CONTEST}/council"),
            Some(&org),
            Some(council()),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    org
}

async fn submitted_ids(app: &TestApp, org: &str) -> Vec<i64> {
    let list = app
        .get(&format!("/api/v1/contests/{CONTEST}/entries"), org)
        .await;
    list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["status"] == "submitted")
        .map(|e| e["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn council_rules_and_conflicts_by_unit_hide_entries_from_judges() {
    let app = TestApp::new().await;
    let org = closed_with_council(&app).await;
    let bad = app
        .call(
            Method::PUT,
            &format!("/api/v1/contests/{CONTEST}/council"),
            Some(&org),
            Some(json!({"decision": {"number": "", "date": "2021-13-01"},
                        "members": [{"username": "hd.snv", "role": "member"}, {"username": "khongco", "role": "member"}]})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = TestApp::fields(&bad);
    assert!(
        fields.contains(&"decision.number".to_string()) && fields.contains(&"members".to_string()),
        "{fields:?}"
    );
    // hd.stp belongs to STP, whose entry (id 3) is an automatic conflict.
    let conflicts = app
        .get(&format!("/api/v1/contests/{CONTEST}/conflicts"), &org)
        .await;
    let stp_conflict = conflicts.body["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["username"] == "hd.stp" && c["entry_id"] == 3 && c["kind"] == "automatic");
    assert!(stp_conflict, "{}", conflicts.text);
    // A judge declares one more for themself; a judge cannot declare for another.
    let snv = app.login("hd.snv").await;
    let res = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/conflicts"),
            &snv,
            json!({"username": "hd.snv", "entry_id": 1, "reason": "Vợ tôi là tác giả"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let res = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/conflicts"),
            &snv,
            json!({"username": "hd.stc", "entry_id": 1, "reason": "x"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // Mode all: every judge scores every entry they are free for; the secretary scores nothing.
    let res = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/assignments"),
            &org,
            json!({"mode": "all"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let pairs: Vec<(i64, String)> = res.body["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["entry_id"].as_i64().unwrap(),
                a["username"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(!pairs.contains(&(3, "hd.stp".into())));
    assert!(!pairs.contains(&(1, "hd.snv".into())));
    assert!(pairs.iter().all(|(_, u)| u != "hd.skhcn"));
    assert_eq!(pairs.len(), 4 * 4 - 2);
    assert_eq!(
        app.transition(&org, CONTEST, "judging").await.status,
        StatusCode::OK
    );
    // The conflicted judge does not see the entry anywhere.
    let stp = app.login("hd.stp").await;
    let mine = app
        .get(&format!("/api/v1/contests/{CONTEST}/my-assignments"), &stp)
        .await;
    let ids: Vec<i64> = mine.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["entry_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(!ids.contains(&3));
    assert_eq!(
        app.get("/api/v1/entries/3", &stp).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/entries/3/attachments", &stp).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.call(
            Method::PUT,
            "/api/v1/entries/3/scores/mine",
            Some(&stp),
            Some(json!({"points": {}}))
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/entries/1", &stp).await.status,
        StatusCode::OK
    );
    // The council can no longer be changed.
    let late = app
        .call(
            Method::PUT,
            &format!("/api/v1/contests/{CONTEST}/council"),
            Some(&org),
            Some(council()),
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn balanced_assignment_and_refusing_to_start_without_judges() {
    let app = TestApp::new().await;
    let org = closed_with_council(&app).await;
    // Without assignments judging cannot start; the entries are named.
    let res = app.transition(&org, CONTEST, "judging").await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.body["error"]["code"], "entries_without_judges");
    assert_eq!(
        res.body["error"]["details"]["entry_ids"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    // Four judges, one of them conflicted with entry 3: k = 4 is infeasible for entry 3.
    let res = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/assignments"),
            &org,
            json!({"mode": "balanced", "per_entry": 4}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    assert_eq!(
        res.body["error"]["details"]["entries"],
        json!([{"entry_id": 3, "available": 3, "needed": 4}])
    );
    let res = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/assignments"),
            &org,
            json!({"mode": "balanced", "per_entry": 2}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let loads: Vec<u64> = res.body["loads"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(loads.iter().sum::<u64>(), 8);
    assert_eq!(
        (loads.iter().max(), loads.iter().min()),
        (Some(&2), Some(&2))
    );
    let bad = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/assignments"),
            &org,
            json!({"mode": "balanced", "per_entry": 9}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.transition(&org, CONTEST, "judging").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn score_sheets_are_checked_locked_unlocked_by_the_chair_and_ranked_exactly() {
    let app = TestApp::new().await;
    let org = closed_with_council(&app).await;
    let ids = submitted_ids(&app, &org).await;
    app.post(
        &format!("/api/v1/contests/{CONTEST}/assignments"),
        &org,
        json!({"mode": "all"}),
    )
    .await;
    assert_eq!(
        app.transition(&org, CONTEST, "judging").await.status,
        StatusCode::OK
    );
    let snv = app.login("hd.snv").await;
    let path = |id: i64| format!("/api/v1/entries/{id}/scores/mine");
    // Out of range, wrong step, unknown criterion: 422 naming each.
    let bad = app
        .call(
            Method::PUT,
            &path(ids[0]),
            Some(&snv),
            Some(json!({"points": {"novelty": 31, "effectiveness": 27.3, "bogus": 1}})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        TestApp::fields(&bad),
        vec!["points.bogus", "points.effectiveness", "points.novelty"]
    );
    // A draft may be partial; submission needs every criterion.
    let draft = app
        .call(
            Method::PUT,
            &path(ids[0]),
            Some(&snv),
            Some(json!({"points": {"novelty": 27.5}, "comment": "Khá"})),
        )
        .await;
    assert_eq!(draft.status, StatusCode::OK, "{}", draft.text);
    assert_eq!(draft.body["state"], "draft");
    let stored = app.call(Method::GET, &path(ids[0]), Some(&snv), None).await;
    assert_eq!(
        stored.body, draft.body,
        "the answer to a save is the sheet as stored"
    );
    let incomplete = app
        .post(&format!("{}/submit", path(ids[0])), &snv, json!({}))
        .await;
    assert_eq!(incomplete.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Another judge of the same entry still has an empty sheet of their own.
    let other = app.login("hd.vpubnd").await;
    let empty = app
        .call(Method::GET, &path(ids[0]), Some(&other), None)
        .await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.text);
    assert_eq!(empty.body["state"], "empty");
    let nothing = app
        .post(&format!("{}/submit", path(ids[0])), &other, json!({}))
        .await;
    assert_eq!(nothing.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Every judge scores every entry: entry totals chosen so the exact mean decides.
    let judges = ["hd.vpubnd", "hd.snv", "hd.stp", "hd.stc"];
    for (j, judge) in judges.iter().enumerate() {
        let t = app.login(judge).await;
        for (i, id) in ids.iter().enumerate() {
            let novelty = 20.0 + i as f64 + j as f64 * 0.25;
            let res = app
                .call(Method::PUT, &path(*id), Some(&t),
                      Some(json!({"points": {"novelty": novelty, "effectiveness": 25, "applicability": 20, "presentation": 8}})))
                .await;
            if res.status == StatusCode::NOT_FOUND {
                continue; // conflicted (hd.stp with STP's entry)
            }
            assert_eq!(res.status, StatusCode::OK, "{judge} {id}: {}", res.text);
            let sub = app
                .post(&format!("{}/submit", path(*id)), &t, json!({}))
                .await;
            assert_eq!(sub.status, StatusCode::OK, "{}", sub.text);
            assert_eq!(sub.body["state"], "submitted");
            let stored = app.call(Method::GET, &path(*id), Some(&t), None).await;
            assert_eq!(
                stored.body, sub.body,
                "the answer to a submission is the sheet as stored"
            );
        }
    }
    // Submitted sheets are locked.
    let locked = app
        .call(
            Method::PUT,
            &path(ids[0]),
            Some(&snv),
            Some(json!({"points": {"novelty": 1}})),
        )
        .await;
    assert_eq!(locked.status, StatusCode::CONFLICT);
    assert_eq!(locked.body["error"]["code"], "sheet_locked");
    // Only the chair unlocks, with a reason.
    let unlock = format!("/api/v1/entries/{}/scores/hd.snv/unlock", ids[0]);
    assert_eq!(
        app.post(&unlock, &snv, json!({"reason": "Nhầm"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let chair = app.login("hd.vpubnd").await;
    assert_eq!(
        app.post(&unlock, &chair, json!({"reason": ""}))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let ok = app
        .post(
            &unlock,
            &chair,
            json!({"reason": "Thành viên xin chấm lại tiêu chí 1"}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    let again = app
        .call(
            Method::PUT,
            &path(ids[0]),
            Some(&snv),
            Some(json!({"points": {"novelty": 20}})),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    app.post(&format!("{}/submit", path(ids[0])), &snv, json!({}))
        .await;
    // Judges other than the chair do not see the ranking (other judges' totals).
    assert_eq!(
        app.get(&format!("/api/v1/contests/{CONTEST}/ranking"), &snv)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let approver = app.login("ubnd.pheduyet").await;
    assert_eq!(
        app.get(&format!("/api/v1/contests/{CONTEST}/ranking"), &approver)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let ranking = app
        .get(&format!("/api/v1/contests/{CONTEST}/ranking"), &org)
        .await;
    assert_eq!(ranking.status, StatusCode::OK, "{}", ranking.text);
    let rows = ranking.body["ranking"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    // Later entries have higher novelty: the last submitted entry ranks first.
    let order: Vec<i64> = rows
        .iter()
        .map(|r| r["entry_id"].as_i64().unwrap())
        .collect();
    let mut expected = ids.clone();
    expected.reverse();
    assert_eq!(order, expected, "{}", ranking.text);
    assert_eq!(rows[0]["rank"], 1);
    assert!(rows.iter().all(|r| r["tied"] == false));
    // The chair sees the ranking without the entry they are in conflict with? The chair
    // (VPUBND) has no conflict here, so sees all four.
    let chair_view = app
        .get(&format!("/api/v1/contests/{CONTEST}/ranking"), &chair)
        .await;
    assert_eq!(chair_view.body["ranking"].as_array().unwrap().len(), 4);
    // The STP judge's view of entry 3's score: none; its sheet count is 3.
    let stp_row = rows.iter().find(|r| r["entry_id"] == 3).unwrap();
    assert_eq!(stp_row["sheets"], 3);
}

#[tokio::test]
async fn progress_counts_sheets_and_flags_a_judge_far_from_the_mean() {
    let app = TestApp::new().await;
    let org = closed_with_council(&app).await;
    let ids = submitted_ids(&app, &org).await;
    app.post(
        &format!("/api/v1/contests/{CONTEST}/assignments"),
        &org,
        json!({"mode": "all"}),
    )
    .await;
    app.transition(&org, CONTEST, "judging").await;
    // On the first entry three judges agree and hd.stc is 40 points lower.
    for (judge, novelty, eff) in [
        ("hd.vpubnd", 25, 25),
        ("hd.snv", 25, 25),
        ("hd.stp", 25, 25),
        ("hd.stc", 5, 5),
    ] {
        let t = app.login(judge).await;
        let path = format!("/api/v1/entries/{}/scores/mine", ids[0]);
        let res = app
            .call(Method::PUT, &path, Some(&t),
                  Some(json!({"points": {"novelty": novelty, "effectiveness": eff, "applicability": 20, "presentation": 8}})))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{judge}: {}", res.text);
        app.post(&format!("{path}/submit"), &t, json!({})).await;
    }
    // hd.snv also leaves a draft on the second entry.
    let snv = app.login("hd.snv").await;
    app.call(
        Method::PUT,
        &format!("/api/v1/entries/{}/scores/mine", ids[1]),
        Some(&snv),
        Some(json!({"points": {"novelty": 10}})),
    )
    .await;
    let p = app
        .get(&format!("/api/v1/contests/{CONTEST}/progress"), &org)
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    let judge = |u: &str| {
        p.body["judges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|j| j["username"] == u)
            .cloned()
            .unwrap()
    };
    assert_eq!(judge("hd.snv")["submitted"], 1);
    assert_eq!(judge("hd.snv")["drafts"], 1);
    assert_eq!(judge("hd.snv")["assigned"], 4);
    assert_eq!(judge("hd.stp")["assigned"], 3);
    let first = p.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["entry_id"] == ids[0])
        .cloned()
        .unwrap();
    assert_eq!(
        (first["assigned"].as_u64(), first["submitted"].as_u64()),
        (Some(4), Some(4))
    );
    assert_eq!(
        p.body["outliers"],
        json!([{"entry_id": ids[0], "username": "hd.stc", "total": 38.0, "mean": 68.0}])
    );
    // One entry with sheets: no agreement figure yet.
    assert_eq!(p.body["agreement"]["icc1"], Value::Null);
    // A member who is not the chair has no progress view.
    assert_eq!(
        app.get(&format!("/api/v1/contests/{CONTEST}/progress"), &snv)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let chair = app.login("hd.vpubnd").await;
    assert_eq!(
        app.get(&format!("/api/v1/contests/{CONTEST}/progress"), &chair)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn judges_with_unfinished_sheets_are_reminded_on_demand_and_once_per_offset() {
    let app = TestApp::new().await;
    let org = closed_with_council(&app).await;
    let ids = submitted_ids(&app, &org).await;
    app.post(
        &format!("/api/v1/contests/{CONTEST}/assignments"),
        &org,
        json!({"mode": "all"}),
    )
    .await;
    app.transition(&org, CONTEST, "judging").await;
    // hd.stc finishes everything; the others have unfinished sheets.
    let stc = app.login("hd.stc").await;
    for id in &ids {
        let path = format!("/api/v1/entries/{id}/scores/mine");
        app.call(Method::PUT, &path, Some(&stc),
                 Some(json!({"points": {"novelty": 20, "effectiveness": 20, "applicability": 20, "presentation": 5}})))
            .await;
        assert_eq!(
            app.post(&format!("{path}/submit"), &stc, json!({}))
                .await
                .status,
            StatusCode::OK
        );
    }
    let res = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/reminders"),
            &org,
            json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let mut to: Vec<&str> = res.body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["username"].as_str().unwrap())
        .collect();
    to.sort();
    assert_eq!(to, vec!["hd.snv", "hd.stp", "hd.vpubnd"]);
    assert!(
        res.body["messages"][0]["body"]
            .as_str()
            .unwrap()
            .contains("phiếu chấm chưa nộp")
    );
    // Automatically, 3 days before the end of evaluation (30/11/2021 23:59:59), from two
    // connection pools: once.
    let other = sangkien_storage::Store::connect(&app.db_url).await.unwrap();
    let eval_end = 1_638_291_599;
    let at = eval_end - 3 * 86_400 + 60;
    let (a, b) = tokio::join!(
        sangkien_web::jobs::run_due_reminders(&app.store, at),
        sangkien_web::jobs::run_due_reminders(&other, at)
    );
    // The 7- and 3-day offsets are both due: one reminder per unfinished judge.
    assert_eq!(a.unwrap() + b.unwrap(), 3);
    assert_eq!(
        sangkien_web::jobs::run_due_reminders(&app.store, at + 60)
            .await
            .unwrap(),
        0
    );
    other.close().await;
}

#[tokio::test]
async fn a_declared_conflict_hides_the_entry_from_the_judge_and_from_the_chairs_views() {
    let app = TestApp::new().await;
    let org = closed_with_council(&app).await;
    // The chair (hd.vpubnd) declares a conflict with entry 4, hd.snv with entry 1.
    let chair = app.login("hd.vpubnd").await;
    for (token, username, entry) in [(&chair, "hd.vpubnd", 4), (&org, "hd.snv", 1)] {
        let res = app
            .post(
                &format!("/api/v1/contests/{CONTEST}/conflicts"),
                token,
                json!({"username": username, "entry_id": entry, "reason": "Người thân là tác giả"}),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    }
    app.post(
        &format!("/api/v1/contests/{CONTEST}/assignments"),
        &org,
        json!({"mode": "all"}),
    )
    .await;
    assert_eq!(
        app.transition(&org, CONTEST, "judging").await.status,
        StatusCode::OK
    );
    let snv = app.login("hd.snv").await;
    assert_eq!(
        app.get("/api/v1/entries/1", &snv).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/entries/1/attachments", &snv).await.status,
        StatusCode::NOT_FOUND
    );
    let mine = app
        .get(&format!("/api/v1/contests/{CONTEST}/my-assignments"), &snv)
        .await;
    assert!(
        mine.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["entry_id"] != 1)
    );
    // A judge sees only their own conflicts.
    let own = app
        .get(&format!("/api/v1/contests/{CONTEST}/conflicts"), &snv)
        .await;
    assert!(
        own.body["conflicts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["username"] == "hd.snv")
    );
    // The chair's ranking and progress leave out entry 4; the organizer's include it.
    for path in ["ranking", "progress"] {
        let chair_view = app
            .get(&format!("/api/v1/contests/{CONTEST}/{path}"), &chair)
            .await;
        assert_eq!(chair_view.status, StatusCode::OK);
        assert!(
            !chair_view.text.contains("\"entry_id\":4"),
            "{path}: {}",
            chair_view.text
        );
        let org_view = app
            .get(&format!("/api/v1/contests/{CONTEST}/{path}"), &org)
            .await;
        assert!(org_view.text.contains("\"entry_id\":4"), "{path}");
    }
    assert_eq!(
        app.get("/api/v1/entries/4", &chair).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn judges_see_other_scores_only_from_deliberation_unless_the_contest_allows_it() {
    let app = TestApp::new().await;
    let org = closed_with_council(&app).await;
    app.post(
        &format!("/api/v1/contests/{CONTEST}/assignments"),
        &org,
        json!({"mode": "all"}),
    )
    .await;
    app.transition(&org, CONTEST, "judging").await;
    let full = json!({"points": {"novelty": 20, "effectiveness": 20, "applicability": 20, "presentation": 5}});
    for judge in ["hd.snv", "hd.stc", "hd.vpubnd"] {
        let t = app.login(judge).await;
        app.call(
            Method::PUT,
            "/api/v1/entries/1/scores/mine",
            Some(&t),
            Some(full.clone()),
        )
        .await;
        app.post("/api/v1/entries/1/scores/mine/submit", &t, json!({}))
            .await;
    }
    let snv = app.login("hd.snv").await;
    assert_eq!(
        app.get("/api/v1/entries/1/scores", &snv).await.status,
        StatusCode::FORBIDDEN
    );
    // The chair and organizers see them during judging.
    let chair = app.login("hd.vpubnd").await;
    let seen = app.get("/api/v1/entries/1/scores", &chair).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.text);
    assert_eq!(seen.body["sheets"].as_array().unwrap().len(), 3);
    // The conflicted member (hd.stp, for STP's entry 3) gets 404.
    let stp = app.login("hd.stp").await;
    assert_eq!(
        app.get("/api/v1/entries/3/scores", &stp).await.status,
        StatusCode::NOT_FOUND
    );
    // From deliberation every assigned member sees them.
    let org = app.organizer().await;
    assert_eq!(
        app.transition(&org, CONTEST, "deliberation").await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get("/api/v1/entries/1/scores", &snv).await.status,
        StatusCode::OK
    );
    // The ranking flags entries with a member far from the mean.
    let ranking = app
        .get(&format!("/api/v1/contests/{CONTEST}/ranking"), &org)
        .await;
    assert!(
        ranking.body["ranking"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["outlier_judges"] == json!([]))
    );
}

#[tokio::test]
async fn a_contest_may_let_judges_see_each_others_scores_while_judging() {
    let app = TestApp::new().await;
    let org = closed_with_council(&app).await;
    let res = app
        .patch(
            &format!("/api/v1/contests/{CONTEST}"),
            &org,
            json!({"judges_see_other_scores": true}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    app.post(
        &format!("/api/v1/contests/{CONTEST}/assignments"),
        &org,
        json!({"mode": "all"}),
    )
    .await;
    app.transition(&org, CONTEST, "judging").await;
    let snv = app.login("hd.snv").await;
    let seen = app.get("/api/v1/entries/1/scores", &snv).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.text);
    assert_eq!(seen.body["sheets"], json!([]));
    assert_eq!(
        app.get("/api/v1/entries/1", &snv).await.body["unit_code"],
        "HHA"
    );
}

#[tokio::test]
async fn judges_scoring_without_unit_names_do_not_get_them() {
    let app = TestApp::new().await;
    let org = closed_with_council(&app).await;
    app.patch(
        &format!("/api/v1/contests/{CONTEST}"),
        &org,
        json!({"judges_see_unit_names": false}),
    )
    .await;
    app.post(
        &format!("/api/v1/contests/{CONTEST}/assignments"),
        &org,
        json!({"mode": "all"}),
    )
    .await;
    app.transition(&org, CONTEST, "judging").await;
    let snv = app.login("hd.snv").await;
    let entry = app.get("/api/v1/entries/1", &snv).await;
    assert_eq!(entry.status, StatusCode::OK);
    assert_eq!(entry.body["unit_code"], Value::Null);
    let mine = app
        .get(&format!("/api/v1/contests/{CONTEST}/my-assignments"), &snv)
        .await;
    assert!(
        mine.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i.get("unit_code").is_none())
    );
    assert_eq!(
        app.get("/api/v1/entries/1", &org).await.body["unit_code"],
        "HHA"
    );
}

/// The organizer's ranking is cached; every sheet change must show in the next one.
#[tokio::test]
async fn the_cached_ranking_follows_every_sheet_change() {
    let app = TestApp::new().await;
    let org = closed_with_council(&app).await;
    app.post(
        &format!("/api/v1/contests/{CONTEST}/assignments"),
        &org,
        json!({"mode": "all"}),
    )
    .await;
    app.transition(&org, CONTEST, "judging").await;
    let score = |n: f64| json!({"points": {"novelty": n, "effectiveness": 20, "applicability": 20, "presentation": 5}});
    let snv = app.login("hd.snv").await;
    let path = format!("/api/v1/contests/{CONTEST}/ranking");
    let ranking = || app.get(&path, &org);
    let score_of = |r: &common::Response, id: i64| {
        r.body["ranking"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["entry_id"] == id)
            .unwrap()["score"]
            .clone()
    };
    assert_eq!(score_of(&ranking().await, 4), 0.0);
    app.call(
        Method::PUT,
        "/api/v1/entries/4/scores/mine",
        Some(&snv),
        Some(score(10.0)),
    )
    .await;
    app.post("/api/v1/entries/4/scores/mine/submit", &snv, json!({}))
        .await;
    assert_eq!(score_of(&ranking().await, 4), 55.0);
    // Unlocked and resubmitted within the same second with other points.
    let chair = app.login("hd.vpubnd").await;
    app.post(
        "/api/v1/entries/4/scores/hd.snv/unlock",
        &chair,
        json!({"reason": "Nhầm"}),
    )
    .await;
    assert_eq!(score_of(&ranking().await, 4), 0.0);
    app.call(
        Method::PUT,
        "/api/v1/entries/4/scores/mine",
        Some(&snv),
        Some(score(30.0)),
    )
    .await;
    app.post("/api/v1/entries/4/scores/mine/submit", &snv, json!({}))
        .await;
    assert_eq!(score_of(&ranking().await, 4), 75.0);
}
