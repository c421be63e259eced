//! Our own app format: `app.toml` (id, name, master objects as JSON text)
//! beside one CSV file per table and optionally the load script,
//! `script.qvs`, whose locale `SET` statements are read.

use std::path::Path;

use serde::Deserialize;
use serde_json::{Value, json};

use super::MANIFEST;
use crate::data::app::App;
use crate::data::locale;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    id: String,
    name: String,
    #[serde(default)]
    objects: Vec<MasterObject>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MasterObject {
    id: String,
    /// Generic object properties as JSON text.
    properties: String,
}

/// Loads an `app.toml` folder. Errors name the file and, for CSV data, the line.
pub(super) fn load(dir: &Path) -> Result<App, String> {
    let manifest_path = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&manifest_path)
        .map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    let manifest: Manifest =
        toml::from_str(&text).map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    let mut app = App::new(&manifest.id, &manifest.name);
    for object in manifest.objects {
        let mut properties: Value = serde_json::from_str(&object.properties).map_err(|e| {
            format!(
                "{}: object {}: properties: {e}",
                manifest_path.display(),
                object.id
            )
        })?;
        // The manifest's id names the object, whatever its properties say.
        let info = properties
            .as_object_mut()
            .map(|p| p.entry("qInfo").or_insert_with(|| json!({})));
        if let Some(info) = info.and_then(Value::as_object_mut) {
            info.insert("qId".into(), json!(object.id));
        }
        app.objects
            .add_tree(&properties)
            .map_err(|e| format!("{}: object {}: {e}", manifest_path.display(), object.id))?;
    }
    let script_path = dir.join("script.qvs");
    if script_path.exists() {
        let script = std::fs::read_to_string(&script_path)
            .map_err(|e| format!("{}: {e}", script_path.display()))?;
        app.locale =
            locale::from_script(&script).map_err(|e| format!("{}: {e}", script_path.display()))?;
        app.script = script;
    }
    super::tables::load_tables(&mut app, dir)?;
    Ok(app)
}
