//! Shared by the chart tests: fixtures and the HTML rules every chart keeps.

use charts::chart::Chart;
use charts::{Options, build, render};
use serde_json::Value;

/// A fixture layout from tests/fixtures.
pub fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json")
}

/// The chart a fixture draws.
pub fn chart(name: &str) -> Chart {
    build(&fixture(name), &Options::default()).expect("drawn")
}

/// A layout's HTML.
pub fn html(layout: &Value) -> String {
    render(layout, &Options::default()).expect("drawn")
}

/// Marks a click selects.
pub fn selectable(c: &Chart) -> usize {
    c.marks.iter().filter(|m| m.target.is_some()).count()
}

/// Checks every chart's accessibility rules on its HTML: one tab stop, text
/// of at least 12 px, never inside a scaling view box.
pub fn check_html(h: &str) {
    assert!(h.matches("tabindex=\"0\"").count() <= 1, "one tab stop");
    for size in h.split("font-size=\"").skip(1) {
        let n: f64 = size.split('"').next().unwrap().parse().unwrap();
        assert!(n >= 12.0, "text of {n} px");
    }
    let mut rest = h;
    while let Some(at) = rest.find("viewBox=") {
        let after = &rest[at..];
        let end = after.find("</svg>").unwrap();
        assert!(
            !after[..end].contains("<text"),
            "text inside a scaling view box"
        );
        rest = &after[end..];
    }
    assert!(h.starts_with("<figure class=\"qc ") && h.ends_with("</figure>"));
    assert!(h.contains("role=\"group\" aria-label=\""));
}
