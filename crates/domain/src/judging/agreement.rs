//! The progress view's figures: judges far from an entry's mean, and how much the
//! judges agree overall.

use super::{EntrySheets, Ratio};
use crate::points::Points;

/// A judge whose total is further from the entry's mean than the threshold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outlier {
    pub entry_id: i64,
    pub judge: String,
    pub total: Points,
    pub mean: Ratio,
}

/// Judges whose total differs from the mean of the entry's submitted sheets by more
/// than `threshold_percent` of the rubric total. Exact: |total·n − sum|·100 is compared
/// with threshold·rubric·n in integers.
pub fn outliers(
    entries: &[EntrySheets],
    threshold_percent: i64,
    rubric_total: Points,
) -> Vec<Outlier> {
    let mut out = Vec::new();
    for e in entries {
        let n = e.sheets.len() as i128;
        if n < 2 {
            continue;
        }
        let totals: Vec<i64> = e.sheets.iter().map(|s| s.total().0).collect();
        let sum: i128 = totals.iter().map(|&t| i128::from(t)).sum();
        let limit = i128::from(threshold_percent) * i128::from(rubric_total.0) * n;
        for (s, &t) in e.sheets.iter().zip(&totals) {
            if (i128::from(t) * n - sum).abs() * 100 > limit {
                out.push(Outlier {
                    entry_id: e.entry_id,
                    judge: s.judge.clone(),
                    total: Points(t),
                    mean: Ratio::new(sum, n),
                });
            }
        }
    }
    out.sort_by(|a, b| a.entry_id.cmp(&b.entry_id).then(a.judge.cmp(&b.judge)));
    out
}

/// Agreement between judges: the one-way random-effects intraclass correlation ICC(1)
/// of the judges' totals, entries as groups, which allows each entry its own set and
/// number of judges (balanced assignment): ICC = (MSB − MSW) / (MSB + (k₀ − 1)·MSW) with
/// k₀ = (N − Σnᵢ²/N)/(g − 1), over the g entries with at least two sheets and their N
/// sheets. 1 means judges agree perfectly on the order of entries; 0 or below, not at
/// all. `None` when there are fewer than two such entries or no spread at all.
pub fn icc1(entries: &[EntrySheets]) -> Option<f64> {
    let groups: Vec<Vec<f64>> = entries
        .iter()
        .filter(|e| e.sheets.len() >= 2)
        .map(|e| {
            e.sheets
                .iter()
                .map(|s| s.total().0 as f64 / 100.0)
                .collect()
        })
        .collect();
    let g = groups.len() as f64;
    let n: f64 = groups.iter().map(|x| x.len() as f64).sum();
    if g < 2.0 || n <= g {
        return None;
    }
    let grand = groups.iter().flatten().sum::<f64>() / n;
    let means: Vec<f64> = groups
        .iter()
        .map(|x| x.iter().sum::<f64>() / x.len() as f64)
        .collect();
    let ssb: f64 = groups
        .iter()
        .zip(&means)
        .map(|(x, m)| x.len() as f64 * (m - grand).powi(2))
        .sum();
    let ssw: f64 = groups
        .iter()
        .zip(&means)
        .map(|(x, m)| x.iter().map(|v| (v - m).powi(2)).sum::<f64>())
        .sum();
    let msb = ssb / (g - 1.0);
    let msw = ssw / (n - g);
    let k0 = (n - groups.iter().map(|x| (x.len() as f64).powi(2)).sum::<f64>() / n) / (g - 1.0);
    let denominator = msb + (k0 - 1.0) * msw;
    (denominator > 0.0).then(|| (msb - msw) / denominator)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judging::Sheet;

    fn entry(id: i64, totals: &[i64]) -> EntrySheets {
        EntrySheets {
            entry_id: id,
            sheets: totals
                .iter()
                .enumerate()
                .map(|(j, t)| Sheet {
                    judge: format!("j{j}"),
                    points: [("a".to_string(), Points(*t))].into(),
                })
                .collect(),
        }
    }

    #[test]
    fn a_judge_twenty_points_off_a_hundred_point_rubric_is_flagged_only_beyond_it() {
        // Mean 70; j2 at 45 is 25 away (flagged); j0, j1 at 80 are 10 away.
        let e = entry(1, &[8000, 8000, 4500]);
        let found = outliers(std::slice::from_ref(&e), 20, Points(10000));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].judge, "j2");
        // Exactly at the threshold is not beyond it: mean 60, 80 is 20 away.
        let at = entry(2, &[8000, 4000]);
        assert!(outliers(&[at], 20, Points(10000)).is_empty());
    }

    #[test]
    fn icc_is_one_when_judges_agree_and_low_when_they_do_not() {
        let agree = [
            entry(1, &[9000, 9000]),
            entry(2, &[5000, 5000]),
            entry(3, &[7000, 7000]),
        ];
        assert!((icc1(&agree).unwrap() - 1.0).abs() < 1e-9);
        let random = [
            entry(1, &[9000, 5000]),
            entry(2, &[5000, 9000]),
            entry(3, &[7000, 7000]),
        ];
        assert!(icc1(&random).unwrap() < 0.0);
        // Worked by hand: groups {1,3} {5,7} {9,11} points: MSB = 64/2 = 32,
        // MSW = 6/3 = 2, k0 = (6 − 12/6)/2 = 2 → (32 − 2)/(32 + 2) = 0.882…
        let t = [
            entry(1, &[100, 300]),
            entry(2, &[500, 700]),
            entry(3, &[900, 1100]),
        ];
        assert!((icc1(&t).unwrap() - 30.0 / 34.0).abs() < 1e-9);
        assert_eq!(icc1(&[entry(1, &[1, 2])]), None);
    }
}
