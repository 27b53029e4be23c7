//! Hostile input to the API: YAML alias bombs and deep nesting, a 1 MB document, replicas at
//! `i32::MAX`, 10,000-character and unicode names, HTML in names, labels and files, and a
//! `while true` loop in a container. Each case ends in a clear error (or plain text), leaves
//! the store as it was, and takes well under a second natively.

use crate::support::*;
use ordinal_sim::api::*;
use ordinal_sim::patch::PatchType;
use ordinal_sim::Cluster;
use serde_json::json;
use std::time::{Duration, Instant};

/// What one hostile case may take before the test fails: a bound that only a freeze crosses,
/// not a speed budget. Each case takes well under a second in a debug build on a quiet machine
/// (run with `--nocapture` to see the times), but "fork of output" took 5.6 s on two cores
/// shared with five other builds; what the step budget guarantees is that the case ends, which
/// the output checks, so the wall clock here only catches a loop that never does.
const BUDGET: Duration = Duration::from_secs(60);

/// Runs `f`, printing its time, failing if it takes longer than [`BUDGET`].
fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    eprintln!("hostile: {what}: {took:?}");
    assert!(took < BUDGET, "{what} took {took:?}");
    out
}

/// A fresh cluster with the k8s.io `web` set running.
fn web() -> Cluster {
    let mut c = Cluster::new(1);
    apply(&mut c, K8S_WEB_YAML);
    c.settle();
    c
}

/// The message of a refused apply: the manifest's, or each object's.
fn apply_err(c: &mut Cluster, yaml: &str) -> String {
    match c.apply_yaml(yaml, "default") {
        Err(e) => e.message,
        Ok(rs) => rs
            .into_iter()
            .map(|r| match r {
                Err(ordinal_sim::apply::ApplyError::Api { error, .. }) => error.message,
                Err(e) => format!("{e:?}"),
                Ok(r) => panic!("applied: {r:?}"),
            })
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// The k8s.io StatefulSet alone, with `name` and `replicas`.
fn set_yaml(name: &str, replicas: &str) -> String {
    let set = K8S_WEB_YAML.split("---\n").nth(1).unwrap();
    set.replace("  name: web\n", &format!("  name: {name}\n"))
        .replace("  replicas: 2\n", &format!("  replicas: {replicas}\n"))
}

#[test]
fn an_alias_bomb_is_refused_quickly() {
    let mut c = web();
    let rv = c.resource_version();
    // Billion laughs: nine levels of nine aliases, 9^9 strings if expanded.
    let mut yaml = String::from("apiVersion: v1\nkind: Service\nmetadata:\n  name: lol\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        yaml.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let e = timed("billion laughs", || apply_err(&mut c, &yaml));
    assert_eq!(
        e,
        "error converting YAML to JSON: yaml: document contains excessive aliasing"
    );
    assert_eq!(c.resource_version(), rv);
}

#[test]
fn deep_nesting_is_refused_quickly() {
    let mut c = web();
    let rv = c.resource_version();
    let flow = format!("a: {}{}", "[".repeat(100_000), "]".repeat(100_000));
    let e = timed("100,000 nested [", || apply_err(&mut c, &flow));
    assert_eq!(
        e,
        "error converting YAML to JSON: yaml: exceeded max depth of 10000"
    );
    let flow = format!("a: 1\nb: {}1{}", "{c: ".repeat(10_001), "}".repeat(10_001));
    let e = timed("10,001 nested {", || apply_err(&mut c, &flow));
    assert_eq!(
        e,
        "error converting YAML to JSON: yaml: line 2: exceeded max depth of 10000"
    );
    // Deep, but under go-yaml's limit: serde_norway's recursion limit answers.
    let flow = format!("a: {}{}", "[".repeat(10_000), "]".repeat(10_000));
    let e = timed("10,000 nested [", || apply_err(&mut c, &flow));
    assert_eq!(
        e,
        "error converting YAML to JSON: yaml: line 1: recursion limit exceeded"
    );
    let block: String = (0..2_000)
        .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
        .collect();
    let e = timed("2,000 nested block mappings", || apply_err(&mut c, &block));
    assert_eq!(
        e,
        "error converting YAML to JSON: yaml: line 129: recursion limit exceeded"
    );
    assert_eq!(c.resource_version(), rv);
}

#[test]
fn a_one_megabyte_document() {
    let mut c = Cluster::new(1);
    // 1 MB of comments around a real manifest: applied.
    let padding =
        "# padding padding padding padding padding padding padding padding\n".repeat(16_000);
    let yaml = format!("{padding}{K8S_WEB_YAML}");
    assert!(yaml.len() > 1_000_000);
    let rs = timed("1 MB manifest, mostly comments", || {
        c.apply_yaml(&yaml, "default").unwrap()
    });
    assert!(rs.iter().all(|r| r.is_ok()), "{rs:?}");
    // 1 MB in one annotation: the API server's 256 KiB limit, nothing written.
    let rv = c.resource_version();
    let big = "x".repeat(1_000_000);
    let yaml = set_yaml("big", "1").replace(
        "metadata:\n  name: big\n",
        &format!("metadata:\n  name: big\n  annotations:\n    note: {big}\n"),
    );
    let e = timed("1 MB annotation", || apply_err(&mut c, &yaml));
    assert_eq!(
        e,
        "StatefulSet.apps \"big\" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes"
    );
    assert_eq!(c.resource_version(), rv);
    // A 1 MB document that is one long scalar line: parsed, refused by validation quickly.
    let yaml = set_yaml("long", "1").replace(
        "registry.k8s.io/nginx-slim:0.21",
        &format!("\"{}\"", "a".repeat(1_000_000)),
    );
    let e = timed("1 MB image name", || apply_err(&mut c, &yaml));
    assert!(
        e.starts_with("StatefulSet.apps \"long\" is invalid"),
        "{}",
        &e[..200.min(e.len())]
    );
    assert_eq!(c.resource_version(), rv);
}

#[test]
fn max_int32_replicas_hit_the_playground_limit_and_change_nothing() {
    let limit = "statefulsets.apps \"web\" is forbidden: exceeded quota: playground, requested: replicas=2147483647, limit: replicas=10000 (this playground runs in one browser tab)";
    // Create: nothing half-created (no set, no pods, no claims, no revisions).
    let mut c = Cluster::new(1);
    let rv = c.resource_version();
    let e = timed("create with replicas 2147483647", || {
        apply_err(&mut c, &set_yaml("web", "2147483647"))
    });
    assert_eq!(e, limit);
    assert_eq!(c.resource_version(), rv);
    assert!(c.list(Kind::ControllerRevision, None).is_empty());
    // Patch and update of a running set: refused, the set and its pods as they were.
    let mut c = web();
    let rv = c.resource_version();
    for t in [PatchType::Merge, PatchType::Strategic] {
        let e = timed("patch replicas 2147483647", || {
            c.patch(
                Kind::StatefulSet,
                "default",
                "web",
                t,
                &json!({"spec": {"replicas": i32::MAX}}),
            )
            .unwrap_err()
        });
        assert_eq!(e.message, limit);
    }
    let e = timed("apply replicas 2147483647", || {
        apply_err(&mut c, &set_yaml("web", "2147483647"))
    });
    assert!(e.contains(limit), "{e}");
    let mut set = c.get_as::<StatefulSet>("default", "web").unwrap().clone();
    set.spec.replicas = Some(i32::MAX);
    let e = c.update(set.into()).unwrap_err();
    assert_eq!(e.message, limit);
    c.settle();
    assert_eq!(c.resource_version(), rv);
    assert_eq!(pod_names(&c), ["web-0", "web-1"]);
    // One past int32: apply's strategic merge patch goes through the unstructured converter,
    // which truncates as Go's reflect.Value.Convert does, so validation sees a negative count.
    let e = apply_err(&mut c, &set_yaml("web", "2147483648"));
    assert_eq!(e, "StatefulSet.apps \"web\" is invalid: spec.replicas: Invalid value: -2147483648: must be greater than or equal to 0");
    assert_eq!(c.resource_version(), rv);
    // A create decodes the body as JSON, which refuses it.
    let mut fresh = Cluster::new(1);
    let e = apply_err(&mut fresh, &set_yaml("web", "2147483648"));
    assert!(e.contains("json: cannot unmarshal number 2147483648 into Go struct field StatefulSetSpec.spec.replicas of type int32"), "{e}");
    assert!(fresh.list(Kind::StatefulSet, None).is_empty());
}

#[test]
fn long_and_unicode_names_get_the_validation_messages() {
    let mut c = Cluster::new(1);
    let rv = c.resource_version();
    let long = "a".repeat(10_000);
    let e = timed("10,000-character name", || {
        apply_err(&mut c, &set_yaml(&long, "1"))
    });
    assert_eq!(
        e,
        format!("StatefulSet.apps \"{long}\" is invalid: metadata.name: Invalid value: \"{long}\": must be no more than 63 characters")
    );
    let e = timed("unicode name", || {
        apply_err(&mut c, &set_yaml("wéb-☃", "1"))
    });
    assert_eq!(
        e,
        "StatefulSet.apps \"wéb-☃\" is invalid: metadata.name: Invalid value: \"wéb-☃\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    );
    let e = apply_err(&mut c, &set_yaml("\"<script>alert(1)</script>\"", "1"));
    assert!(
        e.starts_with("StatefulSet.apps \"<script>alert(1)</script>\" is invalid: metadata.name: Invalid value: \"<script>alert(1)</script>\": a lowercase RFC 1123 label"),
        "{e}"
    );
    // A label value with HTML is refused too; nothing was written.
    let yaml = set_yaml("web", "1").replace(
        "      labels:\n        app: nginx\n",
        "      labels:\n        app: nginx\n        x: \"<b>hi</b>\"\n",
    );
    let e = apply_err(&mut c, &yaml);
    assert!(
        e.contains("spec.template.labels: Invalid value: \"<b>hi</b>\": a valid label must be an empty string"),
        "{e}"
    );
    assert_eq!(c.resource_version(), rv);
}

#[test]
fn html_in_files_and_annotations_stays_text() {
    let mut c = web();
    let html = "<script>alert('x')</script><b>&amp;</b>";
    let sh = |s: &str| vec!["sh".to_string(), "-c".to_string(), s.to_string()];
    let out = c
        .exec(
            "default",
            "web-0",
            None,
            &sh(&format!(
                "echo \"{html}\" > /usr/share/nginx/html/index.html; cat /usr/share/nginx/html/index.html"
            )),
            "",
        )
        .unwrap();
    assert_eq!(out.stdout, format!("{html}\n"));
    // The web server serves it byte for byte.
    let out = c
        .exec(
            "default",
            "web-1",
            None,
            &sh("curl -s http://web-0.nginx/index.html"),
            "",
        )
        .unwrap();
    assert_eq!(out.stdout, format!("{html}\n"));
    c.patch(
        Kind::Pod,
        "default",
        "web-0",
        PatchType::Merge,
        &json!({"metadata": {"annotations": {"note": html}}}),
    )
    .unwrap();
    let p = c.get_as::<Pod>("default", "web-0").unwrap();
    assert_eq!(p.metadata.annotations["note"], html);
}

#[test]
fn a_never_ending_loop_in_a_container_is_bounded() {
    let mut c = web();
    let sh = |s: &str| vec!["sh".to_string(), "-c".to_string(), s.to_string()];
    for (what, script, stop) in [
        (
            "while true",
            "while true; do :; done",
            "stopped after 100000 steps",
        ),
        ("while true; echo", "while true; do echo y; done", "stopped"),
        (
            "while true; sleep",
            "while true; do sleep 60; done",
            "sleep at most",
        ),
        (
            "fork of output",
            "x=a; while true; do x=$x$x; done",
            "stopped",
        ),
    ] {
        let out = timed(what, || {
            c.exec("default", "web-0", None, &sh(script), "").unwrap()
        });
        assert!(out.stderr.contains(stop), "{what}: {}", out.stderr);
        assert_ne!(out.exit_code, 0, "{what}");
    }
}
