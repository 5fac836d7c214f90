//! User accounts (administrators): create, change, deactivate.

use sangkien_domain::{
    ValidationErrors,
    account::{self as rules, Role},
    text,
};
use sangkien_storage::{Store, account, account::Account, audit::Actor, unit};
use serde::Deserialize;

use crate::{App, Error, Result, password::hash_password, require};

/// Every account (administrators).
pub async fn list(app: &App, admin: &Account) -> Result<Vec<Account>> {
    require(admin, &[Role::Admin])?;
    let mut conn = app.store.reader().await?;
    Ok(account::list(&mut conn).await?)
}

/// The full name of an account, for pages that name who did something; `None` when
/// the account does not exist (or could not be read).
pub async fn full_name(app: &App, username: &str) -> Option<String> {
    let mut conn = app.store.reader().await.ok()?;
    account::get(&mut conn, username)
        .await
        .ok()
        .flatten()
        .map(|a| a.full_name)
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
#[derive(Default)]
pub struct NewUser {
    pub username: String,
    pub full_name: String,
    pub password: String,
    pub role: String,
    pub unit_code: String,
    pub email: Option<String>,
    pub position: Option<String>,
}

/// Creates an account (administrators).
pub async fn create(app: &App, admin: &Account, body: &NewUser) -> Result<Account> {
    require(admin, &[Role::Admin])?;
    let password = rules::check_password(&body.username.trim().to_lowercase(), &body.password);
    // Hashed before the write transaction, which would otherwise hold every other write
    // for the tens of milliseconds Argon2 takes.
    let hash = match password {
        Ok(()) => Some(hash_password(&body.password).await?),
        Err(_) => None,
    };
    let mut tx = app.store.begin().await?;
    let units = unit::active_codes(&mut tx).await?;
    let checked = rules::validate_new(
        &body.username,
        &body.full_name,
        &body.role,
        &body.unit_code,
        body.email.as_deref(),
        body.position.as_deref(),
        &|c| units.contains(c),
    );
    let (new, hash) = match (checked, password, hash) {
        (Ok(new), Ok(()), Some(hash)) => (new, hash),
        (checked, password, _) => {
            let mut e = checked.err().unwrap_or_default();
            if let Err(m) = password {
                e.add("password", m);
            }
            return Err(e.into());
        }
    };
    if account::get(&mut tx, &new.username).await?.is_some() {
        return Err(Error::field(
            "username",
            format!("Tên đăng nhập «{}» đã được dùng.", new.username),
        ));
    }
    let created = account::create(
        &mut tx,
        &Actor::user(&admin.username, app.now()),
        &new,
        &hash,
    )
    .await?;
    Store::commit(tx).await?;
    Ok(created)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    pub full_name: Option<String>,
    pub password: Option<String>,
    pub role: Option<String>,
    pub unit_code: Option<String>,
    pub email: Option<String>,
    pub position: Option<String>,
    pub active: Option<bool>,
}

/// Changes the fields a patch names (administrators). A new password or a deactivation
/// ends the account's sessions; the last active administrator cannot be demoted.
pub async fn update(
    app: &App,
    admin: &Account,
    username: &str,
    patch: &UserPatch,
) -> Result<Account> {
    require(admin, &[Role::Admin])?;
    // A new password is hashed before the write transaction (see `create`); it is checked
    // against the rules inside, and the hash is dropped if it fails them.
    let hash = match &patch.password {
        Some(p) => Some(hash_password(p).await?),
        None => None,
    };
    let mut tx = app.store.begin().await?;
    let before = account::get(&mut tx, username)
        .await?
        .ok_or_else(|| Error::not_found("người dùng"))?;
    let mut e = ValidationErrors::new();
    let mut after = before.clone();
    if let Some(name) = &patch.full_name {
        after.full_name = text::check(&mut e, "full_name", "Họ và tên", name, 1, 200);
    }
    if let Some(role) = &patch.role {
        match Role::parse(role) {
            Some(r) => after.role = r,
            None => e.add(
                "role",
                "Vai trò phải là một trong: admin, organizer, focal, approver, viewer.",
            ),
        }
    }
    if let Some(code) = &patch.unit_code {
        let units = unit::active_codes(&mut tx).await?;
        if units.contains(code.trim()) {
            after.unit_code = code.trim().to_string();
        } else {
            e.add(
                "unit_code",
                format!(
                    "Không tìm thấy đơn vị đang hoạt động có mã «{}».",
                    code.trim()
                ),
            );
        }
    }
    if patch.email.is_some() {
        after.email = rules::check_email(&mut e, patch.email.as_deref());
    }
    if let Some(p) = &patch.position {
        after.position =
            Some(text::check(&mut e, "position", "Chức vụ", p, 0, 200)).filter(|p| !p.is_empty());
    }
    if let Some(active) = patch.active {
        after.active = active;
    }
    if let Some(p) = &patch.password
        && let Err(m) = rules::check_password(&before.username, p)
    {
        e.add("password", m);
    }
    if !e.is_empty() {
        return Err(e.into());
    }
    let loses_admin =
        before.role == Role::Admin && before.active && (after.role != Role::Admin || !after.active);
    if loses_admin {
        let admins = account::list(&mut tx)
            .await?
            .iter()
            .filter(|a| a.role == Role::Admin && a.active)
            .count();
        if admins <= 1 {
            return Err(Error::conflict(
                "last_admin",
                "Đây là quản trị hệ thống cuối cùng đang hoạt động; hãy tạo quản trị khác trước.",
            ));
        }
    }
    if after != before || hash.is_some() {
        account::update(
            &mut tx,
            &Actor::user(&admin.username, app.now()),
            &before,
            &after,
            hash.as_deref(),
        )
        .await?;
    }
    if hash.is_some() || !after.active {
        account::delete_sessions_of(&mut tx, before.id).await?;
    }
    Store::commit(tx).await?;
    Ok(after)
}

/// An imported account and, when the file gave none, the first password made for it
/// (shown once to the administrator, to hand over; the person changes it).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportedUser {
    pub username: String,
    pub full_name: String,
    pub initial_password: Option<String>,
}

const IMPORT_COLUMNS: [&str; 7] = [
    "username",
    "full_name",
    "role",
    "unit_code",
    "email",
    "position",
    "password",
];

/// A first password: 14 letters and digits without look-alikes (0/O, 1/l/I).
fn initial_password() -> Result<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let token = crate::session::random_token()?;
    let bytes: Vec<u8> = (0..14)
        .filter_map(|i| u8::from_str_radix(token.get(2 * i..2 * i + 2)?, 16).ok())
        .collect();
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect())
}

/// Creates accounts from a CSV or XLSX file (administrators), columns `username`,
/// `full_name`, `role`, `unit_code`, and optionally `email`, `position`, `password`. Every
/// row is checked first; any bad row (or a username already taken) refuses the whole
/// file with every bad row named. A row without a password gets one made for it.
pub async fn import(app: &App, admin: &Account, bytes: &[u8]) -> Result<Vec<ImportedUser>> {
    use crate::import::{cell, row_error};
    require(admin, &[Role::Admin])?;
    let table = crate::import::read(
        bytes,
        &["username", "full_name", "role", "unit_code"],
        &IMPORT_COLUMNS,
    )?;
    let (units, taken) = {
        let mut conn = app.store.reader().await?;
        let units = unit::active_codes(&mut conn).await?;
        let taken: std::collections::HashSet<String> = account::list(&mut conn)
            .await?
            .into_iter()
            .map(|a| a.username)
            .collect();
        (units, taken)
    };
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (line, cells) in &table.rows {
        let get = |name: &str| cell(&table, cells, name);
        let username = get("username");
        let (email, position, password) = (get("email"), get("position"), get("password"));
        let mut problems: Vec<(String, String)> = Vec::new();
        match rules::validate_new(
            &username,
            &get("full_name"),
            &get("role"),
            &get("unit_code"),
            Some(&email),
            Some(&position),
            &|c| units.contains(c),
        ) {
            Ok(new) => {
                if taken.contains(&new.username) {
                    problems.push((
                        "username".into(),
                        format!("Tên đăng nhập «{}» đã được dùng.", new.username),
                    ));
                } else if !seen.insert(new.username.clone()) {
                    problems.push((
                        "username".into(),
                        format!(
                            "Tên đăng nhập «{}» xuất hiện nhiều lần trong tệp.",
                            new.username
                        ),
                    ));
                }
                if !password.is_empty()
                    && let Err(m) = rules::check_password(&new.username, &password)
                {
                    problems.push(("password".into(), m));
                }
                if problems.is_empty() {
                    rows.push((new, password));
                }
            }
            Err(ValidationErrors { fields }) => {
                problems.extend(fields.into_iter().map(|f| (f.field, f.message)));
            }
        }
        if !problems.is_empty() {
            errors.push(row_error(*line, &username, problems));
        }
    }
    if !errors.is_empty() {
        return Err(crate::import::rejected("người dùng", errors));
    }
    // Hashed before the write transaction (see `create`).
    let mut ready = Vec::with_capacity(rows.len());
    for (new, given) in rows {
        let made = if given.is_empty() {
            Some(initial_password()?)
        } else {
            None
        };
        let hash = hash_password(made.as_deref().unwrap_or(&given)).await?;
        ready.push((new, hash, made));
    }
    let mut tx = app.store.begin().await?;
    let actor = Actor::user(&admin.username, app.now());
    let mut out = Vec::with_capacity(ready.len());
    for (new, hash, made) in ready {
        if account::get(&mut tx, &new.username).await?.is_some() {
            return Err(Error::field(
                "username",
                format!(
                    "Tên đăng nhập «{}» vừa được tạo ở nơi khác; hãy nhập lại tệp.",
                    new.username
                ),
            ));
        }
        account::create(&mut tx, &actor, &new, &hash).await?;
        out.push(ImportedUser {
            username: new.username,
            full_name: new.full_name,
            initial_password: made,
        });
    }
    Store::commit(tx).await?;
    Ok(out)
}
