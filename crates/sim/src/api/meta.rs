//! `metav1` types shared by every object: ObjectMeta, OwnerReference, LabelSelector.

use super::decode::Decode;
use super::encode::Encode;
use super::shared::Shared;
use crate::time::Time;
#[cfg(test)]
use serde::Deserialize;
use serde::Serialize;
use std::collections::BTreeMap;

pub type Labels = BTreeMap<String, String>;

fn is_zero(n: &i64) -> bool {
    *n == 0
}

/// The metadata every stored object has: its name and namespace, its labels and annotations, its
/// owners, and what the server records about it.
//
// (Not in the schema's description:) every object and every version of it the watch caches
// keep has one, so the fields rarely set or rarely changed cost a pointer each: `generateName`
// and `finalizers` are `Shared` (an empty one shares one per-thread default; a claim's
// versions share its protection finalizer), `managedFields` and `selfLink` boxed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")
)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectMeta {
    /// The object's name, unique among objects of its kind in its namespace. Clients usually choose
    /// it on create (see generateName); it cannot be changed afterwards.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// A prefix from which the server makes a unique name when name is not given: it adds a random
    /// suffix. Used only when name is empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub generate_name: Shared<String>,
    /// The namespace the object belongs to, which scopes its name. Empty for cluster-scoped kinds;
    /// defaults to the request's namespace (usually default). Cannot be changed.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    /// A unique identifier the server assigns when the object is created, never reused, even by a
    /// later object with the same name. Read-only.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub uid: String,
    /// An opaque version the server changes on every write of the object. Clients pass it back to
    /// detect conflicting updates and to watch from a point in time; they must not interpret it.
    /// Read-only.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub resource_version: String,
    /// A counter of changes to the desired state (the spec), set by the server: 1 on create, one
    /// more on each change. Read-only.
    #[serde(skip_serializing_if = "is_zero")]
    pub generation: i64,
    /// When the server created the object, in UTC. Set by the server; read-only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<Time>,
    /// When the object is to be gone: set by the server when a graceful deletion is asked for,
    /// after which the object is terminating and only waits for its finalizers or its grace period.
    /// Read-only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion_timestamp: Option<Time>,
    /// The seconds the object was given to end gracefully, once deletion has been asked for.
    /// Read-only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion_grace_period_seconds: Option<i64>,
    /// Key and value pairs that label the object, which selectors match (a StatefulSet's pods, a
    /// Service's endpoints).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: Shared<Labels>,
    /// Key and value pairs of arbitrary, unindexed data that tools and people attach to the object;
    /// not used to select it.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: Shared<BTreeMap<String, String>>,
    /// The objects this one depends on. When all of them are gone the garbage collector deletes
    /// this one too. At most one may be the managing controller.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub owner_references: Shared<Vec<OwnerReference>>,
    /// Names of pending clean-ups: an object being deleted stays until every finalizer has been
    /// removed by the component that put it there.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub finalizers: Shared<Vec<String>>,
    /// Which field manager set which fields, by operation and time; kept for server-side apply.
    /// Mostly for the server's own use.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::ObjectList")
    )]
    pub managed_fields: Option<Box<serde_json::Value>>,
    /// Deprecated and not set by the server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub self_link: Option<Box<String>>,
}

impl ObjectMeta {
    pub fn named(namespace: &str, name: &str) -> ObjectMeta {
        ObjectMeta {
            name: name.into(),
            namespace: namespace.into(),
            ..Default::default()
        }
    }
    /// The owner reference with `controller: true`, if any.
    pub fn controller_ref(&self) -> Option<&OwnerReference> {
        self.owner_references
            .iter()
            .find(|r| r.controller == Some(true))
    }
    pub fn is_deleting(&self) -> bool {
        self.deletion_timestamp.is_some()
    }
}

/// A reference to an owner of the object: enough to find it, and whether it is the object's
/// controller.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference")
)]
#[serde(rename_all = "camelCase", default)]
pub struct OwnerReference {
    /// The API version of the owner.
    pub api_version: String,
    /// The kind of the owner.
    pub kind: String,
    /// The name of the owner, in the same namespace as the object.
    pub name: String,
    /// The uid of the owner.
    pub uid: String,
    /// True if the owner is the object's managing controller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub controller: Option<bool>,
    /// If true, a foreground deletion of the owner waits until this object is gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_owner_deletion: Option<bool>,
}

/// A query over labels: every term must match. An empty selector matches every object; a missing
/// one, none.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector")
)]
#[serde(rename_all = "camelCase", default)]
pub struct LabelSelector {
    /// Labels the object must have with exactly these values. Each pair is the same as a
    /// matchExpressions term with operator In and one value.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub match_labels: Labels,
    /// Terms over label keys and values, all of which must match.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

/// One term of a label selector: a key, an operator and values.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement")
)]
#[serde(rename_all = "camelCase", default)]
pub struct LabelSelectorRequirement {
    /// The label key the term tests.
    pub key: String,
    /// How the key relates to the values: In, NotIn, Exists or DoesNotExist.
    pub operator: String,
    /// The values for In and NotIn (not empty); must be empty for Exists and DoesNotExist.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

impl LabelSelector {
    /// Whether `labels` satisfy this selector. An empty selector matches everything
    /// (validation forbids empty selectors where that would be wrong).
    pub fn matches(&self, labels: &Labels) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|e| {
                let got = labels.get(&e.key);
                match e.operator.as_str() {
                    "In" => got.is_some_and(|v| e.values.contains(v)),
                    "NotIn" => got.is_none_or(|v| !e.values.contains(v)),
                    "Exists" => got.is_some(),
                    "DoesNotExist" => got.is_none(),
                    _ => false,
                }
            })
    }
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }
    /// `app=nginx,tier in (web)`, as `kubectl describe` prints a selector.
    pub fn to_label_string(&self) -> String {
        let mut parts: Vec<String> = self
            .match_labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        for e in &self.match_expressions {
            parts.push(match e.operator.as_str() {
                "In" => format!("{} in ({})", e.key, e.values.join(",")),
                "NotIn" => format!("{} notin ({})", e.key, e.values.join(",")),
                "Exists" => e.key.clone(),
                _ => format!("!{}", e.key),
            });
        }
        parts.join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn selector_matching() {
        let sel = LabelSelector {
            match_labels: labels(&[("app", "nginx")]),
            match_expressions: vec![LabelSelectorRequirement {
                key: "tier".into(),
                operator: "NotIn".into(),
                values: vec!["db".into()],
            }],
        };
        assert!(sel.matches(&labels(&[("app", "nginx")])));
        assert!(sel.matches(&labels(&[("app", "nginx"), ("tier", "web")])));
        assert!(!sel.matches(&labels(&[("app", "nginx"), ("tier", "db")])));
        assert!(!sel.matches(&labels(&[("app", "other")])));
        assert_eq!(sel.to_label_string(), "app=nginx,tier notin (db)");
    }
}

/// The schemas of the types the structs keep as text or as JSON (`ordinal serve`'s OpenAPI
/// documents), named as the API server names them.
#[cfg(feature = "schema")]
pub mod schema {
    use schemars::gen::SchemaGenerator;
    use schemars::schema::Schema;
    use schemars::JsonSchema;
    use serde_json::json;

    fn schema(v: serde_json::Value) -> Schema {
        serde_json::from_value(v).unwrap_or(Schema::Bool(true))
    }

    impl JsonSchema for crate::time::Time {
        fn schema_name() -> String {
            "io.k8s.apimachinery.pkg.apis.meta.v1.Time".into()
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            schema(json!({
                "description": "An instant in UTC, written in RFC 3339 form to the second, such as 2026-01-01T00:00:00Z.",
                "type": "string",
                "format": "date-time",
            }))
        }
    }

    /// `metav1.MicroTime`: an instant to the microsecond.
    pub struct MicroTime;
    impl JsonSchema for MicroTime {
        fn schema_name() -> String {
            "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime".into()
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            schema(json!({
                "description": "An instant in UTC to the microsecond, in RFC 3339 form, such as 2026-01-01T00:00:00.000000Z.",
                "type": "string",
                "format": "date-time",
            }))
        }
    }

    /// `resource.Quantity`: `1Gi`, `500m`, or a plain number.
    pub struct Quantity;
    impl JsonSchema for Quantity {
        fn schema_name() -> String {
            "io.k8s.apimachinery.pkg.api.resource.Quantity".into()
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            schema(json!({
                "description": "An amount of a resource: a decimal number with an optional suffix, either binary (Ki, Mi, Gi, Ti, Pi, Ei: powers of 1024), decimal (m for thousandths, k, M, G, T, P, E: powers of 1000) or an exponent (1e3). The server writes it back in canonical form: 1.5Gi becomes 1536Mi, 0.1 becomes 100m.",
                "oneOf": [{"type": "string"}, {"type": "number"}],
            }))
        }
    }

    /// `intstr.IntOrString`: a port number or name, a count or a percentage.
    pub struct IntOrString;
    impl JsonSchema for IntOrString {
        fn schema_name() -> String {
            "io.k8s.apimachinery.pkg.util.intstr.IntOrString".into()
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            schema(json!({
                "description": "Either a 32-bit integer or a string, kept as written: a port's number or its name, a count or a percentage such as 25%.",
                "format": "int-or-string",
                "oneOf": [{"type": "integer"}, {"type": "string"}],
            }))
        }
    }

    /// A sub-object the simulation keeps as given, without modelling its fields.
    pub struct Object;
    impl JsonSchema for Object {
        fn is_referenceable() -> bool {
            false
        }
        fn schema_name() -> String {
            "Object".into()
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            schema(json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true}))
        }
    }

    /// A list of such sub-objects.
    pub struct ObjectList;
    impl JsonSchema for ObjectList {
        fn is_referenceable() -> bool {
            false
        }
        fn schema_name() -> String {
            "ObjectList".into()
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            schema(json!({
                "type": "array",
                "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
            }))
        }
    }
}
