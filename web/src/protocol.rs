//! What the page and the engine say to each other. The engine (the cluster, the terminal's
//! session and the reducer of [`crate::model`]) runs in a Web Worker, so that no step of the
//! simulation holds up the page and the page's first load carries none of it; the page keeps a
//! copy of what it shows ([`crate::view::View`]) that the engine's [`Patch`]es bring up to date.
//! Both directions are JSON (serde), one message per `postMessage`.
//!
//! Order is the contract: the engine takes messages in the order they were sent and answers
//! each [`ToEngine`] with exactly one [`FromEngine::View`] (after any other answers it has), so
//! the page can tell which of its inputs the engine has taken (a frame, an edit).

use crate::compare::SideView;
use crate::lessons::{Lesson, Progress};
use crate::model::{Action, Clock, EditorView, LogEntry, Route, TerminalView};
use crate::storage::SaveError;
use crate::timeline::TimelineView;
use crate::view_model::{ClusterView, EventsView};
use ordinal_kubectl::complete::Completion;
use serde::{Deserialize, Serialize};
use std::rc::Rc;

/// The page to the engine.
#[derive(Serialize, Deserialize)]
pub enum ToEngine {
    /// The first message: what the page read from its storage and address.
    Start(Start),
    /// An input (a frame of the clock is one).
    Act(Action),
    /// Tab at the prompt: complete this line (answered by [`FromEngine::Completed`] with the
    /// same number).
    Complete(u64, String),
    /// Session → Export, Share or Script for kind: the engine writes the session out.
    Export(Export),
    /// Another tab wrote to the storage (a `storage` event), for a read-only tab to follow.
    StorageEvent {
        key: Option<String>,
        old: Option<String>,
        new: Option<String>,
    },
    /// "Take over here": what the storage holds now (the session as raw JSON).
    TakeOver {
        editor: Result<Option<String>, ()>,
        progress: Progress,
        session: Option<String>,
    },
    /// The page backed up the saved session as [`FromEngine::Backup`] asked, with this result.
    BackedUp(Result<(), SaveError>),
}

/// What the page starts the engine with.
#[derive(Serialize, Deserialize)]
pub struct Start {
    /// The editor's saved text (`Err`: something unreadable was stored).
    pub editor: Result<Option<String>, ()>,
    pub progress: Progress,
    pub route: Route,
    /// The saved session as stored (raw JSON), if any.
    pub session: Option<String>,
    /// The page opened a share link: the session it carries (`None`: the link is damaged), and
    /// how the backup of the saved session went.
    pub share: Option<(Option<String>, Result<(), SaveError>)>,
    /// This tab holds the session (else it is read-only).
    pub writer: bool,
    /// `?workers=N` in the page's address.
    pub workers: Option<usize>,
}

/// What the engine writes out for the page.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Export {
    /// The session file (the record and the editor's text), for a download.
    Session,
    /// The same, for a share link.
    Share,
    /// Session → Script for kind.
    Script,
}

/// The engine to the page.
#[derive(Serialize, Deserialize)]
pub enum FromEngine {
    /// The engine's worker is running and takes messages.
    Ready,
    /// What changed in what the page shows, after one message was taken, and the session's
    /// simulated time in milliseconds (what a save as the page goes would record).
    View(Patch, u64),
    /// Save the session's record (JSON) to the storage, then say how it went
    /// (`Action::Saved(Stored::Session, …)`).
    SaveSession(String),
    /// The saved session could not be restored: back it up before anything saves over it, then
    /// answer [`ToEngine::BackedUp`].
    Backup,
    Completed(u64, Completion),
    Exported(Export, String),
    /// The engine stopped (a panic): the page shows its crash screen with this text.
    Crashed(String),
}

/// The parts of the page's view that changed (only those).
pub type Patch = Vec<Field>;

/// One part of the page's view, as [`crate::model::Model`] has it.
#[derive(Serialize, Deserialize)]
pub enum Field {
    Clock(Clock),
    Cluster(Rc<ClusterView>),
    Events(Rc<EventsView>),
    Terminal(TerminalPatch),
    Editor(Rc<EditorView>),
    Route(Route),
    LastLesson(Option<String>),
    Lessons(Rc<Vec<Lesson>>),
    LessonsNote(Option<String>),
    Progress(Rc<Progress>),
    Queued(usize),
    RecordLen(usize),
    AutosaveNotice(Option<Rc<str>>),
    ReadOnly(bool),
    Compare(Option<Rc<[SideView; 2]>>),
    Past(Option<PastView>),
    Timeline(Rc<TimelineView>),
    BranchesGen(u64),
}

/// The terminal: its lines from `first` on are the page's lines from `first` on (if `reset`,
/// all of them are these), with the `entries` after them; and the rest of its state.
#[derive(Serialize, Deserialize)]
pub struct TerminalPatch {
    pub reset: bool,
    /// The id of the oldest line kept (older ones went, as the log keeps at most its limit).
    pub first: u64,
    pub entries: Vec<Rc<LogEntry>>,
    pub prompt: String,
    pub busy: bool,
    pub attached: bool,
    pub editing: bool,
    pub jobs: bool,
    /// Sent when it changed.
    pub history: Option<Rc<Vec<String>>>,
}

/// An earlier moment the timeline shows: what the page shows for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PastView {
    pub pos: usize,
    pub clock: Clock,
    pub cluster: Rc<ClusterView>,
    pub events: Rc<EventsView>,
    pub terminal: Rc<TerminalView>,
}

/// A message as text (JSON). Serialising these types cannot fail (no maps with non-string keys,
/// no floats that are not finite but the frame's, which the clock bounds).
pub fn encode<T: Serialize>(m: &T) -> String {
    serde_json::to_string(m).unwrap_or_default()
}

pub fn decode<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// The page's own copy of the terminal, brought up to date by a patch.
pub fn apply_terminal(old: &TerminalView, p: TerminalPatch) -> TerminalView {
    let mut log: Vec<_> = if p.reset {
        Vec::new()
    } else {
        old.log
            .iter()
            .filter(|e| e.id >= p.first)
            .cloned()
            .collect()
    };
    log.extend(p.entries);
    TerminalView {
        log,
        prompt: p.prompt,
        busy: p.busy,
        attached: p.attached,
        editing: p.editing,
        jobs: p.jobs,
        history: p.history.unwrap_or_else(|| old.history.clone()),
    }
}
