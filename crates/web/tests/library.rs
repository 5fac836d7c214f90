//! The public library on both databases: winners enter it at publication, the organizer
//! adds others, anyone searches it with or without diacritics, ranked, filtered, paged.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::{Value, json};

const DEADLINE: i64 = 1_635_699_599;
const CONTEST: i64 = 1;

/// Entries created by the organizer before the deadline: (unit, title, solution, points
/// per criterion).
const CORPUS: &[(&str, &str, &str, f64)] = &[
    (
        "STP",
        "Dịch vụ công trực tuyến mức độ 4 cho hộ kinh doanh",
        "Người dân nộp hồ sơ qua Cổng dịch vụ công, nhận kết quả tại nhà.",
        24.0,
    ),
    (
        "HHA",
        "Đăng ký kinh doanh qua mạng tại huyện Hòa An",
        "Hộ kinh doanh đăng ký trên điện thoại, không phải đến bộ phận một cửa.",
        23.0,
    ),
    (
        "TPCB",
        "Số hóa hồ sơ lưu trữ tại bộ phận một cửa thành phố",
        "Hồ sơ giấy được quét, gắn mã; cán bộ tra cứu nhanh, hỗ trợ dịch vụ công.",
        22.0,
    ),
    (
        "SYT",
        "Cải tiến quy trình cấp phép hành nghề y",
        "Rút ngắn thời gian thẩm định hồ sơ cấp phép.",
        9.0,
    ),
];

async fn create(app: &TestApp, org: &str, unit: &str, title: &str, solution: &str) -> i64 {
    let body = json!({
        "unit_code": unit, "title": title, "topic_code": "TTHC", "form": "scheme",
        "authors": [{"full_name": "Nguyễn Văn Bình", "birth_date": "1980-05-02", "workplace": unit,
                     "position": "Chuyên viên", "qualification": "Cử nhân", "contribution_percent": 100}],
        "field_of_application": "Cải cách thủ tục hành chính", "first_applied_on": "2021-03-01",
        "implementation_status": "implemented",
        "description": {"current_situation": "Người dân phải đi lại nhiều lần.", "solution": solution,
                        "novelty": "Lần đầu áp dụng ở tỉnh.", "conditions": "Có mạng Internet.",
                        "benefits": "Tiết kiệm thời gian, chi phí.", "replication_scope": "Toàn tỉnh."},
        "confidential": "BÍ MẬT KHÔNG CÔNG BỐ",
    });
    app.submitted_entry(org, CONTEST, body).await
}

/// The corpus entries created, the contest judged (demo entries score 20 per criterion,
/// the corpus as listed), approved and published. Returns the organizer's token and the
/// corpus ids.
async fn published(app: &TestApp) -> (String, Vec<i64>) {
    let org = app.organizer().await;
    let mut ids = Vec::new();
    for (unit, title, solution, _) in CORPUS {
        ids.push(create(app, &org, unit, title, solution).await);
    }
    app.set_now(DEADLINE + 3600);
    let org = app.organizer().await;
    assert_eq!(
        app.transition(&org, CONTEST, "closed").await.status,
        StatusCode::OK
    );
    app.prepare_judging(&org, CONTEST).await;
    let res = app.transition(&org, CONTEST, "judging").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    for judge in ["hd.vpubnd", "hd.snv", "hd.stc"] {
        let t = app.login(judge).await;
        let mine = app
            .get(&format!("/api/v1/contests/{CONTEST}/my-assignments"), &t)
            .await;
        for item in mine.body["items"].as_array().unwrap() {
            let id = item["entry_id"].as_i64().unwrap();
            let p = ids
                .iter()
                .position(|x| *x == id)
                .map_or(20.0 - (id % 5) as f64, |k| CORPUS[k].3);
            let body = json!({"points": {"novelty": p, "effectiveness": p, "applicability": p, "presentation": 5}});
            let r = app
                .call(
                    Method::PUT,
                    &format!("/api/v1/entries/{id}/scores/mine"),
                    Some(&t),
                    Some(body),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            app.post(
                &format!("/api/v1/entries/{id}/scores/mine/submit"),
                &t,
                json!({}),
            )
            .await;
        }
    }
    assert_eq!(
        app.transition(&org, CONTEST, "deliberation").await.status,
        StatusCode::OK
    );
    app.council_votes(&org, CONTEST).await;
    let res = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/awards/propose"),
            &org,
            json!({}),
        )
        .await;
    assert!(
        res.body["flags"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["kind"] != "tie_at_boundary"),
        "{}",
        res.text
    );
    let approver = app.login("ubnd.pheduyet").await;
    let res = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/awards/approve"),
            &approver,
            json!({"decision": {"number": "2345", "date": "2021-11-01", "signer": "Lê Hải Hòa"}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(
        app.transition(&org, CONTEST, "published").await.status,
        StatusCode::OK
    );
    (org, ids)
}

async fn search(app: &TestApp, query: &str) -> Value {
    let res = app
        .call(
            Method::GET,
            &format!("/api/v1/public/library?{query}"),
            None,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{query}: {}", res.text);
    res.body
}

fn ids_of(body: &Value) -> Vec<i64> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["entry_id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn search_folds_ranks_filters_and_pages() {
    let app = TestApp::new().await;
    let (_org, ids) = published(&app).await;
    let (dvc, dkkd, sohoa, low) = (ids[0], ids[1], ids[2], ids[3]);

    // Without diacritics, in capitals, or as written: the same results.
    let plain = search(&app, "q=dich+vu+cong+truc+tuyen").await;
    assert_eq!(ids_of(&plain).first(), Some(&dvc), "{plain}");
    let accented = search(
        &app,
        "q=D%E1%BB%8Bch+v%E1%BB%A5+c%C3%B4ng+tr%E1%BB%B1c+tuy%E1%BA%BFn",
    )
    .await;
    assert_eq!(ids_of(&accented), ids_of(&plain));
    assert_eq!(ids_of(&search(&app, "q=DANG+KY").await), vec![dkkd]);
    assert_eq!(
        ids_of(&search(&app, "q=%C4%91%C4%83ng+k%C3%BD").await),
        vec![dkkd]
    );
    // Relevance: the title match ranks above a match in the body.
    let ranked = ids_of(&search(&app, "q=dich+vu+cong").await);
    assert_eq!(ranked.first(), Some(&dvc), "{ranked:?}");
    assert!(ranked.contains(&sohoa), "{ranked:?}");
    assert!(ranked.iter().position(|x| *x == dvc) < ranked.iter().position(|x| *x == sohoa));
    // The last word is a prefix: "kinh doan" finds "kinh doanh".
    assert!(ids_of(&search(&app, "q=kinh+doan").await).contains(&dkkd));
    // Below the minimum: not awarded, not in the library.
    assert!(!ids_of(&search(&app, "q=cap+phep").await).contains(&low));

    // Filters and pages.
    let hha = search(&app, "unit=HHA").await;
    assert!(
        hha["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["unit_code"] == "HHA")
    );
    let first = search(&app, "tier=first").await;
    assert_eq!(first["total"], 1);
    let all = search(&app, "year=2021&per_page=100").await;
    let total = all["total"].as_i64().unwrap();
    assert!(total >= 6, "{all}");
    let p1 = search(&app, "per_page=2&page=1").await;
    let p2 = search(&app, "per_page=2&page=2").await;
    assert_eq!(p1["total"], total);
    assert_eq!(ids_of(&p1).len(), 2);
    assert!(ids_of(&p1).iter().all(|x| !ids_of(&p2).contains(x)));
    // Sorted by title in Vietnamese order.
    let titles: Vec<String> = search(&app, "sort=title&per_page=100").await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_string())
        .collect();
    let mut sorted = titles.clone();
    sorted.sort_by(|a, b| sangkien_domain::collate::cmp_vi(a, b));
    assert_eq!(titles, sorted);
    // Bad parameters are named.
    let res = app
        .call(
            Method::GET,
            "/api/v1/public/library?year=abc&tier=gold",
            None,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
}

#[tokio::test]
async fn entries_are_public_without_confidential_fields_and_the_organizer_adds_others() {
    let app = TestApp::new().await;
    let org = app.organizer().await;
    let early = app
        .post("/api/v1/entries/1/library", &org, json!({"public": true}))
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.text);
    let (org, ids) = published(&app).await;
    let res = app
        .call(
            Method::GET,
            &format!("/api/v1/public/library/{}", ids[0]),
            None,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["tier"], "first");
    assert!(
        res.body["description"]["solution"]
            .as_str()
            .unwrap()
            .contains("Cổng dịch vụ công")
    );
    for secret in [
        "BÍ MẬT",
        "confidential",
        "birth_date",
        "1980-05-02",
        "qualification",
    ] {
        assert!(!res.text.contains(secret), "library exposes {secret}");
    }
    let aid = res.body["attachments"][0]["id"].as_i64().unwrap();
    let file = app
        .call(
            Method::GET,
            &format!("/api/v1/public/library/{}/attachments/{aid}", ids[0]),
            None,
            None,
        )
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.bytes.starts_with(b"%PDF"));

    // The low-scored entry is not public until the organizer adds it.
    let low = ids[3];
    let res = app
        .call(
            Method::GET,
            &format!("/api/v1/public/library/{low}"),
            None,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let focal = app.login("stp.daumoi").await;
    let res = app
        .post(
            &format!("/api/v1/entries/{low}/library"),
            &focal,
            json!({"public": true}),
        )
        .await;
    assert!(matches!(
        res.status,
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ));
    let res = app
        .post(
            &format!("/api/v1/entries/{low}/library"),
            &org,
            json!({"public": true}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(ids_of(&search(&app, "q=cap+phep+hanh+nghe").await).contains(&low));
    let res = app
        .post(
            &format!("/api/v1/entries/{low}/library"),
            &org,
            json!({"public": false}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(!ids_of(&search(&app, "q=cap+phep+hanh+nghe").await).contains(&low));
    // Winners stay.
    let res = app
        .post(
            &format!("/api/v1/entries/{}/library", ids[0]),
            &org,
            json!({"public": false}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn units_record_adoptions_and_the_report_counts_them() {
    let app = TestApp::new().await;
    let (org, ids) = published(&app).await;
    let dvc = ids[0];
    // The public page is rendered once and kept; a change to the library renews it.
    let page = app
        .call(Method::GET, &format!("/public/library/{dvc}"), None, None)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Chưa có đơn vị nào ghi nhận"));
    let title =
        &page.text[page.text.find("<title>").unwrap() + 7..page.text.find("</title>").unwrap()];
    assert!(
        title.starts_with(CORPUS[0].1) && !title.contains('<'),
        "{title}"
    );
    let focal = app.login("hoaan.daumoi").await;
    let path = format!("/api/v1/library/{dvc}/adoptions");
    let res = app
        .post(
            &path,
            &focal,
            json!({"adopted_on": "01/03/2022", "scope": "", "result": ""}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    let f = TestApp::fields(&res);
    assert!(
        f.contains(&"adopted_on".to_string()) && f.contains(&"scope".to_string()),
        "{f:?}"
    );
    let res = app
        .post(
            &path,
            &focal,
            json!({"adopted_on": "2030-01-01", "scope": "Toàn huyện", "result": ""}),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "future date: {}",
        res.text
    );
    // A focal user records for their own unit, whatever they send.
    let res = app
        .post(
            &path,
            &focal,
            json!({"adopted_on": "2021-10-20", "scope": "15 xã của huyện Hòa An",
                                    "result": "Giảm một nửa thời gian chờ", "unit_code": "STP"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    assert_eq!(res.body["unit_code"], "HHA");
    let res = app
        .post(&path, &org, json!({"adopted_on": "2021-10-21", "scope": "Thành phố", "result": "", "unit_code": "TPCB"}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let viewer = app.login("theodoi").await;
    let res = app
        .post(
            &path,
            &viewer,
            json!({"adopted_on": "2021-10-21", "scope": "x"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = app
        .post(
            &format!("/api/v1/library/{}/adoptions", ids[3]),
            &focal,
            json!({"adopted_on": "2021-10-21", "scope": "x"}),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::NOT_FOUND,
        "not in the library: {}",
        res.text
    );

    // Evidence: the adoption's own unit (or an organizer) attaches a file; anyone reads it.
    let aid = app.get(&path, &org).await.body["adoptions"][0]["id"]
        .as_i64()
        .unwrap();
    let pdf = sangkien_files::sample_pdf(&["Quyet dinh ap dung"]);
    let evidence = format!("/api/v1/library/{dvc}/adoptions/{aid}/evidence");
    let other = app.login("stp.daumoi").await;
    let res = app.upload(&evidence, &other, "qd.pdf", &pdf).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text);
    let res = app
        .upload(&evidence, &focal, "Quyết định áp dụng.pdf", &pdf)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let sha = res.body["sha256"].as_str().unwrap().to_string();
    let file = app
        .call(
            Method::GET,
            &format!("/api/v1/public/library/{dvc}/adoptions/{aid}/evidence"),
            None,
            None,
        )
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.bytes, pdf);
    // The sweep of unreferenced files keeps evidence.
    let mut conn = app.store.reader().await.unwrap();
    assert!(
        sangkien_storage::entry::all_sha256(&mut conn)
            .await
            .unwrap()
            .contains(&sha)
    );
    drop(conn);
    // The public page, rendered and kept before, shows the new adoption and evidence.
    let page = app
        .call(Method::GET, &format!("/public/library/{dvc}"), None, None)
        .await;
    assert!(
        page.text.contains("15 xã của huyện Hòa An"),
        "{}",
        page.text
    );
    assert!(page.text.contains("Quyết định áp dụng.pdf"));

    let public = app
        .call(
            Method::GET,
            &format!("/api/v1/public/library/{dvc}"),
            None,
            None,
        )
        .await;
    let adoptions = public.body["adoptions"].as_array().unwrap();
    assert_eq!(adoptions.len(), 2);
    assert_eq!(adoptions[0]["unit_code"], "HHA");

    let res = app
        .get("/api/v1/library/reports/adoptions.xlsx", &org)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(res.bytes.clone())).unwrap();
    let per_entry = book.worksheet_range("Theo sáng kiến").unwrap();
    let row = per_entry
        .rows()
        .find(|r| r.get(1).map(|c| c.to_string()) == Some(CORPUS[0].1.to_string()))
        .expect("the initiative's row");
    assert_eq!(row[4].to_string(), "2");
    let per_unit = book.worksheet_range("Theo đơn vị").unwrap();
    let counts: Vec<(String, String)> = per_unit
        .rows()
        .skip(3)
        .map(|r| (r[1].to_string(), r[3].to_string()))
        .collect();
    assert_eq!(
        counts,
        vec![("HHA".into(), "1".into()), ("TPCB".into(), "1".into())]
    );
    let res = app
        .get("/api/v1/library/reports/adoptions.xlsx", &focal)
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_change_made_by_another_server_process_shows_within_a_second() {
    let app = TestApp::new().await;
    let (_org, ids) = published(&app).await;
    let path = format!("/public/library/{}", ids[0]);
    let before = app.call(Method::GET, &path, None, None).await;
    assert!(before.text.contains(CORPUS[0].1));
    // Another process renames the entry and bumps the library's counter: written straight
    // to the database, not through this process's commits.
    sangkien_storage::testing::execute_raw(
        &app.store,
        &format!(
            "update library_entry set document = replace(document, '{}', 'Sáng kiến đổi tên ở máy chủ khác') \
             where entry_id = {}",
            CORPUS[0].1, ids[0]
        ),
    )
    .await
    .unwrap();
    sangkien_storage::testing::execute_raw(
        &app.store,
        "update library_version set version = version + 1 where library_version_id = 1",
    )
    .await
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let after = app.call(Method::GET, &path, None, None).await;
    assert_eq!(after.status, StatusCode::OK);
    assert!(
        after.text.contains("Sáng kiến đổi tên ở máy chủ khác"),
        "{}",
        after.text
    );
}

#[tokio::test]
async fn a_2021_entry_shows_what_its_unit_became_after_a_merger() {
    let app = TestApp::new().await;
    let (_, ids) = published(&app).await;
    let hoa_an = ids[1];
    let page = |path: String| {
        let app = &app;
        async move { app.call(Method::GET, &path, None, None).await.text }
    };
    assert!(
        page(format!("/public/library/{hoa_an}"))
            .await
            .contains("huyện Hòa An")
    );
    assert!(
        !page(format!("/public/library/{hoa_an}"))
            .await
            .contains("nay là")
    );
    // Since 01/7/2025 the district is gone; say it was merged into the commune.
    let admin = app.admin().await;
    let res = app
        .patch(
            "/api/v1/units/HHA",
            &admin,
            json!({"valid_to": "2025-06-30", "successor_code": "X-HOAAN"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["valid_to"], "2025-06-30");
    assert_eq!(res.body["successor_code"], "X-HOAAN");
    // The library and the old results keep the unit as it was, with what it is now.
    let now = "huyện Hòa An (nay là xã Hòa An)";
    let text = page(format!("/public/library/{hoa_an}")).await;
    assert!(text.contains(now), "{text}");
    let text = page(format!("/public/contests/{CONTEST}")).await;
    assert!(text.contains(now), "{text}");
    let text = page("/public/library".into()).await;
    assert!(text.contains(now), "{text}");
    let doc = app
        .call(
            Method::GET,
            &format!("/api/v1/public/library/{hoa_an}"),
            None,
            None,
        )
        .await;
    assert_eq!(doc.body["unit_name"], "huyện Hòa An");
    assert_eq!(doc.body["unit_now"], "xã Hòa An");
    let found = search(&app, "unit=HHA").await;
    assert_eq!(found["items"][0]["unit_now"], "xã Hòa An", "{found}");
    // A merger cannot loop back, and a merged unit must have ended.
    let res = app
        .patch(
            "/api/v1/units/X-HOAAN",
            &admin,
            json!({"valid_to": "2030-01-01", "successor_code": "HHA"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert_eq!(
        res.body["error"]["details"]["fields"][0]["field"],
        "successor_code"
    );
    let res = app
        .patch(
            "/api/v1/units/STP",
            &admin,
            json!({"successor_code": "SNV"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert_eq!(
        res.body["error"]["details"]["fields"][0]["field"],
        "valid_to"
    );
}
