//! Renders a 20-object set (the fixtures of every drawn type, cycled), as a
//! sheet page with 20 charts would: layout → marks → HTML.
//!
//! `cargo bench -p charts --bench render`

use std::hint::black_box;

use charts::{Options, render};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::Value;

const FIXTURES: [&str; 12] = [
    "barchart_vertical",
    "barchart_stacked_horizontal",
    "linechart_two_measures",
    "linechart_second_dimension",
    "combochart",
    "piechart_donut",
    "scatterplot",
    "treemap_stacked",
    "kpi_comparison",
    "gauge_radial",
    "gauge_bar",
    "barchart_linked",
];

fn layouts() -> Vec<Value> {
    (0..20)
        .map(|i| {
            let name = FIXTURES[i % FIXTURES.len()];
            let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
            serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json")
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let set = layouts();
    let opts = Options::default();
    let bytes: usize = set
        .iter()
        .map(|l| render(l, &opts).expect("drawn").len())
        .sum();
    println!("20 objects: {bytes} bytes of HTML");
    c.bench_function("render 20 objects", |b| {
        b.iter(|| {
            for layout in &set {
                black_box(render(black_box(layout), &opts).expect("drawn"));
            }
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
