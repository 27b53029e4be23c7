//! The container runtime of one pod: its sandbox and IP (host-local IPAM), image pulls with
//! credentials, cache and backoff, process lifetimes, restarts with CrashLoopBackOff, graceful
//! termination, and the files its containers see (writable layers, volumes).

use super::probes::run_probes;
use super::{CPhase, ContainerRt, Events, PodRuntime, Termination};
use crate::api::*;
use crate::cluster::Cluster;
use crate::fs::Tree;
use crate::images::{self, ImageRef, Process};
use crate::store::ObjKey;
use crate::time::Time;
use std::collections::BTreeMap;

pub(super) const BACKOFF_START_MS: u64 = 10_000;
const BACKOFF_MAX_MS: u64 = 300_000;
/// Pull bandwidth of a kind node on a decent link, bytes per millisecond (≈ 3 MB/s).
const PULL_BYTES_PER_MS: u64 = 3_000;

pub(super) fn jitter(c: &mut Cluster, lo: u64, hi: u64) -> u64 {
    c.rng.between(lo, hi)
}

pub(super) fn image_id(r: &ImageRef) -> String {
    // A stable fake digest per repository: FNV-1a over the name, widened to 64 hex digits.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in r.canonical().bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let mut hex = String::new();
    for i in 0..4u64 {
        hex.push_str(&format!(
            "{:016x}",
            h.rotate_left((i * 17) as u32) ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ));
    }
    format!("{}/{}@sha256:{hex}", r.registry, r.repository)
}

/// The reason a pull of `r` fails for `pod`, if it does (no such image, or no credentials).
fn pull_error(c: &Cluster, pod: &Pod, r: &ImageRef) -> Option<String> {
    let canonical = r.canonical();
    let denied = format!(
        "failed to pull and unpack image \"{canonical}\": failed to resolve reference \"{canonical}\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed"
    );
    if !r.is_public_registry() && !has_credentials(c, pod, &r.registry) {
        return Some(denied);
    }
    if images::lookup(r).is_none() && r.registry == "docker.io" {
        return Some(denied);
    }
    // No such repository on another registry, or no such tag of a known one.
    if images::size_of(r).is_none() {
        return Some(format!("failed to pull and unpack image \"{canonical}\": failed to resolve reference \"{canonical}\": {canonical}: not found"));
    }
    None
}

/// Whether one of the pod's `imagePullSecrets` is a docker config with an entry for `registry`.
pub fn has_credentials(c: &Cluster, pod: &Pod, registry: &str) -> bool {
    pod.spec.image_pull_secrets.iter().any(|s| {
        let Some(secret) = c.get_as::<Secret>(&pod.metadata.namespace, &s.name) else {
            return false;
        };
        let (key, nested) = match secret.type_.as_deref() {
            Some("kubernetes.io/dockerconfigjson") => (".dockerconfigjson", true),
            Some("kubernetes.io/dockercfg") => (".dockercfg", false),
            _ => return false,
        };
        let Some(raw) = secret.data.get(key).and_then(|v| crate::base64::decode(v)) else {
            return false;
        };
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(&raw) else {
            return false;
        };
        let auths = if nested {
            json.get("auths")
        } else {
            Some(&json)
        };
        auths.and_then(|a| a.as_object()).is_some_and(|m| {
            m.keys().any(|k| {
                let host = k
                    .trim_start_matches("https://")
                    .trim_start_matches("http://");
                host.split('/').next() == Some(registry)
            })
        })
    })
}

fn allocate_ip(c: &mut Cluster, node: &str) -> Option<String> {
    let cidr = c.get_as::<Node>("", node)?.spec.pod_cidr.clone()?;
    let base = cidr.trim_end_matches(".0/24").to_string();
    let k = &mut c.kubelet;
    let mut n = *k.last_ip.get(node).unwrap_or(&1);
    for _ in 0..253 {
        n = if n >= 254 { 2 } else { n + 1 };
        let ip = format!("{base}.{n}");
        if !k.ips_in_use.contains(&ip) {
            k.ips_in_use.insert(ip.clone());
            k.last_ip.insert(node.to_string(), n);
            return Some(ip);
        }
    }
    None
}

fn hosts_file(pod: &Pod, ip: &str) -> String {
    let mut s = String::from("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n");
    let host = pod
        .spec
        .hostname
        .clone()
        .unwrap_or_else(|| pod.metadata.name.clone());
    match pod.spec.subdomain.as_deref().filter(|s| !s.is_empty()) {
        Some(sd) => s.push_str(&format!(
            "{ip}\t{host}.{sd}.{}.svc.cluster.local\t{host}\n",
            pod.metadata.namespace
        )),
        None => s.push_str(&format!("{ip}\t{host}\n")),
    }
    s
}

/// A fresh writable layer: the image's files, the mount points, and the kubelet-managed files.
fn new_layer(pod: &Pod, container: &Container, ip: &str) -> Tree {
    let files = ImageRef::parse(container.image.as_deref().unwrap_or(""))
        .and_then(|r| images::lookup(&r))
        .map_or(&[][..], |i| i.files);
    let mut t = Tree::from_files(files);
    let _ = t.mkdir("/etc", true);
    let host = pod
        .spec
        .hostname
        .clone()
        .unwrap_or_else(|| pod.metadata.name.clone());
    let _ = t.write("/etc/hostname", &format!("{host}\n"), false);
    let _ = t.write("/etc/hosts", &hosts_file(pod, ip), false);
    let ns = &pod.metadata.namespace;
    let resolv = format!("search {ns}.svc.cluster.local svc.cluster.local cluster.local\nnameserver {}\noptions ndots:5\n", crate::bootstrap::DNS_SERVICE_IP);
    let _ = t.write("/etc/resolv.conf", &resolv, false);
    for m in &container.volume_mounts {
        let _ = t.mkdir(&m.mount_path, true);
    }
    t
}

/// A fresh runtime for a pod the kubelet accepts: the sandbox comes up after a short delay,
/// every container waits to be created.
pub(super) fn new_runtime(c: &mut Cluster, pod: &Pod, key: &ObjKey, node: &str) -> PodRuntime {
    let sandbox = jitter(c, 600, 1_500);
    let accepted = c.now;
    let containers = pod
        .spec
        .containers
        .iter()
        .map(|ct| new_container(ct, false))
        .collect();
    PodRuntime {
        key: key.clone(),
        node: node.to_string(),
        accepted_at: accepted,
        sandbox_at: accepted.plus_ms(sandbox),
        ip: None,
        containers,
        ephemeral: Vec::new(),
        empty_dirs: BTreeMap::new(),
        termination: None,
    }
}

/// A container not created yet.
fn new_container(ct: &Container, ephemeral: bool) -> ContainerRt {
    ContainerRt {
        name: ct.name.clone(),
        image: ct.image.clone().unwrap_or_default(),
        phase: CPhase::Created,
        restart_count: 0,
        last_exit: None,
        pull_backoff_ms: 0,
        crash_backoff_ms: 0,
        ready: false,
        started: false,
        probes: Default::default(),
        killing: false,
        container_id: String::new(),
        process: Process::Runs { sigterm: true },
        layer: Tree::default(),
        killed_by_signal: false,
        killed_with_node: false,
        logs: String::new(),
        ephemeral,
    }
}

/// Graceful termination of a pod being deleted: each running container is stopped (SIGTERM, or
/// SIGKILL at the deadline), and the pod object goes after the teardown. Returns when to look
/// again, or `None` once the teardown is over and the kubelet removes the pod object now.
pub(super) fn terminate(
    c: &mut Cluster,
    pod: &Pod,
    rt: &mut PodRuntime,
    events: &mut Events,
) -> Option<Time> {
    let now = c.now;
    let deadline = pod.metadata.deletion_timestamp.unwrap_or(now);
    let mut t = match rt.termination.take() {
        Some(t) => t,
        None => {
            let mut stopped_at = now;
            for ctr in rt.containers.iter_mut().chain(rt.ephemeral.iter_mut()) {
                events.about(ctr);
                if ctr.is_running() {
                    events.push((
                        "Normal",
                        "Killing",
                        format!("Stopping container {}", ctr.name),
                    ));
                    let graceful = matches!(
                        ctr.process,
                        Process::WebServer { .. } | Process::Runs { sigterm: true }
                    );
                    let exit_at = if graceful {
                        now.plus_ms(c.rng.between(150, 900)).min(deadline)
                    } else {
                        deadline
                    };
                    ctr.killed_by_signal = !graceful;
                    stopped_at = stopped_at.max(exit_at);
                }
            }
            let teardown = c.rng.between(300, 900);
            Termination {
                stopped_at,
                remove_at: stopped_at.plus_ms(teardown),
            }
        }
    };
    // A shorter grace period (a second delete, or --force) moves the kill forward.
    if deadline < t.stopped_at {
        t.stopped_at = deadline;
        t.remove_at = deadline;
    }
    rt.termination = Some(t.clone());
    if now >= t.stopped_at {
        for ctr in rt.containers.iter_mut().chain(rt.ephemeral.iter_mut()) {
            let started = match ctr.phase {
                CPhase::Running { since, .. } => Some(since),
                _ => None,
            };
            if let Some(started) = started {
                let code = if ctr.killed_by_signal { 137 } else { 0 };
                ctr.phase = CPhase::Exited {
                    code,
                    started,
                    finished: t.stopped_at,
                    restart_at: None,
                };
                ctr.reset_probes();
            } else if let CPhase::Exited { restart_at, .. } = &mut ctr.phase {
                *restart_at = None;
            } else {
                ctr.phase = match &ctr.phase {
                    CPhase::Exited { .. } => ctr.phase.clone(),
                    _ => CPhase::Created,
                };
            }
        }
    }
    if now >= t.remove_at {
        return None;
    }
    Some(if now >= t.stopped_at {
        t.remove_at
    } else {
        t.stopped_at
    })
}

/// Moves every container along as far as the clock allows; returns when the next step is due.
pub(super) fn step_containers(
    c: &mut Cluster,
    pod: &Pod,
    rt: &mut PodRuntime,
    events: &mut Events,
) -> Option<Time> {
    let now = c.now;
    let mut next: Option<Time> = None;
    let wake = |t: Time, next: &mut Option<Time>| *next = Some(next.map_or(t, |n| n.min(t)));
    if now < rt.sandbox_at {
        wake(rt.sandbox_at, &mut next);
    } else {
        if rt.ip.is_none() {
            rt.ip = allocate_ip(c, &rt.node);
        }
        let restart_policy = pod
            .spec
            .restart_policy
            .clone()
            .unwrap_or_else(|| "Always".into());
        let mut previous_started = true;
        let node = rt.node.clone();
        let ip = rt.ip.clone().unwrap_or_default();
        for i in 0..rt.containers.len() {
            let spec = pod.spec.containers.get(i).cloned().unwrap_or_default();
            let ctr = &mut rt.containers[i];
            events.about(ctr);
            // Containers start in order: one waits until the one before it has started once.
            if !previous_started {
                break;
            }
            let run = Run {
                node: &node,
                ip: &ip,
                restart_policy: &restart_policy,
            };
            step_one(c, pod, &run, &spec, ctr, events, &mut next);
            previous_started =
                rt.containers[i].is_running() || rt.containers[i].last_exit.is_some();
        }
        // Ephemeral containers: each one the spec lists is started once the sandbox is up, and
        // never restarted.
        for ec in &pod.spec.ephemeral_containers {
            if !rt.ephemeral.iter().any(|e| e.name == ec.container.name) {
                rt.ephemeral.push(new_container(&ec.container, true));
            }
        }
        for ctr in &mut rt.ephemeral {
            let Some(ec) = pod
                .spec
                .ephemeral_containers
                .iter()
                .find(|e| e.container.name == ctr.name)
            else {
                continue;
            };
            events.about(ctr);
            let run = Run {
                node: &node,
                ip: &ip,
                restart_policy: "Never",
            };
            step_one(c, pod, &run, &ec.container, ctr, events, &mut next);
        }
    }
    next
}

/// Where a container runs: its pod's node and IP, and the restart policy that applies to it.
struct Run<'a> {
    node: &'a str,
    ip: &'a str,
    restart_policy: &'a str,
}

/// Moves one container along as far as the clock allows, lowering `next` to its next step.
fn step_one(
    c: &mut Cluster,
    pod: &Pod,
    run: &Run,
    spec: &Container,
    ctr: &mut ContainerRt,
    events: &mut Events,
    next: &mut Option<Time>,
) {
    let now = c.now;
    let wake = |t: Time, next: &mut Option<Time>| *next = Some(next.map_or(t, |n| n.min(t)));
    loop {
        match ctr.phase.clone() {
            CPhase::InvalidImage { .. } => break,
            CPhase::Created => {
                let Some(r) = ImageRef::parse(&ctr.image) else {
                    let message = format!("Failed to apply default image tag \"{}\": couldn't parse image name \"{}\": invalid reference format", ctr.image, ctr.image);
                    events.push(("Warning", "InspectFailed", message.clone()));
                    events.push(("Warning", "Failed", "Error: InvalidImageName".into()));
                    ctr.phase = CPhase::InvalidImage { message };
                    break;
                };
                let canonical = r.canonical();
                let present = c
                    .kubelet
                    .images
                    .get(run.node)
                    .is_some_and(|s| s.contains(&canonical));
                let policy = spec.image_pull_policy.as_deref().unwrap_or("IfNotPresent");
                if present && policy != "Always" {
                    start_with_present_image(c, ctr, events, (200, 700));
                    continue;
                }
                if policy == "Never" {
                    let message = format!(
                        "Container image \"{}\" is not present with pull policy of Never",
                        ctr.image
                    );
                    events.push(("Warning", "ErrImageNeverPull", message.clone()));
                    ctr.phase = CPhase::InvalidImage { message };
                    break;
                }
                events.push((
                    "Normal",
                    "Pulling",
                    format!("Pulling image \"{}\"", ctr.image),
                ));
                let ok = match pull_error(c, pod, &r) {
                    Some(e) => Err(e),
                    None => Ok(()),
                };
                let dur = match (&ok, images::size_of(&r)) {
                    (Ok(()), Some(size)) => size / PULL_BYTES_PER_MS + c.rng.between(600, 1_800),
                    _ => c.rng.between(700, 1_600),
                };
                ctr.phase = CPhase::Pulling {
                    until: now.plus_ms(dur),
                    ok,
                    started: now,
                };
            }
            CPhase::Pulling { until, ok, started } => {
                if now < until {
                    wake(until, next);
                    break;
                }
                // Parsed before the pull began; were it not, the Created step
                // reports the invalid name.
                let Some(r) = ImageRef::parse(&ctr.image) else {
                    ctr.phase = CPhase::Created;
                    continue;
                };
                match ok {
                    Ok(()) => {
                        let secs = until.since(started) as f64 / 1000.0;
                        let size = images::size_of(&r).unwrap_or(0);
                        events.push(("Normal", "Pulled", format!("Successfully pulled image \"{}\" in {secs:.3}s ({secs:.3}s including waiting). Image size: {size} bytes.", ctr.image)));
                        c.kubelet
                            .images
                            .entry(run.node.to_string())
                            .or_default()
                            .insert(r.canonical());
                        ctr.pull_backoff_ms = 0;
                        let d = c.rng.between(200, 700);
                        ctr.phase = CPhase::Starting {
                            until: until.plus_ms(d),
                        };
                    }
                    Err(message) => {
                        events.push((
                            "Warning",
                            "Failed",
                            format!("Failed to pull image \"{}\": {message}", ctr.image),
                        ));
                        events.push(("Warning", "Failed", "Error: ErrImagePull".into()));
                        ctr.pull_backoff_ms = if ctr.pull_backoff_ms == 0 {
                            BACKOFF_START_MS
                        } else {
                            (ctr.pull_backoff_ms * 2).min(BACKOFF_MAX_MS)
                        };
                        let backoff_at = until.plus_ms(c.rng.between(800, 2_500));
                        ctr.phase = CPhase::PullFailed {
                            since: until,
                            backoff_at,
                            retry_at: until.plus_ms(ctr.pull_backoff_ms),
                            message,
                        };
                    }
                }
            }
            CPhase::PullFailed {
                since,
                backoff_at,
                retry_at,
                message,
            } => {
                let _ = since;
                if now >= retry_at {
                    ctr.phase = CPhase::Created;
                    continue;
                }
                if now >= backoff_at && now < backoff_at.plus_ms(1) {
                    events.push((
                        "Normal",
                        "BackOff",
                        format!("Back-off pulling image \"{}\"", ctr.image),
                    ));
                    events.push(("Warning", "Failed", "Error: ImagePullBackOff".into()));
                }
                let _ = message;
                wake(
                    if now < backoff_at {
                        backoff_at
                    } else {
                        retry_at
                    },
                    next,
                );
                break;
            }
            CPhase::Starting { until } => {
                if now < until {
                    wake(until, next);
                    break;
                }
                let ip = run.ip.to_string();
                ctr.layer = new_layer(pod, spec, &ip);
                let img = ImageRef::parse(&ctr.image).and_then(|r| images::lookup(&r));
                ctr.process = img.map_or(Process::Runs { sigterm: true }, |i| {
                    i.process(&spec.command, &spec.args, spec.stdin == Some(true))
                });
                ctr.container_id = format!("containerd://{}", c.rng.hex(64));
                events.push((
                    "Normal",
                    "Created",
                    format!("Created container: {}", ctr.name),
                ));
                events.push((
                    "Normal",
                    "Started",
                    format!("Started container {}", ctr.name),
                ));
                let exits_at = match ctr.process {
                    Process::Exits { after_ms, code } => Some((until.plus_ms(after_ms), code)),
                    _ => None,
                };
                ctr.phase = CPhase::Running {
                    since: until,
                    exits_at,
                };
                if let Some(i) = img {
                    ctr.logs
                        .push_str(&images::startup_log(i, &spec.command, until));
                }
                ctr.reset_probes();
            }
            CPhase::Running { since, exits_at } => {
                if let Some((at, code)) = exits_at {
                    if now >= at {
                        ctr.reset_probes();
                        ctr.last_exit = Some((code, since, at));
                        ctr.killed_with_node = false;
                        let restart = match run.restart_policy {
                            "Always" => true,
                            "OnFailure" => code != 0,
                            _ => false,
                        };
                        let restart_at = restart.then(|| {
                            // The first restart is immediate; later ones back off 10 s, 20 s, … 5 min,
                            // and the backoff resets after 10 minutes of running.
                            if at.since(since) >= 600_000 {
                                ctr.crash_backoff_ms = 0;
                            }
                            let delay = ctr.crash_backoff_ms;
                            ctr.crash_backoff_ms = if delay == 0 {
                                BACKOFF_START_MS
                            } else {
                                (delay * 2).min(BACKOFF_MAX_MS)
                            };
                            at.plus_ms(delay.max(c.rng.between(300, 900)))
                        });
                        if let Some(r) = restart_at {
                            if r.since(at) >= BACKOFF_START_MS {
                                events.push((
                                    "Warning",
                                    "BackOff",
                                    format!(
                                        "Back-off restarting failed container {} in pod {}_{}({})",
                                        ctr.name,
                                        pod.metadata.name,
                                        pod.metadata.namespace,
                                        pod.metadata.uid
                                    ),
                                ));
                            }
                        }
                        ctr.phase = CPhase::Exited {
                            code,
                            started: since,
                            finished: at,
                            restart_at,
                        };
                        continue;
                    }
                    wake(at, next);
                }
                if ctr.killing {
                    break;
                }
                let ip = run.ip.to_string();
                if let Some(kind) = run_probes(c, pod, spec, &ip, ctr, since, now, next, events) {
                    // `killContainer` with the pod's grace period; the restart that
                    // follows backs off like any other.
                    events.push((
                        "Normal",
                        "Killing",
                        format!(
                            "Container {} failed {} probe, will be restarted",
                            ctr.name,
                            kind.title().to_lowercase()
                        ),
                    ));
                    let graceful = matches!(
                        ctr.process,
                        Process::WebServer { .. } | Process::Runs { sigterm: true }
                    );
                    let grace = pod
                        .spec
                        .termination_grace_period_seconds
                        .unwrap_or(30)
                        .max(0) as u64
                        * 1000;
                    let (at, code) = if graceful {
                        (now.plus_ms(c.rng.between(150, 900).min(grace.max(1))), 0)
                    } else {
                        (now.plus_ms(grace), 137)
                    };
                    // A process that exits by itself before the kill lands keeps its exit.
                    let (at, code) = match exits_at {
                        Some((t, c)) if t < at => (t, c),
                        _ => (at, code),
                    };
                    ctr.killing = true;
                    ctr.ready = false;
                    ctr.phase = CPhase::Running {
                        since,
                        exits_at: Some((at, code)),
                    };
                    wake(at, next);
                }
                break;
            }
            CPhase::Exited { restart_at, .. } => {
                match restart_at {
                    Some(at) if now >= at => {
                        ctr.restart_count += 1;
                        // `EnsureImageExists` runs again for the new container.
                        start_with_present_image(c, ctr, events, (150, 500));
                        continue;
                    }
                    Some(at) => {
                        // The status flips from Completed/Error to CrashLoopBackOff shortly after the exit.
                        if let CPhase::Exited { finished, .. } = ctr.phase {
                            let flip = finished.plus_ms(500);
                            if now < flip && at > flip {
                                wake(flip, next);
                            }
                        }
                        wake(at, next)
                    }
                    None => {}
                }
                break;
            }
        }
    }
}

/// The image is on the node already: the kubelet says so, and the container starts a moment
/// (`lo..hi` ms) later.
fn start_with_present_image(
    c: &mut Cluster,
    ctr: &mut ContainerRt,
    events: &mut Events,
    (lo, hi): (u64, u64),
) {
    events.push((
        "Normal",
        "Pulled",
        format!(
            "Container image \"{}\" already present on machine",
            ctr.image
        ),
    ));
    let d = c.rng.between(lo, hi);
    ctr.phase = CPhase::Starting {
        until: c.now.plus_ms(d),
    };
}

/// The directory tree backing a pod volume, if it is one the simulation stores.
pub(super) fn volume_tree<'a>(c: &'a Cluster, pod: &Pod, volume: &str) -> Option<&'a Tree> {
    let v = pod.spec.volumes.iter().find(|v| v.name == volume)?;
    if let Some(claim) = &v.persistent_volume_claim {
        let pvc = c.get_as::<PersistentVolumeClaim>(&pod.metadata.namespace, &claim.claim_name)?;
        let pv = c.get_as::<PersistentVolume>("", pvc.spec.volume_name.as_deref()?)?;
        let node = pv
            .pinned_nodes()
            .and_then(|n| n.first().cloned())
            .or_else(|| pod.spec.node_name.clone())?;
        return c
            .disks
            .dirs
            .get(&(node, pv.spec.host_path.as_ref()?.path.clone()));
    }
    c.kubelet
        .pods
        .get(&pod.metadata.uid)?
        .empty_dirs
        .get(volume)
}
