//! The Service kind (core/v1).

use super::{KindDef, Rest};
use crate::admission;
use crate::api::decode::DecodeError;
use crate::api::*;
use crate::error::{ApiError, Cause};
use crate::printers::*;
use crate::store::{Indices, ObjKey};
use crate::time::Time;
use crate::Cluster;
use serde_json::json;

impl KindDef for Service {
    const REST: Rest = Rest {
        group: "",
        version: "v1",
        plural: "services",
        singular: "service",
        short_names: &["svc"],
        namespaced: true,
    };

    const GENERATION: bool = false;

    fn validate_name(name: &str) -> Vec<String> {
        admission::dns1035_label(name)
    }

    fn check_decoded(&self) -> Result<(), DecodeError> {
        Ok(())
    }

    fn set_defaults(&mut self) {
        let svc = self;
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

    fn validate_create(&self, causes: &mut Vec<Cause>) -> Result<(), ApiError> {
        admission::validate_service(self, causes);
        Ok(())
    }

    fn validate_update(&self, old: &Self, causes: &mut Vec<Cause>) -> Result<(), ApiError> {
        admission::validate_service(self, causes);
        admission::validate_cluster_ips_update(old, self, causes);
        Ok(())
    }

    fn copy_status(from: &Self, to: &mut Self) {
        to.status = from.status.clone();
    }

    fn admit_create(&mut self, c: &mut Cluster) -> Result<(), ApiError> {
        admission::stateful::admit_service(c, self);
        Ok(())
    }

    fn deletion_grace(&self, _requested: Option<i64>) -> Option<i64> {
        None
    }

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

    fn index(&self, _key: &ObjKey, _idx: &mut Indices) {}

    fn unindex(&self, _key: &ObjKey, _idx: &mut Indices) {}
}
