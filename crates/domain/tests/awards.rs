//! Award proposal: tiers filled in ranking order, minimum score, ties at boundaries.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use sangkien_domain::{
    award::{self, Award, FlagKind},
    contest::{Prize, PrizeTier},
    judging::{RankRow, Ratio},
    points::Points,
};

/// Ranking rows from scores in hundredths (already in ranking order); equal scores
/// share a rank and are tied, as the ranking does after tie-breaks.
fn rows(scores: &[i64]) -> Vec<RankRow> {
    let mut sorted = scores.to_vec();
    sorted.sort_by(|a, b| b.cmp(a));
    sorted
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let rank = sorted.iter().position(|x| x == s).unwrap_or(i) + 1;
            let tied = sorted.iter().filter(|x| *x == s).count() > 1;
            RankRow {
                entry_id: i as i64 + 1,
                rank,
                score: Ratio::new(i128::from(*s), 1),
                mean: Ratio::new(i128::from(*s), 1),
                zscore: None,
                judge_totals: Vec::new(),
                criterion_means: Vec::new(),
                tied,
            }
        })
        .collect()
}

fn prizes(counts: [i64; 4]) -> Vec<Prize> {
    PrizeTier::ALL
        .iter()
        .zip(counts)
        .map(|(t, c)| Prize {
            tier: *t,
            count: c,
            amount_vnd: 1_000_000,
        })
        .collect()
}

fn tiers(p: &award::Proposal) -> Vec<(i64, PrizeTier)> {
    p.awards
        .iter()
        .filter_map(|a| a.tier.map(|t| (a.entry_id, t)))
        .collect()
}

#[test]
fn tiers_follow_the_ranking() {
    let p = award::propose(
        &rows(&[9000, 8500, 8000, 7500, 7000]),
        &prizes([1, 2, 1, 0]),
        Points(0),
    );
    use PrizeTier::*;
    assert_eq!(
        tiers(&p),
        vec![(1, First), (2, Second), (3, Second), (4, Third)]
    );
    assert!(p.flags.is_empty());
}

#[test]
fn entries_below_the_minimum_get_nothing() {
    let p = award::propose(
        &rows(&[9000, 5000, 4999, 3000]),
        &prizes([1, 1, 1, 1]),
        Points(5000),
    );
    assert_eq!(
        tiers(&p),
        vec![(1, PrizeTier::First), (2, PrizeTier::Second)]
    );
    assert!(p.flags.is_empty());
}

#[test]
fn a_tie_across_a_tier_boundary_is_flagged_not_decided() {
    // Entries 2 and 3 tie for the last second prize and the first third prize.
    let p = award::propose(
        &rows(&[9000, 8000, 8000, 7000]),
        &prizes([1, 1, 2, 0]),
        Points(0),
    );
    assert_eq!(
        tiers(&p),
        vec![(1, PrizeTier::First), (4, PrizeTier::Third)]
    );
    assert_eq!(p.flags.len(), 1);
    assert_eq!(p.flags[0].kind, FlagKind::TieAtBoundary);
    assert_eq!(p.flags[0].entry_ids, vec![2, 3]);
    assert_eq!(p.flags[0].tiers, vec![PrizeTier::Second, PrizeTier::Third]);
    assert!(!p.flags[0].resolved);
    assert!(award::check_ready(&award::flags(&p, &p.awards, &prizes([1, 1, 2, 0]))).is_err());
}

#[test]
fn a_tie_inside_one_tier_shares_it_and_a_tie_at_the_last_prize_is_flagged() {
    let p = award::propose(&rows(&[9000, 8000, 8000]), &prizes([1, 2, 0, 0]), Points(0));
    assert_eq!(p.flags, vec![]);
    assert_eq!(tiers(&p).len(), 3);
    let p = award::propose(&rows(&[9000, 8000, 8000]), &prizes([1, 1, 0, 0]), Points(0));
    assert_eq!(p.flags.len(), 1);
    assert_eq!(p.flags[0].entry_ids, vec![2, 3]);
    assert_eq!(p.flags[0].tiers, vec![PrizeTier::Second]);
}

#[test]
fn the_organizer_resolves_a_tie_with_reasons() {
    let r = rows(&[9000, 8000, 8000, 7000]);
    let pr = prizes([1, 1, 2, 0]);
    let p = award::propose(&r, &pr, Points(0));
    let mut list = p.awards.clone();
    list.push(Award {
        entry_id: 2,
        tier: Some(PrizeTier::Second),
        reason: String::new(),
    });
    let err = award::check_list(&list, &p, &r, Points(0)).unwrap_err();
    assert!(
        err.fields.iter().any(|f| f.field == "awards[2].reason"),
        "{err:?}"
    );
    list[2].reason = "Hội đồng biểu quyết 5/7 ngày 20/11/2021".into();
    list.push(Award {
        entry_id: 3,
        tier: Some(PrizeTier::Third),
        reason: "Hội đồng biểu quyết 5/7".into(),
    });
    let checked = award::check_list(&list, &p, &r, Points(0)).unwrap();
    let f = award::flags(&p, &checked, &pr);
    assert!(f.iter().all(|f| f.resolved), "{f:?}");
    assert!(award::check_ready(&f).is_ok());
}

#[test]
fn adjustments_need_reasons_and_respect_the_minimum() {
    let r = rows(&[9000, 8000, 4000]);
    let p = award::propose(&r, &prizes([1, 1, 1, 0]), Points(5000));
    // Dropping a proposed prize silently is refused; a prize below the minimum too.
    let list = vec![
        Award {
            entry_id: 1,
            tier: Some(PrizeTier::First),
            reason: String::new(),
        },
        Award {
            entry_id: 3,
            tier: Some(PrizeTier::Third),
            reason: "Có ý nghĩa thực tiễn".into(),
        },
    ];
    let err = award::check_list(&list, &p, &r, Points(5000)).unwrap_err();
    let fields: Vec<&str> = err.fields.iter().map(|f| f.field.as_str()).collect();
    assert!(fields.contains(&"awards[1].tier"), "{fields:?}");
    assert!(fields.contains(&"awards"), "{fields:?}");
    // Unknown and duplicate entries are named.
    let list = vec![
        Award {
            entry_id: 99,
            tier: None,
            reason: "x".into(),
        },
        Award {
            entry_id: 1,
            tier: Some(PrizeTier::First),
            reason: String::new(),
        },
        Award {
            entry_id: 1,
            tier: Some(PrizeTier::First),
            reason: String::new(),
        },
    ];
    let err = award::check_list(&list, &p, &r, Points(5000)).unwrap_err();
    let fields: Vec<&str> = err.fields.iter().map(|f| f.field.as_str()).collect();
    assert!(fields.contains(&"awards[0].entry_id"));
    assert!(fields.contains(&"awards[2].entry_id"));
}

proptest! {
    /// Whatever the scores and prize counts: no entry below the minimum gets a prize,
    /// no tier gets more entries than its count, a better tier never goes to a lower
    /// score, and every entry is either awarded, flagged, or ranked after the prizes.
    #[test]
    fn proposal_invariants(
        scores in proptest::collection::vec(0i64..40, 0..30),
        counts in proptest::array::uniform4(0i64..4),
        min in 0i64..40,
    ) {
        let scores: Vec<i64> = scores.into_iter().map(|s| s * 250).collect();
        let r = rows(&scores);
        let pr = prizes(counts);
        let p = award::propose(&r, &pr, Points(min * 250));
        let score_of = |id: i64| r.iter().find(|x| x.entry_id == id).map(|x| x.score);
        for (id, t) in tiers(&p) {
            prop_assert!(award::reaches_minimum(score_of(id).unwrap(), Points(min * 250)));
            let held = tiers(&p).iter().filter(|(_, u)| *u == t).count() as i64;
            prop_assert!(held <= pr.iter().find(|x| x.tier == t).unwrap().count);
            for (other, u) in tiers(&p) {
                if u < t {
                    prop_assert!(score_of(other) >= score_of(id));
                }
            }
        }
        let awarded = tiers(&p).len() as i64;
        let flagged: i64 = p.flags.iter().map(|f| f.entry_ids.len() as i64).sum();
        prop_assert!(awarded <= counts.iter().sum::<i64>());
        prop_assert!(awarded + flagged <= r.len() as i64);
        prop_assert!(award::flags(&p, &p.awards, &pr).iter().all(|f| f.kind == FlagKind::TieAtBoundary));
    }
}
