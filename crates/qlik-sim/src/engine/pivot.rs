//! The pivot methods of a generic object: `GetHyperCubePivotData`,
//! `ExpandLeft`, `CollapseLeft`, `ExpandTop`, `CollapseTop` and
//! `SelectPivotCells`. The expansion state is the engine session's, per
//! object: every socket of the session sees it, and an expansion tells the
//! other sockets that the object changed.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::methods::{Call, Outcome};
use super::object::object_error;
use super::rpc::RpcError;
use crate::data::{self, App, Expand};

/// The methods this module answers.
pub(super) const METHODS: &[&str] = &[
    "GetHyperCubePivotData",
    "ExpandLeft",
    "CollapseLeft",
    "ExpandTop",
    "CollapseTop",
    "SelectPivotCells",
];

/// The object's properties with the session's expansion state of its
/// pivot (`qHyperCubeDef.qExpansionState`), as `GetProperties` shows them.
pub(super) fn with_expansion(
    expansions: &BTreeMap<String, Value>,
    id: &str,
    mut properties: Value,
) -> Value {
    if let (Some(state), Some(def)) = (
        expansions.get(id),
        properties
            .get_mut("qHyperCubeDef")
            .and_then(Value::as_object_mut),
    ) {
        def.insert("qExpansionState".into(), state.clone());
    }
    properties
}

/// Runs one pivot method on the object `id` with `properties`.
pub(super) fn object_method(
    call: Call<'_>,
    app: &Arc<App>,
    id: &str,
    properties: &Value,
) -> Result<Outcome, RpcError> {
    let request = call.request;
    let data = call.data;
    let path = request.string(0, "qPath")?;
    match request.method.as_str() {
        "GetHyperCubePivotData" => {
            let pages = request
                .param(1, "qPages")
                .cloned()
                .ok_or_else(|| RpcError::bad_params("qPages"))?;
            let result =
                data.with_context(app, |ctx| data::pivot_page(ctx, properties, &path, &pages));
            Ok(Outcome::plain(
                json!({"qDataPages": result.map_err(object_error)?}),
            ))
        }
        "SelectPivotCells" => {
            let cells = request
                .param(1, "qSelections")
                .and_then(Value::as_array)
                .cloned()
                .ok_or_else(|| RpcError::bad_params("qSelections"))?;
            let deselect = request
                .param(3, "qDeselectOnlyOneSelected")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let values = data
                .with_context(app, |ctx| data::pivot_cells(ctx, properties, &path, &cells))
                .map_err(object_error)?;
            let mut by_field: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
            for (field, symbol) in values {
                by_field.entry(field).or_default().push(symbol);
            }
            let mut next = data.selections().clone();
            for (field, symbols) in &by_field {
                let only = next.fields.get(field).filter(|s| s.len() == 1);
                if deselect && only.is_some_and(|s| symbols.iter().all(|x| s.contains(x))) {
                    next.clear(*field);
                } else {
                    next.select(*field, symbols, false);
                }
            }
            let ok = !by_field.is_empty();
            let changed = ok && data.set_selections(next);
            Ok(Outcome::changed(json!({"qSuccess": ok}), changed))
        }
        method => {
            let number = |index: usize, name: &str| {
                request
                    .param(index, name)
                    .and_then(Value::as_i64)
                    .ok_or_else(|| RpcError::bad_params(name))
            };
            let expand = Expand {
                top: method.ends_with("Top"),
                expand: method.starts_with("Expand"),
                row: number(1, "qRow")?,
                col: number(2, "qCol")?,
                all: request
                    .param(3, "qAll")
                    .and_then(Value::as_bool)
                    .ok_or_else(|| RpcError::bad_params("qAll"))?,
            };
            let next = data
                .with_context(app, |ctx| {
                    data::pivot_expand(ctx, properties, &path, expand)
                })
                .map_err(object_error)?;
            let mut outcome = Outcome::plain(json!({}));
            if let Some(state) = next {
                data.expansions.insert(id.to_owned(), state);
                outcome.objects_changed.push(id.to_owned());
            }
            Ok(outcome)
        }
    }
}
