//! One engine WebSocket: greeting, request loop, proxy signals.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::bookmarks::list_handles;
use super::delayed::Delayed;
use super::methods::{Call, Handles, dispatch};
use super::rpc::{DeltaCache, Request, error_frame, notification, result_frame};
use crate::state::{EngineKey, ProxySession, SocketSignal, State};

/// Who opened the socket, and on which engine URL.
pub(crate) struct SocketContext {
    pub session: ProxySession,
    pub app: String,
    pub identity: String,
    pub ttl: Duration,
}

fn timestamp() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!("{}", now.as_secs())
}

/// Serves an authenticated engine socket until it closes.
pub(crate) async fn serve(socket: WebSocket, state: Arc<State>, ctx: SocketContext) {
    let user = ctx.session.user.clone();
    let key = EngineKey::new(&user, &ctx.app, &ctx.identity);
    let (data, attached) = state.attach_engine(&key, ctx.ttl);
    let (signal_tx, mut signals) = mpsc::unbounded_channel();
    let socket_id = state.add_socket(&ctx.session, signal_tx);
    let (mut others, mut objects) = {
        let data = data.lock().await;
        (data.changes.subscribe(), data.object_changes.subscribe())
    };
    let mut bookmarks = state.bookmarks.subscribe();
    let (mut sink, mut stream) = socket.split();

    let greeting = notification(
        "OnConnected",
        json!({"qSessionState": if attached { "SESSION_ATTACHED" } else { "SESSION_CREATED" }}),
    );
    let mut open = sink.send(Message::text(greeting.to_string())).await.is_ok();
    let mut handles = Handles::default();
    let mut deltas = DeltaCache::default();
    let mut greeted_auth = false;
    let mut delayed = Delayed::default();
    while open {
        let due = delayed.next_due();
        tokio::select! {
            // Answers held back by the `delay` test control.
            _ = tokio::time::sleep_until(due.unwrap_or_else(tokio::time::Instant::now)), if due.is_some() => {
                for frame in delayed.take_due(tokio::time::Instant::now()) {
                    if sink.send(Message::text(frame.to_string())).await.is_err() {
                        open = false;
                        break;
                    }
                }
            }
            // Selections changed on another socket of this engine session:
            // tell this one which of its objects changed.
            origin = others.recv() => {
                if matches!(origin, Ok(id) if id != socket_id) || matches!(origin, Err(tokio::sync::broadcast::error::RecvError::Lagged(_))) {
                    let change = handles.objects();
                    if !change.is_empty() {
                        let frame = json!({"jsonrpc": "2.0", "change": change});
                        open = sink.send(Message::text(frame.to_string())).await.is_ok();
                    }
                }
            }
            // Objects changed on another socket of this engine session (a
            // pivot expanded): tell this one, if it holds them.
            changed = objects.recv() => {
                let ids = match changed {
                    Ok((origin, ids)) if origin != socket_id => Some(ids),
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Closed) => None,
                    // Missed some: every object may have changed.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        Some(handles.objects_with_ids().into_iter().map(|(_, id)| id).collect())
                    }
                };
                let change = object_handles(&handles, &ids.unwrap_or_default());
                if !change.is_empty() {
                    let frame = json!({"jsonrpc": "2.0", "change": change});
                    open = sink.send(Message::text(frame.to_string())).await.is_ok();
                }
            }
            // The user's bookmarks of the open app changed through another
            // socket (of any engine session): its bookmark lists changed.
            changed = bookmarks.recv() => {
                let ours = match &changed {
                    Ok(c) => c.socket != socket_id && c.owner == user.key(),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => true,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => false,
                };
                if ours {
                    let data = data.lock().await;
                    let same_app = match (&changed, &data.app) {
                        (Ok(c), Some(app)) => c.app == app.id,
                        (Ok(_), None) => false,
                        (Err(_), _) => true,
                    };
                    let change = if same_app { list_handles(&handles, &data) } else { Vec::new() };
                    drop(data);
                    if !change.is_empty() {
                        let frame = json!({"jsonrpc": "2.0", "change": change});
                        open = sink.send(Message::text(frame.to_string())).await.is_ok();
                    }
                }
            }
            signal = signals.recv() => match signal {
                Some(SocketSignal::Fatal { method, message }) => {
                    let notice = notification(method, json!({
                        "severity": "fatal", "timestamp": timestamp(), "message": message,
                    }));
                    let _ = sink.send(Message::text(notice.to_string())).await;
                    let _ = sink.send(Message::Close(None)).await;
                    open = false;
                }
                // A network failure: the socket just goes away.
                Some(SocketSignal::Drop) | None => open = false,
            },
            frame = stream.next() => {
                let text = match frame {
                    Some(Ok(Message::Text(text))) => text.to_string(),
                    Some(Ok(Message::Binary(bytes))) => String::from_utf8_lossy(&bytes).into_owned(),
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                    Some(Ok(_)) => continue,
                };
                // Engine traffic counts as activity for the proxy session.
                state.touch(&ctx.session.id);
                let mut out: Vec<Value> = Vec::new();
                if !greeted_auth {
                    greeted_auth = true;
                    out.push(notification("OnAuthenticationInformation", json!({
                        "userId": user.id, "userDirectory": user.directory,
                        "logoutUri": format!("{}/qps/user", state.config.path_prefix()),
                        "mustAuthenticate": false,
                    })));
                }
                match Request::decode(&text) {
                    Err((id, error)) => out.push(error_frame(id.as_ref(), &error)),
                    Ok(request) => {
                        state.count_call(&request.method);
                        if request.method == "CancelRequest"
                            && let Some(id) = request.params.get(0)
                        {
                            delayed.cancel(id);
                        }
                        let (result, change) = {
                            let mut data = data.lock().await;
                            let outcome = dispatch(Call {
                                request: &request,
                                user: &user,
                                catalog: &state.catalog,
                                bookmarks: &state.bookmarks,
                                data: &mut data,
                                handles: &mut handles,
                            });
                            // The handles whose layouts the call changed.
                            let mut change = Vec::new();
                            if let Ok(o) = &outcome {
                                if o.selections_changed {
                                    let _ = data.changes.send(socket_id);
                                    change = handles.objects();
                                } else if o.bookmarks_changed {
                                    change = list_handles(&handles, &data);
                                } else if !o.objects_changed.is_empty() {
                                    let _ = data.object_changes.send((socket_id, o.objects_changed.clone()));
                                    change = object_handles(&handles, &o.objects_changed);
                                }
                                if let (true, Some(app)) = (o.bookmarks_changed, &data.app) {
                                    state.bookmarks.announce(&app.id, &user, socket_id);
                                }
                            }
                            (outcome, change)
                        };
                        // A request without id is a notification: no answer.
                        if let Some(id) = &request.id {
                            out.push(match result {
                                Ok(outcome) => {
                                    for handle in &outcome.closed {
                                        deltas.forget(*handle);
                                    }
                                    let value = if request.delta {
                                        deltas.encode(request.handle, &request.method, outcome.result)
                                    } else {
                                        outcome.result
                                    };
                                    result_frame(id, value, request.delta, &change, &outcome.closed)
                                }
                                Err(error) => error_frame(Some(id), &error),
                            });
                        }
                    }
                }
                let delay = state.outage.delay();
                if !delay.is_zero() || !delayed.is_empty() {
                    delayed.push(tokio::time::Instant::now() + delay, out);
                    continue;
                }
                for frame in out {
                    if sink.send(Message::text(frame.to_string())).await.is_err() {
                        open = false;
                        break;
                    }
                }
            }
        }
    }
    state.remove_socket(socket_id);
    state.detach_engine(&key);
}

/// This socket's handles on the objects `ids`.
fn object_handles(handles: &Handles, ids: &[String]) -> Vec<i64> {
    handles
        .objects_with_ids()
        .into_iter()
        .filter(|(_, id)| ids.contains(id))
        .map(|(handle, _)| handle)
        .collect()
}
