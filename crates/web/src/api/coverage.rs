//! Coverage and reminders (SPEC §3.3): `GET /contests/{id}/coverage`,
//! `POST /contests/{id}/reminders`, `POST/GET /contests/{id}/extensions`,
//! `GET /contests/{id}/outbox`, `GET /notifications`.

use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    routing::{get, post},
};
use sangkien_app::{
    Listed,
    coverage::{self, Message, NewExtension},
};
use sangkien_domain::time;
use sangkien_storage::{entry::Extension, message::MessageRecord};
use serde_json::{Value, json};

use super::{
    idem::{IdemKey, answer},
    reply,
};
use crate::{
    AppState,
    auth::ApiUser,
    error::ApiResult,
    extract::{ApiJson, Id, Paging},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contests/{id}/coverage", get(get_coverage))
        .route("/contests/{id}/reminders", post(remind))
        .route(
            "/contests/{id}/extensions",
            get(list_extensions).post(extend),
        )
        .route("/contests/{id}/outbox", get(outbox))
        .route("/notifications", get(notifications))
}

async fn get_coverage(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    Ok(reply(&coverage::get(&state, &user.0, id).await?))
}

async fn remind(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    key: IdemKey,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let key = key.of(
        &format!("POST /contests/{id}/reminders"),
        b"",
        StatusCode::OK,
    );
    answer(
        coverage::remind(&state, &user.0, id, key.as_ref()).await?,
        StatusCode::OK,
    )
}

fn extensions_json(list: &[Extension]) -> Value {
    json!({"extensions": list.iter().map(|x| json!({
        "unit_code": x.unit_code, "until": time::rfc3339_vn(x.until), "reason": x.reason,
        "granted_by": x.granted_by, "granted_at": time::rfc3339_vn(x.granted_at)})).collect::<Vec<_>>()})
}

async fn extend(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<NewExtension>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    coverage::extend(&state, &user.0, id, &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(extensions_json(
            &coverage::extensions_now(&state, id).await?,
        )),
    ))
}

async fn list_extensions(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    Ok(Json(extensions_json(
        &coverage::extensions(&state, &user.0, id).await?,
    )))
}

fn messages_json(listed: Listed<MessageRecord>) -> Json<Value> {
    let Listed {
        items,
        total,
        paging,
    } = listed;
    let items: Vec<Message> = items.into_iter().map(Message).collect();
    Json(json!({"items": items, "page": paging.page, "per_page": paging.per_page, "total": total}))
}

async fn outbox(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    Paging(paging): Paging,
) -> ApiResult<Json<Value>> {
    let (_, listed) = coverage::outbox(&state, &user.0, id, paging).await?;
    Ok(messages_json(listed))
}

async fn notifications(
    State(state): State<AppState>,
    user: ApiUser,
    Paging(paging): Paging,
) -> ApiResult<Json<Value>> {
    Ok(messages_json(
        coverage::inbox(&state, &user.0, paging).await?,
    ))
}
