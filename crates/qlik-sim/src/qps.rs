//! The QPS REST API (Qlik's trusted port, 4243): tickets, sessions, users,
//! with the Xrfkey rule. Plus sim-only test controls under `/sim/` (not Qlik).

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Request, State as AxumState};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use crate::state::{RedeemError, State, User};

/// Qlik's answer when the Xrfkey rule is broken.
pub(crate) const XSRF_MESSAGE: &str = "XSRF prevention check failed. Possible XSRF discovered.";

type Shared = AxumState<Arc<State>>;

/// The QPS router.
pub(crate) fn router(state: Arc<State>) -> Router {
    let base = if state.config.virtual_proxy.is_empty() {
        "/qps".to_owned()
    } else {
        format!("/qps/{}", state.config.virtual_proxy)
    };
    let api = Router::new()
        .route(&format!("{base}/ticket"), post(add_ticket))
        .route(&format!("{base}/session"), post(add_session))
        .route(
            &format!("{base}/session/{{id}}"),
            get(get_session).delete(delete_session),
        )
        .route(
            &format!("{base}/user/{{directory}}/{{id}}"),
            get(get_user).delete(delete_user),
        )
        .layer(middleware::from_fn(xrfkey));
    Router::new()
        .merge(api)
        .route("/sim/stats", get(stats))
        .route("/sim/drop-sockets/{directory}/{id}", post(drop_sockets))
        .route("/sim/delay/{ms}", post(delay))
        .route("/sim/pause/{ms}", post(pause))
        .with_state(state)
}

/// The Xrfkey rule: 16 characters `[0-9a-zA-Z]` in the `Xrfkey` query
/// parameter (any case) and the same in the `X-Qlik-Xrfkey` header.
async fn xrfkey(request: Request, next: Next) -> Response {
    let from_query = request.uri().query().and_then(|q| {
        q.split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(name, _)| name.eq_ignore_ascii_case("xrfkey"))
            .map(|(_, value)| value.to_owned())
    });
    let from_header = request
        .headers()
        .get("x-qlik-xrfkey")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let valid = match (from_query, from_header) {
        (Some(q), Some(h)) => {
            q == h && q.len() == 16 && q.chars().all(|c| c.is_ascii_alphanumeric())
        }
        _ => false,
    };
    if valid {
        next.run(request).await
    } else {
        (StatusCode::FORBIDDEN, XSRF_MESSAGE).into_response()
    }
}

/// A request QPS refuses with 400 and this message.
struct BadRequest(String);

impl IntoResponse for BadRequest {
    fn into_response(self) -> Response {
        (StatusCode::BAD_REQUEST, self.0).into_response()
    }
}

fn bad_request(message: &str) -> BadRequest {
    BadRequest(message.to_owned())
}

/// A field of a JSON object, by name in any case (QPS accepts both spellings).
fn field<'a>(body: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    body.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// The user of a ticket or session request, by Qlik's rules: not blank after
/// trimming, no backslash.
fn user_of(body: &Map<String, Value>) -> Result<User, BadRequest> {
    let text = |name: &str| {
        field(body, name)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty() && !s.contains('\\'))
            .map(str::to_owned)
            .ok_or_else(|| bad_request(&format!("Invalid {name}")))
    };
    Ok(User {
        directory: text("UserDirectory")?,
        id: text("UserId")?,
    })
}

fn attributes_of(body: &Map<String, Value>) -> Result<Vec<Value>, BadRequest> {
    match field(body, "Attributes") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) if items.iter().all(Value::is_object) => Ok(items.clone()),
        Some(_) => Err(bad_request("Invalid Attributes")),
    }
}

fn body_object(body: &[u8]) -> Result<Map<String, Value>, BadRequest> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(bad_request("Invalid request body")),
    }
}

async fn add_ticket(AxumState(state): Shared, body: axum::body::Bytes) -> Response {
    let parsed = body_object(&body).and_then(|body| {
        Ok((
            user_of(&body)?,
            attributes_of(&body)?,
            field(&body, "TargetId").cloned(),
        ))
    });
    let (user, attributes, target) = match parsed {
        Ok(parts) => parts,
        Err(error) => return error.into_response(),
    };
    let ticket = state.issue_ticket(user.clone(), attributes.clone());
    let body = json!({
        "UserDirectory": user.directory, "UserId": user.id, "Attributes": attributes,
        "Ticket": ticket, "TargetUri": if target.is_some() { Value::String("/hub/".into()) } else { Value::Null },
    });
    (StatusCode::CREATED, Json(body)).into_response()
}

async fn add_session(AxumState(state): Shared, body: axum::body::Bytes) -> Response {
    let parsed = body_object(&body).and_then(|body| {
        let id = field(&body, "SessionId")
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
            .ok_or_else(|| bad_request("Invalid SessionId"))?;
        Ok((user_of(&body)?, attributes_of(&body)?, id))
    });
    let (user, attributes, id) = match parsed {
        Ok(parts) => parts,
        Err(error) => return error.into_response(),
    };
    match state.add_session(user, attributes, id) {
        Ok((session, new_user)) => {
            let mut body = session.to_json();
            body["NewUser"] = Value::Bool(new_user);
            (StatusCode::CREATED, Json(body)).into_response()
        }
        Err(RedeemError::Limit | RedeemError::Invalid) => (
            StatusCode::FORBIDDEN,
            "You cannot access Qlik Sense because you have too many sessions active in parallel.",
        )
            .into_response(),
    }
}

async fn get_session(AxumState(state): Shared, Path(id): Path<String>) -> Response {
    match state.session(&id) {
        Some(session) => Json(session.to_json()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn delete_session(AxumState(state): Shared, Path(id): Path<String>) -> Response {
    match state.delete_session(&id) {
        Some(session) => Json(session.to_json()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn get_user(
    AxumState(state): Shared,
    Path((directory, id)): Path<(String, String)>,
) -> Response {
    let sessions = state.user_sessions(&User { directory, id });
    Json(sessions.iter().map(|s| s.to_json()).collect::<Vec<_>>()).into_response()
}

async fn delete_user(
    AxumState(state): Shared,
    Path((directory, id)): Path<(String, String)>,
) -> Response {
    let removed = state.delete_user(&User { directory, id });
    Json(removed.iter().map(|s| s.to_json()).collect::<Vec<_>>()).into_response()
}

async fn stats(AxumState(state): Shared) -> Response {
    Json(state.stats()).into_response()
}

async fn drop_sockets(
    AxumState(state): Shared,
    Path((directory, id)): Path<(String, String)>,
) -> Response {
    let dropped = state.drop_user_sockets(&User { directory, id });
    Json(json!({"dropped": dropped})).into_response()
}

/// `POST /sim/delay/{ms}`: every engine answer leaves `ms` after its request.
async fn delay(AxumState(state): Shared, Path(ms): Path<u64>) -> Response {
    state.outage.set_delay(std::time::Duration::from_millis(ms));
    Json(json!({"delayMs": ms})).into_response()
}

/// `POST /sim/pause/{ms}`: every listener refuses connections for `ms` and
/// the engine sockets drop; sessions are kept. The answer leaves first.
async fn pause(AxumState(state): Shared, Path(ms): Path<u64>) -> Response {
    let dropped = state.pause(std::time::Duration::from_millis(ms));
    Json(json!({"pausedMs": ms, "dropped": dropped})).into_response()
}
