//! `kubectl debug` (pkg/cmd/debug): an ephemeral container added to a running pod through its
//! `ephemeralcontainers` subresource, a copy of a pod with a debug container (`--copy-to`), or a
//! pod on a node in its host namespaces (`node/NAME`); the profiles (profiles.go) that shape
//! each; then, with `-i`, an attach to the new container as `kubectl attach` does it.

use crate::args::{flag, FlagSpec, Parsed};
use crate::jobs::{Attach, Job};
use crate::output::Output;
use crate::Env;
use ordinal_sim::api::*;
use ordinal_sim::rng::Rng;
use ordinal_sim::{Cluster, DeleteOptions};
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub const FLAGS: &[FlagSpec] = &[
    flag("filename", Some('f'), true),
    flag("arguments-only", None, false),
    flag("attach", None, false),
    flag("container", Some('c'), true),
    flag("copy-to", None, true),
    flag("replace", None, false),
    flag("env", None, true),
    flag("image", None, true),
    flag("keep-labels", None, false),
    flag("keep-annotations", None, false),
    flag("keep-liveness", None, false),
    flag("keep-readiness", None, false),
    flag("keep-startup", None, false),
    flag("keep-init-containers", None, false),
    flag("set-image", None, true),
    flag("image-pull-policy", None, true),
    flag("stdin", Some('i'), false),
    flag("quiet", Some('q'), false),
    flag("same-node", None, false),
    flag("share-processes", None, false),
    flag("target", None, true),
    flag("tty", Some('t'), false),
    flag("profile", None, true),
    flag("custom", None, true),
];

/// The debug profiles (`--profile`); v1.33's default is `legacy`, with a deprecation warning.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Profile {
    Legacy,
    General,
    Baseline,
    Restricted,
    Netadmin,
    Sysadmin,
}

impl Profile {
    fn parse(s: &str) -> Option<Profile> {
        Some(match s {
            "legacy" => Profile::Legacy,
            "general" => Profile::General,
            "baseline" => Profile::Baseline,
            "restricted" => Profile::Restricted,
            "netadmin" => Profile::Netadmin,
            "sysadmin" => Profile::Sysadmin,
            _ => return None,
        })
    }
}

/// What the profile is applied to (`getDebugStyle`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Style {
    Ephemeral,
    PodCopy,
    Node,
}

/// The `--keep-*` flags (`KeepFlags`).
#[derive(Clone, Copy, Debug, Default)]
struct Keep {
    labels: bool,
    annotations: bool,
    liveness: bool,
    readiness: bool,
    startup: bool,
    init_containers: bool,
}

struct Options {
    args: Vec<String>,
    args_only: bool,
    attach: bool,
    container: String,
    copy_to: String,
    replace: bool,
    env: Vec<EnvVar>,
    image: String,
    interactive: bool,
    keep: Keep,
    namespace: String,
    targets: Vec<String>,
    pull_policy: String,
    quiet: bool,
    same_node: bool,
    set_images: BTreeMap<String, String>,
    share_processes: Option<bool>,
    target_container: String,
    tty: bool,
    profile: Profile,
    custom: Option<Value>,
    rng: Rng,
}

pub fn debug(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(args, FLAGS, "debug", &mut out) else {
        return out;
    };
    let mut o = match complete(c, &p, env, &mut out) {
        Ok(o) => o,
        Err(e) => {
            out.err(e);
            return out;
        }
    };
    if let Err(e) = validate(&o, &p, &mut out) {
        out.err(format!("error: {e}"));
        return out;
    }
    for target in o.targets.clone() {
        let visited = match target.split_once('/') {
            None => visit_pod(c, &mut o, &target, &mut out),
            Some((t, name)) => match crate::resource::resolve(t) {
                Some(Kind::Pod) => visit_pod(c, &mut o, name, &mut out),
                Some(Kind::Node) => visit_node(c, &mut o, name, &mut out),
                Some(kind) => {
                    let info = kind.info();
                    Err(format!(
                        "error: \"{}/{}, Kind={}\" not supported by debug",
                        info.group,
                        info.version,
                        kind.name()
                    ))
                }
                None => Err(format!(
                    "error: the server doesn't have a resource type \"{t}\""
                )),
            },
        };
        match visited {
            Err(e) => {
                out.err(e);
                return out;
            }
            Ok(Some((pod, container))) if o.attach => {
                out.job = Some(Job::Attach(Attach {
                    namespace: o.namespace.clone(),
                    pod,
                    container: Some(container),
                    remove: false,
                    waiting: true,
                    from_run: true,
                    warned: None,
                }));
                return out;
            }
            Ok(_) => {}
        }
    }
    out
}

/// `Complete`: the flags read into options, the profile found, the custom profile read.
fn complete(c: &Cluster, p: &Parsed, env: &Env, _out: &mut Output) -> Result<Options, String> {
    let hint = "See 'kubectl debug --help' for usage.";
    let mut set_images = BTreeMap::new();
    for v in p.values("set-image") {
        string_to_string(&v, "set-image", &mut set_images).map_err(|e| format!("{e}\n{hint}"))?;
    }
    let mut env_map = BTreeMap::new();
    for v in p.values("env") {
        string_to_string(&v, "env", &mut env_map).map_err(|e| format!("{e}\n{hint}"))?;
    }
    let profile_name = p.value("profile").unwrap_or("legacy");
    let profile = Profile::parse(profile_name)
        .ok_or_else(|| format!("error: unknown profile: {profile_name}"))?;
    let custom = match p.value("custom") {
        None => None,
        Some(path) => {
            let text = env.files.read(path).map_err(|_| {
                format!("error: must pass a container spec json file for custom profile: open {path}: no such file or directory")
            })?;
            let v: Value = serde_json::from_str(&text)
                .or_else(|_| serde_norway::from_str(&text))
                .map_err(|e| {
                    format!("error: {path} does not contain a valid container spec: {e}")
                })?;
            Some(v)
        }
    };
    // `-f`: the pods (or nodes) the files name, before the names given.
    let mut targets = Vec::new();
    for f in p.values("filename") {
        let text = crate::manifests::read(env.files, &f, env.stdin)?;
        let objects = ordinal_sim::apply::parse_manifests(&text)
            .map_err(|e| format!("error: error parsing {f}: {}", e.message))?;
        for o in objects {
            let kind = o.value.get("kind").and_then(Value::as_str).unwrap_or("");
            let name = o
                .value
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("");
            targets.push(format!("{}/{name}", kind.to_lowercase()));
        }
    }
    targets.extend(p.positionals.iter().cloned());
    let interactive = p.bool("stdin");
    // A seed of the client's own: kubectl's `utilrand.String`, drawn without touching the
    // cluster's random sequence.
    let seed = c
        .resource_version()
        .wrapping_mul(0x9E37_79B9)
        .wrapping_add(c.now().0);
    Ok(Options {
        args: p.rest.clone(),
        args_only: p.bool("arguments-only"),
        attach: if p.has("attach") {
            p.bool("attach")
        } else {
            interactive
        },
        container: p.value("container").unwrap_or("").to_string(),
        copy_to: p.value("copy-to").unwrap_or("").to_string(),
        replace: p.bool("replace"),
        env: env_map
            .into_iter()
            .map(|(name, value)| EnvVar {
                name,
                value: Some(value),
                value_from: None,
            })
            .collect(),
        image: p.value("image").unwrap_or("").to_string(),
        interactive,
        keep: Keep {
            labels: p.bool("keep-labels"),
            annotations: p.bool("keep-annotations"),
            liveness: p.bool("keep-liveness"),
            readiness: p.bool("keep-readiness"),
            startup: p.bool("keep-startup"),
            init_containers: !p.has("keep-init-containers") || p.bool("keep-init-containers"),
        },
        namespace: p.value("namespace").unwrap_or(env.namespace).to_string(),
        targets,
        pull_policy: p.value("image-pull-policy").unwrap_or("").to_string(),
        quiet: p.bool("quiet"),
        same_node: p.bool("same-node"),
        set_images,
        share_processes: p.has("share-processes").then(|| p.bool("share-processes")),
        target_container: p.value("target").unwrap_or("").to_string(),
        tty: p.bool("tty"),
        profile,
        custom,
        rng: Rng::new(seed),
    })
}

/// pflag's `stringToString`: `a=b,c=d`, each pair into `into`.
fn string_to_string(
    v: &str,
    flag: &str,
    into: &mut BTreeMap<String, String>,
) -> Result<(), String> {
    if v.is_empty() {
        return Ok(());
    }
    for pair in v.split(',') {
        let Some((k, val)) = pair.split_once('=') else {
            return Err(format!(
                "error: invalid argument {v:?} for \"--{flag}\" flag: {pair} must be formatted as key=value"
            ));
        };
        into.insert(k.to_string(), val.to_string());
    }
    Ok(())
}

/// `Validate`, in its order; its notes (the target, the legacy profile) go out as it meets them.
fn validate(o: &Options, p: &Parsed, out: &mut Output) -> Result<(), String> {
    if o.attach && p.has("attach") && o.image.is_empty() && o.container.is_empty() {
        return Err("you must specify --container or create a new container using --image in order to attach.".into());
    }
    if !o.copy_to.is_empty() {
        if o.image.is_empty() && o.set_images.is_empty() && o.args.is_empty() {
            return Err("you must specify --image, --set-image or command arguments.".into());
        }
        if !o.args.is_empty() && o.container.is_empty() && o.image.is_empty() {
            return Err(
                "you must specify an existing container or a new image when specifying args."
                    .into(),
            );
        }
    } else if o.replace {
        return Err("--replace may only be used with --copy-to.".into());
    } else if o.same_node {
        return Err("--same-node may only be used with --copy-to.".into());
    } else if !o.set_images.is_empty() {
        return Err("--set-image may only be used with --copy-to.".into());
    } else if o.image.is_empty() {
        return Err("you must specify --image when not using --copy-to.".into());
    }
    if !o.image.is_empty() && !is_reference(&o.image) {
        return Err(format!(
            "invalid image name {:?}: invalid reference format",
            o.image
        ));
    }
    if o.targets.is_empty() && !p.has("filename") {
        return Err("NAME or filename is required for debug".into());
    }
    if !matches!(
        o.pull_policy.as_str(),
        "Always" | "IfNotPresent" | "Never" | ""
    ) {
        return Err(format!("invalid image pull policy: {}", o.pull_policy));
    }
    for (name, image) in &o.set_images {
        if !is_reference(image) {
            return Err(format!(
                "invalid image name {image:?} for container {name:?}: invalid reference format"
            ));
        }
    }
    if !o.target_container.is_empty() {
        if !o.copy_to.is_empty() {
            return Err(
                "--target is incompatible with --copy-to. Use --share-processes instead.".into(),
            );
        }
        if !o.quiet {
            out.out(format!("Targeting container {:?}. If you don't see processes from this container it may be because the container runtime doesn't support this feature.\n", o.target_container));
        }
    }
    if o.tty && !o.interactive {
        return Err("-i/--stdin is required for containers with -t/--tty=true".into());
    }
    if let Some(custom) = &o.custom {
        let set = |k: &str| {
            custom.get(k).is_some_and(|v| {
                !v.is_null() && v != "" && v.as_array().is_none_or(|a| !a.is_empty())
            })
        };
        if ["name", "command", "image", "lifecycle", "volumeDevices"]
            .into_iter()
            .any(set)
        {
            return Err("name, command, image, lifecycle and volume devices are not modifiable via custom profile".into());
        }
    }
    if o.profile == Profile::Legacy {
        out.note("--profile=legacy is deprecated and will be removed in the future. It is recommended to explicitly specify a profile, for example \"--profile=general\".");
    }
    Ok(())
}

/// distribution/reference's `ReferenceRegexp`, anchored: `[domain/]path[:tag][@digest]`.
fn is_reference(s: &str) -> bool {
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (s, None),
    };
    if let Some(d) = digest {
        let Some((alg, hex)) = d.split_once(':') else {
            return false;
        };
        let alg_ok = !alg.is_empty()
            && alg.split(['+', '.', '_', '-']).all(|c| {
                !c.is_empty()
                    && c.chars()
                        .all(|x| x.is_ascii_lowercase() || x.is_ascii_digit())
            });
        if !alg_ok || hex.len() < 32 || !hex.chars().all(|x| x.is_ascii_hexdigit()) {
            return false;
        }
    }
    // A tag is after the last ':' that follows the last '/'.
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    if let Some(t) = tag {
        let ok = !t.is_empty()
            && t.len() <= 128
            && t.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !ok {
            return false;
        }
    }
    if name.is_empty() {
        return false;
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    // A first part with a dot, a colon or `localhost` is a domain.
    if parts.len() > 1 && (parts[0].contains(['.', ':']) || parts[0] == "localhost") {
        let domain = parts.remove(0);
        let (host, port) = match domain.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (domain, None),
        };
        if port.is_some_and(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit())) {
            return false;
        }
        let host_ok = host.split('.').all(|l| {
            !l.is_empty()
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        });
        if !host_ok {
            return false;
        }
    }
    parts.iter().all(|c| path_component(c))
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
fn path_component(c: &str) -> bool {
    let b = c.as_bytes();
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = matches!(sep, "." | "_" | "__") || sep.bytes().all(|x| x == b'-');
        if !ok {
            return false;
        }
    }
    true
}

/// `computeDebugContainerName`: `-c`, or `debugger-` and five random characters no container
/// of the pod has, announced unless `--quiet`.
fn debug_container_name(o: &mut Options, pod: &Pod, out: &mut Output) -> String {
    if !o.container.is_empty() {
        return o.container.clone();
    }
    let taken = |n: &str| {
        let s = &pod.spec;
        s.containers.iter().any(|c| c.name == n)
            || s.init_containers.iter().any(|c| c.name == n)
            || s.ephemeral_containers.iter().any(|c| c.container.name == n)
    };
    let mut name = String::new();
    while name.is_empty() || taken(&name) {
        name = format!("debugger-{}", o.rng.name_suffix(5));
    }
    if !o.quiet {
        out.out(format!("Defaulting debug container name to {name}.\n"));
    }
    name
}

fn not_found(kind: &str, name: &str) -> String {
    format!("Error from server (NotFound): {kind} \"{name}\" not found")
}

/// A pod target: an ephemeral container, or with `--copy-to` a copy.
fn visit_pod(
    c: &mut Cluster,
    o: &mut Options,
    name: &str,
    out: &mut Output,
) -> Result<Option<(String, String)>, String> {
    let pod = c
        .get_as::<Pod>(&o.namespace, name)
        .cloned()
        .ok_or_else(|| not_found("pods", name))?;
    if o.copy_to.is_empty() {
        by_ephemeral_container(c, o, &pod, out).map(Some)
    } else {
        by_copy(c, o, &pod, out)
    }
}

/// The debug container of an ephemeral debug and of a node debugger pod (both built alike
/// upstream): the image, env and pull policy given, stdin and tty as asked, and the arguments
/// after `--` as its command (or its args with `--arguments-only`).
fn debug_container(o: &Options, name: String) -> Container {
    let mut ctr = Container {
        name,
        image: Some(o.image.clone()),
        env: o.env.clone(),
        image_pull_policy: (!o.pull_policy.is_empty()).then(|| o.pull_policy.clone()),
        stdin: o.interactive.then_some(true),
        termination_message_policy: Some("File".into()),
        tty: o.tty.then_some(true),
        ..Default::default()
    };
    if o.args_only {
        ctr.args = o.args.clone();
    } else {
        ctr.command = o.args.clone();
    }
    ctr
}

/// `debugByEphemeralContainer`: the pod with one more ephemeral container, sent to its
/// `ephemeralcontainers` subresource.
fn by_ephemeral_container(
    c: &mut Cluster,
    o: &mut Options,
    pod: &Pod,
    out: &mut Output,
) -> Result<(String, String), String> {
    let name = debug_container_name(o, pod, out);
    let mut ctr = debug_container(o, name.clone());
    apply_to_container(o.profile, Style::Ephemeral, &mut ctr);
    if let Some(custom) = &o.custom {
        ctr = with_custom(&ctr, custom)?;
    }
    let mut new = pod.clone();
    ctr.target_container_name =
        (!o.target_container.is_empty()).then(|| o.target_container.clone());
    new.spec
        .ephemeral_containers
        .push(EphemeralContainer { container: ctr });
    c.update_ephemeral_containers(new)
        .map_err(|e| crate::errors::render(&e, None))?;
    Ok((pod.metadata.name.clone(), name))
}

/// `applyCustomProfile`: the partial container spec merged over the debug container.
fn with_custom(ctr: &Container, custom: &Value) -> Result<Container, String> {
    let mut v = ordinal_sim::api::encode::Encode::encode(ctr);
    ordinal_sim::patch::strategic_merge(&mut v, custom);
    ordinal_sim::api::decode::decode::<Container>(&v)
        .map(|(c, _)| c)
        .map_err(|e| format!("error: unable to unmarshall patched container to container: {e}"))
}

/// `debugByCopy` with `generatePodCopyWithDebugContainer`.
fn by_copy(
    c: &mut Cluster,
    o: &mut Options,
    pod: &Pod,
    out: &mut Output,
) -> Result<Option<(String, String)>, String> {
    let mut copied = Pod {
        metadata: ObjectMeta {
            name: o.copy_to.clone(),
            namespace: pod.metadata.namespace.clone(),
            annotations: pod.metadata.annotations.clone(),
            labels: pod.metadata.labels.clone(),
            ..Default::default()
        },
        spec: pod.spec.clone(),
        status: Default::default(),
    };
    copied.spec.ephemeral_containers.clear();
    if let Some(share) = o.share_processes {
        copied.spec.share_process_namespace = Some(share);
    }
    if !o.same_node {
        copied.spec.node_name = None;
    }
    for ctr in &mut copied.spec.containers {
        let over = o
            .set_images
            .get(&ctr.name)
            .or_else(|| o.set_images.get("*"));
        if let Some(img) = over.filter(|i| !i.is_empty()) {
            ctr.image = Some(img.clone());
        }
    }
    let existing = copied
        .spec
        .containers
        .iter()
        .position(|k| !o.container.is_empty() && k.name == o.container);
    let idx = match existing {
        Some(i) => i,
        None => {
            if o.image.is_empty() {
                if !o.set_images.is_empty() {
                    return create_copy(c, o, pod, copied, None);
                }
                return Err("error: you must specify image when creating new container".into());
            }
            let name = debug_container_name(o, &copied, out);
            copied.spec.containers.push(Container {
                name,
                termination_message_policy: Some("File".into()),
                ..Default::default()
            });
            copied.spec.containers.len() - 1
        }
    };
    {
        let k = &mut copied.spec.containers[idx];
        if !o.args.is_empty() {
            if o.args_only {
                k.args = o.args.clone();
            } else {
                k.command = o.args.clone();
                k.args.clear();
            }
        }
        if !o.env.is_empty() {
            k.env = o.env.clone();
        }
        if !o.image.is_empty() {
            k.image = Some(o.image.clone());
        }
        if !o.pull_policy.is_empty() {
            k.image_pull_policy = Some(o.pull_policy.clone());
        }
        k.stdin = o.interactive.then_some(true);
        k.tty = o.tty.then_some(true);
    }
    // The profile: what it removes from the copy, then what it does to the debug container.
    let keep = match o.profile {
        Profile::Legacy => Keep {
            labels: false,
            annotations: true,
            liveness: true,
            readiness: true,
            startup: true,
            init_containers: true,
        },
        _ => o.keep,
    };
    if !keep.labels {
        copied.metadata.labels.clear();
    }
    if !keep.annotations {
        copied.metadata.annotations.clear();
    }
    if o.profile != Profile::Legacy {
        for k in &mut copied.spec.containers {
            if !keep.liveness {
                k.liveness_probe = None;
            }
            if !keep.readiness {
                k.readiness_probe = None;
            }
            if !keep.startup {
                k.startup_probe = None;
            }
        }
        if !keep.init_containers {
            copied.spec.init_containers.clear();
        }
        copied.spec.share_process_namespace.get_or_insert(true);
    }
    apply_to_container(o.profile, Style::PodCopy, &mut copied.spec.containers[idx]);
    if let Some(custom) = &o.custom {
        copied.spec.containers[idx] = with_custom(&copied.spec.containers[idx], custom)?;
    }
    let name = copied.spec.containers[idx].name.clone();
    create_copy(c, o, pod, copied, Some(name))
}

fn create_copy(
    c: &mut Cluster,
    o: &Options,
    pod: &Pod,
    copied: Pod,
    container: Option<String>,
) -> Result<Option<(String, String)>, String> {
    let name = copied.metadata.name.clone();
    c.create(Object::Pod(Box::new(copied)))
        .map_err(|e| crate::errors::render(&e, None))?;
    if o.replace {
        let opts = DeleteOptions {
            grace_period_seconds: Some(0),
            propagation: None,
        };
        c.delete(
            Kind::Pod,
            &pod.metadata.namespace,
            &pod.metadata.name,
            &opts,
        )
        .map_err(|e| crate::errors::render(&e, None))?;
    }
    Ok(container.map(|k| (name, k)))
}

/// `visitNode` with `generateNodeDebugPod`: a pod bound to the node, tolerating everything.
fn visit_node(
    c: &mut Cluster,
    o: &mut Options,
    node: &str,
    out: &mut Output,
) -> Result<Option<(String, String)>, String> {
    if c.get_as::<Node>("", node).is_none() {
        return Err(not_found("nodes", node));
    }
    let cn = if o.container.is_empty() {
        "debugger".to_string()
    } else {
        o.container.clone()
    };
    let pn = format!("node-debugger-{node}-{}", o.rng.name_suffix(5));
    if !o.quiet {
        out.out(format!(
            "Creating debugging pod {pn} with container {cn} on node {node}.\n"
        ));
    }
    let ctr = debug_container(o, cn.clone());
    let mut pod = Pod {
        metadata: ObjectMeta {
            name: pn.clone(),
            namespace: o.namespace.clone(),
            ..Default::default()
        },
        spec: PodSpec {
            containers: vec![ctr].into(),
            node_name: Some(node.to_string()),
            restart_policy: Some("Never".into()),
            tolerations: vec![Toleration {
                operator: Some("Exists".into()),
                ..Default::default()
            }],
            ..Default::default()
        }
        .into(),
        status: Default::default(),
    };
    let (mount_root, host_ns) = match o.profile {
        Profile::Legacy | Profile::General | Profile::Sysadmin => (true, true),
        Profile::Netadmin => (false, true),
        Profile::Baseline | Profile::Restricted => (false, false),
    };
    if mount_root {
        pod.spec.volumes.push(Volume {
            name: "host-root".into(),
            host_path: Some(json!({"path": "/"})),
            ..Default::default()
        });
        pod.spec.containers[0].volume_mounts.push(VolumeMount {
            name: "host-root".into(),
            mount_path: "/host".into(),
            ..Default::default()
        });
    }
    if host_ns {
        pod.spec.host_network = Some(true);
        pod.spec.host_pid = Some(true);
        pod.spec.host_ipc = Some(true);
    }
    apply_to_container(o.profile, Style::Node, &mut pod.spec.containers[0]);
    if let Some(custom) = &o.custom {
        pod.spec.containers[0] = with_custom(&pod.spec.containers[0], custom)?;
    }
    c.create(Object::Pod(Box::new(pod)))
        .map_err(|e| crate::errors::render(&e, None))?;
    Ok(Some((pn, cn)))
}

/// What a profile does to the debug container's `securityContext` (profiles.go).
fn apply_to_container(profile: Profile, style: Style, ctr: &mut Container) {
    let mut m = match ctr.security_context.take() {
        Some(Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    let add_cap = |m: &mut serde_json::Map<String, Value>, cap: &str| {
        let caps = m.entry("capabilities").or_insert_with(|| json!({}));
        if let Some(c) = caps.as_object_mut() {
            let add = c.entry("add").or_insert_with(|| json!([]));
            if let Some(a) = add.as_array_mut() {
                a.push(json!(cap));
            }
        }
    };
    let had = !m.is_empty();
    match profile {
        Profile::Legacy => {}
        Profile::General => match style {
            Style::Node => m.clear(),
            Style::PodCopy | Style::Ephemeral => add_cap(&mut m, "SYS_PTRACE"),
        },
        Profile::Baseline => m.clear(),
        Profile::Restricted => {
            m.clear();
            m.insert("runAsNonRoot".into(), json!(true));
            m.insert("capabilities".into(), json!({"drop": ["ALL"]}));
            m.insert("allowPrivilegeEscalation".into(), json!(false));
            m.insert("seccompProfile".into(), json!({"type": "RuntimeDefault"}));
        }
        Profile::Netadmin => {
            add_cap(&mut m, "NET_ADMIN");
            add_cap(&mut m, "NET_RAW");
        }
        Profile::Sysadmin => {
            m.insert("privileged".into(), json!(true));
        }
    }
    if !m.is_empty() || (had && !matches!(profile, Profile::Baseline | Profile::General)) {
        ctr.security_context = Some(Value::Object(m));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kubectl(c: &mut Cluster, line: &str) -> Output {
        crate::run_line(c, line, "")
    }

    fn web() -> Cluster {
        let mut c = Cluster::new(3);
        c.apply_yaml(crate::manifests::K8S_IO_WEB_YAML, "default")
            .unwrap();
        c.settle();
        c
    }

    fn pod(c: &Cluster, name: &str) -> Pod {
        c.get_as::<Pod>("default", name).cloned().expect("the pod")
    }

    #[test]
    fn an_ephemeral_container_as_kubectl_builds_it() {
        let mut c = web();
        let o = kubectl(
            &mut c,
            "debug -it web-0 --image=busybox:1.28 --target=nginx --env=A=1 --profile=netadmin",
        );
        assert_eq!(o.status, 0, "{}", o.stderr());
        let p = pod(&c, "web-0");
        let ec = &p.spec.ephemeral_containers[0];
        let name = &ec.container.name;
        assert!(name.starts_with("debugger-") && name.len() == 14, "{name}");
        assert_eq!(
            o.stdout(),
            format!("Targeting container \"nginx\". If you don't see processes from this container it may be because the container runtime doesn't support this feature.\nDefaulting debug container name to {name}.\n")
        );
        assert_eq!(o.stderr(), "", "no legacy warning for a profile given");
        assert_eq!(ec.container.target_container_name.as_deref(), Some("nginx"));
        assert_eq!(ec.container.stdin, Some(true));
        assert_eq!(ec.container.tty, Some(true));
        assert_eq!(ec.container.env[0].name, "A");
        assert_eq!(
            ec.container.security_context,
            Some(json!({"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}}))
        );
        // -it leaves an attach waiting for the container to run.
        assert!(matches!(
            &o.job,
            Some(Job::Attach(a)) if a.container.as_deref() == Some(name.as_str()) && a.waiting
        ));
    }

    #[test]
    fn quiet_named_and_legacy() {
        let mut c = web();
        let o = kubectl(
            &mut c,
            "debug web-0 --image=busybox:1.28 -c dbg -q -- sleep 60",
        );
        assert_eq!((o.stdout(), o.status), (String::new(), 0));
        assert_eq!(
            o.stderr(),
            "--profile=legacy is deprecated and will be removed in the future. It is recommended to explicitly specify a profile, for example \"--profile=general\".\n"
        );
        let p = pod(&c, "web-0");
        let ec = &p.spec.ephemeral_containers[0].container;
        assert_eq!(ec.command, ["sleep", "60"]);
        assert_eq!(ec.security_context, None);
        assert!(o.job.is_none());
        let o = kubectl(
            &mut c,
            "debug web-0 --image=busybox:1.28 -c dbg2 --arguments-only --profile=restricted -- x",
        );
        assert_eq!(o.status, 0, "{}", o.stderr());
        let p = pod(&c, "web-0");
        let ec = &p.spec.ephemeral_containers[1].container;
        assert_eq!(
            (ec.command.len(), ec.args.clone()),
            (0, vec!["x".to_string()])
        );
        assert_eq!(
            ec.security_context,
            Some(
                json!({"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}, "runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}})
            )
        );
    }

    #[test]
    fn a_copy_and_a_node_debugger() {
        let mut c = web();
        let o = kubectl(
            &mut c,
            "debug web-1 --copy-to=web-1-copy --set-image=*=nginx:1.27 --profile=legacy",
        );
        assert_eq!(o.status, 0, "{}", o.stderr());
        let p = pod(&c, "web-1-copy");
        // A --set-image-only copy returns before the profile applies: its labels stay.
        assert_eq!(
            p.metadata.labels.get("app").map(String::as_str),
            Some("nginx")
        );
        assert_eq!(p.spec.containers.len(), 1);
        assert_eq!(p.spec.containers[0].image.as_deref(), Some("nginx:1.27"));
        assert_eq!(p.spec.share_process_namespace, None);
        let (node, uid) = {
            let w = pod(&c, "web-1");
            (w.spec.node_name.clone(), w.metadata.uid)
        };
        let o = kubectl(&mut c, "debug web-1 --copy-to=web-1-x --image=busybox:1.28 -c dbg --replace --same-node --profile=general");
        assert_eq!(o.status, 0, "{}", o.stderr());
        let p = pod(&c, "web-1-x");
        assert_eq!(p.spec.share_process_namespace, Some(true));
        assert_eq!(p.spec.node_name, node, "--same-node");
        assert!(p.metadata.labels.is_empty(), "general drops the labels");
        assert_eq!(p.spec.containers[1].name, "dbg");
        // --replace deletes the original (its StatefulSet makes a new one).
        assert!(c
            .get_as::<Pod>("default", "web-1")
            .is_none_or(|w| w.metadata.uid != uid));
        let o = kubectl(
            &mut c,
            "debug node/kind-worker --image=busybox:1.28 --profile=legacy",
        );
        assert_eq!(o.status, 0, "{}", o.stderr());
        let line = o.stdout();
        let pn = line
            .strip_prefix("Creating debugging pod ")
            .and_then(|l| l.split(' ').next())
            .expect("the message")
            .to_string();
        assert_eq!(
            line,
            format!("Creating debugging pod {pn} with container debugger on node kind-worker.\n")
        );
        let p = pod(&c, &pn);
        assert_eq!(
            (p.spec.host_network, p.spec.host_pid, p.spec.host_ipc),
            (Some(true), Some(true), Some(true))
        );
        assert_eq!(p.spec.restart_policy.as_deref(), Some("Never"));
        assert_eq!(p.spec.containers[0].volume_mounts[0].mount_path, "/host");
        assert_eq!(
            p.spec.tolerations.len(),
            1,
            "Exists tolerates the default taints too"
        );
        let o = kubectl(
            &mut c,
            "debug node/nope --image=busybox:1.28 --profile=general",
        );
        assert_eq!(
            o.stderr(),
            "Error from server (NotFound): nodes \"nope\" not found\n"
        );
    }

    #[test]
    fn an_attach_waits_for_the_container_and_warns_of_a_failing_pull() {
        let mut c = web();
        let o = kubectl(
            &mut c,
            "debug -it web-0 --image=example.com/nope:1 -c bad --profile=general",
        );
        let Some(mut job) = o.job else {
            panic!("an attach job: {}", o.stderr())
        };
        let mut out = Output::default();
        for _ in 0..20 {
            c.advance(1_000);
            assert!(!job.poll(&mut c, &mut out), "it keeps waiting");
        }
        assert!(
            out.stderr().starts_with(
                "Warning: container bad: failed to pull and unpack image \"example.com/nope:1\""
            ),
            "{}",
            out.stderr()
        );
        assert!(matches!(job, Job::Attach(Attach { waiting: true, .. })));
        assert_eq!(out.stdout(), "", "no prompt before the container runs");
    }

    #[test]
    fn the_pods_a_file_names() {
        let mut c = web();
        let pod_yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-1\n";
        let o = crate::run_line(
            &mut c,
            "debug -f - --image=busybox:1.28 -c dbg --profile=general",
            pod_yaml,
        );
        assert_eq!(o.status, 0, "{}", o.stderr());
        assert_eq!(pod(&c, "web-1").spec.ephemeral_containers.len(), 1);
    }

    #[test]
    fn references_as_distribution_reads_them() {
        for ok in [
            "busybox",
            "busybox:1.28",
            "registry.k8s.io/e2e-test-images/agnhost:2.39",
            "localhost:5000/a/b",
            "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert!(is_reference(ok), "{ok}");
        }
        for bad in [
            "Busybox",
            "busybox:",
            ":1",
            "a//b",
            "-a",
            "a b",
            "busybox:-x",
        ] {
            assert!(!is_reference(bad), "{bad}");
        }
    }
}
