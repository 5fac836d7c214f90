//! Aggregation, ranking and assignment: properties over random inputs, and worked
//! examples.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, HashSet};

use proptest::prelude::*;
use sangkien_domain::{
    contest::Aggregation,
    judging::{
        EntrySheets, RankRow, Ratio, Sheet,
        assign::{self, AssignError, Instance},
        rank,
    },
    points::Points,
};

const CRITERIA: [&str; 3] = ["novelty", "effectiveness", "applicability"];

fn sheet(judge: &str, points: [i64; 3]) -> Sheet {
    Sheet {
        judge: judge.to_string(),
        points: CRITERIA
            .iter()
            .zip(points)
            .map(|(c, p)| (c.to_string(), Points(p)))
            .collect(),
    }
}

fn criteria() -> Vec<String> {
    CRITERIA.iter().map(|c| c.to_string()).collect()
}

fn ranked(entries: &[EntrySheets], method: Aggregation) -> BTreeMap<i64, (usize, Ratio, bool)> {
    rank(
        entries,
        &criteria(),
        &["effectiveness".into(), "novelty".into()],
        method,
        Points(9000),
    )
    .into_iter()
    .map(|r: RankRow| (r.entry_id, (r.rank, r.score, r.tied)))
    .collect()
}

/// Random contests: up to 12 entries, 3–6 judges, quarter points 0–30 per criterion.
fn contest() -> impl Strategy<Value = Vec<EntrySheets>> {
    (3usize..7, 1usize..13).prop_flat_map(|(judges, entries)| {
        prop::collection::vec(
            prop::collection::vec(prop::array::uniform3(0i64..=120), judges),
            entries,
        )
        .prop_map(move |scores| {
            scores
                .into_iter()
                .enumerate()
                .map(|(i, per_judge)| EntrySheets {
                    entry_id: i as i64 + 1,
                    sheets: per_judge
                        .into_iter()
                        .enumerate()
                        .map(|(j, p)| sheet(&format!("j{j}"), p.map(|q| q * 25)))
                        .collect(),
                })
                .collect()
        })
    })
}

fn method() -> impl Strategy<Value = Aggregation> {
    prop_oneof![
        Just(Aggregation::Mean),
        Just(Aggregation::TrimmedMean),
        Just(Aggregation::Zscore)
    ]
}

proptest! {
    #[test]
    fn permuting_entries_or_judges_changes_nothing(entries in contest(), m in method(), seed in any::<u64>()) {
        let before = ranked(&entries, m);
        let mut shuffled = entries.clone();
        // A deterministic shuffle from the seed: rotate entries and reverse each sheet list.
        let n = shuffled.len();
        shuffled.rotate_left((seed as usize) % n.max(1));
        for e in &mut shuffled {
            e.sheets.reverse();
        }
        prop_assert_eq!(before, ranked(&shuffled, m));
    }

    #[test]
    fn ranks_follow_scores_and_ties_share_a_rank(entries in contest()) {
        let rows = rank(&entries, &criteria(), &["effectiveness".into()], Aggregation::Mean, Points(9000));
        for a in &rows {
            for b in &rows {
                if a.score > b.score {
                    prop_assert!(a.rank < b.rank);
                }
                if a.score == b.score {
                    let eff = |r: &RankRow| r.criterion_means[1].1;
                    if eff(a) > eff(b) { prop_assert!(a.rank < b.rank); }
                    if eff(a) == eff(b) { prop_assert_eq!(a.rank, b.rank); prop_assert!(a.entry_id == b.entry_id || a.tied); }
                }
            }
        }
        // Competition ranking: a rank r is taken by the (r-1)-th position onward.
        for (i, r) in rows.iter().enumerate() {
            prop_assert!(r.rank <= i + 1);
            prop_assert_eq!(r.rank, rows.iter().filter(|x| x.rank < r.rank).count() + 1);
        }
    }

    #[test]
    fn the_mean_of_equal_totals_is_that_total(total in prop::array::uniform3(0i64..=120), judges in 1usize..9) {
        let sheets = (0..judges).map(|j| sheet(&format!("j{j}"), total.map(|q| q * 25))).collect();
        let rows = rank(&[EntrySheets { entry_id: 1, sheets }], &criteria(), &[], Aggregation::Mean, Points(9000));
        let sum: i64 = total.iter().map(|q| q * 25).sum();
        prop_assert_eq!(rows[0].score, Ratio::new(i128::from(sum), 1));
        prop_assert_eq!(rows[0].score.rounded(), Points(sum));
    }
}

#[test]
fn rounding_before_comparing_would_give_the_wrong_order() {
    // A: totals 80.00, 80.01, 80.01 → mean 80.00666…; B: 80.01, 80.00 → 80.005.
    // Rounded to 2 decimals both are 80.01 and B would win on the tie-break (higher
    // effectiveness); exactly, A is ahead.
    let a = EntrySheets {
        entry_id: 1,
        sheets: vec![
            sheet("j1", [3000, 2000, 3000]),
            sheet("j2", [3001, 2000, 3000]),
            sheet("j3", [3001, 2000, 3000]),
        ],
    };
    let b = EntrySheets {
        entry_id: 2,
        sheets: vec![
            sheet("j1", [2001, 3000, 3000]),
            sheet("j2", [2000, 3000, 3000]),
        ],
    };
    let rows = rank(
        &[b, a],
        &criteria(),
        &["effectiveness".into()],
        Aggregation::Mean,
        Points(9000),
    );
    assert_eq!(rows[0].score.rounded(), rows[1].score.rounded());
    assert_eq!((rows[0].entry_id, rows[0].rank), (1, 1));
    assert_eq!((rows[1].entry_id, rows[1].rank), (2, 2));
    assert!(!rows[0].tied && !rows[1].tied);
}

#[test]
fn tie_breaks_go_in_order_and_what_stays_equal_shares_a_rank() {
    let e = |id, sheets| EntrySheets {
        entry_id: id,
        sheets,
    };
    // All total 60; 2 and 3 have higher effectiveness than 1; 2 beats 3 on novelty;
    // 4 and 5 are identical.
    let entries = vec![
        e(1, vec![sheet("j1", [2500, 1500, 2000])]),
        e(2, vec![sheet("j1", [2000, 2500, 1500])]),
        e(3, vec![sheet("j1", [1500, 2500, 2000])]),
        e(4, vec![sheet("j1", [1000, 1000, 1000])]),
        e(5, vec![sheet("j1", [1000, 1000, 1000])]),
        e(6, vec![sheet("j1", [500, 500, 500])]),
    ];
    let rows = rank(
        &entries,
        &criteria(),
        &["effectiveness".into(), "novelty".into()],
        Aggregation::Mean,
        Points(9000),
    );
    let order: Vec<(i64, usize, bool)> =
        rows.iter().map(|r| (r.entry_id, r.rank, r.tied)).collect();
    assert_eq!(
        order,
        vec![
            (2, 1, false),
            (3, 2, false),
            (1, 3, false),
            (4, 4, true),
            (5, 4, true),
            (6, 6, false)
        ]
    );
}

#[test]
fn trimmed_mean_drops_one_highest_and_one_lowest_from_five_sheets() {
    let totals = [9000, 6000, 6000, 6000, 0];
    let sheets: Vec<Sheet> = totals
        .iter()
        .enumerate()
        .map(|(j, t)| sheet(&format!("j{j}"), [*t, 0, 0]))
        .collect();
    let one = |m| {
        rank(
            &[EntrySheets {
                entry_id: 1,
                sheets: sheets.clone(),
            }],
            &criteria(),
            &[],
            m,
            Points(9000),
        )[0]
        .score
    };
    assert_eq!(one(Aggregation::TrimmedMean), Ratio::new(6000, 1));
    assert_eq!(one(Aggregation::Mean), Ratio::new(27000, 5));
    // With four sheets nothing is dropped.
    let four = rank(
        &[EntrySheets {
            entry_id: 1,
            sheets: sheets[..4].to_vec(),
        }],
        &criteria(),
        &[],
        Aggregation::TrimmedMean,
        Points(9000),
    );
    assert_eq!(four[0].score, Ratio::new(27000, 4));
}

// ---------- assignment ----------

fn judges(n: usize) -> Vec<String> {
    (0..n).map(|j| format!("j{j}")).collect()
}

/// The best (max load, min load) by brute force over every choice of k judges per entry.
fn brute_force(
    entries: &[i64],
    judges: &[String],
    conflicts: &HashSet<(i64, String)>,
    k: usize,
) -> Option<(usize, usize)> {
    fn choose(free: &[usize], k: usize) -> Vec<Vec<usize>> {
        if k == 0 {
            return vec![vec![]];
        }
        let mut out = Vec::new();
        for i in 0..free.len() {
            for mut rest in choose(&free[i + 1..], k - 1) {
                rest.insert(0, free[i]);
                out.push(rest);
            }
        }
        out
    }
    let options: Vec<Vec<Vec<usize>>> = entries
        .iter()
        .map(|&e| {
            let free: Vec<usize> = (0..judges.len())
                .filter(|&j| !conflicts.contains(&(e, judges[j].clone())))
                .collect();
            choose(&free, k)
        })
        .collect();
    if options.iter().any(Vec::is_empty) {
        return None;
    }
    let mut best: Option<(usize, usize)> = None;
    let mut idx = vec![0usize; entries.len()];
    loop {
        let mut load = vec![0usize; judges.len()];
        for (e, &i) in idx.iter().enumerate() {
            for &j in &options[e][i] {
                load[j] += 1;
            }
        }
        let cand = (*load.iter().max().unwrap(), *load.iter().min().unwrap());
        best = Some(match best {
            None => cand,
            Some(b) => {
                if (cand.0, std::cmp::Reverse(cand.1)) < (b.0, std::cmp::Reverse(b.1)) {
                    cand
                } else {
                    b
                }
            }
        });
        let mut pos = 0;
        loop {
            if pos == idx.len() {
                return best;
            }
            idx[pos] += 1;
            if idx[pos] < options[pos].len() {
                break;
            }
            idx[pos] = 0;
            pos += 1;
        }
    }
}

fn instance() -> impl Strategy<Value = (Vec<i64>, usize, HashSet<(i64, String)>, usize)> {
    (1usize..6, 2usize..5, 1usize..3).prop_flat_map(|(e, j, k)| {
        let pairs = prop::collection::vec(any::<bool>(), e * j);
        pairs.prop_map(move |bits| {
            let entries: Vec<i64> = (1..=e as i64).collect();
            let conflicts = bits
                .iter()
                .enumerate()
                // About one pair in four is in conflict.
                .filter(|(i, b)| **b && i % 2 == 0)
                .map(|(i, _)| (entries[i / j], format!("j{}", i % j)))
                .collect();
            (entries, j, conflicts, k)
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn balanced_assignment_is_as_even_as_the_conflicts_allow((entries, j, conflicts, k) in instance()) {
        let js = judges(j);
        let inst = Instance { entries: &entries, judges: &js, conflicts: &conflicts };
        let best = brute_force(&entries, &js, &conflicts, k);
        match assign::balanced(&inst, k) {
            Ok(pairs) => {
                let best = best.expect("brute force finds a solution too");
                let mut per_entry: BTreeMap<i64, HashSet<String>> = BTreeMap::new();
                let mut load: BTreeMap<String, usize> = js.iter().map(|j| (j.clone(), 0)).collect();
                for (e, judge) in &pairs {
                    prop_assert!(!conflicts.contains(&(*e, judge.clone())), "conflicted pair assigned");
                    prop_assert!(per_entry.entry(*e).or_default().insert(judge.clone()), "judge twice on one entry");
                    *load.get_mut(judge).unwrap() += 1;
                }
                prop_assert!(entries.iter().all(|e| per_entry.get(e).map_or(0, HashSet::len) == k));
                let (max, min) = (*load.values().max().unwrap(), *load.values().min().unwrap());
                prop_assert_eq!((max, min), best);
            }
            Err(AssignError::Infeasible(short)) => {
                prop_assert!(best.is_none());
                prop_assert!(!short.is_empty());
                for s in short {
                    prop_assert!(s.available < k);
                }
            }
        }
    }
}

#[test]
fn an_entry_without_enough_free_judges_is_named() {
    let js = judges(3);
    let entries = vec![1, 2, 3];
    // Entry 2 conflicts with two of three judges.
    let conflicts: HashSet<(i64, String)> = [(2, "j0".to_string()), (2, "j1".to_string())].into();
    let inst = Instance {
        entries: &entries,
        judges: &js,
        conflicts: &conflicts,
    };
    match assign::balanced(&inst, 2) {
        Err(AssignError::Infeasible(short)) => {
            assert_eq!(short.len(), 1);
            assert_eq!(
                (short[0].entry_id, short[0].available, short[0].needed),
                (2, 1, 2)
            );
        }
        other => panic!("expected infeasible, got {other:?}"),
    }
    assert!(assign::balanced(&inst, 1).is_ok());
    let all = assign::all(&inst, 1).unwrap();
    assert_eq!(all.len(), 3 + 1 + 3);
    assert!(assign::all(&inst, 2).is_err());
}

#[test]
fn two_thousand_entries_thirty_judges_with_unit_conflicts() {
    let js = judges(30);
    let entries: Vec<i64> = (1..=2000).collect();
    // Each entry conflicts with the judge of its "unit" (one in thirty) and its neighbour.
    let conflicts: HashSet<(i64, String)> = entries
        .iter()
        .flat_map(|&e| {
            [
                (e, format!("j{}", e % 30)),
                (e, format!("j{}", (e + 1) % 30)),
            ]
        })
        .collect();
    let inst = Instance {
        entries: &entries,
        judges: &js,
        conflicts: &conflicts,
    };
    let pairs = assign::balanced(&inst, 3).unwrap();
    assert_eq!(pairs.len(), 6000);
    let mut load: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, j) in &pairs {
        *load.entry(j).or_default() += 1;
    }
    assert_eq!(*load.values().max().unwrap(), 200);
    assert_eq!(*load.values().min().unwrap(), 200);
}
