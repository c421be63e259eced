//! The axum routers: the public one (Leptos pages and server functions,
//! static files, downloads, the theme, health and readiness, metrics unless
//! served apart) behind the web edge (request log, compression, security
//! headers, canonical paths, same-origin rule, body limit, client address,
//! login guard, cookies); and the metrics-only one.

use std::sync::Arc;
use std::time::Duration;

use app::server::AppContext;
use app::{App, shell};
use axum::Router;
use axum::extract::{Query, Request};
use axum::middleware;
use axum::response::Response;
use axum::routing::get;
use ipnet::IpNet;
use leptos::prelude::{LeptosOptions, provide_context, use_context};
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_cookies::CookieManagerLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::services::ServeFile;
use tower_http::trace::TraceLayer;

use crate::edge::{self, CspNonce, EdgeSettings};
use crate::page_cache::{self, PageCache};
use crate::ready::{self, Readiness};
use crate::{canonical, client_address, events, export, guard, metrics};

/// What the public router is built from, besides the app's own context.
pub struct PublicRoutes {
    /// Headers, same-origin rule.
    pub edge: EdgeSettings,
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Arc<[IpNet]>,
    /// The dependencies `/readyz` asks.
    pub readiness: Readiness,
    /// Serve `/metrics` here (no separate `metrics.listen`).
    pub metrics: bool,
    /// `/theme.css` and the logo.
    pub theme: Router<LeptosOptions>,
    /// Rendered pages kept while unchanged.
    pub page_cache: PageCache,
}

/// Builds the whole public HTTP application.
pub fn router(leptos: LeptosOptions, ctx: AppContext, public: PublicRoutes) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let ctx = ctx.clone();
        move || {
            provide_context(ctx.clone());
            provide_nonce();
        }
    };
    // Unknown paths (and files not found) render the 404 page with the same
    // context as every page: the theme, and the response's own CSP nonce.
    let fallback = leptos_axum::file_and_error_handler_with_context(context.clone(), shell);
    let PublicRoutes {
        edge: edge_settings,
        trusted_proxies,
        readiness,
        metrics: serve_metrics,
        theme,
        page_cache,
    } = public;
    let mut router = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route(
            ready::PATH,
            get(move || async move { readiness.response().await }),
        )
        .route(
            events::PATH,
            get({
                let ctx = ctx.clone();
                move |cookies: tower_cookies::Cookies, Query(query): Query<events::EventsQuery>| {
                    events::stream(ctx.clone(), cookies, query)
                }
            }),
        )
        .route(
            export::ROUTE,
            get({
                let ctx = ctx.clone();
                move |session, file, query| export::download(ctx.clone(), session, file, query)
            }),
        );
    if serve_metrics {
        router = router.merge(metrics_router(
            ctx.hub.clone(),
            page_cache.clone(),
            ctx.staleness.clone(),
        ));
    }
    router = router.merge(theme).merge(site_files(&leptos));
    let same_origin_settings = edge_settings.clone();
    router
        .leptos_routes_with_context(&leptos, routes, context, {
            let leptos = leptos.clone();
            move || shell(leptos.clone())
        })
        .fallback(fallback)
        .with_state(leptos)
        // Inside the guard: a kept page is only ever served to a live session.
        .layer(middleware::from_fn_with_state(
            (ctx.clone(), page_cache),
            page_cache::serve,
        ))
        .layer(middleware::from_fn_with_state(ctx, guard::require_login))
        .layer(CookieManagerLayer::new())
        .layer(middleware::from_fn(move |request, next| {
            client_address::layer(trusted_proxies.clone(), request, next)
        }))
        .layer(middleware::from_fn(edge::body_limit))
        .layer(middleware::from_fn(move |request, next| {
            edge::same_origin(same_origin_settings.clone(), request, next)
        }))
        .layer(middleware::from_fn(canonical::redirect))
        .layer(middleware::from_fn(move |request, next| {
            edge::security_headers(edge_settings.clone(), request, next)
        }))
        // gzip or brotli as the browser asks: the WASM bundle is a third of its
        // size gzipped. Not event streams (they must not wait for a buffer),
        // images, or Excel files (already zipped).
        .layer(
            CompressionLayer::new().compress_when(DefaultPredicate::new().and(
                NotForContentType::const_new(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
            )),
        )
        // One log line per request: method, path (never the query string,
        // cookies or bodies), status and latency.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path(),
                    )
                })
                .on_request(())
                .on_response(
                    |response: &Response, latency: Duration, _: &tracing::Span| {
                        tracing::info!(
                            status = response.status().as_u16(),
                            latency_ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX),
                            "request"
                        );
                    },
                )
                .on_failure(()),
        )
}

/// The files at the top of the site root (`public/`: the favicon,
/// `robots.txt`), each on its own route: a page's path (`/{page}`) would
/// otherwise take them. Deeper paths (`/pkg/…`) are the fallback's.
fn site_files(leptos: &LeptosOptions) -> Router<LeptosOptions> {
    let root = std::path::Path::new(leptos.site_root.as_ref());
    let mut router = Router::new();
    for entry in std::fs::read_dir(root).into_iter().flatten().flatten() {
        let path = entry.path();
        if let (true, Some(name)) = (path.is_file(), path.file_name().and_then(|n| n.to_str())) {
            router = router.route_service(&format!("/{name}"), ServeFile::new(&path));
        }
    }
    router
}

/// `/metrics` alone (for `metrics.listen`, or merged into the public router).
pub fn metrics_router<S: Clone + Send + Sync + 'static>(
    hub: hub::Hub,
    pages: PageCache,
    staleness: std::sync::Arc<app::dashboard::stale::Staleness>,
) -> Router<S> {
    Router::new().route(
        metrics::PATH,
        get(move || async move {
            let stale = crate::stale_metrics::render(staleness.counts());
            metrics::response(&hub, pages.counts(), &stale)
        }),
    )
}

/// Hands the response's CSP nonce to Leptos, which puts it on its inline scripts.
fn provide_nonce() {
    if let Some(parts) = use_context::<http::request::Parts>()
        && let Some(CspNonce(nonce)) = parts.extensions.get::<CspNonce>()
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.clone()));
    }
}
