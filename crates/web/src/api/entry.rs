//! Entries (SPEC §3.2): `GET/POST /contests/{id}/entries`, `GET/PATCH /entries/{id}`,
//! attachments, submit, withdraw, versions, the duplicate check and screening.
//! The operations are shared with the pages.

use std::time::Instant;

use axum::{
    Json, Router,
    body::Body,
    extract::{DefaultBodyLimit, Multipart, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use sangkien_domain::{
    account::Role,
    contest::ContestState,
    entry::{self, EntryContent, EntryStatus},
    similarity, time,
};
use sangkien_files::{FileError, FileKind};
use sangkien_storage::{
    Conn, Store,
    account::Account,
    audit::Actor,
    contest::ContestRecord,
    entry::{self as store, AttachmentRecord, EntryRecord, NewAttachment},
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    AppState,
    api::contest::visible as visible_contest,
    auth::ApiUser,
    error::{ApiError, ApiResult},
    extract::{ApiJson, Id, Ids, Paging, parse_json},
    idem::{self, IdemKey},
    metrics::UploadPhase,
};

/// Uploads are limited by the contest's settings while they stream; this only stops
/// requests far beyond any setting.
const UPLOAD_BODY_MAX: usize = 1_100_000_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contests/{id}/entries", get(list).post(create))
        .route("/entries/{id}", get(show).patch(update))
        .route(
            "/entries/{id}/attachments",
            get(list_attachments)
                .post(upload)
                .layer(DefaultBodyLimit::max(UPLOAD_BODY_MAX)),
        )
        .route(
            "/entries/{id}/attachments/{aid}",
            get(download).delete(delete_attachment),
        )
        .route("/entries/{id}/submit", post(submit))
        .route("/entries/{id}/withdraw", post(withdraw))
        .route("/entries/{id}/versions", get(versions))
        .route("/entries/{id}/similar", get(similar))
        .route("/entries/{id}/screening", post(screening))
}

fn not_found() -> ApiError {
    ApiError::not_found("sáng kiến")
}

/// Loads an entry the account may see: organizers see all, a focal user only their
/// unit's; everyone else gets 404, as for an entry that does not exist.
pub async fn visible(
    conn: &mut Conn,
    user: &Account,
    id: i64,
) -> ApiResult<(EntryRecord, ContestRecord)> {
    let (entry, contest) = store::get_with_contest(conn, id)
        .await?
        .ok_or_else(not_found)?;
    let contest = crate::api::contest::visible_record(conn, user, contest)
        .await
        .map_err(|_| not_found())?;
    let allowed = match user.role {
        Role::Organizer => true,
        Role::Focal if entry.unit_code == user.unit_code => true,
        // A council member sees the entries assigned to them (never conflicted ones:
        // declaring a conflict removes the assignment) once judging has started.
        _ => {
            contest.state >= ContestState::Judging
                && sangkien_storage::judging::is_assigned(conn, entry.id, user.id).await?
        }
    };
    if !allowed {
        return Err(not_found());
    }
    Ok((entry, contest))
}

/// An entry the user may change: one they can see, as its unit's focal user or an
/// organizer. Council members see the entries assigned to them but never change them.
pub async fn changeable(
    conn: &mut Conn,
    user: &Account,
    id: i64,
) -> ApiResult<(EntryRecord, ContestRecord)> {
    let found = visible(conn, user, id).await?;
    if !matches!(user.role, Role::Organizer | Role::Focal) {
        return Err(ApiError::forbidden());
    }
    Ok(found)
}

/// The unit a new entry of `contest` is for, refused unless the unit may add entries now
/// (contest state, deadline, the unit's extension).
pub async fn open_unit(
    conn: &mut Conn,
    contest: &ContestRecord,
    unit_code: &str,
    now: i64,
) -> ApiResult<store::EntryUnit> {
    let unit = store::entry_unit(conn, contest.id, unit_code)
        .await?
        .ok_or_else(|| {
            ApiError::field(
                "unit_code",
                format!("Không có đơn vị mã «{unit_code}»; hãy chọn một đơn vị tham gia cuộc thi."),
            )
        })?;
    entry::check_open_for_changes(contest.state, &contest.settings, unit.extension, now)?;
    Ok(unit)
}

/// The rule for changing an entry now: contest state, deadline, its unit's extension.
pub fn check_changeable(contest: &ContestRecord, e: &EntryRecord, now: i64) -> ApiResult<()> {
    Ok(entry::check_open_for_changes(
        contest.state,
        &contest.settings,
        e.extension,
        now,
    )?)
}

/// The entry as the API shows it: content plus identity, status, attachments, what a
/// submission still lacks, and the unit's deadline.
pub async fn entry_json(
    conn: &mut Conn,
    e: &EntryRecord,
    contest: &ContestRecord,
) -> ApiResult<Value> {
    let attachments = store::list_attachments(conn, e.id).await?;
    let origin = origin_json(conn, e.id).await?;
    Ok(entry_json_of(e, contest, &attachments, origin))
}

/// [`entry_json`] from parts already read.
fn entry_json_of(
    e: &EntryRecord,
    contest: &ContestRecord,
    attachments: &[AttachmentRecord],
    origin: Value,
) -> Value {
    let has_main = attachments
        .iter()
        .any(|a| a.kind == "main" && a.content_type == FileKind::Pdf.content_type());
    let mut v = serde_json::to_value(&e.content).unwrap_or_default();
    v["id"] = json!(e.id);
    v["contest_id"] = json!(e.contest_id);
    v["unit_code"] = json!(e.unit_code);
    v["unit_name"] = json!(e.unit_name);
    v["status"] = json!(e.status.as_str());
    v["version"] = json!(e.version);
    v["submitted_at"] = json!(e.submitted_at.map(time::rfc3339_vn));
    v["eligible"] = json!(e.eligible);
    v["screening_reason"] = json!(e.screening_reason);
    v["created_at"] = json!(time::rfc3339_vn(e.created_at));
    v["updated_at"] = json!(time::rfc3339_vn(e.updated_at));
    v["attachments"] = json!(attachments.iter().map(attachment_json).collect::<Vec<_>>());
    v["missing"] = json!(entry::missing_for_submit(&e.content, has_main));
    v["deadline"] = json!(time::rfc3339_vn(entry::unit_deadline(
        &contest.settings,
        e.extension
    )));
    v["origin"] = origin;
    v
}

/// Where a forwarded entry comes from, or null.
async fn origin_json(conn: &mut Conn, id: i64) -> ApiResult<Value> {
    Ok(match store::origin(conn, id).await? {
        Some(o) => {
            let from = sangkien_storage::contest::get(conn, o.contest_id).await?;
            json!({"entry_id": o.entry_id, "contest_id": o.contest_id,
                   "contest_title": from.map(|c| c.settings.title),
                   "tier": o.tier, "score": sangkien_domain::points::Points(o.score).as_f64(),
                   "forwarded_at": time::rfc3339_vn(o.forwarded_at)})
        }
        None => Value::Null,
    })
}

/// An entry just created or changed in a transaction, with what that transaction
/// already read, so the answer does not read it again.
pub struct Changed {
    pub entry: EntryRecord,
    pub contest: ContestRecord,
    /// The current attachments, when the change read them.
    pub attachments: Option<Vec<AttachmentRecord>>,
    /// Just created: no attachments and no origin yet.
    pub created: bool,
}

impl Changed {
    /// An existing entry as read at the start of a change, before it is changed.
    fn existing(entry: EntryRecord, contest: ContestRecord) -> Changed {
        Changed {
            entry,
            contest,
            attachments: None,
            created: false,
        }
    }

    /// The entry as the API shows it ([`entry_json`]).
    pub async fn json(&self, conn: &mut Conn) -> ApiResult<Value> {
        let e = &self.entry;
        if self.created {
            return Ok(entry_json_of(e, &self.contest, &[], Value::Null));
        }
        let listed;
        let attachments = match &self.attachments {
            Some(a) => a.as_slice(),
            None => {
                listed = store::list_attachments(conn, e.id).await?;
                listed.as_slice()
            }
        };
        let origin = origin_json(conn, e.id).await?;
        Ok(entry_json_of(e, &self.contest, attachments, origin))
    }
}

pub fn attachment_json(a: &AttachmentRecord) -> Value {
    json!({"id": a.id, "kind": a.kind, "filename": a.filename, "size": a.size,
           "sha256": a.sha256, "content_type": a.content_type,
           "created_at": time::rfc3339_vn(a.created_at)})
}

async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    Id(contest_id): Id,
    paging: Paging,
) -> ApiResult<Json<Value>> {
    let user = user.require(&[Role::Organizer, Role::Focal])?;
    let mut conn = state.store.reader().await?;
    let contest = visible_contest(&mut conn, user, contest_id).await?;
    let unit = (user.role == Role::Focal).then_some(user.unit_code.as_str());
    let (items, total) = store::list_lines(
        &mut conn,
        contest.id,
        unit,
        paging.per_page,
        paging.offset(),
    )
    .await?;
    let mut out = Vec::with_capacity(items.len());
    for e in &items {
        out.push(json!({
            "id": e.id, "title": e.title, "unit_code": e.unit_code, "unit_name": e.unit_name,
            "topic_code": e.topic_code, "form": e.form, "status": e.status.as_str(),
            "version": e.version, "submitted_at": e.submitted_at.map(time::rfc3339_vn),
            "eligible": e.eligible, "updated_at": time::rfc3339_vn(e.updated_at),
        }));
    }
    Ok(Json(
        json!({"items": out, "page": paging.page, "per_page": paging.per_page, "total": total}),
    ))
}

async fn show(State(state): State<AppState>, user: ApiUser, Id(id): Id) -> ApiResult<Json<Value>> {
    let mut conn = state.store.reader().await?;
    let (e, contest) = visible(&mut conn, &user.0, id).await?;
    let mut v = entry_json(&mut conn, &e, &contest).await?;
    let is_judge = user.0.role != Role::Organizer && e.unit_code != user.0.unit_code;
    if is_judge {
        // A council member reading an assigned entry: no screening details, and no unit
        // when the contest scores without unit names.
        if !contest.settings.judges_see_unit_names {
            v["unit_code"] = Value::Null;
            v["unit_name"] = Value::Null;
        }
        v["screening_reason"] = Value::Null;
    }
    Ok(Json(v))
}

/// Splits the organizer's `unit_code` off an entry body.
fn split_unit(mut body: Value) -> ApiResult<(Option<String>, EntryContent)> {
    let Value::Object(map) = &mut body else {
        return Err(ApiError::field(
            "body",
            "Nội dung phải là một đối tượng JSON.",
        ));
    };
    let unit = match map.remove("unit_code") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.trim().to_string()),
        Some(_) => {
            return Err(ApiError::field(
                "unit_code",
                "Trường «unit_code» phải là một chuỗi ký tự.",
            ));
        }
    };
    let content = parse_json(body.to_string().as_bytes())?;
    Ok((unit, content))
}

/// Creates a draft entry for the focal user's unit, or for `unit_code` when an
/// organizer acts for a unit.
pub async fn create_entry(
    state: &AppState,
    tx: &mut Conn,
    user: &Account,
    contest_id: i64,
    unit_code: Option<String>,
    content: &EntryContent,
) -> ApiResult<Changed> {
    let contest = visible_contest(tx, user, contest_id).await?;
    let unit = match user.role {
        Role::Focal => user.unit_code.clone(),
        Role::Organizer => unit_code.ok_or_else(|| {
            ApiError::field(
                "unit_code",
                "Người tổ chức tạo sáng kiến thay đơn vị cần ghi rõ mã đơn vị (unit_code).",
            )
        })?,
        _ => return Err(ApiError::forbidden()),
    };
    if !contest.settings.participant_unit_codes.contains(&unit) {
        return Err(ApiError::field(
            "unit_code",
            format!("Đơn vị «{unit}» không tham gia cuộc thi này."),
        ));
    }
    let now = state.now();
    let unit = open_unit(tx, &contest, &unit, now).await?;
    let content = entry::validate(content, &contest.settings)?;
    let entry = store::create(
        tx,
        &Actor::user(&user.username, now),
        contest.id,
        &unit,
        &content,
    )
    .await?;
    Ok(Changed {
        entry,
        contest,
        attachments: None,
        created: true,
    })
}

async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    Id(contest_id): Id,
    key: IdemKey,
    ApiJson(body): ApiJson<Value>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let user = user.require(&[Role::Organizer, Role::Focal])?;
    let request = idem::fingerprint(
        &format!("POST /contests/{contest_id}/entries"),
        body.to_string().as_bytes(),
    );
    let mut tx = state.store.begin().await?;
    if let Some(r) = idem::replay(&mut tx, user, &key, &request).await? {
        return Ok(r);
    }
    let (unit, content) = split_unit(body)?;
    let json = create_entry(&state, &mut tx, user, contest_id, unit, &content)
        .await?
        .json(&mut tx)
        .await?;
    idem::commit(&state, tx, user, &key, &request, StatusCode::CREATED, json).await
}

/// Replaces the working copy. After the first submission every change is checked as
/// a submission and becomes a new version.
pub async fn update_entry(
    state: &AppState,
    tx: &mut Conn,
    user: &Account,
    id: i64,
    content: &EntryContent,
) -> ApiResult<Changed> {
    let (before, contest) = changeable(tx, user, id).await?;
    let now = state.now();
    check_changeable(&contest, &before, now)?;
    let content = entry::validate(content, &contest.settings)?;
    let mut changed = Changed::existing(before, contest);
    if content == changed.entry.content {
        return Ok(changed);
    }
    let actor = Actor::user(&user.username, now);
    store::update_content(tx, &actor, &changed.entry, &content).await?;
    changed.entry = EntryRecord {
        content,
        updated_at: now,
        ..changed.entry
    };
    if changed.entry.status == EntryStatus::Submitted {
        let attachments = require_complete(tx, &changed.entry.content, id).await?;
        changed.entry = store::write_version_of(tx, &actor, &changed.entry, &attachments).await?;
        changed.attachments = Some(attachments);
    }
    Ok(changed)
}

/// Refuses an entry that lacks something a submission needs; returns its current
/// attachments.
async fn require_complete(
    tx: &mut Conn,
    content: &EntryContent,
    id: i64,
) -> ApiResult<Vec<AttachmentRecord>> {
    let attachments = store::list_attachments(tx, id).await?;
    let has_main = attachments
        .iter()
        .any(|a| a.kind == "main" && a.content_type == FileKind::Pdf.content_type());
    let missing = entry::missing_for_submit(content, has_main);
    if missing.is_empty() {
        Ok(attachments)
    } else {
        Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "entry_incomplete",
            format!(
                "Sáng kiến còn thiếu {} mục, chưa thể nộp: {}",
                missing.len(),
                missing
                    .iter()
                    .map(|m| m.message.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        )
        .with_details(json!({"missing": missing, "fields": missing})))
    }
}

async fn update(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(patch): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    let Value::Object(fields) = patch else {
        return Err(ApiError::field(
            "body",
            "Nội dung sửa đổi phải là một đối tượng JSON.",
        ));
    };
    let mut tx = state.store.begin().await?;
    let (before, _) = changeable(&mut tx, &user.0, id).await?;
    let mut merged = serde_json::to_value(&before.content).unwrap_or_default();
    for (k, v) in fields {
        merged[k] = v;
    }
    let content: EntryContent = parse_json(merged.to_string().as_bytes())?;
    let json = update_entry(&state, &mut tx, &user.0, id, &content)
        .await?
        .json(&mut tx)
        .await?;
    Store::commit(tx).await?;
    Ok(Json(json))
}

/// Submits: every required part present, in time. Submitting an entry that is already
/// submitted and unchanged does nothing (a double click makes no second version).
pub async fn submit_entry(
    state: &AppState,
    tx: &mut Conn,
    user: &Account,
    id: i64,
) -> ApiResult<Changed> {
    let (e, contest) = changeable(tx, user, id).await?;
    let now = state.now();
    check_changeable(&contest, &e, now)?;
    let mut changed = Changed::existing(e, contest);
    if changed.entry.status == EntryStatus::Submitted {
        return Ok(changed);
    }
    let attachments = require_complete(tx, &changed.entry.content, id).await?;
    changed.entry = store::write_version_of(
        tx,
        &Actor::user(&user.username, now),
        &changed.entry,
        &attachments,
    )
    .await?;
    changed.attachments = Some(attachments);
    Ok(changed)
}

pub async fn withdraw_entry(
    state: &AppState,
    tx: &mut Conn,
    user: &Account,
    id: i64,
) -> ApiResult<Changed> {
    let (e, contest) = changeable(tx, user, id).await?;
    let now = state.now();
    check_changeable(&contest, &e, now)?;
    let mut changed = Changed::existing(e, contest);
    match changed.entry.status {
        EntryStatus::Withdrawn => Ok(changed),
        EntryStatus::Draft => Err(ApiError::new(
            StatusCode::CONFLICT,
            "entry_not_submitted",
            "Sáng kiến chưa nộp nên không cần rút; có thể sửa hoặc để nguyên bản nháp.",
        )),
        EntryStatus::Submitted => {
            store::set_status(
                tx,
                &Actor::user(&user.username, now),
                &changed.entry,
                EntryStatus::Withdrawn,
            )
            .await?;
            changed.entry = EntryRecord {
                status: EntryStatus::Withdrawn,
                updated_at: now,
                ..changed.entry
            };
            Ok(changed)
        }
    }
}

async fn submit(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    key: IdemKey,
) -> ApiResult<(StatusCode, Json<Value>)> {
    status_change(state, user, id, key, "submit").await
}

async fn withdraw(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    key: IdemKey,
) -> ApiResult<(StatusCode, Json<Value>)> {
    status_change(state, user, id, key, "withdraw").await
}

async fn status_change(
    state: AppState,
    user: ApiUser,
    id: i64,
    key: IdemKey,
    action: &str,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let request = idem::fingerprint(&format!("POST /entries/{id}/{action}"), b"");
    let mut tx = state.store.begin().await?;
    if let Some(r) = idem::replay(&mut tx, &user.0, &key, &request).await? {
        return Ok(r);
    }
    let changed = if action == "submit" {
        submit_entry(&state, &mut tx, &user.0, id).await?
    } else {
        withdraw_entry(&state, &mut tx, &user.0, id).await?
    };
    let json = changed.json(&mut tx).await?;
    idem::commit(&state, tx, &user.0, &key, &request, StatusCode::OK, json).await
}

async fn list_attachments(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let mut conn = state.store.reader().await?;
    let (e, _) = visible(&mut conn, &user.0, id).await?;
    let items = store::list_attachments(&mut conn, e.id).await?;
    Ok(Json(
        json!({"attachments": items.iter().map(attachment_json).collect::<Vec<_>>()}),
    ))
}

/// A file name safe to store and to send back: the last path component, no control
/// characters, at most 200 characters.
fn clean_filename(raw: &str, kind: FileKind) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = sangkien_domain::text::clean(base)
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    if cleaned.trim_matches('.').is_empty() {
        format!("tep-dinh-kem.{}", kind.extension())
    } else {
        cleaned
    }
}

fn upload_error(e: FileError, file_limit: u64, entry_left: u64) -> ApiError {
    match e {
        FileError::TooLarge { limit } => {
            let mb = |b: u64| format!("{:.1}", b as f64 / 1_000_000.0).replace('.', ",");
            let message = if limit < file_limit {
                format!(
                    "Tổng dung lượng tệp đính kèm của sáng kiến vượt giới hạn; chỉ còn được tải thêm {} MB.",
                    mb(entry_left)
                )
            } else {
                format!("Tệp lớn hơn giới hạn {} MB cho mỗi tệp.", mb(file_limit))
            };
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "file_too_large", message)
        }
        FileError::Refused(r) => {
            ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, r.code(), r.message_vi())
        }
        FileError::Io(err) => {
            tracing::error!(error = %err, "attachment storage failed");
            ApiError::internal()
        }
    }
}

/// Reads a multipart body with one `file` field and some short text fields (`csrf`
/// checked first when given): streams the file to disk within `limit` and checks its
/// type. Returns the text fields and the staged file with its name.
pub async fn receive_file(
    state: &AppState,
    multipart: Multipart,
    csrf: Option<&str>,
    text_fields: &[&str],
    limit: u64,
    file_error: impl Fn(FileError) -> ApiError,
) -> ApiResult<(Vec<(String, String)>, (String, sangkien_files::Staged))> {
    let (fields, staged) =
        receive_form(state, multipart, csrf, text_fields, limit, file_error).await?;
    let Some(staged) = staged else {
        return Err(ApiError::field("file", "Chưa chọn tệp để tải lên."));
    };
    Ok((fields, staged))
}

/// As [`receive_file`], the file being optional (an empty file field counts as none).
pub async fn receive_form(
    state: &AppState,
    mut multipart: Multipart,
    csrf: Option<&str>,
    text_fields: &[&str],
    limit: u64,
    file_error: impl Fn(FileError) -> ApiError,
) -> ApiResult<(
    Vec<(String, String)>,
    Option<(String, sangkien_files::Staged)>,
)> {
    let bad_form = |m: &str| ApiError::bad_request("malformed_multipart", m.to_string());
    let mut fields = Vec::new();
    let mut csrf_ok = csrf.is_none();
    let mut staged = None;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| bad_form("Không đọc được dữ liệu tải lên (multipart)."))?
    {
        let name = field.name().unwrap_or("").to_string();
        if name == "csrf" || text_fields.contains(&name.as_str()) {
            let mut value = Vec::new();
            while let Some(chunk) = field
                .chunk()
                .await
                .map_err(|_| bad_form("Không đọc được dữ liệu tải lên (multipart)."))?
            {
                value.extend_from_slice(&chunk);
                if value.len() > 5000 {
                    return Err(bad_form("Trường văn bản của biểu mẫu quá dài."));
                }
            }
            let value = String::from_utf8_lossy(&value).trim().to_string();
            if name == "csrf" {
                if let Some(expected) = csrf {
                    csrf_ok = crate::auth::same_secret(&value, expected);
                }
            } else {
                fields.push((name, value));
            }
        } else if name == "file" {
            if !csrf_ok {
                return Err(crate::pages::csrf_error());
            }
            if staged.is_some() {
                return Err(bad_form("Mỗi lần chỉ tải lên một tệp (trường «file»)."));
            }
            let filename = field.file_name().unwrap_or("").to_string();
            // The first chunk with bytes (some clients send empty ones first).
            let first = loop {
                match field.chunk().await {
                    Ok(Some(c)) if c.is_empty() => continue,
                    other => break other,
                }
            };
            if filename.is_empty() && matches!(first, Ok(None)) {
                // A browser's empty file input: no file chosen.
                continue;
            }
            let mut incoming = state.files.incoming(limit).await.map_err(&file_error)?;
            let mut next = Some(first);
            loop {
                let chunk = match next.take() {
                    Some(c) => c,
                    None => field.chunk().await,
                };
                match chunk {
                    Ok(Some(chunk)) => incoming.write(&chunk).await.map_err(&file_error)?,
                    Ok(None) => break,
                    Err(_) => {
                        incoming.discard().await;
                        return Err(bad_form("Tệp tải lên bị gián đoạn; hãy thử lại."));
                    }
                }
            }
            let done = incoming.finish().await.map_err(&file_error)?;
            staged = Some((filename, done));
        } else {
            let allowed: Vec<String> = text_fields
                .iter()
                .chain(["file"].iter())
                .map(|f| format!("«{f}»"))
                .collect();
            return Err(ApiError::field(
                &name,
                format!(
                    "Trường «{name}» không được hỗ trợ; chỉ dùng {}.",
                    allowed.join(", ")
                ),
            ));
        }
    }
    if !csrf_ok {
        return Err(crate::pages::csrf_error());
    }
    Ok((fields, staged))
}

/// Receives one attachment from a multipart body (fields `kind` and `file`; pages add
/// `csrf` first): streams it to disk within the contest's limits, checks its type,
/// stores it under its hash (synced), then records it. A submitted entry gets a new
/// version. `csrf` is checked when given.
pub async fn receive_upload(
    state: &AppState,
    user: &Account,
    id: i64,
    multipart: Multipart,
    csrf: Option<&str>,
) -> ApiResult<AttachmentRecord> {
    let (file_limit, entry_left) = {
        let mut conn = state.store.reader().await?;
        let (e, contest) = changeable(&mut conn, user, id).await?;
        check_changeable(&contest, &e, state.now())?;
        if e.status == EntryStatus::Withdrawn {
            return Err(withdrawn());
        }
        let used = store::attachment_bytes(&mut conn, id).await?.max(0) as u64;
        let file_limit = contest.settings.max_file_bytes();
        (
            file_limit,
            contest.settings.max_entry_bytes().saturating_sub(used),
        )
    };
    let started = Instant::now();
    let (fields, staged) = receive_file(
        state,
        multipart,
        csrf,
        &["kind"],
        file_limit.min(entry_left),
        |e| upload_error(e, file_limit, entry_left),
    )
    .await?;
    let received = Instant::now();
    let kind = fields
        .into_iter()
        .find(|(k, _)| k == "kind")
        .map_or_else(|| "supporting".to_string(), |(_, v)| v);
    let (filename, staged) = staged;
    if kind != "main" && kind != "supporting" {
        staged.discard().await;
        return Err(ApiError::field(
            "kind",
            "Loại tệp phải là main (văn bản sáng kiến) hoặc supporting (tài liệu kèm theo).",
        ));
    }
    if kind == "main" && staged.kind != FileKind::Pdf {
        staged.discard().await;
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "main_must_be_pdf",
            "Văn bản sáng kiến (tệp chính) phải là tệp PDF khổ A4.",
        ));
    }
    let (size, file_kind) = (staged.size, staged.kind);
    let sha = state
        .files
        .commit(staged)
        .await
        .map_err(|e| upload_error(e, file_limit, entry_left))?;
    let stored = Instant::now();
    // The file is on disk and synced; now the row that refers to it.
    let mut tx = state.store.begin().await?;
    let (e, contest) = changeable(&mut tx, user, id).await?;
    let now = state.now();
    check_changeable(&contest, &e, now)?;
    if e.status == EntryStatus::Withdrawn {
        return Err(withdrawn());
    }
    let actor = Actor::user(&user.username, now);
    let filename = clean_filename(&filename, file_kind);
    let record = store::add_attachment(
        &mut tx,
        &actor,
        &e,
        &NewAttachment {
            kind: &kind,
            filename: &filename,
            size: size as i64,
            sha256: &sha,
            content_type: file_kind.content_type(),
        },
    )
    .await?;
    if store::attachment_bytes(&mut tx, id).await?.max(0) as u64
        > contest.settings.max_entry_bytes()
    {
        return Err(upload_error(
            FileError::TooLarge { limit: 0 },
            file_limit,
            0,
        ));
    }
    if e.status == EntryStatus::Submitted {
        let attachments = require_complete(&mut tx, &e.content, id).await?;
        store::write_version_of(&mut tx, &actor, &e, &attachments).await?;
    }
    Store::commit(tx).await?;
    let m = &state.metrics;
    m.upload_phase(UploadPhase::Receive, received - started);
    m.upload_phase(UploadPhase::StoreFile, stored - received);
    m.upload_phase(UploadPhase::Record, stored.elapsed());
    Ok(record)
}

fn withdrawn() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "entry_withdrawn",
        "Sáng kiến đã rút; không thể thay đổi tệp đính kèm.",
    )
}

/// With an `Idempotency-Key`, a retried upload whose first attempt succeeded returns the
/// first attachment instead of adding a second. (The body is streamed, so the key is
/// bound to the entry, not to the file's bytes; the response is stored just after the
/// upload's own commit.)
async fn upload(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    key: IdemKey,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let request = idem::fingerprint(&format!("POST /entries/{id}/attachments"), b"");
    if key.0.is_some() {
        let mut tx = state.store.begin().await?;
        if let Some(r) = idem::replay(&mut tx, &user.0, &key, &request).await? {
            return Ok(r);
        }
    }
    let multipart = multipart.map_err(crate::extract::not_multipart)?;
    let record = receive_upload(&state, &user.0, id, multipart, None).await?;
    if key.0.is_none() {
        return Ok((StatusCode::CREATED, Json(attachment_json(&record))));
    }
    let tx = state.store.begin().await?;
    idem::commit(
        &state,
        tx,
        &user.0,
        &key,
        &request,
        StatusCode::CREATED,
        attachment_json(&record),
    )
    .await
}

/// Streams a stored attachment to a caller who may see the entry.
pub async fn send_attachment(
    state: &AppState,
    user: &Account,
    id: i64,
    aid: i64,
) -> ApiResult<Response> {
    let mut conn = state.store.reader().await?;
    let (e, _) = visible(&mut conn, user, id).await?;
    let a = store::get_attachment(&mut conn, e.id, aid)
        .await?
        .ok_or_else(|| ApiError::not_found("tệp đính kèm"))?;
    drop(conn);
    attachment_response(state, &a, "private, no-cache").await
}

/// Streams a stored attachment with its type, length, name and ETag.
pub async fn attachment_response(
    state: &AppState,
    a: &store::AttachmentRecord,
    cache_control: &'static str,
) -> ApiResult<Response> {
    let file = tokio::fs::File::open(state.files.path_of(&a.sha256))
        .await
        .map_err(|err| {
            tracing::error!(sha256 = %a.sha256, error = %err, "stored attachment unreadable");
            ApiError::internal()
        })?;
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
    let encoded: String = a
        .filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let fallback = format!(
        "tep-{}.{}",
        a.id,
        FileKind::from_content_type(&a.content_type).map_or("bin", |k| k.extension())
    );
    Ok((
        [
            (header::CONTENT_TYPE, a.content_type.clone()),
            (header::CONTENT_LENGTH, a.size.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"),
            ),
            (header::ETAG, format!("\"{}\"", a.sha256)),
            (header::CACHE_CONTROL, cache_control.to_string()),
        ],
        body,
    )
        .into_response())
}

async fn download(
    State(state): State<AppState>,
    user: ApiUser,
    Ids(id, aid): Ids,
) -> ApiResult<Response> {
    send_attachment(&state, &user.0, id, aid).await
}

/// Deletes an attachment of a draft that was never submitted.
pub async fn remove_attachment(
    state: &AppState,
    user: &Account,
    id: i64,
    aid: i64,
) -> ApiResult<()> {
    let mut tx = state.store.begin().await?;
    let (e, contest) = changeable(&mut tx, user, id).await?;
    let a = store::get_attachment(&mut tx, e.id, aid)
        .await?
        .ok_or_else(|| ApiError::not_found("tệp đính kèm"))?;
    let now = state.now();
    check_changeable(&contest, &e, now)?;
    if e.status != EntryStatus::Draft || e.version > 0 {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "entry_not_draft",
            "Chỉ xóa được tệp của bản nháp chưa nộp; sáng kiến đã nộp thì tải tệp mới lên để thay thế.",
        ));
    }
    store::delete_attachment(&mut tx, &Actor::user(&user.username, now), &e, &a).await?;
    Store::commit(tx).await?;
    Ok(())
}

async fn delete_attachment(
    State(state): State<AppState>,
    user: ApiUser,
    Ids(id, aid): Ids,
) -> ApiResult<StatusCode> {
    remove_attachment(&state, &user.0, id, aid).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn versions(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let organizer = user.require(&[Role::Organizer])?;
    let mut conn = state.store.reader().await?;
    let (e, _) = visible(&mut conn, organizer, id).await?;
    let items: Vec<Value> = store::versions(&mut conn, e.id)
        .await?
        .into_iter()
        .map(|v| {
            json!({"version": v.version, "submitted_at": time::rfc3339_vn(v.submitted_at),
                   "submitted_by": v.submitted_by, "content": v.content, "attachments": v.attachments})
        })
        .collect();
    Ok(Json(json!({"entry_id": e.id, "versions": items})))
}

/// The text the duplicate check compares: title, field and every description section.
fn comparable_text(c: &EntryContent) -> String {
    let mut text = format!("{}\n{}\n", c.title, c.field_of_application);
    for (_, _, section) in c.description.sections() {
        text.push_str(section);
        text.push('\n');
    }
    text
}

/// The entries most similar to one entry, among the submitted entries of its contest
/// and of earlier contests; most similar first.
pub async fn similar_entries(
    conn: &mut Conn,
    e: &EntryRecord,
    limit: usize,
) -> ApiResult<Vec<Value>> {
    let me = similarity::shingles(&comparable_text(&e.content));
    let mut scored: Vec<(f64, i64, i64, String, String)> = store::texts(conn)
        .await?
        .into_iter()
        .filter(|(id, contest_id, _, _)| *id != e.id && *contest_id <= e.contest_id)
        .map(|(id, contest_id, unit, content)| {
            let s = similarity::jaccard(&me, &similarity::shingles(&comparable_text(&content)));
            (s, id, contest_id, unit, content.title)
        })
        .filter(|(s, ..)| *s > 0.0)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    Ok(scored
        .into_iter()
        .take(limit)
        .map(|(s, id, contest_id, unit, title)| {
            json!({"entry_id": id, "title": title, "unit_code": unit, "contest_id": contest_id,
                   "similarity": (s * 1000.0).round() / 1000.0})
        })
        .collect())
}

async fn similar(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let organizer = user.require(&[Role::Organizer])?;
    let mut conn = state.store.reader().await?;
    let (e, _) = visible(&mut conn, organizer, id).await?;
    Ok(Json(Value::Array(
        similar_entries(&mut conn, &e, 10).await?,
    )))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScreeningBody {
    pub eligible: bool,
    #[serde(default)]
    pub reason: String,
}

/// Records a screening decision on a submitted entry while the contest is `closed`.
pub async fn screen_entry(
    state: &AppState,
    user: &Account,
    id: i64,
    body: &ScreeningBody,
) -> ApiResult<EntryRecord> {
    if user.role != Role::Organizer {
        return Err(ApiError::forbidden());
    }
    let reason = entry::validate_screening(body.eligible, &body.reason)?;
    let mut tx = state.store.begin().await?;
    let (e, contest) = visible(&mut tx, user, id).await?;
    if contest.state != ContestState::Closed {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "invalid_state",
            "Chỉ sơ loại (xét điều kiện) khi cuộc thi ở trạng thái \"Đã hết hạn nộp\" (closed).",
        )
        .with_details(json!({"state": contest.state.as_str(), "needs": "closed"})));
    }
    if e.status != EntryStatus::Submitted {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "entry_not_submitted",
            "Chỉ xét điều kiện các sáng kiến đã nộp.",
        ));
    }
    store::screen(
        &mut tx,
        &Actor::user(&user.username, state.now()),
        &e,
        body.eligible,
        &reason,
    )
    .await?;
    let updated = store::get(&mut tx, id).await?.ok_or_else(not_found)?;
    Store::commit(tx).await?;
    Ok(updated)
}

async fn screening(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<ScreeningBody>,
) -> ApiResult<Json<Value>> {
    let e = screen_entry(&state, &user.0, id, &body).await?;
    let mut conn = state.store.reader().await?;
    let contest = visible_contest(&mut conn, &user.0, e.contest_id).await?;
    Ok(Json(entry_json(&mut conn, &e, &contest).await?))
}
