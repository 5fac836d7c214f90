//! The organizer's entry list: filters, screening several entries at once with one
//! reason, and «sáng kiến tiếp theo» from one entry to the next while screening.

use super::*;

/// The ids of the entries a list page links to, in order.
fn linked_entries(html: &str) -> Vec<i64> {
    html.split("<a href=\"/entries/")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect()
}

#[tokio::test]
async fn the_organizer_filters_the_list_and_screens_several_entries_at_once() {
    let app = TestApp::new().await;
    app.set_now(1_635_699_599 + 3600);
    let org = app.organizer().await;
    assert_eq!(
        app.transition(&org, 1, "closed").await.status,
        StatusCode::OK
    );
    let session = web_login(&app, "snv.tochuc").await;
    let cookie = format!("sk_session={session}");

    let all = page(&app, "/contests/1/entries", Some(&session)).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    let every = linked_entries(&all.text);
    let drafts = page(&app, "/contests/1/entries?status=draft", Some(&session)).await;
    let draft_ids = linked_entries(&drafts.text);
    assert!(
        !draft_ids.is_empty() && draft_ids.len() < every.len(),
        "{draft_ids:?} {every:?}"
    );
    let hha = page(&app, "/contests/1/entries?unit=HHA", Some(&session)).await;
    assert!(hha.text.contains("huyện Hòa An") && !hha.text.contains("<td>Sở Tư pháp</td>"));
    let none = page(&app, "/contests/1/entries?topic=KHONG-CO", Some(&session)).await;
    assert!(none.text.contains("Không có sáng kiến nào khớp bộ lọc."));
    let open = page(
        &app,
        "/contests/1/entries?status=submitted&screened=chua",
        Some(&session),
    )
    .await;
    let waiting = linked_entries(&open.text);
    assert!(waiting.len() >= 3, "{waiting:?}");
    assert!(
        open.text.contains("name=\"entry\""),
        "submitted entries can be ticked"
    );

    // «Sáng kiến tiếp theo» goes from the first entry to the second.
    let first = page(&app, &format!("/entries/{}", waiting[0]), Some(&session)).await;
    assert!(
        first.text.contains(&format!(
            "href=\"/entries/{}\" id=\"next-to-screen\"",
            waiting[1]
        )),
        "{}",
        first.text
    );

    // Refused all together without a reason; what was ticked and typed stays.
    let csrf = hidden(&open.text, "csrf");
    let a = waiting[0].to_string();
    let b = waiting[1].to_string();
    let pairs = |eligible: &'static str, reason: &'static str| {
        encode(&[
            ("csrf", &csrf),
            ("entry", &a),
            ("entry", &b),
            ("eligible", eligible),
            ("reason", reason),
        ])
    };
    let res = form(
        &app,
        "/contests/1/entries/screening",
        &cookie,
        &pairs("false", ""),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("id=\"form-error\""));
    assert!(
        res.text.contains(&format!("value=\"{a}\" aria-label=")),
        "{}",
        res.text
    );
    assert!(
        res.text.matches(" checked>").count() >= 2,
        "the ticks are kept"
    );
    let res = form(
        &app,
        "/contests/1/entries/screening",
        &cookie,
        &pairs("true", ""),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(
        res.headers[header::LOCATION],
        "/contests/1/entries?done=screened&n=2"
    );
    let done = page(
        &app,
        "/contests/1/entries?done=screened&n=2",
        Some(&session),
    )
    .await;
    assert!(
        done.text
            .contains("Đã ghi kết quả xét điều kiện cho 2 sáng kiến.")
    );
    let left = page(
        &app,
        "/contests/1/entries?screened=chua&status=submitted",
        Some(&session),
    )
    .await;
    let left = linked_entries(&left.text);
    assert_eq!(left.len(), waiting.len() - 2);
    let eligible = page(&app, "/contests/1/entries?screened=dat", Some(&session)).await;
    assert_eq!(linked_entries(&eligible.text).len(), 2);
    // A draft cannot be screened: the whole refused, naming it.
    let d = draft_ids[0].to_string();
    let res = form(
        &app,
        "/contests/1/entries/screening",
        &cookie,
        &encode(&[
            ("csrf", &csrf),
            ("entry", &d),
            ("eligible", "true"),
            ("reason", ""),
        ]),
    )
    .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    assert!(res.text.contains("Chỉ xét điều kiện các sáng kiến đã nộp."));
}
