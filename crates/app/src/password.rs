//! Password hashes (Argon2id): heavy work, run off the runtime's threads with a bounded
//! number at once, reusing their working memory between hashes.

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

use sangkien_domain::account::HashMemory;

use crate::{Error, heavy::Heavy};

/// Argon2 takes tens of milliseconds of CPU and 19 MiB: hashes are heavy work (the `heavy`
/// module), so a burst of logins does not stall the runtime's threads and their memory
/// stays bounded.
static HASHING: Heavy = Heavy::per_core();

/// The hashes' working memory between them (at most one per [`HASHING`] permit), so a burst
/// of logins reuses it instead of faulting in 19 MiB of fresh pages each; a memory unused
/// for [`MEMORY_IDLE`] is given back, so a quiet server holds none.
static MEMORY: KeptMemory = KeptMemory::new();
pub const MEMORY_IDLE: Duration = Duration::from_secs(30);

/// Working memories put back, each with when it was.
struct KeptMemory(Mutex<Vec<(Instant, HashMemory)>>);

impl KeptMemory {
    const fn new() -> Self {
        Self(Mutex::new(Vec::new()))
    }

    fn take(&self) -> HashMemory {
        self.lock()
            .pop()
            .map(|(_, memory)| memory)
            .unwrap_or_default()
    }

    fn put(&self, memory: HashMemory, now: Instant) {
        self.lock().push((now, memory));
    }

    /// Drops the memories put back `idle` or longer before `now`.
    fn forget_idle(&self, now: Instant, idle: Duration) {
        self.lock()
            .retain(|(at, _)| now.saturating_duration_since(*at) < idle);
    }

    fn bytes(&self) -> usize {
        self.lock().iter().map(|(_, memory)| memory.bytes()).sum()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(Instant, HashMemory)>> {
        // The list is valid whatever a panicking holder did to it.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Bytes of working memory kept for the next password hash (for `/metrics`).
pub fn kept_hash_memory() -> usize {
    MEMORY.bytes()
}

async fn hashing<T: Send + 'static>(
    work: impl FnOnce(&mut HashMemory) -> T + Send + 'static,
) -> Result<T, Error> {
    let mut memory = MEMORY.take();
    let (result, memory) = HASHING.run(move || (work(&mut memory), memory)).await?;
    MEMORY.put(memory, Instant::now());
    tokio::spawn(async {
        tokio::time::sleep(MEMORY_IDLE).await;
        MEMORY.forget_idle(Instant::now(), MEMORY_IDLE);
    });
    Ok(result)
}

/// A new password's Argon2id hash (see [`HASHING`]).
pub async fn hash_password(password: &str) -> Result<String, Error> {
    let password = password.to_string();
    hashing(move |memory| sangkien_domain::account::hash_password_with(&password, memory))
        .await?
        .map_err(|_| Error::internal())
}

/// Whether `password` matches the stored hash `phc` (see [`HASHING`]).
pub async fn verify_password(password: &str, phc: String) -> Result<bool, Error> {
    let password = password.to_string();
    hashing(move |memory| sangkien_domain::account::verify_password_with(&password, &phc, memory))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_memory_is_reused_then_given_back_when_idle() {
        let kept = KeptMemory::new();
        let mut memory = kept.take();
        assert_eq!(memory.bytes(), 0, "nothing kept yet: a new memory");
        let dummy = sangkien_domain::account::DUMMY_HASH;
        assert!(!sangkien_domain::account::verify_password_with(
            "x",
            dummy,
            &mut memory
        ));
        let t0 = Instant::now();
        kept.put(memory, t0);
        assert_eq!(kept.bytes(), 19 * 1024 * 1024);
        let again = kept.take();
        assert_eq!(again.bytes(), 19 * 1024 * 1024, "the same memory again");
        assert_eq!(kept.bytes(), 0);
        kept.put(again, t0);
        kept.put(HashMemory::default(), t0 + Duration::from_secs(20));
        kept.forget_idle(t0 + Duration::from_secs(29), MEMORY_IDLE);
        assert_eq!(kept.bytes(), 19 * 1024 * 1024, "used 29 s ago: kept");
        kept.forget_idle(t0 + Duration::from_secs(30), MEMORY_IDLE);
        assert_eq!(kept.bytes(), 0, "used 30 s ago: given back");
        assert_eq!(kept.lock().len(), 1, "the one put back at 20 s stays");
    }

    #[tokio::test]
    async fn hashes_through_kept_memory_verify() {
        let hash = hash_password("Cao-Bang-2021").await.expect("hash");
        assert!(
            verify_password("Cao-Bang-2021", hash.clone())
                .await
                .expect("verify")
        );
        assert!(
            !verify_password("Cao-Bang-2022", hash)
                .await
                .expect("verify")
        );
        // The memory went back to the list for the next hash (nothing else in this crate's
        // unit tests hashes, and it is kept for 30 s).
        let kept = kept_hash_memory();
        assert!(kept >= 19 * 1024 * 1024, "{kept}");
        assert_eq!(kept % (19 * 1024 * 1024), 0);
    }
}
