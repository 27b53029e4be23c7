//! The `paths` of a group-version document: for every resource discovery lists, its collection
//! (`…/namespaces/{namespace}/pods`), its item (`…/{name}`), the list across namespaces
//! (`/api/v1/pods`) and each subresource, with the operations its verbs allow and the query
//! parameters the API server takes for each. kubectl reads these: `--validate=strict` looks
//! for the `fieldValidation` parameter of the kind's PATCH operation (found by its
//! `x-kubernetes-group-version-kind`), and `apply` for its `strategic-merge-patch+json` body.

use serde_json::{json, Map, Value};

/// The resources of a group version, as the server's discovery lists them.
pub struct Resource {
    pub plural: String,
    pub kind: String,
    pub namespaced: bool,
    pub verbs: Vec<String>,
    pub subresources: Vec<Subresource>,
}

pub struct Subresource {
    pub name: String,
    /// The kind it reads and writes: (group, version, kind).
    pub gvk: (String, String, String),
    pub verbs: Vec<String>,
}

/// `v1` → `CoreV1`, `apps` → `AppsV1`, `storage.k8s.io` → `StorageV1`: the operation ids' infix.
pub fn op_infix(group: &str, version: &str) -> String {
    let g = if group.is_empty() {
        "core"
    } else {
        group.split('.').next().unwrap_or(group)
    };
    format!("{}{}", upper_first(g), upper_first(version))
}

/// `core_v1`, `apps_v1`, `storage_v1`: the operations' tag.
fn tag(group: &str, version: &str) -> String {
    let g = if group.is_empty() {
        "core"
    } else {
        group.split('.').next().unwrap_or(group)
    };
    format!("{g}_{version}")
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The schema name of a kind: `io.k8s.api.core.v1.Pod`, `io.k8s.api.apps.v1.StatefulSet`.
pub fn schema_name(group: &str, version: &str, kind: &str) -> String {
    let pkg = if group.is_empty() {
        "core"
    } else {
        group.split('.').next().unwrap_or(group)
    };
    format!("io.k8s.api.{pkg}.{version}.{kind}")
}

pub const META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1";

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn query(name: &str, ty: &str, description: &str) -> Value {
    json!({
        "name": name,
        "in": "query",
        "description": description,
        "schema": {"type": ty, "uniqueItems": true},
    })
}

fn path_param(name: &str, description: &str) -> Value {
    json!({
        "name": name,
        "in": "path",
        "description": description,
        "required": true,
        "schema": {"type": "string", "uniqueItems": true},
    })
}

// The query parameters, described in our words.
fn p_pretty() -> Value {
    query(
        "pretty",
        "string",
        "If 'true', the response is indented for people to read.",
    )
}
fn p_dry_run() -> Value {
    query(
        "dryRun",
        "string",
        "If set, the request goes through every stage (defaulting, admission, validation) but nothing is stored. The only value is All.",
    )
}
fn p_field_manager(apply: bool) -> Value {
    let more = if apply {
        " Server-side apply requests (application/apply-patch) must set it."
    } else {
        ""
    };
    query(
        "fieldManager",
        "string",
        &format!("The name of the client making the change, recorded as the owner of the fields it sets: at most 128 printable characters.{more}"),
    )
}
fn p_field_validation() -> Value {
    query(
        "fieldValidation",
        "string",
        "What the server does with fields of the request's object that its type lacks, and with fields given twice. Ignore: drops them silently. Warn (the default): drops them and answers with one warning per field. Strict: refuses the request with a BadRequest error naming every such field.",
    )
}
fn p_force() -> Value {
    query(
        "force",
        "boolean",
        "For server-side apply only: take over the fields other managers own instead of failing with a conflict. Must not be set for other patch types.",
    )
}
fn write_params(patch: bool) -> Vec<Value> {
    let mut v = vec![p_dry_run(), p_field_manager(patch), p_field_validation()];
    if patch {
        v.push(p_force());
    }
    v
}
fn list_params(watch: bool) -> Vec<Value> {
    let mut v = vec![
        query("allowWatchBookmarks", "boolean", "For a watch: ask for BOOKMARK events, which carry only a resourceVersion. The server may not send any."),
        query("continue", "string", "The token a previous, limited list returned in metadata.continue: the next chunk of the same list. Other parameters must be the same as in the first request."),
        query("fieldSelector", "string", "Only objects whose fields match, such as metadata.name=web-0. Defaults to everything."),
        query("labelSelector", "string", "Only objects whose labels match, such as app=nginx or tier in (web). Defaults to everything."),
        query("limit", "integer", "The most objects to return; if there are more, metadata.continue holds a token for the rest."),
        query("resourceVersion", "string", "Which version of the data to serve: unset is the latest, \"0\" anything recent, other values as resourceVersionMatch says."),
        query("resourceVersionMatch", "string", "How resourceVersion applies to a list: Exact or NotOlderThan."),
        query("sendInitialEvents", "boolean", "For a watch: start with ADDED events for the objects that exist, then a bookmark."),
        query("timeoutSeconds", "integer", "How long the list or watch may last, whatever happens."),
    ];
    if watch {
        v.push(query(
            "watch",
            "boolean",
            "Stream the changes to the objects (ADDED, MODIFIED, DELETED) instead of listing them.",
        ));
    }
    v
}
fn delete_params(collection: bool) -> Vec<Value> {
    let mut v = Vec::new();
    if collection {
        v.push(query(
            "continue",
            "string",
            "As for a list: the next chunk of the objects to delete.",
        ));
    }
    v.push(p_dry_run());
    if collection {
        v.push(query(
            "fieldSelector",
            "string",
            "Only delete objects whose fields match.",
        ));
    }
    v.push(query("gracePeriodSeconds", "integer", "How many seconds the object gets to end before it is removed: 0 removes it at once; unset uses the kind's default."));
    v.push(query(
        "ignoreStoreReadErrorWithClusterBreakingPotential",
        "boolean",
        "Delete objects that cannot be read from storage. Dangerous: off unless set.",
    ));
    if collection {
        v.push(query(
            "labelSelector",
            "string",
            "Only delete objects whose labels match.",
        ));
        v.push(query(
            "limit",
            "integer",
            "As for a list: the most objects in one chunk.",
        ));
    }
    v.push(query("orphanDependents", "boolean", "Deprecated: use propagationPolicy. Whether the objects this one owns are orphaned rather than deleted."));
    v.push(query("propagationPolicy", "string", "What happens to the objects this one owns: Orphan (they stay), Background (the garbage collector deletes them afterwards) or Foreground (they are deleted first)."));
    if collection {
        v.push(query(
            "resourceVersion",
            "string",
            "As for a list: which version of the data to select from.",
        ));
        v.push(query(
            "resourceVersionMatch",
            "string",
            "As for a list: how resourceVersion applies.",
        ));
        v.push(query(
            "sendInitialEvents",
            "boolean",
            "As for a list; has no use for a delete.",
        ));
        v.push(query(
            "timeoutSeconds",
            "integer",
            "As for a list: how long the call may last.",
        ));
    }
    v
}

fn content(schema: &Value, types: &[&str]) -> Value {
    let mut m = Map::new();
    for t in types {
        m.insert(t.to_string(), json!({"schema": schema}));
    }
    Value::Object(m)
}

const OBJECT_TYPES: &[&str] = &["application/json", "application/yaml"];
const LIST_TYPES: &[&str] = &[
    "application/json",
    "application/json;stream=watch",
    "application/yaml",
];
/// The patch types a PATCH takes, as the document lists them. The server also takes
/// `application/strategic-merge-patch+json`, but the document does not say so: kubectl's
/// `apply` would then compute its strategic merge patch from these schemas, which keep some
/// sub-objects unmodelled (`securityContext`, `affinity`, a container's `resources`), and warn
/// `unable to find api field` on every manifest that sets one; without it (here and in the v2
/// document's `consumes`, its next try), kubectl uses its built-in types, which are upstream's,
/// and sends the same strategic merge patch a real cluster gets.
const PATCH_TYPES: &[&str] = &[
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
];

fn responses(codes: &[(&str, &str)], schema: &Value, types: &[&str]) -> Value {
    let mut m = Map::new();
    for (code, what) in codes {
        m.insert(
            code.to_string(),
            json!({"description": what, "content": content(schema, types)}),
        );
    }
    m.insert("401".into(), json!({"description": "Unauthorized"}));
    Value::Object(m)
}

struct Op<'a> {
    id: String,
    description: String,
    action: &'a str,
    gvk: &'a (String, String, String),
    tag: &'a str,
}

impl Op<'_> {
    fn build(self, params: Vec<Value>, body: Option<Value>, responses: Value) -> Value {
        let (g, v, k) = self.gvk;
        let mut o = json!({
            "description": self.description,
            "operationId": self.id,
            "responses": responses,
            "tags": [self.tag],
            "x-kubernetes-action": self.action,
            "x-kubernetes-group-version-kind": {"group": g, "kind": k, "version": v},
        });
        if !params.is_empty() {
            o["parameters"] = Value::Array(params);
        }
        if let Some(b) = body {
            o["requestBody"] = b;
        }
        o
    }
}

fn body(schema: &Value, types: &[&str]) -> Value {
    json!({"content": content(schema, types), "required": true})
}

/// Every path of the group version's resources.
pub fn paths(group: &str, version: &str, resources: &[Resource]) -> Map<String, Value> {
    let prefix = if group.is_empty() {
        format!("/api/{version}")
    } else {
        format!("/apis/{group}/{version}")
    };
    let infix = op_infix(group, version);
    let tag = tag(group, version);
    let status = schema_ref(&format!("{META}.Status"));
    let delete_options = schema_ref(&format!("{META}.DeleteOptions"));
    let patch = schema_ref(&format!("{META}.Patch"));
    let mut out = Map::new();
    for r in resources {
        let gvk = (group.to_string(), version.to_string(), r.kind.clone());
        let obj = schema_ref(&schema_name(group, version, &r.kind));
        let list = schema_ref(&schema_name(group, version, &format!("{}List", r.kind)));
        let ns = if r.namespaced { "Namespaced" } else { "" };
        let base = if r.namespaced {
            format!("{prefix}/namespaces/{{namespace}}/{}", r.plural)
        } else {
            format!("{prefix}/{}", r.plural)
        };
        let has = |v: &str| r.verbs.iter().any(|x| x == v);
        let op = |verb: &str, action: &'static str, what: String| Op {
            id: format!("{verb}{infix}{what}"),
            description: String::new(),
            action,
            gvk: &gvk,
            tag: &tag,
        };
        let scope_params = |item: bool| {
            let mut v = Vec::new();
            if item {
                v.push(path_param("name", &format!("name of the {}", r.kind)));
            }
            if r.namespaced {
                v.push(path_param(
                    "namespace",
                    "the namespace the object is in, which scopes its name",
                ));
            }
            v.push(p_pretty());
            v
        };

        // The collection.
        let mut coll = Map::new();
        if has("list") {
            let mut o = op("list", "list", format!("{ns}{}", r.kind));
            o.description = format!("list or watch objects of kind {}", r.kind);
            coll.insert(
                "get".into(),
                o.build(
                    list_params(has("watch")),
                    None,
                    responses(&[("200", "OK")], &list, LIST_TYPES),
                ),
            );
        }
        if has("create") {
            let mut o = op("create", "post", format!("{ns}{}", r.kind));
            o.description = format!("create a {}", r.kind);
            coll.insert(
                "post".into(),
                o.build(
                    write_params(false),
                    Some(body(&obj, &["*/*"])),
                    responses(
                        &[("200", "OK"), ("201", "Created"), ("202", "Accepted")],
                        &obj,
                        OBJECT_TYPES,
                    ),
                ),
            );
        }
        if has("deletecollection") {
            let mut o = op(
                "delete",
                "deletecollection",
                format!("Collection{ns}{}", r.kind),
            );
            o.description = format!("delete collection of {}", r.kind);
            coll.insert(
                "delete".into(),
                o.build(
                    delete_params(true),
                    Some(body(&delete_options, &["*/*"])),
                    responses(&[("200", "OK")], &status, OBJECT_TYPES),
                ),
            );
        }
        if !coll.is_empty() {
            coll.insert("parameters".into(), Value::Array(scope_params(false)));
            out.insert(base.clone(), Value::Object(coll));
        }

        // Across namespaces.
        if r.namespaced && has("list") {
            let mut o = op("list", "list", format!("{}ForAllNamespaces", r.kind));
            o.description = format!("list or watch objects of kind {}", r.kind);
            let mut p = Map::new();
            p.insert(
                "get".into(),
                o.build(
                    Vec::new(),
                    None,
                    responses(&[("200", "OK")], &list, LIST_TYPES),
                ),
            );
            let mut params = list_params(has("watch"));
            params.insert(5, p_pretty());
            p.insert("parameters".into(), Value::Array(params));
            out.insert(format!("{prefix}/{}", r.plural), Value::Object(p));
        }

        // The item.
        let mut item = Map::new();
        let what = format!("{ns}{}", r.kind);
        if has("get") {
            let mut o = op("read", "get", what.clone());
            o.description = format!("read the specified {}", r.kind);
            item.insert(
                "get".into(),
                o.build(
                    Vec::new(),
                    None,
                    responses(&[("200", "OK")], &obj, OBJECT_TYPES),
                ),
            );
        }
        if has("update") {
            let mut o = op("replace", "put", what.clone());
            o.description = format!("replace the specified {}", r.kind);
            item.insert(
                "put".into(),
                o.build(
                    write_params(false),
                    Some(body(&obj, &["*/*"])),
                    responses(&[("200", "OK"), ("201", "Created")], &obj, OBJECT_TYPES),
                ),
            );
        }
        if has("patch") {
            let mut o = op("patch", "patch", what.clone());
            o.description = format!("partially update the specified {}", r.kind);
            item.insert(
                "patch".into(),
                o.build(
                    write_params(true),
                    Some(body(&patch, PATCH_TYPES)),
                    responses(&[("200", "OK"), ("201", "Created")], &obj, OBJECT_TYPES),
                ),
            );
        }
        if has("delete") {
            let mut o = op("delete", "delete", what.clone());
            o.description = format!("delete a {}", r.kind);
            item.insert(
                "delete".into(),
                o.build(
                    delete_params(false),
                    Some(body(&delete_options, &["*/*"])),
                    responses(&[("200", "OK"), ("202", "Accepted")], &obj, OBJECT_TYPES),
                ),
            );
        }
        if !item.is_empty() {
            item.insert("parameters".into(), Value::Array(scope_params(true)));
            out.insert(format!("{base}/{{name}}"), Value::Object(item));
        }

        for s in &r.subresources {
            let (path, m) = subresource(&base, r, s, &infix, &tag, &scope_params(true), &patch);
            if !m.is_empty() {
                out.insert(path, Value::Object(m));
            }
        }
    }
    out
}

fn subresource(
    base: &str,
    r: &Resource,
    s: &Subresource,
    infix: &str,
    tag: &str,
    scope: &[Value],
    patch: &Value,
) -> (String, Map<String, Value>) {
    let path = format!("{base}/{{name}}/{}", s.name);
    let ns = if r.namespaced { "Namespaced" } else { "" };
    let sub = upper_first(&s.name);
    let (sg, sv, sk) = &s.gvk;
    let obj = schema_ref(&schema_name(sg, sv, sk));
    let has = |v: &str| s.verbs.iter().any(|x| x == v);
    let op = |verb: &str, action: &'static str, description: String| Op {
        id: format!("{verb}{infix}{ns}{}{sub}", r.kind),
        description,
        action,
        gvk: &s.gvk,
        tag,
    };
    let mut m = Map::new();
    let mut scope = scope.to_vec();
    match s.name.as_str() {
        "exec" | "attach" | "portforward" => {
            let what = match s.name.as_str() {
                "exec" => "exec",
                "attach" => "attach",
                _ => "portforward",
            };
            let text = json!({"type": "string"});
            for (method, verb) in [("get", "Get"), ("post", "Post")] {
                let o = Op {
                    id: format!("connect{infix}{verb}{ns}{}{sub}", r.kind),
                    description: format!("connect {method} requests to {what} of {}", r.kind),
                    action: "connect",
                    gvk: &s.gvk,
                    tag,
                };
                m.insert(
                    method.into(),
                    o.build(
                        Vec::new(),
                        None,
                        responses(&[("200", "OK")], &text, &["*/*"]),
                    ),
                );
            }
            // `connect` paths carry their parameters at the path level, as upstream does.
            scope.pop();
            scope.extend(connect_params(&s.name));
            scope.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
        }
        "log" => {
            let text = json!({"type": "string"});
            let o = op(
                "read",
                "get",
                format!("read log of the specified {}", r.kind),
            );
            m.insert(
                "get".into(),
                o.build(
                    Vec::new(),
                    None,
                    responses(&[("200", "OK")], &text, &["text/plain", "application/json"]),
                ),
            );
            scope.extend(log_params());
            scope.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
        }
        _ => {
            if has("get") {
                let o = op(
                    "read",
                    "get",
                    format!("read {} of the specified {}", s.name, r.kind),
                );
                m.insert(
                    "get".into(),
                    o.build(
                        Vec::new(),
                        None,
                        responses(&[("200", "OK")], &obj, OBJECT_TYPES),
                    ),
                );
            }
            if has("create") {
                let o = op(
                    "create",
                    "post",
                    format!("create {} of a {}", s.name, r.kind),
                );
                m.insert(
                    "post".into(),
                    o.build(
                        write_params(false),
                        Some(body(&obj, &["*/*"])),
                        responses(
                            &[("200", "OK"), ("201", "Created"), ("202", "Accepted")],
                            &obj,
                            OBJECT_TYPES,
                        ),
                    ),
                );
            }
            if has("update") {
                let o = op(
                    "replace",
                    "put",
                    format!("replace {} of the specified {}", s.name, r.kind),
                );
                m.insert(
                    "put".into(),
                    o.build(
                        write_params(false),
                        Some(body(&obj, &["*/*"])),
                        responses(&[("200", "OK"), ("201", "Created")], &obj, OBJECT_TYPES),
                    ),
                );
            }
            if has("patch") {
                let o = op(
                    "patch",
                    "patch",
                    format!("partially update {} of the specified {}", s.name, r.kind),
                );
                m.insert(
                    "patch".into(),
                    o.build(
                        write_params(true),
                        Some(body(patch, PATCH_TYPES)),
                        responses(&[("200", "OK"), ("201", "Created")], &obj, OBJECT_TYPES),
                    ),
                );
            }
        }
    }
    if !m.is_empty() {
        m.insert("parameters".into(), Value::Array(scope));
    }
    (path, m)
}

fn connect_params(sub: &str) -> Vec<Value> {
    match sub {
        "portforward" => vec![query(
            "ports",
            "integer",
            "The pod's ports to forward to; repeat for more than one.",
        )],
        _ => {
            let mut v = vec![
                query("container", "string", "The container to run in or attach to; may be left out when the pod has one container."),
                query("stderr", "boolean", "Whether to stream the process's standard error."),
                query("stdin", "boolean", "Whether to send the client's standard input to the process."),
                query("stdout", "boolean", "Whether to stream the process's standard output."),
                query("tty", "boolean", "Whether the process gets a terminal."),
            ];
            if sub == "exec" {
                v.insert(
                    0,
                    query(
                        "command",
                        "string",
                        "The command and its arguments, one parameter each.",
                    ),
                );
            }
            v
        }
    }
}

fn log_params() -> Vec<Value> {
    vec![
        query(
            "container",
            "string",
            "The container whose log to read; may be left out when the pod has one container.",
        ),
        query(
            "follow",
            "boolean",
            "Keep the stream open and send new lines as they are written.",
        ),
        query(
            "insecureSkipTLSVerifyBackend",
            "boolean",
            "Do not check the kubelet's serving certificate.",
        ),
        query("limitBytes", "integer", "Stop after this many bytes."),
        query(
            "previous",
            "boolean",
            "The log of the container's previous run, if it restarted.",
        ),
        query(
            "sinceSeconds",
            "integer",
            "Only lines written in the last this many seconds.",
        ),
        query(
            "stream",
            "string",
            "Which stream to read: All, Stdout or Stderr.",
        ),
        query("tailLines", "integer", "Only the last this many lines."),
        query(
            "timestamps",
            "boolean",
            "Begin every line with the RFC 3339 time it was written.",
        ),
    ]
}
