//! The council's roles and the automatic conflicts of interest.

use crate::{ValidationErrors, similarity::fold, text};

/// Council roles (TT 18/2013 Điều 8): the chair, vice-chairs, members and the ủy viên
/// thư ký are members of the council, score and vote; the clerk (thư ký giúp việc) takes
/// the minutes and does neither.
pub const ROLES: [(&str, &str, bool); 5] = [
    ("chair", "Chủ tịch Hội đồng", true),
    ("vice_chair", "Phó Chủ tịch Hội đồng", true),
    ("member", "Thành viên", true),
    ("secretary", "Ủy viên thư ký", true),
    ("clerk", "Thư ký giúp việc Hội đồng", false),
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
                "Vai trò phải là chair (Chủ tịch), vice_chair (Phó Chủ tịch), member (Thành viên), secretary (Ủy viên thư ký) hoặc clerk (Thư ký giúp việc).",
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

/// Whether the votes in favour reach the two thirds of the council's voting members
/// that TT 18/2013 Điều 8 requires. Counted in whole people: 4 of 6 passes, 3 does not.
pub fn vote_passes(voting_members: usize, votes_for: usize) -> bool {
    voting_members > 0 && votes_for * 3 >= voting_members * 2
}

/// The fewest votes in favour that pass with `voting_members` on the council.
pub fn votes_needed(voting_members: usize) -> usize {
    (voting_members * 2).div_ceil(3)
}

/// Checks a council meeting as recorded: `present` are the usernames marked present,
/// `voting_present` how many of them vote. Returns the date.
pub fn validate_meeting(
    held_on: &str,
    present: &[String],
    voting_present: usize,
    votes_for: i64,
    earliest: Option<jiff::civil::Date>,
    today: jiff::civil::Date,
) -> Result<jiff::civil::Date, ValidationErrors> {
    let mut e = ValidationErrors::new();
    let date = crate::time::parse_date(held_on);
    match date {
        None => e.add(
            "held_on",
            "Ngày họp phải có dạng YYYY-MM-DD, ví dụ 2021-11-20.",
        ),
        Some(d) if d > today => e.add(
            "held_on",
            format!(
                "Ngày họp {} chưa đến: chỉ ghi cuộc họp đã diễn ra.",
                crate::time::display_date(d)
            ),
        ),
        Some(d) if earliest.is_some_and(|x| d < x) => e.add(
            "held_on",
            format!(
                "Ngày họp không thể trước ngày có kết quả chấm ({}).",
                earliest.map(crate::time::display_date).unwrap_or_default()
            ),
        ),
        Some(_) => {}
    }
    if present.is_empty() {
        e.add("present", "Chưa đánh dấu thành viên nào có mặt.");
    }
    if votes_for < 0 {
        e.add("votes_for", "Số phiếu tán thành không thể âm.");
    } else if votes_for as usize > voting_present {
        e.add(
            "votes_for",
            format!(
                "Số phiếu tán thành ({votes_for}) nhiều hơn số thành viên có quyền biểu quyết có mặt ({voting_present})."
            ),
        );
    }
    e.into_result(date.unwrap_or(today))
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
    fn two_thirds_of_the_voting_members_must_agree() {
        assert!(!vote_passes(6, 3));
        assert!(vote_passes(6, 4));
        assert_eq!(votes_needed(6), 4);
        assert_eq!(votes_needed(7), 5);
        assert!(!vote_passes(7, 4));
        assert!(vote_passes(7, 5));
        assert!(vote_passes(3, 2));
        assert!(!vote_passes(0, 0));
    }

    #[test]
    fn the_secretary_scores_and_the_clerk_does_not() {
        assert!(role_scores("secretary"));
        assert!(!role_scores("clerk"));
        assert_eq!(role_label("clerk"), "Thư ký giúp việc Hội đồng");
    }

    #[test]
    fn a_meeting_is_dated_in_the_past_with_no_more_votes_than_voters() {
        let d = |s: &str| crate::time::parse_date(s).unwrap();
        let present = vec!["a".to_string(), "b".to_string()];
        let ok = validate_meeting(
            "2021-11-20",
            &present,
            2,
            2,
            Some(d("2021-11-15")),
            d("2021-11-25"),
        );
        assert_eq!(ok, Ok(d("2021-11-20")));
        let e = validate_meeting("2021-11-30", &[], 0, 1, None, d("2021-11-25")).unwrap_err();
        let fields: Vec<&str> = e.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, vec!["held_on", "present", "votes_for"]);
        assert!(
            validate_meeting(
                "2021-11-10",
                &present,
                2,
                2,
                Some(d("2021-11-15")),
                d("2021-11-25")
            )
            .is_err()
        );
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
