//! `GET /health`: 200 when the database answers, 503 otherwise.

use axum::{Json, Router, extract::State, http::StatusCode, routing::get};
use serde_json::{Value, json};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(super::openapi::document))
}

pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    if state.store.ping().await {
        (
            StatusCode::OK,
            Json(json!({"status": "ok", "database": "ok"})),
        )
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(
                json!({"error": {"code": "database_unavailable", "message": "Cơ sở dữ liệu không phản hồi."}}),
            ),
        )
    }
}
