//! The virtual clock, the timer queue and the work queue: how time moves ([`Cluster::advance`],
//! [`Cluster::step`], [`Cluster::settle`]) and how watch events become controller work that runs
//! until the controllers are quiet ([`Cluster::run`]).

use super::Cluster;
use crate::api::*;
use crate::controllers::{self, Work};
use crate::store::{WatchEvent, WatchEventType};
use crate::time::{Time, MINUTE};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};

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

/// The timers and the work queue (client-go's delaying, rate-limited workqueue, one for all
/// controllers: each [`Work`] item names its controller).
#[derive(Clone, Default)]
pub(crate) struct WorkQueue {
    timers: BinaryHeap<Reverse<(Time, u64, Work)>>,
    timer_seq: u64,
    /// When each work item's one timer fires: like the workqueue's delaying queue, a work item
    /// waits at most once, at the earliest time asked for.
    timer_at: HashMap<Work, Time>,
    /// Work ready to run, first in first out, each item at most once.
    ready: VecDeque<Work>,
    queued: HashSet<Work>,
    /// Retry counts for work that failed, for exponential requeue.
    failures: HashMap<Work, u32>,
    /// When each large set or service last synced, and how long that sync keeps its worker
    /// busy: see [`Cluster::coalesce`].
    busy_until: HashMap<Work, Time>,
}

impl Cluster {
    pub fn now(&self) -> Time {
        self.now
    }

    /// Advances simulated time by `ms`, firing timers in order and letting controllers
    /// react after each.
    pub fn advance(&mut self, ms: u64) {
        self.advance_inner(ms);
        self.store.mark_readable();
    }

    fn advance_inner(&mut self, ms: u64) {
        let target = self.now.plus_ms(ms);
        self.run();
        loop {
            // Events whose TTL runs out first go at their time (they wake no controller).
            let timer = self.wq.timers.peek().map(|Reverse((at, _, _))| *at);
            if let Some(exp) = self.store.next_event_expiry() {
                if exp <= target && timer.is_none_or(|t| exp < t) {
                    self.now = self.now.max(exp);
                    self.store.set_now(self.now);
                    self.store.expire_events();
                    self.run();
                    continue;
                }
            }
            let Some(at) = timer else {
                break;
            };
            if at > target {
                break;
            }
            self.now = self.now.max(at);
            self.store.set_now(self.now);
            while let Some(Reverse((t, _, _))) = self.wq.timers.peek() {
                if *t != at {
                    break;
                }
                let Some(Reverse((_, _, work))) = self.wq.timers.pop() else {
                    break;
                };
                self.wq.timer_at.remove(&work);
                self.enqueue(work);
            }
            self.run();
        }
        self.now = self.now.max(target);
        self.store.set_now(self.now);
    }

    /// Advances to the next timer (if any within the horizon) and processes it; returns
    /// the time advanced, or `None` if nothing is pending.
    pub fn step(&mut self) -> Option<u64> {
        self.run();
        let Reverse((at, _, _)) = self.wq.timers.peek()?;
        let dt = at.since(self.now);
        self.advance(dt);
        Some(dt)
    }

    /// Advances until nothing is pending, or for at most [`SETTLE_HORIZON_MS`].
    pub fn settle(&mut self) -> Settled {
        self.settle_within(SETTLE_HORIZON_MS)
    }

    pub fn settle_within(&mut self, horizon_ms: u64) -> Settled {
        let s = self.settle_inner(horizon_ms);
        self.store.mark_readable();
        s
    }

    fn settle_inner(&mut self, horizon_ms: u64) -> Settled {
        let start = self.now;
        self.run();
        loop {
            let Some(Reverse((at, _, _))) = self.wq.timers.peek() else {
                return Settled {
                    elapsed_ms: self.now.since(start),
                    quiet: true,
                };
            };
            if at.since(start) > horizon_ms {
                let left = horizon_ms.saturating_sub(self.now.since(start));
                self.advance_inner(left);
                return Settled {
                    elapsed_ms: self.now.since(start),
                    quiet: false,
                };
            }
            let dt = at.since(self.now);
            self.advance_inner(dt);
        }
    }

    /// When the next timer fires, if any.
    pub fn next_timer(&self) -> Option<Time> {
        self.wq.timers.peek().map(|Reverse((t, _, _))| *t)
    }

    /// Runs `work` after `after_ms`, unless it already waits for an earlier time; a later wait
    /// it had is replaced. (Controllers reschedule on every sync, so without this each extra
    /// sync would start another chain of timers.)
    pub(crate) fn schedule(&mut self, after_ms: u64, work: Work) {
        let at = self.now.plus_ms(after_ms);
        match self.wq.timer_at.get(&work) {
            Some(t) if *t <= at => return,
            Some(_) => self.wq.timers.retain(|Reverse((_, _, w))| *w != work),
            None => {}
        }
        self.wq.timer_at.insert(work.clone(), at);
        self.wq.timer_seq += 1;
        self.wq.timers.push(Reverse((at, self.wq.timer_seq, work)));
    }

    pub(crate) fn enqueue(&mut self, work: Work) {
        if self.wq.queued.insert(work.clone()) {
            self.wq.ready.push_back(work);
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
            self.wq.busy_until.remove(work);
            return false;
        }
        if let Some(until) = self.wq.busy_until.get(work).copied() {
            if self.now < until {
                self.schedule(until.since(self.now), work.clone());
                return true;
            }
        }
        self.wq
            .busy_until
            .insert(work.clone(), self.now.plus_ms(busy_ms));
        false
    }

    /// Retries failed work with the workqueue's default backoff (5 ms doubling, capped at 1000 s).
    pub(crate) fn requeue_with_backoff(&mut self, work: Work) {
        let n = self.wq.failures.entry(work.clone()).or_insert(0);
        let delay = 5u64.saturating_mul(1u64 << (*n).min(20)).min(1_000_000);
        *n += 1;
        self.schedule(delay, work);
    }

    /// Work succeeded: its backoff resets, and a retry still queued for it is moot, so it goes
    /// too; otherwise `settle` could not be quiet for up to 1000 s.
    pub(crate) fn forget(&mut self, work: &Work) {
        // Every reconcile that did not fail ends here; failures are rare.
        if self.wq.failures.is_empty() {
            return;
        }
        if self.wq.failures.remove(work).is_some() && self.wq.timer_at.remove(work).is_some() {
            self.wq.timers.retain(|Reverse((_, _, w))| w != work);
        }
    }

    /// Lets the controllers run until none has anything left to do.
    pub(crate) fn run(&mut self) {
        let mut n = 0;
        loop {
            for ev in self.store.take_pending() {
                if self.faults.is_some() && self.watch_lost(&ev) {
                    continue;
                }
                self.dispatch(&ev);
            }
            if self.faults.as_ref().is_some_and(|f| f.relist_due()) {
                self.relist();
            }
            let Some(work) = self.wq.ready.pop_front() else {
                // A watch that lost events relists once the controllers are quiet, at the
                // latest: the reflector's new list and watch.
                if self.faults.as_ref().is_some_and(|f| !f.lost.is_empty()) {
                    self.relist();
                    continue;
                }
                break;
            };
            self.wq.queued.remove(&work);
            controllers::reconcile(self, work);
            n += 1;
            if n >= MAX_RECONCILES_PER_RUN {
                break;
            }
        }
    }

    /// Whether a fault plan's watch drop loses this event.
    #[cold]
    fn watch_lost(&mut self, ev: &WatchEvent) -> bool {
        self.faults.as_mut().is_some_and(|f| f.drops(ev))
    }

    /// The informers relist after a dropped watch, as client-go's reflector does (`Replace`):
    /// every object of each kind that lost events is handed to the handlers again (an add for
    /// one whose lost events began with its creation, else an update), then each object that
    /// went meanwhile as a delete (`DeletedFinalStateUnknown`, the object as last seen).
    #[cold]
    pub(crate) fn relist(&mut self) {
        let Some(f) = self.faults.as_mut() else {
            return;
        };
        let lost = std::mem::take(&mut f.lost);
        let mut kinds: Vec<Kind> = lost.iter().map(|e| e.object.kind()).collect();
        kinds.sort();
        kinds.dedup();
        let rv = self.store.resource_version();
        let first = |o: &Object| {
            lost.iter()
                .find(|e| {
                    e.object.kind() == o.kind()
                        && e.object.namespace() == o.namespace()
                        && e.object.name() == o.name()
                })
                .map(|e| e.type_ == WatchEventType::Added && e.object.meta().uid == o.meta().uid)
        };
        for kind in kinds {
            for object in self.list(kind, None) {
                let type_ = if first(&object) == Some(true) {
                    WatchEventType::Added
                } else {
                    WatchEventType::Modified
                };
                self.dispatch(&WatchEvent {
                    type_,
                    object,
                    resource_version: rv,
                });
            }
        }
        let mut gone: Vec<&WatchEvent> = Vec::new();
        for ev in lost.iter().rev() {
            let o = &ev.object;
            let still = self
                .store
                .get(o.kind(), o.namespace(), o.name())
                .is_some_and(|l| l.meta().uid == o.meta().uid);
            let seen = gone.iter().any(|g| {
                g.object.kind() == o.kind()
                    && g.object.namespace() == o.namespace()
                    && g.object.name() == o.name()
                    && g.object.meta().uid == o.meta().uid
            });
            if !still && !seen {
                gone.push(ev);
            }
        }
        let gone: Vec<WatchEvent> = gone
            .into_iter()
            .rev()
            .map(|e| WatchEvent {
                type_: WatchEventType::Deleted,
                object: e.object.clone(),
                resource_version: rv,
            })
            .collect();
        for ev in &gone {
            self.dispatch(ev);
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
