//! The cluster: the API server's verbs over the [`Store`], the virtual clock and timer queue,
//! and the loop that hands watch events to the controllers until they are quiet.

mod api;
mod events;

pub use self::api::is_deleted;
pub(crate) use self::api::{add_finalizer, remove_finalizer};
use self::events::{EventKey, Observed, SeriesState};

use crate::api::*;
use crate::controllers::{self, kubelet::Kubelet, Work};
use crate::features::FeatureGates;
use crate::fs::Disks;
use crate::rng::Rng;
use crate::store::{ObjKey, Store, WatchEvent, WatchEventType};
use crate::time::{Time, CLUSTER_EPOCH, MINUTE};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet, VecDeque};

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

/// What `settle` did.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Settled {
    /// Simulated milliseconds that passed.
    pub elapsed_ms: u64,
    /// True if nothing is pending any more; false if the horizon was reached first
    /// (e.g. a pod in ImagePullBackOff keeps retrying for ever).
    pub quiet: bool,
}

/// How far `settle` looks ahead before giving up on quiet.
pub const SETTLE_HORIZON_MS: u64 = 10 * MINUTE;

/// Simulated controller time per object a set or service sync reads: see [`Cluster::coalesce`].
pub const SYNC_COST_PER_OBJECT_US: u64 = 10;

/// A bound on reconciles in one quiet-down, so a controller bug can never freeze the caller.
const MAX_RECONCILES_PER_RUN: usize = 5_000_000;

/// Cloneable, so a fuzzer or a what-if can fork a prepared cluster (the store shares its objects).
#[derive(Clone)]
pub struct Cluster {
    pub(crate) store: Store,
    pub(crate) now: Time,
    pub(crate) rng: Rng,
    timers: BinaryHeap<Reverse<(Time, u64, Work)>>,
    timer_seq: u64,
    /// When each work item's one timer fires: like the workqueue's delaying queue, a work item
    /// waits at most once, at the earliest time asked for.
    timer_at: HashMap<Work, Time>,
    queue: VecDeque<Work>,
    queued: HashSet<Work>,
    pub(crate) kubelet: Kubelet,
    pub(crate) disks: Disks,
    pub(crate) volume_state: crate::controllers::volume::VolumeState,
    /// Retry counts for work that failed, for exponential requeue.
    pub(crate) failures: HashMap<Work, u32>,
    /// When each large set or service last synced, and how long that sync keeps its worker
    /// busy: see [`Cluster::coalesce`].
    busy_until: HashMap<Work, Time>,
    /// Pods placed on a node while their claims are provisioned there.
    pub(crate) assumed: crate::controllers::scheduler::Assumed,
    /// Why each StatefulSet's controller stopped on its last pass, for the UI.
    pub(crate) waiting: BTreeMap<ObjKey, String>,
    /// Event aggregation: (involved uid and field path, type, reason, message, component) → event name.
    event_index: HashMap<EventKey, Observed>,
    /// The spam filter's token buckets: (involved uid, source, type, "", "") → (tokens, when).
    event_spam: HashMap<EventKey, (f64, Time)>,
    /// EventAggregator records: (involved uid, source, type, reason, "") → (messages, last).
    event_aggregate: HashMap<EventKey, (std::collections::BTreeSet<String>, Time)>,
    /// events.k8s.io series: (involved uid, rv/action, reason, "", reporter) → the series.
    event_series: HashMap<EventKey, SeriesState>,
    next_service_ip: u32,
    event_seq: u64,
    /// The feature gates every component runs with (kind's `featureGates`).
    pub(crate) feature_gates: FeatureGates,
    /// Each node's machine and kubelet (running, stopped, starting).
    pub(crate) machines: BTreeMap<String, crate::controllers::node_lifecycle::NodeMachine>,
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
        let mut c = Cluster {
            store: Store::default(),
            now: CLUSTER_EPOCH,
            rng: Rng::new(seed),
            timers: BinaryHeap::new(),
            timer_seq: 0,
            timer_at: HashMap::new(),
            queue: VecDeque::new(),
            queued: HashSet::new(),
            kubelet: Kubelet::default(),
            disks: Disks::default(),
            volume_state: Default::default(),
            failures: HashMap::new(),
            busy_until: HashMap::new(),
            assumed: Default::default(),
            waiting: BTreeMap::new(),
            event_index: HashMap::new(),
            event_spam: HashMap::new(),
            event_series: HashMap::new(),
            event_aggregate: HashMap::new(),
            next_service_ip: 2,
            event_seq: 0,
            feature_gates: gates,
            machines: BTreeMap::new(),
        };
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

    /// Names of the cluster's nodes, in `kubectl get nodes` order.
    pub fn node_names(&self) -> Vec<String> {
        self.store
            .list(Kind::Node, None)
            .map(|o| o.name().to_string())
            .collect()
    }

    // ------------------------------------------------------------------ clock

    pub fn now(&self) -> Time {
        self.now
    }

    /// Advances simulated time by `ms`, firing timers in order and letting controllers
    /// react after each.
    pub fn advance(&mut self, ms: u64) {
        let target = self.now.plus_ms(ms);
        self.run();
        while let Some(Reverse((at, _, _))) = self.timers.peek() {
            if *at > target {
                break;
            }
            let at = *at;
            self.now = self.now.max(at);
            while let Some(Reverse((t, _, _))) = self.timers.peek() {
                if *t != at {
                    break;
                }
                let Some(Reverse((_, _, work))) = self.timers.pop() else {
                    break;
                };
                self.timer_at.remove(&work);
                self.enqueue(work);
            }
            self.run();
        }
        self.now = self.now.max(target);
    }

    /// Advances to the next timer (if any within the horizon) and processes it; returns
    /// the time advanced, or `None` if nothing is pending.
    pub fn step(&mut self) -> Option<u64> {
        self.run();
        let Reverse((at, _, _)) = self.timers.peek()?;
        let dt = at.since(self.now);
        self.advance(dt);
        Some(dt)
    }

    /// Advances until nothing is pending, or for at most [`SETTLE_HORIZON_MS`].
    pub fn settle(&mut self) -> Settled {
        self.settle_within(SETTLE_HORIZON_MS)
    }

    pub fn settle_within(&mut self, horizon_ms: u64) -> Settled {
        let start = self.now;
        self.run();
        loop {
            let Some(Reverse((at, _, _))) = self.timers.peek() else {
                return Settled {
                    elapsed_ms: self.now.since(start),
                    quiet: true,
                };
            };
            if at.since(start) > horizon_ms {
                let left = horizon_ms.saturating_sub(self.now.since(start));
                self.advance(left);
                return Settled {
                    elapsed_ms: self.now.since(start),
                    quiet: false,
                };
            }
            let dt = at.since(self.now);
            self.advance(dt);
        }
    }

    /// When the next timer fires, if any.
    pub fn next_timer(&self) -> Option<Time> {
        self.timers.peek().map(|Reverse((t, _, _))| *t)
    }

    /// Runs `work` after `after_ms`, unless it already waits for an earlier time; a later wait
    /// it had is replaced. (Controllers reschedule on every sync, so without this each extra
    /// sync would start another chain of timers.)
    pub(crate) fn schedule(&mut self, after_ms: u64, work: Work) {
        let at = self.now.plus_ms(after_ms);
        match self.timer_at.get(&work) {
            Some(t) if *t <= at => return,
            Some(_) => self.timers.retain(|Reverse((_, _, w))| *w != work),
            None => {}
        }
        self.timer_at.insert(work.clone(), at);
        self.timer_seq += 1;
        self.timers.push(Reverse((at, self.timer_seq, work)));
    }

    pub(crate) fn enqueue(&mut self, work: Work) {
        if self.queued.insert(work.clone()) {
            self.queue.push_back(work);
        }
    }

    /// A controller's sync of a large object takes time: a real StatefulSet or EndpointSlice
    /// controller reads every pod of the set or service, and events that arrive meanwhile
    /// coalesce into one later sync of the key (the workqueue holds each key once). Ordinal
    /// charges [`SYNC_COST_PER_OBJECT_US`] of simulated time per object, so below 100 objects a
    /// sync takes no time and nothing changes; a 10,000-pod set syncs at most every 100 ms.
    /// Returns true if `work` must wait (it is then scheduled for when the worker is free).
    pub(crate) fn coalesce(&mut self, work: &Work, objects: usize) -> bool {
        let busy_ms = objects as u64 * SYNC_COST_PER_OBJECT_US / 1000;
        if busy_ms == 0 {
            self.busy_until.remove(work);
            return false;
        }
        if let Some(until) = self.busy_until.get(work).copied() {
            if self.now < until {
                self.schedule(until.since(self.now), work.clone());
                return true;
            }
        }
        self.busy_until
            .insert(work.clone(), self.now.plus_ms(busy_ms));
        false
    }

    /// Retries failed work with the workqueue's default backoff (5 ms doubling, capped at 1000 s).
    pub(crate) fn requeue_with_backoff(&mut self, work: Work) {
        let n = self.failures.entry(work.clone()).or_insert(0);
        let delay = 5u64.saturating_mul(1u64 << (*n).min(20)).min(1_000_000);
        *n += 1;
        self.schedule(delay, work);
    }

    /// Work succeeded: its backoff resets, and a retry still queued for it is moot, so it goes
    /// too; otherwise `settle` could not be quiet for up to 1000 s.
    pub(crate) fn forget(&mut self, work: &Work) {
        if self.failures.remove(work).is_some() && self.timer_at.remove(work).is_some() {
            self.timers.retain(|Reverse((_, _, w))| w != work);
        }
    }

    /// Lets the controllers run until none has anything left to do.
    pub(crate) fn run(&mut self) {
        let mut n = 0;
        loop {
            for ev in self.store.take_pending() {
                self.dispatch(&ev);
            }
            let Some(work) = self.queue.pop_front() else {
                break;
            };
            self.queued.remove(&work);
            controllers::reconcile(self, work);
            n += 1;
            if n >= MAX_RECONCILES_PER_RUN {
                break;
            }
        }
    }

    fn dispatch(&mut self, ev: &WatchEvent) {
        if let Object::Pod(p) = &*ev.object {
            if (ev.type_ == WatchEventType::Deleted || p.spec.node_name.is_some())
                && !self.assumed.is_empty()
            {
                self.assumed
                    .forget(&(p.metadata.namespace.clone(), p.metadata.name.clone()));
            }
        }
        for work in controllers::triggers(self, ev) {
            self.enqueue(work);
        }
    }
}
