//! Contests: `GET/POST /contests`, `GET/PATCH /contests/{id}`,
//! `POST /contests/{id}/transition`, `GET /contests/{id}/audit`.

use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    routing::{get, post},
};
use sangkien_app::contest;
use sangkien_domain::{
    account::Role,
    contest::{ContestInput, targets_from},
    time,
};
use sangkien_storage::contest::ContestRecord;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    AppState,
    auth::ApiUser,
    error::ApiResult,
    extract::{ApiJson, Id, Paging, parse_json},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contests", get(list).post(create))
        .route("/contests/{id}", get(show).patch(update))
        .route("/contests/{id}/transition", post(transition))
        .route("/contests/{id}/audit", get(audit_log))
}

/// The contest as the API shows it: the settings in their input shape plus id, state,
/// the transitions allowed next, and derived figures.
pub(super) fn contest_json(r: &ContestRecord) -> Value {
    let mut v = serde_json::to_value(r.settings.to_input()).unwrap_or_default();
    v["id"] = json!(r.id);
    v["state"] = json!(r.state.as_str());
    v["allowed_transitions"] = json!(
        targets_from(r.state)
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
    );
    v["rubric_total"] = json!(r.settings.rubric_total());
    v["prize_budget_vnd"] = json!(r.settings.prize_budget_vnd());
    v["created_at"] = json!(time::rfc3339_vn(r.created_at));
    v["updated_at"] = json!(time::rfc3339_vn(r.updated_at));
    v
}

async fn list(State(state): State<AppState>, user: ApiUser) -> ApiResult<Json<Value>> {
    let items: Vec<Value> = contest::list(&state, &user.0)
        .await?
        .iter()
        .map(|c| {
            json!({
                "id": c.id, "title": c.title, "year": c.year, "state": c.state.as_str(),
                "organizer_unit_code": c.organizer_unit_code,
                "opens_at": time::rfc3339_vn(c.opens_at),
                "submission_deadline": time::rfc3339_vn(c.submission_deadline),
            })
        })
        .collect();
    Ok(Json(json!({"contests": items})))
}

async fn show(State(state): State<AppState>, user: ApiUser, Id(id): Id) -> ApiResult<Json<Value>> {
    Ok(Json(contest_json(
        &contest::get(&state, &user.0, id).await?,
    )))
}

async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(input): ApiJson<ContestInput>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let record = contest::create(&state, &user.0, &input).await?;
    Ok((StatusCode::CREATED, Json(contest_json(&record))))
}

/// PATCH replaces the top-level fields it names and validates the result as a whole.
async fn update(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(patch): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    sangkien_app::require(&user.0, &[Role::Organizer])?;
    let Value::Object(fields) = patch else {
        return Err(sangkien_app::Error::field(
            "body",
            "Nội dung sửa đổi phải là một đối tượng JSON.",
        )
        .into());
    };
    let record = contest::update(&state, &user.0, id, |before| {
        let mut merged = serde_json::to_value(before).unwrap_or_default();
        for (k, v) in fields {
            merged[k] = v;
        }
        parse_json(merged.to_string().as_bytes())
    })
    .await?;
    Ok(Json(contest_json(&record)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TransitionBody {
    to: String,
    #[serde(default)]
    reason: Option<String>,
}

async fn transition(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<TransitionBody>,
) -> ApiResult<Json<Value>> {
    let record = contest::transition(&state, &user.0, id, &body.to, body.reason.as_deref()).await?;
    Ok(Json(contest_json(&record)))
}

async fn audit_log(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    Paging(paging): Paging,
) -> ApiResult<Json<Value>> {
    let listed = contest::audit_log(&state, &user.0, id, paging).await?;
    let items: Vec<Value> = listed
        .items
        .into_iter()
        .map(|r| {
            let mut v = json!(r);
            v["at"] = json!(time::rfc3339_vn(r.at));
            v
        })
        .collect();
    Ok(Json(
        json!({"items": items, "page": paging.page, "per_page": paging.per_page, "total": listed.total}),
    ))
}
