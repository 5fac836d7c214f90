//! Idempotent operations: with a key, the first answer is stored in the same transaction
//! as the work, and a repeat with the same key gets that answer instead of doing the
//! work again (SPEC §5: a retried submission never makes a second version).

use sangkien_storage::{StorageError, Store, Tx, account::Account, idempotency};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{App, Error, ErrorKind, Result};

/// A client's key for one request, what the request was, and the status it is answered
/// with when it succeeds.
#[derive(Debug, Clone)]
pub struct Key {
    pub key: String,
    /// The operation and a digest of its input ([`fingerprint`]).
    pub request: String,
    pub status: u16,
}

/// What a key was used for: the operation and a digest of its input.
pub fn fingerprint(operation: &str, input: &[u8]) -> String {
    format!("{operation} {}", hex::encode(Sha256::digest(input)))
}

/// An answer stored earlier under the same key.
#[derive(Debug, Clone)]
pub struct Stored {
    pub status: u16,
    /// The answer's JSON text.
    pub body: String,
}

/// The result of an idempotent operation: done now, or done before.
#[derive(Debug)]
pub enum Outcome<T> {
    Done(T),
    Replayed(Stored),
}

fn stored_answer(stored: idempotency::Stored, request: &str) -> Result<Stored> {
    if stored.request != request {
        return Err(Error::new(
            ErrorKind::Invalid,
            "idempotency_key_reused",
            "Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác; hãy dùng khóa mới.",
        ));
    }
    Ok(Stored {
        status: u16::try_from(stored.status).unwrap_or(200),
        body: stored.body,
    })
}

/// The stored answer for this key, if the request was already done.
pub async fn replay(tx: &mut Tx, user: &Account, key: Option<&Key>) -> Result<Option<Stored>> {
    let Some(k) = key else { return Ok(None) };
    match idempotency::find(tx, user.id, &k.key).await? {
        Some(stored) => stored_answer(stored, &k.request).map(Some),
        None => Ok(None),
    }
}

/// The JSON the API answers with for `value`: keys in order, as every answer.
pub fn json_text(value: &impl Serialize) -> String {
    serde_json::to_value(value)
        .map(|v| v.to_string())
        .unwrap_or_default()
}

/// Stores the answer with the key and commits. When a concurrent request with the same
/// key committed first, its answer is returned and this work is rolled back.
pub async fn commit<T: Serialize>(
    app: &App,
    mut tx: Tx,
    user: &Account,
    key: Option<&Key>,
    done: T,
) -> Result<Outcome<T>> {
    if let Some(k) = key {
        let stored = idempotency::Stored {
            request: k.request.clone(),
            status: i64::from(k.status),
            body: json_text(&done),
        };
        match idempotency::save(&mut tx, user.id, &k.key, &stored, app.now()).await {
            Ok(()) => {}
            Err(StorageError::Duplicate(_)) => {
                drop(tx);
                let mut conn = app.store.reader().await?;
                let first = idempotency::find(&mut conn, user.id, &k.key)
                    .await?
                    .ok_or_else(Error::internal)?;
                return stored_answer(first, &k.request).map(Outcome::Replayed);
            }
            Err(e) => return Err(e.into()),
        }
    }
    Store::commit(tx).await?;
    Ok(Outcome::Done(done))
}
