//! `GET/POST /login`, `POST /logout`.

use askama::Template;
use axum::{
    Form, Router,
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use sangkien_app::session::{self, WEB_SESSION_SECONDS};
use sangkien_storage::account::SessionKind;
use serde::Deserialize;

use super::{Nav, render_status};
use crate::{
    AppState,
    auth::{self, LOGIN_CSRF_COOKIE, SESSION_COOKIE},
    error::status,
    extract::ClientAddr,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(form).post(submit))
        .route("/logout", post(logout))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    nav: Option<Nav>,
    error: Option<String>,
    notice: Option<&'static str>,
    csrf: String,
    next: String,
    username: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NextQuery {
    next: String,
    /// `done` after a new password was set through a «Quên mật khẩu» link.
    reset: String,
}

/// Only local paths are followed after login.
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_string()
    } else {
        "/".into()
    }
}

/// What the login page says above its form: a refusal, or news (a password was set).
struct Message {
    error: Option<String>,
    notice: Option<&'static str>,
}

impl From<Option<String>> for Message {
    fn from(error: Option<String>) -> Self {
        Message {
            error,
            notice: None,
        }
    }
}

fn login_page(
    status: StatusCode,
    message: impl Into<Message>,
    next: &str,
    username: &str,
    secure: bool,
) -> Response {
    // A fresh double-submit token for the login form (there is no session yet).
    let csrf = session::random_token().unwrap_or_default();
    let Message { error, notice } = message.into();
    let mut res = render_status(
        status,
        &LoginPage {
            nav: None,
            error,
            notice,
            csrf: csrf.clone(),
            next: safe_next(next),
            username: username.to_string(),
        },
    );
    if let Ok(v) = auth::set_cookie(LOGIN_CSRF_COOKIE, &csrf, 3600, secure).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Response {
    if let Ok(Some(_)) = auth::web_session(&headers, &state).await {
        return Redirect::to(&safe_next(&q.next)).into_response();
    }
    let notice =
        (q.reset == "done").then_some("Đã đặt mật khẩu mới. Hãy đăng nhập bằng mật khẩu mới.");
    login_page(
        StatusCode::OK,
        Message {
            error: None,
            notice,
        },
        &q.next,
        "",
        state.config.secure_cookies,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginForm {
    username: String,
    password: String,
    csrf: String,
    next: String,
}

async fn submit(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let secure = state.config.secure_cookies;
    // A body that is not a form at all: the login page again, not the "expired" one.
    let Ok(Form(f)) = form else {
        return login_page(
            StatusCode::BAD_REQUEST,
            Some("Biểu mẫu không hợp lệ.".into()),
            "/",
            "",
            secure,
        );
    };
    let cookie_csrf = auth::cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    if f.csrf.is_empty() || !session::same_secret(&f.csrf, cookie_csrf) {
        let msg = "Phiên đăng nhập đã hết hạn; hãy nhập lại tên đăng nhập và mật khẩu.".to_string();
        return login_page(
            StatusCode::FORBIDDEN,
            Some(msg),
            &f.next,
            &f.username,
            secure,
        );
    }
    match session::login(&state, &f.username, &f.password, &addr, SessionKind::Web).await {
        Ok(signed) => {
            let token = signed.token;
            // A session the browser already held (an earlier login, or one planted by
            // someone else) ends here: the new one has a new id.
            if let Some(old) = auth::cookie(&headers, SESSION_COOKIE) {
                let _ = session::end(&state, old).await;
            }
            let mut res = Redirect::to(&safe_next(&f.next)).into_response();
            let h = res.headers_mut();
            if let Ok(v) =
                auth::set_cookie(SESSION_COOKIE, &token, WEB_SESSION_SECONDS, secure).parse()
            {
                h.append(header::SET_COOKIE, v);
            }
            if let Ok(v) = auth::set_cookie(LOGIN_CSRF_COOKIE, "", 0, secure).parse() {
                h.append(header::SET_COOKIE, v);
            }
            res
        }
        Err(e) => login_page(
            status(e.kind),
            Some(e.message),
            &f.next,
            &f.username,
            secure,
        ),
    }
}

/// Logging out needs no signed-in user (an expired session just goes to the login page),
/// so its form is checked here rather than by `form::Posted`.
async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<super::form::CsrfOnly>, axum::extract::rejection::FormRejection>,
) -> Response {
    let sent = form.map(|Form(f)| f.csrf).unwrap_or_default();
    if let Ok(Some((token, current))) = auth::web_session(&headers, &state).await
        && session::same_secret(&sent, &current.csrf_token)
    {
        let _ = session::end(&state, &token).await;
    }
    let mut res = Redirect::to("/login").into_response();
    if let Ok(v) = auth::set_cookie(SESSION_COOKIE, "", 0, state.config.secure_cookies).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}
