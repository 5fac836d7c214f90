//! The administrator's user pages: add a user, change one (role, unit, e-mail, position,
//! active), and set a new password for one. Each form calls the same `app::user`
//! operation as the API.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    response::Response,
    routing::{get, post},
};
use sangkien_app::{
    Error, require, unit,
    user::{self, NewUser, UserPatch},
};
use sangkien_domain::{account::Role, labels::Label};
use sangkien_storage::account::Account;

use super::{
    DoneQuery, Nav, PageUser, after,
    form::{FieldErrors, Posted},
    page,
};
use crate::{AppState, extract::Key};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users/new", get(new_form).post(create))
        .route("/users/{username}", get(edit_form).post(update))
        .route("/users/{username}/password", post(set_password))
}

/// What the form shows in its fields.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct UserForm {
    csrf: String,
    username: String,
    full_name: String,
    role: String,
    unit_code: String,
    email: String,
    position: String,
    /// A checkbox: present when ticked.
    active: Option<String>,
    password: String,
}

super::form::csrf_field!(UserForm);

#[derive(Template)]
#[template(path = "user_form.html")]
struct UserPage {
    nav: Option<Nav>,
    csrf: String,
    /// None for a new user.
    editing: Option<String>,
    v: UserForm,
    roles: Vec<(&'static str, &'static str)>,
    units: Vec<(String, String)>,
    errors: FieldErrors,
    done: Option<&'static str>,
}

async fn view(
    state: &AppState,
    user: &PageUser,
    editing: Option<String>,
    v: UserForm,
    errors: FieldErrors,
    done: Option<&'static str>,
) -> Result<UserPage, Error> {
    require(user.account(), &[Role::Admin])?;
    let units = unit::list(state)
        .await?
        .into_iter()
        .filter(|u| u.active || u.code == v.unit_code)
        .map(|u| (u.code, u.name))
        .collect();
    Ok(UserPage {
        nav: user.nav(),
        csrf: user.csrf(),
        editing,
        v,
        roles: Role::ALL.iter().map(|r| (r.as_str(), r.vi())).collect(),
        units,
        errors,
        done,
    })
}

async fn new_form(State(state): State<AppState>, user: PageUser) -> Response {
    let v = UserForm {
        active: Some("on".into()),
        ..UserForm::default()
    };
    page(view(&state, &user, None, v, FieldErrors::default(), None).await)
}

/// One account, for an administrator.
async fn find(state: &AppState, user: &PageUser, username: &str) -> Result<Account, Error> {
    user::list(state, user.account())
        .await?
        .into_iter()
        .find(|a| a.username == username)
        .ok_or_else(|| Error::not_found("người dùng"))
}

/// The form filled with an account as it is.
fn form_of(a: Account) -> UserForm {
    UserForm {
        username: a.username,
        full_name: a.full_name,
        role: a.role.as_str().to_string(),
        unit_code: a.unit_code,
        email: a.email.unwrap_or_default(),
        position: a.position.unwrap_or_default(),
        active: a.active.then(|| "on".to_string()),
        ..UserForm::default()
    }
}

fn optional(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

async fn create(
    State(state): State<AppState>,
    user: PageUser,
    Posted(f): Posted<UserForm>,
) -> Response {
    let body = NewUser {
        username: f.username.clone(),
        full_name: f.full_name.clone(),
        password: f.password.clone(),
        role: f.role.clone(),
        unit_code: f.unit_code.clone(),
        email: optional(&f.email),
        position: optional(&f.position),
    };
    let result = user::create(&state, user.account(), &body)
        .await
        .map(|a| format!("/users/{}?done=created", a.username));
    after(result, |e| async move {
        let v = UserForm {
            password: String::new(),
            ..f
        };
        view(&state, &user, None, v, FieldErrors::of(&e), None).await
    })
    .await
}

async fn edit_form(
    State(state): State<AppState>,
    user: PageUser,
    Key(username): Key,
    Query(q): Query<DoneQuery>,
) -> Response {
    let a = match find(&state, &user, &username).await {
        Ok(a) => a,
        Err(e) => return super::page_error(e),
    };
    let editing = a.username.clone();
    let v = form_of(a);
    let done = match q.done.as_str() {
        "created" => Some("Đã tạo người dùng. Hãy báo tên đăng nhập và mật khẩu cho người đó."),
        "updated" => Some("Đã lưu thay đổi."),
        "password" => Some("Đã đặt mật khẩu mới; các phiên đăng nhập của người này đã kết thúc."),
        _ => None,
    };
    page(
        view(
            &state,
            &user,
            Some(editing),
            v,
            FieldErrors::default(),
            done,
        )
        .await,
    )
}

async fn update(
    State(state): State<AppState>,
    user: PageUser,
    Key(username): Key,
    Posted(f): Posted<UserForm>,
) -> Response {
    let patch = UserPatch {
        full_name: Some(f.full_name.clone()),
        password: None,
        role: Some(f.role.clone()),
        unit_code: Some(f.unit_code.clone()),
        email: Some(f.email.trim().to_string()),
        position: Some(f.position.clone()),
        active: Some(f.active.is_some()),
    };
    let result = user::update(&state, user.account(), &username, &patch)
        .await
        .map(|a| format!("/users/{}?done=updated", a.username));
    after(result, |e| async move {
        let v = UserForm {
            username: username.clone(),
            ..f
        };
        view(&state, &user, Some(username), v, FieldErrors::of(&e), None).await
    })
    .await
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct PasswordForm {
    csrf: String,
    password: String,
}

super::form::csrf_field!(PasswordForm);

async fn set_password(
    State(state): State<AppState>,
    user: PageUser,
    Key(username): Key,
    Posted(f): Posted<PasswordForm>,
) -> Response {
    let patch = UserPatch {
        full_name: None,
        password: Some(f.password),
        role: None,
        unit_code: None,
        email: None,
        position: None,
        active: None,
    };
    let result = user::update(&state, user.account(), &username, &patch)
        .await
        .map(|a| format!("/users/{}?done=password", a.username));
    after(result, |e| async move {
        let v = form_of(find(&state, &user, &username).await?);
        view(&state, &user, Some(username), v, FieldErrors::of(&e), None).await
    })
    .await
}
