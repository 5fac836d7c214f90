//! Fresh databases for tests: a temporary SQLite file, or a new schema in the test
//! PostgreSQL database (so tests run in parallel without seeing each other).
//!
//! `SANGKIEN_TEST_DB` chooses the backend for the suite: `sqlite` (default) or
//! `postgres`. `SANGKIEN_TEST_POSTGRES_URL` overrides the server
//! (default `postgres://postgres@127.0.0.1:5432/test`).

use crate::{Backend, Result, Store, sql};

pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The backend the test suite runs against.
pub fn backend_from_env() -> Backend {
    match std::env::var("SANGKIEN_TEST_DB").as_deref() {
        Ok("postgres") | Ok("pg") => Backend::Postgres,
        _ => Backend::Sqlite,
    }
}

/// A database that lives as long as this value.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

/// A new, empty database of the given backend; its URL for [`Store::connect`].
pub async fn fresh(backend: Backend) -> Result<TestDb> {
    match backend {
        Backend::Sqlite => {
            let dir =
                tempfile::tempdir().map_err(|e| crate::StorageError::Corrupt(e.to_string()))?;
            let url = format!("sqlite://{}/test.db", dir.path().display());
            Ok(TestDb {
                url,
                _dir: Some(dir),
            })
        }
        Backend::Postgres => {
            let base = std::env::var("SANGKIEN_TEST_POSTGRES_URL")
                .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.into());
            let schema = format!("t_{}", &crate::account::random_token()?[..16]);
            let admin = Store::connect(&base).await?;
            execute_raw(&admin, &format!("create schema {schema}")).await?;
            admin.close().await;
            let sep = if base.contains('?') { '&' } else { '?' };
            let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
            Ok(TestDb { url, _dir: None })
        }
    }
}

/// A fresh database of the backend `SANGKIEN_TEST_DB` names (kept while the returned
/// guard lives) and a store on it, migrated.
pub async fn migrated_store() -> Result<(TestDb, Store)> {
    let db = fresh(backend_from_env()).await?;
    let store = Store::connect(&db.url).await?;
    store.migrate().await?;
    Ok((db, store))
}

/// Runs raw SQL against the write pool: for tests that simulate tampering or faults.
pub async fn execute_raw(store: &Store, sql: &str) -> Result<u64> {
    store.execute_on_writer(sql).await
}

/// A new, empty database of its own: a temporary SQLite file, or a new PostgreSQL
/// database named `t_…` on the test server (for tools such as `pg_dump` that work on
/// whole databases rather than on a schema).
pub async fn fresh_database(backend: Backend) -> Result<TestDb> {
    match backend {
        Backend::Sqlite => fresh(backend).await,
        Backend::Postgres => {
            let base = std::env::var("SANGKIEN_TEST_POSTGRES_URL")
                .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.into());
            let name = format!("t_{}", &crate::account::random_token()?[..16]).to_lowercase();
            let admin = Store::connect(&base).await?;
            execute_raw(&admin, &format!("create database {name}")).await?;
            admin.close().await;
            let (server, _) = base.rsplit_once('/').unwrap_or((&base, ""));
            Ok(TestDb {
                url: format!("{server}/{name}"),
                _dir: None,
            })
        }
    }
}

/// Entries written per transaction by [`fill_library`]: each `library::put` updates the
/// audit chain's head row, and PostgreSQL keeps every version of a row a transaction
/// updated until it ends, so one transaction of 100,000 puts slows down quadratically.
const FILL_BATCH: usize = 1000;

/// Fills a fresh, migrated database with a published library (for benchmarks and the
/// ranking tests): one unit `SNV`, one contest, and for each `(title, body)` a submitted
/// entry put in the library (`library::put`, index and audit included), published in that order
/// (the last is the newest). Returns the entry ids.
pub async fn fill_library(store: &Store, items: &[(String, String)]) -> Result<Vec<i64>> {
    use sangkien_domain::{
        collate::sort_key_text,
        contest::{self, ContestInput, CriterionInput, PlanInput, TopicInput},
        library::search_fields,
        unit::{self, UnitKind},
    };
    let invalid =
        |e: sangkien_domain::ValidationErrors| crate::StorageError::Corrupt(format!("{e:?}"));
    let actor = crate::audit::Actor::system(1_600_000_000);
    let mut tx = store.begin().await?;
    let u = unit::validate(
        &unit::UnitInput {
            code: "SNV",
            name: "Sở Nội vụ",
            kind: UnitKind::Department.as_str(),
            ..unit::UnitInput::default()
        },
        &|_| true,
    )
    .map_err(invalid)?;
    crate::unit::import(&mut tx, &actor, &[u]).await?;
    let input = ContestInput {
        title: "Cuộc thi có thư viện sáng kiến".into(),
        year: 2021,
        plan: PlanInput {
            number: "1/KH".into(),
            date: "2021-09-30".into(),
            signer: String::new(),
        },
        organizer_unit_code: "SNV".into(),
        participant_unit_codes: vec!["SNV".into()],
        topics: vec![TopicInput {
            code: "TTHC".into(),
            name: "Thủ tục hành chính".into(),
            group: "CCHC".into(),
        }],
        opens_at: "2021-10-01".into(),
        submission_deadline: "2021-10-31".into(),
        criteria: vec![CriterionInput {
            code: "a".into(),
            name: "A".into(),
            max_points: 100.0,
            ..Default::default()
        }],
        ..Default::default()
    };
    let settings = contest::validate(&input, &|c| c == "SNV").map_err(invalid)?;
    let c = crate::contest::create(&mut tx, &actor, &settings).await?;
    let unit_id: i64 = sql::query("select unit_id from unit where code = 'SNV'")
        .fetch_scalar(&mut tx)
        .await?;
    let mut ids = Vec::with_capacity(items.len());
    for (i, (title, body)) in items.iter().enumerate() {
        let id: i64 = sql::query(
            "insert into entry (contest_id, unit_id, status, title, content, version, created_by, created_at, updated_at) \
             values ($1, $2, 'submitted', $3, '{}', 1, 'fixture', 0, 0) returning entry_id",
        )
        .bind(c.id)
        .bind(unit_id)
        .bind(title)
        .fetch_scalar(&mut tx)
        .await?;
        // Through the library's own write path, as publication does.
        let (search_title, search_body) = search_fields(title, &[body.as_str()]);
        let item = crate::library::LibraryItem {
            entry_id: id,
            contest_id: c.id,
            unit_code: "SNV".into(),
            topic_code: "TTHC".into(),
            year: 2015 + (i % 10) as i64,
            tier: None,
            title: title.clone(),
            title_key: sort_key_text(title),
            document: serde_json::json!({}),
            search_title,
            search_body,
            published_at: i as i64,
        };
        crate::library::put(&mut tx, &actor, &item).await?;
        ids.push(id);
        if ids.len() % FILL_BATCH == 0 {
            crate::Store::commit(tx).await?;
            tx = store.begin().await?;
        }
    }
    crate::Store::commit(tx).await?;
    if store.backend() == Backend::Postgres {
        // Statistics, as autovacuum would gather for a library grown over years: without
        // them the planner takes every word for a rare one.
        store.execute_on_writer("analyze library_entry").await?;
    }
    Ok(ids)
}
