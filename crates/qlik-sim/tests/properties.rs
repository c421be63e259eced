//! Property tests of the associative model against a brute-force reference.
//!
//! Random small apps (2–3 tables linked by shared key fields, as a star on one
//! key or a chain of two keys; a handful of rows; small value domains with
//! nulls, each table drawing its keys from a shifted domain so that some key
//! values are in one table only) and random selections on 1–2 fields. The
//! reference is Qlik's association, a full natural outer join of the tables
//! (docs/qlik-protocol.md, "Logical inference"), enumerated: every *maximal*
//! set of rows, at most one per table, that agree on the fields they share
//! (equal, non-null values) and are connected through them. A set satisfies
//! the selections when, for each selected field, one of its rows holds a
//! selected value.
//!
//! - a value is possible iff a satisfying set has it; alternative iff it is
//!   not selected and a set satisfying the selections of all *other* fields
//!   has it; a selected value that is not possible is selected-excluded
//!   (`XS`); with no selection every value is possible, linked or not;
//! - a measure aggregates over the *records* of its field's table (Qlik does
//!   not multiply a record by the join): `Sum(V)`/`Count(V)` by a dimension
//!   value cover each record of V's table once per dimension value (null when
//!   the set has no row holding the dimension) of a satisfying set holding
//!   the record; totals cover each such record once. The groups are the
//!   dimension values of the satisfying sets holding a measured record.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use qlik_sim::data::{App, Context, Selections, State, layout};
use serde_json::{Value, json};

mod outer_join;

use outer_join::{
    Aggregates, Case, TableData, measures, outer_join, reference_cube, reference_states,
};

/// How the tables are linked.
#[derive(Debug, Clone, Copy)]
enum Shape {
    /// Every table holds the key `K`.
    Star,
    /// `T0(K1)`, `T1(K1, K2)`, `T2(K2)`.
    Chain,
}

fn key_fields(shape: Shape, tables: usize, t: usize) -> Vec<&'static str> {
    match shape {
        Shape::Star => vec!["K"],
        Shape::Chain if tables == 2 => vec!["K1"],
        Shape::Chain => match t {
            0 => vec!["K1"],
            1 => vec!["K1", "K2"],
            _ => vec!["K2"],
        },
    }
}

/// A cell: null one time in `null_one_in`, else a value of the domain.
fn cell(domain: u8, null_one_in: u8) -> impl Strategy<Value = Option<u8>> {
    (0..null_one_in, 0..domain).prop_map(|(n, v)| (n != 0).then_some(v))
}

fn table(t: usize, keys: Vec<&'static str>) -> impl Strategy<Value = TableData> {
    let width = keys.len() + 2;
    let row = (
        proptest::collection::vec(cell(4, 8), keys.len()),
        // Table t's keys are k{t}..k{t+3}: k0 is in table 0 only, and so on.
        cell(3, 6),
        cell(5, 5),
    );
    proptest::collection::vec(row, 0..=6).prop_map(move |rows| {
        let mut headers: Vec<String> = keys.iter().map(|k| (*k).to_owned()).collect();
        headers.push(format!("A{t}"));
        headers.push(format!("V{t}"));
        let rows = rows
            .into_iter()
            .map(|(ks, a, v)| {
                let mut row: Vec<Option<String>> = ks
                    .into_iter()
                    .map(|k| k.map(|k| format!("k{}", k as usize + t)))
                    .collect();
                row.push(a.map(|a| format!("a{t}{a}")));
                row.push(v.map(|v| v.to_string()));
                debug_assert_eq!(row.len(), width);
                row
            })
            .collect();
        TableData {
            name: format!("T{t}"),
            headers,
            rows,
        }
    })
}

fn case() -> impl Strategy<Value = Case> {
    (
        2usize..=3,
        prop_oneof![Just(Shape::Star), Just(Shape::Chain)],
    )
        .prop_flat_map(|(n, shape)| {
            let tables: Vec<_> = (0..n).map(|t| table(t, key_fields(shape, n, t))).collect();
            let mut names: Vec<String> = (0..n)
                .flat_map(|t| key_fields(shape, n, t))
                .map(str::to_owned)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            names.extend((0..n).flat_map(|t| [format!("A{t}"), format!("V{t}")]));
            let field = proptest::sample::select(names);
            (
                tables,
                proptest::collection::vec((field.clone(), 1u8..=255), 1..=2),
                field,
                proptest::sample::subsequence((0..n).collect::<Vec<_>>(), 1..=2),
            )
        })
        .prop_map(|(tables, selections, dimension, measured)| Case {
            tables,
            selections,
            dimension,
            measured,
        })
}

fn build(case: &Case) -> App {
    let mut app = App::new("p", "p");
    for table in &case.tables {
        let rows = table
            .rows
            .iter()
            .map(|r| r.iter().map(|c| c.clone().unwrap_or_default()).collect())
            .collect();
        app.add_table(&table.name, &table.headers, rows);
    }
    app
}

/// The sim's selections and the same as field → selected texts.
fn select(app: &App, case: &Case) -> (Selections, BTreeMap<String, BTreeSet<String>>) {
    let mut selections = Selections::default();
    let mut texts = BTreeMap::new();
    for (name, picks) in &case.selections {
        let Some(field) = app.field(name) else {
            continue;
        };
        let values = &app.fields[field].values;
        if values.is_empty() {
            continue;
        }
        let mut symbols: Vec<u32> = (0..values.len().min(8))
            .filter(|i| picks & (1 << i) != 0)
            .map(|i| i as u32)
            .collect();
        if symbols.is_empty() {
            symbols.push(0);
        }
        selections.select(field, &symbols, false);
        texts.insert(
            name.clone(),
            symbols
                .iter()
                .map(|s| values[*s as usize].text.clone())
                .collect(),
        );
    }
    (selections, texts)
}

fn number(cell: &Value) -> Option<f64> {
    cell["qNum"].as_f64()
}

fn cube_properties(case: &Case, dimensions: &[&str]) -> Value {
    let measures: Vec<Value> = case
        .measured
        .iter()
        .flat_map(|t| measures(*t))
        .map(|e| json!({"qDef": {"qDef": e}}))
        .collect();
    let width = dimensions.len() + measures.len();
    json!({"qInfo": {"qId": "cube", "qType": "table"}, "qHyperCubeDef": {
        "qDimensions": dimensions.iter().map(|d| json!({"qDef": {"qFieldDefs": [d]}})).collect::<Vec<_>>(),
        "qMeasures": measures,
        "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": width, "qHeight": 100}]}})
}

fn sim_cube(ctx: &Context<'_>, case: &Case) -> Aggregates {
    let cube = &layout(ctx, &cube_properties(case, &[&case.dimension]))["qHyperCube"];
    let mut groups = BTreeMap::new();
    for row in cube["qDataPages"][0]["qMatrix"].as_array().unwrap() {
        let row = row.as_array().unwrap();
        let dimension = (!row[0]["qIsNull"].as_bool().unwrap())
            .then(|| row[0]["qText"].as_str().unwrap().to_owned());
        let values = row[1..].iter().map(number).collect();
        let previous = groups.insert(dimension, values);
        assert!(previous.is_none(), "a dimension value twice: {row:?}");
    }
    assert_eq!(cube["qSize"]["qcy"], groups.len());
    let totals = cube["qGrandTotalRow"].as_array().unwrap();
    (groups, totals.iter().map(number).collect())
}

fn sim_kpi(ctx: &Context<'_>, case: &Case) -> Vec<Option<f64>> {
    let cube = &layout(ctx, &cube_properties(case, &[]))["qHyperCube"];
    let row = cube["qDataPages"][0]["qMatrix"][0].as_array().unwrap();
    row.iter().map(number).collect()
}

fn check(case: &Case) -> Result<(), TestCaseError> {
    let app = build(case);
    let (selections, selected) = select(&app, case);
    let associations = selections.associate(&app, None);
    let joined = outer_join(&case.tables);

    for (index, field) in app.fields.iter().enumerate() {
        let texts: Vec<String> = field.values.iter().map(|c| c.text.clone()).collect();
        let expected = reference_states(&joined, &selected, &field.name, &texts);
        let actual = selections.states(&app, &associations, index);
        prop_assert_eq!(
            &actual,
            &expected,
            "states of {} ({:?}), selections {:?}",
            field.name,
            texts,
            selected
        );
    }

    let ctx = Context {
        app: &app,
        selections: &selections,
        associations: &associations,
        back_count: 0,
        forward_count: 0,
    };
    let (groups, totals) = reference_cube(case, &joined, &selected);
    let (sim_groups, sim_totals) = sim_cube(&ctx, case);
    prop_assert_eq!(
        &sim_groups,
        &groups,
        "measures of {:?} by {}, selections {:?}",
        case.measured,
        case.dimension,
        selected
    );
    prop_assert_eq!(&sim_totals, &totals, "totals");
    prop_assert_eq!(&sim_kpi(&ctx, case), &totals, "KPI without dimensions");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn states_and_cubes_match_the_full_outer_join(case in case()) {
        check(&case)?;
    }
}

/// A hand-made case the random ones cover too: a dimension table with
/// several rows per key (many-to-many), measured on the other side.
#[test]
fn many_to_many_records_count_once_per_dimension_value() {
    let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let rows = |data: &[&[&str]]| -> Vec<Vec<Option<String>>> {
        data.iter()
            .map(|r| r.iter().map(|c| some(c)).collect())
            .collect()
    };
    let headers = |h: &[&str]| h.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let case = Case {
        tables: vec![
            TableData {
                name: "T0".into(),
                headers: headers(&["K", "A0", "V0"]),
                rows: rows(&[
                    &["k1", "a00", "1"],
                    &["k1", "a01", "2"],
                    &["k2", "a00", "4"],
                ]),
            },
            TableData {
                name: "T1".into(),
                headers: headers(&["K", "A1", "V1"]),
                rows: rows(&[
                    &["k1", "a10", "10"],
                    &["k1", "a11", "20"],
                    &["k2", "a10", "40"],
                    &["k3", "a10", "80"],
                    &["k2", "a11", ""],
                ]),
            },
        ],
        selections: vec![("A1".into(), 1)],
        dimension: "A0".into(),
        measured: vec![1],
    };
    check(&case).unwrap();
}

/// Keys missing in the other table, with no selection: every value stays
/// possible, and the records no dimension row links count under a null
/// dimension value (a natural inner join would drop them all).
#[test]
fn unlinked_records_stay_possible_and_count_under_null() {
    let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let rows = |data: &[&[&str]]| -> Vec<Vec<Option<String>>> {
        data.iter()
            .map(|r| r.iter().map(|c| some(c)).collect())
            .collect()
    };
    let headers = |h: &[&str]| h.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let case = Case {
        tables: vec![
            TableData {
                name: "T0".into(),
                headers: headers(&["K", "A0", "V0"]),
                rows: rows(&[&["k1", "a00", "1"], &["k9", "a01", "2"], &["", "a00", "4"]]),
            },
            TableData {
                name: "T1".into(),
                headers: headers(&["K", "A1", "V1"]),
                rows: rows(&[&["k1", "a10", "10"], &["k2", "a11", "20"]]),
            },
        ],
        selections: Vec::new(),
        dimension: "A1".into(),
        measured: vec![0],
    };
    check(&case).unwrap();
    let app = build(&case);
    let selections = Selections::default();
    let associations = selections.associate(&app, None);
    for field in 0..app.fields.len() {
        let states = selections.states(&app, &associations, field);
        assert!(states.iter().all(|s| *s == State::O), "{states:?}");
    }
    let ctx = Context {
        app: &app,
        selections: &selections,
        associations: &associations,
        back_count: 0,
        forward_count: 0,
    };
    let (groups, totals) = sim_cube(&ctx, &case);
    assert_eq!(groups[&Some("a10".to_owned())][0], Some(1.0));
    assert_eq!(groups[&None][0], Some(6.0), "{groups:?}");
    assert_eq!(totals[0], Some(7.0));
    // `qNullSuppression` on the dimension drops the null row.
    let mut properties = cube_properties(&case, &["A1"]);
    properties["qHyperCubeDef"]["qDimensions"][0]["qNullSuppression"] = json!(true);
    let cube = &layout(&ctx, &properties)["qHyperCube"];
    assert_eq!(cube["qSize"]["qcy"], 1, "{cube}");
    assert_eq!(cube["qDataPages"][0]["qMatrix"][0][0]["qText"], "a10");
}
