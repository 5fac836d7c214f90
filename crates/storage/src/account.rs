//! Accounts, sessions and login attempts.

use crate::sql::{self, Conn};
use sangkien_domain::account::{NewAccount, Role};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{
    Result, StorageError,
    audit::{self, Actor, Event},
    flag, map_unique, unit,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    #[serde(skip)]
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub unit_code: String,
    pub email: Option<String>,
    pub position: Option<String>,
    pub active: bool,
}

/// An account's columns, for [`from_row`].
const COLUMNS: &str = "a.account_id, a.username, a.full_name, a.role, u.code as unit_code, a.email, \
                       a.position, a.active, a.password_hash";

const FROM: &str = "from account a join unit u on u.unit_id = a.unit_id";

fn from_row(r: &sql::Row) -> Result<(Account, String)> {
    let role: String = r.get("role")?;
    Ok((
        Account {
            id: r.get("account_id")?,
            username: r.get("username")?,
            full_name: r.get("full_name")?,
            role: Role::parse(&role)
                .ok_or_else(|| StorageError::Corrupt(format!("role {role}")))?,
            unit_code: r.get("unit_code")?,
            email: r.get("email")?,
            position: r.get("position")?,
            active: flag(r.get("active")?),
        },
        r.get("password_hash")?,
    ))
}

/// The account and its password hash.
pub async fn get_with_hash(conn: &mut Conn, username: &str) -> Result<Option<(Account, String)>> {
    let sql = format!("select {COLUMNS} {FROM} where a.username = $1");
    sql::query(&sql)
        .bind(username)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn get(conn: &mut Conn, username: &str) -> Result<Option<Account>> {
    Ok(get_with_hash(conn, username).await?.map(|(a, _)| a))
}

pub async fn list(conn: &mut Conn) -> Result<Vec<Account>> {
    let sql = format!("select {COLUMNS} {FROM} order by a.username");
    sql::query(&sql)
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| from_row(r).map(|(a, _)| a))
        .collect()
}

fn json(a: &Account) -> serde_json::Value {
    serde_json::to_value(a).unwrap_or_default()
}

pub async fn create(
    conn: &mut Conn,
    actor: &Actor,
    new: &NewAccount,
    password_hash: &str,
) -> Result<Account> {
    let unit_id = unit::id_of(conn, &new.unit_code)
        .await?
        .ok_or_else(|| StorageError::Corrupt(format!("unit {} vanished", new.unit_code)))?;
    let id: i64 = sql::query(
        "insert into account (username, full_name, password_hash, role, unit_id, email, position, active, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, 1, $8) returning account_id",
    )
    .bind(&new.username)
    .bind(&new.full_name)
    .bind(password_hash)
    .bind(new.role.as_str())
    .bind(unit_id)
    .bind(&new.email)
    .bind(&new.position)
    .bind(actor.at)
    .fetch_scalar(&mut *conn)
    .await
    .map_err(map_unique)?;
    let account = Account {
        id,
        username: new.username.clone(),
        full_name: new.full_name.clone(),
        role: new.role,
        unit_code: new.unit_code.clone(),
        email: new.email.clone(),
        position: new.position.clone(),
        active: true,
    };
    audit::append(
        conn,
        actor,
        Event {
            action: "account.create",
            object_type: "account",
            object_id: account.username.clone(),
            contest_id: None,
            before: None,
            after: Some(json(&account)),
        },
    )
    .await?;
    Ok(account)
}

/// Writes the changed fields of an account; a new password hash when given. The audit
/// record says that the password changed, never the hash.
pub async fn update(
    conn: &mut Conn,
    actor: &Actor,
    before: &Account,
    after: &Account,
    new_password_hash: Option<&str>,
) -> Result<()> {
    let unit_id = unit::id_of(conn, &after.unit_code)
        .await?
        .ok_or_else(|| StorageError::Corrupt(format!("unit {} vanished", after.unit_code)))?;
    sql::query(
        "update account set full_name = $1, role = $2, unit_id = $3, email = $4, position = $5, active = $6, \
         password_hash = coalesce($7, password_hash) where account_id = $8",
    )
    .bind(&after.full_name)
    .bind(after.role.as_str())
    .bind(unit_id)
    .bind(&after.email)
    .bind(&after.position)
    .bind(i64::from(after.active))
    .bind(new_password_hash)
    .bind(before.id)
    .execute(&mut *conn)
    .await?;
    let mut after_json = json(after);
    if new_password_hash.is_some() {
        after_json["password_changed"] = serde_json::Value::Bool(true);
    }
    audit::append(
        conn,
        actor,
        Event {
            action: "account.update",
            object_type: "account",
            object_id: before.username.clone(),
            contest_id: None,
            before: Some(json(before)),
            after: Some(after_json),
        },
    )
    .await?;
    Ok(())
}

// ---------- sessions ----------

/// Whether a session came from the API login (Bearer token) or the web login (cookie).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Api,
    Web,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            SessionKind::Api => "api",
            SessionKind::Web => "web",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    pub account: Account,
    pub csrf_token: String,
    pub expires_at: i64,
    /// Whether the account sits on a contest's council (pages then name the person by
    /// that role).
    pub on_council: bool,
    /// Messages in the inbox not yet read (page sessions; 0 for the API).
    pub unread: i64,
}

/// 32 random bytes, hex.
pub fn random_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| StorageError::Randomness(e.to_string()))?;
    Ok(hex::encode(bytes))
}

/// Only the SHA-256 of a token is stored, so a copy of the database holds no usable
/// session.
fn token_id(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A «Quên mật khẩu» link for an account, valid until `expires_at`; returns its token
/// (only its hash is stored). Earlier unused links of the account stop working.
pub async fn create_reset(
    conn: &mut Conn,
    account_id: i64,
    now: i64,
    expires_at: i64,
) -> Result<String> {
    sql::query("update password_reset set used_at = $1 where account_id = $2 and used_at is null")
        .bind(now)
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    let token = random_token()?;
    sql::query(
        "insert into password_reset (token_id, account_id, created_at, expires_at) values ($1, $2, $3, $4)",
    )
    .bind(token_id(&token))
    .bind(account_id)
    .bind(now)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(token)
}

/// The account of a live, unused link, without spending it (the form is shown).
pub async fn reset_account(conn: &mut Conn, token: &str, now: i64) -> Result<Option<Account>> {
    let sql = format!(
        "select {COLUMNS} from password_reset r join account a on a.account_id = r.account_id \
         join unit u on u.unit_id = a.unit_id \
         where r.token_id = $1 and r.used_at is null and r.expires_at > $2 and a.active = 1"
    );
    let row = sql::query(&sql)
        .bind(token_id(token))
        .bind(now)
        .fetch_optional(conn)
        .await?;
    row.map(|r| from_row(&r).map(|(a, _)| a)).transpose()
}

/// Spends a live link: true once, false for an unknown, expired or spent one.
pub async fn spend_reset(conn: &mut Conn, token: &str, now: i64) -> Result<bool> {
    let spent = sql::query(
        "update password_reset set used_at = $1 where token_id = $2 and used_at is null and expires_at > $1",
    )
    .bind(now)
    .bind(token_id(token))
    .execute(conn)
    .await?
    .rows_affected();
    Ok(spent == 1)
}

/// Creates a session and returns (token, csrf token).
pub async fn create_session(
    conn: &mut Conn,
    account_id: i64,
    kind: SessionKind,
    now: i64,
    ttl_seconds: i64,
) -> Result<(String, String)> {
    let token = random_token()?;
    let csrf = random_token()?;
    sql::query(
        "insert into session (session_id, account_id, kind, csrf_token, created_at, expires_at) values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_id(&token))
    .bind(account_id)
    .bind(kind.as_str())
    .bind(&csrf)
    .bind(now)
    .bind(now + ttl_seconds)
    .execute(conn)
    .await?;
    Ok((token, csrf))
}

/// The live session of an active account for this token and kind, if any.
pub async fn session(
    conn: &mut Conn,
    token: &str,
    kind: SessionKind,
    now: i64,
) -> Result<Option<Session>> {
    // Pages show the unread messages in their header; the API has no header.
    let unread = match kind {
        SessionKind::Web => {
            "(select count(*) from message g where g.account_id = a.account_id and g.read_at is null)"
        }
        SessionKind::Api => "cast(0 as bigint)",
    };
    let sql = format!(
        "select {COLUMNS}, s.csrf_token, s.expires_at, \
         (select count(*) from council_member m where m.account_id = a.account_id) as council_seats, \
         {unread} as unread \
         from session s \
         join account a on a.account_id = s.account_id join unit u on u.unit_id = a.unit_id \
         where s.session_id = $1 and s.kind = $2 and s.expires_at > $3 and a.active = 1"
    );
    let row = sql::query(&sql)
        .bind(token_id(token))
        .bind(kind.as_str())
        .bind(now)
        .fetch_optional(conn)
        .await?;
    row.map(|r| {
        let (account, _) = from_row(&r)?;
        Ok(Session {
            account,
            csrf_token: r.get("csrf_token")?,
            expires_at: r.get("expires_at")?,
            on_council: r.get::<i64>("council_seats")? > 0,
            unread: r.get::<i64>("unread")?,
        })
    })
    .transpose()
}

pub async fn delete_session(conn: &mut Conn, token: &str) -> Result<()> {
    sql::query("delete from session where session_id = $1")
        .bind(token_id(token))
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session of an account (deactivation, password change).
pub async fn delete_sessions_of(conn: &mut Conn, account_id: i64) -> Result<()> {
    sql::query("delete from session where account_id = $1")
        .bind(account_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session of an account but the one `keep` names (a password changed by the
/// account's own user, who stays signed in there).
pub async fn delete_other_sessions(conn: &mut Conn, account_id: i64, keep: &str) -> Result<()> {
    sql::query("delete from session where account_id = $1 and session_id <> $2")
        .bind(account_id)
        .bind(token_id(keep))
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes expired sessions and login attempts older than `before`.
pub async fn purge_expired(conn: &mut Conn, now: i64, attempts_before: i64) -> Result<()> {
    sql::query("delete from session where expires_at <= $1")
        .bind(now)
        .execute(&mut *conn)
        .await?;
    sql::query("delete from login_attempt where at < $1")
        .bind(attempts_before)
        .execute(conn)
        .await?;
    Ok(())
}

// ---------- login attempts ----------

pub async fn record_attempt(
    conn: &mut Conn,
    username: &str,
    address: &str,
    at: i64,
    success: bool,
) -> Result<()> {
    sql::query(
        "insert into login_attempt (username, address, at, success) values ($1, $2, $3, $4)",
    )
    .bind(username)
    .bind(address)
    .bind(at)
    .bind(i64::from(success))
    .execute(conn)
    .await?;
    Ok(())
}

/// Failed attempts since `since`: (for this username after its last success, from this address).
pub async fn recent_failures(
    conn: &mut Conn,
    username: &str,
    address: &str,
    since: i64,
) -> Result<(i64, i64)> {
    let row = sql::query(
        "select \
           (select count(*) from login_attempt where username = $1 and success = 0 and at >= $3 \
              and at >= coalesce((select max(at) from login_attempt where username = $1 and success = 1), 0)) \
             as by_account, \
           (select count(*) from login_attempt where address = $2 and success = 0 and at >= $3) \
             as by_address",
    )
    .bind(username)
    .bind(address)
    .bind(since)
    .fetch_one(conn)
    .await?;
    Ok((row.get("by_account")?, row.get("by_address")?))
}
