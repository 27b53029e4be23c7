//! Resources the API server has that the simulation keeps no objects for, answered from what it
//! does know:
//!
//! * `coordination.k8s.io/v1` `leases` in `kube-node-lease` (GET, LIST): each node's lease, whose
//!   renew time the node lifecycle model computes (`Cluster::node_lease_renewed`). `kubectl
//!   describe node` reads it.
//! * `authorization.k8s.io/v1` `selfsubjectaccessreviews` (CREATE): `kubectl auth can-i`. The
//!   server has no authentication, so the caller is kind's `kubernetes-admin`, a cluster admin,
//!   and every review is allowed.
//! * `authorization.k8s.io/v1` `selfsubjectrulesreviews` (CREATE): `kubectl auth can-i --list`,
//!   kind's admin's rules.
//! * `authentication.k8s.io/v1` `selfsubjectreviews` (CREATE): `kubectl auth whoami`, the same user.

use crate::http::{Request, Response};
use crate::resources::body_json;
use crate::{status, Shared};
use ordinal_sim::time::micro;
use ordinal_sim::{Cluster, Kind};
use serde_json::{json, Value};

/// A virtual resource as discovery lists it.
pub struct VirtualResource {
    pub group: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub kind: &'static str,
    pub namespaced: bool,
    pub verbs: &'static [&'static str],
}

pub const RESOURCES: &[VirtualResource] = &[
    VirtualResource {
        group: "authentication.k8s.io",
        plural: "selfsubjectreviews",
        singular: "selfsubjectreview",
        kind: "SelfSubjectReview",
        namespaced: false,
        verbs: &["create"],
    },
    VirtualResource {
        group: "authorization.k8s.io",
        plural: "selfsubjectaccessreviews",
        singular: "selfsubjectaccessreview",
        kind: "SelfSubjectAccessReview",
        namespaced: false,
        verbs: &["create"],
    },
    VirtualResource {
        group: "authorization.k8s.io",
        plural: "selfsubjectrulesreviews",
        singular: "selfsubjectrulesreview",
        kind: "SelfSubjectRulesReview",
        namespaced: false,
        verbs: &["create"],
    },
    VirtualResource {
        group: "coordination.k8s.io",
        plural: "leases",
        singular: "lease",
        kind: "Lease",
        namespaced: true,
        verbs: &["get", "list"],
    },
];

/// The user every request is, for lack of authentication: kind's admin.
const USER: &str = "kubernetes-admin";
const GROUPS: &[&str] = &["kubeadm:cluster-admins", "system:authenticated"];
const LEASE_NAMESPACE: &str = "kube-node-lease";

/// Serves `rest` (the path after `/apis/GROUP/v1/`) if it names a virtual resource.
pub fn handle(
    shared: &Shared,
    req: &Request,
    group: &str,
    version: &str,
    rest: &[&str],
) -> Option<Response> {
    if version != "v1" {
        return None;
    }
    let r = RESOURCES
        .iter()
        .find(|r| r.group == group && rest.iter().take(3).any(|p| *p == r.plural))?;
    Some(match (r.plural, req.method.as_str(), rest) {
        ("selfsubjectaccessreviews", "POST", ["selfsubjectaccessreviews"]) => access_review(req),
        ("selfsubjectrulesreviews", "POST", ["selfsubjectrulesreviews"]) => rules_review(req),
        ("selfsubjectreviews", "POST", ["selfsubjectreviews"]) => whoami(req),
        ("leases", "GET", ["namespaces", ns, "leases"]) => leases(shared, req, Some(ns)),
        ("leases", "GET", ["leases"]) => leases(shared, req, None),
        ("leases", "GET", ["namespaces", ns, "leases", name]) => {
            let st = shared.lock();
            match lease(&st.cluster, ns, name) {
                Some(l) => Response::json(200, &l),
                None => status::status_response(
                    404,
                    "NotFound",
                    &format!("leases.coordination.k8s.io \"{name}\" not found"),
                ),
            }
        }
        (_, m, [p, ..] | [_, _, p, ..]) if *p == r.plural => status::method_not_allowed(m),
        _ => return None,
    })
}

fn lease(c: &Cluster, ns: &str, name: &str) -> Option<Value> {
    if ns != LEASE_NAMESPACE {
        return None;
    }
    let node = c.get(Kind::Node, "", name).ok()?;
    let m = node.meta();
    Some(json!({
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {
            "name": name,
            "namespace": LEASE_NAMESPACE,
            "uid": format!("{}-lease", &m.uid[..m.uid.len().min(27)]),
            "creationTimestamp": m.creation_timestamp.map(|t| t.rfc3339()),
            "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": name, "uid": m.uid}],
            "resourceVersion": m.resource_version,
        },
        "spec": {
            "holderIdentity": name,
            "leaseDurationSeconds": 40,
            "renewTime": micro::format(c.node_lease_renewed(name)),
        },
    }))
}

fn leases(shared: &Shared, req: &Request, ns: Option<&str>) -> Response {
    let st = shared.lock();
    let c = &st.cluster;
    let items: Vec<Value> = if ns.is_none_or(|n| n == LEASE_NAMESPACE) {
        c.node_names()
            .iter()
            .filter_map(|n| lease(c, LEASE_NAMESPACE, n))
            .collect()
    } else {
        Vec::new()
    };
    let rv = c.resource_version().to_string();
    if crate::table::wants_table(req.header("accept")) {
        // The API server's columns for leases: Name, Holder, Age.
        let col = |name: &str, format: &str| json!({"name": name, "type": "string", "format": format, "description": "", "priority": 0});
        let rows: Vec<Value> = items
            .iter()
            .map(|l| {
                let created = l["metadata"]["creationTimestamp"]
                    .as_str()
                    .and_then(ordinal_sim::Time::parse_rfc3339);
                json!({
                    "cells": [l["metadata"]["name"], l["spec"]["holderIdentity"], ordinal_sim::printers::age(c.now(), created)],
                    "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": l["metadata"]},
                })
            })
            .collect();
        return Response::json(
            200,
            &json!({
                "kind": "Table", "apiVersion": "meta.k8s.io/v1",
                "metadata": {"resourceVersion": rv},
                "columnDefinitions": [col("Name", "name"), col("Holder", ""), col("Age", "")],
                "rows": rows,
            }),
        );
    }
    Response::json(
        200,
        &json!({
            "apiVersion": "coordination.k8s.io/v1",
            "kind": "LeaseList",
            "metadata": {"resourceVersion": rv},
            "items": items,
        }),
    )
}

fn access_review(req: &Request) -> Response {
    let Ok(mut v) = body_json(req) else {
        return status::bad_request(
            "SelfSubjectAccessReview in version \"v1\" cannot be handled as a SelfSubjectAccessReview: the body does not decode",
        );
    };
    if !v.is_object() || v.get("spec").is_none() {
        return status::status_response(
            422,
            "Invalid",
            "SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.resourceAttributes: Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified",
        );
    }
    v["status"] = json!({"allowed": true});
    v["metadata"] = json!({"creationTimestamp": null});
    v["apiVersion"] = json!("authorization.k8s.io/v1");
    v["kind"] = json!("SelfSubjectAccessReview");
    Response::json(201, &v)
}

/// `kubectl auth can-i --list`: kind's admin's rules, from the roles its groups are bound to:
/// `cluster-admin` (everything), `system:basic-user` (the self reviews), `system:discovery` and
/// `system:public-info-viewer` (the discovery and health URLs).
fn rules_review(req: &Request) -> Response {
    let Ok(mut v) = body_json(req) else {
        return status::bad_request(
            "SelfSubjectRulesReview in version \"v1\" cannot be handled as a SelfSubjectRulesReview: the body does not decode",
        );
    };
    if !v.is_object() {
        v = json!({});
    }
    let get = |urls: &[&str]| json!({"verbs": ["get"], "nonResourceURLs": urls});
    v["apiVersion"] = json!("authorization.k8s.io/v1");
    v["kind"] = json!("SelfSubjectRulesReview");
    v["metadata"] = json!({"creationTimestamp": null});
    v["status"] = json!({
        "resourceRules": [
            {"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]},
            {"verbs": ["create"], "apiGroups": ["authentication.k8s.io"], "resources": ["selfsubjectreviews"]},
            {"verbs": ["create"], "apiGroups": ["authorization.k8s.io"], "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]},
        ],
        "nonResourceRules": [
            {"verbs": ["*"], "nonResourceURLs": ["*"]},
            get(&["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"]),
            get(&["/healthz", "/livez", "/readyz", "/version", "/version/"]),
        ],
        "incomplete": false,
    });
    Response::json(201, &v)
}

fn whoami(_req: &Request) -> Response {
    Response::json(
        201,
        &json!({
            "kind": "SelfSubjectReview",
            "apiVersion": "authentication.k8s.io/v1",
            "metadata": {"creationTimestamp": null},
            "status": {"userInfo": {"username": USER, "groups": GROUPS}},
        }),
    )
}
