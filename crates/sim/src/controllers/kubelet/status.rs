//! The pod status the kubelet reports: container states, restart counts, readiness, the pod's
//! phase and conditions, from the runtime as it is now.

use super::containers::{image_id, BACKOFF_START_MS};
use super::{CPhase, ContainerRt, PodRuntime};
use crate::api::*;
use crate::cluster::Cluster;
use crate::images::ImageRef;
use crate::time::Time;

pub(super) fn build_status(c: &Cluster, pod: &Pod, rt: &PodRuntime) -> PodStatus {
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
    let statuses = rt
        .containers
        .iter()
        .map(|ctr| container_status(now, pod, ctr))
        .collect();
    // The prober reports readiness and startup for app and init containers only: an
    // ephemeral container is never ready, and never counted in the pod's READY.
    s.ephemeral_container_statuses = rt
        .ephemeral
        .iter()
        .map(|ctr| ContainerStatus {
            ready: false,
            started: Some(false),
            ..container_status(now, pod, ctr)
        })
        .collect();
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

/// The status of one container, from its runtime.
fn container_status(now: Time, pod: &Pod, ctr: &ContainerRt) -> ContainerStatus {
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
                    if at.since(*finished) >= BACKOFF_START_MS && now >= finished.plus_ms(500) =>
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
    st
}
