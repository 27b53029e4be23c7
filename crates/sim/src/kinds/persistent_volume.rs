//! The PersistentVolume kind (core/v1, cluster-scoped).

use super::{KindDef, Rest};
use crate::admission;
use crate::api::decode::DecodeError;
use crate::api::*;
use crate::cluster::add_finalizer;
use crate::error::{ApiError, Cause};
use crate::printers::*;
use crate::store::{Indices, ObjKey};
use crate::time::Time;
use crate::Cluster;

impl KindDef for PersistentVolume {
    const REST: Rest = Rest {
        group: "",
        version: "v1",
        plural: "persistentvolumes",
        singular: "persistentvolume",
        short_names: &["pv"],
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
        let pv = self;
        pv.spec
            .volume_mode
            .get_or_insert_with(|| "Filesystem".into());
        pv.spec
            .persistent_volume_reclaim_policy
            .get_or_insert_with(|| "Retain".into());
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
        add_finalizer(&mut self.metadata, "kubernetes.io/pv-protection");
        if self.status.phase.is_none() {
            self.status.phase = Some("Available".into());
        }
        Ok(())
    }

    fn deletion_grace(&self, _requested: Option<i64>) -> Option<i64> {
        None
    }

    const COLUMNS: &'static [&'static str] = &[
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
    ];
    const WIDE_COLUMNS: &'static [&'static str] = &["VOLUMEMODE"];

    fn row(&self, now: Time, name: String, wide: bool) -> Vec<String> {
        let pv = self;
        let m = &self.metadata;
        let created = self.metadata.creation_timestamp;
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

    fn index(&self, key: &ObjKey, idx: &mut Indices) {
        idx.add_volume(key, self);
    }

    fn unindex(&self, key: &ObjKey, idx: &mut Indices) {
        idx.remove_volume(key);
    }
}
