//! Ports of upstream's Deployment tests: the pure helpers of `deployment_util_test.go`
//! (`TestNewRSNewReplicas`, `TestResolveFenceposts`, `TestMaxUnavailable`,
//! `TestDeploymentComplete`, `TestDeploymentProgressing`, `TestDeploymentTimedOut`), and the
//! e2e cases of `test/e2e/apps/deployment.go` through the real controllers (rolling update,
//! recreate, cleanup policy, rollover, proportional scaling, rollback, orphaning and
//! adoption), each named after the case it ports; plus the pod-template-hash of kubernetes.io's
//! example and the stuck rollout a mistyped image tag makes.

use crate::invariants::Checker;
use crate::support::*;
use ordinal_sim::api::*;
use ordinal_sim::controllers::deployment::util;
use ordinal_sim::patch::PatchType;
use ordinal_sim::{Cluster, DeleteOptions, Propagation, Time, WatchEventType};
use serde_json::{json, Value};

const NGINX_DEPLOYMENT_YAML: &str =
    include_str!("../../../../examples/k8s-io-nginx-deployment.yaml");
const LIMIT_MS: u64 = 600_000;

/// A Deployment with `maxSurge`/`maxUnavailable` and the given strategy, as the e2e
/// framework's `NewDeployment` builds it (labels `name: <name>`).
fn deployment(name: &str, replicas: i32, image: &str, strategy: Value) -> Deployment {
    let v = json!({
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"name": name}},
            "strategy": strategy,
            "template": {
                "metadata": {"labels": {"name": name}},
                "spec": {"containers": [{"name": "webserver", "image": image}]},
            },
        },
    });
    match Object::decode(Kind::Deployment, v) {
        Ok((Object::Deployment(d), _)) => *d,
        other => panic!("not a deployment: {other:?}"),
    }
}

fn rolling(surge: Value, unavailable: Value) -> Value {
    json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable}})
}

fn get(c: &Cluster, name: &str) -> Deployment {
    c.get_as::<Deployment>("default", name)
        .cloned()
        .expect("the deployment exists")
}

fn replica_sets(c: &Cluster, d: &str) -> Vec<ReplicaSet> {
    let uid = get(c, d).metadata.uid;
    c.list_as::<ReplicaSet>(Some("default"))
        .into_iter()
        .filter(|rs| rs.metadata.controller_ref().is_some_and(|r| r.uid == uid))
        .cloned()
        .collect()
}

fn new_rs(c: &Cluster, d: &str) -> Option<ReplicaSet> {
    let dep = get(c, d);
    replica_sets(c, d)
        .into_iter()
        .find(|rs| util::equal_ignore_hash(&rs.spec.template, &dep.spec.template))
}

fn set_image(c: &mut Cluster, d: &str, image: &str) {
    c.patch(
        Kind::Deployment,
        "default",
        d,
        PatchType::Strategic,
        &json!({"spec": {"template": {"spec": {"containers": [{"name": "webserver", "image": image}]}}}}),
    )
    .expect("patched");
}

fn complete(c: &Cluster, d: &str) -> bool {
    let dep = get(c, d);
    util::deployment_complete(&dep, &dep.status)
}

fn events(c: &Cluster, reason: &str) -> Vec<String> {
    c.list_as::<Event>(Some("default"))
        .iter()
        .filter(|e| e.reason.as_deref() == Some(reason))
        .filter_map(|e| e.message.clone())
        .collect()
}

#[test]
fn new_rs_new_replicas() {
    // (name, recreate, deployment replicas, new ReplicaSet's, maxSurge, expected); the other
    // ReplicaSet has 5.
    for (name, recreate, dep, new, surge, want) in [
        ("can not scale up - to newRSReplicas", false, 1, 5, 1, 5),
        ("scale up - to depReplicas", false, 6, 2, 10, 6),
        ("recreate - to depReplicas", true, 3, 1, 1, 3),
    ] {
        let strategy = if recreate {
            json!({"type": "Recreate"})
        } else {
            rolling(json!(surge), json!(1))
        };
        let mut d = deployment("nginx", dep, "nginx", strategy);
        if recreate {
            d.spec.strategy.rolling_update = Some(RollingUpdateDeployment {
                max_unavailable: Some(json!(1)),
                max_surge: Some(json!(surge)),
            });
        }
        let mut new_rs = ReplicaSet::default();
        new_rs.spec.replicas = Some(new);
        let mut rs5 = ReplicaSet::default();
        rs5.spec.replicas = Some(5);
        assert_eq!(
            util::new_rs_new_replicas(&d, &[&rs5], &new_rs),
            want,
            "{name}"
        );
    }
}

#[test]
fn resolve_fenceposts() {
    // (maxSurge, maxUnavailable, desired, surge, unavailable)
    for (surge, unavailable, desired, want_surge, want_unavailable) in [
        (json!("0%"), json!("0%"), 0, 0, 1),
        (json!("39%"), json!("39%"), 10, 4, 3),
        (Value::Null, json!("39%"), 10, 0, 3),
        (json!("39%"), Value::Null, 10, 4, 0),
        (Value::Null, Value::Null, 10, 0, 1),
    ] {
        let mut d = deployment("nginx", desired, "nginx", json!({"type": "RollingUpdate"}));
        d.spec.strategy.rolling_update = Some(RollingUpdateDeployment {
            max_surge: (!surge.is_null()).then(|| surge.clone()),
            max_unavailable: (!unavailable.is_null()).then(|| unavailable.clone()),
        });
        assert_eq!(
            util::resolve_fenceposts(&d),
            (want_surge, want_unavailable),
            "{surge} {unavailable} {desired}"
        );
    }
}

#[test]
fn max_unavailable() {
    for (name, replicas, unavailable, want) in [
        ("maxUnavailable less than replicas", 10, json!(5), 5),
        ("maxUnavailable equal replicas", 10, json!(10), 10),
        ("maxUnavailable greater than replicas", 5, json!(10), 5),
        ("maxUnavailable with replicas is 0", 0, json!(10), 0),
        (
            "maxUnavailable less than replicas with percents",
            10,
            json!("50%"),
            5,
        ),
        (
            "maxUnavailable equal replicas with percents",
            10,
            json!("100%"),
            10,
        ),
        (
            "maxUnavailable greater than replicas with percents",
            5,
            json!("100%"),
            5,
        ),
    ] {
        let d = deployment("nginx", replicas, "nginx", rolling(json!(1), unavailable));
        assert_eq!(util::max_unavailable(&d), want, "{name}");
    }
    let d = deployment("nginx", 3, "nginx", json!({"type": "Recreate"}));
    assert_eq!(
        util::max_unavailable(&d),
        0,
        "maxUnavailable with Recreate deployment strategy"
    );
}

#[test]
fn deployment_complete() {
    for (name, desired, current, updated, available, unavailable, surge, want) in [
        (
            "not complete: min but not all pods become available",
            5,
            5,
            5,
            4,
            1,
            0,
            false,
        ),
        (
            "not complete: min availability is not honored",
            5,
            5,
            5,
            3,
            1,
            0,
            false,
        ),
        ("complete", 5, 5, 5, 5, 0, 0, true),
        (
            "not complete: all pods are available but not updated",
            5,
            5,
            4,
            5,
            0,
            0,
            false,
        ),
        (
            "not complete: still running old pods",
            1,
            2,
            1,
            1,
            0,
            1,
            false,
        ),
        (
            "not complete: one replica deployment never comes up",
            1,
            1,
            1,
            0,
            1,
            1,
            false,
        ),
    ] {
        let mut d = deployment(
            "nginx",
            desired,
            "nginx",
            rolling(json!(surge), json!(unavailable)),
        );
        d.status.replicas = current;
        d.status.updated_replicas = updated;
        d.status.available_replicas = available;
        assert_eq!(util::deployment_complete(&d, &d.status), want, "{name}");
    }
}

#[test]
fn deployment_progressing() {
    let status = |current, updated, ready, available| DeploymentStatus {
        replicas: current,
        updated_replicas: updated,
        ready_replicas: ready,
        available_replicas: available,
        ..Default::default()
    };
    for (name, old, new, want) in [
        (
            "progressing: updated pods",
            status(10, 4, 4, 4),
            status(10, 6, 4, 4),
            true,
        ),
        (
            "not progressing",
            status(10, 4, 4, 4),
            status(10, 4, 4, 4),
            false,
        ),
        (
            "progressing: old pods removed",
            status(10, 4, 6, 6),
            status(8, 4, 6, 6),
            true,
        ),
        (
            "not progressing: less new pods",
            status(10, 7, 3, 3),
            status(10, 6, 3, 3),
            false,
        ),
        (
            "progressing: less overall but more new pods",
            status(10, 4, 7, 7),
            status(8, 8, 5, 5),
            true,
        ),
        (
            "progressing: more ready pods",
            status(10, 10, 9, 8),
            status(10, 10, 10, 8),
            true,
        ),
        (
            "progressing: more available pods",
            status(10, 10, 10, 9),
            status(10, 10, 10, 10),
            true,
        ),
    ] {
        let d = Deployment {
            status: old,
            ..Default::default()
        };
        assert_eq!(util::deployment_progressing(&d, &new), want, "{name}");
    }
}

#[test]
fn deployment_timed_out() {
    // 2016-01-01T00:MM:SSZ.
    let at = |min: u64, sec: u64| Time(1_451_606_400_000 + (min * 60 + sec) * 1000);
    let with = |deadline: Option<i32>, reason: &str, from: Time| {
        let mut d = Deployment::default();
        d.spec.progress_deadline_seconds = deadline;
        d.status.conditions = vec![DeploymentCondition {
            type_: "Progressing".into(),
            status: "True".into(),
            reason: reason.into(),
            last_update_time: Some(from),
            ..Default::default()
        }];
        d
    };
    for (name, d, now, want) in [
        (
            "nil progressDeadlineSeconds specified - no timeout",
            with(None, "", at(1, 9)),
            at(1, 20),
            false,
        ),
        (
            "infinite progressDeadlineSeconds specified - no timeout",
            with(Some(i32::MAX), "", at(1, 9)),
            at(1, 20),
            false,
        ),
        (
            "progressDeadlineSeconds: 10s, now - started => 00:01:20 - 00:01:09 => 11s",
            with(Some(10), "", at(1, 9)),
            at(1, 20),
            true,
        ),
        (
            "progressDeadlineSeconds: 10s, now - started => 00:01:20 - 00:01:11 => 9s",
            with(Some(10), "", at(1, 11)),
            at(1, 20),
            false,
        ),
        (
            "previous status was a complete deployment",
            with(None, util::NEW_RS_AVAILABLE, Time(0)),
            at(1, 20),
            false,
        ),
    ] {
        assert_eq!(
            util::deployment_timed_out(&d, &d.status, now),
            want,
            "{name}"
        );
    }
}

/// kubernetes.io's nginx-deployment.yaml gets the ReplicaSet a v1.33 cluster gives it: the
/// pod-template-hash of its defaulted template.
#[test]
fn the_k8s_io_example_gets_its_v1_33_pod_template_hash() {
    let mut c = Cluster::new(1);
    apply(&mut c, NGINX_DEPLOYMENT_YAML);
    let rs = new_rs(&c, "nginx-deployment").expect("a ReplicaSet");
    assert_eq!(rs.metadata.name, "nginx-deployment-647677fc66");
    for labels in [
        &rs.metadata.labels,
        &rs.spec.template.metadata.labels,
        &rs.spec.selector.clone().unwrap_or_default().match_labels,
    ] {
        assert_eq!(
            labels.get("pod-template-hash").map(String::as_str),
            Some("647677fc66")
        );
    }
    let a = &rs.metadata.annotations;
    assert_eq!(a.get(util::REVISION).map(String::as_str), Some("1"));
    assert_eq!(a.get(util::DESIRED_REPLICAS).map(String::as_str), Some("3"));
    assert_eq!(a.get(util::MAX_REPLICAS).map(String::as_str), Some("4"));
    assert_eq!(
        events(&c, "ScalingReplicaSet"),
        ["Scaled up replica set nginx-deployment-647677fc66 from 0 to 3"]
    );
}

/// `testDeleteDeployment`: deployment reaping should cascade to its replica sets and pods.
#[test]
fn deployment_reaping_should_cascade_to_its_replica_sets_and_pods() {
    let mut c = Cluster::new(1);
    let d = deployment("test-new-deployment", 1, "nginx:1.27", json!({}));
    c.create(d.into()).expect("created");
    wait_until(&mut c, LIMIT_MS, "the rollout", |c| {
        complete(c, "test-new-deployment")
    });
    c.delete(
        Kind::Deployment,
        "default",
        "test-new-deployment",
        &DeleteOptions {
            propagation: Some(Propagation::Background),
            ..Default::default()
        },
    )
    .expect("deleted");
    c.settle();
    assert!(c.list_as::<ReplicaSet>(Some("default")).is_empty());
    assert!(c.list_as::<Pod>(Some("default")).is_empty());
}

/// `testRollingUpdateDeployment`: a Deployment adopts an existing ReplicaSet of its selector,
/// rolls its pods to the new template, and takes a revision one above the adopted one's.
#[test]
fn rolling_update_deployment_should_delete_old_pods_and_create_new_ones() {
    let mut c = Cluster::new(1);
    let mut chk = Checker::new(&c);
    let rs_yaml = "apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: test-rolling-update-controller
  labels:
    name: sample-pod
    pod: httpd
  annotations:
    deployment.kubernetes.io/revision: \"3546343826724305832\"
spec:
  replicas: 1
  selector:
    matchLabels:
      name: sample-pod
      pod: httpd
  template:
    metadata:
      labels:
        name: sample-pod
        pod: httpd
    spec:
      containers:
      - name: httpd
        image: docker.io/library/httpd:2.4.38-alpine
";
    apply(&mut c, rs_yaml);
    wait_until(&mut c, LIMIT_MS, "the old pod", |c| {
        c.list_as::<Pod>(Some("default"))
            .iter()
            .any(|p| p.is_ready())
    });
    let mut d = deployment(
        "test-rolling-update-deployment",
        1,
        "registry.k8s.io/e2e-test-images/agnhost:2.53",
        json!({"type": "RollingUpdate"}),
    );
    let labels: Labels = [("name", "sample-pod")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    d.spec.selector = Some(LabelSelector {
        match_labels: labels.clone(),
        ..Default::default()
    });
    d.spec.template.metadata.labels = labels.into();
    c.create(d.into()).expect("created");
    chk.assert(&c);
    wait_until(&mut c, LIMIT_MS, "the rollout", |c| {
        complete(c, "test-rolling-update-deployment")
    });
    chk.assert(&c);
    let dep = get(&c, "test-rolling-update-deployment");
    assert_eq!(
        dep.metadata
            .annotations
            .get(util::REVISION)
            .map(String::as_str),
        Some("3546343826724305833")
    );
    let rss = replica_sets(&c, "test-rolling-update-deployment");
    assert_eq!(rss.len(), 2, "the adopted one and the new one");
    let old = rss
        .iter()
        .find(|rs| rs.metadata.name == "test-rolling-update-controller")
        .expect("the old ReplicaSet is adopted");
    assert_eq!(util::replicas(old), 0);
    c.settle();
    let pods: Vec<String> = c
        .list_as::<Pod>(Some("default"))
        .iter()
        .map(|p| p.spec.containers[0].image.clone().unwrap_or_default())
        .collect();
    assert_eq!(pods, ["registry.k8s.io/e2e-test-images/agnhost:2.53"]);
}

/// `testRecreateDeployment`: no pod of the new template is created while an old one exists.
#[test]
fn recreate_deployment_should_delete_old_pods_and_create_new_ones() {
    let mut c = Cluster::new(1);
    let d = deployment(
        "test-recreate-deployment",
        1,
        "nginx:1.25",
        json!({"type": "Recreate"}),
    );
    c.create(d.into()).expect("created");
    wait_until(&mut c, LIMIT_MS, "the rollout", |c| {
        complete(c, "test-recreate-deployment")
    });
    let from = c.store().resource_version();
    set_image(&mut c, "test-recreate-deployment", "nginx:1.27");
    wait_until(&mut c, LIMIT_MS, "the second rollout", |c| {
        complete(c, "test-recreate-deployment")
    });
    // Replay the pods' history: a new-template pod appears only once no old one is left.
    let mut live: std::collections::BTreeMap<String, String> = Default::default();
    let history = c.store().events_since(from).expect("the log keeps them");
    for ev in history {
        let Object::Pod(p) = &*ev.object else {
            continue;
        };
        let image = p.spec.containers[0].image.clone().unwrap_or_default();
        match ev.type_ {
            WatchEventType::Deleted => {
                live.remove(&p.metadata.name);
            }
            WatchEventType::Added => {
                if image == "nginx:1.27" {
                    assert!(
                        live.values().all(|i| i == "nginx:1.27"),
                        "{} created while old pods exist: {live:?}",
                        p.metadata.name
                    );
                }
                live.insert(p.metadata.name.clone(), image);
            }
            _ => {}
        }
    }
    let scaling = events(&c, "ScalingReplicaSet");
    assert_eq!(scaling.len(), 3, "{scaling:?}");
    assert!(scaling[1].starts_with("Scaled down replica set test-recreate-deployment-"));
    assert!(scaling[1].ends_with(" from 1 to 0"));
}

/// `testDeploymentCleanUpPolicy`: with revisionHistoryLimit 0 the old ReplicaSet is deleted.
#[test]
fn deployment_should_delete_old_replica_sets() {
    let mut c = Cluster::new(1);
    let mut d = deployment("test-cleanup-deployment", 1, "nginx:1.25", json!({}));
    d.spec.revision_history_limit = Some(0);
    c.create(d.into()).expect("created");
    wait_until(&mut c, LIMIT_MS, "the rollout", |c| {
        complete(c, "test-cleanup-deployment")
    });
    set_image(&mut c, "test-cleanup-deployment", "nginx:1.27");
    wait_until(&mut c, LIMIT_MS, "one ReplicaSet left", |c| {
        complete(c, "test-cleanup-deployment")
            && replica_sets(c, "test-cleanup-deployment").len() == 1
    });
}

/// `testRolloverDeployment`: a template changed mid-rollout scales the intermediate
/// ReplicaSet down to 0 and the newest up.
#[test]
fn deployment_should_support_rollover() {
    let mut c = Cluster::new(1);
    let mut chk = Checker::new(&c);
    let mut d = deployment(
        "test-rollover-deployment",
        1,
        "nginx:1.25",
        rolling(json!(1), json!(0)),
    );
    d.spec.min_ready_seconds = 10;
    c.create(d.into()).expect("created");
    wait_until(&mut c, LIMIT_MS, "the rollout", |c| {
        complete(c, "test-rollover-deployment")
    });
    // A tag that does not exist: the new pod never becomes available.
    set_image(&mut c, "test-rollover-deployment", "nginx:1.161");
    chk.assert(&c);
    c.advance(20_000);
    let stuck = new_rs(&c, "test-rollover-deployment").expect("the new ReplicaSet");
    assert_eq!(util::replicas(&stuck), 1);
    set_image(&mut c, "test-rollover-deployment", "nginx:1.27");
    chk.assert(&c);
    wait_until(&mut c, LIMIT_MS, "the rollover", |c| {
        complete(c, "test-rollover-deployment")
    });
    chk.assert(&c);
    let rss = replica_sets(&c, "test-rollover-deployment");
    assert_eq!(rss.len(), 3);
    let newest = new_rs(&c, "test-rollover-deployment").expect("the newest");
    for rs in rss {
        let want = if rs.metadata.uid == newest.metadata.uid {
            1
        } else {
            0
        };
        assert_eq!(util::replicas(&rs), want, "{}", rs.metadata.name);
    }
}

/// `testProportionalScalingDeployment`: scaling a stuck rollout from 10 to 30 splits the 20
/// new replicas 12/8 between the old and the new ReplicaSet, by their sizes (8 and 5).
#[test]
fn deployment_should_support_proportional_scaling() {
    let mut c = Cluster::new(1);
    let d = deployment(
        "webserver-deployment",
        10,
        "nginx:1.25",
        rolling(json!(3), json!(2)),
    );
    c.create(d.into()).expect("created");
    wait_until(&mut c, LIMIT_MS, "the rollout", |c| {
        complete(c, "webserver-deployment")
    });
    let first = new_rs(&c, "webserver-deployment").expect("the first ReplicaSet");
    set_image(&mut c, "webserver-deployment", "nginx:404");
    wait_until(&mut c, LIMIT_MS, "8 old and 5 new replicas", |c| {
        let rss = replica_sets(c, "webserver-deployment");
        let size = |uid: &str| {
            rss.iter()
                .find(|r| r.metadata.uid == uid)
                .map_or(-1, util::replicas)
        };
        let second = new_rs(c, "webserver-deployment");
        size(&first.metadata.uid) == 8 && second.is_some_and(|s| util::replicas(&s) == 5)
    });
    let second = new_rs(&c, "webserver-deployment").expect("the second ReplicaSet");
    c.patch(
        Kind::Deployment,
        "default",
        "webserver-deployment",
        PatchType::Merge,
        &json!({"spec": {"replicas": 30}}),
    )
    .expect("scaled");
    let size = |c: &Cluster, rs: &ReplicaSet| {
        c.get_as::<ReplicaSet>("default", &rs.metadata.name)
            .map_or(-1, util::replicas)
    };
    assert_eq!(size(&c, &first), 20);
    assert_eq!(size(&c, &second), 13);
}

/// `testRollbackDeployment` (as `kubectl rollout undo` does it in v1.33: the old template is
/// written back): the old ReplicaSet becomes the new one, with the next revision and the
/// revision it had in `revision-history`.
#[test]
fn deployment_rollback_takes_the_old_replica_set_back() {
    let mut c = Cluster::new(1);
    let d = deployment("test-rollback-deployment", 2, "nginx:1.25", json!({}));
    c.create(d.into()).expect("created");
    wait_until(&mut c, LIMIT_MS, "revision 1", |c| {
        complete(c, "test-rollback-deployment")
    });
    let first = new_rs(&c, "test-rollback-deployment").expect("revision 1");
    set_image(&mut c, "test-rollback-deployment", "nginx:1.27");
    wait_until(&mut c, LIMIT_MS, "revision 2", |c| {
        complete(c, "test-rollback-deployment")
    });
    set_image(&mut c, "test-rollback-deployment", "nginx:1.25");
    wait_until(&mut c, LIMIT_MS, "the rollback", |c| {
        complete(c, "test-rollback-deployment")
    });
    let back = new_rs(&c, "test-rollback-deployment").expect("the new ReplicaSet");
    assert_eq!(back.metadata.name, first.metadata.name);
    let a = &back.metadata.annotations;
    assert_eq!(a.get(util::REVISION).map(String::as_str), Some("3"));
    assert_eq!(a.get(util::REVISION_HISTORY).map(String::as_str), Some("1"));
    let dep = get(&c, "test-rollback-deployment");
    assert_eq!(
        dep.metadata
            .annotations
            .get(util::REVISION)
            .map(String::as_str),
        Some("3")
    );
}

/// `testDeploymentsControllerRef`: a Deployment deleted with `orphan` leaves its ReplicaSet
/// without a controller, and a new Deployment with the same selector adopts it.
#[test]
fn deployment_replica_set_orphaning_and_adoption_regarding_controller_ref() {
    let mut c = Cluster::new(1);
    let d = deployment("test-orphan-deployment", 1, "nginx:1.25", json!({}));
    c.create(d.into()).expect("created");
    wait_until(&mut c, LIMIT_MS, "the rollout", |c| {
        complete(c, "test-orphan-deployment")
    });
    let rs = new_rs(&c, "test-orphan-deployment").expect("its ReplicaSet");
    c.delete(
        Kind::Deployment,
        "default",
        "test-orphan-deployment",
        &DeleteOptions {
            propagation: Some(Propagation::Orphan),
            ..Default::default()
        },
    )
    .expect("deleted");
    c.settle();
    let orphan = c
        .get_as::<ReplicaSet>("default", &rs.metadata.name)
        .expect("the ReplicaSet stays");
    assert!(orphan.metadata.controller_ref().is_none());
    let mut d = deployment("test-adopt-deployment", 1, "nginx:1.25", json!({}));
    d.spec.selector = rs.spec.selector.clone().map(|mut s| {
        s.match_labels.remove("pod-template-hash");
        s
    });
    d.spec.template.metadata.labels = d
        .spec
        .selector
        .clone()
        .unwrap_or_default()
        .match_labels
        .into();
    c.create(d.into()).expect("created");
    c.settle();
    let adopted = c
        .get_as::<ReplicaSet>("default", &rs.metadata.name)
        .expect("still there");
    let owner = adopted.metadata.controller_ref().expect("adopted");
    assert_eq!(owner.name, "test-adopt-deployment");
    assert_eq!(replica_sets(&c, "test-adopt-deployment").len(), 1);
}

/// A paused Deployment starts no rollout; resuming starts it.
#[test]
fn a_paused_deployment_starts_no_rollout_until_resumed() {
    let mut c = Cluster::new(1);
    let d = deployment("paused", 2, "nginx:1.25", json!({}));
    c.create(d.into()).expect("created");
    wait_until(&mut c, LIMIT_MS, "the rollout", |c| complete(c, "paused"));
    let patch = |c: &mut Cluster, v: Value| {
        c.patch(Kind::Deployment, "default", "paused", PatchType::Merge, &v)
            .expect("patched");
    };
    patch(&mut c, json!({"spec": {"paused": true}}));
    set_image(&mut c, "paused", "nginx:1.27");
    c.advance(60_000);
    assert_eq!(replica_sets(&c, "paused").len(), 1);
    let cond = get(&c, "paused")
        .condition("Progressing")
        .cloned()
        .expect("set");
    assert_eq!(
        (cond.status.as_str(), cond.reason.as_str()),
        ("Unknown", util::PAUSED)
    );
    assert!(c
        .waiting_reason(Kind::Deployment, "default", "paused")
        .is_some_and(|w| w.contains("paused")));
    patch(&mut c, json!({"spec": {"paused": false}}));
    wait_until(&mut c, LIMIT_MS, "the rollout", |c| complete(c, "paused"));
    assert_eq!(replica_sets(&c, "paused").len(), 2);
}

/// A mistyped tag: one surge pod in ImagePullBackOff, the old pods still serving, the
/// waiting line naming maxUnavailable, and after progressDeadlineSeconds the Progressing
/// condition False with ProgressDeadlineExceeded.
#[test]
fn a_mistyped_tag_stalls_the_rollout_until_the_progress_deadline() {
    let mut c = Cluster::new(1);
    apply(&mut c, NGINX_DEPLOYMENT_YAML);
    wait_until(&mut c, LIMIT_MS, "the rollout", |c| {
        complete(c, "nginx-deployment")
    });
    c.patch(
        Kind::Deployment,
        "default",
        "nginx-deployment",
        PatchType::Strategic,
        &json!({"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.161"}]}}}}),
    )
    .expect("patched");
    c.advance(120_000);
    let pods = c.list_as::<Pod>(Some("default"));
    let stuck: Vec<&&Pod> = pods
        .iter()
        .filter(|p| status(p) == "ImagePullBackOff")
        .collect();
    assert_eq!(stuck.len(), 1);
    assert_eq!(pods.iter().filter(|p| p.is_ready()).count(), 3);
    assert_eq!(
        c.waiting_reason(Kind::Deployment, "default", "nginx-deployment"),
        Some("rollout waits: maxUnavailable reached (0 of 3 pods unavailable)")
    );
    let pulled = events(&c, "Failed");
    assert!(
        pulled
            .iter()
            .any(|m| m.contains("docker.io/library/nginx:1.161: not found")),
        "{pulled:?}"
    );
    c.advance(600_000);
    let cond = get(&c, "nginx-deployment")
        .condition("Progressing")
        .cloned()
        .expect("set");
    assert_eq!(
        (cond.status.as_str(), cond.reason.as_str()),
        ("False", util::TIMED_OUT)
    );
    assert!(cond.message.ends_with("has timed out progressing."));
}

/// Replicas that share one ReadWriteOnce claim of kind's local-path class: the claim binds on
/// the first pod's node, the others follow it there (the volume's node affinity), and one that
/// cannot go there stays Pending with the scheduler's volume node affinity message.
#[test]
fn replicas_sharing_a_read_write_once_claim_stay_on_its_node() {
    let mut c = Cluster::new(1);
    apply(
        &mut c,
        "apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
",
    );
    let mut d = deployment("shared", 3, "nginx:1.27", json!({}));
    d.spec.template.spec.volumes = vec![Volume {
        name: "data".into(),
        persistent_volume_claim: Some(PvcVolumeSource {
            claim_name: "data".into(),
            read_only: None,
        }),
        ..Default::default()
    }];
    c.create(d.into()).expect("created");
    wait_until(&mut c, LIMIT_MS, "the rollout", |c| complete(c, "shared"));
    let nodes: std::collections::BTreeSet<String> = c
        .list_as::<Pod>(Some("default"))
        .iter()
        .filter_map(|p| p.spec.node_name.clone())
        .collect();
    assert_eq!(nodes.len(), 1, "{nodes:?}");
    let node = nodes.into_iter().next().unwrap_or_default();
    c.patch(
        Kind::Node,
        "",
        &node,
        PatchType::Merge,
        &json!({"spec": {"unschedulable": true}}),
    )
    .expect("cordoned");
    c.patch(
        Kind::Deployment,
        "default",
        "shared",
        PatchType::Merge,
        &json!({"spec": {"replicas": 4}}),
    )
    .expect("scaled");
    c.advance(5_000);
    let pending: Vec<&Pod> = c
        .list_as::<Pod>(Some("default"))
        .into_iter()
        .filter(|p| p.phase() == "Pending")
        .collect();
    assert_eq!(pending.len(), 1);
    let why = events(&c, "FailedScheduling");
    assert!(
        why.iter()
            .any(|m| m.contains("1 node(s) had volume node affinity conflict")),
        "{why:?}"
    );
}

/// The playground's quota: a Deployment or ReplicaSet of more replicas than a browser tab holds
/// is refused, and nothing is stored.
#[test]
fn huge_replica_counts_are_refused_by_the_playground_quota() {
    let mut c = Cluster::new(1);
    let d = deployment("huge", i32::MAX, "nginx:1.27", json!({}));
    let e = c.create(d.into()).expect_err("refused");
    assert_eq!(
        e.message,
        "deployments.apps \"huge\" is forbidden: exceeded quota: playground, requested: replicas=2147483647, limit: replicas=10000 (this playground runs in one browser tab)"
    );
    assert!(c.list_as::<Deployment>(None).is_empty());
}

/// The API server's validation messages (v1.33 shows composite bad values with Go's `%#v`).
#[test]
fn validation_uses_the_api_servers_messages() {
    let mut c = Cluster::new(1);
    let cases = [
        (
            json!({"replicas": -1}),
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
        ),
        (
            json!({"selector": {"matchLabels": {"app": "other"}}}),
            "spec.template.metadata.labels: Invalid value: map[string]string{\"name\":\"bad\"}: `selector` does not match template `labels`",
        ),
        (
            json!({"selector": {"matchLabels": null}}),
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment",
        ),
        (
            json!({"strategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}}),
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0",
        ),
        (
            json!({"strategy": {"rollingUpdate": {"maxUnavailable": "150%"}}}),
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"150%\"}: must not be greater than 100%",
        ),
        (
            json!({"strategy": {"rollingUpdate": {"maxSurge": "3"}}}),
            "spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"3\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
        ),
        (
            json!({"strategy": {"type": "Recreate", "rollingUpdate": {"maxSurge": 1}}}),
            "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
        ),
        (
            json!({"minReadySeconds": 700}),
            "spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds",
        ),
    ];
    for (spec, want) in cases {
        let mut v = Object::from(deployment("bad", 1, "nginx:1.27", json!({}))).to_value();
        ordinal_sim::patch::merge_patch(&mut v["spec"], &spec);
        let (obj, _) = Object::decode(Kind::Deployment, v).expect("decodes");
        let e = c.create(obj).expect_err("refused");
        assert!(e.message.contains(want), "{spec}: got {}", e.message);
    }
}

/// The chaos runs' availability floor (invariant k) still sees a rollout that takes a
/// Deployment below `replicas - maxUnavailable`: here the old ReplicaSet scaled down by hand
/// under a stuck rollout, as a controller scaling on stale availability would. (Its exceptions,
/// a scaling event not yet carried out and a pod that lost readiness by itself, must not hide
/// this.)
#[test]
fn the_availability_floor_catches_an_old_replica_set_scaled_under_it() {
    let mut c = Cluster::new(1);
    let mut chk = Checker::new(&c);
    let d = deployment("floor", 3, "nginx:1.25", rolling(json!(1), json!(0)));
    c.create(d.into()).expect("created");
    wait_until(&mut c, LIMIT_MS, "the rollout", |c| complete(c, "floor"));
    chk.assert(&c);
    // A tag that does not exist: the new pod never becomes available, the old ReplicaSet keeps 3.
    set_image(&mut c, "floor", "nginx:1.161");
    c.advance(5_000);
    chk.assert(&c);
    let old = replica_sets(&c, "floor")
        .into_iter()
        .find(|rs| util::replicas(rs) == 3)
        .expect("the old ReplicaSet at 3");
    c.patch(
        Kind::ReplicaSet,
        "default",
        &old.metadata.name,
        PatchType::Merge,
        &json!({"spec": {"replicas": 1}}),
    )
    .expect("patched");
    c.advance(1_000);
    let err = chk.check(&c).expect_err("the floor is broken");
    assert!(
        err.contains(
            "Deployment floor has 1 available pods, fewer than replicas 3 - maxUnavailable 0"
        ),
        "{err}"
    );
}
