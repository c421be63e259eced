//! The connection: one task owns the WebSocket and the pending requests;
//! [`Connection`] is a cheap handle that sends it commands.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

use super::delta::{DELTA_METHODS, DeltaCache};
use super::handles::Global;
use super::notification::{Notification, ProxyNotice, SessionState};
use super::url::EngineUrl;
use crate::error::{Error, Result};
use crate::proxy::{CSRF_TOKEN_HEADER, SessionCookie};
use crate::qps::Ticket;
use crate::tls::{self, RootCertificates};

/// How to open an engine socket.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    url: EngineUrl,
    cookie: Option<SessionCookie>,
    ticket: Option<Ticket>,
    csrf_token: Option<String>,
    origin: Option<String>,
    headers: Vec<(String, String)>,
    root_ca: Option<RootCertificates>,
    delta: bool,
    connect_timeout: Duration,
    on_connected_timeout: Duration,
    call_timeout: Duration,
}

impl ConnectOptions {
    /// Options for `url` with no credentials, no delta, 10 s to connect, 5 s to
    /// wait for `OnConnected` (as enigma.js) and 30 s per call.
    pub fn new(url: EngineUrl) -> Self {
        Self {
            url,
            cookie: None,
            ticket: None,
            csrf_token: None,
            origin: None,
            headers: Vec::new(),
            root_ca: None,
            delta: false,
            connect_timeout: Duration::from_secs(10),
            on_connected_timeout: Duration::from_secs(5),
            call_timeout: Duration::from_secs(30),
        }
    }
    /// Authenticates with the proxy session cookie (the way to reconnect).
    pub fn cookie(mut self, cookie: SessionCookie) -> Self {
        self.cookie = Some(cookie);
        self
    }
    /// Authenticates by redeeming `ticket` on the upgrade itself (`qlikTicket=`).
    /// Such a URL cannot be reused: prefer redeeming over HTTP and [`Self::cookie`].
    pub fn ticket(mut self, ticket: Ticket) -> Self {
        self.ticket = Some(ticket);
        self
    }
    /// Sends the proxy's WebSocket CSRF token (`qlik-csrf-token`).
    pub fn csrf_token(mut self, token: impl Into<String>) -> Self {
        self.csrf_token = Some(token.into());
        self
    }
    /// Sets the `Origin` header (must be in the virtual proxy's host white list).
    pub fn origin(mut self, origin: impl Into<String>) -> Self {
        self.origin = Some(origin.into());
        self
    }
    /// Adds a header to the upgrade request.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
    /// Trusts only these roots for `wss://` (default: the web PKI roots).
    pub fn root_ca(mut self, roots: RootCertificates) -> Self {
        self.root_ca = Some(roots);
        self
    }
    /// Asks for the delta protocol on layout and data methods.
    pub fn delta(mut self, on: bool) -> Self {
        self.delta = on;
        self
    }
    /// Timeout of each call.
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = timeout;
        self
    }
    /// Timeout of the TCP/TLS/WebSocket handshake.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }
    /// The engine URL.
    pub fn url(&self) -> &EngineUrl {
        &self.url
    }

    fn request(&self) -> Result<tokio_tungstenite::tungstenite::handshake::client::Request> {
        let mut url = self.url.to_url();
        let mut query = Vec::new();
        if let Some(ticket) = &self.ticket {
            query.push(format!("qlikTicket={}", enc(ticket.expose())));
        }
        if let Some(token) = &self.csrf_token {
            query.push(format!("{CSRF_TOKEN_HEADER}={}", enc(token)));
        }
        if !query.is_empty() {
            url = format!("{url}?{}", query.join("&"));
        }
        let mut request = url
            .into_client_request()
            .map_err(|e| Error::Config(format!("engine URL: {e}")))?;
        let headers = request.headers_mut();
        let value = |v: &str| {
            HeaderValue::from_str(v).map_err(|_| Error::Config("invalid header value".into()))
        };
        if let Some(cookie) = &self.cookie {
            headers.insert("Cookie", value(&cookie.header_value())?);
        }
        if let Some(token) = &self.csrf_token {
            headers.insert(CSRF_TOKEN_HEADER, value(token)?);
        }
        if let Some(origin) = &self.origin {
            headers.insert("Origin", value(origin)?);
        }
        for (name, v) in &self.headers {
            let name =
                tokio_tungstenite::tungstenite::http::HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| Error::Config(format!("invalid header name {name:?}")))?;
            headers.insert(name, value(v)?);
        }
        Ok(request)
    }
}

fn enc(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// A handle was invalidated or released by the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandleEvent {
    /// The object's layout changed: fetch it again.
    Changed(i64),
    /// The handle was released.
    Closed(i64),
}

/// The result of [`Connection::connect`].
#[derive(Debug)]
pub struct Connected {
    /// The connection.
    pub connection: Connection,
    /// Whether the engine created a session or attached to an existing one.
    pub state: SessionState,
    /// A proxy session cookie set on the upgrade response (when a ticket was
    /// redeemed on the upgrade itself).
    pub cookie: Option<SessionCookie>,
}

enum Command {
    Call {
        id: i64,
        handle: i64,
        method: String,
        delta: bool,
        frame: String,
        reply: oneshot::Sender<Result<Value>>,
    },
    Cancel(i64),
    Close,
}

struct Shared {
    commands: mpsc::UnboundedSender<Command>,
    next_id: Arc<AtomicI64>,
    events: broadcast::Sender<HandleEvent>,
    notifications: broadcast::Sender<Notification>,
    closed: watch::Receiver<bool>,
    fatal: Arc<Mutex<Option<Error>>>,
    delta: bool,
    call_timeout: Duration,
}

/// A cheap, cloneable handle to one engine socket.
#[derive(Clone)]
pub struct Connection {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("closed", &self.is_closed())
            .finish()
    }
}

/// Read buffer of an engine socket (layouts larger than this still arrive whole).
const READ_BUFFER_BYTES: usize = 8 * 1024;

/// Handle events kept for slow listeners. A broadcast channel allocates every
/// slot up front, per socket: 256 of them were ~12 KiB of each held user's
/// memory. A selection invalidates one handle per object, so a burst fits; a
/// listener that falls further behind is told it lagged (the hub then treats
/// every object as changed).
const EVENT_BACKLOG: usize = 32;

/// Notifications kept for slow listeners (they come one at a time: the
/// greeting, authentication, a fatal notice before the socket closes).
const NOTIFICATION_BACKLOG: usize = 8;

impl Connection {
    /// Opens the socket and waits for `OnConnected` (a socket that says nothing
    /// within 5 s counts as a created session, as in enigma.js). Fatal proxy
    /// notifications during the greeting become their typed errors.
    pub async fn connect(options: ConnectOptions) -> Result<Connected> {
        let request = options.request()?;
        let connector = match &options.root_ca {
            Some(roots) => Some(tokio_tungstenite::Connector::Rustls(roots.rustls())),
            None if options.url.to_url().starts_with("wss://") => Some(
                tokio_tungstenite::Connector::Rustls(tls::rustls_client_config(None)?),
            ),
            None => None,
        };
        // A server holds thousands of these sockets, mostly idle: tungstenite's
        // default 128 KiB read buffer per socket would dominate its memory.
        let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
            .read_buffer_size(READ_BUFFER_BYTES)
            .write_buffer_size(0);
        let handshake = tokio_tungstenite::connect_async_tls_with_config(
            request,
            Some(config),
            false,
            connector,
        );
        let (socket, response) = tokio::time::timeout(options.connect_timeout, handshake)
            .await
            .map_err(|_| Error::Timeout)?
            .map_err(handshake_error)?;
        let cookie = crate::proxy::session_cookie_from_headers(response.headers());

        let (commands, command_rx) = mpsc::unbounded_channel();
        let (events, _) = broadcast::channel(EVENT_BACKLOG);
        let (notifications, _) = broadcast::channel(NOTIFICATION_BACKLOG);
        let (closed_tx, closed) = watch::channel(false);
        let (greeting_tx, greeting_rx) = oneshot::channel();
        let next_id = Arc::new(AtomicI64::new(1));
        let fatal = Arc::new(Mutex::new(None));
        let task = Task {
            socket,
            commands: command_rx,
            pending: HashMap::new(),
            deltas: DeltaCache::default(),
            next_id: next_id.clone(),
            events: events.clone(),
            notifications: notifications.clone(),
            greeting: Some(greeting_tx),
            fatal: fatal.clone(),
            closed: closed_tx,
        };
        tokio::spawn(task.run());
        let connection = Connection {
            shared: Arc::new(Shared {
                commands,
                next_id,
                events,
                notifications,
                closed,
                fatal,
                delta: options.delta,
                call_timeout: options.call_timeout,
            }),
        };
        let state = match tokio::time::timeout(options.on_connected_timeout, greeting_rx).await {
            Ok(Ok(Ok(state))) => state,
            Ok(Ok(Err(error))) => return Err(error),
            Ok(Err(_)) => return Err(connection.close_reason()),
            Err(_) => SessionState::Created,
        };
        if let SessionState::Refused(reason) = &state {
            connection.close();
            return Err(Error::SessionRefused(reason.clone()));
        }
        Ok(Connected {
            connection,
            state,
            cookie,
        })
    }

    /// The Global object (handle -1).
    pub fn global(&self) -> Global {
        Global::new(self.clone())
    }

    /// Calls `method` on `handle` with positional or named `params`; returns the
    /// `result` object. Dropping the future before the answer cancels the
    /// request on the engine (`CancelRequest`).
    pub async fn call(&self, handle: i64, method: &str, params: Value) -> Result<Value> {
        let id = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
        let delta = self.shared.delta && DELTA_METHODS.contains(&method);
        let mut frame = json!({
            "jsonrpc": "2.0", "id": id, "handle": handle, "method": method, "params": params,
        });
        if delta {
            frame["delta"] = Value::Bool(true);
        }
        let (reply, answer) = oneshot::channel();
        let command = Command::Call {
            id,
            handle,
            method: method.to_owned(),
            delta,
            frame: frame.to_string(),
            reply,
        };
        if self.shared.commands.send(command).is_err() {
            return Err(self.close_reason());
        }
        let mut guard = CancelOnDrop {
            id,
            commands: &self.shared.commands,
            armed: true,
        };
        let outcome = tokio::time::timeout(self.shared.call_timeout, answer).await;
        match outcome {
            Ok(Ok(result)) => {
                guard.armed = false;
                result
            }
            Ok(Err(_)) => {
                guard.armed = false;
                Err(self.close_reason())
            }
            Err(_) => Err(Error::Timeout),
        }
    }

    /// Changed/closed handle events (from `change` and `close` lists).
    pub fn handle_events(&self) -> broadcast::Receiver<HandleEvent> {
        self.shared.events.subscribe()
    }

    /// Notifications received after this call.
    pub fn notifications(&self) -> broadcast::Receiver<Notification> {
        self.shared.notifications.subscribe()
    }

    /// True once the socket is closed.
    pub fn is_closed(&self) -> bool {
        *self.shared.closed.borrow()
    }

    /// Waits until the socket is closed, and returns why.
    pub async fn closed(&self) -> Error {
        let mut closed = self.shared.closed.clone();
        // An Err means the task is gone, which also means closed.
        let _ = closed.wait_for(|c| *c).await;
        self.close_reason()
    }

    /// Closes the socket (normal close, 1000). The engine session lives on if
    /// its URL had a TTL or another socket is attached.
    pub fn close(&self) {
        let _ = self.shared.commands.send(Command::Close);
    }

    fn close_reason(&self) -> Error {
        self.shared
            .fatal
            .lock()
            .ok()
            .and_then(|f| f.clone())
            .unwrap_or(Error::ConnectionLost)
    }
}

struct CancelOnDrop<'a> {
    id: i64,
    commands: &'a mpsc::UnboundedSender<Command>,
    armed: bool,
}

impl Drop for CancelOnDrop<'_> {
    fn drop(&mut self) {
        if self.armed {
            let _ = self.commands.send(Command::Cancel(self.id));
        }
    }
}

fn handshake_error(error: tokio_tungstenite::tungstenite::Error) -> Error {
    use tokio_tungstenite::tungstenite::Error as WsError;
    match error {
        WsError::Http(response) => match response.status().as_u16() {
            401 | 403 => Error::AuthenticationRequired,
            404 => Error::NotFound,
            status => Error::BadResponse(format!("HTTP {status} on the engine upgrade")),
        },
        other => tls::rustls_error(&other)
            .and_then(tls::classify)
            .unwrap_or_else(|| Error::Transport(other.to_string())),
    }
}

struct Pending {
    handle: i64,
    method: String,
    delta: bool,
    reply: oneshot::Sender<Result<Value>>,
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

struct Task {
    socket: Socket,
    commands: mpsc::UnboundedReceiver<Command>,
    pending: HashMap<i64, Pending>,
    deltas: DeltaCache,
    next_id: Arc<AtomicI64>,
    events: broadcast::Sender<HandleEvent>,
    notifications: broadcast::Sender<Notification>,
    greeting: Option<oneshot::Sender<Result<SessionState>>>,
    fatal: Arc<Mutex<Option<Error>>>,
    closed: watch::Sender<bool>,
}

impl Task {
    async fn run(mut self) {
        loop {
            tokio::select! {
                command = self.commands.recv() => match command {
                    Some(Command::Call { id, handle, method, delta, frame, reply }) => {
                        if self.socket.send(Message::text(frame)).await.is_err() {
                            let _ = reply.send(Err(Error::ConnectionLost));
                            break;
                        }
                        self.pending.insert(id, Pending { handle, method, delta, reply });
                    }
                    Some(Command::Cancel(id)) => {
                        if self.pending.remove(&id).is_some() {
                            let cancel_id = self.next_id.fetch_add(1, Ordering::Relaxed);
                            let frame = json!({"jsonrpc":"2.0","id":cancel_id,"handle":-1,
                                "method":"CancelRequest","params":[id]});
                            if self.socket.send(Message::text(frame.to_string())).await.is_err() {
                                break;
                            }
                        }
                    }
                    Some(Command::Close) | None => {
                        let _ = self.socket.close(None).await;
                        break;
                    }
                },
                message = self.socket.next() => match message {
                    Some(Ok(Message::Text(text))) => self.on_text(text.as_str()),
                    Some(Ok(Message::Binary(bytes))) => {
                        if let Ok(text) = std::str::from_utf8(&bytes) {
                            self.on_text(text);
                        }
                    }
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                    Some(Ok(_)) => {}
                },
            }
        }
        self.finish();
    }

    fn on_text(&mut self, text: &str) {
        let Ok(message) = serde_json::from_str::<Value>(text) else {
            tracing::warn!(len = text.len(), "engine sent a frame that is not JSON");
            return;
        };
        // The change and close lists go out before the reply resolves: whoever
        // awaits a call can rely on its changes being published already.
        for (key, make) in [
            ("change", HandleEvent::Changed as fn(i64) -> HandleEvent),
            ("close", HandleEvent::Closed),
        ] {
            if let Some(handles) = message.get(key).and_then(Value::as_array) {
                for handle in handles.iter().filter_map(Value::as_i64) {
                    if key == "close" {
                        self.deltas.forget(handle);
                    }
                    let _ = self.events.send(make(handle));
                }
            }
        }
        if let Some(id) = message.get("id").and_then(Value::as_i64)
            && let Some(pending) = self.pending.remove(&id)
        {
            let result = self.decode_response(&message, &pending);
            let _ = pending.reply.send(result);
        }
        if message.get("id").is_none()
            && let Some(method) = message.get("method").and_then(Value::as_str)
        {
            let params = message.get("params").cloned().unwrap_or(Value::Null);
            self.on_notification(Notification::decode(method, &params));
        }
    }

    fn decode_response(&mut self, message: &Value, pending: &Pending) -> Result<Value> {
        if let Some(error) = message.get("error") {
            return Err(Error::Engine {
                code: error.get("code").and_then(Value::as_i64).unwrap_or(-1),
                message: error
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                parameter: error
                    .get("parameter")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            });
        }
        let result = message.get("result").cloned().unwrap_or(Value::Null);
        let is_delta = message.get("delta").and_then(Value::as_bool) == Some(true);
        if pending.delta && is_delta {
            self.deltas.apply(pending.handle, &pending.method, result)
        } else {
            Ok(result)
        }
    }

    fn on_notification(&mut self, notification: Notification) {
        let fatal = match &notification {
            Notification::Connected(state) => {
                if let Some(greeting) = self.greeting.take() {
                    let _ = greeting.send(Ok(state.clone()));
                }
                None
            }
            Notification::Authentication {
                must_authenticate: true,
                ..
            } => Some(Error::AuthenticationRequired),
            Notification::Fatal(ProxyNotice::MaxParallelSessionsExceeded) => {
                Some(Error::SessionLimit)
            }
            Notification::Fatal(
                notice @ (ProxyNotice::SessionTimedOut
                | ProxyNotice::SessionLoggedOut
                | ProxyNotice::SessionClosed),
            ) => Some(Error::SessionEnded(notice.clone())),
            Notification::Fatal(notice) => Some(Error::SessionRefused(notice.to_string())),
            _ => None,
        };
        if let Some(error) = fatal {
            if let Ok(mut slot) = self.fatal.lock() {
                slot.get_or_insert(error.clone());
            }
            if let Some(greeting) = self.greeting.take() {
                let _ = greeting.send(Err(error));
            }
        }
        let _ = self.notifications.send(notification);
    }

    fn finish(mut self) {
        let reason = self
            .fatal
            .lock()
            .ok()
            .and_then(|f| f.clone())
            .unwrap_or(Error::ConnectionLost);
        for (_, pending) in self.pending.drain() {
            let _ = pending.reply.send(Err(reason.clone()));
        }
        if let Some(greeting) = self.greeting.take() {
            let _ = greeting.send(Err(reason));
        }
        let _ = self.closed.send(true);
    }
}
