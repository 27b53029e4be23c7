//! The Event kind (core/v1; the scheduler's events.k8s.io events are stored as these too).

use super::{Hooks, KindDef, Rest, NAMESPACED};
use crate::api::*;
use crate::printers::*;
use crate::time::Time;

impl KindDef for Event {
    const REST: Rest = Rest("", "v1", "events", "event", &["ev"], NAMESPACED);
    const GENERATION: bool = false;
    /// Events are named by their recorders (`web-0.17f3…`); any name goes.
    const NAME_RULE: fn(&str) -> Vec<String> = |_| Vec::new();
    const HOOKS: Hooks<Self> = Hooks::NONE;

    const COLUMNS: &'static [&'static str] = &["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"];
    const WIDE_COLUMNS: &'static [&'static str] =
        &["SUBOBJECT", "SOURCE", "FIRST SEEN", "COUNT", "NAME"];

    fn row(&self, now: Time, name: String, wide: bool) -> Vec<String> {
        let e = self;
        // printEvent: firstTimestamp, else eventTime; lastTimestamp, else the first; a
        // series' last observation and count over both.
        let first = e.first_timestamp.or(e.event_time);
        let mut last = e.last_timestamp.or(first);
        let mut count = e.count.filter(|n| *n != 0).unwrap_or(1);
        if let Some(s) = &e.series {
            last = s.last_observed_time;
            count = s.count;
        }
        let mut r = vec![
            age(now, last),
            e.type_.as_deref().unwrap_or_default().to_string(),
            e.reason.as_deref().unwrap_or_default().to_string(),
            event_object(e),
            e.message.clone().unwrap_or_default().trim().to_string(),
        ];
        if wide {
            r.push(e.involved_object.field_path.clone().unwrap_or_default());
            // formatEventSource: component (or reportingController), then host (or
            // reportingInstance) after a comma when there is one.
            let pick = |a: &Option<SharedStr>, b: &Option<SharedStr>| {
                a.as_deref()
                    .filter(|s| !s.is_empty())
                    .or(b.as_deref())
                    .unwrap_or_default()
                    .to_string()
            };
            let component = pick(&e.source.component, &e.reporting_component);
            let host = pick(&e.source.host, &e.reporting_instance);
            let src = if host.is_empty() {
                component
            } else {
                format!("{component}, {host}")
            };
            r.push(src);
            r.push(age(now, first));
            r.push(count.to_string());
            r.push(name);
        }
        r
    }

    fn copy_status(from: &Self, to: &mut Self) {
        // No status.
        let _ = (from, to);
    }
}
