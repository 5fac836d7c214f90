//! Units: the organisations that take part (SPEC §3.1), kept by administrators one by
//! one or imported from a file all or nothing.

use std::collections::{HashMap, HashSet};

use sangkien_domain::{ValidationErrors, account::Role, unit as rules};
use sangkien_export::table;
use sangkien_storage::{Store, account::Account, audit::Actor, unit};
use serde::{Deserialize, Serialize};

use crate::{App, Error, Result, require};

/// Largest import file accepted.
pub const IMPORT_MAX_BYTES: usize = crate::import::MAX_BYTES;

/// Every unit.
pub async fn list(app: &App) -> Result<Vec<unit::Unit>> {
    let mut conn = app.store.reader().await?;
    Ok(unit::list(&mut conn).await?)
}

/// One unit by its code.
pub async fn get(app: &App, code: &str) -> Result<unit::Unit> {
    let mut conn = app.store.reader().await?;
    unit::get(&mut conn, code)
        .await?
        .ok_or_else(|| Error::not_found("đơn vị"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUnit {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub parent_code: Option<String>,
    /// The unit's own mailbox, for reminders when it has no focal user.
    #[serde(default)]
    pub email: Option<String>,
}

/// Creates a unit (administrators).
pub async fn create(app: &App, admin: &Account, body: &NewUnit) -> Result<unit::Unit> {
    require(admin, &[Role::Admin])?;
    let mut tx = app.store.begin().await?;
    let known = unit::active_codes(&mut tx).await?;
    let new = rules::validate(
        &body.code,
        &body.name,
        &body.kind,
        body.parent_code.as_deref(),
        body.email.as_deref(),
        &|c| known.contains(c),
    )?;
    if unit::get(&mut tx, &new.code).await?.is_some() {
        return Err(Error::field(
            "code",
            format!("Mã đơn vị «{}» đã tồn tại.", new.code),
        ));
    }
    let created = unit::create(&mut tx, &Actor::user(&admin.username, app.now()), &new).await?;
    Store::commit(tx).await?;
    Ok(created)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitPatch {
    pub name: Option<String>,
    pub kind: Option<String>,
    /// `null` or `""` removes the parent.
    #[serde(default, with = "double_option")]
    pub parent_code: Option<Option<String>>,
    pub active: Option<bool>,
    /// `null` or `""` removes the unit's e-mail.
    #[serde(default, with = "double_option")]
    pub email: Option<Option<String>>,
}

/// Tells a missing field (keep) from an explicit `null` (clear).
mod double_option {
    use serde::{Deserialize, Deserializer};
    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<String>>, D::Error> {
        Option::<String>::deserialize(d).map(Some)
    }
}

/// Changes the fields a patch names (administrators).
pub async fn update(
    app: &App,
    admin: &Account,
    code: &str,
    patch: &UnitPatch,
) -> Result<unit::Unit> {
    require(admin, &[Role::Admin])?;
    let mut tx = app.store.begin().await?;
    let before = unit::get(&mut tx, code)
        .await?
        .ok_or_else(|| Error::not_found("đơn vị"))?;
    let known = unit::active_codes(&mut tx).await?;
    let parent = match &patch.parent_code {
        Some(p) => p.clone(),
        None => before.parent_code.clone(),
    };
    let email = match &patch.email {
        Some(e) => e.clone(),
        None => before.email.clone(),
    };
    let checked = rules::validate(
        &before.code,
        patch.name.as_deref().unwrap_or(&before.name),
        patch.kind.as_deref().unwrap_or(before.kind.as_str()),
        parent.as_deref(),
        email.as_deref(),
        &|c| known.contains(c),
    )?;
    if let Some(p) = &checked.parent_code
        && rules::creates_cycle(&unit::parent_map(&mut tx).await?, &before.code, p)
    {
        return Err(Error::field(
            "parent_code",
            "Không thể đặt một đơn vị cấp dưới làm đơn vị cấp trên của chính nó.",
        ));
    }
    let after = unit::Unit {
        code: before.code.clone(),
        name: checked.name,
        kind: checked.kind,
        parent_code: checked.parent_code,
        active: patch.active.unwrap_or(before.active),
        email: checked.email,
    };
    if after != before {
        unit::update(
            &mut tx,
            &Actor::user(&admin.username, app.now()),
            &before,
            &after,
        )
        .await?;
    }
    Store::commit(tx).await?;
    Ok(after)
}

/// Deletes a unit nothing refers to (administrators).
pub async fn remove(app: &App, admin: &Account, code: &str) -> Result<()> {
    require(admin, &[Role::Admin])?;
    let mut tx = app.store.begin().await?;
    let u = unit::get(&mut tx, code)
        .await?
        .ok_or_else(|| Error::not_found("đơn vị"))?;
    if unit::reference_count(&mut tx, code).await? > 0 {
        return Err(Error::conflict(
            "unit_in_use",
            "Đơn vị đang được sử dụng (có người dùng, đơn vị trực thuộc hoặc cuộc thi); hãy ngừng hoạt động đơn vị thay vì xóa.",
        ));
    }
    unit::delete(&mut tx, &Actor::user(&admin.username, app.now()), &u).await?;
    Store::commit(tx).await?;
    Ok(())
}

/// What an import did.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Imported {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Imports units from a CSV or XLSX file (administrators): every row is checked, and any
/// bad row refuses the whole file with every bad row named.
pub async fn import(app: &App, admin: &Account, bytes: &[u8]) -> Result<Imported> {
    require(admin, &[Role::Admin])?;
    let table = crate::import::read(bytes, &["code", "name", "kind"], &COLUMNS)?;
    let mut tx = app.store.begin().await?;
    let existing = unit::parent_map(&mut tx).await?;
    let active = unit::active_codes(&mut tx).await?;
    let rows = check_import(&table, &existing, &active)?;
    let (created, updated) =
        unit::import(&mut tx, &Actor::user(&admin.username, app.now()), &rows).await?;
    Store::commit(tx).await?;
    Ok(Imported {
        created,
        updated,
        unchanged: rows.len() - created - updated,
    })
}

const COLUMNS: [&str; 5] = ["code", "name", "kind", "parent_code", "email"];

/// Validates every row; any bad row refuses the whole file with every bad row listed.
fn check_import(
    table: &table::Table,
    existing: &HashMap<String, Option<String>>,
    active: &HashSet<String>,
) -> Result<Vec<rules::NewUnit>> {
    let col = |name: &str| table.header.iter().position(|h| h == name);
    let in_file: HashSet<String> = table
        .rows
        .iter()
        .filter_map(|(_, cells)| col("code").and_then(|i| cells.get(i)).cloned())
        .collect();
    let cell = |cells: &Vec<String>, name: &str| {
        col(name)
            .and_then(|i| cells.get(i))
            .cloned()
            .unwrap_or_default()
    };
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut seen = HashSet::new();
    let mut parents = existing.clone();
    for (line, cells) in &table.rows {
        let code = cell(cells, "code");
        let parent = cell(cells, "parent_code");
        let parent_known = |p: &str| active.contains(p) || in_file.contains(p);
        match rules::validate(
            &code,
            &cell(cells, "name"),
            &cell(cells, "kind"),
            Some(&parent),
            Some(&cell(cells, "email")),
            &parent_known,
        ) {
            Ok(u) if !seen.insert(u.code.clone()) => errors.push(crate::import::row_error(
                *line,
                &code,
                vec![(
                    "code".into(),
                    format!("Mã «{code}» xuất hiện nhiều lần trong tệp."),
                )],
            )),
            Ok(u) => {
                parents.insert(u.code.clone(), u.parent_code.clone());
                rows.push((*line, u));
            }
            Err(ValidationErrors { fields }) => errors.push(crate::import::row_error(
                *line,
                &code,
                fields.into_iter().map(|f| (f.field, f.message)).collect(),
            )),
        }
    }
    for (line, u) in &rows {
        if let Some(p) = &u.parent_code {
            let mut without = parents.clone();
            without.insert(u.code.clone(), None);
            if rules::creates_cycle(&without, &u.code, p) {
                errors.push(crate::import::row_error(
                    *line,
                    &u.code,
                    vec![(
                        "parent_code".into(),
                        "Quan hệ cấp trên tạo thành vòng lặp.".into(),
                    )],
                ));
            }
        }
    }
    if errors.is_empty() {
        return Ok(rows.into_iter().map(|(_, u)| u).collect());
    }
    Err(crate::import::rejected("đơn vị", errors))
}
