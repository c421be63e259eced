//! The apps the engine can open.

use std::path::Path;
use std::sync::Arc;

use crate::data::{App, is_app_folder, load_app, sample_app, support_app};
use crate::error::SimError;

/// The apps, from a folder or built in.
#[derive(Debug, Clone)]
pub struct Catalog {
    apps: Vec<Arc<App>>,
}

impl Catalog {
    /// The built-in apps: the sample sales app with `rows` order lines and
    /// the sample support app.
    pub fn builtin(rows: usize) -> Self {
        Self {
            apps: vec![Arc::new(sample_app(rows)), Arc::new(support_app())],
        }
    }

    /// Every sub-folder of `dir` holding an `app.toml` or, unbuilt by
    /// `qlik app unbuild`, a `config.yml`. Errors name the file (and for
    /// data the line, for objects the id).
    pub fn load(dir: &Path) -> Result<Self, SimError> {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| SimError::Apps(format!("{}: {e}", dir.display())))?;
        let mut apps = Vec::new();
        for entry in entries.flatten() {
            if is_app_folder(&entry.path()) {
                apps.push(Arc::new(load_app(&entry.path()).map_err(SimError::Apps)?));
            }
        }
        apps.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Self { apps })
    }

    /// The app with this id.
    pub fn get(&self, id: &str) -> Option<&Arc<App>> {
        self.apps.iter().find(|a| a.id == id)
    }

    /// All apps.
    pub fn apps(&self) -> &[Arc<App>] {
        &self.apps
    }
}
