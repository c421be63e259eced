//! Apps from folders: `app.toml` (id, name, master objects), one CSV file
//! per table (fields with the same name link tables) and optionally the load
//! script, `script.qvs`, whose locale `SET` statements are read.

use std::path::Path;

use serde::Deserialize;

use super::app::App;
use super::locale;

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

/// Loads an app folder. Errors name the file and, for CSV data, the line.
pub fn load_app(dir: &Path) -> Result<App, String> {
    let manifest_path = dir.join("app.toml");
    let text = std::fs::read_to_string(&manifest_path)
        .map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    let manifest: Manifest =
        toml::from_str(&text).map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    let mut app = App::new(&manifest.id, &manifest.name);
    for object in manifest.objects {
        let properties: serde_json::Value =
            serde_json::from_str(&object.properties).map_err(|e| {
                format!(
                    "{}: object {}: properties: {e}",
                    manifest_path.display(),
                    object.id
                )
            })?;
        app.master_objects.push((object.id, properties));
    }
    let script_path = dir.join("script.qvs");
    if script_path.exists() {
        let script = std::fs::read_to_string(&script_path)
            .map_err(|e| format!("{}: {e}", script_path.display()))?;
        app.locale =
            locale::from_script(&script).map_err(|e| format!("{}: {e}", script_path.display()))?;
    }
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
        .collect();
    files.sort();
    for file in files {
        let name = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut reader =
            csv::Reader::from_path(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| format!("{}: line 1: {e}", file.display()))?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        if let Some(empty) = headers.iter().position(String::is_empty) {
            return Err(format!(
                "{}: line 1: field {} has no name",
                file.display(),
                empty + 1
            ));
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                format!("{}: line {line}: {e}", file.display())
            })?;
            rows.push(record.iter().map(str::to_owned).collect());
        }
        app.add_table(&name, &headers, rows);
    }
    Ok(app)
}
