//! Contest settings (SPEC §3.1): the JSON input and the validated form. Validation is in
//! `validate`.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::{labels::Label, points::Points, time};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryForm {
    Outline,
    Scheme,
    Project,
}

impl EntryForm {
    pub const ALL: [EntryForm; 3] = [EntryForm::Outline, EntryForm::Scheme, EntryForm::Project];
    pub fn as_str(self) -> &'static str {
        match self {
            EntryForm::Outline => "outline",
            EntryForm::Scheme => "scheme",
            EntryForm::Project => "project",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

impl Label for EntryForm {
    fn vi(&self) -> &'static str {
        match self {
            EntryForm::Outline => "Đề cương",
            EntryForm::Scheme => "Đề án",
            EntryForm::Project => "Dự án",
        }
    }
    fn en(&self) -> &'static str {
        match self {
            EntryForm::Outline => "Outline",
            EntryForm::Scheme => "Scheme",
            EntryForm::Project => "Project",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    Mean,
    TrimmedMean,
    Zscore,
}

impl Aggregation {
    pub const ALL: [Aggregation; 3] = [
        Aggregation::Mean,
        Aggregation::TrimmedMean,
        Aggregation::Zscore,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Aggregation::Mean => "mean",
            Aggregation::TrimmedMean => "trimmed_mean",
            Aggregation::Zscore => "zscore",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

impl Label for Aggregation {
    fn vi(&self) -> &'static str {
        match self {
            Aggregation::Mean => "Trung bình cộng",
            Aggregation::TrimmedMean => "Trung bình sau khi bỏ điểm cao nhất và thấp nhất",
            Aggregation::Zscore => "Chuẩn hóa theo từng thành viên (z-score)",
        }
    }
    fn en(&self) -> &'static str {
        match self {
            Aggregation::Mean => "Mean",
            Aggregation::TrimmedMean => "Trimmed mean",
            Aggregation::Zscore => "Per-judge z-score",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrizeTier {
    First,
    Second,
    Third,
    Consolation,
}

impl PrizeTier {
    pub const ALL: [PrizeTier; 4] = [
        PrizeTier::First,
        PrizeTier::Second,
        PrizeTier::Third,
        PrizeTier::Consolation,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            PrizeTier::First => "first",
            PrizeTier::Second => "second",
            PrizeTier::Third => "third",
            PrizeTier::Consolation => "consolation",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl Label for PrizeTier {
    fn vi(&self) -> &'static str {
        match self {
            PrizeTier::First => "Giải Nhất",
            PrizeTier::Second => "Giải Nhì",
            PrizeTier::Third => "Giải Ba",
            PrizeTier::Consolation => "Giải Khuyến khích",
        }
    }
    fn en(&self) -> &'static str {
        match self {
            PrizeTier::First => "First prize",
            PrizeTier::Second => "Second prize",
            PrizeTier::Third => "Third prize",
            PrizeTier::Consolation => "Consolation prize",
        }
    }
}

// ---------- input (JSON as sent by clients) ----------

/// The contest body of `POST /contests` (and, merged with the stored settings, of
/// `PATCH`). Every field has a default so that a missing field is reported by
/// [`validate`] in Vietnamese together with all other problems.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContestInput {
    pub title: String,
    pub year: i64,
    pub plan: PlanInput,
    pub organizer_unit_code: String,
    pub description: String,
    pub participant_unit_codes: Vec<String>,
    pub min_entries_per_unit: i64,
    pub topics: Vec<TopicInput>,
    pub forms: Vec<String>,
    pub opens_at: String,
    pub submission_deadline: String,
    pub evaluation_ends_at: Option<String>,
    pub criteria: Vec<CriterionInput>,
    pub tie_break: Vec<String>,
    pub aggregation: String,
    pub award_min_score: f64,
    pub prizes: Vec<PrizeInput>,
    /// Other lines of the budget estimate (certificates, frames, meetings…).
    pub budget_lines: Vec<BudgetLineInput>,
    pub judges_see_unit_names: bool,
    pub judges_see_other_scores: bool,
    pub outlier_threshold_percent: i64,
    pub reminder_offsets_days: Vec<i64>,
    /// Size limit of one attachment, in MB (10^6 bytes).
    pub max_file_mb: i64,
    /// Size limit of all attachments of one entry together, in MB.
    pub max_entry_mb: i64,
    pub example_settings: bool,
    /// An internal contest names the contest its winners are forwarded to (SPEC §3.9).
    pub parent_contest_id: Option<i64>,
}

impl Default for ContestInput {
    fn default() -> Self {
        Self {
            title: String::new(),
            year: 0,
            plan: PlanInput::default(),
            organizer_unit_code: String::new(),
            description: String::new(),
            participant_unit_codes: Vec::new(),
            min_entries_per_unit: 1,
            topics: Vec::new(),
            forms: EntryForm::ALL
                .iter()
                .map(|f| f.as_str().to_string())
                .collect(),
            opens_at: String::new(),
            submission_deadline: String::new(),
            evaluation_ends_at: None,
            criteria: Vec::new(),
            tie_break: Vec::new(),
            aggregation: "mean".into(),
            award_min_score: 0.0,
            prizes: Vec::new(),
            budget_lines: Vec::new(),
            judges_see_unit_names: true,
            judges_see_other_scores: false,
            outlier_threshold_percent: 20,
            reminder_offsets_days: vec![7, 3, 1],
            max_file_mb: 20,
            max_entry_mb: 50,
            example_settings: false,
            parent_contest_id: None,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlanInput {
    pub number: String,
    pub date: String,
    pub signer: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct TopicInput {
    pub code: String,
    pub name: String,
    pub group: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct CriterionInput {
    pub code: String,
    pub name: String,
    pub description: String,
    pub max_points: f64,
    pub bands: Vec<BandInput>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct BandInput {
    pub label: String,
    pub min: f64,
    pub max: f64,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct BudgetLineInput {
    pub name: String,
    pub amount_vnd: i64,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrizeInput {
    pub tier: String,
    pub count: i64,
    pub amount_vnd: i64,
}

// ---------- validated settings ----------

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub number: String,
    pub date: Date,
    pub signer: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub code: String,
    pub name: String,
    pub group: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band {
    pub label: String,
    pub min: Points,
    pub max: Points,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criterion {
    pub code: String,
    pub name: String,
    pub description: String,
    pub max_points: Points,
    pub bands: Vec<Band>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prize {
    pub tier: PrizeTier,
    pub count: i64,
    pub amount_vnd: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetLine {
    pub name: String,
    pub amount_vnd: i64,
}

/// Settings that passed [`validate`]: every invariant of §3.1 holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContestSettings {
    pub title: String,
    pub year: i64,
    pub plan: Plan,
    pub organizer_unit_code: String,
    pub description: String,
    pub participant_unit_codes: Vec<String>,
    pub min_entries_per_unit: i64,
    pub topics: Vec<Topic>,
    pub forms: Vec<EntryForm>,
    /// UTC seconds.
    pub opens_at: i64,
    pub submission_deadline: i64,
    pub evaluation_ends_at: Option<i64>,
    pub criteria: Vec<Criterion>,
    pub tie_break: Vec<String>,
    pub aggregation: Aggregation,
    pub award_min_score: Points,
    pub prizes: Vec<Prize>,
    pub budget_lines: Vec<BudgetLine>,
    pub judges_see_unit_names: bool,
    pub judges_see_other_scores: bool,
    pub outlier_threshold_percent: i64,
    pub reminder_offsets_days: Vec<i64>,
    pub max_file_mb: i64,
    pub max_entry_mb: i64,
    pub example_settings: bool,
    pub parent_contest_id: Option<i64>,
}

impl ContestSettings {
    /// The size limit of one attachment, in bytes.
    pub fn max_file_bytes(&self) -> u64 {
        self.max_file_mb.max(0) as u64 * 1_000_000
    }

    /// The size limit of all attachments of an entry, in bytes.
    pub fn max_entry_bytes(&self) -> u64 {
        self.max_entry_mb.max(0) as u64 * 1_000_000
    }

    /// The rubric total: the one formula, in hundredths.
    pub fn rubric_total(&self) -> Points {
        Points(self.criteria.iter().map(|c| c.max_points.0).sum())
    }

    /// Prize counts × amounts.
    pub fn prize_budget_vnd(&self) -> i64 {
        self.prizes.iter().map(|p| p.count * p.amount_vnd).sum()
    }

    /// The settings of next year's contest («Sao chép từ cuộc thi năm trước»): the same
    /// rules, topics, rubric, prizes and participants; every date one year later; the year
    /// in the title moved on; a new plan to cite; no parent (last year's is closed).
    pub fn next_year(&self) -> ContestInput {
        let mut input = self.to_input();
        let (old, new) = (self.year.to_string(), (self.year + 1).to_string());
        input.title = self.title.replace(&old, &new);
        input.year = self.year + 1;
        input.plan = PlanInput {
            signer: self.plan.signer.clone(),
            ..PlanInput::default()
        };
        input.opens_at = time::rfc3339_vn(time::next_year_vn(self.opens_at));
        input.submission_deadline = time::rfc3339_vn(time::next_year_vn(self.submission_deadline));
        input.evaluation_ends_at = self
            .evaluation_ends_at
            .map(|t| time::rfc3339_vn(time::next_year_vn(t)));
        input.example_settings = false;
        input.parent_contest_id = None;
        input
    }

    /// Back to the input shape (the API's JSON shape), so that a PATCH can be merged
    /// onto it and validated again as a whole.
    pub fn to_input(&self) -> ContestInput {
        ContestInput {
            title: self.title.clone(),
            year: self.year,
            plan: PlanInput {
                number: self.plan.number.clone(),
                date: self.plan.date.to_string(),
                signer: self.plan.signer.clone(),
            },
            organizer_unit_code: self.organizer_unit_code.clone(),
            description: self.description.clone(),
            participant_unit_codes: self.participant_unit_codes.clone(),
            min_entries_per_unit: self.min_entries_per_unit,
            topics: self
                .topics
                .iter()
                .map(|t| TopicInput {
                    code: t.code.clone(),
                    name: t.name.clone(),
                    group: t.group.clone(),
                })
                .collect(),
            forms: self.forms.iter().map(|f| f.as_str().to_string()).collect(),
            opens_at: time::rfc3339_vn(self.opens_at),
            submission_deadline: time::rfc3339_vn(self.submission_deadline),
            evaluation_ends_at: self.evaluation_ends_at.map(time::rfc3339_vn),
            criteria: self
                .criteria
                .iter()
                .map(|c| CriterionInput {
                    code: c.code.clone(),
                    name: c.name.clone(),
                    description: c.description.clone(),
                    max_points: c.max_points.as_f64(),
                    bands: c
                        .bands
                        .iter()
                        .map(|b| BandInput {
                            label: b.label.clone(),
                            min: b.min.as_f64(),
                            max: b.max.as_f64(),
                        })
                        .collect(),
                })
                .collect(),
            tie_break: self.tie_break.clone(),
            aggregation: self.aggregation.as_str().to_string(),
            award_min_score: self.award_min_score.as_f64(),
            prizes: self
                .prizes
                .iter()
                .map(|p| PrizeInput {
                    tier: p.tier.as_str().to_string(),
                    count: p.count,
                    amount_vnd: p.amount_vnd,
                })
                .collect(),
            budget_lines: self
                .budget_lines
                .iter()
                .map(|b| BudgetLineInput {
                    name: b.name.clone(),
                    amount_vnd: b.amount_vnd,
                })
                .collect(),
            judges_see_unit_names: self.judges_see_unit_names,
            judges_see_other_scores: self.judges_see_other_scores,
            outlier_threshold_percent: self.outlier_threshold_percent,
            reminder_offsets_days: self.reminder_offsets_days.clone(),
            max_file_mb: self.max_file_mb,
            max_entry_mb: self.max_entry_mb,
            example_settings: self.example_settings,
            parent_contest_id: self.parent_contest_id,
        }
    }
}
