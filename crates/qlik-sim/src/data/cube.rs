//! Hypercubes: group the associated rows by the dimensions and aggregate.

use std::collections::{HashMap, HashSet, VecDeque};

use super::app::{App, NULL, Table};
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

/// The tables a cube reads, as a tree rooted at the base table: each table
/// after the first joins its parent on the fields the two share.
struct Tree {
    /// Table indices; `tables[0]` is the base, parents come before children.
    tables: Vec<usize>,
    /// For every table after the first: how it joins its parent.
    links: Vec<Link>,
    /// Per field of the cube: (position in `tables`, column) to read it from.
    fields: HashMap<usize, (usize, usize)>,
}

/// The associated rows of a child table, indexed by the key it shares with
/// its parent (compressed rows: key → `rows[start[key]..start[key + 1]]`).
struct Link {
    /// Position of the parent in [`Tree::tables`].
    parent: usize,
    /// The shared fields' columns in the parent (empty: a cross join).
    parent_columns: Vec<usize>,
    /// Key id of each combination of shared symbols (several shared fields).
    composite: HashMap<Vec<u32>, u32>,
    start: Vec<u32>,
    rows: Vec<u32>,
    /// At most one associated child row per key.
    functional: bool,
}

impl Link {
    fn new(
        app: &App,
        associations: &Associations,
        parent: usize,
        parent_table: usize,
        child: usize,
    ) -> Self {
        let (p, c) = (&app.tables[parent_table], &app.tables[child]);
        let shared: Vec<(usize, usize)> = p
            .fields
            .iter()
            .enumerate()
            .filter_map(|(pc, f)| c.fields.iter().position(|cf| cf == f).map(|cc| (pc, cc)))
            .collect();
        let associated = &associations.rows[child];
        let mut composite = HashMap::new();
        // The key id of every child row (NULL: joins nothing).
        let keys: Vec<u32> = match shared.as_slice() {
            [] => vec![0; c.rows],
            [(_, column)] => c.columns[*column].clone(),
            _ => (0..c.rows)
                .map(|row| {
                    let key: Vec<u32> = shared.iter().map(|(_, cc)| c.columns[*cc][row]).collect();
                    if key.contains(&NULL) {
                        return NULL;
                    }
                    let next = composite.len() as u32;
                    *composite.entry(key).or_insert(next)
                })
                .collect(),
        };
        let key_count = match shared.as_slice() {
            [] => 1,
            [(pc, _)] => app.fields[p.fields[*pc]].values.len(),
            _ => composite.len(),
        };
        let mut start = vec![0u32; key_count + 1];
        for (key, on) in keys.iter().zip(associated) {
            if *on && *key != NULL {
                start[*key as usize + 1] += 1;
            }
        }
        let functional = start.iter().all(|n| *n <= 1);
        for k in 0..key_count {
            start[k + 1] += start[k];
        }
        let mut next = start.clone();
        let mut rows = vec![0u32; start[key_count] as usize];
        for (row, (key, on)) in keys.iter().zip(associated).enumerate() {
            if *on && *key != NULL {
                rows[next[*key as usize] as usize] = row as u32;
                next[*key as usize] += 1;
            }
        }
        Self {
            parent,
            parent_columns: shared.iter().map(|(pc, _)| *pc).collect(),
            composite,
            start,
            rows,
            functional,
        }
    }

    /// The child rows joined to a parent row.
    fn matches(&self, parent: &Table, row: u32) -> &[u32] {
        let key = match self.parent_columns.as_slice() {
            [] => 0,
            [column] => parent.columns[*column][row as usize],
            columns => {
                let key: Vec<u32> = columns
                    .iter()
                    .map(|c| parent.columns[*c][row as usize])
                    .collect();
                self.composite.get(&key).copied().unwrap_or(NULL)
            }
        };
        if key == NULL {
            return &[];
        }
        let key = key as usize;
        &self.rows[self.start[key] as usize..self.start[key + 1] as usize]
    }
}

/// The base table: the one holding most of the measures' fields (the records
/// they aggregate), then most of the dimensions, then the larger.
fn base_table(app: &App, measure_fields: &[usize], dims: &[usize]) -> usize {
    let held = |t: usize, fields: &[usize]| {
        fields
            .iter()
            .filter(|f| app.tables[t].fields.contains(f))
            .count()
    };
    (0..app.tables.len())
        .max_by_key(|t| {
            (
                held(*t, measure_fields),
                held(*t, dims),
                app.tables[*t].rows,
                std::cmp::Reverse(*t),
            )
        })
        .unwrap_or(0)
}

impl Tree {
    /// The smallest tree of tables, from `base` along the links, that holds
    /// every field; tables not linked at all are cross joined to the base.
    fn new(app: &App, associations: &Associations, base: usize, fields: &[usize]) -> Self {
        // Breadth-first over the tables sharing fields: parent and depth.
        let count = app.tables.len();
        let mut parent: Vec<Option<usize>> = vec![None; count];
        let mut depth = vec![usize::MAX; count];
        let mut order = Vec::new();
        for root in std::iter::once(base).chain(0..count) {
            if depth[root] != usize::MAX {
                continue;
            }
            depth[root] = if root == base { 0 } else { 1 };
            if root != base {
                parent[root] = Some(base);
            }
            let mut queue = VecDeque::from([root]);
            while let Some(t) = queue.pop_front() {
                order.push(t);
                for field in &app.tables[t].fields {
                    for (u, _) in &app.fields[*field].tables {
                        if depth[*u] == usize::MAX {
                            depth[*u] = depth[t] + 1;
                            parent[*u] = Some(t);
                            queue.push_back(*u);
                        }
                    }
                }
            }
        }
        // Each field from its nearest table; the tables on the way are needed.
        let mut needed = vec![false; count];
        needed[base] = true;
        let mut home: HashMap<usize, (usize, usize)> = HashMap::new();
        for field in fields {
            let Some((t, column)) = app.fields[*field]
                .tables
                .iter()
                .min_by_key(|(t, _)| (depth[*t], *t))
                .copied()
            else {
                continue;
            };
            home.insert(*field, (t, column));
            let mut at = Some(t);
            while let Some(t) = at {
                needed[t] = true;
                at = parent[t];
            }
        }
        let tables: Vec<usize> = order.into_iter().filter(|t| needed[*t]).collect();
        let position = |t: usize| tables.iter().position(|x| *x == t).unwrap_or(0);
        let links = tables[1..]
            .iter()
            .map(|t| {
                let p = parent[*t].unwrap_or(base);
                Link::new(app, associations, position(p), p, *t)
            })
            .collect();
        let fields = home
            .into_iter()
            .map(|(f, (t, column))| (f, (position(t), column)))
            .collect();
        Self {
            tables,
            links,
            fields,
        }
    }

    /// Calls `emit` with the row of every table, for every joined row of
    /// associated rows, base row by base row.
    fn each_joined_row(
        &self,
        app: &App,
        associations: &Associations,
        mut emit: impl FnMut(&[u32]),
    ) {
        let base = self.tables[0];
        let mut current = vec![0u32; self.tables.len()];
        let associated = &associations.rows[base];
        if self.links.is_empty() {
            for (row, on) in associated.iter().enumerate() {
                if *on {
                    current[0] = row as u32;
                    emit(&current);
                }
            }
            return;
        }
        for (row, on) in associated.iter().enumerate() {
            if *on {
                current[0] = row as u32;
                self.expand(app, 1, &mut current, &mut emit);
            }
        }
    }

    fn expand(&self, app: &App, at: usize, current: &mut [u32], emit: &mut impl FnMut(&[u32])) {
        if at == self.tables.len() {
            emit(current);
            return;
        }
        let link = &self.links[at - 1];
        let parent = &app.tables[self.tables[link.parent]];
        for row in link.matches(parent, current[link.parent]) {
            current[at] = *row;
            self.expand(app, at + 1, current, emit);
        }
    }
}

/// A row expression with its fields resolved to the columns they are read
/// from (by the position of their table in the joined row).
enum RowExpr<'a> {
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
    fn value(&self, rows: &[u32]) -> Option<f64> {
        match self {
            RowExpr::Number(n) => Some(*n),
            RowExpr::Field { at, symbols, nums } => {
                let symbol = symbols[rows[*at] as usize];
                if symbol == NULL {
                    None
                } else {
                    nums[symbol as usize]
                }
            }
            RowExpr::Binary(op, l, r) => apply(*op, l.value(rows), r.value(rows)),
            RowExpr::Negate(inner) => inner.value(rows).map(|v| -v),
        }
    }

    /// For Count: is there a value at all (text counts too)?
    fn present(&self, rows: &[u32]) -> bool {
        match self {
            RowExpr::Field { at, symbols, .. } => symbols[rows[*at] as usize] != NULL,
            other => other.value(rows).is_some(),
        }
    }

    /// For Count(DISTINCT): an identity of the value.
    fn identity(&self, rows: &[u32]) -> Option<u64> {
        match self {
            RowExpr::Field { at, symbols, .. } => {
                let symbol = symbols[rows[*at] as usize];
                (symbol != NULL).then_some(u64::from(symbol))
            }
            other => other.value(rows).map(f64::to_bits),
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
    fn add(&mut self, expr: &RowExpr<'_>, distinct: bool, rows: &[u32]) {
        if distinct {
            if let Some(id) = expr.identity(rows) {
                self.distinct.insert(id);
            }
            return;
        }
        if expr.present(rows) {
            self.count += 1;
        }
        if let Some(v) = expr.value(rows) {
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

/// How an aggregation avoids counting a record twice when the join repeats it.
enum Once {
    /// Every joined row is a distinct record (or the aggregation is DISTINCT).
    Always,
    /// The records are the base rows, whose joined rows come one after another.
    BaseRow,
    /// The records are rows of these tables (positions in the tree).
    Rows(Vec<usize>),
}

/// One aggregation node of the measures.
struct Node<'a> {
    distinct: bool,
    expr: RowExpr<'a>,
    once: Once,
}

/// Groups by `dims` and evaluates `measures` per group, with Qlik's
/// semantics: the associated rows of the tables are joined on their shared
/// fields, and an aggregation covers each record of its fields' table(s) once
/// per group (the join never counts a record twice). Expressions must be valid
/// and use known fields (checked by the caller).
pub fn compute(app: &App, associations: &Associations, dims: &[usize], measures: &[Expr]) -> Cube {
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
    let evaluate = |accs: &[Accumulator]| -> Vec<Option<f64>> {
        let mut results = aggregates
            .iter()
            .zip(accs)
            .map(|((function, distinct, _), acc)| acc.result(*function, *distinct));
        measures.iter().map(|m| combine(m, &mut results)).collect()
    };
    if app.tables.is_empty() {
        return Cube {
            rows: Vec::new(),
            totals: evaluate(&vec![Accumulator::default(); aggregates.len()]),
        };
    }
    let measure_fields: Vec<usize> = aggregates
        .iter()
        .flat_map(|(_, _, e)| e.fields())
        .filter_map(|name| app.field(name))
        .collect();
    let base = base_table(app, &measure_fields, dims);
    let mut fields = dims.to_vec();
    fields.extend(&measure_fields);
    let tree = Tree::new(app, associations, base, &fields);
    let functional = tree.links.iter().all(|l| l.functional);
    let nodes: Vec<Node<'_>> = aggregates
        .iter()
        .map(|(_, distinct, argument)| {
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
            let once = if *distinct || (functional && records[0] == 0) {
                Once::Always
            } else if records == [0] {
                Once::BaseRow
            } else {
                Once::Rows(records)
            };
            Node {
                distinct: *distinct,
                expr: resolve(app, &tree, argument),
                once,
            }
        })
        .collect();

    // Dimension symbols, and group numbers: dense when the combinations are few.
    let dim_columns: Vec<(usize, &[u32])> = dims
        .iter()
        .map(|d| {
            let (at, column) = tree.fields[d];
            (at, app.tables[tree.tables[at]].columns[column].as_slice())
        })
        .collect();
    let cardinals: Vec<usize> = dims
        .iter()
        .map(|d| app.fields[*d].values.len() + 1)
        .collect();
    let dense = cardinals
        .iter()
        .try_fold(1usize, |n, c| n.checked_mul(*c))
        .filter(|n| *n <= 1 << 20);
    let mut slots: Vec<u32> = vec![u32::MAX; dense.unwrap_or(0)];
    let mut sparse: HashMap<Vec<u32>, u32> = HashMap::new();
    let mut keys: Vec<Vec<u32>> = Vec::new();
    let mut accumulators: Vec<Vec<Accumulator>> = Vec::new();
    let mut last_base: Vec<Vec<u32>> = Vec::new();
    let mut seen: Vec<HashSet<(u32, Vec<u32>)>> = vec![HashSet::new(); nodes.len()];
    let mut totals = vec![Accumulator::default(); nodes.len()];
    let mut totals_last_base = vec![u32::MAX; nodes.len()];
    let mut totals_seen: Vec<HashSet<Vec<u32>>> = vec![HashSet::new(); nodes.len()];
    let mut key = vec![0u32; dims.len()];
    tree.each_joined_row(app, associations, |rows| {
        for (slot, (at, column)) in key.iter_mut().zip(&dim_columns) {
            *slot = column[rows[*at] as usize];
        }
        let existing = if dense.is_some() {
            let mut index = 0;
            for (symbol, cardinal) in key.iter().zip(&cardinals) {
                let s = if *symbol == NULL {
                    cardinal - 1
                } else {
                    *symbol as usize
                };
                index = index * cardinal + s;
            }
            let slot = &mut slots[index];
            if *slot == u32::MAX {
                *slot = keys.len() as u32;
                None
            } else {
                Some(*slot)
            }
        } else {
            sparse.get(key.as_slice()).copied()
        };
        let group = existing.unwrap_or_else(|| {
            let g = keys.len() as u32;
            if dense.is_none() {
                sparse.insert(key.clone(), g);
            }
            keys.push(key.clone());
            accumulators.push(vec![Accumulator::default(); nodes.len()]);
            last_base.push(vec![u32::MAX; nodes.len()]);
            g
        });
        let g = group as usize;
        for (i, node) in nodes.iter().enumerate() {
            let (in_group, in_totals) = match &node.once {
                Once::Always => (true, true),
                Once::BaseRow => {
                    let fresh = last_base[g][i] != rows[0];
                    last_base[g][i] = rows[0];
                    let fresh_total = totals_last_base[i] != rows[0];
                    totals_last_base[i] = rows[0];
                    (fresh, fresh_total)
                }
                Once::Rows(at) => {
                    let record: Vec<u32> = at.iter().map(|a| rows[*a]).collect();
                    (
                        seen[i].insert((group, record.clone())),
                        totals_seen[i].insert(record),
                    )
                }
            };
            if in_group {
                accumulators[g][i].add(&node.expr, node.distinct, rows);
            }
            if in_totals {
                totals[i].add(&node.expr, node.distinct, rows);
            }
        }
    });
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
