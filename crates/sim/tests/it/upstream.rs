//! Ports of upstream's StatefulSet tests to the real controller: the ordering and blocking cases
//! of `stateful_set_control_test.go` and the applicable e2e scenarios of
//! `test/e2e/apps/statefulset.go`. Each test names the upstream case it ports; the invariants of
//! [`crate::invariants`] are checked after every step.
//!
//! The e2e fixtures are mirrored: a set `ss` behind the headless Service `test`, pod labels
//! `foo=bar, baz=blah`, an httpd container with a claim `datadir` at `/data/`, and readiness
//! broken and restored by moving `/usr/local/apache2/htdocs/index.html` to `/tmp/` and back.

use crate::invariants::{describe, ordinal_of, Checker, REVISION_LABEL};
use crate::support::*;
use ordinal_sim::api::*;
use ordinal_sim::patch::PatchType;
use ordinal_sim::{Cluster, DeleteOptions, Propagation, WatchEventType};
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub(crate) const HTDOCS_INDEX: &str = "/usr/local/apache2/htdocs/index.html";
pub(crate) const IMAGE: &str = "docker.io/library/httpd:2.4.38-alpine";
pub(crate) const NEW_IMAGE: &str = "docker.io/library/httpd:2.4.39-alpine";
/// How long a wait may take in simulated time before the test fails.
pub(crate) const LIMIT_MS: u64 = 600_000;

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Probe {
    None,
    /// `httpGet /index.html` every second, failure threshold 1 (the e2e tests' `setHTTPProbe`).
    Http,
    /// `test -f /data/statefulset-continue` (the e2e tests' `PauseNewPods`).
    Pause,
}

/// The e2e tests' StatefulSet `ss`, with `extra` spliced into its spec and `template_extra`
/// into its pod spec (both already indented).
pub(crate) struct Manifest {
    replicas: i32,
    parallel: bool,
    probe: Probe,
    extra: String,
    template_extra: String,
}

impl Manifest {
    pub(crate) fn new(replicas: i32) -> Manifest {
        Manifest {
            replicas,
            parallel: false,
            probe: Probe::None,
            extra: String::new(),
            template_extra: String::new(),
        }
    }
    pub(crate) fn parallel(mut self, yes: bool) -> Manifest {
        self.parallel = yes;
        self
    }
    pub(crate) fn probe(mut self, p: Probe) -> Manifest {
        self.probe = p;
        self
    }
    pub(crate) fn extra(mut self, s: &str) -> Manifest {
        self.extra.push_str(s);
        self
    }
    pub(crate) fn template_extra(mut self, s: &str) -> Manifest {
        self.template_extra.push_str(s);
        self
    }
    pub(crate) fn yaml(&self) -> String {
        let probe = match self.probe {
            Probe::None => "",
            Probe::Http => "        readinessProbe:\n          httpGet:\n            path: /index.html\n            port: 80\n          periodSeconds: 1\n          successThreshold: 1\n          failureThreshold: 1\n",
            Probe::Pause => "        readinessProbe:\n          exec:\n            command: [\"test\", \"-f\", \"/data/statefulset-continue\"]\n          periodSeconds: 1\n          successThreshold: 1\n          failureThreshold: 1\n",
        };
        format!(
            r#"apiVersion: v1
kind: Service
metadata:
  name: test
  labels:
    foo: bar
spec:
  clusterIP: None
  ports:
  - port: 80
    name: web
  selector:
    foo: bar
    baz: blah
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: ss
spec:
  serviceName: test
  replicas: {replicas}
  podManagementPolicy: {policy}
{extra}  selector:
    matchLabels:
      foo: bar
      baz: blah
  template:
    metadata:
      labels:
        foo: bar
        baz: blah
    spec:
{template_extra}      containers:
      - name: webserver
        image: {IMAGE}
        ports:
        - containerPort: 80
          name: web
{probe}        volumeMounts:
        - name: datadir
          mountPath: /data/
  volumeClaimTemplates:
  - metadata:
      name: datadir
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
"#,
            replicas = self.replicas,
            policy = if self.parallel {
                "Parallel"
            } else {
                "OrderedReady"
            },
            extra = self.extra,
            template_extra = self.template_extra,
        )
    }
}

/// A cluster with the invariants checked after every step.
pub(crate) struct Sim {
    pub(crate) c: Cluster,
    pub(crate) chk: Checker,
    /// The resourceVersion before the manifest was applied.
    pub(crate) rv0: u64,
}

impl Sim {
    pub(crate) fn new(seed: u64, m: &Manifest) -> Sim {
        Sim::with_gates(seed, m, Default::default())
    }

    /// A cluster whose components run with `gates`.
    pub(crate) fn with_gates(
        seed: u64,
        m: &Manifest,
        gates: ordinal_sim::features::FeatureGates,
    ) -> Sim {
        let c = Cluster::with_feature_gates(seed, gates);
        let chk = Checker::new(&c);
        let rv0 = c.resource_version();
        let mut s = Sim { c, chk, rv0 };
        s.apply(&m.yaml());
        s
    }

    pub(crate) fn apply(&mut self, yaml: &str) {
        apply(&mut self.c, yaml);
        self.check();
    }

    pub(crate) fn check(&mut self) {
        if let Err(e) = self.chk.check(&self.c) {
            panic!(
                "invariant broken at t={}ms: {e}\nstate:\n  {}",
                self.c.now().0,
                describe(&self.c)
            );
        }
    }

    pub(crate) fn advance(&mut self, ms: u64) {
        let end = self.c.now().plus_ms(ms);
        while self.c.now() < end {
            let step = end.since(self.c.now()).min(100);
            self.c.advance(step);
            self.check();
        }
    }

    /// Advances in 100 ms steps until `cond` holds.
    pub(crate) fn wait(&mut self, what: &str, cond: impl Fn(&Cluster) -> bool) {
        let start = self.c.now();
        while !cond(&self.c) {
            assert!(
                self.c.now().since(start) <= LIMIT_MS,
                "timed out waiting for {what}\nstate:\n  {}",
                describe(&self.c)
            );
            self.c.advance(100);
            self.check();
        }
    }

    /// Advances `ms` in 100 ms steps, failing if `cond` stops holding at any of them (the e2e
    /// tests' `confirmStatefulPodCount(..., hard=true)`).
    pub(crate) fn hold(&mut self, ms: u64, what: &str, cond: impl Fn(&Cluster) -> bool) {
        let end = self.c.now().plus_ms(ms);
        while self.c.now() < end {
            assert!(
                cond(&self.c),
                "{what} stopped holding\nstate:\n  {}",
                describe(&self.c)
            );
            self.c.advance(100);
            self.check();
        }
        assert!(cond(&self.c), "{what} stopped holding");
    }

    /// Settles; at a quiet point the convergence checks run too.
    pub(crate) fn settle(&mut self) {
        let s = self.c.settle();
        self.check();
        if s.quiet {
            if let Err(e) = self.chk.check_quiet(&self.c) {
                panic!("at a quiet point: {e}\nstate:\n  {}", describe(&self.c));
            }
        }
    }

    pub(crate) fn patch(&mut self, kind: Kind, name: &str, p: Value) {
        let ns = if kind.namespaced() { "default" } else { "" };
        self.c
            .patch(kind, ns, name, PatchType::Merge, &p)
            .unwrap_or_else(|e| panic!("patch {kind} {name} {p}: {}", e.message));
        self.check();
    }

    pub(crate) fn patch_set(&mut self, p: Value) {
        self.patch(Kind::StatefulSet, "ss", p);
    }

    pub(crate) fn scale(&mut self, n: i32) {
        self.patch_set(json!({"spec": {"replicas": n}}));
    }

    pub(crate) fn set_image(&mut self, image: &str) {
        self.c
            .patch(
                Kind::StatefulSet,
                "default",
                "ss",
                PatchType::Strategic,
                &json!({"spec": {"template": {"spec": {"containers": [{"name": "webserver", "image": image}]}}}}),
            )
            .expect("image patch applies");
        self.check();
    }

    pub(crate) fn delete(
        &mut self,
        kind: Kind,
        name: &str,
        grace: Option<i64>,
        prop: Option<Propagation>,
    ) {
        let opts = DeleteOptions {
            grace_period_seconds: grace,
            propagation: prop,
        };
        self.c
            .delete(kind, "default", name, &opts)
            .unwrap_or_else(|e| panic!("delete {kind} {name}: {}", e.message));
        self.check();
    }

    /// The e2e helper `deleteStatefulPodAtIndex`: a delete with grace period 0.
    pub(crate) fn delete_pod(&mut self, name: &str) {
        self.delete(Kind::Pod, name, Some(0), None);
    }

    /// `mv -v /usr/local/apache2/htdocs/index.html /tmp/` in `pod`.
    pub(crate) fn break_http(&mut self, pod: &str) {
        self.c
            .with_container_fs("default", pod, None, |fs| {
                let s = fs.read(HTDOCS_INDEX)?;
                fs.write("/tmp/index.html", &s, false)?;
                fs.remove(HTDOCS_INDEX, false)
            })
            .expect("exec works")
            .expect("mv works");
        self.check();
    }

    /// `mv -v /tmp/index.html /usr/local/apache2/htdocs/` in `pod`.
    pub(crate) fn restore_http(&mut self, pod: &str) {
        self.c
            .with_container_fs("default", pod, None, |fs| {
                let s = fs.read("/tmp/index.html")?;
                fs.write(HTDOCS_INDEX, &s, false)?;
                fs.remove("/tmp/index.html", false)
            })
            .expect("exec works")
            .expect("mv works");
        self.check();
    }

    /// `touch /data/statefulset-continue` in `pod` (the e2e tests' `ResumeNextPod`).
    pub(crate) fn resume(&mut self, pod: &str) {
        let wrote = self
            .chk
            .write_file(
                &mut self.c,
                "default",
                pod,
                "/data/statefulset-continue",
                "",
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(wrote, "{pod} is not running");
        self.check();
    }

    pub(crate) fn set(&self) -> StatefulSet {
        self.c
            .get_as::<StatefulSet>("default", "ss")
            .cloned()
            .expect("ss exists")
    }

    pub(crate) fn pod(&self, name: &str) -> Pod {
        pod(&self.c, name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} exists"))
    }

    pub(crate) fn rev(&self, name: &str) -> String {
        revision_of(&self.c, name)
    }

    pub(crate) fn image(&self, name: &str) -> String {
        self.pod(name).spec.containers[0]
            .image
            .clone()
            .unwrap_or_default()
    }
}

/// Pods of `ss` that are not terminating, by ordinal (the e2e tests' `expectPodNames` view).
pub(crate) fn live_pods(c: &Cluster) -> Vec<String> {
    let mut v: Vec<(i32, String)> = c
        .list_as::<Pod>(Some("default"))
        .into_iter()
        .filter(|p| !p.is_terminating())
        .filter_map(|p| ordinal_of("ss", &p.metadata.name).map(|o| (o, p.metadata.name.clone())))
        .collect();
    v.sort();
    v.into_iter().map(|(_, n)| n).collect()
}

/// Pods of `ss` in any state.
pub(crate) fn all_pods(c: &Cluster) -> Vec<String> {
    let mut v: Vec<(i32, String)> = c
        .list_as::<Pod>(Some("default"))
        .into_iter()
        .filter_map(|p| ordinal_of("ss", &p.metadata.name).map(|o| (o, p.metadata.name.clone())))
        .collect();
    v.sort();
    v.into_iter().map(|(_, n)| n).collect()
}

pub(crate) fn names(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|s| s.to_string()).collect()
}

pub(crate) fn all_ready(c: &Cluster, pods: &[&str]) -> bool {
    pods.iter().all(|p| ready(c, p))
}

pub(crate) fn revision_of(c: &Cluster, name: &str) -> String {
    pod(c, name)
        .and_then(|p| p.metadata.labels.get(REVISION_LABEL).cloned())
        .unwrap_or_default()
}

/// Names of the pods the watch saw `t` after `rv`, in order.
pub(crate) fn pod_events(c: &Cluster, rv: u64, t: WatchEventType) -> Vec<String> {
    c.watch_since(rv)
        .expect("watch cursor still valid")
        .iter()
        .filter(|e| e.type_ == t && e.object.kind() == Kind::Pod)
        .map(|e| e.object.name().to_string())
        .collect()
}

/// The pods whose deletion began after `rv` (a deletionTimestamp appeared, or the object went),
/// in order, each with whether every higher in-range ordinal of `ss` was then present,
/// Running and Ready, not terminating, and at `revision` (what a rolling update waits for).
pub(crate) fn deletions(c: &Cluster, rv: u64, revision: &str) -> Vec<(String, bool)> {
    let mut mirror: BTreeMap<String, Pod> = BTreeMap::new();
    let mut end = 0;
    // Replay from the start of the log, so the mirror is right at every event.
    let mut out = Vec::new();
    for e in c.watch_since(0).expect("watch log kept") {
        if let Object::StatefulSet(set) = &*e.object {
            if set.metadata.name == "ss" {
                end = set.start_ordinal() + set.replicas();
            }
        }
        let Object::Pod(p) = &*e.object else {
            continue;
        };
        let name = p.metadata.name.clone();
        let began = match e.type_ {
            WatchEventType::Deleted => mirror.get(&name).is_some_and(|o| !o.is_terminating()),
            _ => p.is_terminating() && mirror.get(&name).is_none_or(|o| !o.is_terminating()),
        };
        if began && e.resource_version > rv {
            let ord = ordinal_of("ss", &name).unwrap_or(-1);
            let healthy = (ord + 1..end).all(|o| {
                mirror.get(&format!("ss-{o}")).is_some_and(|q| {
                    q.is_running_and_ready()
                        && !q.is_terminating()
                        && q.metadata.labels.get(REVISION_LABEL).map(String::as_str)
                            == Some(revision)
                })
            });
            out.push((name.clone(), healthy));
        }
        if e.type_ == WatchEventType::Deleted {
            mirror.remove(&name);
        } else {
            mirror.insert(name, (**p).clone());
        }
    }
    out
}

pub(crate) fn claim(c: &Cluster, name: &str) -> Option<PersistentVolumeClaim> {
    c.get_as::<PersistentVolumeClaim>("default", name).cloned()
}

pub(crate) fn revisions(c: &Cluster) -> Vec<(String, i64)> {
    let uid = c
        .get_as::<StatefulSet>("default", "ss")
        .map(|s| s.metadata.uid.clone())
        .unwrap_or_default();
    let mut v: Vec<(String, i64)> = c
        .list_as::<ControllerRevision>(Some("default"))
        .into_iter()
        .filter(|r| r.metadata.controller_ref().is_some_and(|o| o.uid == uid))
        .map(|r| (r.metadata.name.clone(), r.revision))
        .collect();
    v.sort_by_key(|(_, n)| *n);
    v
}

pub(crate) fn status(c: &Cluster) -> (i32, i32, i32) {
    let s = &c.get_as::<StatefulSet>("default", "ss").unwrap().status;
    (s.replicas, s.ready_replicas, s.updated_replicas)
}

pub(crate) fn ready_count(c: &Cluster) -> usize {
    live_pods(c).iter().filter(|p| ready(c, p)).count()
}

// ---------------------------------------------------------------- stateful_set_control_test.go

/// Scales the fresh set to `n` and waits until status shows n/n/n with every pod Ready.
pub(crate) fn scale_up_to(s: &mut Sim, n: i32) {
    s.wait("status replicas/ready/updated all at the target", |c| {
        let set = c.get_as::<StatefulSet>("default", "ss").unwrap();
        status(c) == (n, n, n) && set.replicas() == n && ready_count(c) == n as usize
    });
}

// Upstream: TestStatefulSetControl/CreatesPodsWithPodIndexLabelFeature (Monotonic and Burst).
#[test]
fn creates_pods_with_pod_index_label() {
    for parallel in [false, true] {
        let mut s = Sim::new(11, &Manifest::new(3).parallel(parallel));
        scale_up_to(&mut s, 3);
        let set = s.set();
        assert_eq!(set.status.current_revision, set.status.update_revision);
        for (i, p) in live_pods(&s.c).iter().enumerate() {
            let pod = s.pod(p);
            assert_eq!(
                pod.metadata.labels["apps.kubernetes.io/pod-index"],
                i.to_string()
            );
            assert_eq!(
                pod.metadata.labels[REVISION_LABEL],
                set.status.update_revision
            );
        }
        s.settle();
    }
}

// Upstream: TestStatefulSetControl/ScalesUp.
#[test]
fn scales_up() {
    for parallel in [false, true] {
        let mut s = Sim::new(12, &Manifest::new(3).parallel(parallel));
        scale_up_to(&mut s, 3);
        let rv = s.c.resource_version();
        s.scale(4);
        scale_up_to(&mut s, 4);
        assert_eq!(pod_events(&s.c, rv, WatchEventType::Added), ["ss-3"]);
        s.settle();
    }
}

// Upstream: TestStatefulSetControl/ScalesDown (and e2e #10's DELETED order).
#[test]
fn scales_down() {
    for parallel in [false, true] {
        let mut s = Sim::new(13, &Manifest::new(3).parallel(parallel));
        scale_up_to(&mut s, 3);
        let rv = s.c.resource_version();
        s.scale(0);
        s.wait("no pods", |c| all_pods(c).is_empty());
        assert_eq!(status(&s.c), (0, 0, 0));
        let deleted = pod_events(&s.c, rv, WatchEventType::Deleted);
        if !parallel {
            assert_eq!(deleted, ["ss-2", "ss-1", "ss-0"]);
        } else {
            assert_eq!(deleted.len(), 3);
        }
        // Claims stay under the default policy.
        for i in 0..3 {
            assert!(claim(&s.c, &format!("datadir-ss-{i}")).is_some());
        }
        s.settle();
    }
}

// Upstream: TestStatefulSetControl/ReplacesPods.
#[test]
fn replaces_pods() {
    let mut s = Sim::new(14, &Manifest::new(5));
    scale_up_to(&mut s, 5);
    for i in 0..5 {
        let pvc = claim(&s.c, &format!("datadir-ss-{i}")).unwrap();
        assert!(
            pvc.metadata
                .owner_references
                .iter()
                .all(|r| r.kind != "Pod"),
            "claims have no pod owner under the default policy"
        );
    }
    let rv = s.c.resource_version();
    for p in ["ss-0", "ss-2", "ss-4"] {
        s.delete_pod(p);
    }
    // One at a time: each replacement is created only once the lower ones are Running and
    // Ready (the watch-stream invariant checks that at every ADDED).
    scale_up_to(&mut s, 5);
    assert_eq!(
        pod_events(&s.c, rv, WatchEventType::Added),
        ["ss-0", "ss-2", "ss-4"]
    );
    s.settle();
}

/// Makes `name` Failed (or Succeeded) the way the kubelet reports an evicted pod.
fn set_phase(s: &mut Sim, name: &str, phase: &str) {
    let mut p = s.pod(name);
    p.status.phase = Some(phase.into());
    s.c.update_status(p.into()).expect("status update");
    s.check();
}

fn recreates_pod_in_phase(phase: &str) {
    for parallel in [false, true] {
        let mut s = Sim::new(15, &Manifest::new(3).parallel(parallel));
        scale_up_to(&mut s, 3);
        let old = s.pod("ss-1").metadata.uid;
        let rv = s.c.resource_version();
        set_phase(&mut s, "ss-1", phase);
        // Deleted at once, then created again with the same name and an empty status.
        let deleted = pod_events(&s.c, rv, WatchEventType::Deleted);
        assert_eq!(deleted, ["ss-1"], "the {phase} pod is deleted exactly once");
        let added: Vec<Object> =
            s.c.watch_since(rv)
                .unwrap()
                .iter()
                .filter(|e| e.type_ == WatchEventType::Added && e.object.kind() == Kind::Pod)
                .map(|e| (*e.object).clone())
                .collect();
        let [Object::Pod(new)] = added.as_slice() else {
            panic!("one pod re-created, got {added:?}")
        };
        assert_eq!(new.metadata.name, "ss-1");
        assert_ne!(new.metadata.uid, old);
        assert_eq!(new.phase(), "Pending");
        scale_up_to(&mut s, 3);
        s.settle();
    }
}

// Upstream: TestStatefulSetControl/RecreatesFailedPod. StatefulSets force restartPolicy Always,
// so the kubelet never reports Failed by itself; the phase is written through the status
// subresource, as the kubelet does for an evicted pod.
#[test]
fn recreates_failed_pod() {
    recreates_pod_in_phase("Failed");
}

// Upstream: TestStatefulSetControl/RecreatesSucceededPod.
#[test]
fn recreates_succeeded_pod() {
    recreates_pod_in_phase("Succeeded");
}

// Upstream: RecreatesFailedPod again, with a pod the kubelet really failed: an orphan `ss-0`
// (restartPolicy Never, exits 1) is adopted by the new set, deleted, and created afresh.
#[test]
fn recreates_adopted_failed_pod() {
    let mut c = Cluster::new(16);
    let failing = Pod {
        metadata: ObjectMeta {
            labels: [("foo", "bar"), ("baz", "blah")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..ObjectMeta::named("default", "ss-0")
        },
        spec: PodSpec {
            restart_policy: Some("Never".into()),
            hostname: Some("ss-0".into()),
            subdomain: Some("test".into()),
            containers: vec![Container {
                name: "fail".into(),
                image: Some("busybox:1.36".into()),
                command: vec!["sh".into(), "-c".into(), "exit 1".into()],
                ..Default::default()
            }]
            .into(),
            ..Default::default()
        }
        .into(),
        ..Default::default()
    };
    c.create(failing.into()).expect("pod created");
    wait_until(&mut c, LIMIT_MS, "ss-0 Failed", |c| {
        pod(c, "ss-0").is_some_and(|p| p.phase() == "Failed")
    });
    let old = pod(&c, "ss-0").unwrap().metadata.uid.clone();
    let chk = Checker::new(&c);
    let rv0 = c.resource_version();
    let mut s = Sim { c, chk, rv0 };
    s.apply(&Manifest::new(1).yaml());
    s.wait("ss-0 replaced and Ready", |c| {
        ready(c, "ss-0") && pod(c, "ss-0").unwrap().metadata.uid != old
    });
    assert_eq!(pod_events(&s.c, s.rv0, WatchEventType::Deleted), ["ss-0"]);
    assert_eq!(s.pod("ss-0").spec.containers[0].name, "webserver");
    s.settle();
}

// Upstream: TestStatefulSetControl/RecreatesPVCForPendingPod and e2e #26 "PVC should be
// recreated when pod is pending due to missing PVC": ss-0 is pinned to a node, the node is
// cordoned, the pod deleted (its replacement stays Pending) and its claim deleted; the
// controller recreates the claim, and after uncordoning the pod runs on the same node.
#[test]
fn recreates_pvc_for_pending_pod() {
    let m = Manifest::new(1)
        .template_extra("      nodeSelector:\n        kubernetes.io/hostname: kind-worker\n");
    let mut s = Sim::new(17, &m);
    scale_up_to(&mut s, 1);
    let old_claim = claim(&s.c, "datadir-ss-0").unwrap().metadata.uid;
    s.patch(
        Kind::Node,
        "kind-worker",
        json!({"spec": {"unschedulable": true}}),
    );
    s.delete_pod("ss-0");
    s.wait("ss-0 re-created and Pending", |c| {
        pod(c, "ss-0").is_some_and(|p| p.phase() == "Pending" && p.spec.node_name.is_none())
    });
    s.hold(5_000, "ss-0 stays Pending", |c| {
        pod(c, "ss-0").is_some_and(|p| p.spec.node_name.is_none())
    });
    s.delete(Kind::PersistentVolumeClaim, "datadir-ss-0", None, None);
    s.wait("a new claim datadir-ss-0", |c| {
        claim(c, "datadir-ss-0").is_some_and(|p| p.metadata.uid != old_claim)
    });
    s.patch(
        Kind::Node,
        "kind-worker",
        json!({"spec": {"unschedulable": false}}),
    );
    s.wait("ss-0 Ready", |c| ready(c, "ss-0"));
    assert_eq!(s.pod("ss-0").spec.node_name.as_deref(), Some("kind-worker"));
    s.settle();
}

// Upstream: TestStatefulSetControlWithStartOrdinal/CreatesPodsWithStartOrdinal.
#[test]
fn creates_pods_with_start_ordinal() {
    for parallel in [false, true] {
        let m = Manifest::new(3)
            .parallel(parallel)
            .extra("  ordinals:\n    start: 2\n");
        let mut s = Sim::new(18, &m);
        scale_up_to(&mut s, 3);
        assert_eq!(live_pods(&s.c), names(&["ss-2", "ss-3", "ss-4"]));
        for p in ["ss-2", "ss-3", "ss-4"] {
            assert!(claim(&s.c, &format!("datadir-{p}")).is_some());
        }
        s.settle();
    }
}

// Upstream: TestStatefulSetControl_getSetRevisions.
#[test]
fn get_set_revisions() {
    let mut s = Sim::new(19, &Manifest::new(3));
    scale_up_to(&mut s, 3);
    let revs = revisions(&s.c);
    assert_eq!(revs.len(), 1);
    let (rev0, n0) = revs[0].clone();
    assert_eq!(n0, 1);
    let set = s.set();
    assert_eq!(
        (
            set.status.current_revision.as_str(),
            set.status.update_revision.as_str()
        ),
        (rev0.as_str(), rev0.as_str())
    );
    // A template change creates a second revision; current stays until the rollout ends.
    s.set_image(NEW_IMAGE);
    let revs = revisions(&s.c);
    assert_eq!(revs.len(), 2);
    let (rev1, n1) = revs[1].clone();
    assert_eq!(n1, 2);
    let set = s.set();
    assert_eq!(
        (
            set.status.current_revision.as_str(),
            set.status.update_revision.as_str()
        ),
        (rev0.as_str(), rev1.as_str())
    );
    // The same template again makes no duplicate.
    s.set_image(NEW_IMAGE);
    assert_eq!(revisions(&s.c).len(), 2);
    s.wait("rollout to rev1 complete", |c| {
        let st = &c.get_as::<StatefulSet>("default", "ss").unwrap().status;
        st.current_revision == rev1 && st.ready_replicas == 3
    });
    // Back to the first template: a rollback reuses rev0 with its number bumped.
    s.set_image(IMAGE);
    let revs = revisions(&s.c);
    assert_eq!(revs, [(rev1.clone(), 2), (rev0.clone(), 3)]);
    assert_eq!(s.set().status.update_revision, rev0);
    s.settle();
}

/// Waits for a rolling update to `rev` to finish on every pod.
pub(crate) fn wait_rolled_out(s: &mut Sim, n: usize) {
    s.wait("rolling update complete", |c| {
        let st = &c.get_as::<StatefulSet>("default", "ss").unwrap().status;
        let pods = live_pods(c);
        st.current_revision == st.update_revision
            && pods.len() == n
            && pods
                .iter()
                .all(|p| ready(c, p) && revision_of(c, p) == st.update_revision)
    });
}

// Upstream: TestStatefulSetControlRollingUpdate (OrderedReady and Parallel, with replicas
// unchanged, scaled up 3→5 and scaled down 5→3) and TestStatefulSetControlRollback; e2e #5
// "should perform rolling updates and roll backs of template modifications".
#[test]
fn rolling_update_in_reverse_ordinal_order_and_rollback() {
    for parallel in [false, true] {
        for (from, to) in [(3, 3), (3, 5), (5, 3)] {
            let mut s = Sim::new(20, &Manifest::new(from).parallel(parallel));
            scale_up_to(&mut s, from);
            let old_rev = s.set().status.update_revision;
            for p in live_pods(&s.c) {
                assert_eq!(s.rev(&p), old_rev);
            }
            let rv = s.c.resource_version();
            s.set_image(NEW_IMAGE);
            if to != from {
                s.scale(to);
            }
            let new_rev = s.set().status.update_revision;
            assert_ne!(new_rev, old_rev);
            wait_rolled_out(&mut s, to as usize);
            for p in live_pods(&s.c) {
                assert_eq!(s.image(&p), NEW_IMAGE, "{p}");
            }
            // The pods that were replaced, not scaled away: highest ordinal first, each only
            // once every higher ordinal was Running and Ready at the new revision.
            let replaced: Vec<(String, bool)> = deletions(&s.c, rv, &new_rev)
                .into_iter()
                .filter(|(n, _)| ordinal_of("ss", n).unwrap() < to)
                .collect();
            let want: Vec<String> = (0..from.min(to)).rev().map(|i| format!("ss-{i}")).collect();
            assert_eq!(
                replaced.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
                want,
                "parallel={parallel} {from}->{to}"
            );
            assert!(
                replaced.iter().all(|(_, healthy)| *healthy),
                "parallel={parallel} {from}->{to}: a pod was replaced before its successors were Ready: {replaced:?}\n{}", describe(&s.c)
            );
            // Roll back.
            s.set_image(IMAGE);
            assert_eq!(s.set().status.update_revision, old_rev);
            wait_rolled_out(&mut s, to as usize);
            for p in live_pods(&s.c) {
                assert_eq!(s.image(&p), IMAGE);
                assert_eq!(s.rev(&p), old_rev);
            }
            s.settle();
        }
    }
}

// Upstream: TestStatefulSetControlRollingUpdateWithPartition; e2e #6 "should perform canary
// updates and phased rolling updates of template modifications".
#[test]
fn canary_and_phased_rolling_updates_with_partition() {
    let m = Manifest::new(3).extra(
        "  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate:\n      partition: 3\n",
    );
    let mut s = Sim::new(21, &m);
    scale_up_to(&mut s, 3);
    let old_rev = s.set().status.update_revision;
    // Partition 3 ≥ replicas: a new revision, no pod touched.
    s.set_image(NEW_IMAGE);
    let new_rev = s.set().status.update_revision;
    assert_ne!(new_rev, old_rev);
    s.hold(10_000, "no pod updated", |c| {
        ["ss-0", "ss-1", "ss-2"]
            .iter()
            .all(|p| revision_of(c, p) == old_rev && ready(c, p))
    });
    assert_eq!(s.set().status.current_revision, old_rev);
    // Canary: partition 2 updates ss-2 only.
    s.patch_set(json!({"spec": {"updateStrategy": {"rollingUpdate": {"partition": 2}}}}));
    s.wait("ss-2 updated", |c| {
        ready(c, "ss-2") && revision_of(c, "ss-2") == new_rev
    });
    s.settle();
    assert_eq!(s.rev("ss-0"), old_rev);
    assert_eq!(s.rev("ss-1"), old_rev);
    assert_eq!(s.image("ss-2"), NEW_IMAGE);
    // Deleted pods come back on their side of the partition.
    s.delete_pod("ss-0");
    s.wait("ss-0 back", |c| ready(c, "ss-0"));
    s.delete_pod("ss-2");
    s.wait("ss-2 back", |c| ready(c, "ss-2"));
    assert_eq!(s.rev("ss-0"), old_rev);
    assert_eq!(s.image("ss-0"), IMAGE);
    assert_eq!(s.rev("ss-2"), new_rev);
    // Phased: partition 1, then 0.
    s.patch_set(json!({"spec": {"updateStrategy": {"rollingUpdate": {"partition": 1}}}}));
    s.wait("ss-1 updated", |c| {
        ready(c, "ss-1") && revision_of(c, "ss-1") == new_rev
    });
    s.settle();
    assert_eq!(s.rev("ss-0"), old_rev);
    s.patch_set(json!({"spec": {"updateStrategy": {"rollingUpdate": {"partition": 0}}}}));
    wait_rolled_out(&mut s, 3);
    assert_eq!(s.set().status.current_revision, new_rev);
    s.settle();
}

// Upstream: TestStatefulSetControlRollingUpdateWithPartition with scale-up: ordinals from the
// partition up, new ones included, get the update revision (OrderedReady and Parallel).
#[test]
fn partitioned_rolling_update_with_scale_up() {
    for parallel in [false, true] {
        let m = Manifest::new(3).parallel(parallel).extra(
            "  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate:\n      partition: 2\n",
        );
        let mut s = Sim::new(22, &m);
        scale_up_to(&mut s, 3);
        let old_rev = s.set().status.update_revision;
        s.set_image(NEW_IMAGE);
        s.scale(5);
        let new_rev = s.set().status.update_revision;
        s.wait("ss-2..ss-4 at the new revision", |c| {
            ["ss-2", "ss-3", "ss-4"]
                .iter()
                .all(|p| ready(c, p) && revision_of(c, p) == new_rev)
        });
        s.settle();
        assert_eq!(s.rev("ss-0"), old_rev);
        assert_eq!(s.rev("ss-1"), old_rev);
        assert_eq!(s.set().status.current_revision, old_rev);
    }
}

// Upstream: TestStatefulSetControlOnDeleteUpdate; e2e #9 "should implement legacy replacement
// when the update strategy is OnDelete".
#[test]
fn on_delete_replaces_only_deleted_pods() {
    for parallel in [false, true] {
        let m = Manifest::new(3)
            .parallel(parallel)
            .extra("  updateStrategy:\n    type: OnDelete\n");
        let mut s = Sim::new(23, &m);
        scale_up_to(&mut s, 3);
        let old_rev = s.set().status.update_revision;
        // Deleted pods come back at the current revision.
        s.delete_pod("ss-1");
        s.wait("ss-1 back", |c| ready(c, "ss-1"));
        assert_eq!(s.rev("ss-1"), old_rev);
        s.set_image(NEW_IMAGE);
        let new_rev = s.set().status.update_revision;
        assert_ne!(new_rev, old_rev);
        s.hold(10_000, "pods keep the old image", |c| {
            ["ss-0", "ss-1", "ss-2"]
                .iter()
                .all(|p| revision_of(c, p) == old_rev && ready(c, p))
        });
        // Scale-up creates new pods from the update revision.
        s.scale(5);
        s.wait("5 pods Ready", |c| ready_count(c) == 5);
        assert_eq!(s.image("ss-3"), NEW_IMAGE);
        assert_eq!(s.image("ss-4"), NEW_IMAGE);
        assert_eq!(s.image("ss-0"), IMAGE);
        for p in ["ss-0", "ss-1", "ss-2"] {
            s.delete_pod(p);
            s.wait("replacement Ready", |c| ready(c, p));
            assert_eq!(s.rev(p), new_rev);
            assert_eq!(s.image(p), NEW_IMAGE);
        }
        for i in 0..5 {
            let pvc = claim(&s.c, &format!("datadir-ss-{i}")).unwrap();
            assert!(pvc
                .metadata
                .owner_references
                .iter()
                .all(|r| r.kind != "Pod"));
        }
        s.settle();
    }
}

/// Revisions that are neither current, update, nor any pod's.
fn history(c: &Cluster) -> usize {
    let st = &c.get_as::<StatefulSet>("default", "ss").unwrap().status;
    let live: Vec<String> = all_pods(c)
        .iter()
        .map(|p| revision_of(c, p))
        .chain([st.current_revision.clone(), st.update_revision.clone()])
        .collect();
    revisions(c)
        .iter()
        .filter(|(n, _)| !live.contains(n))
        .count()
}

// Upstream: TestStatefulSetControlLimitsHistory and TestStatefulSetHonorRevisionHistoryLimit:
// after each of 10 template updates has rolled out there are never more than
// revisionHistoryLimit + 2 revisions (the live current and update revisions); while rollouts
// overlap, the revisions that are not live never exceed the limit; a negative limit keeps all.
#[test]
fn limits_history() {
    for (parallel, limit) in [(false, 2), (true, 2), (false, 0), (false, 5), (false, -1)] {
        let m = Manifest::new(3)
            .parallel(parallel)
            .extra(&format!("  revisionHistoryLimit: {limit}\n"));
        let mut s = Sim::new(24, &m);
        scale_up_to(&mut s, 3);
        for i in 0..10 {
            s.set_image(&format!("docker.io/library/httpd:2.4.{i}"));
            if i % 3 == 2 {
                // Let this one overlap the next: only part of the rollout.
                for _ in 0..20 {
                    s.advance(500);
                    assert!(limit < 0 || history(&s.c) as i32 <= limit);
                }
                continue;
            }
            wait_rolled_out(&mut s, 3);
            let n = revisions(&s.c).len() as i32;
            assert!(limit < 0 || n <= limit + 2, "limit {limit}: {n} revisions");
        }
        wait_rolled_out(&mut s, 3);
        let n = revisions(&s.c).len() as i32;
        if limit >= 0 {
            assert!(n <= limit + 2, "limit {limit}: {n} revisions");
        } else {
            assert_eq!(n, 11, "a negative limit keeps every revision");
        }
        s.settle();
    }
}

// Upstream: TestStatefulSetAvailability, TestStatefulSetRollingUpdateRespectsMinReadySeconds and
// e2e #21 "AvailableReplicas should get updated accordingly when MinReadySeconds is enabled":
// with minReadySeconds 30 the next pod waits until its predecessor has been Ready for 30 s.
#[test]
fn min_ready_seconds_blocks_the_next_pod() {
    let mut s = Sim::new(25, &Manifest::new(2).extra("  minReadySeconds: 30\n"));
    s.wait("ss-0 Ready", |c| ready(c, "ss-0"));
    let ready_at = s.c.now();
    s.hold(5_000, "availableReplicas stays 0", |c| {
        c.get_as::<StatefulSet>("default", "ss")
            .unwrap()
            .status
            .available_replicas
            == 0
    });
    s.wait("ss-1 created", |c| pod(c, "ss-1").is_some());
    assert!(
        s.c.now().since(ready_at) >= 29_900,
        "ss-1 created {} ms after ss-0 was Ready",
        s.c.now().since(ready_at)
    );
    s.wait("2 available", |c| {
        c.get_as::<StatefulSet>("default", "ss")
            .unwrap()
            .status
            .available_replicas
            == 2
    });
    s.patch_set(json!({"spec": {"minReadySeconds": 3600}}));
    assert_eq!(s.set().status.available_replicas, 0);
    s.patch_set(json!({"spec": {"minReadySeconds": 0}}));
    assert_eq!(s.set().status.available_replicas, 2);
    s.settle();
}

// Upstream: TestStatefulSetScaleDownRespectsMinReadySeconds: pods Ready for less than
// minReadySeconds block a scale-down (3→1 keeps all three).
#[test]
fn scale_down_respects_min_ready_seconds() {
    let mut s = Sim::new(26, &Manifest::new(3));
    scale_up_to(&mut s, 3);
    s.patch_set(json!({"spec": {"minReadySeconds": 3600, "replicas": 1}}));
    s.hold(60_000, "all three pods remain", |c| live_pods(c).len() == 3);
    assert_eq!(s.set().status.available_replicas, 0);
    s.patch_set(json!({"spec": {"minReadySeconds": 0}}));
    s.wait("scaled down to 1", |c| all_pods(c) == ["ss-0"]);
    s.settle();
}

// Upstream: TestStatefulSetPartitionRollingUpdateWithMinReadySeconds: pods not yet available
// block a partitioned rolling update (4 pods, partition 2): no pod is deleted.
#[test]
fn partitioned_rolling_update_waits_for_min_ready_seconds() {
    let mut s = Sim::new(27, &Manifest::new(4));
    scale_up_to(&mut s, 4);
    s.patch_set(json!({"spec": {"minReadySeconds": 3600,
        "updateStrategy": {"rollingUpdate": {"partition": 2}}}}));
    let rv = s.c.resource_version();
    s.set_image(NEW_IMAGE);
    s.hold(30_000, "no pod deleted", |c| {
        deletions(c, rv, "").is_empty() && live_pods(c).len() == 4
    });
}

// Upstream: TestParallelScale: under Parallel, scale-up creates and scale-down deletes every
// pod at once (3→10, 10→1, 1→0).
#[test]
fn parallel_scale() {
    let mut s = Sim::new(28, &Manifest::new(3).parallel(true));
    scale_up_to(&mut s, 3);
    let rv = s.c.resource_version();
    s.scale(10);
    // Created in the same instant, before any of them can be Ready.
    let added = pod_events(&s.c, rv, WatchEventType::Added);
    assert_eq!(added.len(), 7, "{added:?}");
    scale_up_to(&mut s, 10);
    s.scale(1);
    assert_eq!(live_pods(&s.c), ["ss-0"], "all nine condemned at once");
    s.wait("one pod", |c| all_pods(c) == ["ss-0"]);
    s.scale(0);
    s.wait("no pods", |c| all_pods(c).is_empty());
    s.settle();
}

// ---------------------------------------------------------------- test/e2e/apps/statefulset.go

// Upstream e2e #10: "Scaling should happen in predictable order and halt if any stateful pod is
// unhealthy [Slow]".
#[test]
fn scaling_happens_in_predictable_order_and_halts_if_any_stateful_pod_is_unhealthy() {
    let mut s = Sim::new(30, &Manifest::new(1).probe(Probe::Http));
    s.wait("ss-0 Ready", |c| ready(c, "ss-0"));
    // Confirming that stateful set scale up will halt with unhealthy stateful pod.
    s.break_http("ss-0");
    s.wait("ss-0 unready", |c| !ready(c, "ss-0"));
    s.scale(3);
    s.hold(10_000, "one pod only", |c| all_pods(c) == ["ss-0"]);
    s.restore_http("ss-0");
    // Scaling up in order.
    s.wait("3 pods Ready", |c| all_ready(c, &["ss-0", "ss-1", "ss-2"]));
    assert_eq!(
        pod_events(&s.c, s.rv0, WatchEventType::Added),
        ["ss-0", "ss-1", "ss-2"]
    );
    // Scale down halts with unhealthy pods.
    for p in ["ss-0", "ss-1", "ss-2"] {
        s.break_http(p);
    }
    s.wait("all unready", |c| ready_count(c) == 0);
    let rv = s.c.resource_version();
    s.scale(0);
    s.hold(10_000, "three pods remain", |c| live_pods(c).len() == 3);
    for p in ["ss-0", "ss-1", "ss-2"] {
        s.restore_http(p);
    }
    s.wait("no pods", |c| all_pods(c).is_empty());
    assert_eq!(
        pod_events(&s.c, rv, WatchEventType::Deleted),
        ["ss-2", "ss-1", "ss-0"]
    );
    s.settle();
}

// Upstream e2e #11: "Burst scaling should run to completion even with unhealthy pods [Slow]".
#[test]
fn burst_scaling_runs_to_completion_even_with_unhealthy_pods() {
    let mut s = Sim::new(31, &Manifest::new(1).parallel(true).probe(Probe::Http));
    s.wait("ss-0 Ready", |c| ready(c, "ss-0"));
    s.break_http("ss-0");
    s.wait("ss-0 unready", |c| !ready(c, "ss-0"));
    s.scale(3);
    s.wait("3 pods", |c| live_pods(c).len() == 3);
    s.wait("ss-1 and ss-2 Ready", |c| all_ready(c, &["ss-1", "ss-2"]));
    assert!(!ready(&s.c, "ss-0"));
    for p in ["ss-1", "ss-2"] {
        s.break_http(p);
    }
    s.wait("all unready", |c| ready_count(c) == 0);
    s.scale(0);
    s.wait("no pods", |c| all_pods(c).is_empty());
    assert_eq!(s.set().status.replicas, 0);
    s.settle();
}

// Upstream e2e #3: "should not deadlock when a pod's predecessor fails". Pods start paused
// (unready until /data/statefulset-continue exists); with ss-1 Running but unready, deleting
// the healthy ss-0 still brings ss-0 back.
#[test]
fn should_not_deadlock_when_a_pods_predecessor_fails() {
    let mut s = Sim::new(32, &Manifest::new(2).probe(Probe::Pause));
    s.wait("ss-0 Running", |c| {
        pod(c, "ss-0").is_some_and(|p| p.phase() == "Running")
    });
    s.resume("ss-0");
    s.wait("ss-0 Ready", |c| ready(c, "ss-0"));
    s.wait("ss-1 Running", |c| {
        pod(c, "ss-1").is_some_and(|p| p.phase() == "Running")
    });
    assert!(!ready(&s.c, "ss-1"), "ss-1 is paused");
    let old = s.pod("ss-0").metadata.uid;
    s.delete_pod("ss-0");
    s.wait("ss-0 re-created and Ready", |c| {
        ready(c, "ss-0") && pod(c, "ss-0").unwrap().metadata.uid != old
    });
    s.resume("ss-1");
    s.wait("all Running and Ready", |c| all_ready(c, &["ss-0", "ss-1"]));
    s.settle();
}

// Upstream e2e #7: "should perform canary updates and phased rolling updates of template
// modifications for partiton1 and delete pod-0 without failing container". A finalizer holds
// ss-0 while it is deleted; once it is removed, ss-0 comes back at the old revision.
#[test]
fn partition_1_and_delete_pod_0_held_by_a_finalizer() {
    let m = Manifest::new(3).extra(
        "  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate:\n      partition: 1\n",
    );
    let mut s = Sim::new(33, &m);
    scale_up_to(&mut s, 3);
    let old_rev = s.set().status.update_revision;
    s.patch(
        Kind::Pod,
        "ss-0",
        json!({"metadata": {"finalizers": ["testing-finalizer"]}}),
    );
    s.set_image(NEW_IMAGE);
    let new_rev = s.set().status.update_revision;
    s.wait("ss-1 and ss-2 updated and all Ready", |c| {
        all_ready(c, &["ss-0", "ss-1", "ss-2"])
            && revision_of(c, "ss-1") == new_rev
            && revision_of(c, "ss-2") == new_rev
    });
    assert_eq!(s.rev("ss-0"), old_rev);
    s.delete(Kind::Pod, "ss-0", None, None);
    s.wait("ready replicas drop to 2", |c| {
        c.get_as::<StatefulSet>("default", "ss")
            .unwrap()
            .status
            .ready_replicas
            == 2
    });
    s.hold(10_000, "ss-0 held by its finalizer", |c| {
        pod(c, "ss-0").is_some_and(|p| p.is_terminating())
            && c.get_as::<StatefulSet>("default", "ss")
                .unwrap()
                .status
                .ready_replicas
                == 2
    });
    // Its container stopped; the kubelet reports it terminated, not starting again.
    let held = s.pod("ss-0");
    let state = &held.status.container_statuses[0].state;
    assert!(
        state.terminated.is_some() && state.waiting.is_none(),
        "{state:?}"
    );
    s.patch(Kind::Pod, "ss-0", json!({"metadata": {"finalizers": null}}));
    s.wait("ss-0 back and Ready", |c| ready(c, "ss-0"));
    assert_eq!(s.rev("ss-0"), old_rev);
    assert_eq!(s.image("ss-0"), IMAGE);
    assert_eq!(s.rev("ss-1"), new_rev);
    assert_eq!(s.rev("ss-2"), new_rev);
    s.settle();
}

// Upstream e2e #2: "should adopt matching orphans and release non-matching pods".
#[test]
fn adopts_matching_orphans_and_releases_non_matching_pods() {
    let mut s = Sim::new(34, &Manifest::new(1));
    s.wait("ss-0 Ready", |c| ready(c, "ss-0"));
    let uid = s.set().metadata.uid;
    let owner = |c: &Cluster| {
        pod(c, "ss-0")
            .and_then(|p| p.metadata.controller_ref().cloned())
            .map(|r| (r.kind, r.name, r.uid))
    };
    assert_eq!(
        owner(&s.c),
        Some(("StatefulSet".into(), "ss".into(), uid.clone()))
    );
    // Orphaning the pod gets it adopted again.
    s.patch(
        Kind::Pod,
        "ss-0",
        json!({"metadata": {"ownerReferences": null}}),
    );
    s.wait("ss-0 re-adopted", |c| owner(c).is_some());
    assert_eq!(owner(&s.c).unwrap().2, uid);
    // Removing the selector's labels gets it released.
    s.patch(
        Kind::Pod,
        "ss-0",
        json!({"metadata": {"labels": {"foo": null, "baz": null}}}),
    );
    s.wait("ss-0 released", |c| owner(c).is_none());
    // Restoring them gets it adopted again.
    s.patch(
        Kind::Pod,
        "ss-0",
        json!({"metadata": {"labels": {"foo": "bar", "baz": "blah"}}}),
    );
    s.wait("ss-0 re-adopted", |c| owner(c).is_some_and(|o| o.2 == uid));
    s.settle();
}

// The tutorial's orphan delete (DOC-TUT, and k8s-behaviour §1.12): `delete sts --cascade=orphan`
// keeps the pods; after deleting ss-0 by hand, re-applying with 2 replicas creates ss-0, adopts
// ss-1 and removes ss-2; the old revisions are adopted too.
#[test]
fn orphan_delete_and_reapply_adopts_pods_and_revisions() {
    let mut s = Sim::new(35, &Manifest::new(3));
    scale_up_to(&mut s, 3);
    let revs = revisions(&s.c);
    s.delete(Kind::StatefulSet, "ss", None, Some(Propagation::Orphan));
    s.wait("set gone", |c| {
        c.get_as::<StatefulSet>("default", "ss").is_none()
    });
    for p in ["ss-0", "ss-1", "ss-2"] {
        assert!(
            s.pod(p).metadata.owner_references.is_empty(),
            "{p} orphaned"
        );
        assert!(ready(&s.c, p));
    }
    s.delete(Kind::Pod, "ss-0", None, None);
    s.wait("ss-0 gone", |c| pod(c, "ss-0").is_none());
    let uid1 = s.pod("ss-1").metadata.uid;
    s.apply(&Manifest::new(2).yaml());
    s.wait("ss-0 and ss-1 Ready, ss-2 gone", |c| {
        all_ready(c, &["ss-0", "ss-1"]) && pod(c, "ss-2").is_none()
    });
    assert_eq!(
        s.pod("ss-1").metadata.uid,
        uid1,
        "ss-1 adopted, not replaced"
    );
    let set_uid = s.set().metadata.uid;
    assert_eq!(
        s.pod("ss-1")
            .metadata
            .controller_ref()
            .map(|r| r.uid.clone()),
        Some(set_uid)
    );
    assert_eq!(revisions(&s.c), revs, "the old revisions are adopted");
    s.settle();
}

/// A manifest with `policy` lines for persistentVolumeClaimRetentionPolicy.
fn retention(replicas: i32, when_deleted: &str, when_scaled: &str) -> Manifest {
    Manifest::new(replicas).extra(&format!(
        "  persistentVolumeClaimRetentionPolicy:\n    whenDeleted: {when_deleted}\n    whenScaled: {when_scaled}\n"
    ))
}

fn claim_owners(c: &Cluster, name: &str) -> Vec<String> {
    claim(c, name)
        .map(|p| {
            p.metadata
                .owner_references
                .iter()
                .map(|r| format!("{}/{}", r.kind, r.name))
                .collect()
        })
        .unwrap_or_default()
}

// Upstream e2e #22: "should delete PVCs with a WhenDeleted policy".
#[test]
fn deletes_pvcs_with_a_when_deleted_policy() {
    let mut s = Sim::new(36, &retention(3, "Delete", "Retain"));
    scale_up_to(&mut s, 3);
    s.settle();
    for i in 0..3 {
        assert_eq!(
            claim_owners(&s.c, &format!("datadir-ss-{i}")),
            ["StatefulSet/ss"]
        );
    }
    s.delete(Kind::StatefulSet, "ss", None, None);
    s.wait("claims gone", |c| {
        (0..3).all(|i| claim(c, &format!("datadir-ss-{i}")).is_none())
    });
    s.settle();
    assert!(s.c.list_as::<PersistentVolume>(None).is_empty());
}

// Upstream e2e #23: "should delete PVCs with a OnScaledown policy".
#[test]
fn deletes_pvcs_with_an_on_scaledown_policy() {
    let mut s = Sim::new(37, &retention(3, "Retain", "Delete"));
    scale_up_to(&mut s, 3);
    s.scale(1);
    s.wait("claims 1 and 2 gone", |c| {
        claim(c, "datadir-ss-1").is_none() && claim(c, "datadir-ss-2").is_none()
    });
    assert!(claim(&s.c, "datadir-ss-0").is_some());
    s.settle();
    assert!(claim_owners(&s.c, "datadir-ss-0").is_empty());
}

// Upstream e2e #24: "should delete PVCs after adopting pod (WhenDeleted)".
#[test]
fn deletes_pvcs_after_adopting_pod_when_deleted() {
    let mut s = Sim::new(38, &retention(3, "Delete", "Retain"));
    scale_up_to(&mut s, 3);
    s.patch(
        Kind::Pod,
        "ss-2",
        json!({"metadata": {"ownerReferences": null}}),
    );
    s.delete(Kind::StatefulSet, "ss", None, None);
    s.wait("claims gone", |c| {
        (0..3).all(|i| claim(c, &format!("datadir-ss-{i}")).is_none())
    });
    s.settle();
}

// Upstream e2e #25: "should delete PVCs after adopting pod (WhenScaled)".
#[test]
fn deletes_pvcs_after_adopting_pod_when_scaled() {
    let mut s = Sim::new(39, &retention(3, "Retain", "Delete"));
    scale_up_to(&mut s, 3);
    s.patch(
        Kind::Pod,
        "ss-2",
        json!({"metadata": {"ownerReferences": null}}),
    );
    s.scale(1);
    s.wait("only claim 0 left", |c| {
        claim(c, "datadir-ss-1").is_none() && claim(c, "datadir-ss-2").is_none()
    });
    assert!(claim(&s.c, "datadir-ss-0").is_some());
    s.settle();
}

// Upstream TestStatefulSetControl's checkClaimInvarients for Delete/Delete: live claims are
// owned by the set; a condemned pod's claim is owned by the pod and not by the set.
#[test]
fn claim_owner_refs_follow_the_retention_policy() {
    let mut s = Sim::new(40, &retention(3, "Delete", "Delete"));
    scale_up_to(&mut s, 3);
    s.settle();
    for i in 0..3 {
        assert_eq!(
            claim_owners(&s.c, &format!("datadir-ss-{i}")),
            ["StatefulSet/ss"]
        );
    }
    s.scale(2);
    assert_eq!(claim_owners(&s.c, "datadir-ss-2"), ["Pod/ss-2"]);
    s.wait("claim 2 gone", |c| claim(c, "datadir-ss-2").is_none());
    s.settle();
}

/// Waits for the live pods to be exactly `want`, all Ready.
fn expect_pod_names(s: &mut Sim, want: &[&str]) {
    let want = names(want);
    s.wait("the expected pods", |c| {
        live_pods(c) == want && want.iter().all(|p| ready(c, p))
    });
}

// Upstream e2e #27–#30, "Scaling StatefulSetStartOrdinal": setting, increasing, decreasing and
// removing .spec.ordinals.start.
#[test]
fn start_ordinal_changes() {
    let mut s = Sim::new(41, &Manifest::new(2));
    expect_pod_names(&mut s, &["ss-0", "ss-1"]);
    // Setting .start.ordinal.
    s.patch_set(json!({"spec": {"replicas": 3, "ordinals": {"start": 2}}}));
    expect_pod_names(&mut s, &["ss-2", "ss-3", "ss-4"]);
    s.settle();
    // Increasing .start.ordinal.
    s.patch_set(json!({"spec": {"replicas": 2, "ordinals": {"start": 4}}}));
    expect_pod_names(&mut s, &["ss-4", "ss-5"]);
    s.settle();
    // Decreasing .start.ordinal.
    s.patch_set(json!({"spec": {"ordinals": {"start": 3}}}));
    expect_pod_names(&mut s, &["ss-3", "ss-4"]);
    s.settle();
    // Removing .start.ordinal.
    s.patch_set(json!({"spec": {"ordinals": null}}));
    expect_pod_names(&mut s, &["ss-0", "ss-1"]);
    s.settle();
}

// Upstream e2e #1: "should provide basic identity": hostnames are the pod names, /data is a
// usable claim, and what each pod writes there survives a restart of the whole set (scale to 0
// and back, as `restartStatefulPods` does).
#[test]
fn should_provide_basic_identity() {
    let mut s = Sim::new(42, &Manifest::new(3));
    scale_up_to(&mut s, 3);
    assert_eq!(s.set().spec.service_name.as_deref(), Some("test"));
    for p in ["ss-0", "ss-1", "ss-2"] {
        let host =
            s.c.with_container_fs("default", p, None, |fs| fs.read("/etc/hostname"))
                .unwrap()
                .unwrap();
        assert_eq!(host.trim(), p);
        let wrote = s
            .chk
            .write_file(&mut s.c, "default", p, "/data/hostname", &format!("{p}\n"))
            .unwrap();
        assert!(wrote);
    }
    s.scale(0);
    s.wait("no pods", |c| all_pods(c).is_empty());
    s.scale(3);
    scale_up_to(&mut s, 3);
    for p in ["ss-0", "ss-1", "ss-2"] {
        let data =
            s.c.with_container_fs("default", p, None, |fs| fs.read("/data/hostname"))
                .unwrap()
                .unwrap();
        assert_eq!(data, format!("{p}\n"));
    }
    s.settle();
}

// DOC-STS's scale-down guarantee (SSC processCondemned): if ss-0 becomes unhealthy after ss-2 is
// gone but before ss-1 is deleted, ss-1 is not deleted until ss-0 is Running and Ready again.
#[test]
fn scale_down_waits_for_an_unhealthy_predecessor() {
    let mut s = Sim::new(43, &Manifest::new(3).probe(Probe::Http));
    s.wait("3 Ready", |c| all_ready(c, &["ss-0", "ss-1", "ss-2"]));
    s.scale(1);
    assert!(s.pod("ss-2").is_terminating());
    s.break_http("ss-0");
    s.wait("ss-2 gone and ss-0 unready", |c| {
        pod(c, "ss-2").is_none() && !ready(c, "ss-0")
    });
    s.hold(10_000, "ss-1 kept while ss-0 is unready", |c| {
        pod(c, "ss-1").is_some_and(|p| !p.is_terminating())
    });
    s.restore_http("ss-0");
    s.wait("scaled down to ss-0", |c| all_pods(c) == ["ss-0"]);
    s.settle();
}

// Upstream PodClaimIsStale and e2e #23's follow-up: with `whenScaled: Delete`, scaling down and
// up again gives the returning ordinal a fresh, empty claim (the old one was collected with its
// pod); with the default Retain the data comes back.
#[test]
fn scaled_down_claims_come_back_fresh_only_with_when_scaled_delete() {
    for (policy, kept) in [("Delete", false), ("Retain", true)] {
        let mut s = Sim::new(44, &retention(3, "Retain", policy));
        scale_up_to(&mut s, 3);
        let old = claim(&s.c, "datadir-ss-2").unwrap().metadata.uid;
        s.chk
            .write_file(&mut s.c, "default", "ss-2", "/data/f", "data\n")
            .unwrap();
        s.scale(2);
        s.wait("ss-2 gone", |c| pod(c, "ss-2").is_none());
        s.scale(3);
        scale_up_to(&mut s, 3);
        let new = claim(&s.c, "datadir-ss-2").unwrap().metadata.uid;
        assert_eq!(new == old, kept, "whenScaled {policy}");
        let data =
            s.c.with_container_fs("default", "ss-2", None, |fs| fs.read("/data/f"))
                .unwrap();
        assert_eq!(data.is_ok(), kept, "whenScaled {policy}: {data:?}");
        s.settle();
    }
}

// Upstream TestStatefulSetControl/NewRevisionDeletePodFailure (the status part): right after a
// template change, a new update revision exists and the first pod's deletion is reflected in
// currentReplicas.
#[test]
fn new_revision_status_counts() {
    let mut s = Sim::new(45, &Manifest::new(3));
    scale_up_to(&mut s, 3);
    s.set_image(NEW_IMAGE);
    let st = s.set().status;
    assert_ne!(st.current_revision, st.update_revision);
    assert_eq!((st.current_replicas, st.updated_replicas), (2, 0));
    assert!(s.pod("ss-2").is_terminating());
    wait_rolled_out(&mut s, 3);
    s.settle();
}
