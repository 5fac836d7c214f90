//! Internal contests (SPEC §3.9): a unit's own contest forwards its winners to the parent
//! contest as entries of that unit, with a link to their origin and internal result.

use sangkien_domain::{account::Role, contest::ContestState};
use sangkien_storage::{
    Store,
    account::Account,
    audit::Actor,
    contest as contests,
    entry::{self as entries, NewAttachment, Origin},
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::{App, Error, Result, award, entry::open_unit};

/// The winners to forward.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForwardInput {
    pub entry_ids: Vec<i64>,
}

/// Copies awarded entries of an internal contest into its parent as submitted entries of
/// the internal contest's organizer unit, each with its origin; all or nothing.
pub async fn forward(app: &App, user: &Account, id: i64, entry_ids: &[i64]) -> Result<Forwarded> {
    if user.role != Role::Organizer {
        return Err(Error::forbidden());
    }
    if entry_ids.is_empty() {
        return Err(Error::field(
            "entry_ids",
            "Hãy chọn ít nhất một sáng kiến đạt giải để chuyển.",
        ));
    }
    let mut tx = app.store.begin().await?;
    let a = award::load(&mut tx, user, id).await?;
    let contest = a.contest().clone();
    let Some(parent_id) = contest.settings.parent_contest_id else {
        return Err(Error::conflict(
            "no_parent",
            "Cuộc thi này không có cuộc thi cấp trên để chuyển bài.",
        ));
    };
    if contest.state < ContestState::Approved {
        return Err(Error::conflict(
            "invalid_state",
            "Chỉ chuyển bài lên cấp trên sau khi kết quả cuộc thi đã được phê duyệt.",
        ));
    }
    let parent = contests::get(&mut tx, parent_id)
        .await?
        .ok_or_else(|| Error::not_found("cuộc thi cấp trên"))?;
    let unit = contest.settings.organizer_unit_code.clone();
    if !parent.settings.participant_unit_codes.contains(&unit) {
        return Err(Error::conflict(
            "not_participant",
            "Đơn vị tổ chức không tham gia cuộc thi cấp trên.",
        ));
    }
    let now = app.now();
    let unit = open_unit(&mut tx, &parent, &unit, now).await?;
    let winners = a.winners();
    let mut created = Vec::new();
    let actor = Actor::user(&user.username, now);
    for (i, eid) in entry_ids.iter().enumerate() {
        let Some((award, row)) = winners.iter().find(|(w, _)| w.entry_id == *eid) else {
            return Err(Error::field(
                &format!("entry_ids[{i}]"),
                format!("Sáng kiến số {eid} không đạt giải trong cuộc thi này."),
            ));
        };
        if let Some(already) = entries::forwarded_as(&mut tx, *eid).await? {
            return Err(Error::conflict(
                "already_forwarded",
                format!("Sáng kiến số {eid} đã được chuyển lên cấp trên (bài số {already})."),
            )
            .with_details(json!({"entry_id": eid, "forwarded_as": already})));
        }
        let source = entries::get(&mut tx, *eid)
            .await?
            .ok_or_else(|| Error::not_found("sáng kiến"))?;
        let mut content = source.content.clone();
        if !parent
            .settings
            .topics
            .iter()
            .any(|t| t.code == content.topic_code)
        {
            return Err(Error::field(
                &format!("entry_ids[{i}]"),
                format!(
                    "Chủ đề «{}» của sáng kiến số {eid} không có trong cuộc thi cấp trên; hãy nộp trực tiếp với chủ đề phù hợp.",
                    content.topic_code
                ),
            ));
        }
        if !parent
            .settings
            .forms
            .iter()
            .any(|f| f.as_str() == content.form)
        {
            return Err(Error::field(
                &format!("entry_ids[{i}]"),
                format!(
                    "Hình thức «{}» của sáng kiến số {eid} không được cuộc thi cấp trên nhận.",
                    content.form
                ),
            ));
        }
        content.title = content.title.trim().to_string();
        let copy = entries::create(&mut tx, &actor, parent.id, &unit, &content).await?;
        for att in entries::list_attachments(&mut tx, source.id).await? {
            entries::add_attachment(
                &mut tx,
                &actor,
                &copy,
                &NewAttachment {
                    kind: &att.kind,
                    filename: &att.filename,
                    size: att.size,
                    sha256: &att.sha256,
                    content_type: &att.content_type,
                },
            )
            .await?;
        }
        // The copy stands on the statement its authors made for the original.
        let sworn = entries::sworn_of(&mut tx, source.id, source.version).await?;
        let sworn = sworn
            .as_deref()
            .map_or(entries::Sworn::AsBefore, entries::Sworn::Ticked);
        entries::write_version(&mut tx, &actor, copy.id, sworn).await?;
        entries::set_origin(
            &mut tx,
            &actor,
            &copy,
            &Origin {
                entry_id: source.id,
                contest_id: contest.id,
                tier: award.tier.map(|t| t.as_str().to_string()),
                score: row.score.rounded().0,
                forwarded_by: user.username.clone(),
                forwarded_at: now,
            },
        )
        .await?;
        created.push(ForwardedEntry {
            entry_id: copy.id,
            origin_entry_id: source.id,
        });
    }
    Store::commit(tx).await?;
    Ok(Forwarded {
        parent_contest_id: parent.id,
        forwarded: created,
    })
}

/// An entry forwarded: its number in the parent contest and in the internal one.
#[derive(Debug, Clone, Serialize)]
pub struct ForwardedEntry {
    pub entry_id: i64,
    pub origin_entry_id: i64,
}

/// What a forward did.
#[derive(Debug, Clone, Serialize)]
pub struct Forwarded {
    pub parent_contest_id: i64,
    pub forwarded: Vec<ForwardedEntry>,
}
