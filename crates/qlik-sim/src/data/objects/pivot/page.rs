//! Pivot data pages (`NxPivotPage`): the left and top trees cut to the
//! page's rows and columns, with how much of each node lies before (`qUp`)
//! and after (`qDown`) the page, and the data cells.

use serde_json::{Value, json};

use super::super::cells::nan_or;
use super::Pivot;
use super::axis::{Axis, Kind};
use super::groups;
use super::shape::Level;
use crate::data::app::NULL;
use crate::data::locale::Locale;
use crate::data::numfmt::{self, NumFormat};

/// A rectangle of the data area: left, top, width, height.
pub(super) type Rect = (u64, u64, u64, u64);

impl Pivot<'_> {
    /// One `NxPivotPage`.
    pub(super) fn page(&mut self, (left, top, width, height): Rect) -> Value {
        let (rows, columns) = (self.left.len(), self.top.len());
        let (y0, x0) = (top as usize, left as usize);
        let y1 = y0.saturating_add(height as usize).min(rows);
        let x1 = x0.saturating_add(width as usize).min(columns);
        if y0 >= y1 || x0 >= x1 {
            return json!({"qLeft": [], "qTop": [], "qData": [],
                "qArea": {"qLeft": left, "qTop": top, "qWidth": 0, "qHeight": 0}});
        }
        let q_left = self.nodes(&self.left, &self.left.roots, y0, y1);
        let q_top = self.nodes(&self.top, &self.top.roots, x0, x1);
        let columns: Vec<_> = (x0..x1).map(|x| self.top.context(x)).collect();
        let locale = &self.ctx.app.locale;
        let mut data = Vec::with_capacity(y1 - y0);
        for y in y0..y1 {
            let row = self.left.context(y);
            let cells: Vec<Value> = columns
                .iter()
                .map(|column| {
                    let mut fixed = row.fixed.clone();
                    fixed.extend(&column.fixed);
                    fixed.sort_unstable();
                    let measure = row.measure.or(column.measure).unwrap_or(0);
                    let total = row.total || column.total;
                    let format = self.shape.formats.get(measure).cloned().unwrap_or_default();
                    value_point(self.groups.value(&fixed, measure), total, &format, locale)
                })
                .collect();
            data.push(Value::Array(cells));
        }
        json!({"qLeft": q_left, "qTop": q_top, "qData": data,
            "qArea": {"qLeft": left, "qTop": top, "qWidth": x1 - x0, "qHeight": y1 - y0}})
    }

    /// The nodes among `ids` with leaves in `from..to`, with their sub-nodes.
    fn nodes(&self, axis: &Axis, ids: &[usize], from: usize, to: usize) -> Vec<Value> {
        ids[axis.within(ids, from, to)]
            .iter()
            .map(|id| {
                let node = &axis.nodes[*id];
                let mut cell = self.dimension_cell(axis, *id);
                cell["qUp"] = json!(from.saturating_sub(node.first));
                cell["qDown"] = json!((node.first + node.leaves).saturating_sub(to));
                cell["qSubNodes"] = Value::Array(self.nodes(axis, &node.children, from, to));
                if node.can_expand {
                    cell["qCanExpand"] = json!(true);
                }
                if node.can_collapse {
                    cell["qCanCollapse"] = json!(true);
                }
                cell
            })
            .collect()
    }

    /// An `NxPivotDimensionCell` without its place in the page.
    fn dimension_cell(&self, axis: &Axis, id: usize) -> Value {
        let node = &axis.nodes[id];
        match (node.kind, axis.levels[node.level]) {
            (Kind::Value(symbol), Level::Dim(d)) if symbol != NULL => {
                let value = &self.ctx.app.fields[self.shape.fields[d]].values[symbol as usize];
                json!({"qText": value.text, "qElemNo": symbol, "qValue": nan_or(value.num),
                    "qType": "N"})
            }
            (Kind::Value(_), _) => {
                json!({"qText": "-", "qElemNo": -2, "qValue": "NaN", "qType": "U"})
            }
            (Kind::Total, Level::Dim(d)) => {
                json!({"qText": self.shape.totals[d].clone().unwrap_or_default(),
                    "qElemNo": -1, "qValue": "NaN", "qType": "T"})
            }
            (Kind::Pseudo(m), _) => {
                json!({"qText": self.shape.measure_label(m), "qElemNo": m,
                    "qValue": "NaN", "qType": "P"})
            }
            _ => json!({"qText": "", "qElemNo": -1, "qValue": "NaN", "qType": "E"}),
        }
    }
}

/// An `NxPivotValuePoint`: `V` a value, `T` on a total, `U` null, `E` no
/// data for the combination.
/// Values are formatted by their measure's number format and the app's locale,
/// as straight cubes are.
fn value_point(value: groups::Value, total: bool, format: &NumFormat, locale: &Locale) -> Value {
    match value {
        groups::Value::Missing => json!({"qText": "-", "qNum": "NaN", "qType": "E"}),
        groups::Value::Of(None) => json!({"qText": "-", "qNum": "NaN", "qType": "U"}),
        groups::Value::Of(Some(v)) => {
            json!({"qText": numfmt::format(Some(v), format, locale), "qNum": v,
            "qType": if total { "T" } else { "V" }})
        }
    }
}
