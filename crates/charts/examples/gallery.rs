//! Writes `target/charts-gallery.html`: every fixture drawn, with the
//! charts' CSS, to look at in a browser (e.g. `chromium --headless
//! --screenshot`) and to check the 12 px text rule at several widths.
//!
//! `cargo run -p charts --example gallery`

use charts::{CSS, Options, render};
use serde_json::Value;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let mut names: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    let mut page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>Charts</title><style>{CSS}\nbody{{margin:16px;font-family:sans-serif}}main{{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:24px}}article{{border:1px solid #ddd;padding:8px;min-width:0}}</style></head><body><main>"
    );
    for path in names {
        let layout: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let body = match render(&layout, &Options::default()) {
            Ok(html) => html,
            Err(e) => format!("<p>{}</p>", charts::escape::escape(&e.to_string())),
        };
        page.push_str(&format!("<article><h2>{name}</h2>{body}</article>"));
    }
    page.push_str("</main></body></html>");
    let out = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../target/charts-gallery.html"
    );
    std::fs::write(out, page)?;
    println!("{out}");
    Ok(())
}
