//! The app's library through the engine: `Doc.GetDimension`,
//! `Doc.GetMeasure`, `Doc.GetVariableById`, `Doc.GetVariableByName`, and
//! the methods of the GenericDimension, GenericMeasure and GenericVariable
//! handles they return.

use std::sync::Arc;

use serde_json::{Value, json};

use super::methods::{Call, Handle, Outcome, interface};
use super::rpc::RpcError;
use crate::data::{self, App};

fn not_found(id: &str) -> RpcError {
    RpcError::new(2, "Resource not found", id.to_owned())
}

/// A Doc method on the library (the caller routes only those here).
pub(super) fn doc_method(call: Call<'_>, app: &App) -> Result<Outcome, RpcError> {
    let request = call.request;
    let (item, handle, kind) = match request.method.as_str() {
        "GetDimension" => {
            let id = request.string(0, "qId")?;
            let item = app.library.dimension(&id).ok_or_else(|| not_found(&id))?;
            (item, Handle::Dimension(id), "GenericDimension")
        }
        "GetMeasure" => {
            let id = request.string(0, "qId")?;
            let item = app.library.measure(&id).ok_or_else(|| not_found(&id))?;
            (item, Handle::Measure(id), "GenericMeasure")
        }
        "GetVariableById" => {
            let id = request.string(0, "qId")?;
            let item = app
                .library
                .variable_by_id(&id)
                .ok_or_else(|| not_found(&id))?;
            (item, Handle::Variable(id), "GenericVariable")
        }
        "GetVariableByName" => {
            let name = request.string(0, "qName")?;
            let item = app
                .library
                .variable(&name)
                .ok_or_else(|| not_found(&name))?;
            let id = item["qInfo"]["qId"].as_str().unwrap_or_default().to_owned();
            (item, Handle::Variable(id), "GenericVariable")
        }
        other => return Err(RpcError::no_method(other)),
    };
    let id = item["qInfo"]["qId"].as_str().unwrap_or_default().to_owned();
    let generic_type = item["qInfo"]["qType"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let number = call.handles.acquire(handle);
    Ok(Outcome::plain(interface(kind, number, &id, &generic_type)))
}

/// `GetProperties` and `GetInfo`, common to the three kinds.
fn common(method: &str, item: &Value) -> Option<Value> {
    match method {
        "GetProperties" => Some(json!({"qProp": item})),
        "GetInfo" => Some(json!({"qInfo": item["qInfo"]})),
        _ => None,
    }
}

/// A GenericDimension method.
pub(super) fn dimension_method(
    call: Call<'_>,
    app: &Arc<App>,
    id: &str,
) -> Result<Outcome, RpcError> {
    let item = app.library.dimension(id).ok_or_else(|| not_found(id))?;
    let method = call.request.method.as_str();
    if let Some(result) = common(method, item) {
        return Ok(Outcome::plain(result));
    }
    match method {
        "GetDimension" => Ok(Outcome::plain(json!({"qDim": item["qDim"]}))),
        "GetLayout" => {
            let infos: Vec<Value> = item["qDim"]["qFieldDefs"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|name| {
                    let field = app
                        .field(name.trim_start_matches('='))
                        .map(|f| &app.fields[f]);
                    json!({"qApprMaxGlyphCount": field.map_or(0, |f| f.values.iter()
                            .map(|v| v.text.chars().count()).max().unwrap_or(0)),
                        "qCardinal": field.map_or(0, |f| f.values.len()),
                        "qTags": [], "qIsSemantic": false, "qAndMode": false})
                })
                .collect();
            Ok(Outcome::plain(json!({"qLayout": {"qInfo": item["qInfo"],
                "qMeta": data::meta(item), "qDim": item["qDim"], "qDimInfos": infos}})))
        }
        other => Err(RpcError::no_method(other)),
    }
}

/// A GenericMeasure method.
pub(super) fn measure_method(
    call: Call<'_>,
    app: &Arc<App>,
    id: &str,
) -> Result<Outcome, RpcError> {
    let item = app.library.measure(id).ok_or_else(|| not_found(id))?;
    let method = call.request.method.as_str();
    if let Some(result) = common(method, item) {
        return Ok(Outcome::plain(result));
    }
    match method {
        "GetMeasure" => Ok(Outcome::plain(json!({"qMeasure": item["qMeasure"]}))),
        "GetLayout" => Ok(Outcome::plain(json!({"qLayout": {"qInfo": item["qInfo"],
            "qMeta": data::meta(item), "qMeasure": item["qMeasure"]}}))),
        other => Err(RpcError::no_method(other)),
    }
}

/// A GenericVariable method: the layout's `qText`/`qNum` are the
/// definition, evaluated first when it starts with `=`.
pub(super) fn variable_method(
    call: Call<'_>,
    app: &Arc<App>,
    id: &str,
) -> Result<Outcome, RpcError> {
    let item = app
        .library
        .variable_by_id(id)
        .ok_or_else(|| not_found(id))?;
    let method = call.request.method.as_str();
    if let Some(result) = common(method, item) {
        return Ok(Outcome::plain(result));
    }
    match method {
        "GetLayout" => {
            let definition = item["qDefinition"].as_str().unwrap_or_default();
            let (text, number) = match definition.strip_prefix('=') {
                Some(expression) => call
                    .data
                    .with_context(app, |ctx| data::evaluate(ctx, expression))
                    .unwrap_or_else(|message| (format!("Error: {message}"), None)),
                None => {
                    let cell = data::Cell::parse(definition);
                    (cell.text, cell.num)
                }
            };
            Ok(Outcome::plain(json!({"qLayout": {"qInfo": item["qInfo"],
                "qMeta": data::meta(item), "qText": text,
                "qNum": number.map_or(json!("NaN"), |n| json!(n)), "qIsScriptCreated": false}})))
        }
        other => Err(RpcError::no_method(other)),
    }
}
