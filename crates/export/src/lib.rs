//! Office formats in and out: tables uploaded by people (CSV, XLSX), and the documents
//! and spreadsheets the system issues (DOCX, PDF, XLSX).

pub mod doc;
pub mod official;
pub mod sheet;
pub mod table;
