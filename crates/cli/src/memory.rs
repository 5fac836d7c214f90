//! One allocator setting, made before any thread starts.
//!
//! glibc's malloc serves blocks above its mmap threshold (128 KiB at start) with their own
//! mappings, returned to the system when freed; but the first time such a block is freed
//! it raises the threshold to that block's size (up to 32 MiB) and the trim threshold to
//! twice that. After one password hash (Argon2's 19 MiB) or one uploaded file's check, every
//! later block of that size comes from a thread's heap and stays there: with a few dozen
//! threads, a server that idles at 17 MiB held 100 MiB after the benchmark's loads.
//! Setting the threshold explicitly turns that adjustment off (glibc's documented
//! behaviour, the same as `MALLOC_MMAP_THRESHOLD_=131072`): 29 MiB after seeding and 51 MiB
//! after the loads in `bench/http.mjs` (docs/PERFORMANCE.md). An operator's own
//! `MALLOC_MMAP_THRESHOLD_` is left as it is.

#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn fix_mmap_threshold() {
    /// The threshold set: glibc's initial value, kept fixed.
    const MMAP_THRESHOLD: i32 = 128 * 1024;
    if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_some() {
        return;
    }
    // SAFETY: mallopt only changes the allocator's parameters, takes no pointers and is
    // thread-safe; it is called at the start of main, before any other thread exists.
    #[allow(unsafe_code)]
    let done = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD) };
    if done != 1 {
        tracing::warn!("mallopt(M_MMAP_THRESHOLD) refused; memory may grow after large blocks");
    }
}

/// Other C libraries do not adjust the threshold this way: nothing to set.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn fix_mmap_threshold() {}
