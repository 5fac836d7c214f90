//! `POST /auth/login`, `POST /auth/logout`, `GET /me`.

use axum::{
    Json, Router,
    extract::State,
    http::HeaderMap,
    routing::{get, post},
};
use sangkien_app::session;
use sangkien_storage::account::SessionKind;
use serde::Deserialize;
use serde_json::{Value, json};

use super::account_json;
use crate::{
    AppState,
    auth::{ApiUser, bearer},
    error::ApiResult,
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
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(body): ApiJson<LoginBody>,
) -> ApiResult<Json<Value>> {
    let signed = session::login(
        &state,
        &body.username,
        &body.password,
        &addr,
        SessionKind::Api,
    )
    .await?;
    Ok(Json(
        json!({"token": signed.token, "user": account_json(&signed.account)}),
    ))
}

async fn logout(
    State(state): State<AppState>,
    _user: ApiUser,
    headers: HeaderMap,
) -> ApiResult<Json<Value>> {
    let token = bearer(&headers).ok_or_else(sangkien_app::Error::unauthenticated)?;
    session::end(&state, token).await?;
    Ok(Json(json!({"ok": true})))
}

async fn me(user: ApiUser) -> Json<Value> {
    Json(json!({"user": account_json(&user.0)}))
}
