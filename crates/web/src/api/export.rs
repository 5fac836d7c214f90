//! `GET /contests/{id}/exports/{name}`: the documents and spreadsheets of SPEC §3.7.

use std::sync::OnceLock;

use axum::{
    Router,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use sangkien_domain::{
    account::Role,
    contest::{ContestState, PrizeTier},
    judging::council::role_label,
    labels::Label,
    points::Points,
    time,
};
use sangkien_export::{
    doc::{Doc, docx, pdf},
    official::{self, ContestFacts, DecisionFacts, Issuer, SheetFacts, SummaryRow, Winner},
    sheet::{Cell, Sheet, xlsx},
};
use sangkien_storage::{
    Conn, account::Account, audit, entry as entries, judging as judging_store, unit,
};

use crate::{
    AppState,
    api::{
        award::{Awards, load},
        contest::visible,
        coverage::coverage_of,
        setting::{AgencySettings, agency},
    },
    auth::ApiUser,
    error::{ApiError, ApiResult},
    heavy::Heavy,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/contests/{id}/exports/{name}", get(export))
}

/// Every export, with its Vietnamese label (for the pages' download links).
pub const EXPORTS: &[(&str, &str)] = &[
    ("results.xlsx", "Bảng kết quả (XLSX)"),
    ("coverage.xlsx", "Báo cáo tham gia của các đơn vị (XLSX)"),
    ("budget.xlsx", "Dự toán kinh phí khen thưởng (XLSX)"),
    ("memo.docx", "Tờ trình đề nghị tặng giải (DOCX)"),
    ("decision.docx", "Quyết định khen thưởng (DOCX)"),
    ("decision.pdf", "Quyết định khen thưởng (PDF)"),
    (
        "score-sheets.pdf",
        "Phiếu chấm và bảng tổng hợp điểm để ký (PDF)",
    ),
    ("certificates.pdf", "Giấy chứng nhận đạt giải (PDF)"),
    ("entries.csv", "Danh sách bài dự thi (CSV)"),
    ("audit.csv", "Nhật ký thao tác (CSV)"),
];

static FONTS: OnceLock<Result<pdf::Fonts, String>> = OnceLock::new();

fn fonts() -> ApiResult<&'static pdf::Fonts> {
    FONTS
        .get_or_init(|| {
            let dir = std::env::var_os("SANGKIEN_FONT_DIR");
            pdf::Fonts::discover(dir.as_deref().map(std::path::Path::new))
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| {
            tracing::error!(error = %e, "no font for PDF documents");
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "font_missing", e.clone())
        })
}

fn file(name: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn too_early(needs: ContestState, what: &str) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "invalid_state",
        format!("{what} chỉ có từ bước «{}» trở đi.", needs.vi()),
    )
    .with_details(serde_json::json!({"needs": needs.as_str()}))
}

pub fn issuer(a: &AgencySettings) -> Issuer {
    Issuer {
        parent_agency: a.parent_agency.clone(),
        agency: a.agency.clone(),
        place: a.place.clone(),
        decision_code: a.decision_code.clone(),
        signing_authority: a.signing_authority.clone(),
        signer_title: a.signer_title.clone(),
        recipients: a.recipients.clone(),
        legal_bases: a.legal_bases.clone(),
    }
}

async fn facts(conn: &mut Conn, a: &Awards) -> ApiResult<ContestFacts> {
    let c = a.contest();
    let s = &c.settings;
    let coverage = coverage_of(conn, c).await?;
    let organizer = unit::get(conn, &s.organizer_unit_code).await?;
    let council = judging_store::council(conn, c.id).await?;
    Ok(ContestFacts {
        title: s.title.clone(),
        year: s.year,
        plan_number: s.plan.number.clone(),
        plan_date: s.plan.date,
        organizer_name: organizer.map_or_else(|| s.organizer_unit_code.clone(), |u| u.name),
        organizer_code: s.organizer_unit_code.clone(),
        units_taking_part: coverage.iter().filter(|l| l.row.submitted > 0).count(),
        entries_submitted: coverage
            .iter()
            .map(|l| l.row.submitted.max(0) as usize)
            .sum(),
        entries_judged: a.scores.entries.len(),
        council_decision: council.map(|c| (c.decision_number, c.decision_date)),
    })
}

async fn winners(conn: &mut Conn, a: &Awards) -> ApiResult<Vec<Winner>> {
    let mut out = Vec::new();
    for (x, row) in a.winners() {
        let Some(e) = entries::get(conn, x.entry_id).await? else {
            continue;
        };
        let tier = x.tier.unwrap_or(PrizeTier::Consolation);
        out.push(Winner {
            tier,
            amount_vnd: a.amount(tier),
            entry_title: e.content.title.clone(),
            unit_name: e.unit_name.clone(),
            authors: e
                .content
                .authors
                .iter()
                .map(|au| au.full_name.clone())
                .collect(),
            score: row.score.rounded().display_vi(),
        });
    }
    Ok(out)
}

fn decision_facts(a: &Awards) -> Option<DecisionFacts> {
    a.decision.as_ref().and_then(|d| {
        Some(DecisionFacts {
            number: d.number.clone(),
            date: d.date.parse().ok()?,
            signer: d.signer.clone(),
        })
    })
}

/// Awards for a document: a list must exist (deliberation on).
async fn awards_for(conn: &mut Conn, user: &Account, id: i64, what: &str) -> ApiResult<Awards> {
    let a = load(conn, user, id).await?;
    if a.contest().state < ContestState::Deliberation || a.list.is_none() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_proposed",
            format!("{what}: chưa có đề xuất giải (bước «Đang xét chọn»)."),
        ));
    }
    Ok(a)
}

/// A PDF takes tens of ms of CPU (the decision about 40): heavy work (the `heavy` module),
/// so downloads do not stall the other requests (docs/PERFORMANCE.md, "PDFs off the
/// runtime"). The spreadsheets and DOCX files take a few ms and are written in place.
static RENDERING: Heavy = Heavy::per_core();

async fn pdf_file(name: &str, doc: Doc) -> ApiResult<Response> {
    let fonts = fonts()?;
    let bytes = RENDERING
        .run(move || pdf::render(&doc, fonts))
        .await?
        .map_err(|e| {
            tracing::error!(error = %e, "PDF rendering failed");
            ApiError::internal()
        })?;
    Ok(file(name, "application/pdf", bytes))
}

fn docx_file(name: &str, doc: &Doc) -> ApiResult<Response> {
    let bytes = docx::render(doc).map_err(|e| {
        tracing::error!(error = %e, "DOCX rendering failed");
        ApiError::internal()
    })?;
    Ok(file(name, DOCX, bytes))
}

pub fn xlsx_file(name: &str, sheets: &[Sheet]) -> ApiResult<Response> {
    let bytes = xlsx(sheets).map_err(|e| {
        tracing::error!(error = %e, "XLSX writing failed");
        ApiError::internal()
    })?;
    Ok(file(name, XLSX, bytes))
}

/// An export read from the database, still to be written.
enum Made {
    Pdf(String, Doc),
    Docx(String, Doc),
    Xlsx(String, Vec<Sheet>),
    /// The CSVs, written as they are read.
    Written(Response),
}

/// Builds one export for the caller; shared by the API and the pages. The read connection
/// is given back before the file is written: a request waiting for its turn to render a
/// PDF (see [`RENDERING`]) must not keep other requests from reading.
pub async fn build(state: &AppState, user: &Account, id: i64, name: &str) -> ApiResult<Response> {
    let made = make(&mut *state.store.reader().await?, state, user, id, name).await?;
    match made {
        Made::Pdf(name, doc) => pdf_file(&name, doc).await,
        Made::Docx(name, doc) => docx_file(&name, &doc),
        Made::Xlsx(name, sheets) => xlsx_file(&name, &sheets),
        Made::Written(response) => Ok(response),
    }
}

async fn make(
    conn: &mut Conn,
    state: &AppState,
    user: &Account,
    id: i64,
    name: &str,
) -> ApiResult<Made> {
    let organizer = user.role == Role::Organizer;
    let results_reader = organizer || user.role == Role::Approver;
    let allowed = match name {
        "results.xlsx" | "decision.docx" | "decision.pdf" => results_reader,
        _ => organizer,
    };
    let known = EXPORTS.iter().any(|(n, _)| *n == name);
    if !known {
        return Err(ApiError::not_found("tệp xuất"));
    }
    if !allowed {
        return Err(ApiError::forbidden());
    }
    let contest = visible(conn, user, id).await?;
    let issuer_settings = agency(conn).await?;
    let issuer = issuer(&issuer_settings);
    let s = &contest.settings;
    match name {
        "coverage.xlsx" => {
            let lines = coverage_of(conn, &contest).await?;
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
            Ok(Made::Xlsx(
                format!("coverage-{id}.xlsx"),
                vec![Sheet {
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
                }],
            ))
        }
        "budget.xlsx" => {
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
            Ok(Made::Xlsx(
                format!("budget-{id}.xlsx"),
                vec![Sheet {
                    name: "Dự toán".into(),
                    title: format!("Dự toán kinh phí khen thưởng — {}", s.title),
                    headers: ["Nội dung", "Số lượng", "Mức (đồng)", "Thành tiền (đồng)"]
                        .map(String::from)
                        .to_vec(),
                    rows,
                    bold_rows: vec![last],
                }],
            ))
        }
        "entries.csv" => {
            let (mut list, _) = entries::list(conn, id, None, i64::MAX, 0).await?;
            // Vietnamese order of unit, then of title.
            list.sort_by_cached_key(|e| {
                (
                    sangkien_domain::collate::sort_key(&e.unit_name),
                    sangkien_domain::collate::sort_key(&e.content.title),
                )
            });
            let mut rows = vec![
                [
                    "Mã bài",
                    "Mã đơn vị",
                    "Đơn vị",
                    "Tên sáng kiến, giải pháp",
                    "Chủ đề",
                    "Hình thức",
                    "Trạng thái",
                    "Nộp lúc",
                    "Sơ loại",
                ]
                .map(String::from)
                .to_vec(),
            ];
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
            Ok(Made::Written(crate::pages::csv_response(
                &format!("entries-{id}.csv"),
                rows,
            )))
        }
        "audit.csv" => {
            let (items, _) = audit::list_for_contest(conn, id, i64::MAX, 0).await?;
            let mut rows = vec![
                [
                    "STT",
                    "Thời điểm",
                    "Người thực hiện",
                    "Thao tác",
                    "Đối tượng",
                    "Trước",
                    "Sau",
                    "Mã băm",
                ]
                .map(String::from)
                .to_vec(),
            ];
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
            Ok(Made::Written(crate::pages::csv_response(
                &format!("audit-{id}.csv"),
                rows,
            )))
        }
        "results.xlsx" => {
            let a = load(conn, user, id).await?;
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
            let stored = a
                .list
                .as_ref()
                .map(|l| l.awards.clone())
                .unwrap_or_default();
            let rows: Vec<Vec<Cell>> = a
                .rows
                .iter()
                .map(|r| {
                    let e = a.entry(r.entry_id);
                    let tier = stored
                        .iter()
                        .find(|x| x.entry_id == r.entry_id)
                        .and_then(|x| x.tier);
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
            Ok(Made::Xlsx(
                format!("results-{id}.xlsx"),
                vec![Sheet {
                    name: "Kết quả".into(),
                    title: format!("Kết quả chấm điểm — {}", s.title),
                    headers,
                    rows,
                    bold_rows: vec![],
                }],
            ))
        }
        "decision.docx" | "decision.pdf" => {
            let a = awards_for(conn, user, id, "Quyết định khen thưởng").await?;
            let doc = official::decision(
                &issuer,
                &facts(conn, &a).await?,
                &winners(conn, &a).await?,
                decision_facts(&a).as_ref(),
            );
            if name.ends_with(".pdf") {
                Ok(Made::Pdf(format!("quyet-dinh-{id}.pdf"), doc))
            } else {
                Ok(Made::Docx(format!("quyet-dinh-{id}.docx"), doc))
            }
        }
        "memo.docx" => {
            let a = awards_for(conn, user, id, "Tờ trình").await?;
            let today = jiff::Timestamp::from_second(state.now())
                .map(|t| t.to_zoned(time::vn_tz()).date())
                .map_err(|_| ApiError::internal())?;
            let doc = official::memo(
                &issuer,
                &facts(conn, &a).await?,
                &winners(conn, &a).await?,
                today,
            );
            Ok(Made::Docx(format!("to-trinh-{id}.docx"), doc))
        }
        "certificates.pdf" => {
            let a = load(conn, user, id).await?;
            let Some(d) = decision_facts(&a) else {
                return Err(too_early(ContestState::Approved, "Giấy chứng nhận"));
            };
            let doc = official::certificates(
                &issuer,
                &facts(conn, &a).await?,
                &winners(conn, &a).await?,
                &d,
            );
            Ok(Made::Pdf(format!("giay-chung-nhan-{id}.pdf"), doc))
        }
        "score-sheets.pdf" => {
            let a = load(conn, user, id).await?;
            if a.contest().state < ContestState::Deliberation {
                return Err(too_early(ContestState::Deliberation, "Phiếu chấm để ký"));
            }
            let doc = score_sheets_doc(conn, &a, &issuer_settings, state.now()).await?;
            Ok(Made::Pdf(format!("phieu-cham-{id}.pdf"), doc))
        }
        _ => Err(ApiError::not_found("tệp xuất")),
    }
}

async fn score_sheets_doc(
    conn: &mut Conn,
    a: &Awards,
    issuer: &AgencySettings,
    now: i64,
) -> ApiResult<Doc> {
    let s = &a.contest().settings;
    let members = &a.scores.members;
    let mut sheets = Vec::new();
    let mut submitted: Vec<&judging_store::SheetRecord> = a
        .scores
        .sheets
        .iter()
        .filter(|x| x.state == "submitted")
        .collect();
    submitted.sort_by(|x, y| (x.entry_id, &x.username).cmp(&(y.entry_id, &y.username)));
    for sh in submitted {
        let m = members.iter().find(|m| m.username == sh.username);
        let e = a.entry(sh.entry_id);
        sheets.push(SheetFacts {
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
        });
    }
    let stored = a
        .list
        .as_ref()
        .map(|l| l.awards.clone())
        .unwrap_or_default();
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
                prize: stored
                    .iter()
                    .find(|x| x.entry_id == r.entry_id)
                    .and_then(|x| x.tier)
                    .map(|t| t.vi().to_string())
                    .unwrap_or_default(),
            }
        })
        .collect();
    let today = jiff::Timestamp::from_second(now)
        .map(|t| t.to_zoned(time::vn_tz()).date())
        .ok();
    let facts = facts(conn, a).await?;
    Ok(official::score_sheets(
        &facts,
        &sheets,
        &members
            .iter()
            .map(|m| m.full_name.clone())
            .collect::<Vec<_>>(),
        &summary,
        &sangkien_domain::award::place_date_line(&issuer.place, today, s.year),
    ))
}

async fn export(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, name)): Path<(String, String)>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return ApiError::not_found("cuộc thi").into_response();
    };
    match build(&state, &user.0, id, &name).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}
