//! `kubectl logs` (`pkg/cmd/logs`, `polymorphichelpers.LogsForObject`): a container's log, or
//! the API server's reasons it has none yet; `TYPE/NAME` picks one pod of the object's selector
//! as `GetFirstPod` sorts them by `podutils.ByLogging`; `-l` reads every matching pod's.

use crate::args::{flag, FlagSpec, Parsed};
use crate::output::Output;
use crate::Env;
use ordinal_sim::api::*;
use ordinal_sim::Cluster;
use std::cmp::Ordering;

/// `kubectl logs`' flags.
pub const FLAGS: &[FlagSpec] = &[
    flag("container", Some('c'), true),
    flag("follow", Some('f'), false),
    flag("previous", Some('p'), false),
    flag("tail", None, true),
    flag("timestamps", None, false),
    flag("all-containers", None, false),
    flag("all-pods", None, false),
    flag("selector", Some('l'), true),
    flag("prefix", None, false),
    flag("max-log-requests", None, true),
    flag("ignore-errors", None, false),
    flag("pod-running-timeout", None, true),
];

const USAGE: &str = "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples";

/// kubectl's `selectorTail`: `-l` without `--tail` shows each container's last 10 lines.
const SELECTOR_TAIL: i64 = 10;

/// One log request: a pod's container (`ObjectReference` with its `fieldPath`).
struct Request {
    pod: String,
    container: String,
}

/// An int flag (`--tail`, `--max-log-requests`): its value, or pflag's error.
fn int_flag(p: &Parsed, long: &str, default: i64, out: &mut Output) -> Option<i64> {
    match p.value(long) {
        None => Some(default),
        Some(v) => match v.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                out.err(format!("error: invalid argument \"{v}\" for \"--{long}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl logs --help' for usage."));
                None
            }
        },
    }
}

pub fn logs(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(args, FLAGS, "logs", &mut out) else {
        return out;
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let selector = p.value("selector").filter(|s| !s.is_empty());
    // `Complete`: the operands.
    let mut container = p.value("container").unwrap_or("").to_string();
    let resource = match p.positionals.as_slice() {
        [] if selector.is_none() => {
            out.err(USAGE);
            return out;
        }
        [] => None,
        [_] if selector.is_some() => {
            out.err("error: only a selector (-l) or a POD name is allowed\nSee 'kubectl logs -h' for help and examples");
            return out;
        }
        [r] => Some(r.clone()),
        [r, cont] => {
            if !p.has("container") {
                container = cont.clone();
            }
            Some(r.clone())
        }
        _ => {
            out.err(USAGE);
            return out;
        }
    };
    let prefix = p.bool("prefix") || p.bool("all-pods");
    let Some(tail) = int_flag(&p, "tail", -1, &mut out) else {
        return out;
    };
    let Some(max_requests) = int_flag(&p, "max-log-requests", 5, &mut out) else {
        return out;
    };
    let tail = if selector.is_some() && tail == -1 && !p.has("tail") {
        SELECTOR_TAIL
    } else {
        tail
    };
    // The builder: the object (`pods` unless TYPE/NAME), or the pods `-l` selects.
    // What `LogsForObject` does later (after `Validate`): its pods, its note, or its error.
    let mut later: Result<Option<String>, String> = Ok(None);
    let pods: Vec<Pod> = match (&resource, selector) {
        (_, Some(sel)) => {
            let sel = match crate::selector::Selector::parse(sel) {
                Ok(s) => s,
                Err(e) => {
                    out.err(e);
                    return out;
                }
            };
            let pods: Vec<Pod> = c
                .list_as::<Pod>(Some(&ns))
                .into_iter()
                .filter(|p| sel.matches(&p.metadata.labels))
                .cloned()
                .collect();
            if pods.is_empty() {
                out.note(format!("No resources found in {ns} namespace.\n"));
            }
            pods
        }
        (Some(r), None) => match object_pods(c, &ns, r, p.bool("all-pods"), &mut out) {
            None => return out,
            Some(Ok((pods, note))) => {
                later = Ok(note);
                pods
            }
            Some(Err(e)) => {
                later = Err(e);
                Vec::new()
            }
        },
        (None, None) => unreachable!("refused above"),
    };
    // `Validate`.
    if p.bool("all-containers") && !container.is_empty() {
        out.err(format!(
            "error: --all-containers=true should not be specified with container name {container}"
        ));
        return out;
    }
    if p.has("container") && p.positionals.len() == 2 {
        out.err("error: only one of -c or an inline [CONTAINER] arg is allowed");
        return out;
    }
    if tail < -1 {
        out.err("error: --tail must be greater than or equal to -1");
        return out;
    }
    // `LogsForObject`: one request per pod (its default container) or per container.
    match later {
        Ok(note) => {
            if let Some(n) = note {
                out.note(n);
            }
        }
        Err(e) => {
            out.err(e);
            return out;
        }
    }
    let mut requests = Vec::new();
    for pod in &pods {
        if p.bool("all-containers") {
            // logsforobject.go: init containers, containers, then ephemeral containers.
            let ephemeral = pod.spec.ephemeral_containers.iter().map(|e| &e.container);
            for cont in pod
                .spec
                .init_containers
                .iter()
                .chain(&pod.spec.containers)
                .chain(ephemeral)
            {
                requests.push(Request {
                    pod: pod.metadata.name.clone(),
                    container: cont.name.clone(),
                });
            }
            continue;
        }
        let chosen = match default_container(pod, &container, p.bool("all-pods"), &mut out) {
            Ok(n) => n,
            Err(e) => {
                out.err(format!("error: {e}"));
                return out;
            }
        };
        requests.push(Request {
            pod: pod.metadata.name.clone(),
            container: chosen,
        });
    }
    if p.bool("follow") && requests.len() > 1 && requests.len() as i64 > max_requests {
        out.err(format!("error: you are attempting to follow {} log streams, but maximum allowed concurrency is {max_requests}, use --max-log-requests to increase the limit", requests.len()));
        return out;
    }
    // `sequentialConsumeRequest` (the playground's `-f` prints what there is so far).
    for r in &requests {
        match request(c, &ns, &r.pod, &r.container, p.bool("previous")) {
            Ok(text) => {
                let text = tail_lines(&text, tail);
                if prefix {
                    let mut s = String::new();
                    for line in text.split_inclusive('\n') {
                        s.push_str(&format!("[pod/{}/{}] {line}", r.pod, r.container));
                    }
                    out.out(s);
                } else {
                    out.out(text);
                }
            }
            Err(e) if p.bool("ignore-errors") => out.out(format!("error: {e}\n")),
            Err(e) => {
                out.err(e);
                return out;
            }
        }
    }
    out
}

/// What `logs TYPE/NAME` found. The builder's errors (an unknown type, an object not found)
/// are written into `out` (`None`); the rest comes after `Validate`: the pod itself, or
/// (through `SelectorsForObject` and `GetFirstPod`) the first of the object's pods as
/// `ByLogging` sorts them with kubectl's "Found N pods" note when it had a choice, all of them
/// with `--all-pods`; or the error finding them.
type Found = Result<(Vec<Pod>, Option<String>), String>;

fn object_pods(
    c: &Cluster,
    ns: &str,
    target: &str,
    all_pods: bool,
    out: &mut Output,
) -> Option<Found> {
    let (kind, name) = match target.split_once('/') {
        None => (Kind::Pod, target),
        Some((t, n)) => match crate::resource::resolve(t) {
            Some(k) => (k, n),
            None => {
                out.err(format!(
                    "error: the server doesn't have a resource type \"{t}\""
                ));
                return None;
            }
        },
    };
    if name.is_empty() {
        out.err("error: arguments in resource/name form must have a single resource and name");
        return None;
    }
    let obj = match c.get(kind, ns, name) {
        Ok(o) => o,
        Err(e) if e.reason == ordinal_sim::Reason::NotFound => {
            out.err(format!(
                "error: error from server (NotFound): {} in namespace \"{ns}\"",
                e.message
            ));
            return None;
        }
        Err(e) => {
            out.err(crate::errors::render(&e, None));
            return None;
        }
    };
    // `SelectorsForObject`.
    let selects: Box<dyn Fn(&Labels) -> bool> = match &*obj {
        Object::Pod(p) => return Some(Ok((vec![(**p).clone()], None))),
        Object::Deployment(d) => {
            let s = d.spec.selector.clone().unwrap_or_default();
            Box::new(move |l| s.matches(l))
        }
        Object::ReplicaSet(r) => {
            let s = r.spec.selector.clone().unwrap_or_default();
            Box::new(move |l| s.matches(l))
        }
        Object::StatefulSet(s) => {
            let s = s.spec.selector.clone().unwrap_or_default();
            Box::new(move |l| s.matches(l))
        }
        Object::Service(svc) => {
            let sel = svc.spec.selector.clone();
            if sel.is_empty() {
                return Some(Err(format!("error: cannot get the logs from *v1.Service: invalid service '{name}': Service is defined without a selector")));
            }
            Box::new(move |l| sel.iter().all(|(k, v)| l.get(k) == Some(v)))
        }
        _ => {
            let t = format!("*v1.{}", kind.name());
            return Some(Err(format!(
                "error: cannot get the logs from {t}: selector for {t} not implemented"
            )));
        }
    };
    let mut pods: Vec<&Pod> = c
        .list_as::<Pod>(Some(ns))
        .into_iter()
        .filter(|p| selects(&p.metadata.labels))
        .collect();
    // `GetPodList` would watch for a first pod until --pod-running-timeout; the playground
    // answers at once.
    if pods.is_empty() {
        return Some(Err("error: timed out waiting for the condition".into()));
    }
    ordinal_sim::sort::sort_by(&mut pods, |a, b| by_logging(a, b));
    if pods.len() > 1 && all_pods {
        return Some(Ok((pods.into_iter().cloned().collect(), None)));
    }
    let note = (pods.len() > 1).then(|| {
        format!(
            "Found {} pods, using pod/{}\n",
            pods.len(),
            pods[0].metadata.name
        )
    });
    Some(Ok((vec![pods[0].clone()], note)))
}

/// `podutils.ByLogging`: assigned before unassigned, Running < Unknown < Pending, ready before
/// not ready, ready longer before ready later, more restarts before fewer, older before newer.
fn by_logging(a: &Pod, b: &Pod) -> Ordering {
    let assigned = |p: &Pod| p.spec.node_name.as_deref().is_some_and(|n| !n.is_empty());
    if a.spec.node_name != b.spec.node_name && (!assigned(a) || !assigned(b)) {
        return assigned(b).cmp(&assigned(a));
    }
    let phase = |p: &Pod| match p.phase() {
        "Running" => 0,
        "Unknown" => 1,
        "Pending" => 2,
        _ => 0,
    };
    if phase(a) != phase(b) {
        return phase(a).cmp(&phase(b));
    }
    if a.is_ready() != b.is_ready() {
        return b.is_ready().cmp(&a.is_ready());
    }
    let ready_time = |p: &Pod| {
        p.status
            .conditions
            .iter()
            .find(|c| c.type_ == "Ready" && c.status == "True")
            .and_then(|c| c.last_transition_time)
    };
    let seconds = |t: Option<ordinal_sim::Time>| t.map(|t| t.0 / 1000);
    if a.is_ready() && b.is_ready() && seconds(ready_time(a)) != seconds(ready_time(b)) {
        return older_first(ready_time(a), ready_time(b));
    }
    let restarts = |p: &Pod| {
        p.status
            .container_statuses
            .iter()
            .map(|s| s.restart_count)
            .max()
            .unwrap_or(0)
    };
    if restarts(a) != restarts(b) {
        return restarts(b).cmp(&restarts(a));
    }
    // Equal to here, they keep the list's order (Go's insertion sort for short lists).
    older_first(a.metadata.creation_timestamp, b.metadata.creation_timestamp)
}

/// `afterOrZero` as a sort: the earlier time first, an empty one last. kubectl reads the
/// times from JSON, in whole seconds.
fn older_first(a: Option<ordinal_sim::Time>, b: Option<ordinal_sim::Time>) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => (x.0 / 1000).cmp(&(y.0 / 1000)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// The container a request for `pod` reads: `-c`, the `kubectl.kubernetes.io/default-container`
/// annotation, or the first (with kubectl's "Defaulted container" note when it had a choice).
fn default_container(
    pod: &Pod,
    asked: &str,
    all_pods: bool,
    out: &mut Output,
) -> Result<String, String> {
    let mut name = asked.to_string();
    if name.is_empty() {
        if let Some(d) = pod
            .metadata
            .annotations
            .get("kubectl.kubernetes.io/default-container")
            .filter(|d| !d.is_empty())
        {
            if find(pod, d) {
                name = d.clone();
            } else {
                out.note(format!(
                    "Default container name {d:?} not found in pod {}\n",
                    pod.metadata.name
                ));
            }
        }
    }
    if name.is_empty() {
        name = pod
            .spec
            .containers
            .first()
            .map(|c| c.name.clone())
            .unwrap_or_default();
        if (pod.spec.containers.len() > 1 || !pod.spec.init_containers.is_empty()) && !all_pods {
            out.note(format!(
                "Defaulted container {name:?} out of: {}\n",
                all_container_names(pod)
            ));
        }
    }
    if !find(pod, &name) {
        return Err(format!(
            "container {name} is not valid for pod {}",
            pod.metadata.name
        ));
    }
    Ok(name)
}

fn find(pod: &Pod, name: &str) -> bool {
    let ephemeral = pod.spec.ephemeral_containers.iter().map(|e| &e.container);
    pod.spec
        .containers
        .iter()
        .chain(&pod.spec.init_containers)
        .chain(ephemeral)
        .any(|c| c.name == name)
}

/// `podcmd.AllContainerNames`: containers, then init containers marked `(init)`.
fn all_container_names(pod: &Pod) -> String {
    pod.spec
        .containers
        .iter()
        .map(|c| c.name.clone())
        .chain(
            pod.spec
                .init_containers
                .iter()
                .map(|c| format!("{} (init)", c.name)),
        )
        .collect::<Vec<_>>()
        .join(", ")
}

/// The last `n` lines of `text` (all of it for -1).
fn tail_lines(text: &str, n: i64) -> String {
    if n < 0 {
        return text.to_string();
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let skip = lines.len().saturating_sub(n as usize);
    lines[skip..].concat()
}

/// `GET pods/NAME/log?container=…`: the log, or the API server's error as kubectl prints it.
fn request(
    c: &Cluster,
    ns: &str,
    name: &str,
    container: &str,
    previous: bool,
) -> Result<String, String> {
    let Some(pod) = c.get_as::<Pod>(ns, name) else {
        return Err(format!(
            "Error from server (NotFound): pods \"{name}\" not found"
        ));
    };
    let Some(cs) = pod
        .status
        .container_statuses
        .iter()
        .chain(&pod.status.init_container_statuses)
        .chain(&pod.status.ephemeral_container_statuses)
        .find(|s| s.name == container)
    else {
        // The playground's kubelet does not run init containers: theirs is an empty log.
        if pod.spec.init_containers.iter().any(|c| c.name == container) {
            return Ok(String::new());
        }
        if find(pod, container) {
            return Err(format!("Error from server (BadRequest): container \"{container}\" in pod \"{name}\" is waiting to start: ContainerCreating"));
        }
        return Err(format!(
            "error: container {container} is not valid for pod {name}"
        ));
    };
    if let Some(w) = &cs.state.waiting {
        let reason = w.reason.clone().unwrap_or_default();
        let why = match reason.as_str() {
            "ErrImagePull" | "ImagePullBackOff" => "trying and failing to pull image".to_string(),
            "CrashLoopBackOff" if previous => String::new(),
            r => r.to_string(),
        };
        if !why.is_empty() && cs.restart_count == 0 {
            return Err(format!("Error from server (BadRequest): container \"{container}\" in pod \"{name}\" is waiting to start: {why}"));
        }
    }
    // The API server fetches logs from the node's kubelet, which a stopped node cannot answer.
    if let Some(node) = pod.spec.node_name.as_deref().filter(|n| !c.node_running(n)) {
        let ip = c
            .get_as::<Node>("", node)
            .and_then(|n| n.internal_ip())
            .unwrap_or_default();
        return Err(format!("Error from server: Get \"https://{ip}:10250/containerLogs/{ns}/{name}/{container}\": dial tcp {ip}:10250: connect: no route to host"));
    }
    Ok(c.container_logs(ns, name, container))
}

#[cfg(test)]
mod tests {
    use crate::run_line;
    use ordinal_sim::Cluster;

    fn web(c: &mut Cluster, yaml: &str) {
        assert!(c
            .apply_yaml(yaml, "default")
            .unwrap()
            .iter()
            .all(Result::is_ok));
        c.settle();
    }

    const TWO_CONTAINERS: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: two
spec:
  replicas: 2
  selector:
    matchLabels: {app: two}
  template:
    metadata:
      labels: {app: two}
    spec:
      initContainers:
      - name: setup
        image: busybox:1.36
        command: [sh, -c, 'echo set up']
      containers:
      - name: nginx
        image: nginx:1.14.2
      - name: sidecar
        image: busybox:1.36
        command: [sh, -c, 'echo sidecar says hi; sleep 3600']
";

    /// `logs TYPE/NAME`: the first pod as `ByLogging` sorts them (ready longest first), with
    /// "Found N pods" on stderr; "Defaulted container" for a pod with a choice; `-c` and
    /// the inline container; `--all-pods` (prefixed, every pod in that order); `-l` with
    /// its tail of 10 and `--all-containers` (init containers first).
    #[test]
    fn a_workloads_logs_come_from_the_pod_kubectl_picks() {
        let mut c = Cluster::new(1);
        web(&mut c, TWO_CONTAINERS);
        let mut pods: Vec<(u64, String)> = c
            .list_as::<ordinal_sim::api::Pod>(Some("default"))
            .iter()
            .map(|p| {
                let ready = p
                    .status
                    .conditions
                    .iter()
                    .find(|c| c.type_ == "Ready")
                    .and_then(|c| c.last_transition_time)
                    .unwrap();
                (ready.0 / 1000, p.metadata.name.clone())
            })
            .collect();
        assert_eq!(pods.len(), 2);
        pods.sort();
        let first = pods[0].1.clone();

        let o = run_line(&mut c, "logs deploy/two --tail=1", "");
        assert_eq!(o.status, 0, "{}", o.text());
        assert_eq!(
            o.stderr(),
            format!("Found 2 pods, using pod/{first}\nDefaulted container \"nginx\" out of: nginx, sidecar, setup (init)\n")
        );
        let o = run_line(&mut c, "logs deploy/two sidecar", "");
        assert_eq!(
            (o.status, o.stderr()),
            (0, format!("Found 2 pods, using pod/{first}\n"))
        );
        let o = run_line(&mut c, "logs deploy/two -c sidecar sidecar", "");
        assert!(
            o.stderr()
                .ends_with("error: only one of -c or an inline [CONTAINER] arg is allowed\n"),
            "{}",
            o.stderr()
        );
        let o = run_line(&mut c, "logs deploy/two -c nope", "");
        assert!(
            o.stderr().ends_with(&format!(
                "error: container nope is not valid for pod {first}\n"
            )),
            "{}",
            o.stderr()
        );
        let o = run_line(&mut c, "logs deploy/two --all-containers -c nginx", "");
        assert!(
            o.stderr().ends_with(
                "error: --all-containers=true should not be specified with container name nginx\n"
            ),
            "{}",
            o.stderr()
        );

        // `--all-pods`: every pod, prefixed, in `ByLogging` order, without the notes.
        let o = run_line(&mut c, "logs deploy/two --all-pods --tail=1", "");
        let want: Vec<String> = pods
            .iter()
            .map(|(_, p)| format!("[pod/{p}/nginx] "))
            .collect();
        let got: Vec<String> = o
            .stdout()
            .lines()
            .map(|l| l[..want[0].len()].to_string())
            .collect();
        assert_eq!((got, o.stderr()), (want, String::new()));

        // `--all-containers`: init containers first, then the pod's own.
        let o = run_line(
            &mut c,
            "logs -l app=two --all-containers --prefix --tail=1",
            "",
        );
        let prefixes: Vec<String> = o
            .stdout()
            .lines()
            .map(|l| l.split(']').next().unwrap_or("").to_string() + "]")
            .collect();
        let nginx = prefixes
            .iter()
            .position(|p| p == &format!("[pod/{first}/nginx]"));
        assert!(nginx.is_some(), "{prefixes:?} {}", o.text());
        let o = run_line(&mut c, "logs -l app=two -c nope", "");
        assert!(o
            .stderr()
            .starts_with("error: container nope is not valid for pod "));
    }

    /// A selector's default tail is 10 lines; `--tail` overrides it; a plain pod's is all.
    #[test]
    fn selector_logs_show_the_last_ten_lines() {
        let mut c = Cluster::new(1);
        web(&mut c, ordinal_kubectl_manifests());
        let first = c.list_as::<ordinal_sim::api::Pod>(Some("default"))[0]
            .metadata
            .name
            .clone();
        let all = run_line(&mut c, &format!("logs {first}"), "").stdout();
        assert!(all.lines().count() > 10, "{all}");
        let last: Vec<&str> = all.lines().collect();
        let want: String = last[last.len() - 10..]
            .iter()
            .map(|l| format!("{l}\n"))
            .collect();
        let o = run_line(&mut c, "logs -l app=nginx", "");
        assert!(o.stdout().starts_with(&want), "{}", o.stdout());
        assert_eq!(o.stdout().lines().count(), 30);
        assert_eq!(
            run_line(&mut c, "logs -l app=nginx --tail=2", "")
                .stdout()
                .lines()
                .count(),
            6
        );
        assert!(run_line(&mut c, "logs -l app=nginx --tail=-1", "")
            .stdout()
            .starts_with(&all));
        let o = run_line(&mut c, "logs deploy/nginx-deployment -f -l app=nginx", "");
        assert!(o
            .stderr()
            .starts_with("error: only a selector (-l) or a POD name is allowed\n"));
    }

    fn ordinal_kubectl_manifests() -> &'static str {
        crate::manifests::K8S_IO_NGINX_DEPLOYMENT_YAML
    }
}
