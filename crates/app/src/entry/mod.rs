//! Entries (SPEC §3.2): who sees and who changes which, the entry as shown, the list, the
//! versions and the duplicate check. Changes are in `change`, files in `attachment`.

pub mod attachment;
pub mod change;
pub mod documents;
mod similar;

use sangkien_domain::{
    account::Role,
    contest::ContestState,
    entry::{self},
    points::Points,
    time,
};
use sangkien_files::FileKind;
use sangkien_storage::{
    Conn,
    account::Account,
    contest::ContestRecord,
    entry::{self as store, AttachmentRecord, EntryLine, EntryRecord, Origin, VersionRecord},
};
use serde_json::{Value, json};

use crate::json::{ToJson, json_serialize};
use crate::{App, Error, Listed, Paging, Result, contest, require};

pub use similar::{Similar, similar_entries};

pub(crate) fn not_found() -> Error {
    Error::not_found("sáng kiến")
}

/// Whether `user` may see an entry of a contest they can see: organizers see all, a
/// focal user their unit's, and a council member the entries assigned to them once
/// judging has started (never conflicted ones: declaring a conflict removes the
/// assignment).
pub fn can_see(user: &Account, e: &EntryRecord, contest: &ContestRecord, assigned: bool) -> bool {
    match user.role {
        Role::Organizer => true,
        Role::Focal if e.unit_code == user.unit_code => true,
        _ => contest.state >= ContestState::Judging && assigned,
    }
}

/// Loads an entry the account may see; 404 otherwise, as for an entry that does not
/// exist.
pub async fn visible(
    conn: &mut Conn,
    user: &Account,
    id: i64,
) -> Result<(EntryRecord, ContestRecord)> {
    let (entry, contest) = store::get_with_contest(conn, id)
        .await?
        .ok_or_else(not_found)?;
    let contest = contest::visible_record(conn, user, contest)
        .await
        .map_err(|_| not_found())?;
    let assigned = match user.role {
        Role::Organizer => false,
        Role::Focal if entry.unit_code == user.unit_code => false,
        _ => {
            contest.state >= ContestState::Judging
                && sangkien_storage::judging::is_assigned(conn, entry.id, user.id).await?
        }
    };
    if !can_see(user, &entry, &contest, assigned) {
        return Err(not_found());
    }
    Ok((entry, contest))
}

/// An entry the user may change: one they can see, as its unit's focal user or an
/// organizer. Council members see the entries assigned to them but never change them.
pub async fn changeable(
    conn: &mut Conn,
    user: &Account,
    id: i64,
) -> Result<(EntryRecord, ContestRecord)> {
    let found = visible(conn, user, id).await?;
    if !matches!(user.role, Role::Organizer | Role::Focal) {
        return Err(Error::forbidden());
    }
    Ok(found)
}

/// The rule for changing an entry now: contest state, deadline, its unit's extension.
pub fn check_changeable(contest: &ContestRecord, e: &EntryRecord, now: i64) -> Result<()> {
    Ok(entry::check_open_for_changes(
        contest.state,
        &contest.settings,
        e.extension,
        now,
    )?)
}

/// The unit a new entry of `contest` is for, refused unless the unit may add entries now
/// (contest state, deadline, the unit's extension).
pub async fn open_unit(
    conn: &mut Conn,
    contest: &ContestRecord,
    unit_code: &str,
    now: i64,
) -> Result<store::EntryUnit> {
    let unit = store::entry_unit(conn, contest.id, unit_code)
        .await?
        .ok_or_else(|| {
            Error::field(
                "unit_code",
                format!("Không có đơn vị mã «{unit_code}»; hãy chọn một đơn vị tham gia cuộc thi."),
            )
        })?;
    entry::check_open_for_changes(contest.state, &contest.settings, unit.extension, now)?;
    Ok(unit)
}

/// Whether the main file (a PDF) is among the attachments.
pub fn has_main(attachments: &[AttachmentRecord]) -> bool {
    attachments
        .iter()
        .any(|a| a.kind == "main" && a.content_type == FileKind::Pdf.content_type())
}

/// Where a forwarded entry comes from, with the title of that contest.
#[derive(Debug, Clone)]
pub struct OriginView {
    pub origin: Origin,
    pub contest_title: Option<String>,
}

/// An entry as shown: content, identity, status, attachments, what a submission still
/// lacks, its unit's deadline and where it was forwarded from. Serialises as SPEC §4's
/// entry.
#[derive(Debug, Clone)]
pub struct EntryDetail {
    pub entry: EntryRecord,
    pub contest: ContestRecord,
    pub attachments: Vec<AttachmentRecord>,
    pub origin: Option<OriginView>,
    /// Read by a council member: no screening details, and no unit when the contest
    /// scores without unit names.
    pub for_judge: bool,
}

pub(crate) async fn origin_of(conn: &mut Conn, id: i64) -> Result<Option<OriginView>> {
    Ok(match store::origin(conn, id).await? {
        Some(origin) => {
            let from = sangkien_storage::contest::get(conn, origin.contest_id).await?;
            Some(OriginView {
                origin,
                contest_title: from.map(|c| c.settings.title),
            })
        }
        None => None,
    })
}

impl EntryDetail {
    /// The entry with its attachments and origin read.
    pub async fn read(conn: &mut Conn, entry: EntryRecord, contest: ContestRecord) -> Result<Self> {
        let attachments = store::list_attachments(conn, entry.id).await?;
        let origin = origin_of(conn, entry.id).await?;
        Ok(Self {
            entry,
            contest,
            attachments,
            origin,
            for_judge: false,
        })
    }

    pub fn attachment_json(a: &AttachmentRecord) -> Value {
        json!({"id": a.id, "kind": a.kind, "filename": a.filename, "size": a.size,
               "sha256": a.sha256, "content_type": a.content_type,
               "created_at": time::rfc3339_vn(a.created_at)})
    }

    fn json(&self) -> Value {
        let e = &self.entry;
        let mut v = serde_json::to_value(&e.content).unwrap_or_default();
        v["id"] = json!(e.id);
        v["contest_id"] = json!(e.contest_id);
        v["unit_code"] = json!(e.unit_code);
        v["unit_name"] = json!(e.unit_name);
        v["status"] = json!(e.status.as_str());
        v["version"] = json!(e.version);
        v["submitted_at"] = json!(e.submitted_at.map(time::rfc3339_vn));
        v["eligible"] = json!(e.eligible);
        v["screening_reason"] = json!(e.screening_reason);
        v["created_at"] = json!(time::rfc3339_vn(e.created_at));
        v["updated_at"] = json!(time::rfc3339_vn(e.updated_at));
        v["attachments"] = json!(
            self.attachments
                .iter()
                .map(Self::attachment_json)
                .collect::<Vec<_>>()
        );
        v["missing"] = json!(entry::missing_for_submit(
            &e.content,
            has_main(&self.attachments)
        ));
        v["deadline"] = json!(time::rfc3339_vn(entry::unit_deadline(
            &self.contest.settings,
            e.extension
        )));
        v["origin"] = match &self.origin {
            Some(OriginView {
                origin: o,
                contest_title,
            }) => json!({"entry_id": o.entry_id, "contest_id": o.contest_id,
                   "contest_title": contest_title,
                   "tier": o.tier, "score": Points(o.score).as_f64(),
                   "forwarded_at": time::rfc3339_vn(o.forwarded_at)}),
            None => Value::Null,
        };
        if self.for_judge {
            if !self.contest.settings.judges_see_unit_names {
                v["unit_code"] = Value::Null;
                v["unit_name"] = Value::Null;
            }
            v["screening_reason"] = Value::Null;
        }
        v
    }
}

impl ToJson for EntryDetail {
    fn to_json(&self) -> Value {
        self.json()
    }
}

json_serialize!(EntryDetail);

/// An entry the caller may see, as shown to them.
pub async fn get(app: &App, user: &Account, id: i64) -> Result<EntryDetail> {
    let mut conn = app.store.reader().await?;
    let (e, contest) = visible(&mut conn, user, id).await?;
    let for_judge = user.role != Role::Organizer && e.unit_code != user.unit_code;
    let mut detail = EntryDetail::read(&mut conn, e, contest).await?;
    detail.for_judge = for_judge;
    Ok(detail)
}

/// A contest's entries, a page at a time: all of them for organizers, their unit's for
/// a focal user.
pub async fn list(
    app: &App,
    user: &Account,
    contest_id: i64,
    filter: store::EntryFilter,
    paging: Paging,
) -> Result<(ContestRecord, Listed<EntryLine>)> {
    require(user, &[Role::Organizer, Role::Focal])?;
    let mut conn = app.store.reader().await?;
    let contest = contest::visible(&mut conn, user, contest_id).await?;
    // A focal user sees their own unit's entries, whatever the filter asks.
    let filter = match user.role {
        Role::Focal => store::EntryFilter {
            unit_code: Some(user.unit_code.clone()),
            ..filter
        },
        _ => filter,
    };
    let (items, total) = store::list_lines(
        &mut conn,
        contest.id,
        &filter,
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

/// The next entry to screen after `after` in the list's order (unit, then id): the first
/// submitted entry not yet screened after it, or else from the start; `None` when every
/// submitted entry is screened.
pub async fn next_to_screen(
    app: &App,
    user: &Account,
    contest_id: i64,
    after: i64,
) -> Result<Option<i64>> {
    let filter = store::EntryFilter {
        status: Some(entry::EntryStatus::Submitted),
        ..store::EntryFilter::default()
    };
    let paging = Paging {
        page: 1,
        per_page: 10_000,
    };
    let (_, listed) = list(app, user, contest_id, filter, paging).await?;
    let lines = &listed.items;
    let from = lines
        .iter()
        .position(|l| l.id == after)
        .map_or(0, |p| p + 1);
    Ok(lines[from..]
        .iter()
        .chain(&lines[..from])
        .find(|l| l.eligible.is_none() && l.id != after)
        .map(|l| l.id))
}

/// The attachments of an entry the caller may see.
pub async fn attachments(app: &App, user: &Account, id: i64) -> Result<Vec<AttachmentRecord>> {
    let mut conn = app.store.reader().await?;
    let (e, _) = visible(&mut conn, user, id).await?;
    Ok(store::list_attachments(&mut conn, e.id).await?)
}

/// The versions of an entry, oldest first (organizers).
pub async fn versions(app: &App, organizer: &Account, id: i64) -> Result<Vec<VersionRecord>> {
    require(organizer, &[Role::Organizer])?;
    let mut conn = app.store.reader().await?;
    let (e, _) = visible(&mut conn, organizer, id).await?;
    Ok(store::versions(&mut conn, e.id).await?)
}

/// The entries most like one entry (organizers), most similar first.
pub async fn similar(
    app: &App,
    organizer: &Account,
    id: i64,
    limit: usize,
) -> Result<Vec<Similar>> {
    require(organizer, &[Role::Organizer])?;
    let mut conn = app.store.reader().await?;
    let (e, contest) = visible(&mut conn, organizer, id).await?;
    similar_entries(&mut conn, &e, contest.settings.year, limit).await
}

/// An entry with what its page shows beside it: for organizers, the entries most like it
/// and its versions, and whether it is in the public library (once it can be).
pub struct Overview {
    pub detail: EntryDetail,
    pub similar: Vec<Similar>,
    pub versions: Vec<VersionRecord>,
    pub in_library: Option<bool>,
}

/// The entry page's facts, for a caller who may see the entry.
pub async fn overview(app: &App, user: &Account, id: i64) -> Result<Overview> {
    let mut conn = app.store.reader().await?;
    let (e, contest) = visible(&mut conn, user, id).await?;
    let is_organizer = user.role == Role::Organizer;
    let (similar, versions) = if is_organizer {
        (
            similar_entries(&mut conn, &e, contest.settings.year, 5).await?,
            store::versions(&mut conn, id).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let in_library = if is_organizer
        && contest.state >= ContestState::Published
        && e.status == entry::EntryStatus::Submitted
        && e.eligible != Some(false)
    {
        Some(crate::library::contains(&mut conn, id).await?)
    } else {
        None
    };
    let detail = EntryDetail::read(&mut conn, e, contest).await?;
    Ok(Overview {
        detail,
        similar,
        versions,
        in_library,
    })
}

/// Where the entry form is for: a new entry of a contest, or an existing entry.
#[derive(Debug, Clone, Copy)]
pub enum FormFor {
    New(i64),
    Edit(i64),
}

/// What the entry form offers: the contest, the entry being edited, and unit names.
/// With `to_change`, only for those who may create or change entries (404 for an entry
/// they cannot see, then 403); without, for showing a refused form again.
pub async fn form_facts(
    app: &App,
    user: &Account,
    target: FormFor,
    to_change: bool,
) -> Result<(
    ContestRecord,
    Option<EntryRecord>,
    std::collections::HashMap<String, String>,
)> {
    let mut conn = app.store.reader().await?;
    let (contest, entry) = match target {
        FormFor::Edit(id) => {
            let (e, c) = visible(&mut conn, user, id).await?;
            (c, Some(e))
        }
        FormFor::New(id) => (contest::visible(&mut conn, user, id).await?, None),
    };
    if to_change && !matches!(user.role, Role::Organizer | Role::Focal) {
        return Err(Error::forbidden());
    }
    let names = sangkien_storage::unit::list(&mut conn)
        .await?
        .into_iter()
        .map(|u| (u.code, u.name))
        .collect();
    Ok((contest, entry, names))
}

/// Whether the caller's unit may add entries to a contest now (the entry list's button).
pub async fn can_create(app: &App, user: &Account, contest: &ContestRecord) -> Result<bool> {
    Ok(match user.role {
        Role::Focal => {
            let mut conn = app.store.reader().await?;
            open_unit(&mut conn, contest, &user.unit_code, app.now())
                .await
                .is_ok()
        }
        _ => contest.state == ContestState::Open,
    })
}
