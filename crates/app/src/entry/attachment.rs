//! An entry's files. The adapter streams an upload into a staged file within the
//! [`Limits`] read first; [`add`] then stores it under its hash (synced) and records it,
//! checking the rules again in the transaction. A submitted entry gets a new version.

use std::time::{Duration, Instant};

use sangkien_domain::entry::EntryStatus;
use sangkien_files::{FileError, FileKind, Staged};
use sangkien_storage::{
    Store,
    account::Account,
    audit::Actor,
    entry::{self as store, AttachmentRecord, NewAttachment},
};
use serde_json::Value;

use super::{EntryDetail, change::require_complete, changeable, check_changeable, visible};
use crate::json::{ToJson, json_serialize};
use crate::{
    App, Error, ErrorKind, Result, UploadPhase,
    idem::{self, Outcome},
};

/// An attachment as the API shows it.
#[derive(Debug, Clone)]
pub struct Attachment(pub AttachmentRecord);

impl ToJson for Attachment {
    fn to_json(&self) -> Value {
        EntryDetail::attachment_json(&self.0)
    }
}

json_serialize!(Attachment);

/// How much an upload to an entry may hold: per file, and what the entry has left.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub file: u64,
    pub entry_left: u64,
}

impl Limits {
    /// The most the next file may hold.
    pub fn upload(&self) -> u64 {
        self.file.min(self.entry_left)
    }

    /// A file refused while it was received or stored, in the words of these limits.
    pub fn error(&self, e: FileError) -> Error {
        match e {
            FileError::TooLarge { limit } => {
                let mb = |b: u64| format!("{:.1}", b as f64 / 1_000_000.0).replace('.', ",");
                let message = if limit < self.file {
                    format!(
                        "Tổng dung lượng tệp đính kèm của sáng kiến vượt giới hạn; chỉ còn được tải thêm {} MB.",
                        mb(self.entry_left)
                    )
                } else {
                    format!("Tệp lớn hơn giới hạn {} MB cho mỗi tệp.", mb(self.file))
                };
                Error::new(ErrorKind::TooLarge, "file_too_large", message)
            }
            FileError::Refused(r) => {
                Error::new(ErrorKind::UnsupportedType, r.code(), r.message_vi())
            }
            FileError::Io(err) => {
                tracing::error!(error = %err, "attachment storage failed");
                Error::internal()
            }
        }
    }
}

fn withdrawn() -> Error {
    Error::conflict(
        "entry_withdrawn",
        "Sáng kiến đã rút; không thể thay đổi tệp đính kèm.",
    )
}

/// What an upload to this entry may hold, refused before any byte is read when the
/// caller may not change the entry now.
pub async fn limits(app: &App, user: &Account, id: i64) -> Result<Limits> {
    let mut conn = app.store.reader().await?;
    let (e, contest) = changeable(&mut conn, user, id).await?;
    check_changeable(&contest, &e, app.now())?;
    if e.status == EntryStatus::Withdrawn {
        return Err(withdrawn());
    }
    let used = store::attachment_bytes(&mut conn, id).await?.max(0) as u64;
    Ok(Limits {
        file: contest.settings.max_file_bytes(),
        entry_left: contest.settings.max_entry_bytes().saturating_sub(used),
    })
}

/// A file name safe to store and to send back: the last path component, no control
/// characters, at most 200 characters; `fallback` with the type's extension when
/// nothing is left.
pub fn clean_filename(raw: &str, kind: FileKind, fallback: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = sangkien_domain::text::clean(base)
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    if cleaned.trim_matches('.').is_empty() {
        format!("{fallback}.{}", kind.extension())
    } else {
        cleaned
    }
}

/// A staged upload: its kind (`main` or `supporting`), the name the client gave, the file.
pub struct Upload {
    pub kind: String,
    pub filename: String,
    pub staged: Staged,
    /// How long receiving it took (reported with the other phases).
    pub received_in: Duration,
}

/// Stores a staged file and records it as an attachment of the entry.
pub async fn add(
    app: &App,
    user: &Account,
    id: i64,
    limits: Limits,
    upload: Upload,
) -> Result<AttachmentRecord> {
    let Upload {
        kind,
        filename,
        staged,
        received_in,
    } = upload;
    let started = Instant::now();
    if kind != "main" && kind != "supporting" {
        staged.discard().await;
        return Err(Error::field(
            "kind",
            "Loại tệp phải là main (văn bản sáng kiến) hoặc supporting (tài liệu kèm theo).",
        ));
    }
    if kind == "main" && staged.kind != FileKind::Pdf {
        staged.discard().await;
        return Err(Error::new(
            ErrorKind::UnsupportedType,
            "main_must_be_pdf",
            "Văn bản sáng kiến (tệp chính) phải là tệp PDF khổ A4.",
        ));
    }
    let (size, file_kind) = (staged.size, staged.kind);
    let sha = app
        .files
        .commit(staged)
        .await
        .map_err(|e| limits.error(e))?;
    let stored = Instant::now();
    // The file is on disk and synced; now the row that refers to it.
    let mut tx = app.store.begin().await?;
    let (e, contest) = changeable(&mut tx, user, id).await?;
    let now = app.now();
    check_changeable(&contest, &e, now)?;
    if e.status == EntryStatus::Withdrawn {
        return Err(withdrawn());
    }
    let actor = Actor::user(&user.username, now);
    let filename = clean_filename(&filename, file_kind, "tep-dinh-kem");
    let record = store::add_attachment(
        &mut tx,
        &actor,
        &e,
        &NewAttachment {
            kind: &kind,
            filename: &filename,
            size: size as i64,
            sha256: &sha,
            content_type: file_kind.content_type(),
        },
    )
    .await?;
    if store::attachment_bytes(&mut tx, id).await?.max(0) as u64
        > contest.settings.max_entry_bytes()
    {
        let full = Limits {
            file: limits.file,
            entry_left: 0,
        };
        return Err(full.error(FileError::TooLarge { limit: 0 }));
    }
    if e.status == EntryStatus::Submitted {
        let attachments = require_complete(&mut tx, &e.content, id).await?;
        store::write_version_of(&mut tx, &actor, &e, &attachments, store::Sworn::AsBefore).await?;
    }
    Store::commit(tx).await?;
    app.upload_phase(UploadPhase::Receive, received_in);
    app.upload_phase(UploadPhase::StoreFile, stored - started);
    app.upload_phase(UploadPhase::Record, stored.elapsed());
    Ok(record)
}

/// The answer already given to an upload with this key, if any. The body is streamed,
/// so the key is bound to the entry, not to the file's bytes.
pub async fn replayed(
    app: &App,
    user: &Account,
    key: Option<&idem::Key>,
) -> Result<Option<idem::Stored>> {
    if key.is_none() {
        return Ok(None);
    }
    let mut tx = app.store.begin().await?;
    idem::replay(&mut tx, user, key).await
}

/// Keeps the answer to an upload under its key (just after the upload's own commit).
pub async fn remember(
    app: &App,
    user: &Account,
    key: Option<&idem::Key>,
    record: AttachmentRecord,
) -> Result<Outcome<Attachment>> {
    let answer = Attachment(record);
    if key.is_none() {
        return Ok(Outcome::Done(answer));
    }
    let tx = app.store.begin().await?;
    idem::commit(app, tx, user, key, answer).await
}

/// An attachment of an entry the caller may see, to send.
pub async fn get(app: &App, user: &Account, id: i64, aid: i64) -> Result<AttachmentRecord> {
    let mut conn = app.store.reader().await?;
    let (e, _) = visible(&mut conn, user, id).await?;
    store::get_attachment(&mut conn, e.id, aid)
        .await?
        .ok_or_else(|| Error::not_found("tệp đính kèm"))
}

/// Deletes an attachment of a draft that was never submitted.
pub async fn remove(app: &App, user: &Account, id: i64, aid: i64) -> Result<()> {
    let mut tx = app.store.begin().await?;
    let (e, contest) = changeable(&mut tx, user, id).await?;
    let a = store::get_attachment(&mut tx, e.id, aid)
        .await?
        .ok_or_else(|| Error::not_found("tệp đính kèm"))?;
    let now = app.now();
    check_changeable(&contest, &e, now)?;
    if e.status != EntryStatus::Draft || e.version > 0 {
        return Err(Error::conflict(
            "entry_not_draft",
            "Chỉ xóa được tệp của bản nháp chưa nộp; sáng kiến đã nộp thì tải tệp mới lên để thay thế.",
        ));
    }
    store::delete_attachment(&mut tx, &Actor::user(&user.username, now), &e, &a).await?;
    Store::commit(tx).await?;
    Ok(())
}
