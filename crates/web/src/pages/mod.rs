//! Server-rendered Vietnamese pages. Each handler reads a typed form, calls the same
//! application operation as the API, and renders a typed view (askama checks every field
//! at compile time). Cookie sessions; every form carries the session's CSRF token;
//! post/redirect/get.

mod account;
mod archive;
mod audit;
mod award;
mod contest;
mod contest_form;
mod council;
mod coverage;
mod entry;
mod form;
mod import;
mod judging;
mod library;
mod lists;
mod login;
mod public;
mod ranking;
mod reset;
mod review;
mod settings;
mod unit;
mod user;

use askama::Template;
use axum::{
    Router,
    extract::{FromRequestParts, OptionalFromRequestParts},
    http::{StatusCode, header, request::Parts},
    response::{Html, IntoResponse, Redirect, Response},
    routing::get,
};
use sangkien_app::Error;
use sangkien_domain::{account::Role, labels::Label};
use sangkien_storage::account::{Account, Session};

use crate::{AppState, auth, error::status};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(login::router())
        .merge(import::router())
        .merge(archive::router())
        .merge(audit::router())
        .merge(reset::router())
        .merge(account::router())
        .merge(contest::router())
        .merge(contest_form::router())
        .merge(entry::router())
        .merge(coverage::router())
        .merge(judging::router())
        .merge(council::router())
        .merge(ranking::router())
        .merge(review::router())
        .merge(settings::router())
        .merge(unit::router())
        .merge(user::router())
        .merge(lists::router())
        .merge(award::router())
        .merge(public::router())
        .merge(library::router())
        .route("/static/app.css", get(css))
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
        .into_response()
}

/// What the layout shows about the signed-in user.
pub struct Nav {
    pub full_name: String,
    pub role_label: &'static str,
    pub is_admin: bool,
    pub csrf: String,
    /// Unread messages, counted beside «Hộp thư».
    pub unread: i64,
}

/// A signed-in browser user; anonymous visitors are sent to the login page.
pub struct PageUser {
    pub session: Session,
    /// The session's token (its cookie), which a password change keeps alive.
    token: String,
}

impl PageUser {
    pub fn account(&self) -> &Account {
        &self.session.account
    }

    pub fn csrf(&self) -> String {
        self.session.csrf_token.clone()
    }

    pub fn nav(&self) -> Option<Nav> {
        let a = &self.session.account;
        Some(Nav {
            full_name: a.full_name.clone(),
            // A council member's account has a plain role (often «Theo dõi»); the person
            // is known by their place on the council.
            role_label: if a.role == Role::Viewer && self.session.on_council {
                "Thành viên Hội đồng"
            } else {
                a.role.vi()
            },
            is_admin: a.role == Role::Admin,
            csrf: self.session.csrf_token.clone(),
            unread: self.session.unread,
        })
    }
}

/// A page that anyone may see, and that shows more to a signed-in user (`/`).
impl OptionalFromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Response> {
        match auth::web_session(&parts.headers, state).await {
            Ok(Some((token, session))) => {
                // For the form the handler reads next (`form::Posted`, `form::Rows`).
                parts
                    .extensions
                    .insert(form::SessionCsrf(session.csrf_token.clone()));
                Ok(Some(PageUser { session, token }))
            }
            Ok(None) => Ok(None),
            Err(e) => Err(page_error(e)),
        }
    }
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match <PageUser as OptionalFromRequestParts<AppState>>::from_request_parts(parts, state)
            .await?
        {
            Some(user) => Ok(user),
            None => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                let target = if next.starts_with('/') && !next.starts_with("//") {
                    next
                } else {
                    "/"
                };
                let encoded: String = target
                    .bytes()
                    .map(|b| {
                        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
                            (b as char).to_string()
                        } else {
                            format!("%{b:02X}")
                        }
                    })
                    .collect();
                Err(Redirect::to(&format!("/login?next={encoded}")).into_response())
            }
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    nav: Option<Nav>,
    heading: &'a str,
    message: &'a str,
}

/// A Vietnamese error page.
pub fn error_page(status: StatusCode, message: &str) -> Response {
    let heading = match status {
        StatusCode::NOT_FOUND => "Không tìm thấy",
        StatusCode::FORBIDDEN => "Không có quyền truy cập",
        StatusCode::CONFLICT => "Không thực hiện được",
        s if s.is_server_error() => "Lỗi hệ thống",
        _ => "Yêu cầu không hợp lệ",
    };
    render_status(
        status,
        &ErrorPage {
            nav: None,
            heading,
            message,
        },
    )
}

/// An application error shown as a page.
pub fn page_error(e: Error) -> Response {
    error_page(status(e.kind), &e.message)
}

/// Renders a view, or the error page of the error that kept it from being made.
pub fn page(view: Result<impl Template, Error>) -> Response {
    match view {
        Ok(v) => render(&v),
        Err(e) => page_error(e),
    }
}

/// Renders a template as HTML.
pub fn render(t: &impl Template) -> Response {
    render_status(StatusCode::OK, t)
}

pub fn render_status(status: StatusCode, t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Lỗi hệ thống khi hiển thị trang.",
            )
                .into_response()
        }
    }
}

/// After a form: the page it came from with `?done=`, or, when the operation refused,
/// the page again (made by `again`, with what was typed) with the error's status.
pub async fn after<V, F>(result: Result<String, Error>, again: impl FnOnce(Error) -> F) -> Response
where
    V: Template,
    F: std::future::Future<Output = Result<V, Error>>,
{
    match result {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(e) => {
            let code = status(e.kind);
            let shown = e.clone();
            match again(e).await {
                Ok(view) => render_status(code, &view),
                Err(_) => page_error(shown),
            }
        }
    }
}

/// A CSV download, or the error page.
pub fn csv(name: &str, rows: Vec<Vec<String>>) -> Response {
    crate::download::csv(name, rows).unwrap_or_else(page_error)
}

/// A stored date (`YYYY-MM-DD`, or the date part of an RFC 3339 instant) as people read
/// it, `dd/mm/yyyy`.
pub fn date_vi(t: &str) -> String {
    let d = t.get(..10).unwrap_or(t);
    let parts: Vec<&str> = d.split('-').collect();
    match parts.as_slice() {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => t.to_string(),
    }
}

/// The `?done=` of a page after a form, for its message.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    pub done: String,
}
