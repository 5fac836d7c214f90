use super::*;

#[tokio::test]
async fn a_focal_user_sees_and_edits_only_their_units_entries() {
    let app = TestApp::new().await;
    let hoaan = app.login("hoaan.daumoi").await;
    let stp = app.login("stp.daumoi").await;
    let id = new_entry(&app, &hoaan, "Một cửa điện tử liên thông cấp xã").await;
    let got = app.get(&format!("/api/v1/entries/{id}"), &hoaan).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body["unit_code"], "HHA");
    assert_eq!(got.body["status"], "draft");
    assert_eq!(got.body["deadline"], "2021-10-31T23:59:59+07:00");
    // Another unit's focal user: 404 on read, edit, upload, submit, and absent from lists.
    for (method, path) in [
        (Method::GET, format!("/api/v1/entries/{id}")),
        (Method::PATCH, format!("/api/v1/entries/{id}")),
        (Method::POST, format!("/api/v1/entries/{id}/submit")),
        (Method::GET, format!("/api/v1/entries/{id}/attachments")),
    ] {
        let body = (method == Method::PATCH).then(|| json!({"title": "Chiếm quyền"}));
        let res = app.call(method.clone(), &path, Some(&stp), body).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{method} {path}");
    }
    let up = upload_main(&app, &stp, id).await;
    assert_eq!(up.status, StatusCode::NOT_FOUND);
    let list = app
        .get(&format!("/api/v1/contests/{CONTEST}/entries"), &stp)
        .await;
    let ids: Vec<i64> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert!(!ids.contains(&id));
    assert!(
        list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["unit_code"] == "STP")
    );
    // A focal user cannot act for another unit by naming it.
    let mut body = complete_entry("Thử tạo cho đơn vị khác xem sao");
    body["unit_code"] = json!("STP");
    let res = app
        .post(&format!("/api/v1/contests/{CONTEST}/entries"), &hoaan, body)
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    assert_eq!(res.body["unit_code"], "HHA");
    // The organizer sees everything and acts for a unit by naming it.
    let org = app.organizer().await;
    assert_eq!(
        app.get(&format!("/api/v1/entries/{id}"), &org).await.status,
        StatusCode::OK
    );
    let mut body = complete_entry("Sáng kiến nộp thay cho Sở Tư pháp");
    body["unit_code"] = json!("STP");
    let res = app
        .post(&format!("/api/v1/contests/{CONTEST}/entries"), &org, body)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    assert_eq!(res.body["unit_code"], "STP");
    // Viewers and approvers do not see entries.
    let viewer = app.login("theodoi").await;
    assert_eq!(
        app.get(&format!("/api/v1/entries/{id}"), &viewer)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn submit_needs_every_part_and_lists_what_is_missing() {
    let app = TestApp::new().await;
    let t = app.login("hoaan.daumoi").await;
    let res = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/entries"),
            &t,
            json!({"title": "Bản nháp"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let id = res.body["id"].as_i64().unwrap();
    let sub = app
        .post(
            &format!("/api/v1/entries/{id}/submit"),
            &t,
            json!({"sworn": true}),
        )
        .await;
    assert_eq!(sub.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", sub.text);
    assert_eq!(sub.body["error"]["code"], "entry_incomplete");
    let missing: Vec<&str> = sub.body["error"]["details"]["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["field"].as_str().unwrap())
        .collect();
    for f in [
        "title",
        "topic_code",
        "authors",
        "description.benefits",
        "attachments",
    ] {
        assert!(missing.contains(&f), "{f} not in {missing:?}");
    }
    assert!(sub.text.contains("Chưa tải lên văn bản sáng kiến"));
    // Bad values are refused at save time with the field named, and nothing changes.
    let bad = app
        .patch(
            &format!("/api/v1/entries/{id}"),
            &t,
            json!({"topic_code": "KHONGCO", "first_applied_on": "2021-02-30",
                   "authors": [{"full_name": "A", "contribution_percent": 150}]}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = TestApp::fields(&bad);
    for f in [
        "topic_code",
        "first_applied_on",
        "authors[0].contribution_percent",
    ] {
        assert!(fields.contains(&f.to_string()), "{f} not in {fields:?}");
    }
    let unknown = app
        .patch(
            &format!("/api/v1/entries/{id}"),
            &t,
            json!({"description": {"bogus": "x"}}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.get(&format!("/api/v1/entries/{id}"), &t).await.body["title"],
        "Bản nháp"
    );
    // Contributions that do not add up to 100 are named.
    let mut body = complete_entry("Sáng kiến đủ nội dung thiếu tỷ lệ");
    body["authors"][1]["contribution_percent"] = json!(20);
    let patched = app.patch(&format!("/api/v1/entries/{id}"), &t, body).await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    assert_eq!(upload_main(&app, &t, id).await.status, StatusCode::CREATED);
    let sub = app
        .post(
            &format!("/api/v1/entries/{id}/submit"),
            &t,
            json!({"sworn": true}),
        )
        .await;
    assert_eq!(sub.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(sub.text.contains("100%"), "{}", sub.text);
    app.patch(
        &format!("/api/v1/entries/{id}"),
        &t,
        json!({"authors": complete_entry("x")["authors"]}),
    )
    .await;
    let sub = app
        .post(
            &format!("/api/v1/entries/{id}/submit"),
            &t,
            json!({"sworn": true}),
        )
        .await;
    assert_eq!(sub.status, StatusCode::OK, "{}", sub.text);
    assert_eq!(sub.body["status"], "submitted");
    assert_eq!(sub.body["version"], 1);
    assert_eq!(sub.body["missing"], json!([]));
}

#[tokio::test]
async fn the_deadline_is_exact_to_the_second_and_an_extension_opens_it_for_one_unit() {
    let app = TestApp::new().await;
    let org = app.organizer().await;
    let hoaan = app.login("hoaan.daumoi").await;
    let stp = app.login("stp.daumoi").await;
    let ids = [
        new_entry(&app, &hoaan, "Sáng kiến Hòa An nộp sát hạn").await,
        new_entry(&app, &stp, "Sáng kiến Tư pháp nộp sát hạn").await,
    ];
    for (t, id) in [(&hoaan, ids[0]), (&stp, ids[1])] {
        assert_eq!(upload_main(&app, t, id).await.status, StatusCode::CREATED);
    }
    // One second before the deadline: accepted.
    app.set_now(DEADLINE - 1);
    let hoaan = app.login("hoaan.daumoi").await;
    let ok = app
        .post(
            &format!("/api/v1/entries/{}/submit", ids[0]),
            &hoaan,
            json!({"sworn": true}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    // One second after: refused, for submit, edit, withdraw, upload and create.
    app.set_now(DEADLINE + 1);
    let stp = app.login("stp.daumoi").await;
    let hoaan = app.login("hoaan.daumoi").await;
    let late = app
        .post(
            &format!("/api/v1/entries/{}/submit", ids[1]),
            &stp,
            json!({"sworn": true}),
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert_eq!(late.body["error"]["code"], "deadline_passed");
    assert_eq!(
        late.body["error"]["details"]["deadline"],
        "2021-10-31T23:59:59+07:00"
    );
    assert!(late.text.contains("31/10/2021 23:59"));
    for res in [
        app.patch(
            &format!("/api/v1/entries/{}", ids[0]),
            &hoaan,
            json!({"title": "Sửa muộn một giây"}),
        )
        .await,
        app.post(
            &format!("/api/v1/entries/{}/withdraw", ids[0]),
            &hoaan,
            json!({}),
        )
        .await,
        upload_main(&app, &hoaan, ids[0]).await,
        app.post(
            &format!("/api/v1/contests/{CONTEST}/entries"),
            &hoaan,
            complete_entry("Sáng kiến tạo sau hạn"),
        )
        .await,
    ] {
        assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
        assert_eq!(res.body["error"]["code"], "deadline_passed");
    }
    // An extension for STP lets exactly STP submit, also once the contest is closed.
    let org = {
        let _ = org;
        app.organizer().await
    };
    let bad = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/extensions"),
            &org,
            json!({"unit_code": "STP", "until": "2021-10-20", "reason": ""}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(TestApp::fields(&bad), vec!["reason", "until"]);
    let ext = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/extensions"),
            &org,
            json!({"unit_code": "STP", "until": "2021-11-03", "reason": "Mất điện diện rộng ngày 31/10"}),
        )
        .await;
    assert_eq!(ext.status, StatusCode::CREATED, "{}", ext.text);
    assert_eq!(
        ext.body["extensions"][0]["until"],
        "2021-11-03T23:59:59+07:00"
    );
    assert_eq!(
        app.transition(&org, CONTEST, "closed").await.status,
        StatusCode::OK
    );
    let ok = app
        .post(
            &format!("/api/v1/entries/{}/submit", ids[1]),
            &stp,
            json!({"sworn": true}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(ok.body["deadline"], "2021-11-03T23:59:59+07:00");
    // STP may also add an entry; Hòa An may not.
    let more = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/entries"),
            &stp,
            complete_entry("Sáng kiến Tư pháp thêm trong thời gian gia hạn"),
        )
        .await;
    assert_eq!(more.status, StatusCode::CREATED, "{}", more.text);
    assert_eq!(more.body["deadline"], "2021-11-03T23:59:59+07:00");
    let refused = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/entries"),
            &hoaan,
            complete_entry("Sáng kiến Hòa An tạo khi đã đóng"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text);
    let still_late = app
        .patch(
            &format!("/api/v1/entries/{}", ids[0]),
            &hoaan,
            json!({"title": "Vẫn quá hạn với Hòa An"}),
        )
        .await;
    assert_eq!(still_late.status, StatusCode::CONFLICT);
    // The extension is in the audit log.
    let audit = app
        .get(
            &format!("/api/v1/contests/{CONTEST}/audit?per_page=200"),
            &org,
        )
        .await;
    assert!(audit.text.contains("contest.extension"));
    assert!(audit.text.contains("Mất điện diện rộng"));
}

#[tokio::test]
async fn bad_uploads_are_refused_with_the_right_status_and_store_nothing() {
    let app = TestApp::new().await;
    let t = app.login("hoaan.daumoi").await;
    let id = new_entry(&app, &t, "Sáng kiến kiểm tra tệp tải lên").await;
    let path = format!("/api/v1/entries/{id}/attachments");
    let exe = [b"MZ".as_slice(), &[0x90; 4096]].concat();
    let mut truncated = pdf();
    truncated.truncate(truncated.len() / 2);
    let not_zip = b"PK\x03\x04 definitely not a zip".to_vec();
    let bomb = {
        use std::io::Write;
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file("[Content_Types].xml", o).unwrap();
        z.write_all(b"<Types/>").unwrap();
        z.start_file("word/document.xml", o).unwrap();
        z.write_all(&vec![b'a'; 30_000_000]).unwrap();
        z.finish().unwrap();
        buf.into_inner()
    };
    let cases: Vec<(&str, &str, Vec<u8>, StatusCode, &str)> = vec![
        (
            "supporting",
            "virus.pdf",
            exe,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "executable_file",
        ),
        (
            "main",
            "hong.pdf",
            truncated,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "broken_pdf",
        ),
        (
            "supporting",
            "bang.xlsx",
            not_zip,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "broken_office_file",
        ),
        (
            "supporting",
            "bom.docx",
            bomb,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "expands_too_much",
        ),
        (
            "supporting",
            "ghi-chu.txt",
            b"van ban thuong".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_file_type",
        ),
        (
            "main",
            "anh.png",
            vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0],
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "main_must_be_pdf",
        ),
        (
            "supporting",
            "lon.pdf",
            vec![b'x'; 20_000_001],
            StatusCode::PAYLOAD_TOO_LARGE,
            "file_too_large",
        ),
        (
            "khac",
            "a.pdf",
            pdf(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
    ];
    for (kind, name, bytes, status, code) in cases {
        let res = app.upload_kind(&path, &t, kind, name, &bytes).await;
        assert_eq!(res.status, status, "{name}: {}", res.text);
        assert_eq!(res.body["error"]["code"], code, "{name}");
        assert!(!res.body["error"]["message"].as_str().unwrap().is_empty());
    }
    let not_multipart = app
        .raw(Method::POST, &path, &t, "application/pdf", pdf())
        .await;
    assert_eq!(not_multipart.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Nothing was recorded and nothing is left on disk except what a sweep would keep.
    let list = app.get(&path, &t).await;
    assert_eq!(list.body["attachments"], json!([]));
    assert_eq!(
        std::fs::read_dir(app.files.root().join("tmp"))
            .unwrap()
            .count(),
        0
    );
    // The per-entry limit: two files under the file limit that together exceed 50 MB.
    let big = |seed: u8| {
        let mut p = pdf();
        // Bytes after %%EOF are ignored by PDF readers; pad to 19 MB.
        p.extend(std::iter::repeat_n(seed, 19_000_000));
        p
    };
    for i in 0..2 {
        let ok = app
            .upload_kind(&path, &t, "supporting", "phu-luc.pdf", &big(i))
            .await;
        assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    }
    let over = app
        .upload_kind(&path, &t, "supporting", "phu-luc.pdf", &big(9))
        .await;
    assert_eq!(over.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(over.text.contains("Tổng dung lượng"), "{}", over.text);
    assert_eq!(
        app.get(&path, &t).await.body["attachments"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn an_upload_is_stored_by_hash_downloaded_with_authorization_and_deleted_while_a_draft() {
    let app = TestApp::new().await;
    let t = app.login("hoaan.daumoi").await;
    let id = new_entry(&app, &t, "Sáng kiến có tệp đính kèm").await;
    let bytes = pdf();
    let up = upload_main(&app, &t, id).await;
    assert_eq!(up.status, StatusCode::CREATED, "{}", up.text);
    let sha = up.body["sha256"].as_str().unwrap().to_string();
    assert_eq!(sha, {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&bytes))
    });
    assert_eq!(up.body["content_type"], "application/pdf");
    assert_eq!(up.body["size"], bytes.len());
    assert_eq!(up.body["filename"], "Sáng kiến.pdf");
    assert!(app.files.path_of(&sha).exists());
    let aid = up.body["id"].as_i64().unwrap();
    let dl = app
        .get(&format!("/api/v1/entries/{id}/attachments/{aid}"), &t)
        .await;
    assert_eq!(dl.status, StatusCode::OK);
    assert_eq!(dl.headers["content-type"], "application/pdf");
    assert!(
        dl.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("UTF-8''S%C3%A1ng")
    );
    let stp = app.login("stp.daumoi").await;
    assert_eq!(
        app.get(&format!("/api/v1/entries/{id}/attachments/{aid}"), &stp)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Deleted while a draft; after submission, deleting is refused.
    let del = app
        .call(
            Method::DELETE,
            &format!("/api/v1/entries/{id}/attachments/{aid}"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(del.status, StatusCode::NO_CONTENT);
    let up = upload_main(&app, &t, id).await;
    let aid = up.body["id"].as_i64().unwrap();
    assert_eq!(
        app.post(
            &format!("/api/v1/entries/{id}/submit"),
            &t,
            json!({"sworn": true})
        )
        .await
        .status,
        StatusCode::OK
    );
    let del = app
        .call(
            Method::DELETE,
            &format!("/api/v1/entries/{id}/attachments/{aid}"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(del.status, StatusCode::CONFLICT);
    assert_eq!(del.body["error"]["code"], "entry_not_draft");
}
