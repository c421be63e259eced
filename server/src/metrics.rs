//! `/metrics`: the health of the "one Qlik session per user" invariant in the
//! Prometheus text format: users with a held engine session, and counters of
//! tickets requested, sockets opened, reattaches and re-creations; and how
//! long selections take from arrival to the event every tab hears.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use hub::MetricsSnapshot;

use crate::page_cache::PageCacheCounts;

/// Where the metrics are served (public, like `/healthz`: no user data).
pub const PATH: &str = "/metrics";

/// The Prometheus text exposition of a snapshot and the page cache's counts.
pub fn render(m: &MetricsSnapshot, pages: PageCacheCounts) -> String {
    let rows: [(&str, &str, &str, u64); 9] = [
        (
            "mashup_held_engine_sessions",
            "gauge",
            "Users with an engine session held in memory.",
            m.held_sessions as u64,
        ),
        (
            "mashup_qlik_tickets_requested_total",
            "counter",
            "Tickets requested from QPS.",
            m.tickets_requested,
        ),
        (
            "mashup_engine_connects_total",
            "counter",
            "Engine WebSockets opened.",
            m.connects,
        ),
        (
            "mashup_engine_reattaches_total",
            "counter",
            "Engine sockets that found their session (SESSION_ATTACHED).",
            m.reattaches,
        ),
        (
            "mashup_engine_recreations_total",
            "counter",
            "Engine sessions re-created with the user's selections re-applied.",
            m.recreations,
        ),
        (
            "mashup_selection_to_event_microseconds_count",
            "counter",
            "Selections whose change event reached the tabs' streams.",
            m.selections_announced,
        ),
        (
            "mashup_selection_to_event_microseconds_sum",
            "counter",
            "Their total time from arrival to the event sent, in microseconds.",
            m.selection_to_event_micros,
        ),
        (
            "mashup_page_cache_hits_total",
            "counter",
            "Dashboard pages served from the page cache (nothing changed).",
            pages.hits,
        ),
        (
            "mashup_page_cache_misses_total",
            "counter",
            "Dashboard pages rendered (changed, or not kept).",
            pages.misses,
        ),
    ];
    rows.iter()
        .map(|(name, kind, help, value)| {
            format!("# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n")
        })
        .collect()
}

/// The response for `GET /metrics`, with `more` (other families) after.
pub fn response(hub: &hub::Hub, pages: PageCacheCounts, more: &str) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        render(&hub.metrics(), pages) + &crate::open_files::metrics() + more,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_has_help_type_and_value() {
        let text = render(
            &MetricsSnapshot {
                held_sessions: 3,
                tickets_requested: 5,
                connects: 7,
                reattaches: 2,
                recreations: 1,
                selections_announced: 4,
                selection_to_event_micros: 120_000,
            },
            PageCacheCounts { hits: 9, misses: 2 },
        );
        assert!(
            text.contains(
                "# TYPE mashup_held_engine_sessions gauge\nmashup_held_engine_sessions 3\n"
            )
        );
        assert!(text.contains("mashup_qlik_tickets_requested_total 5\n"));
        assert!(text.contains("mashup_engine_connects_total 7\n"));
        assert!(text.contains("mashup_engine_reattaches_total 2\n"));
        assert!(text.contains("mashup_engine_recreations_total 1\n"));
        assert!(text.contains("mashup_selection_to_event_microseconds_count 4\n"));
        assert!(text.contains("mashup_selection_to_event_microseconds_sum 120000\n"));
        assert!(text.contains("mashup_page_cache_hits_total 9\n"));
        assert!(text.contains("mashup_page_cache_misses_total 2\n"));
        assert_eq!(text.matches("# HELP").count(), 9);
    }
}
