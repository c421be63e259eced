//! Hypercubes in pivot mode (`qMode: "P"`): the dimensions split into a left
//! and a top axis ([`shape`]), each a tree expanded as the object's
//! expansion state says ([`axis`], [`expansion`]), cells aggregated per group
//! ([`groups`]) and served in pages of trees ([`page`]).

mod axis;
mod expansion;
mod groups;
mod page;
mod shape;

use serde_json::{Value, json};

use super::cells::measure_cell;
use super::hypercube::{dimension_info, measure_info};
use super::paging::pages_of;
use super::{Context, ObjectError, definition};
use crate::data::app::NULL;
use axis::{Axis, Kind, Source};
use expansion::Expansion;
use groups::Groups;
use shape::{Level, Shape};

/// A computed pivot.
pub(super) struct Pivot<'a> {
    ctx: &'a Context<'a>,
    shape: &'a Shape,
    groups: Groups<'a>,
    expansion: Expansion,
    left: Axis,
    top: Axis,
}

impl<'a> Pivot<'a> {
    /// Computes the pivot of a `qHyperCubeDef` read into `shape`.
    fn new(ctx: &'a Context<'a>, shape: &'a Shape, def: &Value) -> Self {
        let expansion = Expansion::parse(&def["qExpansionState"], |name| {
            let d =
                (0..shape.fields.len()).find(|d| ctx.app.fields[shape.fields[*d]].name == name)?;
            [false, true].into_iter().find_map(|top| {
                let level = shape.levels(top).iter().position(|l| *l == Level::Dim(d))?;
                Some((top, level))
            })
        });
        let mut groups = Groups::new(ctx, &shape.fields, &shape.measures);
        let mut axis = |top: bool, side| {
            let dims: Vec<usize> = shape
                .levels(top)
                .iter()
                .filter_map(|l| match l {
                    Level::Dim(d) => Some(*d),
                    Level::Pseudo => None,
                })
                .collect();
            let combos: Vec<Vec<u32>> = if shape.missing_dim {
                Vec::new()
            } else {
                groups.of(&dims).keys().cloned().collect()
            };
            Axis::build(&Source {
                app: ctx.app,
                shape,
                combos: &combos,
                side,
                top,
            })
        };
        let left = axis(false, &expansion.left);
        let top = axis(true, &expansion.top);
        Self {
            ctx,
            shape,
            groups,
            expansion,
            left,
            top,
        }
    }

    /// The field name of the dimension at `level` of an axis.
    fn name_of(&self, top: bool, level: usize) -> Option<String> {
        match self.shape.levels(top).get(level)? {
            Level::Dim(d) => Some(self.ctx.app.fields[self.shape.fields[*d]].name.clone()),
            Level::Pseudo => None,
        }
    }

    /// The `qHyperCube` of a layout.
    fn layout(&mut self, def: &Value) -> Value {
        let shape = self.shape;
        let dims: Vec<usize> = (0..shape.fields.len()).collect();
        let rows: Vec<(Vec<u32>, Vec<Option<f64>>)> = if shape.missing_dim {
            Vec::new()
        } else {
            let finest: Vec<Vec<u32>> = self.groups.of(&dims).keys().cloned().collect();
            finest
                .into_iter()
                .map(|key| {
                    let fixed: Vec<(usize, u32)> = dims.iter().copied().zip(key.clone()).collect();
                    (key, self.groups.values(&fixed))
                })
                .collect()
        };
        let totals: Vec<Value> = self
            .groups
            .values(&[])
            .into_iter()
            .zip(&shape.formats)
            .map(|(value, format)| measure_cell(value, format, &self.ctx.app.locale))
            .collect();
        let pages: Vec<Value> = pages_of(&def["qInitialDataFetch"])
            .unwrap_or_default()
            .into_iter()
            .map(|r| self.page(r))
            .collect();
        let mut layout = json!({
            "qStateName": "$",
            "qSize": {"qcx": self.top.len(), "qcy": self.left.len()},
            "qDimensionInfo": dimension_info(self.ctx, &shape.dim_defs, &shape.fields, rows.len()),
            "qMeasureInfo": measure_info(&shape.measure_defs, &shape.measures, &shape.formats, &rows),
            "qEffectiveInterColumnSortOrder": shape.order,
            "qGrandTotalRow": totals,
            "qDataPages": [], "qPivotDataPages": pages, "qStackedDataPages": [],
            "qMode": "P", "qNoOfLeftDims": shape.left.len(), "qIndentMode": shape.indent,
            "qTreeNodesOnDim": [], "qColumnOrder": [],
        });
        if shape.missing_dim {
            layout["qError"] = json!({"qErrorCode": 2});
        } else if self.groups.too_large {
            // LOCERR_CALC_HEAP_ERROR, "Out of object memory".
            layout["qError"] = json!({"qErrorCode": 7002});
        }
        layout
    }
}

/// Is this `qHyperCubeDef` in pivot mode?
pub(super) fn is_pivot(def: &Value) -> bool {
    def["qMode"].as_str() == Some("P")
}

/// The `qHyperCube` layout of a pivot-mode `qHyperCubeDef`.
pub(super) fn pivot_layout(ctx: &Context<'_>, def: &Value) -> Value {
    let shape = Shape::new(ctx, def);
    Pivot::new(ctx, &shape, def).layout(def)
}

/// The pivot definition at `path`, or `InvalidPath`.
fn pivot_definition<'v>(properties: &'v Value, path: &str) -> Result<&'v Value, ObjectError> {
    let def = definition(properties, path, "qHyperCubeDef")?;
    if is_pivot(def) {
        Ok(def)
    } else {
        Err(ObjectError::InvalidPath(path.to_owned()))
    }
}

/// `GetHyperCubePivotData`.
pub fn pivot_page(
    ctx: &Context<'_>,
    properties: &Value,
    path: &str,
    pages: &Value,
) -> Result<Vec<Value>, ObjectError> {
    let def = pivot_definition(properties, path)?;
    let rects = pages_of(pages)?;
    let shape = Shape::new(ctx, def);
    let mut pivot = Pivot::new(ctx, &shape, def);
    Ok(rects.into_iter().map(|r| pivot.page(r)).collect())
}

/// An `ExpandLeft`, `CollapseLeft`, `ExpandTop` or `CollapseTop` call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expand {
    /// The top axis (`…Top`), else the left one.
    pub top: bool,
    /// Expand, else collapse.
    pub expand: bool,
    /// `qRow`: a data row (left) or a top level.
    pub row: i64,
    /// `qCol`: a left level or a data column (top).
    pub col: i64,
    /// `qAll`: every node of the axis.
    pub all: bool,
}

/// Expands or collapses pivot nodes: the object's next `qExpansionState`, or
/// `None` when nothing changes (an always fully expanded pivot, a cell that
/// is not an expandable node, one already in that state).
pub fn pivot_expand(
    ctx: &Context<'_>,
    properties: &Value,
    path: &str,
    call: Expand,
) -> Result<Option<Value>, ObjectError> {
    let def = pivot_definition(properties, path)?;
    let shape = Shape::new(ctx, def);
    if shape.fully_expanded {
        return Ok(None);
    }
    let pivot = Pivot::new(ctx, &shape, def);
    let mut expansion = pivot.expansion.clone();
    let (axis, side, leaf, level) = if call.top {
        (&pivot.top, &mut expansion.top, call.col, call.row)
    } else {
        (&pivot.left, &mut expansion.left, call.row, call.col)
    };
    let changed = if call.all {
        side.set_all(axis.levels.len(), call.expand)
    } else {
        let node = usize::try_from(leaf)
            .ok()
            .zip(usize::try_from(level).ok())
            .and_then(|(leaf, level)| axis.node_at(leaf, level))
            .filter(|id| {
                let node = &axis.nodes[*id];
                node.can_expand || node.can_collapse
            });
        match node.and_then(|id| axis.path(id)) {
            Some(path) => side.set(&path, call.expand),
            None => false,
        }
    };
    Ok(changed.then(|| expansion.to_value(|top, level| pivot.name_of(top, level))))
}

/// `SelectPivotCells`: the `(field, symbol)` values the cells stand for. A
/// left cell (`L`) is a row's node at a left level, a top cell (`T`) a
/// column's node at a top level, a data cell (`D`) the values of its row and
/// column; totals, measures and nulls select nothing.
pub fn pivot_cells(
    ctx: &Context<'_>,
    properties: &Value,
    path: &str,
    cells: &[Value],
) -> Result<Vec<(usize, u32)>, ObjectError> {
    let def = pivot_definition(properties, path)?;
    let shape = Shape::new(ctx, def);
    let pivot = Pivot::new(ctx, &shape, def);
    let index = |cell: &Value, key: &str| {
        cell[key]
            .as_i64()
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(usize::MAX)
    };
    let node_value = |axis: &Axis, leaf: usize, level: usize| {
        let id = axis.node_at(leaf, level)?;
        match (axis.nodes[id].kind, axis.levels[level]) {
            (Kind::Value(s), Level::Dim(d)) if s != NULL => Some((shape.fields[d], s)),
            _ => None,
        }
    };
    let mut values = Vec::new();
    for cell in cells {
        let (row, col) = (index(cell, "qRow"), index(cell, "qCol"));
        match cell["qType"].as_str() {
            Some("L") => values.extend(node_value(&pivot.left, row, col)),
            Some("T") => values.extend(node_value(&pivot.top, col, row)),
            Some("D") if row < pivot.left.len() && col < pivot.top.len() => {
                let mut fixed = pivot.left.context(row).fixed;
                fixed.extend(pivot.top.context(col).fixed);
                values.extend(
                    fixed
                        .into_iter()
                        .filter(|(_, s)| *s != NULL)
                        .map(|(d, s)| (shape.fields[d], s)),
                );
            }
            _ => {}
        }
    }
    Ok(values)
}
