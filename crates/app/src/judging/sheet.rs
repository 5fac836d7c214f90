//! Score sheets: a judge's sheet for an assigned entry (draft, then submitted and locked),
//! reopened only by the chair with a reason; and who may read the others' sheets.

use std::collections::BTreeMap;

use sangkien_domain::{account::Role, contest::ContestState, judging, time};
use sangkien_storage::{
    Conn, Store,
    account::Account,
    audit::Actor,
    entry::{self as entries, EntryRecord},
    judging::{self as store, Member, SheetContext, SheetRecord},
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{conflicts, membership, wrong_state};
use crate::json::{ToJson, json_serialize};
use crate::{App, Error, Result, contest, notify};

pub(crate) fn sheet_json(s: Option<&SheetRecord>) -> Value {
    match s {
        None => json!({"state": "empty", "points": {}, "comments": {}, "comment": ""}),
        Some(s) => {
            json!({"state": s.state, "points": s.points, "comments": s.comments, "comment": s.comment,
            "total": s.total(),
            "submitted_at": s.submitted_at.map(time::rfc3339_vn)})
        }
    }
}

/// A judge's sheet, or none yet; serialises as SPEC §4's sheet.
#[derive(Debug, Clone)]
pub struct SheetView(pub Option<SheetRecord>);

impl ToJson for SheetView {
    fn to_json(&self) -> Value {
        sheet_json(self.0.as_ref())
    }
}

json_serialize!(SheetView);

/// A judge and their assignment to an entry, while the contest is being judged: one
/// query (and one more for a focal user, whose unit must take part).
pub async fn context(conn: &mut Conn, user: &Account, entry_id: i64) -> Result<SheetContext> {
    let not_found = || Error::not_found("sáng kiến");
    let mut context = store::assigned_context(conn, entry_id, user.id)
        .await?
        .ok_or_else(not_found)?;
    context.contest = contest::visible_record(conn, user, context.contest)
        .await
        .map_err(|_| not_found())?;
    if context.contest.state < ContestState::Judging {
        return Err(not_found());
    }
    Ok(context)
}

/// [`context`] with the entry itself.
pub async fn context_with_entry(
    conn: &mut Conn,
    user: &Account,
    entry_id: i64,
) -> Result<(EntryRecord, SheetContext)> {
    let entry = entries::get(conn, entry_id)
        .await?
        .ok_or_else(|| Error::not_found("sáng kiến"))?;
    let context = context(conn, user, entry.id).await?;
    Ok((entry, context))
}

/// The points and comments of a sheet as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SheetInput {
    #[serde(default)]
    pub points: BTreeMap<String, f64>,
    #[serde(default)]
    pub comments: BTreeMap<String, String>,
    #[serde(default)]
    pub comment: String,
}

/// Saves the caller's sheet for an entry as a draft.
pub async fn save(
    app: &App,
    user: &Account,
    entry_id: i64,
    input: SheetInput,
) -> Result<SheetView> {
    store_sheet(app, user, entry_id, Some(input)).await
}

/// Submits the caller's stored draft: every criterion must be scored; the sheet locks.
pub async fn submit(app: &App, user: &Account, entry_id: i64) -> Result<SheetView> {
    store_sheet(app, user, entry_id, None).await
}

async fn store_sheet(
    app: &App,
    user: &Account,
    entry_id: i64,
    input: Option<SheetInput>,
) -> Result<SheetView> {
    let mut tx = app.store.begin().await?;
    let SheetContext { contest, sheet, .. } = context(&mut tx, user, entry_id).await?;
    if contest.state != ContestState::Judging {
        return Err(wrong_state(
            contest.state,
            "judging",
            "Chỉ chấm điểm khi cuộc thi đang ở giai đoạn chấm.",
        ));
    }
    let submit = input.is_none();
    let (points, comments, comment) = match input {
        Some(b) => (b.points, b.comments, b.comment),
        None => match sheet {
            Some(s) => (
                s.points
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_f64()))
                    .collect(),
                s.comments,
                s.comment,
            ),
            None => Default::default(),
        },
    };
    let checked = judging::validate_points(&contest.settings.criteria, &points, submit)?;
    let mut e = sangkien_domain::ValidationErrors::new();
    let comment =
        sangkien_domain::text::check(&mut e, "comment", "Nhận xét chung", &comment, 0, 5000);
    let comments: BTreeMap<String, String> = comments
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                sangkien_domain::text::check(
                    &mut e,
                    &format!("comments.{k}"),
                    "Nhận xét",
                    v,
                    0,
                    2000,
                ),
            )
        })
        .collect();
    e.into_result(())?;
    let saved = store::save_sheet(
        &mut tx,
        &Actor::user(&user.username, app.now()),
        contest.id,
        entry_id,
        user.id,
        &checked,
        &comments,
        &comment,
        submit,
    )
    .await?;
    let Some(sheet) = saved else {
        return Err(Error::conflict(
            "sheet_locked",
            "Phiếu chấm đã nộp nên không sửa được; cần Chủ tịch Hội đồng mở lại.",
        ));
    };
    Store::commit(tx).await?;
    Ok(SheetView(Some(sheet)))
}

/// The caller's sheet for an assigned entry.
pub async fn mine(app: &App, user: &Account, entry_id: i64) -> Result<SheetView> {
    let mut conn = app.store.reader().await?;
    Ok(SheetView(context(&mut conn, user, entry_id).await?.sheet))
}

/// A reopened sheet.
#[derive(Debug, Clone, Serialize)]
pub struct Unlocked {
    pub entry_id: i64,
    pub username: String,
    pub state: &'static str,
}

/// The chair reopens a member's submitted sheet, with a reason, during judging.
pub async fn unlock(
    app: &App,
    user: &Account,
    entry_id: i64,
    username: &str,
    reason: &str,
) -> Result<Unlocked> {
    let mut tx = app.store.begin().await?;
    let entry = entries::get(&mut tx, entry_id)
        .await?
        .ok_or_else(|| Error::not_found("sáng kiến"))?;
    let contest = contest::visible(&mut tx, user, entry.contest_id).await?;
    let me = membership(&mut tx, contest.id, user).await?;
    if me.as_ref().is_none_or(|m| m.role != "chair") {
        return Err(Error::forbidden());
    }
    let mut e = sangkien_domain::ValidationErrors::new();
    let reason = sangkien_domain::text::check(&mut e, "reason", "Lý do mở lại", reason, 1, 1000);
    e.into_result(())?;
    if contest.state != ContestState::Judging {
        return Err(wrong_state(
            contest.state,
            "judging",
            "Chỉ mở lại phiếu chấm trong giai đoạn chấm.",
        ));
    }
    let judge = store::members(&mut tx, contest.id)
        .await?
        .into_iter()
        .find(|m| m.username == username)
        .ok_or_else(|| Error::not_found("phiếu chấm"))?;
    if !store::unlock_sheet(
        &mut tx,
        &Actor::user(&user.username, app.now()),
        contest.id,
        entry.id,
        judge.account_id,
        &reason,
    )
    .await?
    {
        return Err(Error::conflict(
            "sheet_not_submitted",
            "Phiếu chấm chưa nộp nên không cần mở lại.",
        ));
    }
    if let Some(to) = sangkien_storage::account::get(&mut tx, &judge.username).await? {
        let body = format!(
            "Chủ tịch Hội đồng đã mở lại phiếu chấm của đồng chí cho sáng kiến «{}» (cuộc thi «{}»). \
             Lý do: {reason}\n\nĐề nghị đồng chí xem lại, chấm và nộp lại phiếu.",
            entry.content.title, contest.settings.title,
        );
        let note = notify::Note {
            contest_id: Some(contest.id),
            kind: "sheet_unlocked",
            subject: format!("Phiếu chấm được mở lại: {}", entry.content.title),
            body: &body,
        };
        notify::account(&mut tx, app.now(), &to, &note).await?;
    }
    Store::commit(tx).await?;
    Ok(Unlocked {
        entry_id: entry.id,
        username: username.to_string(),
        state: "draft",
    })
}

/// The submitted sheets of one entry, for those who may see other judges' scores:
/// organizers and the chair from judging on; an assigned member from deliberation on,
/// or during judging when the contest allows judges to see each other's scores. A member
/// in conflict with the entry never gets here (404).
pub async fn others(conn: &mut Conn, caller: &Account, entry_id: i64) -> Result<Vec<SheetRecord>> {
    let not_found = || Error::not_found("sáng kiến");
    let entry = entries::get(conn, entry_id).await?.ok_or_else(not_found)?;
    let contest = contest::visible(conn, caller, entry.contest_id)
        .await
        .map_err(|_| not_found())?;
    let me = membership(conn, contest.id, caller).await?;
    let members = store::members(conn, contest.id).await?;
    let conflicted = match &me {
        Some(m) => conflicts(conn, contest.id, std::slice::from_ref(&entry), &members)
            .await?
            .contains_key(&(entry.id, m.username.clone())),
        None => false,
    };
    if conflicted {
        return Err(not_found());
    }
    let assigned = store::is_assigned(conn, entry.id, caller.id).await?;
    let allowed = contest.state >= ContestState::Judging
        && (caller.role == Role::Organizer
            || me.as_ref().is_some_and(|m| m.role == "chair")
            || (assigned
                && (contest.state >= ContestState::Deliberation
                    || contest.settings.judges_see_other_scores)));
    if !allowed {
        return Err(if assigned || caller.role == Role::Organizer {
            Error::forbidden()
        } else {
            not_found()
        });
    }
    Ok(store::submitted_sheets_of_entry(conn, entry.id).await?)
}

/// The submitted sheets of one entry, as the API lists them.
#[derive(Debug, Clone)]
pub struct EntrySheets {
    pub entry_id: i64,
    pub sheets: Vec<SheetRecord>,
}

impl ToJson for EntrySheets {
    fn to_json(&self) -> Value {
        json!({"entry_id": self.entry_id, "sheets": self.sheets.iter().map(|sh| {
            let mut v = sheet_json(Some(sh));
            v["username"] = json!(sh.username);
            v
        }).collect::<Vec<_>>()})
    }
}

json_serialize!(EntrySheets);

/// [`others`] for the caller.
pub async fn of_entry(app: &App, caller: &Account, entry_id: i64) -> Result<EntrySheets> {
    let mut conn = app.store.reader().await?;
    let sheets = others(&mut conn, caller, entry_id).await?;
    Ok(EntrySheets { entry_id, sheets })
}

/// The submitted sheets of an entry as the organizer or the chair reviews them: the
/// entry, its contest, the council (for names and roles), the sheets, and whether the
/// caller may reopen one now (the chair, during judging).
pub struct Review {
    pub entry: EntryRecord,
    pub contest: sangkien_storage::contest::ContestRecord,
    pub members: Vec<Member>,
    pub sheets: Vec<SheetRecord>,
    pub may_unlock: bool,
}

/// [`others`] with what a page needs around them.
pub async fn review(app: &App, caller: &Account, entry_id: i64) -> Result<Review> {
    let mut conn = app.store.reader().await?;
    let sheets = others(&mut conn, caller, entry_id).await?;
    let entry = entries::get(&mut conn, entry_id)
        .await?
        .ok_or_else(|| Error::not_found("sáng kiến"))?;
    let contest = contest::visible(&mut conn, caller, entry.contest_id).await?;
    let me = membership(&mut conn, contest.id, caller).await?;
    let members = store::members(&mut conn, contest.id).await?;
    Ok(Review {
        may_unlock: contest.state == ContestState::Judging && me.is_some_and(|m| m.role == "chair"),
        entry,
        contest,
        members,
        sheets,
    })
}

/// What a judge's score-sheet page shows: the entry, the contest, the judge's sheet, the
/// entry's files, and the other members' submitted sheets when the judge may see them.
pub struct SheetPage {
    pub entry: EntryRecord,
    pub contest: sangkien_storage::contest::ContestRecord,
    pub sheet: Option<SheetRecord>,
    pub attachments: Vec<sangkien_storage::entry::AttachmentRecord>,
    pub others: Vec<SheetRecord>,
}

/// The score-sheet page's facts, for a member assigned to the entry.
pub async fn page(app: &App, user: &Account, entry_id: i64) -> Result<SheetPage> {
    let mut conn = app.store.reader().await?;
    let (entry, context) = context_with_entry(&mut conn, user, entry_id).await?;
    let attachments = entries::list_attachments(&mut conn, entry.id).await?;
    // Whether the judge may see them is decided by `others`; otherwise none are shown.
    let others = others(&mut conn, user, entry.id)
        .await
        .map(|list| {
            list.into_iter()
                .filter(|sh| sh.username != user.username)
                .collect()
        })
        .unwrap_or_default();
    Ok(SheetPage {
        entry,
        contest: context.contest,
        sheet: context.sheet,
        attachments,
        others,
    })
}
