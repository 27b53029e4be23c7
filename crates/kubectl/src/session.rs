//! A terminal session: the learner's shell (bash-like, with `kubectl`/`k` and a few workstation
//! commands), the job a command left running (a watch, a wait, an edit waiting for its
//! editor), its background jobs (`… &`, [`crate::jobcontrol`]), and a shell attached to a
//! container (`kubectl run -it`, `kubectl exec -it … -- sh`). The CLI and the web terminal both
//! drive one of these.
//!
//! `kubectl edit` runs its editor through the session's [`Editor`] when it has one (the CLI's
//! processes), all within the command; without one (the browser), a line of its own leaves the
//! edit as a job whose buffer the page shows, and [`Session::finish_edit`] takes what it saved.

use crate::edit::{EditSession, EditorCommand, LaunchError};
use crate::jobcontrol::{route, Building, JobState, JobTable, Station};
use crate::jobs::{Attach, Job};
use crate::output::{Output, Stream};
use crate::{Env, Files};
use ordinal_shell::{Background, Dialect, Host, Rest, Shell, Sink, State};
use ordinal_sim::api::Kind;
use ordinal_sim::{Cluster, DeleteOptions};
use std::collections::{BTreeMap, BTreeSet};

/// How blocking commands behave.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A script or transcript: blocking commands run to their end, moving simulated time.
    Script,
    /// A live terminal: a simple blocking command becomes a job the caller polls as the clock runs.
    Interactive,
}

/// Files on the learner's "workstation": what `-f`, `>` and `kubectl cp` use.
pub trait Workspace: Files {
    fn write(&mut self, path: &str, content: &str, append: bool) -> Result<(), String>;
    fn list(&self) -> Vec<String>;
    /// Makes a directory and its parents (`kubectl cp POD:DIR LOCAL`).
    fn mkdir(&mut self, path: &str) -> Result<(), String> {
        let _ = path;
        Ok(())
    }
    /// Deletes a file (nothing if there is none).
    fn remove(&mut self, path: &str);
    /// A copy of the workspace, for [`Session::fork`] (one in memory can; one on disk cannot).
    fn fork(&self) -> Option<Box<dyn Workspace>> {
        None
    }
}

/// A workspace path as its key: `./a//b/` → `a/b`, `.` → `` (the working directory).
pub fn clean_path(path: &str) -> String {
    let abs = path.starts_with('/');
    let parts: Vec<&str> = path
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    let joined = parts.join("/");
    if abs {
        format!("/{joined}")
    } else {
        joined
    }
}

/// What runs `kubectl edit`'s editor within the command (the CLI: a real process).
pub trait Editor {
    /// kubectl's `LaunchTempFile`: writes `buffer` to a new temp file, runs `command` on it with
    /// the environment `env` (the shell's exported variables), and reads the file back.
    /// `name` is the path the session gives the file; an editor on real files may choose its
    /// own. Returns the path, and the text saved or why the editor failed; what the editor
    /// printed goes to `out`.
    fn launch(
        &mut self,
        command: &EditorCommand,
        name: &str,
        buffer: &str,
        env: &[(String, String)],
        out: &mut Output,
    ) -> (String, Result<String, LaunchError>);
    /// Whether the temp files are this machine's own (then they stay out of the workspace).
    fn real_files(&self) -> bool;
    /// kubectl removed a temp file (only asked when [`Editor::real_files`]).
    fn remove(&mut self, path: &str);
    /// A variable of the environment kubectl started in, beneath the shell's exported ones.
    fn env(&self, name: &str) -> Option<String>;
}

/// What the terminal says of `kubectl edit` where no editor can open: inside a compound line in
/// the browser, whose Manifest panel only a command of its own can hand over.
pub const NO_EDITOR: &str = "error: \"kubectl edit\" is not available in this playground inside a compound command line: its editor (the Manifest panel) opens for a kubectl edit on a line of its own.";

/// Most temp names tried for one file before giving up on a free one.
const MAX_NAME_TRIES: u32 = 1000;

/// An in-memory workspace (the browser's; and the CLI's overlay for writes). Files by path;
/// directories are those that hold a file, and those made empty (`dirs`).
#[derive(Default, Clone, Debug)]
pub struct MemFiles {
    pub files: BTreeMap<String, String>,
    pub dirs: std::collections::BTreeSet<String>,
}

impl Files for MemFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        let key = clean_path(path);
        match self.files.get(&key) {
            Some(f) => Ok(f.clone()),
            None if self.dir(path).is_some() => Err("Is a directory".into()),
            None => Err("No such file or directory".into()),
        }
    }

    fn dir(&self, path: &str) -> Option<Vec<String>> {
        let key = clean_path(path);
        if self.files.contains_key(&key) {
            return None;
        }
        let prefix = match key.as_str() {
            "" => String::new(),
            "/" => "/".to_string(),
            k => format!("{k}/"),
        };
        let mut names: Vec<String> = self
            .files
            .keys()
            .chain(self.dirs.iter())
            .filter_map(|k| k.strip_prefix(prefix.as_str()))
            .filter_map(|rest| rest.split('/').next())
            .filter(|n| !n.is_empty())
            .map(String::from)
            .collect();
        ordinal_sim::sort::sort(&mut names);
        names.dedup();
        (key.is_empty() || !names.is_empty() || self.dirs.contains(&key)).then_some(names)
    }
}

impl Workspace for MemFiles {
    fn write(&mut self, path: &str, content: &str, append: bool) -> Result<(), String> {
        let key = clean_path(path);
        if key.is_empty() || self.dir(&key).is_some() {
            return Err("Is a directory".into());
        }
        let e = self.files.entry(key).or_default();
        if append {
            e.push_str(content);
        } else {
            *e = content.to_string();
        }
        Ok(())
    }
    fn list(&self) -> Vec<String> {
        self.files.keys().cloned().collect()
    }
    fn mkdir(&mut self, path: &str) -> Result<(), String> {
        let key = clean_path(path);
        if self.files.contains_key(&key) {
            return Err("File exists".into());
        }
        if !key.is_empty() {
            self.dirs.insert(key);
        }
        Ok(())
    }

    fn remove(&mut self, path: &str) {
        self.files.remove(&clean_path(path));
    }

    fn fork(&self) -> Option<Box<dyn Workspace>> {
        Some(Box::new(self.clone()))
    }
}

struct Attached {
    attach: Attach,
    shell: Shell,
    dialect: Dialect,
}

pub struct Session {
    pub namespace: String,
    shell: Shell,
    files: Box<dyn Workspace>,
    job: Option<Job>,
    /// Background jobs (`… &`).
    table: JobTable,
    attached: Option<Attached>,
    /// What `kubectl explain` reads (see [`Session::set_explain_data`]).
    explain: Option<std::sync::Arc<str>>,
    /// What runs `kubectl edit`'s editor (see [`Session::set_editor`]).
    editor: Option<Box<dyn Editor>>,
    temp_files: TempFiles,
}

/// The workspace as kubectl sees it, with the explain data beside it.
struct WithExplain<'a> {
    files: &'a dyn Workspace,
    explain: Option<&'a str>,
}

impl Files for WithExplain<'_> {
    fn read(&self, path: &str) -> Result<String, String> {
        self.files.read(path)
    }
    fn dir(&self, path: &str) -> Option<Vec<String>> {
        self.files.dir(path)
    }
    fn explain_data(&self) -> Option<&str> {
        self.explain
    }
}

/// A line with no shell syntax: one command, words and quotes only.
fn is_simple(line: &str) -> bool {
    let t = line.trim_start();
    let keyword = ["for ", "if ", "while ", "until ", "case "]
        .iter()
        .any(|k| t.starts_with(k));
    !keyword
        && !line.chars().any(|c| {
            matches!(
                c,
                ';' | '|' | '&' | '<' | '>' | '$' | '`' | '(' | ')' | '\n'
            )
        })
}

/// Makes what kubectl wrote on the learner's machine (`kubectl cp`) in the workspace. A write
/// the workspace refuses is kubectl's error, as Go's `os.Create` words it.
pub fn apply_writes(files: &mut dyn Workspace, out: &mut Output) {
    for w in std::mem::take(&mut out.writes) {
        let r = match &w {
            crate::output::LocalWrite::Dir(p) => {
                files.mkdir(p).map_err(|e| (p.clone(), "mkdir", e))
            }
            crate::output::LocalWrite::File(p, c) => {
                files.write(p, c, false).map_err(|e| (p.clone(), "open", e))
            }
        };
        if let Err((path, op, e)) = r {
            out.err(format!("error: {op} {path}: {}", e.to_lowercase()));
            return;
        }
    }
}

fn to_shell(out: &Output) -> ordinal_shell::Output {
    let mut o = ordinal_shell::Output {
        chunks: Vec::new(),
        status: out.status,
        clear: false,
    };
    for (s, t) in &out.chunks {
        o.chunks.push(ordinal_shell::Chunk {
            stream: if *s == Stream::Out {
                ordinal_shell::Stream::Out
            } else {
                ordinal_shell::Stream::Err
            },
            text: t.clone(),
        });
    }
    o
}

fn from_shell(o: &ordinal_shell::Output) -> Output {
    let mut out = Output {
        status: o.status,
        ..Default::default()
    };
    for ch in &o.chunks {
        // What a background job wrote to the terminal meanwhile shows as output.
        let s = if matches!(ch.stream, ordinal_shell::Stream::Err) {
            Stream::Err
        } else {
            Stream::Out
        };
        out.chunks.push((s, ch.text.clone()));
    }
    out
}

struct TerminalHost<'a> {
    cluster: &'a mut Cluster,
    files: &'a mut dyn Workspace,
    namespace: &'a str,
    /// A simple line in a live terminal: leave blocking commands running as a job.
    defer: bool,
    /// Attach a shell for `exec -it … -- sh` / `run -it` (only from a simple line).
    allow_attach: bool,
    job: Option<Job>,
    /// The clock when the line started, and how much of the time since passed in `sleep`.
    started: ordinal_sim::time::Time,
    slept_ms: u64,
    /// Bytes of workspace files read since the shell last asked ([`Host::work_bytes`]).
    work: u64,
    explain: Option<&'a str>,
    table: &'a mut JobTable,
    /// The background list running now (`… &`).
    building: Option<Building>,
    editor: Option<&'a mut (dyn Editor + 'static)>,
    temp_files: &'a mut TempFiles,
}

/// `kubectl edit`'s temp files of an editor without real ones (the browser's, a script's),
/// which the session keeps in its workspace.
#[derive(Default, Clone)]
struct TempFiles {
    /// Names drawn so far (`kubectl-edit-N.yaml`: N comes from this count).
    count: u64,
    /// The files kept in the workspace now.
    kept: BTreeSet<String>,
}

impl TempFiles {
    fn keep(&mut self, files: &mut dyn Workspace, path: &str, text: &str) {
        // A workspace in memory never refuses a write; one on disk may, and the edit goes on.
        let _ = files.write(path, text, false);
        self.kept.insert(path.to_string());
    }

    fn remove(&mut self, files: &mut dyn Workspace, path: &str) {
        files.remove(path);
        self.kept.remove(path);
    }
}

/// An exported variable of the shell (what kubectl's `os.Getenv` sees).
fn exported(state: &State, name: &str) -> Option<String> {
    state
        .exported
        .contains(name)
        .then(|| state.vars.get(name).cloned())
        .flatten()
}

/// A temp file's path as `os.CreateTemp("", "kubectl-edit-*.yaml")` makes it: in `$TMPDIR`
/// (else `/tmp`), its number drawn from the session's count so that a replay names it again,
/// and not the name of a temp file the session keeps (only those: what a disk beneath the
/// workspace holds must not change the name, or a transcript would depend on the machine).
fn temp_name(
    tmpdir: Option<String>,
    count: &mut u64,
    suffix: &str,
    kept: &BTreeSet<String>,
) -> String {
    let dir = tmpdir
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "/tmp".into());
    let mut name = String::new();
    for _ in 0..MAX_NAME_TRIES {
        *count += 1;
        let n = ordinal_sim::rng::Rng::new(*count).next_u64() as u32;
        let sep = if dir.ends_with('/') { "" } else { "/" };
        name = format!("{dir}{sep}{}{n}{suffix}", crate::edit::TEMP_PREFIX);
        if !kept.contains(&name) {
            break;
        }
    }
    name
}

/// Runs `kubectl edit`'s editor until the edit ends: each save handed to the session, which
/// says whether the editor opens again.
fn edit_with(
    editor: &mut dyn Editor,
    c: &mut Cluster,
    files: &mut dyn Workspace,
    temps: &mut TempFiles,
    state: &State,
    mut session: EditSession,
    out: &mut Output,
) {
    let command = EditorCommand::from_env(|k| exported(state, k).or_else(|| editor.env(k)));
    let tmpdir = exported(state, "TMPDIR").or_else(|| editor.env("TMPDIR"));
    let env = state.env();
    loop {
        let name = temp_name(
            tmpdir.clone(),
            &mut temps.count,
            session.suffix(),
            &temps.kept,
        );
        let (path, saved) = editor.launch(&command, &name, session.buffer(), &env, out);
        let next = match saved {
            Ok(text) => {
                if !editor.real_files() {
                    // The workspace holds the temp files of an editor without real ones.
                    temps.keep(files, &path, &text);
                }
                session.saved(c, &text, &path)
            }
            Err(why) => session.failed(&command, why),
        };
        out.chunks.extend(next.out.chunks);
        out.status = next.out.status;
        for p in &next.removed {
            if editor.real_files() {
                editor.remove(p);
            } else {
                temps.remove(files, p);
            }
        }
        match next.again {
            Some(s) => session = s,
            None => return,
        }
    }
}

impl TerminalHost<'_> {
    /// What a command left running: a background list's (it becomes the job), this line's
    /// foreground job (a live terminal's simple line), or run to its end here. A port-forward
    /// first makes its listeners on the workstation.
    fn take_job(&mut self, mut job: Job, out: &mut Output) {
        if let Job::PortForward(pf) = &mut job {
            let mut taken = self.table.listening();
            if let Some(Job::PortForward(fg)) = &self.job {
                taken.extend(fg.listening.iter().cloned());
            }
            let table = &mut *self.table;
            // One that `fg` brought back listens already.
            if pf.listening.is_empty()
                && !crate::portforward::listen(pf, &taken, &mut |t| table.pick_port(t), out)
            {
                return;
            }
        }
        if let Some(b) = self.building.as_mut() {
            // A command feeding a pipe runs to its end, as in a foreground pipeline.
            if b.sinks.0 != Sink::Pipe {
                if let Job::PortForward(pf) = &mut job {
                    pf.pid = b.pid;
                }
                b.stopped = matches!(job, Job::Attach(_));
                b.job = Some(job);
                b.detach = true;
                return;
            }
        } else if self.defer || matches!(job, Job::Attach(Attach { waiting: false, .. })) {
            self.job = Some(job);
            return;
        }
        if let Some(left) = job.run_to_end(self.cluster, out) {
            if self.building.is_none() {
                self.job = Some(left);
            }
        }
    }

    /// `fg`: the job is the foreground's now, its text printed first.
    fn fg(&mut self, args: &[String]) -> ordinal_shell::Output {
        if self.building.is_some() {
            return ordinal_shell::Output::err("bash: fg: no job control\n", 1);
        }
        match self.table.fg(args) {
            Err(o) => o,
            Ok((text, job)) => {
                let mut out = Output::default();
                out.out(format!("{text}\n"));
                self.take_job(job, &mut out);
                to_shell(&out)
            }
        }
    }

    /// A workspace file, counted as work for the shell's step budget.
    fn read(&mut self, path: &str) -> Result<String, String> {
        let r = self.files.read(path);
        if let Ok(t) = &r {
            self.work = self.work.saturating_add(t.len() as u64);
        }
        r
    }
}

impl Host for TerminalHost<'_> {
    fn command(&mut self, state: &State, argv: &[String], stdin: &str) -> ordinal_shell::Output {
        let name = argv[0].as_str();
        match name {
            "kubectl" | "k" => {
                let files = WithExplain { files: &*self.files, explain: self.explain };
                // In the background a shell that would attach is a job that stops for the
                // terminal (bash's "Stopped (tty input)"), until `fg`.
                let interactive_shells = self.allow_attach || self.building.is_some();
                let env = Env { namespace: self.namespace, files: &files, stdin, interactive_shells };
                let mut out = crate::run(self.cluster, &argv[1..], &env);
                apply_writes(&mut *self.files, &mut out);
                if let Some(Job::Edit(session)) = out.job.take_if(|j| matches!(j, Job::Edit(_))) {
                    match self.editor.as_deref_mut() {
                        Some(editor) => edit_with(editor, self.cluster, self.files, self.temp_files, state, *session, &mut out),
                        None if self.defer => self.job = Some(Job::Edit(session)),
                        None => out.err(NO_EDITOR),
                    }
                    return to_shell(&out);
                }
                if let Some(job) = out.job.take() {
                    self.take_job(job, &mut out);
                }
                to_shell(&out)
            }
            "curl" => {
                let mut station = Station { jobs: &mut *self.table, files: &mut *self.files };
                self.cluster.workstation_curl(state, argv, &mut station)
            }
            "jobs" => self.table.jobs(&argv[1..]),
            "kill" => self.table.kill(&argv[1..]),
            "bg" if self.building.is_some() => ordinal_shell::Output::err("bash: bg: no job control\n", 1),
            "bg" => self.table.bg(&argv[1..]),
            "fg" => self.fg(&argv[1..]),
            "wait" => self.table.wait(),
            "cat" => {
                let mut o = ordinal_shell::Output::default();
                if argv.len() == 1 {
                    o.push_out(stdin);
                }
                for f in &argv[1..] {
                    match self.read(f) {
                        Ok(t) => o.push_out(t),
                        Err(_) => {
                            let why = if self.files.dir(f).is_some() { "Is a directory" } else { "No such file or directory" };
                            o.push_err(format!("cat: {f}: {why}\n"));
                            o.status = 1;
                        }
                    }
                }
                o
            }
            "ls" => {
                let mut o = ordinal_shell::Output::default();
                let ops: Vec<&String> = argv[1..].iter().filter(|a| !a.starts_with('-')).collect();
                if ops.is_empty() {
                    let names = self.files.dir(".").unwrap_or_default();
                    if !names.is_empty() {
                        o.push_out(names.join("\n") + "\n");
                    }
                    return o;
                }
                let (mut files, mut dirs) = (Vec::new(), Vec::new());
                for op in &ops {
                    if let Some(names) = self.files.dir(op) {
                        dirs.push((op, names));
                    } else if self.files.read(op).is_ok() {
                        files.push(op.to_string());
                    } else {
                        o.push_err(format!("ls: cannot access '{op}': No such file or directory\n"));
                        o.status = 2;
                    }
                }
                let mut text = files.iter().map(|f| format!("{f}\n")).collect::<String>();
                for (i, (op, names)) in dirs.iter().enumerate() {
                    if ops.len() > 1 {
                        if i > 0 || !files.is_empty() {
                            text.push('\n');
                        }
                        text.push_str(&format!("{op}:\n"));
                    }
                    text.extend(names.iter().map(|n| format!("{n}\n")));
                }
                o.push_out(text);
                o
            }
            tool @ ("grep" | "head" | "tail" | "wc" | "sort" | "base64") => {
                // Operands that are files are read from the workspace; otherwise stdin.
                let (files, flags): (Vec<&String>, Vec<&String>) = argv[1..].iter().partition(|a| !a.starts_with('-') && self.files.read(a).is_ok());
                let input = if files.is_empty() { stdin.to_string() } else { files.iter().filter_map(|f| self.read(f).ok()).collect() };
                let flags: Vec<String> = flags.into_iter().cloned().collect();
                crate::workstation::run(tool, &flags, &input).unwrap_or_default()
            }
            "why" => crate::why::run(self.cluster, &argv[1..], self.namespace),
            "docker" => {
                let (o, job) = crate::workstation::docker(self.cluster, &argv[1..]);
                let Some(job) = job else { return o };
                let mut out = from_shell(&o);
                self.take_job(job, &mut out);
                to_shell(&out)
            }
            "vi" | "vim" | "nano" | "emacs" => ordinal_shell::Output {
                chunks: vec![ordinal_shell::Chunk { stream: ordinal_shell::Stream::Err, text: format!("bash: {name}: this terminal has no text editor; use the Manifest editor beside it, or `cat > FILE`\n") }],
                status: 127,
                clear: false,
            },
            // The shell prints its own "command not found".
            _ => ordinal_shell::Output { chunks: Vec::new(), status: 127, clear: false },
        }
    }
    fn read_file(&mut self, _state: &State, path: &str) -> Result<String, String> {
        self.read(path)
    }
    fn work_bytes(&mut self) -> u64 {
        std::mem::take(&mut self.work)
    }
    fn write_file(
        &mut self,
        _state: &State,
        path: &str,
        content: &str,
        append: bool,
    ) -> Result<(), String> {
        if path == "/dev/null" {
            return Ok(());
        }
        self.files.write(path, content, append)
    }
    fn waited_ms(&mut self) -> u64 {
        self.cluster
            .now()
            .since(self.started)
            .saturating_sub(self.slept_ms)
    }
    fn sleep(&mut self, ms: u64) {
        if let Some(b) = self.building.as_mut() {
            b.job = Some(Job::Sleep {
                until: self.cluster.now().plus_ms(ms),
            });
            b.detach = true;
            return;
        }
        self.slept_ms += ms;
        if self.defer {
            self.job = Some(Job::Sleep {
                until: self.cluster.now().plus_ms(ms),
            });
        } else {
            self.cluster.advance(ms);
        }
    }
    fn is_dir(&mut self, _state: &State, path: &str) -> bool {
        matches!(path, "/" | "~" | "." | "..")
    }
    fn begin_background(&mut self, text: &str) -> Background {
        if self.building.is_some() {
            return Background::Foreground;
        }
        let b = match self.table.begin(text) {
            Ok(b) => b,
            Err(msg) => return Background::Refused(msg),
        };
        let job = Background::Job {
            number: b.number,
            pid: b.pid,
        };
        self.building = Some(b);
        job
    }
    fn end_background(&mut self, status: i32, rest: Option<Rest>) {
        if let Some(b) = self.building.take() {
            self.table.end(b, status, rest);
        }
    }
    fn detached(&mut self) -> bool {
        self.building
            .as_mut()
            .is_some_and(|b| std::mem::take(&mut b.detach))
    }
    fn sinks(&mut self, out: &Sink, err: &Sink) {
        if let Some(b) = self.building.as_mut() {
            b.sinks = (out.clone(), err.clone());
        }
    }
}

impl Session {
    pub fn new(files: Box<dyn Workspace>) -> Session {
        let mut shell = Shell::new(Dialect::Bash);
        shell.state.cwd = "/home/learner".into();
        shell
            .state
            .vars
            .insert("HOME".into(), "/home/learner".into());
        Session {
            namespace: "default".into(),
            shell,
            files,
            job: None,
            table: JobTable::default(),
            attached: None,
            explain: None,
            editor: None,
            temp_files: TempFiles::default(),
        }
    }

    /// A copy of this terminal as it is between commands (a snapshot the web timeline keeps):
    /// `None` while anything runs (a command, a background job, a container's shell, an edit)
    /// or when its workspace or editor cannot be copied.
    pub fn fork(&self) -> Option<Session> {
        if self.job.is_some() || self.attached.is_some() || self.editor.is_some() {
            return None;
        }
        Some(Session {
            namespace: self.namespace.clone(),
            shell: self.shell.clone(),
            files: self.files.fork()?,
            job: None,
            table: self.table.fork()?,
            attached: None,
            explain: self.explain.clone(),
            editor: None,
            temp_files: self.temp_files.clone(),
        })
    }

    /// Gives `kubectl edit` an editor to run within the command (the CLI's processes). Without
    /// one, an edit on a line of its own waits as a job for [`Session::finish_edit`].
    pub fn set_editor(&mut self, editor: Box<dyn Editor>) {
        self.editor = Some(editor);
    }

    /// The edit waiting for its editor, if one is (its buffer is what the editor shows).
    pub fn editing(&self) -> Option<&EditSession> {
        match &self.job {
            Some(Job::Edit(s)) => Some(s),
            _ => None,
        }
    }

    /// The editor of the waiting edit closed: `saved` is the text it saved, or `None` if it quit
    /// without saving (the file as it was opened). The file is kept in the workspace under its
    /// temp name until kubectl removes it; the edit ends, or waits again with a new buffer.
    pub fn finish_edit(&mut self, c: &mut Cluster, saved: Option<&str>) -> Output {
        let Some(Job::Edit(session)) = self.job.take_if(|j| matches!(j, Job::Edit(_))) else {
            return Output::default();
        };
        let text = saved.unwrap_or(session.buffer()).to_string();
        let tmpdir = exported(&self.shell.state, "TMPDIR");
        let t = &mut self.temp_files;
        let path = temp_name(tmpdir, &mut t.count, session.suffix(), &t.kept);
        t.keep(&mut *self.files, &path, &text);
        let next = session.saved(c, &text, &path);
        for p in &next.removed {
            t.remove(&mut *self.files, p);
        }
        if let Some(again) = next.again {
            self.job = Some(Job::Edit(Box::new(again)));
        }
        next.out
    }

    /// Hands `kubectl explain` its data (the CLI embeds it; the web app fetches it after first
    /// paint, and until then explain says the descriptions are still loading).
    pub fn set_explain_data(&mut self, data: std::sync::Arc<str>) {
        self.explain = Some(data);
    }

    pub fn files(&self) -> &dyn Workspace {
        &*self.files
    }

    pub fn files_mut(&mut self) -> &mut dyn Workspace {
        &mut *self.files
    }

    /// The prompt to show: `$ ` at the learner's shell, the container shell's inside an attach.
    pub fn prompt(&self) -> String {
        match &self.attached {
            Some(a) => {
                let cwd = a.shell.state.cwd.clone();
                if matches!(a.dialect, Dialect::Dash) {
                    "# ".into()
                } else {
                    format!("{} # ", if cwd.is_empty() { "/" } else { &cwd })
                }
            }
            None => "$ ".into(),
        }
    }

    /// A command is still running (a watch, a wait): input waits; Ctrl-C stops it.
    pub fn busy(&self) -> bool {
        self.job
            .as_ref()
            .is_some_and(|j| !matches!(j, Job::Attach(Attach { waiting: false, .. })))
    }

    /// A background job is running: the terminal polls it as the clock runs.
    pub fn has_jobs(&self) -> bool {
        self.table.running()
    }

    /// The next deadline of the running job or of a background job (see [`Job::deadline`]).
    pub fn next_deadline(&self) -> Option<ordinal_sim::time::Time> {
        let fg = self.job.as_ref().and_then(Job::deadline);
        match (fg, self.table.deadline()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    pub fn attached(&self) -> bool {
        self.attached.is_some()
    }

    pub fn history(&self) -> &[String] {
        &self.shell.state.history
    }

    /// The environment a command started now gets: the shell's exported variables.
    pub fn env(&self) -> Vec<(String, String)> {
        self.shell.state.env()
    }

    /// Runs one line typed at the prompt.
    pub fn input(&mut self, c: &mut Cluster, line: &str, mode: Mode) -> Output {
        if self.busy() {
            return Output::default();
        }
        if let Some(mut a) = self.attached.take() {
            let (out, keep) = Self::attached_input(c, &mut a, line);
            if keep {
                self.attached = Some(a);
            }
            return out;
        }
        let simple = is_simple(line);
        let started = c.now();
        let mut host = TerminalHost {
            cluster: c,
            files: &mut *self.files,
            namespace: &self.namespace,
            defer: simple && mode == Mode::Interactive,
            allow_attach: simple,
            job: None,
            started,
            slept_ms: 0,
            work: 0,
            explain: self.explain.as_deref(),
            table: &mut self.table,
            building: None,
            editor: self.editor.as_deref_mut(),
            temp_files: &mut self.temp_files,
        };
        let o = self.shell.run(&mut host, line);
        let job = host.job.take();
        let mut out = from_shell(&o);
        if o.clear {
            out.chunks.insert(0, (Stream::Out, "\x1b[2J\x1b[H".into()));
        }
        self.start_job(c, job, mode, &mut out);
        self.poll_background(c, &mut out);
        if !self.busy() {
            self.table.notify(&mut out);
        }
        out
    }

    /// Moves the background jobs along: their output where it goes, and a list's next
    /// commands once its running one ends.
    fn poll_background(&mut self, c: &mut Cluster, out: &mut Output) {
        for i in 0..self.table.jobs.len() {
            let j = &mut self.table.jobs[i];
            if j.state != JobState::Running {
                continue;
            }
            let Some(mut job) = j.job.take() else {
                continue;
            };
            let mut o = Output::default();
            let done = job.poll(c, &mut o);
            if o.status != 0 {
                j.status = o.status;
            }
            for (stream, text) in o.chunks {
                let sink = if stream == Stream::Out {
                    &j.sinks.0
                } else {
                    &j.sinks.1
                };
                if let Some(to) = route(&text, sink, &mut *self.files) {
                    out.chunks.push((to, text));
                }
            }
            if !done {
                j.job = Some(job);
                continue;
            }
            let status = j.status;
            match j.rest.take() {
                None => j.state = JobState::Done(status),
                Some(rest) => {
                    let building = JobTable::resuming(j);
                    let started = c.now();
                    let mut host = TerminalHost {
                        cluster: c,
                        files: &mut *self.files,
                        namespace: &self.namespace,
                        defer: false,
                        allow_attach: false,
                        job: None,
                        started,
                        slept_ms: 0,
                        work: 0,
                        explain: self.explain.as_deref(),
                        table: &mut self.table,
                        building: Some(building),
                        editor: self.editor.as_deref_mut(),
                        temp_files: &mut self.temp_files,
                    };
                    let o = self.shell.resume(&mut host, rest, status);
                    out.append(from_shell(&o));
                }
            }
        }
    }

    fn start_job(&mut self, c: &mut Cluster, job: Option<Job>, mode: Mode, out: &mut Output) {
        let Some(job) = job else { return };
        match job {
            Job::Attach(a) if !a.waiting => self.attach(c, a, out),
            job if mode == Mode::Script => {
                if let Some(Job::Attach(a)) = job.run_to_end(c, out) {
                    self.attach(c, a, out);
                }
            }
            job => self.job = Some(job),
        }
    }

    fn attach(&mut self, c: &mut Cluster, a: Attach, out: &mut Output) {
        let dialect = match c.exec_target(&a.namespace, &a.pod, a.container.as_deref()) {
            Ok(t) if t.image.contains("nginx") || t.image.contains("httpd") => Dialect::Dash,
            Ok(_) => Dialect::Ash,
            Err(e) => {
                out.err(e.message());
                return;
            }
        };
        let mut shell = Shell::new(dialect);
        shell.state.cwd = "/".into();
        self.attached = Some(Attached {
            attach: a,
            shell,
            dialect,
        });
    }

    /// A line typed into an attached container shell; the bool says whether the attach goes on.
    fn attached_input(c: &mut Cluster, a: &mut Attached, line: &str) -> (Output, bool) {
        let mut out = Output::default();
        let (ns, pod, container) = (
            a.attach.namespace.clone(),
            a.attach.pod.clone(),
            a.attach.container.clone(),
        );
        let trimmed = line.trim();
        let exiting = trimmed == "exit" || trimmed.starts_with("exit ") || trimmed == "logout";
        if !exiting {
            return match c.exec_in_shell(&mut a.shell, &ns, &pod, container.as_deref(), line) {
                Ok(r) => {
                    out.out(r.stdout);
                    if !r.stderr.is_empty() {
                        out.note(r.stderr);
                    }
                    (out, true)
                }
                Err(e) => {
                    // The container went away under the shell.
                    out.err(e.message());
                    (out, false)
                }
            };
        }
        if a.attach.from_run {
            let code = trimmed
                .strip_prefix("exit")
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(0);
            // `GetSessionEndMessage`: only for a pod whose containers restart.
            let spec = c.get_as::<ordinal_sim::api::Pod>(&ns, &pod).map(|p| {
                let name = container.clone().unwrap_or_else(|| pod.clone());
                let ephemeral = p
                    .spec
                    .ephemeral_containers
                    .iter()
                    .any(|e| e.container.name == name);
                let restarts = p.spec.restart_policy.as_deref().unwrap_or("Always") == "Always";
                (name, ephemeral, restarts)
            });
            c.end_process(&ns, &pod, container.as_deref(), code);
            if a.attach.remove {
                let opts = DeleteOptions {
                    grace_period_seconds: Some(0),
                    propagation: None,
                };
                if c.delete(Kind::Pod, &ns, &pod, &opts).is_ok() {
                    out.out(format!("pod \"{pod}\" deleted\n"));
                }
            } else if let Some((name, ephemeral, restarts)) = spec {
                if ephemeral && restarts {
                    out.out(format!("Session ended, the ephemeral container will not be restarted but may be reattached using 'kubectl attach {pod} -c {name} -i -t' if it is still running\n"));
                } else if restarts {
                    out.out(format!("Session ended, resume using 'kubectl attach {pod} -c {name} -i -t' command when the pod is running\n"));
                }
            }
        }
        (out, false)
    }

    /// Moves a running job along after the clock moved (live terminal).
    pub fn poll(&mut self, c: &mut Cluster) -> Output {
        let mut out = Output::default();
        let busy = self.busy();
        if let Some(mut job) = self.job.take() {
            let done = job.poll(c, &mut out);
            match job {
                Job::Attach(a) if !a.waiting && !done => self.attach(c, a, &mut out),
                job if !done => self.job = Some(job),
                _ => {}
            }
        }
        self.poll_background(c, &mut out);
        if busy && !self.busy() {
            self.table.notify(&mut out);
        }
        out
    }

    /// Ctrl-C: stops a running job (the watch ends; a wait is abandoned). Background jobs
    /// run on.
    pub fn interrupt(&mut self) -> Output {
        let mut out = Output::default();
        let busy = self.busy();
        self.job = None;
        out.out("^C\n");
        if busy {
            self.table.notify(&mut out);
        }
        out
    }
}
