//! Entries through the API on both databases: visibility by unit, the deadline to the
//! second, extensions, uploads checked by content, idempotency, versions, coverage,
//! screening and the duplicate check.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;
mod documents;
mod extension;
mod review;
mod submission;
mod withdraw;

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
