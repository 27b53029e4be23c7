//! `/openapi/v3` (the index of group-version documents, and each document) and `/openapi/v2`
//! (one Swagger 2.0 document, as JSON or as the protobuf kubectl asks for), built once (a
//! `OnceLock`): the paths from the server's own discovery ([`paths`]), the schemas from the
//! sim's typed structs ([`schemas`], through `schemars`), the API machinery's few types
//! written out ([`meta`]); [`v2`] and [`protobuf`] rewrite them for v2.
//!
//! kubectl v1.33 reads `/openapi/v3` for three things: `--validate=strict` (the default of
//! `apply`/`create`/`replace`) checks that the kind's PATCH operation takes `fieldValidation`,
//! and then leaves validation to the server (`?fieldValidation=Strict`); `apply` would compute
//! its strategic merge patch from the kind's schema if the PATCH operation listed that patch
//! type (it does not: see [`paths`]), and so uses its built-in types; `explain` prints the
//! schemas (`--output plaintext-openapiv2`: the v2 protobuf).

mod meta;
mod paths;
mod protobuf;
mod schemas;
mod v2;

use crate::discovery;
use crate::http::{Body, Request, Response};
use crate::status;
use ordinal_sim::Kind;
use serde_json::{json, Map, Value};
use std::sync::OnceLock;

pub use paths::{schema_name, Resource, Subresource};

/// One group version's document, serialised, with its hash.
struct GvDoc {
    /// `api/v1`, `apis/apps/v1`.
    key: String,
    hash: String,
    body: Vec<u8>,
}

struct Docs {
    index: Vec<u8>,
    gvs: Vec<GvDoc>,
    v2: Vec<u8>,
    v2_protobuf: Vec<u8>,
}

static DOCS: OnceLock<Docs> = OnceLock::new();

fn docs() -> &'static Docs {
    DOCS.get_or_init(build)
}

/// The group versions the server serves: ("", "v1"), ("apps", "v1"), ….
pub fn group_versions() -> Vec<(&'static str, &'static str)> {
    let mut gvs: Vec<(&'static str, &'static str)> = Vec::new();
    for k in Kind::ALL {
        let i = k.info();
        if !gvs.contains(&(i.group, i.version)) {
            gvs.push((i.group, i.version));
        }
    }
    gvs.sort();
    gvs
}

fn gv_key(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

/// The resources of a group version, read from the server's own `APIResourceList`, so that the
/// paths never disagree with discovery.
pub fn resources(group: &str, version: &str) -> Vec<Resource> {
    let Some(resp) = discovery::resource_list(group, version) else {
        return Vec::new();
    };
    let Body::Bytes(bytes) = resp.body else {
        return Vec::new();
    };
    let Ok(list) = serde_json::from_slice::<Value>(&bytes) else {
        return Vec::new();
    };
    let strs = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut out: Vec<Resource> = Vec::new();
    for r in list["resources"].as_array().into_iter().flatten() {
        let name = r["name"].as_str().unwrap_or_default();
        let kind = r["kind"].as_str().unwrap_or_default().to_string();
        match name.split_once('/') {
            None => out.push(Resource {
                plural: name.to_string(),
                kind,
                namespaced: r["namespaced"].as_bool().unwrap_or(false),
                verbs: strs(&r["verbs"]),
                subresources: Vec::new(),
            }),
            Some((parent, sub)) => {
                let g = r["group"].as_str().unwrap_or(group).to_string();
                let v = r["version"].as_str().unwrap_or(version).to_string();
                if let Some(p) = out.iter_mut().find(|p| p.plural == parent) {
                    p.subresources.push(Subresource {
                        name: sub.to_string(),
                        gvk: (g, v, kind),
                        verbs: strs(&r["verbs"]),
                    });
                }
            }
        }
    }
    out
}

/// Every schema the documents use, by name (`io.k8s.api.core.v1.Pod`).
pub fn schemas() -> Map<String, Value> {
    schemas::all()
}

/// The names of the schemas `v` references (`#/components/schemas/NAME`), and theirs, in turn.
fn referenced(v: &Value, defs: &Map<String, Value>) -> Map<String, Value> {
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    match (k.as_str(), x) {
                        ("$ref", Value::String(r)) => {
                            if let Some(n) = r.strip_prefix("#/components/schemas/") {
                                out.push(n.to_string());
                            }
                        }
                        _ => refs(x, out),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut todo = Vec::new();
    refs(v, &mut todo);
    let mut out = Map::new();
    while let Some(n) = todo.pop() {
        if out.contains_key(&n) {
            continue;
        }
        if let Some(s) = defs.get(&n) {
            refs(s, &mut todo);
            out.insert(n, s.clone());
        }
    }
    out
}

/// The OpenAPI v3 document of one group version: its paths and every schema they reach.
pub fn gv_document(group: &str, version: &str, defs: &Map<String, Value>) -> Value {
    let rs = resources(group, version);
    let paths = Value::Object(paths::paths(group, version, &rs));
    let schemas = referenced(&paths, defs);
    json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": ordinal_sim::KUBERNETES_VERSION},
        "paths": paths,
        "components": {"schemas": schemas},
    })
}

/// FNV-1a, 64 bits, as upper-case hex: the documents' `hash` (the API server uses SHA-512;
/// clients only compare it).
fn hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016X}")
}

fn to_bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}

fn build() -> Docs {
    let defs = schemas();
    let mut gvs = Vec::new();
    let mut index = Map::new();
    let mut all_paths = Map::new();
    for (g, v) in group_versions() {
        let doc = gv_document(g, v, &defs);
        if let Some(Value::Object(p)) = doc.get("paths") {
            all_paths.extend(p.clone());
        }
        let body = to_bytes(&doc);
        let key = gv_key(g, v);
        let hash = hash(&body);
        index.insert(
            key.clone(),
            json!({"serverRelativeURL": format!("/openapi/v3/{key}?hash={hash}")}),
        );
        gvs.push(GvDoc { key, hash, body });
    }
    let v2 = v2::document(&all_paths, &defs);
    Docs {
        index: to_bytes(&json!({ "paths": index })),
        gvs,
        v2: to_bytes(&v2),
        v2_protobuf: protobuf::encode(&v2),
    }
}

/// Whether the client takes JSON.
fn accepts_json(req: &Request) -> bool {
    match req.header("accept") {
        None => true,
        Some(a) => a.split(',').any(|t| {
            let t = t.split(';').next().unwrap_or("").trim();
            t == "application/json" || t == "*/*" || t == "application/*" || t.is_empty()
        }),
    }
}

/// `/openapi/v2`, as JSON or as protobuf (the form kubectl asks for): the first media type of
/// the Accept header that is one of them, as the API server chooses.
fn v2_response(req: &Request, d: &Docs) -> Response {
    let accept = req.header("accept").unwrap_or("*/*");
    for t in accept.split(',') {
        let t = t.split(';').next().unwrap_or("").trim();
        let body = if t == "application/json" || t == "application/*" || t == "*/*" {
            Response::new(200, "application/json", d.v2.clone())
        } else if protobuf::is_protobuf(t) {
            Response::new(200, protobuf::CONTENT_TYPE, d.v2_protobuf.clone())
        } else {
            continue;
        };
        return body.with_header("Vary", "Accept");
    }
    not_acceptable()
}

fn not_acceptable() -> Response {
    status::status_response(
        406,
        "NotAcceptable",
        "only the following media types are accepted: application/json",
    )
}

/// `segs` is the path after `/openapi`.
pub fn route(req: &Request, segs: &[&str]) -> Option<Response> {
    let d = match segs {
        ["v3"] | ["v3", ..] | ["v2"] => docs(),
        _ => return None,
    };
    if req.method != "GET" && req.method != "HEAD" {
        return Some(status::method_not_allowed(&req.method));
    }
    if segs == ["v2"] {
        return Some(v2_response(req, d));
    }
    if !accepts_json(req) {
        return Some(not_acceptable());
    }
    match segs {
        ["v3"] => Some(Response::new(200, "application/json", d.index.clone())),
        ["v3", rest @ ..] => {
            let key = rest.join("/");
            let doc = d.gvs.iter().find(|g| g.key == key)?;
            let etag = format!("\"{}\"", doc.hash);
            match req.param("hash") {
                // An old hash: the document moved on (as the API server, a redirect to this one).
                Some(h) if h != doc.hash => {
                    return Some(
                        Response::new(301, "text/plain; charset=utf-8", Vec::new())
                            .with_header("Location", format!("/openapi/v3/{key}?hash={}", doc.hash))
                            .with_header("Cache-Control", "no-cache, no-store, must-revalidate"),
                    )
                }
                _ => {}
            }
            if req.header("if-none-match") == Some(etag.as_str()) {
                return Some(
                    Response::new(304, "application/json", Vec::new()).with_header("ETag", etag),
                );
            }
            let cache = if req.param("hash").is_some() {
                "public, immutable"
            } else {
                "no-cache, private"
            };
            Some(
                Response::new(200, "application/json", doc.body.clone())
                    .with_header("ETag", etag)
                    .with_header("Cache-Control", cache),
            )
        }
        _ => None,
    }
}
