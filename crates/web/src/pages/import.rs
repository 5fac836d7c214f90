//! Importing units and users from a CSV or XLSX file (administrators): a form with the
//! columns explained, every bad row listed by line when the file is refused, and for
//! users the first passwords made, shown once.

use askama::Template;
use axum::{
    Router,
    extract::{DefaultBodyLimit, Multipart, State, multipart::MultipartRejection},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use sangkien_app::{Error, import::MAX_BYTES, require, unit, user};
use sangkien_domain::account::Role;

use super::{Nav, PageUser, page_error, render, render_status};
use crate::{AppState, error::status, upload::table_file};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/units/import",
            get(units_form)
                .post(import_units)
                .layer(DefaultBodyLimit::max(MAX_BYTES + 64 * 1024)),
        )
        .route(
            "/users/import",
            get(users_form)
                .post(import_users)
                .layer(DefaultBodyLimit::max(MAX_BYTES + 64 * 1024)),
        )
}

/// What the page imports.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Units,
    Users,
}

pub(super) struct BadRow {
    pub line: u64,
    pub key: String,
    pub reason: String,
}

/// The bad rows of a refused import, by line.
pub(super) fn bad_rows(e: &Error) -> Vec<BadRow> {
    e.details["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| BadRow {
                    line: r["line"].as_u64().unwrap_or_default(),
                    key: r["code"].as_str().unwrap_or_default().to_string(),
                    reason: r["reason"].as_str().unwrap_or_default().to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

struct Made {
    username: String,
    full_name: String,
    password: String,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    nav: Option<Nav>,
    csrf: String,
    users: bool,
    error: Option<String>,
    bad_rows: Vec<BadRow>,
    /// After a users import: the accounts made.
    made: Vec<Made>,
}

fn view(user: &PageUser, kind: Kind) -> ImportPage {
    ImportPage {
        nav: user.nav(),
        csrf: user.csrf(),
        users: kind == Kind::Users,
        error: None,
        bad_rows: Vec::new(),
        made: Vec::new(),
    }
}

fn form(user: &PageUser, kind: Kind) -> Response {
    match require(user.account(), &[Role::Admin]) {
        Ok(()) => render(&view(user, kind)),
        Err(e) => page_error(e),
    }
}

async fn units_form(user: PageUser) -> Response {
    form(&user, Kind::Units)
}

async fn users_form(user: PageUser) -> Response {
    form(&user, Kind::Users)
}

/// The form again with the refusal: the message, and each bad row by line.
fn refused(user: &PageUser, kind: Kind, e: Error) -> Response {
    let bad_rows = bad_rows(&e);
    let mut message = e.message.clone();
    for (_, m) in e.fields() {
        if !message.contains(&m) {
            message = format!("{message} {m}");
        }
    }
    let page = ImportPage {
        error: Some(message),
        bad_rows,
        ..view(user, kind)
    };
    render_status(status(e.kind), &page)
}

async fn file(
    user: &PageUser,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Vec<u8>, Error> {
    require(user.account(), &[Role::Admin])?;
    let form = form.map_err(|_| {
        Error::bad_request(
            "malformed_multipart",
            "Biểu mẫu phải được gửi dạng multipart/form-data.",
        )
    })?;
    table_file(form, Some(&user.csrf())).await
}

async fn import_units(
    State(state): State<AppState>,
    user: PageUser,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let result = match file(&user, form).await {
        Ok(bytes) => unit::import(&state, user.account(), &bytes).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(done) => Redirect::to(&format!(
            "/units?done=imported&created={}&updated={}",
            done.created, done.updated
        ))
        .into_response(),
        Err(e) => refused(&user, Kind::Units, e),
    }
}

async fn import_users(
    State(state): State<AppState>,
    user: PageUser,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let result = match file(&user, form).await {
        Ok(bytes) => user::import(&state, user.account(), &bytes).await,
        Err(e) => Err(e),
    };
    match result {
        // Not a redirect: the first passwords are shown this once, never kept.
        Ok(made) => render(&ImportPage {
            made: made
                .into_iter()
                .map(|m| Made {
                    username: m.username,
                    full_name: m.full_name,
                    password: m.initial_password.unwrap_or_else(|| "(theo tệp)".into()),
                })
                .collect(),
            ..view(&user, Kind::Users)
        }),
        Err(e) => refused(&user, Kind::Users, e),
    }
}
