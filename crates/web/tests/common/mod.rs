//! `TestApp`: the whole application on a fresh database (SQLite, or PostgreSQL when
//! `SANGKIEN_TEST_DB=postgres`) with the demo loaded: units, a user for every role and
//! the Cao Bằng 2021 contest. Requests go through the router in-process.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{
    Arc,
    atomic::{AtomicI64, Ordering},
};

use axum::{
    Router,
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use http_body_util::BodyExt;
use sangkien_files::FileStore;
use sangkien_storage::{Store, testing};
use sangkien_web::{AppState, Clock, WebConfig, demo};
use serde_json::{Value, json};
use tower::ServiceExt;

pub struct TestClock(AtomicI64);

impl Clock for TestClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub store: Store,
    pub clock: Arc<TestClock>,
    pub files: FileStore,
    pub db_url: String,
    _db: testing::TestDb,
    _files_dir: tempfile::TempDir,
}

/// 15/10/2021 10:00 Vietnam time: the demo contest is open, its deadline ahead.
pub const OCT_15_2021: i64 = 1_634_266_800;
pub const PASSWORD: &str = demo::DEMO_PASSWORD;

pub struct Response {
    pub status: StatusCode,
    pub body: Value,
    pub text: String,
    pub headers: axum::http::HeaderMap,
    pub bytes: Vec<u8>,
}

impl TestApp {
    pub async fn new() -> TestApp {
        let db = testing::fresh(testing::backend_from_env())
            .await
            .expect("fresh database");
        let store = Store::connect(&db.url).await.expect("connect");
        store.migrate().await.expect("migrate");
        let files_dir = tempfile::tempdir().expect("files dir");
        let files = FileStore::open(files_dir.path()).expect("file store");
        demo::load(&store, &files, OCT_15_2021).await.expect("demo");
        let clock = Arc::new(TestClock(AtomicI64::new(OCT_15_2021)));
        let state = AppState::new(
            store.clone(),
            files.clone(),
            clock.clone(),
            WebConfig::default(),
        );
        TestApp {
            router: sangkien_web::app(state.clone()),
            state,
            store,
            files,
            clock,
            db_url: db.url.clone(),
            _db: db,
            _files_dir: files_dir,
        }
    }

    pub fn clock_now(&self) -> i64 {
        self.clock.0.load(Ordering::SeqCst)
    }

    pub fn set_now(&self, seconds: i64) {
        self.clock.0.store(seconds, Ordering::SeqCst);
    }

    /// A raw request.
    pub async fn send(&self, req: Request<Body>) -> Response {
        let res = self.router.clone().oneshot(req).await.expect("router");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        let text = String::from_utf8_lossy(&bytes).to_string();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Response {
            status,
            body,
            text,
            headers,
            bytes: bytes.to_vec(),
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        };
        self.send(req.expect("request")).await
    }

    /// Sends raw bytes as the body with the given content type.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Response {
        let req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .expect("request");
        self.send(req).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Response {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Response {
        self.call(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    /// Logs in through the API and returns the Bearer token.
    pub async fn login(&self, username: &str) -> String {
        self.login_with(username, PASSWORD).await
    }

    /// An API token for `username` with that password.
    pub async fn login_with(&self, username: &str, password: &str) -> String {
        let res = self
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": username, "password": password})),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "login {username}: {}", res.text);
        res.body["token"].as_str().expect("token").to_string()
    }

    pub async fn organizer(&self) -> String {
        self.login("snv.tochuc").await
    }

    pub async fn admin(&self) -> String {
        self.login("quantri").await
    }

    pub async fn transition(&self, token: &str, id: i64, to: &str) -> Response {
        self.post(
            &format!("/api/v1/contests/{id}/transition"),
            token,
            json!({"to": to}),
        )
        .await
    }

    /// Sets up the demo council and assigns every member to every entry, so a closed
    /// contest may start judging.
    pub async fn prepare_judging(&self, org: &str, id: i64) {
        let council = json!({"decision": {"number": "2950/QĐ-UBND", "date": "2021-11-01"},
            "members": [{"username": "hd.vpubnd", "role": "chair"}, {"username": "hd.snv", "role": "member"},
                        {"username": "hd.stc", "role": "member"}]});
        let res = self
            .call(
                Method::PUT,
                &format!("/api/v1/contests/{id}/council"),
                Some(org),
                Some(council),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "council: {}", res.text);
        let res = self
            .post(
                &format!("/api/v1/contests/{id}/assignments"),
                org,
                json!({"mode": "all"}),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "assignments: {}", res.text);
    }

    /// The council meets on the proposed awards today (by the application's clock):
    /// every member present, every voting member in favour.
    pub async fn council_votes(&self, org: &str, id: i64) {
        let council = self
            .get(&format!("/api/v1/contests/{id}/council"), org)
            .await;
        let members = council.body["members"].as_array().expect("council");
        let present: Vec<&str> = members
            .iter()
            .filter_map(|m| m["username"].as_str())
            .collect();
        let voting = members.iter().filter(|m| m["role"] != "clerk").count();
        let held_on = sangkien_domain::time::date_vn(self.clock_now()).to_string();
        let res = self
            .call(
                Method::PUT,
                &format!("/api/v1/contests/{id}/meeting"),
                Some(org),
                Some(json!({"held_on": held_on, "present": present, "votes_for": voting})),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "meeting: {}", res.text);
    }

    /// The demo contest in judging: closed an hour after its deadline, the council of
    /// three, every member assigned every entry. Returns the organizer's token and the
    /// submitted entries.
    pub async fn start_judging(&self) -> (String, Vec<i64>) {
        self.set_now(1_635_699_599 + 3600);
        let org = self.organizer().await;
        let res = self.transition(&org, 1, "closed").await;
        assert_eq!(res.status, StatusCode::OK, "closing: {}", res.text);
        self.prepare_judging(&org, 1).await;
        let res = self.transition(&org, 1, "judging").await;
        assert_eq!(res.status, StatusCode::OK, "judging: {}", res.text);
        let list = self.get("/api/v1/contests/1/entries", &org).await;
        let ids = list.body["items"]
            .as_array()
            .expect("entries")
            .iter()
            .filter(|e| e["status"] == "submitted")
            .filter_map(|e| e["id"].as_i64())
            .collect();
        (org, ids)
    }

    /// A judge saves a sheet of `points` for an entry and submits it.
    pub async fn score(&self, judge: &str, entry: i64, points: Value) {
        let path = format!("/api/v1/entries/{entry}/scores/mine");
        let res = self
            .call(
                Method::PUT,
                &path,
                Some(judge),
                Some(json!({"points": points})),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "sheet: {}", res.text);
        let res = self.post(&format!("{path}/submit"), judge, json!({})).await;
        assert_eq!(res.status, StatusCode::OK, "submit: {}", res.text);
    }

    /// A multipart body with one file field named `file`.
    pub async fn upload(&self, path: &str, token: &str, filename: &str, bytes: &[u8]) -> Response {
        let boundary = "----sangkien-test-boundary";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.raw(
            Method::POST,
            path,
            token,
            &format!("multipart/form-data; boundary={boundary}"),
            body,
        )
        .await
    }

    /// Creates an entry in a contest with `body`, uploads a PDF as its main document and
    /// submits it; returns its id.
    pub async fn submitted_entry(&self, token: &str, contest: i64, body: Value) -> i64 {
        let res = self
            .post(&format!("/api/v1/contests/{contest}/entries"), token, body)
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
        let id = res.body["id"].as_i64().expect("entry id");
        let pdf = sangkien_files::sample_pdf(&["Sang kien"]);
        let res = self
            .upload_kind(
                &format!("/api/v1/entries/{id}/attachments"),
                token,
                "main",
                "sang-kien.pdf",
                &pdf,
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
        let res = self
            .post(
                &format!("/api/v1/entries/{id}/submit"),
                token,
                json!({"sworn": true}),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text);
        id
    }

    /// A multipart upload with a `kind` field and a `file` field.
    pub async fn upload_kind(
        &self,
        path: &str,
        token: &str,
        kind: &str,
        filename: &str,
        bytes: &[u8],
    ) -> Response {
        let boundary = "----sangkien-test-boundary-7d1";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.raw(
            Method::POST,
            path,
            token,
            &format!("multipart/form-data; boundary={boundary}"),
            body,
        )
        .await
    }

    /// The field names of a 422 validation error.
    pub fn fields(res: &Response) -> Vec<String> {
        res.body["error"]["details"]["fields"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f["field"].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A complete, valid contest body (deadline 31/12/2021, opening 01/10/2021).
pub fn contest_body() -> Value {
    json!({
        "title": "Cuộc thi sáng kiến thử nghiệm", "year": 2021,
        "plan": {"number": "99/KH-UBND", "date": "2021-09-01", "signer": "Nguyễn Văn A"},
        "organizer_unit_code": "SNV", "participant_unit_codes": ["STP", "HHA"], "min_entries_per_unit": 1,
        "topics": [{"code": "TTHC", "name": "Cải cách thủ tục hành chính", "group": "Các lĩnh vực CCHC"}],
        "forms": ["outline", "scheme", "project"],
        "opens_at": "2021-10-01", "submission_deadline": "2021-12-31", "evaluation_ends_at": "2022-01-31",
        "criteria": [
            {"code": "novelty", "name": "Tính mới", "description": "", "max_points": 40},
            {"code": "effectiveness", "name": "Hiệu quả", "description": "", "max_points": 60}
        ],
        "tie_break": ["effectiveness", "novelty"], "aggregation": "mean", "award_min_score": 50,
        "prizes": [{"tier": "first", "count": 1, "amount_vnd": 5000000}]
    })
}

/// A local SMTP server for a test; stopped when dropped.
pub struct SmtpSink {
    child: std::process::Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Python's aiosmtpd storing every message in a Maildir.
pub async fn smtp_sink() -> SmtpSink {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new("/usr/bin/python3")
        .args(["-m", "aiosmtpd", "-n", "-l"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(dir.path().join("maildir"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("python3-aiosmtpd must be installed (scripts/test.sh installs it)");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return SmtpSink { child, port, dir };
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the SMTP sink did not start on port {port}");
}

/// Every message in the sink's Maildir as "To | Subject | body", decoded by Python's
/// own e-mail parser.
pub fn received(sink: &SmtpSink) -> Vec<String> {
    let script = r#"
import mailbox, sys
from email.header import decode_header, make_header
for m in mailbox.Maildir(sys.argv[1], create=False):
    body = m.get_payload(decode=True).decode(m.get_content_charset() or 'utf-8')
    print(str(make_header(decode_header(m['To']))) + ' | ' + str(make_header(decode_header(m['Subject']))) + ' | ' + body.replace('\n', ' '))
"#;
    let out = std::process::Command::new("/usr/bin/python3")
        .args(["-c", script])
        .arg(sink.dir.path().join("maildir"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

/// The text of one part of a zip (a DOCX's `word/document.xml`).
pub fn zip_text(bytes: &[u8], part: &str) -> String {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut s = String::new();
    z.by_name(part)
        .expect(part)
        .read_to_string(&mut s)
        .expect("utf-8");
    s
}

/// The text of a PDF by poppler's pdftotext, whitespace collapsed.
pub fn pdftotext(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
