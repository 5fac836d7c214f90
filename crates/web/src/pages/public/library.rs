//! The public library's pages: search with its CSV, one initiative, and the archive's
//! past winners under the results.

use askama::Template;
use axum::{
    extract::{Query, State},
    response::Response,
};
use sangkien_app::library::{self, LibraryEntry, SearchQuery};
use sangkien_domain::{contest::PrizeTier, labels::Label, unit::as_it_was};

use super::{cached_page, html};
use crate::{
    AppState,
    extract::Id,
    pages::{Nav, date_vi, page_error, render},
};

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

pub(super) async fn library_page(
    State(state): State<AppState>,
    Query(q): Query<SearchQuery>,
) -> Response {
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
pub(super) async fn library_csv(
    State(state): State<AppState>,
    Query(q): Query<SearchQuery>,
) -> Response {
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
    crate::pages::csv("thu-vien-sang-kien.csv", rows)
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

pub(super) async fn library_entry(State(state): State<AppState>, Id(id): Id) -> Response {
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
