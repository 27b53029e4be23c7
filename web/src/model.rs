//! The page's state and its one reducer. The engine (cluster + terminal session) sits behind a
//! `RefCell` and is mutated in place, never cloned; what components see are `Rc` snapshots,
//! replaced only when they change (the store's resourceVersion moved, a command wrote files,
//! the terminal printed, the clock passed a second). A reducer that changes nothing visible
//! returns the same `Rc`, so a clock frame with nothing new renders nothing.

use crate::engine::{Engine, MANIFEST_FILE, NAMESPACE};
use crate::view_model::{self, ClusterView, EventsView};
use crate::yaml::{self, LineError};
use ordinal_kubectl::{Output, Stream};
use std::cell::RefCell;
use std::rc::Rc;
use yew::Reducible;

/// Most terminal output entries kept.
const MAX_LOG: usize = 1500;
/// Longest real time one frame may account for (a tab that was hidden does not jump ahead).
const MAX_FRAME_MS: f64 = 250.0;
pub const SPEEDS: [u32; 4] = [1, 10, 100, 1000];

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Example {
    Tutorial,
    K8sIoWeb,
    K8sIoWebParallel,
}

impl Example {
    pub const ALL: [Example; 3] = [
        Example::Tutorial,
        Example::K8sIoWeb,
        Example::K8sIoWebParallel,
    ];
    pub fn id(self) -> &'static str {
        match self {
            Example::Tutorial => "tutorial",
            Example::K8sIoWeb => "k8s-io-web",
            Example::K8sIoWebParallel => "k8s-io-web-parallel",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Example::Tutorial => "Lesson: web.yaml",
            Example::K8sIoWeb => "k8s.io: web.yaml",
            Example::K8sIoWebParallel => "k8s.io: web-parallel.yaml",
        }
    }
    pub fn text(self) -> &'static str {
        use ordinal_kubectl::manifests::*;
        match self {
            Example::Tutorial => TUTORIAL_WEB_YAML,
            Example::K8sIoWeb => K8S_IO_WEB_YAML,
            Example::K8sIoWebParallel => K8S_IO_WEB_PARALLEL_YAML,
        }
    }
    pub fn from_id(id: &str) -> Option<Example> {
        Example::ALL.into_iter().find(|e| e.id() == id)
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Clock {
    /// Simulated time, whole seconds (what the page shows).
    pub now_s: u64,
    pub paused: bool,
    pub speed: u32,
    /// Something is scheduled, so Step can move time.
    pub has_timer: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum LogKind {
    /// A line typed at the prompt (shown with its prompt).
    Input,
    /// A command a button ran (Apply, the slider, a pod card).
    Ui,
    Out,
    Err,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    pub id: u64,
    pub kind: LogKind,
    pub text: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TerminalView {
    pub log: Vec<Rc<LogEntry>>,
    pub prompt: String,
    /// A watch or wait is running (Ctrl-C stops it).
    pub busy: bool,
    /// Inside a container's shell.
    pub attached: bool,
    pub history: Rc<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplyReport {
    pub id: u64,
    /// What kubectl printed on stdout (`service/nginx created`, …).
    pub ok: Vec<String>,
    pub errors: Vec<LineError>,
    /// The buffer changed since (line marks may have moved).
    pub stale: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditorView {
    pub text: Rc<str>,
    /// The buffer's YAML error, as the parser sees it now.
    pub syntax: Option<LineError>,
    pub report: Option<Rc<ApplyReport>>,
    /// Said once after load (e.g. the saved buffer could not be read).
    pub notice: Option<String>,
    /// Bumped when the buffer is replaced from outside the textarea (an example).
    pub generation: u64,
}

pub enum Action {
    /// A display frame: `real_ms` of wall time passed.
    Frame(f64),
    TogglePause,
    Step,
    SetSpeed(u32),
    Edit(String),
    LoadExample(Example),
    Apply,
    Scale {
        set: String,
        replicas: i32,
    },
    DeletePod(String),
    /// Types a command into the terminal as if entered (the pod card's shell button).
    RunInTerminal(String),
    /// Enter at the prompt.
    Submit(String),
    /// Ctrl-C, with what was typed on the line.
    Interrupt(String),
    /// Tab found several completions: show them as bash does.
    ShowCompletions {
        line: String,
        candidates: Vec<String>,
    },
}

#[derive(Clone)]
pub struct Model {
    engine: Rc<RefCell<Engine>>,
    pub clock: Clock,
    pub cluster: Rc<ClusterView>,
    pub events: Rc<EventsView>,
    pub terminal: Rc<TerminalView>,
    pub editor: Rc<EditorView>,
    seen_rv: u64,
    next_id: u64,
}

impl PartialEq for Model {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.engine, &other.engine)
            && self.clock == other.clock
            && Rc::ptr_eq(&self.cluster, &other.cluster)
            && Rc::ptr_eq(&self.events, &other.events)
            && Rc::ptr_eq(&self.terminal, &other.terminal)
            && Rc::ptr_eq(&self.editor, &other.editor)
    }
}

impl Model {
    /// A fresh cluster; the editor holds `saved` (else the lesson's manifest).
    pub fn new(saved: Result<Option<String>, ()>) -> Model {
        let (text, notice) = match saved {
            Ok(Some(t)) => (t, None),
            Ok(None) => (Example::Tutorial.text().to_string(), None),
            Err(()) => (
                Example::Tutorial.text().to_string(),
                Some("The saved manifest could not be read, so the editor starts with the lesson's web.yaml.".to_string()),
            ),
        };
        let engine = Engine::new();
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
            }),
            next_id: 0,
        };
        m.engine.borrow_mut().sync_manifest(&m.editor.text);
        m.log(
            LogKind::Out,
            "Ordinal: a simulated kind cluster. Type kubectl commands here (Tab completes, ↑/↓ history, Ctrl-C stops a watch).\n".into(),
        );
        m
    }

    /// Read access for queries that change nothing (tab completion).
    pub fn engine(&self) -> Rc<RefCell<Engine>> {
        self.engine.clone()
    }

    fn log(&mut self, kind: LogKind, text: String) {
        let t = Rc::make_mut(&mut self.terminal);
        if text.contains("\x1b[2J") {
            t.log.clear();
        }
        let text = text.replace("\x1b[2J", "").replace("\x1b[H", "");
        if text.is_empty() {
            return;
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
        let s = &engine.session;
        let prompt = s.prompt();
        let (busy, attached) = (s.busy(), s.attached());
        let history_changed = self.terminal.history.len() != s.history().len()
            || self.terminal.history.last() != s.history().last();
        let history = history_changed.then(|| Rc::new(s.history().to_vec()));
        drop(engine);
        if self.terminal.prompt != prompt
            || self.terminal.busy != busy
            || self.terminal.attached != attached
            || history.is_some()
        {
            let t = Rc::make_mut(&mut self.terminal);
            t.prompt = prompt;
            t.busy = busy;
            t.attached = attached;
            if let Some(h) = history {
                t.history = h;
            }
        }
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

    fn submit(&mut self, line: &str) {
        let prompt = self.terminal.prompt.clone();
        self.log(LogKind::Input, format!("{prompt}{line}\n"));
        let text = self.editor.text.clone();
        let out = {
            let mut e = self.engine.borrow_mut();
            e.sync_manifest(&text);
            e.input(line)
        };
        self.log_output(&out);
    }
}

impl Reducible for Model {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut m = (*self).clone();
        match action {
            Action::Frame(real_ms) => {
                if m.clock.paused {
                    return self;
                }
                let sim_ms = real_ms.clamp(0.0, MAX_FRAME_MS) * f64::from(m.clock.speed);
                let out = m.engine.borrow_mut().advance(sim_ms);
                m.log_output(&out);
                m.refresh(false);
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
            Action::Apply => {
                let text = m.editor.text.clone();
                let out = m.ui_kubectl(&["apply", "-f", MANIFEST_FILE], "the Apply button");
                let errors: Vec<String> = out
                    .chunks
                    .iter()
                    .filter(|(s, _)| *s == Stream::Err)
                    .map(|(_, t)| t.clone())
                    .collect();
                m.next_id += 1;
                let report = ApplyReport {
                    id: m.next_id,
                    ok: out.stdout().lines().map(str::to_string).collect(),
                    errors: yaml::locate(&text, &errors),
                    stale: false,
                };
                let e = Rc::make_mut(&mut m.editor);
                e.report = Some(Rc::new(report));
                e.notice = None;
                m.refresh(true);
            }
            Action::Scale { set, replicas } => {
                let n = format!("--replicas={replicas}");
                m.ui_kubectl(&["scale", "sts", &set, &n], "the Replicas slider");
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
            Action::ShowCompletions { line, candidates } => {
                let prompt = m.terminal.prompt.clone();
                m.log(LogKind::Input, format!("{prompt}{line}\n"));
                m.log(LogKind::Out, format!("{}\n", candidates.join("  ")));
            }
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
    }
}
