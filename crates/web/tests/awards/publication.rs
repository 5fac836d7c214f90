use super::*;

#[tokio::test]
async fn publication_is_public_and_fingerprinted() {
    let app = TestApp::new().await;
    let (org, ids) = approved(&app).await;
    let anon = |path: String| {
        let app = &app;
        async move { app.call(Method::GET, &path, None, None).await }
    };
    let res = anon(format!("/api/v1/public/contests/{CONTEST}/results")).await;
    assert_eq!(
        res.status,
        StatusCode::NOT_FOUND,
        "not yet published: {}",
        res.text
    );
    let res = anon("/api/v1/public/contests".into()).await;
    assert_eq!(res.body["items"], json!([]));

    let res = app.transition(&org, CONTEST, "published").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let res = anon(format!("/api/v1/public/contests/{CONTEST}/results")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let published = res.body.clone();
    let r = &published;
    assert_eq!(r["contest"]["decision"]["number"], "2345/QĐ-UBND");
    let awards = r["awards"].as_array().unwrap();
    assert_eq!(awards.len(), 3);
    assert_eq!(awards[0]["tier"], "first");
    assert_eq!(awards[0]["entry_id"], ids[0]);
    assert_eq!(awards[0]["score"], json!(83));
    assert!(awards[0]["unit_name"].as_str().unwrap().len() > 3);
    assert!(awards[0]["authors"][0]["full_name"].is_string());
    for secret in ["confidential", "birth_date", "reason", "judge"] {
        assert!(!res.text.contains(secret), "public results expose {secret}");
    }
    let fp = r["fingerprint"].as_str().unwrap();
    assert_eq!(fp.len(), 64);
    assert_eq!(recompute(r), fp);
    assert_eq!(sangkien_domain::fingerprint::of_results(r), fp);

    let res = anon("/api/v1/public/contests".into()).await;
    let items = res.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["fingerprint"], fp);
    // Archiving keeps the results public and unchanged.
    assert_eq!(
        app.transition(&org, CONTEST, "archived").await.status,
        StatusCode::OK
    );
    let again = anon(format!("/api/v1/public/contests/{CONTEST}/results")).await;
    assert_eq!(again.body, published);
}

#[tokio::test]
async fn visitors_start_at_the_public_page_and_winners_link_to_the_library() {
    let app = TestApp::new().await;
    let (org, ids) = approved(&app).await;
    let res = app.transition(&org, CONTEST, "published").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let anon = |path: String| {
        let app = &app;
        async move { app.call(Method::GET, &path, None, None).await }
    };
    let home = anon("/".into()).await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.text);
    for link in [
        "href=\"/public/contests/1\"",
        "action=\"/public/library\"",
        "href=\"/feed.atom\"",
        "href=\"/login\"",
    ] {
        assert!(home.text.contains(link), "{link}: {}", home.text);
    }
    let results = anon(format!("/public/contests/{CONTEST}")).await;
    assert_eq!(results.status, StatusCode::OK, "{}", results.text);
    for id in &ids[..3] {
        let link = format!("href=\"/public/library/{id}\"");
        assert!(results.text.contains(&link), "{link}: {}", results.text);
    }
    assert!(results.text.contains("href=\"/public/fingerprint\""));
    assert!(!results.text.contains("docs/FINGERPRINT.md"));
    let explained = anon("/public/fingerprint".into()).await;
    assert_eq!(explained.status, StatusCode::OK, "{}", explained.text);
    assert!(explained.text.contains("SHA-256"), "{}", explained.text);
    let winner = anon(format!("/public/library/{}", ids[0])).await;
    assert_eq!(winner.status, StatusCode::OK, "{}", winner.text);
}

#[tokio::test]
async fn the_full_demo_reaches_published_results() {
    use sangkien_storage::{Store, testing};
    let db = testing::fresh(testing::backend_from_env()).await.unwrap();
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let files = sangkien_files::FileStore::open(dir.path()).unwrap();
    sangkien_web::demo::load_full(&store, &files, common::OCT_15_2021)
        .await
        .unwrap();
    let mut conn = store.reader().await.unwrap();
    let p = sangkien_storage::award::publication(&mut conn, CONTEST)
        .await
        .unwrap()
        .expect("published");
    let awards = p.results["awards"].as_array().unwrap();
    assert!(awards.len() >= 3, "{}", p.results);
    assert_eq!(awards[0]["tier"], "first");
    assert_eq!(
        sangkien_domain::fingerprint::of_results(&p.results),
        p.fingerprint
    );
}

#[tokio::test]
async fn a_list_made_before_judging_reopened_is_stale_and_cannot_be_approved() {
    let app = TestApp::new().await;
    let (org, ids) = deliberation(&app).await;
    app.post(
        &format!("/api/v1/contests/{CONTEST}/awards/propose"),
        &org,
        json!({}),
    )
    .await;
    // Giving a fourth prize beyond the quota is possible with a reason, and flagged.
    let mut over = resolved_list(&ids);
    over["awards"][2]["tier"] = json!("first");
    over["awards"][2]["reason"] = json!("Hội đồng đề nghị thêm một giải Nhất");
    let res = app
        .call(
            Method::PUT,
            &format!("/api/v1/contests/{CONTEST}/awards"),
            Some(&org),
            Some(over),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let quota = res.body["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "over_quota")
        .cloned();
    assert!(quota.is_some(), "{}", res.text);

    let res = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/transition"),
            &org,
            json!({"to": "judging", "reason": "Hội đồng chấm lại một bài"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    // A score changed while judging is reopened makes the list stale.
    let chair = app.login("hd.vpubnd").await;
    let res = app
        .post(
            &format!("/api/v1/entries/{}/scores/hd.snv/unlock", ids[2]),
            &chair,
            json!({"reason": "Chấm lại theo ý kiến Hội đồng"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let judge = app.login("hd.snv").await;
    let body = json!({"points": {"novelty": 22, "effectiveness": 20, "applicability": 20, "presentation": 5}, "comment": "Chấm lại"});
    let res = app
        .call(
            Method::PUT,
            &format!("/api/v1/entries/{}/scores/mine", ids[2]),
            Some(&judge),
            Some(body),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    app.post(
        &format!("/api/v1/entries/{}/scores/mine/submit", ids[2]),
        &judge,
        json!({}),
    )
    .await;
    let res = app.transition(&org, CONTEST, "deliberation").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let res = app
        .get(&format!("/api/v1/contests/{CONTEST}/awards"), &org)
        .await;
    assert_eq!(res.body["stale"], true, "{}", res.text);
    let approver = app.login("ubnd.pheduyet").await;
    let res = approve(
        &app,
        &approver,
        json!({"number": "1", "date": "2021-11-01", "signer": "Lê Hải Hòa"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    assert_eq!(res.body["error"]["code"], "proposal_stale");
    let res = app
        .call(
            Method::PUT,
            &format!("/api/v1/contests/{CONTEST}/awards"),
            Some(&org),
            Some(resolved_list(&ids)),
        )
        .await;
    assert_eq!(res.body["error"]["code"], "proposal_stale", "{}", res.text);
    // Proposing again makes it current.
    let res = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/awards/propose"),
            &org,
            json!({}),
        )
        .await;
    assert_eq!(res.body["stale"], false);
}

#[tokio::test]
async fn the_first_list_is_saved_without_pressing_propose_first() {
    let app = TestApp::new().await;
    let (org, ids) = deliberation(&app).await;
    let res = app
        .call(
            Method::PUT,
            &format!("/api/v1/contests/{CONTEST}/awards"),
            Some(&org),
            Some(resolved_list(&ids)),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(tiers(&res.body)[0], (ids[0], "first".to_string()));
}
