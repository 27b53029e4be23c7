//! What the StatefulSet controller keeps between syncs of a set: for each pod of the set's
//! namespace, the facts a sync reads from it (owner, selector match, ordinal, phase,
//! readiness, revision, identity and storage, and whether its claims agree with the set),
//! held with the pod's `Arc` so that an unchanged pod costs a pointer compare instead of a
//! walk through its labels, conditions and claims. Upstream's controller re-reads every pod
//! from its informer cache on each sync; the facts are pure functions of what it reads, so the
//! passes are the same.
//!
//! A pod's facts are computed from the pod version the store holds and the set's uid and spec
//! (a change of either drops them all). The claim facts depend on claims too: the cache follows
//! the claims' watch events, and a write to a claim of ordinal `n` drops the claim facts of the
//! pods of ordinal `n`.

use super::utils::{self, ordinal, pod_revision};
use crate::api::*;
use crate::cluster::Cluster;
use crate::store::Store;
use crate::time::Time;
use std::cell::Cell;
use std::sync::Arc;

/// Who controls the pod, as `ClaimPods` sees it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Owner {
    Set,
    Other,
    Orphan,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Phase {
    Failed,
    Succeeded,
    Pending,
    Running,
    Other,
}

/// Whether the pod's claims agree with the set (`ClaimsMatchRetentionPolicy`), and whether
/// `createMissingPersistentVolumeClaims` would do nothing: every claim exists, none is being
/// deleted, none has an unexpected controller and each one's owner refs are up to date.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct ClaimFacts {
    pub retention_ok: bool,
    pub settled: bool,
}

/// What a sync reads from one pod.
#[derive(Clone, PartialEq, Debug)]
pub(crate) struct Facts {
    pub owner: Owner,
    /// The set's selector matches the labels and the name says it belongs to the set.
    pub matches: bool,
    pub terminating: bool,
    pub phase: Phase,
    /// The Ready condition is True.
    pub ready: bool,
    /// The Ready condition's lastTransitionTime.
    pub ready_since: Option<Time>,
    pub ordinal: i32,
    /// The revision label, as an index into [`SetCache::revs`].
    pub rev: u32,
    /// `identityMatches && storageMatches`.
    pub identity_storage_ok: bool,
    /// Computed when first needed; dropped when one of the claims changes.
    pub claims: Cell<Option<ClaimFacts>>,
}

impl Facts {
    pub fn running_and_ready(&self) -> bool {
        self.phase == Phase::Running && self.ready
    }

    /// `isRunningAndAvailable` (`podutil.IsPodAvailable` on a Running pod).
    pub fn running_and_available(&self, min_ready: i64, now: Time) -> bool {
        self.running_and_ready()
            && (min_ready <= 0
                || self
                    .ready_since
                    .is_some_and(|t| now.since(t) >= min_ready as u64 * 1000))
    }

    /// `isUnavailable`: not Running and Available, or terminating.
    pub fn unavailable(&self, min_ready: i64, now: Time) -> bool {
        !self.running_and_available(min_ready, now) || self.terminating
    }
}

#[derive(Clone)]
pub(crate) struct Entry {
    pub obj: Arc<Object>,
    pub f: Facts,
}

impl Entry {
    pub fn pod(&self) -> &Pod {
        match &*self.obj {
            Object::Pod(p) => p,
            _ => unreachable!("only pods have entries"),
        }
    }
}

/// The claim writes the cache has seen: up to `rv`; since the last walk, those to the claims
/// of the ordinals in `dirty` (all of them if `all`).
#[derive(Clone, Default)]
pub(crate) struct ClaimWatch {
    rv: u64,
    /// Sorted, without repeats (a vector: no hash table's code in the web build).
    dirty: Vec<i32>,
    all: bool,
}

impl ClaimWatch {
    /// Reads the claim writes after `rv`.
    fn catch_up(&mut self, store: &Store, set: &StatefulSet) {
        let last = store.kind_last_rv(Kind::PersistentVolumeClaim);
        if last <= self.rv {
            return;
        }
        match store.kind_events_after(Kind::PersistentVolumeClaim, self.rv) {
            Ok(events) => {
                for ev in events {
                    if ev.object.namespace() != set.metadata.namespace {
                        continue;
                    }
                    if let Some(ord) = claim_ordinal(set, ev.object.name()) {
                        self.dirty.push(ord);
                    }
                }
                crate::sort::sort(&mut self.dirty);
                self.dirty.dedup();
            }
            Err(_) => self.all = true,
        }
        self.rv = last.max(store.resource_version());
    }

    fn is_dirty(&self, ord: i32) -> bool {
        self.all || (!self.dirty.is_empty() && self.dirty.binary_search(&ord).is_ok())
    }
}

/// The ordinal a claim of the set's templates is named for (`<template>-<set>-<ordinal>`).
fn claim_ordinal(set: &StatefulSet, name: &str) -> Option<i32> {
    let (parent, ord) = utils::parent_and_ordinal(name);
    if ord < 0 {
        return None;
    }
    set.spec
        .volume_claim_templates
        .iter()
        .any(|t| {
            parent
                .strip_prefix(t.metadata.name.as_str())
                .and_then(|r| r.strip_prefix('-'))
                .is_some_and(|r| r == set.metadata.name)
        })
        .then_some(ord)
}

/// One set's cache (see the module's documentation).
#[derive(Clone, Default)]
pub(crate) struct SetCache {
    /// The set's uid and spec the facts were computed for.
    key: Option<(String, Shared<StatefulSetSpec>)>,
    /// The namespace's pods, by name, as of the last walk.
    pub pods: Vec<Entry>,
    /// The revision labels seen, for [`Facts::rev`].
    pub revs: Vec<String>,
    pub claims: ClaimWatch,
}

impl SetCache {
    /// Brings the cache up to date with the store: the namespace's pods as listed now, each
    /// with its facts (kept for a pod whose version has not changed).
    pub fn refresh(&mut self, store: &Store, set: &StatefulSet) {
        let same = self
            .key
            .as_ref()
            .is_some_and(|(uid, spec)| *uid == set.metadata.uid && *spec == set.spec);
        let rv = store.resource_version();
        if !same || rv < self.claims.rv {
            *self = SetCache {
                key: Some((set.metadata.uid.clone(), set.spec.clone())),
                claims: ClaimWatch {
                    rv,
                    ..Default::default()
                },
                ..Default::default()
            };
        } else {
            self.claims.catch_up(store, set);
        }
        let mut old = std::mem::take(&mut self.pods).into_iter().peekable();
        let mut pods = Vec::with_capacity(old.len());
        for obj in store.list(Kind::Pod, Some(&set.metadata.namespace)) {
            let Object::Pod(pod) = &**obj else { continue };
            // The old entries come in the same order: skip those gone, take this pod's if
            // its version is the same.
            let kept = loop {
                let Some(e) = old.peek() else { break None };
                if Arc::ptr_eq(&e.obj, obj) {
                    break old.next();
                }
                match e.obj.name().cmp(pod.metadata.name.as_str()) {
                    std::cmp::Ordering::Less => {
                        old.next();
                    }
                    std::cmp::Ordering::Equal => {
                        old.next();
                        break None;
                    }
                    std::cmp::Ordering::Greater => break None,
                }
            };
            let e = match kept {
                Some(e) => {
                    if self.claims.is_dirty(e.f.ordinal) {
                        e.f.claims.set(None);
                    }
                    e
                }
                None => Entry {
                    obj: obj.clone(),
                    f: self.facts(set, pod),
                },
            };
            pods.push(e);
        }
        self.pods = pods;
        self.claims.dirty.clear();
        self.claims.all = false;
        #[cfg(debug_assertions)]
        self.check(set);
    }

    /// The facts of a pod version.
    pub fn facts(&mut self, set: &StatefulSet, pod: &Pod) -> Facts {
        let rev = pod_revision(pod);
        let rev = match self.revs.iter().position(|r| r == rev) {
            Some(i) => i,
            None => {
                self.revs.push(rev.to_string());
                self.revs.len() - 1
            }
        } as u32;
        facts(set, pod, rev)
    }

    /// Debug builds (every test) check each kept pod's facts against the pod as it is.
    #[cfg(debug_assertions)]
    fn check(&self, set: &StatefulSet) {
        for e in &self.pods {
            let pod = e.pod();
            assert_eq!(self.revs[e.f.rev as usize], pod_revision(pod));
            let mut want = facts(set, pod, e.f.rev);
            want.claims = e.f.claims.clone();
            assert_eq!(e.f, want, "cached facts of {}", pod.metadata.name);
        }
    }
}

/// The facts of a pod version whose revision label is `rev` in [`SetCache::revs`].
fn facts(set: &StatefulSet, pod: &Pod, rev: u32) -> Facts {
    let m = &pod.metadata;
    let owner = match m.controller_ref() {
        Some(r) if r.uid == set.metadata.uid => Owner::Set,
        Some(_) => Owner::Other,
        None => Owner::Orphan,
    };
    let matches = set
        .spec
        .selector
        .as_ref()
        .is_some_and(|sel| !sel.is_empty() && sel.matches(&m.labels))
        && utils::is_member_of(set, pod);
    let phase = match pod.phase() {
        "Failed" => Phase::Failed,
        "Succeeded" => Phase::Succeeded,
        "Pending" => Phase::Pending,
        "Running" => Phase::Running,
        _ => Phase::Other,
    };
    let ready = pod.condition("Ready");
    Facts {
        owner,
        matches,
        terminating: pod.is_terminating(),
        phase,
        ready: ready.is_some_and(|c| c.status == "True"),
        ready_since: ready.and_then(|c| c.last_transition_time),
        ordinal: ordinal(pod),
        rev,
        identity_storage_ok: utils::identity_matches(set, pod) && utils::storage_matches(set, pod),
        claims: Cell::new(None),
    }
}

impl ClaimWatch {
    /// The claim facts of a pod of the set, as the store holds its claims now.
    pub fn claims(&mut self, c: &Cluster, set: &StatefulSet, pod: &Pod, f: &Facts) -> ClaimFacts {
        self.catch_up(c.store(), set);
        let dirty = self.is_dirty(f.ordinal);
        if let Some(cf) = f.claims.get().filter(|_| !dirty) {
            debug_assert_eq!(
                cf,
                claim_facts(c, set, pod),
                "cached claim facts of {}",
                pod.metadata.name
            );
            return cf;
        }
        let cf = claim_facts(c, set, pod);
        // A claim written since the last walk may be written again before the next one,
        // unseen by the ordinal's mark: its facts are kept only from the next walk on.
        if !dirty {
            f.claims.set(Some(cf));
        }
        cf
    }
}

fn claim_facts(c: &Cluster, set: &StatefulSet, pod: &Pod) -> ClaimFacts {
    let ord = ordinal(pod);
    let mut cf = ClaimFacts {
        retention_ok: true,
        settled: true,
    };
    for name in utils::claim_names(set, ord) {
        match c.get_as::<PersistentVolumeClaim>(&set.metadata.namespace, &name) {
            None => cf.settled = false,
            Some(claim) => {
                let up_to_date = utils::claim_owner_up_to_date(claim, set, pod);
                cf.retention_ok &= up_to_date;
                cf.settled &= up_to_date
                    && !claim.metadata.is_deleting()
                    && !utils::has_unexpected_controller(claim, set, pod);
            }
        }
    }
    cf
}
