//! Signed-in pages of the library: a unit records that it adopted an initiative; the
//! organizer downloads the replication report.

use askama::Template;
use axum::{
    Form, Router,
    extract::{State, rejection::FormRejection},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use sangkien_domain::account::Role;

use super::{Nav, PageUser, field, json_items, json_text as s, page_error, render, render_status};
use crate::{
    AppState,
    api::{
        entry::receive_form,
        library::{
            AdoptionBody, EVIDENCE_LIMIT, adoption_report_xlsx, commit_evidence, entry,
            evidence_error, record_adoption,
        },
    },
    extract::Id,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/library/{id}/adopt", get(page).post(save))
        .route("/library/reports/adoptions.xlsx", get(report))
        .route("/entries/{id}/library", axum::routing::post(mark))
}

async fn mark(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let pairs = form.map(|Form(p)| p).unwrap_or_default();
    if let Err(res) = user.check_csrf(&field(&pairs, "csrf")) {
        return res;
    }
    let public = field(&pairs, "public") == "true";
    match crate::api::library::set_public(&state, &user.session.account, id, public).await {
        Ok(_) => Redirect::to(&format!("/entries/{id}")).into_response(),
        Err(e) => page_error(e),
    }
}

#[derive(Template)]
#[template(path = "adopt.html")]
struct AdoptPage {
    nav: Option<Nav>,
    entry_id: i64,
    title: String,
    is_organizer: bool,
    unit_code: String,
    adopted_on: String,
    scope: String,
    result: String,
    error: Option<String>,
    field_errors: Vec<String>,
}

async fn view(state: &AppState, user: &PageUser, id: i64) -> Result<AdoptPage, Response> {
    let a = &user.session.account;
    if !matches!(a.role, Role::Focal | Role::Organizer) {
        return Err(page_error(crate::error::ApiError::forbidden()));
    }
    let d = entry(state, id).await.map_err(page_error)?;
    Ok(AdoptPage {
        nav: user.nav(),
        entry_id: id,
        title: s(&d["title"]),
        is_organizer: a.role == Role::Organizer,
        unit_code: a.unit_code.clone(),
        adopted_on: String::new(),
        scope: String::new(),
        result: String::new(),
        error: None,
        field_errors: Vec::new(),
    })
}

async fn page(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    match view(&state, &user, id).await {
        Ok(p) => render(&p),
        Err(r) => r,
    }
}

async fn save(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let Ok(multipart) = multipart else {
        return page_error(crate::error::ApiError::bad_request(
            "malformed_multipart",
            "Biểu mẫu phải được gửi dạng multipart/form-data.",
        ));
    };
    let received = receive_form(
        &state,
        multipart,
        Some(&user.session.csrf_token),
        &["adopted_on", "scope", "result", "unit_code"],
        EVIDENCE_LIMIT,
        evidence_error,
    )
    .await;
    let (pairs, staged) = match received {
        Ok(r) => r,
        Err(e) => return page_error(e),
    };
    let body = AdoptionBody {
        adopted_on: field(&pairs, "adopted_on"),
        scope: field(&pairs, "scope"),
        result: field(&pairs, "result"),
        unit_code: field(&pairs, "unit_code"),
    };
    let evidence = match staged {
        Some((name, staged)) => match commit_evidence(&state, &name, staged).await {
            Ok(ev) => Some(ev),
            Err(e) => return page_error(e),
        },
        None => None,
    };
    match record_adoption(&state, &user.session.account, id, &body, evidence.as_ref()).await {
        Ok(_) => Redirect::to(&format!("/public/library/{id}#adoptions")).into_response(),
        Err(e) => match view(&state, &user, id).await {
            Ok(mut p) => {
                p.adopted_on = body.adopted_on;
                p.scope = body.scope;
                p.result = body.result;
                if p.is_organizer {
                    p.unit_code = body.unit_code;
                }
                p.field_errors = json_items(&e.details["fields"])
                    .map(|f| s(&f["message"]))
                    .collect();
                p.error = Some(e.message.clone());
                render_status(e.status, &p)
            }
            Err(r) => r,
        },
    }
}

async fn report(State(state): State<AppState>, user: PageUser) -> Response {
    match adoption_report_xlsx(&state, &user.session.account).await {
        Ok(r) => r,
        Err(e) => page_error(e),
    }
}
