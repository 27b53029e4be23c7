//! Ordinal's web front end: a thin adapter over `ordinal-sim` and `ordinal-kubectl`. It owns the
//! clock driver, the rendering and the browser storage; every Kubernetes behaviour comes from
//! the core. State lives in one reducer ([`model`]); components render `Rc` snapshots.

mod app;
mod cluster;
mod controls;
mod editor;
mod engine;
mod events;
mod model;
mod storage;
mod terminal;
mod view_model;
mod yaml;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
