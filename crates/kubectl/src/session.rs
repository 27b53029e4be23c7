//! A terminal session: the learner's shell (bash-like, with `kubectl`/`k` and a few workstation
//! commands), the job a command left running (a watch, a wait), its background jobs (`… &`,
//! [`crate::jobcontrol`]), and a shell attached to a container (`kubectl run -it`, `kubectl
//! exec -it … -- sh`). The CLI and the web terminal both drive one of these.

use crate::jobcontrol::{route, Building, JobState, JobTable, Station};
use crate::jobs::{Attach, Job};
use crate::output::{Output, Stream};
use crate::{Env, Files};
use ordinal_shell::{Background, Dialect, Host, Rest, Shell, Sink, State};
use ordinal_sim::api::Kind;
use ordinal_sim::{Cluster, DeleteOptions};
use std::collections::BTreeMap;

/// How blocking commands behave.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A script or transcript: blocking commands run to their end, moving simulated time.
    Script,
    /// A live terminal: a simple blocking command becomes a job the caller polls as the clock runs.
    Interactive,
}

/// Files on the learner's "workstation": what `-f` and `>` use.
pub trait Workspace: Files {
    fn write(&mut self, path: &str, content: &str, append: bool) -> Result<(), String>;
    fn list(&self) -> Vec<String>;
}

/// An in-memory workspace (the browser's; and the CLI's overlay for writes).
#[derive(Default, Clone, Debug)]
pub struct MemFiles {
    pub files: BTreeMap<String, String>,
}

impl Files for MemFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        self.files
            .get(path.trim_start_matches("./"))
            .cloned()
            .ok_or_else(|| "No such file or directory".into())
    }
}

impl Workspace for MemFiles {
    fn write(&mut self, path: &str, content: &str, append: bool) -> Result<(), String> {
        let e = self
            .files
            .entry(path.trim_start_matches("./").to_string())
            .or_default();
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
                    o.chunks.push(ordinal_shell::Chunk { stream: ordinal_shell::Stream::Out, text: stdin.to_string() });
                }
                for f in &argv[1..] {
                    match self.read(f) {
                        Ok(t) => o.chunks.push(ordinal_shell::Chunk { stream: ordinal_shell::Stream::Out, text: t }),
                        Err(_) => {
                            o.chunks.push(ordinal_shell::Chunk { stream: ordinal_shell::Stream::Err, text: format!("cat: {f}: No such file or directory\n") });
                            o.status = 1;
                        }
                    }
                }
                o
            }
            "ls" => {
                let mut o = ordinal_shell::Output::default();
                let list = self.files.list();
                if !list.is_empty() {
                    o.chunks.push(ordinal_shell::Chunk { stream: ordinal_shell::Stream::Out, text: list.join("\n") + "\n" });
                }
                o
            }
            tool @ ("grep" | "head" | "tail" | "wc" | "sort" | "base64") => {
                // Operands that are files are read from the workspace; otherwise stdin.
                let (files, flags): (Vec<&String>, Vec<&String>) = argv[1..].iter().partition(|a| !a.starts_with('-') && self.files.read(a).is_ok());
                let input = if files.is_empty() { stdin.to_string() } else { files.iter().filter_map(|f| self.read(f).ok()).collect() };
                let flags: Vec<String> = flags.into_iter().cloned().collect();
                crate::workstation::run(tool, &flags, &input).unwrap_or_default()
            }
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
        }
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
            c.end_main_process(&ns, &pod, code);
            if a.attach.remove {
                let opts = DeleteOptions {
                    grace_period_seconds: Some(0),
                    propagation: None,
                };
                if c.delete(Kind::Pod, &ns, &pod, &opts).is_ok() {
                    out.out(format!("pod \"{pod}\" deleted\n"));
                }
            } else {
                out.out(format!("Session ended, resume using 'kubectl attach {pod} -c {pod} -i -t' command when the pod is running\n"));
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
