//! A judge's score sheet: points per criterion, 0 … max in steps of 0.25.

use std::collections::BTreeMap;

use crate::{ValidationErrors, contest::Criterion, points::Points};

/// A submitted sheet as aggregation sees it: the judge and the points per criterion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub judge: String,
    pub points: BTreeMap<String, Points>,
}

impl Sheet {
    /// The judge's total: the sum of the criterion points.
    pub fn total(&self) -> Points {
        Points(self.points.values().map(|p| p.0).sum())
    }
}

/// Checks the points of a sheet against the rubric. A draft may leave criteria out;
/// `complete` requires every criterion (for submission). Unknown criteria, values out
/// of range and values that are not multiples of 0.25 are named.
pub fn validate_points(
    criteria: &[Criterion],
    points: &BTreeMap<String, f64>,
    complete: bool,
) -> Result<BTreeMap<String, Points>, ValidationErrors> {
    let mut e = ValidationErrors::new();
    let mut out = BTreeMap::new();
    for (code, value) in points {
        let field = format!("points.{code}");
        let Some(c) = criteria.iter().find(|c| &c.code == code) else {
            e.add(
                field,
                format!("Tiêu chí «{code}» không có trong thang điểm của cuộc thi."),
            );
            continue;
        };
        match Points::from_f64(*value) {
            Some(p) if p.0 < 0 || p > c.max_points => e.add(
                field,
                format!(
                    "Điểm tiêu chí «{}» phải từ 0 đến {}.",
                    c.name,
                    c.max_points.display_vi()
                ),
            ),
            Some(p) if !p.is_quarter_step() => e.add(
                field,
                format!(
                    "Điểm tiêu chí «{}» phải là bội số của 0,25 (ví dụ 27; 27,25; 27,5; 27,75).",
                    c.name
                ),
            ),
            Some(p) => {
                out.insert(code.clone(), p);
            }
            None => e.add(
                field,
                format!(
                    "Điểm tiêu chí «{}» phải là một số, bội số của 0,25.",
                    c.name
                ),
            ),
        }
    }
    if complete {
        for c in criteria {
            if !points.contains_key(&c.code) {
                e.add(
                    format!("points.{}", c.code),
                    format!("Chưa chấm tiêu chí «{}».", c.name),
                );
            }
        }
    }
    e.into_result(out)
}
