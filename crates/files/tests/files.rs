//! Type checks by content and the store's write, dedupe and sweep.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{collections::HashSet, io::Write, time::Duration};

use sangkien_files::{FileError, FileKind, FileStore, Refusal, sample_pdf, sniff};

fn temp_with(bytes: &[u8]) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(bytes).unwrap();
    f.flush().unwrap();
    f
}

fn zip_with(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in files {
            z.start_file(*name, opts).unwrap();
            z.write_all(data).unwrap();
        }
        z.finish().unwrap();
    }
    buf.into_inner()
}

pub fn docx() -> Vec<u8> {
    zip_with(&[
        ("[Content_Types].xml", b"<Types/>".to_vec()),
        ("word/document.xml", b"<w:document/>".to_vec()),
    ])
}

#[test]
fn accepted_types_are_recognised_by_content() {
    let pdf = sample_pdf(&["Sang kien thu nghiem"]);
    assert_eq!(sniff(temp_with(&pdf).path()), Ok(FileKind::Pdf));
    assert_eq!(sniff(temp_with(&docx()).path()), Ok(FileKind::Docx));
    let xlsx = zip_with(&[
        ("[Content_Types].xml", b"<Types/>".to_vec()),
        ("xl/workbook.xml", b"<workbook/>".to_vec()),
    ]);
    assert_eq!(sniff(temp_with(&xlsx).path()), Ok(FileKind::Xlsx));
    let png = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0];
    assert_eq!(sniff(temp_with(&png).path()), Ok(FileKind::Png));
    assert_eq!(
        sniff(temp_with(&[0xff, 0xd8, 0xff, 0xe0, 0, 0x10]).path()),
        Ok(FileKind::Jpeg)
    );
}

#[test]
fn bad_files_are_refused_with_their_reason() {
    let exe = [b"MZ".as_slice(), &[0x90; 200]].concat();
    assert_eq!(sniff(temp_with(&exe).path()), Err(Refusal::Executable));
    assert_eq!(
        sniff(temp_with(b"\x7fELF\x02\x01\x01").path()),
        Err(Refusal::Executable)
    );
    let fake_pdf = b"%PDF-1.7\nthis is not really a pdf\n%%EOF\n";
    assert!(matches!(
        sniff(temp_with(fake_pdf).path()),
        Err(Refusal::BrokenPdf(_))
    ));
    let mut truncated = sample_pdf(&["x"]);
    truncated.truncate(truncated.len() / 2);
    assert!(matches!(
        sniff(temp_with(&truncated).path()),
        Err(Refusal::BrokenPdf(_))
    ));
    // Well formed, cross-reference table and all, but no page: refused.
    assert_eq!(
        sniff(
            temp_with(&pdf_with_objects(&[
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [] /Count 0 >>"
            ]))
            .path()
        ),
        Err(Refusal::BrokenPdf("no pages".into()))
    );
    // The same with one page passes: the check reads the structure, not every stream.
    assert_eq!(
        sniff(
            temp_with(&pdf_with_objects(&[
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            ]))
            .path()
        ),
        Ok(FileKind::Pdf)
    );
    let broken_zip = b"PK\x03\x04garbage that is not a zip archive at all";
    assert!(matches!(
        sniff(temp_with(broken_zip).path()),
        Err(Refusal::BrokenZip(_))
    ));
    let bomb = zip_with(&[
        ("[Content_Types].xml", b"<Types/>".to_vec()),
        ("word/document.xml", vec![b' '; 20_000_000]),
    ]);
    assert!(bomb.len() < 200_000, "the bomb compresses well");
    assert_eq!(sniff(temp_with(&bomb).path()), Err(Refusal::ExpandsTooMuch));
    let plain_zip = zip_with(&[("a.txt", b"hello".to_vec())]);
    assert_eq!(sniff(temp_with(&plain_zip).path()), Err(Refusal::NotOffice));
    assert_eq!(
        sniff(temp_with(b"just some text").path()),
        Err(Refusal::Unknown)
    );
    assert_eq!(sniff(temp_with(b"").path()), Err(Refusal::Unknown));
}

#[tokio::test]
async fn a_stored_file_is_found_by_its_hash_and_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileStore::open(dir.path()).unwrap();
    let pdf = sample_pdf(&["mot"]);
    let mut shas = Vec::new();
    for _ in 0..2 {
        let mut up = store.incoming(1_000_000).await.unwrap();
        for chunk in pdf.chunks(100) {
            up.write(chunk).await.unwrap();
        }
        let staged = up.finish().await.unwrap();
        assert_eq!(staged.size, pdf.len() as u64);
        shas.push(store.commit(staged).await.unwrap());
    }
    assert_eq!(shas[0], shas[1]);
    assert_eq!(
        store.hash_of_stored(&shas[0]).await.unwrap().as_deref(),
        Some(shas[0].as_str())
    );
    assert_eq!(std::fs::read(store.path_of(&shas[0])).unwrap(), pdf);
    assert_eq!(
        std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
        0
    );
}

#[tokio::test]
async fn too_large_and_refused_uploads_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileStore::open(dir.path()).unwrap();
    let mut up = store.incoming(10).await.unwrap();
    up.write(b"12345").await.unwrap();
    assert!(matches!(
        up.write(b"678901").await,
        Err(FileError::TooLarge { limit: 10 })
    ));
    let mut up = store.incoming(1000).await.unwrap();
    up.write(b"MZ\x90\x00").await.unwrap();
    assert!(matches!(
        up.finish().await,
        Err(FileError::Refused(Refusal::Executable))
    ));
    assert_eq!(
        std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
        0
    );
}

#[tokio::test]
async fn sweep_removes_only_old_unreferenced_files() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileStore::open(dir.path()).unwrap();
    let mut shas = Vec::new();
    for text in ["giu lai", "mo coi"] {
        let mut up = store.incoming(1_000_000).await.unwrap();
        up.write(&sample_pdf(&[text])).await.unwrap();
        shas.push(store.commit(up.finish().await.unwrap()).await.unwrap());
    }
    std::fs::write(dir.path().join("tmp/x.part"), b"half an upload").unwrap();
    let referenced: HashSet<String> = [shas[0].clone()].into();
    let young = store.sweep(&referenced, Duration::from_secs(3600)).unwrap();
    assert_eq!((young.orphans_removed, young.temporary_removed), (0, 0));
    let report = store.sweep(&referenced, Duration::ZERO).unwrap();
    assert_eq!(report.orphans_removed, 1);
    assert_eq!(report.temporary_removed, 1);
    assert!(store.path_of(&shas[0]).exists());
    assert!(!store.path_of(&shas[1]).exists());
}

/// A PDF made of these objects (1 0 obj is the catalog), with a correct cross-reference table.
fn pdf_with_objects(objects: &[&str]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}
