//! Both databases get the same schema from the migrations.
#![allow(clippy::expect_used)]

use sangkien_storage::{Backend, Store, migrations, schema, testing};

async fn migrated(backend: Backend) -> (testing::TestDb, Store) {
    let db = testing::fresh(backend).await.expect("fresh database");
    let store = Store::connect(&db.url).await.expect("connect");
    store.migrate().await.expect("migrate");
    (db, store)
}

#[tokio::test]
async fn sqlite_and_postgres_schemas_are_the_same() {
    let (_a, sqlite) = migrated(Backend::Sqlite).await;
    let (_b, postgres) = migrated(Backend::Postgres).await;
    let s = schema::describe(&sqlite).await.expect("sqlite schema");
    let p = schema::describe(&postgres).await.expect("postgres schema");
    assert!(!s.columns.is_empty());
    assert_eq!(s.columns, p.columns, "columns differ");
    assert_eq!(s.indexes, p.indexes, "indexes differ");
    assert!(migrations::versions().iter().all(|(v, _)| *v > 0));
}

#[tokio::test]
async fn migrating_twice_is_harmless() {
    let (_db, store) = migrated(testing::backend_from_env()).await;
    store.migrate().await.expect("second migrate");
    assert!(store.ping().await);
}
