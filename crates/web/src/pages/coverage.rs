//! The organizer's coverage dashboard (bar chart drawn on the server as SVG, units
//! below the minimum, CSV download, reminders, extensions), the outbox, and every
//! user's inbox.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    response::Response,
    routing::{get, post},
};
use sangkien_app::{
    Error, Paging,
    coverage::{self, CoverageLine, NewExtension},
};
use sangkien_domain::{account::Role, contest::ContestState, time};
use sangkien_storage::message;
use serde::Deserialize;

use super::{
    Nav, PageUser, after, csv,
    form::{CsrfOnly, Posted},
    page,
};
use crate::{AppState, extract::Id};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contests/{id}/coverage", get(dashboard))
        .route("/contests/{id}/coverage.csv", get(csv_download))
        .route("/contests/{id}/reminders", post(remind))
        .route("/contests/{id}/extensions", post(extend))
        .route("/contests/{id}/outbox", get(outbox))
        .route("/contests/{id}/outbox.csv", get(outbox_csv))
        .route("/notifications", get(inbox))
}

/// One bar of the chart, in SVG units.
struct Bar {
    y: i64,
    text_y: i64,
    label: String,
    submitted_w: i64,
    drafts_x: i64,
    drafts_w: i64,
    value_x: i64,
    value: String,
    ok: bool,
}

struct Line {
    code: String,
    name: String,
    submitted: i64,
    drafts: i64,
    ok: bool,
    reminded: String,
    extension: String,
}

#[derive(Template)]
#[template(path = "coverage.html")]
struct Dashboard {
    nav: Option<Nav>,
    csrf: String,
    id: i64,
    title: String,
    deadline: String,
    min: i64,
    is_organizer: bool,
    is_open: bool,
    can_extend: bool,
    units: usize,
    meeting: usize,
    submitted: i64,
    drafts: i64,
    below: Vec<String>,
    /// Units below the minimum with neither a focal user nor an e-mail: no reminder
    /// reaches them.
    unreachable: Vec<String>,
    lines: Vec<Line>,
    bars: Vec<Bar>,
    chart_height: i64,
    min_x: i64,
    error: Option<String>,
    done: Option<String>,
}

const LABEL_W: i64 = 260;
const BAR_AREA: i64 = 560;
const ROW_H: i64 = 22;

fn bars(lines: &[CoverageLine], min: i64) -> (Vec<Bar>, i64, i64) {
    let max = lines
        .iter()
        .map(|l| l.row.submitted + l.row.drafts)
        .max()
        .unwrap_or(0)
        .max(min)
        .max(1);
    let scale = |n: i64| n * BAR_AREA / max;
    let bars = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let y = 24 + i as i64 * ROW_H;
            // A unit with nothing submitted still gets a thin red mark, so it shows.
            let sw = if l.row.submitted == 0 {
                3
            } else {
                scale(l.row.submitted)
            };
            let dw = scale(l.row.drafts);
            Bar {
                y,
                text_y: y + 14,
                label: l.row.unit_name.chars().take(38).collect(),
                submitted_w: sw,
                drafts_x: LABEL_W + sw,
                drafts_w: dw,
                value_x: LABEL_W + sw + dw + 6,
                value: if l.row.drafts > 0 {
                    format!("{} (+{} nháp)", l.row.submitted, l.row.drafts)
                } else {
                    l.row.submitted.to_string()
                },
                ok: l.meets_minimum,
            }
        })
        .collect();
    (
        bars,
        24 + lines.len() as i64 * ROW_H + 8,
        LABEL_W + scale(min),
    )
}

async fn dashboard_page(
    state: &AppState,
    user: &PageUser,
    id: i64,
    error: Option<String>,
    done: Option<String>,
) -> Result<Dashboard, Error> {
    let account = user.account();
    let coverage::Coverage { contest, lines } = coverage::get(state, account, id).await?;
    let min = contest.settings.min_entries_per_unit;
    let (bar_list, chart_height, min_x) = bars(&lines, min);
    let is_organizer = account.role == Role::Organizer;
    Ok(Dashboard {
        nav: user.nav(),
        csrf: user.session.csrf_token.clone(),
        id,
        title: contest.settings.title.clone(),
        deadline: time::display_vn(contest.settings.submission_deadline),
        min,
        is_organizer,
        is_open: contest.state == ContestState::Open,
        can_extend: is_organizer
            && matches!(contest.state, ContestState::Open | ContestState::Closed),
        units: lines.len(),
        meeting: lines.iter().filter(|l| l.meets_minimum).count(),
        submitted: lines.iter().map(|l| l.row.submitted).sum(),
        drafts: lines.iter().map(|l| l.row.drafts).sum(),
        below: lines
            .iter()
            .filter(|l| !l.meets_minimum)
            .map(|l| l.row.unit_name.clone())
            .collect(),
        unreachable: lines
            .iter()
            .filter(|l| !l.meets_minimum && !l.row.reachable())
            .map(|l| l.row.unit_name.clone())
            .collect(),
        lines: lines
            .iter()
            .map(|l| Line {
                code: l.row.unit_code.clone(),
                name: l.row.unit_name.clone(),
                submitted: l.row.submitted,
                drafts: l.row.drafts,
                ok: l.meets_minimum,
                reminded: l
                    .row
                    .last_reminded_at
                    .map(time::display_vn)
                    .unwrap_or_else(|| "—".into()),
                extension: l
                    .extension_until
                    .map(time::display_vn)
                    .unwrap_or_else(|| "—".into()),
            })
            .collect(),
        bars: bar_list,
        chart_height,
        min_x,
        error,
        done,
    })
}

/// `?done=` after a form, with what a reminder did.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RemindedQuery {
    done: String,
    sent: usize,
    unreachable: usize,
}

async fn dashboard(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Query(q): Query<RemindedQuery>,
) -> Response {
    let done = match q.done.as_str() {
        "reminded" => Some(match (q.sent, q.unreachable) {
            (sent, 0) => format!(
                "Đã xếp hàng thư nhắc tới {sent} đơn vị chưa đạt số lượng tối thiểu (tới đầu mối, hoặc thư điện tử của đơn vị khi chưa có đầu mối)."
            ),
            (sent, missed) => format!(
                "Đã xếp hàng thư nhắc tới {sent} đơn vị. {missed} đơn vị chưa đạt không có đầu mối cũng không có thư điện tử trong hệ thống nên không nhận được thư (xem danh sách bên dưới)."
            ),
        }),
        "extended" => Some("Đã gia hạn nộp bài cho đơn vị.".to_string()),
        _ => None,
    };
    page(dashboard_page(&state, &user, id, None, done).await)
}

/// Back to the dashboard after a form, or the dashboard with the error.
async fn back(state: &AppState, user: &PageUser, id: i64, result: Result<&str, Error>) -> Response {
    let result = result.map(|done| format!("/contests/{id}/coverage?done={done}"));
    after(result, |e| {
        dashboard_page(state, user, id, Some(e.message), None)
    })
    .await
}

/// CSV of the coverage view.
async fn csv_download(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    let page = match dashboard_page(&state, &user, id, None, None).await {
        Ok(p) => p,
        Err(e) => return super::page_error(e),
    };
    let mut rows = vec![
        [
            "Mã đơn vị",
            "Đơn vị",
            "Đã nộp",
            "Bản nháp",
            "Đạt tối thiểu",
            "Nhắc gần nhất",
            "Gia hạn đến",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for l in &page.lines {
        rows.push(vec![
            l.code.clone(),
            l.name.clone(),
            l.submitted.to_string(),
            l.drafts.to_string(),
            if l.ok { "Có" } else { "Không" }.to_string(),
            l.reminded.clone(),
            l.extension.clone(),
        ]);
    }
    csv(&format!("coverage-{id}.csv"), rows)
}

async fn remind(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Posted(_): Posted<CsrfOnly>,
) -> Response {
    let result = coverage::remind(&state, user.account(), id, None)
        .await
        .map(|outcome| match outcome {
            // Pages send no idempotency key, so every reminder is done here.
            sangkien_app::idem::Outcome::Done(r) => format!(
                "reminded&sent={}&unreachable={}",
                r.units.len(),
                r.unreachable_units.len()
            ),
            sangkien_app::idem::Outcome::Replayed(_) => "reminded".into(),
        });
    back(&state, &user, id, result.as_deref().map_err(Clone::clone)).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ExtensionForm {
    csrf: String,
    unit_code: String,
    until: String,
    reason: String,
}

super::form::csrf_field!(ExtensionForm);

async fn extend(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Posted(f): Posted<ExtensionForm>,
) -> Response {
    let body = NewExtension {
        unit_code: f.unit_code,
        until: f.until,
        reason: f.reason,
    };
    let result = coverage::extend(&state, user.account(), id, &body)
        .await
        .map(|()| "extended");
    back(&state, &user, id, result).await
}

struct MessageRow {
    at: String,
    to: String,
    unit: String,
    subject: String,
    body: String,
    state: &'static str,
    attempts: i64,
    error: String,
    /// Not yet seen by its addressee (the inbox).
    unread: bool,
}

fn state_label(s: &str) -> &'static str {
    match s {
        "queued" => "Chờ gửi",
        "sending" => "Đang gửi",
        "sent" => "Đã gửi",
        "failed" => "Gửi lỗi",
        _ => "Không rõ",
    }
}

fn rows(items: Vec<message::MessageRecord>) -> Vec<MessageRow> {
    items
        .into_iter()
        .map(|m| MessageRow {
            at: time::display_vn(m.created_at),
            to: match &m.email {
                Some(e) => format!("{} <{e}>", m.full_name),
                None => format!("{} (chỉ hộp thư trong hệ thống)", m.full_name),
            },
            unit: m.unit_code.unwrap_or_default(),
            subject: m.subject,
            body: m.body,
            state: state_label(&m.state),
            attempts: m.attempts,
            error: m.last_error.unwrap_or_default(),
            unread: m.read_at.is_none(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "messages.html")]
struct MessagesPage {
    nav: Option<Nav>,
    heading: String,
    back: Option<(String, String)>,
    outbox: bool,
    items: Vec<MessageRow>,
    total: i64,
    /// The list as CSV (the outbox).
    csv: Option<String>,
}

/// The first 200 messages of a mailbox.
const MAILBOX: Paging = Paging {
    page: 1,
    per_page: 200,
};

async fn outbox(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    let result = async {
        let (contest, listed) = coverage::outbox(&state, user.account(), id, MAILBOX).await?;
        Ok(MessagesPage {
            nav: user.nav(),
            heading: "Hộp thư đi".into(),
            csv: Some(format!("/contests/{id}/outbox.csv")),
            back: Some((format!("/contests/{id}/coverage"), contest.settings.title)),
            outbox: true,
            items: rows(listed.items),
            total: listed.total,
        })
    }
    .await;
    page(result)
}

/// The whole outbox of a contest as CSV.
async fn outbox_csv(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    let all = Paging {
        page: 1,
        per_page: 100_000,
    };
    let listed = match coverage::outbox(&state, user.account(), id, all).await {
        Ok((_, listed)) => listed,
        Err(e) => return super::page_error(e),
    };
    let mut out = vec![
        [
            "Thời điểm",
            "Người nhận",
            "Đơn vị",
            "Tiêu đề",
            "Trạng thái",
            "Lần gửi",
            "Lỗi",
        ]
        .map(String::from)
        .to_vec(),
    ];
    out.extend(rows(listed.items).into_iter().map(|m| {
        vec![
            m.at,
            m.to,
            m.unit,
            m.subject,
            m.state.to_string(),
            m.attempts.to_string(),
            m.error,
        ]
    }));
    csv(&format!("hop-thu-di-{id}.csv"), out)
}

async fn inbox(State(state): State<AppState>, user: PageUser) -> Response {
    let result = async {
        let listed = coverage::inbox(&state, user.account(), MAILBOX).await?;
        // Shown as new this once; the header's count goes with it.
        coverage::mark_read(&state, user.account()).await?;
        Ok(MessagesPage {
            nav: user.nav().map(|n| Nav { unread: 0, ..n }),
            heading: "Hộp thư của tôi".into(),
            csv: None,
            back: None,
            outbox: false,
            items: rows(listed.items),
            total: listed.total,
        })
    }
    .await;
    page(result)
}
