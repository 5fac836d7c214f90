//! Results as the API's JSON. A result whose shape is built by hand writes itself as a
//! `serde_json::Value` ([`ToJson`]), so the API passes that value on without copying it;
//! its `Serialize` goes through the same value (keys in order, as every answer).

use serde_json::Value;

/// A result that writes itself as the API's JSON.
pub trait ToJson {
    fn to_json(&self) -> Value;
}

/// `Serialize` for [`ToJson`] types, through their JSON.
macro_rules! json_serialize {
    ($($t:ty),+ $(,)?) => {$(
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                serde::Serialize::serialize(&$crate::json::ToJson::to_json(self), s)
            }
        }
    )+};
}

pub(crate) use json_serialize;
