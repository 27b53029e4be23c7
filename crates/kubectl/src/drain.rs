//! `kubectl drain NODE`: cordon, pick the pods to evict with kubectl's filters (DaemonSet,
//! mirror, local storage, unreplicated), evict each through the eviction API, and wait until
//! every one is gone (a [`Job::Drain`]), printing `pod/NAME evicted` as they go.

use crate::args::{flag, FlagSpec};
use crate::jobs::Job;
use crate::output::Output;
use crate::{errors, Env};
use ordinal_sim::api::*;
use ordinal_sim::Cluster;

const DAEMON_SET_FATAL: &str = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)";
const LOCAL_STORAGE_FATAL: &str =
    "Pods with local storage (use --delete-emptydir-data to override)";
const UNMANAGED_FATAL: &str =
    "cannot delete Pods that declare no controller (use --force to override)";
const UNMANAGED_WARNING: &str = "deleting Pods that declare no controller";

/// `kubectl drain`'s flags.
pub const FLAGS: &[FlagSpec] = &[
    flag("ignore-daemonsets", None, false),
    flag("delete-emptydir-data", None, false),
    flag("force", None, false),
    flag("grace-period", None, true),
    flag("timeout", None, true),
];

pub fn drain(c: &mut Cluster, args: &[String], _env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(args, FLAGS, "drain", &mut out) else {
        return out;
    };
    let Some(name) = p.positionals.first() else {
        out.err("error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples");
        return out;
    };
    let name = name
        .trim_start_matches("node/")
        .trim_start_matches("nodes/")
        .to_string();
    let grace = match p.value("grace-period") {
        None => None,
        Some(g) => match g.parse::<i64>() {
            Ok(g) if g < 0 => None,
            Ok(g) => Some(g),
            Err(_) => {
                out.err(format!("error: invalid argument \"{g}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{g}\": invalid syntax\nSee 'kubectl drain --help' for usage."));
                return out;
            }
        },
    };
    let timeout = match p.value("timeout") {
        None => None,
        Some(t) => match crate::args::parse_duration(t) {
            Some(0) => None,
            Some(ms) => Some((ms, crate::args::go_duration(ms))),
            None => {
                out.err(format!("error: invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\""));
                return out;
            }
        },
    };
    let force = p.bool("force");
    let ignore_ds = p.bool("ignore-daemonsets");
    let empty_dir = p.bool("delete-emptydir-data");
    // Cordon.
    let cordon = set_unschedulable(c, std::slice::from_ref(&name), false);
    let failed = cordon.status != 0;
    out.append(cordon);
    if failed {
        return out;
    }
    // GetPodsForDeletion: every pod on the node, each through the filters in order.
    let pods: Vec<Pod> = c
        .list_as::<Pod>(None)
        .into_iter()
        .filter(|p| p.spec.node_name.as_deref() == Some(name.as_str()))
        .cloned()
        .collect();
    let mut errors: Vec<(String, Vec<String>)> = Vec::new();
    let mut warnings: Vec<(String, Vec<String>)> = Vec::new();
    let mut evict = Vec::new();
    let add = |list: &mut Vec<(String, Vec<String>)>, msg: &str, pod: &Pod| {
        let id = format!("{}/{}", pod.metadata.namespace, pod.metadata.name);
        match list.iter_mut().find(|(m, _)| m == msg) {
            Some((_, ids)) => ids.push(id),
            None => list.push((msg.to_string(), vec![id])),
        }
    };
    for pod in &pods {
        let finished = matches!(pod.phase(), "Succeeded" | "Failed");
        let controller = pod.metadata.controller_ref();
        if controller.is_some_and(|r| r.kind == "DaemonSet") && !finished {
            if !ignore_ds {
                add(&mut errors, DAEMON_SET_FATAL, pod);
            }
            continue;
        }
        if pod
            .metadata
            .annotations
            .contains_key("kubernetes.io/config.mirror")
        {
            continue;
        }
        let local = pod.spec.volumes.iter().any(|v| v.empty_dir.is_some());
        if local && !finished && !empty_dir {
            add(&mut errors, LOCAL_STORAGE_FATAL, pod);
            continue;
        }
        if controller.is_none() && !finished {
            if !force {
                add(&mut errors, UNMANAGED_FATAL, pod);
                continue;
            }
            add(&mut warnings, UNMANAGED_WARNING, pod);
        }
        evict.push(pod.clone());
    }
    if !errors.is_empty() {
        let lines: Vec<String> = errors
            .iter()
            // `PodDeleteList.errors`: "cannot delete " before every message, the unmanaged
            // pods' own "cannot delete …" too (v1.33 prints it twice).
            .map(|(msg, ids)| format!("cannot delete {msg}: {}", ids.join(", ")))
            .collect();
        out.err(unable_to_drain(&name, &lines));
        return out;
    }
    if !warnings.is_empty() {
        let w: Vec<String> = warnings
            .iter()
            .map(|(m, ids)| format!("{m}: {}", ids.join(", ")))
            .collect();
        out.note(format!("Warning: {}", w.join("; ")));
    }
    let mut pending = Vec::new();
    for pod in evict {
        let (ns, n) = (&pod.metadata.namespace, &pod.metadata.name);
        out.out(format!("evicting pod {ns}/{n}\n"));
        match c.evict(ns, n, grace) {
            Ok(()) => pending.push((ns.clone(), n.clone(), pod.metadata.uid.clone())),
            Err(e) if e.reason == ordinal_sim::Reason::NotFound => {}
            Err(e) => {
                out.err(format!(
                    "error when evicting pods/\"{n}\" -n \"{ns}\": {}",
                    e.message
                ));
                return out;
            }
        }
    }
    let deadline = timeout.map(|(ms, text)| (c.now().plus_ms(ms), text));
    out.job = Some(Job::Drain {
        node: name,
        pending,
        deadline,
    });
    out
}

/// Go's `utilerrors.NewAggregate(errs).Error()`: one error as itself, several as `[a, b]`.
fn aggregate(errs: &[String]) -> String {
    match errs {
        [one] => one.clone(),
        _ => format!("[{}]", errs.join(", ")),
    }
}

/// How kubectl ends a drain that failed (the pods it may not evict, or a `--timeout`): the
/// node's error, the nodes still to drain, and each error on its own line.
fn unable_to_drain(node: &str, errs: &[String]) -> String {
    format!(
        "error: unable to drain node \"{node}\" due to error: {}, continuing command...\nThere are pending nodes to be drained:\n {node}\n{}",
        aggregate(errs),
        errs.join("\n")
    )
}

/// One poll of a drain: report pods that are gone; at the end, `drained` or the timeout.
pub(crate) fn poll(
    c: &Cluster,
    node: &str,
    pending: &mut Vec<(String, String, String)>,
    deadline: &Option<(ordinal_sim::Time, String)>,
    out: &mut Output,
) -> bool {
    pending.retain(|(ns, n, uid)| {
        let gone = c
            .get_as::<Pod>(ns, n)
            .is_none_or(|p| p.metadata.uid != *uid);
        if gone {
            out.out(format!("pod/{n} evicted\n"));
        }
        !gone
    });
    if pending.is_empty() {
        out.out(format!("node/{node} drained\n"));
        return true;
    }
    if let Some((at, text)) = deadline {
        if c.now() >= *at {
            let errs: Vec<String> = pending
                .iter()
                .map(|(ns, n, _)| {
                    format!("error when waiting for pod \"{n}\" in namespace \"{ns}\" to terminate: global timeout reached: {text}")
                })
                .collect();
            let mut msg = format!(
                "There are pending pods in node \"{node}\" when an error occurred: {}\n",
                aggregate(&errs)
            );
            for (_, n, _) in pending.iter() {
                msg.push_str(&format!("pod/{n}\n"));
            }
            msg.push_str(&unable_to_drain(node, &errs));
            out.err(msg);
            return true;
        }
    }
    false
}

/// `kubectl cordon` and `uncordon`'s flags.
pub const CORDON_FLAGS: &[FlagSpec] = &[flag("selector", Some('l'), true)];

pub fn cordon(c: &mut Cluster, args: &[String], _env: &Env) -> Output {
    set_unschedulable(c, args, false)
}

pub fn uncordon(c: &mut Cluster, args: &[String], _env: &Env) -> Output {
    set_unschedulable(c, args, true)
}

/// `kubectl cordon` (and, with `uncordon`, `kubectl uncordon`).
fn set_unschedulable(c: &mut Cluster, args: &[String], uncordon: bool) -> Output {
    let cmd = if uncordon { "uncordon" } else { "cordon" };
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(args, CORDON_FLAGS, cmd, &mut out) else {
        return out;
    };
    if p.positionals.is_empty() {
        out.err(format!(
            "error: USAGE: {cmd} NODE [flags]\nSee 'kubectl {cmd} -h' for help and examples"
        ));
        return out;
    }
    // As kubectl's Complete: every node is looked up before any is changed, so a name that
    // does not exist changes nothing.
    let mut nodes = Vec::new();
    for name in &p.positionals {
        let name = name
            .trim_start_matches("node/")
            .trim_start_matches("nodes/");
        let Some(node) = c.get_as::<Node>("", name).cloned() else {
            out.err(format!(
                "Error from server (NotFound): nodes \"{name}\" not found"
            ));
            return out;
        };
        nodes.push(node);
    }
    let want = if uncordon { None } else { Some(true) };
    for node in nodes {
        let name = node.metadata.name.clone();
        if node.spec.unschedulable.filter(|u| *u) == want {
            out.out(format!("node/{name} already {cmd}ed\n"));
            continue;
        }
        let mut n = node;
        n.spec.unschedulable = want;
        n.metadata.resource_version.clear();
        match c.update(n.into()) {
            Ok(_) => out.out(format!("node/{name} {cmd}ed\n")),
            Err(e) => out.err(errors::render(&e, None)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::{Env, Output};
    use ordinal_sim::api::*;
    use ordinal_sim::Cluster;

    struct NoFiles;
    impl crate::Files for NoFiles {
        fn read(&self, _: &str) -> Result<String, String> {
            Err("No such file or directory".into())
        }
    }

    /// Runs a kubectl line and, like a script, drives what it left running to its end.
    fn k(c: &mut Cluster, line: &str) -> Output {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        let env = Env {
            namespace: "default",
            files: &NoFiles,
            stdin: "",
            interactive_shells: false,
        };
        let mut out = crate::run(c, &args, &env);
        if let Some(job) = out.job.take() {
            job.run_to_end(c, &mut out);
        }
        out
    }

    fn web(c: &mut Cluster) {
        c.apply_yaml(include_str!("../../../examples/k8s-io-web.yaml"), "default")
            .unwrap();
        c.settle();
    }

    fn node_of(c: &Cluster, pod: &str) -> String {
        c.get_as::<Pod>("default", pod)
            .and_then(|p| p.spec.node_name.clone())
            .unwrap()
    }

    #[test]
    // `kubectl uncordon A B` changed only A (found by the chaos test, seed 6): every named node
    // is handled, and an unknown name among them changes none.
    fn cordon_and_uncordon_take_several_nodes() {
        let mut c = Cluster::new(1);
        assert_eq!(
            k(&mut c, "cordon kind-worker2").text(),
            "node/kind-worker2 cordoned\n"
        );
        assert_eq!(
            k(&mut c, "uncordon kind-worker kind-worker2").text(),
            "node/kind-worker already uncordoned\nnode/kind-worker2 uncordoned\n"
        );
        assert_eq!(
            k(&mut c, "cordon kind-worker nope").text(),
            "Error from server (NotFound): nodes \"nope\" not found\n"
        );
        let n = c.get_as::<Node>("", "kind-worker").unwrap();
        assert_eq!(n.spec.unschedulable, None);
        assert_eq!(
            k(&mut c, "cordon node/kind-worker kind-worker2").text(),
            "node/kind-worker cordoned\nnode/kind-worker2 cordoned\n"
        );
    }

    #[test]
    fn drain_cordons_evicts_and_waits() {
        let mut c = Cluster::new(1);
        web(&mut c);
        let node = node_of(&c, "web-1");
        let uid = c
            .get_as::<Pod>("default", "web-1")
            .unwrap()
            .metadata
            .uid
            .clone();
        let out = k(&mut c, &format!("drain {node}"));
        assert_eq!(out.status, 0, "{}", out.text());
        assert_eq!(
            out.text(),
            format!("node/{node} cordoned\nevicting pod default/web-1\npod/web-1 evicted\nnode/{node} drained\n")
        );
        let n = c.get_as::<Node>("", &node).unwrap();
        assert_eq!(n.spec.unschedulable, Some(true));
        // The replacement is pinned to the cordoned node by its local-path volume.
        let p = c.get_as::<Pod>("default", "web-1").unwrap();
        assert_ne!(p.metadata.uid, uid);
        assert_eq!(p.spec.node_name, None);
        assert!(p
            .condition("PodScheduled")
            .and_then(|c| c.message.as_deref())
            .unwrap()
            .contains("1 node(s) were unschedulable"));
        // Draining again: nothing left.
        assert_eq!(
            k(&mut c, &format!("drain {node}")).text(),
            format!("node/{node} already cordoned\nnode/{node} drained\n")
        );
        assert_eq!(
            k(&mut c, &format!("uncordon {node}")).text(),
            format!("node/{node} uncordoned\n")
        );
        c.settle();
        assert_eq!(node_of(&c, "web-1"), node);
    }

    #[test]
    fn drain_refuses_pods_without_a_controller_unless_forced() {
        let mut c = Cluster::new(1);
        let mut pod = Pod {
            metadata: ObjectMeta::named("default", "lonely"),
            ..Default::default()
        };
        pod.spec.node_name = Some("kind-worker".into());
        pod.spec.containers.push(Container {
            name: "c".into(),
            image: Some("nginx".into()),
            ..Default::default()
        });
        c.create(pod.into()).unwrap();
        c.settle();
        let out = k(&mut c, "drain kind-worker");
        assert_eq!(out.status, 1);
        assert_eq!(
            out.text(),
            "node/kind-worker cordoned\nerror: unable to drain node \"kind-worker\" due to error: cannot delete cannot delete Pods that declare no controller (use --force to override): default/lonely, continuing command...\nThere are pending nodes to be drained:\n kind-worker\ncannot delete cannot delete Pods that declare no controller (use --force to override): default/lonely\n"
        );
        assert!(c.get_as::<Pod>("default", "lonely").is_some());
        let out = k(&mut c, "drain kind-worker --force --grace-period=0");
        assert_eq!(out.status, 0, "{}", out.text());
        assert_eq!(
            out.text(),
            "node/kind-worker already cordoned\nWarning: deleting Pods that declare no controller: default/lonely\nevicting pod default/lonely\npod/lonely evicted\nnode/kind-worker drained\n"
        );
        assert!(c.get_as::<Pod>("default", "lonely").is_none());
    }

    #[test]
    fn drain_refuses_pods_with_empty_dirs_unless_asked() {
        let mut c = Cluster::new(1);
        let mut pod = Pod {
            metadata: ObjectMeta::named("default", "scratch"),
            ..Default::default()
        };
        pod.spec.node_name = Some("kind-worker".into());
        pod.spec.containers.push(Container {
            name: "c".into(),
            image: Some("nginx".into()),
            ..Default::default()
        });
        pod.spec.volumes.push(
            ordinal_sim::api::decode::decode(&serde_json::json!({"name": "tmp", "emptyDir": {}}))
                .unwrap()
                .0,
        );
        c.create(pod.into()).unwrap();
        c.settle();
        // The local-storage filter comes first, so --force alone is not enough.
        let out = k(&mut c, "drain kind-worker --force");
        assert_eq!(out.status, 1);
        assert_eq!(
            out.stderr(),
            "error: unable to drain node \"kind-worker\" due to error: cannot delete Pods with local storage (use --delete-emptydir-data to override): default/scratch, continuing command...\nThere are pending nodes to be drained:\n kind-worker\ncannot delete Pods with local storage (use --delete-emptydir-data to override): default/scratch\n"
        );
        let out = k(&mut c, "drain kind-worker --force --delete-emptydir-data");
        assert_eq!(out.status, 0, "{}", out.text());
        assert!(out
            .stderr()
            .contains("Warning: deleting Pods that declare no controller: default/scratch"));
        assert!(c.get_as::<Pod>("default", "scratch").is_none());
        assert!(k(&mut c, "drain kind-worker --delete-local-data")
            .stderr()
            .starts_with("error: unknown flag: --delete-local-data"));
    }

    #[test]
    fn drain_errors() {
        let mut c = Cluster::new(1);
        assert_eq!(
            k(&mut c, "drain kind-worker9").stderr(),
            "Error from server (NotFound): nodes \"kind-worker9\" not found\n"
        );
        assert!(k(&mut c, "drain kind-worker --timeout=abc")
            .stderr()
            .starts_with("error: invalid argument \"abc\" for \"--timeout\" flag"));
        assert_eq!(
            c.get_as::<Node>("", "kind-worker")
                .unwrap()
                .spec
                .unschedulable,
            None,
            "bad flags change nothing"
        );
    }
}
