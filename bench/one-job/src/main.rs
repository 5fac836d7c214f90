//! An experiment (docs/PERFORMANCE.md, "One job per transaction, measured alone"): a write
//! transaction shaped like a sheet submission (its context read, the sheet's upsert, an
//! audit record, the commit) by five tasks, 400 each, on one SQLite write connection behind
//! a mutex, on a runtime of two threads: through sqlx, a round trip to the connection's
//! thread per statement, against the whole transaction as one job on a thread of our own.
//! The optional argument starts that many tasks that keep the runtime busy (150 µs of work,
//! then 300 µs asleep). Prints transactions per second and how long each held the writer.
use sqlx::{Connection, SqliteConnection};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, mpsc, oneshot};

const SCHEMA: &str = "pragma journal_mode=wal; pragma synchronous=normal;
create table if not exists ctx (id integer primary key, state text, settings text);
create table if not exists sheet (entry integer, judge integer, points text, primary key(entry, judge));
create table if not exists audit (id integer primary key, body text, hash text);
insert or ignore into ctx values (1, 'judging', '{\"criteria\":[1,2,3,4]}');";
const UPSERT: &str =
    "insert into sheet values ($1, $2, $3) on conflict do update set points = excluded.points";
const AUDIT: &str = "insert into audit (body, hash) values ($1, $2)";

/// Runs `per` transactions in each of `tasks` tasks; `one(task, i)` runs one transaction
/// and returns how long it held the writer. The wall time and the total hold.
async fn drive<F, Fut>(tasks: usize, per: usize, one: F) -> (Duration, Duration)
where
    F: Fn(usize, usize) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Duration> + Send,
{
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|t| {
            let one = one.clone();
            tokio::spawn(async move {
                let mut held = Duration::ZERO;
                for i in 0..per {
                    held += one(t, i).await;
                }
                held
            })
        })
        .collect();
    let mut held = Duration::ZERO;
    for h in handles {
        held += h.await.unwrap();
    }
    (start.elapsed(), held)
}

/// Every statement a round trip to sqlx's connection thread.
async fn run_sqlx(path: &str, tasks: usize, per: usize) -> (Duration, Duration) {
    let mut c = SqliteConnection::connect(&format!("sqlite://{path}?mode=rwc"))
        .await
        .unwrap();
    sqlx::raw_sql(SCHEMA).execute(&mut c).await.unwrap();
    let writer = Arc::new(Mutex::new(c));
    drive(tasks, per, move |t, i| {
        let writer = writer.clone();
        async move {
            let mut c = writer.lock().await;
            let held = Instant::now();
            sqlx::query("begin").execute(&mut *c).await.unwrap();
            let _: (String, String) =
                sqlx::query_as("select state, settings from ctx where id = 1")
                    .fetch_one(&mut *c)
                    .await
                    .unwrap();
            sqlx::query(UPSERT)
                .bind((t * per + i) as i64)
                .bind(t as i64)
                .bind("{\"a\":1}")
                .execute(&mut *c)
                .await
                .unwrap();
            sqlx::query(AUDIT)
                .bind("x".repeat(200))
                .bind("h".repeat(64))
                .execute(&mut *c)
                .await
                .unwrap();
            sqlx::query("commit").execute(&mut *c).await.unwrap();
            held.elapsed()
        }
    })
    .await
}

type Job = Box<dyn FnOnce(&mut rusqlite::Connection) + Send>;

/// The whole transaction as one job on a thread of our own.
async fn run_job(path: &str, tasks: usize, per: usize) -> (Duration, Duration) {
    let (sender, mut jobs) = mpsc::unbounded_channel::<Job>();
    let path = path.to_string();
    std::thread::spawn(move || {
        let mut c = rusqlite::Connection::open(path).unwrap();
        c.execute_batch(SCHEMA).unwrap();
        while let Some(job) = jobs.blocking_recv() {
            job(&mut c);
        }
    });
    let writer = Arc::new(Mutex::new(sender));
    drive(tasks, per, move |t, i| {
        let writer = writer.clone();
        async move {
            let sender = writer.lock().await;
            let held = Instant::now();
            let (done, wait) = oneshot::channel();
            let job: Job = Box::new(move |c| {
                let x = c.transaction().unwrap();
                let _: (String, String) = x
                    .prepare_cached("select state, settings from ctx where id = 1")
                    .unwrap()
                    .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
                    .unwrap();
                x.prepare_cached(UPSERT)
                    .unwrap()
                    .execute(rusqlite::params![
                        (t * per + i) as i64,
                        t as i64,
                        "{\"a\":1}"
                    ])
                    .unwrap();
                x.prepare_cached(AUDIT)
                    .unwrap()
                    .execute(rusqlite::params!["x".repeat(200), "h".repeat(64)])
                    .unwrap();
                x.commit().unwrap();
                let _ = done.send(());
            });
            sender.send(job).unwrap();
            wait.await.unwrap();
            held.elapsed()
        }
    })
    .await
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (tasks, per) = (5, 400);
    let noise: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(0);
    for round in 0..3 {
        for kind in ["sqlx", "job"] {
            let dir = std::env::temp_dir().join(format!("one-job-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join(format!("{kind}-{round}.db")).display().to_string();
            let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
            for _ in 0..noise {
                let stop = stop.clone();
                rt.spawn(async move {
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        let t = Instant::now();
                        while t.elapsed() < Duration::from_micros(150) {
                            std::hint::spin_loop();
                        }
                        tokio::time::sleep(Duration::from_micros(300)).await;
                    }
                });
            }
            let (total, held) = rt.block_on(async {
                if kind == "sqlx" {
                    run_sqlx(&path, tasks, per).await
                } else {
                    run_job(&path, tasks, per).await
                }
            });
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            let _ = std::fs::remove_dir_all(&dir);
            let n = (tasks * per) as f64;
            println!(
                "busy tasks {noise}, {kind:5} {} transactions: {:.0} tx/s, writer held {:.1} µs per tx",
                tasks * per,
                n / total.as_secs_f64(),
                held.as_secs_f64() * 1e6 / n
            );
        }
    }
}
