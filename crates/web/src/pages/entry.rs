//! Pages of entries: a unit's (or the organizer's) list, the entry form (a failed save
//! shows every error and keeps everything typed), the entry page with attachments,
//! upload, submit and withdraw, and the organizer's screening and duplicate check.

use std::collections::HashMap;

use askama::Template;
use axum::{
    Form, Router,
    extract::{Multipart, Query, State, rejection::FormRejection},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use sangkien_domain::{
    account::Role,
    contest::EntryForm,
    entry::{self, Author, Description, EntryContent, EntryStatus, TrialParticipant},
    labels::Label,
    time,
};
use sangkien_storage::{Conn, Store, contest::ContestRecord, entry as store};
use serde::Deserialize;

use super::{Nav, PageUser, page_error, render, render_status};
use crate::{
    AppState,
    api::{
        contest::visible as visible_contest,
        entry::{
            ScreeningBody, changeable, create_entry, open_unit, receive_upload, remove_attachment,
            screen_entry, send_attachment, similar_entries, submit_entry, update_entry, visible,
            withdraw_entry,
        },
    },
    error::{ApiError, ApiResult},
    extract::{Id, Ids, Paging},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contests/{id}/entries", get(list))
        .route("/contests/{id}/entries/new", get(new_form).post(create))
        .route("/entries/{id}", get(show))
        .route("/entries/{id}/edit", get(edit_form).post(save))
        .route("/entries/{id}/submit", post(submit))
        .route("/entries/{id}/withdraw", post(withdraw))
        .route(
            "/entries/{id}/attachments",
            post(upload).layer(axum::extract::DefaultBodyLimit::max(1_100_000_000)),
        )
        .route("/entries/{id}/attachments/{aid}", get(download))
        .route("/entries/{id}/attachments/{aid}/delete", post(delete))
        .route("/entries/{id}/screening", post(screening))
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
}

#[derive(Template)]
#[template(path = "entries.html")]
struct ListPage {
    nav: Option<Nav>,
    contest_id: i64,
    contest_title: String,
    deadline: String,
    is_organizer: bool,
    can_create: bool,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
}

fn eligible_label(e: Option<bool>) -> &'static str {
    match e {
        None => "Chưa xét",
        Some(true) => "Đủ điều kiện",
        Some(false) => "Không đủ điều kiện",
    }
}

async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    paging: Result<Paging, ApiError>,
) -> Response {
    // A malformed ?page= gets the error page, not the API's JSON.
    let paging = match paging {
        Ok(p) => p,
        Err(e) => return page_error(e),
    };
    let account = &user.session.account;
    let result: ApiResult<ListPage> = async {
        if !matches!(account.role, Role::Organizer | Role::Focal) {
            return Err(ApiError::forbidden());
        }
        let mut conn = state.store.reader().await?;
        let contest = visible_contest(&mut conn, account, id).await?;
        let unit = (account.role == Role::Focal).then_some(account.unit_code.as_str());
        let (items, total) =
            store::list_lines(&mut conn, id, unit, paging.per_page, paging.offset()).await?;
        let can_create = match account.role {
            Role::Focal => open_unit(&mut conn, &contest, &account.unit_code, state.now())
                .await
                .is_ok(),
            _ => contest.state == sangkien_domain::contest::ContestState::Open,
        };
        Ok(ListPage {
            nav: user.nav(),
            contest_id: id,
            contest_title: contest.settings.title.clone(),
            deadline: time::display_vn(contest.settings.submission_deadline),
            is_organizer: account.role == Role::Organizer,
            can_create,
            total,
            page: paging.page,
            pages: (total + paging.per_page - 1) / paging.per_page,
            rows: items
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
                })
                .collect(),
        })
    }
    .await;
    match result {
        Ok(page) => render(&page),
        Err(e) => page_error(e),
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

/// The form as typed: every value is kept as text so a failed save shows it again.
#[derive(Debug, Clone, Default)]
struct FormValues {
    unit_code: String,
    title: String,
    topic_code: String,
    form: String,
    field_of_application: String,
    first_applied_on: String,
    implementation_status: String,
    sections: Vec<(&'static str, &'static str, String)>,
    confidential: String,
    authors: Vec<[String; 6]>,
    participants: Vec<[String; 3]>,
}

const AUTHOR_FIELDS: [&str; 6] = [
    "full_name",
    "birth_date",
    "workplace",
    "position",
    "qualification",
    "contribution_percent",
];
const PARTICIPANT_FIELDS: [&str; 3] = ["full_name", "workplace", "task"];
const MAX_ROWS: usize = 30;

impl FormValues {
    fn from_content(c: &EntryContent) -> Self {
        let mut v = FormValues {
            title: c.title.clone(),
            topic_code: c.topic_code.clone(),
            form: c.form.clone(),
            field_of_application: c.field_of_application.clone(),
            first_applied_on: c.first_applied_on.clone(),
            implementation_status: c.implementation_status.clone(),
            sections: c
                .description
                .sections()
                .iter()
                .map(|(n, l, t)| (*n, *l, t.to_string()))
                .collect(),
            confidential: c.confidential.clone(),
            authors: c
                .authors
                .iter()
                .map(|a| {
                    [
                        a.full_name.clone(),
                        a.birth_date.clone(),
                        a.workplace.clone(),
                        a.position.clone(),
                        a.qualification.clone(),
                        a.contribution_percent
                            .map(|p| p.to_string().replace('.', ","))
                            .unwrap_or_default(),
                    ]
                })
                .collect(),
            participants: c
                .trial_participants
                .iter()
                .map(|p| [p.full_name.clone(), p.workplace.clone(), p.task.clone()])
                .collect(),
            ..FormValues::default()
        };
        v.pad();
        v
    }

    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let map: HashMap<&str, &str> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let get = |k: &str| map.get(k).map(|v| v.to_string()).unwrap_or_default();
        let blank = EntryContent::default();
        let mut v = FormValues {
            unit_code: get("unit_code"),
            title: get("title"),
            topic_code: get("topic_code"),
            form: get("form"),
            field_of_application: get("field_of_application"),
            first_applied_on: get("first_applied_on"),
            implementation_status: get("implementation_status"),
            sections: blank
                .description
                .sections()
                .iter()
                .map(|(n, l, _)| (*n, *l, get(&format!("description.{n}"))))
                .collect(),
            confidential: get("confidential"),
            ..FormValues::default()
        };
        for i in 0..MAX_ROWS {
            let row = AUTHOR_FIELDS.map(|f| get(&format!("a{i}_{f}")));
            if row.iter().any(|x| !x.trim().is_empty()) {
                v.authors.push(row);
            }
            let row = PARTICIPANT_FIELDS.map(|f| get(&format!("p{i}_{f}")));
            if row.iter().any(|x| !x.trim().is_empty()) {
                v.participants.push(row);
            }
        }
        v
    }

    /// Blank rows to type new authors and participants into.
    fn pad(&mut self) {
        while self.authors.len() < 3 || self.authors.last().is_some_and(|r| !r[0].is_empty()) {
            if self.authors.len() >= MAX_ROWS {
                break;
            }
            self.authors.push(Default::default());
        }
        while self.participants.len() < 2
            || self.participants.last().is_some_and(|r| !r[0].is_empty())
        {
            if self.participants.len() >= MAX_ROWS {
                break;
            }
            self.participants.push(Default::default());
        }
    }

    /// The content to validate, with the field of every unreadable number named.
    fn content(&self) -> (EntryContent, Vec<(String, String)>) {
        let mut bad = Vec::new();
        let authors = self
            .authors
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let pct = r[5].trim().replace(',', ".");
                let contribution_percent = if pct.is_empty() {
                    None
                } else {
                    match pct.trim_end_matches('%').trim().parse::<f64>() {
                        Ok(p) => Some(p),
                        Err(_) => {
                            bad.push((
                                format!("authors[{i}].contribution_percent"),
                                "Tỷ lệ đóng góp phải là một số, ví dụ 50 hoặc 33,33.".to_string(),
                            ));
                            None
                        }
                    }
                };
                Author {
                    full_name: r[0].clone(),
                    birth_date: r[1].clone(),
                    workplace: r[2].clone(),
                    position: r[3].clone(),
                    qualification: r[4].clone(),
                    contribution_percent,
                }
            })
            .collect();
        let section = |name: &str| {
            self.sections
                .iter()
                .find(|(n, _, _)| *n == name)
                .map(|(_, _, t)| t.clone())
                .unwrap_or_default()
        };
        (
            EntryContent {
                title: self.title.clone(),
                topic_code: self.topic_code.clone(),
                form: self.form.clone(),
                authors,
                field_of_application: self.field_of_application.clone(),
                first_applied_on: self.first_applied_on.clone(),
                implementation_status: self.implementation_status.clone(),
                description: Description {
                    current_situation: section("current_situation"),
                    solution: section("solution"),
                    novelty: section("novelty"),
                    conditions: section("conditions"),
                    benefits: section("benefits"),
                    replication_scope: section("replication_scope"),
                },
                trial_participants: self
                    .participants
                    .iter()
                    .map(|r| TrialParticipant {
                        full_name: r[0].clone(),
                        workplace: r[1].clone(),
                        task: r[2].clone(),
                    })
                    .collect(),
                confidential: self.confidential.clone(),
            },
            bad,
        )
    }
}

#[derive(Template)]
#[template(path = "entry_form.html")]
struct FormPage {
    nav: Option<Nav>,
    csrf: String,
    heading: String,
    action: String,
    back: String,
    contest_title: String,
    deadline: String,
    units: Vec<(String, String)>,
    topics: Vec<(String, String, String)>,
    forms: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    v: FormValues,
    errors: Vec<(String, String)>,
}

impl FormPage {
    /// The error message of a field, or empty.
    fn err(&self, field: &str) -> String {
        self.errors
            .iter()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn author_err(&self, i: &usize, field: &str) -> String {
        self.err(&format!("authors[{i}].{field}"))
    }

    fn participant_err(&self, i: &usize, field: &str) -> String {
        self.err(&format!("trial_participants[{i}].{field}"))
    }
}

/// Where a form comes from and goes to: a new entry of a contest, or an entry's edit.
struct FormTarget {
    heading: String,
    action: String,
    back: String,
}

impl FormTarget {
    fn new_entry(contest_id: i64) -> Self {
        Self {
            heading: "Sáng kiến mới".into(),
            action: format!("/contests/{contest_id}/entries/new"),
            back: format!("/contests/{contest_id}/entries"),
        }
    }

    fn edit(entry_id: i64) -> Self {
        Self {
            heading: "Sửa sáng kiến".into(),
            action: format!("/entries/{entry_id}/edit"),
            back: format!("/entries/{entry_id}"),
        }
    }
}

async fn form_page(
    conn: &mut Conn,
    user: &PageUser,
    contest: &ContestRecord,
    target: FormTarget,
    mut v: FormValues,
    errors: Vec<(String, String)>,
) -> ApiResult<FormPage> {
    let FormTarget {
        heading,
        action,
        back,
    } = target;
    v.pad();
    let names: HashMap<String, String> = sangkien_storage::unit::list(conn)
        .await?
        .into_iter()
        .map(|u| (u.code, u.name))
        .collect();
    let s = &contest.settings;
    Ok(FormPage {
        nav: user.nav(),
        csrf: user.session.csrf_token.clone(),
        heading,
        action,
        back,
        contest_title: s.title.clone(),
        deadline: time::display_vn(s.submission_deadline),
        units: if user.session.account.role == Role::Organizer {
            s.participant_unit_codes
                .iter()
                .map(|c| (c.clone(), names.get(c).cloned().unwrap_or(c.clone())))
                .collect()
        } else {
            Vec::new()
        },
        topics: s
            .topics
            .iter()
            .map(|t| (t.group.clone(), t.code.clone(), t.name.clone()))
            .collect(),
        forms: EntryForm::ALL
            .iter()
            .filter(|f| s.forms.contains(f))
            .map(|f| (f.as_str(), f.vi()))
            .collect(),
        statuses: entry::IMPLEMENTATION_STATUSES.to_vec(),
        v,
        errors,
    })
}

async fn new_form(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    let result: ApiResult<FormPage> = async {
        let mut conn = state.store.reader().await?;
        let contest = visible_contest(&mut conn, &user.session.account, id).await?;
        if !matches!(user.session.account.role, Role::Organizer | Role::Focal) {
            return Err(ApiError::forbidden());
        }
        form_page(
            &mut conn,
            &user,
            &contest,
            FormTarget::new_entry(id),
            FormValues::from_content(&EntryContent::default()),
            Vec::new(),
        )
        .await
    }
    .await;
    match result {
        Ok(page) => render(&page),
        Err(e) => page_error(e),
    }
}

fn error_fields(e: &ApiError) -> Vec<(String, String)> {
    let list = e.details.get("fields").and_then(|f| f.as_array());
    match list {
        Some(items) if !items.is_empty() => items
            .iter()
            .map(|f| {
                (
                    f["field"].as_str().unwrap_or("").to_string(),
                    f["message"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect(),
        _ => vec![(String::new(), e.message.clone())],
    }
}

type Pairs = Result<Form<Vec<(String, String)>>, FormRejection>;

fn pairs(form: Pairs) -> Vec<(String, String)> {
    form.map(|Form(p)| p).unwrap_or_default()
}

fn csrf_of(pairs: &[(String, String)]) -> &str {
    pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// Saves a form: creates (`id` is the contest) or updates (`id` is the entry). On
/// failure the form comes back with every error and every typed value.
async fn save_form(
    state: &AppState,
    user: &PageUser,
    id: i64,
    creating: bool,
    form: Pairs,
) -> Response {
    let pairs = pairs(form);
    if let Err(res) = user.check_csrf(csrf_of(&pairs)) {
        return res;
    }
    let values = FormValues::from_pairs(&pairs);
    let (content, bad_numbers) = values.content();
    let account = &user.session.account;
    let outcome: ApiResult<i64> = async {
        if !bad_numbers.is_empty() {
            // Show the unreadable numbers together with every other error of the form.
            let mut conn = state.store.reader().await?;
            let contest = if creating {
                visible_contest(&mut conn, account, id).await?
            } else {
                visible(&mut conn, account, id).await?.1
            };
            let mut e = sangkien_domain::ValidationErrors::new();
            for (f, m) in &bad_numbers {
                e.add(f.clone(), m.clone());
            }
            if let Err(more) = entry::validate(&content, &contest.settings) {
                e.fields.extend(more.fields);
            }
            return Err(e.into());
        }
        let mut tx = state.store.begin().await?;
        let saved = if creating {
            let unit = Some(values.unit_code.clone()).filter(|u| !u.is_empty());
            create_entry(state, &mut tx, account, id, unit, &content).await?
        } else {
            update_entry(state, &mut tx, account, id, &content).await?
        };
        Store::commit(tx).await?;
        Ok(saved.entry.id)
    }
    .await;
    match outcome {
        Ok(entry_id) => {
            let done = if creating { "created" } else { "saved" };
            Redirect::to(&format!("/entries/{entry_id}?done={done}")).into_response()
        }
        Err(e) => {
            let page: ApiResult<FormPage> = async {
                let mut conn = state.store.reader().await?;
                let (contest, target) = if creating {
                    (
                        visible_contest(&mut conn, account, id).await?,
                        FormTarget::new_entry(id),
                    )
                } else {
                    (
                        visible(&mut conn, account, id).await?.1,
                        FormTarget::edit(id),
                    )
                };
                form_page(&mut conn, user, &contest, target, values, error_fields(&e)).await
            }
            .await;
            match page {
                Ok(p) => render_status(e.status, &p),
                Err(_) => page_error(e),
            }
        }
    }
}

async fn create(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    form: Pairs,
) -> Response {
    save_form(&state, &user, id, true, form).await
}

async fn save(State(state): State<AppState>, user: PageUser, Id(id): Id, form: Pairs) -> Response {
    save_form(&state, &user, id, false, form).await
}

async fn edit_form(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    let result: ApiResult<FormPage> = async {
        let mut conn = state.store.reader().await?;
        let (e, contest) = changeable(&mut conn, &user.session.account, id).await?;
        form_page(
            &mut conn,
            &user,
            &contest,
            FormTarget::edit(id),
            FormValues::from_content(&e.content),
            Vec::new(),
        )
        .await
    }
    .await;
    match result {
        Ok(page) => render(&page),
        Err(e) => page_error(e),
    }
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
    attachments: Vec<AttachmentRow>,
    missing: Vec<String>,
    changeable: bool,
    locked_reason: String,
    can_delete_files: bool,
    is_organizer: bool,
    can_screen: bool,
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
) -> ApiResult<EntryPage> {
    let account = &user.session.account;
    let mut conn = state.store.reader().await?;
    let (e, contest) = visible(&mut conn, account, id).await?;
    let files = store::list_attachments(&mut conn, id).await?;
    let has_main = files.iter().any(|a| a.kind == "main");
    let lock =
        entry::check_open_for_changes(contest.state, &contest.settings, e.extension, state.now());
    let is_organizer = account.role == Role::Organizer;
    let (similar, versions) = if is_organizer {
        let similar = similar_entries(&mut conn, &e, 5)
            .await?
            .into_iter()
            .map(|s| SimilarRow {
                entry_id: s["entry_id"].as_i64().unwrap_or_default(),
                title: s["title"].as_str().unwrap_or_default().to_string(),
                unit_code: s["unit_code"].as_str().unwrap_or_default().to_string(),
                percent: format!(
                    "{:.0}%",
                    s["similarity"].as_f64().unwrap_or_default() * 100.0
                ),
            })
            .collect();
        let versions = store::versions(&mut conn, id)
            .await?
            .into_iter()
            .map(|v| VersionRow {
                version: v.version,
                at: time::display_vn(v.submitted_at),
                by: v.submitted_by,
            })
            .collect();
        (similar, versions)
    } else {
        (Vec::new(), Vec::new())
    };
    let origin = match store::origin(&mut conn, id).await? {
        Some(o) => {
            let from = sangkien_storage::contest::get(&mut conn, o.contest_id).await?;
            let tier = o
                .tier
                .as_deref()
                .and_then(sangkien_domain::contest::PrizeTier::parse)
                .map(|t| {
                    use sangkien_domain::labels::Label;
                    t.vi()
                })
                .unwrap_or("không xếp giải");
            format!(
                "Chuyển từ «{}» (bài số {}): {tier}, {} điểm.",
                from.map(|c| c.settings.title).unwrap_or_default(),
                o.entry_id,
                sangkien_domain::points::Points(o.score).display_vi()
            )
        }
        None => String::new(),
    };
    let in_library = if is_organizer
        && contest.state >= sangkien_domain::contest::ContestState::Published
        && e.status == EntryStatus::Submitted
        && e.eligible != Some(false)
    {
        Some(
            sangkien_storage::library::get(&mut conn, id)
                .await?
                .is_some(),
        )
    } else {
        None
    };
    let c = &e.content;
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
        topic: topic_name(&contest, &c.topic_code),
        form_label: EntryForm::parse(&c.form)
            .map(|f| f.vi().to_string())
            .unwrap_or_default(),
        status: e.status.as_str(),
        status_label: e.status.vi(),
        version: e.version,
        submitted_at: e.submitted_at.map(time::display_vn).unwrap_or_default(),
        deadline: time::display_vn(entry::unit_deadline(&contest.settings, e.extension)),
        eligible: eligible_label(e.eligible),
        screening_reason: e.screening_reason.clone().unwrap_or_default(),
        authors: c.authors.clone(),
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
        participants: c.trial_participants.clone(),
        confidential: c.confidential.clone(),
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
        changeable: lock.is_ok() && e.status != EntryStatus::Withdrawn,
        locked_reason: lock
            .as_ref()
            .err()
            .map(|r| r.message.clone())
            .unwrap_or_default(),
        can_delete_files: lock.is_ok() && e.status == EntryStatus::Draft && e.version == 0,
        is_organizer,
        can_screen: is_organizer
            && contest.state == sangkien_domain::contest::ContestState::Closed
            && e.status == EntryStatus::Submitted,
        similar,
        versions,
        error,
        done,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DoneQuery {
    done: String,
}

fn done_message(code: &str) -> Option<String> {
    Some(
        match code {
            "created" => "Đã tạo bản nháp sáng kiến. Tải lên văn bản PDF rồi bấm «Nộp sáng kiến».",
            "saved" => "Đã lưu thay đổi.",
            "uploaded" => "Đã tải lên tệp đính kèm.",
            "deleted" => "Đã xóa tệp đính kèm.",
            "submitted" => "Đã nộp sáng kiến.",
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
    Query(q): Query<DoneQuery>,
) -> Response {
    match entry_page(&state, &user, id, None, done_message(&q.done)).await {
        Ok(page) => render(&page),
        Err(e) => page_error(e),
    }
}

/// After an action: back to the entry page, or the page with the error.
async fn after(state: &AppState, user: &PageUser, id: i64, result: ApiResult<&str>) -> Response {
    match result {
        Ok(done) => Redirect::to(&format!("/entries/{id}?done={done}")).into_response(),
        Err(e) => match entry_page(state, user, id, Some(e.message.clone()), None).await {
            Ok(page) => render_status(e.status, &page),
            Err(_) => page_error(e),
        },
    }
}

async fn status_action(
    state: &AppState,
    user: &PageUser,
    id: i64,
    form: Pairs,
    submit: bool,
) -> Response {
    let pairs = pairs(form);
    if let Err(res) = user.check_csrf(csrf_of(&pairs)) {
        return res;
    }
    let result: ApiResult<&str> = async {
        let mut tx = state.store.begin().await?;
        if submit {
            submit_entry(state, &mut tx, &user.session.account, id).await?;
        } else {
            withdraw_entry(state, &mut tx, &user.session.account, id).await?;
        }
        Store::commit(tx).await?;
        Ok(if submit { "submitted" } else { "withdrawn" })
    }
    .await;
    after(state, user, id, result).await
}

async fn submit(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    form: Pairs,
) -> Response {
    status_action(&state, &user, id, form, true).await
}

async fn withdraw(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    form: Pairs,
) -> Response {
    status_action(&state, &user, id, form, false).await
}

async fn upload(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let result: ApiResult<&str> = async {
        let multipart = multipart.map_err(|_| {
            ApiError::bad_request("malformed_multipart", "Không đọc được tệp tải lên.")
        })?;
        receive_upload(
            &state,
            &user.session.account,
            id,
            multipart,
            Some(&user.session.csrf_token),
        )
        .await?;
        Ok("uploaded")
    }
    .await;
    after(&state, &user, id, result).await
}

async fn download(State(state): State<AppState>, user: PageUser, Ids(id, aid): Ids) -> Response {
    send_attachment(&state, &user.session.account, id, aid)
        .await
        .unwrap_or_else(page_error)
}

async fn delete(
    State(state): State<AppState>,
    user: PageUser,
    Ids(id, aid): Ids,
    form: Pairs,
) -> Response {
    let pairs = pairs(form);
    if let Err(res) = user.check_csrf(csrf_of(&pairs)) {
        return res;
    }
    let result = remove_attachment(&state, &user.session.account, id, aid)
        .await
        .map(|()| "deleted");
    after(&state, &user, id, result).await
}

async fn screening(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    form: Pairs,
) -> Response {
    let pairs = pairs(form);
    if let Err(res) = user.check_csrf(csrf_of(&pairs)) {
        return res;
    }
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let body = ScreeningBody {
        eligible: get("eligible") == "true",
        reason: get("reason"),
    };
    let result = screen_entry(&state, &user.session.account, id, &body)
        .await
        .map(|_| "screened");
    after(&state, &user, id, result).await
}
