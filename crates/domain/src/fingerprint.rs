//! The results fingerprint: SHA-256 of the canonical JSON form of the public results
//! (RFC 8785, JSON Canonicalization Scheme), so anyone can recompute it from the public
//! JSON with a standard JCS library. `docs/FINGERPRINT.md` describes it for readers.
//!
//! The public results hold only strings, integers, booleans, nulls and numbers with at
//! most two decimals, for which JCS number form is the shortest round-trip form that
//! `serde_json` and JavaScript's `JSON.stringify` both write; integers are written
//! without a fraction.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The canonical form: object keys sorted by their UTF-16 code units, no whitespace,
/// strings escaped as JSON requires and no more, integral numbers without a fraction.
pub fn canonical(value: &Value) -> String {
    let mut out = String::new();
    write(value, &mut out);
    out
}

fn write(value: &Value, out: &mut String) {
    match value {
        Value::Null | Value::Bool(_) | Value::String(_) => out.push_str(&value.to_string()),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => out.push_str(&i.to_string()),
            (None, Some(f)) if f.fract() == 0.0 && f.abs() < 1e15 => {
                out.push_str(&(f as i64).to_string())
            }
            _ => out.push_str(&n.to_string()),
        },
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(v, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write(&map[k], out);
            }
            out.push('}');
        }
    }
}

/// The fingerprint of public results: the hex SHA-256 of the canonical form of the
/// object without its own `fingerprint` field.
pub fn of_results(results: &Value) -> String {
    let mut v = results.clone();
    if let Value::Object(map) = &mut v {
        map.remove("fingerprint");
    }
    hex::encode(Sha256::digest(canonical(&v).as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_sorted_and_numbers_plain() {
        let v = json!({"b": 1.0, "a": [87.25, "Hòa An \"x\"\n", null, true], "ä": 2, "Z": 100});
        assert_eq!(
            canonical(&v),
            "{\"Z\":100,\"a\":[87.25,\"Hòa An \\\"x\\\"\\n\",null,true],\"b\":1,\"ä\":2}"
        );
    }

    #[test]
    fn fingerprint_ignores_its_own_field() {
        let a = json!({"awards": [], "contest": {"id": 1}});
        let mut b = a.clone();
        b["fingerprint"] = json!("whatever");
        assert_eq!(of_results(&a), of_results(&b));
        assert_eq!(of_results(&a).len(), 64);
    }
}
