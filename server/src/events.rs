//! `/api/events`: the user's change events as server-sent events. Each tab
//! holds one stream; a selection anywhere (this tab, another tab, another
//! device) reaches every stream of the user. Events carry no Qlik data, only
//! the word `change`: the page then reloads its view through a server function.

use std::convert::Infallible;
use std::time::Duration;

use app::server::{AppContext, sessions};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::{Stream, StreamExt};
use tokio::sync::broadcast::{self, error::RecvError};
use tower_cookies::Cookies;

/// Where the stream is served (the page's live channel opens it).
pub const PATH: &str = app::dashboard::components::live::EVENTS_PATH;
/// How often an idle stream sends a comment (keeps proxies from closing it).
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// What the browser waits before reconnecting a dropped stream.
const RETRY: Duration = Duration::from_secs(1);

/// Streams the logged-in user's change events; 401 without a session.
pub async fn stream(ctx: AppContext, cookies: Cookies) -> Response {
    let Some((_, session)) = sessions::current(&ctx, &cookies).await else {
        return (StatusCode::UNAUTHORIZED, "Please log in again.").into_response();
    };
    let engine = match sessions::engine(&ctx, &session).await {
        Ok(engine) => engine,
        Err(error) => {
            return (StatusCode::SERVICE_UNAVAILABLE, error.user_message()).into_response();
        }
    };
    // Only the receiver is kept: when the hub drops the engine session (idle
    // eviction, logout) the stream ends and the browser reconnects.
    let changes = engine.subscribe();
    drop(engine);
    Sse::new(change_events(changes))
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response()
}

/// One `change` event per change (several missed ones collapse into one).
fn change_events<T: Clone>(
    changes: broadcast::Receiver<T>,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let first = Event::default().retry(RETRY).comment("connected");
    futures::stream::once(async move { Ok::<_, Infallible>(first) }).chain(futures::stream::unfold(
        changes,
        |mut changes| async move {
            match changes.recv().await {
                Ok(_) | Err(RecvError::Lagged(_)) => {
                    Some((Ok(Event::default().data("change")), changes))
                }
                Err(RecvError::Closed) => None,
            }
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn changes_become_events_and_the_stream_ends_with_the_session() {
        let (sender, receiver) = broadcast::channel(4);
        let mut events = Box::pin(change_events(receiver));
        assert!(events.next().await.is_some(), "the greeting comes first");
        sender.send(1).expect("a receiver exists");
        for n in 0..6 {
            let _ = sender.send(n);
        }
        assert!(
            events.next().await.is_some(),
            "a lagging receiver still sees a change"
        );
        drop(sender);
        let mut rest = 0;
        while events.next().await.is_some() {
            rest += 1;
        }
        assert!(rest <= 4, "the stream ends once the sender is gone");
    }
}
