//! The three patch types of `kubectl patch`: JSON merge patch (RFC 7386), JSON patch
//! (RFC 6902), and strategic merge patch (merge keys for the lists that have them).

use crate::api::{FieldValidation, Kind, Object};
use crate::cluster::Cluster;
use crate::error::ApiError;
use serde_json::{Map, Value};
use std::sync::Arc;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PatchType {
    Strategic,
    Merge,
    Json,
}

/// RFC 7386: objects merge, `null` deletes, anything else replaces.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(t) = target else {
        return; // made an object above
    };
    // `$retainKeys` (a `retainKeys` field such as a Deployment's `strategy`): the target keeps
    // only the fields the list names.
    if let Some(Value::Array(keep)) = p.get("$retainKeys") {
        t.retain(|k, _| keep.iter().any(|x| x.as_str() == Some(k.as_str())));
    }
    for (k, v) in p {
        if v.is_null() {
            t.remove(k);
        } else {
            merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

/// The merge key of a list field in strategic merge patch, by field name.
pub(crate) fn merge_key(field: &str) -> Option<&'static str> {
    Some(match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "env"
        | "imagePullSecrets" => "name",
        "volumeMounts" => "mountPath",
        "conditions" => "type",
        "ownerReferences" => "uid",
        "ports" => "port|containerPort",
        _ => return None,
    })
}

pub(crate) fn item_key<'a>(item: &'a Value, key: &str) -> Option<&'a Value> {
    key.split('|').find_map(|k| item.get(k))
}

/// Strategic merge patch: like a merge patch, but lists with a merge key merge item by item,
/// `$patch: replace|delete` directives are honoured, and primitive `finalizers` lists union.
pub fn strategic_merge(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    match p.get("$patch").and_then(Value::as_str) {
        Some("replace") => {
            let mut m = p.clone();
            m.remove("$patch");
            *target = Value::Object(m);
            return;
        }
        Some("delete") => {
            *target = Value::Null;
            return;
        }
        _ => {}
    }
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(t) = target else {
        return; // made an object above
    };
    // `$retainKeys`: the fields of the map that stay; the rest are cleared before merging.
    if let Some(Value::Array(keep)) = p.get("$retainKeys") {
        t.retain(|k, _| keep.iter().any(|r| r.as_str() == Some(k.as_str())));
    }
    // `$deleteFromPrimitiveList/FIELD`: values taken out of a list of scalars.
    for (k, v) in p {
        if let (Some(field), Value::Array(gone)) = (k.strip_prefix("$deleteFromPrimitiveList/"), v)
        {
            if let Some(Value::Array(existing)) = t.get_mut(field) {
                existing.retain(|e| !gone.contains(e));
            }
        }
    }
    for (k, v) in p {
        if k.starts_with('$') {
            continue;
        }
        if v.is_null() {
            t.remove(k);
            continue;
        }
        if merge_key(k).is_some() && v.is_array() && !t.get(k).is_some_and(Value::is_array) {
            // Merging into no list: into an empty one (delete directives find nothing).
            t.insert(k.clone(), Value::Array(Vec::new()));
        }
        match (merge_key(k), v, t.get_mut(k)) {
            (Some(key), Value::Array(items), Some(Value::Array(existing))) => {
                for item in items {
                    let directive = item.get("$patch").and_then(Value::as_str);
                    let id = item_key(item, key).cloned();
                    let pos = id
                        .as_ref()
                        .and_then(|id| existing.iter().position(|e| item_key(e, key) == Some(id)));
                    match (directive, pos) {
                        (Some("delete"), Some(i)) => {
                            existing.remove(i);
                        }
                        (Some("delete"), None) => {}
                        (_, Some(i)) => strategic_merge(&mut existing[i], item),
                        (_, None) => {
                            let mut fresh = Value::Null;
                            strategic_merge(&mut fresh, item);
                            existing.push(fresh);
                        }
                    }
                }
            }
            (None, Value::Array(items), Some(Value::Array(existing))) if k == "finalizers" => {
                for i in items {
                    if !existing.contains(i) {
                        existing.push(i.clone());
                    }
                }
            }
            _ => strategic_merge(t.entry(k.clone()).or_insert(Value::Null), v),
        }
    }
    // `$setElementOrder/FIELD`: the order of a merged list (items it does not name keep their
    // places after those it names).
    for (k, v) in p {
        let (Some(field), Value::Array(order)) = (k.strip_prefix("$setElementOrder/"), v) else {
            continue;
        };
        let Some(Value::Array(existing)) = t.get_mut(field) else {
            continue;
        };
        let position = |e: &Value| {
            order.iter().position(|o| match (merge_key(field), o) {
                (Some(key), Value::Object(_)) => {
                    item_key(o, key).is_some() && item_key(o, key) == item_key(e, key)
                }
                _ => o == e,
            })
        };
        let mut ranked: Vec<(usize, usize, Value)> = existing
            .drain(..)
            .enumerate()
            .map(|(i, e)| (position(&e).unwrap_or(usize::MAX), i, e))
            .collect();
        crate::sort::sort_by_key(&mut ranked, |(rank, i, _)| (*rank, *i));
        existing.extend(ranked.into_iter().map(|(_, _, e)| e));
    }
}

/// The directive keys of a strategic merge patch kubectl builds.
const SET_ORDER: &str = "$setElementOrder/";
const DELETE_PRIMITIVE: &str = "$deleteFromPrimitiveList/";

/// The patch strategy of a map field whose fields a changed value must list (`$retainKeys`).
fn retains_keys(field: &str) -> bool {
    // PodSpec.volumes: `patchStrategy:"merge,retainKeys"`.
    field == "volumes"
}

/// A strategic merge patch from `original` to `modified` (`strategicpatch.CreateTwoWayMergePatch`
/// with `SetElementOrder`, as `kubectl edit` computes it): changed and added fields, `null` for
/// removed ones; lists with a merge key item by item (changed items with their key, removed
/// ones as `$patch: delete` after them, and `$setElementOrder/FIELD` when anything changed or
/// moved); `finalizers` (a merged list of strings) with `$deleteFromPrimitiveList/finalizers`;
/// other lists whole. An item without its merge key is the error upstream gives.
pub fn two_way(original: &Value, modified: &Value) -> Result<Value, String> {
    match (original, modified) {
        (Value::Object(o), Value::Object(m)) => diff_maps(o, m, false).map(Value::Object),
        _ => Ok(modified.clone()),
    }
}

fn diff_maps(
    original: &Map<String, Value>,
    modified: &Map<String, Value>,
    retain: bool,
) -> Result<Map<String, Value>, String> {
    let mut patch = Map::new();
    for (key, mv) in modified {
        let Some(ov) = original.get(key) else {
            patch.insert(key.clone(), mv.clone());
            continue;
        };
        if ov == mv {
            continue;
        }
        match (ov, mv) {
            (Value::Object(o), Value::Object(m)) => {
                let sub = diff_maps(o, m, false)?;
                if !sub.is_empty() {
                    patch.insert(key.clone(), Value::Object(sub));
                }
            }
            (Value::Array(o), Value::Array(m)) if merge_key(key).is_some() => {
                diff_keyed_lists(key, o, m, &mut patch)?;
            }
            (Value::Array(o), Value::Array(m)) if key == "finalizers" => {
                diff_scalar_lists(key, o, m, &mut patch);
            }
            _ => {
                patch.insert(key.clone(), mv.clone());
            }
        }
    }
    for key in original.keys() {
        if !modified.contains_key(key) {
            patch.insert(key.clone(), Value::Null);
        }
    }
    if retain && (!patch.is_empty() || original.keys().any(|k| !modified.contains_key(k))) {
        let keys: Vec<Value> = modified
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, _)| Value::String(k.clone()))
            .collect();
        if !keys.is_empty() {
            patch.insert("$retainKeys".into(), Value::Array(keys));
        }
    }
    Ok(patch)
}

/// The merge key an item of the list `field` has (the first of `port|containerPort` it holds).
fn key_of<'a>(field: &str, item: &'a Value) -> Result<(&'static str, &'a Value), String> {
    let keys = merge_key(field).unwrap_or("name");
    for k in keys.split('|') {
        if let Some(v) = item.get(k) {
            return Ok((static_key(k), v));
        }
    }
    Err(match item {
        Value::Object(_) => format!(
            "map: {} does not contain declared merge key: {}",
            go_format(item),
            keys.split('|').next().unwrap_or(keys)
        ),
        _ => format!(
            "expected a map, but got {} for a list item of {field}",
            go_format(item)
        ),
    })
}

fn static_key(k: &str) -> &'static str {
    match k {
        "name" => "name",
        "mountPath" => "mountPath",
        "type" => "type",
        "uid" => "uid",
        "port" => "port",
        _ => "containerPort",
    }
}

/// Go's `%v` of a merge key's value, by which upstream sorts deletions.
fn key_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => go_format(other),
    }
}

fn diff_keyed_lists(
    field: &str,
    original: &[Value],
    modified: &[Value],
    patch: &mut Map<String, Value>,
) -> Result<(), String> {
    if original.is_empty() {
        if !modified.is_empty() {
            patch.insert(field.to_string(), Value::Array(modified.to_vec()));
        }
        return Ok(());
    }
    let retain = retains_keys(field);
    let mut okeys = Vec::with_capacity(original.len());
    for o in original {
        okeys.push(key_of(field, o)?);
    }
    let mut mkeys = Vec::with_capacity(modified.len());
    for m in modified {
        mkeys.push(key_of(field, m)?);
    }
    let mut changed = Vec::new();
    for (m, (kname, kv)) in modified.iter().zip(&mkeys) {
        match original
            .iter()
            .zip(&okeys)
            .find(|(_, (_, ov))| key_string(ov) == key_string(kv))
        {
            Some((o, _)) => {
                let (Value::Object(om), Value::Object(mm)) = (o, m) else {
                    continue;
                };
                let mut sub = diff_maps(om, mm, retain)?;
                if !sub.is_empty() {
                    sub.insert(kname.to_string(), (*kv).clone());
                    changed.push(Value::Object(sub));
                }
            }
            None => changed.push(m.clone()),
        }
    }
    let mut deleted: Vec<(String, &'static str, Value)> = okeys
        .iter()
        .filter(|(_, ov)| !mkeys.iter().any(|(_, mv)| key_string(mv) == key_string(ov)))
        .map(|(k, ov)| (key_string(ov), *k, (*ov).clone()))
        .collect();
    crate::sort::sort_by(&mut deleted, |a, b| a.0.cmp(&b.0));
    for (_, k, v) in deleted {
        let mut d = Map::new();
        d.insert("$patch".into(), Value::String("delete".into()));
        d.insert(k.to_string(), v);
        changed.push(Value::Object(d));
    }
    let same_order = okeys.len() == mkeys.len()
        && okeys
            .iter()
            .zip(&mkeys)
            .all(|((_, a), (_, b))| key_string(a) == key_string(b));
    if !changed.is_empty() || !same_order {
        let order: Vec<Value> = mkeys
            .iter()
            .map(|(k, v)| {
                let mut m = Map::new();
                m.insert(k.to_string(), (*v).clone());
                Value::Object(m)
            })
            .collect();
        patch.insert(format!("{SET_ORDER}{field}"), Value::Array(order));
    }
    if !changed.is_empty() {
        patch.insert(field.to_string(), Value::Array(changed));
    }
    Ok(())
}

/// A merged list of scalars (`finalizers`): the values added, those removed as
/// `$deleteFromPrimitiveList/FIELD`, and the new order.
fn diff_scalar_lists(
    field: &str,
    original: &[Value],
    modified: &[Value],
    patch: &mut Map<String, Value>,
) {
    if original.is_empty() {
        patch.insert(field.to_string(), Value::Array(modified.to_vec()));
        return;
    }
    let sorted = |l: &[Value]| {
        let mut v: Vec<Value> = l.to_vec();
        crate::sort::sort_by_key(&mut v, key_string);
        v
    };
    let (o, m) = (sorted(original), sorted(modified));
    let added: Vec<Value> = m.iter().filter(|x| !o.contains(x)).cloned().collect();
    let mut gone: Vec<Value> = o.iter().filter(|x| !m.contains(x)).cloned().collect();
    gone.dedup();
    if !added.is_empty() {
        patch.insert(field.to_string(), Value::Array(added));
    }
    if !gone.is_empty() {
        patch.insert(format!("{DELETE_PRIMITIVE}{field}"), Value::Array(gone));
    }
    if original != modified {
        patch.insert(
            format!("{SET_ORDER}{field}"),
            Value::Array(modified.to_vec()),
        );
    }
}

fn pointer_parts(path: &str) -> Result<Vec<String>, String> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    if !path.starts_with('/') {
        return Err(format!(
            "add operation does not apply: doc is missing path: \"{path}\": missing value"
        ));
    }
    Ok(path[1..]
        .split('/')
        .map(|p| p.replace("~1", "/").replace("~0", "~"))
        .collect())
}

fn json_add(doc: &mut Value, parts: &[String], value: Value, replace: bool) -> Result<(), String> {
    let Some((last, parents)) = parts.split_last() else {
        *doc = value;
        return Ok(());
    };
    let mut cur = doc;
    for p in parents {
        cur = match cur {
            Value::Object(m) => m.get_mut(p).ok_or_else(|| {
                format!(
                    "doc is missing path: \"/{}\": missing value",
                    parts.join("/")
                )
            })?,
            Value::Array(a) => {
                let i: usize = p.parse().map_err(|_| format!("invalid index {p:?}"))?;
                a.get_mut(i).ok_or_else(|| {
                    format!(
                        "doc is missing path: \"/{}\": missing value",
                        parts.join("/")
                    )
                })?
            }
            _ => {
                return Err(format!(
                    "doc is missing path: \"/{}\": missing value",
                    parts.join("/")
                ))
            }
        };
    }
    match cur {
        Value::Object(m) => {
            if replace && !m.contains_key(last) {
                return Err(format!(
                    "replace operation does not apply: doc is missing key: /{}: missing value",
                    parts.join("/")
                ));
            }
            m.insert(last.clone(), value);
        }
        Value::Array(a) => {
            if last == "-" && !replace {
                a.push(value);
            } else {
                let i: usize = last
                    .parse()
                    .map_err(|_| format!("invalid index {last:?}"))?;
                if replace {
                    *a.get_mut(i).ok_or_else(|| format!("replace operation does not apply: doc is missing key: /{}: missing value", parts.join("/")))? = value;
                } else if i <= a.len() {
                    a.insert(i, value);
                } else {
                    return Err(format!(
                        "add operation does not apply: doc is missing path: \"/{}\": missing value",
                        parts.join("/")
                    ));
                }
            }
        }
        _ => {
            return Err(format!(
                "doc is missing path: \"/{}\": missing value",
                parts.join("/")
            ))
        }
    }
    Ok(())
}

fn json_remove(doc: &mut Value, parts: &[String]) -> Result<Value, String> {
    let Some((last, parents)) = parts.split_last() else {
        return Err("cannot remove the root".into());
    };
    let missing = || {
        format!(
            "remove operation does not apply: doc is missing path: \"/{}\": missing value",
            parts.join("/")
        )
    };
    let mut cur = doc;
    for p in parents {
        cur = match cur {
            Value::Object(m) => m.get_mut(p).ok_or_else(missing)?,
            Value::Array(a) => a
                .get_mut(p.parse::<usize>().map_err(|_| missing())?)
                .ok_or_else(missing)?,
            _ => return Err(missing()),
        };
    }
    match cur {
        Value::Object(m) => m.remove(last).ok_or_else(missing),
        Value::Array(a) => {
            let i: usize = last.parse().map_err(|_| missing())?;
            (i < a.len()).then(|| a.remove(i)).ok_or_else(missing)
        }
        _ => Err(missing()),
    }
}

/// RFC 6902 JSON patch.
pub fn json_patch(doc: &mut Value, ops: &Value) -> Result<(), String> {
    let Value::Array(ops) = ops else {
        return Err("json: cannot unmarshal object into Go value of type jsonpatch.Patch".into());
    };
    for op in ops {
        let kind = op.get("op").and_then(Value::as_str).unwrap_or("");
        let path = pointer_parts(op.get("path").and_then(Value::as_str).unwrap_or(""))?;
        match kind {
            "add" => json_add(
                doc,
                &path,
                op.get("value").cloned().unwrap_or(Value::Null),
                false,
            )?,
            "replace" => json_add(
                doc,
                &path,
                op.get("value").cloned().unwrap_or(Value::Null),
                true,
            )?,
            "remove" => {
                json_remove(doc, &path)?;
            }
            "move" | "copy" => {
                let from = pointer_parts(op.get("from").and_then(Value::as_str).unwrap_or(""))?;
                let v = if kind == "move" {
                    json_remove(doc, &from)?
                } else {
                    doc.pointer(&format!("/{}", from.join("/")))
                        .cloned()
                        .ok_or("copy operation does not apply: doc is missing from path")?
                };
                json_add(doc, &path, v, false)?;
            }
            "test" => {
                let got = doc.pointer(&format!("/{}", path.join("/")));
                if got != op.get("value") {
                    return Err(format!(
                        "testing value /{} failed: test failed",
                        path.join("/")
                    ));
                }
            }
            other => return Err(format!("Unexpected kind: {other}")),
        }
    }
    Ok(())
}

/// Go's `%+v` of a decoded JSON value (`map[spec:map[replicas:3]]`): how the API server quotes
/// a patch in its errors.
pub fn go_format(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(go_format).collect::<Vec<_>>().join(" ")
        ),
        Value::Object(m) => format!(
            "map[{}]",
            m.iter()
                .map(|(k, v)| format!("{k}:{}", go_format(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

/// The error the API server gives for a patch whose result does not decode, or has unknown
/// fields under `fieldValidation=Strict`: `The request is invalid: patch: Invalid value: …`.
/// `shown` is what it quotes: the patch (strategic) or the patched object (merge, JSON patch).
pub fn patch_invalid(shown: &str, detail: &str) -> ApiError {
    ApiError::invalid_request(vec![crate::error::field::invalid(
        "patch",
        format!("{shown:?}"),
        detail,
    )])
}

/// Decodes a patched object for an update, handling unknown fields per `validation` (sorted,
/// as the unstructured converter reports them). Returns the object and the warnings.
pub fn decode_patched(
    kind: Kind,
    doc: Value,
    validation: FieldValidation,
    shown: impl Fn() -> String,
    strategic: bool,
) -> Result<(Object, Vec<String>), ApiError> {
    let (obj, mut unknown) = Object::decode_with(kind, doc, strategic).map_err(|e| {
        let detail = if strategic { e.converter } else { e.message };
        patch_invalid(&shown(), &detail)
    })?;
    crate::sort::sort(&mut unknown);
    unknown.dedup();
    let errors: Vec<String> = unknown
        .iter()
        .map(|p| format!("unknown field \"{p}\""))
        .collect();
    match validation {
        FieldValidation::Strict if !errors.is_empty() => Err(patch_invalid(
            &shown(),
            &format!("strict decoding error: {}", errors.join(", ")),
        )),
        FieldValidation::Warn => Ok((obj, errors)),
        _ => Ok((obj, Vec::new())),
    }
}

impl Cluster {
    /// PATCH: applies `patch` to the live object and stores the result as an update. Fields the
    /// kind does not have are dropped (the server's default field validation, `Warn`, whose
    /// warnings [`Cluster::patch_with`] returns).
    pub fn patch(
        &mut self,
        kind: Kind,
        ns: &str,
        name: &str,
        type_: PatchType,
        patch: &Value,
    ) -> Result<Arc<Object>, ApiError> {
        self.patch_with(kind, ns, name, type_, patch, FieldValidation::Warn)
            .map(|(o, _)| o)
    }

    /// PATCH with a `fieldValidation`; returns the stored object and the server's warnings.
    pub fn patch_with(
        &mut self,
        kind: Kind,
        ns: &str,
        name: &str,
        type_: PatchType,
        patch: &Value,
        validation: FieldValidation,
    ) -> Result<(Arc<Object>, Vec<String>), ApiError> {
        let (obj, warnings) = self.patched(kind, ns, name, type_, patch, validation)?;
        self.update(obj).map(|o| (o, warnings))
    }

    /// PATCH of a pod's `ephemeralcontainers` subresource: the patched pod goes to
    /// [`Cluster::update_ephemeral_containers`].
    pub fn patch_ephemeral_containers(
        &mut self,
        ns: &str,
        name: &str,
        type_: PatchType,
        patch: &Value,
        validation: FieldValidation,
    ) -> Result<(Arc<Object>, Vec<String>), ApiError> {
        let (obj, warnings) = self.patched(Kind::Pod, ns, name, type_, patch, validation)?;
        let Object::Pod(pod) = obj else {
            return Err(ApiError::not_found(Kind::Pod, name));
        };
        self.update_ephemeral_containers(*pod)
            .map(|o| (o, warnings))
    }

    /// The live object with `patch` applied, decoded.
    fn patched(
        &mut self,
        kind: Kind,
        ns: &str,
        name: &str,
        type_: PatchType,
        patch: &Value,
        validation: FieldValidation,
    ) -> Result<(Object, Vec<String>), ApiError> {
        let live = self.get(kind, ns, name)?;
        let mut doc = live.to_value();
        match type_ {
            PatchType::Merge => merge_patch(&mut doc, patch),
            PatchType::Strategic => strategic_merge(&mut doc, patch),
            PatchType::Json => json_patch(&mut doc, patch)
                .map_err(|e| ApiError::new(crate::error::Reason::Invalid, e))?,
        }
        // A resourceVersion the patch set is a precondition (`kubectl set selector
        // --resource-version`); the live one it kept is not.
        if let Some(m) = doc.get_mut("metadata").and_then(Value::as_object_mut) {
            if m.get("resourceVersion").and_then(Value::as_str)
                == Some(live.meta().resource_version.as_str())
            {
                m.remove("resourceVersion");
            }
        }
        let strategic = type_ == PatchType::Strategic;
        let shown_doc = doc.clone();
        decode_patched(
            kind,
            doc,
            validation,
            || {
                if strategic {
                    go_format(patch)
                } else {
                    serde_json::to_string(&shown_doc).unwrap_or_default()
                }
            },
            strategic,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_rfc7386() {
        let mut t = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge_patch(&mut t, &json!({"a": "z", "c": {"f": null}}));
        assert_eq!(t, json!({"a": "z", "c": {"d": "e"}}));
    }

    #[test]
    fn strategic_merges_containers_by_name() {
        let mut t = json!({"spec": {"containers": [{"name": "nginx", "image": "a"}, {"name": "side", "image": "s"}]}});
        strategic_merge(
            &mut t,
            &json!({"spec": {"containers": [{"name": "nginx", "image": "b"}]}}),
        );
        assert_eq!(
            t,
            json!({"spec": {"containers": [{"name": "nginx", "image": "b"}, {"name": "side", "image": "s"}]}})
        );
        strategic_merge(
            &mut t,
            &json!({"spec": {"containers": [{"name": "side", "$patch": "delete"}]}}),
        );
        assert_eq!(t["spec"]["containers"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn two_way_patches_carry_only_the_changes() {
        let o = json!({"metadata": {"name": "web", "labels": {"a": "1", "b": "2"}}, "spec": {"replicas": 2, "serviceName": "nginx"}});
        let m = json!({"metadata": {"name": "web", "labels": {"a": "1"}}, "spec": {"replicas": 3, "serviceName": "nginx"}});
        assert_eq!(
            two_way(&o, &m).unwrap(),
            json!({"metadata": {"labels": {"b": null}}, "spec": {"replicas": 3}})
        );
        assert_eq!(two_way(&o, &o).unwrap(), json!({}));
    }

    #[test]
    fn two_way_patches_lists_with_a_merge_key_item_by_item() {
        let o = json!({"spec": {"containers": [{"name": "nginx", "image": "a", "ports": [{"containerPort": 80}]}, {"name": "side", "image": "s"}]}});
        // A changed item carries its key, with the list's order beside it.
        let m = json!({"spec": {"containers": [{"name": "nginx", "image": "b", "ports": [{"containerPort": 80}]}, {"name": "side", "image": "s"}]}});
        assert_eq!(
            two_way(&o, &m).unwrap(),
            json!({"spec": {"$setElementOrder/containers": [{"name": "nginx"}, {"name": "side"}], "containers": [{"name": "nginx", "image": "b"}]}})
        );
        // A removed item is a delete directive after the changes.
        let m = json!({"spec": {"containers": [{"name": "nginx", "image": "a", "ports": [{"containerPort": 80}]}]}});
        assert_eq!(
            two_way(&o, &m).unwrap(),
            json!({"spec": {"$setElementOrder/containers": [{"name": "nginx"}], "containers": [{"$patch": "delete", "name": "side"}]}})
        );
        // Only the order changed.
        let m = json!({"spec": {"containers": [{"name": "side", "image": "s"}, {"name": "nginx", "image": "a", "ports": [{"containerPort": 80}]}]}});
        assert_eq!(
            two_way(&o, &m).unwrap(),
            json!({"spec": {"$setElementOrder/containers": [{"name": "side"}, {"name": "nginx"}]}})
        );
        // An item without its key is upstream's error.
        let m = json!({"spec": {"containers": [{"image": "x"}]}});
        assert_eq!(
            two_way(&o, &m).unwrap_err(),
            "map: map[image:x] does not contain declared merge key: name"
        );
    }

    #[test]
    fn two_way_patches_finalizers_and_volumes_as_their_strategies_say() {
        let o = json!({"metadata": {"finalizers": ["a", "b"]}});
        let m = json!({"metadata": {"finalizers": ["b", "c"]}});
        assert_eq!(
            two_way(&o, &m).unwrap(),
            json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"], "$setElementOrder/finalizers": ["b", "c"], "finalizers": ["c"]}})
        );
        let o = json!({"spec": {"volumes": [{"name": "v", "emptyDir": {}}]}});
        let m = json!({"spec": {"volumes": [{"name": "v", "configMap": {"name": "c"}}]}});
        assert_eq!(
            two_way(&o, &m).unwrap(),
            json!({"spec": {"$setElementOrder/volumes": [{"name": "v"}], "volumes": [{"$retainKeys": ["configMap", "name"], "configMap": {"name": "c"}, "emptyDir": null, "name": "v"}]}})
        );
    }

    #[test]
    fn a_two_way_patch_applied_to_the_original_gives_the_modified() {
        let o = json!({
            "metadata": {"name": "p", "finalizers": ["x", "y"], "labels": {"a": "1"}},
            "spec": {
                "containers": [{"name": "a", "image": "1", "env": [{"name": "E", "value": "1"}]}, {"name": "b", "image": "2"}],
                "volumes": [{"name": "v", "emptyDir": {}}],
                "tolerations": [{"key": "k"}]
            }
        });
        let m = json!({
            "metadata": {"name": "p", "finalizers": ["y", "z"], "annotations": {"n": "o"}},
            "spec": {
                "containers": [{"name": "c", "image": "3"}, {"name": "a", "image": "1", "env": [{"name": "E", "value": "2"}, {"name": "F", "value": "3"}]}],
                "volumes": [{"name": "v", "hostPath": {"path": "/x"}}],
                "tolerations": []
            }
        });
        let p = two_way(&o, &m).unwrap();
        let mut t = o.clone();
        strategic_merge(&mut t, &p);
        assert_eq!(t, m, "patch {p}");
    }

    #[test]
    fn json_patch_ops() {
        let mut t = json!({"spec": {"replicas": 2, "template": {"spec": {"containers": [{"image": "a"}]}}}});
        json_patch(
            &mut t,
            &json!([
                {"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "b"},
                {"op": "add", "path": "/spec/paused", "value": true},
                {"op": "remove", "path": "/spec/replicas"}
            ]),
        )
        .unwrap();
        assert_eq!(
            t,
            json!({"spec": {"paused": true, "template": {"spec": {"containers": [{"image": "b"}]}}}})
        );
        assert!(json_patch(
            &mut t,
            &json!([{"op": "replace", "path": "/nope", "value": 1}])
        )
        .is_err());
    }
}
