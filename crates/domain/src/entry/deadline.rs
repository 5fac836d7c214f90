//! When a unit may still change its entries: the contest's state, the deadline to the
//! second and the unit's extension; the reminders due before it; screening.

use crate::{
    RuleError, ValidationErrors,
    contest::{ContestSettings, ContestState},
    labels::Label,
    text, time,
};

/// The submission deadline of one unit: the contest's, or its extension when later.
pub fn unit_deadline(settings: &ContestSettings, extension_until: Option<i64>) -> i64 {
    extension_until
        .map(|u| u.max(settings.submission_deadline))
        .unwrap_or(settings.submission_deadline)
}

/// Whether a unit may still create, edit, submit or withdraw entries at `now`.
/// Exact to the second: the deadline itself is still in time.
pub fn check_open_for_changes(
    state: ContestState,
    settings: &ContestSettings,
    extension_until: Option<i64>,
    now: i64,
) -> Result<(), RuleError> {
    let deadline = unit_deadline(settings, extension_until);
    let extended = extension_until.is_some_and(|u| u > settings.submission_deadline);
    let state_ok = state == ContestState::Open || (extended && state == ContestState::Closed);
    if !state_ok {
        return Err(RuleError::conflict(
            "contest_not_open",
            format!(
                "Cuộc thi đang ở trạng thái \"{}\", không nhận hoặc sửa bài dự thi.",
                state.vi()
            ),
        )
        .with_details(serde_json::json!({"state": state.as_str()})));
    }
    if now < settings.opens_at {
        return Err(RuleError::conflict(
            "not_yet_open",
            format!(
                "Cuộc thi bắt đầu nhận bài từ {}.",
                time::display_vn(settings.opens_at)
            ),
        ));
    }
    if now > deadline {
        return Err(RuleError::conflict(
            "deadline_passed",
            format!(
                "Đã quá hạn nộp bài ({} giờ Việt Nam); không thể nộp, sửa hoặc rút bài.",
                time::display_vn(deadline)
            ),
        )
        .with_details(serde_json::json!({"deadline": time::rfc3339_vn(deadline)})));
    }
    Ok(())
}

/// Judging may start only when no unit's extension is still running at `now`: starting
/// it would end them without a word. `running` are (unit name, extended until) of the
/// contest's extensions.
pub fn check_extensions_over(running: &[(String, i64)], now: i64) -> Result<(), RuleError> {
    let open: Vec<String> = running
        .iter()
        .filter(|(_, until)| *until >= now)
        .map(|(unit, until)| format!("{unit} (đến {})", time::display_vn(*until)))
        .collect();
    if open.is_empty() {
        return Ok(());
    }
    Err(RuleError::conflict(
        "extension_running",
        format!(
            "Chưa thể bắt đầu chấm: {} còn trong thời gian được gia hạn nộp bài. Hãy chờ hết hạn gia hạn, hoặc sửa hạn gia hạn trên trang theo dõi nộp bài.",
            open.join(", ")
        ),
    ))
}

/// Checks an extension: a later deadline than the contest's, and a reason.
pub fn validate_extension(
    settings: &ContestSettings,
    until: &str,
    reason: &str,
) -> Result<(i64, String), ValidationErrors> {
    let mut e = ValidationErrors::new();
    let reason = text::check(&mut e, "reason", "Lý do gia hạn", reason, 1, 1000);
    let until = match time::parse_instant(until, time::DayEdge::End) {
        Some(u) if u > settings.submission_deadline => Some(u),
        Some(_) => {
            e.add(
                "until",
                format!(
                    "Hạn mới phải sau hạn chung của cuộc thi ({}).",
                    time::display_vn(settings.submission_deadline)
                ),
            );
            None
        }
        None => {
            e.add(
                "until",
                "Hạn mới phải là một ngày (YYYY-MM-DD) hoặc thời điểm RFC 3339.",
            );
            None
        }
    };
    match until {
        Some(u) if e.is_empty() => Ok((u, reason)),
        _ => Err(e),
    }
}

/// The automatic reminder offsets (days before the deadline) due at `now` and not yet
/// run. Nothing is due after the deadline. When several are due at once (the server was
/// stopped for a while), all are returned and the caller sends one reminder for them.
pub fn due_reminder_offsets(offsets: &[i64], deadline: i64, now: i64, done: &[i64]) -> Vec<i64> {
    if now > deadline {
        return Vec::new();
    }
    offsets
        .iter()
        .copied()
        .filter(|d| now >= deadline - d * 86_400 && !done.contains(d))
        .collect()
}

/// Checks a screening decision: ineligible needs a reason.
pub fn validate_screening(eligible: bool, reason: &str) -> Result<String, ValidationErrors> {
    let mut e = ValidationErrors::new();
    let min = if eligible { 0 } else { 1 };
    let reason = text::check(&mut e, "reason", "Lý do", reason, min, 1000);
    e.into_result(reason)
}
