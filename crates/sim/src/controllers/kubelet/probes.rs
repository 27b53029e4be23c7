//! The prober workers of a running container (`pkg/kubelet/prober`): startup, readiness and
//! liveness probes on their tick grids, and what each kind of probe sees (HTTP, TCP, exec).

use super::containers::volume_tree;
use super::{ContainerRt, Events};
use crate::api::*;
use crate::cluster::Cluster;
use crate::fs::Tree;
use crate::images::{self, ImageRef, Process};
use crate::time::Time;

/// The three probes, as indices into [`ContainerRt::probes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ProbeKind {
    Startup = 0,
    Readiness = 1,
    Liveness = 2,
}

impl ProbeKind {
    /// `probeType.String()`, as the kubelet's events say it.
    pub(super) fn title(self) -> &'static str {
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

/// The prober workers of one running container (`pkg/kubelet/prober/worker.go`). Each probe
/// runs on its grid, `initialDelaySeconds` after the start and then every `periodSeconds`.
/// A worker is woken only when its next tick could change something or report something: while
/// the verdict differs from the current result, or fails (each failure is an `Unhealthy`
/// event). A healthy container needs no timers; a file written through exec wakes the kubelet,
/// and the next tick on the grid sees it. Returns the probe that asks for a restart.
#[allow(clippy::too_many_arguments)]
pub(super) fn run_probes(
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
