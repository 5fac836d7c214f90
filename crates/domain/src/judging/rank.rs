//! Exact aggregation and ranking. Totals are integers in hundredths; a mean is kept as a
//! fraction and entries are compared by cross-multiplication, so no rounding ever decides
//! an order. Display rounds to two decimals at the very end.

use std::{cmp::Ordering, collections::BTreeMap};

use super::Sheet;
use crate::{contest::Aggregation, points::Points};

/// An exact non-negative fraction of hundredths of a point: `num / den`.
#[derive(Debug, Clone, Copy)]
pub struct Ratio {
    pub num: i128,
    pub den: i128,
}

impl Ratio {
    pub fn new(num: i128, den: i128) -> Ratio {
        if den == 0 {
            Ratio { num: 0, den: 1 }
        } else if den < 0 {
            Ratio {
                num: -num,
                den: -den,
            }
        } else {
            Ratio { num, den }
        }
    }

    /// The mean of some hundredths; zero for none.
    pub fn mean(values: impl IntoIterator<Item = i64>) -> Ratio {
        let (sum, n) = values
            .into_iter()
            .fold((0i128, 0i128), |(s, n), v| (s + i128::from(v), n + 1));
        Ratio::new(sum, n)
    }

    /// Points as a float, for JSON and display only.
    pub fn as_points_f64(self) -> f64 {
        self.num as f64 / self.den as f64 / 100.0
    }

    /// Rounded half away from zero to 2 decimals, as hundredths (display only).
    pub fn rounded(self) -> Points {
        let twice = 2 * self.num.abs() + self.den;
        let r = twice / (2 * self.den);
        Points((if self.num < 0 { -r } else { r }) as i64)
    }
}

impl PartialEq for Ratio {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Ratio {}
impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ratio {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.num * other.den).cmp(&(other.num * self.den))
    }
}

/// The submitted sheets of one entry.
#[derive(Debug, Clone)]
pub struct EntrySheets {
    pub entry_id: i64,
    pub sheets: Vec<Sheet>,
}

/// One line of the ranking.
#[derive(Debug, Clone)]
pub struct RankRow {
    pub entry_id: i64,
    /// 1-based; entries still equal after the tie-breaks share it (1, 2, 2, 4).
    pub rank: usize,
    /// The score by the contest's method (exact for `mean` and `trimmed_mean`).
    pub score: Ratio,
    /// The plain mean of the judges' totals, always shown.
    pub mean: Ratio,
    /// The z-score method's figure, rescaled to the rubric total (never exact; shown
    /// beside the mean; ranks only when the contest chose it).
    pub zscore: Option<f64>,
    /// (judge, total), in judge order.
    pub judge_totals: Vec<(String, Points)>,
    /// (criterion, mean over the submitted sheets), in rubric order.
    pub criterion_means: Vec<(String, Ratio)>,
    /// Equal to another entry after every tie-break: the council decides.
    pub tied: bool,
}

/// The score of one entry's totals by an exact method.
fn exact_score(totals: &[i64], method: Aggregation) -> Ratio {
    if method == Aggregation::TrimmedMean && totals.len() >= 5 {
        let mut sorted = totals.to_vec();
        sorted.sort_unstable();
        return Ratio::mean(sorted[1..sorted.len() - 1].iter().copied());
    }
    Ratio::mean(totals.iter().copied())
}

/// Per-judge z-scores over every sheet the judge submitted, averaged per entry and
/// rescaled to the rubric: `total/2 + z × total/6` (a judge's mean maps to the middle
/// of the scale, ±3 standard deviations to its ends). A judge with one sheet or no
/// spread contributes 0 (their sheets say nothing about relative merit).
fn zscores(entries: &[EntrySheets], rubric_total: Points) -> BTreeMap<i64, f64> {
    let mut by_judge: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for e in entries {
        for s in &e.sheets {
            by_judge
                .entry(s.judge.as_str())
                .or_default()
                .push(s.total().0 as f64);
        }
    }
    let stats: BTreeMap<&str, (f64, f64)> = by_judge
        .into_iter()
        .map(|(j, xs)| {
            let n = xs.len() as f64;
            let mean = xs.iter().sum::<f64>() / n;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
            (j, (mean, var.sqrt()))
        })
        .collect();
    let scale = rubric_total.0 as f64 / 100.0;
    entries
        .iter()
        .map(|e| {
            let zs: Vec<f64> = e
                .sheets
                .iter()
                .map(|s| {
                    let (mean, sd) = stats[s.judge.as_str()];
                    if sd > 0.0 {
                        (s.total().0 as f64 - mean) / sd
                    } else {
                        0.0
                    }
                })
                .collect();
            let z = if zs.is_empty() {
                0.0
            } else {
                zs.iter().sum::<f64>() / zs.len() as f64
            };
            (e.entry_id, scale / 2.0 + z * scale / 6.0)
        })
        .collect()
}

/// Ranks entries: by score (descending), then by the tie-break criteria in order
/// (higher mean wins), then equal entries share a rank and are flagged. The result is
/// the same whatever the order of entries or sheets given.
pub fn rank(
    entries: &[EntrySheets],
    criteria: &[String],
    tie_break: &[String],
    method: Aggregation,
    rubric_total: Points,
) -> Vec<RankRow> {
    let z = zscores(entries, rubric_total);
    let mut rows: Vec<RankRow> = entries
        .iter()
        .map(|e| {
            let mut judge_totals: Vec<(String, Points)> = e
                .sheets
                .iter()
                .map(|s| (s.judge.clone(), s.total()))
                .collect();
            judge_totals.sort();
            let totals: Vec<i64> = judge_totals.iter().map(|(_, t)| t.0).collect();
            let criterion_means = criteria
                .iter()
                .map(|c| {
                    let values = e.sheets.iter().map(|s| s.points.get(c).map_or(0, |p| p.0));
                    (c.clone(), Ratio::mean(values))
                })
                .collect();
            RankRow {
                entry_id: e.entry_id,
                rank: 0,
                score: exact_score(&totals, method),
                mean: Ratio::mean(totals.iter().copied()),
                zscore: z.get(&e.entry_id).copied(),
                judge_totals,
                criterion_means,
                tied: false,
            }
        })
        .collect();
    let key_cmp = |a: &RankRow, b: &RankRow| -> Ordering {
        let primary = if method == Aggregation::Zscore {
            // Floating point: compared at a millionth of a point, so the order is total
            // and figures that differ only by rounding noise count as equal.
            let q = |r: &RankRow| (r.zscore.unwrap_or(0.0) * 1e6).round() as i64;
            q(b).cmp(&q(a))
        } else {
            b.score.cmp(&a.score)
        };
        primary.then_with(|| {
            for c in tie_break {
                let mean = |r: &RankRow| {
                    r.criterion_means
                        .iter()
                        .find(|(k, _)| k == c)
                        .map(|(_, m)| *m)
                };
                let ord = mean(b).cmp(&mean(a));
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            Ordering::Equal
        })
    };
    rows.sort_by(|a, b| key_cmp(a, b).then(a.entry_id.cmp(&b.entry_id)));
    // Sorted, so equal entries are neighbours: a rank is 1 + the number of entries
    // before its group.
    for i in 0..rows.len() {
        let same_as_previous = i > 0 && key_cmp(&rows[i - 1], &rows[i]) == Ordering::Equal;
        rows[i].rank = if same_as_previous {
            rows[i - 1].rank
        } else {
            i + 1
        };
        if same_as_previous {
            rows[i - 1].tied = true;
            rows[i].tied = true;
        }
    }
    rows
}
