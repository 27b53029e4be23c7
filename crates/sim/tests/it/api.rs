//! The API surface: apply outcomes, validation with the API server's messages, deletion
//! propagation, determinism, and the core's independence from web crates.

use crate::support::*;
use ordinal_sim::api::*;
use ordinal_sim::apply::ApplyError;
use ordinal_sim::patch::PatchType;
use ordinal_sim::{Cluster, DeleteOptions, Propagation, Reason};
use serde_json::json;

fn actions(c: &mut Cluster, yaml: &str) -> Vec<String> {
    c.apply_yaml(yaml, "default")
        .unwrap()
        .into_iter()
        .map(|r| {
            r.map(|a| format!("{}/{} {}", a.kind.name(), a.name, a.action.as_str()))
                .unwrap_or_else(|e| format!("{e:?}"))
        })
        .collect()
}

#[test]
fn fresh_cluster_looks_like_kind() {
    let c = Cluster::new(1);
    assert_eq!(
        c.node_names(),
        ["kind-control-plane", "kind-worker", "kind-worker2"]
    );
    let sc = c.get_as::<StorageClass>("", "standard").unwrap();
    assert_eq!(
        (
            sc.provisioner.as_str(),
            sc.volume_binding_mode.as_deref(),
            sc.reclaim_policy.as_deref()
        ),
        (
            "rancher.io/local-path",
            Some("WaitForFirstConsumer"),
            Some("Delete")
        )
    );
    assert_eq!(
        c.get_as::<Service>("default", "kubernetes")
            .unwrap()
            .spec
            .cluster_ip
            .as_deref(),
        Some("10.96.0.1")
    );
    assert!(c.get_as::<Namespace>("", "default").is_some());
    assert!(c
        .get_as::<Node>("", "kind-control-plane")
        .unwrap()
        .spec
        .taints
        .iter()
        .any(|t| t.effect == "NoSchedule"));
}

#[test]
fn apply_reports_created_unchanged_configured() {
    let mut c = Cluster::new(1);
    assert_eq!(
        actions(&mut c, K8S_WEB_YAML),
        ["Service/nginx created", "StatefulSet/web created"]
    );
    // kubectl says "unchanged" only for an empty patch, and `volumeClaimTemplates` (a list
    // it replaces whole) differs from the server's defaulted one on every apply (as kubectl
    // v1.33 against this server shows). The object stays the same.
    assert_eq!(
        actions(&mut c, K8S_WEB_YAML),
        ["Service/nginx unchanged", "StatefulSet/web configured"]
    );
    assert_eq!(
        c.get_as::<StatefulSet>("default", "web")
            .unwrap()
            .metadata
            .generation,
        1
    );
    // `kubectl scale` then re-apply: the manifest's replicas wins again.
    c.patch(
        Kind::StatefulSet,
        "default",
        "web",
        PatchType::Merge,
        &json!({"spec": {"replicas": 4}}),
    )
    .unwrap();
    assert_eq!(
        actions(&mut c, K8S_WEB_YAML),
        ["Service/nginx unchanged", "StatefulSet/web configured"]
    );
    let set = c.get_as::<StatefulSet>("default", "web").unwrap();
    assert_eq!(set.spec.replicas, Some(2));
    assert_eq!(set.metadata.generation, 3);
    let last = set
        .metadata
        .annotations
        .get("kubectl.kubernetes.io/last-applied-configuration")
        .unwrap();
    assert!(last.starts_with(r#"{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"annotations":{},"name":"web","namespace":"default"}"#), "{last}");
    // Defaults are the API server's.
    assert_eq!(
        set.spec.pod_management_policy.as_deref(),
        Some("OrderedReady")
    );
    assert_eq!(set.spec.revision_history_limit, Some(10));
    assert_eq!(set.update_strategy_type(), "RollingUpdate");
    assert_eq!(set.partition(), 0);
    assert_eq!(
        set.spec.template.spec.termination_grace_period_seconds,
        Some(30)
    );
    assert_eq!(
        set.spec.template.spec.containers[0]
            .image_pull_policy
            .as_deref(),
        Some("IfNotPresent")
    );
}

#[test]
fn yaml_errors_name_their_line_and_change_nothing() {
    let mut c = Cluster::new(1);
    let rv = c.resource_version();
    let err = c
        .apply_yaml(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n spec: [\n",
            "default",
        )
        .unwrap_err();
    assert!(
        err.message
            .starts_with("error converting YAML to JSON: yaml: line"),
        "{}",
        err.message
    );
    assert!(err.line.is_some());
    assert_eq!(c.resource_version(), rv);
}

#[test]
fn unknown_kinds_and_invalid_objects_are_refused_with_api_messages() {
    let mut c = Cluster::new(1);
    let rv = c.resource_version();
    let r = c
        .apply_yaml(
            "apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\n",
            "default",
        )
        .unwrap();
    assert!(matches!(&r[0], Err(ApplyError::UnknownKind { kind, .. }) if kind == "Foo"));
    let bad = K8S_WEB_YAML
        .replace("name: web\nspec:", "name: Web\nspec:")
        .replace("replicas: 2", "replicas: -1");
    let r = c.apply_yaml(&bad, "default").unwrap();
    let Err(ApplyError::Api {
        error,
        creating: true,
        ..
    }) = &r[1]
    else {
        panic!("{r:?}")
    };
    assert_eq!(error.reason, Reason::Invalid);
    let causes: Vec<String> = error.causes.iter().map(|c| c.to_string()).collect();
    assert_eq!(causes[0], "metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
    assert_eq!(
        causes[1],
        "spec.replicas: Invalid value: -1: must be greater than or equal to 0"
    );
    let mismatch = K8S_WEB_YAML.replace(
        "      labels:\n        app: nginx\n    spec:",
        "      labels:\n        app: other\n    spec:",
    );
    let r = c.apply_yaml(&mismatch, "default").unwrap();
    let Err(ApplyError::Api { error, .. }) = &r[1] else {
        panic!("{r:?}")
    };
    assert_eq!(error.message, "StatefulSet.apps \"web\" is invalid: spec.template.metadata.labels: Invalid value: {\"app\":\"other\"}: `selector` does not match template `labels`");
    // Only the Service got in.
    assert!(c.get_as::<StatefulSet>("default", "web").is_none());
    assert!(c.resource_version() > rv);
}

#[test]
fn huge_replica_counts_hit_the_playground_limit_and_create_nothing() {
    let mut c = Cluster::new(1);
    let big = K8S_WEB_YAML.replace("replicas: 2", "replicas: 2147483647");
    let r = c.apply_yaml(&big, "default").unwrap();
    let Err(ApplyError::Api { error, .. }) = &r[1] else {
        panic!("{r:?}")
    };
    assert_eq!(error.reason, Reason::Forbidden);
    assert!(
        error.message.contains("limit: replicas=10000"),
        "{}",
        error.message
    );
    assert!(c.get_as::<StatefulSet>("default", "web").is_none());
    apply(&mut c, K8S_WEB_YAML);
    let e = c
        .patch(
            Kind::StatefulSet,
            "default",
            "web",
            PatchType::Merge,
            &json!({"spec": {"replicas": 100000}}),
        )
        .unwrap_err();
    assert_eq!(e.reason, Reason::Forbidden);
    assert_eq!(
        c.get_as::<StatefulSet>("default", "web")
            .unwrap()
            .spec
            .replicas,
        Some(2)
    );
}

#[test]
fn forbidden_statefulset_updates() {
    let mut c = Cluster::new(1);
    apply(&mut c, K8S_WEB_YAML);
    let e = c
        .patch(
            Kind::StatefulSet,
            "default",
            "web",
            PatchType::Merge,
            &json!({"spec": {"serviceName": "other"}}),
        )
        .unwrap_err();
    assert_eq!(e.message, "StatefulSet.apps \"web\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
    let e = c.get(Kind::Pod, "default", "web-9").unwrap_err();
    assert_eq!(e.message, "pods \"web-9\" not found");
    let e = c.get(Kind::StatefulSet, "default", "foo").unwrap_err();
    assert_eq!(e.message, "statefulsets.apps \"foo\" not found");
}

#[test]
fn orphan_delete_keeps_pods_and_reapply_adopts_them() {
    let mut c = Cluster::new(11);
    apply(&mut c, K8S_WEB_YAML);
    wait_until(&mut c, 300_000, "ready", |c| ready(c, "web-1"));
    let uid = pod(&c, "web-1").unwrap().metadata.uid.clone();
    c.delete(
        Kind::StatefulSet,
        "default",
        "web",
        &DeleteOptions {
            grace_period_seconds: None,
            propagation: Some(Propagation::Orphan),
        },
    )
    .unwrap();
    c.settle();
    assert!(c.get_as::<StatefulSet>("default", "web").is_none());
    assert!(
        pod(&c, "web-1")
            .unwrap()
            .metadata
            .owner_references
            .is_empty(),
        "orphaned"
    );
    c.delete(Kind::Pod, "default", "web-0", &DeleteOptions::default())
        .unwrap();
    c.settle();
    apply(&mut c, K8S_WEB_YAML);
    wait_until(&mut c, 300_000, "web-0 back", |c| ready(c, "web-0"));
    let p1 = pod(&c, "web-1").unwrap();
    assert_eq!(p1.metadata.uid, uid, "web-1 was adopted, not recreated");
    let set = c.get_as::<StatefulSet>("default", "web").unwrap();
    assert_eq!(
        p1.metadata.controller_ref().map(|r| r.uid.as_str()),
        Some(set.metadata.uid.as_str())
    );
}

#[test]
fn foreground_delete_waits_for_pods() {
    let mut c = Cluster::new(12);
    apply(&mut c, K8S_WEB_YAML);
    wait_until(&mut c, 300_000, "ready", |c| ready(c, "web-1"));
    c.delete(
        Kind::StatefulSet,
        "default",
        "web",
        &DeleteOptions {
            grace_period_seconds: None,
            propagation: Some(Propagation::Foreground),
        },
    )
    .unwrap();
    let set = c
        .get_as::<StatefulSet>("default", "web")
        .expect("held until its pods are gone");
    assert!(set
        .metadata
        .finalizers
        .contains(&"foregroundDeletion".to_string()));
    assert!(
        pod(&c, "web-0").unwrap().is_terminating() && pod(&c, "web-1").unwrap().is_terminating(),
        "all pods at once, not in order"
    );
    c.settle();
    assert!(c.get_as::<StatefulSet>("default", "web").is_none());
    assert!(pod_names(&c).is_empty());
}

#[test]
fn same_seed_same_run() {
    let run = |seed| {
        let mut c = Cluster::new(seed);
        apply(&mut c, WEB_YAML);
        create_registry_secret(&mut c);
        c.advance(90_000);
        c.delete(Kind::Pod, "default", "web-0", &DeleteOptions::default())
            .unwrap();
        c.settle();
        c.watch_since(0)
            .unwrap()
            .iter()
            .map(|e| {
                format!(
                    "{} {}",
                    e.type_.as_str(),
                    serde_json::to_string(&e.object.to_value()).unwrap()
                )
            })
            .collect::<Vec<_>>()
    };
    let a = run(42);
    assert_eq!(a, run(42));
    assert_ne!(a, run(43));
}

#[test]
fn graceful_deletion_honours_the_grace_period_for_processes_that_ignore_sigterm() {
    let mut c = Cluster::new(13);
    let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: sleeper\nspec:\n  containers:\n  - name: bb\n    image: busybox:1.28\n    command: [\"sleep\", \"3600\"]\n";
    apply(&mut c, yaml);
    wait_until(&mut c, 60_000, "running", |c| {
        pod(c, "sleeper").is_some_and(|p| p.phase() == "Running")
    });
    let t = c.now();
    c.delete(Kind::Pod, "default", "sleeper", &DeleteOptions::default())
        .unwrap();
    wait_until(&mut c, 60_000, "gone", |c| pod(c, "sleeper").is_none());
    let took = c.now().since(t);
    assert!(
        (30_000..32_000).contains(&took),
        "sleep ignores SIGTERM, so it takes the 30 s grace period: {took} ms"
    );
}

#[test]
fn crashing_containers_back_off() {
    let mut c = Cluster::new(14);
    let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: crash\nspec:\n  containers:\n  - name: bb\n    image: busybox:1.28\n    command: [\"sh\", \"-c\", \"exit 1\"]\n";
    apply(&mut c, yaml);
    wait_until(&mut c, 120_000, "CrashLoopBackOff", |c| {
        pod(c, "crash").is_some_and(|p| status(p) == "CrashLoopBackOff")
    });
    c.advance(120_000);
    let p = pod(&c, "crash").unwrap();
    let restarts = p.status.container_statuses[0].restart_count;
    assert!(
        (3..=6).contains(&restarts),
        "restarts after ~2.5 min of 10/20/40/80 s backoff: {restarts}"
    );
    assert!(!p.is_ready());
}

#[test]
fn the_core_has_no_web_dependencies() {
    // Invariant from ARCHITECTURE.md: ordinal-sim builds without any web crate.
    let manifest =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap();
    let deps = manifest.split("[dependencies]").nth(1).unwrap_or("");
    for banned in [
        "yew",
        "web-sys",
        "wasm-bindgen",
        "gloo",
        "js-sys",
        "getrandom",
        "chrono",
        "tokio",
    ] {
        assert!(
            !deps.contains(banned),
            "ordinal-sim must not depend on {banned}"
        );
    }
    let lock =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock")).unwrap();
    let block = lock
        .split("[[package]]")
        .find(|b| b.contains("name = \"ordinal-sim\""))
        .unwrap();
    for banned in ["yew", "web-sys", "wasm-bindgen", "gloo", "js-sys"] {
        assert!(
            !block.contains(banned),
            "ordinal-sim's locked dependencies include {banned}"
        );
    }
}
