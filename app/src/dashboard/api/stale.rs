//! `load_dashboard` when Qlik is away or slow. The live view is computed in
//! a task of its own; when Qlik cannot be reached, or its layouts do not
//! come within `qlik.request_timeout`, the user's last view of the page kept
//! in the store is served instead, marked with a banner (and never kept in
//! the page cache). A slow computation goes on in the background: when it
//! ends the user's tabs get one change event and reload to live data; when
//! no tab waits for it any more it is dropped, which cancels its engine
//! calls (`CancelRequest`). Without a kept view, an unreachable Qlik is the
//! error page, and a slow one is waited for.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::task::JoinHandle;

use super::DashboardView;
use super::server::{self, OnPage};
use super::view::live_view;
use crate::dashboard::pages::Page;
use crate::dashboard::stale::{STALE_HEADER, StaleNotice, StaleReason, selections_text};
use crate::error::AppError;
use crate::server::{AppContext, sessions};

/// How often a background computation checks that a tab still waits.
const WATCH: Duration = Duration::from_millis(250);
/// How long a served stale page's tab has to open its event stream before
/// nobody is taken to wait for the background computation.
const GRACE: Duration = Duration::from_secs(5);

type Slot = Arc<OnceLock<Arc<hub::EngineSession>>>;

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Failures that mean Qlik is away (rather than the user's mistake).
fn qlik_away(error: &AppError) -> bool {
    matches!(error, AppError::QlikUnavailable | AppError::QlikRefused)
}

/// The page's view: live, or the kept one when Qlik is away or slow.
pub(super) async fn load(page: Option<String>) -> Result<DashboardView, AppError> {
    let ctx = server::context()?;
    let page = ctx
        .pages
        .get(page.as_deref())
        .ok_or_else(|| AppError::NotFound("This page does not exist.".into()))?;
    let session = server::browser_session(&ctx).await?;
    let user = store::UserKey::new(&session.user.directory, &session.user.user_id);
    let slot = Slot::default();
    let mut work = tokio::spawn(live(ctx.clone(), page.clone(), session, slot.clone()));
    let deadline = ctx.staleness.request_timeout;
    match tokio::time::timeout(deadline, &mut work).await {
        Ok(joined) => match finished(joined) {
            Err(error) if qlik_away(&error) => kept(&ctx, &user, &page, StaleReason::Unreachable)
                .await
                .ok_or(error),
            other => other,
        },
        Err(_) => {
            ctx.staleness.missed_deadline();
            match kept(&ctx, &user, &page, StaleReason::Slow).await {
                Some(view) => {
                    follow(work, slot, ctx);
                    Ok(view)
                }
                // Nothing kept to show: the live view is waited for.
                None => finished(work.await),
            }
        }
    }
}

fn finished(
    joined: Result<Result<DashboardView, AppError>, tokio::task::JoinError>,
) -> Result<DashboardView, AppError> {
    joined.unwrap_or_else(|error| {
        tracing::error!(%error, "computing a dashboard view failed");
        Err(AppError::Unreachable)
    })
}

/// The live view (its engine session put in `slot` once it is had).
async fn live(
    ctx: AppContext,
    page: Arc<Page>,
    session: store::BrowserSession,
    slot: Slot,
) -> Result<DashboardView, AppError> {
    let engine = sessions::engine(&ctx, &session, &page.config.app_id).await?;
    let _ = slot.set(engine.clone());
    live_view(&OnPage { ctx, page, engine }).await
}

/// Lets the live computation go on after a stale page was served: its end
/// turns the user's tabs live; with no tab listening it is dropped.
fn follow(mut work: JoinHandle<Result<DashboardView, AppError>>, slot: Slot, ctx: AppContext) {
    let started = Instant::now();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                done = &mut work => {
                    if let (Ok(Ok(_)), Some(engine)) = (done, slot.get()) {
                        engine.announce_fresh();
                    }
                    return;
                }
                _ = tokio::time::sleep(WATCH) => {
                    let abandoned = slot.get().is_some_and(|engine| !engine.is_watched());
                    if abandoned && started.elapsed() > GRACE {
                        work.abort();
                        ctx.staleness.cancelled();
                        return;
                    }
                }
            }
        }
    });
}

/// The user's kept view of `page`, marked, if there is one (the response
/// is marked too, so that no cache keeps it as live).
async fn kept(
    ctx: &AppContext,
    user: &store::UserKey,
    page: &Page,
    reason: StaleReason,
) -> Option<DashboardView> {
    if ctx.staleness.limits.is_off() {
        return None;
    }
    let kept = match ctx.store.last_view(user, &page.name).await {
        Ok(kept) => kept?,
        Err(error) => {
            tracing::warn!(%error, "reading the last view kept failed");
            return None;
        }
    };
    let mut view: DashboardView = match serde_json::from_slice(&kept.view) {
        Ok(view) => view,
        // Kept by an older version whose view no longer reads.
        Err(error) => {
            tracing::debug!(%error, "a kept view does not read");
            return None;
        }
    };
    let now = now();
    view.stale = Some(StaleNotice::new(
        reason,
        kept.computed_at,
        &kept.selections,
        now,
    ));
    ctx.staleness
        .served_stale(u64::try_from(now - kept.computed_at).unwrap_or(0));
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        let marked = match reason {
            StaleReason::Unreachable => "unreachable",
            StaleReason::Slow => "slow",
        };
        response.insert_header(
            http::HeaderName::from_static(STALE_HEADER),
            http::HeaderValue::from_static(marked),
        );
        response.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("no-store"),
        );
    }
    Some(view)
}

/// Keeps a freshly built view as the user's last view of the page, in the
/// background (a page load does not wait for the store).
pub(super) fn keep(on: &OnPage, view: &DashboardView) {
    let limits = on.ctx.staleness.limits;
    if limits.is_off() {
        return;
    }
    let bytes = match serde_json::to_vec(view) {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::warn!(%error, "a view could not be serialized to be kept");
            return;
        }
    };
    let kept = store::LastView {
        view: bytes,
        computed_at: now(),
        selections: selections_text(view),
    };
    let (store, user, page) = (
        on.ctx.store.clone(),
        on.engine.key().user(),
        on.page.name.clone(),
    );
    tokio::spawn(async move {
        if let Err(error) = store.save_last_view(&user, &page, &kept, limits).await {
            tracing::warn!(%error, "the last view could not be kept");
        }
    });
}
