//! The PersistentVolumeClaim kind (core/v1).

use super::{KindDef, Rest};
use crate::admission;
use crate::api::decode::DecodeError;
use crate::api::*;
use crate::error::{ApiError, Cause};
use crate::printers::*;
use crate::store::{Indices, ObjKey};
use crate::time::Time;
use crate::Cluster;

impl KindDef for PersistentVolumeClaim {
    const REST: Rest = Rest {
        group: "",
        version: "v1",
        plural: "persistentvolumeclaims",
        singular: "persistentvolumeclaim",
        short_names: &["pvc"],
        namespaced: true,
    };

    const GENERATION: bool = false;

    fn validate_name(name: &str) -> Vec<String> {
        admission::dns1123_subdomain(name)
    }

    fn check_decoded(&self) -> Result<(), DecodeError> {
        check_quantities(&self.spec.resources)
    }

    fn set_defaults(&mut self) {
        let pvc = self;
        pvc.spec
            .volume_mode
            .get_or_insert_with(|| "Filesystem".into());
        pvc.api_version = None;
        pvc.kind = None;
    }

    fn validate_create(&self, causes: &mut Vec<Cause>) -> Result<(), ApiError> {
        admission::validate_pvc_spec(&self.spec, "spec", causes);
        Ok(())
    }

    fn validate_update(&self, old: &Self, causes: &mut Vec<Cause>) -> Result<(), ApiError> {
        admission::validate_pvc_spec(&self.spec, "spec", causes);
        admission::validate_pvc_update(old, self, causes);
        Ok(())
    }

    fn copy_status(from: &Self, to: &mut Self) {
        to.status = from.status.clone();
    }

    fn admit_create(&mut self, c: &mut Cluster) -> Result<(), ApiError> {
        admission::stateful::admit_claim(c, self);
        Ok(())
    }

    fn deletion_grace(&self, _requested: Option<i64>) -> Option<i64> {
        None
    }

    const COLUMNS: &'static [&'static str] = &[
        "NAME",
        "STATUS",
        "VOLUME",
        "CAPACITY",
        "ACCESS MODES",
        "STORAGECLASS",
        "VOLUMEATTRIBUTESCLASS",
        "AGE",
    ];
    const WIDE_COLUMNS: &'static [&'static str] = &["VOLUMEMODE"];

    fn row(&self, now: Time, name: String, wide: bool) -> Vec<String> {
        let p = self;
        let m = &self.metadata;
        let created = self.metadata.creation_timestamp;
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

    fn index(&self, _key: &ObjKey, _idx: &mut Indices) {}

    fn unindex(&self, _key: &ObjKey, _idx: &mut Indices) {}
}
