//! Selections, their propagation through the table links, and value states.

use std::collections::{BTreeMap, BTreeSet};

use super::app::{App, NULL};

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

/// The rows and values that remain associated under some selections.
#[derive(Debug, Clone)]
pub struct Associations {
    /// Per table: is the row associated?
    pub rows: Vec<Vec<bool>>,
    /// Per field: is the symbol possible?
    pub possible: Vec<Vec<bool>>,
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
    pub fn associate(&self, app: &App, skip: Option<usize>) -> Associations {
        let mut rows: Vec<Vec<bool>> = app
            .tables
            .iter()
            .map(|table| {
                (0..table.rows)
                    .map(|row| {
                        table.fields.iter().enumerate().all(|(column, field)| {
                            match self.fields.get(field) {
                                Some(selected) if Some(*field) != skip => {
                                    selected.contains(&table.columns[column][row])
                                }
                                _ => true,
                            }
                        })
                    })
                    .collect()
            })
            .collect();
        let mut possible: Vec<Vec<bool>>;
        loop {
            possible = possible_values(app, &rows);
            let mut changed = false;
            for (t, table) in app.tables.iter().enumerate() {
                // Only key fields (in several tables) can exclude more rows.
                let keys: Vec<(usize, usize)> = table
                    .fields
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| app.fields[**f].tables.len() > 1)
                    .map(|(c, f)| (c, *f))
                    .collect();
                if keys.is_empty() {
                    continue;
                }
                for row in 0..table.rows {
                    if !rows[t][row] {
                        continue;
                    }
                    let linked = keys.iter().all(|(column, field)| {
                        let symbol = table.columns[*column][row];
                        symbol != NULL && possible[*field][symbol as usize]
                    });
                    if !linked {
                        rows[t][row] = false;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        Associations { rows, possible }
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
                let without = self.associate(app, Some(field));
                let alternative = &without.possible[field];
                (0..possible.len())
                    .map(|symbol| {
                        if selected.contains(&(symbol as u32)) {
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

/// A field's possible symbols: those on associated rows of every table that
/// holds it (for keys, the intersection over the tables).
fn possible_values(app: &App, rows: &[Vec<bool>]) -> Vec<Vec<bool>> {
    app.fields
        .iter()
        .map(|field| {
            let mut result: Option<Vec<bool>> = None;
            for (t, column) in &field.tables {
                let mut here = vec![false; field.values.len()];
                let table = &app.tables[*t];
                for (row, on) in rows[*t].iter().enumerate() {
                    let symbol = table.columns[*column][row];
                    if *on && symbol != NULL {
                        here[symbol as usize] = true;
                    }
                }
                result = Some(match result {
                    None => here,
                    Some(previous) => previous.iter().zip(&here).map(|(a, b)| *a && *b).collect(),
                });
            }
            result.unwrap_or_default()
        })
        .collect()
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
