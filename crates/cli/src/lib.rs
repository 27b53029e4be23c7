//! The native `ordinal` CLI on the same core as the web app: a REPL, and `ordinal run`, which
//! plays a script and prints the transcript (`$ <line>` then its output). Time passes only in
//! blocking commands (`sleep`, `get -w`, `rollout status`, `wait`, the wait after `delete`,
//! `run -i` waiting for its pod).

// What the user does never unwraps: a failure is a message, not a panic (checked by clippy in CI).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod editor;

use ordinal_kubectl::session::{MemFiles, Mode, Workspace};
use ordinal_kubectl::{Files, Session};
use ordinal_sim::faults::Faults;
use ordinal_sim::features::FeatureGates;
use ordinal_sim::Cluster;
use std::path::PathBuf;

/// `-f` reads from a directory on disk; `>` writes stay in memory (a transcript never writes
/// to the disk).
pub struct DiskFiles {
    pub base: PathBuf,
    pub written: MemFiles,
}

impl DiskFiles {
    pub fn new(base: impl Into<PathBuf>) -> DiskFiles {
        DiskFiles {
            base: base.into(),
            written: MemFiles::default(),
        }
    }
}

impl Files for DiskFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        if let Ok(s) = self.written.read(path) {
            return Ok(s);
        }
        std::fs::read_to_string(self.base.join(path)).map_err(|e| e.to_string())
    }
    fn dir(&self, path: &str) -> Option<Vec<String>> {
        let written = self.written.dir(path);
        let on_disk = std::fs::read_dir(self.base.join(path)).ok().map(|d| {
            d.filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().into_string().ok())
                .collect::<Vec<_>>()
        });
        if written.is_none() && on_disk.is_none() {
            return None;
        }
        let mut names: Vec<String> = written.into_iter().chain(on_disk).flatten().collect();
        names.sort();
        names.dedup();
        Some(names)
    }
}

impl Workspace for DiskFiles {
    fn write(&mut self, path: &str, content: &str, append: bool) -> Result<(), String> {
        if append && self.written.read(path).is_err() {
            if let Ok(existing) = std::fs::read_to_string(self.base.join(path)) {
                self.written.write(path, &existing, false)?;
            }
        }
        self.written.write(path, content, append)
    }
    fn list(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.base)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .filter_map(|e| e.file_name().into_string().ok())
                    .collect()
            })
            .unwrap_or_default();
        names.extend(self.written.list());
        names.sort();
        names.dedup();
        names
    }
    fn mkdir(&mut self, path: &str) -> Result<(), String> {
        self.written.mkdir(path)
    }

    fn remove(&mut self, path: &str) {
        // Only what a session wrote: the disk under it is read-only to a session.
        self.written.remove(path);
    }
}

/// What `kubectl explain` reads, generated from the schemas `ordinal serve` publishes
/// (`crates/server/tests/explain_data.rs`); the web app fetches the same file after first paint.
pub const EXPLAIN_DATA: &str = include_str!("../../../web/explain/explain.json");

/// A kubectl session over `files`, with `kubectl explain`'s data, and a script's editor for
/// `kubectl edit` ([`editor::ProcessEditor::script`]; the interactive terminal sets its own).
pub fn new_session(files: Box<dyn Workspace>) -> Session {
    let mut s = Session::new(files);
    s.set_explain_data(EXPLAIN_DATA.into());
    s.set_editor(Box::new(editor::ProcessEditor::script()));
    s
}

/// A golden transcript (`crates/cli/tests/transcripts/*.txt`) split at the end of its header:
/// the leading `#` lines, which may say `# seed: N` (default 1), `# feature-gates:
/// Name=true,...` (the cluster's gates, as `ordinal --feature-gates` sets them) and `# workers:
/// N` (kind's worker nodes, as `ordinal --workers` sets them; default 2).
pub struct Transcript<'a> {
    /// The header lines, kept byte for byte.
    pub header: &'a str,
    pub seed: u64,
    pub gates: FeatureGates,
    pub workers: usize,
    /// The session: prompts, input lines and output.
    pub body: &'a str,
}

impl Transcript<'_> {
    /// `text` split; an error names feature gates that do not parse.
    pub fn parse(text: &str) -> Result<Transcript<'_>, String> {
        let end: usize = text
            .split_inclusive('\n')
            .take_while(|l| l.starts_with('#'))
            .map(str::len)
            .sum();
        let (header, body) = text.split_at(end);
        let field = |name: &str| header.lines().find_map(|l| l.strip_prefix(name));
        let seed = field("# seed: ")
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(1);
        let gates = match field("# feature-gates: ") {
            Some(v) => FeatureGates::parse(v.trim())?,
            None => FeatureGates::default(),
        };
        let workers = match field("# workers: ") {
            Some(v) => parse_workers(v.trim())?,
            None => DEFAULT_WORKERS,
        };
        Ok(Transcript {
            header,
            seed,
            gates,
            workers,
            body,
        })
    }
}

/// kind's worker nodes when nothing says otherwise.
pub const DEFAULT_WORKERS: usize = 2;

/// `--workers N` (or a transcript's `# workers: N`): 1 to [`ordinal_sim::MAX_WORKERS`] worker
/// nodes, as a kind config with that many `role: worker` entries.
pub fn parse_workers(value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(n) if (1..=ordinal_sim::MAX_WORKERS).contains(&n) => Ok(n),
        _ => Err(format!(
            "invalid argument {value:?} for \"--workers\" flag: 1 to {}",
            ordinal_sim::MAX_WORKERS
        )),
    }
}

/// Plays `script` line by line and returns the transcript. Lines typed into an attached shell
/// are echoed after that shell's prompt. Blank lines and `#` comments at the learner's prompt
/// are skipped.
pub fn run_script(script: &str, seed: u64, files: Box<dyn Workspace>) -> String {
    run_script_with_gates(script, seed, FeatureGates::default(), files)
}

/// [`run_script`] on a cluster whose components run with `gates`.
pub fn run_script_with_gates(
    script: &str,
    seed: u64,
    gates: FeatureGates,
    files: Box<dyn Workspace>,
) -> String {
    run_script_on(
        Cluster::with_feature_gates(seed, gates),
        script,
        None,
        files,
    )
}

/// A fault plan for a script (`ordinal run --faults SPEC [--faults-for N]`): armed before the
/// first line, and cleared after the first `lines` lines typed (`None`: never), as the chaos
/// runs' fault mode does, so a failing fault seed's printed replay reproduces it.
pub struct ScriptFaults {
    pub plan: Faults,
    pub lines: Option<usize>,
}

/// [`run_script_with_gates`] with the controllers' API faults of `faults`.
pub fn run_script_with_faults(
    script: &str,
    seed: u64,
    gates: FeatureGates,
    faults: Option<ScriptFaults>,
    files: Box<dyn Workspace>,
) -> String {
    run_script_on(
        Cluster::with_feature_gates(seed, gates),
        script,
        faults,
        files,
    )
}

/// [`run_script`] on `cluster` (e.g. one with more workers: [`Cluster::with_workers`]), with the
/// controllers' API faults of `faults`.
pub fn run_script_on(
    mut cluster: Cluster,
    script: &str,
    faults: Option<ScriptFaults>,
    files: Box<dyn Workspace>,
) -> String {
    let mut session = new_session(files);
    let mut transcript = String::new();
    let mut clear_after = None;
    if let Some(f) = faults {
        cluster.set_faults(f.plan);
        clear_after = Some(f.lines);
    }
    let mut typed = 0;
    for line in script.lines() {
        if clear_after == Some(Some(typed)) {
            cluster.clear_faults();
            clear_after = None;
        }
        if !session.attached() && (line.trim().is_empty() || line.trim_start().starts_with('#')) {
            continue;
        }
        typed += 1;
        transcript.push_str(&session.prompt());
        transcript.push_str(line);
        transcript.push('\n');
        let out = session.input(&mut cluster, line, Mode::Script);
        let text = out.text();
        transcript.push_str(&text);
        if !text.is_empty() && !text.ends_with('\n') {
            transcript.push('\n');
        }
    }
    transcript
}

/// The input lines of a transcript: the text after each prompt, following the session's state
/// (the learner's `$ `, or an attached shell's prompt).
pub fn script_of(transcript: &str, seed: u64, files: Box<dyn Workspace>) -> Vec<String> {
    script_of_with_gates(transcript, seed, FeatureGates::default(), files)
}

/// [`script_of`] on a cluster whose components run with `gates`.
pub fn script_of_with_gates(
    transcript: &str,
    seed: u64,
    gates: FeatureGates,
    files: Box<dyn Workspace>,
) -> Vec<String> {
    script_of_on(Cluster::with_feature_gates(seed, gates), transcript, files)
}

/// [`script_of`] on `cluster`.
pub fn script_of_on(
    mut cluster: Cluster,
    transcript: &str,
    files: Box<dyn Workspace>,
) -> Vec<String> {
    let mut session = new_session(files);
    let mut lines = Vec::new();
    for l in transcript.lines() {
        let prompt = session.prompt();
        if let Some(cmd) = l.strip_prefix(prompt.as_str()) {
            lines.push(cmd.to_string());
            session.input(&mut cluster, cmd, Mode::Script);
        }
    }
    lines
}
