//! The public library (SPEC §3.8): awarded entries enter it at publication, others when
//! the organizer marks them public; anyone searches it.

use axum::{
    Json, Router,
    extract::{Query, State},
    http::StatusCode,
    response::Response,
    routing::{get, post},
};
use sangkien_domain::{
    account::Role,
    collate::sort_key_text,
    contest::{ContestState, PrizeTier},
    entry::Description,
    labels::Label,
    library::search_fields,
    time,
};
use sangkien_storage::{
    Conn, Store,
    account::Account,
    audit::Actor,
    contest::ContestRecord,
    entry::{self as entries, EntryRecord},
    library::{self as store, Filter, LibraryItem},
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    AppState,
    api::contest::visible as visible_contest,
    auth::ApiUser,
    error::{ApiError, ApiResult},
    extract::{ApiJson, Id, Ids},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/public/library", get(search))
        .route("/public/library/{id}", get(show))
        .route("/public/library/{id}/attachments/{aid}", get(attachment))
        .route("/entries/{id}/library", post(mark))
        .route("/library/{id}/adoptions", post(adopt).get(list_adoptions))
        .route("/library/reports/adoptions.xlsx", get(adoption_report))
        .route(
            "/library/{id}/adoptions/{aid}/evidence",
            post(upload_evidence),
        )
        .route(
            "/public/library/{id}/adoptions/{aid}/evidence",
            get(evidence),
        )
}

/// The largest evidence file, in bytes.
pub const EVIDENCE_LIMIT: u64 = 20_000_000;

pub fn evidence_error(e: sangkien_files::FileError) -> ApiError {
    match e {
        sangkien_files::FileError::TooLarge { .. } => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "file_too_large",
            "Tệp minh chứng lớn hơn giới hạn 20 MB.",
        ),
        sangkien_files::FileError::Refused(r) => {
            ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, r.code(), r.message_vi())
        }
        sangkien_files::FileError::Io(err) => {
            tracing::error!(error = %err, "evidence storage failed");
            ApiError::internal()
        }
    }
}

/// Stores a staged evidence file under its hash (synced) and describes it.
pub async fn commit_evidence(
    state: &AppState,
    filename: &str,
    staged: sangkien_files::Staged,
) -> ApiResult<store::Evidence> {
    let (size, kind) = (staged.size, staged.kind);
    let sha256 = state.files.commit(staged).await.map_err(evidence_error)?;
    let name: String =
        sangkien_domain::text::clean(filename.rsplit(['/', '\\']).next().unwrap_or(""))
            .chars()
            .filter(|c| !c.is_control() && *c != '"')
            .take(200)
            .collect();
    Ok(store::Evidence {
        sha256,
        filename: if name.is_empty() {
            format!("minh-chung.{}", kind.extension())
        } else {
            name
        },
        size: size as i64,
        content_type: kind.content_type().to_string(),
    })
}

/// Receives an evidence file from a multipart body (field `file`, pages add `csrf`).
pub async fn receive_evidence(
    state: &AppState,
    multipart: axum::extract::Multipart,
) -> ApiResult<store::Evidence> {
    let (_, (filename, staged)) = crate::api::entry::receive_file(
        state,
        multipart,
        None,
        &[],
        EVIDENCE_LIMIT,
        evidence_error,
    )
    .await?;
    commit_evidence(state, &filename, staged).await
}

async fn upload_evidence(
    State(state): State<AppState>,
    user: ApiUser,
    Ids(id, aid): Ids,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let user = user.0;
    // Who may attach: the adoption's unit (focal) or an organizer; checked before the
    // file is read.
    let adoption = {
        let mut conn = state.store.reader().await?;
        let (line, _) = store::get(&mut conn, id)
            .await?
            .ok_or_else(|| ApiError::not_found("sáng kiến trong thư viện"))?;
        let a = store::adoptions(&mut conn, id)
            .await?
            .into_iter()
            .find(|a| a.id == aid)
            .ok_or_else(|| ApiError::not_found("ghi nhận áp dụng"))?;
        let allowed = user.role == Role::Organizer
            || (user.role == Role::Focal && user.unit_code == a.unit_code);
        if !allowed {
            return Err(ApiError::forbidden());
        }
        (line.contest_id, a)
    };
    let multipart = multipart.map_err(crate::extract::not_multipart)?;
    let evidence = receive_evidence(&state, multipart).await?;
    let mut tx = state.store.begin().await?;
    store::set_evidence(
        &mut tx,
        &Actor::user(&user.username, state.now()),
        adoption.0,
        aid,
        &evidence,
    )
    .await?;
    Store::commit(tx).await?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({"adoption_id": aid, "filename": evidence.filename, "size": evidence.size,
                    "sha256": evidence.sha256, "content_type": evidence.content_type}),
        ),
    ))
}

async fn evidence(State(state): State<AppState>, Ids(id, aid): Ids) -> ApiResult<Response> {
    let mut conn = state.store.reader().await?;
    if store::get(&mut conn, id).await?.is_none() {
        return Err(ApiError::not_found("sáng kiến trong thư viện"));
    }
    let a = store::adoptions(&mut conn, id)
        .await?
        .into_iter()
        .find(|a| a.id == aid)
        .ok_or_else(|| ApiError::not_found("ghi nhận áp dụng"))?;
    let ev = a
        .evidence
        .ok_or_else(|| ApiError::not_found("tệp minh chứng"))?;
    drop(conn);
    let record = entries::AttachmentRecord {
        id: aid,
        entry_id: id,
        kind: "evidence".into(),
        filename: ev.filename,
        size: ev.size,
        sha256: ev.sha256,
        content_type: ev.content_type,
        created_by: a.created_by,
        created_at: a.created_at,
    };
    crate::api::entry::attachment_response(&state, &record, "public, max-age=3600").await
}

/// The public document of an entry: what the library shows; never the confidential
/// field, birth dates or qualifications.
pub async fn document(
    conn: &mut Conn,
    e: &EntryRecord,
    contest: &ContestRecord,
    tier: Option<PrizeTier>,
) -> ApiResult<Value> {
    let s = &contest.settings;
    let topic = s.topics.iter().find(|t| t.code == e.content.topic_code);
    let attachments = entries::list_attachments(conn, e.id).await?;
    let d = &e.content.description;
    Ok(json!({
        "entry_id": e.id, "title": e.content.title, "topic_code": e.content.topic_code,
        "topic_name": topic.map(|t| t.name.clone()), "form": e.content.form,
        "unit_code": e.unit_code, "unit_name": e.unit_name,
        "contest_id": contest.id, "contest_title": s.title, "year": s.year,
        "tier": tier.map(PrizeTier::as_str), "tier_name": tier.map(|t| t.vi()),
        "authors": e.content.authors.iter().map(|a| json!({
            "full_name": a.full_name, "workplace": a.workplace, "position": a.position,
        })).collect::<Vec<_>>(),
        "field_of_application": e.content.field_of_application,
        "first_applied_on": e.content.first_applied_on,
        "implementation_status": e.content.implementation_status,
        "description": {
            "current_situation": d.current_situation, "solution": d.solution, "novelty": d.novelty,
            "conditions": d.conditions, "benefits": d.benefits, "replication_scope": d.replication_scope,
        },
        "attachments": attachments.iter().map(|a| json!({
            "id": a.id, "kind": a.kind, "filename": a.filename, "size": a.size, "content_type": a.content_type,
        })).collect::<Vec<_>>(),
    }))
}

/// Puts an entry into the library inside the caller's transaction.
pub async fn add(
    conn: &mut Conn,
    actor: &Actor,
    e: &EntryRecord,
    contest: &ContestRecord,
    tier: Option<PrizeTier>,
) -> ApiResult<()> {
    let doc = document(conn, e, contest, tier).await?;
    let d: &Description = &e.content.description;
    let topic = doc["topic_name"].as_str().unwrap_or_default().to_string();
    let authors: Vec<&str> = e
        .content
        .authors
        .iter()
        .map(|a| a.full_name.as_str())
        .collect();
    let authors = authors.join(" ");
    let (search_title, search_body) = search_fields(
        &e.content.title,
        &[
            &e.unit_name,
            &topic,
            &authors,
            &e.content.field_of_application,
            &d.current_situation,
            &d.solution,
            &d.novelty,
            &d.benefits,
            &d.replication_scope,
        ],
    );
    let item = LibraryItem {
        entry_id: e.id,
        contest_id: contest.id,
        unit_code: e.unit_code.clone(),
        topic_code: e.content.topic_code.clone(),
        year: contest.settings.year,
        tier: tier.map(|t| t.as_str().to_string()),
        title: e.content.title.clone(),
        title_key: sort_key_text(&e.content.title),
        search_title,
        search_body,
        document: doc,
        published_at: actor.at,
    };
    store::put(conn, actor, &item).await?;
    Ok(())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SearchQuery {
    pub q: String,
    pub topic: String,
    pub unit: String,
    pub year: String,
    pub tier: String,
    pub sort: String,
    pub page: String,
    pub per_page: String,
}

impl SearchQuery {
    /// The storage filter and the page (1-based) and page size, or the field in error.
    pub fn parse(&self) -> ApiResult<(Filter, i64, i64)> {
        let num = |field: &str, v: &str, min: i64, max: i64, default: i64| -> ApiResult<i64> {
            if v.trim().is_empty() {
                return Ok(default);
            }
            v.trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| {
                    ApiError::field(field, format!("Giá trị phải là số từ {min} đến {max}."))
                })
        };
        let year = num("year", &self.year, 1900, 9999, 0)?;
        let page = num("page", &self.page, 1, 100_000, 1)?;
        let per_page = num("per_page", &self.per_page, 1, 100, 20)?;
        let tier = self.tier.trim();
        if !tier.is_empty() && PrizeTier::parse(tier).is_none() {
            return Err(ApiError::field(
                "tier",
                "Hạng giải phải là first, second, third hoặc consolation.",
            ));
        }
        if self.q.chars().count() > 200 {
            return Err(ApiError::field("q", "Từ khóa tìm kiếm dài quá 200 ký tự."));
        }
        Ok((
            Filter {
                q: self.q.clone(),
                topic: self.topic.trim().to_string(),
                unit: self.unit.trim().to_string(),
                year,
                tier: tier.to_string(),
                sort: self.sort.trim().to_string(),
            },
            page,
            per_page,
        ))
    }
}

/// One page of search results with the total.
pub struct Page {
    pub items: Vec<Value>,
    /// Matches, counted up to `storage::library::COUNT_CAP`.
    pub total: i64,
    pub capped: bool,
    pub page: i64,
    pub per_page: i64,
}

pub async fn find(state: &AppState, q: &SearchQuery) -> ApiResult<Page> {
    let (filter, page, per_page) = q.parse()?;
    let mut conn = state.store.reader().await?;
    let found = store::search(&mut conn, &filter, per_page, (page - 1) * per_page).await?;
    let items = found
        .lines
        .iter()
        .map(|l| {
            let tier = l.tier.as_deref().and_then(PrizeTier::parse);
            json!({"entry_id": l.entry_id, "contest_id": l.contest_id, "title": l.title,
                   "unit_code": l.unit_code, "unit_name": l.unit_name, "topic_code": l.topic_code,
                   "year": l.year, "tier": l.tier, "tier_name": tier.map(|t| t.vi())})
        })
        .collect();
    Ok(Page {
        items,
        total: found.total,
        capped: found.capped,
        page,
        per_page,
    })
}

async fn search(
    State(state): State<AppState>,
    Query(q): Query<SearchQuery>,
) -> ApiResult<Json<Value>> {
    let p = find(&state, &q).await?;
    Ok(Json(
        json!({"items": p.items, "total": p.total, "total_capped": p.capped,
                   "page": p.page, "per_page": p.per_page}),
    ))
}

/// A library entry's public document.
pub async fn entry(state: &AppState, id: i64) -> ApiResult<Value> {
    let mut conn = state.store.reader().await?;
    let mut doc = store::get(&mut conn, id)
        .await?
        .map(|(_, doc)| doc)
        .ok_or_else(|| ApiError::not_found("sáng kiến trong thư viện"))?;
    doc["adoptions"] = json!(
        store::adoptions(&mut conn, id)
            .await?
            .iter()
            .map(|a| json!({"id": a.id, "unit_code": a.unit_code, "unit_name": a.unit_name,
                            "adopted_on": a.adopted_on, "scope": a.scope, "result": a.result,
                            "evidence": a.evidence.as_ref().map(|e| json!({"filename": e.filename, "size": e.size}))}))
            .collect::<Vec<_>>()
    );
    Ok(doc)
}

async fn show(State(state): State<AppState>, Id(id): Id) -> ApiResult<Json<Value>> {
    Ok(Json(entry(&state, id).await?))
}

fn adoption_json(a: &store::Adoption) -> Value {
    json!({"id": a.id, "entry_id": a.entry_id, "unit_code": a.unit_code, "unit_name": a.unit_name,
           "adopted_on": a.adopted_on, "scope": a.scope, "result": a.result,
           "evidence": a.evidence.as_ref().map(|e| json!({"filename": e.filename, "size": e.size,
                                                         "content_type": e.content_type}))})
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct AdoptionBody {
    pub adopted_on: String,
    pub scope: String,
    pub result: String,
    /// Organizers record for a unit; a focal user always for their own.
    pub unit_code: String,
}

/// Records that a unit adopted a library initiative; shared by the API and the page.
pub async fn record_adoption(
    state: &AppState,
    user: &Account,
    id: i64,
    body: &AdoptionBody,
    evidence: Option<&store::Evidence>,
) -> ApiResult<Value> {
    let unit_code = match user.role {
        Role::Focal => user.unit_code.clone(),
        Role::Organizer if body.unit_code.trim().is_empty() => user.unit_code.clone(),
        Role::Organizer => body.unit_code.trim().to_string(),
        _ => return Err(ApiError::forbidden()),
    };
    let mut e = sangkien_domain::ValidationErrors::new();
    let today = jiff::Timestamp::from_second(state.now())
        .map(|t| t.to_zoned(time::vn_tz()).date())
        .map_err(|_| ApiError::internal())?;
    match time::parse_date(body.adopted_on.trim()) {
        Some(d) if d <= today => {}
        Some(_) => e.add("adopted_on", "Ngày áp dụng không được ở tương lai."),
        None => e.add(
            "adopted_on",
            "Ngày áp dụng phải có dạng YYYY-MM-DD, ví dụ 2022-03-01.",
        ),
    }
    let scope =
        sangkien_domain::text::check(&mut e, "scope", "Phạm vi áp dụng", &body.scope, 1, 2000);
    let result =
        sangkien_domain::text::check(&mut e, "result", "Kết quả áp dụng", &body.result, 0, 5000);
    e.into_result(())?;
    let mut tx = state.store.begin().await?;
    let (line, _) = store::get(&mut tx, id)
        .await?
        .ok_or_else(|| ApiError::not_found("sáng kiến trong thư viện"))?;
    if sangkien_storage::unit::get(&mut tx, &unit_code)
        .await?
        .is_none()
    {
        return Err(ApiError::field("unit_code", "Không có đơn vị với mã này."));
    }
    let actor = Actor::user(&user.username, state.now());
    let aid = store::add_adoption(
        &mut tx,
        &actor,
        line.contest_id,
        id,
        &unit_code,
        body.adopted_on.trim(),
        &scope,
        &result,
    )
    .await?;
    if let Some(ev) = evidence {
        store::set_evidence(&mut tx, &actor, line.contest_id, aid, ev).await?;
    }
    let all = store::adoptions(&mut tx, id).await?;
    Store::commit(tx).await?;
    let created = all.iter().find(|a| a.id == aid).map(adoption_json);
    Ok(created.unwrap_or(Value::Null))
}

async fn adopt(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<AdoptionBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    Ok((
        StatusCode::CREATED,
        Json(record_adoption(&state, &user.0, id, &body, None).await?),
    ))
}

async fn list_adoptions(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    user.require(&[Role::Focal, Role::Organizer])?;
    let mut conn = state.store.reader().await?;
    if store::get(&mut conn, id).await?.is_none() {
        return Err(ApiError::not_found("sáng kiến trong thư viện"));
    }
    let items: Vec<Value> = store::adoptions(&mut conn, id)
        .await?
        .iter()
        .map(adoption_json)
        .collect();
    Ok(Json(json!({"entry_id": id, "adoptions": items})))
}

/// Adoptions counted per initiative and per unit, as XLSX.
pub async fn adoption_report_xlsx(state: &AppState, user: &Account) -> ApiResult<Response> {
    use sangkien_export::sheet::{Cell, Sheet};
    if user.role != Role::Organizer {
        return Err(ApiError::forbidden());
    }
    let mut conn = state.store.reader().await?;
    let lines = store::all_lines(&mut conn).await?;
    let adoptions = store::all_adoptions(&mut conn).await?;
    let per_entry: Vec<Vec<Cell>> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mine: Vec<&store::Adoption> = adoptions
                .iter()
                .filter(|a| a.entry_id == l.entry_id)
                .collect();
            let mut units: Vec<&str> = mine.iter().map(|a| a.unit_name.as_str()).collect();
            units.sort_by(|a, b| sangkien_domain::collate::cmp_vi(a, b));
            units.dedup();
            vec![
                Cell::Number((i + 1) as f64),
                l.title.clone().into(),
                l.unit_name.clone().into(),
                Cell::Number(l.year as f64),
                Cell::Number(mine.len() as f64),
                units.join("; ").into(),
            ]
        })
        .collect();
    let mut units: Vec<(String, String)> = adoptions
        .iter()
        .map(|a| (a.unit_code.clone(), a.unit_name.clone()))
        .collect();
    units.sort();
    units.dedup();
    sangkien_domain::collate::sort_by_vi(&mut units, |u| &u.1);
    let per_unit: Vec<Vec<Cell>> = units
        .iter()
        .enumerate()
        .map(|(i, (code, name))| {
            let n = adoptions.iter().filter(|a| &a.unit_code == code).count();
            vec![
                Cell::Number((i + 1) as f64),
                code.clone().into(),
                name.clone().into(),
                Cell::Number(n as f64),
            ]
        })
        .collect();
    crate::api::export::xlsx_file(
        "nhan-rong.xlsx",
        &[
            Sheet {
                name: "Theo sáng kiến".into(),
                title: "Số lần nhân rộng theo sáng kiến".into(),
                headers: [
                    "STT",
                    "Sáng kiến",
                    "Đơn vị tác giả",
                    "Năm",
                    "Số lần áp dụng",
                    "Đơn vị áp dụng",
                ]
                .map(String::from)
                .to_vec(),
                rows: per_entry,
                bold_rows: vec![],
            },
            Sheet {
                name: "Theo đơn vị".into(),
                title: "Số sáng kiến đã áp dụng theo đơn vị".into(),
                headers: ["STT", "Mã đơn vị", "Đơn vị", "Số sáng kiến đã áp dụng"]
                    .map(String::from)
                    .to_vec(),
                rows: per_unit,
                bold_rows: vec![],
            },
        ],
    )
}

async fn adoption_report(State(state): State<AppState>, user: ApiUser) -> ApiResult<Response> {
    adoption_report_xlsx(&state, &user.0).await
}

async fn attachment(State(state): State<AppState>, Ids(id, aid): Ids) -> ApiResult<Response> {
    let mut conn = state.store.reader().await?;
    if store::get(&mut conn, id).await?.is_none() {
        return Err(ApiError::not_found("sáng kiến trong thư viện"));
    }
    let a = entries::get_attachment(&mut conn, id, aid)
        .await?
        .ok_or_else(|| ApiError::not_found("tệp đính kèm"))?;
    drop(conn);
    crate::api::entry::attachment_response(&state, &a, "public, max-age=3600").await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkBody {
    pub public: bool,
}

/// The organizer puts a judged entry of a published contest into the library, or takes
/// it out (awarded entries stay).
pub async fn set_public(
    state: &AppState,
    user: &Account,
    id: i64,
    public: bool,
) -> ApiResult<Value> {
    if user.role != Role::Organizer {
        return Err(ApiError::forbidden());
    }
    let mut tx = state.store.begin().await?;
    let e = entries::get(&mut tx, id)
        .await?
        .ok_or_else(|| ApiError::not_found("sáng kiến"))?;
    let contest = visible_contest(&mut tx, user, e.contest_id).await?;
    if contest.state < ContestState::Published {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "invalid_state",
            "Chỉ đưa sáng kiến vào thư viện sau khi cuộc thi đã công bố kết quả.",
        ));
    }
    let judged = e.status.as_str() == "submitted" && e.eligible != Some(false);
    if !judged {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_judged",
            "Chỉ sáng kiến đã nộp và đủ điều kiện mới được đưa vào thư viện.",
        ));
    }
    let awarded = sangkien_storage::award::list(&mut tx, contest.id)
        .await?
        .and_then(|l| l.awards.into_iter().find(|a| a.entry_id == e.id))
        .and_then(|a| a.tier);
    let actor = Actor::user(&user.username, state.now());
    if public {
        add(&mut tx, &actor, &e, &contest, awarded).await?;
    } else if awarded.is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "awarded_entry",
            "Sáng kiến đạt giải luôn có trong thư viện.",
        ));
    } else {
        store::remove(&mut tx, &actor, contest.id, e.id).await?;
    }
    Store::commit(tx).await?;
    Ok(json!({"entry_id": id, "public": public, "at": time::rfc3339_vn(actor.at)}))
}

async fn mark(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<MarkBody>,
) -> ApiResult<Json<Value>> {
    Ok(Json(set_public(&state, &user.0, id, body.public).await?))
}
