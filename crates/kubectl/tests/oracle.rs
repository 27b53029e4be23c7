//! Ours against a real kubectl v1.33 (the oracle), byte for byte, for what kubectl answers
//! without a server: `create secret generic|docker-registry`, `create namespace` and `create
//! deployment` with
//! `--dry-run=client` and `-o yaml|json|name` (or its message), and the `--dry-run` errors and
//! deprecation warnings; flag and argument errors; and `kubectl VERB --help` (listed as
//! exceptions: the playground's help is its own). `scripts/setup.sh` installs the oracle into
//! `.tools/kubectl-v1.33/kubectl`; without it the test says it skipped.
//!
//! The oracle is pointed at `http://127.0.0.1:1` (by a kubeconfig), so anything that does contact a
//! server fails loudly rather than reading a real cluster. `kubectl run --dry-run=client` is not
//! here for that reason: it asks the server for its resource mappings first.

use ordinal_kubectl::session::MemFiles;
use ordinal_kubectl::Env;
use ordinal_sim::Cluster;
use std::path::{Path, PathBuf};
use std::process::Command;

fn oracle() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/kubectl-v1.33/kubectl")
}

/// The command lines compared (words split on spaces; no word here has one).
const LINES: &[&str] = &[
    "create secret generic s --from-literal=a=b --dry-run=client -o yaml",
    "create secret generic s --from-literal=a=b --dry-run=client -o json",
    "create secret generic s --from-literal=a=b --dry-run=client -o name",
    "create secret generic s --from-literal=a=b --dry-run=client",
    "create secret generic db -n prod --from-literal=user=admin --from-literal=pass=<&> --type=x/y --dry-run=client -o json",
    "create secret generic db -n prod --from-literal=user=admin --from-literal=pass=<&> --type=x/y --dry-run=client -o yaml",
    "create secret generic empty --dry-run=client -o yaml",
    "create secret generic empty --dry-run=client -o json",
    "create secret docker-registry r --docker-username=u --docker-password=p --dry-run=client -o yaml",
    "create secret docker-registry r --docker-username=u --docker-password=p --dry-run=client -o json",
    "create secret docker-registry r --docker-server=reg.example:5000 --docker-username=me --docker-password=p<w>&x --docker-email=me@example.com --dry-run=client -o yaml",
    "create secret docker-registry r --docker-username=u --docker-password=p --dry-run=client -o name",
    "create secret docker-registry r --docker-username=u --docker-password=p --dry-run=client",
    "create namespace x --dry-run=client -o yaml",
    "create namespace x --dry-run=client -o json",
    "create namespace x --dry-run=client -o name",
    "create namespace x --dry-run=client",
    "create ns x --dry-run=client -o yaml",
    "create namespace x --dry-run=sometimes",
    "create secret generic s --from-literal=a=b --dry-run=maybe -o yaml",
    "create namespace x --dry-run",
    "create namespace x --dry-run=true -o yaml",
    "create namespace x --dry-run=T",
    "create secret generic s --from-literal=a=b --dry-run=client -o wide",
    "create namespace x --dry-run=client -o table",
    "create deployment x --image=nginx --dry-run=client -o yaml",
    "create deployment x --image=nginx --dry-run=client -o json",
    "create deployment x --image=nginx --dry-run=client -o name",
    "create deployment x --image=nginx --dry-run=client",
    "create deploy web --image=nginx:1.25 --image=busybox:1.28 --replicas=3 --port=80 --dry-run=client -o yaml",
    "create deployment web --image=nginx:1.25,registry.k8s.io/nginx-slim:0.24 -r 2 --dry-run=client -o json",
    "create deployment sleeper --image=busybox:1.28 --port=8080 --dry-run=client -o yaml -- sleep 3600",
    "create deployment sleeper --image=busybox:1.28 --dry-run=client -o json -- sh -c date",
    "create deployment x --image=nginx -n prod --replicas=0 --port=-1 --dry-run=client -o yaml",
    "create deployment x --image= --dry-run=client -o yaml",
    "create deployment x --image=nginx --dry-run=client --save-config -o yaml",
    "create deployment x --image=nginx --dry-run=client --save-config -o json",
    "create deployment x --image=nginx --dry-run",
    "create deployment x --image=nginx --dry-run=client -o wide",
];

/// Flag and argument errors kubectl answers before it contacts a server.
const FLAG_ERRORS: &[&str] = &[
    // A flag no command has, for every v1.33 verb and subcommand the playground runs (the
    // hint names the deepest command, as cobra finds it); those it lacks say so first.
    "create --bogus",
    "expose --bogus",
    "run --bogus",
    "explain --bogus",
    "delete --bogus",
    "rollout --bogus",
    "scale --bogus",
    "cluster-info --bogus",
    "top --bogus",
    "cordon --bogus",
    "uncordon --bogus",
    "drain --bogus",
    "taint --bogus",
    "describe --bogus",
    "logs --bogus",
    "attach --bogus",
    "exec --bogus",
    "port-forward --bogus",
    "cp --bogus",
    "auth --bogus",
    "events --bogus",
    "diff --bogus",
    "apply --bogus",
    "patch --bogus",
    "replace --bogus",
    "wait --bogus",
    "label --bogus",
    "annotate --bogus",
    "api-versions --bogus",
    "config --bogus",
    "plugin --bogus",
    "create deployment --bogus",
    "create namespace --bogus",
    "create secret --bogus",
    "rollout history --bogus",
    "rollout pause --bogus",
    "rollout restart --bogus",
    "rollout resume --bogus",
    "rollout status --bogus",
    "rollout undo --bogus",
    "config current-context --bogus",
    "config get-contexts --bogus",
    "config view --bogus",
    "auth can-i --bogus",
    "auth reconcile --bogus",
    "auth whoami --bogus",
    "plugin list --bogus",
    "create secret generic --bogus",
    "create secret docker-registry --bogus",
    "get --bogus",
    "get -n",
    "get pods --selector",
    "get pods -w=maybe",
    "scale sts web",
    "scale --replicas=x sts web",
    "scale sts web --replicas=-1",
    "scale sts web --replicas=9223372036854775808",
    "delete",
    "delete pod x --grace-period=abc",
    "logs",
    "rollout bogus",
    "exec web-0",
    "cp",
    "cp a",
    "cp a b",
    "cp a/b/c:x y",
    "cp :x y",
    "cp a b:",
    "cp web:/a web:/b",
    "cp --retries=x a b:/c",
    "cp --retries=99999999999999999999 a b:/c",
    "cp --bogus a b:/c",
    "cp nope-no-such-file.txt web:/tmp",
    "label",
    "annotate",
    "cordon",
    "drain",
    "describe",
    "patch sts web",
    "create",
    "apply",
    "run x",
    "version --bogus",
    "api-resources --bogus",
    "gte pods",
    "zzzqqq",
    "create deployment x",
    "create deployment --image=nginx",
    "create deployment a b --image=nginx",
    "create deployment x --image=nginx -r abc",
    "create deployment x --image=nginx --replicas=99999999999",
    "create deployment x --image=nginx --port=abc",
    "create deployment x --image=nginx --image=busybox --dry-run=client -- sleep 1",
    "create deployment x --image=nginx --bogus",
    "port-forward",
    "port-forward web-0",
    "port-forward --pod-running-timeout=x web-0 8080",
    "port-forward --pod-running-timeout=0 web-0 8080",
    "port-forward --bogus web-0 8080",
    "edit",
    "edit --bogus",
    "edit -l app=nginx sts",
    "edit sts/web sts",
    "edit -f nope.yaml sts/web",
    "set",
    "set --bogus",
    "set -x image",
    "set -n",
    "set -n default",
    "set bogus",
    "set image --bogus",
    "set image -x",
    "set env --bogus",
    "set resources --bogus",
    "set selector --bogus",
    "set serviceaccount --bogus",
    "set sa --bogus",
    "set subject --bogus",
    "set image --field-manager",
    "set image -f",
    "set env -e",
    "set resources --limits",
    "set image",
    "set env",
    "set resources",
    "debug",
    "debug web-0",
    "debug --image=busybox",
    "debug web-0 --image=busybox --replace",
    "debug web-0 --image=busybox --same-node",
    "debug web-0 --image=busybox --set-image=a=b",
    "debug web-0 --image=Busybox",
    "debug web-0 --image=busybox --image-pull-policy=Sometimes",
    "debug web-0 --image=busybox --set-image=x --copy-to=c",
    "debug web-0 --copy-to=c --set-image=nginx=Bad",
    "debug web-0 --image=busybox --copy-to=c --target=nginx",
    "debug web-0 --image=busybox -t",
    "debug web-0 --image=busybox --target=nginx -t",
    "debug web-0 --image=busybox --profile=bogus",
    "debug web-0 --copy-to=c",
    "debug web-0 --copy-to=c -- sh",
    "debug web-0 --attach",
    "debug web-0 --bogus",
    "debug web-0 --image=busybox --custom=nope.json",
    "debug web-0 --image=busybox --dry-run=client",
    "debug web-0 --image=busybox --env=x",
    "debug --image=busybox -q",
];

/// The verbs whose `kubectl VERB --help` is compared.
const HELP_VERBS: &[&str] = &[
    "get",
    "describe",
    "apply",
    "create",
    "delete",
    "scale",
    "patch",
    "label",
    "annotate",
    "logs",
    "exec",
    "cp",
    "run",
    "rollout",
    "wait",
    "drain",
    "cordon",
    "uncordon",
    "version",
    "api-resources",
    "cluster-info",
    "config",
    "edit",
    "set",
    "set env",
    "set image",
    "set resources",
    "set selector",
    "set serviceaccount",
    "set sa",
    "set subject",
    "debug",
];

/// Lines whose difference is listed, with why. Each must still differ.
const EXCEPTIONS: &[(&str, &str)] = &[
    (
        "* --help",
        "the playground's help is its own text for a learner: a summary of what the verb does \
         here, its examples, and a Usage line naming only the flags it supports, with no \
         Options section (the oracle's runs to hundreds of lines for flags the playground lacks); \
         `set` and its subcommands excepted: their help is kubectl's own, word for word",
    ),
    (
        "get pods -w=maybe",
        "the playground's flag parser reads `-w=…` as bundled short flags; pflag gives a \
         shorthand bool flag its value after `=` (a parser change, not a wording one)",
    ),
];

fn listed(line: &str) -> Option<usize> {
    EXCEPTIONS
        .iter()
        .position(|(p, _)| match p.strip_prefix('*') {
            // `set`'s help is kubectl's own: never an exception.
            Some(suffix) => line.ends_with(suffix) && !line.starts_with("set"),
            None => *p == line,
        })
}

/// (stdout, stderr, exit status), with a klog line's header (its time and process id, which
/// differ on every run) cut down to its source location.
type Answer = (String, String, i32);

fn klog_header_cut(stderr: &str) -> String {
    stderr
        .split_inclusive('\n')
        .map(|l| match l.find(" helpers.go:") {
            Some(i) if l.starts_with('W') => &l[i + 1..],
            _ => l,
        })
        .collect()
}

fn theirs(bin: &Path, line: &str) -> Answer {
    let home = std::env::temp_dir().join("ordinal-oracle-home");
    std::fs::create_dir_all(&home).unwrap();
    // The server is named by a kubeconfig, not `--server`: a flag before the verb changes
    // kubectl's answer to an unknown command, and one after a flag that takes a value is
    // taken as that value.
    let kubeconfig = home.join("closed-port.kubeconfig");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: http://127.0.0.1:1\n  name: closed\ncontexts:\n- context:\n    cluster: closed\n    namespace: default\n  name: closed\ncurrent-context: closed\nusers: []\n",
    )
    .unwrap();
    let out = Command::new(bin)
        .args(line.split(' '))
        .env_clear()
        .env("HOME", &home)
        .env("KUBECONFIG", &kubeconfig)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        klog_header_cut(&String::from_utf8(out.stderr).unwrap()),
        out.status.code().unwrap_or(-1),
    )
}

fn ours(line: &str) -> Answer {
    let mut c = Cluster::new(1);
    let files = MemFiles::default();
    let env = Env {
        namespace: "default",
        files: &files,
        stdin: "",
        interactive_shells: false,
    };
    let args: Vec<String> = line.split(' ').map(String::from).collect();
    let rv = c.resource_version();
    let out = ordinal_kubectl::run(&mut c, &args, &env);
    assert_eq!(c.resource_version(), rv, "{line}: a client dry run wrote");
    (out.stdout(), klog_header_cut(&out.stderr()), out.status)
}

#[test]
fn client_side_output_is_kubectls() {
    let bin = oracle();
    if !bin.exists() {
        // CI's test command always installs it: there, a missing oracle is a failure.
        assert!(
            std::env::var_os("CI").is_none(),
            "oracle: {} is not installed, and CI must compare (scripts/setup.sh installs it)",
            bin.display()
        );
        eprintln!(
            "oracle: skipped: {} is not installed (scripts/setup.sh installs it)",
            bin.display()
        );
        return;
    }
    let mut differ = Vec::new();
    for line in LINES {
        let (want, got) = (theirs(&bin, line), ours(line));
        if want != got {
            differ.push(format!(
                "$ kubectl {line}\n--- kubectl v1.33\n{want:#?}\n--- ours\n{got:#?}"
            ));
        }
    }
    // Flag errors and help: compared the same way; a listed line must still differ.
    let help: Vec<String> = HELP_VERBS.iter().map(|v| format!("{v} --help")).collect();
    let more: Vec<&str> = FLAG_ERRORS
        .iter()
        .copied()
        .chain(help.iter().map(String::as_str))
        .collect();
    let mut identical = LINES.len();
    let mut excepted = 0;
    let mut used = std::collections::BTreeSet::new();
    for line in &more {
        let (want, got) = (theirs(&bin, line), ours(line));
        match (want == got, listed(line)) {
            (true, None) => identical += 1,
            (true, Some(_)) => differ.push(format!(
                "$ kubectl {line}: listed as an exception, but now identical to kubectl v1.33"
            )),
            (false, Some(i)) => {
                used.insert(i);
                excepted += 1;
            }
            (false, None) => differ.push(format!(
                "$ kubectl {line}\n--- kubectl v1.33\n{want:#?}\n--- ours\n{got:#?}"
            )),
        }
    }
    for (i, (p, _)) in EXCEPTIONS.iter().enumerate() {
        if !used.contains(&i) {
            differ.push(format!("exception {p:?} no longer matches any difference"));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n\n"));
    eprintln!(
        "oracle: {} command lines ({} dry runs, {} flag errors, {} --help): {identical} identical to kubectl v1.33, {excepted} listed exceptions",
        LINES.len() + more.len(),
        LINES.len(),
        FLAG_ERRORS.len(),
        HELP_VERBS.len(),
    );
}
