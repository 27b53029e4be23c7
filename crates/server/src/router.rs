//! From a request to its handler: discovery, `/version`, OpenAPI, health, Ordinal's own
//! `/ordinal/v1/…`, and resource paths (`/api/v1/namespaces/NS/pods/NAME/SUB`,
//! `/apis/GROUP/v1/…`), which [`resources`] serves.

use crate::http::{Request, Response};
use crate::{control, discovery, openapi, resources, status, streams, Shared};
use ordinal_sim::Kind;
use serde_json::json;
use std::sync::Arc;

/// A resource request's target.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub kind: Kind,
    /// `Some` for a namespaced path (`/namespaces/NS/…`).
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub subresource: Option<String>,
}

pub fn route(shared: &Arc<Shared>, req: Request) -> Response {
    let path = req.path.trim_end_matches('/').to_string();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segs.as_slice() {
        [] => Response::json(
            200,
            &json!({"paths": ["/api", "/api/v1", "/apis", "/healthz", "/livez", "/openapi/v2", "/openapi/v3", "/readyz", "/version"]}),
        ),
        ["healthz"] | ["livez"] | ["readyz"] => Response::text(200, "ok"),
        ["version"] => version(),
        ["api"] => discovery::api(&req),
        ["apis"] => discovery::apis(&req),
        ["apis", g] => discovery::group(g).unwrap_or_else(status::go_not_found),
        ["openapi", ..] => openapi::route(&req, &segs[1..]).unwrap_or_else(status::not_found_path),
        ["ordinal", "v1", rest @ ..] => control::route(shared, &req, &rest.join("/")),
        ["api", "v1"] => discovery::resource_list("", "v1").unwrap_or_else(status::not_found_path),
        // Under a group no one serves, the API server's mux has no handler at all.
        ["apis", g, ..] if discovery::group(g).is_none() => status::go_not_found(),
        ["apis", g, v] => discovery::resource_list(g, v).unwrap_or_else(status::not_found_path),
        ["api", "v1", rest @ ..] => resource(shared, req, "", "v1", rest),
        ["apis", g, v, rest @ ..] => {
            let (g, v) = (g.to_string(), v.to_string());
            let rest: Vec<String> = rest.iter().map(|s| s.to_string()).collect();
            let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
            resource(shared, req, &g, &v, &rest)
        }
        // go-restful serves everything under `/api`; anything else is the mux's NotFound.
        ["api", ..] => status::not_found_path(),
        _ => status::go_not_found(),
    }
}

fn version() -> Response {
    let v = ordinal_sim::KUBERNETES_VERSION;
    let minor = v.split('.').nth(1).unwrap_or("33");
    Response::json(
        200,
        &json!({
            "major": "1",
            "minor": minor,
            "emulationMajor": "1",
            "emulationMinor": minor,
            "minCompatibilityMajor": "1",
            "minCompatibilityMinor": minor.parse::<u32>().map(|m| (m - 1).to_string()).unwrap_or_default(),
            "gitVersion": v,
            "gitCommit": "8adc0f041b8e7ad1d30e29cc59c6ae7a15e19828",
            "gitTreeState": "clean",
            "buildDate": "2025-05-15T08:19:08Z",
            "goVersion": "go1.24.2",
            "compiler": "gc",
            "platform": "linux/amd64",
        }),
    )
}

/// Parses `[namespaces, NS,] PLURAL [, NAME [, SUB]]` under a group version.
pub fn parse_target(group: &str, version: &str, rest: &[&str]) -> Option<Target> {
    let (namespace, rest) = match rest {
        ["namespaces", ns, plural, more @ ..] => {
            // `/api/v1/namespaces/NS/PLURAL…` unless PLURAL is the namespace's own subresource.
            if group.is_empty() && (*plural == "status" || *plural == "finalize") && more.is_empty()
            {
                (None, rest)
            } else {
                let mut r = vec![*plural];
                r.extend_from_slice(more);
                return finish(group, version, Some(ns.to_string()), &r);
            }
        }
        _ => (None, rest),
    };
    finish(group, version, namespace, rest)
}

fn finish(group: &str, version: &str, namespace: Option<String>, rest: &[&str]) -> Option<Target> {
    let (plural, name, sub) = match rest {
        [p] => (*p, None, None),
        [p, n] => (*p, Some(n.to_string()), None),
        [p, n, s] => (*p, Some(n.to_string()), Some(s.to_string())),
        _ => return None,
    };
    let kind = discovery::kind_of(group, version, plural)?;
    if namespace.is_some() && !kind.namespaced() {
        return None;
    }
    if let Some(s) = &sub {
        if !discovery::has_subresource(kind, s) {
            return None;
        }
    }
    Some(Target {
        kind,
        namespace,
        name,
        subresource: sub,
    })
}

fn resource(
    shared: &Arc<Shared>,
    req: Request,
    group: &str,
    version: &str,
    rest: &[&str],
) -> Response {
    let Some(t) = parse_target(group, version, rest) else {
        return crate::virtual_resources::handle(shared, &req, group, version, rest)
            .unwrap_or_else(status::not_found_path);
    };
    match t.subresource.as_deref() {
        Some("exec") | Some("attach") | Some("portforward") | Some("log") => {
            streams::route(shared, req, &t)
        }
        _ => resources::handle(shared, req, &t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_their_targets() {
        let t = parse_target("", "v1", &["namespaces", "default", "pods", "web-0", "log"]).unwrap();
        assert_eq!(t.kind, Kind::Pod);
        assert_eq!(t.namespace.as_deref(), Some("default"));
        assert_eq!(t.name.as_deref(), Some("web-0"));
        assert_eq!(t.subresource.as_deref(), Some("log"));
        let t = parse_target("", "v1", &["namespaces", "kube-system"]).unwrap();
        assert_eq!(
            (t.kind, t.namespace, t.name.as_deref()),
            (Kind::Namespace, None, Some("kube-system"))
        );
        let t = parse_target("", "v1", &["namespaces", "x", "status"]).unwrap();
        assert_eq!(
            (t.kind, t.subresource.as_deref()),
            (Kind::Namespace, Some("status"))
        );
        let t = parse_target("apps", "v1", &["statefulsets"]).unwrap();
        assert_eq!((t.kind, t.namespace), (Kind::StatefulSet, None));
        assert!(parse_target("", "v1", &["namespaces", "d", "nodes"]).is_none());
        assert!(parse_target("", "v1", &["widgets"]).is_none());
        assert!(parse_target("", "v1", &["pods", "x", "scale"]).is_none());
    }
}
