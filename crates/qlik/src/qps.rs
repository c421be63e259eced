//! The Qlik Proxy Service REST API (the trusted port, 4243 by default):
//! tickets, proxy sessions and users. Every call carries a fresh Xrfkey and,
//! when configured, the client certificate Qlik exported.

mod client;
mod types;
mod xrfkey;

pub use client::{ClientIdentity, QpsClient, QpsConfig};
pub use types::{Attribute, ProxySession, Ticket, UserRef};
