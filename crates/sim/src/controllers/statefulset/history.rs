//! ControllerRevisions of a StatefulSet (upstream `controller_history.go` and
//! `getStatefulSetRevisions`/`truncateHistory`): naming, equality, rollback, pruning.

use super::utils;
use crate::api::*;
use crate::cluster::{Cluster, DeleteOptions};
use std::collections::BTreeSet;

/// FNV-32 (the `fnv.New32` of `HashControllerRevision`) of the revision data, plus the
/// collision count when non-zero.
pub fn hash_revision(data: &serde_json::Value, collision_count: i32) -> String {
    let bytes = serde_json::to_vec(data).unwrap_or_default();
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes.iter().copied().chain(if collision_count != 0 {
        collision_count.to_le_bytes().to_vec()
    } else {
        Vec::new()
    }) {
        h = h.wrapping_mul(0x0100_0193);
        h ^= b as u32;
    }
    safe_encode(&h.to_string())
}

/// `rand.SafeEncodeString`: maps each byte onto `bcdfghjklmnpqrstvwxz2456789`.
pub fn safe_encode(s: &str) -> String {
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    s.bytes()
        .map(|b| ALPHANUMS[b as usize % ALPHANUMS.len()] as char)
        .collect()
}

/// The set's revisions, sorted by `.revision` (then name).
pub fn revisions_of(c: &Cluster, set: &StatefulSet) -> Vec<ControllerRevision> {
    let mut revs: Vec<ControllerRevision> = c
        .list_as::<ControllerRevision>(Some(&set.metadata.namespace))
        .into_iter()
        .filter(|r| {
            r.metadata
                .controller_ref()
                .is_some_and(|o| o.uid == set.metadata.uid)
        })
        .cloned()
        .collect();
    crate::sort::sort_by(&mut revs, |a, b| {
        a.revision
            .cmp(&b.revision)
            .then(a.metadata.name.cmp(&b.metadata.name))
    });
    revs
}

pub struct Revisions {
    pub current: ControllerRevision,
    pub update: ControllerRevision,
    pub collision_count: i32,
    pub all: Vec<ControllerRevision>,
}

/// `getStatefulSetRevisions`: finds or creates the update revision (rolling back by bumping an
/// older equal revision's number) and finds the current one.
pub fn get_revisions(
    c: &mut Cluster,
    set: &StatefulSet,
) -> Result<Revisions, crate::error::ApiError> {
    let mut revs = revisions_of(c, set);
    let mut collision_count = set.status.collision_count.unwrap_or(0);
    let data = utils::revision_patch(set);
    let next = revs.last().map_or(1, |r| r.revision + 1);
    let equal: Vec<usize> = revs
        .iter()
        .enumerate()
        .filter(|(_, r)| r.data == data)
        .map(|(i, _)| i)
        .collect();
    let update = if let Some(&last_eq) = equal.last() {
        if last_eq == revs.len() - 1 {
            revs[last_eq].clone()
        } else {
            let mut r = revs[last_eq].clone();
            r.revision = next;
            let written = c.put_existing(r.clone().into());
            // The stored revision (its new resourceVersion), or ours if it is gone.
            let r = written
                .as_deref()
                .and_then(ControllerRevision::from_object)
                .cloned()
                .unwrap_or(r);
            revs[last_eq] = r.clone();
            r
        }
    } else {
        loop {
            let hash = hash_revision(&data, collision_count);
            let prefix: String = set.metadata.name.chars().take(223).collect();
            let name = format!("{prefix}-{hash}");
            if let Some(existing) = c.get_as::<ControllerRevision>(&set.metadata.namespace, &name) {
                if existing.data == data {
                    break existing.clone();
                }
                collision_count += 1;
                continue;
            }
            let mut labels = set.spec.template.metadata.labels.clone();
            labels.insert("controller.kubernetes.io/hash".into(), hash);
            let rev = ControllerRevision {
                metadata: ObjectMeta {
                    name,
                    namespace: set.metadata.namespace.clone(),
                    labels,
                    annotations: set
                        .metadata
                        .annotations
                        .iter()
                        .filter(|(k, _)| {
                            k.as_str() != "kubectl.kubernetes.io/last-applied-configuration"
                        })
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                    owner_references: vec![controller_ref(Kind::StatefulSet, &set.metadata)].into(),
                    ..Default::default()
                },
                data: data.clone(),
                revision: next,
            };
            let created = c.create_inner(rev.into())?;
            let Object::ControllerRevision(r) = &*created else {
                unreachable!("created a ControllerRevision")
            };
            revs.push((**r).clone());
            break (**r).clone();
        }
    };
    let current = revs
        .iter()
        .find(|r| r.metadata.name == set.status.current_revision)
        .cloned()
        .unwrap_or_else(|| update.clone());
    Ok(Revisions {
        current,
        update,
        collision_count,
        all: revs,
    })
}

/// `truncateHistory`: deletes the oldest non-live revisions beyond `revisionHistoryLimit`.
/// `pod_revs`: the revision labels of the set's pods.
pub fn truncate_history(c: &mut Cluster, set: &StatefulSet, pod_revs: &[&str], revs: &Revisions) {
    let limit = set.spec.revision_history_limit.unwrap_or(10);
    if limit < 0 {
        return;
    }
    let mut live: BTreeSet<&str> = BTreeSet::new();
    live.insert(&revs.current.metadata.name);
    live.insert(&revs.update.metadata.name);
    live.extend(pod_revs.iter().copied());
    let history: Vec<&ControllerRevision> = revs
        .all
        .iter()
        .filter(|r| !live.contains(r.metadata.name.as_str()))
        .collect();
    let excess = history.len().saturating_sub(limit as usize);
    for r in history.into_iter().take(excess) {
        let _ = c.delete_inner(
            Kind::ControllerRevision,
            &r.metadata.namespace,
            &r.metadata.name,
            &DeleteOptions::default(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revision_names_use_the_safe_alphabet() {
        let h = hash_revision(&serde_json::json!({"spec": {"template": {"a": 1}}}), 0);
        assert!(h.len() <= 10 && !h.is_empty());
        assert!(
            h.chars().all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)),
            "{h}"
        );
        assert_eq!(safe_encode("0123456789"), "456789bcdf");
        assert_ne!(
            h,
            hash_revision(&serde_json::json!({"spec": {"template": {"a": 1}}}), 1)
        );
    }
}
