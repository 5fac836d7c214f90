//! The council's roles and the automatic conflicts of interest.

use crate::{ValidationErrors, similarity::fold, text};

/// Council roles; the chair, vice-chairs and members score, the secretary does not.
pub const ROLES: [(&str, &str, bool); 4] = [
    ("chair", "Chủ tịch Hội đồng", true),
    ("vice_chair", "Phó Chủ tịch Hội đồng", true),
    ("member", "Thành viên", true),
    ("secretary", "Thư ký", false),
];

pub fn role_scores(role: &str) -> bool {
    ROLES.iter().any(|(r, _, scores)| *r == role && *scores)
}

pub fn role_label(role: &str) -> &'static str {
    ROLES
        .iter()
        .find(|(r, _, _)| *r == role)
        .map_or("", |(_, label, _)| label)
}

/// Checks a council: a decision number and date, known roles, exactly one chair, nobody
/// twice. `members` are (username, role) as sent.
pub fn validate(
    number: &str,
    date: &str,
    members: &[(String, String)],
) -> Result<(String, String), ValidationErrors> {
    let mut e = ValidationErrors::new();
    let number = text::check(
        &mut e,
        "decision.number",
        "Số quyết định thành lập Hội đồng",
        number,
        1,
        50,
    );
    let date = match crate::time::parse_date(date) {
        Some(d) => d.to_string(),
        None => {
            e.add("decision.date", "Ngày quyết định phải có dạng YYYY-MM-DD.");
            String::new()
        }
    };
    if members.is_empty() {
        e.add("members", "Hội đồng phải có ít nhất một thành viên.");
    }
    let mut seen = Vec::new();
    for (i, (username, role)) in members.iter().enumerate() {
        if !ROLES.iter().any(|(r, _, _)| r == role) {
            e.add(
                format!("members[{i}].role"),
                "Vai trò phải là chair, vice_chair, member hoặc secretary.",
            );
        }
        if seen.contains(username) {
            e.add(
                format!("members[{i}].username"),
                format!("«{username}» có tên hai lần trong Hội đồng."),
            );
        }
        seen.push(username.clone());
    }
    let chairs = members.iter().filter(|(_, r)| r == "chair").count();
    if !members.is_empty() && chairs != 1 {
        e.add(
            "members",
            format!("Hội đồng phải có đúng một Chủ tịch (hiện có {chairs})."),
        );
    }
    e.into_result((number, date))
}

/// Why a judge may not score an entry without anyone declaring it: same unit, or the
/// judge is one of its authors (names compared without case or diacritics).
pub fn automatic_conflict(
    judge_unit: &str,
    judge_name: &str,
    entry_unit: &str,
    author_names: &[&str],
) -> Option<&'static str> {
    if judge_unit == entry_unit {
        return Some("Thành viên Hội đồng thuộc đơn vị có sáng kiến.");
    }
    let me = fold(judge_name.trim());
    if author_names.iter().any(|a| fold(a.trim()) == me) {
        return Some("Thành viên Hội đồng là tác giả của sáng kiến.");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_unit_and_authorship_are_conflicts() {
        assert!(automatic_conflict("STP", "Lê Văn B", "STP", &[]).is_some());
        assert!(automatic_conflict("SNV", "Lê Văn B", "STP", &["le van b"]).is_some());
        assert!(automatic_conflict("SNV", "Lê Văn B", "STP", &["Lê Văn C"]).is_none());
    }

    #[test]
    fn a_council_has_exactly_one_chair() {
        let m = |u: &str, r: &str| (u.to_string(), r.to_string());
        assert!(validate("1/QĐ", "2021-11-01", &[m("a", "chair"), m("b", "member")]).is_ok());
        let e = validate("1/QĐ", "2021-11-01", &[m("a", "member"), m("a", "boss")]).unwrap_err();
        let fields: Vec<&str> = e.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["members[1].role", "members[1].username", "members"]
        );
    }
}
