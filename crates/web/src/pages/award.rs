//! The award proposal page (organizer), the approval form (approver), the export
//! links, and publishing.

use askama::Template;
use axum::{
    Form, Router,
    extract::{State, rejection::FormRejection},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use sangkien_domain::{
    account::Role,
    contest::{ContestState, PrizeTier},
    labels::Label,
    points::format_vnd,
};

use super::{Nav, PageUser, field, json_items, json_text as s, page_error, render, render_status};
use crate::{
    AppState,
    api::{
        award::{self, AwardInput, DecisionInput},
        contest::apply_transition,
        export::EXPORTS,
    },
    error::{ApiError, ApiResult},
    extract::Id,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contests/{id}/awards", get(page).post(save))
        .route("/contests/{id}/exports/{name}", get(download))
}

/// The exports for a signed-in browser user (the API needs a Bearer token).
async fn download(
    State(state): State<AppState>,
    user: PageUser,
    axum::extract::Path((id, name)): axum::extract::Path<(String, String)>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return page_error(ApiError::not_found("cuộc thi"));
    };
    match crate::api::export::build(&state, &user.session.account, id, &name).await {
        Ok(r) => r,
        Err(e) => page_error(e),
    }
}

pub struct Line {
    pub index: usize,
    pub entry_id: i64,
    pub rank: u64,
    pub tied: bool,
    pub title: String,
    pub unit_name: String,
    pub score: String,
    pub reaches_minimum: bool,
    pub proposed: String,
    pub tier: String,
    pub reason: String,
}

pub struct FlagLine {
    pub message: String,
    pub resolved: bool,
}

pub struct Winner {
    pub entry_id: i64,
    pub tier: String,
    pub title: String,
    pub unit_name: String,
    pub amount: String,
}

#[derive(Template)]
#[template(path = "awards.html")]
struct AwardsPage {
    nav: Option<Nav>,
    contest_id: i64,
    contest_title: String,
    state_label: String,
    can_edit: bool,
    can_approve: bool,
    can_publish: bool,
    /// An internal contest's organizer may forward winners to the parent contest.
    can_forward: bool,
    published: bool,
    proposed: bool,
    stale: bool,
    min_score: String,
    lines: Vec<Line>,
    flags: Vec<FlagLine>,
    winners: Vec<Winner>,
    total: String,
    decision: Option<(String, String, String)>,
    tiers: Vec<(&'static str, &'static str)>,
    exports: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    field_errors: Vec<String>,
    typed_decision: (String, String, String),
}

async fn view(state: &AppState, user: &PageUser, id: i64) -> ApiResult<AwardsPage> {
    let account = &user.session.account;
    let mut conn = state.store.reader().await?;
    let a = award::load(&mut conn, account, id).await?;
    let j = award::awards_json(&a);
    let st = a.contest().state;
    let lines = json_items(&j["ranking"])
        .enumerate()
        .map(|(i, r)| Line {
            index: i,
            entry_id: r["entry_id"].as_i64().unwrap_or_default(),
            rank: r["rank"].as_u64().unwrap_or_default(),
            tied: r["tied"].as_bool().unwrap_or_default(),
            title: s(&r["title"]),
            unit_name: s(&r["unit_name"]),
            score: s(&r["score_display"]),
            reaches_minimum: r["reaches_minimum"].as_bool().unwrap_or_default(),
            proposed: PrizeTier::parse(&s(&r["proposed_tier"]))
                .map(|t| t.vi().to_string())
                .unwrap_or_default(),
            tier: s(&r["tier"]),
            reason: s(&r["reason"]),
        })
        .collect();
    let flags = json_items(&j["flags"])
        .map(|f| FlagLine {
            message: s(&f["message"]),
            resolved: f["resolved"].as_bool().unwrap_or_default(),
        })
        .collect();
    let winners: Vec<Winner> = json_items(&j["awards"])
        .map(|w| Winner {
            entry_id: w["entry_id"].as_i64().unwrap_or_default(),
            tier: s(&w["tier_name"]),
            title: s(&w["title"]),
            unit_name: s(&w["unit_name"]),
            amount: format_vnd(w["amount_vnd"].as_i64().unwrap_or_default()),
        })
        .collect();
    let total: i64 = json_items(&j["awards"])
        .filter_map(|w| w["amount_vnd"].as_i64())
        .sum();
    let role = account.role;
    let published = crate::api::public::published(state, id).await.is_ok();
    Ok(AwardsPage {
        nav: user.nav(),
        contest_id: id,
        contest_title: a.contest().settings.title.clone(),
        state_label: st.vi().to_string(),
        can_edit: role == Role::Organizer && st == ContestState::Deliberation,
        can_approve: role == Role::Approver && st == ContestState::Deliberation,
        can_publish: role == Role::Organizer && st == ContestState::Approved,
        can_forward: role == Role::Organizer
            && st >= ContestState::Approved
            && a.contest().settings.parent_contest_id.is_some(),
        published,
        proposed: a.list.is_some(),
        stale: a.stale(),
        min_score: a.contest().settings.award_min_score.display_vi(),
        lines,
        flags,
        winners,
        total: format_vnd(total),
        decision: a
            .decision
            .as_ref()
            .map(|d| (d.number.clone(), d.date.clone(), d.signer.clone())),
        tiers: PrizeTier::ALL
            .iter()
            .map(|t| (t.as_str(), t.vi()))
            .collect(),
        exports: EXPORTS
            .iter()
            .filter(|(n, _)| {
                role == Role::Organizer
                    || matches!(*n, "results.xlsx" | "decision.docx" | "decision.pdf")
            })
            .copied()
            .collect(),
        error: None,
        field_errors: Vec::new(),
        typed_decision: (String::new(), String::new(), String::new()),
    })
}

async fn page(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    match view(&state, &user, id).await {
        Ok(p) => render(&p),
        Err(e) => page_error(e),
    }
}

async fn save(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let pairs = form.map(|Form(p)| p).unwrap_or_default();
    if let Err(res) = user.check_csrf(&field(&pairs, "csrf")) {
        return res;
    }
    let account = &user.session.account;
    let action = field(&pairs, "action");
    let typed_list: Vec<(i64, String, String)> = (0..10_000)
        .map_while(|i| {
            let eid = field(&pairs, &format!("e{i}_id"));
            (!eid.is_empty()).then(|| {
                (
                    eid.parse().unwrap_or_default(),
                    field(&pairs, &format!("e{i}_tier")),
                    field(&pairs, &format!("e{i}_reason")),
                )
            })
        })
        .collect();
    let decision = DecisionInput {
        number: field(&pairs, "number"),
        date: field(&pairs, "date"),
        signer: field(&pairs, "signer"),
    };
    let result: ApiResult<&str> = match action.as_str() {
        "propose" => award::do_propose(&state, account, id)
            .await
            .map(|_| "proposed"),
        "save" => {
            let list: Vec<AwardInput> = typed_list
                .iter()
                .filter(|(_, t, r)| !t.is_empty() || !r.trim().is_empty())
                .map(|(e, t, r)| AwardInput {
                    entry_id: *e,
                    tier: Some(t.clone()).filter(|t| !t.is_empty()),
                    reason: r.clone(),
                })
                .collect();
            award::do_replace(&state, account, id, &list)
                .await
                .map(|_| "saved")
        }
        "approve" => award::do_approve(&state, account, id, &decision)
            .await
            .map(|_| "approved"),
        "publish" => apply_transition(&state, account, id, "published", None)
            .await
            .map(|_| "published"),
        "forward" => {
            let ids: Vec<i64> = pairs
                .iter()
                .filter(|(k, _)| k == "forward")
                .filter_map(|(_, v)| v.parse().ok())
                .collect();
            crate::api::internal::forward_entries(&state, account, id, &ids)
                .await
                .map(|_| "forwarded")
        }
        _ => Err(ApiError::field("action", "Thao tác không hợp lệ.")),
    };
    match result {
        Ok(done) => Redirect::to(&format!("/contests/{id}/awards?done={done}")).into_response(),
        Err(e) => match view(&state, &user, id).await {
            Ok(mut p) => {
                // Keep what was typed: the choices per line and the decision fields.
                for l in &mut p.lines {
                    if let Some((_, t, r)) = typed_list.iter().find(|(e, _, _)| *e == l.entry_id) {
                        l.tier = t.clone();
                        l.reason = r.clone();
                    }
                }
                p.typed_decision = (decision.number, decision.date, decision.signer);
                p.field_errors = json_items(&e.details["fields"])
                    .map(|f| s(&f["message"]))
                    .collect();
                p.error = Some(e.message.clone());
                render_status(e.status, &p)
            }
            Err(_) => page_error(e),
        },
    }
}
