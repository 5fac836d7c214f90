use super::*;

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
    // Mode all: every judge scores every entry they are free for; the clerk (thư ký giúp việc) scores nothing.
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
    // The approver's turn comes at deliberation, and the refusal says so.
    let approver = app.login("ubnd.pheduyet").await;
    let early = app
        .get(&format!("/api/v1/contests/{CONTEST}/ranking"), &approver)
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.text);
    assert_eq!(early.body["error"]["code"], "invalid_state");
    assert!(early.text.contains("Đang xét chọn"), "{}", early.text);
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
