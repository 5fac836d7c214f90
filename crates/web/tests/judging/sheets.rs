use super::*;

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
