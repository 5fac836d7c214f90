//! The public library (SPEC §3.8): awarded entries enter it at publication, others when
//! the organizer marks them public; anyone searches it. Adoptions are in `adoption`.

pub mod adoption;

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
    entry::{self as entries, AttachmentRecord, EntryRecord},
    library::{self as store, Filter, LibraryItem, LibraryLine},
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::json::{ToJson, json_serialize};
use crate::{App, Error, Result, contest};

pub use adoption::{AdoptionView, NewAdoption};

/// An author as the library shows them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LibraryAuthor {
    pub full_name: String,
    pub workplace: String,
    pub position: String,
}

/// A file of a library entry.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LibraryFile {
    pub id: i64,
    pub kind: String,
    pub filename: String,
    pub size: i64,
    pub content_type: String,
}

/// The public document of an entry: what the library shows; never the confidential
/// field, birth dates or qualifications. Stored when the entry enters the library.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LibraryDocument {
    pub entry_id: i64,
    pub title: String,
    pub topic_code: String,
    pub topic_name: Option<String>,
    pub form: String,
    pub unit_code: String,
    pub unit_name: String,
    pub contest_id: i64,
    pub contest_title: String,
    pub year: i64,
    pub tier: Option<String>,
    pub tier_name: Option<String>,
    pub authors: Vec<LibraryAuthor>,
    pub field_of_application: String,
    pub first_applied_on: String,
    pub implementation_status: String,
    pub description: Description,
    pub attachments: Vec<LibraryFile>,
}

impl LibraryDocument {
    fn of(
        e: &EntryRecord,
        contest: &ContestRecord,
        tier: Option<PrizeTier>,
        attachments: &[AttachmentRecord],
    ) -> Self {
        let s = &contest.settings;
        let c = &e.content;
        LibraryDocument {
            entry_id: e.id,
            title: c.title.clone(),
            topic_code: c.topic_code.clone(),
            topic_name: s
                .topics
                .iter()
                .find(|t| t.code == c.topic_code)
                .map(|t| t.name.clone()),
            form: c.form.clone(),
            unit_code: e.unit_code.clone(),
            unit_name: e.unit_name.clone(),
            contest_id: contest.id,
            contest_title: s.title.clone(),
            year: s.year,
            tier: tier.map(|t| t.as_str().to_string()),
            tier_name: tier.map(|t| t.vi().to_string()),
            authors: c
                .authors
                .iter()
                .map(|a| LibraryAuthor {
                    full_name: a.full_name.clone(),
                    workplace: a.workplace.clone(),
                    position: a.position.clone(),
                })
                .collect(),
            field_of_application: c.field_of_application.clone(),
            first_applied_on: c.first_applied_on.clone(),
            implementation_status: c.implementation_status.clone(),
            description: c.description.clone(),
            attachments: attachments
                .iter()
                .map(|a| LibraryFile {
                    id: a.id,
                    kind: a.kind.clone(),
                    filename: a.filename.clone(),
                    size: a.size,
                    content_type: a.content_type.clone(),
                })
                .collect(),
        }
    }
}

/// Puts an entry into the library inside the caller's transaction.
pub async fn add(
    conn: &mut Conn,
    actor: &Actor,
    e: &EntryRecord,
    contest: &ContestRecord,
    tier: Option<PrizeTier>,
) -> Result<()> {
    let attachments = entries::list_attachments(conn, e.id).await?;
    let doc = LibraryDocument::of(e, contest, tier, &attachments);
    let d: &Description = &e.content.description;
    let topic = doc.topic_name.clone().unwrap_or_default();
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
        tier: doc.tier.clone(),
        title: e.content.title.clone(),
        title_key: sort_key_text(&e.content.title),
        search_title,
        search_body,
        document: serde_json::to_value(&doc).unwrap_or_default(),
        published_at: actor.at,
    };
    store::put(conn, actor, &item).await?;
    Ok(())
}

/// The search form and its query string.
#[derive(Debug, Clone, Deserialize, Default)]
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
    pub fn parse(&self) -> Result<(Filter, i64, i64)> {
        let num = |field: &str, v: &str, min: i64, max: i64, default: i64| -> Result<i64> {
            if v.trim().is_empty() {
                return Ok(default);
            }
            v.trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| {
                    Error::field(field, format!("Giá trị phải là số từ {min} đến {max}."))
                })
        };
        let year = num("year", &self.year, 1900, 9999, 0)?;
        let page = num("page", &self.page, 1, 100_000, 1)?;
        let per_page = num("per_page", &self.per_page, 1, 100, 20)?;
        let tier = self.tier.trim();
        if !tier.is_empty() && PrizeTier::parse(tier).is_none() {
            return Err(Error::field(
                "tier",
                "Hạng giải phải là first, second, third hoặc consolation.",
            ));
        }
        if self.q.chars().count() > 200 {
            return Err(Error::field("q", "Từ khóa tìm kiếm dài quá 200 ký tự."));
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

/// A search result.
#[derive(Debug, Clone)]
pub struct Hit(pub LibraryLine);

impl Hit {
    pub fn tier(&self) -> Option<PrizeTier> {
        self.0.tier.as_deref().and_then(PrizeTier::parse)
    }
}

impl ToJson for Hit {
    fn to_json(&self) -> Value {
        let l = &self.0;
        json!({"entry_id": l.entry_id, "contest_id": l.contest_id, "title": l.title,
               "unit_code": l.unit_code, "unit_name": l.unit_name, "unit_now": l.unit_now,
               "topic_code": l.topic_code,
               "year": l.year, "tier": l.tier, "tier_name": self.tier().map(|t| t.vi())})
    }
}

json_serialize!(Hit);

/// One page of search results with the total.
#[derive(Debug, Clone)]
pub struct Page {
    pub items: Vec<Hit>,
    /// Matches, counted up to `storage::library::COUNT_CAP`.
    pub total: i64,
    pub capped: bool,
    pub page: i64,
    pub per_page: i64,
}

impl ToJson for Page {
    fn to_json(&self) -> Value {
        json!({"items": self.items, "total": self.total, "total_capped": self.capped,
               "page": self.page, "per_page": self.per_page})
    }
}

json_serialize!(Page);

/// Searches the library (anyone).
pub async fn search(app: &App, q: &SearchQuery) -> Result<Page> {
    let (filter, page, per_page) = q.parse()?;
    let mut conn = app.store.reader().await?;
    let found = store::search(&mut conn, &filter, per_page, (page - 1) * per_page).await?;
    let now_is = crate::unit::now_is_on(&mut conn).await?;
    Ok(Page {
        items: found
            .lines
            .into_iter()
            .map(|mut l| {
                l.unit_now = now_is.get(&l.unit_code).cloned();
                Hit(l)
            })
            .collect(),
        total: found.total,
        capped: found.capped,
        page,
        per_page,
    })
}

/// A library entry: its stored public document, and the adoptions recorded since.
#[derive(Debug, Clone)]
pub struct LibraryEntry {
    /// The stored JSON document, answered as it is.
    pub stored: Value,
    pub document: LibraryDocument,
    pub adoptions: Vec<store::Adoption>,
    /// What the entry's unit became since («nay là …»).
    pub unit_now: Option<String>,
}

impl ToJson for LibraryEntry {
    fn to_json(&self) -> Value {
        let mut doc = self.stored.clone();
        doc["unit_now"] = json!(self.unit_now);
        doc["adoptions"] = json!(
            self.adoptions
                .iter()
                .map(|a| json!({"id": a.id, "unit_code": a.unit_code, "unit_name": a.unit_name,
                                "adopted_on": a.adopted_on, "scope": a.scope, "result": a.result,
                                "evidence": a.evidence.as_ref().map(|e| json!({"filename": e.filename, "size": e.size}))}))
                .collect::<Vec<_>>()
        );
        doc
    }
}

json_serialize!(LibraryEntry);

pub(crate) fn not_in_library() -> Error {
    Error::not_found("sáng kiến trong thư viện")
}

/// A library entry (anyone).
pub async fn entry(app: &App, id: i64) -> Result<LibraryEntry> {
    let mut conn = app.store.reader().await?;
    let stored = store::get(&mut conn, id)
        .await?
        .map(|(_, doc)| doc)
        .ok_or_else(not_in_library)?;
    let document = LibraryDocument::deserialize(&stored).unwrap_or_default();
    let unit_now = crate::unit::now_is_on(&mut conn)
        .await?
        .remove(&document.unit_code);
    Ok(LibraryEntry {
        document,
        stored,
        adoptions: store::adoptions(&mut conn, id).await?,
        unit_now,
    })
}

/// A file of a library entry, to send to anyone.
pub async fn attachment(app: &App, id: i64, aid: i64) -> Result<AttachmentRecord> {
    let mut conn = app.store.reader().await?;
    if store::get(&mut conn, id).await?.is_none() {
        return Err(not_in_library());
    }
    entries::get_attachment(&mut conn, id, aid)
        .await?
        .ok_or_else(|| Error::not_found("tệp đính kèm"))
}

/// Whether an entry is in the library now.
#[derive(Debug, Clone, Serialize)]
pub struct Marked {
    pub entry_id: i64,
    pub public: bool,
    pub at: String,
}

/// Whether an entry is in the library (for the entry page).
pub async fn contains(conn: &mut Conn, entry_id: i64) -> Result<bool> {
    Ok(store::get(conn, entry_id).await?.is_some())
}

/// The organizer puts a judged entry of a published contest into the library, or takes
/// it out (awarded entries stay).
pub async fn set_public(app: &App, user: &Account, id: i64, public: bool) -> Result<Marked> {
    if user.role != Role::Organizer {
        return Err(Error::forbidden());
    }
    let mut tx = app.store.begin().await?;
    let e = entries::get(&mut tx, id)
        .await?
        .ok_or_else(|| Error::not_found("sáng kiến"))?;
    let contest = contest::visible(&mut tx, user, e.contest_id).await?;
    if contest.state < ContestState::Published {
        return Err(Error::conflict(
            "invalid_state",
            "Chỉ đưa sáng kiến vào thư viện sau khi cuộc thi đã công bố kết quả.",
        ));
    }
    let judged = e.status.as_str() == "submitted" && e.eligible != Some(false);
    if !judged {
        return Err(Error::conflict(
            "not_judged",
            "Chỉ sáng kiến đã nộp và đủ điều kiện mới được đưa vào thư viện.",
        ));
    }
    let awarded = sangkien_storage::award::list(&mut tx, contest.id)
        .await?
        .and_then(|l| l.awards.into_iter().find(|a| a.entry_id == e.id))
        .and_then(|a| a.tier);
    let actor = Actor::user(&user.username, app.now());
    if public {
        add(&mut tx, &actor, &e, &contest, awarded).await?;
    } else if awarded.is_some() {
        return Err(Error::conflict(
            "awarded_entry",
            "Sáng kiến đạt giải luôn có trong thư viện.",
        ));
    } else {
        store::remove(&mut tx, &actor, contest.id, e.id).await?;
    }
    Store::commit(tx).await?;
    Ok(Marked {
        entry_id: id,
        public,
        at: time::rfc3339_vn(actor.at),
    })
}
