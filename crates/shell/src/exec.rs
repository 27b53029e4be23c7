//! Running parsed commands: lists, `&&`/`||`, pipelines, compound commands, redirections,
//! and the budget that bounds every run.

use crate::lex::RedirOp;
use crate::msg::Voice;
use crate::parse::{AndOr, Command, Compound, List, Parser, Pipeline, Redir, Simple};
use crate::{
    builtins, Background, Dialect, Host, Output, Rest, Shell, Sink, Stream, WORK_BYTES_PER_STEP,
};

/// Why execution stopped early.
#[derive(Debug)]
pub(crate) enum Stop {
    /// `exit N`.
    Exit(i32),
    /// An error that abandons the rest of the run (the message is already printed).
    Fatal(i32),
    /// A limit was reached (the message is already printed).
    Budget,
    /// The host asked to stop.
    Interrupted(i32),
    Break(usize),
    Continue(usize),
    /// A command of a background list keeps running: the list stops here for now.
    Detached,
}

pub(crate) type R<T> = Result<T, Stop>;

/// Standard input of a command: what is left of it.
pub(crate) struct Input {
    data: String,
    pos: usize,
}

impl Input {
    pub fn new(s: impl Into<String>) -> Input {
        Input {
            data: s.into(),
            pos: 0,
        }
    }
    pub fn rest(&self) -> &str {
        &self.data[self.pos..]
    }
    /// One line, without its newline, and whether it ended with one. `None` at the end.
    pub fn read_line(&mut self) -> Option<(String, bool)> {
        let rest = self.rest();
        if rest.is_empty() {
            return None;
        }
        match rest.find('\n') {
            Some(i) => {
                let line = rest[..i].to_string();
                self.pos += i + 1;
                Some((line, true))
            }
            None => {
                let line = rest.to_string();
                self.pos = self.data.len();
                Some((line, false))
            }
        }
    }
}

pub(crate) struct Exec<'a> {
    pub sh: &'a mut Shell,
    pub host: &'a mut dyn Host,
    pub depth: usize,
    pub line: usize,
    /// Bytes of output produced so far in this run.
    pub out_bytes: usize,
    /// Inside a condition (`if`, `while`, the left of `&&`/`||`): `set -e` does not apply.
    pub cond: usize,
    /// Loops currently running (for `break` and `continue`).
    pub loops: usize,
    /// The status of the last command substitution in the current simple command.
    pub subst_status: Option<i32>,
    /// The script being run, for bash's echo of a line with a syntax error.
    pub source: String,
    /// Bytes of work not yet a whole step (see [`Exec::charge`]).
    pub work: u64,
    /// Inside a background list (`… &`).
    pub bg: usize,
    /// Where the current command's standard output and error end up (for a background job's
    /// later output).
    pub sinks: (Sink, Sink),
}

pub(crate) fn run_script(sh: &mut Shell, host: &mut dyn Host, script: &str, stdin: &str) -> Output {
    start(sh);
    let mut out = Output::default();
    let mut ex = Exec::new(sh, host, script);
    let mut input = Input::new(stdin);
    let r = match Parser::new(script) {
        Ok(mut p) => ex.run_parser(&mut p, &mut input, &mut out),
        Err(e) => {
            let v = ex.voice();
            out.push_err(v.syntax(&e.error, e.line, script));
            Err(Stop::Fatal(2))
        }
    };
    finish(ex, r, out)
}

pub(crate) fn run_argv(
    sh: &mut Shell,
    host: &mut dyn Host,
    argv: &[String],
    stdin: &str,
) -> Output {
    start(sh);
    let mut out = Output::default();
    let mut ex = Exec::new(sh, host, "");
    let mut input = Input::new(stdin);
    let r = if argv.is_empty() {
        Ok(0)
    } else {
        ex.invoke(argv, &mut input, &mut out)
    };
    finish(ex, r, out)
}

/// [`Shell::resume`]: the rest of a background list, in the background again.
pub(crate) fn resume(sh: &mut Shell, host: &mut dyn Host, rest: Rest, status: i32) -> Output {
    let last_status = sh.state.last_status;
    start(sh);
    let mut out = Output::default();
    let mut ex = Exec::new(sh, host, "");
    ex.bg = 1;
    ex.sinks = rest.sinks.clone();
    let parts: Vec<(Option<bool>, &Pipeline)> =
        rest.parts.iter().map(|(and, p)| (Some(*and), p)).collect();
    let r = ex.chain(&parts, status, "", &mut out);
    let out = finish(ex, r, out);
    sh.state.last_status = last_status;
    out
}

fn start(sh: &mut Shell) {
    sh.exited = false;
    sh.steps_used = 0;
    sh.slept_ms = 0;
}

fn finish(ex: Exec, r: R<i32>, mut out: Output) -> Output {
    let status = match r {
        Ok(s) => s,
        Err(Stop::Exit(n)) => {
            ex.sh.exited = true;
            n
        }
        Err(Stop::Fatal(n)) | Err(Stop::Interrupted(n)) => n,
        Err(Stop::Budget) => 1,
        Err(Stop::Break(_)) | Err(Stop::Continue(_)) | Err(Stop::Detached) => {
            ex.sh.state.last_status
        }
    };
    ex.sh.state.last_status = status;
    out.status = status;
    out
}

impl<'a> Exec<'a> {
    pub fn new(sh: &'a mut Shell, host: &'a mut dyn Host, source: &str) -> Exec<'a> {
        Exec {
            sh,
            host,
            depth: 0,
            line: 1,
            out_bytes: 0,
            cond: 0,
            loops: 0,
            subst_status: None,
            source: source.to_string(),
            work: 0,
            bg: 0,
            sinks: (Sink::Out, Sink::Err),
        }
    }

    pub fn voice(&self) -> Voice<'_> {
        Voice {
            dialect: self.sh.dialect,
            name: &self.sh.name,
            interactive: self.sh.interactive,
            line: self.line,
        }
    }

    /// Runs every line a parser yields; a syntax error ends the run with status 2.
    pub fn run_parser(&mut self, p: &mut Parser, input: &mut Input, out: &mut Output) -> R<i32> {
        let mut status = self.sh.state.last_status;
        loop {
            match p.next_line() {
                Ok(None) => return Ok(status),
                Ok(Some(list)) => status = self.list(&list, input, out)?,
                Err(e) => {
                    let msg = self.voice().syntax(&e.error, e.line, &self.source);
                    out.push_err(msg);
                    self.sh.state.last_status = 2;
                    return Err(Stop::Fatal(2));
                }
            }
        }
    }

    // ------------------------------------------------------------------ budget

    /// Counts one command or loop round against the run's budget.
    pub fn step(&mut self, out: &mut Output) -> R<()> {
        self.sh.steps_used += 1;
        let host_work = self.host.work_bytes();
        self.add_work(host_work);
        self.check_steps(out)
    }

    /// Counts `bytes` of copying or scanning against the step budget, one step per
    /// [`WORK_BYTES_PER_STEP`], and stops the run once the budget is spent: a loop that copies
    /// a long value ends as soon as a loop of commands would.
    pub fn charge(&mut self, bytes: usize, out: &mut Output) -> R<()> {
        self.add_work(bytes as u64);
        self.check_steps(out)
    }

    /// Counts work without checking the budget (the next step or charge checks it).
    pub fn add_work(&mut self, bytes: u64) {
        self.work = self.work.saturating_add(bytes);
        if self.work >= WORK_BYTES_PER_STEP {
            self.sh.steps_used = self
                .sh
                .steps_used
                .saturating_add(self.work / WORK_BYTES_PER_STEP);
            self.work %= WORK_BYTES_PER_STEP;
        }
    }

    /// The bytes a subshell copies: the variables and the positional parameters.
    fn state_bytes(&self) -> usize {
        let st = &self.sh.state;
        st.vars
            .iter()
            .map(|(k, v)| k.len() + v.len())
            .sum::<usize>()
            + self.sh.args.iter().map(String::len).sum::<usize>()
    }

    pub fn check_steps(&mut self, out: &mut Output) -> R<()> {
        if self.sh.steps_used > self.sh.limits.steps {
            let msg = format!(
                "{}: stopped after {} steps: one command line may run at most that many commands and loop rounds here\n",
                self.sh.name, self.sh.limits.steps
            );
            out.push_err(msg);
            return Err(Stop::Budget);
        }
        Ok(())
    }

    /// Writes output, counting it against the run's budget.
    pub fn write(&mut self, out: &mut Output, stream: Stream, s: impl Into<String>) -> R<()> {
        let s = s.into();
        self.out_bytes += s.len();
        out.push(stream, s);
        self.check_output(out)
    }

    fn check_output(&mut self, out: &mut Output) -> R<()> {
        if self.out_bytes > self.sh.limits.output_bytes {
            let msg = format!(
                "{}: stopped: the output passed {} bytes, the most one command line may print here\n",
                self.sh.name, self.sh.limits.output_bytes
            );
            out.push_err(msg);
            return Err(Stop::Budget);
        }
        Ok(())
    }

    /// Lets simulated time pass, within the run's sleep budget.
    pub fn sleep(&mut self, ms: u64, out: &mut Output) -> R<()> {
        if self.sh.slept_ms.saturating_add(ms) > self.sh.limits.sleep_ms {
            let msg = format!(
                "{}: stopped: one command line may sleep at most {}s in total here\n",
                self.sh.name,
                self.sh.limits.sleep_ms / 1000
            );
            out.push_err(msg);
            return Err(Stop::Budget);
        }
        self.sh.slept_ms += ms;
        self.host.sleep(ms);
        Ok(())
    }

    // ------------------------------------------------------------------ structure

    pub fn list(&mut self, list: &List, input: &mut Input, out: &mut Output) -> R<i32> {
        let mut status = self.sh.state.last_status;
        for ao in list {
            if ao.background {
                if let Some(s) = self.background(ao, out)? {
                    status = s;
                    continue;
                }
            }
            let (s, checked) = self.and_or(ao, input, out)?;
            status = s;
            if self.sh.errexit && checked && s != 0 && self.cond == 0 {
                return Err(Stop::Exit(s));
            }
        }
        Ok(status)
    }

    /// The status, and whether `set -e` applies to it (the last pipeline ran, not negated).
    fn and_or(&mut self, ao: &AndOr, input: &mut Input, out: &mut Output) -> R<(i32, bool)> {
        let n = ao.rest.len();
        let mut status = self.guarded(n > 0, |ex| ex.pipeline(&ao.first, input, out))?;
        let mut checked = n == 0 && !ao.first.bang;
        for (i, (and, p)) in ao.rest.iter().enumerate() {
            if (status == 0) != *and {
                checked = false;
                continue;
            }
            let last = i + 1 == n;
            status = self.guarded(!last, |ex| ex.pipeline(p, input, out))?;
            checked = last && !p.bang;
        }
        Ok((status, checked))
    }

    /// `LIST &`: the host makes it a job (`[1] 4243`), and the list runs as far as it can now
    /// (see [`Host::begin_background`]). `None` when the host has no job control: the list
    /// then runs in the foreground.
    fn background(&mut self, ao: &AndOr, out: &mut Output) -> R<Option<i32>> {
        let text = ao.text();
        let (number, pid) = match self.host.begin_background(&text) {
            Background::Foreground => return Ok(None),
            Background::Job { number, pid } => (number, pid),
            Background::Refused(msg) => {
                self.write(out, Stream::Err, msg)?;
                self.sh.state.last_status = 1;
                return Ok(Some(1));
            }
        };
        if self.sh.interactive {
            self.write(out, Stream::Err, format!("[{number}] {pid}\n"))?;
        }
        let mut parts: Vec<(Option<bool>, &Pipeline)> = vec![(None, &ao.first)];
        parts.extend(ao.rest.iter().map(|(and, p)| (Some(*and), p)));
        let saved = (self.bg, self.cond);
        self.bg += 1;
        // As bash: a background list does not stop the line under `set -e`.
        self.cond += 1;
        let r = self.subshell(|ex| ex.chain(&parts, 0, &text, out));
        (self.bg, self.cond) = saved;
        r?;
        self.sh.last_bg = Some(pid);
        self.sh.state.last_status = 0;
        Ok(Some(0))
    }

    /// The pipelines of a background list joined by `&&`/`||` (`None`: the first, which always
    /// runs), from `status`: they run until one keeps running, which leaves the rest to the
    /// host ([`Host::end_background`]).
    pub fn chain(
        &mut self,
        parts: &[(Option<bool>, &Pipeline)],
        mut status: i32,
        text: &str,
        out: &mut Output,
    ) -> R<i32> {
        let mut empty = Input::new("");
        for (i, (cond, p)) in parts.iter().enumerate() {
            if cond.is_some_and(|and| (status == 0) != and) {
                continue;
            }
            match self.pipeline(p, &mut empty, out) {
                Ok(s) => status = s,
                Err(Stop::Detached) => {
                    if p.cmds.iter().any(|c| matches!(c, Command::Compound(..))) {
                        let msg = format!(
                            "{}: {text}: not available in this playground: a loop or group in the background stops at its first command that keeps running, so the rest of it does not run\n",
                            self.sh.name
                        );
                        self.write(out, Stream::Err, msg)?;
                    }
                    let rest = Rest {
                        parts: parts[i + 1..]
                            .iter()
                            .map(|(c, p)| (c.unwrap_or(true), (*p).clone()))
                            .collect(),
                        sinks: self.sinks.clone(),
                    };
                    let rest = (!rest.parts.is_empty()).then_some(rest);
                    self.host.end_background(status, rest);
                    return Ok(status);
                }
                Err(e) => {
                    self.host.end_background(self.sh.state.last_status, None);
                    return Err(e);
                }
            }
        }
        self.host.end_background(status, None);
        Ok(status)
    }

    /// Runs `f` as a condition (where `set -e` is off) when `cond` is set.
    fn guarded<T>(&mut self, cond: bool, f: impl FnOnce(&mut Self) -> R<T>) -> R<T> {
        if cond {
            self.cond += 1;
        }
        let r = f(self);
        if cond {
            self.cond -= 1;
        }
        r
    }

    fn pipeline(&mut self, p: &Pipeline, input: &mut Input, out: &mut Output) -> R<i32> {
        let status = if p.cmds.len() == 1 {
            self.command(&p.cmds[0], input, out)?
        } else {
            let mut data = String::new();
            let mut status = 0;
            let last = p.cmds.len() - 1;
            for (i, cmd) in p.cmds.iter().enumerate() {
                let mut stage = Output::default();
                let mut piped = Input::new(std::mem::take(&mut data));
                let stage_in: &mut Input = if i == 0 { &mut *input } else { &mut piped };
                let sinks = self.sinks.clone();
                if i != last {
                    self.sinks.0 = Sink::Pipe;
                }
                let r = self.subshell(|ex| ex.command(cmd, stage_in, &mut stage));
                self.sinks = sinks;
                let Ok(s) = r else {
                    // A budget stop ends the run; what the stage printed to the terminal (its
                    // errors, all of it if last), the stop's message included, still shows.
                    if i == last {
                        out.append(stage);
                    } else {
                        for c in stage.chunks.into_iter().filter(|c| c.stream != Stream::Out) {
                            out.push(c.stream, c.text);
                        }
                    }
                    return r;
                };
                status = s;
                if i == last {
                    out.append(stage);
                } else {
                    data = stage.stdout();
                    out.clear |= stage.clear;
                    for c in stage.chunks.into_iter().filter(|c| c.stream != Stream::Out) {
                        out.push(c.stream, c.text);
                    }
                }
            }
            status
        };
        let status = if p.bang { (status == 0) as i32 } else { status };
        self.sh.state.last_status = status;
        Ok(status)
    }

    /// Runs `f` in a copy of the shell's state (a subshell): its `cd`, variables and `exit`
    /// stay inside.
    pub fn subshell(&mut self, f: impl FnOnce(&mut Self) -> R<i32>) -> R<i32> {
        let copied = self.state_bytes();
        self.add_work(copied as u64);
        let st = &self.sh.state;
        let saved = (
            st.cwd.clone(),
            st.vars.clone(),
            st.exported.clone(),
            self.sh.args.clone(),
            self.sh.errexit,
            self.sh.xtrace,
        );
        let (loops, cond) = (self.loops, self.cond);
        self.loops = 0;
        let r = f(self);
        self.loops = loops;
        self.cond = cond;
        let st = &mut self.sh.state;
        st.cwd = saved.0;
        st.vars = saved.1;
        st.exported = saved.2;
        self.sh.args = saved.3;
        self.sh.errexit = saved.4;
        self.sh.xtrace = saved.5;
        match r {
            Ok(s) | Err(Stop::Exit(s)) | Err(Stop::Fatal(s)) => Ok(s),
            Err(Stop::Break(_)) | Err(Stop::Continue(_)) => Ok(0),
            Err(e) => Err(e),
        }
    }

    fn command(&mut self, cmd: &Command, input: &mut Input, out: &mut Output) -> R<i32> {
        match cmd {
            Command::Simple(s) => self.simple(s, input, out),
            Command::Compound(c, redirs) if redirs.is_empty() => self.compound(c, input, out),
            Command::Compound(c, redirs) => {
                self.with_redirs(redirs, input, out, |ex, i, o| ex.compound(c, i, o))
            }
        }
    }

    fn compound(&mut self, c: &Compound, input: &mut Input, out: &mut Output) -> R<i32> {
        match c {
            Compound::If { arms, otherwise } => {
                for (cond, body) in arms {
                    let s = self.guarded(true, |ex| ex.list(cond, input, out))?;
                    if s == 0 {
                        return self.list(body, input, out);
                    }
                }
                match otherwise {
                    Some(body) => self.list(body, input, out),
                    None => Ok(0),
                }
            }
            Compound::For { var, words, body } => {
                let items = match words {
                    Some(ws) => {
                        let mut items = Vec::new();
                        for w in ws {
                            items.extend(self.expand_fields(w, out)?);
                        }
                        items
                    }
                    None => self.sh.args.clone(),
                };
                let mut status = 0;
                self.loops += 1;
                let cond = self.cond;
                let r = (|| {
                    for item in items {
                        self.step(out)?;
                        self.sh.state.set(var, item);
                        match self.list(body, input, out) {
                            Ok(s) => status = s,
                            Err(Stop::Break(n)) => {
                                self.cond = cond;
                                if n > 1 {
                                    return Err(Stop::Break(n - 1));
                                }
                                break;
                            }
                            Err(Stop::Continue(n)) => {
                                self.cond = cond;
                                if n > 1 {
                                    return Err(Stop::Continue(n - 1));
                                }
                            }
                            Err(e) => return Err(e),
                        }
                    }
                    Ok(status)
                })();
                self.loops -= 1;
                r
            }
            Compound::Loop {
                cond: test,
                body,
                until,
            } => {
                let mut status = 0;
                self.loops += 1;
                let cond = self.cond;
                let r = (|| loop {
                    self.step(out)?;
                    let s = match self.guarded(true, |ex| ex.list(test, input, out)) {
                        Ok(s) => s,
                        Err(Stop::Break(_)) => {
                            self.cond = cond;
                            return Ok(status);
                        }
                        Err(Stop::Continue(_)) => {
                            self.cond = cond;
                            continue;
                        }
                        Err(e) => return Err(e),
                    };
                    if (s == 0) == *until {
                        return Ok(status);
                    }
                    match self.list(body, input, out) {
                        Ok(s) => status = s,
                        Err(Stop::Break(n)) => {
                            self.cond = cond;
                            if n > 1 {
                                return Err(Stop::Break(n - 1));
                            }
                            return Ok(status);
                        }
                        Err(Stop::Continue(n)) => {
                            self.cond = cond;
                            if n > 1 {
                                return Err(Stop::Continue(n - 1));
                            }
                        }
                        Err(e) => return Err(e),
                    }
                })();
                self.loops -= 1;
                r
            }
            Compound::Group(list) => self.list(list, input, out),
            Compound::Subshell(list) => self.subshell(|ex| ex.list(list, input, out)),
        }
    }

    fn simple(&mut self, s: &Simple, input: &mut Input, out: &mut Output) -> R<i32> {
        self.line = s.line;
        self.step(out)?;
        self.subst_status = None;
        let mut argv = Vec::new();
        for w in &s.words {
            argv.extend(self.expand_fields(w, out)?);
        }
        let mut assigns = Vec::new();
        for (name, w) in &s.assigns {
            assigns.push((name.clone(), self.expand_single(w, out)?));
        }
        if argv.is_empty() {
            for (k, v) in assigns {
                self.sh.state.set(&k, v);
            }
            let status = self.subst_status.unwrap_or(0);
            let status = if s.redirs.is_empty() {
                status
            } else {
                let r = self.with_redirs(&s.redirs, input, out, |_, _, _| Ok(status))?;
                if r != 0 {
                    r
                } else {
                    status
                }
            };
            self.sh.state.last_status = status;
            return Ok(status);
        }
        if self.sh.xtrace {
            let line = format!("+ {}\n", argv.join(" "));
            self.write(out, Stream::Err, line)?;
        }
        let status = if s.redirs.is_empty() {
            self.invoke_with(&argv, &assigns, input, out)?
        } else {
            self.with_redirs(&s.redirs, input, out, |ex, i, o| {
                ex.invoke_with(&argv, &assigns, i, o)
            })?
        };
        self.sh.state.last_status = status;
        if let Some(code) = self.host.interrupted() {
            return Err(Stop::Interrupted(code));
        }
        if self.bg > 0 && self.host.detached() {
            return Err(Stop::Detached);
        }
        Ok(status)
    }

    /// Runs a command with `NAME=value` prefixes in its environment only.
    fn invoke_with(
        &mut self,
        argv: &[String],
        assigns: &[(String, String)],
        input: &mut Input,
        out: &mut Output,
    ) -> R<i32> {
        if assigns.is_empty() {
            return self.invoke(argv, input, out);
        }
        let st = &mut self.sh.state;
        let saved: Vec<(String, Option<String>, bool)> = assigns
            .iter()
            .map(|(k, _)| (k.clone(), st.vars.get(k).cloned(), st.exported.contains(k)))
            .collect();
        for (k, v) in assigns {
            st.set_exported(k, v.clone());
        }
        let r = self.invoke(argv, input, out);
        let st = &mut self.sh.state;
        for (k, v, exported) in saved {
            match v {
                Some(v) => st.vars.insert(k.clone(), v),
                None => st.vars.remove(&k),
            };
            if !exported {
                st.exported.remove(&k);
            }
        }
        r
    }

    /// Runs one command: a builtin, or the host's.
    pub fn invoke(&mut self, argv: &[String], input: &mut Input, out: &mut Output) -> R<i32> {
        if let Some(r) = builtins::run(self, argv, input, out) {
            return r;
        }
        if self.bg > 0 {
            self.host.sinks(&self.sinks.0, &self.sinks.1);
        }
        let o = self.host.command(&self.sh.state, argv, input.rest());
        let host_work = self.host.work_bytes();
        self.add_work(host_work);
        let status = o.status;
        if status == 127 && o.chunks.is_empty() {
            let msg = self.voice().not_found(&argv[0]);
            self.write(out, Stream::Err, msg)?;
        }
        self.out_bytes += o.len();
        out.append(o);
        self.check_output(out)?;
        self.check_waited(out)?;
        self.check_steps(out)?;
        Ok(status)
    }

    /// Stops the run once its sleeps and the host's waits passed the sleep budget.
    fn check_waited(&mut self, out: &mut Output) -> R<()> {
        let waited = self.host.waited_ms();
        if waited > 0 && self.sh.slept_ms.saturating_add(waited) > self.sh.limits.sleep_ms {
            let msg = format!(
                "{}: stopped: one command line may wait at most {}s in total here\n",
                self.sh.name,
                self.sh.limits.sleep_ms / 1000
            );
            out.push_err(msg);
            return Err(Stop::Budget);
        }
        Ok(())
    }

    // ------------------------------------------------------------------ redirections

    fn redir_target(&mut self, r: &Redir, out: &mut Output) -> R<String> {
        self.expand_single(&r.target, out)
    }

    /// Applies redirections around `body`: output to files or `/dev/null`, `2>&1`, input
    /// from a file or a here-document.
    fn with_redirs(
        &mut self,
        redirs: &[Redir],
        input: &mut Input,
        out: &mut Output,
        body: impl FnOnce(&mut Self, &mut Input, &mut Output) -> R<i32>,
    ) -> R<i32> {
        #[derive(Copy, Clone, PartialEq)]
        enum Dest {
            Out,
            Err,
            Null,
            File(usize),
        }
        let mut fd1 = Dest::Out;
        let mut fd2 = Dest::Err;
        let mut files: Vec<(String, String)> = Vec::new();
        let mut new_input: Option<Input> = None;
        for r in redirs {
            match r.op {
                RedirOp::Heredoc { .. } => {
                    let text = self.expand_parts_single(r.body.as_deref().unwrap_or(&[]), out)?;
                    if r.fd.unwrap_or(0) == 0 {
                        new_input = Some(Input::new(text));
                    }
                }
                RedirOp::In | RedirOp::ReadWrite => {
                    let path = self.redir_target(r, out)?;
                    if r.fd.unwrap_or(0) != 0 {
                        continue;
                    }
                    let content = if path == "/dev/null" {
                        String::new()
                    } else {
                        match self.host.read_file(&self.sh.state, &path) {
                            Ok(c) => c,
                            Err(e) => {
                                let v = self.voice();
                                let (msg, status) = (v.cannot_open(&path, &e), v.redirect_status());
                                self.write(out, Stream::Err, msg)?;
                                return Ok(status);
                            }
                        }
                    };
                    new_input = Some(Input::new(content));
                }
                RedirOp::DupIn => {}
                RedirOp::Out
                | RedirOp::Clobber
                | RedirOp::Append
                | RedirOp::OutErr
                | RedirOp::AppendOutErr
                | RedirOp::DupOut => {
                    let path = self.redir_target(r, out)?;
                    let fd = r.fd.unwrap_or(1);
                    let dest = if r.op == RedirOp::DupOut {
                        match path.as_str() {
                            "1" => Some(fd1),
                            "2" => Some(fd2),
                            "-" => Some(Dest::Null),
                            _ => None,
                        }
                    } else {
                        None
                    };
                    let both = matches!(r.op, RedirOp::OutErr | RedirOp::AppendOutErr)
                        || (r.op == RedirOp::DupOut && dest.is_none() && r.fd.is_none());
                    let dest = match dest {
                        Some(d) => d,
                        None => match path.as_str() {
                            "/dev/null" => Dest::Null,
                            "/dev/stdout" => fd1,
                            "/dev/stderr" => fd2,
                            _ => {
                                let append =
                                    matches!(r.op, RedirOp::Append | RedirOp::AppendOutErr);
                                if let Err(e) =
                                    self.host.write_file(&self.sh.state, &path, "", append)
                                {
                                    let v = self.voice();
                                    let (msg, status) =
                                        (v.cannot_create(&path, &e), v.redirect_status());
                                    self.write(out, Stream::Err, msg)?;
                                    return Ok(status);
                                }
                                files.push((path.clone(), String::new()));
                                Dest::File(files.len() - 1)
                            }
                        },
                    };
                    if both {
                        fd1 = dest;
                        fd2 = dest;
                    } else if fd == 1 {
                        fd1 = dest;
                    } else if fd == 2 {
                        fd2 = dest;
                    }
                }
            }
        }
        let sink = |d: Dest, sinks: &(Sink, Sink)| match d {
            Dest::Out => sinks.0.clone(),
            Dest::Err => sinks.1.clone(),
            Dest::Null => Sink::Null,
            Dest::File(i) => Sink::File(files[i].0.clone()),
        };
        let sinks = (sink(fd1, &self.sinks), sink(fd2, &self.sinks));
        let sinks = std::mem::replace(&mut self.sinks, sinks);
        let mut inner = Output::default();
        let r = match new_input.as_mut() {
            Some(i) => body(self, i, &mut inner),
            None => body(self, input, &mut inner),
        };
        self.sinks = sinks;
        out.clear |= inner.clear;
        for c in inner.chunks {
            let d = match c.stream {
                Stream::Out => fd1,
                Stream::Err => fd2,
                Stream::Tty => {
                    out.push(Stream::Tty, c.text);
                    continue;
                }
            };
            match d {
                Dest::Out => out.push(Stream::Out, c.text),
                Dest::Err => out.push(Stream::Err, c.text),
                Dest::Null => {}
                Dest::File(i) => files[i].1.push_str(&c.text),
            }
        }
        for (path, content) in files {
            if content.is_empty() {
                continue;
            }
            if let Err(e) = self.host.write_file(&self.sh.state, &path, &content, true) {
                let msg = self.voice().cannot_create(&path, &e);
                out.push_err(msg);
            }
        }
        r
    }

    /// The prefix of a builtin's error in this shell's voice.
    pub fn builtin_prefix(&self, name: &str) -> String {
        self.voice().builtin(name)
    }

    pub fn dialect(&self) -> Dialect {
        self.sh.dialect
    }
}
