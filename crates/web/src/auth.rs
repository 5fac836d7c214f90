//! Who is calling: API callers by Bearer token, browsers by session cookie. The
//! sessions themselves are the application's (`sangkien_app::session`).

use axum::{
    extract::FromRequestParts,
    http::{HeaderMap, header, request::Parts},
};
use sangkien_app::session;
use sangkien_storage::account::{Account, Session, SessionKind};

use crate::{AppState, error::ApiError};

pub const SESSION_COOKIE: &str = "sk_session";
pub const LOGIN_CSRF_COOKIE: &str = "sk_login_csrf";

/// An authenticated API caller.
pub struct ApiUser(pub Account);

/// The Bearer token of a request, if it sends one.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(&parts.headers).ok_or_else(sangkien_app::Error::unauthenticated)?;
        let found = session::find(state, token, SessionKind::Api).await?;
        found
            .map(|s| ApiUser(s.account))
            .ok_or_else(|| sangkien_app::Error::unauthenticated().into())
    }
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
) -> Result<Option<(String, Session)>, sangkien_app::Error> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let found = session::find(state, token, SessionKind::Web).await?;
    Ok(found.map(|s| (token.to_string(), s)))
}
