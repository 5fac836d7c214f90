//! Judging (SPEC §3.4, §3.5): the council and its meeting, conflicts of interest, assignments, score
//! sheets and the ranking.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    routing::{get, post, put},
};
use sangkien_app::{
    Error,
    judging::{
        self, NewConflict,
        assignment::{self, AssignInput},
        council::{self, CouncilInput},
        meeting::{self, MeetingInput},
        ranking,
        sheet::{self, SheetInput},
    },
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{json, reply};
use crate::{
    AppState,
    auth::ApiUser,
    error::ApiResult,
    extract::{ApiJson, Id},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contests/{id}/council", put(put_council).get(get_council))
        .route("/contests/{id}/meeting", put(put_meeting).get(get_meeting))
        .route(
            "/contests/{id}/conflicts",
            post(declare).get(list_conflicts),
        )
        .route(
            "/contests/{id}/assignments",
            post(make_assignments).get(list_assignments),
        )
        .route("/contests/{id}/my-assignments", get(my_assignments))
        .route("/contests/{id}/ranking", get(get_ranking))
        .route("/contests/{id}/progress", get(progress))
        .route("/entries/{id}/scores/mine", put(save_mine).get(get_mine))
        .route("/entries/{id}/scores/mine/submit", post(submit_mine))
        .route("/entries/{id}/scores", get(entry_scores))
        .route("/entries/{id}/scores/{username}/unlock", post(unlock))
}

async fn put_council(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<CouncilInput>,
) -> ApiResult<Json<Value>> {
    Ok(reply(&council::set(&state, &user.0, id, &body).await?))
}

async fn get_council(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    Ok(reply(&council::get(&state, &user.0, id).await?))
}

async fn put_meeting(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<MeetingInput>,
) -> ApiResult<Json<Value>> {
    Ok(reply(&meeting::put(&state, &user.0, id, &body).await?))
}

async fn get_meeting(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    Ok(reply(&meeting::get(&state, &user.0, id).await?))
}

async fn declare(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<NewConflict>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let declared = judging::declare_conflict(&state, &user.0, id, &body).await?;
    Ok((StatusCode::CREATED, json(&declared)))
}

async fn list_conflicts(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let items = judging::list_conflicts(&state, &user.0, id).await?;
    Ok(Json(json!({"conflicts": items})))
}

async fn make_assignments(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<AssignInput>,
) -> ApiResult<Json<Value>> {
    Ok(reply(
        &assignment::assign(&state, &user.0, id, &body).await?,
    ))
}

async fn list_assignments(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    Ok(reply(&assignment::list(&state, &user.0, id).await?))
}

async fn my_assignments(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    Ok(reply(&assignment::mine(&state, &user.0, id).await?))
}

async fn save_mine(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<SheetInput>,
) -> ApiResult<Json<Value>> {
    Ok(reply(&sheet::save(&state, &user.0, id, body).await?))
}

async fn submit_mine(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    Ok(reply(&sheet::submit(&state, &user.0, id).await?))
}

async fn get_mine(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    Ok(reply(&sheet::mine(&state, &user.0, id).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnlockBody {
    reason: String,
}

async fn unlock(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, username)): Path<(String, String)>,
    ApiJson(body): ApiJson<UnlockBody>,
) -> ApiResult<Json<Value>> {
    let entry_id: i64 = id.parse().map_err(|_| Error::not_found("sáng kiến"))?;
    Ok(json(
        &sheet::unlock(&state, &user.0, entry_id, &username, &body.reason).await?,
    ))
}

/// The ranking's JSON is written once per change of the contest's judging (see
/// `app::judging::ranking::ranking_for`) and sent as it is.
async fn get_ranking(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let ranking = ranking::ranking(&state, &user.0, id).await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        ranking.json_text(),
    )
        .into_response())
}

async fn progress(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    Ok(reply(&ranking::progress(&state, &user.0, id).await?))
}

async fn entry_scores(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    Ok(reply(&sheet::of_entry(&state, &user.0, id).await?))
}
