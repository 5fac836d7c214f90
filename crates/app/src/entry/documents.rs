//! The documents of one entry: the submission receipt (PDF) and the applicant's request
//! for recognition in the TT 18/2013 form (DOCX). For the entry's unit and organizers;
//! the request holds the confidential part, so council members never get it.

use sangkien_domain::{account::Role, entry::EntryStatus, time};
use sangkien_export::official::{self, ReceiptFacts};
use sangkien_storage::entry::{list_attachments, sworn_of};

use crate::export::{File, Format, Made, write};
use crate::{App, Error, Result, setting, unit};

/// The entry and its contest, for its own unit or an organizer.
async fn own(
    conn: &mut sangkien_storage::Conn,
    user: &sangkien_storage::account::Account,
    id: i64,
) -> Result<(
    sangkien_storage::entry::EntryRecord,
    sangkien_storage::contest::ContestRecord,
)> {
    let (e, contest) = super::visible(conn, user, id).await?;
    if user.role != Role::Organizer && !super::change::is_own_unit(user, &e) {
        return Err(Error::forbidden());
    }
    Ok((e, contest))
}

/// The receipt of the entry's latest submission.
pub async fn receipt(
    app: &App,
    user: &sangkien_storage::account::Account,
    id: i64,
) -> Result<File> {
    let made = {
        let mut conn = app.store.reader().await?;
        let (e, contest) = own(&mut conn, user, id).await?;
        let Some(at) = e
            .submitted_at
            .filter(|_| e.status == EntryStatus::Submitted)
        else {
            return Err(Error::conflict(
                "entry_not_submitted",
                "Sáng kiến chưa nộp (hoặc đã rút) nên chưa có biên nhận.",
            ));
        };
        let main = list_attachments(&mut conn, e.id)
            .await?
            .into_iter()
            .find(|a| a.kind == "main")
            .map(|a| (a.filename, a.sha256));
        let sworn = sworn_of(&mut conn, e.id, e.version).await?;
        let organizer = unit::get(app, &contest.settings.organizer_unit_code)
            .await
            .map_or_else(|_| contest.settings.organizer_unit_code.clone(), |u| u.name);
        let agency = setting::agency(&mut conn).await?;
        Made::Doc(official::receipt(
            &agency,
            &ReceiptFacts {
                contest_title: contest.settings.title.clone(),
                organizer_name: organizer,
                entry_id: e.id,
                unit_name: e.unit_name.clone(),
                title: e.content.title.clone(),
                submitted_on: time::date_vn(at),
                submitted_at: time::display_vn_seconds(at),
                version: e.version,
                main_file: main,
                sworn,
            },
        ))
    };
    write(format!("bien-nhan-sang-kien-{id}.pdf"), Format::Pdf, made).await
}

/// The request for recognition, dated the day the entry was submitted (blank for a
/// draft).
pub async fn application(
    app: &App,
    user: &sangkien_storage::account::Account,
    id: i64,
) -> Result<File> {
    let made = {
        let mut conn = app.store.reader().await?;
        let (e, contest) = own(&mut conn, user, id).await?;
        let topic = contest
            .settings
            .topics
            .iter()
            .find(|t| t.code == e.content.topic_code)
            .map(|t| t.name.clone())
            .unwrap_or_default();
        let agency = setting::agency(&mut conn).await?;
        Made::Doc(official::application(
            &agency,
            &e.content,
            &topic,
            e.submitted_at.map(time::date_vn),
            contest.settings.year,
        ))
    };
    write(
        format!("don-yeu-cau-cong-nhan-sang-kien-{id}.docx"),
        Format::Docx,
        made,
    )
    .await
}
