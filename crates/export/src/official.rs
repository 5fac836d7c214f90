//! The official documents of a contest, in the format of Nghị định 30/2020/NĐ-CP:
//! the award decision (Quyết định), the organizer's memo (Tờ trình), certificates,
//! score sheets and the council's summary table. Built once as a [`Doc`] and rendered
//! to DOCX or PDF.

use jiff::civil::Date;
use sangkien_domain::{
    agency::Agency,
    award::{BLANK, document_number, place_date_line},
    contest::PrizeTier,
    labels::Label,
    points::{format_vnd, vnd_in_words},
};

use crate::doc::{Align, Block, Column, Doc, Margins, Para, Rule, Table};

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

/// The approved decision, or nothing for a draft.
#[derive(Debug, Clone)]
pub struct DecisionFacts {
    pub number: String,
    pub date: Date,
    pub signer: String,
}

const BODY: f32 = 14.0;

fn date_words(d: Date) -> String {
    let month = if d.month() <= 2 {
        format!("{:02}", d.month())
    } else {
        d.month().to_string()
    };
    format!("ngày {:02} tháng {month} năm {}", d.day(), d.year())
}

/// The agency name on two lines where Vietnamese headers break it:
/// "ỦY BAN NHÂN DÂN" / "TỈNH CAO BẰNG".
fn agency_lines(agency: &str) -> Vec<String> {
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
fn signer_office(issuer: &Agency) -> Option<&str> {
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
fn capitalize(s: &str) -> String {
    let mut cs = s.chars();
    cs.next()
        .map(|c| c.to_uppercase().chain(cs).collect())
        .unwrap_or_default()
}

/// The power that issues the decision: "KT. CHỦ TỊCH" of a People's Committee means
/// the Chairman decides ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH CAO BẰNG"); "TM." means the
/// collective body itself.
fn authority(issuer: &Agency) -> String {
    let agency = issuer.agency.replace('\n', " ");
    match signer_office(issuer) {
        Some(office) => format!("{office} {agency}"),
        None => agency,
    }
}

/// Whom a memo is addressed to: "Chủ tịch Ủy ban nhân dân tỉnh Cao Bằng".
fn addressee(issuer: &Agency) -> String {
    let agency = agency_in_text(&issuer.agency);
    match signer_office(issuer) {
        Some(office) => format!("{} {agency}", capitalize(&office.to_lowercase())),
        None => agency,
    }
}

/// The two-column header: agency and number on the left, the national motto and the
/// place-and-date line on the right.
fn header(parent: &str, agency: &str, number: &str, date_line: &str) -> Block {
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
fn signature(recipients: &[String], lines: &[String], signer: &str) -> Block {
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
fn article(n: u32, text: String, before: f32) -> Block {
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
fn by_tier(winners: &[Winner]) -> Vec<(PrizeTier, Vec<&Winner>)> {
    PrizeTier::ALL
        .iter()
        .filter_map(|t| {
            let ws: Vec<&Winner> = winners.iter().filter(|w| w.tier == *t).collect();
            (!ws.is_empty()).then_some((*t, ws))
        })
        .collect()
}

fn count_words(n: usize) -> String {
    format!("{n:02}")
}

/// The paragraphs listing the winners by tier: "1. Giải Nhất (01 giải, mức thưởng
/// 5.000.000 đồng/giải):" then one line per initiative with its unit and authors.
fn winner_paras(winners: &[Winner]) -> Vec<Para> {
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
                        "- Sáng kiến, giải pháp «{}» của {}{authors} (điểm: {}).",
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

fn total(winners: &[Winner]) -> i64 {
    winners.iter().map(|w| w.amount_vnd).sum()
}

fn base(title: String) -> Doc {
    Doc {
        title,
        landscape: false,
        margins: Margins::DECREE,
        page_numbers: true,
        frame: false,
        blocks: Vec::new(),
    }
}

/// The award decision (Quyết định khen thưởng). Without a decision it is the draft
/// that goes with the memo: number and date left blank, signer blank.
pub fn decision(
    issuer: &Agency,
    c: &ContestFacts,
    winners: &[Winner],
    d: Option<&DecisionFacts>,
) -> Doc {
    let number = document_number(d.map_or("", |d| d.number.as_str()), &issuer.decision_code);
    let date_line = place_date_line(&issuer.place, d.map(|d| d.date), c.year);
    let mut doc = base(format!("Quyết định khen thưởng {}", c.title));
    doc.blocks.push(header(
        &issuer.parent_agency,
        &issuer.agency,
        &number,
        &date_line,
    ));
    if d.is_none() {
        doc.blocks.push(Block::Para(
            Para::new("DỰ THẢO", 13.0).bold().align(Align::Right),
        ));
    }
    doc.blocks.push(Block::Para(
        Para::new("QUYẾT ĐỊNH", BODY)
            .bold()
            .center()
            .space(18.0, 0.0),
    ));
    doc.blocks.push(Block::Para(
        Para::new(format!("Về việc tặng giải {}", c.title), BODY)
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
    let mut bases: Vec<String> = issuer
        .legal_bases
        .iter()
        .map(|b| b.trim().trim_end_matches([';', '.']).to_string())
        .collect();
    bases.push(format!(
        "Căn cứ Kế hoạch số {} {} về việc tổ chức {}",
        c.plan_number,
        date_words(c.plan_date),
        c.title
    ));
    for b in bases {
        doc.blocks.push(Block::Para(
            Para::new(format!("{b};"), BODY)
                .italic()
                .indented()
                .justify()
                .space(3.0, 0.0),
        ));
    }
    doc.blocks.push(Block::Para(
        Para::new(
            format!(
                "Theo đề nghị của Giám đốc {} tại Tờ trình số {BLANK}/TTr-{} ngày{BLANK}tháng{BLANK}năm {}.",
                c.organizer_name, c.organizer_code, c.year
            ),
            BODY,
        )
        .italic()
        .indented()
        .justify()
        .space(3.0, 0.0),
    ));
    doc.blocks.push(Block::Para(
        Para::new("QUYẾT ĐỊNH:", BODY)
            .bold()
            .center()
            .space(12.0, 6.0),
    ));
    doc.blocks.push(article(
        1,
        format!(
            "Tặng giải {} cho {} sáng kiến, giải pháp của các tập thể, cá nhân sau:",
            c.title,
            count_words(winners.len())
        ),
        3.0,
    ));
    doc.blocks
        .extend(winner_paras(winners).into_iter().map(Block::Para));
    let sum = total(winners);
    doc.blocks.push(article(
        2,
        format!(
                    "Tổng số tiền thưởng là {} (bằng chữ: {}), chi từ nguồn kinh phí thực hiện nhiệm vụ cải cách hành chính năm {} giao cho {}.",
                    format_vnd(sum).replace(" đ", " đồng"),
                    vnd_in_words(sum),
                    c.year,
                    c.organizer_name
                ),
        6.0,
    ));
    doc.blocks.push(article(
        3,
        format!(
                    "Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng {}, Giám đốc {}, Thủ trưởng các cơ quan, đơn vị có liên quan và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.",
                    agency_in_text(&issuer.agency),
                    c.organizer_name
                ),
        6.0,
    ));
    let mut sign = vec![issuer.signing_authority.clone()];
    if !issuer.signer_title.trim().is_empty() {
        sign.push(issuer.signer_title.clone());
    }
    doc.blocks.push(signature(
        &issuer.recipients,
        &sign,
        d.map_or("", |d| d.signer.as_str()),
    ));
    doc
}

/// The organizer's memo proposing the awards (Tờ trình), dated `today`.
pub fn memo(issuer: &Agency, c: &ContestFacts, winners: &[Winner], today: Date) -> Doc {
    let mut doc = base(format!("Tờ trình đề nghị tặng giải {}", c.title));
    // The parent line of a department's header abbreviates the committee, as
    // Cao Bằng's departments write it: "UBND TỈNH CAO BẰNG".
    let parent = issuer
        .agency
        .replace('\n', " ")
        .replace("ỦY BAN NHÂN DÂN", "UBND")
        .replace("UỶ BAN NHÂN DÂN", "UBND");
    doc.blocks.push(header(
        &parent,
        &c.organizer_name.to_uppercase(),
        &format!("{BLANK}/TTr-{}", c.organizer_code),
        &place_date_line(&issuer.place, Some(today), c.year),
    ));
    doc.blocks.push(Block::Para(
        Para::new("TỜ TRÌNH", BODY).bold().center().space(18.0, 0.0),
    ));
    doc.blocks.push(Block::Para(
        Para::new(format!("Về việc đề nghị tặng giải {}", c.title), BODY)
            .bold()
            .center()
            .rule(Rule::Mm(45.0)),
    ));
    let addressee = addressee(issuer);
    doc.blocks.push(Block::Para(
        Para::new(format!("Kính gửi: {}", addressee), BODY)
            .center()
            .space(12.0, 12.0),
    ));
    let council = c
        .council_decision
        .as_ref()
        .map(|(n, d)| {
            let when = d
                .parse::<Date>()
                .map_or_else(|_| format!("ngày {d}"), date_words);
            format!(" (thành lập theo Quyết định số {n} {when})")
        })
        .unwrap_or_default();
    let paras = [
        format!(
            "Thực hiện Kế hoạch số {} {} về việc tổ chức {}, {} đã phối hợp với các cơ quan, đơn vị tổ chức Cuộc thi theo đúng kế hoạch.",
            c.plan_number,
            date_words(c.plan_date),
            c.title,
            c.organizer_name
        ),
        format!(
            "Kết quả: {} cơ quan, đơn vị, địa phương tham gia với {} sáng kiến, giải pháp dự thi; {} sáng kiến, giải pháp đủ điều kiện được Hội đồng đánh giá{} chấm điểm theo tiêu chí của Cuộc thi.",
            count_words(c.units_taking_part),
            count_words(c.entries_submitted),
            count_words(c.entries_judged),
            council
        ),
        format!(
            "Căn cứ kết quả chấm điểm và xét chọn của Hội đồng, {} kính đề nghị {} xem xét, tặng giải cho {} sáng kiến, giải pháp như sau:",
            c.organizer_name,
            addressee,
            count_words(winners.len())
        ),
    ];
    for p in paras {
        doc.blocks.push(Block::Para(
            Para::new(p, BODY).indented().justify().space(6.0, 0.0),
        ));
    }
    doc.blocks
        .extend(winner_paras(winners).into_iter().map(Block::Para));
    let sum = total(winners);
    doc.blocks.push(Block::Para(
        Para::new(
            format!(
                "Tổng kinh phí khen thưởng: {} (bằng chữ: {}).",
                format_vnd(sum).replace(" đ", " đồng"),
                vnd_in_words(sum)
            ),
            BODY,
        )
        .indented()
        .justify()
        .space(6.0, 0.0),
    ));
    doc.blocks.push(Block::Para(
        Para::new(
            format!(
                "{} kính trình {} xem xét, quyết định./.",
                c.organizer_name, addressee
            ),
            BODY,
        )
        .indented()
        .justify()
        .space(6.0, 0.0),
    ));
    doc.blocks.push(signature(
        &[
            "Như trên;".to_string(),
            format!("Lưu: VT, {}.", c.organizer_code),
        ],
        &["GIÁM ĐỐC".to_string()],
        "",
    ));
    doc
}

/// One certificate a page (landscape), for each winner.
pub fn certificates(
    issuer: &Agency,
    c: &ContestFacts,
    winners: &[Winner],
    d: &DecisionFacts,
) -> Doc {
    let mut doc = Doc {
        title: format!("Giấy chứng nhận {}", c.title),
        landscape: true,
        margins: Margins {
            top: 20.0,
            bottom: 15.0,
            left: 25.0,
            right: 25.0,
        },
        page_numbers: false,
        frame: true,
        blocks: Vec::new(),
    };
    for (i, w) in winners.iter().enumerate() {
        if i > 0 {
            doc.blocks.push(Block::PageBreak);
        }
        let lines = [
            Para::new("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 14.0)
                .bold()
                .center(),
            Para::new("Độc lập - Tự do - Hạnh phúc", 14.0)
                .bold()
                .center()
                .rule(Rule::TextWidth),
            Para::new(authority(issuer), 16.0)
                .bold()
                .center()
                .space(18.0, 0.0),
            Para::new("TẶNG", 16.0).bold().center().space(6.0, 0.0),
            Para::new("GIẤY CHỨNG NHẬN", 30.0)
                .bold()
                .center()
                .space(8.0, 8.0),
            Para::new(w.tier.vi().to_uppercase(), 22.0).bold().center(),
            Para::new(c.title.clone(), 15.0).center().space(6.0, 0.0),
            Para::new(format!("Sáng kiến, giải pháp: «{}»", w.entry_title), 15.0)
                .bold()
                .center()
                .space(8.0, 0.0),
            Para::new(format!("Đơn vị: {}", w.unit_name), 15.0).center(),
            Para::new(
                if w.authors.is_empty() {
                    String::new()
                } else {
                    format!("Tác giả: {}", w.authors.join(", "))
                },
                15.0,
            )
            .center(),
        ];
        doc.blocks.extend(lines.into_iter().map(Block::Para));
        doc.blocks.push(Block::Columns(vec![
            Column {
                width: 0.5,
                paras: vec![
                    Para::new(
                        format!(
                            "Quyết định số {} {}",
                            document_number(&d.number, &issuer.decision_code),
                            date_words(d.date)
                        ),
                        12.0,
                    )
                    .italic()
                    .center()
                    .space(40.0, 0.0),
                ],
            },
            Column {
                width: 0.5,
                paras: vec![
                    Para::new(place_date_line(&issuer.place, Some(d.date), c.year), 14.0)
                        .italic()
                        .center()
                        .space(14.0, 0.0),
                    Para::new(issuer.signing_authority.clone(), 14.0)
                        .bold()
                        .center(),
                    Para::new(issuer.signer_title.clone(), 14.0).bold().center(),
                    Para::new(d.signer.clone(), 14.0)
                        .bold()
                        .center()
                        .space(50.0, 0.0),
                ],
            },
        ]));
    }
    doc
}

/// A submitted score sheet, for signing.
#[derive(Debug, Clone)]
pub struct SheetFacts {
    pub judge_name: String,
    pub judge_role: String,
    pub entry_title: String,
    pub unit_name: String,
    /// (criterion name, max, points, comment)
    pub lines: Vec<(String, String, String, String)>,
    pub total: String,
    pub rubric_total: String,
    pub comment: String,
}

/// A line of the council's summary table.
#[derive(Debug, Clone)]
pub struct SummaryRow {
    pub rank: usize,
    pub entry_title: String,
    pub unit_name: String,
    pub judge_totals: Vec<String>,
    pub score: String,
    pub prize: String,
}

fn council_title(c: &ContestFacts) -> String {
    format!("HỘI ĐỒNG ĐÁNH GIÁ {}", c.title.to_uppercase())
}

/// Score sheets (one a page) and the council's summary table, for signing.
pub fn score_sheets(
    c: &ContestFacts,
    sheets: &[SheetFacts],
    judges: &[String],
    summary: &[SummaryRow],
    place_date: &str,
) -> Doc {
    let mut doc = base(format!("Phiếu chấm điểm {}", c.title));
    doc.page_numbers = false;
    let cell = |t: &str, bold: bool, align: Align| {
        let p = Para::new(t, 12.0).align(align);
        if bold { p.bold() } else { p }
    };
    for (i, s) in sheets.iter().enumerate() {
        if i > 0 {
            doc.blocks.push(Block::PageBreak);
        }
        doc.blocks.push(Block::Para(
            Para::new(council_title(c), 13.0).bold().center(),
        ));
        doc.blocks.push(Block::Para(
            Para::new("PHIẾU CHẤM ĐIỂM SÁNG KIẾN, GIẢI PHÁP", BODY)
                .bold()
                .center()
                .space(12.0, 6.0),
        ));
        doc.blocks.push(Block::Para(Para::new(
            format!("Sáng kiến, giải pháp: {}", s.entry_title),
            13.0,
        )));
        doc.blocks.push(Block::Para(Para::new(
            format!("Đơn vị: {}", s.unit_name),
            13.0,
        )));
        doc.blocks.push(Block::Para(
            Para::new(
                format!("Người chấm: {} ({})", s.judge_name, s.judge_role),
                13.0,
            )
            .space(0.0, 6.0),
        ));
        let mut rows = vec![vec![
            cell("STT", true, Align::Center),
            cell("Tiêu chí", true, Align::Center),
            cell("Điểm tối đa", true, Align::Center),
            cell("Điểm chấm", true, Align::Center),
            cell("Nhận xét", true, Align::Center),
        ]];
        for (k, (name, max, pts, comment)) in s.lines.iter().enumerate() {
            rows.push(vec![
                cell(&(k + 1).to_string(), false, Align::Center),
                cell(name, false, Align::Left),
                cell(max, false, Align::Center),
                cell(pts, false, Align::Center),
                cell(comment, false, Align::Left),
            ]);
        }
        rows.push(vec![
            cell("", false, Align::Center),
            cell("Tổng cộng", true, Align::Left),
            cell(&s.rubric_total, true, Align::Center),
            cell(&s.total, true, Align::Center),
            cell("", false, Align::Left),
        ]);
        doc.blocks.push(Block::Table(Table {
            widths: vec![0.08, 0.37, 0.13, 0.13, 0.29],
            rows,
            header_rows: 1,
        }));
        doc.blocks.push(Block::Para(
            Para::new(format!("Nhận xét chung: {}", s.comment), 13.0)
                .justify()
                .space(6.0, 0.0),
        ));
        doc.blocks.push(Block::Columns(vec![
            Column {
                width: 0.5,
                paras: vec![],
            },
            Column {
                width: 0.5,
                paras: vec![
                    Para::new(place_date, 13.0)
                        .italic()
                        .center()
                        .space(6.0, 0.0),
                    Para::new("NGƯỜI CHẤM", 13.0).bold().center(),
                    Para::new("(Ký, ghi rõ họ tên)", 12.0).italic().center(),
                    Para::new(s.judge_name.clone(), 13.0)
                        .bold()
                        .center()
                        .space(50.0, 0.0),
                ],
            },
        ]));
    }
    if !sheets.is_empty() {
        doc.blocks.push(Block::PageBreak);
    }
    doc.blocks.push(Block::Para(
        Para::new(council_title(c), 13.0).bold().center(),
    ));
    doc.blocks.push(Block::Para(
        Para::new("BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM", BODY)
            .bold()
            .center()
            .space(12.0, 6.0),
    ));
    let mut head = vec![
        cell("Hạng", true, Align::Center),
        cell("Sáng kiến, giải pháp", true, Align::Center),
        cell("Đơn vị", true, Align::Center),
    ];
    head.extend(judges.iter().map(|j| cell(j, true, Align::Center)));
    head.push(cell("Điểm", true, Align::Center));
    head.push(cell("Giải", true, Align::Center));
    let mut rows = vec![head];
    for r in summary {
        let mut row = vec![
            cell(&r.rank.to_string(), false, Align::Center),
            cell(&r.entry_title, false, Align::Left),
            cell(&r.unit_name, false, Align::Left),
        ];
        row.extend(r.judge_totals.iter().map(|t| cell(t, false, Align::Center)));
        row.push(cell(&r.score, true, Align::Center));
        row.push(cell(&r.prize, false, Align::Center));
        rows.push(row);
    }
    let judge_share = if judges.is_empty() {
        0.0
    } else {
        0.32 / judges.len() as f32
    };
    let mut widths = vec![0.07, 0.3, 0.17];
    widths.extend(judges.iter().map(|_| judge_share));
    widths.extend([0.08, 0.06 + if judges.is_empty() { 0.32 } else { 0.0 }]);
    doc.blocks.push(Block::Table(Table {
        widths,
        rows,
        header_rows: 1,
    }));
    doc.blocks.push(Block::Columns(vec![
        Column {
            width: 0.5,
            paras: vec![
                Para::new("THƯ KÝ HỘI ĐỒNG", 13.0)
                    .bold()
                    .center()
                    .space(24.0, 0.0),
                Para::new("(Ký, ghi rõ họ tên)", 12.0).italic().center(),
            ],
        },
        Column {
            width: 0.5,
            paras: vec![
                Para::new(place_date, 13.0)
                    .italic()
                    .center()
                    .space(6.0, 0.0),
                Para::new("CHỦ TỊCH HỘI ĐỒNG", 13.0).bold().center(),
                Para::new("(Ký, ghi rõ họ tên)", 12.0).italic().center(),
            ],
        },
    ]));
    doc
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
