//! `kubectl label` and `kubectl annotate`: add, change (`--overwrite`) or remove (`KEY-`).

use crate::args::{flag, FlagSpec};
use crate::dryrun::{self, DryRun, Shown, ALLOW_MISSING_TEMPLATE_KEYS, DRY_RUN, OUTPUT, TEMPLATE};
use crate::output::Output;
use crate::resource::targets;
use crate::{errors, Env};
use ordinal_sim::Cluster;

/// The flags of `kubectl label` and `kubectl annotate`.
pub const FLAGS: &[FlagSpec] = &[
    flag("overwrite", None, false),
    flag("all", None, false),
    flag("selector", Some('l'), true),
    DRY_RUN,
    OUTPUT,
    TEMPLATE,
    ALLOW_MISSING_TEMPLATE_KEYS,
];

pub fn label(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    label_or_annotate(c, args, env, false)
}

pub fn annotate(c: &mut Cluster, args: &[String], env: &Env) -> Output {
    label_or_annotate(c, args, env, true)
}

fn label_or_annotate(c: &mut Cluster, args: &[String], env: &Env, annotate: bool) -> Output {
    let cmd = if annotate { "annotate" } else { "label" };
    let mut out = Output::default();
    let Some((p, dry, print)) = dryrun::parse(args, FLAGS, cmd, c, &mut out) else {
        return out;
    };
    let ns = p.value("namespace").unwrap_or(env.namespace).to_string();
    let (changes, rest): (Vec<String>, Vec<String>) = p
        .positionals
        .iter()
        .cloned()
        .partition(|a| a.contains('=') || (a.ends_with('-') && !a.contains('/')));
    if rest.is_empty() {
        out.err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>");
        return out;
    }
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
        // `kubectl label` (outside a client dry run) notes each label it was asked to remove
        // that the object does not have.
        if !annotate && dry != DryRun::Client {
            for ch in &changes {
                if let Some(k) = ch.strip_suffix('-') {
                    if !live.meta().labels.contains_key(k) {
                        out.out(format!("label {k:?} not found.\n"));
                    }
                }
            }
        }
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
        // kubectl words the result from its own copy, before it sends anything: the object's
        // JSON unchanged is "not labeled", shorter without --overwrite "unlabeled", else
        // "labeled"; `annotate` always says "annotated" (its printer's one operation).
        let word = if annotate {
            "annotated"
        } else if obj == *live {
            "not labeled"
        } else if !p.bool("overwrite") && json_len(&obj) < json_len(&live) {
            "unlabeled"
        } else {
            "labeled"
        };
        obj.meta_mut().resource_version.clear();
        // A client dry run prints the object as changed here and sends nothing.
        let result = match dry {
            DryRun::Client => {
                let mut o = obj;
                o.meta_mut().resource_version = live.meta().resource_version.clone();
                Ok(std::sync::Arc::new(o))
            }
            _ => dry.send(c, |c| c.update(obj)),
        };
        match result {
            Ok(o) => {
                print.done(
                    &mut out,
                    dry,
                    kind,
                    &name,
                    word,
                    Shown::Unstructured(&o.to_value()),
                );
            }
            Err(e) => out.err(errors::render(&e, None)),
        }
    }
    out
}

fn json_len(o: &ordinal_sim::Object) -> usize {
    serde_json::to_string(&o.to_value()).map_or(0, |s| s.len())
}
