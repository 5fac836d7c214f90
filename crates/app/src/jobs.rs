//! Background work of the server: automatic reminders at the contest's offsets before
//! the deadline, and delivery of queued messages by SMTP. Every process runs the same
//! loop; the database decides who does what (a reminder run is claimed under a primary
//! key, a message with a conditional update), so several processes sharing one
//! PostgreSQL never send twice.

use sangkien_domain::{contest::ContestState, entry, time};
use sangkien_storage::{
    Conn, StorageError, Store, audit::Actor, contest as contests, contest::ContestRecord,
    entry as entries, message, message::Run,
};
use serde_json::json;

use crate::mail;

/// Attempts before a message is marked failed.
pub const MAX_ATTEMPTS: i64 = 5;
/// A message claimed this long ago by a worker that never reported back is retried.
const STALE_SECONDS: i64 = 600;
/// A message whose delivery failed waits this long before the next attempt.
const RETRY_SECONDS: i64 = 300;

/// What queueing reminders did.
#[derive(Debug, Default, Clone)]
pub struct ReminderOutcome {
    pub message_ids: Vec<i64>,
    /// Units reminded.
    pub units: Vec<String>,
    /// Units below the minimum with neither an active focal user nor an e-mail of
    /// their own: nothing reaches them.
    pub unreachable: Vec<String>,
}

/// Queues a reminder to every active focal user of each unit below the minimum, or to
/// the unit's own mailbox when it has no focal user.
pub async fn queue_reminders(
    conn: &mut Conn,
    contest: &ContestRecord,
    now: i64,
) -> Result<ReminderOutcome, StorageError> {
    let s = &contest.settings;
    let rows = entries::coverage(conn, contest.id).await?;
    let extensions = entries::extensions(conn, contest.id).await?;
    let mut out = ReminderOutcome::default();
    for row in rows.iter().filter(|r| r.submitted < s.min_entries_per_unit) {
        let recipients = message::unit_recipients(conn, &row.unit_code).await?;
        if recipients.is_empty() {
            out.unreachable.push(row.unit_code.clone());
            continue;
        }
        let ext = extensions
            .iter()
            .find(|x| x.unit_code == row.unit_code)
            .map(|x| x.until);
        let deadline = entry::unit_deadline(s, ext);
        let days_left = ((deadline - now).max(0) + 86_399) / 86_400;
        for to in recipients {
            let subject = format!("Nhắc nộp sáng kiến: {}", s.title);
            let addressee = match to.account_id {
                Some(_) => format!("{} ({})", to.name, row.unit_name),
                None => to.name.clone(),
            };
            let body = format!(
                "Kính gửi {addressee},\n\n\
                 Đến {today}, {unit} đã nộp {submitted} sáng kiến; kế hoạch yêu cầu mỗi đơn vị nộp ít nhất {min}.\n\
                 Hạn nộp của đơn vị: {deadline} (giờ Việt Nam), còn khoảng {days_left} ngày.\n\n\
                 Đề nghị đơn vị hoàn thiện hồ sơ và nộp sáng kiến trên hệ thống trước thời hạn. \
                 Bản nháp chưa nộp không được tính.\n\nBan Tổ chức cuộc thi",
                unit = row.unit_name,
                today = time::display_vn(now),
                submitted = row.submitted,
                min = s.min_entries_per_unit,
                deadline = time::display_vn(deadline),
            );
            let id = message::queue(
                conn,
                now,
                &message::NewMessage {
                    contest_id: Some(contest.id),
                    unit_code: Some(row.unit_code.clone()),
                    account_id: to.account_id,
                    kind: "reminder",
                    subject,
                    body,
                    email: to.email,
                },
            )
            .await?;
            out.message_ids.push(id);
        }
        out.units.push(row.unit_code.clone());
    }
    Ok(out)
}

/// Queues a reminder to every judge who still has unfinished sheets (assigned entries
/// without a submitted sheet).
pub async fn queue_judge_reminders(
    conn: &mut Conn,
    contest: &ContestRecord,
    now: i64,
) -> Result<ReminderOutcome, StorageError> {
    let assignments = sangkien_storage::judging::assignments(conn, contest.id).await?;
    let sheets = sangkien_storage::judging::sheets(conn, contest.id).await?;
    let members = sangkien_storage::judging::members(conn, contest.id).await?;
    let mut out = ReminderOutcome::default();
    for m in members {
        let unfinished = assignments
            .iter()
            .filter(|(e, u)| {
                *u == m.username
                    && !sheets.iter().any(|s| {
                        s.entry_id == *e && s.username == m.username && s.state == "submitted"
                    })
            })
            .count();
        if unfinished == 0 {
            continue;
        }
        let email = sangkien_storage::account::get(conn, &m.username)
            .await?
            .and_then(|a| a.email)
            .filter(|e| !e.trim().is_empty());
        let deadline = contest
            .settings
            .evaluation_ends_at
            .map(|t| {
                format!(
                    " Hạn hoàn thành việc chấm: {} (giờ Việt Nam).",
                    time::display_vn(t)
                )
            })
            .unwrap_or_default();
        let id = message::queue(
            conn,
            now,
            &message::NewMessage {
                contest_id: Some(contest.id),
                unit_code: Some(m.unit_code.clone()),
                account_id: Some(m.account_id),
                kind: "judge_reminder",
                subject: format!("Nhắc chấm điểm: {}", contest.settings.title),
                body: format!(
                    "Kính gửi {},\n\nĐến {}, đồng chí còn {unfinished} phiếu chấm chưa nộp.{deadline}\n\n\
                     Đề nghị đồng chí hoàn thành và nộp phiếu chấm trên hệ thống.\n\nBan Tổ chức cuộc thi",
                    m.full_name,
                    time::display_vn(now),
                ),
                email,
            },
        )
        .await?;
        out.message_ids.push(id);
        out.units.push(m.username.clone());
    }
    Ok(out)
}

/// Runs the automatic reminders that are due: to units below the minimum before the
/// submission deadline (open contests), and to judges with unfinished sheets before
/// the end of the evaluation window (contests being judged). Returns the number of
/// messages queued by this process.
pub async fn run_due_reminders(store: &Store, now: i64) -> Result<usize, StorageError> {
    let candidates: Vec<(i64, Run)> = {
        let mut conn = store.reader().await?;
        contests::list(&mut conn)
            .await?
            .into_iter()
            .filter_map(|c| match c.state {
                ContestState::Open if c.submission_deadline >= now => Some((c.id, Run::Units)),
                ContestState::Judging => Some((c.id, Run::Judges)),
                _ => None,
            })
            .collect()
    };
    let mut queued = 0;
    for (id, run) in candidates {
        // Read what is due outside the write transaction, then claim first thing in
        // it: on SQLite a transaction that reads before it writes cannot wait for
        // another process's write lock, it fails at once.
        let (contest, due) = {
            let mut conn = store.reader().await?;
            let Some(contest) = contests::get(&mut conn, id).await? else {
                continue;
            };
            let deadline = match run {
                Run::Units => Some(contest.settings.submission_deadline),
                Run::Judges => contest.settings.evaluation_ends_at,
            };
            let Some(deadline) = deadline else { continue };
            let done = message::reminder_runs(&mut conn, run, id).await?;
            let due = entry::due_reminder_offsets(
                &contest.settings.reminder_offsets_days,
                deadline,
                now,
                &done,
            );
            (contest, due)
        };
        if due.is_empty() {
            continue;
        }
        let mut tx = store.begin().await?;
        let mut claimed = Vec::new();
        for d in &due {
            if message::claim_reminder_run(&mut tx, run, id, *d, now).await? {
                claimed.push(*d);
            }
        }
        let Some(smallest) = claimed.iter().min().copied() else {
            continue;
        };
        let Some(contest) = contests::get(&mut tx, id)
            .await?
            .filter(|c| c.state == contest.state)
        else {
            continue;
        };
        let outcome = match run {
            Run::Units => queue_reminders(&mut tx, &contest, now).await?,
            Run::Judges => queue_judge_reminders(&mut tx, &contest, now).await?,
        };
        message::set_reminder_run_count(
            &mut tx,
            run,
            id,
            smallest,
            outcome.message_ids.len() as i64,
        )
        .await?;
        sangkien_storage::audit::append(
            &mut tx,
            &Actor::system(now),
            sangkien_storage::audit::Event {
                action: match run {
                    Run::Units => "contest.remind",
                    Run::Judges => "contest.remind_judges",
                },
                object_type: "contest",
                object_id: id.to_string(),
                contest_id: Some(id),
                before: None,
                after: Some(json!({"automatic": true, "offsets_days": claimed,
                                   "messages": outcome.message_ids.len(), "recipients": outcome.units})),
            },
        )
        .await?;
        Store::commit(tx).await?;
        queued += outcome.message_ids.len();
    }
    Ok(queued)
}

/// Sends queued messages by SMTP when it is configured. Returns (sent, failed).
pub async fn deliver(
    store: &Store,
    worker: &str,
    now: i64,
) -> Result<(usize, usize), StorageError> {
    let Some(smtp) = mail::configured(store).await? else {
        return Ok((0, 0));
    };
    let (mut sent, mut failed) = (0, 0);
    // A bounded batch per tick, so one slow server cannot hold the loop forever.
    for _ in 0..200 {
        let claimed = {
            let mut conn = store.reader().await?;
            message::claim(
                &mut conn,
                worker,
                now,
                now - STALE_SECONDS,
                now - RETRY_SECONDS,
                MAX_ATTEMPTS,
            )
            .await?
        };
        let Some(m) = claimed else { break };
        let result = smtp.send(&m).await;
        let mut conn = store.reader().await?;
        match result {
            Ok(()) => {
                message::finish(&mut conn, m.id, now, None, MAX_ATTEMPTS).await?;
                sent += 1;
            }
            Err(e) => {
                tracing::warn!(message_id = m.id, error = %e, "e-mail delivery failed");
                message::finish(&mut conn, m.id, now, Some(&e), MAX_ATTEMPTS).await?;
                failed += 1;
            }
        }
    }
    Ok((sent, failed))
}

/// Forgets expired sessions, old login attempts (7 days) and old idempotency keys
/// (7 days), as of `now`.
pub async fn purge(store: &Store, now: i64) -> Result<(), StorageError> {
    let week_ago = now - 7 * 86_400;
    let mut tx = store.begin().await?;
    sangkien_storage::account::purge_expired(&mut tx, now, week_ago).await?;
    sangkien_storage::idempotency::purge(&mut tx, week_ago).await?;
    Store::commit(tx).await
}

/// A name for this process's worker in the outbox.
pub fn worker_name() -> String {
    format!("{}-{}", std::process::id(), time::now_seconds())
}
