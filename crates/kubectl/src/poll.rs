//! Moving jobs along as simulated time passes: one poll of each kind of [`Job`], and a
//! script's run of a job to its end.

use crate::jobs::{Job, WaitCondition, Watch, SCRIPT_HORIZON_MS};
use crate::output::Output;
use ordinal_sim::api::*;
use ordinal_sim::printers as rows;
use ordinal_sim::Cluster;

impl Job {
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
            Job::PortForward(pf) => {
                if pf.lost {
                    out.status = 1;
                }
                pf.lost
            }
            // Time does not end an edit: the editor does.
            Job::Edit(_) => false,
            Job::Replace(r) => crate::replace::poll(c, r, out),
            Job::AttachOutput(a) => crate::exec::poll_attach_output(a, c, out),
            Job::Events(e) => {
                crate::events::poll(e, c, out);
                false
            }
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
            Job::RolloutStatus(s) => crate::rollout::poll_status(c, s, out),
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
                        // An ephemeral container (`kubectl debug`) starts after its pod:
                        // `waitForContainer` waits for it to run, or shows the logs of one
                        // that ended.
                        let status = a.container.as_deref().and_then(|n| {
                            p.status
                                .ephemeral_container_statuses
                                .iter()
                                .find(|s| s.name == n)
                        });
                        let is_ephemeral = a.container.as_deref().is_some_and(|n| {
                            p.spec
                                .ephemeral_containers
                                .iter()
                                .any(|e| e.container.name == n)
                        });
                        if is_ephemeral {
                            match status.map(|s| &s.state) {
                                Some(st) if st.terminated.is_some() => {
                                    let name = a.container.clone().unwrap_or_default();
                                    out.out(c.container_logs(&a.namespace, &a.pod, &name));
                                    a.waiting = false;
                                    return true;
                                }
                                Some(st) if st.running.is_some() => {}
                                // `waitForContainer`'s warning for a waiting message (a pull
                                // failing), each time it changes.
                                Some(st) => {
                                    let msg = st.waiting.as_ref().and_then(|w| w.message.clone());
                                    if let Some(m) = msg.filter(|m| a.warned.as_ref() != Some(m)) {
                                        let name = a.container.clone().unwrap_or_default();
                                        out.note(format!("Warning: container {name}: {m}"));
                                        a.warned = Some(m);
                                    }
                                    return false;
                                }
                                None => return false,
                            }
                        }
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
        // Nothing in a script can connect to a port-forward: it ends as at Ctrl-C.
        if matches!(self, Job::PortForward(_)) {
            return None;
        }
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
            if let Job::Edit(_) = &self {
                return Some(self);
            }
            let waited = c.now().since(start);
            if waited >= SCRIPT_HORIZON_MS {
                return None;
            }
            let deadline = self.deadline();
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

/// `kubectl wait --for=condition=NAME[=VALUE]`: as upstream, any kind's `status.conditions`,
/// type and status compared without case.
fn has_condition(o: &Object, name: &str, value: &str) -> bool {
    let want = if value.is_empty() { "true" } else { value };
    let v = o.to_value();
    let Some(conditions) = v.pointer("/status/conditions").and_then(|c| c.as_array()) else {
        return false;
    };
    let field = |c: &serde_json::Value, key: &str| {
        c.get(key)
            .and_then(|s| s.as_str())
            .unwrap_or_default()
            .to_string()
    };
    conditions.iter().any(|c| {
        field(c, "type").eq_ignore_ascii_case(name) && field(c, "status").eq_ignore_ascii_case(want)
    })
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
        r.extend(crate::printers::label_cells(o, &self.label_columns));
        if self.show_labels {
            r.push(rows::labels_cell(o.meta()));
        }
        r
    }

    pub fn poll(&mut self, c: &Cluster) -> String {
        let events = match c.watch_kind_since(self.kind, self.rv) {
            Ok(e) => e,
            Err(_) => {
                self.rv = c.resource_version();
                return String::new();
            }
        };
        // The watch has seen everything up to now (a live watch would have been sent it).
        self.rv = c.resource_version();
        let mut rows_out = Vec::new();
        for ev in events {
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
