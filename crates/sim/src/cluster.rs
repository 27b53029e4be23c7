//! The cluster: the API server's verbs over the [`Store`], the virtual clock and timer queue,
//! and the loop that hands watch events to the controllers until they are quiet.

mod api;
mod clock;
mod events;

pub use self::api::is_deleted;
pub(crate) use self::api::{add_finalizer, remove_finalizer};
use self::events::{EventKey, Observed, SeriesState};

use crate::api::*;
use crate::controllers::kubelet::Kubelet;
use crate::features::FeatureGates;
use crate::fs::Disks;
use crate::rng::Rng;
use crate::store::{ObjKey, Store};
use crate::time::{Time, CLUSTER_EPOCH, MINUTE};
use std::collections::{BTreeMap, HashMap};

use clock::WorkQueue;
pub use clock::{Settled, SETTLE_HORIZON_MS, SYNC_COST_PER_OBJECT_US};

/// Options of a DELETE call.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeleteOptions {
    /// `--grace-period`; `None` means the object's own (a pod's `terminationGracePeriodSeconds`).
    pub grace_period_seconds: Option<i64>,
    pub propagation: Option<Propagation>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Propagation {
    Background,
    Foreground,
    Orphan,
}

/// Cloneable, so a fuzzer or a what-if can fork a prepared cluster (the store shares its objects).
#[derive(Clone)]
pub struct Cluster {
    pub(crate) store: Store,
    pub(crate) now: Time,
    pub(crate) rng: Rng,
    /// The timers and the work queue: see [`clock`].
    wq: WorkQueue,
    pub(crate) kubelet: Kubelet,
    pub(crate) disks: Disks,
    pub(crate) volume_state: crate::controllers::volume::VolumeState,
    /// Pods placed on a node while their claims are provisioned there.
    pub(crate) assumed: crate::controllers::scheduler::Assumed,
    /// Why each StatefulSet's or Deployment's controller stopped on its last pass, for the UI,
    /// by kind (a StatefulSet and a Deployment may share a name).
    pub(crate) waiting: BTreeMap<(Kind, ObjKey), String>,
    /// The StatefulSet controller's cache of each set's pods (see
    /// [`crate::controllers::statefulset::cache`]).
    pub(crate) set_caches:
        crate::controllers::Caches<crate::controllers::statefulset::cache::SetCache>,
    /// The EndpointSlice controller's cache of each service's endpoints by pod.
    pub(crate) endpoint_caches:
        crate::controllers::Caches<crate::controllers::endpoints::EndpointCache>,
    /// Event aggregation: (involved uid and field path, type, reason, message, component) → event name.
    event_index: HashMap<EventKey, Observed>,
    /// The spam filter's token buckets: (involved uid, source, type, "", "") → (tokens, when).
    event_spam: HashMap<EventKey, (f64, Time)>,
    /// EventAggregator records: (involved uid, source, type, reason, "") → (messages, last).
    event_aggregate: HashMap<EventKey, (Vec<Box<str>>, Time)>,
    /// events.k8s.io series: (involved uid, rv/action, reason, "", reporter) → the series.
    event_series: HashMap<EventKey, SeriesState>,
    /// The strings the recorders put in every Event (type, reason, component, host, action),
    /// each kept once and shared by the Events that carry it.
    event_strings: crate::api::shared::Interner,
    next_service_ip: u32,
    event_seq: u64,
    /// Inside [`Cluster::dry_run`]: writes return what they would store and store nothing.
    dry_run: bool,
    /// The feature gates every component runs with (kind's `featureGates`).
    pub(crate) feature_gates: FeatureGates,
    /// Each node's machine and kubelet (running, stopped, starting).
    pub(crate) machines: BTreeMap<String, crate::controllers::node_lifecycle::NodeMachine>,
    /// The fault plan, if one is armed (`set_faults`): see [`crate::faults`].
    pub(crate) faults: Option<Box<crate::faults::Faults>>,
    /// The controller whose reconcile is running, whose writes a fault plan may strike.
    pub(crate) actor: Option<&'static str>,
}

impl Cluster {
    /// A fresh kind-like cluster (one control-plane node, two workers, the `standard`
    /// StorageClass), deterministic from `seed`.
    pub fn new(seed: u64) -> Cluster {
        Cluster::with_feature_gates(seed, FeatureGates::default())
    }

    /// A fresh cluster whose components run with `gates` (as kind's config sets
    /// `featureGates` for all of them).
    pub fn with_feature_gates(seed: u64, gates: FeatureGates) -> Cluster {
        Cluster::with_workers(seed, gates, 2)
    }

    /// A cluster with `workers` worker nodes (1 to [`crate::bootstrap::MAX_WORKERS`]), as a kind
    /// config with that many `role: worker` entries makes. Each takes 110 pods, so a set of
    /// 10,000 replicas needs 91 of them.
    pub fn with_workers(seed: u64, gates: FeatureGates, workers: usize) -> Cluster {
        Cluster::created_at(seed, gates, workers, CLUSTER_EPOCH)
    }

    /// [`Cluster::with_workers`], created at `epoch` instead of the playground's fixed
    /// [`CLUSTER_EPOCH`]: `ordinal serve` starts its cluster at the wall clock's time, since
    /// kubectl computes some ages (`describe`'s events, `logs --since`) from its own clock.
    pub fn created_at(seed: u64, gates: FeatureGates, workers: usize, epoch: Time) -> Cluster {
        let mut c = Cluster {
            store: Store::default(),
            now: epoch,
            rng: Rng::new(seed),
            wq: WorkQueue::default(),
            kubelet: Kubelet::default(),
            disks: Disks::default(),
            volume_state: Default::default(),
            assumed: Default::default(),
            waiting: BTreeMap::new(),
            set_caches: Default::default(),
            endpoint_caches: Default::default(),
            event_index: HashMap::new(),
            event_spam: HashMap::new(),
            event_series: HashMap::new(),
            event_aggregate: HashMap::new(),
            event_strings: Default::default(),
            next_service_ip: 2,
            event_seq: 0,
            dry_run: false,
            feature_gates: gates,
            machines: BTreeMap::new(),
            faults: None,
            actor: None,
        };
        c.store.set_now(epoch);
        crate::bootstrap::bootstrap(&mut c, workers);
        c.run();
        // The cluster has been up a little while when the learner arrives.
        c.advance(5 * MINUTE);
        c
    }

    /// The feature gates the cluster's components run with.
    pub fn feature_gates(&self) -> &FeatureGates {
        &self.feature_gates
    }

    /// The cluster taken apart for a heap profile by structure (the benchmark drops the parts
    /// in order and counts the bytes each frees): the StatefulSet controller's cache, the
    /// store's parts (`Store::into_parts`), the event recorders' caches, the kubelet's
    /// runtimes, the work queue and timers (what is left is dropped on return).
    #[doc(hidden)]
    pub fn heap_parts(self) -> Vec<(&'static str, Box<dyn std::any::Any>)> {
        let Cluster {
            store,
            wq,
            kubelet,
            event_index,
            event_spam,
            event_aggregate,
            event_series,
            set_caches,
            endpoint_caches,
            ..
        } = self;
        // The StatefulSet controller's cache first: the pods it holds are the store's too, and
        // dropped after the store they would count as its.
        let mut parts: Vec<(&'static str, Box<dyn std::any::Any>)> = vec![
            ("StatefulSet controller cache", Box::new(set_caches)),
            ("EndpointSlice controller cache", Box::new(endpoint_caches)),
        ];
        parts.extend(store.into_parts());
        parts.push(("event recorder: correlator cache", Box::new(event_index)));
        parts.push(("event recorder: spam filter", Box::new(event_spam)));
        parts.push(("event recorder: aggregator", Box::new(event_aggregate)));
        parts.push(("event recorder: series", Box::new(event_series)));
        parts.push(("kubelet runtimes", Box::new(kubelet)));
        parts.push(("work queue and timers", Box::new(wq)));
        parts
    }

    /// Names of the cluster's nodes, in `kubectl get nodes` order.
    pub fn node_names(&self) -> Vec<String> {
        self.store
            .list(Kind::Node, None)
            .map(|o| o.name().to_string())
            .collect()
    }
}
