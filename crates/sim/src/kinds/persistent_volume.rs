//! The PersistentVolume kind (core/v1, cluster-scoped).

use super::{Hooks, KindDef, Rest, CLUSTER};
use crate::admission;
use crate::api::*;
use crate::cluster::add_finalizer;
use crate::error::ApiError;
use crate::printers::*;
use crate::time::Time;
use crate::Cluster;

impl KindDef for PersistentVolume {
    const REST: Rest = Rest(
        "",
        "v1",
        "persistentvolumes",
        "persistentvolume",
        &["pv"],
        CLUSTER,
    );
    const GENERATION: bool = false;
    const NAME_RULE: fn(&str) -> Vec<String> = admission::dns1123_subdomain;
    const HOOKS: Hooks<Self> = Hooks {
        set_defaults: set_volume_defaults,
        admit_create: admit_volume,
        index: |o, key, idx| idx.add_volume(key, o),
        unindex: |_o, key, idx| idx.remove_volume(key),
        ..Hooks::NONE
    };

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

    fn copy_status(from: &Self, to: &mut Self) {
        to.status = from.status.clone();
    }
}

fn set_volume_defaults(pv: &mut PersistentVolume) {
    pv.spec
        .volume_mode
        .get_or_insert_with(|| "Filesystem".into());
    pv.spec
        .persistent_volume_reclaim_policy
        .get_or_insert_with(|| "Retain".into());
}

fn admit_volume(pv: &mut PersistentVolume, _c: &mut Cluster) -> Result<(), ApiError> {
    add_finalizer(&mut pv.metadata, "kubernetes.io/pv-protection");
    if pv.status.phase.is_none() {
        pv.status.phase = Some("Available".into());
    }
    Ok(())
}
