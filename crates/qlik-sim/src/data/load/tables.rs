//! Tables from CSV files: one file per table, the file stem is the table's
//! name, the header row the field names.

use std::path::Path;

use crate::data::app::App;

/// Adds a table for every `*.csv` file of `dir`, in file-name order.
/// Errors name the file and the line.
pub(super) fn load_tables(app: &mut App, dir: &Path) -> Result<(), String> {
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
    Ok(())
}
