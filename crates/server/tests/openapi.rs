//! `/openapi/v3` and `/openapi/v2` against the real kubectl v1.33 (`$ORDINAL_KUBECTL`, else
//! `.tools/kubectl-v1.33/kubectl`; skipped with a note when missing, a failure under CI):
//! `apply`/`create` validate by default and leave it to the server (`fieldValidation=Strict`),
//! an unknown field gets the server's strict decoding error, and `explain` prints our schemas.

use ordinal_server::{start, Config, Handle};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

fn kubectl_path() -> Option<PathBuf> {
    let p = match std::env::var_os("ORDINAL_KUBECTL") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/kubectl-v1.33/kubectl"),
    };
    if p.exists() {
        return Some(p);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{} is not installed, and CI must run these tests (scripts/setup.sh installs it)",
        p.display()
    );
    eprintln!("skipped: {} is not installed", p.display());
    None
}

struct Kube {
    bin: PathBuf,
    server: Handle,
    dir: PathBuf,
}

static N: AtomicUsize = AtomicUsize::new(0);

impl Kube {
    fn new() -> Option<Kube> {
        let bin = kubectl_path()?;
        let server = start(Config {
            port: 0,
            ..Config::default()
        })
        .expect("server starts");
        let dir = std::env::temp_dir().join(format!(
            "ordinal-openapi-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("kubeconfig"), server.kubeconfig()).unwrap();
        Some(Kube { bin, server, dir })
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(&self.bin)
            .arg("--kubeconfig")
            .arg(self.dir.join("kubeconfig"))
            .arg("--cache-dir")
            .arg(self.dir.join("cache"))
            .args(args)
            .output()
            .expect("kubectl runs")
    }

    fn file(&self, name: &str, text: &str) -> String {
        let p = self.dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    }
}

impl Drop for Kube {
    fn drop(&mut self) {
        self.server.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn apply_and_create_validate_on_the_server() {
    let Some(k) = Kube::new() else { return };
    let out = k.run(&["apply", "-f", &example("web.yaml"), "-v=6"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert_eq!(
        stdout,
        "service/nginx created\nstatefulset.apps/web created\n"
    );
    // kubectl found `fieldValidation` in the document and left validation to the server.
    assert!(
        stderr.contains("/openapi/v3/apis/apps/v1?hash="),
        "{stderr}"
    );
    assert!(
        stderr
            .contains("statefulsets?fieldManager=kubectl-client-side-apply&fieldValidation=Strict"),
        "{stderr}"
    );
    assert!(!stderr.contains("failed to download openapi"), "{stderr}");

    // Applying again computes its patch from kubectl's built-in types, without a warning.
    // The StatefulSet is "configured", as on a real cluster: its volumeClaimTemplates are an
    // atomic list the server fills in (apiVersion, kind, volumeMode, status), so the patch
    // always carries them (kubernetes/kubernetes#66450).
    let out = k.run(&["apply", "-f", &example("web.yaml")]);
    assert_eq!(
        (text(&out.stdout), text(&out.stderr)),
        (
            "service/nginx unchanged\nstatefulset.apps/web configured\n".to_string(),
            String::new()
        )
    );

    let out = k.run(&[
        "create",
        "-n",
        "kube-public",
        "-f",
        &example("k8s-io-web.yaml"),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn an_unknown_field_is_the_servers_strict_decoding_error() {
    let Some(k) = Kube::new() else { return };
    let f = k.file(
        "x.yaml",
        "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: x
spec:
  foo: 1
  selector:
    matchLabels: {app: x}
  template:
    metadata:
      labels: {app: x}
    spec:
      containers:
      - name: c
        image: nginx
",
    );
    let want = format!(
        "Error from server (BadRequest): error when creating \"{f}\": StatefulSet in version \"v1\" cannot be handled as a StatefulSet: strict decoding error: unknown field \"spec.foo\"\n"
    );
    for verb in ["create", "apply"] {
        let out = k.run(&[verb, "-f", &f]);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(text(&out.stderr), want, "{verb}");
    }
    // `--validate=false` sends `fieldValidation=Ignore`: created, the field dropped.
    let out = k.run(&["create", "--validate=false", "-f", &f]);
    assert_eq!(text(&out.stdout), "statefulset.apps/x created\n");
}

/// A `kind: List` has no PATCH operation to check, so kubectl validates it on its side, against
/// the v2 document: unknown fields by schema name, fields of unmodelled objects let through.
#[test]
fn a_list_is_validated_by_kubectl_against_v2() {
    let Some(k) = Kube::new() else { return };
    let list = "apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: p1
  spec:
    securityContext:
      runAsUser: 1000
    containers:
    - name: c
      image: nginx
      resources:
        requests:
          cpu: 100m
- apiVersion: v1
  kind: Service
  metadata:
    name: s1
  spec:
    ports:
    - port: 80
";
    let f = k.file("list.yaml", list);
    let out = k.run(&["apply", "-f", &f]);
    assert_eq!(
        (text(&out.stdout), text(&out.stderr)),
        (
            "pod/p1 created\nservice/s1 created\n".to_string(),
            String::new()
        )
    );
    let bad = list
        .replace("name: p1\n", "name: p2\n    bar: 2\n")
        .replace("runAsUser: 1000\n", "runAsUser: 1000\n    foo: 1\n");
    let f = k.file("bad.yaml", &bad);
    let out = k.run(&["apply", "-f", &f]);
    assert_eq!(
        text(&out.stderr),
        format!("error: error validating \"{f}\": error validating data: [ValidationError(Pod.metadata): unknown field \"bar\" in io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta, ValidationError(Pod.spec): unknown field \"foo\" in io.k8s.api.core.v1.PodSpec]; if you choose to ignore these errors, turn validation off with --validate=false\n")
    );
}

#[test]
fn explain_prints_the_schemas() {
    let Some(k) = Kube::new() else { return };
    let out = k.run(&["explain", "pod.spec.containers"]);
    let s = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        s.starts_with(
            "KIND:       Pod\nVERSION:    v1\n\nFIELD: containers <[]Container>\n\n\nDESCRIPTION:\n    "
        ),
        "{s}"
    );
    assert!(s.contains("\nFIELDS:\n  args\t<[]string>\n"), "{s}");
    assert!(s.contains("\n  name\t<string> -required-\n"), "{s}");
    assert!(s.contains("\n  ports\t<[]ContainerPort>\n"), "{s}");
    assert!(!s.contains("<no description>"), "{s}");
    assert!(!s.contains("<empty>"), "{s}");

    let out = k.run(&["explain", "sts.spec", "--recursive"]);
    let s = text(&out.stdout);
    assert!(
        s.starts_with(
            "GROUP:      apps\nKIND:       StatefulSet\nVERSION:    v1\n\nFIELD: spec <StatefulSetSpec>\n"
        ),
        "{s}"
    );
    assert!(
        s.contains("\n  selector\t<LabelSelector> -required-\n    matchExpressions\t<[]LabelSelectorRequirement>\n"),
        "{s}"
    );
    assert!(
        s.contains("\n  template\t<PodTemplateSpec> -required-\n"),
        "{s}"
    );
    assert!(s.contains("\n      creationTimestamp\t<string>\n"), "{s}");
    assert!(s.contains("\n      maxUnavailable\t<IntOrString>\n"), "{s}");

    let out = k.run(&["explain", "statefulset.spec.volumeClaimTemplates"]);
    let s = text(&out.stdout);
    assert!(
        s.contains("FIELD: volumeClaimTemplates <[]PersistentVolumeClaim>\n"),
        "{s}"
    );
    assert!(s.contains("\n  spec\t<PersistentVolumeClaimSpec>\n"), "{s}");

    let out = k.run(&["explain", "pvc.spec.resources.requests"]);
    let s = text(&out.stdout);
    assert!(s.contains("FIELD: requests <map[string]Quantity>\n"), "{s}");

    // Enums, as the API server lists them for Go enum types.
    let out = k.run(&["explain", "pod.spec"]);
    let s = text(&out.stdout);
    assert!(
        s.contains("\n  restartPolicy\t<string>\n  enum: Always, Never, OnFailure\n    When the kubelet restarts"),
        "{s}"
    );
    let out = k.run(&["explain", "sts.spec.podManagementPolicy"]);
    let s = text(&out.stdout);
    assert!(
        s.contains("FIELD: podManagementPolicy <string>\nENUM:\n    OrderedReady\n    Parallel\n\nDESCRIPTION:\n"),
        "{s}"
    );

    // The v2 form, which kubectl reads as protobuf.
    let out = k.run(&["explain", "sts.spec", "--output", "plaintext-openapiv2"]);
    let s = text(&out.stdout);
    assert!(
        s.starts_with("KIND:     StatefulSet\nVERSION:  apps/v1\n\nRESOURCE: spec <Object>\n\nDESCRIPTION:\n     The wanted pods"),
        "{s}\n{}",
        text(&out.stderr)
    );
    assert!(
        s.contains("\n   replicas\t<integer>\n     How many pods are wanted."),
        "{s}"
    );

    let out = k.run(&["explain", "pods.spec.nope"]);
    assert_eq!(text(&out.stderr), "error: field \"nope\" does not exist\n");
}

#[test]
fn the_documents_are_served_as_the_api_server_serves_them() {
    let server = start(Config {
        port: 0,
        ..Config::default()
    })
    .unwrap();
    let get = |path: &str, accept: &str| -> (u16, String, String) {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(server.addr).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: x\r\nAccept: {accept}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut r = Vec::new();
        s.read_to_end(&mut r).unwrap();
        let r = String::from_utf8_lossy(&r);
        let (head, body) = r.split_once("\r\n\r\n").unwrap();
        let code = head[9..12].parse().unwrap();
        (code, head.to_string(), body.to_string())
    };
    let (code, _, body) = get("/openapi/v3", "application/json");
    assert_eq!(code, 200);
    let index: serde_json::Value = serde_json::from_str(&body).unwrap();
    let paths = index["paths"].as_object().unwrap();
    for gv in [
        "api/v1",
        "apis/apps/v1",
        "apis/storage.k8s.io/v1",
        "apis/discovery.k8s.io/v1",
    ] {
        let url = paths[gv]["serverRelativeURL"].as_str().unwrap();
        let (code, head, body) = get(url, "application/json");
        assert_eq!(code, 200, "{url}");
        assert!(head.contains("Cache-Control: public, immutable"), "{head}");
        let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(doc["openapi"], "3.0.0");
        assert!(!doc["components"]["schemas"].as_object().unwrap().is_empty());
    }
    let sts = {
        let url = paths["apis/apps/v1"]["serverRelativeURL"].as_str().unwrap();
        let doc: serde_json::Value = serde_json::from_str(&get(url, "application/json").2).unwrap();
        doc["paths"]["/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}"].clone()
    };
    assert_eq!(
        sts["patch"]["operationId"],
        "patchAppsV1NamespacedStatefulSet"
    );
    assert_eq!(
        sts["patch"]["x-kubernetes-group-version-kind"],
        serde_json::json!({"group": "apps", "kind": "StatefulSet", "version": "v1"})
    );
    let names: Vec<&str> = sts["patch"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["dryRun", "fieldManager", "fieldValidation", "force"]
    );

    // An old hash moves to the current one.
    let (code, head, _) = get("/openapi/v3/apis/apps/v1?hash=0", "application/json");
    assert_eq!(code, 301);
    assert!(
        head.contains("Location: /openapi/v3/apis/apps/v1?hash="),
        "{head}"
    );
    assert_eq!(get("/openapi/v3/apis/nope/v1", "application/json").0, 404);

    // v2: Swagger 2.0 as JSON, or as gnostic's protobuf (below, through kubectl).
    let (code, _, body) = get("/openapi/v2", "application/json");
    assert_eq!(code, 200);
    let v2: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v2["swagger"], "2.0");
    let pod = &v2["definitions"]["io.k8s.api.core.v1.Pod"];
    assert_eq!(pod["x-kubernetes-group-version-kind"][0]["kind"], "Pod");
    assert_eq!(
        pod["properties"]["spec"]["$ref"],
        "#/definitions/io.k8s.api.core.v1.PodSpec"
    );
    let (code, head, _) = get(
        "/openapi/v2",
        "application/com.github.proto-openapi.spec.v2@v1.0+protobuf",
    );
    assert_eq!(code, 200);
    assert!(
        head.contains("Content-Type: application/com.github.proto-openapi.spec.v2.v1.0+protobuf"),
        "{head}"
    );
    assert_eq!(get("/openapi/v2", "text/html").0, 406);
    server.stop();
}
