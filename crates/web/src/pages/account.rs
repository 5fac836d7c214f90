//! «Tài khoản của tôi»: who the user is, and changing their own password.

use super::{
    DoneQuery, Nav, PageUser, after,
    form::{FieldErrors, Posted},
    render,
};
use crate::{AppState, extract::ClientAddr};
use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    response::Response,
    routing::{get, post},
};
use sangkien_app::{
    Error,
    session::{self, PasswordChange},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(show))
        .route("/account/password", post(change_password))
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    nav: Option<Nav>,
    csrf: String,
    username: String,
    full_name: String,
    role: &'static str,
    unit: String,
    email: String,
    done: Option<&'static str>,
    /// The fields of the password form in error, with their messages.
    errors: FieldErrors,
}

async fn view(
    state: &AppState,
    user: &PageUser,
    done: Option<&'static str>,
    errors: FieldErrors,
) -> AccountPage {
    let a = user.account();
    let unit = sangkien_app::unit::get(state, &a.unit_code)
        .await
        .map_or_else(|_| a.unit_code.clone(), |u| u.name);
    AccountPage {
        nav: user.nav(),
        csrf: user.csrf(),
        username: a.username.clone(),
        full_name: a.full_name.clone(),
        role: user.nav().map_or("", |n| n.role_label),
        unit,
        email: a.email.clone().unwrap_or_default(),
        done,
        errors,
    }
}

async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<DoneQuery>,
) -> Response {
    let done = (q.done == "password").then_some(
        "Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản (trên máy hoặc điện thoại khác) đã kết thúc.",
    );
    render(&view(&state, &user, done, FieldErrors::default()).await)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct PasswordForm {
    csrf: String,
    current_password: String,
    new_password: String,
    new_password_again: String,
}

super::form::csrf_field!(PasswordForm);

/// Passwords are never typed back into the form: a failed change shows what was wrong.
async fn change_password(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    user: PageUser,
    Posted(f): Posted<PasswordForm>,
) -> Response {
    let change = PasswordChange {
        current_password: f.current_password,
        new_password: f.new_password,
        new_password_again: f.new_password_again,
    };
    let result = session::change_password(&state, user.account(), &user.token, &addr, &change)
        .await
        .map(|()| "/account?done=password".to_string());
    after(result, |e: Error| async move {
        Ok(view(&state, &user, None, FieldErrors::of(&e)).await)
    })
    .await
}
