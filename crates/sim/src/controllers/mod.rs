//! Controllers: level-triggered reconcilers over the store. [`triggers`] maps each watch event
//! to the work it causes (like informer handlers); [`reconcile`] runs one work item.

pub mod endpoints;
pub mod gc;
pub mod kubelet;
pub mod node_lifecycle;
pub mod scheduler;
pub mod statefulset;
pub mod volume;

use crate::api::*;
use crate::cluster::Cluster;
use crate::store::{ObjKey, WatchEvent, WatchEventType};

/// One unit of controller work, keyed by the object it is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Work {
    /// StatefulSet controller: sync one set.
    StatefulSet(ObjKey),
    /// Scheduler: place one pod.
    Schedule(ObjKey),
    /// Kubelet: sync one pod on its node.
    Kubelet(ObjKey),
    /// PV controller and pvc-protection: one claim.
    Claim(ObjKey),
    /// local-path provisioner finishing a volume for a claim.
    Provision(ObjKey),
    /// PV controller reclaim and pv-protection: one volume.
    Volume(String),
    /// EndpointSlice controller: one service.
    Endpoints(ObjKey),
    /// Garbage collector: the dependents of one owner uid.
    Gc(String),
    /// Node lifecycle and taint-eviction controllers (and a restarted kubelet): one node.
    Node(String),
}

pub(crate) fn reconcile(c: &mut Cluster, work: Work) {
    match work {
        Work::StatefulSet(ref key) => {
            let size = c.get_as::<StatefulSet>(&key.0, &key.1).map_or(0, |s| {
                (s.replicas().max(0) as usize).max(s.status.replicas.max(0) as usize)
            });
            if !c.coalesce(&work, size) {
                statefulset::sync(c, key)
            }
        }
        Work::Schedule(key) => scheduler::schedule(c, &key),
        Work::Kubelet(key) => kubelet::sync(c, &key),
        Work::Claim(key) => volume::sync_claim(c, &key),
        Work::Provision(key) => volume::provision(c, &key),
        Work::Volume(name) => volume::sync_volume(c, &name),
        Work::Endpoints(ref key) => {
            let size = c.store.count_in(Kind::Pod, &key.0);
            if !c.coalesce(&work, size) {
                endpoints::sync(c, key)
            }
        }
        Work::Gc(uid) => gc::sync(c, &uid),
        Work::Node(name) => node_lifecycle::sync(c, &name),
    }
}

fn key_of(o: &Object) -> ObjKey {
    (o.namespace().to_string(), o.name().to_string())
}

/// The work a watch event causes.
pub(crate) fn triggers(c: &Cluster, ev: &WatchEvent) -> Vec<Work> {
    let o = &*ev.object;
    let deleted = ev.type_ == WatchEventType::Deleted;
    let m = o.meta();
    let mut out = Vec::new();
    // Garbage collection: an owner went away, or is being deleted with a finalizer the
    // collector handles, or a dependent of a foreground-deleting owner went away.
    if deleted
        || (m.is_deleting()
            && m.finalizers
                .iter()
                .any(|f| f == "orphan" || f == "foregroundDeletion"))
    {
        out.push(Work::Gc(m.uid.clone()));
    }
    if deleted {
        for r in &m.owner_references {
            out.push(Work::Gc(r.uid.clone()));
        }
    }
    match o {
        Object::Pod(p) => {
            let ns = &m.namespace;
            match m.controller_ref() {
                Some(r) if r.kind == "StatefulSet" => {
                    out.push(Work::StatefulSet((ns.clone(), r.name.clone())))
                }
                Some(_) => {}
                None => {
                    for s in c.list_as::<StatefulSet>(Some(ns)) {
                        if s.spec
                            .selector
                            .as_ref()
                            .is_some_and(|sel| !sel.is_empty() && sel.matches(&m.labels))
                        {
                            out.push(Work::StatefulSet((ns.clone(), s.metadata.name.clone())));
                        }
                    }
                }
            }
            if !deleted {
                if p.spec.node_name.is_none() && !m.is_deleting() {
                    out.push(Work::Schedule(key_of(o)));
                }
                if p.spec.node_name.is_some() {
                    out.push(Work::Kubelet(key_of(o)));
                }
            } else {
                out.push(Work::Kubelet(key_of(o)));
            }
            for svc in c.list_as::<Service>(Some(ns)) {
                if !svc.spec.selector.is_empty()
                    && svc
                        .spec
                        .selector
                        .iter()
                        .all(|(k, v)| m.labels.get(k) == Some(v))
                {
                    out.push(Work::Endpoints((ns.clone(), svc.metadata.name.clone())));
                }
            }
            // A pod a slice lists but the service no longer selects (its labels changed).
            for slice in c.store.slices_of_pod(ns, &m.name) {
                if let Some(svc) = c
                    .get_as::<EndpointSlice>(ns, slice)
                    .and_then(|s| s.metadata.labels.get("kubernetes.io/service-name"))
                {
                    out.push(Work::Endpoints((ns.clone(), svc.clone())));
                }
            }
            for claim in p.claim_names() {
                out.push(Work::Claim((ns.clone(), claim.to_string())));
            }
            // The taint-eviction controller watches pods on nodes with NoExecute taints.
            if let Some(node) = &p.spec.node_name {
                if c.get_as::<Node>("", node)
                    .is_some_and(|n| n.spec.taints.iter().any(|t| t.effect == "NoExecute"))
                {
                    out.push(Work::Node(node.clone()));
                }
            }
        }
        Object::StatefulSet(_) => out.push(Work::StatefulSet(key_of(o))),
        Object::ControllerRevision(_) => {
            if let Some(r) = m.controller_ref() {
                if r.kind == "StatefulSet" && !deleted {
                    out.push(Work::StatefulSet((m.namespace.clone(), r.name.clone())));
                }
            }
        }
        Object::PersistentVolumeClaim(pvc) => {
            out.push(Work::Claim(key_of(o)));
            // A set may be waiting for a claim of a previous pod to go (pvc-protection holds it
            // while that pod is terminating); its removal lets the set go on.
            if deleted {
                for s in c.list_as::<StatefulSet>(Some(&m.namespace)) {
                    out.push(Work::StatefulSet((
                        m.namespace.clone(),
                        s.metadata.name.clone(),
                    )));
                }
            }
            if let Some(pv) = &pvc.spec.volume_name {
                out.push(Work::Volume(pv.clone()));
            }
            for r in &m.owner_references {
                if r.kind == "StatefulSet" {
                    out.push(Work::StatefulSet((m.namespace.clone(), r.name.clone())));
                }
            }
            // Pods waiting in the scheduler or the kubelet for this claim.
            for pod in c.store.claim_users(&m.namespace, &m.name) {
                let Some(p) = c.get_as::<Pod>(&m.namespace, pod) else {
                    continue;
                };
                let key = (m.namespace.clone(), pod.clone());
                if p.spec.node_name.is_none() {
                    out.push(Work::Schedule(key));
                } else {
                    out.push(Work::Kubelet(key));
                }
                if let Some(r) = p.metadata.controller_ref() {
                    if r.kind == "StatefulSet" {
                        out.push(Work::StatefulSet((m.namespace.clone(), r.name.clone())));
                    }
                }
            }
        }
        Object::PersistentVolume(pv) => {
            out.push(Work::Volume(m.name.clone()));
            if let Some(r) = &pv.spec.claim_ref {
                if let (Some(ns), Some(n)) = (&r.namespace, &r.name) {
                    out.push(Work::Claim((ns.clone(), n.clone())));
                }
            }
        }
        Object::Service(_) => out.push(Work::Endpoints(key_of(o))),
        Object::Node(_) => {
            if !deleted {
                out.push(Work::Node(m.name.clone()));
            }
            for p in c.list_as::<Pod>(None) {
                if p.spec.node_name.is_none() && !p.is_terminating() {
                    out.push(Work::Schedule((
                        p.metadata.namespace.clone(),
                        p.metadata.name.clone(),
                    )));
                }
            }
        }
        _ => {}
    }
    out
}
