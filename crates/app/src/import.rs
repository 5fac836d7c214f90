//! What the imports of units and users share: reading the file into a table, finding
//! its columns, and refusing the whole file with every bad row named.

use sangkien_export::table::{self, Table};
use serde_json::{Value, json};

use crate::{Error, ErrorKind, Result};

/// Largest import file accepted.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// The table of a CSV or XLSX file whose header has every `required` column.
pub fn read(bytes: &[u8], required: &[&str], all: &[&str]) -> Result<Table> {
    let t = table::read(bytes)
        .map_err(|e| Error::new(ErrorKind::Invalid, "invalid_file", e.to_string()))?;
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| !t.header.iter().any(|h| h == c))
        .collect();
    if !missing.is_empty() {
        return Err(Error::new(
            ErrorKind::Invalid,
            "invalid_file",
            format!(
                "Dòng tiêu đề thiếu cột: {}. Cần các cột {}.",
                missing.join(", "),
                all.join(",")
            ),
        ));
    }
    Ok(t)
}

/// A row's cell under a column, or empty.
pub fn cell(t: &Table, cells: &[String], name: &str) -> String {
    t.header
        .iter()
        .position(|h| h == name)
        .and_then(|i| cells.get(i))
        .map(|c| c.trim().to_string())
        .unwrap_or_default()
}

/// One bad row: its line in the file, its key (code or username), and what is wrong.
pub fn row_error(line: usize, key: &str, problems: Vec<(String, String)>) -> Value {
    let reason = problems
        .iter()
        .map(|(_, m)| m.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    json!({
        "line": line,
        "code": key,
        "reason": reason,
        "fields": problems.iter().map(|(f, m)| json!({"field": f, "message": m})).collect::<Vec<_>>(),
    })
}

/// The whole file refused (`what`: «đơn vị», «người dùng»), every bad row listed by line.
pub fn rejected(what: &str, mut errors: Vec<Value>) -> Error {
    errors.sort_by_key(|e| e["line"].as_u64());
    Error::new(
        ErrorKind::Invalid,
        "import_rejected",
        format!(
            "Không nhập {what} nào: {} dòng có lỗi. Hãy sửa các dòng được liệt kê rồi nhập lại.",
            errors.len()
        ),
    )
    .with_details(json!({"rows": errors}))
}
