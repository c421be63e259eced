//! Rendered dashboard pages, kept while the layouts they show are unchanged.
//!
//! Rendering a dashboard page on the server costs about as much as the rest
//! of a request together: the profile under `wrk` (docs/performance.md)
//! spreads it over allocation, Leptos' reactive owners and HTML escaping, with
//! no one hot spot to fix. A refresh with nothing changed in the engine gets
//! the same HTML again, so the page is kept and served again instead.
//!
//! What a kept page depends on, and how each is checked on a hit:
//! - the browser session (the viewer's name, whose engine session): part of
//!   the key; a logged-out session never gets here (the login guard runs
//!   first and sends it to the login page);
//! - the page: part of the key;
//! - the user's engine session and its layouts: the entry holds which engine
//!   session it was rendered from (a `Weak`, so the address cannot be reused)
//!   and the layout generation read before rendering; the page is kept only
//!   when that generation still held after the render;
//! - the response's CSP nonce: rewritten to this response's own.
//!
//! Only plain `200` answers without cookies are kept, and only from the
//! second time a page is rendered at one generation (as nginx's
//! `proxy_cache_min_uses 2`): the first render leaves a marker of a few
//! bytes. A page seen once — every user's first page after logging in — does
//! not push out the pages people refresh. Memory is bounded by
//! `page_cache.max_kib` for all users together (least recently used pages go
//! first), so holding thousands of users costs nothing more per user.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};

use app::dashboard::pages::Page as DashboardPage;
use app::server::{AppContext, sessions};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hub::EngineSession;
use store::SessionToken;

use crate::edge::CspNonce;

/// The pages kept, with hit and miss counters for `/metrics`.
#[derive(Clone)]
pub struct PageCache {
    inner: Arc<Inner>,
}

struct Inner {
    /// `None`: caching is off (`page_cache.max_kib = 0`).
    pages: Option<quick_cache::sync::Cache<Key, Arc<Kept>, Weight>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

/// Whose page, and which.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    session: SessionToken,
    page: String,
}

/// A rendered page (or the marker of one rendered once) and what it was
/// rendered from.
struct Kept {
    engine: Weak<EngineSession>,
    generation: u64,
    page: Option<Page>,
}

/// The page's HTML and headers, and the nonce it was rendered with.
struct Page {
    nonce: String,
    headers: HeaderMap,
    body: Bytes,
}

/// Weighs a kept page by its bytes (what the bound is about).
#[derive(Clone)]
struct Weight;

impl quick_cache::Weighter<Key, Arc<Kept>> for Weight {
    fn weight(&self, key: &Key, kept: &Arc<Kept>) -> u64 {
        let page = kept
            .page
            .as_ref()
            .map_or(0, |p| p.body.len() + p.nonce.len());
        (key.page.len() + page + 256) as u64
    }
}

/// Hits and misses so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageCacheCounts {
    /// Pages served from the cache.
    pub hits: u64,
    /// Pages rendered (not kept, changed, or not kept yet).
    pub misses: u64,
}

impl PageCache {
    /// A cache holding at most `max_kib` KiB of pages (0: none).
    pub fn new(max_kib: u64) -> Self {
        let bytes = max_kib.saturating_mul(1024);
        // quick_cache sizes its tables from an item estimate: a page is
        // tens of KiB. One shard: quick_cache splits the bound between its
        // shards, and a sheet page of several hundred KiB (a scatter plot's
        // points) would push the pages of its shard out while the others
        // stay empty (loadtest --sheet: 8 users' sheet pages, 10 times
        // slower with the default 8 shards). Hits take the shard's read lock.
        let pages = (bytes > 0).then(|| {
            let items = (bytes / (16 * 1024)).max(4) as usize;
            let options = quick_cache::OptionsBuilder::new()
                .estimated_items_capacity(items)
                .weight_capacity(bytes)
                .shards(1)
                .build()
                .expect("valid page cache options");
            quick_cache::sync::Cache::with_options(
                options,
                Weight,
                Default::default(),
                Default::default(),
            )
        });
        Self {
            inner: Arc::new(Inner {
                pages,
                hits: AtomicU64::new(0),
                misses: AtomicU64::new(0),
            }),
        }
    }

    /// Hits and misses so far.
    pub fn counts(&self) -> PageCacheCounts {
        PageCacheCounts {
            hits: self.inner.hits.load(Ordering::Relaxed),
            misses: self.inner.misses.load(Ordering::Relaxed),
        }
    }

    /// What is kept for `key` that is still right: the page, or the marker
    /// of one rendered once.
    fn lookup(&self, key: &Key, engine: &Arc<EngineSession>, generation: u64) -> Option<Arc<Kept>> {
        let kept = self.inner.pages.as_ref()?.get(key)?;
        let same_engine = Weak::ptr_eq(&kept.engine, &Arc::downgrade(engine));
        (same_engine && kept.generation == generation).then_some(kept)
    }

    fn keep(&self, key: Key, kept: Kept) {
        if let Some(pages) = &self.inner.pages {
            pages.insert(key, Arc::new(kept));
        }
    }
}

/// The page a path shows: `/` or `/{name}` of a configured page.
fn page_of(ctx: &AppContext, path: &str) -> Option<Arc<DashboardPage>> {
    let name = path.strip_prefix('/')?;
    if name.contains('/') {
        return None;
    }
    ctx.pages.get(Some(name))
}

/// The middleware (inside the login guard, which looked the session up):
/// serves a kept page when it is still right, else renders and keeps it.
pub async fn serve(
    State((ctx, cache)): State<(AppContext, PageCache)>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::GET || cache.inner.pages.is_none() {
        return next.run(request).await;
    }
    let Some(page) = page_of(&ctx, request.uri().path()) else {
        return next.run(request).await;
    };
    let extensions = request.extensions();
    let (Some(sessions::LookedUp(token, session)), Some(CspNonce(nonce))) = (
        extensions.get::<sessions::LookedUp>().cloned(),
        extensions.get::<CspNonce>().cloned(),
    ) else {
        return next.run(request).await;
    };
    // No engine session now: the render shows the error (and keeps nothing).
    let Ok(engine) = sessions::engine(&ctx, &session, &page.config.app_id).await else {
        return next.run(request).await;
    };
    let generation = engine.layouts_generation();
    let key = Key {
        session: token,
        page: page.name.clone(),
    };
    let seen = cache.lookup(&key, &engine, generation);
    if let Some(page) = seen.as_ref().and_then(|kept| kept.page.as_ref()) {
        cache.inner.hits.fetch_add(1, Ordering::Relaxed);
        return page.response(&nonce);
    }
    cache.inner.misses.fetch_add(1, Ordering::Relaxed);
    let response = next.run(request).await;
    // A kept view served while Qlik is away or slow is never kept as live.
    if response.status() != StatusCode::OK
        || response.headers().contains_key(header::SET_COOKIE)
        || response
            .headers()
            .contains_key(app::dashboard::stale::STALE_HEADER)
    {
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "rendering a page failed");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The page could not be rendered. Please reload.",
            )
                .into_response();
        }
    };
    // A change while rendering may have mixed old and new layouts in it.
    if engine.layouts_generation() == generation {
        // The page the second time; a marker the first.
        let page = seen.is_some().then(|| Page {
            nonce,
            headers: parts.headers.clone(),
            body: body.clone(),
        });
        cache.keep(
            key,
            Kept {
                engine: Arc::downgrade(&engine),
                generation,
                page,
            },
        );
    }
    Response::from_parts(parts, Body::from(body))
}

impl Page {
    /// The kept page with `nonce` in place of the one it was rendered with.
    fn response(&self, nonce: &str) -> Response {
        let body = replace_all(&self.body, self.nonce.as_bytes(), nonce.as_bytes());
        let mut response = Response::new(Body::from(body));
        *response.headers_mut() = self.headers.clone();
        response
    }
}

/// `haystack` with every `old` replaced by `new`.
fn replace_all(haystack: &[u8], old: &[u8], new: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut from = 0;
    for at in memchr::memmem::find_iter(haystack, old) {
        out.extend_from_slice(&haystack[from..at]);
        out.extend_from_slice(new);
        from = at + old.len();
    }
    out.extend_from_slice(&haystack[from..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_every_nonce() {
        let page = b"<script nonce=\"AAA\">x</script><script nonce=\"AAA\"></script>AA";
        assert_eq!(
            replace_all(page, b"AAA", b"BBB"),
            b"<script nonce=\"BBB\">x</script><script nonce=\"BBB\"></script>AA"
        );
        assert_eq!(replace_all(b"none here", b"AAA", b"BBB"), b"none here");
    }

    #[test]
    fn off_when_sized_zero() {
        assert!(PageCache::new(0).inner.pages.is_none());
        assert!(PageCache::new(1).inner.pages.is_some());
    }
}
