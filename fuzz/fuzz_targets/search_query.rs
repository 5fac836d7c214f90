//! The library's search query: whatever a visitor types, the terms are letters and
//! digits only (so nothing becomes FTS5 or tsquery syntax), at most MAX_TERMS, without
//! repeats, and parsing the joined terms gives them back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sangkien_domain::library::{self, MAX_TERMS};

fuzz_target!(|data: &[u8]| {
    let q = String::from_utf8_lossy(data);
    let terms = library::query_terms(&q);
    assert!(terms.len() <= MAX_TERMS);
    for (i, t) in terms.iter().enumerate() {
        assert!(
            !t.is_empty() && t.chars().all(char::is_alphanumeric),
            "term {t:?}"
        );
        assert!(!terms[..i].contains(t), "repeated term {t:?}");
    }
    assert_eq!(library::query_terms(&terms.join(" ")), terms);
    let fts = library::fts5_match(&terms);
    assert_eq!(fts.matches('"').count(), 2 * terms.len(), "{fts}");
    let ts = library::tsquery(&terms);
    assert!(!ts.contains(['|', '!', '(', ')', '\'', '<']), "{ts}");
});
