//! The documents of one entry: the receipt the unit gets when it submits (Giấy biên
//! nhận), and the applicant's request for recognition in the form of Phụ lục I of
//! Thông tư 18/2013/TT-BKHCN (Đơn yêu cầu công nhận sáng kiến). Both are dated the day
//! the entry was submitted.

use jiff::civil::Date;
use sangkien_domain::{
    agency::Agency,
    award::{BLANK, place_date_line},
    entry::EntryContent,
};

use super::*;
use crate::doc::{Align, Block, Column, Doc, Para, Rule, Table};

/// What the receipt records.
#[derive(Debug, Clone)]
pub struct ReceiptFacts {
    pub contest_title: String,
    pub organizer_name: String,
    pub entry_id: i64,
    pub unit_name: String,
    pub title: String,
    pub submitted_on: Date,
    /// `dd/mm/yyyy HH:MM:SS`, Vietnam time.
    pub submitted_at: String,
    pub version: i64,
    /// The main file: its name and SHA-256.
    pub main_file: Option<(String, String)>,
    /// The authors' sworn statement recorded with the version, if any.
    pub sworn: Option<String>,
}

/// A stored `YYYY-MM-DD` as `dd/mm/yyyy`, or empty.
fn shown(d: &str) -> String {
    sangkien_domain::time::parse_date(d)
        .map(sangkien_domain::time::display_date)
        .unwrap_or_default()
}

fn cell(t: &str, bold: bool, align: Align) -> Para {
    let p = Para::new(t, 13.0).align(align);
    if bold { p.bold() } else { p }
}

fn motto(date_line: &str) -> Vec<Para> {
    vec![
        Para::new("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12.0)
            .bold()
            .center(),
        Para::new("Độc lập - Tự do - Hạnh phúc", 13.0)
            .bold()
            .center()
            .rule(Rule::TextWidth),
        Para::new(date_line, 14.0).italic().center().space(8.0, 0.0),
    ]
}

/// The receipt of a submission: the entry's number, unit, title, the moment to the
/// second, the version, and the SHA-256 of the main file.
pub fn receipt(issuer: &Agency, r: &ReceiptFacts) -> Doc {
    let mut doc = base(format!("Giấy biên nhận sáng kiến số {}", r.entry_id));
    doc.page_numbers = false;
    let parent = parent_abbreviated(issuer);
    let year = i64::from(r.submitted_on.year());
    doc.blocks.push(Block::Columns(vec![
        Column {
            width: 0.4,
            paras: vec![
                Para::new(parent.trim().to_uppercase(), 13.0).center(),
                Para::new(r.organizer_name.to_uppercase(), 13.0)
                    .bold()
                    .center()
                    .rule(Rule::Mm(22.0)),
            ],
        },
        Column {
            width: 0.6,
            paras: motto(&place_date_line(&issuer.place, Some(r.submitted_on), year)),
        },
    ]));
    doc.blocks.push(Block::Para(
        Para::new("GIẤY BIÊN NHẬN", BODY)
            .bold()
            .center()
            .space(18.0, 0.0),
    ));
    doc.blocks.push(Block::Para(
        Para::new(format!("Sáng kiến dự thi {}", r.contest_title), BODY)
            .bold()
            .center()
            .space(0.0, 12.0),
    ));
    let (file, sha) = r
        .main_file
        .clone()
        .unwrap_or_else(|| ("(chưa có)".into(), "(chưa có)".into()));
    let rows = [
        ("Số hồ sơ", r.entry_id.to_string()),
        ("Đơn vị nộp", r.unit_name.clone()),
        ("Tên sáng kiến", format!("“{}”", r.title)),
        (
            "Thời điểm nộp",
            format!("{} (giờ Việt Nam)", r.submitted_at),
        ),
        ("Phiên bản", r.version.to_string()),
        (
            "Lời cam đoan của tác giả",
            match &r.sworn {
                Some(s) => format!("Đã đánh dấu khi nộp: “{s}”"),
                None => "Không ghi nhận (phiên bản nộp trước khi hệ thống có mục cam đoan).".into(),
            },
        ),
        ("Văn bản sáng kiến", file),
        ("Mã SHA-256 của văn bản", sha),
    ];
    doc.blocks.push(Block::Table(Table {
        widths: vec![0.32, 0.68],
        rows: rows
            .iter()
            .map(|(k, v)| vec![cell(k, true, Align::Left), cell(v, false, Align::Left)])
            .collect(),
        header_rows: 0,
    }));
    doc.blocks.push(Block::Para(
        Para::new(
            format!(
                "{} đã nhận hồ sơ sáng kiến nêu trên vào thời điểm ghi ở bảng. Biên nhận do hệ thống tạo khi đơn vị nộp; mã SHA-256 cho phép kiểm tra văn bản đã nộp không bị thay đổi. Nộp lại trước hạn tạo phiên bản mới và biên nhận mới.",
                r.organizer_name
            ),
            13.0,
        )
        .indented()
        .justify()
        .space(12.0, 0.0),
    ));
    doc
}

/// The applicant's request for recognition (Phụ lục I, TT 18/2013), filled from the
/// entry and dated the day it was submitted.
pub fn application(
    issuer: &Agency,
    content: &EntryContent,
    topic: &str,
    submitted_on: Option<Date>,
    year: i64,
) -> Doc {
    let mut doc = base(format!("Đơn yêu cầu công nhận sáng kiến {}", content.title));
    doc.blocks.push(Block::Columns(vec![Column {
        width: 1.0,
        paras: motto(&place_date_line(&issuer.place, submitted_on, year)),
    }]));
    doc.blocks.push(Block::Para(
        Para::new("ĐƠN YÊU CẦU CÔNG NHẬN SÁNG KIẾN", BODY)
            .bold()
            .center()
            .space(18.0, 6.0),
    ));
    doc.blocks.push(Block::Para(
        Para::new(
            format!("Kính gửi: {}", agency_in_text(&issuer.agency)),
            BODY,
        )
        .center()
        .space(0.0, 12.0),
    ));
    let line =
        |text: String| Block::Para(Para::new(text, BODY).indented().justify().space(3.0, 0.0));
    let heading = |label: &str, value: &str| {
        let value = value.trim();
        Block::Para(
            Para::new(format!("{label}: "), BODY)
                .bold()
                .run(
                    if value.is_empty() {
                        BLANK.repeat(6)
                    } else {
                        value.to_string()
                    },
                    false,
                    false,
                )
                .indented()
                .justify()
                .space(6.0, 0.0),
        )
    };
    doc.blocks.push(line("Tôi (chúng tôi):".into()));
    let small = |t: &str, bold: bool, align: Align| {
        let p = Para::new(t, 11.0).align(align);
        if bold { p.bold() } else { p }
    };
    let mut rows = vec![
        [
            "Số TT",
            "Họ và tên",
            "Ngày tháng năm sinh",
            "Nơi công tác (hoặc nơi thường trú)",
            "Chức danh",
            "Trình độ chuyên môn",
            "Tỷ lệ (%) đóng góp vào việc tạo ra sáng kiến",
        ]
        .iter()
        .map(|h| small(h, true, Align::Center))
        .collect::<Vec<_>>(),
    ];
    for (i, a) in content.authors.iter().enumerate() {
        let born = shown(&a.birth_date);
        let share = a
            .contribution_percent
            .map(|p| format!("{p}").replace('.', ","))
            .unwrap_or_default();
        rows.push(vec![
            small(&(i + 1).to_string(), false, Align::Center),
            small(&a.full_name, false, Align::Left),
            small(&born, false, Align::Center),
            small(&a.workplace, false, Align::Left),
            small(&a.position, false, Align::Left),
            small(&a.qualification, false, Align::Left),
            small(&share, false, Align::Center),
        ]);
    }
    doc.blocks.push(Block::Table(Table {
        widths: vec![0.07, 0.2, 0.13, 0.2, 0.13, 0.13, 0.14],
        rows,
        header_rows: 1,
    }));
    doc.blocks.push(line(format!(
        "Là tác giả (nhóm tác giả) đề nghị xét công nhận sáng kiến: “{}”.",
        content.title
    )));
    doc.blocks.push(heading(
        "Chủ đầu tư tạo ra sáng kiến (trường hợp tác giả không đồng thời là chủ đầu tư)",
        if content.investor.trim().is_empty() {
            "Tác giả đồng thời là chủ đầu tư."
        } else {
            content.investor.as_str()
        },
    ));
    doc.blocks.push(heading(
        "Lĩnh vực áp dụng sáng kiến",
        &[content.field_of_application.trim(), topic.trim()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("; "),
    ));
    let first = shown(&content.first_applied_on);
    doc.blocks.push(heading(
        "Ngày sáng kiến được áp dụng lần đầu hoặc áp dụng thử",
        &first,
    ));
    let d = &content.description;
    doc.blocks.push(heading("Mô tả bản chất của sáng kiến", ""));
    for (label, value) in [
        (
            "Tình trạng hiện tại và nhược điểm của giải pháp đã biết",
            &d.current_situation,
        ),
        ("Nội dung và các bước thực hiện giải pháp", &d.solution),
        ("Tính mới, tính sáng tạo", &d.novelty),
        ("Khả năng nhân rộng", &d.replication_scope),
    ] {
        doc.blocks
            .push(line(format!("- {label}: {}", value.trim())));
    }
    doc.blocks.push(heading(
        "Những thông tin cần được bảo mật (nếu có)",
        if content.confidential.trim().is_empty() {
            "Không có."
        } else {
            content.confidential.as_str()
        },
    ));
    doc.blocks.push(heading(
        "Các điều kiện cần thiết để áp dụng sáng kiến",
        &d.conditions,
    ));
    doc.blocks.push(heading(
        "Đánh giá lợi ích thu được hoặc dự kiến có thể thu được do áp dụng sáng kiến theo ý kiến của tác giả",
        &d.benefits,
    ));
    doc.blocks.push(heading(
        "Đánh giá lợi ích thu được hoặc dự kiến có thể thu được do áp dụng sáng kiến theo ý kiến của tổ chức, cá nhân đã tham gia áp dụng sáng kiến lần đầu, kể cả áp dụng thử (nếu có)",
        if content.trial_benefits.trim().is_empty() {
            "Không có."
        } else {
            content.trial_benefits.as_str()
        },
    ));
    doc.blocks.push(heading(
        "Danh sách những người đã tham gia áp dụng thử hoặc áp dụng sáng kiến lần đầu (nếu có)",
        if content.trial_participants.is_empty() {
            "Không có."
        } else {
            ""
        },
    ));
    if !content.trial_participants.is_empty() {
        let mut rows = vec![
            [
                "Số TT",
                "Họ và tên",
                "Ngày tháng năm sinh",
                "Nơi công tác",
                "Chức danh",
                "Trình độ chuyên môn",
                "Nội dung công việc hỗ trợ",
            ]
            .iter()
            .map(|h| small(h, true, Align::Center))
            .collect::<Vec<_>>(),
        ];
        for (i, p) in content.trial_participants.iter().enumerate() {
            rows.push(vec![
                small(&(i + 1).to_string(), false, Align::Center),
                small(&p.full_name, false, Align::Left),
                small(&shown(&p.birth_date), false, Align::Center),
                small(&p.workplace, false, Align::Left),
                small(&p.position, false, Align::Left),
                small(&p.qualification, false, Align::Left),
                small(&p.task, false, Align::Left),
            ]);
        }
        doc.blocks.push(Block::Table(Table {
            widths: vec![0.07, 0.18, 0.13, 0.19, 0.13, 0.13, 0.17],
            rows,
            header_rows: 1,
        }));
    }
    doc.blocks
        .push(line(sangkien_domain::entry::SWORN_STATEMENT.into()));
    let mut sign = vec![
        Para::new(place_date_line(&issuer.place, submitted_on, year), 13.0)
            .italic()
            .center()
            .space(12.0, 0.0),
        Para::new("Người nộp đơn", 13.0).bold().center(),
        Para::new("(Ký và ghi rõ họ tên)", 12.0).italic().center(),
    ];
    for (i, a) in content.authors.iter().enumerate() {
        sign.push(
            Para::new(a.full_name.clone(), 13.0)
                .bold()
                .center()
                .space(if i == 0 { 50.0 } else { 40.0 }, 0.0),
        );
    }
    doc.blocks.push(Block::Columns(vec![
        Column {
            width: 0.4,
            paras: vec![],
        },
        Column {
            width: 0.6,
            paras: sign,
        },
    ]));
    doc
}
