//! Accounts: roles, password rules and Argon2id hashing.

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier, password_hash::SaltString};
use serde::{Deserialize, Serialize};

use crate::{ValidationErrors, labels::Label, text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Organizer,
    Focal,
    Approver,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Organizer,
        Role::Focal,
        Role::Approver,
        Role::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Organizer => "organizer",
            Role::Focal => "focal",
            Role::Approver => "approver",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }
}

impl Label for Role {
    fn vi(&self) -> &'static str {
        match self {
            Role::Admin => "Quản trị hệ thống",
            Role::Organizer => "Cơ quan thường trực (tổ chức)",
            Role::Focal => "Đầu mối đơn vị",
            Role::Approver => "Lãnh đạo phê duyệt",
            Role::Viewer => "Theo dõi",
        }
    }
    fn en(&self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::Organizer => "Organizer",
            Role::Focal => "Unit focal point",
            Role::Approver => "Approver",
            Role::Viewer => "Viewer",
        }
    }
}

pub const USERNAME_MAX: usize = 64;
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 128;

/// Password rules: at least 10 characters, at most 128, with a letter and a digit, and
/// not containing the username. Returns a Vietnamese message saying what to change.
pub fn check_password(username: &str, password: &str) -> Result<(), String> {
    let len = password.chars().count();
    if len < PASSWORD_MIN {
        return Err(format!(
            "Mật khẩu phải có ít nhất {PASSWORD_MIN} ký tự (hiện có {len})."
        ));
    }
    if len > PASSWORD_MAX {
        return Err(format!("Mật khẩu dài quá {PASSWORD_MAX} ký tự."));
    }
    if !password.chars().any(char::is_alphabetic) || !password.chars().any(|c| c.is_ascii_digit()) {
        return Err("Mật khẩu phải có cả chữ cái và chữ số.".into());
    }
    let lower = password.to_lowercase();
    if !username.is_empty() && lower.contains(&username.to_lowercase()) {
        return Err("Mật khẩu không được chứa tên đăng nhập.".into());
    }
    Ok(())
}

/// Checks a username: 3 to 64 characters of ASCII letters, digits, `.`, `_`, `-`.
pub fn check_username(errors: &mut ValidationErrors, value: &str) -> String {
    let name = value.trim().to_lowercase();
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if name.len() < 3 || name.len() > USERNAME_MAX || !ok_chars {
        errors.add(
            "username",
            format!(
                "Tên đăng nhập gồm 3 đến {USERNAME_MAX} ký tự: chữ cái không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang."
            ),
        );
    }
    name
}

/// Hashes a password with Argon2id (the crate's default parameters: 19 MiB, t = 2, p = 1)
/// and a random salt, in PHC string form.
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).map_err(|e| e.to_string())?;
    let salt = SaltString::encode_b64(&bytes).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// True when `password` matches the stored PHC hash; false for any malformed hash.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash that no password matches, verified against when the username is unknown so
/// that a login takes the same time whether or not the account exists.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FuZ2tpZW5kdW1teXNhbHQ$2Kq2yZl3Q2HqS0WkqJ1kx0Qm9m0Vb7Yh8y1vZ6Qm0xA";

/// A validated new account.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub unit_code: String,
    pub email: Option<String>,
    pub position: Option<String>,
}

/// Validates the fields of a new account (the password is checked separately so the
/// CLI and the API share one rule).
pub fn validate_new(
    username: &str,
    full_name: &str,
    role: &str,
    unit_code: &str,
    email: Option<&str>,
    position: Option<&str>,
    unit_exists: &dyn Fn(&str) -> bool,
) -> Result<NewAccount, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let username = check_username(&mut errors, username);
    let full_name = text::check(&mut errors, "full_name", "Họ và tên", full_name, 1, 200);
    let role_parsed = Role::parse(role);
    if role_parsed.is_none() {
        errors.add(
            "role",
            "Vai trò phải là một trong: admin, organizer, focal, approver, viewer.",
        );
    }
    let unit_code = unit_code.trim().to_string();
    if unit_code.is_empty() {
        errors.add("unit_code", "Mỗi người dùng phải thuộc một đơn vị.");
    } else if !unit_exists(&unit_code) {
        errors.add(
            "unit_code",
            format!("Không tìm thấy đơn vị đang hoạt động có mã «{unit_code}»."),
        );
    }
    let email = check_email(&mut errors, email);
    let position = position
        .map(|p| text::check(&mut errors, "position", "Chức vụ", p, 0, 200))
        .filter(|p| !p.is_empty());
    match role_parsed {
        Some(role) if errors.is_empty() => Ok(NewAccount {
            username,
            full_name,
            role,
            unit_code,
            email,
            position,
        }),
        _ => Err(errors),
    }
}

/// An optional e-mail address: empty means none; otherwise `local@domain.tld`.
pub fn check_email(errors: &mut ValidationErrors, email: Option<&str>) -> Option<String> {
    let email = email.map(str::trim).filter(|e| !e.is_empty())?;
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if !valid {
        errors.add(
            "email",
            "Địa chỉ thư điện tử không hợp lệ (ví dụ: ten@caobang.gov.vn).",
        );
        return None;
    }
    Some(email.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_rules_say_what_is_wrong() {
        assert!(check_password("an", "ngắn1").is_err_and(|m| m.contains("ít nhất 10")));
        assert!(check_password("an", "chicochucai").is_err_and(|m| m.contains("chữ số")));
        assert!(
            check_password("nguyenvana", "nguyenvana123")
                .is_err_and(|m| m.contains("tên đăng nhập"))
        );
        assert!(check_password("nguyenvana", "Cao-Bang-2021").is_ok());
    }

    #[test]
    fn hashes_verify_and_differ_by_salt() {
        let a = hash_password("Cao-Bang-2021").unwrap_or_default();
        let b = hash_password("Cao-Bang-2021").unwrap_or_default();
        assert_ne!(a, b);
        assert!(a.starts_with("$argon2id$"));
        assert!(verify_password("Cao-Bang-2021", &a));
        assert!(!verify_password("cao-bang-2021", &a));
        assert!(!verify_password("anything", DUMMY_HASH));
        assert!(!verify_password("anything", "not a hash"));
    }
}
