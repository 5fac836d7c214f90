//! What a backup needs from the database: a consistent snapshot that can be read while
//! the server keeps writing, and whether a database is empty enough to restore into.
//!
//! SQLite: `VACUUM INTO` writes a transactionally consistent copy of the database
//! file. PostgreSQL: a `REPEATABLE READ` transaction exports its snapshot, so
//! `pg_dump --snapshot` and our own queries (which attachment files to copy) see the
//! same instant.

use std::path::Path;

use crate::{Backend, ReadConn, Result, Store, sql};

/// A PostgreSQL snapshot held open by a transaction: its id for `pg_dump --snapshot`,
/// and the connection that holds it (read through it to see the same instant).
pub struct HeldSnapshot {
    pub id: String,
    pub conn: ReadConn,
}

impl HeldSnapshot {
    /// Ends the transaction (nothing was written).
    pub async fn release(mut self) -> Result<()> {
        sql::query("rollback").execute(&mut self.conn).await?;
        Ok(())
    }
}

impl Store {
    /// SQLite only: writes a consistent copy of the database to `path` (which must not
    /// exist) while other connections keep writing.
    pub async fn vacuum_into(&self, path: &Path) -> Result<()> {
        let target = path.to_string_lossy().to_string();
        sql::query("vacuum into $1")
            .bind(target)
            .execute(&mut *self.reader().await?)
            .await?;
        Ok(())
    }

    /// PostgreSQL only: opens a read-only `REPEATABLE READ` transaction and exports its
    /// snapshot.
    pub async fn hold_snapshot(&self) -> Result<HeldSnapshot> {
        let mut conn = self.reader().await?;
        sql::query("begin isolation level repeatable read, read only")
            .execute(&mut conn)
            .await?;
        let id: String = sql::query("select pg_export_snapshot()")
            .fetch_scalar(&mut conn)
            .await?;
        Ok(HeldSnapshot { id, conn })
    }

    /// The tables of the database (of the current schema on PostgreSQL): a restore
    /// goes only into a database without any.
    pub async fn tables(&self) -> Result<Vec<String>> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name"
            }
            Backend::Postgres => {
                "select table_name::text from information_schema.tables \
                 where table_schema = current_schema() order by table_name"
            }
        };
        sql::query(sql)
            .fetch_column(&mut *self.reader().await?)
            .await
    }

    /// The newest migration applied (0 when none): recorded in a backup's manifest so a
    /// restore can tell an older server from a newer backup.
    pub async fn schema_version(&self) -> Result<i64> {
        sql::query("select coalesce(max(version), 0) from _sqlx_migrations")
            .fetch_scalar(&mut *self.reader().await?)
            .await
    }

    /// SQLite only: `PRAGMA integrity_check` says "ok".
    pub async fn integrity_ok(&self) -> Result<bool> {
        let r: String = sql::query("pragma integrity_check")
            .fetch_scalar(&mut *self.reader().await?)
            .await?;
        Ok(r == "ok")
    }
}
