//! The checks of an entry's content: every field of a draft save, and what a submission
//! still needs.

use super::{Author, Description, EntryContent, IMPLEMENTATION_STATUSES, TrialParticipant};
use crate::{
    FieldError, ValidationErrors,
    contest::{ContestSettings, EntryForm},
    text, time,
};

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
                "Lĩnh vực/chủ đề «{topic_code}» không có trong cuộc thi này; chọn một trong: {}.",
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
                    "Hình thức «{form}» không được cuộc thi chấp nhận; chọn một trong: {}.",
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
                birth_date: check_date(&mut e, &f("birth_date"), "Ngày sinh", &p.birth_date),
                position: text::check(&mut e, &f("position"), "Chức danh", &p.position, 0, 200),
                qualification: text::check(
                    &mut e,
                    &f("qualification"),
                    "Trình độ chuyên môn",
                    &p.qualification,
                    0,
                    200,
                ),
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
    let investor = text::check(
        &mut e,
        "investor",
        "Chủ đầu tư tạo ra sáng kiến",
        &input.investor,
        0,
        LINE_MAX,
    );
    let trial_benefits = text::check(
        &mut e,
        "trial_benefits",
        "Lợi ích theo đánh giá của đơn vị áp dụng thử",
        &input.trial_benefits,
        0,
        SECTION_MAX,
    );
    e.into_result(EntryContent {
        title,
        investor,
        trial_benefits,
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

/// The authors' sworn statement of the TT 18/2013 request form, ticked at submission
/// and recorded with the version it wrote.
pub const SWORN_STATEMENT: &str = "Tôi (chúng tôi) xin cam đoan mọi thông tin nêu trong đơn là trung thực, đúng sự thật và hoàn toàn chịu trách nhiệm trước pháp luật.";

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
                format!("Chưa có mục «{label}»."),
            );
        }
    }
    if !has_main_pdf {
        e.add(
            "attachments",
            "Chưa tải lên văn bản sáng kiến (tệp PDF khổ A4): chọn loại «Văn bản sáng kiến» khi tải lên.",
        );
    }
    e.fields
}
