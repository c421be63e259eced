//! The page's render time of a large pivot table: Region, Customer and
//! Product on the left of the sample app's 100,000 order rows, fully
//! expanded (about 48,000 rows), `Sum(Sales)` and `Count(OrderID)` on top.
//! The engine's answers come from qlik-sim's pivot mode (the layout, then the
//! window the page shows: at most 10,000 cells); what is timed is the
//! server drawing that window as the page's HTML table (`mapping::pivot`),
//! and drawing every window in turn (paging through the whole pivot).
//!
//! `cargo bench -p app --features ssr --bench pivot_render`

use std::hint::black_box;
use std::time::Duration;

use app::dashboard::mapping::pivot::{PivotShape, pivot};
use app::dashboard::object_id::ObjectId;
use criterion::{Criterion, criterion_group, criterion_main};
use qlik::qix::layout::{HyperCube, NxPivotPage};
use qlik_sim::data::{Context, Selections, layout, pivot_expand, pivot_page, sample_app};
use qlik_sim::testing::{EXPAND_ALL_LEFT, sample_pivot};
use serde_json::json;

const ROWS: usize = 100_000;

fn render(c: &mut Criterion) {
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
    let mut expanded = sample_pivot();
    let state = pivot_expand(&ctx, &expanded, "/qHyperCubeDef", EXPAND_ALL_LEFT)
        .expect("a pivot")
        .expect("an expansion state");
    expanded["qHyperCubeDef"]["qExpansionState"] = state;
    let cube: HyperCube = serde_json::from_value(layout(&ctx, &expanded)["qHyperCube"].clone())
        .expect("the engine's hypercube");
    let shape = PivotShape::of(&cube);
    let window = |first_row: u32| -> NxPivotPage {
        let page = shape.window(first_row);
        let pages = json!([{"qTop": page.top, "qLeft": page.left,
            "qWidth": page.width, "qHeight": page.height}]);
        let answer = pivot_page(&ctx, &expanded, "/qHyperCubeDef", &pages).expect("a page");
        serde_json::from_value(answer[0].clone()).expect("an NxPivotPage")
    };
    let id: ObjectId = "pivot-0".parse().expect("an object id");
    let first = window(0);
    let drawn = pivot(&id, "Sales by region", &shape, &first, 0);
    println!(
        "pivot of {ROWS} order rows, fully expanded: {} rows; a window of {} rows x {} columns \
         is {} KB of HTML",
        shape.rows,
        shape.window_rows(),
        shape.window_width(),
        drawn.html.len() / 1000
    );
    let windows: Vec<(u32, NxPivotPage)> = (0..shape.rows)
        .step_by(shape.window_rows() as usize)
        .map(|top| (top, window(top)))
        .collect();

    let mut group = c.benchmark_group("pivot_render");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("first_window_100k_rows_expanded", |b| {
        b.iter(|| black_box(pivot(&id, "Sales by region", &shape, &first, 0)));
    });
    group.bench_function("every_window_100k_rows_expanded", |b| {
        b.iter(|| {
            for (top, page) in &windows {
                black_box(pivot(&id, "Sales by region", &shape, page, *top));
            }
        });
    });
    group.finish();
}

criterion_group!(benches, render);
criterion_main!(benches);
