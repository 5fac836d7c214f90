//! Signed-in pages of the library: a unit records that it adopted an initiative; the
//! organizer downloads the replication report.

use askama::Template;
use axum::{
    Router,
    extract::State,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use sangkien_app::{
    Error,
    library::{
        self,
        adoption::{self, EVIDENCE_LIMIT, NewAdoption},
    },
};
use sangkien_domain::account::Role;

use super::{Nav, PageUser, form::Posted, page_error, render, render_status};
use crate::{AppState, error::status, extract::Id, upload::receive_form};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/library/{id}/adopt", get(page).post(save))
        .route("/library/reports/adoptions.xlsx", get(report))
        .route("/entries/{id}/library", axum::routing::post(mark))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct MarkForm {
    csrf: String,
    public: String,
}

super::form::csrf_field!(MarkForm);

async fn mark(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Posted(f): Posted<MarkForm>,
) -> Response {
    let public = f.public == "true";
    match library::set_public(&state, user.account(), id, public).await {
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
    let a = user.account();
    if !matches!(a.role, Role::Focal | Role::Organizer) {
        return Err(page_error(Error::forbidden()));
    }
    let d = library::entry(state, id).await.map_err(page_error)?;
    Ok(AdoptPage {
        nav: user.nav(),
        entry_id: id,
        title: d.document.title,
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
        return page_error(Error::bad_request(
            "malformed_multipart",
            "Biểu mẫu phải được gửi dạng multipart/form-data.",
        ));
    };
    let received = receive_form(
        &state,
        multipart,
        Some(&user.csrf()),
        &["adopted_on", "scope", "result", "unit_code"],
        EVIDENCE_LIMIT,
        adoption::evidence_error,
    )
    .await;
    let (pairs, staged) = match received {
        Ok(r) => r,
        Err(e) => return page_error(e),
    };
    let field = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let body = NewAdoption {
        adopted_on: field("adopted_on"),
        scope: field("scope"),
        result: field("result"),
        unit_code: field("unit_code"),
    };
    let evidence = match staged {
        Some((name, staged)) => match adoption::commit_evidence(&state, &name, staged).await {
            Ok(ev) => Some(ev),
            Err(e) => return page_error(e),
        },
        None => None,
    };
    match adoption::record(&state, user.account(), id, &body, evidence.as_ref()).await {
        Ok(_) => Redirect::to(&format!("/public/library/{id}#adoptions")).into_response(),
        Err(e) => match view(&state, &user, id).await {
            Ok(mut p) => {
                p.adopted_on = body.adopted_on;
                p.scope = body.scope;
                p.result = body.result;
                if p.is_organizer {
                    p.unit_code = body.unit_code;
                }
                p.field_errors = e.fields().into_iter().map(|(_, m)| m).collect();
                p.error = Some(e.message.clone());
                render_status(status(e.kind), &p)
            }
            Err(r) => r,
        },
    }
}

async fn report(State(state): State<AppState>, user: PageUser) -> Response {
    match sangkien_app::export::adoption_report(&state, user.account()).await {
        Ok(file) => crate::download::file(file),
        Err(e) => page_error(e),
    }
}
