//! Node failure as on kind: `stop_node`/`start_node` (docker stop/start of a node container), the
//! node lifecycle controller (NotReady after the grace period, the unreachable taints, pods
//! marked not ready), the taint-eviction controller (deletion after 300 s), force deletion, and a
//! local-path volume pinning the replacement pod to the dead node.

use crate::invariants::assert_invariants;
use crate::support::*;
use ordinal_sim::api::*;
use ordinal_sim::time::{MINUTE, SECOND};
use ordinal_sim::{Cluster, DeleteOptions, Kind, Reason};

fn running_web(seed: u64) -> Cluster {
    let mut c = Cluster::new(seed);
    apply(&mut c, K8S_WEB_YAML);
    wait_until(&mut c, 3 * MINUTE, "web-1 ready", |c| ready(c, "web-1"));
    c.settle();
    c
}

fn node_of(c: &Cluster, pod_name: &str) -> String {
    pod(c, pod_name)
        .and_then(|p| p.spec.node_name.clone())
        .expect("pod is bound")
}

fn ready_condition(c: &Cluster, node: &str) -> NodeCondition {
    c.get_as::<Node>("", node)
        .and_then(|n| n.status.conditions.iter().find(|c| c.type_ == "Ready"))
        .cloned()
        .expect("node has a Ready condition")
}

fn events_for(c: &Cluster, name: &str, reason: &str) -> Vec<String> {
    c.list_as::<Event>(None)
        .iter()
        .filter(|e| {
            e.involved_object.name.as_deref() == Some(name) && e.reason.as_deref() == Some(reason)
        })
        .map(|e| e.message.clone().unwrap_or_default())
        .collect()
}

#[test]
fn stop_and_start_report_unknown_nodes_and_no_ops() {
    let mut c = Cluster::new(1);
    assert!(c.node_running("kind-worker"));
    assert!(!c.node_running("kind-worker9"));
    let e = c.stop_node("kind-worker9").unwrap_err();
    assert_eq!(e.reason, Reason::NotFound);
    assert_eq!(e.message, "nodes \"kind-worker9\" not found");
    let e = c.start_node("kind-worker").unwrap_err();
    assert_eq!(e.message, "node \"kind-worker\" is already running");
    c.stop_node("kind-worker").unwrap();
    assert!(!c.node_running("kind-worker"));
    let e = c.stop_node("kind-worker").unwrap_err();
    assert_eq!(e.message, "node \"kind-worker\" is already stopped");
    c.start_node("kind-worker").unwrap();
    assert!(c.node_running("kind-worker"));
}

#[test]
fn a_stopped_node_goes_unknown_after_the_grace_period_and_is_tainted() {
    let mut c = running_web(7);
    let node = node_of(&c, "web-1");
    let stopped = c.now();
    c.stop_node(&node).unwrap();
    // Nothing changes before node-monitor-grace-period (50 s) since the last Lease renewal.
    c.advance(39 * SECOND);
    assert_eq!(ready_condition(&c, &node).status, "True");
    assert!(pod(&c, "web-1").unwrap().is_ready());
    c.advance(20 * SECOND);
    let cond = ready_condition(&c, &node);
    assert_eq!(cond.status, "Unknown");
    assert_eq!(cond.reason.as_deref(), Some("NodeStatusUnknown"));
    assert_eq!(
        cond.message.as_deref(),
        Some("Kubelet stopped posting node status.")
    );
    let noticed = cond.last_transition_time.unwrap();
    assert!(noticed.since(stopped) > 40 * SECOND && noticed.since(stopped) <= 55 * SECOND);
    let n = c.get_as::<Node>("", &node).unwrap();
    let taints: Vec<(String, String)> = n
        .spec
        .taints
        .iter()
        .map(|t| (t.key.clone(), t.effect.clone()))
        .collect();
    assert_eq!(
        taints,
        vec![
            ("node.kubernetes.io/unreachable".into(), "NoSchedule".into()),
            ("node.kubernetes.io/unreachable".into(), "NoExecute".into()),
        ]
    );
    // Pods on it: Ready=False (the endpoint goes), but the container statuses stay as last
    // reported, so `get pods` still shows 1/1 Running.
    let p = pod(&c, "web-1").unwrap();
    assert!(!p.is_ready());
    assert_eq!(status(p), "Running");
    assert!(p.status.container_statuses[0].ready);
    assert_eq!(
        events_for(&c, "web-1", "NodeNotReady"),
        ["Node is not ready"]
    );
    assert_eq!(
        events_for(&c, &node, "NodeNotReady"),
        [format!("Node {node} status is now: NodeNotReady")]
    );
    assert_invariants(&c);
}

#[test]
fn pods_on_a_dead_node_are_evicted_after_300s_and_stay_terminating() {
    let mut c = running_web(7);
    let node = node_of(&c, "web-1");
    c.stop_node(&node).unwrap();
    c.advance(MINUTE);
    let tainted_at = c
        .get_as::<Node>("", &node)
        .unwrap()
        .spec
        .taints
        .iter()
        .find(|t| t.effect == "NoExecute")
        .and_then(|t| t.time_added)
        .unwrap();
    c.advance(4 * MINUTE);
    assert!(!pod(&c, "web-1").unwrap().is_terminating());
    c.advance(MINUTE);
    let p = pod(&c, "web-1").expect("the old pod object is still there");
    assert!(p.is_terminating());
    assert_eq!(
        events_for(&c, "web-1", "TaintManagerEviction"),
        ["Marking for deletion Pod default/web-1"]
    );
    let dt = p.condition("DisruptionTarget").unwrap();
    assert_eq!(dt.reason.as_deref(), Some("DeletionByTaintManager"));
    assert_eq!(
        dt.last_transition_time,
        Some(tainted_at.plus_ms(300 * SECOND))
    );
    // No kubelet confirms, so it never goes away, and no second web-1 is created.
    let uid = p.metadata.uid.clone();
    for _ in 0..20 {
        c.advance(MINUTE);
        assert_invariants(&c);
    }
    let p = pod(&c, "web-1").unwrap();
    assert_eq!(p.metadata.uid, uid);
    assert!(p.is_terminating());
    assert_eq!(status(p), "Terminating");
}

#[test]
fn force_delete_makes_a_replacement_that_waits_for_its_volume_s_node() {
    let mut c = running_web(7);
    let node = node_of(&c, "web-1");
    let argv = |s: &[&str]| s.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    c.exec(
        "default",
        "web-1",
        None,
        &argv(&["sh", "-c", "echo before > /usr/share/nginx/html/index.html"]),
        "",
    )
    .unwrap();
    c.stop_node(&node).unwrap();
    c.advance(6 * MINUTE);
    assert!(pod(&c, "web-1").unwrap().is_terminating());
    c.delete(
        Kind::Pod,
        "default",
        "web-1",
        &DeleteOptions {
            grace_period_seconds: Some(0),
            propagation: None,
        },
    )
    .unwrap();
    c.advance(5 * SECOND);
    let p = pod(&c, "web-1").expect("the controller recreated web-1");
    assert!(!p.is_terminating());
    assert_eq!(p.spec.node_name, None);
    let cond = p.condition("PodScheduled").unwrap();
    assert_eq!(cond.reason.as_deref(), Some("Unschedulable"));
    assert_eq!(
        cond.message.as_deref(),
        Some("0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 1 node(s) had volume node affinity conflict. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")
    );
    assert_invariants(&c);
    c.start_node(&node).unwrap();
    wait_until(&mut c, 2 * MINUTE, "web-1 ready again", |c| {
        ready(c, "web-1")
    });
    assert_eq!(node_of(&c, "web-1"), node);
    assert_eq!(ready_condition(&c, &node).status, "True");
    assert!(c.get_as::<Node>("", &node).unwrap().spec.taints.is_empty());
    let out = c
        .exec(
            "default",
            "web-1",
            None,
            &argv(&["cat", "/usr/share/nginx/html/index.html"]),
            "",
        )
        .unwrap();
    assert_eq!(out.stdout, "before\n");
    c.settle();
    assert_invariants(&c);
}

#[test]
fn a_node_back_before_the_eviction_restarts_its_pods_in_place() {
    let mut c = running_web(7);
    let node = node_of(&c, "web-1");
    let uid = pod(&c, "web-1").unwrap().metadata.uid.clone();
    c.stop_node(&node).unwrap();
    c.advance(2 * MINUTE);
    c.start_node(&node).unwrap();
    wait_until(&mut c, 2 * MINUTE, "web-1 ready again", |c| {
        ready(c, "web-1")
    });
    let p = pod(&c, "web-1").unwrap();
    assert_eq!(p.metadata.uid, uid, "the same pod, restarted");
    let cs = &p.status.container_statuses[0];
    assert_eq!(cs.restart_count, 1);
    let last = cs.last_state.terminated.as_ref().unwrap();
    assert_eq!(
        (last.exit_code, last.reason.as_deref()),
        (255, Some("Unknown"))
    );
    assert_eq!(
        events_for(&c, "web-1", "TaintManagerEviction"),
        ["Cancelling deletion of Pod default/web-1"]
    );
    assert_eq!(
        events_for(&c, "web-1", "SandboxChanged"),
        ["Pod sandbox changed, it will be killed and re-created."]
    );
    c.settle();
    assert_invariants(&c);
}

#[test]
fn a_pod_deleted_while_its_node_is_down_is_removed_when_the_kubelet_returns() {
    let mut c = running_web(7);
    let node = node_of(&c, "web-1");
    c.stop_node(&node).unwrap();
    c.delete(Kind::Pod, "default", "web-1", &DeleteOptions::default())
        .unwrap();
    c.advance(2 * MINUTE);
    let old = pod(&c, "web-1").unwrap().metadata.uid.clone();
    assert!(pod(&c, "web-1").unwrap().is_terminating());
    c.start_node(&node).unwrap();
    wait_until(&mut c, 2 * MINUTE, "a new web-1 ready", |c| {
        ready(c, "web-1") && pod(c, "web-1").unwrap().metadata.uid != old
    });
    c.settle();
    assert_invariants(&c);
}

#[test]
fn exec_into_a_pod_on_a_stopped_node_cannot_reach_the_kubelet() {
    let mut c = running_web(7);
    let node = node_of(&c, "web-1");
    c.stop_node(&node).unwrap();
    let ip = c
        .get_as::<Node>("", &node)
        .and_then(|n| n.internal_ip())
        .unwrap()
        .to_string();
    let e = c.exec_target("default", "web-1", None).unwrap_err();
    assert_eq!(
        e.message(),
        format!("error: Internal error occurred: error dialing backend: dial tcp {ip}:10250: connect: no route to host")
    );
}

#[test]
fn a_cordoned_node_gets_the_unschedulable_taint() {
    let mut c = Cluster::new(3);
    let mut n = c.get_as::<Node>("", "kind-worker").unwrap().clone();
    n.spec.unschedulable = Some(true);
    c.update(n.into()).unwrap();
    let n = c.get_as::<Node>("", "kind-worker").unwrap();
    assert_eq!(n.spec.taints.len(), 1);
    assert_eq!(n.spec.taints[0].key, "node.kubernetes.io/unschedulable");
    assert_eq!(n.spec.taints[0].effect, "NoSchedule");
    let mut n = n.clone();
    n.spec.unschedulable = None;
    c.update(n.into()).unwrap();
    assert!(c
        .get_as::<Node>("", "kind-worker")
        .unwrap()
        .spec
        .taints
        .is_empty());
}
