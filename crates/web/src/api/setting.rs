//! `GET/PUT /settings`: the issuing agency used on official documents, and SMTP.

use axum::{Json, Router, extract::State, routing::get};
use sangkien_app::setting;
use sangkien_domain::agency::Agency;
use serde_json::Value;

use super::json;
use crate::{AppState, auth::ApiUser, error::ApiResult, extract::ApiJson};

pub fn router() -> Router<AppState> {
    Router::new().route("/settings", get(show).put(replace))
}

async fn show(State(state): State<AppState>, user: ApiUser) -> ApiResult<Json<Value>> {
    Ok(json(&setting::get(&state, &user.0).await?))
}

async fn replace(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<Agency>,
) -> ApiResult<Json<Value>> {
    Ok(json(&setting::replace(&state, &user.0, body).await?))
}
