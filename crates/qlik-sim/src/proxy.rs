//! The proxy: pages and engine WebSockets under the virtual-proxy prefix,
//! authenticated by a ticket (redeemed into a session cookie) or the cookie.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State as AxumState};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Json, Response};
use axum::routing::get;
use serde_json::json;

use crate::engine::{self, SocketContext};
use crate::state::{ProxySession, RedeemError, State};

/// Qlik's words when the parallel-session limit is reached.
pub(crate) const TOO_MANY_SESSIONS: &str =
    "You cannot access Qlik Sense because you have too many sessions active in parallel.";

type Shared = AxumState<Arc<State>>;

/// The proxy router.
pub(crate) fn router(state: Arc<State>) -> Router {
    let prefix = state.config.path_prefix();
    Router::new()
        .route(&format!("{prefix}/app/{{*rest}}"), get(engine_socket))
        .route(&format!("{prefix}/qps/csrftoken"), get(csrf_token))
        .fallback(page)
        .with_state(state)
}

/// How a request authenticated.
enum Auth {
    /// An existing session (cookie).
    Session(ProxySession),
    /// A ticket redeemed into this new session: set its cookie.
    Redeemed(ProxySession),
    /// The ticket was valid but the user has too many sessions.
    Limit,
    /// No (valid) ticket, no (valid) cookie.
    None,
}

fn query_value(uri: &Uri, name: &str) -> Option<String> {
    uri.query()?.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        key.eq_ignore_ascii_case(name).then(|| value.to_owned())
    })
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

fn authenticate(state: &State, uri: &Uri, headers: &HeaderMap) -> Auth {
    if let Some(ticket) = query_value(uri, "qlikTicket") {
        return match state.redeem_ticket(&ticket) {
            Ok(session) => Auth::Redeemed(session),
            Err(RedeemError::Limit) => Auth::Limit,
            Err(RedeemError::Invalid) => Auth::None,
        };
    }
    match cookie_value(headers, &state.config.cookie_name()).and_then(|id| state.touch(&id)) {
        Some(session) => Auth::Session(session),
        None => Auth::None,
    }
}

fn set_cookie(state: &State, response: &mut Response, session: &ProxySession) {
    let secure = if state.config.tls.is_some() {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{}={}; Path=/; HttpOnly; SameSite=Lax{secure}",
        state.config.cookie_name(),
        session.id
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

fn login_redirect(state: &State, uri: &Uri) -> Response {
    let target = uri.path();
    let location = format!(
        "{}/internal_forms_authentication/?targetId={}",
        state.config.path_prefix(),
        target
    );
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

/// Any other page under the prefix (the hub, resources): 200 when authenticated.
async fn page(AxumState(state): Shared, uri: Uri, headers: HeaderMap) -> Response {
    let prefix = state.config.path_prefix();
    let under_prefix =
        prefix.is_empty() || uri.path() == prefix || uri.path().starts_with(&format!("{prefix}/"));
    if !under_prefix {
        return StatusCode::NOT_FOUND.into_response();
    }
    match authenticate(&state, &uri, &headers) {
        Auth::Session(_) => {
            Html("<!doctype html><title>Qlik Sense hub</title><p>qlik-sim</p>").into_response()
        }
        Auth::Redeemed(session) => {
            let mut response =
                Html("<!doctype html><title>Qlik Sense hub</title><p>qlik-sim</p>").into_response();
            set_cookie(&state, &mut response, &session);
            response
        }
        Auth::Limit => (
            StatusCode::FORBIDDEN,
            Html(format!(
                "<!doctype html><title>Qlik Sense</title><p>{TOO_MANY_SESSIONS}</p>"
            )),
        )
            .into_response(),
        Auth::None => login_redirect(&state, &uri),
    }
}

/// `GET /{prefix}/qps/csrftoken`: the token WebSocket upgrades must carry.
async fn csrf_token(AxumState(state): Shared, headers: HeaderMap) -> Response {
    let session =
        cookie_value(&headers, &state.config.cookie_name()).and_then(|id| state.touch(&id));
    match session {
        Some(session) => {
            let token = state.csrf_token(&session.id);
            let mut response = Json(json!({"token": token})).into_response();
            if let Ok(value) = HeaderValue::from_str(&token) {
                response.headers_mut().insert("qlik-csrf-token", value);
            }
            response
        }
        None => StatusCode::UNAUTHORIZED.into_response(),
    }
}

/// The engine URL's tail: `{appId}[/identity/{id}][/ttl/{seconds}]`.
fn parse_engine_path(rest: &str) -> Option<(String, String, Duration)> {
    let mut segments = rest.split('/').filter(|s| !s.is_empty());
    let app = segments.next()?.to_owned();
    let (mut identity, mut ttl) = (String::new(), Duration::ZERO);
    while let Some(name) = segments.next() {
        let value = segments.next()?;
        match name {
            "identity" => identity = value.to_owned(),
            "ttl" => ttl = Duration::from_secs(value.parse().ok()?),
            _ => return None,
        }
    }
    Some((app, identity, ttl))
}

/// Sends a proxy notification on a fresh socket, then closes it.
async fn refuse(mut socket: WebSocket, method: &'static str, params: serde_json::Value) {
    let frame = json!({"jsonrpc": "2.0", "method": method, "params": params});
    let _ = socket.send(Message::text(frame.to_string())).await;
    let _ = socket.send(Message::Close(None)).await;
}

async fn engine_socket(
    AxumState(state): Shared,
    Path(rest): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let Some((app, identity, ttl)) = parse_engine_path(&rest) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let auth = authenticate(&state, &uri, &headers);
    let session = match auth {
        Auth::Session(session) => session,
        Auth::Redeemed(session) => {
            let mut response = accept(upgrade, state.clone(), session.clone(), app, identity, ttl);
            set_cookie(&state, &mut response, &session);
            return response;
        }
        Auth::Limit => {
            return upgrade.on_upgrade(|socket| {
                refuse(
                    socket,
                    "OnMaxParallelSessionsExceeded",
                    json!({
                        "severity": "fatal", "message": TOO_MANY_SESSIONS,
                    }),
                )
            });
        }
        Auth::None => {
            let login = format!(
                "{}/internal_forms_authentication/",
                state.config.path_prefix()
            );
            return upgrade.on_upgrade(move |socket| {
                refuse(
                    socket,
                    "OnAuthenticationInformation",
                    json!({
                        "loginUri": login, "mustAuthenticate": true,
                    }),
                )
            });
        }
    };
    if state.config.ws_csrf {
        let token = query_value(&uri, "qlik-csrf-token").or_else(|| {
            headers
                .get("qlik-csrf-token")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        });
        if !token.is_some_and(|t| state.csrf_ok(&session.id, &t)) {
            return (StatusCode::FORBIDDEN, "Missing or invalid qlik-csrf-token").into_response();
        }
    }
    accept(upgrade, state, session, app, identity, ttl)
}

fn accept(
    upgrade: WebSocketUpgrade,
    state: Arc<State>,
    session: ProxySession,
    app: String,
    identity: String,
    ttl: Duration,
) -> Response {
    upgrade.on_upgrade(move |socket| {
        engine::serve(
            socket,
            state,
            SocketContext {
                session,
                app,
                identity,
                ttl,
            },
        )
    })
}

#[cfg(test)]
mod tests {
    use super::parse_engine_path;
    use std::time::Duration;

    #[test]
    fn engine_paths() {
        assert_eq!(
            parse_engine_path("abc/identity/u1/ttl/30"),
            Some(("abc".into(), "u1".into(), Duration::from_secs(30)))
        );
        assert_eq!(
            parse_engine_path("engineData"),
            Some(("engineData".into(), String::new(), Duration::ZERO))
        );
        assert_eq!(parse_engine_path("abc/ttl/x"), None);
        assert_eq!(parse_engine_path("abc/other/1"), None);
        assert_eq!(parse_engine_path(""), None);
    }
}
