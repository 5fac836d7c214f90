//! Contests: their settings (§3.1) and their lifecycle (§3).

mod settings;
mod state;

pub use settings::{
    Aggregation, Band, BandInput, ContestInput, ContestSettings, Criterion, CriterionInput,
    EntryForm, Plan, PlanInput, Prize, PrizeInput, PrizeTier, Topic, TopicInput, change_allowed,
    from_stored, validate,
};
pub use state::{ContestState, can_view, check_role, check_transition, targets_from};
