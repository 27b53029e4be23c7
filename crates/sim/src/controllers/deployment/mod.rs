//! The Deployment controller (upstream `pkg/controller/deployment`), split as upstream:
//! this module is `deployment_controller.go` (the wiring, `syncDeployment`, claiming
//! ReplicaSets, the pod map); `sync.rs` finds or creates the new ReplicaSet, scales, cleans up
//! history and writes status; `rolling.rs` and `recreate.rs` are the two strategies;
//! `progress.rs` the Progressing condition and the progress deadline; `util.rs` the pure
//! helpers of `deployment_util.go`; `hash.rs` the `pod-template-hash`.

pub mod hash;
pub mod progress;
pub mod recreate;
pub mod rolling;
pub mod sync;
#[cfg(test)]
mod tests;
pub mod util;

use super::{key_of, Action, Controller, Work};
use crate::api::*;
use crate::cluster::Cluster;
use crate::faults::Verb;
use crate::store::{ObjKey, WatchEvent, WatchEventType};
use crate::time::Time;

pub const COMPONENT: &str = "deployment-controller";

pub(crate) static CONTROLLER: Controller = Controller {
    name: "deployment-controller",
    reconcile: sync_deployment,
    size: None,
};

/// The Deployment's own events.
pub(crate) fn on_deployment(_: &Cluster, ev: &WatchEvent, out: &mut Vec<Work>) {
    out.push(Work::new(&CONTROLLER, key_of(&ev.object)));
}

/// `addReplicaSet`/`updateReplicaSet`/`deleteReplicaSet`: the Deployment that controls it, or
/// for an orphan, the Deployments whose selector matches it.
pub(crate) fn on_replica_set(c: &Cluster, ev: &WatchEvent, out: &mut Vec<Work>) {
    let m = ev.object.meta();
    let ns = &m.namespace;
    match m.controller_ref() {
        Some(r) if r.kind == "Deployment" => {
            if c.get_as::<Deployment>(ns, &r.name)
                .is_some_and(|d| d.metadata.uid == r.uid)
            {
                out.push(Work::at(&CONTROLLER, ns, &r.name));
            }
        }
        Some(_) => {}
        None => {
            if ev.type_ == WatchEventType::Deleted {
                return;
            }
            for d in deployments_selecting(c, ns, &m.labels) {
                out.push(Work::at(&CONTROLLER, ns, d));
            }
        }
    }
}

/// `deletePod`: a Recreate Deployment waits for its old pods to be gone; the last one's
/// deletion wakes it.
pub(crate) fn on_pod(c: &Cluster, ev: &WatchEvent, out: &mut Vec<Work>) {
    if ev.type_ != WatchEventType::Deleted {
        return;
    }
    let m = ev.object.meta();
    let ns = &m.namespace;
    let Some(r) = m.controller_ref().filter(|r| r.kind == "ReplicaSet") else {
        return;
    };
    let Some(rs) = c
        .get_as::<ReplicaSet>(ns, &r.name)
        .filter(|rs| rs.metadata.uid == r.uid)
    else {
        return;
    };
    let Some(owner) = rs
        .metadata
        .controller_ref()
        .filter(|o| o.kind == "Deployment")
    else {
        return;
    };
    let Some(d) = c
        .get_as::<Deployment>(ns, &owner.name)
        .filter(|d| d.metadata.uid == owner.uid && d.is_recreate())
    else {
        return;
    };
    let rss = owned_replica_sets(c, d);
    if pod_map(c, d, &rss).iter().all(|(_, pods)| pods.is_empty()) {
        out.push(Work::at(&CONTROLLER, ns, &d.metadata.name));
    }
}

/// The Deployments of `ns` whose selector matches `labels` (`getDeploymentsForReplicaSet`).
fn deployments_selecting<'a>(c: &'a Cluster, ns: &str, labels: &Labels) -> Vec<&'a str> {
    c.list_as::<Deployment>(Some(ns))
        .into_iter()
        .filter(|d| {
            d.spec
                .selector
                .as_ref()
                .is_some_and(|s| !s.is_empty() && s.matches(labels))
        })
        .map(|d| d.metadata.name.as_str())
        .collect()
}

/// The ReplicaSets the Deployment controls (what `getReplicaSetsForDeployment` returns once it
/// has claimed them).
fn owned_replica_sets(c: &Cluster, d: &Deployment) -> Vec<ReplicaSet> {
    c.list_as::<ReplicaSet>(Some(&d.metadata.namespace))
        .into_iter()
        .filter(|rs| {
            rs.metadata
                .controller_ref()
                .is_some_and(|r| r.uid == d.metadata.uid)
        })
        .cloned()
        .collect()
}

/// `getPodMapForDeployment`: the pods the selector matches, by the uid of the ReplicaSet of
/// `rss` that controls them (terminating ones included: Recreate waits for them).
pub(crate) fn pod_map(c: &Cluster, d: &Deployment, rss: &[ReplicaSet]) -> Vec<(String, Vec<Pod>)> {
    let mut map: Vec<(String, Vec<Pod>)> = rss
        .iter()
        .map(|rs| (rs.metadata.uid.clone(), Vec::new()))
        .collect();
    let Some(sel) = &d.spec.selector else {
        return map;
    };
    for p in c.list_as::<Pod>(Some(&d.metadata.namespace)) {
        if !sel.matches(&p.metadata.labels) {
            continue;
        }
        let Some(r) = p.metadata.controller_ref() else {
            continue;
        };
        if let Some((_, pods)) = map.iter_mut().find(|(uid, _)| *uid == r.uid) {
            pods.push(p.clone());
        }
    }
    map
}

/// `ClaimReplicaSets`: adopts orphans the selector matches, releases owned ReplicaSets that
/// no longer match, and returns the Deployment's ReplicaSets.
fn claim_replica_sets(c: &mut Cluster, d: &Deployment) -> Result<Vec<ReplicaSet>, String> {
    let ns = d.metadata.namespace.clone();
    let sel = d.spec.selector.clone().unwrap_or_default();
    let uid = d.metadata.uid.clone();
    let all: Vec<ReplicaSet> = c
        .list_as::<ReplicaSet>(Some(&ns))
        .into_iter()
        .cloned()
        .collect();
    let mut claimed = Vec::new();
    for rs in all {
        let matches = !sel.is_empty() && sel.matches(&rs.metadata.labels);
        match rs.metadata.controller_ref() {
            Some(r) if r.uid == uid => {
                if matches {
                    claimed.push(rs);
                } else if !d.metadata.is_deleting() {
                    let mut r = rs.clone();
                    r.metadata.owner_references.retain(|o| o.uid != uid);
                    c.put_existing(r.into());
                }
            }
            Some(_) => {}
            None => {
                if d.metadata.is_deleting() || !matches || rs.metadata.is_deleting() {
                    continue;
                }
                let fresh = c.get_as::<Deployment>(&ns, &d.metadata.name);
                if !fresh.is_some_and(|f| f.metadata.uid == uid && !f.metadata.is_deleting()) {
                    return Err(format!(
                        "original Deployment {ns}/{} is gone or being deleted",
                        d.metadata.name
                    ));
                }
                let mut r = rs.clone();
                r.metadata
                    .owner_references
                    .push(controller_ref(Kind::Deployment, &d.metadata));
                if let Some(o) = c.put_existing(r.into()) {
                    if let Some(r) = ReplicaSet::from_object(&o) {
                        claimed.push(r.clone());
                    }
                }
            }
        }
    }
    Ok(claimed)
}

/// `UpdateStatus` of a Deployment: its status and its annotations (the status strategy keeps
/// the stored spec and labels, and takes the rest of the metadata).
pub(crate) fn update_status(c: &mut Cluster, d: &Deployment) -> Result<(), String> {
    let Some(live) = c.get_as::<Deployment>(&d.metadata.namespace, &d.metadata.name) else {
        return Ok(());
    };
    if live.status == d.status && live.metadata.annotations == d.metadata.annotations {
        return Ok(());
    }
    let mut live = live.clone();
    live.status = d.status.clone();
    live.metadata.annotations = d.metadata.annotations.clone();
    match c.put_checked(live.into(), Verb::UpdateStatus) {
        Ok(_) => Ok(()),
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(e.message),
    }
}

/// What one sync decided: an error to retry on, when to look again (the progress deadline),
/// and what the rollout waits for (the UI's line).
#[derive(Default)]
pub(crate) struct Outcome {
    pub error: Option<String>,
    pub requeue: Option<Time>,
    pub waiting: Option<String>,
}

impl Outcome {
    pub(crate) fn error(e: String) -> Outcome {
        Outcome {
            error: Some(e),
            ..Default::default()
        }
    }
}

/// `syncDeployment`.
pub(crate) fn sync_deployment(c: &mut Cluster, key: &ObjKey) -> Action {
    let (ns, name) = key;
    let Some(live) = c.get_as::<Deployment>(ns, name) else {
        c.waiting.remove(&(Kind::Deployment, key.clone()));
        return Action::Done;
    };
    let mut d = live.clone();
    if d.spec.selector.as_ref().is_some_and(|s| s.is_empty()) {
        c.record_event(
            &Object::Deployment(Box::new(d.clone())),
            "Warning",
            "SelectingAll",
            "This deployment is selecting all pods. A non-empty selector is required.",
            COMPONENT,
            None,
        );
        if d.status.observed_generation < d.metadata.generation {
            d.status.observed_generation = d.metadata.generation;
            // Upstream ignores this write's error.
            let _ = update_status(c, &d);
        }
        return Action::Done;
    }
    let rss = match claim_replica_sets(c, &d) {
        Ok(rss) => rss,
        Err(e) => return Action::Retry { reason: e },
    };
    let outcome = if d.metadata.is_deleting() {
        sync::sync_status_only(c, &mut d, &rss)
    } else {
        run(c, &mut d, &rss)
    };
    match &outcome.waiting {
        Some(w) => c.waiting.insert((Kind::Deployment, key.clone()), w.clone()),
        None => c.waiting.remove(&(Kind::Deployment, key.clone())),
    };
    match outcome.error {
        Some(reason) => Action::Retry { reason },
        None => Action::requeue_at(
            outcome.requeue,
            "a progress check (progressDeadlineSeconds)",
        ),
    }
}

/// The rest of `syncDeployment` for a Deployment that is not being deleted.
fn run(c: &mut Cluster, d: &mut Deployment, rss: &[ReplicaSet]) -> Outcome {
    let pods = pod_map(c, d, rss);
    if let Err(e) = sync::check_paused_conditions(c, d) {
        return Outcome::error(e);
    }
    if d.spec.paused {
        let mut o = sync::sync(c, d, rss);
        o.waiting = Some("the Deployment is paused: a changed template starts no rollout".into());
        return o;
    }
    match sync::is_scaling_event(c, d, rss) {
        Err(e) => return Outcome::error(e),
        Ok(true) => return sync::sync(c, d, rss),
        Ok(false) => {}
    }
    if d.is_recreate() {
        recreate::rollout_recreate(c, d, rss, &pods)
    } else {
        rolling::rollout_rolling(c, d, rss)
    }
}
