//! The organizer's contest form: rows added and removed by buttons, a refused form
//! shown again with what was typed, create, edit, copy to next year, and the rubric
//! fixed once judging has started.

use super::*;

/// A filled form: one topic, two criteria, the first prize, one budget line.
fn filled(csrf: &str, op: &str) -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = vec![
        ("csrf", csrf.into()),
        ("op", op.into()),
        (
            "title",
            "Cuộc thi sáng kiến cải cách hành chính năm 2027".into(),
        ),
        ("year", "2027".into()),
        ("plan_number", "15/KH-UBND".into()),
        ("plan_date", "2027-02-01".into()),
        ("plan_signer", "Nguyễn Văn A".into()),
        ("description", "Khuyến khích sáng kiến.".into()),
        ("opens_at", "2027-03-01T08:00".into()),
        ("deadline", "2027-06-30T17:00".into()),
        ("evaluation_ends_at", "".into()),
        ("reminders", "7, 3".into()),
        ("participant", "STP".into()),
        ("participant", "X-HOAAN".into()),
        ("min_entries", "1".into()),
        ("t0_group", "Cải cách thủ tục hành chính".into()),
        ("t0_code", "".into()),
        ("t0_name", "Đơn giản hóa thủ tục".into()),
        ("form", "outline".into()),
        ("max_file_mb", "20".into()),
        ("max_entry_mb", "50".into()),
        ("k0_code", "tc1".into()),
        ("k0_name", "Tính mới".into()),
        ("k0_max", "40".into()),
        ("k0_description", "".into()),
        ("k0_bands", "Tốt | 30 | 40\nĐạt | 0 | 29,5".into()),
        ("k1_code", "tc2".into()),
        ("k1_name", "Hiệu quả".into()),
        ("k1_max", "60".into()),
        ("k1_description", "".into()),
        ("k1_bands", "".into()),
        ("tie", "tc2".into()),
        ("tie", "".into()),
        ("aggregation", "mean".into()),
        ("award_min_score", "50".into()),
        ("outlier_percent", "20".into()),
        ("p0_tier", "first".into()),
        ("p0_count", "1".into()),
        ("p0_amount", "5.000.000".into()),
        ("b0_name", "In giấy khen".into()),
        ("b0_amount", "1.200.000 đ".into()),
    ];
    v.retain(|(k, _)| !k.is_empty());
    v
}

fn body(pairs: &[(&'static str, String)]) -> String {
    let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    encode(&refs)
}

fn set(pairs: &mut [(&'static str, String)], key: &str, value: &str) {
    let slot = pairs.iter_mut().find(|(k, _)| *k == key).expect(key);
    slot.1 = value.to_string();
}

#[tokio::test]
async fn the_organizer_creates_a_contest_from_the_form() {
    let app = TestApp::new().await;
    let unit = web_login(&app, "hoaan.daumoi").await;
    assert_eq!(
        page(&app, "/contests/new", Some(&unit)).await.status,
        StatusCode::FORBIDDEN,
        "only the organizer creates contests"
    );
    let session = web_login(&app, "snv.tochuc").await;
    let cookie = format!("sk_session={session}");
    let home = page(&app, "/", Some(&session)).await;
    assert!(
        home.text.contains("href=\"/contests/new\""),
        "{}",
        home.text
    );
    let res = page(&app, "/contests/new", Some(&session)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(res.text.contains("name=\"t0_name\""));
    assert!(res.text.contains("name=\"k0_code\" value=\"tc1\""));
    assert!(res.text.contains("Chọn tất cả các huyện"));
    let csrf = hidden(&res.text, "csrf");

    // «Thêm dòng chủ đề» shows the form again with what was typed and a new row.
    let res = form(
        &app,
        "/contests/new",
        &cookie,
        &body(&filled(&csrf, "add:topic")),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(
        res.text
            .contains("value=\"Cuộc thi sáng kiến cải cách hành chính năm 2027\"")
    );
    assert!(res.text.contains("name=\"t1_name\""), "a second topic row");
    assert!(res.text.contains("Đơn giản hóa thủ tục"));
    // Removing the first criterion takes it out of the tie-break too.
    let res = form(
        &app,
        "/contests/new",
        &cookie,
        &body(&filled(&csrf, "del-criterion:1")),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(!res.text.contains("value=\"Hiệu quả\""), "{}", res.text);
    assert!(!res.text.contains("<option value=\"tc2\" selected>"));
    // «Chọn tất cả các huyện» ticks every district and keeps the others.
    let res = form(
        &app,
        "/contests/new",
        &cookie,
        &body(&filled(&csrf, "units:district")),
    )
    .await;
    let ticked = res.text.matches(" checked>").count();
    assert!(ticked > 5, "every district is ticked: {ticked}");
    assert!(res.text.contains("value=\"STP\" checked"));

    // A refused form keeps everything and says what is wrong, in Vietnamese.
    let mut bad = filled(&csrf, "save");
    set(&mut bad, "k1_max", "sáu mươi");
    set(&mut bad, "p0_amount", "năm triệu");
    let res = form(&app, "/contests/new", &cookie, &body(&bad)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(
        res.text.contains("Điểm tối đa phải là một số"),
        "{}",
        res.text
    );
    assert!(res.text.contains("Mức thưởng phải là số tiền bằng đồng"));
    assert!(
        res.text.contains("value=\"sáu mươi\""),
        "what was typed is kept"
    );
    assert!(res.text.contains("Đơn giản hóa thủ tục"));
    // A rule of the domain: the deadline before the opening.
    let mut bad = filled(&csrf, "save");
    set(&mut bad, "deadline", "2027-02-01T17:00");
    let res = form(&app, "/contests/new", &cookie, &body(&bad)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("value=\"2027-02-01T17:00\""));
    let api = app.organizer().await;
    let before = app.get("/api/v1/contests", &api).await.body["items"]
        .as_array()
        .map(Vec::len);

    let res = form(
        &app,
        "/contests/new",
        &cookie,
        &body(&filled(&csrf, "save")),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let to = res.headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(to.ends_with("?done=created"), "{to}");
    let id: i64 = to
        .trim_start_matches("/contests/")
        .trim_end_matches("?done=created")
        .parse()
        .unwrap();
    let after = app.get("/api/v1/contests", &api).await.body["items"]
        .as_array()
        .map(Vec::len);
    assert_eq!(after, before.map(|n| n + 1));
    let shown = page(&app, &to, Some(&session)).await;
    assert!(shown.text.contains("Đã tạo cuộc thi"), "{}", shown.text);

    let c = app.get(&format!("/api/v1/contests/{id}"), &api).await.body;
    let s = &c;
    assert_eq!(s["organizer_unit_code"], "SNV");
    assert_eq!(s["submission_deadline"], "2027-06-30T17:00:59+07:00");
    assert_eq!(
        s["participant_unit_codes"],
        serde_json::json!(["STP", "X-HOAAN"])
    );
    assert_eq!(s["criteria"][0]["name"], "Tính mới");
    assert_eq!(s["criteria"][0]["bands"][1]["max"], 29.5);
    assert_eq!(s["tie_break"], serde_json::json!(["tc2"]));
    assert_eq!(s["prizes"][0]["amount_vnd"], 5_000_000);
    assert_eq!(s["budget_lines"][0]["amount_vnd"], 1_200_000);
    assert_eq!(s["reminder_offsets_days"], serde_json::json!([7, 3]));

    // The edit form shows what was saved, as it was typed.
    let res = page(&app, &format!("/contests/{id}/edit"), Some(&session)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(
        res.text.contains("value=\"2027-06-30T17:00\""),
        "{}",
        res.text
    );
    assert!(res.text.contains("value=\"5.000.000\""));
    assert!(res.text.contains("Đạt | 0 | 29,5"));
    let mut changed = filled(&csrf, "save");
    set(&mut changed, "title", "Cuộc thi sáng kiến năm 2027 (sửa)");
    let res = form(
        &app,
        &format!("/contests/{id}/edit"),
        &cookie,
        &body(&changed),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(
        res.headers[header::LOCATION],
        format!("/contests/{id}?done=updated").as_str()
    );
    let c = app.get(&format!("/api/v1/contests/{id}"), &api).await.body;
    assert_eq!(c["title"], "Cuộc thi sáng kiến năm 2027 (sửa)");
}

#[tokio::test]
async fn next_years_contest_starts_as_a_copy_with_every_date_a_year_later() {
    let app = TestApp::new().await;
    let session = web_login(&app, "snv.tochuc").await;
    let contest = page(&app, "/contests/1", Some(&session)).await;
    assert!(contest.text.contains("href=\"/contests/new?copy=1\""));
    let res = page(&app, "/contests/new?copy=1", Some(&session)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(res.text.contains("Đã sao chép thiết lập"), "{}", res.text);
    assert!(
        res.text.contains("name=\"year\" value=\"2022\""),
        "{}",
        res.text
    );
    assert!(res.text.contains("năm 2022"), "the title's year moves too");
    assert!(
        res.text.contains("name=\"plan_number\" value=\"\""),
        "a new plan"
    );
    assert!(res.text.contains("value=\"2022-10-31T"), "{}", res.text);
    assert_eq!(
        page(&app, "/contests/999/edit", Some(&session))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn once_judging_has_started_the_rubric_cannot_be_changed_from_the_form() {
    let app = TestApp::new().await;
    let (api, _) = app.start_judging().await;
    let before = app.get("/api/v1/contests/1", &api).await.body.clone();
    let session = web_login(&app, "snv.tochuc").await;
    let cookie = format!("sk_session={session}");
    let res = page(&app, "/contests/1/edit", Some(&session)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(res.text.contains("Đã bắt đầu chấm điểm"), "{}", res.text);
    assert!(!res.text.contains("Thêm dòng tiêu chí"));
    // Post the form as shown, with a criterion renamed by hand.
    let csrf = hidden(&res.text, "csrf");
    let mut pairs = form_values(&res.text);
    pairs.retain(|(k, _)| k != "csrf" && k != "op");
    pairs.push(("csrf".into(), csrf));
    pairs.push(("op".into(), "save".into()));
    for (k, v) in pairs.iter_mut() {
        if k == "k0_name" {
            *v = "Tên khác".into();
        }
        if k == "description" {
            *v = "Mục đích đã sửa.".into();
        }
    }
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let res = form(&app, "/contests/1/edit", &cookie, &encode(&refs)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let after = app.get("/api/v1/contests/1", &api).await.body.clone();
    assert_eq!(after["description"], "Mục đích đã sửa.");
    assert_eq!(after["criteria"], before["criteria"]);
    assert_eq!(after["tie_break"], before["tie_break"]);
    assert_eq!(after["aggregation"], before["aggregation"]);
    assert_eq!(after["submission_deadline"], before["submission_deadline"]);
}

/// The values a browser would post for a page's form: text inputs, ticked boxes,
/// selected options (or the first) and textareas. Enough for this form's markup.
fn form_values(html: &str) -> Vec<(String, String)> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        let end = tag[start..].find('"')? + start;
        Some(unescape(&tag[start..end]))
    };
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        if tag.starts_with("<input") {
            let kind = attr(tag, "type").unwrap_or_else(|| "text".into());
            if let Some(name) = attr(tag, "name") {
                let value = attr(tag, "value").unwrap_or_default();
                let ticked = tag.contains(" checked");
                match kind.as_str() {
                    "checkbox" | "radio" if !ticked => {}
                    "submit" | "button" => {}
                    _ => out.push((name, value)),
                }
            }
        } else if tag.starts_with("<textarea") {
            let name = attr(tag, "name").unwrap_or_default();
            let body_end = rest.find("</textarea>").unwrap_or(end);
            out.push((name, unescape(&rest[end + 1..body_end])));
        } else if tag.starts_with("<select") && !tag.contains(" disabled") {
            let name = attr(tag, "name").unwrap_or_default();
            let close = rest.find("</select>").unwrap_or(end);
            let options = &rest[..close];
            let chosen = options
                .split("<option")
                .skip(1)
                .find(|o| o.contains(" selected"))
                .or_else(|| options.split("<option").nth(1))
                .and_then(|o| attr(o, "value"))
                .unwrap_or_default();
            out.push((name, chosen));
        }
        rest = &rest[end.min(rest.len())..];
        if rest.len() > 1 {
            rest = &rest[1..];
        } else {
            break;
        }
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&#x2F;", "/")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
