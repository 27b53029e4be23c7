//! Ports of upstream's ReplicaSet controller tests: `controller_utils_test.go`'s
//! `TestSortingActivePodsWithRanks`, and `replica_set_test.go`'s `TestGetPodsToDelete`,
//! `TestSlowStartBatch` and the sync cases that run through the real controller here (named
//! after the upstream test each ports).

use crate::support::*;
use ordinal_sim::api::*;
use ordinal_sim::controllers::replicaset::{self as rsc, active_pods_less, POD_DELETION_COST};
use ordinal_sim::patch::PatchType;
use ordinal_sim::{Cluster, DeleteOptions, Propagation, Time};
use serde_json::json;

/// `controller_utils_test.go`'s pod: ready pods get a Ready condition since `ready_since`
/// and a container with `restarts`.
#[allow(clippy::too_many_arguments)]
fn test_pod(
    name: &str,
    node: &str,
    phase: &str,
    ready: bool,
    restarts: i32,
    ready_since: Option<Time>,
    created: Option<Time>,
    cost: Option<&str>,
) -> Pod {
    let mut p = Pod {
        metadata: ObjectMeta {
            name: name.into(),
            creation_timestamp: created,
            ..Default::default()
        },
        spec: PodSpec {
            node_name: (!node.is_empty()).then(|| node.to_string()),
            ..Default::default()
        }
        .into(),
        status: PodStatus {
            phase: Some(phase.into()),
            ..Default::default()
        },
    };
    if ready {
        p.status.conditions.push(PodCondition {
            type_: "Ready".into(),
            status: "True".into(),
            last_transition_time: ready_since,
            ..Default::default()
        });
        p.status.container_statuses.push(ContainerStatus {
            restart_count: restarts,
            ready: true,
            ..Default::default()
        });
    }
    if let Some(cost) = cost {
        p.metadata
            .annotations
            .insert(POD_DELETION_COST.into(), cost.into());
    }
    p
}

const HOUR: u64 = 3_600_000;

#[test]
fn sorting_active_pods_with_ranks() {
    let now = Time(1_800_000_000_000);
    let ago = |ms: u64| Some(Time(now.0 - ms));
    let month = ago(30 * 24 * HOUR);
    let n = Some(now);
    let unscheduled = test_pod("unscheduled", "", "Pending", false, 0, None, None, None);
    let scheduled_pending = test_pod("pending", "node", "Pending", false, 0, None, None, None);
    let unknown_phase = test_pod(
        "unknown-phase",
        "node",
        "Unknown",
        false,
        0,
        None,
        None,
        None,
    );
    let running_not_ready = test_pod("not-ready", "node", "Running", false, 0, None, None, None);
    let ready_no_transition = test_pod(
        "ready-no-last-transition-time",
        "node",
        "Running",
        true,
        0,
        None,
        None,
        None,
    );
    let ready_now = test_pod("ready-now", "node", "Running", true, 0, n, n, None);
    let ready_then = test_pod("ready-then", "node", "Running", true, 0, month, month, None);
    let ready_high_restarts = test_pod(
        "ready-high-restarts",
        "node",
        "Running",
        true,
        9001,
        n,
        n,
        None,
    );
    let ready_now_created_then = test_pod(
        "ready-now-created-then",
        "node",
        "Running",
        true,
        0,
        n,
        month,
        None,
    );
    let low_cost = test_pod(
        "low-deletion-cost",
        "node",
        "Running",
        true,
        0,
        n,
        month,
        Some("10"),
    );
    let high_cost = test_pod(
        "high-deletion-cost",
        "node",
        "Running",
        true,
        0,
        n,
        month,
        Some("100"),
    );
    let unscheduled_5h = test_pod(
        "unscheduled-5-hours",
        "",
        "Pending",
        false,
        0,
        ago(5 * HOUR),
        ago(5 * HOUR),
        None,
    );
    let unscheduled_8h = test_pod(
        "unscheduled-10-hours",
        "",
        "Pending",
        false,
        0,
        ago(8 * HOUR),
        ago(8 * HOUR),
        None,
    );
    let ready_2h = test_pod(
        "ready-2-hours",
        "",
        "Running",
        true,
        0,
        ago(2 * HOUR),
        month,
        None,
    );
    let ready_5h = test_pod(
        "ready-5-hours",
        "",
        "Running",
        true,
        0,
        ago(5 * HOUR),
        month,
        None,
    );
    let ready_8h = test_pod(
        "ready-10-hours",
        "",
        "Running",
        true,
        0,
        ago(8 * HOUR),
        month,
        None,
    );

    // Equality tests: neither pod comes first.
    for (a, b) in [
        (&unscheduled, &unscheduled),
        (&scheduled_pending, &scheduled_pending),
        (&unknown_phase, &unknown_phase),
        (&running_not_ready, &running_not_ready),
        (&ready_now_created_then, &ready_now_created_then),
        (&ready_now, &ready_now),
        (&ready_then, &ready_then),
        (&ready_high_restarts, &ready_high_restarts),
        (&unscheduled_5h, &unscheduled_8h),
        (&ready_5h, &ready_8h),
    ] {
        let (x, y) = ((a, 1), (b, 1));
        assert!(
            !active_pods_less(&x, &y, now) && !active_pods_less(&y, &x, now),
            "{} and {} rank alike",
            a.metadata.name,
            b.metadata.name
        );
    }
    // Inequality tests: the lesser goes first (PodDeletionCost and LogarithmicScaleDown on, as
    // in v1.33).
    for ((a, ra), (b, rb)) in [
        ((&unscheduled, 1), (&scheduled_pending, 2)),
        ((&unscheduled, 2), (&scheduled_pending, 1)),
        ((&scheduled_pending, 1), (&unknown_phase, 2)),
        ((&unknown_phase, 1), (&running_not_ready, 2)),
        ((&running_not_ready, 1), (&ready_no_transition, 1)),
        ((&ready_no_transition, 1), (&ready_now, 1)),
        ((&ready_now, 2), (&ready_no_transition, 1)),
        ((&ready_now, 1), (&ready_then, 1)),
        ((&ready_now, 2), (&ready_then, 1)),
        ((&ready_high_restarts, 1), (&ready_now, 1)),
        ((&ready_now, 2), (&ready_high_restarts, 1)),
        ((&ready_now, 1), (&ready_now_created_then, 1)),
        ((&ready_now_created_then, 2), (&ready_now, 1)),
        ((&low_cost, 2), (&high_cost, 1)),
        ((&ready_2h, 1), (&ready_5h, 1)),
    ] {
        let (x, y) = ((a, ra), (b, rb));
        assert!(
            active_pods_less(&x, &y, now),
            "{} ({ra}) before {} ({rb})",
            a.metadata.name,
            b.metadata.name
        );
        assert!(!active_pods_less(&y, &x, now));
    }
}

#[test]
fn get_pods_to_delete() {
    let now = Time(1_800_000_000_000);
    let with_ready = |name: &str, node: &str, phase: &str, ready: Option<bool>| {
        let mut p = test_pod(name, node, phase, false, 0, None, None, None);
        if let Some(r) = ready {
            p.status.conditions.push(PodCondition {
                type_: "Ready".into(),
                status: if r { "True" } else { "False" }.into(),
                ..Default::default()
            });
        }
        p
    };
    let unscheduled_pending = with_ready("unscheduled-pending-pod", "", "Pending", None);
    let scheduled_pending = with_ready("scheduled-pending-pod", "fake-node", "Pending", None);
    let not_ready = with_ready(
        "scheduled-running-not-ready-pod",
        "fake-node",
        "Running",
        Some(false),
    );
    let ready_1 = with_ready(
        "scheduled-running-ready-pod-on-node-1",
        "fake-node-1",
        "Running",
        Some(true),
    );
    let ready_2 = with_ready(
        "scheduled-running-ready-pod-on-node-2",
        "fake-node-2",
        "Running",
        Some(true),
    );
    // (name, pods, related (None: the pods), diff, expected)
    type Case<'a> = (
        &'a str,
        Vec<&'a Pod>,
        Option<Vec<&'a Pod>>,
        usize,
        Vec<&'a Pod>,
    );
    let cases: Vec<Case> = vec![
        (
            "len(pods) = 0 (i.e., diff = 0 too)",
            vec![],
            None,
            0,
            vec![],
        ),
        (
            "diff = len(pods)",
            vec![&not_ready, &ready_1],
            None,
            2,
            vec![&not_ready, &ready_1],
        ),
        (
            "diff < len(pods)",
            vec![&ready_1, &not_ready],
            None,
            1,
            vec![&not_ready],
        ),
        (
            "various pod phases and conditions, diff = len(pods)",
            vec![
                &ready_1,
                &ready_1,
                &ready_2,
                &not_ready,
                &scheduled_pending,
                &unscheduled_pending,
            ],
            None,
            6,
            vec![
                &ready_1,
                &ready_1,
                &ready_2,
                &not_ready,
                &scheduled_pending,
                &unscheduled_pending,
            ],
        ),
        (
            "various pod phases and conditions, diff = len(pods), relatedPods empty",
            vec![
                &ready_1,
                &ready_1,
                &ready_2,
                &not_ready,
                &scheduled_pending,
                &unscheduled_pending,
            ],
            Some(vec![]),
            6,
            vec![
                &ready_1,
                &ready_1,
                &ready_2,
                &not_ready,
                &scheduled_pending,
                &unscheduled_pending,
            ],
        ),
        (
            "scheduled vs unscheduled, diff < len(pods)",
            vec![&scheduled_pending, &unscheduled_pending],
            None,
            1,
            vec![&unscheduled_pending],
        ),
        (
            "ready vs not-ready, diff < len(pods)",
            vec![&ready_1, &not_ready, &not_ready],
            None,
            2,
            vec![&not_ready, &not_ready],
        ),
        (
            "ready and colocated with another ready pod vs not colocated, diff < len(pods)",
            vec![&ready_1, &ready_2],
            Some(vec![&ready_1, &ready_2, &ready_2]),
            1,
            vec![&ready_2],
        ),
        (
            "pending vs running, diff < len(pods)",
            vec![&scheduled_pending, &not_ready],
            None,
            1,
            vec![&scheduled_pending],
        ),
        (
            "various pod phases and conditions, diff < len(pods)",
            vec![
                &ready_1,
                &ready_2,
                &not_ready,
                &scheduled_pending,
                &unscheduled_pending,
            ],
            None,
            3,
            vec![&unscheduled_pending, &scheduled_pending, &not_ready],
        ),
    ];
    for (name, pods, related, diff, want) in cases {
        let related = related.unwrap_or_else(|| pods.clone());
        let got: Vec<&str> = rsc::get_pods_to_delete(&pods, &related, diff, now)
            .iter()
            .map(|p| p.metadata.name.as_str())
            .collect();
        let want: Vec<&str> = want.iter().map(|p| p.metadata.name.as_str()).collect();
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn slow_start_batch() {
    // (name, count, calls that succeed, successes, an error, calls made)
    for (name, count, limit, successes, err, calls) in [
        ("callLimit = 0 (all fail)", 10, 0, 0, true, 1),
        ("callLimit = count (all succeed)", 10, 10, 10, false, 10),
        ("callLimit < count (some succeed)", 10, 5, 5, true, 7),
    ] {
        let mut n = 0;
        let (got, e) = rsc::slow_start_batch(count, 1, || {
            n += 1;
            if n > limit {
                Err("fake error".into())
            } else {
                Ok(())
            }
        });
        assert_eq!((got, e.is_some(), n), (successes, err, calls), "{name}");
    }
}

const RS_YAML: &str = "apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: frontend
spec:
  replicas: 3
  selector:
    matchLabels:
      tier: frontend
  template:
    metadata:
      labels:
        tier: frontend
    spec:
      containers:
      - name: php-redis
        image: nginx:1.27
";

fn rs(c: &Cluster) -> ReplicaSet {
    c.get_as::<ReplicaSet>("default", "frontend")
        .cloned()
        .expect("the ReplicaSet exists")
}

fn owned_pods(c: &Cluster) -> Vec<String> {
    let uid = rs(c).metadata.uid;
    c.list_as::<Pod>(Some("default"))
        .iter()
        .filter(|p| {
            p.metadata
                .controller_ref()
                .is_some_and(|r| r.uid == uid && !p.is_terminating())
        })
        .map(|p| p.metadata.name.clone())
        .collect()
}

fn events(c: &Cluster, reason: &str) -> Vec<String> {
    c.list_as::<Event>(Some("default"))
        .iter()
        .filter(|e| e.reason.as_deref() == Some(reason))
        .filter_map(|e| e.message.clone())
        .collect()
}

fn scale(c: &mut Cluster, n: i32) {
    c.patch(
        Kind::ReplicaSet,
        "default",
        "frontend",
        PatchType::Merge,
        &json!({"spec": {"replicas": n}}),
    )
    .expect("scaled");
}

/// `TestSyncReplicaSetCreates` (and the pods' names): missing pods are created as
/// `<name>-<5 characters>` with the set as controller, one `SuccessfulCreate` each.
#[test]
fn sync_replica_set_creates() {
    let mut c = Cluster::new(1);
    apply(&mut c, RS_YAML);
    let pods = owned_pods(&c);
    assert_eq!(pods.len(), 3);
    for p in &pods {
        let suffix = p.strip_prefix("frontend-").expect("named after the set");
        assert_eq!(suffix.len(), 5);
        assert!(suffix
            .chars()
            .all(|ch| "bcdfghjklmnpqrstvwxz2456789".contains(ch)));
    }
    let created = events(&c, "SuccessfulCreate");
    assert_eq!(created.len(), 3);
    for p in &pods {
        assert!(
            created.contains(&format!("Created pod: {p}")),
            "{created:?}"
        );
    }
    wait_until(&mut c, 120_000, "three ready pods", |c| {
        rs(c).status.ready_replicas == 3
    });
    let s = rs(&c).status;
    assert_eq!(
        (s.replicas, s.fully_labeled_replicas, s.available_replicas),
        (3, 3, 3)
    );
    assert_eq!(s.observed_generation, 1);
}

/// `TestSyncReplicaSetDoesNothing`: with as many pods as wanted, a sync writes nothing.
#[test]
fn sync_replica_set_does_nothing() {
    let mut c = Cluster::new(1);
    apply(&mut c, RS_YAML);
    c.settle();
    let rv = c.store().resource_version();
    apply(&mut c, RS_YAML);
    assert_eq!(c.store().resource_version(), rv);
}

/// `TestSyncReplicaSetDeletes`: surplus pods are deleted, not-ready ones first, each with a
/// `SuccessfulDelete` event.
#[test]
fn sync_replica_set_deletes() {
    let mut c = Cluster::new(1);
    apply(&mut c, RS_YAML);
    c.settle();
    scale(&mut c, 5);
    // The two new pods are not ready yet: they go first.
    let young: Vec<String> = owned_pods(&c)
        .into_iter()
        .filter(|p| !ready(&c, p))
        .collect();
    assert_eq!(young.len(), 2);
    scale(&mut c, 3);
    let deleted = events(&c, "SuccessfulDelete");
    for p in &young {
        assert!(
            deleted.contains(&format!("Deleted pod: {p}")),
            "{deleted:?}"
        );
    }
    assert_eq!(owned_pods(&c).len(), 3);
}

/// `TestPodControllerLookup`/adoption: an orphan pod the selector matches is adopted, and the
/// set creates only what is still missing.
#[test]
fn adopts_a_matching_orphan() {
    let mut c = Cluster::new(1);
    apply(
        &mut c,
        "apiVersion: v1
kind: Pod
metadata:
  name: stray
  labels:
    tier: frontend
spec:
  containers:
  - name: c
    image: nginx:1.27
",
    );
    apply(&mut c, RS_YAML);
    let pods = owned_pods(&c);
    assert!(pods.contains(&"stray".to_string()), "{pods:?}");
    assert_eq!(pods.len(), 3);
    assert_eq!(events(&c, "SuccessfulCreate").len(), 2);
}

/// `TestUpdatePods`/release: a pod whose labels stop matching is released and replaced.
#[test]
fn releases_a_pod_that_stops_matching() {
    let mut c = Cluster::new(1);
    apply(&mut c, RS_YAML);
    let victim = owned_pods(&c)[0].clone();
    c.patch(
        Kind::Pod,
        "default",
        &victim,
        PatchType::Merge,
        &json!({"metadata": {"labels": {"tier": "debug"}}}),
    )
    .expect("relabelled");
    let p = pod(&c, &victim).expect("still there");
    assert!(p.metadata.owner_references.is_empty(), "released");
    let pods = owned_pods(&c);
    assert_eq!(pods.len(), 3);
    assert!(!pods.contains(&victim));
}

/// `TestDoNotAdoptOrCreateIfBeingDeleted`: a set being deleted (foreground) creates nothing.
#[test]
fn do_not_adopt_or_create_if_being_deleted() {
    let mut c = Cluster::new(1);
    apply(&mut c, RS_YAML);
    c.settle();
    let opts = DeleteOptions {
        propagation: Some(Propagation::Foreground),
        ..Default::default()
    };
    c.delete(Kind::ReplicaSet, "default", "frontend", &opts)
        .expect("deleted");
    let created = events(&c, "SuccessfulCreate").len();
    c.settle();
    assert_eq!(events(&c, "SuccessfulCreate").len(), created);
    assert!(c.get_as::<ReplicaSet>("default", "frontend").is_none());
    assert!(c.list_as::<Pod>(Some("default")).is_empty());
}

/// `TestReplicaSetAvailabilityCheck`: with minReadySeconds a ready pod counts as available only
/// once it has been ready that long.
#[test]
fn replica_set_availability_check() {
    let mut c = Cluster::new(1);
    apply(
        &mut c,
        &RS_YAML.replace("  replicas: 3\n", "  replicas: 3\n  minReadySeconds: 20\n"),
    );
    wait_until(&mut c, 120_000, "three ready pods", |c| {
        rs(c).status.ready_replicas == 3
    });
    assert_eq!(rs(&c).status.available_replicas, 0);
    wait_until(&mut c, 30_000, "three available pods", |c| {
        rs(c).status.available_replicas == 3
    });
}

/// A deleted pod is replaced under a new random name.
#[test]
fn a_deleted_pod_is_replaced_under_a_new_name() {
    let mut c = Cluster::new(1);
    apply(&mut c, RS_YAML);
    c.settle();
    let before = owned_pods(&c);
    c.delete(Kind::Pod, "default", &before[0], &DeleteOptions::default())
        .expect("deleted");
    let after = owned_pods(&c);
    assert_eq!(after.len(), 3);
    let fresh: Vec<&String> = after.iter().filter(|p| !before.contains(p)).collect();
    assert_eq!(fresh.len(), 1);
    assert!(fresh[0].starts_with("frontend-"));
}
