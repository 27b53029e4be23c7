//! `kubectl scale`: a new `spec.replicas` for a Deployment, ReplicaSet or StatefulSet, through a
//! merge patch.

use crate::args::{flag, FlagSpec};
use crate::dryrun::{self, DryRun, Shown, ALLOW_MISSING_TEMPLATE_KEYS, DRY_RUN, OUTPUT, TEMPLATE};
use crate::output::Output;
use crate::resource::named_targets;
use crate::{errors, Env};
use ordinal_sim::patch::PatchType;
use ordinal_sim::Cluster;
use serde_json::json;

/// `kubectl scale`'s flags.
pub const FLAGS: &[FlagSpec] = &[
    flag("replicas", None, true),
    flag("current-replicas", None, true),
    flag("resource-version", None, true),
    flag("selector", Some('l'), true),
    flag("filename", Some('f'), true),
    DRY_RUN,
    OUTPUT,
    TEMPLATE,
    ALLOW_MISSING_TEMPLATE_KEYS,
];

pub fn scale(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some((p, dry, print)) = dryrun::parse(args, FLAGS, "scale", c, &mut out) else {
        return out;
    };
    let Some(r) = p.value("replicas") else {
        out.err("error: required flag(s) \"replicas\" not set");
        return out;
    };
    // `--replicas` is a Go `int` (64 bits): what fits goes to the server, which refuses what
    // does not fit its int32. pflag's parse errors end with the usage hint.
    let replicas: i64 = match r.parse::<i64>() {
        Err(e) => {
            let why = match e.kind() {
                std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => {
                    "value out of range"
                }
                _ => "invalid syntax",
            };
            out.err(format!("error: invalid argument \"{r}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{r}\": {why}\nSee 'kubectl scale --help' for usage."));
            return out;
        }
        Ok(n) if n < 0 => {
            out.err("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0");
            return out;
        }
        Ok(n) => n,
    };
    // `--current-replicas` (a Go `int`, -1 for no precondition), checked in `Validate`.
    let current = match p.value("current-replicas").map(|v| (v, v.parse::<i64>())) {
        None => -1,
        Some((_, Ok(n))) if n < -1 => {
            out.err("error: The --current-replicas must specify an integer of -1 or greater");
            return out;
        }
        Some((_, Ok(n))) => n,
        Some((v, Err(_))) => {
            out.err(format!("error: invalid argument \"{v}\" for \"--current-replicas\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl scale --help' for usage."));
            return out;
        }
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let Some(t) = named_targets(&p, &mut out) else {
        return out;
    };
    // kubectl reads every target first (`r.Infos()`, continuing past errors): none read is
    // "no objects passed to scale" with the errors; otherwise it scales what it read and
    // returns the errors at the end.
    let mut read = Vec::new();
    let mut missing = Vec::new();
    for (kind, name) in t {
        match c.get(kind, &ns, &name) {
            Ok(o) => read.push((kind, name, o.to_value())),
            Err(e) => missing.push(e),
        }
    }
    let rv = p.value("resource-version").filter(|v| !v.is_empty());
    if rv.is_some() && read.len() > 1 {
        out.err("error: cannot use --resource-version with multiple resources");
        return out;
    }
    if read.is_empty() && !missing.is_empty() {
        let msgs: Vec<&str> = missing.iter().map(|e| e.message.as_str()).collect();
        let all = match msgs.as_slice() {
            [one] => one.to_string(),
            many => format!("[{}]", many.join(", ")),
        };
        out.err(format!("error: no objects passed to scale {all}"));
        return out;
    }
    for (kind, name, read) in read {
        if !crate::resource::support(kind).scale {
            out.err(format!(
                "error: no scaler has been implemented for {{\"{}\" \"{}\"}}",
                kind.info().group,
                kind.name()
            ));
            continue;
        }
        // kubectl prints the object as it read it before scaling (`info.Object`), whatever the
        // strategy. A client dry run sends nothing, so no precondition is checked (the scaler's).
        if dry != DryRun::Client {
            if current != -1 {
                let cur = current.to_string();
                // The scale subresource's `spec.replicas` (the object's, 1 when unset).
                let live = c.get(kind, &ns, &name).ok().map(|o| {
                    o.to_value()
                        .pointer("/spec/replicas")
                        .and_then(serde_json::Value::as_i64)
                        .unwrap_or(1)
                        .to_string()
                });
                if live.as_deref().is_some_and(|l| l != cur) {
                    out.err(format!(
                        "error: Expected replicas to be {cur}, was {}",
                        live.unwrap_or_default()
                    ));
                    continue;
                }
            }
            // `--resource-version` (the scale's, which is the object's), checked after the
            // replicas by the scaler's precondition: kubectl's own error, not the server's.
            if let Some(rv) = rv {
                if let Ok(live) = c.get(kind, &ns, &name) {
                    let live = &live.meta().resource_version;
                    if live != rv {
                        out.err(format!(
                            "error: Expected resource version to be {rv}, was {live}"
                        ));
                        continue;
                    }
                }
            }
            let replicas = json!({"spec": {"replicas": replicas}});
            let sent = dry.send(c, |c| {
                c.patch(kind, &ns, &name, PatchType::Merge, &replicas)
            });
            if let Err(e) = sent {
                out.err(errors::render(&e, None));
                continue;
            }
        }
        print.done(
            &mut out,
            dry,
            kind,
            &name,
            "scaled",
            Shown::Unstructured(&read),
        );
    }
    for e in missing {
        out.err(errors::render(&e, None));
    }
    out
}
