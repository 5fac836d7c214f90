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

async fn run_sqlx(path: &str, tasks: usize, per: usize) -> (Duration, Duration) {
    let mut c = SqliteConnection::connect(&format!("sqlite://{path}?mode=rwc"))
        .await
        .unwrap();
    sqlx::raw_sql(SCHEMA).execute(&mut c).await.unwrap();
    let w = Arc::new(Mutex::new(c));
    let hold = Arc::new(std::sync::Mutex::new(Duration::ZERO));
    let start = Instant::now();
    let mut hs = vec![];
    for t in 0..tasks {
        let w = w.clone();
        let hold = hold.clone();
        hs.push(tokio::spawn(async move {
            for i in 0..per {
                let mut c = w.lock().await;
                let h = Instant::now();
                sqlx::query("begin").execute(&mut *c).await.unwrap();
                let _: (String, String) = sqlx::query_as("select state, settings from ctx where id = 1").fetch_one(&mut *c).await.unwrap();
                sqlx::query("insert into sheet values ($1, $2, $3) on conflict do update set points = excluded.points").bind((t*per+i) as i64).bind(t as i64).bind("{\"a\":1}").execute(&mut *c).await.unwrap();
                sqlx::query("insert into audit (body, hash) values ($1, $2)").bind("x".repeat(200)).bind("h".repeat(64)).execute(&mut *c).await.unwrap();
                sqlx::query("commit").execute(&mut *c).await.unwrap();
                *hold.lock().unwrap() += h.elapsed();
            }
        }));
    }
    for h in hs {
        h.await.unwrap();
    }
    let total = start.elapsed();
    let held = *hold.lock().unwrap();
    (total, held)
}

type Job = Box<dyn FnOnce(&mut rusqlite::Connection) + Send>;

async fn run_job(path: &str, tasks: usize, per: usize) -> (Duration, Duration) {
    let (tx, mut rx) = mpsc::unbounded_channel::<Job>();
    let p = path.to_string();
    std::thread::spawn(move || {
        let mut c = rusqlite::Connection::open(p).unwrap();
        c.execute_batch(SCHEMA).unwrap();
        while let Some(job) = rx.blocking_recv() {
            job(&mut c);
        }
    });
    let w = Arc::new(Mutex::new(tx));
    let hold = Arc::new(std::sync::Mutex::new(Duration::ZERO));
    let start = Instant::now();
    let mut hs = vec![];
    for t in 0..tasks {
        let w = w.clone();
        let hold = hold.clone();
        hs.push(tokio::spawn(async move {
            for i in 0..per {
                let sender = w.lock().await;
                let h = Instant::now();
                let (done, wait) = oneshot::channel();
                sender.send(Box::new(move |c: &mut rusqlite::Connection| {
                    let x = c.transaction().unwrap();
                    let _: (String, String) = x.prepare_cached("select state, settings from ctx where id = 1").unwrap().query_row([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
                    x.prepare_cached("insert into sheet values (?1, ?2, ?3) on conflict do update set points = excluded.points").unwrap().execute(rusqlite::params![(t*per+i) as i64, t as i64, "{\"a\":1}"]).unwrap();
                    x.prepare_cached("insert into audit (body, hash) values (?1, ?2)").unwrap().execute(rusqlite::params!["x".repeat(200), "h".repeat(64)]).unwrap();
                    x.commit().unwrap();
                    let _ = done.send(());
                })).unwrap();
                wait.await.unwrap();
                drop(sender);
                *hold.lock().unwrap() += h.elapsed();
            }
        }));
    }
    for h in hs {
        h.await.unwrap();
    }
    (start.elapsed(), *hold.lock().unwrap())
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
            let path = format!("/tmp/jobexp-{kind}-{round}.db");
            let _ = std::fs::remove_file(&path);
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
