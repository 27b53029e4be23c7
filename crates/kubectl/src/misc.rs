//! The smaller verbs: scale, patch, label, annotate, cordon/uncordon, describe, logs, wait,
//! rollout, version, api-resources, cluster-info, config.

use crate::args::{flag, Parsed};
use crate::jobs::{Job, WaitCondition};
use crate::output::Output;
use crate::resource::{self, type_prefix};
use crate::{errors, table, Env};
use ordinal_sim::api::*;
use ordinal_sim::patch::PatchType;
use ordinal_sim::{Cluster, FieldValidation, KUBERNETES_VERSION};
use serde_json::{json, Value};

/// `TYPE NAME...` or `TYPE/NAME...` → (kind, names); errors are kubectl's.
fn targets(p: &Parsed, out: &mut Output) -> Option<Vec<(Kind, String)>> {
    let pos = &p.positionals;
    if pos.is_empty() {
        return Some(Vec::new());
    }
    let mut t = Vec::new();
    if pos.iter().all(|a| a.contains('/')) {
        for a in pos {
            let (ty, n) = a.split_once('/').unwrap_or((a, ""));
            let Some(k) = resource::resolve(ty) else {
                out.err(format!(
                    "error: the server doesn't have a resource type \"{ty}\""
                ));
                return None;
            };
            t.push((k, n.to_string()));
        }
    } else {
        let Some(k) = resource::resolve(&pos[0]) else {
            out.err(format!(
                "error: the server doesn't have a resource type \"{}\"",
                pos[0]
            ));
            return None;
        };
        if pos.len() == 1 {
            t.push((k, String::new()));
        }
        for n in &pos[1..] {
            t.push((k, n.clone()));
        }
    }
    Some(t)
}

pub fn scale(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(
        args,
        &[
            flag("replicas", None, true),
            flag("current-replicas", None, true),
            flag("selector", Some('l'), true),
            flag("filename", Some('f'), true),
        ],
        "scale",
        &mut out,
    ) else {
        return out;
    };
    let Some(r) = p.value("replicas") else {
        out.err("error: required flag(s) \"replicas\" not set");
        return out;
    };
    let replicas: i32 = match r.parse::<i64>() {
        Err(_) => {
            out.err(format!("error: invalid argument \"{r}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{r}\": invalid syntax"));
            return out;
        }
        Ok(n) if n > i32::MAX as i64 || n < i32::MIN as i64 => {
            out.err(format!("error: invalid argument \"{r}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{r}\": value out of range"));
            return out;
        }
        Ok(n) if n < 0 => {
            out.err("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0");
            return out;
        }
        Ok(n) => n as i32,
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let Some(t) = targets(&p, &mut out) else {
        return out;
    };
    if t.is_empty() || t.iter().any(|(_, n)| n.is_empty()) {
        out.err("error: resource(s) were provided, but no name was specified");
        return out;
    }
    for (kind, name) in t {
        if kind != Kind::StatefulSet {
            out.err(format!(
                "error: no scaler has been implemented for {{\"{}\" \"{}\"}}",
                kind.info().group,
                kind.name()
            ));
            continue;
        }
        if let Some(cur) = p.value("current-replicas") {
            let live = c
                .get_as::<StatefulSet>(&ns, &name)
                .map(|s| s.replicas().to_string());
            if live.as_deref().is_some_and(|l| l != cur) {
                out.err(format!(
                    "error: Expected replicas to be {cur}, was {}",
                    live.unwrap_or_default()
                ));
                continue;
            }
        }
        match c.patch(
            kind,
            &ns,
            &name,
            PatchType::Merge,
            &json!({"spec": {"replicas": replicas}}),
        ) {
            Ok(_) => out.out(format!("{}/{name} scaled\n", type_prefix(kind))),
            Err(e) => out.err(errors::render(&e, None)),
        }
    }
    out
}

pub fn patch(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(
        args,
        &[
            flag("patch", Some('p'), true),
            flag("type", None, true),
            flag("patch-file", None, true),
        ],
        "patch",
        &mut out,
    ) else {
        return out;
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let body = match (p.value("patch"), p.value("patch-file")) {
        (Some(b), _) => b.to_string(),
        (None, Some(f)) => match env.files.read(f) {
            Ok(b) => b,
            Err(_) => {
                out.err(format!(
                    "error: unable to read patch file: open {f}: no such file or directory"
                ));
                return out;
            }
        },
        _ => {
            out.err(
                "error: must specify --patch or --patch-file containing the contents of the patch",
            );
            return out;
        }
    };
    let type_ = match p.value("type").unwrap_or("strategic") {
        "strategic" => PatchType::Strategic,
        "merge" => PatchType::Merge,
        "json" => PatchType::Json,
        t => {
            out.err(format!(
                "error: --type must be one of [json merge strategic], not \"{t}\""
            ));
            return out;
        }
    };
    let value: Value = match serde_norway::from_str::<Value>(&body) {
        Ok(v) => v,
        Err(e) => {
            out.err(format!(
                "error: unable to parse \"{body}\": {}",
                e.to_string().split(" at line").next().unwrap_or("")
            ));
            return out;
        }
    };
    let Some(t) = targets(&p, &mut out) else {
        return out;
    };
    if t.is_empty() || t.iter().any(|(_, n)| n.is_empty()) {
        out.err("error: resource(s) were provided, but no name was specified");
        return out;
    }
    for (kind, name) in t {
        let before = c
            .get(kind, &ns, &name)
            .ok()
            .map(|o| o.meta().resource_version.clone());
        // kubectl patch sends no fieldValidation: the server's default, Warn.
        let r = c.patch_with(kind, &ns, &name, type_, &value, FieldValidation::Warn);
        match r {
            Ok((o, warnings)) => {
                for w in warnings {
                    out.note(format!("Warning: {w}"));
                }
                let unchanged = before.as_deref() == Some(o.meta().resource_version.as_str());
                out.out(format!(
                    "{}/{name} patched{}\n",
                    type_prefix(kind),
                    if unchanged { " (no change)" } else { "" }
                ));
            }
            Err(e) if e.reason == ordinal_sim::Reason::Invalid && e.causes.is_empty() => {
                out.err(format!("error: {}", e.message))
            }
            Err(e) => out.err(errors::render(&e, None)),
        }
    }
    out
}

/// `kubectl label` and `kubectl annotate`.
pub fn label(c: &mut Cluster, args: &[String], env: &Env, annotate: bool) -> Output {
    let cmd = if annotate { "annotate" } else { "label" };
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(
        args,
        &[
            flag("overwrite", None, false),
            flag("all", None, false),
            flag("selector", Some('l'), true),
        ],
        cmd,
        &mut out,
    ) else {
        return out;
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let (changes, rest): (Vec<String>, Vec<String>) = p
        .positionals
        .iter()
        .cloned()
        .partition(|a| a.contains('=') || (a.ends_with('-') && !a.contains('/')));
    let mut q = p.clone();
    q.positionals = rest;
    let Some(t) = targets(&q, &mut out) else {
        return out;
    };
    if changes.is_empty() {
        out.err(format!(
            "error: at least one {} update is required",
            if annotate { "annotation" } else { "label" }
        ));
        return out;
    }
    // kubectl checks label values itself (`parseLabels`) before asking the server.
    if !annotate {
        for ch in &changes {
            if let Some((_, v)) = ch.split_once('=') {
                if v.contains('=') {
                    out.err(format!("error: invalid label spec: {ch}"));
                    return out;
                }
                let errs = ordinal_sim::admission::label_value(v);
                if !errs.is_empty() {
                    out.err(format!(
                        "error: invalid label value: {ch:?}: {}",
                        errs.join(";")
                    ));
                    return out;
                }
            }
        }
    }
    for (kind, name) in t {
        let Ok(live) = c.get(kind, &ns, &name) else {
            out.err(errors::render(
                &ordinal_sim::ApiError::not_found(kind, &name),
                None,
            ));
            continue;
        };
        let mut obj = (*live).clone();
        let map = if annotate {
            &mut obj.meta_mut().annotations
        } else {
            &mut obj.meta_mut().labels
        };
        for ch in &changes {
            if let Some(k) = ch.strip_suffix('-') {
                map.remove(k);
            } else if let Some((k, v)) = ch.split_once('=') {
                if let Some(old) = map.get(k) {
                    if old != v && !p.bool("overwrite") {
                        out.err(format!(
                            "error: '{k}' already has a value ({old}), and --overwrite is false"
                        ));
                        return out;
                    }
                }
                map.insert(k.to_string(), v.to_string());
            }
        }
        obj.meta_mut().resource_version.clear();
        let before = live.meta().resource_version.clone();
        match c.update(obj) {
            Ok(o) => {
                let word = if o.meta().resource_version == before {
                    "not labeled"
                } else if annotate {
                    "annotated"
                } else {
                    "labeled"
                };
                let word = if annotate && o.meta().resource_version == before {
                    "not annotated"
                } else {
                    word
                };
                out.out(format!("{}/{name} {word}\n", type_prefix(kind)));
            }
            Err(e) => out.err(errors::render(&e, None)),
        }
    }
    out
}

pub fn cordon(c: &mut Cluster, args: &[String], uncordon: bool) -> Output {
    let cmd = if uncordon { "uncordon" } else { "cordon" };
    let mut out = Output::default();
    let Some(p) =
        crate::args::parse_into(args, &[flag("selector", Some('l'), true)], cmd, &mut out)
    else {
        return out;
    };
    if p.positionals.is_empty() {
        out.err(format!("error: resource(s) were provided, but no name was specified\nSee 'kubectl {cmd} -h' for help and examples"));
        return out;
    }
    // As kubectl's Complete: every node is looked up before any is changed, so a name that
    // does not exist changes nothing.
    let mut nodes = Vec::new();
    for name in &p.positionals {
        let name = name
            .trim_start_matches("node/")
            .trim_start_matches("nodes/");
        let Some(node) = c.get_as::<Node>("", name).cloned() else {
            out.err(format!(
                "Error from server (NotFound): nodes \"{name}\" not found"
            ));
            return out;
        };
        nodes.push(node);
    }
    let want = if uncordon { None } else { Some(true) };
    for node in nodes {
        let name = node.metadata.name.clone();
        if node.spec.unschedulable.filter(|u| *u) == want {
            out.out(format!("node/{name} already {cmd}ed\n"));
            continue;
        }
        let mut n = node;
        n.spec.unschedulable = want;
        n.metadata.resource_version.clear();
        match c.update(n.into()) {
            Ok(_) => out.out(format!("node/{name} {cmd}ed\n")),
            Err(e) => out.err(errors::render(&e, None)),
        }
    }
    out
}

pub fn describe(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(
        args,
        &[
            flag("selector", Some('l'), true),
            flag("all-namespaces", Some('A'), false),
            flag("show-events", None, true),
        ],
        "describe",
        &mut out,
    ) else {
        return out;
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let Some(t) = targets(&p, &mut out) else {
        return out;
    };
    if t.is_empty() {
        out.err("You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nSee 'kubectl describe -h' for help and examples");
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
            match crate::describe::describe(c, kind, &ons, &n) {
                Ok(s) => texts.push(s),
                Err(e) => out.err(errors::render(&e, None)),
            }
        }
    }
    out.out(texts.join("\n\n"));
    out
}

pub fn logs(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(
        args,
        &[
            flag("container", Some('c'), true),
            flag("follow", Some('f'), false),
            flag("previous", Some('p'), false),
            flag("tail", None, true),
            flag("timestamps", None, false),
            flag("all-containers", None, false),
        ],
        "logs",
        &mut out,
    ) else {
        return out;
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let Some(target) = p.positionals.first() else {
        out.err("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples");
        return out;
    };
    let name = target
        .strip_prefix("pod/")
        .or_else(|| target.strip_prefix("pods/"))
        .unwrap_or(target);
    let Some(pod) = c.get_as::<Pod>(&ns, name) else {
        out.err(format!(
            "Error from server (NotFound): pods \"{name}\" not found"
        ));
        return out;
    };
    let container = p.value("container").map(String::from).unwrap_or_else(|| {
        pod.spec
            .containers
            .first()
            .map(|c| c.name.clone())
            .unwrap_or_default()
    });
    let Some(cs) = pod
        .status
        .container_statuses
        .iter()
        .find(|s| s.name == container)
    else {
        if pod.spec.containers.iter().any(|c| c.name == container) {
            out.err(format!("Error from server (BadRequest): container \"{container}\" in pod \"{name}\" is waiting to start: ContainerCreating"));
        } else {
            out.err(format!(
                "error: container {container} is not valid for pod {name}"
            ));
        }
        return out;
    };
    if let Some(w) = &cs.state.waiting {
        let reason = w.reason.clone().unwrap_or_default();
        let why = match reason.as_str() {
            "ErrImagePull" | "ImagePullBackOff" => "trying and failing to pull image".to_string(),
            "CrashLoopBackOff" if p.bool("previous") => String::new(),
            r => r.to_string(),
        };
        if !why.is_empty() && cs.restart_count == 0 {
            out.err(format!("Error from server (BadRequest): container \"{container}\" in pod \"{name}\" is waiting to start: {why}"));
            return out;
        }
    }
    // The API server fetches logs from the node's kubelet, which a stopped node cannot answer.
    if let Some(node) = pod.spec.node_name.as_deref().filter(|n| !c.node_running(n)) {
        let ip = c
            .get_as::<Node>("", node)
            .and_then(|n| n.internal_ip())
            .unwrap_or_default();
        out.err(format!("Error from server: Get \"https://{ip}:10250/containerLogs/{ns}/{name}/{container}\": dial tcp {ip}:10250: connect: no route to host"));
        return out;
    }
    out.out(c.container_logs(&ns, name, &container));
    out
}

pub fn wait(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(
        args,
        &[
            flag("for", None, true),
            flag("timeout", None, true),
            flag("selector", Some('l'), true),
            flag("all", None, false),
        ],
        "wait",
        &mut out,
    ) else {
        return out;
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let Some(f) = p.value("for") else {
        out.err("error: --for must be specified");
        return out;
    };
    let condition = if f == "delete" {
        WaitCondition::Delete { uids: Vec::new() }
    } else if let Some(cond) = f.strip_prefix("condition=") {
        let (name, value) = cond
            .split_once('=')
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .unwrap_or((cond.to_string(), "true".into()));
        WaitCondition::Condition { name, value }
    } else if let Some(jp) = f.strip_prefix("jsonpath=") {
        let (path, value) = jp
            .rsplit_once('=')
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .unwrap_or((jp.to_string(), String::new()));
        let path = path
            .trim_start_matches('{')
            .trim_end_matches('}')
            .to_string();
        WaitCondition::JsonPath { path, value }
    } else {
        out.err(format!("error: unrecognized condition: \"{f}\""));
        return out;
    };
    let timeout_ms = match p.value("timeout") {
        None => 30_000,
        Some(t) => match parse_duration(t) {
            Some(ms) => ms,
            None => {
                out.err(format!("error: invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\""));
                return out;
            }
        },
    };
    let Some(t) = targets(&p, &mut out) else {
        return out;
    };
    let Some(selector) = crate::args::selector_into(&p, &mut out) else {
        return out;
    };
    let mut objs = Vec::new();
    for (kind, name) in t {
        if name.is_empty() {
            for o in c.list(kind, Some(&ns)) {
                if selector
                    .as_ref()
                    .is_none_or(|s| s.matches(&o.meta().labels))
                {
                    objs.push((kind, ns.clone(), o.name().to_string()));
                }
            }
        } else if c.get(kind, &ns, &name).is_err() {
            // `--for=delete` ignores NotFound: an object already gone is not waited for, and
            // prints nothing.
            if !matches!(condition, WaitCondition::Delete { .. }) {
                out.err(format!(
                    "Error from server (NotFound): {} \"{name}\" not found",
                    kind.resource()
                ));
                return out;
            }
        } else {
            objs.push((kind, ns.clone(), name));
        }
    }
    if objs.is_empty() && matches!(condition, WaitCondition::Delete { .. }) {
        return out;
    }
    let mut condition = condition;
    if let WaitCondition::Delete { uids } = &mut condition {
        *uids = objs
            .iter()
            .map(|(k, ns, n)| {
                c.get(*k, ns, n)
                    .map(|o| o.meta().uid.clone())
                    .unwrap_or_default()
            })
            .collect();
    }
    if objs.is_empty() {
        out.err("error: no matching resources found");
        return out;
    }
    let n = objs.len();
    out.job = Some(Job::WaitFor {
        targets: objs,
        condition,
        deadline: c.now().plus_ms(timeout_ms),
        met: vec![false; n],
    });
    out
}

/// Go durations as kubectl flags take them: `30s`, `1m30s`, `500ms`, `2h`.
pub fn parse_duration(s: &str) -> Option<u64> {
    if s == "0" {
        return Some(0);
    }
    let mut total = 0f64;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    let mut any = false;
    while let Some(ch) = chars.next() {
        if ch.is_ascii_digit() || ch == '.' {
            num.push(ch);
            continue;
        }
        let mut unit = ch.to_string();
        if ch == 'm' && chars.peek() == Some(&'s') {
            unit.push(chars.next()?);
        }
        let v: f64 = num.parse().ok()?;
        num.clear();
        total += v * match unit.as_str() {
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            _ => return None,
        };
        any = true;
    }
    (any && num.is_empty() && total.is_finite() && total < 1e15).then_some(total as u64)
}

pub fn rollout(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(
        args,
        &[
            flag("to-revision", None, true),
            flag("watch", Some('w'), false),
            flag("revision", None, true),
            flag("timeout", None, true),
            flag("dry-run", None, true),
        ],
        "rollout",
        &mut out,
    ) else {
        return out;
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let Some(sub) = p.positionals.first().cloned() else {
        out.err("error: Required subcommand: one of history, pause, restart, resume, status, undo\nSee 'kubectl rollout -h' for help and examples");
        return out;
    };
    // Each subcommand has its own flags: another's is unknown to it.
    let own: &[&str] = match sub.as_str() {
        "status" => &["revision", "timeout", "watch"],
        "history" => &["revision"],
        "undo" => &["to-revision", "dry-run"],
        _ => &[],
    };
    for f in ["to-revision", "watch", "revision", "timeout", "dry-run"] {
        if p.has(f) && !own.contains(&f) {
            out.err(format!(
                "error: unknown flag: --{f}\nSee 'kubectl rollout {sub} --help' for usage."
            ));
            return out;
        }
    }
    let mut q = p.clone();
    q.positionals.remove(0);
    let Some(t) = targets(&q, &mut out) else {
        return out;
    };
    let Some((kind, name)) = t.into_iter().next().filter(|(_, n)| !n.is_empty()) else {
        out.err(format!("error: required resource not specified\nSee 'kubectl rollout {sub} -h' for help and examples"));
        return out;
    };
    if kind != Kind::StatefulSet {
        out.err(format!(
            "error: no {sub} has been implemented for {{\"{}\" \"{}\"}}",
            kind.info().group,
            kind.name()
        ));
        return out;
    }
    let Some(set) = c.get_as::<StatefulSet>(&ns, &name).cloned() else {
        out.err(format!(
            "Error from server (NotFound): statefulsets.apps \"{name}\" not found"
        ));
        return out;
    };
    let revs = c.statefulset_revisions(&ns, &name);
    match sub.as_str() {
        "status" => {
            if set.update_strategy_type() != "RollingUpdate" {
                out.err("error: rollout status is only available for RollingUpdate strategy type");
                return out;
            }
            let deadline = match p.value("timeout").map(|t| (t, parse_duration(t))) {
                None | Some((_, Some(0))) => None,
                Some((_, Some(ms))) => Some(c.now().plus_ms(ms)),
                Some((t, None)) => {
                    out.err(format!("error: invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\"\nSee 'kubectl rollout status -h' for help and examples"));
                    return out;
                }
            };
            if p.value("watch") == Some("false") {
                // `--watch=false`: the status once, done or not.
                out.out(crate::jobs::rollout_message(&set).0);
                return out;
            }
            out.job = Some(Job::RolloutStatus { ns, name, seen: None, deadline });
        }
        "history" => {
            // `ViewHistory`, printed through the name printer: `statefulset.apps/web <info>`.
            let revision = match p.value("revision").map(|r| r.parse::<i64>()) {
                None => 0,
                Some(Ok(n)) if n >= 0 => n,
                Some(Ok(n)) => {
                    out.err(format!("error: revision must be a positive integer: {n}"));
                    return out;
                }
                Some(Err(_)) => {
                    let v = p.value("revision").unwrap_or("");
                    out.err(format!("error: invalid argument \"{v}\" for \"--revision\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl rollout history -h' for help and examples"));
                    return out;
                }
            };
            if revs.is_empty() {
                out.out(format!("statefulset.apps/{name} \nNo rollout history found.\n"));
                return out;
            }
            if revision > 0 {
                let Some(rev) = revs.iter().find(|x| x.revision == revision) else {
                    out.err("error: unable to find the specified revision");
                    return out;
                };
                out.out(format!(
                    "statefulset.apps/{name} with revision #{revision}\n{}\n",
                    crate::describe::pod_template_text(&revision_template(&set, rev))
                ));
                return out;
            }
            let mut rows = vec![vec!["REVISION".to_string(), "CHANGE-CAUSE".to_string()]];
            for r in &revs {
                let cause = r.metadata.annotations.get("kubernetes.io/change-cause").cloned().unwrap_or_else(|| "<none>".into());
                rows.push(vec![r.revision.to_string(), cause]);
            }
            out.out(format!("statefulset.apps/{name} \n{}\n", two_space_table(&rows)));
        }
        "undo" => {
            // `StatefulSetRollbacker.Rollback`.
            let to = match p.value("to-revision").map(|r| r.parse::<i64>()) {
                None => 0,
                Some(Ok(n)) => n,
                Some(Err(_)) => {
                    let v = p.value("to-revision").unwrap_or("");
                    out.err(format!("error: invalid argument \"{v}\" for \"--to-revision\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl rollout undo -h' for help and examples"));
                    return out;
                }
            };
            let dry_run = match p.value("dry-run") {
                None | Some("none") => "",
                Some("client") => " (dry run)",
                Some("server") => " (server dry run)",
                Some(v) => {
                    out.err(format!("error: Invalid dry-run value ({v}). Must be \"none\", \"server\", or \"client\"."));
                    return out;
                }
            };
            if to < 0 {
                out.err(format!("error: unable to find specified revision {to} in history"));
                return out;
            }
            if to == 0 && revs.len() <= 1 {
                out.err("error: no last revision to roll back to");
                return out;
            }
            let target = if to == 0 {
                revs.get(revs.len() - 2).cloned()
            } else {
                revs.iter().find(|r| r.revision == to).cloned()
            };
            let Some(target) = target else {
                out.err(format!("error: unable to find specified revision {to} in history"));
                return out;
            };
            let template = revision_template(&set, &target);
            if dry_run == " (dry run)" {
                out.out(format!(
                    "statefulset.apps/{name} will roll back to {}{dry_run}\n",
                    crate::describe::pod_template_text(&template)
                ));
                return out;
            }
            // `statefulsetMatch`: the set's template patch equals the revision's data.
            let mut current = serde_json::to_value(&set.spec.template).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut current {
                m.insert("$patch".into(), Value::String("replace".into()));
            }
            if target.data.pointer("/spec/template") == Some(&current) {
                out.out(format!("statefulset.apps/{name} skipped rollback (current template already matches revision {to}){dry_run}\n"));
                return out;
            }
            if !dry_run.is_empty() {
                out.out(format!("statefulset.apps/{name} rolled back{dry_run}\n"));
                return out;
            }
            let value = serde_json::to_value(&template).unwrap_or(Value::Null);
            let op = json!([{"op": "replace", "path": "/spec/template", "value": value}]);
            match c.patch(Kind::StatefulSet, &ns, &name, PatchType::Json, &op) {
                Ok(_) => out.out(format!("statefulset.apps/{name} rolled back\n")),
                Err(e) => out.err(format!("error: failed restoring revision {to}: {}", e.message)),
            }
        }
        "restart" => {
            // `defaultObjectRestarter`: the template's restartedAt annotation, as kubectl's
            // clock reads it (RFC 3339, whole seconds). Twice in one second the patch is empty:
            // kubectl still sends it and says so after.
            let now = c.now().rfc3339();
            let same = set.spec.template.metadata.annotations.get("kubectl.kubernetes.io/restartedAt") == Some(&now);
            match c.patch(Kind::StatefulSet, &ns, &name, PatchType::Strategic, &json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": now}}}}})) {
                Ok(_) => out.out(format!("statefulset.apps/{name} restarted\n")),
                Err(e) => out.err(format!("error: failed to patch: {}", e.message)),
            }
            if same {
                out.err(format!("error: failed to create patch for {name}: empty patch"));
            }
        }
        "pause" | "resume" => out.err(format!("error: statefulsets.apps \"{name}\" {} is not supported", if sub == "pause" { "pausing" } else { "resuming" })),
        other => out.err(format!("error: unknown command \"{other}\" for \"kubectl rollout\"\nSee 'kubectl rollout -h' for help and examples")),
    }
    out
}

/// The pod template a revision holds (`applyStatefulSetHistory`).
fn revision_template(set: &StatefulSet, rev: &ControllerRevision) -> PodTemplateSpec {
    let mut t = rev
        .data
        .pointer("/spec/template")
        .cloned()
        .unwrap_or(Value::Null);
    if let Value::Object(m) = &mut t {
        m.remove("$patch");
    }
    serde_json::from_value(t).unwrap_or_else(|_| set.spec.template.clone())
}

fn two_space_table(rows: &[Vec<String>]) -> String {
    let w = rows.iter().map(|r| r[0].len()).max().unwrap_or(0) + 2;
    rows.iter()
        .map(|r| format!("{:w$}{}\n", r[0], r[1], w = w))
        .collect()
}

pub fn version(args: &[String]) -> Output {
    let mut out = Output::default();
    if args.iter().any(|a| a == "--client") {
        out.out(format!(
            "Client Version: {KUBERNETES_VERSION}\nKustomize Version: v5.6.0\n"
        ));
    } else {
        out.out(format!("Client Version: {KUBERNETES_VERSION}\nKustomize Version: v5.6.0\nServer Version: {KUBERNETES_VERSION}\n"));
    }
    out
}

pub fn api_resources() -> Output {
    let mut out = Output::default();
    let mut rows = vec![vec![
        "NAME".to_string(),
        "SHORTNAMES".into(),
        "APIVERSION".into(),
        "NAMESPACED".into(),
        "KIND".into(),
    ]];
    rows.extend(resource::api_resources());
    out.out(table::render(&rows));
    out
}

pub fn cluster_info() -> Output {
    let mut out = Output::default();
    out.out("Kubernetes control plane is running at https://127.0.0.1:6443\nCoreDNS is running at https://127.0.0.1:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n");
    out
}

pub fn config(args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    match args.first().map(String::as_str) {
        Some("current-context") => out.out("kind-kind\n"),
        Some("get-contexts") => out.out(table::render(&[
            vec!["CURRENT".into(), "NAME".into(), "CLUSTER".into(), "AUTHINFO".into(), "NAMESPACE".into()],
            vec!["*".into(), "kind-kind".into(), "kind-kind".into(), "kind-kind".into(), if env.namespace == "default" { String::new() } else { env.namespace.to_string() }],
        ])),
        Some("view") => out.out(
            "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: DATA+OMITTED\n    server: https://127.0.0.1:6443\n  name: kind-kind\ncontexts:\n- context:\n    cluster: kind-kind\n    user: kind-kind\n  name: kind-kind\ncurrent-context: kind-kind\nkind: Config\npreferences: {}\nusers:\n- name: kind-kind\n  user:\n    client-certificate-data: DATA+OMITTED\n    client-key-data: DATA+OMITTED\n"
        ),
        Some(other) => out.err(format!("error: \"kubectl config {other}\" is not available in this playground (current-context, get-contexts and view are)")),
        None => out.err("error: Required subcommand: one of current-context, get-contexts, view"),
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations() {
        assert_eq!(super::parse_duration("30s"), Some(30_000));
        assert_eq!(super::parse_duration("1m30s"), Some(90_000));
        assert_eq!(super::parse_duration("500ms"), Some(500));
        assert_eq!(super::parse_duration("2h"), Some(7_200_000));
        assert_eq!(super::parse_duration("abc"), None);
        assert_eq!(super::parse_duration("10"), None);
    }
}
