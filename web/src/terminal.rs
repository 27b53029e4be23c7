//! The terminal: the session's output as a log, a prompt (`$ ` or a container shell's), and an
//! input with ↑/↓ history, Tab completion (kubectl's) and Ctrl-C.

use crate::model::{LogEntry, LogKind, TerminalView};
use ordinal_kubectl::complete::Completion;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub terminal: Rc<TerminalView>,
    pub on_submit: Callback<String>,
    pub on_interrupt: Callback<String>,
    pub on_candidates: Callback<(String, Vec<String>)>,
    /// Tab: the engine completes the line, then answers with the completions.
    pub complete: Callback<(String, Callback<Completion>)>,
}

#[derive(Properties, PartialEq)]
struct EntryProps {
    entry: Rc<LogEntry>,
}

#[function_component(Entry)]
fn entry(p: &EntryProps) -> Html {
    let class = match p.entry.kind {
        LogKind::Input => "t-in",
        LogKind::Ui => "t-ui",
        LogKind::Out => "t-out",
        LogKind::Err => "t-err",
    };
    html! { <span class={class}>{ p.entry.text.clone() }</span> }
}

fn common_prefix(words: &[String]) -> String {
    let Some(first) = words.first() else {
        return String::new();
    };
    let mut n = first.len();
    for w in &words[1..] {
        n = n.min(
            first
                .bytes()
                .zip(w.bytes())
                .take_while(|(a, b)| a == b)
                .count(),
        );
    }
    while !first.is_char_boundary(n) {
        n -= 1;
    }
    first[..n].to_string()
}

#[function_component(Terminal)]
pub fn terminal(p: &Props) -> Html {
    let t = &p.terminal;
    let line = use_state(String::new);
    // The line as it is now, for an answer that comes after it changed (Tab's completions).
    let latest = use_mut_ref(String::new);
    (*latest.borrow_mut()).clone_from(&*line);
    // Position in history while browsing with ↑/↓ (None: editing a new line), and the draft.
    let hist_pos = use_mut_ref(|| None::<usize>);
    let draft = use_mut_ref(String::new);
    let log_ref = use_node_ref();
    let stick = use_mut_ref(|| true);

    // Keep the newest output in view unless the reader scrolled up.
    {
        let log_ref = log_ref.clone();
        let stick = stick.clone();
        let last = t.log.last().map(|e| e.id);
        use_effect_with(last, move |_| {
            if *stick.borrow() {
                if let Some(el) = log_ref.cast::<Element>() {
                    el.set_scroll_top(el.scroll_height());
                }
            }
        });
    }
    let onscroll = {
        let stick = stick.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) {
                *stick.borrow_mut() =
                    el.scroll_top() + el.client_height() >= el.scroll_height() - 8;
            }
        })
    };

    let oninput = {
        let line = line.clone();
        let hist_pos = hist_pos.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                line.set(i.value());
                *hist_pos.borrow_mut() = None;
            }
        })
    };

    let onkeydown = {
        let line = line.clone();
        let history = t.history.clone();
        let busy = t.busy;
        let attached = t.attached;
        let on_submit = p.on_submit.clone();
        let on_interrupt = p.on_interrupt.clone();
        let on_candidates = p.on_candidates.clone();
        let complete = p.complete.clone();
        let latest = latest.clone();
        Callback::from(move |e: KeyboardEvent| {
            let input = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok());
            let cur = (*line).clone();
            match e.key().as_str() {
                "Enter" => {
                    e.prevent_default();
                    if busy {
                        return;
                    }
                    on_submit.emit(cur);
                    line.set(String::new());
                    *hist_pos.borrow_mut() = None;
                    draft.borrow_mut().clear();
                }
                "c" | "C" if e.ctrl_key() && !e.shift_key() && !e.alt_key() => {
                    // Copy wins when text is selected.
                    let selected = input.as_ref().is_some_and(|i| {
                        i.selection_start().ok().flatten() != i.selection_end().ok().flatten()
                    });
                    if selected {
                        return;
                    }
                    e.prevent_default();
                    on_interrupt.emit(cur);
                    line.set(String::new());
                    *hist_pos.borrow_mut() = None;
                }
                "ArrowUp" | "ArrowDown" => {
                    if history.is_empty() {
                        return;
                    }
                    e.prevent_default();
                    let up = e.key() == "ArrowUp";
                    let mut pos = hist_pos.borrow_mut();
                    let next = match (*pos, up) {
                        (None, true) => {
                            *draft.borrow_mut() = cur;
                            Some(history.len() - 1)
                        }
                        (None, false) => None,
                        (Some(i), true) => Some(i.saturating_sub(1)),
                        (Some(i), false) if i + 1 < history.len() => Some(i + 1),
                        (Some(_), false) => None,
                    };
                    *pos = next;
                    let text = match next {
                        Some(i) => history[i].clone(),
                        None => draft.borrow().clone(),
                    };
                    line.set(text);
                }
                "Tab" if !e.shift_key() && !cur.trim().is_empty() && !attached => {
                    // With an empty line Tab moves focus on, so the keyboard never gets stuck here.
                    e.prevent_default();
                    let (line, latest, on_candidates) =
                        (line.clone(), latest.clone(), on_candidates.clone());
                    let asked = cur.clone();
                    let done = Callback::from(move |c: Completion| {
                        // Answered after the line changed: the answer is about another line.
                        if *latest.borrow() != asked {
                            return;
                        }
                        let cur = &asked;
                        let word = &cur[c.start.min(cur.len())..];
                        match c.candidates.len() {
                            0 => {}
                            // A word that ends in `/` (`why sts/`) goes on with a name: no space.
                            1 => {
                                let w = &c.candidates[0];
                                let space = if w.ends_with('/') { "" } else { " " };
                                line.set(format!("{}{w}{space}", &cur[..c.start]));
                            }
                            _ => {
                                let prefix = common_prefix(&c.candidates);
                                if prefix.len() > word.len() {
                                    line.set(format!("{}{prefix}", &cur[..c.start]));
                                } else {
                                    on_candidates.emit((cur.clone(), c.candidates));
                                }
                            }
                        }
                    });
                    complete.emit((cur, done));
                }
                _ => {}
            }
        })
    };

    let stop = {
        let on_interrupt = p.on_interrupt.clone();
        Callback::from(move |_: MouseEvent| on_interrupt.emit(String::new()))
    };
    let state = if t.editing {
        Some("kubectl edit is waiting for its editor: Save or Cancel in the Manifest panel. Ctrl-C stops it.")
    } else if t.busy {
        Some("A command is running. Ctrl-C stops it.")
    } else if t.attached {
        Some("In a container's shell: exit leaves it.")
    } else if t.jobs {
        Some("Background jobs are running: jobs lists them, kill %1 stops the first.")
    } else {
        None
    };

    html! {
        <section class="panel terminal-panel" aria-labelledby="terminal-title">
            <div class="panel-head">
                <h2 id="terminal-title">{ "Terminal" }</h2>
                <div class="panel-actions">
                    if let Some(s) = state { <span class="term-state" id="terminal-state">{ s }</span> }
                    if t.busy {
                        <button type="button" class="btn small" onclick={stop}>{ "Stop (Ctrl-C)" }</button>
                    }
                </div>
            </div>
            <div
                class="term-log"
                role="log"
                aria-label="Terminal output"
                tabindex="0"
                ref={log_ref}
                {onscroll}
            >
                { for t.log.iter().map(|e| html! { <Entry key={e.id} entry={e.clone()} /> }) }
            </div>
            <div class={classes!("term-input", t.busy.then_some("busy"))}>
                <span class="prompt" id="terminal-prompt">{ t.prompt.clone() }</span>
                <input
                    id="terminal-input"
                    type="text"
                    aria-label="Terminal"
                    aria-describedby={state.map(|_| "terminal-state")}
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    placeholder={if t.editing {
                        "kubectl edit: Save or Cancel in the Manifest panel"
                    } else if t.busy {
                        "running… Ctrl-C stops it"
                    } else if t.attached {
                        "a command in the container; exit leaves"
                    } else {
                        "type a command, e.g. kubectl get pods"
                    }}
                    value={(*line).clone()}
                    {oninput}
                    {onkeydown}
                />
            </div>
        </section>
    }
}
