//! The engine's side of [`crate::protocol`]: the model the page's inputs reduce, what it sends
//! the page after each (only the parts of the view that changed), and the work the page did
//! itself before the engine moved to a worker (the autosave's timing, the session file, Tab
//! completion). It runs wherever the engine does: in the worker (`ordinal-engine`), and in the
//! page's own thread in the browser glue tests.

use super::{Model, SessionSource};
use crate::engine::{parse_saved, set_workers};
use crate::protocol::{Export, Field, FromEngine, PastView, Patch, Start, TerminalPatch, ToEngine};
use crate::storage::{self, Stored};
use std::rc::Rc;
use yew::Reducible;

/// Time passing is saved at most this often (real time); every input is saved at once.
const SAVE_EVERY_MS: f64 = 2000.0;

/// Said when a saved session that did not replay the same was kept as the backup.
const KEPT_NOTE: &str = "# The saved session is kept as the backup: Export backup in the Session menu saves it as a file, Restore backup opens it again.\n";

pub struct Host {
    model: Option<Rc<Model>>,
    /// The model as the page last saw it (`None`: the page has seen nothing yet).
    sent: Option<Rc<Model>>,
    /// The autosave's inputs when it last looked, and when it last saved (real ms).
    autosave: Option<((usize, u64, u64), f64)>,
    last_save_ms: f64,
    /// Real time in milliseconds (the worker's `performance.now()`).
    now_ms: Box<dyn Fn() -> f64>,
}

impl Host {
    pub fn new(now_ms: Box<dyn Fn() -> f64>) -> Host {
        Host {
            model: None,
            sent: None,
            autosave: None,
            last_save_ms: f64::NEG_INFINITY,
            now_ms,
        }
    }

    /// Takes one message; what the engine says back goes into `out`, ending with the view's
    /// patch (see the protocol's note on order).
    pub fn handle(&mut self, msg: ToEngine, out: &mut Vec<FromEngine>) {
        match msg {
            ToEngine::Start(s) => {
                let (m, backup) = start(s);
                self.model = Some(Rc::new(m));
                if backup {
                    out.push(FromEngine::Backup);
                }
            }
            ToEngine::Act(a) => self.reduce(a),
            ToEngine::Complete(id, line) => {
                if let Some(m) = &self.model {
                    out.push(FromEngine::Completed(id, m.engine.borrow().complete(&line)));
                }
            }
            ToEngine::Export(what) => {
                if let Some(m) = &self.model {
                    out.push(FromEngine::Exported(what, export(m, what)));
                }
            }
            ToEngine::StorageEvent { key, old, new } => {
                if let Some(f) = storage::followed(key.as_deref(), old.as_deref(), new.as_deref()) {
                    self.reduce(super::Action::Follow(f));
                }
            }
            ToEngine::TakeOver {
                editor,
                progress,
                session,
            } => self.reduce(super::Action::TakeOver {
                editor,
                progress,
                session: saved_from(session),
            }),
            ToEngine::BackedUp(result) => {
                if let Some(rc) = self.model.take() {
                    let mut m = (*rc).clone();
                    if result.is_ok() {
                        m.note(KEPT_NOTE.into());
                    }
                    m.saved(Stored::Backup, result);
                    self.model = Some(Rc::new(m));
                }
            }
        }
        self.autosave(out);
        let now = self
            .model
            .as_ref()
            .map_or(0, |m| m.engine.borrow().cluster.now().0);
        out.push(FromEngine::View(self.patch(), now));
    }

    fn reduce(&mut self, a: super::Action) {
        if let Some(m) = self.model.take() {
            self.model = Some(m.reduce(a));
        }
    }

    /// The session is saved after every input, and as time passes at most every
    /// [`SAVE_EVERY_MS`] of real time.
    fn autosave(&mut self, out: &mut Vec<FromEngine>) {
        let Some(m) = &self.model else {
            return;
        };
        let deps = (m.record_len, m.clock.now_s, m.branches_gen);
        let last = self.autosave.map(|(d, _)| d);
        if last == Some(deps) {
            return;
        }
        let now = (self.now_ms)();
        let inputs_moved = last.is_none_or(|(len, _, gen)| (len, gen) != (deps.0, deps.2));
        self.autosave = Some((deps, now));
        if inputs_moved || now - self.last_save_ms >= SAVE_EVERY_MS {
            self.last_save_ms = now;
            let e = m.engine.borrow();
            if e.record_complete() {
                out.push(FromEngine::SaveSession(e.record_json().to_string()));
            }
        }
    }

    /// What changed since the page last saw the model.
    fn patch(&mut self) -> Patch {
        let Some(m) = self.model.clone() else {
            return Vec::new();
        };
        let old = self.sent.replace(m.clone());
        diff(old.as_deref(), &m)
    }
}

/// The model a page starts with, and whether the page must back up the saved session first.
fn start(s: Start) -> (Model, bool) {
    if let Some(n) = s.workers {
        set_workers(n);
    }
    if let Some((json, backup)) = s.share {
        // A share link's session opens instead of the saved one (kept as the backup).
        let mut m = Model::with(s.editor, s.progress, s.route, Ok(None));
        m.read_only = !s.writer;
        match json {
            Some(json) => m.open_session(json.as_str(), SessionSource::Link),
            None => m.note(
                "# The shared link is damaged or incomplete, so the cluster starts fresh.\n".into(),
            ),
        }
        m.saved(Stored::Backup, backup);
        return (m, false);
    }
    let mut m = Model::with(s.editor, s.progress, s.route, saved_from(s.session));
    if !s.writer {
        m.read_only = true;
    }
    // A record this version cannot read or replay as it was is kept, not saved over.
    let backup = s.writer && m.unrestored;
    (m, backup)
}

/// A stored session's raw JSON as the model reads it.
fn saved_from(raw: Option<String>) -> Result<Option<crate::engine::Saved>, String> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let v: serde_json::Value =
        serde_json::from_str(&raw).map_err(|_| "it is not valid JSON".to_string())?;
    parse_saved(&v).map(Some)
}

fn export(m: &Model, what: Export) -> String {
    let e = m.engine.borrow();
    match what {
        Export::Session | Export::Share => {
            // The session file: the record, plus the editor's text.
            let mut v = e.record_json();
            v["editor"] = serde_json::Value::String(m.editor.text.to_string());
            v.to_string()
        }
        Export::Script => crate::kind_script::script(e.record(), e.cluster.now().0),
    }
}

/// The fields of `new` that differ from `old` (all of them when the page has seen nothing).
fn diff(old: Option<&Model>, new: &Model) -> Patch {
    let mut p = Vec::new();
    let changed_rc = |f: fn(&Model) -> *const ()| old.is_none_or(|o| f(o) != f(new));
    if old.is_none_or(|o| o.clock != new.clock) {
        p.push(Field::Clock(new.clock));
    }
    if changed_rc(|m| Rc::as_ptr(&m.cluster).cast()) {
        p.push(Field::Cluster(new.cluster.clone()));
    }
    if changed_rc(|m| Rc::as_ptr(&m.events).cast()) {
        p.push(Field::Events(new.events.clone()));
    }
    if changed_rc(|m| Rc::as_ptr(&m.terminal).cast()) {
        p.push(Field::Terminal(terminal_patch(
            old.map(|o| &*o.terminal),
            &new.terminal,
        )));
    }
    if changed_rc(|m| Rc::as_ptr(&m.editor).cast()) {
        p.push(Field::Editor(new.editor.clone()));
    }
    if old.is_none_or(|o| o.route != new.route) {
        p.push(Field::Route(new.route.clone()));
    }
    if old.is_none_or(|o| o.last_lesson != new.last_lesson) {
        p.push(Field::LastLesson(new.last_lesson.clone()));
    }
    if changed_rc(|m| Rc::as_ptr(&m.lessons).cast()) {
        p.push(Field::Lessons(new.lessons.clone()));
    }
    if old.is_none_or(|o| o.lessons_note != new.lessons_note) {
        p.push(Field::LessonsNote(new.lessons_note.clone()));
    }
    if changed_rc(|m| Rc::as_ptr(&m.progress).cast()) {
        p.push(Field::Progress(new.progress.clone()));
    }
    if old.is_none_or(|o| o.queued != new.queued) {
        p.push(Field::Queued(new.queued));
    }
    if old.is_none_or(|o| o.record_len != new.record_len) {
        p.push(Field::RecordLen(new.record_len));
    }
    if old.is_none_or(|o| o.autosave_notice != new.autosave_notice) {
        p.push(Field::AutosaveNotice(new.autosave_notice.clone()));
    }
    if old.is_none_or(|o| o.read_only != new.read_only) {
        p.push(Field::ReadOnly(new.read_only));
    }
    let compare = |m: &Model| m.compare_view.as_ref().map(Rc::as_ptr);
    if old.is_none_or(|o| compare(o) != compare(new)) {
        p.push(Field::Compare(new.compare_view.clone()));
    }
    let past = |m: &Model| {
        m.past.as_ref().map(|p| {
            (
                p.pos,
                p.clock,
                Rc::as_ptr(&p.cluster),
                Rc::as_ptr(&p.events),
                Rc::as_ptr(&p.terminal),
            )
        })
    };
    if old.is_none_or(|o| past(o) != past(new)) {
        p.push(Field::Past(new.past.as_ref().map(past_view)));
    }
    if changed_rc(|m| Rc::as_ptr(&m.timeline).cast()) {
        p.push(Field::Timeline(new.timeline.clone()));
    }
    if old.is_none_or(|o| o.branches_gen != new.branches_gen) {
        p.push(Field::BranchesGen(new.branches_gen));
    }
    p
}

/// What the page shows for an earlier moment.
fn past_view(p: &super::Past) -> PastView {
    PastView {
        pos: p.pos,
        clock: p.clock,
        cluster: p.cluster.clone(),
        events: p.events.clone(),
        terminal: p.terminal.clone(),
    }
}

/// The terminal's lines the page does not have yet: those after the last line it has, when the
/// log still holds that line as it was; else all of them.
fn terminal_patch(
    old: Option<&crate::model::TerminalView>,
    new: &crate::model::TerminalView,
) -> TerminalPatch {
    let from = old.and_then(|o| {
        let last = o.log.last()?;
        let i = new.log.iter().rposition(|e| e.id == last.id)?;
        Rc::ptr_eq(&new.log[i], last).then_some(i + 1)
    });
    let reset = from.is_none() && old.is_some_and(|o| !o.log.is_empty());
    let from = from.unwrap_or(0);
    TerminalPatch {
        reset: reset || old.is_none(),
        first: new.log.first().map_or(0, |e| e.id),
        entries: new.log[from..].to_vec(),
        prompt: new.prompt.clone(),
        busy: new.busy,
        attached: new.attached,
        editing: new.editing,
        jobs: new.jobs,
        history: old
            .is_none_or(|o| !Rc::ptr_eq(&o.history, &new.history))
            .then(|| new.history.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Action, LogKind, Route};
    use crate::protocol::{decode, encode};
    use crate::view::{Update, View};

    fn start() -> Start {
        Start {
            editor: Ok(None),
            progress: Default::default(),
            route: Route::Manifest,
            session: None,
            share: None,
            writer: true,
            workers: None,
        }
    }

    /// `msg` as the page sends it (JSON), and the answers as the page reads them.
    fn send(host: &mut Host, msg: ToEngine) -> Vec<FromEngine> {
        let msg: ToEngine = decode(&encode(&msg)).unwrap();
        let mut out = Vec::new();
        host.handle(msg, &mut out);
        out.iter().map(|m| decode(&encode(m)).unwrap()).collect()
    }

    /// The page's view after the answers' patches.
    fn apply(mut view: Rc<View>, out: Vec<FromEngine>) -> Rc<View> {
        for m in out {
            if let FromEngine::View(patch, _) = m {
                view = view.reduce(Update::Patch(patch, None));
            }
        }
        view
    }

    /// What the page shows is what the engine's model has.
    fn assert_same(v: &View, m: &Model) {
        assert_eq!(v.clock, m.clock);
        assert_eq!(v.cluster, m.cluster);
        assert_eq!(v.events, m.events);
        assert_eq!(v.terminal, m.terminal);
        assert_eq!(v.editor, m.editor);
        assert_eq!(v.route, m.route);
        assert_eq!(v.last_lesson, m.last_lesson);
        // A check's conditions stay with the engine: the page has the rest of each lesson.
        assert_eq!(encode(&v.lessons), encode(&m.lessons));
        assert_eq!(v.lessons_note, m.lessons_note);
        assert_eq!(v.progress, m.progress);
        assert_eq!(v.queued, m.queued);
        assert_eq!(v.record_len, m.record_len);
        assert_eq!(v.autosave_notice, m.autosave_notice);
        assert_eq!(v.read_only, m.read_only);
        assert_eq!(v.compare_view, m.compare_view);
        assert_eq!(v.past, m.past.as_ref().map(past_view));
        assert_eq!(v.timeline, m.timeline);
        assert_eq!(v.branches_gen, m.branches_gen);
    }

    #[test]
    fn every_message_is_answered_once_with_the_view_last() {
        let mut host = Host::new(Box::new(|| 0.0));
        let msgs = vec![
            ToEngine::Act(Action::Apply),
            ToEngine::Start(start()),
            ToEngine::Act(Action::Apply),
            ToEngine::Complete(7, "kubectl get po".into()),
            ToEngine::Export(Export::Session),
            ToEngine::Export(Export::Script),
            ToEngine::StorageEvent {
                key: Some("unrelated".into()),
                old: None,
                new: None,
            },
            ToEngine::Act(Action::Frame(16.0)),
        ];
        for msg in msgs {
            let out = send(&mut host, msg);
            let views = out
                .iter()
                .filter(|m| matches!(m, FromEngine::View(..)))
                .count();
            assert_eq!(views, 1);
            assert!(matches!(out.last(), Some(FromEngine::View(..))));
        }
        // What the other answers carry.
        let out = send(&mut host, ToEngine::Complete(9, "kubectl get po".into()));
        assert!(
            matches!(&out[0], FromEngine::Completed(9, c) if c.candidates.iter().any(|w| w == "pods"))
        );
        let out = send(&mut host, ToEngine::Export(Export::Session));
        let FromEngine::Exported(Export::Session, json) = &out[0] else {
            panic!("no session file");
        };
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        assert!(v["editor"].as_str().unwrap().contains("kind: StatefulSet"));
        assert_eq!(v["ops"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn the_page_shows_what_the_engine_has_after_every_message() {
        let mut host = Host::new(Box::new(|| 0.0));
        let mut view = Rc::new(View::initial(
            &Ok(None),
            Route::Manifest,
            Default::default(),
        ));
        let mut msgs = vec![
            ToEngine::Start(start()),
            ToEngine::Act(Action::SetSpeed(100)),
            ToEngine::Act(Action::LoadExample(crate::examples::Example::K8sIoWeb)),
            ToEngine::Act(Action::Apply),
        ];
        msgs.extend((0..40).map(|_| ToEngine::Act(Action::Frame(250.0))));
        msgs.extend([
            ToEngine::Act(Action::Submit("kubectl get pods -w".into())),
            ToEngine::Act(Action::Frame(250.0)),
            ToEngine::Act(Action::DeletePod("web-0".into())),
            ToEngine::Act(Action::Frame(250.0)),
            ToEngine::Act(Action::Interrupt(String::new())),
            ToEngine::Act(Action::Edit("kind: Nope\n  : bad".into())),
            ToEngine::Act(Action::Scrub(1)),
            ToEngine::Act(Action::ReturnToLatest),
            ToEngine::Act(Action::Submit("clear".into())),
            ToEngine::Act(Action::Submit("kubectl get sts".into())),
            ToEngine::Act(Action::Navigate(Route::Compare(String::new()))),
            ToEngine::Act(Action::CompareScale(3)),
            ToEngine::Act(Action::Frame(250.0)),
        ]);
        let mut saves = 0;
        for msg in msgs {
            let out = send(&mut host, msg);
            saves += out
                .iter()
                .filter(|m| matches!(m, FromEngine::SaveSession(_)))
                .count();
            view = apply(view, out);
            assert_same(&view, host.model.as_ref().unwrap());
        }
        assert!(view.started);
        assert!(view.compare_view.is_some());
        assert!(view.cluster.sets[0].ready_replicas > 0);
        assert!(saves > 0, "the session is saved as inputs come");
    }

    #[test]
    fn the_terminal_is_sent_as_the_lines_it_gained() {
        let mut host = Host::new(Box::new(|| 0.0));
        let mut view = Rc::new(View::initial(
            &Ok(None),
            Route::Manifest,
            Default::default(),
        ));
        view = apply(view, send(&mut host, ToEngine::Start(start())));
        // More lines than the log keeps: the oldest go on both sides.
        for i in 0..800 {
            let out = send(
                &mut host,
                ToEngine::Act(Action::Submit(format!("echo {i}"))),
            );
            for m in &out {
                if let FromEngine::View(patch, _) = m {
                    for f in patch {
                        if let Field::Terminal(t) = f {
                            assert!(!t.reset);
                            assert_eq!(t.entries.len(), 2, "the line typed and what it printed");
                        }
                    }
                }
            }
            view = apply(view, out);
        }
        let m = host.model.as_ref().unwrap();
        assert_eq!(view.terminal, m.terminal);
        assert!(view.terminal.log.len() < 1600);
        assert_eq!(view.terminal.log.last().unwrap().text, "799\n");
        assert_eq!(view.terminal.log.last().unwrap().kind, LogKind::Out);
    }
}
