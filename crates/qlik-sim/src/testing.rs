//! Helpers for the tests and benchmarks of this crate and of the crates that
//! run against the simulator. Dependency-free, so they cost nothing to keep
//! in the library.

/// This process's resident set size in KiB (`VmRSS` in `/proc/self/status`),
/// 0 where that file does not exist.
pub fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn this_process_has_a_resident_size_on_linux() {
        if std::path::Path::new("/proc/self/status").exists() {
            assert!(super::rss_kib() > 0);
        }
    }
}
