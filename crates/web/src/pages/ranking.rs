//! The organizer's (and the chair's) progress view and ranking, with CSV downloads.

use askama::Template;
use axum::{Router, extract::State, response::Response, routing::get};
use sangkien_app::{Error, judging::ranking};
use sangkien_domain::{labels::Label, points::Points};

use super::{Nav, PageUser, csv, page_error, render};
use crate::{AppState, extract::Id};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contests/{id}/progress", get(progress_page))
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
    contest_id: i64,
    contest_title: String,
    judges: Vec<JudgeRow>,
    entries: Vec<EntryRow>,
    outliers: Vec<OutlierRow>,
    threshold: i64,
    icc: String,
    method: String,
}

/// Points as the pages write them: 27,25 (a mean that is not a multiple of 0,01 with
/// two decimals).
fn points_text(f: f64) -> String {
    Points::from_f64(f)
        .map(|p| p.display_vi())
        .unwrap_or_else(|| format!("{f:.2}").replace('.', ","))
}

async fn progress_page(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    let p = match ranking::progress(&state, user.account(), id).await {
        Ok(x) => x,
        Err(e) => return page_error(e),
    };
    render(&ProgressPage {
        nav: user.nav(),
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
                unit_code: e.unit_code.clone(),
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
                total: points_text(o.total.as_f64()),
                mean: points_text(o.mean.as_points_f64()),
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
                mean: points_text(row.mean.as_points_f64()),
                sheets: row.judge_totals.len() as u64,
                totals: row
                    .judge_totals
                    .iter()
                    .map(|(_, t)| points_text(t.as_f64()))
                    .collect::<Vec<_>>()
                    .join("; "),
                tied: row.tied,
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
    csv(&format!("ranking-{id}.csv"), out)
}
