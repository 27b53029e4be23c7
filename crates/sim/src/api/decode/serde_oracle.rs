//! The decoder this module had before `derive(Decode)`, through serde's derived `Deserialize`
//! (which the API types derive in tests only): the oracle the new decoder is checked against, on
//! every input `tests` makes. Kept as it was.
//!
//! Decoding a JSON object into a typed kind as the API server's decoder does: fields the type
//! does not have are collected with their JSON paths (`spec.template.spec.containers[0].foo`,
//! the server's `unknown field "…"`), and a value of the wrong type is worded as Go's
//! `encoding/json` words it (`json: cannot unmarshal string into Go struct field
//! StatefulSetSpec.spec.replicas of type int32`). The typed structs are the schema: a field is
//! known exactly when the struct has it.
//!
//! `null` leaves a field at its zero value, as Go's decoder does.

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Expected, IntoDeserializer, MapAccess, SeqAccess,
    Unexpected, Visitor,
};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::fmt;

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
pub fn decode<T: DeserializeOwned>(v: &Value) -> Result<(T, Vec<String>), DecodeError> {
    decode_as(v, false)
}

/// [`decode`] as the unstructured converter does it (a strategic merge patch): an integer too
/// big for its field is truncated, as Go's `reflect.Value.Convert` does, rather than refused.
pub fn decode_unstructured<T: DeserializeOwned>(
    v: &Value,
) -> Result<(T, Vec<String>), DecodeError> {
    decode_as(v, true)
}

fn decode_as<T: DeserializeOwned>(
    v: &Value,
    convert: bool,
) -> Result<(T, Vec<String>), DecodeError> {
    let unknown = RefCell::new(Vec::new());
    let de = De {
        v,
        path: Path::default(),
        unknown: &unknown,
        convert,
    };
    match T::deserialize(de) {
        Ok(t) => Ok((t, unknown.into_inner())),
        Err(e) => Err(DecodeError {
            message: e.message(),
            converter: e.converter_message(),
        }),
    }
}

thread_local! {
    /// Every struct met while decoding: its JSON path and its fields' names.
    pub static STRUCTS: RefCell<Vec<(String, &'static [&'static str])>> = const { RefCell::new(Vec::new()) };
}

#[derive(Clone, Debug, Default)]
struct Path {
    /// `spec.template.spec.containers[0].name`: the form of unknown-field messages.
    json: String,
    /// `spec.template.spec.containers.name`: the form of Go's type errors (no indices).
    go: String,
    /// The innermost struct the value sits in (Go's `UnmarshalTypeError.Struct`).
    strukt: &'static str,
}

impl Path {
    fn key(&self, k: &str) -> Path {
        let join = |p: &str| {
            if p.is_empty() {
                k.to_string()
            } else {
                format!("{p}.{k}")
            }
        };
        Path {
            json: join(&self.json),
            go: join(&self.go),
            strukt: self.strukt,
        }
    }
    fn index(&self, i: usize) -> Path {
        Path {
            json: format!("{}[{i}]", self.json),
            go: self.go.clone(),
            strukt: self.strukt,
        }
    }
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

#[derive(Debug)]
struct Error {
    kind: ErrorKind,
    /// Set by the innermost deserializer call the error passes through.
    at: Option<Path>,
}

impl Error {
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
}

impl Error {
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

impl std::error::Error for Error {}

/// Go's name for what serde expected: `i32` → `int32`, `struct PodSpec` → `v1.PodSpec`.
fn go_type(expected: &str, path: &str) -> String {
    let t = match expected {
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" => {
            return if let Some(u) = expected.strip_prefix('u') {
                format!("uint{u}")
            } else {
                format!("int{}", &expected[1..])
            }
        }
        "f32" | "f64" => return format!("float{}", &expected[1..]),
        "a string" | "string" => "string",
        "a boolean" | "bool" => "bool",
        "a map" => "map[string]string",
        "a sequence" => return slice_type(path.rsplit('.').next().unwrap_or("")),
        other => {
            if let Some(name) = other.strip_prefix("struct ") {
                return format!("v1.{}", go_struct_name(name));
            }
            "interface {}"
        }
    };
    t.to_string()
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

fn got_of(unexp: &Unexpected, numeric_target: bool) -> String {
    match unexp {
        Unexpected::Str(_) | Unexpected::Char(_) => "string".into(),
        Unexpected::Bool(_) => "bool".into(),
        Unexpected::Signed(n) if numeric_target => format!("number {n}"),
        Unexpected::Unsigned(n) if numeric_target => format!("number {n}"),
        Unexpected::Float(n) if numeric_target => format!("number {n}"),
        Unexpected::Signed(_) | Unexpected::Unsigned(_) | Unexpected::Float(_) => "number".into(),
        Unexpected::Seq => "array".into(),
        Unexpected::Map | Unexpected::StructVariant => "object".into(),
        Unexpected::Unit | Unexpected::Option => "null".into(),
        _ => "value".into(),
    }
}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error {
            kind: ErrorKind::Custom(msg.to_string()),
            at: None,
        }
    }
    fn invalid_type(unexp: Unexpected, exp: &dyn Expected) -> Self {
        let want = exp.to_string();
        let numeric = matches!(
            want.as_str(),
            "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "f32" | "f64"
        );
        Error {
            kind: ErrorKind::Type {
                got: got_of(&unexp, numeric),
                // Resolved against the path in `locate`.
                want,
            },
            at: None,
        }
    }
    fn invalid_value(unexp: Unexpected, exp: &dyn Expected) -> Self {
        Self::invalid_type(unexp, exp)
    }
}

struct De<'a> {
    v: &'a Value,
    path: Path,
    unknown: &'a RefCell<Vec<String>>,
    /// The unstructured converter's integer conversions (truncating) instead of JSON's.
    convert: bool,
}

impl<'a> De<'a> {
    fn child(&self, v: &'a Value, path: Path) -> De<'a> {
        De {
            v,
            path,
            unknown: self.unknown,
            convert: self.convert,
        }
    }

    /// Gives an error from a visitor the path it happened at (once: the innermost call wins).
    fn locate<T>(&self, r: Result<T, Error>) -> Result<T, Error> {
        r.map_err(|mut e| {
            if e.at.is_none() {
                if let ErrorKind::Type { want, .. } = &mut e.kind {
                    *want = go_type(want, &self.path.go);
                }
                e.at = Some(self.path.clone());
            }
            e
        })
    }

    fn visit<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let r = match self.v {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or(0.0))
                }
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visitor.visit_seq(Seq {
                items: items.iter().enumerate(),
                parent: &self,
            }),
            Value::Object(m) => visitor.visit_map(Entries {
                iter: m.iter(),
                value: None,
                parent: &self,
                keep_key_in_go_path: true,
            }),
        };
        self.locate(r)
    }
}

/// Null for a non-optional field: Go leaves the zero value, so the visitor gets an empty one.
fn zero_for_null<'a, V: Visitor<'a>>(
    de: &De<'a>,
    visitor: V,
    hint: Zero,
) -> Result<V::Value, Error> {
    let r = match hint {
        Zero::Bool => visitor.visit_bool(false),
        Zero::Int => visitor.visit_i64(0),
        Zero::Float => visitor.visit_f64(0.0),
        Zero::Str => visitor.visit_borrowed_str(""),
        Zero::Seq => visitor.visit_seq(Seq {
            items: [].iter().enumerate(),
            parent: de,
        }),
        Zero::Map => visitor.visit_map(Entries {
            iter: EMPTY.iter(),
            value: None,
            parent: de,
            keep_key_in_go_path: true,
        }),
    };
    de.locate(r)
}

static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

enum Zero {
    Bool,
    Int,
    Float,
    Str,
    Seq,
    Map,
}

macro_rules! scalar {
    ($($method:ident => $zero:expr),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                if self.v.is_null() {
                    return zero_for_null(&self, visitor, $zero);
                }
                self.visit(visitor)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for De<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.visit(visitor)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.v.is_null() {
            return zero_for_null(&self, visitor, Zero::Int);
        }
        if self.convert {
            // Go converts int64 (and integral float64) to int32 by truncation.
            let n = match self.v {
                Value::Number(n) => n
                    .as_i64()
                    .or_else(|| n.as_u64().map(|u| u as i64))
                    .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
                _ => None,
            };
            if let Some(n) = n {
                let r = visitor.visit_i32(n as i32);
                return self.locate(r);
            }
        }
        self.visit(visitor)
    }

    scalar! {
        deserialize_bool => Zero::Bool,
        deserialize_i8 => Zero::Int,
        deserialize_i16 => Zero::Int,
        deserialize_i64 => Zero::Int,
        deserialize_u8 => Zero::Int,
        deserialize_u16 => Zero::Int,
        deserialize_u32 => Zero::Int,
        deserialize_u64 => Zero::Int,
        deserialize_f32 => Zero::Float,
        deserialize_f64 => Zero::Float,
        deserialize_char => Zero::Str,
        deserialize_str => Zero::Str,
        deserialize_string => Zero::Str,
        deserialize_seq => Zero::Seq,
    }

    /// A map's keys are data, not fields: Go's type errors name the map field, not the key.
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.v {
            Value::Null => zero_for_null(&self, visitor, Zero::Map),
            Value::Object(m) => {
                let r = visitor.visit_map(Entries {
                    iter: m.iter(),
                    value: None,
                    parent: &self,
                    keep_key_in_go_path: false,
                });
                self.locate(r)
            }
            _ => self.visit(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.v.is_null() {
            let r = visitor.visit_none();
            return self.locate(r);
        }
        visitor.visit_some(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        // The one addition to the old decoder: the tests learn each struct's fields here.
        STRUCTS.with(|s| s.borrow_mut().push((self.path.json.clone(), fields)));
        let mut inner = De {
            v: self.v,
            path: self.path.clone(),
            unknown: self.unknown,
            convert: self.convert,
        };
        inner.path.strukt = name;
        match self.v {
            Value::Null => {
                let r = visitor.visit_map(Entries {
                    iter: EMPTY.iter(),
                    value: None,
                    parent: &inner,
                    keep_key_in_go_path: true,
                });
                self.locate(r)
            }
            Value::Object(m) => {
                let r = visitor.visit_map(Entries {
                    iter: m.iter(),
                    value: None,
                    parent: &inner,
                    keep_key_in_go_path: true,
                });
                self.locate(r)
            }
            _ => self.visit(visitor),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.unknown.borrow_mut().push(self.path.json.clone());
        visitor.visit_unit()
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let r = self
            .v
            .clone()
            .into_deserializer()
            .deserialize_enum(name, variants, visitor)
            .map_err(|e: serde_json::Error| de::Error::custom(e));
        self.locate(r)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bytes byte_buf unit unit_struct tuple tuple_struct identifier
    }
}

struct Seq<'a, 'p, I> {
    items: I,
    parent: &'p De<'a>,
}

impl<'a, I: Iterator<Item = (usize, &'a Value)>> SeqAccess<'a> for Seq<'a, '_, I> {
    type Error = Error;
    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        match self.items.next() {
            None => Ok(None),
            Some((i, v)) => {
                let de = self.parent.child(v, self.parent.path.index(i));
                seed.deserialize(de).map(Some)
            }
        }
    }
}

struct Entries<'a, 'p> {
    iter: serde_json::map::Iter<'a>,
    value: Option<(&'a str, &'a Value)>,
    parent: &'p De<'a>,
    keep_key_in_go_path: bool,
}

impl<'a> MapAccess<'a> for Entries<'a, '_> {
    type Error = Error;
    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.iter.next() {
            None => Ok(None),
            Some((k, v)) => {
                self.value = Some((k.as_str(), v));
                seed.deserialize(k.as_str().into_deserializer()).map(Some)
            }
        }
    }
    fn next_value_seed<T: DeserializeSeed<'a>>(&mut self, seed: T) -> Result<T::Value, Error> {
        let (k, v) = self
            .value
            .take()
            .ok_or_else(|| <Error as de::Error>::custom("value without a key"))?;
        let mut path = self.parent.path.key(k);
        if !self.keep_key_in_go_path {
            path.go = self.parent.path.go.clone();
        }
        seed.deserialize(self.parent.child(v, path))
    }
}
