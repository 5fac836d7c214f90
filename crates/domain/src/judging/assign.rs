//! Assigning judges to entries. Mode `all`: every judge without a conflict scores every
//! entry. Mode `balanced`: each entry gets exactly `k` judges and the loads are as even as
//! the conflicts allow. Balanced assignment is a flow problem (source → entry, capacity k;
//! entry → judge, capacity 1 where there is no conflict; judge → sink, capacity between a
//! lower and an upper load). The smallest feasible upper load is found first, then the
//! largest lower load under it, each by binary search over max-flow feasibility; a greedy
//! loop can paint itself into a corner where a solution exists, a flow cannot.

use std::collections::{BTreeMap, HashSet, VecDeque};

/// An entry and how many non-conflicted judges it has, for an infeasible instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortfall {
    pub entry_id: i64,
    pub available: usize,
    pub needed: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssignError {
    /// Some entries cannot get their judges; each is named with what it has.
    Infeasible(Vec<Shortfall>),
}

/// The problem: entries, judges, and the (entry, judge) pairs in conflict.
#[derive(Debug, Clone)]
pub struct Instance<'a> {
    pub entries: &'a [i64],
    pub judges: &'a [String],
    pub conflicts: &'a HashSet<(i64, String)>,
}

impl Instance<'_> {
    fn free(&self, entry: i64, judge: &str) -> bool {
        !self.conflicts.contains(&(entry, judge.to_string()))
    }

    fn shortfalls(&self, needed: usize) -> Vec<Shortfall> {
        self.entries
            .iter()
            .map(|&e| Shortfall {
                entry_id: e,
                available: self.judges.iter().filter(|j| self.free(e, j)).count(),
                needed,
            })
            .filter(|s| s.available < needed)
            .collect()
    }
}

/// Every non-conflicted judge scores every entry; each entry needs at least `min_judges`.
pub fn all(inst: &Instance, min_judges: usize) -> Result<Vec<(i64, String)>, AssignError> {
    let short = inst.shortfalls(min_judges);
    if !short.is_empty() {
        return Err(AssignError::Infeasible(short));
    }
    Ok(inst
        .entries
        .iter()
        .flat_map(|&e| {
            inst.judges
                .iter()
                .filter(move |j| inst.free(e, j))
                .map(move |j| (e, j.clone()))
        })
        .collect())
}

/// Each entry gets exactly `k` distinct non-conflicted judges; the judges' loads are
/// as even as possible (max − min ≤ 1 whenever the conflicts allow it).
pub fn balanced(inst: &Instance, k: usize) -> Result<Vec<(i64, String)>, AssignError> {
    let short = inst.shortfalls(k);
    if !short.is_empty() {
        return Err(AssignError::Infeasible(short));
    }
    let (e, j) = (inst.entries.len(), inst.judges.len());
    if e == 0 || k == 0 {
        return Ok(Vec::new());
    }
    let total = e * k;
    // Smallest upper load that lets every entry get k judges.
    let mut lo = total.div_ceil(j);
    let mut hi = e;
    match solve(inst, k, 0, hi) {
        Some(_) => {}
        None => {
            // Every entry has k free judges, yet they cannot all be served at once
            // (Hall's condition fails); name the entries the best flow leaves short.
            return Err(AssignError::Infeasible(unserved(inst, k)));
        }
    }
    while lo < hi {
        let mid = (lo + hi) / 2;
        if solve(inst, k, 0, mid).is_some() {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let upper = hi;
    // Largest lower load under that upper load.
    let (mut lo, mut hi) = (0, upper.min(total / j));
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if solve(inst, k, mid, upper).is_some() {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    solve(inst, k, lo, upper).ok_or_else(|| AssignError::Infeasible(unserved(inst, k)))
}

/// The entries a maximum flow without load limits leaves with fewer than k judges.
fn unserved(inst: &Instance, k: usize) -> Vec<Shortfall> {
    let mut net = Network::build(inst, k, 0, inst.entries.len(), false);
    net.max_flow(net.source, net.sink);
    inst.entries
        .iter()
        .enumerate()
        .filter_map(|(i, &id)| {
            let got = net.flow_out_of_entry(i);
            (got < k).then_some(Shortfall {
                entry_id: id,
                available: got,
                needed: k,
            })
        })
        .collect()
}

/// A feasible assignment with every judge's load in [lower, upper], if one exists.
fn solve(inst: &Instance, k: usize, lower: usize, upper: usize) -> Option<Vec<(i64, String)>> {
    if lower > upper {
        return None;
    }
    let mut net = Network::build(inst, k, lower, upper, true);
    // Lower bounds by the usual reduction: each judge → sink edge carries `lower` for
    // free; the judge must send that much more, the sink receives it. A super source and
    // super sink balance it, with sink → source closing the circulation.
    let (ss, tt) = (net.super_source, net.super_sink);
    let demand = net.demand;
    if net.max_flow(ss, tt) < demand {
        return None;
    }
    let mut out = Vec::with_capacity(inst.entries.len() * k);
    for (i, &entry) in inst.entries.iter().enumerate() {
        for (judge, used) in net.entry_edges(i) {
            if used {
                out.push((entry, inst.judges[judge].clone()));
            }
        }
    }
    // Every entry got exactly k (its source edge has lower bound k = upper bound k).
    let per_entry: BTreeMap<i64, usize> = out.iter().fold(BTreeMap::new(), |mut m, (e, _)| {
        *m.entry(*e).or_default() += 1;
        m
    });
    per_entry.values().all(|&n| n == k).then_some(out)
}

struct Edge {
    to: usize,
    cap: i64,
}

/// Dinic's algorithm on an adjacency list of paired edges.
struct Network {
    edges: Vec<Edge>,
    adj: Vec<Vec<usize>>,
    level: Vec<i32>,
    iter: Vec<usize>,
    source: usize,
    sink: usize,
    super_source: usize,
    super_sink: usize,
    demand: i64,
    /// For entry i: (judge index, edge id) of its entry → judge edges.
    entry_judge_edges: Vec<Vec<(usize, usize)>>,
    entry_nodes: usize,
}

impl Network {
    fn new(n: usize) -> Network {
        Network {
            edges: Vec::new(),
            adj: vec![Vec::new(); n],
            level: vec![0; n],
            iter: vec![0; n],
            source: 0,
            sink: 0,
            super_source: 0,
            super_sink: 0,
            demand: 0,
            entry_judge_edges: Vec::new(),
            entry_nodes: 0,
        }
    }

    fn add(&mut self, from: usize, to: usize, cap: i64) -> usize {
        let id = self.edges.len();
        self.edges.push(Edge { to, cap });
        self.adj[from].push(id);
        self.edges.push(Edge { to: from, cap: 0 });
        self.adj[to].push(id + 1);
        id
    }

    /// Nodes: source, sink, entries, judges, super source, super sink. With `forced`,
    /// entry edges have lower = upper = k and judge edges [lower, upper] (a circulation
    /// through the super nodes); without, source → entry edges simply have capacity k.
    fn build(inst: &Instance, k: usize, lower: usize, upper: usize, forced: bool) -> Network {
        let (e, j) = (inst.entries.len(), inst.judges.len());
        let (source, sink) = (0, 1);
        let entry = |i: usize| 2 + i;
        let judge = |i: usize| 2 + e + i;
        let (ss, tt) = (2 + e + j, 3 + e + j);
        let mut net = Network::new(4 + e + j);
        net.source = source;
        net.sink = sink;
        net.super_source = ss;
        net.super_sink = tt;
        net.entry_nodes = e;
        let mut excess = vec![0i64; 4 + e + j];
        let k = k as i64;
        for i in 0..e {
            if forced {
                // source → entry with lower bound k and capacity k: all of it is forced.
                excess[source] -= k;
                excess[entry(i)] += k;
            } else {
                net.add(source, entry(i), k);
            }
        }
        net.entry_judge_edges = vec![Vec::new(); e];
        for (i, &id) in inst.entries.iter().enumerate() {
            for (ji, name) in inst.judges.iter().enumerate() {
                if inst.free(id, name) {
                    let edge = net.add(entry(i), judge(ji), 1);
                    net.entry_judge_edges[i].push((ji, edge));
                }
            }
        }
        for ji in 0..j {
            net.add(judge(ji), sink, (upper - lower) as i64);
            excess[judge(ji)] -= lower as i64;
            excess[sink] += lower as i64;
        }
        if !forced {
            return net;
        }
        net.add(sink, source, i64::MAX / 4);
        for (node, &x) in excess.iter().enumerate() {
            if x > 0 {
                net.add(ss, node, x);
                net.demand += x;
            } else if x < 0 {
                net.add(node, tt, -x);
            }
        }
        net
    }

    fn bfs(&mut self, s: usize, t: usize) -> bool {
        self.level.iter_mut().for_each(|l| *l = -1);
        self.level[s] = 0;
        let mut queue = VecDeque::from([s]);
        while let Some(v) = queue.pop_front() {
            for &id in &self.adj[v] {
                let Edge { to, cap } = self.edges[id];
                if cap > 0 && self.level[to] < 0 {
                    self.level[to] = self.level[v] + 1;
                    queue.push_back(to);
                }
            }
        }
        self.level[t] >= 0
    }

    fn dfs(&mut self, v: usize, t: usize, pushed: i64) -> i64 {
        if v == t {
            return pushed;
        }
        while self.iter[v] < self.adj[v].len() {
            let id = self.adj[v][self.iter[v]];
            let Edge { to, cap } = self.edges[id];
            if cap > 0 && self.level[to] == self.level[v] + 1 {
                let got = self.dfs(to, t, pushed.min(cap));
                if got > 0 {
                    self.edges[id].cap -= got;
                    self.edges[id ^ 1].cap += got;
                    return got;
                }
            }
            self.iter[v] += 1;
        }
        0
    }

    fn max_flow(&mut self, s: usize, t: usize) -> i64 {
        let mut flow = 0;
        while self.bfs(s, t) {
            self.iter.iter_mut().for_each(|i| *i = 0);
            loop {
                let f = self.dfs(s, t, i64::MAX);
                if f == 0 {
                    break;
                }
                flow += f;
            }
        }
        flow
    }

    /// (judge index, whether the edge carries flow) for entry i.
    fn entry_edges(&self, i: usize) -> Vec<(usize, bool)> {
        self.entry_judge_edges[i]
            .iter()
            .map(|&(j, id)| (j, self.edges[id].cap == 0))
            .collect()
    }

    fn flow_out_of_entry(&self, i: usize) -> usize {
        self.entry_edges(i).iter().filter(|(_, used)| *used).count()
    }
}
