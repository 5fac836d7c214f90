//! A small model of an official document (paragraphs, two-column blocks, tables),
//! built once by [`crate::official`] and rendered by two back ends: DOCX
//! ([`docx`]) and PDF ([`pdf`]). Sizes are in points, lengths in millimetres.

pub mod docx;
pub mod pdf;

/// Page set-up of Nghị định 30/2020 (Phụ lục I): A4, margins top and bottom 20–25 mm,
/// left 30–35 mm, right 15–20 mm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Margins {
    pub top: f32,
    pub bottom: f32,
    pub left: f32,
    pub right: f32,
}

impl Margins {
    pub const DECREE: Margins = Margins {
        top: 20.0,
        bottom: 20.0,
        left: 30.0,
        right: 15.0,
    };
}

#[derive(Debug, Clone)]
pub struct Doc {
    pub title: String,
    pub landscape: bool,
    pub margins: Margins,
    /// Page numbers centred in the top margin, from page 2 on (the decree shows none on
    /// page 1).
    pub page_numbers: bool,
    /// A double frame around each page (certificates).
    pub frame: bool,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone)]
pub enum Block {
    Para(Para),
    /// Side-by-side columns (the header and signature blocks); widths are fractions of
    /// the text width.
    Columns(Vec<Column>),
    Table(Table),
    PageBreak,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub width: f32,
    pub paras: Vec<Para>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
    Justify,
}

/// A solid rule under a paragraph, centred: as long as the paragraph's text, or a
/// given length.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rule {
    TextWidth,
    Mm(f32),
}

#[derive(Debug, Clone)]
pub struct Run {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
}

#[derive(Debug, Clone)]
pub struct Para {
    pub runs: Vec<Run>,
    pub align: Align,
    pub size: f32,
    /// First-line indent, mm.
    pub indent: f32,
    /// Space before and after, pt.
    pub before: f32,
    pub after: f32,
    pub rule: Option<Rule>,
}

impl Para {
    pub fn new(text: impl Into<String>, size: f32) -> Para {
        Para {
            runs: vec![Run {
                text: text.into(),
                bold: false,
                italic: false,
            }],
            align: Align::Left,
            size,
            indent: 0.0,
            before: 0.0,
            after: 0.0,
            rule: None,
        }
    }
    pub fn empty(size: f32) -> Para {
        Para::new("", size)
    }
    pub fn bold(mut self) -> Para {
        self.runs.iter_mut().for_each(|r| r.bold = true);
        self
    }
    pub fn italic(mut self) -> Para {
        self.runs.iter_mut().for_each(|r| r.italic = true);
        self
    }
    pub fn center(mut self) -> Para {
        self.align = Align::Center;
        self
    }
    pub fn justify(mut self) -> Para {
        self.align = Align::Justify;
        self
    }
    pub fn align(mut self, a: Align) -> Para {
        self.align = a;
        self
    }
    /// First-line indent of 1.27 cm, as body text has.
    pub fn indented(mut self) -> Para {
        self.indent = 12.7;
        self
    }
    pub fn space(mut self, before: f32, after: f32) -> Para {
        self.before = before;
        self.after = after;
        self
    }
    pub fn rule(mut self, r: Rule) -> Para {
        self.rule = Some(r);
        self
    }
    /// Appends a run.
    pub fn run(mut self, text: impl Into<String>, bold: bool, italic: bool) -> Para {
        self.runs.push(Run {
            text: text.into(),
            bold,
            italic,
        });
        self
    }
    /// The text of all runs.
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
}

#[derive(Debug, Clone)]
pub struct Table {
    /// Column widths as fractions of the text width.
    pub widths: Vec<f32>,
    /// Rows of cells; the first `header_rows` repeat on each page.
    pub rows: Vec<Vec<Para>>,
    pub header_rows: usize,
}

impl Doc {
    /// The plain text, one paragraph a line (columns left to right, table cells
    /// separated by " | "): for snapshots and search.
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            match b {
                Block::Para(p) => {
                    out.push_str(&p.text());
                    out.push('\n');
                }
                Block::Columns(cols) => {
                    for c in cols {
                        for p in &c.paras {
                            out.push_str(&p.text());
                            out.push('\n');
                        }
                    }
                }
                Block::Table(t) => {
                    for row in &t.rows {
                        let cells: Vec<String> = row.iter().map(Para::text).collect();
                        out.push_str(&cells.join(" | "));
                        out.push('\n');
                    }
                }
                Block::PageBreak => out.push_str("\u{c}\n"),
            }
        }
        out
    }
}

pub(crate) const MM_PER_PT: f32 = 25.4 / 72.0;

pub(crate) fn pt(mm: f32) -> f32 {
    mm / MM_PER_PT
}

/// A4 in points, portrait or landscape.
pub(crate) fn page_size(landscape: bool) -> (f32, f32) {
    let (w, h) = (pt(210.0), pt(297.0));
    if landscape { (h, w) } else { (w, h) }
}
