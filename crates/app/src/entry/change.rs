//! Changing entries: create, edit, submit (the unit or the organizer), withdraw (the
//! unit), while the contest and the unit's deadline allow; and screening (the organizer, once
//! submissions are closed).

use sangkien_domain::{
    account::Role,
    contest::ContestState,
    entry::{self, EntryContent, EntryStatus},
    time,
};
use sangkien_storage::{
    Conn, Store, Tx,
    account::Account,
    audit::Actor,
    contest::ContestRecord,
    entry::{self as store, AttachmentRecord, EntryRecord},
};
use serde_json::json;

use super::{EntryDetail, changeable, check_changeable, has_main, not_found, open_unit, visible};
use crate::{
    App, Error, ErrorKind, Result, contest,
    idem::{self, Outcome},
    notify,
};

/// A new entry: the content, and the unit when an organizer creates it for a unit.
#[derive(Debug, Clone, Default)]
pub struct NewEntry {
    pub unit_code: Option<String>,
    pub content: EntryContent,
}

/// An entry just changed in a transaction, with what that transaction already read.
struct Changed {
    entry: EntryRecord,
    contest: ContestRecord,
    /// The current attachments, when the change read them.
    attachments: Option<Vec<AttachmentRecord>>,
}

impl Changed {
    fn existing(entry: EntryRecord, contest: ContestRecord) -> Changed {
        Changed {
            entry,
            contest,
            attachments: None,
        }
    }

    /// The entry as shown, reading only what the change did not.
    async fn detail(self, conn: &mut Conn) -> Result<EntryDetail> {
        let attachments = match self.attachments {
            Some(a) => a,
            None => store::list_attachments(conn, self.entry.id).await?,
        };
        let origin = super::origin_of(conn, self.entry.id).await?;
        Ok(EntryDetail {
            entry: self.entry,
            contest: self.contest,
            attachments,
            origin,
            for_judge: false,
        })
    }
}

/// Creates a draft entry for the focal user's unit, or for the unit an organizer names.
/// `input` is read after a repeated request (same `key`) is recognised.
pub async fn create(
    app: &App,
    user: &Account,
    contest_id: i64,
    key: Option<&idem::Key>,
    input: impl FnOnce() -> Result<NewEntry>,
) -> Result<Outcome<EntryDetail>> {
    let mut tx = app.store.begin().await?;
    if let Some(r) = idem::replay(&mut tx, user, key).await? {
        return Ok(Outcome::Replayed(r));
    }
    let NewEntry { unit_code, content } = input()?;
    let contest = contest::visible(&mut tx, user, contest_id).await?;
    let unit = match user.role {
        Role::Focal => user.unit_code.clone(),
        Role::Organizer => unit_code.ok_or_else(|| {
            Error::field(
                "unit_code",
                "Người tổ chức tạo sáng kiến thay đơn vị cần ghi rõ mã đơn vị (unit_code).",
            )
        })?,
        _ => return Err(Error::forbidden()),
    };
    if !contest.settings.participant_unit_codes.contains(&unit) {
        return Err(Error::field(
            "unit_code",
            format!("Đơn vị «{unit}» không tham gia cuộc thi này."),
        ));
    }
    let now = app.now();
    let unit = open_unit(&mut tx, &contest, &unit, now).await?;
    let content = entry::validate(&content, &contest.settings)?;
    let entry = store::create(
        &mut tx,
        &Actor::user(&user.username, now),
        contest.id,
        &unit,
        &content,
    )
    .await?;
    // Just created: no attachments and no origin yet.
    let detail = EntryDetail {
        entry,
        contest,
        attachments: Vec::new(),
        origin: None,
        for_judge: false,
    };
    idem::commit(app, tx, user, key, detail).await
}

/// Replaces the working copy with what `edit` makes of it. After the first submission
/// every change is checked as a submission and becomes a new version.
pub async fn update(
    app: &App,
    user: &Account,
    id: i64,
    edit: impl FnOnce(&EntryContent) -> Result<EntryContent>,
) -> Result<EntryDetail> {
    let mut tx = app.store.begin().await?;
    let (before, contest) = changeable(&mut tx, user, id).await?;
    let content = edit(&before.content)?;
    let now = app.now();
    check_changeable(&contest, &before, now)?;
    let content = entry::validate(&content, &contest.settings)?;
    let mut changed = Changed::existing(before, contest);
    if content != changed.entry.content {
        let actor = Actor::user(&user.username, now);
        store::update_content(&mut tx, &actor, &changed.entry, &content).await?;
        changed.entry = EntryRecord {
            content,
            updated_at: now,
            ..changed.entry
        };
        if changed.entry.status == EntryStatus::Submitted {
            let attachments = require_complete(&mut tx, &changed.entry.content, id).await?;
            changed.entry = store::write_version_of(
                &mut tx,
                &actor,
                &changed.entry,
                &attachments,
                store::Sworn::AsBefore,
            )
            .await?;
            changed.attachments = Some(attachments);
        }
    }
    let detail = changed.detail(&mut tx).await?;
    Store::commit(tx).await?;
    Ok(detail)
}

/// Refuses an entry that lacks something a submission needs; returns its current
/// attachments.
pub(crate) async fn require_complete(
    tx: &mut Conn,
    content: &EntryContent,
    id: i64,
) -> Result<Vec<AttachmentRecord>> {
    let attachments = store::list_attachments(tx, id).await?;
    let missing = entry::missing_for_submit(content, has_main(&attachments));
    if missing.is_empty() {
        Ok(attachments)
    } else {
        Err(Error::new(
            ErrorKind::Invalid,
            "entry_incomplete",
            format!(
                "Sáng kiến còn thiếu {} mục, chưa thể nộp: {}",
                missing.len(),
                missing
                    .iter()
                    .map(|m| m.message.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        )
        .with_details(json!({"missing": missing, "fields": missing})))
    }
}

/// Who may make a change of status: the entry's unit or the organizer (submit), or the
/// entry's unit alone (withdraw: the organizer refuses an entry by screening it).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Who {
    UnitOrOrganizer,
    OwnUnit,
}

/// The entry's own unit: its focal user.
pub fn is_own_unit(user: &Account, e: &EntryRecord) -> bool {
    user.role == Role::Focal && user.unit_code == e.unit_code
}

/// An entry opened for a change of its status, in a transaction: the caller may change it
/// now, unless the same request (same key) was answered before.
enum Opened {
    Replayed(idem::Stored),
    Ready(Tx, Box<Changed>, i64),
}

async fn open(
    app: &App,
    user: &Account,
    id: i64,
    key: Option<&idem::Key>,
    who: Who,
) -> Result<Opened> {
    let mut tx = app.store.begin().await?;
    if let Some(r) = idem::replay(&mut tx, user, key).await? {
        return Ok(Opened::Replayed(r));
    }
    let (e, contest) = changeable(&mut tx, user, id).await?;
    if who == Who::OwnUnit && !is_own_unit(user, &e) {
        return Err(Error::new(
            ErrorKind::Forbidden,
            "withdraw_by_own_unit",
            "Chỉ đơn vị có sáng kiến mới rút được sáng kiến. Ban tổ chức loại một sáng kiến \
             bằng việc xét điều kiện.",
        ));
    }
    let now = app.now();
    check_changeable(&contest, &e, now)?;
    Ok(Opened::Ready(
        tx,
        Box::new(Changed::existing(e, contest)),
        now,
    ))
}

/// Submits: every required part present, the authors' statement sworn, in time.
/// Submitting an entry that is already submitted and unchanged does nothing (a double
/// click makes no second version).
pub async fn submit(
    app: &App,
    user: &Account,
    id: i64,
    sworn: bool,
    key: Option<&idem::Key>,
) -> Result<Outcome<EntryDetail>> {
    let (mut tx, mut changed, now) = match open(app, user, id, key, Who::UnitOrOrganizer).await? {
        Opened::Replayed(r) => return Ok(Outcome::Replayed(r)),
        Opened::Ready(tx, changed, now) => (tx, *changed, now),
    };
    if changed.entry.status != EntryStatus::Submitted {
        let attachments = require_complete(&mut tx, &changed.entry.content, id).await?;
        if !sworn {
            return Err(Error::field(
                "sworn",
                "Hãy đánh dấu lời cam đoan của tác giả trước khi nộp: «Tôi (chúng tôi) xin \
                 cam đoan mọi thông tin nêu trong đơn là trung thực…».",
            ));
        }
        changed.entry = store::write_version_of(
            &mut tx,
            &Actor::user(&user.username, now),
            &changed.entry,
            &attachments,
            store::Sworn::Ticked(entry::SWORN_STATEMENT),
        )
        .await?;
        changed.attachments = Some(attachments);
        send_receipt(&mut tx, &changed, now).await?;
    }
    let detail = changed.detail(&mut tx).await?;
    idem::commit(app, tx, user, key, detail).await
}

/// The unit's receipt for a submission, to each of its focal users: the version and the
/// moment, to the second.
async fn send_receipt(tx: &mut Tx, changed: &Changed, now: i64) -> Result<()> {
    let (e, contest) = (&changed.entry, &changed.contest);
    let body = format!(
        "Hệ thống đã nhận sáng kiến «{}» của {} dự cuộc thi «{}»: phiên bản {}, nộp lúc {}.",
        e.content.title,
        e.unit_name,
        contest.settings.title,
        e.version,
        time::display_vn_seconds(now),
    );
    let note = notify::Note {
        contest_id: Some(contest.id),
        kind: "receipt",
        subject: format!("Biên nhận: đã nộp sáng kiến «{}»", e.content.title),
        body: &body,
    };
    notify::unit(tx, now, &e.unit_code, &note).await?;
    Ok(())
}

/// Withdraws a submitted entry (a withdrawn one stays withdrawn; a draft needs none).
pub async fn withdraw(
    app: &App,
    user: &Account,
    id: i64,
    key: Option<&idem::Key>,
) -> Result<Outcome<EntryDetail>> {
    let (mut tx, mut changed, now) = match open(app, user, id, key, Who::OwnUnit).await? {
        Opened::Replayed(r) => return Ok(Outcome::Replayed(r)),
        Opened::Ready(tx, changed, now) => (tx, *changed, now),
    };
    match changed.entry.status {
        EntryStatus::Withdrawn => {}
        EntryStatus::Draft => {
            return Err(Error::conflict(
                "entry_not_submitted",
                "Sáng kiến chưa nộp nên không cần rút; có thể sửa hoặc để nguyên bản nháp.",
            ));
        }
        EntryStatus::Submitted => {
            store::set_status(
                &mut tx,
                &Actor::user(&user.username, now),
                &changed.entry,
                EntryStatus::Withdrawn,
            )
            .await?;
            changed.entry = EntryRecord {
                status: EntryStatus::Withdrawn,
                updated_at: now,
                ..changed.entry
            };
        }
    }
    let detail = changed.detail(&mut tx).await?;
    idem::commit(app, tx, user, key, detail).await
}

/// A screening decision: eligible, or not with a reason.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Screening {
    pub eligible: bool,
    #[serde(default)]
    pub reason: String,
}

/// Records a screening decision on a submitted entry while the contest is `closed`.
pub async fn screen(app: &App, user: &Account, id: i64, body: &Screening) -> Result<EntryDetail> {
    if user.role != Role::Organizer {
        return Err(Error::forbidden());
    }
    let reason = entry::validate_screening(body.eligible, &body.reason)?;
    let mut tx = app.store.begin().await?;
    screen_one(&mut tx, user, id, body.eligible, &reason, app.now()).await?;
    let updated = store::get(&mut tx, id).await?.ok_or_else(not_found)?;
    Store::commit(tx).await?;
    // As the API always answered: the entry read again, by the caller's sight.
    let mut conn = app.store.reader().await?;
    let contest = contest::visible(&mut conn, user, updated.contest_id).await?;
    EntryDetail::read(&mut conn, updated, contest).await
}

/// Screens several entries of a contest at once with one result and one reason, all or
/// none: an entry that cannot be screened refuses the whole, naming it.
pub async fn screen_many(
    app: &App,
    user: &Account,
    contest_id: i64,
    ids: &[i64],
    body: &Screening,
) -> Result<usize> {
    if user.role != Role::Organizer {
        return Err(Error::forbidden());
    }
    let mut tx = app.store.begin().await?;
    contest::visible(&mut tx, user, contest_id).await?;
    if ids.is_empty() {
        return Err(Error::field("entries", "Hãy chọn ít nhất một sáng kiến."));
    }
    let reason = entry::validate_screening(body.eligible, &body.reason)?;
    let now = app.now();
    for id in ids {
        let (e, _) = visible(&mut tx, user, *id).await?;
        if e.contest_id != contest_id {
            return Err(not_found());
        }
        screen_one(&mut tx, user, *id, body.eligible, &reason, now)
            .await
            .map_err(|err| Error {
                message: format!("Sáng kiến «{}»: {}", e.content.title, err.message),
                ..err
            })?;
    }
    Store::commit(tx).await?;
    Ok(ids.len())
}

/// One screening decision in the caller's transaction, with the unit told.
async fn screen_one(
    tx: &mut Tx,
    user: &Account,
    id: i64,
    eligible: bool,
    reason: &str,
    now: i64,
) -> Result<()> {
    let (e, contest) = visible(tx, user, id).await?;
    if contest.state != ContestState::Closed {
        return Err(Error::wrong_state(
            contest.state.as_str(),
            "closed",
            "Chỉ sơ loại (xét điều kiện) khi cuộc thi ở trạng thái \"Đã hết hạn nộp\" (closed).",
        ));
    }
    if e.status != EntryStatus::Submitted {
        return Err(Error::conflict(
            "entry_not_submitted",
            "Chỉ xét điều kiện các sáng kiến đã nộp.",
        ));
    }
    store::screen(tx, &Actor::user(&user.username, now), &e, eligible, reason).await?;
    let body = if eligible {
        format!(
            "Sáng kiến «{}» đủ điều kiện dự thi «{}» và được chuyển Hội đồng chấm điểm.",
            e.content.title, contest.settings.title
        )
    } else {
        format!(
            "Sáng kiến «{}» không đủ điều kiện dự thi «{}».\n\nLý do: {reason}",
            e.content.title, contest.settings.title
        )
    };
    let note = notify::Note {
        contest_id: Some(contest.id),
        kind: "screened",
        subject: format!("Kết quả xét điều kiện: {}", e.content.title),
        body: &body,
    };
    notify::unit(tx, now, &e.unit_code, &note).await?;
    Ok(())
}
