//! Users (admin): `GET/POST /users`, `PATCH /users/{username}`.

use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, Multipart, State},
    http::StatusCode,
    routing::{get, patch, post},
};
use sangkien_app::user::{self, NewUser, UserPatch};
use serde_json::{Value, json};

use super::account_json;
use crate::{
    AppState,
    auth::ApiUser,
    error::ApiResult,
    extract::{ApiJson, Key},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(list).post(create))
        .route(
            "/users/import",
            post(import).layer(DefaultBodyLimit::max(sangkien_app::import::MAX_BYTES)),
        )
        .route("/users/{username}", patch(update))
}

async fn list(State(state): State<AppState>, user: ApiUser) -> ApiResult<Json<Value>> {
    let users: Vec<Value> = user::list(&state, &user.0)
        .await?
        .iter()
        .map(account_json)
        .collect();
    Ok(Json(json!({"users": users})))
}

async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<NewUser>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let created = user::create(&state, &user.0, &body).await?;
    Ok((StatusCode::CREATED, Json(account_json(&created))))
}

async fn update(
    State(state): State<AppState>,
    user: ApiUser,
    Key(username): Key,
    ApiJson(patch): ApiJson<UserPatch>,
) -> ApiResult<Json<Value>> {
    let after = user::update(&state, &user.0, &username, &patch).await?;
    Ok(Json(account_json(&after)))
}

/// `POST /users/import` (multipart, field `file`): every account made, with the first
/// password made for each row that gave none.
async fn import(
    State(state): State<AppState>,
    user: ApiUser,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Json<Value>> {
    sangkien_app::require(&user.0, &[sangkien_domain::account::Role::Admin])?;
    let bytes =
        crate::upload::table_file(form.map_err(crate::extract::not_multipart)?, None).await?;
    let created = user::import(&state, &user.0, &bytes).await?;
    Ok(Json(json!({"created": created.len(), "users": created})))
}
