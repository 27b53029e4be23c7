//! The scheduler: places a pending pod on a worker. It honours taints, `nodeSelector`, a bound
//! volume's node affinity, and WaitForFirstConsumer claims (it picks the node, annotates the
//! claim with `volume.kubernetes.io/selected-node`, and binds the pod once the claim is bound).

use crate::api::*;
use crate::cluster::Cluster;
use crate::store::ObjKey;

pub const SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";

/// The scheduler records through events.k8s.io as `<component>-<host>` (kind's control plane).
const SCHEDULER_INSTANCE: &str = "default-scheduler-kind-control-plane";

pub(crate) fn schedule(c: &mut Cluster, key: &ObjKey) {
    let (ns, name) = key;
    let Some(pod) = c.get_as::<Pod>(ns, name).cloned() else {
        return;
    };
    if pod.spec.node_name.is_some() || pod.is_terminating() {
        return;
    }
    let nodes: Vec<Node> = c.list_as::<Node>(None).into_iter().cloned().collect();
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
    // The default profile's filters in order; a node counts under the first one it fails.
    let mut reasons: std::collections::BTreeMap<String, usize> = Default::default();
    let mut feasible = Vec::new();
    'nodes: for node in &nodes {
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
        parts.sort();
        return unschedulable(c, &pod, total, &parts.join(", "));
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
            c.put_existing(p.into());
        }
    }
    if waiting {
        return;
    }
    let mut p = pod.clone();
    p.spec.node_name = Some(node.clone());
    set_scheduled_condition(&mut p, c.now, None);
    c.put_existing(p.clone().into());
    let msg = format!("Successfully assigned {ns}/{name} to {node}");
    c.record_event_series(
        &Object::Pod(p),
        "Normal",
        "Scheduled",
        "Binding",
        &msg,
        "default-scheduler",
        SCHEDULER_INSTANCE,
    );
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

fn unschedulable(c: &mut Cluster, pod: &Pod, total: usize, why: &str) {
    let msg = format!("0/{total} nodes are available: {why}. preemption: 0/{total} nodes are available: {total} Preemption is not helpful for scheduling.");
    // The scheduler's own status write is no reason to try again (upstream's queue ignores
    // status-only updates): an attempt at the instant of the last, with the same verdict, is
    // that echo, and records nothing.
    let echo = pod.condition("PodScheduled").is_some_and(|cond| {
        cond.status == "False"
            && cond.message.as_deref() == Some(msg.as_str())
            && cond.last_transition_time == Some(c.now)
    });
    if echo {
        return;
    }
    let mut p = pod.clone();
    set_scheduled_condition(&mut p, c.now, Some(&msg));
    c.put_existing(p.clone().into());
    c.record_event_series(
        &Object::Pod(p),
        "Warning",
        "FailedScheduling",
        "Scheduling",
        &msg,
        "default-scheduler",
        SCHEDULER_INSTANCE,
    );
}
