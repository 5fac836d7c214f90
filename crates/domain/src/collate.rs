//! Vietnamese alphabetical order (SPEC §5), as dictionaries and phone books sort: syllable
//! by syllable; within a syllable the letters a ă â b c d đ e ê g h i k l m n o ô ơ p q
//! r s t u ư v x y first, then the tone in dictionary order (ngang, huyền, hỏi, ngã, sắc,
//! nặng); case only breaks a final tie. So "Bảo Lạc" comes before "Bảo Lâm" (a before
//! â, although byte order says the opposite) and "Hà Quảng" before "Hạ Lang" (hà before
//! hạ, whatever follows).

use std::cmp::Ordering;

use unicode_normalization::UnicodeNormalization;

/// The alphabet with the letters of loanwords (f, j, w, z) in Latin order.
const ALPHABET: [&str; 33] = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
    "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
];

const BREVE: char = '\u{0306}';
const CIRCUMFLEX: char = '\u{0302}';
const HORN: char = '\u{031B}';
/// huyền, hỏi, ngã, sắc, nặng (ngang is no mark).
const TONES: [char; 5] = ['\u{0300}', '\u{0309}', '\u{0303}', '\u{0301}', '\u{0323}'];

/// The key of one syllable (word): its letters, then its tones.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct WordKey {
    letters: Vec<u32>,
    tones: Vec<u8>,
}

/// The key of a string: its syllables in order, then case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SortKey {
    words: Vec<WordKey>,
    case: Vec<u8>,
}

/// The primary weight of one letter (base plus vowel modifier), or of any other
/// character: punctuation first, then digits, letters, everything else.
fn weight(base: char, modifier: Option<char>) -> u32 {
    if let Some(d) = base.to_digit(10) {
        return 100 + d;
    }
    let mut letter = String::from(base);
    if let Some(m) = modifier {
        letter.push(m);
    }
    let letter: String = letter.nfc().collect();
    if let Some(i) = ALPHABET.iter().position(|l| *l == letter) {
        return 1000 + i as u32;
    }
    if base.is_ascii_punctuation() {
        return 10 + base as u32;
    }
    2000 + base as u32
}

/// The collation key of a string.
pub fn sort_key(s: &str) -> SortKey {
    let mut key = SortKey {
        words: Vec::new(),
        case: Vec::new(),
    };
    for word in s.split_whitespace() {
        let mut w = WordKey {
            letters: Vec::new(),
            tones: Vec::new(),
        };
        for c in word.nfc() {
            let lower: String = c.to_lowercase().collect();
            let (base, modifier, tone) = if lower == "đ" {
                ('đ', None, 0)
            } else {
                let mut parts = lower.nfd();
                let base = parts.next().unwrap_or(c);
                let mut modifier = None;
                let mut tone = 0u8;
                for m in parts {
                    if [BREVE, CIRCUMFLEX, HORN].contains(&m) {
                        modifier = Some(m);
                    } else if let Some(t) = TONES.iter().position(|t| *t == m) {
                        tone = t as u8 + 1;
                    }
                }
                (base, modifier, tone)
            };
            w.letters.push(weight(base, modifier));
            w.tones.push(tone);
            key.case.push(u8::from(c.is_uppercase()));
        }
        key.words.push(w);
    }
    key
}

/// Compares two strings in Vietnamese alphabetical order.
pub fn cmp_vi(a: &str, b: &str) -> Ordering {
    sort_key(a).cmp(&sort_key(b))
}

/// Sorts a list by a string field in Vietnamese alphabetical order (keys computed once).
pub fn sort_by_vi<T>(items: &mut [T], field: impl Fn(&T) -> &str) {
    items.sort_by_cached_key(|x| sort_key(field(x)));
}

/// The key as text whose byte order is the Vietnamese order (for an SQL `order by` that
/// both databases evaluate the same way): per syllable, its letter weights as four hex
/// digits, `0000`, its tones as one hex digit each (plus one), `0`; then `0000` and the
/// case flags.
pub fn sort_key_text(s: &str) -> String {
    let key = sort_key(s);
    let mut out = String::new();
    for w in &key.words {
        for l in &w.letters {
            out.push_str(&format!("{:04x}", (*l).clamp(10, 0xffff)));
        }
        out.push_str("0000");
        for t in &w.tones {
            out.push_str(&format!("{:x}", t + 1));
        }
        out.push('0');
    }
    out.push_str("0000");
    for c in &key.case {
        out.push(if *c == 0 { '0' } else { '1' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_then_tones_then_case() {
        let mut words = vec![
            "đa", "da", "dà", "ă", "â", "a", "ả", "á", "ạ", "ã", "à", "A", "b",
        ];
        words.sort_by(|a, b| cmp_vi(a, b));
        assert_eq!(
            words,
            vec![
                "a", "A", "à", "ả", "ã", "á", "ạ", "ă", "â", "b", "da", "dà", "đa"
            ]
        );
        assert_eq!(cmp_vi("Bảo Lạc", "Bảo Lâm"), Ordering::Less);
        assert_eq!(cmp_vi("Tư", "Thông"), Ordering::Greater);
        assert_eq!(cmp_vi("Ơn", "Ông"), Ordering::Greater);
        assert_eq!(cmp_vi("Xã 2", "Xã 10"), Ordering::Greater);
    }
}
