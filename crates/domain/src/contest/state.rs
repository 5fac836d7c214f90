//! The contest state machine: forward one step at a time, plus reopening judging.

use serde::{Deserialize, Serialize};

use super::ContestSettings;
use crate::{RuleError, account::Role, labels::Label, time};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContestState {
    Draft,
    Open,
    Closed,
    Judging,
    Deliberation,
    Approved,
    Published,
    Archived,
}

impl ContestState {
    pub const ALL: [ContestState; 8] = [
        ContestState::Draft,
        ContestState::Open,
        ContestState::Closed,
        ContestState::Judging,
        ContestState::Deliberation,
        ContestState::Approved,
        ContestState::Published,
        ContestState::Archived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContestState::Draft => "draft",
            ContestState::Open => "open",
            ContestState::Closed => "closed",
            ContestState::Judging => "judging",
            ContestState::Deliberation => "deliberation",
            ContestState::Approved => "approved",
            ContestState::Published => "published",
            ContestState::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<ContestState> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The state that directly follows this one, if any.
    pub fn next(self) -> Option<ContestState> {
        let i = Self::ALL.iter().position(|s| *s == self)?;
        Self::ALL.get(i + 1).copied()
    }

    /// The state this one is reached from by a forward step.
    pub fn previous(self) -> Option<ContestState> {
        let i = Self::ALL.iter().position(|s| *s == self)?;
        i.checked_sub(1).and_then(|j| Self::ALL.get(j).copied())
    }

    /// The Vietnamese verb phrase for the button that moves a contest into this state.
    pub fn action_vi(self) -> &'static str {
        match self {
            ContestState::Draft => "Trở về bản nháp",
            ContestState::Open => "Mở nhận bài dự thi",
            ContestState::Closed => "Đóng nhận bài",
            ContestState::Judging => "Bắt đầu chấm điểm",
            ContestState::Deliberation => "Chuyển sang xét chọn",
            ContestState::Approved => "Phê duyệt khen thưởng",
            ContestState::Published => "Công bố kết quả",
            ContestState::Archived => "Lưu trữ",
        }
    }

    /// The role that may move a contest into this state.
    pub fn role_needed(self) -> Role {
        match self {
            ContestState::Approved => Role::Approver,
            _ => Role::Organizer,
        }
    }
}

impl Label for ContestState {
    fn vi(&self) -> &'static str {
        match self {
            ContestState::Draft => "Bản nháp",
            ContestState::Open => "Đang nhận bài",
            ContestState::Closed => "Đã hết hạn nộp (sơ loại)",
            ContestState::Judging => "Đang chấm điểm",
            ContestState::Deliberation => "Đang xét chọn",
            ContestState::Approved => "Đã phê duyệt",
            ContestState::Published => "Đã công bố",
            ContestState::Archived => "Đã lưu trữ",
        }
    }
    fn en(&self) -> &'static str {
        match self {
            ContestState::Draft => "Draft",
            ContestState::Open => "Open",
            ContestState::Closed => "Closed (screening)",
            ContestState::Judging => "Judging",
            ContestState::Deliberation => "Deliberation",
            ContestState::Approved => "Approved",
            ContestState::Published => "Published",
            ContestState::Archived => "Archived",
        }
    }
}

/// The states a contest in `from` may be moved to: the next one, and `judging` again
/// from `deliberation`.
pub fn targets_from(from: ContestState) -> Vec<ContestState> {
    let mut out: Vec<ContestState> = from.next().into_iter().collect();
    if from == ContestState::Deliberation {
        out.push(ContestState::Judging);
    }
    out
}

/// Only the role a move needs may ask for it.
pub fn check_role(to: ContestState, role: Role) -> Result<(), RuleError> {
    let needed = to.role_needed();
    if role == needed {
        Ok(())
    } else {
        Err(RuleError::forbidden(format!(
            "Chỉ người có vai trò «{}» mới được thực hiện thao tác «{}».",
            needed.vi(),
            to.action_vi()
        )))
    }
}

/// Decides whether `role` may move a contest with `settings` from `from` to `to` at
/// `now` (UTC seconds). Guarantees: only the transitions of [`targets_from`]; the right
/// role; a reason when judging is reopened; opening only before the deadline with a
/// complete configuration; closing only after the deadline.
pub fn check_transition(
    settings: &ContestSettings,
    from: ContestState,
    to: ContestState,
    role: Role,
    now: i64,
    reason: Option<&str>,
) -> Result<(), RuleError> {
    // Who may ask comes before whether the contest can move: a caller without the
    // role learns nothing about the contest's state.
    check_role(to, role)?;
    if !targets_from(from).contains(&to) {
        let needs = if to == ContestState::Judging {
            "«Đã hết hạn nộp (sơ loại)» hoặc «Đang xét chọn»".to_string()
        } else {
            to.previous()
                .map(|p| format!("«{}»", p.vi()))
                .unwrap_or_else(|| "—".into())
        };
        return Err(RuleError::conflict(
            "invalid_transition",
            format!(
                "Không thể chuyển cuộc thi từ «{}» sang «{}»: cuộc thi cần đang ở trạng thái {needs}.",
                from.vi(),
                to.vi()
            ),
        )
        .with_details(serde_json::json!({
            "from": from.as_str(),
            "to": to.as_str(),
            "required_state": to.previous().map(ContestState::as_str),
            "allowed": targets_from(from).iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        })));
    }
    let reason = reason.map(str::trim).unwrap_or("");
    match (from, to) {
        (ContestState::Draft, ContestState::Open) => check_ready_to_open(settings, now),
        (ContestState::Open, ContestState::Closed) if now <= settings.submission_deadline => {
            Err(RuleError::conflict(
                "deadline_not_passed",
                format!(
                    "Chưa hết hạn nộp bài ({}); chỉ đóng nhận bài sau thời hạn này.",
                    time::display_vn(settings.submission_deadline)
                ),
            ))
        }
        (ContestState::Deliberation, ContestState::Judging) if reason.is_empty() => {
            Err(RuleError::invalid(
                "reason_required",
                "Mở lại việc chấm điểm cần ghi rõ lý do.",
            )
            .with_details(serde_json::json!({"fields": [{"field": "reason", "message": "Lý do không được để trống."}]})))
        }
        _ => Ok(()),
    }
}

fn check_ready_to_open(settings: &ContestSettings, now: i64) -> Result<(), RuleError> {
    if now >= settings.submission_deadline {
        return Err(RuleError::conflict(
            "deadline_passed",
            format!(
                "Hạn nộp bài ({}) đã qua; hãy sửa hạn nộp trước khi mở nhận bài.",
                time::display_vn(settings.submission_deadline)
            ),
        ));
    }
    let mut missing = Vec::new();
    if settings.participant_unit_codes.is_empty() {
        missing.push(("participant_unit_codes", "danh sách đơn vị tham gia"));
    }
    if settings.topics.is_empty() {
        missing.push(("topics", "chủ đề dự thi"));
    }
    if settings.criteria.is_empty() {
        missing.push(("criteria", "tiêu chí chấm điểm"));
    }
    if missing.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = missing.iter().map(|(_, n)| *n).collect();
    Err(RuleError::conflict(
        "contest_incomplete",
        format!("Chưa thể mở nhận bài: còn thiếu {}.", names.join(", ")),
    )
    .with_details(serde_json::json!({
        "missing": missing.iter().map(|(f, _)| *f).collect::<Vec<_>>()
    })))
}

/// Who may see a contest: staff roles always; a focal user once it is open, and only
/// when their unit takes part.
pub fn can_view(role: Role, state: ContestState, unit_participates: bool) -> bool {
    match role {
        Role::Admin | Role::Organizer | Role::Viewer | Role::Approver => true,
        Role::Focal => state != ContestState::Draft && unit_participates,
    }
}
