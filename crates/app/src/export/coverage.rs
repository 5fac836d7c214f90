//! The participation report (XLSX): each unit's submitted entries and drafts.

use sangkien_domain::{account::Role, time};
use sangkien_export::sheet::{Cell, Sheet};

use super::{Context, Export, Format, Gathering, Made, organizers};
use crate::coverage;

/// Báo cáo tham gia của các đơn vị.
pub struct CoverageTable;

impl Export for CoverageTable {
    fn name(&self) -> &'static str {
        "coverage.xlsx"
    }
    fn label(&self) -> &'static str {
        "Báo cáo tham gia của các đơn vị (XLSX)"
    }
    fn format(&self) -> Format {
        Format::Xlsx
    }
    fn file_name(&self, contest_id: i64) -> String {
        format!("coverage-{contest_id}.xlsx")
    }
    fn may_download(&self, role: Role) -> bool {
        organizers(role)
    }
    fn gather<'a>(&'a self, cx: &'a mut Context<'_>) -> Gathering<'a> {
        Box::pin(async move {
            let s = &cx.contest.settings;
            let lines = coverage::lines(cx.conn, &cx.contest).await?;
            let rows: Vec<Vec<Cell>> = lines
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    vec![
                        Cell::Number((i + 1) as f64),
                        l.row.unit_code.clone().into(),
                        l.row.unit_name.clone().into(),
                        Cell::Number(l.row.submitted as f64),
                        Cell::Number(l.row.drafts as f64),
                        if l.meets_minimum {
                            "Đạt"
                        } else {
                            "Chưa đạt"
                        }
                        .into(),
                        l.row
                            .last_reminded_at
                            .map(time::display_vn)
                            .unwrap_or_default()
                            .into(),
                    ]
                })
                .collect();
            Ok(Made::Sheets(vec![Sheet {
                name: "Tham gia".into(),
                title: format!("Tình hình tham gia — {}", s.title),
                headers: [
                    "STT",
                    "Mã đơn vị",
                    "Đơn vị",
                    "Đã nộp",
                    "Bản nháp",
                    &format!("Tối thiểu {} bài", s.min_entries_per_unit),
                    "Nhắc gần nhất",
                ]
                .map(String::from)
                .to_vec(),
                rows,
                bold_rows: vec![],
            }]))
        })
    }
}
