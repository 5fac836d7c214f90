//! Awards (SPEC §3.6): the proposal from the ranking, the organizer's adjustments (every
//! departure from the proposal with a reason), and the approver's decision, which moves
//! the contest to `approved` and locks scores and awards. The way to the approver and
//! back, the memo and the decision are in `review`.

use sangkien_domain::{
    ValidationErrors,
    account::Role,
    award::{self, Award, Flag, Proposal},
    contest::{ContestState, PrizeTier},
    judging::RankRow,
    labels::Label,
    text, time,
};
use sangkien_storage::{
    Conn, Store,
    account::Account,
    audit::Actor,
    award::{self as store, AwardList, Decision, Review, ReviewStatus},
    contest::{self as contests, ContestRecord},
    entry as entries, judging as judging_store,
};
use serde::Deserialize;
use serde_json::{Value, json};

mod review;

pub use review::{DecisionInput, MemoInput, approve, record_memo, return_list, submit};

use crate::json::{ToJson, json_serialize};
use crate::notify::{self, Note};
use crate::{
    App, Error, ErrorKind, Result,
    judging::{Scores, ranking::rank_rows, scores_for},
};

/// Everything the awards views need: the ranking, the machine's proposal, the stored
/// list and the decision.
pub struct Awards {
    pub scores: Scores,
    pub rows: Vec<RankRow>,
    pub proposal: Proposal,
    pub list: Option<AwardList>,
    pub basis: String,
    pub decision: Option<Decision>,
    /// The list's latest submission to the approver or return from them.
    pub review: Option<Review>,
    /// The organizer's memo, once its number and date are recorded.
    pub memo: Option<store::Memo>,
}

impl Awards {
    pub fn contest(&self) -> &ContestRecord {
        &self.scores.contest
    }
    /// The memo's date: as recorded, or else the day the proposal was made (the latest
    /// submission to the approver, or the day the list was last saved).
    pub fn memo_date(&self) -> Option<jiff::civil::Date> {
        if let Some(d) = self
            .memo
            .as_ref()
            .and_then(|m| sangkien_domain::time::parse_date(&m.date))
        {
            return Some(d);
        }
        let submitted = self
            .review
            .as_ref()
            .filter(|r| r.status == ReviewStatus::Submitted)
            .map(|r| r.at);
        submitted
            .or(self.list.as_ref().map(|l| l.updated_at))
            .map(sangkien_domain::time::date_vn)
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
    /// The organizer's stored choice for an entry, if the list names it.
    pub fn chosen(&self, entry_id: i64) -> Option<&Award> {
        self.list
            .as_ref()
            .and_then(|l| l.awards.iter().find(|x| x.entry_id == entry_id))
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
pub async fn load(conn: &mut Conn, caller: &Account, id: i64) -> Result<Awards> {
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
        review: store::review(conn, id).await?,
        memo: store::memo(conn, id).await?,
        scores,
        rows,
        proposal,
        basis,
    })
}

fn tier_json(t: Option<PrizeTier>) -> Value {
    json!(t.map(PrizeTier::as_str))
}

/// The awards view of SPEC §4 (`awards`, `flags`) with what pages need besides.
fn awards_json(a: &Awards) -> Value {
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
        "review": a.review.as_ref().map(|r| json!({
            "status": r.status, "reason": r.reason, "by": r.by, "at": time::rfc3339_vn(r.at),
        })),
        "memo": a.memo.as_ref().map(|m| json!({"number": m.number, "date": m.date})),
        "memo_date": a.memo_date().map(|d| d.to_string()),
        "decision": a.decision.as_ref().map(|d| json!({
            "number": d.number, "date": d.date, "signer": d.signer,
            "approved_by": d.approved_by, "approved_at": time::rfc3339_vn(d.approved_at),
        })),
    })
}

impl ToJson for Awards {
    fn to_json(&self) -> Value {
        awards_json(self)
    }
}

json_serialize!(Awards);

fn not_in_deliberation(state: ContestState) -> Error {
    let message = if state >= ContestState::Approved {
        "Quyết định khen thưởng đã được phê duyệt: danh sách giải, điểm số đã khóa."
    } else {
        "Chỉ đề xuất và điều chỉnh giải khi cuộc thi đang ở bước «Đang xét chọn»."
    };
    Error::wrong_state(state.as_str(), "deliberation", message)
}

/// The awards of a contest: for organizers and the chair (from judging) and approvers
/// (from deliberation).
pub async fn get(app: &App, user: &Account, id: i64) -> Result<Awards> {
    let mut conn = app.store.reader().await?;
    load(&mut conn, user, id).await
}

/// Fills the list from the ranking (organizers, in deliberation).
pub async fn propose(app: &App, user: &Account, id: i64) -> Result<Awards> {
    user_is(user, Role::Organizer)?;
    let mut tx = app.store.begin().await?;
    let a = load(&mut tx, user, id).await?;
    if a.contest().state != ContestState::Deliberation {
        return Err(not_in_deliberation(a.contest().state));
    }
    store::put(
        &mut tx,
        &Actor::user(&user.username, app.now()),
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

fn user_is(user: &Account, role: Role) -> Result<()> {
    crate::require(user, &[role])
}

/// The organizer's choice for one entry: a tier (or none) and the reason for a departure.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardInput {
    pub entry_id: i64,
    #[serde(default)]
    pub tier: Option<String>,
    #[serde(default)]
    pub reason: String,
}

/// Replaces the list with the organizer's (or makes the first one), checked against the
/// proposal of the current ranking.
pub async fn replace(app: &App, user: &Account, id: i64, body: &[AwardInput]) -> Result<Awards> {
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
    let mut tx = app.store.begin().await?;
    let a = load(&mut tx, user, id).await?;
    if a.contest().state != ContestState::Deliberation {
        return Err(not_in_deliberation(a.contest().state));
    }
    // A first list needs no proposal saved before it: it is checked against the proposal
    // of the current ranking all the same. A later one must not rest on an old ranking.
    if a.list.is_some() {
        check_current(&a)?;
    }
    let s = &a.contest().settings;
    let checked = award::check_list(&list, &a.proposal, &a.rows, s.award_min_score)?;
    store::put(
        &mut tx,
        &Actor::user(&user.username, app.now()),
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
fn check_current(a: &Awards) -> Result<()> {
    if a.list.is_none() {
        return Err(Error::conflict(
            "not_proposed",
            "Chưa có đề xuất giải: hãy bấm «Đề xuất giải theo thứ hạng» trước.",
        ));
    }
    if a.stale() {
        return Err(Error::conflict(
            "proposal_stale",
            "Điểm số hoặc thiết lập giải đã thay đổi sau khi đề xuất: hãy đề xuất lại giải theo thứ hạng mới.",
        ));
    }
    Ok(())
}
