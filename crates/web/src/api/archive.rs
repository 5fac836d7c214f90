//! Earlier years: `POST /archive/import`, `GET /archive` (organizers) and
//! `GET /public/archive` (the past winners the library lists, anyone).

use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, Multipart, State},
    routing::{get, post},
};
use sangkien_app::{archive, import::MAX_BYTES};
use serde_json::{Value, json};

use super::json;
use crate::{AppState, auth::ApiUser, error::ApiResult};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/archive/import",
            post(import).layer(DefaultBodyLimit::max(MAX_BYTES + 64 * 1024)),
        )
        .route("/archive", get(list))
        .route("/public/archive", get(winners))
}

async fn import(
    State(state): State<AppState>,
    user: ApiUser,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Json<Value>> {
    sangkien_app::require(&user.0, &[sangkien_domain::account::Role::Organizer])?;
    let bytes =
        crate::upload::table_file(form.map_err(crate::extract::not_multipart)?, None).await?;
    Ok(json(&archive::import(&state, &user.0, &bytes).await?))
}

async fn list(State(state): State<AppState>, user: ApiUser) -> ApiResult<Json<Value>> {
    Ok(Json(
        json!({"items": archive::list(&state, &user.0).await?}),
    ))
}

async fn winners(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    Ok(Json(json!({"items": archive::winners(&state).await?})))
}
