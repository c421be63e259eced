//! Notifications from the engine and the proxy (JSON-RPC messages without id).

use std::fmt;

use serde_json::Value;

/// The engine session's state from `OnConnected`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionState {
    /// A new engine session: nothing is open.
    Created,
    /// An existing engine session: the app and selections are still there, but
    /// handles must be fetched again.
    Attached,
    /// Any error state (`SESSION_ERROR_NO_LICENSE`, …), by name.
    Refused(String),
}

impl SessionState {
    fn parse(name: &str) -> Self {
        match name {
            "SESSION_CREATED" => SessionState::Created,
            "SESSION_ATTACHED" => SessionState::Attached,
            other => SessionState::Refused(other.to_owned()),
        }
    }
}

/// A fatal proxy notification: the proxy closes the socket after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxyNotice {
    /// `OnSessionTimedOut`: the proxy session expired from inactivity.
    SessionTimedOut,
    /// `OnSessionLoggedOut`: the user was logged out.
    SessionLoggedOut,
    /// `OnSessionClosed`: the session was closed by the server.
    SessionClosed,
    /// `OnMaxParallelSessionsExceeded`: too many parallel sessions.
    MaxParallelSessionsExceeded,
    /// `OnLicenseAccessDenied` and its variants.
    LicenseAccessDenied,
    /// Another notification with severity `fatal`.
    Other(String),
}

impl fmt::Display for ProxyNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxyNotice::SessionTimedOut => f.write_str("session timed out"),
            ProxyNotice::SessionLoggedOut => f.write_str("user logged out"),
            ProxyNotice::SessionClosed => f.write_str("session closed by the server"),
            ProxyNotice::MaxParallelSessionsExceeded => {
                f.write_str("too many sessions active in parallel")
            }
            ProxyNotice::LicenseAccessDenied => f.write_str("no license access"),
            ProxyNotice::Other(method) => write!(f, "{method}"),
        }
    }
}

/// A notification, decoded.
#[derive(Debug, Clone, PartialEq)]
pub enum Notification {
    /// `OnConnected`.
    Connected(SessionState),
    /// `OnAuthenticationInformation`.
    Authentication {
        /// True when the proxy demands authentication (then it closes).
        must_authenticate: bool,
        /// The authenticated user id, when known.
        user_id: Option<String>,
        /// The authenticated user directory, when known.
        user_directory: Option<String>,
    },
    /// A fatal proxy notification (the socket closes after it).
    Fatal(ProxyNotice),
    /// Anything else, as received.
    Other {
        /// The method name.
        method: String,
        /// The parameters.
        params: Value,
    },
}

impl Notification {
    /// Decodes a notification from its method and params.
    pub fn decode(method: &str, params: &Value) -> Self {
        let text = |key: &str| params.get(key).and_then(Value::as_str).map(str::to_owned);
        let fatal = params.get("severity").and_then(Value::as_str) == Some("fatal");
        match method {
            "OnConnected" => Notification::Connected(SessionState::parse(
                params
                    .get("qSessionState")
                    .and_then(Value::as_str)
                    .unwrap_or("SESSION_CREATED"),
            )),
            "OnAuthenticationInformation" => Notification::Authentication {
                must_authenticate: params
                    .get("mustAuthenticate")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                user_id: text("userId"),
                user_directory: text("userDirectory"),
            },
            "OnSessionTimedOut" => Notification::Fatal(ProxyNotice::SessionTimedOut),
            "OnSessionLoggedOut" => Notification::Fatal(ProxyNotice::SessionLoggedOut),
            "OnSessionClosed" => Notification::Fatal(ProxyNotice::SessionClosed),
            "OnMaxParallelSessionsExceeded" => {
                Notification::Fatal(ProxyNotice::MaxParallelSessionsExceeded)
            }
            m if m.starts_with("OnLicenseAccessDenied") => {
                Notification::Fatal(ProxyNotice::LicenseAccessDenied)
            }
            m if fatal => Notification::Fatal(ProxyNotice::Other(m.to_owned())),
            m => Notification::Other {
                method: m.to_owned(),
                params: params.clone(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_the_notifications_qlik_sends() {
        assert_eq!(
            Notification::decode("OnConnected", &json!({"qSessionState":"SESSION_ATTACHED"})),
            Notification::Connected(SessionState::Attached)
        );
        assert_eq!(
            Notification::decode(
                "OnConnected",
                &json!({"qSessionState":"SESSION_ERROR_NO_LICENSE"})
            ),
            Notification::Connected(SessionState::Refused("SESSION_ERROR_NO_LICENSE".into()))
        );
        assert_eq!(
            Notification::decode(
                "OnMaxParallelSessionsExceeded",
                &json!({"severity":"fatal","message":"…"})
            ),
            Notification::Fatal(ProxyNotice::MaxParallelSessionsExceeded)
        );
        assert_eq!(
            Notification::decode("OnNoEngineAvailable", &json!({"severity":"fatal"})),
            Notification::Fatal(ProxyNotice::Other("OnNoEngineAvailable".into()))
        );
        assert!(matches!(
            Notification::decode(
                "OnAuthenticationInformation",
                &json!({"mustAuthenticate": true, "loginUri": "x"})
            ),
            Notification::Authentication {
                must_authenticate: true,
                ..
            }
        ));
    }
}
