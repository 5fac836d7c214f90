//! The JSON API under `/api/v1`: each handler reads its input, calls one operation of
//! the application layer and writes its result as JSON (keys in order, as SPEC §4 shows).

mod archive;
mod auth;
mod award;
mod contest;
mod coverage;
mod entry;
mod export;
mod health;
mod idem;
mod internal;
mod judging;
mod library;
pub mod openapi;
mod public;
mod setting;
mod unit;
mod user;

use axum::{Json, Router};
use sangkien_app::json::ToJson;
use serde::Serialize;
use serde_json::Value;

use crate::AppState;

pub fn router() -> Router<AppState> {
    let v1 = Router::new()
        .merge(auth::router())
        .merge(unit::router())
        .merge(archive::router())
        .merge(user::router())
        .merge(contest::router())
        .merge(entry::router())
        .merge(coverage::router())
        .merge(judging::router())
        .merge(award::router())
        .merge(export::router())
        .merge(public::router())
        .merge(library::router())
        .merge(internal::router())
        .merge(setting::router())
        .merge(health::router());
    Router::new()
        .nest("/api/v1", v1)
        .route("/health", axum::routing::get(health::health))
}

/// A result as the API's JSON, through a value (so its keys are in order).
pub(crate) fn json<T: Serialize + ?Sized>(x: &T) -> Json<Value> {
    Json(serde_json::to_value(x).unwrap_or_default())
}

/// A result that writes its own JSON value.
pub(crate) fn reply(x: &impl ToJson) -> Json<Value> {
    Json(x.to_json())
}

/// JSON of an account for the API.
fn account_json(a: &sangkien_storage::account::Account) -> Value {
    serde_json::to_value(a).unwrap_or_default()
}
