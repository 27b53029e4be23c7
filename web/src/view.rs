//! The page's copy of what it shows: the public parts of [`crate::model::Model`], kept up to
//! date by the engine's patches ([`crate::protocol`]). Components render from it; nothing here
//! reads the cluster.

use crate::examples::Example;
use crate::lessons::{Lesson, Progress};
use crate::model::{Clock, EditorView, Route, TerminalView};
use crate::protocol::{apply_terminal, Field, PastView, Patch};
use crate::timeline::TimelineView;
use crate::view_model::{ClusterView, EventsView};
use std::rc::Rc;
use yew::Reducible;

#[derive(Clone, Debug, PartialEq)]
pub struct View {
    pub clock: Clock,
    pub cluster: Rc<ClusterView>,
    pub events: Rc<EventsView>,
    pub terminal: Rc<TerminalView>,
    pub editor: Rc<EditorView>,
    pub route: Route,
    pub last_lesson: Option<String>,
    pub lessons: Rc<Vec<Lesson>>,
    pub lessons_note: Option<String>,
    pub progress: Rc<Progress>,
    pub queued: usize,
    pub record_len: usize,
    pub autosave_notice: Option<Rc<str>>,
    pub read_only: bool,
    pub compare_view: Option<Rc<[crate::compare::SideView; 2]>>,
    pub past: Option<PastView>,
    pub timeline: Rc<TimelineView>,
    pub branches_gen: u64,
    /// The engine has sent its first view (until then the page shows the editor's text and
    /// says the cluster is starting).
    pub started: bool,
}

impl View {
    /// What the page shows before the engine's first view: the editor's saved text (or the
    /// tutorial's manifest), a clock at zero, an empty cluster.
    pub fn initial(editor: &Result<Option<String>, ()>, route: Route, progress: Progress) -> View {
        let text = match editor {
            Ok(Some(t)) => t.clone(),
            _ => Example::Tutorial.text().to_string(),
        };
        View {
            clock: Clock {
                now_s: 0,
                paused: false,
                speed: 1,
                has_timer: false,
            },
            cluster: Rc::default(),
            events: Rc::default(),
            terminal: Rc::new(TerminalView {
                prompt: "$ ".into(),
                ..Default::default()
            }),
            editor: Rc::new(EditorView {
                text: text.into(),
                syntax: None,
                report: None,
                notice: None,
                generation: 0,
                edit: None,
            }),
            last_lesson: match &route {
                Route::Lesson(id) => Some(id.clone()),
                _ => None,
            },
            route,
            lessons: Rc::default(),
            lessons_note: Some("Loading the lessons…".into()),
            progress: Rc::new(progress),
            queued: 0,
            record_len: 0,
            autosave_notice: None,
            read_only: false,
            compare_view: None,
            past: None,
            timeline: Rc::default(),
            branches_gen: 0,
            started: false,
        }
    }
}

pub enum Update {
    /// The engine's patch; `typed` is the editor's text as typed here when the engine has not
    /// taken every edit yet (the text it sends is then older than the textarea's).
    Patch(Patch, Option<Rc<str>>),
    /// The user typed in the editor: the textarea has it already.
    Typed(Rc<str>),
}

impl Reducible for View {
    type Action = Update;

    fn reduce(self: Rc<Self>, u: Update) -> Rc<Self> {
        let mut v = (*self).clone();
        match u {
            Update::Typed(text) => {
                if !set_shown_text(&mut v.editor, text) {
                    return self;
                }
            }
            Update::Patch(patch, typed) => {
                if patch.is_empty() && v.started {
                    return self;
                }
                v.started = true;
                for f in patch {
                    v.apply(f);
                }
                if let Some(text) = typed {
                    set_shown_text(&mut v.editor, text);
                }
            }
        }
        Rc::new(v)
    }
}

/// Puts `text` in the buffer the editor shows (a `kubectl edit`'s, while one is open); false
/// if it was there already.
fn set_shown_text(editor: &mut Rc<EditorView>, text: Rc<str>) -> bool {
    match &editor.edit {
        Some(e) if e.text == text => false,
        Some(_) => {
            if let Some(e) = &mut Rc::make_mut(editor).edit {
                Rc::make_mut(e).text = text;
            }
            true
        }
        None if editor.text == text => false,
        None => {
            Rc::make_mut(editor).text = text;
            true
        }
    }
}

impl View {
    fn apply(&mut self, f: Field) {
        match f {
            Field::Clock(c) => self.clock = c,
            Field::Cluster(c) => self.cluster = c,
            Field::Events(e) => self.events = e,
            Field::Terminal(t) => self.terminal = Rc::new(apply_terminal(&self.terminal, t)),
            Field::Editor(e) => self.editor = e,
            Field::Route(r) => self.route = r,
            Field::LastLesson(l) => self.last_lesson = l,
            Field::Lessons(l) => self.lessons = l,
            Field::LessonsNote(n) => self.lessons_note = n,
            Field::Progress(p) => self.progress = p,
            Field::Queued(n) => self.queued = n,
            Field::RecordLen(n) => self.record_len = n,
            Field::AutosaveNotice(n) => self.autosave_notice = n,
            Field::ReadOnly(r) => self.read_only = r,
            Field::Compare(c) => self.compare_view = c,
            Field::Past(p) => self.past = p,
            Field::Timeline(t) => self.timeline = t,
            Field::BranchesGen(g) => self.branches_gen = g,
        }
    }
}
