//! Hypercubes: group the associated rows by the dimensions and aggregate.

use std::collections::{HashMap, HashSet, VecDeque};

use super::app::{App, NULL};
use super::expr::{Aggregation, Expr, apply};
use super::selection::Associations;

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
}

/// The table whose rows are grouped: the one holding most of the cube's fields
/// (ties: the larger table).
fn base_table(app: &App, fields: &[usize]) -> usize {
    (0..app.tables.len())
        .max_by_key(|t| {
            let table = &app.tables[*t];
            let held = fields.iter().filter(|f| table.fields.contains(f)).count();
            (held, table.rows)
        })
        .unwrap_or(0)
}

/// For every table reachable from `base` through key fields: the row of that
/// table joined to each base row ([`NULL`] when none).
fn joined_rows(app: &App, base: usize) -> Vec<Option<Vec<u32>>> {
    let base_rows = app.tables[base].rows;
    let mut joined: Vec<Option<Vec<u32>>> = vec![None; app.tables.len()];
    joined[base] = Some((0..base_rows as u32).collect());
    let mut queue = VecDeque::from([base]);
    while let Some(t) = queue.pop_front() {
        let table = &app.tables[t];
        for (column, field) in table.fields.iter().enumerate() {
            for (u, u_column) in &app.fields[*field].tables {
                if joined[*u].is_some() {
                    continue;
                }
                let target = &app.tables[*u];
                let mut first_row = vec![NULL; app.fields[*field].values.len()];
                for (row, symbol) in target.columns[*u_column].iter().enumerate() {
                    if *symbol != NULL && first_row[*symbol as usize] == NULL {
                        first_row[*symbol as usize] = row as u32;
                    }
                }
                let from = joined[t].as_ref().map(|rows| {
                    rows.iter()
                        .map(|row| {
                            if *row == NULL {
                                return NULL;
                            }
                            let symbol = table.columns[column][*row as usize];
                            if symbol == NULL {
                                NULL
                            } else {
                                first_row[symbol as usize]
                            }
                        })
                        .collect()
                });
                joined[*u] = from;
                queue.push_back(*u);
            }
        }
    }
    joined
}

/// The symbol of `field` for each base row.
fn field_column(app: &App, joined: &[Option<Vec<u32>>], field: usize) -> Vec<u32> {
    for (t, column) in &app.fields[field].tables {
        if let Some(rows) = &joined[*t] {
            let values = &app.tables[*t].columns[*column];
            return rows
                .iter()
                .map(|row| {
                    if *row == NULL {
                        NULL
                    } else {
                        values[*row as usize]
                    }
                })
                .collect();
        }
    }
    let rows = joined.iter().flatten().next().map_or(0, Vec::len);
    vec![NULL; rows]
}

/// A row expression with its fields resolved to per-row symbols.
enum RowExpr<'a> {
    Number(f64),
    Field {
        symbols: &'a [u32],
        nums: Vec<Option<f64>>,
    },
    Binary(char, Box<RowExpr<'a>>, Box<RowExpr<'a>>),
    Negate(Box<RowExpr<'a>>),
}

impl RowExpr<'_> {
    fn value(&self, row: usize) -> Option<f64> {
        match self {
            RowExpr::Number(n) => Some(*n),
            RowExpr::Field { symbols, nums } => {
                let symbol = symbols[row];
                if symbol == NULL {
                    None
                } else {
                    nums[symbol as usize]
                }
            }
            RowExpr::Binary(op, l, r) => apply(*op, l.value(row), r.value(row)),
            RowExpr::Negate(inner) => inner.value(row).map(|v| -v),
        }
    }

    /// For Count: is there a value at all (text counts too)?
    fn present(&self, row: usize) -> bool {
        match self {
            RowExpr::Field { symbols, .. } => symbols[row] != NULL,
            other => other.value(row).is_some(),
        }
    }

    /// For Count(DISTINCT): an identity of the value.
    fn identity(&self, row: usize) -> Option<u64> {
        match self {
            RowExpr::Field { symbols, .. } => {
                (symbols[row] != NULL).then_some(u64::from(symbols[row]))
            }
            other => other.value(row).map(f64::to_bits),
        }
    }
}

#[derive(Clone, Default)]
struct Accumulator {
    sum: f64,
    numbers: u64,
    count: u64,
    min: Option<f64>,
    max: Option<f64>,
    distinct: HashSet<u64>,
}

impl Accumulator {
    fn add(&mut self, expr: &RowExpr<'_>, distinct: bool, row: usize) {
        if distinct {
            if let Some(id) = expr.identity(row) {
                self.distinct.insert(id);
            }
            return;
        }
        if expr.present(row) {
            self.count += 1;
        }
        if let Some(v) = expr.value(row) {
            self.sum += v;
            self.numbers += 1;
            self.min = Some(self.min.map_or(v, |m| m.min(v)));
            self.max = Some(self.max.map_or(v, |m| m.max(v)));
        }
    }

    fn result(&self, function: Aggregation, distinct: bool) -> Option<f64> {
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

fn resolve<'a>(app: &App, columns: &'a HashMap<usize, Vec<u32>>, expr: &Expr) -> RowExpr<'a> {
    match expr {
        Expr::Number(n) => RowExpr::Number(*n),
        Expr::Field(name) => match app
            .field(name)
            .and_then(|f| columns.get(&f).map(|c| (f, c)))
        {
            Some((field, symbols)) => RowExpr::Field {
                symbols,
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
            Box::new(resolve(app, columns, left)),
            Box::new(resolve(app, columns, right)),
        ),
        Expr::Negate(inner) => RowExpr::Negate(Box::new(resolve(app, columns, inner))),
        Expr::Aggregate { argument, .. } => resolve(app, columns, argument),
    }
}

fn combine(expr: &Expr, results: &mut impl Iterator<Item = Option<f64>>) -> Option<f64> {
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

/// Groups the associated rows by `dims` and evaluates `measures` per group.
/// Expressions must be valid and use known fields (checked by the caller).
pub fn compute(app: &App, associations: &Associations, dims: &[usize], measures: &[Expr]) -> Cube {
    let mut fields: Vec<usize> = dims.to_vec();
    for measure in measures {
        fields.extend(measure.fields().iter().filter_map(|name| app.field(name)));
    }
    let base = base_table(app, &fields);
    let joined = joined_rows(app, base);
    let columns: HashMap<usize, Vec<u32>> = fields
        .iter()
        .map(|f| (*f, field_column(app, &joined, *f)))
        .collect();
    // Each aggregation node of each measure, in order.
    let nodes: Vec<(Aggregation, bool, RowExpr<'_>)> = measures
        .iter()
        .flat_map(|m| m.aggregates())
        .map(|node| match node {
            Expr::Aggregate {
                function,
                distinct,
                argument,
            } => (*function, *distinct, resolve(app, &columns, argument)),
            other => (Aggregation::Sum, false, resolve(app, &columns, other)),
        })
        .collect();
    let dim_columns: Vec<&Vec<u32>> = dims.iter().map(|d| &columns[d]).collect();
    let mut groups: HashMap<Vec<u32>, usize> = HashMap::new();
    let mut keys: Vec<Vec<u32>> = Vec::new();
    let mut accumulators: Vec<Vec<Accumulator>> = Vec::new();
    let mut totals = vec![Accumulator::default(); nodes.len()];
    let mut key = vec![0u32; dims.len()];
    let associated = associations
        .rows
        .get(base)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for (row, on) in associated.iter().enumerate() {
        if !on {
            continue;
        }
        for (slot, column) in key.iter_mut().zip(&dim_columns) {
            *slot = column[row];
        }
        let group = match groups.get(key.as_slice()) {
            Some(g) => *g,
            None => {
                let g = keys.len();
                groups.insert(key.clone(), g);
                keys.push(key.clone());
                accumulators.push(vec![Accumulator::default(); nodes.len()]);
                g
            }
        };
        for (i, (function, distinct, expr)) in nodes.iter().enumerate() {
            let _ = function;
            accumulators[group][i].add(expr, *distinct, row);
            totals[i].add(expr, *distinct, row);
        }
    }
    let evaluate = |accs: &[Accumulator]| -> Vec<Option<f64>> {
        let mut results = nodes
            .iter()
            .zip(accs)
            .map(|((function, distinct, _), acc)| acc.result(*function, *distinct));
        measures.iter().map(|m| combine(m, &mut results)).collect()
    };
    let rows = keys
        .into_iter()
        .zip(&accumulators)
        .map(|(dims, accs)| CubeRow {
            dims,
            values: evaluate(accs),
        })
        .collect();
    Cube {
        rows,
        totals: evaluate(&totals),
    }
}
