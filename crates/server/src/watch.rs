//! WATCH (`?watch=true`): a chunked stream of `{"type": …, "object": …}` lines, one chunk per
//! event, from the store's watch log. From `resourceVersion` N it sends what happened after N;
//! with none (or `0`) it first sends the current objects as `ADDED`. Bookmarks when asked
//! (`allowWatchBookmarks`), an `ERROR` event with `410 Expired` for a version the log no
//! longer holds, and the end of the stream at `timeoutSeconds` (or the server's own timeout).
//!
//! The stream takes the lock only to read the log; it waits on the shared condition variable,
//! and writes to the client with the lock released. Under a virtual clock, a watch that has
//! had nothing to send for [`VIRTUAL_IDLE`] moves the cluster to its next timer, so a client
//! waiting for something (a deletion, a rollout) sees it happen as a script would.

use crate::clock::ClockMode;
use crate::http::{ChunkWriter, Request, Response};
use crate::resources::{object_json, Filter};
use crate::router::Target;
use crate::{status, table, Shared};
use ordinal_sim::{Cluster, Object, WatchEventType};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The API server's own watch timeout when the client gives none (its `--min-request-timeout`
/// is 1800 s, randomised up to twice that; this one is fixed).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1800);
/// How often a watch that asked for them gets a bookmark.
pub const BOOKMARK_EVERY: Duration = Duration::from_secs(60);
/// How long a watch waits, under a virtual clock, before it moves time to the next timer.
pub const VIRTUAL_IDLE: Duration = Duration::from_millis(30);
/// The most simulated time a virtual clock's idle watches may skip ahead in one step.
pub const VIRTUAL_STEP_LIMIT_MS: u64 = 3_600_000;

struct Watch {
    kind: ordinal_sim::Kind,
    namespace: Option<String>,
    filter: Filter,
    table: bool,
    include: String,
    bookmarks: bool,
}

impl Watch {
    fn wants(&self, o: &Object) -> bool {
        o.kind() == self.kind
            && self
                .namespace
                .as_deref()
                .is_none_or(|ns| o.namespace() == ns)
            && self.filter.matches(o)
    }

    fn event_line(&self, c: &Cluster, type_: &str, o: &Object) -> Vec<u8> {
        let object = if self.table {
            let rv = o.meta().resource_version.clone();
            table::table(
                c,
                self.kind,
                &[o],
                &self.include,
                json!({"resourceVersion": rv}),
            )
        } else {
            object_json(o)
        };
        line(&json!({"type": type_, "object": object}))
    }
}

fn line(v: &Value) -> Vec<u8> {
    let mut b = serde_json::to_vec(v).unwrap_or_default();
    b.push(b'\n');
    b
}

pub fn serve(shared: &Arc<Shared>, req: &Request, t: &Target) -> Response {
    let filter = match Filter::from_request(req, t.kind) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let timeout = match req.param("timeoutSeconds") {
        None | Some("") => DEFAULT_TIMEOUT,
        Some(s) => match s.parse::<u64>() {
            Ok(n) => Duration::from_secs(n.min(DEFAULT_TIMEOUT.as_secs() * 2)),
            Err(_) => {
                return status::bad_request(&format!("invalid value for timeoutSeconds: {s:?}"))
            }
        },
    };
    let from = match req.param("resourceVersion") {
        None | Some("") | Some("0") => None,
        Some(s) => match s.parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => {
                return status::bad_request(&format!("invalid resource version: {s:?}"));
            }
        },
    };
    let w = Watch {
        kind: t.kind,
        namespace: t.namespace.clone(),
        filter,
        table: table::wants_table(req.header("accept")),
        include: req.param("includeObject").unwrap_or("Metadata").to_string(),
        bookmarks: matches!(req.param("allowWatchBookmarks"), Some("true") | Some("1")),
    };
    let shared = shared.clone();
    Response::stream(
        200,
        "application/json",
        Box::new(move |out: &mut ChunkWriter| stream(&shared, w, from, timeout, out)),
    )
}

fn stream(
    shared: &Shared,
    w: Watch,
    from: Option<u64>,
    timeout: Duration,
    out: &mut ChunkWriter,
) -> std::io::Result<()> {
    let start = Instant::now();
    let mut cursor;
    // The initial state, for a watch with no resourceVersion.
    {
        let st = shared.lock();
        let c = &st.cluster;
        match from {
            Some(rv) => cursor = rv,
            None => {
                cursor = c.resource_version();
                let mut buf = Vec::new();
                for o in c.list(w.kind, w.namespace.as_deref()) {
                    if w.wants(&o) {
                        buf.extend(w.event_line(c, "ADDED", &o));
                    }
                }
                drop(st);
                out.send(&buf)?;
            }
        }
    }
    let mut last_sent = Instant::now();
    let mut last_bookmark = Instant::now();
    loop {
        if shared.stopping.load(std::sync::atomic::Ordering::SeqCst) {
            return Ok(());
        }
        let elapsed = start.elapsed();
        if elapsed >= timeout {
            return Ok(());
        }
        if out.closed() {
            // The client left: free this thread now, not at the next event.
            return Err(std::io::ErrorKind::ConnectionAborted.into());
        }
        let mut st = shared.lock();
        let events = match st.cluster.watch_kind_since(w.kind, cursor) {
            Ok(e) => e,
            Err(e) => {
                drop(st);
                // "too old resource version: RV (OLDEST)": the kind's watch cache no longer
                // reaches back; the client lists again.
                let msg = e.message;
                let v =
                    json!({"type": "ERROR", "object": status::status_value(410, "Expired", &msg)});
                out.send(&line(&v))?;
                return Ok(());
            }
        };
        // Everything up to now has been seen (the stream is live): a later read starts there.
        cursor = st.cluster.resource_version();
        if !events.is_empty() {
            let mut buf = Vec::new();
            for ev in &events {
                if w.wants(&ev.object) {
                    let type_ = match ev.type_ {
                        WatchEventType::Added => "ADDED",
                        WatchEventType::Modified => "MODIFIED",
                        WatchEventType::Deleted => "DELETED",
                    };
                    buf.extend(w.event_line(&st.cluster, type_, &ev.object));
                }
            }
            drop(st);
            if !buf.is_empty() {
                out.send(&buf)?;
                last_sent = Instant::now();
            }
            continue;
        }
        if w.bookmarks && last_bookmark.elapsed() >= BOOKMARK_EVERY {
            let rv = st.cluster.resource_version();
            drop(st);
            let v = json!({"type": "BOOKMARK", "object": {
                "kind": w.kind.name(), "apiVersion": w.kind.api_version(),
                "metadata": {"resourceVersion": rv.to_string(), "creationTimestamp": null},
            }});
            out.send(&line(&v))?;
            last_bookmark = Instant::now();
            continue;
        }
        if st.clock.mode == ClockMode::Virtual && last_sent.elapsed() >= VIRTUAL_IDLE {
            // A client that went away no longer waits for anything: time must not move for it.
            if out.closed_now() {
                return Ok(());
            }
            // Nothing for this watch yet: let simulated time reach the next thing that happens.
            let before = st.cluster.now();
            let moved = match st.cluster.next_timer() {
                Some(at) if at.since(before) <= VIRTUAL_STEP_LIMIT_MS => {
                    st.cluster.step().is_some()
                }
                _ => false,
            };
            if moved {
                drop(st);
                shared.notify();
                last_sent = Instant::now();
                continue;
            }
        }
        let wait = (timeout - elapsed).min(Duration::from_millis(250));
        let (guard, _) = shared
            .changed
            .wait_timeout(st, wait)
            .unwrap_or_else(|e| e.into_inner());
        drop(guard);
    }
}
