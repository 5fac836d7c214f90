//! The results table (XLSX): rank, entry, each member's total, the score, the prize.

use sangkien_domain::{account::Role, labels::Label};
use sangkien_export::sheet::{Cell, Sheet};

use super::{Context, Export, Format, Gathering, Made, results_readers};

/// Bảng kết quả.
pub struct Results;

impl Export for Results {
    fn name(&self) -> &'static str {
        "results.xlsx"
    }
    fn label(&self) -> &'static str {
        "Bảng kết quả (XLSX)"
    }
    fn format(&self) -> Format {
        Format::Xlsx
    }
    fn file_name(&self, contest_id: i64) -> String {
        format!("results-{contest_id}.xlsx")
    }
    fn may_download(&self, role: Role) -> bool {
        results_readers(role)
    }
    fn gather<'a>(&'a self, cx: &'a mut Context<'_>) -> Gathering<'a> {
        Box::pin(async move {
            let a = crate::award::load(cx.conn, cx.user, cx.contest.id).await?;
            let members = &a.scores.members;
            let mut headers: Vec<String> = ["Hạng", "Mã bài", "Sáng kiến, giải pháp", "Đơn vị"]
                .map(String::from)
                .to_vec();
            headers.extend(
                members
                    .iter()
                    .map(|m| format!("{} ({})", m.full_name, m.username)),
            );
            headers.extend(["Điểm", "Giải", "Tiền thưởng (đồng)"].map(String::from));
            let rows: Vec<Vec<Cell>> = a
                .rows
                .iter()
                .map(|r| {
                    let e = a.entry(r.entry_id);
                    let tier = a.chosen(r.entry_id).and_then(|x| x.tier);
                    let mut row = vec![
                        Cell::Number(r.rank as f64),
                        Cell::Number(r.entry_id as f64),
                        e.map(|e| e.title.clone()).unwrap_or_default().into(),
                        e.map(|e| e.unit_name.clone()).unwrap_or_default().into(),
                    ];
                    row.extend(members.iter().map(|m| {
                        r.judge_totals
                            .iter()
                            .find(|(j, _)| *j == m.username)
                            .map_or(Cell::Empty, |(_, t)| Cell::Number(t.as_f64()))
                    }));
                    row.push(Cell::Number(r.score.rounded().as_f64()));
                    row.push(tier.map(|t| t.vi()).unwrap_or("").into());
                    row.push(tier.map_or(Cell::Empty, |t| Cell::Money(a.amount(t))));
                    row
                })
                .collect();
            Ok(Made::Sheets(vec![Sheet {
                name: "Kết quả".into(),
                title: format!("Kết quả chấm điểm — {}", cx.contest.settings.title),
                headers,
                rows,
                bold_rows: vec![],
            }]))
        })
    }
}
