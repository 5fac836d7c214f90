//! Work of tens of milliseconds of CPU (a password hash, a PDF) runs on tokio's blocking
//! pool, not on the runtime's threads, where it would hold up every request scheduled
//! behind it; and at most one per core at a time, so its memory stays bounded.

use std::sync::{Arc, LazyLock};

use tokio::sync::Semaphore;

use crate::Error;

/// One kind of heavy work, with its own permits.
pub struct Heavy(LazyLock<Arc<Semaphore>>);

fn one_per_core() -> Arc<Semaphore> {
    Arc::new(Semaphore::new(
        std::thread::available_parallelism().map_or(2, |n| n.get()),
    ))
}

impl Heavy {
    /// At most one at a time per core.
    pub const fn per_core() -> Heavy {
        Heavy(LazyLock::new(one_per_core))
    }

    /// Waits for a permit, then runs `work` on the blocking pool. The permit goes with the
    /// work: a request dropped while it waits for the answer still counts until the work ends.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Error> {
        let permit = self
            .0
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Error::internal())?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|_| Error::internal())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_dropped_request_keeps_its_permit_until_its_work_ends() {
        static LIMITED: Heavy = Heavy(LazyLock::new(|| Arc::new(Semaphore::new(1))));
        static FIRST_RUNNING: AtomicBool = AtomicBool::new(false);
        static SECOND_RAN: AtomicBool = AtomicBool::new(false);
        let (release, wait) = std::sync::mpsc::channel::<()>();
        // The first request's work runs until the test releases it; the request itself is
        // given up on meanwhile.
        let first = tokio::spawn(LIMITED.run(move || {
            FIRST_RUNNING.store(true, Ordering::SeqCst);
            let _ = wait.recv();
        }));
        while !FIRST_RUNNING.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        first.abort();
        let _ = first.await;
        let second = tokio::spawn(LIMITED.run(|| SECOND_RAN.store(true, Ordering::SeqCst)));
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(
            !SECOND_RAN.load(Ordering::SeqCst),
            "the second ran while the first's work still held its permit"
        );
        release.send(()).unwrap();
        second.await.unwrap().map_err(|_| "refused").unwrap();
        assert!(SECOND_RAN.load(Ordering::SeqCst));
    }
}
