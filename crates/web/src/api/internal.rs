//! Internal contests (SPEC §3.9): `POST /contests/{id}/forward`.

use axum::{Json, Router, extract::State, http::StatusCode, routing::post};
use sangkien_app::internal::{self, ForwardInput};
use serde_json::Value;

use super::json;
use crate::{
    AppState,
    auth::ApiUser,
    error::ApiResult,
    extract::{ApiJson, Id},
};

pub fn router() -> Router<AppState> {
    Router::new().route("/contests/{id}/forward", post(forward))
}

async fn forward(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<ForwardInput>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let done = internal::forward(&state, &user.0, id, &body.entry_ids).await?;
    Ok((StatusCode::CREATED, json(&done)))
}
