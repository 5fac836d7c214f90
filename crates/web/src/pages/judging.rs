//! A judge's pages: the entries assigned to them, and the score sheet beside the entry.

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    response::Response,
    routing::{get, post},
};
use sangkien_app::{
    Error, ErrorKind,
    judging::{
        self,
        assignment::{self, Assigned, MyAssignments},
        sheet::{self, SheetInput},
    },
};
use sangkien_domain::contest::ContestState;

use super::{
    DoneQuery, Nav, PageUser, after,
    form::{FromPairs, Pairs, Posted, Rows},
    page,
};
use crate::{AppState, extract::Id};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contests/{id}/judging", get(my_list))
        .route("/entries/{id}/score", get(sheet_page).post(save_sheet))
        .route("/entries/{id}/score/submit", post(submit_sheet))
        .route("/entries/{id}/conflict", post(declare_own_conflict))
}

struct AssignedLine {
    entry_id: i64,
    title: String,
    unit_name: String,
    state: &'static str,
    state_label: &'static str,
    total: String,
}

#[derive(Template)]
#[template(path = "judging.html")]
struct ListPage {
    nav: Option<Nav>,
    contest_id: i64,
    contest_title: String,
    role_label: &'static str,
    judging: bool,
    items: Vec<AssignedLine>,
    done: Option<&'static str>,
}

fn sheet_state_label(state: &str) -> &'static str {
    match state {
        "submitted" => "Đã nộp (đã khóa)",
        "draft" => "Đang chấm (bản nháp)",
        _ => "Chưa chấm",
    }
}

async fn my_list(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Query(q): Query<DoneQuery>,
) -> Response {
    let result = async {
        let MyAssignments {
            contest,
            member: me,
            items: assigned,
        } = assignment::mine(&state, user.account(), id).await?;
        let judging = contest.state >= ContestState::Judging;
        let mut items = Vec::new();
        if judging {
            for Assigned { entry: e, sheet } in assigned {
                let st = sheet.as_ref().map_or("empty", |s| s.state.as_str());
                items.push(AssignedLine {
                    entry_id: e.id,
                    title: e.content.title,
                    unit_name: if contest.settings.judges_see_unit_names {
                        e.unit_name
                    } else {
                        String::new()
                    },
                    state: match st {
                        "submitted" => "submitted",
                        "draft" => "draft",
                        _ => "empty",
                    },
                    state_label: sheet_state_label(st),
                    total: sheet.map(|s| s.total().display_vi()).unwrap_or_default(),
                });
            }
        }
        Ok(ListPage {
            nav: user.nav(),
            contest_id: id,
            contest_title: contest.settings.title.clone(),
            role_label: sangkien_domain::judging::council::role_label(&me.role),
            judging,
            items,
            done: (q.done == "conflict").then_some(
                "Đã khai báo xung đột lợi ích. Sáng kiến đó không còn trong danh sách chấm của đồng chí.",
            ),
        })
    }
    .await;
    page(result)
}

struct CriterionRow {
    code: String,
    name: String,
    description: String,
    max: String,
    bands: Vec<String>,
    value: String,
    comment: String,
}

#[derive(Template)]
#[template(path = "score.html")]
struct SheetView {
    nav: Option<Nav>,
    csrf: String,
    entry_id: i64,
    contest_id: i64,
    title: String,
    unit_name: String,
    sections: Vec<(&'static str, String)>,
    field_of_application: String,
    main_pdf: Option<(i64, String)>,
    criteria: Vec<CriterionRow>,
    comment: String,
    locked: bool,
    can_edit: bool,
    total: String,
    rubric_total: String,
    errors: Vec<String>,
    done: Option<String>,
    /// Other members' submitted totals, when the caller may see them.
    others: Vec<(String, String)>,
    /// The member's own conflict form: what was typed, and why it was refused.
    conflict_reason: String,
    conflict_error: Option<String>,
}

/// The typed values of the sheet form: criterion → (points text, comment), comment.
type Typed = (BTreeMap<String, (String, String)>, String);

async fn sheet_view(
    state: &AppState,
    user: &PageUser,
    id: i64,
    typed: Option<Typed>,
    errors: Vec<String>,
    done: Option<String>,
) -> Result<SheetView, Error> {
    let sheet::SheetPage {
        entry,
        contest,
        sheet,
        attachments: files,
        others,
    } = sheet::page(state, user.account(), id).await?;
    // Members are named, not shown by their logins.
    let mut named = Vec::with_capacity(others.len());
    for sh in others {
        let name = sangkien_app::user::full_name(state, &sh.username)
            .await
            .unwrap_or_else(|| sh.username.clone());
        named.push((name, sh.total().display_vi()));
    }
    let others = named;
    let s = &contest.settings;
    let locked = sheet.as_ref().is_some_and(|s| s.state == "submitted");
    let (typed_points, comment) = match typed {
        Some(t) => t,
        None => (
            s.criteria
                .iter()
                .map(|c| {
                    let value = sheet
                        .as_ref()
                        .and_then(|sh| sh.points.get(&c.code))
                        .map(|p| p.display_vi())
                        .unwrap_or_default();
                    let comment = sheet
                        .as_ref()
                        .and_then(|sh| sh.comments.get(&c.code).cloned())
                        .unwrap_or_default();
                    (c.code.clone(), (value, comment))
                })
                .collect(),
            sheet
                .as_ref()
                .map(|sh| sh.comment.clone())
                .unwrap_or_default(),
        ),
    };
    Ok(SheetView {
        nav: user.nav(),
        csrf: user.session.csrf_token.clone(),
        entry_id: entry.id,
        contest_id: contest.id,
        title: entry.content.title.clone(),
        unit_name: if s.judges_see_unit_names {
            entry.unit_name.clone()
        } else {
            String::new()
        },
        sections: entry
            .content
            .description
            .sections()
            .iter()
            .map(|(_, l, t)| (*l, t.to_string()))
            .collect(),
        field_of_application: entry.content.field_of_application.clone(),
        main_pdf: files
            .iter()
            .find(|a| a.kind == "main")
            .map(|a| (a.id, a.filename.clone())),
        criteria: s
            .criteria
            .iter()
            .map(|c| {
                let (value, comment) = typed_points.get(&c.code).cloned().unwrap_or_default();
                CriterionRow {
                    code: c.code.clone(),
                    name: c.name.clone(),
                    description: c.description.clone(),
                    max: c.max_points.display_vi(),
                    bands: c
                        .bands
                        .iter()
                        .map(|b| {
                            format!(
                                "{}: {} – {}",
                                b.label,
                                b.min.display_vi(),
                                b.max.display_vi()
                            )
                        })
                        .collect(),
                    value,
                    comment,
                }
            })
            .collect(),
        comment,
        locked,
        can_edit: !locked && contest.state == ContestState::Judging,
        total: sheet
            .map(|sh| sh.total().display_vi())
            .unwrap_or_else(|| "0".into()),
        rubric_total: s.rubric_total().display_vi(),
        errors,
        done,
        others,
        conflict_reason: String::new(),
        conflict_error: None,
    })
}

async fn sheet_page(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Query(q): Query<DoneQuery>,
) -> Response {
    let done = match q.done.as_str() {
        "saved" => Some("Đã lưu bản nháp phiếu chấm.".to_string()),
        "submitted" => {
            Some("Đã nộp phiếu chấm. Phiếu đã khóa; chỉ Chủ tịch Hội đồng mở lại được.".to_string())
        }
        _ => None,
    };
    page(sheet_view(&state, &user, id, None, Vec::new(), done).await)
}

/// The score sheet as posted: points and a note per criterion, and the comment.
pub struct SheetForm {
    csrf: String,
    typed: BTreeMap<String, (String, String)>,
    comment: String,
}

super::form::csrf_field!(SheetForm);

impl FromPairs for SheetForm {
    fn from_pairs(p: &Pairs) -> Self {
        let mut typed: BTreeMap<String, (String, String)> = BTreeMap::new();
        for (k, v) in &p.0 {
            if let Some(code) = k.strip_prefix("points.") {
                typed.entry(code.to_string()).or_default().0 = v.clone();
            } else if let Some(code) = k.strip_prefix("comments.") {
                typed.entry(code.to_string()).or_default().1 = v.clone();
            }
        }
        SheetForm {
            csrf: p.get("csrf"),
            typed,
            comment: p.get("comment"),
        }
    }
}

/// Saves the typed sheet as a draft.
async fn save_sheet(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Rows(f): Rows<SheetForm>,
) -> Response {
    store_sheet(&state, &user, id, f, false).await
}

/// Saves the typed sheet, then submits it.
async fn submit_sheet(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Rows(f): Rows<SheetForm>,
) -> Response {
    store_sheet(&state, &user, id, f, true).await
}

async fn store_sheet(
    state: &AppState,
    user: &PageUser,
    id: i64,
    f: SheetForm,
    submit: bool,
) -> Response {
    let SheetForm { typed, comment, .. } = f;
    let mut unreadable = Vec::new();
    let mut input = SheetInput {
        comment: comment.clone(),
        ..SheetInput::default()
    };
    for (code, (value, note)) in &typed {
        let v = value.trim().replace(',', ".");
        if !v.is_empty() {
            match v.parse::<f64>() {
                Ok(p) => {
                    input.points.insert(code.clone(), p);
                }
                Err(_) => unreadable.push(format!("Điểm «{value}» không phải là một số.")),
            }
        }
        if !note.trim().is_empty() {
            input.comments.insert(code.clone(), note.clone());
        }
    }
    let account = user.account();
    let result = async {
        if !unreadable.is_empty() {
            return Err(Error::new(
                ErrorKind::Invalid,
                "validation_failed",
                unreadable.join(" "),
            ));
        }
        sheet::save(state, account, id, input).await?;
        if submit {
            sheet::submit(state, account, id).await?;
            Ok(format!("/entries/{id}/score?done=submitted"))
        } else {
            Ok(format!("/entries/{id}/score?done=saved"))
        }
    }
    .await;
    after(result, |e| {
        sheet_view(
            state,
            user,
            id,
            Some((typed, comment)),
            e.field_messages(),
            None,
        )
    })
    .await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct OwnConflictForm {
    csrf: String,
    reason: String,
}

super::form::csrf_field!(OwnConflictForm);

/// A member declares their own conflict from the entry's score sheet; back to their list,
/// or the sheet again with the reason kept.
async fn declare_own_conflict(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Posted(f): Posted<OwnConflictForm>,
) -> Response {
    let result = judging::declare_own_conflict(&state, user.account(), id, &f.reason)
        .await
        .map(|(contest_id, _)| format!("/contests/{contest_id}/judging?done=conflict"));
    after(result, |e| async move {
        let view = sheet_view(&state, &user, id, None, Vec::new(), None).await?;
        Ok(SheetView {
            conflict_reason: f.reason,
            conflict_error: Some(e.field_messages().join(" ")),
            ..view
        })
    })
    .await
}
