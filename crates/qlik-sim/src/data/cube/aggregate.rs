//! Aggregations over joined rows: row expressions resolved to columns, and
//! their accumulators.

use std::collections::HashSet;

use super::tree::Tree;
use crate::data::app::{App, NULL};
use crate::data::expr::{Aggregation, Expr, apply};

/// A row expression with its fields resolved to the columns they are read
/// from (by the position of their table in the joined rows).
pub(super) enum RowExpr<'a> {
    Number(f64),
    Field {
        at: usize,
        symbols: &'a [u32],
        nums: Vec<Option<f64>>,
    },
    Binary(char, Box<RowExpr<'a>>, Box<RowExpr<'a>>),
    Negate(Box<RowExpr<'a>>),
}

impl RowExpr<'_> {
    /// The symbol of a field in joined row `i` ([`NULL`] where its table
    /// has no row).
    fn symbol(at: usize, symbols: &[u32], joined: &[Vec<u32>], i: usize) -> u32 {
        symbols.get(joined[at][i] as usize).copied().unwrap_or(NULL)
    }

    fn value(&self, joined: &[Vec<u32>], i: usize) -> Option<f64> {
        match self {
            RowExpr::Number(n) => Some(*n),
            RowExpr::Field { at, symbols, nums } => nums
                .get(Self::symbol(*at, symbols, joined, i) as usize)
                .copied()
                .flatten(),
            RowExpr::Binary(op, l, r) => apply(*op, l.value(joined, i), r.value(joined, i)),
            RowExpr::Negate(inner) => inner.value(joined, i).map(|v| -v),
        }
    }

    /// For Count: is there a value at all (text counts too)?
    fn present(&self, joined: &[Vec<u32>], i: usize) -> bool {
        match self {
            RowExpr::Field { at, symbols, .. } => Self::symbol(*at, symbols, joined, i) != NULL,
            other => other.value(joined, i).is_some(),
        }
    }

    /// For Count(DISTINCT): an identity of the value.
    fn identity(&self, joined: &[Vec<u32>], i: usize) -> Option<u64> {
        match self {
            RowExpr::Field { at, symbols, .. } => {
                let symbol = Self::symbol(*at, symbols, joined, i);
                (symbol != NULL).then_some(u64::from(symbol))
            }
            other => other.value(joined, i).map(f64::to_bits),
        }
    }
}

#[derive(Clone, Default)]
pub(super) struct Accumulator {
    sum: f64,
    numbers: u64,
    count: u64,
    min: Option<f64>,
    max: Option<f64>,
    distinct: HashSet<u64>,
}

impl Accumulator {
    /// Adds what another accumulator holds.
    pub(super) fn merge(&mut self, other: &Accumulator) {
        self.sum += other.sum;
        self.numbers += other.numbers;
        self.count += other.count;
        self.min = match (self.min, other.min) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.max = match (self.max, other.max) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.distinct.extend(&other.distinct);
    }

    pub(super) fn result(&self, function: Aggregation, distinct: bool) -> Option<f64> {
        match function {
            Aggregation::Count if distinct => Some(self.distinct.len() as f64),
            Aggregation::Count => Some(self.count as f64),
            Aggregation::Sum => Some(self.sum),
            Aggregation::Avg => (self.numbers > 0).then(|| self.sum / self.numbers as f64),
            Aggregation::Min => self.min,
            Aggregation::Max => self.max,
        }
    }
}

fn resolve<'a>(app: &'a App, tree: &Tree, expr: &Expr) -> RowExpr<'a> {
    match expr {
        Expr::Number(n) => RowExpr::Number(*n),
        Expr::Field(name) => match app
            .field(name)
            .and_then(|f| tree.fields.get(&f).map(|at| (f, *at)))
        {
            Some((field, (at, column))) => RowExpr::Field {
                at,
                symbols: &app.tables[tree.tables[at]].columns[column],
                nums: app.fields[field].values.iter().map(|c| c.num).collect(),
            },
            None => RowExpr::Number(f64::NAN),
        },
        Expr::Binary {
            operator,
            left,
            right,
        } => RowExpr::Binary(
            *operator,
            Box::new(resolve(app, tree, left)),
            Box::new(resolve(app, tree, right)),
        ),
        Expr::Negate(inner) => RowExpr::Negate(Box::new(resolve(app, tree, inner))),
        Expr::Aggregate { argument, .. } => resolve(app, tree, argument),
    }
}

pub(super) fn combine(expr: &Expr, results: &mut impl Iterator<Item = Option<f64>>) -> Option<f64> {
    match expr {
        Expr::Aggregate { .. } => results.next().flatten(),
        Expr::Number(n) => Some(*n),
        Expr::Field(_) => None,
        Expr::Binary {
            operator,
            left,
            right,
        } => {
            let l = combine(left, results);
            let r = combine(right, results);
            apply(*operator, l, r)
        }
        Expr::Negate(inner) => combine(inner, results).map(|v| -v),
    }
}

/// How an aggregation avoids counting a record twice when the join repeats it.
pub(super) enum Once {
    /// Every joined row is a distinct record (or the aggregation is DISTINCT).
    Always,
    /// The records are the base rows, whose joined rows come one after another.
    BaseRow,
    /// The records are rows of these tables (positions in the tree).
    Rows(Vec<usize>),
}

/// One aggregation node of the measures.
pub(super) struct Node<'a> {
    function: Aggregation,
    distinct: bool,
    expr: RowExpr<'a>,
    pub(super) once: Once,
}

impl<'a> Node<'a> {
    /// The node of an aggregation over the joined rows of `tree`.
    pub(super) fn new(
        app: &'a App,
        tree: &Tree,
        function: Aggregation,
        distinct: bool,
        argument: &Expr,
    ) -> Self {
        let functional = tree.links.iter().all(|l| l.functional);
        let mut records: Vec<usize> = argument
            .fields()
            .iter()
            .filter_map(|name| app.field(name))
            .filter_map(|f| tree.fields.get(&f).map(|(at, _)| *at))
            .collect();
        records.sort_unstable();
        records.dedup();
        if records.is_empty() {
            records.push(0);
        }
        let once = if distinct || (functional && records[0] == 0) {
            Once::Always
        } else if records == [0] {
            Once::BaseRow
        } else {
            Once::Rows(records)
        };
        Node {
            function,
            distinct,
            expr: resolve(app, tree, argument),
            once,
        }
    }

    /// Adds the joined rows (those `counted`, if given) to the accumulator of
    /// their group.
    pub(super) fn accumulate(
        &self,
        joined: &[Vec<u32>],
        group: impl Fn(usize) -> usize,
        counted: Option<&[bool]>,
        accumulators: &mut [Accumulator],
    ) {
        let rows = joined[0].len();
        let counted = |i: usize| counted.is_none_or(|c| c[i]);
        let expr = &self.expr;
        if self.distinct {
            for i in (0..rows).filter(|i| counted(*i)) {
                if let Some(id) = expr.identity(joined, i) {
                    accumulators[group(i)].distinct.insert(id);
                }
            }
            return;
        }
        match self.function {
            Aggregation::Count => {
                for i in (0..rows).filter(|i| counted(*i)) {
                    accumulators[group(i)].count += u64::from(expr.present(joined, i));
                }
            }
            Aggregation::Sum | Aggregation::Avg => {
                for i in (0..rows).filter(|i| counted(*i)) {
                    if let Some(v) = expr.value(joined, i) {
                        let acc = &mut accumulators[group(i)];
                        acc.sum += v;
                        acc.numbers += 1;
                    }
                }
            }
            Aggregation::Min | Aggregation::Max => {
                let max = self.function == Aggregation::Max;
                for i in (0..rows).filter(|i| counted(*i)) {
                    if let Some(v) = expr.value(joined, i) {
                        let acc = &mut accumulators[group(i)];
                        let slot = if max { &mut acc.max } else { &mut acc.min };
                        *slot = Some(slot.map_or(v, |m| if max { m.max(v) } else { m.min(v) }));
                    }
                }
            }
        }
    }
}
