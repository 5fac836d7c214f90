//! `sangkien backup OUT` and `sangkien restore IN`.
//!
//! A backup is a directory: `manifest.json` (written last, so its presence means the
//! backup is complete), the database (`database.sqlite` from `VACUUM INTO`, or
//! `database.pgdump` from `pg_dump --format=custom` run on a snapshot held open by the
//! backup) and `files/`, the attachment files the database of that instant refers to,
//! in the file store's own layout. Every file carries its SHA-256 in the manifest and is
//! checked on the way out and on the way back.
//!
//! Attachments are immutable and named by their hash, and a file is always stored
//! before the row that refers to it commits; so the files referenced by the snapshot
//! exist when it is taken, and copying them afterwards gives a consistent pair.

use std::{
    collections::BTreeSet,
    io::{self, Read, Write},
    path::{Path, PathBuf},
    process::Command,
    time::Instant,
};

use anyhow::{Context, Result, bail};
use sangkien_files::FileStore;
use sangkien_storage::{Backend, Store, migrations};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const FORMAT: &str = "sangkien-backup";
pub const FORMAT_VERSION: u32 = 1;
const SQLITE_FILE: &str = "database.sqlite";
const PG_FILE: &str = "database.pgdump";

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The newest migration applied to the database when it was copied.
    pub schema_version: i64,
    pub database: Blob,
    pub files: Vec<Blob>,
}

/// One file of the backup: its path inside the backup, size and SHA-256.
#[derive(Debug, Serialize, Deserialize)]
pub struct Blob {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// Where a restore or a backup reads and writes: the database URL and the data
/// directory of the attachments.
pub struct Target {
    pub url: String,
    pub data_dir: PathBuf,
}

impl Target {
    fn backend(&self) -> Backend {
        if self.url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        }
    }

    /// The SQLite file of a `sqlite://path?…` URL.
    fn sqlite_path(&self) -> PathBuf {
        let rest = self
            .url
            .trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:");
        PathBuf::from(rest.split('?').next().unwrap_or(rest))
    }

    fn files(&self) -> Result<FileStore> {
        let dir = self.data_dir.join("files");
        FileStore::open(&dir)
            .with_context(|| format!("không mở được thư mục tệp đính kèm {}", dir.display()))
    }
}

fn backend_name(b: Backend) -> &'static str {
    match b {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

/// Progress of a long step on standard error: a line at most every second and one at
/// the end.
struct Progress {
    label: &'static str,
    total: usize,
    done: usize,
    bytes: u64,
    last: Instant,
}

impl Progress {
    fn new(label: &'static str, total: usize) -> Self {
        eprintln!("{label}: {total} tệp…");
        Progress {
            label,
            total,
            done: 0,
            bytes: 0,
            last: Instant::now(),
        }
    }

    fn step(&mut self, bytes: u64) {
        self.done += 1;
        self.bytes += bytes;
        if self.last.elapsed().as_secs() >= 1 || self.done == self.total {
            self.last = Instant::now();
            let percent = (self.done * 100).checked_div(self.total).unwrap_or(100);
            eprintln!(
                "  {}: {percent}% ({}/{} tệp, {})",
                self.label,
                self.done,
                self.total,
                megabytes(self.bytes)
            );
        }
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0).replace('.', ",")
}

/// Copies `from` to `to` (through a temporary file, synced, then renamed) and returns
/// the size and SHA-256 of what was copied.
fn copy_hashed(from: &Path, to: &Path) -> io::Result<(u64, String)> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = to.with_extension("part");
    let mut input = std::fs::File::open(from)?;
    let mut output = std::fs::File::create(&tmp)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        output.write_all(&buf[..n])?;
        size += n as u64;
    }
    output.sync_all()?;
    drop(output);
    std::fs::rename(&tmp, to)?;
    Ok((size, hex::encode(hasher.finalize())))
}

fn hash_file(path: &Path) -> io::Result<(u64, String)> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let size = io::copy(&mut f, &mut h)?;
    Ok((size, hex::encode(h.finalize())))
}

/// The file store's path of a hash, relative to its root (`blobs/ab/abcd…`).
fn relative_blob(files: &FileStore, sha: &str) -> PathBuf {
    let full = files.path_of(sha);
    full.strip_prefix(files.root())
        .map(Path::to_path_buf)
        .unwrap_or(full)
}

/// Makes a backup of `source` in the new directory `out`.
pub async fn backup(source: &Target, out: &Path) -> Result<Manifest> {
    if out.exists()
        && std::fs::read_dir(out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        bail!(
            "thư mục sao lưu {} đã có nội dung: hãy chọn một thư mục mới",
            out.display()
        );
    }
    std::fs::create_dir_all(out)
        .with_context(|| format!("không tạo được thư mục sao lưu {}", out.display()))?;
    let store = Store::connect(&source.url)
        .await
        .context("không mở được cơ sở dữ liệu")?;
    let schema_version = store
        .schema_version()
        .await
        .context("cơ sở dữ liệu chưa có cấu trúc của sangkien (chưa chạy migrate?)")?;
    let backend = store.backend();
    eprintln!("Sao lưu cơ sở dữ liệu ({})…", backend_name(backend));
    let (db_name, referenced) = match backend {
        Backend::Sqlite => {
            let path = out.join(SQLITE_FILE);
            store
                .vacuum_into(&path)
                .await
                .context("không chép được cơ sở dữ liệu SQLite (VACUUM INTO)")?;
            let copy = Store::connect(&format!("sqlite://{}", path.display()))
                .await
                .context("không mở được bản sao cơ sở dữ liệu")?;
            let referenced = {
                let mut conn = copy.reader().await?;
                sangkien_storage::entry::all_sha256(&mut conn).await?
            };
            copy.close().await;
            (SQLITE_FILE, referenced)
        }
        Backend::Postgres => {
            require_tool("pg_dump")?;
            let mut held = store
                .hold_snapshot()
                .await
                .context("không giữ được ảnh chụp nhất quán của PostgreSQL")?;
            let referenced = sangkien_storage::entry::all_sha256(&mut held.conn).await?;
            let status = Command::new("pg_dump")
                .arg("--format=custom")
                .arg("--no-owner")
                .arg("--no-privileges")
                .arg(format!("--snapshot={}", held.id))
                .arg(format!("--file={}", out.join(PG_FILE).display()))
                .arg(format!("--dbname={}", source.url))
                .status()
                .context("không chạy được pg_dump")?;
            held.release().await?;
            if !status.success() {
                bail!("pg_dump thất bại ({status}): xem thông báo phía trên");
            }
            (PG_FILE, referenced)
        }
    };
    store.close().await;
    let (bytes, sha256) = hash_file(&out.join(db_name))?;
    eprintln!("  cơ sở dữ liệu: {}", megabytes(bytes));

    let files = source.files()?;
    let referenced: BTreeSet<String> = referenced.into_iter().collect();
    let mut progress = Progress::new("Sao chép tệp đính kèm", referenced.len());
    let mut blobs = Vec::with_capacity(referenced.len());
    for sha in &referenced {
        let rel = relative_blob(&files, sha);
        let from = files.path_of(sha);
        let to = out.join("files").join(&rel);
        let (size, actual) = copy_hashed(&from, &to).with_context(|| {
            format!(
                "thiếu tệp đính kèm {sha} (bị xóa trong lúc sao lưu, hoặc dữ liệu đã hỏng); chạy `sangkien files check`"
            )
        })?;
        if actual != *sha {
            bail!(
                "tệp đính kèm {sha} đã bị hỏng (SHA-256 thực tế {actual}); chạy `sangkien files check`"
            );
        }
        blobs.push(Blob {
            path: format!("files/{}", rel.to_string_lossy()),
            bytes: size,
            sha256: actual,
        });
        progress.step(size);
    }

    let manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        created_at: jiff::Timestamp::now().to_string(),
        backend: backend_name(backend).into(),
        schema_version,
        database: Blob {
            path: db_name.into(),
            bytes,
            sha256,
        },
        files: blobs,
    };
    let tmp = out.join("manifest.json.part");
    std::fs::write(&tmp, serde_json::to_vec_pretty(&manifest)?)?;
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(&tmp, out.join("manifest.json"))?;
    Ok(manifest)
}

fn require_tool(name: &str) -> Result<()> {
    match Command::new(name).arg("--version").output() {
        Ok(o) if o.status.success() => Ok(()),
        _ => bail!(
            "không tìm thấy {name} (gói postgresql-client, cùng phiên bản hoặc mới hơn máy chủ PostgreSQL)"
        ),
    }
}

/// Reads and checks the manifest of the backup in `dir`.
pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join("manifest.json");
    let text = std::fs::read(&path).with_context(|| {
        format!(
            "không đọc được {}: đây không phải bản sao lưu của sangkien, hoặc bản sao lưu chưa hoàn tất",
            path.display()
        )
    })?;
    let m: Manifest = serde_json::from_slice(&text)
        .with_context(|| format!("{} không đúng định dạng", path.display()))?;
    if m.format != FORMAT {
        bail!("{} không phải bản sao lưu của sangkien", path.display());
    }
    if m.format_version > FORMAT_VERSION {
        bail!(
            "bản sao lưu có định dạng {} mới hơn phiên bản sangkien này ({}): hãy dùng sangkien mới hơn",
            m.format_version,
            FORMAT_VERSION
        );
    }
    if m.schema_version > migrations::latest_version() {
        bail!(
            "bản sao lưu có cấu trúc dữ liệu {} mới hơn phiên bản sangkien này ({}): hãy dùng sangkien mới hơn",
            m.schema_version,
            migrations::latest_version()
        );
    }
    Ok(m)
}

/// Restores the backup in `input` into `target`, which must be empty: no tables in the
/// database, no attachment files. Returns the number of audit records verified.
pub async fn restore(input: &Path, target: &Target) -> Result<i64> {
    let manifest = read_manifest(input)?;
    let backend = target.backend();
    if manifest.backend != backend_name(backend) {
        bail!(
            "bản sao lưu là của {}, nhưng nơi khôi phục là {}: hãy khôi phục vào cùng loại cơ sở dữ liệu",
            manifest.backend,
            backend_name(backend)
        );
    }
    let files = target.files()?;
    if std::fs::read_dir(files.root().join("blobs"))
        .map(|mut d| d.next().is_some())
        .unwrap_or(false)
    {
        bail!(
            "thư mục tệp đính kèm {} đã có dữ liệu: chỉ khôi phục vào thư mục dữ liệu trống",
            files.root().display()
        );
    }
    if backend == Backend::Sqlite && target.sqlite_path().exists() {
        bail!(
            "đã có cơ sở dữ liệu {}: chỉ khôi phục vào thư mục dữ liệu trống",
            target.sqlite_path().display()
        );
    }
    if backend == Backend::Postgres {
        let store = Store::connect(&target.url)
            .await
            .context("không mở được cơ sở dữ liệu PostgreSQL đích")?;
        let tables = store.tables().await?;
        store.close().await;
        if !tables.is_empty() {
            bail!(
                "cơ sở dữ liệu đích đã có {} bảng (ví dụ {}): chỉ khôi phục vào cơ sở dữ liệu trống",
                tables.len(),
                tables[0]
            );
        }
    }

    let db_file = input.join(&manifest.database.path);
    let (_, sha) =
        hash_file(&db_file).with_context(|| format!("không đọc được {}", db_file.display()))?;
    if sha != manifest.database.sha256 {
        bail!(
            "tệp {} đã bị hỏng (SHA-256 không khớp bản kê)",
            db_file.display()
        );
    }

    let mut progress = Progress::new("Khôi phục tệp đính kèm", manifest.files.len());
    for blob in &manifest.files {
        let from = input.join(&blob.path);
        let to = files.path_of(&blob.sha256);
        let (size, actual) = copy_hashed(&from, &to)
            .with_context(|| format!("không chép được {}", from.display()))?;
        if actual != blob.sha256 {
            let _ = std::fs::remove_file(&to);
            bail!(
                "tệp {} đã bị hỏng (SHA-256 không khớp bản kê)",
                from.display()
            );
        }
        progress.step(size);
    }

    eprintln!("Khôi phục cơ sở dữ liệu ({})…", manifest.backend);
    match backend {
        Backend::Sqlite => {
            let path = target.sqlite_path();
            copy_hashed(&db_file, &path)
                .with_context(|| format!("không ghi được {}", path.display()))?;
        }
        Backend::Postgres => {
            require_tool("pg_restore")?;
            let status = Command::new("pg_restore")
                .arg("--no-owner")
                .arg("--no-privileges")
                .arg("--exit-on-error")
                .arg("--single-transaction")
                .arg(format!("--dbname={}", target.url))
                .arg(&db_file)
                .status()
                .context("không chạy được pg_restore")?;
            if !status.success() {
                bail!("pg_restore thất bại ({status}): xem thông báo phía trên");
            }
        }
    }

    let store = Store::connect(&target.url)
        .await
        .context("không mở được cơ sở dữ liệu vừa khôi phục")?;
    if backend == Backend::Sqlite && !store.integrity_ok().await? {
        bail!("cơ sở dữ liệu vừa khôi phục không vượt qua PRAGMA integrity_check");
    }
    store
        .migrate()
        .await
        .context("không cập nhật được cấu trúc cơ sở dữ liệu vừa khôi phục")?;
    let mut conn = store.reader().await?;
    let verified = sangkien_storage::audit::verify(&mut conn)
        .await?
        .map_err(|e| anyhow::anyhow!("nhật ký của bản vừa khôi phục KHÔNG nguyên vẹn: {e}"))?;
    drop(conn);
    store.close().await;
    Ok(verified)
}
