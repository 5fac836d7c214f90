//! Contests: their settings (§3.1) and their lifecycle (§3).

mod settings;
mod state;

pub use settings::{
    Aggregation, Band, ContestInput, ContestSettings, Criterion, EntryForm, Plan, Prize, PrizeTier,
    Topic, change_allowed, from_stored, validate,
};
pub use state::{ContestState, check_transition, targets_from};
