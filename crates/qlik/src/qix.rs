//! The QIX engine protocol: JSON-RPC 2.0 over a WebSocket through the proxy.
//!
//! [`Connection::connect`] opens the socket, waits for the engine's
//! `OnConnected` and reports whether the engine session was created or
//! attached. One task owns the socket and the table of pending requests;
//! [`Connection`] is a cheap, cloneable handle to it. Handles to engine objects
//! belong to the socket: after a reconnect, fetch them again
//! ([`Global::get_active_doc`], [`Doc::get_object`]).

mod connection;
mod delta;
mod generated;
mod handles;
pub mod layout;
mod notification;
mod types;
mod url;

pub use connection::{ConnectOptions, Connected, Connection, HandleEvent};
pub use handles::{Doc, Field, GenericObject, Global};
pub use layout::NxCell;
pub use notification::{Notification, ProxyNotice, SessionState};
pub use types::{BookmarkEntry, FieldValue, NxPage, ObjectInterface, QNum};
pub use url::EngineUrl;

/// The handle of the Global object, the only static one.
pub const GLOBAL_HANDLE: i64 = -1;
