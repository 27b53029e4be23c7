//! `ordinal_sim::why`: each reason an object waits, from the component that holds it, and
//! the objects that do not wait.

use crate::support::*;
use ordinal_sim::api::*;
use ordinal_sim::why::{self, Why};
use ordinal_sim::{Cluster, DeleteOptions, Kind, Reason};

fn pod_why(c: &Cluster, name: &str) -> Why {
    why::pod(c, "default", name).expect("the pod exists")
}

/// Advances the clock in small steps until `f` holds (at most `limit_ms`).
fn until(c: &mut Cluster, limit_ms: u64, f: impl Fn(&Cluster) -> bool) {
    let mut t = 0;
    while !f(c) {
        assert!(t < limit_ms, "not reached within {limit_ms} ms");
        c.advance(100);
        t += 100;
    }
}

fn delete_pod(c: &mut Cluster, name: &str) {
    c.delete(Kind::Pod, "default", name, &DeleteOptions::default())
        .unwrap();
}

fn claim(name: &str, class: Option<&str>) -> String {
    let class = class.map_or(String::new(), |c| format!("  storageClassName: {c}\n"));
    format!("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {name}\nspec:\n{class}  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n")
}

#[test]
fn a_pending_pod_gives_the_schedulers_message() {
    let mut c = Cluster::new(1);
    apply(
        &mut c,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  nodeSelector:\n    disk: ssd\n  containers:\n  - name: c\n    image: nginx:1.25\n",
    );
    c.settle();
    let w = pod_why(&c, "p");
    assert!(w.waiting);
    assert_eq!(
        w.headline,
        "pod/p waits: Pending: the scheduler cannot place it"
    );
    assert_eq!(w.compact(), "Pending: the scheduler cannot place it");
    assert_eq!(w.details.len(), 1);
    assert!(
        w.details[0]
            .1
            .starts_with("default-scheduler: 0/3 nodes are available: ")
            && w.details[0]
                .1
                .contains("node(s) didn't match Pod's node affinity/selector"),
        "{}",
        w.text()
    );
}

#[test]
fn a_pod_waits_for_its_claim_and_the_claim_for_its_provisioner() {
    let mut c = Cluster::new(1);
    apply(&mut c, K8S_WEB_YAML);
    // Right after the apply: web-0 placed, its claim handed to the provisioner.
    let w = pod_why(&c, "web-0");
    assert!(
        w.headline
            .starts_with("pod/web-0 waits: the scheduler chose kind-worker")
            && w.headline
                .ends_with(" and waits for its claims to be bound there"),
        "{}",
        w.text()
    );
    assert!(
        w.details[0]
            .1
            .starts_with("persistentvolumeclaim/www-web-0 waits: Pending: provisioning: rancher.io/local-path is creating its volume on kind-worker"),
        "{}",
        w.text()
    );
    // The claim, asked, names the pod that waits for it.
    let w = why::claim(&c, "default", "www-web-0").unwrap();
    assert!(w.waiting);
    assert!(
        w.details
            .iter()
            .any(|(d, l)| *d == 1 && l.starts_with("pod/web-0 waits: the scheduler chose")),
        "{}",
        w.text()
    );
    // Once bound, neither waits for the other.
    c.settle();
    let w = why::claim(&c, "default", "www-web-0").unwrap();
    assert!(!w.waiting);
    assert!(
        w.headline.starts_with(
            "persistentvolumeclaim/www-web-0 is not waiting: Bound to persistentvolume/pvc-"
        ),
        "{}",
        w.headline
    );
}

#[test]
fn a_claim_without_a_class_holds_its_pod_and_says_why() {
    let mut c = Cluster::new(1);
    c.delete(
        Kind::StorageClass,
        "",
        "standard",
        &DeleteOptions::default(),
    )
    .unwrap();
    apply(&mut c, K8S_WEB_YAML);
    c.settle();
    let w = pod_why(&c, "web-0");
    let text = w.text();
    assert!(
        text.contains("default-scheduler: 0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims."),
        "{text}"
    );
    assert!(
        text.contains("\n  persistentvolumeclaim/www-web-0 waits: Pending: it names no StorageClass and there is no default class\n    persistentvolume-controller: no persistent volumes available for this claim and no storage class is set"),
        "{text}"
    );
}

#[test]
fn a_claim_of_a_missing_class_and_one_waiting_for_its_first_consumer() {
    let mut c = Cluster::new(1);
    apply(&mut c, &claim("fast", Some("fast")));
    apply(&mut c, &claim("later", Some("standard")));
    apply(&mut c, &claim("manual", Some("\"\"")));
    c.settle();
    assert_eq!(
        why::claim(&c, "default", "fast").unwrap().text(),
        "persistentvolumeclaim/fast waits: Pending: its StorageClass fast does not exist\n  persistentvolume-controller: storageclass.storage.k8s.io \"fast\" not found\n"
    );
    assert_eq!(
        why::claim(&c, "default", "later").unwrap().text(),
        "persistentvolumeclaim/later waits: Pending: WaitForFirstConsumer: the StorageClass standard binds it once a pod that uses it is scheduled\n  no pod uses it yet\n"
    );
    let manual = why::claim(&c, "default", "manual").unwrap();
    assert!(
        manual
            .headline
            .ends_with("storageClassName \"\" binds only to a PersistentVolume made by hand"),
        "{}",
        manual.headline
    );
}

#[test]
fn container_creating_shows_the_pulls_progress_then_its_back_off() {
    let mut c = Cluster::new(1);
    apply(&mut c, K8S_WEB_YAML);
    until(&mut c, 60_000, |c| {
        pod_why(c, "web-0").headline.contains("pulling image")
    });
    let w = pod_why(&c, "web-0");
    assert!(
        w.headline.starts_with(
            "pod/web-0 waits: ContainerCreating: container nginx: pulling image \"registry.k8s.io/nginx-slim:0.21\": "
        ) && w.headline.contains("% of ")
            && w.headline.contains(" MB, about "),
        "{}",
        w.headline
    );
    // The tutorial's private image without its secret: ErrImagePull, then the back-off.
    let mut c = Cluster::new(1);
    apply(&mut c, WEB_YAML);
    until(&mut c, 60_000, |c| {
        pod_why(c, "web-0").headline.contains("ErrImagePull")
    });
    let w = pod_why(&c, "web-0");
    assert!(
        w.headline
            .contains("container nginx: ErrImagePull: failed to pull and unpack image")
            && w.headline.contains("; the kubelet pulls again in ")
            && w.headline
                .ends_with("(back-off 10s, doubling to at most 5m)"),
        "{}",
        w.headline
    );
    until(&mut c, 60_000, |c| {
        pod_why(c, "web-0").headline.contains("ImagePullBackOff")
    });
    assert!(pod_why(&c, "web-0")
        .headline
        .contains("; the kubelet pulls again in "));
}

#[test]
fn a_replica_not_created_yet_names_the_controllers_rule() {
    let mut c = Cluster::new(1);
    apply(&mut c, K8S_WEB_YAML);
    // Right after the apply: web-0 placed, its claim handed to the provisioner.
    assert!(pod(&c, "web-1").is_none());
    let w = why::pod(&c, "default", "web-1").unwrap();
    assert_eq!(
        w.text(),
        "pod/web-1 waits: not created yet: web-0 is not Running and Ready yet\n  podManagementPolicy OrderedReady: the StatefulSet controller creates web's pods one at a time, in ordinal order, each once the one before it is Running and Ready\n"
    );
    let set = why::stateful_set(&c, "default", "web").unwrap();
    assert!(
        set.headline == "statefulset.apps/web: web-1 waits: web-0 is not Running and Ready yet",
        "{}",
        set.headline
    );
    // Beyond the replicas, a name is no replica: kubectl's NotFound.
    let e = why::pod(&c, "default", "web-2").unwrap_err();
    assert_eq!(
        (e.reason, e.message.as_str()),
        (Reason::NotFound, "pods \"web-2\" not found")
    );
    c.settle();
    let set = why::stateful_set(&c, "default", "web").unwrap();
    assert!(!set.waiting);
    assert!(
        set.headline.starts_with(
            "statefulset.apps/web is not waiting: 2 of 2 replicas Ready at revision web-"
        ),
        "{}",
        set.headline
    );
    assert!(pod_why(&c, "web-0")
        .headline
        .starts_with("pod/web-0 is not waiting: Running and Ready on kind-worker"));
}

#[test]
fn terminating_pods_show_the_grace_period_finalizers_and_an_unreachable_node() {
    let mut c = Cluster::new(1);
    apply(&mut c, K8S_WEB_YAML);
    c.settle();
    delete_pod(&mut c, "web-1");
    let w = pod_why(&c, "web-1");
    assert_eq!(
        w.headline,
        "pod/web-1 waits: Terminating: 30s left of its 30s grace period"
    );
    assert!(w.details[0].1.starts_with("the containers got SIGTERM"));
    c.settle();

    // A finalizer nobody removes holds the pod after its containers stopped.
    let mut p = pod(&c, "web-0").unwrap().clone();
    p.metadata.finalizers.push("example.com/hold".into());
    c.update(p.into()).unwrap();
    delete_pod(&mut c, "web-0");
    c.advance(40_000);
    assert_eq!(
        pod_why(&c, "web-0").headline,
        "pod/web-0 waits: Terminating: finalizers example.com/hold"
    );

    // A node that stopped answering: nothing confirms the containers stopped.
    let mut c = Cluster::new(1);
    apply(&mut c, K8S_WEB_YAML);
    c.settle();
    let node = pod(&c, "web-0").unwrap().spec.node_name.clone().unwrap();
    c.stop_node(&node).unwrap();
    c.advance(60_000);
    let w = pod_why(&c, "web-0");
    assert_eq!(
        w.headline,
        format!("pod/web-0 waits: its node {node} is not running")
    );
    assert!(w
        .text()
        .contains("node-lifecycle-controller: the node stopped posting status"));
    delete_pod(&mut c, "web-0");
    c.advance(60_000);
    let w = pod_why(&c, "web-0");
    assert_eq!(
        w.headline,
        format!("pod/web-0 waits: Terminating: its node {node} is not reachable, so nothing confirms that its containers stopped")
    );
    assert!(w.details[0].1.contains(&format!("(docker start {node})")));
}

#[test]
fn a_deployment_and_its_replica_set_name_the_pods_they_wait_for() {
    let mut c = Cluster::new(1);
    apply(
        &mut c,
        include_str!("../../../../examples/k8s-io-nginx-deployment.yaml"),
    );
    c.settle();
    let d = why::deployment(&c, "default", "nginx-deployment").unwrap();
    assert_eq!(
        d.headline,
        "deployment.apps/nginx-deployment is not waiting: 3 of 3 replicas updated and available"
    );
    let rs = c.list_as::<ReplicaSet>(Some("default"))[0]
        .metadata
        .name
        .clone();
    let w = why::replica_set(&c, "default", &rs).unwrap();
    assert_eq!(
        w.headline,
        format!("replicaset.apps/{rs} is not waiting: 3 of 3 pods Ready")
    );
    // A new template whose image does not exist: the rollout waits for its new pod.
    let mut dep = c
        .get_as::<Deployment>("default", "nginx-deployment")
        .unwrap()
        .clone();
    dep.spec.template.spec.containers[0].image = Some("nginx:nope".into());
    c.update(dep.into()).unwrap();
    c.advance(5_000);
    let d = why::deployment(&c, "default", "nginx-deployment").unwrap();
    assert!(d.waiting);
    assert!(
        d.headline
            .starts_with("deployment.apps/nginx-deployment: rollout waits: "),
        "{}",
        d.text()
    );
    assert!(
        d.text().contains("container nginx: ErrImagePull: ")
            || d.text().contains("container nginx: ImagePullBackOff: "),
        "{}",
        d.text()
    );
    for (kind, name) in [("deployment", "nope"), ("replicaset", "nope")] {
        let e = match kind {
            "deployment" => why::deployment(&c, "default", name),
            _ => why::replica_set(&c, "default", name),
        }
        .unwrap_err();
        assert_eq!(e.reason, Reason::NotFound);
    }
}
