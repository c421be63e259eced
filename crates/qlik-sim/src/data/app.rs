//! A loaded app: fields (symbol tables) and tables (symbol-coded columns).

use std::collections::HashMap;
use std::collections::hash_map::{Entry, RandomState};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

use super::app_objects::AppObjects;
use super::library::Library;
use super::locale::Locale;

/// A distinct value of a field: its text and, for numbers, its number.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The text.
    pub text: String,
    /// The number, for numeric values.
    pub num: Option<f64>,
}

impl Cell {
    /// A value from its text: numeric when it parses as a number.
    pub fn parse(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            num: text.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
        }
    }
}

/// A field: its distinct values in load order.
#[derive(Debug, Clone, Default)]
pub struct Field {
    /// Field name.
    pub name: String,
    /// Distinct values; the index is the element number.
    pub values: Vec<Cell>,
    index: SymbolIndex,
    /// Tables holding the field, with the column index.
    pub tables: Vec<(usize, usize)>,
}

impl Field {
    /// The symbol of `text`, adding it if new.
    pub(crate) fn intern(&mut self, text: &str) -> u32 {
        if let Some(symbol) = self.symbol(text) {
            return symbol;
        }
        let symbol = self.values.len() as u32;
        self.values.push(Cell::parse(text));
        self.index.insert(&self.values, text, symbol);
        symbol
    }

    /// The symbol of `text`, if the field has it.
    pub fn symbol(&self, text: &str) -> Option<u32> {
        self.index.get(&self.values, text)
    }

    /// True when every value is a number.
    pub fn is_numeric(&self) -> bool {
        !self.values.is_empty() && self.values.iter().all(|c| c.num.is_some())
    }
}

/// Symbols by text without a second copy of the texts (a million distinct
/// values would take tens of MiB more): by the text's hash, and by text only
/// for a text whose hash another text already has.
#[derive(Debug, Clone, Default)]
struct SymbolIndex {
    hasher: RandomState,
    by_hash: HashMap<u64, u32, BuildHasherDefault<Prehashed>>,
    collisions: HashMap<String, u32>,
}

impl SymbolIndex {
    fn get(&self, values: &[Cell], text: &str) -> Option<u32> {
        match self.by_hash.get(&self.hasher.hash_one(text)) {
            Some(symbol) if values[*symbol as usize].text == text => Some(*symbol),
            Some(_) => self.collisions.get(text).copied(),
            None => None,
        }
    }

    fn insert(&mut self, values: &[Cell], text: &str, symbol: u32) {
        match self.by_hash.entry(self.hasher.hash_one(text)) {
            Entry::Vacant(entry) => {
                entry.insert(symbol);
            }
            Entry::Occupied(entry) if values[*entry.get() as usize].text != text => {
                self.collisions.insert(text.to_owned(), symbol);
            }
            Entry::Occupied(_) => {}
        }
    }
}

/// Hashes a `u64` that already is a hash as itself.
#[derive(Debug, Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Marks a missing value in a column.
pub const NULL: u32 = u32::MAX;

/// A table: one column of symbols per field.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Table name.
    pub name: String,
    /// The field of each column.
    pub fields: Vec<usize>,
    /// Columns of symbols (or [`NULL`]), all of `rows` length.
    pub columns: Vec<Vec<u32>>,
    /// Number of rows.
    pub rows: usize,
}

/// A loaded app.
#[derive(Debug, Clone, Default)]
pub struct App {
    /// App id.
    pub id: String,
    /// Title.
    pub name: String,
    /// All fields.
    pub fields: Vec<Field>,
    /// All tables.
    pub tables: Vec<Table>,
    field_index: HashMap<String, usize>,
    /// Generic objects: sheets, master objects and their children.
    pub objects: AppObjects,
    /// Master dimensions and measures, variables.
    pub library: Library,
    /// The locale the script sets.
    pub locale: Locale,
    /// The load script (`GetScript`); the engine never runs it.
    pub script: String,
}

impl App {
    /// An empty app.
    pub fn new(id: &str, name: &str) -> Self {
        Self {
            id: id.to_owned(),
            name: name.to_owned(),
            ..Self::default()
        }
    }

    /// Adds a table from rows of text (empty text = null; missing cells at
    /// the end of a row are null too).
    pub fn add_table(&mut self, name: &str, headers: &[String], rows: Vec<Vec<String>>) {
        self.add_rows(name, headers, rows);
    }

    /// [`App::add_table`] from rows made as they are loaded.
    pub(crate) fn add_rows(
        &mut self,
        name: &str,
        headers: &[String],
        rows: impl IntoIterator<Item = Vec<String>>,
    ) {
        let rows = rows.into_iter();
        let table_index = self.tables.len();
        let mut table = Table {
            name: name.to_owned(),
            ..Table::default()
        };
        for (column, header) in headers.iter().enumerate() {
            let field = self.field_or_new(header);
            self.fields[field].tables.push((table_index, column));
            table.fields.push(field);
            table.columns.push(Vec::with_capacity(rows.size_hint().0));
        }
        for row in rows {
            for column in 0..headers.len() {
                let field = table.fields[column];
                let symbol = match row.get(column) {
                    Some(text) if !text.is_empty() => self.fields[field].intern(text),
                    _ => NULL,
                };
                table.columns[column].push(symbol);
            }
            table.rows += 1;
        }
        for column in &mut table.columns {
            column.shrink_to_fit();
        }
        self.tables.push(table);
    }

    /// Rebuilds every field's list of tables from the tables' columns.
    pub(super) fn relink(&mut self) {
        for field in &mut self.fields {
            field.tables.clear();
        }
        for (t, table) in self.tables.iter().enumerate() {
            for (column, field) in table.fields.iter().enumerate() {
                self.fields[*field].tables.push((t, column));
            }
        }
    }

    /// The index of a field by name, added if new.
    pub(super) fn field_or_new(&mut self, name: &str) -> usize {
        if let Some(index) = self.field_index.get(name) {
            return *index;
        }
        let index = self.fields.len();
        self.fields.push(Field {
            name: name.to_owned(),
            ..Field::default()
        });
        self.field_index.insert(name.to_owned(), index);
        index
    }

    /// The index of a field by name.
    pub fn field(&self, name: &str) -> Option<usize> {
        self.field_index.get(name).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_by_text_survive_hash_collisions() {
        let mut field = Field::default();
        assert_eq!(field.intern("a"), 0);
        // Make "b" collide with "a": its hash already names symbol 0.
        let hash = field.index.hasher.hash_one("b");
        field.index.by_hash.insert(hash, 0);
        assert_eq!(field.symbol("b"), None);
        assert_eq!(field.intern("b"), 1);
        assert_eq!(field.intern("b"), 1);
        assert_eq!(field.symbol("a"), Some(0));
        assert_eq!(field.symbol("b"), Some(1));
        assert_eq!(field.symbol("c"), None);
        assert_eq!(field.intern("c"), 2);
        assert_eq!(field.values.len(), 3);
        assert_eq!(field.values[1].text, "b");
    }
}
