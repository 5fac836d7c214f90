//! Reading `multipart/form-data`: short text fields, and one file streamed chunk by
//! chunk into a staged file within a limit, its type checked by content. For the API and
//! the pages (which send their CSRF field first).

use axum::extract::Multipart;
use sangkien_app::{Error, session};
use sangkien_files::{FileError, Staged};

use crate::AppState;

/// The error of a form whose CSRF token does not match the session.
pub fn csrf_error() -> Error {
    Error::new(
        sangkien_app::ErrorKind::Forbidden,
        "csrf_mismatch",
        "Biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang rồi thử lại.",
    )
}

/// The text fields of a form and its file (with the name the client gave), if any.
pub type Received = (Vec<(String, String)>, Option<(String, Staged)>);

/// Reads a multipart body with one `file` field and some short text fields (`csrf`
/// checked first when `csrf` is given): streams the file to disk within `limit` and
/// checks its type. The file is optional (an empty file field counts as none).
pub async fn receive_form(
    state: &AppState,
    mut multipart: Multipart,
    csrf: Option<&str>,
    text_fields: &[&str],
    limit: u64,
    file_error: impl Fn(FileError) -> Error,
) -> Result<Received, Error> {
    let bad_form = |m: &str| Error::bad_request("malformed_multipart", m.to_string());
    let mut fields = Vec::new();
    let mut csrf_ok = csrf.is_none();
    let mut staged = None;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| bad_form("Không đọc được dữ liệu tải lên (multipart)."))?
    {
        let name = field.name().unwrap_or("").to_string();
        if name == "csrf" || text_fields.contains(&name.as_str()) {
            let mut value = Vec::new();
            while let Some(chunk) = field
                .chunk()
                .await
                .map_err(|_| bad_form("Không đọc được dữ liệu tải lên (multipart)."))?
            {
                value.extend_from_slice(&chunk);
                if value.len() > 5000 {
                    return Err(bad_form("Trường văn bản của biểu mẫu quá dài."));
                }
            }
            let value = String::from_utf8_lossy(&value).trim().to_string();
            if name == "csrf" {
                if let Some(expected) = csrf {
                    csrf_ok = session::same_secret(&value, expected);
                }
            } else {
                fields.push((name, value));
            }
        } else if name == "file" {
            if !csrf_ok {
                return Err(csrf_error());
            }
            if staged.is_some() {
                return Err(bad_form("Mỗi lần chỉ tải lên một tệp (trường «file»)."));
            }
            let filename = field.file_name().unwrap_or("").to_string();
            // The first chunk with bytes (some clients send empty ones first).
            let first = loop {
                match field.chunk().await {
                    Ok(Some(c)) if c.is_empty() => continue,
                    other => break other,
                }
            };
            if filename.is_empty() && matches!(first, Ok(None)) {
                // A browser's empty file input: no file chosen.
                continue;
            }
            let mut incoming = state.files.incoming(limit).await.map_err(&file_error)?;
            let mut next = Some(first);
            loop {
                let chunk = match next.take() {
                    Some(c) => c,
                    None => field.chunk().await,
                };
                match chunk {
                    Ok(Some(chunk)) => incoming.write(&chunk).await.map_err(&file_error)?,
                    Ok(None) => break,
                    Err(_) => {
                        incoming.discard().await;
                        return Err(bad_form("Tệp tải lên bị gián đoạn; hãy thử lại."));
                    }
                }
            }
            let done = incoming.finish().await.map_err(&file_error)?;
            staged = Some((filename, done));
        } else {
            let allowed: Vec<String> = text_fields
                .iter()
                .chain(["file"].iter())
                .map(|f| format!("«{f}»"))
                .collect();
            return Err(Error::field(
                &name,
                format!(
                    "Trường «{name}» không được hỗ trợ; chỉ dùng {}.",
                    allowed.join(", ")
                ),
            ));
        }
    }
    if !csrf_ok {
        return Err(csrf_error());
    }
    Ok((fields, staged))
}

/// As [`receive_form`], the file being required.
pub async fn receive_file(
    state: &AppState,
    multipart: Multipart,
    csrf: Option<&str>,
    text_fields: &[&str],
    limit: u64,
    file_error: impl Fn(FileError) -> Error,
) -> Result<(Vec<(String, String)>, (String, Staged)), Error> {
    let (fields, staged) =
        receive_form(state, multipart, csrf, text_fields, limit, file_error).await?;
    let Some(staged) = staged else {
        return Err(Error::field("file", "Chưa chọn tệp để tải lên."));
    };
    Ok((fields, staged))
}

/// Receives one attachment of an entry (fields `kind` and `file`; pages add `csrf`
/// first) within the limits the application gives, and has the application record it.
pub async fn attachment(
    state: &AppState,
    user: &sangkien_storage::account::Account,
    id: i64,
    multipart: Multipart,
    csrf: Option<&str>,
) -> Result<sangkien_storage::entry::AttachmentRecord, Error> {
    use sangkien_app::entry::attachment::{self, Upload};
    let limits = attachment::limits(state, user, id).await?;
    let started = std::time::Instant::now();
    let (fields, (filename, staged)) =
        receive_file(state, multipart, csrf, &["kind"], limits.upload(), |e| {
            limits.error(e)
        })
        .await?;
    let kind = fields
        .into_iter()
        .find(|(k, _)| k == "kind")
        .map_or_else(|| "supporting".to_string(), |(_, v)| v);
    let upload = Upload {
        kind,
        filename,
        staged,
        received_in: started.elapsed(),
    };
    attachment::add(state, user, id, limits, upload).await
}

/// The `file` field of an import form, in memory (a table of at most
/// [`sangkien_app::import::MAX_BYTES`]); a page's `csrf` field, sent first, is checked.
pub async fn table_file(mut form: Multipart, csrf: Option<&str>) -> Result<Vec<u8>, Error> {
    use axum::http::StatusCode;
    use sangkien_app::{ErrorKind, import::MAX_BYTES};
    let too_large = || {
        Error::new(
            ErrorKind::TooLarge,
            "payload_too_large",
            format!("Tệp quá lớn (tối đa {} MB).", MAX_BYTES / 1024 / 1024),
        )
    };
    let bad = || {
        Error::bad_request(
            "invalid_multipart",
            "Không đọc được biểu mẫu tải tệp (multipart/form-data).",
        )
    };
    let mut csrf_ok = csrf.is_none();
    loop {
        let field = form.next_field().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                bad()
            }
        })?;
        let Some(field) = field else {
            return Err(Error::field(
                "file",
                "Chưa chọn tệp để nhập (trường «file»).",
            ));
        };
        match field.name() {
            Some("csrf") => {
                let value = field.text().await.map_err(|_| bad())?;
                csrf_ok = csrf.is_some_and(|expected| session::same_secret(&value, expected));
            }
            Some("file") => {
                if !csrf_ok {
                    return Err(csrf_error());
                }
                let bytes = field.bytes().await.map_err(|e| {
                    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        too_large()
                    } else {
                        bad()
                    }
                })?;
                if bytes.is_empty() {
                    return Err(Error::field("file", "Chưa chọn tệp để nhập."));
                }
                return Ok(bytes.to_vec());
            }
            _ => {}
        }
    }
}
