//! Spreadsheets out (XLSX): one generic writer for the results, coverage and budget
//! tables: a bold title, a header row, typed cells (numbers stay numbers, money has a
//! thousands format), frozen header, sensible column widths.

use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// Whole đồng.
    Money(i64),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

/// One worksheet.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Bold rows (totals), by index into `rows`.
    pub bold_rows: Vec<usize>,
}

/// Writes the workbook; the first row of each sheet is its title, the table starts
/// at row 3 (index 2).
pub fn xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let title = Format::new().set_bold().set_font_size(14);
    let head = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_text_wrap()
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let text = Format::new()
        .set_text_wrap()
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let number = Format::new()
        .set_num_format("0.00")
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let money = Format::new()
        .set_num_format("#,##0")
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&s.name)?;
        ws.write_string_with_format(0, 0, &s.title, &title)?;
        for (c, h) in s.headers.iter().enumerate() {
            let c = c as u16;
            ws.write_string_with_format(2, c, h, &head)?;
            let longest = s
                .rows
                .iter()
                .filter_map(|r| match r.get(c as usize) {
                    Some(Cell::Text(t)) => Some(t.chars().count()),
                    _ => None,
                })
                .max()
                .unwrap_or(0)
                .max(h.chars().count());
            ws.set_column_width(c, (longest as f64 * 1.1 + 2.0).clamp(6.0, 60.0))?;
        }
        for (r, row) in s.rows.iter().enumerate() {
            let bold = s.bold_rows.contains(&r);
            let rr = r as u32 + 3;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                let pick = |f: &Format| {
                    if bold {
                        f.clone().set_bold()
                    } else {
                        f.clone()
                    }
                };
                match cell {
                    Cell::Text(t) => ws.write_string_with_format(rr, c, t, &pick(&text))?,
                    Cell::Number(n) => ws.write_number_with_format(rr, c, *n, &pick(&number))?,
                    Cell::Money(m) => {
                        ws.write_number_with_format(rr, c, *m as f64, &pick(&money))?
                    }
                    Cell::Empty => ws.write_blank(rr, c, &pick(&text))?,
                };
            }
        }
        ws.set_freeze_panes(3, 0)?;
    }
    wb.save_to_buffer()
}
