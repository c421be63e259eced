//! The server side of the app (feature `ssr`): what server functions and the
//! renderer need from the rest of the server.

pub mod client;
pub mod context;
pub mod sessions;
pub mod streams;

pub use client::{ClientAddress, client_address};
pub use context::{AppContext, SessionSettings};
pub use streams::Streams;
