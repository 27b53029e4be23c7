//! The Node kind (core/v1, cluster-scoped): written by the bootstrap and the kubelets.

use super::{KindDef, Rest};
use crate::admission;
use crate::api::decode::DecodeError;
use crate::api::*;
use crate::error::{ApiError, Cause};
use crate::printers::*;
use crate::store::{Indices, ObjKey};
use crate::time::Time;
use crate::Cluster;

impl KindDef for Node {
    const REST: Rest = Rest {
        group: "",
        version: "v1",
        plural: "nodes",
        singular: "node",
        short_names: &["no"],
        namespaced: false,
    };

    const GENERATION: bool = false;

    fn validate_name(name: &str) -> Vec<String> {
        admission::dns1123_subdomain(name)
    }

    fn check_decoded(&self) -> Result<(), DecodeError> {
        Ok(())
    }

    fn set_defaults(&mut self) {
        // No defaults.
    }

    fn validate_create(&self, _causes: &mut Vec<Cause>) -> Result<(), ApiError> {
        Ok(())
    }

    fn validate_update(&self, _old: &Self, _causes: &mut Vec<Cause>) -> Result<(), ApiError> {
        Ok(())
    }

    fn copy_status(from: &Self, to: &mut Self) {
        to.status = from.status.clone();
    }

    fn admit_create(&mut self, _c: &mut Cluster) -> Result<(), ApiError> {
        Ok(())
    }

    fn deletion_grace(&self, _requested: Option<i64>) -> Option<i64> {
        None
    }

    const COLUMNS: &'static [&'static str] = &["NAME", "STATUS", "ROLES", "AGE", "VERSION"];
    const WIDE_COLUMNS: &'static [&'static str] = &[
        "INTERNAL-IP",
        "EXTERNAL-IP",
        "OS-IMAGE",
        "KERNEL-VERSION",
        "CONTAINER-RUNTIME",
    ];

    fn row(&self, now: Time, name: String, wide: bool) -> Vec<String> {
        let n = self;
        let created = self.metadata.creation_timestamp;
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

    fn index(&self, _key: &ObjKey, _idx: &mut Indices) {}

    fn unindex(&self, _key: &ObjKey, _idx: &mut Indices) {}
}
