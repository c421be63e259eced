//! Hypercubes: group the associated rows by the dimensions and aggregate.

mod aggregate;
mod tree;

use std::collections::{HashMap, HashSet};

use super::app::{App, NULL};
use super::expr::{Aggregation, Expr};
use super::selection::Associations;
use aggregate::{Accumulator, Node, Once, combine};
use tree::{Tree, base_table};

/// One row of a computed cube.
#[derive(Debug, Clone, PartialEq)]
pub struct CubeRow {
    /// Dimension symbols ([`NULL`] for a missing value).
    pub dims: Vec<u32>,
    /// Measure values (`None`: null).
    pub values: Vec<Option<f64>>,
}

/// A computed cube.
#[derive(Debug, Clone, PartialEq)]
pub struct Cube {
    /// Rows in group discovery order (sorted later).
    pub rows: Vec<CubeRow>,
    /// Measure values over all associated rows.
    pub totals: Vec<Option<f64>>,
    /// Not computed: a join would pass [`JOIN_LIMIT`] rows (no rows, null
    /// totals).
    pub too_large: bool,
}

/// The most rows a cube joins (each holds a row number per table joined);
/// past it the cube is not computed rather than exhausting memory.
pub const JOIN_LIMIT: usize = 10_000_000;

/// The combinations of dimension symbols met so far, numbered in order of
/// appearance; densely indexed when there are few possible combinations.
struct Groups {
    keys: Vec<Vec<u32>>,
    /// Per dimension: its number of symbols plus one (for null).
    cardinals: Vec<usize>,
    /// Group of each dense combination index (`u32::MAX`: none yet).
    slots: Option<Vec<u32>>,
    numbers: HashMap<Vec<u32>, u32>,
}

impl Groups {
    fn new(app: &App, dims: &[usize]) -> Self {
        let cardinals: Vec<usize> = dims
            .iter()
            .map(|d| app.fields[*d].values.len() + 1)
            .collect();
        let slots = cardinals
            .iter()
            .try_fold(1usize, |n, c| n.checked_mul(*c))
            .filter(|n| *n <= 1 << 20)
            .map(|size| vec![u32::MAX; size]);
        Self {
            keys: Vec::new(),
            cardinals,
            slots,
            numbers: HashMap::new(),
        }
    }

    /// The group of each of `count` joined rows, given the symbol of
    /// dimension `d` in row `i`.
    fn assign(&mut self, count: usize, symbol: impl Fn(usize, usize) -> u32) -> Vec<u32> {
        let dims = self.cardinals.len();
        let mut groups = Vec::with_capacity(count);
        if let Some(slots) = &mut self.slots {
            let mut index = vec![0usize; count];
            for (d, cardinal) in self.cardinals.iter().enumerate() {
                for (i, slot) in index.iter_mut().enumerate() {
                    let s = symbol(d, i);
                    let s = if s == NULL { cardinal - 1 } else { s as usize };
                    *slot = *slot * cardinal + s;
                }
            }
            for (i, slot) in index.iter().enumerate() {
                let group = &mut slots[*slot];
                if *group == u32::MAX {
                    *group = self.keys.len() as u32;
                    self.keys.push((0..dims).map(|d| symbol(d, i)).collect());
                }
                groups.push(*group);
            }
            return groups;
        }
        for i in 0..count {
            let key: Vec<u32> = (0..dims).map(|d| symbol(d, i)).collect();
            let next = self.keys.len() as u32;
            let keys = &mut self.keys;
            let group = *self.numbers.entry(key).or_insert_with_key(|key| {
                keys.push(key.clone());
                next
            });
            groups.push(group);
        }
        groups
    }
}

/// The join of the tables from one base table, and the group of each joined row.
struct Joined {
    tree: Tree,
    rows: Vec<Vec<u32>>,
    groups: Vec<u32>,
}

/// Groups by `dims` and evaluates `measures` per group, with Qlik's
/// semantics: an aggregation covers the associated records of its fields'
/// table, each joined along the links to the dimensions' tables (a left outer
/// join: a record no associated row of a dimension's table links to counts
/// under a null value of that dimension), once per group (the join never
/// counts a record twice). The groups are the combinations of dimension
/// values the measures' records meet. Expressions must be valid and use known
/// fields (checked by the caller).
pub fn compute(app: &App, associations: &Associations, dims: &[usize], measures: &[Expr]) -> Cube {
    compute_within(app, associations, dims, measures, JOIN_LIMIT)
}

/// [`compute`], joining at most `limit` rows.
fn compute_within(
    app: &App,
    associations: &Associations,
    dims: &[usize],
    measures: &[Expr],
    limit: usize,
) -> Cube {
    let aggregates: Vec<(Aggregation, bool, &Expr)> = measures
        .iter()
        .flat_map(|m| m.aggregates())
        .map(|node| match node {
            Expr::Aggregate {
                function,
                distinct,
                argument,
            } => (*function, *distinct, argument.as_ref()),
            other => (Aggregation::Sum, false, other),
        })
        .collect();
    let evaluate = |accs: &[&Accumulator]| -> Vec<Option<f64>> {
        let mut results = aggregates
            .iter()
            .zip(accs)
            .map(|((function, distinct, _), acc)| acc.result(*function, *distinct));
        measures.iter().map(|m| combine(m, &mut results)).collect()
    };
    if app.tables.is_empty() {
        let empty = Accumulator::default();
        return Cube {
            rows: Vec::new(),
            totals: evaluate(&vec![&empty; aggregates.len()]),
            too_large: false,
        };
    }
    let fields_of = |e: &Expr| -> Vec<usize> {
        e.fields()
            .into_iter()
            .filter_map(|name| app.field(name))
            .collect()
    };
    // Each aggregation reads the records of its own table (the base of its
    // join); one without fields, those of the measures' main table.
    let measure_fields: Vec<usize> = aggregates
        .iter()
        .flat_map(|(_, _, e)| fields_of(e))
        .collect();
    let main = base_table(app, &measure_fields, dims);
    let bases: Vec<usize> = aggregates
        .iter()
        .map(|(_, _, e)| match fields_of(e) {
            fields if fields.is_empty() => main,
            fields => base_table(app, &fields, dims),
        })
        .collect();
    let mut distinct_bases: Vec<usize> = Vec::new();
    for base in &bases {
        if !distinct_bases.contains(base) {
            distinct_bases.push(*base);
        }
    }
    if distinct_bases.is_empty() {
        distinct_bases.push(main);
    }

    let mut groups = Groups::new(app, dims);
    let joins: Option<Vec<Joined>> = distinct_bases
        .iter()
        .map(|base| {
            let mut fields = dims.to_vec();
            for ((_, _, e), b) in aggregates.iter().zip(&bases) {
                if b == base {
                    fields.extend(fields_of(e));
                }
            }
            let tree = Tree::new(app, associations, *base, &fields);
            let rows = tree.join(app, associations, limit)?;
            let dim_columns: Vec<(usize, &[u32])> = dims
                .iter()
                .map(|d| {
                    let (at, column) = tree.fields[d];
                    (at, app.tables[tree.tables[at]].columns[column].as_slice())
                })
                .collect();
            let symbol = |d: usize, i: usize| -> u32 {
                let (at, column) = dim_columns[d];
                column.get(rows[at][i] as usize).copied().unwrap_or(NULL)
            };
            let assigned = groups.assign(rows[0].len(), symbol);
            Some(Joined {
                tree,
                rows,
                groups: assigned,
            })
        })
        .collect();
    let Some(joins) = joins else {
        return Cube {
            rows: Vec::new(),
            totals: vec![None; measures.len()],
            too_large: true,
        };
    };
    let group_count = groups.keys.len();

    let mut accumulators: Vec<Vec<Accumulator>> = Vec::with_capacity(aggregates.len());
    let mut totals: Vec<Accumulator> = Vec::with_capacity(aggregates.len());
    for ((function, distinct, argument), base) in aggregates.iter().zip(&bases) {
        let at = distinct_bases.iter().position(|b| b == base).unwrap_or(0);
        let Joined { tree, rows, groups } = &joins[at];
        let node = Node::new(app, tree, *function, *distinct, argument);
        let (per_group, total) = accumulate(&node, rows, groups, group_count);
        accumulators.push(per_group);
        totals.push(total);
    }
    let rows = groups
        .keys
        .into_iter()
        .enumerate()
        .map(|(g, dims)| CubeRow {
            dims,
            values: evaluate(&accumulators.iter().map(|a| &a[g]).collect::<Vec<_>>()),
        })
        .collect();
    Cube {
        rows,
        totals: evaluate(&totals.iter().collect::<Vec<_>>()),
        too_large: false,
    }
}

/// One aggregation over joined rows: per group and in total, each record
/// counted once.
fn accumulate(
    node: &Node<'_>,
    joined: &[Vec<u32>],
    groups: &[u32],
    group_count: usize,
) -> (Vec<Accumulator>, Accumulator) {
    let count = joined[0].len();
    let mut per_group = vec![Accumulator::default(); group_count];
    let mut total = Accumulator::default();
    let group = |i: usize| groups[i] as usize;
    match &node.once {
        Once::Always => {
            node.accumulate(joined, group, None, &mut per_group);
            for acc in &per_group {
                total.merge(acc);
            }
        }
        Once::BaseRow | Once::Rows(_) => {
            // Count a record once per group and once in the totals.
            let record = |i: usize| -> Vec<u32> {
                match &node.once {
                    Once::Rows(at) => at.iter().map(|a| joined[*a][i]).collect(),
                    _ => vec![joined[0][i]],
                }
            };
            let mut in_group = HashSet::new();
            let mut in_totals = HashSet::new();
            let mut counted = Vec::with_capacity(count);
            let mut counted_total = Vec::with_capacity(count);
            for i in 0..count {
                if matches!(node.once, Once::BaseRow) && i > 0 && joined[0][i] != joined[0][i - 1] {
                    // The joined rows of a base row come together.
                    in_group.clear();
                    in_totals.clear();
                }
                counted.push(in_group.insert((groups[i], record(i))));
                counted_total.push(in_totals.insert(record(i)));
            }
            node.accumulate(joined, group, Some(&counted), &mut per_group);
            node.accumulate(
                joined,
                |_| 0,
                Some(&counted_total),
                std::slice::from_mut(&mut total),
            );
        }
    }
    (per_group, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::selection::Selections;

    #[test]
    fn a_join_past_the_limit_is_not_computed() {
        let mut app = App::new("t", "t");
        let rows = |n: usize| (0..n).map(|i| vec![i.to_string()]).collect::<Vec<_>>();
        // No shared field: the two tables are cross joined (25 rows).
        app.add_table("A", &["X".into()], rows(5));
        app.add_table("B", &["Y".into()], rows(5));
        let associations = Selections::default().associate(&app, None);
        let dims = [app.field("X").unwrap(), app.field("Y").unwrap()];
        let count = Expr::parse("Count(X)").unwrap();
        let measures = std::slice::from_ref(&count);
        let within = compute_within(&app, &associations, &dims, measures, 25);
        assert!(!within.too_large);
        assert_eq!(within.rows.len(), 25);
        let past = compute_within(&app, &associations, &dims, measures, 24);
        assert!(past.too_large);
        assert!(past.rows.is_empty());
        assert_eq!(past.totals, [None]);
    }
}
