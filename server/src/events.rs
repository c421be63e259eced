//! `/api/events`: the user's change events as server-sent events. Each tab
//! holds one stream; a selection anywhere (this tab, another tab, another
//! device) reaches every stream of the user. Events carry no Qlik data, only
//! the word `change`: the page then reloads its view through a server function.

use std::convert::Infallible;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use app::error::AppError;
use app::server::{AppContext, sessions};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::{Stream, StreamExt};
use store::SessionToken;
use tokio::sync::broadcast::{self, error::RecvError};
use tower_cookies::Cookies;

/// Where the stream is served (the page's live channel opens it).
pub const PATH: &str = app::dashboard::components::live::EVENTS_PATH;
/// How often an idle stream sends a comment (keeps proxies from closing it).
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// The last event of a stream that a newer one of the same user replaced.
const REPLACED: &str = app::dashboard::components::live::REPLACED;
/// What the browser waits before reconnecting a dropped stream.
const RETRY: Duration = Duration::from_secs(1);

/// Which page's events (`?page=name`; absent: the home page's).
#[derive(Debug, serde::Deserialize)]
pub struct EventsQuery {
    /// The page's name.
    pub page: Option<String>,
}

/// Streams the logged-in user's change events on the page's app; 401
/// without a session, 404 for a page that does not exist. The
/// stream ends when its browser session does: logout or a new login (the
/// registry ends it at once), idle or absolute timeout (a timer here), or
/// server shutdown. It is not a use of the session.
pub async fn stream(ctx: AppContext, cookies: Cookies, query: EventsQuery) -> Response {
    let (token, session) = match sessions::current(&ctx, &cookies).await {
        Ok(Some(found)) => found,
        Ok(None) => {
            return (StatusCode::UNAUTHORIZED, AppError::SessionEnded.to_string()).into_response();
        }
        Err(error) => return crate::error::store_unavailable(&error),
    };
    let Some(page) = ctx.pages.get(query.page.as_deref()) else {
        return (StatusCode::NOT_FOUND, "This page does not exist.").into_response();
    };
    let user = &session.user;
    let engine = match sessions::engine(&ctx, &session, &page.config.app_id).await {
        Ok(engine) => engine,
        // Qlik away: the tab shows a kept view and hears when it is back.
        Err(error) if hub::is_outage(&error) => match ctx.hub.waiting_session_in(
            &page.config.app_id,
            &user.directory,
            &user.user_id,
            &user.attributes,
        ) {
            Ok(engine) => engine,
            Err(error) => {
                let error = AppError::from(error);
                let status =
                    StatusCode::from_u16(error.status()).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
                return (status, error.to_string()).into_response();
            }
        },
        Err(error) => {
            let error = AppError::from(error);
            let status =
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            return (status, error.to_string()).into_response();
        }
    };
    let changes = engine.subscribe();
    drop(engine);
    let handle = std::sync::Arc::new(ctx.streams.open(
        &session.user.directory,
        &session.user.user_id,
        &token,
    ));
    let watched = handle.clone();
    let end = async move {
        tokio::select! {
            _ = watched.ended() => {}
            _ = session_end(&ctx, &token) => {}
        }
    };
    // A stream replaced by a newer tab's says so last: that tab then stops
    // reconnecting (otherwise the user's tabs would take turns forever).
    let last_word = futures::stream::once(async move {
        handle
            .was_replaced()
            .then(|| Ok(Event::default().data(REPLACED)))
    })
    .filter_map(std::future::ready);
    let mut response = Sse::new(
        change_events(changes)
            .take_until(Box::pin(end))
            .chain(last_word),
    )
    .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
    .into_response();
    // nginx (and proxies that honour it) pass each event on at once, even
    // without the README's events block turning buffering off.
    response.headers_mut().insert(
        "x-accel-buffering",
        axum::http::HeaderValue::from_static("no"),
    );
    response
}

/// Resolves when the browser session behind `token` has timed out (idle or
/// absolute), checking the store only when its end is due.
async fn session_end(ctx: &AppContext, token: &SessionToken) {
    let settings = &ctx.sessions;
    loop {
        let end = ctx
            .store
            .browser_session_end(token, settings.idle_timeout, settings.absolute_timeout)
            .await;
        let end_at = match end {
            Ok(Some(end_at)) => end_at,
            Ok(None) => return,
            Err(error) => {
                tracing::warn!(%error, "reading the session store failed; ending the stream");
                return;
            }
        };
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis() as i64;
        let wait = (end_at * 1000 - now).max(0) as u64;
        tokio::time::sleep(Duration::from_millis(wait)).await;
    }
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
