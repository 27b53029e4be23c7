//! Deletion and storage lifecycle: the retention policy's owner references and their timing,
//! PV release and reclaim, pvc-protection, cascading deletion of a StatefulSet, re-adoption
//! with identity repair, and the events the controllers record on the way.

use crate::support::*;
use ordinal_sim::api::*;
use ordinal_sim::patch::PatchType;
use ordinal_sim::{Cluster, DeleteOptions, Propagation, WatchEventType};
use serde_json::json;

const LIMIT_MS: u64 = 300_000;

fn both_ready(c: &Cluster) -> bool {
    ready(c, "web-0") && ready(c, "web-1")
}

/// kubernetes.io's `web` (2 replicas, claim template `www`), Ready, with `policy` as its
/// persistentVolumeClaimRetentionPolicy (`None`: the default, Retain/Retain).
fn web(seed: u64, policy: Option<(&str, &str)>) -> Cluster {
    let mut c = Cluster::new(seed);
    apply(&mut c, K8S_WEB_YAML);
    if let Some((when_deleted, when_scaled)) = policy {
        patch_set(
            &mut c,
            json!({"spec": {"persistentVolumeClaimRetentionPolicy":
                {"whenDeleted": when_deleted, "whenScaled": when_scaled}}}),
        );
    }
    wait_until(&mut c, LIMIT_MS, "web-0 and web-1 Ready", both_ready);
    c.settle();
    c
}

fn patch_set(c: &mut Cluster, p: serde_json::Value) {
    c.patch(Kind::StatefulSet, "default", "web", PatchType::Merge, &p)
        .expect("patch applies");
}

fn claim(c: &Cluster, name: &str) -> Option<PersistentVolumeClaim> {
    c.get_as::<PersistentVolumeClaim>("default", name).cloned()
}

/// The claim's owner references as `Kind/name` (each checked to be a controller reference
/// that blocks owner deletion, as `metav1.NewControllerRef` makes them).
fn owners(c: &Cluster, name: &str) -> Vec<String> {
    let Some(pvc) = claim(c, name) else {
        return Vec::new();
    };
    pvc.metadata
        .owner_references
        .iter()
        .map(|r| {
            assert_eq!(
                (r.controller, r.block_owner_deletion),
                (Some(true), Some(true)),
                "{name}: {r:?}"
            );
            format!("{}/{}", r.kind, r.name)
        })
        .collect()
}

fn delete(c: &mut Cluster, kind: Kind, name: &str, propagation: Option<Propagation>) {
    c.delete(
        kind,
        "default",
        name,
        &DeleteOptions {
            grace_period_seconds: None,
            propagation,
        },
    )
    .unwrap_or_else(|e| panic!("delete {kind} {name}: {}", e.message));
}

/// `(reason, message)` of the events about `kind/name`, oldest first.
fn events(c: &Cluster, kind: &str, name: &str) -> Vec<(String, String)> {
    let mut evs: Vec<&Event> = c
        .list_as::<Event>(Some("default"))
        .into_iter()
        .filter(|e| {
            e.involved_object.kind.as_deref() == Some(kind)
                && e.involved_object.name.as_deref() == Some(name)
        })
        .collect();
    evs.sort_by_key(|e| e.first_timestamp);
    evs.iter()
        .map(|e| {
            (
                e.reason.as_deref().unwrap_or_default().to_string(),
                e.message.clone().unwrap_or_default(),
            )
        })
        .collect()
}

fn volumes(c: &Cluster) -> Vec<String> {
    c.list_as::<PersistentVolume>(None)
        .iter()
        .map(|pv| pv.metadata.name.clone())
        .collect()
}

// The four retention combinations (k8s-behaviour §2.4, upstream `isClaimOwnerUpToDate`): which
// owner the claims of in-range and condemned pods carry, whether a scaled-down claim survives
// its pod, and whether the claims survive the set.
#[test]
fn the_four_retention_policies_own_and_delete_claims_as_upstream() {
    for (when_deleted, when_scaled) in [
        ("Retain", "Retain"),
        ("Delete", "Retain"),
        ("Retain", "Delete"),
        ("Delete", "Delete"),
    ] {
        let what = format!("whenDeleted {when_deleted}, whenScaled {when_scaled}");
        let mut c = web(60, Some((when_deleted, when_scaled)));
        let set_owned: Vec<String> = if when_deleted == "Delete" {
            vec!["StatefulSet/web".into()]
        } else {
            vec![]
        };
        assert_eq!(owners(&c, "www-web-0"), set_owned, "{what}");
        assert_eq!(owners(&c, "www-web-1"), set_owned, "{what}");
        // Scale-down: the condemned pod's claim is handed to the pod before the pod is deleted.
        patch_set(&mut c, json!({"spec": {"replicas": 1}}));
        assert!(pod(&c, "web-1").unwrap().is_terminating(), "{what}");
        let condemned: Vec<String> = if when_scaled == "Delete" {
            vec!["Pod/web-1".into()]
        } else {
            set_owned.clone()
        };
        assert_eq!(owners(&c, "www-web-1"), condemned, "{what}");
        c.settle();
        assert!(pod(&c, "web-1").is_none());
        assert_eq!(
            claim(&c, "www-web-1").is_some(),
            when_scaled == "Retain",
            "{what}"
        );
        // kind's class reclaims with Delete: a collected claim takes its volume with it.
        assert_eq!(
            volumes(&c).len(),
            if when_scaled == "Retain" { 2 } else { 1 },
            "{what}"
        );
        // The set goes (background cascade): its claims follow only under whenDeleted: Delete.
        delete(&mut c, Kind::StatefulSet, "web", None);
        c.settle();
        assert!(pod_names(&c).is_empty(), "{what}");
        assert_eq!(
            claim(&c, "www-web-0").is_some(),
            when_deleted == "Retain",
            "{what}"
        );
    }
}

// Upstream `CreateStatefulPod`: the claims are created from the template alone, and the
// retention policy's owner reference is added by an update once the pod exists.
#[test]
fn claims_are_created_bare_and_owned_after_their_pod() {
    let mut c = Cluster::new(61);
    let rv = c.resource_version();
    let yaml = K8S_WEB_YAML.replace(
        "  serviceName: \"nginx\"\n",
        "  serviceName: \"nginx\"\n  persistentVolumeClaimRetentionPolicy:\n    whenDeleted: Delete\n",
    );
    apply(&mut c, &yaml);
    let claim_events: Vec<(WatchEventType, usize)> = c
        .watch_since(rv)
        .unwrap()
        .iter()
        .filter(|e| {
            e.object.kind() == Kind::PersistentVolumeClaim && e.object.name() == "www-web-0"
        })
        .map(|e| (e.type_, e.object.meta().owner_references.len()))
        .collect();
    assert_eq!(claim_events[0], (WatchEventType::Added, 0));
    assert!(claim_events[1..].contains(&(WatchEventType::Modified, 1)));
    assert_eq!(owners(&c, "www-web-0"), ["StatefulSet/web"]);
}

// A policy change on a running set is applied to every pod's claims, and upstream records it as
// an update of each pod (`UpdateStatefulPod` dirties the pod when the claims did not match).
#[test]
fn a_policy_change_updates_the_claims_of_every_pod() {
    let mut c = web(62, None);
    patch_set(
        &mut c,
        json!({"spec": {"persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Delete"}}}),
    );
    c.settle();
    assert_eq!(owners(&c, "www-web-0"), ["StatefulSet/web"]);
    assert_eq!(owners(&c, "www-web-1"), ["StatefulSet/web"]);
    let evs = events(&c, "StatefulSet", "web");
    for p in ["web-0", "web-1"] {
        let msg = format!("update Pod {p} in StatefulSet web successful");
        assert!(
            evs.contains(&("SuccessfulUpdate".into(), msg)),
            "{p}: {evs:?}"
        );
    }
    // And back: Retain/Retain scrubs the references again.
    patch_set(
        &mut c,
        json!({"spec": {"persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain"}}}),
    );
    c.settle();
    assert!(owners(&c, "www-web-0").is_empty());
}

// A claim with another controller: the policy is ignored for it, with upstream's warning.
#[test]
fn a_conflicting_controller_keeps_the_policy_off_the_claim() {
    let mut c = web(63, None);
    let foreign = json!({"metadata": {"ownerReferences": [{
        "apiVersion": "v1", "kind": "ConfigMap", "name": "other",
        "uid": "00000000-0000-0000-0000-000000000001", "controller": true}]}});
    c.patch(
        Kind::PersistentVolumeClaim,
        "default",
        "www-web-0",
        PatchType::Merge,
        &foreign,
    )
    .unwrap();
    patch_set(
        &mut c,
        json!({"spec": {"persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Delete"}}}),
    );
    c.settle();
    let refs = claim(&c, "www-web-0").unwrap().metadata.owner_references;
    assert_eq!(refs.len(), 1);
    assert_eq!(refs[0].kind, "ConfigMap");
    assert_eq!(owners(&c, "www-web-1"), ["StatefulSet/web"]);
    let warning = |c: &Cluster| {
        events(c, "StatefulSet", "web")
            .iter()
            .any(|(r, _)| r == "ConflictingController")
    };
    // A running pod whose claims count as up to date is left alone, silently; the warning
    // comes when the controller next sets the policy on the claim, as it does after creating
    // the pod.
    assert!(!warning(&c));
    delete(&mut c, Kind::Pod, "web-0", None);
    wait_until(&mut c, LIMIT_MS, "web-0 back", |c| ready(c, "web-0"));
    assert_eq!(
        claim(&c, "www-web-0")
            .unwrap()
            .metadata
            .owner_references
            .len(),
        1
    );
    assert!(events(&c, "StatefulSet", "web").contains(&(
        "ConflictingController".into(),
        "PersistentVolumeClaim www-web-0 has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim".into()
    )));
}

// pvc-protection: a claim deleted while its pod runs stays Terminating; once the pod is deleted
// the StatefulSet's attempt to recreate it fails while the claim is still being deleted
// ("pvc www-web-0 is being deleted"), then a fresh claim and volume come, and the old volume
// is reclaimed (kind's Delete policy).
#[test]
fn a_claim_in_use_waits_for_its_pod_and_blocks_the_pods_recreation() {
    let mut c = web(64, None);
    let old = claim(&c, "www-web-0").unwrap();
    let old_pv = old.spec.volume_name.clone().unwrap();
    delete(&mut c, Kind::PersistentVolumeClaim, "www-web-0", None);
    c.advance(60_000);
    let held = claim(&c, "www-web-0").expect("held by pvc-protection");
    assert!(held.metadata.is_deleting());
    assert_eq!(*held.metadata.finalizers, ["kubernetes.io/pvc-protection"]);
    assert!(ready(&c, "web-0"), "the pod keeps running");
    delete(&mut c, Kind::Pod, "web-0", None);
    wait_until(&mut c, LIMIT_MS, "web-0 back", |c| ready(c, "web-0"));
    let new = claim(&c, "www-web-0").unwrap();
    assert_ne!(new.metadata.uid, old.metadata.uid, "a fresh claim");
    assert_ne!(new.spec.volume_name.as_deref(), Some(old_pv.as_str()));
    assert!(events(&c, "StatefulSet", "web").contains(&(
        "FailedCreate".into(),
        "create Pod web-0 in StatefulSet web failed error: pvc www-web-0 is being deleted".into()
    )));
    c.settle();
    assert!(
        !volumes(&c).contains(&old_pv),
        "reclaimed: {:?}",
        volumes(&c)
    );
}

// Reclaim policy Retain: the volume outlives its claim as Released, keeping its claimRef (the
// old claim's uid), and a new claim of the same name gets a new volume.
#[test]
fn a_retained_volume_stays_released_with_its_claim_ref() {
    let mut c = web(65, None);
    let old = claim(&c, "www-web-1").unwrap();
    let pv = old.spec.volume_name.clone().unwrap();
    c.patch(
        Kind::PersistentVolume,
        "",
        &pv,
        PatchType::Merge,
        &json!({"spec": {"persistentVolumeReclaimPolicy": "Retain"}}),
    )
    .unwrap();
    patch_set(&mut c, json!({"spec": {"replicas": 1}}));
    c.settle();
    delete(&mut c, Kind::PersistentVolumeClaim, "www-web-1", None);
    c.settle();
    let released = c.get_as::<PersistentVolume>("", &pv).expect("kept").clone();
    assert_eq!(released.status.phase.as_deref(), Some("Released"));
    let r = released.spec.claim_ref.clone().unwrap();
    assert_eq!(r.name.as_deref(), Some("www-web-1"));
    assert_eq!(r.uid.as_deref(), Some(old.metadata.uid.as_str()));
    patch_set(&mut c, json!({"spec": {"replicas": 2}}));
    wait_until(&mut c, LIMIT_MS, "web-1 back", |c| ready(c, "web-1"));
    let new = claim(&c, "www-web-1").unwrap();
    assert_ne!(new.spec.volume_name.as_deref(), Some(pv.as_str()));
    // Deleting the Released volume by hand: pv-protection lets it go at once.
    delete(&mut c, Kind::PersistentVolume, &pv, None);
    assert!(c.get_as::<PersistentVolume>("", &pv).is_none());
}

// Upstream `podUsesPVC` counts every scheduled pod that names the claim, a finished one too:
// only ephemeral volumes are let go when their pod is shut down.
#[test]
fn a_finished_pod_still_holds_its_claim() {
    let mut c = Cluster::new(66);
    apply(
        &mut c,
        r#"apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: ["ReadWriteOnce"]
  resources:
    requests:
      storage: 1Gi
---
apiVersion: v1
kind: Pod
metadata:
  name: once
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: busybox:1.28
    command: ["sh", "-c", "exit 1"]
    volumeMounts:
    - name: data
      mountPath: /data
  volumes:
  - name: data
    persistentVolumeClaim:
      claimName: data
"#,
    );
    wait_until(&mut c, LIMIT_MS, "once Failed", |c| {
        pod(c, "once").is_some_and(|p| p.phase() == "Failed")
    });
    delete(&mut c, Kind::PersistentVolumeClaim, "data", None);
    c.settle();
    assert!(claim(&c, "data").is_some_and(|p| p.metadata.is_deleting()));
    delete(&mut c, Kind::Pod, "once", None);
    c.settle();
    assert!(claim(&c, "data").is_none());
}

// Foreground cascade: the set stays, with the foregroundDeletion finalizer, until its dependents
// are gone; the pods themselves are deleted in the background (upstream `attemptToDeleteItem`
// gives a dependent without dependents no finalizer), all at once rather than in order.
#[test]
fn foreground_deletion_holds_the_set_until_pods_and_owned_claims_are_gone() {
    let mut c = web(67, Some(("Delete", "Retain")));
    delete(
        &mut c,
        Kind::StatefulSet,
        "web",
        Some(Propagation::Foreground),
    );
    let set = c
        .get_as::<StatefulSet>("default", "web")
        .expect("held")
        .clone();
    assert_eq!(*set.metadata.finalizers, ["foregroundDeletion"]);
    for p in ["web-0", "web-1"] {
        let p = pod(&c, p).unwrap();
        assert!(p.is_terminating());
        assert!(
            p.metadata.finalizers.is_empty(),
            "{:?}",
            p.metadata.finalizers
        );
    }
    // The claims are dependents that block (controller references): they are deleted too, and
    // the set waits for them, which pvc-protection holds until the pods are gone.
    assert!(claim(&c, "www-web-0").unwrap().metadata.is_deleting());
    wait_until(&mut c, LIMIT_MS, "pods gone", |c| pod_names(c).is_empty());
    c.settle();
    assert!(c.get_as::<StatefulSet>("default", "web").is_none());
    assert!(claim(&c, "www-web-0").is_none() && claim(&c, "www-web-1").is_none());
    assert!(c.list_as::<ControllerRevision>(Some("default")).is_empty());
}

// The tutorial's orphan-and-reapply, with the repairs upstream's identity check makes: after
// `--cascade=orphan`, web-0 deleted by hand and web-1's pod-name label changed, re-applying a
// 2-replica set recreates web-0, adopts web-1 (same uid) and restores its label with a
// SuccessfulUpdate, and removes the surplus web-3 then web-2, highest first.
#[test]
fn reapply_after_orphaning_adopts_repairs_and_removes_surplus_highest_first() {
    let mut c = web(68, None);
    patch_set(&mut c, json!({"spec": {"replicas": 4}}));
    wait_until(&mut c, LIMIT_MS, "4 Ready", |c| ready(c, "web-3"));
    c.settle();
    delete(&mut c, Kind::StatefulSet, "web", Some(Propagation::Orphan));
    c.settle();
    assert_eq!(pod_names(&c), ["web-0", "web-1", "web-2", "web-3"]);
    assert!(pod(&c, "web-1")
        .unwrap()
        .metadata
        .owner_references
        .is_empty());
    delete(&mut c, Kind::Pod, "web-0", None);
    c.settle();
    c.patch(
        Kind::Pod,
        "default",
        "web-1",
        PatchType::Merge,
        &json!({"metadata": {"labels": {"statefulset.kubernetes.io/pod-name": "web-x"}}}),
    )
    .unwrap();
    let uid1 = pod(&c, "web-1").unwrap().metadata.uid.clone();
    let rv = c.resource_version();
    apply(&mut c, K8S_WEB_YAML);
    wait_until(&mut c, LIMIT_MS, "web-0 and web-1 only", |c| {
        both_ready(c) && pod_names(c) == ["web-0", "web-1"]
    });
    c.settle();
    let web1 = pod(&c, "web-1").unwrap();
    assert_eq!(web1.metadata.uid, uid1, "adopted, not replaced");
    assert_eq!(
        web1.metadata
            .labels
            .get("statefulset.kubernetes.io/pod-name"),
        Some(&"web-1".to_string())
    );
    let set_uid = &c
        .get_as::<StatefulSet>("default", "web")
        .unwrap()
        .metadata
        .uid;
    assert_eq!(
        web1.metadata.controller_ref().map(|r| &r.uid),
        Some(set_uid)
    );
    let deleted: Vec<String> = c
        .watch_since(rv)
        .unwrap()
        .iter()
        .filter(|e| e.type_ == WatchEventType::Deleted && e.object.kind() == Kind::Pod)
        .map(|e| e.object.name().to_string())
        .collect();
    assert_eq!(deleted, ["web-3", "web-2"]);
    let evs = events(&c, "StatefulSet", "web");
    let tail: Vec<&str> = evs.iter().rev().take(3).map(|(r, _)| r.as_str()).collect();
    assert_eq!(
        tail,
        ["SuccessfulDelete", "SuccessfulDelete", "SuccessfulUpdate"]
    );
}

// The kubelet's container events name the container (`involvedObject.fieldPath`), which
// `kubectl get events -o wide` shows as SUBOBJECT; the scheduler's are about the whole pod.
#[test]
fn kubelet_events_carry_the_containers_field_path() {
    let c = web(69, None);
    let paths: Vec<(String, Option<String>)> = c
        .list_as::<Event>(Some("default"))
        .iter()
        .filter(|e| e.involved_object.name.as_deref() == Some("web-0"))
        .map(|e| {
            (
                e.reason.as_deref().unwrap_or_default().to_string(),
                e.involved_object.field_path.clone(),
            )
        })
        .collect();
    let nginx = Some("spec.containers{nginx}".to_string());
    for (reason, path) in &paths {
        let want = if reason == "Scheduled" {
            None
        } else {
            nginx.clone()
        };
        assert_eq!(*path, want, "{reason}");
    }
    assert!(paths.iter().any(|(r, _)| r == "Started"));
}

// The scheduler records one FailedScheduling per attempt; its own write of the PodScheduled
// condition is not a new attempt (upstream's queue ignores status-only updates), so a pod that
// fits nowhere shows one event, not a count of two at its first second.
#[test]
fn an_unschedulable_pod_gets_one_failed_scheduling_event_per_attempt() {
    let mut c = Cluster::new(70);
    apply(
        &mut c,
        r#"apiVersion: v1
kind: Pod
metadata:
  name: pinned
spec:
  nodeSelector:
    disk: ssd
  containers:
  - name: main
    image: busybox:1.28
    command: ["sleep", "3600"]
"#,
    );
    c.advance(30_000);
    let failed: Vec<i32> = c
        .list_as::<Event>(Some("default"))
        .iter()
        .filter(|e| e.reason.as_deref() == Some("FailedScheduling"))
        .map(|e| e.count.unwrap_or(1))
        .collect();
    assert_eq!(failed, [1]);
    // The scheduler records through events.k8s.io: eventTime and action, no source or
    // firstTimestamp, its reporting controller and instance.
    let ev = c
        .list_as::<Event>(Some("default"))
        .into_iter()
        .find(|e| e.reason.as_deref() == Some("FailedScheduling"))
        .unwrap()
        .clone();
    assert_eq!(ev.action.as_deref(), Some("Scheduling"));
    assert_eq!(
        (ev.first_timestamp, ev.source.component.clone()),
        (None, None)
    );
    assert!(ev.event_time.is_some());
    assert_eq!(
        ev.reporting_instance.as_deref(),
        Some("default-scheduler-kind-control-plane")
    );
    // Attempts that fail again (a node event that does not help) join a series: the first
    // repeat of the pod as the scheduler's status write left it starts one at count 2, and
    // later repeats are counted by the recorder without a write until its heartbeat.
    for (i, disk) in ["hdd", "nvme", "tape"].iter().enumerate() {
        c.patch(
            Kind::Node,
            "",
            "kind-worker",
            PatchType::Merge,
            &json!({"metadata": {"labels": {"disk": disk}}}),
        )
        .unwrap();
        c.advance(10_000);
        let series: Vec<Option<i32>> = c
            .list_as::<Event>(Some("default"))
            .iter()
            .filter(|e| e.reason.as_deref() == Some("FailedScheduling"))
            .map(|e| e.series.as_ref().map(|s| s.count))
            .collect();
        let want = if i == 0 {
            vec![None, None]
        } else {
            vec![None, Some(2)]
        };
        assert_eq!(series, want, "after {disk}");
    }
    // A node event is a new attempt; this one succeeds.
    c.patch(
        Kind::Node,
        "",
        "kind-worker",
        PatchType::Merge,
        &json!({"metadata": {"labels": {"disk": "ssd"}}}),
    )
    .unwrap();
    assert_eq!(
        pod(&c, "pinned").unwrap().spec.node_name.as_deref(),
        Some("kind-worker")
    );
}

// client-go's EventAggregator: the tenth distinct message with the same object, source, type
// and reason within ten minutes is combined into one event, which counts the later ones.
#[test]
fn similar_events_are_combined_after_ten_messages() {
    let mut c = web(71, None);
    patch_set(&mut c, json!({"spec": {"replicas": 6}}));
    wait_until(&mut c, LIMIT_MS, "web-5 Ready", |c| ready(c, "web-5"));
    let evs = events(&c, "StatefulSet", "web");
    let plain = evs
        .iter()
        .filter(|(_, m)| !m.starts_with("(combined"))
        .count();
    assert_eq!(plain, 9, "{evs:?}");
    let combined: Vec<&Event> = c
        .list_as::<Event>(Some("default"))
        .into_iter()
        .filter(|e| {
            e.message
                .as_deref()
                .is_some_and(|m| m.starts_with("(combined from similar events): "))
        })
        .collect();
    assert_eq!(combined.len(), 1);
    assert_eq!(
        combined[0].message.as_deref(),
        Some("(combined from similar events): create Pod web-5 in StatefulSet web successful")
    );
    assert_eq!(
        combined[0].count,
        Some(3),
        "web-4's pod, web-5's claim and pod"
    );
}

// An orphaning delete takes the set's references off its claims too (whenDeleted: Delete), so
// they survive; the re-created set owns them again once it has adopted their pods.
#[test]
fn orphaned_claims_survive_and_are_owned_again_after_reapply() {
    let mut c = web(72, Some(("Delete", "Retain")));
    delete(&mut c, Kind::StatefulSet, "web", Some(Propagation::Orphan));
    c.settle();
    assert!(owners(&c, "www-web-0").is_empty());
    assert!(owners(&c, "www-web-1").is_empty());
    let yaml = K8S_WEB_YAML.replace(
        "  serviceName: \"nginx\"\n",
        "  serviceName: \"nginx\"\n  persistentVolumeClaimRetentionPolicy:\n    whenDeleted: Delete\n",
    );
    apply(&mut c, &yaml);
    c.settle();
    let uid = c
        .get_as::<StatefulSet>("default", "web")
        .unwrap()
        .metadata
        .uid
        .clone();
    for claim_name in ["www-web-0", "www-web-1"] {
        assert_eq!(owners(&c, claim_name), ["StatefulSet/web"]);
        let refs = claim(&c, claim_name).unwrap().metadata.owner_references;
        assert_eq!(refs[0].uid, uid);
    }
}

// client-go's spam filter: per source, object and type, 25 writes at once and then one per five
// minutes. Scaling to 30 records 60 SuccessfulCreate events on the set in about a minute: nine
// plain ones and the combined one, whose count stops where the writes ran out.
#[test]
fn a_burst_of_events_on_one_object_is_rate_limited() {
    let mut c = web(73, None);
    let mut rv = c.resource_version();
    patch_set(&mut c, json!({"spec": {"replicas": 30}}));
    // A watch on Events, followed as time passes (the API server streams it; the watch cache
    // keeps only about 75 s of a busy resource for a watch that falls behind).
    let mut writes = 0;
    let mut follow = |c: &mut Cluster| {
        for e in c.watch_kind_since(Kind::Event, rv).unwrap() {
            if let Object::Event(ev) = &*e.object {
                if ev.involved_object.kind.as_deref() == Some("StatefulSet") {
                    writes += 1;
                }
            }
        }
        rv = c.resource_version();
    };
    let start = c.now();
    while !ready(&c, "web-29") {
        assert!(
            c.now().since(start) <= 600_000,
            "timed out waiting for web-29 Ready"
        );
        c.advance(100);
        follow(&mut c);
    }
    // Four were written for web-0 and web-1 before; the bucket refills one per five minutes.
    let elapsed_min = c.now().since(
        c.get_as::<StatefulSet>("default", "web")
            .unwrap()
            .metadata
            .creation_timestamp
            .unwrap(),
    ) / 60_000;
    assert!(writes as u64 <= 21 + elapsed_min / 5 + 1, "{writes} writes");
    let combined = c
        .list_as::<Event>(Some("default"))
        .into_iter()
        .find(|e| {
            e.message
                .as_deref()
                .is_some_and(|m| m.starts_with("(combined from similar events): "))
        })
        .expect("combined")
        .clone();
    assert!(combined.count.unwrap() < 51, "{:?}", combined.count);
}

/// kubernetes.io's `web` with its claim template naming the class `fast`.
fn web_on_class(class: &str) -> String {
    K8S_WEB_YAML.replace(
        "      accessModes: [ \"ReadWriteOnce\" ]\n",
        &format!("      accessModes: [ \"ReadWriteOnce\" ]\n      storageClassName: {class}\n"),
    )
}

fn scheduling_failures(c: &Cluster, pod: &str) -> Vec<String> {
    c.list_as::<Event>(Some("default"))
        .iter()
        .filter(|e| {
            e.reason.as_deref() == Some("FailedScheduling")
                && e.involved_object.name.as_deref() == Some(pod)
        })
        .filter_map(|e| e.message.clone())
        .collect()
}

// A claim whose class does not exist does not delay binding (upstream `IsDelayBindingMode`), so
// the scheduler's VolumeBinding PreFilter refuses its pod until the claim is bound; the PV
// controller says why. Creating the class wakes both (the scheduler's StorageClass Add event,
// the controller's resync) and the pod starts on a volume of that class.
#[test]
fn a_claim_of_a_missing_class_keeps_its_pod_pending_until_the_class_exists() {
    let mut c = Cluster::new(72);
    apply(&mut c, &web_on_class("fast"));
    c.advance(60_000);
    let p = pod(&c, "web-0").expect("web-0 exists");
    assert_eq!(p.spec.node_name, None);
    assert_eq!(pod(&c, "web-1").map(|p| p.metadata.name.clone()), None);
    assert_eq!(
        scheduling_failures(&c, "web-0"),
        ["0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."]
    );
    let claim_events = events(&c, "PersistentVolumeClaim", "www-web-0");
    assert!(
        claim_events.iter().all(|(r, m)| r == "ProvisioningFailed"
            && m == "storageclass.storage.k8s.io \"fast\" not found"),
        "{claim_events:?}"
    );
    assert!(!claim_events.is_empty());
    assert!(!claim(&c, "www-web-0")
        .unwrap()
        .metadata
        .annotations
        .contains_key("volume.kubernetes.io/selected-node"));
    apply(
        &mut c,
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: fast\nprovisioner: rancher.io/local-path\nvolumeBindingMode: WaitForFirstConsumer\n",
    );
    wait_until(&mut c, LIMIT_MS, "web-0 and web-1 Ready", both_ready);
    let pvc = claim(&c, "www-web-0").unwrap();
    assert_eq!(pvc.status.phase.as_deref(), Some("Bound"));
    let pv = c
        .get_as::<PersistentVolume>("", pvc.spec.volume_name.as_deref().unwrap())
        .unwrap();
    assert_eq!(pv.spec.storage_class_name.as_deref(), Some("fast"));
}

// With no default class a new claim names none; the PV controller finds no volume for it and
// says so, and its pod waits as for any immediate claim. When a class becomes the default, the
// controller gives it to the claim (RetroactiveDefaultStorageClass, GA since v1.28), and the
// claim binds as usual.
#[test]
fn a_claim_made_without_a_default_class_gets_one_when_a_class_becomes_default() {
    let mut c = Cluster::new(73);
    let default = |c: &mut Cluster, v: &str| {
        c.patch(
            Kind::StorageClass,
            "",
            "standard",
            PatchType::Merge,
            &json!({"metadata": {"annotations": {"storageclass.kubernetes.io/is-default-class": v}}}),
        )
        .expect("patch applies");
    };
    default(&mut c, "false");
    apply(&mut c, K8S_WEB_YAML);
    c.advance(30_000);
    let pvc = claim(&c, "www-web-0").unwrap();
    assert_eq!(pvc.spec.storage_class_name, None);
    assert_eq!(pvc.status.phase.as_deref(), Some("Pending"));
    assert!(events(&c, "PersistentVolumeClaim", "www-web-0").contains(&(
        "FailedBinding".into(),
        "no persistent volumes available for this claim and no storage class is set".into()
    )));
    assert_eq!(
        scheduling_failures(&c, "web-0"),
        ["0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."]
    );
    default(&mut c, "true");
    wait_until(&mut c, LIMIT_MS, "web-0 and web-1 Ready", both_ready);
    assert_eq!(
        claim(&c, "www-web-0")
            .unwrap()
            .spec
            .storage_class_name
            .as_deref(),
        Some("standard")
    );
}

// The StatefulSet controller keeps what it read from each pod and its claims between syncs:
// a claim changed behind its back, with no pod changing, is seen on the set's next sync.
#[test]
fn a_claim_changed_behind_the_set_is_repaired_on_its_next_sync() {
    let mut c = web(64, Some(("Delete", "Retain")));
    assert_eq!(owners(&c, "www-web-1"), ["StatefulSet/web"]);
    c.patch(
        Kind::PersistentVolumeClaim,
        "default",
        "www-web-1",
        PatchType::Merge,
        &json!({"metadata": {"ownerReferences": null}}),
    )
    .expect("patch applies");
    c.settle();
    // Anything that syncs the set: here a new annotation on it.
    patch_set(
        &mut c,
        json!({"metadata": {"annotations": {"touched": "yes"}}}),
    );
    c.settle();
    assert_eq!(owners(&c, "www-web-1"), ["StatefulSet/web"]);
    assert_eq!(owners(&c, "www-web-0"), ["StatefulSet/web"]);
}
