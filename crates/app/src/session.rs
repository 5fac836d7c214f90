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

/// How long a «Quên mật khẩu» link works.
pub const RESET_SECONDS: i64 = 30 * 60;

/// «Quên mật khẩu»: when SMTP is set and `who` (a username or an e-mail address) names
/// an active account with an address, a single-use link to `base_url` is mailed to it.
/// The answer is the same whether or not the account exists; `Ok(false)` only says that
/// no mail can be sent at all (SMTP is not set), which the page says instead.
pub async fn request_reset(app: &App, who: &str, base_url: &str) -> Result<bool> {
    if crate::mail::configured(&app.store).await?.is_none() {
        return Ok(false);
    }
    let who = who.trim().to_lowercase();
    if who.is_empty() {
        return Ok(true);
    }
    let now = app.now();
    let mut tx = app.store.begin().await?;
    let found = account::list(&mut tx).await?.into_iter().find(|a| {
        a.active
            && a.email.as_deref().is_some_and(|m| !m.trim().is_empty())
            && (a.username == who
                || a.email.as_deref().map(str::to_lowercase).as_deref() == Some(who.as_str()))
    });
    if let Some(a) = found {
        let token = account::create_reset(&mut tx, a.id, now, now + RESET_SECONDS).await?;
        let body = format!(
            "Có yêu cầu đặt lại mật khẩu cho tài khoản {} của đồng chí. Để đặt mật khẩu mới, mở liên kết sau \
             (dùng được một lần, trong 30 phút):\n\n{base_url}/password/reset?token={token}\n\n\
             Nếu đồng chí không yêu cầu, xin bỏ qua thư này: mật khẩu hiện tại vẫn giữ nguyên.",
            a.username
        );
        let note = crate::notify::Note {
            contest_id: None,
            kind: "password_reset",
            subject: "Đặt lại mật khẩu".into(),
            body: &body,
        };
        crate::notify::account(&mut tx, now, &a, &note).await?;
    }
    Store::commit(tx).await?;
    Ok(true)
}

fn reset_link_dead() -> Error {
    Error::conflict(
        "reset_link_invalid",
        "Liên kết đặt lại mật khẩu đã hết hạn hoặc đã được dùng. Hãy yêu cầu liên kết mới.",
    )
}

/// The account a live link is for (the form names it), or why the link does not work.
pub async fn reset_account(app: &App, token: &str) -> Result<Account> {
    let mut conn = app.store.reader().await?;
    account::reset_account(&mut conn, token, app.now())
        .await?
        .ok_or_else(reset_link_dead)
}

/// Sets a new password through a live link, which is then spent; every session of the
/// account ends.
pub async fn reset_password(app: &App, token: &str, new_password: &str, again: &str) -> Result<()> {
    let a = reset_account(app, token).await?;
    let mut e = sangkien_domain::ValidationErrors::new();
    if let Err(m) = sangkien_domain::account::check_password(&a.username, new_password) {
        e.add("new_password", m);
    } else if new_password != again {
        e.add(
            "new_password_again",
            "Hai lần nhập mật khẩu mới không giống nhau.",
        );
    }
    e.into_result(())?;
    let hash = password::hash_password(new_password).await?;
    let now = app.now();
    let mut tx = app.store.begin().await?;
    if !account::spend_reset(&mut tx, token, now).await? {
        return Err(reset_link_dead());
    }
    let before = account::get(&mut tx, &a.username)
        .await?
        .ok_or_else(reset_link_dead)?;
    account::update(
        &mut tx,
        &sangkien_storage::audit::Actor::user(&a.username, now),
        &before,
        &before,
        Some(&hash),
    )
    .await?;
    account::delete_sessions_of(&mut tx, before.id).await?;
    Store::commit(tx).await?;
    Ok(())
}
