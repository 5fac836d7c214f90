//! The rules of an initiative contest, free of I/O and frameworks.
//!
//! Everything here is deterministic: the caller passes the current time, the set of
//! known units and the acting user; functions return either the new value or a typed
//! error whose message is Vietnamese and names the field or rule involved.

pub mod account;
pub mod agency;
pub mod archive;
pub mod audit;
pub mod award;
pub mod collate;
pub mod contest;
pub mod entry;
pub mod error;
pub mod fingerprint;
pub mod judging;
pub mod labels;
pub mod library;
pub mod points;
pub mod similarity;
pub mod text;
pub mod time;
pub mod unit;

pub use error::{FieldError, RuleError, ValidationErrors};
