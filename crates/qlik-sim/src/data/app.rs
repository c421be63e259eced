//! A loaded app: fields (symbol tables) and tables (symbol-coded columns).

use std::collections::HashMap;

use serde_json::Value;

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
    index: HashMap<String, u32>,
    /// Tables holding the field, with the column index.
    pub tables: Vec<(usize, usize)>,
}

impl Field {
    /// The symbol of `text`, adding it if new.
    pub(crate) fn intern(&mut self, text: &str) -> u32 {
        if let Some(symbol) = self.index.get(text) {
            return *symbol;
        }
        let symbol = self.values.len() as u32;
        self.values.push(Cell::parse(text));
        self.index.insert(text.to_owned(), symbol);
        symbol
    }

    /// The symbol of `text`, if the field has it.
    pub fn symbol(&self, text: &str) -> Option<u32> {
        self.index.get(text).copied()
    }

    /// True when every value is a number.
    pub fn is_numeric(&self) -> bool {
        !self.values.is_empty() && self.values.iter().all(|c| c.num.is_some())
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
    /// Master objects: id → generic object properties.
    pub master_objects: Vec<(String, Value)>,
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

    /// Adds a table from rows of text (empty text = null).
    pub fn add_table(&mut self, name: &str, headers: &[String], rows: Vec<Vec<String>>) {
        let table_index = self.tables.len();
        let mut table = Table {
            name: name.to_owned(),
            rows: rows.len(),
            ..Table::default()
        };
        for (column, header) in headers.iter().enumerate() {
            let field = self.field_or_new(header);
            self.fields[field].tables.push((table_index, column));
            table.fields.push(field);
            table.columns.push(Vec::with_capacity(rows.len()));
        }
        for row in rows {
            for (column, text) in row.iter().enumerate().take(headers.len()) {
                let field = table.fields[column];
                let symbol = if text.is_empty() {
                    NULL
                } else {
                    self.fields[field].intern(text)
                };
                table.columns[column].push(symbol);
            }
        }
        self.tables.push(table);
    }

    fn field_or_new(&mut self, name: &str) -> usize {
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

    /// Master object properties by id.
    pub fn master_object(&self, id: &str) -> Option<&Value> {
        self.master_objects
            .iter()
            .find(|(object_id, _)| object_id == id)
            .map(|(_, props)| props)
    }
}
