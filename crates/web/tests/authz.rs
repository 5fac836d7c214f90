//! The authorization matrix: every route of the API and every page, for anonymous
//! callers, each role, a focal user and an organizer of another unit, the chair, an
//! assigned judge, a conflicted judge and an unassigned judge, with the status each gets.
//!
//! The routes come from reading the router's source (`.route("…", get(…).post(…))` in
//! `src/lib.rs`, `src/api` and `src/pages`): a route the table does not cover, or a row for a route
//! that no longer exists, fails the test.
//!
//! The contest is the demo's, in judging: the council is set, every member but one is
//! assigned to every entry, hd.stp (of STP) is conflicted with STP's entry (3) by unit,
//! and hd.stttt joined the council after the assignments. Every request gets a fresh
//! session, so logging out does not disturb the others. Requests carry no valid body
//! (JSON `[]`, or a form with only the CSRF token), so what is measured is whether the
//! caller gets past authorization, not what the handler then does.
//!
//! Run with `SANGKIEN_MATRIX_PRINT=1` to print the table as observed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use common::TestApp;
use sangkien_storage::account::{self, SessionKind};
use serde_json::json;

const DEADLINE: i64 = 1_635_699_599;
const CONTEST: i64 = 1;
const ENTRY: i64 = 3;

/// Column order of the table.
const ACTORS: &[(&str, Option<&str>)] = &[
    ("anon", None),
    ("admin", Some("quantri")),
    ("org", Some("snv.tochuc")),
    ("org2", Some("hoaan.tochuc")),
    ("focal", Some("stp.daumoi")),
    ("focal2", Some("hoaan.daumoi")),
    ("appr", Some("ubnd.pheduyet")),
    ("view", Some("theodoi")),
    ("chair", Some("hd.vpubnd")),
    ("judge", Some("hd.snv")),
    ("confl", Some("hd.stp")),
    ("unasg", Some("hd.stttt")),
];

/// Method, route, then the status of each actor in [`ACTORS`] order.
const MATRIX: &str = include_str!("authz_matrix.txt");

/// Every (method, route) the router's source declares.
fn declared_routes() -> BTreeSet<(String, String)> {
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut routes = BTreeSet::new();
    let lib = std::fs::read_to_string(format!("{src}/lib.rs")).unwrap();
    for (path, methods) in routes_in(&lib) {
        for m in methods {
            routes.insert((m, path.clone()));
        }
    }
    for dir in ["api", "pages"] {
        for file in rust_files(std::path::Path::new(&format!("{src}/{dir}"))) {
            let text = std::fs::read_to_string(&file).unwrap();
            let prefix = if dir == "api" && !file.ends_with("api/mod.rs") {
                "/api/v1"
            } else {
                ""
            };
            for (path, methods) in routes_in(&text) {
                for m in methods {
                    routes.insert((m, format!("{prefix}{path}")));
                }
            }
        }
    }
    routes
}

/// The `.rs` files under a directory, its subdirectories included, in order.
fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            found.extend(rust_files(&path));
        } else if path.extension().is_some_and(|x| x == "rs") {
            found.push(path);
        }
    }
    found
}

/// The `.route(path, methods)` calls of one source file.
fn routes_in(text: &str) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(".route(") {
        let call = &rest[at + ".route(".len()..];
        let mut depth = 1;
        let mut end = call.len();
        for (i, c) in call.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let args = &call[..end];
        let path = args.split('"').nth(1).unwrap_or_default().to_string();
        let methods = ["get", "post", "put", "patch", "delete"]
            .iter()
            .filter(|m| {
                args.match_indices(&format!("{m}(")).any(|(i, _)| {
                    i == 0
                        || !args[..i]
                            .chars()
                            .next_back()
                            .is_some_and(|c| c.is_alphanumeric() || c == '_')
                })
            })
            .map(|m| m.to_uppercase())
            .collect();
        found.push((path, methods));
        rest = &call[end..];
    }
    found
}

struct Fixture {
    app: TestApp,
    attachment: i64,
}

/// The demo contest in judging (see the module comment).
async fn fixture() -> Fixture {
    let app = TestApp::new().await;
    app.set_now(DEADLINE + 3600);
    let org = app.organizer().await;
    assert_eq!(
        app.transition(&org, CONTEST, "closed").await.status,
        StatusCode::OK
    );
    let members = |extra: bool| {
        let mut m = vec![
            json!({"username": "hd.vpubnd", "role": "chair"}),
            json!({"username": "hd.snv", "role": "member"}),
            json!({"username": "hd.stp", "role": "member"}),
        ];
        if extra {
            m.push(json!({"username": "hd.stttt", "role": "member"}));
        }
        json!({"decision": {"number": "2950/QĐ-UBND", "date": "2021-11-01"}, "members": m})
    };
    let council = format!("/api/v1/contests/{CONTEST}/council");
    let res = app
        .call(Method::PUT, &council, Some(&org), Some(members(false)))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let res = app
        .post(
            &format!("/api/v1/contests/{CONTEST}/assignments"),
            &org,
            json!({"mode": "all"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let res = app
        .call(Method::PUT, &council, Some(&org), Some(members(true)))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(
        app.transition(&org, CONTEST, "judging").await.status,
        StatusCode::OK
    );
    // The fixture is what the table assumes.
    let assigned = app
        .get(&format!("/api/v1/contests/{CONTEST}/assignments"), &org)
        .await;
    let pairs: Vec<(i64, String)> = assigned.body["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["entry_id"].as_i64().unwrap(),
                a["username"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(pairs.contains(&(ENTRY, "hd.snv".into())), "{pairs:?}");
    assert!(pairs.contains(&(ENTRY, "hd.vpubnd".into())), "{pairs:?}");
    assert!(!pairs.contains(&(ENTRY, "hd.stp".into())), "{pairs:?}");
    assert!(pairs.iter().all(|(_, u)| u != "hd.stttt"), "{pairs:?}");
    let list = app
        .get(&format!("/api/v1/entries/{ENTRY}/attachments"), &org)
        .await;
    let attachment = list.body["attachments"][0]["id"].as_i64().unwrap();
    Fixture { app, attachment }
}

impl Fixture {
    fn concrete(&self, route: &str) -> String {
        let aid = self.attachment.to_string();
        route
            .replace("/contests/{id}", &format!("/contests/{CONTEST}"))
            .replace("{id}", &ENTRY.to_string())
            .replace("{aid}", &aid)
            .replace("{code}", "STP")
            .replace("{username}", "hd.snv")
            .replace("{name}", "results.xlsx")
    }

    /// The status `username` (None: anonymous) gets for `method route`.
    async fn status(&self, method: &str, route: &str, username: Option<&str>) -> StatusCode {
        let path = self.concrete(route);
        let api = path.starts_with("/api/");
        let mut req = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).unwrap())
            .uri(&path);
        let mut csrf = String::new();
        if let Some(username) = username {
            let kind = if api {
                SessionKind::Api
            } else {
                SessionKind::Web
            };
            let mut tx = self.app.store.begin().await.unwrap();
            let id = account::get(&mut tx, username).await.unwrap().unwrap().id;
            let (token, c) = account::create_session(&mut tx, id, kind, self.app.clock_now(), 3600)
                .await
                .unwrap();
            sangkien_storage::Store::commit(tx).await.unwrap();
            csrf = c;
            req = if api {
                req.header(header::AUTHORIZATION, format!("Bearer {token}"))
            } else {
                req.header(header::COOKIE, format!("sk_session={token}"))
            };
        }
        let body = match payload(method, route) {
            Payload::None => Body::empty(),
            Payload::Json(v) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            Payload::Form(extra) => {
                req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                Body::from(format!("csrf={csrf}{extra}"))
            }
            Payload::Multipart => {
                let boundary = "----sangkien-matrix";
                req = req.header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                );
                Body::from(format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}--\r\n"
                ))
            }
        };
        let res = self.app.send(req.body(body).unwrap()).await;
        if username.is_none() && res.status == StatusCode::SEE_OTHER {
            let to = res.headers[header::LOCATION].to_str().unwrap();
            assert!(to.starts_with("/login"), "{method} {path} → {to}");
        }
        res.status
    }
}

enum Payload {
    None,
    Json(serde_json::Value),
    /// Form fields after the CSRF token (`&k=v…`).
    Form(&'static str),
    /// A multipart body with only the CSRF token.
    Multipart,
}

/// A body each route accepts in shape, chosen so that an authorized caller cannot
/// change what the rest of the table relies on: the contest stays in judging and the
/// council, assignments and conflicts stay as set up.
fn payload(method: &str, route: &str) -> Payload {
    if method == "GET" {
        return Payload::None;
    }
    let multipart = [
        "/api/v1/entries/{id}/attachments",
        "/api/v1/units/import",
        "/api/v1/users/import",
        "/units/import",
        "/users/import",
        "/api/v1/library/{id}/adoptions/{aid}/evidence",
        "/entries/{id}/attachments",
        "/library/{id}/adopt",
    ];
    if multipart.contains(&route) {
        return Payload::Multipart;
    }
    if !route.starts_with("/api/") {
        return Payload::Form(match route {
            "/contests/{id}/assignments" => "&mode=all",
            "/contests/{id}/conflicts" => {
                "&username=hd.stttt&entry_id=999&reason=Ng%C6%B0%E1%BB%9Di+th%C3%A2n+l%C3%A0+t%C3%A1c+gi%E1%BA%A3"
            }
            "/contests/{id}/council" => {
                "&number=2950%2FQ%C4%90-UBND&date=2021-11-01&m0_username=hd.vpubnd&m0_role=chair"
            }
            "/contests/{id}/transition" => "&to=archived",
            "/contests/{id}/awards/return" => "&reason=Xem+l%E1%BA%A1i",
            "/contests/{id}/meeting" => "&held_on=2021-11-20&present=hd.vpubnd&votes_for=1",
            "/contests/{id}/awards/memo" => "&number=45&date=2021-11-20",
            "/login" => "&username=snv.tochuc&password=sai",
            _ => "",
        });
    }
    let r = route.trim_start_matches("/api/v1");
    Payload::Json(match (method, r) {
        ("PATCH", "/contests/{id}") => json!({"description": "Cuộc thi sáng kiến CCHC"}),
        ("PATCH", "/entries/{id}") => json!({"title": "Tên sáng kiến sửa"}),
        ("PATCH", "/units/{code}") => json!({"name": "Sở Tư pháp"}),
        ("PATCH", "/users/{username}") => json!({"position": "Phó Giám đốc Sở Nội vụ"}),
        ("POST", "/auth/login") => json!({"username": "snv.tochuc", "password": "sai"}),
        ("POST", "/contests/{id}/assignments") => json!({"mode": "all"}),
        ("POST", "/contests/{id}/awards/approve") => {
            json!({"decision": {"number": "2468", "date": "2021-11-26", "signer": "Lê Hải Hòa"}})
        }
        ("POST", "/contests/{id}/awards/return") => json!({"reason": "Xem lại"}),
        ("PUT", "/contests/{id}/awards/memo") => json!({"number": "45", "date": "2021-11-20"}),
        ("PUT", "/contests/{id}/meeting") => {
            json!({"held_on": "2021-11-20", "present": ["hd.vpubnd"], "votes_for": 1})
        }
        ("POST", "/contests/{id}/conflicts") => {
            json!({"username": "hd.stttt", "entry_id": 999, "reason": "Người thân là tác giả"})
        }
        ("POST", "/contests/{id}/extensions") => {
            json!({"unit_code": "STP", "until": "2021-11-05", "reason": "Lũ lụt"})
        }
        ("POST", "/contests/{id}/forward") => json!({"entry_ids": []}),
        ("POST", "/contests/{id}/transition") => json!({"to": "archived"}),
        ("POST", "/entries/{id}/library") => json!({"public": true}),
        ("POST", "/entries/{id}/scores/{username}/unlock") => json!({"reason": "Chấm lại"}),
        ("POST", "/entries/{id}/screening") => json!({"eligible": true, "reason": ""}),
        ("PUT", "/contests/{id}/awards") => json!({"awards": []}),
        ("PUT", "/contests/{id}/council") => json!({
            "decision": {"number": "2950/QĐ-UBND", "date": "2021-11-01"},
            "members": [{"username": "hd.vpubnd", "role": "chair"}]}),
        ("PUT", "/entries/{id}/scores/mine") => {
            json!({"points": {}, "comments": {}, "comment": ""})
        }
        _ => json!({}),
    })
}

fn parse_matrix() -> BTreeMap<(String, String), Vec<u16>> {
    let mut rows = BTreeMap::new();
    for line in MATRIX.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cells.len(), 2 + ACTORS.len(), "row: {line}");
        let codes = cells[2..].iter().map(|c| c.parse().unwrap()).collect();
        let key = (cells[0].to_string(), cells[1].to_string());
        assert!(rows.insert(key, codes).is_none(), "duplicate row: {line}");
    }
    rows
}

#[tokio::test]
async fn every_route_answers_every_kind_of_caller_as_the_table_says() {
    let declared = declared_routes();
    assert!(declared.len() > 80, "found only {} routes", declared.len());
    let table = parse_matrix();
    let keys: BTreeSet<(String, String)> = table.keys().cloned().collect();
    let uncovered: Vec<_> = declared.difference(&keys).collect();
    let stale: Vec<_> = keys.difference(&declared).collect();

    let f = fixture().await;
    let mut observed = String::new();
    let mut wrong = Vec::new();
    for (method, route) in &declared {
        let mut codes = Vec::new();
        for (_, user) in ACTORS {
            codes.push(f.status(method, route, *user).await.as_u16());
        }
        assert!(
            codes.iter().all(|c| *c < 500),
            "{method} {route}: server error {codes:?}"
        );
        observed.push_str(&format!("{method:<6} {route:<48}"));
        for c in &codes {
            observed.push_str(&format!(" {c:>5}"));
        }
        observed.push('\n');
        if let Some(expected) = table.get(&(method.clone(), route.clone())) {
            for ((name, _), (e, o)) in ACTORS.iter().zip(expected.iter().zip(&codes)) {
                if e != o {
                    wrong.push(format!("{method} {route} as {name}: expected {e}, got {o}"));
                }
            }
        }
    }
    if std::env::var("SANGKIEN_MATRIX_PRINT").is_ok() {
        println!("{observed}");
    }
    assert!(
        uncovered.is_empty(),
        "routes the table does not cover: {uncovered:?}"
    );
    assert!(
        stale.is_empty(),
        "rows for routes that do not exist: {stale:?}"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
