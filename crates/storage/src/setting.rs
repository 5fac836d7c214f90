//! System settings: the issuing agency for documents (SPEC §4 `/settings`).

use crate::sql::{self, Conn};

use crate::{
    Result,
    audit::{self, Actor, Event},
};

const KEY: &str = "agency";

/// The stored settings document, if any.
pub async fn get(conn: &mut Conn) -> Result<Option<serde_json::Value>> {
    let text: Option<String> = sql::query("select value from setting where key = $1")
        .bind(KEY)
        .fetch_optional_scalar(conn)
        .await?;
    Ok(text.and_then(|s| serde_json::from_str(&s).ok()))
}

pub async fn put(conn: &mut Conn, actor: &Actor, value: &serde_json::Value) -> Result<()> {
    let before = get(conn).await?;
    // One statement: a delete then an insert lets two concurrent saves on PostgreSQL both
    // find the key gone and the second fail on the primary key.
    sql::query(
        "insert into setting (key, value) values ($1, $2) \
         on conflict (key) do update set value = excluded.value",
    )
    .bind(KEY)
    .bind(value.to_string())
    .execute(&mut *conn)
    .await?;
    audit::append(
        conn,
        actor,
        Event {
            action: "settings.update",
            object_type: "settings",
            object_id: KEY.to_string(),
            contest_id: None,
            before,
            after: Some(value.clone()),
        },
    )
    .await?;
    Ok(())
}
