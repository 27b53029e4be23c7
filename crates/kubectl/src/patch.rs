//! `kubectl patch`: strategic merge (the default), JSON merge or JSON patch, with the
//! server's field validation warnings.

use crate::args::{flag, FlagSpec};
use crate::dryrun::{self, DryRun, Shown, ALLOW_MISSING_TEMPLATE_KEYS, DRY_RUN, OUTPUT, TEMPLATE};
use crate::output::Output;
use crate::resource::named_targets;
use crate::{errors, Env};
use ordinal_sim::patch::PatchType;
use ordinal_sim::{Cluster, FieldValidation};
use serde_json::Value;

/// `kubectl patch`'s flags.
pub const FLAGS: &[FlagSpec] = &[
    flag("patch", Some('p'), true),
    flag("type", None, true),
    flag("patch-file", None, true),
    DRY_RUN,
    OUTPUT,
    TEMPLATE,
    ALLOW_MISSING_TEMPLATE_KEYS,
];

pub fn patch(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some((p, dry, print)) = dryrun::parse(args, FLAGS, "patch", c, &mut out) else {
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
    let Some(t) = named_targets(&p, &mut out) else {
        return out;
    };
    for (kind, name) in t {
        if dry == DryRun::Client {
            client_patch(c, &mut out, &print, (kind, &ns, &name), type_, &value);
            continue;
        }
        let before = c.get(kind, &ns, &name).ok();
        // kubectl patch sends no fieldValidation: the server's default, Warn.
        let r = dry.send(c, |c| {
            c.patch_with(kind, &ns, &name, type_, &value, FieldValidation::Warn)
        });
        match r {
            Ok((o, warnings)) => {
                for w in warnings {
                    out.note(format!("Warning: {w}"));
                }
                // The same object back: nothing changed.
                let unchanged = before.is_some_and(|b| *b == *o);
                let operation = if unchanged {
                    "patched (no change)"
                } else {
                    "patched"
                };
                // No "(dry run)" suffix: kubectl's patch sets the printer's operation after
                // `PrintFlagsWithDryRunStrategy` added it, so v1.33 never shows it.
                print.done(
                    &mut out,
                    DryRun::None,
                    kind,
                    &name,
                    operation,
                    Shown::Unstructured(&o.to_value()),
                );
            }
            Err(e) if e.reason == ordinal_sim::Reason::Invalid && e.causes.is_empty() => {
                out.err(format!("error: {}", e.message))
            }
            Err(e) => out.err(errors::render(&e, None)),
        }
    }
    out
}

/// `patch --dry-run=client`: kubectl patches the object it read, prints that, sends nothing.
fn client_patch(
    c: &Cluster,
    out: &mut Output,
    print: &dryrun::Print,
    (kind, ns, name): (ordinal_sim::Kind, &str, &str),
    type_: PatchType,
    patch: &Value,
) {
    let live = match c.get(kind, ns, name) {
        Ok(o) => o.to_value(),
        Err(e) => {
            out.err(errors::render(&e, None));
            return;
        }
    };
    let mut patched = live.clone();
    match type_ {
        PatchType::Merge => ordinal_sim::patch::merge_patch(&mut patched, patch),
        PatchType::Strategic => ordinal_sim::patch::strategic_merge(&mut patched, patch),
        PatchType::Json => {
            if let Err(e) = ordinal_sim::patch::json_patch(&mut patched, patch) {
                out.err(format!("error: {e}"));
                return;
            }
        }
    }
    let operation = if patched == live {
        "patched (no change)"
    } else {
        "patched"
    };
    print.done(
        out,
        DryRun::None,
        kind,
        name,
        operation,
        Shown::Unstructured(&patched),
    );
}
