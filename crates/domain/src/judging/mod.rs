//! Judging (SPEC §3.4, §3.5): score sheets checked against the rubric, exact
//! aggregation and ranking, and the assignment of judges to entries.

pub mod agreement;
pub mod assign;
pub mod council;
pub mod rank;
pub mod sheet;

pub use rank::{EntrySheets, RankRow, Ratio, rank};
pub use sheet::{Sheet, validate_points};
