//! Invariants of the simulated cluster, checked after every step by the random-operation and
//! upstream tests.
//!
//! [`check_invariants`] looks at one snapshot of the store: pod identity, claim/volume binding,
//! status counts. [`Checker`] adds what needs history: the OrderedReady creation rule, read off
//! the watch stream (a pod may only be ADDED while every lower in-range ordinal is Running and
//! Ready), and the files written through it, which must stay on their volume while the claim
//! exists. At quiet points ([`Checker::check_quiet`]) every owner reference must resolve and
//! every StatefulSet must have converged on its spec.

use ordinal_sim::api::*;
use ordinal_sim::{Cluster, WatchEventType};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";
pub const REVISION_LABEL: &str = "controller-revision-hash";

pub type Check = Result<(), String>;

/// The ordinal of `pod` if its name is `<set>-<digits>`.
pub fn ordinal_of(set: &str, pod: &str) -> Option<i32> {
    let rest = pod.strip_prefix(set)?.strip_prefix('-')?;
    if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    rest.parse().ok()
}

fn in_range(set: &StatefulSet, ord: i32) -> bool {
    ord >= set.start_ordinal() && ord < set.start_ordinal() + set.replicas()
}

/// The live StatefulSet that controls `meta`, if any.
fn owning_set<'a>(c: &'a Cluster, meta: &ObjectMeta) -> Option<&'a StatefulSet> {
    let r = meta.controller_ref()?;
    if r.kind != "StatefulSet" {
        return None;
    }
    c.get_as::<StatefulSet>(&meta.namespace, &r.name)
        .filter(|s| s.metadata.uid == r.uid)
}

/// The snapshot invariants; `Err` names the first one broken.
pub fn check_invariants(c: &Cluster) -> Check {
    one_pod_per_identity(c)?;
    set_pods_have_identity_and_storage(c)?;
    claims_and_volumes_agree(c)?;
    status_counts_are_valid(c)?;
    references_resolve(c)?;
    pods_have_one_replica_set(c, false)?;
    deployment_pods_within_surge(c)?;
    Ok(())
}

/// The snapshot invariants that hold while a fault plan fails controller writes: all but (i),
/// since a ReplicaSet whose pod deletes fail keeps its pods running while the Deployment's new
/// ReplicaSet grows (as upstream, until the deletes go through).
pub fn check_invariants_under_faults(c: &Cluster) -> Check {
    one_pod_per_identity(c)?;
    set_pods_have_identity_and_storage(c)?;
    claims_and_volumes_agree(c)?;
    status_counts_are_valid(c)?;
    references_resolve(c)?;
    pods_have_one_replica_set(c, true)?;
    Ok(())
}

/// A Deployment's `maxSurge` and `maxUnavailable` as its controller resolves them (surge rounded
/// up, unavailable down; 1 unavailable if both come to 0; none for Recreate).
pub fn deployment_fenceposts(d: &Deployment) -> (i32, i32) {
    if d.is_recreate() {
        return (0, 0);
    }
    let resolve = |v: Option<&serde_json::Value>, up: bool| -> i32 {
        match v {
            Some(serde_json::Value::Number(n)) => n.as_i64().unwrap_or(0) as i32,
            Some(serde_json::Value::String(s)) => {
                let p: i64 = s.trim_end_matches('%').parse().unwrap_or(0);
                let x = p * d.replicas() as i64;
                (if up { (x + 99) / 100 } else { x / 100 }) as i32
            }
            _ => 0,
        }
    };
    let ru = d.spec.strategy.rolling_update.as_ref();
    let surge = resolve(ru.and_then(|r| r.max_surge.as_ref()), true);
    let mut unavailable = resolve(ru.and_then(|r| r.max_unavailable.as_ref()), false);
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    (surge, unavailable.min(d.replicas()))
}

/// The pods of a Deployment that count: not terminating, not finished, controlled by one of its
/// ReplicaSets.
pub fn deployment_pods<'a>(c: &'a Cluster, d: &Deployment) -> Vec<&'a Pod> {
    let ns = &d.metadata.namespace;
    let rs_uids: BTreeSet<&str> = c
        .list_as::<ReplicaSet>(Some(ns))
        .into_iter()
        .filter(|rs| {
            rs.metadata
                .controller_ref()
                .is_some_and(|r| r.uid == d.metadata.uid)
        })
        .map(|rs| rs.metadata.uid.as_str())
        .collect();
    c.list_as::<Pod>(Some(ns))
        .into_iter()
        .filter(|p| !p.is_terminating() && !matches!(p.phase(), "Succeeded" | "Failed"))
        .filter(|p| {
            p.metadata
                .controller_ref()
                .is_some_and(|r| rs_uids.contains(r.uid.as_str()))
        })
        .collect()
}

/// Whether an active ReplicaSet of `d` was made for another `spec.replicas` than `d`'s now (its
/// `deployment.kubernetes.io/desired-replicas` annotation): the controller's `isScalingEvent`.
fn scaling_pending(c: &Cluster, d: &Deployment) -> bool {
    c.list_as::<ReplicaSet>(Some(&d.metadata.namespace))
        .into_iter()
        .filter(|rs| rs.spec.replicas.unwrap_or(0) > 0)
        .filter(|rs| {
            rs.metadata
                .controller_ref()
                .is_some_and(|r| r.uid == d.metadata.uid)
        })
        .any(|rs| {
            rs.metadata
                .annotations
                .get("deployment.kubernetes.io/desired-replicas")
                .and_then(|v| v.parse::<i32>().ok())
                .is_some_and(|want| want != d.replicas())
        })
}

/// (i) A Deployment never has more than `replicas + maxSurge` pods that are not terminating.
fn deployment_pods_within_surge(c: &Cluster) -> Check {
    for d in c.list_as::<Deployment>(None) {
        if d.metadata.is_deleting() {
            continue;
        }
        let (surge, _) = deployment_fenceposts(d);
        let n = deployment_pods(c, d).len() as i32;
        if n > d.replicas() + surge {
            return Err(format!(
                "Deployment {} has {n} pods, more than replicas {} + maxSurge {surge}",
                d.metadata.name,
                d.replicas()
            ));
        }
    }
    Ok(())
}

/// (j) A pod has at most one controller; one that a live Deployment selects and that is not
/// terminating is controlled by exactly one ReplicaSet, of that Deployment.
///
/// Under faults, a pod whose controlling ReplicaSet is gone, or whose ReplicaSet's Deployment is
/// gone, is left out: the garbage collector's delete of it failed and is retried with backoff
/// (chaos Deployment fault seeds 5, 20, 68, …: a Deployment deleted and applied again while its
/// old ReplicaSet's delete failed).
fn pods_have_one_replica_set(c: &Cluster, faults: bool) -> Check {
    let gone = |ns: &str, r: &OwnerReference| {
        c.get_as::<ReplicaSet>(ns, &r.name)
            .filter(|rs| rs.metadata.uid == r.uid)
            .is_none_or(|rs| {
                rs.metadata.controller_ref().is_some_and(|d| {
                    c.get_as::<Deployment>(ns, &d.name)
                        .is_none_or(|dep| dep.metadata.uid != d.uid)
                })
            })
    };
    for p in c.list_as::<Pod>(None) {
        let controllers = p
            .metadata
            .owner_references
            .iter()
            .filter(|r| r.controller == Some(true))
            .count();
        if controllers > 1 {
            return Err(format!(
                "pod {} has {controllers} controllers",
                p.metadata.name
            ));
        }
    }
    for d in c.list_as::<Deployment>(None) {
        let Some(sel) = d.spec.selector.as_ref().filter(|s| !s.is_empty()) else {
            continue;
        };
        if d.metadata.is_deleting() {
            continue;
        }
        let ns = &d.metadata.namespace;
        for p in c.list_as::<Pod>(Some(ns)) {
            if p.is_terminating() || !sel.matches(&p.metadata.labels) {
                continue;
            }
            if faults
                && p.metadata
                    .controller_ref()
                    .is_some_and(|r| r.kind == "ReplicaSet" && gone(ns, r))
            {
                continue;
            }
            let owner = p
                .metadata
                .controller_ref()
                .filter(|r| r.kind == "ReplicaSet")
                .and_then(|r| {
                    c.get_as::<ReplicaSet>(ns, &r.name)
                        .filter(|rs| rs.metadata.uid == r.uid)
                });
            let of_d = owner.is_some_and(|rs| {
                rs.metadata
                    .controller_ref()
                    .is_some_and(|r| r.uid == d.metadata.uid)
            });
            if !of_d {
                return Err(format!(
                    "pod {} matches Deployment {} but no ReplicaSet of it controls it",
                    p.metadata.name, d.metadata.name
                ));
            }
        }
    }
    Ok(())
}

/// (h) Every reference that may not dangle points at a live object: a pod's `nodeName` names a
/// node; a scheduled pod that has not finished has every claim it mounts (pvc-protection keeps
/// them), and sits on the node its local volumes live on; an owner reference or a volume's
/// `claimRef` may dangle (the garbage collector and the binder clean up later), a claim's
/// `volumeName` may not ([`claims_and_volumes_agree`]).
fn references_resolve(c: &Cluster) -> Check {
    let nodes = c.node_names();
    for p in c.list_as::<Pod>(None) {
        let name = &p.metadata.name;
        let Some(node) = p.spec.node_name.as_deref().filter(|n| !n.is_empty()) else {
            continue;
        };
        if !nodes.iter().any(|n| n == node) {
            return Err(format!(
                "pod {name} is bound to node {node}, which does not exist"
            ));
        }
        if matches!(p.phase(), "Succeeded" | "Failed") {
            continue;
        }
        for v in &p.spec.volumes {
            let Some(src) = &v.persistent_volume_claim else {
                continue;
            };
            let claim = &src.claim_name;
            let Some(pvc) = c.get_as::<PersistentVolumeClaim>(&p.metadata.namespace, claim) else {
                return Err(format!(
                    "pod {name} runs on {node} but its claim {claim} is gone"
                ));
            };
            let Some(pv) = pvc
                .spec
                .volume_name
                .as_deref()
                .and_then(|v| c.get_as::<PersistentVolume>("", v))
            else {
                continue;
            };
            if let Some(hosts) = pv.pinned_nodes() {
                if !hosts.iter().any(|h| h == node) {
                    return Err(format!(
                        "pod {name} runs on {node} but its volume {} lives on {hosts:?}",
                        pv.metadata.name
                    ));
                }
            }
        }
    }
    Ok(())
}

/// [`check_invariants`], panicking with the broken invariant.
#[allow(dead_code)]
pub fn assert_invariants(c: &Cluster) {
    if let Err(e) = check_invariants(c) {
        panic!("invariant broken at t={}ms: {e}", c.now().0);
    }
}

/// (b) No two pods carry the same `statefulset.kubernetes.io/pod-name` label.
fn one_pod_per_identity(c: &Cluster) -> Check {
    let mut seen: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    for p in c.list_as::<Pod>(None) {
        if let Some(id) = p.metadata.labels.get(POD_NAME_LABEL) {
            let key = (p.metadata.namespace.as_str(), id.as_str());
            if let Some(other) = seen.insert(key, &p.metadata.name) {
                return Err(format!(
                    "pods {other} and {} both carry {POD_NAME_LABEL}={id}",
                    p.metadata.name
                ));
            }
        }
    }
    Ok(())
}

/// (c) Every pod a live StatefulSet controls has the labels, hostname, subdomain and claim
/// volumes of its identity.
fn set_pods_have_identity_and_storage(c: &Cluster) -> Check {
    for p in c.list_as::<Pod>(None) {
        let Some(set) = owning_set(c, &p.metadata) else {
            continue;
        };
        let name = &p.metadata.name;
        let set_name = &set.metadata.name;
        let Some(ord) = ordinal_of(set_name, name) else {
            return Err(format!(
                "pod {name} is controlled by StatefulSet {set_name} but is not named {set_name}-<ordinal>"
            ));
        };
        let labels = &p.metadata.labels;
        if labels.get(POD_NAME_LABEL) != Some(name) {
            return Err(format!(
                "pod {name}: label {POD_NAME_LABEL} is {:?}",
                labels.get(POD_NAME_LABEL)
            ));
        }
        if labels.get(POD_INDEX_LABEL) != Some(&ord.to_string()) {
            return Err(format!(
                "pod {name}: label {POD_INDEX_LABEL} is {:?}, want {ord}",
                labels.get(POD_INDEX_LABEL)
            ));
        }
        if labels.get(REVISION_LABEL).is_none_or(|r| r.is_empty()) {
            return Err(format!("pod {name} has no {REVISION_LABEL} label"));
        }
        if p.spec.hostname.as_ref() != Some(name) {
            return Err(format!("pod {name}: hostname is {:?}", p.spec.hostname));
        }
        let service = set.spec.service_name.clone().filter(|s| !s.is_empty());
        if p.spec.subdomain != service {
            return Err(format!(
                "pod {name}: subdomain is {:?}, serviceName is {service:?}",
                p.spec.subdomain
            ));
        }
        for t in &set.spec.volume_claim_templates {
            let want = format!("{}-{set_name}-{ord}", t.metadata.name);
            let ok = p.spec.volumes.iter().any(|v| {
                v.name == t.metadata.name
                    && v.persistent_volume_claim
                        .as_ref()
                        .is_some_and(|s| s.claim_name == want)
            });
            if !ok {
                return Err(format!(
                    "pod {name} has no volume {} for claim {want}",
                    t.metadata.name
                ));
            }
        }
    }
    Ok(())
}

/// (d) A claim and its volume name each other: a Bound claim's volume has a claimRef with the
/// claim's uid, a Bound volume's claim exists with that uid and names it back, and a volume
/// whose claim is gone is not Bound.
fn claims_and_volumes_agree(c: &Cluster) -> Check {
    for pvc in c.list_as::<PersistentVolumeClaim>(None) {
        let name = &pvc.metadata.name;
        let bound = pvc.status.phase.as_deref() == Some("Bound");
        let Some(vol) = &pvc.spec.volume_name else {
            if bound {
                return Err(format!("claim {name} is Bound but names no volume"));
            }
            continue;
        };
        let Some(pv) = c.get_as::<PersistentVolume>("", vol) else {
            return Err(format!(
                "claim {name} names volume {vol}, which does not exist"
            ));
        };
        let uid = pv.spec.claim_ref.as_ref().and_then(|r| r.uid.as_ref());
        if uid != Some(&pvc.metadata.uid) {
            return Err(format!(
                "claim {name} (uid {}) names volume {vol}, whose claimRef uid is {uid:?}",
                pvc.metadata.uid
            ));
        }
        if bound && pv.status.phase.as_deref() != Some("Bound") {
            return Err(format!(
                "claim {name} is Bound to {vol}, which is {:?}",
                pv.status.phase
            ));
        }
    }
    let mut claimed: BTreeMap<&str, &str> = BTreeMap::new();
    for pv in c.list_as::<PersistentVolume>(None) {
        let name = &pv.metadata.name;
        let phase = pv.status.phase.as_deref().unwrap_or("");
        let Some(r) = &pv.spec.claim_ref else {
            if phase == "Bound" {
                return Err(format!("volume {name} is Bound without a claimRef"));
            }
            continue;
        };
        let uid = r.uid.as_deref().unwrap_or("");
        if let Some(other) = claimed.insert(uid, name) {
            return Err(format!("volumes {other} and {name} both claim uid {uid}"));
        }
        let claim = c
            .get_as::<PersistentVolumeClaim>(
                r.namespace.as_deref().unwrap_or(""),
                r.name.as_deref().unwrap_or(""),
            )
            .filter(|p| p.metadata.uid == uid);
        match (phase, claim) {
            ("Bound", Some(pvc)) if pvc.spec.volume_name.as_ref() == Some(name) => {}
            ("Bound", Some(pvc)) => {
                return Err(format!(
                    "volume {name} is Bound to claim {}, which names volume {:?}",
                    pvc.metadata.name, pvc.spec.volume_name
                ))
            }
            ("Bound", None) => {
                return Err(format!(
                "volume {name} is Bound to claim {:?} (uid {uid}), which is gone, and not Released",
                r.name
            ))
            }
            ("Released", Some(pvc)) => {
                return Err(format!(
                    "volume {name} is Released while its claim {} still exists",
                    pvc.metadata.name
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

/// (f) Status counts are what validation allows: none negative, none above `replicas`, and
/// available ≤ ready.
fn status_counts_are_valid(c: &Cluster) -> Check {
    for set in c.list_as::<StatefulSet>(None) {
        let s = &set.status;
        let name = &set.metadata.name;
        let counts = [
            ("replicas", s.replicas),
            ("readyReplicas", s.ready_replicas),
            ("currentReplicas", s.current_replicas),
            ("updatedReplicas", s.updated_replicas),
            ("availableReplicas", s.available_replicas),
        ];
        for (field, n) in counts {
            if n < 0 || n > s.replicas {
                return Err(format!(
                    "StatefulSet {name}: status.{field} is {n} (status.replicas {})",
                    s.replicas
                ));
            }
        }
        if s.available_replicas > s.ready_replicas {
            return Err(format!(
                "StatefulSet {name}: availableReplicas {} > readyReplicas {}",
                s.available_replicas, s.ready_replicas
            ));
        }
    }
    Ok(())
}

/// A file written through [`Checker::write_file`] onto a claim's volume.
#[derive(Clone, Debug)]
struct TrackedFile {
    ns: String,
    claim: String,
    claim_uid: String,
    volume: String,
    /// The path inside the volume, with a leading `/`.
    path: String,
    content: String,
}

/// The invariants that need history: the watch stream since the last check, and the files
/// written so far.
pub struct Checker {
    rv: u64,
    /// Pods and StatefulSets as of `rv`, replayed from the watch stream.
    pods: BTreeMap<(String, String), Arc<Object>>,
    sets: BTreeMap<(String, String), Arc<Object>>,
    files: Vec<TrackedFile>,
    /// Deployments whose available pods have reached `replicas - maxUnavailable`, with the
    /// (replicas, maxUnavailable) they reached it for: from then on the rollout keeps them.
    floors: BTreeMap<(String, String), (i32, i32)>,
    /// The uids of each Deployment's pods that were available at the last check.
    available: BTreeMap<(String, String), BTreeSet<String>>,
    /// How many checks passed, for the reports.
    pub checks: usize,
    /// A fault plan is armed: only [`check_invariants_under_faults`] must hold.
    pub faults: bool,
}

fn key(o: &Object) -> (String, String) {
    (o.namespace().to_string(), o.name().to_string())
}

impl Checker {
    pub fn new(c: &Cluster) -> Checker {
        let mirror = |kind| {
            c.list(kind, None)
                .into_iter()
                .map(|o| (key(&o), o))
                .collect()
        };
        Checker {
            rv: c.resource_version(),
            pods: mirror(Kind::Pod),
            sets: mirror(Kind::StatefulSet),
            files: Vec::new(),
            floors: BTreeMap::new(),
            available: BTreeMap::new(),
            checks: 0,
            faults: false,
        }
    }

    /// Something outside the controllers took pods away (a pod deleted, a node stopped): the
    /// availability floor counts again from what is available now.
    #[allow(dead_code)]
    pub fn disrupted(&mut self) {
        self.floors.clear();
    }

    /// (k) Once a Deployment has `replicas - maxUnavailable` pods available, its rollouts never
    /// take it below that (until [`Checker::disrupted`], a pod of it loses its readiness by
    /// itself, or its replicas or maxUnavailable change; no floor holds while a scaling event
    /// waits to be carried out).
    fn check_availability_floor(&mut self, c: &Cluster) -> Check {
        // A stopped node takes its pods' readiness away later, when its node controller
        // notices: no floor holds while one is down.
        if c.node_names().iter().any(|n| !c.node_running(n)) {
            self.floors.clear();
            return Ok(());
        }
        let mut seen = BTreeSet::new();
        for d in c.list_as::<Deployment>(None) {
            // Recreate takes every pod down by design; a Deployment being deleted loses them.
            if d.is_recreate() || d.metadata.is_deleting() {
                continue;
            }
            let k = (d.metadata.namespace.clone(), d.metadata.name.clone());
            seen.insert(k.clone());
            // A scaling event the controller has not carried out yet (an active ReplicaSet made
            // for another `spec.replicas`: `isScalingEvent`) is scaled proportionally, which
            // keeps no availability; no floor holds until it is done. Without faults the scale
            // follows `kubectl scale` at once; with them a failed write delays it past later
            // checks (chaos Deployment fault seed 3797: scaled 6 -> 1 while paused, the scale's
            // write failed, and the resume scaled the only available ReplicaSet to 0).
            if scaling_pending(c, d) {
                self.floors.remove(&k);
                continue;
            }
            let (_, unavailable) = deployment_fenceposts(d);
            let floor = d.replicas() - unavailable;
            let pods = deployment_pods(c, d);
            let now_available: BTreeSet<String> = pods
                .iter()
                .filter(|p| p.is_available(d.spec.min_ready_seconds as i64, c.now()))
                .map(|p| p.metadata.uid.clone())
                .collect();
            let available = now_available.len() as i32;
            // The controller takes availability away only by deleting pods. A pod that was
            // available at the last check and is neither available nor terminating now lost its
            // readiness by itself (a restarted node's kubelet restarting its containers, its
            // status write delayed by a fault: chaos Deployment fault seed 7236): a disruption.
            let was = self.available.remove(&k).unwrap_or_default();
            let lost_readiness = pods
                .iter()
                .any(|p| was.contains(&p.metadata.uid) && !now_available.contains(&p.metadata.uid));
            self.available.insert(k.clone(), now_available);
            if lost_readiness {
                self.floors.remove(&k);
            }
            let params = (d.replicas(), unavailable);
            if self.floors.get(&k) == Some(&params) && available < floor {
                return Err(format!(
                    "Deployment {} has {available} available pods, fewer than replicas {} - maxUnavailable {unavailable}",
                    d.metadata.name,
                    d.replicas()
                ));
            }
            if available >= floor {
                self.floors.insert(k, params);
            } else if self.floors.get(&k) != Some(&params) {
                self.floors.remove(&k);
            }
        }
        self.floors.retain(|k, _| seen.contains(k));
        self.available.retain(|k, _| seen.contains(k));
        Ok(())
    }

    /// Every invariant that must hold after any step.
    pub fn check(&mut self, c: &Cluster) -> Check {
        let events = c.watch_since(self.rv).map_err(|e| e.message)?;
        for ev in events {
            let o = &ev.object;
            if o.kind() == Kind::Pod && ev.type_ == WatchEventType::Added {
                self.check_creation(o)?;
            }
            let map = match o.kind() {
                Kind::Pod => &mut self.pods,
                Kind::StatefulSet => &mut self.sets,
                _ => continue,
            };
            if ev.type_ == WatchEventType::Deleted {
                map.remove(&key(o));
            } else {
                map.insert(key(o), o.clone());
            }
        }
        self.rv = c.resource_version();
        if self.faults {
            check_invariants_under_faults(c)?;
        } else {
            check_invariants(c)?;
        }
        self.check_availability_floor(c)?;
        self.check_files(c)?;
        self.checks += 1;
        Ok(())
    }

    /// [`Checker::check`], panicking.
    #[allow(dead_code)]
    pub fn assert(&mut self, c: &Cluster) {
        if let Err(e) = self.check(c) {
            panic!("invariant broken at t={}ms: {e}", c.now().0);
        }
    }

    /// (a) A StatefulSet's controller creates only in-range ordinals, and under OrderedReady
    /// only while every lower in-range ordinal exists, is not terminating, and is Running and
    /// Ready: checked against the store as it was when the ADDED event happened.
    fn check_creation(&self, o: &Object) -> Check {
        let Object::Pod(p) = o else { return Ok(()) };
        let Some(r) = p.metadata.controller_ref() else {
            return Ok(());
        };
        if r.kind != "StatefulSet" {
            return Ok(());
        }
        let ns = &p.metadata.namespace;
        let Some(Object::StatefulSet(set)) =
            self.sets.get(&(ns.clone(), r.name.clone())).map(|s| &**s)
        else {
            return Ok(());
        };
        if set.metadata.uid != r.uid {
            return Ok(());
        }
        let name = &p.metadata.name;
        if set.metadata.is_deleting() {
            return Err(format!(
                "{name} was created while StatefulSet {} was being deleted",
                set.metadata.name
            ));
        }
        let Some(ord) = ordinal_of(&set.metadata.name, name) else {
            return Err(format!("{name} was created with no ordinal of its set"));
        };
        if !in_range(set, ord) {
            return Err(format!(
                "{name} was created outside the ordinal range {}..{}",
                set.start_ordinal(),
                set.start_ordinal() + set.replicas()
            ));
        }
        if set.is_parallel() {
            return Ok(());
        }
        for lower in set.start_ordinal()..ord {
            let lname = format!("{}-{lower}", set.metadata.name);
            let state = match self.pods.get(&(ns.clone(), lname.clone())).map(|o| &**o) {
                None => "missing".to_string(),
                Some(Object::Pod(lp)) if lp.is_terminating() => "terminating".into(),
                Some(Object::Pod(lp)) if !lp.is_running_and_ready() => {
                    format!("{} and not Ready", lp.phase())
                }
                _ => continue,
            };
            return Err(format!(
                "OrderedReady: {name} was created while {lname} was {state}"
            ));
        }
        Ok(())
    }

    /// (g) Every file written through [`Checker::write_file`] is still on its volume while its
    /// claim exists.
    fn check_files(&mut self, c: &Cluster) -> Check {
        self.files.retain(|f| {
            c.get_as::<PersistentVolumeClaim>(&f.ns, &f.claim)
                .is_some_and(|p| p.metadata.uid == f.claim_uid)
        });
        let mut by_volume: BTreeMap<&str, Vec<(String, String)>> = BTreeMap::new();
        for f in &self.files {
            let files = by_volume
                .entry(f.volume.as_str())
                .or_insert_with(|| c.volume_files(&f.volume));
            if !files.iter().any(|(p, s)| *p == f.path && *s == f.content) {
                let now = files.iter().find(|(p, _)| *p == f.path).map(|(_, s)| s);
                return Err(format!(
                    "file {} on volume {} of claim {} was lost while the claim exists (now {now:?})",
                    f.path, f.volume, f.claim
                ));
            }
        }
        Ok(())
    }

    /// Writes `content` to `path` in the first container of `pod` and, if the path is on a
    /// claim's volume, tracks it for (g). `Ok(false)` if the container cannot be reached.
    pub fn write_file(
        &mut self,
        c: &mut Cluster,
        ns: &str,
        pod: &str,
        path: &str,
        content: &str,
    ) -> Result<bool, String> {
        self.change_file(c, ns, pod, path, Some(content))
    }

    /// Removes `path` in the first container of `pod` (as `mv index.html /tmp/` does for the
    /// upstream e2e tests), and stops tracking it. `Ok(false)` if the container cannot be
    /// reached or the file is not there.
    pub fn remove_file(
        &mut self,
        c: &mut Cluster,
        ns: &str,
        pod: &str,
        path: &str,
    ) -> Result<bool, String> {
        self.change_file(c, ns, pod, path, None)
    }

    fn change_file(
        &mut self,
        c: &mut Cluster,
        ns: &str,
        pod: &str,
        path: &str,
        content: Option<&str>,
    ) -> Result<bool, String> {
        let done = c.with_container_fs(ns, pod, None, |fs| match content {
            Some(s) => fs.write(path, s, false),
            None => fs.remove(path, false),
        });
        match done {
            Ok(Ok(())) => {}
            Ok(Err(_)) if content.is_none() => return Ok(false),
            Ok(Err(e)) => return Err(format!("write {path} in {pod}: {}", e.message())),
            Err(_) => return Ok(false),
        }
        self.track(c, ns, pod, path, content)?;
        Ok(true)
    }

    /// Records that `path` in the first container of `pod` now holds `content` (`None`: was
    /// removed), after a write made some other way (e.g. `kubectl exec`), for (g).
    pub fn track(
        &mut self,
        c: &Cluster,
        ns: &str,
        pod: &str,
        path: &str,
        content: Option<&str>,
    ) -> Check {
        let Some((claim, uid, volume, rel)) = volume_of(c, ns, pod, path)? else {
            return Ok(());
        };
        self.files
            .retain(|f| !(f.claim_uid == uid && f.path == rel));
        if let Some(content) = content {
            self.files.push(TrackedFile {
                ns: ns.into(),
                claim,
                claim_uid: uid,
                volume,
                path: rel,
                content: content.into(),
            });
        }
        Ok(())
    }

    /// How many written files are being tracked.
    #[allow(dead_code)]
    pub fn tracked_files(&self) -> usize {
        self.files.len()
    }

    /// At a quiet point (nothing pending): everything [`Checker::check`] does, plus (e) every
    /// owner reference resolves, revisions are adopted, and every StatefulSet has converged.
    pub fn check_quiet(&mut self, c: &Cluster) -> Check {
        self.check_settled(c)?;
        for set in c.list_as::<StatefulSet>(None) {
            if !set.metadata.is_deleting() {
                converged(c, set)?;
            }
        }
        Ok(())
    }

    /// At a quiet point where pods may legitimately be unready (a readiness probe fails):
    /// everything [`Checker::check_quiet`] does except the convergence of the sets.
    pub fn check_settled(&mut self, c: &Cluster) -> Check {
        self.check(c)?;
        owner_references_resolve(c)?;
        revisions_are_owned(c)
    }

    #[allow(dead_code)]
    pub fn assert_quiet(&mut self, c: &Cluster) {
        if let Err(e) = self.check_quiet(c) {
            panic!("invariant broken at quiet point t={}ms: {e}", c.now().0);
        }
    }
}

/// (e) Every owner reference names a live object with that uid, kind and name (at quiet points
/// the garbage collector has dealt with the rest). An object already being deleted, and not
/// deleting its dependents, is left as it is: `attemptToDeleteItem` returns at once for it, so
/// its reference may dangle until a finalizer lets it go (chaos fault seed 9590: a claim the
/// collector deleted with its set, held by `pvc-protection` for the new set's pod).
fn owner_references_resolve(c: &Cluster) -> Check {
    for kind in Kind::ALL {
        for o in c.list(kind, None) {
            let m = o.meta();
            if m.is_deleting() && !m.finalizers.iter().any(|f| f == "foregroundDeletion") {
                continue;
            }
            for r in &o.meta().owner_references {
                let ok = c
                    .store()
                    .get_by_uid(&r.uid)
                    .is_some_and(|owner| owner.kind().name() == r.kind && owner.name() == r.name);
                if !ok {
                    return Err(format!(
                        "{} {} has an owner reference to {} {} (uid {}), which is gone",
                        kind,
                        o.name(),
                        r.kind,
                        r.name,
                        r.uid
                    ));
                }
            }
        }
    }
    Ok(())
}

/// A ControllerRevision without a controller that a live set selects is adopted by it
/// (upstream `adoptOrphanRevisions`).
fn revisions_are_owned(c: &Cluster) -> Check {
    for set in c.list_as::<StatefulSet>(None) {
        if set.metadata.is_deleting() {
            continue;
        }
        let Some(sel) = &set.spec.selector else {
            continue;
        };
        for r in c.list_as::<ControllerRevision>(Some(&set.metadata.namespace)) {
            if r.metadata.controller_ref().is_none() && sel.matches(&r.metadata.labels) {
                return Err(format!(
                    "ControllerRevision {} is an orphan that StatefulSet {} selects",
                    r.metadata.name, set.metadata.name
                ));
            }
        }
    }
    Ok(())
}

/// Once nothing is pending, a StatefulSet has exactly its in-range pods, all Running and
/// Ready, their claims Bound with the owner references the retention policy asks for, its
/// status says so, and a rolling update has reached every ordinal from the partition up.
fn converged(c: &Cluster, set: &StatefulSet) -> Check {
    let ns = &set.metadata.namespace;
    let name = &set.metadata.name;
    let sel = set.spec.selector.clone().unwrap_or_default();
    let mut ords = BTreeSet::new();
    for p in c.list_as::<Pod>(Some(ns)) {
        let Some(ord) = ordinal_of(name, &p.metadata.name) else {
            continue;
        };
        let owned = owning_set(c, &p.metadata).is_some_and(|s| s.metadata.uid == set.metadata.uid);
        let pname = &p.metadata.name;
        if !owned {
            if p.metadata.controller_ref().is_none()
                && !sel.is_empty()
                && sel.matches(&p.metadata.labels)
            {
                return Err(format!(
                    "{pname} matches StatefulSet {name} but was not adopted"
                ));
            }
            continue;
        }
        if !in_range(set, ord) {
            return Err(format!(
                "{pname} is outside the range of {name} but was not deleted"
            ));
        }
        if p.is_terminating() || !p.is_running_and_ready() {
            return Err(format!(
                "{pname} is {}{} at a quiet point",
                p.phase(),
                if p.is_terminating() {
                    " (terminating)"
                } else {
                    ", not Ready"
                }
            ));
        }
        ords.insert(ord);
    }
    let want: BTreeSet<i32> = (set.start_ordinal()..set.start_ordinal() + set.replicas()).collect();
    if ords != want {
        return Err(format!(
            "StatefulSet {name} has pods {ords:?}, want {want:?}, at a quiet point"
        ));
    }
    let s = &set.status;
    let n = set.replicas();
    if s.replicas != n || s.ready_replicas != n || s.available_replicas != n {
        return Err(format!(
            "StatefulSet {name}: status replicas/ready/available {}/{}/{}, spec.replicas {n}",
            s.replicas, s.ready_replicas, s.available_replicas
        ));
    }
    if s.observed_generation != Some(set.metadata.generation) {
        return Err(format!(
            "StatefulSet {name}: observedGeneration {:?}, generation {}",
            s.observed_generation, set.metadata.generation
        ));
    }
    if set.update_strategy_type() == "RollingUpdate" {
        for ord in &want {
            if *ord < set.start_ordinal() + set.partition() {
                continue;
            }
            let pname = format!("{name}-{ord}");
            let rev = c
                .get_as::<Pod>(ns, &pname)
                .and_then(|p| p.metadata.labels.get(REVISION_LABEL).cloned())
                .unwrap_or_default();
            if rev != s.update_revision {
                return Err(format!(
                    "{pname} is at revision {rev}, the update revision is {}, at a quiet point",
                    s.update_revision
                ));
            }
        }
        if set.partition() == 0 && s.current_revision != s.update_revision {
            return Err(format!(
                "StatefulSet {name}: rollout done but currentRevision {} != updateRevision {}",
                s.current_revision, s.update_revision
            ));
        }
    }
    for ord in &want {
        for t in &set.spec.volume_claim_templates {
            let claim = format!("{}-{name}-{ord}", t.metadata.name);
            let Some(pvc) = c.get_as::<PersistentVolumeClaim>(ns, &claim) else {
                return Err(format!("claim {claim} is missing at a quiet point"));
            };
            if pvc.status.phase.as_deref() != Some("Bound") {
                return Err(format!(
                    "claim {claim} is {:?} at a quiet point",
                    pvc.status.phase
                ));
            }
            if pvc.metadata.is_deleting() {
                continue;
            }
            let refs = &pvc.metadata.owner_references;
            let to_set = refs.iter().any(|r| r.uid == set.metadata.uid);
            let to_pod = refs.iter().any(|r| r.kind == "Pod");
            if to_set != (set.when_deleted() == "Delete") {
                return Err(format!(
                    "claim {claim}: owner ref to the set is {to_set}, whenDeleted is {}",
                    set.when_deleted()
                ));
            }
            if to_pod {
                return Err(format!(
                    "claim {claim} of an in-range pod is owned by a pod"
                ));
            }
        }
    }
    Ok(())
}

/// A short dump of the state the invariants look at, for failure reports.
pub fn describe(c: &Cluster) -> String {
    let mut out = vec![format!(
        "t={}ms, next timer {:?}",
        c.now().0,
        c.next_timer().map(|t| t.0)
    )];
    for s in c.list_as::<StatefulSet>(None) {
        let st = &s.status;
        out.push(format!(
            "sts {} replicas={} deleting={} status r/ready/avail/cur/upd={}/{}/{}/{}/{} cur={} upd={} waiting={:?}",
            s.metadata.name,
            s.replicas(),
            s.metadata.is_deleting(),
            st.replicas,
            st.ready_replicas,
            st.available_replicas,
            st.current_replicas,
            st.updated_replicas,
            st.current_revision,
            st.update_revision,
            c.waiting_reason(Kind::StatefulSet, &s.metadata.namespace, &s.metadata.name)
        ));
    }
    for p in c.list_as::<Pod>(None) {
        if p.metadata.namespace != "default" {
            continue;
        }
        let waiting: Vec<String> = p
            .status
            .container_statuses
            .iter()
            .filter_map(|s| s.state.waiting.as_ref().and_then(|w| w.reason.clone()))
            .collect();
        out.push(format!(
            "pod {} uid={} phase={} ready={} terminating={} node={:?} rev={:?} owner={:?} waiting={waiting:?}",
            p.metadata.name,
            &p.metadata.uid[..8.min(p.metadata.uid.len())],
            p.phase(),
            p.is_ready(),
            p.is_terminating(),
            p.spec.node_name,
            p.metadata.labels.get(REVISION_LABEL),
            p.metadata.controller_ref().map(|r| &r.name)
        ));
    }
    for pvc in c.list_as::<PersistentVolumeClaim>(None) {
        let owners: Vec<String> = pvc
            .metadata
            .owner_references
            .iter()
            .map(|r| format!("{}/{}", r.kind, r.name))
            .collect();
        out.push(format!(
            "pvc {} uid={} phase={:?} deleting={} finalizers={:?} volume={:?} owners={owners:?}",
            pvc.metadata.name,
            &pvc.metadata.uid[..8.min(pvc.metadata.uid.len())],
            pvc.status.phase,
            pvc.metadata.is_deleting(),
            pvc.metadata.finalizers,
            pvc.spec.volume_name
        ));
    }
    out.join("\n  ")
}

/// Where `path` in the first container of `pod` lands on a claim's volume:
/// (claim, claim uid, volume, path inside the volume); `None` if not on a claim.
fn volume_of(
    c: &Cluster,
    ns: &str,
    pod: &str,
    path: &str,
) -> Result<Option<(String, String, String, String)>, String> {
    let Some(p) = c.get_as::<Pod>(ns, pod) else {
        return Err(format!("{pod} vanished during a file change"));
    };
    let path = ordinal_sim::fs::normalise(path);
    let Some(ctr) = p.spec.containers.first() else {
        return Ok(None);
    };
    let mount = ctr
        .volume_mounts
        .iter()
        .map(|m| (ordinal_sim::fs::normalise(&m.mount_path), &m.name))
        .filter(|(mp, _)| path.starts_with(&format!("{}/", mp.trim_end_matches('/'))))
        .max_by_key(|(mp, _)| mp.len());
    let Some((mp, vol)) = mount else {
        return Ok(None);
    };
    let Some(claim) = p
        .spec
        .volumes
        .iter()
        .find(|v| &v.name == vol)
        .and_then(|v| v.persistent_volume_claim.as_ref())
    else {
        return Ok(None);
    };
    let claim = &claim.claim_name;
    let Some(pvc) = c.get_as::<PersistentVolumeClaim>(ns, claim) else {
        return Err(format!(
            "{pod} is running but its claim {claim} does not exist"
        ));
    };
    let Some(volume) = pvc.spec.volume_name.clone() else {
        return Err(format!(
            "{pod} is running but its claim {claim} is not bound"
        ));
    };
    let rel = path[mp.trim_end_matches('/').len()..].to_string();
    Ok(Some((claim.clone(), pvc.metadata.uid.clone(), volume, rel)))
}

/// The deadlock upstream has too: a StatefulSet deleted with `--cascade=foreground` while a
/// condemned pod still exists under `whenScaled: Delete`. The garbage collector deletes that pod
/// in the foreground because its claim is its dependent (a controller reference with
/// `blockOwnerDeletion`), so the pod waits for the claim; pvc-protection keeps the claim while
/// the scheduled pod exists (upstream `podUsesPVC` breaks this cycle only for ephemeral volumes).
/// Returns a description if the cluster is in it.
pub fn foreground_claim_cycle(c: &Cluster) -> Option<String> {
    for p in c.list_as::<Pod>(None) {
        let m = &p.metadata;
        if !m.is_deleting() || !m.finalizers.iter().any(|f| f == "foregroundDeletion") {
            continue;
        }
        for pvc in c.list_as::<PersistentVolumeClaim>(Some(&m.namespace)) {
            let pm = &pvc.metadata;
            if pm.is_deleting()
                && pm
                    .finalizers
                    .iter()
                    .any(|f| f == "kubernetes.io/pvc-protection")
                && pm.owner_references.iter().any(|r| r.uid == m.uid)
            {
                return Some(format!(
                    "pod {} waits in the foreground for its claim {}, which pvc-protection keeps for the pod",
                    m.name, pm.name
                ));
            }
        }
    }
    None
}
