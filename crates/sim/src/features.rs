//! Feature gates, as a kind cluster's `featureGates` config passes them to every component
//! (`--feature-gates=Name=bool,...`). Defaults are Kubernetes v1.33's; only the gates that
//! change something in the simulation are known.

use std::collections::BTreeMap;

/// A known gate: its v1.33 default and whether it is locked to that default (GA).
struct Spec {
    name: &'static str,
    default: bool,
    locked: bool,
}

/// The gates Ordinal knows, with v1.33's stage: `MaxUnavailableStatefulSet` is alpha (off)
/// from 1.24 through 1.34 and beta in 1.35; the others are GA and locked on.
const KNOWN: &[Spec] = &[
    Spec {
        name: "MaxUnavailableStatefulSet",
        default: false,
        locked: false,
    },
    Spec {
        name: "PodIndexLabel",
        default: true,
        locked: true,
    },
    Spec {
        name: "StatefulSetAutoDeletePVC",
        default: true,
        locked: true,
    },
    Spec {
        name: "StatefulSetStartOrdinal",
        default: true,
        locked: true,
    },
];

pub const MAX_UNAVAILABLE_STATEFULSET: &str = "MaxUnavailableStatefulSet";

/// The cluster's feature gates: v1.33's defaults with the overrides set at creation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeatureGates {
    overrides: BTreeMap<String, bool>,
}

impl FeatureGates {
    pub fn enabled(&self, name: &str) -> bool {
        if let Some(v) = self.overrides.get(name) {
            return *v;
        }
        KNOWN.iter().any(|s| s.name == name && s.default)
    }

    /// Sets one gate, with the component-base's errors for unknown and locked gates.
    pub fn set(&mut self, name: &str, value: bool) -> Result<(), String> {
        let Some(spec) = KNOWN.iter().find(|s| s.name == name) else {
            return Err(format!("unrecognized feature gate: {name}"));
        };
        if spec.locked && value != spec.default {
            return Err(format!(
                "cannot set feature gate {name} to {value}, feature is locked to {}",
                spec.default
            ));
        }
        self.overrides.insert(name.to_string(), value);
        Ok(())
    }

    /// Parses `--feature-gates`' value: `Name=true,Other=false` (Go's `strconv.ParseBool`
    /// spellings).
    pub fn parse(value: &str) -> Result<FeatureGates, String> {
        let mut g = FeatureGates::default();
        for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let Some((k, v)) = item.split_once('=') else {
                return Err(format!("missing bool value for {item}"));
            };
            let (k, v) = (k.trim(), v.trim());
            let b = match v {
                "1" | "t" | "T" | "true" | "TRUE" | "True" => true,
                "0" | "f" | "F" | "false" | "FALSE" | "False" => false,
                _ => {
                    return Err(format!(
                        "invalid value of {k}={v}, err: strconv.ParseBool: parsing {v:?}: invalid syntax"
                    ))
                }
            };
            g.set(k, b)?;
        }
        Ok(g)
    }

    /// The gates set away from their defaults, `Name=bool` sorted by name.
    pub fn overrides(&self) -> Vec<String> {
        self.overrides
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_v1_33s() {
        let g = FeatureGates::default();
        assert!(!g.enabled(MAX_UNAVAILABLE_STATEFULSET));
        assert!(g.enabled("StatefulSetStartOrdinal"));
        assert!(!g.enabled("NoSuchGate"));
    }

    #[test]
    fn parse_and_errors() {
        let g = FeatureGates::parse("MaxUnavailableStatefulSet=true").unwrap();
        assert!(g.enabled(MAX_UNAVAILABLE_STATEFULSET));
        assert_eq!(g.overrides(), vec!["MaxUnavailableStatefulSet=true"]);
        assert_eq!(
            FeatureGates::parse("Foo=true").unwrap_err(),
            "unrecognized feature gate: Foo"
        );
        assert_eq!(
            FeatureGates::parse("PodIndexLabel=false").unwrap_err(),
            "cannot set feature gate PodIndexLabel to false, feature is locked to true"
        );
        assert_eq!(
            FeatureGates::parse("MaxUnavailableStatefulSet=yes").unwrap_err(),
            "invalid value of MaxUnavailableStatefulSet=yes, err: strconv.ParseBool: parsing \"yes\": invalid syntax"
        );
        assert_eq!(
            FeatureGates::parse("MaxUnavailableStatefulSet").unwrap_err(),
            "missing bool value for MaxUnavailableStatefulSet"
        );
    }
}
