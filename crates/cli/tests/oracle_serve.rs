//! The oracle against `ordinal serve`: every golden transcript (`tests/transcripts/*.txt`)
//! replayed through a real kubectl v1.33 talking HTTP to the server, and through the
//! playground's own kubectl on the same core, line by line.
//!
//! For each transcript a server starts in-process (`ordinal_server::start`, the transcript's
//! seed and feature gates, the virtual clock) and our `Session` plays the transcript on the
//! golden `Cluster`, which the harness keeps. A line is *comparable* (see [`comparable`]) when it is one plain
//! `kubectl …` command that real kubectl runs non-interactively and prints the same way. For
//! such a line:
//!
//! 1. the server's cluster is set to a copy of the golden state and ours runs on the golden
//!    state, to its end (its output must be the golden output for that line);
//! 2. real kubectl runs against the server (`KUBECONFIG` the server's, `HOME` fresh per server
//!    so its discovery cache is too, cwd a temp dir holding `examples/` and whatever the
//!    session wrote, nothing else in its environment);
//!    under the virtual clock a watch that waits moves simulated time, so `delete`,
//!    `rollout status` and `wait` finish;
//! 3. the two are compared: stdout line by line, stderr line by line (klog headers cut to
//!    their source location), the exit code;
//!    `kubectl edit` is compared when the session names its editor (`KUBE_EDITOR` or `EDITOR`,
//!    exported or before the command): real kubectl gets those variables and runs the same
//!    editor process; the temp file's random number is the one thing cut from both outputs;
//! 4. the store real kubectl left is compared with ours, object by object (see
//!    [`normalized`] for what legitimately differs); the rest of the transcript goes on from
//!    ours (the golden state), which the next comparable line copies to the server again.
//!
//! Other lines (shell syntax, the `k` alias, watches, attached shells, container shells, …) run
//! through our session on the golden cluster, as the golden transcript does.
//!
//! Every difference is a bug on one side, or an entry of [`EXCEPTIONS`] with its reason. The
//! test fails on a difference not listed, and on a listed exception that no longer occurs, so
//! the list stays true. It prints the counts (transcripts, lines compared, identical,
//! exceptions by category).
//!
//! kubectl: `$ORDINAL_KUBECTL`, else `.tools/kubectl-v1.33/kubectl` (`scripts/setup.sh`
//! installs it). Missing, the test says it skipped, unless `CI` is set: then it fails.

use ordinal_cli::Transcript;
use ordinal_kubectl::session::{Mode, Workspace};
use ordinal_kubectl::Files;
use ordinal_server::{ClockMode, Config};
use ordinal_sim::{Cluster, Kind};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn kubectl() -> Option<PathBuf> {
    let p = match std::env::var_os("ORDINAL_KUBECTL") {
        Some(p) => PathBuf::from(p),
        None => root().join(".tools/kubectl-v1.33/kubectl"),
    };
    p.exists().then_some(p)
}

/// Why a difference is allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Category {
    /// kubectl computes it from the machine's wall clock; the playground from simulated time
    /// (the cluster was created at 2026-01-01T00:00:00Z): `describe`'s and `events`' ages and
    /// "Terminating (lasts …)", `rollout restart`'s `restartedAt` (two restarts in one
    /// simulated second are an empty patch for ours, two different instants for kubectl).
    WallClock,
    /// The server also answers resources it keeps no objects for (node `leases` for `describe
    /// node`, the self reviews for `auth can-i`/`whoami`), so discovery lists them; the
    /// playground's kubectl answers those commands itself and lists only the kinds it stores.
    VirtualResources,
    /// The oracle is kubectl v1.33.9; the playground's kubectl says v1.33.1, the version of
    /// kind's node image the cluster simulates.
    Version,
    /// The playground's help is its own, shorter text: it names only the flags and the kinds
    /// it supports.
    Help,
    /// A URL: the playground is offline (it says so, or reads its built-in copy of a
    /// kubernetes.io example); kubectl's error names this machine's resolver.
    Offline,
    /// `drain` waits for evicted pods by polling GET every second of real time, and the
    /// virtual clock moves only for a watch that waits; so real kubectl waits forever (killed
    /// by the harness). It also evicts in parallel, so the order of its lines is not fixed.
    RealTimePolls,
    /// The playground says in one line why it cannot do what real kubectl tries against
    /// `ordinal serve`: make objects of kinds the sim lacks (HorizontalPodAutoscalers,
    /// CertificateSigningRequests, RoleBindings), a NodePort Service whose node ports the sim
    /// would not allocate, or read the machine kubectl runs on (a kustomization, the shell
    /// completion script it prints).
    NotHere,
}

/// A listed difference: (transcript file or `*`, command line or a prefix ending in `*`,
/// category). Each must still occur.
const EXCEPTIONS: &[(&str, &str, Category)] = &[
    (
        "12-errors.txt",
        "kubectl apply -f https://example.com/nope.yaml",
        Category::Offline,
    ),
    (
        "46-deployment-kubectl.txt",
        "kubectl create -f https://k8s.io/examples/controllers/nginx-deployment.yaml",
        Category::Offline,
    ),
    ("*", "kubectl describe *", Category::WallClock),
    ("*", "kubectl events *", Category::WallClock),
    (
        "15-more-commands.txt",
        "kubectl api-resources",
        Category::VirtualResources,
    ),
    ("*", "kubectl rollout restart sts/web", Category::WallClock),
    ("15-more-commands.txt", "kubectl version", Category::Version),
    (
        "15-more-commands.txt",
        "kubectl scale --help",
        Category::Help,
    ),
    (
        "17-drain.txt",
        "kubectl drain kind-worker2 --force",
        Category::RealTimePolls,
    ),
    (
        "43-expose-taint-other-verbs.txt",
        "kubectl expose pod web-0 --name=np --type=NodePort",
        Category::NotHere,
    ),
    (
        "43-expose-taint-other-verbs.txt",
        "kubectl set subject rolebinding admin --user=jane",
        Category::NotHere,
    ),
    (
        "43-expose-taint-other-verbs.txt",
        "kubectl autoscale sts web --max=5",
        Category::NotHere,
    ),
    (
        "43-expose-taint-other-verbs.txt",
        "kubectl certificate approve csr-1",
        Category::NotHere,
    ),
    (
        "43-expose-taint-other-verbs.txt",
        "kubectl completion bash",
        Category::NotHere,
    ),
    (
        "43-expose-taint-other-verbs.txt",
        "kubectl kustomize .",
        Category::NotHere,
    ),
];

fn matches(pattern: &str, s: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => s.starts_with(prefix),
        None => pattern == s,
    }
}

// ---------------------------------------------------------------------------------------------
// Which lines are compared.

/// A line split into words as bash would, if it is one plain command: quotes (single, double,
/// backslash) but no expansion, redirection, pipe, list, subshell or glob outside quotes.
fn words(line: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        ch => cur.push(ch),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '$' | '`' => return None,
                        '\\' => match chars.next()? {
                            ch @ ('"' | '\\' | '$' | '`') => cur.push(ch),
                            '\n' => {}
                            ch => {
                                cur.push('\\');
                                cur.push(ch);
                            }
                        },
                        ch => cur.push(ch),
                    }
                }
            }
            '\\' => {
                in_word = true;
                cur.push(chars.next()?);
            }
            ';' | '|' | '&' | '<' | '>' | '$' | '`' | '(' | ')' | '\n' | '*' | '?' | '[' | '{'
            | '}' | '~' | '#' => {
                // `#` starts a comment only at a word's start, and `{`, `}` only matter as
                // words, but no transcript needs them unquoted: keep the rule simple.
                return None;
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    Some(out)
}

/// Whether real kubectl can run `line` non-interactively and print what ours prints: one
/// `kubectl` command (not the `k` alias, which is the playground's), with no shell syntax but
/// `NAME=value` words before it, that neither watches (`-w`, `--watch`, `--watch-only`,
/// `logs -f`), nor attaches a terminal (`-i`, `-t`, `-it`, `--stdin`, `--tty`; `attach`,
/// `port-forward`, `proxy`; `edit` unless `env`, the session's exported variables, or the line's
/// own name an editor), nor waits with a `--timeout` (see below). The flags after `--` are the
/// container command's. Returns kubectl's arguments, and the editor variables it is to get.
fn comparable(line: &str, env: &[(String, String)]) -> Option<(Vec<String>, Env)> {
    let mut w = words(line)?;
    let mut editor_env: Vec<(String, String)> = env
        .iter()
        .filter(|(k, _)| EDITOR_VARS.contains(&k.as_str()))
        .cloned()
        .collect();
    while let Some((k, v)) = w.first().and_then(|a| a.split_once('=')) {
        if !EDITOR_VARS.contains(&k) {
            return None;
        }
        editor_env.retain(|(n, _)| n != k);
        editor_env.push((k.to_string(), v.to_string()));
        w.remove(0);
    }
    if w.first().map(String::as_str) != Some("kubectl") || w.len() < 2 {
        return None;
    }
    let args: Vec<String> = w[1..].to_vec();
    let before_dashdash = args.iter().take_while(|a| *a != "--");
    let mut verb = None;
    for a in before_dashdash {
        let a = a.as_str();
        if verb.is_none() && !a.starts_with('-') {
            verb = Some(a);
        }
        if matches!(a, "-w" | "--watch" | "--watch-only" | "-f" | "--follow")
            && verb == Some("logs")
        {
            return None;
        }
        if a == "-w" || a.starts_with("--watch") {
            return None;
        }
        // Short flags bundled: `-it`, `-ti`, `-i`, `-t`.
        if a.len() > 1
            && a.starts_with('-')
            && !a.starts_with("--")
            && a[1..].chars().all(|c| c.is_ascii_alphabetic())
            && (a.contains('i') || a.contains('t'))
            && matches!(
                verb,
                Some("run") | Some("exec") | Some("attach") | Some("debug")
            )
        {
            return None;
        }
        if a.starts_with("--stdin") || a.starts_with("--tty") {
            return None;
        }
    }
    if matches!(verb, Some("attach") | Some("port-forward") | Some("proxy")) {
        return None;
    }
    let names_editor = editor_env
        .iter()
        .any(|(k, v)| (k == "KUBE_EDITOR" || k == "EDITOR") && !v.is_empty());
    if verb == Some("edit") && !names_editor {
        return None;
    }
    // A wait's `--timeout` is wall-clock time for kubectl and simulated time for ours: under the
    // virtual clock they measure different things (kubectl would wait in real seconds while
    // simulated hours pass).
    let waits = matches!(
        verb,
        Some("rollout") | Some("wait") | Some("delete") | Some("drain")
    );
    if waits && args.iter().any(|a| a.starts_with("--timeout")) {
        return None;
    }
    Some((args, editor_env))
}

/// Environment variables, by name.
type Env = Vec<(String, String)>;

/// The variables `kubectl edit` reads to start its editor.
const EDITOR_VARS: &[&str] = &["KUBE_EDITOR", "EDITOR", "SHELL"];

/// `kubectl edit`'s temp file (`/tmp/kubectl-edit-3297424384.yaml`) with its random number
/// cut, on both sides.
fn temp_names_cut(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("kubectl-edit-") {
        let (head, tail) = rest.split_at(i + "kubectl-edit-".len());
        out.push_str(head);
        let digits = tail.len() - tail.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            out.push('N');
        }
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------------------------
// The workstation both kubectls see: a temp dir holding `examples/`, and whatever the session
// writes (`> file`) written there too, so real kubectl's `-f file` reads the same bytes.

struct DirFiles {
    dir: PathBuf,
}

impl DirFiles {
    /// Where a workspace path lives: inside the directory, an absolute one (`kubectl edit`'s
    /// `/tmp/kubectl-edit-N.yaml`) under `root/`, never on the machine's own `/tmp`.
    fn at(&self, path: &str) -> PathBuf {
        match path.strip_prefix('/') {
            Some(abs) => self.dir.join("root").join(abs),
            None => self.dir.join(path.trim_start_matches("./")),
        }
    }
}

impl Files for DirFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(self.at(path)).map_err(|e| e.to_string())
    }
    fn dir(&self, path: &str) -> Option<Vec<String>> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.join(path))
            .ok()?
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        names.sort();
        Some(names)
    }
}

impl Workspace for DirFiles {
    fn write(&mut self, path: &str, content: &str, append: bool) -> Result<(), String> {
        let p = self.at(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        let mut text = if append {
            std::fs::read_to_string(&p).unwrap_or_default()
        } else {
            String::new()
        };
        text.push_str(content);
        std::fs::write(&p, text).map_err(|e| e.to_string())
    }
    fn list(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.dir)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                    .filter_map(|e| e.file_name().into_string().ok())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }
    fn mkdir(&mut self, path: &str) -> Result<(), String> {
        std::fs::create_dir_all(self.dir.join(path)).map_err(|e| e.to_string())
    }

    fn remove(&mut self, path: &str) {
        let _ = std::fs::remove_file(self.at(path));
    }
}

fn fresh_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "ordinal-oracle-serve-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn copy_examples(to: &Path) {
    for e in std::fs::read_dir(root().join("examples")).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Running both sides.

#[derive(Debug, PartialEq)]
struct Answer {
    stdout: String,
    stderr: String,
    code: i32,
}

/// stderr without client-go's note on a frame that came before its stream was set up
/// ("Unknown stream id 1, discarding message": the exec session's first, empty message can beat
/// the client's goroutines; `crates/server/tests/streams.rs` drops it the same way).
fn without_stream_race(stderr: &str) -> String {
    stderr
        .split_inclusive('\n')
        .filter(|l| !l.contains("Unknown stream id"))
        .collect()
}

/// klog's header (`W1207 12:00:00.123456   42 `: severity, date, time, thread id) differs on
/// every run: cut each such line down to its source location.
fn klog_cut(stderr: &str) -> String {
    stderr
        .split_inclusive('\n')
        .map(|l| {
            let b = l.as_bytes();
            let klog = b.len() > 22
                && matches!(b[0], b'I' | b'W' | b'E' | b'F')
                && b[1..5].iter().all(u8::is_ascii_digit)
                && b[5] == b' ';
            match (klog, l.find("] ")) {
                (true, Some(end)) => {
                    let head = &l[..end];
                    let file = head.rsplit(' ').next().unwrap_or("");
                    format!("{}{file}{}", &l[..1], &l[end..])
                }
                _ => l.to_string(),
            }
        })
        .collect()
}

/// How long one real kubectl may take before it counts as hung.
const KUBECTL_TIMEOUT: Duration = Duration::from_secs(8);

/// Real kubectl, in an empty environment but for `KUBECONFIG` (the server's) and `HOME` (a
/// directory of this server's own, so its discovery cache, `~/.kube/cache`, is fresh). Not
/// `--kubeconfig`/`--cache-dir`: flags before the verb change kubectl's answer to an unknown
/// command ("flags cannot be placed before plugin name").
fn theirs(
    bin: &Path,
    kubeconfig: &Path,
    home: &Path,
    cwd: &Path,
    args: &[String],
    editor_env: &[(String, String)],
) -> Answer {
    // `kubectl edit`'s temp files (a kept copy stays) go to a directory of the harness's own,
    // which its messages then name as the machine's `/tmp`.
    let tmp = home.with_file_name("tmp");
    let _ = std::fs::create_dir_all(&tmp);
    let tmp_named = |s: String| {
        s.replace(
            &format!("{}/kubectl-edit-", tmp.display()),
            "/tmp/kubectl-edit-",
        )
    };
    let mut child = Command::new(bin)
        .args(args)
        .current_dir(cwd)
        .env_clear()
        .env("HOME", home)
        .env("KUBECONFIG", kubeconfig)
        .env("PATH", "/usr/bin:/bin")
        .env("TMPDIR", &tmp)
        .envs(editor_env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read both pipes on threads, so a chatty kubectl never blocks on a full pipe.
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let ro = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut so, &mut v).ok();
        v
    });
    let re = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut se, &mut v).ok();
        v
    });
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if started.elapsed() > KUBECTL_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = temp_names_cut(&tmp_named(
        String::from_utf8_lossy(&ro.join().unwrap()).into_owned(),
    ));
    let mut stderr = temp_names_cut(&tmp_named(klog_cut(&without_stream_race(
        &String::from_utf8_lossy(&re.join().unwrap()),
    ))));
    let code = match status {
        Some(s) => s.code().unwrap_or(-1),
        None => {
            stderr.push_str(&format!("[oracle: killed after {KUBECTL_TIMEOUT:?}]\n"));
            -9
        }
    };
    Answer {
        stdout,
        stderr,
        code,
    }
}

// ---------------------------------------------------------------------------------------------
// The store after both writes.

/// An object as compared: without what legitimately differs between two API clients' writes
/// (`managedFields`, which names the manager; the last-applied annotation, compared parsed
/// since its key order is the client's serializer's).
fn normalized(o: &ordinal_sim::Object) -> Value {
    let mut v = o.to_value();
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("managedFields");
        if let Some(a) = m.get_mut("annotations").and_then(Value::as_object_mut) {
            let key = "kubectl.kubernetes.io/last-applied-configuration";
            if let Some(Value::String(s)) = a.get(key) {
                let parsed = serde_json::from_str::<Value>(s).unwrap_or(Value::String(s.clone()));
                a.insert(key.into(), parsed);
            }
        }
    }
    v
}

fn store(c: &Cluster) -> BTreeMap<(String, String, String), Value> {
    let mut m = BTreeMap::new();
    for k in Kind::ALL {
        for o in c.list(k, None) {
            m.insert(
                (
                    k.name().to_string(),
                    o.namespace().to_string(),
                    o.name().to_string(),
                ),
                normalized(&o),
            );
        }
    }
    m
}

/// The objects that differ, as `Kind ns/name: path: ours → theirs` lines.
fn store_diff(ours: &Cluster, theirs: &Cluster) -> Vec<String> {
    let (a, b) = (store(ours), store(theirs));
    let keys: BTreeSet<_> = a.keys().chain(b.keys()).cloned().collect();
    let mut out = Vec::new();
    for k in keys {
        let name = format!("{} {}/{}", k.0, k.1, k.2);
        match (a.get(&k), b.get(&k)) {
            (Some(x), Some(y)) if x != y => {
                let mut paths = Vec::new();
                value_diff("", x, y, &mut paths);
                for p in paths.into_iter().take(6) {
                    out.push(format!("{name}: {p}"));
                }
            }
            (Some(_), None) => out.push(format!("{name}: only in ours")),
            (None, Some(_)) => out.push(format!("{name}: only in theirs")),
            _ => {}
        }
    }
    out
}

fn value_diff(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let p = format!("{path}.{k}");
                match (x.get(k), y.get(k)) {
                    (Some(a), Some(b)) => value_diff(&p, a, b, out),
                    (a, b) => out.push(format!("{p}: {a:?} → {b:?}")),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (a, b)) in x.iter().zip(y).enumerate() {
                value_diff(&format!("{path}[{i}]"), a, b, out);
            }
        }
        _ if a != b => out.push(format!("{path}: {a} → {b}")),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Comparing outputs.

fn line_diff(what: &str, ours: &str, theirs: &str, out: &mut Vec<String>) {
    if ours == theirs {
        return;
    }
    let (a, b): (Vec<&str>, Vec<&str>) = (ours.lines().collect(), theirs.lines().collect());
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i), b.get(i));
        if x != y {
            out.push(format!(
                "  {what} line {}:\n    ours:    {}\n    kubectl: {}",
                i + 1,
                x.map_or("<none>".into(), |s| format!("{s:?}")),
                y.map_or("<none>".into(), |s| format!("{s:?}")),
            ));
        }
    }
    if a == b {
        out.push(format!(
            "  {what}: same lines, different line endings ({:?} vs {:?})",
            ours.chars().last(),
            theirs.chars().last()
        ));
    }
}

fn diff(ours: &Answer, theirs: &Answer) -> Vec<String> {
    let mut out = Vec::new();
    line_diff("stdout", &ours.stdout, &theirs.stdout, &mut out);
    line_diff("stderr", &ours.stderr, &theirs.stderr, &mut out);
    if ours.code != theirs.code {
        out.push(format!(
            "  exit code: ours {}, kubectl {}",
            ours.code, theirs.code
        ));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// One transcript.

#[derive(Default)]
struct Tally {
    transcripts: usize,
    lines: usize,
    compared: usize,
    identical: usize,
    /// (transcript, line) → the differences seen.
    differences: BTreeMap<(String, String), Vec<String>>,
    /// (transcript, line) → how many times it differed (a line may repeat in a transcript).
    occurrences: BTreeMap<(String, String), usize>,
    store_differences: BTreeMap<(String, String), Vec<String>>,
    problems: Vec<String>,
}

fn replay(bin: &Path, path: &Path, tally: &mut Tally) {
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).unwrap();
    let Transcript {
        seed, gates, body, ..
    } = Transcript::parse(&text).unwrap();
    let stem = file.trim_end_matches(".txt");
    let dir = fresh_dir(stem);
    let work = dir.join("work");
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    copy_examples(&work);

    let handle = ordinal_server::start(Config {
        port: 0,
        seed,
        gates: gates.clone(),
        clock: ClockMode::Virtual,
        ..Config::default()
    })
    .unwrap();
    let kubeconfig = dir.join("kubeconfig");
    std::fs::write(&kubeconfig, handle.kubeconfig()).unwrap();
    // The golden state, as `ordinal run` starts it. The harness keeps it: the server gets a
    // copy for each comparable line, so nothing a server thread does (a watch whose client just
    // left) can touch it.
    let mut golden = Cluster::with_feature_gates(seed, gates.clone());

    let mut session = ordinal_cli::new_session(Box::new(DirFiles { dir: work.clone() }));
    // The golden transcript is consumed as each line's output is checked against it.
    let mut rest: &str = body;
    tally.transcripts += 1;
    loop {
        let prompt = session.prompt();
        // The next input line.
        let Some(after) = rest.strip_prefix(prompt.as_str()) else {
            if !rest.is_empty() {
                tally.problems.push(format!(
                    "{file}: expected a {prompt:?} line at {:?}",
                    rest.lines().next()
                ));
            }
            break;
        };
        let (line, tail) = after.split_once('\n').unwrap_or((after, ""));
        rest = tail;
        tally.lines += 1;
        let args = if session.attached() {
            None
        } else {
            comparable(line, &session.env())
        };
        let out = match &args {
            None => session.input(&mut golden, line, Mode::Script),
            Some((args, editor_env)) => {
                handle.shared.lock().cluster = golden.clone();
                handle.shared.notify();
                let out = session.input(&mut golden, line, Mode::Script);
                let ours = Answer {
                    stdout: temp_names_cut(&out.stdout()),
                    stderr: temp_names_cut(&klog_cut(&out.stderr())),
                    code: out.status,
                };
                let theirs = theirs(bin, &kubeconfig, &home, &work, args, editor_env);
                let store = store_diff(&golden, &handle.shared.lock().cluster);
                tally.compared += 1;
                let d = diff(&ours, &theirs);
                let key = (file.clone(), line.to_string());
                if d.is_empty() {
                    tally.identical += 1;
                } else {
                    *tally.occurrences.entry(key.clone()).or_default() += 1;
                    tally.differences.entry(key.clone()).or_default().extend(d);
                }
                if !store.is_empty() {
                    tally
                        .store_differences
                        .entry(key)
                        .or_default()
                        .extend(store);
                }
                out
            }
        };
        // Ours must print the golden output (the same check as `transcripts.rs`, per line).
        let mut text = out.text();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        match rest.strip_prefix(text.as_str()) {
            Some(r) => rest = r,
            None => {
                tally.problems.push(format!(
                    "{file}: `{line}`: ours printed {:?}, the transcript has {:?}",
                    text,
                    &rest[..rest.len().min(text.len() + 40)]
                ));
                break;
            }
        }
    }
    handle.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn transcripts_through_real_kubectl() {
    let Some(bin) = kubectl() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "oracle: kubectl v1.33 is not installed (set ORDINAL_KUBECTL, or scripts/setup.sh \
             installs .tools/kubectl-v1.33/kubectl), and CI must compare"
        );
        eprintln!(
            "oracle_serve: skipped: kubectl v1.33 is not installed (scripts/setup.sh installs it)"
        );
        return;
    };
    let dir = root().join("tests/transcripts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    // ORDINAL_ORACLE_ONLY=NN runs the transcripts whose name starts with NN (development).
    let only = std::env::var("ORDINAL_ORACLE_ONLY").ok();
    let mut tally = Tally::default();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy();
        if only.as_deref().is_some_and(|o| !name.starts_with(o)) {
            continue;
        }
        replay(&bin, f, &mut tally);
    }

    let mut failures = tally.problems.clone();
    let mut by_category: BTreeMap<Category, usize> = BTreeMap::new();
    let mut used = BTreeSet::new();
    for ((file, line), d) in &tally.differences {
        match EXCEPTIONS
            .iter()
            .position(|(f, l, _)| matches(f, file) && matches(l, line))
        {
            Some(i) => {
                used.insert(i);
                let n = tally.occurrences.get(&(file.clone(), line.clone()));
                *by_category.entry(EXCEPTIONS[i].2).or_default() += n.copied().unwrap_or(1);
            }
            None => failures.push(format!("{file}: $ {line}\n{}", d.join("\n"))),
        }
    }
    if only.is_none() {
        for (i, (f, l, c)) in EXCEPTIONS.iter().enumerate() {
            if !used.contains(&i) {
                failures.push(format!(
                    "listed exception ({c:?}) no longer occurs: {f}: {l}"
                ));
            }
        }
    }
    for ((file, line), d) in &tally.store_differences {
        eprintln!(
            "oracle_serve: store after {file}: {line}\n  {}",
            d.join("\n  ")
        );
    }
    eprintln!(
        "oracle_serve: {} transcripts, {} lines, {} compared through kubectl v1.33, {} identical, listed exceptions (lines) by category: {:?}, store differences after {} lines",
        tally.transcripts,
        tally.lines,
        tally.compared,
        tally.identical,
        by_category,
        tally.store_differences.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
