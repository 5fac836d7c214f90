//! Entries (SPEC §3.2): `GET/POST /contests/{id}/entries`, `GET/PATCH /entries/{id}`,
//! attachments, submit, withdraw, versions, the duplicate check and screening.

use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, Multipart, State},
    http::StatusCode,
    response::Response,
    routing::{get, post},
};
use sangkien_app::{
    Error,
    entry::{
        self, attachment,
        change::{self, NewEntry, Screening},
    },
};
use sangkien_domain::{entry::EntryContent, time};
use serde_json::{Value, json};

use super::{
    idem::{IdemKey, answer},
    json, reply,
};
use crate::{
    AppState,
    auth::ApiUser,
    download,
    error::ApiResult,
    extract::{ApiJson, Id, Ids, Paging, parse_json},
    upload,
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

async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    Id(contest_id): Id,
    Paging(paging): Paging,
) -> ApiResult<Json<Value>> {
    let filter = sangkien_storage::entry::EntryFilter::default();
    let (_, listed) = entry::list(&state, &user.0, contest_id, filter, paging).await?;
    let items: Vec<Value> = listed
        .items
        .iter()
        .map(|e| {
            json!({
                "id": e.id, "title": e.title, "unit_code": e.unit_code, "unit_name": e.unit_name,
                "topic_code": e.topic_code, "form": e.form, "status": e.status.as_str(),
                "version": e.version, "submitted_at": e.submitted_at.map(time::rfc3339_vn),
                "eligible": e.eligible, "updated_at": time::rfc3339_vn(e.updated_at),
            })
        })
        .collect();
    Ok(Json(
        json!({"items": items, "page": paging.page, "per_page": paging.per_page, "total": listed.total}),
    ))
}

async fn show(State(state): State<AppState>, user: ApiUser, Id(id): Id) -> ApiResult<Json<Value>> {
    Ok(reply(&entry::get(&state, &user.0, id).await?))
}

/// Splits the organizer's `unit_code` off an entry body.
fn split_unit(mut body: Value) -> Result<NewEntry, Error> {
    let Value::Object(map) = &mut body else {
        return Err(Error::field("body", "Nội dung phải là một đối tượng JSON."));
    };
    let unit_code = match map.remove("unit_code") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.trim().to_string()),
        Some(_) => {
            return Err(Error::field(
                "unit_code",
                "Trường «unit_code» phải là một chuỗi ký tự.",
            ));
        }
    };
    let content = parse_json(body.to_string().as_bytes())?;
    Ok(NewEntry { unit_code, content })
}

async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    Id(contest_id): Id,
    key: IdemKey,
    ApiJson(body): ApiJson<Value>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    sangkien_app::require(
        &user.0,
        &[
            sangkien_domain::account::Role::Organizer,
            sangkien_domain::account::Role::Focal,
        ],
    )?;
    let key = key.of(
        &format!("POST /contests/{contest_id}/entries"),
        body.to_string().as_bytes(),
        StatusCode::CREATED,
    );
    let outcome = change::create(&state, &user.0, contest_id, key.as_ref(), || {
        split_unit(body)
    })
    .await?;
    answer(outcome, StatusCode::CREATED)
}

async fn update(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(patch): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    let Value::Object(fields) = patch else {
        return Err(Error::field("body", "Nội dung sửa đổi phải là một đối tượng JSON.").into());
    };
    let detail = change::update(&state, &user.0, id, |before| {
        let mut merged = serde_json::to_value(before).unwrap_or_default();
        for (k, v) in fields {
            merged[k] = v;
        }
        parse_json::<EntryContent>(merged.to_string().as_bytes())
    })
    .await?;
    Ok(reply(&detail))
}

/// A submission's body: the authors' sworn statement, ticked.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SubmitBody {
    #[serde(default)]
    sworn: bool,
}

async fn submit(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    key: IdemKey,
    body: axum::body::Bytes,
) -> ApiResult<(StatusCode, Json<Value>)> {
    // No body at all is a submission without the statement: refused with its reason.
    let sworn = if body.iter().all(u8::is_ascii_whitespace) {
        false
    } else {
        parse_json::<SubmitBody>(&body)?.sworn
    };
    let key = key.of(&format!("POST /entries/{id}/submit"), &body, StatusCode::OK);
    answer(
        change::submit(&state, &user.0, id, sworn, key.as_ref()).await?,
        StatusCode::OK,
    )
}

async fn withdraw(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    key: IdemKey,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let key = key.of(&format!("POST /entries/{id}/withdraw"), b"", StatusCode::OK);
    answer(
        change::withdraw(&state, &user.0, id, key.as_ref()).await?,
        StatusCode::OK,
    )
}

async fn list_attachments(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let items = entry::attachments(&state, &user.0, id).await?;
    let items: Vec<Value> = items
        .iter()
        .map(sangkien_app::entry::EntryDetail::attachment_json)
        .collect();
    Ok(Json(json!({"attachments": items})))
}

/// With an `Idempotency-Key`, a retried upload whose first attempt succeeded returns the
/// first attachment instead of adding a second.
async fn upload(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    key: IdemKey,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let key = key.of(
        &format!("POST /entries/{id}/attachments"),
        b"",
        StatusCode::CREATED,
    );
    if let Some(stored) = attachment::replayed(&state, &user.0, key.as_ref()).await? {
        return answer::<sangkien_app::entry::attachment::Attachment>(
            sangkien_app::idem::Outcome::Replayed(stored),
            StatusCode::CREATED,
        );
    }
    let multipart = multipart.map_err(crate::extract::not_multipart)?;
    let record = upload::attachment(&state, &user.0, id, multipart, None).await?;
    answer(
        attachment::remember(&state, &user.0, key.as_ref(), record).await?,
        StatusCode::CREATED,
    )
}

async fn download(
    State(state): State<AppState>,
    user: ApiUser,
    Ids(id, aid): Ids,
) -> ApiResult<Response> {
    let a = attachment::get(&state, &user.0, id, aid).await?;
    Ok(download::attachment(&state, &a, "private, no-cache").await?)
}

async fn delete_attachment(
    State(state): State<AppState>,
    user: ApiUser,
    Ids(id, aid): Ids,
) -> ApiResult<StatusCode> {
    attachment::remove(&state, &user.0, id, aid).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn versions(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let items: Vec<Value> = entry::versions(&state, &user.0, id)
        .await?
        .into_iter()
        .map(|v| {
            json!({"version": v.version, "submitted_at": time::rfc3339_vn(v.submitted_at),
                   "submitted_by": v.submitted_by, "content": v.content, "attachments": v.attachments,
                   "sworn": v.sworn})
        })
        .collect();
    Ok(Json(json!({"entry_id": id, "versions": items})))
}

async fn similar(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    Ok(json(&entry::similar(&state, &user.0, id, 10).await?))
}

async fn screening(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<Screening>,
) -> ApiResult<Json<Value>> {
    Ok(reply(&change::screen(&state, &user.0, id, &body).await?))
}
