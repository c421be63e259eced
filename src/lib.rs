//! The front-end crate: compiled to WASM by cargo-leptos; its only job is to
//! hydrate the islands (the interactive parts) of the server-rendered page
//! with the components of the `app` crate.

// Links the app crate: its islands export their hydrate functions.
use app as _;

/// Entry point called by the generated JS loader: starts the reactive system;
/// the loader then hydrates each island of the HTML the server rendered.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
