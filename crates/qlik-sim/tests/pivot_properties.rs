//! Property tests of pivot mode against a brute-force reference.
//!
//! Random one-table apps (dimensions `A`, `B`, `C` over small domains with
//! nulls, a number `V`), an optional selection, and a fully expanded pivot
//! of `Sum(V)`, `Count(V)` and `Count(DISTINCT V)` by `A`, `B` (both with
//! totals) and `C`, its levels split at a random place between left and top
//! with the measures' pseudo dimension at a random level. The reference:
//!
//! - the leaves of each axis (without totals) are exactly the combinations of
//!   its dimensions on the rows under the selection;
//! - every cell is its measure over the rows matching the values its row and
//!   column fix (a total fixes nothing at its level), `E` when none match;
//! - a subtotal or total of `Sum(V)` equals the sum of the rows it totals;
//!   `Count(DISTINCT V)` is the count over the group, which the sum of its
//!   rows may exceed (Qlik computes totals as the measure over the group).

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use qlik_sim::data::{App, Context, Selections, layout, pivot_page};
use serde_json::{Value, json};

const DIMS: [&str; 3] = ["A", "B", "C"];

#[derive(Debug, Clone)]
struct Case {
    /// Rows of `A, B, C, V` (`None`: null).
    rows: Vec<[Option<u8>; 4]>,
    /// A selection: dimension and picks (bit i: the i-th value).
    selection: Option<(usize, u8)>,
    /// How many levels are on the left.
    left: usize,
    /// The pseudo dimension's level.
    pseudo: usize,
    totals_above: bool,
}

fn cell(domain: u8) -> impl Strategy<Value = Option<u8>> {
    (0..5u8, 0..domain).prop_map(|(n, v)| (n != 0).then_some(v))
}

fn case() -> impl Strategy<Value = Case> {
    (
        proptest::collection::vec([cell(3), cell(3), cell(3), cell(4)], 0..=8),
        proptest::option::of((0..3usize, 1..=255u8)),
        0..=4usize,
        0..=3usize,
        any::<bool>(),
    )
        .prop_map(|(rows, selection, left, pseudo, totals_above)| Case {
            rows,
            selection,
            left,
            pseudo,
            totals_above,
        })
}

fn text(dim: usize, value: Option<u8>) -> Option<String> {
    value.map(|v| format!("{}{v}", DIMS[dim].to_lowercase()))
}

fn build(case: &Case) -> App {
    let mut app = App::new("p", "p");
    let headers: Vec<String> = ["A", "B", "C", "V"].iter().map(|s| s.to_string()).collect();
    let rows = case
        .rows
        .iter()
        .map(|r| {
            let mut row: Vec<String> = (0..3).map(|d| text(d, r[d]).unwrap_or_default()).collect();
            row.push(r[3].map(|v| v.to_string()).unwrap_or_default());
            row
        })
        .collect();
    app.add_table("T", &headers, rows);
    app
}

/// The sim's selection and the selected texts of its dimension.
fn select(app: &App, case: &Case) -> (Selections, Option<(usize, BTreeSet<String>)>) {
    let mut selections = Selections::default();
    let Some((dim, picks)) = case.selection else {
        return (selections, None);
    };
    let Some(field) = app.field(DIMS[dim]) else {
        return (selections, None);
    };
    let values = &app.fields[field].values;
    let symbols: Vec<u32> = (0..values.len().min(8))
        .filter(|i| picks & (1 << i) != 0)
        .map(|i| i as u32)
        .collect();
    if symbols.is_empty() {
        return (selections, None);
    }
    selections.select(field, &symbols, false);
    let texts = symbols
        .iter()
        .map(|s| values[*s as usize].text.clone())
        .collect();
    (selections, Some((dim, texts)))
}

fn properties(case: &Case) -> Value {
    let mut order: Vec<i64> = vec![0, 1, 2];
    order.insert(case.pseudo, -1);
    let total = |d: &str| {
        json!({"qDef": {"qFieldDefs": [d]}, "qOtherTotalSpec": {"qTotalMode": "TOTAL_EXPR"},
            "qTotalLabel": format!("All {d}")})
    };
    json!({"qInfo": {"qId": "pivot", "qType": "pivot-table"}, "qHyperCubeDef": {
        "qMode": "P", "qAlwaysFullyExpanded": true, "qNoOfLeftDims": case.left,
        "qShowTotalsAbove": case.totals_above, "qInterColumnSortOrder": order,
        "qDimensions": [total("A"), total("B"), {"qDef": {"qFieldDefs": ["C"]}}],
        "qMeasures": [{"qDef": {"qDef": "Sum(V)"}}, {"qDef": {"qDef": "Count(V)"}},
            {"qDef": {"qDef": "Count(DISTINCT V)"}}]}})
}

/// What one leaf of an axis stands for.
#[derive(Debug, Clone, Default)]
struct Leaf {
    /// Dimension → value (`None`: the null value).
    fixed: BTreeMap<usize, Option<String>>,
    measure: Option<usize>,
    /// The dimensions it totals over.
    totals: BTreeSet<usize>,
}

/// The levels of the pivot: dimensions, `None` for the pseudo one.
fn levels(case: &Case) -> Vec<Option<usize>> {
    let mut levels: Vec<Option<usize>> = (0..3).map(Some).collect();
    levels.insert(case.pseudo, None);
    levels
}

fn leaves(
    nodes: &[Value],
    levels: &[Option<usize>],
    depth: usize,
    path: &Leaf,
    out: &mut Vec<Leaf>,
) {
    for node in nodes {
        let mut leaf = path.clone();
        match (node["qType"].as_str().unwrap(), levels[depth]) {
            ("N", Some(d)) => {
                leaf.fixed
                    .insert(d, Some(node["qText"].as_str().unwrap().to_owned()));
            }
            ("U", Some(d)) => {
                leaf.fixed.insert(d, None);
            }
            ("T", Some(d)) => {
                leaf.totals.insert(d);
            }
            ("P", None) => leaf.measure = Some(node["qElemNo"].as_u64().unwrap() as usize),
            // A filler below a total, down to the pseudo level.
            ("E", Some(_)) => {}
            other => panic!("unexpected node {other:?}: {node}"),
        }
        assert_eq!(node["qUp"], 0);
        assert_eq!(node["qDown"], 0);
        let children = node["qSubNodes"].as_array().unwrap();
        if children.is_empty() {
            out.push(leaf);
        } else {
            leaves(children, levels, depth + 1, &leaf, out);
        }
    }
}

/// The rows under the selection matching `fixed`.
fn matching<'a>(
    case: &'a Case,
    selected: &'a Option<(usize, BTreeSet<String>)>,
    fixed: &'a BTreeMap<usize, Option<String>>,
) -> impl Iterator<Item = &'a [Option<u8>; 4]> {
    case.rows.iter().filter(move |r| {
        let chosen = selected
            .as_ref()
            .is_none_or(|(d, texts)| text(*d, r[*d]).is_some_and(|t| texts.contains(&t)));
        chosen && fixed.iter().all(|(d, v)| text(*d, r[*d]) == *v)
    })
}

fn reference(rows: &[&[Option<u8>; 4]], measure: usize) -> f64 {
    let values: Vec<f64> = rows.iter().filter_map(|r| r[3]).map(f64::from).collect();
    match measure {
        0 => values.iter().sum(),
        1 => values.len() as f64,
        _ => values
            .iter()
            .map(|v| *v as u64)
            .collect::<BTreeSet<_>>()
            .len() as f64,
    }
}

fn check(case: &Case) -> Result<(), TestCaseError> {
    let app = build(case);
    let (selections, selected) = select(&app, case);
    let associations = selections.associate(&app, None);
    let ctx = Context {
        app: &app,
        selections: &selections,
        associations: &associations,
        back_count: 0,
        forward_count: 0,
    };
    let props = properties(case);
    let cube = &layout(&ctx, &props)["qHyperCube"];
    let (columns, rows) = (
        cube["qSize"]["qcx"].as_u64().unwrap(),
        cube["qSize"]["qcy"].as_u64().unwrap(),
    );
    let page = json!([{"qLeft": 0, "qTop": 0, "qWidth": columns, "qHeight": rows}]);
    let page = &pivot_page(&ctx, &props, "/qHyperCubeDef", &page).unwrap()[0];
    if rows == 0 || columns == 0 {
        // Nothing under the selection on one axis: an empty page.
        prop_assert_eq!(&page["qData"], &json!([]));
        prop_assert!(case.rows.is_empty());
        return Ok(());
    }
    let levels = levels(case);
    let (left_levels, top_levels) = levels.split_at(case.left);
    let mut left = Vec::new();
    leaves(
        page["qLeft"].as_array().unwrap(),
        left_levels,
        0,
        &Leaf::default(),
        &mut left,
    );
    let mut top = Vec::new();
    leaves(
        page["qTop"].as_array().unwrap(),
        top_levels,
        0,
        &Leaf::default(),
        &mut top,
    );
    if left_levels.is_empty() {
        left.push(Leaf::default());
    }
    if top_levels.is_empty() {
        top.push(Leaf::default());
    }
    prop_assert_eq!(left.len() as u64, rows);
    prop_assert_eq!(top.len() as u64, columns);

    // The value leaves of each axis are the combinations under the selection.
    let none = BTreeMap::new();
    for (axis, axis_levels) in [(&left, left_levels), (&top, top_levels)] {
        let dims: Vec<usize> = axis_levels.iter().flatten().copied().collect();
        let expected: BTreeSet<Vec<Option<String>>> = matching(case, &selected, &none)
            .map(|r| dims.iter().map(|d| text(*d, r[*d])).collect())
            .collect();
        let actual: BTreeSet<Vec<Option<String>>> = axis
            .iter()
            .filter(|l| l.totals.is_empty())
            .map(|l| dims.iter().map(|d| l.fixed[d].clone()).collect())
            .collect();
        if !dims.is_empty() {
            prop_assert_eq!(actual, expected, "leaves of {:?}", dims);
        }
    }

    // Every cell: its measure over the rows its row and column fix.
    let data = page["qData"].as_array().unwrap();
    for (y, row) in left.iter().enumerate() {
        for (x, column) in top.iter().enumerate() {
            let cell = &data[y][x];
            let mut fixed = row.fixed.clone();
            fixed.extend(column.fixed.clone());
            let measure = row.measure.or(column.measure).unwrap();
            let group: Vec<_> = matching(case, &selected, &fixed).collect();
            if group.is_empty() {
                prop_assert_eq!(&cell["qType"], "E", "{:?} {:?}", row, column);
                continue;
            }
            let total = !row.totals.is_empty() || !column.totals.is_empty();
            prop_assert_eq!(&cell["qType"], if total { "T" } else { "V" });
            prop_assert_eq!(
                cell["qNum"].as_f64(),
                Some(reference(&group, measure)),
                "{:?} {:?}",
                row,
                column
            );
        }
    }

    // Subtotals of Sum(V) are the sums of the rows they total.
    for (y, row) in left
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.totals.is_empty())
    {
        if row.measure.is_some_and(|m| m != 0) {
            continue;
        }
        let parts: Vec<usize> = left
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                l.totals.is_empty()
                    && l.measure == row.measure
                    && row.fixed.iter().all(|(d, v)| l.fixed.get(d) == Some(v))
            })
            .map(|(i, _)| i)
            .collect();
        for (x, column) in top.iter().enumerate() {
            if column.measure.unwrap_or(0) != 0 || !column.totals.is_empty() {
                continue;
            }
            let sum: f64 = parts
                .iter()
                .filter_map(|p| data[*p][x]["qNum"].as_f64())
                .sum();
            let cell = data[y][x]["qNum"].as_f64().unwrap_or(0.0);
            prop_assert_eq!(cell, sum, "subtotal row {} column {}", y, x);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn fully_expanded_pivots_match_the_grouped_rows(case in case()) {
        check(&case)?;
    }
}

/// Qlik's totals are the measure over the group: a distinct count's total is
/// not the sum of its rows.
#[test]
fn a_distinct_count_total_is_not_the_sum_of_its_rows() {
    let case = Case {
        rows: vec![
            [Some(0), Some(0), Some(0), Some(1)],
            [Some(1), Some(0), Some(0), Some(1)],
        ],
        selection: None,
        left: 1,
        pseudo: 1,
        totals_above: false,
    };
    check(&case).unwrap();
    let app = build(&case);
    let selections = Selections::default();
    let associations = selections.associate(&app, None);
    let ctx = Context {
        app: &app,
        selections: &selections,
        associations: &associations,
        back_count: 0,
        forward_count: 0,
    };
    let props = properties(&case);
    let page = json!([{"qLeft": 0, "qTop": 0, "qWidth": 10, "qHeight": 10}]);
    let page = &pivot_page(&ctx, &props, "/qHyperCubeDef", &page).unwrap()[0];
    // Rows a0, a1 and the grand total; columns per measure (Sum, Count,
    // Count DISTINCT): b0 c0, then the total of B.
    let rows = page["qData"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].as_array().unwrap().len(), 6);
    assert_eq!(rows[0][4]["qNum"], 1.0);
    assert_eq!(rows[1][4]["qNum"], 1.0);
    assert_eq!(rows[2][4]["qNum"], 1.0, "the distinct count over both rows");
    assert_eq!(rows[2][0]["qNum"], 2.0, "the sum over both rows");
    assert_eq!(rows[2][4]["qType"], "T");
    assert_eq!(page["qLeft"][2]["qText"], "All A");
}
