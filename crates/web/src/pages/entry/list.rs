//! The entry list of a contest: filters, pages, CSV, and screening several entries at
//! once.

use super::*;

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

pub(super) fn eligible_label(e: Option<bool>) -> &'static str {
    match e {
        None => "Chưa xét",
        Some(true) => "Đủ điều kiện",
        Some(false) => "Không đủ điều kiện",
    }
}

/// The list's filter and page as the GET form sends them.
#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub(super) struct ListQuery {
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

pub(super) async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Query(q): Query<ListQuery>,
) -> Response {
    page(list_page(&state, &user, id, q, None, Vec::new(), String::new()).await)
}

/// The entries ticked on the list, one result and one reason for all of them.
#[derive(Default)]
pub(super) struct ManyForm {
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

pub(super) async fn screen_many(
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
                Ok(p) => crate::pages::render_status(code, &p),
                Err(_) => page_error(e),
            }
        }
    }
}
