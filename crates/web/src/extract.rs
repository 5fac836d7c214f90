//! Extractors that turn malformed requests into the API's error shape: wrong content
//! type (415), body too large (413), invalid UTF-8 or JSON syntax (400), wrong types or
//! unknown fields (422 naming the field), bad path ids (404).

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, FromRequest, FromRequestParts, Path, Request},
    http::{StatusCode, header, request::Parts},
};
use bytes::Bytes;
use serde::de::DeserializeOwned;

use sangkien_app::{Error, ErrorKind};

use crate::error::ApiError;

/// The API's answer to a body that is not `multipart/form-data` with a boundary.
pub fn not_multipart(_: axum::extract::multipart::MultipartRejection) -> ApiError {
    ApiError(Error::new(
        ErrorKind::UnsupportedType,
        "unsupported_media_type",
        "Tệp phải được gửi dạng multipart/form-data với trường «file».",
    ))
}

/// A JSON body.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| {
                ct.split(';')
                    .next()
                    .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
        if !is_json {
            return Err(ApiError(Error::new(
                ErrorKind::UnsupportedType,
                "unsupported_media_type",
                "Nội dung phải ở dạng JSON (Content-Type: application/json).",
            )));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            ApiError(if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Error::new(
                    ErrorKind::TooLarge,
                    "payload_too_large",
                    "Nội dung gửi lên quá lớn.",
                )
            } else {
                Error::bad_request("unreadable_body", "Không đọc được nội dung gửi lên.")
            })
        })?;
        Ok(ApiJson(parse_json(&bytes)?))
    }
}

/// Parses JSON bytes with the API's error mapping.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        Error::bad_request(
            "invalid_utf8",
            "Nội dung gửi lên không phải văn bản UTF-8 hợp lệ.",
        )
    })?;
    let mut de = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => data_error(&path, &inner.to_string()),
            _ => Error::bad_request(
                "malformed_json",
                format!(
                    "JSON không đúng cú pháp (dòng {}, cột {}).",
                    inner.line(),
                    inner.column()
                ),
            ),
        }
    })?;
    de.end().map_err(|_| {
        Error::bad_request(
            "malformed_json",
            "JSON có nội dung thừa sau đối tượng chính.",
        )
    })?;
    Ok(value)
}

fn data_error(path: &str, reason: &str) -> Error {
    let field = if path == "." {
        String::new()
    } else {
        path.to_string()
    };
    let message = if let Some(rest) = reason.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or("");
        // serde_path_to_error's path already ends with the unknown field.
        let full = if field.is_empty() {
            name.to_string()
        } else {
            field.clone()
        };
        return Error::field(
            &full,
            format!("Trường «{full}» không được hỗ trợ; hãy bỏ trường này."),
        );
    } else if let Some(rest) = reason.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or("");
        return Error::field(name, format!("Thiếu trường bắt buộc «{name}»."));
    } else if reason.contains("expected i64")
        || reason.contains("expected u")
        || reason.contains("expected i32")
    {
        "phải là một số nguyên".to_string()
    } else if reason.contains("expected f64") {
        "phải là một số".to_string()
    } else if reason.contains("expected a string") {
        "phải là một chuỗi ký tự".to_string()
    } else if reason.contains("expected a boolean") {
        "phải là true hoặc false".to_string()
    } else if reason.contains("expected a sequence") {
        "phải là một danh sách".to_string()
    } else if reason.contains("expected struct") || reason.contains("expected a map") {
        "phải là một đối tượng JSON".to_string()
    } else {
        "có giá trị không hợp lệ".to_string()
    };
    let label = if field.is_empty() {
        "Nội dung gửi lên".to_string()
    } else {
        format!("Trường «{field}»")
    };
    Error::field(
        if field.is_empty() { "body" } else { &field },
        format!("{label} {message}."),
    )
}

/// A numeric id in the path; anything else is "not found".
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Key(raw) = Key::from_request_parts(parts, state).await?;
        raw.parse::<i64>()
            .map(Id)
            .map_err(|_| ApiError(Error::not_found("đối tượng")))
    }
}

/// Two numeric ids in the path (`/entries/{id}/attachments/{aid}`); anything else is
/// "not found".
pub struct Ids(pub i64, pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Ids {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let not_found = || ApiError(Error::not_found("đối tượng"));
        let Path((a, b)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| not_found())?;
        match (a.parse(), b.parse()) {
            (Ok(a), Ok(b)) => Ok(Ids(a, b)),
            _ => Err(not_found()),
        }
    }
}

/// A text key in the path (unit code, username).
pub struct Key(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Key {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError(Error::not_found("đối tượng")))?;
        Ok(Key(raw))
    }
}

/// The client's address, for rate limiting; "unknown" in-process (tests).
pub struct ClientAddr(pub String);

/// The client's address: the peer, or, when the peer is a trusted reverse proxy, the
/// rightmost address of `X-Forwarded-For` that is not itself a trusted proxy (the
/// leftmost entries are whatever the client chose to send, so they are never believed).
pub fn client_addr(
    peer: Option<std::net::IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &[std::net::IpAddr],
) -> String {
    let Some(peer) = peer else {
        return "unknown".into();
    };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let mut client = peer;
    for hop in forwarded_for.unwrap_or("").rsplit(',') {
        match hop.trim().parse::<std::net::IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => client = ip,
            Ok(ip) => return ip.to_string(),
            Err(_) => break,
        }
    }
    client.to_string()
}

impl FromRequestParts<crate::AppState> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::AppState,
    ) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        Ok(ClientAddr(client_addr(
            peer,
            forwarded,
            &state.config.trusted_proxies,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::client_addr;

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxy: std::net::IpAddr = "127.0.0.1"
            .parse()
            .unwrap_or(std::net::IpAddr::from([0; 4]));
        let peer = Some(proxy);
        // No trusted proxy configured: the peer is the client, whatever the header says.
        assert_eq!(client_addr(peer, Some("203.0.113.9"), &[]), "127.0.0.1");
        // Behind the trusted proxy: the address it appended.
        assert_eq!(
            client_addr(peer, Some("203.0.113.9"), &[proxy]),
            "203.0.113.9"
        );
        // A client that forges an entry only adds to the left of the real one.
        assert_eq!(
            client_addr(peer, Some("10.9.9.9, 203.0.113.9"), &[proxy]),
            "203.0.113.9"
        );
        // Two trusted hops.
        let lb: std::net::IpAddr = "10.0.0.2".parse().unwrap_or(proxy);
        assert_eq!(
            client_addr(peer, Some("198.51.100.7, 10.0.0.2"), &[proxy, lb]),
            "198.51.100.7"
        );
        // An untrusted peer sending the header is itself the client.
        let other = Some("192.0.2.1".parse().unwrap_or(proxy));
        assert_eq!(
            client_addr(other, Some("203.0.113.9"), &[proxy]),
            "192.0.2.1"
        );
        assert_eq!(client_addr(None, None, &[]), "unknown");
        // Garbage in the header: stop at the last address understood.
        assert_eq!(client_addr(peer, Some("rác"), &[proxy]), "127.0.0.1");
    }
}

/// `?page=&per_page=`, 1-based, at most 200 a page.
#[derive(Debug, Clone, Copy)]
pub struct Paging(pub sangkien_app::Paging);

impl<S: Send + Sync> FromRequestParts<S> for Paging {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let mut paging = sangkien_app::Paging::default();
        for pair in parts
            .uri
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
        {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let parse = |field: &str, max: i64| {
                v.parse::<i64>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or_else(|| {
                        Error::field(
                            field,
                            format!("Tham số «{field}» phải là số nguyên từ 1 đến {max}."),
                        )
                    })
            };
            match k {
                "page" => paging.page = parse("page", 1_000_000)?,
                "per_page" => paging.per_page = parse("per_page", 200)?,
                _ => {}
            }
        }
        Ok(Paging(paging))
    }
}
