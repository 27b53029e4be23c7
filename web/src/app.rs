//! The page: the reducer, the clock driver (requestAnimationFrame → `Action::Frame`), the
//! storage effect, and the layout of the panels.

use crate::cluster::ClusterPanel;
use crate::controls::TimeControls;
use crate::editor::Editor;
use crate::events::EventsPanel;
use crate::lesson_view::LessonPanel;
use crate::model::{Action, Example, Model, Route};
use crate::storage;
use crate::terminal::Terminal;
use gloo_render::{request_animation_frame, AnimationFrame};
use ordinal_kubectl::complete::Completion;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::prelude::*;

/// Requests frames for as long as the returned slot holds the handle.
fn run_frames(dispatch: UseReducerDispatcher<Model>) -> Rc<RefCell<Option<AnimationFrame>>> {
    fn next(
        slot: Rc<RefCell<Option<AnimationFrame>>>,
        last: Rc<Cell<Option<f64>>>,
        dispatch: UseReducerDispatcher<Model>,
    ) {
        let slot2 = slot.clone();
        let frame = request_animation_frame(move |ts| {
            if let Some(prev) = last.get() {
                dispatch.dispatch(Action::Frame(ts - prev));
            }
            last.set(Some(ts));
            next(slot2, last, dispatch);
        });
        *slot.borrow_mut() = Some(frame);
    }
    let slot = Rc::new(RefCell::new(None));
    next(slot.clone(), Rc::new(Cell::new(None)), dispatch);
    slot
}

fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

fn focus_terminal() {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("terminal-input"))
    {
        use wasm_bindgen::JsCast;
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let model = use_reducer(|| {
        Model::with(
            storage::load(),
            storage::load_progress(),
            Route::from_hash(&location_hash()),
            storage::load_session(),
        )
    });
    let dispatch = model.dispatcher();

    // The route follows the location's hash (back/forward, links) ...
    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                gloo_events::EventListener::new(&w, "hashchange", move |_| {
                    dispatch.dispatch(Action::Navigate(Route::from_hash(&location_hash())));
                })
            });
            move || drop(listener)
        });
    }
    // ... and the hash follows a route the page changed itself (Open in the editor, Reset).
    use_effect_with(model.route.clone(), |route| {
        if Route::from_hash(&location_hash()) != *route {
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_hash(&route.hash());
            }
        }
    });
    use_effect_with(model.progress.clone(), |p| storage::save_progress(p));
    // The session is saved after every input, as time passes at most every 2 s of real time,
    // and when the page goes (a reload, a closed tab).
    {
        let engine = model.engine();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                gloo_events::EventListener::new(&w, "pagehide", move |_| {
                    let e = engine.borrow();
                    if e.record_complete() {
                        storage::save_session(&e.record_json());
                    }
                })
            });
            move || drop(listener)
        });
    }
    {
        let last = use_mut_ref(|| (0usize, f64::NEG_INFINITY));
        let engine = model.engine();
        use_effect_with((model.record_len, model.clock.now_s), move |(len, _)| {
            let now = web_sys::window()
                .and_then(|w| w.performance())
                .map_or(0.0, |p| p.now());
            let mut last = last.borrow_mut();
            if *len != last.0 || now - last.1 >= 2000.0 {
                *last = (*len, now);
                let e = engine.borrow();
                if e.record_complete() {
                    storage::save_session(&e.record_json());
                }
            }
        });
    }

    // The clock: frames while running, none while paused.
    {
        let dispatch = dispatch.clone();
        use_effect_with(model.clock.paused, move |paused| {
            let slot = (!*paused).then(|| run_frames(dispatch));
            move || {
                if let Some(slot) = slot {
                    slot.borrow_mut().take();
                }
            }
        });
    }
    // The editor buffer survives a reload.
    use_effect_with(model.editor.text.clone(), |text| storage::save(text));

    let on_edit = use_callback(dispatch.clone(), |text: String, d| {
        d.dispatch(Action::Edit(text))
    });
    let on_apply = use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::Apply));
    let on_example = use_callback(dispatch.clone(), |ex: Example, d| {
        d.dispatch(Action::LoadExample(ex))
    });
    let on_scale = use_callback(dispatch.clone(), |(set, replicas): (String, i32), d| {
        d.dispatch(Action::Scale { set, replicas })
    });
    let on_delete = use_callback(dispatch.clone(), |pod: String, d| {
        d.dispatch(Action::DeletePod(pod))
    });
    let on_shell = use_callback(dispatch.clone(), |pod: String, d| {
        d.dispatch(Action::RunInTerminal(format!(
            "kubectl exec -it {pod} -- sh"
        )));
        focus_terminal();
    });
    let on_submit = use_callback(dispatch.clone(), |line: String, d| {
        d.dispatch(Action::Submit(line))
    });
    let on_interrupt = use_callback(dispatch.clone(), |line: String, d| {
        d.dispatch(Action::Interrupt(line))
    });
    let on_candidates = use_callback(dispatch.clone(), |(line, candidates), d| {
        d.dispatch(Action::ShowCompletions { line, candidates })
    });
    let complete = {
        let engine = model.engine();
        use_memo((), move |_| {
            Callback::from(move |line: String| -> Completion { engine.borrow().complete(&line) })
        })
    };
    let on_run_lines = use_callback(dispatch.clone(), |lines: Vec<String>, d| {
        d.dispatch(Action::RunLines(lines));
    });
    let on_open = use_callback(dispatch.clone(), |text: String, d| {
        d.dispatch(Action::OpenInEditor(text))
    });
    let on_reset = use_callback(dispatch.clone(), |id: String, d| {
        d.dispatch(Action::ResetLesson(id))
    });
    let on_pause = use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::TogglePause));
    let on_step = use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::Step));
    let on_speed = use_callback(dispatch.clone(), |s: u32, d| {
        d.dispatch(Action::SetSpeed(s))
    });

    let terminal_free = !model.terminal.busy && !model.terminal.attached;
    let lesson_view = model.route != Route::Manifest;
    let lessons_href = model
        .last_lesson
        .clone()
        .map_or(Route::Lessons, Route::Lesson)
        .hash();

    html! {
        <div class="app">
            <header class="topbar">
                <div class="brand">
                    <h1>{ "Ordinal" }</h1>
                    <p class="tagline">{ "A Kubernetes StatefulSet playground that runs in your browser" }</p>
                </div>
                <nav class="views" aria-label="Views">
                    <a href="#/" aria-current={(!lesson_view).then_some("page")}>{ "Manifest" }</a>
                    <a href={lessons_href} aria-current={lesson_view.then_some("page")}>{ "Lessons" }</a>
                </nav>
                <TimeControls clock={model.clock} {on_pause} {on_step} {on_speed} />
            </header>
            <main class={classes!("workspace", lesson_view.then_some("lesson-mode"))}>
                <div class="left-slot" hidden={lesson_view}>
                    <Editor editor={model.editor.clone()} {on_edit} {on_apply} {on_example} />
                </div>
                <div class="left-slot" hidden={!lesson_view}>
                    <LessonPanel
                        lessons={model.lessons.clone()}
                        route={model.route.clone()}
                        progress={model.progress.clone()}
                        queued={model.queued}
                        on_run={on_run_lines.clone()}
                        {on_open}
                        {on_reset}
                    />
                </div>
                <ClusterPanel
                    cluster={model.cluster.clone()}
                    {terminal_free}
                    {on_scale}
                    {on_delete}
                    {on_shell}
                    on_run={on_run_lines.clone()}
                />
                <Terminal
                    terminal={model.terminal.clone()}
                    {on_submit}
                    {on_interrupt}
                    {on_candidates}
                    complete={(*complete).clone()}
                />
                <EventsPanel events={model.events.clone()} now_s={model.clock.now_s} />
            </main>
        </div>
    }
}
