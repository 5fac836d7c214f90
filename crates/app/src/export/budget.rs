//! The prize budget (XLSX): each prize tier and budget line, and the total.

use sangkien_domain::{account::Role, labels::Label};
use sangkien_export::sheet::{Cell, Sheet};

use super::{Context, Export, Format, Gathering, Made, organizers};

/// Dự toán kinh phí khen thưởng.
pub struct Budget;

impl Export for Budget {
    fn name(&self) -> &'static str {
        "budget.xlsx"
    }
    fn label(&self) -> &'static str {
        "Dự toán kinh phí khen thưởng (XLSX)"
    }
    fn format(&self) -> Format {
        Format::Xlsx
    }
    fn file_name(&self, contest_id: i64) -> String {
        format!("budget-{contest_id}.xlsx")
    }
    fn may_download(&self, role: Role) -> bool {
        organizers(role)
    }
    fn gather<'a>(&'a self, cx: &'a mut Context<'_>) -> Gathering<'a> {
        Box::pin(async move {
            let s = &cx.contest.settings;
            let mut rows: Vec<Vec<Cell>> = Vec::new();
            for p in &s.prizes {
                rows.push(vec![
                    p.tier.vi().into(),
                    Cell::Number(p.count as f64),
                    Cell::Money(p.amount_vnd),
                    Cell::Money(p.count * p.amount_vnd),
                ]);
            }
            for b in &s.budget_lines {
                rows.push(vec![
                    b.name.clone().into(),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Money(b.amount_vnd),
                ]);
            }
            let total =
                s.prize_budget_vnd() + s.budget_lines.iter().map(|b| b.amount_vnd).sum::<i64>();
            rows.push(vec![
                "Tổng cộng".into(),
                Cell::Empty,
                Cell::Empty,
                Cell::Money(total),
            ]);
            let last = rows.len() - 1;
            Ok(Made::Sheets(vec![Sheet {
                name: "Dự toán".into(),
                title: format!("Dự toán kinh phí khen thưởng — {}", s.title),
                headers: ["Nội dung", "Số lượng", "Mức (đồng)", "Thành tiền (đồng)"]
                    .map(String::from)
                    .to_vec(),
                rows,
                bold_rows: vec![last],
            }]))
        })
    }
}
