//! Hypercubes: measures computed per dimension combination, sorted, with
//! their dimension and measure infos; their layout and pages.

use std::cmp::Ordering;

use serde_json::{Value, json};

use super::cells::{cell, measure_cell, nan_or};
use super::definitions::{
    dimension_title, field_names, library_id, measure_expression, measure_format,
};
use super::expand::expand;
use super::paging::{data_page, pages_of};
use super::sorting::compare_values;
use super::{Context, ObjectError};
use crate::data::app::NULL;
use crate::data::cube::{self, Cube};
use crate::data::expr::Expr;
use crate::data::numfmt::NumFormat;
use crate::data::selection::State;

/// A computed hypercube: its whole matrix and its layout.
pub(super) struct CubeView {
    matrix: Vec<Vec<Value>>,
    /// The `qHyperCube` of a layout.
    pub(super) layout: Value,
}

/// One row: the dimensions' symbols and the measures' values.
pub(super) type Row = (Vec<u32>, Vec<Option<f64>>);

/// Each measure's expression, or why it cannot be computed.
pub(super) fn parse_measures(
    ctx: &Context<'_>,
    measure_defs: &[Value],
) -> Vec<Result<Expr, String>> {
    measure_defs
        .iter()
        .map(|m| {
            let text = expand(ctx, &measure_expression(m), 0)?;
            let expr = Expr::parse(&text).map_err(|e| e.0)?;
            if expr.has_bare_field() {
                return Err("a field outside an aggregation".into());
            }
            match expr
                .fields()
                .into_iter()
                .find(|f| ctx.app.field(f).is_none())
            {
                Some(unknown) => Err(format!("unknown field {unknown}")),
                None => Ok(expr),
            }
        })
        .collect()
}

/// The columns to sort by, in order: `qInterColumnSortOrder`, else all.
fn sort_order(def: &Value, columns: usize) -> Vec<usize> {
    def["qInterColumnSortOrder"]
        .as_array()
        .map(|o| {
            o.iter()
                .filter_map(|v| v.as_u64())
                .map(|v| v as usize)
                .filter(|c| *c < columns)
                .collect()
        })
        .filter(|o: &Vec<usize>| !o.is_empty())
        .unwrap_or_else(|| (0..columns).collect())
}

/// Sorts rows column by column: dimensions by their sort criteria, measures
/// by `qSortBy.qSortByNumeric`.
fn sort_rows(
    ctx: &Context<'_>,
    rows: &mut [Row],
    order: &[usize],
    dims: &[usize],
    dim_defs: &[Value],
    measure_defs: &[Value],
) {
    rows.sort_by(|(da, va), (db, vb)| {
        for column in order {
            let ordering = if *column < dims.len() {
                let criteria = &dim_defs[*column]["qDef"]["qSortCriterias"][0];
                let criteria = if criteria.is_null() {
                    json!({"qSortByNumeric": 1, "qSortByAscii": 1})
                } else {
                    criteria.clone()
                };
                compare_values(ctx.app, dims[*column], da[*column], db[*column], &criteria)
            } else {
                let m = column - dims.len();
                let direction = measure_defs[m]["qSortBy"]["qSortByNumeric"]
                    .as_i64()
                    .unwrap_or(0);
                if direction == 0 {
                    Ordering::Equal
                } else {
                    let order = va[m]
                        .unwrap_or(f64::MIN)
                        .partial_cmp(&vb[m].unwrap_or(f64::MIN))
                        .unwrap_or(Ordering::Equal);
                    if direction < 0 {
                        order.reverse()
                    } else {
                        order
                    }
                }
            };
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        Ordering::Equal
    });
}

/// The cells of every row: dimension values in their states, then measures
/// in their number formats.
fn matrix(
    ctx: &Context<'_>,
    dims: &[usize],
    rows: &[Row],
    formats: &[NumFormat],
) -> Vec<Vec<Value>> {
    let field_states: Vec<Vec<State>> = dims
        .iter()
        .map(|f| ctx.selections.states(ctx.app, ctx.associations, *f))
        .collect();
    rows.iter()
        .map(|(symbols, values)| {
            let mut row: Vec<Value> = symbols
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let state = if *s == NULL {
                        State::O
                    } else {
                        field_states[i][*s as usize]
                    };
                    cell(ctx.app, dims[i], *s, state.letter())
                })
                .collect();
            row.extend(
                values
                    .iter()
                    .zip(formats)
                    .map(|(v, f)| measure_cell(*v, f, &ctx.app.locale)),
            );
            row
        })
        .collect()
}

/// `qDimensionInfo`.
pub(super) fn dimension_info(
    ctx: &Context<'_>,
    dim_defs: &[Value],
    dims: &[usize],
    rows: usize,
) -> Vec<Value> {
    dim_defs
        .iter()
        .zip(dims.iter())
        .map(|(d, f)| {
            let info = &ctx.app.fields[*f];
            json!({"qFallbackTitle": dimension_title(d), "qCardinal": info.values.len(),
                "qApprMaxGlyphCount": info.values.iter().map(|v| v.text.chars().count()).max().unwrap_or(0),
                "qLocked": false, "qSortIndicator": dimension_sort_indicator(d), "qGroupFallbackTitles": [info.name],
                "qGroupPos": 0, "qStateCounts": {}, "qTags": [], "qDimensionType": if info.is_numeric() { "N" } else { "D" },
                "qGrouping": "N", "qNumFormat": {"qType": "U"}, "qIsAutoFormat": true,
                "qGroupFieldDefs": [info.name], "qMin": "NaN", "qMax": "NaN",
                "qAttrExprInfo": [], "qAttrDimInfo": [], "qIsCalculated": false,
                "qCardinalities": {"qCardinal": info.values.len(), "qHypercubeCardinal": rows},
                "qLibraryId": library_id(d)})
        })
        .collect()
}

/// `qSortIndicator` of a dimension: `D` when its first sort criterion in
/// force (numeric, then text) is descending, else `A`.
fn dimension_sort_indicator(def: &Value) -> &'static str {
    let criteria = &def["qDef"]["qSortCriterias"][0];
    let first = ["qSortByNumeric", "qSortByAscii"]
        .iter()
        .map(|key| criteria[key].as_i64().unwrap_or(0))
        .find(|direction| *direction != 0);
    if first.is_some_and(|d| d < 0) {
        "D"
    } else {
        "A"
    }
}

/// `qSortIndicator` of a measure: `A`/`D` by `qSortBy.qSortByNumeric`, `N`
/// when it is not sorted.
fn measure_sort_indicator(def: &Value) -> &'static str {
    match def["qSortBy"]["qSortByNumeric"].as_i64().unwrap_or(0) {
        0 => "N",
        d if d < 0 => "D",
        _ => "A",
    }
}

/// `qMeasureInfo`, with `qError` on measures that cannot be computed.
pub(super) fn measure_info(
    measure_defs: &[Value],
    parsed: &[Result<Expr, String>],
    formats: &[NumFormat],
    rows: &[Row],
) -> Vec<Value> {
    measure_defs
        .iter()
        .zip(parsed)
        .zip(formats)
        .enumerate()
        .map(|(m, ((d, p), format))| {
            let label = d["qDef"]["qLabel"]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .unwrap_or_else(|| measure_expression(d));
            let column: Vec<f64> = rows.iter().filter_map(|(_, v)| v[m]).collect();
            let mut info = json!({"qFallbackTitle": label, "qApprMaxGlyphCount": 10, "qCardinal": 0,
                "qSortIndicator": measure_sort_indicator(d), "qNumFormat": format.to_json(),
                "qIsAutoFormat": format.is_auto(),
                "qLibraryId": library_id(d),
                "qMin": nan_or(column.iter().copied().reduce(f64::min)),
                "qMax": nan_or(column.iter().copied().reduce(f64::max)),
                "qAttrExprInfo": [], "qAttrDimInfo": []});
            if let Err(message) = p {
                info["qError"] = json!({"qErrorCode": 4, "qContext": message});
            }
            info
        })
        .collect()
}

/// Computes the hypercube of a `qHyperCubeDef`.
pub(super) fn hypercube(ctx: &Context<'_>, def: &Value) -> CubeView {
    let dim_defs: Vec<Value> = def["qDimensions"].as_array().cloned().unwrap_or_default();
    let measure_defs: Vec<Value> = def["qMeasures"].as_array().cloned().unwrap_or_default();
    let mut dims = Vec::new();
    let mut missing_dim = false;
    for d in &dim_defs {
        match field_names(d).and_then(|n| ctx.app.field(n)) {
            Some(f) => dims.push(f),
            None => missing_dim = true,
        }
    }
    let parsed = parse_measures(ctx, &measure_defs);
    let valid: Vec<Expr> = parsed
        .iter()
        .filter_map(|p| p.as_ref().ok().cloned())
        .collect();
    let Cube {
        mut rows,
        totals,
        too_large,
    } = cube::compute(ctx.app, ctx.associations, &dims, &valid);
    if dims.is_empty() {
        rows = vec![cube::CubeRow {
            dims: Vec::new(),
            values: totals.clone(),
        }];
    }
    // Spread valid results back over all measures (invalid ones are null).
    let spread = |values: &[Option<f64>]| -> Vec<Option<f64>> {
        let mut it = values.iter();
        parsed
            .iter()
            .map(|p| {
                if p.is_ok() {
                    it.next().copied().flatten()
                } else {
                    None
                }
            })
            .collect()
    };
    let mut rows: Vec<Row> = rows
        .into_iter()
        .map(|r| (r.dims, spread(&r.values)))
        .collect();
    // A dimension with `qNullSuppression` drops the rows where it is null.
    let suppressed: Vec<usize> = (dim_defs.iter().enumerate())
        .filter(|(_, d)| d["qNullSuppression"].as_bool().unwrap_or(false))
        .map(|(i, _)| i)
        .collect();
    if !suppressed.is_empty() {
        rows.retain(|(symbols, _)| suppressed.iter().all(|i| symbols.get(*i) != Some(&NULL)));
    }
    if def["qSuppressZero"].as_bool().unwrap_or(false) && !parsed.is_empty() {
        rows.retain(|(_, values)| values.iter().any(|v| v.is_some_and(|x| x != 0.0)));
    }
    let columns = dims.len() + parsed.len();
    let order = sort_order(def, columns);
    sort_rows(ctx, &mut rows, &order, &dims, &dim_defs, &measure_defs);
    let formats: Vec<NumFormat> = measure_defs.iter().map(measure_format).collect();
    let matrix = matrix(ctx, &dims, &rows, &formats);
    let totals = spread(&totals);
    let pages: Vec<Value> = pages_of(&def["qInitialDataFetch"])
        .unwrap_or_default()
        .into_iter()
        .map(|p| data_page(&matrix, p))
        .collect();
    let mut layout = json!({
        "qStateName": "$",
        "qSize": {"qcx": columns, "qcy": matrix.len()},
        "qDimensionInfo": dimension_info(ctx, &dim_defs, &dims, rows.len()),
        "qMeasureInfo": measure_info(&measure_defs, &parsed, &formats, &rows),
        "qEffectiveInterColumnSortOrder": order,
        "qGrandTotalRow": totals.iter().zip(&formats)
            .map(|(t, f)| measure_cell(*t, f, &ctx.app.locale)).collect::<Vec<_>>(),
        "qDataPages": pages,
        "qPivotDataPages": [], "qStackedDataPages": [], "qMode": "S",
        "qNoOfLeftDims": -1, "qTreeNodesOnDim": [], "qColumnOrder": [],
    });
    if missing_dim {
        layout["qError"] = json!({"qErrorCode": 2});
    } else if too_large {
        // LOCERR_CALC_HEAP_ERROR, "Out of object memory".
        layout["qError"] = json!({"qErrorCode": 7002});
    }
    CubeView { matrix, layout }
}

/// `GetHyperCubeData` on a `qHyperCubeDef`.
pub(super) fn hypercube_page(
    ctx: &Context<'_>,
    def: &Value,
    pages: &Value,
) -> Result<Vec<Value>, ObjectError> {
    let rects = pages_of(pages)?;
    let view = hypercube(ctx, def);
    Ok(rects
        .into_iter()
        .map(|r| data_page(&view.matrix, r))
        .collect())
}
