//! The simulated cluster. Pure and deterministic: no IO, no wall clock, one seeded RNG.
//!
//! [`Cluster`] is the API server (create, get, list, update, delete, watch) plus the
//! controllers behind it: StatefulSet, Deployment, ReplicaSet, scheduler, PV binder and
//! local-path provisioner, EndpointSlice, garbage collector, node lifecycle and taint
//! eviction, and a kubelet per node (whose machine can be stopped and started). Time moves only through
//! [`Cluster::advance`], [`Cluster::step`] and [`Cluster::settle`].

// What the user does never unwraps: a failure is a message, not a panic (checked by clippy in CI).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod admission;
pub mod api;
pub mod apply;
pub mod base64;
mod bootstrap;
pub mod cluster;
pub mod container;
pub mod controllers;
pub mod dns;
pub mod error;
pub mod exec;
pub mod faults;
pub mod features;
pub mod fs;
pub mod images;
mod kinds;
pub mod patch;
pub mod printers;
pub mod quantity;
pub mod rng;
pub mod sort;
pub mod store;
pub mod tar;
pub mod time;
pub mod why;

/// How a StatefulSet names its pods and claims (`web-0`, `www-web-0`), for clients that lay
/// them out by ordinal.
pub mod names {
    pub use crate::controllers::statefulset::utils::{claim_name, parent_and_ordinal, pod_name};
}

pub use api::{FieldValidation, Kind, Object, Resource};
pub use bootstrap::{node_names, DNS_SERVICE_IP, KUBERNETES_VERSION, MAX_WORKERS, NODES};
pub use cluster::{Cluster, DeleteOptions, Propagation, Settled};
pub use error::{ApiError, Reason};
pub use store::{ObjKey, WatchEvent, WatchEventType};
pub use time::Time;
