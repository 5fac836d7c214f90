//! Units (đơn vị): departments, districts, communes, other agencies.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::{ValidationErrors, labels::Label, text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Department,
    District,
    Commune,
    Other,
}

impl UnitKind {
    pub const ALL: [UnitKind; 4] = [
        UnitKind::Department,
        UnitKind::District,
        UnitKind::Commune,
        UnitKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Department => "department",
            UnitKind::District => "district",
            UnitKind::Commune => "commune",
            UnitKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<UnitKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
}

impl Label for UnitKind {
    fn vi(&self) -> &'static str {
        match self {
            UnitKind::Department => "Sở, ban, ngành",
            UnitKind::District => "Huyện, thành phố, thị xã",
            UnitKind::Commune => "Xã, phường, thị trấn",
            UnitKind::Other => "Khác",
        }
    }
    fn en(&self) -> &'static str {
        match self {
            UnitKind::Department => "Department",
            UnitKind::District => "District",
            UnitKind::Commune => "Commune",
            UnitKind::Other => "Other",
        }
    }
}

/// A unit as validated from input: ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUnit {
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub parent_code: Option<String>,
    /// The unit's own mailbox: reminders go there when the unit has no focal user.
    pub email: Option<String>,
    pub validity: Validity,
}

/// When a unit existed and what it became: units change (since 01/7/2025 Cao Bằng has
/// no district level), so they are dated data. A unit with no `valid_from` was recorded
/// before dates were kept and counts as existing since ever.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validity {
    pub valid_from: Option<Date>,
    /// The last day the unit existed.
    pub valid_to: Option<Date>,
    /// The unit it was merged into.
    pub successor_code: Option<String>,
}

impl Validity {
    /// Whether the unit existed on a day.
    pub fn valid_on(&self, day: Date) -> bool {
        self.valid_from.is_none_or(|from| from <= day) && self.valid_to.is_none_or(|to| day <= to)
    }
}

/// A unit's fields as typed (API body, form or one row of an import).
#[derive(Debug, Clone, Copy, Default)]
pub struct UnitInput<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub parent_code: Option<&'a str>,
    pub email: Option<&'a str>,
    pub valid_from: Option<&'a str>,
    pub valid_to: Option<&'a str>,
    pub successor_code: Option<&'a str>,
}

pub const CODE_MAX: usize = 32;
pub const NAME_MAX: usize = 300;

/// Validates a unit's fields, reporting every bad one. `exists` answers whether a code
/// names a known unit (in the database or elsewhere in the same import), for the
/// parent and the successor.
pub fn validate(
    input: &UnitInput,
    exists: &dyn Fn(&str) -> bool,
) -> Result<NewUnit, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let code = text::check_code(&mut errors, "code", "Mã đơn vị", input.code, CODE_MAX);
    let name = text::check(&mut errors, "name", "Tên đơn vị", input.name, 1, NAME_MAX);
    let kind = match UnitKind::parse(input.kind) {
        Some(k) => Some(k),
        None => {
            errors.add(
                "kind",
                "Loại đơn vị phải là một trong: department (sở, ban, ngành), district (huyện, thành phố), commune (xã, phường, thị trấn), other (khác).",
            );
            None
        }
    };
    let parent_code = other_unit(
        &mut errors,
        "parent_code",
        input.parent_code,
        &code,
        exists,
        (
            "Đơn vị cấp trên không thể là chính đơn vị này.",
            "Không tìm thấy đơn vị cấp trên có mã",
        ),
    );
    let email = crate::account::check_email(&mut errors, input.email);
    let validity = check_validity(&mut errors, input, &code, exists);
    match kind {
        Some(kind) if errors.is_empty() => Ok(NewUnit {
            code,
            name,
            kind,
            parent_code,
            email,
            validity,
        }),
        _ => Err(errors),
    }
}

/// A reference to another unit by code: blank is none; itself or an unknown code is an
/// error (`messages`: for itself, and the start of the one for an unknown code).
fn other_unit(
    errors: &mut ValidationErrors,
    field: &str,
    typed: Option<&str>,
    code: &str,
    exists: &dyn Fn(&str) -> bool,
    messages: (&str, &str),
) -> Option<String> {
    let other = typed.map(str::trim).filter(|p| !p.is_empty())?;
    if other == code {
        errors.add(field, messages.0);
    } else if !exists(other) {
        errors.add(field, format!("{} «{other}».", messages.1));
    }
    Some(other.to_string())
}

/// A date as typed: `YYYY-MM-DD`, or `dd/mm/yyyy` as a spreadsheet shows it.
pub fn parse_day(typed: &str) -> Option<Date> {
    let typed = typed.trim();
    crate::time::parse_date(typed).or_else(|| {
        let mut parts = typed.split('/').map(|p| p.trim().parse::<i16>().ok());
        let (d, m, y) = (parts.next()??, parts.next()??, parts.next()??);
        if parts.next().is_some() || y < 1000 {
            return None;
        }
        Date::new(y, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()
    })
}

fn check_validity(
    errors: &mut ValidationErrors,
    input: &UnitInput,
    code: &str,
    exists: &dyn Fn(&str) -> bool,
) -> Validity {
    let mut day = |field: &str, label: &str, typed: Option<&str>| {
        let typed = typed.map(str::trim).filter(|t| !t.is_empty())?;
        let parsed = parse_day(typed);
        if parsed.is_none() {
            errors.add(
                field,
                format!(
                    "{label} «{typed}» không phải ngày hợp lệ (viết YYYY-MM-DD hoặc dd/mm/yyyy)."
                ),
            );
        }
        parsed
    };
    let valid_from = day("valid_from", "Ngày bắt đầu hiệu lực", input.valid_from);
    let valid_to = day("valid_to", "Ngày hết hiệu lực", input.valid_to);
    if let (Some(from), Some(to)) = (valid_from, valid_to)
        && to < from
    {
        errors.add(
            "valid_to",
            "Ngày hết hiệu lực không thể trước ngày bắt đầu hiệu lực.",
        );
    }
    let successor_code = other_unit(
        errors,
        "successor_code",
        input.successor_code,
        code,
        exists,
        (
            "Đơn vị không thể được sáp nhập vào chính nó.",
            "Không tìm thấy đơn vị kế thừa có mã",
        ),
    );
    if successor_code.is_some() && input.valid_to.is_none_or(|t| t.trim().is_empty()) {
        errors.add(
            "valid_to",
            "Đơn vị đã sáp nhập vào đơn vị khác phải có ngày hết hiệu lực (ngày cuối cùng đơn vị còn tồn tại).",
        );
    }
    Validity {
        valid_from,
        valid_to,
        successor_code,
    }
}

/// A unit's name as it was, with what it is now when it was merged: «Sở Thông tin và
/// Truyền thông (nay là Sở Khoa học và Công nghệ)».
pub fn as_it_was(name: &str, now_is: Option<&str>) -> String {
    match now_is {
        Some(now) => format!("{name} (nay là {now})"),
        None => name.to_string(),
    }
}

/// Why a unit cannot take part in a contest that opens on `day`: it began later, or it
/// had ended (and what it became). `None` when it existed that day.
pub fn not_valid_on(name: &str, v: &Validity, day: Date, now_is: Option<&str>) -> Option<String> {
    let shown = crate::time::display_date;
    if let Some(from) = v.valid_from.filter(|from| day < *from) {
        return Some(format!(
            "Đơn vị «{name}» chỉ tồn tại từ ngày {}, sau ngày mở cuộc thi {}.",
            shown(from),
            shown(day)
        ));
    }
    let to = v.valid_to.filter(|to| *to < day)?;
    let merged = now_is
        .map(|s| format!("; nay là «{s}»"))
        .unwrap_or_default();
    Some(format!(
        "Đơn vị «{name}» không còn tồn tại vào ngày mở cuộc thi {} (chỉ tồn tại đến hết ngày {}{merged}).",
        shown(day),
        shown(to)
    ))
}

/// The unit a chain of mergers ends in («nay là …»): the successor's successor and so
/// on. `successor_of` maps each unit code to the unit it was merged into; `None` when
/// the unit has none.
pub fn final_successor(
    successor_of: &std::collections::HashMap<String, Option<String>>,
    code: &str,
) -> Option<String> {
    let mut current = successor_of.get(code).cloned().flatten()?;
    for _ in 0..successor_of.len() {
        match successor_of.get(&current).cloned().flatten() {
            Some(next) if next != code => current = next,
            _ => break,
        }
    }
    Some(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_unit_passes() {
        let u = validate(
            &UnitInput {
                code: "HHA",
                name: " huyện Hòa An ",
                kind: "district",
                parent_code: Some(""),
                email: Some(" vanthu@hoaan.caobang.gov.vn "),
                ..UnitInput::default()
            },
            &|_| false,
        );
        assert_eq!(
            u.map(|u| (u.name, u.email)),
            Ok((
                "huyện Hòa An".to_string(),
                Some("vanthu@hoaan.caobang.gov.vn".to_string())
            ))
        );
    }

    #[test]
    fn every_bad_field_is_reported() {
        let e = validate(
            &UnitInput {
                code: "H A",
                kind: "province",
                parent_code: Some("X"),
                email: Some("không@"),
                valid_from: Some("31/02/2021"),
                successor_code: Some("Y"),
                ..UnitInput::default()
            },
            &|_| false,
        )
        .err();
        let fields: Vec<String> = e
            .map(|e| e.fields.into_iter().map(|f| f.field).collect())
            .unwrap_or_default();
        assert_eq!(
            fields,
            vec![
                "code",
                "name",
                "kind",
                "parent_code",
                "email",
                "valid_from",
                "successor_code",
                "valid_to"
            ]
        );
    }

    #[test]
    fn a_merged_unit_is_dated_and_valid_only_in_its_time() {
        let input = UnitInput {
            code: "HHA",
            name: "huyện Hòa An",
            kind: "district",
            valid_to: Some("30/06/2025"),
            successor_code: Some("XHA"),
            ..UnitInput::default()
        };
        let v = validate(&input, &|c| c == "XHA").map(|u| u.validity);
        let day = |s: &str| parse_day(s).unwrap();
        let v = v.unwrap();
        assert_eq!(v.valid_to, Some(day("2025-06-30")));
        assert!(v.valid_on(day("2021-06-01")));
        assert!(v.valid_on(day("2025-06-30")));
        assert!(!v.valid_on(day("2025-07-01")));
        let backwards = UnitInput {
            valid_from: Some("2025-07-01"),
            ..input
        };
        assert!(validate(&backwards, &|_| true).is_err());
    }

    #[test]
    fn now_is_follows_every_merger() {
        let m: std::collections::HashMap<String, Option<String>> = [
            ("A", Some("B")),
            ("B", Some("C")),
            ("C", None),
            ("X", Some("Y")),
            ("Y", Some("X")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
        .collect();
        assert_eq!(final_successor(&m, "A").as_deref(), Some("C"));
        assert_eq!(final_successor(&m, "C"), None);
        // A loop never hangs.
        assert!(final_successor(&m, "X").is_some());
    }
}

/// True when making `new_parent` the parent of `code` would put `code` among its own
/// ancestors. `parent_of` maps each unit code to its parent code.
pub fn creates_cycle(
    parent_of: &std::collections::HashMap<String, Option<String>>,
    code: &str,
    new_parent: &str,
) -> bool {
    let mut current = Some(new_parent.to_string());
    let mut steps = 0;
    while let Some(c) = current {
        if c == code || steps > parent_of.len() {
            return true;
        }
        current = parent_of.get(&c).cloned().flatten();
        steps += 1;
    }
    false
}

#[cfg(test)]
mod cycle_tests {
    use super::creates_cycle;
    use std::collections::HashMap;

    #[test]
    fn a_unit_cannot_sit_under_its_own_child() {
        let mut m = HashMap::new();
        m.insert("HHA".to_string(), None);
        m.insert("XA1".to_string(), Some("HHA".to_string()));
        assert!(creates_cycle(&m, "HHA", "XA1"));
        assert!(creates_cycle(&m, "HHA", "HHA"));
        assert!(!creates_cycle(&m, "XA1", "HHA"));
    }
}
