//! The axum router: Leptos pages and server functions, static files and
//! health endpoints, behind the web edge (security headers, same-origin rule,
//! body limit, login guard, cookies).

use app::server::AppContext;
use app::{App, shell};
use axum::Router;
use axum::middleware;
use axum::routing::get;
use leptos::prelude::{LeptosOptions, provide_context, use_context};
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_cookies::CookieManagerLayer;
use tower_http::limit::RequestBodyLimitLayer;

use crate::edge::{self, CspNonce, EdgeSettings};
use crate::{events, guard, metrics};

/// Builds the whole HTTP application.
pub fn router(leptos: LeptosOptions, ctx: AppContext, edge_settings: EdgeSettings) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let ctx = ctx.clone();
        move || {
            provide_context(ctx.clone());
            provide_nonce();
        }
    };
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route(
            metrics::PATH,
            get({
                let hub = ctx.hub.clone();
                move || async move { metrics::response(&hub) }
            }),
        )
        .route(
            events::PATH,
            get({
                let ctx = ctx.clone();
                move |cookies: tower_cookies::Cookies| events::stream(ctx.clone(), cookies)
            }),
        )
        .leptos_routes_with_context(&leptos, routes, context, {
            let leptos = leptos.clone();
            move || shell(leptos.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(leptos)
        .layer(middleware::from_fn_with_state(ctx, guard::require_login))
        .layer(CookieManagerLayer::new())
        .layer(middleware::from_fn(edge::same_origin))
        .layer(RequestBodyLimitLayer::new(edge::BODY_LIMIT_BYTES))
        .layer(middleware::from_fn(move |request, next| {
            edge::security_headers(edge_settings.clone(), request, next)
        }))
}

/// Hands the response's CSP nonce to Leptos, which puts it on its inline scripts.
fn provide_nonce() {
    if let Some(parts) = use_context::<http::request::Parts>()
        && let Some(CspNonce(nonce)) = parts.extensions.get::<CspNonce>()
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.clone()));
    }
}
