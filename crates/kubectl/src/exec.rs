//! `kubectl exec` and `kubectl run`: commands in containers, and the attach jobs for `-it`.

use crate::args::{flag, FlagSpec};
use crate::dryrun::{self, DryRun, Shown, ALLOW_MISSING_TEMPLATE_KEYS, DRY_RUN, OUTPUT, TEMPLATE};
use crate::jobs::{Attach, AttachOutput, Job};
use crate::output::Output;
use crate::resource::PodOf;
use crate::Env;
use ordinal_sim::api::*;
use ordinal_sim::Cluster;
use std::collections::BTreeMap;

pub const EXEC_FLAGS: &[FlagSpec] = &[
    flag("container", Some('c'), true),
    flag("stdin", Some('i'), false),
    flag("tty", Some('t'), false),
    flag("quiet", Some('q'), false),
    flag("filename", Some('f'), true),
];

pub fn exec(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(args, EXEC_FLAGS, "exec", &mut out) else {
        return out;
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let Some(target) = p.positionals.first() else {
        out.err("error: pod, type/name or --filename must be specified\nSee 'kubectl exec -h' for help and examples");
        return out;
    };
    if p.positionals.len() > 1 && !p.dash_dash {
        out.err("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples");
        return out;
    }
    if p.rest.is_empty() {
        out.err("error: you must specify at least one command for the container");
        return out;
    }
    let pod = match resolve_pod(c, &ns, target) {
        Ok(p) => p,
        Err(e) => {
            out.err(e);
            return out;
        }
    };
    let mut container = p.value("container").map(String::from);
    // `FindOrDefaultContainerByName`, after the pod is read and found not finished.
    if container.is_none() {
        let running = c
            .get_as::<Pod>(&ns, &pod)
            .filter(|p| !matches!(p.phase(), "Succeeded" | "Failed"));
        if let Some((name, note)) = running.and_then(default_container) {
            if let Some(n) = note.filter(|_| !p.bool("quiet")) {
                out.note(n);
            }
            container = Some(name);
        }
    }
    if let Err(e) = c.exec_target(&ns, &pod, container.as_deref()) {
        out.err(e.message());
        return out;
    }
    let interactive_shell = p.bool("stdin")
        && p.rest.len() == 1
        && matches!(
            p.rest[0].as_str(),
            "sh" | "bash" | "/bin/sh" | "/bin/bash" | "ash"
        );
    if interactive_shell && env.interactive_shells {
        if p.rest[0].contains("bash")
            && !c
                .exec_target(&ns, &pod, container.as_deref())
                .map(|t| t.image.contains("nginx"))
                .unwrap_or(false)
        {
            // busybox has no bash.
        }
        out.job = Some(Job::Attach(Attach {
            namespace: ns,
            pod,
            container,
            remove: false,
            waiting: false,
            from_run: false,
            warned: None,
        }));
        return out;
    }
    let stdin = if p.bool("stdin") { env.stdin } else { "" };
    match c.exec(&ns, &pod, container.as_deref(), &p.rest, stdin) {
        Ok(r) => {
            out.out(r.stdout.clone());
            if !r.stderr.is_empty() {
                out.note(r.stderr.clone());
            }
            if r.exit_code != 0 {
                out.note(format!("command terminated with exit code {}", r.exit_code));
                out.status = r.exit_code;
            }
        }
        Err(e) => out.err(e.message()),
    }
    out
}

/// `podcmd.FindOrDefaultContainerByName` with no name given: the container kubectl picks
/// (the `kubectl.kubernetes.io/default-container` annotation's, else the first) and the line
/// it prints when the pod has others (init containers too). `None`: no containers.
pub(crate) fn default_container(pod: &Pod) -> Option<(String, Option<String>)> {
    let spec = &pod.spec;
    if let Some(name) = pod
        .metadata
        .annotations
        .get("kubectl.kubernetes.io/default-container")
        .filter(|n| {
            spec.containers
                .iter()
                .chain(&spec.init_containers)
                .any(|c| &c.name == *n)
        })
    {
        return Some((name.clone(), None));
    }
    let first = spec.containers.first()?;
    let note = (spec.containers.len() > 1 || !spec.init_containers.is_empty()).then(|| {
        let names: Vec<String> = spec
            .containers
            .iter()
            .map(|c| c.name.clone())
            .chain(
                spec.init_containers
                    .iter()
                    .map(|c| format!("{} (init)", c.name)),
            )
            .collect();
        format!(
            "Defaulted container \"{}\" out of: {}",
            first.name,
            names.join(", ")
        )
    });
    Some((first.name.clone(), note))
}

/// `web-0`, `pod/web-0`, `sts/web` (its first pod).
pub(crate) fn resolve_pod(c: &Cluster, ns: &str, target: &str) -> Result<String, String> {
    match target.split_once('/') {
        None => Ok(target.to_string()),
        Some((t, n)) => match crate::resource::resolve(t) {
            // `AttachablePodForObject`: a Service's pods by its selector.
            Some(Kind::Service) => service_pod(c, ns, n),
            Some(kind) => match crate::resource::support(kind).pod {
                PodOf::Itself => Ok(n.to_string()),
                PodOf::FirstOrdinal => {
                    let Some(set) = c.get_as::<StatefulSet>(ns, n) else {
                        return Err(format!(
                            "Error from server (NotFound): statefulsets.apps \"{n}\" not found"
                        ));
                    };
                    Ok(format!("{n}-{}", set.start_ordinal()))
                }
                PodOf::Selector => {
                    let obj = c
                        .get(kind, ns, n)
                        .map_err(|e| crate::errors::render(&e, None))?;
                    let selector = match &*obj {
                        Object::Deployment(d) => d.spec.selector.clone(),
                        Object::ReplicaSet(r) => r.spec.selector.clone(),
                        _ => None,
                    }
                    .unwrap_or_default();
                    first_pod(c, ns, |labels| selector.matches(labels))
                }
                PodOf::NotImplemented => Err(format!(
                    "error: cannot attach to {}: selector for {} not implemented",
                    kind.info().singular,
                    kind.name()
                )),
            },
            None => Err(format!(
                "error: the server doesn't have a resource type \"{t}\""
            )),
        },
    }
}

/// The pod kubectl picks for a Service: `GetFirstPod` of its selector, sorted as
/// `sort.Reverse(ActivePods)` sorts them (scheduled, running, ready, fewest restarts, oldest).
pub(crate) fn service_pod(c: &Cluster, ns: &str, name: &str) -> Result<String, String> {
    let Some(svc) = c.get_as::<Service>(ns, name) else {
        return Err(format!(
            "Error from server (NotFound): services \"{name}\" not found"
        ));
    };
    let selector = &svc.spec.selector;
    if selector.is_empty() {
        return Err(format!(
            "error: cannot attach to *v1.Service: invalid service '{name}': Service is defined without a selector"
        ));
    }
    first_pod(c, ns, |labels| {
        selector.iter().all(|(k, v)| labels.get(k) == Some(v))
    })
}

/// `GetFirstPod` of a selector: the pods sorted as `sort.Reverse(ActivePods)` sorts them
/// (scheduled, running, ready, fewest restarts, oldest).
fn first_pod(c: &Cluster, ns: &str, selects: impl Fn(&Labels) -> bool) -> Result<String, String> {
    let mut pods: Vec<&Pod> = c
        .list_as::<Pod>(Some(ns))
        .into_iter()
        .filter(|p| selects(&p.metadata.labels))
        .collect();
    ordinal_sim::sort::sort_by_key(&mut pods, |p| {
        let phase = match p.phase() {
            "Running" => 0,
            "Unknown" => 1,
            "Pending" => 2,
            _ => 3,
        };
        let restarts: i32 = p
            .status
            .container_statuses
            .iter()
            .map(|s| s.restart_count)
            .sum();
        (
            p.spec.node_name.is_none(),
            phase,
            !p.is_ready(),
            restarts,
            p.metadata.creation_timestamp,
            p.metadata.name.clone(),
        )
    });
    match pods.first() {
        Some(p) => Ok(p.metadata.name.clone()),
        None => Err("error: timed out waiting for the condition".into()),
    }
}

pub const RUN_FLAGS: &[FlagSpec] = &[
    flag("image", None, true),
    flag("restart", None, true),
    flag("stdin", Some('i'), false),
    flag("tty", Some('t'), false),
    flag("rm", None, false),
    flag("command", None, false),
    flag("env", None, true),
    flag("labels", Some('l'), true),
    flag("port", None, true),
    flag("image-pull-policy", None, true),
    flag("attach", None, true),
    flag("quiet", Some('q'), false),
    DRY_RUN,
    OUTPUT,
    TEMPLATE,
    ALLOW_MISSING_TEMPLATE_KEYS,
    flag("overrides", None, true),
];

pub fn run(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    // `Complete` reads them before `RunRun` checks anything else.
    let Some((p, dry, print)) = dryrun::parse(args, RUN_FLAGS, "run", c, &mut out) else {
        return out;
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let Some(name) = p.positionals.first().cloned() else {
        out.err("error: NAME is required for run\nSee 'kubectl run -h' for help and examples");
        return out;
    };
    let Some(image) = p.value("image").map(String::from) else {
        out.err("error: required flag(s) \"image\" not set");
        return out;
    };
    let restart = match p.value("restart").unwrap_or("Always") {
        r @ ("Always" | "OnFailure" | "Never") => r.to_string(),
        r => {
            out.err(format!("error: invalid restart policy: {r}"));
            return out;
        }
    };
    let stdin = p.bool("stdin");
    let tty = p.bool("tty");
    if p.bool("rm") && !stdin {
        out.err("error: --rm should only be used for attached containers");
        return out;
    }
    if tty && !stdin {
        out.note("Unable to use a TTY - input is not a terminal or the right kind of file");
    }
    if stdin && dry != DryRun::None {
        out.err("error: --dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)\nSee 'kubectl run -h' for help and examples");
        return out;
    }
    let mut labels = BTreeMap::from([("run".to_string(), name.clone())]);
    if let Some(l) = p.value("labels") {
        labels.clear();
        for kv in l.split(',') {
            if let Some((k, v)) = kv.split_once('=') {
                labels.insert(k.to_string(), v.to_string());
            }
        }
    }
    let mut rest = p.rest.clone();
    rest.extend(p.positionals[1..].iter().cloned());
    let (command, cargs) = if p.bool("command") {
        (rest, Vec::new())
    } else {
        (Vec::new(), rest)
    };
    let has_cmd = !command.is_empty() || !cargs.is_empty();
    let container = Container {
        name: name.clone(),
        image: Some(image),
        command,
        args: cargs,
        env: p
            .values("env")
            .iter()
            .filter_map(|e| e.split_once('='))
            .map(|(k, v)| EnvVar {
                name: k.into(),
                value: Some(v.into()),
                value_from: None,
            })
            .collect(),
        ports: p
            .value("port")
            .and_then(|x| x.parse().ok())
            .map(|port| {
                vec![ContainerPort {
                    name: None,
                    container_port: port,
                    protocol: None,
                    ..Default::default()
                }]
            })
            .unwrap_or_default(),
        image_pull_policy: p.value("image-pull-policy").map(String::from),
        stdin: stdin.then_some(true),
        stdin_once: stdin.then_some(true),
        tty: tty.then_some(true),
        resources: Some(serde_json::json!({})),
        ..Default::default()
    };
    let pod = Pod {
        metadata: ObjectMeta {
            name: name.clone(),
            namespace: ns.clone(),
            labels: labels.into(),
            ..Default::default()
        },
        spec: PodSpec {
            containers: vec![container].into(),
            restart_policy: Some(restart),
            dns_policy: Some("ClusterFirst".into()),
            ..Default::default()
        }
        .into(),
        status: Default::default(),
    };
    let mut pod: Object = pod.into();
    if dry == DryRun::Client {
        // The pod as kubectl's generator builds it has no namespace of its own.
        pod.meta_mut().namespace.clear();
    }
    let Some(shown) = dryrun::create_built(c, pod, dry, &mut out) else {
        return out;
    };
    if !stdin {
        print.done(
            &mut out,
            dry,
            Kind::Pod,
            &name,
            "created",
            Shown::Typed(&shown),
        );
        return out;
    }
    if has_cmd {
        out.job = Some(Job::RunCommand {
            namespace: ns,
            pod: name,
            remove: p.bool("rm"),
        });
        return out;
    }
    out.job = Some(Job::Attach(Attach {
        namespace: ns,
        pod: name,
        container: None,
        remove: p.bool("rm"),
        waiting: true,
        from_run: true,
        warned: None,
    }));
    out
}

pub const ATTACH_FLAGS: &[FlagSpec] = &[
    flag("container", Some('c'), true),
    flag("stdin", Some('i'), false),
    flag("tty", Some('t'), false),
    flag("quiet", Some('q'), false),
    flag("pod-running-timeout", None, true),
];

/// `kubectl attach`: to the container's main process. A shell started with stdin (`run -it`)
/// is attached as `run -it` attaches it; any other process (nginx) has its output followed
/// until Ctrl-C, as kubectl streams it.
pub fn attach(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(args, ATTACH_FLAGS, "attach", &mut out) else {
        return out;
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let target = match &p.positionals[..] {
        [] => {
            out.err("error: at least 1 argument is required for attach");
            return out;
        }
        [one] => one.clone(),
        [ty, name] => format!("{ty}/{name}"),
        more => {
            out.err(format!(
                "error: expected POD, TYPE/NAME, or TYPE NAME, (at most 2 arguments) saw {}: [{}]",
                more.len(),
                more.join(" ")
            ));
            return out;
        }
    };
    let pod = match resolve_pod(c, &ns, &target) {
        Ok(p) => p,
        Err(e) => {
            out.err(e);
            return out;
        }
    };
    let Some(spec) = c.get_as::<Pod>(&ns, &pod).cloned() else {
        out.err(format!(
            "Error from server (NotFound): pods \"{pod}\" not found"
        ));
        return out;
    };
    let phase = spec.phase().to_string();
    if matches!(phase.as_str(), "Succeeded" | "Failed") {
        out.err(format!(
            "error: cannot attach a container in a completed pod; current phase is {phase}"
        ));
        return out;
    }
    let container = match p.value("container") {
        Some(name) => match spec
            .spec
            .containers
            .iter()
            .chain(spec.spec.ephemeral_containers.iter().map(|e| &e.container))
            .find(|k| k.name == name)
        {
            Some(k) => k.clone(),
            None => {
                out.err(format!(
                    "error: cannot attach to the container: container {name} not found in pod {pod}"
                ));
                return out;
            }
        },
        None => {
            let Some(first) = spec.spec.containers.first() else {
                out.err(format!(
                    "error: cannot attach to the container: pod {pod} has no containers"
                ));
                return out;
            };
            let (name, note) = default_container(&spec).unwrap_or_default();
            if let Some(n) = note.filter(|_| !p.bool("quiet")) {
                out.note(n);
            }
            spec.spec
                .containers
                .iter()
                .find(|k| k.name == name)
                .unwrap_or(first)
                .clone()
        }
    };
    let quiet = p.bool("quiet");
    if p.bool("tty") && container.tty != Some(true) && !quiet {
        out.note(format!(
            "error: Unable to use a TTY - container {} did not allocate one",
            container.name
        ));
    }
    // A shell reading its stdin: typed lines go to it (the session attaches it).
    if p.bool("stdin") && container.stdin == Some(true) {
        out.job = Some(Job::Attach(Attach {
            namespace: ns,
            pod,
            container: Some(container.name),
            remove: false,
            waiting: true,
            from_run: true,
            warned: None,
        }));
        return out;
    }
    if !quiet {
        out.note("If you don't see a command prompt, try pressing enter.");
    }
    let seen = c.container_logs(&ns, &pod, &container.name).len();
    out.job = Some(Job::AttachOutput(AttachOutput {
        namespace: ns,
        pod,
        uid: spec.metadata.uid.clone(),
        container: container.name,
        seen,
    }));
    out
}

/// An attach to a process without stdin: prints what it wrote since; returns whether the
/// stream has ended.
pub fn poll_attach_output(a: &mut AttachOutput, c: &Cluster, out: &mut Output) -> bool {
    let alive = c
        .get_as::<Pod>(&a.namespace, &a.pod)
        .is_some_and(|p| p.metadata.uid == a.uid && p.phase() == "Running");
    let log = c.container_logs(&a.namespace, &a.pod, &a.container);
    match log.get(a.seen..) {
        Some(new) if !new.is_empty() => {
            out.out(new.to_string());
            a.seen = log.len();
        }
        Some(_) => {}
        // A new log: the container restarted, and the stream of the old one ended.
        None => return true,
    }
    !alive
}
