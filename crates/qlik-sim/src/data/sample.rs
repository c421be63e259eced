//! The sample sales app, generated deterministically: orders, customers,
//! products and a calendar, with the master objects a dashboard uses.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use super::app::App;

const REGIONS: [(&str, &[&str]); 4] = [
    ("EMEA", &["Germany", "France", "Sweden", "United Kingdom"]),
    ("Americas", &["USA", "Canada", "Brazil"]),
    ("APAC", &["Japan", "Australia", "India"]),
    ("Nordics", &["Norway", "Denmark", "Finland"]),
];
const SEGMENTS: [&str; 3] = ["Consumer", "Corporate", "Small Business"];
const CATEGORIES: [&str; 5] = ["Bikes", "Accessories", "Clothing", "Components", "Services"];
const FIRST: [&str; 12] = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Cyberdyne",
    "Tyrell",
    "Wonka",
];
const LAST: [&str; 8] = [
    "Corp", "Group", "Trading", "Labs", "Partners", "Retail", "AB", "GmbH",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Default number of order lines.
pub const DEFAULT_ROWS: usize = 100_000;

/// The sample app with `rows` order lines (same data for the same `rows`).
pub fn sample_app(rows: usize) -> App {
    let mut rng = ChaCha8Rng::seed_from_u64(20_240_101);
    let mut app = App::new("sample-sales", "Sample Sales");
    let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();

    let customers = 480;
    let customer_rows: Vec<Vec<String>> = (0..customers)
        .map(|i| {
            let (region, countries) = REGIONS[i % REGIONS.len()];
            let country = countries[rng.random_range(0..countries.len())];
            vec![
                format!("C{i:04}"),
                format!(
                    "{} {} {}",
                    FIRST[i % FIRST.len()],
                    LAST[(i / FIRST.len()) % LAST.len()],
                    i
                ),
                region.to_owned(),
                country.to_owned(),
                SEGMENTS[rng.random_range(0..SEGMENTS.len())].to_owned(),
            ]
        })
        .collect();
    app.add_table(
        "Customers",
        &strings(&["CustomerID", "Customer", "Region", "Country", "Segment"]),
        customer_rows,
    );

    let products = 120;
    let prices: Vec<f64> = (0..products)
        .map(|_| f64::from(rng.random_range(5..2000)))
        .collect();
    let product_rows: Vec<Vec<String>> = (0..products)
        .map(|i| {
            let category = CATEGORIES[i % CATEGORIES.len()];
            vec![
                format!("P{i:03}"),
                format!("{category} {i}"),
                category.to_owned(),
            ]
        })
        .collect();
    app.add_table(
        "Products",
        &strings(&["ProductID", "Product", "Category"]),
        product_rows,
    );

    let mut calendar = Vec::new();
    for year in 2023..=2025 {
        for (m, month) in MONTHS.iter().enumerate() {
            for day in 1..=28 {
                calendar.push(vec![
                    format!("{year}-{:02}-{day:02}", m + 1),
                    year.to_string(),
                    format!("{year}-{:02}", m + 1),
                    format!("Q{}", m / 3 + 1),
                    month.to_string(),
                ]);
            }
        }
    }
    let dates: Vec<String> = calendar.iter().map(|r| r[0].clone()).collect();
    app.add_table(
        "Calendar",
        &strings(&["Date", "Year", "Month", "Quarter", "MonthName"]),
        calendar,
    );

    // Generated while loaded: the text of a million rows is never held at once.
    let orders = (0..rows).map(|i| {
        let product = rng.random_range(0..products);
        let quantity = rng.random_range(1..10);
        let sales = prices[product] * f64::from(quantity);
        let cost = (sales * rng.random_range(0.45..0.85) * 100.0).round() / 100.0;
        vec![
            format!("O{:06}", i / 3),
            dates[rng.random_range(0..dates.len())].clone(),
            format!("C{:04}", rng.random_range(0..customers)),
            format!("P{product:03}"),
            quantity.to_string(),
            format!("{sales}"),
            format!("{cost}"),
        ]
    });
    app.add_rows(
        "Orders",
        &strings(&[
            "OrderID",
            "Date",
            "CustomerID",
            "ProductID",
            "Quantity",
            "Sales",
            "Cost",
        ]),
        orders,
    );

    let measure = |label: &str, expr: &str| json!({"qDef": {"qDef": expr, "qLabel": label}});
    let dimension = |field: &str| json!({"qDef": {"qFieldDefs": [field]}});
    app.master_objects = vec![
        (
            "kpi-sales".into(),
            json!({"qInfo": {"qId": "kpi-sales", "qType": "kpi"},
            "qHyperCubeDef": {"qDimensions": [], "qMeasures": [measure("Sales", "Sum(Sales)")],
                "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 1, "qHeight": 1}]}}),
        ),
        (
            "bar-region".into(),
            json!({"qInfo": {"qId": "bar-region", "qType": "barchart"},
            "qHyperCubeDef": {"qDimensions": [dimension("Region")], "qMeasures": [measure("Sales", "Sum(Sales)")],
                "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 2, "qHeight": 50}]}}),
        ),
        (
            "line-month".into(),
            json!({"qInfo": {"qId": "line-month", "qType": "linechart"},
            "qHyperCubeDef": {"qDimensions": [dimension("Month")], "qMeasures": [measure("Sales", "Sum(Sales)")],
                "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 2, "qHeight": 100}]}}),
        ),
        (
            "table-customers".into(),
            json!({"qInfo": {"qId": "table-customers", "qType": "table"},
            "qHyperCubeDef": {"qDimensions": [dimension("Customer"), dimension("Region")],
                "qMeasures": [measure("Sales", "Sum(Sales)"), measure("Orders", "Count(DISTINCT OrderID)")],
                "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 4, "qHeight": 20}]}}),
        ),
        // Master visualizations as real Qlik stores them: qType "masterobject",
        // what they draw in `visualization` (docs/qlik-protocol.md).
        (
            "pie-category".into(),
            json!({"qInfo": {"qId": "pie-category", "qType": "masterobject"},
            "visualization": "piechart", "title": "Sales share by category",
            "qHyperCubeDef": {"qDimensions": [dimension("Category")], "qMeasures": [measure("Sales", "Sum(Sales)")],
                "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 2, "qHeight": 50}]}}),
        ),
        (
            "map-region".into(),
            json!({"qInfo": {"qId": "map-region", "qType": "masterobject"},
            "visualization": "map", "title": "Sales on the map",
            "qHyperCubeDef": {"qDimensions": [dimension("Region")], "qMeasures": [measure("Sales", "Sum(Sales)")],
                "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 2, "qHeight": 50}]}}),
        ),
        (
            "filter-region".into(),
            json!({"qInfo": {"qId": "filter-region", "qType": "listbox"},
            "qListObjectDef": {"qDef": {"qFieldDefs": ["Region"]}, "qShowAlternatives": true,
                "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 1, "qHeight": 50}]}}),
        ),
    ];
    app
}
