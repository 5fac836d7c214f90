//! «Nhật ký hệ thống» (administrators): every audited change, filtered by contest, user,
//! action and date, a page at a time, as CSV, with the chain checked on demand.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    response::Response,
    routing::get,
};
use sangkien_app::{Error, Paging, audit_log, contest};
use sangkien_domain::{audit::action_vi, time};
use sangkien_storage::audit::{AuditFilter, AuditView};
use serde::Deserialize;

use super::{Nav, PageUser, csv, page};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/audit", get(show))
        .route("/audit.csv", get(download))
}

const PER_PAGE: i64 = 50;

/// The filter as typed in the page's form (a GET form, so the address can be shared).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct AuditQuery {
    contest: String,
    actor: String,
    action: String,
    /// `YYYY-MM-DD`, Vietnam days, both inclusive.
    from: String,
    to: String,
    page: String,
    verify: String,
}

impl AuditQuery {
    /// The storage filter, or the message for a field that could not be read.
    fn filter(&self) -> Result<AuditFilter, String> {
        let day = |text: &str, edge: time::DayEdge, label: &str| -> Result<Option<i64>, String> {
            match text.trim() {
                "" => Ok(None),
                t => time::parse_instant(t, edge)
                    .map(Some)
                    .ok_or_else(|| format!("{label} phải là một ngày, ví dụ 2021-11-26.")),
            }
        };
        let contest_id = match self.contest.trim() {
            "" => None,
            c => Some(
                c.parse()
                    .map_err(|_| "Cuộc thi không hợp lệ.".to_string())?,
            ),
        };
        Ok(AuditFilter {
            contest_id,
            actor: Some(self.actor.trim().to_lowercase()).filter(|a| !a.is_empty()),
            action: Some(self.action.trim().to_string()).filter(|a| !a.is_empty()),
            from: day(&self.from, time::DayEdge::Start, "Từ ngày")?,
            // The end of the day named: everything before the next second.
            until: day(&self.to, time::DayEdge::End, "Đến ngày")?.map(|t| t + 1),
        })
    }

    /// The query of this filter, for the links to other pages and to the CSV.
    fn query(&self) -> String {
        serde_urlencoded::to_string([
            ("contest", &self.contest),
            ("actor", &self.actor),
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
        ])
        .unwrap_or_default()
    }
}

struct Row {
    at: String,
    actor: String,
    action: String,
    object: String,
    contest: String,
    before: String,
    after: String,
}

fn row(r: AuditView, titles: &[(i64, String)]) -> Row {
    let json = |v: Option<serde_json::Value>| {
        v.map(|v| serde_json::to_string_pretty(&v).unwrap_or_default())
            .unwrap_or_default()
    };
    Row {
        at: time::display_vn_seconds(r.at),
        actor: r.actor.unwrap_or_else(|| "hệ thống".into()),
        action: action_vi(&r.action).map_or(r.action.clone(), str::to_string),
        object: format!("{} {}", r.object_type, r.object_id),
        contest: r
            .contest_id
            .map(|id| {
                titles
                    .iter()
                    .find(|(c, _)| *c == id)
                    .map_or(id.to_string(), |(_, t)| t.clone())
            })
            .unwrap_or_default(),
        before: json(r.before),
        after: json(r.after),
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    nav: Option<Nav>,
    q: AuditQuery,
    contests: Vec<(i64, String)>,
    actions: Vec<(String, String)>,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
    query: String,
    error: Option<String>,
    /// The chain checked on demand: (intact, what it says).
    verified: Option<(bool, String)>,
}

async fn contests(state: &AppState, user: &PageUser) -> Result<Vec<(i64, String)>, Error> {
    Ok(contest::list(state, user.account())
        .await?
        .into_iter()
        .map(|c| (c.id, c.title))
        .collect())
}

async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<AuditQuery>,
) -> Response {
    let result = async {
        let actions = audit_log::actions(&state, user.account())
            .await?
            .into_iter()
            .map(|a| (action_vi(&a).map_or(a.clone(), str::to_string), a))
            .collect();
        let contests = contests(&state, &user).await?;
        let page_no = q.page.parse::<i64>().unwrap_or(1).max(1);
        let (rows, total, error) = match q.filter() {
            Ok(filter) => {
                let paging = Paging {
                    page: page_no,
                    per_page: PER_PAGE,
                };
                let listed = audit_log::list(&state, user.account(), &filter, paging).await?;
                let rows = listed
                    .items
                    .into_iter()
                    .map(|r| row(r, &contests))
                    .collect();
                (rows, listed.total, None)
            }
            Err(message) => (Vec::new(), 0, Some(message)),
        };
        let verified = if q.verify.is_empty() {
            None
        } else {
            Some(match audit_log::verify(&state, user.account()).await? {
                Ok(n) => (
                    true,
                    format!("Nhật ký nguyên vẹn: {n} bản ghi, không bản ghi nào bị sửa hay xóa."),
                ),
                Err(e) => (false, format!("Nhật ký đã bị can thiệp: {e}.")),
            })
        };
        Ok::<_, Error>(AuditPage {
            nav: user.nav(),
            query: q.query(),
            q,
            contests,
            actions,
            rows,
            total,
            page: page_no,
            pages: (total + PER_PAGE - 1) / PER_PAGE,
            error,
            verified,
        })
    }
    .await;
    page(result)
}

async fn download(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<AuditQuery>,
) -> Response {
    let result = async {
        let filter = q.filter().map_err(|m| Error::field("from", m))?;
        let contests = contests(&state, &user).await?;
        let items = audit_log::all(&state, user.account(), &filter).await?;
        let mut rows = vec![
            [
                "Thời điểm",
                "Người thực hiện",
                "Hành động",
                "Đối tượng",
                "Cuộc thi",
                "Trước",
                "Sau",
            ]
            .map(String::from)
            .to_vec(),
        ];
        rows.extend(items.into_iter().map(|r| {
            let r = row(r, &contests);
            vec![
                r.at, r.actor, r.action, r.object, r.contest, r.before, r.after,
            ]
        }));
        Ok::<_, Error>(rows)
    }
    .await;
    match result {
        Ok(rows) => csv("nhat-ky.csv", rows),
        Err(e) => super::page_error(e),
    }
}
