//! The persistent store of qlik-mashup (through sqlx: SQLite for one
//! instance, PostgreSQL for several, one API and one schema history per
//! backend via `sqlx::migrate!`): browser sessions
//! and, per user and app, the Qlik proxy session cookie (sealed with a key from
//! the configuration) and the user's last selections and pivot expansions. A server restart
//! therefore logs nobody out and reattaches instead of asking for a ticket.

mod backend;
mod coordination;
mod error;
mod expansions;
mod key_check;
mod last_views;
mod notices;
mod sealing;
mod sessions;
mod store;
#[cfg(feature = "testing")]
pub mod testing;
mod throttle;

pub use backend::Backend;
pub use coordination::UserLock;
pub use error::{Error, Result};
pub use key_check::KeyCheck;
pub use last_views::{LastView, LastViewLimits};
pub use notices::{Notice, NoticeHealth, Notices};
pub use sealing::SealingKey;
pub use sessions::{BrowserSession, SessionToken, SessionUser};
pub use store::{EngineKey, FieldSelection, QlikCookie, Store, UserKey};
pub use throttle::ThrottleRecord;
