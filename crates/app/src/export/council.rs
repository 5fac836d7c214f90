//! The council's paperwork in DOCX and PDF: the decision that sets it up, the minutes
//! of its meeting, and the notice of results to the units.

use sangkien_domain::{account::Role, contest::ContestState, judging::council as rules, time};
use sangkien_export::official::{self, MeetingFacts, RankedFacts};
use sangkien_storage::judging as store;

use super::{Context, Export, Format, Gathering, Made, facts, organizers, too_early};
use crate::Error;

fn pick(f: Format, docx: &'static str, pdf: &'static str) -> &'static str {
    match f {
        Format::Pdf => pdf,
        _ => docx,
    }
}

fn extension(f: Format) -> &'static str {
    pick(f, "docx", "pdf")
}

/// Quyết định thành lập Hội đồng, once the council is set up.
pub struct CouncilDecision(pub Format);

impl Export for CouncilDecision {
    fn name(&self) -> &'static str {
        pick(self.0, "council-decision.docx", "council-decision.pdf")
    }
    fn label(&self) -> &'static str {
        pick(
            self.0,
            "Quyết định thành lập Hội đồng (DOCX)",
            "Quyết định thành lập Hội đồng (PDF)",
        )
    }
    fn format(&self) -> Format {
        self.0
    }
    fn file_name(&self, contest_id: i64) -> String {
        format!("qd-hoi-dong-{contest_id}.{}", extension(self.0))
    }
    fn may_download(&self, role: Role) -> bool {
        organizers(role)
    }
    fn gather<'a>(&'a self, cx: &'a mut Context<'_>) -> Gathering<'a> {
        Box::pin(async move {
            if store::council(cx.conn, cx.contest.id).await?.is_none() {
                return Err(Error::conflict(
                    "no_council",
                    "Quyết định thành lập Hội đồng: chưa thành lập Hội đồng (trang «Hội đồng và phân công»).",
                ));
            }
            let judged = crate::judging::eligible_entries(cx.conn, cx.contest.id)
                .await?
                .len();
            let contest = facts::contest_record(cx.conn, &cx.contest, judged).await?;
            let members = facts::council_members(cx.conn, cx.contest.id).await?;
            Ok(Made::Doc(official::council_decision(
                &cx.agency, &contest, &members,
            )))
        })
    }
}

/// Biên bản họp Hội đồng, once the meeting is recorded.
pub struct Minutes(pub Format);

impl Export for Minutes {
    fn name(&self) -> &'static str {
        pick(self.0, "minutes.docx", "minutes.pdf")
    }
    fn label(&self) -> &'static str {
        pick(
            self.0,
            "Biên bản họp Hội đồng (DOCX)",
            "Biên bản họp Hội đồng (PDF)",
        )
    }
    fn format(&self) -> Format {
        self.0
    }
    fn file_name(&self, contest_id: i64) -> String {
        format!("bien-ban-hop-hoi-dong-{contest_id}.{}", extension(self.0))
    }
    fn may_download(&self, role: Role) -> bool {
        organizers(role)
    }
    fn gather<'a>(&'a self, cx: &'a mut Context<'_>) -> Gathering<'a> {
        Box::pin(async move {
            let a = crate::award::load(cx.conn, cx.user, cx.contest.id).await?;
            if a.contest().state < ContestState::Deliberation {
                return Err(too_early(
                    ContestState::Deliberation,
                    "Biên bản họp Hội đồng",
                ));
            }
            let Some(meeting) = store::meeting(cx.conn, cx.contest.id).await? else {
                return Err(Error::conflict(
                    "no_meeting",
                    "Biên bản họp Hội đồng: chưa ghi cuộc họp Hội đồng (trang «Khen thưởng», mục «Họp Hội đồng»).",
                ));
            };
            let held_on = time::parse_date(&meeting.held_on).ok_or_else(Error::internal)?;
            let council = store::members(cx.conn, cx.contest.id).await?;
            let members = facts::council_members(cx.conn, cx.contest.id).await?;
            let present_names: Vec<&str> = meeting
                .present
                .iter()
                .map(|p| p.username.as_str())
                .collect();
            let (mut present, mut absent) = (Vec::new(), Vec::new());
            for (m, named) in council.iter().zip(&members) {
                if present_names.contains(&m.username.as_str()) {
                    present.push(named.clone());
                } else {
                    absent.push(named.clone());
                }
            }
            let voting = council
                .iter()
                .filter(|m| rules::role_scores(&m.role))
                .count();
            let ranking: Vec<RankedFacts> = a
                .rows
                .iter()
                .map(|r| {
                    let e = a.entry(r.entry_id);
                    let chosen = a.chosen(r.entry_id);
                    RankedFacts {
                        rank: r.rank,
                        entry_title: e.map(|e| e.title.clone()).unwrap_or_default(),
                        unit_name: e.map(|e| e.unit_name.clone()).unwrap_or_default(),
                        score: r.score.rounded().display_vi(),
                        tier: chosen
                            .and_then(|x| x.tier)
                            .map(|t| sangkien_domain::labels::Label::vi(&t).to_string())
                            .unwrap_or_default(),
                        reason: chosen.map(|x| x.reason.clone()).unwrap_or_default(),
                    }
                })
                .collect();
            let contest = facts::contest(cx.conn, &a).await?;
            Ok(Made::Doc(official::minutes(
                &cx.agency.place,
                &contest,
                &MeetingFacts {
                    held_on,
                    present,
                    absent,
                    votes_for: usize::try_from(meeting.votes_for).unwrap_or(0),
                    voting_members: voting,
                    votes_needed: rules::votes_needed(voting),
                },
                &members,
                &ranking,
            )))
        })
    }
}

/// Thông báo kết quả to the units, once the awards are approved.
pub struct ResultsNotice(pub Format);

impl Export for ResultsNotice {
    fn name(&self) -> &'static str {
        pick(self.0, "results-notice.docx", "results-notice.pdf")
    }
    fn label(&self) -> &'static str {
        pick(
            self.0,
            "Thông báo kết quả tới các đơn vị (DOCX)",
            "Thông báo kết quả tới các đơn vị (PDF)",
        )
    }
    fn format(&self) -> Format {
        self.0
    }
    fn file_name(&self, contest_id: i64) -> String {
        format!("thong-bao-ket-qua-{contest_id}.{}", extension(self.0))
    }
    fn may_download(&self, role: Role) -> bool {
        organizers(role)
    }
    fn gather<'a>(&'a self, cx: &'a mut Context<'_>) -> Gathering<'a> {
        Box::pin(async move {
            let a = crate::award::load(cx.conn, cx.user, cx.contest.id).await?;
            let Some(d) = facts::decision(&a) else {
                return Err(too_early(ContestState::Approved, "Thông báo kết quả"));
            };
            let published_on = sangkien_storage::award::publication(cx.conn, cx.contest.id)
                .await?
                .map(|p| time::date_vn(p.published_at));
            Ok(Made::Doc(official::results_notice(
                &cx.agency,
                &facts::contest(cx.conn, &a).await?,
                &facts::winners(cx.conn, &a).await?,
                &d,
                published_on,
            )))
        })
    }
}
