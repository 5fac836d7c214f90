//! Units: `GET/POST /units`, `GET/PATCH/DELETE /units/{code}`, `POST /units/import`.

use std::collections::{HashMap, HashSet};

use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, Multipart, State},
    http::StatusCode,
    routing::{get, post},
};
use sangkien_domain::{ValidationErrors, account::Role, unit as rules};
use sangkien_export::table;
use sangkien_storage::{Store, audit::Actor, unit};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    AppState,
    auth::ApiUser,
    error::{ApiError, ApiResult},
    extract::{ApiJson, Key},
};

/// Largest import file accepted.
pub const IMPORT_MAX_BYTES: usize = 5 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/units", get(list).post(create))
        .route(
            "/units/import",
            post(import).layer(DefaultBodyLimit::max(IMPORT_MAX_BYTES)),
        )
        .route("/units/{code}", get(show).patch(update).delete(remove))
}

async fn list(State(state): State<AppState>, _user: ApiUser) -> ApiResult<Json<Value>> {
    let mut conn = state.store.reader().await?;
    Ok(Json(json!({"units": unit::list(&mut conn).await?})))
}

async fn show(
    State(state): State<AppState>,
    _user: ApiUser,
    Key(code): Key,
) -> ApiResult<Json<Value>> {
    let mut conn = state.store.reader().await?;
    let u = unit::get(&mut conn, &code)
        .await?
        .ok_or_else(|| ApiError::not_found("đơn vị"))?;
    Ok(Json(json!(u)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitBody {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    parent_code: Option<String>,
}

async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<UnitBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let admin = user.require(&[Role::Admin])?;
    let mut tx = state.store.begin().await?;
    let known = unit::active_codes(&mut tx).await?;
    let new = rules::validate(
        &body.code,
        &body.name,
        &body.kind,
        body.parent_code.as_deref(),
        &|c| known.contains(c),
    )?;
    if unit::get(&mut tx, &new.code).await?.is_some() {
        return Err(ApiError::field(
            "code",
            format!("Mã đơn vị «{}» đã tồn tại.", new.code),
        ));
    }
    let created = unit::create(&mut tx, &Actor::user(&admin.username, state.now()), &new).await?;
    Store::commit(tx).await?;
    Ok((StatusCode::CREATED, Json(json!(created))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitPatch {
    name: Option<String>,
    kind: Option<String>,
    /// `null` or `""` removes the parent.
    #[serde(default, with = "double_option")]
    parent_code: Option<Option<String>>,
    active: Option<bool>,
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

async fn update(
    State(state): State<AppState>,
    user: ApiUser,
    Key(code): Key,
    ApiJson(patch): ApiJson<UnitPatch>,
) -> ApiResult<Json<Value>> {
    let admin = user.require(&[Role::Admin])?;
    let mut tx = state.store.begin().await?;
    let before = unit::get(&mut tx, &code)
        .await?
        .ok_or_else(|| ApiError::not_found("đơn vị"))?;
    let known = unit::active_codes(&mut tx).await?;
    let parent = match &patch.parent_code {
        Some(p) => p.clone(),
        None => before.parent_code.clone(),
    };
    let checked = rules::validate(
        &before.code,
        patch.name.as_deref().unwrap_or(&before.name),
        patch.kind.as_deref().unwrap_or(before.kind.as_str()),
        parent.as_deref(),
        &|c| known.contains(c),
    )?;
    if let Some(p) = &checked.parent_code
        && rules::creates_cycle(&unit::parent_map(&mut tx).await?, &before.code, p)
    {
        return Err(ApiError::field(
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
    };
    if after != before {
        unit::update(
            &mut tx,
            &Actor::user(&admin.username, state.now()),
            &before,
            &after,
        )
        .await?;
    }
    Store::commit(tx).await?;
    Ok(Json(json!(after)))
}

async fn remove(
    State(state): State<AppState>,
    user: ApiUser,
    Key(code): Key,
) -> ApiResult<StatusCode> {
    let admin = user.require(&[Role::Admin])?;
    let mut tx = state.store.begin().await?;
    let u = unit::get(&mut tx, &code)
        .await?
        .ok_or_else(|| ApiError::not_found("đơn vị"))?;
    if unit::reference_count(&mut tx, &code).await? > 0 {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "unit_in_use",
            "Đơn vị đang được sử dụng (có người dùng, đơn vị trực thuộc hoặc cuộc thi); hãy ngừng hoạt động đơn vị thay vì xóa.",
        ));
    }
    unit::delete(&mut tx, &Actor::user(&admin.username, state.now()), &u).await?;
    Store::commit(tx).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reads the `file` field of the multipart body.
async fn file_field(mut form: Multipart) -> ApiResult<Vec<u8>> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!(
                "Tệp quá lớn (tối đa {} MB).",
                IMPORT_MAX_BYTES / 1024 / 1024
            ),
        )
    };
    let bad = || {
        ApiError::bad_request(
            "invalid_multipart",
            "Không đọc được biểu mẫu tải tệp (multipart/form-data).",
        )
    };
    loop {
        let field = form.next_field().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                bad()
            }
        })?;
        let Some(field) = field else {
            return Err(ApiError::field(
                "file",
                "Chưa chọn tệp để nhập (trường «file»).",
            ));
        };
        if field.name() == Some("file") {
            let bytes = field.bytes().await.map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    too_large()
                } else {
                    bad()
                }
            })?;
            return Ok(bytes.to_vec());
        }
    }
}

async fn import(
    State(state): State<AppState>,
    user: ApiUser,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Json<Value>> {
    let admin = user.require(&[Role::Admin])?;
    let bytes = file_field(form.map_err(crate::extract::not_multipart)?).await?;
    let table = table::read(&bytes).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_file",
            e.to_string(),
        )
    })?;
    let mut tx = state.store.begin().await?;
    let existing = unit::parent_map(&mut tx).await?;
    let active = unit::active_codes(&mut tx).await?;
    let rows = check_import(&table, &existing, &active)?;
    let (created, updated) =
        unit::import(&mut tx, &Actor::user(&admin.username, state.now()), &rows).await?;
    Store::commit(tx).await?;
    Ok(Json(
        json!({"created": created, "updated": updated, "unchanged": rows.len() - created - updated}),
    ))
}

const COLUMNS: [&str; 4] = ["code", "name", "kind", "parent_code"];

/// Validates every row; any bad row refuses the whole file with every bad row listed.
fn check_import(
    table: &table::Table,
    existing: &HashMap<String, Option<String>>,
    active: &HashSet<String>,
) -> ApiResult<Vec<rules::NewUnit>> {
    let col = |name: &str| table.header.iter().position(|h| h == name);
    let missing: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| *c != "parent_code" && col(c).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_file",
            format!(
                "Dòng tiêu đề thiếu cột: {}. Cần các cột code,name,kind,parent_code.",
                missing.join(", ")
            ),
        ));
    }
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
            &parent_known,
        ) {
            Ok(u) if !seen.insert(u.code.clone()) => errors.push(row_error(
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
            Err(ValidationErrors { fields }) => errors.push(row_error(
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
                errors.push(row_error(
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
    errors.sort_by_key(|e| e["line"].as_u64());
    Err(ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "import_rejected",
        format!(
            "Không nhập đơn vị nào: {} dòng có lỗi. Hãy sửa các dòng được liệt kê rồi nhập lại.",
            errors.len()
        ),
    )
    .with_details(json!({"rows": errors})))
}

fn row_error(line: usize, code: &str, problems: Vec<(String, String)>) -> Value {
    let reason = problems
        .iter()
        .map(|(_, m)| m.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    json!({
        "line": line,
        "code": code,
        "reason": reason,
        "fields": problems.iter().map(|(f, m)| json!({"field": f, "message": m})).collect::<Vec<_>>(),
    })
}
