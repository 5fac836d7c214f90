//! Cleaning and checking free text typed by people.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::ValidationErrors;

/// Trims and normalises to NFC (Vietnamese typed on different keyboards arrives in
/// both composed and decomposed forms; stored text is always composed). Text already
/// composed, nearly all of it, is only checked: composing it again costs more than all the
/// other checks of an entry together.
pub fn clean(value: &str) -> String {
    let trimmed = value.trim();
    if is_nfc_quick(trimmed.chars()) == IsNormalized::Yes {
        trimmed.to_string()
    } else {
        trimmed.nfc().collect()
    }
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
    fn composed_text_is_kept_and_mixed_text_is_composed() {
        assert_eq!(clean("  Hòa An \n"), "Hòa An");
        // Composed up to the last letter, whose tone mark comes apart.
        assert_eq!(clean("Hòa Ăn Hòa\u{0300}"), "Hòa Ăn Hòà");
        // Marks out of their canonical order are put in it, then composed.
        assert_eq!(clean("e\u{0302}\u{0323}"), "ệ");
        assert_eq!(clean("e\u{0323}\u{0302}"), "ệ");
    }

    proptest::proptest! {
        #[test]
        fn cleaning_equals_trimming_and_composing(
            s in "[ \t\na-eAEàáạăâêệ\u{0300}\u{0301}\u{0302}\u{0303}\u{0306}\u{0309}\u{0323}\u{0345}]{0,30}|\\PC{0,30}"
        ) {
            let expected: String = s.trim().nfc().collect();
            proptest::prop_assert_eq!(clean(&s), expected);
        }
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
