//! The apps the engine can open.

use std::path::Path;

use serde::Deserialize;

use crate::error::SimError;

/// An app as the engine lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppInfo {
    /// App id (what `OpenDoc` takes).
    pub id: String,
    /// Title.
    pub name: String,
}

/// The apps, from a folder or built in.
#[derive(Debug, Clone)]
pub struct Catalog {
    apps: Vec<AppInfo>,
}

#[derive(Deserialize)]
struct Manifest {
    id: String,
    name: String,
}

impl Catalog {
    /// The built-in sample sales app.
    pub fn builtin() -> Self {
        Self {
            apps: vec![AppInfo {
                id: "sample-sales".into(),
                name: "Sample Sales".into(),
            }],
        }
    }

    /// Every sub-folder of `dir` holding an `app.toml` (keys `id`, `name`, more
    /// for the data model). Errors name the file.
    pub fn load(dir: &Path) -> Result<Self, SimError> {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| SimError::Apps(format!("{}: {e}", dir.display())))?;
        let mut apps = Vec::new();
        for entry in entries.flatten() {
            let manifest = entry.path().join("app.toml");
            if !manifest.is_file() {
                continue;
            }
            let text = std::fs::read_to_string(&manifest)
                .map_err(|e| SimError::Apps(format!("{}: {e}", manifest.display())))?;
            let parsed: Manifest = toml::from_str(&text)
                .map_err(|e| SimError::Apps(format!("{}: {e}", manifest.display())))?;
            apps.push(AppInfo {
                id: parsed.id,
                name: parsed.name,
            });
        }
        apps.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Self { apps })
    }

    /// The app with this id.
    pub fn get(&self, id: &str) -> Option<&AppInfo> {
        self.apps.iter().find(|a| a.id == id)
    }

    /// All apps.
    pub fn apps(&self) -> &[AppInfo] {
        &self.apps
    }
}
