//! The ControllerRevision kind (apps/v1): a StatefulSet's revision history.

use super::{Hooks, KindDef, Rest, NAMESPACED};
use crate::admission;
use crate::api::*;
use crate::printers::*;
use crate::time::Time;

impl KindDef for ControllerRevision {
    const REST: Rest = Rest(
        "apps",
        "v1",
        "controllerrevisions",
        "controllerrevision",
        &[],
        NAMESPACED,
    );
    const GENERATION: bool = false;
    const NAME_RULE: fn(&str) -> Vec<String> = admission::dns1123_subdomain;
    const HOOKS: Hooks<Self> = Hooks::NONE;

    const COLUMNS: &'static [&'static str] = &["NAME", "CONTROLLER", "REVISION", "AGE"];
    const WIDE_COLUMNS: &'static [&'static str] = &[];

    fn row(&self, now: Time, name: String, _wide: bool) -> Vec<String> {
        let cr = self;
        let created = self.metadata.creation_timestamp;
        let ctl = cr
            .metadata
            .controller_ref()
            .and_then(|r| {
                Kind::ALL
                    .iter()
                    .find(|k| k.name() == r.kind)
                    .map(|k| format!("{}/{}", type_prefix(*k), r.name))
            })
            .unwrap_or_else(|| "<none>".into());
        vec![name, ctl, cr.revision.to_string(), age(now, created)]
    }

    fn copy_status(from: &Self, to: &mut Self) {
        // No status.
        let _ = (from, to);
    }
}
