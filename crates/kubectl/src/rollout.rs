//! `kubectl rollout` (`pkg/cmd/rollout`) for Deployments and StatefulSets: status (a job that
//! follows the object), history, undo, pause, resume and restart; the StatefulSet status
//! viewer's messages (the Deployment's helpers are in [`crate::deployment`]).

use crate::args::{flag, parse_duration, sub, FlagSpec, Operands, Sub};
use crate::deployment;
use crate::jobs::Job;
use crate::output::Output;
use crate::resource::targets;
use crate::Env;
use ordinal_sim::api::*;
use ordinal_sim::patch::PatchType;
use ordinal_sim::Cluster;
use serde_json::{json, Value};

const TO_REVISION: FlagSpec = flag("to-revision", None, true);
const WATCH: FlagSpec = flag("watch", Some('w'), false);
const REVISION: FlagSpec = flag("revision", None, true);
const TIMEOUT: FlagSpec = flag("timeout", None, true);
use crate::dryrun::{
    self, DryRun, Print, Shown, ALLOW_MISSING_TEMPLATE_KEYS, DRY_RUN, OUTPUT, TEMPLATE,
};

/// Every subcommand's flags (the parser takes them all, then refuses another subcommand's), in
/// the order a foreign one is reported.
pub const FLAGS: &[FlagSpec] = &[
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
const PRINTS: &[FlagSpec] = &[OUTPUT, TEMPLATE, ALLOW_MISSING_TEMPLATE_KEYS];

/// `kubectl rollout`'s subcommands (alphabetical, as cobra lists them) and their own flags.
pub const SUBCOMMANDS: &[Sub] = &[
    sub("history", &[REVISION], MANAGED),
    sub("pause", PRINTS, DEPLOYMENTS),
    sub("restart", PRINTS, MANAGED),
    sub("resume", PRINTS, DEPLOYMENTS),
    sub("status", &[REVISION, TIMEOUT, WATCH], MANAGED),
    sub(
        "undo",
        &[
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
        if p.has(f.long) && !own.iter().any(|o| o.long == f.long) {
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
        "pause" | "resume" | "restart" => match dryrun::print_flag(&p, &mut out) {
            Some(print) => (DryRun::None, print),
            None => return out,
        },
        _ => (DryRun::None, Print::Message),
    };
    let mut q = p.clone();
    q.positionals.remove(0);
    let Some(t) = targets(&q, &mut out) else {
        return out;
    };
    let Some((kind, name)) = t.into_iter().next().filter(|(_, n)| !n.is_empty()) else {
        out.err(format!("error: required resource not specified\nSee 'kubectl rollout {sub} -h' for help and examples"));
        return out;
    };
    // `Validate`.
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
    // The builder reads the object first; the helper for its kind comes after.
    let obj = match c.get(kind, &ns, &name) {
        Ok(o) => o,
        Err(e) => {
            out.err(crate::errors::render(&e, None));
            return out;
        }
    };
    let gk = group_kind(kind);
    match sub.as_str() {
        "status" => {
            if !crate::resource::support(kind).rollout {
                out.err(format!(
                    "error: no status viewer has been implemented for {gk}"
                ));
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
                match status_of(&obj, revision) {
                    Ok((msg, _)) => out.out(msg),
                    Err(e) => out.err(format!("error: {e}")),
                }
                return out;
            }
            out.job = Some(Job::RolloutStatus {
                kind,
                ns,
                name,
                revision,
                seen: None,
                deadline,
            });
        }
        "history" => {
            let prefix = crate::resource::type_prefix(kind);
            // `ViewHistory`, printed through the name printer: `deployment.apps/web <info>`.
            let viewed = match &*obj {
                Object::Deployment(d) => deployment::view_history(c, d, revision),
                Object::StatefulSet(s) => statefulset_history(c, s, revision),
                _ => Err(match visitor_error(kind) {
                    Some(e) => format!("error retrieving history for {gk:?}, {e}"),
                    None => format!("no history viewer has been implemented for {gk:?}"),
                }),
            };
            match viewed {
                Ok(info) => {
                    let with = if revision > 0 {
                        format!("with revision #{revision}")
                    } else {
                        String::new()
                    };
                    out.out(format!("{prefix}/{name} {with}\n{info}\n"));
                }
                Err(e) => out.err(format!("error: {e}")),
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
            // `UndoOptions.RunUndo`: the rollbacker's message is the printer's operation, and
            // `-o` prints the object as kubectl read it before the patch.
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
                Err(e) => out.err(format!("error: {e}")),
                Ok(deployment::Rollback { operation, patch: None }) => {
                    print.done(&mut out, dry, kind, &name, &operation, Shown::Typed(&shown));
                }
                Ok(deployment::Rollback { operation, patch: Some(patch) }) => {
                    match dry.send(c, |c| c.patch(kind, &ns, &name, PatchType::Json, &patch)) {
                        Ok(_) => print.done(&mut out, dry, kind, &name, &operation, Shown::Typed(&shown)),
                        Err(e) => out.err(format!("error: failed restoring revision {to}: {}", e.message)),
                    }
                }
            }
        }
        "pause" | "resume" | "restart" => {
            // `set.CalculatePatches` with the object pauser, resumer or restarter: its error
            // names the object; an empty patch sends nothing.
            let now = c.now().rfc3339();
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
                Err(e) => out.err(format!("error: {} {name:?} {e}", resource_string(kind))),
                Ok(None) => out.err(format!("error: failed to create patch for {name}: if restart has already been triggered within the past second, please wait before attempting to trigger another")),
                Ok(Some(patch)) => match c.patch(kind, &ns, &name, PatchType::Strategic, &patch) {
                    Ok(o) => print.done(&mut out, DryRun::None, kind, &name, done, Shown::Typed(&dryrun::typed(&o.to_value()))),
                    Err(e) => out.err(format!("error: failed to patch: {}", e.message)),
                },
            }
        }
        other => out.err(format!("error: unknown command \"{other}\" for \"kubectl rollout\"\nSee 'kubectl rollout -h' for help and examples")),
    }
    out
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
    let value = serde_json::to_value(&template).unwrap_or(Value::Null);
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
