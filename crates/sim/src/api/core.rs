//! `core/v1` kinds: Pod, Service, PersistentVolumeClaim, PersistentVolume, Secret, Node,
//! Namespace, Event. Field names are Kubernetes' own; unmodelled sub-objects are kept as JSON.

use super::decode::Decode;
use super::encode::Encode;
use super::meta::{LabelSelector, Labels, ObjectMeta};
use super::shared::{Shared, SharedStr};
use crate::time::Time;
#[cfg(test)]
use serde::Deserialize;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

// ---------------------------------------------------------------- Pod

/// A pod: a group of containers that run together on one node, sharing its network namespace and
/// volumes. Controllers such as a StatefulSet create them from a template.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.Pod")
)]
#[serde(rename_all = "camelCase", default)]
pub struct Pod {
    /// The pod's metadata: name, namespace, labels, owners.
    pub metadata: ObjectMeta,
    /// What the pod should run: its containers, volumes and scheduling constraints.
    pub spec: Shared<PodSpec>,
    /// What the pod is doing, reported by its node's kubelet. Read-only; may lag behind.
    pub status: PodStatus,
}

/// The pod a controller creates: metadata and spec, as for a pod.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.PodTemplateSpec")
)]
#[serde(rename_all = "camelCase", default)]
pub struct PodTemplateSpec {
    /// The metadata the created pods get, notably the labels the controller's selector must match.
    pub metadata: ObjectMeta,
    /// The spec the created pods get.
    pub spec: PodSpec,
}

/// What a pod should run and how: its containers and volumes, and the constraints of where and how
/// it is scheduled.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.PodSpec")
)]
#[serde(rename_all = "camelCase", default)]
pub struct PodSpec {
    /// Containers that run one after another, each to completion, before the app containers start.
    /// A failing one is restarted as the pod's restartPolicy says. Cannot be changed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub init_containers: Vec<Container>,
    /// The pod's app containers; at least one. Cannot be added or removed once the pod exists.
    pub containers: Shared<Vec<Container>>,
    /// Volumes the pod's containers can mount, each named.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<Volume>,
    /// When the kubelet restarts a container that ended: Always (the default), OnFailure or Never.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart_policy: Option<String>,
    /// Seconds a container gets to stop after it is sent SIGTERM, before SIGKILL. Defaults to 30; 0
    /// stops at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub termination_grace_period_seconds: Option<i64>,
    /// How many seconds the pod may be active, counted from its start, before the kubelet fails it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_deadline_seconds: Option<i64>,
    /// How the pod's DNS is configured: ClusterFirst (the default: the cluster's DNS first),
    /// Default (the node's), ClusterFirstWithHostNet or None.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns_policy: Option<String>,
    /// Labels a node must have for the pod to be scheduled onto it.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub node_selector: BTreeMap<String, String>,
    /// The service account the pod runs as. Defaults to default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_account_name: Option<String>,
    /// The node the pod runs on. Set by the scheduler when it binds the pod; a pod created with it
    /// skips scheduling.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_name: Option<String>,
    /// Whether the pod uses the node's network namespace instead of its own. Defaults to false.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_network: Option<bool>,
    /// Security settings for the whole pod (user and group IDs, fsGroup, sysctls). Ordinal keeps it
    /// as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub security_context: Option<Value>,
    /// Secrets of type docker-registry (or dockercfg) in the pod's namespace, whose credentials the
    /// kubelet uses to pull the images.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub image_pull_secrets: Vec<LocalObjectReference>,
    /// The pod's hostname. Defaults to the pod's name; a StatefulSet sets it to the pod's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// If set, the pod's fully qualified name is hostname.subdomain.namespace.svc.cluster.local,
    /// resolvable when a headless Service of that name selects it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subdomain: Option<String>,
    /// Node affinity, pod affinity and pod anti-affinity rules for scheduling. Ordinal keeps it as
    /// given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub affinity: Option<Value>,
    /// The scheduler that places the pod. Defaults to default-scheduler.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduler_name: Option<String>,
    /// The taints the pod tolerates: a node's taint keeps the pod off (or evicts it) unless a
    /// toleration matches.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tolerations: Vec<Toleration>,
    /// The pod's priority, set from its priority class by admission.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
    /// Whether the kubelet puts the Services of the namespace into the containers' environment,
    /// docker-links style. Defaults to true.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_service_links: Option<bool>,
    /// Whether the pod may preempt pods of lower priority: PreemptLowerPriority (the default) or
    /// Never.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preemption_policy: Option<String>,
    // Kept as given (not simulated), so that manifests using them decode without unknown fields.
    /// Whether the service account's token is mounted into the containers. Ordinal keeps it as
    /// given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automount_service_account_token: Option<bool>,
    /// DNS settings merged into those dnsPolicy gives: nameservers, search domains, options.
    /// Ordinal keeps it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub dns_config: Option<Value>,
    /// Temporary containers added to a running pod for debugging (`kubectl debug`), only through
    /// its ephemeralcontainers subresource. They are started once and never restarted, have no
    /// ports, probes or resources, and cannot be changed or removed once added.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<EphemeralContainerSchema>"))]
    pub ephemeral_containers: Vec<EphemeralContainer>,
    /// Extra entries for the containers' /etc/hosts. Ordinal keeps it as given but does not
    /// simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::ObjectList")
    )]
    pub host_aliases: Option<Value>,
    /// Whether the pod uses the node's IPC namespace. Defaults to false. Ordinal keeps it as given
    /// but does not simulate it.
    #[serde(rename = "hostIPC", skip_serializing_if = "Option::is_none")]
    pub host_ipc: Option<bool>,
    /// Whether the pod uses the node's process ID namespace. Defaults to false. Ordinal keeps it as
    /// given but does not simulate it.
    #[serde(rename = "hostPID", skip_serializing_if = "Option::is_none")]
    pub host_pid: Option<bool>,
    /// Whether the pod uses the node's user namespace (true, the default) or its own. Ordinal keeps
    /// it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_users: Option<bool>,
    /// The operating system the pod's containers need (linux or windows). Ordinal keeps it as given
    /// but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub os: Option<Value>,
    /// Resources the pod's sandbox uses beyond its containers, set from its runtime class by
    /// admission. Ordinal keeps it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "std::collections::BTreeMap<String, crate::api::meta::schema::Quantity>")
    )]
    pub overhead: Option<Value>,
    /// The priority class that gives the pod its priority. Ordinal keeps it as given but does not
    /// simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority_class_name: Option<String>,
    /// Extra pod conditions that must be True for the pod to be ready. Ordinal keeps it as given
    /// but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::ObjectList")
    )]
    pub readiness_gates: Option<Value>,
    /// Dynamically allocated resources the pod's containers may use. Ordinal keeps it as given but
    /// does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::ObjectList")
    )]
    pub resource_claims: Option<Value>,
    /// Resource requests and limits for the pod as a whole. Ordinal keeps it as given but does not
    /// simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub resources: Option<Value>,
    /// The runtime class that runs the pod. Ordinal keeps it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_class_name: Option<String>,
    /// While any gate is listed the pod is not scheduled. Ordinal keeps it as given but does not
    /// simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::ObjectList")
    )]
    pub scheduling_gates: Option<Value>,
    /// Deprecated alias of serviceAccountName.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_account: Option<String>,
    /// Whether the pod's hostname is its fully qualified domain name rather than its short name.
    /// Ordinal keeps it as given but does not simulate it.
    #[serde(rename = "setHostnameAsFQDN", skip_serializing_if = "Option::is_none")]
    pub set_hostname_as_fqdn: Option<bool>,
    /// Whether the pod's containers share one process namespace. Ordinal keeps it as given but does
    /// not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_process_namespace: Option<bool>,
    /// How the pod's replicas should spread across zones, nodes or other topology domains. Ordinal
    /// keeps it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::ObjectList")
    )]
    pub topology_spread_constraints: Option<Value>,
}

/// A reference to an object in the same namespace, by name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.LocalObjectReference")
)]
#[serde(rename_all = "camelCase", default)]
pub struct LocalObjectReference {
    /// The name of the object.
    pub name: String,
}

/// Lets a pod onto (or keeps it on) a node with a matching taint.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.Toleration")
)]
#[serde(rename_all = "camelCase", default)]
pub struct Toleration {
    /// The taint key it matches; empty with operator Exists matches every taint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Equal (the default: the value must match) or Exists (any value).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// The taint value it matches, for operator Equal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The taint effect it matches: NoSchedule, PreferNoSchedule or NoExecute; empty matches all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effect: Option<String>,
    /// For NoExecute: how long the pod stays on the node once the taint appears before it is
    /// evicted. Unset tolerates forever.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toleration_seconds: Option<i64>,
}

/// A container to run in a pod: its image, command, ports, environment, mounts and probes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.Container")
)]
#[serde(rename_all = "camelCase", default)]
pub struct Container {
    /// The container's name, unique within the pod (a DNS label). Cannot be changed.
    pub name: String,
    /// The image to run, such as nginx:1.27 or a registry path. Controllers require it; it may be
    /// left out only where something else supplies it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The executable and its arguments, replacing the image's ENTRYPOINT. Not run in a shell.
    /// Defaults to the image's ENTRYPOINT.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// Arguments to the command, replacing the image's CMD. Defaults to the image's CMD.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// The directory the process starts in. Defaults to the image's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
    /// Ports the container listens on. Informational: a port not listed is still reachable.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ContainerPort>,
    /// Environment variables to set in the container.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    /// The compute resources the container requests and its limits (cpu, memory). Ordinal keeps it
    /// as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub resources: Option<Value>,
    /// Volumes of the pod to mount into the container's filesystem.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volume_mounts: Vec<VolumeMount>,
    /// A periodic check that the container is alive; the kubelet restarts it when the check fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub liveness_probe: Option<Probe>,
    /// A periodic check that the container is ready for traffic; while it fails the pod is not
    /// ready and gets no Service traffic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readiness_probe: Option<Probe>,
    /// A check that the container has started; until it succeeds the other probes do not run, and
    /// if it fails the container is restarted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub startup_probe: Option<Probe>,
    /// Actions the kubelet runs right after the container starts and before it stops. Ordinal keeps
    /// it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub lifecycle: Option<Value>,
    /// The file whose contents become the container's termination message. Defaults to
    /// /dev/termination-log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub termination_message_path: Option<String>,
    /// Where the termination message comes from: File (the default) or FallbackToLogsOnError.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub termination_message_policy: Option<String>,
    /// When to pull the image: Always, IfNotPresent or Never. Defaults to Always for a :latest tag
    /// or none, otherwise IfNotPresent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_pull_policy: Option<String>,
    /// The container's security options (user, capabilities, privileged). Ordinal keeps it as given
    /// but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub security_context: Option<Value>,
    /// Whether the container has a standard input stream; without it reads see end of file.
    /// Defaults to false.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stdin: Option<bool>,
    /// Whether the standard input closes after the first attach ends. Defaults to false.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stdin_once: Option<bool>,
    /// Whether the container gets a terminal; needs stdin. Defaults to false.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tty: Option<bool>,
    // Kept as given (not simulated), so that manifests using them decode without unknown fields.
    /// Sources (ConfigMaps, Secrets) whose keys all become environment variables. Ordinal keeps it
    /// as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::ObjectList")
    )]
    pub env_from: Option<Value>,
    /// How the container's resources may be resized in place. Ordinal keeps it as given but does
    /// not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::ObjectList")
    )]
    pub resize_policy: Option<Value>,
    /// For an init container only: Always makes it a sidecar that runs alongside the app
    /// containers. Ordinal keeps it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart_policy: Option<String>,
    /// Block devices of the pod to give the container. Ordinal keeps it as given but does not
    /// simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::ObjectList")
    )]
    pub volume_devices: Option<Value>,
    /// An ephemeral container's `targetContainerName` (see [`EphemeralContainer`]). It lives here
    /// so that an ephemeral container decodes through `Container`'s own decoder (a flattened
    /// struct would instantiate all of `Container`'s serde code a second time in the wasm); in an
    /// app or init container it is an unknown field (`Object::decode_with` reports it).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub target_container_name: Option<String>,
}

/// A temporary container added to a running pod to debug it: a container's fields (those
/// allowed: no ports, probes, lifecycle or resources) and `targetContainerName`, the app container
/// whose process namespace it joins (so it sees, and may signal, that container's processes;
/// unset: the pod's own namespace), kept in `container.target_container_name`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[serde(transparent)]
pub struct EphemeralContainer {
    /// The container's fields, as for an app container, and its target.
    pub container: Container,
}

// `EphemeralContainer`'s schema (explain): a container's fields and `targetContainerName`. Its
// doc comment is the description explain prints.
/// A temporary container added to a running pod to debug it: a container's fields (those
/// allowed: no ports, probes, lifecycle or resources) and the container whose processes it
/// shares.
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[schemars(rename = "io.k8s.api.core.v1.EphemeralContainer")]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub(crate) struct EphemeralContainerSchema {
    /// The container's fields, as for an app container.
    #[serde(flatten)]
    container: Container,
    /// The name of an app container whose process namespace this one joins, so it sees (and may
    /// signal) that container's processes. Unset: the pod's own namespace.
    target_container_name: Option<String>,
}

/// A network port of a container.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.ContainerPort")
)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerPort {
    /// A name for the port (an IANA service name), unique in the pod, which Services can target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The port number on the pod's IP address, between 1 and 65535.
    pub container_port: i32,
    /// TCP (the default), UDP or SCTP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// The node's address to bind hostPort to.
    #[serde(rename = "hostIP", skip_serializing_if = "Option::is_none")]
    pub host_ip: Option<String>,
    /// A port on the node to expose the container's port on. Most pods do not need one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_port: Option<i32>,
}

/// An environment variable of a container.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.EnvVar")
)]
#[serde(rename_all = "camelCase", default)]
pub struct EnvVar {
    /// The variable's name.
    pub name: String,
    /// The value. $(VAR) references to variables defined before it are expanded; $$(VAR) is a
    /// literal. Defaults to empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Where the value comes from instead: a field of the pod, a resource, a ConfigMap key or a
    /// Secret key. Ordinal keeps it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub value_from: Option<Value>,
}

/// Where a volume of the pod appears in a container's filesystem.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.VolumeMount")
)]
#[serde(rename_all = "camelCase", default)]
pub struct VolumeMount {
    /// The name of the pod's volume to mount.
    pub name: String,
    /// The path in the container to mount the volume at; must not contain ':'.
    pub mount_path: String,
    /// Mount read-only if true. Defaults to false.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    /// A path inside the volume to mount instead of its root. Defaults to the root.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_path: Option<String>,
    /// Whether mounts propagate between the host and the container: None (the default),
    /// HostToContainer or Bidirectional. Ordinal keeps it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mount_propagation: Option<String>,
    /// Whether a read-only mount is also read-only below it: Disabled, IfPossible or Enabled.
    /// Ordinal keeps it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recursive_read_only: Option<String>,
    /// Like subPath, with $(VAR) references to the container's environment expanded. Ordinal keeps
    /// it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_path_expr: Option<String>,
}

/// A check the kubelet runs against a container on a schedule, and the thresholds that turn its
/// results into success or failure.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.Probe")
)]
#[serde(rename_all = "camelCase", default)]
pub struct Probe {
    /// Run a command in the container; exit status 0 is success.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exec: Option<ExecAction>,
    /// Send an HTTP GET; a status from 200 to 399 is success.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_get: Option<HttpGetAction>,
    /// Open a TCP connection; success if it opens. Ordinal keeps it as given but does not simulate
    /// it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub tcp_socket: Option<Value>,
    /// Seconds after the container starts before the first check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_delay_seconds: Option<i32>,
    /// Seconds a check may take before it counts as failed. Defaults to 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i32>,
    /// Seconds between checks. Defaults to 10.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_seconds: Option<i32>,
    /// Consecutive successes needed, after a failure, to count as passing again. Defaults to 1;
    /// must be 1 for liveness and startup.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success_threshold: Option<i32>,
    /// Consecutive failures needed to count as failing. Defaults to 3.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_threshold: Option<i32>,
    /// Call a gRPC health check. Ordinal keeps it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub grpc: Option<Value>,
    /// A grace period for a container this probe's failure kills, overriding the pod's. Ordinal
    /// keeps it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub termination_grace_period_seconds: Option<i64>,
}

/// A command run in the container.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.ExecAction")
)]
#[serde(rename_all = "camelCase", default)]
pub struct ExecAction {
    /// The command and its arguments, run in the container's root directory without a shell (call
    /// one to use pipes or variables). Exit status 0 is healthy.
    pub command: Vec<String>,
}

/// An HTTP GET request sent to a container.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.HTTPGetAction")
)]
#[serde(rename_all = "camelCase", default)]
pub struct HttpGetAction {
    /// The path to request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The container's port to request: a number from 1 to 65535, or a port's name.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::IntOrString")
    )]
    pub port: Value,
    /// HTTP (the default) or HTTPS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    /// The host to connect to. Defaults to the pod's IP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Extra headers to send. Ordinal keeps it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::ObjectList")
    )]
    pub http_headers: Option<Value>,
}

/// A named volume the pod's containers can mount, and where its data comes from: exactly one
/// source.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.Volume")
)]
#[serde(rename_all = "camelCase", default)]
pub struct Volume {
    /// The volume's name, unique in the pod (a DNS label); mounts refer to it.
    pub name: String,
    /// A PersistentVolumeClaim in the pod's namespace: the volume bound to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persistent_volume_claim: Option<PvcVolumeSource>,
    /// An empty directory that lives as long as the pod.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub empty_dir: Option<Value>,
    /// The keys of a ConfigMap as files.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub config_map: Option<Value>,
    /// The keys of a Secret as files.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub secret: Option<Value>,
    /// A file or directory of the node. Ordinal keeps it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub host_path: Option<Value>,
    /// Several sources (Secrets, ConfigMaps, the downward API, a service account token) in one
    /// directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub projected: Option<Value>,
    // Kept as given (not simulated), so that manifests using them decode without unknown fields.
    /// Fields of the pod as files. Ordinal keeps it as given but does not simulate it.
    #[serde(rename = "downwardAPI", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub downward_api: Option<Value>,
    /// A volume from a claim created with the pod and deleted with it. Ordinal keeps it as given
    /// but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub ephemeral: Option<Value>,
    /// An NFS export. Ordinal keeps it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub nfs: Option<Value>,
    /// An inline volume of a CSI driver. Ordinal keeps it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub csi: Option<Value>,
    /// The contents of an OCI image or artifact, read-only. Ordinal keeps it as given but does not
    /// simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub image: Option<Value>,
    /// An iSCSI disk. Ordinal keeps it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub iscsi: Option<Value>,
    /// A Fibre Channel disk. Ordinal keeps it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub fc: Option<Value>,
}

/// A pod volume backed by a PersistentVolumeClaim in the pod's namespace.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.PersistentVolumeClaimVolumeSource")
)]
#[serde(rename_all = "camelCase", default)]
pub struct PvcVolumeSource {
    /// The name of the claim.
    pub claim_name: String,
    /// Mount the volume read-only. Defaults to false.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
}

/// What a pod is doing: its phase, its conditions, its addresses and each container's state.
/// Reported by the kubelet; may lag behind.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.PodStatus")
)]
#[serde(rename_all = "camelCase", default)]
pub struct PodStatus {
    /// Where the pod is in its life: Pending (accepted, not all containers running yet: scheduling,
    /// pulling images), Running (bound to a node, all containers created, at least one running or
    /// restarting), Succeeded (all containers ended successfully and will not restart), Failed (all
    /// ended, at least one in failure), or Unknown (the node cannot be reached).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    /// The pod's conditions (PodScheduled, Initialized, ContainersReady, Ready, …), each True,
    /// False or Unknown.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<PodCondition>,
    /// A message, for people, on why the pod is in its state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// A short CamelCase reason for the pod's state, such as Evicted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The IP address of the node the pod runs on; empty until the pod is bound.
    #[serde(rename = "hostIP", skip_serializing_if = "Option::is_none")]
    pub host_ip: Option<String>,
    /// The node's IP addresses; the first is hostIP.
    #[serde(rename = "hostIPs", skip_serializing_if = "Vec::is_empty")]
    pub host_ips: Vec<PodIp>,
    /// The pod's IP address in the cluster network; empty until it has one.
    #[serde(rename = "podIP", skip_serializing_if = "Option::is_none")]
    pub pod_ip: Option<String>,
    /// The pod's IP addresses; the first is podIP.
    #[serde(rename = "podIPs", skip_serializing_if = "Vec::is_empty")]
    pub pod_ips: Vec<PodIp>,
    /// When the kubelet accepted the pod, before its images were pulled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Time>,
    /// The state of each init container.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub init_container_statuses: Vec<ContainerStatus>,
    /// The state of each app container.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub container_statuses: Vec<ContainerStatus>,
    /// The pod's quality-of-service class from its requests and limits: Guaranteed, Burstable or
    /// BestEffort.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qos_class: Option<String>,
    /// The state of each ephemeral container.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ephemeral_container_statuses: Vec<ContainerStatus>,
}

/// One IP address of a pod or node.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.PodIP")
)]
#[serde(rename_all = "camelCase", default)]
pub struct PodIp {
    /// The address.
    pub ip: String,
}

/// One condition of a pod.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.PodCondition")
)]
#[serde(rename_all = "camelCase", default)]
pub struct PodCondition {
    /// The condition: PodScheduled, PodReadyToStartContainers, Initialized, ContainersReady or
    /// Ready.
    #[serde(rename = "type")]
    pub type_: String,
    /// True, False or Unknown.
    pub status: String,
    /// When the condition was last checked.
    pub last_probe_time: Option<Time>,
    /// When the condition last changed status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
    /// A short CamelCase reason for the last change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A message, for people, on the last change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The state of one container of a pod.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.ContainerStatus")
)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerStatus {
    /// The container's name, as in the pod's spec.
    pub name: String,
    /// The container's current state.
    pub state: ContainerState,
    /// The state the container was in when it last ended, if it restarted.
    #[serde(skip_serializing_if = "ContainerState::is_empty")]
    pub last_state: ContainerState,
    /// Whether the container passes its readiness probe (or has none and is running).
    pub ready: bool,
    /// How many times the container has been restarted.
    pub restart_count: i32,
    /// The image the container runs.
    pub image: String,
    /// The digest of the image the container runs.
    #[serde(rename = "imageID")]
    pub image_id: String,
    /// The container's ID, as runtime://id.
    #[serde(rename = "containerID", skip_serializing_if = "Option::is_none")]
    pub container_id: Option<String>,
    /// Whether the container has passed its startup probe (or has none and is running).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started: Option<bool>,
}

/// A container's state: exactly one of waiting, running and terminated. Defaults to waiting.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.ContainerState")
)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerState {
    /// The container is not running yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting: Option<ContainerStateWaiting>,
    /// The container is running.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub running: Option<ContainerStateRunning>,
    /// The container ran and ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terminated: Option<ContainerStateTerminated>,
}

impl ContainerState {
    pub fn is_empty(&self) -> bool {
        self.waiting.is_none() && self.running.is_none() && self.terminated.is_none()
    }
}

/// A container that is not running yet.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.ContainerStateWaiting")
)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerStateWaiting {
    /// Why it is waiting, such as ContainerCreating, ErrImagePull, ImagePullBackOff or
    /// CrashLoopBackOff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// More about why it is waiting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A running container.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.ContainerStateRunning")
)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerStateRunning {
    /// When it last started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Time>,
}

/// A container that ran and ended.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.ContainerStateTerminated")
)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerStateTerminated {
    /// Its exit status.
    pub exit_code: i32,
    /// The signal that ended it, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signal: Option<i32>,
    /// Why it ended, such as Completed, Error or OOMKilled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// More about why it ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// When it started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Time>,
    /// When it ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<Time>,
    /// Its ID, as runtime://id.
    #[serde(rename = "containerID", skip_serializing_if = "Option::is_none")]
    pub container_id: Option<String>,
}

impl Pod {
    pub fn phase(&self) -> &str {
        self.status.phase.as_deref().unwrap_or("")
    }
    pub fn condition(&self, type_: &str) -> Option<&PodCondition> {
        self.status.conditions.iter().find(|c| c.type_ == type_)
    }
    /// `podutil.IsPodReady`: the Ready condition is True.
    pub fn is_ready(&self) -> bool {
        self.condition("Ready").is_some_and(|c| c.status == "True")
    }
    pub fn is_running_and_ready(&self) -> bool {
        self.phase() == "Running" && self.is_ready()
    }
    /// `podutil.IsPodAvailable`: Ready for at least `min_ready_seconds` at `now`.
    pub fn is_available(&self, min_ready_seconds: i64, now: Time) -> bool {
        if !self.is_ready() {
            return false;
        }
        if min_ready_seconds <= 0 {
            return true;
        }
        let since = self.condition("Ready").and_then(|c| c.last_transition_time);
        since.is_some_and(|t| now.since(t) >= min_ready_seconds as u64 * 1000)
    }
    pub fn is_terminating(&self) -> bool {
        self.metadata.deletion_timestamp.is_some()
    }
    pub fn claim_names(&self) -> impl Iterator<Item = &str> {
        self.spec.volumes.iter().filter_map(|v| {
            v.persistent_volume_claim
                .as_ref()
                .map(|c| c.claim_name.as_str())
        })
    }
}

// ---------------------------------------------------------------- Service

/// A Service: one stable name and virtual IP for the pods its selector matches, with ports mapped
/// to theirs. A headless Service (clusterIP None) has no virtual IP and gives each pod a DNS name
/// instead.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.Service")
)]
#[serde(rename_all = "camelCase", default)]
pub struct Service {
    /// The Service's metadata.
    pub metadata: ObjectMeta,
    /// What the Service exposes and how.
    pub spec: ServiceSpec,
    /// The Service's status (its load balancer, conditions). Read-only.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub status: Value,
}

/// What a Service exposes and how.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.ServiceSpec")
)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceSpec {
    /// The ports the Service exposes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ServicePort>,
    /// The labels of the pods that back the Service. Empty or missing: the Service has no selector
    /// and its endpoints are managed by hand.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub selector: Labels,
    /// The Service's virtual IP, usually allocated by the server. None makes a headless Service.
    /// Cannot be changed, except to and from an ExternalName type.
    #[serde(rename = "clusterIP", skip_serializing_if = "Option::is_none")]
    pub cluster_ip: Option<String>,
    /// The Service's virtual IPs, one per IP family; the first is clusterIP.
    #[serde(rename = "clusterIPs", skip_serializing_if = "Vec::is_empty")]
    pub cluster_ips: Vec<String>,
    /// How the Service is exposed: ClusterIP (the default: inside the cluster), NodePort (also on a
    /// port of every node), LoadBalancer (also by an external load balancer) or ExternalName (a DNS
    /// alias).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Addresses outside the cluster that the nodes also accept the Service's traffic on.
    #[serde(rename = "externalIPs", skip_serializing_if = "Vec::is_empty")]
    pub external_ips: Vec<String>,
    /// ClientIP keeps each client on one pod; None (the default) does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_affinity: Option<String>,
    /// For type ExternalName: the DNS name the Service's name is an alias of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_name: Option<String>,
    /// Whether pods that are not ready are published in DNS and the endpoints anyway. Used for peer
    /// discovery by StatefulSets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish_not_ready_addresses: Option<bool>,
    /// The IP families of the Service's addresses: IPv4, IPv6.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ip_families: Vec<String>,
    /// SingleStack, PreferDualStack or RequireDualStack.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_family_policy: Option<String>,
    /// Cluster (the default: any ready endpoint) or Local (only endpoints on the client's node),
    /// for traffic from inside the cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_traffic_policy: Option<String>,
    // Kept as given (not simulated), so that manifests using them decode without unknown fields.
    /// Whether a LoadBalancer Service gets node ports. Defaults to true. Ordinal keeps it as given
    /// but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allocate_load_balancer_node_ports: Option<bool>,
    /// Cluster or Local, for traffic from outside the cluster. Ordinal keeps it as given but does
    /// not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_traffic_policy: Option<String>,
    /// The node port a load balancer checks, for externalTrafficPolicy Local. Ordinal keeps it as
    /// given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_check_node_port: Option<i32>,
    /// The load balancer implementation to use. Ordinal keeps it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_balancer_class: Option<String>,
    /// Deprecated: the address to ask the load balancer for. Ordinal keeps it as given but does not
    /// simulate it.
    #[serde(rename = "loadBalancerIP", skip_serializing_if = "Option::is_none")]
    pub load_balancer_ip: Option<String>,
    /// The client address ranges a load balancer lets in. Ordinal keeps it as given but does not
    /// simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub load_balancer_source_ranges: Option<Value>,
    /// Settings of the session affinity, such as its timeout. Ordinal keeps it as given but does
    /// not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub session_affinity_config: Option<Value>,
    /// A preference for how traffic is spread over endpoints, such as PreferClose. Ordinal keeps it
    /// as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traffic_distribution: Option<String>,
}

/// A port a Service exposes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.ServicePort")
)]
#[serde(rename_all = "camelCase", default)]
pub struct ServicePort {
    /// The port's name, unique in the Service; required when there is more than one port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// TCP (the default), UDP or SCTP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// The port the Service listens on.
    pub port: i32,
    /// The pods' port to send to: a number, or the name of a container port. Defaults to port.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::IntOrString")
    )]
    pub target_port: Option<Value>,
    /// For NodePort and LoadBalancer Services: the port on every node, allocated from the node port
    /// range unless given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_port: Option<i32>,
    /// The application protocol of the port, such as http or kubernetes.io/h2c.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_protocol: Option<String>,
}

impl Service {
    pub fn is_headless(&self) -> bool {
        self.spec.cluster_ip.as_deref() == Some("None")
    }
}

// ---------------------------------------------------------------- storage

/// A claim on storage: a request for a PersistentVolume of some size and access mode, which the
/// control plane binds to one (provisioning it if a StorageClass says how). Pods mount the claim.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.PersistentVolumeClaim")
)]
#[serde(rename_all = "camelCase", default)]
pub struct PersistentVolumeClaim {
    /// The version of the schema the object follows: v1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// The kind of object this is: PersistentVolumeClaim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The claim's metadata. In a StatefulSet's volumeClaimTemplates, its name is the prefix of the
    /// claims the controller creates (NAME-STATEFULSET-ORDINAL).
    pub metadata: ObjectMeta,
    /// The storage the claim asks for.
    pub spec: Shared<PvcSpec>,
    /// The claim's state and the volume's capacity. Read-only.
    pub status: PvcStatus,
}

/// The storage a claim asks for.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.PersistentVolumeClaimSpec")
)]
#[serde(rename_all = "camelCase", default)]
pub struct PvcSpec {
    /// How the volume may be mounted: ReadWriteOnce (by one node), ReadOnlyMany, ReadWriteMany or
    /// ReadWriteOncePod (by one pod).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub access_modes: Vec<String>,
    /// Labels the volume to bind must have.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    /// The least storage the volume must have (requests.storage), and a limit.
    pub resources: ResourceRequirements,
    /// The name of the PersistentVolume the claim is bound to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume_name: Option<String>,
    /// The StorageClass of the volume. Unset takes the default class; empty asks for a volume with
    /// no class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_class_name: Option<String>,
    /// Filesystem (the default) or Block.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume_mode: Option<String>,
    /// The VolumeAttributesClass for the volume. Ordinal keeps it as given but does not simulate
    /// it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume_attributes_class_name: Option<String>,
    /// An existing snapshot or claim to fill the new volume from. Ordinal keeps it as given but
    /// does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub data_source: Option<Value>,
    /// An object to fill the new volume from, possibly in another namespace. Ordinal keeps it as
    /// given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub data_source_ref: Option<Value>,
}

/// A `ResourceList`: Go's `resource.Quantity` reads a JSON string or number (`storage: 1`).
fn decode_quantities(
    v: &Value,
    cx: &mut crate::api::decode::Cx,
) -> Result<BTreeMap<String, String>, crate::api::decode::Error> {
    use crate::api::decode::{Decode, Error};
    let raw = Option::<BTreeMap<String, Value>>::decode(v, cx)?.unwrap_or_default();
    raw.into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k, s)),
            Value::Number(n) => Ok((k, n.to_string())),
            _ => Err(Error::custom(
                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            )),
        })
        .collect()
}

/// [`decode_quantities`] for serde's derived `Deserialize` (tests only: the old decoder).
#[cfg(test)]
fn quantities<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    let raw = Option::<BTreeMap<String, Value>>::deserialize(d)?.unwrap_or_default();
    raw.into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k, s)),
            Value::Number(n) => Ok((k, n.to_string())),
            _ => Err(serde::de::Error::custom(
                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            )),
        })
        .collect()
}

/// How much storage a claim asks for.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.VolumeResourceRequirements")
)]
#[serde(rename_all = "camelCase", default)]
pub struct ResourceRequirements {
    #[serde(
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "quantities"
    )]
    #[decode(with = "decode_quantities")]
    /// The least amount of each resource needed; for a claim, storage, such as 1Gi.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "std::collections::BTreeMap<String, crate::api::meta::schema::Quantity>")
    )]
    pub requests: BTreeMap<String, String>,
    #[serde(
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "quantities"
    )]
    #[decode(with = "decode_quantities")]
    /// The most of each resource allowed.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "std::collections::BTreeMap<String, crate::api::meta::schema::Quantity>")
    )]
    pub limits: BTreeMap<String, String>,
    /// Dynamically allocated resources used. Ordinal keeps it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::ObjectList")
    )]
    pub claims: Option<Value>,
}

/// The state of a claim.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.PersistentVolumeClaimStatus")
)]
#[serde(rename_all = "camelCase", default)]
pub struct PvcStatus {
    /// Pending (not bound yet), Bound or Lost (its volume is gone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    /// The access modes of the bound volume.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub access_modes: Vec<String>,
    /// The capacity of the bound volume.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "std::collections::BTreeMap<String, crate::api::meta::schema::Quantity>")
    )]
    pub capacity: BTreeMap<String, String>,
}

/// A piece of storage in the cluster, provisioned by an administrator or dynamically by a
/// StorageClass, that a claim binds to. Cluster-scoped; it outlives the pods that use it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.PersistentVolume")
)]
#[serde(rename_all = "camelCase", default)]
pub struct PersistentVolume {
    /// The volume's metadata.
    pub metadata: ObjectMeta,
    /// The volume's capacity, access modes, source and reclaim policy.
    pub spec: Shared<PvSpec>,
    /// The volume's phase. Read-only.
    pub status: PvStatus,
}

/// What a persistent volume is and offers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.PersistentVolumeSpec")
)]
#[serde(rename_all = "camelCase", default)]
pub struct PvSpec {
    /// The volume's capacity, such as storage: 1Gi.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "std::collections::BTreeMap<String, crate::api::meta::schema::Quantity>")
    )]
    pub capacity: BTreeMap<String, String>,
    /// How the volume may be mounted: ReadWriteOnce, ReadOnlyMany, ReadWriteMany or
    /// ReadWriteOncePod.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub access_modes: Vec<String>,
    /// The claim the volume is bound to, set when it binds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim_ref: Option<ObjectReference>,
    /// What happens to the volume when its claim is deleted: Retain (kept for an administrator),
    /// Delete (deleted), or the deprecated Recycle. Dynamically provisioned volumes take their
    /// class's; others default to Retain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persistent_volume_reclaim_policy: Option<String>,
    /// The StorageClass the volume belongs to; only claims of that class bind to it. Empty: no
    /// class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_class_name: Option<String>,
    /// Filesystem (the default) or Block.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume_mode: Option<String>,
    /// A directory on a node: what kind's local-path provisioner creates. For one-node use only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_path: Option<HostPathSource>,
    /// The nodes the volume can be reached from; pods using it are scheduled there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_affinity: Option<VolumeNodeAffinity>,
    // Kept as given (not simulated), so that manifests using them decode without unknown fields.
    /// Mount options for the volume. Ordinal keeps it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub mount_options: Option<Value>,
    /// A volume of a CSI driver. Ordinal keeps it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub csi: Option<Value>,
    /// A local disk of a node. Ordinal keeps it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub local: Option<Value>,
    /// An NFS export. Ordinal keeps it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub nfs: Option<Value>,
    /// The VolumeAttributesClass of the volume. Ordinal keeps it as given but does not simulate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume_attributes_class_name: Option<String>,
}

/// A file or directory on a node.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.HostPathVolumeSource")
)]
#[serde(rename_all = "camelCase", default)]
pub struct HostPathSource {
    /// The path on the node; a symbolic link is followed.
    pub path: String,
    /// What must be at the path: empty (no check), DirectoryOrCreate, Directory, FileOrCreate,
    /// File, Socket, CharDevice or BlockDevice.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
}

/// The nodes a volume can be reached from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.VolumeNodeAffinity")
)]
#[serde(rename_all = "camelCase", default)]
pub struct VolumeNodeAffinity {
    /// The nodes that can reach the volume.
    pub required: NodeSelector,
}

/// A query over nodes: a node matches if any term matches.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.NodeSelector")
)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSelector {
    /// The terms, any one of which a node must match.
    pub node_selector_terms: Vec<NodeSelectorTerm>,
}

/// A term of a node selector: all its requirements must match.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.NodeSelectorTerm")
)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSelectorTerm {
    /// Requirements on the node's labels.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<NodeSelectorRequirement>,
}

/// A requirement on a node label: a key, an operator and values.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.NodeSelectorRequirement")
)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSelectorRequirement {
    /// The label key.
    pub key: String,
    /// In, NotIn, Exists, DoesNotExist, Gt or Lt.
    pub operator: String,
    /// The values: one or more for In and NotIn, none for Exists and DoesNotExist, one integer for
    /// Gt and Lt.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

impl PersistentVolume {
    /// Node names this volume is pinned to by `kubernetes.io/hostname In [...]`, if pinned.
    pub fn pinned_nodes(&self) -> Option<Vec<String>> {
        let aff = self.spec.node_affinity.as_ref()?;
        let mut nodes = Vec::new();
        for term in &aff.required.node_selector_terms {
            for e in &term.match_expressions {
                if e.key == "kubernetes.io/hostname" && e.operator == "In" {
                    nodes.extend(e.values.iter().cloned());
                }
            }
        }
        Some(nodes)
    }
}

/// The state of a persistent volume.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.PersistentVolumeStatus")
)]
#[serde(rename_all = "camelCase", default)]
pub struct PvStatus {
    /// Available (free), Bound (to a claim), Released (its claim was deleted, not yet reclaimed) or
    /// Failed (reclaiming failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    /// A short CamelCase reason for a failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A message, for people, on the volume's state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// When the volume last changed phase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_phase_transition_time: Option<Time>,
}

/// A reference to an object, or to a field of it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.ObjectReference")
)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectReference {
    /// The API version of the object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// The kind of the object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The namespace of the object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The name of the object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The uid of the object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// The resourceVersion of the object the reference was made at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<String>,
    /// A field of the object, such as spec.containers{nginx} for one container of a pod.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_path: Option<String>,
}

// ---------------------------------------------------------------- Secret, Namespace, Node

/// Secret data, such as passwords, tokens or registry credentials, kept apart from the pods that
/// use it. Values are base64 encoded.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.Secret")
)]
#[serde(rename_all = "camelCase", default)]
pub struct Secret {
    /// The Secret's metadata.
    pub metadata: ObjectMeta,
    /// What the data is for, which fixes the keys it must have: Opaque (the default, anything),
    /// kubernetes.io/dockerconfigjson (registry credentials in .dockerconfigjson),
    /// kubernetes.io/tls, kubernetes.io/basic-auth, …
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// The data, by key: each value base64 encoded. Keys are letters, digits, '-', '_' or '.'.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub data: BTreeMap<String, String>,
    /// Write-only data as plain strings, for convenience: the server encodes each into data, where
    /// it replaces a value of the same key; it is never read back.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub string_data: BTreeMap<String, String>,
    /// If true, data cannot change; only the metadata can. Defaults to false.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub immutable: Option<bool>,
}

/// A namespace: a scope for names, in which most kinds of objects live.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.Namespace")
)]
#[serde(rename_all = "camelCase", default)]
pub struct Namespace {
    /// The namespace's metadata.
    pub metadata: ObjectMeta,
    /// The namespace's finalizers.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub spec: Value,
    /// The namespace's phase: Active or Terminating. Read-only.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub status: Value,
}

/// A node: a machine (for kind, a container) that runs pods. Its kubelet reports its status.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.Node")
)]
#[serde(rename_all = "camelCase", default)]
pub struct Node {
    /// The node's metadata.
    pub metadata: ObjectMeta,
    /// How the node is set up: its pod address range, taints and whether it is schedulable.
    pub spec: NodeSpec,
    /// The node's capacity, conditions and addresses, reported by its kubelet. Read-only.
    pub status: NodeStatus,
}

/// How a node is set up.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.NodeSpec")
)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSpec {
    /// The range of pod IP addresses given to the node.
    #[serde(rename = "podCIDR", skip_serializing_if = "Option::is_none")]
    pub pod_cidr: Option<String>,
    /// The node's pod address ranges, one per IP family; the first is podCIDR.
    #[serde(rename = "podCIDRs", skip_serializing_if = "Vec::is_empty")]
    pub pod_cidrs: Vec<String>,
    /// The node's ID at its cloud provider, as provider://id.
    #[serde(rename = "providerID", skip_serializing_if = "Option::is_none")]
    pub provider_id: Option<String>,
    /// The node's taints, which keep pods off it unless they tolerate them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub taints: Vec<Taint>,
    /// If true, no new pods are scheduled onto the node (kubectl cordon). Defaults to false.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unschedulable: Option<bool>,
}

/// A taint of a node: pods that do not tolerate it are kept off the node, or evicted from it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.Taint")
)]
#[serde(rename_all = "camelCase", default)]
pub struct Taint {
    /// The taint's key.
    pub key: String,
    /// The taint's value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// What it does to pods that do not tolerate it: NoSchedule, PreferNoSchedule or NoExecute.
    pub effect: String,
    /// When a NoExecute taint was added.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_added: Option<Time>,
}

/// The state of a node, reported by its kubelet.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.NodeStatus")
)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeStatus {
    /// The node's total resources: cpu, memory, pods, ephemeral-storage.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "std::collections::BTreeMap<String, crate::api::meta::schema::Quantity>")
    )]
    pub capacity: BTreeMap<String, String>,
    /// The resources available to pods. Defaults to capacity.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "std::collections::BTreeMap<String, crate::api::meta::schema::Quantity>")
    )]
    pub allocatable: BTreeMap<String, String>,
    /// The node's conditions, such as Ready, MemoryPressure and DiskPressure.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<NodeCondition>,
    /// The node's addresses: InternalIP, Hostname, …
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<NodeAddress>,
    /// Facts about the node: versions of the kubelet, the container runtime and the kernel, the OS
    /// image, the architecture.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::Object")
    )]
    pub node_info: Option<Value>,
}

/// One condition of a node.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.NodeCondition")
)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeCondition {
    /// The condition: Ready, MemoryPressure, DiskPressure, PIDPressure or NetworkUnavailable.
    #[serde(rename = "type")]
    pub type_: String,
    /// True, False or Unknown (the kubelet stopped reporting).
    pub status: String,
    /// When the kubelet last reported the condition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_heartbeat_time: Option<Time>,
    /// When the condition last changed status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
    /// A short CamelCase reason for the last change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A message, for people, on the last change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// An address of a node.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.NodeAddress")
)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeAddress {
    /// Hostname, InternalIP, ExternalIP, InternalDNS or ExternalDNS.
    #[serde(rename = "type")]
    pub type_: String,
    /// The address.
    pub address: String,
}

impl Node {
    pub fn is_ready(&self) -> bool {
        self.status
            .conditions
            .iter()
            .any(|c| c.type_ == "Ready" && c.status == "True")
    }
    pub fn internal_ip(&self) -> Option<&str> {
        self.status
            .addresses
            .iter()
            .find(|a| a.type_ == "InternalIP")
            .map(|a| a.address.as_str())
    }
}

// ---------------------------------------------------------------- Event

/// A report of something that happened to an object, such as a pod being scheduled or an image
/// pulled. Events are kept for a limited time (an hour by default).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.Event")
)]
#[serde(rename_all = "camelCase", default)]
pub struct Event {
    /// The event's metadata.
    pub metadata: ObjectMeta,
    /// The object the event is about.
    pub involved_object: ObjectReference,
    /// A short CamelCase reason for the event, such as Scheduled, Pulled or FailedCreate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<SharedStr>,
    /// What happened, for people.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The component (and host) that reported the event.
    pub source: EventSource,
    /// When the event was first recorded. Empty for an event recorded through events.k8s.io, which
    /// uses eventTime.
    pub first_timestamp: Option<Time>,
    /// When the event was last seen.
    pub last_timestamp: Option<Time>,
    /// How many times the event has been seen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<i32>,
    /// Normal or Warning.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<SharedStr>,
    /// When the event was first seen, to the microsecond; set by events.k8s.io reporters.
    #[serde(with = "crate::time::micro")]
    #[decode(with = "crate::time::micro::decode")]
    #[encode(with = "crate::time::micro::encode")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::MicroTime")
    )]
    pub event_time: Option<Time>,
    /// What the reporter did or failed to do, such as Binding or Scheduling.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<SharedStr>,
    /// For an event seen repeatedly through events.k8s.io: the count and the last time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series: Option<EventSeries>,
    /// The controller that reported the event, such as default-scheduler.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reporting_component: Option<SharedStr>,
    /// The instance of that controller, such as the scheduler's pod name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reporting_instance: Option<SharedStr>,
}

/// A series of repeats of an event.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.EventSeries")
)]
#[serde(rename_all = "camelCase", default)]
pub struct EventSeries {
    /// How many times the event has been seen in the series.
    pub count: i32,
    /// When the event was last seen.
    #[serde(with = "crate::time::micro")]
    #[decode(with = "crate::time::micro::decode")]
    #[encode(with = "crate::time::micro::encode")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::api::meta::schema::MicroTime")
    )]
    pub last_observed_time: Option<Time>,
}

/// The component that reported an event.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Decode, Encode)]
#[cfg_attr(test, derive(Deserialize))]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "io.k8s.api.core.v1.EventSource")
)]
#[serde(rename_all = "camelCase", default)]
pub struct EventSource {
    /// The component, such as kubelet or default-scheduler.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<SharedStr>,
    /// The node the component runs on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<SharedStr>,
}
