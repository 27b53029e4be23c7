//! `components.schemas`: the typed structs' JSON schemas (derived with `schemars` behind
//! ordinal-sim's `schema` feature, so a field is in the schema exactly when the struct has
//! it, and its description is the field's doc comment), reshaped as the API server writes
//! them: upstream names (`io.k8s.api.core.v1.Pod`), `allOf: [{$ref}]` beside a description,
//! `x-kubernetes-group-version-kind` on the kinds, the kinds' `apiVersion`/`kind` and their
//! `List`s, the required fields, and the few `meta/v1` types the operations name.

use super::paths::{schema_name, META};
use ordinal_sim::api::*;
use ordinal_sim::{Kind, Resource};
use schemars::gen::{SchemaGenerator, SchemaSettings};
use schemars::JsonSchema;
use serde_json::{json, Map, Value};

const API_VERSION: &str = "The version of the schema the object follows, as group/version (v1 for the core group). The server converts what it understands and refuses what it does not.";
const KIND: &str = "The kind of object this is, in CamelCase, such as Pod. A client may leave it out where the URL already says it; it cannot change.";
const LIST_META: &str =
    "The list's metadata: its resourceVersion, and the continue token of a limited list.";

/// The fields the API server requires, by schema: what `kubectl explain` marks `-required-`.
/// (The structs default every field, as Go's decoder does; requiredness is the API's.)
pub const REQUIRED: &[(&str, &[&str])] = &[
    ("io.k8s.api.core.v1.PodSpec", &["containers"]),
    ("io.k8s.api.core.v1.Container", &["name"]),
    ("io.k8s.api.core.v1.ContainerPort", &["containerPort"]),
    ("io.k8s.api.core.v1.EnvVar", &["name"]),
    ("io.k8s.api.core.v1.VolumeMount", &["name", "mountPath"]),
    ("io.k8s.api.core.v1.Volume", &["name"]),
    ("io.k8s.api.core.v1.HTTPGetAction", &["port"]),
    ("io.k8s.api.core.v1.LocalObjectReference", &[]),
    (
        "io.k8s.api.core.v1.PersistentVolumeClaimVolumeSource",
        &["claimName"],
    ),
    ("io.k8s.api.core.v1.PodCondition", &["type", "status"]),
    ("io.k8s.api.core.v1.PodIP", &["ip"]),
    (
        "io.k8s.api.core.v1.ContainerStatus",
        &["name", "ready", "restartCount", "image", "imageID"],
    ),
    ("io.k8s.api.core.v1.ContainerStateTerminated", &["exitCode"]),
    ("io.k8s.api.core.v1.ServicePort", &["port"]),
    ("io.k8s.api.core.v1.HostPathVolumeSource", &["path"]),
    ("io.k8s.api.core.v1.VolumeNodeAffinity", &[]),
    ("io.k8s.api.core.v1.NodeSelector", &["nodeSelectorTerms"]),
    (
        "io.k8s.api.core.v1.NodeSelectorRequirement",
        &["key", "operator"],
    ),
    ("io.k8s.api.core.v1.Taint", &["key", "effect"]),
    ("io.k8s.api.core.v1.NodeCondition", &["type", "status"]),
    ("io.k8s.api.core.v1.NodeAddress", &["type", "address"]),
    ("io.k8s.api.core.v1.Event", &["metadata", "involvedObject"]),
    ("io.k8s.api.core.v1.EventSeries", &[]),
    ("io.k8s.api.core.v1.ExecAction", &[]),
    (
        "io.k8s.api.apps.v1.StatefulSetSpec",
        &["selector", "template"],
    ),
    ("io.k8s.api.apps.v1.StatefulSetStatus", &["replicas"]),
    ("io.k8s.api.apps.v1.ControllerRevision", &["revision"]),
    (
        "io.k8s.api.apps.v1.DeploymentSpec",
        &["selector", "template"],
    ),
    (
        "io.k8s.api.apps.v1.DeploymentCondition",
        &["type", "status"],
    ),
    ("io.k8s.api.apps.v1.ReplicaSetSpec", &["selector"]),
    ("io.k8s.api.apps.v1.ReplicaSetStatus", &["replicas"]),
    (
        "io.k8s.api.apps.v1.ReplicaSetCondition",
        &["type", "status"],
    ),
    ("io.k8s.api.storage.v1.StorageClass", &["provisioner"]),
    (
        "io.k8s.api.discovery.v1.EndpointSlice",
        &["addressType", "endpoints"],
    ),
    ("io.k8s.api.discovery.v1.Endpoint", &["addresses"]),
    (
        "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference",
        &["apiVersion", "kind", "name", "uid"],
    ),
    (
        "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement",
        &["key", "operator"],
    ),
];

const PROTOCOLS: &[&str] = &["SCTP", "TCP", "UDP"];
const RECLAIM: &[&str] = &["Delete", "Recycle", "Retain"];
const EFFECTS: &[&str] = &["NoExecute", "NoSchedule", "PreferNoSchedule"];
const CORE: &str = "io.k8s.api.core.v1";
const APPS: &str = "io.k8s.api.apps.v1";

/// The values of the fields whose Go types are enums (`+enum`), sorted as the API server lists
/// them: `kubectl explain` prints them (`enum: Always, Never, OnFailure`). The structs keep
/// these fields as strings, so the values are listed here; admission checks them.
pub const ENUMS: &[(&str, &str, &str, &[&str])] = &[
    (
        CORE,
        "PodSpec",
        "restartPolicy",
        &["Always", "Never", "OnFailure"],
    ),
    (
        CORE,
        "PodSpec",
        "dnsPolicy",
        &["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"],
    ),
    (
        CORE,
        "PodSpec",
        "preemptionPolicy",
        &["Never", "PreemptLowerPriority"],
    ),
    (
        CORE,
        "Container",
        "imagePullPolicy",
        &["Always", "IfNotPresent", "Never"],
    ),
    (
        CORE,
        "Container",
        "terminationMessagePolicy",
        &["FallbackToLogsOnError", "File"],
    ),
    (CORE, "ContainerPort", "protocol", PROTOCOLS),
    (
        CORE,
        "VolumeMount",
        "mountPropagation",
        &["Bidirectional", "HostToContainer", "None"],
    ),
    (
        CORE,
        "VolumeMount",
        "recursiveReadOnly",
        &["Disabled", "Enabled", "IfPossible"],
    ),
    (CORE, "HTTPGetAction", "scheme", &["HTTP", "HTTPS"]),
    (CORE, "Toleration", "operator", &["Equal", "Exists"]),
    (CORE, "Toleration", "effect", EFFECTS),
    (CORE, "Taint", "effect", EFFECTS),
    (
        CORE,
        "PodStatus",
        "phase",
        &["Failed", "Pending", "Running", "Succeeded", "Unknown"],
    ),
    (
        CORE,
        "PodStatus",
        "qosClass",
        &["BestEffort", "Burstable", "Guaranteed"],
    ),
    (
        CORE,
        "ServiceSpec",
        "type",
        &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
    ),
    (
        CORE,
        "ServiceSpec",
        "sessionAffinity",
        &["ClientIP", "None"],
    ),
    (
        CORE,
        "ServiceSpec",
        "ipFamilyPolicy",
        &["PreferDualStack", "RequireDualStack", "SingleStack"],
    ),
    (
        CORE,
        "ServiceSpec",
        "internalTrafficPolicy",
        &["Cluster", "Local"],
    ),
    (
        CORE,
        "ServiceSpec",
        "externalTrafficPolicy",
        &["Cluster", "Local"],
    ),
    (CORE, "ServicePort", "protocol", PROTOCOLS),
    (
        CORE,
        "PersistentVolumeClaimSpec",
        "volumeMode",
        &["Block", "Filesystem"],
    ),
    (
        CORE,
        "PersistentVolumeClaimStatus",
        "phase",
        &["Bound", "Lost", "Pending"],
    ),
    (
        CORE,
        "PersistentVolumeSpec",
        "persistentVolumeReclaimPolicy",
        RECLAIM,
    ),
    (
        CORE,
        "PersistentVolumeSpec",
        "volumeMode",
        &["Block", "Filesystem"],
    ),
    (
        CORE,
        "PersistentVolumeStatus",
        "phase",
        &["Available", "Bound", "Failed", "Pending", "Released"],
    ),
    (
        CORE,
        "HostPathVolumeSource",
        "type",
        &[
            "",
            "BlockDevice",
            "CharDevice",
            "Directory",
            "DirectoryOrCreate",
            "File",
            "FileOrCreate",
            "Socket",
        ],
    ),
    (
        CORE,
        "NodeSelectorRequirement",
        "operator",
        &["DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"],
    ),
    (
        APPS,
        "StatefulSetSpec",
        "podManagementPolicy",
        &["OrderedReady", "Parallel"],
    ),
    (
        APPS,
        "StatefulSetUpdateStrategy",
        "type",
        &["OnDelete", "RollingUpdate"],
    ),
    (
        APPS,
        "StatefulSetPersistentVolumeClaimRetentionPolicy",
        "whenDeleted",
        &["Delete", "Retain"],
    ),
    (
        APPS,
        "StatefulSetPersistentVolumeClaimRetentionPolicy",
        "whenScaled",
        &["Delete", "Retain"],
    ),
    (
        APPS,
        "DeploymentStrategy",
        "type",
        &["Recreate", "RollingUpdate"],
    ),
    (
        "io.k8s.api.storage.v1",
        "StorageClass",
        "reclaimPolicy",
        RECLAIM,
    ),
    (
        "io.k8s.api.storage.v1",
        "StorageClass",
        "volumeBindingMode",
        &["Immediate", "WaitForFirstConsumer"],
    ),
    (
        "io.k8s.api.discovery.v1",
        "EndpointPort",
        "protocol",
        PROTOCOLS,
    ),
];

/// (package, schema, field, merge key, strategy, map keys).
pub type ListMerge = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

/// How the lists with a merge key merge in a strategic merge patch, and what identifies their
/// items, as upstream's struct tags say: (package, schema, field, merge key, strategy, map keys).
/// The server's strategic merge patch (`ordinal_sim::patch`) uses the same keys.
pub const LIST_MERGE: &[ListMerge] = &[
    (CORE, "PodSpec", "containers", "name", "merge", &["name"]),
    (
        CORE,
        "PodSpec",
        "initContainers",
        "name",
        "merge",
        &["name"],
    ),
    (
        CORE,
        "PodSpec",
        "volumes",
        "name",
        "merge,retainKeys",
        &["name"],
    ),
    (
        CORE,
        "PodSpec",
        "imagePullSecrets",
        "name",
        "merge",
        &["name"],
    ),
    (
        CORE,
        "Container",
        "ports",
        "containerPort",
        "merge",
        &["containerPort", "protocol"],
    ),
    (CORE, "Container", "env", "name", "merge", &["name"]),
    (
        CORE,
        "Container",
        "volumeMounts",
        "mountPath",
        "merge",
        &["mountPath"],
    ),
    (CORE, "PodStatus", "conditions", "type", "merge", &["type"]),
    (CORE, "PodStatus", "podIPs", "ip", "merge", &["ip"]),
    (CORE, "PodStatus", "hostIPs", "ip", "merge", &["ip"]),
    (
        CORE,
        "ServiceSpec",
        "ports",
        "port",
        "merge",
        &["port", "protocol"],
    ),
    (CORE, "NodeStatus", "conditions", "type", "merge", &["type"]),
    (CORE, "NodeStatus", "addresses", "type", "merge", &["type"]),
    (
        APPS,
        "DeploymentStatus",
        "conditions",
        "type",
        "merge",
        &["type"],
    ),
    (
        APPS,
        "ReplicaSetStatus",
        "conditions",
        "type",
        "merge",
        &["type"],
    ),
    (
        META,
        "ObjectMeta",
        "ownerReferences",
        "uid",
        "merge",
        &["uid"],
    ),
];

fn settings() -> SchemaSettings {
    SchemaSettings::openapi3().with(|s| {
        s.option_nullable = false;
        s.option_add_null_type = false;
        s.meta_schema = None;
    })
}

fn add<T: JsonSchema + Resource>(gen: &mut SchemaGenerator, kinds: &mut Vec<(Kind, String)>) {
    gen.subschema_for::<T>();
    kinds.push((T::KIND, T::schema_name()));
}

/// The kinds' types, each with the schema name it gets. A kind missing here fails the test
/// `every_kind_has_a_schema`.
fn generate() -> (Map<String, Value>, Vec<(Kind, String)>) {
    let mut gen = settings().into_generator();
    let mut kinds = Vec::new();
    add::<Namespace>(&mut gen, &mut kinds);
    add::<Node>(&mut gen, &mut kinds);
    add::<StorageClass>(&mut gen, &mut kinds);
    add::<PersistentVolume>(&mut gen, &mut kinds);
    add::<Service>(&mut gen, &mut kinds);
    add::<Secret>(&mut gen, &mut kinds);
    add::<StatefulSet>(&mut gen, &mut kinds);
    add::<ControllerRevision>(&mut gen, &mut kinds);
    add::<PersistentVolumeClaim>(&mut gen, &mut kinds);
    add::<Pod>(&mut gen, &mut kinds);
    add::<EndpointSlice>(&mut gen, &mut kinds);
    add::<Event>(&mut gen, &mut kinds);
    add::<Deployment>(&mut gen, &mut kinds);
    add::<ReplicaSet>(&mut gen, &mut kinds);
    let defs = gen
        .take_definitions()
        .into_iter()
        .map(|(k, s)| (k, serde_json::to_value(s).unwrap_or(Value::Null)))
        .collect();
    (defs, kinds)
}

/// Reshapes a schemars schema as the API server writes its schemas.
fn reshape(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (_, x) in m.iter_mut() {
                reshape(x);
            }
            // A reference with siblings (a description, a default): `allOf: [{$ref}]`.
            if m.contains_key("$ref") && m.len() > 1 {
                if let Some(r) = m.remove("$ref") {
                    m.insert("allOf".into(), json!([{ "$ref": r }]));
                }
            }
            // A list's items: a struct as `allOf: [{$ref}]` with `default: {}`, a string
            // with `default: ""`, as upstream writes them.
            if let Some(Value::Object(items)) = m.get_mut("items") {
                if items.len() == 1 {
                    if let Some(r) = items.remove("$ref") {
                        items.insert("allOf".into(), json!([{ "$ref": r }]));
                        items.insert("default".into(), json!({}));
                    } else if items.get("type") == Some(&json!("string")) {
                        items.insert("default".into(), json!(""));
                    }
                }
            }
            // Defaults: scalars as they are; an object's is `{}`, as upstream writes it;
            // a list's is left out.
            match m.get("default") {
                Some(Value::Object(_)) => {
                    m.insert("default".into(), json!({}));
                }
                Some(Value::Array(_)) | Some(Value::Null) => {
                    m.remove("default");
                }
                _ => {}
            }
        }
        Value::Array(a) => a.iter_mut().for_each(reshape),
        _ => {}
    }
}

/// A property that references `name`, with a description.
fn ref_prop(name: &str, description: &str) -> Value {
    json!({
        "allOf": [{"$ref": format!("#/components/schemas/{name}")}],
        "default": {},
        "description": description,
    })
}

fn gvk(kind: Kind, name: &str) -> Value {
    let i = kind.info();
    json!([{"group": i.group, "kind": name, "version": i.version}])
}

/// Every schema the documents use, by name.
pub fn all() -> Map<String, Value> {
    let (mut defs, kinds) = generate();
    for v in defs.values_mut() {
        reshape(v);
    }
    for (schema, fields) in REQUIRED {
        if let Some(s) = defs.get_mut(*schema) {
            if !fields.is_empty() {
                s["required"] = json!(fields);
            }
        }
    }
    for (pkg, schema, field, key, strategy, keys) in LIST_MERGE {
        if let Some(p) = defs
            .get_mut(&format!("{pkg}.{schema}"))
            .and_then(|s| s.get_mut("properties"))
            .and_then(|p| p.get_mut(*field))
        {
            p["x-kubernetes-list-map-keys"] = json!(keys);
            p["x-kubernetes-list-type"] = json!("map");
            p["x-kubernetes-patch-merge-key"] = json!(key);
            p["x-kubernetes-patch-strategy"] = json!(strategy);
        }
    }
    if let Some(p) = defs
        .get_mut(&format!("{META}.ObjectMeta"))
        .and_then(|s| s.get_mut("properties"))
        .and_then(|p| p.get_mut("finalizers"))
    {
        p["x-kubernetes-list-type"] = json!("set");
        p["x-kubernetes-patch-strategy"] = json!("merge");
    }
    for (pkg, schema, field, values) in ENUMS {
        if let Some(p) = defs
            .get_mut(&format!("{pkg}.{schema}"))
            .and_then(|s| s.get_mut("properties"))
            .and_then(|p| p.get_mut(*field))
        {
            p["enum"] = json!(values);
        }
    }
    for (kind, name) in &kinds {
        let i = kind.info();
        if let Some(Value::Object(s)) = defs.get_mut(name) {
            if let Some(Value::Object(props)) = s.get_mut("properties") {
                props.insert(
                    "apiVersion".into(),
                    json!({"type": "string", "description": API_VERSION}),
                );
                props.insert(
                    "kind".into(),
                    json!({"type": "string", "description": KIND}),
                );
            }
            s.insert("x-kubernetes-group-version-kind".into(), gvk(*kind, i.name));
        }
        let list = schema_name(i.group, i.version, &format!("{}List", i.name));
        defs.insert(
            list,
            json!({
                "description": format!("A list of {} objects.", i.name),
                "type": "object",
                "properties": {
                    "apiVersion": {"type": "string", "description": API_VERSION},
                    "items": {
                        "description": format!("The {} objects.", i.name),
                        "type": "array",
                        "items": {"allOf": [{"$ref": format!("#/components/schemas/{name}")}], "default": {}},
                    },
                    "kind": {"type": "string", "description": KIND},
                    "metadata": ref_prop(&format!("{META}.ListMeta"), LIST_META),
                },
                "required": ["items"],
                "x-kubernetes-group-version-kind": gvk(*kind, &format!("{}List", i.name)),
            }),
        );
    }
    for (name, schema) in super::meta::schemas() {
        defs.insert(name, schema);
    }
    defs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_schema() {
        let (_, kinds) = generate();
        for k in Kind::ALL {
            let i = k.info();
            let want = schema_name(i.group, i.version, i.name);
            assert!(
                kinds.iter().any(|(kk, n)| *kk == k && *n == want),
                "{k:?} has no schema named {want}"
            );
        }
    }

    /// Resolves `$ref` and a single `allOf`.
    fn resolve<'a>(defs: &'a Map<String, Value>, s: &'a Value) -> &'a Value {
        let s = match s.get("allOf").and_then(|a| a.get(0)) {
            Some(inner) => inner,
            None => s,
        };
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let name = r.trim_start_matches("#/components/schemas/");
                defs.get(name)
                    .unwrap_or_else(|| panic!("{name} is referenced but missing"))
            }
            None => s,
        }
    }

    /// Every key of `v` is a property of `schema`, recursively.
    fn fits(defs: &Map<String, Value>, schema: &Value, v: &Value, path: &str) {
        let schema = resolve(defs, schema);
        match v {
            Value::Object(m) => {
                if schema.get("x-kubernetes-preserve-unknown-fields").is_some() {
                    return;
                }
                if let Some(ap) = schema.get("additionalProperties") {
                    for (k, x) in m {
                        fits(defs, ap, x, &format!("{path}.{k}"));
                    }
                    return;
                }
                for (k, x) in m {
                    let p = schema["properties"]
                        .get(k)
                        .unwrap_or_else(|| panic!("{path}.{k} is not in the schema"));
                    fits(defs, p, x, &format!("{path}.{k}"));
                }
            }
            Value::Array(a) => {
                let items = schema
                    .get("items")
                    .unwrap_or_else(|| panic!("{path} is a list, its schema is not"));
                for (i, x) in a.iter().enumerate() {
                    fits(defs, items, x, &format!("{path}[{i}]"));
                }
            }
            Value::String(_) | Value::Number(_) | Value::Bool(_) => {
                let t = schema.get("type").and_then(Value::as_str);
                let want = match v {
                    Value::String(_) => "string",
                    Value::Bool(_) => "boolean",
                    _ => "integer",
                };
                if schema.get("oneOf").is_none() {
                    assert_eq!(t, Some(want), "{path}: {v} against {schema}");
                }
            }
            Value::Null => {}
        }
    }

    /// What the server stores and returns, after a StatefulSet has run for a while, fits the
    /// schemas: every field the structs serialise is in them, with its type.
    #[test]
    fn stored_objects_fit_the_schemas() {
        let defs = all();
        let mut c = ordinal_sim::Cluster::new(1);
        let web = include_str!("../../../../examples/web.yaml");
        let parallel = include_str!("../../../../examples/k8s-io-web-parallel.yaml");
        c.apply_yaml(web, "default").unwrap();
        c.apply_yaml(parallel, "other").ok();
        c.settle_within(120_000);
        let mut seen = 0;
        for k in Kind::ALL {
            let i = k.info();
            let schema = &defs[&schema_name(i.group, i.version, i.name)];
            for o in c.list(k, None) {
                fits(&defs, schema, &o.to_value(), i.name);
                seen += 1;
            }
        }
        assert!(seen > 20, "only {seen} objects");
    }

    /// A value for every property of a schema (maps left empty: their keys are not fields).
    fn sample(defs: &Map<String, Value>, schema: &Value, depth: usize) -> Value {
        let name = schema
            .get("allOf")
            .and_then(|a| a.get(0))
            .or(Some(schema))
            .and_then(|s| s.get("$ref"))
            .and_then(Value::as_str)
            .unwrap_or("");
        if name.ends_with(".Time") {
            return json!("2026-01-01T00:00:00Z");
        }
        if name.ends_with(".MicroTime") {
            return json!("2026-01-01T00:00:00.000000Z");
        }
        let s = resolve(defs, schema);
        if s.get("oneOf").is_some() {
            return json!(1);
        }
        match s.get("type").and_then(Value::as_str) {
            Some("string") => json!("x"),
            Some("integer") => json!(1),
            Some("boolean") => json!(true),
            Some("array") => json!([sample(defs, &s["items"], depth + 1)]),
            _ => {
                let mut m = Map::new();
                if depth < 12 {
                    for (k, p) in s["properties"].as_object().into_iter().flatten() {
                        m.insert(k.clone(), sample(defs, p, depth + 1));
                    }
                }
                Value::Object(m)
            }
        }
    }

    /// Every field the schemas name decodes as a known field of its kind.
    #[test]
    fn schema_fields_are_known_fields() {
        let defs = all();
        for k in Kind::ALL {
            let i = k.info();
            let schema = &defs[&schema_name(i.group, i.version, i.name)];
            let v = sample(&defs, schema, 0);
            let (_, unknown) = ordinal_sim::Object::decode(k, v)
                .unwrap_or_else(|e| panic!("{}: {}", i.name, e.message));
            assert!(unknown.is_empty(), "{}: unknown fields {unknown:?}", i.name);
        }
    }

    #[test]
    fn references_are_v3_style_and_kinds_carry_their_gvk() {
        let defs = all();
        let sts = &defs["io.k8s.api.apps.v1.StatefulSet"];
        assert_eq!(
            sts["x-kubernetes-group-version-kind"],
            json!([{"group": "apps", "kind": "StatefulSet", "version": "v1"}])
        );
        let spec = &sts["properties"]["spec"];
        assert_eq!(
            spec["allOf"],
            json!([{"$ref": "#/components/schemas/io.k8s.api.apps.v1.StatefulSetSpec"}])
        );
        assert_eq!(spec["default"], json!({}));
        let replicas = &defs["io.k8s.api.apps.v1.StatefulSetSpec"]["properties"]["replicas"];
        assert_eq!(
            (&replicas["type"], &replicas["format"]),
            (&json!("integer"), &json!("int32"))
        );
        let created = &defs[&format!("{META}.ObjectMeta")]["properties"]["creationTimestamp"];
        assert_eq!(
            created["allOf"][0]["$ref"],
            json!(format!("#/components/schemas/{META}.Time"))
        );
        assert_eq!(defs[&format!("{META}.Time")]["format"], json!("date-time"));
        let port = &defs["io.k8s.api.core.v1.ServicePort"]["properties"]["targetPort"];
        assert_eq!(
            port["allOf"][0]["$ref"],
            json!("#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString")
        );
        assert!(defs["io.k8s.api.core.v1.PodList"]["x-kubernetes-group-version-kind"].is_array());
    }

    /// Every schema and every property says what it is (kubectl explain prints it).
    #[test]
    fn everything_is_described() {
        let defs = all();
        let mut missing = Vec::new();
        for (name, s) in &defs {
            if s.get("description").is_none() && !name.ends_with(".Patch") {
                missing.push(name.clone());
            }
            for (k, p) in s["properties"].as_object().into_iter().flatten() {
                if p.get("description").is_none() {
                    missing.push(format!("{name}.{k}"));
                }
            }
        }
        assert!(missing.is_empty(), "no description: {missing:?}");
    }

    #[test]
    fn merge_keys_name_fields_of_the_items() {
        let defs = all();
        for (pkg, schema, field, key, _, keys) in LIST_MERGE {
            let p = &defs[&format!("{pkg}.{schema}")]["properties"][*field];
            assert_eq!(p["type"], "array", "{schema}.{field}");
            assert_eq!(p["x-kubernetes-patch-merge-key"], *key);
            let items = resolve(&defs, &p["items"]);
            for k in keys.iter().chain([key]) {
                assert!(
                    items["properties"].get(k).is_some(),
                    "{schema}.{field}: {k}"
                );
            }
        }
    }

    #[test]
    fn enum_fields_exist_and_are_sorted() {
        let defs = all();
        for (pkg, schema, field, values) in ENUMS {
            let p = &defs[&format!("{pkg}.{schema}")]["properties"][*field];
            assert_eq!(p["type"], "string", "{schema}.{field}");
            assert_eq!(p["enum"], json!(values), "{schema}.{field}");
            let mut sorted = values.to_vec();
            sorted.sort();
            assert_eq!(&sorted, values, "{schema}.{field}");
        }
    }

    #[test]
    fn required_fields_exist() {
        let defs = all();
        for (schema, fields) in REQUIRED {
            let s = defs
                .get(*schema)
                .unwrap_or_else(|| panic!("{schema} missing"));
            for f in *fields {
                assert!(
                    s["properties"].get(f).is_some(),
                    "{schema}.{f} is not a property"
                );
            }
        }
    }
}
