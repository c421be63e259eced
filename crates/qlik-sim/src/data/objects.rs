//! Generic object layouts in Qlik's shapes: list objects ([`list`]),
//! hypercubes ([`hypercube`]), current selections ([`selections`]), lists
//! of objects and library items ([`lists`]), expressions with dollar-sign
//! expansion ([`expand`]); data pages ([`paging`]); selections made through
//! objects. Linked objects and library items are resolved first ([`resolve`]).

mod cells;
mod definitions;
mod expand;
mod hypercube;
mod list;
mod lists;
mod paging;
mod pivot;
mod resolve;
mod selections;
mod sorting;

use serde_json::{Value, json};

use super::app::App;
use super::cube;
use super::expr::Expr;
use super::numfmt;
use super::selection::{Associations, Selections};
use cells::nan_or;
use definitions::field_names;

pub use definitions::measure_format;
pub(crate) use lists::meta;
pub use pivot::{Expand, pivot_cells, pivot_expand, pivot_page};
pub(crate) use resolve::effective;

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

/// Evaluates an expression over all associated rows: `(text, number)`, the
/// text in the general number format (as `Evaluate` answers).
/// Dollar-sign expansions (`$(vName)`, `$(=…)`) are made first.
pub fn evaluate(ctx: &Context<'_>, text: &str) -> Result<(String, Option<f64>), String> {
    evaluate_at(ctx, text, 0)
}

/// [`evaluate`] inside `depth` dollar-sign expansions.
fn evaluate_at(
    ctx: &Context<'_>,
    text: &str,
    depth: usize,
) -> Result<(String, Option<f64>), String> {
    let text = expand::expand(ctx, text, depth)?;
    let expr = Expr::parse(&text).map_err(|e| e.0)?;
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
    let text = value.map_or("-".to_owned(), |v| numfmt::general(v, &ctx.app.locale));
    Ok((text, value))
}

/// The layout of a generic object with these properties: a linked object
/// is laid out from its master, library items are resolved; `qMetaDef`
/// becomes `qMeta`.
pub fn layout(ctx: &Context<'_>, properties: &Value) -> Value {
    let properties = &effective(ctx.app, properties);
    let id = properties["qInfo"]["qId"].as_str().unwrap_or_default();
    let mut layout = serde_json::Map::new();
    layout.insert("qInfo".into(), properties["qInfo"].clone());
    layout.insert("qMeta".into(), meta(properties));
    layout.insert("qSelectionInfo".into(), json!({}));
    if let Value::Object(props) = properties {
        for (key, value) in props {
            match key.as_str() {
                "qInfo" | "qMetaDef" => {}
                "qChildListDef" => {
                    layout.insert("qChildList".into(), lists::child_list(ctx, id, value));
                }
                "qAppObjectListDef" => {
                    layout.insert("qAppObjectList".into(), lists::app_object_list(ctx, value));
                }
                "qDimensionListDef" => {
                    let items = &ctx.app.library.dimensions;
                    layout.insert("qDimensionList".into(), lists::library_list(items, value));
                }
                "qMeasureListDef" => {
                    let items = &ctx.app.library.measures;
                    layout.insert("qMeasureList".into(), lists::library_list(items, value));
                }
                "qVariableListDef" => {
                    layout.insert("qVariableList".into(), lists::variable_list(ctx, value));
                }
                "qListObjectDef" => {
                    layout.insert("qListObject".into(), list::list_object(ctx, value));
                }
                "qHyperCubeDef" if pivot::is_pivot(value) => {
                    layout.insert("qHyperCube".into(), pivot::pivot_layout(ctx, value));
                }
                "qHyperCubeDef" => {
                    layout.insert("qHyperCube".into(), hypercube::hypercube(ctx, value).layout);
                }
                "qSelectionObjectDef" => {
                    layout.insert(
                        "qSelectionObject".into(),
                        selections::current_selections(ctx),
                    );
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
    let properties = &effective(ctx.app, properties);
    list::list_object_page(ctx, definition(properties, path, "qListObjectDef")?, pages)
}

/// `GetHyperCubeData`.
pub fn hypercube_page(
    ctx: &Context<'_>,
    properties: &Value,
    path: &str,
    pages: &Value,
) -> Result<Vec<Value>, ObjectError> {
    let properties = &effective(ctx.app, properties);
    hypercube::hypercube_page(ctx, definition(properties, path, "qHyperCubeDef")?, pages)
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
    let properties = &effective(app, properties);
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
