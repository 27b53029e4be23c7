//! The PersistentVolumeClaim kind (core/v1).

use super::{Hooks, KindDef, Rest, NAMESPACED};
use crate::admission;
use crate::api::decode::DecodeError;
use crate::api::*;
use crate::error::{ApiError, Cause};
use crate::printers::*;
use crate::time::Time;
use crate::Cluster;

impl KindDef for PersistentVolumeClaim {
    const REST: Rest = Rest(
        "",
        "v1",
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        &["pvc"],
        NAMESPACED,
    );
    const GENERATION: bool = false;
    const NAME_RULE: fn(&str) -> Vec<String> = admission::dns1123_subdomain;
    const HOOKS: Hooks<Self> = Hooks {
        check_decoded: check_claim_decoded,
        set_defaults: set_claim_defaults,
        validate_create: validate_claim,
        validate_update: validate_claim_update,
        admit_create: admit_claim,
        admit_update: |pvc, old, c| admission::stateful::admit_resize(c, pvc, old),
        ..Hooks::NONE
    };

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

    fn copy_status(from: &Self, to: &mut Self) {
        to.status = from.status.clone();
    }
}

fn check_claim_decoded(pvc: &PersistentVolumeClaim) -> Result<(), DecodeError> {
    check_quantities(&pvc.spec.resources)
}

fn set_claim_defaults(pvc: &mut PersistentVolumeClaim) {
    pvc.spec
        .volume_mode
        .get_or_insert_with(|| "Filesystem".into());
    pvc.api_version = None;
    pvc.kind = None;
}

fn validate_claim(pvc: &PersistentVolumeClaim, causes: &mut Vec<Cause>) -> Result<(), ApiError> {
    admission::validate_pvc_spec(&pvc.spec, "spec", causes);
    Ok(())
}

fn validate_claim_update(
    o: &PersistentVolumeClaim,
    old: &PersistentVolumeClaim,
    causes: &mut Vec<Cause>,
) -> Result<(), ApiError> {
    admission::validate_pvc_spec(&o.spec, "spec", causes);
    admission::validate_pvc_update(old, o, causes);
    Ok(())
}

fn admit_claim(pvc: &mut PersistentVolumeClaim, c: &mut Cluster) -> Result<(), ApiError> {
    admission::stateful::admit_claim(c, pvc);
    Ok(())
}
