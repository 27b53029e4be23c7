//! Session → Export → "Script for kind": the session as a bash script that replays it on a
//! real kind cluster. A kind config with the playground's nodes (one control plane, its
//! workers) and feature gates; the editor's `web.yaml` each time it was applied (a
//! here-document); the session's commands in order. Where the playground let simulated time
//! pass between two inputs, the script waits for what had happened by then (`kubectl rollout
//! status`, `kubectl wait`, else a `sleep`); a watch stopped with Ctrl-C runs as long under
//! `timeout`; lines typed into an attached shell become its standard input; a `kubectl edit`
//! gets the text that was saved through `KUBE_EDITOR`. The playground's own commands (`why`)
//! become comments.
//!
//! To know what happened between inputs it replays the record on a fresh [`Engine`], as a
//! reload does; nothing else is read, so the same record always gives the same script.

use crate::engine::{Engine, Op, Recorded, MANIFEST_FILE, NAMESPACE};
use ordinal_sim::api::{Node, Pod, StatefulSet};
use ordinal_sim::{why, Cluster, Kind};
use std::collections::BTreeMap;

/// The file name the download gets.
pub const FILE_NAME: &str = "ordinal-session.sh";
/// Commands of the learner's terminal that only the playground has.
const PLAYGROUND_ONLY: &[&str] = &["why"];
/// A gap shorter than this between two inputs is not waited for.
const MIN_GAP_MS: u64 = 1_000;
/// Longest `sleep` written for a gap in which nothing could be waited for.
const MAX_SLEEP_S: u64 = 60;

/// What the cluster showed at one moment: what a wait can name.
#[derive(Default)]
struct Snapshot {
    /// Pods with names a real cluster gives too (not a ReplicaSet's): uid and Ready.
    pods: BTreeMap<String, (String, bool)>,
    /// `statefulset/NAME` or `deployment/NAME`: its rollout is complete.
    rollouts: BTreeMap<String, bool>,
    /// The StatefulSets whose pods a rollout status covers (not OnDelete).
    covers: BTreeMap<String, String>,
    resource_version: u64,
}

fn snapshot(c: &Cluster) -> Snapshot {
    let mut s = Snapshot {
        resource_version: c.resource_version(),
        ..Default::default()
    };
    for p in c.list_as::<Pod>(Some(NAMESPACE)) {
        let by_replica_set = p
            .metadata
            .controller_ref()
            .is_some_and(|o| o.kind == "ReplicaSet");
        if by_replica_set || p.is_terminating() {
            continue;
        }
        s.pods.insert(
            p.metadata.name.clone(),
            (p.metadata.uid.clone(), p.is_running_and_ready()),
        );
    }
    for set in c.list_as::<StatefulSet>(Some(NAMESPACE)) {
        let name = &set.metadata.name;
        let done = why::stateful_set(c, NAMESPACE, name).is_ok_and(|w| !w.waiting);
        let on_delete = set
            .spec
            .update_strategy
            .as_ref()
            .is_some_and(|u| u.type_.as_deref() == Some("OnDelete"));
        if !on_delete {
            s.rollouts.insert(format!("statefulset/{name}"), done);
            for p in c.list_as::<Pod>(Some(NAMESPACE)) {
                if p.metadata
                    .controller_ref()
                    .is_some_and(|o| o.uid == set.metadata.uid)
                {
                    s.covers
                        .insert(p.metadata.name.clone(), format!("statefulset/{name}"));
                }
            }
        }
    }
    for d in c.list(Kind::Deployment, Some(NAMESPACE)) {
        let name = d.name();
        let done = why::deployment(c, NAMESPACE, name).is_ok_and(|w| !w.waiting);
        s.rollouts.insert(format!("deployment/{name}"), done);
    }
    s
}

/// The waits that bring a real cluster from `a` to where `b` is: rollouts that completed,
/// pods that became Ready (not already covered by their set's rollout), pods that went.
fn waits(a: &Snapshot, b: &Snapshot) -> Vec<String> {
    let mut out = Vec::new();
    let mut done = Vec::new();
    for (w, complete) in &b.rollouts {
        if *complete && a.rollouts.get(w) != Some(&true) {
            out.push(format!("kubectl rollout status {w} --timeout=10m"));
            done.push(w.as_str());
        }
    }
    for (name, (uid, ready)) in &b.pods {
        let was = a.pods.get(name);
        let became = *ready && was.is_none_or(|(u, r)| u != uid || !r);
        let covered = b
            .covers
            .get(name)
            .is_some_and(|w| done.contains(&w.as_str()));
        if became && !covered {
            // A pod the real cluster may not have made yet: kubectl wait needs it to exist.
            if was.is_none() {
                out.push(format!("kubectl wait --for=create pod/{name} --timeout=5m"));
            }
            out.push(format!(
                "kubectl wait --for=condition=Ready pod/{name} --timeout=5m"
            ));
        }
    }
    for name in a.pods.keys() {
        if !b.pods.contains_key(name) {
            out.push(format!("kubectl wait --for=delete pod/{name} --timeout=5m"));
        }
    }
    out
}

/// How a line that was still running when the next input came is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wrap {
    None,
    /// Stopped (Ctrl-C, a lesson reset, the session's end) after this many seconds.
    Timeout(u64),
    /// Other inputs came while it ran: it runs in the background, killed at its Ctrl-C.
    Background,
}

enum Piece {
    Text(String),
    Line {
        text: String,
        at: u64,
        wrap: Wrap,
        /// Lines typed into the shell it attached.
        stdin: Vec<String>,
        /// `kubectl edit`'s saved text (`None`: cancelled), when its editor closed.
        edit: Option<Option<String>>,
    },
}

/// A word as bash reads it back unchanged.
pub fn quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./:=,@%+-".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// A here-document of `text` (its delimiter never a line of it), after `head` (`cat > F`).
fn heredoc(head: &str, text: &str) -> String {
    let mut tag = "EOF".to_string();
    let mut n = 0;
    while text.lines().any(|l| l == tag) {
        n += 1;
        tag = format!("EOF{n}");
    }
    let mut body = text.to_string();
    if !body.ends_with('\n') {
        body.push('\n');
    }
    format!("{head} <<'{tag}'\n{body}{tag}\n")
}

/// The first word of a line, if it names one of the playground's own commands.
fn playground_only(line: &str) -> bool {
    line.split_whitespace()
        .next()
        .is_some_and(|w| PLAYGROUND_ONLY.contains(&w))
}

/// A line that bash can put `timeout N` in front of: one plain command.
fn simple(line: &str) -> bool {
    !line.contains(|c: char| "|;&<>(){}$`\n\\".contains(c))
}

fn commented(line: &str) -> String {
    line.lines().map(|l| format!("# {l}\n")).collect()
}

/// Images the manifests name from a registry that exists only in the playground.
fn private_images(manifests: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in manifests {
        for l in m.lines() {
            let Some(image) = l.trim().trim_start_matches("- ").strip_prefix("image:") else {
                continue;
            };
            let image = image.trim().trim_matches(|c| c == '"' || c == '\'');
            let private = ordinal_sim::images::ImageRef::parse(image)
                .is_some_and(|r| !r.is_public_registry());
            if private && !out.iter().any(|i| i == image) {
                out.push(image.to_string());
            }
        }
    }
    out
}

fn kind_config(c: &Cluster) -> String {
    let mut s = String::from("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n");
    let gates = c.feature_gates().overrides();
    if !gates.is_empty() {
        s.push_str("featureGates:\n");
        for g in gates {
            let (k, v) = g.split_once('=').unwrap_or((&g, "true"));
            s.push_str(&format!("  {k}: {v}\n"));
        }
    }
    s.push_str("nodes:\n");
    let mut nodes: Vec<(bool, String)> = c
        .list_as::<Node>(None)
        .into_iter()
        .map(|n| {
            let cp = n
                .metadata
                .labels
                .contains_key("node-role.kubernetes.io/control-plane");
            (!cp, n.metadata.name.clone())
        })
        .collect();
    ordinal_sim::sort::sort(&mut nodes);
    for (worker, name) in nodes {
        let role = if worker { "worker" } else { "control-plane" };
        s.push_str(&format!("- role: {role} # {name}\n"));
    }
    s
}

const CREATE: &str = "kind create cluster --config kind-config.yaml --image kindest/node:";

/// The script for `record`, a session that ran until `now` (simulated ms).
pub fn script(record: &[Recorded], now: u64) -> String {
    let mut e = Engine::new();
    let mut pieces: Vec<Piece> = Vec::new();
    let mut manifests: Vec<String> = Vec::new();
    let mut written: Option<String> = None;
    // The line whose command may still run, and the line whose shell is attached.
    let mut running: Option<usize> = None;
    let mut attached: Option<usize> = None;
    let mut edits = 0;
    let mut after: Snapshot = snapshot(&e.cluster);
    let mut last_at = e.cluster.now().0;
    let config = kind_config(&e.cluster);
    for (i, r) in record.iter().enumerate() {
        e.advance_to(r.at);
        let busy = e.session.busy();
        // A line's command attached its shell while time ran (`kubectl run -it` once the
        // pod runs): what is typed next is that shell's input.
        if let Some(j) = running.filter(|_| e.session.attached() && attached.is_none()) {
            attached = Some(j);
        }
        let gap = r.at.saturating_sub(last_at);
        // What the time before this input did: a command still running is cut here (or runs
        // on in the background); otherwise the script waits for what the cluster reached.
        if let Some(j) = running.filter(|_| busy) {
            if let Piece::Line { wrap, at, .. } = &mut pieces[j] {
                match (&r.op, *wrap) {
                    (Op::Interrupt | Op::Reset(_), Wrap::Background) => {
                        pieces.push(Piece::Text("kill $! 2>/dev/null\n".into()));
                        running = None;
                    }
                    (Op::Interrupt | Op::Reset(_), _) => {
                        *wrap = Wrap::Timeout(r.at.saturating_sub(*at).div_ceil(1000).max(1));
                        running = None;
                    }
                    (Op::EditClosed(_), _) => {}
                    (_, _) => *wrap = Wrap::Background,
                }
            }
        } else if attached.is_none() && gap >= MIN_GAP_MS {
            let now_snap = snapshot(&e.cluster);
            let w = waits(&after, &now_snap);
            if !w.is_empty() {
                pieces.push(Piece::Text(w.join("\n") + "\n"));
            } else if now_snap.resource_version != after.resource_version {
                let s = gap.div_ceil(1000).min(MAX_SLEEP_S);
                pieces.push(Piece::Text(format!(
                    "sleep {s} # the playground let {} pass here\n",
                    ordinal_sim::time::human_duration(gap as i64)
                )));
            }
        }
        if !busy && running.is_some_and(|j| attached != Some(j)) {
            running = None;
        }
        let mut fresh = false;
        match &r.op {
            Op::Line(line) => {
                if let Some(j) = attached {
                    if let Piece::Line { stdin, .. } = &mut pieces[j] {
                        stdin.push(line.clone());
                    }
                    e.input(line);
                    if !e.session.attached() {
                        attached = None;
                    }
                } else if playground_only(line) {
                    pieces.push(Piece::Text(format!(
                        "{}  # the playground's own command: on a real cluster, kubectl describe and kubectl get events\n",
                        commented(line).trim_end()
                    )));
                    e.input(line);
                } else {
                    pieces.push(Piece::Line {
                        text: line.clone(),
                        at: r.at,
                        wrap: Wrap::None,
                        stdin: Vec::new(),
                        edit: None,
                    });
                    running = Some(pieces.len() - 1);
                    e.input(line);
                }
            }
            Op::Kubectl(args) => {
                let line = std::iter::once("kubectl".to_string())
                    .chain(args.iter().map(|a| quote(a)))
                    .collect::<Vec<_>>()
                    .join(" ");
                pieces.push(Piece::Text(format!("{line}\n")));
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                e.kubectl(&args);
            }
            Op::Manifest(text) => {
                e.sync_manifest(text);
                let last = !matches!(record.get(i + 1).map(|n| &n.op), Some(Op::Manifest(_)));
                if last && written.as_deref() != Some(text) {
                    pieces.push(Piece::Text(heredoc(
                        &format!("cat > {MANIFEST_FILE}"),
                        text,
                    )));
                    written = Some(text.clone());
                    manifests.push(text.clone());
                }
            }
            Op::Interrupt => {
                e.interrupt();
            }
            Op::Reset(setup) => {
                let first = pieces.is_empty()
                    || pieces
                        .iter()
                        .all(|p| matches!(p, Piece::Text(t) if t.starts_with("cat > ")));
                if !first {
                    pieces.push(Piece::Text(format!(
                        "# Reset lesson: a fresh cluster, built by the lesson's setup.\nkind delete cluster\n{CREATE}{}\n",
                        ordinal_sim::KUBERNETES_VERSION
                    )));
                }
                for l in setup {
                    pieces.push(Piece::Text(format!("{l}\n")));
                }
                running = None;
                attached = None;
                e.reset(setup);
                fresh = true;
            }
            Op::EditClosed(saved) => {
                if let Some(Piece::Line { edit, .. }) = running.and_then(|j| pieces.get_mut(j)) {
                    *edit = Some(saved.clone());
                }
                e.finish_edit(saved.clone());
            }
        }
        if let Some(j) = running {
            if e.session.attached() && attached.is_none() {
                attached = Some(j);
            }
        }
        after = if fresh {
            Snapshot::default()
        } else {
            snapshot(&e.cluster)
        };
        last_at = r.at;
    }
    // A command still running when the session ended.
    if let Some(j) = running.filter(|_| e.session.busy()) {
        if let Piece::Line { wrap, at, .. } = &mut pieces[j] {
            if *wrap == Wrap::None {
                *wrap = Wrap::Timeout(now.saturating_sub(*at).div_ceil(1000).clamp(1, 60));
            }
        }
    }

    let mut s = header(&private_images(&manifests));
    s.push_str(&heredoc("cat > kind-config.yaml", &config));
    s.push_str(&format!("{CREATE}{}\n", ordinal_sim::KUBERNETES_VERSION));
    s.push_str("# The playground's terminal knows k as kubectl.\nshopt -s expand_aliases\nalias k=kubectl\n\n");
    for p in pieces {
        match p {
            Piece::Text(t) => s.push_str(&t),
            Piece::Line {
                text,
                wrap,
                stdin,
                edit,
                ..
            } => {
                if let Some(saved) = &edit {
                    match saved {
                        Some(t) => {
                            edits += 1;
                            let file = format!("edit-{edits}.yaml");
                            s.push_str(&heredoc(&format!("cat > {file}"), t));
                            s.push_str(&format!(
                                "export KUBE_EDITOR={}\n",
                                quote(&format!("cp {file}"))
                            ));
                        }
                        None => s.push_str("export KUBE_EDITOR=true # the edit was cancelled\n"),
                    }
                }
                let line = match wrap {
                    Wrap::Timeout(secs) if simple(&text) => format!("timeout {secs}s {text}"),
                    Wrap::Timeout(secs) => format!("timeout {secs}s bash -c {}", quote(&text)),
                    Wrap::None | Wrap::Background => text.clone(),
                };
                let line = if wrap == Wrap::Background {
                    format!("{line} &")
                } else {
                    line
                };
                if stdin.is_empty() {
                    s.push_str(&line);
                    s.push('\n');
                } else {
                    let mut body = stdin.join("\n");
                    body.push('\n');
                    s.push_str(&heredoc(&line, &body));
                }
                if edit.is_some() {
                    s.push_str("unset KUBE_EDITOR\n");
                }
            }
        }
    }
    s
}

fn header(private: &[String]) -> String {
    let mut s = String::from(
        "#!/usr/bin/env bash
# An Ordinal session as a script for kind (https://kind.sigs.k8s.io): it makes a kind cluster
# like the playground's and replays the session on it, command by command.
# Needs docker, kind and kubectl v1.33. Run it in an empty directory: bash ordinal-session.sh
#
# What does not carry over:
# - Where the playground let simulated time pass between two inputs, the script waits for what
#   the cluster had reached by then (kubectl rollout status, kubectl wait) or sleeps.
# - A watch stopped with Ctrl-C runs as long under timeout; lines typed into an attached shell
#   are its input; a kubectl edit saves the text that was saved (KUBE_EDITOR).
# - The playground's own commands (why) are comments here.
# - docker stop/start of a node is kept: kind's nodes are docker containers too.
# - A Deployment's pod names and every IP come out differently on a real cluster.
",
    );
    s.push_str(
        "# - The playground's private registry is simulated: its images and credentials exist only
#   there. Push an image to a registry of your own, create its secret with your own credentials
#   (kubectl create secret docker-registry ...) and use that image in the manifest.
",
    );
    for image in private {
        s.push_str(&format!("#   This session uses {image}.\n"));
    }
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::{self, Block};
    use ordinal_shell::{Dialect, Host, Output, Shell, State};

    /// A host that runs nothing: it notes every kubectl command's words, keeps files, and
    /// treats `timeout N CMD…` and `bash -c TEXT` as the commands they run.
    #[derive(Default)]
    struct Recorder {
        kubectl: Vec<Vec<String>>,
        files: BTreeMap<String, String>,
        others: Vec<String>,
    }

    impl Host for Recorder {
        fn command(&mut self, _: &State, argv: &[String], stdin: &str) -> Output {
            // `timeout N CMD…` runs CMD.
            let mut argv = argv;
            while argv[0] == "timeout" && argv.len() > 2 {
                argv = &argv[2..];
            }
            match argv[0].as_str() {
                "kubectl" | "k" => self.kubectl.push(argv[1..].to_vec()),
                "cat" if argv.len() == 1 => return Output::out(stdin),
                "bash" if argv.get(1).map(String::as_str) == Some("-c") && argv.len() > 2 => {
                    let text = argv[2].clone();
                    let mut sh = Shell::new(Dialect::Bash);
                    return sh.run(self, &text);
                }
                other => self.others.push(other.to_string()),
            }
            Output::default()
        }
        fn read_file(&mut self, _: &State, path: &str) -> Result<String, String> {
            self.files
                .get(path)
                .cloned()
                .ok_or_else(|| "No such file or directory".to_string())
        }
        fn write_file(
            &mut self,
            _: &State,
            path: &str,
            content: &str,
            append: bool,
        ) -> Result<(), String> {
            let f = self.files.entry(path.to_string()).or_default();
            if !append {
                f.clear();
            }
            f.push_str(content);
            Ok(())
        }
        fn sleep(&mut self, _ms: u64) {}
        fn is_dir(&mut self, _: &State, _: &str) -> bool {
            false
        }
    }

    /// A lesson done through the engine as the page does it: Reset, then each step's Apply
    /// (the manifest as `web.yaml`, `kubectl apply -f web.yaml`) and Run lines, typed when the
    /// terminal is free; a watch is stopped with Ctrl-C after a minute. Between steps the
    /// learner reads for 30 s.
    fn lesson_session(id: &str) -> Engine {
        let lesson = lessons::all().into_iter().find(|l| l.id == id).unwrap();
        let mut e = Engine::new();
        // The editor's first text, as the page starts with it.
        e.sync_manifest(ordinal_kubectl::manifests::TUTORIAL_WEB_YAML);
        e.reset(&lesson.setup);
        for step in &lesson.steps {
            for b in &step.blocks {
                match b {
                    Block::Manifest(text) => {
                        e.sync_manifest(text);
                        e.kubectl(&["apply", "-f", MANIFEST_FILE]);
                    }
                    Block::Commands(lines) => {
                        for l in lines {
                            let mut waited = 0;
                            while e.session.busy() && waited < 60_000 {
                                let t = e.cluster.now().0 + 1_000;
                                e.advance_to(t);
                                waited += 1_000;
                            }
                            if e.session.busy() {
                                e.interrupt();
                            }
                            e.input(l);
                            let t = e.cluster.now().0 + 2_000;
                            e.advance_to(t);
                        }
                    }
                    _ => {}
                }
            }
            let t = e.cluster.now().0 + 30_000;
            e.advance_to(t);
            if e.session.busy() {
                e.interrupt();
            }
        }
        e.input("why web-0");
        e
    }

    /// The kubectl commands the session ran from its terminal, buttons and resets, each line
    /// read by the playground's own shell (lines typed into an attached container's shell
    /// are that shell's, not the terminal's).
    fn session_kubectl(record: &[Recorded]) -> Vec<Vec<String>> {
        let mut host = Recorder::default();
        let mut e = Engine::new();
        for r in record {
            e.advance_to(r.at);
            match &r.op {
                Op::Line(l) => {
                    if !e.session.attached() {
                        Shell::new(Dialect::Bash).run(&mut host, l);
                    }
                    e.input(l);
                }
                Op::Kubectl(a) => {
                    host.kubectl.push(a.clone());
                    let a: Vec<&str> = a.iter().map(String::as_str).collect();
                    e.kubectl(&a);
                }
                Op::Reset(setup) => {
                    for l in setup {
                        Shell::new(Dialect::Bash).run(&mut host, l);
                    }
                    e.reset(setup);
                }
                Op::Manifest(t) => e.sync_manifest(t),
                Op::Interrupt => {
                    e.interrupt();
                }
                Op::EditClosed(s) => {
                    e.finish_edit(s.clone());
                }
            }
        }
        host.kubectl
    }

    fn is_wait(argv: &[String]) -> bool {
        let a: Vec<&str> = argv.iter().map(String::as_str).collect();
        matches!(a.as_slice(), ["rollout", "status", _, t] if t.starts_with("--timeout="))
            || matches!(a.as_slice(), ["wait", f, _, t] if f.starts_with("--for=") && t.starts_with("--timeout="))
    }

    // The test: the exported script of a lesson's session, read back by the
    // playground's own shell, runs the session's kubectl commands in order; what it adds are
    // the waits where the playground let time pass. It starts as a bash script, makes kind's
    // cluster, writes web.yaml as applied, and leaves `why` as a comment.
    #[test]
    fn a_lessons_script_runs_the_same_kubectl_lines() {
        for id in ["basics", "rolling-updates", "node-failure"] {
            let e = lesson_session(id);
            let text = script(e.record(), e.cluster.now().0);
            let session = session_kubectl(e.record());
            assert!(session.len() > 3, "{id}: {session:?}");

            let mut host = Recorder::default();
            let out = Shell::new(Dialect::Bash).run(&mut host, &text);
            assert_eq!(out.stderr(), "", "{id}: the shell read it all\n{text}");
            let mut rest = host.kubectl.iter();
            let mut extra = Vec::new();
            for want in &session {
                loop {
                    let got = rest
                        .next()
                        .unwrap_or_else(|| panic!("{id}: {want:?} is missing from\n{text}"));
                    if got == want {
                        break;
                    }
                    extra.push(got.clone());
                }
            }
            extra.extend(rest.cloned());
            assert!(
                extra.iter().all(|a| is_wait(a)),
                "{id}: commands the session did not run: {extra:?}\n{text}"
            );
            assert!(!extra.is_empty(), "{id}: no wait at all\n{text}");
            assert!(text.starts_with("#!/usr/bin/env bash\n"), "{text}");
            assert!(text.contains(
                "kind create cluster --config kind-config.yaml --image kindest/node:v1.33.1\n"
            ));
            assert!(host.others.contains(&"kind".to_string()));
            assert_eq!(
                host.files.get("kind-config.yaml").map(String::as_str),
                Some("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane # kind-control-plane\n- role: worker # kind-worker\n- role: worker # kind-worker2\n")
            );
            assert!(
                text.contains("\n# why web-0  # the playground's own command"),
                "{text}"
            );
            assert!(!host.others.contains(&"why".to_string()));
        }
    }

    // Lesson 1 in detail: web.yaml as applied (with its private image named in the header),
    // the watch stopped with Ctrl-C under timeout, the attached shell's lines as its input,
    // and a wait for the set's rollout where the playground let it complete.
    #[test]
    fn the_first_lessons_script_in_detail() {
        let e = lesson_session("basics");
        let text = script(e.record(), e.cluster.now().0);
        assert!(
            text.contains(
                "#   This session uses registry.cn-hangzhou.aliyuncs.com/larswang/nginx:1.0.\n"
            ),
            "{text}"
        );
        let mut host = Recorder::default();
        Shell::new(Dialect::Bash).run(&mut host, &text);
        let applied = e
            .record()
            .iter()
            .rev()
            .find_map(|r| match &r.op {
                Op::Manifest(t) => Some(t.clone()),
                _ => None,
            })
            .unwrap();
        assert_eq!(host.files.get("web.yaml"), Some(&applied));
        assert!(
            text.lines()
                .any(|l| l.starts_with("timeout ")
                    && l.ends_with("s kubectl get pods -l app=nginx -w")),
            "{text}"
        );
        assert!(
            text.contains("kubectl run -i --tty --image busybox:1.28 dns-test --restart=Never --rm <<'EOF'\nnslookup web-0.nginx\nnslookup web-1.nginx\nexit\nEOF\n"),
            "{text}"
        );
        assert!(
            text.contains("kubectl rollout status statefulset/web --timeout=10m\n"),
            "{text}"
        );
    }

    // A kubectl edit saves through KUBE_EDITOR the text the learner saved; a button's command
    // is quoted; a heredoc's delimiter never appears in its body.
    #[test]
    fn edits_buttons_and_quoting() {
        let mut e = Engine::new();
        e.sync_manifest(ordinal_kubectl::manifests::K8S_IO_WEB_YAML);
        e.input("kubectl apply -f web.yaml");
        let t = e.cluster.now().0 + 120_000;
        e.advance_to(t);
        e.input("kubectl edit sts web");
        let saved = e
            .session
            .editing()
            .map(|s| s.buffer().replace("replicas: 2", "replicas: 3"))
            .expect("kubectl edit waits for its editor");
        e.finish_edit(Some(saved.clone()));
        e.kubectl(&["label", "pod", "web-0", "note=it's here"]);
        let text = script(e.record(), e.cluster.now().0);
        assert!(
            text.contains(&format!("cat > edit-1.yaml <<'EOF'\n{saved}")),
            "{text}"
        );
        assert!(
            text.contains(
                "export KUBE_EDITOR='cp edit-1.yaml'\nkubectl edit sts web\nunset KUBE_EDITOR\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("kubectl label pod web-0 'note=it'\\''s here'\n"),
            "{text}"
        );
        assert_eq!(heredoc("cat", "a\nEOF\n"), "cat <<'EOF1'\na\nEOF\nEOF1\n");
        let mut host = Recorder::default();
        Shell::new(Dialect::Bash).run(&mut host, &text);
        assert!(host.kubectl.contains(&vec![
            "label".to_string(),
            "pod".into(),
            "web-0".into(),
            "note=it's here".into()
        ]));
        assert_eq!(host.files.get("edit-1.yaml"), Some(&saved));
    }

    /// Prints a lesson's script, done as the tests do it: `ORDINAL_LESSON=<id> cargo test -p
    /// ordinal-web kind_script_of_a_lesson -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn kind_script_of_a_lesson() {
        let id = std::env::var("ORDINAL_LESSON").unwrap_or_else(|_| "basics".into());
        let e = lesson_session(&id);
        println!("{}", script(e.record(), e.cluster.now().0));
    }

    // bash itself reads the script without a syntax error (when the machine has bash).
    #[test]
    fn bash_parses_the_script() {
        let Ok(status) = std::process::Command::new("bash").arg("--version").output() else {
            eprintln!("no bash here: skipped");
            return;
        };
        assert!(status.status.success());
        let e = lesson_session("basics");
        let text = script(e.record(), e.cluster.now().0);
        let path = std::env::temp_dir().join(format!("ordinal-kind-{}.sh", std::process::id()));
        std::fs::write(&path, &text).unwrap();
        let out = std::process::Command::new("bash")
            .arg("-n")
            .arg(&path)
            .output()
            .unwrap();
        let _ = std::fs::remove_file(&path);
        assert!(
            out.status.success(),
            "{}\n{text}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
