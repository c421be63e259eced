//! The client's address, as the server's edge worked it out (the peer, or
//! the `X-Forwarded-For` entry a trusted proxy vouches for).

use std::net::IpAddr;

use leptos::prelude::use_context;

use crate::error::AppError;

/// Put in every request's extensions by the server's edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

/// The address of the client of the current server-function call.
pub fn client_address() -> Result<IpAddr, AppError> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<ClientAddress>().copied())
        .map(|ClientAddress(address)| address)
        .ok_or_else(|| {
            tracing::error!("server misconfigured: no client address");
            AppError::Unreachable
        })
}
