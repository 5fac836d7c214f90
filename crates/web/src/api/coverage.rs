//! Coverage and reminders (SPEC §3.3): `GET /contests/{id}/coverage`,
//! `POST /contests/{id}/reminders`, `POST/GET /contests/{id}/extensions`,
//! `GET /contests/{id}/outbox`, `GET /notifications`.

use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    routing::{get, post},
};
use sangkien_domain::{account::Role, contest::ContestState, entry, time};
use sangkien_storage::{
    Conn, Store, account::Account, audit::Actor, contest::ContestRecord, entry as entries, message,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    AppState,
    api::contest::visible as visible_contest,
    auth::ApiUser,
    error::{ApiError, ApiResult},
    extract::{ApiJson, Id, Paging},
    idem::{self, IdemKey},
    jobs,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contests/{id}/coverage", get(coverage))
        .route("/contests/{id}/reminders", post(remind))
        .route(
            "/contests/{id}/extensions",
            get(list_extensions).post(extend),
        )
        .route("/contests/{id}/outbox", get(outbox))
        .route("/notifications", get(notifications))
}

/// One coverage line with the derived fields.
#[derive(Debug, Clone)]
pub struct CoverageLine {
    pub row: entries::CoverageRow,
    pub meets_minimum: bool,
    pub extension_until: Option<i64>,
}

/// The coverage of a contest for organizers and viewers.
pub async fn coverage_of(conn: &mut Conn, contest: &ContestRecord) -> ApiResult<Vec<CoverageLine>> {
    let extensions = entries::extensions(conn, contest.id).await?;
    let min = contest.settings.min_entries_per_unit;
    Ok(entries::coverage(conn, contest.id)
        .await?
        .into_iter()
        .map(|row| CoverageLine {
            meets_minimum: row.submitted >= min,
            extension_until: extensions
                .iter()
                .find(|x| x.unit_code == row.unit_code)
                .map(|x| x.until),
            row,
        })
        .collect())
}

pub fn coverage_json(contest: &ContestRecord, lines: &[CoverageLine]) -> Value {
    let units: Vec<Value> = lines
        .iter()
        .map(|l| {
            json!({"unit_code": l.row.unit_code, "unit_name": l.row.unit_name,
                   "submitted": l.row.submitted, "drafts": l.row.drafts,
                   "meets_minimum": l.meets_minimum,
                   "last_reminded_at": l.row.last_reminded_at.map(time::rfc3339_vn),
                   "extension_until": l.extension_until.map(time::rfc3339_vn)})
        })
        .collect();
    let below: Vec<&str> = lines
        .iter()
        .filter(|l| !l.meets_minimum)
        .map(|l| l.row.unit_code.as_str())
        .collect();
    json!({
        "contest_id": contest.id,
        "min_entries_per_unit": contest.settings.min_entries_per_unit,
        "submission_deadline": time::rfc3339_vn(contest.settings.submission_deadline),
        "units": units,
        "totals": {
            "units": lines.len(),
            "units_meeting_minimum": lines.len() - below.len(),
            "submitted": lines.iter().map(|l| l.row.submitted).sum::<i64>(),
            "drafts": lines.iter().map(|l| l.row.drafts).sum::<i64>(),
        },
        "below_minimum": below,
    })
}

async fn coverage(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let user = user.require(&[Role::Organizer, Role::Viewer])?;
    let mut conn = state.store.reader().await?;
    let contest = visible_contest(&mut conn, user, id).await?;
    let lines = coverage_of(&mut conn, &contest).await?;
    Ok(Json(coverage_json(&contest, &lines)))
}

pub fn message_json(m: &message::MessageRecord) -> Value {
    json!({"id": m.id, "contest_id": m.contest_id, "unit_code": m.unit_code, "username": m.username,
           "full_name": m.full_name, "kind": m.kind, "subject": m.subject, "body": m.body,
           "email": m.email, "state": m.state, "attempts": m.attempts, "last_error": m.last_error,
           "created_at": time::rfc3339_vn(m.created_at), "sent_at": m.sent_at.map(time::rfc3339_vn)})
}

/// Queues reminders now to the focal users of every unit below the minimum; the
/// contest must be open.
pub async fn remind_now(
    state: &AppState,
    tx: &mut Conn,
    user: &Account,
    id: i64,
) -> ApiResult<Value> {
    if user.role != Role::Organizer {
        return Err(ApiError::forbidden());
    }
    let contest = visible_contest(tx, user, id).await?;
    let now = state.now();
    let outcome = match contest.state {
        ContestState::Open => jobs::queue_reminders(tx, &contest, now).await?,
        // During judging the reminders go to judges with unfinished sheets.
        ContestState::Judging => jobs::queue_judge_reminders(tx, &contest, now).await?,
        _ => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "invalid_state",
                "Chỉ gửi nhắc khi cuộc thi đang nhận bài (nhắc các đơn vị) hoặc đang chấm (nhắc thành viên Hội đồng).",
            )
            .with_details(json!({"state": contest.state.as_str(), "needs": "open|judging"})));
        }
    };
    sangkien_storage::audit::append(
        tx,
        &Actor::user(&user.username, now),
        sangkien_storage::audit::Event {
            action: "contest.remind",
            object_type: "contest",
            object_id: id.to_string(),
            contest_id: Some(id),
            before: None,
            after: Some(json!({"messages": outcome.message_ids.len(), "units": outcome.units})),
        },
    )
    .await?;
    let mut items = Vec::new();
    for mid in &outcome.message_ids {
        if let Some(m) = message::get(tx, *mid).await? {
            items.push(message_json(&m));
        }
    }
    Ok(json!({"messages": items, "units": outcome.units, "unreachable_units": outcome.unreachable}))
}

async fn remind(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    key: IdemKey,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let request = idem::fingerprint(&format!("POST /contests/{id}/reminders"), b"");
    let mut tx = state.store.begin().await?;
    if let Some(r) = idem::replay(&mut tx, &user.0, &key, &request).await? {
        return Ok(r);
    }
    let body = remind_now(&state, &mut tx, &user.0, id).await?;
    idem::commit(&state, tx, &user.0, &key, &request, StatusCode::OK, body).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtensionBody {
    pub unit_code: String,
    pub until: String,
    pub reason: String,
}

/// Grants a unit a later deadline (audited).
pub async fn grant_extension(
    state: &AppState,
    user: &Account,
    id: i64,
    body: &ExtensionBody,
) -> ApiResult<()> {
    if user.role != Role::Organizer {
        return Err(ApiError::forbidden());
    }
    let mut tx = state.store.begin().await?;
    let contest = visible_contest(&mut tx, user, id).await?;
    if !matches!(contest.state, ContestState::Open | ContestState::Closed) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "invalid_state",
            "Chỉ gia hạn nộp bài khi cuộc thi đang nhận bài hoặc vừa hết hạn (open, closed).",
        )
        .with_details(json!({"state": contest.state.as_str()})));
    }
    let code = body.unit_code.trim();
    if !contest
        .settings
        .participant_unit_codes
        .iter()
        .any(|c| c == code)
    {
        return Err(ApiError::field(
            "unit_code",
            format!("Đơn vị «{code}» không tham gia cuộc thi này."),
        ));
    }
    let (until, reason) = entry::validate_extension(&contest.settings, &body.until, &body.reason)?;
    entries::put_extension(
        &mut tx,
        &Actor::user(&user.username, state.now()),
        id,
        code,
        until,
        &reason,
    )
    .await?;
    Store::commit(tx).await?;
    Ok(())
}

fn extensions_json(list: &[entries::Extension]) -> Value {
    json!({"extensions": list.iter().map(|x| json!({
        "unit_code": x.unit_code, "until": time::rfc3339_vn(x.until), "reason": x.reason,
        "granted_by": x.granted_by, "granted_at": time::rfc3339_vn(x.granted_at)})).collect::<Vec<_>>()})
}

async fn extend(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<ExtensionBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    grant_extension(&state, &user.0, id, &body).await?;
    let mut conn = state.store.reader().await?;
    Ok((
        StatusCode::CREATED,
        Json(extensions_json(&entries::extensions(&mut conn, id).await?)),
    ))
}

async fn list_extensions(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let user = user.require(&[Role::Organizer, Role::Viewer])?;
    let mut conn = state.store.reader().await?;
    visible_contest(&mut conn, user, id).await?;
    Ok(Json(extensions_json(
        &entries::extensions(&mut conn, id).await?,
    )))
}

async fn outbox(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    paging: Paging,
) -> ApiResult<Json<Value>> {
    let organizer = user.require(&[Role::Organizer])?;
    let mut conn = state.store.reader().await?;
    visible_contest(&mut conn, organizer, id).await?;
    let (items, total) = message::list(
        &mut conn,
        message::Mailbox::Contest(id),
        paging.per_page,
        paging.offset(),
    )
    .await?;
    Ok(Json(
        json!({"items": items.iter().map(message_json).collect::<Vec<_>>(),
                   "page": paging.page, "per_page": paging.per_page, "total": total}),
    ))
}

async fn notifications(
    State(state): State<AppState>,
    user: ApiUser,
    paging: Paging,
) -> ApiResult<Json<Value>> {
    let mut conn = state.store.reader().await?;
    let (items, total) = message::list(
        &mut conn,
        message::Mailbox::Account(user.0.id),
        paging.per_page,
        paging.offset(),
    )
    .await?;
    Ok(Json(
        json!({"items": items.iter().map(message_json).collect::<Vec<_>>(),
                   "page": paging.page, "per_page": paging.per_page, "total": total}),
    ))
}
