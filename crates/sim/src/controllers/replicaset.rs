//! The ReplicaSet controller (upstream `pkg/controller/replicaset/replica_set.go`, with the
//! pieces of `controller_utils.go` it uses): it claims the pods its selector matches (adopting
//! orphans, releasing those that stopped matching), creates missing pods from its template in
//! slow-start batches (1, 2, 4, …, at most 500 a sync) as `<name>-<5 random characters>`,
//! deletes surplus pods in `getPodsToDelete`'s order, and writes its status.
//!
//! Upstream's expectations (do not act again until the informer has seen the last creates and
//! deletes) hold at once here: the store is the informer's cache, so a pod this sync creates or
//! deletes is seen by the next one.

use super::{key_of, Action, Controller, Work};
use crate::api::*;
use crate::cluster::{Cluster, DeleteOptions};
use crate::faults::Verb;
use crate::store::{ObjKey, WatchEvent, WatchEventType};
use crate::time::{Time, SECOND};
use std::cmp::Ordering;
use std::sync::Arc;

pub const COMPONENT: &str = "replicaset-controller";

/// `burstReplicas`: the most pods one sync creates or deletes.
pub const BURST_REPLICAS: usize = 500;

/// `SlowStartInitialBatchSize`.
pub const SLOW_START_INITIAL_BATCH_SIZE: usize = 1;

/// `controller.kubernetes.io/pod-deletion-cost`.
pub const POD_DELETION_COST: &str = "controller.kubernetes.io/pod-deletion-cost";

pub(crate) static CONTROLLER: Controller = Controller {
    name: "replicaset-controller",
    reconcile: sync,
    // A sync reads every pod of the set (upstream lists every pod of the namespace).
    size: Some(|c, (ns, name)| {
        c.get_as::<ReplicaSet>(ns, name).map_or(0, |rs| {
            (rs.replicas().max(0) as usize).max(rs.status.replicas.max(0) as usize)
        })
    }),
};

/// The ReplicaSet's own events.
pub(crate) fn on_rs(_: &Cluster, ev: &WatchEvent, out: &mut Vec<Work>) {
    out.push(Work::new(&CONTROLLER, key_of(&ev.object)));
}

/// `addPod`/`updatePod`/`deletePod`: the ReplicaSet that controls the pod, or for an orphan
/// (not being deleted), every ReplicaSet whose selector matches it (`getPodReplicaSets`).
pub(crate) fn on_pod(c: &Cluster, ev: &WatchEvent, out: &mut Vec<Work>) {
    let m = ev.object.meta();
    let ns = &m.namespace;
    match m.controller_ref() {
        Some(r) if r.kind == "ReplicaSet" => {
            // `resolveControllerRef`: the owner of that name must be the one with that uid.
            if c.get_as::<ReplicaSet>(ns, &r.name)
                .is_some_and(|rs| rs.metadata.uid == r.uid)
            {
                out.push(Work::at(&CONTROLLER, ns, &r.name));
            }
        }
        Some(_) => {}
        None => {
            if ev.type_ == WatchEventType::Deleted || m.is_deleting() {
                return;
            }
            for rs in c.list_as::<ReplicaSet>(Some(ns)) {
                if rs
                    .spec
                    .selector
                    .as_ref()
                    .is_some_and(|s| !s.is_empty() && s.matches(&m.labels))
                {
                    out.push(Work::at(&CONTROLLER, ns, &rs.metadata.name));
                }
            }
        }
    }
}

/// `IsPodActive`: not Succeeded, not Failed, not being deleted.
pub fn is_pod_active(p: &Pod) -> bool {
    !matches!(p.phase(), "Succeeded" | "Failed") && !p.is_terminating()
}

/// `syncReplicaSet`.
pub(crate) fn sync(c: &mut Cluster, key: &ObjKey) -> Action {
    let (ns, name) = key;
    let Some(rs) = c.get_as::<ReplicaSet>(ns, name).cloned() else {
        return Action::Done;
    };
    let Some(selector) = rs.spec.selector.clone() else {
        return Action::Done;
    };
    let active: Vec<Arc<Object>> = c
        .store()
        .list(Kind::Pod, Some(ns))
        .filter(|o| matches!(&***o, Object::Pod(p) if is_pod_active(p)))
        .cloned()
        .collect();
    let owned = match claim_pods(c, &rs, &selector, active) {
        Ok(owned) => owned,
        Err(e) => return Action::Retry { reason: e },
    };
    let pods: Vec<&Pod> = owned.iter().filter_map(|o| Pod::from_object(o)).collect();
    let manage_err = if rs.metadata.is_deleting() {
        None
    } else {
        manage_replicas(c, &pods, &rs).err()
    };
    let status = calculate_status(&rs, &pods, manage_err.as_deref(), c.now);
    // A status that did not go through is retried with backoff, as upstream returns its error.
    let updated = match update_status(c, &rs, status) {
        Ok(u) => u,
        Err(e) => return Action::Retry { reason: e },
    };
    if let Some(e) = manage_err {
        return Action::Retry { reason: e };
    }
    // When pods turn available (minReadySeconds): upstream's `updatePod` enqueues the set
    // minReadySeconds + 1 s after a pod turns ready, and the sync resyncs after
    // minReadySeconds while the ready pods are not all available yet.
    let min_ready = rs.spec.min_ready_seconds.max(0) as u64;
    if min_ready == 0 {
        return Action::Done;
    }
    let now = c.now;
    let mut wake: Option<Time> = None;
    for p in &pods {
        if p.is_ready() && !p.is_available(min_ready as i64, now) {
            if let Some(t) = p.condition("Ready").and_then(|c| c.last_transition_time) {
                let at = t.plus_ms((min_ready + 1) * SECOND);
                wake = Some(wake.map_or(at, |w| w.min(at)));
            }
        }
    }
    if let Some(u) = updated {
        if u.status.ready_replicas == u.replicas() && u.status.available_replicas != u.replicas() {
            let at = now.plus_ms(min_ready * SECOND);
            wake = Some(wake.map_or(at, |w| w.min(at)));
        }
    }
    Action::requeue_at(
        wake.filter(|w| *w > now),
        "a pod becomes available (minReadySeconds)",
    )
}

/// `ClaimPods` (with `RecheckDeletionTimestamp`): the active pods the set owns and still
/// matches, orphans it adopts, and owned pods that no longer match released.
fn claim_pods(
    c: &mut Cluster,
    rs: &ReplicaSet,
    selector: &LabelSelector,
    pods: Vec<Arc<Object>>,
) -> Result<Vec<Arc<Object>>, String> {
    let mut claimed = Vec::new();
    let uid = &rs.metadata.uid;
    for obj in pods {
        let Object::Pod(pod) = &*obj else { continue };
        let matches = !selector.is_empty() && selector.matches(&pod.metadata.labels);
        match pod.metadata.controller_ref() {
            Some(r) if &r.uid == uid => {
                if matches {
                    claimed.push(obj.clone());
                } else if !rs.metadata.is_deleting() {
                    // ReleasePod: drop our owner reference.
                    let mut p = (**pod).clone();
                    p.metadata.owner_references.retain(|r| &r.uid != uid);
                    c.put_existing(p.into());
                }
            }
            Some(_) => {}
            None => {
                if rs.metadata.is_deleting() || !matches || pod.is_terminating() {
                    continue;
                }
                // `canAdoptFunc`: a fresh read of the set must not be being deleted.
                let fresh = c.get_as::<ReplicaSet>(&rs.metadata.namespace, &rs.metadata.name);
                match fresh {
                    Some(f) if f.metadata.uid == *uid && !f.metadata.is_deleting() => {}
                    Some(f) if f.metadata.uid == *uid => {
                        return Err(format!(
                            "{}/{} has just been deleted at {}",
                            rs.metadata.namespace,
                            rs.metadata.name,
                            f.metadata
                                .deletion_timestamp
                                .map(|t| t.rfc3339())
                                .unwrap_or_default()
                        ))
                    }
                    _ => {
                        return Err(format!(
                            "original ReplicaSet {}/{} is gone: got uid {}, wanted {uid}",
                            rs.metadata.namespace,
                            rs.metadata.name,
                            fresh.map(|f| f.metadata.uid.clone()).unwrap_or_default()
                        ))
                    }
                }
                // AdoptPod: add our controller reference.
                let mut p = (**pod).clone();
                p.metadata
                    .owner_references
                    .push(controller_ref(Kind::ReplicaSet, &rs.metadata));
                if let Some(o) = c.put_existing(p.into()) {
                    claimed.push(o);
                }
            }
        }
    }
    Ok(claimed)
}

/// `manageReplicas`: creates or deletes pods so the set has `spec.replicas`.
fn manage_replicas(c: &mut Cluster, pods: &[&Pod], rs: &ReplicaSet) -> Result<(), String> {
    let want = rs.replicas().max(0) as usize;
    if pods.len() < want {
        let diff = (want - pods.len()).min(BURST_REPLICAS);
        let (_, err) = slow_start_batch(diff, SLOW_START_INITIAL_BATCH_SIZE, || create_pod(c, rs));
        return match err {
            Some(e) => Err(e),
            None => Ok(()),
        };
    }
    if pods.len() > want {
        let diff = (pods.len() - want).min(BURST_REPLICAS);
        let related = indirectly_related_pods(c, rs);
        let related: Vec<&Pod> = related.iter().filter_map(|o| Pod::from_object(o)).collect();
        let victims = get_pods_to_delete(pods, &related, diff, c.now);
        let mut first_err = None;
        for p in victims {
            if let Err(e) = delete_pod(c, rs, &p.metadata.name) {
                first_err.get_or_insert(e);
            }
        }
        return match first_err {
            Some(e) => Err(e),
            None => Ok(()),
        };
    }
    Ok(())
}

/// `slowStartBatch`: calls `f` `count` times in batches of 1, 2, 4, …; stops after a batch
/// with a failure. Returns the successes and the first error.
pub fn slow_start_batch(
    count: usize,
    initial: usize,
    mut f: impl FnMut() -> Result<(), String>,
) -> (usize, Option<String>) {
    let mut remaining = count;
    let mut successes = 0;
    let mut batch = remaining.min(initial);
    while batch > 0 {
        let mut first_err = None;
        let mut ok = 0;
        for _ in 0..batch {
            match f() {
                Ok(()) => ok += 1,
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        successes += ok;
        if first_err.is_some() {
            return (successes, first_err);
        }
        remaining -= batch;
        batch = (2 * batch).min(remaining);
    }
    (successes, None)
}

/// `getPodsPrefix`: `NAME-`, or the bare name when that is too long to be a name prefix.
fn pods_prefix(name: &str) -> String {
    let prefix = format!("{name}-");
    if crate::admission::dns1123_subdomain(&format!("{name}a")).is_empty() {
        prefix
    } else {
        name.to_string()
    }
}

/// `GetPodFromTemplate`: the template's labels, annotations, finalizers and spec, a generated
/// name, and the set as controller.
pub fn pod_from_template(t: &PodTemplateSpec, owner: &ObjectMeta, kind: Kind) -> Pod {
    Pod {
        metadata: ObjectMeta {
            generate_name: pods_prefix(&owner.name).into(),
            namespace: owner.namespace.clone(),
            labels: t.metadata.labels.clone(),
            annotations: t.metadata.annotations.clone(),
            finalizers: t.metadata.finalizers.clone(),
            owner_references: vec![controller_ref(kind, owner)].into(),
            ..Default::default()
        },
        spec: t.spec.clone().into(),
        status: Default::default(),
    }
}

fn rs_object(rs: &ReplicaSet) -> Object {
    Object::ReplicaSet(Box::new(rs.clone()))
}

/// `CreatePods` with its events.
fn create_pod(c: &mut Cluster, rs: &ReplicaSet) -> Result<(), String> {
    let pod = pod_from_template(&rs.spec.template, &rs.metadata, Kind::ReplicaSet);
    match c.create_inner(pod.into()) {
        Ok(created) => {
            let msg = format!("Created pod: {}", created.name());
            c.record_event(
                &rs_object(rs),
                "Normal",
                "SuccessfulCreate",
                &msg,
                COMPONENT,
                None,
            );
            Ok(())
        }
        Err(e) => {
            let msg = format!("Error creating: {}", e.message);
            c.record_event(
                &rs_object(rs),
                "Warning",
                "FailedCreate",
                &msg,
                COMPONENT,
                None,
            );
            Err(e.message)
        }
    }
}

/// `DeletePod` with its events.
fn delete_pod(c: &mut Cluster, rs: &ReplicaSet, pod: &str) -> Result<(), String> {
    let ns = &rs.metadata.namespace;
    match c.delete_inner(Kind::Pod, ns, pod, &DeleteOptions::default()) {
        Ok(_) => {
            let msg = format!("Deleted pod: {pod}");
            c.record_event(
                &rs_object(rs),
                "Normal",
                "SuccessfulDelete",
                &msg,
                COMPONENT,
                None,
            );
            Ok(())
        }
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => {
            let msg = format!("Error deleting: {}", e.message);
            c.record_event(
                &rs_object(rs),
                "Warning",
                "FailedDelete",
                &msg,
                COMPONENT,
                None,
            );
            Err(e.message)
        }
    }
}

/// `getIndirectlyRelatedPods`: the pods every ReplicaSet with the same controller selects
/// (each once), for ranking by co-location.
fn indirectly_related_pods(c: &Cluster, rs: &ReplicaSet) -> Vec<Arc<Object>> {
    let Some(owner) = rs.metadata.controller_ref() else {
        return Vec::new();
    };
    let ns = &rs.metadata.namespace;
    let mut seen = std::collections::BTreeSet::new();
    let mut related = Vec::new();
    for other in c.list_as::<ReplicaSet>(Some(ns)) {
        if other.metadata.controller_ref().map(|r| &r.uid) != Some(&owner.uid) {
            continue;
        }
        let Some(sel) = &other.spec.selector else {
            continue;
        };
        for o in c.store().list(Kind::Pod, Some(ns)) {
            if let Object::Pod(p) = &**o {
                if sel.matches(&p.metadata.labels) && seen.insert(p.metadata.uid.clone()) {
                    related.push(o.clone());
                }
            }
        }
    }
    related
}

/// `getPodsToDelete`: the first `diff` pods in `ActivePodsWithRanks` order, ranked by how many
/// active related pods share their node (no sort when every pod goes).
pub fn get_pods_to_delete<'a>(
    pods: &[&'a Pod],
    related: &[&Pod],
    diff: usize,
    now: Time,
) -> Vec<&'a Pod> {
    let mut ranked: Vec<(&Pod, usize)> = pods.iter().map(|p| (*p, 0)).collect();
    if diff < pods.len() {
        let mut on_node: std::collections::BTreeMap<&str, usize> = Default::default();
        for p in related {
            if is_pod_active(p) {
                *on_node
                    .entry(p.spec.node_name.as_deref().unwrap_or(""))
                    .or_default() += 1;
            }
        }
        for (p, rank) in ranked.iter_mut() {
            *rank = on_node
                .get(p.spec.node_name.as_deref().unwrap_or(""))
                .copied()
                .unwrap_or(0);
        }
        crate::sort::sort_by(&mut ranked, |a, b| {
            if active_pods_less(a, b, now) {
                Ordering::Less
            } else if active_pods_less(b, a, now) {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        });
    }
    ranked.into_iter().take(diff).map(|(p, _)| p).collect()
}

/// `podPhaseToOrdinal`: Pending < Unknown < Running (anything else counts as Pending).
fn phase_ordinal(p: &Pod) -> u8 {
    match p.phase() {
        "Unknown" => 1,
        "Running" => 2,
        _ => 0,
    }
}

/// `podReadyTime`: when a ready pod turned ready (zero for a pod that is not).
fn ready_time(p: &Pod) -> Option<Time> {
    if p.is_ready() {
        p.condition("Ready").and_then(|c| c.last_transition_time)
    } else {
        None
    }
}

fn max_container_restarts(p: &Pod) -> i32 {
    p.status
        .container_statuses
        .iter()
        .map(|s| s.restart_count)
        .max()
        .unwrap_or(0)
}

/// `GetDeletionCostFromPodAnnotations`: an int32, 0 if absent or not a number.
fn deletion_cost(p: &Pod) -> i32 {
    p.metadata
        .annotations
        .get(POD_DELETION_COST)
        .and_then(|v| v.parse::<i32>().ok())
        .unwrap_or(0)
}

/// A time as the API carries it: whole seconds.
fn api_seconds(t: Time) -> u64 {
    t.0 / 1000
}

/// `afterOrZero`: a zero time first, then the later one.
fn after_or_zero(a: Option<Time>, b: Option<Time>) -> bool {
    match (a, b) {
        (None, _) | (_, None) => a.is_none(),
        (Some(a), Some(b)) => api_seconds(a) > api_seconds(b),
    }
}

/// `logarithmicRankDiff`: the difference of ⌊log₂⌋ of how long ago each time was (in ns).
fn logarithmic_rank_diff(a: Time, b: Time, now: Time) -> i64 {
    let rank = |t: Time| {
        let d_ns = (now.0 as i128 - (api_seconds(t) * 1000) as i128) * 1_000_000;
        if d_ns > 0 {
            // ⌊log₂ d⌋ of the float64 Go takes the logarithm of: its binary exponent.
            let f = d_ns as f64;
            ((f.to_bits() >> 52) & 0x7ff) as i64 - 1023
        } else {
            -1
        }
    };
    rank(a) - rank(b)
}

/// `ActivePodsWithRanks.Less` (v1.33, with `PodDeletionCost` and `LogarithmicScaleDown` on):
/// whether pod `a` is to be deleted before pod `b`.
pub fn active_pods_less(a: &(&Pod, usize), b: &(&Pod, usize), now: Time) -> bool {
    let ((pa, ra), (pb, rb)) = (a, b);
    // 1. Unassigned < assigned.
    let na = pa.spec.node_name.as_deref().unwrap_or("");
    let nb = pb.spec.node_name.as_deref().unwrap_or("");
    if na != nb && (na.is_empty() || nb.is_empty()) {
        return na.is_empty();
    }
    // 2. Pending < Unknown < Running.
    if phase_ordinal(pa) != phase_ordinal(pb) {
        return phase_ordinal(pa) < phase_ordinal(pb);
    }
    // 3. Not ready < ready.
    if pa.is_ready() != pb.is_ready() {
        return !pa.is_ready();
    }
    // 4. Lower pod-deletion-cost < higher.
    let (ca, cb) = (deletion_cost(pa), deletion_cost(pb));
    if ca != cb {
        return ca < cb;
    }
    // 5. Doubled up < not doubled up: more co-located related pods first.
    if ra != rb {
        return ra > rb;
    }
    // 6. Been ready for a shorter time first (logarithmically), then by uid.
    if pa.is_ready() && pb.is_ready() {
        let (ta, tb) = (ready_time(pa), ready_time(pb));
        if ta.map(api_seconds) != tb.map(api_seconds) {
            return match (ta, tb) {
                (Some(ta), Some(tb)) => match logarithmic_rank_diff(ta, tb, now) {
                    0 => pa.metadata.uid < pb.metadata.uid,
                    d => d < 0,
                },
                _ => after_or_zero(ta, tb),
            };
        }
    }
    // 7. More restarts first.
    if max_container_restarts(pa) != max_container_restarts(pb) {
        return max_container_restarts(pa) > max_container_restarts(pb);
    }
    // 8. Newer first (logarithmically), then by uid.
    let (ta, tb) = (
        pa.metadata.creation_timestamp,
        pb.metadata.creation_timestamp,
    );
    if ta.map(api_seconds) != tb.map(api_seconds) {
        return match (ta, tb) {
            (Some(ta), Some(tb)) => match logarithmic_rank_diff(ta, tb, now) {
                0 => pa.metadata.uid < pb.metadata.uid,
                d => d < 0,
            },
            _ => after_or_zero(ta, tb),
        };
    }
    false
}

/// `calculateStatus`.
fn calculate_status(
    rs: &ReplicaSet,
    pods: &[&Pod],
    manage_err: Option<&str>,
    now: Time,
) -> ReplicaSetStatus {
    let mut status = rs.status.clone();
    let template = &rs.spec.template.metadata.labels;
    let mut fully = 0;
    let mut ready = 0;
    let mut available = 0;
    for p in pods {
        if template
            .iter()
            .all(|(k, v)| p.metadata.labels.get(k) == Some(v))
        {
            fully += 1;
        }
        if p.is_ready() {
            ready += 1;
            if p.is_available(rs.spec.min_ready_seconds as i64, now) {
                available += 1;
            }
        }
    }
    let failure = status
        .conditions
        .iter()
        .any(|c| c.type_ == "ReplicaFailure");
    match manage_err {
        Some(e) if !failure => {
            let diff = pods.len() as i64 - rs.replicas() as i64;
            let reason = match diff.cmp(&0) {
                Ordering::Less => "FailedCreate",
                Ordering::Greater => "FailedDelete",
                Ordering::Equal => "",
            };
            status.conditions.push(ReplicaSetCondition {
                type_: "ReplicaFailure".into(),
                status: "True".into(),
                last_transition_time: Some(Time(now.0 / 1000 * 1000)),
                reason: reason.into(),
                message: e.into(),
            });
        }
        None if failure => status.conditions.retain(|c| c.type_ != "ReplicaFailure"),
        _ => {}
    }
    status.replicas = pods.len() as i32;
    status.fully_labeled_replicas = fully;
    status.ready_replicas = ready;
    status.available_replicas = available;
    status
}

/// `updateReplicaSetStatus`: writes the status (with the generation it acted on) unless
/// nothing changed. Returns the set as stored.
fn update_status(
    c: &mut Cluster,
    rs: &ReplicaSet,
    mut status: ReplicaSetStatus,
) -> Result<Option<ReplicaSet>, String> {
    if rs.status.replicas == status.replicas
        && rs.status.fully_labeled_replicas == status.fully_labeled_replicas
        && rs.status.ready_replicas == status.ready_replicas
        && rs.status.available_replicas == status.available_replicas
        && rs.metadata.generation == rs.status.observed_generation
        && rs.status.conditions == status.conditions
    {
        return Ok(Some(rs.clone()));
    }
    status.observed_generation = rs.metadata.generation;
    // `statusUpdateRetries`: one more attempt, on the set as stored, after any error.
    let mut err = String::new();
    for _ in 0..2 {
        let Some(live) = c.get_as::<ReplicaSet>(&rs.metadata.namespace, &rs.metadata.name) else {
            return Ok(None);
        };
        let mut live = live.clone();
        live.status = status.clone();
        match c.put_checked(live.into(), Verb::UpdateStatus) {
            Ok(o) => return Ok(ReplicaSet::from_object(&o).cloned()),
            Err(e) => err = e.message,
        }
    }
    Err(err)
}
