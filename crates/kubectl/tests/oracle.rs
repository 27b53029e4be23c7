//! Ours against a real kubectl v1.33 (the oracle), byte for byte, for what kubectl answers
//! without a server: `create secret generic|docker-registry` and `create namespace` with
//! `--dry-run=client` and `-o yaml|json|name` (or its message), and the `--dry-run` errors and
//! deprecation warnings. `scripts/setup.sh` installs the oracle into
//! `.tools/kubectl-v1.33/kubectl`; without it the test says it skipped.
//!
//! The oracle is pointed at `--server=http://127.0.0.1:1`, so anything that does contact a
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
];

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
    let out = Command::new(bin)
        .arg("--server=http://127.0.0.1:1")
        .args(line.split(' '))
        .env_clear()
        .env("HOME", &home)
        .env("KUBECONFIG", home.join("no-config"))
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
    assert!(differ.is_empty(), "{}", differ.join("\n\n"));
    eprintln!(
        "oracle: {} command lines, identical to kubectl v1.33",
        LINES.len()
    );
}
