//! PDF rendering: a line-breaking layout of the document model on A4 pages, drawn with
//! krilla, with a Times New Roman–compatible font embedded (subset) so that every
//! Vietnamese letter shows and can be copied out.

use krilla::{
    Document,
    geom::{PathBuilder, Point},
    metadata::Metadata,
    page::PageSettings,
    paint::Stroke,
    text::{Font, TextDirection},
};

mod fonts;

pub use fonts::Fonts;

use super::{Align, Block, Doc, Para, Rule, Table, page_size, pt};

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(
        "Máy chủ chưa có phông chữ Times New Roman hoặc Liberation Serif (gói fonts-liberation2); đặt SANGKIEN_FONT_DIR tới thư mục chứa phông. Đã tìm trong: {0}"
    )]
    NoFont(String),
    #[error("Không đọc được phông chữ {0}")]
    BadFont(String),
    #[error("Không tạo được tệp PDF: {0}")]
    Render(String),
}

fn face_index(bold: bool, italic: bool) -> usize {
    usize::from(bold) + 2 * usize::from(italic)
}

/// Text measurement with the fonts' advance widths.
struct Measure<'a> {
    faces: Vec<ttf_parser::Face<'a>>,
}

impl Measure<'_> {
    fn width(&self, text: &str, bold: bool, italic: bool, size: f32) -> f32 {
        let face = &self.faces[face_index(bold, italic)];
        let upem = f32::from(face.units_per_em());
        let units: f32 = text
            .chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .map_or(upem / 2.0, f32::from)
            })
            .sum();
        units / upem * size
    }
}

/// One thing to draw on a page (points, origin top left, y down).
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Text with its baseline at `y`.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        italic: bool,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
}

/// Line height as a multiple of the font size (single spacing of Times).
const LEADING: f32 = 1.2;
/// Baseline below the top of a line, as a multiple of the size.
const ASCENT: f32 = 0.93;

/// Where a line may break: ordinary spaces (a no-break space, as in the blanks of a
/// draft's number and date, is kept).
fn is_break(c: char) -> bool {
    c == ' ' || c == '\t' || c == '\n'
}

/// A word with its style, for line breaking.
struct Word {
    text: String,
    bold: bool,
    italic: bool,
    width: f32,
    /// A space follows it in the source.
    space_after: bool,
}

struct Layout<'a> {
    m: Measure<'a>,
    doc: &'a Doc,
    height: f32,
    left: f32,
    top: f32,
    bottom: f32,
    text_width: f32,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Layout<'_> {
    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.top;
        if self.doc.frame {
            let (w, h) = page_size(self.doc.landscape);
            for (inset, width) in [(pt(8.0), 2.0), (pt(10.0), 0.6)] {
                let (l, t, r, b) = (inset, inset, w - inset, h - inset);
                for (x1, y1, x2, y2) in [(l, t, r, t), (r, t, r, b), (r, b, l, b), (l, b, l, t)] {
                    self.op(Op::Line {
                        x1,
                        y1,
                        x2,
                        y2,
                        width,
                    });
                }
            }
        }
        let n = self.pages.len();
        if self.doc.page_numbers && n > 1 {
            let label = n.to_string();
            let w = self.m.width(&label, false, false, 13.0);
            let x = self.left + (self.text_width - w) / 2.0;
            let y = pt(12.0);
            self.op(Op::Text {
                x,
                y,
                size: 13.0,
                bold: false,
                italic: false,
                text: label,
            });
        }
    }

    fn op(&mut self, op: Op) {
        if let Some(p) = self.pages.last_mut() {
            p.push(op);
        }
    }

    fn words(&self, p: &Para) -> Vec<Word> {
        let mut out: Vec<Word> = Vec::new();
        for r in &p.runs {
            let mut rest = r.text.as_str();
            while !rest.is_empty() {
                let starts_space = rest.starts_with(is_break);
                if starts_space {
                    if let Some(last) = out.last_mut() {
                        last.space_after = true;
                    }
                    rest = rest.trim_start_matches(is_break);
                    continue;
                }
                let end = rest.find(is_break).unwrap_or(rest.len());
                let text = &rest[..end];
                out.push(Word {
                    text: text.to_string(),
                    bold: r.bold,
                    italic: r.italic,
                    width: self.m.width(text, r.bold, r.italic, p.size),
                    space_after: false,
                });
                rest = &rest[end..];
            }
        }
        out
    }

    /// Splits a word wider than the whole `width` (a long name in a narrow table
    /// column) between characters, so no text runs past its column.
    fn fit(&self, words: Vec<Word>, p: &Para, width: f32) -> Vec<Word> {
        let room = width - pt(p.indent);
        let mut out = Vec::with_capacity(words.len());
        for w in words {
            if w.width <= room {
                out.push(w);
                continue;
            }
            let mut chunk = String::new();
            for c in w.text.chars() {
                let mut longer = chunk.clone();
                longer.push(c);
                if !chunk.is_empty() && self.m.width(&longer, w.bold, w.italic, p.size) > room {
                    let width = self.m.width(&chunk, w.bold, w.italic, p.size);
                    out.push(Word {
                        text: std::mem::take(&mut chunk),
                        bold: w.bold,
                        italic: w.italic,
                        width,
                        space_after: false,
                    });
                    chunk.push(c);
                } else {
                    chunk = longer;
                }
            }
            let width = self.m.width(&chunk, w.bold, w.italic, p.size);
            out.push(Word {
                text: chunk,
                bold: w.bold,
                italic: w.italic,
                width,
                space_after: w.space_after,
            });
        }
        out
    }

    /// Breaks a paragraph into lines of at most `width` (the first line less the
    /// indent); returns the index ranges of the words of each line.
    fn lines(&self, words: &[Word], p: &Para, width: f32) -> Vec<(usize, usize)> {
        let space = self.m.width(" ", false, false, p.size);
        let indent = pt(p.indent);
        let mut lines = Vec::new();
        let mut start = 0;
        let mut used = indent;
        for (i, w) in words.iter().enumerate() {
            let gap = if i > start && words[i - 1].space_after {
                space
            } else {
                0.0
            };
            if i > start && used + gap + w.width > width {
                lines.push((start, i));
                start = i;
                used = w.width;
            } else {
                used += gap + w.width;
            }
        }
        if start < words.len() || lines.is_empty() {
            lines.push((start, words.len()));
        }
        lines
    }

    /// Lays out a paragraph at `x` within `width`, from the current `y`; with
    /// `paginate`, breaks pages between lines.
    fn para(&mut self, p: &Para, x: f32, width: f32, paginate: bool) {
        self.y += p.before;
        let words = self.fit(self.words(p), p, width);
        let lines = self.lines(&words, p, width);
        let line_h = p.size * LEADING;
        let space = self.m.width(" ", false, false, p.size);
        let n = lines.len();
        let mut widest: f32 = 0.0;
        for (li, (a, b)) in lines.iter().copied().enumerate() {
            if paginate && self.y + line_h > self.height - self.bottom {
                self.new_page();
            }
            let indent = if li == 0 { pt(p.indent) } else { 0.0 };
            let slice = &words[a..b];
            let gaps: Vec<f32> = (0..slice.len())
                .map(|k| {
                    if k > 0 && slice[k - 1].space_after {
                        space
                    } else {
                        0.0
                    }
                })
                .collect();
            let natural: f32 =
                slice.iter().map(|w| w.width).sum::<f32>() + gaps.iter().sum::<f32>();
            widest = widest.max(natural);
            let free = (width - indent - natural).max(0.0);
            let (mut cx, extra) = match p.align {
                Align::Left => (x + indent, 0.0),
                Align::Center => (x + indent + free / 2.0, 0.0),
                Align::Right => (x + indent + free, 0.0),
                Align::Justify => {
                    let stretchable = gaps.iter().filter(|g| **g > 0.0).count();
                    if li + 1 < n && stretchable > 0 {
                        (x + indent, free / stretchable as f32)
                    } else {
                        (x + indent, 0.0)
                    }
                }
            };
            let baseline = self.y + p.size * ASCENT;
            for (k, w) in slice.iter().enumerate() {
                if gaps[k] > 0.0 {
                    cx += gaps[k] + extra;
                }
                self.op(Op::Text {
                    x: cx,
                    y: baseline,
                    size: p.size,
                    bold: w.bold,
                    italic: w.italic,
                    text: w.text.clone(),
                });
                cx += w.width;
            }
            self.y += line_h;
        }
        if let Some(rule) = p.rule {
            let len = match rule {
                Rule::TextWidth => widest,
                Rule::Mm(mm) => pt(mm),
            }
            .min(width);
            let x1 = x + (width - len) / 2.0;
            let y = self.y + 1.5;
            self.op(Op::Line {
                x1,
                y1: y,
                x2: x1 + len,
                y2: y,
                width: 0.6,
            });
            self.y += 3.0;
        }
        self.y += p.after;
    }

    fn block(&mut self, b: &Block) {
        match b {
            Block::Para(p) => self.para(p, self.left, self.text_width, true),
            Block::PageBreak => self.new_page(),
            Block::Columns(cols) => {
                let h = cols
                    .iter()
                    .map(|c| {
                        let w = c.width * self.text_width;
                        c.paras.iter().map(|p| self.para_height(p, w)).sum::<f32>()
                    })
                    .fold(0.0, f32::max);
                // A block never splits: one that does not fit starts the next page.
                if self.y + h > self.height - self.bottom && self.y > self.top {
                    self.new_page();
                }
                let start = self.y;
                let mut end = start;
                let mut x = self.left;
                for c in cols {
                    let w = c.width * self.text_width;
                    self.y = start;
                    for p in &c.paras {
                        self.para(p, x, w, false);
                    }
                    end = end.max(self.y);
                    x += w;
                }
                self.y = end;
            }
            Block::Table(t) => self.table(t),
        }
    }

    /// The height a paragraph takes in `width`.
    fn para_height(&self, p: &Para, width: f32) -> f32 {
        let words = self.fit(self.words(p), p, width);
        let lines = self.lines(&words, p, width);
        let rule = if p.rule.is_some() { 3.0 } else { 0.0 };
        p.before + lines.len() as f32 * p.size * LEADING + rule + p.after
    }

    fn row_height(&self, row: &[Para], widths: &[f32]) -> f32 {
        row.iter()
            .zip(widths)
            .map(|(p, w)| self.para_height(p, w - 2.0 * CELL_PAD))
            .fold(0.0, f32::max)
            + 2.0 * CELL_PAD
    }

    fn table(&mut self, t: &Table) {
        let widths: Vec<f32> = t.widths.iter().map(|w| w * self.text_width).collect();
        let header: Vec<&Vec<Para>> = t.rows.iter().take(t.header_rows).collect();
        for (ri, row) in t.rows.iter().enumerate() {
            let h = self.row_height(row, &widths);
            if self.y + h > self.height - self.bottom && ri >= t.header_rows {
                self.new_page();
                for hr in &header {
                    let hh = self.row_height(hr, &widths);
                    self.row(hr, &widths, hh);
                }
            }
            self.row(row, &widths, h);
        }
    }

    fn row(&mut self, row: &[Para], widths: &[f32], h: f32) {
        let top = self.y;
        let mut x = self.left;
        for (p, w) in row.iter().zip(widths) {
            self.y = top + CELL_PAD;
            self.para(p, x + CELL_PAD, w - 2.0 * CELL_PAD, false);
            x += w;
        }
        let (left, right) = (self.left, x);
        let mut lines = vec![(left, top, right, top), (left, top + h, right, top + h)];
        let mut cx = left;
        lines.push((cx, top, cx, top + h));
        for w in widths {
            cx += w;
            lines.push((cx, top, cx, top + h));
        }
        for (x1, y1, x2, y2) in lines {
            self.op(Op::Line {
                x1,
                y1,
                x2,
                y2,
                width: 0.5,
            });
        }
        self.y = top + h;
    }
}

const CELL_PAD: f32 = 3.0;

/// Lays the document out into pages of drawing operations.
pub fn layout(doc: &Doc, fonts: &Fonts) -> Result<Vec<Vec<Op>>, PdfError> {
    let faces = fonts
        .faces
        .iter()
        .map(|d| ttf_parser::Face::parse(d, 0).map_err(|_| PdfError::BadFont(fonts.family.clone())))
        .collect::<Result<Vec<_>, _>>()?;
    let (width, height) = page_size(doc.landscape);
    let mut l = Layout {
        m: Measure { faces },
        doc,
        height,
        left: pt(doc.margins.left),
        top: pt(doc.margins.top),
        bottom: pt(doc.margins.bottom),
        text_width: width - pt(doc.margins.left) - pt(doc.margins.right),
        pages: Vec::new(),
        y: 0.0,
    };
    l.new_page();
    for b in &doc.blocks {
        l.block(b);
    }
    Ok(l.pages)
}

/// Renders the document as PDF bytes.
pub fn render(doc: &Doc, fonts: &Fonts) -> Result<Vec<u8>, PdfError> {
    let pages = layout(doc, fonts)?;
    let (width, height) = page_size(doc.landscape);
    let kfonts: Vec<Font> = fonts
        .faces
        .iter()
        .map(|d| {
            Font::new(d.clone().into(), 0).ok_or_else(|| PdfError::BadFont(fonts.family.clone()))
        })
        .collect::<Result<_, _>>()?;
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(doc.title.clone())
            .language("vi".into())
            .creator("sangkien".into()),
    );
    for ops in pages {
        let settings = PageSettings::from_wh(width, height)
            .ok_or_else(|| PdfError::Render("khổ giấy".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    bold,
                    italic,
                    text,
                } => surface.draw_text(
                    Point::from_xy(x, y),
                    kfonts[face_index(bold, italic)].clone(),
                    size,
                    &text,
                    false,
                    TextDirection::LeftToRight,
                ),
                Op::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(x1, y1);
                    pb.line_to(x2, y2);
                    if let Some(path) = pb.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            width,
                            ..Default::default()
                        }));
                        surface.draw_path(&path);
                        surface.set_stroke(None);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| PdfError::Render(format!("{e:?}")))
}
