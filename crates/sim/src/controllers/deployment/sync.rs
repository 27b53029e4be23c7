//! Upstream `deployment/sync.go`: finding or creating the new ReplicaSet (its name is the
//! Deployment's plus the template's hash, its revision one more than the old ones'), scaling
//! (proportionally while a rollout is under way), pruning the history, and the status.

use super::util::{self, replicas};
use super::{hash, update_status, Outcome, COMPONENT};
use crate::api::*;
use crate::cluster::{Cluster, DeleteOptions};

fn event(c: &mut Cluster, d: &Deployment, type_: &str, reason: &str, msg: &str) {
    c.record_event(
        &Object::Deployment(Box::new(d.clone())),
        type_,
        reason,
        msg,
        COMPONENT,
        None,
    );
}

/// `syncStatusOnly`: a Deployment being deleted only gets its status.
pub(crate) fn sync_status_only(c: &mut Cluster, d: &mut Deployment, rss: &[ReplicaSet]) -> Outcome {
    match get_all_and_sync_revision(c, d, rss, false) {
        Err(e) => Outcome::error(e),
        Ok((new_rs, old)) => {
            let all: Vec<&ReplicaSet> = old.iter().chain(new_rs.as_ref()).collect();
            match sync_deployment_status(c, &all, new_rs.as_ref(), d) {
                Ok(()) => Outcome::default(),
                Err(e) => Outcome::error(e),
            }
        }
    }
}

/// `sync`: a scaling event or a paused Deployment: scale, prune (when paused), status.
pub(crate) fn sync(c: &mut Cluster, d: &mut Deployment, rss: &[ReplicaSet]) -> Outcome {
    let (new_rs, old) = match get_all_and_sync_revision(c, d, rss, false) {
        Ok(x) => x,
        Err(e) => return Outcome::error(e),
    };
    if let Err(e) = scale(c, d, new_rs.as_ref(), &old) {
        return Outcome::error(e);
    }
    if d.spec.paused {
        if let Err(e) = cleanup_deployment(c, &old, d) {
            return Outcome::error(e);
        }
    }
    let all: Vec<&ReplicaSet> = old.iter().chain(new_rs.as_ref()).collect();
    match sync_deployment_status(c, &all, new_rs.as_ref(), d) {
        Ok(()) => Outcome::default(),
        Err(e) => Outcome::error(e),
    }
}

/// `checkPausedConditions`: a paused (or resumed) Deployment's Progressing condition turns
/// Unknown, so the deadline does not count the pause.
pub(crate) fn check_paused_conditions(c: &mut Cluster, d: &mut Deployment) -> Result<(), String> {
    if !util::has_progress_deadline(d) {
        return Ok(());
    }
    let cond = util::get_condition(&d.status, "Progressing");
    if cond.is_some_and(|c| c.reason == util::TIMED_OUT) {
        return Ok(());
    }
    let paused_exists = cond.is_some_and(|c| c.reason == util::PAUSED);
    let now = c.now;
    let cond = if d.spec.paused && !paused_exists {
        util::new_condition(
            "Progressing",
            "Unknown",
            util::PAUSED,
            "Deployment is paused",
            now,
        )
    } else if !d.spec.paused && paused_exists {
        util::new_condition(
            "Progressing",
            "Unknown",
            util::RESUMED,
            "Deployment is resumed",
            now,
        )
    } else {
        return Ok(());
    };
    util::set_condition(&mut d.status, cond);
    update_status(c, d)
}

/// `getAllReplicaSetsAndSyncRevision`: the new ReplicaSet (created if asked and missing) and
/// every old one.
pub(crate) fn get_all_and_sync_revision(
    c: &mut Cluster,
    d: &mut Deployment,
    rss: &[ReplicaSet],
    create: bool,
) -> Result<(Option<ReplicaSet>, Vec<ReplicaSet>), String> {
    let old = util::find_old(d, rss);
    let new_rs = get_new_replica_set(c, d, rss, &old, create)?;
    Ok((new_rs, old))
}

/// `getNewReplicaSet`.
fn get_new_replica_set(
    c: &mut Cluster,
    d: &mut Deployment,
    rss: &[ReplicaSet],
    old: &[ReplicaSet],
    create: bool,
) -> Result<Option<ReplicaSet>, String> {
    let now = c.now;
    let new_revision = (util::max_revision(old) + 1).to_string();
    if let Some(existing) = util::find_new(d, rss) {
        let mut rs = existing.clone();
        let annotations = util::set_new_rs_annotations(d, &mut rs, &new_revision, true);
        let min_ready = rs.spec.min_ready_seconds != d.spec.min_ready_seconds;
        if annotations || min_ready {
            rs.spec.min_ready_seconds = d.spec.min_ready_seconds;
            return update_rs(c, rs).map(Some);
        }
        let revision = rs
            .metadata
            .annotations
            .get(util::REVISION)
            .cloned()
            .unwrap_or_default();
        let mut needs_update = util::set_deployment_revision(d, &revision);
        if util::has_progress_deadline(d) && util::get_condition(&d.status, "Progressing").is_none()
        {
            let msg = format!("Found new replica set {:?}", rs.metadata.name);
            let cond = util::new_condition("Progressing", "True", util::FOUND_NEW_RS, &msg, now);
            util::set_condition(&mut d.status, cond);
            needs_update = true;
        }
        if needs_update {
            update_status(c, d)?;
        }
        return Ok(Some(rs));
    }
    if !create {
        return Ok(None);
    }

    // A new ReplicaSet: named after the template's hash, which also goes on its selector,
    // its template and so its pods.
    let template_value = crate::api::encode::Encode::encode(&d.spec.template);
    let hash = hash::compute_hash(&template_value, d.status.collision_count);
    let mut template = d.spec.template.clone();
    template
        .metadata
        .labels
        .insert(util::POD_TEMPLATE_HASH.into(), hash.clone());
    let mut selector = d.spec.selector.clone().unwrap_or_default();
    selector
        .match_labels
        .insert(util::POD_TEMPLATE_HASH.into(), hash.clone());
    let mut new_rs = ReplicaSet {
        metadata: ObjectMeta {
            name: format!("{}-{hash}", d.metadata.name),
            namespace: d.metadata.namespace.clone(),
            owner_references: vec![controller_ref(Kind::Deployment, &d.metadata)].into(),
            labels: template.metadata.labels.clone(),
            ..Default::default()
        },
        spec: ReplicaSetSpec {
            replicas: Some(0),
            min_ready_seconds: d.spec.min_ready_seconds,
            selector: Some(selector),
            template,
        },
        status: Default::default(),
    };
    let count = {
        let all: Vec<&ReplicaSet> = old.iter().chain([&new_rs]).collect();
        util::new_rs_new_replicas(d, &all, &new_rs)
    };
    new_rs.spec.replicas = Some(count);
    util::set_new_rs_annotations(d, &mut new_rs, &new_revision, false);
    let name = new_rs.metadata.name.clone();
    let mut already_exists = false;
    let created = match c.create_inner(new_rs.into()) {
        Ok(o) => ReplicaSet::from_object(&o).cloned().unwrap_or_default(),
        Err(e) if e.is_already_exists() => {
            already_exists = true;
            let Some(rs) = c
                .get_as::<ReplicaSet>(&d.metadata.namespace, &name)
                .cloned()
            else {
                return Err(e.message);
            };
            let ours = rs
                .metadata
                .controller_ref()
                .is_some_and(|r| r.uid == d.metadata.uid);
            if ours && util::equal_ignore_hash(&d.spec.template, &rs.spec.template) {
                rs
            } else {
                // A hash collision: count it, so the next sync hashes differently.
                *d.status.collision_count.get_or_insert(0) += 1;
                let _ = update_status(c, d);
                return Err(e.message);
            }
        }
        Err(e) => {
            let msg = format!("Failed to create new replica set {name:?}: {}", e.message);
            if util::has_progress_deadline(d) {
                let cond =
                    util::new_condition("Progressing", "False", util::FAILED_RS_CREATE, &msg, now);
                util::set_condition(&mut d.status, cond);
                // Upstream ignores this write's error: the create's is returned.
                let _ = update_status(c, d);
            }
            event(c, d, "Warning", util::FAILED_RS_CREATE, &msg);
            return Err(e.message);
        }
    };
    if !already_exists && count > 0 {
        let msg = format!(
            "Scaled up replica set {} from 0 to {count}",
            created.metadata.name
        );
        event(c, d, "Normal", "ScalingReplicaSet", &msg);
    }
    let mut needs_update = util::set_deployment_revision(d, &new_revision);
    if !already_exists && util::has_progress_deadline(d) {
        let msg = format!("Created new replica set {:?}", created.metadata.name);
        let cond = util::new_condition("Progressing", "True", util::NEW_REPLICA_SET, &msg, now);
        util::set_condition(&mut d.status, cond);
        needs_update = true;
    }
    if needs_update {
        update_status(c, d)?;
    }
    Ok(Some(created))
}

/// An `Update` of a ReplicaSet (spec and metadata) by the controller.
fn update_rs(c: &mut Cluster, mut rs: ReplicaSet) -> Result<ReplicaSet, String> {
    // The controller is the only writer of these fields; its copy may predate its own last
    // write in this sync.
    rs.metadata.resource_version.clear();
    c.update_inner(rs.into(), false)
        .map(|o| ReplicaSet::from_object(&o).cloned().unwrap_or_default())
        .map_err(|e| e.message)
}

/// `scale`: one active ReplicaSet takes every replica; a saturated new one leaves the old ones
/// none; otherwise, during a rolling update, replicas are added or removed in proportion.
pub(crate) fn scale(
    c: &mut Cluster,
    d: &Deployment,
    new_rs: Option<&ReplicaSet>,
    old: &[ReplicaSet],
) -> Result<(), String> {
    if let Some(rs) = util::find_active_or_latest(new_rs, old) {
        if replicas(rs) == d.replicas() {
            return Ok(());
        }
        let rs = rs.clone();
        scale_and_record(c, &rs, d.replicas(), d)?;
        return Ok(());
    }
    if util::is_saturated(d, new_rs) {
        for rs in util::active(old) {
            let rs = rs.clone();
            scale_and_record(c, &rs, 0, d)?;
        }
        return Ok(());
    }
    if !util::is_rolling_update(d) {
        return Ok(());
    }
    let mut all: Vec<ReplicaSet> = util::active(old.iter().chain(new_rs))
        .into_iter()
        .cloned()
        .collect();
    let total = util::spec_replicas(&all);
    let allowed = if d.replicas() > 0 {
        d.replicas() + util::max_surge(d)
    } else {
        0
    };
    let to_add = allowed - total;
    let op = match to_add.cmp(&0) {
        std::cmp::Ordering::Greater => {
            crate::sort::sort_by(&mut all, util::by_size_newer);
            "up"
        }
        std::cmp::Ordering::Less => {
            crate::sort::sort_by(&mut all, util::by_size_older);
            "down"
        }
        std::cmp::Ordering::Equal => "",
    };
    let mut added = 0;
    let mut sizes: Vec<i32> = Vec::with_capacity(all.len());
    for rs in &all {
        if to_add != 0 {
            let p = util::rs_proportion(rs, d, to_add, added);
            sizes.push(replicas(rs) + p);
            added += p;
        } else {
            sizes.push(replicas(rs));
        }
    }
    for (i, rs) in all.iter().enumerate() {
        if i == 0 && to_add != 0 {
            sizes[0] = (sizes[0] + to_add - added).max(0);
        }
        scale_rs(c, rs, sizes[i], d, op)?;
    }
    Ok(())
}

/// `scaleReplicaSetAndRecordEvent`.
pub(crate) fn scale_and_record(
    c: &mut Cluster,
    rs: &ReplicaSet,
    new_scale: i32,
    d: &Deployment,
) -> Result<(bool, ReplicaSet), String> {
    if replicas(rs) == new_scale {
        return Ok((false, rs.clone()));
    }
    let op = if replicas(rs) < new_scale {
        "up"
    } else {
        "down"
    };
    scale_rs(c, rs, new_scale, d, op)
}

/// `scaleReplicaSet`: the new size and the replicas annotations, and the `ScalingReplicaSet`
/// event.
pub(crate) fn scale_rs(
    c: &mut Cluster,
    rs: &ReplicaSet,
    new_scale: i32,
    d: &Deployment,
    op: &str,
) -> Result<(bool, ReplicaSet), String> {
    let max = d.replicas() + util::max_surge(d);
    let size_changes = replicas(rs) != new_scale;
    if !size_changes && !util::replicas_annotations_need_update(rs, d.replicas(), max) {
        return Ok((false, rs.clone()));
    }
    let old_scale = replicas(rs);
    let mut copy = rs.clone();
    copy.spec.replicas = Some(new_scale);
    util::set_replicas_annotations(&mut copy, d.replicas(), max);
    let updated = update_rs(c, copy)?;
    if size_changes {
        let msg = format!(
            "Scaled {op} replica set {} from {old_scale} to {new_scale}",
            updated.metadata.name
        );
        event(c, d, "Normal", "ScalingReplicaSet", &msg);
    }
    Ok((size_changes, updated))
}

/// `cleanupDeployment`: deletes the oldest ReplicaSets beyond `revisionHistoryLimit` that have
/// no pods and whose controller has seen their last change.
pub(crate) fn cleanup_deployment(
    c: &mut Cluster,
    old: &[ReplicaSet],
    d: &Deployment,
) -> Result<(), String> {
    if !util::has_revision_history_limit(d) {
        return Ok(());
    }
    let mut cleanable: Vec<&ReplicaSet> =
        old.iter().filter(|rs| !rs.metadata.is_deleting()).collect();
    let limit = d.spec.revision_history_limit.unwrap_or(10).max(0) as usize;
    if cleanable.len() <= limit {
        return Ok(());
    }
    let diff = cleanable.len() - limit;
    crate::sort::sort_by(&mut cleanable, |a, b| util::by_revision(a, b));
    for rs in cleanable.into_iter().take(diff) {
        if rs.status.replicas != 0
            || replicas(rs) != 0
            || rs.metadata.generation > rs.status.observed_generation
            || rs.metadata.is_deleting()
        {
            continue;
        }
        match c.delete_inner(
            Kind::ReplicaSet,
            &rs.metadata.namespace,
            &rs.metadata.name,
            &DeleteOptions::default(),
        ) {
            Ok(_) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(e.message),
        }
    }
    Ok(())
}

/// `syncDeploymentStatus`.
pub(crate) fn sync_deployment_status(
    c: &mut Cluster,
    all: &[&ReplicaSet],
    new_rs: Option<&ReplicaSet>,
    d: &mut Deployment,
) -> Result<(), String> {
    let status = calculate_status(all, new_rs, d, c.now);
    if d.status == status {
        return Ok(());
    }
    d.status = status;
    update_status(c, d)
}

/// `calculateStatus`.
pub(crate) fn calculate_status(
    all: &[&ReplicaSet],
    new_rs: Option<&ReplicaSet>,
    d: &Deployment,
    now: crate::time::Time,
) -> DeploymentStatus {
    let available = util::available_replicas(all.iter().copied());
    let total = util::spec_replicas(all.iter().copied());
    let mut status = DeploymentStatus {
        observed_generation: d.metadata.generation,
        replicas: util::actual_replicas(all.iter().copied()),
        updated_replicas: util::actual_replicas(new_rs),
        ready_replicas: util::ready_replicas(all.iter().copied()),
        available_replicas: available,
        unavailable_replicas: (total - available).max(0),
        terminating_replicas: None,
        conditions: d.status.conditions.clone(),
        collision_count: d.status.collision_count,
    };
    let cond = if available >= d.replicas() - util::max_unavailable(d) {
        util::new_condition(
            "Available",
            "True",
            util::MINIMUM_REPLICAS_AVAILABLE,
            "Deployment has minimum availability.",
            now,
        )
    } else {
        util::new_condition(
            "Available",
            "False",
            util::MINIMUM_REPLICAS_UNAVAILABLE,
            "Deployment does not have minimum availability.",
            now,
        )
    };
    util::set_condition(&mut status, cond);
    status
}

/// `isScalingEvent`: an active ReplicaSet was made for another `spec.replicas` than the
/// Deployment's now (its `desired-replicas` annotation).
pub(crate) fn is_scaling_event(
    c: &mut Cluster,
    d: &mut Deployment,
    rss: &[ReplicaSet],
) -> Result<bool, String> {
    let (new_rs, old) = get_all_and_sync_revision(c, d, rss, false)?;
    let all = util::active(old.iter().chain(new_rs.as_ref()));
    Ok(all.into_iter().any(|rs| {
        util::desired_replicas_annotation(rs).is_some_and(|desired| desired != d.replicas())
    }))
}
