//! Upstream `deployment/recreate.go`: every old pod goes before the new ReplicaSet is scaled
//! up (or created).

use super::progress::sync_rollout_status;
use super::sync::{cleanup_deployment, get_all_and_sync_revision, scale_and_record};
use super::util::{self, replicas};
use super::Outcome;
use crate::api::*;
use crate::cluster::Cluster;

/// `rolloutRecreate`.
pub(crate) fn rollout_recreate(
    c: &mut Cluster,
    d: &mut Deployment,
    rss: &[ReplicaSet],
    pods: &[(String, Vec<Pod>)],
) -> Outcome {
    // The new ReplicaSet is not created yet, so nothing scales up before the old pods are gone.
    let (mut new_rs, mut old) = match get_all_and_sync_revision(c, d, rss, false) {
        Ok(x) => x,
        Err(e) => return Outcome::error(e),
    };
    let mut active_old: Vec<ReplicaSet> = util::active(&old).into_iter().cloned().collect();
    let scaled_down = match scale_down_old_for_recreate(c, &mut active_old, d) {
        Ok(s) => s,
        Err(e) => return Outcome::error(e),
    };
    if scaled_down {
        let all: Vec<&ReplicaSet> = old.iter().chain(new_rs.as_ref()).collect();
        let mut o = sync_rollout_status(c, &all, new_rs.as_ref(), d);
        o.waiting = Some("rollout waits: the old pods to terminate (Recreate)".into());
        return o;
    }
    if let Some(n) = old_pods_running(new_rs.as_ref(), &old, pods) {
        let all: Vec<&ReplicaSet> = old.iter().chain(new_rs.as_ref()).collect();
        let mut o = sync_rollout_status(c, &all, new_rs.as_ref(), d);
        o.waiting = Some(format!(
            "rollout waits: {n} old pod{} to terminate (Recreate)",
            if n == 1 { "" } else { "s" }
        ));
        return o;
    }
    if new_rs.is_none() {
        match get_all_and_sync_revision(c, d, rss, true) {
            Ok((n, o)) => {
                new_rs = n;
                old = o;
            }
            Err(e) => return Outcome::error(e),
        }
    }
    if let Some(rs) = &new_rs {
        if let Err(e) = scale_and_record(c, rs, d.replicas(), d) {
            return Outcome::error(e);
        }
    }
    if util::deployment_complete(d, &d.status.clone()) {
        if let Err(e) = cleanup_deployment(c, &old, d) {
            return Outcome::error(e);
        }
    }
    let all: Vec<&ReplicaSet> = old.iter().chain(new_rs.as_ref()).collect();
    sync_rollout_status(c, &all, new_rs.as_ref(), d)
}

/// `scaleDownOldReplicaSetsForRecreate`: every old ReplicaSet to 0 (the list gets the updated
/// ones). Whether any was scaled.
pub(crate) fn scale_down_old_for_recreate(
    c: &mut Cluster,
    old: &mut [ReplicaSet],
    d: &Deployment,
) -> Result<bool, String> {
    let mut scaled = false;
    for rs in old.iter_mut() {
        if replicas(rs) == 0 {
            continue;
        }
        let (s, updated) = scale_and_record(c, rs, 0, d)?;
        if s {
            *rs = updated;
            scaled = true;
        }
    }
    Ok(scaled)
}

/// `oldPodsRunning`: how many old pods are not finished (or the old ReplicaSets' count of
/// pods, while they still report some); `None` when there are none.
pub(crate) fn old_pods_running(
    new_rs: Option<&ReplicaSet>,
    old: &[ReplicaSet],
    pods: &[(String, Vec<Pod>)],
) -> Option<i32> {
    let reported = util::actual_replicas(old);
    if reported > 0 {
        return Some(reported);
    }
    let running = pods
        .iter()
        .filter(|(uid, _)| new_rs.is_none_or(|n| n.metadata.uid != *uid))
        .flat_map(|(_, ps)| ps)
        .filter(|p| !matches!(p.phase(), "Failed" | "Succeeded"))
        .count() as i32;
    (running > 0).then_some(running)
}
