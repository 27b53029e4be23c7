//! bash's job control in the learner's terminal: the job table of `LIST &` (`[1] 4243`), the
//! builtins that read and change it (`jobs`, `fg`, `bg`, `kill`, `wait`), where a background
//! job's later output goes (its redirections, else the terminal), and the notices bash prints
//! before a prompt (`[1]+  Done                    kubectl …`). The session runs the jobs
//! ([`crate::session`]); the workstation's `curl` reaches their port-forwards ([`Station`]).

use crate::jobs::Job;
use crate::output::{Output, Stream};
use crate::session::Workspace;
use ordinal_shell::{Rest, Sink, State};
use ordinal_sim::container::{Landing, Workstation};
use ordinal_sim::rng::Rng;
use ordinal_sim::Cluster;

/// The process id of the first background job (kubectl's own klog lines say 4242).
const FIRST_PID: u32 = 4243;

/// Most jobs the table holds at once (each is polled as the clock runs).
pub const MAX_JOBS: usize = 100;

/// A job's state as `jobs` and the notices word it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobState {
    Running,
    /// Stopped reading the terminal (`kubectl run -i … &`), until `fg`.
    Stopped,
    Done(i32),
    /// Ended by a signal: bash's `strsignal` text (`Terminated`, `Killed`, `Interrupt`).
    Signalled(&'static str),
}

impl JobState {
    fn word(self) -> String {
        match self {
            JobState::Running => "Running".into(),
            JobState::Stopped => "Stopped (tty input)".into(),
            JobState::Done(0) => "Done".into(),
            JobState::Done(n) => format!("Exit {n}"),
            JobState::Signalled(s) => s.into(),
        }
    }
    fn over(self) -> bool {
        matches!(self, JobState::Done(_) | JobState::Signalled(_))
    }
}

/// One background job.
#[derive(Debug)]
pub struct BgJob {
    pub number: u32,
    pub pid: u32,
    /// The list as bash prints it (`kubectl port-forward web-0 8080:80`).
    pub text: String,
    /// Its command that keeps running (none once it has ended).
    pub job: Option<Job>,
    /// Where that command's output goes.
    pub sinks: (Sink, Sink),
    /// What the list runs after that command.
    pub rest: Option<Rest>,
    pub state: JobState,
    /// Its status so far (the last failing poll's).
    pub status: i32,
    /// bash has reported its current state (a stopped job is reported once).
    pub notified: bool,
}

/// The job table.
#[derive(Debug)]
pub struct JobTable {
    pub jobs: Vec<BgJob>,
    /// Job numbers, the current job (`+`) last, the previous (`-`) before it.
    order: Vec<u32>,
    next_pid: u32,
    /// The workstation's ephemeral ports (`port-forward :80`), seeded: the same every session.
    ports: Rng,
}

impl JobTable {
    /// A copy of the table when no job is in it (its numbering and ports go on alike).
    pub fn fork(&self) -> Option<JobTable> {
        self.jobs.is_empty().then(|| JobTable {
            jobs: Vec::new(),
            order: self.order.clone(),
            next_pid: self.next_pid,
            ports: self.ports.clone(),
        })
    }
}

impl Default for JobTable {
    fn default() -> JobTable {
        JobTable {
            jobs: Vec::new(),
            order: Vec::new(),
            next_pid: FIRST_PID,
            ports: Rng::new(0x006f_7264_696e_616c),
        }
    }
}

/// The background list being run now, between `begin_background` and `end_background`.
#[derive(Debug)]
pub struct Building {
    pub number: u32,
    pub pid: u32,
    pub text: String,
    pub job: Option<Job>,
    pub stopped: bool,
    /// The sinks of the command running now.
    pub sinks: (Sink, Sink),
    /// The command just run kept running (asked once by `detached`).
    pub detach: bool,
}

/// Where text written to `sink` goes: the terminal (as which stream), a file, or nowhere.
pub fn route(text: &str, sink: &Sink, files: &mut dyn Workspace) -> Option<Stream> {
    match sink {
        Sink::Out => Some(Stream::Out),
        Sink::Err => Some(Stream::Err),
        Sink::File(path) => {
            // The file was writable when the job started; a refusal now has no one to tell.
            let _ = files.write(path, text, true);
            None
        }
        Sink::Null | Sink::Pipe => None,
    }
}

impl JobTable {
    /// Whether a job is running (the terminal polls them as the clock runs).
    pub fn running(&self) -> bool {
        self.jobs
            .iter()
            .any(|j| j.state == JobState::Running && j.job.is_some())
    }

    /// The earliest instant a running job acts without the cluster changing.
    pub fn deadline(&self) -> Option<ordinal_sim::time::Time> {
        self.jobs
            .iter()
            .filter(|j| j.state == JobState::Running)
            .filter_map(|j| j.job.as_ref().and_then(Job::deadline))
            .min()
    }

    /// What the workstation listens on (the running port-forwards').
    pub fn listening(&self) -> Vec<(String, u16)> {
        self.jobs
            .iter()
            .filter(|j| j.state == JobState::Running)
            .filter_map(|j| match &j.job {
                Some(Job::PortForward(pf)) => Some(pf.listening.clone()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// A free ephemeral port (Linux's 32768–60999), as the system gives `:80` one.
    pub fn pick_port(&mut self, taken: &[(String, u16)]) -> u16 {
        for _ in 0..1000 {
            let p = self.ports.between(32768, 60999) as u16;
            if !taken.iter().any(|(_, q)| *q == p) {
                return p;
            }
        }
        0
    }

    /// A new job's number (one more than the highest, as bash) and process id; refused when
    /// the table is full.
    pub fn begin(&mut self, text: &str) -> Result<Building, String> {
        if self.jobs.len() >= MAX_JOBS {
            return Err(format!("bash: {text}: not available in this playground: at most {MAX_JOBS} background jobs at once (jobs lists them, kill stops one)\n"));
        }
        let number = self.jobs.iter().map(|j| j.number).max().unwrap_or(0) + 1;
        let pid = self.next_pid;
        self.next_pid += 1;
        Ok(Building {
            number,
            pid,
            text: text.to_string(),
            job: None,
            stopped: false,
            sinks: (Sink::Out, Sink::Err),
            detach: false,
        })
    }

    /// The list has run as far as it can: a new job, or a job whose list went on.
    pub fn end(&mut self, b: Building, status: i32, rest: Option<Rest>) {
        let state = match (&b.job, b.stopped) {
            (Some(_), true) => JobState::Stopped,
            (Some(_), false) => JobState::Running,
            (None, _) => JobState::Done(status),
        };
        if let Some(j) = self.jobs.iter_mut().find(|j| j.number == b.number) {
            j.job = b.job;
            j.sinks = b.sinks;
            j.rest = rest;
            j.state = state;
            j.status = status;
            return;
        }
        self.jobs.push(BgJob {
            number: b.number,
            pid: b.pid,
            text: b.text,
            job: b.job,
            sinks: b.sinks,
            rest,
            state,
            status,
            notified: false,
        });
        self.order.push(b.number);
    }

    /// An existing job's list going on (see [`JobTable::end`]).
    pub fn resuming(j: &BgJob) -> Building {
        Building {
            number: j.number,
            pid: j.pid,
            text: j.text.clone(),
            job: None,
            stopped: false,
            sinks: j.sinks.clone(),
            detach: false,
        }
    }

    fn marker(&self, number: u32) -> char {
        let n = self.order.len();
        if n > 0 && self.order[n - 1] == number {
            '+'
        } else if n > 1 && self.order[n - 2] == number {
            '-'
        } else {
            ' '
        }
    }

    /// A job's line as `jobs` and the notices print it.
    fn line(&self, j: &BgJob, pid: bool) -> String {
        let amp = if j.state == JobState::Running {
            " &"
        } else {
            ""
        };
        let pid = if pid {
            format!("{:>5}", j.pid)
        } else {
            String::new()
        };
        format!(
            "[{}]{} {pid} {:<24}{}{amp}\n",
            j.number,
            self.marker(j.number),
            j.state.word(),
            j.text
        )
    }

    fn remove(&mut self, number: u32) {
        self.jobs.retain(|j| j.number != number);
        self.order.retain(|n| *n != number);
    }

    /// bash's notices before a prompt: each job that ended (then forgotten) or stopped since.
    pub fn notify(&mut self, out: &mut Output) {
        let mut done = Vec::new();
        for j in &self.jobs {
            if j.state.over() || (j.state == JobState::Stopped && !j.notified) {
                out.out(self.line(j, false));
                if j.state.over() {
                    done.push(j.number);
                }
            }
        }
        for j in self.jobs.iter_mut() {
            j.notified = true;
        }
        for n in done {
            self.remove(n);
        }
    }

    /// `%N`, `%%`, `%+`, `%-`, `%PREFIX`: the job's number.
    fn find(&self, spec: &str) -> Option<u32> {
        let s = spec.strip_prefix('%').unwrap_or(spec);
        match s {
            "" | "%" | "+" => self.order.last().copied(),
            "-" => {
                let n = self.order.len();
                if n > 1 {
                    Some(self.order[n - 2])
                } else {
                    self.order.last().copied()
                }
            }
            s if s.bytes().all(|b| b.is_ascii_digit()) => {
                let n: u32 = s.parse().ok()?;
                self.jobs.iter().any(|j| j.number == n).then_some(n)
            }
            s => self
                .jobs
                .iter()
                .rev()
                .find(|j| j.text.starts_with(s))
                .map(|j| j.number),
        }
    }

    /// `jobs [-l|-p] [%N…]`.
    pub fn jobs(&mut self, args: &[String]) -> ordinal_shell::Output {
        let mut o = ordinal_shell::Output::default();
        let (mut long, mut pids) = (false, false);
        let mut specs = Vec::new();
        for a in args {
            match a.as_str() {
                "-l" => long = true,
                "-p" => pids = true,
                s if s.starts_with('-') && s.len() > 1 => {
                    o.push_err(format!("bash: jobs: {s}: invalid option\njobs: usage: jobs [-lnprs] [jobspec ...] or jobs -x command [args]\n"));
                    o.status = 2;
                    return o;
                }
                s => specs.push(s.to_string()),
            }
        }
        let mut chosen = Vec::new();
        if specs.is_empty() {
            chosen = self.jobs.iter().map(|j| j.number).collect();
        }
        for s in &specs {
            match self.find(s) {
                Some(n) => chosen.push(n),
                None => {
                    o.push_err(format!("bash: jobs: {s}: no such job\n"));
                    o.status = 1;
                }
            }
        }
        let mut done = Vec::new();
        for n in chosen {
            let Some(j) = self.jobs.iter().find(|j| j.number == n) else {
                continue;
            };
            if pids {
                o.push_out(format!("{}\n", j.pid));
            } else {
                o.push_out(self.line(j, long));
            }
            if j.state.over() {
                done.push(n);
            }
        }
        for j in self.jobs.iter_mut() {
            j.notified = true;
        }
        for n in done {
            self.remove(n);
        }
        o
    }

    /// `fg [%N]`: the job leaves the table for the foreground (its text is printed).
    pub fn fg(&mut self, args: &[String]) -> Result<(String, Job), ordinal_shell::Output> {
        let spec = args.first().map(String::as_str);
        let Some(n) = self.find(spec.unwrap_or("%+")) else {
            let what = spec.unwrap_or("current");
            return Err(ordinal_shell::Output::err(
                format!("bash: fg: {what}: no such job\n"),
                1,
            ));
        };
        let Some(j) = self.jobs.iter().find(|j| j.number == n) else {
            return Err(ordinal_shell::Output::err(
                "bash: fg: current: no such job\n",
                1,
            ));
        };
        if j.rest.is_some() {
            return Err(ordinal_shell::Output::err(
                format!("bash: fg: not available in this playground: job {n} has commands to run after its current one, which only the background runs; kill %{n} stops it\n"),
                1,
            ));
        }
        let text = j.text.clone();
        let Some(job) = self
            .jobs
            .iter_mut()
            .find(|j| j.number == n)
            .and_then(|j| j.job.take())
        else {
            self.remove(n);
            return Err(ordinal_shell::Output::err(
                format!("bash: fg: job has terminated\n[{n}]+  Done                    {text}\n"),
                1,
            ));
        };
        self.remove(n);
        Ok((text, job))
    }

    /// `bg [%N]`: a running job stays so; a stopped one reading the terminal stops again.
    pub fn bg(&mut self, args: &[String]) -> ordinal_shell::Output {
        let spec = args.first().map(String::as_str);
        let Some(n) = self.find(spec.unwrap_or("%+")) else {
            let what = spec.unwrap_or("current");
            return ordinal_shell::Output::err(format!("bash: bg: {what}: no such job\n"), 1);
        };
        let marker = self.marker(n);
        let Some(j) = self.jobs.iter_mut().find(|j| j.number == n) else {
            return ordinal_shell::Output::default();
        };
        match j.state {
            JobState::Running => {
                ordinal_shell::Output::err(format!("bash: bg: job {n} already in background\n"), 0)
            }
            JobState::Stopped => {
                j.notified = false;
                ordinal_shell::Output::out(format!("[{n}]{marker} {} &\n", j.text))
            }
            _ => ordinal_shell::Output::err("bash: bg: job has terminated\n", 1),
        }
    }

    /// `kill [-s SIG | -SIG] %N|PID…`: the job ends as the signal ends kubectl.
    pub fn kill(&mut self, args: &[String]) -> ordinal_shell::Output {
        let mut o = ordinal_shell::Output::default();
        const USAGE: &str = "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n";
        let mut signal = "TERM".to_string();
        let mut targets = Vec::new();
        let mut i = 0;
        while i < args.len() {
            let a = args[i].as_str();
            if targets.is_empty() && (a == "-s" || a == "-n") {
                i += 1;
                match args.get(i) {
                    Some(v) => signal = v.clone(),
                    None => {
                        o.push_err(format!(
                            "bash: kill: {a}: option requires an argument\n{USAGE}"
                        ));
                        o.status = 2;
                        return o;
                    }
                }
            } else if targets.is_empty() && a == "-l" {
                o.push_err("bash: kill: -l: not available in this playground: it knows HUP, INT, QUIT, KILL and TERM\n");
                o.status = 1;
                return o;
            } else if targets.is_empty() && a == "--" {
            } else if targets.is_empty() && a.starts_with('-') && a.len() > 1 {
                signal = a[1..].to_string();
            } else {
                targets.push(a.to_string());
            }
            i += 1;
        }
        if targets.is_empty() {
            o.push_err(USAGE);
            o.status = 2;
            return o;
        }
        let name = signal.to_ascii_uppercase();
        let name = name.strip_prefix("SIG").unwrap_or(&name).to_string();
        let sig = match name.as_str() {
            "1" | "HUP" => ("HUP", "Hangup"),
            "2" | "INT" => ("INT", "Interrupt"),
            "3" | "QUIT" => ("QUIT", "Quit"),
            "9" | "KILL" => ("KILL", "Killed"),
            "15" | "TERM" => ("TERM", "Terminated"),
            other => {
                let known = matches!(
                    other,
                    "USR1"
                        | "USR2"
                        | "ALRM"
                        | "STOP"
                        | "CONT"
                        | "TSTP"
                        | "TTIN"
                        | "TTOU"
                        | "PIPE"
                        | "WINCH"
                        | "ABRT"
                        | "SEGV"
                        | "CHLD"
                        | "URG"
                        | "BUS"
                        | "FPE"
                        | "ILL"
                        | "TRAP"
                        | "SYS"
                        | "XCPU"
                        | "XFSZ"
                        | "VTALRM"
                        | "PROF"
                        | "IO"
                        | "PWR"
                ) || other.parse::<u32>().is_ok_and(|n| (1..=64).contains(&n));
                if known {
                    o.push_err(format!("bash: kill: {signal}: not available in this playground: it sends HUP, INT, QUIT, KILL and TERM\n"));
                } else {
                    o.push_err(format!(
                        "bash: kill: {signal}: invalid signal specification\n"
                    ));
                }
                o.status = 1;
                return o;
            }
        };
        for t in targets {
            let number = if t.starts_with('%') {
                match self.find(&t) {
                    Some(n) => n,
                    None => {
                        o.push_err(format!("bash: kill: {t}: no such job\n"));
                        o.status = 1;
                        continue;
                    }
                }
            } else if let Ok(pid) = t.parse::<u32>() {
                match self.jobs.iter().find(|j| j.pid == pid && !j.state.over()) {
                    Some(j) => j.number,
                    None => {
                        o.push_err(format!("bash: kill: ({pid}) - No such process\n"));
                        o.status = 1;
                        continue;
                    }
                }
            } else {
                o.push_err(format!(
                    "bash: kill: {t}: arguments must be process or job IDs\n"
                ));
                o.status = 1;
                continue;
            };
            let Some(j) = self.jobs.iter_mut().find(|j| j.number == number) else {
                continue;
            };
            if j.state.over() {
                continue;
            }
            // A stopped job goes on (and so dies) only for TERM, HUP and KILL.
            if j.state == JobState::Stopped && matches!(sig.0, "INT" | "QUIT") {
                continue;
            }
            // kubectl port-forward stops cleanly on an interrupt.
            let clean = sig.0 == "INT" && matches!(j.job, Some(Job::PortForward(_)));
            j.state = if clean {
                JobState::Done(0)
            } else {
                JobState::Signalled(sig.1)
            };
            j.job = None;
            j.rest = None;
        }
        o
    }

    /// `wait`: nothing to wait for, or not here.
    pub fn wait(&mut self) -> ordinal_shell::Output {
        if self.running() {
            return ordinal_shell::Output::err("bash: wait: not available in this playground: a background job runs while the terminal is at its prompt; fg brings it to the foreground, kill stops it\n", 1);
        }
        ordinal_shell::Output::default()
    }
}

/// The workstation as its `curl` sees it: the running port-forwards, and the files.
pub struct Station<'a> {
    pub jobs: &'a mut JobTable,
    pub files: &'a mut dyn Workspace,
}

impl Workstation for Station<'_> {
    fn connect(
        &mut self,
        cluster: &mut Cluster,
        ip: &str,
        port: u16,
        out: &mut ordinal_shell::Output,
    ) -> Landing {
        for j in self.jobs.jobs.iter_mut() {
            if j.state != JobState::Running {
                continue;
            }
            let Some(Job::PortForward(pf)) = j.job.as_mut() else {
                continue;
            };
            let Some(fp) = crate::portforward::listens_on(pf, ip, port) else {
                continue;
            };
            let (mut stdout, mut stderr) = (String::new(), String::new());
            let landing = crate::portforward::handle(pf, cluster, fp, &mut stdout, &mut stderr);
            for (text, sink) in [(stdout, &j.sinks.0), (stderr, &j.sinks.1)] {
                if !text.is_empty() && route(&text, sink, self.files).is_some() {
                    out.push(ordinal_shell::Stream::Tty, text);
                }
            }
            return landing;
        }
        Landing::Refused
    }

    fn save(&mut self, _state: &State, file: &str, body: &str) -> Result<(), String> {
        self.files.write(file, body, false)
    }
}
