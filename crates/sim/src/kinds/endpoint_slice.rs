//! The EndpointSlice kind (discovery.k8s.io/v1).

use super::{Hooks, KindDef, Rest, NAMESPACED};
use crate::admission;
use crate::api::*;
use crate::printers::*;
use crate::time::Time;

impl KindDef for EndpointSlice {
    const REST: Rest = Rest(
        "discovery.k8s.io",
        "v1",
        "endpointslices",
        "endpointslice",
        &[],
        NAMESPACED,
    );
    const GENERATION: bool = false;
    const NAME_RULE: fn(&str) -> Vec<String> = admission::dns1123_subdomain;
    const HOOKS: Hooks<Self> = Hooks {
        index: |o, key, idx| idx.add_slice(key, o),
        unindex: |o, key, idx| idx.remove_slice(key, o),
        ..Hooks::NONE
    };

    const COLUMNS: &'static [&'static str] = &["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"];
    const WIDE_COLUMNS: &'static [&'static str] = &[];

    fn row(&self, now: Time, name: String, _wide: bool) -> Vec<String> {
        let s = self;
        let created = self.metadata.creation_timestamp;
        let ports: Vec<String> = s
            .ports
            .iter()
            .filter_map(|p| p.port.map(|n| n.to_string()))
            .collect();
        let addrs: Vec<String> = s
            .endpoints
            .iter()
            .flat_map(|e| e.addresses.clone())
            .collect();
        let endpoints = if addrs.is_empty() {
            "<none>".to_string()
        } else if addrs.len() > 3 {
            format!("{} + {} more...", addrs[..3].join(","), addrs.len() - 3)
        } else {
            addrs.join(",")
        };
        vec![
            name,
            s.address_type.clone(),
            if ports.is_empty() {
                "<unset>".into()
            } else {
                ports.join(",")
            },
            endpoints,
            age(now, created),
        ]
    }

    fn copy_status(from: &Self, to: &mut Self) {
        // No status.
        let _ = (from, to);
    }
}
