//! The page's state and its one reducer. The engine (cluster + terminal session) sits behind a
//! `RefCell` and is mutated in place, never cloned; what components see are `Rc` snapshots,
//! replaced only when they change (the store's resourceVersion moved, a command wrote files,
//! the terminal printed, the clock passed a second). A reducer that changes nothing visible
//! returns the same `Rc`, so a clock frame with nothing new renders nothing.

use crate::compare::{self, Compare, SideView};
use crate::engine::{parse_saved, Engine, Recorded, Saved, MANIFEST_FILE, NAMESPACE};
use crate::examples::Example;
use crate::lessons::{self, Block, Lesson, Progress};
use crate::storage::{Refusal, SaveError, Stored};
use crate::timeline::{self, TimelineView};
use crate::view_model::{self, ClusterView, EventsView};
use crate::yaml::{self, LineError};
use ordinal_kubectl::{Output, Stream};
use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;
use yew::Reducible;

mod follow;
pub mod host;

/// Most terminal output a lesson's `output` checks look through (the newest).
const MAX_LESSON_OUTPUT: usize = 64 * 1024;
/// Most terminal output entries kept.
const MAX_LOG: usize = 1500;
/// Longest real time one frame may account for (a tab that was hidden does not jump ahead).
const MAX_FRAME_MS: f64 = 250.0;
pub const SPEEDS: [u32; 4] = [1, 10, 100, 1000];

#[derive(Copy, Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Clock {
    /// Simulated time, whole seconds (what the page shows).
    pub now_s: u64,
    pub paused: bool,
    pub speed: u32,
    /// Something is scheduled, so Step can move time.
    pub has_timer: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LogKind {
    /// A line typed at the prompt (shown with its prompt).
    Input,
    /// A command a button ran (Apply, the slider, a pod card).
    Ui,
    Out,
    Err,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LogEntry {
    pub id: u64,
    pub kind: LogKind,
    pub text: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TerminalView {
    pub log: Vec<Rc<LogEntry>>,
    pub prompt: String,
    /// A watch or wait is running (Ctrl-C stops it).
    pub busy: bool,
    /// Inside a container's shell.
    pub attached: bool,
    /// The running command is a `kubectl edit` waiting for its editor (the Manifest panel).
    pub editing: bool,
    /// Background jobs (`… &`) are running.
    pub jobs: bool,
    pub history: Rc<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ApplyReport {
    pub id: u64,
    /// What kubectl printed on stdout (`service/nginx created`, …).
    pub ok: Vec<String>,
    pub errors: Vec<LineError>,
    /// The buffer changed since (line marks may have moved).
    pub stale: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EditorView {
    pub text: Rc<str>,
    /// The buffer's YAML error, as the parser sees it now.
    pub syntax: Option<LineError>,
    pub report: Option<Rc<ApplyReport>>,
    /// Said once after load (e.g. the saved buffer could not be read).
    pub notice: Option<String>,
    /// Bumped when the buffer is replaced from outside the textarea (an example).
    pub generation: u64,
    /// A `kubectl edit` waiting for its editor: the panel shows its buffer instead of
    /// `web.yaml`, which stays as it was (`text`) until Save or Cancel closes the edit.
    pub edit: Option<Rc<EditBuffer>>,
}

/// The buffer of a `kubectl edit` open in the Manifest panel.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EditBuffer {
    /// What the panel shows and Save sends.
    pub text: Rc<str>,
    /// The buffer's YAML error, as the parser sees it now.
    pub syntax: Option<LineError>,
    /// JSON (`kubectl edit -o json`) rather than YAML.
    pub json: bool,
    /// How many times the editor has closed in this edit (more than none: reopened with
    /// kubectl's errors at its top).
    pub pass: u32,
}

/// What the page shows on its left: the manifest editor, the lesson list, or one lesson.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Route {
    Manifest,
    Lessons,
    Lesson(String),
    /// Compare, showing the pair with this id (the first pair when unknown).
    Compare(String),
}

impl Route {
    /// `#/lessons/basics` → `Lesson("basics")`; anything unknown is the editor.
    pub fn from_hash(hash: &str) -> Route {
        let h = hash.trim_start_matches('#').trim_start_matches('/');
        match h.split_once('/') {
            Some(("lessons", id)) if !id.is_empty() => Route::Lesson(id.to_string()),
            _ if h == "lessons" || h == "lessons/" => Route::Lessons,
            Some(("compare", id)) => Route::Compare(id.to_string()),
            _ if h == "compare" => Route::Compare(String::new()),
            _ => Route::Manifest,
        }
    }
    pub fn hash(&self) -> String {
        match self {
            Route::Manifest => "#/".into(),
            Route::Lessons => "#/lessons".into(),
            Route::Lesson(id) => format!("#/lessons/{id}"),
            Route::Compare(id) if id.is_empty() => "#/compare".into(),
            Route::Compare(id) => format!("#/compare/{id}"),
        }
    }
}

/// Every input of the page. The page sends them to the engine's worker (`protocol`), except
/// the two that carry what only the engine can read, which arrive as their own messages.
#[derive(serde::Serialize, serde::Deserialize)]
pub enum Action {
    /// A display frame: `real_ms` of wall time passed.
    Frame(f64),
    TogglePause,
    Step,
    SetSpeed(u32),
    Edit(String),
    LoadExample(Example),
    Apply,
    /// The Replicas slider: `kubectl scale KIND NAME --replicas=N` (KIND `sts` or `deploy`).
    Scale {
        kind: String,
        name: String,
        replicas: i32,
    },
    DeletePod(String),
    /// Types a command into the terminal as if entered (the pod card's shell button).
    RunInTerminal(String),
    /// Enter at the prompt.
    Submit(String),
    /// Ctrl-C, with what was typed on the line.
    Interrupt(String),
    /// The location's hash changed.
    Navigate(Route),
    /// A lesson's Run button: these lines are typed into the terminal, each when the one before
    /// has finished (a watch waits for Ctrl-C).
    RunLines(Vec<String>),
    /// A lesson's manifest goes into the editor (and the editor is shown).
    OpenInEditor(String),
    /// A lesson's Apply button: the manifest goes into the editor (which then shows what was
    /// applied) and is applied as the editor's Apply does, while the lesson stays in view.
    ApplyManifest(String),
    /// A lesson's Stop button: Ctrl-C for the command still running (nothing if none is).
    Stop,
    /// The lesson's starting cluster, its checks cleared.
    ResetLesson(String),
    /// An exported session file, a shared link or the backup, as JSON text.
    OpenSession(String, SessionSource),
    /// A line the page says in the terminal (e.g. the share link it made).
    Note(String),
    /// Tab found several completions: show them as bash does.
    ShowCompletions {
        line: String,
        candidates: Vec<String>,
    },
    /// Save in the Manifest panel during a `kubectl edit`: the editor saved its buffer.
    SaveEdit,
    /// Cancel in the Manifest panel during a `kubectl edit`: the editor quit without saving.
    CancelEdit,
    /// What became of a write to the browser's storage (an autosave, or the backup an import
    /// makes).
    Saved(Stored, Result<(), SaveError>),
    /// The lesson files the page fetched after its first paint (or why it could not).
    LessonsLoaded(Result<Vec<String>, String>),
    /// `kubectl explain`'s data (`explain/explain.json`), fetched after the first paint; until
    /// it arrives (or if it cannot be fetched) explain says the descriptions are still loading.
    ExplainLoaded(Result<String, String>),
    /// Compare: a line typed into both terminals.
    CompareLine(String),
    /// Compare: both workloads scaled.
    CompareScale(i32),
    /// Compare: the pod at this place deleted on both sides.
    CompareDelete(usize),
    /// Compare: both clusters start again from their manifests.
    CompareReset,
    /// Another tab holds the session (it did when this one opened, or took over since): this
    /// one goes read-only.
    OtherTab,
    /// "Take over here": this tab now holds the session, and opens it as saved (the other
    /// tab's last input included), with the editor and progress as stored.
    #[serde(skip)]
    TakeOver {
        editor: Result<Option<String>, ()>,
        progress: Progress,
        session: Result<Option<Saved>, String>,
    },
    /// The timeline shows position `pos` (input `pos` about to be taken; past the last input:
    /// now, the session itself).
    Scrub(usize),
    /// "Branch here": the moment shown becomes the session; what came after it is kept as a
    /// branch.
    BranchHere,
    /// "Return to latest": back to now from an earlier moment, or from a branch to the line it
    /// left (the branch is kept).
    ReturnToLatest,
    /// A kept branch becomes the session (the current line is kept in its place).
    SwitchBranch(usize),
    /// The holder's tab saved its session or its editor text: a read-only tab follows it
    /// (`model::follow`).
    #[serde(skip)]
    Follow(crate::storage::Followed),
}

/// An earlier moment the page is showing (the session itself is left as it is, its clock
/// stopped, until the learner returns or branches).
#[derive(Clone)]
pub struct Past {
    pub pos: usize,
    engine: Rc<RefCell<Engine>>,
    pub clock: Clock,
    pub cluster: Rc<ClusterView>,
    pub events: Rc<EventsView>,
    pub terminal: Rc<TerminalView>,
}

/// What the page says when an input while it shows an earlier moment made a branch there.
pub const BRANCHED_NOTE: &str =
    "# (It branched because this input came while the timeline showed that moment.)\n";

/// What a read-only tab says when asked to change the session.
pub const READ_ONLY_NOTE: &str = "# This session is open in another tab, so nothing was run here (this tab changes and saves nothing). Take over here, at the top of the page, to work in this tab.\n";

#[derive(Clone)]
pub struct Model {
    engine: Rc<RefCell<Engine>>,
    pub clock: Clock,
    pub cluster: Rc<ClusterView>,
    pub events: Rc<EventsView>,
    pub terminal: Rc<TerminalView>,
    pub editor: Rc<EditorView>,
    pub route: Route,
    /// The lesson last opened (the Lessons link returns to it).
    pub last_lesson: Option<String>,
    pub lessons: Rc<Vec<Lesson>>,
    /// While the lessons are not here yet, what the lesson pages say instead ("Loading…", or
    /// why they could not be read).
    pub lessons_note: Option<String>,
    pub progress: Rc<Progress>,
    /// Lines a Run button queued that the terminal has not taken yet.
    pub queued: usize,
    queue: VecDeque<String>,
    /// Inputs in the engine's record (the app saves the session when it grows).
    pub record_len: usize,
    /// What the terminal printed since the current lesson was opened or reset.
    lesson_output: String,
    /// (resourceVersion, last log id, route) when the checks were last evaluated.
    checked: Option<(u64, u64, Route)>,
    /// Writes the browser refused, by what was written; a later write of the same that
    /// succeeds removes it.
    failed_saves: BTreeMap<Stored, SaveError>,
    /// What the page says about `failed_saves` (none when every last write succeeded).
    pub autosave_notice: Option<Rc<str>>,
    /// Another tab holds the session: this one shows it but changes nothing (its inputs are
    /// refused with a note) and saves nothing, until the user takes over here.
    pub read_only: bool,
    /// A saved session was there but could not be read or did not replay the same way (the
    /// app then keeps it as the backup).
    pub unrestored: bool,
    /// The route a `kubectl edit` took the page from (to the Manifest panel), to go back to.
    edit_return: Option<Route>,
    seen_rv: u64,
    next_id: u64,
    /// Compare's two clusters, made when Compare is first opened (not part of the session).
    compare: Option<Rc<RefCell<Compare>>>,
    /// What Compare shows.
    pub compare_view: Option<Rc<[SideView; 2]>>,
    /// The earlier moment the timeline shows, if it does.
    pub past: Option<Past>,
    /// For each input of the record: the id of the last terminal entry before it came (the
    /// terminal as it was then is the entries up to it).
    marks: Vec<u64>,
    pub timeline: Rc<TimelineView>,
    /// The resourceVersion the timeline's marks were read at.
    timeline_rv: Option<u64>,
    /// Bumped when the branches change (the app saves the session then).
    pub branches_gen: u64,
}

impl PartialEq for Model {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.engine, &other.engine)
            && self.clock == other.clock
            && Rc::ptr_eq(&self.cluster, &other.cluster)
            && Rc::ptr_eq(&self.events, &other.events)
            && Rc::ptr_eq(&self.terminal, &other.terminal)
            && Rc::ptr_eq(&self.editor, &other.editor)
            && self.route == other.route
            && self.last_lesson == other.last_lesson
            && Rc::ptr_eq(&self.lessons, &other.lessons)
            && self.lessons_note == other.lessons_note
            && Rc::ptr_eq(&self.progress, &other.progress)
            && self.queued == other.queued
            && self.record_len == other.record_len
            && self.autosave_notice == other.autosave_notice
            && self.read_only == other.read_only
            && self.compare_view.as_ref().map(Rc::as_ptr)
                == other.compare_view.as_ref().map(Rc::as_ptr)
            && self.past.as_ref().map(|p| Rc::as_ptr(&p.engine))
                == other.past.as_ref().map(|p| Rc::as_ptr(&p.engine))
            && Rc::ptr_eq(&self.timeline, &other.timeline)
            && self.branches_gen == other.branches_gen
    }
}

/// Where a session being opened comes from (for the messages).
#[derive(Copy, Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SessionSource {
    File,
    Link,
    Backup,
}

impl SessionSource {
    fn what(self) -> &'static str {
        match self {
            SessionSource::File => "The session file",
            SessionSource::Link => "The shared link",
            SessionSource::Backup => "The backed-up session",
        }
    }
}

/// A replay's terminal lines, and for each input how many of them came before it.
struct Replayed {
    log: Vec<(LogKind, String)>,
    marks: Vec<usize>,
}

/// What a replay's echo and output add to the terminal.
fn to_log(log: &mut Vec<(LogKind, String)>, echo: Option<&str>, out: Output) {
    if let Some(line) = echo {
        log.push((LogKind::Input, format!("$ {line}\n")));
    }
    for (stream, text) in out.chunks {
        let kind = match stream {
            Stream::Out => LogKind::Out,
            Stream::Err => LogKind::Err,
        };
        log.push((kind, text));
    }
}

/// A fresh engine that has replayed `ops`, and the terminal lines that replay printed.
fn replay_into(ops: &[Recorded], now: u64) -> (Engine, Replayed) {
    let mut log = Vec::new();
    let mut marks = Vec::with_capacity(ops.len());
    let mut e = Engine::new();
    for r in ops {
        let o = e.advance_to(r.at);
        to_log(&mut log, None, o);
        marks.push(log.len());
        e.replay_step(r, &mut |echo, out| to_log(&mut log, echo, out));
    }
    let o = e.advance_to(now);
    to_log(&mut log, None, o);
    (e, Replayed { log, marks })
}

impl Model {
    /// A fresh cluster; the editor holds `saved` (else the lesson's manifest).
    #[cfg(test)]
    pub fn new(saved: Result<Option<String>, ()>) -> Model {
        Model::with(saved, Progress::new(), Route::Manifest, Ok(None))
    }

    /// A fresh cluster, the editor holding `saved`, lesson progress and the page's route.
    pub fn with(
        saved: Result<Option<String>, ()>,
        progress: Progress,
        route: Route,
        session: Result<Option<Saved>, String>,
    ) -> Model {
        let (text, notice) = match saved {
            Ok(Some(t)) => (t, None),
            Ok(None) => (Example::Tutorial.text().to_string(), None),
            Err(()) => (
                Example::Tutorial.text().to_string(),
                Some("The saved manifest could not be read, so the editor starts with the lesson's web.yaml.".to_string()),
            ),
        };
        // A saved session is replayed into the cluster it had; its inputs and output go back
        // into the terminal.
        let (engine, replayed, restored) = match &session {
            Ok(Some(saved)) => {
                let (mut e, log) = replay_into(&saved.ops, saved.now);
                // This version took every input as the one that saved it did (an input it
                // dropped, e.g. typed while a command ran longer here, shows in the record).
                let same = e.record() == saved.ops.as_slice();
                (e.branches, e.latest) = (saved.branches.clone(), saved.latest);
                (e, Some(log), Some((saved.ops.len(), same)))
            }
            _ => (Engine::new(), None, None),
        };
        let clock = Clock {
            now_s: engine.cluster.now().0 / 1000,
            paused: false,
            speed: 1,
            has_timer: engine.cluster.next_timer().is_some(),
        };
        let mut m = Model {
            cluster: Rc::new(view_model::cluster_view(&engine.cluster, NAMESPACE)),
            events: Rc::new(view_model::events_view(&engine.cluster, NAMESPACE)),
            seen_rv: engine.cluster.resource_version(),
            engine: Rc::new(RefCell::new(engine)),
            clock,
            terminal: Rc::new(TerminalView {
                prompt: "$ ".into(),
                ..Default::default()
            }),
            editor: Rc::new(EditorView {
                syntax: yaml::syntax_error(&text),
                text: text.into(),
                report: None,
                notice,
                generation: 0,
                edit: None,
            }),
            last_lesson: match &route {
                Route::Lesson(id) => Some(id.clone()),
                _ => None,
            },
            route,
            // The page fetches its lessons after the first paint; native builds embed them.
            #[cfg(not(target_arch = "wasm32"))]
            lessons: Rc::new(lessons::all()),
            #[cfg(not(target_arch = "wasm32"))]
            lessons_note: None,
            #[cfg(target_arch = "wasm32")]
            lessons: Rc::new(Vec::new()),
            #[cfg(target_arch = "wasm32")]
            lessons_note: Some("Loading the lessons…".into()),
            progress: Rc::new(progress),
            queued: 0,
            queue: VecDeque::new(),
            lesson_output: String::new(),
            checked: None,
            failed_saves: BTreeMap::new(),
            autosave_notice: None,
            read_only: false,
            unrestored: false,
            edit_return: None,
            next_id: 0,
            record_len: 0,
            compare: None,
            compare_view: None,
            past: None,
            marks: Vec::new(),
            timeline: Rc::default(),
            timeline_rv: None,
            branches_gen: 0,
        };
        m.log(
            LogKind::Out,
            "Ordinal: a simulated kind cluster. Type kubectl commands here (Tab completes, ↑/↓ history, Ctrl-C stops a watch).\n".into(),
        );
        if let Some(r) = replayed {
            m.log_replayed(r);
        }
        match (&session, restored) {
            (Ok(_), Some((n, true))) => m.log(
                LogKind::Ui,
                format!("# Your session was restored: {n} inputs replayed, the cluster is as you left it.\n"),
            ),
            (Ok(_), Some((n, false))) => {
                m.unrestored = true;
                m.log(
                    LogKind::Err,
                    format!("Your saved session did not replay the same way on this version of Ordinal ({n} inputs replayed, not all of them taken as before), so the cluster may differ from the one you left.\n"),
                );
            }
            (Err(why), _) => {
                m.unrestored = true;
                m.log(
                    LogKind::Err,
                    format!("Your saved session could not be restored ({why}), so the cluster starts fresh.\n"),
                );
            }
            _ => {}
        }
        m.lesson_output.clear();
        m.engine.borrow_mut().sync_manifest(&m.editor.text);
        m.refresh(true);
        m.refresh_compare(true);
        m.sync_edit();
        m
    }

    /// Read access for queries that change nothing (tab completion).
    pub fn engine(&self) -> Rc<RefCell<Engine>> {
        self.engine.clone()
    }

    /// A replay's lines into the terminal, and the marks of its inputs.
    fn log_replayed(&mut self, r: Replayed) {
        let mut ids = Vec::with_capacity(r.log.len() + 1);
        ids.push(self.next_id);
        for (kind, text) in r.log {
            self.log(kind, text);
            ids.push(self.next_id);
        }
        self.marks = r.marks.iter().map(|&i| ids[i]).collect();
    }

    /// Marks the inputs the engine took since the last mark with the terminal as it is now.
    fn sync_marks(&mut self) {
        let n = self.engine.borrow().record().len();
        self.marks.truncate(n);
        self.marks.resize(n, self.next_id);
    }

    fn log(&mut self, kind: LogKind, text: String) {
        self.sync_marks();
        let t = Rc::make_mut(&mut self.terminal);
        if text.contains("\x1b[2J") {
            t.log.clear();
        }
        let text = text.replace("\x1b[2J", "").replace("\x1b[H", "");
        if text.is_empty() {
            return;
        }
        if matches!(kind, LogKind::Out | LogKind::Err) {
            self.lesson_output.push_str(&text);
            if self.lesson_output.len() > MAX_LESSON_OUTPUT {
                let mut cut = self.lesson_output.len() - MAX_LESSON_OUTPUT;
                while !self.lesson_output.is_char_boundary(cut) {
                    cut += 1;
                }
                self.lesson_output.drain(..cut);
            }
        }
        self.next_id += 1;
        t.log.push(Rc::new(LogEntry {
            id: self.next_id,
            kind,
            text,
        }));
        if t.log.len() > MAX_LOG {
            let drop = t.log.len() - MAX_LOG;
            t.log.drain(..drop);
        }
    }

    fn log_output(&mut self, out: &Output) {
        for (stream, text) in &out.chunks {
            let kind = match stream {
                Stream::Out => LogKind::Out,
                Stream::Err => LogKind::Err,
            };
            self.log(kind, text.clone());
        }
    }

    /// Re-reads what the page shows from the engine: always the terminal's state and the
    /// clock; the cluster and events only if the store moved or `force` (a command that may
    /// have written files without an API write).
    fn refresh(&mut self, force: bool) {
        let before = (self.seen_rv, self.clock.now_s, self.record_len);
        self.refresh_engine(force);
        if force {
            // (Possibly another engine, whose store may have the same resourceVersion.)
            self.timeline_rv = None;
        }
        if force || before != (self.seen_rv, self.clock.now_s, self.record_len) {
            self.refresh_timeline();
        }
    }

    fn refresh_engine(&mut self, force: bool) {
        let engine = self.engine.borrow();
        let c = &engine.cluster;
        let rv = c.resource_version();
        if force || rv != self.seen_rv {
            self.seen_rv = rv;
            let cluster = view_model::cluster_view(c, NAMESPACE);
            if *self.cluster != cluster {
                self.cluster = Rc::new(cluster);
            }
            let events = view_model::events_view(c, NAMESPACE);
            if *self.events != events {
                self.events = Rc::new(events);
            }
        }
        let clock = Clock {
            now_s: c.now().0 / 1000,
            has_timer: c.next_timer().is_some(),
            ..self.clock
        };
        self.clock = clock;
        self.record_len = engine.record().len();
        let s = &engine.session;
        let prompt = s.prompt();
        let (busy, attached, editing, jobs) =
            (s.busy(), s.attached(), s.editing().is_some(), s.has_jobs());
        let history_changed = self.terminal.history.len() != s.history().len()
            || self.terminal.history.last() != s.history().last();
        let history = history_changed.then(|| Rc::new(s.history().to_vec()));
        drop(engine);
        if self.terminal.prompt != prompt
            || self.terminal.busy != busy
            || self.terminal.attached != attached
            || self.terminal.editing != editing
            || self.terminal.jobs != jobs
            || history.is_some()
        {
            let t = Rc::make_mut(&mut self.terminal);
            t.prompt = prompt;
            t.busy = busy;
            t.attached = attached;
            t.editing = editing;
            t.jobs = jobs;
            if let Some(h) = history {
                t.history = h;
            }
        }
    }

    /// The editor's buffer replaced from outside the textarea (a lesson's manifest).
    fn replace_editor_text(&mut self, text: String) {
        let e = Rc::make_mut(&mut self.editor);
        e.syntax = yaml::syntax_error(&text);
        e.text = text.into();
        e.report = None;
        e.notice = None;
        e.generation += 1;
    }

    /// `kubectl apply -f web.yaml` of the editor's buffer, its result reported at the lines it
    /// is about.
    fn apply_editor(&mut self, why: &str) {
        let text = self.editor.text.clone();
        let out = self.ui_kubectl(&["apply", "-f", MANIFEST_FILE], why);
        self.next_id += 1;
        let report = ApplyReport {
            id: self.next_id,
            ok: out.stdout().lines().map(str::to_string).collect(),
            errors: apply_errors(&text, &out),
            stale: false,
        };
        let e = Rc::make_mut(&mut self.editor);
        e.report = Some(Rc::new(report));
        e.notice = None;
        self.refresh(true);
    }

    /// Runs a kubectl command for a button, echoing it in the terminal.
    fn ui_kubectl(&mut self, args: &[&str], why: &str) -> Output {
        let text = self.editor.text.clone();
        let out = {
            let mut e = self.engine.borrow_mut();
            e.sync_manifest(&text);
            e.kubectl(args)
        };
        self.log(
            LogKind::Ui,
            format!("kubectl {}   # {why}\n", args.join(" ")),
        );
        self.log_output(&out);
        out
    }

    /// Opens a session (an exported file, a shared link, the backup): its record replaces the
    /// cluster and the terminal; its editor text, if it has one, the editor's. Anything that is
    /// not a session leaves everything as it was and says why.
    pub fn open_session(&mut self, json: &str, from: SessionSource) {
        let parsed = serde_json::from_str::<serde_json::Value>(json)
            .map_err(|_| "it is not valid JSON".to_string())
            .and_then(|v| {
                let editor = v.get("editor").and_then(|e| e.as_str()).map(str::to_string);
                parse_saved(&v).map(|r| (r, editor))
            });
        let (saved, editor) = match parsed {
            Ok(p) => p,
            Err(why) => {
                self.log(
                    LogKind::Err,
                    format!(
                        "{} could not be opened ({why}); nothing changed.\n",
                        from.what()
                    ),
                );
                return;
            }
        };
        let ops = &saved.ops;
        self.replace_session(ops, saved.now, saved.branches.clone(), saved.latest);
        self.log(
            LogKind::Ui,
            format!(
                "# {} was opened: {} inputs replayed.{}\n",
                from.what(),
                ops.len(),
                if from == SessionSource::Backup {
                    ""
                } else {
                    " The session it replaced is kept: Restore backup brings it back."
                }
            ),
        );
        if let Some(text) = editor {
            let e = Rc::make_mut(&mut self.editor);
            e.syntax = yaml::syntax_error(&text);
            e.text = text.into();
            e.report = None;
            e.notice = None;
            e.generation += 1;
        }
        self.lesson_output.clear();
        self.checked = None;
        self.engine.borrow_mut().sync_manifest(&self.editor.text);
        self.refresh(true);
        self.sync_edit();
    }

    /// Keeps the panel's `kubectl edit` buffer in step with the session: opens it when an edit
    /// starts waiting for its editor (the panel comes into view; the route it left is kept),
    /// shows the new buffer when kubectl reopens it, and closes it when the edit has ended (a
    /// save, a cancel, Ctrl-C), going back to that route. `web.yaml` is never touched.
    fn sync_edit(&mut self) {
        let engine = self.engine.borrow();
        let waiting = engine.session.editing();
        let pass = waiting.map(|s| s.pass());
        if pass == self.editor.edit.as_ref().map(|e| e.pass) {
            return;
        }
        let opened = waiting.map(|s| EditBuffer {
            syntax: yaml::syntax_error(s.buffer()),
            text: s.buffer().into(),
            json: s.suffix() == ".json",
            pass: s.pass(),
        });
        drop(engine);
        let was_open = self.editor.edit.is_some();
        let e = Rc::make_mut(&mut self.editor);
        e.generation += 1;
        match opened {
            Some(b) => {
                e.edit = Some(Rc::new(b));
                if !was_open && self.route != Route::Manifest {
                    self.edit_return = Some(std::mem::replace(&mut self.route, Route::Manifest));
                }
            }
            None => {
                e.edit = None;
                if let Some(r) = self.edit_return.take() {
                    if self.route == Route::Manifest {
                        self.route = r;
                    }
                }
            }
        }
    }

    /// Save or Cancel of the `kubectl edit` in the panel: kubectl's answer goes to the terminal.
    fn close_edit(&mut self, save: bool) {
        let Some(edit) = self.editor.edit.clone() else {
            return;
        };
        let saved = save.then(|| edit.text.to_string());
        let out = self.engine.borrow_mut().finish_edit(saved);
        self.log_output(&out);
        self.refresh(true);
    }

    /// Logs a line the page says (not a command's output).
    pub fn note(&mut self, text: String) {
        self.log(LogKind::Ui, text);
    }

    /// Notes what became of a write to storage, and updates the notice.
    pub fn saved(&mut self, what: Stored, result: Result<(), SaveError>) {
        if matches!(&result, Err(e) if e.why == Refusal::OtherTab) {
            self.read_only = true;
        }
        match result {
            Ok(()) => self.failed_saves.remove(&what),
            Err(e) => self.failed_saves.insert(what, e),
        };
        self.autosave_notice = autosave_notice(&self.failed_saves).map(Rc::from);
    }

    /// Whether `saved(what, result)` would change what is known (most saves succeed as the last
    /// one did, and need no new model).
    fn save_is_news(&self, what: Stored, result: &Result<(), SaveError>) -> bool {
        self.failed_saves.get(&what) != result.as_ref().err()
    }

    /// The lesson the route shows.
    pub fn lesson(&self) -> Option<&Lesson> {
        match &self.route {
            Route::Lesson(id) => self.lessons.iter().find(|l| &l.id == id),
            _ => None,
        }
    }

    /// Compare's clusters for the route's pair (made, or remade for another pair), and its view
    /// rebuilt when `force` or a store moved.
    fn refresh_compare(&mut self, force: bool) {
        let Route::Compare(id) = &self.route else {
            return;
        };
        let pair = compare::pair_by_id(id).unwrap_or(compare::pairs()[0]);
        let fresh = match &self.compare {
            Some(c) if c.borrow().pair == pair => false,
            _ => {
                self.compare = Some(Rc::new(RefCell::new(Compare::new(pair))));
                true
            }
        };
        let Some(c) = &self.compare else { return };
        let mut c = c.borrow_mut();
        if c.changed() || force || fresh {
            self.compare_view = Some(Rc::new(c.views()));
        }
    }

    /// Runs `f` on Compare's clusters (made if needed) and rebuilds its view.
    fn with_compare(&mut self, f: impl FnOnce(&mut Compare)) {
        self.refresh_compare(false);
        if let Some(c) = &self.compare {
            f(&mut c.borrow_mut());
        }
        self.refresh_compare(true);
    }

    /// Types queued lines while the terminal is free to take them.
    fn drain_queue(&mut self) {
        while !self.engine.borrow().session.busy() {
            let Some(line) = self.queue.pop_front() else {
                break;
            };
            self.submit(&line);
        }
        self.queued = self.queue.len();
    }

    /// Marks the current lesson's checks that hold now as passed (a passed check stays passed).
    fn evaluate_checks(&mut self) {
        let key = (
            self.engine.borrow().cluster.resource_version(),
            self.next_id,
            self.route.clone(),
        );
        if self.checked.as_ref() == Some(&key) {
            return;
        }
        self.checked = Some(key);
        let Some(lesson) = self.lesson() else {
            return;
        };
        let done = self.progress.get(&lesson.id);
        let engine = self.engine.borrow();
        let newly: Vec<String> = lesson
            .steps
            .iter()
            .flat_map(|s| &s.blocks)
            .filter_map(|b| match b {
                Block::Check(c) => Some(c),
                _ => None,
            })
            .filter(|c| !done.is_some_and(|d| d.contains(&c.id)))
            .filter(|c| {
                c.conditions
                    .iter()
                    .all(|k| k.holds(&engine.cluster, NAMESPACE, &self.lesson_output))
            })
            .map(|c| c.id.clone())
            .collect();
        let id = lesson.id.clone();
        drop(engine);
        if !newly.is_empty() {
            Rc::make_mut(&mut self.progress)
                .entry(id)
                .or_default()
                .extend(newly);
        }
    }

    fn submit(&mut self, line: &str) {
        // The session's prompt now: lines a Run button queued are typed one after another
        // with no refresh between them, and one may have attached a container's shell.
        let prompt = self.engine.borrow().session.prompt();
        let text = self.editor.text.clone();
        // Taken before its echo is logged, so the terminal as it was when the line came (the
        // timeline's) ends before the echo.
        let out = {
            let mut e = self.engine.borrow_mut();
            e.sync_manifest(&text);
            e.input(line)
        };
        self.log(LogKind::Input, format!("{prompt}{line}\n"));
        self.log_output(&out);
    }

    /// Rebuilds the timeline's view (the session's inputs and marks, the position shown).
    fn refresh_timeline(&mut self) {
        let engine = self.engine.borrow();
        // The cluster's notable moments change only with the store.
        let rv = engine.cluster.resource_version();
        let marks = if self.timeline_rv == Some(rv) {
            self.timeline.marks.clone()
        } else {
            Rc::new(timeline::notable(&engine.cluster, NAMESPACE))
        };
        let v = timeline::view(&engine, self.past.as_ref().map(|p| p.pos), marks);
        drop(engine);
        self.timeline_rv = Some(rv);
        if *self.timeline != v {
            self.timeline = Rc::new(v);
        }
    }

    /// Shows timeline position `pos` (past the last input: now, the session).
    fn scrub(&mut self, pos: usize) {
        self.sync_marks();
        let len = self.engine.borrow().record().len();
        if pos >= len {
            self.past = None;
            self.refresh_timeline();
            return;
        }
        if self.past.as_ref().is_some_and(|p| p.pos == pos) {
            return;
        }
        let engine = self.engine.borrow().at(pos);
        let c = &engine.cluster;
        let s = &engine.session;
        let upto = self.marks.get(pos).copied().unwrap_or(self.next_id);
        let terminal = TerminalView {
            log: self
                .terminal
                .log
                .iter()
                .filter(|e| e.id <= upto)
                .cloned()
                .collect(),
            prompt: s.prompt(),
            busy: s.busy(),
            attached: s.attached(),
            editing: s.editing().is_some(),
            jobs: s.has_jobs(),
            history: Rc::new(s.history().to_vec()),
        };
        let past = Past {
            pos,
            clock: Clock {
                now_s: c.now().0 / 1000,
                has_timer: false,
                ..self.clock
            },
            cluster: Rc::new(view_model::cluster_view(c, NAMESPACE)),
            events: Rc::new(view_model::events_view(c, NAMESPACE)),
            terminal: Rc::new(terminal),
            engine: Rc::new(RefCell::new(engine)),
        };
        self.past = Some(past);
        self.refresh_timeline();
    }

    /// "Branch here": the moment shown becomes the session; the line it was on is kept as a
    /// branch, and the terminal goes back to what it showed then.
    fn branch_here(&mut self) {
        let Some(past) = self.past.take() else {
            return;
        };
        self.sync_marks();
        let upto = self.marks.get(past.pos).copied().unwrap_or(self.next_id);
        let engine = std::mem::take(&mut *past.engine.borrow_mut());
        self.engine.borrow_mut().branch_to(engine);
        self.marks.truncate(past.pos);
        self.queue.clear();
        self.queued = 0;
        Rc::make_mut(&mut self.terminal)
            .log
            .retain(|e| e.id <= upto);
        self.branches_gen += 1;
        self.log(
            LogKind::Ui,
            format!(
                "# Branched at {}: new inputs go on from here; what came after is kept (Return to latest).\n",
                crate::controls::clock_text(past.clock.now_s)
            ),
        );
        self.lesson_output.clear();
        self.checked = None;
        self.refresh(true);
        self.sync_edit();
    }

    /// A record replayed becomes the session, with its kept branches: the engine, the
    /// terminal's log (the replayed lines) and the marks start from it; nothing queued survives.
    fn replace_session(
        &mut self,
        ops: &[Recorded],
        now: u64,
        branches: Vec<crate::engine::Branch>,
        latest: Option<usize>,
    ) {
        let (mut engine, replayed) = replay_into(ops, now);
        (engine.branches, engine.latest) = (branches, latest);
        *self.engine.borrow_mut() = engine;
        self.past = None;
        self.branches_gen += 1;
        self.queue.clear();
        self.queued = 0;
        Rc::make_mut(&mut self.terminal).log.clear();
        self.marks.clear();
        self.log_replayed(replayed);
    }

    /// Kept branch `i` becomes the session (replayed), the current line kept in its place.
    fn switch_branch(&mut self, i: usize) {
        self.past = None;
        let Some((b, branches, latest)) = self.engine.borrow_mut().switch_to(i) else {
            return;
        };
        self.replace_session(&b.ops, b.now, branches, latest);
        self.log(
            LogKind::Ui,
            format!(
                "# {}: {} inputs replayed. The line you left is kept as a branch.\n",
                if latest.is_none() {
                    "Back to the latest line"
                } else {
                    "Switched to a branch"
                },
                b.ops.len()
            ),
        );
        self.lesson_output.clear();
        self.checked = None;
        self.refresh(true);
        self.sync_edit();
    }
}

/// What Apply of `text` said went wrong, each at the line kubectl says it is about.
fn apply_errors(text: &str, out: &Output) -> Vec<LineError> {
    if out.diagnostics.is_empty() {
        // kubectl stopped before reading the file (nothing the page's Apply can cause): its
        // words, at no line.
        return out
            .chunks
            .iter()
            .filter(|(s, _)| *s == Stream::Err)
            .map(|(_, t)| LineError {
                line: None,
                message: t.trim_end().to_string(),
            })
            .collect();
    }
    out.diagnostics
        .iter()
        .map(|d| LineError {
            line: yaml::line_of(text, &d.place),
            message: d.message.clone(),
        })
        .collect()
}

/// A size as people read it: `640 bytes`, `12 KB`, `1.2 MB` (decimal units).
pub fn human_size(bytes: usize) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else if bytes >= 1000 {
        format!("{} KB", (bytes + 500) / 1000)
    } else {
        format!("{bytes} bytes")
    }
}

/// What the page says about the writes the browser refused (`None` if none).
pub fn autosave_notice(failed: &BTreeMap<Stored, SaveError>) -> Option<String> {
    const EXPORT: &str = "Export it from the Session menu to keep it.";
    if failed.values().any(|e| e.why == Refusal::Unavailable) {
        return Some(
            "Autosave failed: this browser does not let this page store anything (its storage \
             is off or blocked), so a reload starts fresh. To keep this session, export it from \
             the Session menu."
                .to_string(),
        );
    }
    let says: Vec<String> = failed
        .values()
        .filter_map(|e| {
            let size = human_size(e.bytes);
            Some(match e.what {
                Stored::Backup => format!(
                    "Autosave is off: the session saved before ({size}) could not be copied to \
                     the backup, as the browser lets this page store no more, so it is kept as \
                     it was and this session is not saved over it. {EXPORT}"
                ),
                // While the saved session is held, the backup's line says why.
                Stored::Session if e.why == Refusal::Held => return None,
                // Another tab holds the session: the page's read-only notice says so.
                _ if e.why == Refusal::OtherTab => return None,
                Stored::Session => format!(
                    "Autosave failed: this session ({size}) is more than the browser lets this \
                     page store, so a reload would go back to the last one saved. {EXPORT}"
                ),
                Stored::Editor => format!(
                    "Autosave failed: the editor's manifest ({size}) is more than the browser \
                     lets this page store, so a reload would lose it."
                ),
                Stored::Progress => "Autosave failed: lesson progress could not be saved, as \
                     the browser lets this page store no more."
                    .to_string(),
            })
        })
        .collect();
    (!says.is_empty()).then(|| says.join(" "))
}

impl Reducible for Model {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        if let Action::Saved(what, result) = &action {
            if !self.save_is_news(*what, result) {
                return self;
            }
        }
        let mut m = (*self).clone();
        if m.read_only {
            // Inputs that would change the session are refused (the line typed is echoed, so
            // what was not run is in view).
            let refused = match &action {
                Action::RunInTerminal(line) | Action::Submit(line) => Some(Some(line.clone())),
                Action::Interrupt(_) if m.terminal.busy => Some(None),
                Action::Apply
                | Action::Scale { .. }
                | Action::DeletePod(_)
                | Action::RunLines(_)
                | Action::ApplyManifest(_)
                | Action::Stop
                | Action::Step
                | Action::ResetLesson(_)
                | Action::OpenSession(..)
                | Action::SaveEdit
                | Action::CancelEdit
                | Action::BranchHere
                | Action::SwitchBranch(_) => Some(None),
                Action::ReturnToLatest if m.engine.borrow().latest.is_some() => Some(None),
                _ => None,
            };
            if let Some(line) = refused {
                if let Some(line) = line {
                    let prompt = m.terminal.prompt.clone();
                    m.log(LogKind::Input, format!("{prompt}{line}\n"));
                }
                m.log(LogKind::Ui, READ_ONLY_NOTE.into());
                return Rc::new(m);
            }
        }
        if let Some(past) = &m.past {
            match &action {
                // The session's clock waits while the page shows an earlier moment.
                Action::Frame(_) | Action::Step => return self,
                // A line typed while the moment shown had a command running waits, as it
                // would have then (the terminal keeps it).
                Action::Submit(_) | Action::RunInTerminal(_) if past.terminal.busy => return self,
                // An input there goes on from there: the session branches (nothing is lost:
                // what came after is kept).
                Action::RunInTerminal(_)
                | Action::Submit(_)
                | Action::Interrupt(_)
                | Action::Apply
                | Action::Scale { .. }
                | Action::DeletePod(_)
                | Action::RunLines(_)
                | Action::ApplyManifest(_)
                | Action::Stop
                | Action::ResetLesson(_)
                | Action::SaveEdit
                | Action::CancelEdit => {
                    m.branch_here();
                    m.log(LogKind::Ui, BRANCHED_NOTE.into());
                }
                _ => {}
            }
        }
        match action {
            Action::Follow(f) => m.follow(f),
            Action::OtherTab => {
                if m.read_only {
                    return self;
                }
                m.read_only = true;
                m.queue.clear();
                m.queued = 0;
            }
            Action::TakeOver {
                editor,
                progress,
                session,
            } => {
                let (editor, own) = follow::taking_over(&m.editor.text, editor);
                let mut n = Model::with(editor, progress, m.route.clone(), session);
                // The same engine cell, which the page's listeners (the save on pagehide, tab
                // completion) hold: it gets the session taken over.
                let engine = std::mem::take(&mut *n.engine.borrow_mut());
                *m.engine.borrow_mut() = engine;
                n.engine = m.engine.clone();
                // What the page fetched stays.
                n.lessons = m.lessons.clone();
                n.lessons_note = m.lessons_note.clone();
                n.clock.speed = m.clock.speed;
                n.note("# You took over the session in this tab: it is as the other tab last saved it, and the other tab is now read-only.\n".into());
                if own {
                    n.note("# The editor keeps the text you changed in this tab.\n".into());
                }
                m = n;
            }
            Action::Frame(real_ms) => {
                if m.clock.paused {
                    return self;
                }
                let sim_ms = real_ms.clamp(0.0, MAX_FRAME_MS) * f64::from(m.clock.speed);
                // A read-only tab's time is the holder's (it follows the holder's saves).
                let out = if m.read_only {
                    Output::default()
                } else {
                    m.engine.borrow_mut().advance(sim_ms)
                };
                m.log_output(&out);
                if !m.queue.is_empty() {
                    m.drain_queue();
                }
                m.refresh(false);
                if matches!(m.route, Route::Compare(_)) {
                    if let Some(c) = &m.compare {
                        c.borrow_mut().advance(sim_ms);
                    }
                    m.refresh_compare(false);
                }
            }
            Action::CompareLine(line) => m.with_compare(|c| c.input(&line)),
            Action::CompareScale(n) => m.with_compare(|c| c.scale(n)),
            Action::CompareDelete(i) => m.with_compare(|c| c.delete_pod_at(i)),
            Action::CompareReset => {
                m.compare = None;
                m.refresh_compare(true);
            }
            Action::ExplainLoaded(Ok(data)) => {
                m.engine.borrow_mut().explain_loaded(data.into());
            }
            Action::ExplainLoaded(Err(_)) => {}
            Action::LessonsLoaded(Ok(sources)) => match lessons::parse_all(&sources) {
                Ok(l) => {
                    m.lessons = Rc::new(l);
                    m.lessons_note = None;
                }
                Err(e) => m.lessons_note = Some(format!("The lessons could not be read ({e}).")),
            },
            Action::LessonsLoaded(Err(e)) => {
                m.lessons_note = Some(format!(
                    "The lessons could not be loaded ({e}). Reload the page to try again."
                ));
            }
            Action::TogglePause => {
                m.clock.paused = !m.clock.paused;
            }
            Action::Step => {
                let out = m.engine.borrow_mut().step();
                m.log_output(&out);
                m.refresh(false);
            }
            Action::SetSpeed(s) => {
                m.clock.speed = s.max(1);
            }
            // The panel shows a `kubectl edit` buffer: Apply and the examples wait for it to close.
            Action::Apply | Action::LoadExample(_) if m.editor.edit.is_some() => return self,
            Action::Edit(text) if m.editor.edit.is_some() => {
                let e = Rc::make_mut(&mut m.editor);
                if let Some(b) = e.edit.as_mut() {
                    if *b.text == *text {
                        return self;
                    }
                    let b = Rc::make_mut(b);
                    b.syntax = yaml::syntax_error(&text);
                    b.text = text.into();
                }
            }
            Action::SaveEdit => m.close_edit(true),
            Action::CancelEdit => m.close_edit(false),
            Action::Edit(text) => {
                if *m.editor.text == *text {
                    return self;
                }
                let e = Rc::make_mut(&mut m.editor);
                e.syntax = yaml::syntax_error(&text);
                e.text = text.into();
                e.notice = None;
                if let Some(r) = &e.report {
                    if !r.stale {
                        let mut r = (**r).clone();
                        r.stale = true;
                        e.report = Some(Rc::new(r));
                    }
                }
            }
            Action::LoadExample(ex) => {
                let e = Rc::make_mut(&mut m.editor);
                e.text = ex.text().into();
                e.syntax = yaml::syntax_error(ex.text());
                e.report = None;
                e.notice = None;
                e.generation += 1;
            }
            Action::Apply => m.apply_editor("the Apply button"),
            Action::Scale {
                kind,
                name,
                replicas,
            } => {
                let n = format!("--replicas={replicas}");
                m.ui_kubectl(&["scale", &kind, &name, &n], "the Replicas slider");
                m.refresh(true);
            }
            Action::DeletePod(pod) => {
                m.ui_kubectl(
                    &["delete", "pod", &pod, "--wait=false"],
                    &format!("the Delete button of {pod}"),
                );
                m.refresh(true);
            }
            Action::RunInTerminal(line) | Action::Submit(line) => {
                if m.terminal.busy {
                    return self;
                }
                m.submit(&line);
                m.refresh(true);
            }
            Action::Interrupt(line) => {
                if m.terminal.busy {
                    let out = m.engine.borrow_mut().interrupt();
                    m.log_output(&out);
                } else {
                    let prompt = m.terminal.prompt.clone();
                    m.log(LogKind::Input, format!("{prompt}{line}^C\n"));
                }
                m.refresh(false);
            }
            Action::Navigate(route) => {
                if route != m.route {
                    let opened_lesson =
                        matches!(&route, Route::Lesson(id) if m.route != Route::Lesson(id.clone()));
                    if let Route::Lesson(id) = &route {
                        m.last_lesson = Some(id.clone());
                    }
                    m.route = route;
                    if opened_lesson {
                        m.lesson_output.clear();
                    }
                    m.refresh_compare(false);
                }
            }
            Action::RunLines(lines) => {
                m.queue.extend(lines);
                m.drain_queue();
                m.refresh(true);
            }
            Action::OpenInEditor(text) => {
                m.replace_editor_text(text);
                m.route = Route::Manifest;
            }
            Action::ApplyManifest(text) => {
                m.replace_editor_text(text);
                m.apply_editor("the lesson's Apply button");
            }
            Action::Stop => {
                if !m.engine.borrow().session.busy() {
                    return self;
                }
                let out = m.engine.borrow_mut().interrupt();
                m.log_output(&out);
                m.refresh(false);
            }
            Action::ResetLesson(id) => {
                let Some(lesson) = m.lessons.iter().find(|l| l.id == id).cloned() else {
                    return self;
                };
                m.queue.clear();
                m.queued = 0;
                let out = m.engine.borrow_mut().reset(&lesson.setup);
                m.marks.clear();
                m.engine.borrow_mut().sync_manifest(&m.editor.text);
                Rc::make_mut(&mut m.terminal).log.clear();
                m.log(
                    LogKind::Ui,
                    format!("# A fresh cluster for the lesson \"{}\"\n", lesson.title),
                );
                for line in &lesson.setup {
                    m.log(LogKind::Ui, format!("$ {line}\n"));
                }
                m.log_output(&out);
                m.lesson_output.clear();
                Rc::make_mut(&mut m.progress).remove(&id);
                m.checked = None;
                m.last_lesson = Some(id.clone());
                m.route = Route::Lesson(id);
                m.refresh(true);
            }
            Action::OpenSession(json, from) => m.open_session(&json, from),
            Action::Note(text) => m.note(text),
            Action::ShowCompletions { line, candidates } => {
                let prompt = m.terminal.prompt.clone();
                m.log(LogKind::Input, format!("{prompt}{line}\n"));
                m.log(LogKind::Out, format!("{}\n", candidates.join("  ")));
            }
            Action::Saved(what, result) => m.saved(what, result),
            Action::Scrub(pos) => m.scrub(pos),
            Action::BranchHere => m.branch_here(),
            Action::ReturnToLatest => {
                let latest = m.engine.borrow().latest;
                match latest {
                    Some(i) => m.switch_branch(i),
                    None if m.past.is_some() => {
                        m.past = None;
                        m.refresh_timeline();
                    }
                    None => return self,
                }
            }
            Action::SwitchBranch(i) => m.switch_branch(i),
        }
        m.sync_edit();
        if m.lesson().is_some() {
            m.evaluate_checks();
        }
        if m == *self {
            self
        } else {
            Rc::new(m)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn act(m: Rc<Model>, a: Action) -> Rc<Model> {
        m.reduce(a)
    }

    #[test]
    fn apply_runs_kubectl_and_frames_only_render_on_change() {
        let m = Rc::new(Model::new(Ok(Some(Example::K8sIoWeb.text().to_string()))));
        let m = act(m, Action::Apply);
        let r = m.editor.report.clone().unwrap();
        assert_eq!(
            r.ok,
            vec!["service/nginx created", "statefulset.apps/web created"]
        );
        assert_eq!(m.cluster.sets.len(), 1);
        // A frame shorter than a simulated second, with nothing due, changes nothing.
        let m = act(m, Action::SetSpeed(1));
        let same = act(m.clone(), Action::Frame(0.2));
        assert!(Rc::ptr_eq(&m, &same));
        // Time passes: web-0, then web-1, become Ready.
        let mut m = m;
        for _ in 0..400 {
            m = act(m, Action::Frame(100.0));
        }
        let set = &m.cluster.sets[0];
        assert_eq!(set.ready, "2/2");
        let pods: Vec<_> = set.rows.iter().map(|r| r.pod.clone().unwrap()).collect();
        assert_eq!(pods[0].status, "Running");
        assert_eq!(pods[1].ready, "1/1");
        assert_eq!(
            pods[0].dns.as_ref().unwrap().fqdn,
            "web-0.nginx.default.svc.cluster.local"
        );
        assert_eq!(set.rows[0].claims[0].status, "Bound");
    }

    /// The errors of an Apply, as the editor marks them.
    fn marks_after_apply(text: &str) -> Vec<LineError> {
        let m = Rc::new(Model::new(Ok(Some(text.to_string()))));
        let m = act(m, Action::Apply);
        let r = m.editor.report.clone().unwrap();
        r.errors.clone()
    }

    fn at(line: usize, message: &str) -> LineError {
        LineError {
            line: Some(line),
            message: message.to_string(),
        }
    }

    /// Two objects the server refuses, as the browser test "YAML and API errors are shown at
    /// their line" applies them.
    const TWO_INVALID: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\nspec:\n  ports:\n  - name: web\n    port: 99999\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  serviceName: svc\n  replicas: -1\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: registry.k8s.io/nginx-slim:0.21\n";

    #[test]
    fn a_yaml_error_is_marked_at_its_line() {
        assert_eq!(
            marks_after_apply("apiVersion: v1\nkind: Service\nmetadata:\n  name: x: y\n"),
            [at(4, "error: error parsing web.yaml: error converting YAML to JSON: yaml: line 4: mapping values are not allowed in this context")]
        );
    }

    #[test]
    fn api_errors_are_marked_at_the_field_of_the_object_they_are_about() {
        assert_eq!(
            marks_after_apply(TWO_INVALID),
            [
                at(8, "Error from server (Invalid): error when creating \"web.yaml\": Service \"svc\" is invalid: spec.ports[0].port: Invalid value: 99999: must be between 1 and 65535, inclusive"),
                at(16, "Error from server (Invalid): error when creating \"web.yaml\": StatefulSet.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
            ]
        );
        // One refused object alone: kubectl lists its causes, and each is marked at its field.
        let fixed = TWO_INVALID.replace("port: 99999", "port: 80");
        let sts_only = fixed.replace(
            "    spec:\n      containers:",
            "    spec:\n      restartPolicy: Never\n      containers:",
        );
        let errors = marks_after_apply(&sts_only);
        assert_eq!(
            errors.iter().map(|e| e.line).collect::<Vec<_>>(),
            [Some(16), Some(25)],
            "{errors:?}"
        );
        assert!(errors[0]
            .message
            .starts_with("The StatefulSet \"web\" is invalid: spec.replicas: Invalid value: -1"));
        assert_eq!(
            errors[1].message,
            "The StatefulSet \"web\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""
        );
        // A kind the server does not serve: the first line of its document.
        let ok = fixed.replace("replicas: -1", "replicas: 1");
        let foo =
            format!("{ok}---\n# not served\napiVersion: v1\nkind: Foo\nmetadata:\n  name: foo\n");
        let errors = marks_after_apply(&foo);
        assert_eq!(
            errors,
            [at(30, "error: resource mapping not found for name: \"foo\" namespace: \"\" from \"web.yaml\": no matches for kind \"Foo\" in version \"v1\"\nensure CRDs are installed first")]
        );
    }

    fn terminal_text(m: &Model) -> String {
        m.terminal.log.iter().map(|e| e.text.as_str()).collect()
    }

    /// The lesson's cluster with web's two replicas up, and the editor holding `web.yaml`.
    fn with_web() -> Rc<Model> {
        let m = Rc::new(Model::new(Ok(Some(Example::K8sIoWeb.text().to_string()))));
        act(m, Action::Apply)
    }

    /// [`with_web`], with `kubectl edit sts web` open and its buffer's replicas typed over as
    /// `replicas` (not saved yet).
    fn editing_replicas(replicas: i32) -> Rc<Model> {
        let m = act(with_web(), Action::Submit("kubectl edit sts web".into()));
        let buffer = m
            .editor
            .edit
            .clone()
            .expect("the edit is open")
            .text
            .to_string();
        let typed = buffer.replacen("  replicas: 2\n", &format!("  replicas: {replicas}\n"), 1);
        act(m, Action::Edit(typed))
    }

    #[test]
    fn kubectl_edit_opens_its_buffer_in_the_panel_and_save_patches() {
        let m = with_web();
        let manifest = m.editor.text.clone();
        let m = act(m, Action::Submit("kubectl edit sts web".into()));
        let edit = m.editor.edit.clone().expect("the edit is open");
        assert!(edit.text.starts_with(ordinal_kubectl::edit::HEADER));
        assert!(m.terminal.busy && m.terminal.editing);
        // Typing changes the edit's buffer, never web.yaml.
        let changed = edit.text.replacen("  replicas: 2\n", "  replicas: 3\n", 1);
        let m = act(m, Action::Edit(changed));
        assert_eq!(m.editor.text, manifest);
        let m = act(m, Action::SaveEdit);
        assert!(m.editor.edit.is_none());
        assert!(!m.terminal.busy);
        assert!(
            terminal_text(&m).ends_with("$ kubectl edit sts web\nstatefulset.apps/web edited\n")
        );
        assert_eq!(m.editor.text, manifest);
        assert_eq!(m.cluster.sets[0].desired, 3);
    }

    #[test]
    fn a_refused_edit_reopens_and_cancel_gives_up_keeping_the_file() {
        let m = editing_replicas(-1);
        let m = act(m, Action::SaveEdit);
        let reopened = m.editor.edit.clone().expect("reopened");
        assert_eq!(reopened.pass, 1);
        assert!(reopened.text.contains(
            "# statefulsets.apps \"web\" was not valid:\n# * spec.replicas: Invalid value: -1"
        ));
        assert!(terminal_text(&m).ends_with("error: statefulsets.apps \"web\" is invalid\n"));
        let m = act(m, Action::CancelEdit);
        assert!(m.editor.edit.is_none());
        let log = terminal_text(&m);
        assert!(
            log.contains("A copy of your changes has been stored to \"/tmp/kubectl-edit-"),
            "{log}"
        );
        assert!(log.ends_with("error: Edit cancelled, no valid changes were saved.\n"));
        // A cancel straight away is kubectl's "no changes".
        let m = act(m, Action::Submit("kubectl edit sts web".into()));
        let m = act(m, Action::CancelEdit);
        assert!(terminal_text(&m).ends_with("Edit cancelled, no changes made.\n"));
        assert_eq!(m.cluster.sets[0].desired, 2);
    }

    #[test]
    fn an_edit_from_a_lesson_shows_the_panel_and_goes_back_and_ctrl_c_closes_it() {
        let m = with_web();
        let m = act(m, Action::Navigate(Route::Lessons));
        let m = act(m, Action::Submit("kubectl edit svc nginx".into()));
        assert_eq!(m.route, Route::Manifest);
        assert!(m.editor.edit.is_some());
        let m = act(m, Action::Interrupt(String::new()));
        assert!(m.editor.edit.is_none());
        assert_eq!(m.route, Route::Lessons);
        assert!(!m.terminal.busy);
    }

    #[test]
    fn a_session_with_an_edit_replays_to_the_same_cluster_and_buffer() {
        let m = editing_replicas(4);
        let m = act(m, Action::SaveEdit);
        let m = act(m, Action::Submit("kubectl edit sts web -o json".into()));
        let (json, replicas) = {
            let e = m.engine.borrow();
            (e.record_json(), m.cluster.sets[0].desired)
        };
        assert_eq!(replicas, 4);
        let (ops, now) = crate::engine::parse_record(&json).unwrap();
        let r = Model::with(
            Ok(None),
            Progress::new(),
            Route::Manifest,
            Ok(Some(Saved::plain(ops, now))),
        );
        assert_eq!(r.cluster.sets[0].desired, 4);
        // It was left waiting for its editor: the panel opens it again.
        let edit = r.editor.edit.clone().expect("the edit is open again");
        assert!(edit.json && edit.text.starts_with("{\n"));
    }

    #[test]
    fn the_terminal_runs_lines_and_keeps_history() {
        let m = Rc::new(Model::new(Ok(None)));
        let m = act(m, Action::Submit("kubectl get nodes".into()));
        let text: String = m.terminal.log.iter().map(|e| e.text.as_str()).collect();
        assert!(text.contains("$ kubectl get nodes\nNAME"), "{text}");
        assert!(text.contains("kind-worker2"));
        assert_eq!(*m.terminal.history, vec!["kubectl get nodes".to_string()]);
        // A watch keeps the terminal busy until Ctrl-C.
        let m = act(m, Action::Submit("kubectl get pods -w".into()));
        assert!(m.terminal.busy);
        let m = act(m, Action::Interrupt(String::new()));
        assert!(!m.terminal.busy);
        // A background job leaves the terminal free, and its output reaches the log as the
        // clock runs.
        let m = act(
            m,
            Action::Submit("sleep 2 && echo two seconds later &".into()),
        );
        assert!(!m.terminal.busy && m.terminal.jobs);
        let mut m = m;
        for _ in 0..12 {
            m = act(m, Action::Frame(250.0));
        }
        let text: String = m.terminal.log.iter().map(|e| e.text.as_str()).collect();
        assert!(text.ends_with("[1] 4243\ntwo seconds later\n"), "{text}");
        assert!(!m.terminal.jobs);
    }

    /// Does every lesson the way the browser test does, through the reducer: Reset lesson, then
    /// per step each button (Open in the editor + Apply, or Run), time at top speed until the
    /// step's checks pass (Ctrl-C for a watch the step left running). Lesson authors run this
    /// natively: `cargo test -p ordinal-web every_lesson`.
    #[test]
    fn kubectl_explain_says_it_is_loading_until_its_data_arrives() {
        let text =
            |m: &Model| -> String { m.terminal.log.iter().map(|e| e.text.as_str()).collect() };
        let m = Rc::new(Model::new(Ok(None)));
        let m = act(m, Action::Submit("kubectl explain pods".into()));
        assert!(
            text(&m).contains(ordinal_kubectl::explain::LOADING),
            "{}",
            text(&m)
        );
        // Only the tests embed it: the page fetches it after the first paint.
        let data = include_str!("../explain/explain.json");
        let m = act(m, Action::ExplainLoaded(Ok(data.into())));
        let m = act(
            m,
            Action::Submit("kubectl explain sts.spec.replicas".into()),
        );
        assert!(
            text(&m).contains("FIELD: replicas <integer>"),
            "{}",
            text(&m)
        );
    }

    #[test]
    fn fetched_lessons_replace_the_note_and_bad_ones_say_why() {
        let mut m = Rc::new(Model::new(Ok(None)));
        m = act(
            m,
            Action::LessonsLoaded(Err("HTTP 404 for lessons/01-basics.md".into())),
        );
        let note = m.lessons_note.clone().unwrap_or_default();
        assert!(note.contains("HTTP 404 for lessons/01-basics.md"), "{note}");
        assert!(note.contains("Reload"), "{note}");
        let mut sources: Vec<String> = lessons::SOURCES.iter().map(|s| s.to_string()).collect();
        m = act(m, Action::LessonsLoaded(Ok(sources.clone())));
        assert_eq!(m.lessons.len(), lessons::FILES.len());
        assert_eq!(m.lessons_note, None);
        // A file that does not parse is named; the lessons already shown stay.
        sources[2] = "no title here".into();
        m = act(m, Action::LessonsLoaded(Ok(sources)));
        let note = m.lessons_note.clone().unwrap_or_default();
        assert!(note.contains("03-stuck-rollout.md"), "{note}");
        assert_eq!(m.lessons.len(), lessons::FILES.len());
    }

    #[test]
    fn every_lesson_completes_with_its_buttons() {
        let mut m = Rc::new(Model::new(Ok(None)));
        m = act(m, Action::SetSpeed(1000));
        for lesson in lessons::all() {
            m = complete_lesson(m, &lesson);
        }
    }

    /// One lesson, done as `every_lesson_completes_with_its_buttons` does it, with what the
    /// terminal printed: `ORDINAL_LESSON=<id> cargo test -p ordinal-web one_lesson --
    /// --ignored --nocapture` (for lesson authors: quote the playground's own output).
    #[test]
    #[ignore]
    fn one_lesson_transcript() {
        let id = std::env::var("ORDINAL_LESSON").unwrap_or_else(|_| "basics".into());
        let lesson = lessons::all().into_iter().find(|l| l.id == id).unwrap();
        let m = act(Rc::new(Model::new(Ok(None))), Action::SetSpeed(1000));
        let m = complete_lesson(m, &lesson);
        let log: String = m.terminal.log.iter().map(|e| e.text.as_str()).collect();
        println!("{log}");
    }

    /// Reset lesson, then per step each button (Apply for a manifest, Run for commands), time
    /// at top speed until the step's checks pass, then Stop for a watch the step left running.
    /// No check may pass before its step.
    fn complete_lesson(mut m: Rc<Model>, lesson: &Lesson) -> Rc<Model> {
        m = act(m, Action::Navigate(Route::Lesson(lesson.id.clone())));
        m = act(m, Action::ResetLesson(lesson.id.clone()));
        for (i, step) in lesson.steps.iter().enumerate() {
            // A check must need its own step: none may pass before the step's buttons.
            for b in &step.blocks {
                if let Block::Check(c) = b {
                    assert!(
                        !m.progress
                            .get(&lesson.id)
                            .is_some_and(|p| p.contains(&c.id)),
                        "{}: check {} passed before its step ran",
                        lesson.id,
                        c.id
                    );
                }
            }
            let mut stop = false;
            for b in &step.blocks {
                match b {
                    Block::Commands(lines) => {
                        m = act(m, Action::RunLines(lines.clone()));
                        stop |= lines.iter().any(|l| lessons::starts_watch(l));
                    }
                    // The lesson's Apply: the lesson stays in view, the editor holds the
                    // manifest. (A step may apply a manifest the server refuses: its
                    // checks say what must come of it.)
                    Block::Manifest(text) => {
                        m = act(m, Action::ApplyManifest(text.clone()));
                        assert_eq!(m.route, Route::Lesson(lesson.id.clone()));
                        assert_eq!(&*m.editor.text, text.as_str());
                    }
                    _ => {}
                }
            }
            let ids: Vec<&str> = step
                .blocks
                .iter()
                .filter_map(|b| match b {
                    Block::Check(c) => Some(c.id.as_str()),
                    _ => None,
                })
                .collect();
            let passed = |m: &Model| {
                ids.iter()
                    .all(|id| m.progress.get(&lesson.id).is_some_and(|p| p.contains(*id)))
            };
            // Display frames as the browser gives them (16 ms at 1000x: 16 s each), for up
            // to an hour of simulated time.
            for _ in 0..225 {
                if passed(&m) {
                    break;
                }
                m = act(m, Action::Frame(16.0));
            }
            let log: String = m.terminal.log.iter().map(|e| e.text.as_str()).collect();
            assert!(
                passed(&m),
                "{}: step {} ({}) did not pass its checks {:?}; done: {:?}\nterminal:\n{}",
                lesson.id,
                i + 1,
                step.title,
                ids,
                m.progress.get(&lesson.id),
                &log[log.len().saturating_sub(3000)..]
            );
            // A step that starts a watch has a Stop button for it; a step without one leaves
            // nothing running once its commands end by themselves (a delete's wait, a sleep).
            for _ in 0..225 {
                if stop || !m.terminal.busy {
                    break;
                }
                m = act(m, Action::Frame(16.0));
            }
            if m.terminal.busy {
                assert!(
                    stop,
                    "{}: step {} ({}) left the terminal busy and has no Stop button\nterminal:\n{}",
                    lesson.id,
                    i + 1,
                    step.title,
                    &log[log.len().saturating_sub(3000)..]
                );
                m = act(m, Action::Stop);
                assert!(!m.terminal.busy);
            }
        }
        m
    }

    #[test]
    fn a_lessons_apply_button_applies_in_place_and_leaves_the_manifest_in_the_editor() {
        let m = Rc::new(Model::new(Ok(None)));
        let m = act(m, Action::Navigate(Route::Lesson("storage".into())));
        let yaml = Example::K8sIoWeb.text().to_string();
        let m = act(m, Action::ApplyManifest(yaml.clone()));
        assert_eq!(m.route, Route::Lesson("storage".into()));
        assert_eq!(&*m.editor.text, yaml.as_str());
        let r = m.editor.report.clone().unwrap();
        assert_eq!(
            r.ok,
            vec!["service/nginx created", "statefulset.apps/web created"]
        );
        assert_eq!(m.cluster.sets.len(), 1);
        // The terminal says what ran and what it printed.
        let log: String = m.terminal.log.iter().map(|e| e.text.as_str()).collect();
        assert!(
            log.contains(
                "kubectl apply -f web.yaml   # the lesson's Apply button\nservice/nginx created\n"
            ),
            "{log}"
        );
        // The same again is reported as the editor's Apply reports it (a set with claim
        // templates is always `configured`: the list has no merge key, so the patch holds it).
        let m = act(m, Action::ApplyManifest(yaml));
        let r = m.editor.report.clone().unwrap();
        assert_eq!(
            r.ok,
            vec!["service/nginx unchanged", "statefulset.apps/web configured"]
        );
    }

    #[test]
    fn stop_ends_the_running_watch_and_lets_queued_lines_run() {
        let m = Rc::new(Model::new(Ok(None)));
        // Nothing runs: Stop changes nothing at all (no "^C" line either).
        let same = act(m.clone(), Action::Stop);
        assert!(Rc::ptr_eq(&m, &same));
        let m = act(
            m,
            Action::RunLines(vec![
                "kubectl get pods -w".into(),
                "kubectl get nodes".into(),
            ]),
        );
        assert!(m.terminal.busy);
        assert_eq!(m.queued, 1);
        let m = act(m, Action::Stop);
        assert!(!m.terminal.busy);
        // The next frame types the line the watch held back.
        let m = act(m, Action::Frame(16.0));
        assert_eq!(m.queued, 0);
        let log: String = m.terminal.log.iter().map(|e| e.text.as_str()).collect();
        assert!(log.contains("$ kubectl get nodes\nNAME"), "{log}");
    }

    #[test]
    fn queued_lines_typed_into_a_container_shell_show_its_prompt() {
        let mut m = Rc::new(Model::new(Ok(None)));
        m = act(
            m,
            Action::RunLines(vec![
                "kubectl run -i --tty --image busybox:1.28 dns-test --restart=Never --rm".into(),
                "hostname".into(),
                "exit".into(),
            ]),
        );
        for _ in 0..50 {
            if m.queued == 0 && !m.terminal.busy && !m.terminal.attached {
                break;
            }
            m = act(m, Action::Frame(100.0));
        }
        let log: String = m.terminal.log.iter().map(|e| e.text.as_str()).collect();
        assert!(log.contains("/ # hostname\ndns-test\n/ # exit\n"), "{log}");
    }

    fn refused(what: Stored, bytes: usize, why: Refusal) -> Result<(), SaveError> {
        Err(SaveError { what, bytes, why })
    }

    /// The browser refused to write `what` (`bytes` long) for `why`.
    fn refuse(m: &mut Model, what: Stored, bytes: usize, why: Refusal) {
        m.saved(what, refused(what, bytes, why));
    }

    #[test]
    fn a_refused_autosave_is_said_with_its_size_until_a_save_of_it_succeeds() {
        let m = Rc::new(Model::new(Ok(None)));
        assert_eq!(m.autosave_notice, None);
        let m = act(
            m,
            Action::Saved(
                Stored::Session,
                refused(Stored::Session, 1_234_567, Refusal::Full),
            ),
        );
        assert_eq!(
            m.autosave_notice.as_deref(),
            Some(
                "Autosave failed: this session (1.2 MB) is more than the browser lets this page \
                 store, so a reload would go back to the last one saved. Export it from the \
                 Session menu to keep it."
            )
        );
        // The same refusal again is nothing new to render; the app keeps running.
        let again = act(
            m.clone(),
            Action::Saved(
                Stored::Session,
                refused(Stored::Session, 1_234_567, Refusal::Full),
            ),
        );
        assert!(Rc::ptr_eq(&m, &again));
        let m = act(again, Action::Submit("kubectl get nodes".into()));
        assert!(m
            .terminal
            .log
            .iter()
            .any(|e| e.text.contains("kind-worker2")));
        assert!(m.autosave_notice.is_some());
        // A success of something else leaves the notice; the session's own clears it.
        let m = act(m, Action::Saved(Stored::Editor, Ok(())));
        assert!(m.autosave_notice.is_some());
        let m = act(m, Action::Saved(Stored::Session, Ok(())));
        assert_eq!(m.autosave_notice, None);
        // A success when nothing had failed renders nothing.
        let same = act(m.clone(), Action::Saved(Stored::Progress, Ok(())));
        assert!(Rc::ptr_eq(&m, &same));
    }

    #[test]
    fn refused_writes_of_several_kinds_are_each_said_and_cleared_on_their_own() {
        let mut m = Model::new(Ok(None));
        refuse(&mut m, Stored::Editor, 48_200, Refusal::Full);
        refuse(&mut m, Stored::Progress, 90, Refusal::Full);
        let n = m.autosave_notice.clone().unwrap();
        assert!(n.contains("the editor's manifest (48 KB)"), "{n}");
        assert!(n.contains("lesson progress could not be saved"), "{n}");
        m.saved(Stored::Editor, Ok(()));
        let n = m.autosave_notice.clone().unwrap();
        assert!(!n.contains("editor"), "{n}");
        m.saved(Stored::Progress, Ok(()));
        assert_eq!(m.autosave_notice, None);
    }

    #[test]
    fn a_refused_backup_says_the_saved_session_is_kept_instead_of_autosaving() {
        let mut m = Model::new(Ok(None));
        refuse(&mut m, Stored::Backup, 2_500_000, Refusal::Full);
        refuse(&mut m, Stored::Session, 3_000, Refusal::Held);
        assert_eq!(
            m.autosave_notice.as_deref(),
            Some(
                "Autosave is off: the session saved before (2.5 MB) could not be copied to the \
                 backup, as the browser lets this page store no more, so it is kept as it was \
                 and this session is not saved over it. Export it from the Session menu to keep \
                 it."
            )
        );
        // A later backup that succeeds releases the hold; the next save clears the rest.
        m.saved(Stored::Backup, Ok(()));
        assert_eq!(m.autosave_notice, None);
        m.saved(Stored::Session, Ok(()));
        assert_eq!(m.autosave_notice, None);
    }

    #[test]
    fn storage_that_is_off_is_said_once() {
        let mut m = Model::new(Ok(None));
        refuse(&mut m, Stored::Editor, 10, Refusal::Unavailable);
        refuse(&mut m, Stored::Session, 10, Refusal::Unavailable);
        assert_eq!(
            m.autosave_notice.as_deref(),
            Some(
                "Autosave failed: this browser does not let this page store anything (its \
                 storage is off or blocked), so a reload starts fresh. To keep this session, \
                 export it from the Session menu."
            )
        );
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(human_size(640), "640 bytes");
        assert_eq!(human_size(12_345), "12 KB");
        assert_eq!(human_size(1_234_567), "1.2 MB");
    }

    /// A read-only tab (another tab holds the session) refuses every input that would change
    /// the session, with a note, and its record does not grow; what only it sees (the editor,
    /// navigation) still works. Taking over opens the saved session, writable.
    #[test]
    fn a_read_only_tab_refuses_inputs_until_it_takes_over() {
        let m = Rc::new(Model::new(Ok(None)));
        let m = act(m, Action::Submit("kubectl create namespace a".into()));
        let saved = m.engine().borrow().record().to_vec();
        let len = saved.len();
        let m = act(m, Action::OtherTab);
        assert!(m.read_only);
        let mut m = m;
        for a in [
            Action::Submit("kubectl create namespace b".into()),
            Action::Apply,
            Action::DeletePod("web-0".into()),
            Action::RunLines(vec!["kubectl get pods".into()]),
            Action::Scale {
                kind: "sts".into(),
                name: "web".into(),
                replicas: 3,
            },
        ] {
            m = act(m, a);
        }
        assert_eq!(m.engine().borrow().record().len(), len);
        let log = terminal_text(&m);
        assert_eq!(log.matches(READ_ONLY_NOTE).count(), 5, "{log}");
        assert!(log.contains("$ kubectl create namespace b\n# This session is open in another tab"));
        assert!(!log.contains("namespace/b created"));
        let m = act(m, Action::Edit("kind: List\n".into()));
        assert_eq!(&*m.editor.text, "kind: List\n");

        // A refused write says the same.
        let mut n = Model::new(Ok(None));
        n.saved(
            Stored::Session,
            Err(SaveError {
                what: Stored::Session,
                bytes: 10,
                why: Refusal::OtherTab,
            }),
        );
        assert!(n.read_only);
        assert_eq!(n.autosave_notice, None);

        let now = m.engine().borrow().cluster.now().0;
        let engine = m.engine();
        let m = act(
            m,
            Action::TakeOver {
                editor: Ok(Some("kind: Secret\n".into())),
                progress: Progress::new(),
                session: Ok(Some(Saved::plain(saved, now))),
            },
        );
        assert!(!m.read_only);
        assert!(
            Rc::ptr_eq(&m.engine(), &engine),
            "the page's engine cell is kept"
        );
        // The editor's text changed in this tab is kept (model::follow); unchanged, it would be
        // the stored one.
        assert_eq!(&*m.editor.text, "kind: List\n");
        assert!(terminal_text(&m).contains("You took over the session in this tab"));
        let m = act(m, Action::Submit("kubectl get ns a -o name".into()));
        assert!(
            terminal_text(&m).ends_with("namespace/a\n"),
            "{}",
            terminal_text(&m)
        );
    }

    /// A saved record this version does not replay as it was taken (here: a line typed while a
    /// command still ran, which the engine does not take) is reported, and marked so the app
    /// keeps it as the backup; so is one it cannot read.
    #[test]
    fn a_record_that_does_not_replay_the_same_is_kept() {
        let t = Engine::new().cluster.now().0;
        let line = |at, l: &str| Recorded {
            at,
            op: crate::engine::Op::Line(l.into()),
        };
        // As it was taken: replays the same.
        let ops = vec![
            line(t, "sleep 10"),
            line(t + 10_000, "kubectl create namespace x"),
        ];
        let m = Model::with(
            Ok(None),
            Progress::new(),
            Route::Manifest,
            Ok(Some(Saved::plain(ops, t + 20_000))),
        );
        assert!(!m.unrestored, "{}", terminal_text(&m));
        // The second line came while `sleep 10` still ran (another version's timing).
        let ops = vec![
            line(t, "sleep 10"),
            line(t + 1, "kubectl create namespace x"),
        ];
        let m = Model::with(
            Ok(None),
            Progress::new(),
            Route::Manifest,
            Ok(Some(Saved::plain(ops, t + 20_000))),
        );
        assert!(m.unrestored);
        assert!(terminal_text(&m).contains("did not replay the same way on this version"));
        let m = Model::with(
            Ok(None),
            Progress::new(),
            Route::Manifest,
            Err("it is from another version of Ordinal (format 7)".into()),
        );
        assert!(m.unrestored);
        let m = Model::with(Ok(None), Progress::new(), Route::Manifest, Ok(None));
        assert!(!m.unrestored);
    }

    fn frames(mut m: Rc<Model>, seconds: usize) -> Rc<Model> {
        for _ in 0..seconds * 4 {
            m = act(m, Action::Frame(250.0));
        }
        m
    }

    fn ready(c: &ClusterView) -> i32 {
        c.sets[0].ready_replicas
    }

    /// The browser test's story through the reducer: apply, scale to 5, scrub back to before
    /// the scale (two pods, the terminal as it was then, the session's clock stopped), an
    /// input there branches (a pod deleted on the branch), Return to latest (five pods), and
    /// the saved session opens with its branch, which can be switched to.
    #[test]
    fn the_timeline_scrubs_branches_and_returns() {
        let m = frames(with_web(), 60);
        let m = act(m, Action::Submit("kubectl get pods".into()));
        let before_scale = m.engine().borrow().record().len();
        let m = act(
            m,
            Action::Scale {
                kind: "sts".into(),
                name: "web".into(),
                replicas: 5,
            },
        );
        let m = frames(m, 120);
        assert_eq!(ready(&m.cluster), 5);
        assert_eq!(m.timeline.pos, before_scale + 1);
        assert!(m.timeline.marks.iter().any(|k| k.text == "pod web-4 Ready"));
        let live_now = m.clock.now_s;

        let m = act(m, Action::Scrub(before_scale));
        let past = m.past.clone().expect("an earlier moment is shown");
        assert_eq!(ready(&past.cluster), 2);
        assert_eq!(past.cluster.sets[0].desired, 2);
        let text: String = past.terminal.log.iter().map(|e| e.text.as_str()).collect();
        assert!(
            text.ends_with("web-1   1/1     Running   0          42s\n"),
            "{text}"
        );
        assert!(!text.contains("--replicas=5"));
        assert!(m.timeline.scrubbed && m.timeline.pos == before_scale);
        let said = crate::timeline_view::value_text(&m.timeline);
        assert!(
            said.contains(&crate::controls::clock_text(past.clock.now_s)),
            "{said}"
        );
        assert!(
            said.contains("kubectl scale sts web --replicas=5"),
            "{said}"
        );
        // The session waits, as it was.
        let same = act(m.clone(), Action::Frame(250.0));
        assert!(Rc::ptr_eq(&same, &m));
        assert_eq!(m.clock.now_s, live_now);
        // Back and forth: the same moment again.
        let m = act(act(m, Action::Scrub(0)), Action::Scrub(before_scale));
        assert_eq!(ready(&m.past.as_ref().unwrap().cluster), 2);

        // A deletion there branches.
        let m = act(m, Action::DeletePod("web-1".into()));
        assert!(m.past.is_none());
        assert_eq!(m.engine().borrow().record().len(), before_scale + 1);
        let text = terminal_text(&m);
        assert!(text.contains(BRANCHED_NOTE), "{text}");
        assert!(text.contains("pod \"web-1\" deleted"), "{text}");
        assert!(!text.contains("--replicas=5"));
        assert!(m.timeline.on_branch && m.timeline.branches.len() == 1);
        let m = frames(m, 30);
        assert_eq!(m.cluster.sets[0].desired, 2);

        // Return to latest: five pods, the branch kept.
        let m = act(m, Action::ReturnToLatest);
        assert_eq!(ready(&m.cluster), 5);
        assert_eq!(m.clock.now_s, live_now);
        assert!(!m.timeline.on_branch && !m.timeline.scrubbed);
        assert_eq!(m.timeline.branches.len(), 1);
        assert!(
            m.timeline.branches[0].contains("kubectl delete pod web-1"),
            "{:?}",
            m.timeline.branches
        );
        assert!(terminal_text(&m).contains("kubectl scale sts web --replicas=5"));

        // Saved and opened again (a reload): the branch is there, and it opens as it was left.
        let json = m.engine().borrow().record_json();
        let saved = parse_saved(&json).unwrap();
        let r = Rc::new(Model::with(
            Ok(None),
            Progress::new(),
            Route::Manifest,
            Ok(Some(saved)),
        ));
        assert!(!r.unrestored);
        assert_eq!(ready(&r.cluster), 5);
        assert_eq!(r.timeline.branches.len(), 1);
        let r = act(r, Action::SwitchBranch(0));
        assert_eq!(r.cluster.sets[0].desired, 2);
        assert!(r.timeline.on_branch);
        let text = terminal_text(&r);
        assert!(
            text.contains("$ kubectl delete pod web-1 --wait=false\n"),
            "{text}"
        );
        let r = act(r, Action::ReturnToLatest);
        assert_eq!(ready(&r.cluster), 5);
    }

    /// Scrubbing never loses typing: a line typed at a moment whose terminal ran a watch waits
    /// in the input; Branch here then Return to latest without any input keeps one branch.
    #[test]
    fn scrubbing_keeps_typing_and_empty_branches() {
        let m = frames(with_web(), 10);
        let m = act(m, Action::Submit("kubectl get pods -w".into()));
        let m = frames(m, 5);
        let m = act(m, Action::Interrupt(String::new()));
        let len = m.engine().borrow().record().len();
        let m = act(m, Action::Scrub(len - 1));
        assert!(m.past.as_ref().unwrap().terminal.busy);
        let same = act(m.clone(), Action::Submit("kubectl get pods".into()));
        assert!(
            Rc::ptr_eq(&same, &m),
            "the terminal keeps the line while the watch runs"
        );
        let m = act(m, Action::BranchHere);
        assert!(m.terminal.busy, "the watch runs on the branch");
        let m = act(m, Action::Interrupt(String::new()));
        let m = act(m, Action::Submit("kubectl get sts".into()));
        let text = terminal_text(&m);
        assert!(
            text.contains("$ kubectl get sts\nNAME   READY   AGE\nweb    "),
            "{text}"
        );
        assert_eq!(m.engine().borrow().record().len(), len + 1);
        let m = act(m, Action::ReturnToLatest);
        assert_eq!(m.timeline.branches.len(), 1);
        assert_eq!(m.engine().borrow().record().len(), len);
        // Scrub to now is the session itself.
        let m = act(m, Action::Scrub(0));
        let m = act(m, Action::Scrub(usize::MAX));
        assert!(m.past.is_none() && !m.timeline.scrubbed);
    }
}
