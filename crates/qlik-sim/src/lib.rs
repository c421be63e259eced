//! qlik-sim: a Qlik Sense (client-managed) simulator that speaks Qlik's wire
//! formats, for developing and testing Qlik clients without a Qlik server.
//!
//! - QPS (the trusted REST API, Qlik's port 4243 role): tickets, proxy sessions,
//!   users, with the Xrfkey rule and optionally TLS with client certificates.
//! - The proxy: virtual-proxy prefix, ticket redemption into a session cookie,
//!   parallel-session limit, inactivity timeout, Qlik's notifications.
//! - The QIX engine: JSON-RPC 2.0 over WebSocket, `OnConnected`, engine
//!   sessions that attach or are created, `/identity/` and `/ttl/`, handles,
//!   the delta protocol, Qlik's error codes.
//!
//! Start it in-process with [`Simulator::start`], or run the `qlik-sim` binary.

mod catalog;
mod config;
pub mod data;
mod engine;
mod error;
mod outage;
mod proxy;
mod qps;
mod sim;
mod state;
pub mod testing;
mod tls;

pub use catalog::Catalog;
pub use config::{SimConfig, TlsFiles};
pub use error::SimError;
pub use sim::{RunningSim, Simulator};
pub use state::Stats;
