//! An application error as an HTTP answer: `{"error": {"code", "message", "details"}}`
//! with the status its kind calls for. Internal details were logged where they happened,
//! never sent.

use axum::{
    Json,
    http::{StatusCode, Uri},
    response::{IntoResponse, Response},
};
use sangkien_app::{Error, ErrorKind};
use serde_json::json;

/// The HTTP status of an error's kind.
pub fn status(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorKind::UnsupportedType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// An error answered as JSON.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

impl From<sangkien_storage::StorageError> for ApiError {
    fn from(e: sangkien_storage::StorageError) -> Self {
        ApiError(e.into())
    }
}

impl From<sangkien_domain::ValidationErrors> for ApiError {
    fn from(e: sangkien_domain::ValidationErrors) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        let mut body = json!({"error": {"code": e.code, "message": e.message}});
        if !e.details.is_null() {
            body["error"]["details"] = e.details;
        }
        (status(e.kind), Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Unknown paths: JSON under `/api`, a Vietnamese page elsewhere.
pub async fn fallback(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError(Error::new(
            ErrorKind::NotFound,
            "route_not_found",
            "Không có địa chỉ API này.",
        ))
        .into_response()
    } else {
        crate::pages::error_page(StatusCode::NOT_FOUND, "Không tìm thấy trang bạn yêu cầu.")
    }
}

pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a handler panicked");
    ApiError(Error::internal()).into_response()
}
