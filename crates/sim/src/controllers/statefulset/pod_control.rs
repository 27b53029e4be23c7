//! The StatefulSet controller's one writer (upstream `stateful_pod_control.go`): creates the
//! claims before the pod, repairs identity, deletes pods, keeps claim owner references in line
//! with the retention policy, and records the controller's events.

use super::utils::{self, claims_for};
use crate::api::*;
use crate::cluster::{Cluster, DeleteOptions};
use crate::error::Reason;

pub const COMPONENT: &str = "statefulset-controller";

fn pod_event(c: &mut Cluster, set: &StatefulSet, verb: &str, pod: &str, err: Option<&str>) {
    let obj = Object::StatefulSet(Box::new(set.clone()));
    let set_name = &set.metadata.name;
    match err {
        None => {
            let reason = format!("Successful{}", capitalise(verb));
            c.record_event(
                &obj,
                "Normal",
                &reason,
                &format!("{verb} Pod {pod} in StatefulSet {set_name} successful"),
                COMPONENT,
                None,
            );
        }
        Some(e) => {
            let reason = format!("Failed{}", capitalise(verb));
            c.record_event(
                &obj,
                "Warning",
                &reason,
                &format!("{verb} Pod {pod} in StatefulSet {set_name} failed error: {e}"),
                COMPONENT,
                None,
            );
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut cs = s.chars();
    cs.next()
        .map(|f| f.to_ascii_uppercase().to_string() + cs.as_str())
        .unwrap_or_default()
}

/// `createPersistentVolumeClaims`: creates the claims of `pod` that do not exist.
fn create_claims(c: &mut Cluster, set: &StatefulSet, pod: &Pod) -> Result<(), String> {
    let ord = utils::ordinal(pod);
    for (i, name) in utils::claim_names(set, ord).enumerate() {
        match c.get_as::<PersistentVolumeClaim>(&set.metadata.namespace, &name) {
            Some(existing) if existing.metadata.is_deleting() => {
                return Err(format!("pvc {name} is being deleted"))
            }
            Some(_) => {}
            None => {
                // Created bare; the retention policy's owner references follow once the pod
                // exists (`UpdatePodClaimForRetentionPolicy`).
                let set_name = &set.metadata.name;
                let pod_name = &pod.metadata.name;
                // Built only when missing: a Pending pod's claims are checked on every sync.
                let claim = claims_for(set, ord).swap_remove(i);
                match c.create_inner(claim.into()) {
                    Ok(_) => {
                        let msg = format!(
                            "create Claim {name} Pod {pod_name} in StatefulSet {set_name} success"
                        );
                        c.record_event(
                            &Object::StatefulSet(Box::new(set.clone())),
                            "Normal",
                            "SuccessfulCreate",
                            &msg,
                            COMPONENT,
                            None,
                        );
                    }
                    Err(e) if e.is_already_exists() => return Err(e.message),
                    Err(e) => {
                        let msg = format!("create Claim {name} for Pod {pod_name} in StatefulSet {set_name} failed error: {}", e.message);
                        c.record_event(
                            &Object::StatefulSet(Box::new(set.clone())),
                            "Warning",
                            "FailedCreate",
                            &msg,
                            COMPONENT,
                            None,
                        );
                        return Err(e.message);
                    }
                }
            }
        }
    }
    Ok(())
}

/// `CreateStatefulPod`: claims first, then the pod.
pub fn create_pod(c: &mut Cluster, set: &StatefulSet, pod: &Pod) -> Result<(), String> {
    if let Err(e) = create_claims(c, set, pod) {
        pod_event(c, set, "create", &pod.metadata.name, Some(&e));
        return Err(e);
    }
    match c.create_inner(pod.clone().into()) {
        Ok(_) => {
            // Upstream passes the pod it built (no uid yet): a pod reference is never added
            // here, only the set's.
            update_claims_for_retention(c, set, pod);
            pod_event(c, set, "create", &pod.metadata.name, None);
            Ok(())
        }
        Err(e) if e.is_already_exists() => Err(e.message),
        Err(e) => {
            let msg = e.message.clone();
            pod_event(c, set, "create", &pod.metadata.name, Some(&msg));
            Err(msg)
        }
    }
}

/// `createMissingPersistentVolumeClaims` for a Pending pod: the claims, then their owner refs.
pub fn create_missing_claims(c: &mut Cluster, set: &StatefulSet, pod: &Pod) -> Result<(), String> {
    create_claims(c, set, pod)?;
    update_claims_for_retention(c, set, pod);
    Ok(())
}

pub fn delete_pod(c: &mut Cluster, set: &StatefulSet, pod: &Pod) -> Result<(), String> {
    match c.delete_inner(
        Kind::Pod,
        &pod.metadata.namespace,
        &pod.metadata.name,
        &DeleteOptions::default(),
    ) {
        Ok(_) => {
            pod_event(c, set, "delete", &pod.metadata.name, None);
            Ok(())
        }
        Err(e) => {
            pod_event(c, set, "delete", &pod.metadata.name, Some(&e.message));
            Err(e.message)
        }
    }
}

/// `UpdateStatefulPod`: repairs identity and storage, creating missing claims and fixing their
/// owner refs.
pub fn update_pod(c: &mut Cluster, set: &StatefulSet, pod: &Pod) -> Result<(), String> {
    let mut p = pod.clone();
    let mut changed = false;
    if !utils::identity_matches(set, &p) {
        utils::update_identity(set, &mut p);
        changed = true;
    }
    if !utils::storage_matches(set, &p) {
        utils::update_storage(set, &mut p);
        changed = true;
        if let Err(e) = create_claims(c, set, &p) {
            pod_event(c, set, "update", &pod.metadata.name, Some(&e));
            return Err(e);
        }
    }
    if !claims_match_retention(c, set, &p) {
        // Upstream dirties the pod too, so the (unchanged) pod is written and the update
        // recorded: a retention-policy change shows as SuccessfulUpdate for each pod.
        update_claims_for_retention(c, set, &p);
        changed = true;
    }
    if changed {
        // `retry.RetryOnConflict(retry.DefaultBackoff, …)`: up to 4 attempts, each on the pod
        // as stored with the identity and storage repaired again; one event for the lot.
        let mut attempts = 1;
        let mut r = c.update_inner(p.into(), false);
        while matches!(&r, Err(e) if e.reason == Reason::Conflict) && attempts < 4 {
            let Some(live) = c.get_as::<Pod>(&pod.metadata.namespace, &pod.metadata.name) else {
                break;
            };
            let mut p = live.clone();
            utils::update_identity(set, &mut p);
            utils::update_storage(set, &mut p);
            attempts += 1;
            r = c.update_inner(p.into(), false);
        }
        match r {
            Ok(_) => pod_event(c, set, "update", &pod.metadata.name, None),
            Err(e) => {
                pod_event(c, set, "update", &pod.metadata.name, Some(&e.message));
                return Err(e.message);
            }
        }
    }
    Ok(())
}

/// `ClaimsMatchRetentionPolicy`: every existing claim's owner refs agree with the policy.
pub fn claims_match_retention(c: &Cluster, set: &StatefulSet, pod: &Pod) -> bool {
    let ord = utils::ordinal(pod);
    // Names only: this runs for every pod on every sync, so no claim objects are built.
    utils::claim_names(set, ord).all(|name| {
        c.get_as::<PersistentVolumeClaim>(&set.metadata.namespace, &name)
            .is_none_or(|claim| utils::claim_owner_up_to_date(claim, set, pod))
    })
}

/// `UpdatePodClaimForRetentionPolicy`: warns about a conflicting controller, and rewrites the
/// owner refs of each claim that does not agree with the policy.
pub fn update_claims_for_retention(c: &mut Cluster, set: &StatefulSet, pod: &Pod) {
    let ord = utils::ordinal(pod);
    for name in utils::claim_names(set, ord) {
        let Some(live) = c.get_as::<PersistentVolumeClaim>(&set.metadata.namespace, &name) else {
            continue;
        };
        // The common case, nothing to warn about or rewrite, copies nothing.
        if !utils::has_unexpected_controller(live, set, pod)
            && utils::claim_owner_up_to_date(live, set, pod)
        {
            continue;
        }
        let claim = live.clone();
        if utils::has_unexpected_controller(&claim, set, pod) {
            let msg = format!("PersistentVolumeClaim {} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim", claim.metadata.name);
            c.record_event(
                &Object::StatefulSet(Box::new(set.clone())),
                "Warning",
                "ConflictingController",
                &msg,
                COMPONENT,
                None,
            );
        }
        if !utils::claim_owner_up_to_date(&claim, set, pod) {
            let mut claim = claim;
            utils::update_claim_owner_refs(&mut claim, set, pod);
            c.put_existing(claim.into());
        }
    }
}

/// `PodClaimIsStale`: under `whenScaled: Delete`, a claim whose pod reference is to another
/// pod of the same name (the previous incarnation; any, for a pod not created yet) blocks the
/// pod's creation until the garbage collector has removed it.
pub fn claim_is_stale(c: &Cluster, set: &StatefulSet, pod: &Pod) -> bool {
    if set.when_scaled() == "Retain" {
        return false;
    }
    let ord = utils::ordinal(pod);
    utils::claim_names(set, ord).any(|name| {
        c.get_as::<PersistentVolumeClaim>(&set.metadata.namespace, &name)
            .is_some_and(|claim| utils::has_stale_owner_ref(claim, Kind::Pod, &pod.metadata))
    })
}
