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

/// What each merged unit is now («nay là …»): the name of the unit its mergers end
/// in, by the merged unit's code. Units never merged are not listed.
pub async fn now_is(app: &App) -> Result<HashMap<String, String>> {
    let mut conn = app.store.reader().await?;
    now_is_on(&mut conn).await
}

pub(crate) async fn now_is_on(
    conn: &mut sangkien_storage::Conn,
) -> Result<HashMap<String, String>> {
    Ok(now_is_of(&unit::list(conn).await?))
}

/// [`now_is`] of a list of units already read.
pub(crate) fn now_is_of(units: &[unit::Unit]) -> HashMap<String, String> {
    let successors: HashMap<String, Option<String>> = units
        .iter()
        .map(|u| (u.code.clone(), u.validity.successor_code.clone()))
        .collect();
    let names: HashMap<&str, &str> = units
        .iter()
        .map(|u| (u.code.as_str(), u.name.as_str()))
        .collect();
    units
        .iter()
        .filter_map(|u| {
            let last = rules::final_successor(&successors, &u.code)?;
            Some((u.code.clone(), names.get(last.as_str())?.to_string()))
        })
        .collect()
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
    /// The day the unit began (`YYYY-MM-DD`).
    #[serde(default)]
    pub valid_from: Option<String>,
    /// The last day the unit existed.
    #[serde(default)]
    pub valid_to: Option<String>,
    /// The unit it was merged into.
    #[serde(default)]
    pub successor_code: Option<String>,
}

/// Creates a unit (administrators).
pub async fn create(app: &App, admin: &Account, body: &NewUnit) -> Result<unit::Unit> {
    require(admin, &[Role::Admin])?;
    let mut tx = app.store.begin().await?;
    let known = unit::active_codes(&mut tx).await?;
    let new = rules::validate(
        &rules::UnitInput {
            code: &body.code,
            name: &body.name,
            kind: &body.kind,
            parent_code: body.parent_code.as_deref(),
            email: body.email.as_deref(),
            valid_from: body.valid_from.as_deref(),
            valid_to: body.valid_to.as_deref(),
            successor_code: body.successor_code.as_deref(),
        },
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
    /// `null` or `""` removes the date (or the successor).
    #[serde(default, with = "double_option")]
    pub valid_from: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub valid_to: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub successor_code: Option<Option<String>>,
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
    // A field the patch leaves out keeps its value; `null` clears it.
    let keep = |patched: &Option<Option<String>>, was: Option<String>| match patched {
        Some(p) => p.clone(),
        None => was,
    };
    let v = &before.validity;
    let parent = keep(&patch.parent_code, before.parent_code.clone());
    let email = keep(&patch.email, before.email.clone());
    let valid_from = keep(&patch.valid_from, v.valid_from.map(|d| d.to_string()));
    let valid_to = keep(&patch.valid_to, v.valid_to.map(|d| d.to_string()));
    let successor = keep(&patch.successor_code, v.successor_code.clone());
    let checked = rules::validate(
        &rules::UnitInput {
            code: &before.code,
            name: patch.name.as_deref().unwrap_or(&before.name),
            kind: patch.kind.as_deref().unwrap_or(before.kind.as_str()),
            parent_code: parent.as_deref(),
            email: email.as_deref(),
            valid_from: valid_from.as_deref(),
            valid_to: valid_to.as_deref(),
            successor_code: successor.as_deref(),
        },
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
    if let Some(s) = &checked.validity.successor_code
        && rules::creates_cycle(&unit::successor_map(&mut tx).await?, &before.code, s)
    {
        return Err(Error::field(
            "successor_code",
            "Đơn vị kế thừa đã được sáp nhập vào chính đơn vị này: chuỗi sáp nhập không thể vòng lại.",
        ));
    }
    let after = unit::Unit {
        code: before.code.clone(),
        name: checked.name,
        kind: checked.kind,
        parent_code: checked.parent_code,
        active: patch.active.unwrap_or(before.active),
        email: checked.email,
        validity: checked.validity,
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
    let successors = unit::successor_map(&mut tx).await?;
    let active = unit::active_codes(&mut tx).await?;
    let rows = check_import(&table, &existing, &successors, &active)?;
    let (created, updated) =
        unit::import(&mut tx, &Actor::user(&admin.username, app.now()), &rows).await?;
    Store::commit(tx).await?;
    Ok(Imported {
        created,
        updated,
        unchanged: rows.len() - created - updated,
    })
}

const COLUMNS: [&str; 8] = [
    "code",
    "name",
    "kind",
    "parent_code",
    "email",
    "valid_from",
    "valid_to",
    "successor_code",
];

/// Validates every row; any bad row refuses the whole file with every bad row listed.
fn check_import(
    table: &table::Table,
    existing: &HashMap<String, Option<String>>,
    existing_successors: &HashMap<String, Option<String>>,
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
    let mut successors = existing_successors.clone();
    for (line, cells) in &table.rows {
        let code = cell(cells, "code");
        let parent = cell(cells, "parent_code");
        let parent_known = |p: &str| active.contains(p) || in_file.contains(p);
        let (name, kind, email) = (
            cell(cells, "name"),
            cell(cells, "kind"),
            cell(cells, "email"),
        );
        let (from, to, successor) = (
            cell(cells, "valid_from"),
            cell(cells, "valid_to"),
            cell(cells, "successor_code"),
        );
        match rules::validate(
            &rules::UnitInput {
                code: &code,
                name: &name,
                kind: &kind,
                parent_code: Some(&parent),
                email: Some(&email),
                valid_from: Some(&from),
                valid_to: Some(&to),
                successor_code: Some(&successor),
            },
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
                successors.insert(u.code.clone(), u.validity.successor_code.clone());
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
        if let Some(next) = &u.validity.successor_code {
            let mut without = successors.clone();
            without.insert(u.code.clone(), None);
            if rules::creates_cycle(&without, &u.code, next) {
                errors.push(crate::import::row_error(
                    *line,
                    &u.code,
                    vec![(
                        "successor_code".into(),
                        "Chuỗi sáp nhập vòng lại chính đơn vị này.".into(),
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
