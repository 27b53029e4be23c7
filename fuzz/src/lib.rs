//! The bodies of Ordinal's fuzz targets, shared by the libFuzzer binaries in `fuzz_targets/`
//! and by the native smoke test (`crates/kubectl/tests/fuzz_smoke.rs`, which includes this file
//! with `#[path]`). Each body bounds its own work: the shell has its step budget, and a cluster
//! is only ever settled within a horizon.

use ordinal_kubectl::printers::{custom_columns, jsonpath, template};
use ordinal_kubectl::session::{MemFiles, Mode, Session};
use ordinal_kubectl::{Env, Files};
use ordinal_shell::{Dialect, Host, Limits, Output, Shell, State};
use ordinal_sim::Cluster;
use serde_json::Value;

pub const WEB_YAML: &str = include_str!("../../examples/web.yaml");
pub const K8S_WEB_YAML: &str = include_str!("../../examples/k8s-io-web.yaml");
/// The schemas `kubectl explain` reads (as the CLI embeds them and the web app fetches them).
pub const EXPLAIN_JSON: &str = include_str!("../../web/explain/explain.json");

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

/// What the `printers` target renders when its input brings no JSON of its own: a List of two
/// pods, shaped as `kubectl get pods -o json` prints them (maps, lists, numbers, bools, a null).
const PODS_JSON: &str = r#"{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":""},"items":[
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-0","namespace":"default","labels":{"app":"nginx","apps.kubernetes.io/pod-index":"0"},"annotations":{},"ownerReferences":[{"apiVersion":"apps/v1","kind":"StatefulSet","name":"web","controller":true,"blockOwnerDeletion":true}],"creationTimestamp":"2026-01-01T00:00:00Z","deletionTimestamp":null},
 "spec":{"containers":[{"name":"nginx","image":"registry.k8s.io/nginx-slim:0.24","ports":[{"containerPort":80,"name":"web","protocol":"TCP"}],"resources":{}}],"terminationGracePeriodSeconds":30,"hostname":"web-0"},
 "status":{"phase":"Running","podIP":"10.244.0.5","containerStatuses":[{"name":"nginx","ready":true,"restartCount":0,"state":{"running":{"startedAt":"2026-01-01T00:00:03Z"}}}],"conditions":[{"type":"Ready","status":"True"}]}},
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"default","labels":{"app":"nginx"}},
 "spec":{"containers":[{"name":"nginx","image":"registry.k8s.io/nginx-slim:0.24","ports":[{"containerPort":80}]}]},
 "status":{"phase":"Pending","containerStatuses":[{"name":"nginx","ready":false,"restartCount":3,"state":{"waiting":{"reason":"ContainerCreating"}}}]}}
]}"#;

/// kubectl's output printers on arbitrary text: the first byte picks `-o go-template`,
/// `-o custom-columns`, `-o custom-columns-file` or `-o jsonpath`; the rest is the template (its
/// first line, or the first two for a columns file) and, after it, the JSON it renders (two
/// pods when that is not JSON). Each printer must answer with output or kubectl's error.
pub fn printers(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Some(rest) = text(rest) else { return };
    let mode = first % 4;
    let (src, json) = if mode == 2 {
        // A columns file is a line of headers and a line of paths.
        match rest.match_indices('\n').nth(1) {
            Some((i, _)) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        }
    } else {
        rest.split_once('\n').unwrap_or((rest, ""))
    };
    let list: Value = serde_json::from_str(json)
        .or_else(|_| serde_json::from_str(PODS_JSON))
        .unwrap_or(Value::Null);
    let items: Vec<&Value> = match list.get("items").and_then(Value::as_array) {
        Some(items) => items.iter().collect(),
        None => vec![&list],
    };
    match mode {
        0 => {
            let opts = template::Options {
                allow_missing_keys: first & 4 == 0,
            };
            let _ = template::render(src, &list, opts);
        }
        1 | 2 => {
            let columns = if mode == 1 {
                custom_columns::parse_spec(src)
            } else {
                custom_columns::parse_file(src)
            };
            if let Ok(columns) = columns {
                let _ = custom_columns::render(&columns, &items, first & 4 != 0);
            }
        }
        _ => {
            let _ = jsonpath::render(src, &list);
        }
    }
}

/// The explain data and nothing else, as `kubectl explain` reads it.
struct ExplainFiles;

impl Files for ExplainFiles {
    fn read(&self, _path: &str) -> Result<String, String> {
        Err("No such file or directory".into())
    }
    fn explain_data(&self) -> Option<&str> {
        Some(EXPLAIN_JSON)
    }
}

/// `kubectl explain` of an arbitrary `TYPE.field.path` (the first line). The first byte picks
/// the flags: bit 0 `--recursive`; bits 1-2 no `--api-version`, the second line as it, `v1` or
/// `apps/v1`; bit 3 `--output=` the third line (else none). Each answer is the field's text or
/// kubectl's error, never nothing.
pub fn explain_path(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Some(rest) = text(rest) else { return };
    let mut lines = rest.split('\n');
    let path = lines.next().unwrap_or_default();
    let version = lines.next();
    let output = lines.next();
    let mut args = vec!["explain".to_string(), path.to_string()];
    if first & 1 != 0 {
        args.push("--recursive".into());
    }
    match (first >> 1) & 3 {
        1 => args.push(format!("--api-version={}", version.unwrap_or_default())),
        2 => args.push("--api-version=v1".into()),
        3 => args.push("--api-version=apps/v1".into()),
        _ => {}
    }
    if first & 8 != 0 {
        args.push(format!("--output={}", output.unwrap_or_default()));
    }
    let env = Env {
        namespace: "default",
        files: &ExplainFiles,
        stdin: "",
        interactive_shells: false,
    };
    // explain reads no object; a fork of a fresh cluster costs microseconds.
    let out = FRESH.with(|c| ordinal_kubectl::run(&mut c.clone(), &args, &env));
    assert!(!out.text().is_empty(), "kubectl {args:?} said nothing");
}

/// `kubectl get` of the lesson's objects with an arbitrary `--output` (the first line:
/// `go-template=…`, `custom-columns=…`, `jsonpath=…`, `template`, `name`, a `-file` form, …).
/// The first byte picks what is listed (bits 0-1: pods, `sts,svc,pvc`, the pod `web-0`,
/// `all`) and the extras: bit 2 `--sort-by=` the second line; bit 3 `--template=` the rest
/// (also the file `t.tmpl`, which the `-file` forms can name); bit 4 `--no-headers`;
/// bit 5 `--allow-missing-template-keys=false`. A get writes nothing.
pub fn get_output(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Some(rest) = text(rest) else { return };
    let mut lines = rest.splitn(3, '\n');
    let output = lines.next().unwrap_or_default();
    let sort_by = lines.next().unwrap_or_default();
    let template = lines.next().unwrap_or_default();
    let mut args: Vec<String> = vec!["get".into()];
    match first & 3 {
        0 => args.push("pods".into()),
        1 => args.push("sts,svc,pvc".into()),
        2 => args.extend(["pod".into(), "web-0".into()]),
        _ => args.push("all".into()),
    }
    args.push(format!("--output={output}"));
    if first & 4 != 0 {
        args.push(format!("--sort-by={sort_by}"));
    }
    if first & 8 != 0 {
        args.push(format!("--template={template}"));
    }
    if first & 16 != 0 {
        args.push("--no-headers".into());
    }
    if first & 32 != 0 {
        args.push("--allow-missing-template-keys=false".into());
    }
    let mut files = MemFiles::default();
    files.files.insert("t.tmpl".into(), template.into());
    let env = Env {
        namespace: "default",
        files: &files,
        stdin: "",
        interactive_shells: false,
    };
    let mut c = LESSON.with(Cluster::clone);
    let before = c.resource_version();
    let _ = ordinal_kubectl::run(&mut c, &args, &env);
    assert_eq!(c.resource_version(), before, "kubectl {args:?} wrote");
}
