//! Small typed readers over a `GetLayout` answer (serde_json): the hypercube's
//! cells, dimension and measure infos, stacked pages, and property look-ups.
//! Shapes: the engine schema (`HyperCube`, `NxCell`, `NxStackedPivotCell`);
//! numbers the engine cannot give are the string `"NaN"`.

use serde_json::Value;

/// One `NxCell` of `qMatrix`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// `qText`: the engine-formatted value ("" when absent).
    pub text: String,
    /// `qNum`, when a number.
    pub num: Option<f64>,
    /// `qElemNumber`: ≥ 0 a value, -1 total, -2 null, -3 "Others".
    pub elem: i64,
    /// `qState` (`S` selected, `L` locked, `O`, `X`, …).
    pub state: String,
    /// `qIsNull`.
    pub null: bool,
}

impl Cell {
    /// Reads a cell; anything missing gets a neutral value.
    pub fn read(v: &Value) -> Cell {
        let elem = v.get("qElemNumber").and_then(Value::as_i64).unwrap_or(0);
        let null = v.get("qIsNull").and_then(Value::as_bool).unwrap_or(false) || elem == -2;
        Cell {
            text: v
                .get("qText")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            num: v.get("qNum").and_then(number),
            elem,
            state: v
                .get("qState")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            null,
        }
    }

    /// What a dimension cell shows: its text, or "-" for a null without one.
    pub fn label(&self) -> String {
        if self.text.is_empty() && self.null {
            "-".into()
        } else {
            self.text.clone()
        }
    }

    /// True for a value a click can select (not "Others", null or a total).
    pub fn selectable(&self) -> bool {
        self.elem >= 0
    }

    /// The measure value a chart can draw.
    pub fn value(&self) -> Option<f64> {
        if self.null { None } else { self.num }
    }
}

/// A node of `qStackedDataPages[].qData` (`NxStackedPivotCell`).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// `qText`.
    pub text: String,
    /// `qValue`, when a number.
    pub value: Option<f64>,
    /// `qElemNo`.
    pub elem: i64,
    /// `qType`: `R` root, `N` value, `V`/`U` measure cell, `O` others, …
    pub kind: String,
    /// `qSubNodes`.
    pub children: Vec<Node>,
}

impl Node {
    fn read(v: &Value, depth: usize) -> Node {
        let children = if depth < 8 {
            v.get("qSubNodes")
                .and_then(Value::as_array)
                .map(|a| a.iter().map(|c| Node::read(c, depth + 1)).collect())
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        Node {
            text: v
                .get("qText")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            value: v.get("qValue").and_then(number),
            elem: v.get("qElemNo").and_then(Value::as_i64).unwrap_or(0),
            kind: v
                .get("qType")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            children,
        }
    }
}

/// The parts of `qHyperCube` the charts read.
#[derive(Debug, Clone, Default)]
pub struct Cube {
    /// `qDimensionInfo`.
    pub dims: Vec<Value>,
    /// `qMeasureInfo`.
    pub measures: Vec<Value>,
    /// The rows of every `qDataPages[].qMatrix`, in order.
    pub rows: Vec<Vec<Cell>>,
    /// The roots of `qStackedDataPages[].qData` (mode `K`).
    pub stacked: Vec<Node>,
    /// `qGrandTotalRow`.
    pub totals: Vec<Cell>,
    /// `qSize.qcy`: rows the cube has (the pages may hold fewer).
    pub size: usize,
}

impl Cube {
    /// Reads `layout.qHyperCube`; `None` when there is none.
    pub fn read(layout: &Value) -> Option<Cube> {
        let hc = layout.get("qHyperCube")?.as_object()?;
        let list = |key: &str| {
            hc.get(key)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let rows = list("qDataPages")
            .iter()
            .filter_map(|p| p.get("qMatrix").and_then(Value::as_array))
            .flatten()
            .filter_map(|r| {
                r.as_array()
                    .map(|cells| cells.iter().map(Cell::read).collect())
            })
            .collect::<Vec<Vec<Cell>>>();
        let stacked = list("qStackedDataPages")
            .iter()
            .filter_map(|p| p.get("qData").and_then(Value::as_array))
            .flatten()
            .map(|n| Node::read(n, 0))
            .collect();
        let size = hc
            .get("qSize")
            .and_then(|s| s.get("qcy"))
            .and_then(Value::as_u64)
            .map(|n| n as usize)
            .unwrap_or(rows.len());
        Some(Cube {
            dims: list("qDimensionInfo"),
            measures: list("qMeasureInfo"),
            totals: list("qGrandTotalRow").iter().map(Cell::read).collect(),
            rows,
            stacked,
            size,
        })
    }

    /// The data as rows of cells (dimension cells, then measure cells):
    /// `qDataPages`, or else the stacked tree of `qStackedDataPages` (mode
    /// `K`) flattened to the same shape.
    pub fn table_rows(&self) -> Vec<Vec<Cell>> {
        if !self.rows.is_empty() || self.stacked.is_empty() {
            return self.rows.clone();
        }
        let mut out = Vec::new();
        for root in &self.stacked {
            let top = if root.kind == "R" {
                &root.children
            } else {
                std::slice::from_ref(root)
            };
            flatten(top, self.dims.len(), &mut Vec::new(), &mut out);
        }
        out
    }

    /// The title of dimension `i` (`qFallbackTitle`).
    pub fn dim_title(&self, i: usize) -> String {
        title(self.dims.get(i))
    }

    /// The title of measure `i` (`qFallbackTitle`).
    pub fn measure_title(&self, i: usize) -> String {
        title(self.measures.get(i))
    }
}

/// Walks `dims` levels of dimension nodes; below them are the measure cells.
fn flatten(nodes: &[Node], dims: usize, path: &mut Vec<Cell>, out: &mut Vec<Vec<Cell>>) {
    for node in nodes {
        if path.len() < dims {
            path.push(node.cell());
            flatten(&node.children, dims, path, out);
            path.pop();
        } else {
            let mut row = path.clone();
            row.extend(nodes.iter().map(Node::cell));
            out.push(row);
            return;
        }
    }
}

impl Node {
    /// The node as a cell (its value as the number).
    pub fn cell(&self) -> Cell {
        Cell {
            text: self.text.clone(),
            num: self.value,
            elem: self.elem,
            state: String::new(),
            null: self.elem == -2 || self.kind == "U",
        }
    }
}

fn title(info: Option<&Value>) -> String {
    info.and_then(|i| i.get("qFallbackTitle"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// A JSON number, or `None` for `"NaN"` and other non-numbers.
pub fn number(v: &Value) -> Option<f64> {
    v.as_f64().filter(|n| n.is_finite())
}

/// The string at a JSON pointer (`/barGrouping/grouping`).
pub fn text_at<'a>(layout: &'a Value, pointer: &str) -> Option<&'a str> {
    layout.pointer(pointer).and_then(Value::as_str)
}

/// The boolean at a JSON pointer.
pub fn flag_at(layout: &Value, pointer: &str) -> Option<bool> {
    layout.pointer(pointer).and_then(Value::as_bool)
}

/// The number at a JSON pointer (numbers only; strings holding numbers too,
/// as older apps store some properties that way).
pub fn number_at(layout: &Value, pointer: &str) -> Option<f64> {
    let v = layout.pointer(pointer)?;
    number(v).or_else(|| {
        v.as_str()
            .and_then(|s| s.trim().parse().ok())
            .filter(|n: &f64| n.is_finite())
    })
}

/// What the layout draws: `visualization`, else `qInfo.qType`.
pub fn visualization(layout: &Value) -> Option<&str> {
    text_at(layout, "/visualization")
        .filter(|v| !v.is_empty())
        .or_else(|| text_at(layout, "/qInfo/qType"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_cells_with_nan_and_null() {
        let c = Cell::read(
            &json!({"qText": "-", "qNum": "NaN", "qElemNumber": -2, "qState": "L", "qIsNull": true}),
        );
        assert_eq!(
            (c.value(), c.selectable(), c.label().as_str()),
            (None, false, "-")
        );
        let c =
            Cell::read(&json!({"qText": "1,234", "qNum": 1234, "qElemNumber": 0, "qState": "L"}));
        assert_eq!(c.value(), Some(1234.0));
    }

    #[test]
    fn visualization_wins_over_the_type() {
        let l = json!({"qInfo": {"qType": "masterobject"}, "visualization": "piechart"});
        assert_eq!(visualization(&l), Some("piechart"));
        assert_eq!(
            visualization(&json!({"qInfo": {"qType": "barchart"}})),
            Some("barchart")
        );
        assert_eq!(number_at(&json!({"a": {"b": "12"}}), "/a/b"), Some(12.0));
    }
}
