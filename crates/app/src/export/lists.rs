//! Lists as tables: a contest's entries (CSV), its audit log (CSV), and the library's
//! replication report (XLSX, not tied to one contest).

use sangkien_domain::{account::Role, labels::Label, time};
use sangkien_export::sheet::{Cell, Sheet};
use sangkien_storage::{
    account::Account,
    audit, entry as entries,
    library::{self as library_store, Adoption},
};

use super::{Context, Export, File, Format, Gathering, Made, organizers, write};
use crate::{App, Result, require};

fn header(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

/// Danh sách bài dự thi.
pub struct Entries;

impl Export for Entries {
    fn name(&self) -> &'static str {
        "entries.csv"
    }
    fn label(&self) -> &'static str {
        "Danh sách bài dự thi (CSV)"
    }
    fn format(&self) -> Format {
        Format::Csv
    }
    fn file_name(&self, contest_id: i64) -> String {
        format!("entries-{contest_id}.csv")
    }
    fn may_download(&self, role: Role) -> bool {
        organizers(role)
    }
    fn gather<'a>(&'a self, cx: &'a mut Context<'_>) -> Gathering<'a> {
        Box::pin(async move {
            let (mut list, _) = entries::list(cx.conn, cx.contest.id, None, i64::MAX, 0).await?;
            // Vietnamese order of unit, then of title.
            list.sort_by_cached_key(|e| {
                (
                    sangkien_domain::collate::sort_key(&e.unit_name),
                    sangkien_domain::collate::sort_key(&e.content.title),
                )
            });
            let mut rows = vec![header(&[
                "Mã bài",
                "Mã đơn vị",
                "Đơn vị",
                "Tên sáng kiến, giải pháp",
                "Chủ đề",
                "Hình thức",
                "Trạng thái",
                "Nộp lúc",
                "Sơ loại",
            ])];
            for e in list {
                rows.push(vec![
                    e.id.to_string(),
                    e.unit_code.clone(),
                    e.unit_name.clone(),
                    e.content.title.clone(),
                    e.content.topic_code.clone(),
                    e.content.form.clone(),
                    e.status.vi().to_string(),
                    e.submitted_at.map(time::display_vn).unwrap_or_default(),
                    match e.eligible {
                        Some(true) => "Đủ điều kiện".into(),
                        Some(false) => format!(
                            "Không đủ điều kiện: {}",
                            e.screening_reason.clone().unwrap_or_default()
                        ),
                        None => String::new(),
                    },
                ]);
            }
            Ok(Made::Rows(rows))
        })
    }
}

/// Nhật ký thao tác.
pub struct AuditLog;

impl Export for AuditLog {
    fn name(&self) -> &'static str {
        "audit.csv"
    }
    fn label(&self) -> &'static str {
        "Nhật ký thao tác (CSV)"
    }
    fn format(&self) -> Format {
        Format::Csv
    }
    fn file_name(&self, contest_id: i64) -> String {
        format!("audit-{contest_id}.csv")
    }
    fn may_download(&self, role: Role) -> bool {
        organizers(role)
    }
    fn gather<'a>(&'a self, cx: &'a mut Context<'_>) -> Gathering<'a> {
        Box::pin(async move {
            let (items, _) = audit::list_for_contest(cx.conn, cx.contest.id, i64::MAX, 0).await?;
            let mut rows = vec![header(&[
                "STT",
                "Thời điểm",
                "Người thực hiện",
                "Thao tác",
                "Đối tượng",
                "Trước",
                "Sau",
                "Mã băm",
            ])];
            for r in items {
                rows.push(vec![
                    r.seq.to_string(),
                    time::display_vn(r.at),
                    r.actor.unwrap_or_else(|| "hệ thống".into()),
                    r.action,
                    format!("{} {}", r.object_type, r.object_id),
                    r.before.map(|v| v.to_string()).unwrap_or_default(),
                    r.after.map(|v| v.to_string()).unwrap_or_default(),
                    r.hash,
                ]);
            }
            Ok(Made::Rows(rows))
        })
    }
}

/// Adoptions counted per initiative and per unit, as XLSX (organizers).
pub async fn adoption_report(app: &App, user: &Account) -> Result<File> {
    require(user, &[Role::Organizer])?;
    let (lines, adoptions) = {
        let mut conn = app.store.reader().await?;
        (
            library_store::all_lines(&mut conn).await?,
            library_store::all_adoptions(&mut conn).await?,
        )
    };
    let per_entry: Vec<Vec<Cell>> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mine: Vec<&Adoption> = adoptions
                .iter()
                .filter(|a| a.entry_id == l.entry_id)
                .collect();
            let mut units: Vec<&str> = mine.iter().map(|a| a.unit_name.as_str()).collect();
            units.sort_by(|a, b| sangkien_domain::collate::cmp_vi(a, b));
            units.dedup();
            vec![
                Cell::Number((i + 1) as f64),
                l.title.clone().into(),
                l.unit_name.clone().into(),
                Cell::Number(l.year as f64),
                Cell::Number(mine.len() as f64),
                units.join("; ").into(),
            ]
        })
        .collect();
    let mut units: Vec<(String, String)> = adoptions
        .iter()
        .map(|a| (a.unit_code.clone(), a.unit_name.clone()))
        .collect();
    units.sort();
    units.dedup();
    sangkien_domain::collate::sort_by_vi(&mut units, |u| &u.1);
    let per_unit: Vec<Vec<Cell>> = units
        .iter()
        .enumerate()
        .map(|(i, (code, name))| {
            let n = adoptions.iter().filter(|a| &a.unit_code == code).count();
            vec![
                Cell::Number((i + 1) as f64),
                code.clone().into(),
                name.clone().into(),
                Cell::Number(n as f64),
            ]
        })
        .collect();
    let sheets = vec![
        Sheet {
            name: "Theo sáng kiến".into(),
            title: "Số lần nhân rộng theo sáng kiến".into(),
            headers: header(&[
                "STT",
                "Sáng kiến",
                "Đơn vị tác giả",
                "Năm",
                "Số lần áp dụng",
                "Đơn vị áp dụng",
            ]),
            rows: per_entry,
            bold_rows: vec![],
        },
        Sheet {
            name: "Theo đơn vị".into(),
            title: "Số sáng kiến đã áp dụng theo đơn vị".into(),
            headers: header(&["STT", "Mã đơn vị", "Đơn vị", "Số sáng kiến đã áp dụng"]),
            rows: per_unit,
            bold_rows: vec![],
        },
    ];
    write("nhan-rong.xlsx".into(), Format::Xlsx, Made::Sheets(sheets)).await
}
