//! The front-end crate: compiled to WASM by cargo-leptos; its only job is to
//! hydrate the server-rendered page with the components of the `app` crate.

/// Entry point called by the generated JS loader: attaches the reactive app to
/// the HTML the server already rendered.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
