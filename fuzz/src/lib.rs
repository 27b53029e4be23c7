//! The bodies of Ordinal's fuzz targets, shared by the libFuzzer binaries in `fuzz_targets/`
//! and by the native smoke test (`crates/kubectl/tests/fuzz_smoke.rs`, which includes this file
//! with `#[path]`). Each body bounds its own work: the shell has its step budget, and a cluster
//! is only ever settled within a horizon.

use ordinal_kubectl::session::{MemFiles, Mode, Session};
use ordinal_shell::{Dialect, Host, Limits, Output, Shell, State};
use ordinal_sim::Cluster;

pub const WEB_YAML: &str = include_str!("../../examples/web.yaml");
pub const K8S_WEB_YAML: &str = include_str!("../../examples/k8s-io-web.yaml");

/// Lines of a `kubectl_line` input that are run; the rest is ignored.
const MAX_LINES: usize = 4;

/// How long a cluster may run after a fuzzed input (simulated time).
const AFTER_MS: u64 = 2 * 60 * 1000;

thread_local! {
    static FRESH: Cluster = Cluster::new(1);
    static LESSON: Cluster = lesson_cluster();
    static NGINX: Cluster = nginx_cluster();
}

/// A fresh cluster with the lesson's web.yaml applied through kubectl, its registry secret
/// created, and everything settled: two nginx pods Running.
fn lesson_cluster() -> Cluster {
    let mut c = Cluster::new(1);
    let mut s = session();
    for line in [
        "kubectl create secret docker-registry registry-secret-aliyun --docker-server=registry.cn-hangzhou.aliyuncs.com --docker-username=xxx@xx.com --docker-password=xxxx",
        "kubectl apply -f web.yaml",
    ] {
        s.input(&mut c, line, Mode::Script);
    }
    c.settle();
    c
}

/// kubernetes.io's web StatefulSet (nginx-slim), settled: web-0 and web-1 Running.
fn nginx_cluster() -> Cluster {
    let mut c = Cluster::new(1);
    c.apply_yaml(K8S_WEB_YAML, "default")
        .expect("the example parses")
        .into_iter()
        .for_each(|r| {
            r.expect("the example applies");
        });
    c.settle();
    c
}

fn session() -> Session {
    let mut files = MemFiles::default();
    files.files.insert("web.yaml".into(), WEB_YAML.into());
    files
        .files
        .insert("k8s-io-web.yaml".into(), K8S_WEB_YAML.into());
    Session::new(Box::new(files))
}

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// `kubectl apply -f` of arbitrary text on a fresh cluster: applied twice (the second time
/// goes through the three-way merge), then the controllers run within a horizon.
pub fn apply_yaml(data: &[u8]) {
    let Some(yaml) = text(data) else { return };
    let mut c = FRESH.with(Cluster::clone);
    let before = c.resource_version();
    if c.apply_yaml(yaml, "default").is_err() {
        // A manifest that does not parse changes nothing.
        assert_eq!(c.resource_version(), before, "a rejected manifest wrote");
        return;
    }
    let _ = c.apply_yaml(yaml, "default");
    c.settle_within(AFTER_MS);
}

/// Up to [`MAX_LINES`] lines typed at the learner's prompt (Script mode) against the lesson's
/// cluster; a line may attach to a container shell, and the next lines go there.
pub fn kubectl_line(data: &[u8]) {
    let Some(input) = text(data) else { return };
    let mut c = LESSON.with(Cluster::clone);
    let mut s = session();
    for line in input.lines().take(MAX_LINES) {
        s.input(&mut c, line, Mode::Script);
    }
    c.settle_within(AFTER_MS);
}

/// A host that knows a few commands and one file, so the interpreter's own paths run.
#[derive(Default)]
struct TrivialHost {
    file: String,
}

impl Host for TrivialHost {
    fn command(&mut self, _state: &State, argv: &[String], stdin: &str) -> Output {
        match argv[0].as_str() {
            "cat" => Output::out(stdin.to_string()),
            "echo2" => Output::out(format!("{}\n", argv[1..].join(" "))),
            "fail" => Output::err("fail: failed\n", 1),
            _ => Output::err("", 127),
        }
    }
    fn read_file(&mut self, _state: &State, path: &str) -> Result<String, String> {
        if path.ends_with("f") {
            Ok(self.file.clone())
        } else {
            Err("No such file or directory".into())
        }
    }
    fn write_file(
        &mut self,
        _state: &State,
        _path: &str,
        content: &str,
        append: bool,
    ) -> Result<(), String> {
        if !append {
            self.file.clear();
        }
        if self.file.len() < 1 << 20 {
            self.file.push_str(content);
        }
        Ok(())
    }
    fn sleep(&mut self, _ms: u64) {}
    fn is_dir(&mut self, _state: &State, path: &str) -> bool {
        path == "/" || path.ends_with("d")
    }
    fn list_dir(&mut self, _state: &State, _path: &str) -> Option<Vec<String>> {
        Some(vec![
            "a".into(),
            "b.txt".into(),
            ".hidden".into(),
            "d".into(),
        ])
    }
}

/// A script run by a shell of the dialect the first byte picks, with a trivial host.
pub fn shell_parse(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Some(script) = text(rest) else { return };
    let dialect = match first % 3 {
        0 => Dialect::Bash,
        1 => Dialect::Ash,
        _ => Dialect::Dash,
    };
    // Smaller budgets than a terminal's: the same paths, more inputs a second.
    let limits = Limits {
        steps: 5_000,
        output_bytes: 64 << 10,
        ..Limits::default()
    };
    let mut shell = Shell::new(dialect);
    shell.set_limits(limits);
    shell.set_interactive(first & 4 != 0);
    let mut host = TrivialHost::default();
    // Each line as a terminal would send it, then the whole text as one script.
    for line in script.lines().take(MAX_LINES) {
        shell.run(&mut host, line);
    }
    let mut shell = Shell::new(dialect);
    shell.set_limits(limits);
    shell.run(&mut host, script);
}

/// Lines typed into `kubectl exec -it web-0 -- sh` in a running nginx pod.
pub fn container_shell(data: &[u8]) {
    let Some(input) = text(data) else { return };
    let mut c = NGINX.with(Cluster::clone);
    let mut shell = Shell::new(Dialect::Dash);
    for line in input.lines().take(MAX_LINES) {
        if c.exec_in_shell(&mut shell, "default", "web-0", None, line)
            .is_err()
        {
            break;
        }
    }
}
