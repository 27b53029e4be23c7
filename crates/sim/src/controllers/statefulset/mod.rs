//! The StatefulSet controller. [`sync`] is the wiring (adopt and release pods, then run a pass);
//! [`update_statefulset`] is upstream's `UpdateStatefulSet`: the ordering and blocking rules of
//! OrderedReady and Parallel, scale-down, rolling updates, status and history.

pub(crate) mod cache;
pub mod history;
pub mod pod_control;
pub mod utils;

use super::{key_of, Action, Controller, Work};
use crate::api::*;
use crate::cluster::Cluster;
use crate::error::Reason;
use crate::faults::Verb;
use crate::features::MAX_UNAVAILABLE_STATEFULSET;
use crate::store::{ObjKey, WatchEvent, WatchEventType};
use crate::time::Time;
use cache::{ClaimWatch, Entry, Facts, Owner, Phase, SetCache};

/// The StatefulSet controller's queue: one set per item.
pub(crate) static CONTROLLER: Controller = Controller {
    name: "statefulset-controller",
    reconcile: sync,
    // A sync reads every pod of the set.
    size: Some(|c, (ns, name)| {
        c.get_as::<StatefulSet>(ns, name).map_or(0, |s| {
            (s.replicas().max(0) as usize).max(s.status.replicas.max(0) as usize)
        })
    }),
};

/// Pod events: the set that controls the pod, or for an orphan, the sets whose selector
/// matches it (they may adopt it).
pub(crate) fn on_pod(c: &Cluster, ev: &WatchEvent, out: &mut Vec<Work>) {
    let m = ev.object.meta();
    let ns = &m.namespace;
    match m.controller_ref() {
        Some(r) if r.kind == "StatefulSet" => out.push(Work::at(&CONTROLLER, ns, &r.name)),
        Some(_) => {}
        None => {
            for s in c.list_as::<StatefulSet>(Some(ns)) {
                if s.spec
                    .selector
                    .as_ref()
                    .is_some_and(|sel| !sel.is_empty() && sel.matches(&m.labels))
                {
                    out.push(Work::at(&CONTROLLER, ns, &s.metadata.name));
                }
            }
        }
    }
}

/// The set's own events.
pub(crate) fn on_set(_: &Cluster, ev: &WatchEvent, out: &mut Vec<Work>) {
    out.push(Work::new(&CONTROLLER, key_of(&ev.object)));
}

/// A revision the set controls changed.
pub(crate) fn on_revision(_: &Cluster, ev: &WatchEvent, out: &mut Vec<Work>) {
    let m = ev.object.meta();
    if let Some(r) = m.controller_ref() {
        if r.kind == "StatefulSet" && ev.type_ != WatchEventType::Deleted {
            out.push(Work::at(&CONTROLLER, &m.namespace, &r.name));
        }
    }
}

/// A claim went: a set may be waiting for a claim of a previous pod to go (pvc-protection holds
/// it while that pod is terminating); its removal lets every set of the namespace go on.
pub(crate) fn on_claim_gone(c: &Cluster, ev: &WatchEvent, out: &mut Vec<Work>) {
    if ev.type_ == WatchEventType::Deleted {
        let ns = ev.object.namespace();
        for s in c.list_as::<StatefulSet>(Some(ns)) {
            out.push(Work::at(&CONTROLLER, ns, &s.metadata.name));
        }
    }
}

/// A claim a set owns (its `persistentVolumeClaimRetentionPolicy`) changed.
pub(crate) fn on_claim(_: &Cluster, ev: &WatchEvent, out: &mut Vec<Work>) {
    let m = ev.object.meta();
    for r in &m.owner_references {
        if r.kind == "StatefulSet" {
            out.push(Work::at(&CONTROLLER, &m.namespace, &r.name));
        }
    }
}

/// A pod of the set waits for a claim that changed.
pub(crate) fn on_waiting_pod(p: &Pod, out: &mut Vec<Work>) {
    if let Some(r) = p.metadata.controller_ref() {
        if r.kind == "StatefulSet" {
            out.push(Work::at(&CONTROLLER, &p.metadata.namespace, &r.name));
        }
    }
}

pub(crate) fn sync(c: &mut Cluster, key: &ObjKey) -> Action {
    let (ns, name) = key;
    let Some(set) = c.get_as::<StatefulSet>(ns, name).cloned() else {
        // The set is gone: as upstream's sync returns nil for it, a retry still queued goes.
        c.waiting.remove(&(Kind::StatefulSet, key.clone()));
        c.set_caches.remove(key);
        return Action::Done;
    };
    if !set.metadata.is_deleting() {
        adopt_orphan_revisions(c, &set);
    }
    // The set's cache, out of the cluster while the sync writes: each pod's facts are read
    // again only if the pod changed since the last sync.
    let mut cache = c.set_caches.remove(key).unwrap_or_default();
    cache.refresh(c.store(), &set);
    let (owned, extra) = claim_pods(c, &set, &mut cache);
    let pods: Vec<PodRef> = owned
        .iter()
        .map(|s| {
            let e = match *s {
                Src::Cache(i) => &cache.pods[i],
                Src::Extra(i) => &extra[i],
            };
            PodRef {
                pod: e.pod(),
                f: &e.f,
            }
        })
        .collect();
    let result = update_statefulset(c, &set, &pods, &cache.revs, &mut cache.claims);
    drop(pods);
    c.set_caches.insert(key.clone(), cache);
    match result {
        Ok(wake) => Action::requeue_at(wake, "a pod becomes available (minReadySeconds)"),
        Err(reason) => Action::Retry { reason },
    }
}

/// A pod of the set, with its facts.
#[derive(Clone, Copy)]
struct PodRef<'a> {
    pod: &'a Pod,
    f: &'a Facts,
}

/// Where a pod of the set is: the cache's walk, or adopted by this sync.
enum Src {
    Cache(usize),
    Extra(usize),
}

/// `adoptOrphanRevisions`: revisions the set selects that have no controller become its own
/// (after an orphaning delete and a re-create, the old history is the new set's).
fn adopt_orphan_revisions(c: &mut Cluster, set: &StatefulSet) {
    let Some(sel) = set.spec.selector.as_ref().filter(|s| !s.is_empty()) else {
        return;
    };
    let orphans: Vec<ControllerRevision> = c
        .list_as::<ControllerRevision>(Some(&set.metadata.namespace))
        .into_iter()
        .filter(|r| r.metadata.controller_ref().is_none() && sel.matches(&r.metadata.labels))
        .cloned()
        .collect();
    for mut r in orphans {
        r.metadata
            .owner_references
            .push(controller_ref(Kind::StatefulSet, &set.metadata));
        c.put_existing(r.into());
    }
}

/// `ClaimPods`: adopts orphans that match the selector and the name pattern, releases owned pods
/// that no longer match, and returns the set's pods: in the cache's walk, or adopted now.
fn claim_pods(c: &mut Cluster, set: &StatefulSet, cache: &mut SetCache) -> (Vec<Src>, Vec<Entry>) {
    let deleting = set.metadata.is_deleting();
    let mut owned = Vec::new();
    let mut extra = Vec::new();
    for i in 0..cache.pods.len() {
        let f = &cache.pods[i].f;
        match f.owner {
            Owner::Set => {
                if f.matches || deleting {
                    owned.push(Src::Cache(i));
                } else if !f.terminating {
                    let mut p = cache.pods[i].pod().clone();
                    p.metadata
                        .owner_references
                        .retain(|r| r.uid != set.metadata.uid);
                    c.put_existing(p.into());
                }
            }
            Owner::Other => {}
            Owner::Orphan => {
                if f.matches && !deleting && !f.terminating {
                    let mut p = cache.pods[i].pod().clone();
                    p.metadata
                        .owner_references
                        .push(controller_ref(Kind::StatefulSet, &set.metadata));
                    if let Some(o) = c.put_existing(p.into()) {
                        let f = match &*o {
                            Object::Pod(p) => Some(cache.facts(set, p)),
                            _ => None,
                        };
                        if let Some(f) = f {
                            extra.push(Entry { obj: o, f });
                            owned.push(Src::Extra(extra.len() - 1));
                        }
                    }
                }
            }
        }
    }
    (owned, extra)
}

/// A replica slot: the pod that exists, or the ordinal of the one the controller would create.
/// The missing pod is built only when it is created: a set waiting at web-0 has thousands of
/// missing slots, and building each on every sync made OrderedReady quadratic.
#[derive(Clone, Copy)]
enum Slot<'a> {
    Existing(PodRef<'a>),
    Missing(i32),
}

/// What a missing slot's pod is made from (`newVersionedStatefulSetPod`'s inputs).
struct Versions<'a> {
    set: &'a StatefulSet,
    current_set: &'a StatefulSet,
    update_set: &'a StatefulSet,
    cur: &'a str,
    upd: &'a str,
    /// The update revision's index in the cache's revision labels, if a pod has it.
    upd_id: Option<u32>,
}

impl Versions<'_> {
    fn name(&self, slot: &Slot) -> String {
        match slot {
            Slot::Existing(p) => p.pod.metadata.name.clone(),
            Slot::Missing(ord) => utils::pod_name(&self.set.metadata.name, *ord),
        }
    }

    /// The slot's pod has, or would be created with, the update revision.
    fn at_update(&self, slot: &Slot) -> bool {
        match slot {
            Slot::Existing(p) => Some(p.f.rev) == self.upd_id,
            Slot::Missing(ord) => {
                !utils::is_partitioned(self.current_set, self.update_set, *ord)
                    || self.cur == self.upd
            }
        }
    }

    fn new_pod(&self, ord: i32) -> Pod {
        utils::new_versioned_pod(self.current_set, self.update_set, self.cur, self.upd, ord)
    }
}

/// One pass of the controller. Returns when it wants to look again (for minReadySeconds).
fn update_statefulset(
    c: &mut Cluster,
    set: &StatefulSet,
    pods: &[PodRef],
    revs_seen: &[String],
    watch: &mut ClaimWatch,
) -> Result<Option<Time>, String> {
    if set.metadata.is_deleting() && history::revisions_of(c, set).is_empty() {
        // The garbage collector has removed the set's history in a foreground deletion; making
        // a new revision would race it for ever (upstream the collector wins by timing).
        c.waiting.remove(&(
            Kind::StatefulSet,
            (set.metadata.namespace.clone(), set.metadata.name.clone()),
        ));
        return Ok(None);
    }
    let revs = history::get_revisions(c, set).map_err(|e| e.message)?;
    let current_set = utils::apply_revision(set, &revs.current.data);
    let update_set = utils::apply_revision(set, &revs.update.data);
    let (cur, upd) = (
        revs.current.metadata.name.clone(),
        revs.update.metadata.name.clone(),
    );
    let now = c.now;
    let min_ready = set.min_ready_seconds();

    let mut status = StatefulSetStatus {
        observed_generation: Some(set.metadata.generation),
        current_revision: cur.clone(),
        update_revision: upd.clone(),
        collision_count: Some(revs.collision_count),
        ..Default::default()
    };
    let rev_id = |name: &str| revs_seen.iter().position(|r| r == name).map(|i| i as u32);
    let (cur_id, upd_id) = (rev_id(&cur), rev_id(&upd));
    let mut wake: Option<Time> = None;
    for p in pods {
        let f = p.f;
        status.replicas += 1;
        if f.running_and_ready() {
            status.ready_replicas += 1;
            if f.running_and_available(min_ready, now) {
                status.available_replicas += 1;
            } else if let Some(t) = f.ready_since {
                let at = t.plus_ms(min_ready as u64 * 1000);
                wake = Some(wake.map_or(at, |w: Time| w.min(at)));
            }
        }
        if !f.terminating {
            if Some(f.rev) == cur_id {
                status.current_replicas += 1;
            }
            if Some(f.rev) == upd_id {
                status.updated_replicas += 1;
            }
        }
    }

    let start = set.start_ordinal();
    let count = set.replicas().max(0) as usize;
    let mut slots: Vec<Option<PodRef>> = vec![None; count];
    let mut condemned: Vec<PodRef> = Vec::new();
    for &p in pods {
        let ord = p.f.ordinal;
        if utils::in_ordinal_range(set, ord) {
            slots[(ord - start) as usize] = Some(p);
        } else if ord >= 0 {
            condemned.push(p);
        }
    }
    crate::sort::sort_by_key(&mut condemned, |p| std::cmp::Reverse(p.f.ordinal));
    let slots: Vec<Slot> = slots
        .into_iter()
        .enumerate()
        .map(|(i, s)| match s {
            Some(p) => Slot::Existing(p),
            None => Slot::Missing(start + i as i32),
        })
        .collect();
    let versions = Versions {
        set,
        current_set: &current_set,
        update_set: &update_set,
        cur: &cur,
        upd: &upd,
        upd_id,
    };

    let first_unavailable: Option<String> = slots
        .iter()
        .find(|s| match s {
            Slot::Missing(_) => true,
            Slot::Existing(p) => p.f.unavailable(min_ready, now),
        })
        .map(|s| versions.name(s))
        .or_else(|| {
            condemned
                .iter()
                .rev()
                .find(|p| p.f.unavailable(min_ready, now))
                .map(|p| p.pod.metadata.name.clone())
        });

    let key = (set.metadata.namespace.clone(), set.metadata.name.clone());
    let result = if set.metadata.is_deleting() {
        Ok(Block::none())
    } else {
        run_pass(
            c,
            &versions,
            &slots,
            &condemned,
            first_unavailable.as_deref(),
            &mut status,
            min_ready,
            watch,
        )
    };
    let outcome = match result {
        Ok(block) => {
            match block.reason {
                Some(r) => c.waiting.insert((Kind::StatefulSet, key), r),
                None => c.waiting.remove(&(Kind::StatefulSet, key)),
            };
            Ok(())
        }
        Err(e) => {
            c.waiting.insert(
                (Kind::StatefulSet, key),
                format!("retrying after an error: {e}"),
            );
            Err(e)
        }
    };

    // updateStatefulSetStatus, with completeRollingUpdate.
    if set.update_strategy_type() == "RollingUpdate"
        && status.updated_replicas == status.replicas
        && status.ready_replicas == status.replicas
    {
        status.current_replicas = status.updated_replicas;
        status.current_revision = status.update_revision.clone();
    }
    let status_err = update_set_status(c, set, &status).err();
    // Upstream returns the pass's error and the status update's together (an aggregate), and
    // truncates the history only when both went through.
    match (outcome, status_err) {
        (Err(e), Some(s)) => return Err(format!("[{e}, {s}]")),
        (Err(e), None) | (Ok(()), Some(e)) => return Err(e),
        (Ok(()), None) => {}
    }
    let mut used = vec![false; revs_seen.len()];
    for p in pods {
        used[p.f.rev as usize] = true;
    }
    let pod_revs: Vec<&str> = revs_seen
        .iter()
        .zip(used)
        .filter(|(_, u)| *u)
        .map(|(r, _)| r.as_str())
        .collect();
    history::truncate_history(c, set, &pod_revs, &revs);
    if min_ready > 0 && status.available_replicas != set.replicas() {
        let at = now.plus_ms(min_ready as u64 * 1000);
        wake = Some(wake.map_or(at, |w| w.min(at)));
    }
    Ok(wake.filter(|w| *w > now))
}

/// `UpdateStatefulSetStatus`: writes the status if it changed, retrying on conflict with the
/// set as stored, as `retry.RetryOnConflict(retry.DefaultRetry, …)` does (5 attempts; its
/// 10 ms waits take no simulated time here). Other errors fail at once.
fn update_set_status(
    c: &mut Cluster,
    set: &StatefulSet,
    status: &StatefulSetStatus,
) -> Result<(), String> {
    let (ns, name) = (&set.metadata.namespace, &set.metadata.name);
    // The pass counts a deleted pod of neither revision out of currentReplicas, as upstream
    // does; when status writes failed meanwhile that can go below 0, which the API server's
    // status validation refuses (the sync errs and the next one counts again).
    if status.current_replicas < 0 {
        return Err(format!(
            "StatefulSet.apps \"{name}\" is invalid: status.currentReplicas: Invalid value: {}: must be greater than or equal to 0",
            status.current_replicas
        ));
    }
    let mut attempts = 0;
    loop {
        let Some(live) = c.get_as::<StatefulSet>(ns, name) else {
            return Ok(());
        };
        if live.status == *status {
            return Ok(());
        }
        let mut s = live.clone();
        s.status = status.clone();
        attempts += 1;
        match c.put_checked(s.into(), Verb::UpdateStatus) {
            Ok(_) => return Ok(()),
            Err(e) if e.reason == Reason::Conflict && attempts < 5 => continue,
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => return Err(e.message),
        }
    }
}

/// Where a pass stopped, and why (for the UI's "waits" line).
struct Block {
    reason: Option<String>,
}

impl Block {
    fn none() -> Block {
        Block { reason: None }
    }
    fn because(r: String) -> Block {
        Block { reason: Some(r) }
    }
}

/// What the controller would do next once unblocked, for the waiting message: the next missing
/// replica, the scale-down, or a rolling update that still has pods to replace. `None` when
/// nothing is left to do (the last replica starting, a deleted pod coming back): then nothing
/// waits for the pod, and there is no waiting line.
fn next_step(v: &Versions, slots: &[Slot], from: usize, condemned: &[PodRef]) -> Option<String> {
    if let Some(s) = slots[from + 1..]
        .iter()
        .find(|s| matches!(s, Slot::Missing(_)))
    {
        return Some(v.name(s));
    }
    if !condemned.is_empty() {
        return Some("scale-down".into());
    }
    let update_min = (v.set.partition().max(0) as usize).min(slots.len());
    let updating = v.set.update_strategy_type() != "OnDelete"
        && slots[update_min..].iter().any(|s| !v.at_update(s));
    updating.then(|| "the rolling update".into())
}

/// A pass that stops at a pod: `next` waits for it (see [`next_step`]) because of `why`.
fn waits(next: Option<String>, why: String) -> Block {
    Block {
        reason: next.map(|n| format!("{n} waits: {why}")),
    }
}

#[allow(clippy::too_many_arguments)]
fn run_pass(
    c: &mut Cluster,
    v: &Versions,
    slots: &[Slot],
    condemned: &[PodRef],
    first_unavailable: Option<&str>,
    status: &mut StatefulSetStatus,
    min_ready: i64,
    watch: &mut ClaimWatch,
) -> Result<Block, String> {
    let (set, update_set) = (v.set, v.update_set);
    let monotonic = !set.is_parallel();
    let now = c.now;
    // Replicas, in ascending ordinal.
    for (i, slot) in slots.iter().enumerate() {
        let name = || v.name(slot);
        match *slot {
            Slot::Missing(ord) => {
                let pod = &v.new_pod(ord);
                let name = name();
                if pod_control::claim_is_stale(c, set, pod) {
                    return Ok(Block::because(format!(
                        "{name} waits: a claim still belongs to the previous {name}"
                    )));
                }
                pod_control::create_pod(c, set, pod)?;
                if monotonic {
                    return Ok(waits(
                        next_step(v, slots, i, condemned),
                        format!("{name} was just created and is not Running and Ready yet"),
                    ));
                }
            }
            Slot::Existing(PodRef { pod, f }) => {
                if matches!(f.phase, Phase::Failed | Phase::Succeeded) {
                    if !f.terminating {
                        pod_control::delete_pod(c, set, pod)?;
                    }
                    if monotonic {
                        return Ok(Block::because(format!(
                            "{} failed and is being replaced",
                            name()
                        )));
                    }
                    continue;
                }
                // `createMissingPersistentVolumeClaims` does nothing when the claims are all
                // there and up to date.
                if f.phase == Phase::Pending && !watch.claims(c, set, pod, f).settled {
                    pod_control::create_missing_claims(c, set, pod)?;
                }
                if monotonic && f.terminating {
                    return Ok(waits(
                        next_step(v, slots, i, condemned),
                        format!("{} is terminating", name()),
                    ));
                }
                if monotonic && !f.running_and_ready() {
                    return Ok(waits(
                        next_step(v, slots, i, condemned),
                        format!("{} is not Running and Ready yet", name()),
                    ));
                }
                if monotonic && !f.running_and_available(min_ready, now) {
                    return Ok(waits(
                        next_step(v, slots, i, condemned),
                        format!(
                            "{} is not Available yet (minReadySeconds: {min_ready})",
                            name()
                        ),
                    ));
                }
                if !(f.identity_storage_ok && watch.claims(c, update_set, pod, f).retention_ok) {
                    pod_control::update_pod(c, update_set, pod)?;
                }
            }
        }
    }
    // Claims of condemned pods get the owner refs the retention policy asks for.
    for &PodRef { pod, f } in condemned {
        if !watch.claims(c, update_set, pod, f).retention_ok {
            pod_control::update_claims_for_retention(c, update_set, pod);
        }
    }
    // Condemned pods, highest ordinal first.
    for &PodRef { pod, f } in condemned {
        let name = &pod.metadata.name;
        if f.terminating {
            if monotonic {
                return Ok(Block::because(format!(
                    "scale-down waits: {name} is terminating"
                )));
            }
            continue;
        }
        let first = first_unavailable == Some(name.as_str());
        if !f.running_and_ready() && monotonic && !first {
            return Ok(Block::because(format!(
                "scale-down waits: {name} is not Running and Ready"
            )));
        }
        if !f.running_and_available(min_ready, now) && monotonic && !first {
            return Ok(Block::because(format!(
                "scale-down waits: {name} is not Available"
            )));
        }
        pod_control::delete_pod(c, set, pod)?;
        if monotonic {
            return Ok(Block::because(format!(
                "scale-down: waiting for {name} to terminate"
            )));
        }
    }
    if set.update_strategy_type() == "OnDelete" {
        return Ok(Block::none());
    }
    if c.feature_gates.enabled(MAX_UNAVAILABLE_STATEFULSET) {
        return update_with_max_unavailable(c, v, slots, status, min_ready);
    }
    // Rolling update: the highest ordinal not at the update revision, down to the partition.
    let update_min = set.partition().max(0) as usize;
    if !slots[update_min.min(slots.len())..]
        .iter()
        .any(|s| !v.at_update(s))
    {
        return Ok(Block::none());
    }
    for target in (update_min..slots.len()).rev() {
        let (pod, f) = match slots[target] {
            Slot::Existing(p) => (p.pod, p.f),
            Slot::Missing(_) => {
                return Ok(Block::because(format!(
                    "rolling update waits: {} is not Running and Ready yet",
                    v.name(&slots[target])
                )))
            }
        };
        let name = &pod.metadata.name;
        if !v.at_update(&slots[target]) && !f.terminating {
            pod_control::delete_pod(c, set, pod)?;
            status.current_replicas -= 1;
            return Ok(Block::because(format!(
                "rolling update: waiting for {name} to be replaced"
            )));
        }
        if f.unavailable(min_ready, now) {
            return Ok(Block::because(format!(
                "rolling update waits: {name} is not Running and Ready yet"
            )));
        }
    }
    Ok(Block::none())
}

/// `getStatefulSetMaxUnavailable`: an int, or a percentage of the replicas rounded down; never
/// below 1.
pub(crate) fn max_unavailable(set: &StatefulSet) -> usize {
    let replicas = set.replicas().max(0) as i64;
    let n = match set
        .spec
        .update_strategy
        .as_ref()
        .and_then(|u| u.rolling_update.as_ref())
        .and_then(|r| r.max_unavailable.as_ref())
    {
        Some(serde_json::Value::Number(n)) => n.as_i64().unwrap_or(1),
        Some(serde_json::Value::String(s)) => match s.strip_suffix('%').map(str::parse::<i64>) {
            Some(Ok(p)) => p * replicas / 100,
            _ => s.parse().unwrap_or(1),
        },
        _ => 1,
    };
    n.max(1) as usize
}

/// `updateStatefulSetAfterInvariantEstablished` (gate `MaxUnavailableStatefulSet` on): counts
/// the unavailable replicas (below the partition too) and deletes up to `maxUnavailable` minus
/// that many outdated pods, highest ordinal first, never below the partition.
fn update_with_max_unavailable(
    c: &mut Cluster,
    v: &Versions,
    slots: &[Slot],
    status: &mut StatefulSetStatus,
    min_ready: i64,
) -> Result<Block, String> {
    let set = v.set;
    let now = c.now;
    let max = max_unavailable(set);
    let unavailable = slots
        .iter()
        .filter(|s| match s {
            Slot::Missing(_) => true,
            Slot::Existing(p) => p.f.unavailable(min_ready, now),
        })
        .count();
    let update_min = (set.partition().max(0) as usize).min(slots.len());
    let outdated = slots[update_min..].iter().any(|s| !v.at_update(s));
    if !outdated {
        return Ok(Block::none());
    }
    if unavailable >= max {
        return Ok(Block::because(format!(
            "rolling update waits: {unavailable} of {} pods unavailable (maxUnavailable: {max})",
            slots.len()
        )));
    }
    let mut budget = max - unavailable;
    let mut deleted = Vec::new();
    for target in (update_min..slots.len()).rev() {
        if budget == 0 {
            break;
        }
        let Slot::Existing(PodRef { pod, f }) = slots[target] else {
            continue;
        };
        if !v.at_update(&slots[target]) && !f.terminating {
            pod_control::delete_pod(c, set, pod)?;
            status.current_replicas -= 1;
            deleted.push(pod.metadata.name.clone());
            budget -= 1;
        }
    }
    Ok(Block::because(if deleted.is_empty() {
        "rolling update waits: replaced pods are not Running and Ready yet".to_string()
    } else {
        format!(
            "rolling update: waiting for {} to be replaced",
            deleted.join(", ")
        )
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(replicas: i32, max_unavailable: Option<serde_json::Value>) -> StatefulSet {
        let mut s = StatefulSet::default();
        s.spec.replicas = Some(replicas);
        s.spec.update_strategy = Some(StatefulSetUpdateStrategy {
            type_: Some("RollingUpdate".into()),
            rolling_update: Some(RollingUpdate {
                partition: Some(0),
                max_unavailable,
            }),
        });
        s
    }

    // Upstream TestStatefulSetMetrics' resolutions: ints as they are, percentages of the
    // replicas rounded down, never below 1; absent means 1.
    #[test]
    fn max_unavailable_resolves_ints_and_percentages() {
        use serde_json::json;
        for (replicas, v, want) in [
            (10, Some(json!(3)), 3),
            (10, Some(json!("20%")), 2),
            (8, Some(json!("25%")), 2),
            (5, Some(json!("80%")), 4),
            (3, Some(json!("10%")), 1),
            (3, None, 1),
        ] {
            assert_eq!(
                max_unavailable(&set(replicas, v.clone())),
                want,
                "{v:?} of {replicas}"
            );
        }
    }
}
