//! One place per kind: each kind's REST facts, defaulting, validation, status on update,
//! decode-time checks, stateful admission, graceful deletion, printer columns and row, and
//! store indices, as one [`KindDef`] impl per file.
//!
//! The kinds are listed once, in `api/mod.rs`'s `kinds!` invocation, which generates `Kind`,
//! `Object` and the dispatch from them to these impls. Every item is required: a new kind must
//! decide each one, and the compiler names what it has not decided yet. Long bodies shared
//! with other kinds (pod spec validation, say) stay in `admission.rs` and are called from here.

mod controller_revision;
mod endpoint_slice;
mod event;
mod namespace;
mod node;
mod persistent_volume;
mod persistent_volume_claim;
mod pod;
mod secret;
mod service;
mod stateful_set;
mod storage_class;

use crate::api::decode::DecodeError;
use crate::api::Resource;
use crate::error::{ApiError, Cause};
use crate::store::{Indices, ObjKey};
use crate::time::Time;
use crate::Cluster;

/// A kind's REST facts as discovery serves them; its name is the type's.
pub(crate) struct Rest {
    pub group: &'static str,
    pub version: &'static str,
    /// Lowercase plural, as in URLs and `kubectl get <resource>`.
    pub plural: &'static str,
    pub singular: &'static str,
    pub short_names: &'static [&'static str],
    pub namespaced: bool,
}

/// Everything the API server, the store and the printers need to know about one kind (the
/// API server's per-resource strategy, plus its table convertor).
pub(crate) trait KindDef: Resource + serde::Serialize + serde::de::DeserializeOwned {
    /// Group, version, plural, singular, short names, scope.
    const REST: Rest;

    /// Whether `metadata.generation` is kept: 1 on create, one more when the spec changes.
    const GENERATION: bool;

    /// `ValidateObjectMeta`'s name rule for the kind: error strings, empty if valid.
    fn validate_name(name: &str) -> Vec<String>;

    /// Fields whose Go types parse their own text when the body is decoded (base64 bytes,
    /// quantities): the decoder's error, in Go's words.
    fn check_decoded(&self) -> Result<(), DecodeError>;

    /// `SetDefaults_*`: on create and on every update of the main resource.
    fn set_defaults(&mut self);

    /// Validation on create, after the metadata's: appends to `causes` (the 422's), or
    /// refuses outright with another error.
    fn validate_create(&self, causes: &mut Vec<Cause>) -> Result<(), ApiError>;

    /// Validation of an update of `old` (immutable fields), after the metadata's.
    fn validate_update(&self, old: &Self, causes: &mut Vec<Cause>) -> Result<(), ApiError>;

    /// The status on update: a PUT of the object keeps the live status (`to` is the new object),
    /// a PUT of `/status` takes only the status (`to` is the live object). Kinds without a
    /// status do nothing.
    fn copy_status(from: &Self, to: &mut Self);

    /// Admission that reads or changes cluster state on create (the default StorageClass,
    /// Service IPs, protection finalizers, the initial phase).
    fn admit_create(&mut self, c: &mut Cluster) -> Result<(), ApiError>;

    /// Graceful deletion (`CheckGracefulDelete`): the grace period a DELETE gives the object,
    /// `requested` being `--grace-period`; `None` if the kind is removed at once (once its
    /// finalizers are gone). A kind with a grace period is removed only when it reaches zero.
    fn deletion_grace(&self, requested: Option<i64>) -> Option<i64>;

    /// The server-side table's columns (`kubectl get`), and those `-o wide` adds.
    const COLUMNS: &'static [&'static str];
    const WIDE_COLUMNS: &'static [&'static str];

    /// The object's cells for [`KindDef::COLUMNS`] (and the wide ones when `wide`); `name` is
    /// the NAME cell as printed.
    fn row(&self, now: Time, name: String, wide: bool) -> Vec<String>;

    /// Adds the object to the store's secondary indices (owner and uid are kept for every
    /// kind by the store itself).
    fn index(&self, key: &ObjKey, idx: &mut Indices);

    /// Takes the object out of the indices [`KindDef::index`] put it in.
    fn unindex(&self, key: &ObjKey, idx: &mut Indices);
}
