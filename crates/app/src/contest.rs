//! Contests (SPEC §3.1): who sees which, creating and changing one with every setting
//! validated at once, moving it along its state machine, and its audit log.

use std::collections::HashMap;

use sangkien_domain::{
    ValidationErrors,
    account::Role,
    contest::{self, ContestInput, ContestSettings, ContestState},
    time, unit as unit_rules,
};
use sangkien_storage::{
    Conn, Store,
    account::Account,
    audit::{self, Actor, AuditView},
    contest::{self as store, ContestRecord, ContestSummary},
    unit,
};

use crate::{App, Error, Listed, Paging, Result, require};

/// Whether `user` may see a contest: an organizer runs the contests of their own unit (the
/// province's, or a unit's internal contest, SPEC §3.9); a focal user sees the contests
/// their unit takes part in once they open; the state decides for everyone else.
pub fn can_see(user: &Account, record: &ContestRecord, participates: bool) -> bool {
    if user.role == Role::Organizer && record.settings.organizer_unit_code != user.unit_code {
        return false;
    }
    contest::can_view(user.role, record.state, participates)
}

/// Loads a contest the account may see; 404 otherwise (also for contests that exist
/// but are hidden from this account).
pub async fn visible(conn: &mut Conn, user: &Account, id: i64) -> Result<ContestRecord> {
    let record = store::get(conn, id)
        .await?
        .ok_or_else(|| Error::not_found("cuộc thi"))?;
    visible_record(conn, user, record).await
}

/// [`visible`] for a contest already read.
pub async fn visible_record(
    conn: &mut Conn,
    user: &Account,
    record: ContestRecord,
) -> Result<ContestRecord> {
    let participates =
        user.role == Role::Focal && store::is_participant(conn, record.id, &user.unit_code).await?;
    if can_see(user, &record, participates) {
        Ok(record)
    } else {
        Err(Error::not_found("cuộc thi"))
    }
}

/// The contests an account may see.
pub async fn visible_list(conn: &mut Conn, user: &Account) -> Result<Vec<ContestSummary>> {
    Ok(match user.role {
        Role::Focal => store::list_for_participant(conn, &user.unit_code).await?,
        Role::Organizer => store::list(conn)
            .await?
            .into_iter()
            .filter(|c| c.organizer_unit_code == user.unit_code)
            .collect(),
        _ => store::list(conn).await?,
    })
}

/// The contests the caller may see.
pub async fn list(app: &App, user: &Account) -> Result<Vec<ContestSummary>> {
    let mut conn = app.store.reader().await?;
    visible_list(&mut conn, user).await
}

/// One contest the caller may see.
pub async fn get(app: &App, user: &Account, id: i64) -> Result<ContestRecord> {
    let mut conn = app.store.reader().await?;
    visible(&mut conn, user, id).await
}

/// The contests an organizer's unit takes part in: the possible parents of an internal
/// contest (SPEC §3.9), newest first.
pub async fn parent_choices(app: &App, organizer: &Account) -> Result<Vec<ContestSummary>> {
    require(organizer, &[Role::Organizer])?;
    let mut conn = app.store.reader().await?;
    Ok(store::list_for_participant(&mut conn, &organizer.unit_code).await?)
}

/// Creates a contest of the organizer's own unit.
pub async fn create(app: &App, organizer: &Account, input: &ContestInput) -> Result<ContestRecord> {
    require(organizer, &[Role::Organizer])?;
    let mut tx = app.store.begin().await?;
    let units = unit::active_codes(&mut tx).await?;
    let settings = contest::validate(input, &|c| units.contains(c))?;
    if settings.organizer_unit_code != organizer.unit_code {
        return Err(Error::field(
            "organizer_unit_code",
            "Bạn chỉ tạo được cuộc thi do đơn vị mình tổ chức.",
        ));
    }
    check_parent(&mut tx, &settings, None).await?;
    check_participants_dated(&mut tx, &settings, &[]).await?;
    let record = store::create(
        &mut tx,
        &Actor::user(&organizer.username, app.now()),
        &settings,
    )
    .await?;
    Store::commit(tx).await?;
    Ok(record)
}

/// Participants must exist on the contest's opening day (units are dated: a district
/// that ended on 30/06/2025 takes no part in a 2026 contest). `already` are participants
/// the contest had with the same opening day, left as they were.
async fn check_participants_dated(
    conn: &mut Conn,
    settings: &ContestSettings,
    already: &[String],
) -> Result<()> {
    let day = time::date_vn(settings.opens_at);
    let list = unit::list(conn).await?;
    let now_is = crate::unit::now_is_of(&list);
    let units: HashMap<&str, &unit::Unit> = list.iter().map(|u| (u.code.as_str(), u)).collect();
    let mut errors = ValidationErrors::new();
    for (i, code) in settings.participant_unit_codes.iter().enumerate() {
        let Some(u) = units.get(code.as_str()).filter(|_| !already.contains(code)) else {
            continue;
        };
        let now_is = now_is.get(code).map(String::as_str);
        if let Some(why) = unit_rules::not_valid_on(&u.name, &u.validity, day, now_is) {
            errors.add(format!("participant_unit_codes[{i}]"), why);
        }
    }
    Ok(errors.into_result(())?)
}

/// An internal contest's parent must exist, be another contest, and count the internal
/// contest's organizer unit among its participants (forwarded winners are its entries).
async fn check_parent(
    conn: &mut Conn,
    settings: &ContestSettings,
    own_id: Option<i64>,
) -> Result<()> {
    let Some(parent_id) = settings.parent_contest_id else {
        return Ok(());
    };
    if Some(parent_id) == own_id {
        return Err(Error::field(
            "parent_contest_id",
            "Cuộc thi không thể là cấp trên của chính nó.",
        ));
    }
    let Some(parent) = store::get(conn, parent_id).await? else {
        return Err(Error::field(
            "parent_contest_id",
            "Không có cuộc thi cấp trên với mã này.",
        ));
    };
    if !parent
        .settings
        .participant_unit_codes
        .contains(&settings.organizer_unit_code)
    {
        return Err(Error::field(
            "parent_contest_id",
            format!(
                "Đơn vị tổ chức ({}) không có trong danh sách đơn vị tham gia cuộc thi cấp trên «{}».",
                settings.organizer_unit_code, parent.settings.title
            ),
        ));
    }
    Ok(())
}

/// Changes a contest: `edit` turns the current settings (in their input shape) into the
/// new ones, which are validated as a whole and checked against what the contest's
/// state still allows to change.
pub async fn update(
    app: &App,
    organizer: &Account,
    id: i64,
    edit: impl FnOnce(ContestInput) -> Result<ContestInput>,
) -> Result<ContestRecord> {
    require(organizer, &[Role::Organizer])?;
    let mut tx = app.store.begin().await?;
    let before = visible(&mut tx, organizer, id).await?;
    let input = edit(before.settings.to_input())?;
    let units = unit::active_codes(&mut tx).await?;
    let mut after = contest::validate(&input, &|c| {
        units.contains(c)
            || before
                .settings
                .participant_unit_codes
                .iter()
                .any(|p| p == c)
    })?;
    // Settings the organizer has edited are theirs, no longer the demo's example.
    if after != before.settings {
        after.example_settings = false;
    }
    contest::change_allowed(before.state, &before.settings, &after)?;
    if after.organizer_unit_code != organizer.unit_code {
        return Err(Error::field(
            "organizer_unit_code",
            "Không thể chuyển cuộc thi sang đơn vị tổ chức khác.",
        ));
    }
    check_parent(&mut tx, &after, Some(id)).await?;
    let unchanged: &[String] = if after.opens_at == before.settings.opens_at {
        &before.settings.participant_unit_codes
    } else {
        &[]
    };
    check_participants_dated(&mut tx, &after, unchanged).await?;
    if after != before.settings {
        store::update(
            &mut tx,
            &Actor::user(&organizer.username, app.now()),
            &before,
            &after,
        )
        .await?;
    }
    let record = store::get(&mut tx, id)
        .await?
        .ok_or_else(|| Error::not_found("cuộc thi"))?;
    Store::commit(tx).await?;
    Ok(record)
}

/// The error of a state change that another request made first.
pub fn concurrent_change() -> Error {
    Error::conflict(
        "concurrent_change",
        "Cuộc thi vừa được người khác chuyển trạng thái; hãy tải lại trang.",
    )
}

/// Moves a contest along its state machine for the caller. Approval goes through
/// [`crate::award::approve`] (it needs the decision); publishing computes and stores the
/// public results in the same transaction.
pub async fn transition(
    app: &App,
    user: &Account,
    id: i64,
    to: &str,
    reason: Option<&str>,
) -> Result<ContestRecord> {
    let Some(to) = ContestState::parse(to.trim()) else {
        return Err(Error::field(
            "to",
            "Trạng thái đích phải là một trong: open, closed, judging, deliberation, approved, published, archived.",
        ));
    };
    let mut tx = app.store.begin().await?;
    let record = visible(&mut tx, user, id).await?;
    let now = app.now();
    contest::check_transition(&record.settings, record.state, to, user.role, now, reason)?;
    if to == ContestState::Judging && record.state == ContestState::Closed {
        let mut running = Vec::new();
        for x in sangkien_storage::entry::extensions(&mut tx, id).await? {
            let name = unit::get(&mut tx, &x.unit_code)
                .await?
                .map_or(x.unit_code, |u| u.name);
            running.push((name, x.until));
        }
        sangkien_domain::entry::check_extensions_over(&running, now)?;
        crate::judging::assignment::check_ready_for_judging(&mut tx, &record).await?;
    }
    if to == ContestState::Approved {
        return Err(Error::conflict(
            "decision_required",
            "Phê duyệt khen thưởng cần số, ngày và người ký quyết định: dùng «Phê duyệt khen thưởng» (POST /contests/{id}/awards/approve).",
        ));
    }
    if to == ContestState::Published {
        crate::publication::publish(&mut tx, user, id, now).await?;
    }
    if !store::set_state(
        &mut tx,
        &Actor::user(&user.username, now),
        id,
        record.state,
        to,
        reason,
    )
    .await?
    {
        return Err(concurrent_change());
    }
    let updated = store::get(&mut tx, id)
        .await?
        .ok_or_else(|| Error::not_found("cuộc thi"))?;
    announce(&mut tx, &updated, now).await?;
    Store::commit(tx).await?;
    Ok(updated)
}

/// Tells the people a step of the contest concerns, in the step's transaction: the
/// participating units when it opens, closes and publishes (and the winners' units
/// which prize they won), the council when judging starts.
async fn announce(conn: &mut Conn, c: &ContestRecord, now: i64) -> Result<()> {
    use crate::notify::{self, Note};
    let s = &c.settings;
    let deadline = sangkien_domain::time::display_vn(s.submission_deadline);
    let (subject, body) = match c.state {
        ContestState::Open => (
            format!("Mở nhận bài: {}", s.title),
            format!(
                "Cuộc thi «{}» đã mở nhận bài. Hạn nộp: {deadline}. Mỗi đơn vị nộp ít nhất {} sáng kiến.",
                s.title, s.min_entries_per_unit
            ),
        ),
        ContestState::Closed => (
            format!("Hết hạn nộp bài: {}", s.title),
            format!(
                "Cuộc thi «{}» đã hết hạn nộp bài ({deadline}). Ban Tổ chức xét điều kiện các sáng kiến đã nộp và báo kết quả cho đơn vị.",
                s.title
            ),
        ),
        ContestState::Published => (
            format!("Công bố kết quả: {}", s.title),
            format!(
                "Kết quả cuộc thi «{}» đã được công bố trên trang kết quả công khai và thư viện sáng kiến.",
                s.title
            ),
        ),
        ContestState::Judging => {
            let body = format!(
                "Cuộc thi «{}» bắt đầu chấm điểm. Đồng chí vào mục «Chấm điểm» của cuộc thi để chấm các sáng kiến được phân công.",
                s.title
            );
            let note = Note {
                contest_id: Some(c.id),
                kind: "judging_started",
                subject: format!("Bắt đầu chấm điểm: {}", s.title),
                body: &body,
            };
            for m in sangkien_storage::judging::members(conn, c.id).await? {
                if let Some(a) = sangkien_storage::account::get(conn, &m.username).await? {
                    notify::account(conn, now, &a, &note).await?;
                }
            }
            return Ok(());
        }
        _ => return Ok(()),
    };
    let note = Note {
        contest_id: Some(c.id),
        kind: c.state.as_str(),
        subject,
        body: &body,
    };
    for code in &s.participant_unit_codes {
        notify::unit(conn, now, code, &note).await?;
    }
    if c.state == ContestState::Published {
        let list = sangkien_storage::award::list(conn, c.id).await?;
        for a in list.iter().flat_map(|l| l.awards.iter()) {
            let (Some(tier), Some(e)) = (
                a.tier,
                sangkien_storage::entry::get(conn, a.entry_id).await?,
            ) else {
                continue;
            };
            let body = format!(
                "Sáng kiến «{}» của đơn vị đạt {} cuộc thi «{}». Xin chúc mừng!",
                e.content.title,
                sangkien_domain::labels::Label::vi(&tier),
                s.title
            );
            let note = Note {
                contest_id: Some(c.id),
                kind: "won",
                subject: format!("Đạt giải: {}", e.content.title),
                body: &body,
            };
            notify::unit(conn, now, &e.unit_code, &note).await?;
        }
    }
    Ok(())
}

/// A contest's audit log, a page at a time (organizers).
pub async fn audit_log(
    app: &App,
    organizer: &Account,
    id: i64,
    paging: Paging,
) -> Result<Listed<AuditView>> {
    require(organizer, &[Role::Organizer])?;
    let mut conn = app.store.reader().await?;
    visible(&mut conn, organizer, id).await?;
    let (items, total) =
        audit::list_for_contest(&mut conn, id, paging.per_page, paging.offset()).await?;
    Ok(Listed {
        items,
        total,
        paging,
    })
}

/// A contest with what its page shows beside the settings: the caller's council role,
/// and the names of the units it names.
pub struct Overview {
    pub contest: ContestRecord,
    pub member: Option<sangkien_storage::judging::Member>,
    pub unit_names: std::collections::HashMap<String, String>,
}

/// The contest page's facts, for a caller who may see the contest.
pub async fn overview(app: &App, user: &Account, id: i64) -> Result<Overview> {
    let mut conn = app.store.reader().await?;
    let contest = visible(&mut conn, user, id).await?;
    let member = crate::judging::membership(&mut conn, id, user).await?;
    let unit_names = unit::list(&mut conn)
        .await?
        .into_iter()
        .map(|u| (u.code, u.name))
        .collect();
    Ok(Overview {
        contest,
        member,
        unit_names,
    })
}
