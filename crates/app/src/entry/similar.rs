//! The duplicate check: an entry compared with the submitted entries of its year and of
//! earlier years, and with the archive of contests held before the system.

use sangkien_domain::{entry::EntryContent, similarity};
use sangkien_storage::{
    Conn, archive,
    entry::{self as store, EntryRecord},
};
use serde::Serialize;

use crate::Result;

/// An entry like another, with how alike (0 to 1, three decimals). A past entry of
/// the archive has no `entry_id` (and no contest) but its `archive_id`.
#[derive(Debug, Clone, Serialize)]
pub struct Similar {
    pub entry_id: Option<i64>,
    pub archive_id: Option<i64>,
    pub title: String,
    pub unit_code: String,
    pub contest_id: Option<i64>,
    pub year: i64,
    pub similarity: f64,
}

/// The text the duplicate check compares: title, field and every description section.
fn comparable_text(c: &EntryContent) -> String {
    let mut text = format!("{}\n{}\n", c.title, c.field_of_application);
    for (_, _, section) in c.description.sections() {
        text.push_str(section);
        text.push('\n');
    }
    text
}

/// Another text the entry is compared with.
struct Other {
    entry_id: Option<i64>,
    archive_id: Option<i64>,
    contest_id: Option<i64>,
    year: i64,
    unit_code: String,
    title: String,
    shingles: similarity::Shingles,
}

/// The entries most similar to one entry of a contest held in `year`, among the
/// submitted entries of that year and earlier ones and the archive up to that year
/// (years, not contest numbers: an archive imported later still counts as earlier);
/// most similar first.
pub async fn similar_entries(
    conn: &mut Conn,
    e: &EntryRecord,
    year: i64,
    limit: usize,
) -> Result<Vec<Similar>> {
    let me = similarity::shingles(&comparable_text(&e.content));
    let mut others: Vec<Other> = store::texts(conn)
        .await?
        .into_iter()
        .filter(|t| t.id != e.id && t.year <= year)
        .map(|t| Other {
            entry_id: Some(t.id),
            archive_id: None,
            contest_id: Some(t.contest_id),
            year: t.year,
            shingles: similarity::shingles(&comparable_text(&t.content)),
            unit_code: t.unit_code,
            title: t.content.title,
        })
        .collect();
    others.extend(
        archive::list(conn, Some(year))
            .await?
            .into_iter()
            .map(|a| Other {
                entry_id: None,
                archive_id: Some(a.id),
                contest_id: None,
                year: a.year,
                shingles: similarity::shingles(&format!("{}\n{}\n", a.title, a.summary)),
                unit_code: a.unit_code,
                title: a.title,
            }),
    );
    // What many of these entries share (the form's phrases) weighs little.
    let rarity =
        similarity::Rarity::of(std::iter::once(&me).chain(others.iter().map(|o| &o.shingles)));
    let mut scored: Vec<(f64, Other)> = others
        .into_iter()
        .map(|o| (similarity::weighted_jaccard(&me, &o.shingles, &rarity), o))
        .filter(|(s, _)| *s > 0.0)
        .collect();
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(a.1.entry_id.cmp(&b.1.entry_id))
            .then(a.1.archive_id.cmp(&b.1.archive_id))
    });
    Ok(scored
        .into_iter()
        .take(limit)
        .map(|(s, o)| Similar {
            entry_id: o.entry_id,
            archive_id: o.archive_id,
            title: o.title,
            unit_code: o.unit_code,
            contest_id: o.contest_id,
            year: o.year,
            similarity: (s * 1000.0).round() / 1000.0,
        })
        .collect())
}
