//! The sample sales app: its objects, library and script are the unbuilt
//! app folder `apps/sample-sales/` (compiled in); its data — orders,
//! customers, products and a calendar — is generated deterministically.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::app::App;
use super::library::ItemKind;
use super::load::unbuild::{Part, apply};

/// The files of `apps/sample-sales/` (but `config.yml`, which names them).
const FILES: &[(Part, &str, &str)] = &[
    (
        Part::AppProperties,
        "app-properties.json",
        include_str!("../../apps/sample-sales/app-properties.json"),
    ),
    (
        Part::Library(ItemKind::Dimension),
        "dimensions.json",
        include_str!("../../apps/sample-sales/dimensions.json"),
    ),
    (
        Part::Library(ItemKind::Measure),
        "measures.json",
        include_str!("../../apps/sample-sales/measures.json"),
    ),
    (
        Part::Library(ItemKind::Variable),
        "variables.json",
        include_str!("../../apps/sample-sales/variables.json"),
    ),
    (
        Part::Script,
        "script.qvs",
        include_str!("../../apps/sample-sales/script.qvs"),
    ),
    (
        Part::Object,
        "objects/kpi--kpi-sales.json",
        include_str!("../../apps/sample-sales/objects/kpi--kpi-sales.json"),
    ),
    (
        Part::Object,
        "objects/barchart--bar-region.json",
        include_str!("../../apps/sample-sales/objects/barchart--bar-region.json"),
    ),
    (
        Part::Object,
        "objects/linechart--line-month.json",
        include_str!("../../apps/sample-sales/objects/linechart--line-month.json"),
    ),
    (
        Part::Object,
        "objects/table--table-customers.json",
        include_str!("../../apps/sample-sales/objects/table--table-customers.json"),
    ),
    (
        Part::Object,
        "objects/listbox--filter-region.json",
        include_str!("../../apps/sample-sales/objects/listbox--filter-region.json"),
    ),
    (
        Part::Object,
        "objects/masterobject-kpi-sales-kpi-master-sales-kpi.json",
        include_str!(
            "../../apps/sample-sales/objects/masterobject-kpi-sales-kpi-master-sales-kpi.json"
        ),
    ),
    (
        Part::Object,
        "objects/masterobject-kpi-margin-kpi-master-margin-kpi.json",
        include_str!(
            "../../apps/sample-sales/objects/masterobject-kpi-margin-kpi-master-margin-kpi.json"
        ),
    ),
    (
        Part::Object,
        "objects/masterobject-barchart-sales-by-category-master-category-bar.json",
        include_str!(
            "../../apps/sample-sales/objects/masterobject-barchart-sales-by-category-master-category-bar.json"
        ),
    ),
    (
        Part::Object,
        "objects/masterobject-pivot-table-sales-by-region-and-year-pivot-sales.json",
        include_str!(
            "../../apps/sample-sales/objects/masterobject-pivot-table-sales-by-region-and-year-pivot-sales.json"
        ),
    ),
    (
        Part::Object,
        "objects/masterobject-piechart-sales-share-by-category-pie-category.json",
        include_str!(
            "../../apps/sample-sales/objects/masterobject-piechart-sales-share-by-category-pie-category.json"
        ),
    ),
    (
        Part::Object,
        "objects/masterobject-map-sales-on-the-map-map-region.json",
        include_str!(
            "../../apps/sample-sales/objects/masterobject-map-sales-on-the-map-map-region.json"
        ),
    ),
    (
        Part::Object,
        "objects/sheet--overview-sheet-overview.json",
        include_str!("../../apps/sample-sales/objects/sheet--overview-sheet-overview.json"),
    ),
    (
        Part::Object,
        "objects/sheet--visualization-types-sheet-gallery.json",
        include_str!(
            "../../apps/sample-sales/objects/sheet--visualization-types-sheet-gallery.json"
        ),
    ),
];

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

    for (part, name, text) in FILES {
        // Files of this crate, loaded by the tests: they always apply.
        apply(&mut app, *part, name, text).expect("the sample app's files are valid");
    }
    app
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_of_the_folder_is_compiled_in() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("apps/sample-sales");
        let mut on_disk: Vec<String> = ["", "objects"]
            .iter()
            .flat_map(|sub| std::fs::read_dir(dir.join(sub)).unwrap().flatten())
            .filter(|e| e.path().is_file())
            .map(|e| e.path().strip_prefix(&dir).unwrap().display().to_string())
            .filter(|name| name != "config.yml")
            .collect();
        let mut compiled: Vec<String> = FILES
            .iter()
            .map(|(_, name, _)| (*name).to_owned())
            .collect();
        on_disk.sort();
        compiled.sort();
        assert_eq!(on_disk, compiled);
    }
}
