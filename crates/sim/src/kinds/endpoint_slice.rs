//! The EndpointSlice kind (discovery.k8s.io/v1).

use super::{KindDef, Rest};
use crate::admission;
use crate::api::decode::DecodeError;
use crate::api::*;
use crate::error::{ApiError, Cause};
use crate::printers::*;
use crate::store::{Indices, ObjKey};
use crate::time::Time;
use crate::Cluster;

impl KindDef for EndpointSlice {
    const REST: Rest = Rest {
        group: "discovery.k8s.io",
        version: "v1",
        plural: "endpointslices",
        singular: "endpointslice",
        short_names: &[],
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
        // No defaults.
    }

    fn validate_create(&self, _causes: &mut Vec<Cause>) -> Result<(), ApiError> {
        Ok(())
    }

    fn validate_update(&self, _old: &Self, _causes: &mut Vec<Cause>) -> Result<(), ApiError> {
        Ok(())
    }

    fn copy_status(from: &Self, to: &mut Self) {
        // No status.
        let _ = (from, to);
    }

    fn admit_create(&mut self, _c: &mut Cluster) -> Result<(), ApiError> {
        Ok(())
    }

    fn deletion_grace(&self, _requested: Option<i64>) -> Option<i64> {
        None
    }

    const COLUMNS: &'static [&'static str] = &["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"];
    const WIDE_COLUMNS: &'static [&'static str] = &[];

    fn row(&self, now: Time, name: String, _wide: bool) -> Vec<String> {
        let s = self;
        let created = self.metadata.creation_timestamp;
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

    fn index(&self, key: &ObjKey, idx: &mut Indices) {
        idx.add_slice(key, self);
    }

    fn unindex(&self, key: &ObjKey, idx: &mut Indices) {
        idx.remove_slice(key, self);
    }
}
