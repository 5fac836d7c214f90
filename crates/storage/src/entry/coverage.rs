//! The participation figures: each unit's submitted entries and drafts in a contest.

use crate::sql::{self, Conn};
use serde::Serialize;

use crate::Result;

/// One line of the coverage view.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageRow {
    pub unit_code: String,
    pub unit_name: String,
    pub submitted: i64,
    pub drafts: i64,
    pub last_reminded_at: Option<i64>,
    /// Active focal users of the unit.
    pub focal_users: i64,
    /// The unit's own mailbox: reminders go there when it has no focal user.
    pub unit_email: Option<String>,
}

impl CoverageRow {
    /// Whether a reminder can reach the unit (a focal user or its own mailbox).
    pub fn reachable(&self) -> bool {
        self.focal_users > 0 || self.unit_email.is_some()
    }
}

/// Submitted entries and drafts of every participating unit, with the last reminder, in
/// Vietnamese alphabetical order of unit name.
pub async fn coverage(conn: &mut Conn, contest_id: i64) -> Result<Vec<CoverageRow>> {
    let mut rows: Vec<CoverageRow> = sql::query(
        "select u.code as unit_code, u.name as unit_name, u.email as unit_email, \
           cast(coalesce(sum(case when e.status = 'submitted' then 1 else 0 end), 0) as bigint) \
             as submitted, \
           cast(coalesce(sum(case when e.status = 'draft' then 1 else 0 end), 0) as bigint) \
             as drafts \
         from contest_participant p join unit u on u.unit_id = p.unit_id \
         left join entry e on e.contest_id = p.contest_id and e.unit_id = p.unit_id \
         where p.contest_id = $1 group by u.code, u.name, u.email order by u.code",
    )
    .bind(contest_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(CoverageRow {
            unit_code: r.get("unit_code")?,
            unit_name: r.get("unit_name")?,
            submitted: r.get("submitted")?,
            drafts: r.get("drafts")?,
            last_reminded_at: None,
            focal_users: 0,
            unit_email: r.get("unit_email")?,
        })
    })
    .collect::<Result<_>>()?;
    let focal: Vec<(String, i64)> = sql::query(
        "select u.code as unit_code, cast(count(*) as bigint) as focal_users from account a \
         join unit u on u.unit_id = a.unit_id \
         join contest_participant p on p.unit_id = a.unit_id \
         where p.contest_id = $1 and a.role = 'focal' and a.active = 1 group by u.code",
    )
    .bind(contest_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| Ok((r.get("unit_code")?, r.get("focal_users")?)))
    .collect::<Result<_>>()?;
    for row in &mut rows {
        row.focal_users = focal
            .iter()
            .find(|(c, _)| *c == row.unit_code)
            .map_or(0, |(_, n)| *n);
    }
    let reminded: Vec<(String, i64)> = sql::query(
        "select u.code as unit_code, max(m.created_at) as reminded_at from message m \
         join unit u on u.unit_id = m.unit_id \
         where m.contest_id = $1 and m.kind = 'reminder' group by u.code",
    )
    .bind(contest_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| Ok((r.get("unit_code")?, r.get("reminded_at")?)))
    .collect::<Result<_>>()?;
    for row in &mut rows {
        row.last_reminded_at = reminded
            .iter()
            .find(|(c, _)| *c == row.unit_code)
            .map(|(_, at)| *at);
    }
    sangkien_domain::collate::sort_by_vi(&mut rows, |r| &r.unit_name);
    Ok(rows)
}
