//! `kubectl patch`: strategic merge (the default), JSON merge or JSON patch, with the
//! server's field validation warnings.

use crate::args::{flag, FlagSpec};
use crate::output::Output;
use crate::resource::{named_targets, type_prefix};
use crate::{errors, Env};
use ordinal_sim::patch::PatchType;
use ordinal_sim::{Cluster, FieldValidation};
use serde_json::Value;

/// `kubectl patch`'s flags.
pub const FLAGS: &[FlagSpec] = &[
    flag("patch", Some('p'), true),
    flag("type", None, true),
    flag("patch-file", None, true),
];

pub fn patch(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    let mut out = Output::default();
    let Some(p) = crate::args::parse_into(args, FLAGS, "patch", &mut out) else {
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
