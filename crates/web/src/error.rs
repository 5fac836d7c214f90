//! One error type for the API: `{"error": {"code", "message", "details"}}` with the
//! right status. Internal details are logged, never sent.

use axum::{
    Json,
    http::{StatusCode, Uri},
    response::{IntoResponse, Response},
};
use sangkien_domain::{RuleError, ValidationErrors, error::RuleKind};
use sangkien_storage::StorageError;
use serde_json::{Value, json};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Value,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: Value::Null,
        }
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Bạn cần đăng nhập để thực hiện thao tác này.",
        )
    }

    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Bạn không có quyền thực hiện thao tác này.",
        )
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("Không tìm thấy {what}."),
        )
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Hệ thống gặp lỗi ngoài ý muốn; dữ liệu chưa được thay đổi. Vui lòng thử lại sau ít phút.",
        )
    }

    /// One invalid field (422).
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        ValidationErrors::single(field, message).into()
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(e: ValidationErrors) -> Self {
        let first = e
            .fields
            .first()
            .map(|f| f.message.clone())
            .unwrap_or_default();
        let message = if e.fields.len() > 1 {
            format!("Dữ liệu chưa hợp lệ ({} lỗi). {first}", e.fields.len())
        } else {
            format!("Dữ liệu chưa hợp lệ. {first}")
        };
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            message,
        )
        .with_details(json!({ "fields": e.fields }))
    }
}

impl From<RuleError> for ApiError {
    fn from(e: RuleError) -> Self {
        let status = match e.kind {
            RuleKind::Conflict => StatusCode::CONFLICT,
            RuleKind::Forbidden => StatusCode::FORBIDDEN,
            RuleKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::new(status, e.code, e.message).with_details(e.details)
    }
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::Duplicate(field) => {
                ApiError::field(field, "Giá trị này đã được dùng; hãy chọn giá trị khác.")
            }
            other if other.is_unavailable() => {
                tracing::warn!(error = %other, "database unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database_unavailable",
                    "Cơ sở dữ liệu tạm thời không phản hồi, thao tác có thể chưa được lưu. Vui lòng chờ ít phút, kiểm tra lại rồi thử lại.",
                )
            }
            other => {
                tracing::error!(error = %other, "storage error");
                ApiError::internal()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({"error": {"code": self.code, "message": self.message}});
        if !self.details.is_null() {
            body["error"]["details"] = self.details;
        }
        (self.status, Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Unknown paths: JSON under `/api`, a Vietnamese page elsewhere.
pub async fn fallback(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "route_not_found",
            "Không có địa chỉ API này.",
        )
        .into_response()
    } else {
        crate::pages::error_page(StatusCode::NOT_FOUND, "Không tìm thấy trang bạn yêu cầu.")
    }
}

pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a handler panicked");
    ApiError::internal().into_response()
}
