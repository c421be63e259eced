//! Qlik's logical inference: the rows and values that selections leave
//! possible (docs/qlik-protocol.md, "Logical inference").
//!
//! The tables and their key fields (fields held by several tables) form a
//! graph. A selection restricts the tables holding its field; the restriction
//! travels from table to key field to table, each table passing on the key
//! values found on its rows that every other restriction reaching it allows.
//! A side of the graph no selection reaches restricts nothing: with no
//! selection every row is possible, and a row whose key links nothing (a value
//! missing in the other table, or null) is excluded only once a selection
//! reaches it through that key. On a tree of tables this is exactly the full
//! natural outer join of the tables, filtered by the selections.

use std::collections::VecDeque;

use crate::data::app::App;

/// The symbols of a key field one side of the graph allows (`None`: no
/// selection reaches from that side, every symbol is allowed).
type Allowed = Option<Vec<bool>>;

/// Whether `symbol` is allowed.
fn allows(allowed: &[bool], symbol: u32) -> bool {
    allowed.get(symbol as usize).copied().unwrap_or(false)
}

/// The intersection of `sets` (`None` when none restricts).
fn intersect<'a>(sets: impl Iterator<Item = &'a Allowed>) -> Allowed {
    let mut result: Allowed = None;
    for set in sets.flatten() {
        match &mut result {
            None => result = Some(set.clone()),
            Some(r) => {
                for (flag, allowed) in r.iter_mut().zip(set) {
                    *flag &= *allowed;
                }
            }
        }
    }
    result
}

/// The restrictions on their way through the graph.
struct Inference<'a> {
    app: &'a App,
    /// Per field: its selected symbols (`None`: no selection).
    selected: &'a [Option<Vec<bool>>],
    /// Per table: the (column, field) of each of its keys.
    keys: Vec<Vec<(usize, usize)>>,
    /// Per key field: the (table, key position in that table) holding it.
    holders: Vec<Vec<(usize, usize)>>,
    /// Per table: its rows matching the selections of its other fields
    /// (`None`: no such selection).
    base: Vec<Option<Vec<bool>>>,
    /// Per table and key: the key symbols the table passes on.
    outgoing: Vec<Vec<Allowed>>,
    /// Per table and key: the key symbols the rest of the graph allows.
    incoming: Vec<Vec<Allowed>>,
}

impl<'a> Inference<'a> {
    fn new(app: &'a App, selected: &'a [Option<Vec<bool>>]) -> Self {
        let is_key = |f: usize| app.fields[f].tables.len() > 1;
        let keys: Vec<Vec<(usize, usize)>> = app
            .tables
            .iter()
            .map(|table| {
                (table.fields.iter().enumerate())
                    .filter(|(_, f)| is_key(**f))
                    .map(|(c, f)| (c, *f))
                    .collect()
            })
            .collect();
        let mut holders = vec![Vec::new(); app.fields.len()];
        for (t, table_keys) in keys.iter().enumerate() {
            for (k, (_, field)) in table_keys.iter().enumerate() {
                holders[*field].push((t, k));
            }
        }
        let base = app
            .tables
            .iter()
            .map(|table| {
                let mut rows: Option<Vec<bool>> = None;
                for (column, field) in table.fields.iter().enumerate() {
                    let Some(symbols) = selected[*field].as_ref().filter(|_| !is_key(*field))
                    else {
                        continue;
                    };
                    let on = rows.get_or_insert_with(|| vec![true; table.rows]);
                    for (flag, symbol) in on.iter_mut().zip(&table.columns[column]) {
                        *flag &= allows(symbols, *symbol);
                    }
                }
                rows
            })
            .collect();
        let unrestricted: Vec<Vec<Allowed>> = keys.iter().map(|k| vec![None; k.len()]).collect();
        Self {
            app,
            selected,
            keys,
            holders,
            base,
            outgoing: unrestricted.clone(),
            incoming: unrestricted,
        }
    }

    /// What reaches table `t` through key field `field`: the field's
    /// selection and what every other table holding the field passes on.
    fn arriving(&self, field: usize, t: usize) -> Allowed {
        let others = self.holders[field]
            .iter()
            .filter(|(u, _)| *u != t)
            .map(|(u, j)| &self.outgoing[*u][*j]);
        intersect(std::iter::once(&self.selected[field]).chain(others))
    }

    /// The rows of table `t` that its base and every restriction reaching
    /// it but that of key `except` allow (`None`: every row).
    fn allowed_rows(&self, t: usize, except: Option<usize>) -> Option<Vec<bool>> {
        let table = &self.app.tables[t];
        let mut rows = self.base[t].clone();
        for (k, allowed) in self.incoming[t].iter().enumerate() {
            let Some(allowed) = allowed.as_ref().filter(|_| Some(k) != except) else {
                continue;
            };
            let on = rows.get_or_insert_with(|| vec![true; table.rows]);
            let (column, _) = self.keys[t][k];
            for (flag, symbol) in on.iter_mut().zip(&table.columns[column]) {
                *flag &= allows(allowed, *symbol);
            }
        }
        rows
    }

    /// Recomputes what table `t` passes on through each key; returns the
    /// keys whose restriction changed.
    fn pass_on(&mut self, t: usize) -> Vec<usize> {
        let table = &self.app.tables[t];
        // The rows every restriction allows: what passes through a key no
        // restriction arrives by (computed once, when needed).
        let mut all: Option<Option<Vec<bool>>> = None;
        let mut changed = Vec::new();
        for (k, (column, field)) in self.keys[t].iter().enumerate() {
            let own;
            let rows = if self.incoming[t][k].is_some() {
                own = self.allowed_rows(t, Some(k));
                &own
            } else {
                all.get_or_insert_with(|| self.allowed_rows(t, None))
            };
            let next: Allowed = rows.as_ref().map(|rows| {
                let mut here = vec![false; self.app.fields[*field].values.len()];
                for (on, symbol) in rows.iter().zip(&table.columns[*column]) {
                    if let Some(flag) = here.get_mut(*symbol as usize) {
                        *flag |= *on;
                    }
                }
                here
            });
            if next != self.outgoing[t][k] {
                self.outgoing[t][k] = next;
                changed.push(k);
            }
        }
        changed
    }

    /// Propagates from the selections until no restriction changes (the
    /// restrictions only shrink, so this ends; on a tree, after a pass
    /// along each path).
    fn run(&mut self) {
        let count = self.app.tables.len();
        let mut queued = vec![false; count];
        let mut queue = VecDeque::new();
        let push = |t: usize, queue: &mut VecDeque<usize>, queued: &mut [bool]| {
            if !queued[t] {
                queued[t] = true;
                queue.push_back(t);
            }
        };
        for t in 0..count {
            for k in 0..self.keys[t].len() {
                let field = self.keys[t][k].1;
                if self.selected[field].is_some() {
                    self.incoming[t][k] = self.arriving(field, t);
                    push(t, &mut queue, &mut queued);
                }
            }
            if self.base[t].is_some() {
                push(t, &mut queue, &mut queued);
            }
        }
        while let Some(t) = queue.pop_front() {
            queued[t] = false;
            for k in self.pass_on(t) {
                let field = self.keys[t][k].1;
                for h in 0..self.holders[field].len() {
                    let (u, j) = self.holders[field][h];
                    if u == t {
                        continue;
                    }
                    let next = self.arriving(field, u);
                    if next != self.incoming[u][j] {
                        self.incoming[u][j] = next;
                        push(u, &mut queue, &mut queued);
                    }
                }
            }
        }
    }
}

/// The possible rows of every table and the possible symbols of every field
/// (or, with `only`, of that field only; the others are left empty), given
/// the selected symbols of each field.
pub(super) fn infer(
    app: &App,
    selected: &[Option<Vec<bool>>],
    only: Option<usize>,
) -> (Vec<Vec<bool>>, Vec<Vec<bool>>) {
    let mut inference = Inference::new(app, selected);
    inference.run();
    let rows: Vec<Vec<bool>> = (0..app.tables.len())
        .map(|t| {
            inference
                .allowed_rows(t, None)
                .unwrap_or_else(|| vec![true; app.tables[t].rows])
        })
        .collect();
    let possible = (0..app.fields.len())
        .map(|f| {
            let field = &app.fields[f];
            if only.is_some_and(|o| o != f) {
                return Vec::new();
            }
            if field.tables.len() > 1 {
                // A key value is possible when every side allows it (on a
                // tree: when it is on a possible row of a table holding it).
                let sides = inference.holders[f]
                    .iter()
                    .map(|(t, k)| &inference.outgoing[*t][*k]);
                return intersect(std::iter::once(&selected[f]).chain(sides))
                    .unwrap_or_else(|| vec![true; field.values.len()]);
            }
            let Some((t, column)) = field.tables.first() else {
                return Vec::new();
            };
            let mut here = vec![false; field.values.len()];
            for (symbol, on) in app.tables[*t].columns[*column].iter().zip(&rows[*t]) {
                if let Some(flag) = here.get_mut(*symbol as usize) {
                    *flag |= *on;
                }
            }
            here
        })
        .collect();
    (rows, possible)
}
