//! The Namespace kind (core/v1, cluster-scoped).

use super::{KindDef, Rest};
use crate::admission;
use crate::api::decode::DecodeError;
use crate::api::*;
use crate::error::{ApiError, Cause};
use crate::printers::*;
use crate::store::{Indices, ObjKey};
use crate::time::Time;
use crate::Cluster;
use serde_json::json;

impl KindDef for Namespace {
    const REST: Rest = Rest {
        group: "",
        version: "v1",
        plural: "namespaces",
        singular: "namespace",
        short_names: &["ns"],
        namespaced: false,
    };

    const GENERATION: bool = false;

    fn validate_name(name: &str) -> Vec<String> {
        admission::dns1123_label(name)
    }

    fn check_decoded(&self) -> Result<(), DecodeError> {
        Ok(())
    }

    fn set_defaults(&mut self) {
        let ns = self;
        if ns.spec.is_null() {
            ns.spec = json!({"finalizers": ["kubernetes"]});
        }
        if ns.status.is_null() {
            ns.status = json!({"phase": "Active"});
        }
        let name = ns.metadata.name.clone();
        ns.metadata
            .labels
            .insert("kubernetes.io/metadata.name".into(), name);
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

    const COLUMNS: &'static [&'static str] = &["NAME", "STATUS", "AGE"];
    const WIDE_COLUMNS: &'static [&'static str] = &[];

    fn row(&self, now: Time, name: String, _wide: bool) -> Vec<String> {
        let ns = self;
        let m = &self.metadata;
        let created = self.metadata.creation_timestamp;
        let phase = ns
            .status
            .get("phase")
            .and_then(|v| v.as_str())
            .unwrap_or("Active")
            .to_string();
        let phase = if m.deletion_timestamp.is_some() {
            "Terminating".into()
        } else {
            phase
        };
        vec![name, phase, age(now, created)]
    }

    fn index(&self, _key: &ObjKey, _idx: &mut Indices) {}

    fn unindex(&self, _key: &ObjKey, _idx: &mut Indices) {}
}
