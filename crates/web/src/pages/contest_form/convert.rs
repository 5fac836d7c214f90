//! The contest form's values: read from a contest's settings, turned into the
//! operation's input, and the rows added or removed by the form's buttons.

use super::*;

impl ContestForm {
    /// The form filled from settings in their input shape.
    pub(super) fn from_input(i: &ContestInput) -> ContestForm {
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
    pub(super) fn blank() -> ContestForm {
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
    pub(super) fn drop_blank_rows(&mut self) {
        self.topics
            .retain(|t| !blank(&[&t.code, &t.name, &t.group]));
        self.criteria
            .retain(|c| !blank(&[&c.name, &c.description, &c.max_points, &c.bands]));
        self.prizes.retain(|r| !blank(&[&r.count, &r.amount]));
        self.budget.retain(|b| !blank(&[&b.name, &b.amount]));
    }

    /// A code no criterion of the form uses yet.
    pub(super) fn fresh_criterion_code(&self) -> String {
        (1..)
            .map(|n| format!("tc{n}"))
            .find(|c| !self.criteria.iter().any(|k| &k.code == c))
            .unwrap_or_default()
    }

    /// The topics; a topic without a code gets the first free «CD1», «CD2»…, since
    /// people know a topic by its name.
    pub(super) fn topic_inputs(&self) -> Vec<TopicInput> {
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
    pub(super) fn apply(&mut self, op: &str, units: &[sangkien_storage::unit::Unit]) -> bool {
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
    pub(super) fn to_input(
        &self,
        organizer_unit: &str,
    ) -> Result<ContestInput, Vec<(String, String)>> {
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
