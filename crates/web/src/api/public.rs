//! The public side (SPEC §3.6): published contests and their results, for anyone.

use axum::{Json, Router, extract::State, routing::get};
use sangkien_storage::award::{self as store, Publication};
use serde_json::{Value, json};

use crate::{
    AppState,
    error::{ApiError, ApiResult},
    extract::Id,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/public/contests", get(list))
        .route("/public/contests/{id}/results", get(results))
}

/// The line of a published contest in lists and the feed.
pub fn summary_json(p: &Publication) -> Value {
    let c = &p.results["contest"];
    json!({
        "id": p.contest_id, "title": c["title"], "year": c["year"],
        "organizer_unit_name": c["organizer_unit_name"], "decision": c["decision"],
        "published_at": c["published_at"], "awards": p.results["awards"].as_array().map_or(0, Vec::len),
        "fingerprint": p.fingerprint,
    })
}

async fn list(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    let mut conn = state.store.reader().await?;
    let items: Vec<Value> = store::publications(&mut conn)
        .await?
        .iter()
        .map(summary_json)
        .collect();
    Ok(Json(json!({"items": items})))
}

/// The published results as stored at publication: 404 for any contest not published.
pub async fn published(state: &AppState, id: i64) -> ApiResult<Publication> {
    let mut conn = state.store.reader().await?;
    store::publication(&mut conn, id)
        .await?
        .ok_or_else(|| ApiError::not_found("kết quả công bố của cuộc thi"))
}

async fn results(State(state): State<AppState>, Id(id): Id) -> axum::response::Response {
    let build = async {
        let p = published(&state, id).await?;
        Ok((
            "application/json",
            bytes::Bytes::from(p.results.to_string()),
        ))
    };
    crate::public_cache(&state, format!("results:{id}:json"), 0, build).await
}
