//! The council's paperwork: the decision that sets it up (Quyết định thành lập Hội
//! đồng), the minutes of its meeting (Biên bản họp Hội đồng), and the notice of results
//! to the units (Thông báo kết quả). Each is dated by the act it records.

use jiff::civil::Date;
use sangkien_domain::{
    agency::Agency,
    award::{BLANK, document_number, place_date_line},
};

use super::*;
use crate::doc::{Align, Block, Column, Doc, Para, Rule, Table};

/// A member of the council as the documents name them.
#[derive(Debug, Clone)]
pub struct CouncilMember {
    pub full_name: String,
    /// Their post («Phó Giám đốc Sở Nội vụ»), if known.
    pub position: String,
    pub unit_name: String,
    /// «Chủ tịch Hội đồng», «Ủy viên thư ký»…
    pub role_label: String,
    /// `chair`, `clerk`…
    pub role: String,
}

/// The council's meeting as the minutes record it.
#[derive(Debug, Clone)]
pub struct MeetingFacts {
    pub held_on: Date,
    pub present: Vec<CouncilMember>,
    pub absent: Vec<CouncilMember>,
    pub votes_for: usize,
    pub voting_members: usize,
    pub votes_needed: usize,
}

/// A line of the ranking the council looked at, with the tier chosen and why.
#[derive(Debug, Clone)]
pub struct RankedFacts {
    pub rank: usize,
    pub entry_title: String,
    pub unit_name: String,
    pub score: String,
    /// The tier chosen, empty for none.
    pub tier: String,
    /// The council's reason where it departed from the ranking or broke a tie.
    pub reason: String,
}

fn cell(t: &str, bold: bool, align: Align) -> Para {
    let p = Para::new(t, 12.0).align(align);
    if bold { p.bold() } else { p }
}

fn person(m: &CouncilMember) -> String {
    match (m.position.trim(), m.unit_name.trim()) {
        ("", u) => format!("{}, {u}", m.full_name),
        (p, u) if p.contains(u) || u.is_empty() => format!("{}, {p}", m.full_name),
        (p, u) => format!("{}, {p}, {u}", m.full_name),
    }
}

/// The decision setting up the council, numbered and dated as the council's decision.
pub fn council_decision(issuer: &Agency, c: &ContestFacts, members: &[CouncilMember]) -> Doc {
    let (number, date) = c
        .council_decision
        .clone()
        .unwrap_or_else(|| (String::new(), String::new()));
    let date = date.parse::<Date>().ok();
    let mut doc = base(format!(
        "Quyết định thành lập Hội đồng đánh giá {}",
        c.title
    ));
    doc.blocks.push(header(
        &issuer.parent_agency,
        &issuer.agency,
        &document_number(&number, &issuer.decision_code),
        &place_date_line(&issuer.place, date, c.year),
    ));
    decision_opening(
        &mut doc,
        issuer,
        format!("Về việc thành lập Hội đồng đánh giá {}", c.title),
        vec![
            "Căn cứ Thông tư số 18/2013/TT-BKHCN ngày 01 tháng 8 năm 2013 của Bộ trưởng Bộ Khoa học và Công nghệ hướng dẫn thi hành một số quy định của Điều lệ Sáng kiến".into(),
            format!(
                "Căn cứ Kế hoạch số {} {} về việc tổ chức {}",
                c.plan_number,
                date_words(c.plan_date),
                c.title
            ),
        ],
    );
    doc.blocks.push(Block::Para(
        Para::new(
            format!("Theo đề nghị của Giám đốc {}.", c.organizer_name),
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
            "Thành lập Hội đồng đánh giá {} (sau đây gọi là Hội đồng), gồm các thành viên sau:",
            c.title
        ),
        3.0,
    ));
    let mut rows = vec![vec![
        cell("TT", true, Align::Center),
        cell("Họ và tên, chức vụ, đơn vị công tác", true, Align::Center),
        cell("Nhiệm vụ trong Hội đồng", true, Align::Center),
    ]];
    for (i, m) in members.iter().enumerate() {
        rows.push(vec![
            cell(&(i + 1).to_string(), false, Align::Center),
            cell(&person(m), false, Align::Left),
            cell(&m.role_label, false, Align::Left),
        ]);
    }
    doc.blocks.push(Block::Table(Table {
        widths: vec![0.08, 0.62, 0.3],
        rows,
        header_rows: 1,
    }));
    doc.blocks.push(article(
        2,
        "Hội đồng có nhiệm vụ đánh giá, chấm điểm các sáng kiến, giải pháp dự thi theo tiêu chí của Cuộc thi; họp xét và biểu quyết đề xuất khen thưởng (nghị quyết của Hội đồng được thông qua khi có ít nhất hai phần ba tổng số thành viên Hội đồng nhất trí). Thư ký giúp việc Hội đồng (nếu có) ghi biên bản, không chấm điểm và không biểu quyết. Hội đồng tự giải thể sau khi hoàn thành nhiệm vụ.".into(),
        6.0,
    ));
    doc.blocks.push(article(
        3,
        format!(
            "Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng {}, Giám đốc {}, Thủ trưởng các cơ quan, đơn vị có liên quan và các ông, bà có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.",
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
        &[
            "Như Điều 3;".to_string(),
            format!("Lưu: VT, {}.", c.organizer_code),
        ],
        &sign,
        "",
    ));
    doc
}

fn body(text: String) -> Block {
    Block::Para(Para::new(text, BODY).indented().justify().space(3.0, 0.0))
}

/// The one who takes the minutes: the clerk, else the secretary.
fn minute_taker(members: &[CouncilMember]) -> Option<&CouncilMember> {
    members
        .iter()
        .find(|m| m.role == "clerk")
        .or_else(|| members.iter().find(|m| m.role == "secretary"))
}

/// The minutes of the council's meeting on the awards, dated the day it met.
pub fn minutes(
    place: &str,
    c: &ContestFacts,
    m: &MeetingFacts,
    members: &[CouncilMember],
    ranking: &[RankedFacts],
) -> Doc {
    let mut doc = base(format!("Biên bản họp Hội đồng đánh giá {}", c.title));
    doc.blocks.push(header(
        &c.organizer_name,
        "HỘI ĐỒNG ĐÁNH GIÁ",
        &format!("{BLANK}/BB-HĐ"),
        &place_date_line(place, Some(m.held_on), c.year),
    ));
    doc.blocks.push(Block::Para(
        Para::new("BIÊN BẢN", BODY).bold().center().space(18.0, 0.0),
    ));
    doc.blocks.push(Block::Para(
        Para::new(format!("Họp Hội đồng đánh giá {}", c.title), BODY)
            .bold()
            .center()
            .rule(Rule::Mm(45.0)),
    ));
    let council = c
        .council_decision
        .as_ref()
        .map(|(n, d)| {
            let when = d
                .parse::<Date>()
                .map_or_else(|_| format!("ngày {d}"), date_words);
            format!(" thành lập theo Quyết định số {n} {when}")
        })
        .unwrap_or_default();
    doc.blocks.push(body(format!(
        "Hôm nay, {}, Hội đồng đánh giá {}{council} họp xét kết quả chấm điểm và đề xuất khen thưởng.",
        date_words(m.held_on),
        c.title
    )));
    let chair = members.iter().find(|x| x.role == "chair");
    doc.blocks.push(body(format!(
        "Chủ trì: {}. Thư ký cuộc họp: {}.",
        chair.map_or_else(|| BLANK.to_string(), |x| x.full_name.clone()),
        minute_taker(members).map_or_else(|| BLANK.to_string(), |x| x.full_name.clone()),
    )));
    doc.blocks.push(body(format!(
        "Thành phần: có mặt {}/{} thành viên Hội đồng:",
        count_words(m.present.len()),
        count_words(members.len())
    )));
    for x in &m.present {
        doc.blocks
            .push(body(format!("- {} ({});", person(x), x.role_label)));
    }
    if !m.absent.is_empty() {
        let names: Vec<String> = m
            .absent
            .iter()
            .map(|x| format!("{} ({})", x.full_name, x.role_label))
            .collect();
        doc.blocks
            .push(body(format!("Vắng mặt: {}.", names.join(", "))));
    }
    doc.blocks.push(Block::Para(
        Para::new("I. KẾT QUẢ CHẤM ĐIỂM", BODY)
            .bold()
            .space(6.0, 3.0),
    ));
    doc.blocks.push(body(format!(
        "Hội đồng đã chấm điểm {} sáng kiến, giải pháp đủ điều kiện. Kết quả xếp hạng và đề xuất giải như sau:",
        count_words(c.entries_judged)
    )));
    let mut rows = vec![vec![
        cell("Hạng", true, Align::Center),
        cell("Sáng kiến, giải pháp", true, Align::Center),
        cell("Đơn vị", true, Align::Center),
        cell("Điểm", true, Align::Center),
        cell("Giải đề xuất", true, Align::Center),
    ]];
    for r in ranking {
        rows.push(vec![
            cell(&r.rank.to_string(), false, Align::Center),
            cell(&r.entry_title, false, Align::Left),
            cell(&r.unit_name, false, Align::Left),
            cell(&r.score, false, Align::Center),
            cell(&r.tier, false, Align::Center),
        ]);
    }
    doc.blocks.push(Block::Table(Table {
        widths: vec![0.08, 0.42, 0.22, 0.1, 0.18],
        rows,
        header_rows: 1,
    }));
    let reasons: Vec<&RankedFacts> = ranking
        .iter()
        .filter(|r| !r.reason.trim().is_empty())
        .collect();
    if !reasons.is_empty() {
        doc.blocks.push(body(
            "Những trường hợp Hội đồng quyết định (bằng điểm hoặc khác thứ hạng):".into(),
        ));
        for r in reasons {
            let tier = if r.tier.is_empty() {
                "không xét giải".to_string()
            } else {
                r.tier.clone()
            };
            doc.blocks.push(body(format!(
                "- “{}” ({}): {tier}. Lý do: {}.",
                r.entry_title,
                r.unit_name,
                r.reason.trim().trim_end_matches('.')
            )));
        }
    }
    doc.blocks.push(Block::Para(
        Para::new("II. BIỂU QUYẾT", BODY).bold().space(6.0, 3.0),
    ));
    let passed = m.votes_for >= m.votes_needed && m.voting_members > 0;
    doc.blocks.push(body(format!(
        "Hội đồng biểu quyết danh sách đề xuất khen thưởng nêu trên: {} trên {} thành viên có quyền biểu quyết tán thành (cần ít nhất {}, tức hai phần ba theo Điều 8 Thông tư số 18/2013/TT-BKHCN). {}",
        count_words(m.votes_for),
        count_words(m.voting_members),
        count_words(m.votes_needed),
        if passed {
            "Danh sách được Hội đồng thông qua để Ban Tổ chức trình cấp có thẩm quyền khen thưởng."
        } else {
            "Danh sách chưa được Hội đồng thông qua."
        }
    )));
    doc.blocks.push(body(
        "Cuộc họp kết thúc cùng ngày. Biên bản đã được đọc lại cho các thành viên dự họp cùng nghe và thống nhất./.".into(),
    ));
    let taker = minute_taker(members);
    let taker_title = match taker.map(|x| x.role.as_str()) {
        Some("secretary") => "ỦY VIÊN THƯ KÝ",
        _ => "THƯ KÝ",
    };
    doc.blocks.push(Block::Columns(vec![
        Column {
            width: 0.5,
            paras: vec![
                Para::new(taker_title, 13.0)
                    .bold()
                    .center()
                    .space(12.0, 0.0),
                Para::new("(Ký, ghi rõ họ tên)", 12.0).italic().center(),
                Para::new(taker.map_or("", |x| x.full_name.as_str()), 13.0)
                    .bold()
                    .center()
                    .space(50.0, 0.0),
            ],
        },
        Column {
            width: 0.5,
            paras: vec![
                Para::new("CHỦ TỊCH HỘI ĐỒNG", 13.0)
                    .bold()
                    .center()
                    .space(12.0, 0.0),
                Para::new("(Ký, ghi rõ họ tên)", 12.0).italic().center(),
                Para::new(chair.map_or("", |x| x.full_name.as_str()), 13.0)
                    .bold()
                    .center()
                    .space(50.0, 0.0),
            ],
        },
    ]));
    doc
}

/// The notice of results to the participating units, from the organizer, dated the day
/// the results were published (blank until then).
pub fn results_notice(
    issuer: &Agency,
    c: &ContestFacts,
    winners: &[Winner],
    d: &DecisionFacts,
    published_on: Option<Date>,
) -> Doc {
    let mut doc = base(format!("Thông báo kết quả {}", c.title));
    let parent = parent_abbreviated(issuer);
    let year = published_on.map_or(d.date.year() as i64, |p| p.year() as i64);
    doc.blocks.push(header(
        &parent,
        &c.organizer_name.to_uppercase(),
        &format!("{BLANK}/TB-{}", c.organizer_code),
        &place_date_line(&issuer.place, published_on, year),
    ));
    doc.blocks.push(Block::Para(
        Para::new("THÔNG BÁO", BODY)
            .bold()
            .center()
            .space(18.0, 0.0),
    ));
    doc.blocks.push(Block::Para(
        Para::new(format!("Kết quả {}", c.title), BODY)
            .bold()
            .center()
            .rule(Rule::Mm(45.0)),
    ));
    doc.blocks.push(body(format!(
        "Thực hiện Kế hoạch số {} {} về việc tổ chức {}; căn cứ Quyết định số {} {} của {} về việc tặng giải {}, {} thông báo kết quả Cuộc thi như sau:",
        c.plan_number,
        date_words(c.plan_date),
        c.title,
        document_number(&d.number, &issuer.decision_code),
        date_words(d.date),
        agency_in_text(&issuer.agency),
        c.title,
        c.organizer_name
    )));
    doc.blocks.push(body(format!(
        "Cuộc thi có {} cơ quan, đơn vị, địa phương tham gia với {} sáng kiến, giải pháp dự thi; {} sáng kiến, giải pháp được Hội đồng đánh giá chấm điểm; {} sáng kiến, giải pháp đạt giải:",
        count_words(c.units_taking_part),
        count_words(c.entries_submitted),
        count_words(c.entries_judged),
        count_words(winners.len())
    )));
    doc.blocks
        .extend(winner_paras(winners).into_iter().map(Block::Para));
    doc.blocks.push(body(format!(
        "Các sáng kiến, giải pháp đạt giải được đăng trên Thư viện sáng kiến của hệ thống. {} đề nghị các cơ quan, đơn vị nghiên cứu, áp dụng và nhân rộng các sáng kiến phù hợp với điều kiện thực tế của cơ quan, đơn vị mình./.",
        c.organizer_name
    )));
    doc.blocks.push(signature(
        &[
            "Các cơ quan, đơn vị tham gia Cuộc thi;".to_string(),
            format!("Lưu: VT, {}.", c.organizer_code),
        ],
        &["GIÁM ĐỐC".to_string()],
        "",
    ));
    doc
}
