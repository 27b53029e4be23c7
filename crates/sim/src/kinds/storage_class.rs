//! The StorageClass kind (storage.k8s.io/v1, cluster-scoped).

use super::{Hooks, KindDef, Rest, CLUSTER};
use crate::admission;
use crate::api::*;
use crate::printers::*;
use crate::time::Time;

impl KindDef for StorageClass {
    const REST: Rest = Rest(
        "storage.k8s.io",
        "v1",
        "storageclasses",
        "storageclass",
        &["sc"],
        CLUSTER,
    );
    const GENERATION: bool = false;
    const NAME_RULE: fn(&str) -> Vec<String> = admission::dns1123_subdomain;
    const HOOKS: Hooks<Self> = Hooks {
        set_defaults: set_class_defaults,
        ..Hooks::NONE
    };

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

    fn copy_status(from: &Self, to: &mut Self) {
        // No status.
        let _ = (from, to);
    }
}

fn set_class_defaults(sc: &mut StorageClass) {
    sc.reclaim_policy.get_or_insert_with(|| "Delete".into());
    sc.volume_binding_mode
        .get_or_insert_with(|| "Immediate".into());
}
