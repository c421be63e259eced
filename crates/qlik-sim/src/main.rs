//! The `qlik-sim` binary.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use qlik_sim::{SimConfig, Simulator, TlsFiles};

/// A Qlik Sense simulator: QPS, proxy sessions and limits, QIX engine.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Proxy listener (pages and engine WebSockets).
    #[arg(long, default_value = "127.0.0.1:8080")]
    proxy: SocketAddr,
    /// QPS listener (the trusted REST API, Qlik's port 4243).
    #[arg(long, default_value = "127.0.0.1:4243")]
    qps: SocketAddr,
    /// Virtual proxy prefix; empty for the default virtual proxy.
    #[arg(long, default_value = "")]
    virtual_proxy: String,
    /// Folder of apps (sub-folders with app.toml and CSV files, or unbuilt by `qlik app unbuild` with data/*.csv); default: the built-in apps (sample-sales, sample-support).
    #[arg(long)]
    apps: Option<PathBuf>,
    /// Order lines of the built-in sample sales app.
    #[arg(long, default_value_t = qlik_sim::data::DEFAULT_ROWS)]
    rows: usize,
    /// Parallel proxy sessions per user.
    #[arg(long, default_value_t = 5)]
    max_sessions: usize,
    /// Proxy session inactivity timeout (e.g. 30m, 90s).
    #[arg(long, default_value = "30m", value_parser = humantime::parse_duration)]
    session_timeout: Duration,
    /// Ticket lifetime.
    #[arg(long, default_value = "1m", value_parser = humantime::parse_duration)]
    ticket_ttl: Duration,
    /// Require the qlik-csrf-token on WebSocket upgrades (QSEoW November 2024).
    #[arg(long)]
    ws_csrf: bool,
    /// Server certificate (PEM); enables TLS on the QPS and proxy listeners
    /// (https, wss).
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// Server private key (PEM).
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// CA of the client certificates QPS requires (PEM); the proxy asks for none.
    #[arg(long, requires = "tls_cert")]
    client_ca: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let args = Args::parse();
    let config = SimConfig {
        proxy_addr: args.proxy,
        qps_addr: args.qps,
        virtual_proxy: args.virtual_proxy,
        apps_dir: args.apps,
        sample_rows: args.rows,
        max_sessions: args.max_sessions,
        session_timeout: args.session_timeout,
        ticket_ttl: args.ticket_ttl,
        ws_csrf: args.ws_csrf,
        tls: args.tls_cert.zip(args.tls_key).map(|(cert, key)| TlsFiles {
            cert,
            key,
            client_ca: args.client_ca,
        }),
    };
    let scheme = if config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let sim = match Simulator::start(config).await {
        Ok(sim) => sim,
        Err(error) => {
            eprintln!("qlik-sim: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "qlik-sim: proxy listening on {scheme}://{}",
        sim.proxy_addr()
    );
    println!("qlik-sim: qps listening on {scheme}://{}", sim.qps_addr());
    wait_for_signal().await;
    sim.shutdown().await;
    ExitCode::SUCCESS
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {},
                    _ = term.recv() => {},
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
