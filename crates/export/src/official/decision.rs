//! The award decision (Quyết định) and the organizer's memo asking for it (Tờ trình).

use sangkien_domain::{
    agency::Agency,
    award::{BLANK, document_number, place_date_line},
    points::{format_vnd, vnd_in_words},
};

use super::*;
use crate::doc::{Align, Block, Doc, Para, Rule};

/// The award decision (Quyết định khen thưởng). Without a decision it is the draft
/// that goes with the memo: number and date left blank, signer blank.
pub fn decision(
    issuer: &Agency,
    c: &ContestFacts,
    winners: &[Winner],
    d: Option<&DecisionFacts>,
    memo: &MemoFacts,
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
    decision_opening(
        &mut doc,
        issuer,
        format!("Về việc tặng giải {}", c.title),
        vec![format!(
            "Căn cứ Kế hoạch số {} {} về việc tổ chức {}",
            c.plan_number,
            date_words(c.plan_date),
            c.title
        )],
    );
    // The memo once recorded; until then blanks, and a year only when it is known (the
    // decision's own), never the contest's.
    let cited = match (memo.recorded, &memo.number, memo.date) {
        (true, Some(n), Some(date)) => format!(
            "Tờ trình số {} {}",
            document_number(n, &format!("TTr-{}", c.organizer_code)),
            date_words(date)
        ),
        _ => format!(
            "Tờ trình số {BLANK}/TTr-{} ngày{BLANK}tháng{BLANK}năm {}",
            c.organizer_code,
            d.map_or_else(|| BLANK.to_string(), |d| d.date.year().to_string())
        ),
    };
    doc.blocks.push(Block::Para(
        Para::new(
            format!(
                "Theo đề nghị của Giám đốc {} tại {cited}.",
                c.organizer_name
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

/// The organizer's memo proposing the awards (Tờ trình), numbered and dated as
/// recorded, or dated the day the proposal was made with the number left blank.
pub fn memo(issuer: &Agency, c: &ContestFacts, winners: &[Winner], m: &MemoFacts) -> Doc {
    let mut doc = base(format!("Tờ trình đề nghị tặng giải {}", c.title));
    let parent = parent_abbreviated(issuer);
    doc.blocks.push(header(
        &parent,
        &c.organizer_name.to_uppercase(),
        &document_number(
            m.number.as_deref().unwrap_or(""),
            &format!("TTr-{}", c.organizer_code),
        ),
        &place_date_line(&issuer.place, m.date, c.year),
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
