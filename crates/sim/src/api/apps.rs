//! `apps/v1` kinds: StatefulSet, ControllerRevision, Deployment and ReplicaSet; plus `storage.k8s.io/v1` StorageClass
//! and `discovery.k8s.io/v1` EndpointSlice.

use super::core::{ObjectReference, PersistentVolumeClaim, PodTemplateSpec};
use super::decode::Decode;
use super::encode::Encode;
use super::meta::{LabelSelector, ObjectMeta};
use super::shared::Shared;
use crate::time::Time;
#[cfg(test)]
use serde::Deserialize;
use serde::Serialize;
use serde_json::Value;

/// A StatefulSet runs a set of pods with stable identities: each pod has an ordinal, a stable name
/// (NAME-0, NAME-1, …), a stable DNS name through the headless Service named by serviceName, and
/// its own persistent volume claims from volumeClaimTemplates, which stay with the ordinal when the
/// pod is replaced.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.apps.v1.StatefulSet")
)]
#[serde(rename_all = "camelCase", default)]
pub struct StatefulSet {
    /// The StatefulSet's metadata.
    pub metadata: ObjectMeta,
    /// The wanted pods: how many, from which template, with which claims, and how they are created
    /// and updated.
    pub spec: Shared<StatefulSetSpec>,
    /// How many pods exist, are ready and are updated, and the revisions. Read-only; may lag
    /// behind.
    pub status: StatefulSetStatus,
}

/// What a StatefulSet wants.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.apps.v1.StatefulSetSpec")
)]
#[serde(rename_all = "camelCase", default)]
pub struct StatefulSetSpec {
    /// How many pods are wanted. Defaults to 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// The labels of the pods the StatefulSet owns; must match the template's labels. Cannot be
    /// changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    /// The pod each replica is made from. Every pod gets its name and hostname from the StatefulSet
    /// and its ordinal; the template's restartPolicy may only be Always.
    pub template: PodTemplateSpec,
    /// Claims each pod gets: for every template and ordinal the controller creates a claim named
    /// TEMPLATE-STATEFULSET-ORDINAL, and the pod mounts it through a volume of the template's name.
    /// A claim outlives its pod unless persistentVolumeClaimRetentionPolicy says otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volume_claim_templates: Vec<PersistentVolumeClaim>,
    /// The headless Service that governs the pods' network identity: each pod is
    /// POD.SERVICE.NAMESPACE.svc.cluster.local. The Service must exist for the names to resolve.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    /// How pods are created and deleted on scale: OrderedReady (the default: one at a time, in
    /// ordinal order, each Running and Ready before the next, and deleted in reverse) or Parallel
    /// (all at once). Updates are not affected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_management_policy: Option<String>,
    /// How pods are replaced when the template changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_strategy: Option<StatefulSetUpdateStrategy>,
    /// How many old ControllerRevisions to keep. Defaults to 10.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<i32>,
    /// Seconds a new pod must be ready, without a container crashing, to count as available.
    /// Defaults to 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_ready_seconds: Option<i32>,
    /// Whether the claims from volumeClaimTemplates are deleted when the StatefulSet is deleted or
    /// scaled down. Defaults to keeping them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persistent_volume_claim_retention_policy: Option<RetentionPolicy>,
    /// Where the pods' ordinals start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ordinals: Option<StatefulSetOrdinals>,
}

/// How a StatefulSet replaces its pods when the template changes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.apps.v1.StatefulSetUpdateStrategy")
)]
#[serde(rename_all = "camelCase", default)]
pub struct StatefulSetUpdateStrategy {
    /// RollingUpdate (the default: pods are replaced one at a time, from the highest ordinal down)
    /// or OnDelete (a pod gets the new template only when it is deleted).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Parameters of RollingUpdate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rolling_update: Option<RollingUpdate>,
}

/// Parameters of a StatefulSet's rolling update.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.apps.v1.RollingUpdateStatefulSetStrategy")
)]
#[serde(rename_all = "camelCase", default)]
pub struct RollingUpdate {
    /// Only pods with an ordinal at or above the partition are updated; the others keep their
    /// revision, even when recreated. Defaults to 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partition: Option<i32>,
    /// The most pods that may be unavailable during the update: a number or a percentage of
    /// replicas (rounded up, at least 1). Defaults to 1. Needs the MaxUnavailableStatefulSet
    /// feature gate.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::IntOrString")
    )]
    pub max_unavailable: Option<Value>,
}

/// What happens to a StatefulSet's claims when the StatefulSet is deleted or scaled down.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy")
)]
#[serde(rename_all = "camelCase", default)]
pub struct RetentionPolicy {
    /// When the StatefulSet is deleted: Retain (the default: the claims stay) or Delete (they are
    /// deleted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when_deleted: Option<String>,
    /// When the StatefulSet is scaled down: Retain (the default) or Delete (the claims of the
    /// removed ordinals are deleted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when_scaled: Option<String>,
}

/// The numbering of a StatefulSet's pods.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.apps.v1.StatefulSetOrdinals")
)]
#[serde(rename_all = "camelCase", default)]
pub struct StatefulSetOrdinals {
    /// The first ordinal: pods are numbered from start to start + replicas - 1. Defaults to 0.
    pub start: i32,
}

/// What a StatefulSet has, as its controller last saw it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.apps.v1.StatefulSetStatus")
)]
#[serde(rename_all = "camelCase", default)]
pub struct StatefulSetStatus {
    /// The StatefulSet generation the controller last acted on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// How many pods the controller has created.
    pub replicas: i32,
    /// How many pods have a Ready condition.
    #[serde(skip_serializing_if = "is_zero")]
    pub ready_replicas: i32,
    /// How many pods are at currentRevision.
    #[serde(skip_serializing_if = "is_zero")]
    pub current_replicas: i32,
    /// How many pods are at updateRevision.
    #[serde(skip_serializing_if = "is_zero")]
    pub updated_replicas: i32,
    /// The revision the pods below the updated ones were made from.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub current_revision: String,
    /// The revision of the current template: the one pods are updated to.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub update_revision: String,
    /// How many times revision names collided; used to name the next revision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collision_count: Option<i32>,
    /// How many pods have been ready for at least minReadySeconds.
    pub available_replicas: i32,
    /// Observations of the StatefulSet's state.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::ObjectList")
    )]
    pub conditions: Option<Value>,
}

fn is_zero(n: &i32) -> bool {
    *n == 0
}

impl StatefulSet {
    pub fn replicas(&self) -> i32 {
        self.spec.replicas.unwrap_or(1)
    }
    pub fn start_ordinal(&self) -> i32 {
        self.spec.ordinals.as_ref().map_or(0, |o| o.start)
    }
    pub fn is_parallel(&self) -> bool {
        self.spec.pod_management_policy.as_deref() == Some("Parallel")
    }
    pub fn update_strategy_type(&self) -> &str {
        self.spec
            .update_strategy
            .as_ref()
            .and_then(|s| s.type_.as_deref())
            .unwrap_or("RollingUpdate")
    }
    pub fn partition(&self) -> i32 {
        self.spec
            .update_strategy
            .as_ref()
            .and_then(|s| s.rolling_update.as_ref())
            .and_then(|r| r.partition)
            .unwrap_or(0)
    }
    pub fn min_ready_seconds(&self) -> i64 {
        self.spec.min_ready_seconds.unwrap_or(0) as i64
    }
    pub fn when_scaled(&self) -> &str {
        self.spec
            .persistent_volume_claim_retention_policy
            .as_ref()
            .and_then(|p| p.when_scaled.as_deref())
            .unwrap_or("Retain")
    }
    pub fn when_deleted(&self) -> &str {
        self.spec
            .persistent_volume_claim_retention_policy
            .as_ref()
            .and_then(|p| p.when_deleted.as_deref())
            .unwrap_or("Retain")
    }
}

/// An immutable snapshot of a controller's template: a StatefulSet keeps one per revision, to know
/// which pods are current and to roll back.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.apps.v1.ControllerRevision")
)]
#[serde(rename_all = "camelCase", default)]
pub struct ControllerRevision {
    /// The revision's metadata; its owner is the controller.
    pub metadata: ObjectMeta,
    /// The snapshot: for a StatefulSet, the patch of its template.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub data: Value,
    /// The revision's number: one more than the highest before it.
    pub revision: i64,
}

/// A class of storage: the provisioner that makes volumes for claims of the class, and their
/// parameters. Cluster-scoped.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.storage.v1.StorageClass")
)]
#[serde(rename_all = "camelCase", default)]
pub struct StorageClass {
    /// The class's metadata. The annotation storageclass.kubernetes.io/is-default-class=true makes
    /// it the default class.
    pub metadata: ObjectMeta,
    /// The provisioner that creates the class's volumes, such as rancher.io/local-path.
    pub provisioner: String,
    /// The reclaim policy of volumes the class provisions: Delete (the default) or Retain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reclaim_policy: Option<String>,
    /// When claims are bound: Immediate (the default) or WaitForFirstConsumer (once a pod using the
    /// claim is scheduled, on that pod's node).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume_binding_mode: Option<String>,
    /// Whether claims of the class may grow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_volume_expansion: Option<bool>,
    /// Parameters for the provisioner.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "std::collections::BTreeMap<String, String>")
    )]
    pub parameters: Option<Value>,
    /// Mount options of volumes the class provisions.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub mount_options: Option<Value>,
    /// Where the class may provision volumes. Ordinal keeps it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::ObjectList")
    )]
    pub allowed_topologies: Option<Value>,
}

/// A set of endpoints of a Service: the addresses of its pods and their ports. The EndpointSlice
/// controller keeps them up to date from the Service's selector.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.discovery.v1.EndpointSlice")
)]
#[serde(rename_all = "camelCase", default)]
pub struct EndpointSlice {
    /// The slice's metadata; the label kubernetes.io/service-name names its Service.
    pub metadata: ObjectMeta,
    /// The kind of addresses: IPv4, IPv6 or FQDN.
    pub address_type: String,
    /// The endpoints: at most 1000.
    // Each shared with the slice's versions before that have it unchanged.
    pub endpoints: Vec<Shared<Endpoint>>,
    /// The ports every endpoint has. None means all ports.
    pub ports: Vec<EndpointPort>,
}

/// One endpoint of a slice: usually a pod.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.discovery.v1.Endpoint")
)]
#[serde(rename_all = "camelCase", default)]
pub struct Endpoint {
    /// The endpoint's addresses.
    pub addresses: Vec<String>,
    /// Whether the endpoint is ready, serving and terminating.
    pub conditions: EndpointConditions,
    /// The endpoint's hostname, used for DNS of a headless Service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// The node the endpoint runs on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_name: Option<String>,
    /// The object the endpoint stands for, usually a pod.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_ref: Option<ObjectReference>,
}

/// The state of an endpoint.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.discovery.v1.EndpointConditions")
)]
#[serde(rename_all = "camelCase", default)]
pub struct EndpointConditions {
    /// Whether the endpoint is ready for traffic: serving and not terminating.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ready: Option<bool>,
    /// Whether the endpoint passes its readiness checks, even while terminating.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serving: Option<bool>,
    /// Whether the endpoint is terminating.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terminating: Option<bool>,
}

/// A port of a slice's endpoints.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.discovery.v1.EndpointPort")
)]
#[serde(rename_all = "camelCase", default)]
pub struct EndpointPort {
    /// The port's name, as in the Service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The port number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    /// TCP, UDP or SCTP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
}

/// A Deployment keeps a number of identical, interchangeable pods running from one template, and
/// replaces them gradually when the template changes. It does so through ReplicaSets: one per
/// version of the template, named after the template's hash, of which only the newest is scaled
/// up. Its pods get random names and no stable identity or storage of their own.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.apps.v1.Deployment")
)]
#[serde(rename_all = "camelCase", default)]
pub struct Deployment {
    /// The Deployment's metadata.
    pub metadata: ObjectMeta,
    /// The wanted pods: how many, from which template, and how a new template replaces the old one.
    pub spec: DeploymentSpec,
    /// How many pods exist, are up to date and are available, and the rollout's conditions.
    /// Read-only; may lag behind.
    pub status: DeploymentStatus,
}

/// What a Deployment wants.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.apps.v1.DeploymentSpec")
)]
#[serde(rename_all = "camelCase", default)]
pub struct DeploymentSpec {
    /// How many pods are wanted. Defaults to 1; 0 is allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// The labels of the pods (and ReplicaSets) the Deployment manages; must match the template's
    /// labels and cannot be changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    /// The pod each replica is made from. Changing it starts a rollout; its restartPolicy may only
    /// be Always.
    pub template: PodTemplateSpec,
    /// How pods of an old template are replaced by pods of the new one.
    pub strategy: DeploymentStrategy,
    /// Seconds a new pod must be ready, without a container crashing, to count as available.
    /// Defaults to 0: available as soon as it is ready.
    #[serde(skip_serializing_if = "is_zero")]
    pub min_ready_seconds: i32,
    /// How many old ReplicaSets (scaled to zero) to keep for rolling back. Defaults to 10.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<i32>,
    /// While true, changes to the template start no rollout and progress is not tracked.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub paused: bool,
    /// Seconds a rollout may go without progress before the Progressing condition turns False
    /// with reason ProgressDeadlineExceeded; the controller keeps trying. Defaults to 600; must be
    /// more than minReadySeconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress_deadline_seconds: Option<i32>,
}

/// How a Deployment replaces its pods.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.apps.v1.DeploymentStrategy")
)]
#[serde(rename_all = "camelCase", default)]
pub struct DeploymentStrategy {
    /// RollingUpdate (the default: new pods are added and old ones removed a few at a time, within
    /// maxSurge and maxUnavailable) or Recreate (every old pod is removed before any new one is
    /// created).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Parameters of RollingUpdate; only with that type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rolling_update: Option<RollingUpdateDeployment>,
}

/// The limits of a Deployment's rolling update.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.apps.v1.RollingUpdateDeployment")
)]
#[serde(rename_all = "camelCase", default)]
pub struct RollingUpdateDeployment {
    /// How many of the wanted pods may be unavailable during the update: a number or a percentage
    /// of replicas (rounded down). Defaults to 25%. Cannot be 0 when maxSurge is 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::IntOrString")
    )]
    pub max_unavailable: Option<Value>,
    /// How many pods may exist above the wanted number during the update: a number or a percentage
    /// of replicas (rounded up). Defaults to 25%. Cannot be 0 when maxUnavailable is 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::IntOrString")
    )]
    pub max_surge: Option<Value>,
}

/// What a Deployment has, as its controller last saw it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.apps.v1.DeploymentStatus")
)]
#[serde(rename_all = "camelCase", default)]
pub struct DeploymentStatus {
    /// The Deployment generation the controller last acted on.
    #[serde(skip_serializing_if = "is_zero_64")]
    pub observed_generation: i64,
    /// How many pods the Deployment's ReplicaSets have, not counting terminating ones.
    #[serde(skip_serializing_if = "is_zero")]
    pub replicas: i32,
    /// How many of those pods are made from the current template.
    #[serde(skip_serializing_if = "is_zero")]
    pub updated_replicas: i32,
    /// How many of those pods are ready.
    #[serde(skip_serializing_if = "is_zero")]
    pub ready_replicas: i32,
    /// How many of those pods have been ready for at least minReadySeconds.
    #[serde(skip_serializing_if = "is_zero")]
    pub available_replicas: i32,
    /// How many more pods must become available for the Deployment to have all it wants: pods
    /// not available yet, or not created yet.
    #[serde(skip_serializing_if = "is_zero")]
    pub unavailable_replicas: i32,
    /// How many pods are terminating. Only with the DeploymentReplicaSetTerminatingReplicas
    /// feature gate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terminating_replicas: Option<i32>,
    /// Observations of the rollout: Available, Progressing, ReplicaFailure.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<DeploymentCondition>,
    /// How many times the hash of a new template collided with an existing ReplicaSet of a
    /// different template; it is added to the hash to name the next one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collision_count: Option<i32>,
}

/// One observation of a Deployment's state.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.apps.v1.DeploymentCondition")
)]
#[serde(rename_all = "camelCase", default)]
pub struct DeploymentCondition {
    /// Available, Progressing or ReplicaFailure.
    #[serde(rename = "type")]
    pub type_: String,
    /// True, False or Unknown.
    pub status: String,
    /// When the controller last wrote this condition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_update_time: Option<Time>,
    /// When the status last changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
    /// A one-word reason for the status, such as NewReplicaSetAvailable.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// The same, for people.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// A ReplicaSet keeps a number of pods from one template running: it creates pods when there are
/// fewer than it wants and deletes some when there are more. Deployments create and scale them;
/// they are rarely made by hand.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.apps.v1.ReplicaSet")
)]
#[serde(rename_all = "camelCase", default)]
pub struct ReplicaSet {
    /// The ReplicaSet's metadata; a Deployment's ReplicaSet is owned by it and named after the
    /// template's hash.
    pub metadata: ObjectMeta,
    /// The wanted pods: how many, and from which template.
    pub spec: ReplicaSetSpec,
    /// How many pods exist, are ready and are available. Read-only; may lag behind.
    pub status: ReplicaSetStatus,
}

/// What a ReplicaSet wants.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.apps.v1.ReplicaSetSpec")
)]
#[serde(rename_all = "camelCase", default)]
pub struct ReplicaSetSpec {
    /// How many pods are wanted. Defaults to 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// Seconds a new pod must be ready, without a container crashing, to count as available.
    /// Defaults to 0.
    #[serde(skip_serializing_if = "is_zero")]
    pub min_ready_seconds: i32,
    /// The labels of the pods the ReplicaSet counts as its own; must match the template's labels.
    /// Pods that match and have no controller are adopted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    /// The pod each missing replica is made from. Changing it affects only pods created later.
    pub template: PodTemplateSpec,
}

/// What a ReplicaSet has, as its controller last saw it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.apps.v1.ReplicaSetStatus")
)]
#[serde(rename_all = "camelCase", default)]
pub struct ReplicaSetStatus {
    /// How many pods the ReplicaSet has, not counting terminating ones.
    pub replicas: i32,
    /// How many of them have every label of the template.
    #[serde(skip_serializing_if = "is_zero")]
    pub fully_labeled_replicas: i32,
    /// How many of them are ready.
    #[serde(skip_serializing_if = "is_zero")]
    pub ready_replicas: i32,
    /// How many of them have been ready for at least minReadySeconds.
    #[serde(skip_serializing_if = "is_zero")]
    pub available_replicas: i32,
    /// How many pods are terminating. Only with the DeploymentReplicaSetTerminatingReplicas
    /// feature gate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terminating_replicas: Option<i32>,
    /// The ReplicaSet generation the controller last acted on.
    #[serde(skip_serializing_if = "is_zero_64")]
    pub observed_generation: i64,
    /// Observations of the ReplicaSet's state: ReplicaFailure when pods could not be created or
    /// deleted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<ReplicaSetCondition>,
}

/// One observation of a ReplicaSet's state.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.apps.v1.ReplicaSetCondition")
)]
#[serde(rename_all = "camelCase", default)]
pub struct ReplicaSetCondition {
    /// ReplicaFailure.
    #[serde(rename = "type")]
    pub type_: String,
    /// True, False or Unknown.
    pub status: String,
    /// When the status last changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
    /// A one-word reason for the status: FailedCreate or FailedDelete.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// The error, for people.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
}

fn is_zero_64(n: &i64) -> bool {
    *n == 0
}

impl Deployment {
    pub fn replicas(&self) -> i32 {
        self.spec.replicas.unwrap_or(1)
    }
    pub fn is_recreate(&self) -> bool {
        self.spec.strategy.type_.as_deref() == Some("Recreate")
    }
    pub fn condition(&self, type_: &str) -> Option<&DeploymentCondition> {
        self.status.conditions.iter().find(|c| c.type_ == type_)
    }
}

impl ReplicaSet {
    pub fn replicas(&self) -> i32 {
        self.spec.replicas.unwrap_or(1)
    }
}
