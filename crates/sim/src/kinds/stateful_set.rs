//! The StatefulSet kind (apps/v1).

use super::{Hooks, KindDef, Rest, NAMESPACED};
use crate::admission::{self, MAX_REPLICAS};
use crate::api::decode::DecodeError;
use crate::api::*;
use crate::error::{field, ApiError, Cause};
use crate::features::{FeatureGates, MAX_UNAVAILABLE_STATEFULSET};
use crate::printers::*;
use crate::time::Time;
use serde_json::json;

impl KindDef for StatefulSet {
    const REST: Rest = Rest(
        "apps",
        "v1",
        "statefulsets",
        "statefulset",
        &["sts"],
        NAMESPACED,
    );
    const GENERATION: bool = true;
    const NAME_RULE: fn(&str) -> Vec<String> = admission::dns1123_label;
    const HOOKS: Hooks<Self> = Hooks {
        check_decoded: check_set_decoded,
        set_defaults: set_set_defaults,
        validate_create: validate_set,
        validate_update: validate_set_update,
        gated_fields: gated_set_fields,
        ..Hooks::NONE
    };

    const COLUMNS: &'static [&'static str] = &["NAME", "READY", "AGE"];
    const WIDE_COLUMNS: &'static [&'static str] = &["CONTAINERS", "IMAGES"];

    fn row(&self, now: Time, name: String, wide: bool) -> Vec<String> {
        let s = self;
        let created = self.metadata.creation_timestamp;
        let mut r = vec![
            name,
            format!("{}/{}", s.status.ready_replicas, s.replicas()),
            age(now, created),
        ];
        if wide {
            let containers = &s.spec.template.spec.containers;
            let join = |cell: fn(&Container) -> String| {
                containers.iter().map(cell).collect::<Vec<_>>().join(",")
            };
            r.push(join(|c| c.name.clone()));
            r.push(join(|c| c.image.clone().unwrap_or_default()));
        }
        r
    }

    fn copy_status(from: &Self, to: &mut Self) {
        to.status = from.status.clone();
    }
}

fn check_set_decoded(set: &StatefulSet) -> Result<(), DecodeError> {
    for t in &set.spec.volume_claim_templates {
        check_quantities(&t.spec.resources)?;
    }
    Ok(())
}

fn set_set_defaults(s: &mut StatefulSet) {
    let spec = &mut s.spec;
    spec.replicas.get_or_insert(1);
    spec.pod_management_policy
        .get_or_insert_with(|| "OrderedReady".into());
    let strategy = spec.update_strategy.get_or_insert_with(Default::default);
    let t = strategy
        .type_
        .get_or_insert_with(|| "RollingUpdate".into())
        .clone();
    if t == "RollingUpdate" {
        let ru = strategy.rolling_update.get_or_insert_with(Default::default);
        ru.partition.get_or_insert(0);
    }
    spec.revision_history_limit.get_or_insert(10);
    let p = spec
        .persistent_volume_claim_retention_policy
        .get_or_insert_with(Default::default);
    p.when_deleted.get_or_insert_with(|| "Retain".into());
    p.when_scaled.get_or_insert_with(|| "Retain".into());
    admission::default_pod_spec(&mut spec.template.spec);
    for t in &mut spec.volume_claim_templates {
        t.api_version = Some("v1".into());
        t.kind = Some("PersistentVolumeClaim".into());
        t.spec
            .volume_mode
            .get_or_insert_with(|| "Filesystem".into());
        t.status.phase.get_or_insert_with(|| "Pending".into());
    }
}

fn validate_set(set: &StatefulSet, causes: &mut Vec<Cause>) -> Result<(), ApiError> {
    admission::validate_statefulset_spec(set, causes);
    if causes.is_empty() && set.replicas() > MAX_REPLICAS {
        return Err(admission::replica_limit(
            Kind::StatefulSet,
            set.replicas(),
            &set.metadata.name,
        ));
    }
    Ok(())
}

fn validate_set_update(
    n: &StatefulSet,
    o: &StatefulSet,
    causes: &mut Vec<Cause>,
) -> Result<(), ApiError> {
    admission::validate_statefulset_spec(n, causes);
    let strip = |s: &StatefulSet| {
        let mut s = s.spec.clone();
        s.replicas = None;
        s.ordinals = None;
        s.template = Default::default();
        s.update_strategy = None;
        s.revision_history_limit = None;
        s.persistent_volume_claim_retention_policy = None;
        s.min_ready_seconds = None;
        s
    };
    if strip(o) != strip(n) {
        causes.push(field::forbidden(
            "spec",
            "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        ));
    }
    if causes.is_empty() && n.replicas() > MAX_REPLICAS && n.replicas() != o.replicas() {
        return Err(admission::replica_limit(
            Kind::StatefulSet,
            n.replicas(),
            &n.metadata.name,
        ));
    }
    Ok(())
}

/// What the feature gates change at admission (`SetDefaults_StatefulSet` under the gate, then
/// `dropStatefulSetDisabledFields`): with `MaxUnavailableStatefulSet` on, a RollingUpdate set
/// gets `maxUnavailable: 1`; with it off the field is dropped, unless the stored object
/// (`old`, on update) already uses it.
fn gated_set_fields(s: &mut StatefulSet, old: Option<&StatefulSet>, gates: &FeatureGates) {
    let Some(strategy) = s.spec.update_strategy.as_mut() else {
        return;
    };
    let rolling = strategy.type_.as_deref() == Some("RollingUpdate");
    let Some(ru) = strategy.rolling_update.as_mut() else {
        return;
    };
    if gates.enabled(MAX_UNAVAILABLE_STATEFULSET) {
        if rolling && ru.max_unavailable.is_none() {
            ru.max_unavailable = Some(json!(1));
        }
        return;
    }
    let in_use = old.is_some_and(|o| {
        o.spec
            .update_strategy
            .as_ref()
            .and_then(|u| u.rolling_update.as_ref())
            .is_some_and(|r| r.max_unavailable.is_some())
    });
    if !in_use {
        ru.max_unavailable = None;
    }
}
