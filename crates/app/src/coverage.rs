//! Coverage and reminders (SPEC §3.3): which units took part, reminders to those below
//! the minimum (or to judges with unfinished sheets), deadline extensions, the outbox
//! and everyone's inbox.

use sangkien_domain::{account::Role, contest::ContestState, entry, time};
use sangkien_storage::{
    Conn, Store,
    account::Account,
    audit::{self, Actor},
    contest::ContestRecord,
    entry::{self as entries, CoverageRow, Extension},
    message::{self, MessageRecord},
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::json::{ToJson, json_serialize};
use crate::{
    App, Error, Listed, Paging, Result, contest,
    idem::{self, Outcome},
    jobs, require,
};

/// One coverage line with the derived fields.
#[derive(Debug, Clone)]
pub struct CoverageLine {
    pub row: CoverageRow,
    pub meets_minimum: bool,
    pub extension_until: Option<i64>,
}

/// The coverage of a contest: a line per participating unit.
#[derive(Debug, Clone)]
pub struct Coverage {
    pub contest: ContestRecord,
    pub lines: Vec<CoverageLine>,
}

impl Coverage {
    pub fn meeting(&self) -> usize {
        self.lines.iter().filter(|l| l.meets_minimum).count()
    }
    pub fn submitted(&self) -> i64 {
        self.lines.iter().map(|l| l.row.submitted).sum()
    }
    pub fn drafts(&self) -> i64 {
        self.lines.iter().map(|l| l.row.drafts).sum()
    }
    pub fn below(&self) -> impl Iterator<Item = &CoverageLine> {
        self.lines.iter().filter(|l| !l.meets_minimum)
    }
}

impl ToJson for Coverage {
    fn to_json(&self) -> Value {
        let units: Vec<Value> = self
            .lines
            .iter()
            .map(|l| {
                json!({"unit_code": l.row.unit_code, "unit_name": l.row.unit_name,
                       "submitted": l.row.submitted, "drafts": l.row.drafts,
                       "meets_minimum": l.meets_minimum, "reachable": l.row.reachable(),
                       "last_reminded_at": l.row.last_reminded_at.map(time::rfc3339_vn),
                       "extension_until": l.extension_until.map(time::rfc3339_vn)})
            })
            .collect();
        let below: Vec<&str> = self.below().map(|l| l.row.unit_code.as_str()).collect();
        let c = &self.contest;
        json!({
            "contest_id": c.id,
            "min_entries_per_unit": c.settings.min_entries_per_unit,
            "submission_deadline": time::rfc3339_vn(c.settings.submission_deadline),
            "units": units,
            "totals": {
                "units": self.lines.len(),
                "units_meeting_minimum": self.lines.len() - below.len(),
                "submitted": self.submitted(),
                "drafts": self.drafts(),
            },
            "below_minimum": below,
        })
    }
}

json_serialize!(Coverage);

/// The coverage lines of a contest.
pub async fn lines(conn: &mut Conn, contest: &ContestRecord) -> Result<Vec<CoverageLine>> {
    let extensions = entries::extensions(conn, contest.id).await?;
    let min = contest.settings.min_entries_per_unit;
    Ok(entries::coverage(conn, contest.id)
        .await?
        .into_iter()
        .map(|row| CoverageLine {
            meets_minimum: row.submitted >= min,
            extension_until: extensions
                .iter()
                .find(|x| x.unit_code == row.unit_code)
                .map(|x| x.until),
            row,
        })
        .collect())
}

/// The coverage of a contest, for organizers and viewers.
pub async fn get(app: &App, user: &Account, id: i64) -> Result<Coverage> {
    require(user, &[Role::Organizer, Role::Viewer])?;
    let mut conn = app.store.reader().await?;
    let contest = contest::visible(&mut conn, user, id).await?;
    let lines = lines(&mut conn, &contest).await?;
    Ok(Coverage { contest, lines })
}

/// A message of the outbox or an inbox, as the API shows it.
#[derive(Debug, Clone)]
pub struct Message(pub MessageRecord);

impl ToJson for Message {
    fn to_json(&self) -> Value {
        let m = &self.0;
        json!({"id": m.id, "contest_id": m.contest_id, "unit_code": m.unit_code, "username": m.username,
               "full_name": m.full_name, "kind": m.kind, "subject": m.subject, "body": m.body,
               "email": m.email, "state": m.state, "attempts": m.attempts, "last_error": m.last_error,
               "created_at": time::rfc3339_vn(m.created_at), "sent_at": m.sent_at.map(time::rfc3339_vn)})
    }
}

json_serialize!(Message);

/// What a reminder did: the messages queued, the units (or judges) reminded, and the
/// units below the minimum no one could be reminded at.
#[derive(Debug, Clone, Serialize)]
pub struct Reminded {
    pub messages: Vec<Message>,
    pub units: Vec<String>,
    pub unreachable_units: Vec<String>,
}

impl ToJson for Reminded {
    fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// Queues reminders now: while the contest is open, to the focal users of every unit
/// below the minimum; while it is judged, to judges with unfinished sheets.
pub async fn remind(
    app: &App,
    user: &Account,
    id: i64,
    key: Option<&idem::Key>,
) -> Result<Outcome<Reminded>> {
    let mut tx = app.store.begin().await?;
    if let Some(r) = idem::replay(&mut tx, user, key).await? {
        return Ok(Outcome::Replayed(r));
    }
    if user.role != Role::Organizer {
        return Err(Error::forbidden());
    }
    let contest = contest::visible(&mut tx, user, id).await?;
    let now = app.now();
    let outcome = match contest.state {
        ContestState::Open => jobs::queue_reminders(&mut tx, &contest, now).await?,
        // During judging the reminders go to judges with unfinished sheets.
        ContestState::Judging => jobs::queue_judge_reminders(&mut tx, &contest, now).await?,
        _ => {
            return Err(Error::wrong_state(
                contest.state.as_str(),
                "open|judging",
                "Chỉ gửi nhắc khi cuộc thi đang nhận bài (nhắc các đơn vị) hoặc đang chấm (nhắc thành viên Hội đồng).",
            ));
        }
    };
    audit::append(
        &mut tx,
        &Actor::user(&user.username, now),
        audit::Event {
            action: "contest.remind",
            object_type: "contest",
            object_id: id.to_string(),
            contest_id: Some(id),
            before: None,
            after: Some(json!({"messages": outcome.message_ids.len(), "units": outcome.units})),
        },
    )
    .await?;
    let mut messages = Vec::new();
    for mid in &outcome.message_ids {
        if let Some(m) = message::get(&mut tx, *mid).await? {
            messages.push(Message(m));
        }
    }
    let done = Reminded {
        messages,
        units: outcome.units,
        unreachable_units: outcome.unreachable,
    };
    idem::commit(app, tx, user, key, done).await
}

/// A later deadline for one unit.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewExtension {
    pub unit_code: String,
    pub until: String,
    pub reason: String,
}

/// Grants a unit a later deadline (audited) while the contest is open or just closed.
pub async fn extend(app: &App, user: &Account, id: i64, body: &NewExtension) -> Result<()> {
    if user.role != Role::Organizer {
        return Err(Error::forbidden());
    }
    let mut tx = app.store.begin().await?;
    let contest = contest::visible(&mut tx, user, id).await?;
    if !matches!(contest.state, ContestState::Open | ContestState::Closed) {
        return Err(Error::conflict(
            "invalid_state",
            "Chỉ gia hạn nộp bài khi cuộc thi đang nhận bài hoặc vừa hết hạn (open, closed).",
        )
        .with_details(json!({"state": contest.state.as_str()})));
    }
    let code = body.unit_code.trim();
    if !contest
        .settings
        .participant_unit_codes
        .iter()
        .any(|c| c == code)
    {
        return Err(Error::field(
            "unit_code",
            format!("Đơn vị «{code}» không tham gia cuộc thi này."),
        ));
    }
    let (until, reason) = entry::validate_extension(&contest.settings, &body.until, &body.reason)?;
    entries::put_extension(
        &mut tx,
        &Actor::user(&user.username, app.now()),
        id,
        code,
        until,
        &reason,
    )
    .await?;
    let body = format!(
        "Ban Tổ chức đã gia hạn nộp bài dự thi «{}» cho đơn vị đến {}.\n\nLý do: {reason}",
        contest.settings.title,
        time::display_vn(until),
    );
    let note = crate::notify::Note {
        contest_id: Some(id),
        kind: "extension",
        subject: format!("Gia hạn nộp bài đến {}", time::display_vn(until)),
        body: &body,
    };
    crate::notify::unit(&mut tx, app.now(), code, &note).await?;
    Store::commit(tx).await?;
    Ok(())
}

/// The extensions of a contest (organizers and viewers).
pub async fn extensions(app: &App, user: &Account, id: i64) -> Result<Vec<Extension>> {
    require(user, &[Role::Organizer, Role::Viewer])?;
    let mut conn = app.store.reader().await?;
    contest::visible(&mut conn, user, id).await?;
    Ok(entries::extensions(&mut conn, id).await?)
}

/// The extensions just after one was granted (the API's answer to a grant).
pub async fn extensions_now(app: &App, id: i64) -> Result<Vec<Extension>> {
    let mut conn = app.store.reader().await?;
    Ok(entries::extensions(&mut conn, id).await?)
}

/// A contest's outbox, a page at a time (organizers).
pub async fn outbox(
    app: &App,
    organizer: &Account,
    id: i64,
    paging: Paging,
) -> Result<(ContestRecord, Listed<MessageRecord>)> {
    require(organizer, &[Role::Organizer])?;
    let mut conn = app.store.reader().await?;
    let contest = contest::visible(&mut conn, organizer, id).await?;
    let (items, total) = message::list(
        &mut conn,
        message::Mailbox::Contest(id),
        paging.per_page,
        paging.offset(),
    )
    .await?;
    Ok((
        contest,
        Listed {
            items,
            total,
            paging,
        },
    ))
}

/// The inbox was read: its unread messages stop counting as new. A write, so its own
/// transaction; nothing is lost if it fails.
pub async fn mark_read(app: &App, user: &Account) -> Result<()> {
    let mut tx = app.store.begin().await?;
    message::mark_read(&mut tx, user.id, app.now()).await?;
    sangkien_storage::Store::commit(tx).await?;
    Ok(())
}

/// The caller's inbox, a page at a time.
pub async fn inbox(app: &App, user: &Account, paging: Paging) -> Result<Listed<MessageRecord>> {
    let mut conn = app.store.reader().await?;
    let (items, total) = message::list(
        &mut conn,
        message::Mailbox::Account(user.id),
        paging.per_page,
        paging.offset(),
    )
    .await?;
    Ok(Listed {
        items,
        total,
        paging,
    })
}
