//! Doc methods: the app's layout and properties, fields, session and app
//! objects, selections history, expressions (bookmarks: [`super::bookmarks`]).

use std::sync::Arc;

use serde_json::{Value, json};

use super::methods::{Call, Handle, Outcome, interface};
use super::rpc::RpcError;
use super::{bookmarks, library};
use crate::data::locale::current_year;
use crate::data::{self, App};

pub(super) fn doc(call: Call<'_>, app: &Arc<App>) -> Result<Outcome, RpcError> {
    let request = call.request;
    if matches!(
        request.method.as_str(),
        "CreateBookmark" | "ApplyBookmark" | "GetBookmarks" | "DestroyBookmark" | "GetBookmark"
    ) {
        return bookmarks::doc_method(call, app);
    }
    if matches!(
        request.method.as_str(),
        "GetDimension" | "GetMeasure" | "GetVariableById" | "GetVariableByName"
    ) {
        return library::doc_method(call, app);
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
        "GetScript" => Ok(Outcome::plain(json!({"qScript": app.script}))),
        "GetAppProperties" => Ok(Outcome::plain(json!({"qProp": {
            "qTitle": app.name, "qThumbnail": {}, "qHasSectionAccess": false}}))),
        "GetTablesAndKeys" => {
            let tables: Vec<Value> = app.tables.iter().map(|t| json!({
                "qName": t.name, "qNoOfRows": t.rows, "qLoose": false,
                "qIsSynthetic": t.name.starts_with("$Syn "),
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
            let library = &app.library;
            let mut infos: Vec<Value> = app
                .objects
                .iter()
                .map(|o| &o.properties)
                .chain(library.dimensions.iter())
                .chain(library.measures.iter())
                .chain(library.variables.iter())
                .map(|p| json!({"qId": p["qInfo"]["qId"], "qType": p["qInfo"]["qType"]}))
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
