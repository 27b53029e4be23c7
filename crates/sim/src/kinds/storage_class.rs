//! The StorageClass kind (storage.k8s.io/v1, cluster-scoped).

use super::{KindDef, Rest};
use crate::admission;
use crate::api::decode::DecodeError;
use crate::api::*;
use crate::error::{ApiError, Cause};
use crate::printers::*;
use crate::store::{Indices, ObjKey};
use crate::time::Time;
use crate::Cluster;

impl KindDef for StorageClass {
    const REST: Rest = Rest {
        group: "storage.k8s.io",
        version: "v1",
        plural: "storageclasses",
        singular: "storageclass",
        short_names: &["sc"],
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
        let sc = self;
        sc.reclaim_policy.get_or_insert_with(|| "Delete".into());
        sc.volume_binding_mode
            .get_or_insert_with(|| "Immediate".into());
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

    const COLUMNS: &'static [&'static str] = &[
        "NAME",
        "PROVISIONER",
        "RECLAIMPOLICY",
        "VOLUMEBINDINGMODE",
        "ALLOWVOLUMEEXPANSION",
        "AGE",
    ];
    const WIDE_COLUMNS: &'static [&'static str] = &[];

    fn row(&self, now: Time, name: String, _wide: bool) -> Vec<String> {
        let sc = self;
        let created = self.metadata.creation_timestamp;
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

    fn index(&self, _key: &ObjKey, _idx: &mut Indices) {}

    fn unindex(&self, _key: &ObjKey, _idx: &mut Indices) {}
}
