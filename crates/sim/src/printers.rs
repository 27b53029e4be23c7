//! Server-side printing: the table columns per kind that the API server computes for
//! `kubectl get` (`pkg/printers/internalversion/printers.go`), and that the web view shows too.
//! Each kind's columns and row are its `KindDef` impl (`crates/sim/src/kinds/`); the cells
//! that several kinds or clients share are here.

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

pub(crate) fn or_none(s: String) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s
    }
}

pub fn headers(kind: Kind, wide: bool) -> Vec<&'static str> {
    let (base, extra) = kind.columns();
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

pub(crate) fn access_modes(modes: &[String]) -> String {
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

pub(crate) fn ports(s: &Service) -> String {
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
    let name = if name_prefix {
        format!("{}/{}", type_prefix(o.kind()), m.name)
    } else {
        m.name.clone()
    };
    let mut r = o.row(now, name, wide);
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
