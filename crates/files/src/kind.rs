//! File types by content. The name a file arrives with is never trusted: the first
//! bytes decide what it claims to be, and PDFs and Office files are then opened to see
//! that they really are one.

use std::{
    fs::File,
    io::{self, Read},
    path::Path,
};

/// The accepted attachment types (SPEC §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Docx,
    Xlsx,
    Jpeg,
    Png,
}

impl FileKind {
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
        }
    }

    pub fn from_content_type(ct: &str) -> Option<FileKind> {
        [
            FileKind::Pdf,
            FileKind::Docx,
            FileKind::Xlsx,
            FileKind::Jpeg,
            FileKind::Png,
        ]
        .into_iter()
        .find(|k| k.content_type() == ct)
    }

    /// The usual file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Docx => "docx",
            FileKind::Xlsx => "xlsx",
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
        }
    }
}

/// Why a file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A program (Windows, Linux or macOS executable, or a script).
    Executable,
    /// Starts like a PDF but cannot be read as one.
    BrokenPdf(String),
    /// Starts like a ZIP (DOCX/XLSX) but is not a readable archive.
    BrokenZip(String),
    /// Expands to far more than its size (a "zip bomb").
    ExpandsTooMuch,
    /// A ZIP archive that is neither a Word nor an Excel document.
    NotOffice,
    /// Anything else.
    Unknown,
}

impl Refusal {
    /// A Vietnamese sentence for the person who uploaded the file.
    pub fn message_vi(&self) -> String {
        const ACCEPTED: &str = "Chỉ nhận tệp PDF, DOCX, XLSX, JPEG hoặc PNG.";
        match self {
            Refusal::Executable => {
                format!("Tệp là một chương trình chạy được, không phải tài liệu. {ACCEPTED}")
            }
            Refusal::BrokenPdf(_) => "Tệp PDF bị hỏng hoặc không đọc được (có thể đã bị đặt mật khẩu); hãy xuất lại tệp PDF rồi tải lên.".into(),
            Refusal::BrokenZip(_) => "Tệp DOCX/XLSX bị hỏng, không mở được; hãy lưu lại tệp rồi tải lên.".into(),
            Refusal::ExpandsTooMuch => "Tệp DOCX/XLSX khi giải nén lớn bất thường nên không được nhận.".into(),
            Refusal::NotOffice => format!("Tệp nén không phải tài liệu Word hoặc Excel. {ACCEPTED}"),
            Refusal::Unknown => format!("Không nhận dạng được loại tệp theo nội dung. {ACCEPTED}"),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Executable => "executable_file",
            Refusal::BrokenPdf(_) => "broken_pdf",
            Refusal::BrokenZip(_) => "broken_office_file",
            Refusal::ExpandsTooMuch => "expands_too_much",
            Refusal::NotOffice | Refusal::Unknown => "unsupported_file_type",
        }
    }
}

/// Total uncompressed bytes an Office file may expand to.
const MAX_EXPANDED: u64 = 200_000_000;
/// Largest ratio of expanded to stored size (real DOCX/XLSX stay well under 30).
const MAX_RATIO: u64 = 100;
const MAX_ZIP_ENTRIES: usize = 10_000;

/// Decides the type of the file at `path` by its content.
pub fn sniff(path: &Path) -> Result<FileKind, Refusal> {
    let mut head = [0u8; 8];
    let n = File::open(path)
        .and_then(|mut f| read_up_to(&mut f, &mut head))
        .map_err(|_| Refusal::Unknown)?;
    let head = &head[..n];
    if head.starts_with(b"MZ")
        || head.starts_with(b"\x7fELF")
        || head.starts_with(b"#!")
        || head.starts_with(&[0xfe, 0xed, 0xfa, 0xce])
        || head.starts_with(&[0xfe, 0xed, 0xfa, 0xcf])
        || head.starts_with(&[0xce, 0xfa, 0xed, 0xfe])
        || head.starts_with(&[0xcf, 0xfa, 0xed, 0xfe])
        || head.starts_with(&[0xca, 0xfe, 0xba, 0xbe])
    {
        return Err(Refusal::Executable);
    }
    if head.starts_with(b"%PDF-") {
        return check_pdf(path).map(|()| FileKind::Pdf);
    }
    if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a]) {
        return Ok(FileKind::Png);
    }
    if head.starts_with(&[0xff, 0xd8, 0xff]) {
        return Ok(FileKind::Jpeg);
    }
    if head.starts_with(b"PK\x03\x04") {
        return check_office(path);
    }
    Err(Refusal::Unknown)
}

fn read_up_to(f: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn check_pdf(path: &Path) -> Result<(), Refusal> {
    // The cross-reference table, the trailer and the page tree are read, not every object:
    // the file is mapped, not read, so a 5 MB scan costs the pages the parser touches
    // rather than a 5 MB buffer, and its image streams are never parsed.
    let file = File::open(path).map_err(|e| Refusal::BrokenPdf(e.to_string()))?;
    let mapped = map_staged(&file).map_err(|e| Refusal::BrokenPdf(e.to_string()))?;
    // A parser bug on hostile input must refuse the file, not take the server down.
    let bytes: &[u8] = &mapped;
    let loaded = std::panic::catch_unwind(|| lopdf::Document::load_metadata_mem(bytes));
    match loaded {
        Ok(Ok(meta)) if meta.page_count == 0 => Err(Refusal::BrokenPdf("no pages".into())),
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(Refusal::BrokenPdf(e.to_string())),
        Err(_) => Err(Refusal::BrokenPdf("parser panicked".into())),
    }
}

/// Maps a staged upload read-only.
#[allow(unsafe_code)]
fn map_staged(file: &File) -> io::Result<memmap2::Mmap> {
    // SAFETY: a mapping is undefined behaviour if the file changes while it is mapped. The
    // files `sniff` checks are finished files nothing else writes to: staged uploads in the
    // store's own `tmp` directory, complete before the check and renamed into place only
    // after it (the sweeper only removes old ones, and removing a mapped file leaves the
    // mapping intact), and the tests' temporary files.
    unsafe { memmap2::Mmap::map(file) }
}

fn check_office(path: &Path) -> Result<FileKind, Refusal> {
    let file = File::open(path).map_err(|e| Refusal::BrokenZip(e.to_string()))?;
    let stored = file.metadata().map(|m| m.len()).unwrap_or(1).max(1);
    let mut zip = zip::ZipArchive::new(file).map_err(|e| Refusal::BrokenZip(e.to_string()))?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(Refusal::ExpandsTooMuch);
    }
    let limit = MAX_EXPANDED.min(stored.saturating_mul(MAX_RATIO));
    let mut expanded: u64 = 0;
    let (mut word, mut excel, mut types) = (false, false, false);
    for i in 0..zip.len() {
        let mut item = zip
            .by_index(i)
            .map_err(|e| Refusal::BrokenZip(e.to_string()))?;
        let name = item
            .name()
            .map_err(|e| Refusal::BrokenZip(e.to_string()))?
            .to_string();
        match name.as_str() {
            "word/document.xml" => word = true,
            "xl/workbook.xml" => excel = true,
            "[Content_Types].xml" => types = true,
            _ => {}
        }
        // Declared sizes can lie: count what really comes out, and stop at the limit.
        let budget = limit.saturating_sub(expanded) + 1;
        let copied = io::copy(&mut (&mut item).take(budget), &mut io::sink())
            .map_err(|e| Refusal::BrokenZip(e.to_string()))?;
        expanded += copied;
        if expanded > limit {
            return Err(Refusal::ExpandsTooMuch);
        }
    }
    match (types, word, excel) {
        (true, true, false) => Ok(FileKind::Docx),
        (true, false, true) => Ok(FileKind::Xlsx),
        _ => Err(Refusal::NotOffice),
    }
}
