//! A contest's settings are parsed once and kept, but what is read is always what is
//! stored: in another database with the same contest number, after an update, after a
//! change made behind this process's back (another server on PostgreSQL), and when the
//! stored text is broken.
#![allow(clippy::expect_used)]

use sangkien_storage::{StorageError, Store, audit::Actor, contest, testing};

async fn with_contest() -> (testing::TestDb, Store, i64) {
    let (db, store) = testing::migrated_store().await.expect("migrated store");
    testing::fill_library(&store, &[]).await.expect("contest");
    let id = {
        let mut conn = store.reader().await.expect("reader");
        contest::list(&mut conn).await.expect("list")[0].id
    };
    (db, store, id)
}

async fn title(store: &Store, id: i64) -> Result<String, StorageError> {
    let mut conn = store.reader().await.expect("reader");
    Ok(contest::get(&mut conn, id)
        .await?
        .expect("the contest")
        .settings
        .title)
}

#[tokio::test]
async fn settings_read_are_the_ones_stored() {
    let (_a_db, a, id) = with_contest().await;
    let (_b_db, b, b_id) = with_contest().await;
    assert_eq!(id, b_id, "the same contest number in both databases");
    let first = title(&a, id).await.expect("title");
    assert_eq!(title(&b, id).await.expect("title"), first);

    // Changed behind this process's back, in one database only.
    testing::execute_raw(
        &b,
        "update contest set settings = replace(settings, 'thư viện', 'khác')",
    )
    .await
    .expect("raw update");
    assert_eq!(
        title(&b, id).await.expect("title"),
        "Cuộc thi có khác sáng kiến"
    );
    assert_eq!(title(&a, id).await.expect("title"), first);
    assert_eq!(
        title(&b, id).await.expect("title"),
        "Cuộc thi có khác sáng kiến"
    );

    // Through the storage's own update.
    let mut tx = a.begin().await.expect("begin");
    let before = contest::get(&mut tx, id)
        .await
        .expect("get")
        .expect("contest");
    let mut after = before.settings.clone();
    after.title = "Cuộc thi đã đổi tên".into();
    contest::update(&mut tx, &Actor::system(1_700_000_000), &before, &after)
        .await
        .expect("update");
    Store::commit(tx).await.expect("commit");
    assert_eq!(title(&a, id).await.expect("title"), "Cuộc thi đã đổi tên");

    // Broken text is an error each time it is read, not the settings read before it.
    testing::execute_raw(&a, "update contest set settings = '{'")
        .await
        .expect("raw update");
    for _ in 0..2 {
        assert!(matches!(title(&a, id).await, Err(StorageError::Corrupt(_))));
    }
    assert_eq!(
        title(&b, id).await.expect("title"),
        "Cuộc thi có khác sáng kiến"
    );
}
