//! The `Idempotency-Key` header on POST, and the answer to an idempotent operation: the
//! result now, or the stored answer of the first request with the same key.

use axum::{
    Json,
    extract::FromRequestParts,
    http::{StatusCode, request::Parts},
};
use sangkien_app::{
    Error,
    idem::{self, Key, Outcome},
    json::ToJson,
};
use serde_json::Value;

use crate::error::{ApiError, ApiResult};

/// The `Idempotency-Key` header, when sent.
pub struct IdemKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdemKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(raw) = parts.headers.get("idempotency-key") else {
            return Ok(IdemKey(None));
        };
        let key = raw.to_str().unwrap_or("").trim().to_string();
        if key.is_empty() || key.len() > 200 || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::field(
                "Idempotency-Key",
                "Khóa Idempotency-Key phải gồm 1 đến 200 ký tự ASCII in được.",
            )
            .into());
        }
        Ok(IdemKey(Some(key)))
    }
}

impl IdemKey {
    /// The key for an operation on `input`, answered with `status` when it succeeds.
    pub fn of(&self, operation: &str, input: &[u8], status: StatusCode) -> Option<Key> {
        self.0.as_ref().map(|key| Key {
            key: key.clone(),
            request: idem::fingerprint(operation, input),
            status: status.as_u16(),
        })
    }
}

/// The answer to an idempotent operation.
pub fn answer<T: ToJson>(
    outcome: Outcome<T>,
    status: StatusCode,
) -> ApiResult<(StatusCode, Json<Value>)> {
    Ok(match outcome {
        Outcome::Done(done) => (status, Json(done.to_json())),
        Outcome::Replayed(stored) => (
            StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK),
            Json(serde_json::from_str(&stored.body).unwrap_or(Value::Null)),
        ),
    })
}
