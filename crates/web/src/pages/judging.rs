//! Judging pages: a judge's assigned entries, the score sheet beside the entry, and the
//! organizer's (and chair's) progress view and ranking, with CSV downloads.

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    Form, Router,
    extract::{Query, State, rejection::FormRejection},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use sangkien_domain::{contest::ContestState, points::Points};
use sangkien_storage::{entry as entries, judging as store};
use serde::Deserialize;
use serde_json::Value;

use super::{Nav, PageUser, csv_response, field, json_items, page_error, render, render_status};
use crate::{
    AppState,
    api::{
        contest::visible as visible_contest,
        judging::{
            SheetBody, membership, my_sheet_context, progress_json, ranking_for, save_sheet_for,
            scores_for,
        },
    },
    error::{ApiError, ApiResult},
    extract::Id,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contests/{id}/judging", get(my_list))
        .route(
            "/contests/{id}/council",
            get(council_page).post(council_save),
        )
        .route("/entries/{id}/score", get(sheet_page).post(save_sheet))
        .route("/contests/{id}/progress", get(progress_page))
        .route("/contests/{id}/progress.csv", get(progress_csv))
        .route("/contests/{id}/ranking", get(ranking_page))
        .route("/contests/{id}/ranking.csv", get(ranking_csv))
}

struct Assigned {
    entry_id: i64,
    title: String,
    unit_name: String,
    state: &'static str,
    state_label: &'static str,
    total: String,
}

#[derive(Template)]
#[template(path = "judging.html")]
struct ListPage {
    nav: Option<Nav>,
    contest_id: i64,
    contest_title: String,
    role_label: &'static str,
    judging: bool,
    items: Vec<Assigned>,
}

fn sheet_state_label(state: &str) -> &'static str {
    match state {
        "submitted" => "Đã nộp (đã khóa)",
        "draft" => "Đang chấm (bản nháp)",
        _ => "Chưa chấm",
    }
}

async fn my_list(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    let account = &user.session.account;
    let result: ApiResult<ListPage> = async {
        let mut conn = state.store.reader().await?;
        let contest = visible_contest(&mut conn, account, id).await?;
        let me = membership(&mut conn, id, account)
            .await?
            .ok_or_else(ApiError::forbidden)?;
        let judging = contest.state >= ContestState::Judging;
        let mut items = Vec::new();
        if judging {
            for (e, sheet) in store::assigned_with_sheets(&mut conn, id, account.id).await? {
                let st = sheet.as_ref().map_or("empty", |s| s.state.as_str());
                items.push(Assigned {
                    entry_id: e.id,
                    title: e.content.title,
                    unit_name: if contest.settings.judges_see_unit_names {
                        e.unit_name
                    } else {
                        String::new()
                    },
                    state: match st {
                        "submitted" => "submitted",
                        "draft" => "draft",
                        _ => "empty",
                    },
                    state_label: sheet_state_label(st),
                    total: sheet.map(|s| s.total().display_vi()).unwrap_or_default(),
                });
            }
        }
        Ok(ListPage {
            nav: user.nav(),
            contest_id: id,
            contest_title: contest.settings.title.clone(),
            role_label: sangkien_domain::judging::council::role_label(&me.role),
            judging,
            items,
        })
    }
    .await;
    match result {
        Ok(page) => render(&page),
        Err(e) => page_error(e),
    }
}

struct CriterionRow {
    code: String,
    name: String,
    description: String,
    max: String,
    bands: Vec<String>,
    value: String,
    comment: String,
}

#[derive(Template)]
#[template(path = "score.html")]
struct SheetPage {
    nav: Option<Nav>,
    csrf: String,
    entry_id: i64,
    contest_id: i64,
    title: String,
    unit_name: String,
    sections: Vec<(&'static str, String)>,
    field_of_application: String,
    main_pdf: Option<(i64, String)>,
    criteria: Vec<CriterionRow>,
    comment: String,
    locked: bool,
    can_edit: bool,
    total: String,
    rubric_total: String,
    errors: Vec<String>,
    done: Option<String>,
    /// Other members' submitted totals, when the caller may see them.
    others: Vec<(String, String)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DoneQuery {
    done: String,
}

/// The typed values of the sheet form: criterion → (points text, comment), comment.
type Typed = (BTreeMap<String, (String, String)>, String);

async fn sheet_view(
    state: &AppState,
    user: &PageUser,
    id: i64,
    typed: Option<Typed>,
    errors: Vec<String>,
    done: Option<String>,
) -> ApiResult<SheetPage> {
    let account = &user.session.account;
    let mut conn = state.store.reader().await?;
    let (entry, context) = my_sheet_context(&mut conn, account, id).await?;
    let (contest, sheet) = (context.contest, context.sheet);
    let files = entries::list_attachments(&mut conn, entry.id).await?;
    let others: Vec<(String, String)> =
        crate::api::judging::other_sheets(&mut conn, account, entry.id)
            .await
            .map(|list| {
                list.into_iter()
                    .filter(|sh| sh.username != account.username)
                    .map(|sh| (sh.username.clone(), sh.total().display_vi()))
                    .collect()
            })
            .unwrap_or_default();
    let s = &contest.settings;
    let locked = sheet.as_ref().is_some_and(|s| s.state == "submitted");
    let (typed_points, comment) = match typed {
        Some(t) => t,
        None => (
            s.criteria
                .iter()
                .map(|c| {
                    let value = sheet
                        .as_ref()
                        .and_then(|sh| sh.points.get(&c.code))
                        .map(|p| p.display_vi())
                        .unwrap_or_default();
                    let comment = sheet
                        .as_ref()
                        .and_then(|sh| sh.comments.get(&c.code).cloned())
                        .unwrap_or_default();
                    (c.code.clone(), (value, comment))
                })
                .collect(),
            sheet
                .as_ref()
                .map(|sh| sh.comment.clone())
                .unwrap_or_default(),
        ),
    };
    Ok(SheetPage {
        nav: user.nav(),
        csrf: user.session.csrf_token.clone(),
        entry_id: entry.id,
        contest_id: contest.id,
        title: entry.content.title.clone(),
        unit_name: if s.judges_see_unit_names {
            entry.unit_name.clone()
        } else {
            String::new()
        },
        sections: entry
            .content
            .description
            .sections()
            .iter()
            .map(|(_, l, t)| (*l, t.to_string()))
            .collect(),
        field_of_application: entry.content.field_of_application.clone(),
        main_pdf: files
            .iter()
            .find(|a| a.kind == "main")
            .map(|a| (a.id, a.filename.clone())),
        criteria: s
            .criteria
            .iter()
            .map(|c| {
                let (value, comment) = typed_points.get(&c.code).cloned().unwrap_or_default();
                CriterionRow {
                    code: c.code.clone(),
                    name: c.name.clone(),
                    description: c.description.clone(),
                    max: c.max_points.display_vi(),
                    bands: c
                        .bands
                        .iter()
                        .map(|b| {
                            format!(
                                "{}: {} – {}",
                                b.label,
                                b.min.display_vi(),
                                b.max.display_vi()
                            )
                        })
                        .collect(),
                    value,
                    comment,
                }
            })
            .collect(),
        comment,
        locked,
        can_edit: !locked && contest.state == ContestState::Judging,
        total: sheet
            .map(|sh| sh.total().display_vi())
            .unwrap_or_else(|| "0".into()),
        rubric_total: s.rubric_total().display_vi(),
        errors,
        done,
        others,
    })
}

async fn sheet_page(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Query(q): Query<DoneQuery>,
) -> Response {
    let done = match q.done.as_str() {
        "saved" => Some("Đã lưu bản nháp phiếu chấm.".to_string()),
        "submitted" => {
            Some("Đã nộp phiếu chấm. Phiếu đã khóa; chỉ Chủ tịch Hội đồng mở lại được.".to_string())
        }
        _ => None,
    };
    match sheet_view(&state, &user, id, None, Vec::new(), done).await {
        Ok(page) => render(&page),
        Err(e) => page_error(e),
    }
}

/// Saves the typed sheet as a draft; with `action=submit`, then submits it.
async fn save_sheet(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let pairs = form.map(|Form(p)| p).unwrap_or_default();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    if let Err(res) = user.check_csrf(&get("csrf")) {
        return res;
    }
    let mut typed: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (k, v) in &pairs {
        if let Some(code) = k.strip_prefix("points.") {
            typed.entry(code.to_string()).or_default().0 = v.clone();
        } else if let Some(code) = k.strip_prefix("comments.") {
            typed.entry(code.to_string()).or_default().1 = v.clone();
        }
    }
    let comment = get("comment");
    let submit = get("action") == "submit";
    let mut unreadable = Vec::new();
    let mut body = SheetBody {
        comment: comment.clone(),
        ..SheetBody::default()
    };
    for (code, (value, note)) in &typed {
        let v = value.trim().replace(',', ".");
        if !v.is_empty() {
            match v.parse::<f64>() {
                Ok(p) => {
                    body.points.insert(code.clone(), p);
                }
                Err(_) => unreadable.push(format!("Điểm «{value}» không phải là một số.")),
            }
        }
        if !note.trim().is_empty() {
            body.comments.insert(code.clone(), note.clone());
        }
    }
    let account = &user.session.account;
    let result: ApiResult<&str> = async {
        if !unreadable.is_empty() {
            return Err(ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                unreadable.join(" "),
            ));
        }
        save_sheet_for(&state, account, id, Some(body)).await?;
        if submit {
            save_sheet_for(&state, account, id, None).await?;
            Ok("submitted")
        } else {
            Ok("saved")
        }
    }
    .await;
    match result {
        Ok(done) => Redirect::to(&format!("/entries/{id}/score?done={done}")).into_response(),
        Err(e) => {
            let messages: Vec<String> = match e.details.get("fields").and_then(Value::as_array) {
                Some(list) if !list.is_empty() => list
                    .iter()
                    .filter_map(|f| f["message"].as_str().map(String::from))
                    .collect(),
                _ => vec![e.message.clone()],
            };
            match sheet_view(&state, &user, id, Some((typed, comment)), messages, None).await {
                Ok(page) => render_status(e.status, &page),
                Err(_) => page_error(e),
            }
        }
    }
}

struct JudgeRow {
    full_name: String,
    assigned: u64,
    submitted: u64,
    drafts: u64,
    unfinished: u64,
}

struct EntryRow {
    entry_id: i64,
    title: String,
    unit_code: String,
    assigned: u64,
    submitted: u64,
}

struct OutlierRow {
    entry_id: i64,
    username: String,
    total: String,
    mean: String,
}

#[derive(Template)]
#[template(path = "progress.html")]
struct ProgressPage {
    nav: Option<Nav>,
    contest_id: i64,
    contest_title: String,
    judges: Vec<JudgeRow>,
    entries: Vec<EntryRow>,
    outliers: Vec<OutlierRow>,
    threshold: i64,
    icc: String,
    method: String,
}

fn num(v: &Value) -> u64 {
    v.as_u64().unwrap_or_default()
}

fn points_text(v: &Value) -> String {
    v.as_f64()
        .and_then(Points::from_f64)
        .map(|p| p.display_vi())
        .unwrap_or_else(|| {
            v.as_f64()
                .map(|f| format!("{f:.2}").replace('.', ","))
                .unwrap_or_default()
        })
}

async fn progress_data(state: &AppState, user: &PageUser, id: i64) -> ApiResult<(String, Value)> {
    let mut conn = state.store.reader().await?;
    let sc = scores_for(&mut conn, &user.session.account, id, false).await?;
    let assigned = store::assignments(&mut conn, id).await?;
    Ok((
        sc.contest.settings.title.clone(),
        progress_json(&sc, &assigned),
    ))
}

async fn progress_page(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    let (title, p) = match progress_data(&state, &user, id).await {
        Ok(x) => x,
        Err(e) => return page_error(e),
    };
    render(&ProgressPage {
        nav: user.nav(),
        contest_id: id,
        contest_title: title,
        judges: json_items(&p["judges"])
            .map(|j| JudgeRow {
                full_name: j["full_name"].as_str().unwrap_or_default().to_string(),
                assigned: num(&j["assigned"]),
                submitted: num(&j["submitted"]),
                drafts: num(&j["drafts"]),
                unfinished: num(&j["unfinished"]),
            })
            .collect(),
        entries: json_items(&p["entries"])
            .map(|e| EntryRow {
                entry_id: e["entry_id"].as_i64().unwrap_or_default(),
                title: e["title"].as_str().unwrap_or_default().to_string(),
                unit_code: e["unit_code"].as_str().unwrap_or_default().to_string(),
                assigned: num(&e["assigned"]),
                submitted: num(&e["submitted"]),
            })
            .collect(),
        outliers: json_items(&p["outliers"])
            .map(|o| OutlierRow {
                entry_id: o["entry_id"].as_i64().unwrap_or_default(),
                username: o["username"].as_str().unwrap_or_default().to_string(),
                total: points_text(&o["total"]),
                mean: points_text(&o["mean"]),
            })
            .collect(),
        threshold: p["outlier_threshold_percent"].as_i64().unwrap_or_default(),
        icc: p["agreement"]["icc1"]
            .as_f64()
            .map(|v| format!("{v:.2}").replace('.', ","))
            .unwrap_or_else(|| {
                "chưa đủ dữ liệu (cần ít nhất 2 sáng kiến có từ 2 phiếu đã nộp)".into()
            }),
        method: p["agreement"]["method"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    })
}

async fn progress_csv(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    let (_, p) = match progress_data(&state, &user, id).await {
        Ok(x) => x,
        Err(e) => return page_error(e),
    };
    let mut rows = vec![vec![
        "Thành viên".to_string(),
        "Được phân công".into(),
        "Đã nộp".into(),
        "Bản nháp".into(),
        "Chưa xong".into(),
    ]];
    for j in json_items(&p["judges"]) {
        rows.push(vec![
            j["full_name"].as_str().unwrap_or_default().to_string(),
            num(&j["assigned"]).to_string(),
            num(&j["submitted"]).to_string(),
            num(&j["drafts"]).to_string(),
            num(&j["unfinished"]).to_string(),
        ]);
    }
    csv_response(&format!("progress-{id}.csv"), rows)
}

struct RankLine {
    rank: u64,
    entry_id: i64,
    title: String,
    unit_name: String,
    score: String,
    mean: String,
    sheets: u64,
    totals: String,
    tied: bool,
    outliers: String,
}

#[derive(Template)]
#[template(path = "ranking.html")]
struct RankingPage {
    nav: Option<Nav>,
    contest_id: i64,
    contest_title: String,
    aggregation: String,
    rows: Vec<RankLine>,
    ties: usize,
}

async fn ranking_data(
    state: &AppState,
    user: &PageUser,
    id: i64,
) -> ApiResult<(String, String, Vec<RankLine>)> {
    let mut conn = state.store.reader().await?;
    let r = ranking_for(state, &mut conn, &user.session.account, id).await?;
    let contest = visible_contest(&mut conn, &user.session.account, id).await?;
    // Read in place: the ranking is shared (kept per contest), and copying it for every
    // request was once nearly half of this page's time.
    let rows = json_items(&r["ranking"])
        .map(|x| RankLine {
            rank: num(&x["rank"]),
            entry_id: x["entry_id"].as_i64().unwrap_or_default(),
            title: x["title"].as_str().unwrap_or_default().to_string(),
            unit_name: x["unit_name"].as_str().unwrap_or_default().to_string(),
            score: x["score_display"].as_str().unwrap_or_default().to_string(),
            mean: points_text(&x["mean"]),
            sheets: num(&x["sheets"]),
            totals: json_items(&x["judge_totals"])
                .map(|t| points_text(&t["total"]))
                .collect::<Vec<_>>()
                .join("; "),
            tied: x["tied"].as_bool().unwrap_or_default(),
            outliers: json_items(&x["outlier_judges"])
                .filter_map(|u| u.as_str().map(String::from))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    use sangkien_domain::labels::Label;
    Ok((
        contest.settings.title.clone(),
        contest.settings.aggregation.vi().to_string(),
        rows,
    ))
}

async fn ranking_page(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    match ranking_data(&state, &user, id).await {
        Ok((title, aggregation, rows)) => render(&RankingPage {
            nav: user.nav(),
            contest_id: id,
            contest_title: title,
            aggregation,
            ties: rows.iter().filter(|r| r.tied).count(),
            rows,
        }),
        Err(e) => page_error(e),
    }
}

async fn ranking_csv(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    let rows = match ranking_data(&state, &user, id).await {
        Ok((_, _, rows)) => rows,
        Err(e) => return page_error(e),
    };
    let mut out = vec![vec![
        "Hạng".to_string(),
        "Mã sáng kiến".into(),
        "Tên sáng kiến".into(),
        "Đơn vị".into(),
        "Điểm".into(),
        "Trung bình".into(),
        "Số phiếu".into(),
        "Điểm từng thành viên".into(),
        "Bằng điểm".into(),
        "Chênh lệch lớn".into(),
    ]];
    for r in rows {
        out.push(vec![
            r.rank.to_string(),
            r.entry_id.to_string(),
            r.title,
            r.unit_name,
            r.score,
            r.mean,
            r.sheets.to_string(),
            r.totals,
            if r.tied { "Có".into() } else { String::new() },
            r.outliers,
        ]);
    }
    csv_response(&format!("ranking-{id}.csv"), out)
}

struct MemberRow {
    username: String,
    role: String,
}

struct ConflictRow {
    entry_id: i64,
    title: String,
    full_name: String,
    reason: String,
    kind: &'static str,
}

#[derive(Template)]
#[template(path = "council.html")]
struct CouncilPage {
    nav: Option<Nav>,
    csrf: String,
    contest_id: i64,
    contest_title: String,
    editable: bool,
    can_assign: bool,
    number: String,
    date: String,
    rows: Vec<MemberRow>,
    accounts: Vec<(String, String)>,
    roles: Vec<(&'static str, &'static str)>,
    members: Vec<(String, String)>,
    entries: Vec<(i64, String)>,
    conflicts: Vec<ConflictRow>,
    loads: Vec<(String, usize)>,
    assigned_pairs: usize,
    error: Option<String>,
    done: Option<String>,
}

async fn council_view(
    state: &AppState,
    user: &PageUser,
    id: i64,
    typed: Option<(String, String, Vec<MemberRow>)>,
    error: Option<String>,
    done: Option<String>,
) -> ApiResult<CouncilPage> {
    let account = &user.session.account;
    if account.role != sangkien_domain::account::Role::Organizer {
        return Err(ApiError::forbidden());
    }
    let mut conn = state.store.reader().await?;
    let contest = visible_contest(&mut conn, account, id).await?;
    let council = store::council(&mut conn, id).await?;
    let members = store::members(&mut conn, id).await?;
    let list = crate::api::judging::eligible_entries(&mut conn, id).await?;
    let declared: std::collections::HashSet<(i64, String)> =
        store::declared_conflicts(&mut conn, id)
            .await?
            .into_iter()
            .map(|d| (d.entry_id, d.username))
            .collect();
    let all_conflicts = crate::api::judging::conflicts(&mut conn, id, &list, &members).await?;
    let assigned = store::assignments(&mut conn, id).await?;
    let accounts = sangkien_storage::account::list(&mut conn)
        .await?
        .into_iter()
        .filter(|a| a.active)
        .map(|a| {
            (
                a.username.clone(),
                format!("{} — {} ({})", a.full_name, a.username, a.unit_code),
            )
        })
        .collect();
    let (number, date, mut rows) = match typed {
        Some(t) => t,
        None => (
            council
                .as_ref()
                .map(|c| c.decision_number.clone())
                .unwrap_or_default(),
            council
                .as_ref()
                .map(|c| c.decision_date.clone())
                .unwrap_or_default(),
            members
                .iter()
                .map(|m| MemberRow {
                    username: m.username.clone(),
                    role: m.role.clone(),
                })
                .collect(),
        ),
    };
    while rows.len() < members.len().max(6) + 2 {
        rows.push(MemberRow {
            username: String::new(),
            role: "member".into(),
        });
    }
    let mut loads: BTreeMap<String, usize> = BTreeMap::new();
    for (_, u) in &assigned {
        *loads.entry(u.clone()).or_default() += 1;
    }
    let name_of = |u: &str| {
        members
            .iter()
            .find(|m| m.username == u)
            .map(|m| m.full_name.clone())
            .unwrap_or_else(|| u.to_string())
    };
    Ok(CouncilPage {
        nav: user.nav(),
        csrf: user.session.csrf_token.clone(),
        contest_id: id,
        contest_title: contest.settings.title.clone(),
        editable: contest.state < ContestState::Judging,
        can_assign: contest.state == ContestState::Closed,
        number,
        date,
        rows,
        accounts,
        roles: sangkien_domain::judging::council::ROLES
            .iter()
            .map(|(r, l, _)| (*r, *l))
            .collect(),
        members: members
            .iter()
            .map(|m| (m.username.clone(), m.full_name.clone()))
            .collect(),
        entries: list
            .iter()
            .map(|e| (e.id, e.content.title.clone()))
            .collect(),
        conflicts: all_conflicts
            .into_iter()
            .map(|((entry_id, username), reason)| ConflictRow {
                entry_id,
                title: list
                    .iter()
                    .find(|e| e.id == entry_id)
                    .map(|e| e.content.title.clone())
                    .unwrap_or_default(),
                kind: if declared.contains(&(entry_id, username.clone())) {
                    "Khai báo"
                } else {
                    "Tự động"
                },
                full_name: name_of(&username),
                reason,
            })
            .collect(),
        assigned_pairs: assigned.len(),
        loads: loads.into_iter().map(|(u, n)| (name_of(&u), n)).collect(),
        error,
        done,
    })
}

async fn council_page(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Query(q): Query<DoneQuery>,
) -> Response {
    let done = match q.done.as_str() {
        "council" => Some("Đã lưu Hội đồng.".to_string()),
        "conflict" => Some("Đã ghi nhận xung đột lợi ích.".to_string()),
        "assigned" => Some("Đã phân công chấm.".to_string()),
        _ => None,
    };
    match council_view(&state, &user, id, None, None, done).await {
        Ok(page) => render(&page),
        Err(e) => page_error(e),
    }
}

async fn council_save(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let pairs = form.map(|Form(p)| p).unwrap_or_default();
    if let Err(res) = user.check_csrf(&field(&pairs, "csrf")) {
        return res;
    }
    let action = field(&pairs, "action");
    let account = &user.session.account;
    let mut typed = None;
    let result: ApiResult<&str> = match action.as_str() {
        "council" => {
            let rows: Vec<MemberRow> = (0..40)
                .map(|i| MemberRow {
                    username: field(&pairs, &format!("m{i}_username")),
                    role: field(&pairs, &format!("m{i}_role")),
                })
                .filter(|r| !r.username.is_empty())
                .collect();
            let members: Vec<(String, String)> = rows
                .iter()
                .map(|r| (r.username.clone(), r.role.clone()))
                .collect();
            let (number, date) = (field(&pairs, "number"), field(&pairs, "date"));
            let r = crate::api::judging::set_council(&state, account, id, &number, &date, &members)
                .await
                .map(|_| "council");
            typed = Some((number, date, rows));
            r
        }
        "conflict" => {
            let body = crate::api::judging::ConflictBody {
                username: field(&pairs, "username"),
                entry_id: field(&pairs, "entry_id").parse().unwrap_or_default(),
                reason: field(&pairs, "reason"),
            };
            crate::api::judging::declare_conflict(&state, account, id, &body)
                .await
                .map(|_| "conflict")
        }
        "assign" => {
            let body = crate::api::judging::AssignBody {
                mode: field(&pairs, "mode"),
                per_entry: field(&pairs, "per_entry").parse().ok(),
            };
            crate::api::judging::assign_judges(&state, account, id, &body)
                .await
                .map(|_| "assigned")
        }
        _ => Err(ApiError::bad_request(
            "unknown_action",
            "Thao tác không hợp lệ.",
        )),
    };
    match result {
        Ok(done) => Redirect::to(&format!("/contests/{id}/council?done={done}")).into_response(),
        Err(e) => {
            let message = match e.details.get("fields").and_then(Value::as_array) {
                Some(list) if !list.is_empty() => list
                    .iter()
                    .filter_map(|f| f["message"].as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                _ => e.message.clone(),
            };
            match council_view(&state, &user, id, typed, Some(message), None).await {
                Ok(page) => render_status(e.status, &page),
                Err(_) => page_error(e),
            }
        }
    }
}
