//! The engine methods: Global (handle -1), Doc, GenericObject, Field and
//! GenericBookmark (in [`super::bookmarks`]).

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::bookmarks::{self, Bookmarks};
use super::pivot;
use super::rpc::{Request, RpcError};
use super::{EngineData, patches};
use crate::catalog::Catalog;
use crate::data::locale::current_year;
use crate::data::{self, App, ObjectError};
use crate::state::User;

/// The engine version the simulator reports (the schema it follows).
pub(crate) const ENGINE_VERSION: &str = "12.2027.0";

/// What a socket-local handle refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Handle {
    /// The open app.
    Doc(String),
    /// A generic object (session or master), by id.
    Object(String),
    /// A field, by index.
    Field(usize),
    /// A bookmark, by id.
    Bookmark(String),
}

/// One socket's handles.
#[derive(Debug, Default)]
pub(crate) struct Handles {
    by_number: HashMap<i64, Handle>,
    next: i64,
}

impl Handles {
    /// The handle number for `target`, allocating one if needed.
    pub(super) fn acquire(&mut self, target: Handle) -> i64 {
        if let Some((number, _)) = self.by_number.iter().find(|(_, h)| **h == target) {
            return *number;
        }
        self.next += 1;
        self.by_number.insert(self.next, target);
        self.next
    }

    fn get(&self, number: i64) -> Option<&Handle> {
        self.by_number.get(&number)
    }

    pub(super) fn release(&mut self, target: &Handle) -> Option<i64> {
        let number = *self.by_number.iter().find(|(_, h)| *h == target)?.0;
        self.by_number.remove(&number);
        Some(number)
    }

    /// Every generic-object handle (all change when selections change).
    pub fn objects(&self) -> Vec<i64> {
        let mut handles: Vec<i64> = self
            .by_number
            .iter()
            .filter(|(_, h)| matches!(h, Handle::Object(_)))
            .map(|(n, _)| *n)
            .collect();
        handles.sort_unstable();
        handles
    }

    /// Every generic-object handle with its object id, in handle order.
    pub(super) fn objects_with_ids(&self) -> Vec<(i64, String)> {
        let mut handles: Vec<(i64, String)> = self
            .by_number
            .iter()
            .filter_map(|(n, h)| match h {
                Handle::Object(id) => Some((*n, id.clone())),
                _ => None,
            })
            .collect();
        handles.sort_unstable();
        handles
    }
}

/// What a call needs to see.
pub(crate) struct Call<'a> {
    pub request: &'a Request,
    pub user: &'a User,
    pub catalog: &'a Catalog,
    pub bookmarks: &'a Bookmarks,
    pub data: &'a mut EngineData,
    pub handles: &'a mut Handles,
}

/// A call's result and its effect on the other objects.
pub(crate) struct Outcome {
    pub result: Value,
    /// Selections changed: every generic object's layout did.
    pub selections_changed: bool,
    /// A bookmark was created or destroyed: the bookmark lists changed.
    pub bookmarks_changed: bool,
    /// Objects (by id) whose layouts the call changed, for every socket of
    /// the engine session (a pivot's expansion).
    pub objects_changed: Vec<String>,
    /// Handles released by the call.
    pub closed: Vec<i64>,
}

impl Outcome {
    pub(super) fn plain(result: Value) -> Self {
        Self::changed(result, false)
    }

    /// An empty result that changed the layout of object `id`.
    pub(super) fn object_changed(id: &str) -> Self {
        let mut outcome = Self::plain(json!({}));
        outcome.objects_changed.push(id.to_owned());
        outcome
    }

    pub(super) fn changed(result: Value, changed: bool) -> Self {
        Self {
            result,
            selections_changed: changed,
            bookmarks_changed: false,
            objects_changed: Vec::new(),
            closed: Vec::new(),
        }
    }
}

/// Runs one request.
pub(crate) fn dispatch(call: Call<'_>) -> Result<Outcome, RpcError> {
    if call.request.handle == -1 {
        return global(call).map(Outcome::plain);
    }
    let handle = call
        .handles
        .get(call.request.handle)
        .cloned()
        .ok_or_else(|| RpcError::new(-32602, "Invalid handle", call.request.handle.to_string()))?;
    let app = call
        .data
        .app
        .clone()
        .ok_or_else(|| RpcError::new(1017, "App not open", ""))?;
    match handle {
        Handle::Doc(_) => doc(call, &app),
        Handle::Object(id) => object(call, &app, &id),
        Handle::Field(field) => field_method(call, &app, field),
        Handle::Bookmark(id) => bookmarks::bookmark_method(call, &app, &id),
    }
}

pub(super) fn interface(kind: &str, handle: i64, id: &str, generic_type: &str) -> Value {
    json!({"qReturn": {"qType": kind, "qHandle": handle, "qGenericId": id, "qGenericType": generic_type}})
}

fn global(call: Call<'_>) -> Result<Value, RpcError> {
    let request = call.request;
    match request.method.as_str() {
        "EngineVersion" => Ok(json!({"qVersion": {"qComponentVersion": ENGINE_VERSION}})),
        "ProductVersion" => Ok(json!({"qReturn": ENGINE_VERSION})),
        "IsDesktopMode" => Ok(json!({"qReturn": false})),
        "GetAuthenticatedUser" => Ok(json!({"qReturn": format!(
            "UserDirectory={}; UserId={}", call.user.directory, call.user.id
        )})),
        "GetDocList" => Ok(
            json!({"qDocList": call.catalog.apps().iter().map(|app| json!({
            "qDocName": app.name, "qDocId": app.id, "qTitle": app.name,
            "qConnectedUsers": 0, "qFileTime": 0, "qFileSize": 0, "qReadOnly": false,
            "qMeta": {}, "qLastReloadTime": "2026-01-01T00:00:00.000Z", "qThumbnail": {}
        })).collect::<Vec<_>>()}),
        ),
        "OpenDoc" => {
            let name = request.string(0, "qDocName")?;
            let app = call
                .catalog
                .get(&name)
                .ok_or_else(|| RpcError::new(1003, "App not found", name.clone()))?;
            if call.data.app.is_some() {
                return Err(RpcError::new(1002, "App already open", name));
            }
            call.data.app = Some(app.clone());
            let handle = call.handles.acquire(Handle::Doc(app.id.clone()));
            Ok(interface("Doc", handle, &app.id, ""))
        }
        "GetActiveDoc" => {
            let app = call
                .data
                .app
                .clone()
                .ok_or_else(|| RpcError::new(1017, "App not open", ""))?;
            let handle = call.handles.acquire(Handle::Doc(app.id.clone()));
            Ok(interface("Doc", handle, &app.id, ""))
        }
        // Requests are answered in order, so there is never one to cancel.
        "CancelRequest" => Ok(json!({})),
        other => Err(RpcError::no_method(other)),
    }
}

pub(super) fn object_error(error: ObjectError) -> RpcError {
    let (message, parameter) = match &error {
        ObjectError::PagesTooLarge => ("Calculation pages too large", String::new()),
        ObjectError::InvalidPath(p) => ("Invalid path", p.clone()),
        ObjectError::NotFound(p) => ("Resource not found", p.clone()),
    };
    RpcError::new(error.code(), message, parameter)
}

fn doc(call: Call<'_>, app: &Arc<App>) -> Result<Outcome, RpcError> {
    let request = call.request;
    if matches!(
        request.method.as_str(),
        "CreateBookmark" | "ApplyBookmark" | "GetBookmarks" | "DestroyBookmark" | "GetBookmark"
    ) {
        return bookmarks::doc_method(call, app);
    }
    let data = call.data;
    match request.method.as_str() {
        "GetAppLayout" => Ok(Outcome::plain(json!({"qLayout": {
            "qTitle": app.name, "qFileName": app.id, "qLastReloadTime": "2026-01-01T00:00:00.000Z",
            "qModified": false, "qHasScript": true, "qStateNames": [], "qMeta": {},
            "qLocaleInfo": app.locale.info(current_year()),
            "qHasData": true, "qReadOnly": false, "qIsOpenedWithoutData": false,
            "qIsSessionApp": false, "qProhibitBinaryLoad": false, "qUsage": "ANALYTICS"
        }}))),
        "GetLocaleInfo" => Ok(Outcome::plain(
            json!({"qReturn": app.locale.info(current_year())}),
        )),
        "GetAppProperties" => Ok(Outcome::plain(json!({"qProp": {
            "qTitle": app.name, "qThumbnail": {}, "qHasSectionAccess": false}}))),
        "GetTablesAndKeys" => {
            let tables: Vec<Value> = app.tables.iter().map(|t| json!({
                "qName": t.name, "qNoOfRows": t.rows, "qLoose": false, "qIsSynthetic": false,
                "qFields": t.fields.iter().map(|f| {
                    let field = &app.fields[*f];
                    json!({"qName": field.name, "qnPresentDistinctValues": field.values.len(),
                        "qnTotalDistinctValues": field.values.len(), "qnRows": t.rows,
                        "qKeyType": if field.tables.len() > 1 { "ANY_KEY" } else { "NOT_KEY" },
                        "qOriginalFields": [], "qTags": []})
                }).collect::<Vec<_>>()
            })).collect();
            let keys: Vec<Value> = app.fields.iter().filter(|f| f.tables.len() > 1).map(|f| json!({
                "qTables": f.tables.iter().map(|(t, _)| app.tables[*t].name.clone()).collect::<Vec<_>>(),
                "qFields": [f.name]})).collect();
            Ok(Outcome::plain(json!({"qtr": tables, "qk": keys})))
        }
        "GetField" => {
            let name = request.string(0, "qFieldName")?;
            let field = app
                .field(&name)
                .ok_or_else(|| RpcError::new(2, "Resource not found", name.clone()))?;
            let handle = call.handles.acquire(Handle::Field(field));
            Ok(Outcome::plain(interface("Field", handle, "", "")))
        }
        "CreateSessionObject" => {
            let mut properties = request
                .param(0, "qProp")
                .cloned()
                .filter(Value::is_object)
                .ok_or_else(|| RpcError::bad_params("qProp"))?;
            let kind = properties["qInfo"]["qType"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| RpcError::bad_params("qInfo.qType"))?;
            let id = match properties["qInfo"]["qId"].as_str() {
                Some(id) if !id.is_empty() => id.to_owned(),
                _ => uuid::Uuid::new_v4().simple().to_string(),
            };
            if data.objects.contains_key(&id) {
                return Err(RpcError::new(3, "Resource already exists", id));
            }
            properties["qInfo"]["qId"] = Value::String(id.clone());
            data.objects.insert(id.clone(), properties);
            let handle = call.handles.acquire(Handle::Object(id.clone()));
            Ok(Outcome::plain(interface(
                "GenericObject",
                handle,
                &id,
                &kind,
            )))
        }
        "DestroySessionObject" => {
            let id = request.string(0, "qId")?;
            let removed = data.objects.remove(&id).is_some();
            let mut outcome = Outcome::plain(json!({"qSuccess": removed}));
            outcome
                .closed
                .extend(call.handles.release(&Handle::Object(id)));
            Ok(outcome)
        }
        "GetObject" => {
            let id = request.string(0, "qId")?;
            let properties = data
                .object(&id)
                .ok_or_else(|| RpcError::new(2, "Resource not found", id.clone()))?;
            let kind = properties["qInfo"]["qType"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let handle = call.handles.acquire(Handle::Object(id.clone()));
            Ok(Outcome::plain(interface(
                "GenericObject",
                handle,
                &id,
                &kind,
            )))
        }
        "GetAllInfos" => {
            let mut infos: Vec<Value> = app
                .master_objects
                .iter()
                .map(|(id, p)| json!({"qId": id, "qType": p["qInfo"]["qType"]}))
                .collect();
            infos.extend(
                data.objects
                    .iter()
                    .map(|(id, p)| json!({"qId": id, "qType": p["qInfo"]["qType"]})),
            );
            Ok(Outcome::plain(json!({"qInfos": infos})))
        }
        "ClearAll" => {
            let changed = data.set_selections(data::Selections::default());
            Ok(Outcome::changed(json!({}), changed))
        }
        "Back" => {
            let changed = data.back();
            Ok(Outcome::changed(json!({}), changed))
        }
        "Forward" => {
            let changed = data.forward();
            Ok(Outcome::changed(json!({}), changed))
        }
        "Evaluate" => {
            let text = request.string(0, "qExpression")?;
            let value = data.with_context(app, |ctx| data::evaluate(ctx, &text));
            Ok(Outcome::plain(json!({"qReturn": match value {
                Ok((text, _)) => text,
                Err(message) => format!("Error: {message}"),
            }})))
        }
        "EvaluateEx" => {
            let text = request.string(0, "qExpression")?;
            let value = data.with_context(app, |ctx| data::evaluate(ctx, &text));
            Ok(Outcome::plain(json!({"qValue": match value {
                Ok((text, num)) => json!({"qText": text, "qIsNumeric": num.is_some(),
                    "qNumber": num.map_or(json!("NaN"), |n| json!(n))}),
                Err(message) => json!({"qText": format!("Error: {message}"), "qIsNumeric": false, "qNumber": "NaN"}),
            }})))
        }
        other => Err(RpcError::no_method(other)),
    }
}

fn object(call: Call<'_>, app: &Arc<App>, id: &str) -> Result<Outcome, RpcError> {
    let request = call.request;
    let data = call.data;
    let properties = data
        .object(id)
        .ok_or_else(|| RpcError::new(2, "Resource not found", id.to_owned()))?;
    let properties = pivot::with_expansion(&data.expansions, id, properties);
    if pivot::METHODS.contains(&request.method.as_str()) {
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
        "GetProperties" => Ok(Outcome::plain(
            json!({"qProp": data.properties(id).unwrap_or(properties)}),
        )),
        "GetEffectiveProperties" => Ok(Outcome::plain(json!({"qProp": properties}))),
        "ApplyPatches" => {
            let patches = request
                .param(0, "qPatches")
                .ok_or_else(|| RpcError::bad_params("qPatches"))?;
            let soft = request
                .param(1, "qSoftPatch")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let mut next = properties;
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

/// Does `text` match a Qlik search pattern (`*` and `?` wildcards, any case)?
fn matches_pattern(pattern: &str, text: &str) -> bool {
    fn go(p: &[char], t: &[char]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], t) || (!t.is_empty() && go(p, &t[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) => a == b && go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    go(&p, &t)
}

fn field_method(call: Call<'_>, app: &Arc<App>, field: usize) -> Result<Outcome, RpcError> {
    let request = call.request;
    let data = call.data;
    let info = &app.fields[field];
    let mut next = data.selections().clone();
    let toggle_at = |index: usize| {
        request
            .param(index, "qToggleMode")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    };
    match request.method.as_str() {
        "GetCardinal" => return Ok(Outcome::plain(json!({"qReturn": info.values.len()}))),
        "Clear" => next.clear(field),
        "Select" | "ToggleSelect" => {
            let pattern = request.string(0, "qMatch")?;
            let symbols: Vec<u32> = (0..info.values.len() as u32)
                .filter(|s| matches_pattern(&pattern, &info.values[*s as usize].text))
                .collect();
            next.select(field, &symbols, request.method == "ToggleSelect");
        }
        "SelectValues" => {
            let wanted = request
                .param(0, "qFieldValues")
                .and_then(Value::as_array)
                .ok_or_else(|| RpcError::bad_params("qFieldValues"))?;
            let symbols: Vec<u32> = wanted
                .iter()
                .filter_map(|v| {
                    if v["qIsNumeric"].as_bool().unwrap_or(false) {
                        let n = v["qNumber"].as_f64()?;
                        info.values.iter().position(|c| c.num == Some(n))
                    } else {
                        let text = v["qText"].as_str()?;
                        info.values.iter().position(|c| c.text == text)
                    }
                })
                .map(|p| p as u32)
                .collect();
            next.select(field, &symbols, toggle_at(1));
        }
        "LowLevelSelect" => {
            let count = info.values.len() as i64;
            let symbols: Vec<u32> = request
                .param(0, "qValues")
                .and_then(Value::as_array)
                .ok_or_else(|| RpcError::bad_params("qValues"))?
                .iter()
                .filter_map(Value::as_i64)
                .filter(|v| *v >= 0 && *v < count)
                .map(|v| v as u32)
                .collect();
            next.select(field, &symbols, toggle_at(1));
        }
        other => return Err(RpcError::no_method(other)),
    }
    let changed = data.set_selections(next);
    Ok(Outcome::changed(json!({"qReturn": true}), changed))
}

#[cfg(test)]
mod tests {
    use super::matches_pattern;

    #[test]
    fn search_patterns() {
        assert!(matches_pattern("EMEA", "emea"));
        assert!(matches_pattern("E*", "EMEA"));
        assert!(matches_pattern("*me*", "EMEA"));
        assert!(matches_pattern("A?AC", "APAC"));
        assert!(!matches_pattern("E", "EMEA"));
    }
}
