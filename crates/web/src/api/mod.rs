//! The JSON API under `/api/v1`.

mod auth;
pub(crate) mod award;
pub(crate) mod contest;
pub(crate) mod coverage;
pub(crate) mod entry;
pub(crate) mod export;
mod health;
pub(crate) mod internal;
pub(crate) mod judging;
pub(crate) mod library;
pub mod openapi;
pub(crate) mod public;
pub(crate) mod setting;
mod unit;
mod user;

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    let v1 = Router::new()
        .merge(auth::router())
        .merge(unit::router())
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

/// JSON of an account for the API.
fn account_json(a: &sangkien_storage::account::Account) -> serde_json::Value {
    serde_json::to_value(a).unwrap_or_default()
}
