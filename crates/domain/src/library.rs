//! The library's search rules (SPEC §3.8): text folded the same way for the index and
//! the query (case, diacritics, đ → d), so "dich vu cong" finds "Dịch vụ công".

use crate::similarity::fold;

/// At most this many words of a query are used.
pub const MAX_TERMS: usize = 12;

/// The words of a folded text: runs of letters and digits.
pub fn terms(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The query's words, in order, without repeats.
pub fn query_terms(q: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in terms(q) {
        if !out.contains(&t) {
            out.push(t);
        }
        if out.len() == MAX_TERMS {
            break;
        }
    }
    out
}

/// Terms written as `quote` on both sides, the last one followed by `prefix`, joined by
/// `sep`: the shape both engines' full-text queries share.
fn last_as_prefix(terms: &[String], quote: &str, prefix: &str, sep: &str) -> String {
    let n = terms.len();
    terms
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let tail = if i + 1 == n { prefix } else { "" };
            format!("{quote}{t}{quote}{tail}")
        })
        .collect::<Vec<_>>()
        .join(sep)
}

/// The query for SQLite's FTS5 `MATCH`: every term quoted (terms hold only letters and
/// digits, so nothing in a query can become FTS syntax), the last one as a prefix.
pub fn fts5_match(terms: &[String]) -> String {
    last_as_prefix(terms, "\"", "*", " ")
}

/// The same for PostgreSQL's `to_tsquery('simple', …)`: terms joined by `&`, the last
/// one as a prefix.
pub fn tsquery(terms: &[String]) -> String {
    last_as_prefix(terms, "", ":*", " & ")
}

/// The texts the index holds for an entry: the folded words of the title, and of the
/// other fields (the title weighs more in both engines' relevance).
pub fn search_fields(title: &str, body: &[&str]) -> (String, String) {
    let words: Vec<String> = body.iter().flat_map(|b| terms(b)).collect();
    (terms(title).join(" "), words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_text_queries_quote_every_term_and_end_with_a_prefix() {
        let terms = query_terms("Dịch vụ công trực tuy");
        assert_eq!(
            fts5_match(&terms),
            "\"dich\" \"vu\" \"cong\" \"truc\" \"tuy\"*"
        );
        assert_eq!(tsquery(&terms), "dich & vu & cong & truc & tuy:*");
        assert_eq!(fts5_match(&[]), "");
    }

    #[test]
    fn folding_matches_without_diacritics() {
        assert_eq!(
            query_terms("Dịch vụ công trực tuyến"),
            query_terms("dich vu cong truc tuyen")
        );
        assert_eq!(query_terms("ĐĂNG KÝ"), vec!["dang", "ky"]);
        assert_eq!(query_terms("  --  "), Vec::<String>::new());
        assert_eq!(query_terms("a a b"), vec!["a", "b"]);
        assert_eq!(
            search_fields("Đăng ký", &["hộ kinh doanh", "Cổng"]),
            ("dang ky".to_string(), "ho kinh doanh cong".to_string())
        );
    }
}
