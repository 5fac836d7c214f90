//! The score sheets to sign: one sheet per submitted score, then the council's summary
//! table, from deliberation on.

use sangkien_domain::{
    account::Role,
    contest::ContestState,
    judging::council::{role_label, role_scores},
    labels::Label,
    points::Points,
    time,
};
use sangkien_export::official::{self, SheetFacts, SummaryRow};
use sangkien_storage::judging::SheetRecord;

use super::{Context, Export, Format, Gathering, Made, facts, organizers, too_early};

/// Phiếu chấm và bảng tổng hợp điểm: PDF to sign, DOCX for the secretary to edit first.
pub struct ScoreSheets(pub Format);

impl Export for ScoreSheets {
    fn name(&self) -> &'static str {
        match self.0 {
            Format::Docx => "score-sheets.docx",
            _ => "score-sheets.pdf",
        }
    }
    fn label(&self) -> &'static str {
        match self.0 {
            Format::Docx => "Phiếu chấm và bảng tổng hợp điểm (DOCX, để chỉnh sửa)",
            _ => "Phiếu chấm và bảng tổng hợp điểm để ký (PDF)",
        }
    }
    fn format(&self) -> Format {
        self.0
    }
    fn file_name(&self, contest_id: i64) -> String {
        match self.0 {
            Format::Docx => format!("phieu-cham-{contest_id}.docx"),
            _ => format!("phieu-cham-{contest_id}.pdf"),
        }
    }
    fn may_download(&self, role: Role) -> bool {
        organizers(role)
    }
    fn gather<'a>(&'a self, cx: &'a mut Context<'_>) -> Gathering<'a> {
        Box::pin(async move {
            let a = crate::award::load(cx.conn, cx.user, cx.contest.id).await?;
            if a.contest().state < ContestState::Deliberation {
                return Err(too_early(ContestState::Deliberation, "Phiếu chấm để ký"));
            }
            let s = &a.contest().settings;
            // Only members who score have a column (the clerk takes the minutes).
            let members: Vec<_> = a
                .scores
                .members
                .iter()
                .filter(|m| role_scores(&m.role))
                .collect();
            let mut submitted: Vec<&SheetRecord> = a
                .scores
                .sheets
                .iter()
                .filter(|x| x.state == "submitted")
                .collect();
            submitted.sort_by(|x, y| (x.entry_id, &x.username).cmp(&(y.entry_id, &y.username)));
            let sheets: Vec<SheetFacts> = submitted
                .into_iter()
                .map(|sh| {
                    let m = members.iter().find(|m| m.username == sh.username);
                    let e = a.entry(sh.entry_id);
                    SheetFacts {
                        judge_name: m.map_or_else(|| sh.username.clone(), |m| m.full_name.clone()),
                        judge_role: role_label(m.map_or("member", |m| m.role.as_str())).to_string(),
                        entry_title: e.map(|e| e.title.clone()).unwrap_or_default(),
                        unit_name: e.map(|e| e.unit_name.clone()).unwrap_or_default(),
                        lines: s
                            .criteria
                            .iter()
                            .map(|c| {
                                (
                                    c.name.clone(),
                                    c.max_points.display_vi(),
                                    sh.points
                                        .get(&c.code)
                                        .copied()
                                        .unwrap_or(Points(0))
                                        .display_vi(),
                                    sh.comments.get(&c.code).cloned().unwrap_or_default(),
                                )
                            })
                            .collect(),
                        total: sh.total().display_vi(),
                        rubric_total: s.rubric_total().display_vi(),
                        comment: sh.comment.clone(),
                        submitted_on: sh.submitted_at.map(time::date_vn),
                    }
                })
                .collect();
            let summary: Vec<SummaryRow> = a
                .rows
                .iter()
                .map(|r| {
                    let e = a.entry(r.entry_id);
                    SummaryRow {
                        rank: r.rank,
                        entry_title: e.map(|e| e.title.clone()).unwrap_or_default(),
                        unit_name: e.map(|e| e.unit_name.clone()).unwrap_or_default(),
                        judge_totals: members
                            .iter()
                            .map(|m| {
                                r.judge_totals
                                    .iter()
                                    .find(|(j, _)| *j == m.username)
                                    .map(|(_, t)| t.display_vi())
                                    .unwrap_or_else(|| "—".into())
                            })
                            .collect(),
                        score: r.score.rounded().display_vi(),
                        prize: a
                            .chosen(r.entry_id)
                            .and_then(|x| x.tier)
                            .map(|t| t.vi().to_string())
                            .unwrap_or_default(),
                    }
                })
                .collect();
            // The table records the council's meeting, or else the end of judging.
            let meeting = sangkien_storage::judging::meeting(cx.conn, cx.contest.id).await?;
            let dated = match meeting.as_ref().and_then(|m| time::parse_date(&m.held_on)) {
                Some(d) => Some(d),
                None => sangkien_storage::audit::last_transition_at(
                    cx.conn,
                    cx.contest.id,
                    "deliberation",
                )
                .await?
                .map(time::date_vn),
            };
            let all = &a.scores.members;
            let named = |role: &str| all.iter().find(|m| m.role == role);
            let secretary = named("clerk")
                .map(|m| ("THƯ KÝ HỘI ĐỒNG".to_string(), m.full_name.clone()))
                .or_else(|| {
                    named("secretary").map(|m| ("ỦY VIÊN THƯ KÝ".to_string(), m.full_name.clone()))
                });
            let who = official::SummaryFacts {
                judges: members.iter().map(|m| m.full_name.clone()).collect(),
                chair: named("chair").map(|m| m.full_name.clone()),
                secretary,
                dated,
            };
            let contest = facts::contest(cx.conn, &a).await?;
            Ok(Made::Doc(official::score_sheets(
                &contest,
                &cx.agency.place,
                &sheets,
                &summary,
                &who,
            )))
        })
    }
}
