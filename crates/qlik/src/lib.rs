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
//! # Example
//!
//! The whole path — ticket, redeem, connect, `OpenDoc`, a session object with a
//! hypercube, `GetLayout` — against `qlik-sim`, the Qlik Sense simulator of
//! this workspace, started in-process on free local ports (it is
//! a dev-dependency: this example runs with `cargo test -p qlik --doc`):
//!
//! ```
//! use qlik::proxy::Proxy;
//! use qlik::qix::layout::GenericObjectLayout;
//! use qlik::qix::{ConnectOptions, Connection, EngineUrl, SessionState};
//! use qlik::qps::{QpsClient, QpsConfig, UserRef};
//! use qlik_sim::{SimConfig, Simulator};
//! use serde_json::json;
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     // QPS and the proxy over plain http, the default virtual proxy (""),
//!     // the sample app with 2 000 order lines.
//!     let sim = Simulator::start(SimConfig { sample_rows: 2_000, ..SimConfig::default() }).await?;
//!     let proxy_base = format!("http://{}", sim.proxy_addr());
//!
//!     // 1. A ticket from QPS for CORP\alice, with an attribute.
//!     let qps = QpsClient::new(QpsConfig::new(format!("http://{}", sim.qps_addr()), ""))?;
//!     let user = UserRef::new("CORP", "alice");
//!     let ticket = qps.ticket(&user, &[("Group".into(), "Sales".into())]).await?;
//!
//!     // 2. Redeemed at the proxy for the session cookie.
//!     let cookie = Proxy::new(&proxy_base, "")?.redeem_ticket(&ticket).await?;
//!
//!     // 3. The engine socket, authenticated by the cookie.
//!     let url = EngineUrl::new(&proxy_base, "", "sample-sales");
//!     let connected = Connection::connect(ConnectOptions::new(url).cookie(cookie)).await?;
//!     assert_eq!(connected.state, SessionState::Created);
//!
//!     // 4. OpenDoc.
//!     let doc = connected.connection.global().open_doc("sample-sales").await?;
//!
//!     // 5. A session object with a hypercube: sales by region.
//!     let chart = doc
//!         .create_session_object(json!({
//!             "qInfo": {"qType": "sales-by-region"},
//!             "qHyperCubeDef": {
//!                 "qDimensions": [{"qDef": {"qFieldDefs": ["Region"]}}],
//!                 "qMeasures": [{"qDef": {"qDef": "Sum(Sales)"}}],
//!                 "qInitialDataFetch": [{"qLeft": 0, "qTop": 0, "qWidth": 2, "qHeight": 10}]
//!             }
//!         }))
//!         .await?;
//!
//!     // 6. GetLayout: the first data page is in the layout.
//!     let layout: GenericObjectLayout = serde_json::from_value(chart.layout().await?)?;
//!     let cube = layout.hyper_cube.unwrap_or_default();
//!     let rows = cube.first_page_rows();
//!     for row in rows {
//!         println!("{:<10} {:>14}", row[0].text(), row[1].text());
//!     }
//!
//!     // The regions add up to the total.
//!     assert_eq!(rows.len(), 4); // EMEA, Americas, APAC, Nordics
//!     let sum: f64 = rows.iter().filter_map(|row| row[1].number()).sum();
//!     let total = doc.evaluate_ex("Sum(Sales)").await?["qNumber"].as_f64().unwrap_or(f64::NAN);
//!     assert!((sum - total).abs() < 1e-6 * total);
//!     println!("total {total}");
//!
//!     connected.connection.close();
//!     Ok(())
//! }
//! ```
//!
//! Against a real Qlik Sense only the addresses change, QPS wants the client
//! certificate exported from the QMC ([`qps::ClientIdentity`]), and a site whose
//! certificates come from Qlik's own CA (or a corporate one) needs that root on
//! every connection ([`RootCertificates`]):
//!
//! ```no_run
//! # async fn demo() -> qlik::Result<()> {
//! use std::time::Duration;
//! use qlik::{RootCertificates, proxy::Proxy, qix::{Connection, ConnectOptions, EngineUrl}, qps::{ClientIdentity, QpsClient, QpsConfig, UserRef}};
//! let roots = RootCertificates::from_pem_file("root.pem".as_ref())?;
//! let identity = ClientIdentity::from_pem_files("client.pem".as_ref(), "client_key.pem".as_ref(), "root.pem".as_ref())?;
//! let qps = QpsClient::new(QpsConfig::new("https://qlik:4243", "mashup").identity(identity).root_ca(roots.clone()))?;
//! let user = UserRef::new("CORP", "jdoe");
//! let ticket = qps.ticket(&user, &[("Group".into(), "Sales".into())]).await?;
//! let proxy = Proxy::with_root("https://qlik", "mashup", &roots, Duration::from_secs(10))?;
//! let cookie = proxy.redeem_ticket(&ticket).await?;
//! let url = EngineUrl::new("wss://qlik", "mashup", "my-app-id").ttl(300);
//! let connected = Connection::connect(ConnectOptions::new(url).cookie(cookie).root_ca(roots)).await?;
//! let doc = connected.connection.global().open_doc("my-app-id").await?;
//! # Ok(()) }
//! ```
//!
//! Throughput over one connection: `benches/round_trips.rs` and the crate's
//! README.

mod error;
pub mod proxy;
pub mod qix;
pub mod qps;
mod tls;

pub use error::{Error, PemFile, Result};
pub use tls::RootCertificates;
