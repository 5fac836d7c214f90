//! Domain errors: field validation (HTTP 422) and rule violations (usually 409).

use serde::Serialize;

/// One invalid field: `field` is a JSON path such as `criteria[2].max_points`,
/// `message` is Vietnamese and says what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Every invalid field of one input, collected rather than stopping at the first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ValidationErrors {
    pub fields: Vec<FieldError>,
}

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.fields.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    pub fn single(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut e = Self::new();
        e.add(field, message);
        e
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// `Ok(value)` when nothing was added, otherwise the collected errors.
    pub fn into_result<T>(self, value: T) -> Result<T, Self> {
        if self.fields.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl std::fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .fields
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        write!(f, "{}", parts.join("; "))
    }
}

impl std::error::Error for ValidationErrors {}

/// A rule of the contest refused the action: wrong state, deadline passed, missing role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct RuleError {
    /// snake_case code for clients, e.g. `invalid_transition`.
    pub code: &'static str,
    /// Vietnamese explanation for people.
    pub message: String,
    pub kind: RuleKind,
    pub details: serde_json::Value,
}

/// How a rule error maps to HTTP: a wrong state (409) or a missing permission (403).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    Conflict,
    Forbidden,
    Invalid,
}

impl RuleError {
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            kind: RuleKind::Conflict,
            details: serde_json::Value::Null,
        }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self {
            code: "forbidden",
            message: message.into(),
            kind: RuleKind::Forbidden,
            details: serde_json::Value::Null,
        }
    }

    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            kind: RuleKind::Invalid,
            details: serde_json::Value::Null,
        }
    }

    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}
