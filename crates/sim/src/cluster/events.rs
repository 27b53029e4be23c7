//! The event recorders: core/v1 Events as client-go's correlator writes them (aggregation,
//! `count` for repeats, the spam filter) and events.k8s.io Events with `series`.

use super::Cluster;
use crate::api::*;
use crate::store::ObjKey;
use crate::time::{Time, MINUTE};

impl Cluster {
    /// Records an Event about `involved`, aggregating repeats as the event correlator does
    /// (same object, type, reason, message and source → `count` goes up).
    pub(crate) fn record_event(
        &mut self,
        involved: &Object,
        type_: &str,
        reason: &str,
        message: &str,
        component: &str,
        host: Option<&str>,
    ) {
        self.record_event_at(involved, None, type_, reason, message, component, host);
    }

    /// [`Cluster::record_event`] about a part of the object: `involvedObject.fieldPath`, as the
    /// kubelet's container events carry it (`spec.containers{nginx}`).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn record_event_at(
        &mut self,
        involved: &Object,
        field_path: Option<&str>,
        type_: &str,
        reason: &str,
        message: &str,
        component: &str,
        host: Option<&str>,
    ) {
        let m = involved.meta();
        let ns = event_namespace(m);
        // EventAggregator: events about one object from one source with the same type and
        // reason but different messages; the tenth distinct message within ten minutes of the
        // last is combined into one event that counts every later one.
        let source = format!("{component}/{}", host.unwrap_or(""));
        let agg_key = event_key([&m.uid, &source, type_, reason, ""]);
        let combined = {
            let now = self.now;
            let rec = self
                .event_aggregate
                .entry(agg_key)
                .or_insert_with(|| (Vec::new(), now));
            if now.since(rec.1) > AGGREGATE_INTERVAL_MS {
                rec.0.clear();
            }
            // The distinct messages, in order (a set: a sorted Vec is a fraction of a BTreeSet's
            // node for the one or two messages most objects have; grown one at a time, where
            // `Vec`'s first growth would hold four).
            if let Err(at) = rec.0.binary_search_by(|m| (**m).cmp(message)) {
                rec.0.reserve_exact(1);
                rec.0.insert(at, message.into());
            }
            rec.1 = now;
            if rec.0.len() < AGGREGATE_MAX_EVENTS {
                false
            } else {
                // `PopAny` (Go's map order; the first in order here).
                rec.0.remove(0);
                true
            }
        };
        let combined_message;
        let (key, message) = if combined {
            combined_message = format!("(combined from similar events): {message}");
            (agg_key, combined_message.as_str())
        } else {
            let involved = format!("{}{}", m.uid, field_path.unwrap_or(""));
            let key = event_key([&involved, type_, reason, message, component]);
            (key, message)
        };
        // eventObserve: the recorder's cache counts every occurrence (the name is the first's).
        let (name, count, first) = match self.event_index.get_mut(&key) {
            Some(obs) => {
                obs.count += 1;
                (obs.name.clone(), obs.count, obs.first)
            }
            None => {
                let name = self.event_name(m);
                self.event_index.insert(
                    key,
                    Observed {
                        name: name.clone(),
                        count: 1,
                        first: self.now,
                    },
                );
                (name, 1, self.now)
            }
        };
        // EventSourceObjectSpamFilter: 25 writes at once per source, object and type, then
        // one per five minutes; a write that passes carries the count seen so far.
        let spam_key = event_key([&m.uid, &source, type_, "", ""]);
        let now = self.now;
        let bucket = self.event_spam.entry(spam_key).or_insert((SPAM_BURST, now));
        let refill = now.since(bucket.1) as f64 / SPAM_REFILL_MS as f64;
        bucket.0 = (bucket.0 + refill).min(SPAM_BURST);
        bucket.1 = now;
        if bucket.0 < 1.0 {
            return;
        }
        bucket.0 -= 1.0;
        if let Some(Object::Event(mut ev)) = self
            .store
            .get(Kind::Event, &ns, &name)
            .map(|o| (**o).clone())
        {
            ev.count = Some(count);
            ev.last_timestamp = Some(self.now);
            ev.message = Some(message.into());
            self.store.put(Object::Event(ev));
            return;
        }
        let strs = &mut self.event_strings;
        let ev = Event {
            reason: Some(strs.get(reason)),
            message: Some(message.into()),
            source: EventSource {
                component: Some(strs.get(component)),
                host: host.map(|h| strs.get(h)),
            },
            first_timestamp: Some(first),
            last_timestamp: Some(self.now),
            count: Some(count),
            type_: Some(strs.get(type_)),
            event_time: None,
            action: None,
            series: None,
            reporting_component: Some(strs.get(component)),
            reporting_instance: Some(strs.get(host.unwrap_or(""))),
            ..self.new_event(involved, name, field_path)
        };
        self.store.put(Object::from(ev));
    }

    /// Records an Event as a component on the events.k8s.io API does (the scheduler): no
    /// `source`, `firstTimestamp` or `count`, but `eventTime`, `action` and the reporting
    /// controller and instance. A repeat (same object, action, reason and reporter; the message
    /// is not compared) within six minutes of the last joins the first event's series, whose
    /// count is written at the first repeat and then with the recorder's 30-minute heartbeat.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn record_event_series(
        &mut self,
        involved: &Object,
        type_: &str,
        reason: &str,
        action: &str,
        message: &str,
        controller: &str,
        instance: &str,
    ) {
        const SERIES_WINDOW_MS: u64 = 6 * MINUTE;
        const HEARTBEAT_MS: u64 = 30 * MINUTE;
        let m = involved.meta();
        let key = event_key([
            &m.uid,
            &format!("{}/{}", m.resource_version, action),
            reason,
            "",
            controller,
        ]);
        if let Some(s) = self.event_series.get_mut(&key) {
            if self.now.since(s.last_observed) <= SERIES_WINDOW_MS {
                s.count += 1;
                s.last_observed = self.now;
                let write = s.count == 2 || self.now.since(s.written_at) >= HEARTBEAT_MS;
                if write {
                    s.written_at = self.now;
                    let (count, at) = (s.count, s.last_observed);
                    let (ens, ename) = s.event.clone();
                    if let Some(Object::Event(mut ev)) = self
                        .store
                        .get(Kind::Event, &ens, &ename)
                        .map(|o| (**o).clone())
                    {
                        ev.series = Some(EventSeries {
                            count,
                            last_observed_time: Some(at),
                        });
                        self.store.put(Object::Event(ev));
                    }
                }
                return;
            }
        }
        let ns = event_namespace(m);
        let name = self.event_name(m);
        let strs = &mut self.event_strings;
        let ev = Event {
            reason: Some(strs.get(reason)),
            message: Some(message.into()),
            type_: Some(strs.get(type_)),
            event_time: Some(self.now),
            action: Some(strs.get(action)),
            reporting_component: Some(strs.get(controller)),
            reporting_instance: Some(strs.get(instance)),
            ..self.new_event(involved, name.clone(), None)
        };
        self.store.put(Object::from(ev));
        self.event_series.insert(
            key,
            SeriesState {
                event: (ns, name),
                count: 1,
                last_observed: self.now,
                written_at: self.now,
            },
        );
    }

    /// A new event's name: the involved object's, then a number that sorts in creation
    /// order, as the API server's nanosecond timestamps do.
    fn event_name(&mut self, involved: &ObjectMeta) -> String {
        self.event_seq += 1;
        let nanos = self.now.0 as u128 * 1_000_000 + (self.event_seq % 1_000_000) as u128;
        let mut name = format!("{}.{:x}", involved.name, nanos);
        name.shrink_to_fit();
        name
    }

    /// A new Event named `name` about `involved` (or a part of it, `field_path`): its metadata
    /// and `involvedObject`; the recorder fills in the rest.
    fn new_event(&mut self, involved: &Object, name: String, field_path: Option<&str>) -> Event {
        let m = involved.meta();
        Event {
            metadata: ObjectMeta {
                name,
                namespace: event_namespace(m),
                uid: self.rng.uuid(),
                creation_timestamp: Some(self.now),
                ..Default::default()
            },
            involved_object: ObjectReference {
                api_version: Some(involved.kind().api_version()),
                kind: Some(involved.kind().name().into()),
                namespace: (!m.namespace.is_empty()).then(|| m.namespace.clone()),
                name: Some(m.name.clone()),
                uid: Some(m.uid.clone()),
                resource_version: Some(m.resource_version.clone()),
                field_path: field_path.map(Into::into),
            },
            ..Default::default()
        }
    }
}

/// Events about a cluster-scoped object go to `default`.
fn event_namespace(involved: &ObjectMeta) -> String {
    if involved.namespace.is_empty() {
        "default".to_string()
    } else {
        involved.namespace.clone()
    }
}

/// The recorders' cache keys: five strings (which ones, each map's comment says), kept as a
/// 128-bit hash of them (two SipHashes, told apart by a first byte). The strings were most of
/// a key's bytes (an object's uid, the reason, the whole message) and there are a few keys an
/// Event; two different keys with one hash is as likely as guessing a 64-bit number twice in
/// a row.
pub(super) type EventKey = u128;

fn event_key(parts: [&str; 5]) -> EventKey {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let half = |salt: u8| {
        let mut h = DefaultHasher::new();
        salt.hash(&mut h);
        for p in parts {
            // `str`'s `Hash` ends each string with a marker byte: the parts stay apart.
            p.hash(&mut h);
        }
        h.finish()
    };
    (u128::from(half(0)) << 64) | u128::from(half(1))
}

/// client-go's `defaultAggregateMaxEvents` and `defaultAggregateIntervalInSeconds`.
const AGGREGATE_MAX_EVENTS: usize = 10;
const AGGREGATE_INTERVAL_MS: u64 = 600 * 1000;

/// client-go's spam filter: `defaultSpamBurst`, and one token per `1/defaultSpamQPS` seconds.
const SPAM_BURST: f64 = 25.0;
const SPAM_REFILL_MS: u64 = 300 * 1000;

/// The legacy recorder's view of one event: its name and how often it was seen.
#[derive(Clone)]
pub(super) struct Observed {
    name: String,
    count: i32,
    first: Time,
}

/// The recorder's view of one events.k8s.io series.
#[derive(Clone)]
pub(super) struct SeriesState {
    event: ObjKey,
    count: i32,
    last_observed: Time,
    written_at: Time,
}
