//! Awards: the organizer's list, the approved decision, the published results.

use crate::sql::{self, Conn};
use sangkien_domain::{award::Award, contest::PrizeTier};
use serde::Serialize;
use serde_json::{Value, json};

use crate::{
    Result, StorageError,
    audit::{self, Actor, Event},
};

/// The stored list of a contest.
#[derive(Debug, Clone)]
pub struct AwardList {
    pub basis: String,
    pub updated_by: String,
    pub updated_at: i64,
    pub awards: Vec<Award>,
}

/// The approved decision.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub number: String,
    pub date: String,
    pub signer: String,
    pub approved_by: String,
    pub approved_at: i64,
}

/// Where the list stands with the approver: submitted, or returned with a reason.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub status: ReviewStatus,
    pub reason: String,
    pub by: String,
    pub at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    Submitted,
    Returned,
}

impl ReviewStatus {
    fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Submitted => "submitted",
            ReviewStatus::Returned => "returned",
        }
    }
}

/// Published results, as they were at publication.
#[derive(Debug, Clone)]
pub struct Publication {
    pub contest_id: i64,
    pub published_at: i64,
    pub results: Value,
    pub fingerprint: String,
}

fn view(list: &Option<AwardList>) -> Option<Value> {
    list.as_ref().map(|l| {
        json!(l.awards.iter().map(|a| json!({
            "entry_id": a.entry_id, "tier": a.tier.map(PrizeTier::as_str), "reason": a.reason
        })).collect::<Vec<_>>())
    })
}

/// The list of a contest, if awards were proposed.
pub async fn list(conn: &mut Conn, contest_id: i64) -> Result<Option<AwardList>> {
    let Some(head) =
        sql::query("select basis, updated_by, updated_at from award_list where contest_id = $1")
            .bind(contest_id)
            .fetch_optional(&mut *conn)
            .await?
    else {
        return Ok(None);
    };
    let awards = sql::query(
        "select entry_id, tier, reason from award where contest_id = $1 order by entry_id",
    )
    .bind(contest_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        let tier: Option<String> = r.get("tier")?;
        let tier = match tier {
            None => None,
            Some(t) => Some(
                PrizeTier::parse(&t)
                    .ok_or_else(|| StorageError::Corrupt(format!("award tier {t}")))?,
            ),
        };
        Ok(Award {
            entry_id: r.get("entry_id")?,
            tier,
            reason: r.get("reason")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    Ok(Some(AwardList {
        basis: head.get("basis")?,
        updated_by: head.get("updated_by")?,
        updated_at: head.get("updated_at")?,
        awards,
    }))
}

/// Replaces the list (`action` is `awards.propose` or `awards.put`), audited with the
/// list before and after.
pub async fn put(
    conn: &mut Conn,
    actor: &Actor,
    contest_id: i64,
    basis: &str,
    awards: &[Award],
    action: &str,
) -> Result<()> {
    let before = list(conn, contest_id).await?;
    // A changed list is no longer the one submitted; a return keeps its reason.
    sql::query("delete from award_review where contest_id = $1 and status = 'submitted'")
        .bind(contest_id)
        .execute(&mut *conn)
        .await?;
    sql::query("delete from award where contest_id = $1")
        .bind(contest_id)
        .execute(&mut *conn)
        .await?;
    sql::query("delete from award_list where contest_id = $1")
        .bind(contest_id)
        .execute(&mut *conn)
        .await?;
    sql::query(
        "insert into award_list (contest_id, basis, updated_by, updated_at) values ($1, $2, $3, $4)",
    )
    .bind(contest_id)
    .bind(basis)
    .bind(actor.name())
    .bind(actor.at)
    .execute(&mut *conn)
    .await?;
    crate::insert_many(
        conn,
        "insert into award (contest_id, entry_id, tier, reason)",
        4,
        awards,
        |q, a| {
            q.bind(contest_id)
                .bind(a.entry_id)
                .bind(a.tier.map(PrizeTier::as_str))
                .bind(a.reason.clone())
        },
    )
    .await?;
    let after = list(conn, contest_id).await?;
    audit::append(
        conn,
        actor,
        Event {
            action,
            object_type: "awards",
            object_id: contest_id.to_string(),
            contest_id: Some(contest_id),
            before: view(&before),
            after: view(&after),
        },
    )
    .await?;
    Ok(())
}

/// The list's latest submission or return, if any.
pub async fn review(conn: &mut Conn, contest_id: i64) -> Result<Option<Review>> {
    let row = sql::query(
        "select status, reason, acted_by, acted_at from award_review where contest_id = $1",
    )
    .bind(contest_id)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        let status: String = r.get("status")?;
        Ok(Review {
            status: match status.as_str() {
                "submitted" => ReviewStatus::Submitted,
                "returned" => ReviewStatus::Returned,
                other => return Err(StorageError::Corrupt(format!("award review {other}"))),
            },
            reason: r.get("reason")?,
            by: r.get("acted_by")?,
            at: r.get("acted_at")?,
        })
    })
    .transpose()
}

/// Records a submission to the approver (`reason` empty) or a return, audited as
/// `awards.submit` or `awards.return`.
pub async fn set_review(
    conn: &mut Conn,
    actor: &Actor,
    contest_id: i64,
    status: ReviewStatus,
    reason: &str,
) -> Result<()> {
    let before = review(conn, contest_id).await?;
    sql::query("delete from award_review where contest_id = $1")
        .bind(contest_id)
        .execute(&mut *conn)
        .await?;
    sql::query(
        "insert into award_review (contest_id, status, reason, acted_by, acted_at) values ($1, $2, $3, $4, $5)",
    )
    .bind(contest_id)
    .bind(status.as_str())
    .bind(reason)
    .bind(actor.name())
    .bind(actor.at)
    .execute(&mut *conn)
    .await?;
    audit::append(
        conn,
        actor,
        Event {
            action: match status {
                ReviewStatus::Submitted => "awards.submit",
                ReviewStatus::Returned => "awards.return",
            },
            object_type: "awards",
            object_id: contest_id.to_string(),
            contest_id: Some(contest_id),
            before: before.map(|b| json!({"status": b.status, "reason": b.reason})),
            after: Some(json!({"status": status, "reason": reason})),
        },
    )
    .await?;
    Ok(())
}

/// Records the approved decision (the caller moves the contest to `approved` in the
/// same transaction).
pub async fn approve(
    conn: &mut Conn,
    actor: &Actor,
    contest_id: i64,
    number: &str,
    date: &str,
    signer: &str,
) -> Result<()> {
    sql::query(
        "insert into award_decision (contest_id, number, decision_date, signer, approved_by, approved_at) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(contest_id)
    .bind(number)
    .bind(date)
    .bind(signer)
    .bind(actor.name())
    .bind(actor.at)
    .execute(&mut *conn)
    .await?;
    audit::append(
        conn,
        actor,
        Event {
            action: "awards.approve",
            object_type: "award_decision",
            object_id: contest_id.to_string(),
            contest_id: Some(contest_id),
            before: None,
            after: Some(json!({"number": number, "date": date, "signer": signer})),
        },
    )
    .await?;
    Ok(())
}

pub async fn decision(conn: &mut Conn, contest_id: i64) -> Result<Option<Decision>> {
    let row = sql::query(
        "select number, decision_date, signer, approved_by, approved_at from award_decision where contest_id = $1",
    )
    .bind(contest_id)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(Decision {
            number: r.get("number")?,
            date: r.get("decision_date")?,
            signer: r.get("signer")?,
            approved_by: r.get("approved_by")?,
            approved_at: r.get("approved_at")?,
        })
    })
    .transpose()
}

/// Stores the public results of a contest being published (the caller moves it to
/// `published` in the same transaction).
pub async fn publish(
    conn: &mut Conn,
    actor: &Actor,
    contest_id: i64,
    results: &Value,
    fingerprint: &str,
) -> Result<()> {
    sql::query(
        "insert into publication (contest_id, published_at, results, fingerprint) values ($1, $2, $3, $4)",
    )
    .bind(contest_id)
    .bind(actor.at)
    .bind(results.to_string())
    .bind(fingerprint)
    .execute(&mut *conn)
    .await?;
    audit::append(
        conn,
        actor,
        Event {
            action: "results.publish",
            object_type: "publication",
            object_id: contest_id.to_string(),
            contest_id: Some(contest_id),
            before: None,
            after: Some(json!({"fingerprint": fingerprint})),
        },
    )
    .await?;
    Ok(())
}

fn publication_of(r: &sql::Row) -> Result<Publication> {
    let text: String = r.get("results")?;
    Ok(Publication {
        contest_id: r.get("contest_id")?,
        published_at: r.get("published_at")?,
        results: serde_json::from_str(&text)
            .map_err(|e| StorageError::Corrupt(format!("publication: {e}")))?,
        fingerprint: r.get("fingerprint")?,
    })
}

pub async fn publication(conn: &mut Conn, contest_id: i64) -> Result<Option<Publication>> {
    sql::query(
        "select contest_id, published_at, results, fingerprint from publication where contest_id = $1",
    )
    .bind(contest_id)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(publication_of)
    .transpose()
}

/// Every publication, newest first.
/// What changes when a contest is published (or published again): how many are
/// published, and the latest publication time. Keys the kept list of publications.
pub async fn publications_version(conn: &mut Conn) -> Result<(i64, i64)> {
    let r = sql::query(
        "select cast(count(*) as bigint) as published, \
         cast(coalesce(max(published_at), 0) as bigint) as latest from publication",
    )
    .fetch_one(conn)
    .await?;
    Ok((r.get("published")?, r.get("latest")?))
}

pub async fn publications(conn: &mut Conn) -> Result<Vec<Publication>> {
    sql::query(
        "select contest_id, published_at, results, fingerprint from publication \
         order by published_at desc, contest_id desc",
    )
    .fetch_all(conn)
    .await?
    .iter()
    .map(publication_of)
    .collect()
}

/// The organizer's memo as recorded: its number and date (`YYYY-MM-DD`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Memo {
    pub number: String,
    pub date: String,
    pub by: String,
    pub at: i64,
}

/// The memo of a contest, once recorded.
pub async fn memo(conn: &mut Conn, contest_id: i64) -> Result<Option<Memo>> {
    sql::query(
        "select number, memo_date, recorded_by, recorded_at from award_memo where contest_id = $1",
    )
    .bind(contest_id)
    .fetch_optional(conn)
    .await?
    .map(|r| {
        Ok(Memo {
            number: r.get("number")?,
            date: r.get("memo_date")?,
            by: r.get("recorded_by")?,
            at: r.get("recorded_at")?,
        })
    })
    .transpose()
}

/// Records (or corrects) the memo's number and date, audited as `awards.memo`.
pub async fn put_memo(
    conn: &mut Conn,
    actor: &Actor,
    contest_id: i64,
    number: &str,
    date: &str,
) -> Result<()> {
    let before = memo(conn, contest_id).await?;
    sql::query("delete from award_memo where contest_id = $1")
        .bind(contest_id)
        .execute(&mut *conn)
        .await?;
    sql::query(
        "insert into award_memo (contest_id, number, memo_date, recorded_by, recorded_at) \
         values ($1, $2, $3, $4, $5)",
    )
    .bind(contest_id)
    .bind(number)
    .bind(date)
    .bind(actor.name())
    .bind(actor.at)
    .execute(&mut *conn)
    .await?;
    audit::append(
        conn,
        actor,
        Event {
            action: "awards.memo",
            object_type: "awards",
            object_id: contest_id.to_string(),
            contest_id: Some(contest_id),
            before: before.map(|b| json!({"number": b.number, "date": b.date})),
            after: Some(json!({"number": number, "date": date})),
        },
    )
    .await?;
    Ok(())
}
