//! `kubectl describe`, as kubectl v1.33's describers (`k8s.io/kubectl/pkg/describe`) write it.
//!
//! Every describer writes `Label:\tvalue` lines through a prefix writer (two spaces per
//! level, terminal escapes neutralised) into Go's `text/tabwriter` (minimum width 0, padding
//! 2, spaces). The tabwriter aligns a column over each run of consecutive lines that have a
//! cell in it, so a line without a tab (`Containers:`) starts a fresh alignment. This module
//! builds the same text and runs it through a port of that tabwriter.

use crate::args::{flag, FlagSpec};
use crate::output::Output;
use crate::resource::targets;
use crate::{errors, table, Env};
use ordinal_sim::api::*;
use ordinal_sim::quantity::Quantity;
use ordinal_sim::time::human_duration;
use ordinal_sim::{ApiError, Cluster, Kind, Object, Time};
use serde_json::Value;
use std::collections::BTreeMap;

/// `kubectl describe`'s flags.
pub const FLAGS: &[FlagSpec] = &[
    flag("selector", Some('l'), true),
    flag("all-namespaces", Some('A'), false),
    flag("show-events", None, true),
];

/// `kubectl describe <kind> <name> -n <ns>`. Cluster-scoped kinds ignore `ns`.
pub fn describe(c: &Cluster, kind: Kind, ns: &str, name: &str) -> Result<String, ApiError> {
    let obj = c.get(kind, ns, name)?;
    let mut o = Out::default();
    match &*obj {
        Object::Pod(p) => describe_pod(c, p, &mut o),
        Object::StatefulSet(s) => describe_statefulset(c, s, &mut o),
        Object::PersistentVolumeClaim(p) => describe_pvc(c, p, &mut o),
        Object::PersistentVolume(p) => describe_pv(c, p, &mut o),
        Object::Service(s) => describe_service(c, s, &mut o),
        Object::Node(n) => describe_node(c, n, &mut o),
        Object::Secret(s) => describe_secret(s, &mut o),
        Object::StorageClass(s) => describe_storage_class(c, s, &mut o),
        Object::Namespace(n) => describe_namespace(n, &mut o),
        Object::EndpointSlice(e) => describe_endpoint_slice(c, e, &mut o),
        Object::Deployment(d) => describe_deployment(c, d, &mut o),
        Object::ReplicaSet(r) => describe_replica_set(c, r, &mut o),
        other @ (Object::ControllerRevision(_) | Object::Event(_)) => {
            describe_generic(c, other, &mut o)
        }
    }
    Ok(table::tabwrite(&o.buf, table::DESCRIBE))
}

/// `kubectl describe`: the verb (operands, selector, one describer per object).
pub fn run(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(args, FLAGS, "describe", &mut out) else {
        return out;
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let Some(t) = targets(&p, &mut out) else {
        return out;
    };
    if t.is_empty() {
        out.err("error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.");
        return out;
    }
    let Some(selector) = crate::args::selector_into(&p, &mut out) else {
        return out;
    };
    let mut texts = Vec::new();
    for (kind, name) in t {
        let names: Vec<(String, String)> = if name.is_empty() {
            let list_ns = if p.bool("all-namespaces") || !kind.namespaced() {
                None
            } else {
                Some(ns.as_str())
            };
            c.list(kind, list_ns)
                .iter()
                .filter(|o| {
                    selector
                        .as_ref()
                        .is_none_or(|s| s.matches(&o.meta().labels))
                })
                .map(|o| (o.namespace().to_string(), o.name().to_string()))
                .collect()
        } else {
            vec![(ns.clone(), name.clone())]
        };
        if names.is_empty() && name.is_empty() {
            out.note(format!("No resources found in {ns} namespace."));
        }
        for (ons, n) in names {
            match describe(c, kind, &ons, &n) {
                Ok(s) => texts.push(s),
                Err(e) => out.err(errors::render(&e, None)),
            }
        }
    }
    out.out(texts.join("\n\n"));
    out
}

// ------------------------------------------------------------------ writer

/// The prefix writer: indentation by level, and the terminal escapes kubectl applies to
/// everything it writes (`ESC` as `^[`, carriage return as `\r`).
#[derive(Default)]
struct Out {
    buf: String,
}

impl Out {
    fn w(&mut self, level: usize, s: &str) {
        for _ in 0..level {
            self.buf.push_str("  ");
        }
        for ch in s.chars() {
            match ch {
                '\u{1b}' => self.buf.push_str("^["),
                '\r' => self.buf.push_str("\\r"),
                c => self.buf.push(c),
            }
        }
    }

    /// `WriteLine`: the text and a newline, no indentation.
    fn line(&mut self, s: &str) {
        self.w(0, s);
        self.buf.push('\n');
    }
}

macro_rules! w {
    ($o:expr, $level:expr, $($fmt:tt)*) => {
        $o.w($level, &format!($($fmt)*))
    };
}

// ------------------------------------------------------------------ shared helpers

/// A time Go would print from a possibly-zero `metav1.Time`.
fn rfc1123z_opt(t: Option<Time>) -> String {
    t.map(Time::rfc1123z)
        .unwrap_or_else(|| "Mon, 01 Jan 0001 00:00:00 +0000".into())
}

/// kubectl's `translateTimestampSince`.
fn since(c: &Cluster, t: Option<Time>) -> String {
    match t {
        None => "<unknown>".into(),
        Some(t) => human_duration(c.now().0 as i64 - t.0 as i64),
    }
}

fn or_empty<S: std::ops::Deref<Target = str>>(s: &Option<S>) -> &str {
    s.as_deref().unwrap_or("")
}

/// Go's `%v` of a string slice: `[a b]`.
fn go_slice(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}

/// `printLabelsMultilineWithIndent`.
fn labels_multiline(
    o: &mut Out,
    initial: &str,
    title: &str,
    inner: &str,
    labels: &BTreeMap<String, String>,
) {
    w!(o, 0, "{initial}{title}:{inner}");
    if labels.is_empty() {
        o.line("<none>");
        return;
    }
    for (i, (k, v)) in labels.iter().enumerate() {
        if i != 0 {
            o.w(0, initial);
            o.w(0, inner);
        }
        w!(o, 0, "{k}={v}\n");
    }
}

fn labels(o: &mut Out, title: &str, labels: &BTreeMap<String, String>) {
    labels_multiline(o, "", title, "\t", labels);
}

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";
const MAX_ANNOTATION_LEN: usize = 140;

/// `printAnnotationsMultiline`: the last-applied configuration is skipped, and long or
/// multi-line values go on their own lines, each cut at 138 bytes.
fn annotations(o: &mut Out, title: &str, annotations: &BTreeMap<String, String>) {
    w!(o, 0, "{title}:\t");
    let keys: Vec<&String> = annotations.keys().filter(|k| *k != LAST_APPLIED).collect();
    if keys.is_empty() {
        o.line("<none>");
        return;
    }
    for (i, key) in keys.into_iter().enumerate() {
        if i != 0 {
            o.w(0, "\t");
        }
        let value = annotations[key]
            .strip_suffix('\n')
            .unwrap_or(&annotations[key]);
        if value.len() + key.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w!(o, 0, "{key}:\n");
            for s in value.split('\n') {
                w!(o, 0, "\t  {}\n", shorten(s, MAX_ANNOTATION_LEN - 2));
            }
        } else {
            w!(o, 0, "{key}: {value}\n");
        }
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

/// `labels.FormatLabels`: `k=v,k2=v2`, or `<none>`.
fn format_labels(m: &BTreeMap<String, String>) -> String {
    if m.is_empty() {
        return "<none>".into();
    }
    m.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// A label selector as `labels.Selector.String()` writes it: requirements sorted by key,
/// set values sorted.
pub(crate) fn selector_string(sel: Option<&LabelSelector>) -> String {
    let Some(sel) = sel else {
        return String::new();
    };
    let mut reqs: Vec<(String, String)> = sel
        .match_labels
        .iter()
        .map(|(k, v)| (k.clone(), format!("{k}={v}")))
        .collect();
    for e in &sel.match_expressions {
        let mut values = e.values.clone();
        ordinal_sim::sort::sort(&mut values);
        let vals = values.join(",");
        let text = match e.operator.as_str() {
            "In" => format!("{} in ({vals})", e.key),
            "NotIn" => format!("{} notin ({vals})", e.key),
            "Exists" => e.key.clone(),
            _ => format!("!{}", e.key),
        };
        reqs.push((e.key.clone(), text));
    }
    ordinal_sim::sort::sort_by(&mut reqs, |a, b| a.0.cmp(&b.0));
    reqs.into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(",")
}

/// `storageutil.GetAccessModesAsString`.
fn access_modes(modes: &[String]) -> String {
    let has = |m: &str| modes.iter().any(|x| x == m);
    let mut out = Vec::new();
    for (full, short) in [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ] {
        if has(full) {
            out.push(short);
        }
    }
    out.join(",")
}

fn print_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

fn json_str<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn json_bool(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// An IntOrString as Go prints it.
fn int_or_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

// ------------------------------------------------------------------ quantities

/// A quantity as describe reads it (surrounding spaces allowed); one it cannot read is printed
/// as written.
fn parse_qty(s: &str) -> Option<Quantity> {
    Quantity::parse(s.trim()).ok()
}

/// The requests or limits of a container's `resources`, by resource name.
fn container_resources(c: &Container, which: &str) -> BTreeMap<String, String> {
    c.resources
        .as_ref()
        .and_then(|r| r.get(which))
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

// ------------------------------------------------------------------ events

/// Events about an object (`searchEvents`): matching uid, name, namespace and, unless
/// `kind` is `None` (pods), kind.
fn events_for<'a>(
    c: &'a Cluster,
    uid: &str,
    name: &str,
    namespace: &str,
    kind: Option<&str>,
) -> Vec<&'a Event> {
    c.list_as::<Event>(None)
        .into_iter()
        .filter(|e| {
            let io = &e.involved_object;
            io.uid.as_deref() == Some(uid)
                && io.name.as_deref() == Some(name)
                && io.namespace.as_deref().unwrap_or("") == namespace
                && kind.is_none_or(|k| io.kind.as_deref() == Some(k))
        })
        .collect()
}

/// `DescribeEvents`.
fn describe_events(c: &Cluster, o: &mut Out, mut events: Vec<&Event>) {
    if events.is_empty() {
        o.w(0, "Events:\t<none>\n");
        return;
    }
    // The API lists events in creation order; kubectl then sorts by last-seen time.
    let rv = |e: &Event| e.metadata.resource_version.parse::<u64>().unwrap_or(0);
    ordinal_sim::sort::sort_by_key(&mut events, |e| (e.metadata.creation_timestamp, rv(e)));
    // SortableEvents: a series' last observation, else lastTimestamp, else eventTime.
    ordinal_sim::sort::sort_by_key(&mut events, |e| {
        e.series
            .as_ref()
            .and_then(|s| s.last_observed_time)
            .or(e.last_timestamp)
            .or(e.event_time)
    });
    o.w(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    o.w(1, "----\t------\t----\t----\t-------\n");
    for e in events {
        let first = match e.event_time {
            Some(t) => since(c, Some(t)),
            None => since(c, e.first_timestamp),
        };
        let count = e.count.unwrap_or(0);
        let interval = if let Some(s) = &e.series {
            format!(
                "{} (x{} over {first})",
                since(c, s.last_observed_time),
                s.count
            )
        } else if count > 1 {
            format!("{} (x{count} over {first})", since(c, e.last_timestamp))
        } else {
            first
        };
        let source = match or_empty(&e.source.component) {
            "" => or_empty(&e.reporting_component),
            s => s,
        };
        w!(
            o,
            1,
            "{}\t{}\t{}\t{}\t{}\n",
            or_empty(&e.type_),
            or_empty(&e.reason),
            interval,
            source,
            or_empty(&e.message).trim()
        );
    }
}

// ------------------------------------------------------------------ pods

fn describe_pod(c: &Cluster, pod: &Pod, o: &mut Out) {
    let m = &pod.metadata;
    let s = &pod.spec;
    let st = &pod.status;
    w!(o, 0, "Name:\t{}\n", m.name);
    w!(o, 0, "Namespace:\t{}\n", m.namespace);
    if let Some(p) = s.priority {
        w!(o, 0, "Priority:\t{p}\n");
    }
    if let Some(sa) = s.service_account_name.as_deref().filter(|x| !x.is_empty()) {
        w!(o, 0, "Service Account:\t{sa}\n");
    }
    match s.node_name.as_deref().filter(|n| !n.is_empty()) {
        None => o.w(0, "Node:\t<none>\n"),
        Some(n) => w!(o, 0, "Node:\t{n}/{}\n", or_empty(&st.host_ip)),
    }
    if let Some(t) = st.start_time {
        w!(o, 0, "Start Time:\t{}\n", Time::rfc1123z(t));
    }
    labels(o, "Labels", &m.labels);
    annotations(o, "Annotations", &m.annotations);
    let phase = pod.phase();
    if m.deletion_timestamp.is_some() && phase != "Failed" && phase != "Succeeded" {
        w!(
            o,
            0,
            "Status:\tTerminating (lasts {})\n",
            since(c, m.deletion_timestamp)
        );
        w!(
            o,
            0,
            "Termination Grace Period:\t{}s\n",
            m.deletion_grace_period_seconds.unwrap_or(0)
        );
    } else {
        w!(o, 0, "Status:\t{phase}\n");
    }
    if let Some(r) = st.reason.as_deref().filter(|r| !r.is_empty()) {
        w!(o, 0, "Reason:\t{r}\n");
    }
    if let Some(msg) = st.message.as_deref().filter(|r| !r.is_empty()) {
        w!(o, 0, "Message:\t{msg}\n");
    }
    if let Some(p) = s
        .security_context
        .as_ref()
        .and_then(|x| x.get("seccompProfile"))
    {
        w!(o, 0, "SeccompProfile:\t{}\n", json_str(p, "type"));
        if json_str(p, "type") == "Localhost" {
            w!(
                o,
                0,
                "LocalhostProfile:\t{}\n",
                json_str(p, "localhostProfile")
            );
        }
    }
    w!(o, 0, "IP:\t{}\n", or_empty(&st.pod_ip));
    if st.pod_ips.is_empty() {
        o.w(0, "IPs:\t<none>\n");
    } else {
        o.w(0, "IPs:\n");
        for ip in &st.pod_ips {
            w!(o, 1, "IP:\t{}\n", ip.ip);
        }
    }
    if let Some(r) = m.controller_ref() {
        w!(o, 0, "Controlled By:\t{}/{}\n", r.kind, r.name);
    }
    if !s.init_containers.is_empty() {
        describe_containers(
            o,
            "Init Containers",
            &s.init_containers,
            Some((&st.init_container_statuses, pod)),
            "",
        );
    }
    describe_containers(
        o,
        "Containers",
        &s.containers,
        Some((&st.container_statuses, pod)),
        "",
    );
    if !s.ephemeral_containers.is_empty() {
        let ec: Vec<Container> = s
            .ephemeral_containers
            .iter()
            .map(|e| e.container.clone())
            .collect();
        describe_containers(
            o,
            "Ephemeral Containers",
            &ec,
            Some((&st.ephemeral_container_statuses, pod)),
            "",
        );
    }
    if !st.conditions.is_empty() {
        o.w(0, "Conditions:\n  Type\tStatus\n");
        for cond in &st.conditions {
            w!(o, 1, "{} \t{} \n", cond.type_, cond.status);
        }
    }
    describe_volumes(o, &s.volumes, "");
    w!(o, 0, "QoS Class:\t{}\n", qos_class(pod));
    labels(o, "Node-Selectors", &s.node_selector);
    tolerations(o, "", "Tolerations", &s.tolerations);
    let events = events_for(c, &m.uid, &m.name, &m.namespace, None);
    describe_events(c, o, events);
}

/// `qos.GetPodQOS`: the status field when set, otherwise computed from the containers'
/// cpu and memory requests and limits.
fn qos_class(pod: &Pod) -> String {
    if let Some(q) = pod.status.qos_class.as_deref().filter(|q| !q.is_empty()) {
        return q.to_string();
    }
    let mut any = false;
    let mut guaranteed = true;
    for c in pod.spec.init_containers.iter().chain(&pod.spec.containers) {
        let req = container_resources(c, "requests");
        let lim = container_resources(c, "limits");
        for r in ["cpu", "memory"] {
            let (rq, lm) = (req.get(r), lim.get(r));
            if rq.is_some() || lm.is_some() {
                any = true;
            }
            match (rq, lm) {
                (_, None) => guaranteed = false,
                (Some(a), Some(b)) if a != b => guaranteed = false,
                _ => {}
            }
        }
    }
    if !any {
        "BestEffort".into()
    } else if guaranteed {
        "Guaranteed".into()
    } else {
        "Burstable".into()
    }
}

/// `printTolerationsMultilineWithIndent`.
fn tolerations(o: &mut Out, initial: &str, title: &str, list: &[Toleration]) {
    w!(o, 0, "{initial}{title}:\t");
    if list.is_empty() {
        o.line("<none>");
        return;
    }
    let mut sorted: Vec<&Toleration> = list.iter().collect();
    ordinal_sim::sort::sort_by(&mut sorted, |a, b| or_empty(&a.key).cmp(or_empty(&b.key)));
    for (i, t) in sorted.into_iter().enumerate() {
        if i != 0 {
            o.w(0, initial);
            o.w(0, "\t");
        }
        let key = or_empty(&t.key);
        let value = or_empty(&t.value);
        let effect = or_empty(&t.effect);
        let mut s = key.to_string();
        if !value.is_empty() {
            s.push('=');
            s.push_str(value);
        }
        if !effect.is_empty() {
            s.push(':');
            s.push_str(effect);
        }
        if t.operator.as_deref() == Some("Exists") && value.is_empty() {
            if !key.is_empty() || !effect.is_empty() {
                s.push_str(" op=Exists");
            } else {
                s.push_str("op=Exists");
            }
        }
        if let Some(secs) = t.toleration_seconds {
            s.push_str(&format!(" for {secs}s"));
        }
        w!(o, 0, "{s}\n");
    }
}

/// `describeContainers`; `statuses` is `None` for pod templates.
fn describe_containers(
    o: &mut Out,
    label: &str,
    containers: &[Container],
    statuses: Option<(&Vec<ContainerStatus>, &Pod)>,
    space: &str,
) {
    let none = if containers.is_empty() { " <none>" } else { "" };
    w!(o, 0, "{space}{label}:{none}\n");
    for ct in containers {
        let status = statuses.and_then(|(list, _)| list.iter().find(|s| s.name == ct.name));
        let name_indent = if space.is_empty() { "" } else { " " };
        w!(o, 1, "{name_indent}{}:\n", ct.name);
        if let Some(s) = status {
            w!(o, 2, "Container ID:\t{}\n", or_empty(&s.container_id));
        }
        w!(o, 2, "Image:\t{}\n", or_empty(&ct.image));
        if let Some(s) = status {
            w!(o, 2, "Image ID:\t{}\n", s.image_id);
        }
        let ports: Vec<String> = ct
            .ports
            .iter()
            .map(|p| format!("{}/{}", p.container_port, or_empty(&p.protocol)))
            .collect();
        let host_ports: Vec<String> = ct
            .ports
            .iter()
            .map(|p| format!("0/{}", or_empty(&p.protocol)))
            .collect();
        for (single, plural, list) in [
            ("Port", "Ports", ports),
            ("Host Port", "Host Ports", host_ports),
        ] {
            let joined = list.join(", ");
            if joined.contains(',') {
                w!(o, 2, "{plural}:\t{joined}\n");
            } else if joined.is_empty() {
                w!(o, 2, "{single}:\t<none>\n");
            } else {
                w!(o, 2, "{single}:\t{joined}\n");
            }
        }
        if let Some(p) = ct
            .security_context
            .as_ref()
            .and_then(|x| x.get("seccompProfile"))
        {
            w!(o, 2, "SeccompProfile:\t{}\n", json_str(p, "type"));
            if json_str(p, "type") == "Localhost" {
                w!(
                    o,
                    3,
                    "LocalhostProfile:\t{}\n",
                    json_str(p, "localhostProfile")
                );
            }
        }
        for (title, items) in [("Command", &ct.command), ("Args", &ct.args)] {
            if !items.is_empty() {
                w!(o, 2, "{title}:\n");
                for item in items {
                    for s in item.split('\n') {
                        w!(o, 3, "{s}\n");
                    }
                }
            }
        }
        if let Some(s) = status {
            container_state(o, "State", &s.state);
            if s.last_state.terminated.is_some() {
                container_state(o, "Last State", &s.last_state);
            }
            w!(o, 2, "Ready:\t{}\n", print_bool(s.ready));
            w!(o, 2, "Restart Count:\t{}\n", s.restart_count);
        }
        for (title, which) in [("Limits", "limits"), ("Requests", "requests")] {
            let list = container_resources(ct, which);
            if !list.is_empty() {
                w!(o, 2, "{title}:\n");
            }
            for (name, q) in &list {
                let q = parse_qty(q)
                    .map(|q| q.to_string())
                    .unwrap_or_else(|| q.clone());
                w!(o, 3, "{name}:\t{q}\n");
            }
        }
        for (title, probe) in [
            ("Liveness", &ct.liveness_probe),
            ("Readiness", &ct.readiness_probe),
            ("Startup", &ct.startup_probe),
        ] {
            if let Some(p) = probe {
                w!(o, 2, "{title}:\t{}\n", describe_probe(p));
            }
        }
        let none = if ct.env.is_empty() { "\t<none>" } else { "" };
        w!(o, 2, "Environment:{none}\n");
        for e in &ct.env {
            describe_env(o, e, ct, statuses.map(|(_, p)| p));
        }
        let none = if ct.volume_mounts.is_empty() {
            "\t<none>"
        } else {
            ""
        };
        w!(o, 2, "Mounts:{none}\n");
        let mut mounts: Vec<&VolumeMount> = ct.volume_mounts.iter().collect();
        ordinal_sim::sort::sort_by(&mut mounts, |a, b| a.mount_path.cmp(&b.mount_path));
        for mnt in mounts {
            let mut flags = vec![if mnt.read_only == Some(true) {
                "ro"
            } else {
                "rw"
            }
            .to_string()];
            if let Some(sp) = mnt.sub_path.as_deref().filter(|s| !s.is_empty()) {
                flags.push(format!("path={sp:?}"));
            }
            w!(
                o,
                3,
                "{} from {} ({})\n",
                mnt.mount_path,
                mnt.name,
                flags.join(",")
            );
        }
    }
}

/// `describeStatus`.
fn container_state(o: &mut Out, name: &str, state: &ContainerState) {
    if let Some(r) = &state.running {
        w!(o, 2, "{name}:\tRunning\n");
        w!(o, 3, "Started:\t{}\n", rfc1123z_opt(r.started_at));
    } else if let Some(wt) = &state.waiting {
        w!(o, 2, "{name}:\tWaiting\n");
        if let Some(r) = wt.reason.as_deref().filter(|r| !r.is_empty()) {
            w!(o, 3, "Reason:\t{r}\n");
        }
    } else if let Some(t) = &state.terminated {
        w!(o, 2, "{name}:\tTerminated\n");
        if let Some(r) = t.reason.as_deref().filter(|r| !r.is_empty()) {
            w!(o, 3, "Reason:\t{r}\n");
        }
        if let Some(m) = t.message.as_deref().filter(|r| !r.is_empty()) {
            w!(o, 3, "Message:\t{m}\n");
        }
        w!(o, 3, "Exit Code:\t{}\n", t.exit_code);
        if let Some(sig) = t.signal.filter(|s| *s > 0) {
            w!(o, 3, "Signal:\t{sig}\n");
        }
        w!(o, 3, "Started:\t{}\n", rfc1123z_opt(t.started_at));
        w!(o, 3, "Finished:\t{}\n", rfc1123z_opt(t.finished_at));
    } else {
        w!(o, 2, "{name}:\tWaiting\n");
    }
}

/// `DescribeProbe`.
fn describe_probe(p: &Probe) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        p.initial_delay_seconds.unwrap_or(0),
        p.timeout_seconds.unwrap_or(0),
        p.period_seconds.unwrap_or(0),
        p.success_threshold.unwrap_or(0),
        p.failure_threshold.unwrap_or(0)
    );
    if let Some(e) = &p.exec {
        return format!("exec {} {attrs}", go_slice(&e.command));
    }
    if let Some(h) = &p.http_get {
        let scheme = or_empty(&h.scheme).to_lowercase();
        let port = int_or_string(&h.port);
        let host = if port.is_empty() {
            String::new()
        } else {
            format!(":{port}")
        };
        let mut url = String::new();
        if !scheme.is_empty() {
            url.push_str(&scheme);
            url.push(':');
        }
        if !scheme.is_empty() || !host.is_empty() {
            url.push_str("//");
            url.push_str(&host);
        }
        url.push_str(or_empty(&h.path));
        return format!("http-get {url} {attrs}");
    }
    if let Some(t) = &p.tcp_socket {
        let port = t.get("port").map(int_or_string).unwrap_or_default();
        return format!("tcp-socket {}:{port} {attrs}", json_str(t, "host"));
    }
    format!("unknown {attrs}")
}

/// One line of `describeContainerEnvVars`.
fn describe_env(o: &mut Out, e: &EnvVar, ct: &Container, pod: Option<&Pod>) {
    let Some(from) = &e.value_from else {
        for (i, s) in or_empty(&e.value).split('\n').enumerate() {
            if i == 0 {
                w!(o, 3, "{}:\t{s}\n", e.name);
            } else {
                w!(o, 3, "\t{s}\n");
            }
        }
        return;
    };
    if let Some(f) = from.get("fieldRef") {
        let path = json_str(f, "fieldPath");
        let value = pod.map(|p| field_path_value(p, path)).unwrap_or_default();
        w!(
            o,
            3,
            "{}:\t{value} ({}:{path})\n",
            e.name,
            json_str(f, "apiVersion")
        );
    } else if let Some(r) = from.get("resourceFieldRef") {
        let resource = json_str(r, "resource");
        let mut value = resource_field_value(ct, resource, r.get("divisor"));
        if value == "0" && (resource == "limits.cpu" || resource == "limits.memory") {
            value = "node allocatable".into();
        }
        w!(o, 3, "{}:\t{value} ({resource})\n", e.name);
    } else if let Some(s) = from.get("secretKeyRef") {
        w!(
            o,
            3,
            "{}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n",
            e.name,
            json_str(s, "key"),
            json_str(s, "name"),
            json_bool(s, "optional")
        );
    } else if let Some(s) = from.get("configMapKeyRef") {
        w!(
            o,
            3,
            "{}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n",
            e.name,
            json_str(s, "key"),
            json_str(s, "name"),
            json_bool(s, "optional")
        );
    }
}

/// The pod fields a downward-API `fieldRef` can name.
fn field_path_value(pod: &Pod, path: &str) -> String {
    let m = &pod.metadata;
    let bracketed = |prefix: &str| {
        path.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix("']"))
            .map(str::to_string)
    };
    if let Some(k) = bracketed("metadata.labels['") {
        return m.labels.get(&k).cloned().unwrap_or_default();
    }
    if let Some(k) = bracketed("metadata.annotations['") {
        return m.annotations.get(&k).cloned().unwrap_or_default();
    }
    match path {
        "metadata.name" => m.name.clone(),
        "metadata.namespace" => m.namespace.clone(),
        "metadata.uid" => m.uid.clone(),
        "metadata.labels" => format_multiline_map(&m.labels),
        "metadata.annotations" => format_multiline_map(&m.annotations),
        "spec.nodeName" => or_empty(&pod.spec.node_name).into(),
        "spec.serviceAccountName" => or_empty(&pod.spec.service_account_name).into(),
        "status.hostIP" => or_empty(&pod.status.host_ip).into(),
        "status.podIP" => or_empty(&pod.status.pod_ip).into(),
        "status.podIPs" => pod
            .status
            .pod_ips
            .iter()
            .map(|i| i.ip.clone())
            .collect::<Vec<_>>()
            .join(","),
        _ => String::new(),
    }
}

/// `fieldpath.FormatMap`: `k="v"` lines.
fn format_multiline_map(m: &BTreeMap<String, String>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k}={v:?}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `ExtractContainerResourceValue`: cpu in whole cores (rounded up), memory and storage in
/// bytes, each divided by the divisor.
fn resource_field_value(ct: &Container, resource: &str, divisor: Option<&Value>) -> String {
    let Some((which, name)) = resource.split_once('.') else {
        return String::new();
    };
    let list = container_resources(ct, which);
    let q = list
        .get(name)
        .and_then(|q| parse_qty(q))
        .unwrap_or_default();
    let div = divisor
        .and_then(Value::as_str)
        .and_then(parse_qty)
        .map(|d| d.milli)
        .filter(|d| *d > 0)
        .unwrap_or(1000);
    let v = (q.milli + div - 1).div_euclid(div);
    v.to_string()
}

/// `describeVolumes`.
fn describe_volumes(o: &mut Out, volumes: &[Volume], space: &str) {
    if volumes.is_empty() {
        w!(o, 0, "{space}Volumes:\t<none>\n");
        return;
    }
    w!(o, 0, "{space}Volumes:\n");
    for v in volumes {
        let name_indent = if space.is_empty() { "" } else { " " };
        w!(o, 1, "{name_indent}{}:\n", v.name);
        if let Some(h) = &v.host_path {
            let t = h.get("type").and_then(Value::as_str).unwrap_or("");
            w!(
                o,
                2,
                "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{t}\n",
                json_str(h, "path")
            );
        } else if let Some(e) = &v.empty_dir {
            let size = e
                .get("sizeLimit")
                .map(int_or_string)
                .filter(|s| !s.is_empty() && s != "0")
                .unwrap_or_else(|| "<unset>".into());
            w!(
                o,
                2,
                "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{size}\n",
                json_str(e, "medium")
            );
        } else if let Some(s) = &v.secret {
            w!(
                o,
                2,
                "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n",
                json_str(s, "secretName"),
                json_bool(s, "optional")
            );
        } else if let Some(cm) = &v.config_map {
            w!(
                o,
                2,
                "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n",
                json_str(cm, "name"),
                json_bool(cm, "optional")
            );
        } else if let Some(p) = &v.persistent_volume_claim {
            w!(
                o,
                2,
                "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n",
                p.claim_name,
                p.read_only.unwrap_or(false)
            );
        } else if let Some(p) = &v.projected {
            o.w(
                2,
                "Type:\tProjected (a volume that contains injected data from multiple sources)\n",
            );
            let sources = p.get("sources").and_then(Value::as_array);
            for src in sources.into_iter().flatten() {
                if let Some(s) = src.get("secret") {
                    w!(
                        o,
                        2,
                        "SecretName:\t{}\n    Optional:\t{}\n",
                        json_str(s, "name"),
                        json_bool(s, "optional")
                    );
                } else if src.get("downwardAPI").is_some() {
                    o.w(2, "DownwardAPI:\ttrue\n");
                } else if let Some(cm) = src.get("configMap") {
                    w!(
                        o,
                        2,
                        "ConfigMapName:\t{}\n    Optional:\t{}\n",
                        json_str(cm, "name"),
                        json_bool(cm, "optional")
                    );
                } else if let Some(t) = src.get("serviceAccountToken") {
                    let secs = t
                        .get("expirationSeconds")
                        .and_then(Value::as_i64)
                        .unwrap_or(3600);
                    w!(o, 2, "TokenExpirationSeconds:\t{secs}\n");
                }
            }
        } else {
            o.w(1, "<unknown>\n");
        }
    }
}

// ------------------------------------------------------------------ statefulsets

fn describe_statefulset(c: &Cluster, sts: &StatefulSet, o: &mut Out) {
    let m = &sts.metadata;
    w!(o, 0, "Name:\t{}\n", m.name);
    w!(o, 0, "Namespace:\t{}\n", m.namespace);
    w!(
        o,
        0,
        "CreationTimestamp:\t{}\n",
        rfc1123z_opt(m.creation_timestamp)
    );
    w!(
        o,
        0,
        "Selector:\t{}\n",
        selector_string(sts.spec.selector.as_ref())
    );
    labels(o, "Labels", &m.labels);
    annotations(o, "Annotations", &m.annotations);
    w!(
        o,
        0,
        "Replicas:\t{} desired | {} total\n",
        sts.replicas(),
        sts.status.replicas
    );
    w!(o, 0, "Update Strategy:\t{}\n", sts.update_strategy_type());
    if let Some(ru) = sts
        .spec
        .update_strategy
        .as_ref()
        .and_then(|u| u.rolling_update.as_ref())
    {
        if let Some(p) = ru.partition {
            w!(o, 1, "Partition:\t{p}\n");
            if let Some(mu) = &ru.max_unavailable {
                w!(o, 1, "MaxUnavailable:\t{}\n", int_or_string(mu));
            }
        }
    }
    pods_status(c, m, sts.spec.selector.as_ref(), o);
    describe_pod_template(o, &sts.spec.template);
    let templates = &sts.spec.volume_claim_templates;
    if templates.is_empty() {
        o.w(0, "Volume Claims:\t<none>\n");
    } else {
        o.w(0, "Volume Claims:\n");
        for pvc in templates {
            w!(o, 1, "Name:\t{}\n", pvc.metadata.name);
            w!(o, 1, "StorageClass:\t{}\n", pvc_class(pvc));
            labels_multiline(o, "  ", "Labels", "\t", &pvc.metadata.labels);
            labels_multiline(o, "  ", "Annotations", "\t", &pvc.metadata.annotations);
            match pvc.spec.resources.requests.get("storage") {
                Some(q) => {
                    let q = parse_qty(q)
                        .map(|q| q.to_string())
                        .unwrap_or_else(|| q.clone());
                    w!(o, 1, "Capacity:\t{q}\n");
                }
                None => o.w(1, "Capacity:\t<default>\n"),
            }
            w!(
                o,
                1,
                "Access Modes:\t{}\n",
                go_slice(&pvc.spec.access_modes)
            );
        }
    }
    let events = events_for(c, &m.uid, &m.name, &m.namespace, Some("StatefulSet"));
    describe_events(c, o, events);
}

/// `getPodStatusForController`, written as `Pods Status:`: the phases of the pods the selector
/// matches that the object controls.
fn pods_status(c: &Cluster, m: &ObjectMeta, selector: Option<&LabelSelector>, o: &mut Out) {
    let (mut running, mut waiting, mut succeeded, mut failed) = (0, 0, 0, 0);
    for p in c.list_as::<Pod>(Some(&m.namespace)) {
        let owned = p.metadata.controller_ref().is_some_and(|r| r.uid == m.uid);
        let selected = selector.is_some_and(|s| s.matches(&p.metadata.labels));
        if !owned || !selected {
            continue;
        }
        match p.phase() {
            "Running" => running += 1,
            "Pending" => waiting += 1,
            "Succeeded" => succeeded += 1,
            "Failed" => failed += 1,
            _ => {}
        }
    }
    w!(
        o,
        0,
        "Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed\n"
    );
}

/// The `Conditions:` table of Deployments and ReplicaSets (type, status, reason).
fn conditions_table<'a>(o: &mut Out, rows: impl Iterator<Item = (&'a str, &'a str, &'a str)>) {
    let mut rows = rows.peekable();
    if rows.peek().is_none() {
        return;
    }
    o.w(0, "Conditions:\n  Type\tStatus\tReason\n");
    o.w(1, "----\t------\t------\n");
    for (t, status, reason) in rows {
        w!(o, 1, "{t} \t{status}\t{reason}\n");
    }
}

// ------------------------------------------------------------------ deployments, replicasets

/// `describeDeployment`.
fn describe_deployment(c: &Cluster, d: &Deployment, o: &mut Out) {
    let m = &d.metadata;
    w!(o, 0, "Name:\t{}\n", m.name);
    w!(o, 0, "Namespace:\t{}\n", m.namespace);
    w!(
        o,
        0,
        "CreationTimestamp:\t{}\n",
        rfc1123z_opt(m.creation_timestamp)
    );
    labels(o, "Labels", &m.labels);
    annotations(o, "Annotations", &m.annotations);
    w!(
        o,
        0,
        "Selector:\t{}\n",
        selector_string(d.spec.selector.as_ref())
    );
    let st = &d.status;
    w!(
        o,
        0,
        "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
        d.replicas(),
        st.updated_replicas,
        st.replicas,
        st.available_replicas,
        st.unavailable_replicas
    );
    w!(
        o,
        0,
        "StrategyType:\t{}\n",
        d.spec.strategy.type_.as_deref().unwrap_or("")
    );
    w!(o, 0, "MinReadySeconds:\t{}\n", d.spec.min_ready_seconds);
    if let Some(ru) = &d.spec.strategy.rolling_update {
        // `IntOrString.String()`; a nil one prints `<nil>`.
        let s = |v: &Option<Value>| v.as_ref().map(int_or_string).unwrap_or("<nil>".into());
        w!(
            o,
            0,
            "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
            s(&ru.max_unavailable),
            s(&ru.max_surge)
        );
    }
    describe_pod_template(o, &d.spec.template);
    conditions_table(
        o,
        st.conditions
            .iter()
            .map(|c| (c.type_.as_str(), c.status.as_str(), c.reason.as_str())),
    );
    let sets = crate::deployment::replica_sets(c, d);
    if !sets.old.is_empty() || sets.new.is_some() {
        // `printReplicaSetsByLabels`: every old one (scaled down or not), then the new one.
        let list = |sets: &mut dyn Iterator<Item = &ReplicaSet>| {
            let items: Vec<String> = sets
                .map(|rs| {
                    format!(
                        "{} ({}/{} replicas created)",
                        rs.metadata.name,
                        rs.status.replicas,
                        rs.replicas()
                    )
                })
                .collect();
            if items.is_empty() {
                "<none>".to_string()
            } else {
                items.join(", ")
            }
        };
        let old = list(&mut sets.old.iter());
        w!(o, 0, "OldReplicaSets:\t{old}\n");
        w!(o, 0, "NewReplicaSet:\t{}\n", list(&mut sets.new.iter()));
    }
    let events = events_for(c, &m.uid, &m.name, &m.namespace, Some("Deployment"));
    describe_events(c, o, events);
}

/// `describeReplicaSet`.
fn describe_replica_set(c: &Cluster, rs: &ReplicaSet, o: &mut Out) {
    let m = &rs.metadata;
    w!(o, 0, "Name:\t{}\n", m.name);
    w!(o, 0, "Namespace:\t{}\n", m.namespace);
    // `FormatLabelSelector`: `<none>` for an empty one.
    let selector = match selector_string(rs.spec.selector.as_ref()) {
        s if s.is_empty() => "<none>".to_string(),
        s => s,
    };
    w!(o, 0, "Selector:\t{selector}\n");
    labels(o, "Labels", &m.labels);
    annotations(o, "Annotations", &m.annotations);
    if let Some(r) = m.controller_ref() {
        w!(o, 0, "Controlled By:\t{}/{}\n", r.kind, r.name);
    }
    w!(
        o,
        0,
        "Replicas:\t{} current / {} desired\n",
        rs.status.replicas,
        rs.replicas()
    );
    pods_status(c, m, rs.spec.selector.as_ref(), o);
    describe_pod_template(o, &rs.spec.template);
    conditions_table(
        o,
        rs.status
            .conditions
            .iter()
            .map(|c| (c.type_.as_str(), c.status.as_str(), c.reason.as_str())),
    );
    let events = events_for(c, &m.uid, &m.name, &m.namespace, Some("ReplicaSet"));
    describe_events(c, o, events);
}

/// `printTemplate` of kubectl's rollout history and undo: `DescribePodTemplate` through a bare
/// prefix writer (no tabwriter, so the tabs stay in the text).
pub fn pod_template_text(t: &PodTemplateSpec) -> String {
    let mut o = Out::default();
    describe_pod_template(&mut o, t);
    o.buf
}

/// `DescribePodTemplate`.
fn describe_pod_template(o: &mut Out, t: &PodTemplateSpec) {
    o.w(0, "Pod Template:\n");
    labels(o, "  Labels", &t.metadata.labels);
    if !t.metadata.annotations.is_empty() {
        annotations(o, "  Annotations", &t.metadata.annotations);
    }
    if let Some(sa) = t
        .spec
        .service_account_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        w!(o, 1, "Service Account:\t{sa}\n");
    }
    if !t.spec.init_containers.is_empty() {
        describe_containers(o, "Init Containers", &t.spec.init_containers, None, "  ");
    }
    describe_containers(o, "Containers", &t.spec.containers, None, "  ");
    describe_volumes(o, &t.spec.volumes, "  ");
    labels(o, "  Node-Selectors", &t.spec.node_selector);
    tolerations(o, "", "  Tolerations", &t.spec.tolerations);
}

// ------------------------------------------------------------------ storage

/// `storageutil.GetPersistentVolumeClaimClass`.
fn pvc_class(pvc: &PersistentVolumeClaim) -> String {
    if let Some(c) = pvc
        .metadata
        .annotations
        .get("volume.beta.kubernetes.io/storage-class")
    {
        return c.clone();
    }
    or_empty(&pvc.spec.storage_class_name).to_string()
}

fn describe_pvc(c: &Cluster, pvc: &PersistentVolumeClaim, o: &mut Out) {
    let m = &pvc.metadata;
    w!(o, 0, "Name:\t{}\n", m.name);
    w!(o, 0, "Namespace:\t{}\n", m.namespace);
    w!(o, 0, "StorageClass:\t{}\n", pvc_class(pvc));
    if m.deletion_timestamp.is_some() {
        w!(
            o,
            0,
            "Status:\tTerminating (lasts {})\n",
            since(c, m.deletion_timestamp)
        );
    } else {
        w!(o, 0, "Status:\t{}\n", or_empty(&pvc.status.phase));
    }
    let volume = or_empty(&pvc.spec.volume_name);
    w!(o, 0, "Volume:\t{volume}\n");
    labels(o, "Labels", &m.labels);
    annotations(o, "Annotations", &m.annotations);
    w!(o, 0, "Finalizers:\t{}\n", go_slice(&m.finalizers));
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        let cap = pvc
            .status
            .capacity
            .get("storage")
            .map(|q| {
                parse_qty(q)
                    .map(|q| q.to_string())
                    .unwrap_or_else(|| q.clone())
            })
            .unwrap_or_else(|| "0".into());
        (cap, access_modes(&pvc.status.access_modes))
    };
    w!(o, 0, "Capacity:\t{capacity}\n");
    w!(o, 0, "Access Modes:\t{modes}\n");
    if let Some(vm) = &pvc.spec.volume_mode {
        w!(o, 0, "VolumeMode:\t{vm}\n");
    }
    // Pods that mount the claim, then pods that own it.
    let pods = c.list_as::<Pod>(Some(&m.namespace));
    let mut users: Vec<&Pod> = Vec::new();
    for p in &pods {
        for v in &p.spec.volumes {
            if v.persistent_volume_claim
                .as_ref()
                .is_some_and(|s| s.claim_name == m.name)
            {
                users.push(p);
            }
        }
    }
    for r in m.owner_references.iter().filter(|r| r.kind == "Pod") {
        if let Some(p) = pods.iter().find(|p| p.metadata.uid == r.uid) {
            if !users.iter().any(|u| u.metadata.uid == p.metadata.uid) {
                users.push(p);
            }
        }
    }
    ordinal_sim::sort::sort_by(&mut users, |a, b| a.metadata.name.cmp(&b.metadata.name));
    o.w(0, "Used By:\t");
    if users.is_empty() {
        o.line("<none>");
    } else {
        for (i, p) in users.iter().enumerate() {
            if i != 0 {
                o.w(0, "\t");
            }
            w!(o, 0, "{}\n", p.metadata.name);
        }
    }
    let events = events_for(
        c,
        &m.uid,
        &m.name,
        &m.namespace,
        Some("PersistentVolumeClaim"),
    );
    describe_events(c, o, events);
}

fn describe_pv(c: &Cluster, pv: &PersistentVolume, o: &mut Out) {
    let m = &pv.metadata;
    let s = &pv.spec;
    w!(o, 0, "Name:\t{}\n", m.name);
    labels(o, "Labels", &m.labels);
    annotations(o, "Annotations", &m.annotations);
    w!(o, 0, "Finalizers:\t{}\n", go_slice(&m.finalizers));
    let class = m
        .annotations
        .get("volume.beta.kubernetes.io/storage-class")
        .cloned()
        .unwrap_or_else(|| or_empty(&s.storage_class_name).to_string());
    w!(o, 0, "StorageClass:\t{class}\n");
    if m.deletion_timestamp.is_some() {
        w!(
            o,
            0,
            "Status:\tTerminating (lasts {})\n",
            since(c, m.deletion_timestamp)
        );
    } else {
        w!(o, 0, "Status:\t{}\n", or_empty(&pv.status.phase));
    }
    match &s.claim_ref {
        Some(r) => w!(
            o,
            0,
            "Claim:\t{}/{}\n",
            or_empty(&r.namespace),
            or_empty(&r.name)
        ),
        None => o.w(0, "Claim:\t\n"),
    }
    w!(
        o,
        0,
        "Reclaim Policy:\t{}\n",
        or_empty(&s.persistent_volume_reclaim_policy)
    );
    w!(o, 0, "Access Modes:\t{}\n", access_modes(&s.access_modes));
    if let Some(vm) = &s.volume_mode {
        w!(o, 0, "VolumeMode:\t{vm}\n");
    }
    let cap = s
        .capacity
        .get("storage")
        .map(|q| {
            parse_qty(q)
                .map(|q| q.to_string())
                .unwrap_or_else(|| q.clone())
        })
        .unwrap_or_else(|| "0".into());
    w!(o, 0, "Capacity:\t{cap}\n");
    o.w(0, "Node Affinity:\t");
    match &s.node_affinity {
        None => o.line("<none>"),
        Some(a) => {
            o.line("");
            o.w(1, "Required Terms:\t");
            let terms = &a.required.node_selector_terms;
            if terms.is_empty() {
                o.line("<none>");
            } else {
                o.line("");
                for (i, term) in terms.iter().enumerate() {
                    w!(o, 2, "Term {i}:\t");
                    if term.match_expressions.is_empty() {
                        o.line("<none>");
                        continue;
                    }
                    for (j, req) in term.match_expressions.iter().enumerate() {
                        if j != 0 {
                            o.w(2, "\t");
                        }
                        let mut expr = format!("{} {}", req.key, req.operator.to_lowercase());
                        if !req.values.is_empty() {
                            expr = format!("{expr} [{}]", req.values.join(", "));
                        }
                        w!(o, 0, "{expr}\n");
                    }
                }
            }
        }
    }
    w!(o, 0, "Message:\t{}\n", or_empty(&pv.status.message));
    o.w(0, "Source:\n");
    match &s.host_path {
        Some(h) => w!(
            o,
            2,
            "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}\n",
            h.path,
            h.type_.as_deref().unwrap_or("<none>")
        ),
        None => o.w(1, "<unknown>\n"),
    }
    let events = events_for(c, &m.uid, &m.name, "", Some("PersistentVolume"));
    describe_events(c, o, events);
}

fn describe_storage_class(c: &Cluster, sc: &StorageClass, o: &mut Out) {
    let m = &sc.metadata;
    w!(o, 0, "Name:\t{}\n", m.name);
    let is_default = [
        "storageclass.kubernetes.io/is-default-class",
        "storageclass.beta.kubernetes.io/is-default-class",
    ]
    .iter()
    .any(|k| m.annotations.get(*k).map(String::as_str) == Some("true"));
    w!(
        o,
        0,
        "IsDefaultClass:\t{}\n",
        if is_default { "Yes" } else { "No" }
    );
    w!(o, 0, "Annotations:\t{}\n", format_labels(&m.annotations));
    w!(o, 0, "Provisioner:\t{}\n", sc.provisioner);
    o.w(0, "Parameters:\t<none>\n");
    let expansion = match sc.allow_volume_expansion {
        None => "<unset>",
        Some(b) => print_bool(b),
    };
    w!(o, 0, "AllowVolumeExpansion:\t{expansion}\n");
    o.w(0, "MountOptions:\t<none>\n");
    if let Some(p) = &sc.reclaim_policy {
        w!(o, 0, "ReclaimPolicy:\t{p}\n");
    }
    if let Some(b) = &sc.volume_binding_mode {
        w!(o, 0, "VolumeBindingMode:\t{b}\n");
    }
    let events = events_for(c, &m.uid, &m.name, "", Some("StorageClass"));
    describe_events(c, o, events);
}

// ------------------------------------------------------------------ services

fn describe_service(c: &Cluster, svc: &Service, o: &mut Out) {
    let m = &svc.metadata;
    let s = &svc.spec;
    w!(o, 0, "Name:\t{}\n", m.name);
    w!(o, 0, "Namespace:\t{}\n", m.namespace);
    labels(o, "Labels", &m.labels);
    annotations(o, "Annotations", &m.annotations);
    w!(o, 0, "Selector:\t{}\n", format_labels(&s.selector));
    w!(o, 0, "Type:\t{}\n", or_empty(&s.type_));
    if let Some(p) = &s.ip_family_policy {
        w!(o, 0, "IP Family Policy:\t{p}\n");
    }
    if s.ip_families.is_empty() {
        o.w(0, "IP Families:\t<none>\n");
    } else {
        w!(o, 0, "IP Families:\t{}\n", s.ip_families.join(","));
    }
    w!(o, 0, "IP:\t{}\n", or_empty(&s.cluster_ip));
    if s.cluster_ips.is_empty() {
        o.w(0, "IPs:\t<none>\n");
    } else {
        w!(o, 0, "IPs:\t{}\n", s.cluster_ips.join(","));
    }
    if !s.external_ips.is_empty() {
        w!(o, 0, "External IPs:\t{}\n", s.external_ips.join(","));
    }
    if let Some(n) = s.external_name.as_deref().filter(|n| !n.is_empty()) {
        w!(o, 0, "External Name:\t{n}\n");
    }
    let ingress = svc
        .status
        .pointer("/loadBalancer/ingress")
        .and_then(Value::as_array);
    if let Some(list) = ingress.filter(|l| !l.is_empty()) {
        let text: Vec<&str> = list
            .iter()
            .map(|i| match json_str(i, "ip") {
                "" => json_str(i, "hostname"),
                ip => ip,
            })
            .collect();
        w!(o, 0, "LoadBalancer Ingress:\t{}\n", text.join(", "));
    }
    let slices: Vec<&EndpointSlice> = c
        .list_as::<EndpointSlice>(Some(&m.namespace))
        .into_iter()
        .filter(|e| {
            e.metadata
                .labels
                .get("kubernetes.io/service-name")
                .map(String::as_str)
                == Some(m.name.as_str())
        })
        .collect();
    for sp in &s.ports {
        let proto = or_empty(&sp.protocol);
        let name = match or_empty(&sp.name) {
            "" => "<unset>",
            n => n,
        };
        w!(o, 0, "Port:\t{name}\t{}/{proto}\n", sp.port);
        let target = sp
            .target_port
            .as_ref()
            .map(int_or_string)
            .unwrap_or_else(|| sp.port.to_string());
        w!(o, 0, "TargetPort:\t{target}/{proto}\n");
        if let Some(np) = sp.node_port.filter(|n| *n != 0) {
            w!(o, 0, "NodePort:\t{name}\t{np}/{proto}\n");
        }
        w!(
            o,
            0,
            "Endpoints:\t{}\n",
            format_endpoint_slices(&slices, or_empty(&sp.name))
        );
    }
    w!(
        o,
        0,
        "Session Affinity:\t{}\n",
        or_empty(&s.session_affinity)
    );
    if let Some(p) = &s.internal_traffic_policy {
        w!(o, 0, "Internal Traffic Policy:\t{p}\n");
    }
    let events = events_for(c, &m.uid, &m.name, &m.namespace, Some("Service"));
    describe_events(c, o, events);
}

/// `formatEndpointSlices` for one service port: ready addresses with the port, at most
/// three, then `+ N more...`.
fn format_endpoint_slices(slices: &[&EndpointSlice], port_name: &str) -> String {
    if slices.is_empty() {
        return "<none>".into();
    }
    const MAX: usize = 3;
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0;
    for s in slices {
        if s.ports.is_empty() {
            for ep in &s.endpoints {
                if list.len() == MAX {
                    more = true;
                }
                if ep.conditions.ready == Some(false) {
                    continue;
                }
                if !more {
                    list.push(ep.addresses.first().cloned().unwrap_or_default());
                }
                count += 1;
            }
        } else {
            for port in &s.ports {
                if or_empty(&port.name) != port_name {
                    continue;
                }
                for ep in &s.endpoints {
                    if list.len() == MAX {
                        more = true;
                    }
                    if ep.conditions.ready == Some(false) {
                        continue;
                    }
                    if !more {
                        let addr = ep.addresses.first().cloned().unwrap_or_default();
                        let p = port.port.unwrap_or(0);
                        if addr.contains(':') {
                            list.push(format!("[{addr}]:{p}"));
                        } else {
                            list.push(format!("{addr}:{p}"));
                        }
                    }
                    count += 1;
                }
            }
        }
    }
    let joined = list.join(",");
    if more {
        format!("{joined} + {} more...", count - MAX as i64)
    } else {
        joined
    }
}

fn describe_endpoint_slice(c: &Cluster, eps: &EndpointSlice, o: &mut Out) {
    let m = &eps.metadata;
    w!(o, 0, "Name:\t{}\n", m.name);
    w!(o, 0, "Namespace:\t{}\n", m.namespace);
    labels(o, "Labels", &m.labels);
    annotations(o, "Annotations", &m.annotations);
    w!(o, 0, "AddressType:\t{}\n", eps.address_type);
    if eps.ports.is_empty() {
        o.w(0, "Ports: <unset>\n");
    } else {
        o.w(0, "Ports:\n");
        o.w(1, "Name\tPort\tProtocol\n");
        o.w(1, "----\t----\t--------\n");
        for p in &eps.ports {
            let name = match or_empty(&p.name) {
                "" => "<unset>",
                n => n,
            };
            let num = p.port.map_or("<unset>".to_string(), |n| n.to_string());
            w!(o, 1, "{name}\t{num}\t{}\n", or_empty(&p.protocol));
        }
    }
    if eps.endpoints.is_empty() {
        o.w(0, "Endpoints: <none>\n");
    } else {
        o.w(0, "Endpoints:\n");
        for ep in &eps.endpoints {
            let addrs = match ep.addresses.join(", ") {
                a if a.is_empty() => "<none>".to_string(),
                a => a,
            };
            w!(o, 1, "- Addresses:\t{addrs}\n");
            o.w(2, "Conditions:\n");
            let ready = ep
                .conditions
                .ready
                .map_or("<unset>".to_string(), |b| b.to_string());
            w!(o, 3, "Ready:\t{ready}\n");
            w!(
                o,
                2,
                "Hostname:\t{}\n",
                ep.hostname.as_deref().unwrap_or("<unset>")
            );
            if let Some(t) = &ep.target_ref {
                w!(
                    o,
                    2,
                    "TargetRef:\t{}/{}\n",
                    or_empty(&t.kind),
                    or_empty(&t.name)
                );
            }
            w!(
                o,
                2,
                "NodeName:\t{}\n",
                ep.node_name.as_deref().unwrap_or("<unset>")
            );
            o.w(2, "Zone:\t<unset>\n");
        }
    }
    let events = events_for(c, &m.uid, &m.name, &m.namespace, Some("EndpointSlice"));
    describe_events(c, o, events);
}

// ------------------------------------------------------------------ nodes, secrets, namespaces

fn describe_node(c: &Cluster, node: &Node, o: &mut Out) {
    let m = &node.metadata;
    let s = &node.spec;
    let st = &node.status;
    w!(o, 0, "Name:\t{}\n", m.name);
    let mut roles: Vec<&str> = Vec::new();
    for (k, v) in &m.labels {
        if let Some(r) = k.strip_prefix("node-role.kubernetes.io/") {
            if !r.is_empty() {
                roles.push(r);
            }
        } else if k == "kubernetes.io/role" && !v.is_empty() {
            roles.push(v);
        }
    }
    ordinal_sim::sort::sort(&mut roles);
    roles.dedup();
    if roles.is_empty() {
        o.w(0, "Roles:\t<none>\n");
    } else {
        w!(o, 0, "Roles:\t{}\n", roles.join(","));
    }
    labels(o, "Labels", &m.labels);
    annotations(o, "Annotations", &m.annotations);
    w!(
        o,
        0,
        "CreationTimestamp:\t{}\n",
        rfc1123z_opt(m.creation_timestamp)
    );
    o.w(0, "Taints:\t");
    if s.taints.is_empty() {
        o.line("<none>");
    } else {
        let mut taints: Vec<&Taint> = s.taints.iter().collect();
        ordinal_sim::sort::sort_by(&mut taints, |a, b| {
            format!("{},{}", a.effect, a.key).cmp(&format!("{},{}", b.effect, b.key))
        });
        for (i, t) in taints.into_iter().enumerate() {
            if i != 0 {
                o.w(0, "\t");
            }
            match t.value.as_deref().filter(|v| !v.is_empty()) {
                None => w!(o, 0, "{}:{}\n", t.key, t.effect),
                Some(v) => w!(o, 0, "{}={v}:{}\n", t.key, t.effect),
            }
        }
    }
    w!(
        o,
        0,
        "Unschedulable:\t{}\n",
        s.unschedulable.unwrap_or(false)
    );
    // The simulation keeps no node Leases; the kubelet renews its lease every 10 seconds.
    o.w(0, "Lease:\n");
    w!(o, 1, "HolderIdentity:\t{}\n", m.name);
    o.w(1, "AcquireTime:\t<unset>\n");
    w!(
        o,
        1,
        "RenewTime:\t{}\n",
        Time::rfc1123z(c.node_lease_renewed(&m.name))
    );
    if !st.conditions.is_empty() {
        o.w(
            0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        );
        o.w(
            1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        for cond in &st.conditions {
            w!(
                o,
                1,
                "{} \t{} \t{} \t{} \t{} \t{}\n",
                cond.type_,
                cond.status,
                rfc1123z_opt(cond.last_heartbeat_time),
                rfc1123z_opt(cond.last_transition_time),
                or_empty(&cond.reason),
                or_empty(&cond.message)
            );
        }
    }
    o.w(0, "Addresses:\n");
    for a in &st.addresses {
        w!(o, 1, "{}:\t{}\n", a.type_, a.address);
    }
    for (title, list) in [("Capacity", &st.capacity), ("Allocatable", &st.allocatable)] {
        if !list.is_empty() {
            w!(o, 0, "{title}:\n");
            for (k, v) in list {
                let v = parse_qty(v)
                    .map(|q| q.to_string())
                    .unwrap_or_else(|| v.clone());
                w!(o, 0, "  {k}:\t{v}\n");
            }
        }
    }
    let info = st.node_info.clone().unwrap_or(Value::Null);
    o.w(0, "System Info:\n");
    for (label, key) in [
        ("Machine ID", "machineID"),
        ("System UUID", "systemUUID"),
        ("Boot ID", "bootID"),
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
    ] {
        w!(o, 0, "  {label}:\t{}\n", json_str(&info, key));
    }
    if let Some(cidr) = s.pod_cidr.as_deref().filter(|c| !c.is_empty()) {
        w!(o, 0, "PodCIDR:\t{cidr}\n");
    }
    if !s.pod_cidrs.is_empty() {
        w!(o, 0, "PodCIDRs:\t{}\n", s.pod_cidrs.join(","));
    }
    if let Some(p) = s.provider_id.as_deref().filter(|p| !p.is_empty()) {
        w!(o, 0, "ProviderID:\t{p}\n");
    }
    node_resources(c, node, o);
    let mut events = events_for(c, &m.uid, &m.name, "", Some("Node"));
    // The kubelet reports node events with the node's name as the uid.
    events.extend(events_for(c, &m.name, &m.name, "", Some("Node")));
    describe_events(c, o, events);
}

/// `describeNodeResource`: the node's non-terminated pods and their requests and limits.
fn node_resources(c: &Cluster, node: &Node, o: &mut Out) {
    let pods: Vec<&Pod> = c
        .list_as::<Pod>(None)
        .into_iter()
        .filter(|p| {
            p.spec.node_name.as_deref() == Some(node.metadata.name.as_str())
                && p.phase() != "Succeeded"
                && p.phase() != "Failed"
        })
        .collect();
    let alloc = if node.status.allocatable.is_empty() {
        &node.status.capacity
    } else {
        &node.status.allocatable
    };
    let alloc_of = |r: &str| alloc.get(r).and_then(|q| parse_qty(q)).unwrap_or_default();
    let (alloc_cpu, alloc_mem, alloc_eph) = (
        alloc_of("cpu").milli,
        alloc_of("memory").milli,
        alloc_of("ephemeral-storage").milli,
    );
    let pct = |part: i128, whole: i128| {
        if whole == 0 {
            0
        } else {
            (part as f64 / whole as f64 * 100.0) as i64
        }
    };
    w!(o, 0, "Non-terminated Pods:\t({} in total)\n", pods.len());
    o.w(
        1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    );
    o.w(
        1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    );
    let mut totals: BTreeMap<(&str, String), Quantity> = BTreeMap::new();
    for p in &pods {
        let req = pod_resources(p, "requests");
        let lim = pod_resources(p, "limits");
        let get = |m: &BTreeMap<String, Quantity>, r: &str| m.get(r).copied().unwrap_or_default();
        let (cr, cl, mr, ml) = (
            get(&req, "cpu"),
            get(&lim, "cpu"),
            get(&req, "memory"),
            get(&lim, "memory"),
        );
        w!(
            o,
            1,
            "{}\t{}\t\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}\n",
            p.metadata.namespace,
            p.metadata.name,
            cr.to_string(),
            pct(cr.milli, alloc_cpu),
            cl.to_string(),
            pct(cl.milli, alloc_cpu),
            mr.to_string(),
            pct(mr.milli, alloc_mem),
            ml.to_string(),
            pct(ml.milli, alloc_mem),
            since(c, p.metadata.creation_timestamp)
        );
        for (which, list) in [("requests", req), ("limits", lim)] {
            for (r, q) in list {
                let t = totals.entry((which, r)).or_insert(Quantity {
                    milli: 0,
                    binary: q.binary,
                });
                t.milli += q.milli;
            }
        }
    }
    o.w(
        0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    );
    o.w(1, "Resource\tRequests\tLimits\n");
    o.w(1, "--------\t--------\t------\n");
    let total = |which: &'static str, r: &str| {
        totals
            .get(&(which, r.to_string()))
            .copied()
            .unwrap_or_default()
    };
    for (r, whole) in [
        ("cpu", alloc_cpu),
        ("memory", alloc_mem),
        ("ephemeral-storage", alloc_eph),
    ] {
        let (rq, lm) = (total("requests", r), total("limits", r));
        w!(
            o,
            1,
            "{r}\t{} ({}%)\t{} ({}%)\n",
            rq.to_string(),
            pct(rq.milli, whole),
            lm.to_string(),
            pct(lm.milli, whole)
        );
    }
    for (r, q) in alloc.iter().filter(|(r, _)| r.starts_with("hugepages-")) {
        let whole = parse_qty(q).unwrap_or_default().milli;
        let (rq, lm) = (total("requests", r), total("limits", r));
        w!(
            o,
            1,
            "{r}\t{} ({}%)\t{} ({}%)\n",
            rq.to_string(),
            pct(rq.milli, whole),
            lm.to_string(),
            pct(lm.milli, whole)
        );
    }
}

/// A pod's effective requests or limits: the sum over its containers, raised to the
/// largest init container's value.
fn pod_resources(p: &Pod, which: &str) -> BTreeMap<String, Quantity> {
    let mut sum: BTreeMap<String, Quantity> = BTreeMap::new();
    for ct in &p.spec.containers {
        for (r, q) in container_resources(ct, which) {
            if let Some(q) = parse_qty(&q) {
                let e = sum.entry(r).or_insert(Quantity {
                    milli: 0,
                    binary: q.binary,
                });
                e.milli += q.milli;
            }
        }
    }
    for ct in &p.spec.init_containers {
        for (r, q) in container_resources(ct, which) {
            if let Some(q) = parse_qty(&q) {
                let e = sum.entry(r).or_insert(q);
                if q.milli > e.milli {
                    *e = q;
                }
            }
        }
    }
    sum
}

fn describe_secret(s: &Secret, o: &mut Out) {
    let m = &s.metadata;
    w!(o, 0, "Name:\t{}\n", m.name);
    w!(o, 0, "Namespace:\t{}\n", m.namespace);
    labels(o, "Labels", &m.labels);
    annotations(o, "Annotations", &m.annotations);
    w!(o, 0, "\nType:\t{}\n", or_empty(&s.type_));
    o.w(0, "\nData\n====\n");
    for (k, v) in &s.data {
        let bytes = ordinal_sim::base64::decode(v).unwrap_or_default();
        if k == "token" && s.type_.as_deref() == Some("kubernetes.io/service-account-token") {
            w!(o, 0, "{k}:\t{}\n", String::from_utf8_lossy(&bytes));
        } else {
            w!(o, 0, "{k}:\t{} bytes\n", bytes.len());
        }
    }
}

fn describe_namespace(ns: &Namespace, o: &mut Out) {
    let m = &ns.metadata;
    w!(o, 0, "Name:\t{}\n", m.name);
    labels(o, "Labels", &m.labels);
    annotations(o, "Annotations", &m.annotations);
    w!(o, 0, "Status:\t{}\n", json_str(&ns.status, "phase"));
    let conditions = ns.status.get("conditions").and_then(Value::as_array);
    if let Some(conds) = conditions.filter(|c| !c.is_empty()) {
        o.w(0, "Conditions:\n");
        o.w(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n");
        o.w(1, "----\t------\t------------------\t------\t-------\n");
        for cond in conds {
            let t = cond
                .get("lastTransitionTime")
                .and_then(Value::as_str)
                .and_then(Time::parse_rfc3339);
            w!(
                o,
                1,
                "{}\t{}\t{}\t{}\t{}\n",
                json_str(cond, "type"),
                json_str(cond, "status"),
                rfc1123z_opt(t),
                json_str(cond, "reason"),
                json_str(cond, "message")
            );
        }
    }
    o.w(0, "\n");
    o.w(0, "No resource quota.\n");
    o.w(0, "\n");
    o.w(0, "No LimitRange resource.\n");
}

// ------------------------------------------------------------------ the generic describer

/// kubectl's generic describer, used for kinds without their own (ControllerRevision,
/// Event): name, namespace, labels and annotations, then every other field with a
/// title-cased label, then the events.
fn describe_generic(c: &Cluster, obj: &Object, o: &mut Out) {
    let m = obj.meta();
    w!(o, 0, "Name:\t{}\n", m.name);
    w!(o, 0, "Namespace:\t{}\n", m.namespace);
    labels(o, "Labels", &m.labels);
    annotations(o, "Annotations", &m.annotations);
    if let Value::Object(content) = obj.to_value() {
        unstructured(o, 0, &content, "");
    }
    let events = events_for(c, &m.uid, &m.name, &m.namespace, Some(obj.kind().name()));
    describe_events(c, o, events);
}

const GENERIC_SKIP: [&str; 5] = [
    ".metadata.managedFields",
    ".metadata.name",
    ".metadata.namespace",
    ".metadata.labels",
    ".metadata.annotations",
];

/// `printUnstructuredContent`.
fn unstructured(o: &mut Out, level: usize, content: &serde_json::Map<String, Value>, prefix: &str) {
    let mut fields: Vec<&String> = content.keys().collect();
    ordinal_sim::sort::sort(&mut fields);
    for field in fields {
        let path = format!("{prefix}.{field}");
        if GENERIC_SKIP.contains(&path.as_str()) {
            continue;
        }
        match &content[field.as_str()] {
            Value::Object(m) => {
                w!(o, level, "{}:\n", smart_label(field));
                unstructured(o, level + 1, m, &path);
            }
            Value::Array(items) => {
                w!(o, level, "{}:\n", smart_label(field));
                for item in items {
                    match item {
                        Value::Object(m) => unstructured(o, level + 1, m, &path),
                        other => w!(o, level + 1, "{}\n", go_v(other)),
                    }
                }
            }
            other => w!(o, level, "{}:\t{}\n", smart_label(field), go_v(other)),
        }
    }
}

/// Go's `%v` of a decoded JSON value.
fn go_v(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(a) => format!("[{}]", a.iter().map(go_v).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            ordinal_sim::sort::sort(&mut keys);
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{k}:{}", go_v(&m[k.as_str()])))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

/// `smartLabelFor`: `apiVersion` → `API Version`, `creationTimestamp` → `Creation
/// Timestamp`; names with characters other than letters and `-` stay as they are.
fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    let parts = camelcase_split(field);
    let mut merged: Vec<String> = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        let part = &parts[i];
        if i + 1 < parts.len() {
            let next = &parts[i + 1];
            let all_upper = part.chars().all(|c| !c.is_alphabetic() || c.is_uppercase());
            if part.chars().count() >= 2
                && all_upper
                && next.chars().next().is_some_and(char::is_uppercase)
            {
                merged.push(format!("{part}{next}"));
                i += 2;
                continue;
            }
        }
        merged.push(part.clone());
        i += 1;
    }
    let mut out: Vec<String> = Vec::new();
    for part in merged {
        if part == "_" {
            continue;
        }
        let upper = part.to_uppercase();
        if ["API", "URL", "UID", "GUID"].contains(&upper.as_str()) {
            out.push(upper);
        } else if part.to_lowercase() == part {
            let mut cs = part.chars();
            let first = cs.next().map(|c| c.to_uppercase().collect::<String>());
            out.push(format!("{}{}", first.unwrap_or_default(), cs.as_str()));
        } else {
            out.push(part);
        }
    }
    out.join(" ")
}

/// `camelcase.Split`: runs of lower case, upper case, digits and other characters, with an
/// upper-case run's last letter moved to a following lower-case run (`PDFLoader` → `PDF`,
/// `Loader`).
fn camelcase_split(s: &str) -> Vec<String> {
    let class = |c: char| {
        if c.is_lowercase() {
            1
        } else if c.is_uppercase() {
            2
        } else if c.is_numeric() {
            3
        } else {
            4
        }
    };
    let mut runs: Vec<Vec<char>> = Vec::new();
    let mut last = 0;
    for c in s.chars() {
        let k = class(c);
        match runs.last_mut() {
            Some(run) if k == last => run.push(c),
            _ => runs.push(vec![c]),
        }
        last = k;
    }
    for i in 0..runs.len().saturating_sub(1) {
        let upper_then_lower = runs[i].first().is_some_and(|c| c.is_uppercase())
            && runs[i + 1].first().is_some_and(|c| c.is_lowercase());
        if upper_then_lower {
            if let Some(c) = runs[i].pop() {
                runs[i + 1].insert(0, c);
            }
        }
    }
    runs.into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.into_iter().collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The playground's kubernetes.io example, applied at 00:05 and settled.
    fn cluster() -> Cluster {
        let mut c = Cluster::new(1);
        c.apply_yaml(include_str!("../../../examples/k8s-io-web.yaml"), "default")
            .unwrap();
        c.settle();
        c
    }

    fn d(c: &Cluster, kind: Kind, ns: &str, name: &str) -> String {
        describe(c, kind, ns, name).unwrap()
    }

    /// kubectl's age of a timestamp, computed from the cluster's clock.
    fn age(c: &Cluster, t: Option<Time>) -> String {
        human_duration(c.now().0 as i64 - t.expect("a timestamp").0 as i64)
    }

    /// The node a pod was scheduled to, and that node's InternalIP.
    fn node_of<'a>(c: &'a Cluster, pod: &'a Pod) -> (&'a str, &'a str) {
        let name = pod.spec.node_name.as_deref().expect("a scheduled pod");
        let node = c.get_as::<Node>("", name).expect("the pod's node");
        (name, node.internal_ip().expect("an InternalIP"))
    }

    fn pod_ip<'a>(c: &'a Cluster, name: &str) -> &'a str {
        c.get_as::<Pod>("default", name)
            .and_then(|p| p.status.pod_ip.as_deref())
            .expect("a pod with an IP")
    }

    /// The width of an events table's Age column for these ages.
    fn age_width(ages: &[String]) -> usize {
        ages.iter()
            .map(String::len)
            .max()
            .unwrap_or(0)
            .max("----".len())
            + 2
    }

    #[test]
    fn escapes_terminal_control_characters() {
        let mut o = Out::default();
        o.w(1, "a\u{1b}[31m\rb\n");
        assert_eq!(o.buf, "  a^[[31m\\rb\n");
    }

    #[test]
    fn time_formats() {
        assert_eq!(
            Time::rfc1123z(ordinal_sim::time::CLUSTER_EPOCH.plus_ms(300_000)),
            "Thu, 01 Jan 2026 00:05:00 +0000"
        );
        assert_eq!(
            Time::rfc1123z(Time::parse_rfc3339("2024-02-29T13:04:05Z").unwrap()),
            "Thu, 29 Feb 2024 13:04:05 +0000"
        );
        assert_eq!(rfc1123z_opt(None), "Mon, 01 Jan 0001 00:00:00 +0000");
    }

    #[test]
    fn helpers() {
        assert_eq!(smart_label("apiVersion"), "API Version");
        assert_eq!(smart_label("creationTimestamp"), "Creation Timestamp");
        assert_eq!(smart_label("uid"), "UID");
        assert_eq!(smart_label("podIP"), "Pod IP");
        assert_eq!(smart_label("dnsPolicy"), "Dns Policy");
        assert_eq!(smart_label("blockOwnerDeletion"), "Block Owner Deletion");
        assert_eq!(
            smart_label("app.kubernetes.io/name"),
            "app.kubernetes.io/name"
        );
        assert_eq!(smart_label("$patch"), "$patch");
        assert_eq!(camelcase_split("PDFLoader"), ["PDF", "Loader"]);
        let sel = LabelSelector {
            match_labels: BTreeMap::from([("b".to_string(), "2".to_string())]),
            match_expressions: vec![LabelSelectorRequirement {
                key: "a".into(),
                operator: "In".into(),
                values: vec!["y".into(), "x".into()],
            }],
        };
        assert_eq!(selector_string(Some(&sel)), "a in (x,y),b=2");
        assert_eq!(
            access_modes(&["ReadOnlyMany".into(), "ReadWriteOnce".into()]),
            "RWO,ROX"
        );
        let mut o = Out::default();
        let long = "x".repeat(200);
        annotations(
            &mut o,
            "Annotations",
            &BTreeMap::from([
                ("a".to_string(), "two\nlines\n".to_string()),
                ("b".to_string(), long.clone()),
                (LAST_APPLIED.to_string(), "{}".to_string()),
            ]),
        );
        assert_eq!(
            o.buf,
            format!(
                "Annotations:\ta:\n\t  two\n\t  lines\n\tb:\n\t  {}...\n",
                &long[..138]
            )
        );
    }

    #[test]
    fn not_found() {
        let c = cluster();
        assert_eq!(
            describe(&c, Kind::Pod, "default", "nope").unwrap_err(),
            ApiError::not_found(Kind::Pod, "nope")
        );
        assert_eq!(
            describe(&c, Kind::StatefulSet, "default", "nope")
                .unwrap_err()
                .message,
            "statefulsets.apps \"nope\" not found"
        );
    }

    #[test]
    fn a_running_pod() {
        let c = cluster();
        let pod = c.get_as::<Pod>("default", "web-0").unwrap();
        let (node, node_ip) = node_of(&c, pod);
        let ip = pod_ip(&c, "web-0");
        let st = &pod.status.container_statuses[0];
        let out = d(&c, Kind::Pod, "default", "web-0");
        let expected = format!(
            "Name:             web-0
Namespace:        default
Priority:         0
Service Account:  default
Node:             {node}/{node_ip}
Start Time:       {start}
Labels:           app=nginx
                  apps.kubernetes.io/pod-index=0
                  controller-revision-hash={hash}
                  statefulset.kubernetes.io/pod-name=web-0
Annotations:      <none>
Status:           Running
IP:               {ip}
IPs:
  IP:           {ip}
Controlled By:  StatefulSet/web
Containers:
  nginx:
    Container ID:   {cid}
    Image:          registry.k8s.io/nginx-slim:0.21
    Image ID:       {iid}
    Port:           80/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      {started}
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:
      /usr/share/nginx/html from www (rw)
Conditions:
  Type                        Status
  PodReadyToStartContainers   True 
  Initialized                 True 
  Ready                       True 
  ContainersReady             True 
  PodScheduled                True 
Volumes:
  www:
    Type:        PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)
    ClaimName:   www-web-0
    ReadOnly:    false
QoS Class:       BestEffort
Node-Selectors:  <none>
Tolerations:     node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                 node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
",
            start = Time::rfc1123z(pod.status.start_time.unwrap()),
            hash = pod.metadata.labels["controller-revision-hash"],
            cid = st.container_id.as_deref().unwrap(),
            iid = st.image_id,
            started = rfc1123z_opt(st.state.running.as_ref().unwrap().started_at),
        );
        assert!(out.starts_with(&expected), "{out}");
        // The events, oldest first, with the scheduler's first.
        let rows: Vec<Vec<&str>> = out[expected.len()..]
            .lines()
            .skip(2)
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(
            rows[0][..4],
            [
                "Normal",
                "Scheduled",
                &*age(&c, pod.status.start_time),
                "default-scheduler"
            ]
        );
        assert_eq!(
            rows[0][4..],
            ["Successfully", "assigned", "default/web-0", "to", node]
        );
        let reasons: Vec<&str> = rows.iter().map(|r| r[1]).collect();
        assert_eq!(
            reasons,
            ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
        );
    }

    #[test]
    fn a_pending_pod() {
        let mut c = Cluster::new(1);
        c.apply_yaml(include_str!("../../../examples/k8s-io-web.yaml"), "default")
            .unwrap();
        let deadline = c.now().plus_ms(60_000);
        // Steps until web-0 is in the state `is`, while its container is still being created.
        let step_until = |c: &mut Cluster, what: &str, is: &dyn Fn(&Pod) -> bool| loop {
            if let Some(p) = c.get_as::<Pod>("default", "web-0").filter(|p| is(p)) {
                assert_eq!(p.phase(), "Pending", "{what}");
                let waiting = p.status.container_statuses[0].state.waiting.as_ref();
                assert_eq!(
                    waiting.and_then(|w| w.reason.as_deref()),
                    Some("ContainerCreating"),
                    "{what}"
                );
                return;
            }
            assert!(c.now() < deadline, "web-0 never {what}");
            c.step().unwrap_or_else(|| panic!("web-0 never {what}"));
        };
        // Scheduled, but without a sandbox, so without an IP.
        step_until(&mut c, "scheduled without an IP", &|p| {
            p.spec.node_name.is_some() && p.status.pod_ip.is_none()
        });
        let out = d(&c, Kind::Pod, "default", "web-0");
        let pod = c.get_as::<Pod>("default", "web-0").unwrap();
        let (node, node_ip) = node_of(&c, pod);
        assert!(
            out.contains(&format!(
                "Node:             {node}/{node_ip}
Start Time:       {start}
",
                start = Time::rfc1123z(pod.status.start_time.unwrap())
            )),
            "{out}"
        );
        assert!(
            out.contains(
                "Status:           Pending
IP:               
IPs:              <none>
Controlled By:    StatefulSet/web
Containers:
  nginx:
    Container ID:   
    Image:          registry.k8s.io/nginx-slim:0.21
    Image ID:       
    Port:           80/TCP
    Host Port:      0/TCP
    State:          Waiting
      Reason:       ContainerCreating
    Ready:          False
    Restart Count:  0
"
            ),
            "{out}"
        );
        // The sandbox is up and has an IP; the image is still being pulled.
        step_until(&mut c, "given an IP", &|p| p.status.pod_ip.is_some());
        let out = d(&c, Kind::Pod, "default", "web-0");
        let ip = pod_ip(&c, "web-0");
        assert!(
            out.contains(&format!(
                "Status:           Pending
IP:               {ip}
IPs:
  IP:           {ip}
Controlled By:  StatefulSet/web
Containers:
  nginx:
    Container ID:   
    Image:          registry.k8s.io/nginx-slim:0.21
    Image ID:       
    Port:           80/TCP
    Host Port:      0/TCP
    State:          Waiting
      Reason:       ContainerCreating
    Ready:          False
    Restart Count:  0
"
            )),
            "{out}"
        );
    }

    #[test]
    fn a_statefulset() {
        let c = cluster();
        let out = d(&c, Kind::StatefulSet, "default", "web");
        let created = |pod: &str| {
            let p = c.get_as::<Pod>("default", pod).unwrap();
            since(&c, p.metadata.creation_timestamp)
        };
        let (a0, a1) = (created("web-0"), created("web-1"));
        let w = age_width(&[a0.clone(), a1.clone()]);
        let expected = format!(
            "Name:               web
Namespace:          default
CreationTimestamp:  Thu, 01 Jan 2026 00:05:00 +0000
Selector:           app=nginx
Labels:             <none>
Annotations:        <none>
Replicas:           2 desired | 2 total
Update Strategy:    RollingUpdate
  Partition:        0
Pods Status:        2 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=nginx
  Containers:
   nginx:
    Image:        registry.k8s.io/nginx-slim:0.21
    Port:         80/TCP
    Host Port:    0/TCP
    Environment:  <none>
    Mounts:
      /usr/share/nginx/html from www (rw)
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Volume Claims:
  Name:          www
  StorageClass:  
  Labels:        <none>
  Annotations:   <none>
  Capacity:      1Gi
  Access Modes:  [ReadWriteOnce]
Events:
  Type    Reason            {age:<w$}From                    Message
  ----    ------            {dash:<w$}----                    -------
  Normal  SuccessfulCreate  {a0:<w$}statefulset-controller  create Claim www-web-0 Pod web-0 in StatefulSet web success
  Normal  SuccessfulCreate  {a0:<w$}statefulset-controller  create Pod web-0 in StatefulSet web successful
  Normal  SuccessfulCreate  {a1:<w$}statefulset-controller  create Claim www-web-1 Pod web-1 in StatefulSet web success
  Normal  SuccessfulCreate  {a1:<w$}statefulset-controller  create Pod web-1 in StatefulSet web successful
",
            age = "Age",
            dash = "----",
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn repeated_events_and_terminating_pods() {
        let mut c = cluster();
        c.delete(
            Kind::Pod,
            "default",
            "web-1",
            &ordinal_sim::DeleteOptions::default(),
        )
        .unwrap();
        // The deletion timestamp lies in the future, which kubectl prints as `<invalid>`.
        let out = d(&c, Kind::Pod, "default", "web-1");
        assert!(
            out.contains(&format!(
                "Annotations:               <none>
Status:                    Terminating (lasts <invalid>)
Termination Grace Period:  30s
IP:                        {ip}
",
                ip = pod_ip(&c, "web-1")
            )),
            "{out}"
        );
        assert!(out.contains("  Normal  Killing "), "{out}");
        c.settle();
        c.advance(300_000);
        // The recreated pod's creation repeats the earlier event: `(x2 over …)`.
        let out = d(&c, Kind::StatefulSet, "default", "web");
        let ev = c
            .list_as::<Event>(Some("default"))
            .into_iter()
            .find(|e| {
                e.message.as_deref() == Some("create Pod web-1 in StatefulSet web successful")
            })
            .unwrap();
        assert_eq!(ev.count, Some(2));
        let interval = format!(
            "{} (x2 over {})",
            since(&c, ev.last_timestamp),
            since(&c, ev.first_timestamp)
        );
        assert!(
            out.ends_with(&format!(
                "  Normal  SuccessfulCreate  {interval}  statefulset-controller  create Pod web-1 in StatefulSet web successful\n"
            )),
            "{out}"
        );
    }

    #[test]
    fn claims_volumes_and_classes() {
        let c = cluster();
        let pvc = c
            .get_as::<PersistentVolumeClaim>("default", "www-web-0")
            .unwrap();
        let pv_name = pvc.spec.volume_name.clone().unwrap();
        // The claim waits for its first consumer, so it is provisioned on web-0's node.
        let (node, _) = node_of(&c, c.get_as::<Pod>("default", "web-0").unwrap());
        let out = d(&c, Kind::PersistentVolumeClaim, "default", "www-web-0");
        let expected = format!(
            "Name:          www-web-0
Namespace:     default
StorageClass:  standard
Status:        Bound
Volume:        {pv_name}
Labels:        app=nginx
Annotations:   pv.kubernetes.io/bind-completed: yes
               pv.kubernetes.io/bound-by-controller: yes
               volume.beta.kubernetes.io/storage-provisioner: rancher.io/local-path
               volume.kubernetes.io/selected-node: {node}
               volume.kubernetes.io/storage-provisioner: rancher.io/local-path
Finalizers:    [kubernetes.io/pvc-protection]
Capacity:      1Gi
Access Modes:  RWO
VolumeMode:    Filesystem
Used By:       web-0
Events:
"
        );
        assert!(out.starts_with(&expected), "{out}");
        let reasons: Vec<&str> = out[expected.len()..]
            .lines()
            .skip(2)
            .map(|l| l.split_whitespace().nth(1).unwrap())
            .collect();
        assert_eq!(
            reasons,
            [
                "WaitForFirstConsumer",
                "ExternalProvisioning",
                "Provisioning",
                "ProvisioningSucceeded"
            ]
        );

        let out = d(&c, Kind::PersistentVolume, "", &pv_name);
        assert_eq!(
            out,
            format!(
                "Name:              {pv_name}
Labels:            <none>
Annotations:       local.path.provisioner/selected-node: {node}
                   pv.kubernetes.io/provisioned-by: rancher.io/local-path
Finalizers:        [kubernetes.io/pv-protection]
StorageClass:      standard
Status:            Bound
Claim:             default/www-web-0
Reclaim Policy:    Delete
Access Modes:      RWO
VolumeMode:        Filesystem
Capacity:          1Gi
Node Affinity:     
  Required Terms:  
    Term 0:        kubernetes.io/hostname in [{node}]
Message:           
Source:
    Type:          HostPath (bare host directory volume)
    Path:          /var/local-path-provisioner/{pv_name}_default_www-web-0
    HostPathType:  DirectoryOrCreate
Events:            <none>
"
            )
        );

        assert_eq!(
            d(&c, Kind::StorageClass, "", "standard"),
            "Name:                  standard
IsDefaultClass:        Yes
Annotations:           storageclass.kubernetes.io/is-default-class=true
Provisioner:           rancher.io/local-path
Parameters:            <none>
AllowVolumeExpansion:  <unset>
MountOptions:          <none>
ReclaimPolicy:         Delete
VolumeBindingMode:     WaitForFirstConsumer
Events:                <none>
"
        );
    }

    #[test]
    fn a_headless_service() {
        let c = cluster();
        assert_eq!(
            d(&c, Kind::Service, "default", "nginx"),
            format!(
                "Name:                     nginx
Namespace:                default
Labels:                   app=nginx
Annotations:              <none>
Selector:                 app=nginx
Type:                     ClusterIP
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       None
IPs:                      None
Port:                     web  80/TCP
TargetPort:               80/TCP
Endpoints:                {ip0}:80,{ip1}:80
Session Affinity:         None
Internal Traffic Policy:  Cluster
Events:                   <none>
",
                // The slice lists the pods in name order.
                ip0 = pod_ip(&c, "web-0"),
                ip1 = pod_ip(&c, "web-1"),
            )
        );
        let kube_dns = d(&c, Kind::Service, "kube-system", "kube-dns");
        assert!(
            kube_dns.contains(
                "Port:                     dns  53/UDP
TargetPort:               53/UDP
Endpoints:                <none>
Port:                     dns-tcp  53/TCP
"
            ),
            "{kube_dns}"
        );
    }

    #[test]
    fn a_node() {
        let c = cluster();
        let mut listed = Vec::new();
        // Both workers, whichever of them the pods landed on.
        for (index, name) in [(1, "kind-worker"), (2, "kind-worker2")] {
            let out = d(&c, Kind::Node, "", name);
            let internal_ip = c.get_as::<Node>("", name).unwrap().internal_ip().unwrap();
            let pods: Vec<&Pod> = c
                .list_as::<Pod>(None)
                .into_iter()
                .filter(|p| {
                    p.spec.node_name.as_deref() == Some(name)
                        && !matches!(p.phase(), "Succeeded" | "Failed")
                })
                .collect();
            let count = pods.len();
            // The Name column, followed by an empty one.
            let nw = pods
                .iter()
                .map(|p| p.metadata.name.len())
                .max()
                .unwrap_or(0)
                .max("Name".len())
                + 2;
            let mut rows = String::new();
            for p in &pods {
                rows += &format!(
                    "  {ns:<28}{pod:<nw$}  0 (0%)        0 (0%)      0 (0%)           0 (0%)         {age}\n",
                    ns = p.metadata.namespace,
                    pod = p.metadata.name,
                    age = age(&c, p.metadata.creation_timestamp),
                );
                listed.push(p.metadata.name.clone());
            }
            let expected = format!(
                "Name:               {name}
Roles:              <none>
Labels:             beta.kubernetes.io/arch=amd64
                    beta.kubernetes.io/os=linux
                    kubernetes.io/arch=amd64
                    kubernetes.io/hostname={name}
                    kubernetes.io/os=linux
Annotations:        kubeadm.alpha.kubernetes.io/cri-socket: unix:///run/containerd/containerd.sock
                    node.alpha.kubernetes.io/ttl: 0
                    volumes.kubernetes.io/controller-managed-attach-detach: true
CreationTimestamp:  Thu, 01 Jan 2026 00:00:00 +0000
Taints:             <none>
Unschedulable:      false
Lease:
  HolderIdentity:  {name}
  AcquireTime:     <unset>
  RenewTime:       {renew}
Conditions:
  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message
  ----             ------  -----------------                 ------------------                ------                       -------
  MemoryPressure   False   Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletHasSufficientMemory   kubelet has sufficient memory available
  DiskPressure     False   Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletHasNoDiskPressure     kubelet has no disk pressure
  PIDPressure      False   Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletHasSufficientPID      kubelet has sufficient PID available
  Ready            True    Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletReady                 kubelet is posting ready status
Addresses:
  InternalIP:  {internal_ip}
  Hostname:    {name}
Capacity:
  cpu:                2
  ephemeral-storage:  263112772Ki
  hugepages-1Gi:      0
  hugepages-2Mi:      0
  memory:             24583596Ki
  pods:               110
Allocatable:
  cpu:                2
  ephemeral-storage:  263112772Ki
  hugepages-1Gi:      0
  hugepages-2Mi:      0
  memory:             24583596Ki
  pods:               110
System Info:
  Machine ID:                 e1f2d3c4b5a6978877665544332211{index:02}
  System UUID:                9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b{index:02}
  Boot ID:                    5a4d3c2b-1e0f-4a9b-8c7d-6e5f4a3b2c{index:02}
  Kernel Version:             6.1.0-37-amd64
  OS Image:                   Debian GNU/Linux 12 (bookworm)
  Operating System:           linux
  Architecture:               amd64
  Container Runtime Version:  containerd://2.1.1
  Kubelet Version:            v1.33.1
PodCIDR:                      10.244.{index}.0/24
PodCIDRs:                     10.244.{index}.0/24
ProviderID:                   kind://docker/kind/{name}
Non-terminated Pods:          ({count} in total)
  Namespace                   {title:<nw$}  CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
  ---------                   {dash:<nw$}  ------------  ----------  ---------------  -------------  ---
{rows}Allocated resources:
  (Total limits may be over 100 percent, i.e., overcommitted.)
  Resource           Requests  Limits
  --------           --------  ------
  cpu                0 (0%)    0 (0%)
  memory             0 (0%)    0 (0%)
  ephemeral-storage  0 (0%)    0 (0%)
  hugepages-1Gi      0 (0%)    0 (0%)
  hugepages-2Mi      0 (0%)    0 (0%)
Events:              <none>
",
                renew = Time::rfc1123z(c.node_lease_renewed(name)),
                title = "Name",
                dash = "----",
            );
            assert_eq!(out, expected);
        }
        listed.sort();
        assert_eq!(listed, ["web-0", "web-1"]);
        let cp = d(&c, Kind::Node, "", "kind-control-plane");
        assert!(cp.contains("Roles:              control-plane\n"), "{cp}");
        assert!(
            cp.contains("Taints:             node-role.kubernetes.io/control-plane:NoSchedule\n"),
            "{cp}"
        );
    }

    #[test]
    fn secrets_and_namespaces() {
        let mut c = cluster();
        c.create(
            Secret {
                metadata: ObjectMeta::named("default", "creds"),
                type_: Some("Opaque".into()),
                data: BTreeMap::from([
                    (
                        "password".to_string(),
                        ordinal_sim::base64::encode(b"s3cr3t-passw"),
                    ),
                    (
                        "username".to_string(),
                        ordinal_sim::base64::encode(b"admin"),
                    ),
                ]),
                ..Default::default()
            }
            .into(),
        )
        .unwrap();
        assert_eq!(
            d(&c, Kind::Secret, "default", "creds"),
            "Name:         creds
Namespace:    default
Labels:       <none>
Annotations:  <none>

Type:  Opaque

Data
====
password:  12 bytes
username:  5 bytes
"
        );
        assert_eq!(
            d(&c, Kind::Namespace, "", "default"),
            "Name:         default
Labels:       kubernetes.io/metadata.name=default
Annotations:  <none>
Status:       Active

No resource quota.

No LimitRange resource.
"
        );
    }

    #[test]
    fn endpoint_slices() {
        let c = cluster();
        let slice = c
            .list_as::<EndpointSlice>(Some("default"))
            .into_iter()
            .find(|s| {
                s.metadata
                    .labels
                    .get("kubernetes.io/service-name")
                    .map(String::as_str)
                    == Some("nginx")
            })
            .unwrap()
            .metadata
            .name
            .clone();
        let out = d(&c, Kind::EndpointSlice, "default", &slice);
        let mut expected = "AddressType:  IPv4
Ports:
  Name  Port  Protocol
  ----  ----  --------
  web   80    TCP
Endpoints:
"
        .to_string();
        // The slice lists the pods in name order.
        for name in ["web-0", "web-1"] {
            let (node, _) = node_of(&c, c.get_as::<Pod>("default", name).unwrap());
            expected += &format!(
                "  - Addresses:  {ip}
    Conditions:
      Ready:    true
    Hostname:   {name}
    TargetRef:  Pod/{name}
    NodeName:   {node}
    Zone:       <unset>
",
                ip = pod_ip(&c, name)
            );
        }
        expected += "Events:         <none>\n";
        assert!(out.ends_with(&expected), "{out}");
    }

    #[test]
    fn generic_describer_for_revisions() {
        let c = cluster();
        let rev = c.list_as::<ControllerRevision>(Some("default"))[0];
        let out = d(&c, Kind::ControllerRevision, "default", &rev.metadata.name);
        let head = format!(
            "Name:         {name}
Namespace:    default
Labels:       app=nginx
              controller.kubernetes.io/hash={hash}
Annotations:  <none>
API Version:  apps/v1
Data:
  Spec:
    Template:
      $patch:  replace
      Metadata:
        Creation Timestamp:  <nil>
        Labels:
          App:  nginx
      Spec:
        Containers:
          Image:              registry.k8s.io/nginx-slim:0.21
          Image Pull Policy:  IfNotPresent
          Name:               nginx
          Ports:
            Container Port:  80
            Name:            web
            Protocol:        TCP
          Resources:
",
            name = rev.metadata.name,
            hash = rev.metadata.labels["controller.kubernetes.io/hash"],
        );
        assert!(out.starts_with(&head), "{out}");
        assert!(
            out.contains(
                "\nMetadata:\n  Creation Timestamp:  2026-01-01T00:05:00Z\n  Owner References:\n    API Version:           apps/v1\n    Block Owner Deletion:  true\n"
            ),
            "{out}"
        );
        assert!(
            out.ends_with("\nRevision:                  1\nEvents:                    <none>\n"),
            "{out}"
        );
    }

    /// A Deployment after a rollout: its replica counts, strategy, conditions, the old and the
    /// new ReplicaSet; the ReplicaSet names its Deployment and counts its pods; its pods name
    /// it.
    #[test]
    fn deployment_and_replica_set() {
        let mut c = Cluster::new(1);
        let o = crate::run_line(
            &mut c,
            "create deployment web --image=nginx:1.25 --replicas=2",
            "",
        );
        assert_eq!(o.status, 0);
        c.settle();
        let o = crate::run_line(&mut c, "set image deployment/web nginx=nginx:1.27", "");
        assert_eq!(o.status, 0);
        c.settle();
        let sets = {
            let dep = c.get_as::<Deployment>("default", "web").unwrap();
            crate::deployment::replica_sets(&c, dep)
        };
        let (old, new) = (
            &sets.old[0].metadata.name,
            &sets.new.as_ref().unwrap().metadata.name,
        );
        let out = d(&c, Kind::Deployment, "default", "web");
        for line in [
            "Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable\n",
            "StrategyType:           RollingUpdate\nMinReadySeconds:        0\nRollingUpdateStrategy:  25% max unavailable, 25% max surge\n",
            "Conditions:\n  Type           Status  Reason\n  ----           ------  ------\n  Available      True    MinimumReplicasAvailable\n  Progressing    True    NewReplicaSetAvailable\n",
            &format!("OldReplicaSets:  {old} (0/0 replicas created)\nNewReplicaSet:   {new} (2/2 replicas created)\n"),
        ] {
            assert!(out.contains(line), "{line:?} in\n{out}");
        }
        let out = d(&c, Kind::ReplicaSet, "default", new);
        assert!(out.contains("Controlled By:  Deployment/web\nReplicas:       2 current / 2 desired\nPods Status:    2 Running / 0 Waiting / 0 Succeeded / 0 Failed\n"), "{out}");
        let pod = c
            .list_as::<Pod>(Some("default"))
            .into_iter()
            .find(|p| p.metadata.name.starts_with(new.as_str()))
            .unwrap()
            .metadata
            .name
            .clone();
        let out = d(&c, Kind::Pod, "default", &pod);
        assert!(
            out.contains(&format!("Controlled By:  ReplicaSet/{new}\n")),
            "{out}"
        );
    }
}
