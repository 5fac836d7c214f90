//! «Quên mật khẩu»: `GET/POST /password/forgot` asks for a link by e-mail, and
//! `GET/POST /password/reset?token=` sets a new password with it. No one is signed in,
//! so the forms carry the login page's double-submit token.

use askama::Template;
use axum::{
    Form, Router,
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use sangkien_app::{Error, session};
use serde::Deserialize;

use super::{Nav, render_status};
use crate::{
    AppState,
    auth::{self, LOGIN_CSRF_COOKIE},
    error::status,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/password/forgot", get(forgot).post(send))
        .route("/password/reset", get(reset_form).post(reset))
}

#[derive(Template)]
#[template(path = "password_forgot.html")]
struct ForgotPage {
    nav: Option<Nav>,
    csrf: String,
    who: String,
    mail_ready: bool,
    sent: bool,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "password_reset.html")]
struct ResetPage {
    nav: Option<Nav>,
    csrf: String,
    token: String,
    /// Whose password the link sets; `None` when the link does not work.
    account: Option<String>,
    error: Option<String>,
    field_errors: Vec<String>,
}

/// A page with a fresh double-submit token in its form and in the cookie.
fn with_csrf<T: Template>(
    state: &AppState,
    code: StatusCode,
    make: impl FnOnce(String) -> T,
) -> Response {
    let csrf = session::random_token().unwrap_or_default();
    let mut res = render_status(code, &make(csrf.clone()));
    if let Ok(v) =
        auth::set_cookie(LOGIN_CSRF_COOKIE, &csrf, 3600, state.config.secure_cookies).parse()
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

fn csrf_ok(headers: &HeaderMap, sent: &str) -> bool {
    let cookie = auth::cookie(headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    !sent.is_empty() && session::same_secret(sent, cookie)
}

const EXPIRED: &str = "Trang đã mở quá lâu; hãy nhập lại.";

async fn mail_ready(state: &AppState) -> bool {
    sangkien_app::mail::configured(&state.store)
        .await
        .ok()
        .flatten()
        .is_some()
}

async fn forgot(State(state): State<AppState>) -> Response {
    let mail_ready = mail_ready(&state).await;
    with_csrf(&state, StatusCode::OK, |csrf| ForgotPage {
        nav: None,
        csrf,
        who: String::new(),
        mail_ready,
        sent: false,
        error: None,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ForgotForm {
    csrf: String,
    who: String,
}

async fn send(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<ForgotForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let f = form.map(|Form(f)| f).unwrap_or_default();
    let page = |code, sent, mail_ready, error: Option<String>| {
        with_csrf(&state, code, |csrf| ForgotPage {
            nav: None,
            csrf,
            who: f.who.clone(),
            mail_ready,
            sent,
            error,
        })
    };
    if !csrf_ok(&headers, &f.csrf) {
        return page(StatusCode::FORBIDDEN, false, true, Some(EXPIRED.into()));
    }
    let base = super::public::base_url(&state, &headers);
    match session::request_reset(&state, &f.who, &base).await {
        Ok(ready) => page(StatusCode::OK, ready, ready, None),
        Err(e) => page(status(e.kind), false, true, Some(e.message)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TokenQuery {
    token: String,
}

fn reset_page(
    state: &AppState,
    token: &str,
    account: Result<String, &Error>,
    field_errors: Vec<String>,
    error: Option<String>,
) -> Response {
    let (code, account, error) = match account {
        Ok(name) => (
            if error.is_some() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            },
            Some(name),
            error,
        ),
        Err(e) => (status(e.kind), None, Some(e.message.clone())),
    };
    with_csrf(state, code, |csrf| ResetPage {
        nav: None,
        csrf,
        token: token.to_string(),
        account,
        error,
        field_errors,
    })
}

async fn reset_form(State(state): State<AppState>, Query(q): Query<TokenQuery>) -> Response {
    let account = session::reset_account(&state, &q.token).await;
    let name = account
        .as_ref()
        .map(|a| format!("{} ({})", a.full_name, a.username));
    reset_page(&state, &q.token, name.clone(), Vec::new(), None)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ResetForm {
    csrf: String,
    token: String,
    new_password: String,
    new_password_again: String,
}

async fn reset(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<ResetForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let f = form.map(|Form(f)| f).unwrap_or_default();
    let account = session::reset_account(&state, &f.token).await;
    let name = account
        .as_ref()
        .map(|a| format!("{} ({})", a.full_name, a.username));
    if !csrf_ok(&headers, &f.csrf) {
        return reset_page(
            &state,
            &f.token,
            name.clone(),
            Vec::new(),
            Some(EXPIRED.into()),
        );
    }
    match session::reset_password(&state, &f.token, &f.new_password, &f.new_password_again).await {
        Ok(()) => Redirect::to("/login?reset=done").into_response(),
        Err(e) => {
            let fields = e.fields().into_iter().map(|(_, m)| m).collect();
            match name {
                Ok(n) => reset_page(&state, &f.token, Ok(n), fields, Some(e.message)),
                Err(_) => reset_page(&state, &f.token, Err(&e), fields, None),
            }
        }
    }
}
