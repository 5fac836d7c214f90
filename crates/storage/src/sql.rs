//! How a statement reaches the database. Every storage function is written once, against
//! [`Conn`], with portable SQL and `$n` placeholders; a [`Conn`] is either a sqlx
//! connection (PostgreSQL) or a SQLite connection (the write connection and the read
//! connections), which runs each statement right where it is asked for (rusqlite) instead
//! of sending it to a connection thread and waiting for the answer.
//!
//! Why: a write transaction holds SQLite's only write connection from its `begin` to its
//! commit. Through sqlx every statement in it is a round trip to the connection's thread,
//! and between the statements the request's task waits for a runtime thread while the
//! next writer waits for it. Run in place, a transaction holds the connection only for
//! as long as SQLite works on it (docs/DECISIONS.md). A read in place skips the same
//! round trip, and sqlx's turning every value into its own row type and back (the
//! figures are in bench/results/runs.csv).

use std::time::Instant;

use rusqlite::types::{ToSqlOutput, Value as LiteValue, ValueRef};
// sqlx's executor methods, called directly: they return boxed futures of a plain
// lifetime, where `Query::execute` and the like are generic `async fn`s whose futures
// the compiler cannot prove `Send` for every lifetime once they sit inside ours.
use sqlx::{Any, AnyConnection, Executor, Row as _, pool::PoolConnection};

use std::sync::Arc;

use crate::{Result, Shared, StorageError};

/// A connection to either database, as every storage function takes it, with what its
/// store keeps between statements.
pub struct Conn {
    link: Link,
    shared: Arc<Shared>,
}

/// The connection itself.
pub(crate) enum Link {
    /// A connection of PostgreSQL's pool.
    Pooled(PoolConnection<Any>),
    /// A transaction on a connection of PostgreSQL's pool.
    PgTx(sqlx::Transaction<'static, Any>),
    /// A SQLite connection (the write connection, a read connection), run in place.
    Lite(rusqlite::Connection),
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.link {
            Link::Pooled(_) => "Conn::Pooled",
            Link::PgTx(_) => "Conn::PgTx",
            Link::Lite(_) => "Conn::Lite",
        })
    }
}

/// Where a statement goes: the two drivers.
enum Driver<'c> {
    Sqlx(&'c mut AnyConnection),
    Lite(&'c rusqlite::Connection),
}

impl Conn {
    pub(crate) fn new(link: Link, shared: Arc<Shared>) -> Conn {
        Conn { link, shared }
    }

    /// What the store keeps between statements.
    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }

    pub(crate) fn shared_arc(&self) -> Arc<Shared> {
        Arc::clone(&self.shared)
    }

    pub(crate) fn link(&mut self) -> &mut Link {
        &mut self.link
    }

    pub(crate) fn into_link(self) -> Link {
        self.link
    }

    fn driver(&mut self) -> Driver<'_> {
        match &mut self.link {
            Link::Pooled(c) => Driver::Sqlx(c),
            Link::PgTx(t) => Driver::Sqlx(t),
            Link::Lite(c) => Driver::Lite(c),
        }
    }

    /// True on PostgreSQL, for the few statements whose SQL differs between the databases.
    pub fn is_postgres(&self) -> bool {
        let c: &AnyConnection = match &self.link {
            Link::Pooled(c) => c,
            Link::PgTx(t) => t,
            Link::Lite(_) => return false,
        };
        c.backend_name().eq_ignore_ascii_case("postgresql")
    }

    /// Runs several statements separated by `;`, with no arguments (pragmas, scripts in
    /// tests).
    pub async fn batch(&mut self, sql: &str) -> Result<()> {
        match self.driver() {
            Driver::Lite(c) => c.execute_batch(sql)?,
            Driver::Sqlx(c) => {
                Executor::execute(c, sqlx::raw_sql(sql)).await?;
            }
        }
        Ok(())
    }
}

/// A value bound to a statement's `$n`.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A null of the kind the column holds (PostgreSQL wants to know).
    Null(Kind),
    Int(i64),
    Int4(i32),
    Real(f64),
    Bool(bool),
    Text(String),
    Blob(Vec<u8>),
}

/// The kind of a bound null.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Int4,
    Real,
    Bool,
    Text,
    Blob,
}

/// What may be bound to a statement.
pub trait Bind {
    const KIND: Kind;
    fn value(self) -> Value;
}

macro_rules! bind_as {
    ($kind:ident, $variant:ident, $($t:ty => $conv:expr),+ $(,)?) => {$(
        impl Bind for $t {
            const KIND: Kind = Kind::$kind;
            fn value(self) -> Value {
                #[allow(clippy::redundant_closure_call)]
                Value::$variant(($conv)(self))
            }
        }
    )+};
}

bind_as!(Int, Int, i64 => |v| v, &i64 => |v: &i64| *v);
bind_as!(Int4, Int4, i32 => |v| v, &i32 => |v: &i32| *v);
bind_as!(Real, Real, f64 => |v| v, &f64 => |v: &f64| *v);
bind_as!(Bool, Bool, bool => |v| v, &bool => |v: &bool| *v);
bind_as!(Text, Text,
    String => |v| v,
    &String => |v: &String| v.clone(),
    &str => |v: &str| v.to_string(),
    &&str => |v: &&str| (*v).to_string(),
);
bind_as!(Blob, Blob, Vec<u8> => |v| v, &[u8] => |v: &[u8]| v.to_vec(), &Vec<u8> => |v: &Vec<u8>| v.clone());

impl<T: Bind> Bind for Option<T> {
    const KIND: Kind = T::KIND;
    fn value(self) -> Value {
        match self {
            Some(v) => v.value(),
            None => Value::Null(T::KIND),
        }
    }
}

impl<T: Bind + Clone> Bind for &Option<T> {
    const KIND: Kind = T::KIND;
    fn value(self) -> Value {
        self.clone().value()
    }
}

/// A statement and its arguments, run by [`Query::execute`] or one of the fetches.
#[must_use = "a query does nothing until it is executed or fetched"]
pub struct Query<'q> {
    sql: &'q str,
    args: Vec<Value>,
}

/// A statement to run; `$1`, `$2`… are bound in the order of [`Query::bind`].
pub fn query(sql: &str) -> Query<'_> {
    Query {
        sql,
        args: Vec::new(),
    }
}

/// What an `insert`, `update` or `delete` did.
#[derive(Debug, Clone, Copy, Default)]
pub struct Done {
    rows_affected: u64,
}

impl Done {
    pub fn rows_affected(&self) -> u64 {
        self.rows_affected
    }
}

impl<'q> Query<'q> {
    pub fn bind(mut self, value: impl Bind) -> Self {
        self.args.push(value.value());
        self
    }

    pub async fn execute(self, conn: &mut Conn) -> Result<Done> {
        match conn.driver() {
            Driver::Lite(c) => self.lite_execute(c),
            Driver::Sqlx(c) => {
                let done = Executor::execute(c, self.sqlx()).await?;
                Ok(Done {
                    rows_affected: done.rows_affected(),
                })
            }
        }
    }

    pub async fn fetch_all(self, conn: &mut Conn) -> Result<Vec<Row>> {
        match conn.driver() {
            Driver::Lite(c) => self.lite_rows(c, usize::MAX),
            Driver::Sqlx(c) => {
                let rows = Executor::fetch_all(c, self.sqlx()).await?;
                Ok(rows.into_iter().map(Row::Any).collect())
            }
        }
    }

    pub async fn fetch_optional(self, conn: &mut Conn) -> Result<Option<Row>> {
        match conn.driver() {
            Driver::Lite(c) => Ok(self.lite_rows(c, 1)?.pop()),
            Driver::Sqlx(c) => Ok(Executor::fetch_optional(c, self.sqlx())
                .await?
                .map(Row::Any)),
        }
    }

    /// The first row; an error when there is none.
    pub async fn fetch_one(self, conn: &mut Conn) -> Result<Row> {
        self.fetch_optional(conn)
            .await?
            .ok_or(StorageError::Database(sqlx::Error::RowNotFound))
    }

    /// The only column of the first row.
    pub async fn fetch_scalar<T: Get>(self, conn: &mut Conn) -> Result<T> {
        self.fetch_one(conn).await?.try_get(0)
    }

    /// The only column of the first row, if there is a row.
    pub async fn fetch_optional_scalar<T: Get>(self, conn: &mut Conn) -> Result<Option<T>> {
        self.fetch_optional(conn)
            .await?
            .map(|r| r.try_get(0))
            .transpose()
    }

    /// The only column of every row.
    pub async fn fetch_column<T: Get>(self, conn: &mut Conn) -> Result<Vec<T>> {
        self.fetch_all(conn)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect()
    }

    /// The statement for sqlx, its arguments bound with their types.
    fn sqlx(&self) -> sqlx::query::Query<'_, Any, sqlx::any::AnyArguments<'_>> {
        self.args
            .iter()
            .fold(sqlx::query(self.sql), |q, v| match v {
                Value::Null(Kind::Int) => q.bind(None::<i64>),
                Value::Null(Kind::Int4) => q.bind(None::<i32>),
                Value::Null(Kind::Real) => q.bind(None::<f64>),
                Value::Null(Kind::Bool) => q.bind(None::<bool>),
                Value::Null(Kind::Text) => q.bind(None::<String>),
                Value::Null(Kind::Blob) => q.bind(None::<Vec<u8>>),
                Value::Int(i) => q.bind(*i),
                Value::Int4(i) => q.bind(*i),
                Value::Real(f) => q.bind(*f),
                Value::Bool(b) => q.bind(*b),
                Value::Text(s) => q.bind(s.as_str()),
                Value::Blob(b) => q.bind(b.as_slice()),
            })
    }

    /// The statement prepared (from the connection's cache) with its arguments bound.
    fn lite_prepare<'c>(
        &self,
        c: &'c rusqlite::Connection,
    ) -> Result<rusqlite::CachedStatement<'c>> {
        let mut stmt = c.prepare_cached(self.sql)?;
        for i in 1..=stmt.parameter_count() {
            // `$n` and `?n` name their argument; a bare `?` takes the next one.
            let n = stmt
                .parameter_name(i)
                .and_then(|name| name.get(1..))
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(i);
            let value = self.args.get(n - 1).ok_or_else(|| {
                StorageError::Corrupt(format!("no argument ${n} for: {}", self.sql))
            })?;
            stmt.raw_bind_parameter(i, ToSqlOutput::Borrowed(lite_value(value)))?;
        }
        Ok(stmt)
    }

    fn lite_execute(self, c: &rusqlite::Connection) -> Result<Done> {
        let started = Instant::now();
        let mut stmt = self.lite_prepare(c)?;
        // A statement that returns rows (`insert … returning`) is stepped to its end.
        let rows_affected = if stmt.column_count() > 0 {
            let mut rows = stmt.raw_query();
            while rows.next()?.is_some() {}
            c.changes()
        } else {
            stmt.raw_execute()? as u64
        };
        log(self.sql, rows_affected, started);
        Ok(Done { rows_affected })
    }

    fn lite_rows(self, c: &rusqlite::Connection, limit: usize) -> Result<Vec<Row>> {
        let started = Instant::now();
        let mut stmt = self.lite_prepare(c)?;
        let columns: std::sync::Arc<[String]> = stmt
            .column_names()
            .into_iter()
            .map(str::to_string)
            .collect();
        let width = columns.len();
        let drain = limit != usize::MAX && !stmt.readonly();
        let mut out = Vec::new();
        let mut rows = stmt.raw_query();
        while out.len() < limit {
            let Some(row) = rows.next()? else { break };
            let mut values = Vec::with_capacity(width);
            for i in 0..width {
                values.push(LiteValue::from(row.get_ref(i)?));
            }
            out.push(Row::Lite {
                columns: columns.clone(),
                values,
            });
        }
        // A statement that writes runs to its end even when one row is wanted.
        if drain {
            while rows.next()?.is_some() {}
        }
        log(self.sql, out.len() as u64, started);
        Ok(out)
    }
}

/// Each statement on a SQLite connection, like sqlx's own statement log
/// (`RUST_LOG=sangkien_storage::sql=debug`).
fn log(sql: &str, rows: u64, started: Instant) {
    tracing::debug!(
        target: "sangkien_storage::sql",
        summary = sql.get(..sql.len().min(60)).unwrap_or(sql),
        rows,
        elapsed_us = started.elapsed().as_micros() as u64,
        "statement"
    );
}

fn lite_value(v: &Value) -> ValueRef<'_> {
    match v {
        Value::Null(_) => ValueRef::Null,
        Value::Int(i) => ValueRef::Integer(*i),
        Value::Int4(i) => ValueRef::Integer(i64::from(*i)),
        Value::Real(f) => ValueRef::Real(*f),
        Value::Bool(b) => ValueRef::Integer(i64::from(*b)),
        Value::Text(s) => ValueRef::Text(s.as_bytes()),
        Value::Blob(b) => ValueRef::Blob(b),
    }
}

/// A row read by either driver.
pub enum Row {
    Any(sqlx::any::AnyRow),
    Lite {
        columns: std::sync::Arc<[String]>,
        values: Vec<LiteValue>,
    },
}

/// A column of a [`Row`]: its position or its name.
pub trait Index: Copy + std::fmt::Display {
    fn position(self, row: &Row) -> Result<usize>;
}

impl Index for usize {
    fn position(self, _: &Row) -> Result<usize> {
        Ok(self)
    }
}

impl Index for &str {
    fn position(self, row: &Row) -> Result<usize> {
        let found = match row {
            Row::Any(r) => r
                .columns()
                .iter()
                .position(|c| sqlx::Column::name(c) == self),
            Row::Lite { columns, .. } => columns.iter().position(|c| c == self),
        };
        found.ok_or_else(|| StorageError::Corrupt(format!("no column {self}")))
    }
}

impl Row {
    /// The value of the column named `name`, as `T`: how storage reads its rows.
    pub fn get<T: Get>(&self, name: &str) -> Result<T> {
        self.try_get(name)
    }

    /// The value of a column by its position or its name, as `T`.
    pub fn try_get<T: Get, I: Index>(&self, index: I) -> Result<T> {
        let at = index.position(self)?;
        match self {
            Row::Any(r) => T::from_any(r, at),
            Row::Lite { values, .. } => {
                let v = values
                    .get(at)
                    .ok_or_else(|| StorageError::Corrupt(format!("no column {index}")))?;
                T::from_lite(v).ok_or_else(|| {
                    StorageError::Corrupt(format!(
                        "column {index}: {:?} is not a {}",
                        v.data_type(),
                        std::any::type_name::<T>()
                    ))
                })
            }
        }
    }
}

/// What a column may be read as.
pub trait Get: Sized {
    fn from_any(row: &sqlx::any::AnyRow, at: usize) -> Result<Self>;
    /// `None` when the stored value is not of this type.
    fn from_lite(v: &LiteValue) -> Option<Self>;
}

macro_rules! get_as {
    ($($t:ty => $lite:expr),+ $(,)?) => {$(
        impl Get for $t {
            fn from_any(row: &sqlx::any::AnyRow, at: usize) -> Result<Self> {
                Ok(row.try_get::<$t, _>(at)?)
            }
            fn from_lite(v: &LiteValue) -> Option<Self> {
                #[allow(clippy::redundant_closure_call)]
                ($lite)(v)
            }
        }
        impl Get for Option<$t> {
            fn from_any(row: &sqlx::any::AnyRow, at: usize) -> Result<Self> {
                Ok(row.try_get::<Option<$t>, _>(at)?)
            }
            fn from_lite(v: &LiteValue) -> Option<Self> {
                match v {
                    LiteValue::Null => Some(None),
                    v => <$t as Get>::from_lite(v).map(Some),
                }
            }
        }
    )+};
}

get_as!(
    i64 => |v: &LiteValue| match v { LiteValue::Integer(i) => Some(*i), _ => None },
    i32 => |v: &LiteValue| match v { LiteValue::Integer(i) => i32::try_from(*i).ok(), _ => None },
    f64 => |v: &LiteValue| match v {
        LiteValue::Real(f) => Some(*f),
        LiteValue::Integer(i) => Some(*i as f64),
        _ => None,
    },
    bool => |v: &LiteValue| match v { LiteValue::Integer(i) => Some(*i != 0), _ => None },
    String => |v: &LiteValue| match v { LiteValue::Text(s) => Some(s.clone()), _ => None },
    Vec<u8> => |v: &LiteValue| match v {
        LiteValue::Blob(b) => Some(b.clone()),
        LiteValue::Text(s) => Some(s.clone().into_bytes()),
        _ => None,
    },
);

#[cfg(test)]
mod tests {
    use super::*;

    fn lite() -> Conn {
        match rusqlite::Connection::open_in_memory() {
            Ok(c) => Conn::new(Link::Lite(c), Arc::default()),
            Err(e) => panic!("{e}"),
        }
    }

    #[tokio::test]
    async fn arguments_are_bound_by_their_number_not_their_place() -> Result<()> {
        let mut c = lite();
        let row = query("select $2, $1, $2 || $1")
            .bind("a")
            .bind("b")
            .fetch_one(&mut c)
            .await?;
        assert_eq!(row.try_get::<String, _>(0)?, "b");
        assert_eq!(row.try_get::<String, _>(1)?, "a");
        assert_eq!(row.try_get::<String, _>(2)?, "ba");
        Ok(())
    }

    #[tokio::test]
    async fn values_come_back_as_they_went_in() -> Result<()> {
        let mut c = lite();
        c.batch("create table t (i integer, f real, s text, b integer, n text)")
            .await?;
        let done = query("insert into t values ($1, $2, $3, $4, $5)")
            .bind(7_i64)
            .bind(2.5_f64)
            .bind("Cao Bằng")
            .bind(true)
            .bind(None::<String>)
            .execute(&mut c)
            .await?;
        assert_eq!(done.rows_affected(), 1);
        let r = query("select i, f, s, b, n from t")
            .fetch_one(&mut c)
            .await?;
        assert_eq!(r.try_get::<i64, _>("i")?, 7);
        assert_eq!(r.try_get::<f64, _>(1)?, 2.5);
        assert_eq!(r.try_get::<String, _>(2)?, "Cao Bằng");
        assert!(r.try_get::<bool, _>(3)?);
        assert_eq!(r.try_get::<Option<String>, _>(4)?, None);
        assert!(matches!(
            r.try_get::<i64, _>(2),
            Err(StorageError::Corrupt(_))
        ));
        assert!(
            query("select 1 where 0")
                .fetch_optional(&mut c)
                .await?
                .is_none()
        );
        assert!(query("select 1 where 0").fetch_one(&mut c).await.is_err());
        Ok(())
    }

    #[tokio::test]
    async fn a_statement_returning_rows_runs_to_its_end() -> Result<()> {
        let mut c = lite();
        c.batch("create table t (i integer)").await?;
        let first = query("insert into t values (1), (2), (3) returning i")
            .fetch_optional(&mut c)
            .await?;
        assert!(first.is_some());
        let count: i64 = query("select count(*) from t").fetch_scalar(&mut c).await?;
        assert_eq!(count, 3);
        Ok(())
    }
}
