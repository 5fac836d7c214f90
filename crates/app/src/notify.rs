//! Telling people what happened: a message in their inbox, and by e-mail when they have
//! an address (the delivery job sends it once SMTP is set). Queued in the transaction of
//! the act it reports, so a message never announces what did not happen.

use sangkien_storage::{Conn, account::Account, message};

use crate::Result;

/// What to say: the kind (for filtering), the subject, and the body after the greeting.
pub struct Note<'a> {
    pub contest_id: Option<i64>,
    pub kind: &'static str,
    pub subject: String,
    pub body: &'a str,
}

fn letter(full_name: &str, body: &str) -> String {
    format!("Kính gửi {full_name},\n\n{body}\n\nHệ thống sáng kiến cải cách hành chính")
}

fn address(email: Option<String>) -> Option<String> {
    email.filter(|m| !m.trim().is_empty())
}

/// To one account.
pub async fn account(conn: &mut Conn, now: i64, to: &Account, note: &Note<'_>) -> Result<()> {
    message::queue(
        conn,
        now,
        &message::NewMessage {
            contest_id: note.contest_id,
            unit_code: Some(to.unit_code.clone()),
            account_id: Some(to.id),
            kind: note.kind,
            subject: note.subject.clone(),
            body: letter(&to.full_name, note.body),
            email: address(to.email.clone()),
        },
    )
    .await?;
    Ok(())
}

/// To every active focal user of a unit, or to the unit's own mailbox when it has no
/// focal user. Returns how many were told (none when nothing reaches the unit).
pub async fn unit(conn: &mut Conn, now: i64, unit_code: &str, note: &Note<'_>) -> Result<usize> {
    let recipients = message::unit_recipients(conn, unit_code).await?;
    for to in &recipients {
        message::queue(
            conn,
            now,
            &message::NewMessage {
                contest_id: note.contest_id,
                unit_code: Some(unit_code.to_string()),
                account_id: to.account_id,
                kind: note.kind,
                subject: note.subject.clone(),
                body: letter(&to.name, note.body),
                email: to.email.clone(),
            },
        )
        .await?;
    }
    Ok(recipients.len())
}
