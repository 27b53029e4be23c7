//! Ephemeral containers: added only through the `ephemeralcontainers` update, with the API
//! server's validation (`validateEphemeralContainers`, `ValidatePodEphemeralContainersUpdate`);
//! the kubelet pulls and starts them (events with their `fieldPath`), never restarts them, and
//! leaves them out of the pod's readiness; `--target` shares the target's processes.

use crate::support::*;
use ordinal_sim::api::*;
use ordinal_sim::Cluster;

fn web(seed: u64) -> Cluster {
    let mut c = Cluster::new(seed);
    apply(&mut c, K8S_WEB_YAML);
    wait_until(&mut c, 600_000, "web-0 Ready", |c| ready(c, "web-0"));
    c
}

fn ec(name: &str, image: &str) -> EphemeralContainer {
    EphemeralContainer {
        container: Container {
            name: name.into(),
            image: Some(image.into()),
            ..Default::default()
        },
    }
}

/// web-0 with `add` appended to its ephemeral containers, sent as the subresource's update.
fn add(c: &mut Cluster, add: EphemeralContainer) -> Result<(), String> {
    let mut p = pod(c, "web-0").expect("web-0").clone();
    p.spec.ephemeral_containers.push(add);
    c.update_ephemeral_containers(p)
        .map(|_| ())
        .map_err(|e| e.message)
}

fn ephemeral_status(c: &Cluster, name: &str) -> Option<ContainerStatus> {
    pod(c, "web-0")?
        .status
        .ephemeral_container_statuses
        .iter()
        .find(|s| s.name == name)
        .cloned()
}

#[test]
fn the_api_servers_messages() {
    let mut c = web(3);
    let rv = c.resource_version();
    assert_eq!(
        add(&mut c, ec("nginx", "busybox:1.28")).unwrap_err(),
        "Pod \"web-0\" is invalid: spec.ephemeralContainers[0].name: Duplicate value: \"nginx\""
    );
    let mut bad = ec("dbg", "busybox:1.28");
    bad.container.target_container_name = Some("db".into());
    bad.container.ports = vec![ContainerPort {
        container_port: 80,
        ..Default::default()
    }];
    bad.container.readiness_probe = Some(Probe::default());
    bad.container.resources = Some(serde_json::json!({"limits": {"cpu": "1"}}));
    assert_eq!(
        add(&mut c, bad).unwrap_err(),
        "Pod \"web-0\" is invalid: [spec.ephemeralContainers[0].targetContainerName: Not found: \"db\", spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container, spec.ephemeralContainers[0].resources: Forbidden: cannot be set for an Ephemeral Container, spec.ephemeralContainers[0].readinessProbe: Forbidden: cannot be set for an Ephemeral Container]"
    );
    assert_eq!(
        add(&mut c, ec("Dbg", "")).unwrap_err(),
        "Pod \"web-0\" is invalid: [spec.ephemeralContainers[0].name: Invalid value: \"Dbg\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?'), spec.ephemeralContainers[0].image: Required value]"
    );
    assert_eq!(c.resource_version(), rv, "a refused update wrote");
    add(&mut c, ec("dbg", "busybox:1.28")).unwrap();
    // Existing ones may not be changed or removed, through the subresource…
    let mut p = pod(&c, "web-0").unwrap().clone();
    p.spec.ephemeral_containers[0].container.image = Some("busybox:1.36".into());
    assert_eq!(
        c.update_ephemeral_containers(p).unwrap_err().message,
        "Pod \"web-0\" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers \"dbg\" may not be changed\n"
    );
    let mut p = pod(&c, "web-0").unwrap().clone();
    p.spec.ephemeral_containers.clear();
    assert_eq!(
        c.update_ephemeral_containers(p).unwrap_err().message,
        "Pod \"web-0\" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers \"dbg\" may not be removed\n"
    );
    // …nor added or removed through a plain update, nor set on create.
    let mut p = pod(&c, "web-0").unwrap().clone();
    p.spec
        .ephemeral_containers
        .push(ec("other", "busybox:1.28"));
    let e = c.update(Object::Pod(Box::new(p))).unwrap_err().message;
    assert!(
        e.starts_with("Pod \"web-0\" is invalid: spec: Forbidden: pod updates may not change fields other than"),
        "{e}"
    );
    let mut fresh = Pod::default();
    fresh.metadata.name = "x".into();
    fresh.metadata.namespace = "default".into();
    fresh.spec.containers.push(Container {
        name: "c".into(),
        image: Some("busybox:1.28".into()),
        ..Default::default()
    });
    fresh
        .spec
        .ephemeral_containers
        .push(ec("e", "busybox:1.28"));
    assert_eq!(
        c.create(Object::Pod(Box::new(fresh))).unwrap_err().message,
        "Pod \"x\" is invalid: spec.ephemeralContainers: Forbidden: cannot be set on create"
    );
    // Only the ephemeral containers are taken from the body (`dropNonEphemeralContainerUpdates`).
    let mut p = pod(&c, "web-0").unwrap().clone();
    p.metadata.labels.insert("x".into(), "y".into());
    p.spec.ephemeral_containers.push(ec("two", "busybox:1.28"));
    c.update_ephemeral_containers(p).unwrap();
    let p = pod(&c, "web-0").unwrap();
    assert!(!p.metadata.labels.contains_key("x"));
    let defaulted = &p.spec.ephemeral_containers[1].container;
    assert_eq!(defaulted.image_pull_policy.as_deref(), Some("IfNotPresent"));
    assert_eq!(
        defaulted.termination_message_policy.as_deref(),
        Some("File")
    );
}

#[test]
fn the_kubelet_starts_them_once_and_never_restarts_them() {
    let mut c = web(5);
    let mut e = ec("dbg", "busybox:1.28");
    e.container.command = vec!["sh".into(), "-c".into(), "sleep 5".into()];
    add(&mut c, e).unwrap();
    wait_until(&mut c, 60_000, "dbg runs", |c| {
        ephemeral_status(c, "dbg").is_some_and(|s| s.state.running.is_some())
    });
    let s = ephemeral_status(&c, "dbg").unwrap();
    assert!(!s.ready, "an ephemeral container is never ready");
    let p = pod(&c, "web-0").unwrap();
    assert!(p.is_ready(), "the pod's readiness does not count it");
    assert_eq!(ordinal_sim::printers::pod_ready(p), "1/1");
    let events: Vec<(String, String)> = c
        .list_as::<Event>(Some("default"))
        .into_iter()
        .filter(|e| {
            e.involved_object.field_path.as_deref() == Some("spec.ephemeralContainers{dbg}")
        })
        .map(|e| {
            (
                e.reason.as_deref().unwrap_or_default().to_string(),
                e.message.clone().unwrap_or_default(),
            )
        })
        .collect();
    let reasons: Vec<&str> = events.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(reasons, ["Pulling", "Pulled", "Created", "Started"]);
    assert_eq!(events[2].1, "Created container: dbg");
    // It ends after its sleep and stays ended, though the pod's restartPolicy is Always.
    c.advance(120_000);
    let s = ephemeral_status(&c, "dbg").unwrap();
    assert_eq!(s.restart_count, 0);
    assert_eq!(
        s.state
            .terminated
            .as_ref()
            .and_then(|t| t.reason.as_deref()),
        Some("Completed")
    );
    assert_eq!(pod(&c, "web-0").unwrap().phase(), "Running");
}

#[test]
fn a_target_shares_its_processes() {
    let mut c = web(7);
    let mut e = ec("dbg", "busybox:1.28");
    e.container.stdin = Some(true);
    e.container.target_container_name = Some("nginx".into());
    add(&mut c, e).unwrap();
    let mut plain = ec("alone", "busybox:1.28");
    plain.container.stdin = Some(true);
    add(&mut c, plain).unwrap();
    wait_until(&mut c, 60_000, "both run", |c| {
        ["dbg", "alone"]
            .iter()
            .all(|n| ephemeral_status(c, n).is_some_and(|s| s.state.running.is_some()))
    });
    let ps = |c: &mut Cluster, container: &str| {
        c.exec("default", "web-0", Some(container), &["ps".to_string()], "")
            .expect("ps runs")
            .stdout
    };
    assert_eq!(
        ps(&mut c, "dbg"),
        "PID   USER     TIME  COMMAND\n    1 root      0:00 nginx: master process nginx -g daemon off;\n   29 101       0:00 nginx: worker process\n   30 root      0:00 sh\n   36 root      0:00 ps\n"
    );
    assert_eq!(
        ps(&mut c, "alone"),
        "PID   USER     TIME  COMMAND\n    1 root      0:00 sh\n    7 root      0:00 ps\n"
    );
    // nginx's image has no ps.
    let r = c
        .exec("default", "web-0", None, &["ps".to_string()], "")
        .map(|r| r.exit_code);
    assert_ne!(r, Ok(0));
}

#[test]
fn a_second_one_starts_too() {
    let mut c = web(9);
    add(&mut c, ec("one", "busybox:1.28")).unwrap();
    wait_until(&mut c, 60_000, "one ends", |c| {
        ephemeral_status(c, "one").is_some_and(|s| s.state.terminated.is_some())
    });
    let mut two = ec("two", "busybox:1.28");
    two.container.command = vec!["sleep".into(), "3600".into()];
    add(&mut c, two).unwrap();
    wait_until(&mut c, 60_000, "two runs", |c| {
        ephemeral_status(c, "two").is_some_and(|s| s.state.running.is_some())
    });
}

// `targetContainerName` belongs to ephemeral containers only. `Container` carries it so that both
// decode through one deserializer, so in an app or init container it must still be the API
// server's unknown field, and dropped.
#[test]
fn a_target_in_an_app_or_init_container_is_an_unknown_field() {
    let pod = serde_json::json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "p", "namespace": "default"},
        "spec": {
            "initContainers": [{"name": "i", "image": "busybox:1.28", "targetContainerName": "c"}],
            "containers": [{"name": "c", "image": "nginx", "targetContainerName": "i"}],
            "ephemeralContainers": [{"name": "e", "image": "busybox:1.28", "targetContainerName": "c"}],
        },
    });
    let err = Object::decode_body(Kind::Pod, pod.clone(), ordinal_sim::FieldValidation::Strict)
        .unwrap_err();
    assert_eq!(
        err.message,
        "Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \
         \"spec.containers[0].targetContainerName\", unknown field \
         \"spec.initContainers[0].targetContainerName\""
    );
    let (obj, warnings) =
        Object::decode_body(Kind::Pod, pod, ordinal_sim::FieldValidation::Warn).unwrap();
    assert_eq!(warnings.len(), 2);
    let p = Pod::from_object(&obj).unwrap();
    assert_eq!(p.spec.containers[0].target_container_name, None);
    assert_eq!(p.spec.init_containers[0].target_container_name, None);
    assert_eq!(
        p.spec.ephemeral_containers[0]
            .container
            .target_container_name
            .as_deref(),
        Some("c")
    );
}
