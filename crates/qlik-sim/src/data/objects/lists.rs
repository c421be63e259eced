//! Lists in layouts: app objects (`qAppObjectListDef`), an object's
//! children (`qChildListDef`), library dimensions, measures and variables
//! (`qDimensionListDef`, `qMeasureListDef`, `qVariableListDef`). Each item
//! is an `NxContainerEntry` (`qInfo`, `qMeta`, and `qData` built from the
//! definition's JSON pointers).

use serde_json::{Map, Value, json};

use super::Context;
use super::resolve::effective;

/// `qData`: each key of `template` with the value at its JSON pointer in
/// `properties`; keys whose pointer names nothing are left out.
fn data(properties: &Value, template: &Value) -> Value {
    let data: Map<String, Value> = template
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(key, pointer)| {
            let value = properties.pointer(pointer.as_str()?)?;
            Some((key.clone(), value.clone()))
        })
        .collect();
    Value::Object(data)
}

/// `qMeta` of an object or library item: its `qMetaDef` and the privileges.
pub(crate) fn meta(properties: &Value) -> Value {
    let mut meta = properties["qMetaDef"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    meta.insert("privileges".into(), json!(["read", "update", "delete"]));
    Value::Object(meta)
}

fn entry(properties: &Value, template: &Value) -> Value {
    json!({"qInfo": properties["qInfo"], "qMeta": meta(properties),
        "qData": data(properties, template)})
}

fn of_type<'a>(items: &'a [Value], def: &Value) -> impl Iterator<Item = &'a Value> {
    let wanted = def["qType"].as_str().filter(|t| !t.is_empty());
    items
        .iter()
        .filter(move |item| wanted.is_none_or(|t| item["qInfo"]["qType"].as_str() == Some(t)))
}

/// `qAppObjectList`: the app objects (not children) of the definition's `qType`.
pub(super) fn app_object_list(ctx: &Context<'_>, def: &Value) -> Value {
    let wanted = def["qType"].as_str().unwrap_or_default();
    let items: Vec<Value> = ctx
        .app
        .objects
        .iter()
        .filter(|o| o.parent.is_none() && o.properties["qInfo"]["qType"].as_str() == Some(wanted))
        .map(|o| entry(&o.properties, &def["qData"]))
        .collect();
    json!({"qItems": items})
}

/// `qChildList`: the object's children, `qData` read from each child's
/// effective properties (a linked child's from its master).
pub(super) fn child_list(ctx: &Context<'_>, id: &str, def: &Value) -> Value {
    let children = ctx.app.objects.get(id).map(|o| o.children.as_slice());
    let items: Vec<Value> = children
        .unwrap_or_default()
        .iter()
        .filter_map(|child| ctx.app.objects.properties(child))
        .map(|child| {
            let properties = effective(ctx.app, child);
            json!({"qInfo": child["qInfo"], "qData": data(&properties, &def["qData"])})
        })
        .collect();
    json!({"qItems": items})
}

/// `qDimensionList` or `qMeasureList`: the library items of the definition's `qType`.
pub(super) fn library_list(items: &[Value], def: &Value) -> Value {
    let items: Vec<Value> = of_type(items, def)
        .map(|item| entry(item, &def["qData"]))
        .collect();
    json!({"qItems": items})
}

/// `qVariableList`: the app's variables as `NxVariableListItem`s.
pub(super) fn variable_list(ctx: &Context<'_>, def: &Value) -> Value {
    let items: Vec<Value> = of_type(&ctx.app.library.variables, def)
        .map(|v| {
            json!({"qName": v["qName"], "qDefinition": v["qDefinition"],
                "qDescription": v["qComment"].as_str().unwrap_or_default(),
                "qInfo": v["qInfo"], "qMeta": meta(v), "qData": data(v, &def["qData"]),
                "qIsScriptCreated": false})
        })
        .collect();
    json!({"qItems": items})
}
