//! A second real client: the official Python client (PyPI `kubernetes`, installed by
//! `scripts/setup.sh` into `.tools/python-client/`) runs `tests/clients/client.py` against the
//! server: it lists, creates the lesson's objects, watches pods until they are Ready, patches
//! and scales, reads a 404 and a 409 as `ApiException`s, and deletes. This test asserts on what
//! the script printed.
//!
//! The clock is virtual: the script's watch moves it (a watch idle for a moment advances the
//! cluster to its next timer), so the run takes seconds however long the rollout is in
//! simulated time.

use ordinal_server::{start, ClockMode, Config};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The venv's python, or `None` (the test then skips, unless `CI` is set).
fn python() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("ORDINAL_PYTHON_CLIENT") {
        return Some(PathBuf::from(p));
    }
    let p = workspace().join(".tools/python-client/bin/python");
    let ok = Command::new(&p)
        .args(["-c", "import kubernetes"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return Some(p);
    }
    let note = "the Python client is not installed (.tools/python-client/: run scripts/setup.sh)";
    if std::env::var_os("CI").is_some() {
        panic!("{note}");
    }
    eprintln!("skipping: {note}");
    None
}

/// Runs a command to its end or kills it at the deadline; gives (exit ok, stdout, stderr).
fn run_with_deadline(mut cmd: Command, limit: Duration) -> (bool, String, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the python client starts");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_t = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break Some(s);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = out_t.join().unwrap_or_default();
    let err = err_t.join().unwrap_or_default();
    (status.is_some_and(|s| s.success()), out, err)
}

#[test]
fn the_official_python_client_lists_watches_patches_and_deletes() {
    let Some(py) = python() else { return };
    let server = start(Config {
        port: 0,
        clock: ClockMode::Virtual,
        ..Config::default()
    })
    .expect("server starts");
    let kc = std::env::temp_dir().join(format!(
        "ordinal-python-client-{}-{}.kubeconfig",
        std::process::id(),
        server.addr.port()
    ));
    std::fs::write(&kc, server.kubeconfig()).expect("kubeconfig written");
    let mut cmd = Command::new(&py);
    cmd.arg(workspace().join("crates/server/tests/clients/client.py"))
        .arg(&kc)
        .arg(workspace().join("examples/web.yaml"))
        .env("PYTHONDONTWRITEBYTECODE", "1");
    let (ok, out, err) = run_with_deadline(cmd, Duration::from_secs(240));
    let _ = std::fs::remove_file(&kc);
    server.stop();
    assert!(ok, "client.py failed\n--- stdout\n{out}\n--- stderr\n{err}");
    let lines: Vec<&str> = out.lines().collect();
    let has = |want: &str| {
        assert!(
            lines.contains(&want),
            "client.py did not print {want:?}\n--- stdout\n{out}\n--- stderr\n{err}"
        )
    };
    has("version v1.33.1");
    has("nodes kind-control-plane kind-worker kind-worker2");
    has("node kind-worker Ready=True");
    has("created secret registry-secret-aliyun kubernetes.io/dockerconfigjson");
    has("created service nginx clusterIP=None");
    has("created statefulset web replicas=2");
    // The watch saw both pods come up, in order: web-1 only after web-0 was Ready.
    let at = |want: &str| lines.iter().position(|l| *l == want);
    let web0_ready = at("watch MODIFIED web-0 Running ready").expect("web-0 became Ready");
    let web1_added = at("watch ADDED web-1 Pending not-ready").expect("web-1 was created");
    assert!(
        web0_ready < web1_added,
        "web-1 before web-0 was Ready:\n{out}"
    );
    has("ready web-0 web-1");
    has("running web-0 web-1");
    has("paged 2 web-0 web-1");
    has("statefulset web readyReplicas=2");
    has("patched replicas=3");
    has("scale spec.replicas=3 selector=app=nginx");
    has("ready web-0 web-1 web-2");
    has("scaled spec.replicas=2");
    has("404 404 NotFound pods \"no-such-pod\" not found");
    has("409 409 AlreadyExists statefulsets.apps \"web\" already exists");
    has("422 422 Invalid StatefulSet metadata.name FieldValueInvalid");
    has("deleted statefulset Status Success web");
    // A Service's delete answers with the Service (its registry's ReturnDeletedObject).
    has("deleted service Service nginx");
    has("deleted secret Status Success registry-secret-aliyun");
    has("gone 404");
    has("done");
}
