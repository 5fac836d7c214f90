//! Awards and publication through the API on both databases: the proposal with a tie
//! at a boundary and an entry below the minimum, adjustments with reasons, approval
//! that locks, exports parsed back, publication with a fingerprint anyone can recompute.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;
mod decision;
mod meeting;
mod publication;
mod review;

use axum::http::{Method, StatusCode};
use common::{TestApp, pdftotext, zip_text};
use serde_json::{Value, json};

const DEADLINE: i64 = 1_635_699_599;
const CONTEST: i64 = 1;
const DAY: i64 = 86_400;
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
    app.council_votes(&org, CONTEST).await;
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
        json!({"number": "2345", "date": "2021-11-01", "signer": "Lê Hải Hòa"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    (org, ids)
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
