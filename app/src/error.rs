//! The one error type between the server functions and the page: each case
//! is a thing the user can be told, with the HTTP status the server answers.

use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Why a server function failed, as the page needs to know it. On the wire
/// it is `{"code": …, "message": …}` (plus the case's data), so a browser
/// without JavaScript that lands on the raw answer still reads the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(into = "Wire", from = "Wire")]
pub enum AppError {
    /// The browser session is gone (logout elsewhere, timeout): the page
    /// goes to the login page.
    #[error("Your session has ended. Please log in again.")]
    SessionEnded,
    /// Qlik cannot be reached (network, timeout, or backing off after a failure).
    #[error("Qlik Sense cannot be reached right now. Try again in a moment.")]
    QlikUnavailable,
    /// Qlik refuses another session for the user.
    #[error(
        "Qlik Sense refuses a new session: too many sessions are active for your account. Try again later."
    )]
    QlikSessionLimit,
    /// Qlik answered, but refused.
    #[error("Qlik Sense refused the request. Try again, or contact support.")]
    QlikRefused,
    /// The server's session store failed (details only in the server's log).
    #[error(
        "The server is temporarily unavailable (its session store cannot be reached). Please try again in a moment."
    )]
    StoreUnavailable,
    /// Too many failed logins: the next attempt is accepted after this wait.
    #[error("Too many failed attempts — try again in {retry_after_seconds} seconds.")]
    Throttled {
        /// The wait (also in `Retry-After`).
        retry_after_seconds: u64,
    },
    /// The object, field or page asked for is not on the user's dashboard.
    #[error("{0}")]
    NotFound(String),
    /// The request's arguments do not make sense.
    #[error("{0}")]
    BadInput(String),
    /// The answer would be larger than the server allows (a download past
    /// its row limit).
    #[error("{0}")]
    TooLarge(String),
    /// The call did not reach the server or its answer did not arrive.
    #[error("The server could not be reached. Please try again.")]
    Unreachable,
}

/// [`AppError`] as sent.
#[derive(Serialize, Deserialize)]
struct Wire {
    code: String,
    message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retry_after_seconds: Option<u64>,
}

impl From<AppError> for Wire {
    fn from(error: AppError) -> Self {
        let message = error.to_string();
        let (code, detail, retry_after_seconds) = match error {
            AppError::SessionEnded => ("SessionEnded", None, None),
            AppError::QlikUnavailable => ("QlikUnavailable", None, None),
            AppError::QlikSessionLimit => ("QlikSessionLimit", None, None),
            AppError::QlikRefused => ("QlikRefused", None, None),
            AppError::StoreUnavailable => ("StoreUnavailable", None, None),
            AppError::Throttled {
                retry_after_seconds,
            } => ("Throttled", None, Some(retry_after_seconds)),
            AppError::NotFound(detail) => ("NotFound", Some(detail), None),
            AppError::BadInput(detail) => ("BadInput", Some(detail), None),
            AppError::TooLarge(detail) => ("TooLarge", Some(detail), None),
            AppError::Unreachable => ("Unreachable", None, None),
        };
        Wire {
            code: code.to_owned(),
            message,
            detail,
            retry_after_seconds,
        }
    }
}

impl From<Wire> for AppError {
    fn from(wire: Wire) -> Self {
        let detail = || wire.detail.clone().unwrap_or_else(|| wire.message.clone());
        match wire.code.as_str() {
            "SessionEnded" => AppError::SessionEnded,
            "QlikUnavailable" => AppError::QlikUnavailable,
            "QlikSessionLimit" => AppError::QlikSessionLimit,
            "QlikRefused" => AppError::QlikRefused,
            "StoreUnavailable" => AppError::StoreUnavailable,
            "Throttled" => AppError::Throttled {
                retry_after_seconds: wire.retry_after_seconds.unwrap_or(1),
            },
            "NotFound" => AppError::NotFound(detail()),
            "BadInput" => AppError::BadInput(detail()),
            "TooLarge" => AppError::TooLarge(detail()),
            _ => AppError::Unreachable,
        }
    }
}

impl AppError {
    /// The HTTP status the server answers with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::SessionEnded => 401,
            AppError::NotFound(_) => 404,
            AppError::BadInput(_) => 400,
            AppError::TooLarge(_) => 413,
            AppError::Throttled { .. } => 429,
            AppError::QlikRefused => 502,
            AppError::QlikUnavailable
            | AppError::QlikSessionLimit
            | AppError::StoreUnavailable
            | AppError::Unreachable => 503,
        }
    }

    /// Sets this error's status on the server function's response (and
    /// `Retry-After` when throttled).
    #[cfg(feature = "ssr")]
    pub fn answered(self) -> Self {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
            && let Ok(status) = http::StatusCode::from_u16(self.status())
        {
            response.set_status(status);
            if let AppError::Throttled {
                retry_after_seconds,
            } = &self
                && let Ok(value) = http::HeaderValue::from_str(&retry_after_seconds.to_string())
            {
                response.insert_header(http::header::RETRY_AFTER, value);
            }
        }
        self
    }
}

impl FromServerFnError for AppError {
    type Encoder = crate::codec::JsonTextEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Arguments that do not parse are the caller's mistake: 400.
            ServerFnErrorErr::Args(reason) | ServerFnErrorErr::MissingArg(reason) => {
                let error = AppError::BadInput(format!("Invalid request: {reason}"));
                #[cfg(feature = "ssr")]
                let error = error.answered();
                error
            }
            _ => AppError::Unreachable,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<hub::Error> for AppError {
    fn from(error: hub::Error) -> Self {
        match error {
            hub::Error::NotLoggedIn => AppError::SessionEnded,
            hub::Error::UnknownObject(_) | hub::Error::UnknownApp(_) => {
                AppError::NotFound("This part of the dashboard does not exist.".into())
            }
            hub::Error::UnknownBookmark(_) => {
                AppError::NotFound("This bookmark does not exist (any more).".into())
            }
            hub::Error::Store(_) => AppError::StoreUnavailable,
            hub::Error::Qlik(qlik::Error::SessionLimit) => AppError::QlikSessionLimit,
            hub::Error::ProxySessionGone
            | hub::Error::Qlik(
                qlik::Error::Transport(_) | qlik::Error::Timeout | qlik::Error::ConnectionLost,
            ) => AppError::QlikUnavailable,
            hub::Error::Qlik(_) => AppError::QlikRefused,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_its_encoding() {
        for error in [
            AppError::SessionEnded,
            AppError::StoreUnavailable,
            AppError::Throttled {
                retry_after_seconds: 8,
            },
            AppError::NotFound("This table does not exist.".into()),
            AppError::BadInput("Invalid request: x".into()),
            AppError::TooLarge("At most 10 rows.".into()),
        ] {
            let wire = error.ser();
            let text = String::from_utf8_lossy(&wire).into_owned();
            assert!(
                text.contains(&error.to_string()),
                "the message is sent: {text}"
            );
            assert_eq!(AppError::de(wire), error);
        }
    }

    #[test]
    fn arguments_that_do_not_parse_are_bad_input() {
        let error = AppError::from_server_fn_error(ServerFnErrorErr::Args("values".into()));
        assert_eq!(error.status(), 400);
        assert_eq!(
            AppError::from_server_fn_error(ServerFnErrorErr::Request("down".into())),
            AppError::Unreachable
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn hub_errors_become_what_the_user_reads() {
        assert_eq!(
            AppError::from(hub::Error::NotLoggedIn),
            AppError::SessionEnded
        );
        assert_eq!(
            AppError::from(hub::Error::Store("disk full at /var/lib".into())).to_string(),
            "The server is temporarily unavailable (its session store cannot be reached). Please try again in a moment."
        );
        assert_eq!(
            AppError::from(hub::Error::Qlik(qlik::Error::Timeout)).status(),
            503
        );
    }
}
