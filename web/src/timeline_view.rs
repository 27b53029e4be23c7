//! The timeline under the top bar: a slider over the session's inputs along simulated time
//! (arrow keys step input by input, Home/End, a click or a drag picks the nearest input), the
//! cluster's notable moments marked on it, and "Branch here" / "Return to latest" / the kept
//! branches.

use crate::controls::clock_text;
use crate::timeline::TimelineView;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub timeline: Rc<TimelineView>,
    pub on_scrub: Callback<usize>,
    pub on_branch: Callback<()>,
    pub on_return: Callback<()>,
    pub on_switch: Callback<usize>,
}

/// Where `at` falls along the timeline, in percent.
fn place(t: &TimelineView, at: u64) -> f64 {
    let span = t.now.saturating_sub(t.start);
    if span == 0 {
        return 100.0;
    }
    (at.saturating_sub(t.start) as f64 / span as f64 * 100.0).clamp(0.0, 100.0)
}

/// A mark's `left` style at `at`: percent to two decimals, formatted as integers (a float's
/// formatting would be the largest single function in the page's wasm).
fn left(t: &TimelineView, at: u64) -> String {
    let hundredths = (place(t, at) * 100.0).round() as u32;
    format!("left:{}.{:02}%", hundredths / 100, hundredths % 100)
}

/// The time of position `pos`: input `pos`'s, or now.
fn time_of(t: &TimelineView, pos: usize) -> u64 {
    t.inputs.get(pos).map_or(t.now, |i| i.at)
}

/// The position nearest to `frac` (0..1) of the span: an input's moment, or now.
fn nearest(t: &TimelineView, frac: f64) -> usize {
    let at = t.start as f64 + frac.clamp(0.0, 1.0) * t.now.saturating_sub(t.start) as f64;
    let n = t.inputs.len();
    (0..=n)
        .min_by(|a, b| {
            let da = (time_of(t, *a) as f64 - at).abs();
            let db = (time_of(t, *b) as f64 - at).abs();
            da.total_cmp(&db)
        })
        .unwrap_or(n)
}

/// What a screen reader hears: the simulated time as the top bar shows it, then where.
pub fn value_text(t: &TimelineView) -> String {
    let n = t.inputs.len();
    let time = clock_text(time_of(t, t.pos) / 1000);
    match t.inputs.get(t.pos) {
        None => format!("{time}, now (after input {n} of {n})"),
        Some(i) => format!("{time}, before input {} of {n}: {}", t.pos + 1, i.label),
    }
}

#[function_component(Timeline)]
pub fn timeline(p: &Props) -> Html {
    let t = p.timeline.clone();
    let n = t.inputs.len();
    let onkeydown = {
        let (on_scrub, pos) = (p.on_scrub.clone(), t.pos);
        Callback::from(move |e: KeyboardEvent| {
            let to = match e.key().as_str() {
                "ArrowLeft" | "ArrowDown" => pos.saturating_sub(1),
                "ArrowRight" | "ArrowUp" => (pos + 1).min(n),
                "PageDown" => pos.saturating_sub(10),
                "PageUp" => (pos + 10).min(n),
                "Home" => 0,
                "End" => n,
                _ => return,
            };
            e.prevent_default();
            if to != pos {
                on_scrub.emit(to);
            }
        })
    };
    let pick = {
        let (on_scrub, t) = (p.on_scrub.clone(), t.clone());
        move |e: &PointerEvent| {
            let Some(el) = e
                .current_target()
                .and_then(|x| x.dyn_into::<web_sys::HtmlElement>().ok())
            else {
                return;
            };
            let width = f64::from(el.client_width().max(1));
            let to = nearest(&t, f64::from(e.offset_x()) / width);
            if to != t.pos {
                on_scrub.emit(to);
            }
        }
    };
    let onpointerdown = {
        let pick = pick.clone();
        Callback::from(move |e: PointerEvent| {
            if let Some(el) = e
                .current_target()
                .and_then(|x| x.dyn_into::<web_sys::Element>().ok())
            {
                let _ = el.set_pointer_capture(e.pointer_id());
            }
            pick(&e);
        })
    };
    let onpointermove = Callback::from(move |e: PointerEvent| {
        if e.buttons() & 1 == 1 {
            pick(&e);
        }
    });
    let on_branch = p.on_branch.reform(|_: MouseEvent| ());
    let on_return = p.on_return.reform(|_: MouseEvent| ());
    let on_switch = p.on_switch.reform(|e: Event| {
        e.target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            .and_then(|s| s.value().parse().ok())
            .unwrap_or(usize::MAX)
    });
    let thumb = left(&t, time_of(&t, t.pos));
    let status = if t.scrubbed {
        "Showing an earlier moment: an input here branches the session (as Branch here does)."
    } else if t.on_branch {
        "On a branch: the latest line is kept."
    } else {
        ""
    };
    html! {
        <section class={classes!("timeline", t.scrubbed.then_some("is-past"))} aria-label="Session timeline">
            <div
                class="tl-track"
                role="slider"
                tabindex="0"
                aria-label="Timeline"
                aria-valuemin="0"
                aria-valuemax={n.to_string()}
                aria-valuenow={t.pos.to_string()}
                aria-valuetext={value_text(&t)}
                {onkeydown}
                {onpointerdown}
                {onpointermove}
            >
                <span class="tl-rail" />
                { for t.marks.iter().map(|m| html! {
                    <span class="tl-mark" style={left(&t, m.at)}
                        title={format!("{} {}", clock_text(m.at / 1000), m.text)} />
                }) }
                { for t.inputs.iter().enumerate().map(|(i, x)| html! {
                    <span class={classes!("tl-input", x.kind.clone(), (i < t.pos).then_some("done"))}
                        style={left(&t, x.at)}
                        title={format!("{} {}", clock_text(x.at / 1000), x.label)} />
                }) }
                <span class="tl-thumb" style={thumb} />
            </div>
            <div class="tl-actions">
                if !status.is_empty() { <span class="tl-status">{ status }</span> }
                if t.scrubbed {
                    <button type="button" class="btn small primary" onclick={on_branch}
                        title="Go on from this moment: new inputs make a new branch, and what came after is kept">{ "Branch here" }</button>
                }
                if t.scrubbed || t.on_branch {
                    <button type="button" class="btn small" onclick={on_return}
                        title="Back to now on the latest line (a branch you made is kept)">{ "Return to latest" }</button>
                }
                if !t.branches.is_empty() {
                    <select class="tl-branches" aria-label="Branches" onchange={on_switch}>
                        <option value="" selected=true disabled=true>{ format!("Branches ({})", t.branches.len()) }</option>
                        { for t.branches.iter().enumerate().map(|(i, b)| html! {
                            <option value={i.to_string()}>{ b.clone() }</option>
                        }) }
                    </select>
                }
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::Input;

    fn tl(pos: usize) -> TimelineView {
        let input = |at, label: &str| Input {
            at,
            label: label.into(),
            kind: "line".into(),
        };
        TimelineView {
            inputs: vec![
                input(10_000, "$ a"),
                input(20_000, "$ b"),
                input(60_000, "$ c"),
            ],
            start: 10_000,
            now: 110_000,
            pos,
            ..Default::default()
        }
    }

    #[test]
    fn positions_and_what_they_say() {
        assert_eq!(nearest(&tl(0), 0.0), 0);
        assert_eq!(nearest(&tl(0), 0.14), 1);
        assert_eq!(nearest(&tl(0), 0.5), 2);
        assert_eq!(nearest(&tl(0), 0.8), 3);
        assert_eq!(place(&tl(0), 60_000), 50.0);
        assert_eq!(value_text(&tl(1)), "00:00:20, before input 2 of 3: $ b");
        assert_eq!(value_text(&tl(3)), "00:01:50, now (after input 3 of 3)");
    }
}
