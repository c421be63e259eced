//! The login policy of qlik-mashup, independent of the web framework: the
//! [`Authenticator`] seam to the directory, and how often a username or a
//! client address may fail before it has to wait ([`Throttle`]).

mod authenticator;
mod login_throttle;
mod throttle;

pub use authenticator::{AuthError, Authenticator, BoxFuture, Identity};
pub use login_throttle::{Attempt, LoginThrottle, Refused, SharedAttempt};
pub use throttle::{Reservation, Throttle, ThrottleConfig, Throttled};
