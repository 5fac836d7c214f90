//! Pages of entries: a unit's (or the organizer's) list, the entry page with its
//! attachments, upload, submit and withdraw, and the organizer's screening and duplicate
//! check. The form to create and edit an entry is in `form`.

mod form;

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

struct Row {
    id: i64,
    title: String,
    unit_name: String,
    topic: String,
    status: &'static str,
    status_label: &'static str,
    version: i64,
    submitted_at: String,
    eligible: &'static str,
    /// Submitted: may be ticked for screening.
    screenable: bool,
}

#[derive(Template)]
#[template(path = "entries.html")]
struct ListPage {
    nav: Option<Nav>,
    csrf: String,
    contest_id: i64,
    contest_title: String,
    deadline: String,
    is_organizer: bool,
    can_create: bool,
    /// The organizer screens several entries at once (contest closed).
    can_screen: bool,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
    q: ListQuery,
    /// The filter as a query, for the pages' links.
    query: String,
    /// Whether the filter hides some entries.
    filtered: bool,
    units: Vec<(String, String)>,
    topics: Vec<(String, String)>,
    statuses: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    done: Option<String>,
    /// What a refused bulk screening had: the entries ticked, the reason.
    ticked: Vec<i64>,
    typed_reason: String,
}

impl ListPage {
    fn is_ticked(&self, id: &i64) -> bool {
        self.ticked.contains(id)
    }
}

fn eligible_label(e: Option<bool>) -> &'static str {
    match e {
        None => "Chưa xét",
        Some(true) => "Đủ điều kiện",
        Some(false) => "Không đủ điều kiện",
    }
}

/// The list's filter and page as the GET form sends them.
#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
struct ListQuery {
    status: String,
    unit: String,
    topic: String,
    /// `chua` (not yet), `dat` (eligible), `khong` (not eligible), or empty.
    screened: String,
    page: String,
    done: String,
    n: String,
}

impl ListQuery {
    fn filter(&self) -> EntryFilter {
        EntryFilter {
            unit_code: Some(self.unit.clone()).filter(|u| !u.is_empty()),
            status: EntryStatus::parse(&self.status),
            topic_code: Some(self.topic.clone()).filter(|t| !t.is_empty()),
            screened: match self.screened.as_str() {
                "chua" => Some(None),
                "dat" => Some(Some(true)),
                "khong" => Some(Some(false)),
                _ => None,
            },
        }
    }

    fn query(&self) -> String {
        serde_urlencoded::to_string([
            ("status", &self.status),
            ("unit", &self.unit),
            ("topic", &self.topic),
            ("screened", &self.screened),
        ])
        .unwrap_or_default()
    }
}

const PER_PAGE: i64 = 50;

async fn list_page(
    state: &AppState,
    user: &PageUser,
    id: i64,
    q: ListQuery,
    error: Option<String>,
    ticked: Vec<i64>,
    typed_reason: String,
) -> Result<ListPage, Error> {
    let account = user.account();
    let page_no = match q.page.trim() {
        "" => 1,
        p => p
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=1_000_000).contains(n))
            .ok_or_else(|| {
                Error::field("page", "Tham số «page» phải là số nguyên từ 1 đến 1000000.")
            })?,
    };
    let paging = sangkien_app::Paging {
        page: page_no,
        per_page: PER_PAGE,
    };
    let (contest, listed) = app_entry::list(state, account, id, q.filter(), paging).await?;
    let can_create = app_entry::can_create(state, account, &contest).await?;
    let is_organizer = account.role == Role::Organizer;
    let participates = |code: &String| contest.settings.participant_unit_codes.contains(code);
    let units = sangkien_app::unit::list(state)
        .await?
        .into_iter()
        .filter(|u| participates(&u.code))
        .map(|u| (u.code, u.name))
        .collect();
    let done = match q.done.as_str() {
        "screened" => Some(format!(
            "Đã ghi kết quả xét điều kiện cho {} sáng kiến.",
            q.n
        )),
        _ => None,
    };
    let total = listed.total;
    Ok(ListPage {
        nav: user.nav(),
        csrf: user.csrf(),
        contest_id: id,
        contest_title: contest.settings.title.clone(),
        deadline: time::display_vn(contest.settings.submission_deadline),
        is_organizer,
        can_create,
        can_screen: is_organizer && contest.state == ContestState::Closed,
        total,
        page: page_no,
        pages: (total + PER_PAGE - 1) / PER_PAGE,
        rows: listed
            .items
            .into_iter()
            .map(|e| Row {
                id: e.id,
                topic: topic_name(&contest, &e.topic_code),
                title: e.title,
                unit_name: e.unit_name,
                status: e.status.as_str(),
                status_label: e.status.vi(),
                version: e.version,
                submitted_at: e.submitted_at.map(time::display_vn).unwrap_or_default(),
                eligible: eligible_label(e.eligible),
                screenable: e.status == EntryStatus::Submitted,
            })
            .collect(),
        query: q.query(),
        filtered: !q.status.is_empty()
            || !q.unit.is_empty()
            || !q.topic.is_empty()
            || !q.screened.is_empty(),
        topics: contest
            .settings
            .topics
            .iter()
            .map(|t| (t.code.clone(), t.name.clone()))
            .collect(),
        statuses: EntryStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.vi()))
            .collect(),
        units,
        q,
        error,
        done,
        ticked,
        typed_reason,
    })
}

async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Query(q): Query<ListQuery>,
) -> Response {
    page(list_page(&state, &user, id, q, None, Vec::new(), String::new()).await)
}

/// The entries ticked on the list, one result and one reason for all of them.
#[derive(Default)]
struct ManyForm {
    csrf: String,
    entries: Vec<i64>,
    eligible: String,
    reason: String,
}

crate::pages::form::csrf_field!(ManyForm);

impl FromPairs for ManyForm {
    fn from_pairs(p: &Pairs) -> Self {
        ManyForm {
            csrf: p.get("csrf"),
            entries: p
                .all("entry")
                .iter()
                .filter_map(|v| v.parse().ok())
                .collect(),
            eligible: p.get("eligible"),
            reason: p.get("reason"),
        }
    }
}

async fn screen_many(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Rows(f): Rows<ManyForm>,
) -> Response {
    let body = Screening {
        eligible: f.eligible == "true",
        reason: f.reason.clone(),
    };
    match change::screen_many(&state, user.account(), id, &f.entries, &body).await {
        Ok(n) => {
            axum::response::Redirect::to(&format!("/contests/{id}/entries?done=screened&n={n}"))
                .into_response()
        }
        Err(e) => {
            let code = crate::error::status(e.kind);
            let message = std::iter::once(e.message.clone())
                .chain(e.fields().into_iter().map(|(_, m)| m))
                .collect::<Vec<_>>()
                .join(" ");
            match list_page(
                &state,
                &user,
                id,
                ListQuery::default(),
                Some(message),
                f.entries,
                f.reason,
            )
            .await
            {
                Ok(p) => super::render_status(code, &p),
                Err(_) => page_error(e),
            }
        }
    }
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
    entry_id: i64,
    title: String,
    unit_code: String,
    percent: String,
}

struct VersionRow {
    version: i64,
    at: String,
    by: String,
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

async fn submit(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Posted(_): Posted<CsrfOnly>,
) -> Response {
    let result = change::submit(&state, user.account(), id, None)
        .await
        .map(|_| "submitted");
    back(&state, &user, id, result).await
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
