//! The persistent store of qlik-mashup (SQLite through sqlx): browser sessions
//! and, per user and app, the Qlik proxy session cookie (sealed with a key from
//! the configuration) and the user's last selections. A server restart
//! therefore logs nobody out and reattaches instead of asking for a ticket.

mod error;
mod sealing;
mod sessions;
mod store;

pub use error::{Error, Result};
pub use sealing::SealingKey;
pub use sessions::{BrowserSession, SessionToken, SessionUser};
pub use store::{EngineKey, FieldSelection, QlikCookie, Store};
