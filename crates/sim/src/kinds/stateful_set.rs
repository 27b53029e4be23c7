//! The StatefulSet kind (apps/v1).

use super::{KindDef, Rest};
use crate::admission::{self, MAX_REPLICAS};
use crate::api::decode::DecodeError;
use crate::api::*;
use crate::error::{field, ApiError, Cause};
use crate::printers::*;
use crate::store::{Indices, ObjKey};
use crate::time::Time;
use crate::Cluster;

impl KindDef for StatefulSet {
    const REST: Rest = Rest {
        group: "apps",
        version: "v1",
        plural: "statefulsets",
        singular: "statefulset",
        short_names: &["sts"],
        namespaced: true,
    };

    const GENERATION: bool = true;

    fn validate_name(name: &str) -> Vec<String> {
        admission::dns1123_label(name)
    }

    fn check_decoded(&self) -> Result<(), DecodeError> {
        for t in &self.spec.volume_claim_templates {
            check_quantities(&t.spec.resources)?;
        }
        Ok(())
    }

    fn set_defaults(&mut self) {
        let s = self;
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

    fn validate_create(&self, causes: &mut Vec<Cause>) -> Result<(), ApiError> {
        admission::validate_statefulset_spec(self, causes);
        if causes.is_empty() && self.replicas() > MAX_REPLICAS {
            return Err(admission::replica_limit(
                self.replicas(),
                &self.metadata.name,
            ));
        }
        Ok(())
    }

    fn validate_update(&self, old: &Self, causes: &mut Vec<Cause>) -> Result<(), ApiError> {
        let (o, n) = (old, self);
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
            return Err(admission::replica_limit(n.replicas(), &n.metadata.name));
        }
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
            r.push(
                s.spec
                    .template
                    .spec
                    .containers
                    .iter()
                    .map(|c| c.name.clone())
                    .collect::<Vec<_>>()
                    .join(","),
            );
            r.push(
                s.spec
                    .template
                    .spec
                    .containers
                    .iter()
                    .map(|c| c.image.clone().unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join(","),
            );
        }
        r
    }

    fn index(&self, _key: &ObjKey, _idx: &mut Indices) {}

    fn unindex(&self, _key: &ObjKey, _idx: &mut Indices) {}
}
