//! The qlik-mashup server as a library: wires the parts together from a
//! [`Config`] and serves the Leptos app over axum. The binary (`main.rs`) only
//! parses arguments, loads the configuration and runs until a signal; tests
//! start the whole app in-process with [`start`].

mod canonical;
mod client_address;
pub mod config;
mod edge;
mod error;
mod events;
mod export;
mod guard;
mod metrics;
mod notices;
mod open_files;
mod page_cache;
mod ready;
mod routes;
mod sheets;
mod stale_metrics;
mod store_key;
mod sweep;
mod theme;
mod tls;
mod wiring;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::serve::ListenerExt;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use crate::config::Config;
pub use crate::error::ServerError;
pub use crate::wiring::rotate_session_key;

/// A server started by [`start`]: its bound address, and what keeps the
/// embedded directory and simulator (if any) running.
pub struct RunningServer {
    addr: SocketAddr,
    metrics_addr: Option<SocketAddr>,
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

    /// The address `/metrics` is served on when `metrics.listen` is set.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_addr
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

/// Builds every part from `config` (after refusing wrong or dangerous
/// combinations), binds the listeners (port 0: any free port) and starts
/// serving in the background.
pub async fn start(config: Config) -> Result<RunningServer, ServerError> {
    config.validate()?;
    let leptos = leptos::config::get_configuration(None)
        .map_err(|e| ServerError::Leptos(e.to_string()))?
        .leptos_options;
    let addr = config.listen.unwrap_or(leptos.site_addr);
    config.check_metrics_listen(addr)?;
    let tls = config.tls.as_ref().map(tls::acceptor).transpose()?;
    let directory = wiring::authenticator(&config).await?;
    let store = wiring::store(&config).await?;
    let pages = config.dashboard_pages()?;
    let (mut hub_config, qps, embedded_qlik) = wiring::hub_config(&config, &pages).await?;
    let mut pages =
        sheets::list_all(pages, &hub_config, &store, &config.qlik.user_directory).await?;
    sheets::read(&mut pages, &hub_config, &store, &config.qlik.user_directory).await?;
    hub_config.apps = wiring::hub_apps(&pages);
    let hub = hub::Hub::new(hub_config, store.clone());
    let sheets_css = sheets::stylesheet_router(&pages);
    let pages = Arc::new(pages);
    let notices = store.notices(&config.session.url());
    let readiness = ready::Readiness {
        notices: notices.as_ref().map(store::Notices::health),
        store: store.clone(),
        qps,
        user_directory: config.qlik.user_directory.clone(),
        directory: directory.probe,
    };
    let ctx = wiring::app_context(
        &config,
        pages,
        store.clone(),
        hub.clone(),
        directory.authenticator,
        directory.notice,
    );
    let streams = ctx.streams.clone();
    let staleness = ctx.staleness.clone();
    let page_cache = page_cache::PageCache::new(config.page_cache.max_kib);
    let public = routes::PublicRoutes {
        edge: edge::EdgeSettings {
            extra_connect_src: dev_reload_source(&leptos),
            hsts: config.https(),
            public_origin: config.public_origin(),
        },
        trusted_proxies: Arc::from(config.trusted_proxies.clone()),
        readiness,
        metrics: config.metrics.listen.is_none(),
        theme: theme::router(&config.theme, theme::Logo::load(&config.theme)?).merge(sheets_css),
        page_cache: page_cache.clone(),
    };
    let router =
        routes::router(leptos, ctx, public).into_make_service_with_connect_info::<SocketAddr>();
    let (stop, stopped) = watch::channel(false);

    let listener = bind(addr).await?;
    let addr = local_addr(&listener, addr)?;
    let serve = match tls {
        Some(acceptor) => {
            // `tap_io` gives the listener axum's `ConnectInfo<SocketAddr>`.
            let listener = tls::TlsListener::new(listener, acceptor)
                .map_err(|source| ServerError::Serve { addr, source })?
                .tap_io(|_| {});
            tracing::info!(%addr, "listening (https)");
            tokio::spawn(serve_until(
                axum::serve(listener, router).with_graceful_shutdown(stop_signal(stopped.clone())),
                addr,
            ))
        }
        None => {
            tracing::info!(%addr, "listening");
            tokio::spawn(serve_until(
                axum::serve(listener, router).with_graceful_shutdown(stop_signal(stopped.clone())),
                addr,
            ))
        }
    };
    let mut tasks = vec![serve];

    let metrics_addr = match config.metrics.listen {
        Some(wanted) => {
            let listener = bind(wanted).await?;
            let metrics_addr = local_addr(&listener, wanted)?;
            tracing::info!(addr = %metrics_addr, "serving /metrics");
            let metrics = routes::metrics_router::<()>(hub.clone(), page_cache, staleness);
            tasks.push(tokio::spawn(serve_until(
                axum::serve(listener, metrics).with_graceful_shutdown(stop_signal(stopped.clone())),
                metrics_addr,
            )));
            Some(metrics_addr)
        }
        None => None,
    };

    if let Some(notices) = notices {
        let sessions = notices::Sessions {
            store: store.clone(),
            idle: config.session.idle_timeout,
            absolute: config.session.absolute_timeout,
        };
        tasks.push(tokio::spawn(notices::run(
            notices,
            sessions,
            streams.clone(),
            stop_signal(stopped.clone()),
        )));
    }
    tasks.push(tokio::spawn(sweep::run(
        store,
        config.session.idle_timeout,
        config.session.absolute_timeout,
        stop_signal(stopped),
    )));

    Ok(RunningServer {
        addr,
        metrics_addr,
        stop,
        tasks,
        streams,
        hub,
        drain: config.shutdown.drain,
        _embedded_directory: directory.embedded,
        embedded_qlik,
    })
}

async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, ServerError> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServerError::Serve { addr, source })
}

fn local_addr(
    listener: &tokio::net::TcpListener,
    wanted: SocketAddr,
) -> Result<SocketAddr, ServerError> {
    listener.local_addr().map_err(|source| ServerError::Serve {
        addr: wanted,
        source,
    })
}

/// Runs an axum server to its (graceful) end.
async fn serve_until(
    serving: impl std::future::IntoFuture<Output = std::io::Result<()>>,
    addr: SocketAddr,
) -> Result<(), ServerError> {
    serving
        .await
        .map_err(|source| ServerError::Serve { addr, source })
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

/// Installs the global tracing subscriber configured by `[log]` (on stdout;
/// text in colour only when stdout is a terminal, not a file or a pipe).
pub fn init_tracing(config: &Config) {
    use std::io::IsTerminal;
    use tracing_subscriber::util::SubscriberInitExt;
    let colour = std::io::stdout().is_terminal();
    log_subscriber(&config.log, std::io::stdout, colour).init();
}

/// Raises the soft open-files limit to the hard one and logs the limit the
/// server runs with (call once, at start-up).
pub fn raise_open_files_limit() {
    open_files::raise_and_log();
}

/// The subscriber `[log]` describes: text lines (with ANSI colours when
/// `colour`), or one JSON object per line (`log.format = "json"`), written
/// to `writer`.
fn log_subscriber<W>(
    log: &config::LogConfig,
    writer: W,
    colour: bool,
) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = tracing_subscriber::EnvFilter::try_new(&log.filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(writer);
    match log.format {
        config::LogFormat::Text => Box::new(builder.finish()),
        config::LogFormat::Json => Box::new(builder.json().finish()),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn logged(format: config::LogFormat) -> String {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let log = config::LogConfig {
            filter: "info".into(),
            format,
        };
        tracing::subscriber::with_default(
            log_subscriber(&log, move || writer.clone(), false),
            || {
                tracing::info!(user = ?"alice", "login");
            },
        );
        let bytes = buffer.0.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn json_logs_are_one_object_per_line() {
        let json = logged(config::LogFormat::Json);
        let line: serde_json::Value = serde_json::from_str(json.trim()).expect("one JSON object");
        assert_eq!(line["level"], "INFO");
        assert_eq!(line["fields"]["message"], "login");
        assert_eq!(line["fields"]["user"], "\"alice\"");
        let text = logged(config::LogFormat::Text);
        assert!(serde_json::from_str::<serde_json::Value>(text.trim()).is_err());
        assert!(text.contains("INFO") && text.contains("login"), "{text}");
    }
}
