//! The engine hub: for each user one Qlik proxy session, and on it for each
//! app one [`EngineSession`] — one engine socket, the open app, the
//! dashboard's objects and their cached layouts — shared by every browser
//! session and tab of that user.
//!
//! - A refresh renders from the held session: no ticket, no socket.
//! - A dropped socket is reattached with the stored proxy session cookie on an
//!   engine URL with a `/ttl/`; past the TTL the app is re-opened and the
//!   selections and pivot expansions the hub keeps are re-applied; only when the proxy says the
//!   session is gone is a new ticket requested, once per user at a time.
//! - The cookie and selections live in the [`store::Store`], so a server
//!   restart reattaches instead of logging anybody in again.
//! - One selection is one change event, sent after the new layouts are
//!   cached; changes made elsewhere are announced once per short burst.
//! - With Qlik down, each user makes at most one attempt per backoff window;
//!   the operators hear of it once, and the tabs once when it is back.

mod backoff;
mod changes;
mod config;
mod error;
mod hub;
mod metrics;
mod reachability;
mod session;
mod shared;
mod socket;
mod user;
mod view_cache;
mod watcher;

pub use changes::Change;
pub use config::{AppObjects, HubConfig, ObjectDef, SessionSource};
pub use error::{Error, Result};
pub use hub::Hub;
pub use metrics::MetricsSnapshot;
pub use reachability::is_outage;
pub use session::{EngineSession, PivotToggle};
pub use store::{EngineKey, FieldSelection, UserKey};
pub use view_cache::{SessionViews, VIEWS_KEPT, ViewCache};
