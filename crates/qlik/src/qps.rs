//! The Qlik Proxy Service REST API (the trusted port, 4243 by default):
//! tickets, proxy sessions and users. Every call carries a fresh Xrfkey and,
//! when configured, the client certificate Qlik exported.

mod client;
mod identity;
mod types;
mod xrfkey;

pub use client::{QpsClient, QpsConfig};
pub use identity::ClientIdentity;
pub use types::{Attribute, ProxySession, Ticket, UserRef};
