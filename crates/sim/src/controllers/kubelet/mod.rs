//! The kubelets of all nodes: sandbox and IP, image pulls (credentials, cache, backoff),
//! container start, readiness, restarts with CrashLoopBackOff, graceful termination, and
//! the files a container sees. Each pod's runtime state lives here, as a container runtime's
//! would; the API only sees the status the kubelet reports.
//!
//! `mod.rs` is the wiring (the runtimes, one sync per pod, the node machine's hooks);
//! `containers.rs` the container runtime (sandbox and IP, pulls, process lifetimes, restarts,
//! termination); `probes.rs` the prober workers; `status.rs` the pod status the kubelet reports.

mod containers;
mod probes;
mod status;

use super::{key_of, Action, Controller, Work};
use crate::api::*;
use crate::cluster::{Cluster, DeleteOptions};
use crate::fs::Tree;
use crate::images::Process;
use crate::store::{ObjKey, WatchEvent, WatchEventType};
use crate::time::Time;
use containers::{jitter, new_runtime, step_containers, terminate};
use status::build_status;
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub use containers::has_credentials;
pub use probes::ProbeRt;

/// Events a sync produces, each tagged with the container it is about (`current` when pushed),
/// so they carry `involvedObject.fieldPath` as the kubelet's container events do.
#[derive(Default)]
struct Events {
    list: Vec<(&'static str, &'static str, String, Option<String>)>,
    current: Option<String>,
}

impl Events {
    fn push(&mut self, (t, reason, msg): (&'static str, &'static str, String)) {
        self.list.push((t, reason, msg, self.current.clone()));
    }
    /// Later events are about container `ctr` (their `fieldPath`).
    fn about(&mut self, ctr: &ContainerRt) {
        let list = if ctr.ephemeral {
            "ephemeralContainers"
        } else {
            "containers"
        };
        self.current = Some(format!("spec.{list}{{{}}}", ctr.name));
    }
}

#[derive(Clone, Default, Debug)]
pub struct Kubelet {
    /// uid → runtime. Ordered, so that walking a node's pods is deterministic.
    pub(crate) pods: BTreeMap<String, PodRuntime>,
    /// (namespace, name) → uids of the runtimes for that name (an old incarnation's may linger
    /// until it is torn down): [`sync`] looks them up instead of walking every runtime.
    by_key: HashMap<ObjKey, BTreeSet<String>>,
    /// Images present on each node (canonical references).
    pub(crate) images: BTreeMap<String, BTreeSet<String>>,
    /// host-local IPAM: the last address handed out on each node, and the ones in use.
    last_ip: BTreeMap<String, u8>,
    ips_in_use: BTreeSet<String>,
}

impl Kubelet {
    fn insert(&mut self, uid: String, rt: PodRuntime) {
        self.by_key
            .entry(rt.key.clone())
            .or_default()
            .insert(uid.clone());
        self.pods.insert(uid, rt);
    }

    fn remove(&mut self, uid: &str) -> Option<PodRuntime> {
        let rt = self.pods.remove(uid)?;
        if let Some(uids) = self.by_key.get_mut(&rt.key) {
            uids.remove(uid);
            if uids.is_empty() {
                self.by_key.remove(&rt.key);
            }
        }
        Some(rt)
    }
}

#[derive(Debug, Clone)]
pub struct PodRuntime {
    pub key: ObjKey,
    pub node: String,
    pub accepted_at: Time,
    pub sandbox_at: Time,
    pub ip: Option<String>,
    pub containers: Vec<ContainerRt>,
    /// The ephemeral containers, in the order they were added.
    pub ephemeral: Vec<ContainerRt>,
    /// Per-pod emptyDir volumes.
    pub empty_dirs: BTreeMap<String, Tree>,
    pub termination: Option<Termination>,
}

#[derive(Debug, Clone)]
pub struct Termination {
    /// When every container has stopped (graceful exit or SIGKILL at the deadline).
    pub stopped_at: Time,
    /// When the kubelet removes the pod object (after volume teardown).
    pub remove_at: Time,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CPhase {
    /// Not started yet (waiting for the sandbox or an earlier container).
    Created,
    Pulling {
        until: Time,
        ok: Result<(), String>,
        started: Time,
    },
    /// ErrImagePull shown since `since`; ImagePullBackOff from `backoff_at`; retry at `retry_at`.
    PullFailed {
        since: Time,
        backoff_at: Time,
        retry_at: Time,
        message: String,
    },
    Starting {
        until: Time,
    },
    Running {
        since: Time,
        exits_at: Option<(Time, i32)>,
    },
    /// Exited; `restart_at` is when it starts again (None: never, per restartPolicy).
    Exited {
        code: i32,
        started: Time,
        finished: Time,
        restart_at: Option<Time>,
    },
    /// The image reference cannot be parsed.
    InvalidImage {
        message: String,
    },
}

#[derive(Debug, Clone)]
pub struct ContainerRt {
    pub name: String,
    pub image: String,
    pub phase: CPhase,
    pub restart_count: i32,
    pub last_exit: Option<(i32, Time, Time)>,
    pub pull_backoff_ms: u64,
    pub crash_backoff_ms: u64,
    pub ready: bool,
    /// The startup probe has passed (or there is none): readiness and liveness probes run.
    pub started: bool,
    /// Prober state per probe kind, for this run of the container.
    pub probes: [ProbeRt; 3],
    /// The kubelet is stopping the container because a liveness or startup probe failed.
    pub killing: bool,
    pub container_id: String,
    pub process: Process,
    pub layer: Tree,
    pub killed_by_signal: bool,
    /// The last exit was the node's machine stopping under it (reported as reason `Unknown`).
    pub killed_with_node: bool,
    /// What the container wrote to stdout/stderr (`kubectl logs`).
    pub logs: String,
    /// An ephemeral container (started once, never restarted).
    pub ephemeral: bool,
}

impl ContainerRt {
    pub fn is_running(&self) -> bool {
        matches!(self.phase, CPhase::Running { .. })
    }

    /// A fresh run of the container: not ready, not started, probes from scratch.
    fn reset_probes(&mut self) {
        self.ready = false;
        self.started = false;
        self.killing = false;
        self.probes = Default::default();
    }
}

/// The kubelets' pod workers: one pod per item, on its node.
pub(crate) static CONTROLLER: Controller = Controller {
    name: "kubelet",
    reconcile: sync,
    size: None,
};

/// A pod bound to a node (its kubelet runs it), or a pod that went (its runtime is torn down).
pub(crate) fn on_pod(_: &Cluster, ev: &WatchEvent, out: &mut Vec<Work>) {
    let Some(p) = Pod::from_object(&ev.object) else {
        return;
    };
    if ev.type_ == WatchEventType::Deleted || p.spec.node_name.is_some() {
        out.push(Work::new(&CONTROLLER, key_of(&ev.object)));
    }
}

/// A bound pod waits for a claim that changed (to mount it).
pub(crate) fn on_waiting_pod(p: &Pod, out: &mut Vec<Work>) {
    if p.spec.node_name.is_some() {
        out.push(Work::at(
            &CONTROLLER,
            &p.metadata.namespace,
            &p.metadata.name,
        ));
    }
}

/// One pod's sync: tear down runtimes of pods that went, start or step the pod's containers (or
/// stop them while it terminates), report its status, and remove it once terminated.
pub(crate) fn sync(c: &mut Cluster, key: &ObjKey) -> Action {
    let (ns, name) = key;
    let pod = c.get_as::<Pod>(ns, name).cloned();
    // Runtimes of pods that are gone (or replaced under the same name) are torn down, by the
    // kubelet of their node if it is up (a stopped one does so when it comes back).
    let stale: Vec<String> = c
        .kubelet
        .by_key
        .get(key)
        .into_iter()
        .flatten()
        .filter(|uid| {
            pod.as_ref().is_none_or(|p| &p.metadata.uid != *uid)
                && c.kubelet
                    .pods
                    .get(*uid)
                    .is_some_and(|rt| c.kubelet_up(&rt.node))
        })
        .cloned()
        .collect();
    for uid in stale {
        if let Some(rt) = c.kubelet.remove(&uid) {
            if let Some(ip) = rt.ip {
                c.kubelet.ips_in_use.remove(&ip);
            }
        }
    }
    let Some(pod) = pod else {
        return Action::Done;
    };
    let Some(node) = pod.spec.node_name.clone() else {
        return Action::Done;
    };
    if !c.kubelet_up(&node) {
        return Action::Done;
    }
    let uid = pod.metadata.uid.clone();
    let mut rt = match c.kubelet.remove(&uid) {
        Some(rt) => rt,
        None => {
            if matches!(pod.phase(), "Succeeded" | "Failed") && !pod.is_terminating() {
                return Action::Done;
            }
            // Deleted with grace 0: either this kubelet already stopped it and a finalizer keeps
            // the object, or it was force-deleted before it ran. Nothing is left to run, and a
            // fresh runtime would report its stopped containers as ContainerCreating again.
            if pod.is_terminating() && pod.metadata.deletion_grace_period_seconds == Some(0) {
                return Action::Done;
            }
            new_runtime(c, &pod, key, &node)
        }
    };
    let mut events = Events::default();
    // The pod's next look is at its own next step: a container's (sandbox, pull, start, exit,
    // restart, probe tick) or its termination's. A terminated pod's object goes now.
    let (remove_now, next) = if pod.is_terminating() {
        match terminate(c, &pod, &mut rt, &mut events) {
            Some(at) => (
                false,
                Action::requeue_at(Some(at), "its containers stop, or its teardown ends"),
            ),
            None => (true, Action::Done),
        }
    } else {
        let at = step_containers(c, &pod, &mut rt, &mut events);
        (false, Action::requeue_at(at, "its next container step"))
    };

    // Report status.
    let status = build_status(c, &pod, &rt);
    let mut np = pod.clone();
    np.status = status;
    let written = c.put_existing(Object::Pod(Box::new(np)));
    let involved = written
        .map(|o| (*o).clone())
        .unwrap_or(Object::Pod(Box::new(pod.clone())));
    for (t, reason, msg, ctr) in events.list {
        c.record_event_at(
            &involved,
            ctr.as_deref(),
            t,
            reason,
            &msg,
            "kubelet",
            Some(&node),
        );
    }
    if remove_now {
        let deleted = c.delete_inner(
            Kind::Pod,
            ns,
            name,
            &DeleteOptions {
                grace_period_seconds: Some(0),
                propagation: None,
            },
        );
        // The status manager tries the final delete again until it goes through (a fault
        // plan's 409, 500 or timeout); the runtime stays until then.
        if let Err(e) = deleted {
            if !e.is_not_found() {
                c.kubelet.insert(uid, rt);
                return Action::Retry { reason: e.message };
            }
        }
        if let Some(ip) = &rt.ip {
            c.kubelet.ips_in_use.remove(ip);
        }
        return Action::Done;
    }
    c.kubelet.insert(uid, rt);
    next
}

/// The node's machine stopped: every container on it dies where it stands. Nobody reports it
/// until the kubelet is back.
pub(crate) fn node_stopped(c: &mut Cluster, node: &str) {
    let now = c.now;
    for rt in c.kubelet.pods.values_mut().filter(|rt| rt.node == node) {
        for ctr in rt.containers.iter_mut().chain(rt.ephemeral.iter_mut()) {
            if let CPhase::Running { since, .. } = ctr.phase {
                ctr.phase = CPhase::Exited {
                    code: 255,
                    started: since,
                    finished: now,
                    restart_at: None,
                };
                ctr.last_exit = Some((255, since, now));
                ctr.killed_with_node = true;
                ctr.reset_probes();
            }
        }
    }
}

/// The kubelet of a restarted node takes its pods back: runtimes of pods deleted meanwhile go,
/// the others get a new sandbox (and IP) and their containers start again.
pub(crate) fn node_restarted(c: &mut Cluster, node: &str) {
    let now = c.now;
    let uids: Vec<String> = c
        .kubelet
        .pods
        .iter()
        .filter(|(_, rt)| rt.node == node)
        .map(|(uid, _)| uid.clone())
        .collect();
    for uid in uids {
        let Some(mut rt) = c.kubelet.remove(&uid) else {
            continue;
        };
        if let Some(ip) = rt.ip.take() {
            c.kubelet.ips_in_use.remove(&ip);
        }
        let (ns, name) = rt.key.clone();
        let Some(pod) = c
            .get_as::<Pod>(&ns, &name)
            .filter(|p| p.metadata.uid == uid)
            .cloned()
        else {
            continue;
        };
        let sandbox = jitter(c, 600, 1_500);
        rt.sandbox_at = now.plus_ms(sandbox);
        if !pod.is_terminating() {
            for ctr in &mut rt.containers {
                match ctr.phase {
                    CPhase::Exited { .. } if ctr.killed_with_node => {
                        ctr.restart_count += 1;
                        ctr.phase = CPhase::Created;
                    }
                    CPhase::Pulling { .. }
                    | CPhase::Starting { .. }
                    | CPhase::PullFailed { .. } => {
                        ctr.phase = CPhase::Created;
                    }
                    CPhase::Exited {
                        restart_at: Some(ref mut at),
                        ..
                    } => *at = (*at).max(now),
                    // Not started yet, exited for good before the stop, or never runnable:
                    // nothing to redo. (Running is not left: the stop ended every process.)
                    CPhase::Created
                    | CPhase::Running { .. }
                    | CPhase::Exited {
                        restart_at: None, ..
                    }
                    | CPhase::InvalidImage { .. } => {}
                }
            }
            c.record_event(
                &Object::Pod(Box::new(pod.clone())),
                "Normal",
                "SandboxChanged",
                "Pod sandbox changed, it will be killed and re-created.",
                "kubelet",
                Some(node),
            );
        }
        c.kubelet.insert(uid, rt);
    }
    let pods: Vec<ObjKey> = c.store.pods_on_node(node).cloned().collect();
    for key in pods {
        c.enqueue(Work::new(&CONTROLLER, key));
    }
}

/// Re-evaluates a pod after something changed inside its containers (a file written by exec).
pub(crate) fn poke(c: &mut Cluster, ns: &str, name: &str) {
    c.enqueue(Work::at(&CONTROLLER, ns, name));
}
