//! Awards and publication through the API on both databases: the proposal with a tie
//! at a boundary and an entry below the minimum, adjustments with reasons, approval
//! that locks, exports parsed back, publication with a fingerprint anyone can recompute.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Read;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::{Value, json};

const DEADLINE: i64 = 1_635_699_599;
const CONTEST: i64 = 1;
const JUDGES: [&str; 3] = ["hd.vpubnd", "hd.snv", "hd.stc"];

/// The demo contest judged: the first two submitted entries tie on everything (83),
/// the third has 65, the fourth 35 (below the minimum of 50). Returns the organizer's
/// token and the entry ids in that order.
async fn deliberation(app: &TestApp) -> (String, Vec<i64>) {
    app.set_now(DEADLINE + 3600);
    let org = app.organizer().await;
    assert_eq!(
        app.transition(&org, CONTEST, "closed").await.status,
        StatusCode::OK
    );
    app.prepare_judging(&org, CONTEST).await;
    let res = app.transition(&org, CONTEST, "judging").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
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
    assert_eq!(ids.len(), 4, "{}", list.text);
    let points = [
        [25.0, 25.0, 25.0, 8.0],
        [25.0, 25.0, 25.0, 8.0],
        [20.0, 20.0, 20.0, 5.0],
        [10.0, 10.0, 10.0, 5.0],
    ];
    for judge in JUDGES {
        let t = app.login(judge).await;
        for (id, p) in ids.iter().zip(points) {
            let body = json!({"points": {"novelty": p[0], "effectiveness": p[1],
                "applicability": p[2], "presentation": p[3]}, "comment": "Đã chấm"});
            let res = app
                .call(
                    Method::PUT,
                    &format!("/api/v1/entries/{id}/scores/mine"),
                    Some(&t),
                    Some(body),
                )
                .await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.text);
            let res = app
                .post(
                    &format!("/api/v1/entries/{id}/scores/mine/submit"),
                    &t,
                    json!({}),
                )
                .await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.text);
        }
    }
    let res = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/awards/propose"),
            &org,
            json!({}),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::CONFLICT,
        "propose during judging: {}",
        res.text
    );
    let res = app.transition(&org, CONTEST, "deliberation").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    (org, ids)
}

fn tiers(body: &Value) -> Vec<(i64, String)> {
    body["awards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["entry_id"].as_i64().unwrap(),
                a["tier"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn approve(app: &TestApp, token: &str, decision: Value) -> common::Response {
    app.post(
        &format!("/api/v1/contests/{CONTEST}/awards/approve"),
        token,
        json!({"decision": decision}),
    )
    .await
}

fn resolved_list(ids: &[i64]) -> Value {
    json!({"awards": [
        {"entry_id": ids[0], "tier": "first", "reason": "Hội đồng biểu quyết 3/3 ngày 20/11/2021"},
        {"entry_id": ids[1], "tier": "second", "reason": "Hội đồng biểu quyết 3/3 ngày 20/11/2021"},
        {"entry_id": ids[2], "tier": "second", "reason": ""},
    ]})
}

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
    let decision = json!({"number": "2345", "date": "2021-11-25", "signer": "Lê Hải Hòa"});
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

async fn approved(app: &TestApp) -> (String, Vec<i64>) {
    let (org, ids) = deliberation(app).await;
    let res = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/awards/propose"),
            &org,
            json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let res = app
        .call(
            Method::PUT,
            &format!("/api/v1/contests/{CONTEST}/awards"),
            Some(&org),
            Some(resolved_list(&ids)),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let approver = app.login("ubnd.pheduyet").await;
    let res = approve(
        app,
        &approver,
        json!({"number": "2345", "date": "2021-11-25", "signer": "Lê Hải Hòa"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    (org, ids)
}

fn zip_text(bytes: &[u8], part: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut s = String::new();
    z.by_name(part)
        .expect(part)
        .read_to_string(&mut s)
        .expect("utf-8");
    s
}

fn pdftotext(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("xlsx");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).expect("sheet");
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
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
        "Cao Bằng, ngày 25 tháng 11 năm 2021",
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
        text.contains("Cao Bằng, ngày 25 tháng 11 năm 2021"),
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

/// The fingerprint recomputed by an independent implementation (Python's json module:
/// sorted keys, no whitespace, UTF-8) from the public JSON.
fn recompute(results: &Value) -> String {
    let mut v = results.clone();
    v.as_object_mut().unwrap().remove("fingerprint");
    let script = "import json,sys,hashlib; o=json.load(sys.stdin); \
                  print(hashlib.sha256(json.dumps(o,sort_keys=True,separators=(',',':'),ensure_ascii=False).encode()).hexdigest())";
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(v.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

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
        json!({"number": "1", "date": "2021-11-25", "signer": "Lê Hải Hòa"}),
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
