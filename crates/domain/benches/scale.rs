//! The domain at the scale of issue 7: ranking 10,000 entries × 7 judges × 4 criteria,
//! balanced assignment of 2,000 entries to 30 judges with conflicts, and the duplicate
//! check of one entry against 10,000 earlier ones. Run with
//! `cargo bench -p sangkien-domain --bench scale`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{collections::HashSet, hint::black_box};

use criterion::{Criterion, criterion_group, criterion_main};
use sangkien_domain::{
    contest::Aggregation,
    judging::{
        EntrySheets, Sheet,
        assign::{self, Instance},
        rank,
    },
    points::Points,
    similarity,
};

/// A deterministic pseudo-random sequence (xorshift), so runs are comparable.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn ranking_input() -> (Vec<EntrySheets>, Vec<String>) {
    let criteria: Vec<String> = ["novelty", "effectiveness", "applicability", "presentation"]
        .map(String::from)
        .to_vec();
    let max = [3000u64, 3000, 3000, 1000];
    let mut rng = Rng(0x5eed);
    let entries = (0..10_000)
        .map(|e| EntrySheets {
            entry_id: e,
            sheets: (0..7)
                .map(|j| Sheet {
                    judge: format!("j{j}"),
                    points: criteria
                        .iter()
                        .zip(max)
                        .map(|(c, m)| (c.clone(), Points((rng.next() % (m / 25 + 1) * 25) as i64)))
                        .collect(),
                })
                .collect(),
        })
        .collect();
    (entries, criteria)
}

fn bench_ranking(c: &mut Criterion) {
    let (entries, criteria) = ranking_input();
    let tie_break = vec!["effectiveness".to_string(), "novelty".to_string()];
    for (name, method) in [("mean", Aggregation::Mean), ("zscore", Aggregation::Zscore)] {
        c.bench_function(
            &format!("rank 10000 entries x 7 judges x 4 criteria ({name})"),
            |b| {
                b.iter(|| {
                    rank(
                        black_box(&entries),
                        &criteria,
                        &tie_break,
                        method,
                        Points(10_000),
                    )
                })
            },
        );
    }
}

fn bench_assignment(c: &mut Criterion) {
    let judges: Vec<String> = (0..30).map(|j| format!("j{j}")).collect();
    let entries: Vec<i64> = (1..=2000).collect();
    // Each entry's unit has one judge on the council, and one in ten entries has an
    // author who also sits on it.
    let conflicts: HashSet<(i64, String)> = entries
        .iter()
        .flat_map(|&e| {
            let mut v = vec![(e, format!("j{}", e % 30))];
            if e % 10 == 0 {
                v.push((e, format!("j{}", (e / 10) % 30)));
            }
            v
        })
        .collect();
    let inst = Instance {
        entries: &entries,
        judges: &judges,
        conflicts: &conflicts,
    };
    c.bench_function("balanced assignment 2000 entries x 30 judges, k = 3", |b| {
        b.iter(|| assign::balanced(black_box(&inst), 3).unwrap())
    });
}

fn bench_duplicates(c: &mut Criterion) {
    let words = [
        "cải", "cách", "thủ", "tục", "hành", "chính", "hồ", "sơ", "một", "cửa", "điện", "tử",
        "người", "dân", "doanh", "nghiệp", "tiếp", "nhận", "trả", "kết", "quả", "xã", "huyện",
        "số", "hóa", "dịch", "vụ", "công", "trực", "tuyến", "phần", "mềm", "quản", "lý",
    ];
    let mut rng = Rng(42);
    let mut text = |n: usize| {
        (0..n)
            .map(|_| words[(rng.next() % words.len() as u64) as usize])
            .collect::<Vec<_>>()
            .join(" ")
    };
    // About 2,000 characters each, like the description sections of a real entry.
    let earlier: Vec<String> = (0..10_000).map(|_| text(400)).collect();
    let one = text(400);
    c.bench_function(
        "duplicate check: 1 entry against 10000 (shingles computed each time)",
        |b| {
            b.iter(|| {
                let me = similarity::shingles(black_box(&one));
                earlier
                    .iter()
                    .map(|t| similarity::jaccard(&me, &similarity::shingles(t)))
                    .fold(0.0f64, f64::max)
            })
        },
    );
    let prepared: Vec<similarity::Shingles> =
        earlier.iter().map(|t| similarity::shingles(t)).collect();
    c.bench_function(
        "duplicate check: 1 entry against 10000 (shingles stored)",
        |b| {
            b.iter(|| {
                let me = similarity::shingles(black_box(&one));
                prepared
                    .iter()
                    .map(|s| similarity::jaccard(&me, s))
                    .fold(0.0f64, f64::max)
            })
        },
    );
}

criterion_group! {
    name = scale;
    config = Criterion::default().sample_size(10);
    targets = bench_ranking, bench_assignment, bench_duplicates
}
criterion_main!(scale);
