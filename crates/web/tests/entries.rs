//! Entries through the API on both databases: visibility by unit, the deadline to the
//! second, extensions, uploads checked by content, idempotency, versions, coverage,
//! screening and the duplicate check.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::{Value, json};

/// 31/10/2021 23:59:59 Vietnam time: the demo contest's deadline.
const DEADLINE: i64 = 1_635_699_599;
const CONTEST: i64 = 1;

fn complete_entry(title: &str) -> Value {
    json!({
        "title": title, "topic_code": "TTHC", "form": "scheme",
        "authors": [
            {"full_name": "Nguyễn Văn A", "birth_date": "1980-05-02", "workplace": "UBND huyện Hòa An",
             "position": "Chánh Văn phòng", "qualification": "Thạc sĩ", "contribution_percent": 70},
            {"full_name": "Lê Thị B", "workplace": "UBND huyện Hòa An",
             "position": "Chuyên viên", "qualification": "Cử nhân", "contribution_percent": 30}
        ],
        "field_of_application": "Cải cách thủ tục hành chính", "first_applied_on": "2021-03-01",
        "implementation_status": "implemented",
        "description": {"current_situation": "Hồ sơ giấy, đi lại nhiều lần.", "solution": "Tiếp nhận qua mạng, trả kết quả tại nhà.",
                        "novelty": "Lần đầu áp dụng ở huyện.", "conditions": "Có mạng Internet.",
                        "benefits": "Giảm 30% thời gian.", "replication_scope": "Toàn tỉnh."},
        "trial_participants": [{"full_name": "Hoàng Văn C", "workplace": "UBND xã Bình Long", "task": "Tiếp nhận hồ sơ"}],
        "confidential": "Mã nguồn phần mềm."
    })
}

fn pdf() -> Vec<u8> {
    sangkien_files::sample_pdf(&["Sang kien thu nghiem"])
}

async fn new_entry(app: &TestApp, token: &str, title: &str) -> i64 {
    let res = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/entries"),
            token,
            complete_entry(title),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    res.body["id"].as_i64().unwrap()
}

async fn upload_main(app: &TestApp, token: &str, id: i64) -> common::Response {
    app.upload_kind(
        &format!("/api/v1/entries/{id}/attachments"),
        token,
        "main",
        "Sáng kiến.pdf",
        &pdf(),
    )
    .await
}

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
        .post(&format!("/api/v1/entries/{id}/submit"), &t, json!({}))
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
        .post(&format!("/api/v1/entries/{id}/submit"), &t, json!({}))
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
        .post(&format!("/api/v1/entries/{id}/submit"), &t, json!({}))
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
            json!({}),
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
            json!({}),
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
            json!({}),
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
        app.post(&format!("/api/v1/entries/{id}/submit"), &t, json!({}))
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
            .post(&format!("/api/v1/entries/{id}/submit"), &t, json!({}))
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
    app.post(&format!("/api/v1/entries/{id}/submit"), &stp, json!({}))
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
    app.post(&format!("/api/v1/entries/{a}/submit"), &t, json!({}))
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
    app.post(&format!("/api/v1/entries/{b}/submit"), &stp, json!({}))
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
        .post(&format!("/api/v1/entries/{id}/submit"), &hoaan, json!({}))
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
