//! Reading and writing the browser-session cookie.

use store::{BrowserSession, SessionToken};
use tower_cookies::cookie::SameSite;
use tower_cookies::{Cookie, Cookies};

use super::context::AppContext;
use crate::error::AppError;

/// The browser session the login guard already looked up for this request
/// (in the request's extensions), so a page reads the store once.
#[derive(Clone)]
pub struct LookedUp(pub SessionToken, pub BrowserSession);

/// The live browser session of a request, if its cookie names one: the one
/// the guard looked up, or else from the store. A store that cannot be read
/// is [`AppError::StoreUnavailable`] (a 503 "try again"), never "no
/// session": an outage must not look like a logout.
pub async fn current(
    ctx: &AppContext,
    cookies: &Cookies,
) -> Result<Option<(SessionToken, BrowserSession)>, AppError> {
    let Some(cookie) = cookies.get(&ctx.sessions.cookie_name) else {
        return Ok(None);
    };
    let token = SessionToken::from_cookie(cookie.value());
    if let Some(parts) = leptos::prelude::use_context::<http::request::Parts>()
        && let Some(LookedUp(known, session)) = parts.extensions.get::<LookedUp>()
        && *known == token
    {
        return Ok(Some((token, session.clone())));
    }
    lookup(ctx, token).await
}

/// Reads the browser session behind `token` from the store.
pub async fn lookup(
    ctx: &AppContext,
    token: SessionToken,
) -> Result<Option<(SessionToken, BrowserSession)>, AppError> {
    let session = ctx
        .store
        .browser_session(
            &token,
            ctx.sessions.idle_timeout,
            ctx.sessions.absolute_timeout,
        )
        .await
        .map_err(|error| {
            tracing::error!(%error, "reading the session store failed");
            AppError::StoreUnavailable
        })?;
    Ok(session.map(|session| (token, session)))
}

/// Sets the session cookie: HttpOnly, SameSite=Lax, Secure over https.
pub fn set_cookie(ctx: &AppContext, cookies: &Cookies, token: &SessionToken) {
    let mut cookie = Cookie::new(ctx.sessions.cookie_name.clone(), token.expose().to_owned());
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Lax);
    cookie.set_secure(ctx.sessions.secure);
    cookie.set_path("/");
    cookies.add(cookie);
}

/// Clears the session cookie with a cookie of the same attributes (a
/// browser ignores a `__Host-` cookie without `Secure`, deletion included).
pub fn clear_cookie(ctx: &AppContext, cookies: &Cookies) {
    let mut cookie = Cookie::from(ctx.sessions.cookie_name.clone());
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Lax);
    cookie.set_secure(ctx.sessions.secure);
    cookie.set_path("/");
    cookies.remove(cookie);
}

/// The user's held engine session on `app_id` (made or re-attached by the
/// hub); a failure is logged here and returned for the caller to phrase.
pub async fn engine(
    ctx: &AppContext,
    session: &BrowserSession,
    app_id: &str,
) -> Result<std::sync::Arc<hub::EngineSession>, hub::Error> {
    let user = &session.user;
    ctx.hub
        .session_in(app_id, &user.directory, &user.user_id, &user.attributes)
        .await
        .inspect_err(|error| {
            // Qlik away is logged once by the hub, not per request.
            if hub::is_outage(error) {
                tracing::debug!(user = ?user.user_id, %error, "engine session unavailable");
            } else {
                tracing::warn!(user = ?user.user_id, %error, "engine session unavailable");
            }
        })
}
