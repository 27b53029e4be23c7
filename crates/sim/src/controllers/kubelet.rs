//! The kubelets of all nodes: sandbox and IP, image pulls (credentials, cache, backoff),
//! container start, readiness, restarts with CrashLoopBackOff, graceful termination, and
//! the files a container sees. Each pod's runtime state lives here, as a container runtime's
//! would; the API only sees the status the kubelet reports.

use super::Work;
use crate::api::*;
use crate::cluster::{Cluster, DeleteOptions};
use crate::fs::Tree;
use crate::images::{self, ImageRef, Process};
use crate::store::ObjKey;
use crate::time::Time;
use std::collections::{BTreeMap, BTreeSet, HashMap};

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
    /// Later events are about container `name`.
    fn about(&mut self, name: &str) {
        self.current = Some(name.to_string());
    }
}

const BACKOFF_START_MS: u64 = 10_000;
const BACKOFF_MAX_MS: u64 = 300_000;
/// Pull bandwidth of a kind node on a decent link, bytes per millisecond (≈ 3 MB/s).
const PULL_BYTES_PER_MS: u64 = 3_000;

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

/// The three probes, as indices into [`ContainerRt::probes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ProbeKind {
    Startup = 0,
    Readiness = 1,
    Liveness = 2,
}

impl ProbeKind {
    /// `probeType.String()`, as the kubelet's events say it.
    fn title(self) -> &'static str {
        match self {
            ProbeKind::Startup => "Startup",
            ProbeKind::Readiness => "Readiness",
            ProbeKind::Liveness => "Liveness",
        }
    }
}

/// One prober worker's state: the last probe tick it ran, and the consecutive results.
#[derive(Debug, Clone, Default)]
pub struct ProbeRt {
    pub last_tick: Option<Time>,
    /// No tick is scheduled: the verdict passed and nothing could change it.
    pub asleep: bool,
    pub fails: u32,
    pub oks: u32,
}

fn jitter(c: &mut Cluster, lo: u64, hi: u64) -> u64 {
    c.rng.between(lo, hi)
}

fn image_id(r: &ImageRef) -> String {
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
    if images::lookup(r).is_none() {
        if r.registry == "docker.io" {
            return Some(denied);
        }
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

pub(crate) fn sync(c: &mut Cluster, key: &ObjKey) {
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
    let Some(pod) = pod else { return };
    let Some(node) = pod.spec.node_name.clone() else {
        return;
    };
    if !c.kubelet_up(&node) {
        return;
    }
    let uid = pod.metadata.uid.clone();
    let mut rt = match c.kubelet.remove(&uid) {
        Some(rt) => rt,
        None => {
            if matches!(pod.phase(), "Succeeded" | "Failed") && !pod.is_terminating() {
                return;
            }
            // Deleted with grace 0: either this kubelet already stopped it and a finalizer keeps
            // the object, or it was force-deleted before it ran. Nothing is left to run, and a
            // fresh runtime would report its stopped containers as ContainerCreating again.
            if pod.is_terminating() && pod.metadata.deletion_grace_period_seconds == Some(0) {
                return;
            }
            let sandbox = jitter(c, 600, 1_500);
            let accepted = c.now;
            let containers = pod
                .spec
                .containers
                .iter()
                .map(|ct| ContainerRt {
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
                })
                .collect();
            PodRuntime {
                key: key.clone(),
                node: node.clone(),
                accepted_at: accepted,
                sandbox_at: accepted.plus_ms(sandbox),
                ip: None,
                containers,
                empty_dirs: BTreeMap::new(),
                termination: None,
            }
        }
    };
    let mut events = Events::default();
    let now = c.now;
    let mut remove_now = false;

    if pod.is_terminating() {
        let deadline = pod.metadata.deletion_timestamp.unwrap_or(now);
        let mut t = match rt.termination.take() {
            Some(t) => t,
            None => {
                let mut stopped_at = now;
                for ctr in &mut rt.containers {
                    events.about(&ctr.name);
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
            for ctr in &mut rt.containers {
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
            remove_now = true;
        } else {
            let next = if now >= t.stopped_at {
                t.remove_at
            } else {
                t.stopped_at
            };
            c.schedule(next.since(now), Work::Kubelet(key.clone()));
        }
    } else {
        step_containers(c, &pod, &mut rt, &mut events);
    }

    // Report status.
    let status = build_status(c, &pod, &rt);
    let mut np = pod.clone();
    np.status = status;
    let written = c.put_existing(Object::Pod(Box::new(np)));
    let involved = written
        .map(|o| (*o).clone())
        .unwrap_or(Object::Pod(Box::new(pod.clone())));
    for (t, reason, msg, ctr) in events.list {
        let path = ctr.map(|n| format!("spec.containers{{{n}}}"));
        c.record_event_at(
            &involved,
            path.as_deref(),
            t,
            reason,
            &msg,
            "kubelet",
            Some(&node),
        );
    }
    if remove_now {
        if let Some(ip) = &rt.ip {
            c.kubelet.ips_in_use.remove(ip);
        }
        let _ = c.delete_inner(
            Kind::Pod,
            ns,
            name,
            &DeleteOptions {
                grace_period_seconds: Some(0),
                propagation: None,
            },
        );
        return;
    }
    c.kubelet.insert(uid, rt);
}

/// Moves every container along as far as the clock allows, and schedules the next wake-up.
fn step_containers(c: &mut Cluster, pod: &Pod, rt: &mut PodRuntime, events: &mut Events) {
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
        for i in 0..rt.containers.len() {
            let spec = pod.spec.containers.get(i).cloned().unwrap_or_default();
            let ctr = &mut rt.containers[i];
            events.about(&ctr.name);
            // Containers start in order: one waits until the one before it has started once.
            if !previous_started {
                break;
            }
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
                            .get(&rt.node)
                            .is_some_and(|s| s.contains(&canonical));
                        let policy = spec.image_pull_policy.as_deref().unwrap_or("IfNotPresent");
                        if present && policy != "Always" {
                            events.push((
                                "Normal",
                                "Pulled",
                                format!(
                                    "Container image \"{}\" already present on machine",
                                    ctr.image
                                ),
                            ));
                            let d = c.rng.between(200, 700);
                            ctr.phase = CPhase::Starting {
                                until: now.plus_ms(d),
                            };
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
                        let dur = match (&ok, images::lookup(&r)) {
                            (Ok(()), Some(img)) => {
                                img.size_bytes / PULL_BYTES_PER_MS + c.rng.between(600, 1_800)
                            }
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
                            wake(until, &mut next);
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
                                let size = images::lookup(&r).map_or(0, |i| i.size_bytes);
                                events.push(("Normal", "Pulled", format!("Successfully pulled image \"{}\" in {secs:.3}s ({secs:.3}s including waiting). Image size: {size} bytes.", ctr.image)));
                                c.kubelet
                                    .images
                                    .entry(rt.node.clone())
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
                            &mut next,
                        );
                        break;
                    }
                    CPhase::Starting { until } => {
                        if now < until {
                            wake(until, &mut next);
                            break;
                        }
                        let ip = rt.ip.clone().unwrap_or_default();
                        ctr.layer = new_layer(pod, &spec, &ip);
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
                            Process::Exits { after_ms, code } => {
                                Some((until.plus_ms(after_ms), code))
                            }
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
                                let restart = match restart_policy.as_str() {
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
                                        events.push(("Warning", "BackOff", format!("Back-off restarting failed container {} in pod {}_{}({})", ctr.name, pod.metadata.name, pod.metadata.namespace, pod.metadata.uid)));
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
                            wake(at, &mut next);
                        }
                        if ctr.killing {
                            break;
                        }
                        let ip = rt.ip.clone().unwrap_or_default();
                        if let Some(kind) =
                            run_probes(c, pod, &spec, &ip, ctr, since, now, &mut next, events)
                        {
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
                            wake(at, &mut next);
                        }
                        break;
                    }
                    CPhase::Exited { restart_at, .. } => {
                        match restart_at {
                            Some(at) if now >= at => {
                                ctr.restart_count += 1;
                                // `EnsureImageExists` runs again for the new container.
                                events.push((
                                    "Normal",
                                    "Pulled",
                                    format!(
                                        "Container image \"{}\" already present on machine",
                                        ctr.image
                                    ),
                                ));
                                let d = c.rng.between(150, 500);
                                ctr.phase = CPhase::Starting {
                                    until: now.plus_ms(d),
                                };
                                continue;
                            }
                            Some(at) => {
                                // The status flips from Completed/Error to CrashLoopBackOff shortly after the exit.
                                if let CPhase::Exited { finished, .. } = ctr.phase {
                                    let flip = finished.plus_ms(500);
                                    if now < flip && at > flip {
                                        wake(flip, &mut next);
                                    }
                                }
                                wake(at, &mut next)
                            }
                            None => {}
                        }
                        break;
                    }
                }
            }
            previous_started =
                rt.containers[i].is_running() || rt.containers[i].last_exit.is_some();
        }
    }
    if let Some(t) = next {
        c.schedule(t.since(now), Work::Kubelet(rt.key.clone()));
    }
}

/// The prober workers of one running container (`pkg/kubelet/prober/worker.go`). Each probe
/// runs on its grid, `initialDelaySeconds` after the start and then every `periodSeconds`.
/// A worker is woken only when its next tick could change something or report something: while
/// the verdict differs from the current result, or fails (each failure is an `Unhealthy`
/// event). A healthy container needs no timers; a file written through exec wakes the kubelet,
/// and the next tick on the grid sees it. Returns the probe that asks for a restart.
#[allow(clippy::too_many_arguments)]
fn run_probes(
    c: &Cluster,
    pod: &Pod,
    spec: &Container,
    ip: &str,
    ctr: &mut ContainerRt,
    since: Time,
    now: Time,
    next: &mut Option<Time>,
    events: &mut Events,
) -> Option<ProbeKind> {
    let mut wake = |t: Time| *next = Some(next.map_or(t, |n: Time| n.min(t)));
    // Startup: until it passes, readiness and liveness do not run.
    if !ctr.started {
        match &spec.startup_probe {
            None => ctr.started = true,
            Some(p) => {
                let verdict = probe_result(c, pod, spec, ctr, p, ip);
                if let Some(ok) = tick(p, since, now, &mut ctr.probes[0], verdict.is_ok()) {
                    if let Err(out) = &verdict {
                        events.push(unhealthy(ProbeKind::Startup, out));
                    }
                    if ok {
                        ctr.started = true;
                    } else if ctr.probes[0].fails >= threshold(p.failure_threshold, 3) {
                        return Some(ProbeKind::Startup);
                    }
                }
                if !ctr.started {
                    wake(next_tick(p, since, now));
                    return None;
                }
            }
        }
    }
    // Readiness: the container is ready after successThreshold passes in a row, unready after
    // failureThreshold failures.
    match &spec.readiness_probe {
        None => ctr.ready = true,
        Some(p) => {
            let verdict = probe_result(c, pod, spec, ctr, p, ip);
            let ok = verdict.is_ok();
            if tick(p, since, now, &mut ctr.probes[1], ok).is_some() {
                if let Err(out) = &verdict {
                    events.push(unhealthy(ProbeKind::Readiness, out));
                }
                let st = &ctr.probes[1];
                if ok && st.oks >= threshold(p.success_threshold, 1) {
                    ctr.ready = true;
                } else if !ok && st.fails >= threshold(p.failure_threshold, 3) {
                    ctr.ready = false;
                }
            }
            let awake = !(ok && ctr.ready);
            ctr.probes[1].asleep = !awake;
            if awake {
                wake(next_tick(p, since, now));
            }
        }
    }
    // Liveness: failureThreshold failures in a row restart the container.
    if let Some(p) = &spec.liveness_probe {
        let verdict = probe_result(c, pod, spec, ctr, p, ip);
        if tick(p, since, now, &mut ctr.probes[2], verdict.is_ok()).is_some() {
            if let Err(out) = &verdict {
                events.push(unhealthy(ProbeKind::Liveness, out));
                if ctr.probes[2].fails >= threshold(p.failure_threshold, 3) {
                    return Some(ProbeKind::Liveness);
                }
            }
        }
        let awake = verdict.is_err() || ctr.probes[2].fails > 0;
        ctr.probes[2].asleep = !awake;
        if awake {
            wake(next_tick(p, since, now));
        }
    }
    None
}

/// Runs the worker's due tick, if there is one, and returns its result. A worker that slept
/// (it sleeps only while the verdict passes and nothing has changed) saw a pass at the ticks
/// it slept through; a change wakes it, and the next tick sees the change.
fn tick(p: &Probe, since: Time, now: Time, st: &mut ProbeRt, ok: bool) -> Option<bool> {
    let at = due_tick(p, since, now, st)?;
    if st.asleep {
        st.asleep = false;
        record(st, at, true);
        return None;
    }
    record(st, at, ok);
    Some(ok)
}

fn threshold(v: Option<i32>, default: i32) -> u32 {
    v.unwrap_or(default).max(1) as u32
}

fn period_ms(p: &Probe) -> u64 {
    p.period_seconds.unwrap_or(10).max(1) as u64 * 1000
}

fn first_tick(p: &Probe, since: Time) -> Time {
    since.plus_ms(p.initial_delay_seconds.unwrap_or(0).max(0) as u64 * 1000)
}

/// The latest tick of the probe's grid at or before `now`, if the worker has not run it yet.
fn due_tick(p: &Probe, since: Time, now: Time, st: &ProbeRt) -> Option<Time> {
    let first = first_tick(p, since);
    if now < first {
        return None;
    }
    let period = period_ms(p);
    let at = first.plus_ms(now.since(first) / period * period);
    (st.last_tick.is_none_or(|t| at > t)).then_some(at)
}

/// The first tick of the grid after `now` (or the first tick, before the initial delay).
fn next_tick(p: &Probe, since: Time, now: Time) -> Time {
    let first = first_tick(p, since);
    if now < first {
        return first;
    }
    let period = period_ms(p);
    first.plus_ms((now.since(first) / period + 1) * period)
}

/// Counts a probe result at tick `at`.
fn record(st: &mut ProbeRt, at: Time, ok: bool) {
    if ok {
        st.oks = st.oks.saturating_add(1);
        st.fails = 0;
    } else {
        st.fails = st.fails.saturating_add(1);
        st.oks = 0;
    }
    st.last_tick = Some(at);
}

fn unhealthy(kind: ProbeKind, output: &str) -> (&'static str, &'static str, String) {
    (
        "Warning",
        "Unhealthy",
        format!("{} probe failed: {}", kind.title(), output.trim_end())
            .trim_end()
            .to_string(),
    )
}

/// The port a probe names: a number, or the name of one of the container's ports.
fn probe_port(port: Option<&serde_json::Value>, spec: &Container) -> i64 {
    match port {
        Some(serde_json::Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(serde_json::Value::String(name)) => spec
            .ports
            .iter()
            .find(|p| p.name.as_deref() == Some(name.as_str()))
            .map_or(0, |p| p.container_port as i64),
        _ => 0,
    }
}

/// The ports the container's main process listens on.
fn listening_ports(ctr: &ContainerRt) -> &'static [i64] {
    if matches!(ctr.process, Process::WebServer { .. }) {
        return &[80];
    }
    if !ctr.is_running() || !matches!(ctr.process, Process::Runs { .. }) {
        return &[];
    }
    let name = ImageRef::parse(&ctr.image)
        .and_then(|r| images::lookup(&r))
        .map_or("", |i| i.name);
    match name.rsplit('/').next().unwrap_or("") {
        "redis" => &[6379],
        "postgres" => &[5432],
        "mysql" => &[3306, 33060],
        _ => &[],
    }
}

/// One probe against the container as it is now: `Err` carries the prober's output, as the
/// `Unhealthy` event quotes it (`prober.go`, `http.go`, `tcp.go`, the exec probe's output).
fn probe_result(
    c: &Cluster,
    pod: &Pod,
    spec: &Container,
    ctr: &ContainerRt,
    probe: &Probe,
    ip: &str,
) -> Result<(), String> {
    if let Some(h) = &probe.http_get {
        let port = probe_port(Some(&h.port), spec);
        let path = h.path.clone().unwrap_or_else(|| "/".into());
        let scheme = h.scheme.as_deref().unwrap_or("HTTP").to_lowercase();
        let url = format!("{scheme}://{ip}:{port}{path}");
        let root = match ctr.process {
            Process::WebServer { root } if listening_ports(ctr).contains(&port) => root,
            _ => {
                return Err(format!(
                    "Get \"{url}\": dial tcp {ip}:{port}: connect: connection refused"
                ))
            }
        };
        let file = if path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path
        };
        return match read_container_file(c, pod, spec, ctr, &format!("{root}{file}")) {
            Some(true) => Ok(()),
            _ => Err("HTTP probe failed with statuscode: 404".into()),
        };
    }
    if let Some(t) = &probe.tcp_socket {
        let port = probe_port(t.get("port"), spec);
        let host = t.get("host").and_then(|h| h.as_str()).unwrap_or(ip);
        return if listening_ports(ctr).contains(&port) {
            Ok(())
        } else {
            Err(format!(
                "dial tcp {host}:{port}: connect: connection refused"
            ))
        };
    }
    if let Some(e) = &probe.exec {
        let busybox = ImageRef::parse(&ctr.image)
            .and_then(|r| images::lookup(&r))
            .is_some_and(|i| {
                matches!(
                    i.kind,
                    images::ImageKind::Busybox | images::ImageKind::Alpine
                ) || i.name.ends_with("httpd")
            });
        let mut argv: Vec<&str> = e.command.iter().map(String::as_str).collect();
        // `sh -c "cat /tmp/healthy"`: a one-command script is that command.
        if let [sh, "-c", script] = argv.as_slice() {
            if matches!(*sh, "sh" | "/bin/sh" | "bash" | "/bin/bash")
                && !script.contains([';', '&', '|', '$', '\'', '"', '>', '<'])
            {
                argv = script.split_whitespace().collect();
            }
        }
        return match argv.as_slice() {
            ["cat", path] => match read_container_file(c, pod, spec, ctr, path) {
                Some(true) => Ok(()),
                Some(false) if busybox => Err("cat: read error: Is a directory".to_string()),
                Some(false) => Err(format!("cat: {path}: Is a directory")),
                None if busybox => Err(format!(
                    "cat: can't open '{path}': No such file or directory"
                )),
                None => Err(format!("cat: {path}: No such file or directory")),
            },
            ["ls", path] | ["stat", path] => match read_container_file(c, pod, spec, ctr, path) {
                Some(_) => Ok(()),
                None if busybox => Err(format!("{}: {path}: No such file or directory", argv[0])),
                None => Err(format!(
                    "{}: cannot {} '{path}': No such file or directory",
                    argv[0],
                    if argv[0] == "ls" { "access" } else { "statx" }
                )),
            },
            ["test", "-f", path] => match read_container_file(c, pod, spec, ctr, path) {
                Some(true) => Ok(()),
                _ => Err(String::new()),
            },
            ["test", "-e", path] => match read_container_file(c, pod, spec, ctr, path) {
                Some(_) => Ok(()),
                None => Err(String::new()),
            },
            ["false"] | ["exit", "1"] | ["sh", "-c", "exit 1"] => Err(String::new()),
            _ => Ok(()),
        };
    }
    Ok(())
}

/// `Some(is_file)` if the path exists as the container sees it.
fn read_container_file(
    c: &Cluster,
    pod: &Pod,
    spec: &Container,
    ctr: &ContainerRt,
    path: &str,
) -> Option<bool> {
    let path = crate::fs::normalise(path);
    let mut best: Option<(&str, &Tree, String)> = None;
    for m in &spec.volume_mounts {
        let mp = crate::fs::normalise(&m.mount_path);
        let inside = path == mp || path.starts_with(&format!("{}/", mp.trim_end_matches('/')));
        if inside && best.as_ref().is_none_or(|(b, _, _)| mp.len() > b.len()) {
            if let Some(tree) = volume_tree(c, pod, &m.name) {
                let rest = path[mp.len()..].to_string();
                best = Some((m.mount_path.as_str(), tree, rest));
            }
        }
    }
    let entry = match &best {
        Some((_, tree, rest)) => tree.get(rest).cloned(),
        None => ctr.layer.get(&path).cloned(),
    };
    entry.map(|e| matches!(e, crate::fs::Entry::File(_)))
}

/// The directory tree backing a pod volume, if it is one the simulation stores.
pub(crate) fn volume_tree<'a>(c: &'a Cluster, pod: &Pod, volume: &str) -> Option<&'a Tree> {
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

fn build_status(c: &Cluster, pod: &Pod, rt: &PodRuntime) -> PodStatus {
    let now = c.now;
    let old = &pod.status;
    let mut s = old.clone();
    let node = c.get_as::<Node>("", &rt.node);
    let host_ip = node.and_then(|n| n.internal_ip()).map(str::to_string);
    s.host_ip = host_ip.clone();
    s.host_ips = host_ip.into_iter().map(|ip| PodIp { ip }).collect();
    s.start_time.get_or_insert(rt.accepted_at);
    if let Some(ip) = &rt.ip {
        if now >= rt.sandbox_at {
            s.pod_ip = Some(ip.clone());
            s.pod_ips = vec![PodIp { ip: ip.clone() }];
        }
    }
    let restart_policy = pod.spec.restart_policy.as_deref().unwrap_or("Always");
    let mut statuses = Vec::new();
    for (i, ctr) in rt.containers.iter().enumerate() {
        let spec = pod.spec.containers.get(i);
        let r = ImageRef::parse(&ctr.image);
        let mut st = ContainerStatus {
            name: ctr.name.clone(),
            image: r.as_ref().map_or(ctr.image.clone(), |r| r.canonical()),
            image_id: String::new(),
            ready: ctr.ready,
            restart_count: ctr.restart_count,
            started: Some(false),
            ..Default::default()
        };
        if !ctr.container_id.is_empty() {
            st.container_id = Some(ctr.container_id.clone());
            st.image_id = r.as_ref().map_or(String::new(), image_id);
        }
        let waiting = |reason: &str, message: Option<String>| ContainerState {
            waiting: Some(ContainerStateWaiting {
                reason: Some(reason.into()),
                message,
            }),
            ..Default::default()
        };
        st.state = match &ctr.phase {
            // A retry after a failed pull keeps showing the back-off until it succeeds.
            CPhase::Created | CPhase::Pulling { .. } if ctr.pull_backoff_ms > 0 => waiting(
                "ImagePullBackOff",
                Some(format!("Back-off pulling image \"{}\"", ctr.image)),
            ),
            CPhase::Created | CPhase::Pulling { .. } | CPhase::Starting { .. } => {
                waiting("ContainerCreating", None)
            }
            CPhase::InvalidImage { message } => waiting(
                if message.contains("Never") {
                    "ErrImageNeverPull"
                } else {
                    "InvalidImageName"
                },
                Some(message.clone()),
            ),
            CPhase::PullFailed {
                backoff_at,
                message,
                ..
            } => {
                if now >= *backoff_at {
                    waiting(
                        "ImagePullBackOff",
                        Some(format!(
                            "Back-off pulling image \"{}\": ErrImagePull: {message}",
                            ctr.image
                        )),
                    )
                } else {
                    waiting("ErrImagePull", Some(message.clone()))
                }
            }
            CPhase::Running { since, .. } => {
                st.started = Some(ctr.started);
                ContainerState {
                    running: Some(ContainerStateRunning {
                        started_at: Some(*since),
                    }),
                    ..Default::default()
                }
            }
            CPhase::Exited {
                code,
                started,
                finished,
                restart_at,
            } => {
                let term = ContainerStateTerminated {
                    exit_code: *code,
                    reason: Some(if *code == 0 { "Completed" } else { "Error" }.into()),
                    started_at: Some(*started),
                    finished_at: Some(*finished),
                    container_id: (!ctr.container_id.is_empty()).then(|| ctr.container_id.clone()),
                    ..Default::default()
                };
                match restart_at {
                    Some(at)
                        if at.since(*finished) >= BACKOFF_START_MS
                            && now >= finished.plus_ms(500) =>
                    {
                        st.last_state = ContainerState {
                            terminated: Some(term),
                            ..Default::default()
                        };
                        let msg = format!(
                            "back-off {}s restarting failed container={} pod={}_{}({})",
                            at.since(*finished) / 1000,
                            ctr.name,
                            pod.metadata.name,
                            pod.metadata.namespace,
                            pod.metadata.uid
                        );
                        waiting("CrashLoopBackOff", Some(msg))
                    }
                    _ => ContainerState {
                        terminated: Some(term),
                        ..Default::default()
                    },
                }
            }
        };
        if st.last_state.is_empty() && !matches!(ctr.phase, CPhase::Exited { .. }) {
            if let Some((code, started, finished)) = ctr.last_exit {
                let reason = if ctr.killed_with_node {
                    "Unknown"
                } else if code == 0 {
                    "Completed"
                } else {
                    "Error"
                };
                st.last_state = ContainerState {
                    terminated: Some(ContainerStateTerminated {
                        exit_code: code,
                        reason: Some(reason.into()),
                        started_at: Some(started),
                        finished_at: Some(finished),
                        ..Default::default()
                    }),
                    ..Default::default()
                };
            }
        }
        let _ = spec;
        statuses.push(st);
    }
    let all_ready = !rt.containers.is_empty() && rt.containers.iter().all(|c| c.ready);
    let any_running = rt.containers.iter().any(|c| c.is_running());
    let all_exited = rt.containers.iter().all(|c| {
        matches!(
            c.phase,
            CPhase::Exited {
                restart_at: None,
                ..
            }
        )
    });
    let ever_started = rt.containers.iter().all(|c| {
        c.is_running() || c.last_exit.is_some() || matches!(c.phase, CPhase::Exited { .. })
    });
    let phase = if pod.is_terminating() {
        old.phase.clone().unwrap_or_else(|| "Pending".into())
    } else if all_exited && restart_policy != "Always" {
        let failed = rt
            .containers
            .iter()
            .any(|c| matches!(c.phase, CPhase::Exited { code, .. } if code != 0));
        if failed { "Failed" } else { "Succeeded" }.to_string()
    } else if ever_started && (any_running || rt.containers.iter().any(|c| c.last_exit.is_some())) {
        "Running".into()
    } else {
        "Pending".into()
    };
    s.phase = Some(phase.clone());
    s.container_statuses = statuses;
    let unready: Vec<&str> = rt
        .containers
        .iter()
        .filter(|c| !c.ready)
        .map(|c| c.name.as_str())
        .collect();
    let sandbox =
        now >= rt.sandbox_at && rt.termination.as_ref().is_none_or(|t| now < t.stopped_at);
    let terminal = phase == "Succeeded" || phase == "Failed";
    let conds = [
        ("PodReadyToStartContainers", sandbox, None),
        ("Initialized", true, None),
        (
            "Ready",
            all_ready,
            if terminal {
                Some("PodCompleted")
            } else {
                Some("ContainersNotReady")
            },
        ),
        (
            "ContainersReady",
            all_ready,
            if terminal {
                Some("PodCompleted")
            } else {
                Some("ContainersNotReady")
            },
        ),
        ("PodScheduled", true, None),
    ];
    let mut conditions = Vec::new();
    for (t, ok, reason) in conds {
        let status = if ok { "True" } else { "False" };
        let prev = old.conditions.iter().find(|c| c.type_ == t);
        let since = match prev {
            Some(p) if p.status == status => p.last_transition_time,
            _ => Some(now),
        };
        let (reason, message) = if ok || t == "PodReadyToStartContainers" || t == "Initialized" {
            (None, None)
        } else if terminal {
            (reason.map(String::from), None)
        } else {
            (
                reason.map(String::from),
                Some(format!(
                    "containers with unready status: [{}]",
                    unready.join(" ")
                )),
            )
        };
        conditions.push(PodCondition {
            type_: t.into(),
            status: status.into(),
            last_probe_time: None,
            last_transition_time: since,
            reason,
            message,
        });
    }
    s.conditions = conditions;
    s
}

/// The node's machine stopped: every container on it dies where it stands. Nobody reports it
/// until the kubelet is back.
pub(crate) fn node_stopped(c: &mut Cluster, node: &str) {
    let now = c.now;
    for rt in c.kubelet.pods.values_mut().filter(|rt| rt.node == node) {
        for ctr in &mut rt.containers {
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
                    _ => {}
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
        c.enqueue(Work::Kubelet(key));
    }
}

/// Re-evaluates a pod after something changed inside its containers (a file written by exec).
pub(crate) fn poke(c: &mut Cluster, ns: &str, name: &str) {
    c.enqueue(Work::Kubelet((ns.to_string(), name.to_string())));
}
