//! `GET /contests/{id}/exports/{name}`: the documents and tables of the registry
//! (`sangkien_app::export::EXPORTS`); an entry's receipt and request for recognition.

use axum::{
    Router,
    extract::{Path, State},
    response::{IntoResponse, Response},
    routing::get,
};
use sangkien_app::{Error, entry::documents, export};

use crate::{AppState, auth::ApiUser, download, error::ApiError, extract::Id};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contests/{id}/exports/{name}", get(make))
        .route("/entries/{id}/receipt.pdf", get(receipt))
        .route("/entries/{id}/application.docx", get(application))
}

async fn receipt(State(state): State<AppState>, user: ApiUser, Id(id): Id) -> Response {
    match documents::receipt(&state, &user.0, id).await {
        Ok(file) => download::file(file),
        Err(e) => ApiError(e).into_response(),
    }
}

async fn application(State(state): State<AppState>, user: ApiUser, Id(id): Id) -> Response {
    match documents::application(&state, &user.0, id).await {
        Ok(file) => download::file(file),
        Err(e) => ApiError(e).into_response(),
    }
}

async fn make(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, name)): Path<(String, String)>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return ApiError(Error::not_found("cuộc thi")).into_response();
    };
    match export::make(&state, &user.0, id, &name).await {
        Ok(file) => download::file(file),
        Err(e) => ApiError(e).into_response(),
    }
}
