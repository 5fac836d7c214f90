//! Earlier years (SPEC §3.8): an organizer imports past contests' entries and results
//! into a read-only archive, all or nothing. The duplicate check compares new entries
//! with them and the library lists their winners, marked as imported.

use std::collections::{HashMap, HashSet};

use sangkien_domain::{
    account::Role,
    archive::{self as rules, ArchiveInput},
};
use sangkien_storage::{
    Store,
    account::Account,
    archive::{self as store, ArchiveEntry},
    audit::Actor,
    unit,
};
use serde::Serialize;

use crate::import::{cell, row_error};
use crate::{App, Result, require};

const COLUMNS: [&str; 5] = ["year", "unit_code", "title", "summary", "tier"];

/// What an import did.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Imported {
    /// Past entries added.
    pub created: usize,
    /// Rows already in the archive (same year, unit and title), left as they were.
    pub unchanged: usize,
}

/// Imports a CSV or XLSX file of past entries (organizers). Every row is checked; any
/// bad row refuses the whole file, every bad row named with its line.
pub async fn import(app: &App, organizer: &Account, bytes: &[u8]) -> Result<Imported> {
    require(organizer, &[Role::Organizer])?;
    let table = crate::import::read(bytes, &["year", "unit_code", "title"], &COLUMNS)?;
    let mut tx = app.store.begin().await?;
    let units: HashMap<String, _> = unit::list(&mut tx)
        .await?
        .into_iter()
        .map(|u| (u.code, u.validity))
        .collect();
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut seen = HashSet::new();
    for (line, cells) in &table.rows {
        let text = |name: &str| cell(&table, cells, name);
        let (year, code, title, summary, tier) = (
            text("year"),
            text("unit_code"),
            text("title"),
            text("summary"),
            text("tier"),
        );
        let input = ArchiveInput {
            year: &year,
            unit_code: &code,
            title: &title,
            summary: &summary,
            tier: &tier,
        };
        match rules::validate(&input, &|c| units.get(c).cloned()) {
            Ok(row) if !seen.insert((row.year, row.unit_code.clone(), row.title.clone())) => {
                errors.push(row_error(
                    *line,
                    &code,
                    vec![(
                        "title".into(),
                        format!(
                            "Sáng kiến «{}» năm {} xuất hiện hai lần trong tệp.",
                            row.title, row.year
                        ),
                    )],
                ));
            }
            Ok(row) => rows.push(row),
            Err(e) => errors.push(row_error(
                *line,
                &code,
                e.fields.into_iter().map(|f| (f.field, f.message)).collect(),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(crate::import::rejected("sáng kiến lưu trữ", errors));
    }
    let created =
        store::import(&mut tx, &Actor::user(&organizer.username, app.now()), &rows).await?;
    Store::commit(tx).await?;
    Ok(Imported {
        created,
        unchanged: rows.len() - created,
    })
}

/// Every past entry (organizers), oldest year first.
pub async fn list(app: &App, organizer: &Account) -> Result<Vec<ArchiveEntry>> {
    require(organizer, &[Role::Organizer])?;
    let mut conn = app.store.reader().await?;
    Ok(store::list(&mut conn, None).await?)
}

/// The past entries that won a prize (anyone): the library lists them, marked as
/// imported.
pub async fn winners(app: &App) -> Result<Vec<ArchiveEntry>> {
    let mut conn = app.store.reader().await?;
    Ok(store::winners(&mut conn).await?)
}

/// The past winners a library search finds: every word of the query in the title or
/// summary (folded as the library folds), and the same unit, year and prize filters.
pub async fn winners_matching(
    app: &App,
    q: &crate::library::SearchQuery,
) -> Result<Vec<ArchiveEntry>> {
    use sangkien_domain::library::{query_terms, terms};
    let words = query_terms(&q.q);
    let year = q.year.trim().parse::<i64>().ok();
    Ok(winners(app)
        .await?
        .into_iter()
        .filter(|a| {
            let text = terms(&format!("{} {}", a.title, a.summary));
            words.iter().all(|w| text.contains(w))
                && (q.unit.is_empty() || q.unit == a.unit_code)
                && (q.tier.is_empty() || Some(q.tier.as_str()) == a.tier.as_deref())
                && year.is_none_or(|y| y == a.year)
        })
        .collect())
}
