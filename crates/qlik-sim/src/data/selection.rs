//! Selections, their propagation through the table links, and value states.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use super::app::App;

/// Selected symbols per field (absent: no selection on that field).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selections {
    /// field index → selected symbols (never empty).
    pub fields: BTreeMap<usize, BTreeSet<u32>>,
}

/// A value's state, as Qlik names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    /// Selected.
    S,
    /// Possible (optional).
    O,
    /// Alternative: not selected, possible if this field's selection changed.
    A,
    /// Excluded by selections in other fields.
    X,
    /// Selected, but excluded by another field's selection.
    XS,
}

impl State {
    /// The `qState` letters.
    pub fn letter(self) -> &'static str {
        match self {
            State::S => "S",
            State::O => "O",
            State::A => "A",
            State::X => "X",
            State::XS => "XS",
        }
    }
}

/// The rows and values that remain associated under some selections
/// ([`Selections::associate`]). Read-only: what is derived from them later
/// (alternatives, lists of rows) is kept for reuse.
#[derive(Debug, Clone)]
pub struct Associations {
    /// Per table: is the row associated?
    pub rows: Vec<Vec<bool>>,
    /// Per field: is the symbol possible?
    pub possible: Vec<Vec<bool>>,
    /// The selections these associations are for (`None`: some were skipped).
    selections: Option<Selections>,
    /// Per field, once asked for: its possible symbols without its own
    /// selection (the alternatives), computed at most once.
    alternatives: Vec<OnceLock<Vec<bool>>>,
    /// Per table, once asked for: the numbers of the associated rows.
    listed: Vec<OnceLock<Vec<u32>>>,
}

impl Associations {
    /// The associated rows of a table, in order (listed once).
    pub(super) fn associated_rows(&self, table: usize) -> &[u32] {
        self.listed[table].get_or_init(|| {
            let on = &self.rows[table];
            let mut list = vec![0u32; on.len()];
            let mut count = 0;
            for (row, flag) in on.iter().enumerate() {
                list[count] = row as u32;
                count += usize::from(*flag);
            }
            list.truncate(count);
            list
        })
    }
}

impl Selections {
    /// Replaces (or with `toggle`, toggles) the selection of a field.
    pub fn select(&mut self, field: usize, symbols: &[u32], toggle: bool) {
        let current = self.fields.remove(&field).unwrap_or_default();
        let next: BTreeSet<u32> = if toggle {
            current
                .symmetric_difference(&symbols.iter().copied().collect())
                .copied()
                .collect()
        } else {
            symbols.iter().copied().collect()
        };
        if !next.is_empty() {
            self.fields.insert(field, next);
        }
    }

    /// Clears one field.
    pub fn clear(&mut self, field: usize) {
        self.fields.remove(&field);
    }

    /// What remains associated, ignoring the selection of `skip`.
    ///
    /// The rows matching the selections, then, until nothing changes, the rows
    /// whose key values (fields held by several tables) are not on associated
    /// rows of every table holding the key are excluded too (an inner join).
    pub fn associate(&self, app: &App, skip: Option<usize>) -> Associations {
        let (rows, possible) = self.propagate(app, skip, None);
        Associations {
            rows,
            possible,
            selections: skip.is_none().then(|| self.clone()),
            alternatives: (0..app.fields.len()).map(|_| OnceLock::new()).collect(),
            listed: (0..app.tables.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The associated rows and the possible symbols of every field (or, with
    /// `only`, of that field only; the others are left empty).
    fn propagate(
        &self,
        app: &App,
        skip: Option<usize>,
        only: Option<usize>,
    ) -> (Vec<Vec<bool>>, Vec<Vec<bool>>) {
        let mut selected: Vec<Option<Vec<bool>>> = vec![None; app.fields.len()];
        for (field, symbols) in &self.fields {
            if Some(*field) == skip || *field >= app.fields.len() {
                continue;
            }
            let mut bitmap = vec![false; app.fields[*field].values.len()];
            for symbol in symbols {
                if let Some(flag) = bitmap.get_mut(*symbol as usize) {
                    *flag = true;
                }
            }
            selected[*field] = Some(bitmap);
        }
        // Rows matching the selections; `complete`: every row of the table is.
        let mut complete = vec![true; app.tables.len()];
        let mut rows: Vec<Vec<bool>> = app
            .tables
            .iter()
            .enumerate()
            .map(|(t, table)| {
                let mut on = vec![true; table.rows];
                for (column, field) in table.fields.iter().enumerate() {
                    if let Some(bitmap) = &selected[*field] {
                        for (flag, symbol) in on.iter_mut().zip(&table.columns[column]) {
                            *flag &= bitmap.get(*symbol as usize).copied().unwrap_or(false);
                        }
                        complete[t] = false;
                    }
                }
                on
            })
            .collect();

        // The key columns of each table, and the key symbols on its associated
        // rows; a null key links nothing, so its row must go.
        let keys: Vec<Vec<(usize, usize)>> = app
            .tables
            .iter()
            .map(|table| {
                table
                    .fields
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| app.fields[**f].tables.len() > 1)
                    .map(|(c, f)| (c, *f))
                    .collect()
            })
            .collect();
        let mut stale = vec![false; app.tables.len()];
        let mut present: Vec<Vec<Vec<bool>>> = app
            .tables
            .iter()
            .enumerate()
            .map(|(t, table)| {
                keys[t]
                    .iter()
                    .map(|(column, field)| {
                        let mut here = vec![false; app.fields[*field].values.len()];
                        let symbols = &table.columns[*column];
                        let mut null = false;
                        if complete[t] {
                            for symbol in symbols {
                                match here.get_mut(*symbol as usize) {
                                    Some(flag) => *flag = true,
                                    None => null = true,
                                }
                            }
                        } else {
                            for (symbol, on) in symbols.iter().zip(&rows[t]) {
                                match here.get_mut(*symbol as usize) {
                                    Some(flag) => *flag |= *on,
                                    None => null |= *on,
                                }
                            }
                        }
                        stale[t] |= null;
                        here
                    })
                    .collect()
            })
            .collect();

        // Until no table has rows with impossible keys: possible keys are
        // those present in every table holding them.
        let mut possible: Vec<Vec<bool>> = vec![Vec::new(); app.fields.len()];
        loop {
            for (f, field) in app.fields.iter().enumerate() {
                if field.tables.len() < 2 {
                    continue;
                }
                let mut result = vec![true; field.values.len()];
                for (t, column) in &field.tables {
                    let k = keys[*t].iter().position(|(c, _)| c == column).unwrap_or(0);
                    for (r, p) in result.iter_mut().zip(&present[*t][k]) {
                        *r &= *p;
                    }
                }
                possible[f] = result;
            }
            let mut changed = false;
            for (t, table) in app.tables.iter().enumerate() {
                // The keys with symbols no longer possible (all keys when a
                // row has a null key).
                let check: Vec<usize> = (0..keys[t].len())
                    .filter(|k| {
                        stale[t]
                            || present[t][*k]
                                .iter()
                                .zip(&possible[keys[t][*k].1])
                                .any(|(here, p)| *here && !*p)
                    })
                    .collect();
                stale[t] = false;
                if check.is_empty() {
                    continue;
                }
                // A column at a time, without branches on the data.
                let on = &mut rows[t];
                let mut dropped = false;
                for k in check {
                    let (column, field) = keys[t][k];
                    let possible = &possible[field];
                    for (flag, symbol) in on.iter_mut().zip(&table.columns[column]) {
                        let linked = possible.get(*symbol as usize).copied().unwrap_or(false);
                        dropped |= *flag && !linked;
                        *flag &= linked;
                    }
                }
                for (k, (column, field)) in keys[t].iter().enumerate() {
                    let mut here = vec![false; app.fields[*field].values.len()];
                    for (flag, symbol) in on.iter().zip(&table.columns[*column]) {
                        if let Some(h) = here.get_mut(*symbol as usize) {
                            *h |= *flag;
                        }
                    }
                    present[t][k] = here;
                }
                if dropped {
                    complete[t] = false;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }

        // Every other field: the symbols on associated rows (all of them when
        // no row of its table is excluded).
        for (f, field) in app.fields.iter().enumerate() {
            if field.tables.len() > 1 || only.is_some_and(|o| o != f) {
                continue;
            }
            possible[f] = match field.tables.first() {
                None => Vec::new(),
                Some((t, _)) if complete[*t] => vec![true; field.values.len()],
                Some((t, column)) => {
                    let mut here = vec![false; field.values.len()];
                    for (symbol, on) in app.tables[*t].columns[*column].iter().zip(&rows[*t]) {
                        if let Some(flag) = here.get_mut(*symbol as usize) {
                            *flag |= *on;
                        }
                    }
                    here
                }
            };
        }
        (rows, possible)
    }

    /// The state of every value of `field`, given the associations under all
    /// selections.
    pub fn states(&self, app: &App, all: &Associations, field: usize) -> Vec<State> {
        let possible = &all.possible[field];
        match self.fields.get(&field) {
            None => possible
                .iter()
                .map(|p| if *p { State::O } else { State::X })
                .collect(),
            Some(selected) => {
                let compute = || {
                    self.propagate(app, Some(field), Some(field))
                        .1
                        .swap_remove(field)
                };
                let fresh;
                let alternative = match all.alternatives.get(field) {
                    Some(cached) if all.selections.as_ref() == Some(self) => {
                        cached.get_or_init(compute)
                    }
                    _ => {
                        fresh = compute();
                        &fresh
                    }
                };
                let mut is_selected = vec![false; possible.len()];
                for symbol in selected {
                    if let Some(flag) = is_selected.get_mut(*symbol as usize) {
                        *flag = true;
                    }
                }
                (0..possible.len())
                    .map(|symbol| {
                        if is_selected[symbol] {
                            if possible[symbol] {
                                State::S
                            } else {
                                State::XS
                            }
                        } else if alternative[symbol] {
                            State::A
                        } else {
                            State::X
                        }
                    })
                    .collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> App {
        let mut app = App::new("t", "t");
        let rows = |data: &[&[&str]]| -> Vec<Vec<String>> {
            data.iter()
                .map(|r| r.iter().map(|s| s.to_string()).collect())
                .collect()
        };
        app.add_table(
            "Orders",
            &["OrderID".into(), "CustomerID".into(), "Sales".into()],
            rows(&[
                &["1", "c1", "10"],
                &["2", "c2", "20"],
                &["3", "c1", "30"],
                &["4", "c3", "5"],
            ]),
        );
        app.add_table(
            "Customers",
            &["CustomerID".into(), "Region".into()],
            rows(&[
                &["c1", "EMEA"],
                &["c2", "APAC"],
                &["c3", "EMEA"],
                &["c4", "LATAM"],
            ]),
        );
        app
    }

    #[test]
    fn selections_propagate_through_keys_with_qlik_states() {
        let app = app();
        let region = app.field("Region").unwrap();
        let order = app.field("OrderID").unwrap();
        let emea = app.fields[region].symbol("EMEA").unwrap();
        let mut selections = Selections::default();
        selections.select(region, &[emea], false);
        let all = selections.associate(&app, None);
        let orders: Vec<State> = selections.states(&app, &all, order);
        assert_eq!(orders, [State::O, State::X, State::O, State::O]);
        let regions = selections.states(&app, &all, region);
        // EMEA selected, APAC alternative; LATAM has no orders at all, so it
        // is excluded even without Region's own selection.
        assert_eq!(regions, [State::S, State::A, State::X]);
        // Selecting order 2 (APAC) as well excludes EMEA: selected-excluded.
        let o2 = app.fields[order].symbol("2").unwrap();
        selections.select(order, &[o2], false);
        let all = selections.associate(&app, None);
        assert_eq!(selections.states(&app, &all, region)[0], State::XS);
    }

    #[test]
    fn toggle_and_clear() {
        let mut s = Selections::default();
        s.select(1, &[1, 2], false);
        s.select(1, &[2, 3], true);
        assert_eq!(s.fields[&1], BTreeSet::from([1, 3]));
        s.select(1, &[1, 3], true);
        assert!(s.fields.is_empty());
        s.select(2, &[0], false);
        s.clear(2);
        assert!(s.fields.is_empty());
    }
}
