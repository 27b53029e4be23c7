//! The API server's verbs over the store: get, list, create, update (and `/status`), delete
//! with graceful deletion and finalizers, and eviction. Admission runs in [`crate::admission`].

use super::{Cluster, DeleteOptions, Propagation};
use crate::admission;
use crate::api::*;
use crate::error::{ApiError, Reason};
use crate::faults::{Fault, Faults, Verb};
use crate::store::{Store, WatchEvent, WatchEventType};
use std::sync::Arc;

impl Cluster {
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

    /// Watch events of every kind after `resource_version`, in order; `Err(Gone)` if the watch
    /// cache of any kind no longer reaches back that far.
    pub fn watch_since(&self, resource_version: u64) -> Result<Vec<WatchEvent>, ApiError> {
        self.store
            .events_since(resource_version)
            .map_err(|oldest| too_old(resource_version, oldest))
    }

    /// A watch on one resource: its events after `resource_version`; `Err(Gone)` ("too old
    /// resource version", 410 Expired) once its watch cache no longer reaches back, after which
    /// a client lists again, as client-go's reflector does.
    pub fn watch_kind_since(
        &self,
        kind: Kind,
        resource_version: u64,
    ) -> Result<Vec<WatchEvent>, ApiError> {
        self.store
            .kind_events_since(kind, resource_version)
            .map_err(|oldest| too_old(resource_version, oldest))
    }

    /// Why the controller of a workload (a StatefulSet or a Deployment, by `kind`) is
    /// waiting, if it is.
    pub fn waiting_reason(&self, kind: Kind, ns: &str, name: &str) -> Option<&str> {
        self.waiting
            .get(&(kind, (ns.to_string(), name.to_string())))
            .map(|s| s.as_str())
    }

    // ------------------------------------------------------------------ writes

    /// Runs `request` as the API server runs writes sent with `?dryRun=All`: defaulting,
    /// admission and validation run, and each verb returns the object it would have stored (a
    /// new object has its uid and creationTimestamp but no resourceVersion), but nothing is
    /// written: no store change, no watch event, no resourceVersion bump, and the RNG and the
    /// Service IP allocator are left where they were, so what follows runs as if the request had
    /// never come. Reads inside see the store as it is.
    pub fn dry_run<R>(&mut self, request: impl FnOnce(&mut Cluster) -> R) -> R {
        let (rng, next_service_ip, outer) = (self.rng.clone(), self.next_service_ip, self.dry_run);
        self.dry_run = true;
        let r = request(self);
        self.dry_run = outer;
        self.rng = rng;
        self.next_service_ip = next_service_ip;
        r
    }

    /// Whether writes are being dry-run (inside [`Cluster::dry_run`]).
    pub fn is_dry_run(&self) -> bool {
        self.dry_run
    }

    /// POST: admission (defaults, validation), then store. Controllers use it too.
    pub fn create(&mut self, obj: Object) -> Result<Arc<Object>, ApiError> {
        let r = self.create_inner(obj);
        self.run();
        r
    }

    /// Arms a fault plan for the controllers' writes and the watch (see [`crate::faults`]),
    /// replacing any armed before.
    pub fn set_faults(&mut self, faults: Faults) {
        self.faults = Some(Box::new(faults));
    }

    /// Disarms the fault plan and returns it, with the faults it injected. A watch that is
    /// still dropping events relists first, so nothing stays lost.
    pub fn clear_faults(&mut self) -> Option<Faults> {
        if self.faults.as_ref().is_some_and(|f| !f.lost.is_empty()) {
            self.relist();
        }
        let f = self.faults.take().map(|f| *f);
        self.run();
        f
    }

    /// The armed fault plan, with what it has injected so far.
    pub fn faults(&self) -> Option<&Faults> {
        self.faults.as_deref()
    }

    /// The fault the plan has for this write by the running controller, if any. Called only
    /// when a plan is armed; a client's own write (no controller running) is never struck,
    /// nor is a dry run.
    #[cold]
    fn strike(&mut self, verb: Verb, kind: Kind, name: &str) -> Option<Fault> {
        let controller = self.actor?;
        if self.dry_run {
            return None;
        }
        let faults = self.faults.as_mut()?;
        let rng = &mut self.rng;
        faults.strike(controller, verb, kind, name, || rng.below(1_000_000) as u32)
    }

    /// A write struck by `fault`: its error, after doing the write for a timeout (the API
    /// server's request may still complete after it has answered 504).
    #[cold]
    fn faulted<T>(
        &mut self,
        fault: Fault,
        kind: Kind,
        name: &str,
        write: impl FnOnce(&mut Cluster) -> T,
    ) -> Result<Arc<Object>, ApiError> {
        if fault == Fault::Timeout {
            write(self);
        }
        Err(fault.error(kind, name))
    }

    pub(crate) fn create_inner(&mut self, obj: Object) -> Result<Arc<Object>, ApiError> {
        if self.faults.is_some() {
            let (kind, name) = (obj.kind(), obj.name().to_string());
            if let Some(f) = self.strike(Verb::Create, kind, &name) {
                return self.faulted(f, kind, &name, |c| c.create_now(obj));
            }
        }
        self.create_now(obj)
    }

    fn create_now(&mut self, mut obj: Object) -> Result<Arc<Object>, ApiError> {
        let kind = obj.kind();
        scope(&mut obj);
        if obj.name().is_empty() && !obj.meta().generate_name.is_empty() {
            // `SimpleNameGenerator`: the base is cut to 58 characters, then 5 random ones.
            let base: String = obj.meta().generate_name.chars().take(58).collect();
            let name = format!("{base}{}", self.rng.name_suffix(5));
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
        obj.admit_create(self)?;
        let m = obj.meta_mut();
        m.uid = self.rng.uuid();
        m.creation_timestamp = Some(self.now);
        m.deletion_timestamp = None;
        m.deletion_grace_period_seconds = None;
        if kind.has_generation() {
            m.generation = 1;
        }
        if self.dry_run {
            return Ok(Arc::new(obj));
        }
        Ok(self.store.put(obj))
    }

    /// The Service IP allocator: the next free address of the service CIDR (10.96.0.0/16),
    /// skipping the DNS service's.
    pub(crate) fn allocate_service_ip(&mut self) -> String {
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

    /// PUT of a pod's `ephemeralcontainers` subresource (`EphemeralContainersREST`): only
    /// `spec.ephemeralContainers` is taken from `pod` (`dropNonEphemeralContainerUpdates`), new
    /// ones may be added, existing ones neither changed nor removed. The pod's kubelet starts
    /// the new ones.
    pub fn update_ephemeral_containers(&mut self, pod: Pod) -> Result<Arc<Object>, ApiError> {
        let r = self.update_ephemeral_inner(pod);
        self.run();
        r
    }

    fn update_ephemeral_inner(&mut self, mut pod: Pod) -> Result<Arc<Object>, ApiError> {
        let ns = if pod.metadata.namespace.is_empty() {
            "default".to_string()
        } else {
            pod.metadata.namespace.clone()
        };
        let name = pod.metadata.name.clone();
        let live = self
            .store
            .get(Kind::Pod, &ns, &name)
            .cloned()
            .ok_or_else(|| ApiError::not_found(Kind::Pod, &name))?;
        let Object::Pod(old) = &*live else {
            return Err(ApiError::not_found(Kind::Pod, &name));
        };
        let rv = &pod.metadata.resource_version;
        if !rv.is_empty() && *rv != old.metadata.resource_version {
            return Err(ApiError::conflict(Kind::Pod, &name));
        }
        let mut new = (**old).clone();
        new.spec.ephemeral_containers = std::mem::take(&mut pod.spec.ephemeral_containers);
        admission::default_pod_spec(&mut new.spec);
        let mut causes = Vec::new();
        admission::validate_ephemeral_containers(
            &new.spec,
            &old.spec.ephemeral_containers,
            &mut causes,
        );
        if !causes.is_empty() {
            return Err(ApiError::invalid(Kind::Pod, &name, causes));
        }
        Ok(self.write(Object::Pod(Box::new(new)), &live))
    }

    pub(crate) fn update_inner(
        &mut self,
        obj: Object,
        status_only: bool,
    ) -> Result<Arc<Object>, ApiError> {
        if self.faults.is_some() {
            let verb = if status_only {
                Verb::UpdateStatus
            } else {
                Verb::Update
            };
            let (kind, name) = (obj.kind(), obj.name().to_string());
            if let Some(f) = self.strike(verb, kind, &name) {
                return self.faulted(f, kind, &name, |c| c.update_now(obj, status_only));
            }
        }
        self.update_now(obj, status_only)
    }

    fn update_now(&mut self, mut obj: Object, status_only: bool) -> Result<Arc<Object>, ApiError> {
        let kind = obj.kind();
        scope(&mut obj);
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
            Object::copy_status(&obj, &mut base);
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
            Object::copy_status(&live, &mut obj);
            obj.prepare_update(&live);
            admission::gated_fields(&mut obj, Some(&live), &self.feature_gates);
            admission::validate_update(&live, &obj)?;
            obj.admit_update(&live, self)?;
            if kind.has_generation() && admission::spec_changed(&live, &obj) {
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
        if self.dry_run {
            // A dry-run update answers with the live resourceVersion: nothing was written.
            return Arc::new(new);
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

    /// A controller's write of a whole object that exists, as the call `verb` (an `Update`
    /// or an `UpdateStatus`): what a fault plan may strike. NotFound if it is gone.
    pub(crate) fn put_checked(&mut self, new: Object, verb: Verb) -> Result<Arc<Object>, ApiError> {
        let (kind, name) = (new.kind(), new.name().to_string());
        if self.faults.is_some() {
            if let Some(f) = self.strike(verb, kind, &name) {
                return self.faulted(f, kind, &name, |c| c.put_existing(new));
            }
        }
        self.put_existing(new)
            .ok_or_else(|| ApiError::not_found(kind, &name))
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
        if self.faults.is_some() {
            if let Some(f) = self.strike(Verb::Delete, kind, name) {
                return self.faulted(f, kind, name, |c| c.delete_now(kind, ns, name, opts));
            }
        }
        self.delete_now(kind, ns, name, opts)
    }

    fn delete_now(
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
        let graceful = obj.deletion_grace(opts.grace_period_seconds);
        let grace = graceful.unwrap_or(0);
        if obj.meta().is_deleting() {
            // A second delete may only shorten a pod's grace period.
            // (Grace zero is also how the kubelet removes a pod it has finished stopping.)
            if graceful.is_some() {
                let m = obj.meta_mut();
                let deadline = now.plus_ms(grace as u64 * 1000);
                let shorter = m.deletion_timestamp.is_some_and(|d| deadline < d);
                if shorter || (grace == 0 && m.deletion_grace_period_seconds != Some(0)) {
                    m.deletion_timestamp = m.deletion_timestamp.map(|d| d.min(deadline));
                    m.deletion_grace_period_seconds = Some(grace);
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
        if self.dry_run {
            return Ok(Arc::new(obj));
        }
        if grace == 0 && m.finalizers.is_empty() {
            let gone = self.store.remove(kind, ns, name);
            return Ok(gone.unwrap_or(live));
        }
        Ok(self.store.put(obj))
    }
}

/// A cluster-scoped object has no namespace; a namespaced one without one is in `default`.
fn scope(obj: &mut Object) {
    if !obj.kind().namespaced() {
        obj.meta_mut().namespace.clear();
    } else if obj.namespace().is_empty() {
        obj.meta_mut().namespace = "default".into();
    }
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

/// A deleted object goes away once its finalizers are gone (and, for a kind with graceful
/// deletion such as a pod, once the kubelet has finished: its grace period was set to zero).
fn ready_to_remove(o: &Object) -> bool {
    let m = o.meta();
    if m.deletion_timestamp.is_none() || !m.finalizers.is_empty() {
        return false;
    }
    let graceful = o.deletion_grace(None).is_some();
    !graceful || m.deletion_grace_period_seconds == Some(0)
}

/// The watch cache's 410: `too old resource version: RV (OLDEST)`.
fn too_old(resource_version: u64, oldest: u64) -> ApiError {
    ApiError::new(
        Reason::Gone,
        format!("too old resource version: {resource_version} ({oldest})"),
    )
}

/// Whether a watch event is a deletion.
pub fn is_deleted(ev: &WatchEvent) -> bool {
    ev.type_ == WatchEventType::Deleted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str) -> Object {
        let mut p = Pod {
            metadata: ObjectMeta::named("default", name),
            ..Default::default()
        };
        p.spec.containers.push(Container {
            name: "c".into(),
            image: Some("nginx".into()),
            ..Default::default()
        });
        p.into()
    }

    // Events go an hour after their last write (the API server's `--event-ttl`), with a
    // DELETED watch event each, whenever time passes; the TTL is not a timer, so a quiet
    // cluster stays quiet. A watch whose cursor the Event cache no longer reaches is told
    // "too old resource version", and a watch on another kind is not.
    #[test]
    fn events_expire_after_an_hour_and_too_old_watches_are_gone() {
        let mut c = Cluster::new(1);
        let rv0 = c.resource_version();
        c.create(pod("p")).unwrap();
        assert!(c.settle().quiet);
        let events = |c: &Cluster| c.list(Kind::Event, Some("default")).len();
        assert!(events(&c) > 0);
        assert_eq!(c.next_timer(), None);
        c.advance(59 * 60 * 1000);
        assert!(events(&c) > 0);
        c.advance(2 * 60 * 1000);
        assert_eq!(events(&c), 0);
        let gone = c.watch_kind_since(Kind::Event, rv0).unwrap();
        assert!(gone
            .iter()
            .any(|e| e.type_ == crate::store::WatchEventType::Deleted));
        assert!(c.settle().quiet);
        // 250 more Events over ten minutes: the Event cache slides past the first ones.
        let p = c.get(Kind::Pod, "default", "p").unwrap();
        let rv1 = c.resource_version();
        for i in 0..250 {
            c.advance(2400);
            // Each from its own source: neither aggregated nor spam-filtered.
            c.record_event(&p, "Normal", "Test", "tested", &format!("test-{i}"), None);
        }
        let err = c.watch_kind_since(Kind::Event, rv1).unwrap_err();
        assert_eq!(err.reason, Reason::Gone);
        assert!(err
            .message
            .starts_with(&format!("too old resource version: {rv1} (")));
        assert!(c.watch_since(rv1).is_err());
        assert!(c.watch_kind_since(Kind::Pod, rv1).unwrap().is_empty());
    }

    // A dry run admits and answers but leaves the store, the watch log, the RNG and the
    // Service IP allocator as they were, so the next real write is the one it would have been.
    #[test]
    fn a_dry_run_writes_nothing() {
        let mut c = Cluster::new(1);
        let rv = c.resource_version();
        let dry = c.dry_run(|c| c.create(pod("p"))).unwrap();
        assert!(dry.meta().resource_version.is_empty());
        assert!(!dry.meta().uid.is_empty());
        assert_eq!(c.resource_version(), rv);
        assert!(c.get(Kind::Pod, "default", "p").is_err());
        assert!(c.watch_since(rv).unwrap().is_empty());
        assert!(!c.is_dry_run());
        let real = c.create(pod("p")).unwrap();
        assert_eq!(real.meta().uid, dry.meta().uid);
        let rv = c.resource_version();
        let live = c.get(Kind::Pod, "default", "p").unwrap();
        let mut changed = (*live).clone();
        changed.meta_mut().labels.insert("a".into(), "b".into());
        let updated = c.dry_run(|c| c.update(changed)).unwrap();
        assert_eq!(
            updated.meta().labels.get("a").map(String::as_str),
            Some("b")
        );
        assert_eq!(
            updated.meta().resource_version,
            live.meta().resource_version
        );
        let opts = DeleteOptions::default();
        c.dry_run(|c| c.delete(Kind::Pod, "default", "p", &opts))
            .unwrap();
        assert_eq!(c.resource_version(), rv);
        let live = c.get(Kind::Pod, "default", "p").unwrap();
        assert!(live.meta().labels.is_empty() && !live.meta().is_deleting());
        // Validation still answers.
        let bad = c.dry_run(|c| c.create(pod("Bad_Name")));
        assert!(bad.is_err());
        // The Service IP allocator is put back.
        let svc = |name: &str| -> Object {
            let mut s = Service {
                metadata: ObjectMeta::named("default", name),
                ..Default::default()
            };
            s.spec.ports.push(ServicePort {
                port: 80,
                ..Default::default()
            });
            s.into()
        };
        let ip = |o: &Object| match o {
            Object::Service(s) => s.spec.cluster_ip.clone(),
            _ => None,
        };
        let dry = c.dry_run(|c| c.create(svc("s"))).unwrap();
        let real = c.create(svc("s")).unwrap();
        assert!(ip(&dry).is_some());
        assert_eq!(ip(&dry), ip(&real));
    }
}
