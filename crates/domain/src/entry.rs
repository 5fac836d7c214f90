//! Entries (SPEC §3.2): the content of the national initiative form adapted to a
//! contest, the checks of a draft save and of a submission, and the deadline rule with
//! per-unit extensions.

use serde::{Deserialize, Serialize};

use crate::{
    FieldError, RuleError, ValidationErrors,
    contest::{ContestSettings, ContestState, EntryForm},
    labels::Label,
    text, time,
};

/// What a unit writes about its initiative. Every field may be empty in a draft;
/// [`missing_for_submit`] lists what a submission still needs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EntryContent {
    pub title: String,
    pub topic_code: String,
    pub form: String,
    pub authors: Vec<Author>,
    pub field_of_application: String,
    /// `YYYY-MM-DD` or empty.
    pub first_applied_on: String,
    /// `implemented` or `in_progress`, or empty.
    pub implementation_status: String,
    pub description: Description,
    pub trial_participants: Vec<TrialParticipant>,
    /// Never shown publicly.
    pub confidential: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Author {
    pub full_name: String,
    /// `YYYY-MM-DD` or empty.
    pub birth_date: String,
    pub workplace: String,
    pub position: String,
    pub qualification: String,
    pub contribution_percent: Option<f64>,
}

/// "Mô tả bản chất của sáng kiến": the sections of the national form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Description {
    pub current_situation: String,
    pub solution: String,
    pub novelty: String,
    pub conditions: String,
    pub benefits: String,
    pub replication_scope: String,
}

impl Description {
    /// The sections with their field names and Vietnamese labels, in form order.
    pub fn sections(&self) -> [(&'static str, &'static str, &str); 6] {
        [
            (
                "current_situation",
                "Tình trạng hiện tại và nhược điểm của giải pháp đã biết",
                &self.current_situation,
            ),
            (
                "solution",
                "Nội dung và các bước thực hiện giải pháp",
                &self.solution,
            ),
            ("novelty", "Tính mới, tính sáng tạo", &self.novelty),
            (
                "conditions",
                "Điều kiện cần thiết để áp dụng",
                &self.conditions,
            ),
            ("benefits", "Lợi ích thu được", &self.benefits),
            (
                "replication_scope",
                "Khả năng nhân rộng",
                &self.replication_scope,
            ),
        ]
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrialParticipant {
    pub full_name: String,
    pub workplace: String,
    pub task: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    Draft,
    Submitted,
    Withdrawn,
}

impl EntryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryStatus::Draft => "draft",
            EntryStatus::Submitted => "submitted",
            EntryStatus::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [
            EntryStatus::Draft,
            EntryStatus::Submitted,
            EntryStatus::Withdrawn,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

impl Label for EntryStatus {
    fn vi(&self) -> &'static str {
        match self {
            EntryStatus::Draft => "Bản nháp",
            EntryStatus::Submitted => "Đã nộp",
            EntryStatus::Withdrawn => "Đã rút",
        }
    }
    fn en(&self) -> &'static str {
        match self {
            EntryStatus::Draft => "Draft",
            EntryStatus::Submitted => "Submitted",
            EntryStatus::Withdrawn => "Withdrawn",
        }
    }
}

pub const IMPLEMENTATION_STATUSES: [(&str, &str); 2] = [
    ("implemented", "Đã triển khai thực hiện"),
    ("in_progress", "Đang triển khai thực hiện"),
];

const TITLE_MAX: usize = 500;
const LINE_MAX: usize = 300;
const SECTION_MAX: usize = 20_000;
const MAX_PEOPLE: usize = 30;

fn check_date(e: &mut ValidationErrors, field: &str, label: &str, value: &str) -> String {
    let v = value.trim();
    if v.is_empty() {
        return String::new();
    }
    match time::parse_date(v) {
        Some(d) if d.year() >= 1900 && d.year() <= 2100 => d.to_string(),
        _ => {
            e.add(
                field,
                format!("{label} phải là một ngày có thật, dạng YYYY-MM-DD (ví dụ 2021-03-01)."),
            );
            v.to_string()
        }
    }
}

/// Checks what is typed (lengths, dates, codes that must exist in the contest) and
/// returns the cleaned content. A draft may leave fields empty, except the title.
pub fn validate(
    input: &EntryContent,
    settings: &ContestSettings,
) -> Result<EntryContent, ValidationErrors> {
    let mut e = ValidationErrors::new();
    let title = text::check(&mut e, "title", "Tên sáng kiến", &input.title, 1, TITLE_MAX);
    let topic_code = input.topic_code.trim().to_string();
    if !topic_code.is_empty() && !settings.topics.iter().any(|t| t.code == topic_code) {
        e.add(
            "topic_code",
            format!(
                "Lĩnh vực/chủ đề \"{topic_code}\" không có trong cuộc thi này; chọn một trong: {}.",
                settings
                    .topics
                    .iter()
                    .map(|t| t.code.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    let form = input.form.trim().to_string();
    if !form.is_empty() {
        match EntryForm::parse(&form) {
            Some(f) if settings.forms.contains(&f) => {}
            _ => e.add(
                "form",
                format!(
                    "Hình thức \"{form}\" không được cuộc thi chấp nhận; chọn một trong: {}.",
                    settings
                        .forms
                        .iter()
                        .map(|f| f.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        }
    }
    if input.authors.len() > MAX_PEOPLE {
        e.add(
            "authors",
            format!("Một sáng kiến có tối đa {MAX_PEOPLE} tác giả."),
        );
    }
    let authors = input
        .authors
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let f = |name: &str| format!("authors[{i}].{name}");
            let contribution_percent = match a.contribution_percent {
                Some(p) if !(p > 0.0 && p <= 100.0) || (p * 100.0).fract().abs() > 1e-6 => {
                    e.add(
                        f("contribution_percent"),
                        "Tỷ lệ đóng góp phải lớn hơn 0 và không quá 100 (%), tối đa hai chữ số thập phân.",
                    );
                    Some(p)
                }
                other => other,
            };
            Author {
                full_name: text::check(&mut e, &f("full_name"), "Họ và tên tác giả", &a.full_name, 0, 100),
                birth_date: check_date(&mut e, &f("birth_date"), "Ngày sinh", &a.birth_date),
                workplace: text::check(&mut e, &f("workplace"), "Nơi công tác", &a.workplace, 0, LINE_MAX),
                position: text::check(&mut e, &f("position"), "Chức danh", &a.position, 0, 200),
                qualification: text::check(
                    &mut e,
                    &f("qualification"),
                    "Trình độ chuyên môn",
                    &a.qualification,
                    0,
                    200,
                ),
                contribution_percent,
            }
        })
        .collect();
    let field_of_application = text::check(
        &mut e,
        "field_of_application",
        "Lĩnh vực áp dụng",
        &input.field_of_application,
        0,
        LINE_MAX,
    );
    let first_applied_on = check_date(
        &mut e,
        "first_applied_on",
        "Ngày áp dụng lần đầu",
        &input.first_applied_on,
    );
    let implementation_status = input.implementation_status.trim().to_string();
    if !implementation_status.is_empty()
        && !IMPLEMENTATION_STATUSES
            .iter()
            .any(|(c, _)| *c == implementation_status)
    {
        e.add(
            "implementation_status",
            "Tình trạng triển khai phải là implemented (đã triển khai) hoặc in_progress (đang triển khai).",
        );
    }
    let d = &input.description;
    let mut section = |name: &str, label: &str, value: &str| {
        text::check(
            &mut e,
            &format!("description.{name}"),
            label,
            value,
            0,
            SECTION_MAX,
        )
    };
    let labels = d.sections();
    let description = Description {
        current_situation: section(labels[0].0, labels[0].1, labels[0].2),
        solution: section(labels[1].0, labels[1].1, labels[1].2),
        novelty: section(labels[2].0, labels[2].1, labels[2].2),
        conditions: section(labels[3].0, labels[3].1, labels[3].2),
        benefits: section(labels[4].0, labels[4].1, labels[4].2),
        replication_scope: section(labels[5].0, labels[5].1, labels[5].2),
    };
    if input.trial_participants.len() > MAX_PEOPLE {
        e.add(
            "trial_participants",
            format!("Danh sách người tham gia áp dụng thử có tối đa {MAX_PEOPLE} người."),
        );
    }
    let trial_participants = input
        .trial_participants
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let f = |name: &str| format!("trial_participants[{i}].{name}");
            TrialParticipant {
                full_name: text::check(&mut e, &f("full_name"), "Họ và tên", &p.full_name, 1, 100),
                workplace: text::check(
                    &mut e,
                    &f("workplace"),
                    "Nơi công tác",
                    &p.workplace,
                    0,
                    LINE_MAX,
                ),
                task: text::check(
                    &mut e,
                    &f("task"),
                    "Nội dung công việc",
                    &p.task,
                    0,
                    LINE_MAX,
                ),
            }
        })
        .collect();
    let confidential = text::check(
        &mut e,
        "confidential",
        "Thông tin cần được bảo mật",
        &input.confidential,
        0,
        SECTION_MAX,
    );
    e.into_result(EntryContent {
        title,
        topic_code,
        form,
        authors,
        field_of_application,
        first_applied_on,
        implementation_status,
        description,
        trial_participants,
        confidential,
    })
}

/// What a validated entry still lacks before it can be submitted, each with the field
/// and a Vietnamese sentence. Empty means it may be submitted.
pub fn missing_for_submit(c: &EntryContent, has_main_pdf: bool) -> Vec<FieldError> {
    let mut e = ValidationErrors::new();
    if c.title.chars().count() < 10 {
        e.add(
            "title",
            "Tên sáng kiến cần nêu rõ giải pháp (ít nhất 10 ký tự).",
        );
    }
    if c.topic_code.is_empty() {
        e.add("topic_code", "Chưa chọn lĩnh vực/chủ đề dự thi.");
    }
    if c.form.is_empty() {
        e.add("form", "Chưa chọn hình thức (đề cương, đề án hoặc dự án).");
    }
    if c.authors.is_empty() {
        e.add("authors", "Chưa có tác giả nào.");
    }
    for (i, a) in c.authors.iter().enumerate() {
        let n = i + 1;
        if a.full_name.is_empty() {
            e.add(
                format!("authors[{i}].full_name"),
                format!("Tác giả thứ {n}: chưa có họ và tên."),
            );
        }
        if a.workplace.is_empty() {
            e.add(
                format!("authors[{i}].workplace"),
                format!("Tác giả thứ {n}: chưa có nơi công tác."),
            );
        }
        if a.position.is_empty() {
            e.add(
                format!("authors[{i}].position"),
                format!("Tác giả thứ {n}: chưa có chức danh."),
            );
        }
        if a.qualification.is_empty() {
            e.add(
                format!("authors[{i}].qualification"),
                format!("Tác giả thứ {n}: chưa có trình độ chuyên môn."),
            );
        }
        if a.contribution_percent.is_none() {
            e.add(
                format!("authors[{i}].contribution_percent"),
                format!("Tác giả thứ {n}: chưa có tỷ lệ đóng góp."),
            );
        }
    }
    if !c.authors.is_empty() && c.authors.iter().all(|a| a.contribution_percent.is_some()) {
        let hundredths: i64 = c
            .authors
            .iter()
            .filter_map(|a| a.contribution_percent)
            .map(|p| (p * 100.0).round() as i64)
            .sum();
        if hundredths != 10_000 {
            e.add(
                "authors",
                format!(
                    "Tổng tỷ lệ đóng góp của các tác giả phải bằng 100% (hiện là {}%).",
                    crate::points::Points(hundredths).display_vi()
                ),
            );
        }
    }
    if c.field_of_application.is_empty() {
        e.add("field_of_application", "Chưa có lĩnh vực áp dụng.");
    }
    if c.first_applied_on.is_empty() {
        e.add(
            "first_applied_on",
            "Chưa có ngày sáng kiến được áp dụng lần đầu hoặc áp dụng thử.",
        );
    }
    if c.implementation_status.is_empty() {
        e.add(
            "implementation_status",
            "Chưa chọn tình trạng triển khai (kế hoạch chỉ nhận sáng kiến đã hoặc đang triển khai).",
        );
    }
    for (name, label, value) in c.description.sections() {
        if value.is_empty() {
            e.add(
                format!("description.{name}"),
                format!("Chưa có mục \"{label}\"."),
            );
        }
    }
    if !has_main_pdf {
        e.add(
            "attachments",
            "Chưa tải lên văn bản sáng kiến (tệp PDF khổ A4) — loại tệp \"chính\".",
        );
    }
    e.fields
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> EntryContent {
        EntryContent {
            title: "Số hóa hồ sơ một cửa cấp xã".into(),
            topic_code: "TTHC".into(),
            form: "scheme".into(),
            authors: vec![
                Author {
                    full_name: "Nguyễn Văn A".into(),
                    workplace: "UBND huyện Hòa An".into(),
                    position: "Chánh Văn phòng".into(),
                    qualification: "Thạc sĩ".into(),
                    contribution_percent: Some(60.5),
                    ..Author::default()
                },
                Author {
                    full_name: "Lê Thị B".into(),
                    workplace: "UBND huyện Hòa An".into(),
                    position: "Chuyên viên".into(),
                    qualification: "Cử nhân".into(),
                    contribution_percent: Some(39.5),
                    ..Author::default()
                },
            ],
            field_of_application: "Cải cách thủ tục hành chính".into(),
            first_applied_on: "2021-03-01".into(),
            implementation_status: "implemented".into(),
            description: Description {
                current_situation: "a".into(),
                solution: "b".into(),
                novelty: "c".into(),
                conditions: "d".into(),
                benefits: "e".into(),
                replication_scope: "f".into(),
            },
            ..EntryContent::default()
        }
    }

    #[test]
    fn reminder_offsets_fall_due_once_and_never_after_the_deadline() {
        let deadline = 1_000_000;
        let day = 86_400;
        assert!(due_reminder_offsets(&[7, 3, 1], deadline, deadline - 8 * day, &[]).is_empty());
        assert_eq!(
            due_reminder_offsets(&[7, 3, 1], deadline, deadline - 7 * day, &[]),
            vec![7]
        );
        assert!(due_reminder_offsets(&[7, 3, 1], deadline, deadline - 5 * day, &[7]).is_empty());
        assert_eq!(
            due_reminder_offsets(&[7, 3, 1], deadline, deadline - 2 * day, &[]),
            vec![7, 3]
        );
        assert!(due_reminder_offsets(&[7, 3, 1], deadline, deadline + 1, &[]).is_empty());
    }

    #[test]
    fn a_complete_entry_lacks_only_the_pdf() {
        assert!(missing_for_submit(&complete(), true).is_empty());
        let missing = missing_for_submit(&complete(), false);
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].field, "attachments");
    }

    #[test]
    fn contributions_must_add_up_to_exactly_one_hundred() {
        let mut c = complete();
        c.authors[1].contribution_percent = Some(39.49);
        let missing = missing_for_submit(&c, true);
        assert_eq!(missing.len(), 1);
        assert!(
            missing[0].message.contains("99,99"),
            "{}",
            missing[0].message
        );
    }

    #[test]
    fn an_empty_draft_lists_every_missing_part() {
        let c = EntryContent {
            title: "Tên".into(),
            ..EntryContent::default()
        };
        let fields: Vec<String> = missing_for_submit(&c, false)
            .into_iter()
            .map(|f| f.field)
            .collect();
        for f in [
            "title",
            "topic_code",
            "form",
            "authors",
            "field_of_application",
            "first_applied_on",
            "implementation_status",
            "description.solution",
            "attachments",
        ] {
            assert!(fields.iter().any(|x| x == f), "{f} missing from {fields:?}");
        }
    }
}
