//! The qlik-mashup binary: parses its arguments, loads the configuration and
//! serves (see the library) until SIGINT or SIGTERM.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use qlik_mashup::{Config, ServerError, config};

/// mimalloc instead of glibc's malloc: the dashboard page spent about half
/// its CPU in glibc's malloc/free (`malloc_consolidate` among them), and held
/// users cost more resident memory (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(version, about = "qlik-mashup: a server-side Qlik Sense mashup")]
struct Args {
    /// TOML configuration file (see config/example.toml).
    #[arg(long, env = config::CONFIG_ENV)]
    config: Option<PathBuf>,
    /// Make the configured `session.key` the store's, forgetting the Qlik
    /// cookies sealed with the old key (stop every instance first; see README).
    #[arg(long)]
    rotate_session_key: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("qlik-mashup: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), ServerError> {
    let config = Config::load(args.config.as_deref())?;
    qlik_mashup::init_tracing(&config);
    qlik_mashup::raise_open_files_limit();
    if args.rotate_session_key {
        qlik_mashup::rotate_session_key(&config).await?;
    }
    let server = qlik_mashup::start(config).await?;
    server.run_until(shutdown_signal()).await
}

/// SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let Ok(mut term) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        else {
            let _ = ctrl_c.await;
            return;
        };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("shutting down");
}
