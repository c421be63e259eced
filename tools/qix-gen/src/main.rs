//! Regenerates `crates/qlik/src/qix/generated.rs` from the engine schema in
//! `crates/qlik/schema/`: `cargo run -p qix-gen`. The test
//! `tests/generated_is_current.rs` fails when the committed file is stale.

use std::process::ExitCode;

fn main() -> ExitCode {
    let schema = qix_gen::schema_path();
    let out = qix_gen::generated_path();
    let result = std::fs::read_to_string(&schema)
        .map_err(|e| format!("cannot read {}: {e}", schema.display()))
        .and_then(|text| qix_gen::generate(&text).map_err(|e| e.to_string()))
        .and_then(|code| {
            std::fs::write(&out, code).map_err(|e| format!("cannot write {}: {e}", out.display()))
        });
    match result {
        Ok(()) => {
            println!("wrote {}", out.display());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("qix-gen: {message}");
            ExitCode::FAILURE
        }
    }
}
