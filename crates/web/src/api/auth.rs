//! `POST /auth/login`, `POST /auth/logout`, `GET /me`.

use axum::{
    Json, Router,
    http::HeaderMap,
    routing::{get, post},
};
use sangkien_storage::account::{self, SessionKind};
use serde::Deserialize;
use serde_json::{Value, json};

use super::account_json;
use crate::{
    AppState,
    auth::{self as session, ApiUser},
    error::{ApiError, ApiResult},
    extract::{ApiJson, ClientAddr},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/me", get(me))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginBody {
    username: String,
    password: String,
}

async fn login(
    axum::extract::State(state): axum::extract::State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(body): ApiJson<LoginBody>,
) -> ApiResult<Json<Value>> {
    let (account, token, _) = session::login(
        &state,
        &body.username,
        &body.password,
        &addr,
        SessionKind::Api,
    )
    .await?;
    Ok(Json(
        json!({"token": token, "user": account_json(&account)}),
    ))
}

async fn logout(
    axum::extract::State(state): axum::extract::State<AppState>,
    _user: ApiUser,
    headers: HeaderMap,
) -> ApiResult<Json<Value>> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .map(|(_, t)| t.trim().to_string())
        .ok_or_else(ApiError::unauthenticated)?;
    let mut tx = state.store.begin().await?;
    account::delete_session(&mut tx, &token).await?;
    sangkien_storage::Store::commit(tx).await?;
    Ok(Json(json!({"ok": true})))
}

async fn me(user: ApiUser) -> Json<Value> {
    Json(json!({"user": account_json(&user.0)}))
}
