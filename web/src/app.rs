//! The page: the reducer, the clock driver (requestAnimationFrame → `Action::Frame`), the
//! storage effect, and the layout of the panels.

use crate::cluster::ClusterPanel;
use crate::compare_view::ComparePanel;
use crate::controls::TimeControls;
use crate::editor::Editor;
use crate::events::EventsPanel;
use crate::examples::Example;
use crate::lesson_view::LessonPanel;
use crate::link::{Handlers, Link};
use crate::model::{Action, Route, SessionSource};
use crate::protocol::{Export, Start};
use crate::session_controls::SessionControls;
use crate::share;
use crate::storage::{self, Stored};
use crate::terminal::Terminal;
use crate::timeline_view::Timeline;
use crate::view::{Update, View};
use gloo_render::{request_animation_frame, AnimationFrame};
use ordinal_kubectl::complete::Completion;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Requests frames for as long as the returned slot holds the handle.
/// Fetches every lesson file from `lessons/` (Trunk copies `web/lessons` there).
async fn fetch_lessons() -> Result<Vec<String>, String> {
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window().ok_or("no window")?;
    let mut out = Vec::new();
    for f in crate::lessons::FILES {
        let url = format!("lessons/{f}");
        let failed = |_| format!("{url} could not be fetched");
        let resp: web_sys::Response = JsFuture::from(window.fetch_with_str(&url))
            .await
            .map_err(failed)?
            .dyn_into()
            .map_err(failed)?;
        if !resp.ok() {
            return Err(format!("HTTP {} for {url}", resp.status()));
        }
        let text = JsFuture::from(resp.text().map_err(failed)?)
            .await
            .map_err(failed)?;
        out.push(
            text.as_string()
                .ok_or_else(|| format!("{url} is not text"))?,
        );
    }
    Ok(out)
}

/// Fetches `kubectl explain`'s data (Trunk copies `web/explain` to `explain/`).
async fn fetch_explain() -> Result<String, String> {
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window().ok_or("no window")?;
    let url = "explain/explain.json";
    let failed = |_| format!("{url} could not be fetched");
    let resp: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(failed)?
        .dyn_into()
        .map_err(failed)?;
    if !resp.ok() {
        return Err(format!("HTTP {} for {url}", resp.status()));
    }
    let text = JsFuture::from(resp.text().map_err(failed)?)
        .await
        .map_err(failed)?;
    text.as_string().ok_or_else(|| format!("{url} is not text"))
}

fn run_frames(dispatch: Link) -> Rc<RefCell<Option<AnimationFrame>>> {
    fn next(
        slot: Rc<RefCell<Option<AnimationFrame>>>,
        last: Rc<Cell<Option<f64>>>,
        dispatch: Link,
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

/// Offers `text` as a file download.
fn download(name: &str, text: &str) -> Result<(), ()> {
    download_as(name, "application/json", text)
}

/// Offers `text` as a file download of type `mime`.
fn download_as(name: &str, mime: &str, text: &str) -> Result<(), ()> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(|_| ())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| ())?;
    let doc = web_sys::window().and_then(|w| w.document()).ok_or(())?;
    let a: web_sys::HtmlAnchorElement = doc
        .create_element("a")
        .map_err(|_| ())?
        .dyn_into()
        .map_err(|_| ())?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
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

/// What the page does with what the engine wrote out: a download, or a share link in the
/// clipboard; either way the terminal says what happened.
fn exported(link: Link) -> Callback<(Export, String)> {
    Callback::from(move |(what, text): (Export, String)| {
        let note = match what {
            Export::Session => match download("ordinal-session.json", &text) {
                Ok(()) => {
                    "# Exported this session as ordinal-session.json (Import opens it again).\n"
                        .to_string()
                }
                Err(()) => "# This browser refused the download.\n".to_string(),
            },
            Export::Script => {
                let name = crate::kind_script::FILE_NAME;
                match download_as(name, "text/x-shellscript", &text) {
                    Ok(()) => format!("# Exported this session as {name}, a bash script that replays it on a kind cluster.\n"),
                    Err(()) => "# This browser refused the download.\n".to_string(),
                }
            }
            Export::Share => {
                let Some(loc) = web_sys::window().map(|w| w.location()) else {
                    return;
                };
                let base = format!(
                    "{}{}",
                    loc.origin().unwrap_or_default(),
                    loc.pathname().unwrap_or_default()
                );
                let link = format!("{base}#/share/{}", share::encode(&text));
                if let Some(w) = web_sys::window() {
                    // A browser may refuse the clipboard; the link is in the terminal either way.
                    let copy = w.navigator().clipboard().write_text(&link);
                    wasm_bindgen_futures::spawn_local(async move {
                        let _ = wasm_bindgen_futures::JsFuture::from(copy).await;
                    });
                }
                format!(
                    "# A link that replays this session ({} characters; copied to the clipboard):\n{link}\n",
                    link.len()
                )
            }
        };
        link.dispatch(Action::Note(note));
    })
}

#[function_component(App)]
pub fn app() -> Html {
    // The page shows its copy of the engine's view; the engine starts in its worker once the
    // page is up. One tab holds the session; a tab opened while another holds it is read-only.
    let model = use_reducer(|| {
        let mut v = View::initial(
            &storage::load(),
            Route::from_hash(&location_hash()),
            storage::load_progress(),
        );
        v.read_only = !storage::claim();
        v
    });
    let has_backup = use_state(|| storage::load_backup().is_some());
    // The engine starts with what the storage holds, before the page sends it anything. A share
    // link carries a session in the fragment: it opens instead of the saved one, which is kept
    // as the backup.
    let link = {
        let view = model.dispatcher();
        let writer = !model.read_only;
        let has_backup = has_backup.clone();
        (*use_memo((), move |_| {
            let link = Link::new();
            let hash = location_hash();
            let workers = web_sys::window()
                .and_then(|w| w.location().search().ok())
                .and_then(|q| crate::engine::workers_in_query(&q));
            let start = match hash.strip_prefix("#/share/") {
                Some(data) => {
                    let backup = storage::backup_session();
                    Start {
                        editor: storage::load(),
                        progress: storage::load_progress(),
                        route: Route::Manifest,
                        session: None,
                        share: Some((share::decode(data), backup)),
                        writer,
                        workers,
                    }
                }
                None => Start {
                    editor: storage::load(),
                    progress: storage::load_progress(),
                    route: Route::from_hash(&hash),
                    session: storage::load_session_raw(),
                    share: None,
                    writer,
                    workers,
                },
            };
            let handlers = Handlers {
                view: Callback::from(move |u: Update| view.dispatch(u)),
                exported: exported(link.clone()),
                backed_up: Callback::from(move |_| {
                    has_backup.set(storage::load_backup().is_some())
                }),
                crashed: Callback::from(|text: String| crate::show_crash(&text)),
            };
            link.start(start, handlers);
            link
        }))
        .clone()
    };
    // A share link is opened once: the fragment goes, so a reload restores the saved session.
    use_effect_with((), |_| {
        if location_hash().starts_with("#/share/") {
            if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
                let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("#/"));
            }
        }
    });
    let dispatch = link.clone();
    // The lessons are not in the first load: they are fetched once the page is up.
    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                dispatch.dispatch(Action::LessonsLoaded(fetch_lessons().await));
                // Then kubectl explain's descriptions, which only `kubectl explain` reads.
                dispatch.dispatch(Action::ExplainLoaded(fetch_explain().await));
            });
        });
    }

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
    // Every write to storage reports back: a refused one shows the autosave notice, and the
    // next one that succeeds clears it.
    {
        let dispatch = dispatch.clone();
        use_effect_with(model.progress.clone(), move |p| {
            dispatch.dispatch(Action::Saved(Stored::Progress, storage::save_progress(p)));
        });
    }
    // The session is saved after every input, as time passes at most every 2 s of real time,
    // and when the page goes (a reload, a closed tab), which also lets the session go for the
    // next tab or load to claim.
    let read_only = use_mut_ref(|| false);
    *read_only.borrow_mut() = model.read_only;
    storage::set_read_only(model.read_only);
    {
        let read_only = read_only.clone();
        let dispatch = dispatch.clone();
        let link = link.clone();
        use_effect_with((), move |_| {
            let listeners = web_sys::window().map(|w| {
                let ro = read_only.clone();
                let hide = gloo_events::EventListener::new(&w, "pagehide", move |_| {
                    if *ro.borrow() {
                        return;
                    }
                    // The engine saved the session after its last input; the time that
                    // passed since its last save goes in now.
                    if let Some(json) = link.session_now() {
                        // The page is going: nobody is left to tell if this fails.
                        let _ = storage::save_session_text(json);
                    }
                    storage::release();
                });
                // Back from the back/forward cache: claimed again, or read-only.
                let (ro, d) = (read_only.clone(), dispatch.clone());
                let show = gloo_events::EventListener::new(&w, "pageshow", move |_| {
                    if !*ro.borrow() && !storage::claim() {
                        d.dispatch(Action::OtherTab);
                    }
                });
                // Another tab took the session over; the holder saved (a read-only tab follows).
                let d = dispatch.clone();
                let other = gloo_events::EventListener::new(&w, "storage", move |e| {
                    if storage::lease() == storage::Lease::Other {
                        d.dispatch(Action::OtherTab);
                    }
                    let (key, old, new) = storage::event_parts(e);
                    d.storage_event(key, old, new);
                });
                (hide, show, other)
            });
            // The holder renews its lease; a crashed or closed holder's lapses.
            let beat = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
                if storage::lease() == storage::Lease::Other {
                    dispatch.dispatch(Action::OtherTab);
                } else if !*read_only.borrow() {
                    storage::claim();
                }
            });
            let id = web_sys::window().and_then(|w| {
                w.set_interval_with_callback_and_timeout_and_arguments_0(
                    beat.as_ref().unchecked_ref(),
                    storage::HEARTBEAT_MS,
                )
                .ok()
            });
            move || {
                if let (Some(w), Some(id)) = (web_sys::window(), id) {
                    w.clear_interval_with_handle(id);
                }
                drop(beat);
                drop(listeners);
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
    {
        let dispatch = dispatch.clone();
        use_effect_with(model.editor.text.clone(), move |text| {
            dispatch.dispatch(Action::Saved(Stored::Editor, storage::save(text)));
        });
    }

    let on_edit = use_callback(dispatch.clone(), |text: String, d| {
        d.dispatch(Action::Edit(text))
    });
    let on_apply = use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::Apply));
    let on_example = use_callback(dispatch.clone(), |ex: Example, d| {
        d.dispatch(Action::LoadExample(ex))
    });
    let on_save_edit = use_callback(dispatch.clone(), |_: (), d| {
        d.dispatch(Action::SaveEdit);
        focus_terminal();
    });
    let on_cancel_edit = use_callback(dispatch.clone(), |_: (), d| {
        d.dispatch(Action::CancelEdit);
        focus_terminal();
    });
    let on_scale = use_callback(
        dispatch.clone(),
        |(kind, name, replicas): (String, String, i32), d| {
            d.dispatch(Action::Scale {
                kind,
                name,
                replicas,
            })
        },
    );
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
        let link = link.clone();
        use_memo((), move |_| {
            Callback::from(move |(line, done): (String, Callback<Completion>)| {
                link.complete(line, done)
            })
        })
    };
    let on_run_lines = use_callback(dispatch.clone(), |lines: Vec<String>, d| {
        d.dispatch(Action::RunLines(lines));
    });
    let on_open = use_callback(dispatch.clone(), |text: String, d| {
        d.dispatch(Action::OpenInEditor(text))
    });
    let on_apply_manifest = use_callback(dispatch.clone(), |text: String, d| {
        d.dispatch(Action::ApplyManifest(text))
    });
    let on_stop = use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::Stop));
    let on_reset = use_callback(dispatch.clone(), |id: String, d| {
        d.dispatch(Action::ResetLesson(id))
    });
    // The engine writes the session out; `exported` downloads it or makes the link.
    let on_export = use_callback(link.clone(), |_: (), l| l.export(Export::Session));
    // Session → Script for kind: the session as a bash script for a real kind cluster.
    let on_export_script = use_callback(link.clone(), |_: (), l| l.export(Export::Script));
    let on_share = use_callback(link.clone(), |_: (), l| l.export(Export::Share));
    let on_open_session = {
        let dispatch = dispatch.clone();
        let has_backup = has_backup.clone();
        Callback::from(move |(json, from): (String, SessionSource)| {
            if from != SessionSource::Backup {
                let backup = storage::backup_session();
                has_backup.set(storage::load_backup().is_some());
                dispatch.dispatch(Action::Saved(Stored::Backup, backup));
            }
            dispatch.dispatch(Action::OpenSession(json, from));
        })
    };
    let on_restore = {
        let on_open_session = on_open_session.clone();
        Callback::from(move |_: ()| {
            if let Some(json) = storage::load_backup() {
                on_open_session.emit((json, SessionSource::Backup));
            }
        })
    };
    let on_export_backup = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: ()| {
            let note = match storage::load_backup()
                .map(|b| download("ordinal-session-backup.json", &b))
            {
                Some(Ok(())) => "# Exported the backed-up session as ordinal-session-backup.json (Import opens it again).\n",
                Some(Err(())) => "# This browser refused the download.\n",
                None => "# There is no backed-up session.\n",
            };
            dispatch.dispatch(Action::Note(note.into()));
        })
    };
    let on_take_over = {
        let dispatch = dispatch.clone();
        let has_backup = has_backup.clone();
        Callback::from(move |_: MouseEvent| {
            storage::take_over();
            has_backup.set(storage::load_backup().is_some());
            dispatch.take_over(storage::load(), storage::load_progress());
        })
    };
    let on_pause = use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::TogglePause));
    let on_step = use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::Step));
    let on_speed = use_callback(dispatch.clone(), |s: u32, d| {
        d.dispatch(Action::SetSpeed(s))
    });

    let on_compare_line = use_callback(dispatch.clone(), |line: String, d| {
        d.dispatch(Action::CompareLine(line))
    });
    let on_compare_scale = use_callback(dispatch.clone(), |n: i32, d| {
        d.dispatch(Action::CompareScale(n))
    });
    let on_compare_delete = use_callback(dispatch.clone(), |i: usize, d| {
        d.dispatch(Action::CompareDelete(i))
    });
    let on_compare_reset = use_callback(dispatch.clone(), |_: (), d| {
        d.dispatch(Action::CompareReset)
    });

    let on_scrub = use_callback(dispatch.clone(), |pos: usize, d| {
        d.dispatch(Action::Scrub(pos))
    });
    let on_branch = use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::BranchHere));
    let on_return = use_callback(dispatch.clone(), |_: (), d| {
        d.dispatch(Action::ReturnToLatest)
    });
    let on_switch = use_callback(dispatch.clone(), |i: usize, d| {
        d.dispatch(Action::SwitchBranch(i))
    });
    // While the timeline shows an earlier moment, the page shows the session as it was then.
    let (clock, cluster, events, terminal) = match &model.past {
        Some(p) => (
            p.clock,
            p.cluster.clone(),
            p.events.clone(),
            p.terminal.clone(),
        ),
        None => (
            model.clock,
            model.cluster.clone(),
            model.events.clone(),
            model.terminal.clone(),
        ),
    };
    let terminal_free = !terminal.busy && !terminal.attached;
    let compare_id = match &model.route {
        Route::Compare(id) => Some(id.clone()),
        _ => None,
    };
    let lesson_view = matches!(model.route, Route::Lessons | Route::Lesson(_));
    let lessons_href = model
        .last_lesson
        .clone()
        .map_or(Route::Lessons, Route::Lesson)
        .hash();

    html! {
        // `data-engine` says whether the engine's worker has answered yet (benchmarks and tests
        // read it: Apply before then waits for it).
        <div class="app" data-engine={if model.started { "ready" } else { "starting" }}>
            <header class="topbar">
                <div class="brand">
                    <h1>{ "Ordinal" }</h1>
                    <p class="tagline">{ "A Kubernetes StatefulSet playground that runs in your browser" }</p>
                </div>
                <nav class="views" aria-label="Views">
                    <a href="#/" aria-current={(!lesson_view && compare_id.is_none()).then_some("page")}>{ "Manifest" }</a>
                    <a href={lessons_href} aria-current={lesson_view.then_some("page")}>{ "Lessons" }</a>
                    <a href="#/compare" aria-current={compare_id.is_some().then_some("page")}>{ "Compare" }</a>
                </nav>
                <SessionControls {on_export} {on_export_script} {on_share} on_open={on_open_session}
                    has_backup={*has_backup} {on_restore} {on_export_backup} />
                <TimeControls {clock} {on_pause} {on_step} {on_speed} />
            </header>
            if compare_id.is_none() {
                <Timeline timeline={model.timeline.clone()} {on_scrub} {on_branch} {on_return} {on_switch} />
            }
            if model.read_only {
                <div class="tab-notice" role="alert">
                    <p>{ "This session is open in another tab. This tab follows it as that tab works, but runs and saves nothing, so no tab's work is written over." }</p>
                    <button type="button" class="btn primary" onclick={on_take_over}
                        title="Work in this tab: it opens the session as the other tab last saved it, and the other tab becomes read-only">{ "Take over here" }</button>
                </div>
            }
            // Always in the page, so a screen reader announces the notice when it appears.
            <div class="autosave-status" role="status">
                if let Some(n) = &model.autosave_notice {
                    <p class="autosave-notice">{ n.to_string() }</p>
                }
            </div>
            if let Some(id) = compare_id.clone() {
                <main class="compare-page">
                    <ComparePanel sides={model.compare_view.clone()} pair_id={id}
                        on_line={on_compare_line} on_scale={on_compare_scale}
                        on_delete={on_compare_delete} on_reset={on_compare_reset} />
                </main>
            }
            <main class={classes!("workspace", lesson_view.then_some("lesson-mode"))} hidden={compare_id.is_some()}>
                <div class="left-slot" hidden={lesson_view}>
                    <Editor editor={model.editor.clone()} {on_edit} {on_apply} {on_example} {on_save_edit} {on_cancel_edit} />
                </div>
                <div class="left-slot" hidden={!lesson_view}>
                    <LessonPanel
                        lessons={model.lessons.clone()}
                        note={model.lessons_note.clone()}
                        route={model.route.clone()}
                        progress={model.progress.clone()}
                        queued={model.queued}
                        busy={terminal.busy}
                        on_run={on_run_lines.clone()}
                        {on_open}
                        on_apply={on_apply_manifest}
                        {on_stop}
                        {on_reset}
                    />
                </div>
                <ClusterPanel
                    {cluster}
                    {terminal_free}
                    {on_scale}
                    {on_delete}
                    {on_shell}
                    on_run={on_run_lines.clone()}
                />
                <Terminal
                    {terminal}
                    {on_submit}
                    {on_interrupt}
                    {on_candidates}
                    complete={(*complete).clone()}
                />
                <EventsPanel {events} now_s={clock.now_s} />
            </main>
        </div>
    }
}
