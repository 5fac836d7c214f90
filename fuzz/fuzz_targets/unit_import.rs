//! The unit import reads any bytes an administrator uploads as CSV or XLSX: it must
//! answer with a table or an error (with a message), never panic or run away; the rows
//! it gives keep their line numbers in order, for error messages that point at a line.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match sangkien_export::table::read(data) {
        Ok(table) => {
            assert!(table.rows.windows(2).all(|w| w[0].0 < w[1].0));
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
