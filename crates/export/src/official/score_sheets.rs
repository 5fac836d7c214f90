//! The score sheets to sign, one per submitted sheet, and the council's summary table.

use super::*;
use crate::doc::{Align, Block, Column, Doc, Para, Table};

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
    /// The day the judge submitted the sheet: its date line.
    pub submitted_on: Option<Date>,
}

/// Who signs the summary table and when.
#[derive(Debug, Clone, Default)]
pub struct SummaryFacts {
    /// The judges who score, in the columns' order.
    pub judges: Vec<String>,
    pub chair: Option<String>,
    /// The one who keeps the council's papers: its title («THƯ KÝ HỘI ĐỒNG» for the
    /// clerk, «ỦY VIÊN THƯ KÝ» for the secretary) and name.
    pub secretary: Option<(String, String)>,
    /// The day of the act the table records: the council's meeting, or the end of
    /// judging.
    pub dated: Option<Date>,
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

/// Score sheets (one a page, each dated the day it was submitted) and the council's
/// summary table, for signing. The summary numbers its judge columns and names the
/// judges under the table, so no name has to fit a narrow column.
pub fn score_sheets(
    c: &ContestFacts,
    place: &str,
    sheets: &[SheetFacts],
    summary: &[SummaryRow],
    who: &SummaryFacts,
) -> Doc {
    let judges = &who.judges;
    let place_date = |d: Option<Date>| sangkien_domain::award::place_date_line(place, d, c.year);
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
            format!("Sáng kiến, giải pháp: “{}”", s.entry_title),
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
                    Para::new(place_date(s.submitted_on), 13.0)
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
    // The summary is set a size smaller than the sheets, to give the judges' columns room.
    let cell = |t: &str, bold: bool, align: Align| {
        let p = Para::new(t, 11.0).align(align);
        if bold { p.bold() } else { p }
    };
    let mut head = vec![
        cell("Hạng", true, Align::Center),
        cell("Sáng kiến, giải pháp", true, Align::Center),
        cell("Đơn vị", true, Align::Center),
    ];
    head.extend((1..=judges.len()).map(|k| cell(&format!("TV{k}"), true, Align::Center)));
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
    // Up to seven judges share 48 % of the width (room for «87,25» each); what fewer
    // leave goes to the title.
    let judge_share = 0.068_f32.min(0.48 / judges.len().max(1) as f32);
    let spare = 0.48 - judge_share * judges.len() as f32;
    let mut widths = vec![0.07, 0.17 + spare, 0.11];
    widths.extend(judges.iter().map(|_| judge_share));
    widths.extend([0.08, 0.09]);
    doc.blocks.push(Block::Table(Table {
        widths,
        rows,
        header_rows: 1,
    }));
    if !judges.is_empty() {
        let legend: Vec<String> = judges
            .iter()
            .enumerate()
            .map(|(k, j)| format!("TV{}: {j}", k + 1))
            .collect();
        doc.blocks.push(Block::Para(
            Para::new(
                format!("Điểm của từng thành viên Hội đồng: {}.", legend.join("; ")),
                12.0,
            )
            .italic()
            .justify()
            .space(6.0, 0.0),
        ));
    }
    let (secretary_title, secretary_name) = who
        .secretary
        .clone()
        .unwrap_or_else(|| ("THƯ KÝ HỘI ĐỒNG".into(), String::new()));
    doc.blocks.push(Block::Columns(vec![
        Column {
            width: 0.5,
            paras: vec![
                Para::new(secretary_title, 13.0)
                    .bold()
                    .center()
                    .space(24.0, 0.0),
                Para::new("(Ký, ghi rõ họ tên)", 12.0).italic().center(),
                Para::new(secretary_name, 13.0)
                    .bold()
                    .center()
                    .space(50.0, 0.0),
            ],
        },
        Column {
            width: 0.5,
            paras: vec![
                Para::new(place_date(who.dated), 13.0)
                    .italic()
                    .center()
                    .space(6.0, 0.0),
                Para::new("CHỦ TỊCH HỘI ĐỒNG", 13.0).bold().center(),
                Para::new("(Ký, ghi rõ họ tên)", 12.0).italic().center(),
                Para::new(who.chair.clone().unwrap_or_default(), 13.0)
                    .bold()
                    .center()
                    .space(50.0, 0.0),
            ],
        },
    ]));
    doc
}
