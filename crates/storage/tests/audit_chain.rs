//! The audit chain stays one chain whoever appended last: on SQLite an append inserts on
//! the head this store last appended to, checked against the database's head in the
//! same statement, and a wrong guess goes the long way.
#![allow(clippy::expect_used)]

use sangkien_domain::audit::{AuditContent, record_hash};
use sangkien_storage::{
    Backend, Store,
    audit::{self, Actor},
    setting, sql, testing,
};

/// One setting change by `user` at `at`, committed or (`commit: false`) rolled back.
async fn put(store: &Store, user: &str, at: i64, commit: bool) {
    let mut tx = store.begin().await.expect("begin");
    setting::put(
        &mut tx,
        &Actor::user(user, at),
        &serde_json::json!({ "site": format!("thử {at}") }),
    )
    .await
    .expect("put");
    if commit {
        Store::commit(tx).await.expect("commit");
    }
}

/// What another process's append does: the long way, with its own hash, and no word to
/// this process.
async fn append_as_another_process(store: &Store, at: i64) {
    let mut tx = store.begin().await.expect("begin");
    let head = sql::query(
        "update audit_head set seq = seq + 1 where audit_head_id = 1 returning seq, hash",
    )
    .fetch_one(&mut tx)
    .await
    .expect("head");
    let seq: i64 = head.try_get(0).expect("seq");
    let prev_hash: String = head.try_get(1).expect("hash");
    let content = AuditContent {
        seq,
        at,
        actor: Some("gk.khac".into()),
        action: "settings.update".into(),
        object_type: "settings".into(),
        object_id: "agency".into(),
        contest_id: None,
        before: None,
        after: None,
    };
    let hash = record_hash(&prev_hash, &content);
    sql::query(
        "insert into audit_record (audit_record_id, at, actor, action, object_type, object_id, \
         prev_hash, hash) values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(seq)
    .bind(at)
    .bind(content.actor)
    .bind(content.action)
    .bind(content.object_type)
    .bind(content.object_id)
    .bind(prev_hash)
    .bind(hash)
    .execute(&mut tx)
    .await
    .expect("insert");
    Store::commit(tx).await.expect("commit");
}

async fn chain_length(store: &Store) -> i64 {
    let mut conn = store.reader().await.expect("reader");
    let records: i64 = sql::query("select count(*) from audit_record")
        .fetch_scalar(&mut conn)
        .await
        .expect("count");
    let verified = audit::verify(&mut conn)
        .await
        .expect("read")
        .expect("the chain is whole");
    assert_eq!(verified, records);
    records
}

#[tokio::test]
async fn appends_make_one_chain_whatever_the_guess() {
    let backend = testing::backend_from_env();
    let (_db, store) = testing::migrated_store().await.expect("migrated store");
    let start = chain_length(&store).await;
    let (guessed0, missed0) = store.head_guesses();
    let since = |(guessed, missed): (u64, u64)| (guessed - guessed0, missed - missed0);

    // Appends one after another: after the first, each is one checked insert.
    for at in 0..4 {
        put(&store, "gk.00", 1_000 + at, true).await;
    }
    assert_eq!(chain_length(&store).await, start + 4);
    let after_plain = since(store.head_guesses());
    match backend {
        Backend::Sqlite => {
            assert!(after_plain.0 >= 3, "{after_plain:?}");
            assert_eq!(after_plain.1, 0);
        }
        Backend::Postgres => assert_eq!(after_plain, (0, 0)),
    }

    // A rolled-back append leaves a guess the database never saw.
    put(&store, "gk.01", 2_000, false).await;
    put(&store, "gk.01", 2_001, true).await;
    assert_eq!(chain_length(&store).await, start + 5);

    // Another process appends the same seq as a rolled-back one, with another hash: the
    // seq alone would match, the hash does not.
    put(&store, "gk.02", 3_000, false).await;
    append_as_another_process(&store, 3_001).await;
    put(&store, "gk.02", 3_002, true).await;
    // And again with nothing rolled back: the guess is one seq behind.
    append_as_another_process(&store, 3_003).await;
    put(&store, "gk.02", 3_004, true).await;
    put(&store, "gk.02", 3_005, true).await;
    assert_eq!(chain_length(&store).await, start + 10);

    let (guessed, missed) = since(store.head_guesses());
    match backend {
        Backend::Sqlite => {
            // Wrong three times (after the two rollbacks and the other process's append),
            // right for every other append after the first.
            assert_eq!(missed, 3);
            assert!(guessed >= after_plain.0 + 3, "{guessed} {after_plain:?}");
        }
        Backend::Postgres => assert_eq!((guessed, missed), (0, 0)),
    }
    store.close().await;
}
