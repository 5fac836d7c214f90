//! The demo walked to a stage of its lifecycle, or through all of it.

use sangkien_files::FileStore;
use sangkien_storage::{Store, account as accounts, contest as contests};

use super::DemoError;

/// Why the full demo could not be walked through (a rule refused a step).
fn step_error(step: &str, e: crate::Error) -> DemoError {
    DemoError::Invalid(format!("{step}: {}", e.message))
}

/// Where `sangkien demo --stage` stops: the contest's state when it is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Open,
    Closed,
    Judging,
    Deliberation,
    Approved,
    Published,
}

impl Stage {
    pub const NAMES: [&'static str; 6] = [
        "open",
        "closed",
        "judging",
        "deliberation",
        "approved",
        "published",
    ];

    pub fn parse(name: &str) -> Option<Stage> {
        let all = [
            Stage::Open,
            Stage::Closed,
            Stage::Judging,
            Stage::Deliberation,
            Stage::Approved,
            Stage::Published,
        ];
        Stage::NAMES.iter().position(|n| *n == name).map(|i| all[i])
    }

    /// The contest's state at this stage.
    pub fn state(self) -> sangkien_domain::contest::ContestState {
        use sangkien_domain::contest::ContestState as S;
        match self {
            Stage::Open => S::Open,
            Stage::Closed => S::Closed,
            Stage::Judging => S::Judging,
            Stage::Deliberation => S::Deliberation,
            Stage::Approved => S::Approved,
            Stage::Published => S::Published,
        }
    }

    /// The instant to serve a demo of this stage at (`serve --clock-start`): while
    /// submissions are open, or just after the walk, before the evaluation ends. A
    /// published demo needs none.
    pub fn clock_start(self) -> Option<&'static str> {
        match self {
            Stage::Open => Some("2021-10-15T09:00:00+07:00"),
            Stage::Published => None,
            _ => Some("2021-11-26T10:30:00+07:00"),
        }
    }
}

/// The demo walked through its whole lifecycle (`demo --full`).
pub async fn load_full(store: &Store, files: &FileStore, now: i64) -> Result<(), DemoError> {
    load_stage(store, files, now, Stage::Published).await
}

/// The demo walked to `stage` with the same operations as the API: closed after the
/// deadline, the council formed, every member assigned every entry, sheets submitted
/// (in `judging` some are still drafts), awards proposed (ties decided with a recorded
/// reason), approved with a decision and published. Trainers and testers start where
/// they need to; a newcomer to `--full` sees results, documents and the feed at once.
pub async fn load_stage(
    store: &Store,
    files: &FileStore,
    now: i64,
    stage: Stage,
) -> Result<(), DemoError> {
    use crate::{award, contest, judging};
    super::load_with_2026(store, files, now).await?;
    if stage == Stage::Open {
        return Ok(());
    }
    // 26/11/2021 10:00 Vietnam time, after the deadline of 31/10/2021.
    let at = 1_637_895_600;
    let app = crate::App::new(
        store.clone(),
        files.clone(),
        std::sync::Arc::new(crate::FixedClock(at)),
    );
    let user = |name: &'static str| {
        let store = store.clone();
        async move {
            let mut conn = store.reader().await?;
            accounts::get(&mut conn, name)
                .await?
                .ok_or_else(|| DemoError::Invalid(format!("tài khoản {name}")))
        }
    };
    let org = user("snv.tochuc").await?;
    let approver = user("ubnd.pheduyet").await?;
    // The 2021 contest: the first one created.
    let id = {
        let mut conn = store.reader().await?;
        contests::list(&mut conn)
            .await?
            .iter()
            .map(|c| c.id)
            .min()
            .ok_or_else(|| DemoError::Invalid("cuộc thi".into()))?
    };
    contest::transition(&app, &org, id, "closed", None)
        .await
        .map_err(|e| step_error("đóng nhận bài", e))?;
    if stage == Stage::Closed {
        return Ok(());
    }
    let members: Vec<judging::council::MemberInput> = [
        ("hd.vpubnd", "chair"),
        ("hd.snv", "vice_chair"),
        ("hd.skhcn", "member"),
        ("hd.stc", "member"),
        ("hd.stp", "clerk"),
    ]
    .iter()
    .map(|(u, r)| judging::council::MemberInput {
        username: u.to_string(),
        role: r.to_string(),
    })
    .collect();
    let council = judging::council::CouncilInput {
        decision: judging::council::DecisionInput {
            number: "2950/QĐ-UBND".into(),
            date: "2021-11-01".into(),
        },
        members: members.clone(),
    };
    judging::council::set(&app, &org, id, &council)
        .await
        .map_err(|e| step_error("thành lập Hội đồng", e))?;
    judging::assignment::assign(
        &app,
        &org,
        id,
        &judging::assignment::AssignInput {
            mode: "all".into(),
            per_entry: None,
        },
    )
    .await
    .map_err(|e| step_error("phân công chấm", e))?;
    contest::transition(&app, &org, id, "judging", None)
        .await
        .map_err(|e| step_error("bắt đầu chấm", e))?;
    let entry_ids: Vec<i64> = {
        let mut conn = store.reader().await?;
        judging::eligible_entries(&mut conn, id)
            .await
            .map_err(|e| step_error("bài dự thi", e))?
            .iter()
            .map(|e| e.id)
            .collect()
    };
    let assigned: Vec<(i64, String)> = {
        let mut conn = store.reader().await?;
        sangkien_storage::judging::assignments(&mut conn, id).await?
    };
    for (j, member) in members.iter().enumerate() {
        let username = &member.username;
        let judge = {
            let mut conn = store.reader().await?;
            accounts::get(&mut conn, username)
                .await?
                .ok_or_else(|| DemoError::Invalid(username.clone()))?
        };
        for (k, entry_id) in entry_ids.iter().enumerate() {
            if !assigned.contains(&(*entry_id, username.clone())) {
                continue;
            }
            // Varied but fixed points: entries apart, judges a little apart.
            let base = 27.0 - 3.0 * k as f64 + (j % 3) as f64 * 0.5;
            let points = [
                ("novelty", base.clamp(5.0, 30.0)),
                ("effectiveness", (base - 1.0).clamp(5.0, 30.0)),
                ("applicability", (base - 0.5).clamp(5.0, 30.0)),
                ("presentation", (8.0 - k as f64 * 0.5).clamp(3.0, 10.0)),
            ];
            let sheet = judging::sheet::SheetInput {
                points: points.iter().map(|(c, p)| (c.to_string(), *p)).collect(),
                comments: Default::default(),
                comment: "Sáng kiến có tính thực tiễn; hồ sơ trình bày rõ ràng.".into(),
            };
            judging::sheet::save(&app, &judge, *entry_id, sheet)
                .await
                .map_err(|e| step_error("lưu phiếu chấm", e))?;
            // In the middle of judging, some sheets are still drafts.
            if stage == Stage::Judging && (j + k) % 2 == 1 {
                continue;
            }
            judging::sheet::submit(&app, &judge, *entry_id)
                .await
                .map_err(|e| step_error("nộp phiếu chấm", e))?;
        }
    }
    if stage == Stage::Judging {
        return Ok(());
    }
    contest::transition(&app, &org, id, "deliberation", None)
        .await
        .map_err(|e| step_error("xét chọn", e))?;
    if stage == Stage::Deliberation {
        return Ok(());
    }
    let proposed = award::propose(&app, &org, id)
        .await
        .map_err(|e| step_error("đề xuất giải", e))?;
    if proposed.flags().iter().any(|f| !f.resolved) {
        return Err(DemoError::Invalid(
            "đề xuất giải của dữ liệu minh họa có trường hợp bằng điểm".into(),
        ));
    }
    // The council meets the day the list is proposed: everyone present, the four who
    // vote in favour (the clerk takes the minutes).
    judging::meeting::put(
        &app,
        &org,
        id,
        &judging::meeting::MeetingInput {
            held_on: "2021-11-26".into(),
            present: members.iter().map(|m| m.username.clone()).collect(),
            votes_for: 4,
        },
    )
    .await
    .map_err(|e| step_error("họp Hội đồng", e))?;
    award::approve(
        &app,
        &approver,
        id,
        &award::DecisionInput {
            number: "2468".into(),
            date: "2021-11-26".into(),
            signer: "Lê Hải Hòa".into(),
        },
    )
    .await
    .map_err(|e| step_error("phê duyệt", e))?;
    if stage == Stage::Approved {
        return Ok(());
    }
    contest::transition(&app, &org, id, "published", None)
        .await
        .map_err(|e| step_error("công bố", e))?;
    Ok(())
}
