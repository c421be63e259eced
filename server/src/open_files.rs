//! Open files (every socket is one): systemd and most shells start a
//! process with a soft limit of 1,024, which a few hundred users with their
//! event streams, engine sockets and LDAP connections outgrow. The soft
//! `RLIMIT_NOFILE` is raised to the hard limit at start-up (as Go's runtime
//! does), and `/metrics` shows the open files against the limit.

use std::io;

/// The process's open-files limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The limit in force.
    pub soft: u64,
    /// What the soft limit may be raised to.
    pub hard: u64,
}

/// The current limit.
pub fn limit() -> io::Result<Limit> {
    let mut raw = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `raw` is a valid, writable rlimit for getrlimit to fill.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut raw) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(Limit {
        soft: raw.rlim_cur,
        hard: raw.rlim_max,
    })
}

/// Raises the soft limit to the hard one; returns the limit before and
/// after.
pub fn raise() -> io::Result<(Limit, Limit)> {
    let before = limit()?;
    if before.soft < before.hard {
        let raw = libc::rlimit {
            rlim_cur: before.hard,
            rlim_max: before.hard,
        };
        // SAFETY: `raw` is a valid rlimit; raising the soft limit up to the
        // hard one needs no privilege.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raw) } != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok((before, limit()?))
}

/// Raises the limit and logs the one the server runs with (a WARN when it
/// stays low, naming systemd's `LimitNOFILE=`).
pub fn raise_and_log() {
    match raise() {
        Ok((before, now)) => {
            if now.soft < 4096 {
                tracing::warn!(
                    open_files_limit = now.soft,
                    raised_from = before.soft,
                    hard_limit = now.hard,
                    "the open files limit is low: each user's event stream and engine socket \
                     take one; raise the hard limit (systemd: LimitNOFILE=65536)"
                );
            } else {
                tracing::info!(
                    open_files_limit = now.soft,
                    raised_from = before.soft,
                    "open files limit"
                );
            }
        }
        Err(error) => tracing::warn!(%error, "cannot read or raise the open files limit"),
    }
}

/// How many files the process has open (Linux: `/proc/self/fd`).
fn open_now() -> Option<u64> {
    let entries = std::fs::read_dir("/proc/self/fd").ok()?;
    Some(entries.count() as u64)
}

/// The two gauges of `/metrics`: open files and the limit (alert when the
/// first nears the second: new connections then fail).
pub fn metrics() -> String {
    let mut text = String::new();
    if let Some(open) = open_now() {
        text.push_str(&format!(
            "# HELP mashup_open_files Files (sockets included) the process has open.\n\
             # TYPE mashup_open_files gauge\nmashup_open_files {open}\n"
        ));
    }
    if let Ok(limit) = limit() {
        text.push_str(&format!(
            "# HELP mashup_open_files_limit The soft limit of open files (RLIMIT_NOFILE).\n\
             # TYPE mashup_open_files_limit gauge\nmashup_open_files_limit {}\n",
            limit.soft
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_metrics_count_open_files_against_the_limit() {
        let before = open_now().unwrap();
        let held: Vec<_> = (0..20)
            .map(|_| std::fs::File::open("/proc/self/status").unwrap())
            .collect();
        let text = metrics();
        let value = |name: &str| -> u64 {
            text.lines()
                .find_map(|line| line.strip_prefix(&format!("{name} ")))
                .unwrap()
                .parse()
                .unwrap()
        };
        assert!(value("mashup_open_files") >= before + 20, "{text}");
        assert_eq!(value("mashup_open_files_limit"), limit().unwrap().soft);
        drop(held);
    }
}
