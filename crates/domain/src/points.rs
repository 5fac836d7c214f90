//! Points are exact: integers in hundredths of a point.

use serde::{Serialize, Serializer};

/// A number of points in hundredths (27.5 points = `Points(2750)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Points(pub i64);

impl Points {
    pub const QUARTER: i64 = 25;

    /// Converts a JSON number to hundredths, refusing anything that is not an exact
    /// multiple of 0.01 (after removing binary floating-point noise) or is out of range.
    pub fn from_f64(value: f64) -> Option<Points> {
        if !value.is_finite() || value.abs() > 1.0e12 {
            return None;
        }
        let scaled = value * 100.0;
        let rounded = scaled.round();
        if (scaled - rounded).abs() > 1.0e-6 {
            return None;
        }
        // Cast is exact: |rounded| <= 1e14 < 2^53.
        Some(Points(rounded as i64))
    }

    /// True when the value is a multiple of 0.25 points.
    pub fn is_quarter_step(self) -> bool {
        self.0 % Self::QUARTER == 0
    }

    /// For JSON output only; never used for comparisons.
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// Vietnamese display: decimal comma, at most two decimals, no trailing zeros ("27,5").
    pub fn display_vi(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (whole, frac) = (abs / 100, abs % 100);
        match frac {
            0 => format!("{sign}{whole}"),
            f if f % 10 == 0 => format!("{sign}{whole},{}", f / 10),
            f => format!("{sign}{whole},{f:02}"),
        }
    }
}

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_f64())
    }
}

/// Money in đồng, displayed Vietnamese style: `5.000.000 đ`.
pub fn format_vnd(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    let sign = if amount < 0 { "-" } else { "" };
    format!("{sign}{out} đ")
}

const DIGITS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];

/// One group of three digits in words; `full` reads the hundreds and "linh" even when
/// zero (every group after the first: "một triệu không trăm linh năm nghìn").
fn group_words(n: u64, full: bool) -> Vec<&'static str> {
    let (h, t, u) = (
        (n / 100) as usize,
        ((n / 10) % 10) as usize,
        (n % 10) as usize,
    );
    let mut w = Vec::new();
    if full || h > 0 {
        w.extend([DIGITS[h], "trăm"]);
    }
    match t {
        0 if u > 0 && (full || h > 0) => w.push("linh"),
        0 => {}
        1 => w.push("mười"),
        _ => w.extend([DIGITS[t], "mươi"]),
    }
    if u > 0 {
        w.push(match u {
            1 if t >= 2 => "mốt",
            5 if t >= 1 => "lăm",
            _ => DIGITS[u],
        });
    }
    w
}

/// An amount in words, as the "bằng chữ" of a document: `29000000` →
/// "Hai mươi chín triệu đồng".
pub fn vnd_in_words(amount: i64) -> String {
    const SCALES: [&str; 5] = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ"];
    let mut n = amount.unsigned_abs();
    if n == 0 {
        return "Không đồng".into();
    }
    let mut groups = Vec::new();
    while n > 0 {
        groups.push(n % 1000);
        n /= 1000;
    }
    let mut words: Vec<&str> = Vec::new();
    let top = groups.len() - 1;
    for (i, g) in groups.iter().enumerate().rev() {
        if *g == 0 {
            continue;
        }
        words.extend(group_words(*g, i != top));
        if let Some(scale) = SCALES.get(i).filter(|s| !s.is_empty()) {
            words.push(scale);
        }
    }
    let text = format!(
        "{}{} đồng",
        if amount < 0 { "âm " } else { "" },
        words.join(" ")
    );
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn amounts_in_words() {
        assert_eq!(vnd_in_words(29_000_000), "Hai mươi chín triệu đồng");
        assert_eq!(vnd_in_words(5_000_000), "Năm triệu đồng");
        assert_eq!(vnd_in_words(105_000_000), "Một trăm linh năm triệu đồng");
        assert_eq!(vnd_in_words(1_500_000), "Một triệu năm trăm nghìn đồng");
        assert_eq!(
            vnd_in_words(1_005_000),
            "Một triệu không trăm linh năm nghìn đồng"
        );
        assert_eq!(vnd_in_words(21_000), "Hai mươi mốt nghìn đồng");
        assert_eq!(vnd_in_words(15_000), "Mười lăm nghìn đồng");
        assert_eq!(vnd_in_words(0), "Không đồng");
    }

    use super::*;

    #[test]
    fn json_numbers_become_exact_hundredths() {
        assert_eq!(Points::from_f64(27.5), Some(Points(2750)));
        assert_eq!(Points::from_f64(0.1 + 0.2), Some(Points(30)));
        assert_eq!(Points::from_f64(1.005), None);
        assert_eq!(Points::from_f64(f64::NAN), None);
    }

    #[test]
    fn display_uses_decimal_comma() {
        assert_eq!(Points(2750).display_vi(), "27,5");
        assert_eq!(Points(2725).display_vi(), "27,25");
        assert_eq!(Points(3000).display_vi(), "30");
        assert_eq!(Points(5).display_vi(), "0,05");
    }

    #[test]
    fn money_has_dot_thousands() {
        assert_eq!(format_vnd(5_000_000), "5.000.000 đ");
        assert_eq!(format_vnd(500), "500 đ");
        assert_eq!(format_vnd(0), "0 đ");
    }
}
