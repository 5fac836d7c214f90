//! The award proposal page (organizer), the approval form (approver), the export
//! links, publishing, and forwarding winners to a parent contest. Each form posts to its
//! own action.

use askama::Template;
use axum::{
    Router,
    extract::{Path, Query, State},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use sangkien_app::{
    Error,
    award::{self, AwardInput, Awards, DecisionInput, MemoInput},
    contest, export, internal,
    judging::meeting::{self, MeetingInput},
    publication,
};
use sangkien_domain::{
    account::Role,
    award::reaches_minimum,
    contest::{ContestState, PrizeTier},
    labels::Label,
    points::format_vnd,
    time,
};
use sangkien_storage::award::ReviewStatus;

use super::{
    DoneQuery, Nav, PageUser,
    form::{CsrfOnly, FromPairs, Pairs, Posted, Rows},
    page, page_error, render_status,
};
use crate::{AppState, error::status, extract::Id};

mod meeting_form;

use meeting_form::{MeetingCard, meeting_card, record_meeting, record_memo};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contests/{id}/awards", get(show).post(save))
        .route("/contests/{id}/awards/propose", post(propose))
        .route("/contests/{id}/awards/approve", post(approve))
        .route("/contests/{id}/awards/submit", post(submit))
        .route("/contests/{id}/awards/return", post(return_list))
        .route("/contests/{id}/awards/publish", post(publish))
        .route("/contests/{id}/awards/forward", post(forward))
        .route("/contests/{id}/meeting", post(record_meeting))
        .route("/contests/{id}/awards/memo", post(record_memo))
        .route("/contests/{id}/exports/{name}", get(download))
}

/// The exports for a signed-in browser user (the API needs a Bearer token).
async fn download(
    State(state): State<AppState>,
    user: PageUser,
    Path((id, name)): Path<(String, String)>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return page_error(Error::not_found("cuộc thi"));
    };
    match export::make(&state, user.account(), id, &name).await {
        Ok(file) => crate::download::file(file),
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
    /// The organizer may submit the list to the approver: current, no open flag, not
    /// already submitted.
    can_submit: bool,
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
    /// The list's latest submission or return: what happened, when, by whom, why.
    review: Option<ReviewLine>,
    /// The council's meeting and vote; none for those who may not see it.
    meeting: Option<MeetingCard>,
    /// Why the approver cannot approve yet (no vote, or short of two thirds).
    approve_blocker: Option<String>,
    /// The memo as recorded («Số 45/TTr-SNV ngày 22/11/2021»), if it is.
    memo_recorded: Option<String>,
    /// The organizer may record the memo's number and date now.
    can_record_memo: bool,
    /// The memo form: number and date (`YYYY-MM-DD`) as typed or recorded.
    typed_memo: (String, String),
    /// The message after a form.
    done: Option<&'static str>,
    /// What the approver typed as the reason of a refused return.
    typed_reason: String,
    tiers: Vec<(&'static str, &'static str)>,
    exports: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    field_errors: Vec<String>,
    typed_decision: (String, String, String),
    /// Today in Vietnam, `YYYY-MM-DD`: a decision cannot be dated later.
    today: String,
}

pub struct ReviewLine {
    pub returned: bool,
    pub at: String,
    pub by: String,
    pub reason: String,
}

fn tier_str(t: Option<PrizeTier>) -> String {
    t.map(|t| t.as_str().to_string()).unwrap_or_default()
}

async fn view(state: &AppState, user: &PageUser, id: i64) -> Result<AwardsPage, Error> {
    let account = user.account();
    let a: Awards = award::get(state, account, id).await?;
    let st = a.contest().state;
    let s = &a.contest().settings;
    let lines = a
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let e = a.entry(r.entry_id);
            let chosen = a.chosen(r.entry_id);
            Line {
                index: i,
                entry_id: r.entry_id,
                rank: r.rank as u64,
                tied: r.tied,
                title: e.map(|e| e.title.clone()).unwrap_or_default(),
                unit_name: e.map(|e| e.unit_name.clone()).unwrap_or_default(),
                score: r.score.rounded().display_vi(),
                reaches_minimum: reaches_minimum(r.score, s.award_min_score),
                proposed: a
                    .proposal
                    .tier_of(r.entry_id)
                    .map(|t| t.vi().to_string())
                    .unwrap_or_default(),
                // Before any list is saved, the form starts from the proposal.
                tier: tier_str(match &a.list {
                    Some(_) => chosen.and_then(|x| x.tier),
                    None => a.proposal.tier_of(r.entry_id),
                }),
                reason: chosen.map(|x| x.reason.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let flags = a
        .flags()
        .into_iter()
        .map(|f| FlagLine {
            message: f.message,
            resolved: f.resolved,
        })
        .collect();
    let won: Vec<(i64, PrizeTier)> = a
        .winners()
        .into_iter()
        .filter_map(|(x, _)| x.tier.map(|t| (x.entry_id, t)))
        .collect();
    let winners: Vec<Winner> = won
        .iter()
        .map(|(entry_id, tier)| {
            let e = a.entry(*entry_id);
            Winner {
                entry_id: *entry_id,
                tier: tier.vi().to_string(),
                title: e.map(|e| e.title.clone()).unwrap_or_default(),
                unit_name: e.map(|e| e.unit_name.clone()).unwrap_or_default(),
                amount: format_vnd(a.amount(*tier)),
            }
        })
        .collect();
    let total: i64 = won.iter().map(|(_, t)| a.amount(*t)).sum();
    let role = account.role;
    let published = publication::get(state, id).await.is_ok();
    let today = time::date_vn(state.now());
    let submitted = a
        .review
        .as_ref()
        .is_some_and(|r| r.status == ReviewStatus::Submitted);
    let review = match &a.review {
        Some(r) => Some(ReviewLine {
            returned: r.status == ReviewStatus::Returned,
            at: time::display_vn(r.at),
            by: user_name(state, &r.by).await,
            reason: r.reason.clone(),
        }),
        None => None,
    };
    let meeting_view = meeting::get(state, account, id).await.ok();
    let approve_blocker = meeting_view
        .as_ref()
        .and_then(|m| m.approval_blocker())
        .map(|e| e.message);
    let meeting = meeting_view.map(|v| meeting_card(&v, role, st, &today.to_string()));
    let memo_recorded = a
        .memo
        .as_ref()
        .map(|m| format!("Tờ trình số {} ngày {}", m.number, super::date_vi(&m.date)));
    let typed_memo = (
        a.memo
            .as_ref()
            .map(|m| m.number.clone())
            .unwrap_or_default(),
        a.memo_date().map(|d| d.to_string()).unwrap_or_default(),
    );
    Ok(AwardsPage {
        nav: user.nav(),
        contest_id: id,
        memo_recorded,
        typed_memo,
        can_record_memo: role == Role::Organizer
            && a.list.is_some()
            && matches!(st, ContestState::Deliberation | ContestState::Approved),
        meeting,
        approve_blocker,
        contest_title: s.title.clone(),
        state_label: st.vi().to_string(),
        can_edit: role == Role::Organizer && st == ContestState::Deliberation,
        can_approve: role == Role::Approver
            && st == ContestState::Deliberation
            && a.list.is_some()
            && a.review
                .as_ref()
                .is_none_or(|r| r.status == ReviewStatus::Submitted),
        can_submit: role == Role::Organizer
            && st == ContestState::Deliberation
            && a.list.is_some()
            && !a.stale()
            && !submitted
            && a.flags().iter().all(|f| f.resolved),
        can_publish: role == Role::Organizer && st == ContestState::Approved,
        can_forward: role == Role::Organizer
            && st >= ContestState::Approved
            && s.parent_contest_id.is_some(),
        published,
        proposed: a.list.is_some(),
        stale: a.stale(),
        min_score: s.award_min_score.display_vi(),
        lines,
        flags,
        winners,
        total: format_vnd(total),
        decision: a
            .decision
            .as_ref()
            .map(|d| (d.number.clone(), super::date_vi(&d.date), d.signer.clone())),
        review,
        done: None,
        typed_reason: String::new(),
        tiers: PrizeTier::ALL
            .iter()
            .map(|t| (t.as_str(), t.vi()))
            .collect(),
        exports: export::for_role(role)
            .map(|x| (x.name(), x.label()))
            .collect(),
        error: None,
        field_errors: Vec::new(),
        // Today, and the approver, who signs: what the approver most often types.
        typed_decision: (String::new(), today.to_string(), account.full_name.clone()),
        today: today.to_string(),
    })
}

/// The full name of an account for the page, or its username if it is gone.
async fn user_name(state: &AppState, username: &str) -> String {
    sangkien_app::user::full_name(state, username)
        .await
        .unwrap_or_else(|| username.to_string())
}

async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Query(q): Query<DoneQuery>,
) -> Response {
    let done = match q.done.as_str() {
        "proposed" => Some("Đã đề xuất giải theo thứ hạng."),
        "saved" => Some("Đã lưu danh sách giải."),
        "submitted" => Some("Đã trình danh sách giải; người phê duyệt đã được báo."),
        "returned" => Some("Đã trả lại danh sách giải cho Ban Tổ chức, kèm lý do."),
        "approved" => Some("Đã phê duyệt khen thưởng: điểm số và danh sách giải đã khóa."),
        "published" => Some("Đã công bố kết quả."),
        "forwarded" => Some("Đã chuyển các sáng kiến đã chọn lên cuộc thi cấp trên."),
        "meeting" => Some("Đã ghi kết quả cuộc họp Hội đồng."),
        "memo" => Some("Đã ghi số và ngày tờ trình; quyết định khen thưởng sẽ dẫn tờ trình này."),
        _ => None,
    };
    page(
        view(&state, &user, id)
            .await
            .map(|p| AwardsPage { done, ..p }),
    )
}

/// The organizer's choices as posted: a tier and a reason per ranked line.
#[derive(Default)]
pub struct AwardsForm {
    csrf: String,
    /// (entry, tier, reason) of each line, in ranking order.
    lines: Vec<(i64, String, String)>,
}

super::form::csrf_field!(AwardsForm);

impl FromPairs for AwardsForm {
    fn from_pairs(p: &Pairs) -> Self {
        AwardsForm {
            csrf: p.get("csrf"),
            lines: (0..10_000)
                .map_while(|i| {
                    let eid = p.get(&format!("e{i}_id"));
                    (!eid.is_empty()).then(|| {
                        (
                            eid.parse().unwrap_or_default(),
                            p.get(&format!("e{i}_tier")),
                            p.get(&format!("e{i}_reason")),
                        )
                    })
                })
                .collect(),
        }
    }
}

/// Back to the awards page after a form, or the page again with the error and what was
/// typed (the choices per line, the decision's fields).
async fn back(
    state: &AppState,
    user: &PageUser,
    id: i64,
    result: Result<&str, Error>,
    lines: &[(i64, String, String)],
    decision: Option<DecisionInput>,
) -> Response {
    let e = match result {
        Ok(done) => {
            return axum::response::Redirect::to(&format!("/contests/{id}/awards?done={done}"))
                .into_response();
        }
        Err(e) => e,
    };
    match view(state, user, id).await {
        Ok(mut p) => {
            for l in &mut p.lines {
                if let Some((_, t, r)) = lines.iter().find(|(e, _, _)| *e == l.entry_id) {
                    l.tier = t.clone();
                    l.reason = r.clone();
                }
            }
            let d = decision.unwrap_or_default();
            p.typed_decision = (d.number, d.date, d.signer);
            p.field_errors = e.fields().into_iter().map(|(_, m)| m).collect();
            p.error = Some(e.message.clone());
            render_status(status(e.kind), &p)
        }
        Err(_) => page_error(e),
    }
}

async fn save(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Rows(f): Rows<AwardsForm>,
) -> Response {
    let list: Vec<AwardInput> = f
        .lines
        .iter()
        .filter(|(_, t, r)| !t.is_empty() || !r.trim().is_empty())
        .map(|(e, t, r)| AwardInput {
            entry_id: *e,
            tier: Some(t.clone()).filter(|t| !t.is_empty()),
            reason: r.clone(),
        })
        .collect();
    let result = award::replace(&state, user.account(), id, &list)
        .await
        .map(|_| "saved");
    back(&state, &user, id, result, &f.lines, None).await
}

async fn propose(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Posted(_): Posted<CsrfOnly>,
) -> Response {
    let result = award::propose(&state, user.account(), id)
        .await
        .map(|_| "proposed");
    back(&state, &user, id, result, &[], None).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ApproveForm {
    csrf: String,
    number: String,
    date: String,
    signer: String,
}

super::form::csrf_field!(ApproveForm);

async fn approve(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Posted(f): Posted<ApproveForm>,
) -> Response {
    let decision = DecisionInput {
        number: f.number,
        date: f.date,
        signer: f.signer,
    };
    let result = award::approve(&state, user.account(), id, &decision)
        .await
        .map(|_| "approved");
    back(&state, &user, id, result, &[], Some(decision)).await
}

async fn publish(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Posted(_): Posted<CsrfOnly>,
) -> Response {
    let result = contest::transition(&state, user.account(), id, "published", None)
        .await
        .map(|_| "published");
    back(&state, &user, id, result, &[], None).await
}

async fn submit(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Posted(_): Posted<CsrfOnly>,
) -> Response {
    let result = award::submit(&state, user.account(), id)
        .await
        .map(|_| "submitted");
    back(&state, &user, id, result, &[], None).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ReturnForm {
    csrf: String,
    reason: String,
}

super::form::csrf_field!(ReturnForm);

async fn return_list(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Posted(f): Posted<ReturnForm>,
) -> Response {
    match award::return_list(&state, user.account(), id, &f.reason).await {
        Ok(_) => axum::response::Redirect::to(&format!("/contests/{id}/awards?done=returned"))
            .into_response(),
        Err(e) => match view(&state, &user, id).await {
            Ok(p) => {
                let p = AwardsPage {
                    field_errors: e.fields().into_iter().map(|(_, m)| m).collect(),
                    error: Some(e.message.clone()),
                    typed_reason: f.reason,
                    ..p
                };
                render_status(status(e.kind), &p)
            }
            Err(_) => page_error(e),
        },
    }
}

/// The winners chosen to forward (checkboxes).
#[derive(Default)]
pub struct ForwardForm {
    csrf: String,
    entry_ids: Vec<i64>,
}

super::form::csrf_field!(ForwardForm);

impl FromPairs for ForwardForm {
    fn from_pairs(p: &Pairs) -> Self {
        ForwardForm {
            csrf: p.get("csrf"),
            entry_ids: p
                .all("forward")
                .iter()
                .filter_map(|v| v.parse().ok())
                .collect(),
        }
    }
}

async fn forward(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Rows(f): Rows<ForwardForm>,
) -> Response {
    let result = internal::forward(&state, user.account(), id, &f.entry_ids)
        .await
        .map(|_| "forwarded");
    back(&state, &user, id, result, &[], None).await
}
