//! Upload type detection reads the stored file of any upload (PDF, DOCX/XLSX zips,
//! images, executables): it must decide or refuse, never panic, and a refusal must
//! have a Vietnamese message and a code.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("sangkien-fuzz-upload-{}", std::process::id()));
    let Ok(mut f) = std::fs::File::create(&path) else {
        return;
    };
    if f.write_all(data).is_err() {
        return;
    }
    drop(f);
    match sangkien_files::sniff(&path) {
        Ok(kind) => assert!(!kind.extension().is_empty()),
        Err(refusal) => {
            assert!(!refusal.message_vi().is_empty());
            assert!(!refusal.code().is_empty());
        }
    }
});
