//! Sending files: stored attachments (streamed, with their name and ETag), exports and
//! CSV tables.

use axum::{
    body::Body,
    http::header,
    response::{IntoResponse, Response},
};
use sangkien_app::{
    Error,
    export::{File, Format},
};
use sangkien_files::FileKind;
use sangkien_storage::entry::AttachmentRecord;

use crate::AppState;

/// Streams a stored attachment with its type, length, name and ETag.
pub async fn attachment(
    state: &AppState,
    a: &AttachmentRecord,
    cache_control: &'static str,
) -> Result<Response, Error> {
    let file = tokio::fs::File::open(state.files.path_of(&a.sha256))
        .await
        .map_err(|err| {
            tracing::error!(sha256 = %a.sha256, error = %err, "stored attachment unreadable");
            Error::internal()
        })?;
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
    let encoded: String = a
        .filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let fallback = format!(
        "tep-{}.{}",
        a.id,
        FileKind::from_content_type(&a.content_type).map_or("bin", |k| k.extension())
    );
    Ok((
        [
            (header::CONTENT_TYPE, a.content_type.clone()),
            (header::CONTENT_LENGTH, a.size.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"),
            ),
            (header::ETAG, format!("\"{}\"", a.sha256)),
            (header::CACHE_CONTROL, cache_control.to_string()),
        ],
        body,
    )
        .into_response())
}

/// A document or table to download. CSV tables are plain downloads; the office documents
/// are never kept by caches.
pub fn file(f: File) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", f.name);
    let content_type = f.format.content_type().to_string();
    if f.format == Format::Csv {
        return (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            f.bytes,
        )
            .into_response();
    }
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        f.bytes,
    )
        .into_response()
}

/// A CSV download of rows (the header first).
pub fn csv(name: &str, rows: Vec<Vec<String>>) -> Result<Response, Error> {
    Ok(file(File {
        name: name.to_string(),
        format: Format::Csv,
        bytes: sangkien_app::export::csv_bytes(rows)?,
    }))
}
