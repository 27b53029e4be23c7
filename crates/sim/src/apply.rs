//! Manifests: multi-document YAML to objects, and `apply` (create, or a three-way merge with the
//! `kubectl.kubernetes.io/last-applied-configuration` annotation), reporting
//! created/configured/unchanged per object as kubectl does.

use crate::api::{FieldValidation, Kind, Object};
use crate::cluster::Cluster;
use crate::error::ApiError;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::sync::Arc;

pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The most YAML the playground reads at once.
pub const MAX_MANIFEST_BYTES: usize = 4 * 1024 * 1024;

/// A manifest that is not valid YAML, or not objects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestError {
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// kubectl's wording, e.g. `error converting YAML to JSON: yaml: line 3: mapping values are not allowed in this context`.
    pub message: String,
}

/// One object of a manifest: its JSON, and the line its document starts on.
#[derive(Clone, Debug, PartialEq)]
pub struct ManifestObject {
    pub value: Value,
    pub line: usize,
}

/// Splits a multi-document YAML text into objects (expanding `kind: List`).
pub fn parse_manifests(text: &str) -> Result<Vec<ManifestObject>, ManifestError> {
    bounds(text)?;
    let mut out = Vec::new();
    let starts = document_start_lines(text);
    for (i, doc) in serde_norway::Deserializer::from_str(text).enumerate() {
        let start = starts.get(i).copied().unwrap_or(1);
        let value = Value::deserialize(doc).map_err(yaml_error)?;
        match value {
            Value::Null => continue,
            Value::Object(ref m) => {
                if m.get("kind").and_then(Value::as_str) == Some("List") {
                    for item in m.get("items").and_then(Value::as_array).cloned().unwrap_or_default() {
                        out.push(ManifestObject { value: item, line: start });
                    }
                } else {
                    out.push(ManifestObject { value, line: start });
                }
            }
            other => {
                return Err(ManifestError {
                    line: Some(start),
                    message: format!("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}", json_type(&other)),
                })
            }
        }
    }
    Ok(out)
}

/// The first document of a YAML text as `yaml.YAMLToJSON` reads it (`null` when there is
/// none), with the same bounds and error wording as [`parse_manifests`].
pub fn read_yaml_document(text: &str) -> Result<Value, ManifestError> {
    bounds(text)?;
    match serde_norway::Deserializer::from_str(text).next() {
        None => Ok(Value::Null),
        Some(doc) => Value::deserialize(doc).map_err(yaml_error),
    }
}

/// A YAML error in go-yaml's words, as `yaml.YAMLToJSON` reports it.
fn yaml_error(e: serde_norway::Error) -> ManifestError {
    let line = e.location().map(|l| l.line());
    let msg = e.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    // go-yaml's wording for an alias bomb (billion laughs).
    let msg = if msg.starts_with("repetition limit exceeded") {
        "document contains excessive aliasing".to_string()
    } else {
        msg
    };
    let msg = msg
        .strip_prefix("mapping values are not allowed in this context")
        .map_or(msg.clone(), |_| {
            "mapping values are not allowed in this context".into()
        });
    ManifestError {
        line,
        message: match line {
            Some(l) => format!("error converting YAML to JSON: yaml: line {l}: {msg}"),
            None => format!("error converting YAML to JSON: yaml: {msg}"),
        },
    }
}

/// The size and flow-depth limits every manifest is held to before it is parsed.
fn bounds(text: &str) -> Result<(), ManifestError> {
    if text.len() > MAX_MANIFEST_BYTES {
        return Err(ManifestError { line: None, message: format!("error reading manifest: it is {} bytes, more than the playground's limit of {MAX_MANIFEST_BYTES}", text.len()) });
    }
    if let Some(line) = too_deep(text) {
        // go-yaml's scanner limit; libyaml's simple-key scan is quadratic in the depth, so a
        // deeper text would take seconds before serde_norway's own recursion limit.
        return Err(ManifestError {
            line: Some(line),
            message: if line > 1 {
                format!("error converting YAML to JSON: yaml: line {line}: exceeded max depth of {MAX_FLOW_DEPTH}")
            } else {
                // go-yaml names no line for a scanner error on the first line.
                format!(
                    "error converting YAML to JSON: yaml: exceeded max depth of {MAX_FLOW_DEPTH}"
                )
            },
        });
    }
    Ok(())
}

/// go-yaml's `max_flow_level`: deeper `[`/`{` nesting is refused by its scanner.
pub const MAX_FLOW_DEPTH: usize = 10_000;

/// The 1-based line where flow nesting first exceeds [`MAX_FLOW_DEPTH`], if it does. Quoted
/// scalars and comments are skipped; a bracket counts when it is inside a flow collection or
/// opens a value (after `:`, `-`, `,`, a bracket, or at the start of a line), so a plain
/// scalar such as `image: a[1` does not.
fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut line = 1;
    let mut prev = '\n'; // the last character that is not a space
    let mut after_space = true;
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        let spaced = std::mem::replace(&mut after_space, ch.is_whitespace());
        match ch {
            '\n' => {
                line += 1;
                prev = '\n';
                continue;
            }
            ' ' | '\t' | '\r' => continue,
            '#' if spaced => {
                while chars.peek().is_some_and(|c| *c != '\n') {
                    chars.next();
                }
                continue;
            }
            '\'' | '"' if depth > 0 || matches!(prev, '\n' | ':' | '-' | ',' | '[' | '{') => {
                let mut escaped = false;
                while let Some(c) = chars.next() {
                    match c {
                        '\n' => line += 1,
                        '\\' if ch == '"' && !escaped => {
                            escaped = true;
                            continue;
                        }
                        '\'' if ch == '\'' && chars.peek() == Some(&'\'') => {
                            chars.next();
                        }
                        c if c == ch && !escaped => break,
                        _ => {}
                    }
                    escaped = false;
                }
            }
            '[' | '{' if depth > 0 || matches!(prev, '\n' | ':' | '-' | ',' | '?') => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some(line);
                }
            }
            ']' | '}' if depth > 0 => depth -= 1,
            _ => {}
        }
        prev = ch;
    }
    None
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        _ => "object",
    }
}

/// The 1-based line each YAML document starts on: the line after each `---`. A `---` with only
/// blank lines and comments before it starts the first document rather than ending one.
fn document_start_lines(text: &str) -> Vec<usize> {
    let mut starts = vec![1];
    // Whether the text before this line has a `---`, or a line that is not blank or a comment.
    let mut begun = false;
    for (i, line) in text.lines().enumerate() {
        if line.starts_with("---") {
            if begun {
                starts.push(i + 2);
            } else {
                starts[0] = i + 2;
            }
            begun = true;
        } else if !line.trim().is_empty() && !line.trim_start().starts_with('#') {
            begun = true;
        }
    }
    starts
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ApplyAction {
    Created,
    Configured,
    Unchanged,
}

impl ApplyAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ApplyAction::Created => "created",
            ApplyAction::Configured => "configured",
            ApplyAction::Unchanged => "unchanged",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
    pub action: ApplyAction,
    /// The object as the server returned it.
    pub object: Arc<Object>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ApplyError {
    /// `apiVersion`/`kind` the server does not serve.
    UnknownKind {
        name: String,
        namespace: String,
        api_version: String,
        kind: String,
    },
    /// The object lacks `apiVersion`/`kind` or `metadata.name`.
    Malformed { message: String },
    /// The API server refused it; `creating` says whether it was a create (else a patch).
    Api {
        kind: Kind,
        name: String,
        creating: bool,
        error: ApiError,
        /// For a patch: the patch kubectl sent (JSON), which its error message quotes.
        patch: Option<Box<String>>,
    },
}

pub type ApplyResult = Result<Applied, ApplyError>;

fn type_meta(v: &Value) -> Result<(String, String), ApplyError> {
    let api_version = v.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = v.get("kind").and_then(Value::as_str).unwrap_or("");
    if kind.is_empty() {
        return Err(ApplyError::Malformed { message: "error validating data: invalid object to validate; if you choose to ignore these errors, turn validation off with --validate=false".into() });
    }
    if api_version.is_empty() {
        return Err(ApplyError::Malformed { message: "error validating data: apiVersion not set; if you choose to ignore these errors, turn validation off with --validate=false".into() });
    }
    Ok((api_version.to_string(), kind.to_string()))
}

/// The three-way merge: fields in `new` win; fields that were in `last` but are gone from `new`
/// are removed; everything else in `live` (defaults, status, other writers' fields) stays.
pub fn three_way(live: &Value, last: Option<&Value>, new: &Value) -> Value {
    match (live, new) {
        (Value::Object(l), Value::Object(n)) => {
            let mut out: Map<String, Value> = l.clone();
            if let Some(Value::Object(last)) = last {
                for k in last.keys() {
                    if !n.contains_key(k) {
                        out.remove(k);
                    }
                }
            }
            for (k, nv) in n {
                let lv = l.get(k).unwrap_or(&Value::Null);
                let last_v = last.and_then(|x| x.get(k));
                out.insert(
                    k.clone(),
                    if nv.is_object() && lv.is_object() {
                        three_way(lv, last_v, nv)
                    } else {
                        nv.clone()
                    },
                );
            }
            Value::Object(out)
        }
        _ => new.clone(),
    }
}

/// The patch `kubectl apply` sends for an existing object, as far as error messages quote it:
/// what `new` sets that `live` lacks or has otherwise, and `null` for what `last` had and `new`
/// dropped. (kubectl's strategic patch also carries list-order directives; this does not.)
pub fn apply_patch(live: &Value, last: Option<&Value>, new: &Value) -> Value {
    let mut out = Map::new();
    if let (Some(Value::Object(last)), Value::Object(n)) = (last, new) {
        for k in last.keys() {
            if !n.contains_key(k) {
                out.insert(k.clone(), Value::Null);
            }
        }
    }
    if let Value::Object(n) = new {
        for (k, nv) in n {
            let lv = live.get(k);
            if lv == Some(nv) {
                continue;
            }
            match (lv, nv) {
                (Some(Value::Array(litems)), Value::Array(nitems))
                    if crate::patch::merge_key(k).is_some() =>
                {
                    let key = crate::patch::merge_key(k).unwrap_or("name");
                    let mut changed = Vec::new();
                    let mut order = Vec::new();
                    for ni in nitems {
                        let Some((kname, kv)) =
                            key.split('|').find_map(|f| ni.get(f).map(|v| (f, v)))
                        else {
                            continue;
                        };
                        order.push(serde_json::json!({ kname: kv }));
                        let li = litems
                            .iter()
                            .find(|li| crate::patch::item_key(li, key) == Some(kv));
                        match li {
                            Some(li) => {
                                let mut sub = apply_patch(li, None, ni);
                                if let Some(m) = sub.as_object_mut().filter(|m| !m.is_empty()) {
                                    m.insert(kname.to_string(), kv.clone());
                                    changed.push(sub);
                                }
                            }
                            None => changed.push(ni.clone()),
                        }
                    }
                    if !changed.is_empty() {
                        out.insert(format!("$setElementOrder/{k}"), Value::Array(order));
                        out.insert(k.clone(), Value::Array(changed));
                    }
                }
                (Some(lv @ Value::Object(_)), Value::Object(_)) => {
                    let sub = apply_patch(lv, last.and_then(|l| l.get(k)), nv);
                    if sub.as_object().is_some_and(|m| !m.is_empty()) {
                        out.insert(k.clone(), sub);
                    }
                }
                _ => {
                    out.insert(k.clone(), nv.clone());
                }
            }
        }
    }
    Value::Object(out)
}

impl Cluster {
    /// `kubectl apply` of one object (as JSON), with kubectl's default `--validate=strict`.
    /// `default_ns` fills a missing namespace.
    pub fn apply_value(&mut self, manifest: &Value, default_ns: &str) -> ApplyResult {
        self.apply_value_with(manifest, default_ns, FieldValidation::Strict)
            .0
    }

    /// `kubectl apply --validate=…` of one object: the result, and the server's warnings
    /// (`unknown field "spec.foo"` under `Warn`), which kubectl prints before the result.
    pub fn apply_value_with(
        &mut self,
        manifest: &Value,
        default_ns: &str,
        validation: FieldValidation,
    ) -> (ApplyResult, Vec<String>) {
        let mut warnings = Vec::new();
        let r = self.apply_one(manifest, default_ns, validation, &mut warnings);
        (r, warnings)
    }

    fn apply_one(
        &mut self,
        manifest: &Value,
        default_ns: &str,
        validation: FieldValidation,
        warnings: &mut Vec<String>,
    ) -> ApplyResult {
        let (api_version, kind_name) = type_meta(manifest)?;
        let name = manifest
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let ns_in = manifest
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let Some(kind) = Kind::from_type_meta(&api_version, &kind_name) else {
            return Err(ApplyError::UnknownKind {
                name,
                namespace: ns_in,
                api_version,
                kind: kind_name,
            });
        };
        if name.is_empty() {
            return Err(ApplyError::Malformed {
                message:
                    "error when retrieving current configuration: resource name may not be empty"
                        .into(),
            });
        }
        let ns = if kind.namespaced() {
            if ns_in.is_empty() {
                default_ns.to_string()
            } else {
                ns_in
            }
        } else {
            String::new()
        };
        // What kubectl records as the last applied configuration.
        let mut recorded = manifest.clone();
        if let Some(m) = recorded.get_mut("metadata").and_then(Value::as_object_mut) {
            let anns = m
                .entry("annotations")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(a) = anns.as_object_mut() {
                a.remove(LAST_APPLIED);
            } else {
                *anns = Value::Object(Map::new());
            }
            if kind.namespaced() {
                m.insert("namespace".into(), Value::String(ns.clone()));
            }
        }
        let recorded_json = serde_json::to_string(&recorded).unwrap_or_default() + "\n";
        let mut target = manifest.clone();
        set_annotation(&mut target, LAST_APPLIED, &recorded_json);
        // What kubectl diffs against the live object: the manifest with its namespace filled in.
        let mut recorded_target = recorded.clone();
        set_annotation(&mut recorded_target, LAST_APPLIED, &recorded_json);
        match self.store.get(kind, &ns, &name).cloned() {
            None => {
                let (mut obj, w) =
                    Object::decode_body(kind, target, validation).map_err(|error| {
                        ApplyError::Api {
                            kind,
                            name: name.clone(),
                            creating: true,
                            error,
                            patch: None,
                        }
                    })?;
                warnings.extend(w);
                obj.meta_mut().namespace = ns.clone();
                let r = self.create_inner(obj);
                self.run();
                r.map(|object| Applied {
                    kind,
                    namespace: ns.clone(),
                    name: name.clone(),
                    action: ApplyAction::Created,
                    object,
                })
                .map_err(|error| ApplyError::Api {
                    kind,
                    name,
                    creating: true,
                    error,
                    patch: None,
                })
            }
            Some(live) => {
                let live_v = live.to_value();
                let last: Option<Value> = live
                    .meta()
                    .annotations
                    .get(LAST_APPLIED)
                    .and_then(|s| serde_json::from_str(s).ok());
                let mut merged = three_way(&live_v, last.as_ref(), &target);
                if let Some(m) = merged.get_mut("metadata").and_then(Value::as_object_mut) {
                    m.remove("resourceVersion");
                }
                let patch_json = {
                    let mut live_v = live_v.clone();
                    if let Some(m) = live_v.get_mut("metadata").and_then(Value::as_object_mut) {
                        m.remove("resourceVersion");
                    }
                    serde_json::to_string(&apply_patch(&live_v, last.as_ref(), &recorded_target))
                        .unwrap_or_default()
                };
                // kubectl says "unchanged" only when the patch it computed is empty (and then
                // sends nothing): a list it replaces whole that the server defaulted
                // (`volumeClaimTemplates`) differs from the manifest's on every apply.
                let empty_patch = {
                    let mut live_v = live_v.clone();
                    if let Some(m) = live_v.get_mut("metadata").and_then(Value::as_object_mut) {
                        m.remove("resourceVersion");
                    }
                    apply_patch(&live_v, last.as_ref(), &recorded_target)
                        .as_object()
                        .is_some_and(Map::is_empty)
                };
                let shown = || {
                    let mut live_v = live_v.clone();
                    if let Some(m) = live_v.get_mut("metadata").and_then(Value::as_object_mut) {
                        m.remove("resourceVersion");
                    }
                    crate::patch::go_format(&apply_patch(&live_v, last.as_ref(), &recorded_target))
                };
                let (mut obj, w) = crate::patch::decode_patched(
                    kind, merged, validation, shown, true,
                )
                .map_err(|error| ApplyError::Api {
                    kind,
                    name: name.clone(),
                    creating: false,
                    error,
                    patch: Some(Box::new(patch_json.clone())),
                })?;
                warnings.extend(w);
                obj.meta_mut().namespace = ns.clone();
                let r = self.update_inner(obj, false);
                self.run();
                match r {
                    Ok(o) => {
                        let action = if empty_patch {
                            ApplyAction::Unchanged
                        } else {
                            ApplyAction::Configured
                        };
                        Ok(Applied {
                            kind,
                            namespace: ns,
                            name,
                            action,
                            object: o,
                        })
                    }
                    Err(error) => Err(ApplyError::Api {
                        kind,
                        name,
                        creating: false,
                        error,
                        patch: Some(Box::new(patch_json)),
                    }),
                }
            }
        }
    }

    /// `kubectl apply -f` of a whole manifest: parse everything first, then apply in order.
    pub fn apply_yaml(
        &mut self,
        text: &str,
        default_ns: &str,
    ) -> Result<Vec<ApplyResult>, ManifestError> {
        let objects = parse_manifests(text)?;
        Ok(objects
            .iter()
            .map(|o| self.apply_value(&o.value, default_ns))
            .collect())
    }
}

fn set_annotation(v: &mut Value, key: &str, value: &str) {
    let Some(obj) = v.as_object_mut() else { return };
    let meta = obj
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(meta) = meta.as_object_mut() else {
        return;
    };
    let anns = meta
        .entry("annotations")
        .or_insert_with(|| Value::Object(Map::new()));
    if !anns.is_object() {
        *anns = Value::Object(Map::new());
    }
    if let Some(a) = anns.as_object_mut() {
        a.insert(key.into(), Value::String(value.into()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    // 100,000 nested `[` took 17 s in libyaml's quadratic simple-key scan before any limit:
    // go-yaml's 10,000 is checked first.
    fn flow_nesting_deeper_than_go_yaml_allows_is_refused_before_parsing() {
        let deep = |d: usize| format!("a: {}{}", "[".repeat(d), "]".repeat(d));
        assert_eq!(too_deep(&deep(10_000)), None);
        assert_eq!(too_deep(&deep(10_001)), Some(1));
        assert_eq!(
            too_deep(&format!("a: 1\nb:\n  {}", "{x: ".repeat(10_001))),
            Some(3)
        );
        // Brackets in quotes, comments and plain scalars are not nesting.
        let quoted = format!(
            "a: '{0}'\nb: \"{0}\"\n# {0}\nc: x{0}\nd: [\"]\", 'it''s']\n",
            "[".repeat(10_001)
        );
        assert_eq!(too_deep(&quoted), None);
        let e = parse_manifests(&deep(100_000)).unwrap_err();
        assert_eq!(
            e.message,
            "error converting YAML to JSON: yaml: exceeded max depth of 10000"
        );
    }

    #[test]
    fn parses_multi_document_yaml_with_lines() {
        let docs = parse_manifests("a: 1\n---\nb: 2\n---\n").unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].line, 3);
        // Comments before the first `---` are not a document of their own.
        let docs = parse_manifests("# web\n\n---\na: 1\n---\n# b\nb: 2\n").unwrap();
        let lines: Vec<usize> = docs.iter().map(|d| d.line).collect();
        assert_eq!(lines, [4, 6]);
        assert_eq!(docs[1].value, json!({"b": 2}));
        let docs = parse_manifests("---\n---\nb: 2\n").unwrap();
        assert_eq!((docs.len(), docs[0].line), (1, 3));
        let err = parse_manifests("a: 1\nb: c: d\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(
            err.message
                .starts_with("error converting YAML to JSON: yaml: line 2:"),
            "{}",
            err.message
        );
    }

    #[test]
    fn three_way_removes_what_the_manifest_dropped() {
        let live = json!({"spec": {"replicas": 5, "policy": "OrderedReady", "x": 1}});
        let last = json!({"spec": {"replicas": 2, "x": 1}});
        let new = json!({"spec": {"replicas": 2}});
        assert_eq!(
            three_way(&live, Some(&last), &new),
            json!({"spec": {"replicas": 2, "policy": "OrderedReady"}})
        );
    }
}
