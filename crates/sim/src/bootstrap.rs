//! What a fresh `kind create cluster` holds before the learner does anything: namespaces,
//! one control-plane node and two workers, the `standard` StorageClass, and the
//! `kubernetes` and `kube-dns` Services.

use crate::api::*;
use crate::cluster::Cluster;
use serde_json::json;
use std::collections::BTreeMap;

pub const KUBERNETES_VERSION: &str = "v1.33.1";
pub const NODES: [&str; 3] = ["kind-control-plane", "kind-worker", "kind-worker2"];
pub const DNS_SERVICE_IP: &str = "10.96.0.10";

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The most workers a cluster can have: each node's pod CIDR is `10.244.N.0/24`.
pub const MAX_WORKERS: usize = 200;

/// kind's node names for a control plane and `workers` workers: `kind-worker`, `kind-worker2`…
pub fn node_names(workers: usize) -> Vec<String> {
    let mut names = vec![NODES[0].to_string()];
    for i in 1..=workers.clamp(1, MAX_WORKERS) {
        names.push(if i == 1 {
            "kind-worker".into()
        } else {
            format!("kind-worker{i}")
        });
    }
    names
}

/// kind's objects in a new, empty cluster.
// Fixed, valid objects with distinct names into an empty store: a refusal is a bug in this file
// that every test that makes a cluster would show, not something a user can cause.
#[allow(clippy::expect_used)]
pub(crate) fn bootstrap(c: &mut Cluster, workers: usize) {
    for ns in [
        "default",
        "kube-node-lease",
        "kube-public",
        "kube-system",
        "local-path-storage",
    ] {
        let obj = Namespace {
            metadata: ObjectMeta {
                name: ns.into(),
                labels: labels(&[("kubernetes.io/metadata.name", ns)]).into(),
                ..Default::default()
            },
            spec: json!({"finalizers": ["kubernetes"]}),
            status: json!({"phase": "Active"}),
        };
        c.create_inner(obj.into()).expect("bootstrap namespace");
    }
    for (i, name) in node_names(workers).iter().enumerate() {
        c.create_inner(node(i, name, c.now).into())
            .expect("bootstrap node");
    }
    let sc = StorageClass {
        metadata: ObjectMeta {
            name: "standard".into(),
            annotations: BTreeMap::from([(
                "storageclass.kubernetes.io/is-default-class".to_string(),
                "true".to_string(),
            )])
            .into(),
            ..Default::default()
        },
        provisioner: "rancher.io/local-path".into(),
        reclaim_policy: Some("Delete".into()),
        volume_binding_mode: Some("WaitForFirstConsumer".into()),
        allow_volume_expansion: None,
        ..Default::default()
    };
    c.create_inner(sc.into()).expect("bootstrap storage class");
    let kubernetes = Service {
        metadata: ObjectMeta {
            labels: labels(&[("component", "apiserver"), ("provider", "kubernetes")]).into(),
            ..ObjectMeta::named("default", "kubernetes")
        },
        spec: ServiceSpec {
            cluster_ip: Some("10.96.0.1".into()),
            ports: vec![ServicePort {
                name: Some("https".into()),
                port: 443,
                target_port: Some(json!(6443)),
                ..Default::default()
            }],
            ..Default::default()
        },
        status: json!({"loadBalancer": {}}),
    };
    c.create_inner(kubernetes.into())
        .expect("bootstrap kubernetes service");
    let kube_dns = Service {
        metadata: ObjectMeta {
            labels: labels(&[
                ("k8s-app", "kube-dns"),
                ("kubernetes.io/cluster-service", "true"),
                ("kubernetes.io/name", "CoreDNS"),
            ])
            .into(),
            ..ObjectMeta::named("kube-system", "kube-dns")
        },
        spec: ServiceSpec {
            cluster_ip: Some(DNS_SERVICE_IP.into()),
            ports: vec![
                ServicePort {
                    name: Some("dns".into()),
                    protocol: Some("UDP".into()),
                    port: 53,
                    target_port: Some(json!(53)),
                    node_port: None,
                    ..Default::default()
                },
                ServicePort {
                    name: Some("dns-tcp".into()),
                    protocol: Some("TCP".into()),
                    port: 53,
                    target_port: Some(json!(53)),
                    node_port: None,
                    ..Default::default()
                },
                ServicePort {
                    name: Some("metrics".into()),
                    protocol: Some("TCP".into()),
                    port: 9153,
                    target_port: Some(json!(9153)),
                    node_port: None,
                    ..Default::default()
                },
            ],
            ..Default::default()
        },
        status: json!({"loadBalancer": {}}),
    };
    c.create_inner(kube_dns.into())
        .expect("bootstrap kube-dns service");
}

fn node(index: usize, name: &str, now: crate::time::Time) -> Node {
    let control_plane = index == 0;
    let mut l = labels(&[
        ("beta.kubernetes.io/arch", "amd64"),
        ("beta.kubernetes.io/os", "linux"),
        ("kubernetes.io/arch", "amd64"),
        ("kubernetes.io/hostname", name),
        ("kubernetes.io/os", "linux"),
    ]);
    if control_plane {
        l.insert(
            "node-role.kubernetes.io/control-plane".into(),
            String::new(),
        );
        l.insert(
            "node.kubernetes.io/exclude-from-external-load-balancers".into(),
            String::new(),
        );
    }
    let cidr = format!("10.244.{index}.0/24");
    let resources = BTreeMap::from([
        ("cpu".to_string(), "2".to_string()),
        ("ephemeral-storage".to_string(), "263112772Ki".to_string()),
        ("hugepages-1Gi".to_string(), "0".to_string()),
        ("hugepages-2Mi".to_string(), "0".to_string()),
        ("memory".to_string(), "24583596Ki".to_string()),
        ("pods".to_string(), "110".to_string()),
    ]);
    let cond = |t: &str, s: &str, reason: &str, msg: &str| NodeCondition {
        type_: t.into(),
        status: s.into(),
        last_heartbeat_time: Some(now),
        last_transition_time: Some(now),
        reason: Some(reason.into()),
        message: Some(msg.into()),
    };
    Node {
        metadata: ObjectMeta {
            name: name.into(),
            labels: l.into(),
            annotations: BTreeMap::from([
                (
                    "kubeadm.alpha.kubernetes.io/cri-socket".to_string(),
                    "unix:///run/containerd/containerd.sock".to_string(),
                ),
                ("node.alpha.kubernetes.io/ttl".to_string(), "0".to_string()),
                (
                    "volumes.kubernetes.io/controller-managed-attach-detach".to_string(),
                    "true".to_string(),
                ),
            ])
            .into(),
            ..Default::default()
        },
        spec: NodeSpec {
            pod_cidr: Some(cidr.clone()),
            pod_cidrs: vec![cidr],
            provider_id: Some(format!("kind://docker/kind/{name}")),
            taints: if control_plane {
                vec![Taint {
                    key: "node-role.kubernetes.io/control-plane".into(),
                    value: None,
                    effect: "NoSchedule".into(),
                    time_added: None,
                }]
            } else {
                Vec::new()
            },
            unschedulable: None,
        },
        status: NodeStatus {
            capacity: resources.clone(),
            allocatable: resources,
            conditions: vec![
                cond(
                    "MemoryPressure",
                    "False",
                    "KubeletHasSufficientMemory",
                    "kubelet has sufficient memory available",
                ),
                cond(
                    "DiskPressure",
                    "False",
                    "KubeletHasNoDiskPressure",
                    "kubelet has no disk pressure",
                ),
                cond(
                    "PIDPressure",
                    "False",
                    "KubeletHasSufficientPID",
                    "kubelet has sufficient PID available",
                ),
                cond(
                    "Ready",
                    "True",
                    "KubeletReady",
                    "kubelet is posting ready status",
                ),
            ],
            addresses: vec![
                NodeAddress {
                    type_: "InternalIP".into(),
                    address: format!("172.18.0.{}", index + 2),
                },
                NodeAddress {
                    type_: "Hostname".into(),
                    address: name.into(),
                },
            ],
            node_info: Some(json!({
                "architecture": "amd64",
                "bootID": format!("5a4d3c2b-1e0f-4a9b-8c7d-6e5f4a3b2c{index:02}"),
                "containerRuntimeVersion": "containerd://2.1.1",
                "kernelVersion": "6.1.0-37-amd64",
                "kubeProxyVersion": KUBERNETES_VERSION,
                "kubeletVersion": KUBERNETES_VERSION,
                "machineID": format!("e1f2d3c4b5a6978877665544332211{index:02}"),
                "operatingSystem": "linux",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "systemUUID": format!("9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b{index:02}"),
            })),
        },
    }
}
