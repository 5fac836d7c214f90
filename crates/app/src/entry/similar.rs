//! The duplicate check: an entry compared with the submitted entries of its contest and
//! of earlier contests.

use sangkien_domain::{entry::EntryContent, similarity};
use sangkien_storage::{
    Conn,
    entry::{self as store, EntryRecord},
};
use serde::Serialize;

use crate::Result;

/// An entry like another, with how alike (0 to 1, three decimals).
#[derive(Debug, Clone, Serialize)]
pub struct Similar {
    pub entry_id: i64,
    pub title: String,
    pub unit_code: String,
    pub contest_id: i64,
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

/// The entries most similar to one entry, among the submitted entries of its contest
/// and of earlier contests; most similar first.
pub async fn similar_entries(
    conn: &mut Conn,
    e: &EntryRecord,
    limit: usize,
) -> Result<Vec<Similar>> {
    let me = similarity::shingles(&comparable_text(&e.content));
    let others: Vec<(i64, i64, String, String, similarity::Shingles)> = store::texts(conn)
        .await?
        .into_iter()
        .filter(|(id, contest_id, _, _)| *id != e.id && *contest_id <= e.contest_id)
        .map(|(id, contest_id, unit, content)| {
            let s = similarity::shingles(&comparable_text(&content));
            (id, contest_id, unit, content.title, s)
        })
        .collect();
    // What many of these entries share (the form's phrases) weighs little.
    let rarity = similarity::Rarity::of(std::iter::once(&me).chain(others.iter().map(|o| &o.4)));
    let mut scored: Vec<(f64, i64, i64, String, String)> = others
        .into_iter()
        .map(|(id, contest_id, unit, title, s)| {
            (
                similarity::weighted_jaccard(&me, &s, &rarity),
                id,
                contest_id,
                unit,
                title,
            )
        })
        .filter(|(s, ..)| *s > 0.0)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    Ok(scored
        .into_iter()
        .take(limit)
        .map(|(s, entry_id, contest_id, unit_code, title)| Similar {
            entry_id,
            title,
            unit_code,
            contest_id,
            similarity: (s * 1000.0).round() / 1000.0,
        })
        .collect())
}
