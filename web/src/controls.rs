//! Time controls: Pause/Resume, Step (to the next timer), Speed, and the simulated clock.

use crate::model::{Clock, SPEEDS};
use ordinal_sim::time::Time;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub clock: Clock,
    pub on_pause: Callback<()>,
    pub on_step: Callback<()>,
    pub on_speed: Callback<u32>,
}

/// `12:04:05` of the simulated wall clock (UTC).
pub fn clock_text(now_s: u64) -> String {
    let iso = Time(now_s * 1000).rfc3339();
    iso.split('T')
        .nth(1)
        .unwrap_or(&iso)
        .trim_end_matches('Z')
        .to_string()
}

/// A 16×16 icon from one SVG path.
fn icon(d: &'static str) -> Html {
    html! {
        <svg class="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
            <path d={d} fill="currentColor" />
        </svg>
    }
}

#[function_component(TimeControls)]
pub fn time_controls(p: &Props) -> Html {
    let c = p.clock;
    let on_pause = p.on_pause.reform(|_: MouseEvent| ());
    let on_step = p.on_step.reform(|_: MouseEvent| ());
    let on_speed = p.on_speed.reform(|e: Event| {
        e.target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            .and_then(|s| s.value().parse().ok())
            .unwrap_or(1)
    });
    let step_title = if c.has_timer {
        "Advance the clock to the next scheduled event"
    } else {
        "Nothing is scheduled"
    };
    html! {
        <div class="time-controls" role="group" aria-label="Time">
            <button
                class={classes!("btn", "pause", c.paused.then_some("is-paused"))}
                onclick={on_pause}
            >
                { if c.paused { icon("M4 2.5v11l9-5.5z") } else { icon("M4 2.5h3v11H4zM9 2.5h3v11H9z") } }
                { if c.paused { "Resume" } else { "Pause" } }
            </button>
            <button class="btn" onclick={on_step} disabled={!c.has_timer} title={step_title}>
                { icon("M2.5 2.5v11l7.5-5.5zM11 2.5h2.5v11H11z") }{ "Step" }
            </button>
            <label class="speed">
                <span class="label-text">{ "Speed" }</span>
                <select aria-label="Speed" onchange={on_speed}>
                    { for SPEEDS.iter().map(|s| html! {
                        <option value={s.to_string()} selected={*s == c.speed}>{ format!("{s}×") }</option>
                    }) }
                </select>
            </label>
            <div class={classes!("clock", c.paused.then_some("is-paused"))}>
                <span class="label-text">{ "Simulated time" }</span>
                <time aria-label="Simulated time" datetime={Time(c.now_s * 1000).rfc3339()}>
                    { clock_text(c.now_s) }
                </time>
                if c.paused { <span class="paused-badge">{ "paused" }</span> }
            </div>
        </div>
    }
}
