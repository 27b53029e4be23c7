//! The EndpointSlice controller: one slice per Service with a selector, listing the selected
//! pods that have an IP, with ready/serving/terminating conditions and hostnames.

use crate::api::*;
use crate::cluster::Cluster;
use crate::store::ObjKey;
use std::collections::BTreeMap;

pub(crate) fn sync(c: &mut Cluster, key: &ObjKey) {
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
        .filter_map(|o| match &**o {
            Object::EndpointSlice(s) => Some(s),
            _ => None,
        })
        .collect();
    let svc = c.get_as::<Service>(ns, name).cloned();
    let Some(svc) = svc.filter(|s| !s.spec.selector.is_empty() && !s.metadata.is_deleting()) else {
        for s in existing {
            c.store.remove(Kind::EndpointSlice, ns, &s.metadata.name);
        }
        return;
    };
    let publish_not_ready = svc.spec.publish_not_ready_addresses == Some(true);
    let mut endpoints = Vec::new();
    for pod in c.list_as::<Pod>(Some(ns)) {
        if !svc
            .spec
            .selector
            .iter()
            .all(|(k, v)| pod.metadata.labels.get(k) == Some(v))
        {
            continue;
        }
        let Some(ip) = pod.status.pod_ip.clone() else {
            continue;
        };
        if matches!(pod.phase(), "Succeeded" | "Failed") {
            continue;
        }
        let ready = pod.is_ready();
        let terminating = pod.is_terminating();
        let hostname = match (&pod.spec.hostname, &pod.spec.subdomain) {
            (Some(h), Some(sd)) if !h.is_empty() && sd == name => Some(h.clone()),
            _ => None,
        };
        endpoints.push(Endpoint {
            addresses: vec![ip],
            conditions: EndpointConditions {
                ready: Some(publish_not_ready || (ready && !terminating)),
                serving: Some(ready),
                terminating: Some(terminating),
            },
            hostname,
            node_name: pod.spec.node_name.clone(),
            target_ref: Some(ObjectReference {
                kind: Some("Pod".into()),
                namespace: Some(ns.clone()),
                name: Some(pod.metadata.name.clone()),
                uid: Some(pod.metadata.uid.clone()),
                ..Default::default()
            }),
        });
    }
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
    if let Some(s) = existing.first() {
        if s.metadata.labels == labels
            && s.metadata.owner_references == owner_references
            && s.endpoints == endpoints
            && s.ports == ports
        {
            // Unchanged: upstream's reconciler writes nothing either.
            return;
        }
    }
    let mut slice = match existing.first() {
        // Everything but the endpoints and ports, which are replaced.
        Some(s) => EndpointSlice {
            metadata: s.metadata.clone(),
            address_type: s.address_type.clone(),
            ..Default::default()
        },
        None => EndpointSlice {
            metadata: ObjectMeta {
                generate_name: format!("{name}-"),
                namespace: ns.clone(),
                ..Default::default()
            },
            address_type: "IPv4".into(),
            ..Default::default()
        },
    };
    slice.metadata.labels = labels;
    slice.metadata.owner_references = owner_references;
    slice.endpoints = endpoints;
    slice.ports = ports;
    if existing.is_empty() {
        let _ = c.create_inner(slice.into());
    } else {
        c.put_existing(slice.into());
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
