//! The public side (SPEC §3.6): published contests and their results, for anyone.

use axum::{
    Json, Router,
    extract::State,
    response::{IntoResponse, Response},
    routing::get,
};
use sangkien_app::publication::{self, Summary};
use serde_json::{Value, json};

use crate::{AppState, error::ApiError, error::ApiResult, extract::Id};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/public/contests", get(list))
        .route("/public/contests/{id}/results", get(results))
}

async fn list(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    let items: Vec<Summary> = publication::list(&state)
        .await?
        .iter()
        .cloned()
        .map(Summary)
        .collect();
    Ok(Json(json!({"items": items})))
}

/// The published results as stored at publication: 404 for any contest not published.
async fn results(State(state): State<AppState>, Id(id): Id) -> Response {
    let build = async {
        let p = publication::get(&state, id).await?;
        Ok((
            "application/json",
            bytes::Bytes::from(p.document.to_string()),
        ))
    };
    match crate::public_cache(&state, format!("results:{id}:json"), 0, build).await {
        Ok(r) => r,
        Err(e) => ApiError(e).into_response(),
    }
}
