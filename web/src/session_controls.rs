//! Session controls in the top bar: Export (a file), Script for kind (the session as a bash
//! script for a real kind cluster, `kind_script.rs`), Import (a file), Share link (the session in
//! the URL's fragment), Restore backup and Export backup (the session an import or a link replaced, or
//! a saved one this version could not restore).

use crate::model::SessionSource;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub on_export: Callback<()>,
    /// Downloads the session as a bash script that replays it on a kind cluster.
    pub on_export_script: Callback<()>,
    pub on_share: Callback<()>,
    /// JSON text of a session to open, and where it came from.
    pub on_open: Callback<(String, SessionSource)>,
    pub has_backup: bool,
    pub on_restore: Callback<()>,
    /// Downloads the backed-up session as a file.
    pub on_export_backup: Callback<()>,
}

#[function_component(SessionControls)]
pub fn session_controls(p: &Props) -> Html {
    let file = use_node_ref();
    let menu = use_node_ref();
    let choose = {
        let file = file.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = file.cast::<HtmlInputElement>() {
                input.set_value("");
                input.click();
            }
        })
    };
    let on_file = {
        let on_open = p.on_open.clone();
        let menu = menu.clone();
        Callback::from(move |e: Event| {
            if let Some(d) = menu.cast::<web_sys::Element>() {
                let _ = d.remove_attribute("open");
            }
            let Some(f) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                .and_then(|i| i.files())
                .and_then(|fs| fs.get(0))
            else {
                return;
            };
            let on_open = on_open.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(f.text())
                    .await
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default();
                on_open.emit((text, SessionSource::File));
            });
        })
    };
    // The menu closes once one of its actions is chosen.
    let close = {
        let menu = menu.clone();
        move || {
            if let Some(d) = menu.cast::<web_sys::Element>() {
                let _ = d.remove_attribute("open");
            }
        }
    };
    let export = {
        let (cb, close) = (p.on_export.clone(), close.clone());
        Callback::from(move |_: MouseEvent| {
            close();
            cb.emit(());
        })
    };
    let export_script = {
        let (cb, close) = (p.on_export_script.clone(), close.clone());
        Callback::from(move |_: MouseEvent| {
            close();
            cb.emit(());
        })
    };
    let share = {
        let (cb, close) = (p.on_share.clone(), close.clone());
        Callback::from(move |_: MouseEvent| {
            close();
            cb.emit(());
        })
    };
    let restore = {
        let (cb, close) = (p.on_restore.clone(), close.clone());
        Callback::from(move |_: MouseEvent| {
            close();
            cb.emit(());
        })
    };
    let export_backup = {
        let (cb, close) = (p.on_export_backup.clone(), close.clone());
        Callback::from(move |_: MouseEvent| {
            close();
            cb.emit(());
        })
    };
    html! {
        <details class="session-menu" ref={menu}>
            <summary class="btn">{ "Session" }</summary>
            <div class="session-controls" role="group" aria-label="Session">
            <button type="button" class="btn small" onclick={export}
                title="Download this session (every input, replayable) as a file">{ "Export" }</button>
            <button type="button" class="btn small" onclick={export_script}
                title="Download a bash script that makes a kind cluster like this one and replays the session's commands on it">{ "Script for kind" }</button>
            <button type="button" class="btn small" onclick={choose}
                title="Open a session file exported from Ordinal">{ "Import" }</button>
            <input ref={file} type="file" accept=".json,application/json" class="visually-hidden"
                tabindex="-1" aria-hidden="true" onchange={on_file} />
            <button type="button" class="btn small" onclick={share}
                title="Copy a link that replays this session (it stays in the link: nothing is uploaded)">{ "Share link" }</button>
            if p.has_backup {
                <button type="button" class="btn small" onclick={restore}
                    title="Go back to the session the last import or link replaced (or a saved one this version could not restore)">{ "Restore backup" }</button>
                <button type="button" class="btn small" onclick={export_backup}
                    title="Download the backed-up session as a file">{ "Export backup" }</button>
            }
            <p class="session-note">{ "Your session is saved in this browser as you go, and replayed on reload." }</p>
            </div>
        </details>
    }
}
