//! Ordinal's web front end (the library both of its wasm binaries link): a thin adapter over `ordinal-sim` and `ordinal-kubectl`. It owns the
//! clock driver, the rendering and the browser storage; every Kubernetes behaviour comes from
//! the core. State lives in one reducer ([`model`]); components render `Rc` snapshots.

// What the user does never unwraps: a failure is a message, not a panic (checked by clippy in CI).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
// A library only so that the page and the engine's worker can be two binaries: `Err(())` means
// "something unreadable" in its few storage and record functions, as it did in the binary.
#![allow(clippy::result_unit_err)]

pub mod app;
#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;
pub mod checks;
pub mod cluster;
pub mod compare;
pub mod compare_view;
pub mod controls;
pub mod editor;
pub mod engine;
pub mod events;
pub mod examples;
pub mod kind_script;
pub mod lesson_view;
pub mod lessons;
pub mod link;
pub mod model;
pub mod printed;
pub mod protocol;
pub mod session_controls;
pub mod share;
pub mod storage;
pub mod terminal;
pub mod timeline;
pub mod timeline_view;
pub mod view;
pub mod view_model;
pub mod yaml;

/// If the app ever panics, the page says so and offers a way out, instead of freezing silently.
/// (Release builds abort on panic, so the app cannot go on: Reset starts a fresh page.)
use wasm_bindgen::JsCast;

pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let text = info.to_string();
        web_sys::console::error_1(&format!("Ordinal panicked: {text}").into());
        show_crash(&text);
    }));
}

/// The crash screen: what went wrong (as text) and a Reset button that starts a fresh page.
pub fn show_crash(text: &str) {
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

/// The page (the `ordinal-web` binary).
pub fn ui_main() {
    install_panic_hook();
    // The page's static "Starting…" line goes once the app renders in its place.
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("loading"))
    {
        el.remove();
    }
    yew::Renderer::<app::App>::new().render();
}

/// The engine (the `ordinal-engine` binary), in the worker the page starts: it takes the page's
/// messages one at a time and posts back what the host says ([`protocol`]).
pub fn engine_main() {
    use std::cell::RefCell;
    use std::rc::Rc;
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let post = {
        let scope = scope.clone();
        move |m: &protocol::FromEngine| {
            let _ = scope.post_message(&wasm_bindgen::JsValue::from_str(&protocol::encode(m)));
        }
    };
    {
        let post = post.clone();
        std::panic::set_hook(Box::new(move |info| {
            post(&protocol::FromEngine::Crashed(info.to_string()));
        }));
    }
    let now = {
        let scope = scope.clone();
        move || scope.performance().map_or(0.0, |p| p.now())
    };
    let host = Rc::new(RefCell::new(model::host::Host::new(Box::new(now))));
    let post2 = post.clone();
    let onmessage = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
        move |e: web_sys::MessageEvent| {
            let Some(text) = e.data().as_string() else {
                return;
            };
            match protocol::decode::<protocol::ToEngine>(&text) {
                Ok(msg) => {
                    let mut out = Vec::new();
                    host.borrow_mut().handle(msg, &mut out);
                    for m in &out {
                        post2(m);
                    }
                }
                Err(e) => post2(&protocol::FromEngine::Crashed(format!(
                    "the engine could not read the page: {e}"
                ))),
            }
        },
    );
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    post(&protocol::FromEngine::Ready);
}
