//! One selection and the layouts of a six-object dashboard over the sample app
//! with 1,000,000 order rows, through the functions the engine's `GetLayout`
//! uses (`Selections::associate` once per selection state, then `layout` per
//! object). Alternates between two Region values so no result can be reused.
//! Also prints the memory the app takes per million order rows (VmRSS).
//!
//! `cargo bench -p qlik-sim --bench engine`

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use qlik_sim::data::{Context, Selections, layout, sample_app};
use qlik_sim::testing::rss_kib;
use serde_json::{Value, json};

const ROWS: usize = 1_000_000;

fn list_box(field: &str) -> Value {
    json!({"qInfo": {"qId": format!("lb-{field}"), "qType": "listbox"},
        "qListObjectDef": {"qDef": {"qFieldDefs": [field],
            "qSortCriterias": [{"qSortByState": 1, "qSortByAscii": 1}]},
        "qShowAlternatives": true,
        "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 1, "qHeight": 50}]}})
}

fn chart(id: &str, dims: &[&str], measures: &[&str], width: u64, height: u64) -> Value {
    json!({"qInfo": {"qId": id, "qType": id},
        "qHyperCubeDef": {
            "qDimensions": dims.iter().map(|d| json!({"qDef": {"qFieldDefs": [d]}})).collect::<Vec<_>>(),
            "qMeasures": measures.iter().map(|m| json!({"qDef": {"qDef": m}})).collect::<Vec<_>>(),
            "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": width, "qHeight": height}]}})
}

fn dashboard(c: &mut Criterion) {
    let before = rss_kib();
    let started = Instant::now();
    let app = sample_app(ROWS);
    let built = started.elapsed();
    let after = rss_kib();
    let mib = (after.saturating_sub(before)) as f64 / 1024.0;
    println!(
        "sample app, {ROWS} order rows: built in {:.1} s; VmRSS {:.0} MiB -> {:.0} MiB: {:.0} MiB per million rows",
        built.as_secs_f64(),
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        mib * 1_000_000.0 / ROWS as f64
    );

    let objects = [
        list_box("Region"),
        list_box("Category"),
        list_box("Year"),
        chart("kpi", &[], &["Sum(Sales)"], 1, 1),
        chart("bar", &["Category"], &["Sum(Sales)"], 2, 50),
        chart("table", &["Customer", "Region"], &["Sum(Sales)"], 3, 50),
    ];
    let region = app.field("Region").expect("Region");
    let values: Vec<u32> = ["EMEA", "APAC"]
        .iter()
        .map(|v| app.fields[region].symbol(v).expect("a region"))
        .collect();

    let mut turn = 0;
    let mut group = c.benchmark_group("engine");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("select_region_then_six_layouts_1m_rows", |b| {
        b.iter(|| {
            turn += 1;
            let mut selections = Selections::default();
            selections.select(region, &[values[turn % 2]], false);
            let associations = selections.associate(&app, None);
            let ctx = Context {
                app: &app,
                selections: &selections,
                associations: &associations,
                back_count: 1,
                forward_count: 0,
            };
            for object in &objects {
                black_box(layout(&ctx, object));
            }
        });
    });
    group.finish();
}

criterion_group!(benches, dashboard);
criterion_main!(benches);
