//! Entries (SPEC §3.2): the content of the national initiative form adapted to a
//! contest (here), the checks of a draft save and of a submission (`form`), and the
//! deadline rule with per-unit extensions, reminders and screening (`deadline`).

mod deadline;
mod form;

pub use deadline::{
    check_extensions_over, check_open_for_changes, due_reminder_offsets, unit_deadline,
    validate_extension, validate_screening,
};
pub use form::{SWORN_STATEMENT, missing_for_submit, validate};

use serde::{Deserialize, Serialize};

use crate::labels::Label;

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
    /// «Chủ đầu tư tạo ra sáng kiến» (TT 18/2013 Điều 5): who funded the initiative, when
    /// it is not the authors themselves; empty otherwise.
    pub investor: String,
    /// The benefits as the units that applied the initiative first or on trial assess
    /// them (the authors' own assessment is `description.benefits`).
    pub trial_benefits: String,
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
    /// `YYYY-MM-DD` or empty; never shown publicly.
    pub birth_date: String,
    pub workplace: String,
    pub position: String,
    pub qualification: String,
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
    pub const ALL: [EntryStatus; 3] = [
        EntryStatus::Draft,
        EntryStatus::Submitted,
        EntryStatus::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryStatus::Draft => "draft",
            EntryStatus::Submitted => "submitted",
            EntryStatus::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        EntryStatus::ALL.into_iter().find(|x| x.as_str() == s)
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
