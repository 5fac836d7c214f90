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

mod convert;

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
