//! The unit list (any signed-in user) and the user list (admin).

use std::collections::HashMap;

use askama::Template;
use axum::{Router, extract::State, http::StatusCode, response::Response, routing::get};
use sangkien_app::{unit, user};
use sangkien_domain::{account::Role, labels::Label};

use super::{Nav, PageUser, error_page, page_error, render};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/units", get(units))
        .route("/users", get(users))
}

struct UnitRow {
    code: String,
    name: String,
    kind: &'static str,
    parent: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage {
    nav: Option<Nav>,
    units: Vec<UnitRow>,
}

async fn units(State(state): State<AppState>, user: PageUser) -> Response {
    let list = match unit::list(&state).await {
        Ok(l) => l,
        Err(e) => return page_error(e),
    };
    let names: HashMap<String, String> = list
        .iter()
        .map(|u| (u.code.clone(), u.name.clone()))
        .collect();
    let units = list
        .into_iter()
        .map(|u| UnitRow {
            parent: u
                .parent_code
                .as_ref()
                .map(|p| names.get(p).cloned().unwrap_or(p.clone()))
                .unwrap_or_default(),
            kind: u.kind.vi(),
            code: u.code,
            name: u.name,
            active: u.active,
        })
        .collect();
    render(&UnitsPage {
        nav: user.nav(),
        units,
    })
}

struct UserRow {
    username: String,
    full_name: String,
    role: &'static str,
    unit: String,
    email: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    nav: Option<Nav>,
    users: Vec<UserRow>,
}

async fn users(State(state): State<AppState>, user: PageUser) -> Response {
    if user.session.account.role != Role::Admin {
        return error_page(
            StatusCode::FORBIDDEN,
            "Chỉ quản trị hệ thống được xem danh sách người dùng.",
        );
    }
    let result = async {
        let names: HashMap<String, String> = unit::list(&state)
            .await?
            .into_iter()
            .map(|u| (u.code, u.name))
            .collect();
        Ok::<_, sangkien_app::Error>((user::list(&state, user.account()).await?, names))
    }
    .await;
    match result {
        Ok((list, names)) => render(&UsersPage {
            nav: user.nav(),
            users: list
                .into_iter()
                .map(|a| UserRow {
                    role: a.role.vi(),
                    unit: names.get(&a.unit_code).cloned().unwrap_or(a.unit_code),
                    email: a.email.unwrap_or_default(),
                    username: a.username,
                    full_name: a.full_name,
                    active: a.active,
                })
                .collect(),
        }),
        Err(e) => page_error(e),
    }
}
