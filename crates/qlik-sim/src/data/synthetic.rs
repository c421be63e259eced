//! Synthetic keys: tables sharing two or more fields are linked through one
//! anonymous field holding every combination of them that occurs, as Qlik
//! links them when it loads them (docs/qlik-protocol.md, "Logical
//! inference").

use std::collections::{HashMap, HashSet};

use super::app::{App, NULL, Table};

/// Replaces each set of two or more fields that tables share by a synthetic
/// key `$Syn n`: the tables holding the set lose its fields and hold the key,
/// and a table `$Syn n Table` holds the key and the set's fields, a row per
/// combination that occurs. Sets that overlap a larger one stay linked field
/// by field (Qlik would nest synthetic keys).
pub(crate) fn link_synthetic_keys(app: &mut App) {
    let sets = shared_sets(app);
    for (n, set) in sets.iter().enumerate() {
        synthesize(app, n + 1, set);
    }
    if !sets.is_empty() {
        app.relink();
    }
}

/// The distinct sets of two or more fields shared by two tables, larger
/// first, without those that overlap a set already taken.
fn shared_sets(app: &App) -> Vec<Vec<usize>> {
    let keys: Vec<Vec<usize>> = app
        .tables
        .iter()
        .map(|table| {
            let mut keys: Vec<usize> = (table.fields.iter())
                .filter(|f| app.fields[**f].tables.len() > 1)
                .copied()
                .collect();
            keys.sort_unstable();
            keys.dedup();
            keys
        })
        .collect();
    let mut sets: Vec<Vec<usize>> = Vec::new();
    for (a, keys_a) in keys.iter().enumerate() {
        for keys_b in &keys[a + 1..] {
            let shared: Vec<usize> = keys_a
                .iter()
                .filter(|f| keys_b.contains(f))
                .copied()
                .collect();
            if shared.len() > 1 && !sets.contains(&shared) {
                sets.push(shared);
            }
        }
    }
    sets.sort_by_key(|set| std::cmp::Reverse(set.len()));
    let mut used = HashSet::new();
    sets.retain(|set| {
        let free = set.iter().all(|f| !used.contains(f));
        if free {
            used.extend(set.iter().copied());
        }
        free
    });
    sets
}

/// Links the tables holding every field of `set` through `$Syn n`.
fn synthesize(app: &mut App, n: usize, set: &[usize]) {
    let holders: Vec<usize> = (0..app.tables.len())
        .filter(|t| set.iter().all(|f| app.tables[*t].fields.contains(f)))
        .collect();
    // The combination of every holder row (NULL: the row holds none).
    let mut numbers: HashMap<Vec<u32>, u32> = HashMap::new();
    let mut combinations: Vec<Vec<u32>> = Vec::new();
    let mut ids: Vec<Vec<u32>> = Vec::with_capacity(holders.len());
    for t in &holders {
        let table = &app.tables[*t];
        let columns: Vec<usize> = set
            .iter()
            .filter_map(|f| table.fields.iter().position(|g| g == f))
            .collect();
        let column_ids = (0..table.rows)
            .map(|row| {
                let combination: Vec<u32> =
                    columns.iter().map(|c| table.columns[*c][row]).collect();
                if combination.iter().all(|s| *s == NULL) {
                    return NULL;
                }
                let next = combinations.len() as u32;
                *numbers.entry(combination).or_insert_with_key(|c| {
                    combinations.push(c.clone());
                    next
                })
            })
            .collect();
        ids.push(column_ids);
    }
    let name = format!("$Syn {n}");
    let key = app.field_or_new(&name);
    let symbols: Vec<u32> = (1..=combinations.len())
        .map(|i| app.fields[key].intern(&i.to_string()))
        .collect();
    for (t, column_ids) in holders.iter().zip(ids) {
        let table = &mut app.tables[*t];
        let mut kept = (table.fields.iter().zip(&table.columns))
            .filter(|(f, _)| !set.contains(f))
            .map(|(f, c)| (*f, c.clone()))
            .collect::<Vec<_>>();
        let column = column_ids
            .iter()
            .map(|id| symbols.get(*id as usize).copied().unwrap_or(NULL))
            .collect();
        kept.push((key, column));
        (table.fields, table.columns) = kept.into_iter().unzip();
    }
    let mut columns = vec![symbols];
    columns.extend((0..set.len()).map(|i| combinations.iter().map(|c| c[i]).collect::<Vec<u32>>()));
    let mut fields = vec![key];
    fields.extend_from_slice(set);
    app.tables.push(Table {
        name: format!("$Syn {n} Table"),
        fields,
        rows: combinations.len(),
        columns,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(data: &[&[&str]]) -> Vec<Vec<String>> {
        data.iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn two_shared_fields_become_one_synthetic_key() {
        let mut app = App::new("t", "t");
        let headers = |h: &[&str]| h.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        app.add_table(
            "Sales",
            &headers(&["Year", "Shop", "Amount"]),
            rows(&[
                &["2024", "N", "10"],
                &["2025", "N", "20"],
                &["2024", "S", "5"],
            ]),
        );
        app.add_table(
            "Budget",
            &headers(&["Year", "Shop", "Budget"]),
            rows(&[&["2024", "N", "9"], &["2025", "S", "7"]]),
        );
        app.add_table(
            "Shops",
            &headers(&["Shop", "City"]),
            rows(&[&["N", "Oslo"]]),
        );
        link_synthetic_keys(&mut app);
        let names: Vec<&str> = app.tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Sales", "Budget", "Shops", "$Syn 1 Table"]);
        let syn = app.field("$Syn 1").unwrap();
        let (year, shop) = (app.field("Year").unwrap(), app.field("Shop").unwrap());
        assert_eq!(app.tables[0].fields, [app.field("Amount").unwrap(), syn]);
        // Four combinations occur: (2024, N), (2025, N), (2024, S), (2025, S).
        let table = &app.tables[3];
        assert_eq!(table.fields, [syn, year, shop]);
        assert_eq!(table.rows, 4);
        assert_eq!(
            app.tables[1].columns[1],
            [table.columns[0][0], table.columns[0][3]]
        );
        // Shop still links the synthetic table to Shops.
        assert_eq!(app.fields[shop].tables, [(2, 0), (3, 2)]);
        assert_eq!(app.fields[syn].tables, [(0, 1), (1, 1), (3, 0)]);
    }
}
