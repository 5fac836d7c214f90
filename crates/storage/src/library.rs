//! The public library: published entries with their public document, searched with each
//! engine's full-text index over text folded by `sangkien_domain::library` — FTS5 with
//! bm25 on SQLite, a GIN-indexed tsvector with ts_rank on PostgreSQL. This is the one
//! place where the SQL differs by engine (see docs/DECISIONS.md).

use crate::sql::{self, Conn};
use sangkien_domain::library::query_terms;
use serde::Serialize;
use serde_json::Value;

use crate::{
    Result, StorageError,
    audit::{self, Actor, Event},
};

/// What the library stores for an entry.
#[derive(Debug, Clone)]
pub struct LibraryItem {
    pub entry_id: i64,
    pub contest_id: i64,
    pub unit_code: String,
    pub topic_code: String,
    pub year: i64,
    pub tier: Option<String>,
    pub title: String,
    pub title_key: String,
    /// The public document (no confidential field, no birth dates).
    pub document: Value,
    /// Folded words of the title and of the rest of the public text.
    pub search_title: String,
    pub search_body: String,
    pub published_at: i64,
}

/// A line of a library list.
#[derive(Debug, Clone, Serialize)]
pub struct LibraryLine {
    pub entry_id: i64,
    pub contest_id: i64,
    pub title: String,
    pub unit_code: String,
    pub unit_name: String,
    pub topic_code: String,
    pub year: i64,
    pub tier: Option<String>,
    /// What the unit became since («nay là …»), filled by the caller.
    pub unit_now: Option<String>,
}

/// Filters of `GET /public/library`; empty strings and 0 mean "any".
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub q: String,
    pub topic: String,
    pub unit: String,
    pub year: i64,
    pub tier: String,
    /// `title` for Vietnamese alphabetical order; otherwise newest first (or by
    /// relevance when there is a query).
    pub sort: String,
}

/// PostgreSQL's search vector of a library entry: a stored column (migration 0011).
const TSV: &str = "l.search_vector";

/// The library's change counter (see migration 0010).
pub async fn version(conn: &mut Conn) -> Result<i64> {
    sql::query("select version from library_version where library_version_id = 1")
        .fetch_scalar(conn)
        .await
}

/// Marks the library changed (its cached pages are rebuilt); also when a unit's name or
/// successor changes, which the library shows.
pub(crate) async fn bump(conn: &mut Conn) -> Result<()> {
    sql::query("update library_version set version = version + 1 where library_version_id = 1")
        .execute(conn)
        .await?;
    Ok(())
}

/// Adds or replaces an entry in the library, audited.
pub async fn put(conn: &mut Conn, actor: &Actor, item: &LibraryItem) -> Result<()> {
    bump(conn).await?;
    remove_rows(conn, item.entry_id).await?;
    sql::query(
        "insert into library_entry (entry_id, contest_id, unit_code, topic_code, year, tier, title, \
         title_key, document, search_title, search_body, published_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(item.entry_id)
    .bind(item.contest_id)
    .bind(&item.unit_code)
    .bind(&item.topic_code)
    .bind(item.year)
    .bind(&item.tier)
    .bind(&item.title)
    .bind(&item.title_key)
    .bind(item.document.to_string())
    .bind(&item.search_title)
    .bind(&item.search_body)
    .bind(item.published_at)
    .execute(&mut *conn)
    .await?;
    if !conn.is_postgres() {
        sql::query("insert into library_fts (rowid, title, body) values ($1, $2, $3)")
            .bind(item.entry_id)
            .bind(&item.search_title)
            .bind(&item.search_body)
            .execute(&mut *conn)
            .await?;
    }
    audit::append(
        conn,
        actor,
        Event {
            action: "library.put",
            object_type: "entry",
            object_id: item.entry_id.to_string(),
            contest_id: Some(item.contest_id),
            before: None,
            after: Some(serde_json::json!({"tier": item.tier, "title": item.title})),
        },
    )
    .await?;
    Ok(())
}

async fn remove_rows(conn: &mut Conn, entry_id: i64) -> Result<bool> {
    let done = sql::query("delete from library_entry where entry_id = $1")
        .bind(entry_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if !conn.is_postgres() {
        sql::query("delete from library_fts where rowid = $1")
            .bind(entry_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(done > 0)
}

/// Takes an entry out of the library, audited; false when it was not in it.
pub async fn remove(
    conn: &mut Conn,
    actor: &Actor,
    contest_id: i64,
    entry_id: i64,
) -> Result<bool> {
    let done = remove_rows(conn, entry_id).await?;
    if done {
        bump(conn).await?;
        audit::append(
            conn,
            actor,
            Event {
                action: "library.remove",
                object_type: "entry",
                object_id: entry_id.to_string(),
                contest_id: Some(contest_id),
                before: None,
                after: None,
            },
        )
        .await?;
    }
    Ok(done)
}

/// One library entry with its public document.
pub async fn get(conn: &mut Conn, entry_id: i64) -> Result<Option<(LibraryLine, Value)>> {
    let row = sql::query(&format!(
        "select {LINE}, l.document from library_entry l \
             left join unit u on u.code = l.unit_code where l.entry_id = $1"
    ))
    .bind(entry_id)
    .fetch_optional(conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let doc: String = r.get("document")?;
    Ok(Some((
        line(&r)?,
        serde_json::from_str(&doc).map_err(|e| StorageError::Corrupt(format!("library: {e}")))?,
    )))
}

/// A line's columns (`l` the library entry, `u` its unit), for [`line`].
const LINE: &str = "l.entry_id, l.contest_id, l.title, l.unit_code, \
                    coalesce(u.name, l.unit_code) as unit_name, l.topic_code, l.year, l.tier";

/// A [`LibraryLine`] from a row with the [`LINE`] columns.
fn line(r: &sql::Row) -> Result<LibraryLine> {
    Ok(LibraryLine {
        entry_id: r.get("entry_id")?,
        contest_id: r.get("contest_id")?,
        title: r.get("title")?,
        unit_code: r.get("unit_code")?,
        unit_name: r.get("unit_name")?,
        topic_code: r.get("topic_code")?,
        year: r.get("year")?,
        tier: r.get("tier")?,
        unit_now: None,
    })
}

/// Totals are counted up to this many matches; beyond, the total says "at least".
pub const COUNT_CAP: i64 = 1000;

/// Relevance is computed over at most this many matches of a query without filters, the
/// newest (by entry id): a library of a few thousand initiatives is ranked whole, and a
/// query made of the commonest words in a library of 100,000 stays fast (docs/DECISIONS.md).
pub const RANK_WINDOW: i64 = 10_000;

/// A page of search results.
#[derive(Debug, Clone)]
pub struct Found {
    pub lines: Vec<LibraryLine>,
    /// The number of matches, or [`COUNT_CAP`] when there are more (`capped`).
    pub total: i64,
    pub capped: bool,
}

enum Param {
    Text(String),
    Int(i64),
}

/// Searches the library: entries matching every word of the query (the last one as a
/// prefix), filtered, ranked by relevance (or as `sort` says), one page, with the total
/// (counted up to [`COUNT_CAP`]). Only the filters given enter the SQL, so the indexes
/// on year and publication serve the lists without a query.
pub async fn search(conn: &mut Conn, f: &Filter, limit: i64, offset: i64) -> Result<Found> {
    search_within(conn, f, limit, offset, RANK_WINDOW).await
}

/// [`search`] with another window than [`RANK_WINDOW`] (for the tests of the window).
pub async fn search_within(
    conn: &mut Conn,
    f: &Filter,
    limit: i64,
    offset: i64,
    window: i64,
) -> Result<Found> {
    let terms = query_terms(&f.q);
    let pg = conn.is_postgres();
    let by_title = f.sort == "title";
    let mut params: Vec<Param> = Vec::new();
    let mut conds: Vec<String> = Vec::new();
    let mut from = "library_entry l".to_string();
    let mut order = if by_title {
        "l.title_key, l.entry_id".to_string()
    } else {
        "l.published_at desc, l.entry_id".to_string()
    };
    if !terms.is_empty() {
        let query = if pg {
            sangkien_domain::library::tsquery(&terms)
        } else {
            sangkien_domain::library::fts5_match(&terms)
        };
        params.push(Param::Text(query));
        if pg {
            conds.push(format!("{TSV} @@ to_tsquery('simple', $1)"));
            if !by_title {
                order = format!("ts_rank({TSV}, to_tsquery('simple', $1)) desc, l.entry_id");
            }
        } else {
            from = "library_fts f join library_entry l on l.entry_id = f.rowid".to_string();
            conds.push("library_fts match $1".to_string());
            if !by_title {
                // A word in the title counts ten times one in the body.
                order = "bm25(library_fts, 10.0, 1.0), l.entry_id".to_string();
            }
        }
    }
    for (column, value) in [("l.topic_code", &f.topic), ("l.unit_code", &f.unit)] {
        if !value.is_empty() {
            params.push(Param::Text(value.clone()));
            conds.push(format!("{column} = ${}", params.len()));
        }
    }
    if !f.tier.is_empty() {
        params.push(Param::Text(f.tier.clone()));
        conds.push(format!("l.tier = ${}", params.len()));
    }
    if f.year != 0 {
        params.push(Param::Int(f.year));
        conds.push(format!("l.year = ${}", params.len()));
    }
    let filter = if conds.is_empty() {
        String::new()
    } else {
        format!("where {}", conds.join(" and "))
    };
    fn bind<'q>(sql: &'q str, params: &[Param], extra: &[i64]) -> sql::Query<'q> {
        let mut q = sql::query(sql);
        for p in params {
            q = match p {
                Param::Text(t) => q.bind(t.clone()),
                Param::Int(i) => q.bind(*i),
            };
        }
        for e in extra {
            q = q.bind(*e);
        }
        q
    }
    let n = params.len();
    let columns = LINE;
    // A query without filters ranks only the newest RANK_WINDOW matches: on SQLite inside
    // the full-text table alone (which yields them newest first without sorting), joining
    // only the page it keeps.
    let windowed = !terms.is_empty() && n == 1 && !by_title;
    let fts_only = windowed && !pg;
    let sql = if fts_only {
        format!(
            "select {columns} from (select id, r from (select rowid as id, \
             bm25(library_fts, 10.0, 1.0) as r from library_fts where library_fts match $1 \
             order by rowid desc limit {window}) order by r, id limit $2 offset $3) f \
             join library_entry l on l.entry_id = f.id left join unit u on u.code = l.unit_code \
             order by f.r, l.entry_id"
        )
    } else if windowed {
        // The same on PostgreSQL: the newest matches along the primary key, ranked on the
        // stored vector, then the page joined.
        format!(
            "select {columns} from (select entry_id, r from (select l.entry_id, \
             ts_rank({TSV}, to_tsquery('simple', $1)) as r from library_entry l \
             where {TSV} @@ to_tsquery('simple', $1) order by l.entry_id desc limit {window}) w \
             order by r desc, entry_id limit $2 offset $3) p \
             join library_entry l on l.entry_id = p.entry_id left join unit u on u.code = l.unit_code \
             order by p.r desc, l.entry_id"
        )
    } else {
        format!(
            "select {columns} from {from} left join unit u on u.code = l.unit_code {filter} \
             order by {order} limit ${} offset ${}",
            n + 1,
            n + 2
        )
    };
    let lines = bind(&sql, &params, &[limit, offset])
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(line)
        .collect::<Result<Vec<_>>>()?;
    let count_sql = if fts_only {
        "select count(*) from (select 1 from library_fts where library_fts match $1 limit $2) c"
            .to_string()
    } else {
        format!(
            "select count(*) from (select 1 from {from} {filter} limit ${}) c",
            n + 1
        )
    };
    let counted: i64 = bind(&count_sql, &params, &[COUNT_CAP + 1])
        .fetch_scalar(conn)
        .await?;
    Ok(Found {
        lines,
        total: counted.min(COUNT_CAP),
        capped: counted > COUNT_CAP,
    })
}

/// A unit's adoption of a library initiative.
#[derive(Debug, Clone, Serialize)]
pub struct Adoption {
    pub id: i64,
    pub entry_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub adopted_on: String,
    pub scope: String,
    pub result: String,
    pub created_by: String,
    pub created_at: i64,
    pub evidence: Option<Evidence>,
}

/// The evidence file of an adoption.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub sha256: String,
    pub filename: String,
    pub size: i64,
    pub content_type: String,
}

/// Records an adoption, audited; returns its id. The unit must exist.
#[allow(clippy::too_many_arguments)]
pub async fn add_adoption(
    conn: &mut Conn,
    actor: &Actor,
    contest_id: i64,
    entry_id: i64,
    unit_code: &str,
    adopted_on: &str,
    scope: &str,
    result: &str,
) -> Result<i64> {
    let unit_id = crate::unit::id_of(conn, unit_code)
        .await?
        .ok_or_else(|| StorageError::Corrupt(format!("unit {unit_code}")))?;
    bump(conn).await?;
    let id: i64 = sql::query(
        "insert into adoption (entry_id, unit_id, adopted_on, scope, result, created_by, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7) returning adoption_id",
    )
    .bind(entry_id)
    .bind(unit_id)
    .bind(adopted_on)
    .bind(scope)
    .bind(result)
    .bind(actor.name())
    .bind(actor.at)
    .fetch_scalar(&mut *conn)
    .await?;
    audit::append(
        conn,
        actor,
        Event {
            action: "adoption.add",
            object_type: "adoption",
            object_id: id.to_string(),
            contest_id: Some(contest_id),
            before: None,
            after: Some(
                serde_json::json!({"entry_id": entry_id, "unit_code": unit_code,
                "adopted_on": adopted_on, "scope": scope, "result": result}),
            ),
        },
    )
    .await?;
    Ok(id)
}

const ADOPTION: &str = "select d.adoption_id, d.entry_id, u.code as unit_code, u.name as unit_name, \
                        d.adopted_on, d.scope, d.result, \
                        d.created_by, d.created_at, d.evidence_sha256, d.evidence_filename, d.evidence_size, \
                        d.evidence_type from adoption d join unit u on u.unit_id = d.unit_id";

fn adoption(r: &sql::Row) -> Result<Adoption> {
    Ok(Adoption {
        id: r.get("adoption_id")?,
        entry_id: r.get("entry_id")?,
        unit_code: r.get("unit_code")?,
        unit_name: r.get("unit_name")?,
        adopted_on: r.get("adopted_on")?,
        scope: r.get("scope")?,
        result: r.get("result")?,
        created_by: r.get("created_by")?,
        created_at: r.get("created_at")?,
        evidence: match r.get::<Option<String>>("evidence_sha256")? {
            Some(sha256) => Some(Evidence {
                sha256,
                filename: r
                    .get::<Option<String>>("evidence_filename")?
                    .unwrap_or_default(),
                size: r.get::<Option<i64>>("evidence_size")?.unwrap_or_default(),
                content_type: r
                    .get::<Option<String>>("evidence_type")?
                    .unwrap_or_default(),
            }),
            None => None,
        },
    })
}

/// Attaches (or replaces) the evidence file of an adoption, audited.
pub async fn set_evidence(
    conn: &mut Conn,
    actor: &Actor,
    contest_id: i64,
    adoption_id: i64,
    e: &Evidence,
) -> Result<()> {
    bump(conn).await?;
    sql::query(
        "update adoption set evidence_sha256 = $1, evidence_filename = $2, evidence_size = $3, \
         evidence_type = $4 where adoption_id = $5",
    )
    .bind(&e.sha256)
    .bind(&e.filename)
    .bind(e.size)
    .bind(&e.content_type)
    .bind(adoption_id)
    .execute(&mut *conn)
    .await?;
    audit::append(
        conn,
        actor,
        Event {
            action: "adoption.evidence",
            object_type: "adoption",
            object_id: adoption_id.to_string(),
            contest_id: Some(contest_id),
            before: None,
            after: Some(
                serde_json::json!({"filename": e.filename, "size": e.size, "sha256": e.sha256}),
            ),
        },
    )
    .await?;
    Ok(())
}

/// The adoptions of an initiative, oldest first.
pub async fn adoptions(conn: &mut Conn, entry_id: i64) -> Result<Vec<Adoption>> {
    let sql = format!("{ADOPTION} where d.entry_id = $1 order by d.adopted_on, d.adoption_id");
    sql::query(&sql)
        .bind(entry_id)
        .fetch_all(conn)
        .await?
        .iter()
        .map(adoption)
        .collect()
}

/// Every adoption of library initiatives, for the reports.
pub async fn all_adoptions(conn: &mut Conn) -> Result<Vec<Adoption>> {
    let sql = format!(
        "{ADOPTION} join library_entry l on l.entry_id = d.entry_id order by d.entry_id, d.adopted_on"
    );
    sql::query(&sql)
        .fetch_all(conn)
        .await?
        .iter()
        .map(adoption)
        .collect()
}

/// Every library entry as a line (for reports), in Vietnamese order of title.
pub async fn all_lines(conn: &mut Conn) -> Result<Vec<LibraryLine>> {
    sql::query(&format!(
        "select {LINE} from library_entry l left join unit u on u.code = l.unit_code \
         order by l.title_key, l.entry_id"
    ))
    .fetch_all(conn)
    .await?
    .iter()
    .map(line)
    .collect()
}
