//! The entry form: a new entry of a contest, or an entry's edit. A failed save shows
//! every error beside its field and keeps everything typed.

use std::collections::HashMap;

use askama::Template;
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use sangkien_app::{
    Error,
    entry::{FormFor, change, change::NewEntry, form_facts},
};
use sangkien_domain::{
    account::Role,
    contest::EntryForm,
    entry::{self, Author, Description, EntryContent, TrialParticipant},
    labels::Label,
    time,
};
use sangkien_storage::contest::ContestRecord;

use crate::{
    AppState,
    error::status,
    extract::Id,
    pages::{
        Nav, PageUser,
        form::{FieldErrors, FromPairs, Pairs, Rows},
        page, page_error, render_status,
    },
};

/// The form as typed: every value is kept as text so a failed save shows it again.
#[derive(Debug, Clone, Default)]
struct FormValues {
    unit_code: String,
    title: String,
    topic_code: String,
    form: String,
    field_of_application: String,
    first_applied_on: String,
    implementation_status: String,
    sections: Vec<(&'static str, &'static str, String)>,
    confidential: String,
    investor: String,
    trial_benefits: String,
    authors: Vec<[String; 6]>,
    participants: Vec<[String; 6]>,
}

const AUTHOR_FIELDS: [&str; 6] = [
    "full_name",
    "birth_date",
    "workplace",
    "position",
    "qualification",
    "contribution_percent",
];
const PARTICIPANT_FIELDS: [&str; 6] = [
    "full_name",
    "birth_date",
    "workplace",
    "position",
    "qualification",
    "task",
];
const MAX_ROWS: usize = 30;

impl FormValues {
    fn from_content(c: &EntryContent) -> Self {
        let mut v = FormValues {
            title: c.title.clone(),
            topic_code: c.topic_code.clone(),
            form: c.form.clone(),
            field_of_application: c.field_of_application.clone(),
            first_applied_on: c.first_applied_on.clone(),
            implementation_status: c.implementation_status.clone(),
            sections: c
                .description
                .sections()
                .iter()
                .map(|(n, l, t)| (*n, *l, t.to_string()))
                .collect(),
            confidential: c.confidential.clone(),
            investor: c.investor.clone(),
            trial_benefits: c.trial_benefits.clone(),
            authors: c
                .authors
                .iter()
                .map(|a| {
                    [
                        a.full_name.clone(),
                        a.birth_date.clone(),
                        a.workplace.clone(),
                        a.position.clone(),
                        a.qualification.clone(),
                        a.contribution_percent
                            .map(|p| p.to_string().replace('.', ","))
                            .unwrap_or_default(),
                    ]
                })
                .collect(),
            participants: c
                .trial_participants
                .iter()
                .map(|p| {
                    [
                        p.full_name.clone(),
                        p.birth_date.clone(),
                        p.workplace.clone(),
                        p.position.clone(),
                        p.qualification.clone(),
                        p.task.clone(),
                    ]
                })
                .collect(),
            ..FormValues::default()
        };
        v.pad();
        v
    }

    fn from_pairs(pairs: &Pairs) -> Self {
        let map: HashMap<&str, &str> = pairs
            .0
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let get = |k: &str| map.get(k).map(|v| v.to_string()).unwrap_or_default();
        let blank = EntryContent::default();
        let mut v = FormValues {
            unit_code: get("unit_code"),
            title: get("title"),
            topic_code: get("topic_code"),
            form: get("form"),
            field_of_application: get("field_of_application"),
            first_applied_on: get("first_applied_on"),
            implementation_status: get("implementation_status"),
            sections: blank
                .description
                .sections()
                .iter()
                .map(|(n, l, _)| (*n, *l, get(&format!("description.{n}"))))
                .collect(),
            confidential: get("confidential"),
            investor: get("investor"),
            trial_benefits: get("trial_benefits"),
            ..FormValues::default()
        };
        for i in 0..MAX_ROWS {
            let row = AUTHOR_FIELDS.map(|f| get(&format!("a{i}_{f}")));
            if row.iter().any(|x| !x.trim().is_empty()) {
                v.authors.push(row);
            }
            let row = PARTICIPANT_FIELDS.map(|f| get(&format!("p{i}_{f}")));
            if row.iter().any(|x| !x.trim().is_empty()) {
                v.participants.push(row);
            }
        }
        v
    }

    /// Blank rows to type new authors and participants into.
    fn pad(&mut self) {
        while self.authors.len() < 3 || self.authors.last().is_some_and(|r| !r[0].is_empty()) {
            if self.authors.len() >= MAX_ROWS {
                break;
            }
            self.authors.push(Default::default());
        }
        while self.participants.len() < 2
            || self.participants.last().is_some_and(|r| !r[0].is_empty())
        {
            if self.participants.len() >= MAX_ROWS {
                break;
            }
            self.participants.push(Default::default());
        }
    }

    /// The content to validate, with the field of every unreadable number named.
    fn content(&self) -> (EntryContent, Vec<(String, String)>) {
        let mut bad = Vec::new();
        let authors = self
            .authors
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let pct = r[5].trim().replace(',', ".");
                let contribution_percent = if pct.is_empty() {
                    None
                } else {
                    match pct.trim_end_matches('%').trim().parse::<f64>() {
                        Ok(p) => Some(p),
                        Err(_) => {
                            bad.push((
                                format!("authors[{i}].contribution_percent"),
                                "Tỷ lệ đóng góp phải là một số, ví dụ 50 hoặc 33,33.".to_string(),
                            ));
                            None
                        }
                    }
                };
                Author {
                    full_name: r[0].clone(),
                    birth_date: r[1].clone(),
                    workplace: r[2].clone(),
                    position: r[3].clone(),
                    qualification: r[4].clone(),
                    contribution_percent,
                }
            })
            .collect();
        let section = |name: &str| {
            self.sections
                .iter()
                .find(|(n, _, _)| *n == name)
                .map(|(_, _, t)| t.clone())
                .unwrap_or_default()
        };
        (
            EntryContent {
                title: self.title.clone(),
                topic_code: self.topic_code.clone(),
                form: self.form.clone(),
                authors,
                field_of_application: self.field_of_application.clone(),
                first_applied_on: self.first_applied_on.clone(),
                implementation_status: self.implementation_status.clone(),
                description: Description {
                    current_situation: section("current_situation"),
                    solution: section("solution"),
                    novelty: section("novelty"),
                    conditions: section("conditions"),
                    benefits: section("benefits"),
                    replication_scope: section("replication_scope"),
                },
                trial_participants: self
                    .participants
                    .iter()
                    .map(|r| TrialParticipant {
                        full_name: r[0].clone(),
                        birth_date: r[1].clone(),
                        workplace: r[2].clone(),
                        position: r[3].clone(),
                        qualification: r[4].clone(),
                        task: r[5].clone(),
                    })
                    .collect(),
                confidential: self.confidential.clone(),
                investor: self.investor.clone(),
                trial_benefits: self.trial_benefits.clone(),
            },
            bad,
        )
    }
}

#[derive(Template)]
#[template(path = "entry_form.html")]
struct FormPage {
    nav: Option<Nav>,
    csrf: String,
    heading: String,
    action: String,
    back: String,
    contest_title: String,
    deadline: String,
    units: Vec<(String, String)>,
    topics: Vec<(String, String, String)>,
    forms: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    v: FormValues,
    errors: FieldErrors,
}

impl FormPage {
    /// The error message of a field, or empty.
    fn err(&self, field: &str) -> String {
        self.errors.on(field)
    }

    fn author_err(&self, i: &usize, field: &str) -> String {
        self.err(&format!("authors[{i}].{field}"))
    }

    fn participant_err(&self, i: &usize, field: &str) -> String {
        self.err(&format!("trial_participants[{i}].{field}"))
    }
}

/// Where a form comes from and goes to: a new entry of a contest, or an entry's edit.
struct FormTarget {
    heading: String,
    action: String,
    back: String,
}

impl FormTarget {
    fn of(target: FormFor) -> Self {
        match target {
            FormFor::New(id) => Self::new_entry(id),
            FormFor::Edit(id) => Self::edit(id),
        }
    }

    fn new_entry(contest_id: i64) -> Self {
        Self {
            heading: "Sáng kiến mới".into(),
            action: format!("/contests/{contest_id}/entries/new"),
            back: format!("/contests/{contest_id}/entries"),
        }
    }

    fn edit(entry_id: i64) -> Self {
        Self {
            heading: "Sửa sáng kiến".into(),
            action: format!("/entries/{entry_id}/edit"),
            back: format!("/entries/{entry_id}"),
        }
    }
}

fn form_page(
    user: &PageUser,
    contest: &ContestRecord,
    names: &HashMap<String, String>,
    target: FormTarget,
    mut v: FormValues,
    errors: FieldErrors,
) -> FormPage {
    let FormTarget {
        heading,
        action,
        back,
    } = target;
    v.pad();
    let s = &contest.settings;
    FormPage {
        nav: user.nav(),
        csrf: user.session.csrf_token.clone(),
        heading,
        action,
        back,
        contest_title: s.title.clone(),
        deadline: time::display_vn(s.submission_deadline),
        units: if user.session.account.role == Role::Organizer {
            s.participant_unit_codes
                .iter()
                .map(|c| (c.clone(), names.get(c).cloned().unwrap_or(c.clone())))
                .collect()
        } else {
            Vec::new()
        },
        topics: s
            .topics
            .iter()
            .map(|t| (t.group.clone(), t.code.clone(), t.name.clone()))
            .collect(),
        forms: EntryForm::ALL
            .iter()
            .filter(|f| s.forms.contains(f))
            .map(|f| (f.as_str(), f.vi()))
            .collect(),
        statuses: entry::IMPLEMENTATION_STATUSES.to_vec(),
        v,
        errors,
    }
}

/// The form for a target, with these values and errors.
async fn form_view(
    state: &AppState,
    user: &PageUser,
    target: FormFor,
    to_change: bool,
    values: Option<FormValues>,
    errors: FieldErrors,
) -> Result<FormPage, Error> {
    let (contest, entry, names) = form_facts(state, user.account(), target, to_change).await?;
    let values = values
        .unwrap_or_else(|| FormValues::from_content(&entry.map(|e| e.content).unwrap_or_default()));
    Ok(form_page(
        user,
        &contest,
        &names,
        FormTarget::of(target),
        values,
        errors,
    ))
}

pub async fn new_form(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    page(
        form_view(
            &state,
            &user,
            FormFor::New(id),
            true,
            None,
            FieldErrors::default(),
        )
        .await,
    )
}

pub async fn edit_form(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    page(
        form_view(
            &state,
            &user,
            FormFor::Edit(id),
            true,
            None,
            FieldErrors::default(),
        )
        .await,
    )
}

/// The entry form as posted.
pub struct EntryFormInput {
    csrf: String,
    values: FormValues,
}

crate::pages::form::csrf_field!(EntryFormInput);

impl FromPairs for EntryFormInput {
    fn from_pairs(p: &Pairs) -> Self {
        EntryFormInput {
            csrf: p.get("csrf"),
            values: FormValues::from_pairs(p),
        }
    }
}

/// Saves a form: creates (a new entry of a contest) or updates (an entry). On failure
/// the form comes back with every error and every typed value.
async fn save_form(
    state: &AppState,
    user: &PageUser,
    target: FormFor,
    input: EntryFormInput,
) -> Response {
    let values = input.values;
    let (content, bad_numbers) = values.content();
    let account = user.account();
    let outcome: Result<i64, Error> = async {
        if !bad_numbers.is_empty() {
            // Show the unreadable numbers together with every other error of the form.
            let (contest, _, _) = form_facts(state, account, target, false).await?;
            let mut e = sangkien_domain::ValidationErrors::new();
            for (f, m) in &bad_numbers {
                e.add(f.clone(), m.clone());
            }
            if let Err(more) = entry::validate(&content, &contest.settings) {
                e.fields.extend(more.fields);
            }
            return Err(e.into());
        }
        match target {
            FormFor::New(id) => {
                let unit_code = Some(values.unit_code.clone()).filter(|u| !u.is_empty());
                let created = change::create(state, account, id, None, || {
                    Ok(NewEntry { unit_code, content })
                })
                .await?;
                match created {
                    sangkien_app::idem::Outcome::Done(d) => Ok(d.entry.id),
                    // Without a key nothing is replayed.
                    sangkien_app::idem::Outcome::Replayed(_) => Err(Error::internal()),
                }
            }
            FormFor::Edit(id) => Ok(change::update(state, account, id, |_| Ok(content))
                .await?
                .entry
                .id),
        }
    }
    .await;
    match outcome {
        Ok(entry_id) => {
            let done = match target {
                FormFor::New(_) => "created",
                FormFor::Edit(_) => "saved",
            };
            Redirect::to(&format!("/entries/{entry_id}?done={done}")).into_response()
        }
        Err(e) => {
            let errors = FieldErrors::of(&e);
            match form_view(state, user, target, false, Some(values), errors).await {
                Ok(p) => render_status(status(e.kind), &p),
                Err(_) => page_error(e),
            }
        }
    }
}

pub async fn create(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Rows(input): Rows<EntryFormInput>,
) -> Response {
    save_form(&state, &user, FormFor::New(id), input).await
}

pub async fn save(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Rows(input): Rows<EntryFormInput>,
) -> Response {
    save_form(&state, &user, FormFor::Edit(id), input).await
}
