//! A client for Qlik Sense Enterprise (client-managed).
//!
//! - [`qps`]: the Qlik Proxy Service REST API on its trusted port (4243): tickets,
//!   proxy sessions, users, with Qlik's Xrfkey rule and a client certificate.
//! - [`proxy`]: the proxy's own HTTP side: redeeming a ticket for a session cookie,
//!   fetching the WebSocket CSRF token.
//! - [`qix`]: the engine's JSON-RPC 2.0 protocol over WebSocket: one task owns the
//!   socket, [`qix::Connection`] is a cheap handle to it, with typed
//!   [`qix::Global`], [`qix::Doc`], [`qix::GenericObject`] and [`qix::Field`].
//!
//! It knows nothing of web frameworks. A session that survives socket drops:
//! redeem a ticket once, keep the [`proxy::SessionCookie`], and open every later
//! socket with it on an engine URL that carries a `/ttl/` ([`qix::EngineUrl`]).
//!
//! ```no_run
//! # async fn demo() -> qlik::Result<()> {
//! use qlik::{proxy::Proxy, qix::{Connection, ConnectOptions, EngineUrl}, qps::{QpsClient, QpsConfig, UserRef}};
//! let qps = QpsClient::new(QpsConfig::new("https://qlik:4243", "mashup"))?;
//! let user = UserRef::new("CORP", "jdoe");
//! let ticket = qps.ticket(&user, &[("Group".into(), "Sales".into())]).await?;
//! let proxy = Proxy::new("https://qlik", "mashup")?;
//! let cookie = proxy.redeem_ticket(&ticket).await?;
//! let url = EngineUrl::new("wss://qlik", "mashup", "my-app-id").ttl(300);
//! let connected = Connection::connect(ConnectOptions::new(url).cookie(cookie)).await?;
//! let doc = connected.connection.global().open_doc("my-app-id").await?;
//! # Ok(()) }
//! ```

mod error;
pub mod proxy;
pub mod qix;
pub mod qps;
mod tls;

pub use error::{Error, Result};
