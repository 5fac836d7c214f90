//! `sangkien`: the one binary. Subcommands share the data directory and database flags.

mod backup;
mod export;
mod memory;
mod server;

use std::{io::Read, net::SocketAddr, path::PathBuf, process::ExitCode, sync::Arc};

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use sangkien_domain::time::DayEdge;
use sangkien_domain::{account, unit};
use sangkien_files::{FileStore, SweepReport};
use sangkien_storage::{Store, account as accounts, audit, audit::Actor, unit as units};
use sangkien_web::{AppState, Clock, SystemClock, WebConfig, demo};

#[derive(Parser)]
#[command(
    name = "sangkien",
    version,
    about = "Cuộc thi sáng kiến, giải pháp cải cách hành chính"
)]
struct Cli {
    #[command(flatten)]
    db: DbArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct DbArgs {
    /// Data directory (SQLite database and attachments).
    #[arg(
        long,
        env = "SANGKIEN_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    data_dir: PathBuf,
    /// postgres://… to use PostgreSQL; default: SQLite file in the data directory.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (migrates first).
    Serve {
        #[arg(long, env = "SANGKIEN_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Load the Cao Bằng 2021 demo into an empty database first.
        #[arg(long)]
        demo: bool,
        /// Mark session cookies Secure (set when served over HTTPS).
        #[arg(long, env = "SANGKIEN_SECURE_COOKIES")]
        secure_cookies: bool,
        /// A token a remote monitoring system sends (Bearer) to read /metrics; without
        /// it only local requests not coming through a proxy may.
        #[arg(long, env = "SANGKIEN_METRICS_TOKEN", hide_env_values = true)]
        metrics_token: Option<String>,
        /// Addresses of reverse proxies (comma-separated) whose X-Forwarded-For is
        /// believed; e.g. 127.0.0.1 behind nginx on the same machine.
        #[arg(long, env = "SANGKIEN_TRUSTED_PROXIES", value_delimiter = ',')]
        trusted_proxies: Vec<std::net::IpAddr>,
        /// Run as if the clock started at this instant (RFC 3339 or a date) and moved on
        /// from there: for demos and tests of a past contest, never for production.
        #[arg(long, env = "SANGKIEN_CLOCK_START")]
        clock_start: Option<String>,
        /// Seconds between runs of the background jobs (reminders, e-mail).
        #[arg(long, env = "SANGKIEN_JOBS_INTERVAL", default_value_t = 60)]
        jobs_interval: u64,
    },
    /// Attachment files.
    Files {
        #[command(subcommand)]
        command: FilesCommand,
    },
    /// Apply database migrations.
    Migrate,
    /// Administrator accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Load the Cao Bằng 2021 demo into an empty database.
    Demo {
        /// Walk the demo through judging, approval and publication, so results,
        /// documents and the public feed exist at once.
        #[arg(long, conflicts_with = "stage")]
        full: bool,
        /// Walk the demo to this stage (the contest's state) and stop there: open,
        /// closed, judging (some sheets still drafts), deliberation, approved or
        /// published (the same as --full). Prints the `serve` line to use.
        #[arg(long, value_parser = demo::Stage::NAMES)]
        stage: Option<String>,
    },
    /// Copy the database and the attachments, consistently, while the server runs.
    Backup {
        /// A new (or empty) directory for the backup.
        out: PathBuf,
    },
    /// Restore a backup into an empty data directory (and an empty PostgreSQL database
    /// when --database-url names one).
    Restore {
        /// The directory written by `sangkien backup`.
        input: PathBuf,
    },
    /// Audit log tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// A contest's documents and tables (the list the pages and the API offer).
    Export {
        /// The export's name (see --list), e.g. decision.pdf.
        name: Option<String>,
        /// The contest.
        #[arg(long)]
        contest: Option<i64>,
        /// The account whose rights apply: an organizer (or approver) of the contest.
        #[arg(long = "as")]
        as_user: Option<String>,
        /// Where to write the file (default: its own name in the current directory).
        #[arg(long)]
        out: Option<PathBuf>,
        /// List the exports instead.
        #[arg(long)]
        list: bool,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an administrator. The password comes from --password-env or stdin.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "Quản trị hệ thống")]
        full_name: String,
        /// Code of the administrator's unit.
        #[arg(long)]
        unit: String,
        /// Name of the unit, to create it when it does not exist yet (first install).
        #[arg(long)]
        unit_name: Option<String>,
        /// Name of an environment variable holding the password.
        #[arg(long)]
        password_env: Option<String>,
    },
}

#[derive(Subcommand)]
enum FilesCommand {
    /// Remove files no database row refers to (left by a crash between writing a file
    /// and committing its row) and abandoned partial uploads.
    Sweep {
        /// Only files older than this many seconds (uploads in flight are younger).
        #[arg(long, default_value_t = 3600)]
        older_than: u64,
    },
    /// Check that every attachment row has its file with the right SHA-256; exits 2
    /// naming the first problems otherwise.
    Check,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain; exits non-zero naming the first bad record.
    Verify,
}

impl DbArgs {
    fn url(&self) -> Result<String> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data_dir).with_context(|| {
            format!("không tạo được thư mục dữ liệu {}", self.data_dir.display())
        })?;
        Ok(format!(
            "sqlite://{}",
            self.data_dir.join("sangkien.db").display()
        ))
    }

    fn target(&self) -> Result<backup::Target> {
        Ok(backup::Target {
            url: self.url()?,
            data_dir: self.data_dir.clone(),
        })
    }

    fn files(&self) -> Result<FileStore> {
        let dir = self.data_dir.join("files");
        FileStore::open(&dir)
            .with_context(|| format!("không mở được thư mục tệp đính kèm {}", dir.display()))
    }

    async fn store(&self) -> Result<Store> {
        let store = Store::connect(&self.url()?)
            .await
            .context("không mở được cơ sở dữ liệu")?;
        store
            .migrate()
            .await
            .context("không cập nhật được cấu trúc cơ sở dữ liệu")?;
        Ok(store)
    }
}

fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info,lopdf=error".into());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    // SANGKIEN_LOG_FORMAT=json: one JSON object per line, for a log collector.
    if std::env::var("SANGKIEN_LOG_FORMAT").as_deref() == Ok("json") {
        logs.json().init();
    } else {
        logs.init();
    }
    memory::fix_mmap_threshold();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("lỗi: không khởi động được runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("lỗi: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode> {
    let now = sangkien_domain::time::now_seconds();
    match cli.command {
        Command::Migrate => {
            cli.db.store().await?;
            println!("Đã cập nhật cấu trúc cơ sở dữ liệu.");
        }
        Command::Export {
            name,
            contest,
            as_user,
            out,
            list,
        } => {
            if list {
                export::list();
                return Ok(ExitCode::SUCCESS);
            }
            let (Some(name), Some(contest), Some(user)) = (name, contest, as_user) else {
                bail!(
                    "cần tên tệp xuất, --contest và --as (xem danh sách: sangkien export --list)"
                );
            };
            let store = cli.db.store().await?;
            let path = export::write(store, cli.db.files()?, contest, &name, &user, out).await?;
            println!("Đã ghi {}.", path.display());
        }
        Command::Demo { full, stage } => {
            let store = cli.db.store().await?;
            let stage = match (full, stage.as_deref().and_then(demo::Stage::parse)) {
                (true, _) => Some(demo::Stage::Published),
                (false, s) => s,
            };
            match stage {
                None => demo::load_with_2026(&store, &cli.db.files()?, now).await?,
                Some(s) => {
                    demo::load_stage(&store, &cli.db.files()?, now, s).await?;
                    if s == demo::Stage::Published {
                        println!(
                            "Cuộc thi minh họa đã đi hết vòng đời: kết quả công khai ở /public/contests/1, nguồn tin ở /feed.atom."
                        );
                    }
                    let state = sangkien_domain::labels::Label::vi(&s.state());
                    match s.clock_start() {
                        Some(at) => println!(
                            "Cuộc thi minh họa ở bước «{state}». Chạy máy chủ với đồng hồ của bước này:\n  sangkien serve --clock-start {at}"
                        ),
                        None => println!(
                            "Cuộc thi minh họa ở bước «{state}». Chạy máy chủ:\n  sangkien serve"
                        ),
                    }
                }
            }
            print_demo_logins();
        }
        Command::Serve {
            listen,
            demo: with_demo,
            secure_cookies,
            metrics_token,
            trusted_proxies,
            clock_start,
            jobs_interval,
        } => {
            let store = cli.db.store().await?;
            let files = cli.db.files()?;
            let clock: Arc<dyn Clock> = match clock_start {
                Some(text) => {
                    let start = sangkien_domain::time::parse_instant(&text, DayEdge::Start)
                        .with_context(|| {
                            format!("--clock-start «{text}» không phải thời điểm hợp lệ")
                        })?;
                    Arc::new(StartedClock::new(start))
                }
                None => Arc::new(SystemClock),
            };
            let now = clock.now();
            if with_demo {
                match demo::load_with_2026(&store, &files, now).await {
                    Ok(()) => println!("Đã nạp dữ liệu minh họa Cao Bằng 2021."),
                    Err(demo::DemoError::NotEmpty) => println!(
                        "Cơ sở dữ liệu đã có dữ liệu: giữ nguyên, không nạp lại dữ liệu minh họa."
                    ),
                    Err(e) => return Err(e.into()),
                }
            }
            let report = sweep(&store, &files, 3600).await?;
            if report.orphans_removed + report.temporary_removed > 0 {
                println!(
                    "Đã dọn {} tệp không còn được tham chiếu và {} tệp tải lên dở dang.",
                    report.orphans_removed, report.temporary_removed
                );
            }
            let state = AppState::new(
                store,
                files,
                clock,
                WebConfig {
                    secure_cookies,
                    metrics_token,
                    trusted_proxies,
                },
            );
            serve(state, listen, with_demo, jobs_interval).await?;
        }
        Command::Admin {
            command:
                AdminCommand::Create {
                    username,
                    full_name,
                    unit,
                    unit_name,
                    password_env,
                },
        } => {
            let password = match password_env {
                Some(var) => std::env::var(&var)
                    .with_context(|| format!("chưa đặt biến môi trường {var}"))?,
                None => {
                    let mut s = String::new();
                    std::io::stdin()
                        .read_to_string(&mut s)
                        .context("không đọc được mật khẩu từ đầu vào chuẩn")?;
                    s.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            let store = cli.db.store().await?;
            create_admin(
                &store,
                &username,
                &full_name,
                &unit,
                unit_name.as_deref(),
                &password,
                now,
            )
            .await?;
            println!("Đã tạo quản trị hệ thống «{username}».");
        }
        Command::Files {
            command: FilesCommand::Sweep { older_than },
        } => {
            let store = cli.db.store().await?;
            let report = sweep(&store, &cli.db.files()?, older_than).await?;
            println!(
                "Đã dọn {} tệp không còn được tham chiếu, {} tệp tải lên dở dang; giữ lại {} tệp.",
                report.orphans_removed, report.temporary_removed, report.kept
            );
        }
        Command::Files {
            command: FilesCommand::Check,
        } => {
            let store = cli.db.store().await?;
            let files = cli.db.files()?;
            let rows = {
                let mut conn = store.reader().await?;
                sangkien_storage::entry::all_attachments(&mut conn).await?
            };
            let mut bad = 0;
            for (id, entry_id, sha) in &rows {
                match files.hash_of_stored(sha).await? {
                    Some(actual) if actual == *sha => {}
                    Some(_) => {
                        bad += 1;
                        eprintln!(
                            "Tệp đính kèm {id} (sáng kiến {entry_id}): nội dung không khớp SHA-256 {sha}"
                        );
                    }
                    None => {
                        bad += 1;
                        eprintln!("Tệp đính kèm {id} (sáng kiến {entry_id}): thiếu tệp {sha}");
                    }
                }
            }
            if bad > 0 {
                eprintln!("{bad}/{} tệp đính kèm có lỗi.", rows.len());
                return Ok(ExitCode::from(2));
            }
            println!("Toàn bộ {} tệp đính kèm nguyên vẹn.", rows.len());
        }
        Command::Backup { out } => {
            let manifest = backup::backup(&cli.db.target()?, &out).await?;
            let bytes: u64 = manifest.files.iter().map(|f| f.bytes).sum();
            println!(
                "Đã sao lưu vào {}: cơ sở dữ liệu {} ({} byte) và {} tệp đính kèm ({} byte).",
                out.display(),
                manifest.backend,
                manifest.database.bytes,
                manifest.files.len(),
                bytes
            );
        }
        Command::Restore { input } => {
            let verified = backup::restore(&input, &cli.db.target()?).await?;
            println!(
                "Đã khôi phục từ {}; nhật ký nguyên vẹn: {verified} bản ghi.",
                input.display()
            );
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let store = cli.db.store().await?;
            let mut conn = store.reader().await?;
            match audit::verify(&mut conn).await? {
                Ok(n) => println!("Nhật ký nguyên vẹn: {n} bản ghi."),
                Err(e) => {
                    eprintln!("Nhật ký KHÔNG nguyên vẹn: {e}");
                    return Ok(ExitCode::from(2));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn create_admin(
    store: &Store,
    username: &str,
    full_name: &str,
    unit_code: &str,
    unit_name: Option<&str>,
    password: &str,
    now: i64,
) -> Result<()> {
    let actor = Actor::system(now);
    let mut tx = store.begin().await?;
    if units::get(&mut tx, unit_code).await?.is_none() {
        let Some(name) = unit_name else {
            bail!("chưa có đơn vị {unit_code}: thêm --unit-name để tạo đơn vị này");
        };
        let input = unit::UnitInput {
            code: unit_code,
            name,
            kind: "other",
            ..unit::UnitInput::default()
        };
        let u = unit::validate(&input, &|_| false).map_err(|e| anyhow::anyhow!("{e}"))?;
        units::create(&mut tx, &actor, &u).await?;
    }
    let active = units::active_codes(&mut tx).await?;
    let new = account::validate_new(username, full_name, "admin", unit_code, None, None, &|c| {
        active.contains(c)
    })
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    account::check_password(&new.username, password).map_err(|m| anyhow::anyhow!("{m}"))?;
    if accounts::get(&mut tx, &new.username).await?.is_some() {
        bail!("tên đăng nhập «{}» đã tồn tại", new.username);
    }
    let hash = account::hash_password(password).map_err(|e| anyhow::anyhow!(e))?;
    accounts::create(&mut tx, &actor, &new, &hash).await?;
    Store::commit(tx).await?;
    Ok(())
}

fn print_demo_logins() {
    println!(
        "Tài khoản minh họa (mật khẩu chung: {}):",
        demo::DEMO_PASSWORD
    );
    for (username, name, role, unit, _) in demo::DEMO_USERS.iter().take(8) {
        println!("  {username:<15} {name} — {} ({unit})", role.as_str());
    }
    println!("  hd.* — thành viên dự kiến của Hội đồng đánh giá");
}

/// Removes orphaned attachment files older than `older_than` seconds.
async fn sweep(store: &Store, files: &FileStore, older_than: u64) -> Result<SweepReport> {
    let referenced = {
        let mut conn = store.reader().await?;
        sangkien_storage::entry::all_sha256(&mut conn).await?
    };
    files
        .sweep(&referenced, std::time::Duration::from_secs(older_than))
        .context("không dọn được thư mục tệp đính kèm")
}

/// Ctrl-C, or SIGTERM (what systemd and container runtimes send to stop a service):
/// requests in flight finish, then the pools close.
async fn stop_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
    tracing::info!("stopping: finishing the requests in flight");
}

/// A clock that starts at a chosen instant and runs at real speed from there.
struct StartedClock {
    start: i64,
    began: std::time::Instant,
}

impl StartedClock {
    fn new(start: i64) -> Self {
        Self {
            start,
            began: std::time::Instant::now(),
        }
    }
}

impl Clock for StartedClock {
    fn now(&self) -> i64 {
        self.start + self.began.elapsed().as_secs() as i64
    }
}

async fn serve(state: AppState, listen: SocketAddr, demo: bool, jobs_interval: u64) -> Result<()> {
    let store = state.store.clone();
    sangkien_web::jobs::spawn(
        state.clone(),
        std::time::Duration::from_secs(jobs_interval.max(1)),
    );
    let app = sangkien_web::app(state);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("không mở được cổng {listen}"))?;
    let addr = listener.local_addr()?;
    println!("sangkien đang chạy tại http://{addr}/");
    if demo {
        print_demo_logins();
    }
    server::run(listener, app, stop_signal()).await;
    store.close().await;
    Ok(())
}
