//! The Pod kind (core/v1).

use super::{Hooks, KindDef, Rest, NAMESPACED};
use crate::admission;
use crate::api::*;
use crate::error::{field, ApiError, Cause, Reason};
use crate::printers::*;
use crate::time::Time;
use crate::Cluster;

impl KindDef for Pod {
    const REST: Rest = Rest("", "v1", "pods", "pod", &["po"], NAMESPACED);
    const GENERATION: bool = false;
    const NAME_RULE: fn(&str) -> Vec<String> = admission::dns1123_subdomain;
    const HOOKS: Hooks<Self> = Hooks {
        set_defaults: set_pod_defaults,
        validate_create: validate_pod,
        validate_update: validate_pod_update,
        admit_create: admit_pod,
        deletion_grace: pod_deletion_grace,
        index: |o, key, idx| idx.add_pod(key, o),
        unindex: |o, key, idx| idx.remove_pod(key, o),
        ..Hooks::NONE
    };

    const COLUMNS: &'static [&'static str] = &["NAME", "READY", "STATUS", "RESTARTS", "AGE"];
    const WIDE_COLUMNS: &'static [&'static str] =
        &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"];

    fn row(&self, now: Time, name: String, wide: bool) -> Vec<String> {
        let p = self;
        let created = self.metadata.creation_timestamp;
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

    fn copy_status(from: &Self, to: &mut Self) {
        to.status = from.status.clone();
    }
}

fn set_pod_defaults(p: &mut Pod) {
    admission::default_pod_spec(&mut p.spec);
    let s = &mut p.spec;
    s.service_account_name
        .get_or_insert_with(|| "default".into());
    s.enable_service_links.get_or_insert(true);
    s.priority.get_or_insert(0);
    s.preemption_policy
        .get_or_insert_with(|| "PreemptLowerPriority".into());
    // DefaultTolerationSeconds: unless a toleration already covers the taint (its key, or any
    // key, for NoExecute or any effect), as the node debugger's `operator: Exists` does.
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        let covered = s.tolerations.iter().any(|t| {
            matches!(t.key.as_deref(), None | Some("")) || t.key.as_deref() == Some(key)
        } && matches!(t.effect.as_deref(), None | Some("") | Some("NoExecute")));
        if !covered {
            s.tolerations.push(Toleration {
                key: Some(key.into()),
                operator: Some("Exists".into()),
                value: None,
                effect: Some("NoExecute".into()),
                toleration_seconds: Some(300),
            });
        }
    }
}

fn validate_pod(p: &Pod, causes: &mut Vec<Cause>) -> Result<(), ApiError> {
    admission::validate_pod_spec(&p.spec, "spec", causes);
    admission::validate_ephemeral_containers(&p.spec, &[], causes);
    if !p.spec.ephemeral_containers.is_empty() {
        causes.push(field::forbidden(
            "spec.ephemeralContainers",
            "cannot be set on create",
        ));
    }
    Ok(())
}

fn validate_pod_update(n: &Pod, old: &Pod, causes: &mut Vec<Cause>) -> Result<(), ApiError> {
    let strip = |p: &PodSpec| {
        let mut p = p.clone();
        for c in p.containers.iter_mut().chain(p.init_containers.iter_mut()) {
            c.image = None;
        }
        p.active_deadline_seconds = None;
        p.tolerations.clear();
        p.termination_grace_period_seconds = None;
        p
    };
    if strip(&old.spec) != strip(&n.spec) {
        causes.push(field::forbidden(
            "spec",
            "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
        ));
    }
    Ok(())
}

/// The service accounts a kind cluster has: `default` in every namespace (the service account
/// controller's), and those of the components kind itself runs. The playground keeps no
/// ServiceAccount objects and cannot create others.
fn service_account_exists(ns: &str, name: &str) -> bool {
    name == "default"
        || match ns {
            "kube-system" => matches!(name, "coredns" | "kindnet" | "kube-proxy"),
            "local-path-storage" => name == "local-path-provisioner-service-account",
            _ => false,
        }
}

fn admit_pod(pod: &mut Pod, _c: &mut Cluster) -> Result<(), ApiError> {
    // The ServiceAccount admission plug-in: the pod's service account must exist.
    let ns = &pod.metadata.namespace;
    let sa = pod
        .spec
        .service_account_name
        .as_deref()
        .unwrap_or("default");
    if !service_account_exists(ns, sa) {
        return Err(ApiError::new(
            Reason::Forbidden,
            format!(
                "pods {:?} is forbidden: error looking up service account {ns}/{sa}: serviceaccount {sa:?} not found",
                pod.metadata.name
            ),
        ));
    }
    if pod.status.phase.is_none() {
        pod.status.phase = Some("Pending".into());
    }
    if pod.status.qos_class.is_none() {
        pod.status.qos_class = Some("BestEffort".into());
    }
    Ok(())
}

/// The pod's own `terminationGracePeriodSeconds` unless the DELETE asks for another; zero
/// for a pod no kubelet runs (unscheduled) or one that has finished.
fn pod_deletion_grace(p: &Pod, requested: Option<i64>) -> Option<i64> {
    let terminal = matches!(p.phase(), "Succeeded" | "Failed");
    let own = p.spec.termination_grace_period_seconds.unwrap_or(30);
    let g = requested.unwrap_or(own).max(0);
    Some(if p.spec.node_name.is_none() || terminal {
        0
    } else {
        g
    })
}
