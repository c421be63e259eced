//! An app's library: master dimensions and measures (`dimensions.json`,
//! `measures.json`) and variables (`variables.json`), as the engine's
//! `GenericDimensionProperties`, `GenericMeasureProperties` and
//! `GenericVariableProperties`.

use serde_json::Value;

/// The library items of an app, each kept as its properties.
#[derive(Debug, Clone, Default)]
pub struct Library {
    /// `{qInfo, qDim, qMetaDef}` items.
    pub dimensions: Vec<Value>,
    /// `{qInfo, qMeasure, qMetaDef}` items.
    pub measures: Vec<Value>,
    /// `{qInfo, qName, qDefinition, …}` items.
    pub variables: Vec<Value>,
}

/// Which list an item goes to, and the key its definition must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// A master dimension (`qDim`).
    Dimension,
    /// A master measure (`qMeasure`).
    Measure,
    /// A variable (`qName`).
    Variable,
}

impl ItemKind {
    fn key(self) -> &'static str {
        match self {
            ItemKind::Dimension => "qDim",
            ItemKind::Measure => "qMeasure",
            ItemKind::Variable => "qName",
        }
    }
}

fn id_of(item: &Value) -> Option<&str> {
    item["qInfo"]["qId"].as_str().filter(|id| !id.is_empty())
}

impl Library {
    /// Adds an item; errors name its id (or its position when it has none).
    pub fn add(&mut self, kind: ItemKind, item: Value, position: usize) -> Result<(), String> {
        let Some(id) = id_of(&item).map(str::to_owned) else {
            return Err(format!("item {}: no qInfo.qId", position + 1));
        };
        if item.get(kind.key()).is_none() {
            return Err(format!("item {id}: no {}", kind.key()));
        }
        let list = match kind {
            ItemKind::Dimension => &mut self.dimensions,
            ItemKind::Measure => &mut self.measures,
            ItemKind::Variable => &mut self.variables,
        };
        if list.iter().any(|other| id_of(other) == Some(&id)) {
            return Err(format!("item {id}: the id is used twice"));
        }
        list.push(item);
        Ok(())
    }

    /// The master dimension with this id.
    pub fn dimension(&self, id: &str) -> Option<&Value> {
        self.dimensions.iter().find(|d| id_of(d) == Some(id))
    }

    /// The master measure with this id.
    pub fn measure(&self, id: &str) -> Option<&Value> {
        self.measures.iter().find(|m| id_of(m) == Some(id))
    }

    /// The variable with this id.
    pub fn variable_by_id(&self, id: &str) -> Option<&Value> {
        self.variables.iter().find(|v| id_of(v) == Some(id))
    }

    /// The variable with this name (variable names are case sensitive).
    pub fn variable(&self, name: &str) -> Option<&Value> {
        self.variables
            .iter()
            .find(|v| v["qName"].as_str() == Some(name))
    }
}
