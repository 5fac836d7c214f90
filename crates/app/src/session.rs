//! Signing in and out: sessions for API callers (Bearer tokens) and browsers (cookies),
//! with failed logins limited per account and per address.

use sangkien_storage::{
    Store,
    account::{self, Account, Session, SessionKind},
};

use crate::{App, Error, ErrorKind, Result, password};

/// Web sessions last a working day; API tokens a day and a night.
pub const WEB_SESSION_SECONDS: i64 = 12 * 3600;
pub const API_SESSION_SECONDS: i64 = 24 * 3600;

/// Failed logins allowed per account, and per address, in [`LOGIN_WINDOW_SECONDS`].
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;
pub const LOGIN_WINDOW_SECONDS: i64 = 15 * 60;

/// A session just opened.
pub struct SignedIn {
    pub account: Account,
    pub token: String,
    pub csrf: String,
}

/// The live session a token names, if any.
pub async fn find(app: &App, token: &str, kind: SessionKind) -> Result<Option<Session>> {
    let mut conn = app.store.reader().await?;
    Ok(account::session(&mut conn, token, kind, app.now()).await?)
}

/// Ends the session a token names (nothing happens for an unknown token).
pub async fn end(app: &App, token: &str) -> Result<()> {
    let mut tx = app.store.begin().await?;
    account::delete_session(&mut tx, token).await?;
    Store::commit(tx).await?;
    Ok(())
}

/// Compares two secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A random token (for the login form's double-submit cookie).
pub fn random_token() -> Result<String> {
    Ok(account::random_token()?)
}

/// Checks a username and password, with rate limiting per account and per address,
/// and opens a session of `kind`. Unknown users and wrong passwords get the same answer
/// in about the same time.
pub async fn login(
    app: &App,
    username: &str,
    password: &str,
    address: &str,
    kind: SessionKind,
) -> Result<SignedIn> {
    let now = app.now();
    let username = username.trim().to_lowercase();
    let too_many = || {
        Error::new(
            ErrorKind::TooManyAttempts,
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
        let mut conn = app.store.reader().await?;
        if limited(account::recent_failures(&mut conn, &username, address, since).await?) {
            return Err(too_many());
        }
        account::get_with_hash(&mut conn, &username)
            .await?
            .map(|(_, hash)| hash)
    };
    let checked_hash = stored.unwrap_or_else(|| sangkien_domain::account::DUMMY_HASH.to_string());
    let password_ok = password::verify_password(password, checked_hash.clone()).await?;
    // Then the writer: the attempts made meanwhile count, and the account is taken as it is
    // now; a password changed in between is not the one just checked.
    let mut tx = app.store.begin().await?;
    if limited(account::recent_failures(&mut tx, &username, address, since).await?) {
        return Err(too_many());
    }
    let found = account::get_with_hash(&mut tx, &username)
        .await?
        .filter(|(a, hash)| a.active && password_ok && *hash == checked_hash)
        .map(|(a, _)| a);
    account::record_attempt(&mut tx, &username, address, now, found.is_some()).await?;
    let Some(found) = found else {
        Store::commit(tx).await?;
        return Err(Error::new(
            ErrorKind::Unauthenticated,
            "invalid_credentials",
            "Tên đăng nhập hoặc mật khẩu không đúng.",
        ));
    };
    let ttl = match kind {
        SessionKind::Api => API_SESSION_SECONDS,
        SessionKind::Web => WEB_SESSION_SECONDS,
    };
    let (token, csrf) = account::create_session(&mut tx, found.id, kind, now, ttl).await?;
    Store::commit(tx).await?;
    tracing::info!(account_id = found.id, "login");
    Ok(SignedIn {
        account: found,
        token,
        csrf,
    })
}

/// What a user types to change their own password.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
    pub new_password_again: String,
}

/// A signed-in user changes their own password: the current one is needed (wrong guesses
/// count as failed logins, so they are limited the same way), and every other session of
/// the account ends; the one in `keep` (the user's own) stays.
pub async fn change_password(
    app: &App,
    user: &Account,
    keep: &str,
    address: &str,
    change: &PasswordChange,
) -> Result<()> {
    let now = app.now();
    let since = now - LOGIN_WINDOW_SECONDS;
    let stored = {
        let mut conn = app.store.reader().await?;
        let (by_account, by_address) =
            account::recent_failures(&mut conn, &user.username, address, since).await?;
        if by_account >= MAX_FAILURES_PER_ACCOUNT || by_address >= MAX_FAILURES_PER_ADDRESS {
            return Err(Error::new(
                ErrorKind::TooManyAttempts,
                "too_many_attempts",
                "Nhập sai mật khẩu quá nhiều lần. Vui lòng chờ 15 phút rồi thử lại.",
            ));
        }
        account::get_with_hash(&mut conn, &user.username)
            .await?
            .map(|(_, hash)| hash)
            .ok_or_else(|| Error::not_found("tài khoản"))?
    };
    let current_ok = password::verify_password(&change.current_password, stored.clone()).await?;
    let mut e = sangkien_domain::ValidationErrors::new();
    if !current_ok {
        e.add("current_password", "Mật khẩu hiện tại không đúng.");
    }
    if let Err(m) = sangkien_domain::account::check_password(&user.username, &change.new_password) {
        e.add("new_password", m);
    } else if change.new_password != change.new_password_again {
        e.add(
            "new_password_again",
            "Hai lần nhập mật khẩu mới không giống nhau.",
        );
    }
    if !current_ok {
        let mut tx = app.store.begin().await?;
        account::record_attempt(&mut tx, &user.username, address, now, false).await?;
        Store::commit(tx).await?;
    }
    e.into_result(())?;
    // Hashed before the write transaction (see `login`).
    let hash = password::hash_password(&change.new_password).await?;
    let mut tx = app.store.begin().await?;
    let before = account::get_with_hash(&mut tx, &user.username)
        .await?
        .filter(|(_, h)| *h == stored)
        .map(|(a, _)| a)
        .ok_or_else(|| {
            Error::conflict(
                "password_changed",
                "Mật khẩu vừa được đổi ở nơi khác; hãy tải lại trang rồi thử lại.",
            )
        })?;
    account::update(
        &mut tx,
        &sangkien_storage::audit::Actor::user(&user.username, now),
        &before,
        &before,
        Some(&hash),
    )
    .await?;
    account::delete_other_sessions(&mut tx, before.id, keep).await?;
    Store::commit(tx).await?;
    Ok(())
}
