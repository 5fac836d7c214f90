//! Public pages, no sign-in: published contests, their results, and the Atom feed for
//! the provincial portal, newspaper and broadcaster. Everything comes from the results
//! stored at publication, so the pages are one read and never change afterwards.

use std::collections::HashMap;

use askama::Template;
use axum::{
    Router,
    extract::State,
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
    routing::get,
};
use sangkien_app::{
    Error,
    publication::{self, PublicResults},
};
use sangkien_domain::{points::format_vnd, unit::as_it_was};

mod library;

use library::{library_csv, library_entry, library_page};

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

/// A page built for the cache of public pages, or the error page (not JSON) with
/// `missing` as its message.
pub(super) async fn cached_page(
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

pub(super) fn html(t: &impl Template) -> Result<String, Error> {
    t.render().map_err(|e| {
        tracing::error!(error = %e, "template failed");
        Error::internal()
    })
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

#[derive(Template)]
#[template(path = "fingerprint.html")]
struct FingerprintPage {
    nav: Option<Nav>,
}

/// What the results' fingerprint is, and how anyone recomputes it.
async fn fingerprint() -> Response {
    public(render(&FingerprintPage { nav: None }))
}
