//! The list on its way to the approver and back: submission, return with a reason,
//! the organizer's memo (number and date) and the approver's decision.

use super::*;

/// The approver's unit approves the awards of the contest's organizer unit (or its
/// direct superior does); anyone else is told whose decision it is.
async fn check_approver_unit(
    conn: &mut Conn,
    user: &Account,
    contest: &ContestRecord,
) -> Result<()> {
    let units = unit_tree(conn).await?;
    let organizer = &contest.settings.organizer_unit_code;
    if award::may_approve(&user.unit_code, organizer, &|c| units.get(c).cloned()) {
        return Ok(());
    }
    let name = sangkien_storage::unit::get(conn, organizer)
        .await?
        .map_or_else(|| organizer.clone(), |u| u.name);
    Err(Error::new(
        ErrorKind::Forbidden,
        "approver_of_another_unit",
        format!(
            "Khen thưởng của cuộc thi này do lãnh đạo {name} (hoặc cấp trên trực tiếp) phê duyệt; tài khoản của bạn thuộc đơn vị khác."
        ),
    ))
}

type UnitTree =
    std::collections::HashMap<String, (sangkien_domain::unit::UnitKind, Option<String>)>;

async fn unit_tree(conn: &mut Conn) -> Result<UnitTree> {
    Ok(sangkien_storage::unit::list(conn)
        .await?
        .into_iter()
        .map(|u| (u.code, (u.kind, u.parent_code)))
        .collect())
}

/// The organizer submits the current list to the approver, who is told in the inbox and
/// by e-mail. The list must rest on the current ranking and have no open flag.
pub async fn submit(app: &App, user: &Account, id: i64) -> Result<Awards> {
    user_is(user, Role::Organizer)?;
    let mut tx = app.store.begin().await?;
    let a = load(&mut tx, user, id).await?;
    if a.contest().state != ContestState::Deliberation {
        return Err(not_in_deliberation(a.contest().state));
    }
    check_current(&a)?;
    award::check_ready(&a.flags())?;
    if a.review
        .as_ref()
        .is_some_and(|r| r.status == ReviewStatus::Submitted)
    {
        return Err(Error::conflict(
            "already_submitted",
            "Danh sách giải đã được trình phê duyệt; đang chờ người phê duyệt.",
        ));
    }
    let now = app.now();
    store::set_review(
        &mut tx,
        &Actor::user(&user.username, now),
        id,
        ReviewStatus::Submitted,
        "",
    )
    .await?;
    let units = unit_tree(&mut tx).await?;
    let organizer = a.contest().settings.organizer_unit_code.clone();
    let body = format!(
        "Ban Tổ chức đã trình danh sách đề xuất khen thưởng của «{}» ({} giải). Xin mời xem và phê duyệt, hoặc trả lại kèm lý do, tại trang «Khen thưởng» của cuộc thi.",
        a.contest().settings.title,
        a.winners().len()
    );
    let note = Note {
        contest_id: Some(id),
        kind: "awards_submitted",
        subject: "Đề nghị phê duyệt khen thưởng".into(),
        body: &body,
    };
    for approver in sangkien_storage::account::list(&mut tx).await? {
        if approver.role == Role::Approver
            && approver.active
            && award::may_approve(&approver.unit_code, &organizer, &|c| units.get(c).cloned())
        {
            notify::account(&mut tx, now, &approver, &note).await?;
        }
    }
    let a = load(&mut tx, user, id).await?;
    Store::commit(tx).await?;
    Ok(a)
}

/// The approver returns the list to the organizer with a reason; the contest stays in
/// deliberation, and the organizer's unit is told why.
pub async fn return_list(app: &App, user: &Account, id: i64, reason: &str) -> Result<Awards> {
    let mut tx = app.store.begin().await?;
    let contest = crate::contest::visible(&mut tx, user, id).await?;
    sangkien_domain::contest::check_role(ContestState::Approved, user.role)?;
    check_approver_unit(&mut tx, user, &contest).await?;
    if contest.state != ContestState::Deliberation {
        return Err(not_in_deliberation(contest.state));
    }
    let mut e = ValidationErrors::new();
    let reason = text::check(&mut e, "reason", "Lý do trả lại", reason, 1, 2000);
    e.into_result(())?;
    let a = load(&mut tx, user, id).await?;
    if a.list.is_none() {
        return Err(Error::conflict(
            "not_proposed",
            "Ban Tổ chức chưa lập danh sách giải: chưa có gì để trả lại.",
        ));
    }
    let now = app.now();
    store::set_review(
        &mut tx,
        &Actor::user(&user.username, now),
        id,
        ReviewStatus::Returned,
        &reason,
    )
    .await?;
    let body = format!(
        "{} đã trả lại danh sách đề xuất khen thưởng của «{}».\n\nLý do: {reason}\n\nXin điều chỉnh và trình lại tại trang «Khen thưởng» của cuộc thi.",
        user.full_name, contest.settings.title
    );
    let note = Note {
        contest_id: Some(id),
        kind: "awards_returned",
        subject: "Danh sách khen thưởng bị trả lại".into(),
        body: &body,
    };
    for organizer in sangkien_storage::account::list(&mut tx).await? {
        if organizer.role == Role::Organizer
            && organizer.active
            && organizer.unit_code == contest.settings.organizer_unit_code
        {
            notify::account(&mut tx, now, &organizer, &note).await?;
        }
    }
    let a = load(&mut tx, user, id).await?;
    Store::commit(tx).await?;
    Ok(a)
}

/// The memo's number and date, as the organizer records them once it is signed.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct MemoInput {
    pub number: String,
    pub date: String,
}

/// Records the number and date of the organizer's memo (organizers, in deliberation or
/// once approved): the decision then cites it.
pub async fn record_memo(app: &App, user: &Account, id: i64, m: &MemoInput) -> Result<Awards> {
    user_is(user, Role::Organizer)?;
    let mut tx = app.store.begin().await?;
    let a = load(&mut tx, user, id).await?;
    let state = a.contest().state;
    if !matches!(state, ContestState::Deliberation | ContestState::Approved) {
        return Err(Error::wrong_state(
            state.as_str(),
            "deliberation|approved",
            "Chỉ ghi số và ngày tờ trình khi đang xét chọn hoặc đã phê duyệt (trước khi công bố).",
        ));
    }
    if a.list.is_none() {
        return Err(Error::conflict(
            "no_proposal",
            "Chưa có danh sách giải để trình: hãy đề xuất giải trước.",
        ));
    }
    let now = app.now();
    let mut e = ValidationErrors::new();
    let number = text::check(&mut e, "number", "Số tờ trình", &m.number, 1, 50);
    let date = sangkien_domain::time::parse_date(&m.date);
    match date {
        None => e.add(
            "date",
            "Ngày tờ trình phải có dạng YYYY-MM-DD, ví dụ 2021-11-22.",
        ),
        Some(d) => {
            let final_at =
                sangkien_storage::audit::last_transition_at(&mut tx, id, "deliberation").await?;
            let decided = a
                .decision
                .as_ref()
                .and_then(|x| sangkien_domain::time::parse_date(&x.date));
            if let Some(problem) = award::memo_date_problem(
                d,
                sangkien_domain::time::date_vn(now),
                final_at.map(sangkien_domain::time::date_vn),
                decided,
            ) {
                e.add("date", problem);
            }
        }
    }
    e.into_result(())?;
    let date = date.map(|d| d.to_string()).unwrap_or_default();
    store::put_memo(
        &mut tx,
        &Actor::user(&user.username, now),
        id,
        &number,
        &date,
    )
    .await?;
    let a = load(&mut tx, user, id).await?;
    Store::commit(tx).await?;
    Ok(a)
}

/// The approver's decision: its number, date and signer.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct DecisionInput {
    pub number: String,
    pub date: String,
    pub signer: String,
}

/// The approver approves the list with the decision's number, date and signer; the
/// contest moves to `approved`, which locks scores and awards.
pub async fn approve(
    app: &App,
    user: &Account,
    id: i64,
    d: &DecisionInput,
) -> Result<ContestRecord> {
    let mut tx = app.store.begin().await?;
    let contest = crate::contest::visible(&mut tx, user, id).await?;
    let now = app.now();
    // Who may approve comes first (role, then unit), then the state, then the fields.
    sangkien_domain::contest::check_role(ContestState::Approved, user.role)?;
    check_approver_unit(&mut tx, user, &contest).await?;
    sangkien_domain::contest::check_transition(
        &contest.settings,
        contest.state,
        ContestState::Approved,
        user.role,
        now,
        None,
    )?;
    let mut e = ValidationErrors::new();
    let number = text::check(&mut e, "decision.number", "Số quyết định", &d.number, 1, 50);
    let signer = text::check(
        &mut e,
        "decision.signer",
        "Người ký quyết định",
        &d.signer,
        1,
        200,
    );
    let date = sangkien_domain::time::parse_date(&d.date);
    match date {
        None => e.add(
            "decision.date",
            "Ngày quyết định phải có dạng YYYY-MM-DD, ví dụ 2021-11-25.",
        ),
        Some(date) => {
            let final_at =
                sangkien_storage::audit::last_transition_at(&mut tx, id, "deliberation").await?;
            if let Some(problem) = award::decision_date_problem(
                date,
                sangkien_domain::time::date_vn(now),
                final_at.map(sangkien_domain::time::date_vn),
            ) {
                e.add("decision.date", problem);
            }
        }
    }
    let meeting = crate::judging::meeting::view(&mut tx, id).await?;
    let held_on = meeting
        .meeting
        .as_ref()
        .and_then(|m| sangkien_domain::time::parse_date(&m.held_on));
    // One reason per field: a date before the end of judging is also before the meeting.
    let date_refused = e.fields.iter().any(|f| f.field == "decision.date");
    if let (Some(date), Some(held_on)) = (date, held_on)
        && date < held_on
        && !date_refused
    {
        e.add(
            "decision.date",
            format!(
                "Ngày quyết định không thể trước ngày họp Hội đồng ({}).",
                sangkien_domain::time::display_date(held_on)
            ),
        );
    }
    e.into_result(())?;
    let date = date.map(|d| d.to_string()).unwrap_or_default();
    let a = load(&mut tx, user, id).await?;
    check_current(&a)?;
    award::check_ready(&a.flags())?;
    if a.review
        .as_ref()
        .is_some_and(|r| r.status == ReviewStatus::Returned)
    {
        return Err(Error::conflict(
            "awards_returned",
            "Danh sách giải đã được trả lại Ban Tổ chức: chờ Ban Tổ chức điều chỉnh và trình lại rồi mới phê duyệt.",
        ));
    }
    if let Some(refusal) = meeting.approval_blocker() {
        return Err(refusal);
    }
    let actor = Actor::user(&user.username, now);
    store::approve(&mut tx, &actor, id, &number, &date, &signer).await?;
    if !contests::set_state(
        &mut tx,
        &actor,
        id,
        ContestState::Deliberation,
        ContestState::Approved,
        None,
    )
    .await?
    {
        return Err(crate::contest::concurrent_change());
    }
    let updated = contests::get(&mut tx, id)
        .await?
        .ok_or_else(|| Error::not_found("cuộc thi"))?;
    Store::commit(tx).await?;
    Ok(updated)
}
