//! GenericObject methods: layouts, properties, children and parents, data
//! pages, selections through objects.

use std::sync::Arc;

use serde_json::{Value, json};

use super::bookmarks;
use super::methods::{Call, Handle, Outcome, interface};
use super::rpc::RpcError;
use super::{patches, pivot};
use crate::data::{self, App, ObjectError};

/// The JSON-RPC error for an object's data error.
pub(super) fn object_error(error: ObjectError) -> RpcError {
    let (message, parameter) = match &error {
        ObjectError::PagesTooLarge => ("Calculation pages too large", String::new()),
        ObjectError::InvalidPath(p) => ("Invalid path", p.clone()),
        ObjectError::NotFound(p) => ("Resource not found", p.clone()),
    };
    RpcError::new(error.code(), message, parameter)
}

pub(super) fn object(call: Call<'_>, app: &Arc<App>, id: &str) -> Result<Outcome, RpcError> {
    let request = call.request;
    let data = call.data;
    let properties = data
        .object(id)
        .ok_or_else(|| RpcError::new(2, "Resource not found", id.to_owned()))?;
    // A pivot's expansion is engine state over its effective hypercube (a
    // linked pivot has none of its own).
    let pivot_call = pivot::METHODS.contains(&request.method.as_str());
    let properties = if pivot_call || data.expansions.contains_key(id) {
        data::effective(app, &properties)
    } else {
        properties
    };
    let properties = pivot::with_expansion(&data.expansions, id, properties);
    if pivot_call {
        return pivot::object_method(Call { data, ..call }, app, id, &properties);
    }
    let path = || request.string(0, "qPath");
    match request.method.as_str() {
        "GetLayout" => {
            let mut layout = data.with_context(app, |ctx| data::layout(ctx, &properties));
            if let Some(definition) = properties.get("qBookmarkListDef") {
                if let Value::Object(layout) = &mut layout {
                    layout.remove("qBookmarkListDef");
                }
                layout["qBookmarkList"] =
                    bookmarks::bookmark_list(call.bookmarks, app, call.user, definition);
            }
            layout["qHasSoftPatches"] = json!(data.soft.contains_key(id));
            Ok(Outcome::plain(json!({"qLayout": layout})))
        }
        "GetProperties" => {
            // The own properties, without soft patches, with the expansion
            // state (which Qlik keeps in the properties).
            let own = data.properties(id).unwrap_or(properties);
            let own = pivot::with_expansion(&data.expansions, id, own);
            Ok(Outcome::plain(json!({"qProp": own})))
        }
        "GetEffectiveProperties" => Ok(Outcome::plain(
            json!({"qProp": data::effective(app, &properties)}),
        )),
        "ApplyPatches" => {
            let patches = request
                .param(0, "qPatches")
                .ok_or_else(|| RpcError::bad_params("qPatches"))?;
            let soft = request
                .param(1, "qSoftPatch")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            // Patches apply to the properties as this session sees them,
            // without the pivot's expansion (engine state, not properties).
            let mut next = data.object(id).unwrap_or(properties);
            patches::apply(&mut next, patches)?;
            if soft {
                data.soft.insert(id.to_owned(), next);
            } else if data.objects.contains_key(id) {
                data.objects.insert(id.to_owned(), next);
            } else {
                return Err(RpcError::new(5, "Access denied", id.to_owned()));
            }
            Ok(Outcome::object_changed(id))
        }
        "ClearSoftPatches" => {
            if data.soft.remove(id).is_some() {
                Ok(Outcome::object_changed(id))
            } else {
                Ok(Outcome::plain(json!({})))
            }
        }
        "GetInfo" => Ok(Outcome::plain(json!({"qInfo": properties["qInfo"]}))),
        "GetChildInfos" => {
            let children = app.objects.get(id).map(|o| o.children.as_slice());
            let infos: Vec<Value> = children
                .unwrap_or_default()
                .iter()
                .filter_map(|child| app.objects.properties(child))
                .map(|child| child["qInfo"].clone())
                .collect();
            Ok(Outcome::plain(json!({"qInfos": infos})))
        }
        "GetChild" | "GetParent" => {
            let related = if request.method == "GetChild" {
                let child = request.string(0, "qId")?;
                let is_child = app
                    .objects
                    .get(&child)
                    .is_some_and(|c| c.parent.as_deref() == Some(id));
                if !is_child {
                    return Err(RpcError::new(2, "Resource not found", child));
                }
                child
            } else {
                app.objects
                    .get(id)
                    .and_then(|o| o.parent.clone())
                    .ok_or_else(|| RpcError::new(2, "Resource not found", id.to_owned()))?
            };
            let kind = app.objects.properties(&related).map_or(String::new(), |p| {
                p["qInfo"]["qType"].as_str().unwrap_or_default().to_owned()
            });
            let handle = call.handles.acquire(Handle::Object(related.clone()));
            Ok(Outcome::plain(interface(
                "GenericObject",
                handle,
                &related,
                &kind,
            )))
        }
        "SetProperties" => {
            let mut next = request
                .param(0, "qProp")
                .cloned()
                .filter(Value::is_object)
                .ok_or_else(|| RpcError::bad_params("qProp"))?;
            if !data.objects.contains_key(id) {
                return Err(RpcError::new(5, "Access denied", id.to_owned()));
            }
            next["qInfo"] = properties["qInfo"].clone();
            data.expansions.remove(id);
            data.objects.insert(id.to_owned(), next);
            Ok(Outcome::changed(json!({}), false))
        }
        "GetHyperCubeData" | "GetListObjectData" => {
            let pages = request
                .param(1, "qPages")
                .cloned()
                .ok_or_else(|| RpcError::bad_params("qPages"))?;
            let path = path()?;
            let list = request.method == "GetListObjectData";
            let result = data.with_context(app, |ctx| {
                if list {
                    data::list_object_page(ctx, &properties, &path, &pages)
                } else {
                    data::hypercube_page(ctx, &properties, &path, &pages)
                }
            });
            Ok(Outcome::plain(
                json!({"qDataPages": result.map_err(object_error)?}),
            ))
        }
        "SelectListObjectValues" | "SelectHyperCubeValues" => {
            let path = path()?;
            let cube = request.method == "SelectHyperCubeValues";
            let offset = usize::from(cube);
            let dimension = if cube {
                let d = request
                    .param(1, "qDimNo")
                    .and_then(Value::as_u64)
                    .ok_or_else(|| RpcError::bad_params("qDimNo"))?;
                Some(d as usize)
            } else {
                None
            };
            let values: Vec<i64> = request
                .param(1 + offset, "qValues")
                .and_then(Value::as_array)
                .ok_or_else(|| RpcError::bad_params("qValues"))?
                .iter()
                .filter_map(Value::as_i64)
                .collect();
            let toggle = request
                .param(2 + offset, "qToggleMode")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let mut next = data.selections().clone();
            let ok = data::select_in_object(
                app,
                &mut next,
                &properties,
                &path,
                dimension,
                &values,
                toggle,
            )
            .is_ok();
            let changed = ok && data.set_selections(next);
            Ok(Outcome::changed(json!({"qSuccess": ok}), changed))
        }
        other => Err(RpcError::no_method(other)),
    }
}
