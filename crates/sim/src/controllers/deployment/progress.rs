//! Upstream `deployment/progress.go`: the Progressing condition (NewReplicaSetAvailable,
//! ReplicaSetUpdated, ProgressDeadlineExceeded), ReplicaFailure from the ReplicaSets, and
//! when to look again for the progress deadline.

use super::sync::calculate_status;
use super::util;
use super::{update_status, Outcome};
use crate::api::*;
use crate::cluster::Cluster;
use crate::time::SECOND;

/// `syncRolloutStatus`.
pub(crate) fn sync_rollout_status(
    c: &mut Cluster,
    all: &[&ReplicaSet],
    new_rs: Option<&ReplicaSet>,
    d: &mut Deployment,
) -> Outcome {
    let now = c.now;
    let mut status = calculate_status(all, new_rs, d, now);
    if !util::has_progress_deadline(d) {
        util::remove_condition(&mut status, "Progressing");
    }
    let current = util::get_condition(&d.status, "Progressing").cloned();
    let complete_already = status.replicas == status.updated_replicas
        && current
            .as_ref()
            .is_some_and(|c| c.reason == util::NEW_RS_AVAILABLE);
    if util::has_progress_deadline(d) && !complete_already {
        let subject = match new_rs {
            Some(rs) => format!("ReplicaSet {:?}", rs.metadata.name),
            None => format!("Deployment {:?}", d.metadata.name),
        };
        if util::deployment_complete(d, &status) {
            let msg = format!("{subject} has successfully progressed.");
            let cond =
                util::new_condition("Progressing", "True", util::NEW_RS_AVAILABLE, &msg, now);
            util::set_condition(&mut status, cond);
        } else if util::deployment_progressing(d, &status) {
            let msg = format!("{subject} is progressing.");
            let mut cond =
                util::new_condition("Progressing", "True", util::REPLICA_SET_UPDATED, &msg, now);
            // A Progressing condition that stays True keeps its transition time, and is
            // rewritten even with the same reason (its update time is the progress mark).
            if let Some(cur) = &current {
                if cur.status == "True" {
                    cond.last_transition_time = cur.last_transition_time;
                }
                util::remove_condition(&mut status, "Progressing");
            }
            util::set_condition(&mut status, cond);
        } else if util::deployment_timed_out(d, &status, now) {
            let msg = format!("{subject} has timed out progressing.");
            let cond = util::new_condition("Progressing", "False", util::TIMED_OUT, &msg, now);
            util::set_condition(&mut status, cond);
        }
    }
    match replica_failures(all, new_rs) {
        Some(cond) => util::set_condition(&mut status, cond),
        None => util::remove_condition(&mut status, "ReplicaFailure"),
    }
    if d.status == status {
        return Outcome {
            requeue: requeue_stuck(d, &status, now),
            ..Default::default()
        };
    }
    d.status = status;
    match update_status(c, d) {
        Ok(()) => Outcome::default(),
        Err(e) => Outcome::error(e),
    }
}

/// `getReplicaFailures`: the new ReplicaSet's ReplicaFailure condition, else an old one's.
fn replica_failures(
    all: &[&ReplicaSet],
    new_rs: Option<&ReplicaSet>,
) -> Option<DeploymentCondition> {
    let failure = |rs: &ReplicaSet| {
        rs.status
            .conditions
            .iter()
            .find(|c| c.type_ == "ReplicaFailure")
            .map(util::from_rs_condition)
    };
    new_rs
        .and_then(failure)
        .or_else(|| all.iter().find_map(|rs| failure(rs)))
}

/// `requeueStuckDeployment`: a rollout that made no progress is looked at again when its
/// deadline passes (one second after, as upstream adds).
pub(crate) fn requeue_stuck(
    d: &Deployment,
    status: &DeploymentStatus,
    now: crate::time::Time,
) -> Option<crate::time::Time> {
    let cur = util::get_condition(&d.status, "Progressing")?;
    if !util::has_progress_deadline(d) {
        return None;
    }
    if util::deployment_complete(d, status) || cur.reason == util::TIMED_OUT {
        return None;
    }
    let deadline = d.spec.progress_deadline_seconds.unwrap_or(0).max(0) as u64 * SECOND;
    let at = cur.last_update_time?.plus_ms(deadline);
    if at < now.plus_ms(SECOND) {
        // Less than a second left: now (rate limited upstream).
        return Some(now.plus_ms(5));
    }
    Some(at.plus_ms(SECOND))
}
