//! `loadtest`: simulates users of qlik-mashup against the release server and
//! qlik-sim, on loopback, bounded in time and request count.
//!
//! It starts a throwaway slapd with `--users` users, starts the server binary
//! (its embedded qlik-sim, or `--separate-sim`) with a temporary store, and
//! runs these phases, printing requests per second, p50/p99/max latency and
//! errors for each:
//!
//! 1. log every user in (`--login-concurrency` at once) and open their
//!    dashboard (a cold engine session each); the server's RSS before and
//!    after gives the memory per held user;
//! 2. hold one live-update stream per user open (RSS again);
//! 3. cached dashboard page `/` (a sheet page with `--sheet`) with 1 and with 8 users, `--connections`
//!    connections; the login page; the `load_dashboard` server function alone;
//! 4. selections: 8 users toggle list-box values and reload their view; the
//!    open streams count the change events.

mod load;
mod server;
mod slapd;
mod stats;
mod user;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Duration;

use clap::Parser;

use crate::load::Budget;
use crate::server::{Launch, Server};
use crate::user::{Action, User};

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(about = "Load test of qlik-mashup (loopback only)")]
struct Args {
    /// The server binary (`make release` builds it).
    #[arg(long, default_value = "target/release/qlik-mashup")]
    server: PathBuf,
    /// Users in the directory, all logged in during the first phase.
    #[arg(long, default_value_t = 100)]
    users: usize,
    /// Logins in flight at once.
    #[arg(long, default_value_t = 8)]
    login_concurrency: usize,
    /// Connections of each throughput phase.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Length of each throughput phase, in seconds.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Most requests of each throughput phase.
    #[arg(long, default_value_t = 200_000)]
    max_requests: u64,
    /// Order lines of qlik-sim's sample app.
    #[arg(long, default_value_t = 100_000)]
    rows: usize,
    /// The server's log filter (`info` writes a line per request).
    #[arg(long, default_value = "warn")]
    log_filter: String,
    /// Run qlik-sim as its own process (this binary), so the server's RSS
    /// is its own; default: the server's embedded simulator.
    #[arg(long)]
    separate_sim: Option<PathBuf>,
    /// Extra environment of the server process, `KEY=VALUE` (repeatable),
    /// e.g. `LD_PRELOAD=…` to compare allocators without rebuilding.
    #[arg(long = "server-env", value_parser = parse_env)]
    server_env: Vec<(String, String)>,
    /// Show this Qlik sheet of the sample app on the dashboard page, with
    /// the page's own objects after it (`[dashboard] sheet`): the page
    /// phases then measure a sheet page (`sheet-gallery`: 14 cells, 24
    /// objects in all).
    #[arg(long)]
    sheet: Option<String>,
    /// Only log in and measure memory (no throughput phases).
    #[arg(long)]
    memory_only: bool,
    /// After the logins, print the server's pid, URL and the first user's
    /// cookie, and wait this many seconds (at most 600) for outside tools
    /// (`wrk`, `perf record`) before the phases.
    #[arg(long, default_value_t = 0)]
    pause: u64,
}

fn parse_env(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("{text:?} is not KEY=VALUE"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("loadtest: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let users_total = args.users.max(8);
    let directory = slapd::Slapd::start(users_total)?;
    let server = Server::start(Launch {
        binary: &args.server,
        ldap_toml: directory.config_toml(),
        rows: args.rows,
        log_filter: &args.log_filter,
        separate_sim: args.separate_sim.clone(),
        env: args.server_env.clone(),
        sheet: args.sheet.clone(),
    })
    .await?;
    println!(
        "server pid {} at {} ({} users, {} rows, sim {})",
        server.pid(),
        server.base,
        users_total,
        args.rows,
        if args.separate_sim.is_some() {
            "separate"
        } else {
            "embedded"
        }
    );
    let users = (0..users_total)
        .map(|i| User::new(&server.base, i))
        .collect::<Result<Vec<_>, _>>()?;

    // Warm the page code paths before the baseline.
    let _ = users[0].get("/login").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = server.rss_kib().unwrap_or(0);
    let sim_before = server.sim_rss_kib();

    let (login, first) = load::log_in(&users, args.login_concurrency).await;
    println!("{}", login.line("login (LDAP bind, Qlik ticket, socket)"));
    println!("{}", first.line("first dashboard page (cold layouts)"));
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = server.rss_kib().unwrap_or(0);
    let held = login.latencies.len().max(1) as u64;
    println!(
        "server RSS: {:.1} MiB before, {:.1} MiB with {held} users holding a dashboard: {:.0} KiB per user",
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        after.saturating_sub(before) as f64 / held as f64
    );
    if let (Some(sim_before), Some(sim_after)) = (sim_before, server.sim_rss_kib()) {
        println!(
            "qlik-sim RSS: {:.1} MiB before, {:.1} MiB after: {:.0} KiB per user",
            sim_before as f64 / 1024.0,
            sim_after as f64 / 1024.0,
            sim_after.saturating_sub(sim_before) as f64 / held as f64
        );
    }

    let (stop_streams, streams_stop) = tokio::sync::watch::channel(false);
    let (opened, failed, events, stream_tasks) = load::hold_streams(&users, streams_stop).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let with_streams = server.rss_kib().unwrap_or(0);
    println!(
        "event streams: {opened} open, {failed} failed; server RSS {:.1} MiB ({:.1} KiB per stream)",
        with_streams as f64 / 1024.0,
        with_streams.saturating_sub(after) as f64 / opened.max(1) as f64
    );

    if args.pause > 0 {
        println!(
            "pausing {} s: pid {} url {} cookie '{}'",
            args.pause.min(600),
            server.pid(),
            server.base,
            users[0].cookie_header().unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_secs(args.pause.min(600))).await;
    }
    if !args.memory_only {
        let budget = Budget {
            duration: Duration::from_secs(args.seconds),
            requests: args.max_requests,
        };
        let c = args.connections;
        let phases: [(String, &[User], usize, Action); 6] = [
            (
                format!("dashboard page /, 1 user, {c} conns"),
                &users[..1],
                c,
                Action::Page("/"),
            ),
            (
                format!("dashboard page /, 8 users, {c} conns"),
                &users[..8],
                c,
                Action::Page("/"),
            ),
            (
                "dashboard page /, 8 users, 1 conn each".into(),
                &users[..8],
                8,
                Action::Page("/"),
            ),
            (
                format!("login page /login, {c} conns"),
                &users[..1],
                c,
                Action::Page("/login"),
            ),
            (
                format!("load_dashboard fn, 1 user, {c} conns"),
                &users[..1],
                c,
                Action::DashboardFn,
            ),
            (
                "select + reload, 8 users, 1 conn each".into(),
                &users[..8],
                8,
                Action::SelectAndReload,
            ),
        ];
        for (name, who, connections, action) in phases {
            let phase = load::run(who, connections, action, budget).await;
            println!("{}", phase.line(&name));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        println!(
            "change events received on the open streams: {}",
            events.load(Ordering::Relaxed)
        );
    }
    println!(
        "server RSS at the end: {:.1} MiB",
        server.rss_kib().unwrap_or(0) as f64 / 1024.0
    );
    let _ = stop_streams.send(true);
    for task in stream_tasks {
        let _ = task.await;
    }
    server.stop();
    drop(directory);
    Ok(())
}
