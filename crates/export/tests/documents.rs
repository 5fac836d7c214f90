//! The official documents parsed back: DOCX text, fonts, sizes and page set-up; PDF
//! text (with diacritics), page size and embedded font; snapshots of the text.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{io::Read, process::Command};

use sangkien_domain::{agency::Agency, contest::PrizeTier};
use sangkien_export::{
    doc::{docx, pdf},
    official::{self, ContestFacts, DecisionFacts, Winner},
};

fn issuer() -> Agency {
    Agency {
        parent_agency: String::new(),
        agency: "ỦY BAN NHÂN DÂN TỈNH CAO BẰNG".into(),
        place: "Cao Bằng".into(),
        decision_code: "QĐ-UBND".into(),
        signing_authority: "KT. CHỦ TỊCH".into(),
        signer_title: "PHÓ CHỦ TỊCH".into(),
        recipients: vec!["Như Điều 3;".into(), "Lưu: VT, NC.".into()],
        legal_bases: vec![
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015".into(),
        ],
        smtp: None,
    }
}

fn contest() -> ContestFacts {
    ContestFacts {
        title: "Cuộc thi Sáng kiến, giải pháp về cải cách hành chính tỉnh Cao Bằng năm 2021".into(),
        year: 2021,
        plan_number: "2684/KH-UBND".into(),
        plan_date: jiff::civil::date(2021, 9, 30),
        organizer_name: "Sở Nội vụ".into(),
        organizer_code: "SNV".into(),
        units_taking_part: 29,
        entries_submitted: 31,
        entries_judged: 30,
        council_decision: Some(("2101/QĐ-UBND".into(), "2021-11-01".into())),
    }
}

fn winners() -> Vec<Winner> {
    vec![
        Winner {
            tier: PrizeTier::First,
            amount_vnd: 5_000_000,
            entry_title: "Số hóa hồ sơ một cửa cấp xã bằng mã QR".into(),
            unit_name: "UBND huyện Hòa An".into(),
            authors: vec!["Nguyễn Thị Hường".into(), "Đàm Văn Đức".into()],
            score: "87,25".into(),
        },
        Winner {
            tier: PrizeTier::Second,
            amount_vnd: 3_000_000,
            entry_title: "Tổ công nghệ số cộng đồng ở bản vùng cao".into(),
            unit_name: "UBND huyện Bảo Lâm".into(),
            authors: vec!["Hoàng Văn Ngọc".into()],
            score: "80".into(),
        },
    ]
}

fn decision() -> DecisionFacts {
    DecisionFacts {
        number: "2345".into(),
        date: jiff::civil::date(2021, 11, 5),
        signer: "Lê Hải Hòa".into(),
    }
}

fn fonts() -> pdf::Fonts {
    pdf::Fonts::discover(
        std::env::var_os("SANGKIEN_FONT_DIR")
            .as_deref()
            .map(std::path::Path::new),
    )
    .expect("a Times-compatible font (fonts-liberation2) must be installed for PDF tests")
}

fn docx_part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("DOCX is a zip");
    let mut s = String::new();
    zip.by_name(name)
        .expect("part present")
        .read_to_string(&mut s)
        .expect("UTF-8 XML");
    s
}

/// The text of `w:t` elements, paragraphs on their own lines.
fn docx_text(xml: &str) -> String {
    let mut out = String::new();
    for para in xml.split("</w:p>") {
        let mut line = String::new();
        let mut rest = para;
        while let Some(i) = rest.find("<w:t") {
            let after = &rest[i..];
            let Some(open_end) = after.find('>') else {
                break;
            };
            if after[..open_end].ends_with('/') {
                rest = &after[open_end + 1..];
                continue;
            }
            let body = &after[open_end + 1..];
            let Some(close) = body.find("</w:t>") else {
                break;
            };
            line.push_str(&body[..close]);
            rest = &body[close..];
        }
        if !line.is_empty() {
            out.push_str(&line.replace("&quot;", "\"").replace("&amp;", "&"));
            out.push('\n');
        }
    }
    out
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} (poppler-utils) must be installed: {e}"));
    assert!(
        out.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn pages(info: &str) -> usize {
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

fn pdf_text(bytes: &[u8]) -> (String, String, String) {
    if let Some(dir) = std::env::var_os("SANGKIEN_DOC_OUT") {
        let name = format!("doc-{}.pdf", bytes.len());
        let _ = std::fs::write(std::path::Path::new(&dir).join(name), bytes);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).expect("write");
    let p = path.to_str().expect("utf-8 path");
    (
        tool("pdftotext", &["-enc", "UTF-8", p, "-"]),
        tool("pdfinfo", &[p]),
        tool("pdffonts", &[p]),
    )
}

#[test]
fn the_decision_as_docx_has_the_decree_layout() {
    let doc = official::decision(
        &issuer(),
        &contest(),
        &winners(),
        Some(&decision()),
        &official::MemoFacts::default(),
    );
    let bytes = docx::render(&doc).expect("docx");
    let xml = docx_part(&bytes, "word/document.xml");
    // A4 portrait, margins top/bottom 20 mm, left 30 mm, right 15 mm (twips).
    assert!(
        xml.contains(r#"<w:pgSz w:w="11906" w:h="16838""#),
        "{}",
        &xml[xml.find("<w:sectPr").unwrap_or(0)..]
    );
    for m in [
        r#"w:top="1134""#,
        r#"w:bottom="1134""#,
        r#"w:left="1701""#,
        r#"w:right="850""#,
    ] {
        assert!(xml.contains(m), "margin {m}");
    }
    assert!(xml.contains(r#"w:ascii="Times New Roman""#));
    assert!(!xml.contains("Arial") && !xml.contains("Calibri"));
    // Body 14 pt, "Nơi nhận:" 12 pt bold italic, recipients 11 pt.
    assert!(xml.contains(r#"<w:sz w:val="28" />"#) || xml.contains(r#"<w:sz w:val="28"/>"#));
    let noi = xml.find("Nơi nhận:").expect("Nơi nhận");
    let run = &xml[xml[..noi].rfind("<w:r>").expect("run")..noi];
    assert!(
        run.contains(r#"w:val="24""#) && run.contains("<w:b") && run.contains("<w:i"),
        "{run}"
    );
    let text = docx_text(&xml);
    for s in [
        "ỦY BAN NHÂN DÂN",
        "TỈNH CAO BẰNG",
        "Số: 2345/QĐ-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Cao Bằng, ngày 05 tháng 11 năm 2021",
        "QUYẾT ĐỊNH",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH CAO BẰNG",
        "Căn cứ Kế hoạch số 2684/KH-UBND ngày 30 tháng 9 năm 2021",
        "QUYẾT ĐỊNH:",
        "1. Giải Nhất (01 giải, mức thưởng 5.000.000 đồng/giải):",
        "“Số hóa hồ sơ một cửa cấp xã bằng mã QR” của UBND huyện Hòa An",
        "Tổng số tiền thưởng là 8.000.000 đồng (bằng chữ: Tám triệu đồng)",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Lê Hải Hòa",
        "- Như Điều 3;",
    ] {
        assert!(text.contains(s), "missing «{s}» in:\n{text}");
    }
    // Page numbers from page 2: a header with a PAGE field, none on the first page.
    let header = docx_part(&bytes, "word/header1.xml");
    assert!(header.contains("PAGE"), "{header}");
    assert!(xml.contains("<w:titlePg"));
}

#[test]
fn the_decision_as_pdf_keeps_vietnamese_text_and_a4() {
    let doc = official::decision(
        &issuer(),
        &contest(),
        &winners(),
        Some(&decision()),
        &official::MemoFacts::default(),
    );
    let bytes = pdf::render(&doc, &fonts()).expect("pdf");
    let (text, info, fonts) = pdf_text(&bytes);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for s in [
        "Số: 2345/QĐ-UBND",
        "Cao Bằng, ngày 05 tháng 11 năm 2021",
        "Độc lập - Tự do - Hạnh phúc",
        "QUYẾT ĐỊNH",
        "Về việc tặng giải Cuộc thi Sáng kiến, giải pháp về cải cách hành chính tỉnh Cao Bằng năm 2021",
        "Nguyễn Thị Hường, Đàm Văn Đức",
        "KT. CHỦ TỊCH",
        "Nơi nhận:",
    ] {
        let s_flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(&s_flat), "missing «{s}» in:\n{text}");
    }
    assert!(
        info.contains("595.28 x 841.89") || info.contains("595.276 x 841.89"),
        "{info}"
    );
    assert!(fonts.contains("emb") || fonts.contains("yes"), "{fonts}");
    assert!(
        fonts.contains("Liberation") || fonts.contains("Times"),
        "{fonts}"
    );
}

#[test]
fn certificates_and_score_sheets_render() {
    let certs = official::certificates(&issuer(), &contest(), &winners(), &decision());
    let (text, info, _) = pdf_text(&pdf::render(&certs, &fonts()).expect("pdf"));
    assert_eq!(pages(&info), 2, "{info}");
    assert!(
        text.contains("GIẤY CHỨNG NHẬN") && text.contains("GIẢI NHÌ"),
        "{text}"
    );
    let sheets = official::score_sheets(
        &contest(),
        "Cao Bằng",
        &[official::SheetFacts {
            judge_name: "Trần Văn Bình".into(),
            judge_role: "Chủ tịch Hội đồng".into(),
            entry_title: "Số hóa hồ sơ một cửa".into(),
            unit_name: "UBND huyện Hòa An".into(),
            lines: vec![(
                "Tính mới, tính sáng tạo".into(),
                "30".into(),
                "27,5".into(),
                "Rõ ràng".into(),
            )],
            total: "27,5".into(),
            rubric_total: "30".into(),
            comment: "Đạt".into(),
            submitted_on: Some(jiff::civil::date(2021, 11, 18)),
        }],
        &[official::SummaryRow {
            rank: 1,
            entry_title: "Số hóa hồ sơ một cửa".into(),
            unit_name: "UBND huyện Hòa An".into(),
            judge_totals: vec!["27,5".into()],
            score: "27,5".into(),
            prize: "Giải Nhất".into(),
        }],
        &official::SummaryFacts {
            judges: vec!["Trần Văn Bình".into()],
            chair: Some("Trần Văn Bình".into()),
            secretary: Some(("ỦY VIÊN THƯ KÝ".into(), "Hoàng Thị Thu".into())),
            dated: Some(jiff::civil::date(2021, 11, 20)),
        },
    );
    let (text, info, _) = pdf_text(&pdf::render(&sheets, &fonts()).expect("pdf"));
    assert_eq!(pages(&info), 2, "{info}");
    for s in [
        "PHIẾU CHẤM ĐIỂM",
        "Tính mới, tính sáng tạo",
        "BẢNG TỔNG HỢP",
        "CHỦ TỊCH HỘI ĐỒNG",
        // The sheet is dated the day it was submitted, the table the day it records.
        "Cao Bằng, ngày 18 tháng 11 năm 2021",
        "Cao Bằng, ngày 20 tháng 11 năm 2021",
        "ỦY VIÊN THƯ KÝ",
        "Hoàng Thị Thu",
        "TV1: Trần Văn Bình",
    ] {
        assert!(text.contains(s), "missing {s} in {text}");
    }
    // Seven judges with long names: every header cell of the summary stays inside its
    // column (the columns are numbered, the names listed under the table).
    let judges: Vec<String> = (1..=7)
        .map(|k| format!("Nguyễn Thị Phương Thảo Số {k}"))
        .collect();
    let wide = official::score_sheets(
        &contest(),
        "Cao Bằng",
        &[],
        &[official::SummaryRow {
            rank: 1,
            entry_title: "Số hóa hồ sơ một cửa".into(),
            unit_name: "UBND huyện Hòa An".into(),
            judge_totals: vec!["87,25".into(); 7],
            score: "87,25".into(),
            prize: "Giải Nhất".into(),
        }],
        &official::SummaryFacts {
            judges: judges.clone(),
            ..Default::default()
        },
    );
    let (text, _, _) = pdf_text(&pdf::render(&wide, &fonts()).expect("pdf"));
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("TV7: Nguyễn Thị Phương Thảo Số 7"), "{text}");
    // A word too wide for its column is split inside the column rather than run into
    // the next one: with seven judges the numbered headers and scores still fit whole.
    let words: Vec<&str> = text.split_whitespace().collect();
    for k in 1..=7 {
        let label = format!("TV{k}");
        assert!(words.contains(&label.as_str()), "{label} split in:\n{text}");
    }
    assert!(words.contains(&"87,25"), "{text}");
    assert!(words.contains(&"Hạng"), "{text}");
}

#[test]
fn snapshot_of_the_decision_and_memo_text() {
    let d = official::decision(
        &issuer(),
        &contest(),
        &winners(),
        Some(&decision()),
        &official::MemoFacts::default(),
    );
    insta::assert_snapshot!("decision", d.plain_text());
    let draft = official::decision(
        &issuer(),
        &contest(),
        &winners(),
        None,
        &official::MemoFacts::default(),
    );
    assert!(
        draft
            .plain_text()
            .contains("Số: \u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}/QĐ-UBND")
    );
    assert!(draft.plain_text().contains("DỰ THẢO"));
    // Proposed on 02/11/2021, number not yet recorded.
    let proposed = official::MemoFacts {
        number: None,
        date: Some(jiff::civil::date(2021, 11, 2)),
        recorded: false,
    };
    let m = official::memo(&issuer(), &contest(), &winners(), &proposed);
    insta::assert_snapshot!("memo", m.plain_text());
}

/// The decision cites the memo once its number and date are recorded; before that its
/// blanks carry no year but the decision's own.
#[test]
fn the_decision_cites_the_memo_once_recorded() {
    let recorded = official::MemoFacts {
        number: Some("45".into()),
        date: Some(jiff::civil::date(2021, 11, 22)),
        recorded: true,
    };
    let text = official::decision(
        &issuer(),
        &contest(),
        &winners(),
        Some(&decision()),
        &recorded,
    )
    .plain_text();
    assert!(
        text.contains("tại Tờ trình số 45/TTr-SNV ngày 22 tháng 11 năm 2021."),
        "{text}"
    );
    let memo = official::memo(&issuer(), &contest(), &winners(), &recorded).plain_text();
    assert!(memo.contains("Số: 45/TTr-SNV"), "{memo}");
    assert!(memo.contains("ngày 22 tháng 11 năm 2021"), "{memo}");
    // A 2021 contest decided in January 2022: the blank line says 2022, not 2021.
    let mut later = decision();
    later.date = jiff::civil::date(2022, 1, 10);
    let text = official::decision(
        &issuer(),
        &contest(),
        &winners(),
        Some(&later),
        &official::MemoFacts::default(),
    )
    .plain_text();
    let line = text
        .lines()
        .find(|l| l.starts_with("Theo đề nghị"))
        .unwrap_or_default();
    assert!(line.ends_with("năm 2022."), "{line}");
    // The draft, before any decision: no year at all.
    let draft = official::decision(
        &issuer(),
        &contest(),
        &winners(),
        None,
        &official::MemoFacts::default(),
    )
    .plain_text();
    let line = draft
        .lines()
        .find(|l| l.starts_with("Theo đề nghị"))
        .unwrap_or_default();
    assert!(!line.contains("2021") && !line.contains("2022"), "{line}");
}

#[test]
fn a_long_decision_paginates_with_numbers_from_page_two() {
    let many: Vec<Winner> = (0..40)
        .map(|i| Winner {
            tier: PrizeTier::Consolation,
            amount_vnd: 1_000_000,
            entry_title: format!(
                "Giải pháp số {i} về cải cách thủ tục hành chính ở cấp xã vùng cao"
            ),
            unit_name: "UBND huyện Hà Quảng".into(),
            authors: vec!["Nông Thị Bích".into()],
            score: "70".into(),
        })
        .collect();
    let doc = official::decision(
        &issuer(),
        &contest(),
        &many,
        Some(&decision()),
        &official::MemoFacts::default(),
    );
    let bytes = pdf::render(&doc, &fonts()).expect("pdf");
    let (_, info, _) = pdf_text(&bytes);
    let n = pages(&info);
    assert!(n >= 3, "{info}");
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("d.pdf");
    std::fs::write(&path, &bytes).expect("write");
    let p = path.to_str().expect("path");
    let page = |k: usize| {
        tool(
            "pdftotext",
            &[
                "-f",
                &k.to_string(),
                "-l",
                &k.to_string(),
                "-layout",
                p,
                "-",
            ],
        )
    };
    assert_eq!(page(2).split_whitespace().next(), Some("2"), "{}", page(2));
    assert_eq!(
        page(n).split_whitespace().next(),
        Some(n.to_string().as_str())
    );
    assert_ne!(page(1).split_whitespace().next(), Some("1"));
    // The signature block is never split: the signer's name is on the last page.
    assert!(page(n).contains("Lê Hải Hòa"));
    assert!(page(n).contains("Tổng số tiền thưởng") || page(n - 1).contains("Tổng số tiền thưởng"));
}
