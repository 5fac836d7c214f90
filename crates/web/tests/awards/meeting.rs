//! The council's roles and meeting (TT 18/2013 Điều 8): the ủy viên thư ký scores and
//! counts, the clerk neither scores nor votes, and approval needs two thirds of the
//! voting members in favour.

use super::*;

/// Six voting members (one of them the secretary) and a clerk.
const COUNCIL: [(&str, &str); 7] = [
    ("hd.vpubnd", "chair"),
    ("hd.snv", "secretary"),
    ("hd.skhcn", "vice_chair"),
    ("hd.stc", "member"),
    ("hd.stp", "member"),
    ("hd.stttt", "member"),
    ("theodoi", "clerk"),
];

/// The demo contest judged by [`COUNCIL`], entries scored far apart (no tie), now in
/// deliberation with the awards proposed. Returns the organizer's token and the entries.
async fn judged_by_the_council(app: &TestApp) -> (String, Vec<i64>) {
    app.set_now(DEADLINE + 3600);
    let org = app.organizer().await;
    let res = app.transition(&org, CONTEST, "closed").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let members: Vec<Value> = COUNCIL
        .iter()
        .map(|(u, r)| json!({"username": u, "role": r}))
        .collect();
    let res = app
        .call(
            Method::PUT,
            &format!("/api/v1/contests/{CONTEST}/council"),
            Some(&org),
            Some(json!({"decision": {"number": "2950/QĐ-UBND", "date": "2021-11-01"}, "members": members})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let secretary = res.body["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["username"] == "hd.snv")
        .unwrap()
        .clone();
    assert_eq!(secretary["role_label"], "Ủy viên thư ký");
    let res = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/assignments"),
            &org,
            json!({"mode": "all"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let res = app.transition(&org, CONTEST, "judging").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let assigned = app
        .get(&format!("/api/v1/contests/{CONTEST}/assignments"), &org)
        .await;
    let pairs: Vec<(i64, String)> = assigned.body["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["entry_id"].as_i64().unwrap(),
                a["username"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        pairs.iter().any(|(_, u)| u == "hd.snv"),
        "{}",
        assigned.text
    );
    assert!(
        !pairs.iter().any(|(_, u)| u == "theodoi"),
        "{}",
        assigned.text
    );
    let mut ids: Vec<i64> = pairs.iter().map(|(e, _)| *e).collect();
    ids.sort();
    ids.dedup();
    for (judge, _) in COUNCIL.iter().filter(|(_, r)| *r != "clerk") {
        let t = app.login(judge).await;
        for (k, id) in ids.iter().enumerate() {
            if !pairs.contains(&(*id, judge.to_string())) {
                continue;
            }
            let p = 28.0 - 5.0 * k as f64;
            app.score(
                &t,
                *id,
                json!({"novelty": p, "effectiveness": p, "applicability": p, "presentation": 8.0}),
            )
            .await;
        }
    }
    // The clerk takes the minutes and scores nothing.
    let clerk = app.login("theodoi").await;
    let res = app
        .call(
            Method::PUT,
            &format!("/api/v1/entries/{}/scores/mine", ids[0]),
            Some(&clerk),
            Some(json!({"points": {"novelty": 30.0}})),
        )
        .await;
    assert!(
        res.status == StatusCode::FORBIDDEN || res.status == StatusCode::NOT_FOUND,
        "{} {}",
        res.status,
        res.text
    );
    let res = app.transition(&org, CONTEST, "deliberation").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let res = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/awards/propose"),
            &org,
            json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    (org, ids)
}

#[tokio::test]
async fn the_secretary_s_sheet_counts_in_the_ranking() {
    let app = TestApp::new().await;
    let (org, ids) = judged_by_the_council(&app).await;
    let ranking = app
        .get(&format!("/api/v1/contests/{CONTEST}/ranking"), &org)
        .await;
    assert_eq!(ranking.status, StatusCode::OK, "{}", ranking.text);
    let first = ranking.body["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["entry_id"] == ids[0])
        .unwrap()
        .clone();
    let judges: Vec<&str> = first["judge_totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["username"].as_str().unwrap())
        .collect();
    assert!(judges.contains(&"hd.snv"), "{first}");
    assert!(!judges.contains(&"theodoi"), "{first}");
}

/// The organizer records the meeting.
async fn meet(
    app: &TestApp,
    org: &str,
    present: Vec<&str>,
    votes: i64,
    held_on: String,
) -> common::Response {
    app.call(
        Method::PUT,
        &format!("/api/v1/contests/{CONTEST}/meeting"),
        Some(org),
        Some(json!({"held_on": held_on, "present": present, "votes_for": votes})),
    )
    .await
}

#[tokio::test]
async fn approval_needs_two_thirds_of_the_voting_members() {
    let app = TestApp::new().await;
    judged_by_the_council(&app).await;
    // The council meets the day after judging ended.
    app.set_now(app.clock_now() + 86_400);
    let org = app.organizer().await;
    let approver = app.login("ubnd.pheduyet").await;
    let path = format!("/api/v1/contests/{CONTEST}/meeting");
    let today = sangkien_domain::time::date_vn(app.clock_now());
    let decision = json!({"number": "2468", "date": today.to_string(), "signer": "Lê Hải Hòa"});
    // No meeting yet: nothing recorded, six voters, four needed.
    let got = app.get(&path, &org).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text);
    assert_eq!(got.body["meeting"], Value::Null);
    assert_eq!(
        got.body["vote"],
        json!({"voting_members": 6, "votes_needed": 4, "passed": false})
    );
    let res = approve(&app, &approver, decision.clone()).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    assert_eq!(res.body["error"]["code"], "council_vote_missing");
    let everyone: Vec<&str> = COUNCIL.iter().map(|(u, _)| *u).collect();
    // Bad meetings are refused with every reason, and nothing is recorded.
    let tomorrow = today.tomorrow().unwrap().to_string();
    let res = meet(&app, &org, vec!["hd.vpubnd", "quantri"], 3, tomorrow).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("chưa đến"), "{}", res.text);
    assert!(
        res.text
            .contains("«quantri» không phải thành viên Hội đồng")
    );
    assert!(
        res.text
            .contains("nhiều hơn số thành viên có quyền biểu quyết có mặt (1)")
    );
    assert_eq!(app.get(&path, &org).await.body["meeting"], Value::Null);
    // Only the organizer records it.
    let res = app
        .call(
            Method::PUT,
            &path,
            Some(&approver),
            Some(json!({"held_on": today.to_string(), "present": everyone, "votes_for": 6})),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text);
    // Three of six: short of two thirds.
    let res = meet(&app, &org, everyone.clone(), 3, today.to_string()).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["vote"]["passed"], false);
    assert_eq!(res.body["meeting"]["present"].as_array().unwrap().len(), 7);
    let res = approve(&app, &approver, decision.clone()).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    assert_eq!(res.body["error"]["code"], "council_vote_insufficient");
    assert!(res.text.contains("3 trên 6"), "{}", res.text);
    // The clerk does not vote: seven present, but at most six votes.
    let res = meet(&app, &org, everyone.clone(), 7, today.to_string()).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    // Four of six pass; the approver may read the vote.
    let res = meet(&app, &org, everyone, 4, today.to_string()).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let got = app.get(&path, &approver).await;
    assert_eq!(got.body["vote"]["passed"], true, "{}", got.text);
    assert_eq!(got.body["meeting"]["votes_for"], 4);
    // The decision cannot predate the meeting, even when judging had ended.
    let yesterday = today.yesterday().unwrap().to_string();
    let res = approve(
        &app,
        &approver,
        json!({"number": "2468", "date": yesterday, "signer": "Lê Hải Hòa"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("trước ngày họp Hội đồng"), "{}", res.text);
    let res = approve(&app, &approver, decision).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    // Once approved, the meeting is history: no more changes.
    let res = meet(&app, &org, vec!["hd.vpubnd"], 1, today.to_string()).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
}

/// The council's paperwork, parsed back: the decision that set it up (its number and
/// date, every member with post and role), the minutes of the meeting (its date, who
/// came, the ranking, the vote) and the notice of results (dated the day they were
/// published).
#[tokio::test]
async fn the_council_s_paperwork_parses_back() {
    let app = TestApp::new().await;
    judged_by_the_council(&app).await;
    let export = |name: &'static str, token: String| {
        let app = &app;
        async move {
            app.get(
                &format!("/api/v1/contests/{CONTEST}/exports/{name}"),
                &token,
            )
            .await
        }
    };
    let text_of = |name: &str, res: &common::Response| {
        assert_eq!(res.status, StatusCode::OK, "{name}: {}", res.text);
        if name.ends_with(".pdf") {
            pdftotext(&res.bytes)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            zip_text(&res.bytes, "word/document.xml")
        }
    };
    // The council met the next day; Vi Thị Ngọc was away; five of six voted for.
    app.set_now(DEADLINE + 3600 + DAY);
    let org = app.organizer().await;
    let res = export("minutes.docx", org.clone()).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    assert_eq!(res.body["error"]["code"], "no_meeting");
    let present: Vec<&str> = COUNCIL
        .iter()
        .map(|(u, _)| *u)
        .filter(|u| *u != "hd.stttt")
        .collect();
    let res = meet(&app, &org, present, 5, "2021-11-02".into()).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    for name in ["council-decision.docx", "council-decision.pdf"] {
        let text = text_of(name, &export(name, org.clone()).await);
        for s in [
            "Số: 2950/QĐ-UBND",
            "Cao Bằng, ngày 01 tháng 11 năm 2021",
            "Về việc thành lập Hội đồng đánh giá",
            "Lương Thị Hạnh, Phó Giám đốc Sở Nội vụ",
            "Ủy viên thư ký",
            "Thư ký giúp việc Hội đồng",
            "Chủ tịch Hội đồng",
            "Vi Thị Ngọc",
        ] {
            assert!(text.contains(s), "{name} lacks «{s}»:\n{text}");
        }
    }
    for name in ["minutes.docx", "minutes.pdf"] {
        let text = text_of(name, &export(name, org.clone()).await);
        for s in [
            "BIÊN BẢN",
            "Cao Bằng, ngày 02 tháng 11 năm 2021",
            "Hôm nay, ngày 02 tháng 11 năm 2021",
            "Quyết định số 2950/QĐ-UBND ngày 01 tháng 11 năm 2021",
            "có mặt 06/07 thành viên",
            "Vắng mặt: Vi Thị Ngọc",
            "05 trên 06 thành viên có quyền biểu quyết tán thành",
            "Danh sách được Hội đồng thông qua",
            "Triệu Văn Đức",
            "Đàm Văn Minh",
        ] {
            assert!(text.contains(s), "{name} lacks «{s}»:\n{text}");
        }
    }
    // The notice waits for the decision, and is dated the day the results are published.
    let res = export("results-notice.docx", org.clone()).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    let approver = app.login("ubnd.pheduyet").await;
    let res = approve(
        &app,
        &approver,
        json!({"number": "2468", "date": "2021-11-02", "signer": "Lê Hải Hòa"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    app.set_now(DEADLINE + 3600 + 2 * DAY);
    let org = app.organizer().await;
    let res = app.transition(&org, CONTEST, "published").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    app.set_now(DEADLINE + 3600 + 9 * DAY);
    let org = app.organizer().await;
    for name in ["results-notice.docx", "results-notice.pdf"] {
        let text = text_of(name, &export(name, org.clone()).await);
        for s in [
            "THÔNG BÁO",
            "Cao Bằng, ngày 03 tháng 11 năm 2021",
            "Quyết định số 2468/QĐ-UBND ngày 02 tháng 11 năm 2021",
            "Giải Nhất",
            "“",
        ] {
            assert!(text.contains(s), "{name} lacks «{s}»:\n{text}");
        }
        assert!(
            !text.contains("ngày 10 tháng 11"),
            "{name} is dated by the print"
        );
    }
}
