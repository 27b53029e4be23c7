//! Commands that keep running while simulated time passes: `get -w`, the wait after
//! `delete`, `rollout status`, `wait --for`, `sleep`, and `run -i` waiting for its pod.
//! In a script they are driven to completion by stepping the cluster; in the browser the
//! terminal polls them as the clock runs.

use crate::output::Output;
use crate::selector::Selector;
use crate::table::Table;
use ordinal_sim::api::*;
use ordinal_sim::printers as rows;
use ordinal_sim::time::Time;
use ordinal_sim::Cluster;
use ordinal_sim::WatchEventType;

/// Longest a script waits for a job before giving up (simulated time).
pub const SCRIPT_HORIZON_MS: u64 = 10 * 60 * 1000;

#[derive(Debug)]
pub enum Job {
    Watch(Watch),
    /// The wait `kubectl delete` does until the objects are gone.
    WaitGone {
        targets: Vec<(Kind, String, String, String)>,
        /// `kubectl delete --timeout`: when to give up (`None`: kubectl's week, i.e. never here).
        deadline: Option<Time>,
    },
    Sleep {
        until: Time,
    },
    /// `kubectl rollout status`: like `UntilWithSync`, it prints the status viewer's message for
    /// the set as listed, then for every ADDED/MODIFIED watch event of it (repeats included).
    RolloutStatus {
        ns: String,
        name: String,
        /// The watch cursor (a resourceVersion); none before the initial list.
        seen: Option<u64>,
        /// `--timeout` (none when 0 or not given).
        deadline: Option<Time>,
    },
    WaitFor {
        targets: Vec<(Kind, String, String)>,
        condition: WaitCondition,
        deadline: Time,
        met: Vec<bool>,
    },
    /// `kubectl run -i`/`exec -it`: a shell attached to a container (the session drives it).
    Attach(Attach),
    /// `kubectl drain`: the evicted pods not gone yet (namespace, name, uid), and `--timeout`.
    Drain {
        node: String,
        pending: Vec<(String, String, String)>,
        deadline: Option<(Time, String)>,
    },
    /// `docker stop NODE…`: the kind node containers ignore the stop signal, so docker kills
    /// them when its 10 s timeout ends, and then prints their names.
    DockerStop {
        nodes: Vec<String>,
        at: Time,
    },
    /// `kubectl run -i … -- CMD`: wait for the pod, show the command's output, then `--rm`.
    RunCommand {
        namespace: String,
        pod: String,
        remove: bool,
    },
}

#[derive(Debug, Clone)]
pub enum WaitCondition {
    Condition {
        name: String,
        value: String,
    },
    /// Gone: absent, or replaced by a new object of the same name (its uid, as the watch that
    /// kubectl's `IsDeleted` follows sees the old one's DELETED event).
    Delete {
        uids: Vec<String>,
    },
    JsonPath {
        path: String,
        value: String,
    },
}

#[derive(Debug, Clone)]
pub struct Attach {
    pub namespace: String,
    pub pod: String,
    pub container: Option<String>,
    /// `--rm`: delete the pod when the session ends.
    pub remove: bool,
    /// Waiting for the pod to start before attaching (`kubectl run -i`).
    pub waiting: bool,
    /// Started by `kubectl run` (its shell is the container's main process).
    pub from_run: bool,
}

impl Job {
    /// When the job acts without the cluster changing (a sleep ending, a timeout, docker's kill):
    /// a live terminal advances the clock to this instant and polls there, so what the job does
    /// never depends on how the clock's steps fall.
    pub fn deadline(&self) -> Option<Time> {
        match self {
            Job::WaitGone { deadline, .. } | Job::RolloutStatus { deadline, .. } => *deadline,
            Job::Sleep { until } => Some(*until),
            Job::WaitFor { deadline, .. } => Some(*deadline),
            Job::Drain { deadline, .. } => deadline.as_ref().map(|(t, _)| *t),
            Job::DockerStop { at, .. } => Some(*at),
            Job::Watch(_) | Job::Attach(_) | Job::RunCommand { .. } => None,
        }
    }

    /// Moves the job along after the clock moved. Returns true when it has finished.
    pub fn poll(&mut self, c: &mut Cluster, out: &mut Output) -> bool {
        match self {
            Job::Watch(w) => {
                out.out(w.poll(c));
                false
            }
            Job::WaitGone { targets, deadline } => {
                let left = targets
                    .iter()
                    .find(|(k, ns, n, uid)| c.get(*k, ns, n).is_ok_and(|o| o.meta().uid == *uid));
                match (left, deadline) {
                    (None, _) => true,
                    (Some((k, _, n, _)), Some(d)) if c.now() >= *d => {
                        // RunWait stops at the first object that times out.
                        out.err(format!(
                            "error: timed out waiting for the condition on {}/{n}",
                            k.info().plural
                        ));
                        true
                    }
                    _ => false,
                }
            }
            Job::Sleep { until } => c.now() >= *until,
            Job::Drain {
                node,
                pending,
                deadline,
            } => crate::drain::poll(c, node, pending, deadline, out),
            Job::DockerStop { nodes, at } => {
                if c.now() < *at {
                    return false;
                }
                for n in nodes.iter() {
                    // Already stopped is not an error for docker.
                    let _ = c.stop_node(n);
                    out.out(format!("{n}\n"));
                }
                true
            }
            Job::RolloutStatus {
                ns,
                name,
                seen,
                deadline,
            } => {
                // The versions of the set to judge: the listed one first, then each write.
                let mut versions: Vec<Option<StatefulSet>> = Vec::new();
                let cursor = seen.and_then(|rv| c.watch_since(rv).ok());
                match cursor {
                    Some(events) => {
                        for e in events {
                            if let Object::StatefulSet(s) = &*e.object {
                                if s.metadata.namespace == *ns && s.metadata.name == *name {
                                    versions.push(match e.type_ {
                                        WatchEventType::Deleted => None,
                                        _ => Some((**s).clone()),
                                    });
                                }
                            }
                        }
                    }
                    None => {
                        let Some(s) = c.get_as::<StatefulSet>(ns, name) else {
                            out.err(format!(
                                "Error from server (NotFound): statefulsets.apps \"{name}\" not found"
                            ));
                            return true;
                        };
                        versions.push(Some(s.clone()));
                    }
                }
                *seen = Some(c.resource_version());
                for v in versions {
                    let Some(s) = v else {
                        out.err("error: object has been deleted");
                        return true;
                    };
                    let (msg, done) = rollout_message(&s);
                    out.out(msg);
                    if done {
                        return true;
                    }
                }
                if deadline.is_some_and(|d| c.now() >= d) {
                    out.err("error: timed out waiting for the condition");
                    return true;
                }
                false
            }
            Job::WaitFor {
                targets,
                condition,
                deadline,
                met,
            } => {
                for (i, (k, ns, n)) in targets.iter().enumerate() {
                    if met[i] {
                        continue;
                    }
                    let obj = c.get(*k, ns, n).ok();
                    let ok = match condition {
                        WaitCondition::Delete { uids } => obj
                            .as_deref()
                            .is_none_or(|o| Some(&o.meta().uid) != uids.get(i)),
                        WaitCondition::Condition { name, value } => obj
                            .as_deref()
                            .is_some_and(|o| has_condition(o, name, value)),
                        WaitCondition::JsonPath { path, value } => {
                            obj.as_deref().is_some_and(|o| {
                                crate::printers::jsonpath::render(
                                    &format!("{{{path}}}"),
                                    &o.to_value(),
                                )
                                .is_ok_and(|v| v == *value)
                            })
                        }
                    };
                    if ok {
                        met[i] = true;
                        // One printer for every condition, `--for=delete` included.
                        out.out(format!(
                            "{}/{n} condition met\n",
                            crate::resource::type_prefix(*k)
                        ));
                    }
                }
                if met.iter().all(|m| *m) {
                    return true;
                }
                if c.now() >= *deadline {
                    for (i, (k, _, n)) in targets.iter().enumerate() {
                        if !met[i] {
                            out.err(format!(
                                "error: timed out waiting for the condition on {}/{n}",
                                k.info().plural
                            ));
                        }
                    }
                    return true;
                }
                false
            }
            Job::RunCommand {
                namespace,
                pod,
                remove,
            } => {
                let Some(p) = c.get_as::<Pod>(namespace, pod).cloned() else {
                    out.err(format!(
                        "Error from server (NotFound): pods \"{pod}\" not found"
                    ));
                    return true;
                };
                if p.phase() == "Pending" {
                    return false;
                }
                let argv: Vec<String> = p.spec.containers[0]
                    .command
                    .iter()
                    .chain(p.spec.containers[0].args.iter())
                    .cloned()
                    .collect();
                if p.phase() == "Running" {
                    match c.exec(namespace, pod, None, &argv, "") {
                        Ok(r) => {
                            out.out(r.stdout);
                            if !r.stderr.is_empty() {
                                out.note(r.stderr);
                            }
                        }
                        Err(e) => out.err(e.message()),
                    }
                }
                if *remove {
                    let opts = ordinal_sim::DeleteOptions {
                        grace_period_seconds: Some(0),
                        propagation: None,
                    };
                    if c.delete(Kind::Pod, namespace, pod, &opts).is_ok() {
                        out.out(format!("pod \"{pod}\" deleted\n"));
                    }
                }
                true
            }
            Job::Attach(a) => {
                if !a.waiting {
                    return false;
                }
                match c.get_as::<Pod>(&a.namespace, &a.pod) {
                    None => {
                        out.err(format!(
                            "Error from server (NotFound): pods \"{}\" not found",
                            a.pod
                        ));
                        true
                    }
                    Some(p) if p.phase() == "Running" => {
                        a.waiting = false;
                        out.out("If you don't see a command prompt, try pressing enter.\n");
                        false
                    }
                    Some(p) if matches!(p.phase(), "Succeeded" | "Failed") => {
                        a.waiting = false;
                        out.err(format!("error: cannot attach to a container in a completed pod; current phase is {}", p.phase()));
                        true
                    }
                    Some(_) => false,
                }
            }
        }
    }

    /// Runs the job to its end by stepping the cluster (script mode): time passes only here.
    pub fn run_to_end(mut self, c: &mut Cluster, out: &mut Output) -> Option<Job> {
        let start = c.now();
        loop {
            if self.poll(c, out) {
                return None;
            }
            if let Job::Attach(a) = &self {
                if !a.waiting {
                    return Some(self);
                }
            }
            let waited = c.now().since(start);
            if waited >= SCRIPT_HORIZON_MS {
                return None;
            }
            let deadline = match &self {
                Job::Sleep { until } => Some(*until),
                Job::WaitFor { deadline, .. } => Some(*deadline),
                Job::WaitGone { deadline, .. } => *deadline,
                Job::RolloutStatus { deadline, .. } => *deadline,
                Job::Drain {
                    deadline: Some((d, _)),
                    ..
                } => Some(*d),
                Job::DockerStop { at, .. } => Some(*at),
                _ => None,
            };
            match (c.next_timer(), deadline) {
                (Some(t), Some(d)) if t > d => c.advance(d.since(c.now())),
                (Some(t), _) => c.advance(t.since(c.now()).min(SCRIPT_HORIZON_MS - waited)),
                (None, Some(d)) => c.advance(d.since(c.now())),
                (None, None) => {
                    // Nothing will ever change: a watch ends, anything else gives up.
                    self.poll(c, out);
                    return None;
                }
            }
        }
    }
}

fn has_condition(o: &Object, name: &str, value: &str) -> bool {
    let want = if value.is_empty() { "true" } else { value };
    match o {
        Object::Pod(p) => p
            .status
            .conditions
            .iter()
            .any(|c| c.type_.eq_ignore_ascii_case(name) && c.status.eq_ignore_ascii_case(want)),
        Object::Node(n) => n
            .status
            .conditions
            .iter()
            .any(|c| c.type_.eq_ignore_ascii_case(name) && c.status.eq_ignore_ascii_case(want)),
        _ => false,
    }
}

/// The StatefulSet status viewer (`rollout_status.go`).
pub fn rollout_message(s: &StatefulSet) -> (String, bool) {
    if s.update_strategy_type() != "RollingUpdate" {
        return (
            "error: rollout status is only available for RollingUpdate strategy type\n".into(),
            true,
        );
    }
    let observed = s.status.observed_generation.unwrap_or(0);
    if observed == 0 || s.metadata.generation > observed {
        return (
            "Waiting for statefulset spec update to be observed...\n".into(),
            false,
        );
    }
    let replicas = s.replicas();
    if s.status.ready_replicas < replicas {
        return (
            format!(
                "Waiting for {} pods to be ready...\n",
                replicas - s.status.ready_replicas
            ),
            false,
        );
    }
    let has_ru = s
        .spec
        .update_strategy
        .as_ref()
        .is_some_and(|u| u.rolling_update.is_some());
    if has_ru {
        let partition = s.partition();
        if s.status.updated_replicas < replicas - partition {
            return (format!("Waiting for partitioned roll out to finish: {} out of {} new pods have been updated...\n", s.status.updated_replicas, replicas - partition), false);
        }
        return (
            format!(
                "partitioned roll out complete: {} new pods have been updated...\n",
                s.status.updated_replicas
            ),
            true,
        );
    }
    if s.status.update_revision != s.status.current_revision {
        return (
            format!(
                "waiting for statefulset rolling update to complete {} pods at revision {}...\n",
                s.status.updated_replicas, s.status.update_revision
            ),
            false,
        );
    }
    (
        format!(
            "statefulset rolling update complete {} pods at revision {}...\n",
            s.status.current_replicas, s.status.current_revision
        ),
        true,
    )
}

/// `kubectl get -w`: the list, then one row per change.
#[derive(Debug)]
pub struct Watch {
    pub kind: Kind,
    pub namespace: Option<String>,
    pub selector: Option<Selector>,
    pub names: Vec<String>,
    pub wide: bool,
    pub show_labels: bool,
    pub name_only: bool,
    pub rv: u64,
    pub table: Table,
}

impl Watch {
    pub fn matches(&self, o: &Object) -> bool {
        o.kind() == self.kind
            && self
                .namespace
                .as_deref()
                .is_none_or(|ns| o.namespace() == ns)
            && (self.names.is_empty() || self.names.iter().any(|n| n == o.name()))
            && self
                .selector
                .as_ref()
                .is_none_or(|s| s.matches(&o.meta().labels))
    }

    pub fn row(&self, c: &Cluster, o: &Object) -> Vec<String> {
        if self.name_only {
            return vec![format!(
                "{}/{}",
                crate::resource::type_prefix(o.kind()),
                o.name()
            )];
        }
        let mut r = Vec::new();
        if self.namespace.is_none() && self.kind.namespaced() {
            r.push(o.namespace().to_string());
        }
        r.extend(rows::row(c, o, self.wide, false));
        if self.show_labels {
            r.push(rows::labels_cell(o.meta()));
        }
        r
    }

    pub fn poll(&mut self, c: &Cluster) -> String {
        let events = match c.watch_since(self.rv) {
            Ok(e) => e,
            Err(_) => {
                self.rv = c.resource_version();
                return String::new();
            }
        };
        let mut rows_out = Vec::new();
        for ev in events {
            self.rv = ev.resource_version;
            if !self.matches(&ev.object) {
                continue;
            }
            rows_out.push(self.row(c, &ev.object));
        }
        // Each event is printed (and flushed) on its own, so widths only grow afterwards.
        rows_out
            .iter()
            .map(|r| self.table.render(std::slice::from_ref(r)))
            .collect()
    }
}
