//! Earlier years (organizers): the archive of past contests' entries and prizes, and
//! its import from a CSV or XLSX file, all or nothing with every bad row named.

use askama::Template;
use axum::{
    Router,
    extract::{DefaultBodyLimit, Multipart, Query, State, multipart::MultipartRejection},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use sangkien_app::{Error, archive, import::MAX_BYTES, require};
use sangkien_domain::{account::Role, contest::PrizeTier, labels::Label};

use super::{
    Nav, PageUser,
    import::{BadRow, bad_rows},
    page_error, render, render_status,
};
use crate::{AppState, error::status, upload::table_file};

pub fn router() -> Router<AppState> {
    Router::new().route("/archive", get(show)).route(
        "/archive/import",
        post(import).layer(DefaultBodyLimit::max(MAX_BYTES + 64 * 1024)),
    )
}

struct Row {
    year: i64,
    unit_name: String,
    title: String,
    tier: &'static str,
}

#[derive(Template)]
#[template(path = "archive.html")]
struct ArchivePage {
    nav: Option<Nav>,
    csrf: String,
    rows: Vec<Row>,
    done: Option<String>,
    error: Option<String>,
    bad_rows: Vec<BadRow>,
}

/// `?done=imported&created=…&unchanged=…` after an import.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct DoneQuery {
    done: String,
    created: u32,
    unchanged: u32,
}

async fn view(state: &AppState, user: &PageUser) -> Result<ArchivePage, Error> {
    let rows = archive::list(state, user.account())
        .await?
        .into_iter()
        .map(|a| Row {
            year: a.year,
            unit_name: a.unit_name,
            title: a.title,
            tier: a
                .tier
                .as_deref()
                .and_then(PrizeTier::parse)
                .map_or("", |t| t.vi()),
        })
        .collect();
    Ok(ArchivePage {
        nav: user.nav(),
        csrf: user.csrf(),
        rows,
        done: None,
        error: None,
        bad_rows: Vec::new(),
    })
}

async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<DoneQuery>,
) -> Response {
    match view(&state, &user).await {
        Ok(page) => render(&ArchivePage {
            done: (q.done == "imported").then(|| {
                format!(
                    "Đã nhập tệp: {} sáng kiến mới vào kho lưu trữ, {} sáng kiến đã có từ trước.",
                    q.created, q.unchanged
                )
            }),
            ..page
        }),
        Err(e) => page_error(e),
    }
}

async fn import(
    State(state): State<AppState>,
    user: PageUser,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let result = async {
        require(user.account(), &[Role::Organizer])?;
        let form = form.map_err(|_| {
            Error::bad_request(
                "malformed_multipart",
                "Biểu mẫu phải được gửi dạng multipart/form-data.",
            )
        })?;
        let bytes = table_file(form, Some(&user.csrf())).await?;
        archive::import(&state, user.account(), &bytes).await
    }
    .await;
    match result {
        Ok(done) => Redirect::to(&format!(
            "/archive?done=imported&created={}&unchanged={}",
            done.created, done.unchanged
        ))
        .into_response(),
        Err(e) => match view(&state, &user).await {
            Ok(page) => render_status(
                status(e.kind),
                &ArchivePage {
                    error: Some(e.message.clone()),
                    bad_rows: bad_rows(&e),
                    ..page
                },
            ),
            Err(_) => page_error(e),
        },
    }
}
