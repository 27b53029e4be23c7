//! The simulation as the page drives it: one `Cluster` and the terminal's `Session`, owned here
//! (copied only into the timeline's snapshots, between commands). Every Kubernetes behaviour comes from `ordinal-sim` and `ordinal-kubectl`;
//! this only routes the page's inputs (a clock tick, a terminal line, a button) to them.
//!
//! It also keeps the session's record: every input with the simulated time it came at (a
//! `kubectl edit`'s editor closing is one: what it saved, or that it was cancelled). The
//! cluster is deterministic and time moves in steps that do not depend on the display's frames
//! (each timer, each deadline of a running command, each input), so replaying the record on a
//! fresh engine rebuilds the same cluster: that is how a reload restores the session.
//!
//! The timeline rests on the same: every [`SNAPSHOT_EVERY`] inputs the engine keeps a copy of
//! itself as it was when that input came, so any earlier moment is a copy of the nearest
//! snapshot with the few inputs after it replayed ([`Engine::at`]). "Branch here" makes such a
//! moment the session and keeps the line it left as a [`Branch`]; the branches are saved with
//! the record.

use ordinal_kubectl::session::{MemFiles, Mode};
use ordinal_kubectl::{Env, Output, Session};
use ordinal_sim::Cluster;
use serde_json::{json, Value};

/// The seed of the cluster a page starts with (same seed, same IPs and names every load).
pub const SEED: u64 = 1;

/// Worker nodes of every cluster this page makes: kind's two, or `?workers=N` in the page's
/// address (a benchmark's 10,000 pods need 91 at 110 pods a node). Set once at startup.
static WORKERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(2);

/// Sets the worker nodes of the clusters made from now on (1 to `MAX_WORKERS`; else unchanged).
pub fn set_workers(n: usize) {
    if (1..=ordinal_sim::MAX_WORKERS).contains(&n) {
        WORKERS.store(n, std::sync::atomic::Ordering::Relaxed);
    }
}

/// `workers=N` in a query string (`?workers=92`), if N is a number of workers a cluster can have.
pub fn workers_in_query(query: &str) -> Option<usize> {
    query
        .trim_start_matches('?')
        .split('&')
        .find_map(|kv| kv.strip_prefix("workers="))
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| (1..=ordinal_sim::MAX_WORKERS).contains(n))
}

fn workers() -> usize {
    WORKERS.load(std::sync::atomic::Ordering::Relaxed)
}
/// The namespace the playground shows (the terminal's current namespace).
pub const NAMESPACE: &str = "default";
/// The file name the editor's buffer has in the terminal's workspace (`kubectl apply -f web.yaml`).
pub const MANIFEST_FILE: &str = "web.yaml";
/// The record's format; a stored record of another version is not replayed.
pub const RECORD_VERSION: u64 = 1;
/// Most inputs a record keeps; beyond it the session is not saved (and says so).
pub const MAX_RECORD: usize = 5_000;
/// The timeline keeps a copy of the engine every this many inputs (at the first input after
/// that when a command was running then), so showing any moment replays at most this many
/// inputs from a copy. Measured (`timeline_bench`): see ARCHITECTURE.md.
pub const SNAPSHOT_EVERY: usize = 8;
/// Most kept branches (the oldest goes first).
pub const MAX_BRANCHES: usize = 16;

/// One input to the engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// A line typed at the prompt (or by a Run button).
    Line(String),
    /// A button's kubectl command.
    Kubectl(Vec<String>),
    /// The editor's text as `web.yaml`, when it changed.
    Manifest(String),
    /// Ctrl-C.
    Interrupt,
    /// A fresh cluster built by these lines (a lesson's Reset).
    Reset(Vec<String>),
    /// The editor of a `kubectl edit` closed: the text it saved, or `None` (Cancel: it quit
    /// without saving).
    EditClosed(Option<String>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// Simulated milliseconds since the epoch, as `Cluster::now`.
    pub at: u64,
    pub op: Op,
}

/// A line of the session kept aside by "Branch here" (or left by switching to another): its
/// inputs from the start, and the time it had run to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Branch {
    pub ops: Vec<Recorded>,
    pub now: u64,
}

/// The engine as it was when input `pos` came (before it ran), between commands.
struct Snapshot {
    pos: usize,
    cluster: Cluster,
    session: Session,
    manifest: Option<String>,
}

thread_local! {
    /// `kubectl explain`'s data once the page has fetched it: every engine built after (a reset,
    /// a replay) hands it to its session too.
    static EXPLAIN: std::cell::RefCell<Option<std::sync::Arc<str>>> = const { std::cell::RefCell::new(None) };
}

pub struct Engine {
    pub cluster: Cluster,
    pub session: Session,
    /// Sub-millisecond simulated time not yet handed to the cluster.
    carry: f64,
    record: Vec<Recorded>,
    manifest: Option<String>,
    /// Copies of the engine along the record (see [`SNAPSHOT_EVERY`]); none in an engine
    /// built only to be looked at.
    snaps: Vec<Snapshot>,
    keep_snaps: bool,
    /// Inputs between snapshots ([`SNAPSHOT_EVERY`]; the benchmark tries others).
    snap_every: usize,
    /// The other lines of the session ("what if" branches, or the latest one while on a branch).
    pub branches: Vec<Branch>,
    /// The branch "Return to latest" goes to: the line that was current when the learner
    /// branched off it (none while on the latest line).
    pub latest: Option<usize>,
    /// Before the record's trailing `Manifest` inputs (the editor's text synced, nothing run
    /// with it yet): the record's length and `web.yaml` as it was (the text last synced and the
    /// file). [`Engine::catch_up`] goes back there when another tab's record goes on otherwise.
    unsynced: Option<(usize, Option<String>, Option<String>)>,
}

impl Engine {
    pub fn new() -> Engine {
        let mut session = Session::new(Box::new(MemFiles::default()));
        if let Some(data) = EXPLAIN.with(|e| e.borrow().clone()) {
            session.set_explain_data(data);
        }
        Engine {
            cluster: Cluster::with_workers(SEED, Default::default(), workers()),
            session,
            carry: 0.0,
            record: Vec::new(),
            manifest: None,
            snaps: Vec::new(),
            keep_snaps: true,
            snap_every: SNAPSHOT_EVERY,
            branches: Vec::new(),
            latest: None,
            unsynced: None,
        }
    }

    /// `kubectl explain`'s data has arrived: this engine's session and every later one get it.
    pub fn explain_loaded(&mut self, data: std::sync::Arc<str>) {
        EXPLAIN.with(|e| *e.borrow_mut() = Some(data.clone()));
        self.session.set_explain_data(data);
    }

    fn note(&mut self, op: Op) {
        if !matches!(op, Op::Manifest(_)) {
            self.unsynced = None;
        }
        let pos = self.record.len();
        if pos < MAX_RECORD
            && self.keep_snaps
            && self
                .snaps
                .last()
                .is_none_or(|s| pos >= s.pos + self.snap_every)
        {
            if let Some(session) = self.session.fork() {
                self.snaps.push(Snapshot {
                    pos,
                    cluster: self.cluster.clone(),
                    session,
                    manifest: self.manifest.clone(),
                });
            }
        }
        if pos < MAX_RECORD {
            self.record.push(Recorded {
                at: self.cluster.now().0,
                op,
            });
        }
    }

    pub fn record(&self) -> &[Recorded] {
        &self.record
    }

    /// The record is complete (not cut at [`MAX_RECORD`]), so replaying it restores the session.
    pub fn record_complete(&self) -> bool {
        self.record.len() < MAX_RECORD
    }

    /// Moves simulated time by `sim_ms` (fractions carry over) and lets a running terminal
    /// command (a watch, a wait) and the background jobs see it.
    pub fn advance(&mut self, sim_ms: f64) -> Output {
        self.carry += sim_ms.max(0.0);
        let whole = self.carry.floor();
        self.carry -= whole;
        if whole < 1.0 {
            return Output::default();
        }
        let target = self.cluster.now().0 + whole as u64;
        self.advance_to(target)
    }

    /// Runs the clock to `target` (simulated ms), stopping at every timer and at the running
    /// command's deadline to let the command see the cluster there: the same steps however the
    /// display's frames fall, so a replay meets the same states.
    pub fn advance_to(&mut self, target: u64) -> Output {
        let mut out = Output::default();
        loop {
            let now = self.cluster.now().0;
            if now >= target {
                break;
            }
            let mut next = target;
            if self.session.busy() || self.session.has_jobs() {
                if let Some(t) = self.cluster.next_timer() {
                    next = next.min(t.0);
                }
                if let Some(d) = self.session.next_deadline() {
                    next = next.min(d.0);
                }
            }
            let next = next.max(now + 1);
            self.cluster.advance(next - now);
            out.chunks.extend(self.poll().chunks);
        }
        out
    }

    /// Advances to the next timer (the Step button).
    pub fn step(&mut self) -> Output {
        self.carry = 0.0;
        match self.cluster.next_timer() {
            Some(t) if t.0 > self.cluster.now().0 => self.advance_to(t.0),
            _ => {
                self.cluster.step();
                self.poll()
            }
        }
    }

    /// Lets the running command and the background jobs (`… &`) see the cluster now.
    fn poll(&mut self) -> Output {
        if self.session.busy() || self.session.has_jobs() {
            self.session.poll(&mut self.cluster)
        } else {
            Output::default()
        }
    }

    /// Keeps `web.yaml` in the terminal's workspace equal to the editor's buffer.
    pub fn sync_manifest(&mut self, text: &str) {
        if self.manifest.as_deref() == Some(text) {
            return;
        }
        if self.unsynced.is_none() && self.record_complete() {
            let file = self.session.files().read(MANIFEST_FILE).ok();
            self.unsynced = Some((self.record.len(), self.manifest.clone(), file));
        }
        // Noted first: a snapshot taken there has the buffer as it was before.
        self.note(Op::Manifest(text.to_string()));
        self.manifest = Some(text.to_string());
        // MemFiles never refuses a write.
        let _ = self.session.files_mut().write(MANIFEST_FILE, text, false);
    }

    /// Runs one kubectl command (the page's buttons) exactly as `kubectl ARGS` would.
    pub fn kubectl(&mut self, args: &[&str]) -> Output {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        self.note(Op::Kubectl(args.clone()));
        let env = Env {
            namespace: NAMESPACE,
            files: self.session.files(),
            stdin: "",
            interactive_shells: false,
        };
        let mut out = ordinal_kubectl::run(&mut self.cluster, &args, &env);
        ordinal_kubectl::session::apply_writes(self.session.files_mut(), &mut out);
        out
    }

    /// A fresh cluster built by `setup` (commands run to the end, then time runs until the
    /// cluster is quiet): a lesson's starting point. What setup printed is returned.
    pub fn reset(&mut self, setup: &[String]) -> Output {
        let manifest = self.manifest.take();
        let (branches, latest) = (std::mem::take(&mut self.branches), self.latest);
        let (keep_snaps, snap_every) = (self.keep_snaps, self.snap_every);
        *self = Engine::new();
        (self.branches, self.latest) = (branches, latest);
        (self.keep_snaps, self.snap_every) = (keep_snaps, snap_every);
        self.note(Op::Reset(setup.to_vec()));
        let mut out = Output::default();
        for line in setup {
            let o = self.session.input(&mut self.cluster, line, Mode::Script);
            out.chunks.extend(o.chunks);
        }
        self.cluster.settle();
        if let Some(m) = manifest {
            self.sync_manifest(&m);
        }
        out
    }

    /// A line typed at the terminal's prompt.
    pub fn input(&mut self, line: &str) -> Output {
        if self.session.busy() {
            return Output::default();
        }
        self.note(Op::Line(line.to_string()));
        self.session
            .input(&mut self.cluster, line, Mode::Interactive)
    }

    /// The editor of the waiting `kubectl edit` closed (Save with its text, or Cancel): what
    /// kubectl does with it.
    pub fn finish_edit(&mut self, saved: Option<String>) -> Output {
        if self.session.editing().is_none() {
            return Output::default();
        }
        self.note(Op::EditClosed(saved.clone()));
        self.session
            .finish_edit(&mut self.cluster, saved.as_deref())
    }

    /// Ctrl-C.
    pub fn interrupt(&mut self) -> Output {
        if self.session.busy() {
            self.note(Op::Interrupt);
        }
        self.session.interrupt()
    }

    /// Tab completion of the terminal line (kubectl's completion; none inside a container).
    pub fn complete(&self, line: &str) -> ordinal_kubectl::complete::Completion {
        if self.session.attached() {
            return Default::default();
        }
        ordinal_kubectl::complete::complete(&self.cluster, NAMESPACE, line)
    }

    /// A fresh engine that has seen `record`, then run to `now` (the page replays input by
    /// input with [`Engine::replay_step`], to mark where each input's output starts). Each input's echo and output
    /// go to `log` (for the terminal), as they did the first time.
    #[cfg(test)]
    pub fn replay(
        record: &[Recorded],
        now: u64,
        log: &mut dyn FnMut(Option<&str>, Output),
    ) -> Engine {
        let mut e = Engine::new();
        for r in record {
            e.replay_step(r, log);
        }
        let o = e.advance_to(now);
        log(None, o);
        e
    }

    /// Runs the clock to the input's time and takes it as it was taken then.
    pub fn replay_step(&mut self, r: &Recorded, log: &mut dyn FnMut(Option<&str>, Output)) {
        let o = self.advance_to(r.at);
        log(None, o);
        match &r.op {
            Op::Line(line) => {
                log(Some(line), Output::default());
                let o = self.input(line);
                log(None, o);
            }
            Op::Kubectl(args) => {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let o = self.kubectl(&args);
                log(Some(&format!("kubectl {}", args.join(" "))), o);
            }
            Op::Manifest(text) => self.sync_manifest(text),
            Op::Interrupt => {
                let o = self.interrupt();
                log(None, o);
            }
            Op::Reset(setup) => {
                let o = self.reset(setup);
                log(None, o);
            }
            Op::EditClosed(saved) => {
                let o = self.finish_edit(saved.clone());
                log(None, o);
            }
        }
    }

    /// The simulated time of timeline position `pos`: the moment input `pos` came, or now for
    /// the position after the last input.
    pub fn time_at(&self, pos: usize) -> u64 {
        self.record.get(pos).map_or(self.cluster.now().0, |r| r.at)
    }

    /// The session as it was at timeline position `pos` (the moment input `pos` came, before
    /// it ran; the last position is now): a copy of the nearest snapshot at or before it, with
    /// the inputs after the snapshot replayed. It keeps no snapshots and no branches of its own.
    pub fn at(&self, pos: usize) -> Engine {
        let pos = pos.min(self.record.len());
        let snap = self.snaps.iter().rev().find(|s| s.pos <= pos);
        self.at_from(pos, snap)
    }

    fn at_from(&self, pos: usize, snap: Option<&Snapshot>) -> Engine {
        let mut e = match snap.and_then(|s| Some((s, s.session.fork()?))) {
            Some((s, mut session)) => {
                if let Some(data) = EXPLAIN.with(|e| e.borrow().clone()) {
                    session.set_explain_data(data);
                }
                Engine {
                    cluster: s.cluster.clone(),
                    session,
                    carry: 0.0,
                    record: self.record[..s.pos].to_vec(),
                    manifest: s.manifest.clone(),
                    snaps: Vec::new(),
                    keep_snaps: false,
                    snap_every: SNAPSHOT_EVERY,
                    branches: Vec::new(),
                    latest: None,
                    unsynced: None,
                }
            }
            None => Engine {
                keep_snaps: false,
                ..Engine::new()
            },
        };
        let from = e.record.len();
        for r in &self.record[from..pos] {
            e.replay_step(r, &mut |_, _| {});
        }
        let until = self.time_at(pos);
        e.advance_to(until);
        e
    }

    /// Snapshots this engine keeps (for the tests' and the benchmark's figures).
    #[cfg(test)]
    pub fn snapshot_count(&self) -> usize {
        self.snaps.len()
    }

    /// An engine that keeps a snapshot every `k` inputs (0: none), for the tests and the
    /// benchmark.
    #[cfg(test)]
    pub fn with_snapshots_every(k: usize) -> Engine {
        Engine {
            keep_snaps: k > 0,
            snap_every: k.max(1),
            ..Engine::new()
        }
    }

    /// "Branch here": `past` (what [`Engine::at`] gave for a position of this engine) becomes
    /// the session, new inputs go on from it, and this line is kept as a branch (unless it has
    /// nothing after that moment). The snapshots up to the moment stay.
    pub fn branch_to(&mut self, mut past: Engine) {
        let pos = past.record.len();
        let kept = Branch {
            ops: std::mem::take(&mut self.record),
            now: self.cluster.now().0,
        };
        past.snaps = std::mem::take(&mut self.snaps);
        past.snaps.retain(|s| s.pos <= pos);
        (past.keep_snaps, past.snap_every) = (self.keep_snaps, self.snap_every);
        past.branches = std::mem::take(&mut self.branches);
        past.latest = self.latest;
        if kept.ops.len() > pos || kept.now > past.cluster.now().0 {
            past.keep_branch(kept);
        }
        *self = past;
    }

    /// Adds a branch (dropping the oldest beyond [`MAX_BRANCHES`]); it is "latest" if no other is.
    fn keep_branch(&mut self, b: Branch) {
        if self.branches.contains(&b) {
            return;
        }
        if self.branches.len() >= MAX_BRANCHES {
            self.branches.remove(0);
            self.latest = match self.latest {
                Some(0) | None => None,
                Some(i) => Some(i - 1),
            };
        }
        self.branches.push(b);
        if self.latest.is_none() {
            self.latest = Some(self.branches.len() - 1);
        }
    }

    /// Switching to kept branch `i`: it is taken out, and this line put in its place. Returns
    /// the branch to replay into a fresh engine, and the branches and latest that engine gets; or
    /// `None` if there is no such branch.
    pub fn switch_to(&mut self, i: usize) -> Option<(Branch, Vec<Branch>, Option<usize>)> {
        let b = self.branches.get(i)?.clone();
        let mut branches = self.branches.clone();
        if b.ops.starts_with(&self.record) {
            // This line has no input of its own (branched, then nothing): nothing to keep.
            branches.remove(i);
            let latest = match self.latest {
                Some(l) if l == i => None,
                Some(l) if l > i => Some(l - 1),
                keep => keep,
            };
            return Some((b, branches, latest));
        }
        branches[i] = Branch {
            ops: self.record.clone(),
            now: self.cluster.now().0,
        };
        let latest = match self.latest {
            // Back on the latest line.
            Some(l) if l == i => None,
            // Leaving the latest line: it is the one to return to.
            None => Some(i),
            keep => keep,
        };
        Some((b, branches, latest))
    }

    /// Brings this engine to another engine's `record` at `now` without starting again, when
    /// that record goes on from this one's (another tab's session, saved as it went): the new
    /// inputs are taken in turn, echoed and printed to `log` as [`Engine::replay`] does. This
    /// engine's own trailing editor syncs (inputs that only set `web.yaml`) are undone first
    /// if the other record went on otherwise there. `Err(())`, and this engine is left to be
    /// replaced by a replay, when the records part elsewhere, when this engine's clock is past
    /// the next input or `now`, or when an input was not taken as it was in the other engine.
    pub fn catch_up(
        &mut self,
        record: &[Recorded],
        now: u64,
        log: &mut dyn FnMut(Option<&str>, Output),
    ) -> Result<(), ()> {
        let same = self
            .record
            .iter()
            .zip(record)
            .take_while(|(a, b)| a == b)
            .count();
        if same < self.record.len() {
            // Only the editor's text synced here since, and nothing run with it: undone.
            match self.unsynced.take() {
                Some((len, manifest, file)) if len <= same => {
                    self.record.truncate(len);
                    self.snaps.retain(|s| s.pos <= len);
                    self.manifest = manifest;
                    let files = self.session.files_mut();
                    match file {
                        Some(f) => {
                            let _ = files.write(MANIFEST_FILE, &f, false);
                        }
                        None => files.remove(MANIFEST_FILE),
                    }
                }
                _ => return Err(()),
            }
        }
        let start = self.record.len();
        let next = record.get(start).map_or(now, |r| r.at);
        if next < self.cluster.now().0 || now < next {
            return Err(());
        }
        for (i, r) in record.iter().enumerate().skip(start) {
            self.replay_step(r, log);
            if self.record.len() != i + 1 || self.record.last() != Some(r) {
                return Err(());
            }
        }
        let o = self.advance_to(now);
        log(None, o);
        Ok(())
    }

    /// The record as JSON: `{"version":1,"seed":1,"now":…,"ops":[[at,"line","kubectl get pods"],…]}`.
    pub fn record_json(&self) -> Value {
        let ops = ops_json(&self.record);
        let mut v = json!({
            "version": RECORD_VERSION,
            "seed": SEED,
            "now": self.cluster.now().0,
            "ops": ops,
        });
        if !self.branches.is_empty() {
            // Each branch as the inputs it shares with this line (`from`) and its own after.
            let branches: Vec<Value> = self
                .branches
                .iter()
                .map(|b| {
                    let from = b
                        .ops
                        .iter()
                        .zip(&self.record)
                        .take_while(|(a, b)| a == b)
                        .count();
                    json!({"from": from, "now": b.now, "ops": ops_json(&b.ops[from..])})
                })
                .collect();
            v["branches"] = Value::Array(branches);
            if let Some(l) = self.latest {
                v["latest"] = json!(l);
            }
        }
        v
    }
}

fn ops_json(record: &[Recorded]) -> Vec<Value> {
    record
        .iter()
        .map(|r| match &r.op {
            Op::Line(l) => json!([r.at, "line", l]),
            Op::Kubectl(a) => json!([r.at, "kubectl", a]),
            Op::Manifest(t) => json!([r.at, "manifest", t]),
            Op::Interrupt => json!([r.at, "interrupt"]),
            Op::Reset(s) => json!([r.at, "reset", s]),
            Op::EditClosed(Some(t)) => json!([r.at, "edit-save", t]),
            Op::EditClosed(None) => json!([r.at, "edit-cancel"]),
        })
        .collect()
}

/// Reads a record written by [`Engine::record_json`]: the ops and the time to run to.
pub fn parse_record(v: &Value) -> Result<(Vec<Recorded>, u64), String> {
    let version = v.get("version").and_then(Value::as_u64);
    if version != Some(RECORD_VERSION) {
        return Err(match version {
            Some(n) => format!("it is from another version of Ordinal (format {n})"),
            None => "it is not an Ordinal session".into(),
        });
    }
    if v.get("seed").and_then(Value::as_u64) != Some(SEED) {
        return Err("it was made with another cluster seed".into());
    }
    let now = v
        .get("now")
        .and_then(Value::as_u64)
        .ok_or("it has no time")?;
    let ops = v
        .get("ops")
        .and_then(Value::as_array)
        .ok_or("it has no inputs")?;
    Ok((parse_ops(ops, 0, now, Vec::new())?, now))
}

/// Reads inputs after `out` (none before them later than `last`), up to `now`.
fn parse_ops(
    ops: &[Value],
    mut last: u64,
    now: u64,
    mut out: Vec<Recorded>,
) -> Result<Vec<Recorded>, String> {
    if out.len() + ops.len() > MAX_RECORD {
        return Err(format!("it has more than {MAX_RECORD} inputs"));
    }
    for op in ops {
        let bad = || format!("an input is malformed: {op}");
        let a = op.as_array().ok_or_else(bad)?;
        let at = a.first().and_then(Value::as_u64).ok_or_else(bad)?;
        if at < last || at > now {
            return Err("its inputs are out of time order".into());
        }
        last = at;
        let text = |i: usize| a.get(i).and_then(Value::as_str).map(str::to_string);
        let list = |i: usize| -> Option<Vec<String>> {
            a.get(i)?
                .as_array()?
                .iter()
                .map(|x| x.as_str().map(str::to_string))
                .collect()
        };
        let op = match a.get(1).and_then(Value::as_str) {
            Some("line") => Op::Line(text(2).ok_or_else(bad)?),
            Some("kubectl") => Op::Kubectl(list(2).ok_or_else(bad)?),
            Some("manifest") => Op::Manifest(text(2).ok_or_else(bad)?),
            Some("interrupt") => Op::Interrupt,
            Some("reset") => Op::Reset(list(2).ok_or_else(bad)?),
            Some("edit-save") => Op::EditClosed(Some(text(2).ok_or_else(bad)?)),
            Some("edit-cancel") => Op::EditClosed(None),
            _ => return Err(bad()),
        };
        out.push(Recorded { at, op });
    }
    Ok(out)
}

/// A saved session: its record, and its other branches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    pub ops: Vec<Recorded>,
    pub now: u64,
    pub branches: Vec<Branch>,
    pub latest: Option<usize>,
}

#[cfg(test)]
impl Saved {
    /// A record with no branches.
    pub fn plain(ops: Vec<Recorded>, now: u64) -> Saved {
        Saved {
            ops,
            now,
            branches: Vec::new(),
            latest: None,
        }
    }
}

/// Reads a session written by [`Engine::record_json`], its branches included (a record without
/// any, as every earlier release wrote, has none).
pub fn parse_saved(v: &Value) -> Result<Saved, String> {
    let (ops, now) = parse_record(v)?;
    let mut branches = Vec::new();
    let list = match v.get("branches") {
        None => &[][..],
        Some(b) => b.as_array().ok_or("its branches are malformed")?.as_slice(),
    };
    if list.len() > MAX_BRANCHES {
        return Err(format!("it has more than {MAX_BRANCHES} branches"));
    }
    for b in list {
        let bad = || "a branch is malformed".to_string();
        let from = b.get("from").and_then(Value::as_u64).ok_or_else(bad)? as usize;
        let bnow = b.get("now").and_then(Value::as_u64).ok_or_else(bad)?;
        let bops = b.get("ops").and_then(Value::as_array).ok_or_else(bad)?;
        let shared = ops.get(..from).ok_or_else(bad)?.to_vec();
        let last = shared.last().map_or(0, |r| r.at);
        if last > bnow {
            return Err("a branch's inputs are out of time order".into());
        }
        let ops = parse_ops(bops, last, bnow, shared)?;
        branches.push(Branch { ops, now: bnow });
    }
    let latest = match v.get("latest") {
        None => None,
        Some(l) => Some(
            l.as_u64()
                .map(|l| l as usize)
                .filter(|l| *l < branches.len())
                .ok_or("its latest branch is malformed")?,
        ),
    };
    Ok(Saved {
        ops,
        now,
        branches,
        latest,
    })
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn workers_come_from_the_query_within_limits() {
        assert_eq!(workers_in_query("?workers=92"), Some(92));
        assert_eq!(workers_in_query("?a=1&workers=3"), Some(3));
        for bad in [
            "",
            "?workers=0",
            "?workers=201",
            "?workers=-1",
            "?workers=x",
            "?w=5",
        ] {
            assert_eq!(workers_in_query(bad), None, "{bad}");
        }
    }

    use super::*;

    /// What the store holds, as text: equal dumps are equal clusters.
    fn dump(c: &Cluster) -> String {
        let mut s = String::new();
        for kind in ordinal_sim::api::KINDS {
            for o in c.store().list(kind.kind, None) {
                s.push_str(&o.to_value().to_string());
                s.push('\n');
            }
        }
        s
    }

    /// A session driven with irregular frames (as a display gives them: [`varied_session`])
    /// and replayed from its record reaches the same cluster, object for object.
    #[test]
    fn a_replayed_record_rebuilds_the_same_cluster() {
        let e = varied_session(SNAPSHOT_EVERY);
        let now = e.cluster.now().0;

        let mut lines = 0;
        let r = Engine::replay(e.record(), now, &mut |echo, _| {
            lines += usize::from(echo.is_some());
        });
        assert_eq!(r.cluster.now(), e.cluster.now());
        assert_eq!(dump(&r.cluster), dump(&e.cluster));
        assert_eq!(r.record(), e.record());
        // Every typed line and button command is echoed once in the replay.
        let typed = e
            .record()
            .iter()
            .filter(|r| matches!(r.op, Op::Line(_) | Op::Kubectl(_)))
            .count();
        assert_eq!((lines, typed), (15, 15));

        // Through JSON too.
        let (ops, at) = parse_record(&e.record_json()).unwrap();
        let r2 = Engine::replay(&ops, at, &mut |_, _| {});
        assert_eq!(dump(&r2.cluster), dump(&e.cluster));
    }

    /// Background jobs (`… &`) see the clock as the frames come: a list goes on after its
    /// sleep, a watch prints, a port-forward serves curl; a replay of the record shows the
    /// same terminal.
    #[test]
    fn background_jobs_run_with_the_clock_and_replay_alike() {
        let mut e = Engine::new();
        e.sync_manifest(ordinal_kubectl::manifests::K8S_IO_WEB_YAML);
        let mut log = e.kubectl(&["apply", "-f", "web.yaml"]).text();
        for _ in 0..100 {
            log += &e.advance(500.0).text();
        }
        for line in [
            "sleep 3 && echo three seconds later &",
            "kubectl port-forward web-0 8080:80 &",
            "kubectl get pods -w &",
            "kubectl delete pod web-1 --wait=false",
        ] {
            log += &e.input(line).text();
        }
        assert!(!e.session.busy() && e.session.has_jobs());
        for _ in 0..10 {
            log += &e.advance(700.0).text();
        }
        for line in ["curl -s localhost:8080 | head -1", "kill %2 %3"] {
            log += &e.input(line).text();
        }
        assert!(log.contains("\nthree seconds later\n"), "{log}");
        assert!(log.contains("web-1   0/1     Terminating"), "{log}");
        assert!(
            log.ends_with("Handling connection for 8080\n<html>\n[1]   Done                    sleep 3 && echo three seconds later\n[2]-  Terminated              kubectl port-forward web-0 8080:80\n[3]+  Terminated              kubectl get pods -w\n"),
            "{log}"
        );
        let now = e.cluster.now().0;
        let mut replayed = String::new();
        let r = Engine::replay(e.record(), now, &mut |_, o| replayed += &o.text());
        assert_eq!(replayed, log);
        assert_eq!(dump(&r.cluster), dump(&e.cluster));
    }

    /// The session in `web/tests/fixtures/session-v1.json`, made by this release (regenerate
    /// it only with a new record format: `UPDATE_FIXTURES=1 cargo test -p ordinal-web fixture`,
    /// then add the new version's file next to the old ones, which stay).
    fn fixture_session() -> Engine {
        let mut e = Engine::new();
        e.sync_manifest(ordinal_kubectl::manifests::K8S_IO_WEB_YAML);
        e.kubectl(&["apply", "-f", "web.yaml"]);
        e.advance_to(e.cluster.now().0 + 60_000);
        e.input("kubectl create secret generic mine --from-literal=k=v");
        e.input("kubectl exec web-1 -- sh -c 'echo kept > /usr/share/nginx/html/index.html'");
        e.input("kubectl scale sts web --replicas=3");
        e.advance_to(e.cluster.now().0 + 60_000);
        e
    }

    /// A record saved by an earlier release opens in this build: it is read, replayed input
    /// for input as it was taken then, and rebuilds its cluster.
    #[test]
    fn the_saved_fixture_of_an_earlier_release_replays() {
        const PATH: &str = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/session-v1.json"
        );
        if std::env::var_os("UPDATE_FIXTURES").is_some() {
            let v = fixture_session().record_json();
            std::fs::write(PATH, serde_json::to_string_pretty(&v).unwrap() + "\n").unwrap();
        }
        let text = std::fs::read_to_string(PATH).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["version"], 1);
        let (ops, now) = parse_record(&v).unwrap();
        assert_eq!(ops.len(), 5);
        let mut e = Engine::replay(&ops, now, &mut |_, _| {});
        assert_eq!(e.record(), ops.as_slice(), "every input taken as it was");
        assert_eq!(e.cluster.now().0, now);
        let pods = e.input("kubectl get pods --no-headers -o custom-columns=NAME:.metadata.name,PHASE:.status.phase").text();
        assert_eq!(pods, "web-0   Running\nweb-1   Running\nweb-2   Running\n");
        let secret = e
            .input("kubectl get secret mine -o jsonpath={.data.k}")
            .text();
        assert_eq!(secret, "dg==");
        let file = e
            .input("kubectl exec web-1 -- cat /usr/share/nginx/html/index.html")
            .text();
        assert_eq!(file, "kept\n");
    }

    /// Another engine's record that goes on from this one's is taken input by input from
    /// where this one's ends, to the same cluster: this engine's own trailing editor sync (a
    /// `web.yaml` the other never had) is undone first, so the other's `kubectl apply -f
    /// web.yaml` reads the other's file. An input of its own that the other record lacks, or
    /// a clock past the other's, is refused (the caller replays from the start).
    #[test]
    fn catch_up_takes_the_new_inputs_where_the_record_ends() {
        let mut holder = Engine::new();
        holder.sync_manifest(ordinal_kubectl::manifests::K8S_IO_WEB_YAML);
        holder.kubectl(&["apply", "-f", "web.yaml"]);
        holder.advance_to(holder.cluster.now().0 + 20_000);
        let mut ro = Engine::replay(holder.record(), holder.cluster.now().0, &mut |_, _| {});
        let changed =
            ordinal_kubectl::manifests::K8S_IO_WEB_YAML.replace("replicas: 2", "replicas: 5");
        ro.sync_manifest(&changed);
        assert_eq!(ro.record().len(), holder.record().len() + 1);

        holder.advance_to(holder.cluster.now().0 + 5_000);
        holder.input("kubectl scale sts web --replicas=3");
        holder.input("kubectl apply -f web.yaml");
        holder.advance_to(holder.cluster.now().0 + 60_000);
        let mut printed = String::new();
        let now = holder.cluster.now().0;
        assert_eq!(
            ro.catch_up(holder.record(), now, &mut |echo, o| {
                if let Some(l) = echo {
                    printed += &format!("$ {l}\n");
                }
                printed += &o.text();
            }),
            Ok(())
        );
        assert_eq!(ro.record(), holder.record());
        assert_eq!(dump(&ro.cluster), dump(&holder.cluster));
        assert_eq!(
            ro.session.files().read("web.yaml").as_deref(),
            Ok(ordinal_kubectl::manifests::K8S_IO_WEB_YAML)
        );
        assert_eq!(
            printed,
            "$ kubectl scale sts web --replicas=3\nstatefulset.apps/web scaled\n$ kubectl apply -f web.yaml\nservice/nginx unchanged\nstatefulset.apps/web configured\n"
        );
        // Nothing new: nothing happens.
        assert_eq!(ro.catch_up(holder.record(), now, &mut |_, _| {}), Ok(()));

        // An input of its own, or a clock past the other's next input: refused.
        let mut own = Engine::replay(ro.record(), now, &mut |_, _| {});
        own.input("kubectl create namespace mine");
        holder.input("kubectl create namespace theirs");
        assert_eq!(
            own.catch_up(holder.record(), holder.cluster.now().0, &mut |_, _| {}),
            Err(())
        );
        let mut ahead = Engine::replay(ro.record(), now, &mut |_, _| {});
        ahead.advance_to(now + 1);
        let mut later = Engine::replay(holder.record(), holder.cluster.now().0, &mut |_, _| {});
        later.input("kubectl get pods");
        assert_eq!(
            ahead.catch_up(later.record(), later.cluster.now().0, &mut |_, _| {}),
            Err(())
        );
    }

    #[test]
    fn unreadable_records_are_refused_with_a_reason() {
        for (v, why) in [
            (json!({}), "not an Ordinal session"),
            (json!({"version": 9}), "another version"),
            (
                json!({"version": 1, "seed": 2, "now": 0, "ops": []}),
                "another cluster seed",
            ),
            (
                json!({"version": 1, "seed": 1, "now": 5, "ops": [[9, "line", "x"]]}),
                "out of time order",
            ),
            (
                json!({"version": 1, "seed": 1, "now": 5, "ops": [[1, "rm -rf", "x"]]}),
                "malformed",
            ),
            (
                json!({"version": 1, "seed": 1, "now": 5, "ops": [[1, "line", 3]]}),
                "malformed",
            ),
        ] {
            let e = parse_record(&v).unwrap_err();
            assert!(e.contains(why), "{v}: {e}");
        }
    }

    /// A session with commands of every sort: a watch stopped, a sleep, a node stopped and
    /// started, a forced deletion, files written in pods and on the workstation, a shell
    /// variable, a background watch, an edit; frames as a display gives them.
    fn varied_session(k: usize) -> Engine {
        let mut e = Engine::with_snapshots_every(k);
        let mut frames = [16.0, 33.0, 7.5, 250.0, 16.6, 1000.0, 3.0].iter().cycle();
        let mut run = |e: &mut Engine, n: usize| {
            for _ in 0..n {
                e.advance(*frames.next().unwrap() * 10.0);
            }
        };
        e.sync_manifest(ordinal_kubectl::manifests::K8S_IO_WEB_YAML);
        e.kubectl(&["apply", "-f", "web.yaml"]);
        run(&mut e, 40);
        e.input("kubectl get pods -w");
        run(&mut e, 30);
        e.interrupt();
        e.input("N=4; kubectl get pods -o yaml > pods.yaml");
        e.input("kubectl scale sts web --replicas=$N");
        e.input("sleep 7");
        run(&mut e, 50);
        e.input("kubectl get pods -w &");
        e.input("docker stop kind-worker");
        run(&mut e, 90);
        e.input("kill %1");
        e.input("kubectl delete pod web-1 --force --grace-period=0");
        e.input("for i in 0 3; do kubectl exec web-$i -- sh -c 'echo $(hostname) > /usr/share/nginx/html/index.html'; done");
        run(&mut e, 40);
        e.input("kubectl edit sts web");
        run(&mut e, 3);
        let text = e
            .session
            .editing()
            .unwrap()
            .buffer()
            .replace("replicas: 4", "replicas: 3");
        e.finish_edit(Some(text));
        e.input("docker start kind-worker");
        e.kubectl(&["delete", "pod", "web-0", "--wait=false"]);
        e.input("kubectl rollout restart sts/web");
        run(&mut e, 120);
        e.input("cat pods.yaml | head -3; echo $N");
        run(&mut e, 10);
        e
    }

    /// What an engine shows: the store, its resourceVersion, the time, the record.
    fn state(e: &Engine) -> (String, u64, u64, Vec<Recorded>) {
        (
            dump(&e.cluster),
            e.cluster.resource_version(),
            e.cluster.now().0,
            e.record().to_vec(),
        )
    }

    /// Every position of the timeline, shown from the nearest snapshot, is the store a fresh
    /// replay of the inputs before it reaches (object for object, the same resourceVersion),
    /// and the same as shown with no snapshots at all.
    #[test]
    fn any_position_replays_to_the_identical_store() {
        let e = varied_session(3);
        let n = e.record().len();
        assert!(
            n > 15 && e.snapshot_count() >= 4,
            "{n} {}",
            e.snapshot_count()
        );
        for pos in 0..=n {
            let shown = e.at(pos);
            let mut fresh = Engine::replay(&e.record()[..pos], 0, &mut |_, _| {});
            fresh.advance_to(e.time_at(pos));
            assert_eq!(state(&shown), state(&fresh), "position {pos}");
            let without = e.at_from(pos, None);
            assert_eq!(state(&shown), state(&without), "position {pos}");
            assert_eq!(shown.session.prompt(), fresh.session.prompt());
            assert_eq!(shown.session.busy(), fresh.session.busy(), "position {pos}");
            assert_eq!(shown.session.history(), fresh.session.history());
        }
        // The last position is now: the session itself.
        assert_eq!(state(&e.at(n)), state(&e));
        // Input after a snapshot's moment: the workstation file and the shell variable are
        // the ones that moment had.
        let mut last = e.at(n);
        assert_eq!(
            last.input("echo $N; head -2 pods.yaml").text(),
            "4\napiVersion: v1\nitems:\n"
        );
    }

    /// Snapshots at any interval, or none, give the same session and the same shown moments.
    #[test]
    fn snapshots_or_none_give_identical_clusters() {
        let none = varied_session(0);
        assert_eq!(none.snapshot_count(), 0);
        for k in [1, 5, SNAPSHOT_EVERY] {
            let e = varied_session(k);
            assert_eq!(state(&e), state(&none), "every {k}");
            for pos in (0..=e.record().len()).step_by(2) {
                assert_eq!(
                    state(&e.at(pos)),
                    state(&none.at(pos)),
                    "every {k}, position {pos}"
                );
            }
        }
    }

    fn pods(e: &mut Engine) -> String {
        e.input("kubectl get pods --no-headers -o custom-columns=NAME:.metadata.name")
            .text()
    }

    /// The browser test's story: apply, scale to 5, back to before the scale, branch, delete
    /// a pod there; the latest line (five pods) and the branch are both kept, each one comes
    /// back as it was, and both survive the session's JSON.
    #[test]
    fn branch_and_return_keep_both_futures() {
        let mut e = Engine::new();
        e.sync_manifest(ordinal_kubectl::manifests::K8S_IO_WEB_YAML);
        e.kubectl(&["apply", "-f", "web.yaml"]);
        e.advance_to(e.cluster.now().0 + 60_000);
        let before_scale = e.record().len();
        e.kubectl(&["scale", "sts", "web", "--replicas=5"]);
        e.advance_to(e.cluster.now().0 + 120_000);
        let latest = state(&e);
        let latest_now = e.cluster.now().0;

        let mut past = e.at(before_scale);
        assert_eq!(pods(&mut past), "web-0\nweb-1\n");
        let past = e.at(before_scale);
        let branched_at = past.cluster.now().0;
        e.branch_to(past);
        assert_eq!(e.record().len(), before_scale);
        assert_eq!(e.cluster.now().0, branched_at);
        assert_eq!(e.branches.len(), 1);
        assert_eq!(e.latest, Some(0));
        assert_eq!(e.branches[0].ops, latest.3);
        assert_eq!(e.branches[0].now, latest_now);
        e.kubectl(&["delete", "pod", "web-1", "--wait=false"]);
        e.advance_to(e.cluster.now().0 + 60_000);
        let what_if = state(&e);
        assert!(what_if.0.contains("\"name\":\"web-1\""));

        // Through the saved JSON.
        let saved = parse_saved(&e.record_json()).unwrap();
        assert_eq!(saved.ops, what_if.3);
        assert_eq!(saved.branches, e.branches);
        assert_eq!(saved.latest, Some(0));

        // Return to latest: replayed, it is the five pods' line; the branch is kept.
        let (b, branches, l) = e.switch_to(0).unwrap();
        let mut back = Engine::replay(&b.ops, b.now, &mut |_, _| {});
        (back.branches, back.latest) = (branches, l);
        assert_eq!(state(&back), latest);
        assert_eq!(back.latest, None);
        assert_eq!(back.branches.len(), 1);
        assert_eq!(back.branches[0].ops, what_if.3);
        let mut shown = back.at(back.record().len());
        assert_eq!(pods(&mut shown), "web-0\nweb-1\nweb-2\nweb-3\nweb-4\n");

        // And over to the branch again: as it was left.
        let (b, branches, l) = back.switch_to(0).unwrap();
        assert_eq!(l, Some(0), "the latest line is the one to return to");
        let mut again = Engine::replay(&b.ops, b.now, &mut |_, _| {});
        (again.branches, again.latest) = (branches, l);
        assert_eq!(state(&again), what_if);
        assert_eq!(again.branches[0].ops, latest.3);

        // Branching again on the branch keeps the latest line the one to return to.
        let p = again.at(again.record().len() - 1);
        again.branch_to(p);
        assert_eq!(again.branches.len(), 2);
        assert_eq!(again.latest, Some(0));
        let saved = parse_saved(&again.record_json()).unwrap();
        assert_eq!(saved.branches, again.branches);
        assert_eq!(saved.latest, Some(0));
        assert_eq!(saved.ops, again.record());
        // Returning right away: the new branch had no input of its own, so it is not kept.
        let (b, branches, l) = again.switch_to(0).unwrap();
        assert_eq!(b.ops, latest.3);
        assert_eq!(l, None);
        assert_eq!(branches.len(), 1);
        assert_eq!(branches[0].ops, what_if.3);
    }

    /// Records without branches (every earlier release's) read as before; bad branches are
    /// refused with a reason.
    #[test]
    fn records_without_branches_and_bad_branches() {
        let e = fixture_session();
        let v = e.record_json();
        assert!(v.get("branches").is_none());
        let saved = parse_saved(&v).unwrap();
        assert!(saved.branches.is_empty() && saved.latest.is_none());
        let ops = v["ops"].clone();
        for (extra, why) in [
            (json!({"branches": 3}), "branches are malformed"),
            (
                json!({"branches": [{"from": 99, "now": 1, "ops": []}]}),
                "branch is malformed",
            ),
            (
                json!({"branches": [{"from": 0, "now": 1, "ops": [[5, "line", "x"]]}]}),
                "out of time order",
            ),
            (
                json!({"branches": [{"from": 0, "now": 9, "ops": [[5, "nope"]]}]}),
                "malformed",
            ),
            (json!({"branches": [], "latest": 0}), "latest branch"),
        ] {
            let mut v = json!({"version": 1, "seed": 1, "now": v["now"], "ops": ops});
            for (k, x) in extra.as_object().unwrap() {
                v[k] = x.clone();
            }
            let err = parse_saved(&v).unwrap_err();
            assert!(err.contains(why), "{extra}: {err}");
        }
    }

    /// Figures for the snapshot interval (`cargo test -p ordinal-web --release timeline_bench
    /// -- --ignored --nocapture`): a 30-minute session of a few hundred inputs, the time to show
    /// each position, and the snapshots kept.
    #[test]
    #[ignore]
    fn timeline_bench() {
        fn session(k: usize) -> Engine {
            let mut e = Engine::with_snapshots_every(k);
            e.sync_manifest(ordinal_kubectl::manifests::K8S_IO_WEB_YAML);
            e.kubectl(&["apply", "-f", "web.yaml"]);
            for i in 0..300u64 {
                e.advance(6_000.0);
                let line = match i % 10 {
                    0 => format!("kubectl scale sts web --replicas={}", 1 + i % 5),
                    1 => "kubectl get pods".into(),
                    2 => format!("kubectl delete pod web-{} --wait=false", i % 2),
                    3 => "kubectl describe sts web | tail -3".into(),
                    4 => "kubectl exec web-0 -- hostname".into(),
                    5 => "kubectl get pvc".into(),
                    6 => "kubectl get events | tail -2".into(),
                    7 => "kubectl rollout status sts/web --timeout=1s".into(),
                    8 => "kubectl get pods -o wide".into(),
                    _ => "echo $((1+1))".into(),
                };
                e.input(&line);
            }
            e.advance(6_000.0);
            e
        }
        for k in [1, 4, 8, 16, 32, 0] {
            let t = std::time::Instant::now();
            let e = session(k);
            let build = t.elapsed();
            let n = e.record().len();
            let mut worst = std::time::Duration::ZERO;
            let mut total = std::time::Duration::ZERO;
            for pos in 0..=n {
                let t = std::time::Instant::now();
                let shown = e.at(pos);
                let d = t.elapsed();
                assert_eq!(shown.record().len(), pos);
                worst = worst.max(d);
                total += d;
            }
            let bytes: usize = e.snaps.iter().map(|s| dump(&s.cluster).len()).sum();
            println!(
                "every {k:>2}: {n} inputs over {} s simulated, built in {build:?}; {} snapshots ({} KB of objects as JSON); show a position: mean {:?}, worst {worst:?}",
                (e.cluster.now().0 - e.record()[0].at) / 1000,
                e.snapshot_count(),
                bytes / 1000,
                total / (n as u32 + 1),
            );
        }
    }
}
