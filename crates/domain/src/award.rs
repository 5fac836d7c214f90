//! Awards (SPEC §3.6): the proposal filled from the ranking, the organizer's
//! adjustments, the flags that block approval, and the decision's number.
//!
//! The machine never decides a tie across a tier boundary: the tied entries get no
//! tier in the proposal and a flag; the organizer records the council's decision for
//! each of them with a reason.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::{
    RuleError, ValidationErrors,
    contest::{Prize, PrizeTier},
    judging::{RankRow, Ratio},
    labels::Label,
    points::Points,
};

/// One line of a proposal or of the organizer's list: a tier (or explicitly none) and
/// the reason for it when it departs from the machine's proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Award {
    pub entry_id: i64,
    pub tier: Option<PrizeTier>,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// Entries still equal after every tie-break straddle a tier boundary (or the last
    /// prize): the council decides.
    TieAtBoundary,
    /// More entries hold a tier than the contest's prize count for it.
    OverQuota,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    pub kind: FlagKind,
    pub entry_ids: Vec<i64>,
    /// The tiers in question; for a tie at the last prize, the last tier.
    pub tiers: Vec<PrizeTier>,
    /// Whether every entry of the flag has a decision with a reason.
    pub resolved: bool,
    pub message: String,
}

/// What the machine proposes: the decided awards and the flagged ties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub awards: Vec<Award>,
    pub flags: Vec<Flag>,
}

impl Proposal {
    /// The machine's tier for an entry.
    pub fn tier_of(&self, entry_id: i64) -> Option<PrizeTier> {
        self.awards
            .iter()
            .find(|a| a.entry_id == entry_id)
            .and_then(|a| a.tier)
    }
}

/// Whether a score reaches the contest's minimum for a prize.
pub fn reaches_minimum(score: Ratio, min: Points) -> bool {
    score >= Ratio::new(i128::from(min.0), 1)
}

/// Fills the prize tiers from the ranking in order (rows as returned by
/// [`crate::judging::rank`]). Entries below `min` get nothing; a group of entries
/// sharing a rank gets its tier when all its places fall in one tier, and a
/// `tie_at_boundary` flag (and no tier) when they straddle two tiers or the last prize.
pub fn propose(rows: &[RankRow], prizes: &[Prize], min: Points) -> Proposal {
    let mut tiers_sorted: Vec<&Prize> = prizes.iter().filter(|p| p.count > 0).collect();
    tiers_sorted.sort_by_key(|p| p.tier);
    let slots: Vec<PrizeTier> = tiers_sorted
        .iter()
        .flat_map(|p| std::iter::repeat_n(p.tier, p.count as usize))
        .collect();
    let mut awards = Vec::new();
    let mut flags = Vec::new();
    let mut pos = 0usize;
    let mut i = 0usize;
    while i < rows.len() && pos < slots.len() {
        let rank = rows[i].rank;
        let group: Vec<&RankRow> = rows[i..].iter().take_while(|r| r.rank == rank).collect();
        i += group.len();
        if !reaches_minimum(group[0].score, min) {
            break;
        }
        let end = pos + group.len();
        let places = &slots[pos..end.min(slots.len())];
        let distinct: BTreeSet<PrizeTier> = places.iter().copied().collect();
        if distinct.len() == 1 && end <= slots.len() {
            awards.extend(group.iter().map(|r| Award {
                entry_id: r.entry_id,
                tier: places.first().copied(),
                reason: String::new(),
            }));
        } else {
            let tiers: Vec<PrizeTier> = distinct.into_iter().collect();
            let names: Vec<&str> = tiers.iter().map(|t| t.vi()).collect();
            let message = if end > slots.len() {
                format!(
                    "{} bài dự thi bằng điểm nhau sau mọi tiêu chí phân định nhưng chỉ còn {} giải ({}): Hội đồng quyết định.",
                    group.len(),
                    places.len(),
                    names.join(", ")
                )
            } else {
                format!(
                    "{} bài dự thi bằng điểm nhau sau mọi tiêu chí phân định, nằm giữa {}: Hội đồng quyết định.",
                    group.len(),
                    names.join(" và ")
                )
            };
            flags.push(Flag {
                kind: FlagKind::TieAtBoundary,
                entry_ids: group.iter().map(|r| r.entry_id).collect(),
                tiers,
                resolved: false,
                message,
            });
        }
        pos = end;
    }
    Proposal { awards, flags }
}

/// Checks the organizer's list against the machine's proposal and returns it cleaned.
/// Every entry must be in the ranking and listed once; a prize needs the minimum
/// score; any departure from the proposal (another tier, no tier, a tier for a
/// flagged entry) needs a reason; an entry the proposal awards must stay listed
/// (with no tier and a reason to drop it).
pub fn check_list(
    list: &[Award],
    proposal: &Proposal,
    rows: &[RankRow],
    min: Points,
) -> Result<Vec<Award>, ValidationErrors> {
    let mut e = ValidationErrors::new();
    let by_id: BTreeMap<i64, &RankRow> = rows.iter().map(|r| (r.entry_id, r)).collect();
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(list.len());
    for (i, a) in list.iter().enumerate() {
        let field = |f: &str| format!("awards[{i}].{f}");
        let Some(row) = by_id.get(&a.entry_id) else {
            e.add(
                field("entry_id"),
                format!(
                    "Bài dự thi số {} không có trong bảng xếp hạng của cuộc thi.",
                    a.entry_id
                ),
            );
            continue;
        };
        if !seen.insert(a.entry_id) {
            e.add(
                field("entry_id"),
                format!("Bài dự thi số {} được ghi hai lần.", a.entry_id),
            );
            continue;
        }
        if a.tier.is_some() && !reaches_minimum(row.score, min) {
            e.add(
                field("tier"),
                format!(
                    "Bài dự thi số {} đạt {} điểm, dưới mức tối thiểu {} điểm để được xét giải.",
                    a.entry_id,
                    row.score.rounded().display_vi(),
                    min.display_vi()
                ),
            );
        }
        let reason = crate::text::clean(&a.reason);
        if reason.chars().count() > 1000 {
            e.add(field("reason"), "Lý do dài quá 1000 ký tự.");
        }
        let flagged = proposal
            .flags
            .iter()
            .any(|f| f.entry_ids.contains(&a.entry_id));
        if (flagged || a.tier != proposal.tier_of(a.entry_id)) && reason.is_empty() {
            e.add(
                field("reason"),
                "Thay đổi so với đề xuất theo thứ hạng (hoặc quyết định một trường hợp bằng điểm) cần ghi rõ lý do, ví dụ kết quả biểu quyết của Hội đồng.",
            );
        }
        out.push(Award {
            entry_id: a.entry_id,
            tier: a.tier,
            reason,
        });
    }
    for a in &proposal.awards {
        if a.tier.is_some() && !seen.contains(&a.entry_id) {
            e.add(
                "awards",
                format!(
                    "Bài dự thi số {} được đề xuất {}: muốn bỏ giải, hãy giữ dòng này với hạng giải để trống và ghi lý do.",
                    a.entry_id,
                    a.tier.map(|t| t.vi()).unwrap_or_default()
                ),
            );
        }
    }
    e.into_result(out)
}

/// The flags of a stored list: the proposal's ties, resolved when each of their
/// entries has a decision with a reason, and tiers held by more entries than planned.
pub fn flags(proposal: &Proposal, list: &[Award], prizes: &[Prize]) -> Vec<Flag> {
    let decided = |id: i64| {
        list.iter()
            .any(|a| a.entry_id == id && !a.reason.trim().is_empty())
    };
    let mut out: Vec<Flag> = proposal
        .flags
        .iter()
        .map(|f| Flag {
            resolved: f.entry_ids.iter().all(|id| decided(*id)),
            ..f.clone()
        })
        .collect();
    for tier in PrizeTier::ALL {
        let holders: Vec<i64> = list
            .iter()
            .filter(|a| a.tier == Some(tier))
            .map(|a| a.entry_id)
            .collect();
        let quota = prizes
            .iter()
            .find(|p| p.tier == tier)
            .map_or(0, |p| p.count);
        if holders.len() as i64 > quota {
            out.push(Flag {
                kind: FlagKind::OverQuota,
                message: format!(
                    "{} có {} bài dự thi, nhiều hơn số giải đã định ({quota}); dự toán kinh phí tăng theo.",
                    tier.vi(),
                    holders.len()
                ),
                entry_ids: holders,
                tiers: vec![tier],
                resolved: true,
            });
        }
    }
    out
}

/// Approval needs a list whose ties are all decided.
pub fn check_ready(flags: &[Flag]) -> Result<(), RuleError> {
    let open: Vec<i64> = flags
        .iter()
        .filter(|f| !f.resolved)
        .flat_map(|f| f.entry_ids.iter().copied())
        .collect();
    if open.is_empty() {
        return Ok(());
    }
    Err(RuleError::conflict(
        "unresolved_ties",
        "Còn trường hợp bằng điểm ở ranh giới giữa các hạng giải chưa được Hội đồng quyết định; Ban Tổ chức cần ghi quyết định và lý do cho từng bài trước khi trình phê duyệt.",
    )
    .with_details(serde_json::json!({"entry_ids": open})))
}

/// The blank left for a number or a day to be filled in by hand: no-break spaces, so
/// that it keeps its width in print.
pub const BLANK: &str = "\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}";

/// The number line of a document: "2345" with code "QĐ-UBND" gives "2345/QĐ-UBND",
/// numbers under 10 take a leading zero ("05/QĐ-UBND"), a number that already carries
/// a code is kept, and an unknown number leaves the dotted blank of a draft.
pub fn document_number(number: &str, code: &str) -> String {
    let n = number.trim();
    if n.is_empty() {
        return format!("{BLANK}/{code}");
    }
    if n.contains('/') {
        return n.to_string();
    }
    match n.parse::<u32>() {
        Ok(v) if v < 10 => format!("{v:02}/{code}"),
        _ => format!("{n}/{code}"),
    }
}

/// The place-and-date line of Nghị định 30/2020: "Cao Bằng, ngày 05 tháng 01 năm 2021"
/// (days under 10 and months 1 and 2 take a leading zero). Without a date, the blank
/// line of a draft: "Cao Bằng, ngày      tháng      năm 2021".
pub fn place_date_line(place: &str, date: Option<jiff::civil::Date>, year: i64) -> String {
    match date {
        Some(d) => {
            let month = if d.month() <= 2 {
                format!("{:02}", d.month())
            } else {
                d.month().to_string()
            };
            format!(
                "{place}, ngày {:02} tháng {month} năm {}",
                d.day(),
                d.year()
            )
        }
        None => format!("{place}, ngày{BLANK}tháng{BLANK}năm {year}"),
    }
}

/// A unit's kind and parent code, looked up by code.
/// The award decision's date: not after `today` (a decision is recorded once signed),
/// and not before `scores_final_on`, the day judging ended (the decision rests on the
/// final scores). Both in Vietnam's calendar. Returns what is wrong, in Vietnamese.
pub fn decision_date_problem(
    date: jiff::civil::Date,
    today: jiff::civil::Date,
    scores_final_on: Option<jiff::civil::Date>,
) -> Option<String> {
    if date > today {
        return Some(format!(
            "Ngày quyết định không được sau hôm nay ({}).",
            crate::time::display_date(today)
        ));
    }
    match scores_final_on {
        Some(final_on) if date < final_on => Some(format!(
            "Ngày quyết định không được trước ngày kết thúc chấm điểm ({}).",
            crate::time::display_date(final_on)
        )),
        _ => None,
    }
}

/// Why a memo's date is refused: in the future, before judging ended, or after the
/// decision that answers it.
pub fn memo_date_problem(
    date: jiff::civil::Date,
    today: jiff::civil::Date,
    scores_final_on: Option<jiff::civil::Date>,
    decided_on: Option<jiff::civil::Date>,
) -> Option<String> {
    let show = crate::time::display_date;
    if date > today {
        return Some(format!(
            "Ngày tờ trình không được sau hôm nay ({}).",
            show(today)
        ));
    }
    if let Some(final_on) = scores_final_on.filter(|f| date < *f) {
        return Some(format!(
            "Ngày tờ trình không được trước ngày kết thúc chấm điểm ({}).",
            show(final_on)
        ));
    }
    match decided_on {
        Some(d) if date > d => Some(format!(
            "Tờ trình không thể đề ngày sau quyết định khen thưởng mà nó đề nghị ({}).",
            show(d)
        )),
        _ => None,
    }
}

pub type UnitLookup<'a> = &'a dyn Fn(&str) -> Option<(crate::unit::UnitKind, Option<String>)>;

/// Whether an approver of unit `approver` may approve the awards of a contest organized by
/// unit `organizer`. The award decision is signed by the head of the organizing body or of
/// a body above it: the same unit, one of its ancestors, or, for the province's own
/// departments and offices (top-level units that are not districts or communes), any other
/// such unit (Văn phòng UBND tỉnh for a contest of Sở Nội vụ). A district's contest is
/// approved in that district, never by the province's approver nor by another district's.
/// `unit(code)` gives a unit's kind and parent.
pub fn may_approve(approver: &str, organizer: &str, unit: UnitLookup<'_>) -> bool {
    if approver == organizer {
        return true;
    }
    let mut current = organizer.to_string();
    for _ in 0..16 {
        match unit(&current).and_then(|(_, parent)| parent) {
            Some(parent) if parent == approver => return true,
            Some(parent) => current = parent,
            None => break,
        }
    }
    let provincial = |code: &str| {
        matches!(
            unit(code),
            Some((
                crate::unit::UnitKind::Department | crate::unit::UnitKind::Other,
                None
            ))
        )
    };
    provincial(approver) && provincial(organizer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_memo_is_dated_between_the_end_of_judging_and_its_decision() {
        let d = |s: &str| crate::time::parse_date(s).unwrap();
        let check = |date, decided| {
            memo_date_problem(d(date), d("2021-11-30"), Some(d("2021-11-15")), decided)
        };
        assert_eq!(check("2021-11-20", None), None);
        assert_eq!(check("2021-11-20", Some(d("2021-11-26"))), None);
        assert!(check("2021-12-01", None).unwrap().contains("sau hôm nay"));
        assert!(
            check("2021-11-14", None)
                .unwrap()
                .contains("kết thúc chấm điểm")
        );
        assert!(
            check("2021-11-27", Some(d("2021-11-26")))
                .unwrap()
                .contains("26/11/2021")
        );
    }

    #[test]
    fn awards_are_approved_in_the_organizers_unit_or_above() {
        use crate::unit::UnitKind::{Commune, Department, District};
        let units = |code: &str| match code {
            "VPUBND" | "SNV" | "STP" => Some((Department, None)),
            "HHA" | "HBL" => Some((District, None)),
            "XDC" => Some((Commune, Some("HHA".to_string()))),
            _ => None,
        };
        // The province's contest (Sở Nội vụ): the provincial office approves.
        assert!(may_approve("VPUBND", "SNV", &units));
        assert!(may_approve("SNV", "SNV", &units));
        // A district's contest: that district, not the province, not another district.
        assert!(may_approve("HHA", "HHA", &units));
        assert!(!may_approve("VPUBND", "HHA", &units));
        assert!(!may_approve("HBL", "HHA", &units));
        // A commune's contest: the commune or its district above.
        assert!(may_approve("HHA", "XDC", &units));
        assert!(!may_approve("HBL", "XDC", &units));
        assert!(!may_approve("VPUBND", "XDC", &units));
        // A district approver never approves the province's contest.
        assert!(!may_approve("HHA", "SNV", &units));
        // Unknown units: only the same code.
        assert!(!may_approve("X", "Y", &units));
    }

    #[test]
    fn numbers_and_dates_follow_the_decree() {
        assert_eq!(document_number("5", "QĐ-UBND"), "05/QĐ-UBND");
        assert_eq!(document_number("2345", "QĐ-UBND"), "2345/QĐ-UBND");
        assert_eq!(document_number("12/QĐ-CTUBND", "QĐ-UBND"), "12/QĐ-CTUBND");
        let d = |y, m, d| Some(jiff::civil::date(y, m, d));
        assert_eq!(
            place_date_line("Cao Bằng", d(2021, 11, 5), 2021),
            "Cao Bằng, ngày 05 tháng 11 năm 2021"
        );
        assert_eq!(
            place_date_line("Hà Nội", d(2020, 1, 5), 2020),
            "Hà Nội, ngày 05 tháng 01 năm 2020"
        );
        assert_eq!(
            place_date_line("Hà Nội", d(2019, 6, 29), 2019),
            "Hà Nội, ngày 29 tháng 6 năm 2019"
        );
    }
}

#[cfg(test)]
mod decision_date_tests {
    use jiff::civil::date;

    use super::decision_date_problem;

    #[test]
    fn a_decision_is_dated_between_the_end_of_judging_and_today() {
        let (today, final_on) = (date(2021, 11, 25), Some(date(2021, 11, 20)));
        assert_eq!(
            decision_date_problem(date(2021, 11, 25), today, final_on),
            None
        );
        assert_eq!(
            decision_date_problem(date(2021, 11, 20), today, final_on),
            None
        );
        assert_eq!(
            decision_date_problem(date(2021, 11, 26), today, final_on).as_deref(),
            Some("Ngày quyết định không được sau hôm nay (25/11/2021).")
        );
        assert_eq!(
            decision_date_problem(date(2021, 11, 19), today, final_on).as_deref(),
            Some("Ngày quyết định không được trước ngày kết thúc chấm điểm (20/11/2021).")
        );
        assert_eq!(decision_date_problem(date(2021, 1, 1), today, None), None);
    }
}
