//! The Service kind (core/v1).

use super::{Hooks, KindDef, Rest, NAMESPACED};
use crate::admission;
use crate::api::*;
use crate::error::{ApiError, Cause};
use crate::printers::*;
use crate::time::Time;
use crate::Cluster;
use serde_json::json;

impl KindDef for Service {
    const REST: Rest = Rest("", "v1", "services", "service", &["svc"], NAMESPACED);
    const GENERATION: bool = false;
    const NAME_RULE: fn(&str) -> Vec<String> = admission::dns1035_label;
    const HOOKS: Hooks<Self> = Hooks {
        set_defaults: set_service_defaults,
        validate_create: validate_service,
        validate_update: validate_service_update,
        prepare_update: keep_allocated_ips,
        admit_create: admit_service,
        ..Hooks::NONE
    };

    const COLUMNS: &'static [&'static str] = &[
        "NAME",
        "TYPE",
        "CLUSTER-IP",
        "EXTERNAL-IP",
        "PORT(S)",
        "AGE",
    ];
    const WIDE_COLUMNS: &'static [&'static str] = &["SELECTOR"];

    fn row(&self, now: Time, name: String, wide: bool) -> Vec<String> {
        let s = self;
        let created = self.metadata.creation_timestamp;
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

    fn copy_status(from: &Self, to: &mut Self) {
        to.status = from.status.clone();
    }
}

fn set_service_defaults(svc: &mut Service) {
    let s = &mut svc.spec;
    s.type_.get_or_insert_with(|| "ClusterIP".into());
    s.session_affinity.get_or_insert_with(|| "None".into());
    for p in &mut s.ports {
        p.protocol.get_or_insert_with(|| "TCP".into());
        if p.target_port.is_none() {
            p.target_port = Some(json!(p.port));
        }
    }
    if s.ip_families.is_empty() {
        s.ip_families = vec!["IPv4".into()];
    }
    s.ip_family_policy
        .get_or_insert_with(|| "SingleStack".into());
    s.internal_traffic_policy
        .get_or_insert_with(|| "Cluster".into());
    if svc.status.is_null() {
        svc.status = json!({"loadBalancer": {}});
    }
}

fn validate_service(svc: &Service, causes: &mut Vec<Cause>) -> Result<(), ApiError> {
    admission::validate_service(svc, causes);
    Ok(())
}

/// `patchAllocatedValues`: an update that leaves out the cluster IPs keeps the allocated ones
/// (`kubectl replace -f` of a manifest without `clusterIP`), while both need one.
fn keep_allocated_ips(svc: &mut Service, old: &Service) {
    let needs = |s: &Service| s.spec.type_.as_deref() != Some("ExternalName");
    if needs(old) && needs(svc) {
        if svc.spec.cluster_ip.as_deref().unwrap_or("").is_empty() {
            svc.spec.cluster_ip = old.spec.cluster_ip.clone();
        }
        if svc.spec.cluster_ips.is_empty() {
            svc.spec.cluster_ips = old.spec.cluster_ips.clone();
        }
    }
}

fn validate_service_update(
    svc: &Service,
    old: &Service,
    causes: &mut Vec<Cause>,
) -> Result<(), ApiError> {
    admission::validate_service(svc, causes);
    admission::validate_cluster_ips_update(old, svc, causes);
    Ok(())
}

fn admit_service(svc: &mut Service, c: &mut Cluster) -> Result<(), ApiError> {
    admission::stateful::admit_service(c, svc);
    Ok(())
}
