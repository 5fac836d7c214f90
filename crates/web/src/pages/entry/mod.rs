//! Pages of entries: a unit's (or the organizer's) list, the entry page with its
//! attachments, upload, submit and withdraw, and the organizer's screening and duplicate
//! check. The form to create and edit an entry is in `form`.

mod form;
mod list;

use list::{eligible_label, list, screen_many};

use askama::Template;
use axum::{
    Router,
    extract::{Multipart, Query, State},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use sangkien_app::{
    Error,
    entry::{
        self as app_entry, attachment,
        change::{self, Screening},
    },
};
use sangkien_domain::{
    account::Role,
    contest::{ContestState, EntryForm, PrizeTier},
    entry::{self, Author, EntryStatus, TrialParticipant},
    labels::Label,
    points::Points,
    time,
};
use sangkien_storage::{contest::ContestRecord, entry::EntryFilter};

use super::{
    Nav, PageUser, after,
    form::{CsrfOnly, FromPairs, Pairs, Posted, Rows},
    page, page_error,
};
use crate::{
    AppState,
    extract::{Id, Ids},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contests/{id}/entries", get(list))
        .route(
            "/contests/{id}/entries/new",
            get(form::new_form).post(form::create),
        )
        .route("/entries/{id}", get(show))
        .route("/entries/{id}/edit", get(form::edit_form).post(form::save))
        .route("/entries/{id}/submit", post(submit))
        .route("/entries/{id}/withdraw", post(withdraw))
        .route(
            "/entries/{id}/attachments",
            post(upload).layer(axum::extract::DefaultBodyLimit::max(1_100_000_000)),
        )
        .route("/entries/{id}/attachments/{aid}", get(download))
        .route("/entries/{id}/attachments/{aid}/delete", post(delete))
        .route("/entries/{id}/screening", post(screening))
        .route("/entries/{id}/receipt.pdf", get(receipt))
        .route("/entries/{id}/application.docx", get(application))
        .route("/contests/{id}/entries/screening", post(screen_many))
}

fn topic_name(contest: &ContestRecord, code: &str) -> String {
    contest
        .settings
        .topics
        .iter()
        .find(|t| t.code == code)
        .map(|t| t.name.clone())
        .unwrap_or_default()
}

struct AttachmentRow {
    id: i64,
    kind: &'static str,
    filename: String,
    size: String,
    sha_short: String,
}

struct SimilarRow {
    /// None for a past entry of the archive (no page of its own).
    entry_id: Option<i64>,
    year: i64,
    title: String,
    unit_code: String,
    percent: String,
}

struct VersionRow {
    version: i64,
    at: String,
    by: String,
    /// Whether the version records the authors' sworn statement.
    sworn: bool,
}

#[derive(Template)]
#[template(path = "entry.html")]
struct EntryPage {
    nav: Option<Nav>,
    csrf: String,
    id: i64,
    contest_id: i64,
    contest_title: String,
    title: String,
    unit_name: String,
    topic: String,
    form_label: String,
    status: &'static str,
    status_label: &'static str,
    version: i64,
    submitted_at: String,
    deadline: String,
    eligible: &'static str,
    screening_reason: String,
    authors: Vec<Author>,
    field_of_application: String,
    first_applied_on: String,
    implementation: String,
    sections: Vec<(&'static str, String)>,
    participants: Vec<TrialParticipant>,
    confidential: String,
    investor: String,
    trial_benefits: String,
    attachments: Vec<AttachmentRow>,
    missing: Vec<String>,
    changeable: bool,
    /// Only the entry's own unit withdraws it.
    can_withdraw: bool,
    /// The action the page asks to confirm (`?confirm=submit` or `withdraw`).
    confirm: &'static str,
    locked_reason: String,
    can_delete_files: bool,
    is_organizer: bool,
    can_screen: bool,
    /// While screening: the next entry not yet screened, for «Sáng kiến tiếp theo».
    next_to_screen: Option<i64>,
    similar: Vec<SimilarRow>,
    versions: Vec<VersionRow>,
    /// The statement the authors tick at submission.
    sworn_statement: &'static str,
    error: Option<String>,
    done: Option<String>,
    /// Where a forwarded entry comes from, with its internal result.
    origin: String,
    /// For organizers once the contest is published: whether the entry is in the public
    /// library (None when it cannot be).
    in_library: Option<bool>,
}

fn size_label(bytes: i64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0).replace('.', ",")
    } else {
        format!("{} KB", (bytes + 999) / 1000)
    }
}

async fn entry_page(
    state: &AppState,
    user: &PageUser,
    id: i64,
    error: Option<String>,
    done: Option<String>,
) -> Result<EntryPage, Error> {
    let account = user.account();
    let app_entry::Overview {
        detail,
        similar,
        versions,
        in_library,
    } = app_entry::overview(state, account, id).await?;
    let (e, contest, files) = (&detail.entry, &detail.contest, &detail.attachments);
    let has_main = files.iter().any(|a| a.kind == "main");
    let lock = app_entry::check_changeable(contest, e, state.now());
    let is_organizer = account.role == Role::Organizer;
    let unit_names: std::collections::HashMap<String, String> = sangkien_app::unit::list(state)
        .await?
        .into_iter()
        .map(|u| (u.code, u.name))
        .collect();
    let similar = similar
        .into_iter()
        .map(|s| SimilarRow {
            entry_id: s.entry_id,
            year: s.year,
            title: s.title,
            unit_code: unit_names.get(&s.unit_code).cloned().unwrap_or(s.unit_code),
            percent: format!("{:.0}%", s.similarity * 100.0),
        })
        .collect();
    let mut version_rows = Vec::with_capacity(versions.len());
    for v in versions {
        version_rows.push(VersionRow {
            version: v.version,
            at: time::display_vn(v.submitted_at),
            by: sangkien_app::user::full_name(state, &v.submitted_by)
                .await
                .unwrap_or(v.submitted_by),
            sworn: v.sworn.is_some(),
        });
    }
    let versions = version_rows;
    let origin = match &detail.origin {
        Some(o) => {
            let tier = o
                .origin
                .tier
                .as_deref()
                .and_then(PrizeTier::parse)
                .map(|t| t.vi())
                .unwrap_or("không xếp giải");
            format!(
                "Chuyển từ «{}» (bài số {}): {tier}, {} điểm.",
                o.contest_title.clone().unwrap_or_default(),
                o.origin.entry_id,
                Points(o.origin.score).display_vi()
            )
        }
        None => String::new(),
    };
    let c = &e.content;
    let next_to_screen = if is_organizer && contest.state == ContestState::Closed {
        app_entry::next_to_screen(state, account, contest.id, id).await?
    } else {
        None
    };
    Ok(EntryPage {
        origin,
        in_library,
        nav: user.nav(),
        csrf: user.session.csrf_token.clone(),
        id,
        contest_id: contest.id,
        contest_title: contest.settings.title.clone(),
        title: c.title.clone(),
        unit_name: e.unit_name.clone(),
        topic: topic_name(contest, &c.topic_code),
        form_label: EntryForm::parse(&c.form)
            .map(|f| f.vi().to_string())
            .unwrap_or_default(),
        status: e.status.as_str(),
        status_label: e.status.vi(),
        version: e.version,
        submitted_at: e
            .submitted_at
            .map(time::display_vn_seconds)
            .unwrap_or_default(),
        deadline: time::display_vn(entry::unit_deadline(&contest.settings, e.extension)),
        eligible: eligible_label(e.eligible),
        screening_reason: e.screening_reason.clone().unwrap_or_default(),
        // Birth dates as people read them (`dd/mm/yyyy`).
        authors: c
            .authors
            .iter()
            .map(|a| Author {
                birth_date: shown_date(&a.birth_date),
                ..a.clone()
            })
            .collect(),
        field_of_application: c.field_of_application.clone(),
        first_applied_on: time::parse_date(&c.first_applied_on)
            .map(time::display_date)
            .unwrap_or_default(),
        implementation: entry::IMPLEMENTATION_STATUSES
            .iter()
            .find(|(k, _)| *k == c.implementation_status)
            .map(|(_, v)| v.to_string())
            .unwrap_or_default(),
        sections: c
            .description
            .sections()
            .iter()
            .map(|(_, l, t)| (*l, t.to_string()))
            .collect(),
        participants: c
            .trial_participants
            .iter()
            .map(|p| TrialParticipant {
                birth_date: shown_date(&p.birth_date),
                ..p.clone()
            })
            .collect(),
        confidential: c.confidential.clone(),
        investor: c.investor.clone(),
        trial_benefits: c.trial_benefits.clone(),
        attachments: files
            .iter()
            .map(|a| AttachmentRow {
                id: a.id,
                kind: if a.kind == "main" {
                    "Văn bản sáng kiến (PDF)"
                } else {
                    "Tài liệu kèm theo"
                },
                filename: a.filename.clone(),
                size: size_label(a.size),
                sha_short: a.sha256.chars().take(12).collect(),
            })
            .collect(),
        missing: if e.status == EntryStatus::Submitted {
            Vec::new()
        } else {
            entry::missing_for_submit(c, has_main)
                .into_iter()
                .map(|m| m.message)
                .collect()
        },
        changeable: lock.is_ok(),
        can_withdraw: app_entry::change::is_own_unit(account, e),
        confirm: "",
        locked_reason: lock
            .as_ref()
            .err()
            .map(|r| r.message.clone())
            .unwrap_or_default(),
        can_delete_files: lock.is_ok() && e.status == EntryStatus::Draft && e.version == 0,
        is_organizer,
        can_screen: is_organizer
            && contest.state == ContestState::Closed
            && e.status == EntryStatus::Submitted,
        next_to_screen,
        similar,
        versions,
        sworn_statement: sangkien_domain::entry::SWORN_STATEMENT,
        error,
        done,
    })
}

fn done_message(code: &str) -> Option<String> {
    Some(
        match code {
            "created" => "Đã tạo bản nháp sáng kiến. Tải lên văn bản PDF rồi bấm «Nộp sáng kiến».",
            "saved" => "Đã lưu thay đổi.",
            "uploaded" => "Đã tải lên tệp đính kèm.",
            "deleted" => "Đã xóa tệp đính kèm.",
            "submitted" => "Đã nộp sáng kiến. Biên nhận (thời điểm nộp và số phiên bản) đã được gửi vào hộp thư của đơn vị.",
            "withdrawn" => "Đã rút sáng kiến.",
            "screened" => "Đã ghi kết quả xét điều kiện.",
            _ => return None,
        }
        .to_string(),
    )
}

async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Query(q): Query<EntryQuery>,
) -> Response {
    let confirm = match q.confirm.as_str() {
        "submit" => "submit",
        "withdraw" => "withdraw",
        _ => "",
    };
    page(
        entry_page(&state, &user, id, None, done_message(&q.done))
            .await
            .map(|p| EntryPage { confirm, ..p }),
    )
}

/// The entry page's query: the message after a form, or the action to confirm.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct EntryQuery {
    done: String,
    confirm: String,
}

/// After an action: back to the entry page, or the page with the error.
async fn back(state: &AppState, user: &PageUser, id: i64, result: Result<&str, Error>) -> Response {
    let result = result.map(|done| format!("/entries/{id}?done={done}"));
    after(result, |e| {
        entry_page(state, user, id, Some(e.message), None)
    })
    .await
}

/// The submission's confirmation: the authors' sworn statement, ticked.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SubmitForm {
    csrf: String,
    sworn: String,
}

crate::pages::form::csrf_field!(SubmitForm);

async fn submit(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Posted(form): Posted<SubmitForm>,
) -> Response {
    let sworn = form.sworn == "on";
    let result = change::submit(&state, user.account(), id, sworn, None)
        .await
        .map(|_| format!("/entries/{id}?done=submitted"));
    // Refused: the page again, still asking to confirm (the statement unticked).
    after(result, |e| async {
        entry_page(&state, &user, id, Some(e.message), None)
            .await
            .map(|p| EntryPage {
                confirm: "submit",
                ..p
            })
    })
    .await
}

async fn withdraw(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Posted(_): Posted<CsrfOnly>,
) -> Response {
    let result = change::withdraw(&state, user.account(), id, None)
        .await
        .map(|_| "withdrawn");
    back(&state, &user, id, result).await
}

async fn upload(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let result = async {
        let multipart = multipart.map_err(|_| {
            Error::bad_request("malformed_multipart", "Không đọc được tệp tải lên.")
        })?;
        crate::upload::attachment(&state, user.account(), id, multipart, Some(&user.csrf()))
            .await?;
        Ok("uploaded")
    }
    .await;
    back(&state, &user, id, result).await
}

async fn download(State(state): State<AppState>, user: PageUser, Ids(id, aid): Ids) -> Response {
    let sent = async {
        let a = attachment::get(&state, user.account(), id, aid).await?;
        crate::download::attachment(&state, &a, "private, no-cache").await
    }
    .await;
    sent.unwrap_or_else(page_error)
}

async fn delete(
    State(state): State<AppState>,
    user: PageUser,
    Ids(id, aid): Ids,
    Posted(_): Posted<CsrfOnly>,
) -> Response {
    let result = attachment::remove(&state, user.account(), id, aid)
        .await
        .map(|()| "deleted");
    back(&state, &user, id, result).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ScreeningForm {
    csrf: String,
    eligible: String,
    reason: String,
}

crate::pages::form::csrf_field!(ScreeningForm);

async fn screening(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Posted(f): Posted<ScreeningForm>,
) -> Response {
    let body = Screening {
        eligible: f.eligible == "true",
        reason: f.reason,
    };
    let result = change::screen(&state, user.account(), id, &body)
        .await
        .map(|_| "screened");
    back(&state, &user, id, result).await
}

/// The receipt of the entry's latest submission (PDF).
async fn receipt(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    match sangkien_app::entry::documents::receipt(&state, user.account(), id).await {
        Ok(file) => crate::download::file(file),
        Err(e) => super::page_error(e),
    }
}

/// The request for recognition in the TT 18/2013 form (DOCX).
async fn application(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    match sangkien_app::entry::documents::application(&state, user.account(), id).await {
        Ok(file) => crate::download::file(file),
        Err(e) => super::page_error(e),
    }
}

/// A stored `YYYY-MM-DD` as `dd/mm/yyyy`, or empty.
fn shown_date(d: &str) -> String {
    time::parse_date(d)
        .map(time::display_date)
        .unwrap_or_default()
}
