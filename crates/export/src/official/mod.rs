//! The official documents of a contest, in the format of Nghị định 30/2020/NĐ-CP:
//! the award decision and the organizer's memo (`decision`), certificates
//! (`certificates`), score sheets and the council's summary table (`score_sheets`), the
//! council's decision, minutes and the notice of results (`council`).
//! Built once as a [`Doc`] and rendered to DOCX or PDF. The parts they share (the
//! header, the signature, the winners by tier) are here.

mod certificates;
mod council;
mod decision;
mod entry;
mod score_sheets;

pub use certificates::certificates;
pub use council::{
    CouncilMember, MeetingFacts, RankedFacts, council_decision, minutes, results_notice,
};
pub use decision::{decision, memo};
pub use entry::{ReceiptFacts, application, receipt};
pub use score_sheets::{SheetFacts, SummaryFacts, SummaryRow, score_sheets};

use jiff::civil::Date;
use sangkien_domain::{agency::Agency, contest::PrizeTier, labels::Label, points::format_vnd};

use crate::doc::{Block, Column, Doc, Margins, Para, Rule};

/// What the documents say about the contest.
#[derive(Debug, Clone)]
pub struct ContestFacts {
    pub title: String,
    pub year: i64,
    pub plan_number: String,
    pub plan_date: Date,
    pub organizer_name: String,
    pub organizer_code: String,
    pub units_taking_part: usize,
    pub entries_submitted: usize,
    pub entries_judged: usize,
    /// Number and date (YYYY-MM-DD) of the decision forming the council.
    pub council_decision: Option<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct Winner {
    pub tier: PrizeTier,
    pub amount_vnd: i64,
    pub entry_title: String,
    pub unit_name: String,
    pub authors: Vec<String>,
    pub score: String,
}

/// The organizer's memo: its number once recorded, and its date (as recorded, or the
/// day the proposal was made).
#[derive(Debug, Clone, Default)]
pub struct MemoFacts {
    pub number: Option<String>,
    pub date: Option<Date>,
    /// Number and date were recorded: the decision may cite the memo.
    pub recorded: bool,
}

/// The approved decision, or nothing for a draft.
#[derive(Debug, Clone)]
pub struct DecisionFacts {
    pub number: String,
    pub date: Date,
    pub signer: String,
}

pub(super) const BODY: f32 = 14.0;

pub(super) fn date_words(d: Date) -> String {
    let month = if d.month() <= 2 {
        format!("{:02}", d.month())
    } else {
        d.month().to_string()
    };
    format!("ngày {:02} tháng {month} năm {}", d.day(), d.year())
}

/// The agency name on two lines where Vietnamese headers break it:
/// "ỦY BAN NHÂN DÂN" / "TỈNH CAO BẰNG".
pub(super) fn agency_lines(agency: &str) -> Vec<String> {
    let a = agency.trim();
    if let Some(lines) = a.split_once('\n') {
        return vec![lines.0.trim().into(), lines.1.trim().into()];
    }
    for head in ["ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN"] {
        if let Some(rest) = a
            .strip_prefix(head)
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            return vec![head.into(), rest.into()];
        }
    }
    vec![a.into()]
}

/// An upper-case agency name in running text: "ỦY BAN NHÂN DÂN TỈNH CAO BẰNG" →
/// "Ủy ban nhân dân tỉnh Cao Bằng" (the generic noun lower-case, the proper name
/// capitalised, as Phụ lục II of the decree writes them).
pub fn agency_in_text(agency: &str) -> String {
    const PLACES: [&str; 8] = [
        "tỉnh",
        "thành phố",
        "huyện",
        "quận",
        "thị xã",
        "xã",
        "phường",
        "thị trấn",
    ];
    let lower = agency.replace('\n', " ").to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let mut out: Vec<String> = Vec::new();
    let mut proper = false;
    let mut i = 0;
    while i < words.len() {
        let two = words.get(i + 1).map(|n| format!("{} {n}", words[i]));
        let (generic, step) = match &two {
            Some(t) if PLACES.contains(&t.as_str()) => (Some(t.clone()), 2),
            _ if PLACES.contains(&words[i]) => (Some(words[i].to_string()), 1),
            _ => (None, 1),
        };
        if let Some(g) = generic.filter(|_| !proper) {
            out.push(g);
            proper = true;
            i += step;
            continue;
        }
        let w = words[i];
        if proper || out.is_empty() {
            out.push(capitalize(w));
        } else {
            out.push(w.to_string());
        }
        i += 1;
    }
    out.join(" ")
}

/// The office behind the signature: "KT. CHỦ TỊCH" → "CHỦ TỊCH" (signing for the
/// head); `None` for "TM." (the collective body itself signs).
pub(super) fn signer_office(issuer: &Agency) -> Option<&str> {
    let s = issuer.signing_authority.trim();
    if s.starts_with("TM.") {
        return None;
    }
    Some(
        ["KT.", "Q.", "TL.", "TUQ."]
            .iter()
            .find_map(|p| s.strip_prefix(p))
            .unwrap_or(s)
            .trim(),
    )
}

/// The first letter in upper case, the rest as given.
pub(super) fn capitalize(s: &str) -> String {
    let mut cs = s.chars();
    cs.next()
        .map(|c| c.to_uppercase().chain(cs).collect())
        .unwrap_or_default()
}

/// The power that issues the decision: "KT. CHỦ TỊCH" of a People's Committee means
/// the Chairman decides ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH CAO BẰNG"); "TM." means the
/// collective body itself.
pub(super) fn authority(issuer: &Agency) -> String {
    let agency = issuer.agency.replace('\n', " ");
    match signer_office(issuer) {
        Some(office) => format!("{office} {agency}"),
        None => agency,
    }
}

/// Whom a memo is addressed to: "Chủ tịch Ủy ban nhân dân tỉnh Cao Bằng".
pub(super) fn addressee(issuer: &Agency) -> String {
    let agency = agency_in_text(&issuer.agency);
    match signer_office(issuer) {
        Some(office) => format!("{} {agency}", capitalize(&office.to_lowercase())),
        None => agency,
    }
}

/// The committee above a department, as Cao Bằng's departments write it on their
/// header's first line: "UBND TỈNH CAO BẰNG".
pub(super) fn parent_abbreviated(issuer: &Agency) -> String {
    issuer
        .agency
        .replace('\n', " ")
        .replace("ỦY BAN NHÂN DÂN", "UBND")
        .replace("UỶ BAN NHÂN DÂN", "UBND")
}

/// The opening of a decision issued by `issuer`: «QUYẾT ĐỊNH», its subject under a rule,
/// the deciding authority, and the legal bases (the agency's, then `more`), each in
/// italics ending with a semicolon.
pub(super) fn decision_opening(doc: &mut Doc, issuer: &Agency, subject: String, more: Vec<String>) {
    doc.blocks.push(Block::Para(
        Para::new("QUYẾT ĐỊNH", BODY)
            .bold()
            .center()
            .space(18.0, 0.0),
    ));
    doc.blocks.push(Block::Para(
        Para::new(subject, BODY)
            .bold()
            .center()
            .rule(Rule::Mm(45.0)),
    ));
    doc.blocks.push(Block::Para(
        Para::new(authority(issuer), BODY)
            .bold()
            .center()
            .space(12.0, 6.0),
    ));
    let bases = issuer
        .legal_bases
        .iter()
        .map(|b| b.trim().trim_end_matches([';', '.']).to_string())
        .chain(more);
    for b in bases {
        doc.blocks.push(Block::Para(
            Para::new(format!("{b};"), BODY)
                .italic()
                .indented()
                .justify()
                .space(3.0, 0.0),
        ));
    }
}

/// The two-column header: agency and number on the left, the national motto and the
/// place-and-date line on the right.
pub(super) fn header(parent: &str, agency: &str, number: &str, date_line: &str) -> Block {
    let mut left = Vec::new();
    if !parent.trim().is_empty() {
        left.push(Para::new(parent.trim().to_uppercase(), 13.0).center());
    }
    let lines = agency_lines(agency);
    let last = lines.len() - 1;
    for (i, l) in lines.into_iter().enumerate() {
        let p = Para::new(l, 13.0).bold().center();
        left.push(if i == last { p.rule(Rule::Mm(22.0)) } else { p });
    }
    left.push(
        Para::new(format!("Số: {number}"), 13.0)
            .center()
            .space(6.0, 0.0),
    );
    let right = vec![
        Para::new("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12.0)
            .bold()
            .center(),
        Para::new("Độc lập - Tự do - Hạnh phúc", 13.0)
            .bold()
            .center()
            .rule(Rule::TextWidth),
        Para::new(date_line, 14.0).italic().center().space(8.0, 0.0),
    ];
    Block::Columns(vec![
        Column {
            width: 0.4,
            paras: left,
        },
        Column {
            width: 0.6,
            paras: right,
        },
    ])
}

/// "Nơi nhận:" on the left, the signature block on the right.
pub(super) fn signature(recipients: &[String], lines: &[String], signer: &str) -> Block {
    let mut left = vec![Para::new("Nơi nhận:", 12.0).bold().italic().space(6.0, 0.0)];
    for r in recipients {
        let r = r.trim();
        let r = if r.starts_with('-') {
            r.to_string()
        } else {
            format!("- {r}")
        };
        left.push(Para::new(r, 11.0));
    }
    let mut right: Vec<Para> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            Para::new(l.clone(), BODY)
                .bold()
                .center()
                .space(if i == 0 { 6.0 } else { 0.0 }, 0.0)
        })
        .collect();
    right.push(Para::new(signer, BODY).bold().center().space(70.0, 0.0));
    Block::Columns(vec![
        Column {
            width: 0.45,
            paras: left,
        },
        Column {
            width: 0.55,
            paras: right,
        },
    ])
}

/// "Điều n. …": the article number in bold, its text, body indent, justified.
pub(super) fn article(n: u32, text: String, before: f32) -> Block {
    Block::Para(
        Para::new(format!("Điều {n}. "), BODY)
            .bold()
            .run(text, false, false)
            .indented()
            .justify()
            .space(before, 0.0),
    )
}

/// Winners grouped by tier, best first.
pub(super) fn by_tier(winners: &[Winner]) -> Vec<(PrizeTier, Vec<&Winner>)> {
    PrizeTier::ALL
        .iter()
        .filter_map(|t| {
            let ws: Vec<&Winner> = winners.iter().filter(|w| w.tier == *t).collect();
            (!ws.is_empty()).then_some((*t, ws))
        })
        .collect()
}

pub(super) fn count_words(n: usize) -> String {
    format!("{n:02}")
}

/// The paragraphs listing the winners by tier: "1. Giải Nhất (01 giải, mức thưởng
/// 5.000.000 đồng/giải):" then one line per initiative with its unit and authors.
pub(super) fn winner_paras(winners: &[Winner]) -> Vec<Para> {
    let mut out = Vec::new();
    for (i, (tier, ws)) in by_tier(winners).into_iter().enumerate() {
        let amount = ws.first().map_or(0, |w| w.amount_vnd);
        out.push(
            Para::new(
                format!(
                    "{}. {} ({} giải, mức thưởng {}/giải):",
                    i + 1,
                    tier.vi(),
                    count_words(ws.len()),
                    format_vnd(amount).replace(" đ", " đồng")
                ),
                BODY,
            )
            .bold()
            .indented()
            .justify()
            .space(3.0, 0.0),
        );
        for w in ws {
            let authors = if w.authors.is_empty() {
                String::new()
            } else {
                format!("; tác giả: {}", w.authors.join(", "))
            };
            out.push(
                Para::new(
                    format!(
                        "- Sáng kiến, giải pháp “{}” của {}{authors} (điểm: {}).",
                        w.entry_title, w.unit_name, w.score
                    ),
                    BODY,
                )
                .indented()
                .justify()
                .space(3.0, 0.0),
            );
        }
    }
    out
}

pub(super) fn total(winners: &[Winner]) -> i64 {
    winners.iter().map(|w| w.amount_vnd).sum()
}

pub(super) fn base(title: String) -> Doc {
    Doc {
        title,
        landscape: false,
        margins: Margins::DECREE,
        page_numbers: true,
        frame: false,
        blocks: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agency_names_in_running_text() {
        assert_eq!(
            agency_in_text("ỦY BAN NHÂN DÂN TỈNH CAO BẰNG"),
            "Ủy ban nhân dân tỉnh Cao Bằng"
        );
        assert_eq!(
            agency_in_text("ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI"),
            "Ủy ban nhân dân thành phố Hà Nội"
        );
        assert_eq!(
            agency_lines("ỦY BAN NHÂN DÂN TỈNH CAO BẰNG"),
            vec!["ỦY BAN NHÂN DÂN", "TỈNH CAO BẰNG"]
        );
    }

    #[test]
    fn dates_in_words_keep_the_leading_zero_rules() {
        assert_eq!(
            date_words(jiff::civil::date(2021, 9, 30)),
            "ngày 30 tháng 9 năm 2021"
        );
        assert_eq!(
            date_words(jiff::civil::date(2021, 2, 5)),
            "ngày 05 tháng 02 năm 2021"
        );
    }
}
