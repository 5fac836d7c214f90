//! The winners' certificates (Giấy chứng nhận), one page each.

use sangkien_domain::{
    agency::Agency,
    award::{document_number, place_date_line},
    labels::Label,
};

use super::*;
use crate::doc::{Block, Column, Doc, Margins, Para, Rule};

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
            Para::new(format!("Sáng kiến, giải pháp: “{}”", w.entry_title), 15.0)
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
