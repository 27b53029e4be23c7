//! Large sets (issue 7): what stays true when a set has hundreds of pods: node capacity, the
//! EndpointSlice split at 100 endpoints, DNS over several slices, and the same answers whether
//! syncs coalesce or not.

use crate::support::*;
use ordinal_sim::api::*;
use ordinal_sim::dns::QueryType;
use ordinal_sim::Cluster;

fn parallel(replicas: usize) -> String {
    K8S_WEB_PARALLEL_YAML.replace("replicas: 2", &format!("replicas: {replicas}"))
}

fn slices(c: &Cluster) -> Vec<&EndpointSlice> {
    c.list_as::<EndpointSlice>(Some("default"))
        .into_iter()
        .filter(|s| {
            s.metadata
                .labels
                .get("kubernetes.io/service-name")
                .map(String::as_str)
                == Some("nginx")
        })
        .collect()
}

fn scale(c: &mut Cluster, replicas: i32) {
    let mut set = c
        .get_as::<StatefulSet>("default", "web")
        .expect("set exists")
        .clone();
    set.spec.replicas = Some(replicas);
    c.update(set.into()).expect("scales");
}

fn ready(c: &Cluster) -> usize {
    c.list_as::<Pod>(Some("default"))
        .iter()
        .filter(|p| p.is_ready())
        .count()
}

#[test]
fn endpoints_split_into_slices_of_100_and_dns_reads_them_all() {
    let mut c = Cluster::with_workers(1, Default::default(), 3);
    apply(&mut c, &parallel(250));
    c.settle();
    assert_eq!(ready(&c), 250);
    let s = slices(&c);
    let sizes: Vec<usize> = s.iter().map(|s| s.endpoints.len()).collect();
    assert_eq!(sizes.iter().sum::<usize>(), 250, "{sizes:?}");
    assert!(sizes.iter().all(|n| *n <= 100), "{sizes:?}");
    assert_eq!(s.len(), 3, "{sizes:?}");
    // Each pod is listed once, in some slice.
    let mut names: Vec<&str> = s
        .iter()
        .flat_map(|s| &s.endpoints)
        .filter_map(|e| e.target_ref.as_ref()?.name.as_deref())
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 250);
    // A pod in the third slice resolves, and the service name answers with every pod.
    let a = c
        .dns_lookup("default", "web-249.nginx", QueryType::A)
        .expect("web-249 resolves");
    assert_eq!(a.records.len(), 1);
    let all = c
        .dns_lookup("default", "nginx", QueryType::A)
        .expect("nginx resolves");
    assert_eq!(all.records.len(), 250);

    // Scaling down empties slices; the empty ones go, the endpoints left stay where they were.
    scale(&mut c, 20);
    c.settle();
    let s = slices(&c);
    let total: usize = s.iter().map(|s| s.endpoints.len()).sum();
    assert_eq!(total, 20);
    assert!(s.iter().all(|s| !s.endpoints.is_empty()));
    // And with no pods at all, one empty slice remains.
    scale(&mut c, 0);
    c.settle();
    let s = slices(&c);
    assert_eq!((s.len(), s[0].endpoints.len()), (1, 0));
}

#[test]
fn a_node_takes_110_pods_and_the_rest_wait_with_their_claims() {
    let mut c = Cluster::new(1);
    apply(&mut c, &parallel(230));
    c.settle();
    assert_eq!(ready(&c), 220);
    for node in ["kind-worker", "kind-worker2"] {
        let n = c
            .list_as::<Pod>(Some("default"))
            .iter()
            .filter(|p| p.spec.node_name.as_deref() == Some(node))
            .count();
        assert_eq!(n, 110, "{node}");
    }
    let pending: Vec<&Pod> = c
        .list_as::<Pod>(Some("default"))
        .into_iter()
        .filter(|p| p.spec.node_name.is_none())
        .collect();
    assert_eq!(pending.len(), 10);
    let msg = pending[0]
        .condition("PodScheduled")
        .and_then(|c| c.message.clone())
        .unwrap_or_default();
    assert_eq!(msg, "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Too many pods. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.");
    // Their claims were never handed to the provisioner: no volume was made for them.
    let claim = format!("www-{}", pending[0].metadata.name);
    let pvc = c
        .get_as::<PersistentVolumeClaim>("default", &claim)
        .expect("claim exists");
    assert_eq!(pvc.status.phase.as_deref(), Some("Pending"));
    assert!(pvc.spec.volume_name.is_none());
    assert_eq!(c.list_as::<PersistentVolume>(None).len(), 220);
    // Room made on a node lets one in.
    scale(&mut c, 221);
    c.settle();
    assert_eq!(ready(&c), 220);
}

#[test]
fn every_pod_has_an_ip_of_its_node() {
    let mut c = Cluster::with_workers(1, Default::default(), 4);
    apply(&mut c, &parallel(400));
    c.settle();
    let mut ips: Vec<&str> = Vec::new();
    for p in c.list_as::<Pod>(Some("default")) {
        let ip = p.status.pod_ip.as_deref().expect("every pod has an IP");
        let node = c
            .get_as::<Node>("", p.spec.node_name.as_deref().expect("bound"))
            .expect("node exists");
        let prefix = node
            .spec
            .pod_cidr
            .as_deref()
            .expect("node has a pod CIDR")
            .trim_end_matches("0/24");
        assert!(ip.starts_with(prefix), "{ip} not in {prefix}0/24");
        ips.push(ip);
    }
    ips.sort();
    let n = ips.len();
    ips.dedup();
    assert_eq!((n, ips.len()), (400, 400));
}
