//! The scheduler: places a pending pod on a worker. It honours taints, `nodeSelector`, a bound
//! volume's node affinity, and WaitForFirstConsumer claims (it picks the node, annotates the
//! claim with `volume.kubernetes.io/selected-node`, and binds the pod once the claim is bound).

use super::{key_of, Action, Controller, Work};
use crate::api::*;
use crate::cluster::Cluster;
use crate::faults::Verb;
use crate::store::{ObjKey, WatchEvent, WatchEventType};

pub const SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";

/// The scheduling queue: one pending pod per item.
pub(crate) static CONTROLLER: Controller = Controller {
    name: "default-scheduler",
    reconcile: schedule,
    size: None,
};

/// A pod that is pending (not bound, not being deleted).
pub(crate) fn on_pod(_: &Cluster, ev: &WatchEvent, out: &mut Vec<Work>) {
    let Some(p) = Pod::from_object(&ev.object) else {
        return;
    };
    if ev.type_ != WatchEventType::Deleted
        && p.spec.node_name.is_none()
        && !p.metadata.is_deleting()
    {
        out.push(Work::new(&CONTROLLER, key_of(&ev.object)));
    }
}

/// A node changed: every pending pod may fit now.
pub(crate) fn on_node(c: &Cluster, _: &WatchEvent, out: &mut Vec<Work>) {
    for p in c.list_as::<Pod>(None) {
        if p.spec.node_name.is_none() && !p.is_terminating() {
            out.push(Work::at(
                &CONTROLLER,
                &p.metadata.namespace,
                &p.metadata.name,
            ));
        }
    }
}

/// A StorageClass was created: a pending pod whose claim named it may be schedulable now
/// (VolumeBinding's StorageClass Add event).
pub(crate) fn on_class(c: &Cluster, ev: &WatchEvent, out: &mut Vec<Work>) {
    if ev.type_ == WatchEventType::Added {
        on_node(c, ev, out);
    }
}

/// A pending pod waits for a claim that changed (to be bound, or provisioned on its node).
pub(crate) fn on_waiting_pod(p: &Pod, out: &mut Vec<Work>) {
    if p.spec.node_name.is_none() {
        out.push(Work::at(
            &CONTROLLER,
            &p.metadata.namespace,
            &p.metadata.name,
        ));
    }
}

/// The scheduler records through events.k8s.io as `<component>-<host>` (kind's control plane).
const SCHEDULER_INSTANCE: &str = "default-scheduler-kind-control-plane";

/// Pods the scheduler has placed on a node whose claims are still being provisioned there
/// (upstream's "assumed" pods): they count against the node's pod capacity before they are
/// bound, so a burst of pods cannot overfill a node.
#[derive(Clone, Default, Debug)]
pub struct Assumed {
    node_of: std::collections::HashMap<ObjKey, String>,
    on_node: std::collections::HashMap<String, usize>,
}

impl Assumed {
    fn add(&mut self, key: &ObjKey, node: &str) {
        self.forget(key);
        self.node_of.insert(key.clone(), node.to_string());
        *self.on_node.entry(node.to_string()).or_default() += 1;
    }

    /// The pod is bound, deleted, or being placed again.
    pub(crate) fn forget(&mut self, key: &ObjKey) {
        if let Some(node) = self.node_of.remove(key) {
            if let Some(n) = self.on_node.get_mut(&node) {
                *n = n.saturating_sub(1);
            }
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.node_of.is_empty()
    }

    /// The node the pod was placed on while its claims are provisioned there.
    pub(crate) fn node_of(&self, key: &ObjKey) -> Option<&str> {
        self.node_of.get(key).map(String::as_str)
    }

    fn on(&self, node: &str) -> usize {
        self.on_node.get(node).copied().unwrap_or(0)
    }
}

/// NodeResourcesFit's pod count: the node's allocatable `pods` (kind's kubelet: 110).
fn pod_capacity(node: &Node) -> usize {
    node.status
        .allocatable
        .get("pods")
        .and_then(|n| n.parse().ok())
        .unwrap_or(110)
}

pub(crate) fn schedule(c: &mut Cluster, key: &ObjKey) -> Action {
    let (ns, name) = key;
    c.assumed.forget(key);
    let Some(pod) = c.get_as::<Pod>(ns, name).cloned() else {
        return Action::Done;
    };
    if pod.spec.node_name.is_some() || pod.is_terminating() {
        return Action::Done;
    }
    // Shared handles: a node's status (its image list) is large, and this runs for every pod.
    let nodes: Vec<std::sync::Arc<Object>> = c.store.list(Kind::Node, None).cloned().collect();
    let nodes: Vec<&Node> = nodes.iter().filter_map(|o| Node::from_object(o)).collect();
    let total = nodes.len();
    // Claims the pod uses.
    let mut claims = Vec::new();
    for claim in pod.claim_names() {
        match c.get_as::<PersistentVolumeClaim>(ns, claim) {
            None => {
                return unschedulable(
                    c,
                    &pod,
                    total,
                    &format!("persistentvolumeclaim \"{claim}\" not found"),
                )
            }
            Some(pvc) if pvc.metadata.is_deleting() => {
                return unschedulable(
                    c,
                    &pod,
                    total,
                    &format!("persistentvolumeclaim \"{claim}\" is being deleted"),
                );
            }
            Some(pvc) => claims.push(pvc.clone()),
        }
    }
    // VolumeBinding's PreFilter: a claim that is not bound must be one whose class delays
    // binding to the scheduler (WaitForFirstConsumer); any other (no class, a class that does
    // not exist, an Immediate class) has to be bound by the PV controller first.
    let delays = |pvc: &PersistentVolumeClaim| {
        pvc.spec
            .storage_class_name
            .as_deref()
            .filter(|n| !n.is_empty())
            .and_then(|n| c.get_as::<StorageClass>("", n))
            .is_some_and(|sc| sc.volume_binding_mode.as_deref() == Some("WaitForFirstConsumer"))
    };
    let immediate = claims
        .iter()
        .any(|pvc| pvc.spec.volume_name.is_none() && !delays(pvc));
    if immediate {
        return unschedulable(
            c,
            &pod,
            total,
            "pod has unbound immediate PersistentVolumeClaims",
        );
    }
    // The default profile's filters in order; a node counts under the first one it fails.
    let mut reasons: std::collections::BTreeMap<String, usize> = Default::default();
    // Nodes that failed only for want of room: preemption looks there for victims (and finds
    // none, every pod having the default priority); elsewhere it cannot help.
    let mut full = 0;
    let mut feasible = Vec::new();
    'nodes: for &node in &nodes {
        let mut fail = |why: String| *reasons.entry(why).or_insert(0) += 1;
        // NodeUnschedulable (a cordoned node; a pod may tolerate its taint).
        if node.spec.unschedulable == Some(true)
            && !pod.spec.tolerations.iter().any(|tol| {
                toleration_matches(
                    tol,
                    &Taint {
                        key: super::node_lifecycle::TAINT_UNSCHEDULABLE.into(),
                        value: None,
                        effect: "NoSchedule".into(),
                        time_added: None,
                    },
                )
            })
        {
            fail("node(s) were unschedulable".into());
            continue;
        }
        // TaintToleration.
        for t in &node.spec.taints {
            if (t.effect == "NoSchedule" || t.effect == "NoExecute")
                && !pod
                    .spec
                    .tolerations
                    .iter()
                    .any(|tol| toleration_matches(tol, t))
            {
                fail(format!(
                    "node(s) had untolerated taint {{{}: {}}}",
                    t.key,
                    t.value.as_deref().unwrap_or("")
                ));
                continue 'nodes;
            }
        }
        // NodeAffinity.
        if !pod
            .spec
            .node_selector
            .iter()
            .all(|(k, v)| node.metadata.labels.get(k) == Some(v))
        {
            fail("node(s) didn't match Pod's node affinity/selector".into());
            continue;
        }
        // NodeResourcesFit (pods only: the playground's containers request nothing).
        let name = &node.metadata.name;
        if c.store.node_load(name) + c.assumed.on(name) >= pod_capacity(node) {
            fail("Too many pods".into());
            full += 1;
            continue;
        }
        // VolumeBinding.
        for pvc in &claims {
            if let Some(pv_name) = &pvc.spec.volume_name {
                if let Some(pv) = c.get_as::<PersistentVolume>("", pv_name) {
                    if let Some(allowed) = pv.pinned_nodes() {
                        if !allowed.contains(&node.metadata.name) {
                            fail("node(s) had volume node affinity conflict".into());
                            continue 'nodes;
                        }
                    }
                }
            }
        }
        feasible.push(node.metadata.name.clone());
    }
    if feasible.is_empty() {
        let mut parts: Vec<String> = reasons
            .iter()
            .map(|(why, n)| format!("{n} {why}"))
            .collect();
        crate::sort::sort(&mut parts);
        return unschedulable_with(c, &pod, total, &parts.join(", "), full);
    }
    // A claim already given a node (an earlier attempt) keeps it.
    let preselected = claims
        .iter()
        .filter(|p| p.spec.volume_name.is_none())
        .find_map(|p| p.metadata.annotations.get(SELECTED_NODE).cloned());
    let node = match preselected.filter(|n| feasible.contains(n)) {
        Some(n) => n,
        None => pick_node(c, &feasible),
    };
    // WaitForFirstConsumer: hand the unbound claims to the provisioner and wait for binding.
    // A claim update that fails is VolumeBinding's PreBind failing: the pod is not assumed,
    // and goes back to the queue with backoff (`handleSchedulingFailure`).
    let mut waiting = false;
    for pvc in &claims {
        if pvc.spec.volume_name.is_some() {
            continue;
        }
        waiting = true;
        if pvc.metadata.annotations.get(SELECTED_NODE) != Some(&node) {
            let mut p = pvc.clone();
            p.metadata
                .annotations
                .insert(SELECTED_NODE.into(), node.clone());
            match c.put_checked(p.into(), Verb::Update) {
                Err(e) if !e.is_not_found() => return Action::Retry { reason: e.message },
                _ => {}
            }
        }
    }
    if waiting {
        c.assumed.add(key, &node);
        return Action::Done;
    }
    let mut p = pod.clone();
    p.spec.node_name = Some(node.clone());
    set_scheduled_condition(&mut p, c.now, None);
    // The binding (a create of `pods/NAME/binding`, a fault plan's create of the pod): one that
    // fails sends the pod back to the queue with backoff (`handleBindingCycleError`); one that
    // timed out but went through leaves the pod bound, and the retry finds nothing to do.
    match c.put_checked(p.clone().into(), Verb::Create) {
        Ok(_) => {}
        Err(e) if e.is_not_found() => return Action::Done,
        Err(e) => return Action::Retry { reason: e.message },
    }
    let msg = format!("Successfully assigned {ns}/{name} to {node}");
    c.record_event_series(
        &Object::Pod(Box::new(p)),
        "Normal",
        "Scheduled",
        "Binding",
        &msg,
        "default-scheduler",
        SCHEDULER_INSTANCE,
    );
    Action::Done
}

/// `Toleration.ToleratesTaint`.
pub(crate) fn toleration_matches(tol: &Toleration, t: &Taint) -> bool {
    let effect_ok = tol
        .effect
        .as_deref()
        .is_none_or(|e| e.is_empty() || e == t.effect);
    let key = tol.key.as_deref().unwrap_or("");
    let key_ok = key.is_empty() || key == t.key;
    let exists = tol.operator.as_deref() == Some("Exists");
    if key.is_empty() && !exists {
        return false;
    }
    let value_ok = exists || tol.value.as_deref().unwrap_or("") == t.value.as_deref().unwrap_or("");
    effect_ok && key_ok && value_ok
}

/// Least-loaded feasible node, ties broken by the seeded RNG (the default scheduler spreads).
fn pick_node(c: &mut Cluster, feasible: &[String]) -> String {
    // The store keeps each node's count of unfinished pods, so this is not a scan per pod.
    let loads: Vec<usize> = feasible.iter().map(|n| c.store.node_load(n)).collect();
    let min = loads.iter().copied().min().unwrap_or(0);
    let best: Vec<&String> = feasible
        .iter()
        .zip(&loads)
        .filter(|(_, l)| **l == min)
        .map(|(n, _)| n)
        .collect();
    let i = c.rng.below(best.len() as u64) as usize;
    best[i].clone()
}

fn set_scheduled_condition(p: &mut Pod, now: crate::time::Time, unschedulable: Option<&str>) {
    let (status, reason, message) = match unschedulable {
        None => ("True", None, None),
        Some(m) => (
            "False",
            Some("Unschedulable".to_string()),
            Some(m.to_string()),
        ),
    };
    if let Some(cond) = p
        .status
        .conditions
        .iter_mut()
        .find(|c| c.type_ == "PodScheduled")
    {
        if cond.status != status {
            cond.last_transition_time = Some(now);
        }
        cond.status = status.into();
        cond.reason = reason;
        cond.message = message;
    } else {
        p.status.conditions.push(PodCondition {
            type_: "PodScheduled".into(),
            status: status.into(),
            last_probe_time: None,
            last_transition_time: Some(now),
            reason,
            message,
        });
    }
}

/// The pod stays pending, with the reason recorded, until an event makes it worth a retry
/// (upstream's unschedulable queue: no timer of its own).
fn unschedulable(c: &mut Cluster, pod: &Pod, total: usize, why: &str) -> Action {
    unschedulable_with(c, pod, total, why, 0)
}

/// `full` nodes failed only NodeResourcesFit: preemption found no victims there.
fn unschedulable_with(c: &mut Cluster, pod: &Pod, total: usize, why: &str, full: usize) -> Action {
    let mut preemption = Vec::new();
    if total > full {
        preemption.push(format!(
            "{} Preemption is not helpful for scheduling",
            total - full
        ));
    }
    if full > 0 {
        preemption.push(format!(
            "{full} No preemption victims found for incoming pod"
        ));
    }
    crate::sort::sort(&mut preemption);
    let preemption = preemption.join(", ");
    let msg = format!("0/{total} nodes are available: {why}. preemption: 0/{total} nodes are available: {preemption}.");
    // The scheduler's own status write is no reason to try again (upstream's queue ignores
    // status-only updates): an attempt at the instant of the last, with the same verdict, is
    // that echo, and records nothing.
    let echo = pod.condition("PodScheduled").is_some_and(|cond| {
        cond.status == "False"
            && cond.message.as_deref() == Some(msg.as_str())
            && cond.last_transition_time == Some(c.now)
    });
    if echo {
        return Action::Done;
    }
    let mut p = pod.clone();
    set_scheduled_condition(&mut p, c.now, Some(&msg));
    // The PodScheduled condition (a status update): one that fails is tried again with
    // backoff; the pod stays Pending either way.
    match c.put_checked(p.clone().into(), Verb::UpdateStatus) {
        Ok(_) => {}
        Err(e) if e.is_not_found() => return Action::Done,
        Err(e) => return Action::Retry { reason: e.message },
    }
    c.record_event_series(
        &Object::Pod(Box::new(p)),
        "Warning",
        "FailedScheduling",
        "Scheduling",
        &msg,
        "default-scheduler",
        SCHEDULER_INSTANCE,
    );
    Action::Done
}
