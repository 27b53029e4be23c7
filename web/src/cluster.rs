//! The cluster view: each StatefulSet with its replicas slider and the controller's waiting
//! line, its ordinals in order (pod ─ claim ─ volume with its files); each Deployment with its
//! slider, its ReplicaSets (old ones marked) and their pods by generated name; a ReplicaSet no
//! Deployment controls as its own group with its pods; pods and claims
//! outside any workload, and the Services with the names they resolve. Every card has its own
//! snapshot. An object that waits says why on its card (`WhyNote`: a compact line, and on hover
//! or keyboard focus what the terminal's `why` prints).

use crate::view_model::{
    ClaimView, ClusterView, DeploymentView, PodView, ReplicaSetView, RowView, ServiceView, SetView,
    WhyView,
};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub cluster: Rc<ClusterView>,
    /// The terminal can take a command (no watch running, no shell attached).
    pub terminal_free: bool,
    /// `kubectl scale KIND NAME --replicas=N` (KIND `sts` or `deploy`).
    pub on_scale: Callback<(String, String, i32)>,
    pub on_delete: Callback<String>,
    pub on_shell: Callback<String>,
    /// Types lines into the terminal (a node's stop/start).
    pub on_run: Callback<Vec<String>>,
}

#[function_component(ClusterPanel)]
pub fn cluster_panel(p: &Props) -> Html {
    let c = &p.cluster;
    let empty = c.sets.is_empty()
        && c.deployments.is_empty()
        && c.replica_sets.is_empty()
        && c.other_pods.is_empty()
        && c.other_claims.is_empty();
    html! {
        <section class="panel cluster-panel" aria-labelledby="cluster-title">
            <div class="panel-head">
                <h2 id="cluster-title">{ "Cluster" }<span class="ns">{ " namespace default" }</span></h2>
                <ul class="nodes" aria-label="Nodes">
                    { for c.nodes.iter().map(|n| {
                        let verb = if n.running { "stop" } else { "start" };
                        let line = format!("docker {verb} {}", n.name);
                        let run = p.on_run.reform(move |_: MouseEvent| vec![line.clone()]);
                        html! {
                            <li key={n.name.clone()} class={classes!((!n.ready).then_some("not-ready"))}
                                data-node={n.name.clone()} data-status={n.status.clone()}
                                title={format!("kubectl get nodes: {}", n.status)}>
                                { n.name.clone() }
                                if n.status != "Ready" { <span class="node-status">{ format!(" {}", n.status) }</span> }
                                if !n.control_plane {
                                    <button type="button" class="linkish node-power" onclick={run}
                                        disabled={!p.terminal_free}
                                        aria-label={format!("{} node {}", if n.running { "Stop" } else { "Start" }, n.name)}
                                        title={format!("docker {verb} {}: the node's container {}", n.name,
                                            if n.running { "stops, as if the machine failed" } else { "starts again" })}>
                                        { if n.running { "stop" } else { "start" } }
                                    </button>
                                }
                            </li>
                        }
                    }) }
                </ul>
            </div>
            <div class="cluster-scroll" tabindex="0" role="region" aria-label="Cluster objects">
                if c.sets.is_empty() && c.deployments.is_empty() {
                    <Replicas target={None::<ScaleTarget>} on_scale={p.on_scale.clone()} />
                }
                if empty {
                    <div class="empty">
                        <p class="empty-lead">{ "Nothing runs here yet." }</p>
                        <ol>
                            <li>{ "The editor starts with the lesson's web.yaml: a headless Service and a StatefulSet whose image is in a private registry. Press " }<strong>{ "Apply" }</strong>{ "." }</li>
                            <li>{ "Watch web-0 fail to pull its image, then create the registry secret from the terminal." }</li>
                            <li>{ "See web-0 become Ready before web-1 is created; scale with the slider; delete a pod and watch it return to the same claim." }</li>
                        </ol>
                    </div>
                }
                { for c.sets.iter().map(|s| html! {
                    <SetCard
                        key={s.name.clone()}
                        set={s.clone()}
                        terminal_free={p.terminal_free}
                        on_scale={p.on_scale.clone()}
                        on_delete={p.on_delete.clone()}
                        on_shell={p.on_shell.clone()}
                    />
                }) }
                { for c.deployments.iter().map(|d| html! {
                    <DeploymentCard
                        key={format!("deploy-{}", d.name)}
                        deployment={d.clone()}
                        terminal_free={p.terminal_free}
                        on_scale={p.on_scale.clone()}
                        on_delete={p.on_delete.clone()}
                        on_shell={p.on_shell.clone()}
                    />
                }) }
                { for c.replica_sets.iter().map(|rs| html! {
                    <ReplicaSetCard
                        key={format!("rs-{}", rs.name)}
                        rs={rs.clone()}
                        standalone={true}
                        terminal_free={p.terminal_free}
                        on_delete={p.on_delete.clone()}
                        on_shell={p.on_shell.clone()}
                    />
                }) }
                if !c.other_pods.is_empty() {
                    <section class="group" aria-labelledby="other-pods-title">
                        <h3 id="other-pods-title">{ "Pods outside any StatefulSet or Deployment" }</h3>
                        <ol class="ordinals">
                            { for c.other_pods.iter().map(|r| html! {
                                <Row key={r.key.clone()} row={r.clone()} terminal_free={p.terminal_free}
                                    on_delete={p.on_delete.clone()} on_shell={p.on_shell.clone()} />
                            }) }
                        </ol>
                    </section>
                }
                if !c.other_claims.is_empty() {
                    <section class="group" aria-labelledby="other-claims-title">
                        <h3 id="other-claims-title">{ "Claims no StatefulSet uses" }</h3>
                        <p class="hint">{ "PersistentVolumeClaims outlive their pods and sets: delete them to free the volume." }</p>
                        <ul class="claims-loose">
                            { for c.other_claims.iter().map(|cl| html! { <li key={cl.name.clone()}><ClaimCard claim={cl.clone()} /></li> }) }
                        </ul>
                    </section>
                }
                { for c.services.iter().map(|s| html! { <ServiceCard key={s.name.clone()} service={s.clone()} /> }) }
                <p class="lesson-link">
                    <a href="#/lessons/basics">{ "Follow the StatefulSet lesson step by step" }</a>
                    { ", with checks that turn green as the cluster gets there." }
                </p>
            </div>
        </section>
    }
}

/// What a Replicas slider scales: `kubectl scale KIND NAME`, and the counts it shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScaleTarget {
    /// `sts` or `deploy`, as typed after `kubectl scale`.
    pub kind: &'static str,
    pub name: String,
    pub desired: i32,
    pub current: i32,
    pub ready: i32,
}

impl ScaleTarget {
    fn of_set(s: &SetView) -> ScaleTarget {
        ScaleTarget {
            kind: "sts",
            name: s.name.clone(),
            desired: s.desired,
            current: s.current,
            ready: s.ready_replicas,
        }
    }
    fn of_deployment(d: &DeploymentView) -> ScaleTarget {
        ScaleTarget {
            kind: "deploy",
            name: d.name.clone(),
            desired: d.desired,
            current: d.current,
            ready: d.ready_replicas,
        }
    }
}

#[derive(Properties, PartialEq)]
struct ReplicasProps {
    target: Option<ScaleTarget>,
    on_scale: Callback<(String, String, i32)>,
}

/// The Replicas slider: `kubectl scale sts|deploy NAME --replicas=N` on release (or per arrow
/// key).
#[function_component(Replicas)]
fn replicas(p: &ReplicasProps) -> Html {
    // While dragging, the value under the thumb; the workload's desired count otherwise.
    let dragging = use_state(|| None::<i32>);
    let desired = p.target.as_ref().map_or(0, |s| s.desired);
    let value = dragging.unwrap_or(desired);
    let max = desired.max(10);
    let oninput = {
        let dragging = dragging.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                dragging.set(i.value().parse().ok());
            }
        })
    };
    let onchange = {
        let dragging = dragging.clone();
        let on_scale = p.on_scale.clone();
        let target = p.target.as_ref().map(|s| (s.kind, s.name.clone()));
        Callback::from(move |e: Event| {
            let v = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                .and_then(|i| i.value().parse::<i32>().ok());
            if let (Some((kind, name)), Some(v)) = (target.clone(), v) {
                on_scale.emit((kind.to_string(), name, v));
            }
            dragging.set(None);
        })
    };
    let id = p.target.as_ref().map_or("replicas-none".to_string(), |s| {
        format!("replicas-{}-{}", s.kind, s.name)
    });
    let note_id = format!("{id}-note");
    html! {
        <div class={classes!("replicas", p.target.is_none().then_some("disabled"))}>
            <label for={id.clone()} class="replicas-label">{ "Replicas" }</label>
            <input
                id={id.clone()}
                type="range"
                min="0"
                max={max.to_string()}
                step="1"
                value={value.to_string()}
                disabled={p.target.is_none()}
                aria-describedby={note_id.clone()}
                aria-valuetext={format!("{value} replicas")}
                {oninput}
                {onchange}
            />
            <output class="replicas-value" for={id}>{ value }</output>
            <span class="replicas-note" id={note_id}>
                { match &p.target {
                    None => html! { { "No StatefulSet or Deployment to scale: Apply a manifest first." } },
                    Some(s) => html! {
                        <>
                            { "desired " }<strong>{ s.desired }</strong>
                            { " · current " }<strong>{ s.current }</strong>
                            { " · ready " }<strong>{ s.ready }</strong>
                        </>
                    },
                } }
            </span>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct SetProps {
    set: Rc<SetView>,
    terminal_free: bool,
    on_scale: Callback<(String, String, i32)>,
    on_delete: Callback<String>,
    on_shell: Callback<String>,
}

fn short_rev(r: &str) -> String {
    if r.is_empty() {
        "–".into()
    } else {
        r.to_string()
    }
}

#[function_component(SetCard)]
fn set_card(p: &SetProps) -> Html {
    let s = &p.set;
    let title_id = format!("sts-{}", s.name);
    let same_rev = s.current_revision == s.update_revision;
    html! {
        <section class="set" aria-labelledby={title_id.clone()} data-statefulset={s.name.clone()}>
            <header class="set-head">
                <h3 id={title_id}>
                    <span class="kind">{ "StatefulSet" }</span>{ " " }{ s.name.clone() }
                </h3>
                <dl class="facts">
                    <div><dt>{ "READY" }</dt><dd class="ready-count">{ s.ready.clone() }</dd></div>
                    <div><dt>{ "podManagementPolicy" }</dt><dd>{ s.policy.clone() }</dd></div>
                    <div><dt>{ "serviceName" }</dt><dd>{ s.service_name.clone() }</dd></div>
                    <div>
                        <dt>{ "updateStrategy" }</dt>
                        <dd>
                            { s.strategy.clone() }
                            if let Some(n) = s.partition { { format!(", partition {n}") } }
                        </dd>
                    </div>
                    <div>
                        <dt>{ if same_rev { "revision" } else { "current → update revision" } }</dt>
                        <dd class="mono">
                            { short_rev(&s.current_revision) }
                            if !same_rev { { " → " }{ short_rev(&s.update_revision) } }
                        </dd>
                    </div>
                </dl>
            </header>
            <Replicas target={Some(ScaleTarget::of_set(s))} on_scale={p.on_scale.clone()} />
            if let Some(w) = &s.why {
                <WhyNote id={format!("why-sts-{}", s.name)} why={w.clone()} label="Controller: "
                    class="waiting" line={s.waiting.clone()} />
            } else {
                <p class={classes!("waiting", s.waiting.is_none().then_some("idle"))} aria-live="polite">
                    <span class="waiting-label">{ "Controller: " }</span>
                    { s.waiting.clone().unwrap_or_else(|| if s.deleting { "deleting the set".into() } else { "nothing to wait for".into() }) }
                </p>
            }
            <ol class="ordinals" aria-label={format!("Ordinals of {}", s.name)}>
                { for s.rows.iter().map(|r| {
                    // The partition as a line between the ordinals it holds back and the rest.
                    let line = s.partition.filter(|n| r.ordinal == Some(*n)).map(|n| html! {
                        <li key={format!("partition-{n}")} class="partition-line" aria-label={format!("partition {n}")}>
                            <span>{ format!("partition {n}: ordinals below {n} keep their revision; {n} and above are updated") }</span>
                        </li>
                    });
                    html! { <>
                        { for line }
                        <Row key={r.key.clone()} row={r.clone()} terminal_free={p.terminal_free}
                            on_delete={p.on_delete.clone()} on_shell={p.on_shell.clone()} />
                    </> }
                }).enumerate().flat_map(|(i, row)| {
                    // A big set's middle ordinals, counted by STATUS instead of drawn.
                    let gap = s.elided.as_ref().filter(|e| e.after == i + 1).map(|e| html! {
                        <li key="elided" class="elided" data-elided={e.count.to_string()}>
                            <strong>{ format!("{} more ordinals", e.count) }</strong>
                            { format!(" ({} … {}): ", e.first, e.last) }
                            { e.statuses.iter().map(|(st, n)| format!("{n} {st}")).collect::<Vec<_>>().join(", ") }
                            <span class="muted">{ " · kubectl get pods lists them all" }</span>
                        </li>
                    });
                    std::iter::once(row).chain(gap)
                }) }
            </ol>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct DeploymentProps {
    deployment: Rc<DeploymentView>,
    terminal_free: bool,
    on_scale: Callback<(String, String, i32)>,
    on_delete: Callback<String>,
    on_shell: Callback<String>,
}

/// A Deployment: its columns, strategy and what the rollout waits for, then each ReplicaSet
/// (newest first, old ones marked) with its pods under their generated names.
#[function_component(DeploymentCard)]
fn deployment_card(p: &DeploymentProps) -> Html {
    let d = &p.deployment;
    let title_id = format!("deploy-{}", d.name);
    html! {
        <section class="set deployment" aria-labelledby={title_id.clone()} data-deployment={d.name.clone()}>
            <header class="set-head">
                <h3 id={title_id}>
                    <span class="kind">{ "Deployment" }</span>{ " " }{ d.name.clone() }
                </h3>
                <dl class="facts">
                    <div><dt>{ "READY" }</dt><dd class="ready-count">{ d.ready.clone() }</dd></div>
                    <div><dt>{ "UP-TO-DATE" }</dt><dd>{ d.up_to_date.clone() }</dd></div>
                    <div><dt>{ "AVAILABLE" }</dt><dd>{ d.available.clone() }</dd></div>
                    <div>
                        <dt>{ "strategy" }</dt>
                        <dd>{ d.strategy.clone() }if d.paused { { ", paused" } }</dd>
                    </div>
                </dl>
            </header>
            <Replicas target={Some(ScaleTarget::of_deployment(d))} on_scale={p.on_scale.clone()} />
            if let Some(w) = &d.why {
                <WhyNote id={format!("why-deploy-{}", d.name)} why={w.clone()} label="Rollout: "
                    class="waiting" line={d.waiting.clone()} />
            } else {
                <p class={classes!("waiting", d.waiting.is_none().then_some("idle"))} aria-live="polite">
                    <span class="waiting-label">{ "Rollout: " }</span>
                    { d.waiting.clone().unwrap_or_else(|| if d.deleting { "deleting the Deployment".into() } else { "nothing to wait for".into() }) }
                </p>
            }
            if d.replica_sets.is_empty() {
                <p class="hint">{ "No ReplicaSet yet." }</p>
            }
            { for d.replica_sets.iter().map(|rs| html! {
                <ReplicaSetCard key={rs.name.clone()} rs={rs.clone()} standalone={false}
                    terminal_free={p.terminal_free}
                    on_delete={p.on_delete.clone()} on_shell={p.on_shell.clone()} />
            }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ReplicaSetProps {
    rs: Rc<ReplicaSetView>,
    /// No Deployment controls it: drawn as its own group, without a Deployment above it.
    standalone: bool,
    terminal_free: bool,
    on_delete: Callback<String>,
    on_shell: Callback<String>,
}

/// A ReplicaSet (its revision, old or not, desired/current/ready) and its pods under their
/// generated names: inside its Deployment's card, or on its own when no Deployment controls it.
#[function_component(ReplicaSetCard)]
fn replica_set_card(p: &ReplicaSetProps) -> Html {
    let rs = &p.rs;
    html! {
        <section class={classes!("replicaset", rs.old.then_some("old"), p.standalone.then_some("set"), p.standalone.then_some("standalone"))}
            data-replicaset={rs.name.clone()} data-revision={rs.revision.clone()}
            aria-label={format!("ReplicaSet {}", rs.name)}>
            <h4 class="rs-head">
                <span class="kind">{ "ReplicaSet" }</span>{ " " }<span class="mono">{ rs.name.clone() }</span>
                <span class="rs-facts">
                    if !rs.revision.is_empty() || !p.standalone {
                        { format!(" revision {}", if rs.revision.is_empty() { "–" } else { &rs.revision }) }
                    }
                    if rs.old { <span class="old-tag">{ " (old)" }</span> }
                    if p.standalone { { " · no Deployment" } }
                    { format!(" · desired {} · current {} · ready {}", rs.desired, rs.current, rs.ready) }
                </span>
            </h4>
            if let Some(w) = &rs.why {
                <WhyNote id={format!("why-rs-{}", rs.name)} why={w.clone()} class="rs-why" />
            }
            if p.standalone && rs.rows.is_empty() {
                <p class="hint">{ "No pods." }</p>
            }
            <ol class="ordinals" aria-label={format!("Pods of {}", rs.name)}>
                { for rs.rows.iter().map(|r| html! {
                    <Row key={r.key.clone()} row={r.clone()} terminal_free={p.terminal_free}
                        on_delete={p.on_delete.clone()} on_shell={p.on_shell.clone()} />
                }) }
            </ol>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct RowProps {
    row: Rc<RowView>,
    terminal_free: bool,
    on_delete: Callback<String>,
    on_shell: Callback<String>,
}

#[function_component(Row)]
fn row(p: &RowProps) -> Html {
    let r = &p.row;
    html! {
        <li class={classes!("ordinal", (!r.wanted).then_some("unwanted"))}>
            if let Some(o) = r.ordinal {
                <div key="no" class="ordinal-no" aria-hidden="true">{ o }</div>
            }
            { match &r.pod {
                Some(pod) => html! {
                    // Keyed by uid: a recreated pod is a new card (its entrance plays again).
                    <PodCard key={pod.uid.clone()} pod={pod.clone()} terminal_free={p.terminal_free}
                        on_delete={p.on_delete.clone()} on_shell={p.on_shell.clone()} />
                },
                None => html! {
                    <div key="ghost" class="pod ghost" role="group" aria-label={format!("{} (no pod)", r.pod_name)}>
                        <div class="pod-name">{ r.pod_name.clone() }</div>
                        <div class="ghost-text">{ if r.wanted { "not created yet" } else { "scaled down: no pod" } }</div>
                        if let Some(w) = &r.why {
                            <WhyNote id={format!("why-pod-{}", r.pod_name)} why={w.clone()} class="pod-why" />
                        }
                    </div>
                },
            } }
            <div key="claims" class="claims">
                { for r.claims.iter().map(|c| html! { <ClaimCard key={c.name.clone()} claim={c.clone()} /> }) }
            </div>
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct PodProps {
    pod: Rc<PodView>,
    terminal_free: bool,
    on_delete: Callback<String>,
    on_shell: Callback<String>,
}

/// A CSS class for the look of a kubectl STATUS.
fn status_class(status: &str, ready: bool) -> &'static str {
    match status {
        "Running" if ready => "s-ok",
        "Running" | "NotReady" => "s-warn",
        "Pending" | "ContainerCreating" | "PodInitializing" => "s-progress",
        "Terminating" => "s-gone",
        "Completed" | "Succeeded" => "s-done",
        _ => "s-bad",
    }
}

#[function_component(PodCard)]
fn pod_card(p: &PodProps) -> Html {
    let pod = &p.pod;
    let delete = {
        let name = pod.name.clone();
        p.on_delete.reform(move |_: MouseEvent| name.clone())
    };
    let shell = {
        let name = pod.name.clone();
        p.on_shell.reform(move |_: MouseEvent| name.clone())
    };
    let can_shell = p.terminal_free && pod.status == "Running";
    let shell_note = if !p.terminal_free {
        "The terminal is busy"
    } else if pod.status != "Running" {
        "The pod is not running"
    } else {
        "kubectl exec -it … -- sh"
    };
    let title_id = format!("pod-{}", pod.name);
    html! {
        <article
            class={classes!("pod", status_class(&pod.status, pod.is_ready))}
            data-pod={pod.name.clone()}
            data-status={pod.status.clone()}
            data-ready={pod.ready.clone()}
            data-uid={pod.uid.clone()}
            aria-labelledby={title_id.clone()}
        >
            <header class="pod-head">
                <h4 key="name" class="pod-name" id={title_id}><span class="visually-hidden">{ "Pod " }</span>{ pod.name.clone() }</h4>
                // Keyed by STATUS: each change replays the chip's entrance.
                <span key={pod.status.clone()} class="status" title={format!("image {}", pod.image)}>{ pod.status.clone() }</span>
                <span key="ready" class="pod-ready"><span class="fact-label">{ "READY" }</span>{ " " }<span class="mono">{ pod.ready.clone() }</span></span>
                <div key="actions" class="pod-actions">
                    <button type="button" class="btn small" onclick={shell} disabled={!can_shell}
                        aria-label={format!("Open a shell in {}", pod.name)} title={shell_note}>
                        { "Shell" }
                    </button>
                    <button type="button" class="btn small danger" onclick={delete}
                        disabled={pod.status == "Terminating"}
                        aria-label={format!("Delete pod {}", pod.name)} title={format!("kubectl delete pod {}", pod.name)}>
                        { "Delete" }
                    </button>
                </div>
            </header>
            <dl class="pod-facts">
                <div><dt>{ "RESTARTS" }</dt><dd class="mono">{ pod.restarts.clone() }</dd></div>
                <div><dt>{ "IP" }</dt><dd class="mono">{ pod.ip.clone().unwrap_or_else(|| "<none>".into()) }</dd></div>
                <div><dt>{ "node" }</dt><dd class="mono">{ pod.node.clone().unwrap_or_else(|| "<none>".into()) }</dd></div>
            </dl>
            <dl class="pod-facts names">
                <div><dt>{ "hostname" }</dt><dd class="mono">{ pod.hostname.clone() }</dd></div>
                if let Some(d) = &pod.dns {
                    <div class="dns-fact">
                        <dt>{ "DNS" }</dt>
                        <dd class={classes!("mono", "dns", (!d.resolves).then_some("unresolved"))}
                            title={if d.resolves { format!("{}: resolves in the cluster", d.fqdn) } else { format!("{}: no DNS record yet (the pod is not a ready endpoint of its Service)", d.fqdn) }}>
                            { d.fqdn.clone() }
                        </dd>
                        if !d.resolves { <dd class="unresolved-note">{ "no record yet" }</dd> }
                    </div>
                }
                if let Some(rev) = &pod.revision {
                    <div class={classes!("rev-fact", pod.outdated.then_some("outdated"))}
                        title={if pod.outdated { "controller-revision-hash: an older revision than the set's update revision" } else { "controller-revision-hash: the set's update revision" }}>
                        <dt class="visually-hidden">{ "revision" }</dt>
                        <dd class="mono rev">{ rev.rsplit('-').next().unwrap_or(rev).to_string() }</dd>
                    </div>
                }
            </dl>
            if let Some(w) = &pod.why {
                <WhyNote id={format!("why-pod-{}", pod.name)} why={w.clone()} class="pod-why" />
            }
        </article>
    }
}

#[derive(Properties, PartialEq)]
struct ClaimProps {
    claim: Rc<ClaimView>,
}

#[function_component(ClaimCard)]
fn claim_card(p: &ClaimProps) -> Html {
    let c = &p.claim;
    let status_class = match c.status.as_str() {
        "Bound" => "s-ok",
        "Pending" => "s-progress",
        "Terminating" => "s-gone",
        _ => "s-bad",
    };
    html! {
        <div class="claim">
            <div class="link" aria-hidden="true"></div>
            <div class="storage">
                <article class={classes!("pvc", status_class)} data-pvc={c.name.clone()} data-status={c.status.clone()}
                    aria-label={format!("PersistentVolumeClaim {}", c.name)}>
                    <div class="st-row">
                        <span class="kind-tag" title="PersistentVolumeClaim">{ "PVC" }</span>
                        <span class="st-name mono" title={c.name.clone()}>{ c.name.clone() }</span>
                        <span class="st-facts mono">
                            { c.capacity.clone() }{ " · " }{ c.access_modes.clone() }
                            if !c.storage_class.is_empty() { { " · " }{ c.storage_class.clone() } }
                        </span>
                        <span class="status">{ c.status.clone() }</span>
                    </div>
                </article>
                if let Some(pv) = &c.pv {
                    <article class="pv" data-pv={pv.name.clone()} aria-label={format!("PersistentVolume {}", pv.name)}>
                        <div class="st-row">
                            <span class="kind-tag" title="PersistentVolume">{ "PV" }</span>
                            <span class="st-name mono" title={pv.name.clone()}>{ pv.name.clone() }</span>
                            <span class="st-facts mono">
                                { pv.status.clone() }{ " · " }{ pv.reclaim_policy.clone() }
                                if let Some(n) = &pv.node { { " · " }{ n.clone() } }
                            </span>
                        </div>
                        if pv.files.is_empty() {
                            <div class="files empty-files">{ "no files yet" }</div>
                        } else {
                            <ul class="files" aria-label={format!("Files on {}", pv.name)}>
                                { for pv.files.iter().map(|(path, content)| {
                                    let first = content.lines().next().unwrap_or("").to_string();
                                    html! {
                                        <li key={path.clone()} class="file" data-file={path.clone()}>
                                            <span class="mono path">{ path.clone() }</span>
                                            <span class="mono content" title={content.clone()}>{ first }</span>
                                        </li>
                                    }
                                }) }
                            </ul>
                        }
                    </article>
                }
            </div>
            // Outside `.storage`, which clips: the explanation pops out below the card.
            if let Some(w) = &c.why {
                <WhyNote id={format!("why-pvc-{}", c.name)} why={w.clone()} class="pvc-why" />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ServiceProps {
    service: Rc<ServiceView>,
}

#[function_component(ServiceCard)]
fn service_card(p: &ServiceProps) -> Html {
    let s = &p.service;
    html! {
        <section class="service" data-service={s.name.clone()} aria-label={format!("Service {}", s.name)}>
            <header class="svc-head">
                <h3><span class="kind">{ "Service" }</span>{ " " }{ s.name.clone() }</h3>
                <span class="svc-type">{ if s.headless { "headless (clusterIP: None)".to_string() } else { format!("ClusterIP {}", s.cluster_ip) } }</span>
                <span class="mono muted">{ s.ports.clone() }{ " · selector " }{ s.selector.clone() }</span>
            </header>
            <div class="dns-answers">
                <span class="mono fqdn">{ s.fqdn.clone() }</span>
                if s.records.is_empty() {
                    <span class="muted">{ " resolves to nothing yet (no ready endpoints)" }</span>
                } else {
                    <ul class="records">
                        { for s.records.iter().map(|(ip, ptr)| html! {
                            <li key={ip.clone()}>
                                <span class="mono">{ ip.clone() }</span>
                                if let Some(n) = ptr { <span class="mono muted">{ " " }{ n.clone() }</span> }
                            </li>
                        }) }
                    </ul>
                }
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct WhyProps {
    /// The explanation's id (`why-pod-web-0`), which the line's `aria-describedby` names.
    id: String,
    why: WhyView,
    /// Before the line (`Controller: `).
    #[prop_or_default]
    label: &'static str,
    /// Shown instead of the explanation's own compact line (the controller's waiting line).
    #[prop_or_default]
    line: Option<String>,
    /// The line's class (`waiting`, `pod-why`).
    #[prop_or_default]
    class: Classes,
}

/// Why an object waits: its compact line, focusable, and the whole explanation (what `why`
/// prints in the terminal) as a tooltip shown on hover and keyboard focus and read as the
/// line's description.
#[function_component(WhyNote)]
fn why_note(p: &WhyProps) -> Html {
    let line = p.line.clone().unwrap_or_else(|| p.why.line.clone());
    html! {
        <div class="why">
            <p class={classes!("why-line", p.class.clone())} tabindex="0"
                aria-live={(!p.label.is_empty()).then_some("polite")}
                aria-describedby={p.id.clone()}>
                if !p.label.is_empty() { <span class="waiting-label">{ p.label }</span> }
                else { <span class="visually-hidden">{ "Why: " }</span> }
                { line }
            </p>
            <pre class="why-tip" role="tooltip" id={p.id.clone()}>{ p.why.text.clone() }</pre>
        </div>
    }
}
