//! Users (admin): `GET/POST /users`, `PATCH /users/{username}`.

use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    routing::{get, patch},
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
