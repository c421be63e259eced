//! What a pivot `qHyperCubeDef` asks for: its dimensions and measures, and
//! the levels of the left and top axes, the measures' pseudo dimension among
//! them.

use serde_json::Value;

use super::super::Context;
use super::super::definitions::{field_names, measure_expression, measure_format};
use super::super::hypercube::parse_measures;
use crate::data::expr::Expr;
use crate::data::numfmt::NumFormat;

/// One level of an axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Level {
    /// A dimension, by its index in `qDimensions`.
    Dim(usize),
    /// The measures' pseudo dimension.
    Pseudo,
}

/// The parsed definition.
pub(super) struct Shape {
    /// The field of each dimension (all resolved, else [`Shape::missing_dim`]).
    pub fields: Vec<usize>,
    /// The dimension definitions.
    pub dim_defs: Vec<Value>,
    /// The measure definitions.
    pub measure_defs: Vec<Value>,
    /// Each measure's number format (`qDef.qNumFormat`).
    pub formats: Vec<NumFormat>,
    /// Each measure's expression, or why it cannot be computed.
    pub measures: Vec<Result<Expr, String>>,
    /// The left axis, outermost first.
    pub left: Vec<Level>,
    /// The top axis, outermost first.
    pub top: Vec<Level>,
    /// `qEffectiveInterColumnSortOrder`: dimensions, -1 for the pseudo one.
    pub order: Vec<i64>,
    /// Per dimension: the label of its total when it has one.
    pub totals: Vec<Option<String>>,
    /// `qAlwaysFullyExpanded`.
    pub fully_expanded: bool,
    /// `qShowTotalsAbove`.
    pub totals_above: bool,
    /// `qIndentMode`.
    pub indent: bool,
    /// Some dimension names no field.
    pub missing_dim: bool,
}

/// The text of a `StringExpr` (a string, or `{qv}` / `{qExpr}`).
fn string_expr(value: &Value) -> Option<String> {
    value
        .as_str()
        .or_else(|| value["qv"].as_str())
        .or_else(|| value["qExpr"].as_str())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

impl Shape {
    /// Reads a `qHyperCubeDef` in pivot mode.
    pub fn new(ctx: &Context<'_>, def: &Value) -> Self {
        let dim_defs: Vec<Value> = def["qDimensions"].as_array().cloned().unwrap_or_default();
        let measure_defs: Vec<Value> = def["qMeasures"].as_array().cloned().unwrap_or_default();
        let mut fields = Vec::new();
        let mut missing_dim = false;
        for d in &dim_defs {
            match field_names(d).and_then(|n| ctx.app.field(n)) {
                Some(f) => fields.push(f),
                None => missing_dim = true,
            }
        }
        let measures = parse_measures(ctx, &measure_defs);
        let formats = measure_defs.iter().map(measure_format).collect();
        let dims = if missing_dim { 0 } else { fields.len() };
        // Pseudo dimensions only apply with more than one measure.
        let pseudo = measures.len() > 1;
        let given: Vec<i64> = def["qInterColumnSortOrder"]
            .as_array()
            .map(|o| o.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default();
        let mut order: Vec<i64> = Vec::new();
        for c in given {
            let valid = (c == -1 && pseudo) || (0..dims as i64).contains(&c);
            if valid && !order.contains(&c) {
                order.push(c);
            }
        }
        for d in 0..dims as i64 {
            if !order.contains(&d) {
                order.push(d);
            }
        }
        // Where the pseudo dimension sits among the levels: after the
        // dimensions that precede -1 in the sort order, else at qPseudoDimPos,
        // else last.
        let pseudo_at = match order.iter().position(|c| *c == -1) {
            Some(p) => p,
            None => {
                let at = def["qPseudoDimPos"]
                    .as_i64()
                    .filter(|p| (0..=dims as i64).contains(p))
                    .map_or(dims, |p| p as usize);
                if pseudo {
                    order.insert(at, -1);
                }
                at
            }
        };
        let mut levels: Vec<Level> = (0..dims).map(Level::Dim).collect();
        if pseudo {
            levels.insert(pseudo_at.min(dims), Level::Pseudo);
        }
        let left_count = def["qNoOfLeftDims"]
            .as_i64()
            .filter(|n| (0..=levels.len() as i64).contains(n))
            .map_or(levels.len(), |n| n as usize);
        let mut top = levels.split_off(left_count);
        // Without top dimensions the top row names the measure.
        if top.is_empty() && measures.len() == 1 {
            top.push(Level::Pseudo);
        }
        let totals = dim_defs
            .iter()
            .map(|d| {
                (d["qOtherTotalSpec"]["qTotalMode"].as_str() == Some("TOTAL_EXPR"))
                    .then(|| string_expr(&d["qTotalLabel"]).unwrap_or_else(|| "Total".to_owned()))
            })
            .collect();
        Self {
            fields,
            dim_defs,
            measure_defs,
            formats,
            measures,
            left: levels,
            top,
            order,
            totals,
            fully_expanded: def["qAlwaysFullyExpanded"].as_bool().unwrap_or(false),
            totals_above: def["qShowTotalsAbove"].as_bool().unwrap_or(false),
            indent: def["qIndentMode"].as_bool().unwrap_or(false),
            missing_dim,
        }
    }

    /// The label of measure `m`.
    pub fn measure_label(&self, m: usize) -> String {
        let def = &self.measure_defs[m];
        def["qDef"]["qLabel"]
            .as_str()
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| measure_expression(def))
    }

    /// The levels of one axis.
    pub fn levels(&self, top: bool) -> &[Level] {
        if top { &self.top } else { &self.left }
    }
}
