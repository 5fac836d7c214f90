//! Posted forms, parsed once into typed structs: plain forms through serde, and forms
//! with numbered rows (`a0_full_name`, `m3_role`, `points.novelty`) through [`FromPairs`].
//! A body that cannot be read becomes the empty form, whose missing CSRF token then
//! gets the "form expired" page.

use axum::{
    Form,
    extract::{FromRequest, Request},
};
use serde::de::DeserializeOwned;

use crate::AppState;

/// A form with named fields, parsed by serde.
pub struct Posted<T>(pub T);

impl<T: DeserializeOwned + Default> FromRequest<AppState> for Posted<T> {
    type Rejection = std::convert::Infallible;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Posted(
            Form::<T>::from_request(req, state)
                .await
                .map(|Form(f)| f)
                .unwrap_or_default(),
        ))
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

/// A form with numbered rows, parsed by its [`FromPairs`].
pub struct Rows<T>(pub T);

impl<T: FromPairs> FromRequest<AppState> for Rows<T> {
    type Rejection = std::convert::Infallible;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let pairs = Form::<Vec<(String, String)>>::from_request(req, state)
            .await
            .map(|Form(p)| p)
            .unwrap_or_default();
        Ok(Rows(T::from_pairs(&Pairs(pairs))))
    }
}

/// A form that only carries its CSRF token (a button).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct CsrfOnly {
    pub csrf: String,
}
