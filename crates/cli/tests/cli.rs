//! The binary: demo, admin create, audit verify (exit codes and messages).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

use sangkien_storage::{Store, testing};

fn sangkien(url: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sangkien"));
    cmd.args([
        "--data-dir",
        dir.path().to_str().unwrap(),
        "--database-url",
        url,
    ])
    .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run sangkien")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test]
async fn audit_verify_passes_then_names_the_tampered_record() {
    let db = testing::fresh(testing::backend_from_env()).await.unwrap();
    let out = sangkien(&db.url, &["demo"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("snv.tochuc"));

    let out = sangkien(&db.url, &["audit", "verify"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Nhật ký nguyên vẹn"));

    let store = Store::connect(&db.url).await.unwrap();
    testing::execute_raw(
        &store,
        "update audit_record set actor = 'ke.gian' where audit_record_id = 3",
    )
    .await
    .unwrap();
    store.close().await;
    let out = sangkien(&db.url, &["audit", "verify"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("bản ghi nhật ký số 3"),
        "{}",
        text(&out)
    );
}

#[tokio::test]
async fn admin_create_takes_the_password_from_the_environment_and_checks_it() {
    let db = testing::fresh(testing::backend_from_env()).await.unwrap();
    let args = [
        "admin",
        "create",
        "--username",
        "quantri",
        "--unit",
        "TTTH",
        "--unit-name",
        "Trung tâm Tin học",
        "--password-env",
        "SK_PW",
    ];
    let out = sangkien(&db.url, &args, &[("SK_PW", "ngan")]);
    assert!(!out.status.success());
    assert!(text(&out).contains("ít nhất 10 ký tự"), "{}", text(&out));

    let out = sangkien(&db.url, &args, &[("SK_PW", "Quan-Tri-2026")]);
    assert!(out.status.success(), "{}", text(&out));
    let out = sangkien(&db.url, &args, &[("SK_PW", "Quan-Tri-2026")]);
    assert!(text(&out).contains("đã tồn tại"), "{}", text(&out));
    // The demo refuses a database that already holds data.
    let out = sangkien(&db.url, &["demo"], &[]);
    assert!(!out.status.success());
    assert!(text(&out).contains("đã có dữ liệu"), "{}", text(&out));
}

#[tokio::test]
async fn export_writes_a_registry_document_with_the_rights_of_the_account_named() {
    let db = testing::fresh(testing::backend_from_env()).await.unwrap();
    let out = sangkien(&db.url, &["demo", "--full"], &[]);
    assert!(out.status.success(), "{}", text(&out));

    let out = sangkien(&db.url, &["export", "--list"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    for name in ["decision.pdf", "memo.docx", "results.xlsx", "audit.csv"] {
        assert!(text(&out).contains(name), "{}", text(&out));
    }

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("qd.docx");
    let args = |user: &'static str| {
        [
            "export",
            "decision.docx",
            "--contest",
            "1",
            "--as",
            user,
            "--out",
        ]
    };
    let mut with_out: Vec<&str> = args("snv.tochuc").to_vec();
    with_out.push(file.to_str().unwrap());
    let out = sangkien(&db.url, &with_out, &[]);
    assert!(out.status.success(), "{}", text(&out));
    let bytes = std::fs::read(&file).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    assert!(xml.contains("QUYẾT ĐỊNH"), "the decision's title");
    assert!(xml.contains("2468/QĐ-UBND"), "the decision's number");

    // A council member may not have it: the same refusal as the pages and the API.
    let refused_file = dir.path().join("no.docx");
    let mut refused: Vec<&str> = args("hd.snv").to_vec();
    refused.push(refused_file.to_str().unwrap());
    let out = sangkien(&db.url, &refused, &[]);
    assert!(!out.status.success());
    assert!(text(&out).contains("không có quyền"), "{}", text(&out));
}

/// How many rows of `table` match `condition` (an update that changes nothing counts
/// the rows it matched, on both databases).
async fn count(store: &Store, table: &str, condition: &str) -> u64 {
    testing::execute_raw(
        store,
        &format!("update {table} set {condition} where {condition}"),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn demo_stage_stops_the_contest_at_each_step_and_prints_the_serve_line() {
    for stage in [
        "open",
        "closed",
        "judging",
        "deliberation",
        "approved",
        "published",
    ] {
        let db = testing::fresh(testing::backend_from_env()).await.unwrap();
        let out = sangkien(&db.url, &["demo", "--stage", stage], &[]);
        assert!(out.status.success(), "{stage}: {}", text(&out));
        let said = text(&out);
        assert!(said.contains("sangkien serve"), "{stage}: {said}");
        if stage == "published" {
            assert!(!said.contains("--clock-start"), "{said}");
        } else {
            assert!(said.contains("--clock-start 2021-"), "{said}");
        }
        let store = Store::connect(&db.url).await.unwrap();
        assert_eq!(
            count(&store, "contest", &format!("state = '{stage}'")).await,
            1,
            "{stage}"
        );
        let submitted = count(&store, "score_sheet", "state = 'submitted'").await;
        let drafts = count(&store, "score_sheet", "state = 'draft'").await;
        match stage {
            "open" | "closed" => assert_eq!(submitted + drafts, 0, "{stage}"),
            "judging" => assert!(submitted > 0 && drafts > 0, "{submitted} {drafts}"),
            _ => assert!(
                submitted > 0 && drafts == 0,
                "{stage}: {submitted} {drafts}"
            ),
        }
        store.close().await;
    }
    let db = testing::fresh(testing::backend_from_env()).await.unwrap();
    let out = sangkien(&db.url, &["demo", "--stage", "later"], &[]);
    assert!(!out.status.success());
}
