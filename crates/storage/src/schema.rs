//! Reads back the schema the migrations produced, in a form comparable across
//! SQLite and PostgreSQL (for the schema parity test and for diagnostics).

use crate::{Backend, Result, Store, sql};

/// One column: table, column, portable type (`int`, `text`, `float`, `bytes`), not null.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Column {
    pub table: String,
    pub column: String,
    pub kind: String,
    pub not_null: bool,
}

/// The schema: columns of every table and the names of explicitly created indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    pub columns: Vec<Column>,
    pub indexes: Vec<String>,
}

fn portable(kind: &str) -> String {
    match kind.to_ascii_lowercase().as_str() {
        "integer" | "bigint" | "smallint" | "int" => "int".into(),
        "text" | "character varying" => "text".into(),
        "real" | "double precision" => "float".into(),
        "blob" | "bytea" => "bytes".into(),
        other => other.to_string(),
    }
}

/// The full-text index of the library is the one deliberate difference: an FTS5 table
/// `library_fts` on SQLite; on PostgreSQL a GIN index of that name on the stored column
/// `library_entry.search_vector`. Both are left out of the comparison.
pub async fn describe(store: &Store) -> Result<Schema> {
    let mut conn = store.reader().await?;
    let (col_sql, idx_sql) = match store.backend() {
        Backend::Sqlite => (
            "select m.name as table_name, p.name as column_name, p.type as data_type, \
             p.\"notnull\" + p.pk as not_null from sqlite_master m \
             join pragma_table_info(m.name) p \
             where m.type = 'table' and m.name not like 'sqlite_%' and m.name not like '_sqlx%' \
             and m.name not like 'library_fts%'",
            "select name from sqlite_master where type = 'index' and sql is not null",
        ),
        Backend::Postgres => (
            "select table_name::text as table_name, column_name::text as column_name, \
             data_type::text as data_type, \
             case when is_nullable::text = 'NO' then 1 else 0 end as not_null \
             from information_schema.columns \
             where table_schema = current_schema() and table_name::text not like '_sqlx%' \
             and not (table_name::text = 'library_entry' and column_name::text = 'search_vector')",
            "select i.indexname::text from pg_indexes i \
             where i.schemaname = current_schema() and i.indexname::text not like '%_pkey' \
             and i.indexname::text <> 'library_fts' \
             and not exists (select 1 from pg_constraint c where c.conname = i.indexname)",
        ),
    };
    let mut columns: Vec<Column> = sql::query(col_sql)
        .fetch_all(&mut conn)
        .await?
        .iter()
        .map(|r| -> Result<Column> {
            Ok(Column {
                table: r.get("table_name")?,
                column: r.get("column_name")?,
                kind: portable(&r.get::<String>("data_type")?),
                not_null: r.get::<i64>("not_null")? != 0,
            })
        })
        .collect::<Result<_>>()?;
    columns.sort();
    let mut indexes: Vec<String> = sql::query(idx_sql).fetch_column(&mut conn).await?;
    indexes.sort();
    Ok(Schema { columns, indexes })
}
