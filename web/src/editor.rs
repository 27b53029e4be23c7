//! The manifest editor: a transparent textarea over a highlighted copy of its text, line
//! numbers, errors marked at their line, the examples menu and Apply (`kubectl apply -f web.yaml`).
//! While a `kubectl edit` waits for its editor, the same panel is that editor: it shows the
//! edit's buffer (web.yaml is kept aside, untouched) with Save (Ctrl+S) and Cancel.

use crate::examples::Example;
use crate::model::EditorView;
use crate::yaml::{highlight, LineError};
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub editor: Rc<EditorView>,
    pub on_edit: Callback<String>,
    pub on_apply: Callback<()>,
    pub on_example: Callback<Example>,
    /// Save and Cancel of a `kubectl edit`.
    pub on_save_edit: Callback<()>,
    pub on_cancel_edit: Callback<()>,
}

/// Pixel height of one editor line (must match `--ed-line` in style.css).
const LINE_PX: f64 = 20.0;
/// Top padding of the code area (must match style.css).
const PAD_PX: f64 = 8.0;

/// Puts the caret at the start of a 1-based line and scrolls it into view.
fn go_to_line(area: &HtmlTextAreaElement, scroller: Option<HtmlElement>, line: usize) {
    let text = area.value();
    let offset: usize = text
        .split('\n')
        .take(line.saturating_sub(1))
        .map(|l| l.encode_utf16().count() + 1)
        .sum();
    let _ = area.focus();
    let _ = area.set_selection_range(offset as u32, offset as u32);
    if let Some(s) = scroller {
        let top = (line.saturating_sub(1)) as f64 * LINE_PX + PAD_PX;
        let h = f64::from(s.client_height());
        let cur = f64::from(s.scroll_top());
        if top < cur || top + LINE_PX > cur + h {
            s.set_scroll_top((top - h / 3.0).max(0.0) as i32);
        }
    }
}

#[function_component(Editor)]
pub fn editor(p: &Props) -> Html {
    let ed = &p.editor;
    let edit = ed.edit.clone();
    let area = use_node_ref();
    let scroller = use_node_ref();
    let menu = use_node_ref();
    // What the textarea holds: the edit's buffer while one is open, else web.yaml.
    let text = edit.as_ref().map_or(ed.text.clone(), |e| e.text.clone());
    let syntax = match &edit {
        Some(e) => &e.syntax,
        None => &ed.syntax,
    };
    let lines = use_memo(text.clone(), |t| highlight(t));

    // Errors by line: the live YAML error, and Apply's (unless the text changed since).
    let mut marks: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    if let Some(LineError {
        line: Some(l),
        message,
    }) = syntax
    {
        marks.entry(*l).or_default().push(message.clone());
    }
    if let Some(r) = ed.report.as_ref().filter(|r| !r.stale && edit.is_none()) {
        for e in &r.errors {
            if let Some(l) = e.line {
                marks.entry(l).or_default().push(e.message.clone());
            }
        }
    }

    let oninput = p.on_edit.reform(|e: InputEvent| {
        e.target()
            .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
            .map(|a| a.value())
            .unwrap_or_default()
    });
    let onkeydown = {
        let apply = p.on_apply.clone();
        let save = p.on_save_edit.clone();
        let editing = edit.is_some();
        Callback::from(move |e: KeyboardEvent| {
            let ctrl = e.ctrl_key() || e.meta_key();
            // In an edit, Ctrl+S (and Ctrl+Enter) save it, as writing the file in an editor.
            if editing && ctrl && (e.key() == "s" || e.key() == "S" || e.key() == "Enter") {
                e.prevent_default();
                save.emit(());
            } else if !editing && ctrl && e.key() == "Enter" {
                e.prevent_default();
                apply.emit(());
            }
        })
    };
    let onclick_apply = p.on_apply.reform(|_: MouseEvent| ());
    let onclick_save = p.on_save_edit.reform(|_: MouseEvent| ());
    let onclick_cancel = p.on_cancel_edit.reform(|_: MouseEvent| ());
    // The panel comes into view and takes the focus when an edit opens or reopens.
    {
        let area = area.clone();
        let scroller = scroller.clone();
        let pass = edit.as_ref().map(|e| e.pass);
        use_effect_with(pass, move |pass| {
            if pass.is_some() {
                if let Some(a) = area.cast::<HtmlTextAreaElement>() {
                    let _ = a.set_selection_range(0, 0);
                    let _ = a.focus();
                }
                // From the top, where kubectl's header (and any errors) are.
                if let Some(s) = scroller.cast::<HtmlElement>() {
                    s.set_scroll_top(0);
                    s.set_scroll_left(0);
                }
            }
        });
    }
    let onchange_example = {
        let on_example = p.on_example.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
            {
                if let Some(ex) = Example::from_id(&sel.value()) {
                    on_example.emit(ex);
                }
            }
        })
    };
    let goto = {
        let area = area.clone();
        let scroller = scroller.clone();
        move |line: usize| {
            let area = area.clone();
            let scroller = scroller.clone();
            Callback::from(move |_: MouseEvent| {
                if let Some(a) = area.cast::<HtmlTextAreaElement>() {
                    go_to_line(&a, scroller.cast::<HtmlElement>(), line);
                }
            })
        }
    };

    let longest = text
        .split('\n')
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    let n_lines = lines.len().max(1);
    let code_style = format!("--ed-lines:{n_lines};--ed-cols:{}", longest + 2);

    let message_item = |line: Option<usize>, text: &str, kind: &'static str| -> Html {
        html! {
            <li class={classes!("msg", kind)}>
                if let Some(l) = line {
                    <button type="button" class="linkish" onclick={goto(l)}>{ format!("Line {l}") }</button>
                    <span aria-hidden="true">{ ": " }</span>
                }
                <span class="msg-text">{ text.to_string() }</span>
            </li>
        }
    };

    let has_errors = !marks.is_empty();
    // The menu shows the example the buffer is (so choosing it again after an edit reloads it).
    let current = Example::ALL.into_iter().find(|ex| ex.text() == &*ed.text);
    let file_name = match &edit {
        Some(e) if e.json => " kubectl edit (JSON)",
        Some(_) => " kubectl edit",
        None => " web.yaml",
    };
    {
        // Options' `selected` attributes stop counting once the user picked one: set the value.
        let menu = menu.clone();
        use_effect_with(current, move |current| {
            if let Some(sel) = menu.cast::<HtmlSelectElement>() {
                sel.set_value(current.map_or("", |e| e.id()));
            }
        });
    }
    html! {
        <section class={classes!("panel", "editor-panel", edit.is_some().then_some("editing"))} aria-labelledby="editor-title">
            <div class="panel-head">
                <h2 id="editor-title">{ "Manifest" }<span class="file-name">{ file_name }</span></h2>
                if edit.is_some() {
                <div class="panel-actions">
                    <button
                        type="button"
                        class="btn"
                        onclick={onclick_cancel}
                        title="Close without saving, as quitting kubectl's editor does"
                    >{ "Cancel" }</button>
                    <button
                        type="button"
                        class="btn primary"
                        onclick={onclick_save}
                        aria-keyshortcuts="Control+S"
                        title="Save: kubectl edit sends your changes (Ctrl+S)"
                    >{ "Save" }</button>
                </div>
                } else {
                <div class="panel-actions">
                    <select ref={menu} class="examples" aria-label="Examples" onchange={onchange_example}>
                        <option value="" selected={current.is_none()}>{ "Examples…" }</option>
                        { for Example::ALL.iter().map(|ex| html! {
                            <option value={ex.id()} selected={current == Some(*ex)}>{ ex.label() }</option>
                        }) }
                    </select>
                    <button
                        type="button"
                        class="btn primary"
                        onclick={onclick_apply}
                        aria-keyshortcuts="Control+Enter"
                        title="kubectl apply -f web.yaml (Ctrl+Enter)"
                    >{ "Apply" }</button>
                </div>
                }
            </div>
            <div class="editor-scroll" ref={scroller}>
                <div class="editor-grid" style={code_style}>
                    <div class="gutter" aria-hidden="true">
                        { for (1..=n_lines).map(|n| {
                            let m = marks.get(&n);
                            html! {
                                <div class={classes!("ln", m.map(|_| "err"))} title={m.map(|v| v.join("\n"))}>{ n }</div>
                            }
                        }) }
                    </div>
                    <div class="code">
                        <pre class="hl" aria-hidden="true">
                            { for lines.iter().enumerate().map(|(i, toks)| html! {
                                <div class={classes!("line", marks.contains_key(&(i + 1)).then_some("err"))}>
                                    { for toks.iter().map(|(t, s)| {
                                        let class = t.class();
                                        if class.is_empty() { html! { {s.clone()} } } else { html! { <span class={class}>{ s.clone() }</span> } }
                                    }) }
                                </div>
                            }) }
                        </pre>
                        <textarea
                            ref={area}
                            class="source"
                            aria-label={if edit.is_some() { "kubectl edit buffer" } else { "Manifest" }}
                            aria-describedby="editor-messages"
                            aria-invalid={has_errors.to_string()}
                            spellcheck="false"
                            autocomplete="off"
                            autocapitalize="off"
                            wrap="off"
                            value={text.to_string()}
                            {oninput}
                            {onkeydown}
                        />
                    </div>
                </div>
            </div>
            <div id="editor-messages" class="editor-messages" role="status">
                <ul class="msgs">
                    if edit.is_some() {
                        if let Some(e) = syntax {
                            { message_item(e.line, &e.message, "err") }
                        }
                        <li class="msg hint">{ "kubectl edit is waiting for its editor: change the object, then Save (Ctrl+S) sends it, as saving the file does; Cancel closes it unchanged. Your web.yaml is kept and comes back after." }</li>
                    } else {
                    if let Some(n) = &ed.notice {
                        { message_item(None, n, "note") }
                    }
                    if let Some(e) = &ed.syntax {
                        { message_item(e.line, &e.message, "err") }
                    }
                    if let Some(r) = &ed.report {
                        { for r.ok.iter().map(|l| message_item(None, l, "ok")) }
                        { for r.errors.iter().map(|e| message_item(e.line.filter(|_| !r.stale), &e.message, "err")) }
                    }
                    if ed.syntax.is_none() && ed.report.is_none() && ed.notice.is_none() {
                        <li class="msg hint">{ "Edit the YAML, then Apply (Ctrl+Enter) runs kubectl apply -f web.yaml." }</li>
                    }
                    }
                </ul>
            </div>
        </section>
    }
}
