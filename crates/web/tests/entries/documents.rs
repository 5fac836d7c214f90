//! An entry's documents: the submission receipt (PDF) and the request for recognition
//! in the TT 18/2013 form (DOCX), parsed back; for the entry's unit and organizers only.

use super::*;
use common::{pdftotext, zip_text};

#[tokio::test]
async fn the_receipt_and_the_request_for_recognition_parse_back() {
    let app = TestApp::new().await;
    let t = app.login("hoaan.daumoi").await;
    // The whole TT 18 form: the investor, the trial participants with birth date, post
    // and qualification, and the benefits as the trial unit sees them.
    let mut body = complete_entry("Một cửa liên thông hộ tịch tại xã Bế Triều");
    body["investor"] = json!("Ủy ban nhân dân huyện Hòa An (ngân sách nhà nước)");
    body["trial_benefits"] = json!("UBND xã Bế Triều: hồ sơ trả đúng hẹn tăng từ 80% lên 98%.");
    body["trial_participants"] = json!([{"full_name": "Hoàng Văn Chiến", "birth_date": "1990-02-30",
        "workplace": "UBND xã Bế Triều", "position": "Công chức Tư pháp - Hộ tịch",
        "qualification": "Cử nhân Luật", "task": "Áp dụng thử tại bộ phận một cửa"}]);
    let bad = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/entries"),
            &t,
            body.clone(),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    assert_eq!(
        TestApp::fields(&bad),
        vec!["trial_participants[0].birth_date"],
        "{}",
        bad.text
    );
    body["trial_participants"][0]["birth_date"] = json!("1990-02-03");
    let res = app
        .post(&format!("/api/v1/contests/{CONTEST}/entries"), &t, body)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let id = res.body["id"].as_i64().unwrap();
    let up = upload_main(&app, &t, id).await;
    assert_eq!(up.status, StatusCode::CREATED, "{}", up.text);
    let sha = up.body["sha256"].as_str().unwrap().to_string();
    assert_eq!(sha.len(), 64);
    // No receipt before the entry is submitted.
    let receipt = format!("/api/v1/entries/{id}/receipt.pdf");
    let res = app.get(&receipt, &t).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    // Submitted at 15/10/2021 10:00:37, Vietnam time: without the authors' sworn
    // statement it is refused, and nothing is written.
    app.set_now(common::OCT_15_2021 + 37);
    for body in [json!({}), json!({"sworn": false})] {
        let res = app
            .post(&format!("/api/v1/entries/{id}/submit"), &t, body)
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
        assert_eq!(res.body["error"]["details"]["fields"][0]["field"], "sworn");
    }
    let sub = app
        .post(
            &format!("/api/v1/entries/{id}/submit"),
            &t,
            json!({"sworn": true}),
        )
        .await;
    assert_eq!(sub.status, StatusCode::OK, "{}", sub.text);
    assert_eq!(sub.body["version"], 1);
    // The statement is recorded with the version.
    let org = app.organizer().await;
    let versions = app
        .get(&format!("/api/v1/entries/{id}/versions"), &org)
        .await;
    assert_eq!(
        versions.body["versions"][0]["sworn"].as_str(),
        Some(sangkien_domain::entry::SWORN_STATEMENT),
        "{}",
        versions.text
    );
    // Printed a week later: the receipt keeps the moment of submission.
    app.set_now(common::OCT_15_2021 + 37 + 86_400 * 7);
    let t = app.login("hoaan.daumoi").await;
    let res = app.get(&receipt, &t).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.headers["content-type"], "application/pdf");
    let text = pdftotext(&res.bytes);
    for s in [
        "GIẤY BIÊN NHẬN",
        &format!("Số hồ sơ {id}"),
        "huyện Hòa An",
        "“Một cửa liên thông hộ tịch tại xã Bế Triều”",
        "15/10/2021 10:00:37 (giờ Việt Nam)",
        "Phiên bản 1",
        "Đã đánh dấu khi nộp",
        "Cao Bằng, ngày 15 tháng 10 năm 2021",
    ] {
        assert!(text.contains(s), "receipt lacks «{s}»:\n{text}");
    }
    // The hash is whole, though it may wrap inside its cell.
    assert!(
        text.replace(' ', "").contains(&sha),
        "receipt lacks the SHA-256 {sha}:\n{text}"
    );
    let res = app
        .get(&format!("/api/v1/entries/{id}/application.docx"), &t)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let xml = zip_text(&res.bytes, "word/document.xml");
    for s in [
        "ĐƠN YÊU CẦU CÔNG NHẬN SÁNG KIẾN",
        "Kính gửi: Ủy ban nhân dân tỉnh Cao Bằng",
        "Nguyễn Văn A",
        "02/05/1980",
        "Thạc sĩ",
        "“Một cửa liên thông hộ tịch tại xã Bế Triều”",
        "01/03/2021",
        "xin cam đoan mọi thông tin nêu trong đơn là trung thực",
        "Ủy ban nhân dân huyện Hòa An (ngân sách nhà nước)",
        "hồ sơ trả đúng hẹn tăng từ 80% lên 98%",
        "Hoàng Văn Chiến",
        "03/02/1990",
        "Công chức Tư pháp - Hộ tịch",
        "Cử nhân Luật",
        "Cao Bằng, ngày 15 tháng 10 năm 2021",
    ] {
        assert!(xml.contains(s), "application lacks «{s}»");
    }
    // The organizer gets both; another unit and the council do not.
    let org = app.organizer().await;
    assert_eq!(app.get(&receipt, &org).await.status, StatusCode::OK);
    let other = app.login("stp.daumoi").await;
    assert_eq!(
        app.get(&receipt, &other).await.status,
        StatusCode::NOT_FOUND
    );
    let judge = app.login("hd.snv").await;
    let res = app
        .get(&format!("/api/v1/entries/{id}/application.docx"), &judge)
        .await;
    assert!(
        matches!(res.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{}",
        res.status
    );
}
