use super::*;

#[tokio::test]
async fn proposal_flags_ties_skips_low_scores_and_approval_locks() {
    let app = TestApp::new().await;
    let (org, ids) = deliberation(&app).await;
    let focal = app.login("hoaan.daumoi").await;
    let res = app
        .get(&format!("/api/v1/contests/{CONTEST}/awards"), &focal)
        .await;
    assert!(
        matches!(res.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{}",
        res.text
    );

    let res = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/awards/propose"),
            &org,
            json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    // The tie between the first two straddles first and second: flagged, not decided.
    assert_eq!(tiers(&res.body), vec![(ids[2], "second".to_string())]);
    let flags = res.body["flags"].as_array().unwrap();
    assert_eq!(flags.len(), 1, "{}", res.text);
    assert_eq!(flags[0]["kind"], "tie_at_boundary");
    assert_eq!(flags[0]["entry_ids"], json!([ids[0], ids[1]]));
    assert_eq!(flags[0]["resolved"], false);
    // Below the minimum: nothing.
    let low = res.body["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["entry_id"] == ids[3])
        .unwrap()
        .clone();
    assert_eq!(low["reaches_minimum"], false);
    assert_eq!(low["proposed_tier"], Value::Null);

    let approver = app.login("ubnd.pheduyet").await;
    let decision = json!({"number": "2345", "date": "2021-11-01", "signer": "Lê Hải Hòa"});
    let res = approve(&app, &approver, decision.clone()).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    assert_eq!(res.body["error"]["code"], "unresolved_ties");

    // A prize below the minimum is refused; a changed tier without a reason too.
    let mut bad = resolved_list(&ids);
    bad["awards"]
        .as_array_mut()
        .unwrap()
        .push(json!({"entry_id": ids[3], "tier": "third", "reason": "Có ý nghĩa"}));
    let res = app
        .call(
            Method::PUT,
            &format!("/api/v1/contests/{CONTEST}/awards"),
            Some(&org),
            Some(bad),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(
        TestApp::fields(&res).contains(&"awards[3].tier".to_string()),
        "{}",
        res.text
    );
    let mut no_reason = resolved_list(&ids);
    no_reason["awards"][0]["reason"] = json!("");
    let res = app
        .call(
            Method::PUT,
            &format!("/api/v1/contests/{CONTEST}/awards"),
            Some(&org),
            Some(no_reason),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(
        TestApp::fields(&res).contains(&"awards[0].reason".to_string()),
        "{}",
        res.text
    );

    let res = app
        .call(
            Method::PUT,
            &format!("/api/v1/contests/{CONTEST}/awards"),
            Some(&org),
            Some(resolved_list(&ids)),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(
        res.body["flags"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["resolved"] == true),
        "{}",
        res.text
    );

    // Only the approver approves, with a valid decision.
    let res = approve(&app, &org, decision.clone()).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text);
    let res = app.transition(&approver, CONTEST, "approved").await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    let res = approve(
        &app,
        &approver,
        json!({"number": "", "date": "25/11/2021", "signer": "x"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    let f = TestApp::fields(&res);
    assert!(
        f.contains(&"decision.number".to_string()) && f.contains(&"decision.date".to_string()),
        "{f:?}"
    );
    // The decision is dated between the end of judging (01/11/2021) and today.
    for (date, says) in [
        ("2021-11-02", "không được sau hôm nay (01/11/2021)"),
        (
            "2021-10-31",
            "không được trước ngày kết thúc chấm điểm (01/11/2021)",
        ),
    ] {
        let res = approve(
            &app,
            &approver,
            json!({"number": "2345", "date": date, "signer": "Lê Hải Hòa"}),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
        assert_eq!(TestApp::fields(&res), vec!["decision.date"], "{}", res.text);
        assert!(res.text.contains(says), "{}", res.text);
    }
    let res = approve(&app, &approver, decision).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["state"], "approved");

    // Approval locks awards and scores.
    let res = app
        .call(
            Method::PUT,
            &format!("/api/v1/contests/{CONTEST}/awards"),
            Some(&org),
            Some(resolved_list(&ids)),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    let res = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/awards/propose"),
            &org,
            json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    let judge = app.login("hd.vpubnd").await;
    let res = app
        .call(
            Method::PUT,
            &format!("/api/v1/entries/{}/scores/mine", ids[0]),
            Some(&judge),
            Some(json!({"points": {"novelty": 30}, "comment": ""})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    let res = app
        .post(
            &format!("/api/v1/entries/{}/scores/hd.snv/unlock", ids[0]),
            &judge,
            json!({"reason": "sửa"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    let res = app
        .get(&format!("/api/v1/contests/{CONTEST}/awards"), &approver)
        .await;
    assert_eq!(res.body["decision"]["number"], "2345");
}

#[tokio::test]
async fn exports_parse_back() {
    let app = TestApp::new().await;
    let (org, ids) = approved(&app).await;
    let get = |name: &'static str| {
        let org = org.clone();
        let app = &app;
        async move {
            app.get(&format!("/api/v1/contests/{CONTEST}/exports/{name}"), &org)
                .await
        }
    };
    let res = get("decision.docx").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let xml = zip_text(&res.bytes, "word/document.xml");
    for s in [
        "Số: 2345/QĐ-UBND",
        "Cao Bằng, ngày 01 tháng 11 năm 2021",
        "QUYẾT ĐỊNH",
        "KT. CHỦ TỊCH",
        "Lê Hải Hòa",
        "Nơi nhận:",
    ] {
        assert!(xml.contains(s), "decision.docx lacks {s}");
    }
    assert!(xml.contains(r#"w:ascii="Times New Roman""#));

    let res = get("decision.pdf").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.headers["content-type"], "application/pdf");
    let text = pdftotext(&res.bytes);
    assert!(
        text.contains("Cao Bằng, ngày 01 tháng 11 năm 2021"),
        "{text}"
    );
    assert!(
        text.contains("Giải Nhất") && text.contains("Giải Nhì"),
        "{text}"
    );

    let res = get("memo.docx").await;
    assert_eq!(res.status, StatusCode::OK);
    let xml = zip_text(&res.bytes, "word/document.xml");
    assert!(xml.contains("TỜ TRÌNH") && xml.contains("/TTr-SNV"), "memo");

    let res = get("results.xlsx").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let rows = xlsx_rows(&res.bytes);
    assert!(rows[0][0].starts_with("Kết quả chấm điểm"));
    let header = &rows[2];
    assert_eq!(header[0], "Hạng");
    assert_eq!(header.len(), 4 + JUDGES.len() + 3, "{header:?}");
    let first = rows
        .iter()
        .find(|r| r.get(1) == Some(&ids[0].to_string()))
        .expect("row of the first entry");
    assert_eq!(first[4 + JUDGES.len()], "83", "{first:?}");
    assert_eq!(first[4 + JUDGES.len() + 1], "Giải Nhất");
    assert_eq!(first[4 + JUDGES.len() + 2], "5000000");
    assert_eq!(rows.len(), 3 + 4, "{rows:?}");

    let res = get("budget.xlsx").await;
    let rows = xlsx_rows(&res.bytes);
    let total = rows.last().unwrap();
    assert_eq!(total[0], "Tổng cộng");
    // Demo prizes: 1×5.000.000 + 2×3.000.000 + 3×2.000.000 + 4×1.000.000 (see demo.rs).
    let expected: i64 = rows[3..rows.len() - 1]
        .iter()
        .map(|r| r[3].parse::<i64>().unwrap())
        .sum();
    assert_eq!(total[3].parse::<i64>().unwrap(), expected);
    assert!(expected > 0);

    let res = get("coverage.xlsx").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(xlsx_rows(&res.bytes).len() > 4);

    let res = get("certificates.pdf").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let text = pdftotext(&res.bytes);
    assert_eq!(text.matches("GIẤY CHỨNG NHẬN").count(), 3, "{text}");

    let res = get("score-sheets.pdf").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let text = pdftotext(&res.bytes);
    assert_eq!(text.matches("PHIẾU CHẤM ĐIỂM").count(), 4 * JUDGES.len());
    assert!(text.contains("BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM"));
    // Printed ten days later, every sheet keeps the day it was submitted (01/11/2021)
    // and every signature line its signer's name; the DOCX says the same, to edit.
    app.set_now(DEADLINE + 3600 + 10 * DAY);
    let org = app.organizer().await;
    for name in ["score-sheets.pdf", "score-sheets.docx"] {
        let res = app
            .get(&format!("/api/v1/contests/{CONTEST}/exports/{name}"), &org)
            .await;
        assert_eq!(res.status, StatusCode::OK, "{name}: {}", res.text);
        let text = if name.ends_with(".pdf") {
            pdftotext(&res.bytes)
        } else {
            zip_text(&res.bytes, "word/document.xml")
        };
        assert_eq!(
            text.matches("Cao Bằng, ngày 01 tháng 11 năm 2021").count(),
            4 * JUDGES.len() + 1,
            "{name}: {text}"
        );
        assert!(!text.contains("ngày 11 tháng 11"), "{name}");
        for full_name in ["Triệu Văn Đức", "Lương Thị Hạnh", "Mã Thị Hoa"] {
            assert!(text.contains(full_name), "{name} lacks {full_name}");
        }
        assert!(
            text.contains("TV3: "),
            "{name}: the judges named under the table"
        );
    }
    app.set_now(DEADLINE + 3600);

    for name in ["entries.csv", "audit.csv"] {
        let res = get(name).await;
        assert_eq!(res.status, StatusCode::OK, "{name}");
        assert!(
            res.bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
            "{name} has a BOM"
        );
    }
    assert_eq!(get("nothing.exe").await.status, StatusCode::NOT_FOUND);
    let focal = app.login("hoaan.daumoi").await;
    let res = app
        .get(
            &format!("/api/v1/contests/{CONTEST}/exports/decision.pdf"),
            &focal,
        )
        .await;
    assert!(matches!(
        res.status,
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ));
    let approver = app.login("ubnd.pheduyet").await;
    let res = app
        .get(
            &format!("/api/v1/contests/{CONTEST}/exports/results.xlsx"),
            &approver,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let res = app
        .get(
            &format!("/api/v1/contests/{CONTEST}/exports/audit.csv"),
            &approver,
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

/// The memo is dated the day the proposal was made, not the day it is printed; once
/// its number and date are recorded, the memo carries them and the decision cites it.
#[tokio::test]
async fn the_memo_is_dated_by_the_proposal_and_cited_once_recorded() {
    let app = TestApp::new().await;
    let (_, ids) = deliberation(&app).await;
    // Proposed on 02/11/2021 (the council met on 01/11).
    app.set_now(DEADLINE + 3600 + DAY);
    let org = app.organizer().await;
    let path = format!("/api/v1/contests/{CONTEST}/awards");
    let res = app.post(&format!("{path}/propose"), &org, json!({})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let res = app
        .call(Method::PUT, &path, Some(&org), Some(resolved_list(&ids)))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["memo_date"], "2021-11-02");
    // Printed on 04/11: still dated 02/11, the number left blank.
    app.set_now(DEADLINE + 3600 + 3 * DAY);
    let org = app.organizer().await;
    let export = |name: &'static str, token: String| {
        let app = &app;
        async move {
            let res = app
                .get(
                    &format!("/api/v1/contests/{CONTEST}/exports/{name}"),
                    &token,
                )
                .await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.text);
            zip_text(&res.bytes, "word/document.xml")
        }
    };
    let memo = export("memo.docx", org.clone()).await;
    assert!(memo.contains("ngày 02 tháng 11 năm 2021"), "{memo}");
    assert!(!memo.contains("ngày 04 tháng 11"), "{memo}");
    // The draft decision leaves the memo blank, with no year.
    let draft = export("decision.docx", org.clone()).await;
    let line = draft
        .split("Theo đề nghị")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap_or_default()
        .to_string();
    assert!(
        line.contains("/TTr-SNV") && !line.contains("2021"),
        "{line}"
    );
    // Bad numbers and dates are refused, each with its reason.
    let memo_path = format!("{path}/memo");
    let put = |body: Value| {
        let app = &app;
        let org = org.clone();
        let memo_path = memo_path.clone();
        async move {
            app.call(Method::PUT, &memo_path, Some(&org), Some(body))
                .await
        }
    };
    let res = put(json!({"number": "", "date": "2021-11-05"})).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert_eq!(
        TestApp::fields(&res),
        vec!["number", "date"],
        "{}",
        res.text
    );
    assert!(res.text.contains("không được sau hôm nay"));
    let res = put(json!({"number": "45", "date": "2021-10-30"})).await;
    assert!(
        res.text.contains("trước ngày kết thúc chấm điểm"),
        "{}",
        res.text
    );
    let approver = app.login("ubnd.pheduyet").await;
    let res = app
        .call(
            Method::PUT,
            &memo_path,
            Some(&approver),
            Some(json!({"number": "45", "date": "2021-11-03"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text);
    let res = put(json!({"number": "45", "date": "2021-11-03"})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(
        res.body["memo"],
        json!({"number": "45", "date": "2021-11-03"})
    );
    let memo = export("memo.docx", org.clone()).await;
    assert!(memo.contains("Số: 45/TTr-SNV"), "{memo}");
    assert!(memo.contains("ngày 03 tháng 11 năm 2021"), "{memo}");
    let res = approve(
        &app,
        &approver,
        json!({"number": "2345", "date": "2021-11-04", "signer": "Lê Hải Hòa"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let decision = export("decision.docx", org.clone()).await;
    assert!(
        decision.contains("tại Tờ trình số 45/TTr-SNV ngày 03 tháng 11 năm 2021."),
        "{decision}"
    );
    assert!(decision.contains("“"), "titles in “ ” quotation marks");
    // A memo cannot be dated after the decision that answers it.
    app.set_now(DEADLINE + 3600 + 5 * DAY);
    let org = app.organizer().await;
    let res = app
        .call(
            Method::PUT,
            &memo_path,
            Some(&org),
            Some(json!({"number": "45", "date": "2021-11-05"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(
        res.text.contains("sau quyết định khen thưởng"),
        "{}",
        res.text
    );
}
