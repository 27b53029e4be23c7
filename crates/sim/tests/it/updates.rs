//! Rolling updates beyond the basics: `maxUnavailable` under its feature gate (ports of
//! upstream's `TestStatefulSetControlRollingUpdateWithMaxUnavailable*`), the stuck-rollout
//! trap of kubernetes.io's "Forced rollback", and Parallel updates.

use crate::invariants::ordinal_of;
use crate::upstream::{
    live_pods, ready_count, revision_of, scale_up_to, wait_rolled_out, Manifest, Sim, NEW_IMAGE,
};
use ordinal_sim::api::*;
use ordinal_sim::features::FeatureGates;
use ordinal_sim::{Cluster, WatchEventType};
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
    assert!(s.c.waiting_reason("default", "ss").is_some());
    // Deleting it is the fix: it comes back at the reverted revision and the set converges.
    s.delete_pod("ss-2");
    s.wait("ss-2 back at the good revision and Ready", |c| {
        revision_of(c, "ss-2") == good && crate::support::ready(c, "ss-2")
    });
    s.settle();
    let st = s.set().status;
    assert_eq!((st.current_revision.clone(), st.ready_replicas), (good, 3));
}
