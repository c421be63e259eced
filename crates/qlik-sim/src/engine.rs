//! The QIX engine: JSON-RPC 2.0 over a WebSocket, per engine session.

mod methods;
mod rpc;
mod socket;

pub(crate) use socket::{SocketContext, serve};

/// What an engine session holds across its sockets.
#[derive(Debug, Default)]
pub(crate) struct EngineData {
    /// The app opened in this session, if any.
    pub open_app: Option<String>,
}
