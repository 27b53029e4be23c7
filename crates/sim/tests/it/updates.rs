//! Rolling updates beyond the basics: `maxUnavailable` under its feature gate (ports of
//! upstream's `TestStatefulSetControlRollingUpdateWithMaxUnavailable*`), the stuck-rollout
//! trap of kubernetes.io's "Forced rollback", and Parallel updates.

use crate::invariants::ordinal_of;
use crate::upstream::{
    live_pods, ready_count, revision_of, scale_up_to, wait_rolled_out, Manifest, Sim, NEW_IMAGE,
};
use ordinal_sim::api::*;
use ordinal_sim::features::FeatureGates;
use ordinal_sim::{Cluster, Time, WatchEventType};
use serde_json::json;

fn gate_on() -> FeatureGates {
    FeatureGates::parse("MaxUnavailableStatefulSet=true").unwrap()
}

const MAX_UNAVAILABLE_2: &str =
    "  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate:\n      partition: 3\n      maxUnavailable: 2\n";

fn max_unavailable_field(c: &Cluster) -> Option<serde_json::Value> {
    c.get_as::<StatefulSet>("default", "ss")
        .and_then(|s| s.spec.update_strategy.clone())
        .and_then(|u| u.rolling_update)
        .and_then(|r| r.max_unavailable)
}

/// Pods whose deletion began, and pods added, in watch order after `rv`: `-ss-5` / `+ss-4`.
fn deletes_and_adds(c: &Cluster, rv: u64) -> Vec<String> {
    let mut seen_terminating = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for e in c.watch_since(rv).expect("watch log kept") {
        let Object::Pod(p) = &*e.object else {
            continue;
        };
        let name = p.metadata.name.clone();
        match e.type_ {
            WatchEventType::Added => {
                seen_terminating.remove(&name);
                out.push(format!("+{name}"));
            }
            WatchEventType::Modified
                if p.is_terminating() && seen_terminating.insert(name.clone()) =>
            {
                out.push(format!("-{name}"));
            }
            _ => {}
        }
    }
    out
}

// With the gate off (v1.33's default) the API server drops maxUnavailable
// (`dropStatefulSetDisabledFields`) and the update goes one pod at a time.
#[test]
fn max_unavailable_is_dropped_while_its_gate_is_off() {
    let mut s = Sim::new(31, &Manifest::new(6).extra(MAX_UNAVAILABLE_2));
    assert_eq!(max_unavailable_field(&s.c), None);
    let st = s
        .set()
        .spec
        .update_strategy
        .clone()
        .unwrap()
        .rolling_update
        .unwrap();
    assert_eq!(st.partition, Some(3));
    scale_up_to(&mut s, 6);
    let rv = s.c.resource_version();
    s.set_image(NEW_IMAGE);
    s.wait("ss-3 replaced", |c| {
        revision_of(c, "ss-3")
            == c.get_as::<StatefulSet>("default", "ss")
                .unwrap()
                .status
                .update_revision
            && crate::support::ready(c, "ss-3")
    });
    assert_eq!(
        deletes_and_adds(&s.c, rv),
        ["-ss-5", "+ss-5", "-ss-4", "+ss-4", "-ss-3", "+ss-3"]
    );
}

// With the gate on the field is defaulted to 1 for a RollingUpdate set without it.
#[test]
fn max_unavailable_defaults_to_1_with_the_gate_on() {
    let s = Sim::with_gates(32, &Manifest::new(2), gate_on());
    assert_eq!(max_unavailable_field(&s.c), Some(json!(1)));
}

// Validation with the gate on: an int or a percentage, not 0, at most 100%.
#[test]
fn max_unavailable_validation() {
    let cases: [(serde_json::Value, &str); 5] = [
        (json!(0), "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: cannot be 0"),
        (json!(-1), "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: -1: must be greater than or equal to 0"),
        (json!("0%"), "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: \"0%\": cannot be 0"),
        (json!("150%"), "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: \"150%\": must not be greater than 100%"),
        (json!("x"), "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: \"x\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"),
    ];
    for (v, want) in cases {
        let mut s = Sim::with_gates(33, &Manifest::new(1), gate_on());
        let before = s.c.get_as::<StatefulSet>("default", "ss").cloned();
        let err =
            s.c.patch(
                Kind::StatefulSet,
                "default",
                "ss",
                ordinal_sim::patch::PatchType::Merge,
                &json!({"spec": {"updateStrategy": {"rollingUpdate": {"maxUnavailable": v}}}}),
            )
            .expect_err("invalid maxUnavailable is refused");
        assert!(err.message.contains(want), "{v}: {}", err.message);
        assert_eq!(s.c.get_as::<StatefulSet>("default", "ss").cloned(), before);
        s.check();
    }
    // Percentages are resolved against replicas, rounded down, never below 1.
    let mut s = Sim::with_gates(34, &Manifest::new(1), gate_on());
    s.patch_set(json!({"spec": {"updateStrategy": {"rollingUpdate": {"maxUnavailable": "10%"}}}}));
    assert_eq!(max_unavailable_field(&s.c), Some(json!("10%")));
}

// Upstream: TestStatefulSetControlRollingUpdateWithMaxUnavailable. 6 pods, partition 3,
// maxUnavailable 2: pods 5 and 4 are deleted together; ordinals below the partition are never
// touched; pod 3 goes only once fewer than 2 pods are unavailable.
#[test]
fn rolling_update_with_max_unavailable() {
    for parallel in [false, true] {
        let m = Manifest::new(6).parallel(parallel).extra(MAX_UNAVAILABLE_2);
        let mut s = Sim::with_gates(35, &m, gate_on());
        assert_eq!(max_unavailable_field(&s.c), Some(json!(2)));
        scale_up_to(&mut s, 6);
        let old = s.set().status.update_revision;
        let rv = s.c.resource_version();
        s.set_image(NEW_IMAGE);
        // The first pass deletes 5 and 4 at once.
        let terminating: Vec<String> =
            s.c.list_as::<Pod>(Some("default"))
                .iter()
                .filter(|p| p.is_terminating())
                .map(|p| p.metadata.name.clone())
                .collect();
        assert_eq!(terminating, ["ss-4", "ss-5"], "parallel={parallel}");
        let new = s.set().status.update_revision;
        s.wait("3, 4, 5 at the new revision and Ready", |c| {
            ["ss-3", "ss-4", "ss-5"]
                .iter()
                .all(|p| revision_of(c, p) == new && crate::support::ready(c, p))
        });
        let seq = deletes_and_adds(&s.c, rv);
        let pos = |x: &str| seq.iter().position(|e| e == x).unwrap_or(usize::MAX);
        assert!(
            pos("-ss-4") < pos("+ss-4") && pos("-ss-5") < pos("+ss-4"),
            "{seq:?}"
        );
        if !parallel {
            // OrderedReady recreates 4 before 5, one at a time; 3 goes once 4 and 5 are back.
            assert!(
                pos("+ss-4") < pos("+ss-5") && pos("+ss-5") < pos("-ss-3"),
                "{seq:?}"
            );
        } else {
            assert!(
                pos("+ss-4") < pos("-ss-3") && pos("+ss-5") < pos("-ss-3"),
                "{seq:?}"
            );
        }
        for p in ["ss-0", "ss-1", "ss-2"] {
            assert!(
                !seq.iter().any(|e| e == &format!("-{p}")),
                "{p} was touched: {seq:?}"
            );
            assert_eq!(revision_of(&s.c, p), old);
        }
        s.settle();
        assert_eq!(ready_count(&s.c), 6);
    }
}

// Upstream: TestStatefulSetControlRollingUpdateWithMaxUnavailableInOrderedModeVerifyInvariant.
// Pods already unavailable (terminating), below the partition too, use up the budget: an
// update deletes only max(0, maxUnavailable - unavailable) more. (Under OrderedReady a
// terminating replica blocks the pass before the update step, so this runs in Parallel, where
// upstream's direct call of the update step is what the controller does.)
#[test]
fn max_unavailable_counts_pods_already_unavailable() {
    let cases: &[&[i32]] = &[
        &[],
        &[5],
        &[3],
        &[4],
        &[5, 4],
        &[5, 3],
        &[4, 3],
        &[5, 4, 3],
        &[2],
        &[1],
    ];
    for terminate in cases {
        let m = Manifest::new(6).parallel(true).extra(MAX_UNAVAILABLE_2);
        let mut s = Sim::with_gates(36, &m, gate_on());
        scale_up_to(&mut s, 6);
        for o in *terminate {
            s.delete(Kind::Pod, &format!("ss-{o}"), Some(30), None);
        }
        let before: Vec<String> = terminating(&s.c);
        s.set_image(NEW_IMAGE);
        let after = terminating(&s.c);
        let deleted: Vec<&String> = after.iter().filter(|p| !before.contains(p)).collect();
        let want = 2usize.saturating_sub(terminate.len());
        assert_eq!(
            deleted.len(),
            want,
            "terminating {terminate:?}: deleted {deleted:?}"
        );
        assert!(
            deleted
                .iter()
                .all(|p| ordinal_of("ss", p).is_some_and(|o| o >= 3)),
            "{deleted:?}"
        );
    }
}

fn terminating(c: &Cluster) -> Vec<String> {
    c.list_as::<Pod>(Some("default"))
        .iter()
        .filter(|p| p.is_terminating())
        .map(|p| p.metadata.name.clone())
        .collect()
}

// Parallel pod management scales in parallel, but a rolling update still replaces one pod at a
// time, highest ordinal first (gate off).
#[test]
fn parallel_scales_together_but_updates_one_at_a_time() {
    let mut s = Sim::new(37, &Manifest::new(3).parallel(true));
    scale_up_to(&mut s, 3);
    let rv = s.c.resource_version();
    s.scale(5);
    let added: Vec<String> = deletes_and_adds(&s.c, rv);
    assert_eq!(added, ["+ss-3", "+ss-4"], "both created in one pass");
    scale_up_to(&mut s, 5);
    let rv = s.c.resource_version();
    s.set_image(NEW_IMAGE);
    wait_rolled_out(&mut s, 5);
    assert_eq!(
        deletes_and_adds(&s.c, rv),
        [
            "-ss-4", "+ss-4", "-ss-3", "+ss-3", "-ss-2", "+ss-2", "-ss-1", "+ss-1", "-ss-0",
            "+ss-0"
        ]
    );
    assert_eq!(live_pods(&s.c).len(), 5);
}

// kubernetes.io "Forced rollback" (kubernetes/kubernetes#67250): under OrderedReady an update
// to a template that never becomes Ready stalls on the highest pod; reverting the template does
// not unstick it (the broken pod is waited for, not replaced); deleting it does.
#[test]
fn broken_rollout_stays_stuck_after_revert_until_the_pod_is_deleted() {
    // Ordinal's image catalogue knows repositories, not tags: a repository that does not exist.
    const BAD: &str = "docker.io/library/httpd-no-such-image:2.4";
    let mut s = Sim::new(38, &Manifest::new(3));
    scale_up_to(&mut s, 3);
    let good = s.set().status.update_revision;
    s.set_image(BAD);
    let bad = s.set().status.update_revision;
    assert_ne!(
        bad,
        good,
        "{:?}",
        s.set().spec.template.spec.containers[0].image
    );
    s.wait("ss-2 recreated at the bad revision", |c| {
        revision_of(c, "ss-2") == bad
            && crate::support::pod(c, "ss-2").is_some_and(|p| {
                let st = crate::support::status(p);
                st == "ErrImagePull" || st == "ImagePullBackOff"
            })
    });
    // Stuck: nothing else is replaced, however long we wait.
    s.hold(120_000, "ss-0 and ss-1 untouched", |c| {
        revision_of(c, "ss-1") == good
            && revision_of(c, "ss-0") == good
            && !crate::support::ready(c, "ss-2")
    });
    // Revert the template: the update revision is the good one again...
    s.set_image(crate::upstream::IMAGE);
    assert_eq!(s.set().status.update_revision, good);
    // ...but the broken pod is not replaced: the controller waits for it to become Ready.
    s.hold(120_000, "ss-2 still broken at the bad revision", |c| {
        revision_of(c, "ss-2") == bad && !crate::support::ready(c, "ss-2")
    });
    assert!(s
        .c
        .waiting_reason(Kind::StatefulSet, "default", "ss")
        .is_some());
    // Deleting it is the fix: it comes back at the reverted revision and the set converges.
    s.delete_pod("ss-2");
    s.wait("ss-2 back at the good revision and Ready", |c| {
        revision_of(c, "ss-2") == good && crate::support::ready(c, "ss-2")
    });
    s.settle();
    let st = s.set().status;
    assert_eq!((st.current_revision.clone(), st.ready_replicas), (good, 3));
}

// ---------------------------------------------------------------- probes and crash loops

fn pod_yaml(name: &str, image: &str, container_extra: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n  - name: c\n    image: {image}\n    ports:\n    - containerPort: 80\n      name: http\n{container_extra}"
    )
}

/// (reason, message, count) of the pod's events, oldest first.
fn events_of(c: &Cluster, pod: &str) -> Vec<(String, String, i32)> {
    let mut evs: Vec<&Event> = c
        .list_as::<Event>(Some("default"))
        .into_iter()
        .filter(|e| e.involved_object.name.as_deref() == Some(pod))
        .collect();
    evs.sort_by_key(|e| e.first_timestamp);
    evs.iter()
        .map(|e| {
            (
                e.reason.as_deref().unwrap_or_default().to_string(),
                e.message.clone().unwrap_or_default(),
                e.count.unwrap_or(1),
            )
        })
        .collect()
}

fn count_of(c: &Cluster, pod: &str, reason: &str, message: &str) -> i32 {
    events_of(c, pod)
        .iter()
        .filter(|(r, m, _)| r == reason && m == message)
        .map(|(_, _, n)| *n)
        .sum()
}

fn container_status(c: &Cluster, pod: &str) -> ContainerStatus {
    crate::support::pod(c, pod)
        .unwrap()
        .status
        .container_statuses[0]
        .clone()
}

fn fresh(seed: u64, yaml: &str) -> Cluster {
    let mut c = Cluster::new(seed);
    crate::support::apply(&mut c, yaml);
    c
}

// A readiness probe that fails keeps the pod 0/1 and the kubelet reports each failure as an
// `Unhealthy` event, aggregated into one with a count (one per period).
#[test]
fn failing_readiness_probe_reports_unhealthy_every_period() {
    let probe = "    readinessProbe:\n      httpGet:\n        path: /healthz\n        port: 80\n      periodSeconds: 5\n";
    let mut c = fresh(40, &pod_yaml("r", "registry.k8s.io/nginx-slim:0.21", probe));
    crate::support::wait_until(&mut c, 60_000, "r running", |c| {
        crate::support::pod(c, "r").is_some_and(|p| p.phase() == "Running")
    });
    const MSG: &str = "Readiness probe failed: HTTP probe failed with statuscode: 404";
    let first = count_of(&c, "r", "Unhealthy", MSG);
    assert!(first >= 1, "{:?}", events_of(&c, "r"));
    c.advance(30_000);
    assert_eq!(count_of(&c, "r", "Unhealthy", MSG), first + 6);
    assert!(!crate::support::pod(&c, "r").unwrap().is_ready());
    // The file appears: ready at the next tick, and the failures stop.
    c.with_container_fs("default", "r", None, |fs| {
        fs.write("/usr/share/nginx/html/healthz", "ok\n", false)
    })
    .unwrap()
    .unwrap();
    c.advance(5_000);
    assert!(crate::support::pod(&c, "r").unwrap().is_ready());
    let n = count_of(&c, "r", "Unhealthy", MSG);
    c.advance(60_000);
    assert_eq!(count_of(&c, "r", "Unhealthy", MSG), n);
    assert!(c.settle().quiet, "a healthy pod needs no probe timers");
}

// A port nothing listens on: the prober's connection error is the message (httpGet and
// tcpSocket).
#[test]
fn probes_on_a_closed_port_report_connection_refused() {
    let probe = "    readinessProbe:\n      tcpSocket:\n        port: 8080\n      periodSeconds: 5\n    livenessProbe:\n      httpGet:\n        path: /\n        port: http\n";
    let mut c = fresh(41, &pod_yaml("t", "registry.k8s.io/nginx-slim:0.21", probe));
    crate::support::wait_until(&mut c, 60_000, "t running", |c| {
        container_status(c, "t").state.running.is_some()
    });
    c.advance(20_000);
    let ip = crate::support::pod(&c, "t")
        .unwrap()
        .status
        .pod_ip
        .clone()
        .unwrap();
    let msg = format!("Readiness probe failed: dial tcp {ip}:8080: connect: connection refused");
    assert!(
        count_of(&c, "t", "Unhealthy", &msg) >= 4,
        "{:?}",
        events_of(&c, "t")
    );
    // The liveness probe on the named port `http` (80) passes: no liveness events.
    assert!(!events_of(&c, "t")
        .iter()
        .any(|(_, m, _)| m.starts_with("Liveness")));
    let p = crate::support::pod(&c, "t").unwrap();
    assert_eq!(p.status.container_statuses[0].restart_count, 0);
    assert!(!p.is_ready());
}

// A failing liveness probe restarts the container after failureThreshold failures, with the
// kubelet's events; the restarted container (a fresh writable layer) is healthy again.
#[test]
fn failing_liveness_probe_restarts_the_container() {
    let probe = "    livenessProbe:\n      httpGet:\n        path: /index.html\n        port: 80\n      periodSeconds: 5\n      failureThreshold: 3\n";
    let mut c = fresh(42, &pod_yaml("l", "registry.k8s.io/nginx-slim:0.21", probe));
    crate::support::wait_until(&mut c, 60_000, "l ready", |c| crate::support::ready(c, "l"));
    c.advance(20_000);
    assert!(events_of(&c, "l").iter().all(|(r, _, _)| r != "Unhealthy"));
    c.with_container_fs("default", "l", None, |fs| {
        fs.remove("/usr/share/nginx/html/index.html", false)
    })
    .unwrap()
    .unwrap();
    crate::support::wait_until(&mut c, 60_000, "a restart", |c| {
        container_status(c, "l").restart_count == 1
    });
    const MSG: &str = "Liveness probe failed: HTTP probe failed with statuscode: 404";
    assert_eq!(count_of(&c, "l", "Unhealthy", MSG), 3);
    assert_eq!(
        count_of(
            &c,
            "l",
            "Killing",
            "Container c failed liveness probe, will be restarted"
        ),
        1
    );
    let st = container_status(&c, "l");
    let last = st.last_state.terminated.expect("last state terminated");
    assert_eq!(
        (last.exit_code, last.reason.as_deref()),
        (0, Some("Completed"))
    );
    c.advance(60_000);
    assert_eq!(container_status(&c, "l").restart_count, 1);
    assert_eq!(count_of(&c, "l", "Unhealthy", MSG), 3);
}

// A startup probe holds back readiness (and `started`) until it passes; one that never passes
// restarts the container after failureThreshold failures.
#[test]
fn startup_probe_gates_readiness_and_restarts_on_failure() {
    let ok = "    startupProbe:\n      httpGet:\n        path: /\n        port: 80\n      initialDelaySeconds: 10\n      periodSeconds: 5\n";
    let mut c = fresh(43, &pod_yaml("s", "registry.k8s.io/nginx-slim:0.21", ok));
    crate::support::wait_until(&mut c, 60_000, "s running", |c| {
        container_status(c, "s").state.running.is_some()
    });
    let started_at = container_status(&c, "s")
        .state
        .running
        .unwrap()
        .started_at
        .unwrap();
    assert_eq!(container_status(&c, "s").started, Some(false));
    assert!(!crate::support::pod(&c, "s").unwrap().is_ready());
    crate::support::wait_until(&mut c, 60_000, "s ready", |c| crate::support::ready(c, "s"));
    assert!(
        c.now().since(started_at) >= 10_000,
        "ready before the startup probe ran"
    );
    assert_eq!(container_status(&c, "s").started, Some(true));

    let bad = "    startupProbe:\n      tcpSocket:\n        port: 81\n      periodSeconds: 2\n      failureThreshold: 4\n";
    let mut c = fresh(44, &pod_yaml("b", "registry.k8s.io/nginx-slim:0.21", bad));
    crate::support::wait_until(&mut c, 60_000, "a restart", |c| {
        crate::support::pod(c, "b").is_some_and(|p| {
            p.status
                .container_statuses
                .first()
                .is_some_and(|s| s.restart_count >= 1)
        })
    });
    assert_eq!(
        count_of(
            &c,
            "b",
            "Killing",
            "Container c failed startup probe, will be restarted"
        ),
        1
    );
    let ip = crate::support::pod(&c, "b")
        .unwrap()
        .status
        .pod_ip
        .clone()
        .unwrap();
    let msg = format!("Startup probe failed: dial tcp {ip}:81: connect: connection refused");
    assert!(count_of(&c, "b", "Unhealthy", &msg) >= 4);
    assert!(!crate::support::pod(&c, "b").unwrap().is_ready());
}

// CrashLoopBackOff: restarts back off 10 s, 20 s, 40 s, … capped at 5 minutes (kubelet's
// backOffPeriod and MaxContainerBackOff); RESTARTS and the waiting reason show it.
#[test]
fn crash_loop_backs_off_exponentially_to_five_minutes() {
    let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: crash\nspec:\n  containers:\n  - name: c\n    image: busybox:1.28\n    command: [\"sh\", \"-c\", \"exit 1\"]\n";
    let mut c = fresh(45, yaml);
    // The start time of each run of the container.
    let mut starts: Vec<Time> = Vec::new();
    let t0 = c.now();
    while c.now().since(t0) < 30 * 60_000 {
        c.advance(100);
        if let Some(r) = container_status(&c, "crash").state.running {
            let at = r.started_at.unwrap();
            if starts.last() != Some(&at) {
                starts.push(at);
            }
        }
        if let Some(t) = container_status(&c, "crash").last_state.terminated {
            let at = t.started_at.unwrap();
            if starts.last().is_none_or(|l| *l < at) {
                starts.push(at);
            }
        }
    }
    let gaps: Vec<u64> = starts.windows(2).map(|w| w[1].since(w[0]) / 1000).collect();
    // The first restart is immediate; then 10, 20, 40, 80, 160, 300, 300, … seconds.
    assert!(gaps.len() >= 8, "{gaps:?}");
    let want = [10u64, 20, 40, 80, 160, 300, 300];
    for (i, w) in want.iter().enumerate() {
        let g = gaps[i + 1];
        assert!(
            g >= *w && g <= w + 3,
            "restart {} after {g}s, want ~{w}s: {gaps:?}",
            i + 2
        );
    }
    let st = container_status(&c, "crash");
    assert_eq!(
        st.state.waiting.map(|w| w.reason),
        Some(Some("CrashLoopBackOff".into()))
    );
    assert_eq!(st.last_state.terminated.map(|t| t.exit_code), Some(1));
}

// The same trap with a readiness probe that never passes: the new ss-2 runs but stays 0/1, the
// rollout stalls; removing the probe again does not replace ss-2; deleting it does.
#[test]
fn never_ready_rollout_stays_stuck_after_revert_until_the_pod_is_deleted() {
    let mut s = Sim::new(39, &Manifest::new(3));
    scale_up_to(&mut s, 3);
    let good = s.set().status.update_revision;
    s.c.patch(
        Kind::StatefulSet,
        "default",
        "ss",
        ordinal_sim::patch::PatchType::Json,
        &json!([{"op": "add", "path": "/spec/template/spec/containers/0/readinessProbe",
                 "value": {"httpGet": {"path": "/never.html", "port": 80}, "periodSeconds": 2}}]),
    )
    .expect("probe added");
    s.check();
    let bad = s.set().status.update_revision;
    assert_ne!(bad, good);
    s.wait("ss-2 running at the bad revision", |c| {
        revision_of(c, "ss-2") == bad
            && crate::support::pod(c, "ss-2").is_some_and(|p| p.phase() == "Running")
    });
    s.hold(60_000, "the rollout stalls on ss-2", |c| {
        !crate::support::ready(c, "ss-2") && revision_of(c, "ss-1") == good
    });
    s.c.patch(
        Kind::StatefulSet,
        "default",
        "ss",
        ordinal_sim::patch::PatchType::Json,
        &json!([{"op": "remove", "path": "/spec/template/spec/containers/0/readinessProbe"}]),
    )
    .expect("probe removed");
    s.check();
    assert_eq!(s.set().status.update_revision, good);
    s.hold(60_000, "ss-2 still unready at the bad revision", |c| {
        revision_of(c, "ss-2") == bad && !crate::support::ready(c, "ss-2")
    });
    s.delete_pod("ss-2");
    s.wait("ss-2 back at the good revision and Ready", |c| {
        revision_of(c, "ss-2") == good && crate::support::ready(c, "ss-2")
    });
    s.settle();
    assert_eq!(s.set().status.ready_replicas, 3);
}

// Exec probes report the command's output: busybox's and coreutils' wording of a missing file.
#[test]
fn exec_probe_failures_quote_the_command_output() {
    let busybox = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: e\nspec:\n  containers:\n  - name: c\n    image: busybox:1.28\n    command: [\"sleep\", \"3600\"]\n    readinessProbe:\n      exec:\n        command: [\"cat\", \"/tmp/ready\"]\n      periodSeconds: 5\n";
    let mut c = fresh(46, busybox);
    crate::support::wait_until(&mut c, 60_000, "e running", |c| {
        container_status(c, "e").state.running.is_some()
    });
    c.advance(6_000);
    let msg = "Readiness probe failed: cat: can't open '/tmp/ready': No such file or directory";
    assert!(
        count_of(&c, "e", "Unhealthy", msg) >= 1,
        "{:?}",
        events_of(&c, "e")
    );
    c.with_container_fs("default", "e", None, |fs| fs.write("/tmp/ready", "", false))
        .unwrap()
        .unwrap();
    c.advance(5_000);
    assert!(crate::support::ready(&c, "e"));

    let nginx = "    readinessProbe:\n      exec:\n        command: [\"sh\", \"-c\", \"cat /tmp/ready\"]\n      periodSeconds: 5\n";
    let mut c = fresh(47, &pod_yaml("n", "registry.k8s.io/nginx-slim:0.21", nginx));
    crate::support::wait_until(&mut c, 60_000, "n running", |c| {
        container_status(c, "n").state.running.is_some()
    });
    c.advance(6_000);
    let msg = "Readiness probe failed: cat: /tmp/ready: No such file or directory";
    assert!(
        count_of(&c, "n", "Unhealthy", msg) >= 1,
        "{:?}",
        events_of(&c, "n")
    );
}
