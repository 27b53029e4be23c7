//! The resource verbs over HTTP: GET (one object, or a list with label and field selectors,
//! `limit`/`continue`, and the `Table` form), POST, PUT, PATCH (JSON, merge, strategic merge,
//! and server-side apply), DELETE (one, or a collection) with preconditions and propagation,
//! `dryRun=All`, `fieldValidation`, and the `status` and `scale` subresources. Each request
//! takes the lock once, does its work on the sim's API, and releases it before it answers.

use crate::http::{Request, Response};
use crate::router::Target;
use crate::status::{self, error_response};
use crate::{table, watch, Shared};
use ordinal_kubectl::selector::Selector;
use ordinal_sim::patch::PatchType;
use ordinal_sim::{ApiError, Cluster, DeleteOptions, FieldValidation, Kind, Object, Propagation};
use serde_json::{json, Value};
use std::sync::Arc;

pub fn handle(shared: &Arc<Shared>, req: Request, t: &Target) -> Response {
    let sub = t.subresource.as_deref();
    match (req.method.as_str(), &t.name, sub) {
        ("GET", None, None) => {
            if is_true(req.param("watch")) {
                watch::serve(shared, &req, t)
            } else {
                list(shared, &req, t)
            }
        }
        ("GET", Some(_), None)
        | ("GET", Some(_), Some("status"))
        | ("GET", Some(_), Some("ephemeralcontainers")) => get(shared, &req, t),
        ("GET", Some(_), Some("scale")) => scale_get(shared, &req, t),
        ("POST", None, None) => create(shared, &req, t),
        ("POST", Some(_), Some("eviction")) => evict(shared, &req, t),
        ("PUT", Some(_), None)
        | ("PUT", Some(_), Some("status"))
        | ("PUT", Some(_), Some("ephemeralcontainers")) => update(shared, &req, t),
        ("PUT", Some(_), Some("scale")) => scale_put(shared, &req, t),
        ("PUT", Some(_), Some("finalize")) => update(shared, &req, t),
        ("PATCH", Some(_), None)
        | ("PATCH", Some(_), Some("status"))
        | ("PATCH", Some(_), Some("ephemeralcontainers"))
        | ("PATCH", Some(_), Some("scale")) => patch(shared, &req, t),
        ("DELETE", Some(_), None) => delete(shared, &req, t),
        ("DELETE", None, None) => delete_collection(shared, &req, t),
        (m, _, _) => status::method_not_allowed(m),
    }
}

fn is_true(v: Option<&str>) -> bool {
    matches!(v, Some("true") | Some("1"))
}

fn ns_of(t: &Target) -> &str {
    t.namespace.as_deref().unwrap_or("")
}

fn name_of(t: &Target) -> &str {
    t.name.as_deref().unwrap_or("")
}

/// JSON for one object, as served: the kind's own `apiVersion`/`kind` first.
pub fn object_json(o: &Object) -> Value {
    o.to_value()
}

fn respond_object(
    code: u16,
    req: &Request,
    c: &Cluster,
    o: &Object,
    warnings: &[String],
) -> Response {
    let v = if table::wants_table(req.header("accept")) {
        let rv = c.resource_version().to_string();
        table::table(
            c,
            o.kind(),
            &[o],
            req.param("includeObject").unwrap_or("Metadata"),
            json!({"resourceVersion": rv}),
        )
    } else {
        object_json(o)
    };
    with_warnings(Response::json(code, &v), warnings)
}

/// `Warning: 299 - "…"` headers, as the API server sends them.
pub fn with_warnings(mut r: Response, warnings: &[String]) -> Response {
    for w in warnings {
        r = r.with_header("Warning", format!("299 - {w:?}"));
    }
    r
}

fn get(shared: &Shared, req: &Request, t: &Target) -> Response {
    let st = shared.lock();
    match st.cluster.get(t.kind, ns_of(t), name_of(t)) {
        Ok(o) => respond_object(200, req, &st.cluster, &o, &[]),
        Err(e) => error_response(&e, Some(t.kind), name_of(t)),
    }
}

/// Label and field selection, as the list and watch requests share it.
pub struct Filter {
    labels: Option<Selector>,
    fields: Vec<(String, String, bool)>,
}

impl Filter {
    pub fn from_request(req: &Request, kind: Kind) -> Result<Filter, Response> {
        let labels = match req.param("labelSelector").filter(|s| !s.is_empty()) {
            None => None,
            // The parser's message already reads "unable to parse requirement: …".
            Some(s) => Some(
                Selector::parse(s)
                    .map_err(|e| status::bad_request(e.trim_start_matches("error: ")))?,
            ),
        };
        let mut fields = Vec::new();
        for term in req
            .param("fieldSelector")
            .unwrap_or("")
            .split(',')
            .filter(|s| !s.is_empty())
        {
            let (path, want, negate) = match term.split_once("!=") {
                Some((p, w)) => (p, w, true),
                None => match term.split_once("==").or_else(|| term.split_once('=')) {
                    Some((p, w)) => (p, w, false),
                    None => {
                        return Err(status::bad_request(&format!(
                            "invalid selector: '{term}'; can't understand '{term}'"
                        )))
                    }
                },
            };
            let path = path.trim();
            if !field_supported(kind, path) {
                return Err(status::bad_request(&format!(
                    "field label not supported: {path}"
                )));
            }
            fields.push((path.to_string(), want.trim().to_string(), negate));
        }
        Ok(Filter { labels, fields })
    }

    pub fn matches(&self, o: &Object) -> bool {
        if let Some(sel) = &self.labels {
            if !sel.matches(&o.meta().labels) {
                return false;
            }
        }
        if self.fields.is_empty() {
            return true;
        }
        let v = o.to_value();
        self.fields.iter().all(|(path, want, negate)| {
            let pointer = format!("/{}", path.replace('.', "/"));
            let got = match v.pointer(&pointer) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => match path.as_str() {
                    "spec.unschedulable" | "spec.hostNetwork" => "false".into(),
                    _ => String::new(),
                },
                Some(other) => other.to_string(),
            };
            (got == *want) != *negate
        })
    }
}

/// The field selectors each resource supports (the API server's field label conversion funcs).
fn field_supported(kind: Kind, path: &str) -> bool {
    if path == "metadata.name" || (path == "metadata.namespace" && kind.namespaced()) {
        return true;
    }
    let extra: &[&str] = match kind {
        Kind::Pod => &[
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.nominatedNodeName",
        ],
        Kind::Event => &[
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        ],
        Kind::Secret => &["type"],
        Kind::Namespace => &["status.phase"],
        Kind::Node => &["spec.unschedulable"],
        Kind::StatefulSet => &["status.successful"],
        Kind::ReplicaSet => &["status.replicas"],
        _ => &[],
    };
    extra.contains(&path)
}

/// The list kind's name: `PodList`.
fn list_kind(kind: Kind) -> String {
    format!("{}List", kind.name())
}

/// A `continue` token: the resourceVersion the list was taken at and the last key returned.
fn encode_continue(rv: u64, ns: &str, name: &str) -> String {
    let raw =
        json!({"v": "meta.k8s.io/v1", "rv": rv, "start": format!("{ns}/{name}\u{0}")}).to_string();
    ordinal_sim::base64::encode(raw.as_bytes())
}

fn decode_continue(token: &str) -> Option<(u64, String, String)> {
    let raw = ordinal_sim::base64::decode(token)?;
    let v: Value = serde_json::from_slice(&raw).ok()?;
    let rv = v.get("rv")?.as_u64()?;
    let start = v.get("start")?.as_str()?.trim_end_matches('\u{0}');
    let (ns, name) = start.split_once('/')?;
    Some((rv, ns.to_string(), name.to_string()))
}

fn list(shared: &Shared, req: &Request, t: &Target) -> Response {
    let filter = match Filter::from_request(req, t.kind) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let limit = match req.param("limit") {
        None | Some("") => 0usize,
        Some(s) => match s.parse::<i64>() {
            Ok(n) if n > 0 => n as usize,
            Ok(_) => 0,
            // The query's conversion to ListOptions fails on Go's strconv.ParseInt.
            Err(e) => return status::bad_request(&parse_int_error(s, &e)),
        },
    };
    let after = match req.param("continue").filter(|s| !s.is_empty()) {
        None => None,
        Some(tok) => match decode_continue(tok) {
            Some(x) => Some(x),
            None => {
                return status::status_response(
                    400,
                    "BadRequest",
                    "continue key is not valid: illegal base64 data at input byte 0",
                )
            }
        },
    };
    let st = shared.lock();
    let c = &st.cluster;
    let rv = c.resource_version();
    let ns = t.namespace.as_deref();
    let all = c.list(t.kind, ns);
    let mut items: Vec<&Arc<Object>> = all
        .iter()
        .filter(|o| match &after {
            Some((_, ans, aname)) => (o.namespace(), o.name()) > (ans.as_str(), aname.as_str()),
            None => true,
        })
        .filter(|o| filter.matches(o))
        .collect();
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if limit > 0 && items.len() > limit {
        let remaining = items.len() - limit;
        items.truncate(limit);
        if let Some(last) = items.last() {
            meta["continue"] = json!(encode_continue(rv, last.namespace(), last.name()));
            meta["remainingItemCount"] = json!(remaining);
        }
    }
    let v = if table::wants_table(req.header("accept")) {
        let objs: Vec<&Object> = items.iter().map(|o| o.as_ref()).collect();
        table::table(
            c,
            t.kind,
            &objs,
            req.param("includeObject").unwrap_or("Metadata"),
            meta,
        )
    } else {
        let items: Vec<Value> = items
            .iter()
            .map(|o| {
                let mut v = object_json(o);
                if let Some(m) = v.as_object_mut() {
                    m.remove("apiVersion");
                    m.remove("kind");
                }
                v
            })
            .collect();
        json!({"kind": list_kind(t.kind), "apiVersion": t.kind.api_version(), "metadata": meta, "items": items})
    };
    drop(st);
    Response::json(200, &v)
}

/// Go's `strconv.ParseInt` error, which the conversion of an integer query parameter (`limit`,
/// `gracePeriodSeconds`) reports as it is.
fn parse_int_error(s: &str, e: &std::num::ParseIntError) -> String {
    let why = if matches!(
        e.kind(),
        std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow
    ) {
        "value out of range"
    } else {
        "invalid syntax"
    };
    format!("strconv.ParseInt: parsing {s:?}: {why}")
}

/// `dryRun`: absent, or `All` (the only value the API server accepts).
fn dry_run(req: &Request) -> Result<bool, Response> {
    let mut any = false;
    for v in req.params("dryRun") {
        if v != "All" {
            return Err(status::bad_request(&format!(
                "Invalid dry run value: {v}; valid values are: All"
            )));
        }
        any = true;
    }
    Ok(any)
}

fn field_validation(req: &Request) -> Result<FieldValidation, Response> {
    match req.param("fieldValidation") {
        None | Some("") | Some("Warn") => Ok(FieldValidation::Warn),
        Some("Strict") => Ok(FieldValidation::Strict),
        Some("Ignore") => Ok(FieldValidation::Ignore),
        Some(other) => Err(status::bad_request(&format!(
            "fieldValidation parameter unsupported: {other}. Valid values are Ignore, Warn, Strict"
        ))),
    }
}

/// A request body as JSON for what is not an object of the path's kind (DeleteOptions, an
/// Eviction, the auth reviews): JSON, YAML, or the protobuf typed clients send.
pub fn body_json(req: &Request) -> Result<Value, BodyError> {
    let ct = req.header("content-type").unwrap_or("application/json");
    if ct.contains("protobuf") {
        return crate::protobuf::decode(&req.body).map_err(|e| {
            if e.starts_with("unknown message type") {
                BodyError::Unsupported
            } else {
                BodyError::Malformed(e)
            }
        });
    }
    if ct.contains("yaml") {
        parse_yaml(&req.body).map_err(BodyError::Malformed)
    } else {
        serde_json::from_slice::<Value>(&req.body).map_err(|e| BodyError::Malformed(e.to_string()))
    }
}

pub enum BodyError {
    /// A protobuf type this server does not decode.
    Unsupported,
    Malformed(String),
}

/// A JSON (or YAML) request body, refused as the API server refuses it: an unknown media type
/// is `415`; a body Go's `json.Unmarshal` cannot read (for its `apiVersion`/`kind`) is
/// `the object provided is unrecognized (must be of type Pod): couldn't get version/kind; json
/// parse error: …` with Go's own wording ([`crate::gojson`]) and the body's summary.
fn body_value(req: &Request, kind: Kind) -> Result<Value, Response> {
    let ct = req.header("content-type").unwrap_or("");
    let media = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let yaml = match media.as_str() {
        "" | "application/json" => false,
        "application/yaml" => true,
        // What kubectl's typed clients send (`create secret`, `create namespace`): decoded for
        // the kinds they build, refused for the rest.
        "application/vnd.kubernetes.protobuf" => match crate::protobuf::decode(&req.body) {
            Ok(v) => return Ok(v),
            Err(e) if !e.starts_with("unknown message type") => {
                return Err(status::bad_request(&format!(
                    "the object provided is unrecognized (must be of type {}): {e} ({})",
                    kind.name(),
                    crate::gojson::summarize(&req.body)
                )))
            }
            Err(_) => {
                return Err(status::status_response(
                    415,
                    "UnsupportedMediaType",
                    "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml",
                ))
            }
        },
        _ => {
            return Err(status::status_response(
                415,
                "UnsupportedMediaType",
                "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf",
            ))
        }
    };
    let unrecognized = |e: &str| {
        status::bad_request(&format!(
            "the object provided is unrecognized (must be of type {}): {e} ({})",
            kind.name(),
            crate::gojson::summarize(&req.body)
        ))
    };
    let parsed: Value = if yaml {
        parse_yaml(&req.body)
            .map_err(|e| unrecognized(&format!("error converting YAML to JSON: yaml: {e}")))?
    } else {
        if let Some(e) = crate::gojson::syntax_error(&req.body) {
            return Err(unrecognized(&format!(
                "couldn't get version/kind; json parse error: {e}"
            )));
        }
        // Valid for Go; what serde still refuses (nesting past its 128 levels) is reported
        // as the decode into the kind failing.
        serde_json::from_slice::<Value>(&req.body).map_err(|e| {
            status::bad_request(&format!(
                "{} in version \"{}\" cannot be handled as a {}: {e}",
                kind.name(),
                kind.info().version,
                kind.name()
            ))
        })?
    };
    // What `json.Unmarshal` into `struct { APIVersion, Kind string }` refuses.
    let go_type = |v: &Value| match v {
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::Null => "null",
    };
    match &parsed {
        Value::Object(m) => {
            for field in ["apiVersion", "kind"] {
                match m.get(field) {
                    None | Some(Value::String(_)) | Some(Value::Null) => {}
                    Some(other) => {
                        return Err(unrecognized(&format!(
                            "couldn't get version/kind; json parse error: json: cannot unmarshal {} into Go struct field .{field} of type string",
                            go_type(other)
                        )))
                    }
                }
            }
            Ok(parsed)
        }
        // `null` reads as an empty object.
        Value::Null => Ok(json!({})),
        other => Err(unrecognized(&format!(
            "couldn't get version/kind; json parse error: json: cannot unmarshal {} into Go value of type struct {{ APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }}",
            go_type(other)
        ))),
    }
}

/// Whether a YAML body could nest flow collections (`[`, `{`) deep enough to be slow to scan:
/// the YAML scanner's cost grows with the square of that depth (100 KB of `[` is half a minute
/// of CPU in a debug build), and the parser refuses more than 128 levels anyway. Any body with
/// more than 20000 of them is refused before it is parsed (JSON bodies, which is what kubectl
/// and the client libraries send even as YAML, are read by the JSON parser and never come here).
fn yaml_too_deep(body: &[u8]) -> bool {
    body.iter().filter(|&&c| c == b'[' || c == b'{').count() > 20_000
}

/// A YAML body: as JSON when it is JSON (as `yaml.YAMLToJSON` leaves JSON as it is), else
/// through the YAML parser, unless it is too deep to scan.
fn parse_yaml(body: &[u8]) -> Result<Value, String> {
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        return Ok(v);
    }
    if yaml_too_deep(body) {
        return Err("recursion limit exceeded".into());
    }
    serde_norway::from_str::<Value>(&String::from_utf8_lossy(body)).map_err(|e| e.to_string())
}

/// Finishes a write: the controllers react at once (a virtual clock does not move), and the
/// watches wake.
fn after_write(shared: &Shared) {
    shared.notify();
}

/// What POST and PUT read first, in the API server's order: `dryRun`, `fieldValidation`, the body,
/// and the body's `kind`/`apiVersion` against the path's.
fn write_request(req: &Request, t: &Target) -> Result<(bool, FieldValidation, Value), Response> {
    let dry = dry_run(req)?;
    let validation = field_validation(req)?;
    let v = body_value(req, t.kind)?;
    if let Some(r) = check_type_meta(&v, t.kind) {
        return Err(r);
    }
    Ok((dry, validation, v))
}

fn create(shared: &Shared, req: &Request, t: &Target) -> Response {
    let (dry, validation, mut v) = match write_request(req, t) {
        Ok(w) => w,
        Err(r) => return r,
    };
    if let Err(r) = namespace_from_path(&mut v, t) {
        return r;
    }
    let (obj, warnings) = match Object::decode_body(t.kind, v, validation) {
        Ok(x) => x,
        Err(e) => return error_response(&e, Some(t.kind), ""),
    };
    let name = obj.name().to_string();
    let mut st = shared.lock();
    let r = if dry {
        st.cluster.dry_run(|c| c.create(obj))
    } else {
        st.cluster.create(obj)
    };
    let resp = match r {
        Ok(o) => respond_object(201, req, &st.cluster, &o, &warnings),
        Err(e) => error_response(&e, Some(t.kind), &name),
    };
    drop(st);
    after_write(shared);
    resp
}

/// Kinds the API server's scheme registers in the group versions it serves besides ours: a body
/// of one of them sent to another resource's path fails conversion, not lookup.
const OTHER_REGISTERED: &[(&str, &[&str])] = &[
    (
        "v1",
        &[
            "Binding",
            "ComponentStatus",
            "ConfigMap",
            "Endpoints",
            "LimitRange",
            "PodTemplate",
            "ReplicationController",
            "ResourceQuota",
            "ServiceAccount",
        ],
    ),
    ("apps/v1", &["DaemonSet", "Deployment", "ReplicaSet"]),
    (
        "storage.k8s.io/v1",
        &[
            "CSIDriver",
            "CSINode",
            "CSIStorageCapacity",
            "VolumeAttachment",
        ],
    ),
];

/// The Go package of a kind's internal type (`core.Pod`, `apps.StatefulSet`).
fn internal_package(kind: Kind) -> &'static str {
    match kind.info().group {
        "" => "core",
        "storage.k8s.io" => "storage",
        "discovery.k8s.io" => "discovery",
        g => g.split('.').next().unwrap_or(g),
    }
}

/// The namespace comes from the path; a different one in the body is refused.
fn namespace_from_path(v: &mut Value, t: &Target) -> Result<(), Response> {
    let Some(ns) = &t.namespace else {
        return Ok(());
    };
    let body_ns = v
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !body_ns.is_empty() && body_ns != ns {
        return Err(status::bad_request(
            "the namespace of the provided object does not match the namespace sent on the request",
        ));
    }
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        m.insert("namespace".into(), json!(ns));
    }
    Ok(())
}

/// A body whose `kind`/`apiVersion` name another resource than the path: the decoder's
/// error, as `transformDecodeError` words it. Missing fields take the path's (Go's
/// `gvkWithDefaults`).
fn check_type_meta(v: &Value, kind: Kind) -> Option<Response> {
    let k = v.get("kind").and_then(Value::as_str).unwrap_or("");
    let av = v.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let k = if k.is_empty() { kind.name() } else { k };
    let av = if av.is_empty() {
        kind.api_version()
    } else {
        av.to_string()
    };
    if k == kind.name() && av == kind.api_version() {
        return None;
    }
    let version = av.rsplit('/').next().unwrap_or(&av);
    let known = Kind::ALL
        .iter()
        .any(|x| x.name() == k && x.api_version() == av)
        || OTHER_REGISTERED
            .iter()
            .any(|(gv, kinds)| *gv == av && kinds.contains(&k));
    let why = if known {
        format!(
            "converting ({version}.{k}) to ({}.{}): unknown conversion",
            internal_package(kind),
            kind.name()
        )
    } else {
        format!(
            "no kind {k:?} is registered for version {av:?} in scheme \"k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30\""
        )
    };
    Some(status::bad_request(&format!(
        "{k} in version {version:?} cannot be handled as a {}: {why}",
        kind.name()
    )))
}

fn update(shared: &Shared, req: &Request, t: &Target) -> Response {
    let (dry, validation, mut v) = match write_request(req, t) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let name = name_of(t).to_string();
    let body_name = v
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if body_name != name {
        return status::bad_request(&format!(
            "the name of the object ({body_name}) does not match the name on the URL ({name})"
        ));
    }
    if let Err(r) = namespace_from_path(&mut v, t) {
        return r;
    }
    let (obj, warnings) = match Object::decode_body(t.kind, v, validation) {
        Ok(x) => x,
        Err(e) => return error_response(&e, Some(t.kind), &name),
    };
    let sub = t.subresource.as_deref();
    let mut st = shared.lock();
    let write = |c: &mut Cluster| match (sub, obj) {
        (Some("status"), obj) => c.update_status(obj),
        (Some("ephemeralcontainers"), Object::Pod(pod)) => c.update_ephemeral_containers(*pod),
        (_, obj) => c.update(obj),
    };
    let r = if dry {
        st.cluster.dry_run(write)
    } else {
        write(&mut st.cluster)
    };
    let resp = match r {
        Ok(o) => respond_object(200, req, &st.cluster, &o, &warnings),
        Err(e) => error_response(&e, Some(t.kind), &name),
    };
    drop(st);
    after_write(shared);
    resp
}

/// The `autoscaling/v1` `Scale` of a resource with a `scale` subresource.
fn scale_value(o: &Object) -> Value {
    let v = o.to_value();
    let m = o.meta();
    let mut meta = json!({
        "name": m.name,
        "namespace": m.namespace,
        "uid": m.uid,
        "resourceVersion": m.resource_version,
    });
    if let Some(t) = m.creation_timestamp {
        meta["creationTimestamp"] = json!(t.rfc3339());
    }
    let selector = v
        .pointer("/spec/selector/matchLabels")
        .and_then(Value::as_object)
        .map(|l| {
            l.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": meta,
        "spec": {"replicas": v.pointer("/spec/replicas").cloned().unwrap_or(json!(1))},
        "status": {
            "replicas": v.pointer("/status/replicas").cloned().unwrap_or(json!(0)),
            "selector": selector,
        },
    })
}

fn scale_get(shared: &Shared, req: &Request, t: &Target) -> Response {
    let st = shared.lock();
    match st.cluster.get(t.kind, ns_of(t), name_of(t)) {
        Ok(o) if table::wants_table(req.header("accept")) => {
            let include = req.param("includeObject").unwrap_or("Metadata");
            let v = table::scale_table(&st.cluster, &o, &scale_value(&o), include);
            Response::json(200, &v)
        }
        Ok(o) => Response::json(200, &scale_value(&o)),
        Err(e) => error_response(&e, Some(t.kind), name_of(t)),
    }
}

/// Sets `spec.replicas` from a `Scale` (its resourceVersion, if any, is a precondition).
fn apply_scale(c: &mut Cluster, t: &Target, scale: &Value) -> Result<Arc<Object>, ApiError> {
    let name = name_of(t);
    let live = c.get(t.kind, ns_of(t), name)?;
    let rv = scale
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !rv.is_empty() && rv != live.meta().resource_version {
        return Err(ApiError::conflict(t.kind, name));
    }
    let replicas = scale.pointer("/spec/replicas").cloned().unwrap_or(json!(0));
    let patch = json!({"spec": {"replicas": replicas}});
    c.patch(t.kind, ns_of(t), name, PatchType::Merge, &patch)
}

fn scale_put(shared: &Shared, req: &Request, t: &Target) -> Response {
    let dry = match dry_run(req) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let v: Value = match serde_json::from_slice(&req.body) {
        Ok(v) => v,
        Err(e) => {
            return status::bad_request(&format!(
                "Scale in version \"v1\" cannot be handled as a Scale: {e}"
            ))
        }
    };
    let mut st = shared.lock();
    let r = if dry {
        st.cluster.dry_run(|c| apply_scale(c, t, &v))
    } else {
        apply_scale(&mut st.cluster, t, &v)
    };
    let resp = match r {
        Ok(o) => Response::json(200, &scale_value(&o)),
        Err(e) => error_response(&e, Some(t.kind), name_of(t)),
    };
    drop(st);
    after_write(shared);
    resp
}

fn patch_type(req: &Request) -> Result<Option<PatchType>, Response> {
    let ct = req.header("content-type").unwrap_or("");
    let ct = ct.split(';').next().unwrap_or("").trim();
    Ok(Some(match ct {
        "application/json-patch+json" => PatchType::Json,
        "application/merge-patch+json" => PatchType::Merge,
        "application/strategic-merge-patch+json" => PatchType::Strategic,
        // apply-patch+cbor only with the CBORServingAndStorage gate (alpha, off in v1.33).
        "application/apply-patch+yaml" => return Ok(None),
        _ => {
            // The route's supported types, in the order the installer lists them.
            return Err(status::status_response(
                415,
                "UnsupportedMediaType",
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml",
            ));
        }
    }))
}

fn patch(shared: &Shared, req: &Request, t: &Target) -> Response {
    let dry = match dry_run(req) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let validation = match field_validation(req) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let ty = match patch_type(req) {
        Ok(t) => t,
        Err(r) => return r,
    };
    let name = name_of(t).to_string();
    let Some(ty) = ty else {
        return server_side_apply(shared, req, t, dry, validation);
    };
    let p: Value = match serde_json::from_slice(&req.body) {
        Ok(v) => v,
        Err(e) => {
            return status::status_response(
                400,
                "BadRequest",
                &format!("error decoding patch: {e}"),
            )
        }
    };
    let sub = t.subresource.as_deref();
    let mut st = shared.lock();
    let write = |c: &mut Cluster| -> Result<(Arc<Object>, Vec<String>), ApiError> {
        match sub {
            Some("scale") => {
                let live = c.get(t.kind, ns_of(t), &name)?;
                let mut scale = scale_value(&live);
                apply_patch_value(&mut scale, ty, &p)?;
                apply_scale(c, t, &scale).map(|o| (o, Vec::new()))
            }
            Some("status") => {
                let live = c.get(t.kind, ns_of(t), &name)?;
                let mut doc = live.to_value();
                apply_patch_value(&mut doc, ty, &p)?;
                let (obj, w) = ordinal_sim::patch::decode_patched(
                    t.kind,
                    doc,
                    validation,
                    || ordinal_sim::patch::go_format(&p),
                    ty == PatchType::Strategic,
                )?;
                c.update_status(obj).map(|o| (o, w))
            }
            Some("ephemeralcontainers") => {
                c.patch_ephemeral_containers(ns_of(t), &name, ty, &p, validation)
            }
            _ => c.patch_with(t.kind, ns_of(t), &name, ty, &p, validation),
        }
    };
    let r = if dry {
        st.cluster.dry_run(write)
    } else {
        write(&mut st.cluster)
    };
    let resp = match r {
        Ok((o, w)) if sub == Some("scale") => {
            with_warnings(Response::json(200, &scale_value(&o)), &w)
        }
        Ok((o, w)) => respond_object(200, req, &st.cluster, &o, &w),
        Err(e) => error_response(&e, Some(t.kind), &name),
    };
    drop(st);
    after_write(shared);
    resp
}

fn apply_patch_value(doc: &mut Value, ty: PatchType, p: &Value) -> Result<(), ApiError> {
    match ty {
        PatchType::Merge => ordinal_sim::patch::merge_patch(doc, p),
        PatchType::Strategic => ordinal_sim::patch::strategic_merge(doc, p),
        PatchType::Json => ordinal_sim::patch::json_patch(doc, p)
            .map_err(|e| ApiError::new(ordinal_sim::Reason::Invalid, e))?,
    }
    Ok(())
}

/// Server-side apply (`application/apply-patch+yaml`), staged: the applied configuration is
/// created if the object does not exist, else merged into it as a strategic merge patch. Field
/// ownership (`managedFields`) and the conflicts it gives are not kept; the README says so.
fn server_side_apply(
    shared: &Shared,
    req: &Request,
    t: &Target,
    dry: bool,
    validation: FieldValidation,
) -> Response {
    let name = name_of(t).to_string();
    if req.param("fieldManager").unwrap_or("").is_empty() {
        return status::bad_request("PATCH request must have fieldManager set for apply requests");
    }
    let mut v: Value = match parse_yaml(&req.body) {
        Ok(v) => v,
        Err(e) => return status::bad_request(&format!("error decoding YAML: {e}")),
    };
    if let Some(r) = check_type_meta(&v, t.kind) {
        return r;
    }
    if let Some(ns) = &t.namespace {
        if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
            m.insert("namespace".into(), json!(ns));
        }
    }
    let mut st = shared.lock();
    let exists = st.cluster.get(t.kind, ns_of(t), &name).is_ok();
    let write = |c: &mut Cluster| -> Result<(Arc<Object>, Vec<String>), ApiError> {
        if exists {
            let mut p = v.clone();
            if let Some(m) = p.as_object_mut() {
                m.remove("apiVersion");
                m.remove("kind");
            }
            c.patch_with(
                t.kind,
                ns_of(t),
                &name,
                PatchType::Strategic,
                &p,
                validation,
            )
        } else {
            let (obj, w) = Object::decode_body(t.kind, v.clone(), validation)?;
            c.create(obj).map(|o| (o, w))
        }
    };
    let r = if dry {
        st.cluster.dry_run(write)
    } else {
        write(&mut st.cluster)
    };
    let resp = match r {
        Ok((o, w)) => respond_object(if exists { 200 } else { 201 }, req, &st.cluster, &o, &w),
        Err(e) => error_response(&e, Some(t.kind), &name),
    };
    drop(st);
    after_write(shared);
    resp
}

/// DeleteOptions from the body (if any) and the query.
struct DeleteRequest {
    opts: DeleteOptions,
    uid: Option<String>,
    resource_version: Option<String>,
    dry: bool,
}

fn delete_request(req: &Request) -> Result<DeleteRequest, Response> {
    let body: Value = if req.body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(&req.body).map_err(|e| {
            status::bad_request(&format!(
                "DeleteOptions in version \"v1\" cannot be handled as a DeleteOptions: {e}"
            ))
        })?
    };
    let mut dry = dry_run(req)?;
    if let Some(a) = body.get("dryRun").and_then(Value::as_array) {
        for v in a {
            if v.as_str() != Some("All") {
                return Err(status::bad_request(&format!(
                    "Invalid dry run value: {}; valid values are: All",
                    v.as_str().unwrap_or("")
                )));
            }
            dry = true;
        }
    }
    let grace = match req.param("gracePeriodSeconds") {
        Some(s) => Some(
            s.parse::<i64>()
                .map_err(|e| status::bad_request(&parse_int_error(s, &e)))?,
        ),
        None => body.get("gracePeriodSeconds").and_then(Value::as_i64),
    };
    let prop = req
        .param("propagationPolicy")
        .map(str::to_string)
        .or_else(|| {
            body.get("propagationPolicy")
                .and_then(Value::as_str)
                .map(str::to_string)
        });
    let orphan = req
        .param("orphanDependents")
        .map(|s| s == "true")
        .or_else(|| body.get("orphanDependents").and_then(Value::as_bool));
    let propagation = match (prop.as_deref(), orphan) {
        (Some("Background"), _) => Some(Propagation::Background),
        (Some("Foreground"), _) => Some(Propagation::Foreground),
        (Some("Orphan"), _) => Some(Propagation::Orphan),
        (Some(other), _) => {
            return Err(status::status_response(
                422,
                "Invalid",
                &format!("DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: {other:?}: supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\""),
            ))
        }
        (None, Some(true)) => Some(Propagation::Orphan),
        (None, _) => None,
    };
    let pre = body.get("preconditions");
    Ok(DeleteRequest {
        opts: DeleteOptions {
            grace_period_seconds: grace,
            propagation,
        },
        uid: pre
            .and_then(|p| p.get("uid"))
            .and_then(Value::as_str)
            .map(str::to_string),
        resource_version: pre
            .and_then(|p| p.get("resourceVersion"))
            .and_then(Value::as_str)
            .map(str::to_string),
        dry,
    })
}

fn delete(shared: &Shared, req: &Request, t: &Target) -> Response {
    let d = match delete_request(req) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let name = name_of(t).to_string();
    let mut st = shared.lock();
    let live = match st.cluster.get(t.kind, ns_of(t), &name) {
        Ok(o) => o,
        Err(e) => return error_response(&e, Some(t.kind), &name),
    };
    if let Some(uid) = &d.uid {
        if *uid != live.meta().uid {
            return status::status_response(
                409,
                "Conflict",
                &format!(
                    "Operation cannot be fulfilled on {} \"{name}\": Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
                    t.kind.resource(),
                    live.meta().uid
                ),
            );
        }
    }
    if let Some(rv) = &d.resource_version {
        if *rv != live.meta().resource_version {
            return status::status_response(
                409,
                "Conflict",
                &format!(
                    "Operation cannot be fulfilled on {} \"{name}\": Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {}",
                    t.kind.resource(),
                    live.meta().resource_version
                ),
            );
        }
    }
    let r = if d.dry {
        st.cluster
            .dry_run(|c| c.delete(t.kind, ns_of(t), &name, &d.opts))
    } else {
        st.cluster.delete(t.kind, ns_of(t), &name, &d.opts)
    };
    let gone = st.cluster.get(t.kind, ns_of(t), &name).is_err();
    let resp = match r {
        // Kinds whose store sets `ReturnDeletedObject` answer with the object; the others with
        // a success Status once removed.
        Ok(o) if returns_deleted_object(t.kind) || !gone || d.dry => {
            respond_object(200, req, &st.cluster, &o, &[])
        }
        Ok(o) => {
            let mut details =
                json!({"name": name, "kind": t.kind.info().plural, "uid": o.meta().uid});
            if !t.kind.info().group.is_empty() {
                details["group"] = json!(t.kind.info().group);
            }
            Response::json(
                200,
                &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}),
            )
        }
        Err(e) => error_response(&e, Some(t.kind), &name),
    };
    drop(st);
    after_write(shared);
    resp
}

/// The registries with `ReturnDeletedObject: true` (pkg/registry/…/storage/storage.go): pods,
/// services, namespaces, storage classes.
fn returns_deleted_object(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Pod | Kind::Service | Kind::Namespace | Kind::StorageClass
    )
}

fn delete_collection(shared: &Shared, req: &Request, t: &Target) -> Response {
    let filter = match Filter::from_request(req, t.kind) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let d = match delete_request(req) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let mut st = shared.lock();
    let targets: Vec<Arc<Object>> = st
        .cluster
        .list(t.kind, t.namespace.as_deref())
        .into_iter()
        .filter(|o| filter.matches(o))
        .collect();
    let mut items = Vec::new();
    for o in targets {
        let (ns, name) = (o.namespace().to_string(), o.name().to_string());
        let r = if d.dry {
            st.cluster
                .dry_run(|c| c.delete(t.kind, &ns, &name, &d.opts))
        } else {
            st.cluster.delete(t.kind, &ns, &name, &d.opts)
        };
        match r {
            Ok(o) => {
                let mut v = object_json(&o);
                if let Some(m) = v.as_object_mut() {
                    m.remove("apiVersion");
                    m.remove("kind");
                }
                items.push(v);
            }
            Err(e) if e.is_not_found() => {}
            Err(e) => return error_response(&e, Some(t.kind), &name),
        }
    }
    let rv = st.cluster.resource_version().to_string();
    drop(st);
    after_write(shared);
    Response::json(
        200,
        &json!({"kind": list_kind(t.kind), "apiVersion": t.kind.api_version(), "metadata": {"resourceVersion": rv}, "items": items}),
    )
}

fn evict(shared: &Shared, req: &Request, t: &Target) -> Response {
    let v: Value = match body_json(req) {
        Ok(v) => v,
        Err(_) => {
            return status::bad_request(
                "Eviction in version \"v1\" cannot be handled as a Eviction: the body is not an Eviction",
            )
        }
    };
    let grace = v
        .pointer("/deleteOptions/gracePeriodSeconds")
        .and_then(Value::as_i64);
    // A dry run, asked in the query or in the eviction's DeleteOptions (as `kubectl drain
    // --dry-run=server` asks), evicts nothing.
    let mut dry = match dry_run(req) {
        Ok(d) => d,
        Err(r) => return r,
    };
    if let Some(a) = v.pointer("/deleteOptions/dryRun").and_then(Value::as_array) {
        for x in a {
            if x.as_str() != Some("All") {
                return status::bad_request(&format!(
                    "Invalid dry run value: {}; valid values are: All",
                    x.as_str().unwrap_or("")
                ));
            }
            dry = true;
        }
    }
    let name = name_of(t).to_string();
    let mut st = shared.lock();
    let r = if dry {
        st.cluster.dry_run(|c| c.evict(ns_of(t), &name, grace))
    } else {
        st.cluster.evict(ns_of(t), &name, grace)
    };
    drop(st);
    after_write(shared);
    match r {
        Ok(()) => Response::json(
            201,
            &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}),
        ),
        Err(e) => error_response(&e, Some(t.kind), &name),
    }
}
