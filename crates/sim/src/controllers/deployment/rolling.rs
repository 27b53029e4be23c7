//! Upstream `deployment/rolling.go`: a rolling update scales the new ReplicaSet up within
//! maxSurge and the old ones down within maxUnavailable, unhealthy old replicas first.

use super::progress::sync_rollout_status;
use super::sync::{cleanup_deployment, get_all_and_sync_revision, scale_and_record};
use super::util::{self, replicas};
use super::Outcome;
use crate::api::*;
use crate::cluster::Cluster;

/// `rolloutRolling`.
pub(crate) fn rollout_rolling(c: &mut Cluster, d: &mut Deployment, rss: &[ReplicaSet]) -> Outcome {
    let (new_rs, old) = match get_all_and_sync_revision(c, d, rss, true) {
        Ok((Some(n), old)) => (n, old),
        Ok((None, _)) => return Outcome::error("no new replica set".into()),
        Err(e) => return Outcome::error(e),
    };
    let all: Vec<&ReplicaSet> = old.iter().chain([&new_rs]).collect();

    // Scale up, if we can.
    match reconcile_new(c, &all, &new_rs, d) {
        Err(e) => return Outcome::error(e),
        Ok(true) => return sync_rollout_status(c, &all, Some(&new_rs), d),
        Ok(false) => {}
    }
    // Scale down, if we can.
    let active_old: Vec<ReplicaSet> = util::active(&old).into_iter().cloned().collect();
    match reconcile_old(c, &all, active_old, &new_rs, d) {
        Err(e) => return Outcome::error(e),
        Ok(true) => return sync_rollout_status(c, &all, Some(&new_rs), d),
        Ok(false) => {}
    }
    if util::deployment_complete(d, &d.status.clone()) {
        if let Err(e) = cleanup_deployment(c, &old, d) {
            return Outcome::error(e);
        }
    }
    let mut outcome = sync_rollout_status(c, &all, Some(&new_rs), d);
    outcome.waiting = waiting_line(d, &all, &new_rs);
    outcome
}

/// What a rolling update that did nothing this sync waits for.
fn waiting_line(d: &Deployment, all: &[&ReplicaSet], new_rs: &ReplicaSet) -> Option<String> {
    if util::deployment_complete(d, &d.status) {
        return None;
    }
    let want = d.replicas();
    let available = util::available_replicas(all.iter().copied());
    let total = util::spec_replicas(all.iter().copied());
    let (surge, unavailable) = (util::max_surge(d), util::max_unavailable(d));
    let old_left = total - replicas(new_rs);
    if old_left == 0 {
        let missing = want - new_rs.status.available_replicas;
        return (missing > 0)
            .then(|| format!("rollout waits: {missing} of {want} new pods to become available"));
    }
    let down = (want - available).max(0);
    if total >= want + surge && available <= want - unavailable {
        Some(format!(
            "rollout waits: maxUnavailable reached ({down} of {want} pods unavailable)"
        ))
    } else {
        Some(format!(
            "rollout waits: {} new pods to become available ({old_left} old pods left)",
            replicas(new_rs) - new_rs.status.available_replicas
        ))
    }
}

/// `reconcileNewReplicaSet`.
pub(crate) fn reconcile_new(
    c: &mut Cluster,
    all: &[&ReplicaSet],
    new_rs: &ReplicaSet,
    d: &Deployment,
) -> Result<bool, String> {
    if replicas(new_rs) == d.replicas() {
        return Ok(false);
    }
    if replicas(new_rs) > d.replicas() {
        return scale_and_record(c, new_rs, d.replicas(), d).map(|(s, _)| s);
    }
    let count = util::new_rs_new_replicas(d, all, new_rs);
    scale_and_record(c, new_rs, count, d).map(|(s, _)| s)
}

/// `reconcileOldReplicaSets`: scales old ReplicaSets down as far as the unavailable budget
/// allows, taking their unhealthy replicas first.
pub(crate) fn reconcile_old(
    c: &mut Cluster,
    all: &[&ReplicaSet],
    old: Vec<ReplicaSet>,
    new_rs: &ReplicaSet,
    d: &Deployment,
) -> Result<bool, String> {
    let old_pods = util::spec_replicas(&old);
    if old_pods == 0 {
        return Ok(false);
    }
    let all_pods = util::spec_replicas(all.iter().copied());
    let min_available = d.replicas() - util::max_unavailable(d);
    let new_unavailable = replicas(new_rs) - new_rs.status.available_replicas;
    let max_scaled_down = all_pods - min_available - new_unavailable;
    if max_scaled_down <= 0 {
        return Ok(false);
    }
    // Upstream ignores errors here and reports no scaling.
    let Ok((old, cleaned)) = cleanup_unhealthy_replicas(c, old, d, max_scaled_down) else {
        return Ok(false);
    };
    let all: Vec<&ReplicaSet> = old.iter().chain([new_rs]).collect();
    let Ok(scaled) = scale_down_old_for_rolling_update(c, &all, &old, d) else {
        return Ok(false);
    };
    Ok(cleaned + scaled > 0)
}

/// `cleanupUnhealthyReplicas`: old ReplicaSets (oldest first) lose their unavailable replicas,
/// at most `max_cleanup` in all.
pub(crate) fn cleanup_unhealthy_replicas(
    c: &mut Cluster,
    mut old: Vec<ReplicaSet>,
    d: &Deployment,
    max_cleanup: i32,
) -> Result<(Vec<ReplicaSet>, i32), String> {
    crate::sort::sort_by(&mut old, util::by_creation);
    let mut total = 0;
    for rs in old.iter_mut() {
        if total >= max_cleanup {
            break;
        }
        if replicas(rs) == 0 || replicas(rs) == rs.status.available_replicas {
            continue;
        }
        let down = (max_cleanup - total).min(replicas(rs) - rs.status.available_replicas);
        let new_count = replicas(rs) - down;
        let (_, updated) = scale_and_record(c, rs, new_count, d)?;
        total += down;
        *rs = updated;
    }
    Ok((old, total))
}

/// `scaleDownOldReplicaSetsForRollingUpdate`: as many old replicas as keep `available -
/// minAvailable` pods available, oldest ReplicaSet first.
pub(crate) fn scale_down_old_for_rolling_update(
    c: &mut Cluster,
    all: &[&ReplicaSet],
    old: &[ReplicaSet],
    d: &Deployment,
) -> Result<i32, String> {
    let min_available = d.replicas() - util::max_unavailable(d);
    let available = util::available_replicas(all.iter().copied());
    if available <= min_available {
        return Ok(0);
    }
    let mut old: Vec<&ReplicaSet> = old.iter().collect();
    crate::sort::sort_by(&mut old, |a, b| util::by_creation(a, b));
    let target = available - min_available;
    let mut total = 0;
    for rs in old {
        if total >= target {
            break;
        }
        if replicas(rs) == 0 {
            continue;
        }
        let down = replicas(rs).min(target - total);
        scale_and_record(c, rs, replicas(rs) - down, d)?;
        total += down;
    }
    Ok(total)
}
