//! Contests: their settings (§3.1) and their lifecycle (§3).

mod settings;
mod state;
mod validate;

pub use settings::{
    Aggregation, Band, BandInput, BudgetLine, BudgetLineInput, ContestInput, ContestSettings,
    Criterion, CriterionInput, EntryForm, Plan, PlanInput, Prize, PrizeInput, PrizeTier, Topic,
    TopicInput,
};
pub use state::{ContestState, can_view, check_role, check_transition, targets_from};
pub use validate::{change_allowed, from_stored, validate};
