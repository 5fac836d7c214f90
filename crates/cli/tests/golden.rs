//! Dumps every GET answer (the API's, and every page reached by following links) of
//! two demo systems, for each demo user, into `$GOLDEN_DIR`, so that a refactoring can
//! be checked byte for byte: run before and after, then `diff -r`.
//! Ignored unless asked for: `GOLDEN_DIR=/tmp/g cargo test -p sangkien --test golden -- --ignored`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{collections::BTreeSet, path::Path, sync::Arc};

use axum::{
    Router,
    body::Body,
    http::{Method, Request, header},
};
use http_body_util::BodyExt;
use sangkien_files::FileStore;
use sangkien_storage::testing;
use sangkien_web::{AppState, Clock, WebConfig, api::openapi::operations, demo};
use serde_json::Value;
use tower::ServiceExt;

struct FixedClock(i64);
impl Clock for FixedClock {
    fn now(&self) -> i64 {
        self.0
    }
}

/// Headers that authenticate a caller.
type Headers = Vec<(header::HeaderName, String)>;

struct Answer {
    status: u16,
    content_type: String,
    bytes: Vec<u8>,
}

async fn call(app: &Router, path: &str, auth: &[(header::HeaderName, String)]) -> Answer {
    let mut req = Request::builder().method(Method::GET).uri(path);
    for (k, v) in auth {
        req = req.header(k, v);
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status().as_u16();
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let location = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let mut bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    if !location.is_empty() {
        bytes.extend(format!("\nLOCATION {location}").into_bytes());
    }
    Answer {
        status,
        content_type,
        bytes,
    }
}

async fn post(app: &Router, path: &str, body: String, headers: &[(&str, String)]) -> Vec<String> {
    let mut req = Request::builder().method(Method::POST).uri(path);
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let cookies: Vec<String> = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    let mut out = cookies;
    out.push(String::from_utf8_lossy(&body).to_string());
    out
}

async fn api_token(app: &Router, username: &str) -> String {
    let body = serde_json::json!({"username": username, "password": demo::DEMO_PASSWORD});
    let out = post(
        app,
        "/api/v1/auth/login",
        body.to_string(),
        &[("content-type", "application/json".into())],
    )
    .await;
    let v: Value = serde_json::from_str(out.last().unwrap()).unwrap();
    v["token"].as_str().unwrap().to_string()
}

async fn web_cookie(app: &Router, username: &str) -> String {
    let form = call(app, "/login", &[]).await;
    let html = String::from_utf8_lossy(&form.bytes).to_string();
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let body = format!(
        "username={username}&password={}&csrf={csrf}&next=%2F",
        demo::DEMO_PASSWORD.replace('@', "%40")
    );
    let out = post(
        app,
        "/login",
        body,
        &[
            ("content-type", "application/x-www-form-urlencoded".into()),
            ("cookie", format!("sk_login_csrf={csrf}")),
        ],
    )
    .await;
    let session = out
        .iter()
        .find(|c| c.starts_with("sk_session="))
        .unwrap_or_else(|| panic!("web login {username}: {out:?}"));
    session.split(';').next().unwrap().to_string()
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

async fn api_paths(app: &Router, auth: &[(header::HeaderName, String)]) -> Vec<String> {
    let get = |p: String| async move {
        let a = call(app, &p, auth).await;
        serde_json::from_slice::<Value>(&a.bytes).unwrap_or(Value::Null)
    };
    let contests = ids(&get("/api/v1/contests".into()).await, "contests", "id");
    let units = ids(&get("/api/v1/units".into()).await, "units", "code");
    let users = ids(&get("/api/v1/users".into()).await, "users", "username");
    let mut entries = Vec::new();
    for c in &contests {
        let page = get(format!("/api/v1/contests/{c}/entries?per_page=200")).await;
        entries.extend(ids(&page, "items", "id"));
    }
    let library = ids(&get("/api/v1/public/library".into()).await, "items", "id");
    let mut attachments = Vec::new();
    for e in &entries {
        let list = get(format!("/api/v1/entries/{e}/attachments")).await;
        for a in ids(&list, "attachments", "id") {
            attachments.push((e.clone(), a));
        }
    }
    let exports = [
        "results.xlsx",
        "coverage.xlsx",
        "budget.xlsx",
        "memo.docx",
        "decision.docx",
        "decision.pdf",
        "score-sheets.pdf",
        "certificates.pdf",
        "entries.csv",
        "audit.csv",
        "nope.txt",
    ];
    let mut paths = Vec::new();
    for op in operations().filter(|o| o.method == "get") {
        let p = op.path;
        let filled: Vec<String> = if p.contains("{aid}") {
            attachments
                .iter()
                .map(|(e, a)| p.replace("{id}", e).replace("{aid}", a))
                .collect()
        } else if p.contains("{name}") {
            contests
                .iter()
                .flat_map(|c| {
                    exports
                        .iter()
                        .map(move |n| p.replace("{id}", c).replace("{name}", n))
                })
                .collect()
        } else if p.contains("{username}") {
            Vec::new()
        } else if p.starts_with("/library/{id}") || p.starts_with("/public/library/{id}") {
            library.iter().map(|c| p.replace("{id}", c)).collect()
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
    for u in users {
        paths.push(format!("/api/v1/users/{u}"));
    }
    paths.push("/api/v1/contests/1/entries?per_page=2&page=2".into());
    paths.push("/api/v1/public/library?q=dat+lich".into());
    paths.push("/api/v1/contests/999".into());
    paths.push("/api/v1/entries/abc".into());
    paths
}

/// Hrefs of an HTML page that stay on the site.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "action=\""] {
        for part in html.split(attr).skip(1) {
            let Some(link) = part.split('"').next() else {
                continue;
            };
            let link = link.replace("&amp;", "&");
            if link.starts_with('/') && !link.starts_with("//") && attr == "href=\"" {
                out.push(link.split('#').next().unwrap_or("").to_string());
            }
        }
    }
    out
}

fn normalize(a: &Answer) -> Vec<u8> {
    if a.content_type.starts_with("text/html") {
        let html = String::from_utf8_lossy(&a.bytes);
        let mut out = String::new();
        let mut rest: &str = &html;
        while let Some(i) = rest.find("name=\"csrf\" value=\"") {
            let start = i + "name=\"csrf\" value=\"".len();
            out.push_str(&rest[..start]);
            out.push_str("CSRF");
            rest = &rest[start..];
            rest = &rest[rest.find('"').unwrap_or(0)..];
        }
        out.push_str(rest);
        return out.into_bytes();
    }
    if a.content_type.contains("openxmlformats") {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&a.bytes)).unwrap();
        let mut out = Vec::new();
        for i in 0..zip.len() {
            let mut part = zip.by_index(i).unwrap();
            let name = part.name().unwrap().to_string();
            if name == "docProps/core.xml" {
                continue;
            }
            out.extend(format!("== {name}\n").into_bytes());
            part.read_to_end(&mut out).unwrap();
            out.push(b'\n');
        }
        return out;
    }
    if a.content_type == "application/pdf" {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.pdf");
        std::fs::write(&p, &a.bytes).unwrap();
        let o = std::process::Command::new("pdftotext")
            .args(["-layout", p.to_str().unwrap(), "-"])
            .output()
            .unwrap();
        return o.stdout;
    }
    a.bytes.clone()
}

fn file_name(path: &str) -> String {
    path.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

async fn dump(app: &Router, out: &Path, scenario: &str) {
    let users: Vec<&str> = demo::DEMO_USERS.iter().map(|u| u.0).collect();
    let mut callers: Vec<(String, Headers, Headers)> = vec![("anonymous".into(), vec![], vec![])];
    for u in users {
        let token = api_token(app, u).await;
        let cookie = web_cookie(app, u).await;
        callers.push((
            u.to_string(),
            vec![(header::AUTHORIZATION, format!("Bearer {token}"))],
            vec![(header::COOKIE, cookie)],
        ));
    }
    let mut count = 0;
    for (name, api_auth, web_auth) in &callers {
        let dir = out.join(scenario).join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let mut paths = api_paths(app, api_auth).await;
        // Pages: follow every local link from the start pages.
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut queue: Vec<String> = vec![
            "/".into(),
            "/public/contests".into(),
            "/public/library".into(),
            "/public/library?q=dat+lich".into(),
            "/feed.atom".into(),
            "/users".into(),
            "/units".into(),
            "/notifications".into(),
            "/health".into(),
            "/api/v1/openapi.json".into(),
            "/nope".into(),
            "/entries/999".into(),
            "/contests/1/entries/new".into(),
        ];
        while let Some(p) = queue.pop() {
            if p == "/logout" || !seen.insert(p.clone()) || seen.len() > 800 {
                continue;
            }
            let a = call(app, &p, web_auth).await;
            if a.content_type.starts_with("text/html") {
                for l in links(&String::from_utf8_lossy(&a.bytes)) {
                    if !seen.contains(&l) {
                        queue.push(l);
                    }
                }
            }
            let mut body = format!("{} {}\n", a.status, a.content_type).into_bytes();
            body.extend(normalize(&a));
            std::fs::write(dir.join(format!("page{}", file_name(&p))), body).unwrap();
            count += 1;
        }
        paths.sort();
        paths.dedup();
        for p in paths {
            let a = call(app, &p, api_auth).await;
            let mut body = format!("{} {}\n", a.status, a.content_type).into_bytes();
            body.extend(normalize(&a));
            std::fs::write(dir.join(format!("api{}", file_name(&p))), body).unwrap();
            count += 1;
        }
    }
    eprintln!("{scenario}: {count} answers");
}

async fn system(full: bool, now: i64) -> (Router, tempfile::TempDir, testing::TestDb) {
    let (db, store) = testing::migrated_store().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let files = FileStore::open(dir.path().join("files")).unwrap();
    if full {
        demo::load_full(&store, &files, now).await.unwrap();
    } else {
        demo::load(&store, &files, now).await.unwrap();
    }
    let state = AppState::new(
        store,
        files,
        Arc::new(FixedClock(now)),
        WebConfig::default(),
    );
    (sangkien_web::app(state), dir, db)
}

#[tokio::test]
#[ignore]
async fn dump_every_get_answer() {
    let out = std::path::PathBuf::from(std::env::var("GOLDEN_DIR").expect("GOLDEN_DIR"));
    // 15/10/2021 10:00: submissions open.
    let (open, _d1, _db1) = system(false, 1_634_266_800).await;
    dump(&open, &out, "open").await;
    // 1/12/2021: after the publication.
    let (full, _d2, _db2) = system(true, 1_638_345_600).await;
    dump(&full, &out, "full").await;
}
