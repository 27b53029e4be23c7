//! `/openapi/v3` (the index of group-version documents, and each document) and `/openapi/v2`
//! (one Swagger 2.0 document), built once from the server's discovery and served as JSON.
//!
//! kubectl v1.33 reads `/openapi/v3` for three things: `--validate=strict` (the default of
//! `apply`/`create`/`replace`) checks that the kind's PATCH operation takes `fieldValidation`,
//! and then leaves validation to the server (`?fieldValidation=Strict`); `apply` computes its
//! strategic merge patch from the kind's schema; `explain` prints the schemas.

mod paths;

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

/// The OpenAPI v3 document of one group version.
pub fn gv_document(group: &str, version: &str) -> Value {
    let rs = resources(group, version);
    json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": ordinal_sim::KUBERNETES_VERSION},
        "paths": paths::paths(group, version, &rs),
        "components": {"schemas": Map::new()},
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
    let mut gvs = Vec::new();
    let mut index = Map::new();
    for (g, v) in group_versions() {
        let body = to_bytes(&gv_document(g, v));
        let key = gv_key(g, v);
        let hash = hash(&body);
        index.insert(
            key.clone(),
            json!({"serverRelativeURL": format!("/openapi/v3/{key}?hash={hash}")}),
        );
        gvs.push(GvDoc { key, hash, body });
    }
    Docs {
        index: to_bytes(&json!({ "paths": index })),
        gvs,
    }
}

/// Whether the client takes JSON (OpenAPI's protobuf forms are not served).
fn accepts_json(req: &Request) -> bool {
    match req.header("accept") {
        None => true,
        Some(a) => a.split(',').any(|t| {
            let t = t.split(';').next().unwrap_or("").trim();
            t == "application/json" || t == "*/*" || t == "application/*" || t.is_empty()
        }),
    }
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
        ["v3"] | ["v3", ..] => docs(),
        _ => return None,
    };
    if req.method != "GET" && req.method != "HEAD" {
        return Some(status::method_not_allowed(&req.method));
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
