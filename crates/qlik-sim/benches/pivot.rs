//! A pivot table over the sample app with 100,000 order rows: Region,
//! Customer and Product on the left (about 48,000 rows fully expanded), the
//! measures `Sum(Sales)` and `Count(OrderID)` on top. Measures, through the
//! functions the engine's methods use: `ExpandLeft` with `qAll` then the
//! layout (50 × 50 initial fetch), and paging through the whole expanded pivot
//! with `GetHyperCubePivotData` in pages of 10,000 cells (2 × 5,000).
//!
//! `cargo bench -p qlik-sim --bench pivot`

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use qlik_sim::data::{Context, Selections, layout, pivot_expand, pivot_page, sample_app};
use qlik_sim::testing::{EXPAND_ALL_LEFT, sample_pivot};
use serde_json::json;

const ROWS: usize = 100_000;

fn pivots(c: &mut Criterion) {
    let app = sample_app(ROWS);
    let selections = Selections::default();
    let associations = selections.associate(&app, None);
    let ctx = Context {
        app: &app,
        selections: &selections,
        associations: &associations,
        back_count: 0,
        forward_count: 0,
    };
    let collapsed = sample_pivot();
    let all = EXPAND_ALL_LEFT;
    let state = pivot_expand(&ctx, &collapsed, "/qHyperCubeDef", all)
        .expect("a pivot")
        .expect("a new expansion state");
    let mut expanded = collapsed.clone();
    expanded["qHyperCubeDef"]["qExpansionState"] = state;
    let size = layout(&ctx, &expanded)["qHyperCube"]["qSize"].clone();
    let rows = size["qcy"].as_u64().expect("rows");
    println!(
        "pivot of {ROWS} order rows, fully expanded: {rows} rows x {} columns",
        size["qcx"]
    );

    let mut group = c.benchmark_group("pivot");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("expand_all_then_layout_100k_rows", |b| {
        b.iter(|| {
            let state = pivot_expand(&ctx, &collapsed, "/qHyperCubeDef", all).expect("a pivot");
            let mut next = collapsed.clone();
            next["qHyperCubeDef"]["qExpansionState"] = state.expect("expanded");
            black_box(layout(&ctx, &next));
        });
    });
    group.bench_function("page_through_expanded_100k_rows_10000_cells_a_page", |b| {
        b.iter(|| {
            let mut top = 0;
            while top < rows {
                let pages = json!([{"qTop": top, "qLeft": 0, "qWidth": 2, "qHeight": 5_000}]);
                black_box(pivot_page(&ctx, &expanded, "/qHyperCubeDef", &pages).expect("pages"));
                top += 5_000;
            }
        });
    });
    group.finish();
}

criterion_group!(benches, pivots);
criterion_main!(benches);
