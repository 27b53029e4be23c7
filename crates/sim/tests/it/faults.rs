//! Ports of upstream's failure-injection tests to the real controllers, with the API faults of
//! `ordinal_sim::faults` standing in for upstream's fakes (`om.SetCreateStatefulPodError(err,
//! after)`, a client reactor that returns an error). Each test names the Go test it ports; each
//! asserts what the controller did on the failure (its events, with upstream's words, and its
//! status) and that it converges once the fault is spent or cleared, with the invariants of
//! [`crate::invariants`] checked after every step.
//!
//! - `stateful_set_control_test.go`: `CreatePodFailure`, `UpdatePodFailure`,
//!   `UpdateSetStatusFailure`, `NewRevisionDeletePodFailure`,
//!   `TestStatefulSetControlScaleDownDeleteError` (each in its Monotonic and Burst forms);
//! - `stateful_pod_control_test.go`: `TestStatefulPodControlCreatePodPVCsFailed`,
//!   `TestStatefulPodControlCreatePodFailed`, `TestStatefulPodControlUpdatePodConflictSuccess`,
//!   `TestStatefulPodControlUpdatePodConflictFailure`, `TestStatefulPodControlDeletePodFailed`;
//! - `replica_set_test.go`: `TestSyncReplicaSetCreateFailures`, `TestSyncReplicaSetDormancy`,
//!   `TestControllerUpdateStatusWithFailure`, `TestControllerUpdateRequeue`;
//! - `deployment_controller_test.go`/`sync.go`'s error paths: the new ReplicaSet's create
//!   failing (`FailedCreate`, `ReplicaSetCreateError`), a status update failing, a ReplicaSet
//!   scale failing.
//!
//! Then what upstream's fakes cannot do: a timeout whose write went through, a watch that drops
//! events and relists, and random faults on every controller's writes.

use crate::invariants::Checker;
use crate::support::*;
use crate::upstream::{live_pods, Manifest, Sim};
use ordinal_sim::api::*;
use ordinal_sim::faults::{Fault, Faults, Rule, Verb, WatchDrop};
use ordinal_sim::patch::PatchType;
use ordinal_sim::{Cluster, Kind};
use serde_json::json;

const SET: &str = "statefulset-controller";
const RS: &str = "replicaset-controller";
const DEPLOY: &str = "deployment-controller";
const API_FAILED: &str = "Internal error occurred: API server failed";

/// The e2e set `ss` of `replicas` (OrderedReady, or Parallel for upstream's Burst), with
/// `faults` armed before it is created.
fn sim(replicas: i32, burst: bool, faults: Faults) -> Sim {
    let mut c = Cluster::new(7);
    c.set_faults(faults);
    let chk = Checker::new(&c);
    let rv0 = c.resource_version();
    let mut s = Sim { c, chk, rv0 };
    s.apply(&Manifest::new(replicas).parallel(burst).yaml());
    s
}

/// The messages of the events with `reason`, oldest first.
fn events(c: &Cluster, reason: &str) -> Vec<String> {
    let mut es: Vec<&Event> = c
        .list_as::<Event>(Some("default"))
        .into_iter()
        .filter(|e| e.reason.as_deref() == Some(reason))
        .collect();
    es.sort_by_key(|e| e.metadata.resource_version.parse::<u64>().unwrap_or(0));
    es.iter().filter_map(|e| e.message.clone()).collect()
}

fn status(s: &Sim) -> (i32, i32, i32) {
    let st = s.set().status;
    (st.replicas, st.ready_replicas, st.updated_replicas)
}

/// Waits for the set to have `n` replicas, all ready and updated, and settles.
fn converged(s: &mut Sim, n: i32) {
    s.wait("the set to converge", |c| {
        c.get_as::<StatefulSet>("default", "ss").is_some_and(|set| {
            let st = &set.status;
            st.replicas == n
                && st.ready_replicas == n
                && st.updated_replicas == n
                && st.current_revision == st.update_revision
        })
    });
    s.settle();
    assert_eq!(status(s), (n, n, n));
}

/// A client breaks `ss-0`'s identity (its pod-name label): upstream renames the pod in its
/// cache. The invariants are checked only once the controller has had its turn.
fn break_identity(s: &mut Sim, to: &str) {
    s.c.patch(
        Kind::Pod,
        "default",
        "ss-0",
        PatchType::Merge,
        &json!({"metadata": {"labels": {"statefulset.kubernetes.io/pod-name": to}}}),
    )
    .unwrap();
}

fn injected(c: &Cluster) -> usize {
    c.faults().map_or(0, |f| f.injected.len())
}

// ---------------------------------------------------------------- stateful_set_control_test.go

/// `CreatePodFailure`: the third pod's create fails once (`SetCreateStatefulPodError(
/// NewInternalError("API server failed"), 2)`); the sync returns the error, records
/// `FailedCreate`, and the retry turns the set up to 3 replicas, ready and updated.
fn create_pod_failure(burst: bool) {
    let rule = Rule::new(Verb::Create, Fault::Internal)
        .kind(Kind::Pod)
        .by(SET)
        .once_after(2);
    let mut s = sim(3, burst, Faults::new().rule(rule));
    s.wait("the fault", |c| injected(c) == 1);
    assert_eq!(
        events(&s.c, "FailedCreate"),
        [format!(
            "create Pod ss-2 in StatefulSet ss failed error: {API_FAILED}"
        )]
    );
    converged(&mut s, 3);
    assert_eq!(
        events(&s.c, "SuccessfulCreate")
            .iter()
            .filter(|m| m.starts_with("create Pod"))
            .count(),
        3
    );
}

#[test]
fn create_pod_failure_monotonic() {
    create_pod_failure(false);
}

#[test]
fn create_pod_failure_burst() {
    create_pod_failure(true);
}

/// `UpdatePodFailure`: after one good turn-up, a pod whose identity was changed is repaired
/// with an update that fails (`SetUpdateStatefulPodError(…, 0)`): `FailedUpdate`, then the
/// retry repairs it.
fn update_pod_failure(burst: bool) {
    let rule = Rule::new(Verb::Update, Fault::Internal)
        .kind(Kind::Pod)
        .by(SET)
        .once_after(0);
    let mut s = sim(3, burst, Faults::new());
    converged(&mut s, 3);
    s.c.set_faults(Faults::new().rule(rule));
    // Upstream renames the pod in the cache; the identity the API lets a client break is the
    // pod-name label.
    break_identity(&mut s, "goo-0");
    assert_eq!(injected(&s.c), 1);
    assert_eq!(
        events(&s.c, "FailedUpdate"),
        [format!(
            "update Pod ss-0 in StatefulSet ss failed error: {API_FAILED}"
        )]
    );
    s.settle();
    let label = s.pod("ss-0").metadata.labels["statefulset.kubernetes.io/pod-name"].clone();
    assert_eq!(label, "ss-0");
    assert_eq!(
        events(&s.c, "SuccessfulUpdate"),
        ["update Pod ss-0 in StatefulSet ss successful"]
    );
    converged(&mut s, 3);
}

#[test]
fn update_pod_failure_monotonic() {
    update_pod_failure(false);
}

#[test]
fn update_pod_failure_burst() {
    update_pod_failure(true);
}

/// `UpdateSetStatusFailure`: the third status update fails
/// (`SetUpdateStatefulSetStatusError(…, 2)`); the sync errs, and the retry writes the status
/// (3 replicas, ready, updated).
fn update_set_status_failure(burst: bool) {
    let rule = Rule::new(Verb::UpdateStatus, Fault::Internal)
        .kind(Kind::StatefulSet)
        .by(SET)
        .once_after(2);
    let mut s = sim(3, burst, Faults::new().rule(rule));
    s.wait("the fault", |c| injected(c) == 1);
    converged(&mut s, 3);
    let f = s.c.faults().unwrap();
    assert_eq!(f.count(Verb::UpdateStatus, Some(Kind::StatefulSet)), 1);
}

#[test]
fn update_set_status_failure_monotonic() {
    update_set_status_failure(false);
}

#[test]
fn update_set_status_failure_burst() {
    update_set_status_failure(true);
}

/// The status updater retries conflicts at once (`retry.RetryOnConflict(retry.DefaultRetry,
/// …)`, 5 attempts): four conflicts in a row cost the sync nothing; five make it fail and
/// retry with backoff.
#[test]
fn update_set_status_conflicts_retry_on_conflict() {
    let four = Rule::new(Verb::UpdateStatus, Fault::Conflict)
        .kind(Kind::StatefulSet)
        .by(SET)
        .after(0, 4);
    let mut s = sim(1, false, Faults::new().rule(four));
    assert_eq!(injected(&s.c), 4);
    // The fifth attempt of the first status write went through, in the same sync: no retry.
    assert!(s.c.faults().unwrap().rules[0].calls >= 5);
    converged(&mut s, 1);

    let five = Rule::new(Verb::UpdateStatus, Fault::Conflict)
        .kind(Kind::StatefulSet)
        .by(SET)
        .after(0, 5);
    s.c.set_faults(Faults::new().rule(five));
    s.scale(2);
    assert_eq!(injected(&s.c), 5);
    // The sync failed, and its retry (or the next event) wrote the status.
    converged(&mut s, 2);
    assert!(s.c.faults().unwrap().rules[0].calls > 5);
}

/// `NewRevisionDeletePodFailure`: a new revision, and the delete of the first pod to update
/// fails: `FailedDelete`, currentReplicas stays 3, the revisions differ; once deletes work the
/// rollout completes.
fn new_revision_delete_pod_failure(burst: bool) {
    let mut s = sim(3, burst, Faults::new());
    converged(&mut s, 3);
    let rule = Rule::new(Verb::Delete, Fault::Internal)
        .kind(Kind::Pod)
        .by(SET)
        .once_after(0);
    s.c.set_faults(Faults::new().rule(rule));
    s.set_image(crate::upstream::NEW_IMAGE);
    assert_eq!(injected(&s.c), 1);
    assert_eq!(
        events(&s.c, "FailedDelete"),
        [format!(
            "delete Pod ss-2 in StatefulSet ss failed error: {API_FAILED}"
        )]
    );
    // The set's next sync (woken by its own status write, as upstream's informer wakes it)
    // deletes the pod.
    assert_eq!(
        events(&s.c, "SuccessfulDelete"),
        ["delete Pod ss-2 in StatefulSet ss successful"]
    );
    let st = s.set().status;
    assert_ne!(st.current_revision, st.update_revision);
    converged(&mut s, 3);
    for i in 0..3 {
        assert_eq!(s.image(&format!("ss-{i}")), crate::upstream::NEW_IMAGE);
    }
}

#[test]
fn new_revision_delete_pod_failure_monotonic() {
    new_revision_delete_pod_failure(false);
}

#[test]
fn new_revision_delete_pod_failure_burst() {
    new_revision_delete_pod_failure(true);
}

/// `TestStatefulSetControlScaleDownDeleteError`: scaling 3 to 0, the third delete fails
/// (`SetDeleteStatefulPodError(…, 2)`); the retry scales it to 0.
#[test]
fn stateful_set_control_scale_down_delete_error() {
    let mut s = sim(3, false, Faults::new());
    converged(&mut s, 3);
    let rule = Rule::new(Verb::Delete, Fault::Internal)
        .kind(Kind::Pod)
        .by(SET)
        .once_after(2);
    s.c.set_faults(Faults::new().rule(rule));
    s.scale(0);
    s.wait("the fault", |c| injected(c) == 1);
    assert_eq!(
        events(&s.c, "FailedDelete"),
        [format!(
            "delete Pod ss-0 in StatefulSet ss failed error: {API_FAILED}"
        )]
    );
    s.wait("the set to scale down", |c| {
        c.get_as::<StatefulSet>("default", "ss")
            .is_some_and(|set| set.status.replicas == 0)
    });
    s.settle();
    assert_eq!(status(&s), (0, 0, 0));
    assert!(live_pods(&s.c).is_empty());
}

// ---------------------------------------------------------------- stateful_pod_control_test.go

/// `TestStatefulPodControlCreatePodPVCsFailed`: the claim's create fails, so the pod is not
/// created: two warnings, the claim's and the pod's, both `FailedCreate`.
#[test]
fn stateful_pod_control_create_pod_pvcs_failed() {
    let rule = Rule::new(Verb::Create, Fault::Internal)
        .kind(Kind::PersistentVolumeClaim)
        .by(SET)
        .once_after(0);
    let mut s = sim(1, false, Faults::new().rule(rule));
    assert_eq!(
        events(&s.c, "FailedCreate"),
        [
            format!("create Claim datadir-ss-0 for Pod ss-0 in StatefulSet ss failed error: {API_FAILED}"),
            format!("create Pod ss-0 in StatefulSet ss failed error: {API_FAILED}"),
        ]
    );
    converged(&mut s, 1);
    assert_eq!(
        events(&s.c, "SuccessfulCreate"),
        [
            "create Claim datadir-ss-0 Pod ss-0 in StatefulSet ss success",
            "create Pod ss-0 in StatefulSet ss successful",
        ]
    );
}

/// `TestStatefulPodControlCreatePodFailed`: the claim is created, the pod's create fails: a
/// `SuccessfulCreate` for the claim, a `FailedCreate` for the pod.
#[test]
fn stateful_pod_control_create_pod_failed() {
    let rule = Rule::new(Verb::Create, Fault::Internal)
        .kind(Kind::Pod)
        .by(SET)
        .once_after(0);
    let mut s = sim(1, false, Faults::new().rule(rule));
    assert_eq!(
        events(&s.c, "FailedCreate"),
        [format!(
            "create Pod ss-0 in StatefulSet ss failed error: {API_FAILED}"
        )]
    );
    // The claim was created once; the next sync created the pod.
    assert_eq!(
        events(&s.c, "SuccessfulCreate"),
        [
            "create Claim datadir-ss-0 Pod ss-0 in StatefulSet ss success",
            "create Pod ss-0 in StatefulSet ss successful"
        ]
    );
    converged(&mut s, 1);
}

/// `TestStatefulPodControlUpdatePodConflictSuccess`: the update conflicts once, is retried on
/// the pod as stored (`retry.RetryOnConflict`), and succeeds in the same sync: one
/// `SuccessfulUpdate`, no warning.
#[test]
fn stateful_pod_control_update_pod_conflict_success() {
    let mut s = sim(1, false, Faults::new());
    converged(&mut s, 1);
    let rule = Rule::new(Verb::Update, Fault::Conflict)
        .kind(Kind::Pod)
        .by(SET)
        .once_after(0);
    s.c.set_faults(Faults::new().rule(rule));
    break_identity(&mut s, "x");
    s.check();
    assert_eq!(injected(&s.c), 1);
    assert_eq!(s.c.faults().unwrap().rules[0].calls, 2);
    assert!(events(&s.c, "FailedUpdate").is_empty());
    assert_eq!(
        events(&s.c, "SuccessfulUpdate"),
        ["update Pod ss-0 in StatefulSet ss successful"]
    );
    assert_eq!(
        s.pod("ss-0").metadata.labels["statefulset.kubernetes.io/pod-name"],
        "ss-0"
    );
}

/// `TestStatefulPodControlUpdatePodConflictFailure`: every attempt conflicts
/// (`retry.DefaultBackoff`'s 4): one `FailedUpdate` with the conflict, then the sync's retry.
#[test]
fn stateful_pod_control_update_pod_conflict_failure() {
    let mut s = sim(1, false, Faults::new());
    converged(&mut s, 1);
    let rule = Rule::new(Verb::Update, Fault::Conflict)
        .kind(Kind::Pod)
        .by(SET)
        .after(0, 4);
    s.c.set_faults(Faults::new().rule(rule));
    break_identity(&mut s, "x");
    assert_eq!(injected(&s.c), 4);
    assert_eq!(
        events(&s.c, "FailedUpdate"),
        ["update Pod ss-0 in StatefulSet ss failed error: Operation cannot be fulfilled on pods \"ss-0\": the object has been modified; please apply your changes to the latest version and try again"]
    );
    s.settle();
    assert_eq!(
        s.pod("ss-0").metadata.labels["statefulset.kubernetes.io/pod-name"],
        "ss-0"
    );
}

/// `TestStatefulPodControlDeletePodFailed`: a scale-down's delete fails: `FailedDelete`, the
/// pod stays until the retry deletes it.
#[test]
fn stateful_pod_control_delete_pod_failed() {
    let mut s = sim(2, false, Faults::new());
    converged(&mut s, 2);
    let rule = Rule::new(Verb::Delete, Fault::Internal)
        .kind(Kind::Pod)
        .by(SET)
        .once_after(0);
    s.c.set_faults(Faults::new().rule(rule));
    s.scale(1);
    assert_eq!(
        events(&s.c, "FailedDelete"),
        [format!(
            "delete Pod ss-1 in StatefulSet ss failed error: {API_FAILED}"
        )]
    );
    s.settle();
    assert_eq!(live_pods(&s.c), ["ss-0"]);
    assert_eq!(
        events(&s.c, "SuccessfulDelete"),
        ["delete Pod ss-1 in StatefulSet ss successful"]
    );
}

// ---------------------------------------------------------------- replica_set_test.go

fn replica_set(c: &mut Cluster, replicas: i32) {
    let yaml = format!(
        "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: frontend\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      tier: frontend\n  template:\n    metadata:\n      labels:\n        tier: frontend\n    spec:\n      containers:\n      - name: php-redis\n        image: registry.k8s.io/nginx-slim:0.24\n"
    );
    apply(c, &yaml);
}

fn rs_status(c: &Cluster) -> ReplicaSetStatus {
    c.get_as::<ReplicaSet>("default", "frontend")
        .map(|r| r.status.clone())
        .unwrap_or_default()
}

fn rs_pods(c: &Cluster) -> usize {
    c.list_as::<Pod>(Some("default"))
        .iter()
        .filter(|p| p.metadata.name.starts_with("frontend-") && !p.is_terminating())
        .count()
}

fn rs_converged(c: &mut Cluster, n: usize) {
    wait_until(c, 600_000, "the ReplicaSet to converge", |c| {
        let st = rs_status(c);
        rs_pods(c) == n && st.replicas == n as i32 && st.ready_replicas == n as i32
    });
    assert!(c.settle().quiet);
    assert_eq!(rs_pods(c), n);
    crate::invariants::assert_invariants(c);
}

/// `TestSyncReplicaSetCreateFailures`: creates fail past a limit; the status gets the
/// `ReplicaFailure` condition with reason `FailedCreate`, each failure a `FailedCreate` event
/// (`Error creating: …`); once creates work the set fills up and the condition goes.
#[test]
fn sync_replica_set_create_failures() {
    let mut c = Cluster::new(3);
    let rule = Rule::new(Verb::Create, Fault::Internal)
        .kind(Kind::Pod)
        .by(RS)
        .after(1, 3);
    c.set_faults(Faults::new().rule(rule));
    let rv0 = c.resource_version();
    replica_set(&mut c, 4);
    // The slow-start batches: 1 (created), then 2 (both fail), so the sync stops; the three
    // failures are one event, counted.
    let failed: Vec<&Event> = c
        .list_as::<Event>(Some("default"))
        .into_iter()
        .filter(|e| e.reason.as_deref() == Some("FailedCreate"))
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(
        failed[0].message.as_deref(),
        Some(format!("Error creating: {API_FAILED}").as_str())
    );
    assert_eq!(failed[0].count, Some(3));
    // The status the failing syncs wrote.
    let cond = c
        .watch_since(rv0)
        .unwrap()
        .iter()
        .filter_map(|ev| match &*ev.object {
            Object::ReplicaSet(rs) => rs
                .status
                .conditions
                .iter()
                .find(|c| c.type_ == "ReplicaFailure")
                .cloned(),
            _ => None,
        })
        .next()
        .expect("a ReplicaFailure condition");
    assert_eq!(
        (cond.status.as_str(), cond.reason.as_str()),
        ("True", "FailedCreate")
    );
    assert_eq!(cond.message, API_FAILED);
    rs_converged(&mut c, 4);
    assert!(rs_status(&c)
        .conditions
        .iter()
        .all(|c| c.type_ != "ReplicaFailure"));
}

/// `TestSyncReplicaSetDormancy`: a create that failed is tried again (expectations lowered,
/// the key requeued), and the set reaches its replicas.
#[test]
fn sync_replica_set_dormancy() {
    let mut c = Cluster::new(3);
    replica_set(&mut c, 2);
    rs_converged(&mut c, 2);
    let rule = Rule::new(Verb::Create, Fault::Internal)
        .kind(Kind::Pod)
        .by(RS)
        .once_after(0);
    c.set_faults(Faults::new().rule(rule));
    c.patch(
        Kind::ReplicaSet,
        "default",
        "frontend",
        PatchType::Merge,
        &json!({"spec": {"replicas": 3}}),
    )
    .unwrap();
    assert_eq!(
        events(&c, "FailedCreate"),
        [format!("Error creating: {API_FAILED}")]
    );
    rs_converged(&mut c, 3);
    assert_eq!(c.faults().unwrap().rules[0].calls, 2);
}

/// `TestControllerUpdateStatusWithFailure`: the status update fails, is tried once more on
/// the set as stored (`statusUpdateRetries`), and the sync errs; `TestControllerUpdateRequeue`:
/// that error requeues the set, whose status is then written.
#[test]
fn controller_update_status_with_failure_and_requeue() {
    let mut c = Cluster::new(3);
    let rule = Rule::new(Verb::UpdateStatus, Fault::Internal)
        .kind(Kind::ReplicaSet)
        .by(RS)
        .after(0, 2);
    c.set_faults(Faults::new().rule(rule));
    replica_set(&mut c, 2);
    let f = c.faults().unwrap();
    // Both attempts of the first sync's status write failed.
    assert_eq!(f.count(Verb::UpdateStatus, Some(Kind::ReplicaSet)), 2);
    rs_converged(&mut c, 2);
    assert!(c.faults().unwrap().rules[0].calls > 2);
}

/// A delete that fails during a scale-down: `FailedDelete` with `Error deleting: …`, retried.
#[test]
fn replica_set_delete_failure_is_retried() {
    let mut c = Cluster::new(3);
    replica_set(&mut c, 3);
    rs_converged(&mut c, 3);
    let rule = Rule::new(Verb::Delete, Fault::Internal)
        .kind(Kind::Pod)
        .by(RS)
        .once_after(0);
    c.set_faults(Faults::new().rule(rule));
    c.patch(
        Kind::ReplicaSet,
        "default",
        "frontend",
        PatchType::Merge,
        &json!({"spec": {"replicas": 1}}),
    )
    .unwrap();
    assert_eq!(
        events(&c, "FailedDelete"),
        [format!("Error deleting: {API_FAILED}")]
    );
    rs_converged(&mut c, 1);
}

// ---------------------------------------------------------------- the Deployment controller

fn nginx_deployment(c: &mut Cluster) {
    apply(
        c,
        include_str!("../../../../examples/k8s-io-nginx-deployment.yaml"),
    );
}

fn deployment(c: &Cluster) -> Deployment {
    c.get_as::<Deployment>("default", "nginx-deployment")
        .cloned()
        .expect("the deployment exists")
}

/// The Deployment's ReplicaSet with the most replicas.
fn new_rs_name(c: &Cluster) -> String {
    c.list_as::<ReplicaSet>(Some("default"))
        .into_iter()
        .max_by_key(|rs| rs.spec.replicas)
        .map(|rs| rs.metadata.name.clone())
        .unwrap_or_default()
}

fn deployment_converged(c: &mut Cluster) {
    wait_until(c, 600_000, "the Deployment to complete", |c| {
        let d = deployment(c);
        d.status.observed_generation == d.metadata.generation
            && d.status.updated_replicas == 3
            && d.status.available_replicas == 3
            && d.status.replicas == 3
    });
    assert!(c.settle().quiet);
    crate::invariants::assert_invariants(c);
    let d = deployment(c);
    let progressing = d
        .status
        .conditions
        .iter()
        .find(|c| c.type_ == "Progressing")
        .map(|c| c.reason.clone());
    assert_eq!(progressing.as_deref(), Some("NewReplicaSetAvailable"));
}

/// `getNewReplicaSet`'s create failing: a `ReplicaSetCreateError` warning (`Failed to create new replica
/// set "…": …`) and the Progressing condition False with `ReplicaSetCreateError`; the retry
/// creates it and the rollout completes.
#[test]
fn deployment_new_replica_set_create_failure() {
    let mut c = Cluster::new(5);
    let rule = Rule::new(Verb::Create, Fault::Internal)
        .kind(Kind::ReplicaSet)
        .by(DEPLOY)
        .once_after(0);
    c.set_faults(Faults::new().rule(rule));
    nginx_deployment(&mut c);
    let failed = events(&c, "ReplicaSetCreateError");
    assert_eq!(failed.len(), 1);
    assert!(
        failed[0].starts_with("Failed to create new replica set \"nginx-deployment-")
            && failed[0].ends_with(&format!("\": {API_FAILED}")),
        "{failed:?}"
    );
    deployment_converged(&mut c);
    assert_eq!(c.list_as::<ReplicaSet>(Some("default")).len(), 1);
}

/// The Deployment's status update failing (`syncRolloutStatus` returns the error): retried
/// with backoff until the status is written.
#[test]
fn deployment_status_update_failure() {
    let mut c = Cluster::new(5);
    let rule = Rule::new(Verb::UpdateStatus, Fault::Internal)
        .kind(Kind::Deployment)
        .by(DEPLOY)
        .after(1, 3);
    c.set_faults(Faults::new().rule(rule));
    nginx_deployment(&mut c);
    deployment_converged(&mut c);
    assert_eq!(c.faults().unwrap().injected.len(), 3);
}

/// A rollout's scale-up of the new ReplicaSet failing (`reconcileNewReplicaSet` returns the
/// error): the sync errs and is retried with backoff; the rollout completes. (The old sets'
/// scale-down errors are ignored upstream, `reconcileOldReplicaSets` reporting no scaling, so a
/// fault there waits for the next event, as it does upstream until a resync.)
#[test]
fn deployment_replica_set_update_failure() {
    let mut c = Cluster::new(5);
    nginx_deployment(&mut c);
    deployment_converged(&mut c);
    // The rollout's ReplicaSet updates: the old set 3 to 2, then the new one 1 to 2 (which
    // fails twice), …
    let rule = Rule::new(Verb::Update, Fault::Conflict)
        .kind(Kind::ReplicaSet)
        .by(DEPLOY)
        .after(1, 2);
    c.set_faults(Faults::new().rule(rule));
    let old = new_rs_name(&c);
    c.patch(
        Kind::Deployment,
        "default",
        "nginx-deployment",
        PatchType::Strategic,
        &json!({"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}}}),
    )
    .unwrap();
    deployment_converged(&mut c);
    let new = new_rs_name(&c);
    assert_ne!(old, new);
    let f = c.faults().unwrap();
    assert_eq!(f.injected.len(), 2);
    assert!(f.injected.iter().all(|i| i.name == new));
    let d = deployment(&c);
    assert_eq!(
        d.spec.template.spec.containers[0].image.as_deref(),
        Some("nginx:1.27")
    );
}

// ---------------------------------------------------------------- beyond upstream's fakes

/// A timeout whose write went through (the API server's 504 may come after the write): the
/// controller is told it failed, records it, and its retry finds the pod there: no pod twice.
#[test]
fn a_timeout_whose_write_went_through_creates_nothing_twice() {
    let rule = Rule::new(Verb::Create, Fault::Timeout)
        .kind(Kind::Pod)
        .by(SET)
        .once_after(0);
    let mut s = sim(2, false, Faults::new().rule(rule));
    assert_eq!(
        events(&s.c, "FailedCreate"),
        ["create Pod ss-0 in StatefulSet ss failed error: Timeout: request did not complete within requested timeout - context deadline exceeded"]
    );
    assert!(pod(&s.c, "ss-0").is_some());
    converged(&mut s, 2);

    let mut c = Cluster::new(3);
    let rule = Rule::new(Verb::Create, Fault::Timeout)
        .kind(Kind::Pod)
        .by(RS)
        .after(0, 2);
    c.set_faults(Faults::new().rule(rule));
    replica_set(&mut c, 3);
    rs_converged(&mut c, 3);
}

/// Chaos fault seed 6031 (Parallel): the provisioner's volume create timed out but went
/// through, and its retries failed meanwhile. The volume must stay its claim's: it is created
/// pre-bound (`claimRef`, as the external provisioner library creates it), so another claim of
/// the class cannot bind it while it waits, and the claim is bound to it (the binder's
/// pre-bound match, or the provisioner's retry finding it there). Before, the volume went
/// Available, a claim created meanwhile took it, and the retry bound it to its own claim
/// too: two claims on one volume.
#[test]
fn a_provisioned_volume_whose_create_timed_out_stays_its_claims() {
    let provisioner = "local-path-provisioner";
    let faults = Faults::new()
        .rule(
            Rule::new(Verb::Create, Fault::Timeout)
                .kind(Kind::PersistentVolume)
                .by(provisioner)
                .once_after(0),
        )
        .rule(
            Rule::new(Verb::Create, Fault::Internal)
                .kind(Kind::PersistentVolume)
                .by(provisioner)
                .after(1, 8),
        );
    let mut s = sim(1, true, faults);
    s.wait("the volume's create to time out", |c| injected(c) == 1);
    let claim =
        s.c.get_as::<PersistentVolumeClaim>("default", "datadir-ss-0")
            .unwrap()
            .clone();
    let volume = format!("pvc-{}", claim.metadata.uid);
    let pv =
        s.c.get_as::<PersistentVolume>("", &volume)
            .expect("the create went through");
    let r = pv.spec.claim_ref.as_ref().expect("pre-bound to its claim");
    assert_eq!(
        (r.name.as_deref(), r.uid.as_deref()),
        (Some("datadir-ss-0"), Some(claim.metadata.uid.as_str()))
    );
    // Another claim of the default class (WaitForFirstConsumer) and the same size.
    s.apply(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: other\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n",
    );
    converged(&mut s, 1);
    let bound = |c: &Cluster, name: &str| {
        c.get_as::<PersistentVolumeClaim>("default", name)
            .and_then(|p| p.spec.volume_name.clone())
    };
    assert_eq!(bound(&s.c, "datadir-ss-0"), Some(volume.clone()));
    assert_eq!(bound(&s.c, "other"), None, "no consumer: it waits");
    let pv = s.c.get_as::<PersistentVolume>("", &volume).unwrap();
    assert_eq!(pv.status.phase.as_deref(), Some("Bound"));
    assert_eq!(
        pv.spec.claim_ref.as_ref().and_then(|r| r.name.as_deref()),
        Some("datadir-ss-0")
    );
    // Deleted before it was bound, a pre-bound volume is released and reclaimed, not left
    // Available for another claim.
    let mut c = Cluster::new(7);
    c.set_faults(
        Faults::new().rule(
            Rule::new(Verb::Create, Fault::Timeout)
                .kind(Kind::PersistentVolume)
                .by(provisioner)
                .after(0, u64::MAX),
        ),
    );
    apply(&mut c, "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: lone\nspec:\n  storageClassName: standard\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: user\nspec:\n  containers:\n  - name: c\n    image: nginx\n    volumeMounts:\n    - name: d\n      mountPath: /d\n  volumes:\n  - name: d\n    persistentVolumeClaim:\n      claimName: lone\n");
    wait_until(&mut c, 60_000, "the volume", |c| {
        c.list_as::<PersistentVolume>(None).len() == 1
    });
    c.clear_faults();
    wait_until(&mut c, 60_000, "the claim bound", |c| {
        c.get_as::<PersistentVolumeClaim>("default", "lone")
            .is_some_and(|p| p.spec.volume_name.is_some())
    });
}

/// The EndpointSlice controller's writes fail: the slice's create times out (it is stored
/// anyway), then two of its updates fail, then its delete once. Each sync that failed is
/// retried with backoff, as `handleErr` requeues the service: never a second slice, and the
/// slice ends up listing every pod, ready; a service that stops selecting loses its slice.
#[test]
fn endpoint_slice_writes_that_fail_are_retried() {
    let eps = "endpointslice-controller";
    let rule = |verb, fault| Rule::new(verb, fault).kind(Kind::EndpointSlice).by(eps);
    let faults = Faults::new()
        .rule(rule(Verb::Create, Fault::Timeout).once_after(0))
        .rule(rule(Verb::Update, Fault::Internal).after(0, 2))
        .rule(rule(Verb::Delete, Fault::Conflict).once_after(0));
    let mut s = sim(3, false, faults);
    converged(&mut s, 3);
    let slices = |c: &Cluster| -> Vec<EndpointSlice> {
        c.list_as::<EndpointSlice>(Some("default"))
            .into_iter()
            .filter(|e| {
                e.metadata
                    .labels
                    .get("kubernetes.io/service-name")
                    .map(String::as_str)
                    == Some("test")
            })
            .cloned()
            .collect()
    };
    let all = slices(&s.c);
    assert_eq!(all.len(), 1, "one slice");
    let ready: Vec<&str> = all[0]
        .endpoints
        .iter()
        .filter(|e| e.conditions.ready == Some(true))
        .filter_map(|e| e.target_ref.as_ref()?.name.as_deref())
        .collect();
    assert_eq!(ready, ["ss-0", "ss-1", "ss-2"]);
    let f = s.c.faults().unwrap();
    assert_eq!(f.count(Verb::Create, Some(Kind::EndpointSlice)), 1);
    assert_eq!(f.count(Verb::Update, Some(Kind::EndpointSlice)), 2);
    s.c.patch(
        Kind::Service,
        "default",
        "test",
        PatchType::Merge,
        &json!({"spec": {"selector": null}}),
    )
    .unwrap();
    s.settle();
    assert!(slices(&s.c).is_empty(), "the slice went");
    assert_eq!(
        s.c.faults()
            .unwrap()
            .count(Verb::Delete, Some(Kind::EndpointSlice)),
        1
    );
}

/// The node lifecycle and taint-eviction controllers' writes fail: a stopped node's status
/// update to Unknown (500), its taints' update (409), its pods' Ready=False (a timeout that went
/// through) and the eviction's deletes (500, five times: upstream's `deletePodHandler` tries
/// five times). Each is tried again (`nodesToRetry`, the taint pass, the eviction kept
/// scheduled): the node ends Unknown and tainted, its pods not ready, then evicted after
/// their 300 s toleration; started again, the set converges.
#[test]
fn node_lifecycle_writes_that_fail_are_retried() {
    let node_ctl = "node-lifecycle-controller";
    let mut s = sim(2, false, Faults::new());
    converged(&mut s, 2);
    let node = s.pod("ss-0").spec.node_name.clone().unwrap();
    s.c.set_faults(
        Faults::new()
            .rule(
                Rule::new(Verb::UpdateStatus, Fault::Internal)
                    .kind(Kind::Node)
                    .by(node_ctl)
                    .once_after(0),
            )
            .rule(
                Rule::new(Verb::Update, Fault::Conflict)
                    .kind(Kind::Node)
                    .by(node_ctl)
                    .once_after(0),
            )
            .rule(
                Rule::new(Verb::UpdateStatus, Fault::Timeout)
                    .kind(Kind::Pod)
                    .by(node_ctl)
                    .once_after(0),
            )
            .rule(
                Rule::new(Verb::Delete, Fault::Internal)
                    .kind(Kind::Pod)
                    .by(node_ctl)
                    .after(0, 5),
            ),
    );
    s.c.stop_node(&node).unwrap();
    let on_node = |c: &Cluster, node: &str| -> Vec<Pod> {
        c.list_as::<Pod>(Some("default"))
            .into_iter()
            .filter(|p| p.spec.node_name.as_deref() == Some(node))
            .cloned()
            .collect()
    };
    s.wait("the node's pods marked not ready", |c| {
        let pods = on_node(c, &node);
        !pods.is_empty() && pods.iter().all(|p| !p.is_ready())
    });
    s.wait("the node tainted unreachable", |c| {
        c.get_as::<Node>("", &node).is_some_and(|n| {
            n.spec
                .taints
                .iter()
                .any(|t| t.key == "node.kubernetes.io/unreachable" && t.effect == "NoExecute")
        })
    });
    let n = s.c.get_as::<Node>("", &node).unwrap();
    assert!(n.status.conditions.iter().all(|c| c.status == "Unknown"));
    s.wait("the node's pods evicted", |c| {
        on_node(c, &node).iter().all(|p| p.is_terminating())
    });
    let f = s.c.faults().unwrap();
    assert_eq!(f.count(Verb::UpdateStatus, Some(Kind::Node)), 1);
    assert_eq!(f.count(Verb::Update, Some(Kind::Node)), 1);
    assert_eq!(f.count(Verb::UpdateStatus, Some(Kind::Pod)), 1);
    assert_eq!(f.count(Verb::Delete, Some(Kind::Pod)), 5);
    assert!(events(&s.c, "TaintManagerEviction")
        .iter()
        .any(|m| m.starts_with("Marking for deletion Pod default/")));
    s.c.start_node(&node).unwrap();
    converged(&mut s, 2);
}

/// The scheduler's writes fail: the first claim's selected-node annotation (409), the first
/// binding (a timeout that went through) and the second (500), then a PodScheduled=False
/// status update (500). The pod goes back to the queue with backoff each time: every pod is
/// placed once, the unschedulable one gets its condition, and the set converges.
#[test]
fn scheduler_writes_that_fail_are_retried() {
    let sched = "default-scheduler";
    let faults = Faults::new()
        .rule(
            Rule::new(Verb::Update, Fault::Conflict)
                .kind(Kind::PersistentVolumeClaim)
                .by(sched)
                .once_after(0),
        )
        .rule(
            Rule::new(Verb::Create, Fault::Timeout)
                .kind(Kind::Pod)
                .by(sched)
                .once_after(0),
        )
        .rule(
            Rule::new(Verb::Create, Fault::Internal)
                .kind(Kind::Pod)
                .by(sched)
                .once_after(1),
        );
    let mut s = sim(3, false, faults);
    converged(&mut s, 3);
    let f = s.c.faults().unwrap();
    assert_eq!(f.count(Verb::Update, Some(Kind::PersistentVolumeClaim)), 1);
    assert_eq!(f.count(Verb::Create, Some(Kind::Pod)), 2);
    assert_eq!(
        events(&s.c, "Scheduled").len(),
        2,
        "the binding that timed out records nothing; the others one each"
    );
    s.c.set_faults(
        Faults::new().rule(
            Rule::new(Verb::UpdateStatus, Fault::Internal)
                .kind(Kind::Pod)
                .by(sched)
                .once_after(0),
        ),
    );
    for node in ["kind-worker", "kind-worker2"] {
        s.patch(Kind::Node, node, json!({"spec": {"unschedulable": true}}));
    }
    s.scale(4);
    s.wait("ss-3 unschedulable", |c| {
        pod(c, "ss-3").is_some_and(|p| {
            p.condition("PodScheduled").is_some_and(|c| {
                c.status == "False"
                    && c.message
                        .as_deref()
                        .is_some_and(|m| m.contains("node(s) were unschedulable"))
            })
        })
    });
    assert_eq!(s.c.faults().unwrap().injected.len(), 1);
    for node in ["kind-worker", "kind-worker2"] {
        s.patch(Kind::Node, node, json!({"spec": {"unschedulable": false}}));
    }
    converged(&mut s, 4);
}

/// A watch that drops pod events relists (an update for every pod, a delete for each one that
/// went meanwhile): a pod deleted while nobody was watching is still replaced.
#[test]
fn a_dropped_watch_relists_and_the_set_converges() {
    let mut s = sim(3, false, Faults::new());
    converged(&mut s, 3);
    // The next 3 pod events are lost: the deletion's and what follows.
    s.c.set_faults(Faults::new().watch_drop(WatchDrop::new(0, 3).kind(Kind::Pod)));
    let uid = s.pod("ss-1").metadata.uid.clone();
    s.c.delete(
        Kind::Pod,
        "default",
        "ss-1",
        &ordinal_sim::DeleteOptions {
            grace_period_seconds: Some(0),
            propagation: None,
        },
    )
    .unwrap();
    s.check();
    converged(&mut s, 3);
    assert_ne!(s.pod("ss-1").metadata.uid, uid);
    let drop = &s.c.faults().unwrap().watch_drops[0];
    assert_eq!(drop.dropped, 3);

    // A watch that drops every event relists each time the controllers go quiet: slower, but
    // the set still scales.
    s.c.set_faults(Faults::new().watch_drop(WatchDrop::new(0, u64::MAX)));
    s.scale(4);
    converged(&mut s, 4);
    assert!(s.c.faults().unwrap().watch_drops[0].dropped > 10);
    s.c.clear_faults();
}

/// Random faults (about one write in five fails, conflicts, 500s and timeouts alike) on every
/// controller's writes, and a watch that drops, while a set scales and rolls and a Deployment
/// rolls and scales: nothing panics, the invariants hold at every step, and once the faults
/// stop everything converges and the cluster goes quiet.
#[test]
fn random_faults_on_every_controller_then_convergence() {
    // ORDINAL_FAULT_SEEDS=N runs N seeds (4 by default).
    let seeds: u64 = std::env::var("ORDINAL_FAULT_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4);
    for seed in 0..seeds {
        let mut c = Cluster::new(seed);
        let mut plan = Faults::new().watch_drop(WatchDrop::new(40, 10));
        for verb in [Verb::Create, Verb::Update, Verb::UpdateStatus, Verb::Delete] {
            for fault in [Fault::Conflict, Fault::Internal, Fault::Timeout] {
                plan = plan.rule(Rule::new(verb, fault).chance(70_000));
            }
        }
        c.set_faults(plan);
        let mut chk = Checker::new(&c);
        chk.faults = true;
        apply(&mut c, &Manifest::new(3).yaml());
        nginx_deployment(&mut c);
        check(&mut chk, &c, seed);
        for _ in 0..300 {
            c.advance(100);
            check(&mut chk, &c, seed);
        }
        // Scale the set up and roll it; roll the Deployment and scale it down, then up.
        let changes = [
            (Kind::StatefulSet, "ss", json!({"spec": {"replicas": 5}})),
            (
                Kind::StatefulSet,
                "ss",
                json!({"spec": {"template": {"spec": {"containers": [{"name": "webserver", "image": crate::upstream::NEW_IMAGE}]}}}}),
            ),
            (
                Kind::Deployment,
                "nginx-deployment",
                json!({"spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}}}),
            ),
            (
                Kind::Deployment,
                "nginx-deployment",
                json!({"spec": {"replicas": 3}}),
            ),
        ];
        for (kind, name, patch) in changes {
            c.patch(kind, "default", name, PatchType::Strategic, &patch)
                .unwrap();
            for _ in 0..150 {
                c.advance(100);
                check(&mut chk, &c, seed);
            }
        }
        let f = c.clear_faults().expect("a plan was armed");
        chk.faults = false;
        assert!(!f.injected.is_empty(), "seed {seed}");
        let start = c.now();
        while !converged_all(&c) {
            assert!(
                c.now().since(start) < 600_000,
                "seed {seed}: no convergence\n{}",
                crate::invariants::describe(&c)
            );
            c.advance(100);
        }
        let settled = c.settle();
        assert!(settled.quiet, "seed {seed}");
        check(&mut chk, &c, seed);
        if let Err(e) = chk.check_quiet(&c) {
            panic!("seed {seed}: {e}");
        }
    }
}

fn converged_all(c: &Cluster) -> bool {
    let set_ok = c.get_as::<StatefulSet>("default", "ss").is_some_and(|s| {
        s.status.ready_replicas == 5
            && s.status.replicas == 5
            && s.status.updated_replicas == 5
            && s.status.current_revision == s.status.update_revision
    });
    let d = deployment(c);
    set_ok
        && d.status.available_replicas == 3
        && d.status.replicas == 3
        && d.status.updated_replicas == 3
}

fn check(chk: &mut Checker, c: &Cluster, seed: u64) {
    if let Err(e) = chk.check(c) {
        panic!(
            "seed {seed}: invariant broken at t={}ms: {e}\n{}",
            c.now().0,
            crate::invariants::describe(c)
        );
    }
}
