//! The duplicate check: word shingles over Vietnamese text folded to lower case
//! without diacritics, compared by Jaccard similarity weighted by how rare each shingle
//! is among the entries compared. Folding makes "Hòa An", "Hoà An" and "HOA AN" the same
//! words, so retyped or re-encoded copies still match; the weighting makes what many
//! entries share (the form's phrases, common administrative wording) count for little,
//! so unrelated entries score low and a copy still scores high.

use std::hash::{DefaultHasher, Hash, Hasher};

use unicode_normalization::UnicodeNormalization;

/// Words per shingle.
const SHINGLE: usize = 3;

/// Lower case, without diacritics (đ → d), NFC-independent.
///
/// Character by character: ASCII is lowered in place, any other character lowered,
/// decomposed and stripped of its marks on its own. That is the whole-text definition
/// ([`fold_text`]) whenever every character kept is a starter: the canonical reordering
/// of a decomposition only moves non-starters among themselves, and all of them are
/// dropped. Text that keeps a non-starter (marks outside the Latin diacritics, as in
/// Hebrew or Devanagari) is folded as a whole.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        for lower in c.to_lowercase() {
            let mut kept_non_starter = false;
            unicode_normalization::char::decompose_canonical(lower, |d| {
                if keeps(d) {
                    kept_non_starter |=
                        unicode_normalization::char::canonical_combining_class(d) != 0;
                    out.push(if d == 'đ' { 'd' } else { d });
                }
            });
            if kept_non_starter {
                return fold_text(text);
            }
        }
    }
    out
}

/// [`fold`] by its definition, on the whole text: lower case, then the canonical
/// decomposition (NFD), without the combining diacritics, đ as d.
fn fold_text(text: &str) -> String {
    // Lower case first: lowering can itself produce a combining mark ("İ" → "i̇"), which
    // the decomposition after it then sees and drops, so folding twice changes nothing.
    let lower: String = text.chars().flat_map(char::to_lowercase).collect();
    lower
        .nfd()
        .filter(|c| keeps(*c))
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect()
}

/// Whether folding keeps a character of a decomposition: the combining diacritics go,
/// except U+034F (grapheme joiner): it is not a mark but a starter that keeps the marks
/// around it apart, and dropping it would leave them out of canonical order (found by the
/// search_query fuzz target).
fn keeps(c: char) -> bool {
    !('\u{0300}'..='\u{036f}').contains(&c) || c == '\u{034f}'
}

/// The set of hashed word shingles of a text, sorted and without repeats. A text of
/// fewer words than a shingle gives one shingle of all its words (or none when it has
/// no words).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shingles(Vec<u64>);

impl Shingles {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

pub fn shingles(text: &str) -> Shingles {
    let folded = fold(text);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let hash = |ws: &[&str]| {
        let mut h = DefaultHasher::new();
        ws.hash(&mut h);
        h.finish()
    };
    if words.is_empty() {
        return Shingles::default();
    }
    if words.len() < SHINGLE {
        return Shingles(vec![hash(&words)]);
    }
    let mut v: Vec<u64> = words.windows(SHINGLE).map(hash).collect();
    v.sort_unstable();
    v.dedup();
    Shingles(v)
}

/// |A ∩ B| / |A ∪ B|, 0 when both are empty. A merge of two sorted lists.
pub fn jaccard(a: &Shingles, b: &Shingles) -> f64 {
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.0.len() && j < b.0.len() {
        match a.0[i].cmp(&b.0[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.0.len() + b.0.len() - inter;
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

/// How rare each shingle is among a set of texts: a shingle found in `df` of `n` texts
/// weighs ln((n + 1) / df). One found in every text weighs almost nothing; one found in
/// two weighs much more, even among few texts (two texts still compare: ln 1.5).
#[derive(Debug, Clone, Default)]
pub struct Rarity {
    texts: usize,
    found_in: std::collections::HashMap<u64, u32>,
}

impl Rarity {
    /// The rarity of shingles over these texts (the one checked among them).
    pub fn of<'a>(texts: impl IntoIterator<Item = &'a Shingles>) -> Rarity {
        let mut r = Rarity::default();
        for t in texts {
            r.texts += 1;
            for s in &t.0 {
                *r.found_in.entry(*s).or_insert(0) += 1;
            }
        }
        r
    }

    fn weight(&self, shingle: u64) -> f64 {
        let df = self.found_in.get(&shingle).copied().unwrap_or(1).max(1) as f64;
        ((self.texts as f64 + 1.0) / df).ln()
    }
}

/// Σ rarity over A ∩ B / Σ rarity over A ∪ B, 0 when both are empty. A merge of two
/// sorted lists, as [`jaccard`].
pub fn weighted_jaccard(a: &Shingles, b: &Shingles, rarity: &Rarity) -> f64 {
    let (mut i, mut j) = (0, 0);
    let (mut inter, mut union) = (0.0, 0.0);
    while i < a.0.len() || j < b.0.len() {
        let (x, y) = (a.0.get(i), b.0.get(j));
        match (x, y) {
            (Some(x), Some(y)) if x == y => {
                let w = rarity.weight(*x);
                inter += w;
                union += w;
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x < y => {
                union += rarity.weight(*x);
                i += 1;
            }
            (Some(x), None) => {
                union += rarity.weight(*x);
                i += 1;
            }
            (_, Some(y)) => {
                union += rarity.weight(*y);
                j += 1;
            }
            (None, None) => break,
        }
    }
    if union == 0.0 { 0.0 } else { inter / union }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_twice_changes_nothing() {
        for text in [
            "Hòa An, HOÀ AN, Đồng Khê",
            // Lower-casing "İ" gives i + U+0307, which must go too.
            "İstanbul",
            // A grapheme joiner between marks of different classes (from the fuzzer): the
            // marks must stay in canonical order once folded.
            "a\u{5c5}\u{34f}\u{5c7}b",
        ] {
            let once = fold(text);
            assert_eq!(fold(&once), once, "{text:?}");
        }
        assert_eq!(fold("İ"), "i");
        assert_eq!(fold("Đồng Khê"), "dong khe");
    }

    proptest::proptest! {
        /// Character by character is the whole-text definition, for any text, and for
        /// Vietnamese with any mix of composed and decomposed letters.
        #[test]
        fn folding_by_character_is_folding_the_text(text in "\\PC{0,40}") {
            proptest::prop_assert_eq!(fold(&text), fold_text(&text));
        }

        #[test]
        fn folding_vietnamese_by_character_is_folding_the_text(
            text in "[a-zA-ZđĐăâêôơưĂÂÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ \u{0300}\u{0301}\u{0303}\u{0309}\u{0323}\u{031b}\u{0306}\u{0302}\u{034f}\u{05c5}İ]{0,60}"
        ) {
            proptest::prop_assert_eq!(fold(&text), fold_text(&text));
        }
    }

    #[test]
    fn folding_removes_marks_and_case() {
        assert_eq!(fold("Đổi mới THỦ TỤC Hòa An"), "doi moi thu tuc hoa an");
        // Decomposed input folds the same as composed.
        assert_eq!(fold("Ho\u{0300}a"), fold("Hòa"));
    }

    #[test]
    fn the_same_text_retyped_without_marks_is_identical() {
        let a = shingles("Ứng dụng phần mềm một cửa điện tử tại xã Bình Long");
        let b = shingles("ung dung phan mem mot cua dien tu tai xa binh long");
        assert_eq!(jaccard(&a, &b), 1.0);
    }

    #[test]
    fn unrelated_texts_are_far_apart_and_overlaps_are_between() {
        let a = shingles("số hóa hồ sơ lưu trữ tại văn phòng ủy ban nhân dân huyện");
        let b = shingles("tổ chức đối thoại trực tiếp với doanh nghiệp hằng quý");
        let c = shingles("số hóa hồ sơ lưu trữ tại văn phòng sở tư pháp");
        assert_eq!(jaccard(&a, &b), 0.0);
        let ac = jaccard(&a, &c);
        assert!(ac > 0.2 && ac < 1.0, "{ac}");
        assert_eq!(jaccard(&Shingles::default(), &Shingles::default()), 0.0);
    }

    #[test]
    fn what_every_text_shares_counts_for_little_and_a_copy_still_counts() {
        let boilerplate = "Tình trạng hiện tại và nhược điểm của giải pháp đã biết. Nội dung và các bước thực hiện giải pháp. Lợi ích thu được khi áp dụng giải pháp tại cơ quan, đơn vị.";
        let texts: Vec<String> = [
            "số hóa hồ sơ lưu trữ tại văn phòng ủy ban nhân dân huyện",
            "tổ chức đối thoại trực tiếp với doanh nghiệp hằng quý",
            "trả kết quả thủ tục hộ tịch qua dịch vụ bưu chính công ích",
            "ứng dụng mã QR tra cứu văn bản quy phạm pháp luật",
        ]
        .iter()
        .map(|own| format!("{boilerplate} {own}"))
        .collect();
        let mut all: Vec<Shingles> = texts.iter().map(|t| shingles(t)).collect();
        let copy = shingles(&format!("{} thêm một câu.", texts[0]).replace("huyện", "huyen"));
        all.push(copy.clone());
        let rarity = Rarity::of(&all);
        for i in 1..4 {
            let plain = jaccard(&all[0], &all[i]);
            let weighted = weighted_jaccard(&all[0], &all[i], &rarity);
            assert!(
                plain > 0.5,
                "unweighted, the shared form dominates: {plain}"
            );
            assert!(weighted < 0.3, "unrelated entries: {weighted}");
        }
        let near = weighted_jaccard(&all[0], &copy, &rarity);
        assert!(near > 0.5, "a near copy: {near}");
        assert_eq!(weighted_jaccard(&all[1], &all[1], &rarity), 1.0);
        assert_eq!(
            weighted_jaccard(&Shingles::default(), &Shingles::default(), &rarity),
            0.0
        );
        // Two texts alone still compare.
        let two = [shingles(&texts[0]), shingles(&texts[0])];
        assert_eq!(weighted_jaccard(&two[0], &two[1], &Rarity::of(&two)), 1.0);
    }
}
