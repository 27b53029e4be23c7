//! Server-side printing: the table columns per kind that the API server computes for
//! `kubectl get` (`pkg/printers/internalversion/printers.go`), and that the web view shows too.

use crate::api::*;
use crate::time::{human_duration, Time};
use crate::Cluster;

/// `pod`, `statefulset.apps`: the `TYPE/NAME` prefix kubectl prints (`-o name`, apply, delete).
pub fn type_prefix(kind: Kind) -> String {
    let i = kind.info();
    if i.group.is_empty() {
        i.singular.to_string()
    } else {
        format!("{}.{}", i.singular, i.group)
    }
}

pub fn age(now: Time, t: Option<Time>) -> String {
    match t {
        None => "<unknown>".into(),
        Some(t) => human_duration(now.0 as i64 - t.0 as i64),
    }
}

fn or_none(s: String) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s
    }
}

pub fn headers(kind: Kind, wide: bool) -> Vec<&'static str> {
    let (base, extra): (&[&str], &[&str]) = match kind {
        Kind::Pod => (
            &["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        ),
        Kind::StatefulSet => (&["NAME", "READY", "AGE"], &["CONTAINERS", "IMAGES"]),
        Kind::Service => (
            &[
                "NAME",
                "TYPE",
                "CLUSTER-IP",
                "EXTERNAL-IP",
                "PORT(S)",
                "AGE",
            ],
            &["SELECTOR"],
        ),
        Kind::PersistentVolumeClaim => (
            &[
                "NAME",
                "STATUS",
                "VOLUME",
                "CAPACITY",
                "ACCESS MODES",
                "STORAGECLASS",
                "VOLUMEATTRIBUTESCLASS",
                "AGE",
            ],
            &["VOLUMEMODE"],
        ),
        Kind::PersistentVolume => (
            &[
                "NAME",
                "CAPACITY",
                "ACCESS MODES",
                "RECLAIM POLICY",
                "STATUS",
                "CLAIM",
                "STORAGECLASS",
                "VOLUMEATTRIBUTESCLASS",
                "REASON",
                "AGE",
            ],
            &["VOLUMEMODE"],
        ),
        Kind::Event => (
            &["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
            &["SUBOBJECT", "SOURCE", "FIRST SEEN", "COUNT", "NAME"],
        ),
        Kind::Secret => (&["NAME", "TYPE", "DATA", "AGE"], &[]),
        Kind::Node => (
            &["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
            &[
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
            ],
        ),
        Kind::ControllerRevision => (&["NAME", "CONTROLLER", "REVISION", "AGE"], &[]),
        Kind::EndpointSlice => (&["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], &[]),
        Kind::StorageClass => (
            &[
                "NAME",
                "PROVISIONER",
                "RECLAIMPOLICY",
                "VOLUMEBINDINGMODE",
                "ALLOWVOLUMEEXPANSION",
                "AGE",
            ],
            &[],
        ),
        Kind::Namespace => (&["NAME", "STATUS", "AGE"], &[]),
    };
    let mut h = base.to_vec();
    if wide {
        h.extend_from_slice(extra);
    }
    h
}

/// kubectl's STATUS for a pod (`printPod`).
pub fn pod_status(p: &Pod) -> String {
    let mut reason = p
        .status
        .reason
        .clone()
        .unwrap_or_else(|| p.phase().to_string());
    if let Some(c) = p.condition("PodScheduled") {
        if c.reason.as_deref() == Some("SchedulingGated") {
            reason = "SchedulingGated".into();
        }
    }
    let mut has_running = false;
    for cs in p.status.container_statuses.iter().rev() {
        if let Some(w) = cs
            .state
            .waiting
            .as_ref()
            .and_then(|w| w.reason.clone())
            .filter(|r| !r.is_empty())
        {
            reason = w;
        } else if let Some(t) = &cs.state.terminated {
            reason = match (&t.reason, t.signal) {
                (Some(r), _) if !r.is_empty() => r.clone(),
                (_, Some(s)) if s != 0 => format!("Signal:{s}"),
                _ => format!("ExitCode:{}", t.exit_code),
            };
        } else if cs.ready && cs.state.running.is_some() {
            has_running = true;
        }
    }
    if reason == "Completed" && has_running {
        reason = if p.is_ready() {
            "Running".into()
        } else {
            "NotReady".into()
        };
    }
    if p.metadata.deletion_timestamp.is_some() && p.status.reason.as_deref() == Some("NodeLost") {
        reason = "Unknown".into();
    } else if p.metadata.deletion_timestamp.is_some()
        && !matches!(p.phase(), "Succeeded" | "Failed")
    {
        reason = "Terminating".into();
    }
    reason
}

pub fn pod_ready(p: &Pod) -> String {
    let ready = p
        .status
        .container_statuses
        .iter()
        .filter(|c| c.ready)
        .count();
    format!("{ready}/{}", p.spec.containers.len())
}

pub fn pod_restarts(p: &Pod, now: Time) -> String {
    let n: i32 = p
        .status
        .container_statuses
        .iter()
        .map(|c| c.restart_count)
        .sum();
    let last = p
        .status
        .container_statuses
        .iter()
        .filter_map(|c| c.last_state.terminated.as_ref().and_then(|t| t.finished_at))
        .max();
    match (n, last) {
        (n, Some(t)) if n > 0 => format!("{n} ({} ago)", age(now, Some(t))),
        (n, _) => n.to_string(),
    }
}

fn access_modes(modes: &[String]) -> String {
    let order = [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ];
    order
        .iter()
        .filter(|(m, _)| modes.iter().any(|x| x == m))
        .map(|(_, a)| *a)
        .collect::<Vec<_>>()
        .join(",")
}

fn ports(s: &Service) -> String {
    let p: Vec<String> = s
        .spec
        .ports
        .iter()
        .map(|p| {
            let proto = p.protocol.clone().unwrap_or_else(|| "TCP".into());
            match p.node_port {
                Some(np) => format!("{}:{np}/{proto}", p.port),
                None => format!("{}/{proto}", p.port),
            }
        })
        .collect();
    if p.is_empty() {
        "<none>".into()
    } else {
        p.join(",")
    }
}

pub fn event_object(e: &Event) -> String {
    let kind = e
        .involved_object
        .kind
        .clone()
        .unwrap_or_default()
        .to_ascii_lowercase();
    format!(
        "{kind}/{}",
        e.involved_object.name.clone().unwrap_or_default()
    )
}

/// The cells of one object (without NAMESPACE or LABELS columns).
pub fn row(c: &Cluster, o: &Object, wide: bool, name_prefix: bool) -> Vec<String> {
    let now = c.now();
    let m = o.meta();
    let created = m.creation_timestamp;
    let name = if name_prefix {
        format!("{}/{}", type_prefix(o.kind()), m.name)
    } else {
        m.name.clone()
    };
    let mut r = match o {
        Object::Pod(p) => {
            let mut r = vec![
                name,
                pod_ready(p),
                pod_status(p),
                pod_restarts(p, now),
                age(now, created),
            ];
            if wide {
                r.push(p.status.pod_ip.clone().unwrap_or_else(|| "<none>".into()));
                r.push(p.spec.node_name.clone().unwrap_or_else(|| "<none>".into()));
                r.push("<none>".into());
                r.push("<none>".into());
            }
            r
        }
        Object::StatefulSet(s) => {
            let mut r = vec![
                name,
                format!("{}/{}", s.status.ready_replicas, s.replicas()),
                age(now, created),
            ];
            if wide {
                r.push(
                    s.spec
                        .template
                        .spec
                        .containers
                        .iter()
                        .map(|c| c.name.clone())
                        .collect::<Vec<_>>()
                        .join(","),
                );
                r.push(
                    s.spec
                        .template
                        .spec
                        .containers
                        .iter()
                        .map(|c| c.image.clone().unwrap_or_default())
                        .collect::<Vec<_>>()
                        .join(","),
                );
            }
            r
        }
        Object::Service(s) => {
            let ext = if s.spec.external_ips.is_empty() {
                "<none>".to_string()
            } else {
                s.spec.external_ips.join(",")
            };
            let mut r = vec![
                name,
                s.spec.type_.clone().unwrap_or_else(|| "ClusterIP".into()),
                s.spec
                    .cluster_ips
                    .first()
                    .cloned()
                    .or(s.spec.cluster_ip.clone())
                    .unwrap_or_else(|| "<none>".into()),
                ext,
                ports(s),
                age(now, created),
            ];
            if wide {
                r.push(or_none(
                    s.spec
                        .selector
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(","),
                ));
            }
            r
        }
        Object::PersistentVolumeClaim(p) => {
            let status = if m.deletion_timestamp.is_some() {
                "Terminating".to_string()
            } else {
                p.status.phase.clone().unwrap_or_default()
            };
            let bound = p.spec.volume_name.is_some();
            let (vol, cap, modes) = if bound {
                (
                    p.spec.volume_name.clone().unwrap_or_default(),
                    p.status
                        .capacity
                        .get("storage")
                        .cloned()
                        .unwrap_or_default(),
                    access_modes(&p.status.access_modes),
                )
            } else {
                (String::new(), String::new(), String::new())
            };
            let vac = p
                .spec
                .volume_attributes_class_name
                .clone()
                .unwrap_or_else(|| "<unset>".into());
            let mut r = vec![
                name,
                status,
                vol,
                cap,
                modes,
                p.spec.storage_class_name.clone().unwrap_or_default(),
                vac,
                age(now, created),
            ];
            if wide {
                r.push(
                    p.spec
                        .volume_mode
                        .clone()
                        .unwrap_or_else(|| "Filesystem".into()),
                );
            }
            r
        }
        Object::PersistentVolume(pv) => {
            let status = if m.deletion_timestamp.is_some() {
                "Terminating".to_string()
            } else {
                pv.status.phase.clone().unwrap_or_default()
            };
            let claim = pv
                .spec
                .claim_ref
                .as_ref()
                .map(|r| {
                    format!(
                        "{}/{}",
                        r.namespace.clone().unwrap_or_default(),
                        r.name.clone().unwrap_or_default()
                    )
                })
                .unwrap_or_default();
            let mut r = vec![
                name,
                pv.spec.capacity.get("storage").cloned().unwrap_or_default(),
                access_modes(&pv.spec.access_modes),
                pv.spec
                    .persistent_volume_reclaim_policy
                    .clone()
                    .unwrap_or_default(),
                status,
                claim,
                pv.spec.storage_class_name.clone().unwrap_or_default(),
                "<unset>".into(),
                pv.status.reason.clone().unwrap_or_default(),
                age(now, created),
            ];
            if wide {
                r.push(
                    pv.spec
                        .volume_mode
                        .clone()
                        .unwrap_or_else(|| "Filesystem".into()),
                );
            }
            r
        }
        Object::Event(e) => {
            // printEvent: firstTimestamp, else eventTime; lastTimestamp, else the first; a
            // series' last observation and count over both.
            let first = e.first_timestamp.or(e.event_time);
            let mut last = e.last_timestamp.or(first);
            let mut count = e.count.filter(|n| *n != 0).unwrap_or(1);
            if let Some(s) = &e.series {
                last = s.last_observed_time;
                count = s.count;
            }
            let mut r = vec![
                age(now, last),
                e.type_.clone().unwrap_or_default(),
                e.reason.clone().unwrap_or_default(),
                event_object(e),
                e.message.clone().unwrap_or_default().trim().to_string(),
            ];
            if wide {
                r.push(e.involved_object.field_path.clone().unwrap_or_default());
                // formatEventSource: component (or reportingController), then host (or
                // reportingInstance) after a comma when there is one.
                let pick = |a: &Option<String>, b: &Option<String>| {
                    a.clone()
                        .filter(|s| !s.is_empty())
                        .or_else(|| b.clone())
                        .unwrap_or_default()
                };
                let component = pick(&e.source.component, &e.reporting_component);
                let host = pick(&e.source.host, &e.reporting_instance);
                let src = if host.is_empty() {
                    component
                } else {
                    format!("{component}, {host}")
                };
                r.push(src);
                r.push(age(now, first));
                r.push(count.to_string());
                r.push(name);
            }
            r
        }
        Object::Secret(s) => vec![
            name,
            s.type_.clone().unwrap_or_else(|| "Opaque".into()),
            s.data.len().to_string(),
            age(now, created),
        ],
        Object::Node(n) => {
            let mut status = if n.is_ready() {
                "Ready".to_string()
            } else {
                "NotReady".to_string()
            };
            if n.spec.unschedulable == Some(true) {
                status.push_str(",SchedulingDisabled");
            }
            let roles: Vec<String> = n
                .metadata
                .labels
                .keys()
                .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/").map(String::from))
                .collect();
            let info = n.status.node_info.clone().unwrap_or_default();
            let s = |k: &str| {
                info.get(k)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            let mut r = vec![
                name,
                status,
                if roles.is_empty() {
                    "<none>".into()
                } else {
                    roles.join(",")
                },
                age(now, created),
                s("kubeletVersion"),
            ];
            if wide {
                r.push(n.internal_ip().unwrap_or("<none>").to_string());
                r.push("<none>".into());
                r.push(s("osImage"));
                r.push(s("kernelVersion"));
                r.push(s("containerRuntimeVersion"));
            }
            r
        }
        Object::ControllerRevision(cr) => {
            let ctl = cr
                .metadata
                .controller_ref()
                .and_then(|r| {
                    Kind::ALL
                        .iter()
                        .find(|k| k.name() == r.kind)
                        .map(|k| format!("{}/{}", type_prefix(*k), r.name))
                })
                .unwrap_or_else(|| "<none>".into());
            vec![name, ctl, cr.revision.to_string(), age(now, created)]
        }
        Object::EndpointSlice(s) => {
            let ports: Vec<String> = s
                .ports
                .iter()
                .filter_map(|p| p.port.map(|n| n.to_string()))
                .collect();
            let addrs: Vec<String> = s
                .endpoints
                .iter()
                .flat_map(|e| e.addresses.clone())
                .collect();
            let endpoints = if addrs.is_empty() {
                "<none>".to_string()
            } else if addrs.len() > 3 {
                format!("{} + {} more...", addrs[..3].join(","), addrs.len() - 3)
            } else {
                addrs.join(",")
            };
            vec![
                name,
                s.address_type.clone(),
                if ports.is_empty() {
                    "<unset>".into()
                } else {
                    ports.join(",")
                },
                endpoints,
                age(now, created),
            ]
        }
        Object::StorageClass(sc) => {
            let default = sc
                .metadata
                .annotations
                .get("storageclass.kubernetes.io/is-default-class")
                .map(String::as_str)
                == Some("true");
            let n = if default {
                format!("{name} (default)")
            } else {
                name
            };
            vec![
                n,
                sc.provisioner.clone(),
                sc.reclaim_policy.clone().unwrap_or_default(),
                sc.volume_binding_mode.clone().unwrap_or_default(),
                sc.allow_volume_expansion.unwrap_or(false).to_string(),
                age(now, created),
            ]
        }
        Object::Namespace(ns) => {
            let phase = ns
                .status
                .get("phase")
                .and_then(|v| v.as_str())
                .unwrap_or("Active")
                .to_string();
            let phase = if m.deletion_timestamp.is_some() {
                "Terminating".into()
            } else {
                phase
            };
            vec![name, phase, age(now, created)]
        }
    };
    r.shrink_to_fit();
    r
}

pub fn labels_cell(m: &ObjectMeta) -> String {
    if m.labels.is_empty() {
        "<none>".into()
    } else {
        m.labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    }
}
