//! Generic object layouts in Qlik's shapes: list objects, hypercubes, current
//! selections, expressions; data pages; selections made through objects.

use std::cmp::Ordering;

use serde_json::{Value, json};

use super::app::{App, NULL};
use super::cube::{self, Cube};
use super::expr::Expr;
use super::selection::{Associations, Selections, State};

/// Qlik's limit on the cells of all requested pages together.
pub const MAX_CELLS: u64 = 10_000;

/// Why a data request failed (mapped to Qlik error codes by the engine).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectError {
    /// More than 10 000 cells requested (LOCERR_CALC_PAGES_TOO_LARGE, 7009).
    PagesTooLarge,
    /// The path names no definition of this object (LOCERR_GENERIC_INVALID_PATH, 4).
    InvalidPath(String),
    /// The object has no such field or dimension (LOCERR_GENERIC_NOT_FOUND, 2).
    NotFound(String),
}

impl ObjectError {
    /// The Qlik error code.
    pub fn code(&self) -> i64 {
        match self {
            ObjectError::PagesTooLarge => 7009,
            ObjectError::InvalidPath(_) => 4,
            ObjectError::NotFound(_) => 2,
        }
    }
}

/// Everything a layout is computed from.
pub struct Context<'a> {
    /// The app.
    pub app: &'a App,
    /// Current selections.
    pub selections: &'a Selections,
    /// Associations under them.
    pub associations: &'a Associations,
    /// Selection history position, for current-selections objects.
    pub back_count: usize,
    /// Selection history steps ahead.
    pub forward_count: usize,
}

fn nan_or(n: Option<f64>) -> Value {
    n.map_or(Value::String("NaN".into()), |v| json!(v))
}

/// Formats a measure value: integers plainly, others with two decimals;
/// thousands separated by commas.
pub fn format_number(value: f64) -> String {
    let negative = value < 0.0;
    let rounded = (value.abs() * 100.0).round() / 100.0;
    let whole = rounded.trunc() as u128;
    let cents = ((rounded - rounded.trunc()) * 100.0).round() as u32;
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if negative && (whole > 0 || cents > 0) {
        "-"
    } else {
        ""
    };
    if cents == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{cents:02}")
    }
}

fn field_names(def: &Value) -> Option<&str> {
    def["qDef"]["qFieldDefs"][0]
        .as_str()
        .map(|n| n.trim_start_matches('='))
}

fn dimension_title(def: &Value) -> String {
    def["qDef"]["qFieldLabels"][0]
        .as_str()
        .filter(|s| !s.is_empty())
        .or_else(|| field_names(def))
        .unwrap_or_default()
        .to_owned()
}

/// Compares two values of a field by Qlik sort criteria (numeric, then text,
/// then load order).
fn compare_values(app: &App, field: usize, a: u32, b: u32, criteria: &Value) -> Ordering {
    let values = &app.fields[field].values;
    if a == NULL || b == NULL {
        return (a == NULL).cmp(&(b == NULL));
    }
    let (va, vb) = (&values[a as usize], &values[b as usize]);
    let numeric = criteria["qSortByNumeric"].as_i64().unwrap_or(0);
    if numeric != 0
        && let (Some(x), Some(y)) = (va.num, vb.num)
    {
        let order = x.partial_cmp(&y).unwrap_or(Ordering::Equal);
        if order != Ordering::Equal {
            return if numeric < 0 { order.reverse() } else { order };
        }
    }
    let ascii = criteria["qSortByAscii"].as_i64().unwrap_or(0);
    if ascii != 0 {
        let order = va.text.to_lowercase().cmp(&vb.text.to_lowercase());
        if order != Ordering::Equal {
            return if ascii < 0 { order.reverse() } else { order };
        }
    }
    let load = criteria["qSortByLoadOrder"].as_i64().unwrap_or(1);
    if load < 0 { b.cmp(&a) } else { a.cmp(&b) }
}

fn state_rank(state: State) -> u8 {
    match state {
        State::S | State::XS => 0,
        State::O => 1,
        State::A => 2,
        State::X => 3,
    }
}

fn cell(app: &App, field: usize, symbol: u32, state: &str) -> Value {
    if symbol == NULL {
        return json!({"qText": "-", "qNum": "NaN", "qElemNumber": -2, "qState": state,
            "qIsEmpty": false, "qIsTotalCell": false, "qIsOtherCell": false,
            "qFrequency": "", "qIsNull": true});
    }
    let value = &app.fields[field].values[symbol as usize];
    json!({"qText": value.text, "qNum": nan_or(value.num), "qElemNumber": symbol,
        "qState": state, "qIsEmpty": false, "qIsTotalCell": false, "qIsOtherCell": false,
        "qFrequency": "", "qIsNull": false})
}

fn measure_cell(value: Option<f64>) -> Value {
    json!({"qText": value.map_or("-".to_owned(), format_number), "qNum": nan_or(value),
        "qElemNumber": 0, "qState": "L", "qIsEmpty": false, "qIsTotalCell": false,
        "qIsOtherCell": false, "qFrequency": "", "qIsNull": value.is_none()})
}

/// A list object's values in display order with their (shown) states.
fn list_values(ctx: &Context<'_>, def: &Value) -> Result<(usize, Vec<(u32, State)>), ObjectError> {
    let name = field_names(def).ok_or_else(|| ObjectError::NotFound(String::new()))?;
    let field = ctx
        .app
        .field(name)
        .ok_or_else(|| ObjectError::NotFound(name.to_owned()))?;
    let states = ctx.selections.states(ctx.app, ctx.associations, field);
    let show_alternatives = def["qShowAlternatives"].as_bool().unwrap_or(false);
    let mut values: Vec<(u32, State)> = states
        .into_iter()
        .enumerate()
        .map(|(symbol, state)| {
            let shown = if state == State::A && !show_alternatives {
                State::X
            } else {
                state
            };
            (symbol as u32, shown)
        })
        .collect();
    let criteria = def["qDef"]["qSortCriterias"][0].clone();
    let by_state = criteria["qSortByState"].as_i64().unwrap_or(0);
    values.sort_by(|(a, sa), (b, sb)| {
        let state_order = if by_state != 0 {
            let order = state_rank(*sa).cmp(&state_rank(*sb));
            if by_state < 0 { order.reverse() } else { order }
        } else {
            Ordering::Equal
        };
        state_order.then_with(|| compare_values(ctx.app, field, *a, *b, &criteria))
    });
    Ok((field, values))
}

fn pages_of(pages: &Value) -> Result<Vec<(u64, u64, u64, u64)>, ObjectError> {
    let list = pages.as_array().cloned().unwrap_or_default();
    let rects: Vec<(u64, u64, u64, u64)> = list
        .iter()
        .map(|p| {
            let get = |k: &str| p[k].as_u64().unwrap_or(0);
            (get("qLeft"), get("qTop"), get("qWidth"), get("qHeight"))
        })
        .collect();
    let cells: u64 = rects.iter().map(|(_, _, w, h)| w * h).sum();
    if cells > MAX_CELLS {
        return Err(ObjectError::PagesTooLarge);
    }
    Ok(rects)
}

fn data_page(
    matrix_rows: &[Vec<Value>],
    (left, top, width, height): (u64, u64, u64, u64),
) -> Value {
    let rows: Vec<Value> = matrix_rows
        .iter()
        .skip(top as usize)
        .take(height as usize)
        .map(|row| {
            Value::Array(
                row.iter()
                    .skip(left as usize)
                    .take(width as usize)
                    .cloned()
                    .collect(),
            )
        })
        .collect();
    let actual_width = matrix_rows.first().map_or(0, |r| {
        r.len().saturating_sub(left as usize).min(width as usize)
    });
    json!({"qMatrix": rows, "qTails": [], "qIsReduced": false,
        "qArea": {"qLeft": left, "qTop": top, "qWidth": actual_width, "qHeight": rows.len()}})
}

fn list_matrix(ctx: &Context<'_>, field: usize, values: &[(u32, State)]) -> Vec<Vec<Value>> {
    values
        .iter()
        .map(|(symbol, state)| vec![cell(ctx.app, field, *symbol, state.letter())])
        .collect()
}

fn list_object(ctx: &Context<'_>, def: &Value) -> Value {
    let Ok((field, values)) = list_values(ctx, def) else {
        return json!({"qStateName": "$", "qSize": {"qcx": 0, "qcy": 0},
            "qError": {"qErrorCode": 2}, "qDimensionInfo": {}, "qExpressions": [], "qDataPages": []});
    };
    let count = |s: State| values.iter().filter(|(_, st)| *st == s).count();
    let matrix = list_matrix(ctx, field, &values);
    let pages: Vec<Value> = pages_of(&def["qInitialDataFetch"])
        .unwrap_or_default()
        .into_iter()
        .map(|p| data_page(&matrix, p))
        .collect();
    let info = &ctx.app.fields[field];
    json!({
        "qStateName": "$",
        "qSize": {"qcx": 1, "qcy": values.len()},
        "qDimensionInfo": {
            "qFallbackTitle": dimension_title(def),
            "qApprMaxGlyphCount": info.values.iter().map(|v| v.text.chars().count()).max().unwrap_or(0),
            "qCardinal": info.values.len(), "qLocked": false, "qSortIndicator": "A",
            "qGroupFallbackTitles": [info.name], "qGroupPos": 0,
            "qStateCounts": {"qLocked": 0, "qSelected": count(State::S), "qOption": count(State::O),
                "qDeselected": 0, "qAlternative": count(State::A), "qExcluded": count(State::X),
                "qSelectedExcluded": count(State::XS), "qLockedExcluded": 0},
            "qTags": [], "qDimensionType": if info.is_numeric() { "N" } else { "D" },
            "qGrouping": "N", "qNumFormat": {"qType": "U", "qnDec": 0, "qUseThou": 0},
            "qIsAutoFormat": true, "qGroupFieldDefs": [info.name], "qIsSemantic": false,
            "qIsOneAndOnlyOne": false, "qContinuousAxes": false, "qIsCyclic": false,
            "qDerivedField": false, "qAttrExprInfo": [], "qAttrDimInfo": [], "qIsCalculated": false
        },
        "qExpressions": [],
        "qDataPages": pages,
    })
}

struct CubeView {
    matrix: Vec<Vec<Value>>,
    layout: Value,
}

fn measure_expression(def: &Value) -> String {
    def["qDef"]["qDef"].as_str().unwrap_or_default().to_owned()
}

fn hypercube(ctx: &Context<'_>, def: &Value) -> CubeView {
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
    let parsed: Vec<Result<Expr, String>> = measure_defs
        .iter()
        .map(|m| {
            let expr = Expr::parse(&measure_expression(m)).map_err(|e| e.0)?;
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
        .collect();
    let valid: Vec<Expr> = parsed
        .iter()
        .filter_map(|p| p.as_ref().ok().cloned())
        .collect();
    let Cube { mut rows, totals } = cube::compute(ctx.app, ctx.associations, &dims, &valid);
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
    let mut rows: Vec<(Vec<u32>, Vec<Option<f64>>)> = rows
        .into_iter()
        .map(|r| (r.dims, spread(&r.values)))
        .collect();
    if def["qSuppressZero"].as_bool().unwrap_or(false) && !parsed.is_empty() {
        rows.retain(|(_, values)| values.iter().any(|v| v.is_some_and(|x| x != 0.0)));
    }
    let columns = dims.len() + parsed.len();
    let order: Vec<usize> = def["qInterColumnSortOrder"]
        .as_array()
        .map(|o| {
            o.iter()
                .filter_map(|v| v.as_u64())
                .map(|v| v as usize)
                .filter(|c| *c < columns)
                .collect()
        })
        .filter(|o: &Vec<usize>| !o.is_empty())
        .unwrap_or_else(|| (0..columns).collect());
    rows.sort_by(|(da, va), (db, vb)| {
        for column in &order {
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
    let field_states: Vec<Vec<State>> = dims
        .iter()
        .map(|f| ctx.selections.states(ctx.app, ctx.associations, *f))
        .collect();
    let matrix: Vec<Vec<Value>> = rows
        .iter()
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
            row.extend(values.iter().map(|v| measure_cell(*v)));
            row
        })
        .collect();
    let dimension_info: Vec<Value> = dim_defs
        .iter()
        .zip(dims.iter())
        .map(|(d, f)| {
            let info = &ctx.app.fields[*f];
            json!({"qFallbackTitle": dimension_title(d), "qCardinal": info.values.len(),
                "qApprMaxGlyphCount": info.values.iter().map(|v| v.text.chars().count()).max().unwrap_or(0),
                "qLocked": false, "qSortIndicator": "A", "qGroupFallbackTitles": [info.name],
                "qGroupPos": 0, "qStateCounts": {}, "qTags": [], "qDimensionType": if info.is_numeric() { "N" } else { "D" },
                "qGrouping": "N", "qNumFormat": {"qType": "U"}, "qIsAutoFormat": true,
                "qGroupFieldDefs": [info.name], "qMin": "NaN", "qMax": "NaN",
                "qAttrExprInfo": [], "qAttrDimInfo": [], "qIsCalculated": false,
                "qCardinalities": {"qCardinal": info.values.len(), "qHypercubeCardinal": rows.len()}})
        })
        .collect();
    let measure_info: Vec<Value> = measure_defs
        .iter()
        .zip(&parsed)
        .enumerate()
        .map(|(m, (d, p))| {
            let label = d["qDef"]["qLabel"]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .unwrap_or_else(|| measure_expression(d));
            let column: Vec<f64> = rows.iter().filter_map(|(_, v)| v[m]).collect();
            let mut info = json!({"qFallbackTitle": label, "qApprMaxGlyphCount": 10, "qCardinal": 0,
                "qSortIndicator": "N", "qNumFormat": {"qType": "U"}, "qIsAutoFormat": true,
                "qMin": nan_or(column.iter().copied().reduce(f64::min)),
                "qMax": nan_or(column.iter().copied().reduce(f64::max)),
                "qAttrExprInfo": [], "qAttrDimInfo": []});
            if let Err(message) = p {
                info["qError"] = json!({"qErrorCode": 4, "qContext": message});
            }
            info
        })
        .collect();
    let totals = spread(&totals);
    let pages: Vec<Value> = pages_of(&def["qInitialDataFetch"])
        .unwrap_or_default()
        .into_iter()
        .map(|p| data_page(&matrix, p))
        .collect();
    let mut layout = json!({
        "qStateName": "$",
        "qSize": {"qcx": columns, "qcy": matrix.len()},
        "qDimensionInfo": dimension_info,
        "qMeasureInfo": measure_info,
        "qEffectiveInterColumnSortOrder": order,
        "qGrandTotalRow": totals.iter().map(|t| measure_cell(*t)).collect::<Vec<_>>(),
        "qDataPages": pages,
        "qPivotDataPages": [], "qStackedDataPages": [], "qMode": "S",
        "qNoOfLeftDims": -1, "qTreeNodesOnDim": [], "qColumnOrder": [],
    });
    if missing_dim {
        layout["qError"] = json!({"qErrorCode": 2});
    }
    CubeView { matrix, layout }
}

fn current_selections(ctx: &Context<'_>) -> Value {
    let items: Vec<Value> = ctx
        .selections
        .fields
        .iter()
        .map(|(field, selected)| {
            let info = &ctx.app.fields[*field];
            let names: Vec<&str> = selected
                .iter()
                .map(|s| info.values[*s as usize].text.as_str())
                .collect();
            let summary = if names.len() <= 6 {
                names.join(", ")
            } else {
                format!("{} of {}", names.len(), info.values.len())
            };
            json!({"qField": info.name, "qTotal": info.values.len(), "qIsNum": info.is_numeric(),
                "qLocked": false, "qOneAndOnlyOne": false, "qTextSearch": "",
                "qSelectedCount": names.len(), "qSelected": summary, "qRangeInfo": [],
                "qSortIndex": 0, "qStateCounts": {},
                "qSelectedFieldSelectionInfo": names.iter().map(|n| json!({"qName": n, "qFieldSelectionMode": "NORMAL"})).collect::<Vec<_>>(),
                "qNotSelectedFieldSelectionInfo": [], "qSelectionThreshold": 6,
                "qReadableName": info.name, "qIsHidden": false, "qDimensionReferences": []})
        })
        .collect();
    json!({"qBackCount": ctx.back_count, "qForwardCount": ctx.forward_count,
        "qStateName": "$", "qSelections": items})
}

/// Evaluates an expression over all associated rows: `(text, number)`.
pub fn evaluate(ctx: &Context<'_>, text: &str) -> Result<(String, Option<f64>), String> {
    let expr = Expr::parse(text).map_err(|e| e.0)?;
    if let Some(unknown) = expr
        .fields()
        .into_iter()
        .find(|f| ctx.app.field(f).is_none())
    {
        return Err(format!("unknown field {unknown}"));
    }
    if expr.has_bare_field() {
        return Err("a field outside an aggregation".into());
    }
    let cube = cube::compute(ctx.app, ctx.associations, &[], std::slice::from_ref(&expr));
    let value = cube.totals.first().copied().flatten();
    Ok((value.map_or("-".to_owned(), format_number), value))
}

/// The layout of a generic object with these properties.
pub fn layout(ctx: &Context<'_>, properties: &Value) -> Value {
    let mut layout = serde_json::Map::new();
    layout.insert("qInfo".into(), properties["qInfo"].clone());
    layout.insert(
        "qMeta".into(),
        json!({"privileges": ["read", "update", "delete"]}),
    );
    layout.insert("qSelectionInfo".into(), json!({}));
    if let Value::Object(props) = properties {
        for (key, value) in props {
            match key.as_str() {
                "qInfo" => {}
                "qListObjectDef" => {
                    layout.insert("qListObject".into(), list_object(ctx, value));
                }
                "qHyperCubeDef" => {
                    layout.insert("qHyperCube".into(), hypercube(ctx, value).layout);
                }
                "qSelectionObjectDef" => {
                    layout.insert("qSelectionObject".into(), current_selections(ctx));
                }
                "qFieldListDef" => {
                    let items: Vec<Value> = ctx.app.fields.iter().map(|f| json!({
                        "qName": f.name, "qCardinal": f.values.len(), "qTags": [],
                        "qSrcTables": f.tables.iter().map(|(t, _)| ctx.app.tables[*t].name.clone()).collect::<Vec<_>>(),
                    })).collect();
                    layout.insert("qFieldList".into(), json!({"qItems": items}));
                }
                "qStringExpression" | "qValueExpression" => {
                    let text = value["qExpr"]
                        .as_str()
                        .or(value.as_str())
                        .unwrap_or_default();
                    let evaluated = match evaluate(ctx, text) {
                        Ok((t, _)) if key == "qStringExpression" => json!(t),
                        Ok((_, n)) => nan_or(n),
                        Err(_) => json!("-"),
                    };
                    layout.insert(key.clone(), evaluated);
                }
                other => {
                    layout.insert(other.to_owned(), value.clone());
                }
            }
        }
    }
    Value::Object(layout)
}

/// `GetListObjectData`.
pub fn list_object_page(
    ctx: &Context<'_>,
    properties: &Value,
    path: &str,
    pages: &Value,
) -> Result<Vec<Value>, ObjectError> {
    let def = definition(properties, path, "qListObjectDef")?;
    let rects = pages_of(pages)?;
    let (field, values) = list_values(ctx, def)?;
    let matrix = list_matrix(ctx, field, &values);
    Ok(rects.into_iter().map(|r| data_page(&matrix, r)).collect())
}

/// `GetHyperCubeData`.
pub fn hypercube_page(
    ctx: &Context<'_>,
    properties: &Value,
    path: &str,
    pages: &Value,
) -> Result<Vec<Value>, ObjectError> {
    let def = definition(properties, path, "qHyperCubeDef")?;
    let rects = pages_of(pages)?;
    let view = hypercube(ctx, def);
    Ok(rects
        .into_iter()
        .map(|r| data_page(&view.matrix, r))
        .collect())
}

fn definition<'a>(properties: &'a Value, path: &str, key: &str) -> Result<&'a Value, ObjectError> {
    let wanted = path.trim_start_matches('/');
    if wanted != key || properties.get(key).is_none() {
        return Err(ObjectError::InvalidPath(path.to_owned()));
    }
    Ok(&properties[key])
}

/// `SelectListObjectValues` (dimension `None`) or `SelectHyperCubeValues`
/// (dimension index): selects element numbers in the object's field.
pub fn select_in_object(
    app: &App,
    selections: &mut Selections,
    properties: &Value,
    path: &str,
    dimension: Option<usize>,
    elements: &[i64],
    toggle: bool,
) -> Result<(), ObjectError> {
    let def = match dimension {
        None => definition(properties, path, "qListObjectDef")?,
        Some(d) => &definition(properties, path, "qHyperCubeDef")?["qDimensions"][d],
    };
    let name = field_names(def).ok_or_else(|| ObjectError::NotFound(path.to_owned()))?;
    let field = app
        .field(name)
        .ok_or_else(|| ObjectError::NotFound(name.to_owned()))?;
    let count = app.fields[field].values.len() as i64;
    let symbols: Vec<u32> = elements
        .iter()
        .filter(|e| **e >= 0 && **e < count)
        .map(|e| *e as u32)
        .collect();
    selections.select(field, &symbols, toggle);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::format_number;

    #[test]
    fn numbers_are_formatted_like_qlik_auto_format() {
        assert_eq!(format_number(1234567.0), "1,234,567");
        assert_eq!(format_number(1234.5), "1,234.50");
        assert_eq!(format_number(-0.004), "0");
        assert_eq!(format_number(-12.345), "-12.35");
        assert_eq!(format_number(999.999), "1,000");
    }
}
