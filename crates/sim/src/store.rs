//! The object store: one writer (the cluster), many readers. Every write bumps the
//! resourceVersion and appends a watch event; readers follow the log from a cursor.

use crate::api::{EndpointSlice, Kind, Object, PersistentVolume, Pod};
use crate::time::Time;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

/// namespace → name → object: nested so that a lookup by `&str` allocates nothing.
type KindMap = BTreeMap<String, BTreeMap<String, Arc<Object>>>;
use std::sync::{Arc, Weak};

/// `(namespace, name)`; the namespace is empty for cluster-scoped kinds.
pub type ObjKey = (String, String);

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum WatchEventType {
    Added,
    Modified,
    Deleted,
}

impl WatchEventType {
    pub fn as_str(self) -> &'static str {
        match self {
            WatchEventType::Added => "ADDED",
            WatchEventType::Modified => "MODIFIED",
            WatchEventType::Deleted => "DELETED",
        }
    }
}

#[derive(Clone, Debug)]
pub struct WatchEvent {
    pub type_: WatchEventType,
    pub object: Arc<Object>,
    /// The store's resourceVersion after this write.
    pub resource_version: u64,
}

/// The API server's watch cache (`watch_cache.go`): how long it means to keep events
/// (`eventFreshDuration`, the bookmark interval plus a little)…
pub const WATCH_CACHE_FRESH_MS: u64 = 75_000;
/// …and the bounds of each resource's cache, which doubles while everything in it is fresh and
/// halves once its newest quarter is not (`defaultLowerBoundCapacity`, `defaultUpperBoundCapacity`).
pub const WATCH_CACHE_MIN: usize = 100;
pub const WATCH_CACHE_MAX: usize = 100 * 1024;

/// The API server's `--event-ttl` (1 h by default): an Event is deleted this long after its
/// last write.
pub const EVENT_TTL_MS: u64 = 3_600_000;

/// One resource's watch cache: a sliding window of its latest events, each with the time it was
/// written, whose size follows how fast they come (as `watchCache.resizeCacheLocked`). A cursor
/// older than the window gets `410 Gone` ("too old resource version"), and the client relists.
#[derive(Clone)]
struct WatchCache {
    events: VecDeque<(Time, WatchEvent)>,
    capacity: usize,
    /// The resourceVersion of the last event that left the window (0: none has). A cursor
    /// before it has missed events.
    removed_through: u64,
}

impl Default for WatchCache {
    fn default() -> WatchCache {
        WatchCache {
            events: VecDeque::new(),
            capacity: WATCH_CACHE_MIN,
            removed_through: 0,
        }
    }
}

impl WatchCache {
    /// `updateCache`: resize if need be, drop the oldest if full, append. Events after
    /// `keep_after` stay even so (up to [`WATCH_CACHE_MAX`]): no reader could have read them yet.
    fn push(&mut self, at: Time, ev: WatchEvent, keep_after: u64) {
        let full = self.events.len() >= self.capacity;
        if full {
            let oldest = self.events.front().map_or(at, |e| e.0);
            let quarter = self
                .events
                .get(self.events.len() - self.capacity / 4)
                .map_or(at, |e| e.0);
            if at.since(oldest) < WATCH_CACHE_FRESH_MS {
                self.capacity = (self.capacity * 2).min(WATCH_CACHE_MAX);
            } else if at.since(quarter) > WATCH_CACHE_FRESH_MS {
                self.capacity = (self.capacity / 2).max(WATCH_CACHE_MIN);
            }
        }
        while let Some((_, first)) = self.events.front() {
            let n = self.events.len();
            if n < self.capacity || (first.resource_version > keep_after && n < WATCH_CACHE_MAX) {
                break;
            }
            self.removed_through = first.resource_version;
            self.events.pop_front();
        }
        if self.events.capacity() > 2 * self.capacity.max(self.events.len() + 1) {
            self.events.shrink_to(self.capacity);
        }
        self.events.push_back((at, ev));
    }

    /// Events after `since`, or `Err(oldest - 1)` if events after it have left the window
    /// (`getAllEventsSinceLocked`'s "too old resource version: since (oldest - 1)"). Upstream
    /// refuses any cursor before the window's first event; a live watch there never asks, but
    /// a reader here follows the stream by polling, so only a cursor that did miss an event is
    /// refused.
    fn since(&self, since: u64) -> Result<impl Iterator<Item = &WatchEvent>, u64> {
        if since < self.removed_through {
            let oldest = self
                .events
                .front()
                .map_or(self.removed_through + 1, |(_, e)| e.resource_version);
            return Err(oldest - 1);
        }
        let start = self
            .events
            .partition_point(|(_, e)| e.resource_version <= since);
        Ok(self.events.range(start..).map(|(_, e)| e))
    }
}

#[derive(Clone, Default)]
pub struct Store {
    objects: BTreeMap<Kind, KindMap>,
    rv: u64,
    /// The clock, as the cluster last set it: when each watch event is recorded.
    now: Time,
    /// The watch caches, one per kind.
    caches: BTreeMap<Kind, WatchCache>,
    /// Events after this resourceVersion stay in the watch caches: see [`Store::mark_readable`].
    keep_after: u64,
    /// Events live for [`EVENT_TTL_MS`] after their last write, as the API server's
    /// `--event-ttl` lease gives them: (when, the resourceVersion written, that version), in
    /// write order; an entry whose event was written again since (or deleted) is passed over.
    /// The version is held weakly: an entry costs no copy of the Event's key, and keeps no
    /// version alive that the store and the watch caches have let go.
    event_ttl: VecDeque<(Time, u64, Weak<Object>)>,
    /// Events not yet handed to the controllers (drained by the cluster after each write batch).
    pending: Vec<WatchEvent>,
    /// owner uid → dependents.
    by_owner: HashMap<String, BTreeSet<(Kind, ObjKey)>>,
    /// uid → the object (its current version), keyed by the object's own uid string.
    by_uid: HashSet<ByUid>,
    /// Secondary indices the controllers use instead of scanning every pod (issue 7: cost
    /// follows change). Each is kept by [`Store::index`]/[`Store::unindex`] on every write.
    idx: Indices,
}

/// Pods by node and by claim, and EndpointSlices by the pods they list. Each kind's
/// `KindDef::index`/`unindex` says which of them it is in.
#[derive(Clone, Default)]
pub(crate) struct Indices {
    /// node → pods bound to it.
    pods_on_node: HashMap<String, BTreeSet<ObjKey>>,
    /// node → how many of its pods have not finished (the scheduler's load).
    node_load: HashMap<String, usize>,
    /// (namespace, claim) → names of the pods whose volumes use it.
    claim_users: HashMap<ObjKey, BTreeSet<String>>,
    /// (namespace, pod) → names of the EndpointSlices that list it.
    slices_of_pod: HashMap<ObjKey, BTreeSet<String>>,
    /// Volumes a claim could bind to: Available, with no claim reference, not being deleted.
    available_pvs: BTreeSet<String>,
}

impl Indices {
    /// A pod: by node (and the node's load while it runs) and by the claims it uses.
    pub(crate) fn add_pod(&mut self, key: &ObjKey, p: &Pod) {
        if let Some(node) = &p.spec.node_name {
            self.pods_on_node
                .entry(node.clone())
                .or_default()
                .insert(key.clone());
            if !matches!(p.phase(), "Succeeded" | "Failed") {
                *self.node_load.entry(node.clone()).or_default() += 1;
            }
        }
        for claim in p.claim_names() {
            self.claim_users
                .entry((key.0.clone(), claim.to_string()))
                .or_default()
                .insert(key.1.clone());
        }
    }

    pub(crate) fn remove_pod(&mut self, key: &ObjKey, p: &Pod) {
        if let Some(node) = &p.spec.node_name {
            remove_from(&mut self.pods_on_node, node, key);
            if !matches!(p.phase(), "Succeeded" | "Failed") {
                if let Some(n) = self.node_load.get_mut(node.as_str()) {
                    *n = n.saturating_sub(1);
                }
            }
        }
        for claim in p.claim_names() {
            remove_from(
                &mut self.claim_users,
                &(key.0.clone(), claim.to_string()),
                &key.1,
            );
        }
    }

    /// An EndpointSlice: by the pods it lists.
    pub(crate) fn add_slice(&mut self, key: &ObjKey, s: &EndpointSlice) {
        for name in slice_targets(s) {
            self.slices_of_pod
                .entry((key.0.clone(), name.to_string()))
                .or_default()
                .insert(key.1.clone());
        }
    }

    pub(crate) fn remove_slice(&mut self, key: &ObjKey, s: &EndpointSlice) {
        for name in slice_targets(s) {
            remove_from(
                &mut self.slices_of_pod,
                &(key.0.clone(), name.to_string()),
                &key.1,
            );
        }
    }

    /// A PersistentVolume: among those a claim could bind to, if it is one.
    pub(crate) fn add_volume(&mut self, key: &ObjKey, pv: &PersistentVolume) {
        if pv.status.phase.as_deref() == Some("Available")
            && pv.spec.claim_ref.is_none()
            && !pv.metadata.is_deleting()
        {
            self.available_pvs.insert(key.1.clone());
        }
    }

    pub(crate) fn remove_volume(&mut self, key: &ObjKey) {
        self.available_pvs.remove(&key.1);
    }
}

impl Store {
    pub fn resource_version(&self) -> u64 {
        self.rv
    }

    pub fn get(&self, kind: Kind, ns: &str, name: &str) -> Option<&Arc<Object>> {
        self.objects.get(&kind)?.get(ns)?.get(name)
    }

    pub fn get_by_uid(&self, uid: &str) -> Option<&Arc<Object>> {
        self.by_uid.get(uid).map(|o| &o.0)
    }

    /// Objects of a kind, ordered by namespace then name; `ns: None` means all namespaces.
    pub fn list(&self, kind: Kind, ns: Option<&str>) -> impl Iterator<Item = &Arc<Object>> {
        let map = self.objects.get(&kind);
        let range: Box<dyn Iterator<Item = &Arc<Object>>> = match (map, ns) {
            (None, _) => Box::new(std::iter::empty()),
            (Some(m), None) => Box::new(m.values().flat_map(|names| names.values())),
            (Some(m), Some(ns)) => match m.get(ns) {
                Some(names) => Box::new(names.values()),
                None => Box::new(std::iter::empty()),
            },
        };
        range
    }

    pub fn count(&self, kind: Kind) -> usize {
        self.objects
            .get(&kind)
            .map_or(0, |m| m.values().map(BTreeMap::len).sum())
    }

    /// How many objects of a kind one namespace holds.
    pub fn count_in(&self, kind: Kind, ns: &str) -> usize {
        self.objects
            .get(&kind)
            .and_then(|m| m.get(ns))
            .map_or(0, BTreeMap::len)
    }

    /// Dependents of the object with this uid (objects whose ownerReferences name it).
    pub fn dependents(&self, owner_uid: &str) -> Vec<Arc<Object>> {
        let Some(set) = self.by_owner.get(owner_uid) else {
            return Vec::new();
        };
        set.iter()
            .filter_map(|(k, (ns, n))| self.get(*k, ns, n).cloned())
            .collect()
    }

    /// Writes an object (create or replace), bumping its resourceVersion.
    pub fn put(&mut self, mut obj: Object) -> Arc<Object> {
        self.rv += 1;
        obj.meta_mut().resource_version = self.rv.to_string();
        let kind = obj.kind();
        let key = (obj.namespace().to_string(), obj.name().to_string());
        let obj = Arc::new(obj);
        let old = self
            .objects
            .entry(kind)
            .or_default()
            .entry(key.0.clone())
            .or_default()
            .insert(key.1.clone(), obj.clone());
        match (&old, &*obj) {
            // A slice of thousands of endpoints is rewritten as pods come and go: only the
            // pods that joined or left it are re-indexed.
            (Some(old), Object::EndpointSlice(new))
                if old.meta().owner_references == new.metadata.owner_references =>
            {
                if let Object::EndpointSlice(was) = &**old {
                    let before: BTreeSet<&str> = slice_targets(was).collect();
                    let after: BTreeSet<&str> = slice_targets(new).collect();
                    for gone in before.difference(&after) {
                        remove_from(
                            &mut self.idx.slices_of_pod,
                            &(key.0.clone(), gone.to_string()),
                            &key.1,
                        );
                    }
                    for came in after.difference(&before) {
                        self.idx
                            .slices_of_pod
                            .entry((key.0.clone(), came.to_string()))
                            .or_default()
                            .insert(key.1.clone());
                    }
                }
            }
            // Every other write alike: out of the indices as it was, in as it is.
            _ => {
                if let Some(old) = &old {
                    self.unindex(kind, &key, old);
                }
                self.index(kind, &key, &obj);
            }
        }
        // The uid index holds the current version itself: replaced on every write.
        if !obj.meta().uid.is_empty() {
            self.by_uid.replace(ByUid(obj.clone()));
        }
        if kind == Kind::Event {
            self.event_ttl.push_back((
                self.now.plus_ms(EVENT_TTL_MS),
                self.rv,
                Arc::downgrade(&obj),
            ));
        }
        let type_ = if old.is_some() {
            WatchEventType::Modified
        } else {
            WatchEventType::Added
        };
        self.append(WatchEvent {
            type_,
            object: obj.clone(),
            resource_version: self.rv,
        });
        obj
    }

    /// Removes an object for good, appending a DELETED event.
    pub fn remove(&mut self, kind: Kind, ns: &str, name: &str) -> Option<Arc<Object>> {
        let key = (ns.to_string(), name.to_string());
        let names = self.objects.get_mut(&kind)?.get_mut(ns)?;
        let old = names.remove(name)?;
        if names.is_empty() {
            if let Some(m) = self.objects.get_mut(&kind) {
                m.remove(ns);
            }
        }
        self.unindex(kind, &key, &old);
        self.rv += 1;
        let mut last = (*old).clone();
        last.meta_mut().resource_version = self.rv.to_string();
        let last = Arc::new(last);
        self.append(WatchEvent {
            type_: WatchEventType::Deleted,
            object: last.clone(),
            resource_version: self.rv,
        });
        Some(last)
    }

    fn append(&mut self, ev: WatchEvent) {
        self.caches.entry(ev.object.kind()).or_default().push(
            self.now,
            ev.clone(),
            self.keep_after,
        );
        self.pending.push(ev);
    }

    /// Time stopped moving for now (a call that moved it returned): whoever follows the watch
    /// may read what came so far. Until the next such point, the watch caches keep every event
    /// after this one, however many or old: a watch stream is live in the API server, and here
    /// a reader can only read between the calls that move time.
    pub(crate) fn mark_readable(&mut self) {
        self.keep_after = self.rv;
    }

    /// The cluster's clock moved: later watch events are recorded at `now`.
    pub(crate) fn set_now(&mut self, now: Time) {
        self.now = now;
    }

    /// When the next Event's TTL runs out, if one may (an entry may turn out to be stale).
    pub(crate) fn next_event_expiry(&self) -> Option<Time> {
        self.event_ttl.front().map(|e| e.0)
    }

    /// Deletes the Events whose TTL ran out by `now` (a DELETED watch event each, as etcd's
    /// lease expiry gives), in the order they were written.
    pub(crate) fn expire_events(&mut self) {
        while let Some((at, rv, ..)) = self.event_ttl.front() {
            if *at > self.now {
                break;
            }
            let rv = *rv;
            let Some((_, _, version)) = self.event_ttl.pop_front() else {
                break;
            };
            // The version written then, if something still holds it; the current version is
            // held by the store, so a version gone is not current.
            let Some(version) = version.upgrade() else {
                continue;
            };
            let (ns, name) = (version.namespace(), version.name());
            let current = self
                .get(Kind::Event, ns, name)
                .is_some_and(|o| o.meta().resource_version.parse() == Ok(rv));
            if current {
                self.remove(Kind::Event, ns, name);
            }
        }
    }

    fn index(&mut self, kind: Kind, key: &ObjKey, obj: &Object) {
        let m = obj.meta();
        for r in &m.owner_references {
            self.by_owner
                .entry(r.uid.clone())
                .or_default()
                .insert((kind, key.clone()));
        }
        obj.index(key, &mut self.idx);
    }

    fn unindex(&mut self, kind: Kind, key: &ObjKey, obj: &Object) {
        let m = obj.meta();
        if self
            .by_uid
            .get(m.uid.as_str())
            .is_some_and(|o| o.0.kind() == kind && o.0.namespace() == key.0 && o.0.name() == key.1)
        {
            self.by_uid.remove(m.uid.as_str());
        }
        for r in &m.owner_references {
            if let Some(set) = self.by_owner.get_mut(&r.uid) {
                set.remove(&(kind, key.clone()));
                if set.is_empty() {
                    self.by_owner.remove(&r.uid);
                }
            }
        }
        obj.unindex(key, &mut self.idx);
    }

    /// Names of the volumes a claim could bind to (Available, unclaimed), in name order.
    pub fn available_pvs(&self) -> impl Iterator<Item = &String> {
        self.idx.available_pvs.iter()
    }

    /// Pods bound to `node`, in key order.
    pub fn pods_on_node(&self, node: &str) -> impl Iterator<Item = &ObjKey> {
        self.idx.pods_on_node.get(node).into_iter().flatten()
    }

    /// How many pods bound to `node` have not finished (Succeeded or Failed).
    pub fn node_load(&self, node: &str) -> usize {
        self.idx.node_load.get(node).copied().unwrap_or(0)
    }

    /// Names of the pods in `ns` whose volumes use the claim `claim`.
    pub fn claim_users(&self, ns: &str, claim: &str) -> impl Iterator<Item = &String> {
        // The index is keyed by owned strings; this one lookup allocates.
        self.idx
            .claim_users
            .get(&(ns.to_string(), claim.to_string()))
            .into_iter()
            .flatten()
    }

    /// Names of the EndpointSlices in `ns` that list the pod `pod`.
    pub fn slices_of_pod(&self, ns: &str, pod: &str) -> impl Iterator<Item = &String> {
        self.idx
            .slices_of_pod
            .get(&(ns.to_string(), pod.to_string()))
            .into_iter()
            .flatten()
    }

    /// Watch events of one kind after resourceVersion `since` (a watch on that resource), or
    /// `Err(oldest)` if its watch cache no longer reaches back: "too old resource version:
    /// since (oldest)".
    pub fn kind_events_since(&self, kind: Kind, since: u64) -> Result<Vec<WatchEvent>, u64> {
        match self.caches.get(&kind) {
            None => Ok(Vec::new()),
            Some(c) => c.since(since).map(|evs| evs.cloned().collect()),
        }
    }

    /// The resourceVersion of the last write to objects of `kind` (0: none is in its watch
    /// cache's reach): a reader that has seen up to it has seen every change of that kind.
    pub(crate) fn kind_last_rv(&self, kind: Kind) -> u64 {
        self.caches.get(&kind).map_or(0, |c| {
            c.events
                .back()
                .map_or(c.removed_through, |(_, e)| e.resource_version)
        })
    }

    /// [`Store::kind_events_since`] without copying the events.
    pub(crate) fn kind_events_after(
        &self,
        kind: Kind,
        since: u64,
    ) -> Result<Vec<&WatchEvent>, u64> {
        match self.caches.get(&kind) {
            None => Ok(Vec::new()),
            Some(c) => c.since(since).map(Iterator::collect),
        }
    }

    /// Watch events of every kind after resourceVersion `since`, in resourceVersion order, or
    /// `Err(oldest)` if the watch cache of any kind no longer reaches back.
    pub fn events_since(&self, since: u64) -> Result<Vec<WatchEvent>, u64> {
        let mut runs = Vec::new();
        for c in self.caches.values() {
            runs.push(c.since(since)?.peekable());
        }
        // Each kind's run is in resourceVersion order: merge them.
        let mut out = Vec::new();
        loop {
            let next = runs
                .iter_mut()
                .enumerate()
                .filter_map(|(i, r)| Some((r.peek()?.resource_version, i)))
                .min();
            let Some((_, i)) = next else {
                return Ok(out);
            };
            out.extend(runs[i].next().cloned());
        }
    }

    pub(crate) fn take_pending(&mut self) -> Vec<WatchEvent> {
        std::mem::take(&mut self.pending)
    }

    /// The store taken apart for a heap profile by structure ([`crate::Cluster::heap_parts`]):
    /// the watch log first (what it alone keeps alive is the versions no longer current), then
    /// the indices, then the objects of a few kinds, then the rest.
    pub(crate) fn into_parts(mut self) -> Vec<(&'static str, Box<dyn std::any::Any>)> {
        let mut parts: Vec<(&'static str, Box<dyn std::any::Any>)> = Vec::new();
        for (label, kind) in [
            ("watch log (old versions): Pods", Kind::Pod),
            ("watch log (old versions): Events", Kind::Event),
            (
                "watch log (old versions): claims",
                Kind::PersistentVolumeClaim,
            ),
            ("watch log (old versions): volumes", Kind::PersistentVolume),
            (
                "watch log (old versions): EndpointSlices",
                Kind::EndpointSlice,
            ),
            ("watch log (old versions): StatefulSets", Kind::StatefulSet),
        ] {
            parts.push((label, Box::new(self.caches.remove(&kind))));
        }
        parts.extend([
            (
                "watch log (old versions): other kinds",
                Box::new((self.caches, self.pending)) as Box<dyn std::any::Any>,
            ),
            ("Event TTL queue", Box::new(self.event_ttl)),
            (
                "store indices (owner, uid, pods, slices)",
                Box::new((self.by_owner, self.by_uid, self.idx)),
            ),
        ]);
        for (label, kind) in [
            ("Events", Kind::Event),
            ("Pods", Kind::Pod),
            ("PersistentVolumeClaims", Kind::PersistentVolumeClaim),
            ("PersistentVolumes", Kind::PersistentVolume),
            ("EndpointSlices", Kind::EndpointSlice),
        ] {
            parts.push((label, Box::new(self.objects.remove(&kind))));
        }
        parts.push(("other objects", Box::new(self.objects)));
        parts
    }
}

/// An object in the uid index: hashed, compared and looked up by its uid, so the index holds
/// no copy of it.
#[derive(Clone)]
struct ByUid(Arc<Object>);

impl PartialEq for ByUid {
    fn eq(&self, other: &ByUid) -> bool {
        self.0.meta().uid == other.0.meta().uid
    }
}

impl Eq for ByUid {}

impl std::hash::Hash for ByUid {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.meta().uid.as_str().hash(h)
    }
}

impl std::borrow::Borrow<str> for ByUid {
    fn borrow(&self) -> &str {
        &self.0.meta().uid
    }
}

/// The pod names an EndpointSlice's endpoints refer to.
fn slice_targets(s: &EndpointSlice) -> impl Iterator<Item = &str> {
    s.endpoints.iter().filter_map(|e| {
        e.target_ref
            .as_ref()
            .filter(|r| r.kind.as_deref().is_none_or(|k| k == "Pod"))
            .and_then(|r| r.name.as_deref())
    })
}

/// Removes `v` from the set at `k`, and the set once it is empty.
fn remove_from<K, Q, V>(m: &mut HashMap<K, BTreeSet<V>>, k: &Q, v: &V)
where
    K: std::borrow::Borrow<Q> + std::hash::Hash + Eq,
    Q: std::hash::Hash + Eq + ?Sized,
    V: Ord,
{
    if let Some(set) = m.get_mut(k) {
        set.remove(v);
        if set.is_empty() {
            m.remove(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ObjectMeta, Secret};

    fn secret(name: &str) -> Object {
        Object::from(Secret {
            metadata: ObjectMeta {
                uid: format!("uid-{name}"),
                ..ObjectMeta::named("default", name)
            },
            ..Default::default()
        })
    }

    #[test]
    fn writes_bump_resource_version_and_log_events() {
        let mut s = Store::default();
        s.put(secret("a"));
        let b = s.put(secret("b"));
        assert_eq!(b.meta().resource_version, "2");
        s.put(secret("a"));
        s.remove(Kind::Secret, "default", "b");
        let evs = s.events_since(0).unwrap();
        let types: Vec<_> = evs
            .iter()
            .map(|e| (e.type_.as_str(), e.object.name().to_string()))
            .collect();
        assert_eq!(
            types,
            vec![
                ("ADDED", "a".into()),
                ("ADDED", "b".into()),
                ("MODIFIED", "a".into()),
                ("DELETED", "b".into())
            ]
        );
        assert_eq!(s.events_since(3).unwrap().len(), 1);
        assert_eq!(s.list(Kind::Secret, Some("default")).count(), 1);
        assert!(s.get_by_uid("uid-a").is_some());
        assert!(s.get_by_uid("uid-b").is_none());
    }

    fn pod(name: &str, node: Option<&str>, phase: &str, claim: &str) -> Object {
        use crate::api::{Pod, PvcVolumeSource as Src, Volume};
        let mut p = Pod {
            metadata: ObjectMeta::named("default", name),
            ..Default::default()
        };
        p.spec.node_name = node.map(str::to_string);
        p.status.phase = Some(phase.into());
        p.spec.volumes.push(Volume {
            name: "www".into(),
            persistent_volume_claim: Some(Src {
                claim_name: claim.into(),
                read_only: None,
            }),
            ..Default::default()
        });
        Object::Pod(Box::new(p))
    }

    #[test]
    fn pod_indices_follow_binding_phase_and_removal() {
        let mut s = Store::default();
        s.put(pod("web-0", None, "Pending", "www-web-0"));
        assert_eq!(s.node_load("n1"), 0);
        assert_eq!(
            s.claim_users("default", "www-web-0").collect::<Vec<_>>(),
            ["web-0"]
        );
        s.put(pod("web-0", Some("n1"), "Running", "www-web-0"));
        s.put(pod("web-1", Some("n1"), "Running", "www-web-1"));
        assert_eq!(s.node_load("n1"), 2);
        assert_eq!(s.pods_on_node("n1").count(), 2);
        // A finished pod stays on its node but no longer counts as load.
        s.put(pod("web-1", Some("n1"), "Succeeded", "www-web-1"));
        assert_eq!((s.node_load("n1"), s.pods_on_node("n1").count()), (1, 2));
        s.remove(Kind::Pod, "default", "web-0");
        assert_eq!((s.node_load("n1"), s.pods_on_node("n1").count()), (0, 1));
        assert_eq!(s.claim_users("default", "www-web-0").count(), 0);
        assert_eq!(s.count_in(Kind::Pod, "default"), 1);
        assert_eq!(s.count_in(Kind::Pod, "other"), 0);
    }

    #[test]
    fn slice_index_follows_its_endpoints() {
        use crate::api::{Endpoint, EndpointSlice, ObjectReference};
        let slice = |targets: &[&str]| {
            Object::from(EndpointSlice {
                metadata: ObjectMeta::named("default", "nginx-abcde"),
                endpoints: targets
                    .iter()
                    .map(|t| {
                        Endpoint {
                            target_ref: Some(ObjectReference {
                                kind: Some("Pod".into()),
                                name: Some(t.to_string()),
                                ..Default::default()
                            }),
                            ..Default::default()
                        }
                        .into()
                    })
                    .collect(),
                ..Default::default()
            })
        };
        let mut s = Store::default();
        s.put(slice(&["web-0", "web-1"]));
        assert_eq!(
            s.slices_of_pod("default", "web-1").collect::<Vec<_>>(),
            ["nginx-abcde"]
        );
        s.put(slice(&["web-0"]));
        assert_eq!(s.slices_of_pod("default", "web-1").count(), 0);
        assert_eq!(s.slices_of_pod("default", "web-0").count(), 1);
    }

    fn at(s: &mut Store, secs: u64) {
        s.set_now(Time(1_000_000 + secs * 1000));
    }

    #[test]
    fn watch_cache_grows_while_fresh_and_slides_once_stale() {
        let mut s = Store::default();
        at(&mut s, 0);
        for i in 0..150 {
            s.put(secret(&format!("s{i}")));
        }
        // Everything within 75 s: the cache doubled (100 → 200) rather than drop any.
        assert_eq!(s.events_since(0).unwrap().len(), 150);
        // Until a reader may have read them, events stay whatever their age.
        s.mark_readable();
        at(&mut s, 100);
        for i in 0..200 {
            s.put(secret(&format!("t{i}")));
        }
        // Full at 200 with its oldest stale: the oldest go, and a cursor before them is too old
        // ("too old resource version: 0 (OLDEST)").
        let kept = s.kind_events_since(Kind::Secret, 150).unwrap();
        assert_eq!(kept.len(), 200);
        assert_eq!(s.kind_events_since(Kind::Secret, 0).unwrap_err(), 150);
        assert_eq!(s.kind_events_since(Kind::Secret, 149).unwrap_err(), 150);
        assert!(s.kind_events_since(Kind::Secret, 350).unwrap().is_empty());
        // Another resource's cache is its own: a pod watch from 0 still works.
        s.put(pod("web-0", None, "Pending", "www-web-0"));
        assert_eq!(s.kind_events_since(Kind::Pod, 0).unwrap().len(), 1);
        // The watch on every kind is as old as its oldest cache allows.
        assert!(s.events_since(0).is_err());
        let all = s.events_since(300).unwrap();
        assert_eq!(all.len(), 51);
        assert!(all
            .windows(2)
            .all(|w| w[0].resource_version < w[1].resource_version));
        // Once even its newest quarter is stale, the next write halves the cache (to 100).
        s.mark_readable();
        at(&mut s, 300);
        s.put(secret("late"));
        assert_eq!(s.kind_events_since(Kind::Secret, 251).unwrap().len(), 100);
        assert_eq!(s.kind_events_since(Kind::Secret, 250).unwrap_err(), 251);
    }

    fn event(name: &str) -> Object {
        Object::from(crate::api::Event {
            metadata: ObjectMeta::named("default", name),
            ..Default::default()
        })
    }

    #[test]
    fn events_expire_an_hour_after_their_last_write() {
        let mut s = Store::default();
        at(&mut s, 0);
        s.put(event("a"));
        s.put(event("b"));
        at(&mut s, 1800);
        s.put(event("b"));
        assert_eq!(s.next_event_expiry(), Some(Time(1_000_000 + 3600 * 1000)));
        at(&mut s, 3599);
        s.expire_events();
        assert_eq!(s.count(Kind::Event), 2);
        at(&mut s, 3600);
        s.expire_events();
        // `a` went, with a DELETED watch event; `b` was written again since.
        assert!(s.get(Kind::Event, "default", "a").is_none());
        let last = s.kind_events_since(Kind::Event, 3).unwrap();
        assert_eq!(
            (last[0].type_, last[0].object.name()),
            (WatchEventType::Deleted, "a")
        );
        at(&mut s, 5399);
        s.expire_events();
        assert_eq!(s.count(Kind::Event), 1);
        at(&mut s, 5400);
        s.expire_events();
        assert_eq!(s.count(Kind::Event), 0);
        assert_eq!(s.next_event_expiry(), None);
        // Only Events have a TTL.
        s.put(secret("kept"));
        assert_eq!(s.next_event_expiry(), None);
    }

    #[test]
    fn owner_index_follows_writes() {
        let mut s = Store::default();
        let mut child = secret("child");
        child
            .meta_mut()
            .owner_references
            .push(crate::api::OwnerReference {
                uid: "owner".into(),
                ..Default::default()
            });
        s.put(child.clone());
        assert_eq!(s.dependents("owner").len(), 1);
        child.meta_mut().owner_references.clear();
        s.put(child);
        assert!(s.dependents("owner").is_empty());
    }
}
