//! The dashboard (`/`), a contest's page and its transition buttons.

use std::collections::HashMap;

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use sangkien_app::{
    Error,
    contest::{self as app_contest, Overview},
};
use sangkien_domain::{
    account::Role,
    contest::{self, ContestState},
    labels::Label,
    points::format_vnd,
    time,
};
use sangkien_storage::contest::ContestRecord;
use serde::Deserialize;

use super::{DoneQuery, Nav, PageUser, form::Posted, page, page_error, render, render_status};
use crate::{AppState, error::status, extract::Id};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard))
        .route("/contests/{id}", get(show))
        .route("/contests/{id}/transition", post(transition))
}

struct ContestRow {
    id: i64,
    year: i64,
    title: String,
    state: &'static str,
    state_label: &'static str,
    opens_at: String,
    deadline: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    nav: Option<Nav>,
    is_organizer: bool,
    contests: Vec<ContestRow>,
}

/// `/`: the signed-in user's contests; the public start page for a visitor.
async fn dashboard(State(state): State<AppState>, user: Option<PageUser>) -> Response {
    let Some(user) = user else {
        return super::public::start(&state).await;
    };
    match app_contest::list(&state, user.account()).await {
        Ok(list) => render(&Dashboard {
            nav: user.nav(),
            is_organizer: user.account().role == Role::Organizer,
            contests: list
                .into_iter()
                .map(|c| ContestRow {
                    id: c.id,
                    year: c.year,
                    title: c.title,
                    state: c.state.as_str(),
                    state_label: c.state.vi(),
                    opens_at: time::display_vn(c.opens_at),
                    deadline: time::display_vn(c.submission_deadline),
                })
                .collect(),
        }),
        Err(e) => page_error(e),
    }
}

struct ContestView {
    id: i64,
    title: String,
    state: &'static str,
    state_label: &'static str,
    example: bool,
    year: i64,
    plan_number: String,
    plan_date: String,
    plan_signer: String,
    organizer: String,
    opens_at: String,
    deadline: String,
    evaluation_ends_at: String,
    min_entries: i64,
    forms: String,
    aggregation: &'static str,
    award_min_score: String,
    tie_break: String,
    description: String,
    topics: Vec<(String, String, String)>,
    criteria: Vec<(String, String, String)>,
    rubric_total: String,
    prizes: Vec<(&'static str, i64, String)>,
    budget: String,
    participants: Vec<(String, String)>,
}

struct Action {
    to: &'static str,
    label: &'static str,
    needs_reason: bool,
}

#[derive(Template)]
#[template(path = "contest.html")]
struct ContestPage {
    nav: Option<Nav>,
    csrf: String,
    c: ContestView,
    actions: Vec<Action>,
    error: Option<String>,
    done: Option<String>,
    sees_entries: bool,
    sees_coverage: bool,
    is_judge: bool,
    sees_progress: bool,
    sees_awards: bool,
    is_organizer: bool,
    /// Settings may still change (before the awards are approved).
    editable: bool,
}

fn view(r: &ContestRecord, unit_names: &HashMap<String, String>) -> ContestView {
    let s = &r.settings;
    let name = |code: &str| {
        unit_names
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    };
    let criterion_name = |code: &String| {
        s.criteria
            .iter()
            .find(|c| &c.code == code)
            .map(|c| c.name.clone())
            .unwrap_or(code.clone())
    };
    ContestView {
        id: r.id,
        title: s.title.clone(),
        state: r.state.as_str(),
        state_label: r.state.vi(),
        example: s.example_settings,
        year: s.year,
        plan_number: s.plan.number.clone(),
        plan_date: time::display_date(s.plan.date),
        plan_signer: s.plan.signer.clone(),
        organizer: name(&s.organizer_unit_code),
        opens_at: time::display_vn(s.opens_at),
        deadline: time::display_vn(s.submission_deadline),
        evaluation_ends_at: s
            .evaluation_ends_at
            .map(time::display_vn)
            .unwrap_or_else(|| "—".into()),
        min_entries: s.min_entries_per_unit,
        forms: s
            .forms
            .iter()
            .map(|f| f.vi())
            .collect::<Vec<_>>()
            .join(", "),
        aggregation: s.aggregation.vi(),
        award_min_score: s.award_min_score.display_vi(),
        tie_break: if s.tie_break.is_empty() {
            "—".into()
        } else {
            s.tie_break
                .iter()
                .map(criterion_name)
                .collect::<Vec<_>>()
                .join(" → ")
        },
        description: s.description.clone(),
        topics: s
            .topics
            .iter()
            .map(|t| (t.group.clone(), t.code.clone(), t.name.clone()))
            .collect(),
        criteria: s
            .criteria
            .iter()
            .map(|c| (c.code.clone(), c.name.clone(), c.max_points.display_vi()))
            .collect(),
        rubric_total: s.rubric_total().display_vi(),
        prizes: s
            .prizes
            .iter()
            .map(|p| (p.tier.vi(), p.count, format_vnd(p.amount_vnd)))
            .collect(),
        budget: format_vnd(s.prize_budget_vnd()),
        participants: s
            .participant_unit_codes
            .iter()
            .map(|c| (c.clone(), name(c)))
            .collect(),
    }
}

fn actions(role: Role, state: ContestState) -> Vec<Action> {
    contest::targets_from(state)
        .into_iter()
        .filter(|to| to.role_needed() == role)
        // Approval needs the decision's number, date and signer: the awards page.
        .filter(|to| *to != ContestState::Approved)
        .map(|to| Action {
            to: to.as_str(),
            label: if state == ContestState::Deliberation && to == ContestState::Judging {
                "Mở lại việc chấm điểm"
            } else {
                to.action_vi()
            },
            needs_reason: state == ContestState::Deliberation && to == ContestState::Judging,
        })
        .collect()
}

async fn contest_page(
    state: &AppState,
    user: &PageUser,
    id: i64,
    error: Option<String>,
    done: Option<String>,
) -> Result<ContestPage, Error> {
    let Overview {
        contest: record,
        member,
        unit_names: names,
    } = app_contest::overview(state, user.account(), id).await?;
    let judging_started = record.state >= ContestState::Judging;
    Ok(ContestPage {
        nav: user.nav(),
        csrf: user.session.csrf_token.clone(),
        actions: actions(user.session.account.role, record.state),
        c: view(&record, &names),
        error,
        done,
        sees_entries: matches!(user.session.account.role, Role::Organizer | Role::Focal)
            && record.state != ContestState::Draft,
        sees_coverage: matches!(user.session.account.role, Role::Organizer | Role::Viewer),
        is_judge: member.is_some(),
        is_organizer: user.session.account.role == Role::Organizer,
        editable: record.state < ContestState::Approved,
        sees_progress: judging_started
            && (user.session.account.role == Role::Organizer
                || member.as_ref().is_some_and(|m| m.role == "chair")),
        sees_awards: record.state >= ContestState::Deliberation
            && matches!(user.session.account.role, Role::Organizer | Role::Approver),
    })
}

async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Query(q): Query<DoneQuery>,
) -> Response {
    let done = match q.done.as_str() {
        "created" => {
            Some("Đã tạo cuộc thi. Kiểm tra lại thiết lập rồi mở nhận bài khi đến ngày.".into())
        }
        "updated" => Some("Đã lưu thiết lập.".into()),
        other => ContestState::parse(other)
            .map(|s| format!("Đã chuyển cuộc thi sang trạng thái «{}».", s.vi())),
    };
    page(contest_page(&state, &user, id, None, done).await)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TransitionForm {
    csrf: String,
    to: String,
    reason: String,
}

super::form::csrf_field!(TransitionForm);

async fn transition(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Posted(f): Posted<TransitionForm>,
) -> Response {
    let reason = Some(f.reason.as_str()).filter(|r| !r.trim().is_empty());
    match app_contest::transition(&state, user.account(), id, &f.to, reason).await {
        Ok(r) => Redirect::to(&format!("/contests/{id}?done={}", r.state.as_str())).into_response(),
        Err(e) => match contest_page(&state, &user, id, Some(e.message.clone()), None).await {
            Ok(page) => render_status(status(e.kind), &page),
            Err(_) => page_error(e),
        },
    }
}
