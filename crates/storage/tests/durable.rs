//! Commits return once they are on disk: on SQLite the log is flushed for them, in
//! groups when they come together; PostgreSQL flushes its own.
#![allow(clippy::expect_used)]

use sangkien_storage::{Backend, Store, audit::Actor, setting, sql, testing};

#[tokio::test]
async fn commits_made_together_are_flushed_together_and_all_kept() {
    let backend = testing::backend_from_env();
    let (_db, store) = testing::migrated_store().await.expect("migrated store");
    let before = store.flush_stats();
    let writers: Vec<_> = (0..40)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut tx = store.begin().await?;
                let value = serde_json::json!({ "writer": i });
                setting::put(&mut tx, &Actor::user("gk.00", 1_000 + i), &value).await?;
                Store::commit(tx).await
            })
        })
        .collect();
    for w in writers {
        w.await.expect("writer").expect("commit");
    }
    // Every commit is kept (40 audit records after the setting's own).
    let mut conn = store.reader().await.expect("reader");
    let audited: i64 =
        sql::query("select count(*) from audit_record where action = 'settings.update'")
            .fetch_scalar(&mut conn)
            .await
            .expect("count");
    assert_eq!(audited, 40);
    match backend {
        Backend::Postgres => assert_eq!(store.flush_stats(), None),
        Backend::Sqlite => {
            let (before, after) = (before.expect("stats"), store.flush_stats().expect("stats"));
            assert_eq!(after.commits - before.commits, 40);
            // The log was found and flushed: at least once, and never more than once a commit.
            let flushes = after.log_flushes - before.log_flushes;
            assert!((1..=40).contains(&flushes), "{after:?}");
            assert_eq!(after.database_flushes, 0, "{after:?}");
        }
    }
}
