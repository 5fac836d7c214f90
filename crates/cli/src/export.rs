//! `sangkien export`: a contest's documents and tables from the command line, from the
//! same registry as the pages and the API (`sangkien_app::export::EXPORTS`), with the
//! rights of the account named.

use std::{path::PathBuf, sync::Arc};

use anyhow::{Context, Result, bail};
use sangkien_app::{App, SystemClock, export};
use sangkien_files::FileStore;
use sangkien_storage::{Store, account};

/// Prints every export: its name, and its label.
pub fn list() {
    for e in export::EXPORTS {
        println!("{:<20} {}", e.name(), e.label());
    }
}

/// Writes one export of a contest, made for `username`, to `out` (its own file name in
/// the current directory by default). Returns where it was written.
pub async fn write(
    store: Store,
    files: FileStore,
    contest: i64,
    name: &str,
    username: &str,
    out: Option<PathBuf>,
) -> Result<PathBuf> {
    let user = {
        let mut conn = store.reader().await?;
        account::get(&mut conn, username)
            .await?
            .filter(|a| a.active)
            .with_context(|| format!("không có tài khoản đang hoạt động «{username}»"))?
    };
    let app = App::new(store, files, Arc::new(SystemClock));
    let file = match export::make(&app, &user, contest, name).await {
        Ok(f) => f,
        Err(e) => bail!("{}", e.message),
    };
    let path = out.unwrap_or_else(|| PathBuf::from(&file.name));
    std::fs::write(&path, &file.bytes)
        .with_context(|| format!("không ghi được tệp {}", path.display()))?;
    Ok(path)
}
