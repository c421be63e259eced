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
    /// For a functional link on one field: key symbol → child row (or NULL).
    lookup: Option<Vec<u32>>,
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
        let lookup = (functional && shared.len() == 1).then(|| {
            (0..key_count)
                .map(|k| {
                    if start[k + 1] > start[k] {
                        rows[start[k] as usize]
                    } else {
                        NULL
                    }
                })
                .collect()
        });
        Self {
            lookup,
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

    /// Every joined row of associated rows, as one column per table of the
    /// tree: the row of that table in each joined row. Joined rows come base
    /// row by base row, in order.
    fn join(&self, app: &App, associations: &Associations) -> Vec<Vec<u32>> {
        let base_rows = associations.associated_rows(self.tables[0]);
        let mut joined = vec![Vec::new(); self.tables.len()];
        // Lookups only (one joined row per base row), a column at a time.
        if self.links.iter().all(|l| l.lookup.is_some()) {
            joined[0] = base_rows.to_vec();
            let mut complete = true;
            for (at, link) in self.links.iter().enumerate() {
                let lookup = link.lookup.as_deref().unwrap_or_default();
                let parent = &app.tables[self.tables[link.parent]];
                let keys = &parent.columns[link.parent_columns[0]];
                let column: Vec<u32> = joined[link.parent]
                    .iter()
                    .map(|row| {
                        lookup
                            .get(keys[*row as usize] as usize)
                            .copied()
                            .unwrap_or(NULL)
                    })
                    .collect();
                complete &= !column.contains(&NULL);
                joined[at + 1] = column;
            }
            if !complete {
                // Never after the associations' reduction, but keep it exact.
                let keep: Vec<bool> = (0..joined[0].len())
                    .map(|i| joined.iter().all(|c| c[i] != NULL))
                    .collect();
                for column in &mut joined {
                    let mut flags = keep.iter();
                    column.retain(|_| *flags.next().unwrap_or(&false));
                }
            }
            return joined;
        }
        let mut current = vec![0u32; self.tables.len()];
        for row in base_rows {
            current[0] = *row;
            self.expand(app, 1, &mut current, &mut joined);
        }
        joined
    }

    fn expand(&self, app: &App, at: usize, current: &mut [u32], joined: &mut [Vec<u32>]) {
        if at == self.tables.len() {
            for (column, row) in joined.iter_mut().zip(current.iter()) {
                column.push(*row);
            }
            return;
        }
        let link = &self.links[at - 1];
        let parent = &app.tables[self.tables[link.parent]];
        for row in link.matches(parent, current[link.parent]) {
            current[at] = *row;
            self.expand(app, at + 1, current, joined);
        }
    }
}

/// A row expression with its fields resolved to the columns they are read
/// from (by the position of their table in the joined rows).
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
    /// The symbol of a field in joined row `i`.
    fn symbol(at: usize, symbols: &[u32], joined: &[Vec<u32>], i: usize) -> u32 {
        symbols[joined[at][i] as usize]
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
struct Accumulator {
    sum: f64,
    numbers: u64,
    count: u64,
    min: Option<f64>,
    max: Option<f64>,
    distinct: HashSet<u64>,
}

impl Accumulator {
    /// Adds what another accumulator holds.
    fn merge(&mut self, other: &Accumulator) {
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
    function: Aggregation,
    distinct: bool,
    expr: RowExpr<'a>,
    once: Once,
}

impl Node<'_> {
    /// Adds the joined rows (those `counted`, if given) to the accumulator of
    /// their group.
    fn accumulate(
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
        .map(|(function, distinct, argument)| {
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
                function: *function,
                distinct: *distinct,
                expr: resolve(app, &tree, argument),
                once,
            }
        })
        .collect();

    let joined = tree.join(app, associations);
    let count = joined[0].len();

    // The group of every joined row, numbered in order of appearance; the
    // combinations of dimension symbols are numbered densely when few.
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
    let symbol = |d: usize, i: usize| -> u32 {
        let (at, column) = dim_columns[d];
        column[joined[at][i] as usize]
    };
    let mut keys: Vec<Vec<u32>> = Vec::new();
    let mut groups: Vec<u32> = Vec::with_capacity(count);
    let dense = cardinals
        .iter()
        .try_fold(1usize, |n, c| n.checked_mul(*c))
        .filter(|n| *n <= 1 << 20);
    if let Some(size) = dense {
        let mut index = vec![0usize; count];
        for (d, cardinal) in cardinals.iter().enumerate() {
            for (i, slot) in index.iter_mut().enumerate() {
                let s = symbol(d, i);
                let s = if s == NULL { cardinal - 1 } else { s as usize };
                *slot = *slot * cardinal + s;
            }
        }
        let mut slots = vec![u32::MAX; size];
        for (i, slot) in index.iter().enumerate() {
            let group = &mut slots[*slot];
            if *group == u32::MAX {
                *group = keys.len() as u32;
                keys.push((0..dims.len()).map(|d| symbol(d, i)).collect());
            }
            groups.push(*group);
        }
    } else {
        let mut numbers: HashMap<Vec<u32>, u32> = HashMap::new();
        for i in 0..count {
            let key: Vec<u32> = (0..dims.len()).map(|d| symbol(d, i)).collect();
            let next = keys.len() as u32;
            let group = *numbers.entry(key).or_insert_with_key(|key| {
                keys.push(key.clone());
                next
            });
            groups.push(group);
        }
    }

    let mut accumulators: Vec<Vec<Accumulator>> = Vec::with_capacity(nodes.len());
    let mut totals: Vec<Accumulator> = Vec::with_capacity(nodes.len());
    for node in &nodes {
        let mut per_group = vec![Accumulator::default(); keys.len()];
        let mut total = Accumulator::default();
        let group = |i: usize| groups[i] as usize;
        match &node.once {
            Once::Always => {
                node.accumulate(&joined, group, None, &mut per_group);
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
                    if matches!(node.once, Once::BaseRow)
                        && i > 0
                        && joined[0][i] != joined[0][i - 1]
                    {
                        // The joined rows of a base row come together.
                        in_group.clear();
                        in_totals.clear();
                    }
                    counted.push(in_group.insert((groups[i], record(i))));
                    counted_total.push(in_totals.insert(record(i)));
                }
                node.accumulate(&joined, group, Some(&counted), &mut per_group);
                node.accumulate(
                    &joined,
                    |_| 0,
                    Some(&counted_total),
                    std::slice::from_mut(&mut total),
                );
            }
        }
        accumulators.push(per_group);
        totals.push(total);
    }
    let rows = keys
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
    }
}
