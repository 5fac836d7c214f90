//! `Idempotency-Key` on POST: the first response is stored in the same transaction as
//! the work, and a repeat with the same key returns it instead of doing the work again.

use axum::{
    Json,
    extract::FromRequestParts,
    http::{StatusCode, request::Parts},
};
use sangkien_storage::{StorageError, Tx, account::Account, idempotency};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::{
    AppState,
    error::{ApiError, ApiResult},
};

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
            return Err(ApiError::field(
                "Idempotency-Key",
                "Khóa Idempotency-Key phải gồm 1 đến 200 ký tự ASCII in được.",
            ));
        }
        Ok(IdemKey(Some(key)))
    }
}

/// What a key was used for: the operation and a digest of its input.
pub fn fingerprint(operation: &str, input: &[u8]) -> String {
    format!("{operation} {}", hex::encode(Sha256::digest(input)))
}

fn stored_response(
    stored: idempotency::Stored,
    request: &str,
) -> ApiResult<(StatusCode, Json<Value>)> {
    if stored.request != request {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác; hãy dùng khóa mới.",
        ));
    }
    let status = u16::try_from(stored.status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let body = serde_json::from_str(&stored.body).unwrap_or(Value::Null);
    Ok((status, Json(body)))
}

/// The stored response for this key, if the request was already done.
pub async fn replay(
    tx: &mut Tx,
    user: &Account,
    key: &IdemKey,
    request: &str,
) -> ApiResult<Option<(StatusCode, Json<Value>)>> {
    let Some(k) = &key.0 else { return Ok(None) };
    match idempotency::find(tx, user.id, k).await? {
        Some(stored) => stored_response(stored, request).map(Some),
        None => Ok(None),
    }
}

/// Stores the response with the key and commits. When a concurrent request with the
/// same key committed first, its response is returned and this work is rolled back.
pub async fn commit(
    state: &AppState,
    mut tx: Tx,
    user: &Account,
    key: &IdemKey,
    request: &str,
    status: StatusCode,
    body: Value,
) -> ApiResult<(StatusCode, Json<Value>)> {
    if let Some(k) = &key.0 {
        let stored = idempotency::Stored {
            request: request.to_string(),
            status: i64::from(status.as_u16()),
            body: body.to_string(),
        };
        match idempotency::save(&mut tx, user.id, k, &stored, state.now()).await {
            Ok(()) => {}
            Err(StorageError::Duplicate(_)) => {
                drop(tx);
                let mut conn = state.store.reader().await?;
                let first = idempotency::find(&mut conn, user.id, k)
                    .await?
                    .ok_or_else(ApiError::internal)?;
                return stored_response(first, request);
            }
            Err(e) => return Err(e.into()),
        }
    }
    sangkien_storage::Store::commit(tx).await?;
    Ok((status, Json(body)))
}
