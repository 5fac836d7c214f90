//! Judging through the API on both databases: the council, conflicts that hide entries,
//! assignment, the start of judging, score sheets and the ranking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;
mod council;
mod sheets;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::{Value, json};

const DEADLINE: i64 = 1_635_699_599;
const CONTEST: i64 = 1;

fn council() -> Value {
    json!({"decision": {"number": "2950/QĐ-UBND", "date": "2021-11-01"},
           "members": [{"username": "hd.vpubnd", "role": "chair"}, {"username": "hd.snv", "role": "member"},
                       {"username": "hd.stp", "role": "member"}, {"username": "hd.stc", "role": "member"},
                       {"username": "hd.skhcn", "role": "clerk"}]})
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
