//! What the official documents say about a contest, gathered once for all of them.

use sangkien_domain::contest::{ContestState, PrizeTier};
use sangkien_export::official::{ContestFacts, CouncilMember, DecisionFacts, MemoFacts, Winner};
use sangkien_storage::{Conn, account::Account, entry as entries, judging as judging_store, unit};

use crate::{Error, Result, award::Awards, coverage};

/// The contest's figures: who took part, how many entries, the council's decision.
pub async fn contest(conn: &mut Conn, a: &Awards) -> Result<ContestFacts> {
    contest_record(conn, a.contest(), a.scores.entries.len()).await
}

/// The same figures from the contest alone, before there are scores to read
/// (`judged`: the entries the council scores).
pub async fn contest_record(
    conn: &mut Conn,
    c: &sangkien_storage::contest::ContestRecord,
    judged: usize,
) -> Result<ContestFacts> {
    let s = &c.settings;
    let lines = coverage::lines(conn, c).await?;
    let organizer = unit::get(conn, &s.organizer_unit_code).await?;
    let council = judging_store::council(conn, c.id).await?;
    Ok(ContestFacts {
        title: s.title.clone(),
        year: s.year,
        plan_number: s.plan.number.clone(),
        plan_date: s.plan.date,
        organizer_name: organizer.map_or_else(|| s.organizer_unit_code.clone(), |u| u.name),
        organizer_code: s.organizer_unit_code.clone(),
        units_taking_part: lines.iter().filter(|l| l.row.submitted > 0).count(),
        entries_submitted: lines.iter().map(|l| l.row.submitted.max(0) as usize).sum(),
        entries_judged: judged,
        council_decision: council.map(|c| (c.decision_number, c.decision_date)),
    })
}

/// The council's members as the documents name them: name, post, unit, role.
pub async fn council_members(conn: &mut Conn, contest_id: i64) -> Result<Vec<CouncilMember>> {
    let mut out = Vec::new();
    for m in judging_store::members(conn, contest_id).await? {
        let position = sangkien_storage::account::get(conn, &m.username)
            .await?
            .and_then(|a| a.position)
            .unwrap_or_default();
        let unit_name = unit::get(conn, &m.unit_code)
            .await?
            .map_or_else(|| m.unit_code.clone(), |u| u.name);
        out.push(CouncilMember {
            full_name: m.full_name.clone(),
            position,
            unit_name,
            role_label: sangkien_domain::judging::council::role_label(&m.role).to_string(),
            role: m.role.clone(),
        });
    }
    Ok(out)
}

/// The awarded entries, best tier first, with their authors and amounts.
pub async fn winners(conn: &mut Conn, a: &Awards) -> Result<Vec<Winner>> {
    let mut out = Vec::new();
    for (x, row) in a.winners() {
        let Some(e) = entries::get(conn, x.entry_id).await? else {
            continue;
        };
        let tier = x.tier.unwrap_or(PrizeTier::Consolation);
        out.push(Winner {
            tier,
            amount_vnd: a.amount(tier),
            entry_title: e.content.title.clone(),
            unit_name: e.unit_name.clone(),
            authors: e
                .content
                .authors
                .iter()
                .map(|au| au.full_name.clone())
                .collect(),
            score: row.score.rounded().display_vi(),
        });
    }
    Ok(out)
}

/// The approval decision, once there is one.
pub fn decision(a: &Awards) -> Option<DecisionFacts> {
    a.decision.as_ref().and_then(|d| {
        Some(DecisionFacts {
            number: d.number.clone(),
            date: d.date.parse().ok()?,
            signer: d.signer.clone(),
        })
    })
}

/// The memo: its number and date once recorded, else dated the day the proposal was made.
pub fn memo(a: &Awards) -> MemoFacts {
    MemoFacts {
        number: a.memo.as_ref().map(|m| m.number.clone()),
        date: a.memo_date(),
        recorded: a.memo.is_some(),
    }
}

/// Awards for a document that needs a list (deliberation on).
pub async fn proposed(conn: &mut Conn, user: &Account, id: i64, what: &str) -> Result<Awards> {
    let a = crate::award::load(conn, user, id).await?;
    if a.contest().state < ContestState::Deliberation || a.list.is_none() {
        return Err(Error::conflict(
            "not_proposed",
            format!("{what}: chưa có đề xuất giải (bước «Đang xét chọn»)."),
        ));
    }
    Ok(a)
}
