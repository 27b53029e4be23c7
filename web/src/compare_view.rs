//! The Compare page (`#/compare`): the pair menu, one command line, Replicas slider and Reset
//! for both sides, and the two sides, each a region named after its manifest with its pods
//! (the same `data-pod`/`data-status`/`data-ready` attributes as the main view), their claims'
//! files, and what its terminal printed.

use crate::compare::{self, pod_names, SideView};
use crate::view_model::{ClusterView, RowView};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub sides: Option<Rc<[SideView; 2]>>,
    pub pair_id: String,
    pub on_line: Callback<String>,
    pub on_scale: Callback<i32>,
    pub on_delete: Callback<usize>,
    pub on_reset: Callback<()>,
}

/// The desired replicas of a side's workload.
fn desired(v: &ClusterView) -> i32 {
    v.sets
        .first()
        .map(|s| s.desired)
        .or_else(|| v.deployments.first().map(|d| d.desired))
        .unwrap_or(0)
}

#[function_component(ComparePanel)]
pub fn compare_panel(p: &Props) -> Html {
    let line = use_state(String::new);
    let dragging = use_state(|| None::<i32>);
    let pairs = compare::pairs();
    let current = compare::pair_by_id(&p.pair_id).unwrap_or(pairs[0]);
    let Some(sides) = p.sides.clone() else {
        return html! { <section class="compare" role="region" aria-label="Compare"><p>{ "Loading…" }</p></section> };
    };
    let want = desired(&sides[0].cluster);
    let value = dragging.unwrap_or(want);
    let onsubmit = {
        let line = line.clone();
        let on_line = p.on_line.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let l = line.trim().to_string();
            if !l.is_empty() {
                on_line.emit(l);
                line.set(String::new());
            }
        })
    };
    let oninput_line = {
        let line = line.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                line.set(i.value());
            }
        })
    };
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
        Callback::from(move |e: Event| {
            if let Some(v) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                .and_then(|i| i.value().parse::<i32>().ok())
            {
                on_scale.emit(v);
            }
            dragging.set(None);
        })
    };
    let reset = p.on_reset.reform(|_: MouseEvent| ());
    html! {
        <section class="compare panel" role="region" aria-label="Compare">
            <div class="compare-head">
                <h2>{ "Compare" }</h2>
                <nav aria-label="Pairs" class="pairs">
                    { for pairs.iter().map(|pair| html! {
                        <a key={pair.id} href={format!("#/compare/{}", pair.id)}
                            aria-current={(pair.id == current.id).then_some("page")}>{ pair.title }</a>
                    }) }
                </nav>
                <p class="hint">{ "Two clusters, the same clock: every command, slider move and pod deletion goes to both." }</p>
                <form class="compare-line" {onsubmit}>
                    <label for="compare-input">{ "Command for both" }</label>
                    <input id="compare-input" class="mono" type="text" value={(*line).clone()}
                        oninput={oninput_line} placeholder="kubectl get pods" autocomplete="off" spellcheck="false" />
                    <button type="submit" class="btn small">{ "Run in both" }</button>
                </form>
                <div class="replicas">
                    <label for="compare-replicas" class="replicas-label">{ "Replicas (both)" }</label>
                    <input id="compare-replicas" type="range" min="0" max={want.max(10).to_string()} step="1"
                        value={value.to_string()} aria-valuetext={format!("{value} replicas")} {oninput} {onchange} />
                    <output class="replicas-value" for="compare-replicas">{ value }</output>
                    <button type="button" class="btn small" onclick={reset}>{ "Reset both" }</button>
                </div>
            </div>
            <div class="compare-sides">
                { for sides.iter().map(|s| html! {
                    <CompareSide key={s.side.file} side={s.clone()} on_delete={p.on_delete.clone()} />
                }) }
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SideProps {
    side: SideView,
    on_delete: Callback<usize>,
}

#[function_component(CompareSide)]
fn compare_side(p: &SideProps) -> Html {
    let v = &p.side.cluster;
    let file = p.side.side.file;
    let names = pod_names(v);
    let rows: Vec<Rc<RowView>> = v
        .sets
        .iter()
        .flat_map(|s| s.rows.iter().cloned())
        .chain(
            v.deployments
                .iter()
                .flat_map(|d| d.replica_sets.iter())
                .chain(v.replica_sets.iter())
                .flat_map(|rs| rs.rows.iter().cloned()),
        )
        .chain(v.other_pods.iter().cloned())
        .filter(|r| r.pod.is_some())
        .collect();
    let workload = match (v.sets.first(), v.deployments.first()) {
        (Some(s), _) => format!("StatefulSet {} · READY {} · {}", s.name, s.ready, s.policy),
        (None, Some(d)) => format!("Deployment {} · READY {} · {}", d.name, d.ready, d.strategy),
        _ => "no workload".to_string(),
    };
    let waiting = v
        .sets
        .first()
        .and_then(|s| s.waiting.clone())
        .or_else(|| v.deployments.first().and_then(|d| d.waiting.clone()));
    html! {
        <section class="compare-side" role="region" aria-label={file}>
            <h3 class="mono">{ file }</h3>
            <p class="muted">{ workload }</p>
            if let Some(w) = waiting { <p class="waiting">{ w }</p> }
            <ol class="compare-pods">
                { for rows.iter().map(|r| {
                    let Some(pod) = &r.pod else { return html! {} };
                    let index = names.iter().position(|n| *n == pod.name).unwrap_or(0);
                    let del = p.on_delete.reform(move |_: MouseEvent| index);
                    let files: Vec<String> = r.claims.iter()
                        .filter_map(|c| c.pv.as_ref())
                        .flat_map(|pv| pv.files.iter().map(|(f, _)| f.clone()))
                        .collect();
                    html! {
                        <li key={pod.uid.clone()}>
                            <article class="pod compact" data-pod={pod.name.clone()} data-status={pod.status.clone()}
                                data-ready={pod.ready.clone()} data-uid={pod.uid.clone()} aria-label={format!("Pod {}", pod.name)}>
                                <span class="mono pod-name">{ pod.name.clone() }</span>
                                <span class="status">{ pod.status.clone() }</span>
                                <span class="mono">{ pod.ready.clone() }</span>
                                <span class="mono muted">{ pod.node.clone().unwrap_or_else(|| "<none>".into()) }</span>
                                if let Some(d) = &pod.dns { <span class="mono muted dns">{ d.fqdn.clone() }</span> }
                                { for r.claims.iter().map(|c| html! { <span class="mono muted">{ format!("claim {} {}", c.name, c.status) }</span> }) }
                                if !files.is_empty() { <span class="mono">{ format!("files: {}", files.join(", ")) }</span> }
                                <button type="button" class="btn small danger" onclick={del}
                                    disabled={pod.status == "Terminating"}
                                    aria-label={format!("Delete pod {} (and the pod at the same place on the other side)", pod.name)}>
                                    { "Delete" }
                                </button>
                            </article>
                        </li>
                    }
                }) }
            </ol>
            <pre class="compare-output mono" tabindex="0" aria-label={format!("Terminal output of {file}")}>{ p.side.output.to_string() }</pre>
        </section>
    }
}
