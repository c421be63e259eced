//! The tables a cube reads, joined along their links from the table whose
//! records the measures aggregate.

use std::collections::{HashMap, VecDeque};

use crate::data::app::{App, NULL, Table};
use crate::data::selection::Associations;

/// The tables a cube reads, as a tree rooted at the base table: each table
/// after the first joins its parent on the fields the two share.
pub(super) struct Tree {
    /// Table indices; `tables[0]` is the base, parents come before children.
    pub(super) tables: Vec<usize>,
    /// For every table after the first: how it joins its parent.
    pub(super) links: Vec<Link>,
    /// Per field of the cube: (position in `tables`, column) to read it from.
    pub(super) fields: HashMap<usize, (usize, usize)>,
}

/// The associated rows of a child table, indexed by the key it shares with
/// its parent (compressed rows: key → `rows[start[key]..start[key + 1]]`).
pub(super) struct Link {
    /// Position of the parent in [`Tree::tables`].
    parent: usize,
    /// The shared fields' columns in the parent (empty: a cross join).
    parent_columns: Vec<usize>,
    /// Key id of each combination of shared symbols (several shared fields).
    composite: HashMap<Vec<u32>, u32>,
    start: Vec<u32>,
    rows: Vec<u32>,
    /// At most one associated child row per key.
    pub(super) functional: bool,
    /// For a functional link on one field: key symbol → child row (or NULL).
    pub(super) lookup: Option<Vec<u32>>,
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

    /// The child rows joined to a parent row (none to a missing one).
    fn matches(&self, parent: &Table, row: u32) -> &[u32] {
        if row == NULL {
            return &[];
        }
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
pub(super) fn base_table(app: &App, measure_fields: &[usize], dims: &[usize]) -> usize {
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
    pub(super) fn new(
        app: &App,
        associations: &Associations,
        base: usize,
        fields: &[usize],
    ) -> Self {
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
    /// tree: the row of that table in each joined row, [`NULL`] where no
    /// associated row links (a left outer join from the base: no base row is
    /// lost). Joined rows come base row by base row, in order.
    /// `None` when the join passes `limit` rows.
    pub(super) fn join(
        &self,
        app: &App,
        associations: &Associations,
        limit: usize,
    ) -> Option<Vec<Vec<u32>>> {
        let base_rows = associations.associated_rows(self.tables[0]);
        let mut joined = vec![Vec::new(); self.tables.len()];
        // Lookups only (one joined row per base row), a column at a time.
        if self.links.iter().all(|l| l.lookup.is_some()) {
            joined[0] = base_rows.to_vec();
            for (at, link) in self.links.iter().enumerate() {
                let lookup = link.lookup.as_deref().unwrap_or_default();
                let parent = &app.tables[self.tables[link.parent]];
                let keys = &parent.columns[link.parent_columns[0]];
                let column: Vec<u32> = joined[link.parent]
                    .iter()
                    .map(|row| match keys.get(*row as usize) {
                        Some(key) => lookup.get(*key as usize).copied().unwrap_or(NULL),
                        None => NULL,
                    })
                    .collect();
                joined[at + 1] = column;
            }
            return Some(joined);
        }
        let mut current = vec![0u32; self.tables.len()];
        for row in base_rows {
            current[0] = *row;
            if !self.expand(app, 1, &mut current, &mut joined, limit) {
                return None;
            }
        }
        Some(joined)
    }

    /// Adds the joined rows of `current` from table `at` on; false once
    /// there are more than `limit` rows.
    fn expand(
        &self,
        app: &App,
        at: usize,
        current: &mut [u32],
        joined: &mut [Vec<u32>],
        limit: usize,
    ) -> bool {
        if at == self.tables.len() {
            for (column, row) in joined.iter_mut().zip(current.iter()) {
                column.push(*row);
            }
            return joined[0].len() <= limit;
        }
        let link = &self.links[at - 1];
        let parent = &app.tables[self.tables[link.parent]];
        let matches = link.matches(parent, current[link.parent]);
        if matches.is_empty() {
            current[at] = NULL;
            return self.expand(app, at + 1, current, joined, limit);
        }
        for row in matches {
            current[at] = *row;
            if !self.expand(app, at + 1, current, joined, limit) {
                return false;
            }
        }
        true
    }
}
