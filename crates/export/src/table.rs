//! Reads the first sheet of an XLSX file or a CSV file into rows of text, keeping each
//! row's line number so errors can point at it.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

/// A table: the header row and the data rows with their 1-based line numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("Tệp trống: không có dòng tiêu đề.")]
    Empty,
    #[error("Tệp CSV phải được lưu với bảng mã UTF-8.")]
    NotUtf8,
    #[error("Không đọc được tệp CSV ở dòng {line}: {reason}")]
    Csv { line: usize, reason: String },
    #[error("Không đọc được tệp Excel (.xlsx): {0}")]
    Xlsx(String),
    #[error("Tệp có quá nhiều dòng (tối đa {max}).")]
    TooManyRows { max: usize },
}

pub const MAX_ROWS: usize = 20_000;

/// Reads CSV (UTF-8, optional BOM, comma-separated) or XLSX (recognised by its zip
/// signature, not by its name). Blank rows are skipped; cells are trimmed.
pub fn read(bytes: &[u8]) -> Result<Table, TableError> {
    let mut rows = if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)?
    } else {
        read_csv(bytes)?
    };
    rows.retain(|(_, cells)| cells.iter().any(|c| !c.is_empty()));
    if rows.len() > MAX_ROWS + 1 {
        return Err(TableError::TooManyRows { max: MAX_ROWS });
    }
    if rows.is_empty() {
        return Err(TableError::Empty);
    }
    let (_, header) = rows.remove(0);
    let header = header.into_iter().map(|h| h.to_lowercase()).collect();
    Ok(Table { header, rows })
}

/// The line (from 1) a byte offset falls on, counting `\r\n`, `\n` and a lone `\r`
/// (old Mac files, which the CSV reader also takes as line ends) as one break each.
fn line_at(bytes: &[u8], offset: usize) -> usize {
    let before = &bytes[..offset.min(bytes.len())];
    let breaks = before
        .iter()
        .enumerate()
        .filter(|(i, b)| **b == b'\n' || (**b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count();
    1 + breaks
}

fn read_csv(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, TableError> {
    let text = std::str::from_utf8(bytes).map_err(|_| TableError::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| TableError::Csv {
            line: e.position().map(|p| p.line() as usize).unwrap_or(0),
            reason: e.to_string(),
        })?;
        // The reader skips blank lines without counting them, so count newlines up to
        // the record's byte offset to give the line a text editor shows.
        let mut offset = record
            .position()
            .map(|p| p.byte() as usize)
            .unwrap_or(0)
            .min(text.len());
        while matches!(text.as_bytes().get(offset), Some(b'\n' | b'\r')) {
            offset += 1;
        }
        let line = line_at(text.as_bytes(), offset);
        out.push((line, record.iter().map(|c| c.trim().to_string()).collect()));
        if out.len() > MAX_ROWS + 1 {
            return Err(TableError::TooManyRows { max: MAX_ROWS });
        }
    }
    Ok(out)
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, TableError> {
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| TableError::Xlsx(e.to_string()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| TableError::Xlsx("không có trang tính nào".into()))?
        .map_err(|e| TableError::Xlsx(e.to_string()))?;
    let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, row)| (first_row + i + 1, row.iter().map(cell_text).collect()))
        .collect())
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        other => other.to_string().trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_count_every_kind_of_line_end() {
        // Found by the unit_import fuzz target: a lone CR ends a record too.
        for (csv, expected) in [
            ("ma,ten\nSNV,Nội vụ\nSTP,Tư pháp\n", vec![2, 3]),
            ("ma,ten\r\nSNV,Nội vụ\r\n\r\nSTP,Tư pháp\r\n", vec![2, 4]),
            ("ma,ten\rSNV,Nội vụ\rSTP,Tư pháp\r", vec![2, 3]),
            ("ma,ten\rSNV,Nội vụ\r\nSTP,Tư pháp", vec![2, 3]),
        ] {
            let t = read(csv.as_bytes()).expect("table");
            let lines: Vec<usize> = t.rows.iter().map(|(l, _)| *l).collect();
            assert_eq!(lines, expected, "{csv:?}");
        }
    }

    #[test]
    fn csv_with_bom_and_quotes_is_read_with_line_numbers() {
        let csv = "\u{feff}code,name,kind,parent_code\nSNV,Sở Nội vụ,department,\n\nSVH,\"Sở Văn hóa, Thể thao và Du lịch\",department,\n";
        let t = read(csv.as_bytes()).expect("table");
        assert_eq!(t.header, vec!["code", "name", "kind", "parent_code"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1].0, 4);
        assert_eq!(t.rows[1].1[1], "Sở Văn hóa, Thể thao và Du lịch");
    }

    #[test]
    fn xlsx_is_recognised_by_content() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in ["code", "name", "kind", "parent_code"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).expect("write");
        }
        sheet.write_string(1, 0, "HHA").expect("write");
        sheet.write_string(1, 1, "huyện Hòa An").expect("write");
        sheet.write_string(1, 2, "district").expect("write");
        sheet.write_number(2, 0, 12.0).expect("write");
        let bytes = book.save_to_buffer().expect("save");
        let t = read(&bytes).expect("table");
        assert_eq!(
            t.rows[0],
            (
                2,
                vec![
                    "HHA".into(),
                    "huyện Hòa An".into(),
                    "district".into(),
                    String::new()
                ]
            )
        );
        assert_eq!(t.rows[1].1[0], "12");
    }

    #[test]
    fn latin1_csv_and_broken_zip_are_refused_clearly() {
        assert_eq!(read(b"code,name\nA,S\xe1"), Err(TableError::NotUtf8));
        assert!(matches!(
            read(b"PK\x03\x04garbage"),
            Err(TableError::Xlsx(_))
        ));
        assert_eq!(read(b"\n\n"), Err(TableError::Empty));
    }
}
