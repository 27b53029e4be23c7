//! Why an object waits, told by the component that holds it: the scheduler (a Pending pod),
//! the PV controller and the provisioner (a Pending claim), the kubelet (a pod's containers
//! being created, a pod terminating), the node lifecycle controller (a node that stopped
//! answering), and the workload controllers (a replica not created yet, a rollout). One
//! function per kind; the playground's `why` command prints the result, and the view can show
//! the same text.
//!
//! A [`Why`] is a headline (`pod/web-1 waits: …`, or `… is not waiting: …`) and the lines
//! that explain it, each indented by how deep the explanation goes (a pod waits for a claim,
//! which waits for its provisioner).

use crate::api::{Deployment, PersistentVolumeClaim, Pod, ReplicaSet, StatefulSet, StorageClass};
use crate::controllers::kubelet::CPhase;
use crate::controllers::scheduler::SELECTED_NODE;
use crate::time::human_duration;
use crate::{ApiError, Cluster, Kind, Time};

/// Why an object waits, or that it does not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Why {
    /// Whether something holds the object back.
    pub waiting: bool,
    /// The compact line: `pod/web-1 waits: …` or `pod/web-0 is not waiting: …`.
    pub headline: String,
    /// The reasons, each with its depth (1: about the object itself).
    pub details: Vec<(usize, String)>,
}

impl Why {
    fn waits(object: &str, what: impl Into<String>) -> Why {
        Why {
            waiting: true,
            headline: format!("{object} waits: {}", what.into()),
            details: Vec::new(),
        }
    }

    /// The controller's own waiting line, which says what waits for what.
    fn controller(object: &str, line: &str) -> Why {
        Why {
            waiting: true,
            headline: format!("{object}: {line}"),
            details: Vec::new(),
        }
    }

    fn not_waiting(object: &str, what: impl Into<String>) -> Why {
        Why {
            waiting: false,
            headline: format!("{object} is not waiting: {}", what.into()),
            details: Vec::new(),
        }
    }

    fn line(&mut self, depth: usize, text: impl Into<String>) {
        self.details.push((depth, text.into()));
    }

    /// Another object's explanation, one level deeper.
    fn nest(&mut self, depth: usize, other: Why) {
        self.details.push((depth, other.headline));
        for (d, l) in other.details {
            self.details.push((depth + d, l));
        }
    }

    /// The headline without the object it names: the view's compact line on the object's
    /// card (`Pending: the scheduler cannot place it`).
    pub fn compact(&self) -> &str {
        let h = self.headline.as_str();
        // The object's name has no space or colon: what follows it says how it waits.
        let rest = &h[h.find([' ', ':']).unwrap_or(h.len())..];
        [": ", " waits: ", " is not waiting: "]
            .iter()
            .find_map(|p| rest.strip_prefix(p))
            .unwrap_or(h)
    }

    /// The headline, then each reason indented two spaces a level.
    pub fn text(&self) -> String {
        let mut s = format!("{}\n", self.headline);
        for (depth, line) in &self.details {
            s.push_str(&"  ".repeat(*depth));
            s.push_str(line);
            s.push('\n');
        }
        s
    }
}

fn seconds(ms: u64) -> String {
    human_duration(ms as i64)
}

/// A pod: Pending (the scheduler's verdict, or the claims it waits for), its containers being
/// created (the image pulls, their progress and back-off), Terminating (the grace period,
/// finalizers, a node that does not answer), Running but not Ready; or, for a StatefulSet's
/// replica that does not exist yet, the rule of the controller that holds it back.
pub fn pod(c: &Cluster, ns: &str, name: &str) -> Result<Why, ApiError> {
    match c.get_as::<Pod>(ns, name) {
        Some(p) => Ok(pod_why(c, p, true)),
        None => missing_replica(c, ns, name).ok_or_else(|| ApiError::not_found(Kind::Pod, name)),
    }
}

/// `follow`: explain the claims an unscheduled pod waits for too.
fn pod_why(c: &Cluster, p: &Pod, follow: bool) -> Why {
    let object = format!("pod/{}", p.metadata.name);
    let now = c.now();
    if p.is_terminating() {
        return terminating(c, p, &object, now);
    }
    match p.phase() {
        "Succeeded" | "Failed" => {
            return Why::not_waiting(&object, format!("it has finished ({})", p.phase()))
        }
        "Running" if p.is_ready() => {
            let node = p.spec.node_name.as_deref().unwrap_or("");
            return Why::not_waiting(&object, format!("Running and Ready on {node}"));
        }
        _ => {}
    }
    let Some(node) = p.spec.node_name.clone() else {
        return unscheduled(c, p, &object, follow);
    };
    if !c.node_running(&node) {
        let mut w = Why::waits(&object, format!("its node {node} is not running"));
        if p.condition("Ready").is_some_and(|r| r.status != "True") {
            w.line(
                1,
                "node-lifecycle-controller: the node stopped posting status, so the pod is marked not Ready",
            );
        }
        w.line(
            1,
            format!("the kubelet on {node} is down: nothing starts or stops the pod's containers until the node is back (docker start {node})"),
        );
        return w;
    }
    let Some(rt) = runtime(c, p) else {
        return Why::waits(
            &object,
            format!("the kubelet on {node} has not started it yet"),
        );
    };
    if p.phase() == "Pending" && now < rt.sandbox_at {
        let mut w = Why::waits(
            &object,
            "ContainerCreating: the pod's sandbox is being made",
        );
        w.line(
            1,
            format!(
                "the kubelet on {node} sets up its network namespace and IP address (about {} left)",
                seconds(rt.sandbox_at.since(now).max(1000))
            ),
        );
        return w;
    }
    let mut lines = Vec::new();
    let mut first: Option<String> = None;
    let mut previous_started = true;
    for ctr in &rt.containers {
        let line = match &ctr.phase {
            CPhase::Created if !previous_started => Some(format!(
                "container {}: waits for the container before it to start",
                ctr.name
            )),
            CPhase::Created if ctr.pull_backoff_ms > 0 => Some(format!(
                "container {}: ImagePullBackOff: pulling \"{}\" again now (back-off {})",
                ctr.name,
                ctr.image,
                seconds(ctr.pull_backoff_ms)
            )),
            CPhase::Created => Some(format!("container {}: about to start", ctr.name)),
            CPhase::Pulling { until, started, .. } => {
                let total = until.since(*started).max(1);
                let done = now.since(*started).min(total);
                let size = crate::images::ImageRef::parse(&ctr.image)
                    .and_then(|r| crate::images::size_of(&r));
                let progress = match size {
                    Some(bytes) => format!(
                        "{}% of {:.1} MB",
                        done * 100 / total,
                        bytes as f64 / 1_000_000.0
                    ),
                    None => format!("{}%", done * 100 / total),
                };
                let again = if ctr.pull_backoff_ms > 0 {
                    format!(", after a back-off of {}", seconds(ctr.pull_backoff_ms))
                } else {
                    String::new()
                };
                Some(format!(
                    "container {}: pulling image \"{}\": {progress}, about {} left{again}",
                    ctr.name,
                    ctr.image,
                    seconds(until.since(now).max(1000))
                ))
            }
            CPhase::PullFailed {
                backoff_at,
                retry_at,
                message,
                ..
            } => {
                let state = if now >= *backoff_at {
                    "ImagePullBackOff"
                } else {
                    "ErrImagePull"
                };
                Some(format!(
                    "container {}: {state}: {message}; the kubelet pulls again in {} (back-off {}, doubling to at most 5m)",
                    ctr.name,
                    seconds(retry_at.since(now).max(1000)),
                    seconds(ctr.pull_backoff_ms)
                ))
            }
            CPhase::InvalidImage { message } => Some(format!(
                "container {}: {message} (it will not start until the pod's image is changed)",
                ctr.name
            )),
            CPhase::Starting { until } => Some(format!(
                "container {}: starting (about {} left)",
                ctr.name,
                seconds(until.since(now).max(1000))
            )),
            CPhase::Exited {
                code,
                restart_at: Some(at),
                ..
            } => Some(format!(
                "container {}: exited with code {code}; CrashLoopBackOff: restarted in {}",
                ctr.name,
                seconds(at.since(now).max(1000))
            )),
            CPhase::Exited {
                code,
                restart_at: None,
                ..
            } => Some(format!(
                "container {}: exited with code {code} and is not restarted (restartPolicy)",
                ctr.name
            )),
            CPhase::Running { .. } if !ctr.started => Some(format!(
                "container {}: running; its startup probe has not passed yet",
                ctr.name
            )),
            CPhase::Running { .. } if !ctr.ready => Some(format!(
                "container {}: running; its readiness probe has not passed yet",
                ctr.name
            )),
            CPhase::Running { .. } => None,
        };
        previous_started = matches!(ctr.phase, CPhase::Running { .. }) || ctr.started;
        if let Some(l) = line {
            if first.is_none() {
                first = Some(l.clone());
            }
            lines.push(l);
        }
    }
    let status = if p.phase() == "Pending" {
        "ContainerCreating"
    } else {
        "not Ready"
    };
    let mut w = match first {
        Some(f) => Why::waits(&object, format!("{status}: {f}")),
        None => Why::waits(
            &object,
            format!("{status}: the kubelet on {node} has not reported its containers ready yet"),
        ),
    };
    if lines.len() > 1 {
        for l in lines {
            w.line(1, l);
        }
    }
    w
}

/// The kubelet's runtime for the pod (the newest, if an old incarnation lingers).
fn runtime<'a>(c: &'a Cluster, p: &Pod) -> Option<&'a crate::controllers::kubelet::PodRuntime> {
    c.kubelet.pods.get(&p.metadata.uid)
}

/// A pod no node has: the scheduler's verdict, or the claims it waits for.
fn unscheduled(c: &Cluster, p: &Pod, object: &str, follow: bool) -> Why {
    let ns = &p.metadata.namespace;
    let key = (ns.clone(), p.metadata.name.clone());
    let pending: Vec<&PersistentVolumeClaim> = p
        .claim_names()
        .filter_map(|n| c.get_as::<PersistentVolumeClaim>(ns, n))
        .filter(|pvc| pvc.spec.volume_name.is_none())
        .collect();
    let mut w = if let Some(node) = c.assumed.node_of(&key) {
        Why::waits(
            object,
            format!("the scheduler chose {node} and waits for its claims to be bound there"),
        )
    } else if let Some(msg) = p
        .condition("PodScheduled")
        .filter(|cond| cond.status == "False")
        .and_then(|cond| cond.message.clone())
    {
        let mut w = Why::waits(object, "Pending: the scheduler cannot place it");
        w.line(1, format!("default-scheduler: {msg}"));
        w
    } else {
        Why::waits(object, "Pending: the scheduler has not placed it yet")
    };
    if follow {
        for pvc in pending {
            w.nest(1, claim_why(c, pvc, false));
        }
    }
    w
}

/// A pod being deleted: its grace period, finalizers, and whether its node can confirm.
fn terminating(c: &Cluster, p: &Pod, object: &str, now: Time) -> Why {
    let m = &p.metadata;
    let node = p.spec.node_name.as_deref();
    let down = node.filter(|n| !c.node_running(n));
    let deadline = m.deletion_timestamp.unwrap_or(now);
    let grace = m.deletion_grace_period_seconds.unwrap_or(0);
    let headline = if let Some(n) = down {
        format!("Terminating: its node {n} is not reachable, so nothing confirms that its containers stopped")
    } else if now < deadline {
        format!(
            "Terminating: {} left of its {grace}s grace period",
            seconds(deadline.since(now).max(1000))
        )
    } else if !m.finalizers.is_empty() {
        format!("Terminating: finalizers {}", m.finalizers.join(", "))
    } else {
        "Terminating: the kubelet is stopping its containers and removing it".to_string()
    };
    let mut w = Why::waits(object, headline);
    if let Some(n) = down {
        w.line(
            1,
            format!("the kubelet on {n} is down: the pod object stays until the node is back (docker start {n}) or the pod is deleted with --grace-period=0 --force"),
        );
    } else if now < deadline {
        w.line(
            1,
            format!("the containers got SIGTERM; the kubelet kills what still runs at {} (deletionTimestamp)", deadline.rfc3339()),
        );
    }
    if !m.finalizers.is_empty() && (down.is_some() || now < deadline) {
        w.line(
            1,
            format!(
                "finalizers {}: the object stays until each is removed by the component that set it",
                m.finalizers.join(", ")
            ),
        );
    }
    w
}

/// A StatefulSet replica that does not exist: which rule of the controller holds it.
fn missing_replica(c: &Cluster, ns: &str, name: &str) -> Option<Why> {
    let (parent, ordinal) = crate::names::parent_and_ordinal(name);
    if ordinal < 0 {
        return None;
    }
    let set = c.get_as::<StatefulSet>(ns, parent)?;
    let start = set.start_ordinal();
    if ordinal < start || ordinal >= start + set.replicas().max(0) {
        return None;
    }
    let object = format!("pod/{name}");
    let reason = c.waiting_reason(Kind::StatefulSet, ns, parent);
    let mut w = match reason {
        Some(r) if set.metadata.is_deleting() => {
            Why::waits(&object, format!("not created: the StatefulSet {parent} is being deleted ({r})"))
        }
        _ if set.metadata.is_deleting() => Why::waits(
            &object,
            format!("not created: the StatefulSet {parent} is being deleted"),
        ),
        // The controller's line names the replica that waits: this one.
        Some(r) => Why::waits(
            &object,
            format!(
                "not created yet: {}",
                r.strip_prefix(&format!("{name} waits: ")).unwrap_or(r)
            ),
        ),
        None => Why::waits(
            &object,
            format!("not created yet: the StatefulSet controller has not synced {parent} since it was scaled"),
        ),
    };
    if !set.is_parallel() {
        w.line(
            1,
            format!("podManagementPolicy OrderedReady: the StatefulSet controller creates {parent}'s pods one at a time, in ordinal order, each once the one before it is Running and Ready"),
        );
    }
    Some(w)
}

/// A claim: Pending (no class, a class that does not exist, WaitForFirstConsumer, being
/// provisioned), being deleted while pods use it, or Bound.
pub fn claim(c: &Cluster, ns: &str, name: &str) -> Result<Why, ApiError> {
    c.get_as::<PersistentVolumeClaim>(ns, name)
        .map(|pvc| claim_why(c, pvc, true))
        .ok_or_else(|| ApiError::not_found(Kind::PersistentVolumeClaim, name))
}

/// `follow`: explain the unscheduled pods that wait for it too.
fn claim_why(c: &Cluster, pvc: &PersistentVolumeClaim, follow: bool) -> Why {
    let (ns, name) = (&pvc.metadata.namespace, &pvc.metadata.name);
    let object = format!("persistentvolumeclaim/{name}");
    let users: Vec<String> = c.store.claim_users(ns, name).cloned().collect();
    if pvc.metadata.is_deleting() {
        let holding: Vec<&String> = users
            .iter()
            .filter(|u| {
                c.get_as::<Pod>(ns, u)
                    .is_some_and(|p| p.spec.node_name.is_some())
            })
            .collect();
        if holding.is_empty() {
            return Why::waits(&object, "Terminating: being removed");
        }
        let mut w = Why::waits(
            &object,
            format!(
                "Terminating: pods still use it: {}",
                holding
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        w.line(
            1,
            "kubernetes.io/pvc-protection: the claim goes once no scheduled pod uses it",
        );
        return w;
    }
    if let Some(pv) = &pvc.spec.volume_name {
        return Why::not_waiting(&object, format!("Bound to persistentvolume/{pv}"));
    }
    let class_name = pvc.spec.storage_class_name.clone();
    let mut w = match class_name.as_deref() {
        None => {
            let mut w = Why::waits(
                &object,
                "Pending: it names no StorageClass and there is no default class",
            );
            w.line(
                1,
                "persistentvolume-controller: no persistent volumes available for this claim and no storage class is set; a default StorageClass created now is given to it",
            );
            w
        }
        Some("") => {
            let mut w = Why::waits(
                &object,
                "Pending: storageClassName \"\" binds only to a PersistentVolume made by hand",
            );
            w.line(
                1,
                "persistentvolume-controller: no persistent volumes available for this claim and no storage class is set",
            );
            w
        }
        Some(cls) => match c.get_as::<StorageClass>("", cls) {
            None => {
                let mut w = Why::waits(
                    &object,
                    format!("Pending: its StorageClass {cls} does not exist"),
                );
                w.line(
                    1,
                    format!("persistentvolume-controller: storageclass.storage.k8s.io \"{cls}\" not found"),
                );
                w
            }
            Some(class) => {
                let wffc = class.volume_binding_mode.as_deref() == Some("WaitForFirstConsumer");
                match pvc.metadata.annotations.get(SELECTED_NODE) {
                    None if wffc => {
                        let mut w = Why::waits(
                            &object,
                            format!("Pending: WaitForFirstConsumer: the StorageClass {cls} binds it once a pod that uses it is scheduled"),
                        );
                        if users.is_empty() {
                            w.line(1, "no pod uses it yet");
                        }
                        w
                    }
                    selected => {
                        let on = selected.map(|n| format!(" on {n}")).unwrap_or_default();
                        let mut w = Why::waits(
                            &object,
                            format!(
                                "Pending: provisioning: {} is creating its volume{on}",
                                class.provisioner
                            ),
                        );
                        if class.provisioner != crate::controllers::volume::PROVISIONER {
                            w.line(
                                1,
                                format!("no provisioner named {} runs in this cluster (kind's is {}): the claim stays Pending until a PersistentVolume is made by hand", class.provisioner, crate::controllers::volume::PROVISIONER),
                            );
                        }
                        w
                    }
                }
            }
        },
    };
    if follow {
        for u in &users {
            if let Some(p) = c.get_as::<Pod>(ns, u) {
                if p.spec.node_name.is_none() && !p.is_terminating() {
                    w.nest(1, pod_why(c, p, false));
                }
            }
        }
    }
    w
}

/// A StatefulSet: what its controller waits for (the waiting line), or its replicas all
/// there and Ready.
pub fn stateful_set(c: &Cluster, ns: &str, name: &str) -> Result<Why, ApiError> {
    let set = c
        .get_as::<StatefulSet>(ns, name)
        .ok_or_else(|| ApiError::not_found(Kind::StatefulSet, name))?;
    let object = format!("statefulset.apps/{name}");
    let s = &set.status;
    let want = set.replicas();
    if let Some(r) = c.waiting_reason(Kind::StatefulSet, ns, name) {
        let mut w = Why::controller(&object, r);
        w.line(
            1,
            format!(
                "{} of {want} replicas exist, {} Ready; {} at the update revision {}",
                s.replicas, s.ready_replicas, s.updated_replicas, s.update_revision
            ),
        );
        return Ok(w);
    }
    if set.metadata.is_deleting() {
        return Ok(Why::waits(
            &object,
            "Terminating: the garbage collector removes its pods",
        ));
    }
    if s.ready_replicas < want || s.replicas != want {
        // Nothing holds the controller itself: the pods are on their way.
        let mut w = Why::waits(
            &object,
            format!("{} of {want} replicas Ready", s.ready_replicas),
        );
        for p in pods_of(c, ns, &set.metadata.uid) {
            let why = pod_why(c, p, true);
            if why.waiting {
                w.nest(1, why);
            }
        }
        return Ok(w);
    }
    Ok(Why::not_waiting(
        &object,
        format!(
            "{want} of {want} replicas Ready at revision {}",
            s.update_revision
        ),
    ))
}

/// The pods an object owns (its controller), in name order.
fn pods_of<'a>(c: &'a Cluster, ns: &str, uid: &str) -> Vec<&'a Pod> {
    let mut pods: Vec<&Pod> = c
        .list_as::<Pod>(Some(ns))
        .into_iter()
        .filter(|p| p.metadata.controller_ref().is_some_and(|o| o.uid == uid))
        .collect();
    crate::sort::sort_by(&mut pods, |a, b| a.metadata.name.cmp(&b.metadata.name));
    pods
}

/// A Deployment: what its rollout waits for (the controller's waiting line), or complete.
pub fn deployment(c: &Cluster, ns: &str, name: &str) -> Result<Why, ApiError> {
    let d = c
        .get_as::<Deployment>(ns, name)
        .ok_or_else(|| ApiError::not_found(Kind::Deployment, name))?;
    let object = format!("deployment.apps/{name}");
    let s = &d.status;
    let want = d.replicas();
    let counts = format!(
        "{} of {want} replicas updated, {} available",
        s.updated_replicas, s.available_replicas
    );
    // The pods of its ReplicaSets that wait, newest ReplicaSet first.
    let mut sets: Vec<&ReplicaSet> = c
        .list_as::<ReplicaSet>(Some(ns))
        .into_iter()
        .filter(|rs| {
            rs.metadata
                .controller_ref()
                .is_some_and(|o| o.uid == d.metadata.uid)
        })
        .collect();
    crate::sort::sort_by_key(&mut sets, |rs| {
        std::cmp::Reverse(rs.metadata.creation_timestamp)
    });
    let waiting_pods = || {
        sets.iter()
            .flat_map(|rs| pods_of(c, ns, &rs.metadata.uid))
            .map(|p| pod_why(c, p, true))
            .filter(|w| w.waiting)
            .collect::<Vec<Why>>()
    };
    if let Some(r) = c.waiting_reason(Kind::Deployment, ns, name) {
        let mut w = Why::controller(&object, r);
        w.line(1, counts);
        for p in waiting_pods() {
            w.nest(1, p);
        }
        return Ok(w);
    }
    if d.metadata.is_deleting() {
        return Ok(Why::waits(
            &object,
            "Terminating: the garbage collector removes its ReplicaSets",
        ));
    }
    if s.available_replicas < want || s.updated_replicas < want {
        let mut w = Why::waits(&object, counts);
        for p in waiting_pods() {
            w.nest(1, p);
        }
        return Ok(w);
    }
    Ok(Why::not_waiting(
        &object,
        format!("{want} of {want} replicas updated and available"),
    ))
}

/// A ReplicaSet: the pods it still has to create or that are not Ready yet.
pub fn replica_set(c: &Cluster, ns: &str, name: &str) -> Result<Why, ApiError> {
    let rs = c
        .get_as::<ReplicaSet>(ns, name)
        .ok_or_else(|| ApiError::not_found(Kind::ReplicaSet, name))?;
    let object = format!("replicaset.apps/{name}");
    let want = rs.replicas();
    let pods = pods_of(c, ns, &rs.metadata.uid);
    let live = pods.iter().filter(|p| !p.is_terminating()).count() as i32;
    if rs.metadata.is_deleting() {
        return Ok(Why::waits(
            &object,
            "Terminating: the garbage collector removes its pods",
        ));
    }
    if live < want {
        let mut w = Why::waits(
            &object,
            format!("{live} of {want} pods exist: the ReplicaSet controller creates the rest"),
        );
        w.line(
            1,
            "it creates missing pods in slow-start batches (1, 2, 4, …) and waits to see each batch before the next",
        );
        return Ok(w);
    }
    if live > want {
        return Ok(Why::waits(
            &object,
            format!(
                "{live} pods for {want} replicas: the ReplicaSet controller deletes the extra ones"
            ),
        ));
    }
    let ready = pods
        .iter()
        .filter(|p| !p.is_terminating() && p.is_running_and_ready())
        .count();
    let waiting: Vec<Why> = pods
        .iter()
        .map(|p| pod_why(c, p, true))
        .filter(|w| w.waiting)
        .collect();
    if waiting.is_empty() {
        return Ok(Why::not_waiting(
            &object,
            format!("{want} of {want} pods Ready"),
        ));
    }
    let mut w = Why::waits(&object, format!("{ready} of {want} pods Ready"));
    for p in waiting {
        w.nest(1, p);
    }
    Ok(w)
}
