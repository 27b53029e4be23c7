//! `kubectl logs`: a container's log, or the API server's reasons it has none yet.

use crate::args::{flag, FlagSpec};
use crate::output::Output;
use crate::Env;
use ordinal_sim::api::*;
use ordinal_sim::Cluster;

/// `kubectl logs`' flags.
pub const FLAGS: &[FlagSpec] = &[
    flag("container", Some('c'), true),
    flag("follow", Some('f'), false),
    flag("previous", Some('p'), false),
    flag("tail", None, true),
    flag("timestamps", None, false),
    flag("all-containers", None, false),
];

pub fn logs(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(args, FLAGS, "logs", &mut out) else {
        return out;
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let Some(target) = p.positionals.first() else {
        out.err("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples");
        return out;
    };
    let name = target
        .strip_prefix("pod/")
        .or_else(|| target.strip_prefix("pods/"))
        .unwrap_or(target);
    let Some(pod) = c.get_as::<Pod>(&ns, name) else {
        out.err(format!(
            "Error from server (NotFound): pods \"{name}\" not found"
        ));
        return out;
    };
    let container = p.value("container").map(String::from).unwrap_or_else(|| {
        pod.spec
            .containers
            .first()
            .map(|c| c.name.clone())
            .unwrap_or_default()
    });
    let Some(cs) = pod
        .status
        .container_statuses
        .iter()
        .chain(&pod.status.ephemeral_container_statuses)
        .find(|s| s.name == container)
    else {
        let ephemeral = pod.spec.ephemeral_containers.iter().map(|e| &e.container);
        if pod
            .spec
            .containers
            .iter()
            .chain(ephemeral)
            .any(|c| c.name == container)
        {
            out.err(format!("Error from server (BadRequest): container \"{container}\" in pod \"{name}\" is waiting to start: ContainerCreating"));
        } else {
            out.err(format!(
                "error: container {container} is not valid for pod {name}"
            ));
        }
        return out;
    };
    if let Some(w) = &cs.state.waiting {
        let reason = w.reason.clone().unwrap_or_default();
        let why = match reason.as_str() {
            "ErrImagePull" | "ImagePullBackOff" => "trying and failing to pull image".to_string(),
            "CrashLoopBackOff" if p.bool("previous") => String::new(),
            r => r.to_string(),
        };
        if !why.is_empty() && cs.restart_count == 0 {
            out.err(format!("Error from server (BadRequest): container \"{container}\" in pod \"{name}\" is waiting to start: {why}"));
            return out;
        }
    }
    // The API server fetches logs from the node's kubelet, which a stopped node cannot answer.
    if let Some(node) = pod.spec.node_name.as_deref().filter(|n| !c.node_running(n)) {
        let ip = c
            .get_as::<Node>("", node)
            .and_then(|n| n.internal_ip())
            .unwrap_or_default();
        out.err(format!("Error from server: Get \"https://{ip}:10250/containerLogs/{ns}/{name}/{container}\": dial tcp {ip}:10250: connect: no route to host"));
        return out;
    }
    out.out(c.container_logs(&ns, name, &container));
    out
}
