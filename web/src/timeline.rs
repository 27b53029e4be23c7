//! What the timeline under the top bar shows: the session's inputs along simulated time, the
//! cluster's notable moments (a pod Ready, a claim Bound, a rollout complete), where the page
//! is looking, and the kept branches. The snapshots and branches themselves are the engine's
//! (`Engine::at`, `Engine::branch_to`, `Engine::switch_to`).

use crate::controls::clock_text;
use crate::engine::{Branch, Engine, Op, Recorded};
use ordinal_sim::api::{Kind, Object};
use ordinal_sim::Cluster;
use std::rc::Rc;

/// One input on the timeline.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Input {
    pub at: u64,
    /// What it was, as the page says it (`kubectl scale sts web --replicas=5`).
    pub label: Rc<str>,
    /// Its sort, for the mark's look: `line`, `button`, `manifest`, `reset`, `other`.
    pub kind: std::borrow::Cow<'static, str>,
}

/// A notable moment of the cluster.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mark {
    pub at: u64,
    pub text: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TimelineView {
    pub inputs: Vec<Input>,
    pub marks: Rc<Vec<Mark>>,
    /// The time of the first input (or now) and now: the span drawn.
    pub start: u64,
    pub now: u64,
    /// The position shown: input `pos` about to be taken, or `inputs.len()` for now.
    pub pos: usize,
    /// Looking at an earlier moment (the page shows the past, read-only until it branches).
    pub scrubbed: bool,
    /// On a branch made by "Branch here": the latest line is kept to return to.
    pub on_branch: bool,
    /// The kept branches, as the page names them.
    pub branches: Vec<String>,
}

/// How the page names an input.
pub fn label(op: &Op) -> (String, &'static str) {
    match op {
        Op::Line(l) => (format!("$ {l}"), "line"),
        Op::Kubectl(a) => (format!("kubectl {}", a.join(" ")), "button"),
        Op::Manifest(_) => ("The editor's web.yaml changed".into(), "manifest"),
        Op::Interrupt => ("Ctrl-C".into(), "other"),
        Op::Reset(_) => ("Reset lesson: a fresh cluster".into(), "reset"),
        Op::EditClosed(Some(_)) => ("kubectl edit: saved".into(), "other"),
        Op::EditClosed(None) => ("kubectl edit: cancelled".into(), "other"),
    }
}

/// A kept branch's name: where it leaves this line and what it does then.
pub fn branch_name(b: &Branch, line: &[Recorded]) -> String {
    let shared = b.ops.iter().zip(line).take_while(|(a, b)| a == b).count();
    let from = b.ops.get(shared).map_or(b.now, |r| r.at);
    let what = match b.ops.get(shared..).unwrap_or(&[]) {
        [] => "no inputs after".to_string(),
        [one] => label(&one.op).0,
        [first, rest @ ..] => format!("{} and {} more", label(&first.op).0, rest.len()),
    };
    format!("From {}: {what}", clock_text(from / 1000))
}

/// Most notable moments marked (the latest).
pub const MAX_MARKS: usize = 200;

/// The timeline of `live` (the session), looking at `pos` (`None`: now), with `marks` (see
/// [`notable`]).
pub fn view(live: &Engine, pos: Option<usize>, marks: Rc<Vec<Mark>>) -> TimelineView {
    let record = live.record();
    let now = live.cluster.now().0;
    let inputs = record
        .iter()
        .map(|r| {
            let (label, kind) = label(&r.op);
            Input {
                at: r.at,
                label: label.into(),
                kind: kind.into(),
            }
        })
        .collect();
    TimelineView {
        inputs,
        marks,
        start: record.first().map_or(now, |r| r.at).min(now),
        now,
        pos: pos.unwrap_or(record.len()).min(record.len()),
        scrubbed: pos.is_some(),
        on_branch: live.latest.is_some(),
        branches: live
            .branches
            .iter()
            .map(|b| branch_name(b, record))
            .collect(),
    }
}

/// The cluster's notable moments that its objects still show: each pod's Ready, each claim's
/// provisioning (Bound), each workload's completed rollout. Sorted by time, the latest
/// [`MAX_MARKS`].
pub fn notable(c: &Cluster, ns: &str) -> Vec<Mark> {
    let mut marks = Vec::new();
    let store = c.store();
    let mut ready_at = std::collections::BTreeMap::new();
    for o in store.list(Kind::Pod, Some(ns)) {
        let Object::Pod(p) = &**o else { continue };
        let ready = p
            .status
            .conditions
            .iter()
            .find(|c| c.type_ == "Ready" && c.status == "True")
            .and_then(|c| c.last_transition_time);
        if let Some(t) = ready {
            marks.push(Mark {
                at: t.0,
                text: format!("pod {} Ready", p.metadata.name),
            });
            for owner in &p.metadata.owner_references {
                let e = ready_at.entry(owner.name.clone()).or_insert(0);
                *e = t.0.max(*e);
            }
        }
    }
    for o in store.list(Kind::Event, Some(ns)) {
        let Object::Event(e) = &**o else { continue };
        if e.reason.as_deref() == Some("ProvisioningSucceeded") {
            if let Some(t) = e.first_timestamp.or(e.event_time) {
                marks.push(Mark {
                    at: t.0,
                    text: format!(
                        "claim {} Bound",
                        e.involved_object.name.as_deref().unwrap_or("")
                    ),
                });
            }
        }
    }
    for o in store.list(Kind::StatefulSet, Some(ns)) {
        let Object::StatefulSet(s) = &**o else {
            continue;
        };
        let want = s.spec.replicas.unwrap_or(1);
        let st = &s.status;
        let done = want > 0
            && st.ready_replicas == want
            && st.updated_replicas == want
            && st.current_revision == st.update_revision;
        if let (true, Some(t)) = (done, ready_at.get(&s.metadata.name)) {
            marks.push(Mark {
                at: *t,
                text: format!("statefulset {} rollout complete", s.metadata.name),
            });
        }
    }
    for o in store.list(Kind::Deployment, Some(ns)) {
        let Object::Deployment(d) = &**o else {
            continue;
        };
        let done = d
            .status
            .conditions
            .iter()
            .find(|c| c.type_ == "Progressing" && c.reason == "NewReplicaSetAvailable");
        if let Some(t) = done.and_then(|c| c.last_update_time) {
            marks.push(Mark {
                at: t.0,
                text: format!("deployment {} rollout complete", d.metadata.name),
            });
        }
    }
    ordinal_sim::sort::sort_by_key(&mut marks, |m| m.at);
    let extra = marks.len().saturating_sub(MAX_MARKS);
    marks.drain(..extra);
    marks
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tutorial's set: each pod's Ready, each claim Bound and the rollout are marked, at
    /// the times the objects say.
    #[test]
    fn notable_moments_of_the_tutorial() {
        let mut e = Engine::new();
        e.sync_manifest(ordinal_kubectl::manifests::K8S_IO_WEB_YAML);
        e.kubectl(&["apply", "-f", "web.yaml"]);
        e.advance_to(e.cluster.now().0 + 120_000);
        let marks = notable(&e.cluster, "default");
        let texts: Vec<&str> = marks.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "claim www-web-0 Bound",
                "pod web-0 Ready",
                "claim www-web-1 Bound",
                "pod web-1 Ready",
                "statefulset web rollout complete"
            ]
        );
        assert!(marks.windows(2).all(|w| w[0].at <= w[1].at));
        let v = view(&e, None, Rc::new(marks));
        assert_eq!(v.pos, 2);
        assert_eq!(&*v.inputs[1].label, "kubectl apply -f web.yaml");
        assert!(!v.scrubbed && !v.on_branch && v.branches.is_empty());
    }
}
