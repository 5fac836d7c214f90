//! Attachments on disk. Files are stored once per content under their SHA-256
//! (`blobs/ab/abcdef…`). An upload is streamed into `tmp/` while it is hashed and
//! counted, its type is checked by content, then it is synced and renamed into place
//! (and the directory synced) before the database commit that refers to it. A crash
//! between the two leaves an unreferenced file, which [`FileStore::sweep`] removes;
//! it never leaves a row pointing at a missing file.

mod kind;

use std::{
    collections::HashSet,
    io,
    path::{Path, PathBuf},
    time::{Duration, SystemTime},
};

use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

pub use kind::{FileKind, Refusal, sniff};

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("file storage I/O error: {0}")]
    Io(#[from] io::Error),
    /// More bytes than allowed arrived; nothing was kept.
    #[error("file larger than {limit} bytes")]
    TooLarge { limit: u64 },
    /// The content is not an accepted type; nothing was kept.
    #[error("refused file: {0:?}")]
    Refused(Refusal),
}

/// The attachment directory of a data directory.
#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

/// A file written to `tmp/`, hashed, counted and checked, not yet in place.
#[derive(Debug)]
pub struct Staged {
    path: PathBuf,
    pub sha256: String,
    pub size: u64,
    pub kind: FileKind,
}

/// An upload being streamed to disk.
pub struct Incoming {
    path: PathBuf,
    file: tokio::fs::File,
    hasher: Sha256,
    size: u64,
    limit: u64,
}

/// What a sweep found and removed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SweepReport {
    pub temporary_removed: usize,
    pub orphans_removed: usize,
    pub kept: usize,
}

fn is_sha256(name: &str) -> bool {
    name.len() == 64
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl FileStore {
    /// Opens (creating when needed) the store under `root`.
    pub fn open(root: impl Into<PathBuf>) -> io::Result<FileStore> {
        let root = root.into();
        std::fs::create_dir_all(root.join("blobs"))?;
        std::fs::create_dir_all(root.join("tmp"))?;
        Ok(FileStore { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the file of a SHA-256 lives (whether or not it exists).
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        let prefix = sha256.get(..2).unwrap_or("xx");
        self.root.join("blobs").join(prefix).join(sha256)
    }

    /// Starts receiving a file of at most `limit` bytes.
    pub async fn incoming(&self, limit: u64) -> Result<Incoming, FileError> {
        let mut random = [0u8; 12];
        getrandom_name(&mut random);
        let path = self
            .root
            .join("tmp")
            .join(format!("{}.part", hex::encode(random)));
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await?;
        // Small write buffers: fifty uploads at once should not each hold megabytes.
        let mut file = file;
        file.set_max_buf_size(64 * 1024);
        Ok(Incoming {
            path,
            file,
            hasher: Sha256::new(),
            size: 0,
            limit,
        })
    }

    /// Moves a staged file into place under its hash: synced file, rename, synced
    /// directory. When the same content is already stored, the copy is dropped.
    pub async fn commit(&self, staged: Staged) -> Result<String, FileError> {
        let target = self.path_of(&staged.sha256);
        let dir = target.parent().map(Path::to_path_buf).unwrap_or_default();
        let tmp = staged.path.clone();
        let sha = staged.sha256.clone();
        tokio::task::spawn_blocking(move || -> io::Result<()> {
            if target.exists() {
                std::fs::remove_file(&tmp)?;
                return Ok(());
            }
            std::fs::create_dir_all(&dir)?;
            std::fs::File::open(&tmp)?.sync_all()?;
            std::fs::rename(&tmp, &target)?;
            std::fs::File::open(&dir)?.sync_all()?;
            Ok(())
        })
        .await
        .map_err(|e| io::Error::other(e.to_string()))??;
        Ok(sha)
    }

    /// Recomputes the SHA-256 of a stored file; `None` when the file is missing.
    pub async fn hash_of_stored(&self, sha256: &str) -> io::Result<Option<String>> {
        let path = self.path_of(sha256);
        tokio::task::spawn_blocking(move || match std::fs::File::open(&path) {
            Ok(mut f) => {
                let mut h = Sha256::new();
                io::copy(&mut f, &mut h)?;
                Ok(Some(hex::encode(h.finalize())))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        })
        .await
        .map_err(|e| io::Error::other(e.to_string()))?
    }

    /// Removes temporary files and stored files that no database row refers to, when
    /// they are older than `grace` (so an upload in flight in another process is left
    /// alone). `referenced` holds every SHA-256 the database knows.
    pub fn sweep(&self, referenced: &HashSet<String>, grace: Duration) -> io::Result<SweepReport> {
        let mut report = SweepReport::default();
        let old_enough = |p: &Path| -> bool {
            std::fs::metadata(p)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|m| SystemTime::now().duration_since(m).ok())
                .is_some_and(|age| age >= grace)
        };
        for item in std::fs::read_dir(self.root.join("tmp"))? {
            let path = item?.path();
            if path.is_file() && old_enough(&path) {
                std::fs::remove_file(&path)?;
                report.temporary_removed += 1;
            }
        }
        for dir in std::fs::read_dir(self.root.join("blobs"))? {
            let dir = dir?.path();
            if !dir.is_dir() {
                continue;
            }
            for item in std::fs::read_dir(&dir)? {
                let path = item?.path();
                let name = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default()
                    .to_string();
                if referenced.contains(&name) || !is_sha256(&name) {
                    report.kept += 1;
                } else if old_enough(&path) {
                    std::fs::remove_file(&path)?;
                    report.orphans_removed += 1;
                } else {
                    report.kept += 1;
                }
            }
        }
        Ok(report)
    }
}

type CheckJob = (
    PathBuf,
    tokio::sync::oneshot::Sender<Result<FileKind, Refusal>>,
);

/// File checks run one at a time on one long-lived thread. Neither check holds a whole file
/// (a PDF is mapped and only the pages the parser touches are read; an Office file's parts
/// stream through a small buffer), checks take milliseconds, so one thread keeps up with a
/// rush, and a burst of uploads never runs fifty parsers at once (docs/PERFORMANCE.md).
async fn check_on_worker(path: PathBuf) -> io::Result<Result<FileKind, Refusal>> {
    static WORKER: std::sync::OnceLock<std::sync::Mutex<std::sync::mpsc::Sender<CheckJob>>> =
        std::sync::OnceLock::new();
    let sender = WORKER.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<CheckJob>();
        let spawned = std::thread::Builder::new()
            .name("sangkien-file-check".into())
            .spawn(move || {
                for (path, reply) in rx {
                    let _ = reply.send(sniff(&path));
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the file check thread");
        }
        std::sync::Mutex::new(tx)
    });
    let (reply, answer) = tokio::sync::oneshot::channel();
    let sent = sender
        .lock()
        .map_err(|_| io::Error::other("file check queue poisoned"))?
        .send((path, reply));
    sent.map_err(|_| io::Error::other("file check thread stopped"))?;
    answer
        .await
        .map_err(|_| io::Error::other("file check thread stopped"))
}

fn getrandom_name(buf: &mut [u8]) {
    // The name only has to be unique among concurrent uploads; the time and a counter
    // are enough, so no source of randomness is needed.
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let pid = u64::from(std::process::id());
    let mut h = Sha256::new();
    h.update(nanos.to_le_bytes());
    h.update(n.to_le_bytes());
    h.update(pid.to_le_bytes());
    let digest = h.finalize();
    let len = buf.len().min(digest.len());
    buf[..len].copy_from_slice(&digest[..len]);
}

impl Incoming {
    /// Appends a chunk; refuses (and deletes what was written) past the limit.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), FileError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            let _ = tokio::fs::remove_file(&self.path).await;
            return Err(FileError::TooLarge { limit: self.limit });
        }
        self.hasher.update(chunk);
        if let Err(e) = self.file.write_all(chunk).await {
            let _ = tokio::fs::remove_file(&self.path).await;
            return Err(e.into());
        }
        Ok(())
    }

    /// Ends the upload and checks the type by content. On refusal the file is gone.
    pub async fn finish(mut self) -> Result<Staged, FileError> {
        if let Err(e) = self.file.flush().await {
            let _ = tokio::fs::remove_file(&self.path).await;
            return Err(e.into());
        }
        drop(self.file);
        let path = self.path.clone();
        let checked = check_on_worker(path).await;
        match checked {
            Ok(Ok(kind)) => Ok(Staged {
                path: self.path,
                sha256: hex::encode(self.hasher.finalize()),
                size: self.size,
                kind,
            }),
            Ok(Err(refusal)) => {
                let _ = tokio::fs::remove_file(&self.path).await;
                Err(FileError::Refused(refusal))
            }
            Err(e) => {
                let _ = tokio::fs::remove_file(&self.path).await;
                Err(e.into())
            }
        }
    }

    /// Abandons the upload.
    pub async fn discard(self) {
        drop(self.file);
        let _ = tokio::fs::remove_file(&self.path).await;
    }
}

impl Staged {
    /// Drops a staged file that will not be committed.
    pub async fn discard(self) {
        let _ = tokio::fs::remove_file(&self.path).await;
    }
}

/// A small, valid one-page PDF with the given lines of text, for the demo and tests.
/// The built-in font has no Vietnamese glyphs, so the lines are written without marks.
pub fn sample_pdf(lines: &[&str]) -> Vec<u8> {
    use lopdf::{Document, Object, Stream, content::Content, content::Operation, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let mut ops = vec![
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec!["F1".into(), 12.into()]),
        Operation::new("Td", vec![56.into(), 780.into()]),
        Operation::new("TL", vec![16.into()]),
    ];
    for line in lines {
        let ascii: String = line
            .chars()
            .map(|c| if c.is_ascii() { c } else { '?' })
            .collect();
        ops.push(Operation::new("Tj", vec![Object::string_literal(ascii)]));
        ops.push(Operation::new("T*", vec![]));
    }
    ops.push(Operation::new("ET", vec![]));
    let content = Content { operations: ops };
    let content_id = doc.add_object(Stream::new(
        dictionary! {},
        content.encode().unwrap_or_default(),
    ));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
            "Resources" => resources_id,
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    // Writing to memory cannot fail short of allocation failure.
    let _ = doc.save_to(&mut out);
    out
}
