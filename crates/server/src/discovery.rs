//! Discovery, as kubectl v1.33 asks for it: first the aggregated form (`/api` and `/apis`
//! answering `APIGroupDiscoveryList` when the Accept header asks for
//! `as=APIGroupDiscoveryList;g=apidiscovery.k8s.io;v=v2`), else the legacy documents
//! (`APIVersions`, `APIGroupList`, `APIGroup`, `APIResourceList`). Both come from the sim's one
//! list of kinds ([`Kind::ALL`]) plus the server-only facts below (verbs, categories,
//! subresources).

use crate::http::{Request, Response};
use crate::virtual_resources::{VirtualResource, RESOURCES};
use ordinal_sim::Kind;
use serde_json::{json, Value};

pub const AGGREGATED_CONTENT_TYPE: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

const VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

/// A subresource: name, the kind it answers with (`None`: the parent's), its verbs.
type Sub = (
    &'static str,
    Option<(&'static str, &'static str, &'static str)>,
    &'static [&'static str],
);

const STATUS: Sub = ("status", None, &["get", "patch", "update"]);
const SCALE: Sub = (
    "scale",
    Some(("autoscaling", "v1", "Scale")),
    &["get", "patch", "update"],
);

/// Server-only facts about a resource: its categories (`kubectl get all`) and subresources.
fn extras(k: Kind) -> (&'static [&'static str], Vec<Sub>) {
    match k.info().plural {
        "pods" => (
            &["all"],
            vec![
                (
                    "attach",
                    Some(("", "v1", "PodAttachOptions")),
                    &["create", "get"],
                ),
                ("ephemeralcontainers", None, &["get", "patch", "update"]),
                ("eviction", Some(("policy", "v1", "Eviction")), &["create"]),
                (
                    "exec",
                    Some(("", "v1", "PodExecOptions")),
                    &["create", "get"],
                ),
                ("log", Some(("", "v1", "Pod")), &["get"]),
                (
                    "portforward",
                    Some(("", "v1", "PodPortForwardOptions")),
                    &["create", "get"],
                ),
                STATUS,
            ],
        ),
        "services" => (&["all"], vec![STATUS]),
        "statefulsets" | "deployments" | "replicasets" => (&["all"], vec![SCALE, STATUS]),
        "namespaces" => (&[], vec![("finalize", None, &["update"]), STATUS]),
        "nodes" | "persistentvolumes" | "persistentvolumeclaims" => (&[], vec![STATUS]),
        _ => (&[], vec![]),
    }
}

fn verbs(k: Kind) -> Vec<&'static str> {
    match k.info().plural {
        // The API server has no deletecollection for services (before v1.34) or namespaces.
        "services" | "namespaces" => VERBS
            .iter()
            .copied()
            .filter(|v| *v != "deletecollection")
            .collect(),
        _ => VERBS.to_vec(),
    }
}

/// The groups in the order the API server lists them (legacy first, then by priority).
fn groups() -> Vec<&'static str> {
    let mut gs: Vec<&'static str> = Vec::new();
    let kinds = Kind::ALL.iter().map(|k| k.info().group);
    for g in kinds.chain(RESOURCES.iter().map(|r| r.group)) {
        if !gs.contains(&g) {
            gs.push(g);
        }
    }
    // The API server's order: core, apps, then the others as its group priorities rank them.
    let rank = |g: &str| match g {
        "" => 0,
        "apps" => 1,
        "events.k8s.io" => 2,
        "authentication.k8s.io" => 3,
        "authorization.k8s.io" => 4,
        "storage.k8s.io" => 5,
        "coordination.k8s.io" => 7,
        "discovery.k8s.io" => 8,
        _ => 9,
    };
    gs.sort_by_key(|g| rank(g));
    gs
}

fn kinds_in(group: &str) -> impl Iterator<Item = Kind> + '_ {
    let mut ks: Vec<Kind> = Kind::ALL
        .iter()
        .copied()
        .filter(|k| k.info().group == group)
        .collect();
    ks.sort_by_key(|k| k.info().plural);
    ks.into_iter()
}

fn wants_aggregated(req: &Request) -> bool {
    req.header("accept").is_some_and(|a| {
        a.contains("as=APIGroupDiscoveryList") && a.contains("apidiscovery.k8s.io")
    })
}

fn kind_ref(group: &str, version: &str, kind: &str) -> Value {
    json!({"group": group, "version": version, "kind": kind})
}

fn aggregated_resource(k: Kind) -> Value {
    let i = k.info();
    let (categories, subs) = extras(k);
    let mut r = json!({
        "resource": i.plural,
        "responseKind": kind_ref(i.group, i.version, i.name),
        "scope": if i.namespaced { "Namespaced" } else { "Cluster" },
        "singularResource": i.singular,
        "verbs": verbs(k),
    });
    if !i.short_names.is_empty() {
        r["shortNames"] = json!(i.short_names);
    }
    if !categories.is_empty() {
        r["categories"] = json!(categories);
    }
    if !subs.is_empty() {
        r["subresources"] = subs
            .iter()
            .map(|(name, kind, verbs)| {
                let (g, v, kn) = kind.unwrap_or((i.group, i.version, i.name));
                json!({"subresource": name, "responseKind": kind_ref(g, v, kn), "verbs": verbs})
            })
            .collect();
    }
    r
}

fn virtual_in(group: &str) -> impl Iterator<Item = &'static VirtualResource> + '_ {
    RESOURCES.iter().filter(move |r| r.group == group)
}

fn aggregated_virtual(r: &VirtualResource) -> Value {
    json!({
        "resource": r.plural,
        "responseKind": kind_ref(r.group, "v1", r.kind),
        "scope": if r.namespaced { "Namespaced" } else { "Cluster" },
        "singularResource": r.singular,
        "verbs": r.verbs,
    })
}

fn legacy_virtual(r: &VirtualResource) -> Value {
    json!({
        "name": r.plural,
        "singularName": r.singular,
        "namespaced": r.namespaced,
        "kind": r.kind,
        "verbs": r.verbs,
    })
}

fn aggregated(legacy: bool) -> Response {
    let items: Vec<Value> = groups()
        .into_iter()
        .filter(|g| g.is_empty() == legacy)
        .map(|g| {
            let mut meta = json!({"creationTimestamp": null});
            if !g.is_empty() {
                meta["name"] = json!(g);
            }
            json!({
                "metadata": meta,
                "versions": [{
                    "version": "v1",
                    "resources": kinds_in(g)
                        .map(aggregated_resource)
                        .chain(virtual_in(g).map(aggregated_virtual))
                        .collect::<Vec<_>>(),
                    "freshness": "Current",
                }],
            })
        })
        .collect();
    let v = json!({
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": items,
    });
    let mut body = serde_json::to_vec(&v).unwrap_or_default();
    body.push(b'\n');
    Response::new(200, AGGREGATED_CONTENT_TYPE, body)
}

fn group_value(g: &str) -> Value {
    let gv = json!({"groupVersion": format!("{g}/v1"), "version": "v1"});
    json!({"name": g, "versions": [gv.clone()], "preferredVersion": gv})
}

/// `/api`.
pub fn api(req: &Request) -> Response {
    if wants_aggregated(req) {
        return aggregated(true);
    }
    Response::json(
        200,
        &json!({
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}],
        }),
    )
}

/// `/apis`.
pub fn apis(req: &Request) -> Response {
    if wants_aggregated(req) {
        return aggregated(false);
    }
    let groups: Vec<Value> = groups()
        .into_iter()
        .filter(|g| !g.is_empty())
        .map(group_value)
        .collect();
    Response::json(
        200,
        &json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}),
    )
}

/// `/apis/GROUP`.
pub fn group(name: &str) -> Option<Response> {
    if name.is_empty() || !groups().contains(&name) {
        return None;
    }
    let mut v = group_value(name);
    v["kind"] = json!("APIGroup");
    v["apiVersion"] = json!("v1");
    Some(Response::json(200, &v))
}

/// `/api/v1` or `/apis/GROUP/v1`.
pub fn resource_list(group: &str, version: &str) -> Option<Response> {
    if version != "v1" || !groups().contains(&group) {
        return None;
    }
    let mut resources = Vec::new();
    for k in kinds_in(group) {
        let i = k.info();
        let (categories, subs) = extras(k);
        let mut r = json!({
            "name": i.plural,
            "singularName": i.singular,
            "namespaced": i.namespaced,
            "kind": i.name,
            "verbs": verbs(k),
        });
        if !i.short_names.is_empty() {
            r["shortNames"] = json!(i.short_names);
        }
        if !categories.is_empty() {
            r["categories"] = json!(categories);
        }
        resources.push(r);
        for (name, kind, verbs) in subs {
            let mut s = json!({
                "name": format!("{}/{name}", i.plural),
                "singularName": "",
                "namespaced": i.namespaced,
                "kind": kind.map(|(_, _, k)| k).unwrap_or(i.name),
                "verbs": verbs,
            });
            if let Some((g, v, _)) = kind {
                if g != i.group {
                    s["group"] = json!(g);
                    s["version"] = json!(v);
                }
            }
            resources.push(s);
        }
    }
    resources.extend(virtual_in(group).map(legacy_virtual));
    let gv = if group.is_empty() {
        "v1".to_string()
    } else {
        format!("{group}/v1")
    };
    Some(Response::json(
        200,
        &json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources}),
    ))
}

/// The kind a request path names: `group`, `version`, plural.
pub fn kind_of(group: &str, version: &str, plural: &str) -> Option<Kind> {
    Kind::ALL.iter().copied().find(|k| {
        let i = k.info();
        i.group == group && i.version == version && i.plural == plural
    })
}

/// Whether the resource has this subresource.
pub fn has_subresource(k: Kind, sub: &str) -> bool {
    extras(k).1.iter().any(|(n, _, _)| *n == sub)
}
