//! Relevance ranking of library searches and its window (docs/DECISIONS.md, "Relevance
//! over the newest 10,000 matches"), on the backend SANGKIEN_TEST_DB names.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sangkien_storage::{
    Store,
    library::{self, Filter},
    testing,
};

const BODY: &str = "Cán bộ tiếp nhận hồ sơ nhanh hơn, người dân đỡ đi lại.";

/// Thirty initiatives that all mention "hồ sơ" in their text; the oldest also has it
/// twice in its title, so it is the most relevant.
async fn library() -> (testing::TestDb, Store, Vec<i64>) {
    let db = testing::fresh(testing::backend_from_env()).await.unwrap();
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    let mut items = vec![("Hồ sơ một cửa, hồ sơ điện tử".to_string(), BODY.to_string())];
    for i in 1..30 {
        items.push((format!("Sáng kiến cải cách số {i}"), BODY.to_string()));
    }
    let ids = testing::fill_library(&store, &items).await.unwrap();
    (db, store, ids)
}

fn query(q: &str) -> Filter {
    Filter {
        q: q.into(),
        ..Default::default()
    }
}

fn ids(found: &library::Found) -> Vec<i64> {
    found.lines.iter().map(|l| l.entry_id).collect()
}

#[tokio::test]
async fn the_best_match_comes_first_inside_the_window() {
    let (_db, store, ids_made) = library().await;
    let oldest = ids_made[0];
    let mut conn = store.reader().await.unwrap();
    let whole = library::search(&mut conn, &query("ho so"), 5, 0)
        .await
        .unwrap();
    assert_eq!(whole.lines[0].entry_id, oldest, "title matches rank first");
    assert_eq!(whole.total, 30);
    assert!(!whole.capped);
    // A window of the ten newest matches leaves the oldest out of the ranking, and ranks
    // what it keeps: every line is one of the ten newest, ties by id.
    let windowed = library::search_within(&mut conn, &query("ho so"), 20, 0, 10)
        .await
        .unwrap();
    let newest: Vec<i64> = ids_made[20..].to_vec();
    assert_eq!(ids(&windowed), newest);
    assert_eq!(windowed.total, 30, "the total still counts every match");
    // A window as large as the matches ranks them all.
    let all = library::search_within(&mut conn, &query("ho so"), 1, 0, 30)
        .await
        .unwrap();
    assert_eq!(ids(&all), vec![oldest]);
}

#[tokio::test]
async fn a_filtered_search_ranks_all_its_matches() {
    let (_db, store, ids_made) = library().await;
    let mut conn = store.reader().await.unwrap();
    // The oldest was published in the first year of the fixture (2015).
    let filter = Filter {
        year: 2015,
        ..query("ho so")
    };
    let found = library::search_within(&mut conn, &filter, 20, 0, 1)
        .await
        .unwrap();
    assert_eq!(found.lines[0].entry_id, ids_made[0]);
    assert_eq!(found.total, 3);
}
