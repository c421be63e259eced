//! Starting and stopping the simulator.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::catalog::Catalog;
use crate::config::SimConfig;
use crate::error::SimError;
use crate::state::{State, Stats, User};
use crate::{proxy, qps, tls};

/// Entry point of the simulator.
#[derive(Debug)]
pub struct Simulator;

/// A running simulator; stops when dropped (or on [`RunningSim::shutdown`]).
pub struct RunningSim {
    state: Arc<State>,
    proxy_addr: SocketAddr,
    qps_addr: SocketAddr,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for RunningSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningSim")
            .field("proxy_addr", &self.proxy_addr)
            .field("qps_addr", &self.qps_addr)
            .finish()
    }
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, SimError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| SimError::Bind { addr, source })
}

/// Serves `app` on `listener` until `stopped` turns true.
fn serve<L>(listener: L, app: axum::Router, mut stopped: watch::Receiver<bool>) -> JoinHandle<()>
where
    L: axum::serve::Listener,
    L::Addr: std::fmt::Debug,
{
    tokio::spawn(async move {
        let until_stopped = async move {
            let _ = stopped.wait_for(|s| *s).await;
        };
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(until_stopped)
            .await;
    })
}

impl Simulator {
    /// Binds both listeners and starts serving.
    pub async fn start(config: SimConfig) -> Result<RunningSim, SimError> {
        let catalog = match &config.apps_dir {
            Some(dir) => Catalog::load(dir)?,
            None => Catalog::builtin(config.sample_rows),
        };
        let (proxy_tls, qps_tls) = match &config.tls {
            Some(files) => (
                Some(tls::acceptor(files, false)?),
                Some(tls::acceptor(files, true)?),
            ),
            None => (None, None),
        };
        let proxy_listener = bind(config.proxy_addr).await?;
        let qps_listener = bind(config.qps_addr).await?;
        let local = |l: &TcpListener, addr| {
            l.local_addr()
                .map_err(|source| SimError::Bind { addr, source })
        };
        let proxy_addr = local(&proxy_listener, config.proxy_addr)?;
        let qps_addr = local(&qps_listener, config.qps_addr)?;
        let sweep =
            (config.session_timeout / 10).clamp(Duration::from_millis(50), Duration::from_secs(5));
        let state = State::new(config, catalog);
        let (stop, stopped) = watch::channel(false);

        let gate = |listener: TcpListener, addr| {
            state
                .outage
                .gate(listener)
                .map_err(|source| SimError::Bind { addr, source })
        };
        let proxy_listener = gate(proxy_listener, proxy_addr)?;
        let qps_listener = gate(qps_listener, qps_addr)?;
        let proxy_app = proxy::router(state.clone());
        let proxy_task = match proxy_tls {
            Some(acceptor) => serve(
                tls::TlsListener {
                    inner: proxy_listener,
                    acceptor,
                },
                proxy_app,
                stopped.clone(),
            ),
            // Like a real server, answer without waiting for the client's
            // delayed ACK (Nagle would hold the tail of a burst ~40 ms).
            None => serve(
                axum::serve::ListenerExt::tap_io(proxy_listener, |gated| {
                    let _ = gated.tcp().set_nodelay(true);
                }),
                proxy_app,
                stopped.clone(),
            ),
        };
        let qps_app = qps::router(state.clone());
        let qps_task = match qps_tls {
            Some(acceptor) => serve(
                tls::TlsListener {
                    inner: qps_listener,
                    acceptor,
                },
                qps_app,
                stopped.clone(),
            ),
            None => serve(qps_listener, qps_app, stopped.clone()),
        };
        let sweeper = tokio::spawn({
            let state = Arc::downgrade(&state);
            let mut stopped = stopped.clone();
            async move {
                loop {
                    tokio::select! {
                        _ = tokio::time::sleep(sweep) => {}
                        _ = stopped.wait_for(|s| *s) => return,
                    }
                    match state.upgrade() {
                        Some(state) => state.expire(),
                        None => return,
                    }
                }
            }
        });
        Ok(RunningSim {
            state,
            proxy_addr,
            qps_addr,
            stop,
            tasks: vec![proxy_task, qps_task, sweeper],
        })
    }
}

impl RunningSim {
    /// The proxy listener's address.
    pub fn proxy_addr(&self) -> SocketAddr {
        self.proxy_addr
    }

    /// The QPS listener's address.
    pub fn qps_addr(&self) -> SocketAddr {
        self.qps_addr
    }

    /// The proxy session cookie name.
    pub fn cookie_name(&self) -> String {
        self.state.config.cookie_name()
    }

    /// Counters (as `GET /sim/stats`).
    pub fn stats(&self) -> Stats {
        self.state.stats()
    }

    /// Closes the user's engine sockets abruptly, ending no session (as
    /// `POST /sim/drop-sockets/{directory}/{user}`). Returns how many.
    pub fn drop_sockets(&self, directory: &str, user_id: &str) -> usize {
        self.state.drop_user_sockets(&User {
            directory: directory.into(),
            id: user_id.into(),
        })
    }

    /// Holds every engine answer back by `delay` from now on (zero: none),
    /// as `POST /sim/delay/{ms}`: a slow engine.
    pub fn delay_answers(&self, delay: Duration) {
        self.state.outage.set_delay(delay);
    }

    /// For `length` from now, refuses every connection (QPS, proxy, engine)
    /// and drops the open engine sockets, keeping every session, as
    /// `POST /sim/pause/{ms}`: a site being restarted. Zero ends a pause.
    /// Returns how many sockets were dropped.
    pub fn pause(&self, length: Duration) -> usize {
        self.state.pause(length)
    }

    /// Stops serving and waits for the listeners to close.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in self.tasks.drain(..) {
            let _ = task.await;
        }
    }
}

impl Drop for RunningSim {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        for task in &self.tasks {
            task.abort();
        }
    }
}
