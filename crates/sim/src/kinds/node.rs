//! The Node kind (core/v1, cluster-scoped): written by the bootstrap and the kubelets.

use super::{Hooks, KindDef, Rest, CLUSTER};
use crate::admission;
use crate::api::*;
use crate::printers::*;
use crate::time::Time;

impl KindDef for Node {
    const REST: Rest = Rest("", "v1", "nodes", "node", &["no"], CLUSTER);
    const GENERATION: bool = false;
    const NAME_RULE: fn(&str) -> Vec<String> = admission::dns1123_subdomain;
    const HOOKS: Hooks<Self> = Hooks::NONE;

    const COLUMNS: &'static [&'static str] = &["NAME", "STATUS", "ROLES", "AGE", "VERSION"];
    const WIDE_COLUMNS: &'static [&'static str] = &[
        "INTERNAL-IP",
        "EXTERNAL-IP",
        "OS-IMAGE",
        "KERNEL-VERSION",
        "CONTAINER-RUNTIME",
    ];

    fn row(&self, now: Time, name: String, wide: bool) -> Vec<String> {
        let n = self;
        let created = self.metadata.creation_timestamp;
        let mut status = if n.is_ready() {
            "Ready".to_string()
        } else {
            "NotReady".to_string()
        };
        if n.spec.unschedulable == Some(true) {
            status.push_str(",SchedulingDisabled");
        }
        let roles: Vec<String> = n
            .metadata
            .labels
            .keys()
            .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/").map(String::from))
            .collect();
        let info = n.status.node_info.clone().unwrap_or_default();
        let s = |k: &str| {
            info.get(k)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        let mut r = vec![
            name,
            status,
            if roles.is_empty() {
                "<none>".into()
            } else {
                roles.join(",")
            },
            age(now, created),
            s("kubeletVersion"),
        ];
        if wide {
            r.push(n.internal_ip().unwrap_or("<none>").to_string());
            r.push("<none>".into());
            r.push(s("osImage"));
            r.push(s("kernelVersion"));
            r.push(s("containerRuntimeVersion"));
        }
        r
    }

    fn copy_status(from: &Self, to: &mut Self) {
        to.status = from.status.clone();
    }
}
