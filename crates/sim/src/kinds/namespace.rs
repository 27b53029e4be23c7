//! The Namespace kind (core/v1, cluster-scoped).

use super::{Hooks, KindDef, Rest, CLUSTER};
use crate::admission;
use crate::api::*;
use crate::printers::*;
use crate::time::Time;
use serde_json::json;

impl KindDef for Namespace {
    const REST: Rest = Rest("", "v1", "namespaces", "namespace", &["ns"], CLUSTER);
    const GENERATION: bool = false;
    const NAME_RULE: fn(&str) -> Vec<String> = admission::dns1123_label;
    const HOOKS: Hooks<Self> = Hooks {
        set_defaults: set_namespace_defaults,
        ..Hooks::NONE
    };

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

    fn copy_status(from: &Self, to: &mut Self) {
        to.status = from.status.clone();
    }
}

fn set_namespace_defaults(ns: &mut Namespace) {
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
