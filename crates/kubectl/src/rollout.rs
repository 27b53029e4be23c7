//! `kubectl rollout` for StatefulSets: status (a job that follows the set), history, undo,
//! restart; and the status viewer's messages.

use crate::args::{flag, parse_duration, sub, FlagSpec, Operands, Sub};
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

const SET: Operands = Operands::TypedName(Kind::StatefulSet);

/// `kubectl rollout`'s subcommands (alphabetical, as cobra lists them) and their own flags.
pub const SUBCOMMANDS: &[Sub] = &[
    sub("history", &[REVISION], SET),
    sub("pause", &[], SET).hidden(),
    sub("restart", &[], SET),
    sub("resume", &[], SET).hidden(),
    sub("status", &[REVISION, TIMEOUT, WATCH], SET),
    sub(
        "undo",
        &[
            TO_REVISION,
            DRY_RUN,
            OUTPUT,
            TEMPLATE,
            ALLOW_MISSING_TEMPLATE_KEYS,
        ],
        SET,
    ),
];

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
    // An unknown subcommand: `DefaultSubCommandRun`'s usage error, before anything else.
    let Some(own) = crate::args::find_sub(SUBCOMMANDS, &sub).map(|s| s.flags) else {
        out.err(format!(
            "error: unknown command {sub:?}\nSee 'kubectl rollout -h' for help and examples"
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
    // `undo`'s `Complete`: the dry-run strategy (and its warnings), then the printer.
    let (dry, print) = if sub == "undo" {
        match dryrun::flags(&p, c, &mut out) {
            Some(f) => f,
            None => return out,
        }
    } else {
        (DryRun::None, Print::Message)
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
    if !crate::resource::support(kind).rollout {
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
                out.out(rollout_message(&set).0);
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
            out.out(format!("statefulset.apps/{name} \n{}\n", crate::table::render_with(&rows, crate::table::DESCRIBE)));
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
            // `UndoOptions.RunUndo`: the rollbacker's message is the printer's operation, and
            // `-o` prints the set as kubectl read it before the patch.
            let shown = Object::StatefulSet(Box::new(set.clone())).to_value();
            let done = |out: &mut Output, operation: &str| {
                print.done(out, dry, Kind::StatefulSet, &name, operation, Shown::Typed(&shown));
            };
            if dry == DryRun::Client {
                let operation = format!(
                    "will roll back to {}",
                    crate::describe::pod_template_text(&template)
                );
                done(&mut out, &operation);
                return out;
            }
            // `statefulsetMatch`: the set's template patch equals the revision's data.
            let current = ordinal_sim::controllers::statefulset::utils::revision_patch(&set);
            if target.data.pointer("/spec/template") == current.pointer("/spec/template") {
                let operation = format!("skipped rollback (current template already matches revision {to})");
                done(&mut out, &operation);
                return out;
            }
            let value = serde_json::to_value(&template).unwrap_or(Value::Null);
            let op = json!([{"op": "replace", "path": "/spec/template", "value": value}]);
            match dry.send(c, |c| c.patch(Kind::StatefulSet, &ns, &name, PatchType::Json, &op)) {
                Ok(_) => done(&mut out, "rolled back"),
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

/// The StatefulSet status viewer (`rollout_status.go`).
pub fn rollout_message(s: &StatefulSet) -> (String, bool) {
    if s.update_strategy_type() != "RollingUpdate" {
        return (
            "error: rollout status is only available for RollingUpdate strategy type\n".into(),
            true,
        );
    }
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
