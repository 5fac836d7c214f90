//! An entry's submitted score sheets, for the organizer and the chair; the chair reopens
//! a member's sheet from here, with a reason.

use askama::Template;
use axum::{
    Router,
    extract::{Path, Query, State},
    response::Response,
    routing::{get, post},
};
use sangkien_app::{Error, judging::sheet};
use sangkien_domain::judging::council::role_label;

use super::{DoneQuery, Nav, PageUser, after, form::Posted, page};
use crate::{AppState, extract::Id};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/entries/{id}/sheets", get(show))
        .route("/entries/{id}/sheets/{username}/unlock", post(unlock))
}

struct PointLine {
    criterion: String,
    points: String,
    note: String,
}

struct SheetLine {
    username: String,
    full_name: String,
    role: &'static str,
    submitted_at: String,
    total: String,
    points: Vec<PointLine>,
    comment: String,
}

#[derive(Template)]
#[template(path = "sheets.html")]
struct SheetsPage {
    nav: Option<Nav>,
    csrf: String,
    entry_id: i64,
    contest_id: i64,
    contest_title: String,
    title: String,
    sheets: Vec<SheetLine>,
    may_unlock: bool,
    done: Option<&'static str>,
    error: Option<String>,
    /// The sheet whose reopening failed, and the reason typed for it.
    typed: Option<(String, String)>,
}

async fn view(
    state: &AppState,
    user: &PageUser,
    id: i64,
    done: Option<&'static str>,
) -> Result<SheetsPage, Error> {
    let r = sheet::review(state, user.account(), id).await?;
    let criteria = &r.contest.settings.criteria;
    let sheets = r
        .sheets
        .iter()
        .map(|sh| {
            let member = r.members.iter().find(|m| m.username == sh.username);
            SheetLine {
                username: sh.username.clone(),
                full_name: member.map_or_else(|| sh.username.clone(), |m| m.full_name.clone()),
                role: member.map_or("", |m| role_label(&m.role)),
                submitted_at: sh
                    .submitted_at
                    .map(sangkien_domain::time::display_vn)
                    .unwrap_or_default(),
                total: sh.total().display_vi(),
                points: criteria
                    .iter()
                    .map(|c| PointLine {
                        criterion: c.name.clone(),
                        points: sh
                            .points
                            .get(&c.code)
                            .map(|p| p.display_vi())
                            .unwrap_or_default(),
                        note: sh.comments.get(&c.code).cloned().unwrap_or_default(),
                    })
                    .collect(),
                comment: sh.comment.clone(),
            }
        })
        .collect();
    Ok(SheetsPage {
        nav: user.nav(),
        csrf: user.session.csrf_token.clone(),
        entry_id: r.entry.id,
        contest_id: r.contest.id,
        contest_title: r.contest.settings.title.clone(),
        title: r.entry.content.title.clone(),
        sheets,
        may_unlock: r.may_unlock,
        done,
        error: None,
        typed: None,
    })
}

async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Query(q): Query<DoneQuery>,
) -> Response {
    let done = (q.done == "unlocked").then_some(
        "Đã mở lại phiếu chấm. Thành viên đó được thông báo để chấm lại và nộp lại phiếu.",
    );
    page(view(&state, &user, id, done).await)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct UnlockForm {
    csrf: String,
    reason: String,
}

super::form::csrf_field!(UnlockForm);

async fn unlock(
    State(state): State<AppState>,
    user: PageUser,
    Path((id, username)): Path<(String, String)>,
    Posted(f): Posted<UnlockForm>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return super::page_error(Error::not_found("sáng kiến"));
    };
    let result = sheet::unlock(&state, user.account(), id, &username, &f.reason)
        .await
        .map(|_| format!("/entries/{id}/sheets?done=unlocked"));
    after(result, |e| async move {
        Ok(SheetsPage {
            error: Some(e.field_messages().join(" ")),
            typed: Some((username, f.reason)),
            ..view(&state, &user, id, None).await?
        })
    })
    .await
}
