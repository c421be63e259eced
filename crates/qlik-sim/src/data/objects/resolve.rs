//! The properties an object is laid out from: a linked object's master
//! (`qExtendsId`) overlaid with its own properties, and library items
//! (`qLibraryId`) put in place of empty dimension and measure definitions.

use serde_json::{Map, Value, json};

use crate::data::app::App;

/// The effective properties of an object with these properties.
pub(crate) fn effective(app: &App, properties: &Value) -> Value {
    let mut effective = linked(app, properties);
    resolve_library(app, &mut effective);
    effective
}

/// The master's properties overlaid with the object's own (`qInfo` and
/// `qExtendsId` stay the object's); the own properties when not linked or
/// the master is missing.
fn linked(app: &App, properties: &Value) -> Value {
    let master = properties["qExtendsId"]
        .as_str()
        .filter(|id| !id.is_empty())
        .and_then(|id| app.objects.properties(id));
    let Some(master) = master else {
        return properties.clone();
    };
    let mut merged = master.clone();
    overlay(&mut merged, properties);
    merged["qInfo"] = properties["qInfo"].clone();
    merged
}

/// Puts `top` over `base`: objects key by key, anything else replaced.
fn overlay(base: &mut Value, top: &Value) {
    match (base, top) {
        (Value::Object(base), Value::Object(top)) => {
            for (key, value) in top {
                match base.get_mut(key) {
                    Some(existing) => overlay(existing, value),
                    None => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (base, top) => *base = top.clone(),
    }
}

fn library_id(def: &Value) -> Option<&str> {
    def["qLibraryId"].as_str().filter(|id| !id.is_empty())
}

/// The title of a library item: its `qMetaDef.title`, else its own title or label.
fn library_title(item: &Value, definition: &str, label: &str) -> Option<String> {
    [
        &item["qMetaDef"]["title"],
        &item[definition]["title"],
        &item[definition][label],
    ]
    .into_iter()
    .find_map(|v| v.as_str().filter(|s| !s.is_empty()))
    .map(str::to_owned)
}

/// Makes `def["qDef"]` an object and returns it.
fn own_definition(def: &mut Value) -> Option<&mut Map<String, Value>> {
    let object = def.as_object_mut()?;
    let inner = object.entry("qDef").or_insert_with(|| json!({}));
    if !inner.is_object() {
        *inner = json!({});
    }
    inner.as_object_mut()
}

/// A dimension (or list object) naming a library dimension: its fields
/// and, as its label, the library title.
fn resolve_dimension(app: &App, def: &mut Value) {
    let Some(item) = library_id(def).and_then(|id| app.library.dimension(id)) else {
        return;
    };
    let fields = item["qDim"]["qFieldDefs"].clone();
    let title = library_title(item, "qDim", "qFieldLabels");
    let Some(own) = own_definition(def) else {
        return;
    };
    let empty = own
        .get("qFieldDefs")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty);
    if empty {
        own.insert("qFieldDefs".into(), fields);
    }
    if let Some(title) = title {
        own.insert("qFieldLabels".into(), json!([title]));
    }
}

/// A measure naming a library measure: its expression, the library title
/// as its label and, unless the measure sets its own
/// (`numFormatFromTemplate: false`), the library's number format.
fn resolve_measure(app: &App, def: &mut Value) {
    let Some(item) = library_id(def).and_then(|id| app.library.measure(id)) else {
        return;
    };
    let library = &item["qMeasure"];
    let title = library_title(item, "qMeasure", "qLabel");
    let Some(own) = own_definition(def) else {
        return;
    };
    own.insert("qDef".into(), library["qDef"].clone());
    if let Some(title) = title {
        own.insert("qLabel".into(), json!(title));
    }
    let own_format = own.get("numFormatFromTemplate") == Some(&json!(false));
    if !own_format && library["qNumFormat"].is_object() {
        own.insert("qNumFormat".into(), library["qNumFormat"].clone());
    }
}

/// Resolves every library reference of a hypercube or list object.
fn resolve_library(app: &App, properties: &mut Value) {
    if let Some(list) = properties.get_mut("qListObjectDef") {
        resolve_dimension(app, list);
    }
    let Some(cube) = properties.get_mut("qHyperCubeDef") else {
        return;
    };
    if let Some(dimensions) = cube.get_mut("qDimensions").and_then(Value::as_array_mut) {
        dimensions
            .iter_mut()
            .for_each(|d| resolve_dimension(app, d));
    }
    if let Some(measures) = cube.get_mut("qMeasures").and_then(Value::as_array_mut) {
        measures.iter_mut().for_each(|m| resolve_measure(app, m));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::library::ItemKind;

    #[test]
    fn a_linked_object_takes_its_masters_properties_under_its_own() {
        let mut app = App::new("a", "A");
        app.objects
            .add_tree(&json!({"qInfo": {"qId": "m", "qType": "masterobject"},
                "qMetaDef": {"title": "Master"}, "visualization": "barchart",
                "color": {"auto": true, "mode": "primary"}}))
            .unwrap();
        let child = json!({"qInfo": {"qId": "c", "qType": "barchart"}, "qExtendsId": "m",
            "qMetaDef": {}, "color": {"auto": false}});
        let effective = effective(&app, &child);
        assert_eq!(effective["qInfo"]["qId"], "c");
        assert_eq!(effective["qInfo"]["qType"], "barchart");
        assert_eq!(effective["qExtendsId"], "m");
        assert_eq!(effective["visualization"], "barchart");
        assert_eq!(effective["qMetaDef"]["title"], "Master");
        assert_eq!(
            effective["color"],
            json!({"auto": false, "mode": "primary"})
        );
        let unlinked = json!({"qInfo": {"qId": "u", "qType": "x"}, "qExtendsId": "missing"});
        assert_eq!(super::effective(&app, &unlinked), unlinked);
    }

    #[test]
    fn library_items_fill_empty_definitions() {
        let mut app = App::new("a", "A");
        app.library
            .add(
                ItemKind::Dimension,
                json!({"qInfo": {"qId": "d", "qType": "dimension"},
                "qDim": {"qFieldDefs": ["Region"], "qFieldLabels": ["Region"]},
                "qMetaDef": {"title": "Sales region"}}),
                0,
            )
            .unwrap();
        app.library
            .add(
                ItemKind::Measure,
                json!({"qInfo": {"qId": "m", "qType": "measure"},
                "qMeasure": {"qDef": "Sum(Sales)", "qLabel": "Sales",
                    "qNumFormat": {"qType": "M", "qFmt": "$#,##0.00"}},
                "qMetaDef": {"title": "Sales"}}),
                0,
            )
            .unwrap();
        let props = json!({"qInfo": {"qId": "o", "qType": "table"}, "qHyperCubeDef": {
            "qDimensions": [{"qLibraryId": "d", "qDef": {"qFieldDefs": []}}],
            "qMeasures": [{"qLibraryId": "m", "qDef": {"qNumFormat": {"qType": "U"},
                "numFormatFromTemplate": true}}]},
            "qListObjectDef": {"qLibraryId": "d", "qDef": {}}});
        let effective = effective(&app, &props);
        let cube = &effective["qHyperCubeDef"];
        assert_eq!(
            cube["qDimensions"][0]["qDef"]["qFieldDefs"],
            json!(["Region"])
        );
        assert_eq!(
            cube["qDimensions"][0]["qDef"]["qFieldLabels"],
            json!(["Sales region"])
        );
        assert_eq!(cube["qMeasures"][0]["qDef"]["qDef"], "Sum(Sales)");
        assert_eq!(cube["qMeasures"][0]["qDef"]["qNumFormat"]["qType"], "M");
        assert_eq!(
            effective["qListObjectDef"]["qDef"]["qFieldDefs"],
            json!(["Region"])
        );
    }
}
