//! Node health: what `docker stop` / `docker start` of a kind node does to the kubelet, the node
//! lifecycle controller (`monitorNodeHealth`: conditions go Unknown after the grace period, pods
//! are marked not ready; the `node.kubernetes.io/*` taints), and the taint-eviction controller
//! (pods that tolerate `unreachable:NoExecute` for 300 s are deleted after it).
//!
//! Nothing here runs periodically: the instants at which the controllers' periodic loops would
//! see something change are computed, so `settle` can still reach quiet.

use super::{Action, Controller, Work};
use crate::api::*;
use crate::cluster::{Cluster, DeleteOptions};
use crate::error::{ApiError, Reason};
use crate::faults::Verb;
use crate::store::{ObjKey, WatchEvent, WatchEventType};
use crate::time::Time;
use std::collections::BTreeMap;

/// `--node-monitor-grace-period`: 50 s since v1.32 (it was 40 s).
pub const NODE_MONITOR_GRACE_PERIOD_MS: u64 = 50_000;
/// `--node-monitor-period`: how often the controller looks at every node.
pub const NODE_MONITOR_PERIOD_MS: u64 = 5_000;
/// The kubelet renews its Lease every 10 s (a quarter of `nodeLeaseDurationSeconds`, 40 s).
pub const LEASE_RENEW_INTERVAL_MS: u64 = 10_000;

pub const TAINT_UNREACHABLE: &str = "node.kubernetes.io/unreachable";
pub const TAINT_NOT_READY: &str = "node.kubernetes.io/not-ready";
pub const TAINT_UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";
const CONTROLLER_TAINTS: [&str; 3] = [TAINT_UNREACHABLE, TAINT_NOT_READY, TAINT_UNSCHEDULABLE];

/// The node lifecycle and taint-eviction controllers (and a restarted kubelet): one node per item.
pub(crate) static CONTROLLER: Controller = Controller {
    name: "node-lifecycle-controller",
    reconcile: |c, (_, name)| sync(c, name),
    size: None,
};

/// The taint-eviction controller watches pods on nodes with NoExecute taints.
pub(crate) fn on_pod(c: &Cluster, ev: &WatchEvent, out: &mut Vec<Work>) {
    let Some(node) = Pod::from_object(&ev.object).and_then(|p| p.spec.node_name.as_ref()) else {
        return;
    };
    if c.get_as::<Node>("", node)
        .is_some_and(|n| n.spec.taints.iter().any(|t| t.effect == "NoExecute"))
    {
        out.push(Work::named(&CONTROLLER, node));
    }
}

/// The node's own events.
pub(crate) fn on_node(_: &Cluster, ev: &WatchEvent, out: &mut Vec<Work>) {
    if ev.type_ != WatchEventType::Deleted {
        out.push(Work::named(&CONTROLLER, ev.object.name()));
    }
}

/// The state of one node's machine (its kind container) and its kubelet.
#[derive(Debug, Default, Clone)]
pub struct NodeMachine {
    /// Set while the node's container is stopped.
    pub stopped_at: Option<Time>,
    /// The kubelet's last Lease renewal before it stopped.
    pub last_heartbeat: Option<Time>,
    /// After a start: when the kubelet is up and reporting again.
    pub kubelet_up_at: Option<Time>,
    /// When the machine was last started again.
    pub started_at: Option<Time>,
    /// Pods the taint-eviction controller has scheduled for deletion, with when it did (the
    /// start of their toleration of a taint that does not say when it was added).
    pub evictions: BTreeMap<ObjKey, Time>,
    /// The node went from Ready and its pods are still to be marked not ready (upstream's
    /// `nodesToRetry`: set with the transition, cleared once `MarkPodsNotReady` went through
    /// for every pod, so a failed write is tried again at the next pass).
    pub mark_pods_not_ready: bool,
}

impl Cluster {
    /// What `docker stop NODE` does to a kind node: the kubelet and every container on the
    /// machine stop, and nothing is reported any more. The control plane notices only after the
    /// node-monitor grace period.
    pub fn stop_node(&mut self, name: &str) -> Result<(), ApiError> {
        if self.get_as::<Node>("", name).is_none() {
            return Err(ApiError::not_found(Kind::Node, name));
        }
        if !self.node_running(name) {
            return Err(ApiError::new(
                Reason::Conflict,
                format!("node \"{name}\" is already stopped"),
            ));
        }
        let now = self.now;
        let renewed = self.node_lease_renewed(name);
        let m = self.machines.entry(name.to_string()).or_default();
        m.stopped_at = Some(now);
        m.kubelet_up_at = None;
        m.last_heartbeat = Some(renewed);
        crate::controllers::kubelet::node_stopped(self, name);
        self.enqueue(Work::named(&CONTROLLER, name));
        self.run();
        Ok(())
    }

    /// What `docker start NODE` does: the machine boots, and a few seconds later the kubelet
    /// reports the node Ready again and reconciles its pods (it finishes deleting those deleted
    /// meanwhile, and restarts the others in a new sandbox).
    pub fn start_node(&mut self, name: &str) -> Result<(), ApiError> {
        if self.get_as::<Node>("", name).is_none() {
            return Err(ApiError::not_found(Kind::Node, name));
        }
        if self.node_running(name) {
            return Err(ApiError::new(
                Reason::Conflict,
                format!("node \"{name}\" is already running"),
            ));
        }
        let boot = self.rng.between(7_000, 10_000);
        let now = self.now;
        let m = self.machines.entry(name.to_string()).or_default();
        m.kubelet_up_at = Some(now.plus_ms(boot));
        m.stopped_at = None;
        m.started_at = Some(now);
        self.schedule(boot, Work::named(&CONTROLLER, name));
        self.run();
        Ok(())
    }

    /// Whether the node's machine is running (false between `stop_node` and `start_node`, and
    /// for a node that does not exist).
    pub fn node_running(&self, name: &str) -> bool {
        self.get_as::<Node>("", name).is_some()
            && self
                .machines
                .get(name)
                .is_none_or(|m| m.stopped_at.is_none())
    }

    /// When the node's machine last started or stopped (`docker ps` shows "Up 5 minutes" or
    /// "Exited … ago" from it); `None` if it has run since the cluster was created.
    pub fn node_machine_since(&self, name: &str) -> Option<Time> {
        let m = self.machines.get(name)?;
        m.stopped_at.or(m.started_at)
    }

    /// The node Lease's `renewTime`: the kubelet renews it every 10 s while it runs; a stopped
    /// one's stays at its last renewal.
    pub fn node_lease_renewed(&self, name: &str) -> Time {
        if let Some(t) = self.machines.get(name).and_then(|m| m.last_heartbeat) {
            return t;
        }
        // Each kubelet renews on its own phase within the 10 s.
        let phase = name.bytes().map(u64::from).sum::<u64>() * 137 % LEASE_RENEW_INTERVAL_MS;
        let now = self.now.0;
        Time(now - (now + LEASE_RENEW_INTERVAL_MS - phase) % LEASE_RENEW_INTERVAL_MS)
    }

    /// Whether the node's kubelet is up (its machine runs and it has finished starting).
    pub(crate) fn kubelet_up(&self, name: &str) -> bool {
        self.machines
            .get(name)
            .is_none_or(|m| m.stopped_at.is_none() && m.kubelet_up_at.is_none())
    }
}

/// One pass over one node: the kubelet coming up, `monitorNodeHealth`, the controller's taints,
/// and the taint-eviction controller's decisions for the node's pods.
///
/// A write that fails (a fault plan's 409, 500 or timeout) does not stop the pass: the other
/// steps still run (upstream's loops go on to the next step and node), and the node is synced
/// again with the workqueue's backoff, or at the time the pass wanted to look again if that
/// is earlier.
pub(crate) fn sync(c: &mut Cluster, name: &str) -> Action {
    if c.get_as::<Node>("", name).is_none() {
        return Action::Done;
    }
    let now = c.now;
    let mut failed: Option<String> = None;
    let action = pass(c, name, now, &mut failed);
    let Some(reason) = failed else {
        return action;
    };
    if let Action::RequeueAt { at, .. } = action {
        c.schedule(at.since(now), Work::named(&CONTROLLER, name));
    }
    Action::Retry { reason }
}

fn pass(c: &mut Cluster, name: &str, now: Time, failed: &mut Option<String>) -> Action {
    let mut note = |r: Result<(), String>| {
        if let Err(e) = r {
            failed.get_or_insert(e);
        }
    };
    let mut action = Action::Done;
    let m = c.machines.get(name).cloned().unwrap_or_default();
    if let Some(up) = m.kubelet_up_at {
        if now >= up {
            kubelet_started(c, name);
        } else {
            action = action.or_earlier(up, "the node's kubelet comes up");
        }
    }
    if let (Some(stopped), heartbeat) = (m.stopped_at, m.last_heartbeat) {
        let deadline = heartbeat
            .unwrap_or(stopped)
            .plus_ms(NODE_MONITOR_GRACE_PERIOD_MS);
        if now > deadline {
            note(mark_unknown(c, name));
        } else {
            // The first monitor pass after the deadline.
            let tick = (deadline.0 / NODE_MONITOR_PERIOD_MS + 1) * NODE_MONITOR_PERIOD_MS;
            action = action.or_earlier(Time(tick), "the node-monitor grace period ends");
        }
    }
    note(reconcile_taints(c, name));
    let (next, evicted) = taint_eviction(c, name);
    note(evicted);
    match next {
        Some(at) => action.or_earlier(at, "a pod's NoExecute toleration ends"),
        None => action,
    }
}

/// `tryUpdateNodeHealth`: the kubelet has not renewed its Lease within the grace period; then
/// `MarkPodsNotReady` for a node that was Ready.
fn mark_unknown(c: &mut Cluster, name: &str) -> Result<(), String> {
    let Some(mut node) = c.get_as::<Node>("", name).cloned() else {
        return Ok(());
    };
    let was_ready = node.is_ready();
    let mut changed = false;
    for cond in &mut node.status.conditions {
        if cond.status != "Unknown" {
            cond.status = "Unknown".into();
            cond.reason = Some("NodeStatusUnknown".into());
            cond.message = Some("Kubelet stopped posting node status.".into());
            cond.last_transition_time = Some(c.now);
            changed = true;
        }
    }
    if changed {
        if was_ready {
            c.machines
                .entry(name.to_string())
                .or_default()
                .mark_pods_not_ready = true;
        }
        let n = match c.put_checked(Object::from(node), Verb::UpdateStatus) {
            Ok(n) => n,
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => return Err(e.message),
        };
        if was_ready {
            c.record_event(
                &n,
                "Normal",
                "NodeNotReady",
                &format!("Node {name} status is now: NodeNotReady"),
                "node-controller",
                None,
            );
        }
    }
    if !c.machines.get(name).is_some_and(|m| m.mark_pods_not_ready) {
        return Ok(());
    }
    // MarkPodsNotReady: each pod's Ready condition False; a pod that fails is tried again.
    let mut failed = None;
    let pods: Vec<Pod> = c
        .store
        .pods_on_node(name)
        .filter_map(|(ns, n)| c.get_as::<Pod>(ns, n))
        .cloned()
        .collect();
    for mut p in pods {
        let Some(cond) = p.status.conditions.iter_mut().find(|c| c.type_ == "Ready") else {
            continue;
        };
        if cond.status == "False" {
            continue;
        }
        cond.status = "False".into();
        cond.last_transition_time = Some(c.now);
        match c.put_checked(Object::Pod(Box::new(p)), Verb::UpdateStatus) {
            Ok(o) => c.record_event(
                &o,
                "Warning",
                "NodeNotReady",
                "Node is not ready",
                "node-controller",
                None,
            ),
            Err(e) if e.is_not_found() => {}
            Err(e) => {
                failed.get_or_insert(e.message);
            }
        }
    }
    match failed {
        Some(e) => Err(e),
        None => {
            if let Some(m) = c.machines.get_mut(name) {
                m.mark_pods_not_ready = false;
            }
            Ok(())
        }
    }
}

/// The kubelet of a restarted node: posts a healthy status and takes its pods back.
fn kubelet_started(c: &mut Cluster, name: &str) {
    {
        let m = c.machines.entry(name.to_string()).or_default();
        m.kubelet_up_at = None;
        m.last_heartbeat = None;
        m.mark_pods_not_ready = false;
    }
    let Some(mut node) = c.get_as::<Node>("", name).cloned() else {
        return;
    };
    let now = c.now;
    let healthy = [
        (
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        (
            "DiskPressure",
            "False",
            "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure",
        ),
        (
            "PIDPressure",
            "False",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
        ),
        (
            "Ready",
            "True",
            "KubeletReady",
            "kubelet is posting ready status",
        ),
    ];
    let mut transitions = Vec::new();
    for (t, status, reason, message) in healthy {
        if let Some(cond) = node.status.conditions.iter_mut().find(|c| c.type_ == t) {
            if cond.status != status {
                cond.last_transition_time = Some(now);
                transitions.push(t);
            }
            cond.status = status.into();
            cond.reason = Some(reason.into());
            cond.message = Some(message.into());
            cond.last_heartbeat_time = Some(now);
        }
    }
    let written = c.put_existing(Object::from(node)).map(|o| (*o).clone());
    if let Some(n) = written {
        let mut events = vec![("Starting", "Starting kubelet.".to_string())];
        for (t, reason) in [
            ("MemoryPressure", "NodeHasSufficientMemory"),
            ("DiskPressure", "NodeHasNoDiskPressure"),
            ("PIDPressure", "NodeHasSufficientPID"),
        ] {
            if transitions.contains(&t) {
                events.push((reason, format!("Node {name} status is now: {reason}")));
            }
        }
        events.push((
            "NodeAllocatableEnforced",
            "Updated Node Allocatable limit across pods".into(),
        ));
        if transitions.contains(&"Ready") {
            events.push(("NodeReady", format!("Node {name} status is now: NodeReady")));
        }
        for (reason, msg) in events {
            c.record_event(&n, "Normal", reason, &msg, "kubelet", Some(name));
        }
    }
    crate::controllers::kubelet::node_restarted(c, name);
}

/// `doNoScheduleTaintingPass` and `doNoExecuteTaintingPass`: the `node.kubernetes.io/*` taints
/// follow the Ready condition and `spec.unschedulable`. A failed update is an error (the pass
/// computes the taints afresh when it is tried again).
fn reconcile_taints(c: &mut Cluster, name: &str) -> Result<(), String> {
    let Some(mut node) = c.get_as::<Node>("", name).cloned() else {
        return Ok(());
    };
    let ready = node
        .status
        .conditions
        .iter()
        .find(|c| c.type_ == "Ready")
        .map(|c| c.status.clone())
        .unwrap_or_else(|| "Unknown".into());
    let mut want: Vec<(&str, &str)> = Vec::new();
    match ready.as_str() {
        "Unknown" => want.extend([
            (TAINT_UNREACHABLE, "NoSchedule"),
            (TAINT_UNREACHABLE, "NoExecute"),
        ]),
        "False" => want.extend([
            (TAINT_NOT_READY, "NoSchedule"),
            (TAINT_NOT_READY, "NoExecute"),
        ]),
        // "True" (the only other status): a ready node carries neither taint.
        _ => {}
    }
    if node.spec.unschedulable == Some(true) {
        want.push((TAINT_UNSCHEDULABLE, "NoSchedule"));
    }
    let before = node.spec.taints.clone();
    node.spec.taints.retain(|t| {
        !CONTROLLER_TAINTS.contains(&t.key.as_str())
            || want.contains(&(t.key.as_str(), t.effect.as_str()))
    });
    for (key, effect) in want {
        if !node
            .spec
            .taints
            .iter()
            .any(|t| t.key == key && t.effect == effect)
        {
            node.spec.taints.push(Taint {
                key: key.into(),
                value: None,
                effect: effect.into(),
                time_added: Some(c.now),
            });
        }
    }
    if node.spec.taints != before {
        match c.put_checked(Object::from(node), Verb::Update) {
            Err(e) if !e.is_not_found() => return Err(e.message),
            _ => {}
        }
    }
    Ok(())
}

/// The taint-eviction controller for the pods on one node. Returns when the next pod's
/// toleration ends, and the error of an eviction that failed (the pod stays scheduled for
/// deletion, so the next pass tries it again).
fn taint_eviction(c: &mut Cluster, name: &str) -> (Option<Time>, Result<(), String>) {
    let Some(node) = c.get_as::<Node>("", name).cloned() else {
        return (None, Ok(()));
    };
    let now = c.now;
    let taints: Vec<&Taint> = node
        .spec
        .taints
        .iter()
        .filter(|t| t.effect == "NoExecute")
        .collect();
    // The controller's own taints say when they were added; a taint a client added
    // (`kubectl taint`) does not, and a pod's toleration runs from when its eviction was first
    // scheduled (upstream's `CreatedAt` of the queued work).
    let added = taints.iter().filter_map(|t| t.time_added).max();
    let pods: Vec<Pod> = c
        .store
        .pods_on_node(name)
        .filter_map(|(ns, n)| c.get_as::<Pod>(ns, n))
        .cloned()
        .collect();
    let mut scheduled = c
        .machines
        .get(name)
        .map(|m| m.evictions.clone())
        .unwrap_or_default();
    // Forget pods that are gone.
    scheduled.retain(|(ns, n), _| {
        pods.iter()
            .any(|p| &p.metadata.namespace == ns && &p.metadata.name == n && !p.is_terminating())
    });
    let mut cancelled = Vec::new();
    let mut evict = Vec::new();
    let mut next: Option<Time> = None;
    for p in pods.iter().filter(|p| !p.is_terminating()) {
        let key = (p.metadata.namespace.clone(), p.metadata.name.clone());
        if taints.is_empty() {
            if scheduled.remove(&key).is_some() {
                cancelled.push(p.clone());
            }
            continue;
        }
        // GetMatchingTolerations, then getMinTolerationTime.
        let mut used: Vec<&Toleration> = Vec::new();
        let mut all = true;
        for t in &taints {
            match p
                .spec
                .tolerations
                .iter()
                .find(|tol| super::scheduler::toleration_matches(tol, t))
            {
                Some(tol) => used.push(tol),
                None => {
                    all = false;
                    break;
                }
            }
        }
        let seconds = if all {
            used.iter().filter_map(|t| t.toleration_seconds).min()
        } else {
            Some(0)
        };
        let Some(seconds) = seconds else {
            // Tolerated for ever.
            if scheduled.remove(&key).is_some() {
                cancelled.push(p.clone());
            }
            continue;
        };
        let seconds = seconds.max(0);
        let since = added
            .or_else(|| scheduled.get(&key).copied())
            .unwrap_or(now);
        let at = since.plus_ms(seconds as u64 * 1000);
        if now >= at {
            scheduled.remove(&key);
            evict.push((p.clone(), since));
        } else {
            scheduled.entry(key).or_insert(now);
            next = Some(next.map_or(at, |n: Time| n.min(at)));
        }
    }
    let mut failed = None;
    for p in cancelled {
        let msg = format!(
            "Cancelling deletion of Pod {}/{}",
            p.metadata.namespace, p.metadata.name
        );
        c.record_event(
            &Object::Pod(Box::new(p)),
            "Normal",
            "TaintManagerEviction",
            &msg,
            "taint-eviction-controller",
            None,
        );
    }
    for (mut p, since) in evict {
        let msg = format!(
            "Marking for deletion Pod {}/{}",
            p.metadata.namespace, p.metadata.name
        );
        c.record_event(
            &Object::Pod(Box::new(p.clone())),
            "Normal",
            "TaintManagerEviction",
            &msg,
            "taint-eviction-controller",
            None,
        );
        set_disruption_target(
            &mut p,
            now,
            "DeletionByTaintManager",
            "Taint manager: deleting due to NoExecute taint",
        );
        // `deletePodHandler`: `addConditionAndDeletePod`, up to 5 attempts (its 10 ms sleeps
        // take no simulated time here); a pod still not deleted stays scheduled, still due.
        let mut err = None;
        for _ in 0..5 {
            err = evict_pod(c, &p).err();
            if err.is_none() {
                break;
            }
        }
        if let Some(e) = err {
            scheduled.insert(
                (p.metadata.namespace.clone(), p.metadata.name.clone()),
                since,
            );
            failed.get_or_insert(e);
        }
    }
    c.machines.entry(name.to_string()).or_default().evictions = scheduled;
    (next, failed.map_or(Ok(()), Err))
}

/// `addConditionAndDeletePod`: the `DisruptionTarget` condition (a status update), then the
/// delete; a pod already gone is done.
fn evict_pod(c: &mut Cluster, p: &Pod) -> Result<(), String> {
    let (ns, n) = (&p.metadata.namespace, &p.metadata.name);
    let Some(live) = c
        .get_as::<Pod>(ns, n)
        .filter(|l| l.metadata.uid == p.metadata.uid)
    else {
        return Ok(());
    };
    if live.is_terminating() {
        return Ok(());
    }
    if !live.status.conditions.iter().any(|c| {
        c.type_ == "DisruptionTarget" && c.reason.as_deref() == Some("DeletionByTaintManager")
    }) {
        match c.put_checked(Object::Pod(Box::new(p.clone())), Verb::UpdateStatus) {
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => return Err(e.message),
            Ok(_) => {}
        }
    }
    match c.delete_inner(Kind::Pod, ns, n, &DeleteOptions::default()) {
        Err(e) if !e.is_not_found() => Err(e.message),
        _ => Ok(()),
    }
}

/// The `DisruptionTarget` condition that eviction and the taint manager add before deleting.
pub(crate) fn set_disruption_target(p: &mut Pod, now: Time, reason: &str, message: &str) {
    p.status
        .conditions
        .retain(|c| c.type_ != "DisruptionTarget");
    p.status.conditions.push(PodCondition {
        type_: "DisruptionTarget".into(),
        status: "True".into(),
        last_probe_time: None,
        last_transition_time: Some(now),
        reason: Some(reason.into()),
        message: Some(message.into()),
    });
}
