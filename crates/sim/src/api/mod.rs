//! The API's object model: every kind the simulated API server serves, as typed structs with
//! Kubernetes field names, and [`Object`], the one enum the store holds.
//!
//! The kinds are listed once, in the `kinds!` invocation below; `Kind`, `Kind::ALL`, `KINDS`,
//! `Object` and every per-kind dispatch are generated from that list, and each kind's facts
//! and hooks are its `KindDef` impl (`crates/sim/src/kinds/`).

pub mod apps;
pub mod core;
pub mod decode;
pub mod encode;
pub mod meta;
pub mod shared;

pub use self::apps::*;
pub use self::core::*;
pub use self::meta::*;
pub use self::shared::{Shared, SharedStr};

use crate::error::{ApiError, Cause};
use crate::kinds::KindDef;
use crate::store::{Indices, ObjKey};
use crate::time::Time;
use serde_json::Value;
use std::fmt;

/// The REST facts of one kind, as discovery serves them (`kubectl api-resources`).
pub struct KindInfo {
    pub kind: Kind,
    pub name: &'static str,
    pub group: &'static str,
    pub version: &'static str,
    /// Lowercase plural, as in URLs and `kubectl get <resource>`.
    pub plural: &'static str,
    pub singular: &'static str,
    pub short_names: &'static [&'static str],
    pub namespaced: bool,
}

/// Generates, from the one list of kinds, everything that names every kind: the [`Kind`] enum
/// and `Kind::ALL`, the [`KINDS`] table, the [`Object`] enum, the [`Resource`] impls, decoding,
/// and the dispatch from `Kind`/`Object` to each kind's [`KindDef`] impl. A kind missing from
/// an impl, or an impl missing a piece, is a compile error.
macro_rules! kinds {
    ($($t:ident,)*) => {
        /// Every kind the simulated API server knows; its REST facts are [`Kind::info`].
        #[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind {
            $($t,)*
        }

        impl Kind {
            /// Every kind, in the order of the list (and of [`KINDS`]).
            pub const ALL: [Kind; [$(Kind::$t),*].len()] = [$(Kind::$t),*];
        }

        /// Every kind's REST facts, in [`Kind::ALL`]'s order.
        pub const KINDS: &[KindInfo] = &[$(KindInfo {
            kind: Kind::$t,
            name: stringify!($t),
            group: <$t as KindDef>::REST.0,
            version: <$t as KindDef>::REST.1,
            plural: <$t as KindDef>::REST.2,
            singular: <$t as KindDef>::REST.3,
            short_names: <$t as KindDef>::REST.4,
            namespaced: <$t as KindDef>::REST.5,
        }),*];

        /// Any object the store holds. Every kind is boxed, so the enum is a pointer and a tag:
        /// every object, and every version the watch log keeps, is allocated at its own kind's
        /// size, not the largest's.
        #[allow(clippy::large_enum_variant)]
        #[derive(Clone, Debug, PartialEq)]
        pub enum Object {
            $($t(Box<$t>),)*
        }

        $(
            impl Resource for $t {
                const KIND: Kind = Kind::$t;
                fn from_object(o: &Object) -> Option<&Self> {
                    match o {
                        Object::$t(x) => Some(x),
                        // Every other kind alike: not this one.
                        _ => None,
                    }
                }
                fn meta(&self) -> &ObjectMeta {
                    &self.metadata
                }
                fn meta_mut(&mut self) -> &mut ObjectMeta {
                    &mut self.metadata
                }
            }
            impl From<$t> for Object {
                fn from(x: $t) -> Object {
                    Object::$t(Box::new(x))
                }
            }
            impl From<Box<$t>> for Object {
                fn from(x: Box<$t>) -> Object {
                    Object::$t(x)
                }
            }
        )*

        impl Kind {
            /// `ValidateObjectMeta`'s name rule for the kind: error strings, empty if valid.
            pub(crate) fn validate_name(self, name: &str) -> Vec<String> {
                match self {
                    $(Kind::$t => (<$t as KindDef>::NAME_RULE)(name),)*
                }
            }
            /// Whether the API server keeps `metadata.generation` for the kind.
            pub(crate) fn has_generation(self) -> bool {
                match self {
                    $(Kind::$t => <$t as KindDef>::GENERATION,)*
                }
            }
            /// The server-side table's columns: (always, `-o wide` only).
            pub(crate) fn columns(self) -> (&'static [&'static str], &'static [&'static str]) {
                match self {
                    $(Kind::$t => (<$t as KindDef>::COLUMNS, <$t as KindDef>::WIDE_COLUMNS),)*
                }
            }
        }

        impl Object {
            pub fn kind(&self) -> Kind {
                match self {
                    $(Object::$t(_) => Kind::$t,)*
                }
            }
            pub fn meta(&self) -> &ObjectMeta {
                match self {
                    $(Object::$t(o) => &o.metadata,)*
                }
            }
            pub fn meta_mut(&mut self) -> &mut ObjectMeta {
                match self {
                    $(Object::$t(o) => &mut o.metadata,)*
                }
            }

            /// The object as the API server returns it in JSON: `apiVersion` and `kind`
            /// first-class.
            pub fn to_value(&self) -> Value {
                let mut v = match self {
                    $(Object::$t(o) => encode::Encode::encode(o),)*
                };
                if let Value::Object(m) = &mut v {
                    m.insert(
                        "apiVersion".into(),
                        Value::String(self.kind().api_version()),
                    );
                    m.insert("kind".into(), Value::String(self.kind().name().into()));
                }
                v
            }

            /// Decodes a JSON object of the given kind (its `apiVersion`/`kind` fields are
            /// ignored).

            fn decode_typed(
                kind: Kind,
                v: &Value,
                unstructured: bool,
            ) -> Result<(Object, Vec<String>), decode::DecodeError> {
                let v = v.clone();
                match kind {
                    $(Kind::$t => typed::<$t>(&v, unstructured),)*
                }
            }

            /// The checks of fields whose Go types parse their own text.
            fn check_decoded(&self) -> Result<(), decode::DecodeError> {
                match self {
                    $(Object::$t(o) => (<$t as KindDef>::HOOKS.check_decoded)(o),)*
                }
            }

            /// `SetDefaults_*`.
            pub(crate) fn set_defaults(&mut self) {
                match self {
                    $(Object::$t(o) => (<$t as KindDef>::HOOKS.set_defaults)(o),)*
                }
            }

            /// What the feature gates change; `old` is the stored object on update.
            pub(crate) fn gated_fields(
                &mut self,
                old: Option<&Object>,
                gates: &crate::features::FeatureGates,
            ) {
                match self {
                    $(Object::$t(o) => {
                        let old = old.and_then(<$t as Resource>::from_object);
                        (<$t as KindDef>::HOOKS.gated_fields)(o, old, gates)
                    })*
                }
            }

            /// `PrepareForUpdate`: what an update takes from the stored object before validation.
            pub(crate) fn prepare_update(&mut self, old: &Object) {
                match self {
                    $(Object::$t(o) => {
                        if let Some(old) = <$t as Resource>::from_object(old) {
                            (<$t as KindDef>::HOOKS.prepare_update)(o, old)
                        }
                    })*
                }
            }

            /// The kind's validation on create (after the metadata's).
            pub(crate) fn validate_create(&self, causes: &mut Vec<Cause>) -> Result<(), ApiError> {
                match self {
                    $(Object::$t(o) => (<$t as KindDef>::HOOKS.validate_create)(o, causes),)*
                }
            }

            /// The kind's validation of an update of `old` (after the metadata's).
            pub(crate) fn validate_update(
                &self,
                old: &Object,
                causes: &mut Vec<Cause>,
            ) -> Result<(), ApiError> {
                match (self, old) {
                    $((Object::$t(n), Object::$t(o)) => (<$t as KindDef>::HOOKS.validate_update)(n, o, causes),)*
                    // An update replaces an object of its own kind: never reached.
                    _ => Ok(()),
                }
            }

            /// Status on update: `to` takes `from`'s status.
            pub(crate) fn copy_status(from: &Object, to: &mut Object) {
                match (from, to) {
                    $((Object::$t(a), Object::$t(b)) => <$t as KindDef>::copy_status(a, b),)*
                    // Both are the same object: never reached.
                    _ => {}
                }
            }

            /// Admission that reads or changes cluster state, on create.
            pub(crate) fn admit_create(&mut self, c: &mut crate::Cluster) -> Result<(), ApiError> {
                match self {
                    $(Object::$t(o) => (<$t as KindDef>::HOOKS.admit_create)(o, c),)*
                }
            }

            /// Admission that reads cluster state or changes the object, on an update of `old`.
            pub(crate) fn admit_update(
                &mut self,
                old: &Object,
                c: &crate::Cluster,
            ) -> Result<(), ApiError> {
                match (self, old) {
                    $((Object::$t(n), Object::$t(o)) => (<$t as KindDef>::HOOKS.admit_update)(n, o, c),)*
                    // An update replaces an object of its own kind: never reached.
                    _ => Ok(()),
                }
            }

            /// The grace period a DELETE gives the object (`requested`: `--grace-period`);
            /// `None` if the kind has no graceful deletion.
            pub(crate) fn deletion_grace(&self, requested: Option<i64>) -> Option<i64> {
                match self {
                    $(Object::$t(o) => (<$t as KindDef>::HOOKS.deletion_grace)(o, requested),)*
                }
            }

            /// The cells of the object's row after its name.
            pub(crate) fn row(&self, now: Time, name: String, wide: bool) -> Vec<String> {
                match self {
                    $(Object::$t(o) => <$t as KindDef>::row(o, now, name, wide),)*
                }
            }

            /// Adds the object to the store's secondary indices.
            pub(crate) fn index(&self, key: &ObjKey, idx: &mut Indices) {
                match self {
                    $(Object::$t(o) => (<$t as KindDef>::HOOKS.index)(o, key, idx),)*
                }
            }

            /// Takes the object out of the store's secondary indices.
            pub(crate) fn unindex(&self, key: &ObjKey, idx: &mut Indices) {
                match self {
                    $(Object::$t(o) => (<$t as KindDef>::HOOKS.unindex)(o, key, idx),)*
                }
            }
        }
    };
}

// The one list of kinds. Adding a kind: its structs in `api/`, its name here, and its
// `KindDef` impl in `crates/sim/src/kinds/` (the compiler names every missing piece).
kinds! {
    Namespace,
    Node,
    StorageClass,
    PersistentVolume,
    Service,
    Secret,
    StatefulSet,
    ControllerRevision,
    PersistentVolumeClaim,
    Pod,
    EndpointSlice,
    Event,
    Deployment,
    ReplicaSet,
}

// `Kind::info` indexes KINDS by the kind: every kind has its entry, in the enum's order.
const _: () = {
    assert!(KINDS.len() == Kind::ALL.len());
    let mut i = 0;
    while i < KINDS.len() {
        assert!(KINDS[i].kind as usize == i && Kind::ALL[i] as usize == i);
        i += 1;
    }
};

impl Kind {
    pub fn info(self) -> &'static KindInfo {
        // In range, and the right entry: checked when the crate compiles (above).
        &KINDS[self as usize]
    }
    pub fn name(self) -> &'static str {
        self.info().name
    }
    pub fn api_version(self) -> String {
        let i = self.info();
        if i.group.is_empty() {
            i.version.to_string()
        } else {
            format!("{}/{}", i.group, i.version)
        }
    }
    /// `pods`, `statefulsets.apps`: the qualified resource the API server names in messages.
    pub fn resource(self) -> String {
        let i = self.info();
        if i.group.is_empty() {
            i.plural.to_string()
        } else {
            format!("{}.{}", i.plural, i.group)
        }
    }
    pub fn namespaced(self) -> bool {
        self.info().namespaced
    }
    /// Looks a kind up by `apiVersion` and `kind`, as a manifest names it.
    pub fn from_type_meta(api_version: &str, kind: &str) -> Option<Kind> {
        KINDS
            .iter()
            .find(|i| i.name == kind && Kind::api_version(i.kind) == api_version)
            .map(|i| i.kind)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Object {
    pub fn name(&self) -> &str {
        &self.meta().name
    }
    pub fn namespace(&self) -> &str {
        &self.meta().namespace
    }
}

/// The API server's `fieldValidation` parameter: what a write does with fields its kind does
/// not have. kubectl sends `Strict` unless `--validate` says otherwise; a request without the
/// parameter (`kubectl patch`, `label`, `scale`) gets the server's default, `Warn`.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum FieldValidation {
    /// Refuse the request: `strict decoding error: unknown field "spec.foo"`.
    Strict,
    /// Drop the fields and answer with a warning per field: `unknown field "spec.foo"`.
    #[default]
    Warn,
    /// Drop the fields silently.
    Ignore,
}

fn typed<T: decode::Decode + Into<Object>>(
    v: &Value,
    unstructured: bool,
) -> Result<(Object, Vec<String>), decode::DecodeError> {
    let r = if unstructured {
        decode::decode_unstructured::<T>(v)
    } else {
        decode::decode::<T>(v)
    };
    r.map(|(t, unknown)| (t.into(), unknown))
}

impl Object {
    /// Decodes a request body as the API server does: a value of the wrong type is a
    /// `DecodeError` in Go's words; fields the kind does not have come back as JSON paths.
    pub fn decode(kind: Kind, v: Value) -> Result<(Object, Vec<String>), decode::DecodeError> {
        Object::decode_with(kind, v, false)
    }

    /// [`Object::decode`] by the unstructured converter's rules (a strategic merge patch's
    /// result): integers too big for their field are truncated as Go converts them.
    pub fn decode_with(
        kind: Kind,
        mut v: Value,
        unstructured: bool,
    ) -> Result<(Object, Vec<String>), decode::DecodeError> {
        if let Value::Object(m) = &mut v {
            m.remove("apiVersion");
            m.remove("kind");
        }
        let (mut obj, mut unknown) = Object::decode_typed(kind, &v, unstructured)?;
        // Fields whose Go types parse their own text: Secret data ([]byte, base64) and
        // resource quantities.
        obj.check_decoded()?;
        stray_target_container_names(&mut obj, &mut unknown);
        Ok((obj, unknown))
    }

    /// A create's body (POST): decoded, and its unknown fields handled per `validation`.
    /// Errors are the server's BadRequest: `StatefulSet in version "v1" cannot be handled as a
    /// StatefulSet: …`. Returns the object and the warnings to show.
    pub fn decode_body(
        kind: Kind,
        v: Value,
        validation: FieldValidation,
    ) -> Result<(Object, Vec<String>), crate::ApiError> {
        let handled = |msg: String| {
            crate::ApiError::bad_request(format!(
                "{} in version \"{}\" cannot be handled as a {}: {msg}",
                kind.name(),
                kind.info().version,
                kind.name()
            ))
        };
        let (obj, unknown) = Object::decode(kind, v).map_err(|e| handled(e.message))?;
        let errors: Vec<String> = unknown
            .iter()
            .map(|p| format!("unknown field \"{p}\""))
            .collect();
        match validation {
            FieldValidation::Strict if !errors.is_empty() => Err(handled(format!(
                "strict decoding error: {}",
                errors.join(", ")
            ))),
            FieldValidation::Warn => Ok((obj, errors)),
            _ => Ok((obj, Vec::new())),
        }
    }
}

/// `targetContainerName` is a field of ephemeral containers only, but `Container` carries it so
/// that both decode through one deserializer: in an app or init container it is an unknown field,
/// reported at its path and dropped, as the API server's decoder would.
fn stray_target_container_names(obj: &mut Object, unknown: &mut Vec<String>) {
    let (spec, at) = match obj {
        Object::Pod(p) => (&mut *p.spec, "spec"),
        Object::StatefulSet(s) => (&mut s.spec.template.spec, "spec.template.spec"),
        Object::Deployment(d) => (&mut d.spec.template.spec, "spec.template.spec"),
        Object::ReplicaSet(r) => (&mut r.spec.template.spec, "spec.template.spec"),
        _ => return,
    };
    for (list, name) in [
        (&mut *spec.containers, "containers"),
        (&mut spec.init_containers, "initContainers"),
    ] {
        for (i, c) in list.iter_mut().enumerate() {
            if c.target_container_name.take().is_some() {
                unknown.push(format!("{at}.{name}[{i}].targetContainerName"));
            }
        }
    }
}

/// Resource quantities, which Go's `resource.Quantity` parses when it decodes.
pub(crate) fn check_quantities(r: &ResourceRequirements) -> Result<(), decode::DecodeError> {
    for q in r.requests.values().chain(r.limits.values()) {
        if let Err(e) = crate::quantity::check(q) {
            return Err(decode::DecodeError {
                message: e.to_string(),
                converter: e.to_string(),
            });
        }
    }
    Ok(())
}

/// A typed view of one variant of [`Object`].
pub trait Resource: Clone + Into<Object> {
    const KIND: Kind;
    fn from_object(o: &Object) -> Option<&Self>;
    fn meta(&self) -> &ObjectMeta;
    fn meta_mut(&mut self) -> &mut ObjectMeta;
}

/// An owner reference with `controller: true` and `blockOwnerDeletion: true`, as
/// `metav1.NewControllerRef` makes.
pub fn controller_ref(kind: Kind, meta: &ObjectMeta) -> OwnerReference {
    OwnerReference {
        api_version: kind.api_version(),
        kind: kind.name().into(),
        name: meta.name.clone(),
        uid: meta.uid.clone(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}
