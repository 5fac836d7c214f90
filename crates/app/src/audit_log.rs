//! The whole audit log for administrators: every record, including account and setting
//! changes that belong to no contest, filtered and paged; and the chain checked on demand.

use sangkien_domain::{account::Role, audit::ChainError};
use sangkien_storage::{
    account::Account,
    audit::{self, AuditFilter, AuditView},
};

use crate::{App, Listed, Paging, Result, require};

/// The most records one CSV holds.
pub const CSV_LIMIT: i64 = 100_000;

/// A page of the records a filter lets through, newest first.
pub async fn list(
    app: &App,
    admin: &Account,
    filter: &AuditFilter,
    paging: Paging,
) -> Result<Listed<AuditView>> {
    require(admin, &[Role::Admin])?;
    let mut conn = app.store.reader().await?;
    let (items, total) =
        audit::list(&mut conn, filter, true, paging.per_page, paging.offset()).await?;
    Ok(Listed {
        items,
        total,
        paging,
    })
}

/// Every record a filter lets through (up to [`CSV_LIMIT`]), oldest first, for a file.
pub async fn all(app: &App, admin: &Account, filter: &AuditFilter) -> Result<Vec<AuditView>> {
    require(admin, &[Role::Admin])?;
    let mut conn = app.store.reader().await?;
    Ok(audit::list(&mut conn, filter, false, CSV_LIMIT, 0).await?.0)
}

/// The actions the log holds, for the filter's choices.
pub async fn actions(app: &App, admin: &Account) -> Result<Vec<String>> {
    require(admin, &[Role::Admin])?;
    let mut conn = app.store.reader().await?;
    Ok(audit::actions(&mut conn).await?)
}

/// Checks the whole chain: how many records are intact, or the first broken one.
pub async fn verify(app: &App, admin: &Account) -> Result<std::result::Result<i64, ChainError>> {
    require(admin, &[Role::Admin])?;
    let mut conn = app.store.reader().await?;
    Ok(audit::verify(&mut conn).await?)
}
