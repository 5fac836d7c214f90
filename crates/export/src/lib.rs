//! Office formats in and out: tables uploaded by people (CSV, XLSX), and the documents
//! and spreadsheets the system issues (DOCX, PDF, XLSX).

#[cfg(feature = "documents")]
pub mod doc;
#[cfg(feature = "documents")]
pub mod official;
#[cfg(feature = "documents")]
pub mod sheet;
pub mod table;
