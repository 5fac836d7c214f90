//! The award decision (Quyết định, DOCX and PDF), the organizer's memo asking for it (Tờ
//! trình, DOCX) and the winners' certificates (PDF), in the format of Nghị định 30/2020.

use sangkien_domain::{account::Role, contest::ContestState};
use sangkien_export::official;

use super::{
    Context, Export, Format, Gathering, Made, facts, organizers, results_readers, too_early,
};

/// Quyết định khen thưởng, in one of two formats.
pub struct Decision(pub Format);

impl Export for Decision {
    fn name(&self) -> &'static str {
        match self.0 {
            Format::Pdf => "decision.pdf",
            _ => "decision.docx",
        }
    }
    fn label(&self) -> &'static str {
        match self.0 {
            Format::Pdf => "Quyết định khen thưởng (PDF)",
            _ => "Quyết định khen thưởng (DOCX)",
        }
    }
    fn format(&self) -> Format {
        self.0
    }
    fn file_name(&self, contest_id: i64) -> String {
        match self.0 {
            Format::Pdf => format!("quyet-dinh-{contest_id}.pdf"),
            _ => format!("quyet-dinh-{contest_id}.docx"),
        }
    }
    fn may_download(&self, role: Role) -> bool {
        results_readers(role)
    }
    fn gather<'a>(&'a self, cx: &'a mut Context<'_>) -> Gathering<'a> {
        Box::pin(async move {
            let a =
                facts::proposed(cx.conn, cx.user, cx.contest.id, "Quyết định khen thưởng").await?;
            Ok(Made::Doc(official::decision(
                &cx.agency,
                &facts::contest(cx.conn, &a).await?,
                &facts::winners(cx.conn, &a).await?,
                facts::decision(&a).as_ref(),
                &facts::memo(&a),
            )))
        })
    }
}

/// Tờ trình đề nghị tặng giải.
pub struct Memo;

impl Export for Memo {
    fn name(&self) -> &'static str {
        "memo.docx"
    }
    fn label(&self) -> &'static str {
        "Tờ trình đề nghị tặng giải (DOCX)"
    }
    fn format(&self) -> Format {
        Format::Docx
    }
    fn file_name(&self, contest_id: i64) -> String {
        format!("to-trinh-{contest_id}.docx")
    }
    fn may_download(&self, role: Role) -> bool {
        organizers(role)
    }
    fn gather<'a>(&'a self, cx: &'a mut Context<'_>) -> Gathering<'a> {
        Box::pin(async move {
            let a = facts::proposed(cx.conn, cx.user, cx.contest.id, "Tờ trình").await?;
            Ok(Made::Doc(official::memo(
                &cx.agency,
                &facts::contest(cx.conn, &a).await?,
                &facts::winners(cx.conn, &a).await?,
                &facts::memo(&a),
            )))
        })
    }
}

/// Giấy chứng nhận đạt giải, once the decision is approved.
pub struct Certificates;

impl Export for Certificates {
    fn name(&self) -> &'static str {
        "certificates.pdf"
    }
    fn label(&self) -> &'static str {
        "Giấy chứng nhận đạt giải (PDF)"
    }
    fn format(&self) -> Format {
        Format::Pdf
    }
    fn file_name(&self, contest_id: i64) -> String {
        format!("giay-chung-nhan-{contest_id}.pdf")
    }
    fn may_download(&self, role: Role) -> bool {
        organizers(role)
    }
    fn gather<'a>(&'a self, cx: &'a mut Context<'_>) -> Gathering<'a> {
        Box::pin(async move {
            let a = crate::award::load(cx.conn, cx.user, cx.contest.id).await?;
            let Some(d) = facts::decision(&a) else {
                return Err(too_early(ContestState::Approved, "Giấy chứng nhận"));
            };
            Ok(Made::Doc(official::certificates(
                &cx.agency,
                &facts::contest(cx.conn, &a).await?,
                &facts::winners(cx.conn, &a).await?,
                &d,
            )))
        })
    }
}
