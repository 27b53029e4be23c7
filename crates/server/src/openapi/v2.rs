//! `/openapi/v2`: the same paths and schemas as one Swagger 2.0 document, for clients that
//! still read it. References point into `definitions`; a parameter carries its type itself; a
//! request body is an `in: body` parameter; `oneOf` (IntOrString, Quantity), which Swagger 2.0
//! lacks, becomes the string type with a format, as the API server writes it there.

use serde_json::{json, Map, Value};

/// Rewrites a v3 schema as a Swagger 2.0 one.
fn schema(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("$ref", Value::String(r)) => {
                        out.insert(
                            k.clone(),
                            json!(r.replace("#/components/schemas/", "#/definitions/")),
                        );
                    }
                    ("oneOf", _) => {
                        out.insert("type".into(), json!("string"));
                    }
                    _ => {
                        out.insert(k.clone(), schema(x));
                    }
                }
            }
            // Swagger 2.0 has no `allOf` beside siblings in kube-openapi's output: a single
            // reference stands alone, with the description next to it.
            if let Some(Value::Array(all)) = out.get("allOf") {
                if all.len() == 1 {
                    if let Some(r) = all[0].get("$ref").cloned() {
                        out.remove("allOf");
                        out.remove("default");
                        out.insert("$ref".into(), r);
                    }
                }
            }
            // An object kept as given stays without `properties`: kubectl's v2 models read it as
            // a map of anything, so its client-side validation (a `kind: List`) accepts any
            // field in it, as the server does.
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(schema).collect()),
        x => x.clone(),
    }
}

fn parameter(p: &Value) -> Value {
    let mut out = Map::new();
    for k in ["name", "in", "description", "required"] {
        if let Some(x) = p.get(k) {
            out.insert(k.into(), x.clone());
        }
    }
    if let Some(Value::Object(s)) = p.get("schema") {
        for (k, x) in s {
            out.insert(k.clone(), x.clone());
        }
    }
    Value::Object(out)
}

fn content_types(c: Option<&Value>) -> Vec<String> {
    c.and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn operation(op: &Value) -> Value {
    let mut out = Map::new();
    let mut params: Vec<Value> = op
        .get("parameters")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(parameter).collect())
        .unwrap_or_default();
    let mut consumes = Vec::new();
    if let Some(b) = op.get("requestBody") {
        consumes = content_types(b.get("content"));
        let s = b
            .get("content")
            .and_then(Value::as_object)
            .and_then(|m| m.values().next())
            .and_then(|c| c.get("schema"))
            .map(schema)
            .unwrap_or(json!({}));
        params.insert(
            0,
            json!({"name": "body", "in": "body", "required": true, "schema": s}),
        );
    }
    let mut produces: Vec<String> = Vec::new();
    let mut responses = Map::new();
    if let Some(Value::Object(rs)) = op.get("responses") {
        for (code, r) in rs {
            let mut o = json!({"description": r.get("description").cloned().unwrap_or(json!(""))});
            for t in content_types(r.get("content")) {
                if !produces.contains(&t) {
                    produces.push(t);
                }
            }
            if let Some(s) = r
                .get("content")
                .and_then(Value::as_object)
                .and_then(|m| m.values().next())
                .and_then(|c| c.get("schema"))
            {
                o["schema"] = schema(s);
            }
            responses.insert(code.clone(), o);
        }
    }
    for k in [
        "description",
        "operationId",
        "tags",
        "x-kubernetes-action",
        "x-kubernetes-group-version-kind",
    ] {
        if let Some(x) = op.get(k) {
            out.insert(k.into(), x.clone());
        }
    }
    if !consumes.is_empty() {
        out.insert("consumes".into(), json!(consumes));
    }
    if !produces.is_empty() {
        out.insert("produces".into(), json!(produces));
    }
    if !params.is_empty() {
        out.insert("parameters".into(), Value::Array(params));
    }
    out.insert("responses".into(), Value::Object(responses));
    out.insert("schemes".into(), json!(["https"]));
    Value::Object(out)
}

/// The Swagger 2.0 document of every path and schema.
pub fn document(paths: &Map<String, Value>, defs: &Map<String, Value>) -> Value {
    let mut out_paths = Map::new();
    for (path, item) in paths {
        let mut o = Map::new();
        if let Value::Object(m) = item {
            for (k, x) in m {
                if k == "parameters" {
                    let ps: Vec<Value> = x
                        .as_array()
                        .map(|a| a.iter().map(parameter).collect())
                        .unwrap_or_default();
                    o.insert(k.clone(), Value::Array(ps));
                } else {
                    o.insert(k.clone(), operation(x));
                }
            }
        }
        out_paths.insert(path.clone(), Value::Object(o));
    }
    let definitions: Map<String, Value> =
        defs.iter().map(|(k, v)| (k.clone(), schema(v))).collect();
    json!({
        "swagger": "2.0",
        "info": {"title": "Kubernetes", "version": ordinal_sim::KUBERNETES_VERSION},
        "paths": out_paths,
        "definitions": definitions,
    })
}
