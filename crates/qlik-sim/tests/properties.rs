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

/// How the tables are linked.
#[derive(Debug, Clone, Copy)]
enum Shape {
    /// Every table holds the key `K`.
    Star,
    /// `T0(K1)`, `T1(K1, K2)`, `T2(K2)`.
    Chain,
}

/// One table: headers and rows (`None` = null).
#[derive(Debug, Clone)]
struct TableData {
    name: String,
    headers: Vec<String>,
    rows: Vec<Vec<Option<String>>>,
}

#[derive(Debug, Clone)]
struct Case {
    tables: Vec<TableData>,
    /// (field name, picks: bit i selects the field's i-th value).
    selections: Vec<(String, u8)>,
    /// Dimension of the checked hypercube.
    dimension: String,
    /// The tables whose fields are measured (one or two).
    measured: Vec<usize>,
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

/// A row of the outer join: the row of each table (if any), the value of
/// each field (`None`: null, or no row holds the field).
struct Joined {
    rows: Vec<Option<usize>>,
    values: BTreeMap<String, Option<String>>,
}

/// The rows' values of every field, if the rows agree on the fields they
/// share and are connected through them.
fn combine(
    tables: &[TableData],
    rows: &[Option<usize>],
) -> Option<BTreeMap<String, Option<String>>> {
    let chosen: Vec<usize> = (0..tables.len()).filter(|t| rows[*t].is_some()).collect();
    let mut values: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut holders: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for t in &chosen {
        let row = &tables[*t].rows[rows[*t]?];
        for (header, value) in tables[*t].headers.iter().zip(row) {
            holders.entry(header).or_default().push(*t);
            match values.get(header) {
                Some(existing) if existing.is_none() || existing != value => return None,
                Some(_) => {}
                None => {
                    values.insert(header.clone(), value.clone());
                }
            }
        }
    }
    // Shared values agree and are not null; now connected?
    let first = *chosen.first()?;
    let mut reached = BTreeSet::from([first]);
    loop {
        let before = reached.len();
        for linked in holders.values().filter(|h| h.len() > 1) {
            if linked.iter().any(|t| reached.contains(t)) {
                reached.extend(linked);
            }
        }
        if reached.len() == before {
            break;
        }
    }
    (reached.len() == chosen.len()).then_some(values)
}

/// The full natural outer join: every maximal connected set of agreeing rows.
fn outer_join(tables: &[TableData]) -> Vec<Joined> {
    let mut sets: Vec<Vec<Option<usize>>> = vec![Vec::new()];
    for table in tables {
        sets = sets
            .into_iter()
            .flat_map(|set| {
                std::iter::once(None)
                    .chain((0..table.rows.len()).map(Some))
                    .map(move |row| {
                        let mut next = set.clone();
                        next.push(row);
                        next
                    })
            })
            .collect();
    }
    let valid: Vec<Joined> = sets
        .into_iter()
        .filter_map(|rows| combine(tables, &rows).map(|values| Joined { rows, values }))
        .collect();
    let contains = |big: &[Option<usize>], small: &[Option<usize>]| {
        big != small && small.iter().zip(big).all(|(s, b)| s.is_none() || s == b)
    };
    let maximal: Vec<bool> = valid
        .iter()
        .map(|j| !valid.iter().any(|other| contains(&other.rows, &j.rows)))
        .collect();
    valid
        .into_iter()
        .zip(maximal)
        .filter_map(|(j, keep)| keep.then_some(j))
        .collect()
}

fn satisfies(
    joined: &Joined,
    selections: &BTreeMap<String, BTreeSet<String>>,
    skip: Option<&str>,
) -> bool {
    selections.iter().all(|(field, selected)| {
        Some(field.as_str()) == skip
            || joined
                .values
                .get(field)
                .and_then(Option::as_ref)
                .is_some_and(|v| selected.contains(v))
    })
}

fn reference_states(
    joined: &[Joined],
    selections: &BTreeMap<String, BTreeSet<String>>,
    field: &str,
    values: &[String],
) -> Vec<State> {
    let occurs = |skip: Option<&str>| -> BTreeSet<String> {
        joined
            .iter()
            .filter(|j| satisfies(j, selections, skip))
            .filter_map(|j| j.values.get(field).cloned().flatten())
            .collect()
    };
    let possible = occurs(None);
    let alternative = occurs(Some(field));
    values
        .iter()
        .map(|v| match selections.get(field) {
            None if possible.contains(v) => State::O,
            None => State::X,
            Some(selected) if selected.contains(v) => {
                if possible.contains(v) {
                    State::S
                } else {
                    State::XS
                }
            }
            Some(_) if alternative.contains(v) => State::A,
            Some(_) => State::X,
        })
        .collect()
}

/// The measures of each measured table `t`, in this order.
fn measures(t: usize) -> [String; 5] {
    [
        format!("Sum(V{t})"),
        format!("Count([V{t}])"),
        format!("Min(V{t})"),
        format!("Max(V{t})"),
        format!("Count(DISTINCT A{t})"),
    ]
}

/// (dimension value or null) → measure values, plus the totals.
type Aggregates = (BTreeMap<Option<String>, Vec<Option<f64>>>, Vec<Option<f64>>);

/// The measures over a set of records (rows) of each measured table.
fn reference_measures(case: &Case, records: &[BTreeSet<usize>]) -> Vec<Option<f64>> {
    let mut results = Vec::new();
    for (t, records) in case.measured.iter().zip(records) {
        let table = &case.tables[*t];
        let width = table.headers.len();
        let values: Vec<f64> = records
            .iter()
            .filter_map(|r| table.rows[*r][width - 1].as_ref())
            .map(|v| v.parse().unwrap())
            .collect();
        let distinct: BTreeSet<&String> = records
            .iter()
            .filter_map(|r| table.rows[*r][width - 2].as_ref())
            .collect();
        results.extend([
            Some(values.iter().fold(0.0, |a, b| a + b)),
            Some(values.len() as f64),
            values.iter().copied().reduce(f64::min),
            values.iter().copied().reduce(f64::max),
            Some(distinct.len() as f64),
        ]);
    }
    results
}

fn reference_cube(
    case: &Case,
    joined: &[Joined],
    selections: &BTreeMap<String, BTreeSet<String>>,
) -> Aggregates {
    let empty = || vec![BTreeSet::new(); case.measured.len()];
    let mut groups: BTreeMap<Option<String>, Vec<BTreeSet<usize>>> = BTreeMap::new();
    let mut all = empty();
    for j in joined.iter().filter(|j| satisfies(j, selections, None)) {
        if case.measured.iter().all(|t| j.rows[*t].is_none()) {
            continue;
        }
        let group = groups
            .entry(j.values.get(&case.dimension).cloned().flatten())
            .or_insert_with(empty);
        for (m, t) in case.measured.iter().enumerate() {
            if let Some(row) = j.rows[*t] {
                group[m].insert(row);
                all[m].insert(row);
            }
        }
    }
    (
        groups
            .iter()
            .map(|(d, records)| (d.clone(), reference_measures(case, records)))
            .collect(),
        reference_measures(case, &all),
    )
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
