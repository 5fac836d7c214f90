//! The documents and tables of a contest (SPEC §3.7) as a registry: each is one module
//! behind [`Export`] (its name, label, format, who may download it, and how its content
//! is gathered), listed once in [`EXPORTS`], which the API, the pages and the CLI read.
//! Gathering reads the database; rendering (PDF, DOCX, XLSX, CSV) happens after the read
//! connection is given back, PDFs on the pool for heavy work.

mod budget;
mod council;
mod coverage;
mod decision;
mod facts;
mod lists;
mod results;
mod score_sheets;

use std::{future::Future, pin::Pin, sync::OnceLock};

use sangkien_domain::{account::Role, agency::Agency, contest::ContestState, labels::Label};
use sangkien_export::{
    doc::{Doc, docx, pdf},
    sheet::{Sheet, xlsx},
};
use sangkien_storage::{Conn, account::Account, contest::ContestRecord};
use serde_json::json;

use crate::{App, Error, ErrorKind, Result, contest, heavy::Heavy, setting};

pub use lists::adoption_report;

/// A file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Docx,
    Xlsx,
    Csv,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// A file to send: its name, format and bytes.
#[derive(Debug, Clone)]
pub struct File {
    pub name: String,
    pub format: Format,
    pub bytes: Vec<u8>,
}

/// What an export is made of, read from the database and not yet written.
pub enum Made {
    Doc(Doc),
    Sheets(Vec<Sheet>),
    /// Rows of a CSV, the header first.
    Rows(Vec<Vec<String>>),
}

/// What an export reads from: the database, the caller, the contest, the issuing agency
/// and the time of the request.
pub struct Context<'c> {
    pub conn: &'c mut Conn,
    pub user: &'c Account,
    pub contest: ContestRecord,
    pub agency: Agency,
    pub now: i64,
}

pub type Gathering<'a> = Pin<Box<dyn Future<Output = Result<Made>> + Send + 'a>>;

/// One document or table of a contest.
pub trait Export: Sync {
    /// Its name in addresses (`decision.pdf`).
    fn name(&self) -> &'static str;
    /// What people see on the download link.
    fn label(&self) -> &'static str;
    fn format(&self) -> Format;
    /// The name of the file downloaded for a contest.
    fn file_name(&self, contest_id: i64) -> String;
    /// Who may download it (the contest must be visible to them as well).
    fn may_download(&self, role: Role) -> bool;
    /// Reads what it is made of.
    fn gather<'a>(&'a self, cx: &'a mut Context<'_>) -> Gathering<'a>;
}

/// Organizers only: most exports.
pub(crate) fn organizers(role: Role) -> bool {
    role == Role::Organizer
}

/// Organizers and approvers: the results and the decision.
pub(crate) fn results_readers(role: Role) -> bool {
    matches!(role, Role::Organizer | Role::Approver)
}

/// Every export, in the order the pages list them.
pub static EXPORTS: &[&dyn Export] = &[
    &results::Results,
    &coverage::CoverageTable,
    &budget::Budget,
    &decision::Memo,
    &decision::Decision(Format::Docx),
    &decision::Decision(Format::Pdf),
    &council::CouncilDecision(Format::Docx),
    &council::CouncilDecision(Format::Pdf),
    &score_sheets::ScoreSheets(Format::Docx),
    &score_sheets::ScoreSheets(Format::Pdf),
    &council::Minutes(Format::Docx),
    &council::Minutes(Format::Pdf),
    &decision::Certificates,
    &council::ResultsNotice(Format::Docx),
    &council::ResultsNotice(Format::Pdf),
    &lists::Entries,
    &lists::AuditLog,
];

/// The export with this name.
pub fn find(name: &str) -> Option<&'static dyn Export> {
    EXPORTS.iter().copied().find(|e| e.name() == name)
}

/// The exports a role may download, in order.
pub fn for_role(role: Role) -> impl Iterator<Item = &'static dyn Export> {
    EXPORTS
        .iter()
        .copied()
        .filter(move |e| e.may_download(role))
}

/// The error of a document asked for before its contest reached `needs`.
pub(crate) fn too_early(needs: ContestState, what: &str) -> Error {
    Error::conflict(
        "invalid_state",
        format!("{what} chỉ có từ bước «{}» trở đi.", needs.vi()),
    )
    .with_details(json!({"needs": needs.as_str()}))
}

/// Makes one export of a contest for the caller. The read connection is given back
/// before the file is written: a request waiting for its turn to render a PDF (see
/// [`RENDERING`]) must not keep other requests from reading.
pub async fn make(app: &App, user: &Account, contest_id: i64, name: &str) -> Result<File> {
    let export = find(name).ok_or_else(|| Error::not_found("tệp xuất"))?;
    if !export.may_download(user.role) {
        return Err(Error::forbidden());
    }
    let made = {
        let mut conn = app.store.reader().await?;
        let contest = contest::visible(&mut conn, user, contest_id).await?;
        let agency = setting::agency(&mut conn).await?;
        let mut cx = Context {
            conn: &mut conn,
            user,
            contest,
            agency,
            now: app.now(),
        };
        export.gather(&mut cx).await?
    };
    write(export.file_name(contest_id), export.format(), made).await
}

/// Writes what was gathered in its format.
pub async fn write(name: String, format: Format, made: Made) -> Result<File> {
    let bytes = match (format, made) {
        (Format::Pdf, Made::Doc(doc)) => pdf_bytes(doc).await?,
        (Format::Docx, Made::Doc(doc)) => docx::render(&doc).map_err(|e| {
            tracing::error!(error = %e, "DOCX rendering failed");
            Error::internal()
        })?,
        (Format::Xlsx, Made::Sheets(sheets)) => xlsx_bytes(&sheets)?,
        (Format::Csv, Made::Rows(rows)) => csv_bytes(rows)?,
        _ => {
            tracing::error!(name, "an export gathered content of another format");
            return Err(Error::internal());
        }
    };
    Ok(File {
        name,
        format,
        bytes,
    })
}

static FONTS: OnceLock<std::result::Result<pdf::Fonts, String>> = OnceLock::new();

fn fonts() -> Result<&'static pdf::Fonts> {
    FONTS
        .get_or_init(|| {
            let dir = std::env::var_os("SANGKIEN_FONT_DIR");
            pdf::Fonts::discover(dir.as_deref().map(std::path::Path::new))
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| {
            tracing::error!(error = %e, "no font for PDF documents");
            Error::new(ErrorKind::Unavailable, "font_missing", e.clone())
        })
}

/// A PDF takes tens of ms of CPU (the decision about 40): heavy work (the `heavy` module),
/// so downloads do not stall the other requests (docs/DECISIONS.md, "Heavy work on the
/// blocking pool"). The spreadsheets and DOCX files take a few ms and are written in place.
static RENDERING: Heavy = Heavy::per_core();

async fn pdf_bytes(doc: Doc) -> Result<Vec<u8>> {
    let fonts = fonts()?;
    RENDERING
        .run(move || pdf::render(&doc, fonts))
        .await?
        .map_err(|e| {
            tracing::error!(error = %e, "PDF rendering failed");
            Error::internal()
        })
}

fn xlsx_bytes(sheets: &[Sheet]) -> Result<Vec<u8>> {
    xlsx(sheets).map_err(|e| {
        tracing::error!(error = %e, "XLSX writing failed");
        Error::internal()
    })
}

/// A CSV with a byte-order mark, so Excel opens the Vietnamese text correctly.
pub fn csv_bytes(rows: Vec<Vec<String>>) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    for r in rows {
        w.write_record(&r).map_err(|_| Error::internal())?;
    }
    w.into_inner().map_err(|_| Error::internal())
}
