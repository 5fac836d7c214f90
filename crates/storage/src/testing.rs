//! Fresh databases for tests: a temporary SQLite file, or a new schema in the test
//! PostgreSQL database (so tests run in parallel without seeing each other).
//!
//! `SANGKIEN_TEST_DB` chooses the backend for the suite: `sqlite` (default) or
//! `postgres`. `SANGKIEN_TEST_POSTGRES_URL` overrides the server
//! (default `postgres://postgres@127.0.0.1:5432/test`).

use crate::{Backend, Result, Store};

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
            sqlx::query(&format!("create schema {schema}"))
                .execute(&admin.write)
                .await?;
            admin.close().await;
            let sep = if base.contains('?') { '&' } else { '?' };
            let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
            Ok(TestDb { url, _dir: None })
        }
    }
}

/// Runs raw SQL against the write pool: for tests that simulate tampering or faults.
pub async fn execute_raw(store: &Store, sql: &str) -> Result<u64> {
    Ok(sqlx::query(sql)
        .execute(&store.write)
        .await?
        .rows_affected())
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
            sqlx::query(&format!("create database {name}"))
                .execute(&admin.write)
                .await?;
            admin.close().await;
            let (server, _) = base.rsplit_once('/').unwrap_or((&base, ""));
            Ok(TestDb {
                url: format!("{server}/{name}"),
                _dir: None,
            })
        }
    }
}
