//! Decoding a JSON object into a typed kind as the API server's decoder does: fields the type
//! does not have are collected with their JSON paths (`spec.template.spec.containers[0].foo`,
//! the server's `unknown field "…"`), and a value of the wrong type is worded as Go's
//! `encoding/json` words it (`json: cannot unmarshal string into Go struct field
//! StatefulSetSpec.spec.replicas of type int32`). The typed structs are the schema: a field is
//! known exactly when the struct has it.
//!
//! `null` leaves a field at its zero value, as Go's decoder does.
//!
//! Every API struct derives [`Decode`] (`ordinal-derive`): one function per struct matching its
//! JSON field names, over the non-generic [`Cx::object`]; the leaves (strings, integers, lists,
//! maps, raw JSON) are the impls below. This replaced serde's derived `Deserialize`, whose
//! visitors and their instantiations were the largest part of the wasm; the API types derive
//! `Deserialize` in this crate's tests only, where `serde_oracle` (the serde-based decoder as it
//! was) checks this one on every input the tests make.

use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

#[cfg(test)]
mod serde_oracle;

pub use ordinal_derive::Decode;

/// A failed decode, in the API server's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// The JSON decoder's (a create or update body, a merge patch): `json: cannot unmarshal …`,
    /// without the `X in version "v1" cannot be handled as a X: ` prefix the caller adds.
    pub message: String,
    /// The unstructured converter's (a strategic merge patch): `unrecognized type: int32`.
    pub converter: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Decodes `v` into `T`, returning the JSON paths of the fields `T` does not know, in the order
/// met (object keys in sorted order, as kubectl sends them).
pub fn decode<T: Decode>(v: &Value) -> Result<(T, Vec<String>), DecodeError> {
    decode_as(v, false)
}

/// [`decode`] as the unstructured converter does it (a strategic merge patch): an integer too
/// big for its field is truncated, as Go's `reflect.Value.Convert` does, rather than refused.
pub fn decode_unstructured<T: Decode>(v: &Value) -> Result<(T, Vec<String>), DecodeError> {
    decode_as(v, true)
}

fn decode_as<T: Decode>(v: &Value, convert: bool) -> Result<(T, Vec<String>), DecodeError> {
    let mut cx = Cx {
        json: String::new(),
        go: String::new(),
        strukt: "",
        unknown: Vec::new(),
        convert,
    };
    match T::decode(v, &mut cx) {
        Ok(t) => Ok((t, cx.unknown)),
        Err(e) => Err(DecodeError {
            message: e.message(),
            converter: e.converter_message(),
        }),
    }
}

/// A type the API's decoder reads from JSON: the API structs (`#[derive(Decode)]`) and the
/// field types they are made of.
pub trait Decode: Sized {
    fn decode(v: &Value, cx: &mut Cx) -> Result<Self, Error>;
}

/// Decodes a struct's field in place. Not inlined: one copy per field type (every
/// `Option<String>` field of every struct shares one), where inlining would copy the decoding,
/// and the drop of the value it replaces, into every struct's function.
#[inline(never)]
pub fn field<T: Decode>(slot: &mut T, v: &Value, cx: &mut Cx) -> Result<(), Error> {
    *slot = T::decode(v, cx)?;
    Ok(())
}

/// Where the decoder is, and what it has found so far.
pub struct Cx {
    /// `spec.template.spec.containers[0].name`: the form of unknown-field messages.
    json: String,
    /// `spec.template.spec.containers.name`: the form of Go's type errors (no indices, no map
    /// keys).
    go: String,
    /// The innermost struct the value sits in (Go's `UnmarshalTypeError.Struct`).
    strukt: &'static str,
    unknown: Vec<String>,
    /// The unstructured converter's integer conversions (truncating) instead of JSON's.
    convert: bool,
}

impl Cx {
    /// A struct named `strukt`: `field` decodes the value of each key of the object into the
    /// struct and says whether the struct has that field; the keys it lacks are the unknown
    /// fields. `null` leaves the struct as it is (its `Default`).
    pub fn object(
        &mut self,
        v: &Value,
        strukt: &'static str,
        field: &mut dyn FnMut(&mut Cx, &str, &Value) -> Result<bool, Error>,
    ) -> Result<(), Error> {
        let m = match v {
            Value::Object(m) => m,
            Value::Null => return Ok(()),
            other => {
                return Err(self.type_error(other, false, format!("v1.{}", go_struct_name(strukt))))
            }
        };
        let outer = std::mem::replace(&mut self.strukt, strukt);
        for (k, v) in m {
            let (json, go) = (self.json.len(), self.go.len());
            push_key(&mut self.json, k);
            push_key(&mut self.go, k);
            let known = field(self, k, v);
            match known {
                Ok(true) => {}
                Ok(false) => self.unknown.push(self.json.clone()),
                Err(e) => return Err(e),
            }
            self.json.truncate(json);
            self.go.truncate(go);
        }
        self.strukt = outer;
        Ok(())
    }

    /// A value of the wrong JSON type for a Go value of type `want`, here. `numeric`: the
    /// target is a number, and Go's message then shows the number.
    fn type_error(&self, got: &Value, numeric: bool, want: String) -> Error {
        let got = match got {
            Value::Null => "null".into(),
            Value::Bool(_) => "bool".into(),
            Value::Number(n) if numeric => number_text(n),
            Value::Number(_) => "number".into(),
            Value::String(_) => "string".into(),
            Value::Array(_) => "array".into(),
            Value::Object(_) => "object".into(),
        };
        Error {
            kind: ErrorKind::Type { got, want },
            at: Some(At {
                go: self.go.clone(),
                strukt: self.strukt,
            }),
        }
    }
}

fn push_key(path: &mut String, k: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(k);
}

/// `number 3`, `number -1`, `number 1.5`: a number as Go's type error shows it.
fn number_text(n: &serde_json::Number) -> String {
    if let Some(u) = n.as_u64() {
        format!("number {u}")
    } else if let Some(i) = n.as_i64() {
        format!("number {i}")
    } else {
        format!("number {}", n.as_f64().unwrap_or(0.0))
    }
}

/// Where a type error happened.
#[derive(Debug)]
struct At {
    go: String,
    strukt: &'static str,
}

#[derive(Debug)]
enum ErrorKind {
    /// A value of the wrong JSON type: Go's `cannot unmarshal <got> into … of type <want>`.
    Type {
        got: String,
        want: String,
    },
    Custom(String),
}

/// A decode error on its way out (see [`DecodeError`] for its two wordings).
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    at: Option<At>,
}

impl Error {
    /// An error worded by the type that refused its text (a time, a quantity).
    pub fn custom(message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Custom(message.into()),
            at: None,
        }
    }

    fn message(&self) -> String {
        match &self.kind {
            ErrorKind::Custom(m) => m.clone(),
            ErrorKind::Type { got, want } => match &self.at {
                Some(p) if !p.go.is_empty() && !p.strukt.is_empty() => format!(
                    "json: cannot unmarshal {got} into Go struct field {}.{} of type {want}",
                    p.strukt, p.go
                ),
                _ => format!("json: cannot unmarshal {got} into Go value of type {want}"),
            },
        }
    }

    /// `runtime.DefaultUnstructuredConverter`'s wording for the same mismatch.
    fn converter_message(&self) -> String {
        let ErrorKind::Type { got, want } = &self.kind else {
            return self.message();
        };
        // The Go kind of the unstructured value.
        let st = match got.as_str() {
            "string" => "string",
            "bool" => "bool",
            "array" => "slice",
            "object" => "map",
            g => match g.strip_prefix("number ") {
                Some(n) if n.contains(['.', 'e', 'E']) => "float64",
                _ => "int64",
            },
        };
        if want.starts_with("v1.") {
            return format!("cannot restore struct from: {st}");
        }
        if want.starts_with("[]") {
            return format!("cannot restore slice from {st}");
        }
        if want.starts_with("map[") {
            return format!("cannot restore map from {st}");
        }
        let numeric =
            |t: &str| t.starts_with("int") || t.starts_with("uint") || t.starts_with("float");
        if (st == "int64" || st == "float64") && (numeric(want) || want == "string") {
            return format!("cannot convert {st} to {want}");
        }
        format!("unrecognized type: {want}")
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// Go's element type of a list field, for the message of a non-list value.
fn slice_type(field: &str) -> String {
    let elem = match field {
        "containers" | "initContainers" => "v1.Container",
        "volumes" => "v1.Volume",
        "volumeMounts" => "v1.VolumeMount",
        "env" => "v1.EnvVar",
        "tolerations" => "v1.Toleration",
        "imagePullSecrets" => "v1.LocalObjectReference",
        "ownerReferences" => "v1.OwnerReference",
        "matchExpressions" => "v1.LabelSelectorRequirement",
        "volumeClaimTemplates" => "v1.PersistentVolumeClaim",
        "ports" => "v1.ContainerPort",
        _ => "string",
    };
    format!("[]{elem}")
}

/// Go's type name where the Rust struct is named differently.
fn go_struct_name(rust: &str) -> &str {
    match rust {
        "PvcSpec" => "PersistentVolumeClaimSpec",
        "PvcStatus" => "PersistentVolumeClaimStatus",
        "PvSpec" => "PersistentVolumeSpec",
        "PvStatus" => "PersistentVolumeStatus",
        "PvcVolumeSource" => "PersistentVolumeClaimVolumeSource",
        "RollingUpdate" => "RollingUpdateStatefulSetStrategy",
        "RetentionPolicy" => "StatefulSetPersistentVolumeClaimRetentionPolicy",
        "HttpGetAction" => "HTTPGetAction",
        "HostPathSource" => "HostPathVolumeSource",
        other => other,
    }
}

impl Decode for String {
    fn decode(v: &Value, cx: &mut Cx) -> Result<Self, Error> {
        match v {
            Value::String(s) => Ok(s.clone()),
            Value::Null => Ok(String::new()),
            other => Err(cx.type_error(other, false, "string".into())),
        }
    }
}

impl Decode for bool {
    fn decode(v: &Value, cx: &mut Cx) -> Result<Self, Error> {
        match v {
            Value::Bool(b) => Ok(*b),
            Value::Null => Ok(false),
            other => Err(cx.type_error(other, false, "bool".into())),
        }
    }
}

/// An integer field of `bits` bits, by JSON's rules (or the converter's, see [`Cx::convert`]).
fn integer(v: &Value, cx: &mut Cx, bits: u32) -> Result<i64, Error> {
    let want = || format!("int{bits}");
    let n = match v {
        Value::Null => return Ok(0),
        Value::Number(n) => n,
        other => return Err(cx.type_error(other, true, want())),
    };
    if cx.convert && bits == 32 {
        // Go converts int64 (and integral float64) to int32 by truncation.
        let t = n
            .as_i64()
            .or_else(|| n.as_u64().map(|u| u as i64))
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64));
        if let Some(t) = t {
            return Ok(t as i32 as i64);
        }
    }
    let (min, max) = if bits == 32 {
        (i32::MIN as i64, i32::MAX as i64)
    } else {
        (i64::MIN, i64::MAX)
    };
    match n.as_i64() {
        Some(i) if (min..=max).contains(&i) => Ok(i),
        _ => Err(cx.type_error(v, true, want())),
    }
}

impl Decode for i32 {
    fn decode(v: &Value, cx: &mut Cx) -> Result<Self, Error> {
        integer(v, cx, 32).map(|i| i as i32)
    }
}

impl Decode for i64 {
    fn decode(v: &Value, cx: &mut Cx) -> Result<Self, Error> {
        integer(v, cx, 64)
    }
}

/// Raw JSON, kept as it came.
impl Decode for Value {
    fn decode(v: &Value, _: &mut Cx) -> Result<Self, Error> {
        Ok(v.clone())
    }
}

impl<T: Decode> Decode for Box<T> {
    fn decode(v: &Value, cx: &mut Cx) -> Result<Self, Error> {
        T::decode(v, cx).map(Box::new)
    }
}

impl<T: Decode> Decode for Option<T> {
    fn decode(v: &Value, cx: &mut Cx) -> Result<Self, Error> {
        match v {
            Value::Null => Ok(None),
            v => T::decode(v, cx).map(Some),
        }
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(v: &Value, cx: &mut Cx) -> Result<Self, Error> {
        let items = match v {
            Value::Array(items) => items,
            Value::Null => return Ok(Vec::new()),
            other => {
                let field = cx.go.rsplit('.').next().unwrap_or("");
                return Err(cx.type_error(other, false, slice_type(field)));
            }
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let len = cx.json.len();
            cx.json.push_str(&format!("[{i}]"));
            out.push(T::decode(item, cx)?);
            cx.json.truncate(len);
        }
        Ok(out)
    }
}

/// A map's keys are data, not fields: Go's type errors name the map field, not the key.
impl<T: Decode> Decode for BTreeMap<String, T> {
    fn decode(v: &Value, cx: &mut Cx) -> Result<Self, Error> {
        let m = match v {
            Value::Object(m) => m,
            Value::Null => return Ok(BTreeMap::new()),
            other => return Err(cx.type_error(other, false, "map[string]string".into())),
        };
        let mut out = BTreeMap::new();
        for (k, item) in m {
            let len = cx.json.len();
            push_key(&mut cx.json, k);
            out.insert(k.clone(), T::decode(item, cx)?);
            cx.json.truncate(len);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::encode::Encode;
    use crate::api::{Pod, StatefulSet};
    use serde_json::json;

    #[test]
    fn unknown_fields_have_json_paths() {
        let v = json!({
            "metadata": {"name": "web", "app": "x"},
            "spec": {"foo": 1, "template": {"spec": {"containers": [{"name": "a", "imagePullPolicyy": "x"}]}}}
        });
        let (s, unknown) = decode::<StatefulSet>(&v).unwrap();
        assert_eq!(s.metadata.name, "web");
        assert_eq!(
            unknown,
            vec![
                "metadata.app",
                "spec.foo",
                "spec.template.spec.containers[0].imagePullPolicyy"
            ]
        );
    }

    #[test]
    fn type_errors_read_like_go() {
        let v = json!({"spec": {"replicas": "3"}});
        assert_eq!(
            decode::<StatefulSet>(&v).unwrap_err().message,
            "json: cannot unmarshal string into Go struct field StatefulSetSpec.spec.replicas of type int32"
        );
        let v = json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "env": [{"name": "X", "value": 1}]}]}}}});
        assert_eq!(
            decode::<StatefulSet>(&v).unwrap_err().message,
            "json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string"
        );
        let v = json!({"metadata": {"labels": "x"}});
        assert_eq!(
            decode::<Pod>(&v).unwrap_err().message,
            "json: cannot unmarshal string into Go struct field ObjectMeta.metadata.labels of type map[string]string"
        );
        let v = json!({"spec": "x"});
        assert_eq!(
            decode::<Pod>(&v).unwrap_err().message,
            "json: cannot unmarshal string into Go struct field Pod.spec of type v1.PodSpec"
        );
        let v = json!({"spec": {"replicas": 1.5}});
        assert_eq!(
            decode::<StatefulSet>(&v).unwrap_err().message,
            "json: cannot unmarshal number 1.5 into Go struct field StatefulSetSpec.spec.replicas of type int32"
        );
    }

    #[test]
    fn null_leaves_the_zero_value() {
        let v = json!({"metadata": {"name": "p", "labels": null}, "spec": {"containers": null, "replicas": null}});
        let (p, unknown) = decode::<Pod>(&v).unwrap();
        assert!(p.metadata.labels.is_empty());
        assert_eq!(unknown, vec!["spec.replicas"]);
    }

    /// A JSON path as the decoders write it (`spec.containers[0].name`) as pointer steps.
    fn steps(path: &str) -> Vec<String> {
        let mut out = Vec::new();
        for part in path.split('.').filter(|p| !p.is_empty()) {
            let mut rest = part;
            if let Some(i) = rest.find('[') {
                out.push(rest[..i].to_string());
                rest = &rest[i..];
                while let Some(end) = rest.find(']') {
                    out.push(rest[1..end].to_string());
                    rest = &rest[end + 1..];
                }
            } else {
                out.push(rest.to_string());
            }
        }
        out
    }

    fn at_mut<'v>(v: &'v mut Value, steps: &[String]) -> Option<&'v mut Value> {
        steps.iter().try_fold(v, |v, s| match v {
            Value::Object(m) => m.get_mut(s),
            Value::Array(a) => a.get_mut(s.parse::<usize>().ok()?),
            _ => None,
        })
    }

    /// An object of `T` with every field of every struct in it set: grown from `{}` by giving
    /// each field the old decoder names the first value of a list it takes (a struct, a list of
    /// structs, a list of strings, a time (a string), a number, a bool), until no new struct
    /// appears.
    fn maximal<T: serde::de::DeserializeOwned>() -> Value {
        let candidates = [
            json!({}),
            json!([{}]),
            json!(["s"]),
            json!("2026-01-01T00:00:00Z"),
            json!(1),
            json!(true),
        ];
        let mut v = json!({});
        for _ in 0..20 {
            serde_oracle::STRUCTS.with(|s| s.borrow_mut().clear());
            let _ = serde_oracle::decode::<T>(&v);
            let structs = serde_oracle::STRUCTS.with(|s| s.take());
            let mut grew = false;
            for (path, fields) in structs {
                for f in fields {
                    let steps = steps(&path);
                    let has = at_mut(&mut v, &steps)
                        .and_then(|o| o.as_object())
                        .is_some_and(|o| o.contains_key(*f));
                    if has {
                        continue;
                    }
                    for c in &candidates {
                        let mut w = v.clone();
                        let Some(Value::Object(o)) = at_mut(&mut w, &steps) else {
                            break;
                        };
                        o.insert(f.to_string(), c.clone());
                        if serde_oracle::decode::<T>(&w).is_ok() {
                            v = w;
                            grew = true;
                            break;
                        }
                    }
                }
            }
            if !grew {
                break;
            }
        }
        v
    }

    /// Every node's pointer steps, the root's first.
    fn nodes(v: &Value, at: Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(at.clone());
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    let mut p = at.clone();
                    p.push(k.clone());
                    nodes(x, p, out);
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    let mut p = at.clone();
                    p.push(i.to_string());
                    nodes(x, p, out);
                }
            }
            _ => {}
        }
    }

    /// Both decoders on `v`, both ways: the same object and unknown fields, or the same two
    /// messages. The one difference on purpose: an array where a struct goes is Go's type error
    /// (`cannot unmarshal array into … of type v1.PodSpec`), where serde's derived visitor read
    /// the struct's fields by position.
    fn same<T>(v: &Value, replaced_by_array: bool, numeric: bool) -> bool
    where
        T: Decode
            + Encode
            + serde::Serialize
            + serde::de::DeserializeOwned
            + PartialEq
            + fmt::Debug,
    {
        // The converter differs from JSON's decoder on numbers only.
        let converts: &[bool] = if numeric { &[false, true] } else { &[false] };
        for &convert in converts {
            let (new, old) = if convert {
                (
                    decode_unstructured::<T>(v),
                    serde_oracle::decode_unstructured::<T>(v),
                )
            } else {
                (decode::<T>(v), serde_oracle::decode::<T>(v))
            };
            if let Ok((t, _)) = &new {
                // And the encoder writes what serde's derived `Serialize` wrote.
                assert_eq!(
                    t.encode(),
                    serde_json::to_value(t).unwrap_or_default(),
                    "{v}"
                );
            }
            match (&new, &old) {
                (Ok(a), Ok(b)) if a == b => {}
                (Err(a), Err(b)) if a.message == b.message && a.converter == b.converter => {}
                (Err(a), _)
                    if replaced_by_array
                        && a.message
                            .starts_with("json: cannot unmarshal array into Go ")
                        && a.message.contains(" of type v1.") => {}
                _ => panic!("decoders differ on {v}:\nnew {new:?}\nold {old:?}"),
            }
        }
        replaced_by_array && new_is_array_error::<T>(v)
    }

    fn new_is_array_error<T: Decode>(v: &Value) -> bool {
        decode::<T>(v).is_err_and(|e| e.message.starts_with("json: cannot unmarshal array"))
    }

    /// Every node of a maximal object of `T` replaced by each value of a list (every JSON type,
    /// integers at and past each width's bounds, floats), and every object given an unknown
    /// field: the new decoder and the old one agree on each. Below the paths in `skip`, structs
    /// met elsewhere already (a pod template's spec is a Pod's) are left as they are. Returns
    /// (cases, array cases).
    fn agree<T>(skip: &[&str]) -> (usize, usize)
    where
        T: Decode
            + Encode
            + serde::Serialize
            + serde::de::DeserializeOwned
            + PartialEq
            + fmt::Debug,
    {
        let max = maximal::<T>();
        let replacements = [
            json!(null),
            json!(true),
            json!("x"),
            json!("2026-01-01T00:00:01.250000Z"),
            json!(""),
            json!(0),
            json!(3),
            json!(-7),
            json!(1.5),
            json!(2.0),
            json!(1e20),
            json!(2147483647),
            json!(2147483648_u64),
            json!(-2147483649_i64),
            json!(u64::MAX),
            json!(i64::MIN),
            json!([]),
            json!(["a"]),
            json!([1]),
            json!([{}]),
            json!({}),
            json!({"zz": 1}),
            json!({"a": "b"}),
            json!({"a": 1}),
        ];
        let mut all = Vec::new();
        nodes(&max, Vec::new(), &mut all);
        let (mut cases, mut arrays) = (0, 0);
        assert!(decode::<T>(&max).is_ok(), "{max}");
        same::<T>(&max, false, true);
        let skipped = |at: &[String]| {
            let at = at.join(".");
            skip.iter().any(|s| at.starts_with(&format!("{s}.")))
        };
        for (i, at) in all.iter().enumerate().filter(|(_, at)| !skipped(at)) {
            // Each node gets every other replacement (the even ones or the odd ones): every
            // replacement still meets every kind of field, in half the time.
            for r in replacements.iter().skip(i % 2).step_by(2) {
                let mut w = max.clone();
                if let Some(n) = at_mut(&mut w, at) {
                    *n = r.clone();
                }
                cases += 1;
                arrays += usize::from(same::<T>(&w, r.is_array(), r.is_number()));
            }
            let mut w = max.clone();
            if let Some(Value::Object(o)) = at_mut(&mut w, at) {
                o.insert("zzUnknown".into(), json!({"a": [1]}));
                cases += 1;
                same::<T>(&w, false, false);
            }
        }
        (cases, arrays)
    }

    #[test]
    fn the_decoder_and_encoder_agree_with_the_serde_code_they_replaced() {
        use crate::api::*;
        let mut report = Vec::new();
        macro_rules! each {
            ($($t:ty $(: $($skip:literal),*)?;)*) => {$(
                let (cases, arrays) = agree::<$t>(&[$($($skip),*)?]);
                report.push(format!("{}: {cases} cases, {arrays} arrays for structs", stringify!($t)));
            )*};
        }
        // A pod template's spec, a claim template and an init container are checked where they
        // are the kind's own (Pod, PersistentVolumeClaim, Pod's containers).
        each!(
            Namespace;
            Node;
            StorageClass;
            PersistentVolume;
            Service;
            Secret;
            StatefulSet: "spec.template.spec", "spec.volumeClaimTemplates.0";
            ControllerRevision;
            PersistentVolumeClaim;
            Pod: "spec.initContainers.0", "status.initContainerStatuses.0", "status.ephemeralContainerStatuses.0";
            EndpointSlice;
            Event;
            Deployment: "spec.template.spec";
            ReplicaSet: "spec.template.spec";
        );
        eprintln!("{}", report.join("\n"));
    }
}
