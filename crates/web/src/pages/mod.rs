//! Server-rendered Vietnamese pages. Cookie sessions; every form carries the session's
//! CSRF token; post/redirect/get.

mod award;
mod contest;
mod coverage;
mod entry;
mod judging;
mod library;
mod lists;
mod login;
mod public;

use askama::Template;
use axum::{
    Router,
    extract::FromRequestParts,
    http::{StatusCode, header, request::Parts},
    response::{Html, IntoResponse, Redirect, Response},
    routing::get,
};
use sangkien_domain::labels::Label;
use sangkien_storage::account::Session;

use crate::{AppState, auth, error::ApiError};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(login::router())
        .merge(contest::router())
        .merge(entry::router())
        .merge(coverage::router())
        .merge(judging::router())
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
}

/// A signed-in browser user; anonymous visitors are sent to the login page.
pub struct PageUser {
    pub session: Session,
}

impl PageUser {
    pub fn nav(&self) -> Option<Nav> {
        let a = &self.session.account;
        Some(Nav {
            full_name: a.full_name.clone(),
            role_label: a.role.vi(),
            is_admin: a.role == sangkien_domain::account::Role::Admin,
            csrf: self.session.csrf_token.clone(),
        })
    }

    /// Checks the CSRF token a form sent; the error is the page to answer with.
    #[allow(clippy::result_large_err)]
    pub fn check_csrf(&self, sent: &str) -> Result<(), Response> {
        if auth::same_secret(sent, &self.session.csrf_token) {
            Ok(())
        } else {
            Err(error_page(
                StatusCode::FORBIDDEN,
                "Biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang rồi thử lại.",
            ))
        }
    }
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match auth::web_session(&parts.headers, state).await {
            Ok(Some((_, session))) => Ok(PageUser { session }),
            Ok(None) => {
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
            Err(e) => Err(page_error(e)),
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

/// The value of a form field (empty when absent).
pub fn field(pairs: &[(String, String)], k: &str) -> String {
    pairs
        .iter()
        .find(|(key, _)| key == k)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// A JSON value as page text: strings as they are, null as nothing.
pub fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(x) => x.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The elements of a JSON array, read in place (no copy); none when it is not an array.
pub fn json_items(v: &serde_json::Value) -> std::slice::Iter<'_, serde_json::Value> {
    v.as_array().map_or(&[][..], Vec::as_slice).iter()
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

/// An API error shown as a page.
pub fn page_error(e: ApiError) -> Response {
    error_page(e.status, &e.message)
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

/// The error of a form whose CSRF token does not match the session.
pub fn csrf_error() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "csrf_mismatch",
        "Biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang rồi thử lại.",
    )
}

/// A CSV download with a byte-order mark, so Excel opens the Vietnamese text correctly.
pub fn csv_response(name: &str, rows: Vec<Vec<String>>) -> Response {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    for r in rows {
        if w.write_record(&r).is_err() {
            return page_error(ApiError::internal());
        }
    }
    match w.into_inner() {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => page_error(ApiError::internal()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::json_items;

    #[test]
    fn json_items_are_an_arrays_elements_and_nothing_else() {
        let v = json!({"list": [1, "hai"], "one": 3, "none": null});
        let list: Vec<_> = json_items(&v["list"]).collect();
        assert_eq!(list, [&json!(1), &json!("hai")]);
        assert_eq!(json_items(&v["one"]).count(), 0);
        assert_eq!(json_items(&v["none"]).count(), 0);
        assert_eq!(json_items(&v["missing"]).count(), 0);
    }
}
