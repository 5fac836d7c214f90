use super::*;

#[tokio::test]
async fn idempotent_posts_and_double_submits_make_one_entry_and_one_version() {
    let app = TestApp::new().await;
    let t = app.login("hoaan.daumoi").await;
    let path = format!("/api/v1/contests/{CONTEST}/entries");
    let send = |key: &'static str, title: &'static str| {
        let req = axum::http::Request::builder()
            .method(Method::POST)
            .uri(&path)
            .header("authorization", format!("Bearer {t}"))
            .header("content-type", "application/json")
            .header("idempotency-key", key)
            .body(axum::body::Body::from(complete_entry(title).to_string()))
            .unwrap();
        app.send(req)
    };
    let first = send("tao-sang-kien-1", "Sáng kiến gửi hai lần").await;
    let second = send("tao-sang-kien-1", "Sáng kiến gửi hai lần").await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(second.status, StatusCode::CREATED);
    assert_eq!(first.body["id"], second.body["id"]);
    let reused = send("tao-sang-kien-1", "Một sáng kiến khác hẳn").await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reused.body["error"]["code"], "idempotency_key_reused");
    let list = app.get(&path, &t).await;
    let mine: Vec<&Value> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["title"] == "Sáng kiến gửi hai lần")
        .collect();
    assert_eq!(mine.len(), 1);
    // A retried upload with its key adds nothing.
    let id = first.body["id"].as_i64().unwrap();
    let upload_with_key = || {
        let boundary = "b-idem";
        let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nmain\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n").into_bytes();
        body.extend_from_slice(&pdf());
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = axum::http::Request::builder()
            .method(Method::POST)
            .uri(format!("/api/v1/entries/{id}/attachments"))
            .header("authorization", format!("Bearer {t}"))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("idempotency-key", "tai-len-1")
            .body(axum::body::Body::from(body))
            .unwrap();
        app.send(req)
    };
    let a = upload_with_key().await;
    let b = upload_with_key().await;
    assert_eq!(
        (a.status, b.status),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    assert_eq!(a.body["id"], b.body["id"]);
    let files = app
        .get(&format!("/api/v1/entries/{id}/attachments"), &t)
        .await;
    assert_eq!(files.body["attachments"].as_array().unwrap().len(), 1);
    // Double submit: the same version, once.
    for _ in 0..3 {
        let res = app
            .post(
                &format!("/api/v1/entries/{id}/submit"),
                &t,
                json!({"sworn": true}),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(res.body["version"], 1);
    }
    // Edits after submission make new immutable versions; the first stays as it was.
    let edit = app
        .patch(
            &format!("/api/v1/entries/{id}"),
            &t,
            json!({"title": "Sáng kiến gửi hai lần (sửa lại)"}),
        )
        .await;
    assert_eq!(edit.status, StatusCode::OK, "{}", edit.text);
    assert_eq!(edit.body["version"], 2);
    let incomplete = app
        .patch(
            &format!("/api/v1/entries/{id}"),
            &t,
            json!({"field_of_application": ""}),
        )
        .await;
    assert_eq!(incomplete.status, StatusCode::UNPROCESSABLE_ENTITY);
    let org = app.organizer().await;
    let versions = app
        .get(&format!("/api/v1/entries/{id}/versions"), &org)
        .await;
    let v = versions.body["versions"].as_array().unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(v[0]["content"]["title"], "Sáng kiến gửi hai lần");
    assert_eq!(v[1]["content"]["title"], "Sáng kiến gửi hai lần (sửa lại)");
    assert_eq!(v[0]["attachments"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.get(&format!("/api/v1/entries/{id}/versions"), &t)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Withdrawal stops it counting.
    let w = app
        .post(&format!("/api/v1/entries/{id}/withdraw"), &t, json!({}))
        .await;
    assert_eq!(w.body["status"], "withdrawn");
}

#[tokio::test]
async fn coverage_counts_submitted_entries_and_drafts_per_unit() {
    let app = TestApp::new().await;
    let org = app.organizer().await;
    let cov = app
        .get(&format!("/api/v1/contests/{CONTEST}/coverage"), &org)
        .await;
    assert_eq!(cov.status, StatusCode::OK, "{}", cov.text);
    let unit = |cov: &common::Response, code: &str| {
        cov.body["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit_code"] == code)
            .cloned()
            .unwrap()
    };
    // The demo: HHA 1 submitted + 1 draft; HTK a draft only; HBLAM nothing.
    let hha = unit(&cov, "HHA");
    assert_eq!(
        (hha["submitted"].as_i64(), hha["drafts"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(hha["meets_minimum"], true);
    let htk = unit(&cov, "HTK");
    assert_eq!(
        (htk["submitted"].as_i64(), htk["drafts"].as_i64()),
        (Some(0), Some(1))
    );
    assert_eq!(htk["meets_minimum"], false);
    assert_eq!(unit(&cov, "HBLAM")["submitted"], 0);
    let total_units = cov.body["units"].as_array().unwrap().len();
    assert_eq!(cov.body["totals"]["submitted"], 4);
    assert_eq!(cov.body["totals"]["drafts"], 2);
    assert_eq!(cov.body["totals"]["units_meeting_minimum"], 4);
    assert_eq!(
        cov.body["below_minimum"].as_array().unwrap().len(),
        total_units - 4
    );
    // A new submission by STP's focal user moves STP up; withdrawing moves it back.
    let stp = app.login("stp.daumoi").await;
    let id = new_entry(&app, &stp, "Sáng kiến thứ hai của Sở Tư pháp").await;
    upload_main(&app, &stp, id).await;
    app.post(
        &format!("/api/v1/entries/{id}/submit"),
        &stp,
        json!({"sworn": true}),
    )
    .await;
    let cov = app
        .get(&format!("/api/v1/contests/{CONTEST}/coverage"), &org)
        .await;
    assert_eq!(unit(&cov, "STP")["submitted"], 2);
    let viewer = app.login("theodoi").await;
    assert_eq!(
        app.get(&format!("/api/v1/contests/{CONTEST}/coverage"), &viewer)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&format!("/api/v1/contests/{CONTEST}/coverage"), &stp)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn screening_happens_in_closed_and_the_duplicate_check_finds_a_copy() {
    let app = TestApp::new().await;
    let org = app.organizer().await;
    let t = app.login("hoaan.daumoi").await;
    let stp = app.login("stp.daumoi").await;
    let a = new_entry(&app, &t, "Tiếp nhận hồ sơ qua mạng và trả kết quả tại nhà").await;
    upload_main(&app, &t, a).await;
    app.post(
        &format!("/api/v1/entries/{a}/submit"),
        &t,
        json!({"sworn": true}),
    )
    .await;
    // A copy typed without diacritics by another unit.
    let mut copy = complete_entry("Tiep nhan ho so qua mang va tra ket qua tai nha");
    copy["description"]["current_situation"] = json!("Ho so giay, di lai nhieu lan.");
    copy["description"]["solution"] = json!("Tiep nhan qua mang, tra ket qua tai nha.");
    let b = app
        .post(&format!("/api/v1/contests/{CONTEST}/entries"), &stp, copy)
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    upload_main(&app, &stp, b).await;
    app.post(
        &format!("/api/v1/entries/{b}/submit"),
        &stp,
        json!({"sworn": true}),
    )
    .await;
    let sim = app.get(&format!("/api/v1/entries/{b}/similar"), &org).await;
    assert_eq!(sim.status, StatusCode::OK, "{}", sim.text);
    let first = &sim.body[0];
    assert_eq!(first["entry_id"], a);
    assert!(first["similarity"].as_f64().unwrap() > 0.6, "{}", sim.text);
    let figures: Vec<f64> = sim
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["similarity"].as_f64().unwrap())
        .collect();
    assert!(figures.windows(2).all(|w| w[0] >= w[1]));
    // Screening only in closed, ineligible needs a reason.
    let early = app
        .post(
            &format!("/api/v1/entries/{a}/screening"),
            &org,
            json!({"eligible": true}),
        )
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    app.set_now(DEADLINE + 60);
    let org = app.organizer().await;
    assert_eq!(
        app.transition(&org, CONTEST, "closed").await.status,
        StatusCode::OK
    );
    let no_reason = app
        .post(
            &format!("/api/v1/entries/{b}/screening"),
            &org,
            json!({"eligible": false}),
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .post(
            &format!("/api/v1/entries/{b}/screening"),
            &org,
            json!({"eligible": false, "reason": "Trùng lặp với sáng kiến của huyện Hòa An"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["eligible"], false);
    let focal = app.login("stp.daumoi").await;
    assert_eq!(
        app.post(
            &format!("/api/v1/entries/{b}/screening"),
            &focal,
            json!({"eligible": true})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
}

/// The answers to a change are built from what the change wrote, not read back: each
/// must equal the entry as stored, through create, edit, upload, submit, an edit after
/// submission (a new version) and withdrawal.
#[tokio::test]
async fn every_answer_to_a_change_is_the_entry_as_stored() {
    let app = TestApp::new().await;
    let hoaan = app.login("hoaan.daumoi").await;
    let stored = |id: i64| {
        let app = &app;
        let hoaan = hoaan.clone();
        async move { app.get(&format!("/api/v1/entries/{id}"), &hoaan).await.body }
    };
    let created = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/entries"),
            &hoaan,
            complete_entry("Một cửa điện tử cấp xã"),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.body["id"].as_i64().unwrap();
    assert_eq!(created.body, stored(id).await, "create");
    // The list's line agrees with the entry (its topic and form are read by the database).
    let list = app
        .get(
            &format!("/api/v1/contests/{CONTEST}/entries?per_page=200"),
            &hoaan,
        )
        .await;
    let line = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .cloned()
        .unwrap();
    for field in [
        "title",
        "unit_code",
        "unit_name",
        "topic_code",
        "form",
        "status",
        "version",
    ] {
        assert_eq!(line[field], created.body[field], "{field}");
    }
    let edited = app
        .patch(
            &format!("/api/v1/entries/{id}"),
            &hoaan,
            json!({"title": "Một cửa điện tử liên thông cấp xã"}),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.text);
    assert_eq!(edited.body, stored(id).await, "edit of a draft");
    let upload = upload_main(&app, &hoaan, id).await;
    assert_eq!(upload.status, StatusCode::CREATED, "{}", upload.text);
    let listed = app
        .get(&format!("/api/v1/entries/{id}/attachments"), &hoaan)
        .await;
    assert_eq!(listed.body["attachments"][0], upload.body, "upload");
    let submitted = app
        .post(
            &format!("/api/v1/entries/{id}/submit"),
            &hoaan,
            json!({"sworn": true}),
        )
        .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text);
    assert_eq!(submitted.body["version"], 1);
    assert_eq!(submitted.body, stored(id).await, "submit");
    let resubmitted = app
        .patch(
            &format!("/api/v1/entries/{id}"),
            &hoaan,
            json!({"field_of_application": "Cải cách thủ tục hành chính cấp xã"}),
        )
        .await;
    assert_eq!(resubmitted.status, StatusCode::OK, "{}", resubmitted.text);
    assert_eq!(resubmitted.body["version"], 2);
    assert_eq!(resubmitted.body, stored(id).await, "edit after submission");
    let again = upload_main(&app, &hoaan, id).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text);
    assert_eq!(
        stored(id).await["version"],
        3,
        "a new main file is a new version"
    );
    let withdrawn = app
        .post(&format!("/api/v1/entries/{id}/withdraw"), &hoaan, json!({}))
        .await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.text);
    assert_eq!(withdrawn.body["status"], "withdrawn");
    assert_eq!(withdrawn.body, stored(id).await, "withdraw");
}

#[tokio::test]
async fn unrelated_demo_entries_are_not_reported_as_alike() {
    let app = TestApp::new().await;
    let org = app.organizer().await;
    let list = app
        .get(&format!("/api/v1/contests/{CONTEST}/entries"), &org)
        .await;
    let ids: Vec<i64> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["status"] == "submitted")
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert!(ids.len() >= 3, "{}", list.text);
    for id in ids {
        let sim = app
            .get(&format!("/api/v1/entries/{id}/similar"), &org)
            .await;
        for s in sim.body.as_array().unwrap() {
            let figure = s["similarity"].as_f64().unwrap();
            assert!(figure < 0.3, "entry {id} and {}: {figure}", s["entry_id"]);
        }
    }
}

#[tokio::test]
async fn an_archived_2019_entry_is_found_for_a_near_copy_of_2021_and_its_winners_join_the_library()
{
    let app = TestApp::new().await;
    let org = app.organizer().await;
    // A bad file imports nothing and names every bad row.
    let bad = "year,unit_code,title,summary,tier\n\
               2019,HHA,Một cửa điện tử,,Giải Nhất\n\
               19,HHA,Năm sai,,\n\
               2019,KHONGCO,Đơn vị sai,,\n\
               2019,HHA,Giải sai,,Giải Vàng\n";
    let res = app
        .upload(
            "/api/v1/archive/import",
            &org,
            "luu-tru.csv",
            bad.as_bytes(),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    let lines: Vec<u64> = res.body["error"]["details"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![3, 4, 5], "{}", res.text);
    assert_eq!(
        app.get("/api/v1/archive", &org).await.body["items"],
        json!([])
    );
    // Units import nothing there; only organizers import.
    let focal = app.login("hoaan.daumoi").await;
    let good = "year,unit_code,title,summary,tier\n\
                2019,HHA,Tiếp nhận hồ sơ qua mạng và trả kết quả tại nhà,\"Hồ sơ giấy, đi lại nhiều lần. Tiếp nhận qua mạng, trả kết quả tại nhà. Giảm 30% thời gian.\",Giải Nhì\n\
                2019,STP,Sổ tay pháp luật cho cán bộ xã,Tài liệu hỏi đáp in sẵn.,\n";
    let res = app
        .upload(
            "/api/v1/archive/import",
            &focal,
            "luu-tru.csv",
            good.as_bytes(),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text);
    let res = app
        .upload(
            "/api/v1/archive/import",
            &org,
            "luu-tru.csv",
            good.as_bytes(),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body, json!({"created": 2, "unchanged": 0}));
    // Again: nothing twice.
    let res = app
        .upload(
            "/api/v1/archive/import",
            &org,
            "luu-tru.csv",
            good.as_bytes(),
        )
        .await;
    assert_eq!(res.body, json!({"created": 0, "unchanged": 2}));
    // A near copy submitted in 2021 (the archive was imported after the contest began:
    // years count, not contest numbers).
    let t = app.login("hoaan.daumoi").await;
    let id = new_entry(&app, &t, "Tiếp nhận hồ sơ qua mạng, trả kết quả tại nhà").await;
    upload_main(&app, &t, id).await;
    let res = app
        .post(
            &format!("/api/v1/entries/{id}/submit"),
            &t,
            json!({"sworn": true}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let sim = app
        .get(&format!("/api/v1/entries/{id}/similar"), &org)
        .await;
    assert_eq!(sim.status, StatusCode::OK, "{}", sim.text);
    let first = &sim.body[0];
    assert_eq!(first["year"], 2019, "{}", sim.text);
    assert_eq!(first["entry_id"], json!(null));
    assert!(first["archive_id"].as_i64().is_some());
    // Far above any other entry (the archive keeps only a title and a summary).
    let figure = |i: usize| sim.body[i]["similarity"].as_f64().unwrap();
    assert!(
        figure(0) > 0.25 && figure(0) > 10.0 * figure(1),
        "{}",
        sim.text
    );
    // The winner joins the library, marked as imported; the other does not.
    let library = app
        .call(Method::GET, "/public/library?q=tra+ket+qua", None, None)
        .await;
    assert!(
        library.text.contains("nhập từ hồ sơ lưu trữ"),
        "{}",
        library.text
    );
    assert!(library.text.contains("Giải Nhì"), "{}", library.text);
    let winners = app
        .call(Method::GET, "/api/v1/public/archive", None, None)
        .await;
    assert_eq!(winners.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(winners.body["items"][0]["tier"], "second");
}
