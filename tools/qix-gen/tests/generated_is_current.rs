//! The committed generated module is what the generator makes of the
//! committed schema: regenerate with `cargo run -p qix-gen` when this fails.

#[test]
fn the_committed_layout_types_are_current() {
    let schema = std::fs::read_to_string(qix_gen::schema_path()).expect("the schema is committed");
    let expected = qix_gen::generate(&schema).expect("the schema generates");
    let committed =
        std::fs::read_to_string(qix_gen::generated_path()).expect("generated.rs is committed");
    assert!(
        committed == expected,
        "crates/qlik/src/qix/generated.rs is stale: run `cargo run -p qix-gen`"
    );
}
