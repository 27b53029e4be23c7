//! The manifest editor: a transparent textarea over a highlighted copy of its text, line
//! numbers, errors marked at their line, the examples menu and Apply (`kubectl apply -f web.yaml`).

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
    let area = use_node_ref();
    let scroller = use_node_ref();
    let menu = use_node_ref();
    let lines = use_memo(ed.text.clone(), |t| highlight(t));

    // Errors by line: the live YAML error, and Apply's (unless the text changed since).
    let mut marks: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    if let Some(LineError {
        line: Some(l),
        message,
    }) = &ed.syntax
    {
        marks.entry(*l).or_default().push(message.clone());
    }
    if let Some(r) = ed.report.as_ref().filter(|r| !r.stale) {
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
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                apply.emit(());
            }
        })
    };
    let onclick_apply = p.on_apply.reform(|_: MouseEvent| ());
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

    let longest = ed
        .text
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
        <section class="panel editor-panel" aria-labelledby="editor-title">
            <div class="panel-head">
                <h2 id="editor-title">{ "Manifest" }<span class="file-name">{ " web.yaml" }</span></h2>
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
                            aria-label="Manifest"
                            aria-describedby="editor-messages"
                            aria-invalid={has_errors.to_string()}
                            spellcheck="false"
                            autocomplete="off"
                            autocapitalize="off"
                            wrap="off"
                            value={ed.text.to_string()}
                            {oninput}
                            {onkeydown}
                        />
                    </div>
                </div>
            </div>
            <div id="editor-messages" class="editor-messages" role="status">
                <ul class="msgs">
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
                </ul>
            </div>
        </section>
    }
}
