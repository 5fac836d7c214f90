//! The archive of earlier years: entries and results of contests held before the
//! system, imported read-only from a file (`year, unit_code, title, summary, tier`).
//! The duplicate check compares new entries with them; their winners join the library.

use crate::{ValidationErrors, contest::PrizeTier, labels::Label, text, unit::Validity};

/// One past entry as validated from a row of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveRow {
    pub year: i64,
    pub unit_code: String,
    pub title: String,
    pub summary: String,
    /// The prize it won, if any.
    pub tier: Option<PrizeTier>,
}

/// One row of the file as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct ArchiveInput<'a> {
    pub year: &'a str,
    pub unit_code: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub tier: &'a str,
}

const TITLE_MAX: usize = 500;
const SUMMARY_MAX: usize = 20_000;

/// A prize as the file may name it: its code (`first`) or its Vietnamese name («Giải
/// Nhất», «Nhất»), in any case: `Some(None)` for a blank (no prize), `None` for
/// something that names no prize.
pub fn parse_tier(typed: &str) -> Option<Option<PrizeTier>> {
    let typed = typed.trim().to_lowercase();
    if typed.is_empty() || typed == "không" || typed == "không đạt giải" {
        return Some(None);
    }
    PrizeTier::ALL
        .into_iter()
        .find(|t| {
            let vi = t.vi().to_lowercase();
            typed == t.as_str() || typed == vi || Some(typed.as_str()) == vi.strip_prefix("giải ")
        })
        .map(Some)
}

/// Validates a row. `unit` answers, for a code, the unit's name and dates when it is
/// known: the unit must have existed during the year.
pub fn validate(
    input: &ArchiveInput,
    unit: &dyn Fn(&str) -> Option<Validity>,
) -> Result<ArchiveRow, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let typed_year = input.year.trim();
    // A spreadsheet may hold the year as a number: «2019.0».
    let year = typed_year
        .strip_suffix(".0")
        .unwrap_or(typed_year)
        .parse::<i64>()
        .ok()
        .filter(|y| (1990..=2100).contains(y));
    if year.is_none() {
        errors.add(
            "year",
            format!("Năm «{typed_year}» không hợp lệ (ghi năm bốn chữ số, ví dụ 2019)."),
        );
    }
    let unit_code = input.unit_code.trim().to_string();
    match unit(&unit_code) {
        None => errors.add(
            "unit_code",
            format!("Không tìm thấy đơn vị có mã «{unit_code}»."),
        ),
        Some(v) => {
            if let Some(y) = year
                && !existed_during(&v, y)
            {
                errors.add(
                    "unit_code",
                    format!("Đơn vị «{unit_code}» không tồn tại trong năm {y}."),
                );
            }
        }
    }
    let title = text::check(
        &mut errors,
        "title",
        "Tên sáng kiến",
        input.title,
        1,
        TITLE_MAX,
    );
    let summary = text::check(
        &mut errors,
        "summary",
        "Tóm tắt",
        input.summary,
        0,
        SUMMARY_MAX,
    );
    let tier = parse_tier(input.tier).unwrap_or_else(|| {
        errors.add(
            "tier",
            format!(
                "Giải «{}» không hợp lệ: ghi Giải Nhất, Giải Nhì, Giải Ba, Giải Khuyến khích hoặc để trống.",
                input.tier.trim()
            ),
        );
        None
    });
    match year {
        Some(year) if errors.is_empty() => Ok(ArchiveRow {
            year,
            unit_code,
            title,
            summary,
            tier,
        }),
        _ => Err(errors),
    }
}

/// Whether a unit existed on some day of a year.
fn existed_during(v: &Validity, year: i64) -> bool {
    let started = v.valid_from.is_none_or(|d| i64::from(d.year()) <= year);
    let not_ended = v.valid_to.is_none_or(|d| i64::from(d.year()) >= year);
    started && not_ended
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(code: &str) -> Option<Validity> {
        (code == "HHA").then(|| Validity {
            valid_to: crate::time::parse_date("2025-06-30"),
            ..Validity::default()
        })
    }

    #[test]
    fn a_row_is_read_with_its_prize_by_code_or_by_name() {
        for (typed, tier) in [
            ("first", Some(PrizeTier::First)),
            ("Giải Nhì", Some(PrizeTier::Second)),
            ("ba", Some(PrizeTier::Third)),
            ("", None),
        ] {
            let row = validate(
                &ArchiveInput {
                    year: "2019",
                    unit_code: "HHA",
                    title: "Một cửa liên thông",
                    summary: "",
                    tier: typed,
                },
                &known,
            );
            assert_eq!(row.map(|r| r.tier), Ok(tier), "{typed}");
        }
    }

    #[test]
    fn every_bad_cell_is_named() {
        let e = validate(
            &ArchiveInput {
                year: "19",
                unit_code: "XYZ",
                title: "",
                summary: "",
                tier: "vàng",
            },
            &known,
        )
        .err()
        .map(|e| e.fields.into_iter().map(|f| f.field).collect::<Vec<_>>());
        assert_eq!(
            e,
            Some(vec![
                "year".into(),
                "unit_code".into(),
                "title".into(),
                "tier".into()
            ])
        );
        // A district in 2026, after it ended.
        let late = validate(
            &ArchiveInput {
                year: "2026",
                unit_code: "HHA",
                title: "Sáng kiến",
                ..ArchiveInput::default()
            },
            &known,
        );
        assert!(late.is_err());
    }
}
