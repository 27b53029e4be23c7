//! The EndpointSlice controller: slices of up to 100 endpoints per Service with a selector,
//! listing the selected pods that have an IP, with ready/serving/terminating conditions and
//! hostnames.

use super::{key_of, Action, Controller, Work};
use crate::api::*;
use crate::cluster::Cluster;
use crate::faults::Verb;
use crate::store::{ObjKey, WatchEvent};
use std::collections::{BTreeMap, HashMap};

/// The EndpointSlice controller's queue: one service per item.
pub(crate) static CONTROLLER: Controller = Controller {
    name: "endpointslice-controller",
    reconcile: sync,
    // A sync reads every pod of the service's namespace.
    size: Some(|c, (ns, _)| c.store.count_in(Kind::Pod, ns)),
};

/// A pod the service selects, or one a slice lists that the service no longer selects (its
/// labels changed).
pub(crate) fn on_pod(c: &Cluster, ev: &WatchEvent, out: &mut Vec<Work>) {
    let m = ev.object.meta();
    let ns = &m.namespace;
    for svc in c.list_as::<Service>(Some(ns)) {
        if !svc.spec.selector.is_empty()
            && svc
                .spec
                .selector
                .iter()
                .all(|(k, v)| m.labels.get(k) == Some(v))
        {
            out.push(Work::at(&CONTROLLER, ns, &svc.metadata.name));
        }
    }
    for slice in c.store.slices_of_pod(ns, &m.name) {
        if let Some(svc) = c
            .get_as::<EndpointSlice>(ns, slice)
            .and_then(|s| s.metadata.labels.get("kubernetes.io/service-name"))
        {
            out.push(Work::at(&CONTROLLER, ns, svc));
        }
    }
}

/// The service's own events.
pub(crate) fn on_service(_: &Cluster, ev: &WatchEvent, out: &mut Vec<Work>) {
    out.push(Work::new(&CONTROLLER, key_of(&ev.object)));
}

pub(crate) fn sync(c: &mut Cluster, key: &ObjKey) -> Action {
    let (ns, name) = key;
    // Shared handles: a slice of a large set lists thousands of endpoints.
    let existing: Vec<std::sync::Arc<Object>> = c
        .store
        .list(Kind::EndpointSlice, Some(ns))
        .filter(|o| o.meta().labels.get("kubernetes.io/service-name") == Some(name))
        .cloned()
        .collect();
    let existing: Vec<&EndpointSlice> = existing
        .iter()
        .filter_map(|o| EndpointSlice::from_object(o))
        .collect();
    let svc = c.get_as::<Service>(ns, name).cloned();
    // A write that fails (a fault plan's 409, 500 or timeout) makes the sync fail, and the
    // service is synced again with the workqueue's backoff, as `processNextWorkItem`'s
    // `handleErr` does; the writes that went through stay.
    let mut failed: Option<String> = None;
    let Some(svc) = svc.filter(|s| !s.spec.selector.is_empty() && !s.metadata.is_deleting()) else {
        c.endpoint_caches.remove(key);
        for s in existing {
            note(&mut failed, delete_slice(c, ns, &s.metadata.name));
        }
        return outcome(failed);
    };
    let publish_not_ready = svc.spec.publish_not_ready_addresses == Some(true);
    // Each pod of the namespace with the endpoint it gave on the last sync, kept by the pod's
    // Arc: an unchanged pod gives the same endpoint, with nothing read from it.
    let mut cache = c.endpoint_caches.remove(key).unwrap_or_default();
    let cache_key = (svc.spec.selector.clone(), publish_not_ready);
    if cache.key.as_ref() != Some(&cache_key) {
        cache = EndpointCache {
            key: Some(cache_key),
            pods: Vec::new(),
        };
    }
    // A cache just made has no endpoint to reuse: the slices' (a pod whose endpoint has not
    // changed keeps the one its slice shares, with nothing built).
    let had: HashMap<&str, &Shared<Endpoint>> = if cache.pods.is_empty() {
        existing
            .iter()
            .flat_map(|s| s.endpoints.iter())
            .map(|e| (target_name(e), e))
            .collect()
    } else {
        HashMap::new()
    };
    let mut endpoints: Vec<Shared<Endpoint>> = Vec::new();
    let mut old = std::mem::take(&mut cache.pods).into_iter().peekable();
    let mut pods = Vec::with_capacity(old.len());
    for obj in c.store.list(Kind::Pod, Some(ns)) {
        let Object::Pod(pod) = &**obj else { continue };
        // The old entries come in the same order: skip those gone, take this pod's.
        let mut prev = None;
        let kept = loop {
            let Some((o, _)) = old.peek() else { break None };
            if std::sync::Arc::ptr_eq(o, obj) {
                break old.next();
            }
            match o.name().cmp(pod.metadata.name.as_str()) {
                std::cmp::Ordering::Less => {
                    old.next();
                }
                std::cmp::Ordering::Equal => {
                    prev = old.next().and_then(|(_, e)| e);
                    break None;
                }
                std::cmp::Ordering::Greater => break None,
            }
        };
        let entry = match kept {
            Some(entry) => {
                // Debug builds (every test) check the kept endpoint against the pod.
                #[cfg(debug_assertions)]
                {
                    let want =
                        endpoint_of(&svc.spec.selector, pod, ns, name, publish_not_ready, None);
                    assert_eq!(
                        entry.1.as_deref(),
                        want.as_deref(),
                        "cached endpoint of {}",
                        pod.metadata.name
                    );
                }
                entry
            }
            None => {
                let prev = prev
                    .as_ref()
                    .or_else(|| had.get(pod.metadata.name.as_str()).copied());
                let e = endpoint_of(&svc.spec.selector, pod, ns, name, publish_not_ready, prev);
                (obj.clone(), e)
            }
        };
        endpoints.extend(entry.1.iter().cloned());
        pods.push(entry);
    }
    drop(had);
    cache.pods = pods;
    c.endpoint_caches.insert(key.clone(), cache);
    let ports = svc
        .spec
        .ports
        .iter()
        .map(|p| EndpointPort {
            name: Some(p.name.clone().unwrap_or_default()),
            port: Some(target_port_number(&svc, p, c, ns)),
            protocol: p.protocol.clone(),
        })
        .collect();
    let owner_references = vec![controller_ref(Kind::Service, &svc.metadata)];
    let mut labels = BTreeMap::from([
        (
            "endpointslice.kubernetes.io/managed-by".to_string(),
            "endpointslice-controller.k8s.io".to_string(),
        ),
        ("kubernetes.io/service-name".to_string(), name.clone()),
    ]);
    if svc.is_headless() {
        labels.insert("service.kubernetes.io/headless".into(), String::new());
    }
    for (k, v) in &svc.metadata.labels {
        labels.entry(k.clone()).or_insert_with(|| v.clone());
    }
    let meta = SliceMeta {
        ns,
        service: name,
        labels,
        owner_references,
        ports,
    };
    if existing.len() <= 1 && endpoints.len() <= MAX_ENDPOINTS_PER_SLICE {
        // One slice holds them all: it lists the pods in name order.
        note(
            &mut failed,
            write_slice(c, &meta, existing.first().copied(), endpoints),
        );
        return outcome(failed);
    }
    // More than one slice's worth (upstream's reconciler): an endpoint stays in the slice that
    // has it (updated if it changed), goes from the slice whose pod is gone, and a new one fills
    // the first slice with room, or a new slice. Only slices that changed are written.
    // The pods come in name order, so the endpoints are sorted by pod name: one taken by a
    // slice that has it is found by bisection and marked, not removed.
    let mut desired: Vec<(Shared<Endpoint>, bool)> =
        endpoints.into_iter().map(|e| (e, false)).collect();
    // A slice's endpoints mostly follow one another in that order too: the one after the
    // last found is tried before bisecting.
    let mut next = 0;
    let mut plan: Vec<(Option<&EndpointSlice>, Vec<Shared<Endpoint>>)> = existing
        .iter()
        .map(|s| {
            let kept = s
                .endpoints
                .iter()
                .filter_map(|e| {
                    let name = target_name(e);
                    let i = match desired.get(next) {
                        Some((d, _)) if target_name(d) == name => next,
                        _ => desired
                            .binary_search_by(|(d, _)| target_name(d).cmp(name))
                            .ok()?,
                    };
                    next = i + 1;
                    let (d, taken) = &mut desired[i];
                    (!std::mem::replace(taken, true)).then(|| Shared::clone(d))
                })
                .collect();
            (Some(*s), kept)
        })
        .collect();
    let mut fresh = desired
        .into_iter()
        .filter_map(|(e, taken)| (!taken).then_some(e));
    for (_, eps) in plan.iter_mut() {
        while eps.len() < MAX_ENDPOINTS_PER_SLICE {
            match fresh.next() {
                Some(e) => eps.push(e),
                None => break,
            }
        }
    }
    loop {
        let chunk: Vec<Shared<Endpoint>> = fresh.by_ref().take(MAX_ENDPOINTS_PER_SLICE).collect();
        if chunk.is_empty() {
            break;
        }
        plan.push((None, chunk));
    }
    // Empty slices go, but a service keeps one slice even with no endpoints.
    let keep_empty = plan.iter().all(|(_, eps)| eps.is_empty());
    let mut kept_one = false;
    for (slice, eps) in plan {
        if eps.is_empty() && (kept_one || !keep_empty) {
            if let Some(s) = slice {
                note(&mut failed, delete_slice(c, ns, &s.metadata.name));
            }
            continue;
        }
        kept_one = true;
        note(&mut failed, write_slice(c, &meta, slice, eps));
    }
    outcome(failed)
}

/// The service's cache: each pod of the namespace with its endpoint (none if the service
/// does not select it, or it has no IP or has finished), for the selector and
/// `publishNotReadyAddresses` in `key`.
#[derive(Clone, Default)]
pub(crate) struct EndpointCache {
    key: Option<(Labels, bool)>,
    pods: Vec<(std::sync::Arc<Object>, Option<Shared<Endpoint>>)>,
}

/// The endpoint the service's slices list for `pod`: `prev` if it is that endpoint already,
/// else a new one.
fn endpoint_of(
    selector: &Labels,
    pod: &Pod,
    ns: &str,
    name: &str,
    publish_not_ready: bool,
    prev: Option<&Shared<Endpoint>>,
) -> Option<Shared<Endpoint>> {
    if !selector
        .iter()
        .all(|(k, v)| pod.metadata.labels.get(k) == Some(v))
    {
        return None;
    }
    let ip = pod.status.pod_ip.as_ref()?;
    if matches!(pod.phase(), "Succeeded" | "Failed") {
        return None;
    }
    let ready = pod.is_ready();
    let terminating = pod.is_terminating();
    let hostname = match (&pod.spec.hostname, &pod.spec.subdomain) {
        (Some(h), Some(sd)) if !h.is_empty() && sd == name => Some(h),
        _ => None,
    };
    let conditions = EndpointConditions {
        ready: Some(publish_not_ready || (ready && !terminating)),
        serving: Some(ready),
        terminating: Some(terminating),
    };
    if let Some(old) = prev {
        if is_endpoint_of(old, pod, ns, ip, &conditions, hostname) {
            return Some(Shared::clone(old));
        }
    }
    Some(Shared::new(Endpoint {
        addresses: vec![ip.clone()],
        conditions,
        hostname: hostname.cloned(),
        node_name: pod.spec.node_name.clone(),
        target_ref: Some(ObjectReference {
            kind: Some("Pod".into()),
            namespace: Some(ns.to_string()),
            name: Some(pod.metadata.name.clone()),
            uid: Some(pod.metadata.uid.clone()),
            ..Default::default()
        }),
    }))
}

/// Keeps the first error of a sync's writes.
fn note(failed: &mut Option<String>, r: Result<(), crate::error::ApiError>) {
    if let Err(e) = r {
        failed.get_or_insert(e.message);
    }
}

/// A sync whose writes all went through is done; else it is retried with backoff.
fn outcome(failed: Option<String>) -> Action {
    match failed {
        Some(reason) => Action::Retry { reason },
        None => Action::Done,
    }
}

/// Deletes a slice; one already gone is no error.
fn delete_slice(c: &mut Cluster, ns: &str, name: &str) -> Result<(), crate::error::ApiError> {
    match c.delete_inner(
        Kind::EndpointSlice,
        ns,
        name,
        &crate::cluster::DeleteOptions::default(),
    ) {
        Err(e) if !e.is_not_found() => Err(e),
        _ => Ok(()),
    }
}

/// The controller's `maxEndpointsPerSlice` (kube-controller-manager's default).
pub const MAX_ENDPOINTS_PER_SLICE: usize = 100;

/// What every slice of one service carries besides its endpoints.
struct SliceMeta<'a> {
    ns: &'a str,
    service: &'a str,
    labels: BTreeMap<String, String>,
    owner_references: Vec<OwnerReference>,
    ports: Vec<EndpointPort>,
}

/// Whether `e` is the endpoint the sync would build for `pod` (compared field by field, so
/// that an unchanged pod costs no allocation).
fn is_endpoint_of(
    e: &Endpoint,
    pod: &Pod,
    ns: &str,
    ip: &str,
    conditions: &EndpointConditions,
    hostname: Option<&String>,
) -> bool {
    e.addresses.len() == 1
        && e.addresses[0] == ip
        && e.conditions == *conditions
        && e.hostname.as_ref() == hostname
        && e.node_name == pod.spec.node_name
        && e.target_ref.as_ref().is_some_and(|r| {
            r.kind.as_deref() == Some("Pod")
                && r.namespace.as_deref() == Some(ns)
                && r.name.as_deref() == Some(pod.metadata.name.as_str())
                && r.uid.as_deref() == Some(pod.metadata.uid.as_str())
                && r.api_version.is_none()
                && r.resource_version.is_none()
                && r.field_path.is_none()
        })
}

fn target_name(e: &Endpoint) -> &str {
    e.target_ref
        .as_ref()
        .and_then(|r| r.name.as_deref())
        .unwrap_or("")
}

/// Creates the slice, or rewrites `existing` if anything in it differs.
fn write_slice(
    c: &mut Cluster,
    meta: &SliceMeta,
    existing: Option<&EndpointSlice>,
    mut endpoints: Vec<Shared<Endpoint>>,
) -> Result<(), crate::error::ApiError> {
    if let Some(s) = existing {
        if *s.metadata.labels == meta.labels
            && *s.metadata.owner_references == meta.owner_references
            && s.endpoints == endpoints
            && s.ports == meta.ports
        {
            // Unchanged: upstream's reconciler writes nothing either.
            return Ok(());
        }
    }
    // Every version of a slice stays in the watch log for a while: no spare capacity.
    endpoints.shrink_to_fit();
    let mut slice = match existing {
        // Everything but the endpoints and ports, which are replaced.
        Some(s) => EndpointSlice {
            metadata: s.metadata.clone(),
            address_type: s.address_type.clone(),
            ..Default::default()
        },
        None => EndpointSlice {
            metadata: ObjectMeta {
                generate_name: format!("{}-", meta.service).into(),
                namespace: meta.ns.to_string(),
                ..Default::default()
            },
            address_type: "IPv4".into(),
            ..Default::default()
        },
    };
    // Labels and owners the slice has already stay shared with its versions before.
    if *slice.metadata.labels != meta.labels {
        slice.metadata.labels = meta.labels.clone().into();
    }
    if *slice.metadata.owner_references != meta.owner_references {
        slice.metadata.owner_references = meta.owner_references.clone().into();
    }
    slice.endpoints = endpoints;
    slice.ports = meta.ports.clone();
    if existing.is_none() {
        c.create_inner(slice.into()).map(drop)
    } else {
        match c.put_checked(slice.into(), Verb::Update) {
            // Gone meanwhile: the next sync (its deletion's event) creates one.
            Err(e) if e.is_not_found() => Ok(()),
            r => r.map(drop),
        }
    }
}

/// A named `targetPort` resolves against the first selected pod's container ports.
fn target_port_number(svc: &Service, p: &ServicePort, c: &Cluster, ns: &str) -> i32 {
    match &p.target_port {
        Some(serde_json::Value::Number(n)) => n.as_i64().unwrap_or(p.port as i64) as i32,
        Some(serde_json::Value::String(name)) => c
            .list_as::<Pod>(Some(ns))
            .iter()
            .filter(|pod| {
                svc.spec
                    .selector
                    .iter()
                    .all(|(k, v)| pod.metadata.labels.get(k) == Some(v))
            })
            .flat_map(|pod| pod.spec.containers.iter().flat_map(|ct| ct.ports.iter()))
            .find(|cp| cp.name.as_deref() == Some(name.as_str()))
            .map_or(p.port, |cp| cp.container_port),
        _ => p.port,
    }
}
