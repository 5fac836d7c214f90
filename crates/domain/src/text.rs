//! Cleaning and checking free text typed by people.

use unicode_normalization::UnicodeNormalization;

use crate::ValidationErrors;

/// Trims and normalises to NFC (Vietnamese typed on different keyboards arrives in
/// both composed and decomposed forms; stored text is always composed).
pub fn clean(value: &str) -> String {
    value.trim().nfc().collect()
}

/// Checks a required or optional single-line text: length in characters between
/// `min` and `max`, and no control characters. Returns the cleaned text.
pub fn check(
    errors: &mut ValidationErrors,
    field: &str,
    label: &str,
    value: &str,
    min: usize,
    max: usize,
) -> String {
    let cleaned = clean(value);
    let len = cleaned.chars().count();
    if len < min {
        if min == 1 {
            errors.add(field, format!("{label} không được để trống."));
        } else {
            errors.add(field, format!("{label} phải có ít nhất {min} ký tự."));
        }
    } else if len > max {
        errors.add(
            field,
            format!("{label} dài quá {max} ký tự (hiện có {len} ký tự)."),
        );
    } else if cleaned
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        errors.add(
            field,
            format!("{label} chứa ký tự điều khiển không hợp lệ."),
        );
    }
    cleaned
}

/// A short machine code typed by people (unit code, topic code, criterion code):
/// ASCII letters, digits, `_` and `-`, 1 to `max` characters.
pub fn check_code(
    errors: &mut ValidationErrors,
    field: &str,
    label: &str,
    value: &str,
    max: usize,
) -> String {
    let code = value.trim().to_string();
    if code.is_empty() {
        errors.add(field, format!("{label} không được để trống."));
    } else if code.len() > max
        || !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        errors.add(
            field,
            format!(
                "{label} chỉ gồm chữ cái không dấu, chữ số, dấu gạch dưới hoặc gạch ngang, tối đa {max} ký tự."
            ),
        );
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_vietnamese_is_composed() {
        let decomposed = "Ho\u{0300}a An";
        assert_eq!(clean(decomposed), "Hòa An");
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let mut e = ValidationErrors::new();
        check(&mut e, "name", "Tên", "Đắk Lắk", 1, 7);
        assert!(e.is_empty());
        check(&mut e, "name", "Tên", "Đắk Lắk!", 1, 7);
        assert_eq!(e.fields.len(), 1);
    }
}
