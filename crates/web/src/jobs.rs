//! The server's background loop: the application's jobs (`sangkien_app::jobs`: automatic
//! reminders, e-mail delivery, housekeeping) run on a timer, each run counted in
//! `/metrics`.

use std::time::Duration;

use sangkien_storage::StorageError;

pub use sangkien_app::jobs::{
    MAX_ATTEMPTS, ReminderOutcome, deliver, queue_judge_reminders, queue_reminders,
    run_due_reminders, worker_name,
};

use crate::AppState;

/// One pass of the background work.
pub async fn tick(state: &AppState, worker: &str) -> Result<(), StorageError> {
    let now = state.now();
    let reminded = run_due_reminders(&state.store, now).await;
    state.metrics.job_run("reminders", reminded.is_ok());
    if let Ok(queued @ 1..) = reminded {
        tracing::info!(queued, "automatic reminders queued");
    }
    let delivered = deliver(&state.store, worker, now).await;
    state.metrics.job_run("mail", delivered.is_ok());
    reminded?;
    delivered?;
    Ok(())
}

/// Forgets expired sessions, old login attempts and old idempotency keys, by the
/// application's clock.
pub async fn housekeeping(state: &AppState) -> Result<(), StorageError> {
    let ran = sangkien_app::jobs::purge(&state.store, state.now()).await;
    state.metrics.job_run("housekeeping", ran.is_ok());
    ran
}

/// Runs [`tick`] every `every`, and [`housekeeping`] every hour, until the process ends.
pub fn spawn(state: AppState, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let worker = worker_name();
        let mut interval = tokio::time::interval(every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_housekeeping: Option<std::time::Instant> = None;
        loop {
            interval.tick().await;
            if let Err(e) = tick(&state, &worker).await {
                tracing::warn!(error = %e, "background jobs failed; retrying next tick");
            }
            if last_housekeeping.is_none_or(|t| t.elapsed() >= Duration::from_secs(3600)) {
                last_housekeeping = Some(std::time::Instant::now());
                if let Err(e) = housekeeping(&state).await {
                    tracing::warn!(error = %e, "housekeeping failed; retrying in an hour");
                }
            }
        }
    })
}
