//! The qlik-mashup server as a library: wires the parts together from a
//! [`Config`] and serves the Leptos app over axum. The binary (`main.rs`) only
//! parses arguments, loads the configuration and runs until a signal; tests
//! start the whole app in-process with [`start`].

pub mod config;
mod edge;
mod error;
mod events;
mod guard;
mod metrics;
mod routes;
mod wiring;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use crate::config::Config;
pub use crate::error::ServerError;

/// A server started by [`start`]: its bound address, and what keeps the
/// embedded directory and simulator (if any) running.
pub struct RunningServer {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<Result<(), ServerError>>>,
    /// Ended first at shutdown, so no request waits on an endless stream.
    streams: app::server::Streams,
    /// Its sockets close last, leaving the Qlik sessions to their `/ttl/`.
    hub: hub::Hub,
    /// How long in-flight requests may take to finish.
    drain: Duration,
    _embedded_directory: Option<directory::EmbeddedDirectory>,
    embedded_qlik: Option<qlik_sim::RunningSim>,
}

impl RunningServer {
    /// The address the server listens on (the real port when `listen` had port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The embedded qlik-sim, when no Qlik site is configured (tests read
    /// its counters).
    pub fn embedded_qlik(&self) -> Option<&qlik_sim::RunningSim> {
        self.embedded_qlik.as_ref()
    }

    /// Serves until `signal` completes (or serving fails), then stops gracefully.
    pub async fn run_until(mut self, signal: impl Future<Output = ()>) -> Result<(), ServerError> {
        if self.tasks.is_empty() {
            return Ok(());
        }
        let mut serve = self.tasks.remove(0);
        tokio::select! {
            () = signal => {
                self.tasks.insert(0, serve);
                self.stop().await
            }
            ended = &mut serve => {
                let stopped = self.stop().await;
                joined(ended).and(stopped)
            }
        }
    }

    /// Stops gracefully: no new connections, every event stream ended, open
    /// requests given up to the configured drain time to finish, then every
    /// engine socket closed without ending its Qlik session (a restart
    /// reattaches).
    pub async fn stop(self) -> Result<(), ServerError> {
        let _ = self.stop.send(true);
        self.streams.end_all();
        let drained = tokio::time::timeout(self.drain, async {
            let mut result = Ok(());
            for task in self.tasks {
                let ended = joined(task.await);
                if result.is_ok() {
                    result = ended;
                }
            }
            result
        })
        .await;
        self.hub.close_sockets().await;
        drained.unwrap_or_else(|_| {
            tracing::warn!(drain = ?self.drain, "requests still open after the drain time; stopping anyway");
            Ok(())
        })
    }
}

/// A server task's own result; a task that panicked counts as failed serving.
fn joined(
    ended: Result<Result<(), ServerError>, tokio::task::JoinError>,
) -> Result<(), ServerError> {
    ended.unwrap_or_else(|join| Err(ServerError::Task(join.to_string())))
}

/// Builds every part from `config`, binds the listener (port 0: any free
/// port) and starts serving in the background.
pub async fn start(config: Config) -> Result<RunningServer, ServerError> {
    let leptos = leptos::config::get_configuration(None)
        .map_err(|e| ServerError::Leptos(e.to_string()))?
        .leptos_options;
    let addr = config.listen.unwrap_or(leptos.site_addr);
    let edge_settings = edge::EdgeSettings {
        extra_connect_src: dev_reload_source(&leptos),
    };
    let (authenticator, embedded_directory) = wiring::authenticator(&config).await?;
    let store = wiring::store(&config).await?;
    let (hub, embedded_qlik) = wiring::hub(&config, store.clone()).await?;
    let ctx = wiring::app_context(&config, store, hub, authenticator);
    let (streams, hub) = (ctx.streams.clone(), ctx.hub.clone());
    let router = routes::router(leptos, ctx, edge_settings);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServerError::Serve { addr, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| ServerError::Serve { addr, source })?;
    tracing::info!(%addr, "listening");
    let (stop, stopped) = watch::channel(false);
    let serve = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(stop_signal(stopped))
        .await
        .map_err(|source| ServerError::Serve { addr, source })
    });
    Ok(RunningServer {
        addr,
        stop,
        tasks: vec![serve],
        streams,
        hub,
        drain: config.shutdown.drain,
        _embedded_directory: embedded_directory,
        embedded_qlik,
    })
}

/// Completes once [`RunningServer::stop`] has been called.
async fn stop_signal(mut stopped: watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
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

/// Installs the global tracing subscriber configured by `[log]`.
pub fn init_tracing(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log.filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).init();
}
