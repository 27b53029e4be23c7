//! Ordinal's web front end: a thin adapter over `ordinal-sim` and `ordinal-kubectl`. It owns the
//! clock driver, the rendering and the browser storage; every Kubernetes behaviour comes from
//! the core. State lives in one reducer ([`model`]); components render `Rc` snapshots.

mod app;
#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;
mod checks;
mod cluster;
mod controls;
mod editor;
mod engine;
mod events;
mod lesson_view;
mod lessons;
mod model;
mod storage;
mod terminal;
mod view_model;
mod yaml;

fn main() {
    // The page's static "Starting…" line goes once the app renders in its place.
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("loading"))
    {
        el.remove();
    }
    yew::Renderer::<app::App>::new().render();
}
