//! Selections, their propagation through the table links, and value states.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use super::app::App;

mod inference;

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

    /// What remains associated, ignoring the selection of `skip`: Qlik's
    /// logical inference from the selections ([`inference`]).
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
        inference::infer(app, &selected, only)
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
        // EMEA selected; without Region's own selection nothing is selected,
        // so APAC and LATAM (no orders at all) are both alternatives.
        assert_eq!(regions, [State::S, State::A, State::A]);
        // Selecting order 2 (APAC) as well excludes EMEA: selected-excluded.
        let o2 = app.fields[order].symbol("2").unwrap();
        selections.select(order, &[o2], false);
        let all = selections.associate(&app, None);
        assert_eq!(selections.states(&app, &all, region)[0], State::XS);
    }

    #[test]
    fn with_no_selection_every_value_is_possible_even_unlinked_ones() {
        let app = app();
        let none = Selections::default();
        let all = none.associate(&app, None);
        assert!(all.rows.iter().flatten().all(|on| *on));
        for field in 0..app.fields.len() {
            let states = none.states(&app, &all, field);
            assert!(states.iter().all(|s| *s == State::O), "{states:?}");
        }
    }

    #[test]
    fn a_selection_excludes_unlinked_rows_only_where_it_reaches() {
        let mut app = app();
        let rows = |data: &[&[&str]]| -> Vec<Vec<String>> {
            data.iter()
                .map(|r| r.iter().map(|s| s.to_string()).collect())
                .collect()
        };
        // Notes on order 1 and on order 9, which is in no other table.
        app.add_table(
            "Notes",
            &["OrderID".into(), "Note".into()],
            rows(&[&["1", "late"], &["9", "lost"]]),
        );
        let (order, note, region) = (
            app.field("OrderID").unwrap(),
            app.field("Note").unwrap(),
            app.field("Region").unwrap(),
        );
        let mut selections = Selections::default();
        // A note on order 1 (c1, EMEA): its customer's row, order 1; the
        // other orders and regions are excluded, unlinked or not.
        let late = app.fields[note].symbol("late").unwrap();
        selections.select(note, &[late], false);
        let all = selections.associate(&app, None);
        assert_eq!(
            selections.states(&app, &all, order),
            [State::O, State::X, State::X, State::X, State::X]
        );
        assert_eq!(
            selections.states(&app, &all, region),
            [State::O, State::X, State::X]
        );
        // Order 9 only has a note: selecting it keeps order 9 possible and
        // excludes every customer.
        let lost = app.fields[note].symbol("lost").unwrap();
        selections.select(note, &[lost], false);
        let all = selections.associate(&app, None);
        assert!(all.rows[1].iter().all(|on| !*on));
        let nine = app.fields[order].symbol("9").unwrap() as usize;
        assert_eq!(selections.states(&app, &all, order)[nine], State::O);
        // A region: the note table, which no selection reaches through its
        // own rows, keeps the note of order 1 and loses order 9's.
        selections.clear(note);
        let emea = app.fields[region].symbol("EMEA").unwrap();
        selections.select(region, &[emea], false);
        let all = selections.associate(&app, None);
        assert_eq!(all.rows[2], [true, false]);
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
