//! A write transaction dropped without a commit leaves nothing behind: not its rows, and
//! not a lock that would keep another writer (another process on SQLite) waiting.
#![allow(clippy::expect_used)]

use std::time::Duration;

use sangkien_storage::{Store, audit::Actor, setting, sql, testing};

/// A fresh database (kept while the returned guard lives) and a store on it, migrated.
async fn migrated() -> (testing::TestDb, Store) {
    testing::migrated_store().await.expect("migrated store")
}

async fn settings_updates(store: &Store) -> i64 {
    let mut conn = store.reader().await.expect("reader");
    sql::query("select count(*) from audit_record where action = 'settings.update'")
        .fetch_scalar(&mut conn)
        .await
        .expect("count")
}

/// One committed setting change by `user` at `at`.
async fn put_committed(store: &Store, user: &str, at: i64) {
    let mut tx = store.begin().await.expect("begin");
    setting::put(
        &mut tx,
        &Actor::user(user, at),
        &serde_json::json!({ "site": "thử" }),
    )
    .await
    .expect("put");
    Store::commit(tx).await.expect("commit");
}

#[tokio::test]
async fn a_transaction_dropped_or_abandoned_is_rolled_back_at_once() {
    let (db, store) = migrated().await;
    let value = serde_json::json!({ "site": "thử" });

    // Written, then dropped (an error returned halfway through a request).
    let mut tx = store.begin().await.expect("begin");
    setting::put(&mut tx, &Actor::user("gk.00", 1_000), &value)
        .await
        .expect("put");
    drop(tx);

    // Abandoned while waiting for the database (a client that went away): the task is
    // cancelled with its transaction open.
    let abandoned = tokio::spawn({
        let store = store.clone();
        let value = value.clone();
        async move {
            let mut tx = store.begin().await.expect("begin");
            setting::put(&mut tx, &Actor::user("gk.01", 1_001), &value)
                .await
                .expect("put");
            std::future::pending::<()>().await;
        }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    abandoned.abort();
    let _ = abandoned.await;

    // Another store on the same database (on SQLite another process would be the same)
    // writes without waiting for a lock the dropped transactions held.
    let other = Store::connect(&db.url).await.expect("connect again");
    let tx = tokio::time::timeout(Duration::from_secs(5), async {
        let mut tx = other.begin().await.expect("begin");
        setting::put(&mut tx, &Actor::user("gk.02", 1_002), &value)
            .await
            .expect("put");
        tx
    })
    .await
    .expect("the other writer did not have to wait for the dropped transactions");
    Store::commit(tx).await.expect("commit");
    assert_eq!(settings_updates(&other).await, 1);

    // And this store's next transaction starts clean.
    put_committed(&store, "gk.03", 1_003).await;
    assert_eq!(settings_updates(&store).await, 2);
    other.close().await;
    store.close().await;
}

#[tokio::test]
async fn a_closed_store_refuses_writes_and_reads_as_unavailable() {
    let (_db, store) = migrated().await;
    store.close().await;
    let begin = store
        .begin()
        .await
        .err()
        .expect("no transaction after close");
    assert!(begin.is_unavailable(), "{begin:?}");
    let read = store.reader().await.err().expect("no reader after close");
    assert!(read.is_unavailable(), "{read:?}");
}

/// On SQLite the next transaction's `begin` goes with each commit (a deferred one: no lock,
/// no snapshot). Between transactions the write connection must still look idle: another
/// writer does not wait for it, a checkpoint is not held back by it, a statement that
/// cannot run in a transaction runs, and every transaction sees what was committed before.
#[tokio::test]
async fn between_transactions_the_write_connection_holds_nothing() {
    let (db, store) = migrated().await;
    put_committed(&store, "gk.00", 1_000).await;
    put_committed(&store, "gk.00", 1_001).await;

    let other = Store::connect(&db.url).await.expect("connect again");
    tokio::time::timeout(
        Duration::from_secs(5),
        put_committed(&other, "gk.01", 1_002),
    )
    .await
    .expect("the other writer did not have to wait");

    // This store writes on top of the other store's write (a snapshot taken before it
    // would be refused as stale).
    put_committed(&store, "gk.02", 1_003).await;
    assert_eq!(settings_updates(&store).await, 4);

    if store.backend() == sangkien_storage::Backend::Sqlite {
        let mut conn = store.reader().await.expect("reader");
        let busy: i64 = sql::query("pragma wal_checkpoint(truncate)")
            .fetch_scalar(&mut conn)
            .await
            .expect("checkpoint");
        assert_eq!(busy, 0, "a connection held the log back");
    }
    // `vacuum` refuses to run inside a transaction.
    testing::execute_raw(&store, "vacuum")
        .await
        .expect("vacuum on the write connection");
    put_committed(&store, "gk.03", 1_004).await;
    assert_eq!(settings_updates(&store).await, 5);
    other.close().await;
    store.close().await;
}
