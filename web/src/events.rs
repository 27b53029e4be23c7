//! The Events panel: the namespace's events as `kubectl get events -w` shows them
//! (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE), newest at the bottom.

use crate::view_model::{EventRow, EventsView};
use ordinal_sim::printers::age;
use ordinal_sim::time::Time;
use std::rc::Rc;
use web_sys::Element;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub events: Rc<EventsView>,
    /// Simulated seconds (LAST SEEN changes with it).
    pub now_s: u64,
}

#[derive(Properties, PartialEq)]
struct RowProps {
    row: Rc<EventRow>,
    last_seen: String,
}

/// `kind/name`, breakable after the slash.
fn object_cell(o: &str) -> Html {
    match o.split_once('/') {
        Some((k, n)) => html! { <>{ format!("{k}/") }<wbr />{ n.to_string() }</> },
        None => html! { { o.to_string() } },
    }
}

#[function_component(Row)]
fn row(p: &RowProps) -> Html {
    let r = &p.row;
    html! {
        <tr class={classes!((r.type_ == "Warning").then_some("warning"))}>
            <td class="mono nowrap">{ p.last_seen.clone() }</td>
            <td>{ r.type_.clone() }</td>
            <td class="nowrap">{ r.reason.clone() }</td>
            <td class="mono object">{ object_cell(&r.object) }</td>
            <td class="message">{ r.message.clone() }</td>
        </tr>
    }
}

#[function_component(EventsPanel)]
pub fn events_panel(p: &Props) -> Html {
    let scroller = use_node_ref();
    let stick = use_mut_ref(|| true);
    {
        let scroller = scroller.clone();
        let stick = stick.clone();
        let last = p.events.rows.last().map(|r| r.key.clone());
        use_effect_with(last, move |_| {
            if *stick.borrow() {
                if let Some(el) = scroller.cast::<Element>() {
                    el.set_scroll_top(el.scroll_height());
                }
            }
        });
    }
    let onscroll = {
        let stick = stick.clone();
        let scroller = scroller.clone();
        Callback::from(move |_: Event| {
            if let Some(el) = scroller.cast::<Element>() {
                *stick.borrow_mut() =
                    el.scroll_top() + el.client_height() >= el.scroll_height() - 8;
            }
        })
    };
    let now = Time(p.now_s * 1000);
    html! {
        <section class="panel events-panel" aria-labelledby="events-title">
            <div class="panel-head">
                <h2 id="events-title">{ "Events" }</h2>
                <span class="muted small">{ "kubectl get events -w" }</span>
            </div>
            <div class="events-scroll" ref={scroller} tabindex="0" role="region" aria-label="Events list" {onscroll}>
                if p.events.rows.is_empty() {
                    <p class="empty-events">{ "No events yet. Apply a manifest and the controllers will report here." }</p>
                } else {
                    <table class="events">
                        <thead>
                            <tr>
                                <th scope="col">{ "LAST SEEN" }</th>
                                <th scope="col">{ "TYPE" }</th>
                                <th scope="col">{ "REASON" }</th>
                                <th scope="col">{ "OBJECT" }</th>
                                <th scope="col">{ "MESSAGE" }</th>
                            </tr>
                        </thead>
                        <tbody>
                            { for p.events.rows.iter().map(|r| html! {
                                <Row key={r.key.clone()} row={r.clone()} last_seen={age(now, r.last)} />
                            }) }
                        </tbody>
                    </table>
                }
            </div>
        </section>
    }
}
