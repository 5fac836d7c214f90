//! `sangkien backup` while the server writes, then `sangkien restore` into an empty data
//! directory: the restored system answers every API listing exactly as the original,
//! and its audit chain verifies. Runs on SQLite, or on PostgreSQL (whole databases,
//! through pg_dump and pg_restore) with `SANGKIEN_TEST_DB=postgres`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    path::Path,
    process::{Command, Output},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};

use axum::{
    Router,
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use http_body_util::BodyExt;
use sangkien_files::FileStore;
use sangkien_storage::{Store, testing};
use sangkien_web::{AppState, Clock, WebConfig, api::openapi::operations, demo};
use serde_json::{Value, json};
use tower::ServiceExt;

/// 1/12/2021: after the demo's publication.
const NOW: i64 = 1_638_345_600;

struct FixedClock;
impl Clock for FixedClock {
    fn now(&self) -> i64 {
        NOW
    }
}

fn sangkien(data_dir: &Path, url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sangkien"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--database-url", url])
        .args(args)
        .output()
        .expect("run sangkien")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

async fn open(url: &str, data_dir: &Path) -> (Router, Store) {
    let store = Store::connect(url).await.unwrap();
    let files = FileStore::open(data_dir.join("files")).unwrap();
    let state = AppState::new(
        store.clone(),
        files,
        Arc::new(FixedClock),
        WebConfig::default(),
    );
    (sangkien_web::app(state), store)
}

struct Answer {
    status: StatusCode,
    json: Option<Value>,
    bytes: Vec<u8>,
}

async fn call(
    app: &Router,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> Answer {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    let body = match body {
        Some(v) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let res = app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    let json = is_json.then(|| serde_json::from_slice(&bytes).unwrap_or(Value::Null));
    Answer {
        status,
        json,
        bytes,
    }
}

async fn login(app: &Router, username: &str) -> String {
    let a = call(
        app,
        Method::POST,
        "/api/v1/auth/login",
        "",
        Some(json!({"username": username, "password": demo::DEMO_PASSWORD})),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "login {username}");
    a.json.unwrap()["token"].as_str().unwrap().to_string()
}

fn ids(v: &Value, list: &str, key: &str) -> Vec<String> {
    v[list]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| match &x[key] {
                    Value::Number(n) => Some(n.to_string()),
                    Value::String(s) => Some(s.clone()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Every GET of the API, with its path parameters filled from the listings of `app`:
/// contests, entries (and their attachments), units.
async fn all_get_paths(app: &Router, token: &str) -> Vec<String> {
    let get = |p: String| {
        let app = app.clone();
        let token = token.to_string();
        async move {
            call(&app, Method::GET, &p, &token, None)
                .await
                .json
                .unwrap_or(Value::Null)
        }
    };
    let contests = ids(&get("/api/v1/contests".into()).await, "contests", "id");
    let units = ids(&get("/api/v1/units".into()).await, "units", "code");
    let mut entries = Vec::new();
    for c in &contests {
        let page = get(format!("/api/v1/contests/{c}/entries?per_page=200")).await;
        entries.extend(ids(&page, "items", "id"));
    }
    let mut attachments = Vec::new();
    for e in &entries {
        let list = get(format!("/api/v1/entries/{e}/attachments")).await;
        for a in ids(&list, "attachments", "id") {
            attachments.push((e.clone(), a));
        }
    }
    let mut paths = Vec::new();
    for op in operations().filter(|o| o.method == "get") {
        let p = op.path;
        let filled: Vec<String> = if p.contains("{aid}") {
            if p.starts_with("/entries/") || p.starts_with("/public/library/{id}/attachments") {
                attachments
                    .iter()
                    .map(|(e, a)| p.replace("{id}", e).replace("{aid}", a))
                    .collect()
            } else {
                Vec::new()
            }
        } else if p.contains("{name}") || p.contains("{username}") {
            Vec::new()
        } else if p.starts_with("/contests/{id}") || p.starts_with("/public/contests/{id}") {
            contests.iter().map(|c| p.replace("{id}", c)).collect()
        } else if p.contains("{id}") {
            entries.iter().map(|e| p.replace("{id}", e)).collect()
        } else if p.contains("{code}") {
            units.iter().map(|u| p.replace("{code}", u)).collect()
        } else {
            vec![p.to_string()]
        };
        paths.extend(filled.into_iter().map(|p| format!("/api/v1{p}")));
    }
    paths
}

/// What an answer says, to compare two systems' answers: its bytes, or for an office
/// document (a zip: XLSX, DOCX) each part but the one stamped with the moment it was made
/// (`docProps/core.xml`), which differs between two exports a second apart.
fn document_parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return vec![(String::new(), bytes.to_vec())];
    };
    let mut parts = Vec::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        if name == "docProps/core.xml" {
            continue;
        }
        let mut content = Vec::new();
        part.read_to_end(&mut content).unwrap();
        parts.push((name, content));
    }
    parts
}

/// Every GET answers the same on both systems, for each user.
async fn assert_same_answers(a: &Router, b: &Router) {
    let mut compared = 0;
    for user in ["quantri", "snv.tochuc"] {
        let (ta, tb) = (login(a, user).await, login(b, user).await);
        let paths = all_get_paths(a, &ta).await;
        assert!(paths.len() > 40, "too few paths: {paths:?}");
        for p in paths {
            let (x, y) = (
                call(a, Method::GET, &p, &ta, None).await,
                call(b, Method::GET, &p, &tb, None).await,
            );
            assert_eq!(x.status, y.status, "{user} GET {p}");
            assert_ne!(
                x.status,
                StatusCode::INTERNAL_SERVER_ERROR,
                "{user} GET {p}"
            );
            match (&x.json, &y.json) {
                (Some(jx), Some(jy)) => assert_eq!(jx, jy, "{user} GET {p}"),
                _ => assert_eq!(
                    document_parts(&x.bytes),
                    document_parts(&y.bytes),
                    "{user} GET {p}"
                ),
            }
            compared += 1;
        }
    }
    assert!(compared > 100, "only {compared} answers compared");
}

#[tokio::test]
async fn backup_while_writing_then_restore_gives_an_identical_system() {
    let backend = testing::backend_from_env();
    let source_db = testing::fresh_database(backend).await.unwrap();
    let dirs = tempfile::tempdir().unwrap();
    let source_dir = dirs.path().join("source");
    let out = sangkien(&source_dir, &source_db.url, &["demo", "--full"]);
    assert!(out.status.success(), "{}", text(&out));
    let (source, source_store) = open(&source_db.url, &source_dir).await;

    // A writer adds units while the first backup is taken.
    let admin = login(&source, "quantri").await;
    let writing = Arc::new(AtomicBool::new(true));
    let writer = {
        let (app, admin, writing) = (source.clone(), admin.clone(), writing.clone());
        tokio::spawn(async move {
            let mut n = 0;
            while writing.load(Ordering::SeqCst) {
                n += 1;
                let unit = json!({"code": format!("ZSL{n:04}"), "name": format!("Đơn vị sao lưu {n}"), "kind": "other"});
                let a = call(&app, Method::POST, "/api/v1/units", &admin, Some(unit)).await;
                assert_eq!(a.status, StatusCode::CREATED, "unit {n}");
            }
            n
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let during = dirs.path().join("during");
    let out = {
        let (dir, url, during) = (source_dir.clone(), source_db.url.clone(), during.clone());
        tokio::task::spawn_blocking(move || {
            sangkien(&dir, &url, &["backup", during.to_str().unwrap()])
        })
        .await
        .unwrap()
    };
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("Sao chép tệp đính kèm: 100%"),
        "{}",
        text(&out)
    );
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    writing.store(false, Ordering::SeqCst);
    let written = writer.await.unwrap();
    assert!(written > 1, "the writer wrote {written} units");

    // The backup taken during writes restores to a consistent instant: the audit chain
    // verifies and the units are a prefix of those written.
    let target_db = testing::fresh_database(backend).await.unwrap();
    let target_dir = dirs.path().join("target");
    let out = sangkien(
        &target_dir,
        &target_db.url,
        &["restore", during.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("nhật ký nguyên vẹn"), "{}", text(&out));
    let out = sangkien(&target_dir, &target_db.url, &["audit", "verify"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = sangkien(&target_dir, &target_db.url, &["files", "check"]);
    assert!(out.status.success(), "{}", text(&out));
    let (restored, restored_store) = open(&target_db.url, &target_dir).await;
    let token = login(&restored, "quantri").await;
    let units = call(&restored, Method::GET, "/api/v1/units", &token, None).await;
    let mut copied: Vec<String> = ids(units.json.as_ref().unwrap(), "units", "code")
        .into_iter()
        .filter(|c| c.starts_with("ZSL"))
        .collect();
    copied.sort();
    let expected: Vec<String> = (1..=copied.len()).map(|n| format!("ZSL{n:04}")).collect();
    assert_eq!(copied, expected);
    assert!(copied.len() <= written);
    restored_store.close().await;

    // Restoring again into the same place is refused, and nothing is overwritten.
    let out = sangkien(
        &target_dir,
        &target_db.url,
        &["restore", during.to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("chỉ khôi phục vào"), "{}", text(&out));

    // A quiet backup restores to a system that answers exactly as the original.
    let quiet = dirs.path().join("quiet");
    let out = sangkien(
        &source_dir,
        &source_db.url,
        &["backup", quiet.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out));
    let again_db = testing::fresh_database(backend).await.unwrap();
    let again_dir = dirs.path().join("again");
    let out = sangkien(
        &again_dir,
        &again_db.url,
        &["restore", quiet.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out));
    let (again, again_store) = open(&again_db.url, &again_dir).await;
    assert_same_answers(&source, &again).await;
    again_store.close().await;
    source_store.close().await;
}

#[tokio::test]
async fn a_damaged_or_foreign_backup_is_refused_with_a_reason() {
    let backend = testing::backend_from_env();
    let db = testing::fresh_database(backend).await.unwrap();
    let dirs = tempfile::tempdir().unwrap();
    let dir = dirs.path().join("source");
    let out = sangkien(&dir, &db.url, &["demo"]);
    assert!(out.status.success(), "{}", text(&out));
    let bk = dirs.path().join("bk");
    let out = sangkien(&dir, &db.url, &["backup", bk.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));

    // Into a non-empty backup directory: refused.
    let out = sangkien(&dir, &db.url, &["backup", bk.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out).contains("đã có nội dung"), "{}", text(&out));

    // An attachment file changed inside the backup: refused, naming the file.
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(bk.join("manifest.json")).unwrap()).unwrap();
    let first = manifest["files"][0]["path"].as_str().unwrap();
    std::fs::write(bk.join(first), b"hong").unwrap();
    let target = testing::fresh_database(backend).await.unwrap();
    let out = sangkien(
        &dirs.path().join("t1"),
        &target.url,
        &["restore", bk.to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("đã bị hỏng"), "{}", text(&out));

    // Not a backup at all.
    let out = sangkien(
        &dirs.path().join("t2"),
        &target.url,
        &["restore", dir.to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("không phải bản sao lưu"),
        "{}",
        text(&out)
    );

    // Into the other kind of database.
    let other = match backend {
        sangkien_storage::Backend::Sqlite => "postgres://postgres@127.0.0.1:5432/test".to_string(),
        sangkien_storage::Backend::Postgres => {
            format!("sqlite://{}/x.db", dirs.path().display())
        }
    };
    let out = sangkien(
        &dirs.path().join("t3"),
        &other,
        &["restore", bk.to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("cùng loại cơ sở dữ liệu"),
        "{}",
        text(&out)
    );
}
