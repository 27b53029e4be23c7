//! The API's object model: every kind the simulated API server serves, as typed structs with
//! Kubernetes field names, and [`Object`], the one enum the store holds.

pub mod apps;
pub mod core;
pub mod decode;
pub mod meta;

pub use self::apps::*;
pub use self::core::*;
pub use self::meta::*;

use serde_json::Value;
use std::fmt;

/// Every kind the simulated API server knows, with its REST facts.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
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
}

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

pub const KINDS: &[KindInfo] = &[
    KindInfo {
        kind: Kind::Namespace,
        name: "Namespace",
        group: "",
        version: "v1",
        plural: "namespaces",
        singular: "namespace",
        short_names: &["ns"],
        namespaced: false,
    },
    KindInfo {
        kind: Kind::Node,
        name: "Node",
        group: "",
        version: "v1",
        plural: "nodes",
        singular: "node",
        short_names: &["no"],
        namespaced: false,
    },
    KindInfo {
        kind: Kind::StorageClass,
        name: "StorageClass",
        group: "storage.k8s.io",
        version: "v1",
        plural: "storageclasses",
        singular: "storageclass",
        short_names: &["sc"],
        namespaced: false,
    },
    KindInfo {
        kind: Kind::PersistentVolume,
        name: "PersistentVolume",
        group: "",
        version: "v1",
        plural: "persistentvolumes",
        singular: "persistentvolume",
        short_names: &["pv"],
        namespaced: false,
    },
    KindInfo {
        kind: Kind::Service,
        name: "Service",
        group: "",
        version: "v1",
        plural: "services",
        singular: "service",
        short_names: &["svc"],
        namespaced: true,
    },
    KindInfo {
        kind: Kind::Secret,
        name: "Secret",
        group: "",
        version: "v1",
        plural: "secrets",
        singular: "secret",
        short_names: &[],
        namespaced: true,
    },
    KindInfo {
        kind: Kind::StatefulSet,
        name: "StatefulSet",
        group: "apps",
        version: "v1",
        plural: "statefulsets",
        singular: "statefulset",
        short_names: &["sts"],
        namespaced: true,
    },
    KindInfo {
        kind: Kind::ControllerRevision,
        name: "ControllerRevision",
        group: "apps",
        version: "v1",
        plural: "controllerrevisions",
        singular: "controllerrevision",
        short_names: &[],
        namespaced: true,
    },
    KindInfo {
        kind: Kind::PersistentVolumeClaim,
        name: "PersistentVolumeClaim",
        group: "",
        version: "v1",
        plural: "persistentvolumeclaims",
        singular: "persistentvolumeclaim",
        short_names: &["pvc"],
        namespaced: true,
    },
    KindInfo {
        kind: Kind::Pod,
        name: "Pod",
        group: "",
        version: "v1",
        plural: "pods",
        singular: "pod",
        short_names: &["po"],
        namespaced: true,
    },
    KindInfo {
        kind: Kind::EndpointSlice,
        name: "EndpointSlice",
        group: "discovery.k8s.io",
        version: "v1",
        plural: "endpointslices",
        singular: "endpointslice",
        short_names: &[],
        namespaced: true,
    },
    KindInfo {
        kind: Kind::Event,
        name: "Event",
        group: "",
        version: "v1",
        plural: "events",
        singular: "event",
        short_names: &["ev"],
        namespaced: true,
    },
];

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
    pub const ALL: [Kind; 12] = [
        Kind::Namespace,
        Kind::Node,
        Kind::StorageClass,
        Kind::PersistentVolume,
        Kind::Service,
        Kind::Secret,
        Kind::StatefulSet,
        Kind::ControllerRevision,
        Kind::PersistentVolumeClaim,
        Kind::Pod,
        Kind::EndpointSlice,
        Kind::Event,
    ];

    pub fn info(self) -> &'static KindInfo {
        // In range, and the right entry: checked when the crate compiles (below).
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

/// Any object the store holds. The largest kinds are boxed: every object, and every version the
/// watch log keeps, is allocated at the size of the enum, and Events are the most numerous.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Object {
    Namespace(Namespace),
    Node(Node),
    StorageClass(StorageClass),
    PersistentVolume(Box<PersistentVolume>),
    Service(Service),
    Secret(Secret),
    StatefulSet(Box<StatefulSet>),
    ControllerRevision(ControllerRevision),
    PersistentVolumeClaim(PersistentVolumeClaim),
    Pod(Box<Pod>),
    EndpointSlice(EndpointSlice),
    Event(Event),
}

macro_rules! each_object {
    ($obj:expr, $o:ident => $body:expr) => {
        match $obj {
            Object::Namespace($o) => $body,
            Object::Node($o) => $body,
            Object::StorageClass($o) => $body,
            Object::PersistentVolume($o) => $body,
            Object::Service($o) => $body,
            Object::Secret($o) => $body,
            Object::StatefulSet($o) => $body,
            Object::ControllerRevision($o) => $body,
            Object::PersistentVolumeClaim($o) => $body,
            Object::Pod($o) => $body,
            Object::EndpointSlice($o) => $body,
            Object::Event($o) => $body,
        }
    };
}

impl Object {
    pub fn kind(&self) -> Kind {
        match self {
            Object::Namespace(_) => Kind::Namespace,
            Object::Node(_) => Kind::Node,
            Object::StorageClass(_) => Kind::StorageClass,
            Object::PersistentVolume(_) => Kind::PersistentVolume,
            Object::Service(_) => Kind::Service,
            Object::Secret(_) => Kind::Secret,
            Object::StatefulSet(_) => Kind::StatefulSet,
            Object::ControllerRevision(_) => Kind::ControllerRevision,
            Object::PersistentVolumeClaim(_) => Kind::PersistentVolumeClaim,
            Object::Pod(_) => Kind::Pod,
            Object::EndpointSlice(_) => Kind::EndpointSlice,
            Object::Event(_) => Kind::Event,
        }
    }
    pub fn meta(&self) -> &ObjectMeta {
        each_object!(self, o => &o.metadata)
    }
    pub fn meta_mut(&mut self) -> &mut ObjectMeta {
        each_object!(self, o => &mut o.metadata)
    }
    pub fn name(&self) -> &str {
        &self.meta().name
    }
    pub fn namespace(&self) -> &str {
        &self.meta().namespace
    }

    /// The object as the API server returns it in JSON: `apiVersion` and `kind` first-class.
    pub fn to_value(&self) -> Value {
        let mut v = each_object!(self, o => serde_json::to_value(o)).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut v {
            m.insert(
                "apiVersion".into(),
                Value::String(self.kind().api_version()),
            );
            m.insert("kind".into(), Value::String(self.kind().name().into()));
        }
        v
    }

    /// Decodes a JSON object of the given kind (its `apiVersion`/`kind` fields are ignored).
    pub fn from_value(kind: Kind, mut v: Value) -> Result<Object, serde_json::Error> {
        if let Value::Object(m) = &mut v {
            m.remove("apiVersion");
            m.remove("kind");
        }
        Ok(match kind {
            Kind::Namespace => Object::Namespace(serde_json::from_value(v)?),
            Kind::Node => Object::Node(serde_json::from_value(v)?),
            Kind::StorageClass => Object::StorageClass(serde_json::from_value(v)?),
            Kind::PersistentVolume => Object::PersistentVolume(serde_json::from_value(v)?),
            Kind::Service => Object::Service(serde_json::from_value(v)?),
            Kind::Secret => Object::Secret(serde_json::from_value(v)?),
            Kind::StatefulSet => Object::StatefulSet(serde_json::from_value(v)?),
            Kind::ControllerRevision => Object::ControllerRevision(serde_json::from_value(v)?),
            Kind::PersistentVolumeClaim => {
                Object::PersistentVolumeClaim(serde_json::from_value(v)?)
            }
            Kind::Pod => Object::Pod(serde_json::from_value(v)?),
            Kind::EndpointSlice => Object::EndpointSlice(serde_json::from_value(v)?),
            Kind::Event => Object::Event(serde_json::from_value(v)?),
        })
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

fn typed<T: serde::de::DeserializeOwned + Into<Object>>(
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
        let decoded = Object::decode_typed(kind, &v, unstructured)?;
        // Fields whose Go types parse their own text: Secret data ([]byte, base64) and
        // resource quantities.
        match &decoded.0 {
            Object::Secret(s) => {
                for v in s.data.values() {
                    if let Some(at) = crate::base64::corrupt_at(v) {
                        return Err(decode::DecodeError {
                            message: format!("illegal base64 data at input byte {at}"),
                            converter: format!(
                                "error decoding from json: illegal base64 data at input byte {at}"
                            ),
                        });
                    }
                }
            }
            Object::PersistentVolumeClaim(c) => check_quantities(&c.spec.resources)?,
            Object::StatefulSet(s) => {
                for t in &s.spec.volume_claim_templates {
                    check_quantities(&t.spec.resources)?;
                }
            }
            _ => {}
        }
        Ok(decoded)
    }

    fn decode_typed(
        kind: Kind,
        v: &Value,
        unstructured: bool,
    ) -> Result<(Object, Vec<String>), decode::DecodeError> {
        let v = v.clone();
        match kind {
            Kind::Namespace => typed::<Namespace>(&v, unstructured),
            Kind::Node => typed::<Node>(&v, unstructured),
            Kind::StorageClass => typed::<StorageClass>(&v, unstructured),
            Kind::PersistentVolume => typed::<PersistentVolume>(&v, unstructured),
            Kind::Service => typed::<Service>(&v, unstructured),
            Kind::Secret => typed::<Secret>(&v, unstructured),
            Kind::StatefulSet => typed::<StatefulSet>(&v, unstructured),
            Kind::ControllerRevision => typed::<ControllerRevision>(&v, unstructured),
            Kind::PersistentVolumeClaim => typed::<PersistentVolumeClaim>(&v, unstructured),
            Kind::Pod => typed::<Pod>(&v, unstructured),
            Kind::EndpointSlice => typed::<EndpointSlice>(&v, unstructured),
            Kind::Event => typed::<Event>(&v, unstructured),
        }
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

fn check_quantities(r: &ResourceRequirements) -> Result<(), decode::DecodeError> {
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

macro_rules! resource {
    ($t:ident) => {
        impl Resource for $t {
            const KIND: Kind = Kind::$t;
            fn from_object(o: &Object) -> Option<&Self> {
                match o {
                    Object::$t(x) => Some(std::borrow::Borrow::<$t>::borrow(x)),
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
                Object::$t(x.into())
            }
        }
        impl From<Box<$t>> for Object {
            fn from(x: Box<$t>) -> Object {
                Object::$t((*x).into())
            }
        }
    };
}

resource!(Namespace);
resource!(Node);
resource!(StorageClass);
resource!(PersistentVolume);
resource!(Service);
resource!(Secret);
resource!(StatefulSet);
resource!(ControllerRevision);
resource!(PersistentVolumeClaim);
resource!(Pod);
resource!(EndpointSlice);
resource!(Event);

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
