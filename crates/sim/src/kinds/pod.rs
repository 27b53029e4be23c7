//! The Pod kind (core/v1).

use super::{KindDef, Rest};
use crate::admission;
use crate::api::decode::DecodeError;
use crate::api::*;
use crate::error::{field, ApiError, Cause};
use crate::printers::*;
use crate::store::{Indices, ObjKey};
use crate::time::Time;
use crate::Cluster;

impl KindDef for Pod {
    const REST: Rest = Rest {
        group: "",
        version: "v1",
        plural: "pods",
        singular: "pod",
        short_names: &["po"],
        namespaced: true,
    };

    const GENERATION: bool = false;

    fn validate_name(name: &str) -> Vec<String> {
        admission::dns1123_subdomain(name)
    }

    fn check_decoded(&self) -> Result<(), DecodeError> {
        Ok(())
    }

    fn set_defaults(&mut self) {
        let p = self;
        admission::default_pod_spec(&mut p.spec);
        let s = &mut p.spec;
        s.service_account_name
            .get_or_insert_with(|| "default".into());
        s.enable_service_links.get_or_insert(true);
        s.priority.get_or_insert(0);
        s.preemption_policy
            .get_or_insert_with(|| "PreemptLowerPriority".into());
        for key in [
            "node.kubernetes.io/not-ready",
            "node.kubernetes.io/unreachable",
        ] {
            if !s.tolerations.iter().any(|t| t.key.as_deref() == Some(key)) {
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

    fn validate_create(&self, causes: &mut Vec<Cause>) -> Result<(), ApiError> {
        admission::validate_pod_spec(&self.spec, "spec", causes);
        Ok(())
    }

    fn validate_update(&self, old: &Self, causes: &mut Vec<Cause>) -> Result<(), ApiError> {
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
        if strip(&old.spec) != strip(&self.spec) {
            causes.push(field::forbidden(
                "spec",
                "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
            ));
        }
        Ok(())
    }

    fn copy_status(from: &Self, to: &mut Self) {
        to.status = from.status.clone();
    }

    fn admit_create(&mut self, _c: &mut Cluster) -> Result<(), ApiError> {
        let pod = self;
        if pod.status.phase.is_none() {
            pod.status.phase = Some("Pending".into());
        }
        if pod.status.qos_class.is_none() {
            pod.status.qos_class = Some("BestEffort".into());
        }
        Ok(())
    }

    /// The pod's own `terminationGracePeriodSeconds` unless the DELETE asks for another; none
    /// for a pod no kubelet runs (unscheduled) or one that has finished.
    fn deletion_grace(&self, requested: Option<i64>) -> Option<i64> {
        let p = self;
        let terminal = matches!(p.phase(), "Succeeded" | "Failed");
        let own = p.spec.termination_grace_period_seconds.unwrap_or(30);
        let g = requested.unwrap_or(own).max(0);
        Some(if p.spec.node_name.is_none() || terminal {
            0
        } else {
            g
        })
    }

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

    fn index(&self, key: &ObjKey, idx: &mut Indices) {
        idx.add_pod(key, self);
    }

    fn unindex(&self, key: &ObjKey, idx: &mut Indices) {
        idx.remove_pod(key, self);
    }
}
