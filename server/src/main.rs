//! The qlik-mashup server: reads its configuration, wires the parts together
//! and serves the Leptos app over axum.

mod config;
mod edge;
mod error;
mod events;
mod guard;
mod metrics;
mod routes;
mod wiring;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use crate::config::Config;
use crate::error::ServerError;

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(version, about = "qlik-mashup: a server-side Qlik Sense mashup")]
struct Args {
    /// TOML configuration file (see config/example.toml).
    #[arg(long, env = config::CONFIG_ENV)]
    config: Option<PathBuf>,
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
    init_tracing(&config);
    let leptos = leptos::config::get_configuration(None)
        .map_err(|e| ServerError::Leptos(e.to_string()))?
        .leptos_options;
    let addr = config.listen.unwrap_or(leptos.site_addr);
    let edge_settings = edge::EdgeSettings {
        extra_connect_src: dev_reload_source(&leptos),
    };
    let (authenticator, _embedded_directory) = wiring::authenticator(&config).await?;
    let store = wiring::store(&config).await?;
    let (hub, _embedded_qlik) = wiring::hub(&config, store.clone()).await?;
    let ctx = wiring::app_context(&config, store, hub, authenticator);
    let router = routes::router(leptos, ctx, edge_settings);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServerError::Serve { addr, source })?;
    tracing::info!(%addr, "listening");
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|source| ServerError::Serve { addr, source })
}

/// Under `cargo leptos serve`/`watch` the page opens a socket to the reload
/// port; the CSP must allow it. Empty otherwise.
fn dev_reload_source(leptos: &leptos::prelude::LeptosOptions) -> String {
    if std::env::var_os("LEPTOS_WATCH").is_some() {
        format!("ws://{}:{}", leptos.site_addr.ip(), leptos.reload_port)
    } else {
        String::new()
    }
}

fn init_tracing(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log.filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).init();
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("installing a SIGTERM handler cannot fail on unix");
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("shutting down");
}
