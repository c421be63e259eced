//! The brute-force reference of `tests/properties.rs`: Qlik's association
//! as the full natural outer join of small tables, enumerated, and the states
//! and aggregates it implies (the rules are in that file's header).

use std::collections::{BTreeMap, BTreeSet};

use qlik_sim::data::State;

/// One table: headers and rows (`None` = null).
#[derive(Debug, Clone)]
pub struct TableData {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Option<String>>>,
}

/// A random case: the tables, the selections, the checked hypercube.
#[derive(Debug, Clone)]
pub struct Case {
    pub tables: Vec<TableData>,
    /// (field name, picks: bit i selects the field's i-th value).
    pub selections: Vec<(String, u8)>,
    /// Dimension of the checked hypercube.
    pub dimension: String,
    /// The tables whose fields are measured (one or two).
    pub measured: Vec<usize>,
}

/// A row of the outer join: the row of each table (if any), the value of
/// each field (`None`: null, or no row holds the field).
pub struct Joined {
    pub rows: Vec<Option<usize>>,
    pub values: BTreeMap<String, Option<String>>,
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
pub fn outer_join(tables: &[TableData]) -> Vec<Joined> {
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

/// Whether a joined row satisfies the selections (but that of `skip`).
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

/// The states of a field's values under the selections.
pub fn reference_states(
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
pub fn measures(t: usize) -> [String; 5] {
    [
        format!("Sum(V{t})"),
        format!("Count([V{t}])"),
        format!("Min(V{t})"),
        format!("Max(V{t})"),
        format!("Count(DISTINCT A{t})"),
    ]
}

/// (dimension value or null) → measure values, plus the totals.
pub type Aggregates = (BTreeMap<Option<String>, Vec<Option<f64>>>, Vec<Option<f64>>);

/// The measures over a set of records (rows) of each measured table.
pub fn reference_measures(case: &Case, records: &[BTreeSet<usize>]) -> Vec<Option<f64>> {
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

/// The measures by the case's dimension, and the totals.
pub fn reference_cube(
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
