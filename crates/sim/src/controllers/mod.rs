//! Controllers: level-triggered reconcilers over the store.
//!
//! Each controller module owns its wiring, as upstream's informer event handlers and kube-rs'
//! `Controller::owns`/`watches` do: a [`Controller`] (its name, its reconcile, and for a sync that
//! reads a whole set, its size) and handlers that say which watch events wake it and for which
//! keys. A reconcile returns an [`Action`] (done, look again at a time, retry with backoff) that
//! [`reconcile`] applies in one place, as the workqueue's `Forget`/`AddAfter`/`AddRateLimited`.
//!
//! [`informer`] is the registry: for each kind, the handlers its events go to, in order. That
//! order is the order work enters the queue, and it decides everything downstream (names, IPs,
//! event order), so it is one explicit table rather than a sort over controllers: no single
//! controller order fits every kind (a pod event wakes the scheduler before the node controller,
//! a node event the node controller before the scheduler; a claim event wakes the claim's
//! binder before its sets, a pod event the sets before the binder).

pub mod deployment;
pub mod endpoints;
pub mod gc;
pub mod kubelet;
pub mod node_lifecycle;
pub mod replicaset;
pub mod scheduler;
pub mod statefulset;
pub mod volume;

use crate::api::*;
use crate::cluster::Cluster;
use crate::store::{ObjKey, WatchEvent};
use crate::time::Time;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// One controller's work queue and what it does with an item (upstream's `syncHandler`).
pub(crate) struct Controller {
    /// Unique: work items are told apart by it.
    pub name: &'static str,
    /// Reconciles one key (cluster-scoped keys and uids have the namespace `""`).
    pub reconcile: fn(&mut Cluster, &ObjKey) -> Action,
    /// For a sync that reads every pod of a set or service: how many objects one sync of the
    /// key reads, so that a large sync keeps its worker busy (see [`Cluster::coalesce`]).
    pub size: Option<fn(&Cluster, &ObjKey) -> usize>,
}

/// Every controller, for a fault plan's `by=NAME` (see [`crate::faults::Faults::parse`]).
static ALL: [&Controller; 11] = [
    &statefulset::CONTROLLER,
    &replicaset::CONTROLLER,
    &deployment::CONTROLLER,
    &scheduler::CONTROLLER,
    &kubelet::CONTROLLER,
    &endpoints::CONTROLLER,
    &volume::CLAIMS,
    &volume::VOLUMES,
    &volume::LOCAL_PATH,
    &node_lifecycle::CONTROLLER,
    &gc::CONTROLLER,
];

/// The controller called `name`, by its own `&'static` name.
pub(crate) fn controller_name(name: &str) -> Option<&'static str> {
    ALL.iter().map(|c| c.name).find(|n| *n == name)
}

/// What a reconcile asks of the work queue next, with the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// Nothing to do until an event wakes the key again; its backoff resets (`Forget`).
    Done,
    /// Look again at `at` (`Forget`, then `AddAfter`): a time the controller computed, such as
    /// the next container step or the end of a grace period.
    RequeueAt { at: Time, reason: &'static str },
    /// The sync failed: retry with the workqueue's exponential backoff (`AddRateLimited`).
    Retry { reason: String },
}

impl Action {
    /// Look again at `at` if there is such a time, else done.
    pub(crate) fn requeue_at(at: Option<Time>, reason: &'static str) -> Action {
        match at {
            Some(at) => Action::RequeueAt { at, reason },
            None => Action::Done,
        }
    }

    /// The earlier of two requeues (a reconcile with several reasons to look again).
    pub(crate) fn or_earlier(self, at: Time, reason: &'static str) -> Action {
        match self {
            Action::RequeueAt { at: t, .. } if t <= at => self,
            Action::Done | Action::RequeueAt { .. } => Action::RequeueAt { at, reason },
            Action::Retry { .. } => self,
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Done => f.write_str("done"),
            Action::RequeueAt { at, reason } => {
                write!(f, "requeue at {}: {reason}", at.rfc3339())
            }
            Action::Retry { reason } => write!(f, "retry with backoff: {reason}"),
        }
    }
}

/// One unit of controller work: a controller and the key of the object it is about.
#[derive(Clone)]
pub(crate) struct Work {
    pub controller: &'static Controller,
    pub key: ObjKey,
}

impl Work {
    pub(crate) fn new(controller: &'static Controller, key: ObjKey) -> Work {
        Work { controller, key }
    }

    /// Work about the object `ns`/`name`.
    pub(crate) fn at(controller: &'static Controller, ns: &str, name: &str) -> Work {
        Work::new(controller, (ns.to_string(), name.to_string()))
    }

    /// Work about a cluster-scoped object (a node, a volume) or an owner's uid.
    pub(crate) fn named(controller: &'static Controller, name: &str) -> Work {
        Work::at(controller, "", name)
    }
}

impl PartialEq for Work {
    fn eq(&self, other: &Work) -> bool {
        self.controller.name == other.controller.name && self.key == other.key
    }
}

impl Eq for Work {}

impl Hash for Work {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.controller.name.hash(h);
        self.key.hash(h);
    }
}

impl Ord for Work {
    fn cmp(&self, other: &Work) -> Ordering {
        (self.controller.name, &self.key).cmp(&(other.controller.name, &other.key))
    }
}

impl PartialOrd for Work {
    fn partial_cmp(&self, other: &Work) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Debug for Work {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (ns, name) = &self.key;
        write!(f, "{}({ns}/{name})", self.controller.name)
    }
}

/// Runs one work item and applies the action its controller returns.
pub(crate) fn reconcile(c: &mut Cluster, work: Work) {
    let controller = work.controller;
    if let Some(size) = controller.size {
        let objects = size(c, &work.key);
        if c.coalesce(&work, objects) {
            return;
        }
    }
    // Whose writes these are, for a fault plan (see `crate::faults`).
    let outer = c.actor.replace(controller.name);
    let action = (controller.reconcile)(c, &work.key);
    c.actor = outer;
    match action {
        Action::Done => c.forget(&work),
        Action::RequeueAt { at, .. } => {
            c.forget(&work);
            let after = at.since(c.now);
            c.schedule(after, work);
        }
        Action::Retry { .. } => c.requeue_with_backoff(work),
    }
}

/// A controller's handler for watch events: the work an event causes for it.
pub(crate) type Handler = fn(&Cluster, &WatchEvent, &mut Vec<Work>);

/// A handler for a pod that waits for a claim that changed (in the scheduler or the kubelet).
pub(crate) type WaitingPodHandler = fn(&Pod, &mut Vec<Work>);

/// The informers: the handlers each kind's watch events go to, in order, after the garbage
/// collector's (which watches every kind). Adding a controller: its module (a [`Controller`]
/// and its handlers) and its handlers here, under the kinds it watches. A new kind must be
/// placed here too: the match has no wildcard.
fn informer(kind: Kind) -> &'static [Handler] {
    match kind {
        Kind::Pod => &[
            statefulset::on_pod,
            replicaset::on_pod,
            scheduler::on_pod,
            kubelet::on_pod,
            endpoints::on_pod,
            volume::on_pod,
            node_lifecycle::on_pod,
            deployment::on_pod,
        ],
        Kind::ReplicaSet => &[replicaset::on_rs, deployment::on_replica_set],
        Kind::Deployment => &[deployment::on_deployment],
        Kind::StatefulSet => &[statefulset::on_set],
        Kind::ControllerRevision => &[statefulset::on_revision],
        Kind::PersistentVolumeClaim => &[
            volume::on_claim,
            statefulset::on_claim_gone,
            volume::on_claim_volume,
            statefulset::on_claim,
            on_claim_users,
        ],
        Kind::PersistentVolume => &[volume::on_volume],
        Kind::Service => &[endpoints::on_service],
        Kind::Node => &[node_lifecycle::on_node, scheduler::on_node],
        Kind::StorageClass => &[scheduler::on_class, volume::on_class],
        // Only the garbage collector watches these.
        Kind::Namespace | Kind::Secret | Kind::EndpointSlice | Kind::Event => &[],
    }
}

/// For each pod that uses a claim that changed, in order: these handlers (the scheduler or the
/// kubelet that waits with it, then its set).
const CLAIM_USER_HANDLERS: &[WaitingPodHandler] = &[
    scheduler::on_waiting_pod,
    kubelet::on_waiting_pod,
    statefulset::on_waiting_pod,
];

/// Pods waiting in the scheduler or the kubelet for this claim.
fn on_claim_users(c: &Cluster, ev: &WatchEvent, out: &mut Vec<Work>) {
    let m = ev.object.meta();
    for pod in c.store.claim_users(&m.namespace, &m.name) {
        let Some(p) = c.get_as::<Pod>(&m.namespace, pod) else {
            continue;
        };
        for handler in CLAIM_USER_HANDLERS {
            handler(p, out);
        }
    }
}

/// The work a watch event causes.
pub(crate) fn triggers(c: &Cluster, ev: &WatchEvent) -> Vec<Work> {
    let mut out = Vec::new();
    gc::on_any(c, ev, &mut out);
    for handler in informer(ev.object.kind()) {
        handler(c, ev, &mut out);
    }
    out
}

/// The key of an object.
pub(crate) fn key_of(o: &Object) -> ObjKey {
    (o.namespace().to_string(), o.name().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::WatchEventType;

    /// kubernetes.io's `web` set (two pods, claims `www-web-N`) and its service, settled.
    fn web() -> Cluster {
        let mut c = Cluster::new(1);
        let yaml = include_str!("../../../../examples/k8s-io-web.yaml");
        for r in c.apply_yaml(yaml, "default").unwrap() {
            r.unwrap();
        }
        assert!(c.settle().quiet);
        c
    }

    fn woken(c: &Cluster, type_: WatchEventType, kind: Kind, ns: &str, name: &str) -> Vec<String> {
        let object = c.get(kind, ns, name).unwrap();
        let ev = WatchEvent {
            type_,
            object,
            resource_version: 0,
        };
        triggers(c, &ev).iter().map(|w| format!("{w:?}")).collect()
    }

    // The order work enters the queue decides names, IPs and event order downstream: these
    // pin it for the kinds whose handlers interleave controllers.
    #[test]
    fn a_pod_event_wakes_its_set_then_its_kubelet_service_and_claim() {
        let c = web();
        assert_eq!(
            woken(&c, WatchEventType::Modified, Kind::Pod, "default", "web-0"),
            [
                "statefulset-controller(default/web)",
                "kubelet(default/web-0)",
                // The service selects it, and its slice lists it (the queue keeps one).
                "endpointslice-controller(default/nginx)",
                "endpointslice-controller(default/nginx)",
                "persistentvolume-controller/claims(default/www-web-0)",
            ]
        );
    }

    #[test]
    fn a_claim_that_went_wakes_its_binder_the_sets_its_volume_then_its_pods() {
        let c = web();
        let pvc = c
            .get_as::<PersistentVolumeClaim>("default", "www-web-0")
            .unwrap();
        let pv = pvc.spec.volume_name.clone().unwrap();
        let uid = pvc.metadata.uid.clone();
        assert_eq!(
            woken(
                &c,
                WatchEventType::Deleted,
                Kind::PersistentVolumeClaim,
                "default",
                "www-web-0"
            ),
            [
                format!("garbage-collector(/{uid})"),
                "persistentvolume-controller/claims(default/www-web-0)".into(),
                "statefulset-controller(default/web)".into(),
                format!("persistentvolume-controller/volumes(/{pv})"),
                "kubelet(default/web-0)".into(),
                "statefulset-controller(default/web)".into(),
            ]
        );
    }

    #[test]
    fn a_node_event_wakes_the_node_controller_before_the_scheduler() {
        let mut c = web();
        let pending = Object::Pod(Box::new(Pod {
            metadata: ObjectMeta {
                name: "pending".into(),
                namespace: "default".into(),
                ..Default::default()
            },
            spec: PodSpec {
                node_selector: [("no".to_string(), "such-node".to_string())].into(),
                containers: vec![Container {
                    name: "c".into(),
                    image: Some("busybox:1.28".into()),
                    ..Default::default()
                }]
                .into(),
                ..Default::default()
            }
            .into(),
            ..Default::default()
        }));
        c.create(pending).unwrap();
        let node = c.node_names().pop().unwrap();
        assert_eq!(
            woken(&c, WatchEventType::Modified, Kind::Node, "", &node),
            [
                format!("node-lifecycle-controller(/{node})"),
                "default-scheduler(default/pending)".into(),
            ]
        );
    }

    #[test]
    fn controller_names_are_unique() {
        let all = &ALL;
        let mut names: Vec<&str> = all.iter().map(|c| c.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all.len());
    }

    #[test]
    fn an_action_says_why() {
        let a = Action::requeue_at(Some(Time(5_000)), "a container step")
            .or_earlier(Time(9_000), "a later one");
        assert_eq!(
            a,
            Action::RequeueAt {
                at: Time(5_000),
                reason: "a container step"
            }
        );
        assert!(a.to_string().ends_with(": a container step"));
        assert_eq!(Action::requeue_at(None, "x"), Action::Done);
    }
}

/// A controller's caches, one per object it syncs (a few: a vector, whose code is smaller in
/// the web build than a hash table's).
#[derive(Clone)]
pub(crate) struct Caches<T>(Vec<(ObjKey, T)>);

impl<T> Default for Caches<T> {
    fn default() -> Caches<T> {
        Caches(Vec::new())
    }
}

impl<T> Caches<T> {
    /// Takes the object's cache out (to be put back once the sync is done).
    pub(crate) fn remove(&mut self, key: &ObjKey) -> Option<T> {
        let i = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.swap_remove(i).1)
    }

    pub(crate) fn insert(&mut self, key: ObjKey, cache: T) {
        self.remove(&key);
        self.0.push((key, cache));
    }
}
