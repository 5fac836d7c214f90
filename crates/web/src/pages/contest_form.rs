//! The organizer's contest form: create a contest, edit one while its state allows it,
//! copy last year's, and a unit's internal contest (the same form with a parent). Rows
//! of topics, criteria, prizes and budget lines are added and removed by buttons that
//! post the form and show it again, so nothing needs JavaScript and nothing typed is
//! lost. Saving calls the same `app::contest` operation as the API.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use sangkien_app::{Error, contest as app_contest, require, unit as app_unit};
use sangkien_domain::{
    account::Role,
    contest::{
        Aggregation, BandInput, BudgetLineInput, ContestInput, ContestState, CriterionInput,
        EntryForm, PlanInput, PrizeInput, PrizeTier, TopicInput,
    },
    labels::Label,
    points::format_vnd,
    time,
    unit::UnitKind,
};
use serde::Deserialize;

use super::{
    Nav, PageUser,
    form::{Csrf, FieldErrors, FromPairs, Pairs, Rows},
    page, page_error, render_status,
};
use crate::{AppState, error::status, extract::Id};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contests/new", get(new_form).post(create))
        .route("/contests/{id}/edit", get(edit_form).post(update))
}

#[derive(Debug, Clone, Default)]
struct TopicRow {
    code: String,
    name: String,
    group: String,
}

#[derive(Debug, Clone, Default)]
struct CriterionRow {
    /// Kept in a hidden field: people know a criterion by its name.
    code: String,
    name: String,
    description: String,
    max_points: String,
    /// One band a line: «Tên mức | từ | đến».
    bands: String,
}

#[derive(Debug, Clone, Default)]
struct PrizeRow {
    tier: String,
    count: String,
    amount: String,
}

#[derive(Debug, Clone, Default)]
struct BudgetRow {
    name: String,
    amount: String,
}

/// The form as typed: every value a string, so that a refused form shows what was typed.
#[derive(Debug, Clone, Default)]
struct ContestForm {
    csrf: String,
    op: String,
    title: String,
    year: String,
    plan_number: String,
    plan_date: String,
    plan_signer: String,
    description: String,
    participants: Vec<String>,
    min_entries: String,
    forms: Vec<String>,
    opens_at: String,
    deadline: String,
    evaluation_ends_at: String,
    topics: Vec<TopicRow>,
    criteria: Vec<CriterionRow>,
    tie_break: Vec<String>,
    aggregation: String,
    award_min_score: String,
    prizes: Vec<PrizeRow>,
    budget: Vec<BudgetRow>,
    judges_see_unit_names: bool,
    judges_see_other_scores: bool,
    outlier_percent: String,
    reminders: String,
    max_file_mb: String,
    max_entry_mb: String,
    parent: String,
}

impl Csrf for ContestForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// The rows `prefix0_…`, `prefix1_…` of a form, as long as one of `fields` is present.
fn rows<T>(
    p: &Pairs,
    prefix: &str,
    fields: &[&str],
    make: impl Fn(&dyn Fn(&str) -> String) -> T,
) -> Vec<T> {
    let mut out = Vec::new();
    for i in 0..500 {
        let key = |f: &str| format!("{prefix}{i}_{f}");
        if !fields.iter().any(|f| p.0.iter().any(|(k, _)| *k == key(f))) {
            break;
        }
        out.push(make(&|f| p.get(&key(f))));
    }
    out
}

fn blank(values: &[&str]) -> bool {
    values.iter().all(|v| v.trim().is_empty())
}

impl FromPairs for ContestForm {
    fn from_pairs(p: &Pairs) -> Self {
        let topics = rows(p, "t", &["code", "name", "group"], |g| TopicRow {
            code: g("code"),
            name: g("name"),
            group: g("group"),
        });
        let criteria = rows(p, "k", &["code", "name"], |g| CriterionRow {
            code: g("code"),
            name: g("name"),
            description: g("description"),
            max_points: g("max"),
            bands: g("bands"),
        });
        let prizes = rows(p, "p", &["tier", "count", "amount"], |g| PrizeRow {
            tier: g("tier"),
            count: g("count"),
            amount: g("amount"),
        });
        let budget = rows(p, "b", &["name", "amount"], |g| BudgetRow {
            name: g("name"),
            amount: g("amount"),
        });
        ContestForm {
            csrf: p.get("csrf"),
            op: p.get("op"),
            title: p.get("title"),
            year: p.get("year"),
            plan_number: p.get("plan_number"),
            plan_date: p.get("plan_date"),
            plan_signer: p.get("plan_signer"),
            description: p.get("description"),
            participants: p.all("participant"),
            min_entries: p.get("min_entries"),
            forms: p.all("form"),
            opens_at: p.get("opens_at"),
            deadline: p.get("deadline"),
            evaluation_ends_at: p.get("evaluation_ends_at"),
            topics,
            criteria,
            tie_break: p.all("tie").into_iter().filter(|t| !t.is_empty()).collect(),
            aggregation: p.get("aggregation"),
            award_min_score: p.get("award_min_score"),
            prizes,
            budget,
            judges_see_unit_names: !p.get("judges_see_unit_names").is_empty(),
            judges_see_other_scores: !p.get("judges_see_other_scores").is_empty(),
            outlier_percent: p.get("outlier_percent"),
            reminders: p.get("reminders"),
            max_file_mb: p.get("max_file_mb"),
            max_entry_mb: p.get("max_entry_mb"),
            parent: p.get("parent"),
        }
    }
}

/// A points value as people type it: «2,5» or «2.5».
fn points_text(p: f64) -> String {
    sangkien_domain::points::Points::from_f64(p)
        .map(|p| p.display_vi())
        .unwrap_or_else(|| p.to_string())
}

/// An amount as the form shows it: «5.000.000».
fn vnd_text(v: i64) -> String {
    format_vnd(v).trim_end_matches(" đ").to_string()
}

impl ContestForm {
    /// The form filled from settings in their input shape.
    fn from_input(i: &ContestInput) -> ContestForm {
        let instant = |s: &str| {
            time::parse_instant(s, time::DayEdge::Start)
                .map(time::local_input_vn)
                .unwrap_or_default()
        };
        ContestForm {
            title: i.title.clone(),
            year: if i.year == 0 {
                String::new()
            } else {
                i.year.to_string()
            },
            plan_number: i.plan.number.clone(),
            plan_date: i.plan.date.clone(),
            plan_signer: i.plan.signer.clone(),
            description: i.description.clone(),
            participants: i.participant_unit_codes.clone(),
            min_entries: i.min_entries_per_unit.to_string(),
            forms: i.forms.clone(),
            opens_at: instant(&i.opens_at),
            deadline: instant(&i.submission_deadline),
            evaluation_ends_at: i
                .evaluation_ends_at
                .as_deref()
                .map(instant)
                .unwrap_or_default(),
            topics: i
                .topics
                .iter()
                .map(|t| TopicRow {
                    code: t.code.clone(),
                    name: t.name.clone(),
                    group: t.group.clone(),
                })
                .collect(),
            criteria: i
                .criteria
                .iter()
                .map(|c| CriterionRow {
                    code: c.code.clone(),
                    name: c.name.clone(),
                    description: c.description.clone(),
                    max_points: points_text(c.max_points),
                    bands: c
                        .bands
                        .iter()
                        .map(|b| {
                            format!(
                                "{} | {} | {}",
                                b.label,
                                points_text(b.min),
                                points_text(b.max)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n"),
                })
                .collect(),
            tie_break: i.tie_break.clone(),
            aggregation: i.aggregation.clone(),
            award_min_score: points_text(i.award_min_score),
            prizes: i
                .prizes
                .iter()
                .map(|p| PrizeRow {
                    tier: p.tier.clone(),
                    count: p.count.to_string(),
                    amount: vnd_text(p.amount_vnd),
                })
                .collect(),
            budget: i
                .budget_lines
                .iter()
                .map(|b| BudgetRow {
                    name: b.name.clone(),
                    amount: vnd_text(b.amount_vnd),
                })
                .collect(),
            judges_see_unit_names: i.judges_see_unit_names,
            judges_see_other_scores: i.judges_see_other_scores,
            outlier_percent: i.outlier_threshold_percent.to_string(),
            reminders: i
                .reminder_offsets_days
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            max_file_mb: i.max_file_mb.to_string(),
            max_entry_mb: i.max_entry_mb.to_string(),
            parent: i
                .parent_contest_id
                .map(|p| p.to_string())
                .unwrap_or_default(),
            ..ContestForm::default()
        }
    }

    /// A new contest's form: the defaults, one empty row of each kind, the four prizes.
    fn blank() -> ContestForm {
        let mut f = ContestForm::from_input(&ContestInput::default());
        f.topics.push(TopicRow::default());
        f.criteria.push(CriterionRow {
            code: "tc1".into(),
            ..CriterionRow::default()
        });
        f.prizes = PrizeTier::ALL
            .iter()
            .map(|t| PrizeRow {
                tier: t.as_str().into(),
                ..PrizeRow::default()
            })
            .collect();
        f
    }

    /// Drops the rows left wholly empty before saving, so that the rows shown again
    /// after a refusal and the indices in its messages are the same. (A row button keeps
    /// them: the blank form's prize tiers and first rows stay for the person to fill.)
    fn drop_blank_rows(&mut self) {
        self.topics
            .retain(|t| !blank(&[&t.code, &t.name, &t.group]));
        self.criteria
            .retain(|c| !blank(&[&c.name, &c.description, &c.max_points, &c.bands]));
        self.prizes.retain(|r| !blank(&[&r.count, &r.amount]));
        self.budget.retain(|b| !blank(&[&b.name, &b.amount]));
    }

    /// A code no criterion of the form uses yet.
    fn fresh_criterion_code(&self) -> String {
        (1..)
            .map(|n| format!("tc{n}"))
            .find(|c| !self.criteria.iter().any(|k| &k.code == c))
            .unwrap_or_default()
    }

    /// The topics; a topic without a code gets the first free «CD1», «CD2»…, since
    /// people know a topic by its name.
    fn topic_inputs(&self) -> Vec<TopicInput> {
        let mut taken: Vec<String> = self
            .topics
            .iter()
            .map(|t| t.code.trim().to_string())
            .collect();
        self.topics
            .iter()
            .map(|t| {
                let mut code = t.code.trim().to_string();
                if code.is_empty() {
                    code = (1..)
                        .map(|n| format!("CD{n}"))
                        .find(|c| !taken.contains(c))
                        .unwrap_or_default();
                    taken.push(code.clone());
                }
                TopicInput {
                    code,
                    name: t.name.clone(),
                    group: t.group.clone(),
                }
            })
            .collect()
    }

    /// Applies a button other than «Lưu»: adds or removes a row, or ticks a group of
    /// units. Returns false for «Lưu».
    fn apply(&mut self, op: &str, units: &[sangkien_storage::unit::Unit]) -> bool {
        let (verb, arg) = op.split_once(':').unwrap_or((op, ""));
        let index = arg.parse::<usize>().ok();
        let drop = |len: usize| index.filter(|i| *i < len);
        match (verb, arg) {
            ("add", "topic") => self.topics.push(TopicRow::default()),
            ("add", "criterion") => {
                let code = self.fresh_criterion_code();
                self.criteria.push(CriterionRow {
                    code,
                    ..CriterionRow::default()
                });
            }
            ("add", "prize") => {
                let tier = PrizeTier::ALL
                    .iter()
                    .find(|t| !self.prizes.iter().any(|p| p.tier == t.as_str()))
                    .unwrap_or(&PrizeTier::Consolation);
                self.prizes.push(PrizeRow {
                    tier: tier.as_str().into(),
                    ..PrizeRow::default()
                });
            }
            ("add", "budget") => self.budget.push(BudgetRow::default()),
            ("del-topic", _) => {
                if let Some(i) = drop(self.topics.len()) {
                    self.topics.remove(i);
                }
            }
            ("del-criterion", _) => {
                if let Some(i) = drop(self.criteria.len()) {
                    let gone = self.criteria.remove(i);
                    self.tie_break.retain(|c| *c != gone.code);
                }
            }
            ("del-prize", _) => {
                if let Some(i) = drop(self.prizes.len()) {
                    self.prizes.remove(i);
                }
            }
            ("del-budget", _) => {
                if let Some(i) = drop(self.budget.len()) {
                    self.budget.remove(i);
                }
            }
            ("units", "none") => self.participants.clear(),
            ("units", kind) => {
                for u in units {
                    let all = kind == "all";
                    if u.active
                        && (all || u.kind.as_str() == kind)
                        && !self.participants.contains(&u.code)
                    {
                        self.participants.push(u.code.clone());
                    }
                }
            }
            _ => return false,
        }
        true
    }

    /// The settings in the API's input shape, or the fields that could not be read.
    fn to_input(&self, organizer_unit: &str) -> Result<ContestInput, Vec<(String, String)>> {
        let mut bad = Vec::new();
        let mut fail =
            |field: &str, message: &str| bad.push((field.to_string(), message.to_string()));
        let integer = |text: &str, field: &str, label: &str, fail: &mut dyn FnMut(&str, &str)| {
            let t = text.trim();
            if t.is_empty() {
                return 0;
            }
            t.parse::<i64>().unwrap_or_else(|_| {
                fail(field, &format!("{label} phải là một số nguyên."));
                0
            })
        };
        let decimal = |text: &str, field: &str, label: &str, fail: &mut dyn FnMut(&str, &str)| {
            let t = text.trim().replace(',', ".");
            if t.is_empty() {
                return 0.0;
            }
            t.parse::<f64>().unwrap_or_else(|_| {
                fail(field, &format!("{label} phải là một số, ví dụ 2,5."));
                0.0
            })
        };
        let vnd = |text: &str, field: &str, label: &str, fail: &mut dyn FnMut(&str, &str)| {
            let t: String = text
                .trim()
                .trim_end_matches('đ')
                .chars()
                .filter(|c| !matches!(c, '.' | ' ' | ','))
                .collect();
            if t.is_empty() {
                return 0;
            }
            t.parse::<i64>().unwrap_or_else(|_| {
                fail(
                    field,
                    &format!("{label} phải là số tiền bằng đồng, ví dụ 5.000.000."),
                );
                0
            })
        };
        // A time typed to the minute: an opening starts at its first second, a deadline
        // ends with its last, so «23:59» shown again saves as 23:59:59 again.
        let at = |text: &str, end_of_minute: bool| -> String {
            let t = text.trim();
            let extra = if end_of_minute && t.len() == "2021-10-31T23:59".len() {
                59
            } else {
                0
            };
            time::parse_local_vn(t)
                .map(|s| time::rfc3339_vn(s + extra))
                .unwrap_or_else(|| t.to_string())
        };

        let criteria = self
            .criteria
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let bands = c
                    .bands
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|line| {
                        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
                        let field = format!("criteria[{i}].bands");
                        if parts.len() != 3 {
                            fail(&field, &format!("Tiêu chí «{}»: mỗi dòng mức điểm viết «Tên mức | từ | đến», ví dụ «Tốt | 8 | 10».", c.name.trim()));
                            return BandInput::default();
                        }
                        BandInput {
                            label: parts[0].to_string(),
                            min: decimal(parts[1], &field, "Cận dưới của mức điểm", &mut fail),
                            max: decimal(parts[2], &field, "Cận trên của mức điểm", &mut fail),
                        }
                    })
                    .collect();
                CriterionInput {
                    code: c.code.trim().to_string(),
                    name: c.name.clone(),
                    description: c.description.clone(),
                    max_points: decimal(&c.max_points, &format!("criteria[{i}].max_points"), "Điểm tối đa", &mut fail),
                    bands,
                }
            })
            .collect();
        let prizes = self
            .prizes
            .iter()
            .enumerate()
            .map(|(i, p)| PrizeInput {
                tier: p.tier.clone(),
                count: integer(
                    &p.count,
                    &format!("prizes[{i}].count"),
                    "Số lượng giải",
                    &mut fail,
                ),
                amount_vnd: vnd(
                    &p.amount,
                    &format!("prizes[{i}].amount_vnd"),
                    "Mức thưởng",
                    &mut fail,
                ),
            })
            .collect();
        let budget_lines = self
            .budget
            .iter()
            .enumerate()
            .map(|(i, b)| BudgetLineInput {
                name: b.name.clone(),
                amount_vnd: vnd(
                    &b.amount,
                    &format!("budget_lines[{i}].amount_vnd"),
                    "Số tiền",
                    &mut fail,
                ),
            })
            .collect();
        let reminder_offsets_days = self
            .reminders
            .split([',', ';', ' '])
            .filter(|s| !s.trim().is_empty())
            .map(|d| {
                integer(
                    d,
                    "reminder_offsets_days",
                    "Số ngày nhắc trước hạn",
                    &mut fail,
                )
            })
            .collect();
        let parent_contest_id = match self.parent.trim() {
            "" => None,
            p => Some(integer(
                p,
                "parent_contest_id",
                "Cuộc thi cấp trên",
                &mut fail,
            )),
        };
        let input = ContestInput {
            title: self.title.clone(),
            year: integer(&self.year, "year", "Năm tổ chức", &mut fail),
            plan: PlanInput {
                number: self.plan_number.clone(),
                date: self.plan_date.clone(),
                signer: self.plan_signer.clone(),
            },
            organizer_unit_code: organizer_unit.to_string(),
            description: self.description.clone(),
            participant_unit_codes: self.participants.clone(),
            min_entries_per_unit: integer(
                &self.min_entries,
                "min_entries_per_unit",
                "Số sáng kiến tối thiểu",
                &mut fail,
            ),
            topics: self.topic_inputs(),
            forms: self.forms.clone(),
            opens_at: at(&self.opens_at, false),
            submission_deadline: at(&self.deadline, true),
            evaluation_ends_at: Some(at(&self.evaluation_ends_at, true)).filter(|s| !s.is_empty()),
            criteria,
            tie_break: self.tie_break.clone(),
            aggregation: self.aggregation.clone(),
            award_min_score: decimal(
                &self.award_min_score,
                "award_min_score",
                "Điểm sàn xét giải",
                &mut fail,
            ),
            prizes,
            budget_lines,
            judges_see_unit_names: self.judges_see_unit_names,
            judges_see_other_scores: self.judges_see_other_scores,
            outlier_threshold_percent: integer(
                &self.outlier_percent,
                "outlier_threshold_percent",
                "Ngưỡng chênh lệch điểm",
                &mut fail,
            ),
            reminder_offsets_days,
            max_file_mb: integer(
                &self.max_file_mb,
                "max_file_mb",
                "Dung lượng tối đa của một tệp",
                &mut fail,
            ),
            max_entry_mb: integer(
                &self.max_entry_mb,
                "max_entry_mb",
                "Dung lượng tối đa của một sáng kiến",
                &mut fail,
            ),
            example_settings: false,
            parent_contest_id,
        };
        if bad.is_empty() { Ok(input) } else { Err(bad) }
    }
}

/// The fields that could not be read, as the refusal the form shows.
fn invalid(bad: Vec<(String, String)>) -> Error {
    let mut e = sangkien_domain::ValidationErrors::new();
    for (field, message) in bad {
        e.add(field, message);
    }
    e.into()
}

struct UnitChoice {
    code: String,
    name: String,
    checked: bool,
}

struct UnitGroup {
    /// The kind's code, for the group's «chọn tất cả» button.
    kind: &'static str,
    label: &'static str,
    units: Vec<UnitChoice>,
}

#[derive(Template)]
#[template(path = "contest_form.html")]
struct FormPage {
    nav: Option<Nav>,
    csrf: String,
    /// The contest being edited: id and title.
    editing: Option<(i64, String)>,
    /// The contest whose settings were copied.
    copied_from: Option<String>,
    /// Criteria, tie-break and aggregation are fixed once judging has started.
    rubric_locked: bool,
    organizer: String,
    v: ContestForm,
    groups: Vec<UnitGroup>,
    parents: Vec<(i64, String)>,
    tiers: Vec<(&'static str, &'static str)>,
    aggregations: Vec<(&'static str, &'static str)>,
    entry_forms: Vec<(&'static str, &'static str)>,
    /// One select per criterion: the chosen criterion's code at that place, or empty.
    tie_slots: Vec<String>,
    errors: FieldErrors,
}

impl FormPage {
    /// The messages of `list[i].field` and everything under it.
    fn at(&self, list: &str, i: &usize, field: &str) -> String {
        self.errors.under(&format!("{list}[{i}].{field}"))
    }

    /// The message of the tie-break's place `i`.
    fn tie_error(&self, i: &usize) -> String {
        self.errors.on(&format!("tie_break[{i}]"))
    }
}

struct Context {
    editing: Option<(i64, String)>,
    copied_from: Option<String>,
    rubric_locked: bool,
}

async fn view(
    state: &AppState,
    user: &PageUser,
    cx: Context,
    v: ContestForm,
    errors: FieldErrors,
) -> Result<FormPage, Error> {
    require(user.account(), &[Role::Organizer])?;
    let units = app_unit::list(state).await?;
    let organizer = units
        .iter()
        .find(|u| u.code == user.account().unit_code)
        .map(|u| u.name.clone())
        .unwrap_or_else(|| user.account().unit_code.clone());
    let groups = UnitKind::ALL
        .iter()
        .map(|kind| UnitGroup {
            kind: kind.as_str(),
            label: kind.vi(),
            units: units
                .iter()
                .filter(|u| u.kind == *kind && (u.active || v.participants.contains(&u.code)))
                .map(|u| UnitChoice {
                    code: u.code.clone(),
                    name: u.name.clone(),
                    checked: v.participants.contains(&u.code),
                })
                .collect(),
        })
        .filter(|g| !g.units.is_empty())
        .collect();
    let own_id = cx.editing.as_ref().map(|(id, _)| *id);
    let parents = app_contest::parent_choices(state, user.account())
        .await?
        .into_iter()
        .filter(|c| Some(c.id) != own_id)
        .map(|c| (c.id, format!("{} ({})", c.title, c.year)))
        .collect();
    let mut tie_slots = v.tie_break.clone();
    tie_slots.resize(v.criteria.len().max(tie_slots.len()).max(1), String::new());
    Ok(FormPage {
        nav: user.nav(),
        csrf: user.csrf(),
        editing: cx.editing,
        copied_from: cx.copied_from,
        rubric_locked: cx.rubric_locked,
        organizer,
        v,
        groups,
        parents,
        tiers: PrizeTier::ALL
            .iter()
            .map(|t| (t.as_str(), t.vi()))
            .collect(),
        aggregations: Aggregation::ALL
            .iter()
            .map(|a| (a.as_str(), a.vi()))
            .collect(),
        entry_forms: EntryForm::ALL
            .iter()
            .map(|f| (f.as_str(), f.vi()))
            .collect(),
        tie_slots,
        errors,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewQuery {
    /// A contest whose settings to copy with next year's dates.
    copy: Option<i64>,
}

async fn new_form(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<NewQuery>,
) -> Response {
    let (v, copied_from) = match q.copy {
        None => (ContestForm::blank(), None),
        Some(id) => match app_contest::get(&state, user.account(), id).await {
            Ok(r) => (
                ContestForm::from_input(&r.settings.next_year()),
                Some(r.settings.title),
            ),
            Err(e) => return page_error(e),
        },
    };
    let cx = Context {
        editing: None,
        copied_from,
        rubric_locked: false,
    };
    page(view(&state, &user, cx, v, FieldErrors::default()).await)
}

/// Shows the form again: after a row button (200) or a refusal (its status).
async fn again(
    state: &AppState,
    user: &PageUser,
    cx: Context,
    v: ContestForm,
    e: Option<Error>,
) -> Response {
    let (code, errors) = match &e {
        None => (axum::http::StatusCode::OK, FieldErrors::default()),
        Some(e) => (status(e.kind), FieldErrors::of(e)),
    };
    match view(state, user, cx, v, errors).await {
        Ok(p) => render_status(code, &p),
        Err(err) => page_error(e.unwrap_or(err)),
    }
}

async fn create(
    State(state): State<AppState>,
    user: PageUser,
    Rows(mut f): Rows<ContestForm>,
) -> Response {
    if let Err(e) = require(user.account(), &[Role::Organizer]) {
        return page_error(e);
    }
    let cx = || Context {
        editing: None,
        copied_from: None,
        rubric_locked: false,
    };
    let units = match app_unit::list(&state).await {
        Ok(u) => u,
        Err(e) => return page_error(e),
    };
    let op = f.op.clone();
    if f.apply(&op, &units) {
        return again(&state, &user, cx(), f, None).await;
    }
    f.drop_blank_rows();
    let input = match f.to_input(&user.account().unit_code) {
        Ok(i) => i,
        Err(bad) => {
            let e = invalid(bad);
            return again(&state, &user, cx(), f, Some(e)).await;
        }
    };
    match app_contest::create(&state, user.account(), &input).await {
        Ok(r) => Redirect::to(&format!("/contests/{}?done=created", r.id)).into_response(),
        Err(e) => again(&state, &user, cx(), f, Some(e)).await,
    }
}

async fn edit_form(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    let r = match app_contest::get(&state, user.account(), id).await {
        Ok(r) => r,
        Err(e) => return page_error(e),
    };
    let cx = Context {
        editing: Some((id, r.settings.title.clone())),
        copied_from: None,
        rubric_locked: r.state >= ContestState::Judging,
    };
    page(
        view(
            &state,
            &user,
            cx,
            ContestForm::from_input(&r.settings.to_input()),
            FieldErrors::default(),
        )
        .await,
    )
}

async fn update(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Rows(mut f): Rows<ContestForm>,
) -> Response {
    let r = match app_contest::get(&state, user.account(), id).await {
        Ok(r) => r,
        Err(e) => return page_error(e),
    };
    if let Err(e) = require(user.account(), &[Role::Organizer]) {
        return page_error(e);
    }
    let rubric_locked = r.state >= ContestState::Judging;
    let cx = || Context {
        editing: Some((id, r.settings.title.clone())),
        copied_from: None,
        rubric_locked,
    };
    let units = match app_unit::list(&state).await {
        Ok(u) => u,
        Err(e) => return page_error(e),
    };
    let op = f.op.clone();
    if f.apply(&op, &units) {
        return again(&state, &user, cx(), f, None).await;
    }
    f.drop_blank_rows();
    let input = match f.to_input(&user.account().unit_code) {
        Ok(i) => i,
        Err(bad) => return again(&state, &user, cx(), f, Some(invalid(bad))).await,
    };
    let result = app_contest::update(&state, user.account(), id, |before| {
        let mut after = ContestInput {
            example_settings: before.example_settings,
            ..input
        };
        if rubric_locked {
            // Not on the form once judging has started: kept as they are.
            after.criteria = before.criteria;
            after.tie_break = before.tie_break;
            after.aggregation = before.aggregation;
        }
        Ok(after)
    })
    .await;
    match result {
        Ok(_) => Redirect::to(&format!("/contests/{id}?done=updated")).into_response(),
        Err(e) => again(&state, &user, cx(), f, Some(e)).await,
    }
}
