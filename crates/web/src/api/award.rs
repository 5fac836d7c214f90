//! Awards (SPEC §3.6): `GET/PUT /contests/{id}/awards`, `POST …/awards/propose`,
//! `POST …/awards/submit` (to the approver), `POST …/awards/return` (back, with a reason),
//! `PUT …/awards/memo` (the memo's number and date), `POST …/awards/approve`.

use axum::{
    Json, Router,
    extract::State,
    routing::{get, post, put},
};
use sangkien_app::award::{self, AwardInput, DecisionInput, MemoInput};
use serde::Deserialize;
use serde_json::Value;

use super::{contest::contest_json, reply};
use crate::{
    AppState,
    auth::ApiUser,
    error::ApiResult,
    extract::{ApiJson, Id},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contests/{id}/awards", get(show).put(replace))
        .route("/contests/{id}/awards/propose", post(propose))
        .route("/contests/{id}/awards/approve", post(approve))
        .route("/contests/{id}/awards/submit", post(submit))
        .route("/contests/{id}/awards/return", post(return_list))
        .route("/contests/{id}/awards/memo", put(record_memo))
}

async fn record_memo(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<MemoInput>,
) -> ApiResult<Json<Value>> {
    Ok(reply(
        &award::record_memo(&state, &user.0, id, &body).await?,
    ))
}

async fn submit(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    Ok(reply(&award::submit(&state, &user.0, id).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReturnBody {
    reason: String,
}

async fn return_list(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<ReturnBody>,
) -> ApiResult<Json<Value>> {
    Ok(reply(
        &award::return_list(&state, &user.0, id, &body.reason).await?,
    ))
}

async fn show(State(state): State<AppState>, user: ApiUser, Id(id): Id) -> ApiResult<Json<Value>> {
    Ok(reply(&award::get(&state, &user.0, id).await?))
}

async fn propose(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    Ok(reply(&award::propose(&state, &user.0, id).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AwardsBody {
    awards: Vec<AwardInput>,
}

async fn replace(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<AwardsBody>,
) -> ApiResult<Json<Value>> {
    Ok(reply(
        &award::replace(&state, &user.0, id, &body.awards).await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApproveBody {
    decision: DecisionInput,
}

async fn approve(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<ApproveBody>,
) -> ApiResult<Json<Value>> {
    let record = award::approve(&state, &user.0, id, &body.decision).await?;
    Ok(Json(contest_json(&record)))
}
