//! The app folder `qlik app unbuild` writes: `config.yml` naming the parts,
//! `app-properties.json`, `dimensions.json`, `measures.json`,
//! `variables.json`, `objects/*.json` (a bare properties object, or
//! `{qProperty, qChildren}` for an object with children), `script.qvs`;
//! plus, for the simulator, one CSV extract per table in `data/`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::UNBUILD_CONFIG;
use crate::data::app::App;
use crate::data::library::ItemKind;
use crate::data::locale;

/// One kind of file of an unbuilt app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// `app-properties.json`: the app's title (`qTitle`).
    AppProperties,
    /// `dimensions.json`, `measures.json`, `variables.json`: library items.
    Library(ItemKind),
    /// One file of `objects/`: an object tree.
    Object,
    /// `script.qvs`: the load script (only its locale lines matter).
    Script,
}

/// The single-file parts: their `config.yml` key and default file name.
const FILES: [(&str, Part, &str); 5] = [
    ("app-properties", Part::AppProperties, "app-properties.json"),
    (
        "dimensions",
        Part::Library(ItemKind::Dimension),
        "dimensions.json",
    ),
    (
        "measures",
        Part::Library(ItemKind::Measure),
        "measures.json",
    ),
    (
        "variables",
        Part::Library(ItemKind::Variable),
        "variables.json",
    ),
    ("script", Part::Script, "script.qvs"),
];

/// Adds one file's content to `app`; errors start with `name` (the file)
/// and name the object or item id where there is one.
pub(crate) fn apply(app: &mut App, part: Part, name: &str, text: &str) -> Result<(), String> {
    let json = || serde_json::from_str::<Value>(text).map_err(|e| format!("{name}: {e}"));
    match part {
        Part::AppProperties => {
            let properties = json()?;
            if let Some(title) = properties["qTitle"].as_str().filter(|t| !t.is_empty()) {
                app.name = title.to_owned();
            }
        }
        Part::Library(kind) => {
            let Value::Array(items) = json()? else {
                return Err(format!("{name}: not a JSON list"));
            };
            for (position, item) in items.into_iter().enumerate() {
                app.library
                    .add(kind, item, position)
                    .map_err(|e| format!("{name}: {e}"))?;
            }
        }
        Part::Object => app
            .objects
            .add_tree(&json()?)
            .map_err(|e| format!("{name}: {e}"))?,
        Part::Script => {
            // Only the locale's `SET` lines are read (see the README).
            app.locale = locale::from_script(text).map_err(|e| format!("{name}: {e}"))?;
            app.script = text.to_owned();
        }
    }
    Ok(())
}

/// `config.yml`: one `key: value` per line (blank lines and `#` comments
/// aside), as qlik-cli writes it.
fn read_config(path: &Path) -> Result<HashMap<String, String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut config = HashMap::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line
            .split_once(':')
            .filter(|(key, value)| !key.trim().is_empty() && !value.trim().is_empty())
            .ok_or_else(|| {
                format!(
                    "{}: line {}: expected `key: file`",
                    path.display(),
                    number + 1
                )
            })?;
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        config.insert(key.trim().to_owned(), value.to_owned());
    }
    Ok(config)
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The object files `pattern` (`objects/*.json`) names, in name order.
fn object_files(dir: &Path, pattern: &str, named: bool) -> Result<Vec<PathBuf>, String> {
    let (folder, suffix) = match pattern.rsplit_once('/') {
        Some((folder, file)) => (dir.join(folder), file.trim_start_matches('*').to_owned()),
        None => (dir.to_owned(), pattern.trim_start_matches('*').to_owned()),
    };
    if !folder.is_dir() && !named {
        return Ok(Vec::new());
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .map_err(|e| format!("{}: {e}", folder.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| p.to_string_lossy().ends_with(&suffix))
        .collect();
    files.sort();
    Ok(files)
}

/// Loads an unbuilt app folder; the app's id is the folder's name.
pub(super) fn load(dir: &Path) -> Result<App, String> {
    let config = read_config(&dir.join(UNBUILD_CONFIG))?;
    let id = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| format!("{}: the folder has no name", dir.display()))?;
    let mut app = App::new(&id, &id);
    for (key, part, default) in FILES {
        let named = config.get(key);
        let path = dir.join(named.map_or(default, String::as_str));
        // A part the config names must be there; a default one may be missing.
        if named.is_some() || path.is_file() {
            apply(&mut app, part, &path.display().to_string(), &read(&path)?)?;
        }
    }
    let pattern = config.get("objects");
    for file in object_files(
        dir,
        pattern.map_or("objects/*.json", String::as_str),
        pattern.is_some(),
    )? {
        apply(
            &mut app,
            Part::Object,
            &file.display().to_string(),
            &read(&file)?,
        )?;
    }
    let data = dir.join("data");
    if data.is_dir() {
        super::tables::load_tables(&mut app, &data)?;
    }
    Ok(app)
}
