//! Folding (case, diacritics, đ → d) and the Vietnamese collation, on any text: no
//! panic, folding is idempotent, and the order is a total order (antisymmetric and
//! consistent with equality of sort keys).
#![no_main]

use std::cmp::Ordering;

use libfuzzer_sys::fuzz_target;
use sangkien_domain::{collate, similarity};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let folded = similarity::fold(text);
    assert_eq!(similarity::fold(&folded), folded, "fold is not idempotent");
    let (a, b) = text.split_at(
        text.char_indices()
            .nth(text.chars().count() / 2)
            .map_or(text.len(), |(i, _)| i),
    );
    let ab = collate::cmp_vi(a, b);
    assert_eq!(
        ab,
        collate::cmp_vi(b, a).reverse(),
        "cmp_vi is not antisymmetric"
    );
    assert_eq!(collate::cmp_vi(a, a), Ordering::Equal);
    let _ = similarity::shingles(text);
});
