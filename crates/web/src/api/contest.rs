//! Contests: `GET/POST /contests`, `GET/PATCH /contests/{id}`,
//! `POST /contests/{id}/transition`, `GET /contests/{id}/audit`.

use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    routing::{get, post},
};
use sangkien_domain::{
    account::Role,
    contest::{self, ContestInput, ContestState},
    time,
};
use sangkien_storage::{
    Conn, Store,
    account::Account,
    audit::{self, Actor},
    contest::{self as store, ContestRecord},
    unit,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    AppState,
    auth::ApiUser,
    error::{ApiError, ApiResult},
    extract::{ApiJson, Id, Paging, parse_json},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contests", get(list).post(create))
        .route("/contests/{id}", get(show).patch(update))
        .route("/contests/{id}/transition", post(transition))
        .route("/contests/{id}/audit", get(audit_log))
}

/// The contest as the API shows it: the settings in their input shape plus id, state,
/// the transitions allowed next, and derived figures.
pub fn contest_json(r: &ContestRecord) -> Value {
    let mut v = serde_json::to_value(r.settings.to_input()).unwrap_or_default();
    v["id"] = json!(r.id);
    v["state"] = json!(r.state.as_str());
    v["allowed_transitions"] = json!(
        contest::targets_from(r.state)
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
    );
    v["rubric_total"] = json!(r.settings.rubric_total());
    v["prize_budget_vnd"] = json!(r.settings.prize_budget_vnd());
    v["created_at"] = json!(time::rfc3339_vn(r.created_at));
    v["updated_at"] = json!(time::rfc3339_vn(r.updated_at));
    v
}

/// Loads a contest the account may see; 404 otherwise (also for contests that exist
/// but are hidden from this account).
pub async fn visible(conn: &mut Conn, user: &Account, id: i64) -> ApiResult<ContestRecord> {
    let record = store::get(conn, id)
        .await?
        .ok_or_else(|| ApiError::not_found("cuộc thi"))?;
    visible_record(conn, user, record).await
}

/// [`visible`] for a contest already read.
pub async fn visible_record(
    conn: &mut Conn,
    user: &Account,
    record: ContestRecord,
) -> ApiResult<ContestRecord> {
    let not_found = || ApiError::not_found("cuộc thi");
    let id = record.id;
    let participates =
        user.role == Role::Focal && store::is_participant(conn, id, &user.unit_code).await?;
    // An organizer runs the contests of their own unit: the province's, or a unit's
    // internal contest (SPEC §3.9); the others do not exist for them.
    if user.role == Role::Organizer && record.settings.organizer_unit_code != user.unit_code {
        return Err(not_found());
    }
    if contest::can_view(user.role, record.state, participates) {
        Ok(record)
    } else {
        Err(not_found())
    }
}

/// The contests an account may see.
pub async fn visible_list(
    conn: &mut Conn,
    user: &Account,
) -> ApiResult<Vec<store::ContestSummary>> {
    Ok(match user.role {
        Role::Focal => store::list_for_participant(conn, &user.unit_code).await?,
        Role::Organizer => store::list(conn)
            .await?
            .into_iter()
            .filter(|c| c.organizer_unit_code == user.unit_code)
            .collect(),
        _ => store::list(conn).await?,
    })
}

async fn list(State(state): State<AppState>, user: ApiUser) -> ApiResult<Json<Value>> {
    let mut conn = state.store.reader().await?;
    let items: Vec<Value> = visible_list(&mut conn, &user.0)
        .await?
        .iter()
        .map(|c| {
            json!({
                "id": c.id, "title": c.title, "year": c.year, "state": c.state.as_str(),
                "organizer_unit_code": c.organizer_unit_code,
                "opens_at": time::rfc3339_vn(c.opens_at),
                "submission_deadline": time::rfc3339_vn(c.submission_deadline),
            })
        })
        .collect();
    Ok(Json(json!({"contests": items})))
}

async fn show(State(state): State<AppState>, user: ApiUser, Id(id): Id) -> ApiResult<Json<Value>> {
    let mut conn = state.store.reader().await?;
    Ok(Json(contest_json(&visible(&mut conn, &user.0, id).await?)))
}

async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(input): ApiJson<ContestInput>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let organizer = user.require(&[Role::Organizer])?;
    let mut tx = state.store.begin().await?;
    let units = unit::active_codes(&mut tx).await?;
    let settings = contest::validate(&input, &|c| units.contains(c))?;
    if settings.organizer_unit_code != organizer.unit_code {
        return Err(ApiError::field(
            "organizer_unit_code",
            "Bạn chỉ tạo được cuộc thi do đơn vị mình tổ chức.",
        ));
    }
    check_parent(&mut tx, &settings, None).await?;
    let record = store::create(
        &mut tx,
        &Actor::user(&organizer.username, state.now()),
        &settings,
    )
    .await?;
    Store::commit(tx).await?;
    Ok((StatusCode::CREATED, Json(contest_json(&record))))
}

/// An internal contest's parent must exist, be another contest, and count the internal
/// contest's organizer unit among its participants (forwarded winners are its entries).
async fn check_parent(
    conn: &mut Conn,
    settings: &sangkien_domain::contest::ContestSettings,
    own_id: Option<i64>,
) -> ApiResult<()> {
    let Some(parent_id) = settings.parent_contest_id else {
        return Ok(());
    };
    if Some(parent_id) == own_id {
        return Err(ApiError::field(
            "parent_contest_id",
            "Cuộc thi không thể là cấp trên của chính nó.",
        ));
    }
    let Some(parent) = store::get(conn, parent_id).await? else {
        return Err(ApiError::field(
            "parent_contest_id",
            "Không có cuộc thi cấp trên với mã này.",
        ));
    };
    if !parent
        .settings
        .participant_unit_codes
        .contains(&settings.organizer_unit_code)
    {
        return Err(ApiError::field(
            "parent_contest_id",
            format!(
                "Đơn vị tổ chức ({}) không có trong danh sách đơn vị tham gia cuộc thi cấp trên «{}».",
                settings.organizer_unit_code, parent.settings.title
            ),
        ));
    }
    Ok(())
}

/// PATCH replaces the top-level fields it names and validates the result as a whole.
async fn update(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(patch): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    let organizer = user.require(&[Role::Organizer])?.clone();
    let Value::Object(fields) = patch else {
        return Err(ApiError::field(
            "body",
            "Nội dung sửa đổi phải là một đối tượng JSON.",
        ));
    };
    let mut tx = state.store.begin().await?;
    let before = visible(&mut tx, &organizer, id).await?;
    let mut merged = serde_json::to_value(before.settings.to_input()).unwrap_or_default();
    for (k, v) in fields {
        merged[k] = v;
    }
    let input: ContestInput = parse_json(merged.to_string().as_bytes())?;
    let units = unit::active_codes(&mut tx).await?;
    let after = contest::validate(&input, &|c| {
        units.contains(c)
            || before
                .settings
                .participant_unit_codes
                .iter()
                .any(|p| p == c)
    })?;
    contest::change_allowed(before.state, &before.settings, &after)?;
    if after.organizer_unit_code != organizer.unit_code {
        return Err(ApiError::field(
            "organizer_unit_code",
            "Không thể chuyển cuộc thi sang đơn vị tổ chức khác.",
        ));
    }
    check_parent(&mut tx, &after, Some(id)).await?;
    if after != before.settings {
        store::update(
            &mut tx,
            &Actor::user(&organizer.username, state.now()),
            &before,
            &after,
        )
        .await?;
    }
    let record = store::get(&mut tx, id)
        .await?
        .ok_or_else(|| ApiError::not_found("cuộc thi"))?;
    Store::commit(tx).await?;
    Ok(Json(contest_json(&record)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TransitionBody {
    to: String,
    #[serde(default)]
    reason: Option<String>,
}

/// Moves a contest along its state machine for the caller; shared by the API and pages.
pub async fn apply_transition(
    state: &AppState,
    user: &Account,
    id: i64,
    to: &str,
    reason: Option<&str>,
) -> ApiResult<ContestRecord> {
    let Some(to) = ContestState::parse(to.trim()) else {
        return Err(ApiError::field(
            "to",
            "Trạng thái đích phải là một trong: open, closed, judging, deliberation, approved, published, archived.",
        ));
    };
    let mut tx = state.store.begin().await?;
    let record = visible(&mut tx, user, id).await?;
    let now = state.now();
    contest::check_transition(&record.settings, record.state, to, user.role, now, reason)?;
    if to == ContestState::Judging && record.state == ContestState::Closed {
        crate::api::judging::check_ready_for_judging(&mut tx, &record).await?;
    }
    if to == ContestState::Approved {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "decision_required",
            "Phê duyệt khen thưởng cần số, ngày và người ký quyết định: dùng «Phê duyệt khen thưởng» (POST /contests/{id}/awards/approve).",
        ));
    }
    if to == ContestState::Published {
        crate::api::award::publish(&mut tx, user, id, now).await?;
    }
    if !store::set_state(
        &mut tx,
        &Actor::user(&user.username, now),
        id,
        record.state,
        to,
        reason,
    )
    .await?
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "concurrent_change",
            "Cuộc thi vừa được người khác chuyển trạng thái; hãy tải lại trang.",
        ));
    }
    let updated = store::get(&mut tx, id)
        .await?
        .ok_or_else(|| ApiError::not_found("cuộc thi"))?;
    Store::commit(tx).await?;
    Ok(updated)
}

async fn transition(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<TransitionBody>,
) -> ApiResult<Json<Value>> {
    let record = apply_transition(&state, &user.0, id, &body.to, body.reason.as_deref()).await?;
    Ok(Json(contest_json(&record)))
}

async fn audit_log(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    paging: Paging,
) -> ApiResult<Json<Value>> {
    let organizer = user.require(&[Role::Organizer])?;
    let mut conn = state.store.reader().await?;
    visible(&mut conn, organizer, id).await?;
    let (items, total) =
        audit::list_for_contest(&mut conn, id, paging.per_page, paging.offset()).await?;
    let items: Vec<Value> = items
        .into_iter()
        .map(|r| {
            let mut v = json!(r);
            v["at"] = json!(time::rfc3339_vn(r.at));
            v
        })
        .collect();
    Ok(Json(
        json!({"items": items, "page": paging.page, "per_page": paging.per_page, "total": total}),
    ))
}
