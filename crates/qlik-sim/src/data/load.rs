//! Apps from folders, in two formats: our own `app.toml` with CSV files
//! ([`manifest`]), and the folder `qlik app unbuild` writes, with CSV
//! extracts in `data/` ([`unbuild`]). Tables come from CSV files
//! ([`tables`]); fields with the same name link tables.

mod manifest;
mod tables;
pub(crate) mod unbuild;

use std::path::Path;

use super::app::App;
use super::synthetic::link_synthetic_keys;

/// The file that marks an app folder of our own format.
pub const MANIFEST: &str = "app.toml";
/// The file that marks an unbuilt app folder (`qlik app unbuild`).
pub const UNBUILD_CONFIG: &str = "config.yml";

/// Is `dir` an app folder (either format)?
pub fn is_app_folder(dir: &Path) -> bool {
    dir.join(MANIFEST).is_file() || dir.join(UNBUILD_CONFIG).is_file()
}

/// Loads an app folder: `app.toml` when present, else an unbuilt app.
/// Errors name the file and, where there is one, the line or object id.
/// Tables sharing two or more fields are then linked by a synthetic key.
pub fn load_app(dir: &Path) -> Result<App, String> {
    let mut app = if dir.join(MANIFEST).is_file() {
        manifest::load(dir)?
    } else {
        unbuild::load(dir)?
    };
    link_synthetic_keys(&mut app);
    Ok(app)
}
