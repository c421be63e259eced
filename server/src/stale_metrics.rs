//! The `/metrics` families of pages served from a kept view while Qlik is
//! away or slow (`app::dashboard::stale`).

use app::dashboard::stale::StaleCounts;

/// The families in the Prometheus text format.
pub fn render(counts: StaleCounts) -> String {
    let rows: [(&str, &str, &str, u64); 4] = [
        (
            "mashup_stale_pages_served_total",
            "counter",
            "Dashboard views served from the last view kept (Qlik away or slow).",
            counts.served,
        ),
        (
            "mashup_stale_served_age_seconds",
            "gauge",
            "Age of the data of the last view served stale, in seconds.",
            counts.last_age_seconds,
        ),
        (
            "mashup_engine_calls_past_deadline_total",
            "counter",
            "Page loads whose Qlik answers did not come within qlik.request_timeout.",
            counts.past_deadline,
        ),
        (
            "mashup_engine_calls_cancelled_total",
            "counter",
            "Background computations dropped (their engine calls cancelled) as no tab waited.",
            counts.cancelled,
        ),
    ];
    rows.iter()
        .map(|(name, kind, help, value)| {
            format!("# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_has_help_type_and_value() {
        let text = render(StaleCounts {
            served: 3,
            last_age_seconds: 86_400,
            past_deadline: 2,
            cancelled: 1,
        });
        assert!(text.contains(
            "# TYPE mashup_stale_pages_served_total counter\nmashup_stale_pages_served_total 3\n"
        ));
        assert!(text.contains("mashup_stale_served_age_seconds 86400\n"));
        assert!(text.contains("mashup_engine_calls_past_deadline_total 2\n"));
        assert!(text.contains("mashup_engine_calls_cancelled_total 1\n"));
        assert_eq!(text.matches("# HELP").count(), 4);
    }
}
