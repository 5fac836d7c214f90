//! Judging (SPEC §3.4, §3.5): the council, conflicts of interest, assignments, score
//! sheets and the ranking.

use std::collections::{BTreeMap, HashSet};

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    routing::{get, post, put},
};
use sangkien_domain::{
    account::Role,
    contest::ContestState,
    judging::{
        self, EntrySheets, Sheet,
        assign::{self, AssignError, Instance},
        council as rules,
    },
    time,
};
use sangkien_storage::{
    Conn, Store,
    account::{self, Account},
    audit::Actor,
    contest::ContestRecord,
    entry::{self as entries, EntryRecord},
    judging::{self as store, Member},
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    AppState,
    api::contest::visible as visible_contest,
    auth::ApiUser,
    error::{ApiError, ApiResult},
    extract::{ApiJson, Id},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contests/{id}/council", put(put_council).get(get_council))
        .route(
            "/contests/{id}/conflicts",
            post(declare).get(list_conflicts),
        )
        .route(
            "/contests/{id}/assignments",
            post(make_assignments).get(list_assignments),
        )
        .route("/contests/{id}/my-assignments", get(my_assignments))
        .route("/contests/{id}/ranking", get(ranking))
        .route("/contests/{id}/progress", get(progress))
        .route("/entries/{id}/scores/mine", put(save_mine).get(get_mine))
        .route("/entries/{id}/scores/mine/submit", post(submit_mine))
        .route("/entries/{id}/scores", get(entry_scores))
        .route("/entries/{id}/scores/{username}/unlock", post(unlock))
}

fn conflict_state(state: ContestState, needs: &str, message: &str) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, "invalid_state", message.to_string())
        .with_details(json!({"state": state.as_str(), "needs": needs}))
}

/// The council member record of an account in a contest, if any.
pub async fn membership(
    conn: &mut Conn,
    contest_id: i64,
    account: &Account,
) -> ApiResult<Option<Member>> {
    Ok(store::member(conn, contest_id, account.id).await?)
}

/// The entries that take part in judging: submitted and not screened out.
pub async fn eligible_entries(conn: &mut Conn, contest_id: i64) -> ApiResult<Vec<EntryRecord>> {
    Ok(entries::judged(conn, contest_id).await?)
}

/// Every (entry, username) pair in conflict: automatic (same unit, author) and declared.
pub async fn conflicts(
    conn: &mut Conn,
    contest_id: i64,
    list: &[EntryRecord],
    members: &[Member],
) -> ApiResult<BTreeMap<(i64, String), String>> {
    let mut out = BTreeMap::new();
    for e in list {
        let authors: Vec<&str> = e
            .content
            .authors
            .iter()
            .map(|a| a.full_name.as_str())
            .collect();
        for m in members {
            if let Some(reason) =
                rules::automatic_conflict(&m.unit_code, &m.full_name, &e.unit_code, &authors)
            {
                out.insert((e.id, m.username.clone()), reason.to_string());
            }
        }
    }
    for d in store::declared_conflicts(conn, contest_id).await? {
        out.entry((d.entry_id, d.username)).or_insert(d.reason);
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Decision {
    number: String,
    date: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberInput {
    username: String,
    role: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CouncilBody {
    decision: Decision,
    members: Vec<MemberInput>,
}

fn council_json(c: Option<&store::Council>) -> Value {
    match c {
        None => json!({"decision": null, "members": []}),
        Some(c) => json!({
            "decision": {"number": c.decision_number, "date": c.decision_date},
            "members": c.members.iter().map(|m| json!({
                "username": m.username, "full_name": m.full_name, "unit_code": m.unit_code,
                "role": m.role, "role_label": rules::role_label(&m.role)})).collect::<Vec<_>>(),
        }),
    }
}

async fn put_council(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<CouncilBody>,
) -> ApiResult<Json<Value>> {
    let pairs: Vec<(String, String)> = body
        .members
        .iter()
        .map(|m| (m.username.trim().to_string(), m.role.trim().to_string()))
        .collect();
    Ok(Json(
        set_council(
            &state,
            &user.0,
            id,
            &body.decision.number,
            &body.decision.date,
            &pairs,
        )
        .await?,
    ))
}

/// Sets up (or replaces) a contest's council before judging; shared with the page.
pub async fn set_council(
    state: &AppState,
    organizer: &Account,
    id: i64,
    number: &str,
    date: &str,
    pairs: &[(String, String)],
) -> ApiResult<Value> {
    if organizer.role != Role::Organizer {
        return Err(ApiError::forbidden());
    }
    let (number, date) = rules::validate(number, date, pairs)?;
    let mut tx = state.store.begin().await?;
    let contest = visible_contest(&mut tx, organizer, id).await?;
    if contest.state >= ContestState::Judging {
        return Err(conflict_state(
            contest.state,
            "draft|open|closed",
            "Chỉ thành lập hoặc thay đổi Hội đồng trước khi bắt đầu chấm điểm.",
        ));
    }
    let mut members = Vec::new();
    let mut e = sangkien_domain::ValidationErrors::new();
    for (i, (username, role)) in pairs.iter().enumerate() {
        match account::get(&mut tx, username).await? {
            Some(a) if a.active => members.push((a.id, role.clone())),
            _ => e.add(
                format!("members[{i}].username"),
                format!("Không có người dùng đang hoạt động «{username}»."),
            ),
        }
    }
    e.into_result(())?;
    store::put_council(
        &mut tx,
        &Actor::user(&organizer.username, state.now()),
        id,
        &number,
        &date,
        &members,
    )
    .await?;
    let council = store::council(&mut tx, id).await?;
    Store::commit(tx).await?;
    Ok(council_json(council.as_ref()))
}

async fn get_council(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let mut conn = state.store.reader().await?;
    visible_contest(&mut conn, &user.0, id).await?;
    let council = store::council(&mut conn, id).await?;
    Ok(Json(council_json(council.as_ref())))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConflictBody {
    pub username: String,
    pub entry_id: i64,
    pub reason: String,
}

async fn declare(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<ConflictBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    Ok((
        StatusCode::CREATED,
        Json(declare_conflict(&state, &user.0, id, &body).await?),
    ))
}

/// Declares a conflict: by an organizer for any member, or by a member for themself.
pub async fn declare_conflict(
    state: &AppState,
    caller: &Account,
    id: i64,
    body: &ConflictBody,
) -> ApiResult<Value> {
    let mut e = sangkien_domain::ValidationErrors::new();
    let reason = sangkien_domain::text::check(&mut e, "reason", "Lý do", &body.reason, 1, 1000);
    e.into_result(())?;
    let mut tx = state.store.begin().await?;
    let contest = visible_contest(&mut tx, caller, id).await?;
    let me = membership(&mut tx, id, caller).await?;
    let declaring_for_self = me.as_ref().is_some_and(|m| m.username == body.username);
    if caller.role != Role::Organizer && !declaring_for_self {
        return Err(ApiError::forbidden());
    }
    let judge = store::members(&mut tx, id)
        .await?
        .into_iter()
        .find(|m| m.username == body.username)
        .ok_or_else(|| {
            ApiError::field(
                "username",
                "Người này không có trong Hội đồng của cuộc thi.",
            )
        })?;
    let entry = entries::get(&mut tx, body.entry_id)
        .await?
        .filter(|e| e.contest_id == contest.id)
        .ok_or_else(|| ApiError::not_found("sáng kiến"))?;
    store::declare_conflict(
        &mut tx,
        &Actor::user(&caller.username, state.now()),
        id,
        entry.id,
        judge.account_id,
        &reason,
    )
    .await?;
    Store::commit(tx).await?;
    Ok(json!({"entry_id": entry.id, "username": judge.username, "reason": reason}))
}

async fn list_conflicts(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let caller = &user.0;
    let mut conn = state.store.reader().await?;
    visible_contest(&mut conn, caller, id).await?;
    let me = membership(&mut conn, id, caller).await?;
    if caller.role != Role::Organizer && me.is_none() {
        return Err(ApiError::forbidden());
    }
    let members = store::members(&mut conn, id).await?;
    let list = eligible_entries(&mut conn, id).await?;
    let declared: HashSet<(i64, String)> = store::declared_conflicts(&mut conn, id)
        .await?
        .into_iter()
        .map(|d| (d.entry_id, d.username))
        .collect();
    let items: Vec<Value> = conflicts(&mut conn, id, &list, &members)
        .await?
        .into_iter()
        // A judge sees only their own conflicts.
        .filter(|((_, u), _)| {
            caller.role == Role::Organizer || me.as_ref().is_some_and(|m| &m.username == u)
        })
        .map(|((entry_id, username), reason)| {
            let kind = if declared.contains(&(entry_id, username.clone())) {
                "declared"
            } else {
                "automatic"
            };
            json!({"entry_id": entry_id, "username": username, "reason": reason, "kind": kind})
        })
        .collect();
    Ok(Json(json!({"conflicts": items})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    pub mode: String,
    #[serde(default)]
    pub per_entry: Option<usize>,
}

async fn make_assignments(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<AssignBody>,
) -> ApiResult<Json<Value>> {
    Ok(Json(assign_judges(&state, &user.0, id, &body).await?))
}

/// Assigns the council's scoring members to the eligible entries; shared with the page.
pub async fn assign_judges(
    state: &AppState,
    organizer: &Account,
    id: i64,
    body: &AssignBody,
) -> ApiResult<Value> {
    if organizer.role != Role::Organizer {
        return Err(ApiError::forbidden());
    }
    let mut tx = state.store.begin().await?;
    let contest = visible_contest(&mut tx, organizer, id).await?;
    if contest.state != ContestState::Closed {
        return Err(conflict_state(
            contest.state,
            "closed",
            "Phân công chấm khi đã hết hạn nộp bài và trước khi bắt đầu chấm (trạng thái closed).",
        ));
    }
    let members = store::members(&mut tx, id).await?;
    let judges: Vec<&Member> = members
        .iter()
        .filter(|m| rules::role_scores(&m.role))
        .collect();
    if judges.is_empty() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "no_council",
            "Chưa có Hội đồng (hoặc Hội đồng chưa có thành viên chấm điểm).",
        ));
    }
    let list = eligible_entries(&mut tx, id).await?;
    let conflict_pairs: HashSet<(i64, String)> = conflicts(&mut tx, id, &list, &members)
        .await?
        .into_keys()
        .collect();
    let entry_ids: Vec<i64> = list.iter().map(|e| e.id).collect();
    let names: Vec<String> = judges.iter().map(|m| m.username.clone()).collect();
    let inst = Instance {
        entries: &entry_ids,
        judges: &names,
        conflicts: &conflict_pairs,
    };
    let result = match body.mode.as_str() {
        "all" => assign::all(&inst, 1),
        "balanced" => match body.per_entry {
            Some(k) if k >= 1 && k <= names.len() => assign::balanced(&inst, k),
            _ => {
                return Err(ApiError::field(
                    "per_entry",
                    format!("Số người chấm mỗi sáng kiến phải từ 1 đến {}.", names.len()),
                ));
            }
        },
        _ => {
            return Err(ApiError::field(
                "mode",
                "Cách phân công phải là all hoặc balanced.",
            ));
        }
    };
    let pairs = match result {
        Ok(p) => p,
        Err(AssignError::Infeasible(short)) => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "assignment_infeasible",
                format!(
                    "Không phân công được: {} sáng kiến không đủ thành viên Hội đồng không xung đột lợi ích.",
                    short.len()
                ),
            )
            .with_details(json!({"entries": short.iter().map(|s| json!({
                "entry_id": s.entry_id, "available": s.available, "needed": s.needed})).collect::<Vec<_>>()})));
        }
    };
    let by_name: BTreeMap<&str, i64> = judges
        .iter()
        .map(|m| (m.username.as_str(), m.account_id))
        .collect();
    let rows: Vec<(i64, i64)> = pairs
        .iter()
        .filter_map(|(e, j)| by_name.get(j.as_str()).map(|a| (*e, *a)))
        .collect();
    store::replace_assignments(
        &mut tx,
        &Actor::user(&organizer.username, state.now()),
        id,
        &body.mode,
        &rows,
    )
    .await?;
    Store::commit(tx).await?;
    Ok(assignments_json(&pairs))
}

fn assignments_json(pairs: &[(i64, String)]) -> Value {
    let mut loads: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, j) in pairs {
        *loads.entry(j.as_str()).or_default() += 1;
    }
    json!({"assignments": pairs.iter().map(|(e, j)| json!({"entry_id": e, "username": j})).collect::<Vec<_>>(),
           "loads": loads})
}

async fn list_assignments(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let organizer = user.require(&[Role::Organizer])?;
    let mut conn = state.store.reader().await?;
    visible_contest(&mut conn, organizer, id).await?;
    Ok(Json(assignments_json(
        &store::assignments(&mut conn, id).await?,
    )))
}

/// Before judging starts: every eligible entry has at least one judge assigned.
pub async fn check_ready_for_judging(conn: &mut Conn, contest: &ContestRecord) -> ApiResult<()> {
    let list = entries::judged_summaries(conn, contest.id).await?;
    let assigned: HashSet<i64> = store::assignments(conn, contest.id)
        .await?
        .into_iter()
        .map(|(e, _)| e)
        .collect();
    let missing: Vec<i64> = list
        .iter()
        .map(|e| e.id)
        .filter(|e| !assigned.contains(e))
        .collect();
    if list.is_empty() || !missing.is_empty() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "entries_without_judges",
            if list.is_empty() {
                "Không có sáng kiến hợp lệ nào để chấm.".to_string()
            } else {
                format!(
                    "Chưa thể bắt đầu chấm: {} sáng kiến chưa được phân công người chấm (số {}).",
                    missing.len(),
                    missing
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
        )
        .with_details(json!({"entry_ids": missing})));
    }
    Ok(())
}

/// A judge and their assignment to an entry, while the contest is being judged.
pub async fn my_sheet_context(
    conn: &mut Conn,
    user: &Account,
    entry_id: i64,
) -> ApiResult<(EntryRecord, store::SheetContext)> {
    let entry = entries::get(conn, entry_id)
        .await?
        .ok_or_else(|| ApiError::not_found("sáng kiến"))?;
    let context = sheet_context(conn, user, entry.id).await?;
    Ok((entry, context))
}

/// [`my_sheet_context`] without the entry itself: one query (and one more for a focal
/// point, whose unit must take part), for saving and reading a sheet.
pub async fn sheet_context(
    conn: &mut Conn,
    user: &Account,
    entry_id: i64,
) -> ApiResult<store::SheetContext> {
    let not_found = || ApiError::not_found("sáng kiến");
    let mut context = store::assigned_context(conn, entry_id, user.id)
        .await?
        .ok_or_else(not_found)?;
    context.contest = crate::api::contest::visible_record(conn, user, context.contest)
        .await
        .map_err(|_| not_found())?;
    if context.contest.state < ContestState::Judging {
        return Err(not_found());
    }
    Ok(context)
}

fn sheet_json(s: Option<&store::SheetRecord>) -> Value {
    match s {
        None => json!({"state": "empty", "points": {}, "comments": {}, "comment": ""}),
        Some(s) => {
            json!({"state": s.state, "points": s.points, "comments": s.comments, "comment": s.comment,
            "total": s.total(),
            "submitted_at": s.submitted_at.map(time::rfc3339_vn)})
        }
    }
}

async fn my_assignments(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let mut conn = state.store.reader().await?;
    let contest = visible_contest(&mut conn, &user.0, id).await?;
    membership(&mut conn, id, &user.0)
        .await?
        .ok_or_else(ApiError::forbidden)?;
    if contest.state < ContestState::Judging {
        return Ok(Json(json!({"items": []})));
    }
    let mut items = Vec::new();
    for (e, sheet) in store::assigned_with_sheets(&mut conn, id, user.0.id).await? {
        let mut v = json!({"entry_id": e.id, "title": e.content.title, "topic_code": e.content.topic_code,
                           "sheet": sheet_json(sheet.as_ref())});
        if contest.settings.judges_see_unit_names {
            v["unit_code"] = json!(e.unit_code);
            v["unit_name"] = json!(e.unit_name);
        }
        items.push(v);
    }
    Ok(Json(json!({"items": items})))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SheetBody {
    #[serde(default)]
    pub points: BTreeMap<String, f64>,
    #[serde(default)]
    pub comments: BTreeMap<String, String>,
    #[serde(default)]
    pub comment: String,
}

/// Saves the caller's sheet for an entry as a draft (`Some(body)`) or submits the stored
/// draft (`None`); shared by the API and the score sheet page.
pub async fn save_sheet_for(
    state: &AppState,
    user: &Account,
    entry_id: i64,
    body: Option<SheetBody>,
) -> ApiResult<Value> {
    let mut tx = state.store.begin().await?;
    let store::SheetContext { contest, sheet, .. } = sheet_context(&mut tx, user, entry_id).await?;
    if contest.state != ContestState::Judging {
        return Err(conflict_state(
            contest.state,
            "judging",
            "Chỉ chấm điểm khi cuộc thi đang ở giai đoạn chấm.",
        ));
    }
    let submit = body.is_none();
    let (points, comments, comment) = match body {
        Some(b) => (b.points, b.comments, b.comment),
        None => match sheet {
            Some(s) => (
                s.points
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_f64()))
                    .collect(),
                s.comments,
                s.comment,
            ),
            None => Default::default(),
        },
    };
    let checked = judging::validate_points(&contest.settings.criteria, &points, submit)?;
    let mut e = sangkien_domain::ValidationErrors::new();
    let comment =
        sangkien_domain::text::check(&mut e, "comment", "Nhận xét chung", &comment, 0, 5000);
    let comments: BTreeMap<String, String> = comments
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                sangkien_domain::text::check(
                    &mut e,
                    &format!("comments.{k}"),
                    "Nhận xét",
                    v,
                    0,
                    2000,
                ),
            )
        })
        .collect();
    e.into_result(())?;
    let saved = store::save_sheet(
        &mut tx,
        &Actor::user(&user.username, state.now()),
        contest.id,
        entry_id,
        user.id,
        &checked,
        &comments,
        &comment,
        submit,
    )
    .await?;
    let Some(sheet) = saved else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "sheet_locked",
            "Phiếu chấm đã nộp nên không sửa được; cần Chủ tịch Hội đồng mở lại.",
        ));
    };
    Store::commit(tx).await?;
    Ok(sheet_json(Some(&sheet)))
}

async fn save_mine(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<SheetBody>,
) -> ApiResult<Json<Value>> {
    Ok(Json(save_sheet_for(&state, &user.0, id, Some(body)).await?))
}

async fn submit_mine(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    Ok(Json(save_sheet_for(&state, &user.0, id, None).await?))
}

async fn get_mine(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let mut conn = state.store.reader().await?;
    let context = sheet_context(&mut conn, &user.0, id).await?;
    Ok(Json(sheet_json(context.sheet.as_ref())))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnlockBody {
    reason: String,
}

async fn unlock(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, username)): Path<(String, String)>,
    ApiJson(body): ApiJson<UnlockBody>,
) -> ApiResult<Json<Value>> {
    let entry_id: i64 = id.parse().map_err(|_| ApiError::not_found("sáng kiến"))?;
    let mut e = sangkien_domain::ValidationErrors::new();
    let reason =
        sangkien_domain::text::check(&mut e, "reason", "Lý do mở lại", &body.reason, 1, 1000);
    e.into_result(())?;
    let mut tx = state.store.begin().await?;
    let entry = entries::get(&mut tx, entry_id)
        .await?
        .ok_or_else(|| ApiError::not_found("sáng kiến"))?;
    let contest = visible_contest(&mut tx, &user.0, entry.contest_id).await?;
    let me = membership(&mut tx, contest.id, &user.0).await?;
    if me.as_ref().is_none_or(|m| m.role != "chair") {
        return Err(ApiError::forbidden());
    }
    if contest.state != ContestState::Judging {
        return Err(conflict_state(
            contest.state,
            "judging",
            "Chỉ mở lại phiếu chấm trong giai đoạn chấm.",
        ));
    }
    let judge = store::members(&mut tx, contest.id)
        .await?
        .into_iter()
        .find(|m| m.username == username)
        .ok_or_else(|| ApiError::not_found("phiếu chấm"))?;
    if !store::unlock_sheet(
        &mut tx,
        &Actor::user(&user.0.username, state.now()),
        contest.id,
        entry.id,
        judge.account_id,
        &reason,
    )
    .await?
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "sheet_not_submitted",
            "Phiếu chấm chưa nộp nên không cần mở lại.",
        ));
    }
    Store::commit(tx).await?;
    Ok(Json(
        json!({"entry_id": entry.id, "username": username, "state": "draft"}),
    ))
}

/// What the ranking and progress views work from: the entries the caller may see (the
/// chair never sees those they are in conflict with), every sheet of them, and the
/// submitted sheets per entry.
pub struct Scores {
    pub contest: ContestRecord,
    pub entries: Vec<entries::EntrySummary>,
    pub sheets: Vec<store::SheetRecord>,
    pub submitted: Vec<EntrySheets>,
    pub members: Vec<Member>,
}

/// Loads [`Scores`] for organizers (from judging), the council chair (from judging) and,
/// with `approver_too`, approvers (from deliberation); 403 for anyone else.
pub async fn scores_for(
    conn: &mut Conn,
    caller: &Account,
    id: i64,
    approver_too: bool,
) -> ApiResult<Scores> {
    let contest = visible_contest(conn, caller, id).await?;
    let me = membership(conn, id, caller).await?;
    let is_chair = me.as_ref().is_some_and(|m| m.role == "chair");
    let allowed = match caller.role {
        Role::Organizer => contest.state >= ContestState::Judging,
        Role::Approver if approver_too => contest.state >= ContestState::Deliberation,
        _ => is_chair && contest.state >= ContestState::Judging,
    };
    if !allowed {
        return Err(ApiError::forbidden());
    }
    let list = entries::judged_summaries(conn, id).await?;
    let members = store::members(conn, id).await?;
    let hidden: HashSet<i64> = if is_chair && caller.role != Role::Organizer {
        let full = eligible_entries(conn, id).await?;
        conflicts(conn, id, &full, &members)
            .await?
            .into_keys()
            .filter(|(_, u)| me.as_ref().is_some_and(|m| &m.username == u))
            .map(|(e, _)| e)
            .collect()
    } else {
        HashSet::new()
    };
    let entries: Vec<entries::EntrySummary> = list
        .into_iter()
        .filter(|e| !hidden.contains(&e.id))
        .collect();
    let sheets: Vec<store::SheetRecord> = store::sheets(conn, id)
        .await?
        .into_iter()
        .filter(|s| !hidden.contains(&s.entry_id))
        .collect();
    let mut by_entry: BTreeMap<i64, Vec<Sheet>> = BTreeMap::new();
    for s in sheets.iter().filter(|s| s.state == "submitted") {
        by_entry.entry(s.entry_id).or_default().push(Sheet {
            judge: s.username.clone(),
            points: s.points.clone(),
        });
    }
    let submitted = entries
        .iter()
        .map(|e| EntrySheets {
            entry_id: e.id,
            sheets: by_entry.remove(&e.id).unwrap_or_default(),
        })
        .collect();
    Ok(Scores {
        contest,
        entries,
        sheets,
        submitted,
        members,
    })
}

async fn ranking(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let mut conn = state.store.reader().await?;
    Ok(Json(
        ranking_for(&state, &mut conn, &user.0, id)
            .await?
            .as_ref()
            .clone(),
    ))
}

/// The ranking for a caller. Organizers and approvers see every entry, so theirs is
/// computed once per change: the cache entry is keyed by the contest's judging version
/// (bumped by every council, conflict, assignment and sheet change) and its last change
/// (state, settings). The chair's view, which leaves out their conflicts, is computed.
pub async fn ranking_for(
    state: &AppState,
    conn: &mut Conn,
    caller: &Account,
    id: i64,
) -> ApiResult<std::sync::Arc<Value>> {
    if !matches!(caller.role, Role::Organizer | Role::Approver) {
        return Ok(std::sync::Arc::new(ranking_json(
            &scores_for(conn, caller, id, true).await?,
        )));
    }
    let contest = visible_contest(conn, caller, id).await?;
    let allowed = match caller.role {
        Role::Organizer => contest.state >= ContestState::Judging,
        _ => contest.state >= ContestState::Deliberation,
    };
    if !allowed {
        return Err(ApiError::forbidden());
    }
    let key = (store::version(conn, id).await?, contest.updated_at);
    let cached = state.rankings.lock().ok().and_then(|c| {
        c.get(&id)
            .filter(|(v, u, _)| (*v, *u) == key)
            .map(|(_, _, j)| j.clone())
    });
    if let Some(json) = cached {
        return Ok(json);
    }
    let json = std::sync::Arc::new(ranking_json(&scores_for(conn, caller, id, true).await?));
    if let Ok(mut cache) = state.rankings.lock() {
        cache.insert(id, (key.0, key.1, json.clone()));
    }
    Ok(json)
}

/// The ranking rows of the submitted sheets, by the contest's rubric and method.
pub fn rank_rows(sc: &Scores) -> Vec<judging::RankRow> {
    let s = &sc.contest.settings;
    let criteria: Vec<String> = s.criteria.iter().map(|c| c.code.clone()).collect();
    judging::rank(
        &sc.submitted,
        &criteria,
        &s.tie_break,
        s.aggregation,
        s.rubric_total(),
    )
}

/// The ranking of SPEC §4: rank, entry, title, unit, score, judge totals, criterion
/// means, tied.
pub fn ranking_json(sc: &Scores) -> Value {
    let s = &sc.contest.settings;
    let outliers =
        judging::agreement::outliers(&sc.submitted, s.outlier_threshold_percent, s.rubric_total());
    let rows = rank_rows(sc);
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            let e = sc.entries.iter().find(|e| e.id == r.entry_id);
            json!({
                "rank": r.rank, "entry_id": r.entry_id,
                "title": e.map(|e| e.title.clone()), "unit_code": e.map(|e| e.unit_code.clone()),
                "unit_name": e.map(|e| e.unit_name.clone()),
                "score": r.score.as_points_f64(), "score_display": r.score.rounded().display_vi(),
                "mean": r.mean.as_points_f64(), "zscore": r.zscore,
                "judge_totals": r.judge_totals.iter().map(|(j, t)| json!({"username": j, "total": t})).collect::<Vec<_>>(),
                "criterion_means": r.criterion_means.iter().map(|(c, m)| (c.clone(), json!(m.as_points_f64()))).collect::<serde_json::Map<_, _>>(),
                "sheets": r.judge_totals.len(), "tied": r.tied,
                "outlier_judges": outliers.iter().filter(|o| o.entry_id == r.entry_id).map(|o| o.judge.clone()).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({"aggregation": s.aggregation.as_str(), "ranking": items})
}

async fn progress(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let mut conn = state.store.reader().await?;
    let sc = scores_for(&mut conn, &user.0, id, false).await?;
    let assigned = store::assignments(&mut conn, id).await?;
    Ok(Json(progress_json(&sc, &assigned)))
}

/// Sheets per judge and per entry, outliers, and the agreement figure.
pub fn progress_json(sc: &Scores, assigned: &[(i64, String)]) -> Value {
    let visible: HashSet<i64> = sc.entries.iter().map(|e| e.id).collect();
    let assigned: Vec<&(i64, String)> = assigned
        .iter()
        .filter(|(e, _)| visible.contains(e))
        .collect();
    let state_of = |e: i64, u: &str| {
        sc.sheets
            .iter()
            .find(|s| s.entry_id == e && s.username == u)
            .map_or("empty", |s| s.state.as_str())
    };
    let judges: Vec<Value> = sc
        .members
        .iter()
        .filter(|m| rules::role_scores(&m.role))
        .map(|m| {
            let mine: Vec<i64> = assigned
                .iter()
                .filter(|(_, u)| *u == m.username)
                .map(|(e, _)| *e)
                .collect();
            let submitted = mine
                .iter()
                .filter(|e| state_of(**e, &m.username) == "submitted")
                .count();
            let drafts = mine
                .iter()
                .filter(|e| state_of(**e, &m.username) == "draft")
                .count();
            json!({"username": m.username, "full_name": m.full_name, "role": m.role,
                   "assigned": mine.len(), "submitted": submitted, "drafts": drafts,
                   "unfinished": mine.len() - submitted})
        })
        .collect();
    let entries: Vec<Value> = sc
        .entries
        .iter()
        .map(|e| {
            let judges: Vec<&String> = assigned
                .iter()
                .filter(|(x, _)| *x == e.id)
                .map(|(_, u)| u)
                .collect();
            let submitted = judges
                .iter()
                .filter(|u| state_of(e.id, u) == "submitted")
                .count();
            json!({"entry_id": e.id, "title": e.title, "unit_code": e.unit_code,
                   "assigned": judges.len(), "submitted": submitted})
        })
        .collect();
    let s = &sc.contest.settings;
    let outliers: Vec<Value> =
        judging::agreement::outliers(&sc.submitted, s.outlier_threshold_percent, s.rubric_total())
            .into_iter()
            .map(|o| json!({"entry_id": o.entry_id, "username": o.judge, "total": o.total, "mean": o.mean.as_points_f64()}))
            .collect();
    let used = sc.submitted.iter().filter(|e| e.sheets.len() >= 2).count();
    json!({
        "judges": judges, "entries": entries, "outliers": outliers,
        "outlier_threshold_percent": s.outlier_threshold_percent,
        "agreement": {"icc1": judging::agreement::icc1(&sc.submitted), "entries_used": used,
                      "method": "ICC(1): một chiều, hiệu ứng ngẫu nhiên, trên tổng điểm của từng phiếu; chỉ tính các sáng kiến có từ 2 phiếu đã nộp"},
    })
}

/// The submitted sheets of one entry, for those who may see other judges' scores:
/// organizers and the chair from judging on; an assigned member from deliberation on,
/// or during judging when the contest allows judges to see each other's scores. A member
/// in conflict with the entry never gets here (404).
pub async fn other_sheets(
    conn: &mut Conn,
    caller: &Account,
    entry_id: i64,
) -> ApiResult<Vec<store::SheetRecord>> {
    let not_found = || ApiError::not_found("sáng kiến");
    let entry = entries::get(conn, entry_id).await?.ok_or_else(not_found)?;
    let contest = visible_contest(conn, caller, entry.contest_id)
        .await
        .map_err(|_| not_found())?;
    let me = membership(conn, contest.id, caller).await?;
    let members = store::members(conn, contest.id).await?;
    let conflicted = match &me {
        Some(m) => conflicts(conn, contest.id, std::slice::from_ref(&entry), &members)
            .await?
            .contains_key(&(entry.id, m.username.clone())),
        None => false,
    };
    if conflicted {
        return Err(not_found());
    }
    let assigned = store::is_assigned(conn, entry.id, caller.id).await?;
    let allowed = contest.state >= ContestState::Judging
        && (caller.role == Role::Organizer
            || me.as_ref().is_some_and(|m| m.role == "chair")
            || (assigned
                && (contest.state >= ContestState::Deliberation
                    || contest.settings.judges_see_other_scores)));
    if !allowed {
        return Err(if assigned || caller.role == Role::Organizer {
            ApiError::forbidden()
        } else {
            not_found()
        });
    }
    Ok(store::submitted_sheets_of_entry(conn, entry.id).await?)
}

async fn entry_scores(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let mut conn = state.store.reader().await?;
    let sheets = other_sheets(&mut conn, &user.0, id).await?;
    Ok(Json(
        json!({"entry_id": id, "sheets": sheets.iter().map(|s| {
        let mut v = sheet_json(Some(s));
        v["username"] = json!(s.username);
        v
    }).collect::<Vec<_>>()}),
    ))
}
