//! Fault injection for the controllers' API calls, as upstream's controller tests inject it
//! with fake clients (`om.SetCreateStatefulPodError(err, after)`, a reactor that returns an
//! error): a plan ([`Faults`]) of rules, each naming a verb (create, update, status update,
//! delete), optionally a kind and a controller, the error (409 Conflict, 500 InternalError,
//! 504 Timeout) and when it strikes (after N matching calls, for a number of calls; or each
//! call with a probability drawn from the cluster's seeded RNG); and watch drops, after which
//! the informers relist.
//!
//! Faults strike the writes a controller makes while it reconciles (the client the controllers
//! use), never a client's own request (kubectl, the web view, `ordinal serve`). With no plan
//! the cost is one `Option` check per controller write and per watch event.

use crate::api::Kind;
use crate::error::{ApiError, Reason};

/// The write a rule matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verb {
    Create,
    /// PUT of the main resource (spec and metadata).
    Update,
    /// PUT of the `/status` subresource.
    UpdateStatus,
    Delete,
}

/// The error a faulted call gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// 409 Conflict, the optimistic-concurrency failure: `Operation cannot be fulfilled on
    /// pods "web-0": the object has been modified; please apply your changes to the latest
    /// version and try again`. Nothing is written.
    Conflict,
    /// 500 InternalError, as upstream's tests inject it:
    /// `apierrors.NewInternalError(errors.New("API server failed"))`. Nothing is written.
    Internal,
    /// 504 Timeout (`errors.NewTimeoutError`, what the API server's timeout filter answers):
    /// `Timeout: request did not complete within requested timeout - context deadline
    /// exceeded`. As there, the request may still complete: the write is done, but the caller
    /// is told it failed.
    Timeout,
}

impl Fault {
    /// The error the caller gets, for the object `name` of `kind`.
    pub fn error(self, kind: Kind, name: &str) -> ApiError {
        match self {
            Fault::Conflict => ApiError::conflict(kind, name),
            Fault::Internal => ApiError::new(
                Reason::InternalError,
                "Internal error occurred: API server failed",
            ),
            Fault::Timeout => ApiError::new(
                Reason::Timeout,
                "Timeout: request did not complete within requested timeout - context deadline exceeded",
            ),
        }
    }
}

/// When a rule strikes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// Once `after` matching calls went through, the next `times` fail (upstream's
    /// `requestTracker`: `after`, then one failure and the error is reset, is `times: 1`).
    /// `u64::MAX` fails every call from then on, until the plan is cleared.
    After { after: u64, times: u64 },
    /// Each matching call fails with probability `per_million` / 1,000,000, drawn from the
    /// cluster's seeded RNG (so a run is still a function of the seed).
    Chance { per_million: u32 },
}

/// One rule of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub verb: Verb,
    /// The kind it matches; `None`: every kind.
    pub kind: Option<Kind>,
    /// The controller whose writes it matches (`"statefulset-controller"`,
    /// `"replicaset-controller"`, `"deployment-controller"`, …); `None`: every controller's.
    pub controller: Option<&'static str>,
    pub fault: Fault,
    pub when: When,
    /// Matching calls seen so far.
    pub calls: u64,
    /// Of those, how many failed.
    pub failed: u64,
}

impl Rule {
    /// A rule for `verb`, failing with `fault` from the first call on, for ever.
    pub fn new(verb: Verb, fault: Fault) -> Rule {
        Rule {
            verb,
            kind: None,
            controller: None,
            fault,
            when: When::After {
                after: 0,
                times: u64::MAX,
            },
            calls: 0,
            failed: 0,
        }
    }
    pub fn kind(mut self, kind: Kind) -> Rule {
        self.kind = Some(kind);
        self
    }
    pub fn by(mut self, controller: &'static str) -> Rule {
        self.controller = Some(controller);
        self
    }
    /// Fails the `times` calls after the first `after`.
    pub fn after(mut self, after: u64, times: u64) -> Rule {
        self.when = When::After { after, times };
        self
    }
    /// Upstream's `Set…Error(err, after)`: one failure after `after` calls.
    pub fn once_after(self, after: u64) -> Rule {
        self.after(after, 1)
    }
    pub fn chance(mut self, per_million: u32) -> Rule {
        self.when = When::Chance { per_million };
        self
    }

    fn matches(&self, verb: Verb, kind: Kind, controller: &str) -> bool {
        self.verb == verb
            && self.kind.is_none_or(|k| k == kind)
            && self.controller.is_none_or(|c| c == controller)
    }
}

/// A watch drop: after `after` more watch events, the next `events` events (of `kind`, or of
/// every kind) are lost; then the informer relists, as client-go's reflector does when its
/// watch ends: every object of each kind that lost events is handed to the handlers again as
/// an update, and each object that went meanwhile as a delete (`DeletedFinalStateUnknown`).
/// The relist comes once the `events` are lost, or when the controllers go quiet, whichever
/// is first (so a gap never outlasts the work it hid).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WatchDrop {
    pub kind: Option<Kind>,
    pub after: u64,
    pub events: u64,
    /// Events seen so far and how many were dropped.
    pub seen: u64,
    pub dropped: u64,
}

impl WatchDrop {
    pub fn new(after: u64, events: u64) -> WatchDrop {
        WatchDrop {
            kind: None,
            after,
            events,
            seen: 0,
            dropped: 0,
        }
    }
    pub fn kind(mut self, kind: Kind) -> WatchDrop {
        self.kind = Some(kind);
        self
    }
}

/// One fault that struck, for tests and the chaos runs to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Injected {
    pub controller: &'static str,
    pub verb: Verb,
    pub kind: Kind,
    pub name: String,
    pub fault: Fault,
}

/// A fault plan: [`crate::Cluster::set_faults`] arms it, [`crate::Cluster::clear_faults`]
/// takes it back (with what it did).
#[derive(Clone, Debug, Default)]
pub struct Faults {
    pub rules: Vec<Rule>,
    pub watch_drops: Vec<WatchDrop>,
    /// Every fault that struck, in order.
    pub injected: Vec<Injected>,
    /// The objects whose watch events were dropped, to relist: (kind, namespace, name) and the
    /// object as last seen.
    pub(crate) lost: Vec<crate::store::WatchEvent>,
}

impl Faults {
    pub fn new() -> Faults {
        Faults::default()
    }
    pub fn rule(mut self, rule: Rule) -> Faults {
        self.rules.push(rule);
        self
    }
    pub fn watch_drop(mut self, drop: WatchDrop) -> Faults {
        self.watch_drops.push(drop);
        self
    }

    /// How many faults struck calls of `verb` (of `kind`, if given).
    pub fn count(&self, verb: Verb, kind: Option<Kind>) -> usize {
        self.injected
            .iter()
            .filter(|i| i.verb == verb && kind.is_none_or(|k| k == i.kind))
            .count()
    }

    /// The fault for a call, if one strikes: every matching rule counts the call; the first
    /// that fires wins. `draw` gives a number below 1,000,000 from the seeded RNG.
    pub(crate) fn strike(
        &mut self,
        controller: &'static str,
        verb: Verb,
        kind: Kind,
        name: &str,
        mut draw: impl FnMut() -> u32,
    ) -> Option<Fault> {
        let mut hit = None;
        for r in self.rules.iter_mut() {
            if !r.matches(verb, kind, controller) {
                continue;
            }
            let n = r.calls;
            r.calls += 1;
            if hit.is_some() {
                continue;
            }
            let fires = match r.when {
                When::After { after, times } => n >= after && r.failed < times,
                When::Chance { per_million } => draw() < per_million,
            };
            if fires {
                r.failed += 1;
                hit = Some(r.fault);
            }
        }
        if let Some(fault) = hit {
            self.injected.push(Injected {
                controller,
                verb,
                kind,
                name: name.to_string(),
                fault,
            });
        }
        hit
    }

    /// Whether the watch event is lost (and so kept for the relist).
    pub(crate) fn drops(&mut self, ev: &crate::store::WatchEvent) -> bool {
        let kind = ev.object.kind();
        let mut lost = false;
        for d in self.watch_drops.iter_mut() {
            if d.kind.is_some_and(|k| k != kind) {
                continue;
            }
            let n = d.seen;
            d.seen += 1;
            if !lost && n >= d.after && d.dropped < d.events {
                d.dropped += 1;
                lost = true;
            }
        }
        if lost {
            self.lost.push(ev.clone());
        }
        lost
    }

    /// Whether a watch that dropped has ended its gap, so the informers relist now.
    pub(crate) fn relist_due(&self) -> bool {
        !self.lost.is_empty()
            && self
                .watch_drops
                .iter()
                .all(|d| d.dropped == 0 || d.dropped >= d.events)
    }
}

/// The names [`Verb`]s have in a plan's text.
const VERBS: [(&str, Verb); 4] = [
    ("create", Verb::Create),
    ("update", Verb::Update),
    ("status", Verb::UpdateStatus),
    ("delete", Verb::Delete),
];

/// The names [`Fault`]s have in a plan's text.
const FAULTS: [(&str, Fault); 3] = [
    ("conflict", Fault::Conflict),
    ("internal", Fault::Internal),
    ("timeout", Fault::Timeout),
];

impl Faults {
    /// A plan from its text, as `ordinal run --faults` takes it: items separated by commas,
    /// each `VERB:FAULT:WHEN` or `watch:AFTER+EVENTS`, then optional `:kind=KIND` and (for
    /// a rule) `:by=CONTROLLER`.
    ///
    /// - VERB: `create`, `update`, `status` (a `/status` PUT), `delete`, or `*` for all four;
    /// - FAULT: `conflict` (409), `internal` (500), `timeout` (504, the write still done), or
    ///   `*` for all three (one rule per verb and fault);
    /// - WHEN: `P%` (each call with that chance, e.g. `2%`, `0.5%`), `N+M` (after N calls, the
    ///   next M fail) or `N+` (after N calls, every one fails);
    /// - `watch:AFTER+EVENTS`: after AFTER watch events, the next EVENTS are lost, then the
    ///   informers relist.
    ///
    /// The chaos runs' plan is `*:*:2%,watch:50+5,watch:400+20`. [`Faults::spec`] writes a
    /// plan back in this form.
    pub fn parse(spec: &str) -> Result<Faults, String> {
        let mut plan = Faults::new();
        for item in spec.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let mut parts = item.split(':');
            let head = parts.next().unwrap_or_default();
            if head == "watch" {
                let (after, events) = parts
                    .next()
                    .and_then(|w| w.split_once('+'))
                    .and_then(|(a, e)| Some((a.parse().ok()?, e.parse().ok()?)))
                    .ok_or_else(|| {
                        format!("{item:?}: a watch drop is watch:AFTER+EVENTS, e.g. watch:50+5")
                    })?;
                let mut drop = WatchDrop::new(after, events);
                for opt in parts {
                    match opt.split_once('=') {
                        Some(("kind", k)) => drop.kind = Some(parse_kind(k)?),
                        _ => return Err(format!("{item:?}: unknown option {opt:?} (kind=KIND)")),
                    }
                }
                plan.watch_drops.push(drop);
                continue;
            }
            let verbs: Vec<Verb> = match head {
                "*" => VERBS.iter().map(|(_, v)| *v).collect(),
                v => vec![lookup(&VERBS, v).ok_or_else(|| {
                    format!("{item:?}: unknown verb {v:?} (create, update, status, delete, *)")
                })?],
            };
            let faults: Vec<Fault> = match parts.next() {
                Some("*") => FAULTS.iter().map(|(_, f)| *f).collect(),
                Some(f) => vec![lookup(&FAULTS, f).ok_or_else(|| {
                    format!("{item:?}: unknown fault {f:?} (conflict, internal, timeout, *)")
                })?],
                None => {
                    return Err(format!(
                        "{item:?}: a rule is VERB:FAULT:WHEN, e.g. create:timeout:2%"
                    ))
                }
            };
            let when = parse_when(parts.next().unwrap_or_default())
                .ok_or_else(|| format!("{item:?}: WHEN is P% (a chance), N+M (after N calls, M fail) or N+ (after N, all fail)"))?;
            let (mut kind, mut by) = (None, None);
            for opt in parts {
                match opt.split_once('=') {
                    Some(("kind", k)) => kind = Some(parse_kind(k)?),
                    Some(("by", name)) => {
                        by =
                            Some(crate::controllers::controller_name(name).ok_or_else(|| {
                                format!("{item:?}: no controller is called {name:?}")
                            })?)
                    }
                    _ => {
                        return Err(format!(
                            "{item:?}: unknown option {opt:?} (kind=KIND, by=CONTROLLER)"
                        ))
                    }
                }
            }
            for &verb in &verbs {
                for &fault in &faults {
                    let mut rule = Rule::new(verb, fault);
                    rule.when = when;
                    rule.kind = kind;
                    rule.controller = by;
                    plan.rules.push(rule);
                }
            }
        }
        Ok(plan)
    }

    /// The plan as [`Faults::parse`] reads it, one item per rule and watch drop.
    pub fn spec(&self) -> String {
        let mut items = Vec::new();
        for r in &self.rules {
            let verb = VERBS
                .iter()
                .find(|(_, v)| *v == r.verb)
                .map_or("", |(n, _)| n);
            let fault = FAULTS
                .iter()
                .find(|(_, f)| *f == r.fault)
                .map_or("", |(n, _)| n);
            let when = match r.when {
                When::Chance { per_million } => {
                    let (whole, frac) = (per_million / 10_000, per_million % 10_000);
                    if frac == 0 {
                        format!("{whole}%")
                    } else {
                        let frac = format!("{frac:04}");
                        format!("{whole}.{}%", frac.trim_end_matches('0'))
                    }
                }
                When::After {
                    after,
                    times: u64::MAX,
                } => format!("{after}+"),
                When::After { after, times } => format!("{after}+{times}"),
            };
            let mut item = format!("{verb}:{fault}:{when}");
            if let Some(k) = r.kind {
                item.push_str(&format!(":kind={}", k.name()));
            }
            if let Some(c) = r.controller {
                item.push_str(&format!(":by={c}"));
            }
            items.push(item);
        }
        for d in &self.watch_drops {
            let mut item = format!("watch:{}+{}", d.after, d.events);
            if let Some(k) = d.kind {
                item.push_str(&format!(":kind={}", k.name()));
            }
            items.push(item);
        }
        items.join(",")
    }
}

fn lookup<T: Copy>(table: &[(&str, T)], name: &str) -> Option<T> {
    table.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

fn parse_kind(name: &str) -> Result<Kind, String> {
    Kind::ALL
        .iter()
        .copied()
        .find(|k| k.name().eq_ignore_ascii_case(name))
        .ok_or_else(|| format!("unknown kind {name:?}"))
}

/// `P%` (up to four decimals), `N+M` or `N+`.
fn parse_when(w: &str) -> Option<When> {
    if let Some(p) = w.strip_suffix('%') {
        let (whole, frac) = p.split_once('.').unwrap_or((p, ""));
        if frac.len() > 4 || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let whole: u32 = whole.parse().ok()?;
        let frac: u32 = format!("{frac:0<4}").parse().ok()?;
        let per_million = whole.checked_mul(10_000)?.checked_add(frac)?;
        return (per_million <= 1_000_000).then_some(When::Chance { per_million });
    }
    let (after, times) = w.split_once('+')?;
    let after = after.parse().ok()?;
    let times = if times.is_empty() {
        u64::MAX
    } else {
        times.parse().ok()?
    };
    Some(When::After { after, times })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_reads_from_its_text_and_writes_back() {
        let f = Faults::parse("*:*:2%,watch:50+5,watch:400+20").unwrap();
        assert_eq!(f.rules.len(), 12);
        assert!(f.rules.iter().all(|r| r.when
            == When::Chance {
                per_million: 20_000
            }
            && r.kind.is_none()));
        assert_eq!(
            f.watch_drops,
            [WatchDrop::new(50, 5), WatchDrop::new(400, 20)]
        );
        let text = "create:timeout:0.25%:kind=PersistentVolume,update:conflict:3+1:kind=Pod:by=statefulset-controller,delete:internal:0+,watch:7+2:kind=Pod";
        let f = Faults::parse(text).unwrap();
        assert_eq!(f.spec(), text);
        assert_eq!(f.rules[0].when, When::Chance { per_million: 2_500 });
        assert_eq!(f.rules[1].controller, Some("statefulset-controller"));
        assert_eq!(
            f.rules[2].when,
            When::After {
                after: 0,
                times: u64::MAX
            }
        );
        assert_eq!(Faults::parse(&f.spec()).unwrap().spec(), text);
        for (bad, why) in [
            ("create", "a rule is VERB:FAULT:WHEN"),
            ("make:timeout:1%", "unknown verb \"make\""),
            ("create:slow:1%", "unknown fault \"slow\""),
            ("create:timeout:101%", "WHEN is"),
            (
                "create:timeout:1%:by=nobody",
                "no controller is called \"nobody\"",
            ),
            ("create:timeout:1%:kind=Gadget", "unknown kind \"Gadget\""),
            ("watch:5", "watch:AFTER+EVENTS"),
        ] {
            let e = Faults::parse(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn after_n_calls_fails_the_next_times_calls_then_passes() {
        let mut f = Faults::new().rule(
            Rule::new(Verb::Create, Fault::Internal)
                .kind(Kind::Pod)
                .after(2, 1),
        );
        let go = |f: &mut Faults, kind| f.strike("x", Verb::Create, kind, "p", || 0);
        assert_eq!(go(&mut f, Kind::Pod), None);
        // Another kind is not counted.
        assert_eq!(go(&mut f, Kind::Service), None);
        assert_eq!(go(&mut f, Kind::Pod), None);
        assert_eq!(go(&mut f, Kind::Pod), Some(Fault::Internal));
        assert_eq!(go(&mut f, Kind::Pod), None);
        assert_eq!(f.count(Verb::Create, Some(Kind::Pod)), 1);
        assert_eq!(f.rules[0].calls, 4);
    }

    #[test]
    fn a_rule_for_one_controller_leaves_the_others_alone() {
        let mut f = Faults::new()
            .rule(Rule::new(Verb::Delete, Fault::Conflict).by("replicaset-controller"));
        assert_eq!(
            f.strike("statefulset-controller", Verb::Delete, Kind::Pod, "a", || 0),
            None
        );
        assert_eq!(
            f.strike("replicaset-controller", Verb::Delete, Kind::Pod, "a", || 0),
            Some(Fault::Conflict)
        );
    }

    #[test]
    fn the_errors_are_the_api_servers() {
        let e = Fault::Conflict.error(Kind::StatefulSet, "web");
        assert_eq!(e.reason.code(), 409);
        assert_eq!(e.message, "Operation cannot be fulfilled on statefulsets.apps \"web\": the object has been modified; please apply your changes to the latest version and try again");
        let e = Fault::Internal.error(Kind::Pod, "web-0");
        assert_eq!(e.reason.code(), 500);
        assert_eq!(e.message, "Internal error occurred: API server failed");
        let e = Fault::Timeout.error(Kind::Pod, "web-0");
        assert_eq!((e.reason.code(), e.reason.as_str()), (504, "Timeout"));
    }
}
