//! The login policy of qlik-mashup, independent of the web framework: how
//! often a username or a client address may fail before it has to wait.

mod throttle;

pub use throttle::{Throttle, ThrottleConfig, Throttled};
