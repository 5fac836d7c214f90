//! Contest settings validated (SPEC §3.1): every rule checked at once, every problem
//! returned with a Vietnamese message; and what a contest's state still lets change.

use std::collections::HashSet;

use super::{
    Aggregation, Band, BudgetLine, BudgetLineInput, ContestInput, ContestSettings, ContestState,
    Criterion, CriterionInput, EntryForm, Plan, PlanInput, Prize, PrizeInput, PrizeTier, Topic,
    TopicInput,
};
use crate::{
    RuleError, ValidationErrors,
    labels::Label,
    points::Points,
    text,
    time::{self, DayEdge},
};

const TITLE_MAX: usize = 500;
const DESCRIPTION_MAX: usize = 20_000;
const NAME_MAX: usize = 300;

/// Validates contest settings. `unit_active` answers whether a unit code names an
/// active unit.
/// On success every rule of §3.1 holds: deadline after opening, evaluation after the
/// deadline, positive criteria in quarter points, unique codes, tie-breaks naming real
/// criteria, non-negative prize counts and amounts, participants that exist.
pub fn validate(
    input: &ContestInput,
    unit_active: &dyn Fn(&str) -> bool,
) -> Result<ContestSettings, ValidationErrors> {
    let mut e = ValidationErrors::new();
    let title = text::check(&mut e, "title", "Tên cuộc thi", &input.title, 1, TITLE_MAX);
    if !(2000..=2100).contains(&input.year) {
        e.add("year", "Năm tổ chức phải từ 2000 đến 2100.");
    }
    let plan = validate_plan(&mut e, &input.plan);
    let organizer_unit_code = input.organizer_unit_code.trim().to_string();
    if organizer_unit_code.is_empty() {
        e.add(
            "organizer_unit_code",
            "Cần chọn đơn vị tổ chức (cơ quan thường trực).",
        );
    } else if !unit_active(&organizer_unit_code) {
        e.add(
            "organizer_unit_code",
            format!("Không tìm thấy đơn vị đang hoạt động có mã «{organizer_unit_code}»."),
        );
    }
    let description = text::check(
        &mut e,
        "description",
        "Mục đích, yêu cầu",
        &input.description,
        0,
        DESCRIPTION_MAX,
    );

    let mut participant_unit_codes = Vec::new();
    let mut seen = HashSet::new();
    for (i, code) in input.participant_unit_codes.iter().enumerate() {
        let code = code.trim().to_string();
        let field = format!("participant_unit_codes[{i}]");
        if !unit_active(&code) {
            e.add(
                field,
                format!("Không tìm thấy đơn vị đang hoạt động có mã «{code}»."),
            );
        } else if !seen.insert(code.clone()) {
            e.add(field, format!("Đơn vị «{code}» được chọn hai lần."));
        } else {
            participant_unit_codes.push(code);
        }
    }
    if !(0..=100).contains(&input.min_entries_per_unit) {
        e.add(
            "min_entries_per_unit",
            "Số sáng kiến tối thiểu mỗi đơn vị phải từ 0 đến 100.",
        );
    }

    let topics = validate_topics(&mut e, &input.topics);
    let forms = validate_forms(&mut e, &input.forms);

    let opens_at = required_instant(
        &mut e,
        "opens_at",
        "Thời điểm mở nhận bài",
        &input.opens_at,
        DayEdge::Start,
    );
    let deadline = required_instant(
        &mut e,
        "submission_deadline",
        "Hạn nộp bài",
        &input.submission_deadline,
        DayEdge::End,
    );
    if let (Some(o), Some(d)) = (opens_at, deadline)
        && d <= o
    {
        e.add(
            "submission_deadline",
            "Hạn nộp bài phải sau thời điểm mở nhận bài.",
        );
    }
    let evaluation_ends_at = match input.evaluation_ends_at.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => {
            let v = required_instant(
                &mut e,
                "evaluation_ends_at",
                "Hạn chấm điểm",
                text,
                DayEdge::End,
            );
            if let (Some(v), Some(d)) = (v, deadline)
                && v <= d
            {
                e.add("evaluation_ends_at", "Hạn chấm điểm phải sau hạn nộp bài.");
            }
            v
        }
    };

    let criteria = validate_criteria(&mut e, &input.criteria);
    let mut tie_break = Vec::new();
    for (i, code) in input.tie_break.iter().enumerate() {
        let code = code.trim().to_string();
        let field = format!("tie_break[{i}]");
        if !criteria.iter().any(|c| c.code == code) {
            e.add(
                field,
                format!("Tiêu chí phân định «{code}» không có trong bộ tiêu chí chấm."),
            );
        } else if tie_break.contains(&code) {
            e.add(
                field,
                format!("Tiêu chí «{code}» được nêu hai lần trong thứ tự phân định."),
            );
        } else {
            tie_break.push(code);
        }
    }
    let aggregation = Aggregation::parse(input.aggregation.trim());
    if aggregation.is_none() {
        e.add(
            "aggregation",
            "Cách tổng hợp điểm phải là mean, trimmed_mean hoặc zscore.",
        );
    }
    let total: i64 = criteria.iter().map(|c| c.max_points.0).sum();
    let award_min_score = match Points::from_f64(input.award_min_score) {
        Some(p) if p.0 >= 0 && (criteria.is_empty() || p.0 <= total) => p,
        _ => {
            e.add(
                "award_min_score",
                format!(
                    "Điểm sàn xét giải phải từ 0 đến tổng điểm tối đa ({}), tối đa hai chữ số thập phân.",
                    Points(total).display_vi()
                ),
            );
            Points(0)
        }
    };
    let prizes = validate_prizes(&mut e, &input.prizes);
    let budget_lines = validate_budget_lines(&mut e, &input.budget_lines);
    if !(1..=100).contains(&input.outlier_threshold_percent) {
        e.add(
            "outlier_threshold_percent",
            "Ngưỡng chênh lệch điểm phải từ 1 đến 100 (%).",
        );
    }
    let mut reminder_offsets_days = Vec::new();
    for (i, d) in input.reminder_offsets_days.iter().enumerate() {
        if !(1..=90).contains(d) {
            e.add(
                format!("reminder_offsets_days[{i}]"),
                "Số ngày nhắc trước hạn phải từ 1 đến 90.",
            );
        } else if !reminder_offsets_days.contains(d) {
            reminder_offsets_days.push(*d);
        }
    }
    reminder_offsets_days.sort_unstable_by(|a, b| b.cmp(a));
    if input.parent_contest_id.is_some_and(|p| p <= 0) {
        e.add("parent_contest_id", "Mã cuộc thi cấp trên không hợp lệ.");
    }
    if !(1..=200).contains(&input.max_file_mb) {
        e.add(
            "max_file_mb",
            "Dung lượng tối đa của một tệp phải từ 1 đến 200 MB.",
        );
    }
    if !(1..=1000).contains(&input.max_entry_mb) || input.max_entry_mb < input.max_file_mb {
        e.add(
            "max_entry_mb",
            "Dung lượng tối đa của một sáng kiến phải từ 1 đến 1000 MB và không nhỏ hơn dung lượng tối đa của một tệp.",
        );
    }

    let (Some(plan), Some(opens_at), Some(submission_deadline), Some(aggregation)) =
        (plan, opens_at, deadline, aggregation)
    else {
        return Err(e);
    };
    e.into_result(ContestSettings {
        title,
        year: input.year,
        plan,
        organizer_unit_code,
        description,
        participant_unit_codes,
        min_entries_per_unit: input.min_entries_per_unit,
        topics,
        forms,
        opens_at,
        submission_deadline,
        evaluation_ends_at,
        criteria,
        tie_break,
        aggregation,
        award_min_score,
        prizes,
        budget_lines,
        judges_see_unit_names: input.judges_see_unit_names,
        judges_see_other_scores: input.judges_see_other_scores,
        outlier_threshold_percent: input.outlier_threshold_percent,
        reminder_offsets_days,
        max_file_mb: input.max_file_mb,
        max_entry_mb: input.max_entry_mb,
        example_settings: input.example_settings,
        parent_contest_id: input.parent_contest_id,
    })
}

fn required_instant(
    e: &mut ValidationErrors,
    field: &str,
    label: &str,
    value: &str,
    edge: DayEdge,
) -> Option<i64> {
    if value.trim().is_empty() {
        e.add(field, format!("{label} không được để trống."));
        return None;
    }
    let parsed = time::parse_instant(value, edge);
    if parsed.is_none() {
        e.add(
            field,
            format!("{label} không hợp lệ: dùng dạng 2021-10-31 hoặc 2021-10-31T23:59:59+07:00."),
        );
    }
    parsed
}

fn validate_plan(e: &mut ValidationErrors, plan: &PlanInput) -> Option<Plan> {
    let number = text::check(e, "plan.number", "Số hiệu kế hoạch", &plan.number, 1, 50);
    let signer = text::check(e, "plan.signer", "Người ký kế hoạch", &plan.signer, 0, 200);
    let date = time::parse_date(&plan.date);
    if date.is_none() {
        e.add(
            "plan.date",
            "Ngày ban hành kế hoạch không hợp lệ: dùng dạng 2021-09-30.",
        );
    }
    Some(Plan {
        number,
        date: date?,
        signer,
    })
}

fn validate_topics(e: &mut ValidationErrors, input: &[TopicInput]) -> Vec<Topic> {
    let mut topics: Vec<Topic> = Vec::new();
    for (i, t) in input.iter().enumerate() {
        let code = text::check_code(e, &format!("topics[{i}].code"), "Mã chủ đề", &t.code, 32);
        let name = text::check(
            e,
            &format!("topics[{i}].name"),
            "Tên chủ đề",
            &t.name,
            1,
            NAME_MAX,
        );
        let group = text::check(
            e,
            &format!("topics[{i}].group"),
            "Nhóm chủ đề",
            &t.group,
            0,
            NAME_MAX,
        );
        if topics.iter().any(|x| x.code == code) {
            e.add(
                format!("topics[{i}].code"),
                format!("Mã chủ đề «{code}» bị trùng."),
            );
        }
        topics.push(Topic { code, name, group });
    }
    topics
}

fn validate_forms(e: &mut ValidationErrors, input: &[String]) -> Vec<EntryForm> {
    let mut forms = Vec::new();
    for (i, f) in input.iter().enumerate() {
        match EntryForm::parse(f.trim()) {
            Some(form) if !forms.contains(&form) => forms.push(form),
            Some(_) => e.add(format!("forms[{i}]"), format!("Hình thức «{f}» được nêu hai lần.")),
            None => e.add(
                format!("forms[{i}]"),
                "Hình thức trình bày phải là outline (đề cương), scheme (đề án) hoặc project (dự án).",
            ),
        }
    }
    if input.is_empty() {
        e.add("forms", "Cần cho phép ít nhất một hình thức trình bày.");
    }
    forms
}

fn validate_criteria(e: &mut ValidationErrors, input: &[CriterionInput]) -> Vec<Criterion> {
    let mut criteria: Vec<Criterion> = Vec::new();
    for (i, c) in input.iter().enumerate() {
        let f = |name: &str| format!("criteria[{i}].{name}");
        let code = text::check_code(e, &f("code"), "Mã tiêu chí", &c.code, 32);
        let name = text::check(e, &f("name"), "Tên tiêu chí", &c.name, 1, NAME_MAX);
        let description = text::check(
            e,
            &f("description"),
            "Mô tả tiêu chí",
            &c.description,
            0,
            5_000,
        );
        if criteria.iter().any(|x| x.code == code) {
            e.add(f("code"), format!("Mã tiêu chí «{code}» bị trùng."));
        }
        let max_points = match Points::from_f64(c.max_points) {
            Some(p) if p.0 > 0 && p.is_quarter_step() && p.0 <= 100_000 => p,
            _ => {
                e.add(
                    f("max_points"),
                    "Điểm tối đa của tiêu chí phải lớn hơn 0, không quá 1000 và là bội số của 0,25.",
                );
                Points(0)
            }
        };
        let mut bands = Vec::new();
        for (j, b) in c.bands.iter().enumerate() {
            let bf = |name: &str| format!("criteria[{i}].bands[{j}].{name}");
            let label = text::check(e, &bf("label"), "Tên mức điểm", &b.label, 1, 500);
            let min = Points::from_f64(b.min).filter(|p| p.0 >= 0 && p.is_quarter_step());
            let max = Points::from_f64(b.max).filter(|p| p.0 >= 0 && p.is_quarter_step());
            match (min, max) {
                (Some(min), Some(max)) if min <= max && max <= max_points => bands.push(Band { label, min, max }),
                _ => e.add(
                    bf("max"),
                    format!(
                        "Khung điểm phải nằm trong 0 – {} điểm, cận dưới không lớn hơn cận trên, bội số của 0,25.",
                        max_points.display_vi()
                    ),
                ),
            }
        }
        criteria.push(Criterion {
            code,
            name,
            description,
            max_points,
            bands,
        });
    }
    criteria
}

fn validate_budget_lines(e: &mut ValidationErrors, input: &[BudgetLineInput]) -> Vec<BudgetLine> {
    if input.len() > 50 {
        e.add("budget_lines", "Dự toán có tối đa 50 khoản chi khác.");
    }
    input
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let name = text::check(
                e,
                &format!("budget_lines[{i}].name"),
                "Tên khoản chi",
                &b.name,
                1,
                300,
            );
            if !(0..=10_000_000_000).contains(&b.amount_vnd) {
                e.add(
                    format!("budget_lines[{i}].amount_vnd"),
                    "Số tiền (đồng) không được âm và không quá 10 tỷ đồng.",
                );
            }
            BudgetLine {
                name,
                amount_vnd: b.amount_vnd,
            }
        })
        .collect()
}

fn validate_prizes(e: &mut ValidationErrors, input: &[PrizeInput]) -> Vec<Prize> {
    let mut prizes: Vec<Prize> = Vec::new();
    for (i, p) in input.iter().enumerate() {
        let Some(tier) = PrizeTier::parse(p.tier.trim()) else {
            e.add(
                format!("prizes[{i}].tier"),
                "Hạng giải phải là first (Nhất), second (Nhì), third (Ba) hoặc consolation (Khuyến khích).",
            );
            continue;
        };
        if prizes.iter().any(|x| x.tier == tier) {
            e.add(
                format!("prizes[{i}].tier"),
                format!("{} được khai báo hai lần.", tier.vi()),
            );
        }
        if !(0..=1000).contains(&p.count) {
            e.add(
                format!("prizes[{i}].count"),
                "Số lượng giải phải từ 0 đến 1000.",
            );
        }
        if !(0..=10_000_000_000).contains(&p.amount_vnd) {
            e.add(
                format!("prizes[{i}].amount_vnd"),
                "Mức thưởng (đồng) không được âm và không quá 10 tỷ đồng.",
            );
        }
        prizes.push(Prize {
            tier,
            count: p.count,
            amount_vnd: p.amount_vnd,
        });
    }
    prizes.sort_by_key(|p| p.tier);
    prizes
}

/// Reads settings back from storage. They were validated when written; units that
/// were deactivated since stay referenced, so unit activity is not checked again.
pub fn from_stored(input: &ContestInput) -> Result<ContestSettings, ValidationErrors> {
    validate(input, &|_| true)
}

/// Whether settings may change from `old` to `new` while the contest is in `state`:
/// nothing changes once awards are approved; the rubric (criteria, tie-break,
/// aggregation) is fixed once judging has started, so that sheets stay comparable.
pub fn change_allowed(
    state: ContestState,
    old: &ContestSettings,
    new: &ContestSettings,
) -> Result<(), RuleError> {
    if state >= ContestState::Approved {
        return Err(RuleError::conflict(
            "contest_locked",
            format!(
                "Cuộc thi ở trạng thái «{}»: không thể sửa thiết lập.",
                state.vi()
            ),
        ));
    }
    let rubric_changed = old.criteria != new.criteria
        || old.tie_break != new.tie_break
        || old.aggregation != new.aggregation;
    if state >= ContestState::Judging && rubric_changed {
        return Err(RuleError::conflict(
            "rubric_locked",
            "Đã bắt đầu chấm điểm: không thể sửa tiêu chí chấm, thứ tự phân định hay cách tổng hợp điểm.",
        ));
    }
    Ok(())
}
