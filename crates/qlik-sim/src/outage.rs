//! Test controls that make the simulated site slow or away, as a Qlik site
//! is during a restart or a reload (not part of Qlik):
//!
//! - **delay**: every engine answer leaves this long after its request came;
//! - **pause**: for a while, every listener (QPS, proxy and so the engine)
//!   is closed — a connection attempt is refused by the operating system —
//!   the open connections fail at their next read and the open engine
//!   sockets are dropped, but every proxy session and
//!   engine session is kept (with its selections), and neither times out
//!   during the pause: after it, a client reattaches to what it had.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::time::Instant;

/// The controls' state, shared by the listeners and the engine sockets.
#[derive(Debug)]
pub(crate) struct Outage {
    /// Delay of every engine answer, in milliseconds.
    delay_ms: AtomicU64,
    /// The end of the current (or last) pause.
    pause: watch::Sender<Option<Instant>>,
    /// Pauses so far: a connection accepted before the latest one fails.
    pauses: Arc<AtomicU64>,
}

impl Default for Outage {
    fn default() -> Self {
        Self {
            delay_ms: AtomicU64::new(0),
            pause: watch::channel(None).0,
            pauses: Arc::new(AtomicU64::new(0)),
        }
    }
}

impl Outage {
    /// How long each engine answer is held back.
    pub fn delay(&self) -> Duration {
        Duration::from_millis(self.delay_ms.load(Ordering::Relaxed))
    }

    /// Holds every engine answer back by `delay` from now on (zero: none).
    pub fn set_delay(&self, delay: Duration) {
        let ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self.delay_ms.store(ms, Ordering::Relaxed);
    }

    /// Closes the listeners for `length` from now (zero: opens them now).
    pub fn pause_for(&self, length: Duration) {
        let until = Instant::now() + length;
        if !length.is_zero() {
            self.pauses.fetch_add(1, Ordering::AcqRel);
        }
        self.pause.send_replace(Some(until));
    }

    /// When the last pause ended (or ends), if there was one: sessions do not
    /// time out during a pause, so their timeouts count from then.
    pub fn pause_end(&self) -> Option<Instant> {
        *self.pause.borrow()
    }

    /// A listener on `listener`'s address that closes during pauses.
    pub fn gate(&self, listener: TcpListener) -> io::Result<GatedListener> {
        Ok(GatedListener {
            addr: listener.local_addr()?,
            listener: Some(listener),
            pause: self.pause.subscribe(),
            pauses: self.pauses.clone(),
        })
    }
}

/// A TCP listener that is closed while the simulator is paused (the port
/// refuses connections) and bound again on the same address after.
pub(crate) struct GatedListener {
    addr: SocketAddr,
    listener: Option<TcpListener>,
    pause: watch::Receiver<Option<Instant>>,
    pauses: Arc<AtomicU64>,
}

impl GatedListener {
    /// The next connection accepted outside a pause.
    pub async fn accept_tcp(&mut self) -> io::Result<(GatedStream, SocketAddr)> {
        loop {
            let until = (*self.pause.borrow_and_update()).filter(|u| *u > Instant::now());
            if let Some(until) = until {
                // Closing the socket makes the kernel refuse connections.
                self.listener = None;
                tokio::select! {
                    _ = tokio::time::sleep_until(until) => {}
                    _ = self.pause.changed() => {}
                }
                continue;
            }
            let listener = match self.listener.take() {
                Some(listener) => listener,
                // SO_REUSEADDR (tokio sets it): the port's accepted
                // connections do not keep it from being bound again.
                None => match TcpListener::bind(self.addr).await {
                    Ok(listener) => listener,
                    Err(error) => {
                        tracing::debug!(%error, addr = %self.addr, "binding again after a pause");
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    }
                },
            };
            let accepted = tokio::select! {
                accepted = listener.accept() => Some(accepted),
                changed = self.pause.changed() => {
                    if changed.is_err() {
                        // The controls are gone: no pause can come any more.
                        Some(listener.accept().await)
                    } else {
                        None
                    }
                }
            };
            self.listener = Some(listener);
            if let Some(accepted) = accepted {
                let (stream, addr) = accepted?;
                let gated = GatedStream {
                    inner: stream,
                    accepted_in: self.pauses.load(Ordering::Acquire),
                    pauses: self.pauses.clone(),
                };
                return Ok((gated, addr));
            }
        }
    }

    /// The address served.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

/// An accepted connection that fails at its first read after a pause began
/// (a site that went away does not answer on its old connections either);
/// an answer being written still leaves (that of `/sim/pause` itself).
pub(crate) struct GatedStream {
    inner: TcpStream,
    accepted_in: u64,
    pauses: Arc<AtomicU64>,
}

impl GatedStream {
    /// The TCP stream (for socket options).
    pub fn tcp(&self) -> &TcpStream {
        &self.inner
    }

    fn check(&self) -> io::Result<()> {
        if self.pauses.load(Ordering::Acquire) == self.accepted_in {
            Ok(())
        } else {
            Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "the simulator was paused",
            ))
        }
    }
}

impl AsyncRead for GatedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for GatedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

impl axum::serve::Listener for GatedListener {
    type Io = GatedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.accept_tcp().await {
                Ok(accepted) => return accepted,
                // As axum's own listener: a failed accept (too many open
                // files, a reset) is waited out.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.addr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_paused_listener_refuses_then_accepts_again_on_its_port() {
        let outage = Outage::default();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut gated = outage.gate(listener).unwrap();
        let addr = gated.addr();
        // The first connection is accepted before the pause (joined, not
        // spawned: a task that had not run yet would see the pause first).
        let (client, accepted) = tokio::join!(TcpStream::connect(addr), gated.accept_tcp());
        assert!(client.is_ok() && accepted.is_ok());
        let accepting = tokio::spawn(async move { gated.accept_tcp().await.is_ok() });
        outage.pause_for(Duration::from_millis(400));
        assert!(outage.pause_end().is_some_and(|end| end > Instant::now()));
        // The listener closes as soon as the accept loop sees the pause.
        let mut refused = false;
        for _ in 0..20 {
            if TcpStream::connect(addr).await.is_err() {
                refused = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(refused, "connections are refused during the pause");
        tokio::time::sleep(Duration::from_millis(450)).await;
        assert!(outage.pause_end().is_some_and(|end| end <= Instant::now()));
        let mut connected = false;
        for _ in 0..50 {
            if TcpStream::connect(addr).await.is_ok() {
                connected = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(connected, "the same port accepts again after the pause");
        let accepted = tokio::time::timeout(Duration::from_secs(10), accepting).await;
        assert!(
            accepted.expect("accepted within 10 s").unwrap(),
            "the connection after the pause is accepted"
        );
    }

    #[test]
    fn the_delay_is_kept_in_milliseconds() {
        let outage = Outage::default();
        assert_eq!(outage.delay(), Duration::ZERO);
        outage.set_delay(Duration::from_millis(1500));
        assert_eq!(outage.delay(), Duration::from_millis(1500));
    }
}
