//! `web/explain/explain.json`, the data the playground's own `kubectl explain` reads (the web app
//! fetches it after first paint; the CLI embeds it): the schemas `/openapi/v3` serves, cut down to
//! what kubectl's explain template reads, and each group version's resources with the kind its
//! paths name. This test fails when the committed file is stale;
//! `UPDATE_EXPLAIN=1 cargo test -p ordinal-server --test explain_data` rewrites it.

use serde_json::{json, Map, Value};
use std::path::Path;

/// The keys kubectl's plaintext template reads from a schema.
const KEEP: &[&str] = &[
    "$ref",
    "additionalProperties",
    "allOf",
    "description",
    "enum",
    "externalDocs",
    "items",
    "properties",
    "required",
    "type",
    "x-kubernetes-group-version-kind",
];

fn cut(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m {
                if !KEEP.contains(&k.as_str()) {
                    continue;
                }
                let x = match k.as_str() {
                    // A map of field names to schemas, not a schema.
                    "properties" => Value::Object(
                        x.as_object()
                            .map(|p| p.iter().map(|(n, s)| (n.clone(), cut(s))).collect())
                            .unwrap_or_default(),
                    ),
                    "items" | "additionalProperties" => cut(x),
                    "allOf" => Value::Array(
                        x.as_array()
                            .map(|a| a.iter().map(cut).collect())
                            .unwrap_or_default(),
                    ),
                    _ => x.clone(),
                };
                out.insert(k.clone(), x);
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

/// Each group version ("v1", "apps/v1") → resource → kind, found as kubectl's template finds it:
/// the first of the list and item paths (cluster, then namespaced) whose get/post/put/patch/delete
/// names a group-version-kind.
fn kinds() -> Map<String, Value> {
    let defs = ordinal_server::openapi::schemas();
    let mut out = Map::new();
    for (g, v) in ordinal_server::openapi::group_versions() {
        let doc = ordinal_server::openapi::gv_document(g, v, &defs);
        let prefix = if g.is_empty() {
            "/api".to_string()
        } else {
            format!("/apis/{g}")
        };
        let mut rs = Map::new();
        for r in ordinal_server::openapi::resources(g, v) {
            let p = &r.plural;
            let candidates = [
                format!("{prefix}/{v}/{p}"),
                format!("{prefix}/{v}/{p}/{{name}}"),
                format!("{prefix}/{v}/namespaces/{{namespace}}/{p}"),
                format!("{prefix}/{v}/namespaces/{{namespace}}/{p}/{{name}}"),
            ];
            let found = candidates.iter().find_map(|c| {
                let item = doc["paths"].get(c)?;
                ["get", "post", "put", "patch", "delete"]
                    .iter()
                    .find_map(|m| item.get(*m)?.get("x-kubernetes-group-version-kind"))
            });
            if let Some(gvk) = found {
                rs.insert(p.clone(), gvk["kind"].clone());
            }
        }
        let gv = if g.is_empty() {
            v.to_string()
        } else {
            format!("{g}/{v}")
        };
        out.insert(gv, Value::Object(rs));
    }
    out
}

fn data() -> String {
    let schemas: Map<String, Value> = ordinal_server::openapi::schemas()
        .iter()
        .map(|(n, s)| (n.clone(), cut(s)))
        .collect();
    let v = json!({"resources": kinds(), "schemas": schemas});
    let mut s = serde_json::to_string(&v).unwrap_or_default();
    s.push('\n');
    s
}

#[test]
fn explain_data_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/explain/explain.json");
    let want = data();
    if std::env::var_os("UPDATE_EXPLAIN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{} is stale (the sim's schemas or their doc comments changed): \
         UPDATE_EXPLAIN=1 cargo test -p ordinal-server --test explain_data rewrites it",
        path.display()
    );
}
