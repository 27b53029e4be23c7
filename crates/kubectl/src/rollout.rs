//! `kubectl rollout` (`pkg/cmd/rollout`) for Deployments and StatefulSets: status (a job that
//! follows the object), history, undo, pause, resume and restart; the StatefulSet status
//! viewer's messages (the Deployment's helpers are in [`crate::deployment`]).

use crate::args::{flag, parse_duration, sub, FlagSpec, Operands, Parsed, Sub};
use crate::deployment;
use crate::errors::Visit;
use crate::jobs::Job;
use crate::output::Output;
use crate::Env;
use ordinal_sim::api::*;
use ordinal_sim::patch::PatchType;
use ordinal_sim::Cluster;
use ordinal_sim::WatchEventType;
use serde_json::{json, Value};
use std::sync::Arc;

const TO_REVISION: FlagSpec = flag("to-revision", None, true);
const WATCH: FlagSpec = flag("watch", Some('w'), false);
const REVISION: FlagSpec = flag("revision", None, true);
const TIMEOUT: FlagSpec = flag("timeout", None, true);
const SELECTOR: FlagSpec = flag("selector", Some('l'), true);
const FILENAME: FlagSpec = flag("filename", Some('f'), true);
const RECURSIVE: FlagSpec = flag("recursive", Some('R'), false);
use crate::dryrun::{
    self, DryRun, Print, Shown, ALLOW_MISSING_TEMPLATE_KEYS, DRY_RUN, OUTPUT, TEMPLATE,
};

/// What every subcommand takes to name its objects (`AddFilenameOptionFlags`,
/// `AddLabelSelectorFlagVar`).
const OBJECTS: &[FlagSpec] = &[FILENAME, RECURSIVE, SELECTOR];

/// Every subcommand's flags (the parser takes them all, then refuses another subcommand's), in
/// the order a foreign one is reported.
pub const FLAGS: &[FlagSpec] = &[
    FILENAME,
    RECURSIVE,
    SELECTOR,
    TO_REVISION,
    WATCH,
    REVISION,
    TIMEOUT,
    DRY_RUN,
    OUTPUT,
    TEMPLATE,
    ALLOW_MISSING_TEMPLATE_KEYS,
];

/// What `rollout` manages (Tab completion offers these types, then their names).
const MANAGED: Operands = Operands::TypedName(&[Kind::Deployment, Kind::StatefulSet]);
const DEPLOYMENTS: Operands = Operands::TypedName(&[Kind::Deployment]);
const PAUSE_FLAGS: &[FlagSpec] = &[
    FILENAME,
    RECURSIVE,
    SELECTOR,
    OUTPUT,
    TEMPLATE,
    ALLOW_MISSING_TEMPLATE_KEYS,
];

/// `kubectl rollout`'s subcommands (alphabetical, as cobra lists them) and their own flags.
pub const SUBCOMMANDS: &[Sub] = &[
    sub(
        "history",
        &[
            FILENAME,
            RECURSIVE,
            SELECTOR,
            REVISION,
            OUTPUT,
            TEMPLATE,
            ALLOW_MISSING_TEMPLATE_KEYS,
        ],
        MANAGED,
    ),
    sub("pause", PAUSE_FLAGS, DEPLOYMENTS),
    sub("restart", PAUSE_FLAGS, MANAGED),
    sub("resume", PAUSE_FLAGS, DEPLOYMENTS),
    sub(
        "status",
        &[FILENAME, RECURSIVE, SELECTOR, REVISION, TIMEOUT, WATCH],
        MANAGED,
    ),
    sub(
        "undo",
        &[
            FILENAME,
            RECURSIVE,
            SELECTOR,
            TO_REVISION,
            DRY_RUN,
            OUTPUT,
            TEMPLATE,
            ALLOW_MISSING_TEMPLATE_KEYS,
        ],
        MANAGED,
    ),
];

/// A group and kind as Go's `schema.GroupKind` prints itself: `ReplicaSet.apps`, `Pod`.
fn group_kind(kind: Kind) -> String {
    match kind.info().group {
        "" => kind.name().to_string(),
        g => format!("{}.{g}", kind.name()),
    }
}

/// `apps.GroupKindElement.Accept`: the history viewer and the rollbacker are found through a
/// visitor that knows the workload kinds (and pods); another kind is its error.
fn visitor_error(kind: Kind) -> Option<String> {
    match kind {
        Kind::Pod | Kind::ReplicaSet | Kind::Deployment | Kind::StatefulSet => None,
        // Go's `%v` of the struct: `{ Service}`, `{apps ControllerRevision}`.
        _ => Some(format!(
            "no visitor method exists for {{{} {}}}",
            kind.info().group,
            kind.name()
        )),
    }
}

/// A resource as the patching subcommands name it in their errors: `deployments.apps`.
fn resource_string(kind: Kind) -> String {
    match kind.info().group {
        "" => kind.info().plural.to_string(),
        g => format!("{}.{g}", kind.info().plural),
    }
}

/// `--revision` (an int64 flag): its value, or pflag's error.
fn revision_flag(p: &crate::args::Parsed, sub: &str, out: &mut Output) -> Option<i64> {
    match p.value("revision").map(|r| (r, r.parse::<i64>())) {
        None => Some(0),
        Some((_, Ok(n))) => Some(n),
        Some((v, Err(_))) => {
            out.err(format!("error: invalid argument \"{v}\" for \"--revision\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl rollout {sub} -h' for help and examples"));
            None
        }
    }
}

pub fn rollout(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    // `undo --dry-run` is pflag's optional-value flag: bare, it takes no word after it.
    let Some(p) = crate::args::parse_into(&dryrun::bare_flag(args), FLAGS, "rollout", &mut out)
    else {
        return out;
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let Some(sub) = p.positionals.first().cloned() else {
        let names: Vec<&str> = SUBCOMMANDS.iter().map(|s| s.name).collect();
        out.err(format!(
            "error: Required subcommand: one of {}\nSee 'kubectl rollout -h' for help and examples",
            names.join(", ")
        ));
        return out;
    };
    // An unknown subcommand: `DefaultSubCommandRun`'s usage error (naming every operand),
    // before anything else.
    let Some(own) = crate::args::find_sub(SUBCOMMANDS, &sub).map(|s| s.flags) else {
        out.err(format!(
            "error: unknown command {:?}\nSee 'kubectl rollout -h' for help and examples",
            p.positionals.join(" ")
        ));
        return out;
    };
    // Each subcommand has its own flags: another's is unknown to it.
    for f in FLAGS {
        let common = OBJECTS.iter().any(|o| o.long == f.long);
        if p.has(f.long) && !common && !own.iter().any(|o| o.long == f.long) {
            // Written short (`-o name`), pflag names the shorthand and the word it was in.
            let end = args.iter().position(|a| a == "--").unwrap_or(args.len());
            let short = f.short.and_then(|ch| {
                args[..end]
                    .iter()
                    .find(|a| {
                        !a.starts_with("--")
                            && a.strip_prefix('-').is_some_and(|r| r.starts_with(ch))
                    })
                    .map(|a| (ch, a))
            });
            match short {
                Some((ch, word)) => out.err(format!(
                    "error: unknown shorthand flag: '{ch}' in {word}\nSee 'kubectl rollout {sub} --help' for usage."
                )),
                None => out.err(format!(
                    "error: unknown flag: --{}\nSee 'kubectl rollout {sub} --help' for usage.",
                    f.long
                )),
            }
            return out;
        }
    }
    // `Complete`: undo's dry-run strategy (and its warnings), then the printer.
    let (dry, print) = match sub.as_str() {
        "undo" => match dryrun::flags(&p, c, &mut out) {
            Some(f) => f,
            None => return out,
        },
        "pause" | "resume" | "restart" | "history" => match dryrun::print_flag(&p, &mut out) {
            Some(print) => (DryRun::None, print),
            None => return out,
        },
        _ => (DryRun::None, Print::Message),
    };
    let resources = &p.positionals[1..];
    // `Validate`.
    if resources.is_empty() && !p.has("filename") {
        out.err("error: required resource not specified");
        return out;
    }
    let revision = match sub.as_str() {
        "status" | "history" => match revision_flag(&p, &sub, &mut out) {
            Some(r) if r < 0 => {
                out.err(format!("error: revision must be a positive integer: {r}"));
                return out;
            }
            Some(r) => r,
            None => return out,
        },
        _ => 0,
    };
    let timeout_ms = if sub == "status" {
        match p.value("timeout").map(|t| (t, parse_duration(t))) {
            None | Some((_, Some(0))) => None,
            Some((_, Some(ms))) => Some(ms),
            Some((t, None)) => {
                out.err(format!("error: invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\"\nSee 'kubectl rollout status -h' for help and examples"));
                return out;
            }
        }
    } else {
        None
    };
    // The resource builder (`ContinueOnError`, `Latest`): each object read, or its error.
    let Some(visited) = build(c, &p, resources, &ns, env, &mut out) else {
        return out;
    };
    let mut errs: Vec<Visit> = Vec::new();
    match sub.as_str() {
        "status" => {
            let mut job = StatusJob {
                default_ns: ns,
                revision,
                watch: p.value("watch") != Some("false"),
                timeout_ms,
                queue: visited
                    .into_iter()
                    .map(|v| v.map(|o| (o.kind(), o.meta().namespace.clone(), o.meta().name.clone())))
                    .collect(),
                seen: None,
                deadline: timeout_ms.map(|ms| c.now().plus_ms(ms)),
                errors: Vec::new(),
                found: false,
            };
            if !job.watch {
                // `--watch=false`: each status once, done or not.
                poll_status(c, &mut job, &mut out);
                return out;
            }
            out.job = Some(Job::RolloutStatus(Box::new(job)));
            return out;
        }
        "history" => {
            // `-o` prints each revision's object (the ReplicaSet, or the StatefulSet as the
            // revision would make it), oldest first, through one printer.
            let listed = p.value("output").is_some_and(|o| !o.is_empty());
            let mut printed = 0;
            for v in visited {
                let obj = match v {
                    Ok(o) => o,
                    Err(e) => {
                        errs.push(e);
                        continue;
                    }
                };
                let kind = obj.kind();
                let gk = group_kind(kind);
                let name = obj.meta().name.clone();
                let no_viewer = || match visitor_error(kind) {
                    Some(e) => format!("error retrieving history for {gk:?}, {e}"),
                    None => format!("no history viewer has been implemented for {gk:?}"),
                };
                if listed {
                    let revisions: Vec<(i64, Kind, String, Value)> = match &*obj {
                        Object::Deployment(d) => deployment::history_objects(c, d)
                            .into_iter()
                            .map(|(r, rs)| {
                                let n = rs.metadata.name.clone();
                                let v = Object::ReplicaSet(Box::new(rs)).to_value();
                                (r, Kind::ReplicaSet, n, dryrun::typed(&v))
                            })
                            .collect(),
                        Object::StatefulSet(s) => statefulset_history_objects(c, s)
                            .into_iter()
                            .map(|(r, set)| {
                                let v = Object::StatefulSet(Box::new(set)).to_value();
                                (r, Kind::StatefulSet, name.clone(), dryrun::typed(&v))
                            })
                            .collect(),
                        _ => {
                            errs.push(Visit::Own(no_viewer()));
                            continue;
                        }
                    };
                    let chosen: Vec<&(i64, Kind, String, Value)> = if revision > 0 {
                        match revisions.iter().find(|r| r.0 == revision) {
                            Some(r) => vec![r],
                            None => {
                                errs.push(Visit::Own(
                                    "unable to find the specified revision".into(),
                                ));
                                continue;
                            }
                        }
                    } else {
                        revisions.iter().collect()
                    };
                    for (_, k, n, v) in chosen {
                        // The YAML printer separates the objects it prints.
                        if print == Print::Yaml && printed > 0 {
                            out.out("---\n");
                        }
                        printed += 1;
                        print.done(&mut out, DryRun::None, *k, n, "", Shown::Typed(v));
                    }
                    continue;
                }
                // `ViewHistory`, printed through the name printer: `deployment.apps/web <info>`.
                let viewed = match &*obj {
                    Object::Deployment(d) => deployment::view_history(c, d, revision),
                    Object::StatefulSet(s) => statefulset_history(c, s, revision),
                    _ => Err(no_viewer()),
                };
                match viewed {
                    Ok(info) => {
                        let with = if revision > 0 {
                            format!("with revision #{revision}")
                        } else {
                            String::new()
                        };
                        let shown = dryrun::typed(&obj.to_value());
                        print.done(
                            &mut out,
                            DryRun::None,
                            kind,
                            &name,
                            &format!("{with}\n{info}"),
                            Shown::Typed(&shown),
                        );
                    }
                    Err(e) => errs.push(Visit::Own(e)),
                }
            }
        }
        "undo" => {
            let to = match p.value("to-revision").map(|r| r.parse::<i64>()) {
                None => 0,
                Some(Ok(n)) => n,
                Some(Err(_)) => {
                    let v = p.value("to-revision").unwrap_or("");
                    out.err(format!("error: invalid argument \"{v}\" for \"--to-revision\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl rollout undo -h' for help and examples"));
                    return out;
                }
            };
            for v in visited {
                let obj = match v {
                    Ok(o) => o,
                    Err(e) => {
                        errs.push(e);
                        continue;
                    }
                };
                let (kind, obj_ns, name) = (obj.kind(), obj.meta().namespace.clone(), obj.meta().name.clone());
                let gk = group_kind(kind);
                // `UndoOptions.RunUndo`: the rollbacker's message is the printer's operation,
                // and `-o` prints the object as kubectl read it before the patch.
                let shown = dryrun::typed(&obj.to_value());
                let decided = match &*obj {
                    Object::Deployment(d) => deployment::rollback(c, d, to, dry),
                    Object::StatefulSet(s) => statefulset_rollback(c, s, to, dry),
                    _ => Err(match visitor_error(kind) {
                        Some(e) => format!("error retrieving rollbacker for {gk:?}, {e}"),
                        None => format!("no rollbacker has been implemented for {gk:?}"),
                    }),
                };
                match decided {
                    Err(e) => errs.push(Visit::Own(e)),
                    Ok(deployment::Rollback { operation, patch: None }) => {
                        print.done(&mut out, dry, kind, &name, &operation, Shown::Typed(&shown));
                    }
                    Ok(deployment::Rollback { operation, patch: Some(patch) }) => {
                        match dry.send(c, |c| c.patch(kind, &obj_ns, &name, PatchType::Json, &patch)) {
                            Ok(_) => print.done(&mut out, dry, kind, &name, &operation, Shown::Typed(&shown)),
                            Err(e) => errs.push(Visit::Own(format!("failed restoring revision {to}: {}", e.message))),
                        }
                    }
                }
            }
        }
        "pause" | "resume" | "restart" => {
            // `r.Infos()`: what was read, and the errors reading the rest (one aggregate).
            let mut infos = Vec::new();
            let mut unread = Vec::new();
            for v in visited {
                match v {
                    Ok(o) => infos.push(o),
                    Err(e) => unread.push(e),
                }
            }
            if infos.is_empty() && unread.is_empty() {
                out.note(format!("No resources found in {ns} namespace.\n"));
                return out;
            }
            // `set.CalculatePatches` with the object pauser, resumer or restarter: its error
            // names the object; an empty patch sends nothing.
            let now = c.now().rfc3339();
            for obj in infos {
                let (kind, obj_ns, name) = (obj.kind(), obj.meta().namespace.clone(), obj.meta().name.clone());
                let (patch, done): (Result<Option<Value>, String>, &str) = match (sub.as_str(), &*obj) {
                    ("pause", Object::Deployment(d)) if d.spec.paused => (Err("is already paused".into()), ""),
                    ("pause", Object::Deployment(_)) => (Ok(Some(json!({"spec": {"paused": true}}))), "paused"),
                    ("resume", Object::Deployment(d)) if !d.spec.paused => (Err("is not paused".into()), ""),
                    ("resume", Object::Deployment(_)) => (Ok(Some(json!({"spec": {"paused": null}}))), "resumed"),
                    ("restart", Object::Deployment(d)) if d.spec.paused => (Err("can't restart paused deployment (run rollout resume first)".into()), ""),
                    ("restart", Object::Deployment(d)) => (Ok(restart_patch(&d.spec.template, &now)), "restarted"),
                    ("restart", Object::StatefulSet(s)) => (Ok(restart_patch(&s.spec.template, &now)), "restarted"),
                    (verb, _) => (Err(format!("{} is not supported", match verb { "pause" => "pausing", "resume" => "resuming", _ => "restarting" })), ""),
                };
                match patch {
                    Err(e) => errs.push(Visit::Own(format!("error: {} {name:?} {e}", resource_string(kind)))),
                    Ok(None) => errs.push(Visit::Own(format!("failed to create patch for {name}: if restart has already been triggered within the past second, please wait before attempting to trigger another"))),
                    Ok(Some(patch)) => match c.patch(kind, &obj_ns, &name, PatchType::Strategic, &patch) {
                        Ok(o) => print.done(&mut out, DryRun::None, kind, &name, done, Shown::Typed(&dryrun::typed(&o.to_value()))),
                        Err(e) => errs.push(Visit::Own(format!("failed to patch: {}", e.message))),
                    },
                }
            }
            // `NewAggregate(allErrs)`: the read errors are one error among the others (the
            // one error itself, or an aggregate of several).
            let mut all = Vec::new();
            match (unread.len(), errs.is_empty()) {
                (0, _) => {}
                (1, _) | (_, true) => all = unread,
                _ => all.push(Visit::Many(unread.iter().map(Visit::error_string).collect())),
            }
            all.append(&mut errs);
            errs = all;
        }
        other => out.err(format!("error: unknown command \"{other}\" for \"kubectl rollout\"\nSee 'kubectl rollout -h' for help and examples")),
    }
    crate::errors::check(&mut out, errs);
    out
}

/// `kubectl rollout status` following its objects one after the other, as `r.Visit` does
/// (`UntilWithSync` on each, with its own `--timeout`); errors are gathered and printed at
/// the end, as `ContinueOnError` returns them.
#[derive(Debug)]
pub struct StatusJob {
    /// The namespace kubectl names when it found nothing.
    pub default_ns: String,
    /// `--revision` (0: any).
    pub revision: i64,
    /// Not `--watch=false`.
    pub watch: bool,
    pub timeout_ms: Option<u64>,
    /// The objects still to follow (the first is followed now: kind, namespace, name), or
    /// the errors reading them.
    pub queue: std::collections::VecDeque<Result<(Kind, String, String), Visit>>,
    /// The watch cursor (a resourceVersion) on the first; none before its initial list.
    pub seen: Option<u64>,
    /// `--timeout` for the first (none when 0 or not given).
    pub deadline: Option<ordinal_sim::Time>,
    pub errors: Vec<Visit>,
    /// Some object was visited.
    pub found: bool,
}

impl StatusJob {
    /// The first object is done with: the next one starts with its own timeout.
    fn next(&mut self, c: &Cluster) {
        self.queue.pop_front();
        self.seen = None;
        self.deadline = self.timeout_ms.map(|ms| c.now().plus_ms(ms));
    }
}

/// One poll of `rollout status`: true when every object is done with.
pub fn poll_status(c: &mut Cluster, job: &mut StatusJob, out: &mut Output) -> bool {
    'objects: loop {
        let (kind, ns, name) = match job.queue.front() {
            None => break,
            Some(Err(_)) => {
                if let Some(Err(e)) = job.queue.pop_front() {
                    job.errors.push(e);
                }
                continue;
            }
            Some(Ok(t)) => t.clone(),
        };
        job.found = true;
        // The versions of the object to judge: the listed one first, then each write.
        let mut versions: Vec<Option<std::sync::Arc<Object>>> = Vec::new();
        match job.seen.and_then(|rv| c.watch_kind_since(kind, rv).ok()) {
            Some(events) => {
                for e in events {
                    let m = e.object.meta();
                    if e.object.kind() == kind && m.namespace == ns && m.name == name {
                        versions.push(match e.type_ {
                            WatchEventType::Deleted => None,
                            _ => Some(e.object.clone()),
                        });
                    }
                }
            }
            None => match c.get(kind, &ns, &name) {
                Ok(o) => versions.push(Some(o)),
                Err(e) => {
                    job.errors.push(Visit::Api(e));
                    job.next(c);
                    continue;
                }
            },
        }
        job.seen = Some(c.resource_version());
        for v in versions {
            let Some(o) = v else {
                job.errors
                    .push(Visit::Own("object has been deleted".into()));
                job.next(c);
                continue 'objects;
            };
            match status_of(&o, job.revision) {
                Ok((msg, done)) => {
                    out.out(msg);
                    if done || !job.watch {
                        job.next(c);
                        continue 'objects;
                    }
                }
                Err(e) => {
                    job.errors.push(Visit::Own(e));
                    job.next(c);
                    continue 'objects;
                }
            }
        }
        if job.deadline.is_some_and(|d| c.now() >= d) {
            job.errors
                .push(Visit::Own("timed out waiting for the condition".into()));
            job.next(c);
            continue;
        }
        return false;
    }
    if !job.found && job.errors.is_empty() {
        out.note(format!(
            "No resources found in {} namespace.\n",
            job.default_ns
        ));
    }
    crate::errors::check(out, std::mem::take(&mut job.errors));
    true
}

/// The resource builder as the rollout subcommands set it up (`FilenameParam`,
/// `LabelSelectorParam`, `ResourceTypeOrNameArgs(true, …)`, `ContinueOnError`, `Latest`): the
/// objects it visits in order, each read from the server or the error reading it; `None` with
/// the error written when the builder itself refuses.
fn build(
    c: &Cluster,
    p: &Parsed,
    resources: &[String],
    ns: &str,
    env: &Env,
    out: &mut Output,
) -> Option<Vec<Result<Arc<Object>, Visit>>> {
    let selector = crate::args::selector_into(p, out)?;
    let read = |kind: Kind, obj_ns: &str, name: &str| {
        let obj_ns = if kind.namespaced() { obj_ns } else { "" };
        c.get(kind, obj_ns, name).map_err(Visit::Api)
    };
    if p.has("filename") {
        // `visitByPaths`.
        if !resources.is_empty() {
            let msg = if resources.iter().all(|r| r.contains('/')) {
                "resource/name arguments cannot be provided when a path is specified"
            } else {
                "when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well"
            };
            out.err(format!("error: {msg}"));
            return None;
        }
        let mut visited = Vec::new();
        for (f, text) in read_paths(p, env, out)? {
            let docs = match ordinal_sim::apply::parse_manifests(&text) {
                Ok(d) => d,
                Err(e) => {
                    out.err(format!("error: error parsing {f}: {}", e.message));
                    return None;
                }
            };
            for d in docs {
                let s = |k: &str| d.value.pointer(k).and_then(Value::as_str).unwrap_or("");
                let Some(kind) = Kind::from_type_meta(s("/apiVersion"), s("/kind")) else {
                    out.err(format!(
                        "error: resource mapping not found for name: {:?} namespace: {:?} from {f:?}: no matches for kind {:?} in version {:?}\nensure CRDs are installed first",
                        s("/metadata/name"),
                        s("/metadata/namespace"),
                        s("/kind"),
                        s("/apiVersion")
                    ));
                    return None;
                };
                let file_ns = s("/metadata/namespace");
                if p.has("namespace") && !file_ns.is_empty() && file_ns != ns && kind.namespaced() {
                    out.err(format!("error: the namespace from the provided object \"{file_ns}\" does not match the namespace \"{ns}\". You must pass '--namespace={file_ns}' to perform this operation."));
                    return None;
                }
                if let Some(sel) = &selector {
                    let labels: Labels = d
                        .value
                        .pointer("/metadata/labels")
                        .cloned()
                        .and_then(|l| serde_json::from_value(l).ok())
                        .unwrap_or_default();
                    if !sel.matches(&labels) {
                        continue;
                    }
                }
                let obj_ns = if file_ns.is_empty() { ns } else { file_ns };
                visited.push(read(kind, obj_ns, s("/metadata/name")));
            }
        }
        return Some(visited);
    }
    // `ResourceTypeOrNameArgs`: `TYPE/NAME…`, or `TYPE[,TYPE…] [NAME…]`.
    let slashed = resources.iter().filter(|r| r.contains('/')).count();
    if slashed > 0 && slashed < resources.len() {
        out.err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'");
        return None;
    }
    let kind_of = |ty: &str, out: &mut Output| {
        let k = crate::resource::resolve(ty);
        if k.is_none() {
            out.err(format!(
                "error: the server doesn't have a resource type \"{ty}\""
            ));
        }
        k
    };
    if slashed > 0 {
        let mut tuples = Vec::new();
        for r in resources {
            let (ty, name) = r.split_once('/').unwrap_or((r, ""));
            if name.is_empty() || name.contains('/') {
                out.err(
                    "error: arguments in resource/name form must have a single resource and name",
                );
                return None;
            }
            tuples.push((kind_of(ty, out)?, name.to_string()));
        }
        if selector.is_some() {
            out.err("error: selectors and the all flag cannot be used when passing resource/name arguments");
            return None;
        }
        return Some(tuples.into_iter().map(|(k, n)| read(k, ns, &n)).collect());
    }
    let mut kinds = Vec::new();
    for ty in resources[0].split(',') {
        kinds.push(kind_of(ty, out)?);
    }
    let names = &resources[1..];
    if names.is_empty() {
        // A type alone selects everything of it (`allowEmptySelector`).
        let mut visited = Vec::new();
        for k in kinds {
            for o in c.list(k, k.namespaced().then_some(ns)) {
                if selector
                    .as_ref()
                    .is_none_or(|s| s.matches(&o.meta().labels))
                {
                    visited.push(Ok(o));
                }
            }
        }
        return Some(visited);
    }
    if selector.is_some() {
        out.err("error: name cannot be provided when a selector is specified");
        return None;
    }
    Some(
        kinds
            .iter()
            .flat_map(|k| names.iter().map(move |n| (*k, n)))
            .map(|(k, n)| read(k, ns, n))
            .collect(),
    )
}

/// `-f` paths (`FileVisitor`s): a file, a URL or stdin as it is; a directory's `.json`,
/// `.yaml` and `.yml` files, in lexical order, and with `-R` those of its subdirectories.
fn read_paths(p: &Parsed, env: &Env, out: &mut Output) -> Option<Vec<(String, String)>> {
    let recursive = p.bool("recursive");
    let mut files = Vec::new();
    for f in p.values("filename") {
        match env.files.dir(&f) {
            None => match crate::manifests::read(env.files, &f, env.stdin) {
                Ok(text) => files.push((f, text)),
                Err(e) => {
                    out.err(e);
                    return None;
                }
            },
            Some(_) => {
                let mut found = Vec::new();
                walk(env, &f, recursive, &mut found);
                if found.is_empty() {
                    out.err(format!("error: error reading [{f}]: recognized file extensions are [.json .yaml .yml]"));
                    return None;
                }
                for path in found {
                    match env.files.read(&path) {
                        Ok(text) => files.push((path, text)),
                        Err(_) => {
                            out.err(format!("error: the path \"{path}\" does not exist"));
                            return None;
                        }
                    }
                }
            }
        }
    }
    Some(files)
}

/// The manifest files under `dir` (`filepath.Walk`, subdirectories only when `recursive`).
fn walk(env: &Env, dir: &str, recursive: bool, found: &mut Vec<String>) {
    for name in env.files.dir(dir).unwrap_or_default() {
        let path = format!("{}/{name}", dir.trim_end_matches('/'));
        if env.files.dir(&path).is_some() {
            if recursive {
                walk(env, &path, recursive, found);
            }
        } else if [".json", ".yaml", ".yml"].iter().any(|e| name.ends_with(e)) {
            found.push(path);
        }
    }
}

/// `defaultObjectRestarter`'s change as the patch kubectl computes: the template's restartedAt
/// annotation, as kubectl's clock reads it (RFC 3339, whole seconds); none when it already has
/// that value (twice in one second).
fn restart_patch(t: &PodTemplateSpec, now: &str) -> Option<Value> {
    const KEY: &str = "kubectl.kubernetes.io/restartedAt";
    if t.metadata.annotations.get(KEY).map(String::as_str) == Some(now) {
        return None;
    }
    Some(json!({"spec": {"template": {"metadata": {"annotations": {KEY: now}}}}}))
}

/// The status viewer of the object's kind: its message and whether the rollout is done, or the
/// error that ends `rollout status`.
pub fn status_of(obj: &Object, revision: i64) -> Result<(String, bool), String> {
    match obj {
        Object::Deployment(d) => deployment::status(d, revision),
        Object::StatefulSet(s) => {
            if s.update_strategy_type() != "RollingUpdate" {
                return Err(
                    "rollout status is only available for RollingUpdate strategy type".into(),
                );
            }
            Ok(rollout_message(s))
        }
        other => Err(format!(
            "no status viewer has been implemented for {}",
            group_kind(other.kind())
        )),
    }
}

/// `StatefulSetHistoryViewer.ViewHistory`.
fn statefulset_history(c: &Cluster, set: &StatefulSet, revision: i64) -> Result<String, String> {
    let revs = c.statefulset_revisions(&set.metadata.namespace, &set.metadata.name);
    if revs.is_empty() {
        return Ok("No rollout history found.".into());
    }
    if revision > 0 {
        let Some(rev) = revs.iter().find(|x| x.revision == revision) else {
            return Err("unable to find the specified revision".into());
        };
        return Ok(crate::describe::pod_template_text(&revision_template(
            set, rev,
        )));
    }
    let mut rows = vec![vec!["REVISION".to_string(), "CHANGE-CAUSE".to_string()]];
    for r in &revs {
        let cause = r
            .metadata
            .annotations
            .get(deployment::CHANGE_CAUSE)
            .cloned()
            .unwrap_or_else(|| "<none>".into());
        rows.push(vec![r.revision.to_string(), cause]);
    }
    Ok(crate::table::render_with(&rows, crate::table::DESCRIBE))
}

/// `StatefulSetHistoryViewer.GetHistory`: each revision's StatefulSet (the live one with the
/// revision's template applied).
fn statefulset_history_objects(c: &Cluster, set: &StatefulSet) -> Vec<(i64, StatefulSet)> {
    let mut by_revision = std::collections::BTreeMap::new();
    for rev in c.statefulset_revisions(&set.metadata.namespace, &set.metadata.name) {
        let mut applied = set.clone();
        applied.spec.template = revision_template(set, &rev);
        by_revision.insert(rev.revision, applied);
    }
    by_revision.into_iter().collect()
}

/// `StatefulSetRollbacker.Rollback` up to the patch it sends.
fn statefulset_rollback(
    c: &Cluster,
    set: &StatefulSet,
    to: i64,
    dry: DryRun,
) -> Result<deployment::Rollback, String> {
    let revs = c.statefulset_revisions(&set.metadata.namespace, &set.metadata.name);
    if to < 0 {
        return Err(format!("unable to find specified revision {to} in history"));
    }
    if to == 0 && revs.len() <= 1 {
        return Err("no last revision to roll back to".into());
    }
    let target = if to == 0 {
        revs.get(revs.len() - 2).cloned()
    } else {
        revs.iter().find(|r| r.revision == to).cloned()
    };
    let Some(target) = target else {
        return Err(format!("unable to find specified revision {to} in history"));
    };
    let template = revision_template(set, &target);
    if dry == DryRun::Client {
        return Ok(deployment::Rollback {
            operation: format!(
                "will roll back to {}",
                crate::describe::pod_template_text(&template)
            ),
            patch: None,
        });
    }
    // `statefulsetMatch`: the set's template patch equals the revision's data.
    let current = ordinal_sim::controllers::statefulset::utils::revision_patch(set);
    if target.data.pointer("/spec/template") == current.pointer("/spec/template") {
        return Ok(deployment::Rollback {
            operation: format!("skipped rollback (current template already matches revision {to})"),
            patch: None,
        });
    }
    let value = ordinal_sim::api::encode::Encode::encode(&template);
    Ok(deployment::Rollback {
        operation: "rolled back".into(),
        patch: Some(json!([{"op": "replace", "path": "/spec/template", "value": value}])),
    })
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
    // The API's decoder, not `serde_json::from_value`: one instantiation of the template's serde
    // code serves both (the web build's size).
    ordinal_sim::api::decode::decode(&t).map_or_else(|_| set.spec.template.clone(), |(t, _)| t)
}

/// The StatefulSet status viewer (`rollout_status.go`).
/// (Its refusal of another strategy is [`status_of`]'s.)
pub fn rollout_message(s: &StatefulSet) -> (String, bool) {
    let observed = s.status.observed_generation.unwrap_or(0);
    if observed == 0 || s.metadata.generation > observed {
        return (
            "Waiting for statefulset spec update to be observed...\n".into(),
            false,
        );
    }
    let replicas = s.replicas();
    if s.status.ready_replicas < replicas {
        return (
            format!(
                "Waiting for {} pods to be ready...\n",
                replicas - s.status.ready_replicas
            ),
            false,
        );
    }
    let has_ru = s
        .spec
        .update_strategy
        .as_ref()
        .is_some_and(|u| u.rolling_update.is_some());
    if has_ru {
        let partition = s.partition();
        if s.status.updated_replicas < replicas - partition {
            return (format!("Waiting for partitioned roll out to finish: {} out of {} new pods have been updated...\n", s.status.updated_replicas, replicas - partition), false);
        }
        return (
            format!(
                "partitioned roll out complete: {} new pods have been updated...\n",
                s.status.updated_replicas
            ),
            true,
        );
    }
    if s.status.update_revision != s.status.current_revision {
        return (
            format!(
                "waiting for statefulset rolling update to complete {} pods at revision {}...\n",
                s.status.updated_replicas, s.status.update_revision
            ),
            false,
        );
    }
    (
        format!(
            "statefulset rolling update complete {} pods at revision {}...\n",
            s.status.current_replicas, s.status.current_revision
        ),
        true,
    )
}

#[cfg(test)]
mod tests {
    use crate::run_line;
    use ordinal_sim::api::Deployment;
    use ordinal_sim::Cluster;

    fn ok(c: &mut Cluster, line: &str) -> String {
        let o = run_line(c, line, "");
        assert_eq!(o.status, 0, "{line}: {}", o.text());
        o.stdout()
    }

    fn image(c: &Cluster) -> String {
        let d = c.get_as::<Deployment>("default", "web").unwrap();
        d.spec.template.spec.containers[0]
            .image
            .clone()
            .unwrap_or_default()
    }

    /// A Deployment's history is its ReplicaSets' revisions; undo puts an old ReplicaSet's
    /// template back (a new revision), skips the current one, and refuses one not there.
    #[test]
    fn history_and_undo_follow_the_replica_sets() {
        let mut c = Cluster::new(1);
        ok(
            &mut c,
            "create deployment web --image=nginx:1.25 --replicas=2",
        );
        c.settle();
        ok(&mut c, "set image deployment/web nginx=nginx:1.27");
        c.settle();
        ok(
            &mut c,
            "annotate deployment web kubernetes.io/change-cause=upgrade",
        );
        c.settle();
        assert_eq!(
            ok(&mut c, "rollout history deployment/web"),
            "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         upgrade\n\n"
        );
        let one = ok(&mut c, "rollout history deployment/web --revision=1");
        assert!(
            one.starts_with("deployment.apps/web with revision #1\nPod Template:\n"),
            "{one}"
        );
        assert!(one.contains("    Image:\tnginx:1.25\n"), "{one}");
        assert_eq!(
            ok(&mut c, "rollout undo deployment/web"),
            "deployment.apps/web rolled back\n"
        );
        assert_eq!(image(&c), "nginx:1.25");
        c.settle();
        assert_eq!(
            ok(&mut c, "rollout history deployment/web"),
            "deployment.apps/web \nREVISION  CHANGE-CAUSE\n2         upgrade\n3         <none>\n\n"
        );
        assert_eq!(
            ok(&mut c, "rollout undo deployment/web --to-revision=3"),
            "deployment.apps/web skipped rollback (current template already matches revision 3)\n"
        );
        let o = run_line(&mut c, "rollout undo deployment/web --to-revision=1", "");
        assert_eq!(
            o.stderr(),
            "error: unable to find specified revision 1 in history\n"
        );
        // The rollback restored the template without the ReplicaSet's hash label.
        let d = c.get_as::<Deployment>("default", "web").unwrap();
        assert!(!d
            .spec
            .template
            .metadata
            .labels
            .contains_key("pod-template-hash"));
    }

    /// `rollout status` follows the Deployment until it is rolled out; a paused one refuses
    /// an undo and a restart, and says so once per pause or resume too many.
    #[test]
    fn status_waits_and_paused_deployments_refuse() {
        let mut c = Cluster::new(1);
        ok(&mut c, "create deployment web --image=nginx:1.25");
        let mut o = run_line(&mut c, "rollout status deployment/web", "");
        let job = o.job.take().unwrap();
        assert!(job.run_to_end(&mut c, &mut o).is_none());
        assert!(
            o.stdout()
                .ends_with("deployment \"web\" successfully rolled out\n"),
            "{}",
            o.text()
        );
        ok(&mut c, "set image deployment/web nginx=nginx:1.27");
        c.settle();
        assert_eq!(
            ok(&mut c, "rollout pause deployment/web"),
            "deployment.apps/web paused\n"
        );
        for (line, err) in [
            ("rollout pause deployment/web", "error: deployments.apps \"web\" is already paused\n"),
            ("rollout undo deployment/web", "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again\n"),
            ("rollout restart deployment/web", "error: deployments.apps \"web\" can't restart paused deployment (run rollout resume first)\n"),
        ] {
            let o = run_line(&mut c, line, "");
            assert_eq!((o.status, o.stderr()), (1, err.to_string()), "{line}");
        }
        assert_eq!(
            ok(&mut c, "rollout resume deployment/web"),
            "deployment.apps/web resumed\n"
        );
        let o = run_line(&mut c, "rollout resume deployment/web", "");
        assert_eq!(
            o.stderr(),
            "error: deployments.apps \"web\" is not paused\n"
        );
    }
}

#[cfg(test)]
mod builder_tests {
    use crate::session::MemFiles;
    use crate::{run, Env};
    use ordinal_sim::Cluster;

    fn with_files(c: &mut Cluster, files: &MemFiles, line: &str) -> crate::Output {
        let env = Env {
            namespace: "default",
            files,
            stdin: "",
            interactive_shells: false,
        };
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        run(c, &args, &env)
    }

    /// `-f DIR` reads the directory's manifests (`.yaml`, `.yml`, `.json`), and `-R` those
    /// of its subdirectories too, in `filepath.Walk`'s lexical order; a directory without one is kubectl's
    /// error.
    #[test]
    fn files_directories_and_recursion() {
        let mut c = Cluster::new(1);
        for name in ["a", "b"] {
            let o = crate::run_line(
                &mut c,
                &format!("create deployment {name} --image=nginx:1.14.2"),
                "",
            );
            assert_eq!(o.status, 0, "{}", o.text());
        }
        c.settle();
        let mut files = MemFiles::default();
        let doc =
            |n: &str| format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {n}\n");
        files.files.insert("m/b.yaml".into(), doc("b"));
        files
            .files
            .insert("m/notes.txt".into(), "not a manifest".into());
        files.files.insert("m/sub/a.yml".into(), doc("a"));
        files.files.insert("empty/readme".into(), "x".into());
        let o = with_files(&mut c, &files, "rollout history -f m -o name");
        assert_eq!(o.status, 0, "{}", o.text());
        assert!(
            o.stdout().starts_with("replicaset.apps/b-"),
            "{}",
            o.stdout()
        );
        assert_eq!(o.stdout().lines().count(), 1, "{}", o.stdout());
        let o = with_files(&mut c, &files, "rollout pause -R -f m");
        assert_eq!(
            o.stdout(),
            "deployment.apps/b paused\ndeployment.apps/a paused\n"
        );
        let o = with_files(&mut c, &files, "rollout resume -f m -l app=a");
        assert_eq!(
            (o.stdout(), o.stderr()),
            (
                String::new(),
                "No resources found in default namespace.\n".into()
            )
        );
        let o = with_files(&mut c, &files, "rollout resume -f empty");
        assert_eq!(
            o.stderr(),
            "error: error reading [empty]: recognized file extensions are [.json .yaml .yml]\n"
        );
        let o = with_files(
            &mut c,
            &files,
            "rollout status -f m/b.yaml -f m/sub/a.yml --watch=false",
        );
        assert_eq!(
            o.stdout(),
            "deployment \"b\" successfully rolled out\ndeployment \"a\" successfully rolled out\n"
        );
    }

    /// `rollout status` follows each object in turn, and gathers the errors for the end.
    #[test]
    fn status_follows_each_object_then_reports_errors() {
        let mut c = Cluster::new(1);
        for name in ["a", "b"] {
            crate::run_line(
                &mut c,
                &format!("create deployment {name} --image=nginx:1.14.2"),
                "",
            );
        }
        let mut o = crate::run_line(&mut c, "rollout status deploy a nope b", "");
        let job = o.job.take().expect("a job");
        assert!(job.run_to_end(&mut c, &mut o).is_none());
        let out = o.stdout();
        let a = out
            .find("deployment \"a\" successfully rolled out")
            .unwrap();
        let b = out
            .find("deployment \"b\" successfully rolled out")
            .unwrap();
        assert!(a < b, "{out}");
        assert_eq!(
            o.stderr(),
            "Error from server (NotFound): deployments.apps \"nope\" not found\n"
        );
        assert_eq!(o.status, 1);
    }
}
