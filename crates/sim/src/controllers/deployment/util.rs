//! Pure helpers of the Deployment controller (upstream `deployment/util/deployment_util.go`
//! and the ReplicaSet sorts of `controller_utils.go`): revisions and annotations, the
//! rolling-update fenceposts, proportions, conditions, and the completeness checks.

use crate::api::*;
use crate::time::Time;
use serde_json::Value;
use std::cmp::Ordering;

pub const REVISION: &str = "deployment.kubernetes.io/revision";
pub const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
pub const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
pub const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";
pub const ROLLBACK_TO: &str = "deprecated.deployment.rollback.to";
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";
pub const POD_TEMPLATE_HASH: &str = "pod-template-hash";

// Reasons of the Progressing and Available conditions.
pub const REPLICA_SET_UPDATED: &str = "ReplicaSetUpdated";
pub const FAILED_RS_CREATE: &str = "ReplicaSetCreateError";
pub const NEW_REPLICA_SET: &str = "NewReplicaSetCreated";
pub const FOUND_NEW_RS: &str = "FoundNewReplicaSet";
pub const NEW_RS_AVAILABLE: &str = "NewReplicaSetAvailable";
pub const TIMED_OUT: &str = "ProgressDeadlineExceeded";
pub const PAUSED: &str = "DeploymentPaused";
pub const RESUMED: &str = "DeploymentResumed";
pub const MINIMUM_REPLICAS_AVAILABLE: &str = "MinimumReplicasAvailable";
pub const MINIMUM_REPLICAS_UNAVAILABLE: &str = "MinimumReplicasUnavailable";

/// `maxRevHistoryLengthInChars`.
pub const MAX_REV_HISTORY_LENGTH_IN_CHARS: usize = 2000;

/// A time as the API stores it: whole seconds (conditions come back from the API server so).
pub fn api_time(t: Time) -> Time {
    Time(t.0 / 1000 * 1000)
}

pub fn replicas(rs: &ReplicaSet) -> i32 {
    rs.spec.replicas.unwrap_or(0)
}

/// `NewDeploymentCondition`.
pub fn new_condition(
    type_: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: Time,
) -> DeploymentCondition {
    DeploymentCondition {
        type_: type_.into(),
        status: status.into(),
        last_update_time: Some(api_time(now)),
        last_transition_time: Some(api_time(now)),
        reason: reason.into(),
        message: message.into(),
    }
}

pub fn get_condition<'a>(s: &'a DeploymentStatus, type_: &str) -> Option<&'a DeploymentCondition> {
    s.conditions.iter().find(|c| c.type_ == type_)
}

/// `SetDeploymentCondition`: no change for the same status and reason; the transition time is
/// kept while the status stays; the condition goes to the end.
pub fn set_condition(s: &mut DeploymentStatus, mut cond: DeploymentCondition) {
    if let Some(cur) = get_condition(s, &cond.type_) {
        if cur.status == cond.status && cur.reason == cond.reason {
            return;
        }
        if cur.status == cond.status {
            cond.last_transition_time = cur.last_transition_time;
        }
    }
    remove_condition(s, &cond.type_);
    s.conditions.push(cond);
}

pub fn remove_condition(s: &mut DeploymentStatus, type_: &str) {
    s.conditions.retain(|c| c.type_ != type_);
}

/// `ReplicaSetToDeploymentCondition`.
pub fn from_rs_condition(c: &ReplicaSetCondition) -> DeploymentCondition {
    DeploymentCondition {
        type_: c.type_.clone(),
        status: c.status.clone(),
        last_update_time: c.last_transition_time,
        last_transition_time: c.last_transition_time,
        reason: c.reason.clone(),
        message: c.message.clone(),
    }
}

/// `Revision`: the revision annotation (0 if absent; `None` if it is not a number).
pub fn revision(m: &ObjectMeta) -> Option<i64> {
    match m.annotations.get(REVISION) {
        None => Some(0),
        Some(v) => v.parse().ok(),
    }
}

/// `MaxRevision`.
pub fn max_revision(rss: &[ReplicaSet]) -> i64 {
    rss.iter()
        .filter_map(|rs| revision(&rs.metadata))
        .max()
        .unwrap_or(0)
        .max(0)
}

/// `SetDeploymentRevision`.
pub fn set_deployment_revision(d: &mut Deployment, rev: &str) -> bool {
    if d.metadata.annotations.get(REVISION).map(String::as_str) == Some(rev) {
        return false;
    }
    d.metadata.annotations.insert(REVISION.into(), rev.into());
    true
}

/// `annotationsToSkip`.
fn skip_copy_annotation(k: &str) -> bool {
    matches!(
        k,
        LAST_APPLIED | REVISION | REVISION_HISTORY | DESIRED_REPLICAS | MAX_REPLICAS | ROLLBACK_TO
    )
}

/// `copyDeploymentAnnotationsToReplicaSet`.
fn copy_annotations(d: &Deployment, rs: &mut ReplicaSet) -> bool {
    let mut changed = false;
    for (k, v) in &d.metadata.annotations {
        if skip_copy_annotation(k) || rs.metadata.annotations.get(k) == Some(v) {
            continue;
        }
        rs.metadata.annotations.insert(k.clone(), v.clone());
        changed = true;
    }
    changed
}

/// `SetReplicasAnnotations`.
pub fn set_replicas_annotations(rs: &mut ReplicaSet, desired: i32, max: i32) -> bool {
    let mut updated = false;
    for (k, v) in [(DESIRED_REPLICAS, desired), (MAX_REPLICAS, max)] {
        let v = v.to_string();
        if rs.metadata.annotations.get(k) != Some(&v) {
            rs.metadata.annotations.insert(k.into(), v);
            updated = true;
        }
    }
    updated
}

/// `ReplicasAnnotationsNeedUpdate`.
pub fn replicas_annotations_need_update(rs: &ReplicaSet, desired: i32, max: i32) -> bool {
    rs.metadata.annotations.get(DESIRED_REPLICAS) != Some(&desired.to_string())
        || rs.metadata.annotations.get(MAX_REPLICAS) != Some(&max.to_string())
}

/// `SetNewReplicaSetAnnotations`: copies the Deployment's annotations, raises the revision
/// (keeping the old ones in `revision-history` when a ReplicaSet comes back), and for a
/// ReplicaSet about to be created, the replicas annotations.
pub fn set_new_rs_annotations(
    d: &Deployment,
    rs: &mut ReplicaSet,
    new_revision: &str,
    exists: bool,
) -> bool {
    let mut changed = copy_annotations(d, rs);
    let old = rs.metadata.annotations.get(REVISION).cloned();
    let old_int = match old.as_deref() {
        None | Some("") => 0,
        Some(v) => match v.parse::<i64>() {
            Ok(n) => n,
            Err(_) => return false,
        },
    };
    let Ok(new_int) = new_revision.parse::<i64>() else {
        return false;
    };
    if old_int < new_int {
        rs.metadata
            .annotations
            .insert(REVISION.into(), new_revision.into());
        changed = true;
    }
    if let Some(old) = old.filter(|_| old_int < new_int) {
        let history = rs
            .metadata
            .annotations
            .get(REVISION_HISTORY)
            .cloned()
            .unwrap_or_default();
        if history.is_empty() {
            rs.metadata.annotations.insert(REVISION_HISTORY.into(), old);
        } else {
            let mut olds: Vec<&str> = history.split(',').collect();
            let mut total = history.len() + old.len() + 1;
            let mut start = 0;
            while total > MAX_REV_HISTORY_LENGTH_IN_CHARS && start < olds.len() {
                total -= olds[start].len() + 1;
                start += 1;
            }
            if total <= MAX_REV_HISTORY_LENGTH_IN_CHARS {
                olds = olds.split_off(start);
                olds.push(&old);
                let joined = olds.join(",");
                rs.metadata
                    .annotations
                    .insert(REVISION_HISTORY.into(), joined);
            }
        }
    }
    if !exists && set_replicas_annotations(rs, d.replicas(), d.replicas() + max_surge(d)) {
        changed = true;
    }
    changed
}

/// `getIntOrPercentValue` scaled: `GetScaledValueFromIntOrPercent`.
pub fn scaled_value(v: Option<&Value>, total: i32, round_up: bool) -> i32 {
    match v {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0) as i32,
        Some(Value::String(s)) => match s.strip_suffix('%').map(str::parse::<i64>) {
            Some(Ok(p)) => {
                let x = p * total as i64;
                (if round_up {
                    (x + 99).div_euclid(100)
                } else {
                    x.div_euclid(100)
                }) as i32
            }
            // Not a percentage: `GetScaledValueFromIntOrPercent` fails, read as 0.
            _ => 0,
        },
        _ => 0,
    }
}

pub fn is_rolling_update(d: &Deployment) -> bool {
    d.spec.strategy.type_.as_deref() == Some("RollingUpdate")
}

/// `ResolveFenceposts`: (surge rounded up, unavailable rounded down; 1 if both are 0).
pub fn resolve_fenceposts(d: &Deployment) -> (i32, i32) {
    let ru = d.spec.strategy.rolling_update.as_ref();
    let desired = d.replicas();
    let surge = scaled_value(ru.and_then(|r| r.max_surge.as_ref()), desired, true);
    let mut unavailable = scaled_value(ru.and_then(|r| r.max_unavailable.as_ref()), desired, false);
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    (surge, unavailable)
}

/// `MaxUnavailable`.
pub fn max_unavailable(d: &Deployment) -> i32 {
    if !is_rolling_update(d) || d.replicas() == 0 {
        return 0;
    }
    resolve_fenceposts(d).1.min(d.replicas())
}

/// `MaxSurge`.
pub fn max_surge(d: &Deployment) -> i32 {
    if !is_rolling_update(d) {
        return 0;
    }
    resolve_fenceposts(d).0
}

/// `NewRSNewReplicas`: how far the new ReplicaSet may grow now.
pub fn new_rs_new_replicas(d: &Deployment, all: &[&ReplicaSet], new_rs: &ReplicaSet) -> i32 {
    if d.is_recreate() {
        return d.replicas();
    }
    let surge = scaled_value(
        d.spec
            .strategy
            .rolling_update
            .as_ref()
            .and_then(|r| r.max_surge.as_ref()),
        d.replicas(),
        true,
    );
    let current: i32 = all.iter().map(|rs| replicas(rs)).sum();
    let max_total = d.replicas() + surge;
    if current >= max_total {
        return replicas(new_rs);
    }
    let up = (max_total - current).min(d.replicas() - replicas(new_rs));
    replicas(new_rs) + up
}

/// `EqualIgnoreHash`: the templates are equal but for the `pod-template-hash` label.
pub fn equal_ignore_hash(a: &PodTemplateSpec, b: &PodTemplateSpec) -> bool {
    let strip = |t: &PodTemplateSpec| {
        let mut t = t.clone();
        t.metadata.labels.remove(POD_TEMPLATE_HASH);
        t
    };
    strip(a) == strip(b)
}

/// `ReplicaSetsByCreationTimestamp` (times as the API has them, then names).
pub fn by_creation(a: &ReplicaSet, b: &ReplicaSet) -> Ordering {
    let t = |rs: &ReplicaSet| rs.metadata.creation_timestamp.map(|t| t.0 / 1000);
    t(a).cmp(&t(b))
        .then_with(|| a.metadata.name.cmp(&b.metadata.name))
}

/// `ReplicaSetsBySizeOlder`: larger first, then older.
pub fn by_size_older(a: &ReplicaSet, b: &ReplicaSet) -> Ordering {
    replicas(b)
        .cmp(&replicas(a))
        .then_with(|| by_creation(a, b))
}

/// `ReplicaSetsBySizeNewer`: larger first, then newer.
pub fn by_size_newer(a: &ReplicaSet, b: &ReplicaSet) -> Ordering {
    replicas(b)
        .cmp(&replicas(a))
        .then_with(|| by_creation(b, a))
}

/// `ReplicaSetsByRevision`: by revision, then by creation.
pub fn by_revision(a: &ReplicaSet, b: &ReplicaSet) -> Ordering {
    match (revision(&a.metadata), revision(&b.metadata)) {
        (Some(x), Some(y)) if x != y => x.cmp(&y),
        _ => by_creation(a, b),
    }
}

/// `FindNewReplicaSet`: the oldest ReplicaSet whose template is the Deployment's.
pub fn find_new<'a>(d: &Deployment, rss: &'a [ReplicaSet]) -> Option<&'a ReplicaSet> {
    let mut sorted: Vec<&ReplicaSet> = rss.iter().collect();
    crate::sort::sort_by(&mut sorted, |a, b| by_creation(a, b));
    sorted
        .into_iter()
        .find(|rs| equal_ignore_hash(&rs.spec.template, &d.spec.template))
}

/// `FindOldReplicaSets`' second list: every ReplicaSet but the new one.
pub fn find_old(d: &Deployment, rss: &[ReplicaSet]) -> Vec<ReplicaSet> {
    let new_uid = find_new(d, rss).map(|rs| rs.metadata.uid.clone());
    rss.iter()
        .filter(|rs| Some(&rs.metadata.uid) != new_uid.as_ref())
        .cloned()
        .collect()
}

/// `FilterActiveReplicaSets`: those with replicas.
pub fn active<'a>(rss: impl IntoIterator<Item = &'a ReplicaSet>) -> Vec<&'a ReplicaSet> {
    rss.into_iter().filter(|rs| replicas(rs) > 0).collect()
}

/// `GetReplicaCountForReplicaSets`: the sum of `spec.replicas`.
pub fn spec_replicas<'a>(rss: impl IntoIterator<Item = &'a ReplicaSet>) -> i32 {
    rss.into_iter().map(replicas).sum()
}

/// `GetActualReplicaCountForReplicaSets`: the sum of `status.replicas`.
pub fn actual_replicas<'a>(rss: impl IntoIterator<Item = &'a ReplicaSet>) -> i32 {
    rss.into_iter().map(|rs| rs.status.replicas).sum()
}

pub fn ready_replicas<'a>(rss: impl IntoIterator<Item = &'a ReplicaSet>) -> i32 {
    rss.into_iter().map(|rs| rs.status.ready_replicas).sum()
}

pub fn available_replicas<'a>(rss: impl IntoIterator<Item = &'a ReplicaSet>) -> i32 {
    rss.into_iter().map(|rs| rs.status.available_replicas).sum()
}

/// `getNonNegativeInt32FromAnnotation`: a decimal in 0..=i32::MAX.
fn non_negative_annotation(rs: &ReplicaSet, key: &str) -> Option<i32> {
    rs.metadata
        .annotations
        .get(key)
        .and_then(|v| v.parse::<u32>().ok())
        .and_then(|n| i32::try_from(n).ok())
}

/// `IsSaturated`: the new ReplicaSet has all the replicas, wants them, and has them available.
pub fn is_saturated(d: &Deployment, rs: Option<&ReplicaSet>) -> bool {
    let Some(rs) = rs else { return false };
    let Some(desired) = non_negative_annotation(rs, DESIRED_REPLICAS) else {
        return false;
    };
    replicas(rs) == d.replicas()
        && desired == d.replicas()
        && rs.status.available_replicas == d.replicas()
}

/// `FindActiveOrLatest`: the one active ReplicaSet (or with none active, the newest); `None`
/// if several are active.
pub fn find_active_or_latest<'a>(
    new_rs: Option<&'a ReplicaSet>,
    old: &'a [ReplicaSet],
) -> Option<&'a ReplicaSet> {
    if new_rs.is_none() && old.is_empty() {
        return None;
    }
    let mut olds: Vec<&ReplicaSet> = old.iter().collect();
    crate::sort::sort_by(&mut olds, |a, b| by_creation(b, a));
    let all: Vec<&ReplicaSet> = olds.iter().copied().chain(new_rs).collect();
    let actives = active(all);
    match actives.len() {
        0 => new_rs.or(olds.first().copied()),
        1 => Some(actives[0]),
        _ => None,
    }
}

/// `getMaxReplicasAnnotation`.
fn max_replicas_annotation(rs: &ReplicaSet) -> Option<i32> {
    non_negative_annotation(rs, MAX_REPLICAS)
}

/// `GetDesiredReplicasAnnotation`.
pub fn desired_replicas_annotation(rs: &ReplicaSet) -> Option<i32> {
    non_negative_annotation(rs, DESIRED_REPLICAS)
}

/// `integer.RoundToInt32`.
fn round_to_i32(a: f64) -> i32 {
    if a < 0.0 {
        (a - 0.5) as i32
    } else {
        (a + 0.5) as i32
    }
}

/// `getReplicaSetFraction`.
fn rs_fraction(rs: &ReplicaSet, d: &Deployment) -> i32 {
    if d.replicas() == 0 {
        return -replicas(rs);
    }
    let max = d.replicas() + max_surge(d);
    let annotated = match max_replicas_annotation(rs) {
        Some(n) => n,
        None => d.status.replicas,
    };
    if annotated == 0 {
        return 0;
    }
    let new_size = (replicas(rs) as f64 * max as f64) / annotated as f64;
    round_to_i32(new_size) - replicas(rs)
}

/// `GetReplicaSetProportion`.
pub fn rs_proportion(rs: &ReplicaSet, d: &Deployment, to_add: i32, added: i32) -> i32 {
    if replicas(rs) == 0 || to_add == 0 || to_add == added {
        return 0;
    }
    let fraction = rs_fraction(rs, d);
    let allowed = to_add - added;
    if to_add > 0 {
        fraction.min(allowed)
    } else {
        fraction.max(allowed)
    }
}

/// `HasProgressDeadline`.
pub fn has_progress_deadline(d: &Deployment) -> bool {
    d.spec
        .progress_deadline_seconds
        .is_some_and(|s| s != i32::MAX)
}

/// `HasRevisionHistoryLimit`.
pub fn has_revision_history_limit(d: &Deployment) -> bool {
    d.spec.revision_history_limit.is_some_and(|s| s != i32::MAX)
}

/// `DeploymentComplete`.
pub fn deployment_complete(d: &Deployment, s: &DeploymentStatus) -> bool {
    s.updated_replicas == d.replicas()
        && s.replicas == d.replicas()
        && s.available_replicas == d.replicas()
        && s.observed_generation >= d.metadata.generation
}

/// `DeploymentProgressing`: more updated, fewer old, more ready or more available pods.
pub fn deployment_progressing(d: &Deployment, new: &DeploymentStatus) -> bool {
    let old = &d.status;
    let old_old = old.replicas - old.updated_replicas;
    let new_old = new.replicas - new.updated_replicas;
    new.updated_replicas > old.updated_replicas
        || new_old < old_old
        || new.ready_replicas > old.ready_replicas
        || new.available_replicas > old.available_replicas
}

/// `DeploymentTimedOut`: the Progressing condition was last updated longer ago than the
/// deadline.
pub fn deployment_timed_out(d: &Deployment, new: &DeploymentStatus, now: Time) -> bool {
    if !has_progress_deadline(d) {
        return false;
    }
    let Some(cond) = get_condition(new, "Progressing") else {
        return false;
    };
    if cond.reason == NEW_RS_AVAILABLE {
        return false;
    }
    if cond.reason == TIMED_OUT {
        return true;
    }
    let deadline = d.spec.progress_deadline_seconds.unwrap_or(0).max(0) as u64 * 1000;
    let from = cond.last_update_time.unwrap_or(Time(0));
    from.plus_ms(deadline) < now
}
