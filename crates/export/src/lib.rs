//! Office formats in and out. For now: reading a table (CSV or XLSX) uploaded by people.

pub mod table;
