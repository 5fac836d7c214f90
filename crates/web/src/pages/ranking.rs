//! The organizer's (and the chair's) progress view and ranking, with CSV downloads.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    response::Response,
    routing::{get, post},
};
use sangkien_app::{Error, coverage, judging::ranking};
use sangkien_domain::{account::Role, contest::ContestState, labels::Label};

use super::{
    DoneQuery, Nav, PageUser, after, csv,
    form::{CsrfOnly, Posted},
    page_error, render,
};
use crate::{AppState, extract::Id};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contests/{id}/progress", get(progress_page))
        .route("/contests/{id}/progress/remind", post(remind_judges))
        .route("/contests/{id}/progress.csv", get(progress_csv))
        .route("/contests/{id}/ranking", get(ranking_page))
        .route("/contests/{id}/ranking.csv", get(ranking_csv))
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
    csrf: String,
    /// The organizer, during judging: a button reminds members with unfinished sheets.
    can_remind: bool,
    unfinished: u64,
    done: Option<&'static str>,
    contest_id: i64,
    contest_title: String,
    judges: Vec<JudgeRow>,
    entries: Vec<EntryRow>,
    outliers: Vec<OutlierRow>,
    threshold: i64,
    icc: String,
    method: String,
}

async fn progress_page(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Query(q): Query<DoneQuery>,
) -> Response {
    let p = match ranking::progress(&state, user.account(), id).await {
        Ok(x) => x,
        Err(e) => return page_error(e),
    };
    let unit_names: std::collections::HashMap<String, String> =
        match sangkien_app::unit::list(&state).await {
            Ok(units) => units.into_iter().map(|u| (u.code, u.name)).collect(),
            Err(e) => return page_error(e),
        };
    render(&ProgressPage {
        nav: user.nav(),
        csrf: user.session.csrf_token.clone(),
        can_remind: user.account().role == Role::Organizer
            && p.contest.state == ContestState::Judging,
        unfinished: p.judges.iter().filter(|j| j.unfinished > 0).count() as u64,
        done: match q.done.as_str() {
            "reminded" => {
                Some("Đã gửi thư nhắc tới các thành viên Hội đồng còn phiếu chấm chưa nộp.")
            }
            _ => None,
        },
        contest_id: id,
        contest_title: p.contest.settings.title.clone(),
        judges: p
            .judges
            .iter()
            .map(|j| JudgeRow {
                full_name: j.full_name.clone(),
                assigned: j.assigned as u64,
                submitted: j.submitted as u64,
                drafts: j.drafts as u64,
                unfinished: j.unfinished as u64,
            })
            .collect(),
        entries: p
            .entries
            .iter()
            .map(|e| EntryRow {
                entry_id: e.entry_id,
                title: e.title.clone(),
                unit_code: unit_names
                    .get(&e.unit_code)
                    .cloned()
                    .unwrap_or_else(|| e.unit_code.clone()),
                assigned: e.assigned as u64,
                submitted: e.submitted as u64,
            })
            .collect(),
        outliers: p
            .outliers
            .iter()
            .map(|o| OutlierRow {
                entry_id: o.entry_id,
                username: o.judge.clone(),
                total: o.total.display_vi(),
                mean: o.mean.rounded().display_vi(),
            })
            .collect(),
        threshold: p.outlier_threshold_percent,
        icc: p
            .icc1
            .map(|v| format!("{v:.2}").replace('.', ","))
            .unwrap_or_else(|| {
                "chưa đủ dữ liệu (cần ít nhất 2 sáng kiến có từ 2 phiếu đã nộp)".into()
            }),
        method: ranking::ICC_METHOD.to_string(),
    })
}

async fn progress_csv(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    let p = match ranking::progress(&state, user.account(), id).await {
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
    for j in &p.judges {
        rows.push(vec![
            j.full_name.clone(),
            j.assigned.to_string(),
            j.submitted.to_string(),
            j.drafts.to_string(),
            j.unfinished.to_string(),
        ]);
    }
    csv(&format!("progress-{id}.csv"), rows)
}

struct RankLine {
    rank: u64,
    entry_id: i64,
    title: String,
    unit_name: String,
    score: String,
    mean: String,
    /// Sheets in, of those expected: «2/3».
    sheets: String,
    /// Every assigned judge's sheet is in.
    complete: bool,
    totals: String,
    /// Equal after every tie-break criterion, with every sheet in.
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
    /// Entries still waiting for a sheet.
    incomplete: usize,
}

async fn ranking_data(
    state: &AppState,
    user: &PageUser,
    id: i64,
) -> Result<(String, String, Vec<RankLine>), Error> {
    let (contest, r) = ranking::get(state, user.account(), id).await?;
    // Read in place: the ranking is shared (kept per contest).
    let rows = r
        .rows
        .iter()
        .map(|x| {
            let (row, e) = (&x.row, x.entry.as_ref());
            RankLine {
                rank: row.rank as u64,
                entry_id: row.entry_id,
                title: e.map(|e| e.title.clone()).unwrap_or_default(),
                unit_name: e.map(|e| e.unit_name.clone()).unwrap_or_default(),
                score: row.score.rounded().display_vi(),
                mean: row.mean.rounded().display_vi(),
                sheets: format!("{}/{}", row.judge_totals.len(), x.expected_sheets),
                complete: x.complete(),
                totals: row
                    .judge_totals
                    .iter()
                    .map(|(_, t)| t.display_vi())
                    .collect::<Vec<_>>()
                    .join("; "),
                tied: row.tied && x.complete(),
                outliers: x.outlier_judges.join(", "),
            }
        })
        .collect();
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
            incomplete: rows.iter().filter(|r| !r.complete).count(),
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
        "Đủ phiếu".into(),
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
            r.sheets,
            r.totals,
            if r.tied { "Có".into() } else { String::new() },
            if r.complete { "Có" } else { "Chưa" }.into(),
            r.outliers,
        ]);
    }
    csv(&format!("ranking-{id}.csv"), out)
}

/// Reminds the members with unfinished sheets (the same operation as the coverage page's
/// reminder, which reminds units while the contest is open).
async fn remind_judges(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Posted(_): Posted<CsrfOnly>,
) -> Response {
    let result = coverage::remind(&state, user.account(), id, None)
        .await
        .map(|_| format!("/contests/{id}/progress?done=reminded"));
    after(result, |e| async move { Err::<ProgressPage, _>(e) }).await
}
