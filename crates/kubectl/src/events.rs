//! `kubectl events`: the events of a namespace (or all, `-A`), of one object (`--for
//! TYPE/NAME`), of some types (`--types Warning`), sorted by when they were last seen, with
//! kubectl's own columns `LAST SEEN  TYPE  REASON  OBJECT  MESSAGE` (`LAST SEEN` is
//! `getInterval`: `5s`, or `5s (x3 over 2m)`); `-w` keeps printing new ones (a job);
//! `-o yaml|json|jsonpath=` prints the `EventList`.

use crate::args::{flag, FlagSpec};
use crate::jobs::{EventFilter, EventsWatch};
use crate::output::Output;
use crate::resource::resolve;
use crate::table::Table;
use crate::Env;
use ordinal_sim::api::{Event, Kind, Object, Resource};
use ordinal_sim::printers::age;
use ordinal_sim::time::Time;
use ordinal_sim::Cluster;
use serde_json::{json, Value};

pub const FLAGS: &[FlagSpec] = &[
    flag("all-namespaces", Some('A'), false),
    flag("for", None, true),
    flag("types", None, true),
    flag("watch", Some('w'), false),
    flag("no-headers", None, false),
    flag("output", Some('o'), true),
    flag("chunk-size", None, true),
    flag("allow-missing-template-keys", None, false),
    flag("show-managed-fields", None, false),
    flag("template", None, true),
];

/// Whether an event is one `filter` shows.
fn matches(filter: &EventFilter, o: &Object, e: &Event) -> bool {
    let r = &e.involved_object;
    filter
        .namespace
        .as_deref()
        .is_none_or(|ns| o.namespace() == ns)
        && filter.object.as_ref().is_none_or(|(k, v, n)| {
            r.kind.as_deref() == Some(k)
                && r.api_version.as_deref() == Some(v)
                && r.name.as_deref() == Some(n)
        })
        && (filter.types.is_empty()
            || filter
                .types
                .iter()
                .any(|t| t.eq_ignore_ascii_case(e.type_.as_deref().unwrap_or(""))))
}

/// `kubectl events -w`: prints each new event the filter shows, in the widths so far.
pub fn poll(w: &mut EventsWatch, c: &Cluster, out: &mut Output) {
    let Ok(events) = c.watch_kind_since(ordinal_sim::api::Kind::Event, w.rv) else {
        w.rv = c.resource_version();
        return;
    };
    // The watch has seen everything up to now (a live watch would have been sent it).
    w.rv = c.resource_version();
    for ev in events {
        // Events are deleted after an hour; kubectl does not print that.
        if ev.type_ == ordinal_sim::WatchEventType::Deleted {
            continue;
        }
        let Some(e) = Event::from_object(&ev.object) else {
            continue;
        };
        if !matches(&w.filter, &ev.object, e) {
            continue;
        }
        let all = w.filter.namespace.is_none();
        let mut rows = Vec::new();
        if w.headers {
            rows.push(header(all));
            w.headers = false;
        }
        rows.push(row(c.now(), &ev.object, e, all));
        out.out(w.table.render(&rows));
    }
}

fn header(all: bool) -> Vec<String> {
    let mut h = Vec::new();
    if all {
        h.push("NAMESPACE".to_string());
    }
    h.extend(
        ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
            .iter()
            .map(|s| s.to_string()),
    );
    h
}

/// `getInterval`: when first seen, or when last seen and how often over how long.
fn interval(now: Time, e: &Event) -> String {
    let first = match e.event_time {
        Some(t) => age(now, Some(t)),
        None => age(now, e.first_timestamp),
    };
    if let Some(s) = &e.series {
        format!(
            "{} (x{} over {first})",
            age(now, s.last_observed_time),
            s.count
        )
    } else if e.count.unwrap_or(0) > 1 {
        format!(
            "{} (x{} over {first})",
            age(now, e.last_timestamp),
            e.count.unwrap_or(0)
        )
    } else {
        first
    }
}

/// `SortableEvents`: by the series' last observation, else the last timestamp, else the
/// event time.
fn sort_time(e: &Event) -> Option<Time> {
    match &e.series {
        Some(s) => s.last_observed_time,
        None => e.last_timestamp.or(e.event_time),
    }
}

fn row(now: Time, o: &Object, e: &Event, all: bool) -> Vec<String> {
    let mut r = Vec::new();
    if all {
        r.push(o.namespace().to_string());
    }
    let r_obj = &e.involved_object;
    r.extend([
        interval(now, e),
        e.type_.as_deref().unwrap_or_default().to_string(),
        e.reason.as_deref().unwrap_or_default().to_string(),
        format!(
            "{}/{}",
            r_obj.kind.clone().unwrap_or_default(),
            r_obj.name.clone().unwrap_or_default()
        ),
        e.message.clone().unwrap_or_default().trim().to_string(),
    ]);
    r
}

pub fn events(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(args, FLAGS, "events", &mut out) else {
        return out;
    };
    let all = p.bool("all-namespaces");
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let output = p.value("output").unwrap_or("").to_string();
    match output.as_str() {
        "" | "yaml" | "json" | "name" => {}
        o if o.starts_with("jsonpath=") || o.starts_with("jsonpath-as-json=") => {}
        o => {
            out.err(format!("error: unable to match a printer suitable for the output format \"{o}\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml"));
            return out;
        }
    }
    let types: Vec<String> = p
        .values("types")
        .iter()
        .flat_map(|t| t.split(','))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    if types
        .iter()
        .any(|t| !t.eq_ignore_ascii_case("Normal") && !t.eq_ignore_ascii_case("Warning"))
    {
        out.err("error: valid --types are Normal or Warning");
        return out;
    }
    let object = match p.value("for") {
        None | Some("") => None,
        Some(f) => {
            let Some((ty, name)) = f.split_once('/') else {
                out.err("error: --for must be in resource/name form");
                return out;
            };
            let Some(kind) = resolve(ty) else {
                out.err(format!("the server doesn't have a resource type \"{ty}\""));
                return out;
            };
            Some((
                kind.name().to_string(),
                kind.api_version(),
                name.to_string(),
            ))
        }
    };
    let filter = EventFilter {
        namespace: (!all).then(|| ns.clone()),
        object,
        types,
    };
    let now = c.now();
    let mut list: Vec<(std::sync::Arc<Object>, Event)> = c
        .list(Kind::Event, filter.namespace.as_deref())
        .into_iter()
        .filter_map(|o| {
            let e = Event::from_object(&o)?.clone();
            matches(&filter, &o, &e).then_some((o, e))
        })
        .collect();
    ordinal_sim::sort::sort_by_key(&mut list, |(_, e)| sort_time(e));
    let headers = !p.bool("no-headers");
    if p.bool("watch") {
        let mut table = Table::default();
        let mut headers = headers;
        if !list.is_empty() {
            let mut rows = Vec::new();
            if headers {
                rows.push(header(all));
                headers = false;
            }
            rows.extend(list.iter().map(|(o, e)| row(now, o, e, all)));
            out.out(table.render(&rows));
        }
        out.job = Some(crate::jobs::Job::Events(EventsWatch {
            filter,
            headers,
            rv: c.resource_version(),
            table,
        }));
        return out;
    }
    if list.is_empty() {
        if all {
            out.note("No events found.");
        } else {
            out.note(format!("No events found in {ns} namespace."));
        }
        return out;
    }
    if output.is_empty() {
        let mut rows = Vec::new();
        if headers {
            rows.push(header(all));
        }
        rows.extend(list.iter().map(|(o, e)| row(now, o, e, all)));
        out.out(crate::table::render(&rows));
        return out;
    }
    let items: Vec<Value> = list.iter().map(|(o, _)| o.to_value()).collect();
    let v = json!({"kind": "EventList", "apiVersion": "v1", "metadata": {}, "items": items});
    match output.as_str() {
        // kubectl's name printer prints nothing for the typed EventList it holds.
        "name" => {}
        "yaml" => out.out(crate::printers::yaml::to_yaml(&v)),
        "json" => out.out(typed_json(&v)),
        o => {
            let t = o.split_once('=').map(|x| x.1).unwrap_or("");
            match crate::printers::jsonpath::render(t, &v) {
                Ok(s) => out.out(s),
                Err(e) => out.err(format!("error: {e}")),
            }
        }
    }
    out
}

/// The fields of `EventList`, `Event`, `ObjectMeta`, `ObjectReference`, `EventSource` and
/// `EventSeries` in their Go structs' order (how kubectl's JSON printer writes a typed list).
const ORDER: &[&str] = &[
    "kind",
    "apiVersion",
    "metadata",
    "items",
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
    "fieldPath",
    "involvedObject",
    "reason",
    "message",
    "source",
    "component",
    "host",
    "firstTimestamp",
    "lastTimestamp",
    "count",
    "lastObservedTime",
    "type",
    "eventTime",
    "series",
    "action",
    "related",
    "reportingComponent",
    "reportingInstance",
];

/// `ObjectReference` orders its fields kind, namespace, name, uid, apiVersion,
/// resourceVersion, fieldPath: not the `ORDER` above.
const REFERENCE: &[&str] = &[
    "kind",
    "namespace",
    "name",
    "uid",
    "apiVersion",
    "resourceVersion",
    "fieldPath",
];

fn typed_json(v: &Value) -> String {
    let mut s = String::new();
    write(&mut s, v, 0, ORDER, false);
    s.push('\n');
    s
}

fn write(s: &mut String, v: &Value, depth: usize, order: &[&str], sorted: bool) {
    let pad = |n: usize| "    ".repeat(n);
    match v {
        Value::Object(m) if m.is_empty() => s.push_str("{}"),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            if !sorted {
                ordinal_sim::sort::sort_by_key(&mut keys, |k| {
                    (
                        order.iter().position(|g| g == k).unwrap_or(order.len()),
                        k.as_str(),
                    )
                });
            }
            s.push_str("{\n");
            for (i, k) in keys.iter().enumerate() {
                s.push_str(&pad(depth + 1));
                s.push_str(&crate::dryrun::go_string(k));
                s.push_str(": ");
                let (inner, sorted) = match k.as_str() {
                    "involvedObject" | "related" => (REFERENCE, false),
                    "labels" | "annotations" => (ORDER, true),
                    _ => (ORDER, false),
                };
                write(s, &m[*k], depth + 1, inner, sorted);
                if i + 1 < keys.len() {
                    s.push(',');
                }
                s.push('\n');
            }
            s.push_str(&pad(depth));
            s.push('}');
        }
        Value::Array(a) if a.is_empty() => s.push_str("[]"),
        Value::Array(a) => {
            s.push_str("[\n");
            for (i, x) in a.iter().enumerate() {
                s.push_str(&pad(depth + 1));
                write(s, x, depth + 1, order, false);
                if i + 1 < a.len() {
                    s.push(',');
                }
                s.push('\n');
            }
            s.push_str(&pad(depth));
            s.push(']');
        }
        Value::String(x) => s.push_str(&crate::dryrun::go_string(x)),
        scalar => s.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ordinal_sim::api::EventSeries;

    #[test]
    fn intervals_as_get_interval_writes_them() {
        let now = Time(600_000);
        let mut e = Event {
            first_timestamp: Some(Time(480_000)),
            last_timestamp: Some(Time(595_000)),
            count: Some(1),
            ..Default::default()
        };
        // Seen once: when it was first seen.
        assert_eq!(interval(now, &e), "2m");
        e.count = Some(3);
        assert_eq!(interval(now, &e), "5s (x3 over 2m)");
        // An events.k8s.io event: its event time, and a series' last observation.
        let e = Event {
            event_time: Some(Time(590_000)),
            series: Some(EventSeries {
                count: 2,
                last_observed_time: Some(Time(599_000)),
            }),
            ..Default::default()
        };
        assert_eq!(interval(now, &e), "1s (x2 over 10s)");
        assert_eq!(sort_time(&e), Some(Time(599_000)));
        assert_eq!(interval(now, &Event::default()), "<unknown>");
    }
}
