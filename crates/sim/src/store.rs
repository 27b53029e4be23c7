//! The object store: one writer (the cluster), many readers. Every write bumps the
//! resourceVersion and appends a watch event; readers follow the log from a cursor.

use crate::api::{Kind, Object};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::Arc;

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

/// How many watch events the store keeps; an older cursor gets `410 Gone`, as etcd compaction gives.
pub const WATCH_LOG_CAPACITY: usize = 100_000;

#[derive(Clone, Default)]
pub struct Store {
    objects: BTreeMap<Kind, BTreeMap<ObjKey, Arc<Object>>>,
    rv: u64,
    log: VecDeque<WatchEvent>,
    /// Events not yet handed to the controllers (drained by the cluster after each write batch).
    pending: Vec<WatchEvent>,
    /// owner uid → dependents.
    by_owner: HashMap<String, BTreeSet<(Kind, ObjKey)>>,
    by_uid: HashMap<String, (Kind, ObjKey)>,
}

impl Store {
    pub fn resource_version(&self) -> u64 {
        self.rv
    }

    pub fn get(&self, kind: Kind, ns: &str, name: &str) -> Option<&Arc<Object>> {
        self.objects
            .get(&kind)?
            .get(&(ns.to_string(), name.to_string()))
    }

    pub fn get_by_uid(&self, uid: &str) -> Option<&Arc<Object>> {
        let (kind, (ns, name)) = self.by_uid.get(uid)?;
        self.get(*kind, ns, name)
    }

    /// Objects of a kind, ordered by namespace then name; `ns: None` means all namespaces.
    pub fn list(&self, kind: Kind, ns: Option<&str>) -> impl Iterator<Item = &Arc<Object>> {
        let map = self.objects.get(&kind);
        let ns = ns.map(str::to_string);
        let range: Box<dyn Iterator<Item = (&ObjKey, &Arc<Object>)>> = match (map, ns) {
            (None, _) => Box::new(std::iter::empty()),
            (Some(m), None) => Box::new(m.iter()),
            (Some(m), Some(ns)) => {
                let lo = (ns.clone(), String::new());
                Box::new(m.range(lo..).take_while(move |((n, _), _)| *n == ns))
            }
        };
        range.map(|(_, o)| o)
    }

    pub fn count(&self, kind: Kind) -> usize {
        self.objects.get(&kind).map_or(0, |m| m.len())
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
            .insert(key.clone(), obj.clone());
        if let Some(old) = &old {
            self.unindex(kind, &key, old);
        }
        self.index(kind, &key, &obj);
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
        let old = self.objects.get_mut(&kind)?.remove(&key)?;
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
        if self.log.len() == WATCH_LOG_CAPACITY {
            self.log.pop_front();
        }
        self.log.push_back(ev.clone());
        self.pending.push(ev);
    }

    fn index(&mut self, kind: Kind, key: &ObjKey, obj: &Object) {
        let m = obj.meta();
        if !m.uid.is_empty() {
            self.by_uid.insert(m.uid.clone(), (kind, key.clone()));
        }
        for r in &m.owner_references {
            self.by_owner
                .entry(r.uid.clone())
                .or_default()
                .insert((kind, key.clone()));
        }
    }

    fn unindex(&mut self, kind: Kind, key: &ObjKey, obj: &Object) {
        let m = obj.meta();
        if self
            .by_uid
            .get(&m.uid)
            .is_some_and(|(k, kk)| *k == kind && kk == key)
        {
            self.by_uid.remove(&m.uid);
        }
        for r in &m.owner_references {
            if let Some(set) = self.by_owner.get_mut(&r.uid) {
                set.remove(&(kind, key.clone()));
                if set.is_empty() {
                    self.by_owner.remove(&r.uid);
                }
            }
        }
    }

    /// Watch events after resourceVersion `since`, or `Err(oldest)` if the log no longer reaches back.
    pub fn events_since(&self, since: u64) -> Result<Vec<WatchEvent>, u64> {
        let oldest = self.log.front().map_or(self.rv + 1, |e| e.resource_version);
        if since + 1 < oldest && since < self.rv {
            return Err(oldest);
        }
        let start = self.log.partition_point(|e| e.resource_version <= since);
        Ok(self.log.range(start..).cloned().collect())
    }

    pub(crate) fn take_pending(&mut self) -> Vec<WatchEvent> {
        std::mem::take(&mut self.pending)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ObjectMeta, Secret};

    fn secret(name: &str) -> Object {
        Object::Secret(Secret {
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
