//! The system settings: the issuing agency on official documents and the SMTP server.

use sangkien_domain::{account::Role, agency::Agency};
use sangkien_storage::{Conn, Store, account::Account, audit::Actor, setting};

use crate::{App, Result, require};

/// The issuing agency as stored, or the defaults.
pub async fn agency(conn: &mut Conn) -> Result<Agency> {
    Ok(setting::get(conn)
        .await?
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default())
}

/// The settings, for administrators and organizers.
pub async fn get(app: &App, user: &Account) -> Result<Agency> {
    require(user, &[Role::Admin, Role::Organizer])?;
    let mut conn = app.store.reader().await?;
    agency(&mut conn).await
}

/// Replaces the settings (administrators), every field checked.
pub async fn replace(app: &App, user: &Account, input: Agency) -> Result<Agency> {
    require(user, &[Role::Admin])?;
    let valid = input.validate()?;
    let value = serde_json::to_value(&valid).unwrap_or_default();
    let mut tx = app.store.begin().await?;
    setting::put(&mut tx, &Actor::user(&user.username, app.now()), &value).await?;
    Store::commit(tx).await?;
    Ok(valid)
}
