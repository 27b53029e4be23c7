//! Ordinal's web front end: a thin adapter over `ordinal-sim` and `ordinal-kubectl`. It owns the
//! clock driver, the rendering and the browser storage; every Kubernetes behaviour comes from
//! the core. State lives in one reducer ([`model`]); components render `Rc` snapshots.

// What the user does never unwraps: a failure is a message, not a panic (checked by clippy in CI).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod app;
#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;
mod checks;
mod cluster;
mod compare;
mod compare_view;
mod controls;
mod editor;
mod engine;
mod events;
mod examples;
mod kind_script;
mod lesson_view;
mod lessons;
mod model;
mod printed;
mod session_controls;
mod share;
mod storage;
mod terminal;
mod timeline;
mod timeline_view;
mod view_model;
mod yaml;

/// If the app ever panics, the page says so and offers a way out, instead of freezing silently.
/// (Release builds abort on panic, so the app cannot go on: Reset starts a fresh page.)
use wasm_bindgen::JsCast;

fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let text = info.to_string();
        web_sys::console::error_1(&format!("Ordinal panicked: {text}").into());
        show_crash(&text);
    }));
}

/// The crash screen: what went wrong (as text) and a Reset button that starts a fresh page.
fn show_crash(text: &str) {
    {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Ok(el) = doc.create_element("div") else {
            return;
        };
        el.set_id("crash");
        el.set_class_name("crash");
        let _ = el.set_attribute("role", "alertdialog");
        let _ = el.set_attribute("aria-labelledby", "crash-title");
        // Built with text nodes only: the message is never parsed as HTML.
        let parts = [
            ("h2", "crash-title", "The playground stopped"),
            ("p", "", "Something went wrong inside the simulation. Your manifest is kept in this browser; Reset starts a fresh cluster."),
            ("pre", "crash-details", text),
        ];
        for (tag, id, body) in parts {
            if let Ok(child) = doc.create_element(tag) {
                if !id.is_empty() {
                    child.set_id(id);
                }
                child.set_text_content(Some(body));
                let _ = el.append_child(&child);
            }
        }
        if let Ok(button) = doc.create_element("button") {
            button.set_class_name("btn primary");
            button.set_text_content(Some("Reset"));
            let reset = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(|| {
                if let Some(w) = web_sys::window() {
                    let _ = w.location().set_hash("#/");
                    let _ = w.location().reload();
                }
            });
            let _ =
                button.add_event_listener_with_callback("click", reset.as_ref().unchecked_ref());
            reset.forget();
            let _ = el.append_child(&button);
        }
        if let Some(body) = doc.body() {
            let _ = body.append_child(&el);
        }
    }
}

fn main() {
    install_panic_hook();
    if let Some(q) = web_sys::window().and_then(|w| w.location().search().ok()) {
        engine::set_workers_from_query(&q);
    }
    // The page's static "Starting…" line goes once the app renders in its place.
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("loading"))
    {
        el.remove();
    }
    yew::Renderer::<app::App>::new().render();
}
