//! The lesson pages: the contents (a navigation landmark "Lessons"), and one lesson's steps with
//! their Run buttons (and Stop, for a step that starts a watch), their manifests' Apply and
//! "Open in the editor" buttons, and live checks (`data-check`, `data-state`).

use crate::lessons::{starts_watch, Block, Check, Inline, Lesson, Progress};
use crate::model::Route;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lessons: Rc<Vec<Lesson>>,
    /// Said instead of the lessons while they load (or if they could not).
    pub note: Option<String>,
    pub route: Route,
    pub progress: Rc<Progress>,
    /// Lines waiting for the terminal (a watch is running).
    pub queued: usize,
    /// A command is running in the terminal (a step's Stop can end it).
    pub busy: bool,
    pub on_run: Callback<Vec<String>>,
    pub on_open: Callback<String>,
    /// A manifest to put in the editor and apply, the lesson staying in view.
    pub on_apply: Callback<String>,
    /// Ctrl-C for the running command.
    pub on_stop: Callback<()>,
    pub on_reset: Callback<String>,
}

/// The part of a title before its colon: the contents list's link text.
fn short_title(t: &str) -> &str {
    t.split(':').next().unwrap_or(t).trim()
}

fn checks(l: &Lesson) -> impl Iterator<Item = &Check> {
    l.steps
        .iter()
        .flat_map(|s| &s.blocks)
        .filter_map(|b| match b {
            Block::Check(c) => Some(c),
            _ => None,
        })
}

fn passed_count(l: &Lesson, progress: &Progress) -> (usize, usize) {
    let done = progress.get(&l.id);
    let total = checks(l).count();
    let passed = checks(l)
        .filter(|c| done.is_some_and(|d| d.contains(&c.id)))
        .count();
    (passed, total)
}

fn inlines(xs: &[Inline]) -> Html {
    html! { <>{ for xs.iter().map(|i| match i {
        Inline::Text(t) => html! { { t.clone() } },
        Inline::Code(t) => html! { <code>{ t.clone() }</code> },
        Inline::Strong(t) => html! { <strong>{ t.clone() }</strong> },
        Inline::Emphasis(t) => html! { <em>{ t.clone() }</em> },
        // Only web and in-page links: a lesson cannot carry a javascript: URL.
        Inline::Link { text, href } if href.starts_with("https://") || href.starts_with("http://") => html! {
            <a href={href.clone()} target="_blank" rel="noopener noreferrer">{ text.clone() }</a>
        },
        Inline::Link { text, href } if href.starts_with('#') => html! {
            <a href={href.clone()}>{ text.clone() }</a>
        },
        Inline::Link { text, .. } => html! { { text.clone() } },
    }) }</> }
}

#[function_component(LessonPanel)]
pub fn lesson_panel(p: &Props) -> Html {
    let current = match &p.route {
        Route::Lesson(id) => p.lessons.iter().find(|l| &l.id == id),
        _ => None,
    };
    let nav = html! {
        <nav class="lesson-nav" aria-label="Lessons">
            <ol>
                { for p.lessons.iter().enumerate().map(|(i, l)| {
                    let (done, total) = passed_count(l, &p.progress);
                    let here = current.is_some_and(|c| c.id == l.id);
                    html! {
                        <li key={l.id.clone()} class={classes!(here.then_some("here"), (done == total).then_some("complete"))}>
                            <a href={Route::Lesson(l.id.clone()).hash()} aria-current={here.then_some("page")}>
                                <span class="lesson-no" aria-hidden="true">{ i + 1 }</span>
                                { short_title(&l.title) }
                            </a>
                            <span class="lesson-progress" title="checks passed">{ format!("{done}/{total}") }</span>
                        </li>
                    }
                }) }
            </ol>
        </nav>
    };
    let head_title = current.map_or("Lessons".to_string(), |l| short_title(&l.title).to_string());
    let reset = current.map(|l| {
        let id = l.id.clone();
        p.on_reset.reform(move |_: MouseEvent| id.clone())
    });
    html! {
        <section class="panel lesson-panel" aria-labelledby="lesson-panel-title">
            <div class="panel-head">
                <h2 id="lesson-panel-title">{ head_title }</h2>
                <div class="panel-actions">
                    if p.queued > 0 {
                        <span class="term-state">{ format!("{} line(s) wait for the terminal", p.queued) }</span>
                    }
                    if let Some(reset) = reset {
                        <button type="button" class="btn small" onclick={reset}
                            title="A fresh cluster at this lesson's starting point; its checks start over">
                            { "Reset lesson" }
                        </button>
                    }
                </div>
            </div>
            <div class="lesson-scroll" tabindex="0" role="region" aria-label="Lesson text">
                { nav }
                { match current {
                    Some(l) => lesson_page(l, p),
                    None => contents(p),
                } }
            </div>
        </section>
    }
}

fn contents(p: &Props) -> Html {
    html! {
        <div class="lesson-contents">
            <p>{ "Each lesson runs in this page's cluster: read a step, press its Run button (or type the commands yourself), and its check turns green when the cluster shows the result. Progress is kept in this browser." }</p>
            if let Some(note) = &p.note {
                <p class="lesson-loading" role="status">{ note.clone() }</p>
            }
            <ol class="lesson-cards">
                { for p.lessons.iter().map(|l| {
                    let (done, total) = passed_count(l, &p.progress);
                    html! {
                        <li key={l.id.clone()}>
                            <a href={Route::Lesson(l.id.clone()).hash()} tabindex="-1">{ l.title.clone() }</a>
                            <p>{ l.summary.clone() }</p>
                            <p class="muted small">{ format!("{done} of {total} checks passed") }</p>
                        </li>
                    }
                }) }
            </ol>
            <p class="muted small">{ "Deployments are not simulated here, so there is no Deployment-versus-StatefulSet lesson: the first lesson explains the difference in words." }</p>
        </div>
    }
}

fn lesson_page(l: &Lesson, p: &Props) -> Html {
    let done = p.progress.get(&l.id);
    let block = |b: &Block| -> Html {
        match b {
            Block::Paragraph(xs) => html! { <p>{ inlines(xs) }</p> },
            Block::Note(xs) => html! { <aside class="lesson-note"><p>{ inlines(xs) }</p></aside> },
            Block::List {
                ordered: true,
                items,
            } => html! {
                <ol>{ for items.iter().map(|i| html! { <li>{ inlines(i) }</li> }) }</ol>
            },
            Block::List {
                ordered: false,
                items,
            } => html! {
                <ul>{ for items.iter().map(|i| html! { <li>{ inlines(i) }</li> }) }</ul>
            },
            Block::Commands(lines) => {
                let run = {
                    let lines = lines.clone();
                    p.on_run.reform(move |_: MouseEvent| lines.clone())
                };
                let stop = lines.iter().any(|l| starts_watch(l)).then(|| {
                    html! {
                        <button type="button" class="btn small" disabled={!p.busy}
                            onclick={p.on_stop.reform(|_: MouseEvent| ())}
                            title="Stop the command still running in the terminal (Ctrl-C)">{ "Stop" }</button>
                    }
                });
                html! {
                    <div class="lesson-cmd">
                        <pre><code>{ lines.join("\n") }</code></pre>
                        <div class="lesson-cmd-buttons">
                            <button type="button" class="btn small primary" onclick={run}
                                title="Type these commands into the terminal">{ "Run" }</button>
                            { for stop }
                        </div>
                    </div>
                }
            }
            Block::Manifest(text) => {
                let open = {
                    let text = text.clone();
                    p.on_open.reform(move |_: MouseEvent| text.clone())
                };
                let apply = {
                    let text = text.clone();
                    p.on_apply.reform(move |_: MouseEvent| text.clone())
                };
                html! {
                    <div class="lesson-manifest">
                        <details>
                            <summary>{ format!("The manifest ({} lines)", text.lines().count()) }</summary>
                            <pre><code>{ text.clone() }</code></pre>
                        </details>
                        <div class="lesson-cmd-buttons">
                            <button type="button" class="btn small primary" onclick={apply}
                                title="Put this manifest in the editor and apply it (kubectl apply -f web.yaml), staying here">{ "Apply" }</button>
                            <button type="button" class="btn small" onclick={open}>{ "Open in the editor" }</button>
                        </div>
                    </div>
                }
            }
            Block::Code(text) => {
                html! { <pre class="lesson-code"><code>{ text.clone() }</code></pre> }
            }
            Block::Check(c) => {
                let passed = done.is_some_and(|d| d.contains(&c.id));
                html! {
                    <div class={classes!("lesson-check", passed.then_some("passed"))}
                        data-check={c.id.clone()} data-state={if passed { "passed" } else { "pending" }}>
                        <span class="check-mark" aria-hidden="true">{ if passed { "✓" } else { "○" } }</span>
                        <span class="visually-hidden">{ if passed { "Passed: " } else { "Not yet: " } }</span>
                        { c.label.clone() }
                    </div>
                }
            }
        }
    };
    let setup_note = if l.setup.is_empty() {
        "This lesson starts from an empty cluster. Reset lesson gives you one.".to_string()
    } else {
        format!(
            "This lesson starts from a cluster where this has run: {}. Reset lesson builds it.",
            l.setup.join("; ")
        )
    };
    html! {
        <article class="lesson" aria-labelledby="lesson-title">
            <h3 id="lesson-title">{ l.title.clone() }</h3>
            <p class="muted small">{ setup_note }</p>
            { for l.intro.iter().map(block) }
            { for l.steps.iter().enumerate().map(|(i, s)| html! {
                <section class="lesson-step" aria-labelledby={format!("step-{}", i + 1)}>
                    <h4 id={format!("step-{}", i + 1)}>{ format!("{}. {}", i + 1, s.title) }</h4>
                    { for s.blocks.iter().map(block) }
                </section>
            }) }
        </article>
    }
}
