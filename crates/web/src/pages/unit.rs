//! The administrator's unit pages: add a unit, and change one (name, kind, the unit above
//! it, its e-mail, active). Each form calls the same `app::unit` operation as the API.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    response::Response,
    routing::get,
};
use sangkien_app::{
    Error, require,
    unit::{self, NewUnit, UnitPatch},
};
use sangkien_domain::{account::Role, labels::Label, unit::UnitKind};

use super::{
    DoneQuery, Nav, PageUser, after,
    form::{FieldErrors, Posted},
    page,
};
use crate::{AppState, extract::Key};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/units/new", get(new_form).post(create))
        .route("/units/{code}", get(edit_form).post(update))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct UnitForm {
    csrf: String,
    code: String,
    name: String,
    kind: String,
    parent_code: String,
    email: String,
    valid_from: String,
    valid_to: String,
    successor_code: String,
    /// A checkbox: present when ticked.
    active: Option<String>,
}

super::form::csrf_field!(UnitForm);

#[derive(Template)]
#[template(path = "unit_form.html")]
struct UnitPage {
    nav: Option<Nav>,
    csrf: String,
    /// None for a new unit.
    editing: Option<String>,
    v: UnitForm,
    kinds: Vec<(&'static str, &'static str)>,
    /// The units that can be above it: code, name.
    parents: Vec<(String, String)>,
    errors: FieldErrors,
    done: Option<&'static str>,
}

async fn view(
    state: &AppState,
    user: &PageUser,
    editing: Option<String>,
    v: UnitForm,
    errors: FieldErrors,
    done: Option<&'static str>,
) -> Result<UnitPage, Error> {
    require(user.account(), &[Role::Admin])?;
    let parents = unit::list(state)
        .await?
        .into_iter()
        .filter(|u| (u.active || u.code == v.parent_code) && Some(&u.code) != editing.as_ref())
        .map(|u| (u.code, u.name))
        .collect();
    Ok(UnitPage {
        nav: user.nav(),
        csrf: user.csrf(),
        editing,
        v,
        kinds: UnitKind::ALL.iter().map(|k| (k.as_str(), k.vi())).collect(),
        parents,
        errors,
        done,
    })
}

async fn new_form(State(state): State<AppState>, user: PageUser) -> Response {
    page(
        view(
            &state,
            &user,
            None,
            UnitForm::default(),
            FieldErrors::default(),
            None,
        )
        .await,
    )
}

/// A date for a date field (`YYYY-MM-DD`), or empty.
fn day(d: Option<impl std::fmt::Display>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn optional(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

async fn create(
    State(state): State<AppState>,
    user: PageUser,
    Posted(f): Posted<UnitForm>,
) -> Response {
    let body = NewUnit {
        code: f.code.clone(),
        name: f.name.clone(),
        kind: f.kind.clone(),
        parent_code: optional(&f.parent_code),
        email: optional(&f.email),
        valid_from: optional(&f.valid_from),
        valid_to: optional(&f.valid_to),
        successor_code: optional(&f.successor_code),
    };
    let result = unit::create(&state, user.account(), &body)
        .await
        .map(|u| format!("/units/{}?done=created", u.code));
    after(result, |e| async move {
        view(&state, &user, None, f, FieldErrors::of(&e), None).await
    })
    .await
}

async fn edit_form(
    State(state): State<AppState>,
    user: PageUser,
    Key(code): Key,
    Query(q): Query<DoneQuery>,
) -> Response {
    let u = match unit::get(&state, &code).await {
        Ok(u) => u,
        Err(e) => return super::page_error(e),
    };
    let v = UnitForm {
        code: u.code.clone(),
        name: u.name,
        kind: u.kind.as_str().to_string(),
        parent_code: u.parent_code.unwrap_or_default(),
        email: u.email.unwrap_or_default(),
        valid_from: day(u.validity.valid_from),
        valid_to: day(u.validity.valid_to),
        successor_code: u.validity.successor_code.unwrap_or_default(),
        active: u.active.then(|| "on".to_string()),
        ..UnitForm::default()
    };
    let done = match q.done.as_str() {
        "created" => Some("Đã thêm đơn vị."),
        "updated" => Some("Đã lưu thay đổi."),
        _ => None,
    };
    page(view(&state, &user, Some(u.code), v, FieldErrors::default(), done).await)
}

async fn update(
    State(state): State<AppState>,
    user: PageUser,
    Key(code): Key,
    Posted(f): Posted<UnitForm>,
) -> Response {
    let patch = UnitPatch {
        name: Some(f.name.clone()),
        kind: Some(f.kind.clone()),
        parent_code: Some(optional(&f.parent_code)),
        active: Some(f.active.is_some()),
        email: Some(optional(&f.email)),
        valid_from: Some(optional(&f.valid_from)),
        valid_to: Some(optional(&f.valid_to)),
        successor_code: Some(optional(&f.successor_code)),
    };
    let result = unit::update(&state, user.account(), &code, &patch)
        .await
        .map(|u| format!("/units/{}?done=updated", u.code));
    after(result, |e| async move {
        let v = UnitForm {
            code: code.clone(),
            ..f
        };
        view(&state, &user, Some(code), v, FieldErrors::of(&e), None).await
    })
    .await
}
