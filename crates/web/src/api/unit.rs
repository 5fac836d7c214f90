//! Units: `GET/POST /units`, `GET/PATCH/DELETE /units/{code}`, `POST /units/import`.

use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, Multipart, State},
    http::StatusCode,
    routing::{get, post},
};
use sangkien_app::unit::{self, IMPORT_MAX_BYTES, NewUnit, UnitPatch};
use serde_json::{Value, json};

use super::json;
use crate::{
    AppState,
    auth::ApiUser,
    error::ApiResult,
    extract::{ApiJson, Key},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/units", get(list).post(create))
        .route(
            "/units/import",
            post(import).layer(DefaultBodyLimit::max(IMPORT_MAX_BYTES)),
        )
        .route("/units/{code}", get(show).patch(update).delete(remove))
}

async fn list(State(state): State<AppState>, _user: ApiUser) -> ApiResult<Json<Value>> {
    Ok(Json(json!({"units": unit::list(&state).await?})))
}

async fn show(
    State(state): State<AppState>,
    _user: ApiUser,
    Key(code): Key,
) -> ApiResult<Json<Value>> {
    Ok(json(&unit::get(&state, &code).await?))
}

async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<NewUnit>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let created = unit::create(&state, &user.0, &body).await?;
    Ok((StatusCode::CREATED, json(&created)))
}

async fn update(
    State(state): State<AppState>,
    user: ApiUser,
    Key(code): Key,
    ApiJson(patch): ApiJson<UnitPatch>,
) -> ApiResult<Json<Value>> {
    Ok(json(&unit::update(&state, &user.0, &code, &patch).await?))
}

async fn remove(
    State(state): State<AppState>,
    user: ApiUser,
    Key(code): Key,
) -> ApiResult<StatusCode> {
    unit::remove(&state, &user.0, &code).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn import(
    State(state): State<AppState>,
    user: ApiUser,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Json<Value>> {
    sangkien_app::require(&user.0, &[sangkien_domain::account::Role::Admin])?;
    let bytes =
        crate::upload::table_file(form.map_err(crate::extract::not_multipart)?, None).await?;
    Ok(json(&unit::import(&state, &user.0, &bytes).await?))
}
