//! The sample support app, generated deterministically: tickets of support
//! teams (linked by `Team` to the teams' sites), with the master objects a
//! dashboard uses.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use super::app::App;

/// Team, site.
const TEAMS: [(&str, &str); 5] = [
    ("Platform", "Stockholm"),
    ("Billing", "Dublin"),
    ("Mobile", "Austin"),
    ("Integrations", "Dublin"),
    ("Onboarding", "Singapore"),
];
/// Priority and its typical hours to resolve.
const PRIORITIES: [(&str, u32); 4] = [("P1", 4), ("P2", 12), ("P3", 36), ("P4", 72)];
const STATUSES: [&str; 4] = ["Open", "In Progress", "Resolved", "Closed"];
const CATEGORIES: [&str; 4] = ["Bug", "Question", "Incident", "Feature Request"];

/// Number of tickets.
pub const SUPPORT_TICKETS: usize = 1_200;

/// The support app: [`SUPPORT_TICKETS`] tickets over the twelve months of 2025.
pub fn support_app() -> App {
    let mut rng = ChaCha8Rng::seed_from_u64(20_250_101);
    let mut app = App::new("sample-support", "Sample Support");
    let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();

    app.add_table(
        "Teams",
        &strings(&["Team", "Site"]),
        TEAMS
            .iter()
            .map(|(team, site)| vec![(*team).to_owned(), (*site).to_owned()])
            .collect(),
    );

    let tickets = (0..SUPPORT_TICKETS).map(|i| {
        let (team, _) = TEAMS[rng.random_range(0..TEAMS.len())];
        // Fewer urgent tickets than routine ones.
        let (priority, typical) = PRIORITIES[[0, 1, 1, 2, 2, 2, 3, 3][rng.random_range(0..8)]];
        let status = STATUSES[rng.random_range(0..STATUSES.len())];
        let month = rng.random_range(1..=12);
        // Open tickets have no resolution time yet (null).
        let hours = if status == "Open" || status == "In Progress" {
            String::new()
        } else {
            let factor = rng.random_range(0.25..2.5);
            format!("{:.1}", f64::from(typical) * factor)
        };
        vec![
            format!("T{:05}", i + 1),
            team.to_owned(),
            priority.to_owned(),
            status.to_owned(),
            CATEGORIES[rng.random_range(0..CATEGORIES.len())].to_owned(),
            format!("2025-{month:02}"),
            hours,
        ]
    });
    app.add_rows(
        "Tickets",
        &strings(&[
            "TicketID",
            "Team",
            "Priority",
            "Status",
            "Category",
            "Month",
            "HoursToResolve",
        ]),
        tickets,
    );

    let measure = |label: &str, expr: &str| json!({"qDef": {"qDef": expr, "qLabel": label}});
    let dimension = |field: &str| json!({"qDef": {"qFieldDefs": [field]}});
    let fetch = |width: u32, height: u32| json!([{"qTop": 0, "qLeft": 0, "qWidth": width, "qHeight": height}]);
    let objects = [
        json!({"qInfo": {"qId": "kpi-tickets", "qType": "kpi"},
            "qHyperCubeDef": {"qDimensions": [], "qMeasures": [measure("Tickets", "Count(TicketID)")],
                "qInitialDataFetch": fetch(1, 1)}}),
        json!({"qInfo": {"qId": "kpi-hours", "qType": "kpi"},
            "qHyperCubeDef": {"qDimensions": [],
                "qMeasures": [measure("Avg hours to resolve", "Avg(HoursToResolve)")],
                "qInitialDataFetch": fetch(1, 1)}}),
        json!({"qInfo": {"qId": "bar-team", "qType": "barchart"},
            "qHyperCubeDef": {"qDimensions": [dimension("Team")],
                "qMeasures": [measure("Tickets", "Count(TicketID)")],
                "qInitialDataFetch": fetch(2, 50)}}),
        json!({"qInfo": {"qId": "line-month", "qType": "linechart"},
            "qHyperCubeDef": {"qDimensions": [dimension("Month")],
                "qMeasures": [measure("Tickets", "Count(TicketID)")],
                "qInitialDataFetch": fetch(2, 50)}}),
        json!({"qInfo": {"qId": "table-priority", "qType": "table"},
            "qHyperCubeDef": {"qDimensions": [dimension("Priority"), dimension("Status")],
                "qMeasures": [measure("Tickets", "Count(TicketID)"),
                    measure("Avg hours to resolve", "Avg(HoursToResolve)")],
                "qInitialDataFetch": fetch(4, 50)}}),
        json!({"qInfo": {"qId": "filter-team", "qType": "listbox"},
            "qListObjectDef": {"qDef": {"qFieldDefs": ["Team"]}, "qShowAlternatives": true,
                "qInitialDataFetch": fetch(1, 50)}}),
    ];
    for properties in &objects {
        // Constant properties, checked by the tests: they always load.
        app.objects
            .add_tree(properties)
            .expect("the built-in objects are valid");
    }
    app
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_support_app_is_deterministic_and_linked_by_team() {
        let (a, b) = (support_app(), support_app());
        let tickets = &a.tables[a.tables.iter().position(|t| t.name == "Tickets").unwrap()];
        assert_eq!(tickets.rows, SUPPORT_TICKETS);
        let team = a.field("Team").unwrap();
        assert_eq!(a.fields[team].tables.len(), 2, "Team links the two tables");
        for (x, y) in a.tables.iter().zip(&b.tables) {
            assert_eq!(x.columns, y.columns, "same data every time");
        }
        let hours = a.field("HoursToResolve").unwrap();
        assert!(a.fields[hours].is_numeric());
    }
}
