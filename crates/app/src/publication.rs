//! Publication (SPEC §3.6): the public results of an approved contest, computed once at
//! publication, fingerprinted (docs/FINGERPRINT.md) and stored, so every reader, the
//! pages, the JSON and the feed, sees the same document forever.

use std::sync::Arc;

use sangkien_domain::{
    award, contest::PrizeTier, fingerprint, labels::Label, points::Points, time,
};
use sangkien_storage::{
    Conn,
    account::Account,
    audit::Actor,
    award::{self as store, Publication},
    entry as entries, unit,
};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Value, json};

use crate::{
    App, Error, Result,
    award::Awards,
    json::{ToJson, json_serialize},
    library, setting,
};

/// A score as a JSON number written the one way every JSON library writes it: whole
/// points as integers (`83`), others with their decimals (`87.25`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PublicScore(pub Points);

impl Serialize for PublicScore {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let p = self.0;
        if p.0 % 100 == 0 {
            s.serialize_i64(p.0 / 100)
        } else {
            s.serialize_f64(p.as_f64())
        }
    }
}

impl<'de> Deserialize<'de> for PublicScore {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let f = f64::deserialize(d)?;
        Ok(PublicScore(Points::from_f64(f).unwrap_or_default()))
    }
}

/// An author as the public sees them: a name and a workplace, nothing else.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PublicAuthor {
    pub full_name: String,
    pub workplace: String,
}

/// An awarded entry in the public results.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PublicAward {
    pub tier: String,
    pub tier_name: String,
    pub entry_id: i64,
    pub title: String,
    pub unit_code: String,
    pub unit_name: String,
    pub topic_code: String,
    pub authors: Vec<PublicAuthor>,
    pub score: PublicScore,
    pub rank: i64,
    pub amount_vnd: i64,
}

/// The plan a contest carries out.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PublicPlan {
    pub number: String,
    pub date: String,
}

/// The decision that approved the awards, with its full number (`2468/QĐ-UBND`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PublicDecision {
    pub number: String,
    pub date: String,
    pub signer: String,
}

/// The contest in the public results.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PublicContest {
    pub id: i64,
    pub title: String,
    pub year: i64,
    pub plan: PublicPlan,
    pub organizer_unit_code: String,
    pub organizer_unit_name: Option<String>,
    pub decision: Option<PublicDecision>,
    pub published_at: String,
}

/// The public results: only what the public may see (no confidential fields, no birth
/// dates), and the fingerprint of everything else.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PublicResults {
    pub contest: PublicContest,
    pub awards: Vec<PublicAward>,
    pub fingerprint: String,
}

/// The published results of a contest: the document as stored, and read.
#[derive(Debug, Clone)]
pub struct Published {
    pub contest_id: i64,
    /// The stored JSON document, answered as it is.
    pub document: Value,
    pub results: PublicResults,
}

impl From<Publication> for Published {
    fn from(p: Publication) -> Self {
        // Read from the stored document in place (no copy of it).
        let mut results = PublicResults::deserialize(&p.results).unwrap_or_default();
        results.fingerprint = p.fingerprint;
        Published {
            contest_id: p.contest_id,
            document: p.results,
            results,
        }
    }
}

/// The published contests as last read, with the (count, latest publication) they were
/// read at.
pub type Kept = ((i64, i64), Arc<Vec<Published>>);

/// The line of a published contest in the list and the feed.
#[derive(Debug, Clone)]
pub struct Summary(pub Published);

impl ToJson for Summary {
    fn to_json(&self) -> Value {
        let p = &self.0;
        let c = &p.document["contest"];
        json!({
            "id": p.contest_id, "title": c["title"], "year": c["year"],
            "organizer_unit_name": c["organizer_unit_name"], "decision": c["decision"],
            "published_at": c["published_at"], "awards": p.document["awards"].as_array().map_or(0, Vec::len),
            "fingerprint": p.results.fingerprint,
        })
    }
}

json_serialize!(Summary);

/// Every published contest, newest first.
pub async fn list(app: &App) -> Result<Arc<Vec<Published>>> {
    let mut conn = app.store.reader().await?;
    // Kept between requests (the feed and the start page read it often, and it changes
    // only when a contest is published), keyed by what a publication changes.
    let version = store::publications_version(&mut conn).await?;
    if let Some(kept) = app.publications.lock().ok().and_then(|k| {
        k.as_ref()
            .filter(|(v, _)| *v == version)
            .map(|(_, list)| list.clone())
    }) {
        return Ok(kept);
    }
    let list: Arc<Vec<Published>> = Arc::new(
        store::publications(&mut conn)
            .await?
            .into_iter()
            .map(Published::from)
            .collect(),
    );
    if let Ok(mut kept) = app.publications.lock() {
        *kept = Some((version, list.clone()));
    }
    Ok(list)
}

/// The published results of a contest: 404 for any contest not published.
pub async fn get(app: &App, id: i64) -> Result<Published> {
    let mut conn = app.store.reader().await?;
    store::publication(&mut conn, id)
        .await?
        .map(Published::from)
        .ok_or_else(|| Error::not_found("kết quả công bố của cuộc thi"))
}

/// The public results of an approved contest, as published at `published_at`.
async fn results(
    conn: &mut Conn,
    a: &Awards,
    agency_code: &str,
    published_at: i64,
) -> Result<PublicResults> {
    let c = a.contest();
    let s = &c.settings;
    let organizer = unit::get(conn, &s.organizer_unit_code).await?;
    let mut awards = Vec::new();
    for (x, row) in a.winners() {
        let Some(entry) = entries::get(conn, x.entry_id).await? else {
            continue;
        };
        let tier = x.tier.unwrap_or(PrizeTier::Consolation);
        awards.push(PublicAward {
            tier: tier.as_str().to_string(),
            tier_name: tier.vi().to_string(),
            entry_id: entry.id,
            title: entry.content.title,
            unit_code: entry.unit_code,
            unit_name: entry.unit_name,
            topic_code: entry.content.topic_code,
            authors: entry
                .content
                .authors
                .into_iter()
                .map(|au| PublicAuthor {
                    full_name: au.full_name,
                    workplace: au.workplace,
                })
                .collect(),
            score: PublicScore(row.score.rounded()),
            rank: row.rank as i64,
            amount_vnd: a.amount(tier),
        });
    }
    let decision = a.decision.as_ref().map(|d| PublicDecision {
        number: award::document_number(&d.number, agency_code),
        date: d.date.clone(),
        signer: d.signer.clone(),
    });
    let mut results = PublicResults {
        contest: PublicContest {
            id: c.id,
            title: s.title.clone(),
            year: s.year,
            plan: PublicPlan {
                number: s.plan.number.clone(),
                date: s.plan.date.to_string(),
            },
            organizer_unit_code: s.organizer_unit_code.clone(),
            organizer_unit_name: organizer.map(|u| u.name),
            decision,
            published_at: time::rfc3339_vn(published_at),
        },
        awards,
        fingerprint: String::new(),
    };
    results.fingerprint = fingerprint::of_results(&document(&results));
    Ok(results)
}

/// The results as a JSON document.
fn document(results: &PublicResults) -> Value {
    serde_json::to_value(results).unwrap_or_default()
}

/// Publishes an approved contest inside the caller's transaction: the public results
/// are computed once, fingerprinted and stored; the winners enter the public library.
pub async fn publish(tx: &mut Conn, user: &Account, id: i64, now: i64) -> Result<()> {
    let a = crate::award::load(tx, user, id).await?;
    let agency = setting::agency(tx).await?;
    let results = results(tx, &a, &agency.decision_code, now).await?;
    let actor = Actor::user(&user.username, now);
    store::publish(tx, &actor, id, &document(&results), &results.fingerprint).await?;
    for (x, _) in a.winners() {
        if let Some(e) = entries::get(tx, x.entry_id).await? {
            library::add(tx, &actor, &e, a.contest(), x.tier).await?;
        }
    }
    Ok(())
}
