//! Running a phase: workers share a deadline and a request budget.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::stats::Phase;
use crate::user::{Action, User};

/// Bounds of a throughput phase.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// The phase ends after this long…
    pub duration: Duration,
    /// …or after this many requests, whichever comes first.
    pub requests: u64,
}

/// `connections` workers repeat `action` until the budget is spent; worker
/// `j` acts as `users[j % users.len()]` (a user's workers share its cookie and
/// connection pool, as tabs of one browser do).
pub async fn run(users: &[User], connections: usize, action: Action, budget: Budget) -> Phase {
    let started = Instant::now();
    let deadline = started + budget.duration;
    let issued = Arc::new(AtomicU64::new(0));
    let mut workers = Vec::new();
    for j in 0..connections {
        let user = users[j % users.len()].clone();
        let issued = issued.clone();
        workers.push(tokio::spawn(async move {
            let mut phase = Phase::default();
            loop {
                let turn = issued.fetch_add(1, Ordering::Relaxed);
                if turn >= budget.requests || Instant::now() >= deadline {
                    return phase;
                }
                let start = Instant::now();
                let outcome = user.act(action, turn).await;
                phase.record(start.elapsed(), outcome);
            }
        }));
    }
    let mut total = Phase::default();
    for worker in workers {
        if let Ok(phase) = worker.await {
            total.merge(phase);
        }
    }
    total.elapsed = started.elapsed();
    total
}

/// Logs in every user (at most `concurrency` at once) and opens their
/// dashboards; the login and the first dashboard page are measured apart.
pub async fn log_in(users: &[User], concurrency: usize) -> (Phase, Phase) {
    let started = Instant::now();
    let next = Arc::new(AtomicU64::new(0));
    let users: Arc<[User]> = users.into();
    let mut workers = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (users, next) = (users.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let (mut login, mut dashboard) = (Phase::default(), Phase::default());
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                let Some(user) = users.get(i) else {
                    return (login, dashboard);
                };
                let start = Instant::now();
                let outcome = user.login().await;
                let ok = outcome.is_ok();
                login.record(start.elapsed(), outcome);
                if ok {
                    let start = Instant::now();
                    let outcome = user.get("/").await;
                    dashboard.record(start.elapsed(), outcome);
                }
            }
        }));
    }
    let (mut login, mut dashboard) = (Phase::default(), Phase::default());
    for worker in workers {
        if let Ok((l, d)) = worker.await {
            login.merge(l);
            dashboard.merge(d);
        }
    }
    login.elapsed = started.elapsed();
    dashboard.elapsed = login.elapsed;
    (login, dashboard)
}

/// Holds one event stream per user open, counting the events that arrive
/// (`data:` frames), until `until` completes. Returns the streams opened,
/// the failures and the count.
pub async fn hold_streams(
    users: &[User],
    until: tokio::sync::watch::Receiver<bool>,
) -> (usize, u64, Arc<AtomicU64>, Vec<tokio::task::JoinHandle<()>>) {
    let events = Arc::new(AtomicU64::new(0));
    let (mut opened, mut failed) = (0, 0);
    let mut tasks = Vec::new();
    for user in users {
        match user.open_stream().await {
            Ok(mut response) => {
                opened += 1;
                let events = events.clone();
                let mut until = until.clone();
                tasks.push(tokio::spawn(async move {
                    loop {
                        tokio::select! {
                            chunk = response.chunk() => match chunk {
                                Ok(Some(bytes)) => {
                                    let text = String::from_utf8_lossy(&bytes);
                                    let frames = text.matches("data:").count() as u64;
                                    events.fetch_add(frames, Ordering::Relaxed);
                                }
                                _ => return,
                            },
                            _ = until.changed() => return,
                        }
                    }
                }));
            }
            Err(_) => failed += 1,
        }
    }
    (opened, failed, events, tasks)
}
