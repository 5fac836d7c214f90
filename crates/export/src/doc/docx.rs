//! DOCX rendering with docx-rs: A4, the decree's margins, Times New Roman throughout,
//! two-column blocks as borderless tables, rules as short bordered paragraphs, page
//! numbers in the header from page 2 on.

use docx_rs::{
    AlignmentType, BorderType, Docx, Header, LineSpacing, PageMargin, PageNum, Paragraph,
    ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Run as DRun, RunFonts,
    SpecialIndentType, Table as DTable, TableCell, TableRow, WidthType,
};

use super::{Align, Block, Doc, MM_PER_PT, Para, Rule, page_size, pt};

/// The font every run names; Word substitutes a metric-compatible one if missing.
pub const FONT: &str = "Times New Roman";

/// Twentieths of a point (twips) from millimetres.
fn twips(mm: f32) -> i32 {
    (pt(mm) * 20.0).round() as i32
}

fn fonts() -> RunFonts {
    RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .cs(FONT)
        .east_asia(FONT)
}

fn half_points(size: f32) -> usize {
    (size * 2.0).round() as usize
}

fn alignment(a: Align) -> AlignmentType {
    match a {
        Align::Left => AlignmentType::Left,
        Align::Center => AlignmentType::Center,
        Align::Right => AlignmentType::Right,
        Align::Justify => AlignmentType::Both,
    }
}

/// A rough width of the text, for rules "as long as the text" (Times averages about
/// half an em per character).
fn text_width_mm(p: &Para) -> f32 {
    p.text().chars().count() as f32 * p.size * 0.5 * MM_PER_PT
}

/// The paragraph and, when it has a rule, a thin paragraph whose top border is the
/// rule, indented so that it is centred with the wanted length in `width_mm`.
fn paragraphs(p: &Para, width_mm: f32) -> Vec<Paragraph> {
    let mut para = Paragraph::new().align(alignment(p.align)).line_spacing(
        LineSpacing::new()
            .before((p.before * 20.0) as u32)
            .after((p.after * 20.0) as u32),
    );
    if p.indent > 0.0 {
        para = para.indent(
            None,
            Some(SpecialIndentType::FirstLine(twips(p.indent))),
            None,
            None,
        );
    }
    for r in &p.runs {
        let mut run = DRun::new()
            .add_text(&r.text)
            .fonts(fonts())
            .size(half_points(p.size));
        if r.bold {
            run = run.bold();
        }
        if r.italic {
            run = run.italic();
        }
        para = para.add_run(run);
    }
    let mut out = vec![para];
    if let Some(rule) = p.rule {
        let len = match rule {
            Rule::TextWidth => text_width_mm(p),
            Rule::Mm(mm) => mm,
        }
        .min(width_mm);
        let side = twips((width_mm - len) / 2.0);
        let mut r = Paragraph::new()
            .indent(Some(side), None, Some(side), None)
            .line_spacing(LineSpacing::new().before(0).after(0).line(40))
            .add_run(DRun::new().size(2));
        r.property = r.property.set_borders(
            ParagraphBorders::with_empty().set(
                ParagraphBorder::new(ParagraphBorderPosition::Top)
                    .val(BorderType::Single)
                    .size(6),
            ),
        );
        out.push(r);
    }
    out
}

fn cell(paras: &[Para], width_mm: f32) -> TableCell {
    let mut c = TableCell::new().width(twips(width_mm) as usize, WidthType::Dxa);
    for p in paras {
        for dp in paragraphs(p, width_mm) {
            c = c.add_paragraph(dp);
        }
    }
    c
}

/// Renders the document as DOCX bytes.
pub fn render(doc: &Doc) -> Result<Vec<u8>, String> {
    let (w, h) = page_size(doc.landscape);
    let m = doc.margins;
    let text_mm = w * MM_PER_PT - m.left - m.right;
    let mut d = Docx::new()
        .page_size((w * 20.0).round() as u32, (h * 20.0).round() as u32)
        .page_margin(
            PageMargin::new()
                .top(twips(m.top))
                .bottom(twips(m.bottom))
                .left(twips(m.left))
                .right(twips(m.right))
                .header(twips(m.top / 2.0))
                .footer(twips(m.bottom / 2.0)),
        )
        .default_fonts(fonts())
        .default_size(half_points(14.0));
    if doc.page_numbers {
        d = d
            .header(
                Header::new().add_paragraph(
                    Paragraph::new()
                        .align(AlignmentType::Center)
                        .add_page_num(PageNum::new())
                        .size(half_points(13.0)),
                ),
            )
            .first_header(Header::new())
            .title_pg();
    }
    for b in &doc.blocks {
        match b {
            Block::Para(p) => {
                for dp in paragraphs(p, text_mm) {
                    d = d.add_paragraph(dp);
                }
            }
            Block::PageBreak => {
                d = d.add_paragraph(Paragraph::new().page_break_before(true));
            }
            Block::Columns(cols) => {
                let cells: Vec<TableCell> = cols
                    .iter()
                    .map(|c| cell(&c.paras, c.width * text_mm))
                    .collect();
                let grid: Vec<usize> = cols
                    .iter()
                    .map(|c| twips(c.width * text_mm) as usize)
                    .collect();
                d = d.add_table(
                    DTable::without_borders(vec![TableRow::new(cells)])
                        .set_grid(grid)
                        .width(twips(text_mm) as usize, WidthType::Dxa),
                );
            }
            Block::Table(t) => {
                let widths: Vec<f32> = t.widths.iter().map(|f| f * text_mm).collect();
                let rows: Vec<TableRow> = t
                    .rows
                    .iter()
                    .map(|row| {
                        TableRow::new(
                            row.iter()
                                .zip(&widths)
                                .map(|(p, w)| cell(std::slice::from_ref(p), *w))
                                .collect(),
                        )
                    })
                    .collect();
                d = d.add_table(
                    DTable::new(rows)
                        .set_grid(widths.iter().map(|w| twips(*w) as usize).collect())
                        .width(twips(text_mm) as usize, WidthType::Dxa),
                );
            }
        }
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    d.build().pack(&mut buf).map_err(|e| e.to_string())?;
    Ok(buf.into_inner())
}
