//! The one error of an application operation: what kind of refusal it is (the adapters
//! turn the kind into an HTTP status or a page), a snake_case code for clients, a
//! Vietnamese message for people, and details (the fields in error, the state needed).
//! Internal details are logged here, never put in the message.

use sangkien_domain::{RuleError, ValidationErrors, error::RuleKind};
use sangkien_storage::StorageError;
use serde_json::{Value, json};

/// Why an operation was refused or failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request itself cannot be read (400).
    BadRequest,
    /// Nobody is signed in (401).
    Unauthenticated,
    /// The caller may not do this (403).
    Forbidden,
    /// No such thing, or one the caller may not know of (404).
    NotFound,
    /// The contest's state or a concurrent change stands in the way (409).
    Conflict,
    /// A file or body is larger than allowed (413).
    TooLarge,
    /// A file of a type that is not accepted (415).
    UnsupportedType,
    /// Fields or a file that break the rules (422).
    Invalid,
    /// Too many attempts (429).
    TooManyAttempts,
    /// A failure of ours (500).
    Internal,
    /// The database or another service is away (503).
    Unavailable,
}

#[derive(Debug, Clone)]
pub struct Error {
    pub kind: ErrorKind,
    pub code: &'static str,
    pub message: String,
    pub details: Value,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
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
            ErrorKind::Unauthenticated,
            "unauthenticated",
            "Bạn cần đăng nhập để thực hiện thao tác này.",
        )
    }

    pub fn forbidden() -> Self {
        Self::new(
            ErrorKind::Forbidden,
            "forbidden",
            "Bạn không có quyền thực hiện thao tác này.",
        )
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            ErrorKind::NotFound,
            "not_found",
            format!("Không tìm thấy {what}."),
        )
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, code, message)
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadRequest, code, message)
    }

    pub fn internal() -> Self {
        Self::new(
            ErrorKind::Internal,
            "internal_error",
            "Hệ thống gặp lỗi ngoài ý muốn; dữ liệu chưa được thay đổi. Vui lòng thử lại sau ít phút.",
        )
    }

    /// One invalid field (422).
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        ValidationErrors::single(field, message).into()
    }

    /// A refusal because of the contest's state: `needs` names the state(s) it needs.
    pub fn wrong_state(state: &str, needs: &str, message: impl Into<String>) -> Self {
        Self::conflict("invalid_state", message)
            .with_details(json!({"state": state, "needs": needs}))
    }

    /// The messages of the fields in error, or the message itself when none is named.
    pub fn field_messages(&self) -> Vec<String> {
        let listed: Vec<String> = self
            .fields()
            .into_iter()
            .map(|(_, message)| message)
            .collect();
        if listed.is_empty() {
            vec![self.message.clone()]
        } else {
            listed
        }
    }

    /// The (field, message) pairs of a validation error; empty for other errors.
    pub fn fields(&self) -> Vec<(String, String)> {
        self.details
            .get("fields")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .map(|f| {
                        let text = |k: &str| f[k].as_str().unwrap_or_default().to_string();
                        (text("field"), text("message"))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

impl From<ValidationErrors> for Error {
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
        Error::new(ErrorKind::Invalid, "validation_failed", message)
            .with_details(json!({ "fields": e.fields }))
    }
}

impl From<RuleError> for Error {
    fn from(e: RuleError) -> Self {
        let kind = match e.kind {
            RuleKind::Conflict => ErrorKind::Conflict,
            RuleKind::Forbidden => ErrorKind::Forbidden,
            RuleKind::Invalid => ErrorKind::Invalid,
        };
        Error::new(kind, e.code, e.message).with_details(e.details)
    }
}

impl From<StorageError> for Error {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::Duplicate(field) => {
                Error::field(field, "Giá trị này đã được dùng; hãy chọn giá trị khác.")
            }
            other if other.is_unavailable() => {
                tracing::warn!(error = %other, "database unavailable");
                Error::new(
                    ErrorKind::Unavailable,
                    "database_unavailable",
                    "Cơ sở dữ liệu tạm thời không phản hồi, thao tác có thể chưa được lưu. Vui lòng chờ ít phút, kiểm tra lại rồi thử lại.",
                )
            }
            other => {
                tracing::error!(error = %other, "storage error");
                Error::internal()
            }
        }
    }
}
