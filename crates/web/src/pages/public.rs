//! Public pages, no sign-in: published contests, their results, and the Atom feed for
//! the provincial portal, newspaper and broadcaster. Everything comes from the results
//! stored at publication, so the pages are one read and never change afterwards.

use std::collections::HashMap;

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
    routing::get,
};
use sangkien_app::{
    Error,
    library::{self, LibraryEntry, SearchQuery},
    publication::{self, PublicResults},
};
use sangkien_domain::{contest::PrizeTier, labels::Label, points::format_vnd, unit::as_it_was};

use super::{Nav, date_vi, error_page, page_error, render};
use crate::{AppState, error::status, extract::Id};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/public/contests", get(list))
        .route("/public/contests/{id}", get(results))
        .route("/public/fingerprint", get(fingerprint))
        .route("/feed.atom", get(feed))
        .route("/public/library", get(library_page))
        .route("/public/library.csv", get(library_csv))
        .route("/public/library/{id}", get(library_entry))
}

/// A past winner of the archive in the library.
pub struct ImportedLine {
    pub title: String,
    pub unit_name: String,
    pub year: i64,
    pub tier_name: &'static str,
    pub summary: String,
}

pub struct LibraryLine {
    pub entry_id: i64,
    pub title: String,
    pub unit_name: String,
    pub year: String,
    pub tier_name: String,
}

#[derive(Template)]
#[template(path = "public_library.html")]
struct LibraryPage {
    nav: Option<Nav>,
    q: String,
    unit: String,
    year: String,
    tier: String,
    sort: String,
    units: Vec<(String, String)>,
    tiers: Vec<(&'static str, &'static str)>,
    items: Vec<LibraryLine>,
    /// Past winners imported from the archive that match (on the first page).
    imported: Vec<ImportedLine>,
    total: String,
    prev: Option<String>,
    next: Option<String>,
    error: Option<String>,
    /// The same search as CSV.
    csv: String,
}

/// Whether a page of search results has a next one. Past [`COUNT_CAP`] matches the total
/// is only a lower bound, so a full page may be followed by more; a short or empty page
/// (the end of the matches, or of the ranked window) never is.
///
/// [`COUNT_CAP`]: sangkien_storage::library::COUNT_CAP
fn has_next(page: i64, per_page: i64, shown: usize, total: i64, capped: bool) -> bool {
    let full = i64::try_from(shown).is_ok_and(|n| n == per_page);
    page * per_page < total || (capped && full)
}

fn page_link(q: &SearchQuery, page: i64) -> String {
    let enc = |v: &str| -> String {
        v.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    format!(
        "/public/library?q={}&unit={}&year={}&tier={}&sort={}&page={page}",
        enc(&q.q),
        enc(&q.unit),
        enc(&q.year),
        enc(&q.tier),
        enc(&q.sort)
    )
}

async fn library_page(State(state): State<AppState>, Query(q): Query<SearchQuery>) -> Response {
    let units = match sangkien_app::unit::list(&state).await {
        Ok(u) => u.into_iter().map(|u| (u.code, u.name)).collect(),
        Err(e) => return page_error(e),
    };
    let (items, total, capped, page, per_page, error) = match library::search(&state, &q).await {
        Ok(p) => (p.items, p.total, p.capped, p.page, p.per_page, None),
        Err(e) => (Vec::new(), 0, false, 1, 20, Some(e.message)),
    };
    let next = has_next(page, per_page, items.len(), total, capped);
    let imported = if page == 1 && error.is_none() {
        match sangkien_app::archive::winners_matching(&state, &q).await {
            Ok(found) => found
                .into_iter()
                .map(|a| ImportedLine {
                    tier_name: a
                        .tier
                        .as_deref()
                        .and_then(PrizeTier::parse)
                        .map_or("", |t| t.vi()),
                    title: a.title,
                    unit_name: a.unit_name,
                    year: a.year,
                    summary: a.summary,
                })
                .collect(),
            Err(e) => return page_error(e),
        }
    } else {
        Vec::new()
    };
    let items = items
        .iter()
        .map(|i| LibraryLine {
            entry_id: i.0.entry_id,
            title: i.0.title.clone(),
            unit_name: as_it_was(&i.0.unit_name, i.0.unit_now.as_deref()),
            year: i.0.year.to_string(),
            tier_name: i.tier().map(|t| t.vi().to_string()).unwrap_or_default(),
        })
        .collect();
    render(&LibraryPage {
        nav: None,
        unit: q.unit.clone(),
        year: q.year.clone(),
        tier: q.tier.clone(),
        sort: q.sort.clone(),
        units,
        tiers: PrizeTier::ALL
            .iter()
            .map(|t| (t.as_str(), t.vi()))
            .collect(),
        items,
        imported,
        total: if capped {
            format!(
                "Hơn {}",
                sangkien_domain::points::format_vnd(total).trim_end_matches(" đ")
            )
        } else {
            total.to_string()
        },
        csv: page_link(&q, 1).replacen("/public/library?", "/public/library.csv?", 1),
        prev: (page > 1).then(|| page_link(&q, page - 1)),
        next: next.then(|| page_link(&q, page + 1)),
        error,
        q: q.q.clone(),
    })
}

/// The initiatives a library search finds, as CSV (up to [`CSV_ROWS`]).
async fn library_csv(State(state): State<AppState>, Query(q): Query<SearchQuery>) -> Response {
    const CSV_ROWS: i64 = 5_000;
    let mut rows = vec![
        ["Mã", "Sáng kiến", "Đơn vị", "Năm", "Giải"]
            .map(String::from)
            .to_vec(),
    ];
    let mut page = 1;
    loop {
        let query = SearchQuery {
            page: page.to_string(),
            per_page: "100".into(),
            ..q.clone()
        };
        let found = match library::search(&state, &query).await {
            Ok(p) => p,
            Err(e) => return page_error(e),
        };
        let n = found.items.len() as i64;
        rows.extend(found.items.iter().map(|i| {
            vec![
                i.0.entry_id.to_string(),
                i.0.title.clone(),
                as_it_was(&i.0.unit_name, i.0.unit_now.as_deref()),
                i.0.year.to_string(),
                i.tier().map(|t| t.vi().to_string()).unwrap_or_default(),
            ]
        }));
        if n < 100 || page * 100 >= CSV_ROWS {
            break;
        }
        page += 1;
    }
    super::csv("thu-vien-sang-kien.csv", rows)
}

#[derive(Template)]
#[template(path = "public_entry.html")]
struct EntryPage {
    nav: Option<Nav>,
    entry_id: i64,
    title: String,
    tier_name: String,
    unit_name: String,
    contest_id: i64,
    contest_title: String,
    topic_name: String,
    authors: String,
    field: String,
    sections: Vec<(&'static str, String)>,
    attachments: Vec<(i64, String, String)>,
    /// (unit, date dd/mm/yyyy, scope, result, adoption id, evidence file name)
    adoptions: Vec<(String, String, String, String, i64, Option<String>)>,
}

/// A page built for the cache of public pages, or the error page (not JSON) with
/// `missing` as its message.
async fn cached_page(
    state: &AppState,
    key: String,
    version: i64,
    build: impl std::future::Future<Output = Result<String, Error>>,
    missing: &str,
) -> Response {
    let build = async {
        let html = build.await?;
        Ok(("text/html; charset=utf-8", bytes::Bytes::from(html)))
    };
    match crate::public_cache(state, key, version, build).await {
        Ok(r) => r,
        Err(e) => error_page(status(e.kind), missing),
    }
}

fn html(t: &impl Template) -> Result<String, Error> {
    t.render().map_err(|e| {
        tracing::error!(error = %e, "template failed");
        Error::internal()
    })
}

async fn library_entry(State(state): State<AppState>, Id(id): Id) -> Response {
    let version = match state.library_version().await {
        Ok(v) => v,
        Err(e) => return page_error(e),
    };
    let build = async { html(&entry_page(id, &library::entry(&state, id).await?)) };
    let key = format!("library:{id}:html");
    cached_page(
        &state,
        key,
        version,
        build,
        "Không tìm thấy sáng kiến trong thư viện.",
    )
    .await
}

fn entry_page(id: i64, l: &LibraryEntry) -> EntryPage {
    let d = &l.document;
    let sections = d
        .description
        .sections()
        .iter()
        .filter(|(_, _, text)| !text.trim().is_empty())
        .map(|(_, label, text)| (*label, text.to_string()))
        .collect();
    let authors = d
        .authors
        .iter()
        .map(|a| {
            if a.workplace.is_empty() {
                a.full_name.clone()
            } else {
                format!("{} ({})", a.full_name, a.workplace)
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    EntryPage {
        nav: None,
        entry_id: id,
        title: d.title.clone(),
        tier_name: d.tier_name.clone().unwrap_or_default(),
        unit_name: as_it_was(&d.unit_name, l.unit_now.as_deref()),
        contest_id: d.contest_id,
        contest_title: d.contest_title.clone(),
        topic_name: d.topic_name.clone().unwrap_or_default(),
        authors,
        field: d.field_of_application.clone(),
        sections,
        adoptions: l
            .adoptions
            .iter()
            .map(|a| {
                (
                    a.unit_name.clone(),
                    date_vi(&a.adopted_on),
                    a.scope.clone(),
                    a.result.clone(),
                    a.id,
                    a.evidence.as_ref().map(|e| e.filename.clone()),
                )
            })
            .collect(),
        attachments: d
            .attachments
            .iter()
            .map(|a| {
                (
                    a.id,
                    a.filename.clone(),
                    format!("{} KB", (a.size + 1023) / 1024),
                )
            })
            .collect(),
    }
}

/// "2021-11-25T10:00:00+07:00" → "25/11/2021".
pub struct ContestLine {
    pub id: i64,
    pub title: String,
    pub year: String,
    pub published: String,
    pub awards: usize,
}

#[derive(Template)]
#[template(path = "public_list.html")]
struct ListPage {
    nav: Option<Nav>,
    contests: Vec<ContestLine>,
}

/// The published contests, newest first.
async fn published(state: &AppState) -> Result<Vec<ContestLine>, sangkien_app::Error> {
    Ok(publication::list(state)
        .await?
        .iter()
        .map(|p| {
            let c = &p.results.contest;
            ContestLine {
                id: p.contest_id,
                title: c.title.clone(),
                year: c.year.to_string(),
                published: date_vi(&c.published_at),
                awards: p.results.awards.len(),
            }
        })
        .collect())
}

async fn list(State(state): State<AppState>) -> Response {
    match published(&state).await {
        Ok(contests) => public(render(&ListPage {
            nav: None,
            contests,
        })),
        Err(e) => page_error(e),
    }
}

#[derive(Template)]
#[template(path = "start.html")]
struct StartPage {
    nav: Option<Nav>,
    contests: Vec<ContestLine>,
}

/// `/` for a visitor who is not signed in: the published results, the library, the feed.
pub(super) async fn start(state: &AppState) -> Response {
    match published(state).await {
        Ok(contests) => render(&StartPage {
            nav: None,
            contests,
        }),
        Err(e) => page_error(e),
    }
}

pub struct AwardLine {
    pub entry_id: i64,
    pub tier: String,
    pub title: String,
    pub unit_name: String,
    pub authors: String,
    pub score: String,
    pub amount: String,
}

#[derive(Template)]
#[template(path = "public_results.html")]
struct ResultsPage {
    nav: Option<Nav>,
    id: i64,
    title: String,
    organizer: String,
    decision: String,
    published: String,
    awards: Vec<AwardLine>,
    fingerprint: String,
}

/// Public pages may be cached by proxies for a short while; they never change once
/// published, but a short lifetime keeps corrections (a new publication) visible.
fn public(mut r: Response) -> Response {
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("public, max-age=300"),
    );
    r
}

async fn results(State(state): State<AppState>, Id(id): Id) -> Response {
    // The results never change once published, but the units named in them may have
    // been merged since («nay là …»), which changes the library's version.
    let version = match state.library_version().await {
        Ok(v) => v,
        Err(e) => return page_error(e),
    };
    let build = async {
        html(&results_page(
            id,
            &publication::get(&state, id).await?.results,
            &sangkien_app::unit::now_is(&state).await?,
        ))
    };
    let key = format!("results:{id}:html");
    cached_page(
        &state,
        key,
        version,
        build,
        "Không tìm thấy kết quả công bố của cuộc thi.",
    )
    .await
}

fn results_page(id: i64, r: &PublicResults, now_is: &HashMap<String, String>) -> ResultsPage {
    let c = &r.contest;
    let decision = match &c.decision {
        None => String::new(),
        Some(d) => format!(
            "Quyết định số {} ngày {} (người ký: {})",
            d.number,
            date_vi(&d.date),
            d.signer
        ),
    };
    let awards = r
        .awards
        .iter()
        .map(|a| AwardLine {
            entry_id: a.entry_id,
            tier: a.tier_name.clone(),
            title: a.title.clone(),
            unit_name: as_it_was(&a.unit_name, now_is.get(&a.unit_code).map(String::as_str)),
            authors: a
                .authors
                .iter()
                .map(|x| x.full_name.clone())
                .collect::<Vec<_>>()
                .join(", "),
            score: a.score.0.display_vi(),
            amount: format_vnd(a.amount_vnd),
        })
        .collect();
    ResultsPage {
        nav: None,
        id,
        title: c.title.clone(),
        organizer: c.organizer_unit_name.clone().unwrap_or_default(),
        decision,
        published: date_vi(&c.published_at),
        awards,
        fingerprint: r.fingerprint.clone(),
    }
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The address the visitor used, for the feed's absolute links.
pub(crate) fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

/// The Atom feed: one entry per published contest, newest first, with the winners.
async fn feed(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let pubs = match publication::list(&state).await {
        Ok(p) => p,
        Err(e) => return page_error(e),
    };
    let base = base_url(&state, &headers);
    let updated = pubs
        .first()
        .map(|p| p.results.contest.published_at.clone())
        .unwrap_or_else(|| "2000-01-01T00:00:00+07:00".into());
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"vi\">\n");
    out.push_str("  <title>Kết quả các cuộc thi sáng kiến cải cách hành chính</title>\n");
    out.push_str(&format!("  <id>{}/feed.atom</id>\n", xml(&base)));
    out.push_str(&format!(
        "  <link rel=\"self\" href=\"{0}/feed.atom\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{0}/public/contests\"/>\n",
        xml(&base)
    ));
    out.push_str(&format!("  <updated>{}</updated>\n", xml(&updated)));
    out.push_str("  <author><name>Ban Tổ chức cuộc thi</name></author>\n");
    for p in pubs.iter() {
        let c = &p.results.contest;
        let url = format!("{base}/public/contests/{}", p.contest_id);
        let mut summary = format!("Công bố kết quả {}.", c.title);
        if let Some(d) = &c.decision {
            summary.push_str(&format!(
                " Quyết định số {} ngày {}.",
                d.number,
                date_vi(&d.date)
            ));
        }
        for a in &p.results.awards {
            summary.push_str(&format!(
                " {}: «{}» ({}).",
                a.tier_name, a.title, a.unit_name
            ));
        }
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>Kết quả {}</title>\n", xml(&c.title)));
        out.push_str(&format!("    <id>{}</id>\n", xml(&url)));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml(&url)
        ));
        out.push_str(&format!(
            "    <link rel=\"related\" type=\"application/json\" href=\"{}/api/v1/public/contests/{}/results\"/>\n",
            xml(&base),
            p.contest_id
        ));
        out.push_str(&format!(
            "    <updated>{}</updated>\n",
            xml(&c.published_at)
        ));
        out.push_str(&format!("    <summary>{}</summary>\n", xml(&summary)));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    public(
        (
            [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
            out,
        )
            .into_response(),
    )
}

#[cfg(test)]
mod tests {
    use super::has_next;

    #[test]
    fn a_next_page_only_when_there_can_be_more() {
        // Counted exactly: by the total.
        assert!(has_next(1, 20, 20, 45, false));
        assert!(has_next(2, 20, 20, 45, false));
        assert!(!has_next(3, 20, 5, 45, false));
        assert!(!has_next(1, 20, 20, 20, false));
        // More than the counting cap: a full page may be followed by more ...
        assert!(has_next(50, 20, 20, 1000, true));
        assert!(has_next(51, 20, 20, 1000, true));
        // ... a short or empty one (the end of the ranked window) is the last.
        assert!(!has_next(600, 20, 7, 1000, true));
        assert!(!has_next(700, 20, 0, 1000, true));
    }
}

#[derive(Template)]
#[template(path = "fingerprint.html")]
struct FingerprintPage {
    nav: Option<Nav>,
}

/// What the results' fingerprint is, and how anyone recomputes it.
async fn fingerprint() -> Response {
    public(render(&FingerprintPage { nav: None }))
}
