//! Awards and publication (SPEC §3.6): the proposal from the ranking, the organizer's
//! adjustments, the approver's decision, and the public results with their fingerprint.

use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    routing::{get, post},
};
use sangkien_domain::{
    ValidationErrors,
    account::Role,
    award::{self, Award, Flag, Proposal},
    contest::{ContestState, PrizeTier},
    fingerprint,
    judging::RankRow,
    labels::Label,
    text, time,
};
use sangkien_storage::{
    Conn, Store,
    account::Account,
    audit::Actor,
    award::{self as store, AwardList, Decision},
    contest::{self as contests, ContestRecord},
    entry as entries, judging as judging_store, unit,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    AppState,
    api::judging::{Scores, rank_rows, scores_for},
    auth::ApiUser,
    error::{ApiError, ApiResult},
    extract::{ApiJson, Id},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contests/{id}/awards", get(show).put(replace))
        .route("/contests/{id}/awards/propose", post(propose))
        .route("/contests/{id}/awards/approve", post(approve))
}

/// Everything the awards views need: the ranking, the machine's proposal, the stored
/// list and the decision.
pub struct Awards {
    pub scores: Scores,
    pub rows: Vec<RankRow>,
    pub proposal: Proposal,
    pub list: Option<AwardList>,
    pub basis: String,
    pub decision: Option<Decision>,
}

impl Awards {
    pub fn contest(&self) -> &ContestRecord {
        &self.scores.contest
    }
    /// A list computed from another ranking or other settings than the current ones.
    pub fn stale(&self) -> bool {
        self.contest().state == ContestState::Deliberation
            && self.list.as_ref().is_some_and(|l| l.basis != self.basis)
    }
    pub fn flags(&self) -> Vec<Flag> {
        let prizes = &self.contest().settings.prizes;
        match &self.list {
            Some(l) => award::flags(&self.proposal, &l.awards, prizes),
            None => self.proposal.flags.clone(),
        }
    }
    /// The awarded entries (tier set), best tier first, then by rank.
    pub fn winners(&self) -> Vec<(&Award, &RankRow)> {
        let mut out: Vec<(&Award, &RankRow)> = self
            .list
            .iter()
            .flat_map(|l| l.awards.iter())
            .filter(|a| a.tier.is_some())
            .filter_map(|a| {
                self.rows
                    .iter()
                    .find(|r| r.entry_id == a.entry_id)
                    .map(|r| (a, r))
            })
            .collect();
        out.sort_by(|(a, ra), (b, rb)| {
            (a.tier, ra.rank, a.entry_id).cmp(&(b.tier, rb.rank, b.entry_id))
        });
        out
    }
    pub fn entry(&self, id: i64) -> Option<&entries::EntrySummary> {
        self.scores.entries.iter().find(|e| e.id == id)
    }
    pub fn amount(&self, tier: PrizeTier) -> i64 {
        self.contest()
            .settings
            .prizes
            .iter()
            .find(|p| p.tier == tier)
            .map_or(0, |p| p.amount_vnd)
    }
}

/// Loads [`Awards`] for organizers and the chair (from judging) and approvers (from
/// deliberation); 403 for anyone else.
pub async fn load(conn: &mut Conn, caller: &Account, id: i64) -> ApiResult<Awards> {
    let scores = scores_for(conn, caller, id, true).await?;
    let rows = rank_rows(&scores);
    let s = &scores.contest.settings;
    let proposal = award::propose(&rows, &s.prizes, s.award_min_score);
    let basis = format!(
        "{}:{}",
        judging_store::version(conn, id).await?,
        scores.contest.updated_at
    );
    Ok(Awards {
        list: store::list(conn, id).await?,
        decision: store::decision(conn, id).await?,
        scores,
        rows,
        proposal,
        basis,
    })
}

/// Points as a JSON number written the one way every JSON library writes it: whole
/// points as integers (`83`), others with their decimals (`87.25`).
fn points_json(p: sangkien_domain::points::Points) -> Value {
    if p.0 % 100 == 0 {
        json!(p.0 / 100)
    } else {
        json!(p.as_f64())
    }
}

fn tier_json(t: Option<PrizeTier>) -> Value {
    json!(t.map(PrizeTier::as_str))
}

/// The awards view of SPEC §4 (`awards`, `flags`) with what pages need besides.
pub fn awards_json(a: &Awards) -> Value {
    let s = &a.contest().settings;
    let stored: &[Award] = a.list.as_ref().map_or(&[], |l| &l.awards);
    let line = |x: &Award| {
        let row = a.rows.iter().find(|r| r.entry_id == x.entry_id);
        let e = a.entry(x.entry_id);
        json!({
            "entry_id": x.entry_id, "tier": tier_json(x.tier),
            "tier_name": x.tier.map(|t| t.vi()), "reason": x.reason,
            "proposed_tier": tier_json(a.proposal.tier_of(x.entry_id)),
            "title": e.map(|e| e.title.clone()), "unit_code": e.map(|e| e.unit_code.clone()),
            "unit_name": e.map(|e| e.unit_name.clone()),
            "rank": row.map(|r| r.rank), "score": row.map(|r| r.score.rounded().as_f64()),
            "amount_vnd": x.tier.map(|t| a.amount(t)),
        })
    };
    let winners: Vec<Value> = a.winners().into_iter().map(|(x, _)| line(x)).collect();
    let excluded: Vec<Value> = stored
        .iter()
        .filter(|x| x.tier.is_none())
        .map(line)
        .collect();
    let ranking: Vec<Value> = a
        .rows
        .iter()
        .map(|r| {
            let e = a.entry(r.entry_id);
            let chosen = stored.iter().find(|x| x.entry_id == r.entry_id);
            json!({
                "entry_id": r.entry_id, "rank": r.rank, "tied": r.tied,
                "title": e.map(|e| e.title.clone()), "unit_code": e.map(|e| e.unit_code.clone()),
                "unit_name": e.map(|e| e.unit_name.clone()),
                "score": r.score.rounded().as_f64(), "score_display": r.score.rounded().display_vi(),
                "reaches_minimum": award::reaches_minimum(r.score, s.award_min_score),
                "proposed_tier": tier_json(a.proposal.tier_of(r.entry_id)),
                "tier": tier_json(chosen.and_then(|x| x.tier)),
                "reason": chosen.map(|x| x.reason.clone()).unwrap_or_default(),
                "listed": chosen.is_some(),
            })
        })
        .collect();
    json!({
        "contest_id": a.contest().id, "state": a.contest().state.as_str(),
        "proposed": a.list.is_some(), "stale": a.stale(),
        "updated_by": a.list.as_ref().map(|l| l.updated_by.clone()),
        "updated_at": a.list.as_ref().map(|l| time::rfc3339_vn(l.updated_at)),
        "award_min_score": s.award_min_score.as_f64(),
        "awards": winners, "excluded": excluded, "flags": a.flags(), "ranking": ranking,
        "decision": a.decision.as_ref().map(|d| json!({
            "number": d.number, "date": d.date, "signer": d.signer,
            "approved_by": d.approved_by, "approved_at": time::rfc3339_vn(d.approved_at),
        })),
    })
}

fn not_in_deliberation(state: ContestState) -> ApiError {
    let message = if state >= ContestState::Approved {
        "Quyết định khen thưởng đã được phê duyệt: danh sách giải, điểm số đã khóa."
    } else {
        "Chỉ đề xuất và điều chỉnh giải khi cuộc thi đang ở bước «Đang xét chọn»."
    };
    ApiError::new(StatusCode::CONFLICT, "invalid_state", message)
        .with_details(json!({"state": state.as_str(), "needs": "deliberation"}))
}

async fn show(State(state): State<AppState>, user: ApiUser, Id(id): Id) -> ApiResult<Json<Value>> {
    let mut conn = state.store.reader().await?;
    let a = load(&mut conn, &user.0, id).await?;
    Ok(Json(awards_json(&a)))
}

/// Fills the list from the ranking; shared by the API and the page.
pub async fn do_propose(state: &AppState, user: &Account, id: i64) -> ApiResult<Awards> {
    user_is(user, Role::Organizer)?;
    let mut tx = state.store.begin().await?;
    let a = load(&mut tx, user, id).await?;
    if a.contest().state != ContestState::Deliberation {
        return Err(not_in_deliberation(a.contest().state));
    }
    store::put(
        &mut tx,
        &Actor::user(&user.username, state.now()),
        id,
        &a.basis,
        &a.proposal.awards,
        "awards.propose",
    )
    .await?;
    let a = load(&mut tx, user, id).await?;
    Store::commit(tx).await?;
    Ok(a)
}

fn user_is(user: &Account, role: Role) -> ApiResult<()> {
    if user.role == role {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

async fn propose(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let a = do_propose(&state, &user.0, id).await?;
    Ok(Json(awards_json(&a)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardInput {
    pub entry_id: i64,
    #[serde(default)]
    pub tier: Option<String>,
    #[serde(default)]
    pub reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardsBody {
    pub awards: Vec<AwardInput>,
}

/// Replaces the list with the organizer's, checked against the proposal; shared by
/// the API and the page.
pub async fn do_replace(
    state: &AppState,
    user: &Account,
    id: i64,
    body: &[AwardInput],
) -> ApiResult<Awards> {
    user_is(user, Role::Organizer)?;
    let mut e = ValidationErrors::new();
    let list: Vec<Award> = body
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let tier = match x.tier.as_deref().map(str::trim) {
                None | Some("") | Some("none") => None,
                Some(t) => {
                    let parsed = PrizeTier::parse(t);
                    if parsed.is_none() {
                        e.add(
                            format!("awards[{i}].tier"),
                            "Hạng giải phải là first (Nhất), second (Nhì), third (Ba), consolation (Khuyến khích) hoặc để trống (không có giải).",
                        );
                    }
                    parsed
                }
            };
            Award {
                entry_id: x.entry_id,
                tier,
                reason: x.reason.clone(),
            }
        })
        .collect();
    e.into_result(())?;
    let mut tx = state.store.begin().await?;
    let a = load(&mut tx, user, id).await?;
    if a.contest().state != ContestState::Deliberation {
        return Err(not_in_deliberation(a.contest().state));
    }
    check_current(&a)?;
    let s = &a.contest().settings;
    let checked = award::check_list(&list, &a.proposal, &a.rows, s.award_min_score)?;
    store::put(
        &mut tx,
        &Actor::user(&user.username, state.now()),
        id,
        &a.basis,
        &checked,
        "awards.put",
    )
    .await?;
    let a = load(&mut tx, user, id).await?;
    Store::commit(tx).await?;
    Ok(a)
}

/// A list exists and was computed from the current ranking and settings.
fn check_current(a: &Awards) -> ApiResult<()> {
    if a.list.is_none() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_proposed",
            "Chưa có đề xuất giải: hãy bấm «Đề xuất giải theo thứ hạng» trước.",
        ));
    }
    if a.stale() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "proposal_stale",
            "Điểm số hoặc thiết lập giải đã thay đổi sau khi đề xuất: hãy đề xuất lại giải theo thứ hạng mới.",
        ));
    }
    Ok(())
}

async fn replace(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<AwardsBody>,
) -> ApiResult<Json<Value>> {
    let a = do_replace(&state, &user.0, id, &body.awards).await?;
    Ok(Json(awards_json(&a)))
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct DecisionInput {
    pub number: String,
    pub date: String,
    pub signer: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApproveBody {
    decision: DecisionInput,
}

/// The approver approves the list with the decision's number, date and signer; the
/// contest moves to `approved`, which locks scores and awards. Shared by API and page.
pub async fn do_approve(
    state: &AppState,
    user: &Account,
    id: i64,
    d: &DecisionInput,
) -> ApiResult<ContestRecord> {
    let mut tx = state.store.begin().await?;
    let contest = crate::api::contest::visible(&mut tx, user, id).await?;
    let now = state.now();
    // Who may approve comes first (role, then unit), then the state, then the fields.
    sangkien_domain::contest::check_role(ContestState::Approved, user.role)?;
    let units: std::collections::HashMap<
        String,
        (sangkien_domain::unit::UnitKind, Option<String>),
    > = sangkien_storage::unit::list(&mut tx)
        .await?
        .into_iter()
        .map(|u| (u.code, (u.kind, u.parent_code)))
        .collect();
    let organizer = &contest.settings.organizer_unit_code;
    if !award::may_approve(&user.unit_code, organizer, &|c| units.get(c).cloned()) {
        let name = sangkien_storage::unit::get(&mut tx, organizer)
            .await?
            .map_or_else(|| organizer.clone(), |u| u.name);
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "approver_of_another_unit",
            format!(
                "Khen thưởng của cuộc thi này do lãnh đạo {name} (hoặc cấp trên trực tiếp) phê duyệt; tài khoản của bạn thuộc đơn vị khác."
            ),
        ));
    }
    sangkien_domain::contest::check_transition(
        &contest.settings,
        contest.state,
        ContestState::Approved,
        user.role,
        now,
        None,
    )?;
    let mut e = ValidationErrors::new();
    let number = text::check(&mut e, "decision.number", "Số quyết định", &d.number, 1, 50);
    let signer = text::check(
        &mut e,
        "decision.signer",
        "Người ký quyết định",
        &d.signer,
        1,
        200,
    );
    let date = d.date.trim().parse::<jiff::civil::Date>().ok();
    if date.is_none() {
        e.add(
            "decision.date",
            "Ngày quyết định phải có dạng YYYY-MM-DD, ví dụ 2021-11-25.",
        );
    }
    e.into_result(())?;
    let date = date.map(|d| d.to_string()).unwrap_or_default();
    let a = load(&mut tx, user, id).await?;
    check_current(&a)?;
    award::check_ready(&a.flags())?;
    let actor = Actor::user(&user.username, now);
    store::approve(&mut tx, &actor, id, &number, &date, &signer).await?;
    if !contests::set_state(
        &mut tx,
        &actor,
        id,
        ContestState::Deliberation,
        ContestState::Approved,
        None,
    )
    .await?
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "concurrent_change",
            "Cuộc thi vừa được người khác chuyển trạng thái; hãy tải lại trang.",
        ));
    }
    let updated = contests::get(&mut tx, id)
        .await?
        .ok_or_else(|| ApiError::not_found("cuộc thi"))?;
    Store::commit(tx).await?;
    Ok(updated)
}

async fn approve(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<ApproveBody>,
) -> ApiResult<Json<Value>> {
    let record = do_approve(&state, &user.0, id, &body.decision).await?;
    Ok(Json(crate::api::contest::contest_json(&record)))
}

/// The public results of an approved contest, as published at `published_at`: only
/// what the public may see (no confidential fields, no birth dates), and the
/// fingerprint of everything else (docs/FINGERPRINT.md).
pub async fn public_results(
    conn: &mut Conn,
    a: &Awards,
    agency_code: &str,
    published_at: i64,
) -> ApiResult<Value> {
    let c = a.contest();
    let s = &c.settings;
    let organizer = unit::get(conn, &s.organizer_unit_code).await?;
    let mut awards = Vec::new();
    for (x, row) in a.winners() {
        let Some(entry) = entries::get(conn, x.entry_id).await? else {
            continue;
        };
        let tier = x.tier.unwrap_or(PrizeTier::Consolation);
        awards.push(json!({
            "tier": tier.as_str(), "tier_name": tier.vi(), "entry_id": entry.id,
            "title": entry.content.title, "unit_code": entry.unit_code, "unit_name": entry.unit_name,
            "topic_code": entry.content.topic_code,
            "authors": entry.content.authors.iter().map(|au| json!({
                "full_name": au.full_name, "workplace": au.workplace,
            })).collect::<Vec<_>>(),
            "score": points_json(row.score.rounded()), "rank": row.rank, "amount_vnd": a.amount(tier),
        }));
    }
    let decision = a.decision.as_ref().map(|d| {
        json!({
            "number": award::document_number(&d.number, agency_code),
            "date": d.date, "signer": d.signer,
        })
    });
    let mut results = json!({
        "contest": {
            "id": c.id, "title": s.title, "year": s.year,
            "plan": {"number": s.plan.number, "date": s.plan.date.to_string()},
            "organizer_unit_code": s.organizer_unit_code,
            "organizer_unit_name": organizer.map(|u| u.name),
            "decision": decision, "published_at": time::rfc3339_vn(published_at),
        },
        "awards": awards,
    });
    results["fingerprint"] = json!(fingerprint::of_results(&results));
    Ok(results)
}

/// Publishes an approved contest inside the caller's transaction: the public results
/// are computed once, fingerprinted and stored, so every reader sees the same bytes.
pub async fn publish(tx: &mut Conn, user: &Account, id: i64, now: i64) -> ApiResult<()> {
    let a = load(tx, user, id).await?;
    let agency = crate::api::setting::agency(tx).await?;
    let results = public_results(tx, &a, &agency.decision_code, now).await?;
    let fp = results["fingerprint"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let actor = Actor::user(&user.username, now);
    store::publish(tx, &actor, id, &results, &fp).await?;
    // The winners enter the public library.
    for (x, _) in a.winners() {
        if let Some(e) = entries::get(tx, x.entry_id).await? {
            crate::api::library::add(tx, &actor, &e, a.contest(), x.tier).await?;
        }
    }
    Ok(())
}
