//! Ports of upstream's Deployment controller unit tests (`rolling_test.go`, `sync_test.go`,
//! `recreate_test.go`, `progress_test.go`): each calls the controller function on objects put
//! straight into the store, as upstream calls it with a fake client, and checks what it
//! wrote. Each test is named after the upstream test it ports.

use super::util::{self, replicas};
use super::*;
use crate::time::{Time, SECOND};
use serde_json::json;

const NEW: Time = Time(1_463_709_600_000); // 2016-05-20T02:00:00Z
const OLD: Time = Time(1_463_706_000_000); // 01:00
const OLDER: Time = Time(1_463_702_400_000); // 00:00

/// Upstream's `rs(name, replicas, selector, timestamp)`, valid for the API.
fn rs(name: &str, n: i32, created: Time) -> ReplicaSet {
    let labels: Labels = [("rs".to_string(), name.to_string())].into();
    ReplicaSet {
        metadata: ObjectMeta {
            name: name.into(),
            namespace: "default".into(),
            uid: format!("uid-{name}"),
            creation_timestamp: Some(created),
            labels: labels.clone().into(),
            ..Default::default()
        },
        spec: ReplicaSetSpec {
            replicas: Some(n),
            selector: Some(LabelSelector {
                match_labels: labels.clone(),
                ..Default::default()
            }),
            template: template(labels),
            ..Default::default()
        },
        status: Default::default(),
    }
}

fn template(labels: Labels) -> PodTemplateSpec {
    PodTemplateSpec {
        metadata: ObjectMeta {
            labels: labels.into(),
            ..Default::default()
        },
        spec: PodSpec {
            containers: vec![Container {
                name: "c".into(),
                image: Some("foo/bar".into()),
                ..Default::default()
            }]
            .into(),
            ..Default::default()
        },
    }
}

/// Upstream's `newRSWithStatus(name, specReplicas, statusReplicas, selector)`.
fn rs_with_status(name: &str, spec: i32, status: i32) -> ReplicaSet {
    let mut r = rs(name, spec, NEW);
    r.status.replicas = status;
    r
}

/// Upstream's `newDeployment(name, replicas, revisionHistoryLimit, maxSurge, maxUnavailable,
/// selector)`: surge and unavailable default to 0.
fn deployment(
    n: i32,
    history: Option<i32>,
    surge: Option<i64>,
    unavailable: Option<i64>,
) -> Deployment {
    let labels: Labels = [("foo".to_string(), "bar".to_string())].into();
    Deployment {
        metadata: ObjectMeta {
            name: "foo".into(),
            namespace: "default".into(),
            uid: "uid-foo".into(),
            ..Default::default()
        },
        spec: DeploymentSpec {
            replicas: Some(n),
            selector: Some(LabelSelector {
                match_labels: labels.clone(),
                ..Default::default()
            }),
            template: template(labels),
            strategy: DeploymentStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: Some(RollingUpdateDeployment {
                    max_surge: Some(json!(surge.unwrap_or(0))),
                    max_unavailable: Some(json!(unavailable.unwrap_or(0))),
                }),
            },
            revision_history_limit: history,
            ..Default::default()
        },
        status: Default::default(),
    }
}

fn put(c: &mut Cluster, rs: &ReplicaSet) {
    c.store.put(rs.clone().into());
}

fn stored(c: &Cluster, name: &str) -> ReplicaSet {
    c.get_as::<ReplicaSet>("default", name)
        .cloned()
        .unwrap_or_default()
}

#[test]
fn deployment_controller_reconcile_new_replica_set() {
    // (replicas, maxSurge, old, new, scale expected, expected new)
    for (n, surge, old, new, scaled, want) in [
        (10, 0, 10, 0, false, 0),
        (10, 2, 10, 0, true, 2),
        (10, 2, 5, 0, true, 7),
        (10, 2, 10, 2, false, 0),
        (10, 2, 2, 11, true, 10),
    ] {
        let mut c = Cluster::new(1);
        let new_rs = rs("foo-v2", new, NEW);
        let old_rs = rs("foo-v1", old, OLD);
        put(&mut c, &new_rs);
        put(&mut c, &old_rs);
        let d = deployment(n, None, Some(surge), Some(0));
        let all = [&new_rs, &old_rs];
        let got = rolling::reconcile_new(&mut c, &all, &new_rs, &d);
        assert_eq!(got, Ok(scaled), "{n} {surge} {old} {new}");
        if scaled {
            assert_eq!(replicas(&stored(&c, "foo-v2")), want);
        }
    }
}

#[test]
fn deployment_controller_reconcile_old_replica_sets() {
    // (replicas, maxUnavailable, old, new, available old, available new, scale expected)
    for (n, unavailable, old, new, ready_old, ready_new, scaled) in [
        (10, 0, 10, 0, 10, 0, true),
        (10, 2, 10, 0, 10, 0, true),
        (10, 2, 10, 0, 8, 0, true),
        (10, 2, 10, 0, 9, 0, true),
        (10, 2, 8, 2, 8, 0, false),
    ] {
        let mut c = Cluster::new(1);
        let mut new_rs = rs("foo-new", new, NEW);
        new_rs.status.available_replicas = ready_new;
        let mut old_rs = rs("foo-old", old, OLD);
        old_rs.status.available_replicas = ready_old;
        put(&mut c, &new_rs);
        put(&mut c, &old_rs);
        let d = deployment(n, None, Some(0), Some(unavailable));
        let all = [&old_rs, &new_rs];
        let got = rolling::reconcile_old(&mut c, &all, vec![old_rs.clone()], &new_rs, &d);
        assert_eq!(got, Ok(scaled), "{n} {unavailable} {old} {new}");
    }
}

#[test]
fn deployment_controller_cleanup_unhealthy_replicas() {
    // (old replicas, ready pods, max cleanup, cleaned up)
    for (old, ready, max, want) in [(10, 8, 1, 1), (10, 8, 3, 2), (10, 8, 0, 0), (10, 10, 3, 0)] {
        let mut c = Cluster::new(1);
        let mut old_rs = rs("foo-v2", old, OLD);
        old_rs.status.available_replicas = ready;
        put(&mut c, &old_rs);
        let d = deployment(10, None, Some(2), Some(2));
        let got =
            rolling::cleanup_unhealthy_replicas(&mut c, vec![old_rs], &d, max).map(|(_, n)| n);
        assert_eq!(got, Ok(want), "{old} {ready} {max}");
    }
}

#[test]
fn deployment_controller_scale_down_old_replica_sets_for_rolling_update() {
    // (replicas, maxUnavailable, ready pods, old replicas, expected old after, or none)
    for (n, unavailable, ready, old, want) in [
        (10, 0, 10, 10, Some(9)),
        (10, 2, 10, 10, Some(8)),
        (10, 2, 8, 10, None),
        (10, 2, 10, 0, None),
        (10, 2, 1, 10, None),
    ] {
        let mut c = Cluster::new(1);
        let mut old_rs = rs("foo-v2", old, OLD);
        old_rs.status.available_replicas = ready;
        put(&mut c, &old_rs);
        let d = deployment(n, None, Some(0), Some(unavailable));
        let got =
            rolling::scale_down_old_for_rolling_update(&mut c, &[&old_rs], &[old_rs.clone()], &d);
        match want {
            None => assert_eq!(got, Ok(0), "{n} {unavailable} {ready} {old}"),
            Some(w) => {
                assert!(got.is_ok_and(|s| s > 0));
                assert_eq!(replicas(&stored(&c, "foo-v2")), w);
            }
        }
    }
}

/// A case of upstream's `TestScale`: (name, new size, old size, old maxSurge, new maxSurge,
/// the new ReplicaSet, the old ones, expected new, expected old).
type ScaleCase = (
    &'static str,
    i32,
    i32,
    Option<i64>,
    Option<i64>,
    Option<(&'static str, i32, Time)>,
    Vec<(&'static str, i32, Time)>,
    Option<i32>,
    Vec<i32>,
);

#[test]
fn scale() {
    let cases: Vec<ScaleCase> = vec![
        (
            "normal scaling event: 10 -> 12",
            12,
            10,
            None,
            None,
            Some(("foo-v1", 10, NEW)),
            vec![],
            Some(12),
            vec![],
        ),
        (
            "normal scaling event: 10 -> 5",
            5,
            10,
            None,
            None,
            Some(("foo-v1", 10, NEW)),
            vec![],
            Some(5),
            vec![],
        ),
        (
            "proportional scaling: 5 -> 10",
            10,
            5,
            None,
            None,
            Some(("foo-v2", 2, NEW)),
            vec![("foo-v1", 3, OLD)],
            Some(4),
            vec![6],
        ),
        (
            "proportional scaling: 5 -> 3",
            3,
            5,
            None,
            None,
            Some(("foo-v2", 2, NEW)),
            vec![("foo-v1", 3, OLD)],
            Some(1),
            vec![2],
        ),
        (
            "proportional scaling: 9 -> 4",
            4,
            9,
            None,
            None,
            Some(("foo-v2", 8, NEW)),
            vec![("foo-v1", 1, OLD)],
            Some(4),
            vec![0],
        ),
        (
            "proportional scaling: 7 -> 10",
            10,
            7,
            None,
            None,
            Some(("foo-v3", 2, NEW)),
            vec![("foo-v2", 3, OLD), ("foo-v1", 2, OLDER)],
            Some(3),
            vec![4, 3],
        ),
        (
            "proportional scaling: 13 -> 8",
            8,
            13,
            None,
            None,
            Some(("foo-v3", 2, NEW)),
            vec![("foo-v2", 8, OLD), ("foo-v1", 3, OLDER)],
            Some(1),
            vec![5, 2],
        ),
        (
            "leftover distribution: 3 -> 4",
            4,
            3,
            None,
            None,
            Some(("foo-v3", 1, NEW)),
            vec![("foo-v2", 1, OLD), ("foo-v1", 1, OLDER)],
            Some(2),
            vec![1, 1],
        ),
        (
            "leftover distribution: 3 -> 2",
            2,
            3,
            None,
            None,
            Some(("foo-v3", 1, NEW)),
            vec![("foo-v2", 1, OLD), ("foo-v1", 1, OLDER)],
            Some(1),
            vec![1, 0],
        ),
        (
            "proportional scaling (no new rs): 4 -> 5",
            5,
            4,
            None,
            None,
            None,
            vec![("foo-v2", 2, OLD), ("foo-v1", 2, OLDER)],
            None,
            vec![3, 2],
        ),
        (
            "proportional scaling: 6 -> 0",
            0,
            6,
            None,
            None,
            Some(("foo-v3", 3, NEW)),
            vec![("foo-v2", 2, OLD), ("foo-v1", 1, OLDER)],
            Some(0),
            vec![0, 0],
        ),
        (
            "proportional scaling: 0 -> 6",
            6,
            6,
            None,
            None,
            Some(("foo-v3", 0, NEW)),
            vec![("foo-v2", 0, OLD), ("foo-v1", 0, OLDER)],
            Some(6),
            vec![0, 0],
        ),
        (
            "deployment with surge pods",
            20,
            10,
            Some(2),
            Some(2),
            Some(("foo-v2", 6, NEW)),
            vec![("foo-v1", 6, OLD)],
            Some(11),
            vec![11],
        ),
        (
            "change both surge and size",
            50,
            10,
            Some(3),
            Some(6),
            Some(("foo-v2", 5, NEW)),
            vec![("foo-v1", 8, OLD)],
            Some(22),
            vec![34],
        ),
    ];
    for (name, size, old_size, old_surge, surge, new_rs, olds, want_new, want_old) in cases {
        let mut c = Cluster::new(1);
        let d = deployment(size, None, surge, None);
        let before = deployment(old_size, None, old_surge, None);
        let annotate = |r: &mut ReplicaSet| {
            let desired = before.replicas();
            util::set_replicas_annotations(r, desired, desired + util::max_surge(&before));
        };
        let new_rs = new_rs.map(|(n, k, t)| {
            let mut r = rs(n, k, t);
            annotate(&mut r);
            put(&mut c, &r);
            r
        });
        let olds: Vec<ReplicaSet> = olds
            .into_iter()
            .map(|(n, k, t)| {
                let mut r = rs(n, k, t);
                annotate(&mut r);
                put(&mut c, &r);
                r
            })
            .collect();
        assert_eq!(
            sync::scale(&mut c, &d, new_rs.as_ref(), &olds),
            Ok(()),
            "{name}"
        );
        if let (Some(w), Some(n)) = (want_new, &new_rs) {
            assert_eq!(replicas(&stored(&c, &n.metadata.name)), w, "{name}: new");
        }
        for (o, w) in olds.iter().zip(want_old) {
            assert_eq!(
                replicas(&stored(&c, &o.metadata.name)),
                w,
                "{name}: {}",
                o.metadata.name
            );
        }
    }
}

#[test]
fn scale_saturated_but_broken_new_replica_set_does_not_affect_old_pods() {
    let mut c = Cluster::new(1);
    let d = deployment(2, None, Some(1), Some(1));
    let mut new_rs = rs("foo-v2", 2, NEW);
    let mut old_rs = rs("foo-v1", 1, OLD);
    for r in [&mut new_rs, &mut old_rs] {
        util::set_replicas_annotations(r, 2, 3);
        put(&mut c, r);
    }
    assert_eq!(sync::scale(&mut c, &d, Some(&new_rs), &[old_rs]), Ok(()));
    assert_eq!(replicas(&stored(&c, "foo-v2")), 2);
    assert_eq!(replicas(&stored(&c, "foo-v1")), 1);
}

#[test]
fn scale_change_both_size_and_template() {
    // The template changed too: no new ReplicaSet yet, and the old ones grow in proportion.
    let mut c = Cluster::new(1);
    let mut d = deployment(14, None, None, None);
    d.spec
        .template
        .metadata
        .labels
        .insert("another".into(), "label".into());
    let before = deployment(10, None, None, None);
    let mut v2 = rs("foo-v2", 7, NEW);
    let mut v1 = rs("foo-v1", 3, OLD);
    for r in [&mut v2, &mut v1] {
        util::set_replicas_annotations(r, 10, 10 + util::max_surge(&before));
        put(&mut c, r);
    }
    assert_eq!(sync::scale(&mut c, &d, None, &[v2, v1]), Ok(()));
    assert_eq!(replicas(&stored(&c, "foo-v2")), 10);
    assert_eq!(replicas(&stored(&c, "foo-v1")), 4);
}

#[test]
fn deployment_controller_cleanup_deployment() {
    // (old ReplicaSets as (name, spec, status), revisionHistoryLimit, deletions)
    type Case = (Vec<(&'static str, i32, i32)>, i32, usize);
    let cases: Vec<Case> = vec![
        (
            vec![("foo-1", 0, 0), ("foo-2", 0, 0), ("foo-3", 0, 0)],
            1,
            2,
        ),
        (
            vec![
                ("foo-1", 0, 0),
                ("foo-2", 0, 1),
                ("foo-3", 1, 0),
                ("foo-4", 1, 1),
            ],
            0,
            1,
        ),
        (vec![("foo-1", 0, 0), ("foo-2", 0, 0)], 0, 2),
        (vec![("foo-1", 1, 1), ("foo-2", 1, 1)], 0, 0),
        (
            vec![("foo-1", 0, 0), ("foo-2", 0, 0), ("foo-3", 0, 0)],
            i32::MAX,
            0,
        ),
    ];
    for (olds, limit, want) in cases {
        let mut c = Cluster::new(1);
        let olds: Vec<ReplicaSet> = olds
            .into_iter()
            .map(|(n, spec, status)| {
                let r = rs_with_status(n, spec, status);
                put(&mut c, &r);
                r
            })
            .collect();
        let before = olds.len();
        let d = deployment(1, Some(limit), None, None);
        assert_eq!(sync::cleanup_deployment(&mut c, &olds, &d), Ok(()));
        let left = c.list_as::<ReplicaSet>(Some("default")).len();
        assert_eq!(before - left, want, "limit {limit}");
    }
    // A ReplicaSet already being deleted is not deleted again.
    let mut c = Cluster::new(1);
    let mut gone = rs_with_status("foo-1", 0, 0);
    gone.metadata.deletion_timestamp = Some(NEW);
    gone.metadata.finalizers = vec!["test/hold".to_string()].into();
    put(&mut c, &gone);
    let d = deployment(1, Some(0), None, None);
    assert_eq!(sync::cleanup_deployment(&mut c, &[gone], &d), Ok(()));
    assert_eq!(c.list_as::<ReplicaSet>(Some("default")).len(), 1);
}

#[test]
fn scale_down_old_replica_sets() {
    // recreate_test.go: an old ReplicaSet of 3 goes to 0.
    let mut c = Cluster::new(1);
    let d = deployment(3, None, None, None);
    let old = rs("foo-0", 3, OLD);
    put(&mut c, &old);
    let mut olds = vec![old];
    assert_eq!(
        recreate::scale_down_old_for_recreate(&mut c, &mut olds, &d),
        Ok(true)
    );
    assert_eq!(replicas(&olds[0]), 0);
    assert_eq!(replicas(&stored(&c, "foo-0")), 0);
}

#[test]
fn old_pods_running() {
    let pod = |phase: &str| Pod {
        status: PodStatus {
            phase: Some(phase.into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let new_rs = rs("new", 1, NEW);
    let old_rs = rs("old", 0, OLD);
    let mut old_with_status = rs("old", 0, OLD);
    old_with_status.status.replicas = 1;
    let map = |pods: Vec<(&ReplicaSet, Vec<Pod>)>| -> Vec<(String, Vec<Pod>)> {
        pods.into_iter()
            .map(|(r, p)| (r.metadata.uid.clone(), p))
            .collect()
    };
    // (name, new ReplicaSet, old ones, pods by ReplicaSet, running)
    type Case<'a> = (
        &'a str,
        Option<&'a ReplicaSet>,
        Vec<ReplicaSet>,
        Vec<(String, Vec<Pod>)>,
        bool,
    );
    let cases: Vec<Case> = vec![
        ("no old RSs", None, vec![], vec![], false),
        (
            "old RSs with running pods",
            None,
            vec![old_rs.clone()],
            map(vec![(&old_rs, vec![pod("Running")])]),
            true,
        ),
        (
            "old RSs without pods but with non-zero status replicas",
            None,
            vec![old_with_status],
            map(vec![]),
            true,
        ),
        (
            "old RSs without pods or non-zero status replicas",
            None,
            vec![old_rs.clone()],
            map(vec![]),
            false,
        ),
        (
            "old RSs with zero status replicas but pods in terminal state are present",
            None,
            vec![old_rs.clone()],
            map(vec![(&old_rs, vec![pod("Failed"), pod("Succeeded")])]),
            false,
        ),
        (
            "old RSs with zero status replicas but pod in unknown phase present",
            None,
            vec![old_rs.clone()],
            map(vec![(&old_rs, vec![pod("Unknown")])]),
            true,
        ),
        (
            "old RSs with zero status replicas with pending pod present",
            None,
            vec![old_rs.clone()],
            map(vec![(&old_rs, vec![pod("Pending")])]),
            true,
        ),
        (
            "old RSs with zero status replicas with running pod present",
            None,
            vec![old_rs.clone()],
            map(vec![(&old_rs, vec![pod("Running")])]),
            true,
        ),
        (
            "old RSs with zero status replicas with only new pods present",
            Some(&new_rs),
            vec![old_rs.clone()],
            map(vec![(&new_rs, vec![pod("Running")])]),
            false,
        ),
    ];
    for (name, new_rs, olds, pods, running) in cases {
        assert_eq!(
            recreate::old_pods_running(new_rs, &olds, &pods).is_some(),
            running,
            "{name}"
        );
    }
}

#[test]
fn requeue_stuck_deployment() {
    // The `stuck` condition was last updated at 2017-02-15T18:49:00Z; the deadline is 60 s.
    let stuck_at = Time(1_487_184_540_000);
    let cond = |reason: &str| DeploymentCondition {
        type_: "Progressing".into(),
        status: "True".into(),
        last_update_time: Some(stuck_at),
        last_transition_time: Some(stuck_at),
        reason: reason.into(),
        message: String::new(),
    };
    let with = |deadline: Option<i32>, c: Option<DeploymentCondition>| {
        let mut d = deployment(3, None, None, None);
        d.spec.progress_deadline_seconds = deadline;
        d.status.conditions = c.into_iter().collect();
        d
    };
    // `newDeploymentStatus(replicas, updated, available)`.
    let status = |replicas, updated_replicas, available_replicas| DeploymentStatus {
        replicas,
        updated_replicas,
        available_replicas,
        ..Default::default()
    };
    let at = |s: u64| stuck_at.plus_ms(s);
    // (name, deployment, new status, now, expected requeue: None, or in how long from now)
    let cases = [
        (
            "nil progressDeadlineSeconds specified",
            with(None, Some(cond(util::REPLICA_SET_UPDATED))),
            status(3, 3, 2),
            at(0),
            None,
        ),
        (
            "infinite progressDeadlineSeconds specified",
            with(Some(i32::MAX), Some(cond(util::REPLICA_SET_UPDATED))),
            status(3, 3, 2),
            at(0),
            None,
        ),
        (
            "no progressing condition found",
            with(Some(60), None),
            status(3, 2, 2),
            at(0),
            None,
        ),
        (
            "complete deployment does not need to be requeued",
            with(Some(60), Some(cond(util::REPLICA_SET_UPDATED))),
            status(3, 3, 3),
            at(0),
            None,
        ),
        (
            "already failed deployment does not need to be requeued",
            with(Some(60), Some(cond(util::TIMED_OUT))),
            status(3, 2, 0),
            at(0),
            None,
        ),
        (
            "stuck deployment - 30s",
            with(Some(60), Some(cond(util::REPLICA_SET_UPDATED))),
            status(3, 2, 1),
            at(30 * SECOND),
            Some(31 * SECOND),
        ),
        (
            "stuck deployment - 1s",
            with(Some(60), Some(cond(util::REPLICA_SET_UPDATED))),
            status(3, 2, 1),
            at(59 * SECOND),
            Some(2 * SECOND),
        ),
        (
            "failed deployment - less than a second => now",
            with(Some(60), Some(cond(util::REPLICA_SET_UPDATED))),
            status(3, 2, 1),
            at(59 * SECOND + 1),
            Some(5),
        ),
        (
            "failed deployment - now",
            with(Some(60), Some(cond(util::REPLICA_SET_UPDATED))),
            status(3, 2, 1),
            at(60 * SECOND),
            Some(5),
        ),
        (
            "failed deployment - 1s after deadline",
            with(Some(60), Some(cond(util::REPLICA_SET_UPDATED))),
            status(3, 2, 1),
            at(61 * SECOND),
            Some(5),
        ),
    ];
    for (name, d, status, now, want) in cases {
        let got = progress::requeue_stuck(&d, &status, now);
        assert_eq!(got, want.map(|ms| now.plus_ms(ms)), "{name}");
    }
}
