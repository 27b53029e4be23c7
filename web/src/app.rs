//! The page: the reducer, the clock driver (requestAnimationFrame → `Action::Frame`), the
//! storage effect, and the layout of the panels.

use crate::cluster::ClusterPanel;
use crate::controls::TimeControls;
use crate::editor::Editor;
use crate::events::EventsPanel;
use crate::model::{Action, Example, Model};
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
    let model = use_reducer(|| Model::new(storage::load()));
    let dispatch = model.dispatcher();

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
    let on_run = use_callback(dispatch.clone(), |line: String, d| {
        d.dispatch(Action::RunInTerminal(line));
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
    let on_pause = use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::TogglePause));
    let on_step = use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::Step));
    let on_speed = use_callback(dispatch.clone(), |s: u32, d| {
        d.dispatch(Action::SetSpeed(s))
    });

    let terminal_free = !model.terminal.busy && !model.terminal.attached;

    html! {
        <div class="app">
            <header class="topbar">
                <div class="brand">
                    <h1>{ "Ordinal" }</h1>
                    <p class="tagline">{ "A Kubernetes StatefulSet playground that runs in your browser" }</p>
                </div>
                <TimeControls clock={model.clock} {on_pause} {on_step} {on_speed} />
            </header>
            <main class="workspace">
                <Editor editor={model.editor.clone()} {on_edit} {on_apply} {on_example} />
                <ClusterPanel
                    cluster={model.cluster.clone()}
                    {terminal_free}
                    {on_scale}
                    {on_delete}
                    {on_shell}
                    {on_run}
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
