//! Accounts: roles, password rules and Argon2id hashing.

use argon2::{
    Algorithm, Argon2, Block, Params, PasswordHash, Version,
    password_hash::{self, Output, ParamsString, Salt, SaltString},
};
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

/// Argon2's working memory: 19 MiB at the default parameters. Kept between hashes (see
/// [`hash_password_with`]), a hash does not fault in 4,864 fresh pages and give them back:
/// on the development machine's VM that was a third of a login's processor time.
#[derive(Default)]
pub struct HashMemory(Vec<Block>);

impl HashMemory {
    /// The first `count` blocks, grown (zeroed) or shrunk to exactly that many.
    fn blocks(&mut self, count: usize) -> &mut [Block] {
        self.0.resize(count, Block::default());
        self.0.shrink_to(count);
        &mut self.0
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.0.capacity() * Block::SIZE
    }
}

impl std::fmt::Debug for HashMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HashMemory({} bytes)", self.bytes())
    }
}

/// Hashes a password with Argon2id (the crate's default parameters: 19 MiB, t = 2, p = 1)
/// and a random salt, in PHC string form.
pub fn hash_password(password: &str) -> Result<String, String> {
    hash_password_with(password, &mut HashMemory::default())
}

/// [`hash_password`] in the given working memory.
pub fn hash_password_with(password: &str, memory: &mut HashMemory) -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).map_err(|e| e.to_string())?;
    let salt = SaltString::encode_b64(&bytes).map_err(|e| e.to_string())?;
    let argon2 = Argon2::default();
    let output = argon2_output(
        &argon2,
        password.as_bytes(),
        salt.as_salt(),
        Params::DEFAULT_OUTPUT_LEN,
        memory,
    )
    .map_err(|e| e.to_string())?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(argon2.params()).map_err(|e| e.to_string())?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// True when `password` matches the stored PHC hash; false for any malformed hash.
pub fn verify_password(password: &str, phc: &str) -> bool {
    verify_password_with(password, phc, &mut HashMemory::default())
}

/// [`verify_password`] in the given working memory: the hash's own algorithm, version and
/// parameters, and a constant-time comparison (`Output`'s equality), as the `argon2` crate's
/// `PasswordVerifier` does.
pub fn verify_password_with(password: &str, phc: &str, memory: &mut HashMemory) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(version), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        parsed
            .version
            .map_or(Ok(Version::default()), Version::try_from),
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let argon2 = Argon2::new(algorithm, version, params);
    argon2_output(&argon2, password.as_bytes(), salt, expected.len(), memory)
        .is_ok_and(|computed| computed == expected)
}

/// The raw Argon2 output of `len` bytes for a password and a salt in its B64 form.
fn argon2_output(
    argon2: &Argon2,
    password: &[u8],
    salt: Salt,
    len: usize,
    memory: &mut HashMemory,
) -> password_hash::Result<Output> {
    let mut salt_bytes = [0u8; 64];
    let salt = salt.decode_b64(&mut salt_bytes)?;
    let blocks = memory.blocks(argon2.params().block_count());
    Output::init_with(len, |out| {
        Ok(argon2.hash_password_into_with_memory(password, salt, out, &mut *blocks)?)
    })
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

    /// The hashes made in kept memory are the `argon2` crate's own: each verifies the other's,
    /// whatever the memory held before, and a hash with other parameters resizes it.
    #[test]
    fn kept_memory_hashes_as_the_crate_does() {
        use argon2::{PasswordHasher, PasswordVerifier};
        let mut memory = HashMemory::default();
        let ours = hash_password_with("Cao-Bang-2021", &mut memory).unwrap_or_default();
        assert_eq!(memory.bytes(), 19 * 1024 * 1024);
        let parsed = PasswordHash::new(&ours).expect("a PHC string");
        assert!(
            Argon2::default()
                .verify_password(b"Cao-Bang-2021", &parsed)
                .is_ok()
        );
        assert!(
            Argon2::default()
                .verify_password(b"Cao-Bang-2022", &parsed)
                .is_err()
        );

        // Smaller parameters and Argon2i, hashed by the crate, verified in the same memory.
        let small = Params::new(64, 3, 1, Some(24)).expect("valid parameters");
        let salt = SaltString::encode_b64(&[9; 16]).expect("salt");
        let theirs = Argon2::new(Algorithm::Argon2i, Version::V0x13, small)
            .hash_password(b"Cao-Bang-2021", &salt)
            .expect("hash")
            .to_string();
        assert!(verify_password_with("Cao-Bang-2021", &theirs, &mut memory));
        assert_eq!(memory.bytes(), 64 * 1024);
        assert!(!verify_password_with("Cao-Bang-2020", &theirs, &mut memory));
        assert!(verify_password_with("Cao-Bang-2021", &ours, &mut memory));
        assert!(!verify_password_with("anything", DUMMY_HASH, &mut memory));
        assert!(!verify_password_with(
            "x",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA",
            &mut memory
        ));
        assert!(!verify_password_with(
            "x",
            "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E",
            &mut memory
        ));
    }
}
