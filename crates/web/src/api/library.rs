//! The public library (SPEC §3.8): search, an entry, its files; marking entries public;
//! adoptions with their evidence, and the replication report.

use axum::{
    Json, Router,
    extract::{Multipart, Query, State},
    http::StatusCode,
    response::Response,
    routing::{get, post},
};
use sangkien_app::library::{
    self, SearchQuery,
    adoption::{self, EVIDENCE_LIMIT, NewAdoption},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{json, reply};
use crate::{
    AppState,
    auth::ApiUser,
    download,
    error::ApiResult,
    extract::{ApiJson, Id, Ids},
    upload,
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

async fn search(
    State(state): State<AppState>,
    Query(q): Query<SearchQuery>,
) -> ApiResult<Json<Value>> {
    Ok(reply(&library::search(&state, &q).await?))
}

async fn show(State(state): State<AppState>, Id(id): Id) -> ApiResult<Json<Value>> {
    Ok(reply(&library::entry(&state, id).await?))
}

async fn attachment(State(state): State<AppState>, Ids(id, aid): Ids) -> ApiResult<Response> {
    let a = library::attachment(&state, id, aid).await?;
    Ok(download::attachment(&state, &a, "public, max-age=3600").await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MarkBody {
    public: bool,
}

async fn mark(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<MarkBody>,
) -> ApiResult<Json<Value>> {
    Ok(json(
        &library::set_public(&state, &user.0, id, body.public).await?,
    ))
}

async fn adopt(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<NewAdoption>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let created = adoption::record(&state, &user.0, id, &body, None).await?;
    Ok((StatusCode::CREATED, json(&created)))
}

async fn list_adoptions(
    State(state): State<AppState>,
    user: ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let items = adoption::list(&state, &user.0, id).await?;
    Ok(Json(json!({"entry_id": id, "adoptions": items})))
}

async fn adoption_report(State(state): State<AppState>, user: ApiUser) -> ApiResult<Response> {
    Ok(download::file(
        sangkien_app::export::adoption_report(&state, &user.0).await?,
    ))
}

async fn upload_evidence(
    State(state): State<AppState>,
    user: ApiUser,
    Ids(id, aid): Ids,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let contest_id = adoption::evidence_target(&state, &user.0, id, aid).await?;
    let multipart = multipart.map_err(crate::extract::not_multipart)?;
    let (_, (filename, staged)) = upload::receive_file(
        &state,
        multipart,
        None,
        &[],
        EVIDENCE_LIMIT,
        adoption::evidence_error,
    )
    .await?;
    let evidence = adoption::commit_evidence(&state, &filename, staged).await?;
    let attached = adoption::attach_evidence(&state, &user.0, contest_id, aid, evidence).await?;
    Ok((StatusCode::CREATED, json(&attached)))
}

async fn evidence(State(state): State<AppState>, Ids(id, aid): Ids) -> ApiResult<Response> {
    let record = adoption::evidence(&state, id, aid).await?;
    Ok(download::attachment(&state, &record, "public, max-age=3600").await?)
}
