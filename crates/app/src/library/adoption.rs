//! Replication: a unit records that it adopted a library initiative, with evidence; the
//! organizer's report counts adoptions per initiative and per unit.

use sangkien_domain::{account::Role, time};
use sangkien_files::{FileError, Staged};
use sangkien_storage::{
    Store,
    account::Account,
    audit::Actor,
    entry::AttachmentRecord,
    library::{self as store, Adoption, Evidence},
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::not_in_library;
use crate::json::{ToJson, json_serialize};
use crate::{App, Error, ErrorKind, Result, require};

/// The largest evidence file, in bytes.
pub const EVIDENCE_LIMIT: u64 = 20_000_000;

/// An evidence file refused while it was received or stored.
pub fn evidence_error(e: FileError) -> Error {
    match e {
        FileError::TooLarge { .. } => Error::new(
            ErrorKind::TooLarge,
            "file_too_large",
            "Tệp minh chứng lớn hơn giới hạn 20 MB.",
        ),
        FileError::Refused(r) => Error::new(ErrorKind::UnsupportedType, r.code(), r.message_vi()),
        FileError::Io(err) => {
            tracing::error!(error = %err, "evidence storage failed");
            Error::internal()
        }
    }
}

/// Stores a staged evidence file under its hash (synced) and describes it.
pub async fn commit_evidence(app: &App, filename: &str, staged: Staged) -> Result<Evidence> {
    let (size, kind) = (staged.size, staged.kind);
    let sha256 = app.files.commit(staged).await.map_err(evidence_error)?;
    let name: String =
        sangkien_domain::text::clean(filename.rsplit(['/', '\\']).next().unwrap_or(""))
            .chars()
            .filter(|c| !c.is_control() && *c != '"')
            .take(200)
            .collect();
    Ok(Evidence {
        sha256,
        filename: if name.is_empty() {
            format!("minh-chung.{}", kind.extension())
        } else {
            name
        },
        size: size as i64,
        content_type: kind.content_type().to_string(),
    })
}

/// An adoption as the API shows it.
#[derive(Debug, Clone)]
pub struct AdoptionView(pub Adoption);

impl ToJson for AdoptionView {
    fn to_json(&self) -> Value {
        let a = &self.0;
        json!({"id": a.id, "entry_id": a.entry_id, "unit_code": a.unit_code, "unit_name": a.unit_name,
               "adopted_on": a.adopted_on, "scope": a.scope, "result": a.result,
               "evidence": a.evidence.as_ref().map(|e| json!({"filename": e.filename, "size": e.size,
                                                             "content_type": e.content_type}))})
    }
}

json_serialize!(AdoptionView);

/// What a unit records when it adopts an initiative.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct NewAdoption {
    pub adopted_on: String,
    pub scope: String,
    pub result: String,
    /// Organizers record for a unit; a focal user always for their own.
    pub unit_code: String,
}

/// Records that a unit adopted a library initiative, with its evidence if any.
pub async fn record(
    app: &App,
    user: &Account,
    id: i64,
    body: &NewAdoption,
    evidence: Option<&Evidence>,
) -> Result<Option<AdoptionView>> {
    let unit_code = match user.role {
        Role::Focal => user.unit_code.clone(),
        Role::Organizer if body.unit_code.trim().is_empty() => user.unit_code.clone(),
        Role::Organizer => body.unit_code.trim().to_string(),
        _ => return Err(Error::forbidden()),
    };
    let mut e = sangkien_domain::ValidationErrors::new();
    let today = jiff::Timestamp::from_second(app.now())
        .map(|t| t.to_zoned(time::vn_tz()).date())
        .map_err(|_| Error::internal())?;
    match time::parse_date(body.adopted_on.trim()) {
        Some(d) if d <= today => {}
        Some(_) => e.add("adopted_on", "Ngày áp dụng không được ở tương lai."),
        None => e.add(
            "adopted_on",
            "Ngày áp dụng phải có dạng YYYY-MM-DD, ví dụ 2022-03-01.",
        ),
    }
    let scope =
        sangkien_domain::text::check(&mut e, "scope", "Phạm vi áp dụng", &body.scope, 1, 2000);
    let result =
        sangkien_domain::text::check(&mut e, "result", "Kết quả áp dụng", &body.result, 0, 5000);
    e.into_result(())?;
    let mut tx = app.store.begin().await?;
    let (line, _) = store::get(&mut tx, id).await?.ok_or_else(not_in_library)?;
    if sangkien_storage::unit::get(&mut tx, &unit_code)
        .await?
        .is_none()
    {
        return Err(Error::field("unit_code", "Không có đơn vị với mã này."));
    }
    let actor = Actor::user(&user.username, app.now());
    let aid = store::add_adoption(
        &mut tx,
        &actor,
        line.contest_id,
        id,
        &unit_code,
        body.adopted_on.trim(),
        &scope,
        &result,
    )
    .await?;
    if let Some(ev) = evidence {
        store::set_evidence(&mut tx, &actor, line.contest_id, aid, ev).await?;
    }
    let all = store::adoptions(&mut tx, id).await?;
    Store::commit(tx).await?;
    Ok(all.into_iter().find(|a| a.id == aid).map(AdoptionView))
}

/// The adoptions of a library initiative (focal users and organizers).
pub async fn list(app: &App, user: &Account, id: i64) -> Result<Vec<AdoptionView>> {
    require(user, &[Role::Focal, Role::Organizer])?;
    let mut conn = app.store.reader().await?;
    if store::get(&mut conn, id).await?.is_none() {
        return Err(not_in_library());
    }
    Ok(store::adoptions(&mut conn, id)
        .await?
        .into_iter()
        .map(AdoptionView)
        .collect())
}

/// The library entry's contest and the adoption, when the caller may attach evidence to
/// it: the adoption's unit (focal) or an organizer. Checked before the file is read.
pub async fn evidence_target(app: &App, user: &Account, id: i64, aid: i64) -> Result<i64> {
    let mut conn = app.store.reader().await?;
    let (line, _) = store::get(&mut conn, id)
        .await?
        .ok_or_else(not_in_library)?;
    let a = store::adoptions(&mut conn, id)
        .await?
        .into_iter()
        .find(|a| a.id == aid)
        .ok_or_else(|| Error::not_found("ghi nhận áp dụng"))?;
    let allowed =
        user.role == Role::Organizer || (user.role == Role::Focal && user.unit_code == a.unit_code);
    if !allowed {
        return Err(Error::forbidden());
    }
    Ok(line.contest_id)
}

/// An evidence file attached to an adoption.
#[derive(Debug, Clone, Serialize)]
pub struct Attached {
    pub adoption_id: i64,
    pub filename: String,
    pub size: i64,
    pub sha256: String,
    pub content_type: String,
}

/// Attaches a stored evidence file to an adoption of the contest [`evidence_target`] found.
pub async fn attach_evidence(
    app: &App,
    user: &Account,
    contest_id: i64,
    aid: i64,
    evidence: Evidence,
) -> Result<Attached> {
    let mut tx = app.store.begin().await?;
    store::set_evidence(
        &mut tx,
        &Actor::user(&user.username, app.now()),
        contest_id,
        aid,
        &evidence,
    )
    .await?;
    Store::commit(tx).await?;
    Ok(Attached {
        adoption_id: aid,
        filename: evidence.filename,
        size: evidence.size,
        sha256: evidence.sha256,
        content_type: evidence.content_type,
    })
}

/// An adoption's evidence file, to send to anyone, as an attachment record.
pub async fn evidence(app: &App, id: i64, aid: i64) -> Result<AttachmentRecord> {
    let mut conn = app.store.reader().await?;
    if store::get(&mut conn, id).await?.is_none() {
        return Err(not_in_library());
    }
    let a = store::adoptions(&mut conn, id)
        .await?
        .into_iter()
        .find(|a| a.id == aid)
        .ok_or_else(|| Error::not_found("ghi nhận áp dụng"))?;
    let ev = a
        .evidence
        .ok_or_else(|| Error::not_found("tệp minh chứng"))?;
    Ok(AttachmentRecord {
        id: aid,
        entry_id: id,
        kind: "evidence".into(),
        filename: ev.filename,
        size: ev.size,
        sha256: ev.sha256,
        content_type: ev.content_type,
        created_by: a.created_by,
        created_at: a.created_at,
    })
}
