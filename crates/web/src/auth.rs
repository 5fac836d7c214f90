//! Who is calling: API callers by Bearer token, browsers by session cookie.
//! Authorization shows in handler signatures through these extractors.

use axum::{
    extract::FromRequestParts,
    http::{HeaderMap, header, request::Parts},
};
use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

use sangkien_domain::account::{HashMemory, Role};
use sangkien_storage::account::{self, Account, Session, SessionKind};

use crate::{AppState, error::ApiError, heavy::Heavy};

pub const SESSION_COOKIE: &str = "sk_session";
pub const LOGIN_CSRF_COOKIE: &str = "sk_login_csrf";
/// Web sessions last a working day; API tokens a day and a night.
pub const WEB_SESSION_SECONDS: i64 = 12 * 3600;
pub const API_SESSION_SECONDS: i64 = 24 * 3600;

/// An authenticated API caller.
pub struct ApiUser(pub Account);

impl ApiUser {
    /// 403 unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<&Account, ApiError> {
        if roles.contains(&self.0.role) {
            Ok(&self.0)
        } else {
            Err(ApiError::forbidden())
        }
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(&parts.headers).ok_or_else(ApiError::unauthenticated)?;
        let mut conn = state.store.reader().await?;
        let session = account::session(&mut conn, token, SessionKind::Api, state.now()).await?;
        session
            .map(|s| ApiUser(s.account))
            .ok_or_else(ApiError::unauthenticated)
    }
}

/// Argon2 takes tens of milliseconds of CPU and 19 MiB: hashes are heavy work (the `heavy`
/// module), so a burst of logins does not stall the runtime's threads and their memory
/// stays bounded.
static HASHING: Heavy = Heavy::per_core();

/// The hashes' working memory between them (at most one per [`HASHING`] permit), so a burst
/// of logins reuses it instead of faulting in 19 MiB of fresh pages each; a memory unused
/// for [`MEMORY_IDLE`] is given back, so a quiet server holds none.
static MEMORY: KeptMemory = KeptMemory::new();
pub(crate) const MEMORY_IDLE: Duration = Duration::from_secs(30);

/// Working memories put back, each with when it was.
struct KeptMemory(Mutex<Vec<(Instant, HashMemory)>>);

impl KeptMemory {
    const fn new() -> Self {
        Self(Mutex::new(Vec::new()))
    }

    fn take(&self) -> HashMemory {
        self.lock()
            .pop()
            .map(|(_, memory)| memory)
            .unwrap_or_default()
    }

    fn put(&self, memory: HashMemory, now: Instant) {
        self.lock().push((now, memory));
    }

    /// Drops the memories put back `idle` or longer before `now`.
    fn forget_idle(&self, now: Instant, idle: Duration) {
        self.lock()
            .retain(|(at, _)| now.saturating_duration_since(*at) < idle);
    }

    fn bytes(&self) -> usize {
        self.lock().iter().map(|(_, memory)| memory.bytes()).sum()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(Instant, HashMemory)>> {
        // The list is valid whatever a panicking holder did to it.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Bytes of working memory kept for the next password hash (for `/metrics`).
pub fn kept_hash_memory() -> usize {
    MEMORY.bytes()
}

async fn hashing<T: Send + 'static>(
    work: impl FnOnce(&mut HashMemory) -> T + Send + 'static,
) -> Result<T, ApiError> {
    let mut memory = MEMORY.take();
    let (result, memory) = HASHING.run(move || (work(&mut memory), memory)).await?;
    MEMORY.put(memory, Instant::now());
    tokio::spawn(async {
        tokio::time::sleep(MEMORY_IDLE).await;
        MEMORY.forget_idle(Instant::now(), MEMORY_IDLE);
    });
    Ok(result)
}

/// A new password's Argon2id hash (see [`HASHING`]).
pub async fn hash_password(password: &str) -> Result<String, ApiError> {
    let password = password.to_string();
    hashing(move |memory| sangkien_domain::account::hash_password_with(&password, memory))
        .await?
        .map_err(|_| ApiError::internal())
}

/// Whether `password` matches the stored hash `phc` (see [`HASHING`]).
pub async fn verify_password(password: &str, phc: String) -> Result<bool, ApiError> {
    let password = password.to_string();
    hashing(move |memory| sangkien_domain::account::verify_password_with(&password, &phc, memory))
        .await
}

/// The value of one cookie.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure when configured.
pub fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// A browser session, if the cookie names a live one.
pub async fn web_session(
    headers: &HeaderMap,
    state: &AppState,
) -> Result<Option<(String, Session)>, ApiError> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let mut conn = state.store.reader().await?;
    let session = account::session(&mut conn, token, SessionKind::Web, state.now()).await?;
    Ok(session.map(|s| (token.to_string(), s)))
}

/// Compares two secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Failed logins allowed per account, and per address, in [`LOGIN_WINDOW_SECONDS`].
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;
pub const LOGIN_WINDOW_SECONDS: i64 = 15 * 60;

/// Checks a username and password, with rate limiting per account and per address,
/// and opens a session of `kind`. Returns the account, the token and the CSRF token.
/// Unknown users and wrong passwords get the same answer in about the same time.
pub async fn login(
    state: &AppState,
    username: &str,
    password: &str,
    address: &str,
    kind: SessionKind,
) -> Result<(Account, String, String), ApiError> {
    let now = state.now();
    let username = username.trim().to_lowercase();
    let too_many = || {
        ApiError::new(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "Đăng nhập sai quá nhiều lần. Vui lòng chờ 15 phút rồi thử lại, hoặc liên hệ quản trị hệ thống.",
        )
    };
    let limited = |(by_account, by_address): (i64, i64)| {
        by_account >= MAX_FAILURES_PER_ACCOUNT || by_address >= MAX_FAILURES_PER_ADDRESS
    };
    // The password is checked before the write transaction, not inside it: Argon2 takes
    // tens of milliseconds, and on SQLite every other write would wait for it.
    let since = now - LOGIN_WINDOW_SECONDS;
    let stored = {
        let mut conn = state.store.reader().await?;
        if limited(account::recent_failures(&mut conn, &username, address, since).await?) {
            return Err(too_many());
        }
        account::get_with_hash(&mut conn, &username)
            .await?
            .map(|(_, hash)| hash)
    };
    let checked_hash = stored.unwrap_or_else(|| sangkien_domain::account::DUMMY_HASH.to_string());
    let password_ok = verify_password(password, checked_hash.clone()).await?;
    // Then the writer: the attempts made meanwhile count, and the account is taken as it is
    // now; a password changed in between is not the one just checked.
    let mut tx = state.store.begin().await?;
    if limited(account::recent_failures(&mut tx, &username, address, since).await?) {
        return Err(too_many());
    }
    let account = account::get_with_hash(&mut tx, &username)
        .await?
        .filter(|(a, hash)| a.active && password_ok && *hash == checked_hash)
        .map(|(a, _)| a);
    account::record_attempt(&mut tx, &username, address, now, account.is_some()).await?;
    let Some(account) = account else {
        sangkien_storage::Store::commit(tx).await?;
        return Err(ApiError::new(
            axum::http::StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "Tên đăng nhập hoặc mật khẩu không đúng.",
        ));
    };
    let ttl = match kind {
        SessionKind::Api => API_SESSION_SECONDS,
        SessionKind::Web => WEB_SESSION_SECONDS,
    };
    let (token, csrf) = account::create_session(&mut tx, account.id, kind, now, ttl).await?;
    sangkien_storage::Store::commit(tx).await?;
    tracing::info!(account_id = account.id, "login");
    Ok((account, token, csrf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_memory_is_reused_then_given_back_when_idle() {
        let kept = KeptMemory::new();
        let mut memory = kept.take();
        assert_eq!(memory.bytes(), 0, "nothing kept yet: a new memory");
        let dummy = sangkien_domain::account::DUMMY_HASH;
        assert!(!sangkien_domain::account::verify_password_with(
            "x",
            dummy,
            &mut memory
        ));
        let t0 = Instant::now();
        kept.put(memory, t0);
        assert_eq!(kept.bytes(), 19 * 1024 * 1024);
        let again = kept.take();
        assert_eq!(again.bytes(), 19 * 1024 * 1024, "the same memory again");
        assert_eq!(kept.bytes(), 0);
        kept.put(again, t0);
        kept.put(HashMemory::default(), t0 + Duration::from_secs(20));
        kept.forget_idle(t0 + Duration::from_secs(29), MEMORY_IDLE);
        assert_eq!(kept.bytes(), 19 * 1024 * 1024, "used 29 s ago: kept");
        kept.forget_idle(t0 + Duration::from_secs(30), MEMORY_IDLE);
        assert_eq!(kept.bytes(), 0, "used 30 s ago: given back");
        assert_eq!(kept.lock().len(), 1, "the one put back at 20 s stays");
    }

    #[tokio::test]
    async fn hashes_through_kept_memory_verify() {
        let hash = hash_password("Cao-Bang-2021").await.expect("hash");
        assert!(
            verify_password("Cao-Bang-2021", hash.clone())
                .await
                .expect("verify")
        );
        assert!(
            !verify_password("Cao-Bang-2022", hash)
                .await
                .expect("verify")
        );
        // The memory went back to the list for the next hash (nothing else in this crate's
        // unit tests hashes, and it is kept for 30 s).
        let kept = kept_hash_memory();
        assert!(kept >= 19 * 1024 * 1024, "{kept}");
        assert_eq!(kept % (19 * 1024 * 1024), 0);
    }
}
