//! The ranking (SPEC §4) and the judging progress: computed from the submitted sheets by
//! the domain's exact ranking. Organizers and approvers see every entry, so theirs is
//! computed once per change and kept.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, OnceLock},
};

use bytes::Bytes;

use sangkien_domain::{
    account::Role,
    contest::Aggregation,
    judging::{
        self, RankRow,
        agreement::{self, Outlier},
        council as rules,
    },
};
use sangkien_storage::{Conn, account::Account, entry::EntrySummary, judging as store};
use serde::Serialize;
use serde_json::{Value, json};

use super::{Scores, scores_for};
use crate::json::{ToJson, json_serialize};
use crate::{App, Result, contest};

/// contest id → (judging version, contest `updated_at`, ranking).
pub type Cache = HashMap<i64, (i64, i64, Arc<Ranking>)>;

/// The ranking rows of the submitted sheets, by the contest's rubric and method.
pub fn rank_rows(sc: &Scores) -> Vec<RankRow> {
    let s = &sc.contest.settings;
    let criteria: Vec<String> = s.criteria.iter().map(|c| c.code.clone()).collect();
    judging::rank(
        &sc.submitted,
        &criteria,
        &s.tie_break,
        s.aggregation,
        s.rubric_total(),
    )
}

/// One ranked entry.
#[derive(Debug, Clone)]
pub struct Ranked {
    pub row: RankRow,
    pub entry: Option<EntrySummary>,
    /// The judges whose total is far from the entry's mean.
    pub outlier_judges: Vec<String>,
    /// How many sheets the entry should get (its assigned judges).
    pub expected_sheets: usize,
}

impl Ranked {
    /// Whether every assigned judge's sheet is in: until then the entry's place is not
    /// final, and an equal score is not yet a tie.
    pub fn complete(&self) -> bool {
        self.row.judge_totals.len() >= self.expected_sheets
    }
}

/// The ranking: rank, entry, title, unit, score, judge totals, criterion means, tied.
#[derive(Debug, Clone)]
pub struct Ranking {
    pub aggregation: Aggregation,
    pub rows: Vec<Ranked>,
    /// Its JSON, written once: a kept ranking is read far more often than it changes.
    text: OnceLock<Bytes>,
}

impl Ranking {
    pub fn of(sc: &Scores) -> Ranking {
        let s = &sc.contest.settings;
        let outliers =
            agreement::outliers(&sc.submitted, s.outlier_threshold_percent, s.rubric_total());
        let mut expected: HashMap<i64, usize> = HashMap::new();
        for (entry, _) in &sc.assigned {
            *expected.entry(*entry).or_default() += 1;
        }
        let rows = rank_rows(sc)
            .into_iter()
            .map(|row| Ranked {
                entry: sc.entries.iter().find(|e| e.id == row.entry_id).cloned(),
                expected_sheets: expected.get(&row.entry_id).copied().unwrap_or(0),
                outlier_judges: outliers
                    .iter()
                    .filter(|o| o.entry_id == row.entry_id)
                    .map(|o| o.judge.clone())
                    .collect(),
                row,
            })
            .collect();
        Ranking {
            aggregation: s.aggregation,
            rows,
            text: OnceLock::new(),
        }
    }

    /// The ranking as the API's JSON text, written the first time it is asked for.
    pub fn json_text(&self) -> Bytes {
        self.text
            .get_or_init(|| Bytes::from(serde_json::to_vec(&self.to_json()).unwrap_or_default()))
            .clone()
    }
}

impl ToJson for Ranking {
    fn to_json(&self) -> Value {
        let items: Vec<Value> = self
            .rows
            .iter()
            .map(|x| {
                let (r, e) = (&x.row, x.entry.as_ref());
                json!({
                    "rank": r.rank, "entry_id": r.entry_id,
                    "title": e.map(|e| e.title.clone()), "unit_code": e.map(|e| e.unit_code.clone()),
                    "unit_name": e.map(|e| e.unit_name.clone()),
                    "score": r.score.as_points_f64(), "score_display": r.score.rounded().display_vi(),
                    "mean": r.mean.as_points_f64(), "zscore": r.zscore,
                    "judge_totals": r.judge_totals.iter().map(|(j, t)| json!({"username": j, "total": t})).collect::<Vec<_>>(),
                    "criterion_means": r.criterion_means.iter().map(|(c, m)| (c.clone(), json!(m.as_points_f64()))).collect::<serde_json::Map<_, _>>(),
                    "sheets": r.judge_totals.len(), "sheets_expected": x.expected_sheets,
                    "complete": x.complete(), "tied": r.tied,
                    "outlier_judges": x.outlier_judges,
                })
            })
            .collect();
        json!({"aggregation": self.aggregation.as_str(), "ranking": items})
    }
}

json_serialize!(Ranking);

/// The ranking for a caller. Organizers' and approvers' is kept per contest, keyed by
/// the contest's judging version (bumped by every council, conflict, assignment and
/// sheet change) and its last change (state, settings). The chair's view, which leaves
/// out their conflicts, is computed.
pub async fn ranking_for(
    app: &App,
    conn: &mut Conn,
    caller: &Account,
    id: i64,
) -> Result<Arc<Ranking>> {
    if !matches!(caller.role, Role::Organizer | Role::Approver) {
        return Ok(Arc::new(Ranking::of(
            &scores_for(conn, caller, id, true).await?,
        )));
    }
    let contest = contest::visible(conn, caller, id).await?;
    super::may_see_scores(caller, false, true, &contest)?;
    let key = (store::version(conn, id).await?, contest.updated_at);
    let cached = app.rankings.lock().ok().and_then(|c| {
        c.get(&id)
            .filter(|(v, u, _)| (*v, *u) == key)
            .map(|(_, _, r)| r.clone())
    });
    if let Some(ranking) = cached {
        return Ok(ranking);
    }
    let ranking = Arc::new(Ranking::of(&scores_for(conn, caller, id, true).await?));
    if let Ok(mut cache) = app.rankings.lock() {
        cache.insert(id, (key.0, key.1, ranking.clone()));
    }
    Ok(ranking)
}

/// The ranking for a caller ([`ranking_for`]).
pub async fn ranking(app: &App, caller: &Account, id: i64) -> Result<Arc<Ranking>> {
    let mut conn = app.store.reader().await?;
    ranking_for(app, &mut conn, caller, id).await
}

/// [`ranking_for`] with the contest it ranks.
pub async fn get(
    app: &App,
    caller: &Account,
    id: i64,
) -> Result<(sangkien_storage::contest::ContestRecord, Arc<Ranking>)> {
    let mut conn = app.store.reader().await?;
    let ranking = ranking_for(app, &mut conn, caller, id).await?;
    let contest = contest::visible(&mut conn, caller, id).await?;
    Ok((contest, ranking))
}

/// One judge's progress.
#[derive(Debug, Clone, Serialize)]
pub struct JudgeProgress {
    pub username: String,
    pub full_name: String,
    pub role: String,
    pub assigned: usize,
    pub submitted: usize,
    pub drafts: usize,
    pub unfinished: usize,
}

/// One entry's progress.
#[derive(Debug, Clone, Serialize)]
pub struct EntryProgress {
    pub entry_id: i64,
    pub title: String,
    pub unit_code: String,
    pub assigned: usize,
    pub submitted: usize,
}

/// How the ICC is computed, for the people who read it.
pub const ICC_METHOD: &str = "ICC(1): một chiều, hiệu ứng ngẫu nhiên, trên tổng điểm của từng phiếu; chỉ tính các sáng kiến có từ 2 phiếu đã nộp";

/// Sheets per judge and per entry, outliers, and the agreement figure.
#[derive(Debug, Clone)]
pub struct Progress {
    pub contest: sangkien_storage::contest::ContestRecord,
    pub judges: Vec<JudgeProgress>,
    pub entries: Vec<EntryProgress>,
    pub outliers: Vec<Outlier>,
    pub outlier_threshold_percent: i64,
    pub icc1: Option<f64>,
    pub entries_used: usize,
}

impl ToJson for Progress {
    fn to_json(&self) -> Value {
        let outliers: Vec<Value> = self
            .outliers
            .iter()
            .map(|o| json!({"entry_id": o.entry_id, "username": o.judge, "total": o.total, "mean": o.mean.as_points_f64()}))
            .collect();
        json!({
            "judges": self.judges, "entries": self.entries, "outliers": outliers,
            "outlier_threshold_percent": self.outlier_threshold_percent,
            "agreement": {"icc1": self.icc1, "entries_used": self.entries_used,
                          "method": ICC_METHOD},
        })
    }
}

json_serialize!(Progress);

impl Progress {
    fn of(sc: Scores, assigned: &[(i64, String)]) -> Progress {
        let visible: HashSet<i64> = sc.entries.iter().map(|e| e.id).collect();
        let assigned: Vec<&(i64, String)> = assigned
            .iter()
            .filter(|(e, _)| visible.contains(e))
            .collect();
        let state_of = |e: i64, u: &str| {
            sc.sheets
                .iter()
                .find(|s| s.entry_id == e && s.username == u)
                .map_or("empty", |s| s.state.as_str())
        };
        let judges = sc
            .members
            .iter()
            .filter(|m| rules::role_scores(&m.role))
            .map(|m| {
                let mine: Vec<i64> = assigned
                    .iter()
                    .filter(|(_, u)| *u == m.username)
                    .map(|(e, _)| *e)
                    .collect();
                let count = |state: &str| {
                    mine.iter()
                        .filter(|e| state_of(**e, &m.username) == state)
                        .count()
                };
                let submitted = count("submitted");
                JudgeProgress {
                    username: m.username.clone(),
                    full_name: m.full_name.clone(),
                    role: m.role.clone(),
                    assigned: mine.len(),
                    submitted,
                    drafts: count("draft"),
                    unfinished: mine.len() - submitted,
                }
            })
            .collect();
        let entries = sc
            .entries
            .iter()
            .map(|e| {
                let judges: Vec<&String> = assigned
                    .iter()
                    .filter(|(x, _)| *x == e.id)
                    .map(|(_, u)| u)
                    .collect();
                EntryProgress {
                    entry_id: e.id,
                    title: e.title.clone(),
                    unit_code: e.unit_code.clone(),
                    assigned: judges.len(),
                    submitted: judges
                        .iter()
                        .filter(|u| state_of(e.id, u) == "submitted")
                        .count(),
                }
            })
            .collect();
        let s = &sc.contest.settings;
        Progress {
            outliers: agreement::outliers(
                &sc.submitted,
                s.outlier_threshold_percent,
                s.rubric_total(),
            ),
            outlier_threshold_percent: s.outlier_threshold_percent,
            icc1: agreement::icc1(&sc.submitted),
            entries_used: sc.submitted.iter().filter(|e| e.sheets.len() >= 2).count(),
            judges,
            entries,
            contest: sc.contest,
        }
    }
}

/// The judging progress (organizers and the chair, from judging on).
pub async fn progress(app: &App, caller: &Account, id: i64) -> Result<Progress> {
    let mut conn = app.store.reader().await?;
    let sc = scores_for(&mut conn, caller, id, false).await?;
    let assigned = sc.assigned.clone();
    Ok(Progress::of(sc, &assigned))
}
