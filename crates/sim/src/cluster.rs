//! The cluster: the API server's verbs over the [`Store`], the virtual clock and timer queue,
//! and the loop that hands watch events to the controllers until they are quiet.

mod clock;

use crate::admission;
use crate::api::*;
use crate::controllers::kubelet::Kubelet;
use crate::error::{ApiError, Reason};
use crate::features::FeatureGates;
use crate::fs::Disks;
use crate::rng::Rng;
use crate::store::{ObjKey, Store, WatchEvent, WatchEventType};
use crate::time::{Time, CLUSTER_EPOCH, MINUTE};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

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
            wq: WorkQueue::default(),
            kubelet: Kubelet::default(),
            disks: Disks::default(),
            volume_state: Default::default(),
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

    // ------------------------------------------------------------------ reads

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn get(&self, kind: Kind, ns: &str, name: &str) -> Result<Arc<Object>, ApiError> {
        let ns = if kind.namespaced() { ns } else { "" };
        self.store
            .get(kind, ns, name)
            .cloned()
            .ok_or_else(|| ApiError::not_found(kind, name))
    }

    /// Typed get: `cluster.get_as::<Pod>("default", "web-0")`.
    pub fn get_as<T: Resource>(&self, ns: &str, name: &str) -> Option<&T> {
        let ns = if T::KIND.namespaced() { ns } else { "" };
        self.store
            .get(T::KIND, ns, name)
            .and_then(|o| T::from_object(o))
    }

    /// Typed list of one namespace (or all, with `None`), in name order.
    pub fn list_as<T: Resource>(&self, ns: Option<&str>) -> Vec<&T> {
        self.store
            .list(T::KIND, ns)
            .filter_map(|o| T::from_object(o))
            .collect()
    }

    pub fn list(&self, kind: Kind, ns: Option<&str>) -> Vec<Arc<Object>> {
        self.store.list(kind, ns).cloned().collect()
    }

    pub fn resource_version(&self) -> u64 {
        self.store.resource_version()
    }

    /// Watch events after `resource_version`; `Err(Gone)` if the cursor is too old.
    pub fn watch_since(&self, resource_version: u64) -> Result<Vec<WatchEvent>, ApiError> {
        self.store.events_since(resource_version).map_err(|oldest| {
            ApiError::new(
                Reason::Gone,
                format!("too old resource version: {resource_version} ({oldest})"),
            )
        })
    }

    /// Why the StatefulSet's controller is waiting, if it is.
    pub fn waiting_reason(&self, ns: &str, name: &str) -> Option<&str> {
        self.waiting
            .get(&(ns.to_string(), name.to_string()))
            .map(|s| s.as_str())
    }

    // ------------------------------------------------------------------ writes

    /// POST: admission (defaults, validation), then store. Controllers use it too.
    pub fn create(&mut self, obj: Object) -> Result<Arc<Object>, ApiError> {
        let r = self.create_inner(obj);
        self.run();
        r
    }

    pub(crate) fn create_inner(&mut self, mut obj: Object) -> Result<Arc<Object>, ApiError> {
        let kind = obj.kind();
        if !kind.namespaced() {
            obj.meta_mut().namespace.clear();
        } else if obj.namespace().is_empty() {
            obj.meta_mut().namespace = "default".into();
        }
        if obj.name().is_empty() && !obj.meta().generate_name.is_empty() {
            let name = format!("{}{}", obj.meta().generate_name, self.rng.name_suffix(5));
            obj.meta_mut().name = name;
        }
        let ns = obj.namespace().to_string();
        admission::default_object(&mut obj);
        admission::gated_fields(&mut obj, None, &self.feature_gates);
        admission::validate_create(&obj)?;
        if kind.namespaced() && self.store.get(Kind::Namespace, "", &ns).is_none() {
            return Err(ApiError::not_found(Kind::Namespace, &ns));
        }
        if kind.namespaced()
            && self
                .store
                .get(Kind::Namespace, "", &ns)
                .is_some_and(|n| n.meta().is_deleting())
        {
            return Err(ApiError::new(
                Reason::Forbidden,
                format!(
                    "{} \"{}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
                    kind.resource(),
                    obj.name()
                ),
            ));
        }
        if self.store.get(kind, &ns, obj.name()).is_some() {
            return Err(ApiError::already_exists(kind, obj.name()));
        }
        self.admit_create(&mut obj)?;
        let m = obj.meta_mut();
        m.uid = self.rng.uuid();
        m.creation_timestamp = Some(self.now);
        m.deletion_timestamp = None;
        m.deletion_grace_period_seconds = None;
        if kind == Kind::StatefulSet {
            m.generation = 1;
        }
        Ok(self.store.put(obj))
    }

    /// Admission plug-ins that need cluster state (default StorageClass, Service IPs, protection finalizers).
    fn admit_create(&mut self, obj: &mut Object) -> Result<(), ApiError> {
        match obj {
            Object::PersistentVolumeClaim(pvc) => {
                if pvc.spec.storage_class_name.is_none() {
                    let default = self
                        .list_as::<StorageClass>(None)
                        .into_iter()
                        .find(|sc| {
                            sc.metadata
                                .annotations
                                .get("storageclass.kubernetes.io/is-default-class")
                                .map(String::as_str)
                                == Some("true")
                        })
                        .map(|sc| sc.metadata.name.clone());
                    pvc.spec.storage_class_name = default;
                }
                add_finalizer(&mut pvc.metadata, "kubernetes.io/pvc-protection");
                pvc.status.phase = Some("Pending".into());
            }
            Object::PersistentVolume(pv) => {
                add_finalizer(&mut pv.metadata, "kubernetes.io/pv-protection");
                if pv.status.phase.is_none() {
                    pv.status.phase = Some("Available".into());
                }
            }
            Object::Service(svc) => {
                if svc.spec.type_.as_deref() != Some("ExternalName")
                    && svc.spec.cluster_ip.is_none()
                {
                    let ip = self.allocate_service_ip();
                    svc.spec.cluster_ip = Some(ip);
                }
                if let Some(ip) = svc.spec.cluster_ip.clone() {
                    if svc.spec.cluster_ips.is_empty() {
                        svc.spec.cluster_ips = vec![ip];
                    }
                }
            }
            Object::Pod(pod) => {
                if pod.status.phase.is_none() {
                    pod.status.phase = Some("Pending".into());
                }
                if pod.status.qos_class.is_none() {
                    pod.status.qos_class = Some("BestEffort".into());
                }
            }
            Object::Secret(secret) => {
                for (k, v) in std::mem::take(&mut secret.string_data) {
                    secret.data.insert(k, crate::base64::encode(v.as_bytes()));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The `PersistentVolumeClaimResize` admission plug-in: a claim may grow only if its class
    /// allows volume expansion (kind's `standard` does not).
    fn admit_resize(&self, live: &Object, new: &Object) -> Result<(), ApiError> {
        let (Object::PersistentVolumeClaim(o), Object::PersistentVolumeClaim(n)) = (live, new)
        else {
            return Ok(());
        };
        let size = |c: &PersistentVolumeClaim| {
            c.spec
                .resources
                .requests
                .get("storage")
                .and_then(|q| crate::quantity::parse_bytes(q))
        };
        if size(n) <= size(o) {
            return Ok(());
        }
        let expandable = n
            .spec
            .storage_class_name
            .as_deref()
            .and_then(|sc| self.get_as::<StorageClass>("", sc))
            .is_some_and(|sc| sc.allow_volume_expansion == Some(true));
        if expandable && n.spec.volume_name.is_some() {
            return Ok(());
        }
        Err(ApiError::new(
            Reason::Forbidden,
            format!(
                "persistentvolumeclaims \"{}\" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize",
                n.metadata.name
            ),
        ))
    }

    fn allocate_service_ip(&mut self) -> String {
        loop {
            let n = self.next_service_ip;
            self.next_service_ip = if n >= 65_000 { 2 } else { n + 1 };
            let ip = format!("10.96.{}.{}", n / 256, n % 256);
            if ip == "10.96.0.10" {
                continue;
            }
            let taken = self
                .list_as::<Service>(None)
                .iter()
                .any(|s| s.spec.cluster_ip.as_deref() == Some(ip.as_str()));
            if !taken {
                return ip;
            }
        }
    }

    /// PUT of the main resource: `status` is kept from the live object.
    pub fn update(&mut self, obj: Object) -> Result<Arc<Object>, ApiError> {
        let r = self.update_inner(obj, false);
        self.run();
        r
    }

    /// PUT of the `/status` subresource: only `status` is taken from `obj`.
    pub fn update_status(&mut self, obj: Object) -> Result<Arc<Object>, ApiError> {
        let r = self.update_inner(obj, true);
        self.run();
        r
    }

    pub(crate) fn update_inner(
        &mut self,
        mut obj: Object,
        status_only: bool,
    ) -> Result<Arc<Object>, ApiError> {
        let kind = obj.kind();
        if !kind.namespaced() {
            obj.meta_mut().namespace.clear();
        } else if obj.namespace().is_empty() {
            obj.meta_mut().namespace = "default".into();
        }
        let ns = obj.namespace().to_string();
        let name = obj.name().to_string();
        let live = self
            .store
            .get(kind, &ns, &name)
            .cloned()
            .ok_or_else(|| ApiError::not_found(kind, &name))?;
        let rv = &obj.meta().resource_version;
        if !rv.is_empty() && *rv != live.meta().resource_version {
            return Err(ApiError::conflict(kind, &name));
        }
        let new = if status_only {
            let mut base = (*live).clone();
            copy_status(&obj, &mut base);
            base
        } else {
            admission::default_object(&mut obj);
            let lm = live.meta();
            {
                let m = obj.meta_mut();
                m.uid = lm.uid.clone();
                m.creation_timestamp = lm.creation_timestamp;
                m.deletion_timestamp = lm.deletion_timestamp;
                m.deletion_grace_period_seconds = lm.deletion_grace_period_seconds;
                m.generation = lm.generation;
                m.generate_name = lm.generate_name.clone();
            }
            copy_status(&live, &mut obj);
            admission::gated_fields(&mut obj, Some(&live), &self.feature_gates);
            admission::validate_update(&live, &obj)?;
            self.admit_resize(&live, &obj)?;
            if let Object::Secret(secret) = &mut obj {
                for (k, v) in std::mem::take(&mut secret.string_data) {
                    secret.data.insert(k, crate::base64::encode(v.as_bytes()));
                }
            }
            if admission::spec_changed(&live, &obj) && kind == Kind::StatefulSet {
                obj.meta_mut().generation += 1;
            }
            obj
        };
        Ok(self.write(new, &live))
    }

    /// Stores `new` (already admitted) over `live`: a no-op when nothing changed, and removal
    /// when a deleted object's last finalizer went away.
    pub(crate) fn write(&mut self, mut new: Object, live: &Object) -> Arc<Object> {
        new.meta_mut().resource_version = live.meta().resource_version.clone();
        if new == *live {
            return self
                .store
                .get(live.kind(), live.namespace(), live.name())
                .cloned()
                .unwrap_or_else(|| Arc::new(new));
        }
        if ready_to_remove(&new) {
            let (k, ns, n) = (
                new.kind(),
                new.namespace().to_string(),
                new.name().to_string(),
            );
            return self
                .store
                .remove(k, &ns, &n)
                .unwrap_or_else(|| Arc::new(new));
        }
        self.store.put(new)
    }

    /// Controller-side write of a whole object that exists (spec, metadata and status).
    pub(crate) fn put_existing(&mut self, new: Object) -> Option<Arc<Object>> {
        let live = self
            .store
            .get(new.kind(), new.namespace(), new.name())
            .cloned()?;
        Some(self.write(new, &live))
    }

    /// DELETE with graceful deletion, finalizers and propagation as the API server does them.
    pub fn delete(
        &mut self,
        kind: Kind,
        ns: &str,
        name: &str,
        opts: &DeleteOptions,
    ) -> Result<Arc<Object>, ApiError> {
        let r = self.delete_inner(kind, ns, name, opts);
        self.run();
        r
    }

    /// POST `pods/NAME/eviction` (policy/v1 Eviction): the pod gets the `DisruptionTarget`
    /// condition and is deleted with `grace_period_seconds` (or its own). There are no
    /// PodDisruptionBudgets here, so an eviction is never refused for one.
    pub fn evict(
        &mut self,
        ns: &str,
        name: &str,
        grace_period_seconds: Option<i64>,
    ) -> Result<(), ApiError> {
        let Some(pod) = self.get_as::<Pod>(ns, name).cloned() else {
            return Err(ApiError::not_found(Kind::Pod, name));
        };
        if !pod.is_terminating() {
            let mut p = pod;
            crate::controllers::node_lifecycle::set_disruption_target(
                &mut p,
                self.now,
                "EvictionByEvictionAPI",
                "Eviction API: evicting",
            );
            self.put_existing(Object::Pod(Box::new(p)));
            self.delete_inner(
                Kind::Pod,
                ns,
                name,
                &DeleteOptions {
                    grace_period_seconds,
                    propagation: None,
                },
            )?;
        }
        self.run();
        Ok(())
    }

    pub(crate) fn delete_inner(
        &mut self,
        kind: Kind,
        ns: &str,
        name: &str,
        opts: &DeleteOptions,
    ) -> Result<Arc<Object>, ApiError> {
        let ns = if kind.namespaced() { ns } else { "" };
        let live = self
            .store
            .get(kind, ns, name)
            .cloned()
            .ok_or_else(|| ApiError::not_found(kind, name))?;
        let mut obj = (*live).clone();
        let now = self.now;
        let grace = match &obj {
            Object::Pod(p) => {
                let terminal = matches!(p.phase(), "Succeeded" | "Failed");
                let own = p.spec.termination_grace_period_seconds.unwrap_or(30);
                let g = opts.grace_period_seconds.unwrap_or(own).max(0);
                if p.spec.node_name.is_none() || terminal {
                    0
                } else {
                    g
                }
            }
            _ => 0,
        };
        if obj.meta().is_deleting() {
            // A second delete may only shorten a pod's grace period.
            // (Grace zero is also how the kubelet removes a pod it has finished stopping.)
            if let Object::Pod(p) = &mut obj {
                let deadline = now.plus_ms(grace as u64 * 1000);
                let shorter = p.metadata.deletion_timestamp.is_some_and(|d| deadline < d);
                if shorter || (grace == 0 && p.metadata.deletion_grace_period_seconds != Some(0)) {
                    p.metadata.deletion_timestamp =
                        p.metadata.deletion_timestamp.map(|d| d.min(deadline));
                    p.metadata.deletion_grace_period_seconds = Some(grace);
                    return Ok(self.write(obj, &live));
                }
            }
            return Ok(live);
        }
        let m = obj.meta_mut();
        match opts.propagation {
            Some(Propagation::Orphan) => add_finalizer(m, "orphan"),
            Some(Propagation::Foreground) => add_finalizer(m, "foregroundDeletion"),
            _ => {}
        }
        m.deletion_timestamp = Some(now.plus_ms(grace as u64 * 1000));
        m.deletion_grace_period_seconds = Some(grace);
        if grace == 0 && m.finalizers.is_empty() {
            let gone = self.store.remove(kind, ns, name);
            return Ok(gone.unwrap_or(live));
        }
        Ok(self.store.put(obj))
    }

    // ------------------------------------------------------------------ events

    /// Records an Event about `involved`, aggregating repeats as the event correlator does
    /// (same object, type, reason, message and source → `count` goes up).
    pub(crate) fn record_event(
        &mut self,
        involved: &Object,
        type_: &str,
        reason: &str,
        message: &str,
        component: &str,
        host: Option<&str>,
    ) {
        self.record_event_at(involved, None, type_, reason, message, component, host);
    }

    /// [`Cluster::record_event`] about a part of the object: `involvedObject.fieldPath`, as the
    /// kubelet's container events carry it (`spec.containers{nginx}`).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn record_event_at(
        &mut self,
        involved: &Object,
        field_path: Option<&str>,
        type_: &str,
        reason: &str,
        message: &str,
        component: &str,
        host: Option<&str>,
    ) {
        let m = involved.meta();
        let ns = if m.namespace.is_empty() {
            "default".to_string()
        } else {
            m.namespace.clone()
        };
        // EventAggregator: events about one object from one source with the same type and
        // reason but different messages; the tenth distinct message within ten minutes of the
        // last is combined into one event that counts every later one.
        let agg_key = (
            m.uid.clone(),
            format!("{component}/{}", host.unwrap_or("")),
            type_.to_string(),
            reason.to_string(),
            String::new(),
        );
        let combined = {
            let now = self.now;
            let rec = self
                .event_aggregate
                .entry(agg_key.clone())
                .or_insert_with(|| (std::collections::BTreeSet::new(), now));
            if now.since(rec.1) > AGGREGATE_INTERVAL_MS {
                rec.0.clear();
            }
            rec.0.insert(message.to_string());
            rec.1 = now;
            if rec.0.len() < AGGREGATE_MAX_EVENTS {
                false
            } else {
                // `PopAny` (Go's map order; the first in order here).
                let first = rec.0.iter().next().cloned();
                if let Some(f) = first {
                    rec.0.remove(&f);
                }
                true
            }
        };
        let combined_message;
        let (key, message) = if combined {
            combined_message = format!("(combined from similar events): {message}");
            (agg_key, combined_message.as_str())
        } else {
            let key = (
                format!("{}{}", m.uid, field_path.unwrap_or("")),
                type_.to_string(),
                reason.to_string(),
                message.to_string(),
                component.to_string(),
            );
            (key, message)
        };
        // eventObserve: the recorder's cache counts every occurrence (the name is the first's).
        let (name, count, first) = match self.event_index.get_mut(&key) {
            Some(obs) => {
                obs.count += 1;
                (obs.name.clone(), obs.count, obs.first)
            }
            None => {
                // Names sort in creation order, as the API server's nanosecond timestamps do.
                self.event_seq += 1;
                let nanos = self.now.0 as u128 * 1_000_000 + (self.event_seq % 1_000_000) as u128;
                let name = format!("{}.{:x}", m.name, nanos);
                self.event_index.insert(
                    key,
                    Observed {
                        name: name.clone(),
                        count: 1,
                        first: self.now,
                    },
                );
                (name, 1, self.now)
            }
        };
        // EventSourceObjectSpamFilter: 25 writes at once per source, object and type, then
        // one per five minutes; a write that passes carries the count seen so far.
        let spam_key = (
            m.uid.clone(),
            format!("{component}/{}", host.unwrap_or("")),
            type_.to_string(),
            String::new(),
            String::new(),
        );
        let now = self.now;
        let bucket = self.event_spam.entry(spam_key).or_insert((SPAM_BURST, now));
        let refill = now.since(bucket.1) as f64 / SPAM_REFILL_MS as f64;
        bucket.0 = (bucket.0 + refill).min(SPAM_BURST);
        bucket.1 = now;
        if bucket.0 < 1.0 {
            return;
        }
        bucket.0 -= 1.0;
        if let Some(Object::Event(mut ev)) = self
            .store
            .get(Kind::Event, &ns, &name)
            .map(|o| (**o).clone())
        {
            ev.count = Some(count);
            ev.last_timestamp = Some(self.now);
            ev.message = Some(message.into());
            self.store.put(Object::Event(ev));
            return;
        }
        let ev = Event {
            metadata: ObjectMeta {
                name,
                namespace: ns,
                uid: self.rng.uuid(),
                creation_timestamp: Some(self.now),
                ..Default::default()
            },
            involved_object: ObjectReference {
                api_version: Some(involved.kind().api_version()),
                kind: Some(involved.kind().name().into()),
                namespace: (!m.namespace.is_empty()).then(|| m.namespace.clone()),
                name: Some(m.name.clone()),
                uid: Some(m.uid.clone()),
                resource_version: Some(m.resource_version.clone()),
                field_path: field_path.map(Into::into),
            },
            reason: Some(reason.into()),
            message: Some(message.into()),
            source: EventSource {
                component: Some(component.into()),
                host: host.map(Into::into),
            },
            first_timestamp: Some(first),
            last_timestamp: Some(self.now),
            count: Some(count),
            type_: Some(type_.into()),
            event_time: None,
            action: None,
            series: None,
            reporting_component: Some(component.into()),
            reporting_instance: Some(host.unwrap_or("").into()),
        };
        self.store.put(Object::Event(ev));
    }

    /// Records an Event as a component on the events.k8s.io API does (the scheduler): no
    /// `source`, `firstTimestamp` or `count`, but `eventTime`, `action` and the reporting
    /// controller and instance. A repeat (same object, action, reason and reporter; the message
    /// is not compared) within six minutes of the last joins the first event's series, whose
    /// count is written at the first repeat and then with the recorder's 30-minute heartbeat.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn record_event_series(
        &mut self,
        involved: &Object,
        type_: &str,
        reason: &str,
        action: &str,
        message: &str,
        controller: &str,
        instance: &str,
    ) {
        const SERIES_WINDOW_MS: u64 = 6 * MINUTE;
        const HEARTBEAT_MS: u64 = 30 * MINUTE;
        let m = involved.meta();
        let key = (
            m.uid.clone(),
            format!("{}/{}", m.resource_version, action),
            reason.to_string(),
            String::new(),
            controller.to_string(),
        );
        if let Some(s) = self.event_series.get_mut(&key) {
            if self.now.since(s.last_observed) <= SERIES_WINDOW_MS {
                s.count += 1;
                s.last_observed = self.now;
                let write = s.count == 2 || self.now.since(s.written_at) >= HEARTBEAT_MS;
                if write {
                    s.written_at = self.now;
                    let (count, at) = (s.count, s.last_observed);
                    let (ens, ename) = s.event.clone();
                    if let Some(Object::Event(mut ev)) = self
                        .store
                        .get(Kind::Event, &ens, &ename)
                        .map(|o| (**o).clone())
                    {
                        ev.series = Some(EventSeries {
                            count,
                            last_observed_time: Some(at),
                        });
                        self.store.put(Object::Event(ev));
                    }
                }
                return;
            }
        }
        let ns = if m.namespace.is_empty() {
            "default".to_string()
        } else {
            m.namespace.clone()
        };
        self.event_seq += 1;
        let nanos = self.now.0 as u128 * 1_000_000 + (self.event_seq % 1_000_000) as u128;
        let name = format!("{}.{:x}", m.name, nanos);
        let ev = Event {
            metadata: ObjectMeta {
                name: name.clone(),
                namespace: ns.clone(),
                uid: self.rng.uuid(),
                creation_timestamp: Some(self.now),
                ..Default::default()
            },
            involved_object: ObjectReference {
                api_version: Some(involved.kind().api_version()),
                kind: Some(involved.kind().name().into()),
                namespace: (!m.namespace.is_empty()).then(|| m.namespace.clone()),
                name: Some(m.name.clone()),
                uid: Some(m.uid.clone()),
                resource_version: Some(m.resource_version.clone()),
                field_path: None,
            },
            reason: Some(reason.into()),
            message: Some(message.into()),
            type_: Some(type_.into()),
            event_time: Some(self.now),
            action: Some(action.into()),
            reporting_component: Some(controller.into()),
            reporting_instance: Some(instance.into()),
            ..Default::default()
        };
        self.store.put(Object::Event(ev));
        self.event_series.insert(
            key,
            SeriesState {
                event: (ns, name),
                count: 1,
                last_observed: self.now,
                written_at: self.now,
            },
        );
    }
}

/// The recorders' cache keys: five strings (which ones, each map's comment says).
type EventKey = (String, String, String, String, String);

/// client-go's `defaultAggregateMaxEvents` and `defaultAggregateIntervalInSeconds`.
const AGGREGATE_MAX_EVENTS: usize = 10;
const AGGREGATE_INTERVAL_MS: u64 = 600 * 1000;

/// client-go's spam filter: `defaultSpamBurst`, and one token per `1/defaultSpamQPS` seconds.
const SPAM_BURST: f64 = 25.0;
const SPAM_REFILL_MS: u64 = 300 * 1000;

/// The legacy recorder's view of one event: its name and how often it was seen.
#[derive(Clone)]
struct Observed {
    name: String,
    count: i32,
    first: Time,
}

/// The recorder's view of one events.k8s.io series.
#[derive(Clone)]
struct SeriesState {
    event: ObjKey,
    count: i32,
    last_observed: Time,
    written_at: Time,
}

pub(crate) fn add_finalizer(m: &mut ObjectMeta, f: &str) {
    if !m.finalizers.iter().any(|x| x == f) {
        m.finalizers.push(f.into());
    }
}

pub(crate) fn remove_finalizer(m: &mut ObjectMeta, f: &str) -> bool {
    let before = m.finalizers.len();
    m.finalizers.retain(|x| x != f);
    m.finalizers.len() != before
}

/// A deleted object goes away once its finalizers are gone (and, for a pod, once the kubelet
/// has finished: its grace period was set to zero).
fn ready_to_remove(o: &Object) -> bool {
    let m = o.meta();
    if m.deletion_timestamp.is_none() || !m.finalizers.is_empty() {
        return false;
    }
    match o {
        Object::Pod(_) => m.deletion_grace_period_seconds == Some(0),
        _ => true,
    }
}

fn copy_status(from: &Object, to: &mut Object) {
    match (from, to) {
        (Object::Pod(a), Object::Pod(b)) => b.status = a.status.clone(),
        (Object::StatefulSet(a), Object::StatefulSet(b)) => b.status = a.status.clone(),
        (Object::PersistentVolumeClaim(a), Object::PersistentVolumeClaim(b)) => {
            b.status = a.status.clone()
        }
        (Object::PersistentVolume(a), Object::PersistentVolume(b)) => b.status = a.status.clone(),
        (Object::Service(a), Object::Service(b)) => b.status = a.status.clone(),
        (Object::Node(a), Object::Node(b)) => b.status = a.status.clone(),
        (Object::Namespace(a), Object::Namespace(b)) => b.status = a.status.clone(),
        _ => {}
    }
}

/// Whether a watch event is a deletion.
pub fn is_deleted(ev: &WatchEvent) -> bool {
    ev.type_ == WatchEventType::Deleted
}
