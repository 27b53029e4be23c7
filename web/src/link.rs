//! The page's end of [`crate::protocol`]: it starts the engine's worker, sends it the page's
//! inputs, and turns what comes back into view updates, storage writes and replies.
//!
//! Two inputs need care because the engine answers later than the page moves on:
//! - Frames: one is in flight at a time; the real time of the frames in between adds up into the
//!   next one, so a busy engine is never sent more work than it can take.
//! - Edits: the textarea already holds what was typed, so until the engine has taken the last
//!   edit, its (older) text is not put back into the editor.

use crate::lessons::Progress;
use crate::model::{Action, SessionSource};
use crate::protocol::{self, Export, FromEngine, Start, ToEngine};
use crate::storage::{self, Stored};
use crate::view::Update;
use ordinal_kubectl::complete::Completion;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::Callback;

/// Where the engine's worker script is (Trunk's loader for the `ordinal-engine` binary).
pub const WORKER_SCRIPT: &str = "./ordinal-engine_loader.js";

/// The page's handle on the engine; clones share it.
#[derive(Clone)]
pub struct Link(Rc<Inner>);

impl PartialEq for Link {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// What the page does with the engine's answers.
pub struct Handlers {
    pub view: Callback<Update>,
    pub exported: Callback<(Export, String)>,
    /// The backup changed (a restore may now be offered).
    pub backed_up: Callback<()>,
    /// The engine stopped: its message.
    pub crashed: Callback<String>,
}

struct Inner {
    port: RefCell<Option<Port>>,
    /// Messages sent before the engine said it was ready.
    queue: RefCell<Vec<String>>,
    ready: Cell<bool>,
    /// Messages sent, and messages the engine has answered (each answer ends with a view).
    sent: Cell<u64>,
    taken: Cell<u64>,
    /// The frame in flight (its message's number), and real time not yet sent.
    frame: Cell<Option<u64>>,
    pending_ms: Cell<f64>,
    /// The last edit sent (typed text, or an example loaded): its message's number and text.
    edit: RefCell<Option<(u64, Rc<str>)>>,
    completions: RefCell<BTreeMap<u64, Callback<Completion>>>,
    /// The session as the engine last saved it, and its simulated time since (ms).
    saved: RefCell<Option<String>>,
    now_ms: Cell<u64>,
    handlers: RefCell<Option<Handlers>>,
}

enum Port {
    #[cfg_attr(test, allow(dead_code))]
    Worker {
        worker: web_sys::Worker,
        /// Kept for as long as the worker may post.
        _onmessage: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::MessageEvent)>,
    },
    /// The engine in this thread (the browser glue tests: the runner serves no worker).
    #[cfg(test)]
    Local(Rc<RefCell<crate::model::host::Host>>),
}

impl Link {
    /// A link whose engine is not started yet ([`Link::start`]).
    pub fn new() -> Link {
        Link(Rc::new(Inner {
            port: RefCell::new(None),
            queue: RefCell::new(Vec::new()),
            ready: Cell::new(false),
            sent: Cell::new(0),
            taken: Cell::new(0),
            frame: Cell::new(None),
            pending_ms: Cell::new(0.0),
            edit: RefCell::new(None),
            completions: RefCell::new(BTreeMap::new()),
            saved: RefCell::new(None),
            now_ms: Cell::new(0),
            handlers: RefCell::new(None),
        }))
    }

    /// Starts the engine's worker with what the page read; its answers go to `handlers`.
    pub fn start(&self, start: Start, handlers: Handlers) {
        *self.0.handlers.borrow_mut() = Some(handlers);
        #[cfg(test)]
        {
            self.start_local();
        }
        #[cfg(not(test))]
        {
            self.start_worker();
        }
        self.send(ToEngine::Start(start));
    }

    #[cfg(not(test))]
    fn start_worker(&self) {
        use wasm_bindgen::JsCast;
        let weak = Rc::downgrade(&self.0);
        let onmessage = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |e: web_sys::MessageEvent| {
                if let (Some(inner), Some(text)) = (weak.upgrade(), e.data().as_string()) {
                    Link(inner).receive(&text);
                }
            },
        );
        match web_sys::Worker::new(WORKER_SCRIPT) {
            Ok(w) => {
                w.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
                let weak = Rc::downgrade(&self.0);
                let onerror = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(
                    move |e: web_sys::ErrorEvent| {
                        if let Some(inner) = weak.upgrade() {
                            Link(inner)
                                .crashed(format!("the engine's worker failed: {}", e.message()));
                        }
                    },
                );
                w.set_onerror(Some(onerror.as_ref().unchecked_ref()));
                onerror.forget();
                *self.0.port.borrow_mut() = Some(Port::Worker {
                    worker: w,
                    _onmessage: onmessage,
                });
            }
            Err(_) => self.crashed("this browser could not start the engine's worker".into()),
        }
    }

    #[cfg(test)]
    fn start_local(&self) {
        let now = || {
            web_sys::window()
                .and_then(|w| w.performance())
                .map_or(0.0, |p| p.now())
        };
        let host = crate::model::host::Host::new(Box::new(now));
        *self.0.port.borrow_mut() = Some(Port::Local(Rc::new(RefCell::new(host))));
        self.0.ready.set(true);
    }

    fn crashed(&self, text: String) {
        if let Some(h) = self.0.handlers.borrow().as_ref() {
            h.crashed.emit(text);
        }
    }

    fn send(&self, msg: ToEngine) -> u64 {
        let n = self.0.sent.get() + 1;
        self.0.sent.set(n);
        let text = protocol::encode(&msg);
        if self.0.ready.get() {
            self.post(text);
        } else {
            self.0.queue.borrow_mut().push(text);
        }
        n
    }

    fn post(&self, text: String) {
        let port = self.0.port.borrow();
        match port.as_ref() {
            Some(Port::Worker { worker, .. }) => {
                let _ = worker.post_message(&wasm_bindgen::JsValue::from_str(&text));
            }
            #[cfg(test)]
            Some(Port::Local(host)) => {
                // Answered later, as a worker would be.
                let (host, link) = (host.clone(), self.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let Ok(msg) = protocol::decode::<ToEngine>(&text) else {
                        return;
                    };
                    let mut out = Vec::new();
                    host.borrow_mut().handle(msg, &mut out);
                    for m in out {
                        link.receive(&protocol::encode(&m));
                    }
                });
            }
            None => {}
        }
    }

    fn receive(&self, text: &str) {
        let msg = match protocol::decode::<FromEngine>(text) {
            Ok(m) => m,
            Err(e) => return self.crashed(format!("the page could not read the engine: {e}")),
        };
        match msg {
            FromEngine::Ready => {
                self.0.ready.set(true);
                let queued = std::mem::take(&mut *self.0.queue.borrow_mut());
                for t in queued {
                    self.post(t);
                }
            }
            FromEngine::View(patch, now_ms) => {
                self.0.now_ms.set(now_ms);
                let taken = self.0.taken.get() + 1;
                self.0.taken.set(taken);
                if self.0.frame.get().is_some_and(|f| f <= taken) {
                    self.0.frame.set(None);
                }
                let typed = match &*self.0.edit.borrow() {
                    Some((n, text)) if *n > taken => Some(text.clone()),
                    _ => None,
                };
                if let Some(h) = self.0.handlers.borrow().as_ref() {
                    h.view.emit(Update::Patch(patch, typed));
                }
            }
            FromEngine::SaveSession(json) => {
                let r = storage::save_session_text(json.clone());
                *self.0.saved.borrow_mut() = Some(json);
                self.dispatch(Action::Saved(Stored::Session, r));
            }
            FromEngine::Backup => {
                let r = storage::backup_session();
                if let Some(h) = self.0.handlers.borrow().as_ref() {
                    h.backed_up.emit(());
                }
                self.send(ToEngine::BackedUp(r));
            }
            FromEngine::Completed(id, c) => {
                let cb = self.0.completions.borrow_mut().remove(&id);
                if let Some(cb) = cb {
                    cb.emit(c);
                }
            }
            FromEngine::Exported(what, text) => {
                if let Some(h) = self.0.handlers.borrow().as_ref() {
                    h.exported.emit((what, text));
                }
            }
            FromEngine::Crashed(text) => self.crashed(text),
        }
    }

    /// An input of the page.
    pub fn dispatch(&self, a: Action) {
        match a {
            Action::Frame(ms) => self.frame(ms),
            Action::Edit(text) => {
                let typed: Rc<str> = text.as_str().into();
                let n = self.send(ToEngine::Act(Action::Edit(text)));
                *self.0.edit.borrow_mut() = Some((n, typed.clone()));
                if let Some(h) = self.0.handlers.borrow().as_ref() {
                    h.view.emit(Update::Typed(typed));
                }
            }
            // The example's text shows at once, as typed text does (the engine replaces the
            // buffer with the same text when it takes this).
            Action::LoadExample(ex) => {
                let text: Rc<str> = ex.text().into();
                let n = self.send(ToEngine::Act(Action::LoadExample(ex)));
                *self.0.edit.borrow_mut() = Some((n, text.clone()));
                if let Some(h) = self.0.handlers.borrow().as_ref() {
                    h.view.emit(Update::Typed(text));
                }
            }
            a => {
                self.send(ToEngine::Act(a));
            }
        }
    }

    /// As the page goes: the session as last saved, at the simulated time it has reached since
    /// (time passing is saved at most every 2 s; the page cannot wait for the engine then).
    pub fn session_now(&self) -> Option<String> {
        let saved = self.0.saved.borrow();
        let mut v: serde_json::Value = serde_json::from_str(saved.as_deref()?).ok()?;
        let now = self.0.now_ms.get();
        if v.get("now")?.as_u64()? >= now {
            return None;
        }
        v["now"] = now.into();
        Some(v.to_string())
    }

    /// A display frame: `ms` of real time passed.
    fn frame(&self, ms: f64) {
        if !self.0.ready.get() {
            return;
        }
        let ms = self.0.pending_ms.get() + ms;
        if self.0.frame.get().is_some() {
            self.0.pending_ms.set(ms);
            return;
        }
        self.0.pending_ms.set(0.0);
        let n = self.send(ToEngine::Act(Action::Frame(ms)));
        self.0.frame.set(Some(n));
    }

    /// Tab at the prompt: `done` gets the completions of `line`.
    pub fn complete(&self, line: String, done: Callback<Completion>) {
        let id = self.0.sent.get() + 1;
        self.0.completions.borrow_mut().insert(id, done);
        self.send(ToEngine::Complete(id, line));
    }

    pub fn export(&self, what: Export) {
        self.send(ToEngine::Export(what));
    }

    /// Another tab wrote to the storage.
    pub fn storage_event(&self, key: Option<String>, old: Option<String>, new: Option<String>) {
        self.send(ToEngine::StorageEvent { key, old, new });
    }

    /// "Take over here", with what the storage holds now.
    pub fn take_over(&self, editor: Result<Option<String>, ()>, progress: Progress) {
        self.send(ToEngine::TakeOver {
            editor,
            progress,
            session: storage::load_session_raw(),
        });
    }

    /// Opens a session (a file, a link, the backup).
    pub fn open_session(&self, json: String, from: SessionSource) {
        self.dispatch(Action::OpenSession(json, from));
    }
}

impl Default for Link {
    fn default() -> Self {
        Link::new()
    }
}
