//! Posted forms, parsed once into typed structs: plain forms through serde, and forms
//! with numbered rows (`a0_full_name`, `m3_role`, `points.novelty`) through [`FromPairs`].
//! Every form carries the session's CSRF token, checked here against the session the
//! handler's `PageUser` found: a form whose token does not match (or a body that cannot
//! be read, which becomes the empty form) gets the "form expired" page.

use axum::{
    Form,
    extract::{FromRequest, Request},
    http::StatusCode,
    response::Response,
};
use sangkien_app::session::same_secret;
use serde::de::DeserializeOwned;

use super::error_page;
use crate::AppState;

/// The session's CSRF token, left in the request by `PageUser` for the form to check.
#[derive(Clone)]
pub(super) struct SessionCsrf(pub String);

/// A form's CSRF field.
pub trait Csrf {
    fn csrf(&self) -> &str;
}

/// `Csrf` for forms with a `csrf` field.
macro_rules! csrf_field {
    ($($t:ty),+ $(,)?) => {$(
        impl $crate::pages::form::Csrf for $t {
            fn csrf(&self) -> &str {
                &self.csrf
            }
        }
    )+};
}
pub(super) use csrf_field;

/// Refuses a form whose token is not the session's (no session: refused too).
#[allow(clippy::result_large_err)]
fn check(expected: Option<SessionCsrf>, form: &impl Csrf) -> Result<(), Response> {
    match expected {
        Some(SessionCsrf(token)) if same_secret(form.csrf(), &token) => Ok(()),
        _ => Err(error_page(
            StatusCode::FORBIDDEN,
            "Biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang rồi thử lại.",
        )),
    }
}

/// A form with named fields, parsed by serde, its CSRF token checked.
pub struct Posted<T>(pub T);

impl<T: DeserializeOwned + Default + Csrf> FromRequest<AppState> for Posted<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let expected = req.extensions().get::<SessionCsrf>().cloned();
        let form = Form::<T>::from_request(req, state)
            .await
            .map(|Form(f)| f)
            .unwrap_or_default();
        check(expected, &form)?;
        Ok(Posted(form))
    }
}

/// A form's fields in the order they came.
#[derive(Debug, Clone, Default)]
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    /// The value of a field (empty when absent).
    pub fn get(&self, k: &str) -> String {
        self.0
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every value of a repeated field (checkboxes).
    pub fn all(&self, k: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// A form with numbered rows, made from its fields.
pub trait FromPairs {
    fn from_pairs(p: &Pairs) -> Self;
}

/// A form with numbered rows, parsed by its [`FromPairs`], its CSRF token checked.
pub struct Rows<T>(pub T);

impl<T: FromPairs + Csrf> FromRequest<AppState> for Rows<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let expected = req.extensions().get::<SessionCsrf>().cloned();
        let pairs = Form::<Vec<(String, String)>>::from_request(req, state)
            .await
            .map(|Form(p)| p)
            .unwrap_or_default();
        let form = T::from_pairs(&Pairs(pairs));
        check(expected, &form)?;
        Ok(Rows(form))
    }
}

/// A form that only carries its CSRF token (a button).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct CsrfOnly {
    pub csrf: String,
}

csrf_field!(CsrfOnly);

/// The fields of a refused form and their messages (the refusal's own message under no
/// field when it names none), for the form shown again.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    pub fn of(e: &sangkien_app::Error) -> FieldErrors {
        let fields = e.fields();
        FieldErrors(if fields.is_empty() {
            vec![(String::new(), e.message.clone())]
        } else {
            fields
        })
    }

    /// The message of one field, or empty.
    pub fn on(&self, field: &str) -> String {
        self.0
            .iter()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The messages of a field and of everything under it (`criteria[0].bands` also
    /// gets those of `criteria[0].bands[2].max`).
    pub fn under(&self, field: &str) -> String {
        self.0
            .iter()
            .filter(|(f, _)| {
                f.strip_prefix(field)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(['[', '.']))
            })
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl<'a> IntoIterator for &'a FieldErrors {
    type Item = &'a (String, String);
    type IntoIter = std::slice::Iter<'a, (String, String)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
