//! A small POSIX-ish shell language used in two places: the learner's terminal (bash-like) and
//! `sh -c` inside simulated containers (busybox ash, Debian dash).
//!
//! The crate knows the language (quoting, expansions, pipes, redirections, `if`/`for`/`while`,
//! a handful of builtins) and each dialect's error wording. Everything else — which commands
//! exist, where files live, how time passes — belongs to the caller's [`Host`].
//!
//! Every [`Shell::run`] is bounded: it stops after [`Limits::steps`] commands and loop rounds,
//! [`Limits::sleep_ms`] of simulated sleep and [`Limits::output_bytes`] of output, so a script
//! such as `while true; do :; done` ends with a message instead of freezing a browser tab.

// What the user does never unwraps: a failure is a message, not a panic (checked by clippy in CI).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod arith;
mod builtins;
mod exec;
mod expand;
mod glob;
mod lex;
mod msg;
mod parse;

use std::collections::{BTreeMap, BTreeSet};

pub use glob::matches as glob_matches;

/// Which shell is being imitated. It changes error wording and a few builtin details (dash's
/// `echo` always interprets backslashes), never what the language accepts.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// GNU bash, as in the learner's terminal.
    Bash,
    /// busybox ash (`busybox`, `alpine` images).
    Ash,
    /// Debian's dash (`/bin/sh` in nginx and other Debian-based images).
    Dash,
}

impl Dialect {
    /// The line an interactive shell of this dialect prints when `name` is not a command,
    /// with its newline: `bash: foo: command not found`, `sh: foo: not found`,
    /// `sh: 1: foo: not found`.
    pub fn not_found(&self, name: &str, line: usize) -> String {
        match self {
            Dialect::Bash => format!("bash: {name}: command not found\n"),
            Dialect::Ash => format!("sh: {name}: not found\n"),
            Dialect::Dash => format!("sh: {line}: {name}: not found\n"),
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Stream {
    Out,
    Err,
    /// Straight to the terminal, past redirections, pipes and `$(…)`: what a background job
    /// writes while a command runs (`kubectl port-forward`'s "Handling connection for 8080"
    /// while `curl` talks through it).
    Tty,
}

/// Where a background job's later output goes, as the redirections around its command said
/// (see [`Host::sinks`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sink {
    /// The terminal, as standard output.
    Out,
    /// The terminal, as standard error.
    Err,
    /// `/dev/null`.
    Null,
    /// Appended to this file (the path as the redirection named it).
    File(String),
    /// A pipe or `$(…)`: read by a command that has finished by the time the job writes again.
    Pipe,
}

/// What the host makes of `LIST &` (see [`Host::begin_background`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Background {
    /// No job control (`sh -c`): the list runs in the foreground.
    Foreground,
    /// A job: its number and process id (`[1] 4243`).
    Job { number: u32, pid: u32 },
    /// No job now: the message says why (the list does not run; its status is 1).
    Refused(String),
}

/// What a background list has left to run after its command that keeps running ends (`sleep 5
/// && echo done &`): the host keeps it with the job and hands it to [`Shell::resume`].
#[derive(Clone, Debug)]
pub struct Rest {
    parts: Vec<(bool, parse::Pipeline)>,
    sinks: (Sink, Sink),
}

/// A piece of output on one stream. Output keeps the order in which both streams were written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub stream: Stream,
    pub text: String,
}

/// What a command or a whole script printed, and its exit status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    pub chunks: Vec<Chunk>,
    pub status: i32,
    /// `clear` was run: the terminal should be wiped before showing `chunks`.
    pub clear: bool,
}

impl Output {
    /// Text on stdout, status 0.
    pub fn out(s: impl Into<String>) -> Output {
        let mut o = Output::default();
        o.push(Stream::Out, s);
        o
    }

    /// Text on stderr with the given status.
    pub fn err(s: impl Into<String>, status: i32) -> Output {
        let mut o = Output::default();
        o.push(Stream::Err, s);
        o.status = status;
        o
    }

    pub fn with_status(mut self, status: i32) -> Output {
        self.status = status;
        self
    }

    /// Appends text, merging with the previous chunk when it is on the same stream.
    pub fn push(&mut self, stream: Stream, s: impl Into<String>) {
        let s = s.into();
        if s.is_empty() {
            return;
        }
        match self.chunks.last_mut() {
            Some(last) if last.stream == stream => last.text.push_str(&s),
            _ => self.chunks.push(Chunk { stream, text: s }),
        }
    }

    pub fn push_out(&mut self, s: impl Into<String>) {
        self.push(Stream::Out, s);
    }

    pub fn push_err(&mut self, s: impl Into<String>) {
        self.push(Stream::Err, s);
    }

    /// Appends another output's chunks (and its `clear`), leaving `status` alone.
    pub fn append(&mut self, other: Output) {
        for c in other.chunks {
            self.push(c.stream, c.text);
        }
        self.clear |= other.clear;
    }

    /// Everything written to stdout.
    pub fn stdout(&self) -> String {
        self.stream_text(Stream::Out)
    }

    /// Everything written to stderr.
    pub fn stderr(&self) -> String {
        self.stream_text(Stream::Err)
    }

    /// Both streams interleaved in the order they were written, as a terminal shows them.
    pub fn text(&self) -> String {
        self.chunks.iter().map(|c| c.text.as_str()).collect()
    }

    fn stream_text(&self, stream: Stream) -> String {
        self.chunks
            .iter()
            .filter(|c| c.stream == stream)
            .map(|c| c.text.as_str())
            .collect()
    }

    pub(crate) fn len(&self) -> usize {
        self.chunks.iter().map(|c| c.text.len()).sum()
    }
}

/// The shell's variables and working directory. It outlives a single [`Shell::run`], so a
/// terminal keeps its `cd` and `export`s from line to line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    /// Absolute, normalised (`/`, `/usr/share/nginx/html`).
    pub cwd: String,
    pub vars: BTreeMap<String, String>,
    /// Names passed to commands in their environment.
    pub exported: BTreeSet<String>,
    /// `$?`.
    pub last_status: i32,
    /// Lines entered so far (the bash dialect records each non-blank line it runs).
    pub history: Vec<String>,
}

impl Default for State {
    fn default() -> State {
        State {
            cwd: "/".into(),
            vars: BTreeMap::new(),
            exported: BTreeSet::new(),
            last_status: 0,
            history: Vec::new(),
        }
    }
}

impl State {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.vars.insert(name.to_string(), value.into());
    }

    /// Sets a variable and marks it exported.
    pub fn set_exported(&mut self, name: &str, value: impl Into<String>) {
        self.set(name, value);
        self.exported.insert(name.to_string());
    }

    /// The environment a command sees: exported variables that have a value, by name.
    pub fn env(&self) -> Vec<(String, String)> {
        self.exported
            .iter()
            .filter_map(|k| self.vars.get(k).map(|v| (k.clone(), v.clone())))
            .collect()
    }

    /// `path` made absolute against `cwd`, with `.` and `..` resolved.
    pub fn resolve(&self, path: &str) -> String {
        resolve_path(&self.cwd, path)
    }
}

/// Joins `path` onto `cwd` (unless absolute) and resolves `.` and `..`.
pub fn resolve_path(cwd: &str, path: &str) -> String {
    let full = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{cwd}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for c in full.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Parses a `sleep` operand as coreutils and busybox do: a number (fractions allowed) with an
/// optional `s`, `m`, `h` or `d` suffix. Returns milliseconds.
pub fn parse_duration(s: &str) -> Option<u64> {
    let (num, mult) = match s.as_bytes().last()? {
        b's' => (&s[..s.len() - 1], 1_000.0),
        b'm' => (&s[..s.len() - 1], 60_000.0),
        b'h' => (&s[..s.len() - 1], 3_600_000.0),
        b'd' => (&s[..s.len() - 1], 86_400_000.0),
        _ => (s, 1_000.0),
    };
    if num.is_empty() || !num.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let v: f64 = num.parse().ok()?;
    (v.is_finite() && v >= 0.0).then(|| (v * mult).min(1e15) as u64)
}

/// What the shell asks of its surroundings.
pub trait Host {
    /// Runs a command that is not a shell builtin. `argv[0]` is the command name.
    ///
    /// A host that does not know the command may return status 127 with no output: the shell
    /// then prints its dialect's own "not found" line.
    fn command(&mut self, state: &State, argv: &[String], stdin: &str) -> Output;
    /// For `<`, `.` and `test -f` (paths relative to `state.cwd` are the host's to resolve).
    /// `Err` is the errno text, e.g. `No such file or directory`.
    fn read_file(&mut self, state: &State, path: &str) -> Result<String, String>;
    /// For `>` and `>>`.
    fn write_file(
        &mut self,
        state: &State,
        path: &str,
        content: &str,
        append: bool,
    ) -> Result<(), String>;
    /// `sleep`: simulated time passes (the host advances its clock).
    fn sleep(&mut self, ms: u64);
    /// Simulated milliseconds the host's own commands (a watch or a wait run to its end) have
    /// let pass in this run, beyond [`Host::sleep`]'s. They count towards the run's sleep
    /// budget, so a loop around a waiting command ends too.
    fn waited_ms(&mut self) -> u64 {
        0
    }
    /// Whether `path` is a directory (for `cd` and `test -d`).
    fn is_dir(&mut self, state: &State, path: &str) -> bool;
    /// The names in a directory, for `*`, `?` and `[…]` patterns. `None` (the default) means
    /// the host cannot list, and patterns stay as typed.
    fn list_dir(&mut self, _state: &State, _path: &str) -> Option<Vec<String>> {
        None
    }
    /// Asked after every command: `Some(status)` ends the run at once (for example the
    /// container the shell runs in was killed).
    fn interrupted(&mut self) -> Option<i32> {
        None
    }
    /// Bytes of text the host's own work moved since the last call (file contents read or
    /// copied for the shell or its commands). The shell charges them to the step budget, as
    /// its own copies of long values, so a loop over a large file ends in time.
    fn work_bytes(&mut self) -> u64 {
        0
    }
    /// `LIST &`: the host makes a job of the list, which bash shows as `text` (`jobs`), with
    /// its number and process id (`[1] 4243`). The list then runs at once, in a subshell, as
    /// far as it can: every command that finishes at once runs; the first one that keeps
    /// running (a watch, a port-forward, `sleep`) is the job's, and the host says so through
    /// [`Host::detached`]. The default, [`Background::Foreground`] (no job control, as `sh
    /// -c`), runs the list in the foreground.
    fn begin_background(&mut self, _text: &str) -> Background {
        Background::Foreground
    }
    /// The background list has run as far as it can now: its status (if it finished), and what
    /// is left to run after the command that keeps running ([`Shell::resume`] runs it).
    fn end_background(&mut self, _status: i32, _rest: Option<Rest>) {}
    /// Asked after each command of a background list: whether it keeps running.
    fn detached(&mut self) -> bool {
        false
    }
    /// Told before a command of a background list runs: where its output goes from now on.
    fn sinks(&mut self, _out: &Sink, _err: &Sink) {}
}

/// Bytes of copied or scanned text that count as one step (see [`Limits::steps`]): a plain
/// command costs about as much as copying this much.
pub const WORK_BYTES_PER_STEP: u64 = 256;

/// How much one [`Shell::run`] may do before it is stopped.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Commands run plus loop rounds. Work on long text counts too: every
    /// [`WORK_BYTES_PER_STEP`] bytes a run copies or scans (expanding a variable, a subshell's
    /// copy of the variables, `${x%pattern}`'s attempts, files the host reads) is one step.
    pub steps: u64,
    /// Total simulated time `sleep` may pass.
    pub sleep_ms: u64,
    /// Bytes of output (all commands, captured or not) and of any one expanded word.
    pub output_bytes: usize,
    /// Nesting of `$(…)`, `eval` and `.`.
    pub depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            steps: 100_000,
            sleep_ms: 24 * 3_600_000,
            output_bytes: 4 << 20,
            depth: 64,
        }
    }
}

/// A shell: its state, its dialect, and the limits of each run.
#[derive(Clone, Debug)]
pub struct Shell {
    pub state: State,
    dialect: Dialect,
    /// `$0`, and the prefix of error messages (`bash`, `sh`, `/bin/sh`).
    name: String,
    /// A terminal (true) or a script/`sh -c` (false): bash words its errors differently.
    interactive: bool,
    /// `$1`, `$2`, …
    args: Vec<String>,
    limits: Limits,
    errexit: bool,
    xtrace: bool,
    exited: bool,
    steps_used: u64,
    slept_ms: u64,
    /// `$!`: the process id of the last background job.
    last_bg: Option<u32>,
}

impl Shell {
    /// A shell as the dialect's users meet it: bash interactive (the terminal), ash and dash
    /// as `sh -c` runs them.
    pub fn new(dialect: Dialect) -> Shell {
        Shell {
            state: State::default(),
            dialect,
            name: match dialect {
                Dialect::Bash => "bash".into(),
                Dialect::Ash | Dialect::Dash => "sh".into(),
            },
            interactive: dialect == Dialect::Bash,
            args: Vec::new(),
            limits: Limits::default(),
            errexit: false,
            xtrace: false,
            exited: false,
            steps_used: 0,
            slept_ms: 0,
            last_bg: None,
        }
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// `$0` and the prefix of error messages, e.g. `/bin/sh` when started by that path.
    pub fn set_name(&mut self, name: impl Into<String>) {
        self.name = name.into();
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// A terminal session (prompted lines) or a script. Only bash's wording depends on it
    /// (`bash: foo: command not found` versus `bash: line 1: foo: command not found`).
    pub fn set_interactive(&mut self, interactive: bool) {
        self.interactive = interactive;
    }

    /// The positional parameters `$1`, `$2`, … (`sh -c SCRIPT NAME ARG…`).
    pub fn set_args(&mut self, args: Vec<String>) {
        self.args = args;
    }

    /// `set -e`: stop at the first failing command.
    pub fn set_errexit(&mut self, on: bool) {
        self.errexit = on;
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// `exit` ran (in this shell, not in a subshell) during the last run.
    pub fn has_exited(&self) -> bool {
        self.exited
    }

    /// Steps (commands and loop rounds) the last run used.
    pub fn steps_used(&self) -> u64 {
        self.steps_used
    }

    /// Simulated milliseconds the last run slept.
    pub fn slept_ms(&self) -> u64 {
        self.slept_ms
    }

    /// Runs one line or a whole script.
    pub fn run(&mut self, host: &mut dyn Host, script: &str) -> Output {
        self.run_with_input(host, script, "")
    }

    /// Runs a script whose commands read `stdin` (`echo hi | sh -c 'cat'`).
    pub fn run_with_input(&mut self, host: &mut dyn Host, script: &str, stdin: &str) -> Output {
        if self.dialect == Dialect::Bash && self.interactive && !script.trim().is_empty() {
            self.state
                .history
                .push(script.trim_end_matches('\n').to_string());
        }
        exec::run_script(self, host, script, stdin)
    }

    /// Goes on with a background list whose command that kept running has ended with `status`
    /// (see [`Host::end_background`]). `$?` is left as it was.
    pub fn resume(&mut self, host: &mut dyn Host, rest: Rest, status: i32) -> Output {
        exec::resume(self, host, rest, status)
    }

    /// Runs one command given as words, without parsing (`kubectl exec POD -- echo hi`):
    /// a builtin if it is one, else the host's.
    pub fn run_argv(&mut self, host: &mut dyn Host, argv: &[String], stdin: &str) -> Output {
        exec::run_argv(self, host, argv, stdin)
    }
}

#[cfg(test)]
mod tests;
