//! The audit chain: every change writes a record; tampering is caught and named.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestApp, contest_body};
use sangkien_domain::audit::ChainError;
use sangkien_storage::{audit, testing};

async fn verify(app: &TestApp) -> Result<i64, ChainError> {
    let mut conn = app.store.reader().await.unwrap();
    audit::verify(&mut conn).await.unwrap()
}

#[tokio::test]
async fn changes_are_chained_and_an_intact_chain_verifies() {
    let app = TestApp::new().await;
    let before = verify(&app).await.unwrap();
    let org = app.organizer().await;
    app.post("/api/v1/contests", &org, contest_body()).await;
    assert_eq!(verify(&app).await, Ok(before + 1));
}

#[tokio::test]
async fn an_edited_record_is_named() {
    let app = TestApp::new().await;
    testing::execute_raw(
        &app.store,
        "update audit_record set after = '{\"name\":\"giả mạo\"}' where audit_record_id = 7",
    )
    .await
    .unwrap();
    assert_eq!(verify(&app).await, Err(ChainError::Altered { seq: 7 }));
}

#[tokio::test]
async fn a_deleted_record_is_named() {
    let app = TestApp::new().await;
    testing::execute_raw(
        &app.store,
        "delete from audit_record where audit_record_id = 12",
    )
    .await
    .unwrap();
    assert_eq!(
        verify(&app).await,
        Err(ChainError::Missing { expected_seq: 12 })
    );
}

#[tokio::test]
async fn a_deleted_last_record_is_caught() {
    let app = TestApp::new().await;
    let n = verify(&app).await.unwrap();
    testing::execute_raw(
        &app.store,
        &format!("delete from audit_record where audit_record_id = {n}"),
    )
    .await
    .unwrap();
    assert_eq!(
        verify(&app).await,
        Err(ChainError::HeadMismatch { last_seq: n - 1 })
    );
}
