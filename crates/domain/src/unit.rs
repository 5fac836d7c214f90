//! Units (đơn vị): departments, districts, communes, other agencies.

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
}

pub const CODE_MAX: usize = 32;
pub const NAME_MAX: usize = 300;

/// Validates a unit's fields. `field_prefix` is prepended to field names (`""` for the
/// API body, unused by imports which report per line). `parent_exists` answers whether a
/// parent code is known (in the database or earlier in the same import).
pub fn validate(
    code: &str,
    name: &str,
    kind: &str,
    parent_code: Option<&str>,
    email: Option<&str>,
    parent_exists: &dyn Fn(&str) -> bool,
) -> Result<NewUnit, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let code = text::check_code(&mut errors, "code", "Mã đơn vị", code, CODE_MAX);
    let name = text::check(&mut errors, "name", "Tên đơn vị", name, 1, NAME_MAX);
    let kind = match UnitKind::parse(kind) {
        Some(k) => Some(k),
        None => {
            errors.add(
                "kind",
                "Loại đơn vị phải là một trong: department (sở, ban, ngành), district (huyện, thành phố), commune (xã, phường, thị trấn), other (khác).",
            );
            None
        }
    };
    let parent_code = parent_code
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string);
    if let Some(parent) = &parent_code {
        if parent == &code {
            errors.add(
                "parent_code",
                "Đơn vị cấp trên không thể là chính đơn vị này.",
            );
        } else if !parent_exists(parent) {
            errors.add(
                "parent_code",
                format!("Không tìm thấy đơn vị cấp trên có mã «{parent}»."),
            );
        }
    }
    let email = crate::account::check_email(&mut errors, email);
    match kind {
        Some(kind) if errors.is_empty() => Ok(NewUnit {
            code,
            name,
            kind,
            parent_code,
            email,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_unit_passes() {
        let u = validate(
            "HHA",
            " huyện Hòa An ",
            "district",
            Some(""),
            Some(" vanthu@hoaan.caobang.gov.vn "),
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
        let e = validate("H A", "", "province", Some("X"), Some("không@"), &|_| {
            false
        })
        .err();
        let fields: Vec<String> = e
            .map(|e| e.fields.into_iter().map(|f| f.field).collect())
            .unwrap_or_default();
        assert_eq!(fields, vec!["code", "name", "kind", "parent_code", "email"]);
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
