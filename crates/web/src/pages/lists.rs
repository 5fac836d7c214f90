//! The unit list (any signed-in user) and the user list (admin).

use std::collections::HashMap;

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    http::StatusCode,
    response::Response,
    routing::get,
};
use sangkien_app::{unit, user};
use sangkien_domain::{account::Role, labels::Label};

use super::{Nav, PageUser, csv, error_page, page_error, render};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/units", get(units))
        .route("/units.csv", get(units_csv))
        .route("/users", get(users))
        .route("/users.csv", get(users_csv))
}

struct UnitRow {
    code: String,
    name: String,
    kind: &'static str,
    parent: String,
    email: String,
    /// When it existed and what it became: «01/07/2025 – nay», «… – 30/06/2025, nay là …».
    period: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage {
    nav: Option<Nav>,
    units: Vec<UnitRow>,
    /// After an import: what it did.
    done: Option<String>,
}

/// `?done=imported&created=…&updated=…` after an import.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct UnitsQuery {
    done: String,
    created: u32,
    updated: u32,
}

async fn unit_rows(state: &AppState) -> Result<Vec<UnitRow>, sangkien_app::Error> {
    let list = unit::list(state).await?;
    let names: HashMap<String, String> = list
        .iter()
        .map(|u| (u.code.clone(), u.name.clone()))
        .collect();
    Ok(list
        .into_iter()
        .map(|u| UnitRow {
            period: period(&u.validity, &names),
            parent: u
                .parent_code
                .as_ref()
                .map(|p| names.get(p).cloned().unwrap_or(p.clone()))
                .unwrap_or_default(),
            kind: u.kind.vi(),
            code: u.code,
            name: u.name,
            email: u.email.unwrap_or_default(),
            active: u.active,
        })
        .collect())
}

/// A unit's time of existence as a civil servant reads it.
fn period(v: &sangkien_domain::unit::Validity, names: &HashMap<String, String>) -> String {
    use sangkien_domain::time::display_date;
    if v.valid_from.is_none() && v.valid_to.is_none() {
        return String::new();
    }
    let from = v.valid_from.map_or("…".to_string(), display_date);
    let to = v.valid_to.map_or("nay".to_string(), display_date);
    let merged = v
        .successor_code
        .as_ref()
        .map(|s| format!(", sáp nhập vào {}", names.get(s).unwrap_or(s)))
        .unwrap_or_default();
    format!("{from} – {to}{merged}")
}

async fn units(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<UnitsQuery>,
) -> Response {
    let done = (q.done == "imported").then(|| {
        format!(
            "Đã nhập tệp: {} đơn vị mới, {} đơn vị được cập nhật.",
            q.created, q.updated
        )
    });
    match unit_rows(&state).await {
        Ok(units) => render(&UnitsPage {
            nav: user.nav(),
            units,
            done,
        }),
        Err(e) => page_error(e),
    }
}

async fn units_csv(State(state): State<AppState>, _user: PageUser) -> Response {
    let units = match unit_rows(&state).await {
        Ok(u) => u,
        Err(e) => return page_error(e),
    };
    let mut rows = vec![
        [
            "Mã",
            "Tên đơn vị",
            "Loại",
            "Cấp trên",
            "Thư điện tử",
            "Thời gian tồn tại",
            "Hoạt động",
        ]
        .map(String::from)
        .to_vec(),
    ];
    rows.extend(units.into_iter().map(|u| {
        vec![
            u.code,
            u.name,
            u.kind.to_string(),
            u.parent,
            u.email,
            u.period,
            yes_no(u.active).into(),
        ]
    }));
    csv("don-vi.csv", rows)
}

fn yes_no(b: bool) -> &'static str {
    if b { "Có" } else { "Không" }
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

async fn user_rows(state: &AppState, user: &PageUser) -> Result<Vec<UserRow>, Response> {
    if user.session.account.role != Role::Admin {
        return Err(error_page(
            StatusCode::FORBIDDEN,
            "Chỉ quản trị hệ thống được xem danh sách người dùng.",
        ));
    }
    let result = async {
        let names: HashMap<String, String> = unit::list(state)
            .await?
            .into_iter()
            .map(|u| (u.code, u.name))
            .collect();
        Ok::<_, sangkien_app::Error>((user::list(state, user.account()).await?, names))
    }
    .await;
    let (list, names) = result.map_err(page_error)?;
    Ok(list
        .into_iter()
        .map(|a| UserRow {
            role: a.role.vi(),
            unit: names.get(&a.unit_code).cloned().unwrap_or(a.unit_code),
            email: a.email.unwrap_or_default(),
            username: a.username,
            full_name: a.full_name,
            active: a.active,
        })
        .collect())
}

async fn users(State(state): State<AppState>, user: PageUser) -> Response {
    match user_rows(&state, &user).await {
        Ok(users) => render(&UsersPage {
            nav: user.nav(),
            users,
        }),
        Err(res) => res,
    }
}

async fn users_csv(State(state): State<AppState>, user: PageUser) -> Response {
    let users = match user_rows(&state, &user).await {
        Ok(u) => u,
        Err(res) => return res,
    };
    let mut rows = vec![
        [
            "Tên đăng nhập",
            "Họ và tên",
            "Vai trò",
            "Đơn vị",
            "Thư điện tử",
            "Hoạt động",
        ]
        .map(String::from)
        .to_vec(),
    ];
    rows.extend(users.into_iter().map(|u| {
        vec![
            u.username,
            u.full_name,
            u.role.to_string(),
            u.unit,
            u.email,
            yes_no(u.active).into(),
        ]
    }));
    csv("nguoi-dung.csv", rows)
}
