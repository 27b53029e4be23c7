//! `ordinal --workers N`: the cluster of `run` (and the REPL, and `serve`) gets N kind workers,
//! so scripts can run scale scenarios; a bad count is refused before anything runs.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn ordinal(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ordinal"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ordinal starts");
    // A refused flag ends the process before it reads the script: the pipe may be closed.
    let _ = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes());
    child.wait_with_output().expect("ordinal ends")
}

fn node_names(stdout: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter(|l| l.starts_with("kind-"))
        .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
        .collect()
}

#[test]
fn workers_flag_sizes_the_cluster_of_a_script() {
    for args in [
        &["--workers", "5", "run", "-"][..],
        &["--workers=5", "run", "-"][..],
        &[
            "--feature-gates=MaxUnavailableStatefulSet=true",
            "--workers",
            "5",
            "run",
            "-",
        ][..],
    ] {
        let out = ordinal(args, "kubectl get nodes\n");
        assert!(out.status.success(), "{args:?}: {out:?}");
        assert_eq!(
            node_names(&out.stdout),
            [
                "kind-control-plane",
                "kind-worker",
                "kind-worker2",
                "kind-worker3",
                "kind-worker4",
                "kind-worker5"
            ],
            "{args:?}"
        );
    }
    // Without the flag: kind's two workers.
    let out = ordinal(&["run", "-"], "kubectl get nodes\n");
    assert_eq!(node_names(&out.stdout).len(), 3);
}

#[test]
fn workers_flag_lets_a_large_set_be_scheduled() {
    // 250 pods need three of kind's 110-pod kubelets: with two workers 30 stay Pending.
    let script =
        "kubectl create deployment big --image=registry.k8s.io/nginx-slim:0.21 --replicas=250
kubectl rollout status deployment/big --timeout=5m
kubectl get deployment big
";
    let ready = |args: &[&str]| {
        let out = ordinal(args, script);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let row = text
            .lines()
            .rfind(|l| l.starts_with("big "))
            .map(|l| l.split_whitespace().nth(1).unwrap_or("").to_string());
        (row, text)
    };
    let (row, text) = ready(&["--workers", "3", "run", "-"]);
    assert_eq!(row.as_deref(), Some("250/250"), "{text}");
    let (row, text) = ready(&["run", "-"]);
    assert_eq!(row.as_deref(), Some("220/250"), "{text}");
}

#[test]
fn bad_worker_counts_are_refused() {
    for (args, value) in [
        (&["--workers", "0", "run", "-"][..], "\"0\""),
        (&["--workers=201", "run", "-"][..], "\"201\""),
        (&["--workers", "x", "run", "-"][..], "\"x\""),
    ] {
        let out = ordinal(args, "kubectl get nodes\n");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            err,
            format!(
                "ordinal: invalid argument {value} for \"--workers\" flag: 1 to {}\n",
                ordinal_sim::MAX_WORKERS
            )
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let out = ordinal(&["--workers"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("ordinal: --workers needs a value\n"));
}

#[test]
fn help_states_the_limits() {
    let out = ordinal(&["--help"], "");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("--workers N  ")
            && text.contains(&format!("1 to {}", ordinal_sim::MAX_WORKERS)),
        "{text}"
    );
}
