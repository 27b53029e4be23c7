//! One place per kind: each kind's REST facts, defaulting, validation, status on update,
//! decode-time checks, stateful admission, graceful deletion, printer columns and row, and
//! store indices, as one [`KindDef`] impl per file.
//!
//! The kinds are listed once, in `api/mod.rs`'s `kinds!` invocation, which generates `Kind`,
//! `Object` and the dispatch from them to these impls. Every item is required, so a new kind
//! must decide each one and the compiler names what it has not decided yet; the optional
//! hooks are one item, [`Hooks`], where a kind names those it has. Long bodies shared with
//! other kinds (pod spec validation, say) stay in `admission.rs` and are called from here.
//! `crates/sim/tests/it/kinds.rs` checks that every kind has every piece.

mod controller_revision;
mod deployment;
mod endpoint_slice;
mod event;
mod namespace;
mod node;
mod persistent_volume;
mod persistent_volume_claim;
mod pod;
mod replica_set;
mod secret;
mod service;
mod stateful_set;
mod storage_class;

use crate::api::decode::DecodeError;
use crate::api::Resource;
use crate::error::{ApiError, Cause};
use crate::features::FeatureGates;
use crate::store::{Indices, ObjKey};
use crate::time::Time;
use crate::Cluster;

/// A kind's REST facts as discovery serves them (its name is the type's): group, version,
/// plural (lowercase, as in URLs and `kubectl get <resource>`), singular, short names, and
/// scope ([`NAMESPACED`] or [`CLUSTER`]).
pub(crate) struct Rest(
    pub &'static str,
    pub &'static str,
    pub &'static str,
    pub &'static str,
    pub &'static [&'static str],
    pub bool,
);

/// [`Rest`]'s scope.
pub(crate) const NAMESPACED: bool = true;
pub(crate) const CLUSTER: bool = false;

/// Everything the API server, the store and the printers need to know about one kind (the
/// API server's per-resource strategy, plus its table convertor). Every item is required.
pub(crate) trait KindDef: Resource + serde::Serialize + crate::api::decode::Decode {
    /// Group, version, plural, singular, short names, scope.
    const REST: Rest;

    /// Whether `metadata.generation` is kept: 1 on create, one more when the spec changes.
    const GENERATION: bool;

    /// `ValidateObjectMeta`'s name rule for the kind: error strings, empty if valid.
    const NAME_RULE: fn(&str) -> Vec<String>;

    /// What the kind does beyond the common path: defaulting, validation, admission, graceful
    /// deletion, decode-time checks, store indices. [`Hooks::NONE`] says "none of them".
    const HOOKS: Hooks<Self>;

    /// The server-side table's columns (`kubectl get`), and those `-o wide` adds.
    const COLUMNS: &'static [&'static str];
    const WIDE_COLUMNS: &'static [&'static str];

    /// The object's cells for [`KindDef::COLUMNS`] (and the wide ones when `wide`); `name` is
    /// the NAME cell as printed.
    fn row(&self, now: Time, name: String, wide: bool) -> Vec<String>;

    /// The status on update: a PUT of the object keeps the live status (`to` is the new
    /// object), a PUT of `/status` takes only the status (`to` is the live object). A kind
    /// without a status says so in an empty body.
    fn copy_status(from: &Self, to: &mut Self);
}

/// A kind's hooks into the API server and the store, each a plain function. A kind names the
/// ones it has and takes the rest from [`Hooks::NONE`] (`..Hooks::NONE`).
pub(crate) struct Hooks<T> {
    /// Fields whose Go types parse their own text when the body is decoded (base64 bytes,
    /// quantities): the decoder's error, in Go's words.
    pub check_decoded: fn(&T) -> Result<(), DecodeError>,
    /// `SetDefaults_*`: on create and on every update of the main resource.
    pub set_defaults: fn(&mut T),
    /// What the feature gates change (`dropDisabledFields`, defaults set only under a gate);
    /// the second argument is the stored object on update.
    pub gated_fields: fn(&mut T, Option<&T>, &FeatureGates),
    /// What an update (PUT) takes from the stored object (the second argument) before it is
    /// validated: values the server allocated that the client may leave out (a Service's
    /// cluster IPs, as `patchAllocatedValues` does).
    pub prepare_update: fn(&mut T, &T),
    /// Validation on create, after the metadata's: appends to `causes` (the 422's), or
    /// refuses outright with another error.
    pub validate_create: fn(&T, &mut Vec<Cause>) -> Result<(), ApiError>,
    /// Validation of an update of the second argument (immutable fields), after the
    /// metadata's.
    pub validate_update: fn(&T, &T, &mut Vec<Cause>) -> Result<(), ApiError>,
    /// Admission that reads or changes cluster state on create (the default StorageClass,
    /// Service IPs, protection finalizers, the initial phase).
    pub admit_create: fn(&mut T, &mut Cluster) -> Result<(), ApiError>,
    /// The same on an update of the second argument, after validation
    /// (`PersistentVolumeClaimResize`, write-only fields).
    pub admit_update: fn(&mut T, &T, &Cluster) -> Result<(), ApiError>,
    /// Graceful deletion (`CheckGracefulDelete`): the grace period a DELETE gives the object
    /// (the second argument is `--grace-period`); `None` if the kind is removed at once, once
    /// its finalizers are gone. A kind with a grace period is removed only when it reaches zero.
    pub deletion_grace: fn(&T, Option<i64>) -> Option<i64>,
    /// Adds the object to the store's secondary indices (owner and uid are kept for every
    /// kind by the store itself).
    pub index: fn(&T, &ObjKey, &mut Indices),
    /// Takes the object out of the indices `index` put it in.
    pub unindex: fn(&T, &ObjKey, &mut Indices),
}

impl<T> Hooks<T> {
    /// No defaults, no gated fields, no checks beyond the metadata's, no admission, removal at
    /// once, no indices.
    pub(crate) const NONE: Hooks<T> = Hooks {
        check_decoded: |_| Ok(()),
        set_defaults: |_| {},
        gated_fields: |_, _, _| {},
        prepare_update: |_, _| {},
        validate_create: |_, _| Ok(()),
        validate_update: |_, _, _| Ok(()),
        admit_create: |_, _| Ok(()),
        admit_update: |_, _, _| Ok(()),
        deletion_grace: |_, _| None,
        index: |_, _, _| {},
        unindex: |_, _, _| {},
    };
}
